//! `--fix` and `--diff`: the library's fixes ([`gbcheck::fix`]) applied to files, written
//! atomically in place, or shown as a unified diff; standard input fixed onto standard output.
//!
//! Each file is read whole (bounded by `--max-filesize`), fixed in memory, and, when it
//! changed, written to a temporary file beside it, read back and compared, and renamed over
//! it ([`super::replace`], as `gbcheck convert` does): a kill at any moment leaves the
//! original or the complete result. Files that look binary are left alone unless `--binary`.
//!
//! The diff shows the file's own bytes (a GB 18030 file's lines in GB 18030), so that
//! `patch -p1` applied to the file gives exactly what `--fix` writes; a diff of text in
//! another encoding than the terminal's is a patch first and a picture second.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use gbcheck::check::{check_bytes, Options};
use gbcheck::finding::Severity;
use gbcheck::fix::{fix_bytes, Fix};
use gbcheck::formats::Format;
use rayon::prelude::*;

use super::args::{CheckArgs, FormatArg};
use super::escape::escape_str;
use super::input::{self, describe_io_error, looks_binary, open_with, Entry, EntryKind, Opened};
use super::job::Settings;
use super::output::{DisplayPath, Located, Reporter};
use super::replace::{self, create_temp};
use super::stats::Stats;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// Lines of context around a change in the diff.
const CONTEXT: usize = 3;

/// What to do with the fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write them (`--fix`).
    Write,
    /// Show them (`--diff`).
    Diff,
}

/// What a fix pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Findings fixed (or that would be, with `--diff`).
    pub fixed: u64,
    /// Files changed (or that would be).
    pub files: u64,
    /// Files that could not be fixed (read or write failed).
    pub errors: u64,
}

/// What fixing one file gave.
enum Done {
    /// Nothing to fix, or not a file to fix.
    Unchanged,
    /// Fixed (written, or diffed): the findings fixed and the diff (empty when written).
    Changed(u64, Vec<u8>),
    /// Could not be fixed: why.
    Failed(String),
}

/// Fixes the files of `entries` (standard input is handled apart), writing them or printing
/// their diffs to `out`, and reports failures on `err`.
pub fn fix_files(
    entries: &[Entry],
    settings: &Settings,
    mode: Mode,
    unsafe_fixes: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Tally> {
    let done: Vec<Done> = entries
        .par_iter()
        .map(|entry| match entry.kind {
            EntryKind::File { .. } => fix_file(&entry.path, settings, mode, unsafe_fixes),
            _ => Done::Unchanged,
        })
        .collect();
    let mut tally = Tally::default();
    for (entry, done) in entries.iter().zip(done) {
        match done {
            Done::Unchanged => {}
            Done::Changed(fixed, diff) => {
                tally.fixed += fixed;
                tally.files += 1;
                out.write_all(&diff)?;
            }
            Done::Failed(message) => {
                tally.errors += 1;
                let shown = escape_str(&DisplayPath::of(&entry.path).text);
                writeln!(err, "gbcheck: error: {shown}: {message}")?;
            }
        }
    }
    out.flush()?;
    Ok(tally)
}

/// Fixes one file, with its own settings when the configuration gives it some.
fn fix_file(path: &Path, shared: &Settings, mode: Mode, unsafe_fixes: bool) -> Done {
    let own = shared.for_path.as_ref().and_then(|f| f(path));
    let settings = own.as_deref().unwrap_or(shared);
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return Done::Failed(format!("cannot fix: {}", describe_io_error(&e))),
    };
    let bytes = match open_with(path, u64::MAX, settings.max_filesize, Vec::new()) {
        Opened::Small(mut buffer, len) => {
            buffer.truncate(len);
            buffer
        }
        Opened::Error(message) => return Done::Failed(format!("cannot fix: {message}")),
        Opened::TooLarge(_) | Opened::Big(..) => return Done::Unchanged,
    };
    if !settings.binary && looks_binary(&bytes) {
        return Done::Unchanged;
    }
    let format = settings.format.unwrap_or_else(|| Format::of_path(path));
    let fixed = fix_bytes(&bytes, &settings.options, format, unsafe_fixes);
    if fixed.bytes == bytes {
        return Done::Unchanged;
    }
    match mode {
        Mode::Diff => Done::Changed(fixed.fixed, unified_diff(path, &bytes, &fixed.bytes)),
        Mode::Write => match write_fixed(path, &meta, &fixed.bytes) {
            Ok(()) => Done::Changed(fixed.fixed, Vec::new()),
            Err(message) => Done::Failed(message),
        },
    }
}

