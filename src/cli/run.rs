//! Checking the listed inputs in parallel and reporting them in order, as they complete.
//!
//! - At `-jN` there are N threads in all: a pool of N - 1 workers (rayon, jobs started
//!   first-in first-out) and the calling thread, which is one of the pool's threads. Each
//!   job checks one input ([`crate::cli::job`]); the walk's threads may have run it already.
//! - The calling thread reports the inputs strictly in list order: it keeps at most a window
//!   of inputs started ahead of the one it waits for, buffers the results that come early,
//!   and writes each input's findings together as soon as every input before it is written.
//!   While the input it waits for is not done, it checks inputs started ahead itself, instead
//!   of sleeping: a reporting thread of its own would be one thread more than the cores
//!   asked for, taking a core from a worker each time it wakes. Output is sorted and
//!   deterministic whatever the scheduling, and it streams.
//! - A file bigger than one chunk is read by the calling thread when its turn comes, in
//!   chunks cut just after a byte `00-2F` ([`crate::cli::chunks`]); the chunks are checked by
//!   the pool in parallel, at most a few at a time, and reported in order, with the line and
//!   column carried from one chunk to the next. Memory stays about (2 x threads + 4) chunks,
//!   plus the findings held back for the filter (at most [`HELD_MAX`]; see [`FileTotals`]).
//!
//! Jobs never wait for one another (only the calling thread waits, and only when no started
//! job is left to take), so there is no way for the pool to deadlock, whatever the number of
//! threads.
//!
//! With one thread (`-j1`) there is no pool: the calling thread runs each job itself when
//! the input's turn comes, and pays for no hand-off.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{unbounded, Receiver, RecvTimeoutError, Sender};
use gbcheck::check::{Encoding, FileChecker, Settled};
use gbcheck::finding::{Finding, Rule, Severity};
use gbcheck::report::{Counts, FileReport, Summary};
use gbcheck::suppress::{lines_and_marker, report_invalid_directives, Suppressions, MARKER_OVERLAP};
use rayon::Yield;

use crate::cli::chunks::{detect_file, read_range, read_suppressions, ChunkReader, Piece};
use crate::cli::input::{describe_io_error, looks_binary, Entry, EntryKind};
use crate::cli::job::{
    check_input, checked, closed_kept_open, keep_open, Checked, InputOutcome, Settings, BINARY,
    EARLY_FINDINGS,
};
use crate::cli::locate::{carry, Carry, Cursor, Stretch, StretchLocator, Window};
use crate::cli::output::{DisplayPath, Located, Reporter};
use crate::cli::progress::Progress;
use crate::cli::stats::{RuleCounts, SkipReason, Stats};

/// Outcomes that came before their turn, and how many findings they hold: a ring whose
/// front is the input next to report.
#[derive(Default)]
struct ResultsAhead {
    outcomes: VecDeque<Option<InputOutcome>>,
    /// The index of the input at the front.
    front: usize,
    findings: usize,
}

impl ResultsAhead {
    fn insert(&mut self, index: usize, outcome: InputOutcome) {
        self.findings += outcome.findings();
        let at = index - self.front;
        if self.outcomes.len() <= at {
            self.outcomes.resize_with(at + 1, || None);
        }
        self.outcomes[at] = Some(outcome);
    }

    /// Takes the outcome of `index`, the input reported now: every input before it is done.
    fn remove(&mut self, index: usize) -> Option<InputOutcome> {
        while self.front < index {
            self.outcomes.pop_front();
            self.front += 1;
        }
        let outcome = self.outcomes.front_mut()?.take()?;
        self.findings -= outcome.findings();
        Some(outcome)
    }
}

/// A checked chunk of a big file.
struct ChunkDone {
    checked: Checked,
    carry: Carry,
    /// The suppression comments whose marker (`gbcheck:`) is in the chunk, by line within the
    /// chunk (its first line is 1), when it holds one. A marker never spans two chunks: it
    /// holds no byte `00-2F`, and a chunk ends just after one.
    comments: Option<Suppressions>,
}

