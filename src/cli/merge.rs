//! `gbcheck merge FILE...`: the JSON Lines of several runs (shards, Spark partitions) as the
//! one report a single run over all their inputs would have given.
//!
//! - Each input holds one or more runs, one after another, each ending with its summary
//!   line; records after the last summary (a run that did not finish) are refused.
//! - Records are grouped by path and written in the order `gbcheck check` writes them
//!   (sorted by path, standard input last), through the same output formats, so the result
//!   does not depend on the order of the inputs or of the runs in them.
//! - The summary is the sum of the runs' summaries; it is not recounted from the records,
//!   which do not show clean files or files skipped inside directories. `elapsed_ms` is the
//!   sum of the runs' times (work done, not wall time), and the rates are taken over it.
//! - Runs made with different settings (profile, rules, encoding ...) are refused, as are a
//!   path reported by two runs (overlapping inputs would be counted twice) and an incomplete
//!   set of shards.
//! - For SARIF, each finding's fingerprint is made from its file, read again from the
//!   current directory, as `gbcheck check` does; where the file cannot be read it is made
//!   from the finding's bytes alone (as for standard input).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use gbcheck::check::Encoding;
use gbcheck::finding::{Cause, Finding, Rule, Severity, Span};
use gbcheck::mapping::Encoded;
use gbcheck::profile::Profile;
use gbcheck::report::{Counts, Summary};
use gbcheck::rules::mojibake::MojibakeKind;
use serde::Deserialize;

use crate::cli::args::{MergeArgs, MergeFormatArg};
use crate::cli::filter::Source;
use crate::cli::output::jsonl::{FixRecord, JsonLines, RunSettings, SCHEMA_VERSION};
use crate::cli::output::sarif::Sarif;
use crate::cli::output::{DisplayPath, Located, Reporter};
use crate::cli::shard::Shard;
use crate::cli::stats::{RuleCounts, Stats};
use crate::cli::walk::sort_key_bytes;
use crate::cli::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// One line of `gbcheck check --format jsonl`.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Finding(FindingLine),
    Error { path: String, path_base64: Option<String>, message: String },
    Skipped { path: String, path_base64: Option<String>, reason: String },
    Summary(Box<SummaryLine>),
}

#[derive(Deserialize)]
struct FindingLine {
    path: String,
    path_base64: Option<String>,
    rule: String,
    severity: String,
    line: u64,
    column: u64,
    byte_offset: u64,
    byte_len: u32,
    bytes: String,
    char: Option<String>,
    message: String,
    /// GB004's other code (absent in the output of an older gbcheck).
    #[serde(default)]
    round_trip_bytes: Option<String>,
    /// The finding's fix (absent in the output of an older gbcheck).
    #[serde(default)]
    fix: Option<Box<FixRecord>>,
}

#[derive(Deserialize)]
struct SummaryLine {
    schema_version: u32,
    files_checked: u64,
    files_with_findings: u64,
    files_skipped: u64,
    bytes_checked: u64,
    findings: u64,
    errors: u64,
    warnings: u64,
    #[serde(default)]
    operational_errors: u64,
    #[serde(default)]
    elapsed_ms: u64,
    #[serde(default)]
    findings_by_rule: BTreeMap<String, u64>,
    #[serde(default)]
    suppressed: u64,
    #[serde(default)]
    baselined: u64,
    #[serde(default)]
    ignored: u64,
    #[serde(default)]
    fixed: u64,
    #[serde(default)]
    fixable: u64,
    #[serde(default)]
    fixable_unsafe: u64,
    #[serde(default)]
    settings: Option<RunSettings>,
}

/// A record to write again.
enum Record {
    Finding(Box<Located>),
    Error(String),
    Skipped(String),
}

/// The records of one path from one run, in the run's order.
struct Group {
    path: DisplayPath,
    /// The sort key: standard input last, then the path component by component.
    key: (bool, Vec<u8>),
    /// For paths that may come from several runs (standard input, a walk error without a
    /// path): the lines themselves, to order such groups by content.
    tiebreak: String,
    records: Vec<Record>,
}

/// A finished run: where it came from, and its summary.
struct Run {
    source: String,
    summary: Box<SummaryLine>,
}

/// Everything read from the inputs.
#[derive(Default)]
struct Merged {
    runs: Vec<Run>,
    groups: Vec<Group>,
    /// The run each path (other than the exempt ones) was reported by.
    owner: HashMap<Vec<u8>, usize>,
    /// The first path reported by two runs; refused after the settings are compared, which
    /// explain more when they differ.
    overlap: Option<String>,
}

/// Runs `gbcheck merge`.
pub fn run(args: &MergeArgs) -> io::Result<u8> {
    match merge(args) {
        Ok(code) => Ok(code),
        Err(Failure::Io(e)) => Err(e),
        Err(Failure::Refused(message)) => {
            writeln!(io::stderr(), "gbcheck merge: error: {message}")?;
            Ok(EXIT_ERROR)
        }
    }
}