/// Replaces the file with its fixed bytes: a temporary file beside it, flushed, read back and
/// compared, then renamed over it with the original's permissions.
fn write_fixed(path: &Path, meta: &fs::Metadata, fixed: &[u8]) -> Result<(), String> {
    let unchanged = "; nothing was changed";
    let mut temp = create_temp(path)?;
    let io_failure = |what: &str, e: io::Error| {
        format!("cannot {what} the temporary file: {}{unchanged}", describe_io_error(&e))
    };
    temp.as_file_mut().write_all(fixed).map_err(|e| io_failure("write", e))?;
    temp.as_file().sync_all().map_err(|e| io_failure("flush", e))?;
    let mut written = Vec::with_capacity(fixed.len());
    File::open(temp.path())
        .and_then(|mut f| f.read_to_end(&mut written))
        .map_err(|e| io_failure("read back", e))?;
    if written != fixed {
        return Err(format!("the temporary file does not hold what was written{unchanged}"));
    }
    replace::commit(
        temp,
        &replace::Replace {
            source: path,
            source_meta: meta,
            target: path,
            in_place: true,
            backup: None,
            from_stdin: false,
            while_doing: "it was fixed",
        },
    )
}

/// What standard input gave with `--fix` or `--diff`.
pub struct StdinFixed {
    /// What to write on standard output: the fixed text, or the diff.
    pub output: Vec<u8>,
    /// Findings fixed.
    pub fixed: u64,
    /// Whether the text changed.
    pub changed: bool,
    /// The fixed text.
    pub text: Vec<u8>,
}

/// Fixes the text read from standard input: the output is the fixed text (`--fix`) or its
/// diff (`--diff`).
pub fn fix_stdin(bytes: &[u8], options: &Options, mode: Mode, unsafe_fixes: bool) -> StdinFixed {
    let fixed = fix_bytes(bytes, options, None, unsafe_fixes);
    let changed = fixed.bytes != bytes;
    let output = match mode {
        Mode::Write => fixed.bytes.clone(),
        Mode::Diff if changed => unified_diff(Path::new("<stdin>"), bytes, &fixed.bytes),
        Mode::Diff => Vec::new(),
    };
    StdinFixed { output, fixed: fixed.fixed, changed, text: fixed.bytes }
}

/// Lines with their line ends (the last one may have none).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// A unified diff from `old` to `new` of the file `path` (`a/PATH`, `b/PATH`, for `patch -p1`).
/// Fixes never add or remove a line end, so the lines pair up one to one; when they do not
/// (a file converted from an encoding with other line ends), the whole file is one hunk.
pub fn unified_diff(path: &Path, old: &[u8], new: &[u8]) -> Vec<u8> {
    let (old_lines, new_lines) = (lines(old), lines(new));
    let mut out = Vec::new();
    let name = path.as_os_str().as_encoded_bytes();
    for mark in [&b"--- a/"[..], &b"+++ b/"[..]] {
        out.extend_from_slice(mark);
        out.extend_from_slice(name);
        out.push(b'\n');
    }
    if old_lines.len() != new_lines.len() {
        hunk(&mut out, &old_lines, &new_lines, 0..old_lines.len(), 0..new_lines.len());
        return out;
    }
    let changed: Vec<usize> = (0..old_lines.len()).filter(|&i| old_lines[i] != new_lines[i]).collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let (from, to) = (i.saturating_sub(CONTEXT), (i + CONTEXT + 1).min(old_lines.len()));
        match groups.last_mut() {
            Some(last) if from <= last.1 => last.1 = to,
            _ => groups.push((from, to)),
        }
    }
    for (from, to) in groups {
        paired_hunk(&mut out, &old_lines, &new_lines, from, to);
    }
    out
}