/// The suppressions of the directives whose marker is in the first `body` bytes of `text`
/// (a chunk, then its context after, which holds the rest of such a directive), by line
/// within the chunk.
fn chunk_comments(text: &[u8], body: usize) -> Suppressions {
    let mut comments = Suppressions::default();
    // Only the lines that hold a marker are read: one search over the chunk, and the lines
    // counted between markers (a chunk of source code may hold many).
    let (mut counted_to, mut number) = (0, 1);
    let mut next_line = 0;
    for at in gbcheck::suppress::markers(text).take_while(|&at| at < body) {
        if at < next_line {
            continue;
        }
        number += memchr::memchr_iter(b'\n', &text[counted_to..at]).count() as u64;
        counted_to = at;
        let line_start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |lf| lf + 1);
        let line_end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |lf| at + lf + 1);
        comments.add_line_part(number, &text[line_start..line_end], body - line_start);
        next_line = line_end;
    }
    comments
}

// A chunk's context after it holds the rest of any directive that starts in it.
const _: () = assert!(crate::cli::locate::CHUNK_CONTEXT >= gbcheck::suppress::DIRECTIVE_MAX);

/// Runs the checks and reports everything; returns the totals.
pub struct Runner<'a> {
    settings: Arc<Settings>,
    /// The threads, this one among them; none with one thread, where this thread does the
    /// work.
    pool: Option<rayon::ThreadPool>,
    reporter: &'a mut dyn Reporter,
    progress: &'a Progress,
    summary: Summary,
    stats: Stats,
}

