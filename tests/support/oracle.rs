//! The scanner and oracle helpers of the library tests.
//!
//! - [`assert_scanners_agree`]: runs an input through both GB 18030 scanners (reference and
//!   fast) with every alignment, every split and one byte at a time, and checks that they all
//!   give one answer. [`assert_findings_agree`] does the same with the `Vec<Finding>` visitor,
//!   which does not want characters and so takes the fast scanner's skipping paths.
//! - [`oracle_events`]: what strict GB 18030-2022 says an input is, derived from encoding_rs
//!   (an independent converter) plus the documented strict differences read from
//!   `oracle/gb18030-edition-differences.tsv`. Nothing here asks gbcheck what the answer is.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use encoding_rs::DecoderResult;
use gbcheck::finding::{Cause, Finding, Rule, Span};
use gbcheck::scan::fast::Scanner;
use gbcheck::scan::reference::Reference;
use gbcheck::scan::utf8::{scan_utf8, Utf8Scanner};
use gbcheck::scan::{Event, Events, Visitor};

/// Lowercase hex, space separated, for assertion messages.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Running the scanners
// ---------------------------------------------------------------------------------------------

/// A visitor the helpers can compare and shift.
pub trait Collect: Visitor + Default + Clone + PartialEq + fmt::Debug {
    /// The same result with every position moved `by` bytes later.
    fn shifted(&self, by: u64) -> Self;
    /// The result for `prefix ++ input`, given the result for `input` (ASCII `prefix`).
    fn with_prefix(&self, prefix: &[u8]) -> Self;
    /// The findings only.
    fn findings(&self) -> Vec<Finding>;
}

fn shift_finding(f: &Finding, by: u64) -> Finding {
    Finding { span: Span { start: f.span.start + by, len: f.span.len }, ..*f }
}

impl Collect for Events {
    fn shifted(&self, by: u64) -> Self {
        Events(
            self.0
                .iter()
                .map(|e| match *e {
                    Event::Char { start, len, c } => Event::Char { start: start + by, len, c },
                    Event::Finding(f) => Event::Finding(shift_finding(&f, by)),
                })
                .collect(),
        )
    }

    fn with_prefix(&self, prefix: &[u8]) -> Self {
        let mut out: Vec<Event> = prefix
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                assert!(b.is_ascii());
                Event::Char { start: i as u64, len: 1, c: char::from(b) }
            })
            .collect();
        out.extend(self.shifted(prefix.len() as u64).0);
        Events(out)
    }

    fn findings(&self) -> Vec<Finding> {
        self.0
            .iter()
            .filter_map(|e| match e {
                Event::Finding(f) => Some(*f),
                Event::Char { .. } => None,
            })
            .collect()
    }
}

impl Collect for Vec<Finding> {
    fn shifted(&self, by: u64) -> Self {
        self.iter().map(|f| shift_finding(f, by)).collect()
    }

    fn with_prefix(&self, prefix: &[u8]) -> Self {
        assert!(prefix.is_ascii());
        self.shifted(prefix.len() as u64)
    }

    fn findings(&self) -> Vec<Finding> {
        self.clone()
    }
}

/// The reference scanner over `chunks` fed in order, then finished.
pub fn reference_chunks<V: Collect>(chunks: &[&[u8]]) -> V {
    let mut v = V::default();
    let mut s = Reference::new();
    for chunk in chunks {
        s.feed(chunk, &mut v);
    }
    s.finish(&mut v);
    v
}

/// The fast scanner (starting at `offset`) over `chunks` fed in order, then finished.
pub fn fast_chunks_at<V: Collect>(offset: u64, chunks: &[&[u8]]) -> V {
    let mut v = V::default();
    let mut s = Scanner::at_offset(offset);
    for chunk in chunks {
        s.feed(chunk, &mut v);
    }
    s.finish(&mut v);
    v
}

/// The fast scanner over `chunks` fed in order, then finished.
pub fn fast_chunks<V: Collect>(chunks: &[&[u8]]) -> V {
    let mut v = V::default();
    let mut s = Scanner::new();
    for chunk in chunks {
        s.feed(chunk, &mut v);
    }
    s.finish(&mut v);
    v
}

/// The split points tried: all of them for short inputs, a sample for long ones.
pub fn split_points(n: usize) -> Vec<usize> {
    if n <= 64 {
        return (0..=n).collect();
    }
    let mut points: Vec<usize> = (0..=32).chain(n - 32..=n).chain((0..n).step_by(n / 61)).collect();
    points.sort_unstable();
    points.dedup();
    points
}

