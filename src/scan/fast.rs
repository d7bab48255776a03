//! The fast GB 18030 scanner: the one the checker runs.
//!
//! Runs of ASCII are skipped 16, 32 or 64 bytes at a time (`simd`), and only at a sequence
//! boundary, never on a byte that is pending a trail. Two-byte codes, the bulk of Chinese text, take one table
//! lookup each. Everything else goes through `step_at`, which decodes one sequence. A
//! sequence cut by the end of a chunk is kept (at most three bytes) and finished with the next
//! chunk. The tests hold it to [`super::reference::Reference`] on every input they try.

use super::block::Block;
use super::grammar::{
    four_byte_pointer, is_assigned_four_byte, is_digit, is_lead, is_reported_control_byte, is_two_byte_trail,
    two_byte_pointer, TRAIL_INDEX,
};
use super::simd::{ascii_run_end, pass_blocks, FourByteRows};
use super::Visitor;
use crate::finding::{Cause, Finding, Rule};
use crate::mapping::{decode_four_byte, decode_two_byte};

/// The streaming fast scanner. Feed it chunks, then call [`Scanner::finish`].
#[derive(Clone, Debug, Default)]
pub struct Scanner {
    /// The bytes of a sequence that the end of the last chunk cut.
    pending: [u8; 3],
    pending_len: usize,
    /// Offset of `pending[0]`.
    pending_start: u64,
    /// Offset of the next byte fed.
    offset: u64,
}

/// What one sequence turned out to be.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// A valid code of `len` bytes.
    Code { len: u8, code: Code },
    /// A finding over the first `len` bytes; the bytes after them are read again.
    Bad { rule: Rule, len: u8, cause: Cause },
    /// The bytes end before the sequence does, and more may come.
    Incomplete,
}

/// A valid code, not yet decoded.
#[derive(Clone, Copy, Debug)]
enum Code {
    Ascii(u8),
    TwoByte(usize),
    FourByte(u32),
}

impl Code {
    #[inline]
    fn decode(self) -> char {
        match self {
            Code::Ascii(b) => char::from(b),
            Code::TwoByte(pointer) => decode_two_byte(pointer),
            // `step_at` yields only assigned pointers, which always decode.
            Code::FourByte(pointer) => decode_four_byte(pointer).unwrap_or(char::REPLACEMENT_CHARACTER),
        }
    }
}

/// The end of input inside a sequence of `len` bytes: truncated if nothing more comes.
#[inline]
fn cut(len: u8, at_end: bool) -> Step {
    if at_end {
        Step::Bad { rule: Rule::TruncatedSequence, len, cause: Cause::Truncated }
    } else {
        Step::Incomplete
    }
}

/// Decodes the sequence that starts at `bytes[0]`. `at_end` says that no byte follows `bytes`.
#[inline]
fn step_at(bytes: &[u8], at_end: bool) -> Step {
    let b1 = bytes[0];
    if b1 < 0x80 {
        return Step::Code { len: 1, code: Code::Ascii(b1) };
    }
    if !is_lead(b1) {
        return Step::Bad { rule: Rule::InvalidSequence, len: 1, cause: Cause::BadLead(b1) };
    }
    let Some(&b2) = bytes.get(1) else { return cut(1, at_end) };
    if is_two_byte_trail(b2) {
        return Step::Code { len: 2, code: Code::TwoByte(two_byte_pointer(b1, b2)) };
    }
    if !is_digit(b2) {
        // An ASCII byte is read again; any other is swallowed with the lead.
        let len = if b2 < 0x80 { 1 } else { 2 };
        return Step::Bad { rule: Rule::InvalidSequence, len, cause: Cause::BadSecond(b2) };
    }
    let Some(&b3) = bytes.get(2) else { return cut(2, at_end) };
    if !is_lead(b3) {
        return Step::Bad { rule: Rule::InvalidSequence, len: 1, cause: Cause::BadThird(b3) };
    }
    let Some(&b4) = bytes.get(3) else { return cut(3, at_end) };
    if !is_digit(b4) {
        return Step::Bad { rule: Rule::InvalidSequence, len: 1, cause: Cause::BadFourth(b4) };
    }
    let pointer = four_byte_pointer(b1, b2, b3, b4);
    if is_assigned_four_byte(pointer) {
        Step::Code { len: 4, code: Code::FourByte(pointer) }
    } else {
        Step::Bad { rule: Rule::UnassignedCode, len: 4, cause: Cause::Reserved { pointer } }
    }
}

