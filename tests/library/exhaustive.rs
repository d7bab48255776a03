//! Exhaustive tests against independent oracles:
//!
//! - encoding_rs 0.8.44's GB18030 decoder, on every one- and two-byte input and every
//!   well-formed four-byte code (alone and inside text), with the documented strict 2022
//!   differences (`oracle/gb18030-edition-differences.tsv`) asserted one by one;
//! - glibc's GB 18030-2022 charmap (`oracle/glibc/GB18030.gz`), on every entry;
//! - every Unicode scalar value through `gbcheck::mapping::encode`, checked against the
//!   charmap, encoding_rs's encoder and the scanners.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::sync::OnceLock;

use crate::support::oracle::{
    assert_scanners_agree, encoding_rs_units, fast_chunks, hex, parse_hex_bytes, pointer4, reference_chunks,
    strict_differences, strict_events, whatwg_events, Collect,
};
use gbcheck::finding::{Cause, Finding, Rule};
use gbcheck::mapping::{decode_four_byte, decode_two_byte, encode};
use gbcheck::scan::{Event, Events};

/// Text put around each sequence: nothing, ASCII, and 中 ... 文 (D6 D0, CE C4).
const CONTEXTS: &[(&[u8], &[u8])] = &[(b"", b""), (b"a", b"b"), (b"\xD6\xD0", b"\xCE\xC4")];

/// More contexts for the one- and two-byte inputs: the sequence after a lead, after a lead
/// and a digit, after a lead, a digit and a third byte (so every byte is tried as second,
/// third and fourth byte), before a lead (truncated) and between digits.
const MORE_CONTEXTS: &[(&[u8], &[u8])] =
    &[(b"\x81", b""), (b"\x81\x30", b""), (b"\x81\x30\x81", b""), (b"", b"\x81"), (b"0", b"01")];

/// Scans `input` with both scanners and both visitors; checks they agree; returns the
/// reference scanner's events.
fn scan_both(input: &[u8]) -> Vec<Event> {
    let reference: Events = reference_chunks(&[input]);
    let fast: Events = fast_chunks(&[input]);
    assert_eq!(fast, reference, "fast vs reference on [{}]", hex(input));
    let expected = reference.findings();
    let fast_findings: Vec<Finding> = fast_chunks(&[input]);
    assert_eq!(fast_findings, expected, "fast Vec<Finding> on [{}]", hex(input));
    let reference_findings: Vec<Finding> = reference_chunks(&[input]);
    assert_eq!(reference_findings, expected, "reference Vec<Finding> on [{}]", hex(input));
    reference.0
}

/// Checks one input against the oracle. Returns the scanners' events and encoding_rs's
/// (WHATWG) events, for callers that look at the differences.
fn check_input(input: &[u8]) -> (Vec<Event>, Vec<Event>) {
    let units = encoding_rs_units(input);
    let expected = strict_events(input, &units);
    let got = scan_both(input);
    assert_eq!(got, expected, "scanners vs encoding_rs + strict differences on [{}]", hex(input));
    (got, whatwg_events(input, &units))
}

fn wrap(before: &[u8], seq: &[u8], after: &[u8]) -> Vec<u8> {
    [before, seq, after].concat()
}

/// The strict value the difference table gives `bytes`, as the events of `bytes` alone.
fn strict_expected_alone(bytes: &[u8]) -> Vec<Event> {
    let (strict, _) = strict_differences()[bytes];
    match strict {
        Some(c) => vec![Event::Char { start: 0, len: bytes.len() as u8, c }],
        None => {
            vec![Event::Finding(Finding::bytes(
                Rule::InvalidSequence,
                0,
                bytes.len() as u32,
                Cause::BadLead(bytes[0]),
            ))]
        }
    }
}

/// The span of an event.
fn span_of(e: &Event) -> (u64, u64) {
    match *e {
        Event::Char { start, len, .. } => (start, u64::from(len)),
        Event::Finding(f) => (f.span.start, u64::from(f.span.len)),
    }
}

/// The event moved to offset 0.
fn at_zero(e: &Event) -> Event {
    match *e {
        Event::Char { len, c, .. } => Event::Char { start: 0, len, c },
        Event::Finding(f) => {
            Event::Finding(Finding { span: gbcheck::finding::Span { start: 0, ..f.span }, ..f })
        }
    }
}