/// An ASCII prefix of `k` bytes (letters, digits and punctuation, never a lead byte).
pub fn ascii_prefix(k: usize) -> Vec<u8> {
    (0..k).map(|i| b"The quick brown fox, 0123456789!\t"[i % 33]).collect()
}

/// Runs `input` through both scanners with visitor `V` in every way the helpers know and
/// checks that every run gives the same result. Returns the reference result.
pub fn assert_all_agree<V: Collect>(input: &[u8]) -> V {
    let name = std::any::type_name::<V>();
    let whole: V = reference_chunks(&[input]);
    let fast: V = fast_chunks(&[input]);
    assert_eq!(fast, whole, "{name}: fast scanner differs from the reference on [{}]", hex(input));

    // (b) Every alignment: k bytes of ASCII before the input.
    let mut buf = Vec::with_capacity(64 + input.len());
    for k in 0..64 {
        buf.clear();
        buf.extend_from_slice(&ascii_prefix(k));
        buf.extend_from_slice(input);
        let expected = whole.with_prefix(&buf[..k]);
        let r: V = reference_chunks(&[&buf]);
        assert_eq!(r, expected, "{name}: reference, {k} bytes of ASCII before [{}]", hex(input));
        let f: V = fast_chunks(&[&buf]);
        assert_eq!(f, expected, "{name}: fast, {k} bytes of ASCII before [{}]", hex(input));
    }
    // The same positions, by starting the fast scanner at an offset instead.
    for offset in [1u64, 7, 8, 4_294_967_299] {
        let f: V = fast_chunks_at(offset, &[input]);
        let expected = whole.shifted(offset);
        assert_eq!(f, expected, "{name}: fast at offset {offset} on [{}]", hex(input));
    }

    // (c) Two chunks split at every position (a sample for long inputs).
    for i in split_points(input.len()) {
        let (a, b) = input.split_at(i);
        let r: V = reference_chunks(&[a, b]);
        assert_eq!(r, whole, "{name}: reference, split at {i} of [{}]", hex(input));
        let f: V = fast_chunks(&[a, b]);
        assert_eq!(f, whole, "{name}: fast, split at {i} of [{}]", hex(input));
    }
    // Three chunks, with empty chunks between them, for short inputs.
    if input.len() <= 16 {
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let chunks = [&input[..i], &[][..], &input[i..j], &input[j..], &[][..]];
                let r: V = reference_chunks(&chunks);
                assert_eq!(r, whole, "{name}: reference, split at {i} and {j} of [{}]", hex(input));
                let f: V = fast_chunks(&chunks);
                assert_eq!(f, whole, "{name}: fast, split at {i} and {j} of [{}]", hex(input));
            }
        }
    }
    // One byte at a time.
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let r: V = reference_chunks(&bytes);
    assert_eq!(r, whole, "{name}: reference, one byte at a time, [{}]", hex(input));
    let f: V = fast_chunks(&bytes);
    assert_eq!(f, whole, "{name}: fast, one byte at a time, [{}]", hex(input));
    whole
}

/// Runs `input` through both scanners with the [`Events`] visitor in every way (whole,
/// 0..64 bytes of ASCII before it, split at every position, one byte at a time), checks they
/// all agree, then does the same with the `Vec<Finding>` visitor and checks its findings are
/// the findings among the events. Returns the reference scanner's events.
pub fn assert_scanners_agree(input: &[u8]) -> Vec<Event> {
    let events: Events = assert_all_agree(input);
    check_events_tile(input, &events.0);
    assert_findings_agree(input, &events.findings());
    events.0
}

/// The `Vec<Finding>` half of [`assert_scanners_agree`]: every way of scanning gives
/// `expected` (the findings among the events).
pub fn assert_findings_agree(input: &[u8], expected: &[Finding]) -> Vec<Finding> {
    let findings: Vec<Finding> = assert_all_agree(input);
    assert_eq!(
        findings,
        expected,
        "the Vec<Finding> visitor's findings differ from the Events visitor's on [{}]",
        hex(input)
    );
    findings
}

/// Events cover the input exactly, in order, without gaps or overlaps.
pub fn check_events_tile(input: &[u8], events: &[Event]) {
    let mut at = 0u64;
    for e in events {
        let (start, len) = match *e {
            Event::Char { start, len, .. } => (start, u64::from(len)),
            Event::Finding(f) => (f.span.start, u64::from(f.span.len)),
        };
        assert_eq!(start, at, "event {e:?} does not start where the last one ended in [{}]", hex(input));
        assert!(len > 0, "empty event {e:?} in [{}]", hex(input));
        at += len;
    }
    assert_eq!(at, input.len() as u64, "events do not cover [{}]: {events:?}", hex(input));
}

