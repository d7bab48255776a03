//! Differential runs on many random and mutated inputs, in one process:
//!
//! - the fast GB 18030 scanner (whole, and fed in random pieces, with both visitors) against
//!   encoding_rs plus the documented strict GB 18030-2022 differences
//!   ([`crate::support::oracle::oracle_events`]: spans, rules and scalars);
//! - the UTF-8 scanner (whole, and fed in random pieces) against std's validator, std's lossy
//!   decoding and encoding_rs's UTF-8 decoder ([`crate::support::oracle::check_utf8_whole`]).
//!
//! The normal run checks a small number of inputs. The big run is ignored by default:
//!
//! ```sh
//! GBCHECK_DIFFERENTIAL=10000000 cargo test --release --test library differential:: -- --ignored --nocapture
//! ```
//!
//! checks that many inputs of each kind (GB 18030 and UTF-8). The seed is printed;
//! `GBCHECK_DIFFERENTIAL_SEED` replays a run.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::support::oracle::{
    check_utf8_whole, fast_chunks, hex, oracle_events, strict_differences, utf8_chunks_at,
};
use gbcheck::finding::Finding;
use gbcheck::scan::Events;

/// xorshift64*: small, fast, and replayable from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn byte_in(&mut self, lo: u8, hi: u8) -> u8 {
        lo + self.below(usize::from(hi - lo) + 1) as u8
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// The four bytes of a four-byte pointer (docs/gb18030.md, "Four-byte codes").
fn four_byte_code(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12_600) as u8 + 0x81,
        (pointer / 1_260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

/// One piece of GB 18030 text: valid codes of each length, reserved codes, the codes the
/// editions disagree on, and fragments and bytes that break sequences.
fn gb_token(rng: &mut Rng, differences: &[Vec<u8>], out: &mut Vec<u8>) {
    match rng.below(14) {
        0..=2 => {
            let n = 1 + rng.below(12);
            out.extend((0..n).map(|_| rng.byte_in(0x20, 0x7E)));
        }
        3..=5 => {
            let lead = rng.byte_in(0x81, 0xFE);
            let trail = if rng.chance(3) { rng.byte_in(0x40, 0x7E) } else { rng.byte_in(0x80, 0xFE) };
            out.extend([lead, trail]);
        }
        6 => {
            let pointer =
                if rng.chance(2) { rng.below(39_420) as u32 } else { 189_000 + rng.below(1_048_576) as u32 };
            out.extend(four_byte_code(pointer));
        }
        7 => {
            // Any well-formed four-byte shape, reserved pointers included.
            out.extend([rng.byte_in(0x81, 0xFE), rng.byte_in(0x30, 0x39), rng.byte_in(0x81, 0xFE)]);
            out.push(rng.byte_in(0x30, 0x39));
        }
        8 => out.extend_from_slice(&differences[rng.below(differences.len())]),
        9 => out.push([0x80, 0xFF, 0x0A, 0x0D, 0x00, 0x7F, 0x3A, 0x3F][rng.below(8)]),
        10 => {
            // A lead and a digit, maybe a third byte: cut four-byte sequences.
            out.extend([rng.byte_in(0x81, 0xFE), rng.byte_in(0x30, 0x39)]);
            if rng.chance(2) {
                out.push(rng.byte_in(0x81, 0xFE));
            }
        }
        11 => out.push(rng.byte_in(0x81, 0xFE)),
        12 => out.push(rng.byte_in(0x30, 0x39)),
        _ => out.push(rng.next() as u8),
    }
}

/// A random input: raw bytes, or tokens, then a few mutations (byte changes, insertions,
/// deletions, duplicated slices, a cut end).
fn gb_input(rng: &mut Rng, differences: &[Vec<u8>]) -> Vec<u8> {
    let mut input = Vec::new();
    if rng.chance(4) {
        let n = rng.below(80);
        input.extend((0..n).map(|_| rng.next() as u8));
    } else {
        let tokens = rng.below(40);
        for _ in 0..tokens {
            gb_token(rng, differences, &mut input);
        }
    }
    mutate(rng, &mut input);
    input
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    let mutations = rng.below(4);
    for _ in 0..mutations {
        let n = input.len();
        match rng.below(5) {
            0 if n > 0 => {
                let at = rng.below(n);
                input[at] = rng.next() as u8;
            }
            1 => {
                let at = rng.below(n + 1);
                input.insert(at, rng.next() as u8);
            }
            2 if n > 0 => {
                input.remove(rng.below(n));
            }
            3 if n > 1 => {
                let from = rng.below(n);
                let len = 1 + rng.below((n - from).min(8));
                let at = rng.below(n + 1);
                let slice = input[from..from + len].to_vec();
                input.splice(at..at, slice);
            }
            4 if n > 0 => input.truncate(rng.below(n)),
            _ => {}
        }
    }
}

/// Cut points for feeding an input in pieces: none, one or several.
fn cuts(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (0..rng.below(4)).map(|_| rng.below(n + 1)).collect();
    cuts.sort_unstable();
    cuts
}

fn pieces<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut at = 0;
    for &c in cuts {
        out.push(&input[at..c]);
        at = c;
    }
    out.push(&input[at..]);
    out
}

