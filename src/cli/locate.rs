//! Turning a report into printable findings while the bytes are in memory.
//!
//! A small file is located whole. A big file is checked in chunks cut just after a byte
//! `00-2F` (after which a GB 18030 or UTF-8 decoder is always in its initial state), and each
//! chunk is located on its own: lines and columns relative to the chunk's start, plus the two
//! facts the next chunk needs to carry on ([`Carry`]): how many LFs the chunk holds and how
//! many characters follow its last LF. The caller adds them up in file order, so line and
//! column come out exactly as a whole-file scan gives them.

use std::collections::VecDeque;
use std::io;

use gbcheck::check::{Encoding, Settled};
use gbcheck::finding::Finding;
use gbcheck::fingerprint::{fingerprint, CONTEXT_BYTES};
use gbcheck::lines::{count_units, Locator, LOOKAHEAD};
use gbcheck::report::FileReport;
use gbcheck::scan::{fast, utf8::Utf8Scanner, Visitor};

use crate::cli::output::snippet::{render, Line, Snippet};
use crate::cli::output::Located;

/// Lines longer than this many columns are cut around the finding.
pub const MAX_LINE_WIDTH: usize = 100;

/// Bytes of context kept before and after a chunk, for the source lines shown in human
/// output when a line crosses a cut.
pub const CHUNK_CONTEXT: usize = 1024;

/// A chunk of an input and the bytes around it.
pub struct Window<'a> {
    /// Context before the chunk, the chunk, and context after it.
    pub data: &'a [u8],
    /// Where the chunk starts in `data`; `data[..start]` starts at a sequence boundary.
    pub start: usize,
    /// Where the chunk ends in `data`.
    pub end: usize,
    /// The absolute offset of `data[start]` in the input.
    pub offset: u64,
    /// Whether `data[0]` starts a line (or the input).
    pub starts_line: bool,
    /// Whether `data` ends where the input ends.
    pub reaches_end: bool,
}

impl<'a> Window<'a> {
    /// A whole input in memory.
    pub fn whole(bytes: &'a [u8]) -> Window<'a> {
        Window { data: bytes, start: 0, end: bytes.len(), offset: 0, starts_line: true, reaches_end: true }
    }

    fn chunk(&self) -> &'a [u8] {
        &self.data[self.start..self.end]
    }
}

/// What a located chunk passes on to the next one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Carry {
    /// LFs in the chunk.
    pub newlines: u64,
    /// Characters (and malformed spans) after the chunk's last LF, or in the whole chunk
    /// when it has none.
    pub tail_units: u64,
}

/// Where the next chunk starts: its first byte's line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor { line: 1, column: 1 }
    }
}

impl Cursor {
    /// Moves a finding located relative to its chunk to its place in the file.
    pub fn place(&self, located: &mut Located) {
        if located.line == 1 {
            located.column += self.column - 1;
        }
        located.line += self.line - 1;
    }

    /// Moves past a chunk.
    pub fn advance(&mut self, carry: Carry) {
        if carry.newlines > 0 {
            self.line += carry.newlines;
            self.column = 1 + carry.tail_units;
        } else {
            self.column += carry.tail_units;
        }
    }
}

/// Locates the first `limit` findings of a chunk's report (line and column relative to the
/// chunk, which starts at line 1, column 1), with source lines when `snippets` is set and
/// fingerprints when `fingerprints` is (the window holds their context: the chunk's
/// [`CHUNK_CONTEXT`] either side, or to the start of its line).
pub fn locate(
    window: &Window,
    report: &FileReport,
    limit: usize,
    snippets: bool,
    fingerprints: bool,
) -> Vec<Located> {
    let data_start = window.offset - window.start as u64;
    let chunk = window.chunk();
    let mut locator = Locator::new(chunk, report.encoding);
    let mut recent = Recent::new(report.encoding);
    report
        .findings
        .iter()
        .take(limit)
        .map(|finding| {
            let relative = finding.span.start - window.offset;
            let position = locator.locate(relative);
            let at = window.start + relative as usize;
            let bytes = window.data[at..at + finding.span.len as usize].to_vec();
            Located {
                finding: *finding,
                line: position.line,
                column: position.column,
                message: super::advice::message(finding, &bytes),
                snippet: snippets.then(|| snippet(window, at, finding, report.encoding, &mut recent)),
                fingerprint: fingerprints.then(|| {
                    fingerprint(finding.rule, window.data, data_start, finding.span.start, finding.span.end())
                }),
                fix: gbcheck::fix::fix_of(finding, &bytes, report.encoding),
                bytes,
            }
        })
        .collect()
}

