//! Property tests on arbitrary bytes:
//!
//! (a) the reference and fast scanners agree, whole and fed in several chunks, with both
//!     visitors, and both agree with the encoding_rs oracle plus the strict differences;
//! (b) splitting after any byte `00-2F` and scanning the pieces separately (each with its own
//!     scanner at its offset) gives what scanning the whole input gives (docs/gb18030.md,
//!     "Where a file can be cut": no byte `00-2F` is ever a non-initial byte);
//! (c) the UTF-8 scanner agrees with std, `from_utf8_lossy` and encoding_rs;
//! (d) findings taken from a `FileChecker` as it is fed (`take_settled`) are, with those
//!     its `finish` gives, the findings of the whole input, and none comes before a bound
//!     already given;
//! (e) the rules find the same with the fast scanner, which passes over what they need not
//!     see (64-byte blocks, skipped codes), as with the reference scanner, which shows them
//!     every character, under every profile and with levels.
//!
//! The fast scanner runs with the widest vectors the CPU has; `GBCHECK_SIMD=avx2` (or `sse2`)
//! runs these tests on a narrower path, and `vector_path_is_the_one_asked_for` makes sure it
//! was that path.

use crate::support::oracle::{
    check_events_tile, check_utf8, fast_chunks, fast_chunks_at, hex, oracle_events, reference_chunks,
};
use gbcheck::check::{check_bytes, Encoding, EncodingChoice, FileChecker, Options};
use gbcheck::finding::Finding;
use gbcheck::scan::{Event, Events};
use proptest::prelude::*;

/// One byte, biased toward the bytes that matter to GB 18030's grammar.
fn gb_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => 0x30..=0x39u8,                   // digits: four-byte second and fourth bytes
        1 => Just(0x80u8),                    // trail only
        6 => 0x81..=0xFEu8,                   // leads, trails, third bytes
        1 => Just(0xFFu8),                    // never valid
        1 => Just(0x0Au8),                    // LF
        1 => 0x40..=0x7Eu8,                   // ASCII that is also a trail
        1 => prop_oneof![0x00..=0x2Fu8, 0x3A..=0x3Fu8, Just(0x7Fu8)], // never a trail
    ]
}

/// A piece of GB 18030 text: a valid code, a reserved one, or a fragment of one.
fn gb_token() -> impl Strategy<Value = Vec<u8>> {
    let lead = 0x81..=0xFEu8;
    let digit = 0x30..=0x39u8;
    prop_oneof![
        2 => gb_byte().prop_map(|b| vec![b]),
        2 => (lead.clone(), prop_oneof![0x40..=0x7Eu8, 0x80..=0xFEu8]).prop_map(|(a, b)| vec![a, b]),
        2 => (lead.clone(), digit.clone(), lead.clone(), digit.clone()).prop_map(|(a, b, c, d)| vec![a, b, c, d]),
        // Valid BMP and supplementary four-byte codes (pointers 0..=39419, 189000..=1237575).
        1 => prop_oneof![0..=39_419u32, 189_000..=1_237_575u32].prop_map(|p| four_byte_code(p).to_vec()),
        1 => (lead.clone(), digit.clone()).prop_map(|(a, b)| vec![a, b]),
        1 => (lead, digit, 0x81..=0xFEu8).prop_map(|(a, b, c)| vec![a, b, c]),
    ]
}

fn four_byte_code(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12_600) as u8 + 0x81,
        (pointer / 1_260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

/// GB 18030-ish input: a mix of raw biased bytes and tokens.
fn gb_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(gb_byte(), 0..96),
        prop::collection::vec(gb_token(), 0..48).prop_map(|t| t.concat()),
        // Long ASCII runs around the interesting bytes, for the eight-byte ASCII steps.
        prop::collection::vec((0usize..20, gb_token()), 0..12).prop_map(|parts| {
            let mut out = Vec::new();
            for (n, token) in parts {
                out.extend((0..n).map(|i| b"abcdefghij0123456789"[i % 20]));
                out.extend(token);
            }
            out
        }),
    ]
}

/// Input plus sorted split points within it.
fn gb_input_and_splits() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    gb_input().prop_flat_map(|input| {
        let n = input.len();
        (Just(input), prop::collection::vec(0..=n, 0..6)).prop_map(|(input, mut splits)| {
            splits.sort_unstable();
            (input, splits)
        })
    })
}