// ---------------------------------------------------------------------------------------------
// The oracle: encoding_rs plus the documented strict 2022 differences
// ---------------------------------------------------------------------------------------------

/// One unit of input as encoding_rs (the WHATWG decoder) sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A decoded character and the bytes it came from.
    Char { start: u64, len: u8, c: char },
    /// A malformed span; `truncated` when the end of input cut a sequence.
    Bad { start: u64, len: u32, truncated: bool },
}

/// The length of the unit that starts at `bytes[0]` of a run of *valid* text, by the byte
/// grammar of docs/gb18030.md (with encoding_rs's one-byte `80`).
fn valid_unit_len(bytes: &[u8]) -> usize {
    match bytes[0] {
        0x00..=0x80 => 1,
        _ if matches!(bytes.get(1), Some(0x30..=0x39)) => 4,
        _ => 2,
    }
}

/// Decodes `bytes` alone with encoding_rs; `Some(c)` if it is exactly one character and no
/// error.
pub fn encoding_rs_one_char(bytes: &[u8]) -> Option<char> {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = [0u8; 16];
    let (result, read, written) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, true);
    if result != DecoderResult::InputEmpty || read != bytes.len() {
        return None;
    }
    let text = std::str::from_utf8(&out[..written]).expect("encoding_rs writes UTF-8");
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// What encoding_rs 0.8.44's GB18030 decoder makes of `input`, unit by unit.
///
/// Malformed spans come from `DecoderResult::Malformed(len, extra)`: the span starts at
/// (bytes consumed so far) - extra - len and is len long. The input is decoded with
/// `last = false`, then an empty `last = true` call ends it: a malformed span reported by
/// that last call is one the end of input cut (truncated). Valid text between spans is cut
/// into characters by the byte structure, and each character is checked by decoding its
/// bytes alone with encoding_rs.
pub fn encoding_rs_units(input: &[u8]) -> Vec<Unit> {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0u8; input.len() * 3 + 16];
    let mut units = Vec::new();
    let mut consumed = 0usize;
    // Start of the valid run not yet cut into units, and its decoded text.
    let mut run_start = 0usize;
    let mut text = String::new();

    let flush = |units: &mut Vec<Unit>, run_start: usize, run_end: usize, text: &mut String| {
        let mut chars = text.chars();
        let mut at = run_start;
        while at < run_end {
            let len = valid_unit_len(&input[at..run_end]);
            assert!(
                at + len <= run_end,
                "valid run [{}] ends inside a unit",
                hex(&input[run_start..run_end])
            );
            let c = chars.next().unwrap_or_else(|| {
                panic!("encoding_rs decoded fewer characters than units in [{}]", hex(input))
            });
            let bytes = &input[at..at + len];
            let alone = if len == 1 && bytes[0] < 0x80 {
                Some(char::from(bytes[0]))
            } else {
                encoding_rs_one_char(bytes)
            };
            assert_eq!(
                alone,
                Some(c),
                "oracle self-check: [{}] alone should decode to {c:?} inside [{}]",
                hex(bytes),
                hex(input)
            );
            units.push(Unit::Char { start: at as u64, len: len as u8, c });
            at += len;
        }
        assert_eq!(chars.next(), None, "encoding_rs decoded more characters than units in [{}]", hex(input));
        text.clear();
    };

    for last in [false, true] {
        loop {
            let src = if last { &[][..] } else { &input[consumed..] };
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(src, &mut out, last);
            text.push_str(std::str::from_utf8(&out[..written]).expect("encoding_rs writes UTF-8"));
            consumed += read;
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => panic!("output buffer too small"),
                DecoderResult::Malformed(len, extra) => {
                    let start = consumed - usize::from(extra) - usize::from(len);
                    flush(&mut units, run_start, start, &mut text);
                    units.push(Unit::Bad { start: start as u64, len: u32::from(len), truncated: last });
                    run_start = start + usize::from(len);
                }
            }
        }
    }
    assert_eq!(consumed, input.len());
    flush(&mut units, run_start, input.len(), &mut text);
    units
}

/// Bytes -> (strict 2022 scalar, WHATWG scalar); `None` is an error.
pub type DiffTable = HashMap<Vec<u8>, (Option<char>, Option<char>)>;

