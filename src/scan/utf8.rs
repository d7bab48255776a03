//! UTF-8 input: the `simdutf8` crate's vector validator gives the spans (its `compat` errors
//! are std's `Utf8Error`: `valid_up_to`, `error_len`), so invalid UTF-8 is reported exactly
//! where Rust itself would reject it, at the speed of a vector loop. Streaming, like the GB
//! 18030 scanners: a sequence cut by the end of a chunk is kept (at most three bytes) for the
//! next one. The tests hold this scanner to std's validator, `from_utf8_lossy` and encoding_rs
//! (`tests/library/properties.rs` (c), `tests/library/differential.rs`).

use super::grammar::is_reported_control_byte;
use super::simd::ascii_run_end;
use super::Visitor;
use crate::finding::{Cause, Finding, Rule};

/// The streaming UTF-8 scanner. Feed it chunks, then call [`Utf8Scanner::finish`].
#[derive(Clone, Debug, Default)]
pub struct Utf8Scanner {
    pending: [u8; 3],
    pending_len: usize,
    /// Offset of the next byte fed.
    offset: u64,
}

impl Utf8Scanner {
    /// A scanner at offset 0.
    pub fn new() -> Utf8Scanner {
        Utf8Scanner::default()
    }

    /// A scanner whose first byte is at `offset` in the input.
    pub fn at_offset(offset: u64) -> Utf8Scanner {
        Utf8Scanner { offset, ..Utf8Scanner::default() }
    }

    /// Scans the next chunk of the input.
    pub fn feed<V: Visitor>(&mut self, chunk: &[u8], visitor: &mut V) {
        let mut used = 0;
        if self.pending_len > 0 {
            // Finish the cut sequence: it needs at most three more bytes.
            let held = self.pending_len;
            let take = (4 - held).min(chunk.len());
            let mut window = [0u8; 7];
            window[..held].copy_from_slice(&self.pending[..held]);
            window[held..held + take].copy_from_slice(&chunk[..take]);
            let start = self.offset - held as u64;
            match first_item(&window[..held + take]) {
                Item::Incomplete => {
                    self.pending[held..held + take].copy_from_slice(&chunk[..take]);
                    self.pending_len = held + take;
                    self.offset += chunk.len() as u64;
                    return;
                }
                Item::Char(c) => {
                    if V::WANTS_CHARS {
                        visitor.char(start, c.len_utf8() as u8, c);
                    }
                    used = c.len_utf8() - held;
                }
                Item::Invalid(len) => {
                    visitor.finding(Finding::bytes(
                        Rule::InvalidSequence,
                        start,
                        len as u32,
                        Cause::InvalidUtf8,
                    ));
                    used = len.saturating_sub(held);
                }
            }
            self.pending_len = 0;
        }
        let base = self.offset;
        self.offset += chunk.len() as u64;
        if let Some(tail) = scan(&chunk[used..], base + used as u64, false, visitor) {
            let tail = &chunk[chunk.len() - tail..];
            self.pending[..tail.len()].copy_from_slice(tail);
            self.pending_len = tail.len();
        }
    }

    /// Ends the input: a cut sequence is truncated (GB002).
    pub fn finish<V: Visitor>(&mut self, visitor: &mut V) {
        if self.pending_len > 0 {
            let start = self.offset - self.pending_len as u64;
            visitor.finding(Finding::bytes(
                Rule::TruncatedSequence,
                start,
                self.pending_len as u32,
                Cause::Truncated,
            ));
            self.pending_len = 0;
        }
    }
}

enum Item {
    Char(char),
    Invalid(usize),
    Incomplete,
}

/// The first character or invalid span of `bytes`.
fn first_item(bytes: &[u8]) -> Item {
    let error = match std::str::from_utf8(bytes) {
        Ok(text) => return text.chars().next().map_or(Item::Incomplete, Item::Char),
        Err(e) => e,
    };
    if error.valid_up_to() > 0 {
        let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
        return valid.chars().next().map_or(Item::Incomplete, Item::Char);
    }
    match error.error_len() {
        Some(len) => Item::Invalid(len),
        None => Item::Incomplete,
    }
}