fn chunks_at<'a>(input: &'a [u8], splits: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut at = 0;
    for &s in splits {
        chunks.push(&input[at..s]);
        at = s;
    }
    chunks.push(&input[at..]);
    chunks
}

/// UTF-8-ish input: valid characters of every length mixed with the bytes that make UTF-8
/// invalid.
fn utf8_input() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        3 => any::<char>().prop_map(|c| c.to_string().into_bytes()),
        1 => (0x00..=0x7Fu8).prop_map(|b| vec![b]),
        2 => (0x80..=0xBFu8).prop_map(|b| vec![b]),
        1 => prop_oneof![Just(0xC0u8), Just(0xC1), 0xC2..=0xDFu8].prop_map(|b| vec![b]),
        1 => prop_oneof![Just(0xE0u8), Just(0xED), 0xE1..=0xEFu8].prop_map(|b| vec![b]),
        1 => prop_oneof![Just(0xF0u8), Just(0xF4), 0xF1..=0xF3u8, 0xF5..=0xFFu8].prop_map(|b| vec![b]),
        // A valid multi-byte character cut short.
        1 => (0x80u32..=0x10_FFFF, 1usize..4).prop_filter_map("scalar", |(c, cut)| {
            let c = char::from_u32(c)?;
            let bytes = c.to_string().into_bytes();
            (cut < bytes.len()).then(|| bytes[..cut].to_vec())
        }),
    ];
    prop::collection::vec(token, 0..48).prop_map(|t| t.concat())
}

/// The input cut just after each byte `00-2F` at an index `pick` accepts.
fn pieces_after_low_bytes(input: &[u8], pick: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, &b) in input.iter().enumerate() {
        if b <= 0x2F && pick(i) {
            pieces.push(start..i + 1);
            start = i + 1;
        }
    }
    pieces.push(start..input.len());
    pieces
}

/// Where proptest keeps the failing cases it found: `properties.proptest-regressions` beside
/// this file. (Its default for a module of a test binary with a `main.rs` would be
/// `tests/proptest-regressions/properties.txt`.)
fn saved_cases() -> Option<Box<dyn proptest::test_runner::FailurePersistence>> {
    Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: saved_cases(), ..ProptestConfig::default() })]

    /// (a) Reference and fast scanners agree, whole and in chunks, and match the oracle.
    #[test]
    fn scanners_agree_in_chunks((input, splits) in gb_input_and_splits()) {
        let whole: Events = reference_chunks(&[&input]);
        check_events_tile(&input, &whole.0);
        prop_assert_eq!(&whole.0, &oracle_events(&input), "oracle on [{}]", hex(&input));

        let chunks = chunks_at(&input, &splits);
        let fast: Events = fast_chunks(&[&input]);
        prop_assert_eq!(&fast, &whole, "fast whole on [{}]", hex(&input));
        let fast: Events = fast_chunks(&chunks);
        prop_assert_eq!(&fast, &whole, "fast in chunks {:?} on [{}]", splits, hex(&input));
        let reference: Events = reference_chunks(&chunks);
        prop_assert_eq!(&reference, &whole, "reference in chunks {:?} on [{}]", splits, hex(&input));

        let findings: Vec<Finding> = whole
            .0
            .iter()
            .filter_map(|e| match e { Event::Finding(f) => Some(*f), Event::Char { .. } => None })
            .collect();
        let fast: Vec<Finding> = fast_chunks(&[&input]);
        prop_assert_eq!(&fast, &findings, "fast Vec<Finding> on [{}]", hex(&input));
        let fast: Vec<Finding> = fast_chunks(&chunks);
        prop_assert_eq!(&fast, &findings, "fast Vec<Finding> in chunks {:?} on [{}]", splits, hex(&input));
        let reference: Vec<Finding> = reference_chunks(&chunks);
        prop_assert_eq!(&reference, &findings, "reference Vec<Finding> in chunks {:?} on [{}]", splits, hex(&input));
    }

    /// (b) Pieces split after a byte 00-2F, scanned apart, give the whole input's result.
    #[test]
    fn pieces_split_after_low_bytes_scan_alike(input in gb_input(), choice in any::<u64>()) {
        let whole_events: Events = fast_chunks(&[&input]);
        let whole: Vec<Finding> = fast_chunks(&[&input]);
        // Split after some of the bytes 00-2F (picked by `choice`), then after all of them.
        for all in [false, true] {
            let pieces = pieces_after_low_bytes(&input, |i| all || choice >> (i % 64) & 1 == 1);
            let mut findings = Vec::new();
            let mut events = Vec::new();
            for piece in &pieces {
                let bytes = &input[piece.clone()];
                let f: Vec<Finding> = fast_chunks_at(piece.start as u64, &[bytes]);
                findings.extend(f);
                let e: Events = fast_chunks_at(piece.start as u64, &[bytes]);
                events.extend(e.0);
            }
            prop_assert_eq!(&findings, &whole, "pieces {:?} of [{}]", pieces, hex(&input));
            prop_assert_eq!(&events, &whole_events.0, "pieces {:?} of [{}]", pieces, hex(&input));
        }
    }
}