impl<'a> Runner<'a> {
    /// A runner with its pool of threads, of which the calling thread is one.
    ///
    /// A thread can belong to one such pool only, for the life of the process (rayon keeps
    /// it registered): one runner per process.
    pub fn new(
        settings: Arc<Settings>,
        reporter: &'a mut dyn Reporter,
        progress: &'a Progress,
        stats: Stats,
    ) -> io::Result<Runner<'a>> {
        let pool = match settings.threads {
            0 | 1 => None,
            threads => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .use_current_thread()
                    .thread_name(|i| format!("gbcheck-{i}"))
                    .build()
                    .map_err(io::Error::other)?,
            ),
        };
        Ok(Runner { settings, pool, reporter, progress, summary: Summary::default(), stats })
    }

    /// Checks and reports every entry, in order; returns the totals, and whether all of it
    /// was written. When writing fails (a closed pipe) the run stops there, and the totals
    /// are those of the inputs checked so far: their findings count even where they were not
    /// written yet, so that the exit status can tell what was found.
    pub fn run(mut self, entries: Vec<Entry>) -> (Summary, Stats, io::Result<()>) {
        let written = self.report_all(entries);
        (self.summary, self.stats, written)
    }

    fn report_all(&mut self, mut entries: Vec<Entry>) -> io::Result<()> {
        // What the walk checked already, by index.
        let mut walked: Vec<Option<InputOutcome>> =
            entries.iter_mut().map(|entry| entry.checked.take()).collect();
        // Shared with the jobs, which borrow their paths from it instead of a copy each.
        let entries = Arc::new(entries);
        // Inputs started ahead of the one reported: enough that the workers never run dry
        // while this thread waits for a slow input or for the CPU (on a busy machine it may
        // be off the CPU for milliseconds, while a small file takes microseconds); fewer once
        // the results held early are large.
        // Without a pool, a job runs when started: only the input reported next is.
        let window = if self.pool.is_some() { (256 * self.settings.threads).max(1024) } else { 1 };
        let (tx, rx) = unbounded::<(usize, InputOutcome)>();
        let mut early = ResultsAhead::default();
        let mut started = 0;
        let mut path = DisplayPath::stdin();
        for head in 0..entries.len() {
            while started < entries.len()
                && (started <= head || (started < head + window && early.findings < EARLY_FINDINGS))
            {
                if walked[started].is_none() {
                    self.start(started, &entries, &tx);
                }
                started += 1;
            }
            let entry = &entries[head];
            match entry.kind {
                EntryKind::Stdin => path = DisplayPath::stdin(),
                _ => path.assign(&entry.path),
            }
            match &entry.kind {
                EntryKind::Error(message) => self.error(&path, message)?,
                EntryKind::Skipped(reason, message) => self.skipped(&path, *reason, message, false)?,
                EntryKind::File { explicit } => {
                    let outcome = match walked[head].take() {
                        Some(outcome) => outcome,
                        None => self.wait(head, &rx, &mut early),
                    };
                    // A big file is checked from here, with its own settings.
                    let own = self.settings_for(&entry.path);
                    let was_kept_open = matches!(outcome, InputOutcome::BigOpen(..));
                    let outcome = match outcome {
                        InputOutcome::BigNotOpen => check_input(Some(&entry.path), &own),
                        outcome => outcome,
                    };
                    let shared = std::mem::replace(&mut self.settings, own);
                    let reported = self.report(&path, *explicit, outcome);
                    self.settings = shared;
                    if was_kept_open {
                        closed_kept_open();
                    }
                    reported?;
                }
                EntryKind::Stdin => {
                    let outcome = self.wait(head, &rx, &mut early);
                    self.report(&path, true, outcome)?;
                }
            }
            self.progress.file_done(self.summary.bytes_checked);
        }
        Ok(())
    }

    /// Starts the job for entry `index`, if it needs one.
    fn start(&self, index: usize, entries: &Arc<Vec<Entry>>, tx: &Sender<(usize, InputOutcome)>) {
        let entry = &entries[index];
        let settings = match entry.kind {
            EntryKind::File { .. } => self.settings_for(&entry.path),
            // Standard input: the configuration of the current directory (an empty path).
            EntryKind::Stdin => self.settings_for(std::path::Path::new("")),
            _ => return,
        };
        let entries = Arc::clone(entries);
        let tx = tx.clone();
        self.spawn(move || {
            let entry = &entries[index];
            let path = matches!(entry.kind, EntryKind::File { .. }).then_some(entry.path.as_path());
            let outcome = match check_input(path, &settings) {
                InputOutcome::BigOpen(file, size) if keep_open() => InputOutcome::BigOpen(file, size),
                InputOutcome::BigOpen(..) => InputOutcome::BigNotOpen,
                outcome => outcome,
            };
            let _ = tx.send((index, outcome));
        });
    }

    /// Runs `work` on the pool, first in first out, or here and now when there is no pool.
    fn spawn(&self, work: impl FnOnce() + Send + 'static) {
        match &self.pool {
            Some(pool) => pool.spawn_fifo(work),
            None => work(),
        }
    }

    /// The settings of one input (the config file's overrides may differ by path).
    fn settings_for(&self, path: &std::path::Path) -> Arc<Settings> {
        let own = self.settings.for_path.as_ref().and_then(|for_path| for_path(path));
        own.unwrap_or_else(|| Arc::clone(&self.settings))
    }

    /// Waits for the outcome of entry `index`, keeping the ones that come before their turn.
    fn wait(
        &self,
        index: usize,
        rx: &Receiver<(usize, InputOutcome)>,
        early: &mut ResultsAhead,
    ) -> InputOutcome {
        loop {
            if let Some(outcome) = early.remove(index) {
                return outcome;
            }
            match self.receive(rx) {
                Ok((i, outcome)) => early.insert(i, outcome),
                Err(RecvTimeoutError::Timeout) => self.progress.bytes(self.summary.bytes_checked),
                Err(RecvTimeoutError::Disconnected) => {
                    return InputOutcome::Error("internal error: a worker stopped".to_string())
                }
            }
        }
    }

    /// The next message on `rx`. Until one comes, this thread runs jobs started and not yet
    /// taken by a worker; it blocks (200 ms at most) only when there are none.
    fn receive<T>(&self, rx: &Receiver<T>) -> Result<T, RecvTimeoutError> {
        loop {
            if let Ok(message) = rx.try_recv() {
                return Ok(message);
            }
            let worked = self.pool.as_ref().and_then(rayon::ThreadPool::yield_now);
            if worked != Some(Yield::Executed) {
                return rx.recv_timeout(Duration::from_millis(200));
            }
        }
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.summary.operational_errors += 1;
        self.reporter.error(path, message)
    }

    fn skipped(
        &mut self,
        path: &DisplayPath,
        reason: SkipReason,
        message: &str,
        explicit: bool,
    ) -> io::Result<()> {
        self.summary.files_skipped += 1;
        self.stats.skipped(reason);
        self.reporter.skipped(path, message, explicit)
    }

    /// Reports one input's outcome.
    fn report(&mut self, path: &DisplayPath, explicit: bool, outcome: InputOutcome) -> io::Result<()> {
        match outcome {
            InputOutcome::Clean(bytes) => {
                self.reporter.file_done(path, 0)?;
                self.summary.files_checked += 1;
                self.summary.bytes_checked += bytes;
                Ok(())
            }
            InputOutcome::Checked(mut checked) => {
                let hidden = checked.counts.findings - checked.findings.len() as u64;
                if let Some(suppressions) = checked.suppressions.take() {
                    self.reporter.suppressions(suppressions);
                }
                self.count(&checked, true);
                let mut written = Ok(());
                for located in &checked.findings {
                    // After a failed write the rest still goes through the filter (which
                    // writes no more), so that suppressed findings are not counted.
                    let this = self.reporter.finding(path, located);
                    written = written.and(this);
                }
                written?;
                self.reporter.file_done(path, hidden)
            }
            InputOutcome::Skipped(reason, message) => self.skipped(path, reason, &message, explicit),
            InputOutcome::Error(message) => self.error(path, &message),
            InputOutcome::BigOpen(file, size) => self.check_big_file(path, explicit, &file, size),
            // Opened again before it comes here (`run`); standard input is never big.
            InputOutcome::BigNotOpen => self.error(path, "internal error: a big file was not opened again"),
        }
    }

    /// Adds a checked input (or chunk, `whole` false) to the totals.
    fn count(&mut self, checked: &Checked, whole: bool) {
        let summary = &mut self.summary;
        if whole {
            summary.files_checked += 1;
            summary.files_with_findings += u64::from(checked.counts.findings > 0);
        }
        summary.bytes_checked += checked.bytes;
        summary.counts.findings += checked.counts.findings;
        summary.counts.errors += checked.counts.errors;
        summary.counts.warnings += checked.counts.warnings;
        self.stats.add_by_rule(&checked.by_rule);
    }

    /// Checks and reports a file bigger than one chunk.
    fn check_big_file(
        &mut self,
        path: &DisplayPath,
        explicit: bool,
        file: &File,
        size: u64,
    ) -> io::Result<()> {
        if !self.settings.binary {
            match read_range(file, 0, 8192) {
                Ok(head) if looks_binary(&head) => {
                    return self.skipped(path, SkipReason::Binary, BINARY, explicit);
                }
                Ok(_) => {}
                Err(e) => return self.error(path, &describe_io_error(&e)),
            }
        }
        let detection = match detect_file(file, size, &self.settings.options) {
            Ok(detection) => detection,
            Err(e) => return self.error(path, &format!("{}; not checked", describe_io_error(&e))),
        };
        if let Some(finding) = detection.wrong_encoding {
            return self.wrong_encoding(path, file, size, finding);
        }
        let encoding = detection.encoding;

        let (tx, rx) = unbounded::<(usize, ChunkDone)>();
        let most = 2 * self.settings.threads + 2;
        let mut reader = ChunkReader::new(file, size, encoding);
        let mut out = ChunksOut { rx, done: BTreeMap::new(), sent: 0, next: 0 };
        let mut file_totals = FileTotals::new(file, self.settings.chunk as usize);
        let mut failure = None;
        loop {
            match reader.next_piece(file_totals.target) {
                Ok(Some(Piece::Chunk(chunk))) => {
                    self.check_chunk(out.sent, chunk, encoding, &tx);
                    out.sent += 1;
                }
                Ok(Some(Piece::Stretch)) => {
                    // Reported as it is read: every chunk before it goes first. Its parts
                    // are not searched for a marker: the file's comments are read apart.
                    self.report_chunks(path, &mut out, &mut file_totals, 0)?;
                    file_totals.comments_unknown = true;
                    self.report_held(path, &mut file_totals)?;
                    if let Err(e) =
                        self.check_stretch(path, &mut reader, file, size, encoding, &mut file_totals)
                    {
                        failure = Some(describe_io_error(&e));
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    failure = Some(describe_io_error(&e));
                    break;
                }
            }
            // Report what is ready; wait while too many chunks are out.
            self.report_chunks(path, &mut out, &mut file_totals, most - 1)?;
        }
        self.report_chunks(path, &mut out, &mut file_totals, 0)?;
        let failure = failure.map(|message| {
            format!(
                "{message}; findings up to byte {} are reported, the rest was not checked",
                reader.consumed()
            )
        });
        self.end_big_file(path, &mut file_totals, failure)
    }

    /// Ends a big file whose chunks are all reported: the findings still held back, then the
    /// file's end, or the `failure` that stopped its check.
    fn end_big_file(
        &mut self,
        path: &DisplayPath,
        totals: &mut FileTotals,
        failure: Option<String>,
    ) -> io::Result<()> {
        if !totals.comments_unknown && failure.is_none() {
            // Every chunk was searched: the file's comments are theirs.
            let comments = std::mem::take(&mut totals.comments);
            self.report_held_with(path, totals, comments)?;
        }
        self.report_held(path, totals)?;
        let hidden = totals.findings - totals.shown;
        self.reporter.file_done(path, hidden)?;
        match failure {
            Some(message) => self.error(path, &message),
            None => {
                self.summary.files_checked += 1;
                self.summary.files_with_findings += u64::from(totals.findings > 0);
                Ok(())
            }
        }
    }

    /// Starts the check of one chunk.
    fn check_chunk(
        &self,
        index: usize,
        chunk: crate::cli::chunks::Chunk,
        encoding: Encoding,
        tx: &Sender<(usize, ChunkDone)>,
    ) {
        let settings = Arc::clone(&self.settings);
        let tx = tx.clone();
        self.spawn(move || {
            let window = Window {
                data: &chunk.data,
                start: chunk.start,
                end: chunk.end,
                offset: chunk.offset,
                starts_line: chunk.starts_line,
                reaches_end: chunk.reaches_end,
            };
            let mut checker = FileChecker::new(encoding, &settings.options, chunk.offset);
            checker.feed(&chunk.data[chunk.start..chunk.end]);
            let mut report = checker.finish();
            let (newlines, marker) = lines_and_marker(&chunk.data[chunk.start..chunk.end]);
            if marker {
                // The context after the chunk (`CHUNK_CONTEXT` bytes) holds the rest of a directive
                // that starts in it ([`gbcheck::suppress::DIRECTIVE_MAX`] bytes at most).
                let gb015 = settings.options.rules.severity(Rule::InvalidSuppression);
                let text = &chunk.data[chunk.start..];
                report_invalid_directives(&mut report, text, chunk.end - chunk.start, chunk.offset, gb015);
            }
            let comments =
                marker.then(|| chunk_comments(&chunk.data[chunk.start..], chunk.end - chunk.start));
            let done = ChunkDone {
                checked: checked(&window, &report, &settings),
                carry: carry(&window, encoding, newlines),
                comments,
            };
            let _ = tx.send((index, done));
        });
    }

    /// Reports the chunks that are done, in order, waiting until at most `out_at_most` are
    /// still out.
    fn report_chunks(
        &mut self,
        path: &DisplayPath,
        out: &mut ChunksOut,
        totals: &mut FileTotals,
        out_at_most: usize,
    ) -> io::Result<()> {
        loop {
            let wait = out.sent - out.next > out_at_most;
            let message = if wait {
                match self.receive(&out.rx) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(io::Error::other("internal error: a worker stopped"))
                    }
                }
            } else {
                out.rx.try_recv().ok()
            };
            let Some((k, chunk)) = message else { return Ok(()) };
            out.done.insert(k, chunk);
            while let Some(chunk) = out.done.remove(&out.next) {
                self.report_chunk(path, chunk, totals)?;
                out.next += 1;
            }
        }
    }

    /// Checks a stretch that cannot be cut (no byte `00-2F` in a chunk's worth of bytes) on
    /// this thread, as one stream read in parts, and reports its findings part by part as
    /// they are settled and located: memory stays bounded however long the stretch and however
    /// dense its findings.
    fn check_stretch(
        &mut self,
        path: &DisplayPath,
        reader: &mut ChunkReader,
        file: &File,
        size: u64,
        encoding: Encoding,
        totals: &mut FileTotals,
    ) -> io::Result<()> {
        let from = reader.consumed();
        let (prefix, prefix_starts_line) = {
            let (prefix, starts_line) = reader.prefix();
            (prefix.to_vec(), starts_line)
        };
        let read = |offset: u64, len: usize| read_range(file, offset, len);
        let stretch = Stretch { read: &read, from, size, prefix, prefix_starts_line };
        let mut locator = StretchLocator::new(
            stretch,
            encoding,
            self.settings.max_shown,
            self.settings.snippets,
            self.settings.fingerprints,
        );
        let mut checker = FileChecker::new(encoding, &self.settings.options, from);
        let gb015 = self.settings.options.rules.severity(Rule::InvalidSuppression);
        let mut directives =
            StretchDirectives { severity: gb015, tail: Vec::new(), tail_from: from, held: Vec::new() };
        loop {
            // Parts sized like chunks, by the density of findings so far.
            let (part, ended) = reader.stretch_part(totals.target)?;
            checker.feed(&part);
            directives.feed(&part, &read)?;
            let settled = directives.settle(checker.take_settled());
            let located = locator.feed(&part, &settled)?;
            let checked = stretch_part(located, &settled.findings, part.len() as u64);
            self.report_chunk(path, ChunkDone { checked, carry: Carry::default(), comments: None }, totals)?;
            if ended || part.is_empty() {
                break;
            }
        }
        let rest = directives.finish(checker.finish().findings);
        let (located, carry) = locator.finish(&rest)?;
        let checked = stretch_part(located, &rest, 0);
        self.report_chunk(path, ChunkDone { checked, carry, comments: None }, totals)
    }

    /// Reports a chunk's findings at their place in the file.
    fn report_chunk(
        &mut self,
        path: &DisplayPath,
        chunk: ChunkDone,
        totals: &mut FileTotals,
    ) -> io::Result<()> {
        // Counted first: a chunk whose findings cannot all be written still counts.
        self.count(&chunk.checked, false);
        if let Some(comments) = &chunk.comments {
            totals.comments.add_part(comments, totals.cursor.line);
        }
        if totals.started.elapsed() > HOLD_FOR {
            self.report_held(path, totals)?;
        }
        for mut located in chunk.checked.findings.iter().cloned() {
            if totals.shown >= self.settings.max_shown as u64 {
                break;
            }
            totals.cursor.place(&mut located);
            match &mut totals.unreported {
                Some(held) if held.len() < HELD_MAX => held.push(located),
                _ => {
                    self.report_held(path, totals)?;
                    self.reporter.finding(path, &located)?;
                }
            }
            totals.shown += 1;
        }
        totals.cursor.advance(chunk.carry);
        totals.findings += chunk.checked.counts.findings;
        totals.adapt(chunk.checked.bytes, chunk.checked.counts.findings);
        self.progress.bytes(self.summary.bytes_checked);
        Ok(())
    }

    /// Reports the findings held back, after the file's suppression comments (read through
    /// its open handle), and holds no more for this file. While none is held, nothing is read.
    fn report_held(&mut self, path: &DisplayPath, totals: &mut FileTotals) -> io::Result<()> {
        match &totals.unreported {
            Some(held) if !held.is_empty() => {
                let suppressions = read_suppressions(totals.file);
                self.report_held_with(path, totals, suppressions)
            }
            _ => Ok(()),
        }
    }

    /// Gives the filter the file's `suppressions`, then reports the findings held back (when
    /// they still are), and holds no more for this file.
    fn report_held_with(
        &mut self,
        path: &DisplayPath,
        totals: &mut FileTotals,
        suppressions: Suppressions,
    ) -> io::Result<()> {
        let Some(held) = totals.unreported.take() else {
            return Ok(());
        };
        self.reporter.suppressions(suppressions);
        for located in held {
            self.reporter.finding(path, &located)?;
        }
        Ok(())
    }

    /// Reports the single GB008 finding of a big file in the other encoding.
    fn wrong_encoding(
        &mut self,
        path: &DisplayPath,
        file: &File,
        size: u64,
        finding: gbcheck::finding::Finding,
    ) -> io::Result<()> {
        let head = match read_range(file, 0, 64 * 1024) {
            Ok(head) => head,
            Err(e) => return self.error(path, &describe_io_error(&e)),
        };
        let encoding = match finding.cause {
            gbcheck::finding::Cause::WrongEncoding { expected, .. } => expected,
            _ => Encoding::Gb18030,
        };
        let mut counts = Counts { findings: 1, ..Counts::default() };
        match finding.severity {
            gbcheck::finding::Severity::Error => counts.errors = 1,
            gbcheck::finding::Severity::Warning => counts.warnings = 1,
        }
        let report = FileReport { encoding, bytes_checked: size, findings: vec![finding], counts };
        let window = Window { reaches_end: head.len() as u64 == size, ..Window::whole(&head) };
        let checked = checked(&window, &report, &self.settings);
        let suppressions = Some(read_suppressions(file));
        self.report(
            path,
            false,
            InputOutcome::Checked(Box::new(Checked { bytes: size, suppressions, ..checked })),
        )
    }
}