enum Failure {
    Io(io::Error),
    Refused(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Refused(message)
    }
}

fn merge(args: &MergeArgs) -> Result<u8, Failure> {
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err("standard input (-) can be named once".to_string().into());
    }
    let mut merged = Merged::default();
    for file in &args.files {
        read_input(file, &mut merged)?;
    }
    let settings = common_settings(&merged.runs)?;
    if let Some(message) = merged.overlap.take() {
        return Err(message.into());
    }
    merged.groups.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.tiebreak.cmp(&b.tiebreak)));

    let (summary, stats, elapsed) = total(&merged.runs)?;
    let stdout = io::stdout().lock();
    let mut reporter: Box<dyn Reporter> = match args.format {
        MergeFormatArg::Jsonl => Box::new(JsonLines::new(io::BufWriter::new(stdout), settings.clone())),
        MergeFormatArg::Sarif => Box::new(Sarif::new(io::BufWriter::new(stdout))),
    };
    let written = write_groups(reporter.as_mut(), &merged.groups, args.format == MergeFormatArg::Sarif)
        .and_then(|()| reporter.summary(&summary, &stats, elapsed));
    // A closed output pipe ends the merge quietly; the status is still that of the runs.
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }

    let fail_level = match settings.as_ref().map(|s| s.fail_level.as_str()) {
        Some("warning") => Severity::Warning,
        _ => Severity::Error,
    };
    Ok(if summary.operational_errors > 0 {
        EXIT_ERROR
    } else if summary.counts.reaches(fail_level) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Writes every group's records, in order.
fn write_groups(reporter: &mut dyn Reporter, groups: &[Group], fingerprints: bool) -> io::Result<()> {
    for group in groups {
        let mut source = None;
        for record in &group.records {
            match record {
                Record::Finding(located) if fingerprints => {
                    let source = source.get_or_insert_with(|| Source::open(&group.path).0);
                    let fingerprint = Some(source.fingerprint(located));
                    reporter.finding(&group.path, &Located { fingerprint, ..(**located).clone() })?;
                }
                Record::Finding(located) => reporter.finding(&group.path, located)?,
                Record::Error(message) => reporter.error(&group.path, message)?,
                Record::Skipped(reason) => reporter.skipped(&group.path, reason, true)?,
            }
        }
        reporter.file_done(&group.path, 0)?;
    }
    Ok(())
}

/// Reads one input (a file, or `-`) into `merged`.
fn read_input(file: &Path, merged: &mut Merged) -> Result<(), Failure> {
    let name = if file.as_os_str() == "-" { "<stdin>".to_string() } else { file.display().to_string() };
    let reader: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let opened = std::fs::File::open(file)
            .map_err(|e| format!("cannot read {name}: {}", crate::cli::input::describe_io_error(&e)))?;
        Box::new(BufReader::with_capacity(1 << 16, opened))
    };
    let mut pending: Vec<(DisplayPath, Record, Option<String>)> = Vec::new();
    let mut runs_here = 0;
    for (number, line) in reader.split(b'\n').enumerate() {
        let line =
            line.map_err(|e| format!("cannot read {name}: {}", crate::cli::input::describe_io_error(&e)))?;
        let at = || format!("{name}:{}", number + 1);
        let text = std::str::from_utf8(&line)
            .map_err(|_| format!("{}: not a gbcheck JSON Lines record (not UTF-8)", at()))?
            .trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(text)
            .map_err(|e| format!("{}: not a gbcheck JSON Lines record: {e}", at()))?;
        let (path, record) = match parsed {
            Line::Summary(summary) => {
                if summary.schema_version != SCHEMA_VERSION {
                    return Err(format!(
                        "{}: schema version {} (this gbcheck reads version {SCHEMA_VERSION})",
                        at(),
                        summary.schema_version
                    )
                    .into());
                }
                let run = merged.runs.len();
                merged.runs.push(Run { source: name.clone(), summary });
                add_run(merged, run, std::mem::take(&mut pending));
                runs_here += 1;
                continue;
            }
            Line::Finding(finding) => {
                let path = display_path(finding.path.clone(), finding.path_base64.as_deref())
                    .map_err(|e| format!("{}: {e}", at()))?;
                (path, Record::Finding(Box::new(located(finding).map_err(|e| format!("{}: {e}", at()))?)))
            }
            Line::Error { path, path_base64, message } => (
                display_path(path, path_base64.as_deref()).map_err(|e| format!("{}: {e}", at()))?,
                Record::Error(message),
            ),
            Line::Skipped { path, path_base64, reason } => (
                display_path(path, path_base64.as_deref()).map_err(|e| format!("{}: {e}", at()))?,
                Record::Skipped(reason),
            ),
        };
        let line = exempt(&path).then(|| text.to_string());
        pending.push((path, record, line));
    }
    if !pending.is_empty() || runs_here == 0 {
        return Err(format!(
            "{name}: the last run in it has no summary line: it did not finish (or this is not the \
             output of `gbcheck check --format jsonl`)"
        )
        .into());
    }
    Ok(())
}