/// The decode rows of `oracle/gb18030-edition-differences.tsv` where strict GB 18030-2022
/// and WHATWG (encoding_rs 0.8.44) disagree: bytes -> (strict, whatwg); `None` is an error.
pub fn strict_differences() -> &'static DiffTable {
    static DIFFS: OnceLock<DiffTable> = OnceLock::new();
    DIFFS.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/gb18030-edition-differences.tsv");
        let text = std::fs::read_to_string(path).expect("read the differences table");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("# decode differences"));
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let strict_col =
            header.iter().position(|h| h.starts_with("GB18030-2022 strict")).expect("strict column");
        let whatwg_col = header.iter().position(|h| h.starts_with("WHATWG")).expect("WHATWG column");
        let mut diffs = HashMap::new();
        for line in lines {
            if line.trim().is_empty() || line.starts_with('#') {
                break;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let bytes = parse_hex_bytes(fields[0]);
            let strict = parse_scalar_or_err(fields[strict_col]);
            let whatwg = parse_scalar_or_err(fields[whatwg_col]);
            if strict != whatwg {
                diffs.insert(bytes, (strict, whatwg));
            }
        }
        diffs
    })
}

/// `A3A0` -> `[0xA3, 0xA0]`.
pub fn parse_hex_bytes(field: &str) -> Vec<u8> {
    assert!(field.len().is_multiple_of(2), "odd hex {field}");
    (0..field.len()).step_by(2).map(|i| u8::from_str_radix(&field[i..i + 2], 16).expect("hex")).collect()
}

/// `U+E5E5` -> `Some('\u{E5E5}')`, `ERR` -> `None`.
pub fn parse_scalar_or_err(field: &str) -> Option<char> {
    if field == "ERR" {
        return None;
    }
    let hex = field.strip_prefix("U+").unwrap_or_else(|| panic!("bad scalar field {field:?}"));
    Some(char::from_u32(u32::from_str_radix(hex, 16).expect("hex scalar")).expect("scalar value"))
}

/// The four-byte pointer, computed here from docs/gb18030.md, "Four-byte codes" (not with
/// gbcheck's).
pub fn pointer4(b: &[u8]) -> u32 {
    (u32::from(b[0]) - 0x81) * 12_600
        + (u32::from(b[1]) - 0x30) * 1_260
        + (u32::from(b[2]) - 0x81) * 10
        + (u32::from(b[3]) - 0x30)
}

fn is_lead(b: u8) -> bool {
    (0x81..=0xFE).contains(&b)
}

fn is_digit(b: u8) -> bool {
    (0x30..=0x39).contains(&b)
}

/// The finding strict GB 18030 expects for a malformed span that encoding_rs reported, with
/// the rule and cause derived from the bytes by docs/gb18030.md ("Malformed input") and the
/// rules of docs/output.md: a span cut by the end of input is GB002, a four-byte span that is a
/// well-formed code is GB003 (reserved pointer), everything else GB001.
pub fn expected_finding(input: &[u8], start: u64, len: u32, truncated: bool) -> Finding {
    let s = start as usize;
    let bytes = &input[s..s + len as usize];
    if truncated {
        assert_eq!(s + len as usize, input.len(), "truncated span not at the end of [{}]", hex(input));
        return Finding::bytes(Rule::TruncatedSequence, start, len, Cause::Truncated);
    }
    if len == 4 {
        assert!(
            is_lead(bytes[0]) && is_digit(bytes[1]) && is_lead(bytes[2]) && is_digit(bytes[3]),
            "four-byte malformed span [{}] is not a well-formed four-byte code",
            hex(bytes)
        );
        let pointer = pointer4(bytes);
        assert!(
            (39_420..189_000).contains(&pointer) || pointer > 1_237_575,
            "four-byte malformed span [{}] has an assigned pointer",
            hex(bytes)
        );
        return Finding::bytes(Rule::UnassignedCode, start, 4, Cause::Reserved { pointer });
    }
    let b1 = input[s];
    let cause = if !is_lead(b1) {
        assert_eq!(len, 1);
        Cause::BadLead(b1)
    } else {
        let b2 = input[s + 1];
        if !is_digit(b2) {
            assert_eq!(len, if b2 < 0x80 { 1 } else { 2 }, "bad second byte span in [{}]", hex(input));
            Cause::BadSecond(b2)
        } else if !is_lead(input[s + 2]) {
            assert_eq!(len, 1);
            Cause::BadThird(input[s + 2])
        } else {
            assert_eq!(len, 1);
            Cause::BadFourth(input[s + 3])
        }
    };
    Finding::bytes(Rule::InvalidSequence, start, len, cause)
}