/// Follows a chunk from its start as its findings come, in order, and keeps the start of the
/// current line and of its last [`UNITS_BEFORE`] units: where the window shown of a long line
/// can start (a sequence boundary), found without decoding the line again for each finding.
struct Recent {
    encoding: Encoding,
    gb18030: fast::Scanner,
    utf8: Utf8Scanner,
    scanned: usize,
    starts: Starts,
}

/// The visitor of [`Recent`].
#[derive(Default)]
struct Starts {
    line: u64,
    units: VecDeque<u64>,
}

impl Visitor for Starts {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.unit(finding.span.start);
    }

    fn char(&mut self, start: u64, _: u8, c: char) {
        self.unit(start);
        if c == '\n' {
            self.line = start + 1;
            self.units.clear();
        }
    }
}

impl Starts {
    fn unit(&mut self, start: u64) {
        if self.units.len() == UNITS_BEFORE {
            self.units.pop_front();
        }
        self.units.push_back(start);
    }
}

impl Recent {
    fn new(encoding: Encoding) -> Recent {
        Recent {
            encoding,
            gb18030: fast::Scanner::new(),
            utf8: Utf8Scanner::at_offset(0),
            scanned: 0,
            starts: Starts::default(),
        }
    }

    /// The start of the line holding `data[at]`, and of the unit [`UNITS_BEFORE`] units
    /// before `at` on that line (or the line's start); `at` never decreases from call to call.
    fn before(&mut self, data: &[u8], at: usize) -> (usize, usize) {
        if at > self.scanned {
            // Only the line holding `at` matters: start again after the last line feed before
            // it (a line feed always ends a sequence), not character by character up to it.
            if let Some(lf) = memchr::memrchr(b'\n', &data[self.scanned..at]) {
                let line = self.scanned + lf + 1;
                self.gb18030 = fast::Scanner::at_offset(line as u64);
                self.utf8 = Utf8Scanner::at_offset(line as u64);
                self.starts.line = line as u64;
                self.starts.units.clear();
                self.scanned = line;
            }
            let bytes = &data[self.scanned..at];
            match self.encoding {
                Encoding::Gb18030 => self.gb18030.feed(bytes, &mut self.starts),
                Encoding::Utf8 => self.utf8.feed(bytes, &mut self.starts),
            }
            self.scanned = at;
        }
        let line = self.starts.line as usize;
        (line, self.starts.units.front().map_or(line, |&s| s as usize))
    }
}

/// What a chunk passes on: its LFs (`newlines`, counted by the caller), and the characters
/// after its last one.
pub fn carry(window: &Window, encoding: Encoding, newlines: u64) -> Carry {
    let chunk = window.chunk();
    let from = memchr::memrchr(b'\n', chunk).map_or(0, |lf| lf + 1);
    let tail_units = if from == chunk.len() { 0 } else { count_units(chunk, from, chunk.len(), encoding) };
    Carry { newlines, tail_units }
}

/// The source line of a finding at `data[at]`, rendered.
fn snippet(
    window: &Window,
    at: usize,
    finding: &Finding,
    encoding: Encoding,
    recent: &mut Recent,
) -> Snippet {
    let (line, units_before) = recent.before(window.data, at);
    // Far into a long line, only the units before the finding that can be shown are
    // decoded: more than `NEAR_LINE_START` bytes hold more than `MAX_LINE_WIDTH` units, so
    // the line is shown as a window anyway.
    let from = if at - line <= NEAR_LINE_START { line } else { units_before };
    let cut_before = from > line || (from == 0 && !window.starts_line);
    render_at(window.data, at, finding.span.len as usize, encoding, from, cut_before, window.reaches_end)
}

