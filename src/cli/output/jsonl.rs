//! `--format jsonl`: one JSON object a line, as the contract in `docs/output.md` fixes it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use base64::Engine as _;
use gbcheck::finding::HexBytes;
use gbcheck::fix::{Edit, Fix};
use gbcheck::report::Summary;
use serde::{Deserialize, Serialize};

use super::{DisplayPath, Located, Reporter};
use crate::cli::stats::Stats;

/// The version of the JSON Lines schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Record<'a> {
    Finding {
        path: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        path_base64: Option<String>,
        rule: &'static str,
        name: &'static str,
        severity: &'static str,
        line: u64,
        column: u64,
        byte_offset: u64,
        byte_len: u32,
        bytes: String,
        char: Option<String>,
        message: &'a str,
        /// GB004's other code, as lowercase hex like `bytes`; null for other rules (an
        /// addition to schema version 1).
        round_trip_bytes: Option<String>,
        /// The finding's exact fix, or null (an addition to schema version 1).
        fix: Option<FixRecord>,
    },
    Error {
        path: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        path_base64: Option<String>,
        message: &'a str,
    },
    Skipped {
        path: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        path_base64: Option<String>,
        reason: &'a str,
    },
    Summary {
        schema_version: u32,
        files_checked: u64,
        files_with_findings: u64,
        files_skipped: u64,
        bytes_checked: u64,
        findings: u64,
        errors: u64,
        warnings: u64,
        operational_errors: u64,
        elapsed_ms: u64,
        /// Findings of each rule that fired, by rule id (additions to schema version 1).
        findings_by_rule: BTreeMap<&'static str, u64>,
        bytes_per_second: u64,
        files_per_second: u64,
        /// Findings hidden by suppression comments and by the baseline (additions to
        /// schema version 1).
        suppressed: u64,
        baselined: u64,
        /// Entries passed over by ignore files and excludes (an addition to schema version 1).
        ignored: u64,
        /// Findings fixed by `--fix`, and findings shown whose fix `--fix` (or only
        /// `--fix --unsafe-fixes`) would apply (additions to schema version 1).
        fixed: u64,
        fixable: u64,
        fixable_unsafe: u64,
        /// What the results depend on, for `gbcheck merge` (an addition to schema version 1).
        settings: Option<&'a RunSettings>,
    },
}

/// A finding's fix in JSON Lines: it always replaces the finding's own bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixRecord {
    /// Whether `--fix` applies it (`false`: only with `--unsafe-fixes`).
    pub safe: bool,
    /// The bytes that replace the finding's, as lowercase hex like `bytes` (`""` removes
    /// them); null when the fix converts the whole file.
    pub replacement: Option<String>,
    /// The encoding the whole file is converted to (GB008), else null.
    pub convert_to: Option<String>,
    /// What the fix does, in a sentence.
    pub description: String,
}

impl FixRecord {
    /// The record of a fix.
    pub fn of(fix: &Fix) -> FixRecord {
        let (replacement, convert_to) = match &fix.edit {
            Edit::Replace(bytes) => (Some(HexBytes(bytes).to_string()), None),
            Edit::Convert(to) => (None, Some(to.as_str().to_string())),
        };
        FixRecord { safe: fix.safe, replacement, convert_to, description: fix.describe() }
    }

    /// The fix this record describes, on the finding's `span`.
    pub fn to_fix(&self, span: gbcheck::finding::Span) -> Result<Fix, String> {
        let edit = match (&self.replacement, self.convert_to.as_deref()) {
            (Some(hex), None) => Edit::Replace(
                hex.split_whitespace()
                    .map(|b| u8::from_str_radix(b, 16).map_err(|_| format!("bad fix replacement '{hex}'")))
                    .collect::<Result<_, _>>()?,
            ),
            (None, Some("utf-8")) => Edit::Convert(gbcheck::check::Encoding::Utf8),
            (None, Some("gb18030")) => Edit::Convert(gbcheck::check::Encoding::Gb18030),
            _ => return Err("a fix must have a replacement or an encoding to convert to".to_string()),
        };
        Ok(Fix { span, edit, safe: self.safe })
    }
}

