//! The hot path: bytes in, byte-level findings (GB001-GB003) and decoded scalars out.
//!
//! Two GB 18030 scanners give one answer: `reference::Reference`, a plain state machine
//! written to be obviously right, and `fast::Scanner`, the one the checker runs (both
//! internal). The tests run every case through both. Both are streaming: feed chunks of any
//! size, then finish. [`scan_gb18030`] scans a whole input with the fast one; [`utf8`] does
//! the same for UTF-8 input, with std's validator.
//!
//! ```
//! use gbcheck::finding::Rule;
//! use gbcheck::scan::{scan_gb18030, Event, Events};
//!
//! // "中" (D6 D0), then a lead byte with no trail.
//! let mut events = Events::default();
//! scan_gb18030(b"\xD6\xD0\x81", &mut events);
//! assert_eq!(events.0[0], Event::Char { start: 0, len: 2, c: '中' });
//! assert!(matches!(events.0[1], Event::Finding(f) if f.rule == Rule::TruncatedSequence));
//! ```
//!
//! Error recovery follows the WHATWG decoder, as encoding_rs implements it (`docs/gb18030.md`,
//! "Malformed input"): after a lead, an ASCII byte that cannot continue the sequence is read
//! again, a non-ASCII one is swallowed with the lead; a bad third or fourth byte makes only the
//! lead malformed. Unlike encoding_rs, a lone `80` is malformed (GB001).

mod block;
// The scanners themselves are the library's internals: a library user scans through
// [`scan_gb18030`], [`utf8::scan_utf8`] or `check`. They stay reachable, hidden from the
// documentation and outside any compatibility promise, for the binary and for the tests and
// fuzz targets that hold the fast scanner to its slow twin.
#[doc(hidden)]
pub mod fast;
pub(crate) mod grammar;
#[doc(hidden)]
pub mod reference;
pub(crate) mod simd;
pub(crate) mod tables;
pub mod utf8;

use crate::finding::Finding;
#[doc(hidden)]
pub use simd::{vector_path, FourByteRows, PlainRows};

/// Receives what a scanner finds, in input order.
pub trait Visitor {
    /// Whether [`Visitor::char`] is wanted. When `false` the scanner may skip runs of valid
    /// text without decoding them, which is much faster.
    const WANTS_CHARS: bool = false;

    /// Whether ASCII runs must stop at the control bytes GB012 reports, which then come one by
    /// one through [`Visitor::char`] (only with [`Visitor::WANTS_CHARS`]).
    const STOP_AT_CONTROLS: bool = false;

    /// A byte-level finding.
    fn finding(&mut self, finding: Finding);

    /// A valid character: its first byte's offset, its length in bytes and its scalar value.
    /// Called only when [`Visitor::WANTS_CHARS`] is `true`.
    fn char(&mut self, start: u64, len: u8, c: char) {
        let _ = (start, len, c);
    }

    /// The two-byte codes the scanner may pass over without telling the visitor anything, as a
    /// table indexed by `first << 8 | second` (`true`: a valid code to skip), or `None` when the
    /// visitor must see every code right now. The scanner's tightest loop looks up every code
    /// in it. By default, a visitor that wants characters sees every code, and one that does
    /// not skips every valid one ([`VALID_TWO_BYTE`]).
    ///
    /// While it gives a table, the scanner may also pass over runs of ASCII (without the
    /// control bytes, with [`Visitor::STOP_AT_CONTROLS`]) and the four-byte codes that
    /// [`Visitor::skips_four_byte`] allows, without calling [`Visitor::ascii`] or
    /// [`Visitor::char`]. The scanner may read ahead with the answers: whenever the visitor
    /// gives a table, it must be the same table, with the same answers from
    /// [`Visitor::skips_four_byte`], whatever it has seen in between.
    #[inline(always)]
    fn skip_table(&self) -> Option<&[bool; 0x1_0000]> {
        if Self::WANTS_CHARS {
            None
        } else {
            Some(&VALID_TWO_BYTE)
        }
    }

    /// The rows of [`Visitor::skip_table`] that are skipped whole, if the visitor has them: a
    /// vector test on the lead then spares most lookups in the table.
    #[inline(always)]
    fn plain_rows(&self) -> Option<&PlainRows> {
        None
    }

    /// The leads whose four-byte codes are all assigned and all passed over
    /// ([`Visitor::skips_four_byte`] says so for each), whenever [`Visitor::skip_table`] gives
    /// a table: a vector test on the lead then spares the question for each code. Asked only
    /// of a visitor that wants characters; by default none.
    #[inline(always)]
    fn four_byte_rows(&self) -> &FourByteRows {
        &FourByteRows::NONE
    }

    /// The BMP scalars the UTF-8 scanner must show the visitor right now, one bit each
    /// (`scalar / 64`, bit `scalar % 64`): it may pass over a three-byte character whose bit
    /// is clear without calling [`Visitor::char`]. `None` (the default): every character is
    /// shown. Like [`Visitor::skip_table`], the answer may change only through what the
    /// scanner shows the visitor.
    #[inline(always)]
    fn shown_scalars(&self) -> Option<&[u64; 1024]> {
        None
    }

    /// Whether the scanner may pass over the assigned four-byte code `code` (its bytes as a
    /// big-endian number) without telling
    /// the visitor, while [`Visitor::skip_table`] gives a table. Asked only of a visitor that
    /// wants characters (one that does not skips every valid code); by default it sees them.
    #[inline(always)]
    fn skips_four_byte(&self, code: u32) -> bool {
        let _ = code;
        false
    }

    /// A run of ASCII characters starting at `start`. Called instead of [`Visitor::char`] for
    /// ASCII when [`Visitor::WANTS_CHARS`] is `true`; by default it calls `char` for each byte.
    fn ascii(&mut self, start: u64, run: &[u8]) {
        for (i, &b) in run.iter().enumerate() {
            self.char(start + i as u64, 1, char::from(b));
        }
    }
}

/// For each pair of bytes `first << 8 | second`: whether it is a valid two-byte code.
pub static VALID_TWO_BYTE: [bool; 0x1_0000] = {
    let mut table = [false; 0x1_0000];
    let mut i = 0;
    while i < 0x1_0000 {
        table[i] = grammar::is_lead((i >> 8) as u8) && grammar::is_two_byte_trail(i as u8);
        i += 1;
    }
    table
};

impl Visitor for Vec<Finding> {
    fn finding(&mut self, finding: Finding) {
        self.push(finding);
    }
}

/// One event of a scan, for visitors that want everything in one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A valid character.
    Char {
        /// Offset of its first byte.
        start: u64,
        /// Its length in bytes.
        len: u8,
        /// The scalar value.
        c: char,
    },
    /// A byte-level finding.
    Finding(Finding),
}

/// Collects every event: the visitor the tests compare scanners with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Events(pub Vec<Event>);

impl Visitor for Events {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.0.push(Event::Finding(finding));
    }

    fn char(&mut self, start: u64, len: u8, c: char) {
        self.0.push(Event::Char { start, len, c });
    }
}

/// Scans a whole GB 18030 input with the fast scanner.
pub fn scan_gb18030<V: Visitor>(bytes: &[u8], visitor: &mut V) {
    let mut scanner = fast::Scanner::new();
    scanner.feed(bytes, visitor);
    scanner.finish(visitor);
}