/// Bytes before a finding within which its line is rendered from the line's start.
const NEAR_LINE_START: usize = 4 * MAX_LINE_WIDTH;

/// Renders the line holding `data[at..at + len]` from `data[from]`, a sequence boundary (the
/// line's start unless `cut_before`); `data` ends at the end of the input when `reaches_end`.
/// A long line is read only to a little past what the window shown of it can hold, so that
/// each finding costs the same however long its line is.
fn render_at(
    data: &[u8],
    at: usize,
    len: usize,
    encoding: Encoding,
    from: usize,
    cut_before: bool,
    reaches_end: bool,
) -> Snippet {
    let far = (at + len + 4 * MAX_LINE_WIDTH + LOOKAHEAD).min(data.len());
    let (to, cut_after) = match memchr::memchr(b'\n', &data[at..far]) {
        Some(lf) => (at + lf, false),
        None if far == data.len() => (far, !reaches_end),
        None => (far, true),
    };
    let shown_to = (to + LOOKAHEAD).min(data.len());
    let line = Line {
        bytes: &data[from..shown_to],
        len: to - from,
        at_end: shown_to == data.len() && reaches_end,
        cut_before,
        cut_after,
    };
    render(&line, encoding, at - from, len, MAX_LINE_WIDTH)
}

/// A finding of a stretch with its column, and where its source line is shown from.
struct Placed {
    finding: Finding,
    column: u64,
    window: u64,
}

/// Counts the units (characters and malformed spans) of a stretch as they go by and gives
/// each awaited finding its column: one more than the units before it; and keeps where the
/// 40th unit before it starts, where a source line shown around it may begin.
#[derive(Default)]
struct Columns {
    /// Findings awaiting their column, in byte order.
    awaited: VecDeque<Finding>,
    placed: VecDeque<Placed>,
    units: u64,
    recent: VecDeque<u64>,
}

/// How far into a stretch a finding's source line is shown from the stretch's start.
const NEAR: u64 = 4096;

/// Units of context kept before a finding in a stretch (the window shows at most a third of
/// [`MAX_LINE_WIDTH`] columns before it, and a unit is at least one column wide).
const UNITS_BEFORE: usize = 40;

impl Columns {
    /// Places the awaited findings that start at or before `start` (the stretch's end when
    /// it has ended).
    fn place_up_to(&mut self, start: u64) {
        while self.awaited.front().is_some_and(|f| f.span.start <= start) {
            let finding = self.awaited.pop_front().expect("checked just above");
            let window = self.recent.front().copied().unwrap_or(start);
            self.placed.push_back(Placed { finding, column: 1 + self.units, window });
        }
    }

    fn unit(&mut self, start: u64) {
        self.place_up_to(start);
        self.units += 1;
        if self.recent.len() == UNITS_BEFORE {
            self.recent.pop_front();
        }
        self.recent.push_back(start);
    }
}

impl Visitor for Columns {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.unit(finding.span.start);
    }

    fn char(&mut self, start: u64, _: u8, _: char) {
        self.unit(start);
    }
}

/// A stretch of a big file with no byte `00-2F` inside (only, maybe, as its last byte): one
/// part of one line.
pub struct Stretch<'a> {
    /// Reads `len` bytes at an offset (fewer at the end of the file).
    pub read: &'a dyn Fn(u64, usize) -> io::Result<Vec<u8>>,
    /// Where the stretch starts in the file.
    pub from: u64,
    /// The file's length.
    pub size: u64,
    /// Context before the stretch, from a sequence boundary.
    pub prefix: Vec<u8>,
    /// Whether `prefix` starts a line.
    pub prefix_starts_line: bool,
}