/// What strict GB 18030-2022 says `input` is, as scanner events: encoding_rs's units, with
/// the documented strict differences applied (each one checked to be what encoding_rs
/// does, then replaced by the strict value), and findings per [`expected_finding`].
pub fn oracle_events(input: &[u8]) -> Vec<Event> {
    strict_events(input, &encoding_rs_units(input))
}

/// [`oracle_events`] from units already computed.
pub fn strict_events(input: &[u8], units: &[Unit]) -> Vec<Event> {
    let diffs = strict_differences();
    units
        .iter()
        .map(|&unit| match unit {
            Unit::Char { start, len, c } => {
                let bytes = &input[start as usize..start as usize + usize::from(len)];
                match diffs.get(bytes) {
                    None => Event::Char { start, len, c },
                    Some(&(strict, whatwg)) => {
                        assert_eq!(
                            Some(c),
                            whatwg,
                            "encoding_rs on [{}]: not the table's WHATWG value",
                            hex(bytes)
                        );
                        match strict {
                            Some(c) => Event::Char { start, len, c },
                            None => Event::Finding(expected_finding(input, start, u32::from(len), false)),
                        }
                    }
                }
            }
            Unit::Bad { start, len, truncated } => {
                Event::Finding(expected_finding(input, start, len, truncated))
            }
        })
        .collect()
}

