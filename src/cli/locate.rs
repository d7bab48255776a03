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

use gbcheck::check::Encoding;
use gbcheck::finding::Finding;
use gbcheck::lines::{count_units, Locator, LOOKAHEAD};
use gbcheck::report::FileReport;
use gbcheck::scan::{fast, utf8::Utf8Scanner, Visitor};

use crate::cli::output::snippet::{render, Line, Snippet};
use crate::cli::output::Located;

/// Lines longer than this many columns are cut around the finding.
pub const MAX_LINE_WIDTH: usize = 100;

/// Bytes of context kept before and after a chunk, for the source lines shown in human
/// output when a line crosses a cut.
pub const CONTEXT: usize = 1024;

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
/// chunk, which starts at line 1, column 1), with source lines when `snippets` is set.
pub fn locate(window: &Window, report: &FileReport, limit: usize, snippets: bool) -> Vec<Located> {
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
                message: finding.message(&bytes),
                snippet: snippets.then(|| snippet(window, at, finding, report.encoding, &mut recent)),
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

/// What a chunk passes on: its LFs, and the characters after its last one.
pub fn carry(window: &Window, encoding: Encoding) -> Carry {
    let chunk = window.chunk();
    let newlines = memchr::memchr_iter(b'\n', chunk).count() as u64;
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

/// Gives each target offset (in increasing order) its column: one more than the characters
/// and malformed spans before it; and keeps where the 40th unit before it starts, where a
/// source line shown around it may begin.
struct Columns<'a> {
    targets: &'a [u64],
    next: usize,
    units: u64,
    columns: Vec<u64>,
    windows: Vec<u64>,
    recent: VecDeque<u64>,
}

/// How far into a stretch a finding's source line is shown from the stretch's start.
const NEAR: usize = 4096;

/// Units of context kept before a finding in a stretch (the window shows at most a third of
/// [`MAX_LINE_WIDTH`] columns before it, and a unit is at least one column wide).
const UNITS_BEFORE: usize = 40;

impl Columns<'_> {
    fn unit(&mut self, start: u64) {
        while self.next < self.targets.len() && self.targets[self.next] <= start {
            self.columns.push(1 + self.units);
            self.windows.push(self.recent.front().copied().unwrap_or(start));
            self.next += 1;
        }
        self.units += 1;
        if self.recent.len() == UNITS_BEFORE {
            self.recent.pop_front();
        }
        self.recent.push_back(start);
    }
}

impl Visitor for Columns<'_> {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.unit(finding.span.start);
    }

    fn char(&mut self, start: u64, _: u8, _: char) {
        self.unit(start);
    }
}

/// A stretch of a big file with no byte `00-2F` inside (only, maybe, as its last byte): it is
/// one part of one line, checked as a stream and located by a second streaming read.
pub struct Stretch<'a> {
    /// Reads `len` bytes at an offset (fewer at the end of the file).
    pub read: &'a dyn Fn(u64, usize) -> io::Result<Vec<u8>>,
    /// The stretch is `from..to` in the file.
    pub from: u64,
    /// See `from`.
    pub to: u64,
    /// The file's length.
    pub size: u64,
    /// Context before the stretch, from a sequence boundary.
    pub prefix: &'a [u8],
    /// Whether `prefix` starts a line.
    pub prefix_starts_line: bool,
}

/// Locates a stretch's findings (line 1 and columns relative to the stretch, like a chunk)
/// and says what it carries on, reading it once more in blocks: memory stays bounded however
/// long the stretch is.
pub fn locate_stretch(
    stretch: &Stretch,
    report: &FileReport,
    limit: usize,
    snippets: bool,
) -> io::Result<(Vec<Located>, Carry)> {
    const BLOCK: usize = 1 << 20;
    let shown = &report.findings[..report.findings.len().min(limit)];
    let targets: Vec<u64> = shown.iter().map(|f| f.span.start).collect();
    let mut columns = Columns {
        targets: &targets,
        next: 0,
        units: 0,
        columns: Vec::new(),
        windows: Vec::new(),
        recent: VecDeque::new(),
    };
    let mut gb18030 = fast::Scanner::at_offset(stretch.from);
    let mut utf8 = Utf8Scanner::at_offset(stretch.from);
    let mut at = stretch.from;
    let mut last = 0u8;
    while at < stretch.to {
        let block = (stretch.read)(at, BLOCK.min((stretch.to - at) as usize))?;
        if block.is_empty() {
            return Err(io::Error::other("the file shrank while it was read"));
        }
        match report.encoding {
            Encoding::Gb18030 => gb18030.feed(&block, &mut columns),
            Encoding::Utf8 => utf8.feed(&block, &mut columns),
        }
        last = *block.last().unwrap_or(&0);
        at += block.len() as u64;
    }
    // The stretch ends after a byte 00-2F or at the end of the file: nothing is pending but
    // at the end of the file.
    match report.encoding {
        Encoding::Gb18030 => gb18030.finish(&mut columns),
        Encoding::Utf8 => utf8.finish(&mut columns),
    }
    while columns.next < targets.len() {
        columns.columns.push(1 + columns.units);
        columns.windows.push(columns.recent.front().copied().unwrap_or(stretch.from));
        columns.next += 1;
    }
    let carry = if last == b'\n' {
        Carry { newlines: 1, tail_units: 0 }
    } else {
        Carry { newlines: 0, tail_units: columns.units }
    };
    let mut located = Vec::with_capacity(shown.len());
    for (i, finding) in shown.iter().enumerate() {
        // Near the stretch's start, show from its start (and the context before it): the
        // line may be short. Farther in, the line is long and shown as a window anyway.
        let window =
            if finding.span.start - stretch.from <= NEAR as u64 { stretch.from } else { columns.windows[i] };
        let span = finding.span.len as usize;
        let after = span + 4 * MAX_LINE_WIDTH + LOOKAHEAD;
        let (mut data, mut at, mut starts_line) = (Vec::new(), 0, false);
        if window == stretch.from {
            data.extend_from_slice(stretch.prefix);
            starts_line = stretch.prefix_starts_line;
        }
        at += data.len() + (finding.span.start - window) as usize;
        let read = (stretch.read)(window, (finding.span.start - window) as usize + after)?;
        let reaches_end = window + read.len() as u64 == stretch.size;
        data.extend_from_slice(&read);
        let bytes = data[at..(at + span).min(data.len())].to_vec();
        located.push(Located {
            finding: *finding,
            line: 1,
            column: columns.columns[i],
            message: finding.message(&bytes),
            snippet: snippets.then(|| {
                let from = memchr::memrchr(b'\n', &data[..at]).map_or(0, |lf| lf + 1);
                let cut_before = from == 0 && !starts_line;
                render_at(&data, at, span, report.encoding, from, cut_before, reaches_end)
            }),
            bytes,
        });
    }
    Ok((located, carry))
}