/// Locates a stretch's findings while it is read in parts and checked as one stream, so that
/// neither its findings nor its bytes pile up however long it is: each part's settled
/// findings get their columns (line 1 and columns relative to the stretch, like a chunk) from
/// a second scanner that counts units, and their source lines from the bytes still kept.
pub struct StretchLocator<'a> {
    stretch: Stretch<'a>,
    encoding: Encoding,
    snippets: bool,
    fingerprints: bool,
    /// How many more findings to locate; the rest are only counted.
    budget: usize,
    columns: Columns,
    gb18030: fast::Scanner,
    utf8: Utf8Scanner,
    /// The stretch's bytes from `kept_from` to the end of the parts fed: those a finding not
    /// yet located may still show.
    kept: Vec<u8>,
    kept_from: u64,
    /// How far the unit counter has read.
    scanned: u64,
    last: u8,
}

impl<'a> StretchLocator<'a> {
    /// A locator for the first `limit` findings of a stretch, with source lines when
    /// `snippets` is set and fingerprints when `fingerprints` is.
    pub fn new(
        stretch: Stretch<'a>,
        encoding: Encoding,
        limit: usize,
        snippets: bool,
        fingerprints: bool,
    ) -> Self {
        let from = stretch.from;
        StretchLocator {
            stretch,
            encoding,
            snippets,
            fingerprints,
            budget: limit,
            columns: Columns::default(),
            gb18030: fast::Scanner::at_offset(from),
            utf8: Utf8Scanner::at_offset(from),
            kept: Vec::new(),
            kept_from: from,
            scanned: from,
            last: 0,
        }
    }

    /// The offset just past the parts fed.
    fn end(&self) -> u64 {
        self.kept_from + self.kept.len() as u64
    }

    /// Takes the next part of the stretch and what the checker settled after it; gives the
    /// findings whose source lines are now complete, in byte order.
    pub fn feed(&mut self, part: &[u8], settled: &Settled) -> io::Result<Vec<Located>> {
        self.kept.extend_from_slice(part);
        if let Some(&last) = part.last() {
            self.last = last;
        }
        self.await_findings(&settled.findings);
        // Count units up to where findings are settled: every finding before that point is
        // awaited by now, so none can be passed by.
        self.scan_to(settled.before.min(self.end()));
        let mut located = Vec::new();
        while let Some(placed) = self.columns.placed.front() {
            if placed.finding.span.start + shown_after(&placed.finding) > self.end() {
                break;
            }
            let placed = self.columns.placed.pop_front().expect("checked just above");
            located.push(self.locate(&placed)?);
        }
        self.forget();
        Ok(located)
    }

    /// Ends the stretch with the findings the checker gave at its end; gives the rest of the
    /// findings and what the stretch carries on.
    pub fn finish(mut self, rest: &[Finding]) -> io::Result<(Vec<Located>, Carry)> {
        self.await_findings(rest);
        self.scan_to(self.end());
        // The stretch ends after a byte 00-2F or at the end of the file: nothing is pending
        // but at the end of the file.
        match self.encoding {
            Encoding::Gb18030 => self.gb18030.finish(&mut self.columns),
            Encoding::Utf8 => self.utf8.finish(&mut self.columns),
        }
        self.columns.place_up_to(u64::MAX);
        let carry = if self.last == b'\n' {
            Carry { newlines: 1, tail_units: 0 }
        } else {
            Carry { newlines: 0, tail_units: self.columns.units }
        };
        let placed = std::mem::take(&mut self.columns.placed);
        let located = placed.iter().map(|placed| self.locate(placed)).collect::<io::Result<_>>()?;
        Ok((located, carry))
    }

    fn await_findings(&mut self, findings: &[Finding]) {
        let taken = findings.len().min(self.budget);
        self.columns.awaited.extend(&findings[..taken]);
        self.budget -= taken;
    }

