//! Between the runner and the output format: inline suppression comments, baselines,
//! fingerprints and `--max-findings`.
//!
//! The runner reports every finding (its own limit is lifted). For each input with findings
//! this filter needs the input's suppression comments ([`gbcheck::suppress`]): the worker that
//! checked a small file reads them from the bytes it checked and passes them on
//! ([`Reporter::suppressions`]); so does the runner for a big file none of whose chunks holds a
//! directive's marker (it holds the file's findings back until it knows); for any other big
//! file the filter reads them from the file again. When a baseline or SARIF is wanted it also
//! reads the text around each finding from the file again. Inputs without findings are never
//! read twice; standard input, read whole, comes with its comments like a small file. The
//! summary and the counts by rule are corrected for what was hidden.
//!
//! A fingerprint is a 64-bit FNV-1a hash of the rule, the offending bytes and up to
//! [`CONTEXT`] bytes either side on the same line (indentation and line ends trimmed): it
//! stays the same when lines are added or removed above a finding, and changes when the text
//! around it does. A baseline holds `(path, rule, fingerprint)` with a count, so that a
//! second identical defect on an identical line is new.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use gbcheck::finding::{Rule, Severity};
use gbcheck::report::Summary;
use gbcheck::suppress::{Suppressions, MARKER_OVERLAP};
use serde::{Deserialize, Serialize};

use crate::cli::output::{DisplayPath, Located, Reporter};
use crate::cli::stats::Stats;

/// Bytes of context either side of a finding that go into its fingerprint.
pub const CONTEXT: usize = 24;

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
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The fingerprint of a finding: its rule, its bytes and the text around it on its line.
/// `window` holds the bytes from `window_start`; the finding is at `start..end`.
pub fn fingerprint(rule: Rule, window: &[u8], window_start: u64, start: u64, end: u64) -> String {
    let at = |offset: u64| (offset.saturating_sub(window_start) as usize).min(window.len());
    let (s, e) = (at(start), at(end));
    let mut before = &window[at(start.saturating_sub(CONTEXT as u64))..s];
    if let Some(nl) = before.iter().rposition(|&b| b == b'\n') {
        before = &before[nl + 1..];
    }
    let before = before.trim_ascii_start();
    let mut after = &window[e..at(end + CONTEXT as u64)];
    if let Some(nl) = after.iter().position(|&b| b == b'\n') {
        after = &after[..nl];
    }
    let after = after.trim_ascii_end();
    format!("{:016x}", fnv1a(&[rule.id().as_bytes(), &window[s..e], before, after]))
}

/// Whether the file, read from where it stands in blocks of `block` bytes, holds the marker
/// of a directive (or could not be read to the end: then the numbered pass decides).
fn file_holds_marker(mut file: &File, block: usize) -> bool {
    let mut buffer = vec![0; block + MARKER_OVERLAP];
    // The last bytes of the block before, where a marker may begin.
    let mut kept = 0;
    loop {
        let read = match file.read(&mut buffer[kept..]) {
            Ok(0) => return false,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return true,
        };
        let filled = kept + read;
        if gbcheck::suppress::holds_marker(&buffer[..filled]) {
            return true;
        }
        kept = filled.min(MARKER_OVERLAP);
        buffer.copy_within(filled - kept..filled, 0);
    }
}

/// The suppressions of a file read a block at a time: only lines in a stretch holding a
/// directive's marker are taken one by one, and a line longer than a few MiB is held only in
/// part (memory stays bounded whatever the line's length).
fn scan_lines(file: &File) -> Suppressions {
    const BLOCK: usize = 1 << 20;
    let mut suppressions = Suppressions::default();
    // Most files hold no directive: a first pass only looks for the marker, without taking
    // lines apart or counting them, and the numbered pass runs only when there is one.
    if !file_holds_marker(file, BLOCK) || (&*file).seek(SeekFrom::Start(0)).is_err() {
        return suppressions;
    }
    let mut reader = BufReader::with_capacity(BLOCK, file);
    let mut line = Vec::new();
    let mut number = 1;
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(buf) => buf,
        };
        let n = buf.len();
        match memchr::memrchr(b'\n', buf) {
            Some(last) => {
                // The line held from the blocks before ends at the first LF; the whole lines
                // after it are taken together; the rest is held.
                let mut from = 0;
                if !line.is_empty() {
                    let first = memchr::memchr(b'\n', buf).unwrap_or(last);
                    line.extend_from_slice(&buf[..=first]);
                    suppressions.add_line(number, &line);
                    line.clear();
                    number += 1;
                    from = first + 1;
                }
                number = suppressions.add_lines(number, &buf[from..last + 1]);
                line.extend_from_slice(&buf[last + 1..]);
            }
            None => {
                line.extend_from_slice(buf);
                if line.len() > 2 * BLOCK {
                    // Directives starting in the head are read now; the tail, long enough to
                    // hold any directive that starts in it, is kept for the next piece.
                    let keep = line.len() - gbcheck::suppress::DIRECTIVE_MAX;
                    suppressions.add_line_part(number, &line, keep);
                    line.drain(..keep);
                }
            }
        }
        reader.consume(n);
    }
    if !line.is_empty() {
        suppressions.add_line(number, &line);
    }
    suppressions
}

