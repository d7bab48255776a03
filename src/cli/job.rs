//! One input's check: the job a worker (or a thread of the walk) runs on a file or on
//! standard input, what it gives, and the settings it runs with.
//!
//! A job opens and reads the input, checks it, and locates its findings (line, column,
//! source line) while the bytes are in memory, so that what goes to the reporter no longer
//! needs the file. A file bigger than one chunk is only opened here: its chunks are checked
//! by [`crate::cli::run`] when its turn comes.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gbcheck::check::Options;
use gbcheck::finding::Rule;
use gbcheck::formats::{self, Format};
use gbcheck::report::{Counts, FileReport};
use gbcheck::suppress::{report_invalid_directives, Suppressions};

use crate::cli::input::{describe_io_error, looks_binary, open_with, read_stdin, Opened};
use crate::cli::locate::{locate, Window};
use crate::cli::output::Located;
use crate::cli::stats::{RuleCounts, SkipReason};

/// The reason shown for a skipped binary file.
pub const BINARY: &str = "binary file (a NUL byte in the first 8 KiB); use --binary to check it";

/// How to check, shared by the workers.
pub struct Settings {
    /// The library's options; `max_findings` is unlimited so that counts by rule are exact.
    pub options: Options,
    /// Findings shown per input (`--max-findings`).
    pub max_shown: usize,
    /// Whether findings carry source lines (human format).
    pub snippets: bool,
    /// Whether findings carry fingerprints (SARIF, `--baseline`, `--write-baseline`).
    pub fingerprints: bool,
    /// Check files that look binary.
    pub binary: bool,
    /// Skip files larger than this.
    pub max_filesize: Option<u64>,
    /// Files larger than this are read in chunks of about this size.
    pub chunk: u64,
    /// Worker threads.
    pub threads: usize,
    /// The settings of a file that differ from these (the config file's overrides).
    pub for_path: Option<ForPath>,
    /// The file format an override sets (`Some(None)`: plain text); `None`: by extension.
    pub format: Option<Option<Format>>,
}

/// Gives the settings of a path when they differ from the shared ones.
pub type ForPath = Box<dyn Fn(&std::path::Path) -> Option<Arc<Settings>> + Send + Sync>;

/// A checked input (or chunk) with findings, ready to report.
#[derive(Debug)]
pub struct Checked {
    pub findings: Vec<Located>,
    /// The suppression comments of a file with findings, read from the bytes checked.
    pub suppressions: Option<Suppressions>,
    pub counts: Counts,
    pub by_rule: RuleCounts,
    pub bytes: u64,
}

/// What a worker found out about an input.
#[derive(Debug)]
pub enum InputOutcome {
    /// Checked, with no findings: the bytes checked (most files; held small, since the walk
    /// may hold one outcome for each file it found).
    Clean(u64),
    Checked(Box<Checked>),
    /// A file bigger than one chunk, open, with its size: checked in chunks from here.
    BigOpen(File, u64),
    /// A file bigger than one chunk, found by a job run ahead of its turn. It is not held open
    /// (a tree may have thousands of them out at once, past the limit on open files): it is
    /// opened again when its turn comes.
    BigNotOpen,
    Skipped(SkipReason, String),
    Error(String),
}

impl InputOutcome {
    /// The located findings it holds.
    pub fn findings(&self) -> usize {
        match self {
            InputOutcome::Checked(checked) => checked.findings.len(),
            _ => 0,
        }
    }
}

/// Checks a whole input held in memory (a small file, or standard input); for one with
/// findings, also reads its suppression comments. Its invalid ones are findings (GB015).
pub fn check_small(bytes: &[u8], settings: &Settings, format: Option<Format>) -> InputOutcome {
    if !settings.binary && looks_binary(bytes) {
        return InputOutcome::Skipped(SkipReason::Binary, BINARY.to_string());
    }
    // A format's declaration can decide the encoding (under `auto`) and add GB016.
    let mut report = formats::check_bytes_as(format, bytes, &settings.options);
    let gb015 = settings.options.rules.severity(Rule::InvalidSuppression);
    report_invalid_directives(&mut report, bytes, bytes.len(), 0, gb015);
    if report.findings.is_empty() {
        return InputOutcome::Clean(report.bytes_checked);
    }
    let mut checked = checked(&Window::whole(bytes), &report, settings);
    checked.suppressions = Some(Suppressions::scan(bytes));
    InputOutcome::Checked(Box::new(checked))
}

pub fn checked(window: &Window, report: &FileReport, settings: &Settings) -> Checked {
    Checked {
        findings: locate(window, report, settings.max_shown, settings.snippets, settings.fingerprints),
        suppressions: None,
        counts: report.counts,
        by_rule: RuleCounts::of(&report.findings),
        bytes: report.bytes_checked,
    }
}