proptest! {
    // Fewer cases: each one runs the streaming UTF-8 scanner at every split of the input.
    #![proptest_config(ProptestConfig { cases: 4_000, failure_persistence: saved_cases(), ..ProptestConfig::default() })]

    /// (c) The UTF-8 scanner agrees with std, from_utf8_lossy and encoding_rs, whole and
    /// streaming.
    #[test]
    fn utf8_agrees_with_std(input in utf8_input()) {
        check_utf8(&input);
    }

    /// (c) ... also on raw bytes.
    #[test]
    fn utf8_agrees_with_std_on_raw_bytes(input in prop::collection::vec(any::<u8>(), 0..64)) {
        check_utf8(&input);
    }
}

/// GB 18030 bytes with UTF-8 Chinese mixed in (GB 18030 reads it as mojibake, GB009).
fn mojibake_input() -> impl Strategy<Value = Vec<u8>> {
    let utf8 = prop::sample::select(vec!["白日依山尽", "黄河入海流", "中文", "测试"])
        .prop_map(|s: &str| s.as_bytes().to_vec());
    prop::collection::vec(prop_oneof![3 => gb_token(), 1 => utf8], 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, failure_persistence: saved_cases(), ..ProptestConfig::default() })]

    /// (d) Settled findings in any chunking, then the rest, are the whole input's findings.
    #[test]
    fn settled_findings_are_final(input in mojibake_input(), splits in prop::collection::vec(any::<usize>(), 0..6)) {
        let mut splits: Vec<usize> = splits.iter().map(|s| s % (input.len() + 1)).collect();
        splits.sort_unstable();
        for encoding in [Encoding::Gb18030, Encoding::Utf8] {
            let choice = match encoding {
                Encoding::Gb18030 => EncodingChoice::Gb18030,
                Encoding::Utf8 => EncodingChoice::Utf8,
            };
            let options = Options { encoding: choice, ..Options::default() };
            let mut whole = FileChecker::new(encoding, &options, 0);
            whole.feed(&input);
            let whole = whole.finish();
            if check_bytes(&input, &options).findings.iter().all(|f| f.rule != gbcheck::finding::Rule::WrongEncoding) {
                prop_assert_eq!(&check_bytes(&input, &options).findings, &whole.findings);
            }

            let mut checker = FileChecker::new(encoding, &options, 0);
            let mut taken: Vec<Finding> = Vec::new();
            let mut bound = 0;
            for chunk in chunks_at(&input, &splits) {
                checker.feed(chunk);
                let settled = checker.take_settled();
                prop_assert!(settled.before >= bound, "the bound went back");
                prop_assert!(settled.findings.iter().all(|f| f.span.start >= bound && f.span.start < settled.before));
                prop_assert!(settled.findings.windows(2).all(|w| (w[0].span.start, w[0].rule) <= (w[1].span.start, w[1].rule)));
                bound = settled.before;
                taken.extend(settled.findings);
            }
            let rest = checker.finish();
            prop_assert!(rest.findings.iter().all(|f| f.span.start >= bound));
            prop_assert_eq!(rest.counts, whole.counts);
            taken.extend(rest.findings);
            prop_assert_eq!(&taken, &whole.findings, "splits {:?} of [{}]", splits, hex(&input));
        }
    }
}

