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
    /// Explain a rule: what it means, an example, and how to fix it.
    Explain {
        /// The rule's id (GB007) or name (private-use).
        rule: String,
    },
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

    /// The standard characters are judged against: strict GB 18030-2022, GB 18030-2005, GBK
    /// (code page 936), or WHATWG (browsers, Node, encoding_rs).
    #[arg(long, value_enum, default_value_t = ProfileArg::Gb18030_2022)]
    pub profile: ProfileArg,

    /// Check that every character is in this GB 18030-2022 implementation level (GB010).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub level: Option<u8>,

    /// Check only these rules (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Do not check these rules (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

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

    /// Exit with status 0 even when findings are found (operational errors still give 2).
    #[arg(long)]
    pub exit_zero: bool,

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    #[value(name = "gb18030-2022")]
    Gb18030_2022,
    #[value(name = "gb18030-2005")]
    Gb18030_2005,
    Gbk,
    Whatwg,
}
