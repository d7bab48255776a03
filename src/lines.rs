//! Byte offsets to lines and columns, computed only when a finding is reported.
//!
//! Lines end at LF. Columns count characters from the start of the line, 1-based, and a
//! malformed span counts as one. LF never occurs inside a sequence in GB 18030 or UTF-8, and
//! after it a GB 18030 decoder is always in its initial state, so the text between two known
//! boundaries can be scanned on its own.
//!
//! ```
//! use gbcheck::check::{check_bytes, Encoding, EncodingChoice, Options};
//! use gbcheck::lines::Locator;
//!
//! // A lone 0x81 on line 2, after "中" (two bytes, one character).
//! let bytes = b"ok\n\xD6\xD0\x81\n";
//! let report = check_bytes(bytes, &Options { encoding: EncodingChoice::Gb18030, ..Options::default() });
//! let position = Locator::new(bytes, Encoding::Gb18030).locate(report.findings[0].span.start);
//! assert_eq!((position.line, position.column), (2, 2));
//! ```

use crate::encoding::Encoding;
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

/// Counts the characters and malformed spans that start before `limit`.
struct UnitCounter {
    limit: u64,
    units: u64,
}

impl Visitor for UnitCounter {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.units += u64::from(finding.span.start < self.limit);
    }

    fn char(&mut self, start: u64, _: u8, _: char) {
        self.units += u64::from(start < self.limit);
    }
}

/// The longest sequence, in bytes: how far past a place a decoder may look to settle it.
pub const LOOKAHEAD: usize = 4;

/// Counts the characters (and malformed spans) that start in `bytes[from..to]`, where `from`
/// is a sequence boundary.
///
/// The bytes after `to` are scanned too: whether `81 30` before `to` is a truncated sequence
/// or a malformed `81` followed by the character `0` depends on the byte that follows.
pub fn count_units(bytes: &[u8], from: usize, to: usize, encoding: Encoding) -> u64 {
    let end = (to + LOOKAHEAD).min(bytes.len());
    let window = &bytes[from..end];
    let mut counter = UnitCounter { limit: (to - from) as u64, units: 0 };
    match encoding {
        Encoding::Gb18030 => {
            let mut scanner = fast::Scanner::new();
            scanner.feed(window, &mut counter);
            if end == bytes.len() {
                scanner.finish(&mut counter);
            }
        }
        Encoding::Utf8 => scan_utf8(window, &mut counter),
    }
    counter.units
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
        self.column += count_units(self.bytes, from, offset, self.encoding);
        self.offset = offset;
        Position { line: self.line, column: self.column }
    }
}