/// encoding_rs's units as scanner events, without the strict differences: what the scanners
/// would report if they followed WHATWG.
pub fn whatwg_events(input: &[u8], units: &[Unit]) -> Vec<Event> {
    units
        .iter()
        .map(|&unit| match unit {
            Unit::Char { start, len, c } => Event::Char { start, len, c },
            Unit::Bad { start, len, truncated } => {
                Event::Finding(expected_finding(input, start, len, truncated))
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------------------------

/// The findings std's validator implies: each `Utf8Error` gives a GB001 span at
/// `valid_up_to` of `error_len` bytes, or GB002 to the end when `error_len` is `None`.
pub fn std_utf8_findings(input: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut i = 0;
    while let Err(e) = std::str::from_utf8(&input[i..]) {
        let start = i + e.valid_up_to();
        match e.error_len() {
            Some(len) => {
                findings.push(Finding::bytes(
                    Rule::InvalidSequence,
                    start as u64,
                    len as u32,
                    Cause::InvalidUtf8,
                ));
                i = start + len;
            }
            None => {
                let len = (input.len() - start) as u32;
                findings.push(Finding::bytes(Rule::TruncatedSequence, start as u64, len, Cause::Truncated));
                break;
            }
        }
    }
    findings
}

/// Malformed spans of encoding_rs's UTF-8 decoder (WHATWG), same formula as for GB 18030.
pub fn encoding_rs_utf8_spans(input: &[u8]) -> Vec<Span> {
    let mut decoder = encoding_rs::UTF_8.new_decoder_without_bom_handling();
    let mut out = vec![0u8; input.len() * 3 + 16];
    let mut spans = Vec::new();
    let mut consumed = 0;
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(&input[consumed..], &mut out, true);
        consumed += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return spans,
            encoding_rs::DecoderResult::OutputFull => panic!("output buffer too small"),
            encoding_rs::DecoderResult::Malformed(len, extra) => {
                let start = consumed - usize::from(extra) - usize::from(len);
                spans.push(Span { start: start as u64, len: u32::from(len) });
            }
        }
    }
}

/// Checks `scan_utf8` on one input against std, `from_utf8_lossy` and encoding_rs, and the
/// streaming `Utf8Scanner` against `scan_utf8` however the input is cut.
pub fn check_utf8(input: &[u8]) {
    let (events, findings) = check_utf8_whole(input);
    assert_utf8_streaming_agrees(input, &events);
    assert_utf8_streaming_agrees(input, &findings);
}

/// [`check_utf8`] without the streaming part (cheaper); returns what `scan_utf8` gave.
pub fn check_utf8_whole(input: &[u8]) -> (Events, Vec<Finding>) {
    let mut findings: Vec<Finding> = Vec::new();
    scan_utf8(input, &mut findings);
    assert_eq!(findings, std_utf8_findings(input), "UTF-8 findings on [{}]", hex(input));

    let mut events = Events::default();
    scan_utf8(input, &mut events);
    check_events_tile(input, &events.0);
    // Characters plus one U+FFFD per finding is exactly std's lossy decoding.
    let rebuilt: String = events
        .0
        .iter()
        .map(|e| match e {
            Event::Char { start, len, c } => {
                assert_eq!(usize::from(*len), c.len_utf8());
                let mut buf = [0u8; 4];
                assert_eq!(
                    &input[*start as usize..][..usize::from(*len)],
                    c.encode_utf8(&mut buf).as_bytes()
                );
                *c
            }
            Event::Finding(_) => char::REPLACEMENT_CHARACTER,
        })
        .collect();
    assert_eq!(rebuilt, String::from_utf8_lossy(input), "UTF-8 events on [{}]", hex(input));
    let found: Vec<Event> = events.0.iter().filter(|e| matches!(e, Event::Finding(_))).copied().collect();
    assert_eq!(found, findings.iter().map(|f| Event::Finding(*f)).collect::<Vec<_>>());

    // An independent UTF-8 decoder marks the same spans.
    let spans: Vec<Span> = findings.iter().map(|f| f.span).collect();
    assert_eq!(spans, encoding_rs_utf8_spans(input), "encoding_rs UTF-8 spans on [{}]", hex(input));
    (events, findings)
}

/// The streaming UTF-8 scanner (starting at `offset`) over `chunks`, then finished.
pub fn utf8_chunks_at<V: Collect>(offset: u64, chunks: &[&[u8]]) -> V {
    let mut v = V::default();
    let mut s = Utf8Scanner::at_offset(offset);
    for chunk in chunks {
        s.feed(chunk, &mut v);
    }
    s.finish(&mut v);
    v
}

/// `Utf8Scanner` gives `whole` (what `scan_utf8` gives) fed whole, after 0..64 bytes of
/// ASCII, at an offset, split at every position (a sample for long inputs), in three chunks
/// with empty ones between (short inputs) and one byte at a time.
pub fn assert_utf8_streaming_agrees<V: Collect>(input: &[u8], whole: &V) {
    let name = std::any::type_name::<V>();
    let v: V = utf8_chunks_at(0, &[input]);
    assert_eq!(&v, whole, "{name}: Utf8Scanner whole on [{}]", hex(input));
    let prefixes: &[usize] = if input.len() <= 16 { &[1, 7, 8, 9, 63] } else { &[0] };
    for &k in prefixes {
        let buf = [&ascii_prefix(k)[..], input].concat();
        let v: V = utf8_chunks_at(0, &[&buf]);
        assert_eq!(
            v,
            whole.with_prefix(&buf[..k]),
            "{name}: Utf8Scanner after {k} bytes of ASCII on [{}]",
            hex(input)
        );
    }
    for offset in [3u64, 4_294_967_299] {
        let v: V = utf8_chunks_at(offset, &[input]);
        assert_eq!(v, whole.shifted(offset), "{name}: Utf8Scanner at offset {offset} on [{}]", hex(input));
    }
    for i in split_points(input.len()) {
        let v: V = utf8_chunks_at(0, &[&input[..i], &input[i..]]);
        assert_eq!(&v, whole, "{name}: Utf8Scanner split at {i} of [{}]", hex(input));
    }
    if input.len() <= 8 {
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let chunks = [&input[..i], &[][..], &input[i..j], &input[j..], &[][..]];
                let v: V = utf8_chunks_at(0, &chunks);
                assert_eq!(&v, whole, "{name}: Utf8Scanner split at {i} and {j} of [{}]", hex(input));
            }
        }
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let v: V = utf8_chunks_at(0, &bytes);
    assert_eq!(&v, whole, "{name}: Utf8Scanner one byte at a time on [{}]", hex(input));
}

// ---------------------------------------------------------------------------------------------
// Oracles for the profile and rule tests (tests/library/profiles.rs, tests/library/rules.rs)
// ---------------------------------------------------------------------------------------------

/// The four bytes of a four-byte pointer, computed here from docs/gb18030.md, "Four-byte codes".
pub fn code_of_pointer4(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12_600) as u8 + 0x81,
        (pointer / 1_260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

/// Every two-byte code (lead `81-FE`, trail `40-7E` or `80-FE`), in pointer order.
pub fn all_two_byte_codes() -> impl Iterator<Item = [u8; 2]> {
    (0x81..=0xFEu8).flat_map(|lead| (0x40..=0xFEu8).filter(|&t| t != 0x7F).map(move |trail| [lead, trail]))
}

/// Every Unicode scalar value.
pub fn every_scalar() -> impl Iterator<Item = char> {
    (0..=0x10_FFFFu32).filter_map(char::from_u32)
}

/// `U+1E3F` for messages.
pub fn u(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Decodes `bytes` alone with an encoding_rs decoder; `Some(c)` if it is exactly one
/// character and no error.
pub fn encoding_rs_decode_one(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Option<char> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = [0u8; 16];
    let (result, read, written) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, true);
    if result != DecoderResult::InputEmpty || read != bytes.len() {
        return None;
    }
    let text = std::str::from_utf8(&out[..written]).expect("encoding_rs writes UTF-8");
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Encodes one scalar with an encoding_rs encoder, without replacement: `None` when the
/// encoder reports it unmappable.
pub fn encoding_rs_encode_one(encoding: &'static encoding_rs::Encoding, c: char) -> Option<Vec<u8>> {
    let mut encoder = encoding.new_encoder();
    let mut buf = [0u8; 4];
    let mut out = [0u8; 16];
    let (result, read, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut buf), &mut out, true);
    match result {
        encoding_rs::EncoderResult::InputEmpty => {
            assert_eq!(read, c.len_utf8());
            Some(out[..written].to_vec())
        }
        encoding_rs::EncoderResult::Unmappable(unmappable) => {
            assert_eq!(unmappable, c);
            None
        }
        encoding_rs::EncoderResult::OutputFull => panic!("output buffer too small"),
    }
}

/// Columns of `oracle/gb18030-edition-differences.tsv`, in the order of [`EditionTable`]'s
/// rows: GB 18030-2000, -2005, -2022 strict, WHATWG, ICU 76, glibc 2.36.
pub const EDITION_COLUMNS: [&str; 6] =
    ["GB18030-2000", "GB18030-2005", "GB18030-2022 strict", "WHATWG", "ICU 76", "glibc 2.36"];
/// Column index of GB 18030-2000 in [`EditionTable`] rows.
pub const ED_2000: usize = 0;
/// Column index of GB 18030-2005.
pub const ED_2005: usize = 1;
/// Column index of strict GB 18030-2022.
pub const ED_2022: usize = 2;
/// Column index of WHATWG (encoding_rs 0.8.44).
pub const ED_WHATWG: usize = 3;
/// Column index of glibc 2.36.
pub const ED_GLIBC_236: usize = 5;

/// Every row of `oracle/gb18030-edition-differences.tsv`, all columns.
#[derive(Debug)]
pub struct EditionTable {
    /// Bytes, and the scalar in each column (`None`: ERR).
    pub decode: Vec<(Vec<u8>, [Option<char>; 6])>,
    /// Scalar, and its bytes in each column (`None`: UNMAPPABLE).
    pub encode: Vec<(char, [Option<Vec<u8>>; 6])>,
}

impl EditionTable {
    /// Whether the 2000, 2005, 2022 and WHATWG columns of a decode row disagree.
    pub fn decode_row_differs(row: &[Option<char>; 6]) -> bool {
        row[..4].iter().any(|v| *v != row[0])
    }

    /// Whether the 2000, 2005, 2022 and WHATWG columns of an encode row disagree.
    pub fn encode_row_differs(row: &[Option<Vec<u8>>; 6]) -> bool {
        row[..4].iter().any(|v| *v != row[0])
    }

    /// The decode row of `bytes`, if the table has one.
    pub fn decode_row(&self, bytes: &[u8]) -> Option<&[Option<char>; 6]> {
        self.decode.iter().find(|(b, _)| b == bytes).map(|(_, row)| row)
    }

    /// The encode row of `c`, if the table has one.
    pub fn encode_row(&self, c: char) -> Option<&[Option<Vec<u8>>; 6]> {
        self.encode.iter().find(|(s, _)| *s == c).map(|(_, row)| row)
    }
}

/// `oracle/gb18030-edition-differences.tsv`, parsed once; columns found by their headers.
pub fn edition_table() -> &'static EditionTable {
    static TABLE: OnceLock<EditionTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/gb18030-edition-differences.tsv");
        let text = std::fs::read_to_string(path).expect("read the differences table");
        let (decode_part, encode_part) =
            text.split_once("# encode differences\n").expect("an encode section");
        let decode_part = decode_part.strip_prefix("# decode differences\n").expect("a decode section");
        fn columns(header: &str) -> [usize; 6] {
            let fields: Vec<&str> = header.split('\t').collect();
            EDITION_COLUMNS.map(|name| {
                fields.iter().position(|f| f.starts_with(name)).unwrap_or_else(|| panic!("column {name}"))
            })
        }
        let mut lines = decode_part.lines().filter(|l| !l.trim().is_empty());
        let cols = columns(lines.next().expect("decode header"));
        let decode = lines
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                (parse_hex_bytes(fields[0]), cols.map(|i| parse_scalar_or_err(fields[i])))
            })
            .collect();
        let mut lines = encode_part.lines().filter(|l| !l.trim().is_empty());
        let cols = columns(lines.next().expect("encode header"));
        let encode = lines
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                let c = parse_scalar_or_err(fields[0]).expect("a scalar");
                (c, cols.map(|i| (fields[i] != "UNMAPPABLE").then(|| parse_hex_bytes(fields[i]))))
            })
            .collect();
        EditionTable { decode, encode }
    })
}