/// The chunks of a big file out with the pool, and those done early.
struct ChunksOut {
    rx: Receiver<(usize, ChunkDone)>,
    done: BTreeMap<usize, ChunkDone>,
    /// Chunks sent, and the next one to report.
    sent: usize,
    next: usize,
}

/// Part of a stretch, ready to report: its located findings out of all it settled.
fn stretch_part(located: Vec<Located>, findings: &[Finding], bytes: u64) -> Checked {
    let mut counts = Counts::default();
    for finding in findings {
        counts.count(finding.severity);
    }
    Checked { findings: located, suppressions: None, counts, by_rule: RuleCounts::of(findings), bytes }
}

/// The GB015 findings of a stretch (a directive may sit in one: its marker holds no byte
/// `00-2F`), found as its parts are read and given out in byte order among the checker's.
struct StretchDirectives {
    /// GB015's severity, or `None` when it is off (then nothing is searched or held).
    severity: Option<Severity>,
    /// The last bytes of the parts read, where a marker cut by a part's end begins, and the
    /// offset of the first of them.
    tail: Vec<u8>,
    tail_from: u64,
    /// Findings not yet given out: GB015 ones, and the checker's that come after a marker
    /// that may still be completed by the next part.
    held: Vec<Finding>,
}

impl StretchDirectives {
    /// Searches the next part for markers, and reads each directive found from the file.
    fn feed(&mut self, part: &[u8], read: &dyn Fn(u64, usize) -> io::Result<Vec<u8>>) -> io::Result<()> {
        let Some(severity) = self.severity else { return Ok(()) };
        let mut text = std::mem::take(&mut self.tail);
        text.extend_from_slice(part);
        for at in gbcheck::suppress::markers(&text) {
            let offset = self.tail_from + at as u64;
            let directive = read(offset, gbcheck::suppress::DIRECTIVE_MAX)?;
            self.held.extend(gbcheck::suppress::invalid_directives(&directive, 1, offset, severity));
        }
        let keep = text.len().min(MARKER_OVERLAP);
        self.tail_from += (text.len() - keep) as u64;
        text.drain(..text.len() - keep);
        self.tail = text;
        Ok(())
    }