/// Every unit (by its bytes) where the scanners differ from encoding_rs: our event and
/// encoding_rs's, both moved to offset 0.
#[derive(Default)]
struct Differences(BTreeMap<Vec<u8>, (Event, Event)>);

impl Differences {
    fn note(&mut self, input: &[u8], got: &[Event], whatwg: &[Event]) {
        if got == whatwg {
            return;
        }
        // The strict differences replace one unit's value, never its span.
        assert_eq!(got.len(), whatwg.len(), "[{}]: {got:?} vs {whatwg:?}", hex(input));
        for (g, w) in got.iter().zip(whatwg) {
            if g != w {
                let (start, len) = span_of(g);
                assert_eq!((start, len), span_of(w), "[{}]: {g:?} vs {w:?}", hex(input));
                let bytes = input[start as usize..(start + len) as usize].to_vec();
                let entry = self.0.entry(bytes).or_insert((at_zero(g), at_zero(w)));
                assert_eq!(*entry, (at_zero(g), at_zero(w)), "[{}]", hex(input));
            }
        }
    }
}

#[test]
fn every_one_and_two_byte_input_against_encoding_rs() {
    let mut differences = Differences::default();
    for b in 0..=255u8 {
        for (before, after) in [(&b""[..], &b""[..])].iter().chain(CONTEXTS).chain(MORE_CONTEXTS) {
            let input = wrap(before, &[b], after);
            let (got, whatwg) = check_input(&input);
            differences.note(&input, &got, &whatwg);
        }
    }
    let mut valid = 0;
    for b1 in 0..=255u8 {
        for b2 in 0..=255u8 {
            let seq = [b1, b2];
            let (got, whatwg) = check_input(&seq);
            if matches!(got[..], [Event::Char { len: 2, .. }]) {
                valid += 1;
                assert_eq!(
                    got[0],
                    Event::Char { start: 0, len: 2, c: decode_two_byte(two_byte_pointer(b1, b2)) }
                );
            }
            differences.note(&seq, &got, &whatwg);
            for (before, after) in CONTEXTS.iter().chain(MORE_CONTEXTS) {
                let input = wrap(before, &seq, after);
                let (got, whatwg) = check_input(&input);
                differences.note(&input, &got, &whatwg);
            }
        }
    }
    // docs/gb18030.md, "Byte grammar": 126 leads times 190 trails, all assigned.
    assert_eq!(valid, 23_940);

    // The only differences from encoding_rs: the lone 80 and A3A0, as the table says.
    let keys: Vec<String> = differences.0.keys().map(|k| hex(k)).collect();
    assert_eq!(keys, ["80", "a3 a0"], "one- and two-byte inputs where we differ from encoding_rs");
    let (got, whatwg) = differences.0[&vec![0x80]];
    assert_eq!(whatwg, Event::Char { start: 0, len: 1, c: '\u{20AC}' });
    assert_eq!(got, Event::Finding(Finding::bytes(Rule::InvalidSequence, 0, 1, Cause::BadLead(0x80))));
    assert_eq!([got], &strict_expected_alone(&[0x80])[..]);
    let (got, whatwg) = differences.0[&vec![0xA3, 0xA0]];
    assert_eq!(whatwg, Event::Char { start: 0, len: 2, c: '\u{3000}' });
    assert_eq!(got, Event::Char { start: 0, len: 2, c: '\u{E5E5}' });
    assert_eq!([got], &strict_expected_alone(&[0xA3, 0xA0])[..]);
}

/// The two-byte pointer, computed here from docs/gb18030.md, "Byte grammar".
fn two_byte_pointer(lead: u8, trail: u8) -> usize {
    let index = if trail < 0x7F { trail - 0x40 } else { trail - 0x41 };
    (usize::from(lead) - 0x81) * 190 + usize::from(index)
}

#[test]
fn two_byte_inputs_every_split_and_alignment() {
    // The full streaming helper on a sample of pairs: every pair with an interesting first
    // byte, and every 61st pair.
    let interesting = [0x00, 0x0A, 0x30, 0x39, 0x40, 0x7F, 0x80, 0x81, 0xA3, 0xD6, 0xFE, 0xFF];
    for b1 in 0..=255u8 {
        for b2 in 0..=255u8 {
            let n = usize::from(b1) * 256 + usize::from(b2);
            if interesting.contains(&b1) || interesting.contains(&b2) || n % 61 == 0 {
                let seq = [b1, b2];
                assert_eq!(assert_scanners_agree(&seq), crate::support::oracle::oracle_events(&seq));
                let input = wrap(b"\x81\x30\x81", &seq, b"a\x81\x30");
                assert_eq!(assert_scanners_agree(&input), crate::support::oracle::oracle_events(&input));
            }
        }
    }
}