/// Text the rules care about, in long runs: plain hanzi, codes the rules must see (quotes,
/// GB009 starts, edition-sensitive and removed codes, BOM, U+FFFD, private use), four-byte
/// codes of the BMP and beyond, controls, UTF-8 read as GB 18030, and broken sequences.
fn rules_input() -> impl Strategy<Value = Vec<u8>> {
    let chars: Vec<char> = "啊中文“”·…—浏淇飲a \t\n\r\u{1}\u{1b}\u{7f}\u{3400}\u{4DB5}\u{20000}\u{1F600}\u{E5E5}\u{E000}\u{F0000}\u{10FFFD}\u{FEFF}\u{FFFD}\u{A0}\u{1E3F}\u{FE10}\u{9FB4}\u{20087}丂"
        .chars()
        .collect();
    let text = prop::sample::select(chars).prop_map(|c| gbcheck::mapping::encode(c).as_bytes().to_vec());
    // Codes at the edges of the rows the fast scanner passes over in the middle only (A4, A9,
    // D7), the fill characters 烫 and 屯, and pieces of mojibake (浣犲ソ, ÄãºÃ).
    let codes: Vec<&[u8]> = vec![
        b"\xA9\xA3",
        b"\xA9\xA4",
        b"\xA9\xEF",
        b"\xA9\xF0",
        b"\xA9\xFE",
        b"\xD7\xF9",
        b"\xD7\xFA",
        b"\xA4\xA1",
        b"\xA4\xF3",
        b"\xA4\xF4",
        b"\xCC\xCC",
        b"\xCD\xCD",
        b"\xE4\xBD",
        b"\xAB\xC8",
        b"\xE5\xD3",
        b"\x81\x30\x86\x30",
        b"\x81\x30\x89\x37",
        b"\xA1\xE3",
    ];
    let code = prop::sample::select(codes).prop_map(<[u8]>::to_vec);
    let text = prop_oneof![3 => text, 1 => code];
    let utf8 =
        prop::sample::select(vec!["白日依山尽", "中文", "测试"]).prop_map(|s: &str| s.as_bytes().to_vec());
    let run = prop::collection::vec(text, 1..40).prop_map(|t| t.concat());
    prop::collection::vec(prop_oneof![8 => run, 1 => utf8, 1 => gb_token()], 0..16).prop_map(|t| t.concat())
}

/// The findings of the rules over a scan: the fast scanner fed `chunks`, or the reference
/// scanner fed the whole input.
fn judged(rules: &gbcheck::rules::CompiledRules, input: &[u8], chunks: Option<&[&[u8]]>) -> Vec<Finding> {
    let mut judge = gbcheck::rules::Judge::new(rules, Vec::new());
    match chunks {
        Some(chunks) => {
            let mut scanner = gbcheck::scan::fast::Scanner::new();
            chunks.iter().for_each(|chunk| scanner.feed(chunk, &mut judge));
            scanner.finish(&mut judge);
        }
        None => {
            let mut scanner = gbcheck::scan::reference::Reference::new();
            scanner.feed(input, &mut judge);
            scanner.finish(&mut judge);
        }
    }
    judge.finish()
}

/// The judge without its shortcuts: every character through every rule and the mojibake
/// tracker, nothing skipped. The oracle for (f).
struct Unhurried<'a>(gbcheck::rules::Judge<&'a gbcheck::rules::CompiledRules, Vec<Finding>>);