/// The settings a run's results depend on, written in its summary so that `gbcheck merge`
/// can refuse to add up runs that were not made alike: the command line's, with the top level
/// of the configuration file of the run's first path. Files under another configuration file
/// (a nearer one) or matched by overrides may be checked with other settings; those are not
/// in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSettings {
    /// `--encoding`.
    pub encoding: String,
    /// `--profile`.
    pub profile: String,
    /// `--level`.
    pub level: Option<u8>,
    /// The rules checked, by id, with their severity (after `--select`, `--ignore` and the
    /// config file's severities).
    pub rules: BTreeMap<String, String>,
    /// `--fail-level`.
    pub fail_level: String,
    /// `--max-findings`.
    pub max_findings: Option<usize>,
    /// `--binary`.
    pub binary: bool,
    /// `--max-filesize`, in bytes.
    pub max_filesize: Option<u64>,
    /// `--shard K/N`; the one setting that differs between the runs of a merge.
    pub shard: Option<String>,
}

/// Writes JSON Lines to `out`.
pub struct JsonLines<W: Write> {
    out: W,
    settings: Option<RunSettings>,
}

impl<W: Write> JsonLines<W> {
    /// A reporter writing to `out`; `settings` go into the summary.
    pub fn new(out: W, settings: Option<RunSettings>) -> Self {
        JsonLines { out, settings }
    }

    fn write(&mut self, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }
}

fn base64_of(path: &DisplayPath) -> Option<String> {
    path.raw.as_ref().map(|raw| base64::engine::general_purpose::STANDARD.encode(raw))
}

impl<W: Write> Reporter for JsonLines<W> {
    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        let finding = &located.finding;
        self.write(&Record::Finding {
            path: &path.text,
            path_base64: base64_of(path),
            rule: finding.rule.id(),
            name: finding.rule.name(),
            severity: finding.severity.as_str(),
            line: located.line,
            column: located.column,
            byte_offset: finding.span.start,
            byte_len: finding.span.len,
            bytes: HexBytes(&located.bytes).to_string(),
            char: finding.scalar.map(|c| format!("U+{:04X}", c as u32)),
            message: &located.message,
            round_trip_bytes: finding.round_trip_bytes().map(|code| HexBytes(code.as_bytes()).to_string()),
            fix: located.fix.as_ref().map(FixRecord::of),
        })
    }

    fn file_done(&mut self, _: &DisplayPath, _: u64) -> io::Result<()> {
        self.out.flush()
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.write(&Record::Error { path: &path.text, path_base64: base64_of(path), message })
    }

    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()> {
        if explicit {
            self.write(&Record::Skipped { path: &path.text, path_base64: base64_of(path), reason })?;
        }
        Ok(())
    }

    fn summary(&mut self, summary: &Summary, stats: &Stats, elapsed: Duration) -> io::Result<()> {
        let settings = self.settings.take();
        self.write(&Record::Summary {
            schema_version: SCHEMA_VERSION,
            files_checked: summary.files_checked,
            files_with_findings: summary.files_with_findings,
            files_skipped: summary.files_skipped,
            bytes_checked: summary.bytes_checked,
            findings: summary.counts.findings,
            errors: summary.counts.errors,
            warnings: summary.counts.warnings,
            operational_errors: summary.operational_errors,
            elapsed_ms: elapsed.as_millis() as u64,
            findings_by_rule: stats.by_rule().into_iter().map(|(rule, n)| (rule.id(), n)).collect(),
            bytes_per_second: Stats::per_second(summary.bytes_checked, elapsed),
            files_per_second: Stats::per_second(summary.files_checked, elapsed),
            suppressed: summary.suppressed,
            baselined: summary.baselined,
            ignored: summary.ignored,
            fixed: stats.fixes.fixed,
            fixable: stats.fixes.fixable,
            fixable_unsafe: stats.fixes.fixable_unsafe,
            settings: settings.as_ref(),
        })?;
        self.settings = settings;
        self.out.flush()
    }
}
