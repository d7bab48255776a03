//! Sixty-four bytes at a time: where the codes start, and the first byte the scalar loop must
//! see.
//!
//! A block always starts at a sequence boundary, so a byte `80`-`FF` there is a lead. In a run
//! of such bytes the leads and trails alternate from the run's first byte; a run of odd length
//! ends in a lead whose trail (`40`-`7E`) or digit (a four-byte code) is the byte after it.
//! Bit arithmetic on the masks of [`ByteClasses`] finds all of this for 64 bytes at once, as
//! simdjson pairs backslashes: adding each run's first bit to the run carries through it, which
//! tells the runs that start on an even position from those that start on an odd one.
//!
//! Everything before [`Block::stop`] is valid text made of ASCII, two-byte codes with a trail
//! `40`-`7E` or `81`-`FE`, and assigned four-byte codes (those the caller lets pass, and those
//! it must see, apart). Everything else (a lone lead, a byte `80` or `FF` anywhere, a code cut by the block's end, and reported
//! control bytes if asked) stops the block, at a sequence boundary, for the scalar loop to
//! decode.

use super::simd::{ByteClasses, FourBytePass, FourByteRows};

/// Bits at even positions (bit 0 is even).
const EVEN: u64 = 0x5555_5555_5555_5555;

/// The codes of one block up to its first stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    /// The first bytes of two-byte codes (leads followed by a trail `40`-`7E` or `81`-`FE`),
    /// before `stop`.
    pub two_byte: u64,
    /// The first bytes of assigned four-byte codes (lead, digit, lead, digit) that the caller
    /// lets pass, before `stop`.
    pub four_byte: u64,
    /// The first bytes of the other assigned four-byte codes before `stop`: those the caller
    /// must see.
    pub four_byte_seen: u64,
    /// The first byte, `0..=64`, that the scalar loop must decode; 64 if none. Always a sequence
    /// boundary.
    pub stop: u32,
    /// Whether the stop is only a lead in the last three bytes whose code the block cuts: the
    /// next block, starting there, can take it.
    pub cut: bool,
}

impl Block {
    /// Whether the next block goes on from [`Block::stop`]: the block was passed whole, or it
    /// stops only at a code its end cuts.
    #[inline(always)]
    pub fn next_block_goes_on(&self) -> bool {
        self.stop == 64 || self.cut
    }

    /// Reads a block that starts at a sequence boundary, with its classes. `pass_four_byte`
    /// says whether an assigned four-byte code (as a big-endian number) may be passed over
    /// ([`Block::four_byte`]) or must be seen ([`Block::four_byte_seen`]); it is not asked
    /// about the codes whose lead is in `rows`, which pass (`four_byte_pass` finds them).
    #[inline(always)]
    pub fn new(
        bytes: &[u8; 64],
        classes: &ByteClasses,
        rows: &FourByteRows,
        four_byte_pass: FourBytePass,
        pass_four_byte: impl Fn(u32) -> bool,
    ) -> Block {
        let ByteClasses { high, bad, digit, ascii_trail, control, .. } = *classes;
        let starts = high & !(high << 1);
        let lasts = high & !(high >> 1);
        // Adding each even-starting run's first bit clears that run (the carry ends on the
        // byte after it, which is not high): what stays of `high` are the odd-starting runs.
        let odd_runs = high.wrapping_add(starts & EVEN) & high;
        // Even positions in the runs that start on one, odd positions in the others.
        let leads = high & (odd_runs ^ EVEN);
        let trails = high ^ leads;
        // A run that ends in a lead: the lead's trail or digit is outside the run.
        let open = lasts & leads;
        // The common block, worked out apart: two-byte codes only, each run of them closed
        // in the block or by an ASCII trail, nothing bad and no control byte.
        if bad | control | (open & !(ascii_trail >> 1)) == 0 {
            return Block { two_byte: leads, four_byte: 0, four_byte_seen: 0, stop: 64, cut: false };
        }
        let singles = starts & lasts & !bad;
        // Where the pattern lead, digit, lead, digit starts. The third byte of such a code
        // starts the pattern too when another code follows: in a chain of candidates two
        // bytes apart, only the first, third, fifth... start codes (the first candidate before
        // the first stop starts a code). An unassigned code is left out, so its lead stops the
        // block.
        let candidates = open & !bad & (digit >> 1) & (singles >> 2) & (digit >> 3);
        let (mut starts, mut four_byte) = (0, 0);
        if candidates != 0 {
            starts = chain_firsts(candidates & EVEN, 0x1111_1111_1111_1111)
                | chain_firsts(candidates & !EVEN, 0x2222_2222_2222_2222);
            // A code whose lead's row passes needs no look at its bytes. For one code alone
            // (U+00A0 in prose, usually) the vector test costs more than it saves.
            if starts & (starts - 1) != 0 {
                four_byte = four_byte_pass(bytes, rows, starts);
                starts &= !four_byte;
            }
        }
        let mut four_byte_seen = 0;
        while starts != 0 {
            let k = starts.trailing_zeros() as usize;
            if let Some(&code) = bytes.get(k..k + 4).and_then(|s| <&[u8; 4]>::try_from(s).ok()) {
                let number = u32::from_be_bytes(code);
                if rows.span_passes(number) {
                    four_byte |= 1 << k;
                } else if is_assigned_four_byte_code(number) {
                    if pass_four_byte(number) {
                        four_byte |= 1 << k;
                    } else {
                        four_byte_seen |= 1 << k;
                    }
                }
            }
            starts &= starts - 1;
        }
        let assigned = four_byte | four_byte_seen;
        // A run's last lead with an ASCII trail after it is a two-byte code too.
        let ascii_trailed = open & !bad & (ascii_trail >> 1);
        let stops = (bad & leads)
            | ((bad & trails) >> 1)
            | (open & !assigned & !(assigned << 2) & !ascii_trailed)
            | control;
        let stop = stops.trailing_zeros();
        let before = if stop == 64 { u64::MAX } else { (1u64 << stop) - 1 };
        // A lead near the end followed by what begins a four-byte code, or by nothing: the rest
        // may come in the next block (if it does not, that block stops at once).
        let lead_at_62 = (1 << 62) & (digit >> 1);
        let lead_at_61 = (1 << 61) & (digit >> 1) & ((high & !bad) >> 2);
        let cut = open & !bad & !assigned & !(assigned << 2) & ((1 << 63) | lead_at_62 | lead_at_61);
        Block {
            two_byte: ((leads & !open) | ascii_trailed) & before,
            four_byte: four_byte & before,
            four_byte_seen: four_byte_seen & before,
            stop,
            cut: stop < 64 && cut & (1 << stop) != 0,
        }
    }
}

