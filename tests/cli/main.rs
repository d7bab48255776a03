//! Tests that run the built `gbcheck` binary: its commands, options, output formats, exit
//! statuses, CI behaviour, file discovery, conversion, crashes and hostile inputs, limits and
//! scale, sharding and merging. One module per area; every module runs gbcheck through
//! `support::command` (`tests/support/command.rs`).

/// The shared test helpers this binary uses (`tests/support/`).
#[path = "../support"]
mod support {
    pub mod command;
    pub mod defect_tree;
    pub mod output;
    pub mod records;
    pub mod slow;
}

mod chunk_context;
mod ci;
mod cli;
mod convert;
mod corpus;
mod crash;
mod discovery;
mod fix;
mod formats;
mod gate;
mod hostile;
mod limits;
mod paths;
mod profiles;
mod scale;
mod shard_merge;
mod suppress;