/// Passes over the 64-byte blocks, from `i` on, that hold nothing the visitor must see: ASCII,
/// two-byte codes that its skip table lets pass and four-byte codes that it lets pass. A code
/// it must see is given to it there and then, with the codes after it for as long as it must
/// see every code (a character that may start a run of mojibake, and the next one); once it
/// lets text pass again, the block goes on from there. Returns where the scalar loop must go
/// on, a sequence boundary. `base` is the offset of `chunk` in the input.
#[inline]
fn skip_blocks<V: Visitor>(chunk: &[u8], i: usize, base: u64, visitor: &mut V) -> usize {
    let controls = V::WANTS_CHARS && V::STOP_AT_CONTROLS;
    let rows = if V::WANTS_CHARS { visitor.plain_rows().copied() } else { None };
    let four = if V::WANTS_CHARS { *visitor.four_byte_rows() } else { FourByteRows::ASSIGNED };
    pass_blocks(
        chunk,
        i,
        controls,
        rows.as_ref(),
        #[inline(always)]
        |at, bytes, classes, four_byte_pass| {
            // Without characters, every valid code is skipped.
            let block = Block::new(bytes, classes, &four, four_byte_pass, |code| {
                !V::WANTS_CHARS || visitor.skips_four_byte(code)
            });
            let stop = block.stop as usize;
            let go_on = block.next_block_goes_on();
            if !V::WANTS_CHARS {
                return (stop, go_on);
            }
            let lookups = block.two_byte & !classes.passed_codes();
            let Some(skip) = visitor.skip_table() else { return (0, false) };
            if first_to_see(bytes, lookups, block.four_byte_seen, skip) >= stop {
                return (stop, go_on);
            }
            offer_and_pass(&block, classes.high, bytes, lookups, base + at as u64, visitor)
        },
    )
}

/// The first code of a block that the visitor must see: a four-byte one in `seen`, or a
/// two-byte one in `lookups` that `skip` does not let pass; 64 if none.
#[inline(always)]
fn first_to_see(bytes: &[u8; 64], mut lookups: u64, seen: u64, skip: &[bool; 0x1_0000]) -> usize {
    let first_seen = seen.trailing_zeros() as usize;
    // Only the codes before the first four-byte one to see.
    lookups &= seen.wrapping_sub(1) & !seen;
    while lookups != 0 {
        let k = lookups.trailing_zeros() as usize;
        if !skip[usize::from(u16::from_be_bytes([bytes[k], bytes[k + 1]]))] {
            return k;
        }
        lookups &= lookups - 1;
    }
    first_seen
}

/// The rest of a block that holds a code the visitor must see (see [`skip_blocks`]): gives it
/// the codes it must see, passes over the others, and returns what `pass_blocks` expects.
/// Kept out of line, so that the loop over blocks with nothing to see stays small.
#[inline(never)]
fn offer_and_pass<V: Visitor>(
    block: &Block,
    high: u64,
    bytes: &[u8; 64],
    lookups: u64,
    at: u64,
    visitor: &mut V,
) -> (usize, bool) {
    let stop = block.stop as usize;
    let mut from = 0;
    loop {
        let Some(skip) = visitor.skip_table() else { return (from, false) };
        let rest = u64::MAX.checked_shl(from as u32).unwrap_or(0);
        let first = first_to_see(bytes, lookups & rest, block.four_byte_seen & rest, skip);
        if first >= stop {
            return (stop, block.next_block_goes_on());
        }
        from = offer_codes(block, high, bytes, first, at, visitor);
        if from == stop && visitor.skip_table().is_none() {
            // Still seeing every code: the scalar loop goes on.
            return (from, false);
        }
    }
}