/// Scans `bytes` (at offset `base`). With `at_end`, a cut sequence at the end is GB002;
/// without, its length is returned for the caller to keep.
fn scan<V: Visitor>(bytes: &[u8], base: u64, at_end: bool, visitor: &mut V) -> Option<usize> {
    let mut i = 0;
    loop {
        let rest = &bytes[i..];
        let (valid, error) = match simdutf8::compat::from_utf8(rest) {
            Ok(_) => (rest.len(), None),
            Err(e) => (e.valid_up_to(), Some(e)),
        };
        if V::WANTS_CHARS {
            emit_valid(&rest[..valid], base + i as u64, visitor);
        }
        let error = error?;
        let start = i + error.valid_up_to();
        match error.error_len() {
            Some(len) => {
                visitor.finding(Finding::bytes(
                    Rule::InvalidSequence,
                    base + start as u64,
                    len as u32,
                    Cause::InvalidUtf8,
                ));
                i = start + len;
            }
            None if at_end => {
                let len = (bytes.len() - start) as u32;
                visitor.finding(Finding::bytes(
                    Rule::TruncatedSequence,
                    base + start as u64,
                    len,
                    Cause::Truncated,
                ));
                return None;
            }
            None => return Some(bytes.len() - start),
        }
    }
}

/// Reports valid UTF-8 (`bytes` has passed the validator): ASCII in runs (stopped at control
/// bytes when the visitor asks for it), other characters one by one.
fn emit_valid<V: Visitor>(bytes: &[u8], base: u64, visitor: &mut V) {
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            if V::STOP_AT_CONTROLS && is_reported_control_byte(lead) {
                visitor.char(base + i as u64, 1, char::from(lead));
                i += 1;
                continue;
            }
            let end = ascii_run_end(bytes, i, V::STOP_AT_CONTROLS);
            visitor.ascii(base + i as u64, &bytes[i..end]);
            i = end;
            continue;
        }
        if let (0xE0..=0xEF, Some(shown)) = (lead, visitor.shown_scalars()) {
            // A run of three-byte characters (most Chinese text): pass over those not shown.
            let passed = pass_three_byte(&bytes[i..], shown);
            if passed > 0 {
                i += passed;
                continue;
            }
        }
        let (c, len) = decode_valid(&bytes[i..]);
        visitor.char(base + i as u64, len as u8, c);
        i += len;
    }
}

/// How many bytes of three-byte characters at the start of `bytes` (valid UTF-8) have their
/// bit clear in `shown`.
#[inline(always)]
fn pass_three_byte(bytes: &[u8], shown: &[u64; 1024]) -> usize {
    let mut passed = 0;
    for char in bytes.chunks_exact(3) {
        let (lead, b1, b2) = (usize::from(char[0]), usize::from(char[1]), usize::from(char[2]));
        if lead & 0xF0 != 0xE0 {
            break;
        }
        let scalar = (lead & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F);
        if shown[scalar >> 6] >> (scalar & 63) & 1 != 0 {
            break;
        }
        passed += 3;
    }
    passed
}

/// The character that starts `bytes`, valid UTF-8 beginning with a non-ASCII lead, and its
/// length. Only the lead's length and the payload bits are read: validity was checked.
#[inline(always)]
fn decode_valid(bytes: &[u8]) -> (char, usize) {
    let low = |b: u8| u32::from(b & 0x3F);
    let (scalar, len) = match *bytes {
        [lead @ ..=0xDF, b1, ..] => (u32::from(lead & 0x1F) << 6 | low(b1), 2),
        [lead @ ..=0xEF, b1, b2, ..] => (u32::from(lead & 0x0F) << 12 | low(b1) << 6 | low(b2), 3),
        [lead, b1, b2, b3, ..] => (u32::from(lead & 0x07) << 18 | low(b1) << 12 | low(b2) << 6 | low(b3), 4),
        // Not reached on valid UTF-8; the replacement character keeps the scan going.
        _ => (0xFFFD, bytes.len().max(1)),
    };
    (char::from_u32(scalar).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Scans a whole UTF-8 input: GB001 for each invalid span, GB002 for a sequence cut by the end.
pub fn scan_utf8<V: Visitor>(bytes: &[u8], visitor: &mut V) {
    scan(bytes, 0, true, visitor);
}
