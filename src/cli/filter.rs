//! Between the runner and the output format: inline suppression comments, baselines and
//! `--max-findings`.
//!
//! The runner reports every finding (its own limit is lifted), and before an input's findings
//! its suppression comments ([`gbcheck::suppress`], [`Reporter::suppressions`]): a small
//! file's read from the bytes checked, a big file's from its chunks or through its open
//! handle ([`crate::cli::chunks::read_suppressions`]). Each finding comes with its
//! fingerprint ([`gbcheck::fingerprint`]) when a baseline or SARIF needs it, made from the
//! bytes checked. This filter never opens a file. The summary and the counts by rule are
//! corrected for what was hidden.
//!
//! A baseline holds `(path, rule, fingerprint)` with a count, so that a second identical
//! defect on an identical line is new. [`Source`] reads an input again for `gbcheck merge`,
//! whose records carry no fingerprints.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use gbcheck::finding::{Rule, Severity};
use gbcheck::fingerprint::{fingerprint, CONTEXT_BYTES};
use gbcheck::report::Summary;
use gbcheck::suppress::Suppressions;
use serde::{Deserialize, Serialize};

use crate::cli::chunks::read_suppressions;
use crate::cli::output::{DisplayPath, Located, Reporter};
use crate::cli::stats::Stats;

/// Files up to this size are held in memory while their findings are filtered.
const IN_MEMORY: u64 = 16 << 20;

/// The version of the baseline file format.
const BASELINE_VERSION: u32 = 1;

/// One recorded finding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct BaselineEntry {
    path: String,
    rule: String,
    fingerprint: String,
    /// Where it was when recorded (for people; not used to match).
    line: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    gbcheck_baseline: u32,
    findings: Vec<BaselineEntry>,
}

/// The path as recorded in baselines: as named, without a leading `./`.
fn baseline_path(path: &DisplayPath) -> String {
    let mut text = path.text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

/// Reads a baseline file into counts by `(path, rule, fingerprint)`.
pub fn read_baseline(file: &Path) -> Result<HashMap<(String, String, String), u64>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        format!("cannot read baseline {}: {}", file.display(), crate::cli::input::describe_io_error(&e))
    })?;
    let parsed: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!("{}:{}:{}: not a gbcheck baseline: {e}", file.display(), e.line(), e.column())
    })?;
    if parsed.gbcheck_baseline != BASELINE_VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
            file.display(),
            parsed.gbcheck_baseline
        ));
    }
    let mut counts = HashMap::new();
    for entry in parsed.findings {
        *counts.entry((entry.path, entry.rule, entry.fingerprint)).or_insert(0) += 1;
    }
    Ok(counts)
}

/// FNV-1a, 64 bits: small, stable across versions and platforms.
/// The input a finding came from, read again (for `gbcheck merge`).
pub enum Source {
    /// Standard input, or a file that can no longer be read: no comments, no context.
    None,
    Memory(Vec<u8>),
    File(File),
}

impl Source {
    /// Opens the input at `path` again, and reads its suppression comments.
    pub fn open(path: &DisplayPath) -> (Source, Suppressions) {
        if path.raw.is_none() && path.text == DisplayPath::stdin().text {
            return (Source::None, Suppressions::default());
        }
        let Ok(mut file) = File::open(fs_path(path)) else {
            return (Source::None, Suppressions::default());
        };
        let size = file.metadata().map_or(u64::MAX, |m| m.len());
        if size <= IN_MEMORY {
            let mut bytes = Vec::new();
            if file.read_to_end(&mut bytes).is_err() {
                return (Source::None, Suppressions::default());
            }
            let suppressions = Suppressions::scan(&bytes);
            return (Source::Memory(bytes), suppressions);
        }
        let suppressions = read_suppressions(&file);
        (Source::File(file), suppressions)
    }

    /// The fingerprint of a finding of this input.
    pub fn fingerprint(&mut self, located: &Located) -> String {
        let span = located.finding.span;
        let from = span.start.saturating_sub(CONTEXT_BYTES as u64);
        let to = span.end() + CONTEXT_BYTES as u64;
        match self {
            Source::Memory(bytes) => {
                let window = &bytes[(from as usize).min(bytes.len())..(to as usize).min(bytes.len())];
                fingerprint(located.finding.rule, window, from, span.start, span.end())
            }
            Source::File(file) => {
                let mut window = Vec::new();
                let read = file
                    .seek(SeekFrom::Start(from))
                    .and_then(|_| Read::by_ref(file).take(to - from).read_to_end(&mut window));
                if read.is_err() {
                    window.clear();
                }
                fingerprint(located.finding.rule, &window, from, span.start, span.end())
            }
            Source::None => {
                fingerprint(located.finding.rule, &located.bytes, span.start, span.start, span.end())
            }
        }
    }
}

/// The file system path of a shown path.
fn fs_path(path: &DisplayPath) -> PathBuf {
    #[cfg(unix)]
    if let Some(raw) = &path.raw {
        use std::os::unix::ffi::OsStrExt;
        return PathBuf::from(std::ffi::OsStr::from_bytes(raw));
    }
    PathBuf::from(&path.text)
}