impl gbcheck::scan::Visitor for Unhurried<'_> {
    const WANTS_CHARS: bool = true;
    const STOP_AT_CONTROLS: bool = true;

    fn finding(&mut self, finding: Finding) {
        gbcheck::scan::Visitor::finding(&mut self.0, finding);
    }

    fn char(&mut self, start: u64, len: u8, c: char) {
        self.0.judge_without_shortcuts(start, len, c);
    }

    fn ascii(&mut self, start: u64, run: &[u8]) {
        gbcheck::scan::Visitor::ascii(&mut self.0, start, run);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: saved_cases(), ..ProptestConfig::default() })]

    /// (f) The judge's shortcuts (characters it lets pass unjudged, runs of mojibake it ends
    /// early, and all the fast scanner skips) change nothing: it finds what judging every
    /// character the slow way finds, under every profile, with and without a level.
    #[test]
    fn shortcuts_change_no_finding(input in rules_input(), split in any::<usize>()) {
        use gbcheck::profile::Profile;
        use gbcheck::rules::{CompiledRules, Judge, RuleSet};
        use gbcheck::scan::{fast::Scanner, reference::Reference, utf8::Utf8Scanner};
        // The same text as UTF-8 (invalid bytes as U+FFFD), for the UTF-8 scanner.
        let utf8 = encoding_rs::GB18030.decode_without_bom_handling(&input).0.into_owned().into_bytes();
        for profile in Profile::ALL {
            for level in [None, Some(1)] {
                let mut rules = RuleSet::new(profile);
                rules.level = level;
                for (encoding, bytes) in [(Encoding::Gb18030, &input), (Encoding::Utf8, &utf8)] {
                    let compiled = CompiledRules::new(rules, encoding);
                    let split = split % (bytes.len() + 1);
                    let mut judge = Judge::new(&compiled, Vec::new());
                    let mut unhurried = Unhurried(Judge::new(&compiled, Vec::new()));
                    if encoding == Encoding::Gb18030 {
                        let mut scanner = Scanner::new();
                        scanner.feed(&bytes[..split], &mut judge);
                        scanner.feed(&bytes[split..], &mut judge);
                        scanner.finish(&mut judge);
                        let mut reference = Reference::new();
                        reference.feed(bytes, &mut unhurried);
                        reference.finish(&mut unhurried);
                    } else {
                        let mut scanner = Utf8Scanner::new();
                        scanner.feed(&bytes[..split], &mut judge);
                        scanner.feed(&bytes[split..], &mut judge);
                        scanner.finish(&mut judge);
                        let mut whole = Utf8Scanner::new();
                        whole.feed(bytes, &mut unhurried);
                        whole.finish(&mut unhurried);
                    }
                    let expected = unhurried.0.finish();
                    prop_assert_eq!(judge.finish(), expected, "{:?} {:?} level {:?}", encoding, profile, level);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: saved_cases(), ..ProptestConfig::default() })]

    /// (e) What the fast scanner passes over changes nothing the rules find.
    #[test]
    fn skipping_changes_no_finding(input in rules_input(), splits in prop::collection::vec(any::<usize>(), 0..4)) {
        use gbcheck::profile::Profile;
        use gbcheck::rules::{CompiledRules, RuleSet};
        let mut splits: Vec<usize> = splits.iter().map(|s| s % (input.len() + 1)).collect();
        splits.sort_unstable();
        let chunks = chunks_at(&input, &splits);
        for profile in Profile::ALL {
            for level in [None, Some(1), Some(3)] {
                let mut rules = RuleSet::new(profile);
                rules.level = level;
                let compiled = CompiledRules::cached(rules, Encoding::Gb18030);
                let expected = judged(compiled, &input, None);
                prop_assert_eq!(&judged(compiled, &input, Some(&[&input])), &expected, "{:?} {:?} on [{}]", profile, level, hex(&input));
                prop_assert_eq!(&judged(compiled, &input, Some(&chunks)), &expected, "{:?} {:?} in chunks {:?}", profile, level, splits);
            }
        }
    }
}

/// The vectors the fast scanner used in this run: those `GBCHECK_SIMD` asked for, so that a run
/// meant for one path cannot pass on another (a CPU without them fails it); without the
/// variable, the widest this CPU has (AVX-512BW needs AVX2 beside it).
#[test]
fn vector_path_is_the_one_asked_for() {
    let used = gbcheck::scan::vector_path();
    match std::env::var("GBCHECK_SIMD") {
        Ok(asked) => assert_eq!(used, asked, "GBCHECK_SIMD asked for {asked}; the scanner used {used}"),
        Err(_) => {
            #[cfg(target_arch = "x86_64")]
            let widest = if is_x86_feature_detected!("avx512bw") && is_x86_feature_detected!("avx2") {
                "avx512"
            } else if is_x86_feature_detected!("avx2") {
                "avx2"
            } else {
                "sse2"
            };
            #[cfg(not(target_arch = "x86_64"))]
            let widest = "portable";
            assert_eq!(used, widest, "the CPU's widest vectors are {widest}; the scanner used {used}");
        }
    }
}