/// Gives the visitor the code at `k` of a block (a valid code before its stop), then every code
/// and run of ASCII after it while the visitor must see every code, up to the block's stop.
/// Returns the boundary where that ended. `at` is the block's offset in the input.
#[inline]
fn offer_codes<V: Visitor>(
    block: &Block,
    high: u64,
    bytes: &[u8; 64],
    mut k: usize,
    at: u64,
    visitor: &mut V,
) -> usize {
    let stop = block.stop as usize;
    loop {
        let bit = 1u64 << k;
        if block.two_byte & bit != 0 {
            let c = decode_two_byte(two_byte_pointer(bytes[k], bytes[k + 1]));
            visitor.char(at + k as u64, 2, c);
            k += 2;
        } else if (block.four_byte | block.four_byte_seen) & bit != 0 {
            let pointer = four_byte_pointer(bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]);
            visitor.char(at + k as u64, 4, decode_four_byte(pointer).unwrap_or(char::REPLACEMENT_CHARACTER));
            k += 4;
        } else {
            // ASCII up to the next lead (control bytes, when they are to be reported, stop
            // the block).
            let end = ((high >> k) << k).trailing_zeros().min(stop as u32) as usize;
            visitor.ascii(at + k as u64, &bytes[k..end]);
            k = end;
        }
        if k >= stop || visitor.skip_table().is_some() {
            return k;
        }
    }
}

/// Reports a resolved step at `start` and returns how many bytes it consumed.
#[inline]
fn emit<V: Visitor>(step: Step, start: u64, visitor: &mut V) -> usize {
    match step {
        Step::Code { len, code } => {
            if V::WANTS_CHARS {
                visitor.char(start, len, code.decode());
            }
            usize::from(len)
        }
        Step::Bad { rule, len, cause } => {
            visitor.finding(Finding::bytes(rule, start, u32::from(len), cause));
            usize::from(len)
        }
        Step::Incomplete => 0,
    }
}

impl Scanner {
    /// A scanner at offset 0.
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// A scanner whose first byte is at `offset` in the input (for chunks checked apart).
    pub fn at_offset(offset: u64) -> Scanner {
        Scanner { offset, ..Scanner::default() }
    }

    /// Scans the next chunk of the input.
    pub fn feed<V: Visitor>(&mut self, chunk: &[u8], visitor: &mut V) {
        self.run(chunk, false, visitor);
    }

    /// Ends the input: a pending sequence is truncated (GB002).
    pub fn finish<V: Visitor>(&mut self, visitor: &mut V) {
        self.run(&[], true, visitor);
    }

    fn run<V: Visitor>(&mut self, chunk: &[u8], last: bool, visitor: &mut V) {
        let used = self.resolve_pending(chunk, last, visitor);
        if self.pending_len == 0 {
            self.scan_from(chunk, used, last, visitor);
        }
        self.offset += chunk.len() as u64;
    }

    /// Finishes the sequence cut at the end of the previous chunk with the first bytes of this
    /// one. Returns how many bytes of `chunk` that took.
    fn resolve_pending<V: Visitor>(&mut self, chunk: &[u8], last: bool, visitor: &mut V) -> usize {
        let mut used = 0;
        while self.pending_len > 0 {
            let held = self.pending_len;
            let take = (4 - held).min(chunk.len() - used);
            let mut window = [0u8; 4];
            window[..held].copy_from_slice(&self.pending[..held]);
            window[held..held + take].copy_from_slice(&chunk[used..used + take]);
            let at_end = last && used + take == chunk.len();
            match step_at(&window[..held + take], at_end) {
                Step::Incomplete => {
                    // Four bytes always resolve, so this holds at most three, and the whole
                    // rest of the chunk.
                    self.pending[..held + take].copy_from_slice(&window[..held + take]);
                    self.pending_len = held + take;
                    return used + take;
                }
                step => {
                    let len = emit(step, self.pending_start, visitor);
                    if len >= held {
                        used += len - held;
                        self.pending_len = 0;
                    } else {
                        // Bytes after the span are read again.
                        self.pending.copy_within(len..held, 0);
                        self.pending_len = held - len;
                        self.pending_start += len as u64;
                    }
                }
            }
        }
        used
    }