/// A worker's job for one input: a file, or standard input (`None`).
pub fn check_input(path: Option<&Path>, settings: &Settings) -> InputOutcome {
    let Some(path) = path else {
        return match read_stdin(settings.max_filesize) {
            Ok(bytes) if settings.max_filesize.is_some_and(|max| bytes.len() as u64 > max) => {
                InputOutcome::Skipped(SkipReason::TooLarge, "larger than --max-filesize".to_string())
            }
            Ok(bytes) => check_small(&bytes, settings, None),
            Err(e) => InputOutcome::Error(describe_io_error(&e)),
        };
    };
    // Each worker reads its small files into one buffer, kept from file to file.
    thread_local! {
        static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    match open_with(path, settings.chunk, settings.max_filesize, BUFFER.take()) {
        Opened::Small(bytes, len) => {
            let format = settings.format.unwrap_or_else(|| Format::of_path(path));
            let outcome = check_small(&bytes[..len], settings, format);
            BUFFER.set(bytes);
            outcome
        }
        Opened::Big(file, size) => InputOutcome::BigOpen(file, size),
        Opened::TooLarge(size) => {
            InputOutcome::Skipped(SkipReason::TooLarge, format!("larger than --max-filesize ({size} bytes)"))
        }
        Opened::Error(message) => InputOutcome::Error(message),
    }
}

/// Located findings held early (inputs checked before their turn to be reported) past which
/// no more inputs are started ahead: about 30 MiB of findings with their messages.
pub const EARLY_FINDINGS: usize = 100_000;

/// At most this many big files found ahead of their turn (by the workers or the walk's
/// threads) are kept open for it, so that each is opened once; past it, one is opened again
/// when its turn comes, so that a tree of big files does not run into the limit on open files.
const BIG_FILES_KEPT_OPEN: usize = 16;

/// Big files kept open for their turn, in the whole process (the walk's threads and the
/// runner's workers share the budget).
static KEPT_OPEN: AtomicUsize = AtomicUsize::new(0);

/// Counts one more big file kept open for its turn, unless [`BIG_FILES_KEPT_OPEN`] are.
pub fn keep_open() -> bool {
    KEPT_OPEN
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < BIG_FILES_KEPT_OPEN).then_some(n + 1))
        .is_ok()
}

/// A big file kept open for its turn was checked (and closed).
pub fn closed_kept_open() {
    KEPT_OPEN.fetch_sub(1, Ordering::Relaxed);
}

/// How long into the run the walk's threads check the files they find.
const CHECK_WHILE_WALKING: Duration = Duration::from_secs(1);

/// The check the walk's threads run on each file as they find it, so that checking overlaps
/// the walk (whose threads would otherwise only list, and the checks wait for the whole list
/// to be sorted). It is the job a worker would run later, and its outcome waits in the entry
/// for the file's turn to be reported.
///
/// A file bigger than one chunk is only opened and kept open ([`keep_open`]; or noted,
/// [`InputOutcome::BigNotOpen`], past the budget): its chunks are checked in turn. It declines (the file is then checked in turn, as usual):
/// - everything once the findings held this way pass [`EARLY_FINDINGS`] (memory);
/// - everything after the run's first second: output is written in order once the walk ends,
///   so a long scan must not do its whole work before its first line.
pub struct WalkCheck {
    settings: Arc<Settings>,
    findings: AtomicUsize,
    until: Instant,
}

impl WalkCheck {
    /// For a run that began at `started`.
    pub fn new(settings: Arc<Settings>, started: Instant) -> WalkCheck {
        WalkCheck { settings, findings: AtomicUsize::new(0), until: started + CHECK_WHILE_WALKING }
    }

    /// Checks the file at `path`, or declines.
    pub fn check(&self, path: &Path) -> Option<InputOutcome> {
        if self.findings.load(Ordering::Relaxed) >= EARLY_FINDINGS || Instant::now() >= self.until {
            return None;
        }
        let own = self.settings.for_path.as_ref().and_then(|for_path| for_path(path));
        match check_input(Some(path), own.as_ref().unwrap_or(&self.settings)) {
            InputOutcome::BigOpen(file, size) if keep_open() => Some(InputOutcome::BigOpen(file, size)),
            InputOutcome::BigOpen(..) => Some(InputOutcome::BigNotOpen),
            outcome => {
                self.findings.fetch_add(outcome.findings(), Ordering::Relaxed);
                Some(outcome)
            }
        }
    }
}