/// The strict GB 18030-2022 bytes of a scalar from independent sources: encoding_rs's
/// GB18030 encoder, except on the encode rows of the difference table where the strict
/// column differs from WHATWG (there the table's strict column).
pub fn strict_2022_bytes(c: char) -> Vec<u8> {
    match edition_table().encode_row(c) {
        Some(row) if row[ED_2022] != row[ED_WHATWG] => row[ED_2022].clone().expect("strict encodes all"),
        _ => encoding_rs_encode_one(encoding_rs::GB18030, c)
            .unwrap_or_else(|| panic!("encoding_rs cannot encode {}", u(c))),
    }
}

/// `oracle/gb18030-2022-levels.tsv` as `(first, last, level)` ranges.
pub fn level_ranges() -> &'static Vec<(u32, u32, u8)> {
    static RANGES: OnceLock<Vec<(u32, u32, u8)>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/gb18030-2022-levels.tsv");
        let text = std::fs::read_to_string(path).expect("read the levels table");
        let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        assert!(lines.next().expect("header").starts_with("level\tfirst\tlast"));
        let scalar = |f: &str| u32::from_str_radix(f.strip_prefix("U+").expect("U+"), 16).expect("hex");
        let mut ranges: Vec<(u32, u32, u8)> = lines
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                let (first, last) = (scalar(fields[1]), scalar(fields[2]));
                let count: u32 = fields[3].parse().expect("count");
                assert_eq!(last - first + 1, count, "{line}");
                (first, last, fields[0].parse().expect("level"))
            })
            .collect();
        ranges.sort_unstable();
        for pair in ranges.windows(2) {
            assert!(pair[0].1 < pair[1].0, "overlapping level ranges {pair:?}");
        }
        ranges
    })
}