/// What the filter does.
pub struct FilterOptions {
    /// Findings shown per input.
    pub max_shown: usize,
    /// Findings to hide, from `--baseline`.
    pub baseline: Option<HashMap<(String, String, String), u64>>,
    /// Record findings for `--write-baseline`.
    pub record: bool,
}

/// The state of the input being reported.
#[derive(Default)]
struct Current {
    suppressions: Option<Suppressions>,
    seen: u64,
    passed: u64,
    shown: u64,
}

/// A reporter that filters findings before the real one.
pub struct Filter<'a> {
    inner: &'a mut dyn Reporter,
    options: FilterOptions,
    current: Current,
    recorded: Vec<BaselineEntry>,
    suppressed: u64,
    baselined: u64,
    removed_errors: u64,
    removed_warnings: u64,
    removed_by_rule: Vec<Rule>,
    emptied_files: u64,
    /// Writing failed (a closed pipe): findings are still filtered, to be counted, but no
    /// more are written.
    failed: Option<io::ErrorKind>,
}

impl<'a> Filter<'a> {
    /// A filter in front of `inner`.
    pub fn new(inner: &'a mut dyn Reporter, options: FilterOptions) -> Filter<'a> {
        Filter {
            inner,
            options,
            current: Current::default(),
            recorded: Vec::new(),
            suppressed: 0,
            baselined: 0,
            removed_errors: 0,
            removed_warnings: 0,
            removed_by_rule: Vec::new(),
            emptied_files: 0,
            failed: None,
        }
    }

    /// The runner's totals, less what was hidden.
    pub fn adjust(&self, summary: &Summary, stats: &Stats) -> (Summary, Stats) {
        let mut summary = *summary;
        let counts = &mut summary.counts;
        counts.errors = counts.errors.saturating_sub(self.removed_errors);
        counts.warnings = counts.warnings.saturating_sub(self.removed_warnings);
        counts.findings = counts.findings.saturating_sub(self.removed_errors + self.removed_warnings);
        summary.files_with_findings = summary.files_with_findings.saturating_sub(self.emptied_files);
        summary.suppressed = self.suppressed;
        summary.baselined = self.baselined;
        let mut stats = stats.clone();
        for &rule in &self.removed_by_rule {
            stats.remove_by_rule(rule);
        }
        (summary, stats)
    }

    /// Writes the findings seen as a baseline file.
    pub fn write_baseline(&mut self, file: &Path) -> io::Result<()> {
        self.recorded.sort();
        let baseline =
            BaselineFile { gbcheck_baseline: BASELINE_VERSION, findings: std::mem::take(&mut self.recorded) };
        let mut out = io::BufWriter::new(File::create(file)?);
        serde_json::to_writer_pretty(&mut out, &baseline)?;
        out.write_all(b"\n")?;
        out.flush()
    }

    fn remove(&mut self, located: &Located) {
        match located.finding.severity {
            Severity::Error => self.removed_errors += 1,
            Severity::Warning => self.removed_warnings += 1,
        }
        self.removed_by_rule.push(located.finding.rule);
    }
}

impl Reporter for Filter<'_> {
    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        self.current.seen += 1;
        // The runner gives every input's comments before its findings.
        let suppressions = self.current.suppressions.get_or_insert_with(Suppressions::default);
        if suppressions.covers(located.finding.rule, located.line) {
            self.suppressed += 1;
            self.remove(located);
            return Ok(());
        }
        if let Some(fingerprint) = &located.fingerprint {
            let key = (baseline_path(path), located.finding.rule.id().to_string(), fingerprint.clone());
            if self.options.record {
                self.recorded.push(BaselineEntry {
                    path: key.0.clone(),
                    rule: key.1.clone(),
                    fingerprint: key.2.clone(),
                    line: located.line,
                });
            }
            if let Some(count) = self.options.baseline.as_mut().and_then(|b| b.get_mut(&key)) {
                if *count > 0 {
                    *count -= 1;
                    self.baselined += 1;
                    self.remove(located);
                    return Ok(());
                }
            }
        }
        self.current.passed += 1;
        if self.current.shown >= self.options.max_shown as u64 {
            return Ok(());
        }
        self.current.shown += 1;
        if let Some(kind) = self.failed {
            return Err(kind.into());
        }
        let written = self.inner.finding(path, located);
        if let Err(e) = &written {
            self.failed = Some(e.kind());
        }
        written
    }

    fn file_done(&mut self, path: &DisplayPath, hidden: u64) -> io::Result<()> {
        let current = std::mem::take(&mut self.current);
        if current.seen > 0 && current.passed == 0 {
            self.emptied_files += 1;
        }
        self.inner.file_done(path, hidden + current.passed - current.shown)
    }

    fn suppressions(&mut self, suppressions: Suppressions) {
        self.current.suppressions = Some(suppressions);
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.inner.error(path, message)
    }

    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()> {
        self.inner.skipped(path, reason, explicit)
    }

    fn summary(&mut self, summary: &Summary, stats: &Stats, elapsed: Duration) -> io::Result<()> {
        let (summary, stats) = self.adjust(summary, stats);
        self.inner.summary(&summary, &stats, elapsed)
    }
}