    /// What the checker settled, with the GB015 findings before the same point; a marker
    /// cut by the last part's end is not passed by.
    fn settle(&mut self, settled: Settled) -> Settled {
        if self.severity.is_none() {
            return settled;
        }
        let before = settled.before.min(self.tail_from);
        self.held.extend(settled.findings);
        self.held.sort_by_key(|f| (f.span.start, f.rule));
        let held = self.held.partition_point(|f| f.span.start < before);
        Settled { findings: self.held.drain(..held).collect(), before }
    }

    /// The rest of the findings, at the stretch's end.
    fn finish(mut self, rest: Vec<Finding>) -> Vec<Finding> {
        if self.held.is_empty() {
            return rest;
        }
        self.held.extend(rest);
        self.held.sort_by_key(|f| (f.span.start, f.rule));
        self.held
    }
}

/// A big file's findings are held back while its chunks are checked, at most this many...
const HELD_MAX: usize = 10_000;

/// ... and for at most this long, so that a long scan still streams its findings.
const HOLD_FOR: Duration = Duration::from_secs(1);

/// A big file's running totals, and the size of its next chunk.
struct FileTotals<'f> {
    /// The file, open: its comments are read through it when its findings cannot wait.
    file: &'f File,
    /// The comments of the chunks reported so far.
    comments: Suppressions,
    /// A stretch (not searched for comments) was read: the file's comments must be read
    /// before its findings are let go.
    comments_unknown: bool,
    cursor: Cursor,
    findings: u64,
    shown: u64,
    /// The findings placed and not yet reported, or `None` once they are let go.
    ///
    /// The filter needs a file's suppression comments before its first finding. Each chunk
    /// is searched for directives while it is checked, so when the file ends with its
    /// findings still held, the filter is given the chunks' comments and the file is not read
    /// again (which took about a fifth of the time of a 64 MiB file). A stretch, [`HELD_MAX`]
    /// or [`HOLD_FOR`] lets them go, after the file's comments are read through its handle.
    unreported: Option<Vec<Located>>,
    /// When the file's check began (for [`HOLD_FOR`]).
    started: Instant,
    /// The size the next chunk is cut at.
    target: usize,
    /// The chunk size asked for, and the smallest size chunks shrink to.
    full: usize,
    floor: usize,
}