/// One hunk over lines `from..to` of two files with as many lines: context lines as they
/// are, each changed line as its old and then its new version.
fn paired_hunk(out: &mut Vec<u8>, old: &[&[u8]], new: &[&[u8]], from: usize, to: usize) {
    let mut body = Vec::new();
    let mut pending_new: Vec<&[u8]> = Vec::new();
    for i in from..to {
        if old[i] == new[i] {
            for line in pending_new.drain(..) {
                diff_line(&mut body, b'+', line);
            }
            diff_line(&mut body, b' ', old[i]);
        } else {
            diff_line(&mut body, b'-', old[i]);
            pending_new.push(new[i]);
        }
    }
    for line in pending_new.drain(..) {
        diff_line(&mut body, b'+', line);
    }
    let count = to - from;
    out.extend_from_slice(format!("@@ -{} +{} @@\n", range(from, count), range(from, count)).as_bytes());
    out.extend_from_slice(&body);
}

/// One hunk replacing lines `olds` of `old` with lines `news` of `new`.
fn hunk(
    out: &mut Vec<u8>,
    old: &[&[u8]],
    new: &[&[u8]],
    olds: std::ops::Range<usize>,
    news: std::ops::Range<usize>,
) {
    out.extend_from_slice(
        format!("@@ -{} +{} @@\n", range(olds.start, olds.len()), range(news.start, news.len())).as_bytes(),
    );
    for line in &old[olds] {
        diff_line(out, b'-', line);
    }
    for line in &new[news] {
        diff_line(out, b'+', line);
    }
}

/// A hunk header's range: 1-based start and count (a count of 0 names the line before).
fn range(from: usize, count: usize) -> String {
    if count == 0 {
        format!("{from},0")
    } else {
        format!("{},{count}", from + 1)
    }
}

/// One line of a hunk; a last line without a line end gets patch's marker.
fn diff_line(out: &mut Vec<u8>, mark: u8, line: &[u8]) {
    out.push(mark);
    out.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        out.extend_from_slice(b"\n\\ No newline at end of file\n");
    }
}

/// Counts the fixable findings shown (safe ones, and those only `--unsafe-fixes` applies)
/// on their way to the real reporter, and hands the counts, with the findings fixed, to the
/// summary.
pub struct Counted<'a> {
    inner: &'a mut dyn Reporter,
    fixed: u64,
    fixable: u64,
    fixable_unsafe: u64,
}

impl<'a> Counted<'a> {
    /// Wraps `inner`; `fixed` findings were fixed before the check.
    pub fn new(inner: &'a mut dyn Reporter, fixed: u64) -> Counted<'a> {
        Counted { inner, fixed, fixable: 0, fixable_unsafe: 0 }
    }
}

impl Reporter for Counted<'_> {
    fn finding(&mut self, path: &DisplayPath, finding: &Located) -> io::Result<()> {
        match &finding.fix {
            Some(Fix { safe: true, .. }) => self.fixable += 1,
            Some(Fix { safe: false, .. }) => self.fixable_unsafe += 1,
            None => {}
        }
        self.inner.finding(path, finding)
    }

    fn file_done(&mut self, path: &DisplayPath, hidden: u64) -> io::Result<()> {
        self.inner.file_done(path, hidden)
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.inner.error(path, message)
    }

    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()> {
        self.inner.skipped(path, reason, explicit)
    }

    fn suppressions(&mut self, suppressions: gbcheck::suppress::Suppressions) {
        self.inner.suppressions(suppressions)
    }

    fn summary(
        &mut self,
        summary: &gbcheck::report::Summary,
        stats: &Stats,
        elapsed: std::time::Duration,
    ) -> io::Result<()> {
        let mut stats = stats.clone();
        stats.fixes = super::stats::FixCounts {
            fixed: self.fixed,
            fixable: self.fixable,
            fixable_unsafe: self.fixable_unsafe,
        };
        self.inner.summary(summary, &stats, elapsed)
    }
}

/// What the fix options decide before the walk: the status of a run that ends here (refused
/// options, or standard input fixed), or `None` to go on.
pub fn before_walk(
    args: &CheckArgs,
    paths: &[PathBuf],
    options: &Options,
    fail_level: Severity,
) -> io::Result<Option<u8>> {
    if let Some(message) = refusal(args, paths) {
        writeln!(io::stderr(), "gbcheck: error: {message}")?;
        return Ok(Some(EXIT_ERROR));
    }
    if (args.fix || args.diff) && paths.iter().any(|p| p.as_os_str() == "-") {
        return run_stdin(args, options, fail_level).map(Some);
    }
    Ok(None)
}