/// Whether a path may be reported by several runs: standard input, or no path at all.
fn exempt(path: &DisplayPath) -> bool {
    path.raw.is_none() && (path.text.is_empty() || path.text == DisplayPath::stdin().text)
}

/// Files one finished run's records into groups.
fn add_run(merged: &mut Merged, run: usize, records: Vec<(DisplayPath, Record, Option<String>)>) {
    let first = merged.groups.len();
    for (path, record, line) in records {
        let bytes = path.raw.clone().unwrap_or_else(|| path.text.as_bytes().to_vec());
        let same = merged.groups.len() > first
            && merged.groups.last().is_some_and(|g| g.path.text == path.text && g.path.raw == path.raw);
        if !same {
            if !exempt(&path) {
                if let Some(&other) = merged.owner.get(&bytes) {
                    if other != run && merged.overlap.is_none() {
                        merged.overlap = Some(format!(
                            "{} is reported by two runs (in {} and in {}): the runs overlap, and \
                             merging them would count it twice",
                            path.text, merged.runs[other].source, merged.runs[run].source
                        ));
                    }
                }
                merged.owner.insert(bytes.clone(), run);
            }
            let key = (path.raw.is_none() && path.text == DisplayPath::stdin().text, sort_key_bytes(&bytes));
            merged.groups.push(Group { path, key, tiebreak: String::new(), records: Vec::new() });
        }
        let Some(group) = merged.groups.last_mut() else { continue };
        if exempt(&group.path) {
            if let Some(line) = line {
                group.tiebreak.push_str(&line);
                group.tiebreak.push('\n');
            }
        }
        group.records.push(record);
    }
}

/// A path from its `path` and `path_base64` keys.
fn display_path(text: String, base64: Option<&str>) -> Result<DisplayPath, String> {
    let raw = match base64 {
        Some(encoded) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|_| format!("path_base64 '{encoded}' is not base64"))?,
        ),
        None => None,
    };
    Ok(DisplayPath { text, raw })
}

/// A finding record as the output formats take it.
fn located(line: FindingLine) -> Result<Located, String> {
    let rule = Rule::ALL
        .iter()
        .copied()
        .find(|r| r.id() == line.rule)
        .ok_or_else(|| format!("unknown rule '{}'", line.rule))?;
    let severity = match line.severity.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        other => return Err(format!("unknown severity '{other}'")),
    };
    let bytes = hex_bytes(&line.bytes)?;
    let scalar = match &line.char {
        None => None,
        Some(text) => Some(
            text.strip_prefix("U+")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .and_then(char::from_u32)
                .ok_or_else(|| format!("char '{text}' is not U+XXXX"))?,
        ),
    };
    // Only a GB009 finding's cause matters to the formats (its span's width in characters
    // depends on the file's encoding): the message quotes the run as the file's encoding
    // reads it, which tells UTF-8 from GB 18030.
    let cause = if rule == Rule::Mojibake {
        let as_utf8 = std::str::from_utf8(&bytes).ok().map(|t| format!("\"{t}\""));
        let input = match as_utf8 {
            Some(quoted) if line.message.starts_with(&quoted) => Encoding::Utf8,
            _ => Encoding::Gb18030,
        };
        Cause::Mojibake { kind: MojibakeKind::Utf8AsGbk, input }
    } else if let (Rule::RoundTripMismatch, Some(hex), Some(scalar)) = (rule, &line.round_trip_bytes, scalar)
    {
        // Only the other code matters to the formats (the message is the record's own): the
        // profile here is a stand-in.
        let code = Encoded::from_bytes(&hex_bytes(hex)?);
        Cause::ReEncodes { profile: Profile::Gb18030_2022, scalar, code }
    } else {
        Cause::Character
    };
    Ok(Located {
        finding: Finding {
            rule,
            severity,
            span: Span { start: line.byte_offset, len: line.byte_len },
            cause,
            scalar,
        },
        line: line.line,
        column: line.column,
        bytes,
        message: line.message,
        snippet: None,
        fingerprint: None,
        fix: match line.fix {
            Some(record) => Some(record.to_fix(Span { start: line.byte_offset, len: line.byte_len })?),
            None => None,
        },
    })
}

/// Bytes written as space-separated hex (`a1 a1`).
fn hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    text.split_ascii_whitespace()
        .map(|hex| u8::from_str_radix(hex, 16).map_err(|_| format!("bytes '{text}' are not hex")))
        .collect()
}