/// One GB 18030 input: the fast scanner, whole and in pieces, with both visitors, gives what
/// encoding_rs plus the strict differences say.
fn check_gb(rng: &mut Rng, input: &[u8]) {
    let expected = oracle_events(input);
    let whole: Events = fast_chunks(&[input]);
    assert_eq!(whole.0, expected, "fast scanner against encoding_rs on [{}]", hex(input));
    let cut = cuts(rng, input.len());
    let parts = pieces(input, &cut);
    let split: Events = fast_chunks(&parts);
    assert_eq!(split.0, expected, "fast scanner cut at {cut:?} on [{}]", hex(input));
    let findings: Vec<Finding> = fast_chunks(&parts);
    let expected_findings: Vec<Finding> = expected
        .iter()
        .filter_map(|e| match e {
            gbcheck::scan::Event::Finding(f) => Some(*f),
            gbcheck::scan::Event::Char { .. } => None,
        })
        .collect();
    assert_eq!(findings, expected_findings, "findings-only visitor cut at {cut:?} on [{}]", hex(input));
}

/// One piece of UTF-8-ish text: characters of every length and the bytes that break them.
fn utf8_token(rng: &mut Rng, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    let scalar = |rng: &mut Rng| -> char {
        let ranges: [(u32, u32); 6] = [
            (0x20, 0x7E),
            (0x80, 0x7FF),
            (0x800, 0xD7FF),
            (0xE000, 0xFFFF),
            (0x1_0000, 0x10_FFFF),
            (0xD7F0, 0xE010),
        ];
        let (lo, hi) = ranges[rng.below(ranges.len())];
        loop {
            if let Some(c) = char::from_u32(lo + rng.below((hi - lo + 1) as usize) as u32) {
                return c;
            }
        }
    };
    match rng.below(8) {
        0..=3 => out.extend_from_slice(scalar(rng).encode_utf8(&mut buf).as_bytes()),
        4 => {
            // A character cut short.
            let bytes = scalar(rng).encode_utf8(&mut buf).as_bytes().to_vec();
            out.extend_from_slice(&bytes[..rng.below(bytes.len()).max(1).min(bytes.len())]);
        }
        5 => out.push(rng.byte_in(0x80, 0xBF)),
        6 => out.push([0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF][rng.below(8)]),
        _ => out.push(rng.next() as u8),
    }
}

fn utf8_input(rng: &mut Rng) -> Vec<u8> {
    let mut input = Vec::new();
    if rng.chance(5) {
        let n = rng.below(64);
        input.extend((0..n).map(|_| rng.next() as u8));
    } else {
        let tokens = rng.below(32);
        for _ in 0..tokens {
            utf8_token(rng, &mut input);
        }
    }
    mutate(rng, &mut input);
    input
}

/// One UTF-8 input: the whole-input scan against std (findings, lossy text) and encoding_rs,
/// and the streaming scanner in pieces against the whole scan.
fn check_utf8(rng: &mut Rng, input: &[u8]) {
    let (events, findings) = check_utf8_whole(input);
    let cut = cuts(rng, input.len());
    let parts = pieces(input, &cut);
    let split: Events = utf8_chunks_at(0, &parts);
    assert_eq!(split, events, "UTF-8 scanner cut at {cut:?} on [{}]", hex(input));
    let split: Vec<Finding> = utf8_chunks_at(0, &parts);
    assert_eq!(split, findings, "UTF-8 findings cut at {cut:?} on [{}]", hex(input));
}

/// Runs `count` inputs of each kind; returns the bytes checked.
fn run(count: u64) -> u64 {
    let seed = match std::env::var("GBCHECK_DIFFERENTIAL_SEED") {
        Ok(text) => text.parse().expect("GBCHECK_DIFFERENTIAL_SEED is a number"),
        Err(_) => SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1,
    };
    eprintln!("differential: {count} inputs of each kind, seed {seed}");
    let differences: Vec<Vec<u8>> = strict_differences().keys().cloned().collect();
    let mut rng = Rng(seed);
    let mut bytes = 0u64;
    let started = Instant::now();
    for i in 0..count {
        let input = gb_input(&mut rng, &differences);
        check_gb(&mut rng, &input);
        let text = utf8_input(&mut rng);
        check_utf8(&mut rng, &text);
        bytes += (input.len() + text.len()) as u64;
        if (i + 1) % 1_000_000 == 0 {
            eprintln!("  {} of each after {:.0?}", i + 1, started.elapsed());
        }
    }
    eprintln!(
        "differential: {count} GB 18030 and {count} UTF-8 inputs ({bytes} bytes) agree, in {:.1?}",
        started.elapsed()
    );
    bytes
}

#[test]
fn scanners_agree_with_encoding_rs_and_std_on_random_inputs() {
    assert!(run(20_000) > 0);
}

/// The big run: `GBCHECK_DIFFERENTIAL` inputs of each kind (default ten million).
#[test]
#[ignore = "long: run in release with --ignored"]
fn scanners_agree_on_millions_of_inputs() {
    let count = std::env::var("GBCHECK_DIFFERENTIAL").map_or(10_000_000, |n| n.parse().expect("a count"));
    assert!(run(count) > 0);
}
