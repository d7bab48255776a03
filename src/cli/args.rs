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
    /// Convert files between GB 18030 and UTF-8, exactly: anything lossy, or text damaged
    /// already (mojibake), is refused and the file left as it was.
    Convert(ConvertArgs),
    /// Explain a rule: what it means, an example, and how to fix it.
    Explain {
        /// The rule's id (GB007) or name (private-use).
        rule: String,
    },
    /// Merge the JSON Lines of several `gbcheck check --format jsonl` runs (shards, Spark
    /// partitions) into the report one run over all their inputs gives: records sorted by
    /// path, one summary (the sum), in JSON Lines or SARIF.
    Merge(MergeArgs),
    /// Print the effective configuration for a path: the config file found (or given), and
    /// the encoding, profile, level and rule severities a file there is checked with.
    Config(ConfigArgs),
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON Lines files (`-`: standard input); each holds one or more runs, each ending with
    /// its summary line.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = MergeFormatArg::Jsonl)]
    pub format: MergeFormatArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeFormatArg {
    /// JSON Lines, as `gbcheck check --format jsonl` writes them.
    Jsonl,
    /// One SARIF 2.1.0 log.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The file (or directory) whose configuration is shown; default: the current directory.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Read the configuration from FILE instead of the nearest gbcheck.toml, .gbcheck.toml or
    /// pyproject.toml with [tool.gbcheck] above PATH.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Clone, Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and directories to check (directories recursively); `-` reads standard input.
    /// Default: `.`, unless `--files-from` is given.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The encoding files are expected to be in. `auto`: UTF-8 when a file starts with a UTF-8
    /// BOM or is valid UTF-8 with non-ASCII bytes, GB 18030 otherwise.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,

    /// The standard characters are judged against: strict GB 18030-2022, GB 18030-2005,
    /// WHATWG's GBK (`gbk`, alias `gbk-whatwg`: browsers' GBK encoder), WHATWG (browsers, Node,
    /// encoding_rs), or Microsoft's code page 936 (`cp936`: as glibc's GBK and Python's cp936).
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

    /// Output format (default: `github` when GITHUB_ACTIONS=true, else `human`).
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Read the configuration from FILE (for every path) instead of the nearest
    /// gbcheck.toml, .gbcheck.toml or pyproject.toml with [tool.gbcheck] above each path.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,

    /// Hide the findings recorded in this baseline file (`--write-baseline`); only new ones
    /// are reported and fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the findings of this run in FILE, to be hidden later with `--baseline`; the run
    /// then exits 0 unless an input could not be checked.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

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

    /// Apply the safe fixes in place (atomically), then report what remains; with standard
    /// input, write the fixed text to standard output. See `gbcheck explain` for which
    /// findings have fixes.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print a unified diff of what `--fix` would change and change nothing; exit 1 when
    /// there is a change.
    #[arg(long)]
    pub diff: bool,

    /// With `--fix` or `--diff`, also apply the unsafe fixes (mojibake repaired, control
    /// characters removed, a file in the wrong encoding converted).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Check files that look binary (a NUL byte in the first 8 KiB) instead of skipping them.
    #[arg(long)]
    pub binary: bool,

    /// Print findings and errors only: no summary line and no progress bar.
    #[arg(short, long)]
    pub quiet: bool,

    /// Also check hidden files and directories (names starting with `.`).
    #[arg(long)]
    pub hidden: bool,

    /// Do not respect `.gitignore`, `.ignore` and `.git/info/exclude` files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Respect `.gitignore` files outside Git repositories too (by default they count only
    /// inside one, as for ripgrep; `.ignore` files count everywhere).
    #[arg(long)]
    pub no_require_git: bool,

    /// Skip files and directories matching this glob (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Apply `--exclude` to paths named on the command line or in `--files-from` too
    /// (for pre-commit hooks, which pass every changed file).
    #[arg(long)]
    pub force_exclude: bool,

    /// Read the paths to check from FILE (`-`: standard input), one a line.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Paths in `--files-from` are separated by NUL bytes, not newlines (as `find -print0`
    /// and `git ls-files -z` write them).
    #[arg(short = '0', long, requires = "files_from")]
    pub null: bool,

    /// Skip files larger than SIZE (bytes, or with a suffix K, M, G: 10M).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,

    /// Number of threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Check only shard K of N (1 <= K <= N): the files whose path hashes to it (FNV-1a of
    /// the path relative to the directory named; see docs/spark.md). N runs with 1/N .. N/N
    /// check every file exactly once.
    #[arg(long, value_name = "K/N", value_parser = super::shard::Shard::parse)]
    pub shard: Option<super::shard::Shard>,

    /// Print statistics at the end: files checked and skipped, bytes, findings by rule, time
    /// and throughput.
    #[arg(long)]
    pub stats: bool,

    /// Never show the progress bar (it is shown only on a terminal, outside CI, after a
    /// second).
    #[arg(long)]
    pub no_progress: bool,

    /// Files larger than SIZE are read in chunks of about SIZE, checked in parallel (for
    /// tests and benchmarks).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1M", hide = true)]
    pub chunk_size: u64,
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Files to convert (`-`: standard input). Without `--in-place` or `-o`, exactly one,
    /// written to standard output.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The encoding to convert to: the output is always in it. A file already in it (or pure
    /// ASCII, the same in both) is copied unchanged, after the same checks.
    #[arg(long, value_enum)]
    pub to: TargetArg,

    /// The encoding the files are in. `auto`: UTF-8 when a file starts with a UTF-8 BOM or is
    /// valid UTF-8 with non-ASCII bytes, GB 18030 otherwise. A file that is not in the encoding
    /// named is refused: `utf-8` for bytes that are not UTF-8 (GB001), `gb18030` for a file
    /// that is valid UTF-8 (GB008, unless `--allow-mojibake`).
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub from: EncodingArg,

    /// The profile the GB 18030 side is read or written with.
    #[arg(long, value_enum, default_value_t = ProfileArg::Gb18030_2022)]
    pub profile: ProfileArg,

    /// Replace each file with its conversion (atomically: a temporary file in the same
    /// directory, checked, then renamed over the original). A file already in the target
    /// encoding is checked and left as it is (unless it loses its BOM).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,

    /// With `--in-place`, keep the original beside the file as FILE + SUFFIX.
    #[arg(long, value_name = "SUFFIX", requires = "in_place")]
    pub backup: Option<String>,

    /// Write the conversion of the one FILE to OUT (atomically, like `--in-place`).
    #[arg(short, long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Say what would be converted and what would be refused, and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Keep a byte order mark at the start of a file, as the target encoding's BOM (it is
    /// dropped otherwise, also from a file already in the target encoding).
    #[arg(long)]
    pub keep_bom: bool,

    /// Convert even text that looks damaged already: mojibake (GB009), or a file that is
    /// valid UTF-8 named `--from gb18030` (GB008). Such files are refused otherwise, since
    /// converting them would make the damage permanent.
    #[arg(long)]
    pub allow_mojibake: bool,

    /// Show at most N findings per refused file.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_findings: usize,

    /// Bytes read at a time (for tests and benchmarks).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1M", hide = true)]
    pub chunk_size: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Gb18030,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
}

/// Parses a size: a number of bytes, optionally followed by K, M or G (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let shift = match unit.trim().to_ascii_uppercase().trim_end_matches("IB").trim_end_matches('B') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("'{text}' is not a size (use a number of bytes, or 10K, 5M, 1G)")),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size (use a number of bytes, or 10K, 5M, 1G)"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("size '{text}' is too large"))
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
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, IDEs).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One line a finding: `path:line:col: GB001 message`.
    Brief,
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
    #[value(alias = "gbk-whatwg")]
    Gbk,
    Whatwg,
    Cp936,
}