    fn scan_to(&mut self, to: u64) {
        if to <= self.scanned {
            return;
        }
        let bytes = &self.kept[(self.scanned - self.kept_from) as usize..(to - self.kept_from) as usize];
        match self.encoding {
            Encoding::Gb18030 => self.gb18030.feed(bytes, &mut self.columns),
            Encoding::Utf8 => self.utf8.feed(bytes, &mut self.columns),
        }
        self.scanned = to;
    }

    /// Drops the bytes no finding still to be located can show.
    fn forget(&mut self) {
        let from = self.stretch.from;
        let mut keep = self.columns.recent.front().copied().unwrap_or(self.scanned).min(self.scanned);
        if let Some(placed) = self.columns.placed.front() {
            keep = keep.min(self.window(placed));
        }
        if keep.saturating_sub(from) <= NEAR + 4 {
            keep = from;
        }
        let forget = (keep.saturating_sub(self.kept_from) as usize).min(self.kept.len());
        self.kept.drain(..forget);
        self.kept_from += forget as u64;
    }

    /// Where a finding's source line is shown from: near the stretch's start, from its start
    /// (and the context before it), as the line may be short; farther in, the line is long
    /// and shown as a window anyway.
    fn window(&self, placed: &Placed) -> u64 {
        if placed.finding.span.start - self.stretch.from <= NEAR {
            self.stretch.from
        } else {
            placed.window
        }
    }

    /// The fingerprint of a finding: from the bytes kept when they hold its context, else
    /// read (through the file's open handle) around it.
    fn fingerprint(&self, finding: &Finding) -> io::Result<String> {
        let span = finding.span;
        let from = span.start.saturating_sub(CONTEXT_BYTES as u64);
        let to = (span.end() + CONTEXT_BYTES as u64).min(self.stretch.size);
        if from >= self.kept_from && to <= self.end() {
            let kept = &self.kept[(from - self.kept_from) as usize..(to - self.kept_from) as usize];
            return Ok(fingerprint(finding.rule, kept, from, span.start, span.end()));
        }
        let read = (self.stretch.read)(from, (to - from) as usize)?;
        Ok(fingerprint(finding.rule, &read, from, span.start, span.end()))
    }

    fn locate(&self, placed: &Placed) -> io::Result<Located> {
        let finding = &placed.finding;
        let window = self.window(placed);
        let wanted = (finding.span.start - window) as usize + shown_after(finding) as usize;
        let (mut data, mut starts_line) = (Vec::new(), false);
        if window == self.stretch.from {
            data.extend_from_slice(&self.stretch.prefix);
            starts_line = self.stretch.prefix_starts_line;
        }
        let at = data.len() + (finding.span.start - window) as usize;
        // From the bytes kept, or (near the stretch's end, where the line goes on past it)
        // from the file.
        let read_len = if window >= self.kept_from && window + wanted as u64 <= self.end() {
            let from = (window - self.kept_from) as usize;
            data.extend_from_slice(&self.kept[from..from + wanted]);
            wanted
        } else {
            let read = (self.stretch.read)(window, wanted)?;
            data.extend_from_slice(&read);
            read.len()
        };
        let reaches_end = window + read_len as u64 == self.stretch.size;
        let span = finding.span.len as usize;
        let bytes = data[at..(at + span).min(data.len())].to_vec();
        Ok(Located {
            finding: *finding,
            line: 1,
            column: placed.column,
            message: super::advice::message(finding, &bytes),
            snippet: self.snippets.then(|| {
                let from = memchr::memrchr(b'\n', &data[..at]).map_or(0, |lf| lf + 1);
                let cut_before = from == 0 && !starts_line;
                render_at(&data, at, span, self.encoding, from, cut_before, reaches_end)
            }),
            fingerprint: if self.fingerprints { Some(self.fingerprint(finding)?) } else { None },
            fix: gbcheck::fix::fix_of(finding, &bytes, self.encoding),
            bytes,
        })
    }
}

/// How many bytes from a finding's start its shown source line may reach.
fn shown_after(finding: &Finding) -> u64 {
    u64::from(finding.span.len) + 4 * MAX_LINE_WIDTH as u64 + LOOKAHEAD as u64
}