    /// The fast loop over `chunk[i..]`.
    fn scan_from<V: Visitor>(&mut self, chunk: &[u8], mut i: usize, last: bool, visitor: &mut V) {
        let base = self.offset;
        let n = chunk.len();
        let stop_at_controls = V::WANTS_CHARS && V::STOP_AT_CONTROLS;
        while i < n {
            // The tightest loop: one table lookup per two-byte code that the visitor does not
            // need to see.
            if visitor.skip_table().is_some() {
                i = skip_blocks(chunk, i, base, visitor);
            }
            if let Some(skip) = visitor.skip_table() {
                // Two codes a step (one load, fewer branches) while both are skipped; the last
                // code of the chunk alone.
                let skips = |a: u8, b: u8| skip[usize::from(u16::from_be_bytes([a, b]))];
                while let Some(&[a, b, c, d]) = chunk.get(i..i + 4).and_then(|s| <&[u8; 4]>::try_from(s).ok())
                {
                    match (skips(a, b), skips(c, d)) {
                        (true, true) => i += 4,
                        (true, false) => {
                            i += 2;
                            break;
                        }
                        (false, _) => break,
                    }
                }
                if i + 4 > n && i + 1 < n && skips(chunk[i], chunk[i + 1]) {
                    i += 2;
                }
            }
            if i >= n {
                break;
            }
            let b1 = chunk[i];
            if b1 < 0x80 {
                if stop_at_controls && is_reported_control_byte(b1) {
                    visitor.char(base + i as u64, 1, char::from(b1));
                    i += 1;
                    continue;
                }
                let end = ascii_run_end(chunk, i, stop_at_controls);
                if V::WANTS_CHARS {
                    visitor.ascii(base + i as u64, &chunk[i..end]);
                }
                i = end;
                continue;
            }
            // Two-byte codes, the bulk of Chinese text, in a tight loop: a lead is 81-FE, and
            // one table lookup checks the trail and gives its part of the pointer.
            while i + 1 < n {
                let lead_index = chunk[i].wrapping_sub(0x81);
                let trail_index = TRAIL_INDEX[usize::from(chunk[i + 1])];
                if lead_index > 0xFE - 0x81 {
                    break;
                }
                if trail_index == 0xFF {
                    // A valid, assigned four-byte code is the other common case (CJK Ext A and
                    // B, emoji); anything else goes to `step_at`.
                    let Some(&[_, b2, b3, b4]) =
                        chunk.get(i..i + 4).and_then(|s| <&[u8; 4]>::try_from(s).ok())
                    else {
                        break;
                    };
                    if !(is_digit(b2) && is_lead(b3) && is_digit(b4)) {
                        break;
                    }
                    let pointer = four_byte_pointer(chunk[i], b2, b3, b4);
                    if !is_assigned_four_byte(pointer) {
                        break;
                    }
                    if V::WANTS_CHARS {
                        let c = decode_four_byte(pointer).unwrap_or(char::REPLACEMENT_CHARACTER);
                        visitor.char(base + i as u64, 4, c);
                    }
                    i += 4;
                    continue;
                }
                if V::WANTS_CHARS {
                    let pointer = usize::from(lead_index) * 190 + usize::from(trail_index);
                    visitor.char(base + i as u64, 2, decode_two_byte(pointer));
                }
                i += 2;
                if i + 1 < n
                    && visitor
                        .skip_table()
                        .is_some_and(|skip| skip[usize::from(u16::from_be_bytes([chunk[i], chunk[i + 1]]))])
                {
                    break;
                }
            }
            if i >= n || chunk[i] < 0x80 {
                continue;
            }
            match step_at(&chunk[i..], last) {
                Step::Incomplete => {
                    let held = n - i;
                    self.pending[..held].copy_from_slice(&chunk[i..]);
                    self.pending_len = held;
                    self.pending_start = base + i as u64;
                    return;
                }
                step => i += emit(step, base + i as u64, visitor),
            }
        }
    }
}