/// The lowest level the levels table puts a scalar in, or `None`.
pub fn tsv_level_of(c: char) -> Option<u8> {
    let scalar = u32::from(c);
    let ranges = level_ranges();
    let i = ranges.partition_point(|&(first, _, _)| first <= scalar);
    let (first, last, level) = *ranges.get(i.checked_sub(1)?)?;
    (first..=last).contains(&scalar).then_some(level)
}

/// glibc's GBK charmap (`oracle/glibc/GBK.gz`, code page 936): what it decodes each one- and
/// two-byte code to, and how it encodes each scalar. Read from the file, not from gbcheck.
pub struct GlibcGbk {
    /// Bytes -> scalar.
    pub decode: HashMap<Vec<u8>, char>,
    /// Scalar -> bytes.
    pub encode: HashMap<char, Vec<u8>>,
}

/// The charmap, read once.
pub fn glibc_gbk() -> &'static GlibcGbk {
    static GBK: OnceLock<GlibcGbk> = OnceLock::new();
    GBK.get_or_init(|| {
        use std::io::Read as _;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/glibc/GBK.gz");
        let file = std::fs::File::open(path).expect("open the glibc GBK charmap");
        let mut text = String::new();
        flate2::read::GzDecoder::new(file).read_to_string(&mut text).expect("gunzip the GBK charmap");
        let body = text.split("\nCHARMAP\n").nth(1).expect("CHARMAP").split("\nEND CHARMAP").next().unwrap();
        let mut map = GlibcGbk { decode: HashMap::new(), encode: HashMap::new() };
        for line in body.lines().filter(|l| l.starts_with("<U")) {
            let mut fields = line.split_whitespace();
            let name = fields.next().expect("<UXXXX>");
            let scalar = name.strip_prefix("<U").and_then(|n| n.strip_suffix('>')).expect("<UXXXX>");
            let c = char::from_u32(u32::from_str_radix(scalar, 16).expect("hex")).expect("a scalar");
            let bytes: Vec<u8> = fields
                .next()
                .and_then(|b| b.strip_prefix("/x"))
                .expect("/x")
                .split("/x")
                .map(|h| u8::from_str_radix(h, 16).expect("hex byte"))
                .collect();
            assert!(map.decode.insert(bytes.clone(), c).is_none(), "{line}: code listed twice");
            assert!(map.encode.insert(c, bytes).is_none(), "{line}: scalar listed twice");
        }
        map
    })
}