/// Why the fix options cannot be used as given, if they cannot.
fn refusal(args: &CheckArgs, paths: &[PathBuf]) -> Option<String> {
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if args.unsafe_fixes && !args.fix && !args.diff {
        Some("--unsafe-fixes only says which fixes --fix or --diff apply: add one of them".to_string())
    } else if args.diff && args.write_baseline.is_some() {
        Some("--diff only prints what --fix would change and reports no findings: --write-baseline would write nothing".to_string())
    } else if args.diff && args.format != FormatArg::Human {
        Some("--diff prints a unified diff, not findings: --format does not apply to it".to_string())
    } else if (args.fix || args.diff) && stdin && paths.len() > 1 {
        Some("with --fix or --diff, standard input (-) must be the only input: its fixed text goes to standard output".to_string())
    } else {
        None
    }
}

/// `--fix` or `--diff` on standard input: the fixed text (or the diff) on standard output, a
/// summary on standard error. The status is that of the findings left (`--fix`), or 1 when
/// there is a change (`--diff`).
fn run_stdin(args: &CheckArgs, options: &Options, fail_level: Severity) -> io::Result<u8> {
    let bytes = input::read_stdin(args.max_filesize)?;
    if args.max_filesize.is_some_and(|max| bytes.len() as u64 > max) {
        writeln!(io::stderr(), "gbcheck: error: <stdin>: larger than --max-filesize; nothing was fixed")?;
        return Ok(EXIT_ERROR);
    }
    let mode = if args.diff { Mode::Diff } else { Mode::Write };
    let fixed = fix_stdin(&bytes, options, mode, args.unsafe_fixes);
    let mut out = io::stdout().lock();
    out.write_all(&fixed.output)?;
    out.flush()?;
    if mode == Mode::Diff {
        let tally = Tally { fixed: fixed.fixed, files: u64::from(fixed.changed), errors: 0 };
        return Ok(diff_status(&tally, args.quiet));
    }
    let left = check_bytes(&fixed.text, &Options { max_findings: usize::MAX, ..*options }).counts;
    if !args.quiet {
        writeln!(
            io::stderr(),
            "gbcheck: <stdin>: {} fixed; {} left ({} errors, {} warnings)",
            fixed.fixed,
            left.findings,
            left.errors,
            left.warnings
        )?;
    }
    Ok(if !args.exit_zero && left.reaches(fail_level) { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// The fix pass over the files of a run with `--fix` (written) or `--diff` (printed); nothing
/// without them. With `--diff` no check follows, so paths that cannot be read are reported
/// here.
pub fn run_files(args: &CheckArgs, entries: &[Entry], settings: &Settings) -> io::Result<Tally> {
    if !args.fix && !args.diff {
        return Ok(Tally::default());
    }
    let mode = if args.diff { Mode::Diff } else { Mode::Write };
    let (mut out, mut err) = (io::stdout().lock(), io::stderr().lock());
    let mut tally = fix_files(entries, settings, mode, args.unsafe_fixes, &mut out, &mut err)?;
    if mode == Mode::Diff {
        for entry in entries {
            if let EntryKind::Error(message) = &entry.kind {
                tally.errors += 1;
                writeln!(
                    err,
                    "gbcheck: error: {}: {message}",
                    escape_str(&DisplayPath::of(&entry.path).text)
                )?;
            }
        }
    }
    Ok(tally)
}

/// The end of a `--diff` run: a line on standard error (unless `--quiet`) and the status: 2
/// when a file could not be read, 1 when a file would change, else 0.
pub fn diff_status(tally: &Tally, quiet: bool) -> u8 {
    if !quiet {
        let _ = writeln!(
            io::stderr(),
            "gbcheck: --fix would fix {} finding(s) in {} file(s)",
            tally.fixed,
            tally.files
        );
    }
    if tally.errors > 0 {
        EXIT_ERROR
    } else if tally.files > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