/// Counts of what the four-byte loop saw.
#[derive(Default, Debug, PartialEq, Eq)]
struct FourByteCounts {
    valid: u32,
    reserved: u32,
}

/// Every well-formed four-byte code whose first byte is in `leads`, alone and in every
/// context.
fn four_byte_codes(leads: std::ops::RangeInclusive<u8>) -> (FourByteCounts, Differences) {
    let mut counts = FourByteCounts::default();
    let mut differences = Differences::default();
    let mut input = Vec::with_capacity(8);
    for b1 in leads {
        for b2 in 0x30..=0x39u8 {
            for b3 in 0x81..=0xFEu8 {
                for b4 in 0x30..=0x39u8 {
                    let seq = [b1, b2, b3, b4];
                    let pointer = pointer4(&seq);
                    let (got, whatwg) = check_input(&seq);
                    match got[..] {
                        [Event::Char { start: 0, len: 4, c }] => {
                            counts.valid += 1;
                            assert_eq!(decode_four_byte(pointer), Some(c), "mapping on [{}]", hex(&seq));
                        }
                        [Event::Finding(Finding { rule: Rule::UnassignedCode, cause, .. })] => {
                            counts.reserved += 1;
                            assert_eq!(cause, Cause::Reserved { pointer });
                            assert_eq!(decode_four_byte(pointer), None, "mapping on [{}]", hex(&seq));
                        }
                        _ => panic!("four-byte code [{}] gave {got:?}", hex(&seq)),
                    }
                    differences.note(&seq, &got, &whatwg);
                    for (before, after) in &CONTEXTS[1..] {
                        input.clear();
                        input.extend_from_slice(before);
                        input.extend_from_slice(&seq);
                        input.extend_from_slice(after);
                        let (got, whatwg) = check_input(&input);
                        differences.note(&input, &got, &whatwg);
                    }
                    if pointer.is_multiple_of(997) {
                        assert_eq!(assert_scanners_agree(&seq), crate::support::oracle::oracle_events(&seq));
                        let input = wrap(b"\xD6\xD0a", &seq, b"\x81");
                        assert_eq!(
                            assert_scanners_agree(&input),
                            crate::support::oracle::oracle_events(&input)
                        );
                    }
                }
            }
        }
    }
    (counts, differences)
}

#[test]
fn every_four_byte_code_against_encoding_rs() {
    // Two halves on two threads (the machine has two cores).
    let (low, high) = std::thread::scope(|s| {
        let low = s.spawn(|| four_byte_codes(0x81..=0xBF));
        let high = four_byte_codes(0xC0..=0xFE);
        (low.join().expect("low half"), high)
    });
    let counts =
        FourByteCounts { valid: low.0.valid + high.0.valid, reserved: low.0.reserved + high.0.reserved };
    // docs/gb18030.md, "Four-byte codes": 39,420 BMP codes and 1,048,576 supplementary ones are
    // assigned, the rest of the 1,587,600 are reserved.
    assert_eq!(
        counts,
        FourByteCounts { valid: 39_420 + 1_048_576, reserved: 1_587_600 - 39_420 - 1_048_576 }
    );

    // The only differences from encoding_rs: the 18 four-byte codes of the table, each
    // decoding to the strict 2022 column's PUA value (encoding_rs: the WHATWG column).
    let mut differences = low.1 .0;
    differences.extend(high.1 .0);
    let expected_keys: Vec<&Vec<u8>> = {
        let mut keys: Vec<&Vec<u8>> = strict_differences().keys().filter(|k| k.len() == 4).collect();
        keys.sort();
        keys
    };
    assert_eq!(expected_keys.len(), 18);
    assert_eq!(
        differences.keys().collect::<Vec<_>>(),
        expected_keys,
        "four-byte codes where we differ from encoding_rs"
    );
    for (bytes, (got, whatwg)) in &differences {
        let (strict, table_whatwg) = strict_differences()[bytes];
        let c = table_whatwg.expect("WHATWG decodes these");
        assert_eq!(*whatwg, Event::Char { start: 0, len: 4, c }, "encoding_rs on [{}]", hex(bytes));
        assert!(('\u{E000}'..='\u{F8FF}').contains(&strict.expect("strict decodes these")));
        assert_eq!([*got], &strict_expected_alone(bytes)[..], "strict value of [{}]", hex(bytes));
    }
    // The two ranges of four-byte codes in docs/gb18030.md, "Editions".
    let first = |k: &[u8]| hex(k);
    assert_eq!(first(differences.keys().next().unwrap()), "82 35 90 37");
    assert_eq!(first(differences.keys().last().unwrap()), "84 31 83 35");
}