/// The settings every run was made with (but its shard); refuses runs that differ, and a
/// set of shards that is not complete.
fn common_settings(runs: &[Run]) -> Result<Option<RunSettings>, String> {
    let Some(first) = runs.first() else { return Ok(None) };
    let unsharded = |s: &Option<RunSettings>| s.clone().map(|s| RunSettings { shard: None, ..s });
    let reference = unsharded(&first.summary.settings);
    for run in &runs[1..] {
        let these = unsharded(&run.summary.settings);
        if these != reference {
            return Err(format!(
                "the runs were made with different settings, so their findings do not add up: {}",
                differences(first, &reference, run, &these)
            ));
        }
    }
    check_shards(runs)?;
    Ok(reference)
}

/// What differs between two runs' settings, for the message.
fn differences(a: &Run, sa: &Option<RunSettings>, b: &Run, sb: &Option<RunSettings>) -> String {
    let (va, vb) =
        (serde_json::to_value(sa).unwrap_or_default(), serde_json::to_value(sb).unwrap_or_default());
    match (va.as_object(), vb.as_object()) {
        (Some(oa), Some(ob)) => oa
            .iter()
            .filter(|(k, v)| ob.get(*k) != Some(v))
            .map(|(k, v)| {
                let w = ob.get(k).cloned().unwrap_or_default();
                format!("{k} is {v} in {} but {w} in {}", a.source, b.source)
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => format!(
            "{} records its settings and {} does not (written by an older gbcheck?)",
            if va.is_null() { &b.source } else { &a.source },
            if va.is_null() { &a.source } else { &b.source }
        ),
    }
}

/// With `--shard`: every shard 1/N .. N/N exactly once.
fn check_shards(runs: &[Run]) -> Result<(), String> {
    let shards: Vec<Option<&str>> =
        runs.iter().map(|r| r.summary.settings.as_ref().and_then(|s| s.shard.as_deref())).collect();
    if shards.iter().all(Option::is_none) {
        return Ok(());
    }
    if shards.iter().any(Option::is_none) {
        return Err("some runs are shards (--shard) and some are not".to_string());
    }
    let parsed: Vec<Shard> = shards.iter().flatten().map(|s| Shard::parse(s)).collect::<Result<_, _>>()?;
    let count = parsed[0].count;
    if parsed.iter().any(|s| s.count != count) {
        return Err("the shards are of different counts (K/N with different N)".to_string());
    }
    let mut seen = vec![0u32; count as usize];
    for shard in &parsed {
        seen[shard.index as usize] += 1;
    }
    let list = |want: fn(u32) -> bool| {
        seen.iter()
            .enumerate()
            .filter(|(_, &n)| want(n))
            .map(|(k, _)| format!("{}/{count}", k + 1))
            .collect::<Vec<_>>()
    };
    let (missing, twice) = (list(|n| n == 0), list(|n| n > 1));
    if !twice.is_empty() {
        return Err(format!("shard {} is given more than once", twice.join(", ")));
    }
    if !missing.is_empty() {
        return Err(format!("shard {} is missing: the merge would not cover the tree", missing.join(", ")));
    }
    Ok(())
}

/// The sum of the runs' summaries.
fn total(runs: &[Run]) -> Result<(Summary, Stats, Duration), String> {
    let mut summary = Summary::default();
    let mut by_rule = RuleCounts::default();
    let mut elapsed_ms = 0u64;
    let mut fixes = crate::cli::stats::FixCounts::default();
    for run in runs {
        let s = &run.summary;
        summary.files_checked += s.files_checked;
        summary.files_with_findings += s.files_with_findings;
        summary.files_skipped += s.files_skipped;
        summary.bytes_checked += s.bytes_checked;
        summary.counts = Counts {
            findings: summary.counts.findings + s.findings,
            errors: summary.counts.errors + s.errors,
            warnings: summary.counts.warnings + s.warnings,
        };
        summary.operational_errors += s.operational_errors;
        summary.suppressed += s.suppressed;
        summary.baselined += s.baselined;
        summary.ignored += s.ignored;
        fixes.fixed += s.fixed;
        fixes.fixable += s.fixable;
        fixes.fixable_unsafe += s.fixable_unsafe;
        elapsed_ms += s.elapsed_ms;
        for (id, n) in &s.findings_by_rule {
            let index = Rule::ALL
                .iter()
                .position(|r| r.id() == id)
                .ok_or_else(|| format!("{}: unknown rule '{id}' in findings_by_rule", run.source))?;
            by_rule.0[index] += n;
        }
    }
    let mut stats = Stats::new(false);
    stats.add_by_rule(&by_rule);
    stats.fixes = fixes;
    Ok((summary, stats, Duration::from_millis(elapsed_ms)))
}