/// The input a finding came from, read again.
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
        let suppressions = scan_lines(&file);
        (Source::File(file), suppressions)
    }

    /// The fingerprint of a finding of this input.
    pub fn fingerprint(&mut self, located: &Located) -> String {
        let span = located.finding.span;
        let from = span.start.saturating_sub(CONTEXT as u64);
        let to = span.end() + CONTEXT as u64;
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
    /// The format shows fingerprints.
    pub fingerprints: bool,
}

/// The state of the input being reported.
#[derive(Default)]
struct Current {
    /// The input read again (only when its suppressions were not given, or fingerprints are
    /// wanted).
    source: Option<Source>,
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
        let current = &mut self.current;
        if current.suppressions.is_none() {
            let (source, suppressions) = Source::open(path);
            current.source = Some(source);
            current.suppressions = Some(suppressions);
        }
        let suppressions = current.suppressions.get_or_insert_with(Suppressions::default);
        if suppressions.covers(located.finding.rule, located.line) {
            self.suppressed += 1;
            self.remove(located);
            return Ok(());
        }
        let wants = self.options.fingerprints || self.options.record || self.options.baseline.is_some();
        let fingerprint = if wants {
            let source = self.current.source.get_or_insert_with(|| Source::open(path).0);
            Some(source.fingerprint(located))
        } else {
            None
        };
        if let Some(fingerprint) = &fingerprint {
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
        if let Some(fingerprint) = &fingerprint {
            self.inner.fingerprint(fingerprint);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_in_blocks_has_the_suppressions_of_the_whole() {
        // Directives on either side of the reader's 1 MiB blocks, in a 2.5 MiB line (at its
        // start and end) and on the last line without LF; filler lines of many lengths.
        let directive = |n: usize| format!("x // gbcheck: ignore-line GB00{}\n", 1 + n % 7);
        let mut text = String::new();
        let mut n = 0;
        for block in 1..=5usize {
            while text.len() + 40 < block << 20 {
                text.push_str(&"y".repeat(n % 300));
                text.push('\n');
                n += 1;
                if n % 997 == 0 {
                    text.push_str(&directive(n));
                }
            }
            // A directive across the block's end, then one right after it.
            text.push_str(&directive(block));
            text.push_str(&directive(block + 1));
            if block == 2 {
                text.push_str("# gbcheck: ignore-next-line GB009 ");
                text.push_str(&"z".repeat(5 << 19));
                text.push_str(" /* gbcheck: ignore-line GB005 */\n");
            }
        }
        text.push_str("last # gbcheck: ignore-line GB012");
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file.seek(std::io::SeekFrom::Start(0)).unwrap();
        let expected = Suppressions::scan(text.as_bytes());
        assert!(expected.lines.len() > 20, "{}", expected.lines.len());
        assert_eq!(scan_lines(&file), expected);
    }

    #[test]
    fn the_marker_is_found_wherever_the_blocks_cut_it() {
        let file_of = |text: &[u8]| {
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(text).unwrap();
            file.seek(SeekFrom::Start(0)).unwrap();
            file
        };
        for at in 0..40 {
            let mut text = vec![b'x'; 48];
            text[at..at + 8].copy_from_slice(b"gbcheck:");
            let cut = [&text[..at + 7], b" ", &text[at + 7..]].concat();
            for block in 1..=20 {
                assert!(file_holds_marker(&file_of(&text), block), "at {at}, blocks of {block}");
                assert!(!file_holds_marker(&file_of(&cut), block), "at {at}, blocks of {block}");
            }
        }
        assert!(!file_holds_marker(&file_of(b""), 4));
        // The numbered pass starts again from the file's start.
        let text = format!("{}\nx // gbcheck: ignore-line GB007\n", "y".repeat(3 << 20));
        assert_eq!(scan_lines(&file_of(text.as_bytes())).lines.keys().collect::<Vec<_>>(), [&2]);
    }

    #[test]
    fn fingerprints_ignore_other_lines_and_indentation() {
        let a = b"first line\n  bad \x81 here\nlast";
        let b = b"new line above\nfirst line changed\n\tbad \x81 here\nlast";
        let at_a = 17;
        let pos_b = b.iter().position(|&x| x == 0x81).unwrap() as u64;
        assert_eq!(a[at_a as usize], 0x81);
        let fa = fingerprint(Rule::InvalidSequence, a, 0, at_a, at_a + 1);
        let fb = fingerprint(Rule::InvalidSequence, b, 0, pos_b, pos_b + 1);
        assert_eq!(fa, fb);
        let c = b"first line\n  bad \x81 there\nlast";
        assert_ne!(fa, fingerprint(Rule::InvalidSequence, c, 0, at_a, at_a + 1));
        assert_ne!(fa, fingerprint(Rule::TruncatedSequence, a, 0, at_a, at_a + 1));
        // A window that starts later gives the same answer.
        assert_eq!(fa, fingerprint(Rule::InvalidSequence, &a[5..], 5, at_a, at_a + 1));
    }
}
