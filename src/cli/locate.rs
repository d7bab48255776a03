//! Turning a report into printable findings while the bytes are in memory.
//!
//! A small file is located whole. A big file is checked in chunks cut just after a byte
//! `00-2F` (after which a GB 18030 or UTF-8 decoder is always in its initial state), and each
//! chunk is located on its own: lines and columns relative to the chunk's start, plus the two
//! facts the next chunk needs to carry on ([`Carry`]): how many LFs the chunk holds and how
//! many characters follow its last LF. The caller adds them up in file order, so line and
//! column come out exactly as a whole-file scan gives them.

use gbcheck::check::Encoding;
use gbcheck::finding::Finding;
use gbcheck::lines::{count_units, Locator, LOOKAHEAD};
use gbcheck::report::FileReport;

use crate::cli::output::snippet::{render, Line};
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
                snippet: snippets.then(|| snippet(window, at, finding, report.encoding)),
                bytes,
            }
        })
        .collect()
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
) -> crate::cli::output::snippet::Snippet {
    let data = window.data;
    let from = memchr::memrchr(b'\n', &data[..at]).map_or(0, |lf| lf + 1);
    let to = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |lf| at + lf);
    let shown_to = (to + LOOKAHEAD).min(data.len());
    let line = Line {
        bytes: &data[from..shown_to],
        len: to - from,
        at_end: shown_to == data.len() && window.reaches_end,
        cut_before: from == 0 && !window.starts_line,
        cut_after: to == data.len() && !window.reaches_end,
    };
    render(&line, encoding, at - from, finding.span.len as usize, MAX_LINE_WIDTH)
}
