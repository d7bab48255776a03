//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// A fast, exact GB 18030 conformance checker.
#[derive(Debug, Parser)]
#[command(name = "gbcheck", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files, directory trees or standard input (`-`).
    Check(CheckArgs),
    /// List every rule with its id, name, default severity and what it fires on.
    Rules,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and directories to check (directories recursively); `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// The encoding files are expected to be in. `auto`: UTF-8 when a file starts with a UTF-8
    /// BOM or is valid UTF-8 with non-ASCII bytes, GB 18030 otherwise.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Report at most N findings per file (the summary still counts all of them).
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,

    /// When to use colours in human output (`auto` honours NO_COLOR and checks for a terminal).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Exit with status 1 when a finding at or above this severity is found.
    #[arg(long, value_enum, default_value_t = FailLevelArg::Error)]
    pub fail_level: FailLevelArg,

    /// Check files that look binary (a NUL byte in the first 8 KiB) instead of skipping them.
    #[arg(long)]
    pub binary: bool,

    /// Print findings and errors only, no summary line (human format).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    Auto,
    Gb18030,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Jsonl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevelArg {
    Error,
    Warning,
}
