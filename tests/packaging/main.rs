//! The packaging tests: the pre-commit hooks, the Python wheel and the Spark recipe. They
//! download from PyPI, build gbcheck again or start Spark, so they run only when
//! `GBCHECK_SLOW_TESTS=1` asks for them (`tests/support/slow.rs`); a plain `cargo test` passes
//! them at once.

/// The shared test helpers this binary uses (`tests/support/`).
#[path = "../support"]
mod support {
    pub mod command;
    pub mod defect_tree;
    pub mod hooks;
    pub mod records;
    pub mod slow;
}

mod precommit;
mod spark;
mod wheel;