// ---------------------------------------------------------------------------------------------
// glibc's GB 18030-2022 charmap
// ---------------------------------------------------------------------------------------------

/// The charmap's entries, de-duplicated, in file order: bytes and scalar.
fn charmap() -> &'static Vec<(Vec<u8>, char)> {
    static CHARMAP: OnceLock<Vec<(Vec<u8>, char)>> = OnceLock::new();
    CHARMAP.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/glibc/GB18030.gz");
        let file = std::fs::File::open(path).expect("open the glibc charmap");
        let mut text = String::new();
        flate2::read::GzDecoder::new(file).read_to_string(&mut text).expect("gunzip the glibc charmap");
        let body = text.split("\nCHARMAP\n").nth(1).expect("CHARMAP").split("\nEND CHARMAP").next().unwrap();

        let mut entries = Vec::new();
        let mut seen: HashMap<Vec<u8>, char> = HashMap::new();
        let mut lines = 0;
        let mut duplicates = 0;
        for line in body.lines().filter(|l| l.starts_with("<U")) {
            lines += 1;
            let mut fields = line.split_whitespace();
            let names = fields.next().expect("code point");
            let bytes = fields.next().expect("bytes");
            let bytes: Vec<u8> = bytes
                .strip_prefix("/x")
                .expect("/x")
                .split("/x")
                .map(|h| u8::from_str_radix(h, 16).expect("hex byte"))
                .collect();
            let parse = |u: &str| {
                let hex = u.strip_prefix("<U").and_then(|u| u.strip_suffix('>')).expect("<Uxxxx>");
                u32::from_str_radix(hex, 16).expect("hex code point")
            };
            let mut line_entries = Vec::new();
            match names.split_once("..") {
                None => line_entries.push((bytes, parse(names))),
                Some((first, last)) => {
                    // Consecutive four-byte codes from `bytes`.
                    assert_eq!(bytes.len(), 4, "{line}");
                    let (first, last) = (parse(first), parse(last));
                    let start = pointer4(&bytes);
                    for (i, scalar) in (first..=last).enumerate() {
                        line_entries.push((four_byte_code(start + i as u32).to_vec(), scalar));
                    }
                }
            }
            let mut duplicate_line = true;
            for (bytes, scalar) in line_entries {
                let c = char::from_u32(scalar).unwrap_or_else(|| panic!("{line}: not a scalar"));
                match seen.get(&bytes) {
                    Some(&old) => assert_eq!(old, c, "charmap maps [{}] twice", hex(&bytes)),
                    None => {
                        duplicate_line = false;
                        seen.insert(bytes.clone(), c);
                        entries.push((bytes, c));
                    }
                }
            }
            duplicates += usize::from(duplicate_line);
        }
        // The charmap as committed: 88,664 mapping lines, 22 of them exact repeats of
        // earlier lines (dropped), 245,041 distinct codes once ranges are expanded.
        assert_eq!(lines, 88_664, "charmap mapping lines");
        assert_eq!(duplicates, 22, "duplicated charmap lines");
        assert_eq!(entries.len(), 245_041, "distinct charmap codes");
        entries
    })
}