/// About how many findings a chunk should hold: a chunk's findings stay in memory, with their
/// messages, until it is reported, and a few chunks are out at a time.
const FINDINGS_PER_CHUNK: u64 = 4096;

impl<'f> FileTotals<'f> {
    fn new(file: &'f File, full: usize) -> FileTotals<'f> {
        let floor = full.min(16 * 1024);
        FileTotals {
            file,
            comments: Suppressions::default(),
            comments_unknown: false,
            cursor: Cursor::default(),
            findings: 0,
            shown: 0,
            unreported: Some(Vec::new()),
            started: Instant::now(),
            target: floor,
            full,
            floor,
        }
    }

    /// Sizes the next chunks by the density of findings so far: chunks start small and
    /// double while they are sparse, and shrink where findings are dense (a UTF-8 file read
    /// as GB 18030 can have one every few bytes), so memory stays bounded either way. Where
    /// the cuts fall never changes the findings.
    fn adapt(&mut self, bytes: u64, findings: u64) {
        self.target = match bytes.saturating_mul(FINDINGS_PER_CHUNK).checked_div(findings) {
            None => self.target.saturating_mul(2).min(self.full),
            Some(fit) => (fit.min(self.target as u64 * 2) as usize).clamp(self.floor, self.full),
        };
    }
}