/// The first, third, fifth... bits of each chain of bits two apart in `chains` (all on even
/// or all on odd positions; `first_class` has a bit every four positions, at the class of the
/// lowest of them). With the gaps filled, a chain is a run of bits, and adding a bit at a run's
/// start clears it, as for the leads: what is left are the chains starting in the other class.
#[inline(always)]
fn chain_firsts(chains: u64, first_class: u64) -> u64 {
    let other_class = first_class << 2;
    let filled = chains | chains << 1;
    let chain_starts = chains & !(chains << 2);
    let from_other = filled.wrapping_add(chain_starts & first_class) & filled;
    let from_first = filled & !from_other;
    chains & ((from_first & first_class) | (from_other & other_class))
}

/// Whether a four-byte code (lead, digit, lead, digit, as a big-endian number) is assigned.
/// Such codes sort as their pointers do, so the assigned ranges 81308130-8431A439 (the BMP) and
/// 90308130-E3329A35 (U+10000-U+10FFFF) are ranges of numbers too.
#[inline(always)]
fn is_assigned_four_byte_code(code: u32) -> bool {
    code <= 0x8431_A439 || (0x9030_8130..=0xE332_9A35).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::grammar::{
        four_byte_code, four_byte_pointer, is_assigned_four_byte, is_digit, is_lead,
        is_reported_control_byte, is_two_byte_trail,
    };
    use crate::scan::simd::{four_byte_pass_of_cpu, portable_four_byte_pass};

    /// The block's answer, worked out a sequence at a time with the grammar: the codes and the
    /// first byte that is not ASCII (other than a reported control byte), a two-byte code
    /// with a trail other than `80`, or an assigned four-byte code that `pass` lets pass and whose
    /// bytes all lie in the block.
    fn by_grammar(block: &[u8; 64], controls: bool, pass: fn(u32) -> bool) -> Block {
        let (mut two_byte, mut four_byte, mut four_byte_seen) = (0u64, 0u64, 0u64);
        let mut k = 0;
        while k < 64 {
            let b = block[k];
            let next = |d: usize| block.get(k + d).copied();
            if b < 0x80 && !(controls && is_reported_control_byte(b)) {
                k += 1;
            } else if is_lead(b) && next(1).is_some_and(|t| t != 0x80 && is_two_byte_trail(t)) {
                two_byte |= 1 << k;
                k += 2;
            } else if is_lead(b)
                && next(1).is_some_and(is_digit)
                && next(2).is_some_and(is_lead)
                && next(3).is_some_and(is_digit)
                && is_assigned_four_byte(four_byte_pointer(b, block[k + 1], block[k + 2], block[k + 3]))
            {
                if pass(u32::from_be_bytes([b, block[k + 1], block[k + 2], block[k + 3]])) {
                    four_byte |= 1 << k;
                } else {
                    four_byte_seen |= 1 << k;
                }
                k += 4;
            } else {
                break;
            }
        }
        // What follows a lead near the end begins a four-byte code.
        let cut = k < 64
            && k + 4 > 64
            && is_lead(block[k])
            && block[k + 1..].iter().enumerate().all(|(d, &b)| if d == 1 { is_lead(b) } else { is_digit(b) });
        Block { two_byte, four_byte, four_byte_seen, stop: k as u32, cut }
    }

    fn check(block: &[u8; 64]) {
        // Every four-byte code (every assigned lead in the map), those whose last byte is odd
        // (no lead), or those too and every code of the leads 90-D7 (those leads).
        let passes: [fn(u32) -> bool; 3] = [
            |_| true,
            |code| code % 2 == 1,
            |code| code % 2 == 1 || (0x9000_0000..0xD838_9734).contains(&code),
        ];
        let maps = [
            FourByteRows::ASSIGNED,
            FourByteRows::NONE,
            FourByteRows::from_leads(|lead| (0x90..=0xD7).contains(&lead)),
        ];
        for (controls, which) in [(false, 0), (true, 1), (true, 0), (false, 2)] {
            let (pass, four) = (passes[which], &maps[which]);
            let classes = super::super::simd::classify_64(block, controls, None);
            let expected = by_grammar(block, controls, pass);
            for four_byte_pass in [portable_four_byte_pass, four_byte_pass_of_cpu()] {
                assert_eq!(
                    Block::new(block, &classes, four, four_byte_pass, pass),
                    expected,
                    "{block:02X?} controls {controls}"
                );
            }
        }
    }

    /// Bytes that matter to the grammar: ASCII, controls, digits, every kind of lead and trail.
    const ALPHABET: [u8; 12] = [b'a', 0x01, b'\n', 0x30, 0x39, 0x40, 0x7F, 0x80, 0x81, 0xA1, 0xFE, 0xFF];

    /// The ranges of codes are the ranges of pointers: every pointer's code, and the codes
    /// around each end of the ranges.
    #[test]
    fn assigned_codes_are_assigned_pointers() {
        for pointer in 0..1_587_600 {
            let code = u32::from_be_bytes(four_byte_code(pointer));
            assert_eq!(is_assigned_four_byte_code(code), is_assigned_four_byte(pointer), "{code:08X}");
        }
    }

    /// The closed form takes the same starts as taking the lowest candidate and dropping the
    /// one two after it, on masks with no two bits one or three apart (as candidates are).
    #[test]
    fn chain_firsts_take_every_other_candidate() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut mask = state | state.rotate_left(17);
            mask &= !(mask << 1);
            mask &= !(mask << 3);
            let (mut rest, mut expected) = (mask, 0u64);
            while rest != 0 {
                let k = rest.trailing_zeros();
                expected |= 1 << k;
                rest &= !(0b101u64 << k);
            }
            let found = chain_firsts(mask & EVEN, 0x1111_1111_1111_1111)
                | chain_firsts(mask & !EVEN, 0x2222_2222_2222_2222);
            assert_eq!(found, expected, "{mask:064b}");
        }
    }

    /// Random blocks over the alphabet, and blocks of two-byte and four-byte codes with one
    /// byte changed at every position.
    #[test]
    fn blocks_agree_with_the_grammar() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const CODES: [&[u8]; 9] = [
            b"\xB0\xA1",
            b"\x81\x80",
            b"\x81\x30\x81\x30",
            b"a",
            b"\x95\x32\x82\x36",
            b"\x84\x31\xA5\x30",
            b"\xE3\x32\x9A\x36",
            b"\xD7\x39\xFE\x39",
            b"\xD8\x38\x97\x34",
        ];
        // Two-byte codes (one with an ASCII trail) and ASCII only, the common block.
        const COMMON: [&[u8]; 4] = [b"\xB0\xA1", b"\x81\x40", b"a", b"\xFE\xFE"];
        for _ in 0..300_000 {
            let mut block = [0u8; 64];
            match next() % 4 {
                // Mostly high bytes: long runs with the odd stray byte.
                0 => block.iter_mut().for_each(|b| {
                    let r = next();
                    *b = if r % 8 != 0 { [0x81, 0xA1, 0xFE, 0x80][(r >> 8) as usize % 4] } else { b'0' }
                }),
                // Any bytes that matter.
                1 => block.iter_mut().for_each(|b| *b = ALPHABET[next() as usize % ALPHABET.len()]),
                // Common text, or valid codes (chains of four-byte codes too), with a byte or
                // two changed, or none.
                kind => {
                    let codes: &[&[u8]] = if kind == 2 { &COMMON } else { &CODES };
                    let mut text = Vec::new();
                    while text.len() < 64 {
                        text.extend_from_slice(codes[next() as usize % codes.len()]);
                    }
                    block.copy_from_slice(&text[..64]);
                    for _ in 0..next() % 3 {
                        block[next() as usize % 64] = ALPHABET[next() as usize % ALPHABET.len()];
                    }
                }
            }
            check(&block);
        }
        let codes: [&[u8]; 4] = [b"\xB0\xA1", b"\x81\x30\x81\x30", b"a", b"\x95\x32\x82\x36"];
        for shift in 0..4 {
            let mut text = Vec::new();
            let mut n = shift;
            while text.len() < 64 {
                text.extend_from_slice(codes[n % codes.len()]);
                n += 1 + n / 3;
            }
            let mut block: [u8; 64] = text[..64].try_into().unwrap();
            check(&block);
            for at in 0..64 {
                let saved = block[at];
                for b in ALPHABET {
                    block[at] = b;
                    check(&block);
                }
                block[at] = saved;
            }
        }
    }
}