/// The four bytes of a four-byte pointer, computed here from docs/gb18030.md, "Four-byte codes".
fn four_byte_code(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12_600) as u8 + 0x81,
        (pointer / 1_260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

#[test]
fn charmap_is_a_bijection_that_covers_the_byte_structure() {
    let entries = charmap();
    let mut scalars: Vec<char> = entries.iter().map(|(_, c)| *c).collect();
    scalars.sort_unstable();
    scalars.dedup();
    assert_eq!(scalars.len(), entries.len(), "the charmap maps one scalar to two codes");
    let count = |n: usize| entries.iter().filter(|(b, _)| b.len() == n).count();
    assert_eq!(count(1), 128);
    assert_eq!(count(2), 23_940, "the charmap must cover every two-byte code");
    let bmp_four = entries.iter().filter(|(b, _)| b.len() == 4 && pointer4(b) <= 39_419).count();
    assert_eq!(bmp_four, 39_420, "the charmap must cover every four-byte BMP code");
    for (bytes, c) in entries {
        match bytes.len() {
            1 => assert_eq!(u32::from(bytes[0]), u32::from(*c)),
            2 => {
                assert!((0x81..=0xFE).contains(&bytes[0]));
                assert!(matches!(bytes[1], 0x40..=0x7E | 0x80..=0xFE));
            }
            4 => {
                let p = pointer4(bytes);
                assert!(p <= 39_419 || (189_000..=1_237_575).contains(&p), "[{}]", hex(bytes));
                if p >= 189_000 {
                    assert_eq!(u32::from(*c), 0x1_0000 + p - 189_000);
                }
            }
            _ => panic!("entry of {} bytes", bytes.len()),
        }
    }
}

#[test]
fn charmap_entries_decode_and_encode() {
    let entries = charmap();
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for (bytes, c) in entries {
        // The mapping functions.
        match bytes[..] {
            [_] => {}
            [lead, trail] => {
                assert_eq!(decode_two_byte(two_byte_pointer(lead, trail)), *c, "[{}]", hex(bytes))
            }
            _ => assert_eq!(decode_four_byte(pointer4(bytes)), Some(*c), "[{}]", hex(bytes)),
        }
        assert_eq!(encode(*c).as_bytes(), &bytes[..], "encode(U+{:04X})", u32::from(*c));
        expected.push(Event::Char { start: input.len() as u64, len: bytes.len() as u8, c: *c });
        input.extend_from_slice(bytes);
    }
    // The scanners, on all entries one after the other.
    assert_eq!(scan_both(&input), expected);
    // And in chunks of awkward sizes.
    for size in [1, 3, 4093] {
        let chunks: Vec<&[u8]> = input.chunks(size).collect();
        let fast: Events = fast_chunks(&chunks);
        assert!(fast.0 == expected, "fast scanner in chunks of {size}");
        let reference: Events = reference_chunks(&chunks);
        assert!(reference.0 == expected, "reference scanner in chunks of {size}");
    }
}

#[test]
fn charmap_and_encoding_rs_differ_only_where_the_table_says() {
    // A check of the oracles themselves: glibc's strict charmap and encoding_rs agree on
    // every charmap entry except the table's rows (80 is not in the charmap).
    let mut differing = Vec::new();
    for (bytes, c) in charmap() {
        let whatwg = crate::support::oracle::encoding_rs_one_char(bytes);
        if whatwg != Some(*c) {
            let (strict, table_whatwg) = strict_differences().get(bytes).unwrap_or_else(|| {
                panic!("[{}]: charmap U+{:04X}, encoding_rs {whatwg:?}", hex(bytes), u32::from(*c))
            });
            assert_eq!(*strict, Some(*c));
            assert_eq!(*table_whatwg, whatwg);
            differing.push(bytes.clone());
        }
    }
    assert_eq!(differing.len(), strict_differences().len() - 1);
}

// ---------------------------------------------------------------------------------------------
// Every Unicode scalar value
// ---------------------------------------------------------------------------------------------

fn all_scalars() -> impl Iterator<Item = char> {
    (0..=0x10_FFFFu32).filter_map(char::from_u32)
}

#[test]
fn every_scalar_encodes_and_decodes_back() {
    let mut input = Vec::with_capacity(4 * 1_112_064);
    let mut expected = Vec::with_capacity(1_112_064);
    let mut keys = Vec::with_capacity(1_112_064);
    for c in all_scalars() {
        let bytes = encode(c);
        let bytes = bytes.as_bytes();
        assert!(matches!(bytes.len(), 1 | 2 | 4), "U+{:04X}", u32::from(c));
        expected.push(Event::Char { start: input.len() as u64, len: bytes.len() as u8, c });
        input.extend_from_slice(bytes);
        let mut key = [0u8; 8];
        key[..bytes.len()].copy_from_slice(bytes);
        key[7] = bytes.len() as u8;
        keys.push(u64::from_be_bytes(key));
    }
    assert_eq!(expected.len(), 1_112_064);

    // Injective: no two scalars share a code.
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 1_112_064, "two scalars encode to the same bytes");

    // Everything scans clean and decodes back to the same scalars, whole and in chunks.
    assert_eq!(scan_both(&input), expected);
    let chunks: Vec<&[u8]> = input.chunks(4099).collect();
    let fast: Events = fast_chunks(&chunks);
    assert!(fast.0 == expected, "fast scanner in chunks");
    let fast: Vec<Finding> = fast_chunks(&chunks);
    assert_eq!(fast, []);
}

