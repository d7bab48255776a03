//! Byte offsets to lines and columns, computed only when a finding is reported.
//!
//! Lines end at LF. Columns count characters from the start of the line, 1-based, and a
//! malformed span counts as one. LF never occurs inside a sequence in GB 18030 or UTF-8, and
//! after it a GB 18030 decoder is always in its initial state, so the text between two known
//! boundaries can be scanned on its own.

use crate::check::Encoding;
use crate::finding::Finding;
use crate::scan::{fast, utf8::scan_utf8, Visitor};

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 1-based line number.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
}

/// Counts characters and malformed spans.
#[derive(Default)]
struct UnitCounter(u64);

impl Visitor for UnitCounter {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, _: Finding) {
        self.0 += 1;
    }

    fn char(&mut self, _: u64, _: u8, _: char) {
        self.0 += 1;
    }
}

/// Counts the characters (and malformed spans) of `bytes`, which must start and end at
/// sequence boundaries.
pub fn count_units(bytes: &[u8], encoding: Encoding) -> u64 {
    let mut counter = UnitCounter::default();
    match encoding {
        Encoding::Gb18030 => {
            let mut scanner = fast::Scanner::new();
            scanner.feed(bytes, &mut counter);
            scanner.finish(&mut counter);
        }
        Encoding::Utf8 => scan_utf8(bytes, &mut counter),
    }
    counter.0
}

/// The start of the line holding `offset`.
pub fn line_start(bytes: &[u8], offset: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |lf| lf + 1)
}

/// The end of the line holding `offset`: the index of its LF, or the input's length.
pub fn line_end(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |lf| offset + lf)
}

/// Turns offsets into positions; fastest when asked in increasing order, as findings come.
pub struct Locator<'a> {
    bytes: &'a [u8],
    encoding: Encoding,
    /// The last offset located, its line, and its column.
    offset: usize,
    line: u64,
    column: u64,
}

impl<'a> Locator<'a> {
    /// A locator over a whole input.
    pub fn new(bytes: &'a [u8], encoding: Encoding) -> Locator<'a> {
        Locator { bytes, encoding, offset: 0, line: 1, column: 1 }
    }

    /// The position of `offset`, which must be a sequence boundary (the start of a finding).
    pub fn locate(&mut self, offset: u64) -> Position {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        if offset < self.offset {
            *self = Locator::new(self.bytes, self.encoding);
        }
        let between = &self.bytes[self.offset..offset];
        let newlines = memchr::memchr_iter(b'\n', between).count() as u64;
        let from = if newlines > 0 {
            self.line += newlines;
            self.column = 1;
            line_start(self.bytes, offset)
        } else {
            self.offset
        };
        self.column += count_units(&self.bytes[from..offset], self.encoding);
        self.offset = offset;
        Position { line: self.line, column: self.column }
    }
}