#[test]
fn every_scalar_encodes_as_the_charmap_says() {
    let by_scalar: HashMap<char, &[u8]> = charmap().iter().map(|(b, c)| (*c, &b[..])).collect();
    let mut listed = 0;
    for c in all_scalars() {
        if let Some(bytes) = by_scalar.get(&c) {
            listed += 1;
            assert_eq!(encode(c).as_bytes(), *bytes, "U+{:04X}", u32::from(c));
        }
    }
    assert_eq!(listed, charmap().len());
}

/// The encode rows of the difference table where strict 2022 and WHATWG disagree:
/// scalar -> (strict bytes, WHATWG bytes or `None` for unmappable).
fn encode_differences() -> BTreeMap<char, (Vec<u8>, Option<Vec<u8>>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/gb18030-edition-differences.tsv");
    let text = std::fs::read_to_string(path).expect("read the differences table");
    let section = text.split("# encode differences\n").nth(1).expect("encode section");
    let mut lines = section.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let strict_col = header.iter().position(|h| h.starts_with("GB18030-2022 strict")).expect("strict column");
    let whatwg_col = header.iter().position(|h| h.starts_with("WHATWG")).expect("WHATWG column");
    let mut rows = BTreeMap::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let scalar = u32::from_str_radix(fields[0].strip_prefix("U+").expect("U+"), 16).expect("hex");
        let strict = parse_hex_bytes(fields[strict_col]);
        let whatwg = (fields[whatwg_col] != "UNMAPPABLE").then(|| parse_hex_bytes(fields[whatwg_col]));
        if Some(&strict) != whatwg.as_ref() {
            rows.insert(char::from_u32(scalar).expect("scalar"), (strict, whatwg));
        }
    }
    rows
}

/// encoding_rs's GB18030 encoder on one scalar; `None` when it cannot encode it.
fn encoding_rs_encode(c: char) -> Option<Vec<u8>> {
    let mut encoder = encoding_rs::GB18030.new_encoder();
    let mut buf = [0u8; 4];
    let mut out = [0u8; 16];
    let (result, read, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut buf), &mut out, true);
    match result {
        encoding_rs::EncoderResult::InputEmpty => {
            assert_eq!(read, c.len_utf8());
            Some(out[..written].to_vec())
        }
        encoding_rs::EncoderResult::Unmappable(u) => {
            assert_eq!(u, c);
            None
        }
        encoding_rs::EncoderResult::OutputFull => panic!("output buffer too small"),
    }
}

#[test]
fn every_scalar_encodes_as_encoding_rs_except_the_documented_ones() {
    let rows = encode_differences();
    // U+E5E5 (unmappable in WHATWG), U+E78D..U+E796 and the 8 PUA values of FE59..FEA0.
    assert_eq!(rows.len(), 19);
    let mut differing = BTreeMap::new();
    for c in all_scalars() {
        let ours = encode(c).as_bytes().to_vec();
        let theirs = encoding_rs_encode(c);
        if theirs.as_ref() != Some(&ours) {
            differing.insert(c, (ours, theirs));
        }
    }
    assert_eq!(
        differing.keys().map(|c| format!("U+{:04X}", u32::from(*c))).collect::<Vec<_>>(),
        rows.keys().map(|c| format!("U+{:04X}", u32::from(*c))).collect::<Vec<_>>(),
        "scalars where our encoder differs from encoding_rs"
    );
    for (c, (ours, theirs)) in &differing {
        let (strict, whatwg) = &rows[c];
        assert_eq!(ours, strict, "strict encoding of U+{:04X}", u32::from(*c));
        assert_eq!(theirs, whatwg, "encoding_rs encoding of U+{:04X}", u32::from(*c));
    }
}
