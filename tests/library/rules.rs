//! The character rules GB004-GB014 through `gbcheck::check::check_bytes`, in GB 18030 input
//! and in UTF-8 input, with positive and negative cases.
//!
//! Every expected position is computed by construction: inputs are built from pieces and the
//! span of each piece is recorded as it is appended. Every expected character, code and
//! rule comes from an independent source: encoding_rs 0.8.44 (WHATWG and GBK), the
//! difference table `oracle/gb18030-edition-differences.tsv`, the levels table
//! `oracle/gb18030-2022-levels.tsv`, the lists of docs/gb18030.md and the contract of
//! docs/output.md.
//! (`tests/library/profiles.rs` shows that each profile is the converter it names; here the
//! converters themselves are the oracle.)
//!
//! Besides the hand-picked cases, [`every_scalar_model`] checks every Unicode scalar value,
//! as UTF-8 and as its GB 18030 code, under every profile, against a model of the contract
//! built from those sources alone.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::support::oracle::{
    code_of_pointer4, edition_table, encoding_rs_decode_one, encoding_rs_encode_one, every_scalar, glibc_gbk,
    hex, level_ranges, strict_2022_bytes, tsv_level_of, u, EditionTable, ED_2000, ED_2005, ED_2022,
    ED_GLIBC_236, ED_WHATWG,
};
use gbcheck::check::{check_bytes, Encoding, EncodingChoice, Options};
use gbcheck::finding::{Cause, Finding, Rule, Severity, Span};
use gbcheck::mapping::Encoded;
use gbcheck::profile::Profile;
use gbcheck::report::FileReport;
use gbcheck::rules::mojibake::MojibakeKind;
use gbcheck::rules::RuleSet;

// ---------------------------------------------------------------------------------------------
// Building inputs and reading reports
// ---------------------------------------------------------------------------------------------

/// An input built from pieces; `push` returns where each piece went.
#[derive(Default)]
struct Doc {
    bytes: Vec<u8>,
}

impl Doc {
    fn push(&mut self, piece: &[u8]) -> Span {
        let start = self.bytes.len() as u64;
        self.bytes.extend_from_slice(piece);
        Span { start, len: piece.len() as u32 }
    }
}

/// UTF-8 bytes of a character (std).
fn utf8(c: char) -> Vec<u8> {
    c.to_string().into_bytes()
}

/// Strict GB 18030-2022 bytes of a text, character by character, from the oracle.
fn gb(text: &str) -> Vec<u8> {
    text.chars().flat_map(strict_2022_bytes).collect()
}

/// The bytes of a text in an input encoding.
fn encode_in(input: Encoding, text: &str) -> Vec<u8> {
    match input {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Gb18030 => gb(text),
    }
}

fn choice(input: Encoding) -> EncodingChoice {
    match input {
        Encoding::Gb18030 => EncodingChoice::Gb18030,
        Encoding::Utf8 => EncodingChoice::Utf8,
    }
}

fn opts(input: Encoding, profile: Profile) -> Options {
    Options { encoding: choice(input), rules: RuleSet::new(profile), ..Options::default() }
}

fn with_level(input: Encoding, profile: Profile, level: u8) -> Options {
    let mut options = opts(input, profile);
    options.rules.level = Some(level);
    options
}

fn check(bytes: &[u8], options: &Options) -> FileReport {
    check_bytes(bytes, options)
}

/// A finding reduced to what the hand-written cases compare: rule, span and character.
type Seen = (Rule, Span, Option<char>);

fn seen(findings: &[Finding]) -> Vec<Seen> {
    findings.iter().map(|f| (f.rule, f.span, f.scalar)).collect()
}

fn of_rule(findings: &[Finding], rule: Rule) -> Vec<Seen> {
    seen(&findings.iter().filter(|f| f.rule == rule).copied().collect::<Vec<_>>())
}

/// The findings of one rule, whole.
fn findings_of(findings: &[Finding], rule: Rule) -> Vec<Finding> {
    findings.iter().filter(|f| f.rule == rule).copied().collect()
}

/// A character-level finding with the rule's default severity.
fn char_finding(rule: Rule, span: Span, cause: Cause, c: char) -> Finding {
    Finding::character(rule, span.start, span.len, cause, c)
}

const ALL_PROFILES: [Profile; 5] = Profile::ALL;
const BOTH_INPUTS: [Encoding; 2] = [Encoding::Gb18030, Encoding::Utf8];

/// The 15 codes removed from the 2022 repertoire (docs/gb18030.md, "Editions").
const REMOVED: [[u8; 2]; 15] = [
    [0xFE, 0x51],
    [0xFE, 0x52],
    [0xFE, 0x53],
    [0xFE, 0x6C],
    [0xFE, 0x76],
    [0xFE, 0x91],
    [0xFD, 0x9C],
    [0xFD, 0x9D],
    [0xFD, 0x9E],
    [0xFD, 0x9F],
    [0xFD, 0xA0],
    [0xFE, 0x40],
    [0xFE, 0x41],
    [0xFE, 0x47],
    [0xFE, 0x49],
];

/// Private use (Unicode General_Category Co): U+E000-U+F8FF and planes 15 and 16
/// (docs/output.md, "Rules", GB007).
fn is_pua(c: char) -> bool {
    matches!(u32::from(c), 0xE000..=0xF8FF | 0xF_0000..=0xF_FFFD | 0x10_0000..=0x10_FFFD)
}

/// GB012 as docs/output.md ("Rules") words it: C0 controls except TAB, LF, CR; DEL; C1
/// controls; NUL.
fn is_reported_control(c: char) -> bool {
    let s = u32::from(c);
    (s < 0x20 && !matches!(s, 0x09 | 0x0A | 0x0D)) || (0x7F..=0x9F).contains(&s)
}

/// The decode rows of the difference table on which 2000, 2005, 2022 and WHATWG disagree.
fn differing_decode_rows() -> Vec<(Vec<u8>, [Option<char>; 6])> {
    edition_table().decode.iter().filter(|(_, row)| EditionTable::decode_row_differs(row)).cloned().collect()
}

/// The encode rows of the difference table on which 2000, 2005, 2022 and WHATWG disagree.
fn differing_encode_rows() -> Vec<(char, [Option<Vec<u8>>; 6])> {
    edition_table().encode.iter().filter(|(_, row)| EditionTable::encode_row_differs(row)).cloned().collect()
}

/// Whether the difference table lists `code` with 2000, 2005, 2022 and WHATWG disagreeing.
fn is_edition_sensitive_code(code: &[u8]) -> bool {
    static CODES: OnceLock<HashSet<Vec<u8>>> = OnceLock::new();
    CODES.get_or_init(|| differing_decode_rows().into_iter().map(|(b, _)| b).collect()).contains(code)
}

/// Whether the difference table lists `c` with 2000, 2005, 2022 and WHATWG disagreeing.
fn is_edition_sensitive_scalar(c: char) -> bool {
    static SCALARS: OnceLock<HashSet<char>> = OnceLock::new();
    SCALARS.get_or_init(|| differing_encode_rows().into_iter().map(|(c, _)| c).collect()).contains(&c)
}

/// The difference table's column for a profile (GBK: WHATWG, encoding_rs's GBK decoder is its
/// GB18030 decoder).
fn column(profile: Profile) -> usize {
    match profile {
        Profile::Gb18030_2005 => ED_2005,
        Profile::Gb18030_2022 => ED_2022,
        Profile::Whatwg | Profile::Gbk => ED_WHATWG,
        Profile::Cp936 => unreachable!("code page 936 is not a column of the table: see glibc_gbk"),
        other => panic!("no column of the difference table for {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// GB004 round-trip-mismatch
// ---------------------------------------------------------------------------------------------

/// The 20 codes that change on a WHATWG decode-encode round trip: `80`, `A3A0` and the 18
/// four-byte codes where the table's strict and WHATWG columns differ.
fn whatwg_changing_codes() -> Vec<Vec<u8>> {
    let mut codes = vec![vec![0x80], vec![0xA3, 0xA0]];
    codes.extend(
        edition_table()
            .decode
            .iter()
            .filter(|(b, row)| b.len() == 4 && row[ED_2022] != row[ED_WHATWG])
            .map(|(b, _)| b.clone()),
    );
    assert_eq!(codes.len(), 20);
    codes
}

/// The 18 PUA scalars that change on a WHATWG encode-decode round trip (docs/gb18030.md,
/// "WHATWG and encoding_rs").
fn whatwg_changing_scalars() -> Vec<char> {
    let mut scalars: Vec<char> = ('\u{E78D}'..='\u{E796}').collect();
    scalars.extend([
        '\u{E81E}', '\u{E826}', '\u{E82B}', '\u{E82C}', '\u{E832}', '\u{E843}', '\u{E854}', '\u{E864}',
    ]);
    scalars
}

#[test]
fn gb004_whatwg_gb_input_each_changing_code() {
    let oracle = encoding_rs::GB18030;
    for code in whatwg_changing_codes() {
        let mut doc = Doc::default();
        doc.push(b"x ");
        let span = doc.push(&code);
        doc.push(b" y\n");
        let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Whatwg)).findings;
        // encoding_rs: what the code decodes to and what that encodes back to.
        let c = encoding_rs_decode_one(oracle, &code).expect("WHATWG decodes it");
        let back = encoding_rs_encode_one(oracle, c).expect("WHATWG encodes it");
        assert_ne!(back, code);
        let cause =
            Cause::ReEncodes { profile: Profile::Whatwg, scalar: c, code: Encoded::from_bytes(&back) };
        assert_eq!(
            findings_of(&findings, Rule::RoundTripMismatch),
            [char_finding(Rule::RoundTripMismatch, span, cause, c)],
            "[{}] under whatwg",
            hex(&code)
        );
        // Every one is edition-sensitive too, and nothing is invalid: WHATWG decodes them all.
        assert_eq!(of_rule(&findings, Rule::EditionSensitive), [(Rule::EditionSensitive, span, Some(c))]);
        assert_eq!(of_rule(&findings, Rule::InvalidSequence), [], "[{}]", hex(&code));
    }
}

#[test]
fn gb004_whatwg_gb_input_all_twenty_in_one_text_and_nothing_else() {
    let mut doc = Doc::default();
    let mut spans = Vec::new();
    // Ordinary text around them: 中文 (D6D0 CEC4), an ideographic space A1A1, ASCII.
    doc.push(&gb("中文\u{3000}abc "));
    for code in whatwg_changing_codes() {
        spans.push(doc.push(&code));
        doc.push(&gb("，中文 "));
    }
    let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Whatwg)).findings;
    let got: Vec<Span> = findings_of(&findings, Rule::RoundTripMismatch).iter().map(|f| f.span).collect();
    assert_eq!(got, spans);
}

#[test]
fn gb004_whatwg_utf8_input_the_18_pua_scalars() {
    let oracle = encoding_rs::GB18030;
    let mut doc = Doc::default();
    let mut expected = Vec::new();
    doc.push("中文 ".as_bytes());
    for c in whatwg_changing_scalars() {
        let span = doc.push(&utf8(c));
        doc.push(b" ");
        let code = encoding_rs_encode_one(oracle, c).expect("WHATWG encodes it");
        let back = encoding_rs_decode_one(oracle, &code).expect("and decodes that");
        assert_ne!(back, c);
        let cause =
            Cause::ReDecodes { profile: Profile::Whatwg, code: Encoded::from_bytes(&code), scalar: back };
        expected.push(char_finding(Rule::RoundTripMismatch, span, cause, c));
    }
    let findings = check(&doc.bytes, &opts(Encoding::Utf8, Profile::Whatwg)).findings;
    assert_eq!(findings_of(&findings, Rule::RoundTripMismatch), expected);
}

#[test]
fn gb004_never_under_the_strict_editions() {
    for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005] {
        let mut doc = Doc::default();
        for code in whatwg_changing_codes().iter().filter(|c| c[..] != [0x80]) {
            doc.push(code);
            doc.push(b" ");
        }
        let findings = check(&doc.bytes, &opts(Encoding::Gb18030, profile)).findings;
        assert_eq!(of_rule(&findings, Rule::RoundTripMismatch), [], "{profile}, GB 18030 input");
        assert_eq!(of_rule(&findings, Rule::InvalidSequence), [], "{profile}, GB 18030 input");

        let text: String = whatwg_changing_scalars().into_iter().chain(['\u{E5E5}', '\u{3000}']).collect();
        let findings = check(text.as_bytes(), &opts(Encoding::Utf8, profile)).findings;
        assert_eq!(of_rule(&findings, Rule::RoundTripMismatch), [], "{profile}, UTF-8 input");
        assert_eq!(of_rule(&findings, Rule::Unencodable), [], "{profile}, UTF-8 input");
    }
    // Under strict 2022 and 2005 the lone 80 is simply invalid.
    for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005] {
        let findings = check(b"a\x80b", &opts(Encoding::Gb18030, profile)).findings;
        assert_eq!(
            of_rule(&findings, Rule::InvalidSequence),
            [(Rule::InvalidSequence, Span { start: 1, len: 1 }, None)]
        );
        assert_eq!(of_rule(&findings, Rule::RoundTripMismatch), []);
    }
}

#[test]
fn gb004_gbk_gb_input() {
    let oracle = encoding_rs::GBK;
    // A3A0 decodes (code page 936 as WHATWG has it) to U+3000, which encodes as A1A1.
    let mut doc = Doc::default();
    doc.push(&gb("全角"));
    let span = doc.push(&[0xA3, 0xA0]);
    doc.push(&gb("空格\n"));
    let c = encoding_rs_decode_one(oracle, &[0xA3, 0xA0]).expect("GBK decodes A3A0");
    let back = encoding_rs_encode_one(oracle, c).expect("GBK encodes it");
    assert_eq!((c, &back[..]), ('\u{3000}', &[0xA1, 0xA1][..]));
    let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Gbk)).findings;
    let cause = Cause::ReEncodes { profile: Profile::Gbk, scalar: c, code: Encoded::from_bytes(&back) };
    assert_eq!(
        findings_of(&findings, Rule::RoundTripMismatch),
        [char_finding(Rule::RoundTripMismatch, span, cause, c)]
    );

    // The lone 80 is the euro sign in GBK and comes back as 80: no GB004, no GB001.
    assert_eq!(encoding_rs_encode_one(oracle, '\u{20AC}'), Some(vec![0x80]));
    let findings = check(b"5\x80\n", &opts(Encoding::Gb18030, Profile::Gbk)).findings;
    assert_eq!(of_rule(&findings, Rule::RoundTripMismatch), []);
    assert_eq!(of_rule(&findings, Rule::InvalidSequence), []);
    // A3A0 round-trips under strict 2022.
    let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Gb18030_2022)).findings;
    assert_eq!(of_rule(&findings, Rule::RoundTripMismatch), []);
}

// ---------------------------------------------------------------------------------------------
// GB005 edition-sensitive
// ---------------------------------------------------------------------------------------------

#[test]
fn gb005_every_differing_code_in_gb_input() {
    let rows = differing_decode_rows();
    assert_eq!(rows.len(), 40);
    for profile in ALL_PROFILES {
        for (code, row) in &rows {
            // A four-byte code is no code at all under GBK (GB006, below); the lone 80 is
            // invalid (GB001) under the strict editions, which have no such code.
            if profile == Profile::Gbk && code.len() == 4 {
                continue;
            }
            // Code page 936 has none of the codes the editions disagree on but `80` (U+20AC):
            // the others are GB006 there (`every_scalar_model`).
            if profile == Profile::Cp936 && code[..] != [0x80] {
                assert_eq!(glibc_gbk().decode.get(code), None, "[{}]", hex(code));
                continue;
            }
            let meaning = match profile {
                Profile::Cp936 => glibc_gbk().decode.get(code).copied(),
                _ => row[column(profile)],
            };
            let mut doc = Doc::default();
            doc.push(b"(");
            let span = doc.push(code);
            doc.push(b")\n");
            let findings = check(&doc.bytes, &opts(Encoding::Gb18030, profile)).findings;
            match meaning {
                Some(c) => assert_eq!(
                    findings_of(&findings, Rule::EditionSensitive),
                    [char_finding(
                        Rule::EditionSensitive,
                        span,
                        Cause::EditionSensitive { input: Encoding::Gb18030 },
                        c
                    )],
                    "[{}] under {profile}",
                    hex(code)
                ),
                None => {
                    assert_eq!(code[..], [0x80]);
                    assert_eq!(
                        findings_of(&findings, Rule::InvalidSequence),
                        [Finding::bytes(Rule::InvalidSequence, span.start, 1, Cause::BadLead(0x80))],
                        "80 under {profile}"
                    );
                }
            }
        }
    }
}

#[test]
fn gb005_every_differing_scalar_in_utf8_input() {
    let rows = differing_encode_rows();
    assert_eq!(rows.len(), 39);
    for profile in ALL_PROFILES {
        let mut doc = Doc::default();
        let mut expected = Vec::new();
        for (c, _) in &rows {
            doc.push(b"<");
            let span = doc.push(&utf8(*c));
            doc.push(b">");
            expected.push(char_finding(
                Rule::EditionSensitive,
                span,
                Cause::EditionSensitive { input: Encoding::Utf8 },
                *c,
            ));
        }
        let findings = check(&doc.bytes, &opts(Encoding::Utf8, profile)).findings;
        assert_eq!(findings_of(&findings, Rule::EditionSensitive), expected, "{profile}");
    }
}

#[test]
fn gb005_not_for_rows_that_differ_only_in_glibc_2_36() {
    let table = edition_table();
    let glibc_only: Vec<&(Vec<u8>, [Option<char>; 6])> =
        table.decode.iter().filter(|(_, row)| !EditionTable::decode_row_differs(row)).collect();
    // FE51 FE52 FE53 FE6C FE76 FE91: the same PUA scalar in every edition, a supplementary
    // ideograph in glibc 2.36 only.
    let codes: Vec<String> = glibc_only.iter().map(|(b, _)| hex(b)).collect();
    assert_eq!(codes, ["fe 51", "fe 52", "fe 53", "fe 6c", "fe 76", "fe 91"]);
    for (code, row) in glibc_only {
        assert_ne!(row[ED_2022], row[ED_GLIBC_236]);
        let c = row[ED_2022].expect("decodes");
        for input in BOTH_INPUTS {
            let mut doc = Doc::default();
            doc.push(b"a");
            let bytes = match input {
                Encoding::Gb18030 => code.clone(),
                Encoding::Utf8 => utf8(c),
            };
            let span = doc.push(&bytes);
            doc.push(b"b");
            let findings = check(&doc.bytes, &opts(input, Profile::Gb18030_2022)).findings;
            // Exactly GB007 (the scalar is private use) and GB014 (removed from 2022).
            assert_eq!(
                seen(&findings),
                [(Rule::PrivateUse, span, Some(c)), (Rule::RemovedCharacter, span, Some(c))],
                "[{}] as {input:?}",
                hex(code)
            );
        }
    }
    // The supplementary ideographs glibc 2.36 gave them are ordinary characters.
    let glibc_scalars: Vec<char> = table
        .encode
        .iter()
        .filter(|(c, row)| u32::from(*c) >= 0x1_0000 && !EditionTable::encode_row_differs(row))
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(glibc_scalars.len(), 6);
    for input in BOTH_INPUTS {
        let text: String = glibc_scalars.iter().collect();
        let findings = check(&encode_in(input, &text), &opts(input, Profile::Gb18030_2022)).findings;
        assert_eq!(seen(&findings), [], "{input:?}");
    }
}

#[test]
fn gb005_a_few_rows_by_hand() {
    // A8BC was U+E7C7 in 2000 and is U+1E3F since 2005; the table says so, and a file holding
    // it is edition-sensitive under every profile.
    let row = edition_table().decode_row(&[0xA8, 0xBC]).expect("A8BC row");
    assert_eq!((row[ED_2000], row[ED_2005]), (Some('\u{E7C7}'), Some('\u{1E3F}')));
    // Code page 936 has no A8BC (glibc's GBK charmap, Python's codec): GB006 there.
    assert_eq!(glibc_gbk().decode.get(&vec![0xA8, 0xBC]), None);
    let findings = check(b"\xA8\xBC", &opts(Encoding::Gb18030, Profile::Cp936)).findings;
    assert_eq!(seen(&findings), [(Rule::Unencodable, Span { start: 0, len: 2 }, Some('\u{1E3F}'))]);
    for profile in ALL_PROFILES.into_iter().filter(|&p| p != Profile::Cp936) {
        let findings = check(b"\xA8\xBC", &opts(Encoding::Gb18030, profile)).findings;
        assert_eq!(
            of_rule(&findings, Rule::EditionSensitive),
            [(Rule::EditionSensitive, Span { start: 0, len: 2 }, Some('\u{1E3F}'))]
        );
    }
    // Ordinary characters are not.
    for input in BOTH_INPUTS {
        let text = "中文，GB 18030 ａｂｃ ∑ € ḿ";
        let findings = check(&encode_in(input, text), &opts(input, Profile::Gb18030_2022)).findings;
        let positions: Vec<Span> =
            findings_of(&findings, Rule::EditionSensitive).iter().map(|f| f.span).collect();
        // Only ḿ (U+1E3F), the last character.
        let start = encode_in(input, "中文，GB 18030 ａｂｃ ∑ € ").len() as u64;
        let len = encode_in(input, "ḿ").len() as u32;
        assert_eq!(positions, [Span { start, len }], "{input:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// GB006 unencodable
// ---------------------------------------------------------------------------------------------

#[test]
fn gb006_e5e5_under_whatwg() {
    assert_eq!(encoding_rs_encode_one(encoding_rs::GB18030, '\u{E5E5}'), None, "encoding_rs");
    let mut doc = Doc::default();
    doc.push("前".as_bytes());
    let span = doc.push(&utf8('\u{E5E5}'));
    doc.push("后".as_bytes());
    let findings = check(&doc.bytes, &opts(Encoding::Utf8, Profile::Whatwg)).findings;
    assert_eq!(
        findings_of(&findings, Rule::Unencodable),
        [char_finding(Rule::Unencodable, span, Cause::Unencodable(Profile::Whatwg), '\u{E5E5}')]
    );
    // It is also edition-sensitive and private use; no GB004 (there is nothing to decode).
    assert_eq!(
        seen(&findings),
        [
            (Rule::EditionSensitive, span, Some('\u{E5E5}')),
            (Rule::Unencodable, span, Some('\u{E5E5}')),
            (Rule::PrivateUse, span, Some('\u{E5E5}'))
        ]
    );
    // The strict editions encode it (A3A0); GBK cannot either, as encoding_rs's GBK encoder says.
    for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005] {
        let findings = check(&doc.bytes, &opts(Encoding::Utf8, profile)).findings;
        assert_eq!(of_rule(&findings, Rule::Unencodable), [], "{profile}");
    }
    assert_eq!(encoding_rs_encode_one(encoding_rs::GBK, '\u{E5E5}'), None);
    let findings = check(&doc.bytes, &opts(Encoding::Utf8, Profile::Gbk)).findings;
    assert_eq!(of_rule(&findings, Rule::Unencodable), [(Rule::Unencodable, span, Some('\u{E5E5}'))]);
}

#[test]
fn gb006_characters_outside_gbk_in_utf8_input() {
    // An emoji, a Kangxi radical, U+00E4 and U+0080: four-byte codes in GB 18030, so nothing
    // in GBK; encoding_rs's GBK encoder agrees.
    let mut doc = Doc::default();
    let mut expected = Vec::new();
    for c in ['😀', '⼀', 'ä', '\u{20000}'] {
        assert_eq!(encoding_rs_encode_one(encoding_rs::GBK, c), None, "{}", u(c));
        doc.push(b"[");
        let span = doc.push(&utf8(c));
        doc.push(b"]");
        expected.push(char_finding(Rule::Unencodable, span, Cause::Unencodable(Profile::Gbk), c));
    }
    // GBK can encode these: the euro sign (80), 中 and the ideographic space.
    for c in ['€', '中', '\u{3000}'] {
        assert!(encoding_rs_encode_one(encoding_rs::GBK, c).is_some());
        doc.push(&utf8(c));
    }
    let findings = check(&doc.bytes, &opts(Encoding::Utf8, Profile::Gbk)).findings;
    assert_eq!(findings_of(&findings, Rule::Unencodable), expected);
    assert_eq!(seen(&findings).len(), expected.len(), "nothing else: {findings:?}");
}

#[test]
fn gb006_four_byte_codes_in_gb_input_under_gbk() {
    // Four-byte codes of GB 18030 (U+00E4, U+1F600, U+20000, U+4DB6), built with the oracle.
    for c in ['ä', '😀', '\u{20000}', '\u{4DB6}'] {
        let code = strict_2022_bytes(c);
        assert_eq!(code.len(), 4, "{}", u(c));
        let mut doc = Doc::default();
        doc.push(&gb("文字"));
        let span = doc.push(&code);
        doc.push(b"\n");
        let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Gbk)).findings;
        assert_eq!(
            findings,
            [char_finding(Rule::Unencodable, span, Cause::NotInProfile(Profile::Gbk), c)],
            "[{}] under gbk",
            hex(&code)
        );
        // The other profiles have the code.
        for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Whatwg] {
            let findings = check(&doc.bytes, &opts(Encoding::Gb18030, profile)).findings;
            assert_eq!(of_rule(&findings, Rule::Unencodable), [], "{profile}");
        }
    }
}

#[test]
fn gb006_every_four_byte_code_of_the_difference_table_under_gbk() {
    for (code, _) in edition_table().decode.iter().filter(|(b, _)| b.len() == 4) {
        let mut doc = Doc::default();
        doc.push(b"a");
        let span = doc.push(code);
        doc.push(b"b");
        let c = encoding_rs_decode_one(encoding_rs::GB18030, code).expect("a code");
        let strict = edition_table().decode_row(code).and_then(|row| row[ED_2022]).unwrap_or(c);
        let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Gbk)).findings;
        assert_eq!(
            findings,
            [char_finding(Rule::Unencodable, span, Cause::NotInProfile(Profile::Gbk), strict)],
            "[{}] under gbk",
            hex(code)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// GB007 private-use
// ---------------------------------------------------------------------------------------------

#[test]
fn gb007_two_byte_user_defined_codes() {
    // The three user-defined areas of docs/gb18030.md, "User-defined areas and private use",
    // first and last code of each, and A2AB (an unassigned GBK position mapped to the PUA).
    let codes: [[u8; 2]; 7] =
        [[0xAA, 0xA1], [0xAF, 0xFE], [0xF8, 0xA1], [0xFE, 0xFE], [0xA1, 0x40], [0xA7, 0xA0], [0xA2, 0xAB]];
    let scalars = ['\u{E000}', '\u{E233}', '\u{E234}', '\u{E4C5}', '\u{E4C6}', '\u{E765}', '\u{E766}'];
    // Code page 936 has none of these codes (glibc's GBK charmap): GB006 and nothing else.
    let mut doc = Doc::default();
    let mut expected = Vec::new();
    for (code, &c) in codes.iter().zip(&scalars) {
        assert_eq!(glibc_gbk().decode.get(&code[..]), None, "[{}]", hex(code));
        doc.push(b" ");
        expected.push((Rule::Unencodable, doc.push(code), Some(c)));
    }
    assert_eq!(seen(&check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Cp936)).findings), expected);
    for profile in ALL_PROFILES.into_iter().filter(|&p| p != Profile::Cp936) {
        let mut doc = Doc::default();
        let mut expected = Vec::new();
        for (code, &c) in codes.iter().zip(&scalars) {
            assert_eq!(encoding_rs_decode_one(encoding_rs::GB18030, code), Some(c), "encoding_rs");
            doc.push(b" ");
            let span = doc.push(code);
            expected.push((Rule::PrivateUse, span, Some(c)));
        }
        let findings = check(&doc.bytes, &opts(Encoding::Gb18030, profile)).findings;
        assert_eq!(seen(&findings), expected, "{profile}");

        // The same characters as UTF-8.
        let text: String = scalars.iter().collect();
        let findings = check(text.as_bytes(), &opts(Encoding::Utf8, profile)).findings;
        let mut at = 0;
        let expected: Vec<Seen> = scalars
            .iter()
            .map(|&c| {
                let span = Span { start: at, len: c.len_utf8() as u32 };
                at += c.len_utf8() as u64;
                (Rule::PrivateUse, span, Some(c))
            })
            .collect();
        assert_eq!(of_rule(&findings, Rule::PrivateUse), expected, "{profile}, UTF-8");
    }
}

#[test]
fn gb007_planes_15_and_16_in_utf8_input() {
    let pua = ['\u{F0000}', '\u{F1234}', '\u{FFFFD}', '\u{100000}', '\u{10FFFD}', '\u{E000}', '\u{F8FF}'];
    // Not private use: the noncharacters at the end of the planes, and the neighbours.
    let not_pua = ['\u{FFFFE}', '\u{FFFFF}', '\u{10FFFE}', '\u{10FFFF}', '\u{EFFFF}', '\u{F900}', '\u{D7FF}'];
    let mut doc = Doc::default();
    let mut expected = Vec::new();
    for c in pua {
        let span = doc.push(&utf8(c));
        doc.push(b" ");
        expected.push((Rule::PrivateUse, span, Some(c)));
    }
    for c in not_pua {
        doc.push(&utf8(c));
        doc.push(b" ");
    }
    for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Whatwg] {
        let findings = check(&doc.bytes, &opts(Encoding::Utf8, profile)).findings;
        assert_eq!(of_rule(&findings, Rule::PrivateUse), expected, "{profile}");
    }
    // And as GB 18030.
    let mut doc = Doc::default();
    let mut expected = Vec::new();
    for c in pua {
        let span = doc.push(&strict_2022_bytes(c));
        doc.push(b" ");
        expected.push((Rule::PrivateUse, span, Some(c)));
    }
    for c in not_pua {
        doc.push(&strict_2022_bytes(c));
        doc.push(b" ");
    }
    let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Gb18030_2022)).findings;
    assert_eq!(of_rule(&findings, Rule::PrivateUse), expected);
}

#[test]
fn gb007_a6d9_is_private_use_under_2005_only() {
    let row = edition_table().decode_row(&[0xA6, 0xD9]).expect("A6D9 row");
    let (old, new) = (row[ED_2005].expect("2005"), row[ED_2022].expect("2022"));
    assert_eq!((old, new), ('\u{E78D}', '\u{FE10}'));
    let mut doc = Doc::default();
    doc.push(&gb("标点"));
    let span = doc.push(&[0xA6, 0xD9]);
    doc.push(b"\n");
    let findings = check(&doc.bytes, &opts(Encoding::Gb18030, Profile::Gb18030_2005)).findings;
    assert_eq!(
        seen(&findings),
        [(Rule::EditionSensitive, span, Some(old)), (Rule::PrivateUse, span, Some(old))]
    );
    for profile in [Profile::Gb18030_2022, Profile::Whatwg, Profile::Gbk] {
        let findings = check(&doc.bytes, &opts(Encoding::Gb18030, profile)).findings;
        assert_eq!(seen(&findings), [(Rule::EditionSensitive, span, Some(new))], "{profile}");
    }
}

// ---------------------------------------------------------------------------------------------
// GB008 wrong-encoding
// ---------------------------------------------------------------------------------------------

#[test]
fn gb008_utf8_where_gb18030_is_expected() {
    // Valid UTF-8 with non-ASCII, and with characters that would fire other rules if it were
    // read as UTF-8 (U+E000, U+FEFF, a NUL): a single finding, nothing else.
    let mut doc = Doc::default();
    doc.push(b"msgid \"hello\"\n");
    let first = doc.push("你好".as_bytes());
    doc.push("\u{E000}\u{FEFF}\0 世界\n".as_bytes());
    assert!(std::str::from_utf8(&doc.bytes).is_ok());
    for profile in ALL_PROFILES {
        let report = check(&doc.bytes, &opts(Encoding::Gb18030, profile));
        assert_eq!(report.findings.len(), 1, "{profile}: {:?}", report.findings);
        let f = report.findings[0];
        assert_eq!(f.rule, Rule::WrongEncoding);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.cause,
            Cause::WrongEncoding { expected: Encoding::Gb18030, first_non_ascii: first.start }
        );
        assert_eq!(f.span.start, 0);
        assert_eq!((report.counts.findings, report.counts.errors, report.counts.warnings), (1, 1, 0));
        assert_eq!(report.encoding, Encoding::Gb18030);
    }
}

#[test]
fn gb008_gb18030_where_utf8_is_expected() {
    let mut doc = Doc::default();
    doc.push(b"title = ");
    let first = doc.push(&gb("中文标题"));
    doc.push(b"\n");
    assert!(std::str::from_utf8(&doc.bytes).is_err());
    let report = check(&doc.bytes, &opts(Encoding::Utf8, Profile::Gb18030_2022));
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].rule, Rule::WrongEncoding);
    assert_eq!(
        report.findings[0].cause,
        Cause::WrongEncoding { expected: Encoding::Utf8, first_non_ascii: first.start }
    );
    // GB 18030 text with an invalid byte in it is not "clean GB 18030": no GB008, the UTF-8
    // errors are reported instead.
    let mut broken = doc.bytes.clone();
    broken.extend_from_slice(b"\xFF\n");
    let report = check(&broken, &opts(Encoding::Utf8, Profile::Gb18030_2022));
    assert_eq!(of_rule(&report.findings, Rule::WrongEncoding), []);
    assert!(!of_rule(&report.findings, Rule::InvalidSequence).is_empty());
}

#[test]
fn gb008_gbk_text_with_a_euro_sign_where_utf8_is_expected() {
    let mut doc = Doc::default();
    let euro = doc.push(&[0x80]);
    doc.push(b"100 ");
    doc.push(&gb("中文\n"));
    for profile in [Profile::Gbk, Profile::Whatwg] {
        // The bytes are valid text under the profile: encoding_rs decodes them without error.
        let oracle = if profile == Profile::Gbk { encoding_rs::GBK } else { encoding_rs::GB18030 };
        let (text, had_errors) = oracle.decode_without_bom_handling(&doc.bytes);
        assert!(!had_errors);
        assert_eq!(text, "€100 中文\n");
        let report = check(&doc.bytes, &opts(Encoding::Utf8, profile));
        assert_eq!(
            report.findings.iter().map(|f| (f.rule, f.cause)).collect::<Vec<_>>(),
            [(
                Rule::WrongEncoding,
                Cause::WrongEncoding { expected: Encoding::Utf8, first_non_ascii: euro.start }
            )],
            "{profile}"
        );
    }
}

#[test]
fn gb008_not_under_auto_nor_for_pure_ascii() {
    let utf8_text = "你好，世界\n".as_bytes().to_vec();
    let gb_text = gb("你好，世界\n");
    for profile in ALL_PROFILES {
        for bytes in [&utf8_text, &gb_text] {
            let options = Options { rules: RuleSet::new(profile), ..Options::default() };
            assert_eq!(options.encoding, EncodingChoice::Auto);
            let report = check(bytes, &options);
            assert_eq!(of_rule(&report.findings, Rule::WrongEncoding), [], "{profile}");
        }
        // Auto picks UTF-8 for the one and GB 18030 for the other.
        let auto = Options { rules: RuleSet::new(profile), ..Options::default() };
        assert_eq!(check(&utf8_text, &auto).encoding, Encoding::Utf8);
        assert_eq!(check(&gb_text, &auto).encoding, Encoding::Gb18030);
        for input in BOTH_INPUTS {
            let report = check(b"plain ASCII text, 123\n", &opts(input, profile));
            assert_eq!(seen(&report.findings), [], "{profile} {input:?}");
        }
    }
    // With GB008 off, the UTF-8 text is checked as GB 18030 like any other bytes.
    let mut options = opts(Encoding::Gb18030, Profile::Gb18030_2022);
    options.rules.set_severity(Rule::WrongEncoding, None);
    let report = check(&utf8_text, &options);
    assert_eq!(of_rule(&report.findings, Rule::WrongEncoding), []);
}

// ---------------------------------------------------------------------------------------------
// GB009 mojibake
// ---------------------------------------------------------------------------------------------

/// The mojibake samples: the text, its kind, and the original it garbles.
fn mojibake_samples() -> Vec<(&'static str, MojibakeKind)> {
    vec![
        // 你好 (E4 BD A0 E5 A5 BD) read as GBK.
        ("浣犲ソ", MojibakeKind::Utf8AsGbk),
        // 你好 in GBK (C4 E3 BA C3) read as Latin-1.
        ("ÄãºÃ", MojibakeKind::GbkAsLatin1),
        // E4 BD A0 E5 A5 BD read as Windows-1252: A0 is the no-break space.
        ("ä½\u{A0}å¥½", MojibakeKind::Utf8AsWindows1252),
        // Two U+FFFD (EF BF BD EF BF BD) read as GBK.
        ("锟斤拷", MojibakeKind::ReplacementAsGbk),
        // Uninitialised memory: CC CC ... and CD CD ... read as GBK.
        ("烫烫烫", MojibakeKind::Uninitialized),
        ("屯屯屯", MojibakeKind::Uninitialized),
    ]
}

#[test]
fn gb009_the_samples_are_what_they_say() {
    // Check the samples themselves with encoding_rs: re-encoding each with the wrong decoder's
    // encoding gives the original bytes.
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let latin1 = |s: &str| {
        s.chars().map(|c| encoding_rs::WINDOWS_1252.encode(&c.to_string()).0[0]).collect::<Vec<u8>>()
    };
    assert_eq!(gbk("浣犲ソ"), "你好".as_bytes());
    assert_eq!(latin1("ÄãºÃ"), gbk("你好"));
    assert_eq!(latin1("ä½\u{A0}å¥½"), "你好".as_bytes());
    assert_eq!(gbk("锟斤拷"), "\u{FFFD}\u{FFFD}".as_bytes());
    assert_eq!(gbk("烫烫烫"), [0xCC; 6]);
    assert_eq!(gbk("屯屯屯"), [0xCD; 6]);
}

#[test]
fn gb009_each_sample_in_utf8_and_gb18030_input() {
    // Right after the context, and after characters that read as single bytes (93, 97, A0,
    // 85) that begin no repair: a run that began at them would hide the sample.
    for input in BOTH_INPUTS {
        for before in ["", "“", "——", "\u{A0}", "……"] {
            for (text, kind) in mojibake_samples() {
                let mut doc = Doc::default();
                // Real GB 18030 context that is not valid UTF-8 (so that GB008 stays quiet).
                doc.push(&encode_in(input, "正文："));
                doc.push(&encode_in(input, before));
                let span = doc.push(&encode_in(input, text));
                doc.push(&encode_in(input, " 结束。\n"));
                let findings = check(&doc.bytes, &opts(input, Profile::Gb18030_2022)).findings;
                assert_eq!(
                    findings_of(&findings, Rule::Mojibake),
                    [Finding::bytes(Rule::Mojibake, span.start, span.len, Cause::Mojibake { kind, input })],
                    "{before:?} {text:?} as {input:?}"
                );
                assert_eq!(seen(&findings).len(), 1, "only GB009: {findings:?}");
            }
        }
    }
}

#[test]
fn gb009_all_samples_in_one_text_with_offsets() {
    for input in BOTH_INPUTS {
        let mut doc = Doc::default();
        let mut expected = Vec::new();
        doc.push(&encode_in(input, "日志：\n"));
        for (i, (text, kind)) in mojibake_samples().into_iter().enumerate() {
            doc.push(format!("{i}. ").as_bytes());
            let span = doc.push(&encode_in(input, text));
            doc.push(&encode_in(input, "；正常文字\n"));
            expected.push(Finding::bytes(
                Rule::Mojibake,
                span.start,
                span.len,
                Cause::Mojibake { kind, input },
            ));
        }
        let findings = check(&doc.bytes, &opts(input, Profile::Gb18030_2022)).findings;
        assert_eq!(findings_of(&findings, Rule::Mojibake), expected, "{input:?}");
    }
}

#[test]
fn gb009_not_on_ordinary_text() {
    let texts = [
        "你好，世界。春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
        "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
        "中华人民共和国国家标准《信息技术 中文编码字符集》规定了图形字符的编码。",
        "请在提交前运行测试；如有问题，请联系维护者。滚烫的茶，烫手。",
        "Grüße aus München! Müller · Zoë · café · naïve façade · Ærøskøbing · señor",
        "äänestää, yöö, Öö, Ça va? «À bientôt» — ½ × ¼ ± ° © ® ¥ £",
        "Ελληνικά, Русский текст, Português: coração, ação; Español: ¿Qué tal? ¡Olé!",
    ];
    for input in BOTH_INPUTS {
        for text in texts {
            let findings = check(&encode_in(input, text), &opts(input, Profile::Gb18030_2022)).findings;
            assert_eq!(of_rule(&findings, Rule::Mojibake), [], "{text:?} as {input:?}");
        }
    }
    // Two fill characters are not a run.
    let findings = check("烫烫".as_bytes(), &opts(Encoding::Utf8, Profile::Gb18030_2022)).findings;
    assert_eq!(of_rule(&findings, Rule::Mojibake), []);
}

// ---------------------------------------------------------------------------------------------
// GB010 outside-level
// ---------------------------------------------------------------------------------------------

/// A level-2 ideograph from the levels table (a TGSCC row).
fn a_level_2_scalar() -> char {
    let (first, _, _) = *level_ranges().iter().find(|(_, _, level)| *level == 2).expect("a level-2 row");
    char::from_u32(first).expect("a scalar")
}

#[test]
fn gb010_against_the_levels_table() {
    let level2 = a_level_2_scalar();
    // U+20000 (Ext B, level 3), a level-2 ideograph, U+4DB6 (after Ext A: no level), U+30000
    // (Ext G: no level), U+2F00 (Kangxi radical: level 3), 中 and A (level 1).
    let scalars = ['\u{20000}', level2, '\u{4DB6}', '\u{30000}', '\u{2F00}', '中', 'A', '\u{9FA6}'];
    let levels: Vec<Option<u8>> = scalars.iter().map(|&c| tsv_level_of(c)).collect();
    assert_eq!(levels, [Some(3), Some(2), None, None, Some(3), Some(1), Some(1), Some(1)]);
    for input in BOTH_INPUTS {
        let mut doc = Doc::default();
        let mut spans = Vec::new();
        for &c in &scalars {
            doc.push(b" ");
            spans.push(doc.push(&encode_in(input, &c.to_string())));
        }
        for level in 1..=3u8 {
            let findings = check(&doc.bytes, &with_level(input, Profile::Gb18030_2022, level)).findings;
            let expected: Vec<Finding> = scalars
                .iter()
                .zip(&spans)
                .zip(&levels)
                .filter(|(_, actual)| actual.is_none_or(|n| n > level))
                .map(|((&c, &span), &actual)| {
                    char_finding(Rule::OutsideLevel, span, Cause::OutsideLevel { level, actual }, c)
                })
                .collect();
            assert_eq!(findings_of(&findings, Rule::OutsideLevel), expected, "level {level}, {input:?}");
        }
        // Off without a level.
        let findings = check(&doc.bytes, &opts(input, Profile::Gb18030_2022)).findings;
        assert_eq!(of_rule(&findings, Rule::OutsideLevel), [], "{input:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// GB011 byte-order-mark
// ---------------------------------------------------------------------------------------------

#[test]
fn gb011_boms_at_the_start_and_feff_inside() {
    let bom = '\u{FEFF}';
    assert_eq!(strict_2022_bytes(bom), [0x84, 0x31, 0x95, 0x33], "docs/gb18030.md, Byte order mark");
    for input in BOTH_INPUTS {
        let mut doc = Doc::default();
        let start = doc.push(&encode_in(input, "\u{FEFF}"));
        doc.push(&encode_in(input, "文本"));
        let inside = doc.push(&encode_in(input, "\u{FEFF}"));
        doc.push(&encode_in(input, "结束\n"));
        assert_eq!(start.len, if input == Encoding::Utf8 { 3 } else { 4 });
        let expected = [
            char_finding(Rule::ByteOrderMark, start, Cause::ByteOrderMark, bom),
            char_finding(Rule::ByteOrderMark, inside, Cause::Character, bom),
        ];
        for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Whatwg] {
            let findings = check(&doc.bytes, &opts(input, profile)).findings;
            assert_eq!(findings, expected, "{profile} {input:?}");
            // Auto finds the encoding (a UTF-8 BOM says UTF-8) and the same findings.
            let auto = Options { rules: RuleSet::new(profile), ..Options::default() };
            let report = check(&doc.bytes, &auto);
            assert_eq!(report.encoding, input);
            assert_eq!(report.findings, expected, "{profile} auto");
        }
    }
    // A UTF-8 BOM before plain ASCII: auto reads UTF-8.
    let report = check(b"\xEF\xBB\xBFascii\n", &Options::default());
    assert_eq!(report.encoding, Encoding::Utf8);
    assert_eq!(seen(&report.findings), [(Rule::ByteOrderMark, Span { start: 0, len: 3 }, Some(bom))]);
}

// ---------------------------------------------------------------------------------------------
// GB012 control-character
// ---------------------------------------------------------------------------------------------

/// Every control character of GB012, and the three that are not reported.
fn controls() -> (Vec<char>, Vec<char>) {
    let reported: Vec<char> = (0u32..0x20)
        .filter(|c| !matches!(c, 0x09 | 0x0A | 0x0D))
        .chain(0x7F..=0x9F)
        .map(|c| char::from_u32(c).expect("a scalar"))
        .collect();
    assert_eq!(reported.len(), 29 + 1 + 32);
    (reported, vec!['\t', '\n', '\r'])
}

#[test]
fn gb012_controls_in_both_inputs() {
    let (reported, quiet) = controls();
    for input in BOTH_INPUTS {
        let mut doc = Doc::default();
        let mut expected = Vec::new();
        for &c in &reported {
            doc.push(b"x");
            let span = doc.push(&encode_in(input, &c.to_string()));
            expected.push(char_finding(Rule::ControlCharacter, span, Cause::Character, c));
        }
        for &c in &quiet {
            doc.push(b"y");
            doc.push(&encode_in(input, &c.to_string()));
        }
        for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Whatwg] {
            let findings = check(&doc.bytes, &opts(input, profile)).findings;
            assert_eq!(findings, expected, "{profile} {input:?}");
        }
    }
}

#[test]
fn gb012_c1_controls_are_the_first_four_byte_codes() {
    // GB 18030 maps U+0080.. to the first four-byte codes, 81308130 onwards.
    for i in 0..32u32 {
        let c = char::from_u32(0x80 + i).expect("a scalar");
        assert_eq!(strict_2022_bytes(c), code_of_pointer4(i), "{}", u(c));
    }
    let findings = check(b"\x81\x30\x81\x30", &opts(Encoding::Gb18030, Profile::Gb18030_2022)).findings;
    assert_eq!(seen(&findings), [(Rule::ControlCharacter, Span { start: 0, len: 4 }, Some('\u{80}'))]);
    // NUL alone, and at the end.
    let findings = check(b"\0a\0", &opts(Encoding::Gb18030, Profile::Gb18030_2022)).findings;
    assert_eq!(
        seen(&findings),
        [
            (Rule::ControlCharacter, Span { start: 0, len: 1 }, Some('\0')),
            (Rule::ControlCharacter, Span { start: 2, len: 1 }, Some('\0'))
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// GB013 replacement-character, GB014 removed-character
// ---------------------------------------------------------------------------------------------

#[test]
fn gb013_replacement_character() {
    let c = char::REPLACEMENT_CHARACTER;
    assert_eq!(strict_2022_bytes(c), [0x84, 0x31, 0xA4, 0x37]);
    assert_eq!(utf8(c), [0xEF, 0xBF, 0xBD]);
    for input in BOTH_INPUTS {
        let mut doc = Doc::default();
        doc.push(&encode_in(input, "丢失了"));
        let first = doc.push(&encode_in(input, "\u{FFFD}"));
        let second = doc.push(&encode_in(input, "\u{FFFD}"));
        doc.push(&encode_in(input, "字\n"));
        for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Whatwg] {
            let findings = check(&doc.bytes, &opts(input, profile)).findings;
            assert_eq!(
                findings,
                [
                    char_finding(Rule::ReplacementCharacter, first, Cause::Character, c),
                    char_finding(Rule::ReplacementCharacter, second, Cause::Character, c)
                ],
                "{profile} {input:?}"
            );
        }
        // Negative: the characters around it are fine; an invalid byte is GB001, not GB013.
        let findings = check(&encode_in(input, "没有替换字符"), &opts(input, Profile::Gb18030_2022)).findings;
        assert_eq!(seen(&findings), []);
        let findings = check(b"a\xFFb", &opts(input, Profile::Gb18030_2022)).findings;
        let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [Rule::InvalidSequence], "{input:?}");
    }
}

#[test]
fn gb014_the_15_removed_codes() {
    for input in BOTH_INPUTS {
        let mut doc = Doc::default();
        let mut expected = Vec::new();
        for code in REMOVED {
            // The scalar every edition gives the code (the table lists none of them as
            // differing), from encoding_rs.
            let c = encoding_rs_decode_one(encoding_rs::GB18030, &code).expect("decodes");
            assert_eq!(strict_2022_bytes(c), code, "{}", u(c));
            doc.push(&encode_in(input, "「"));
            let span = doc.push(&match input {
                Encoding::Gb18030 => code.to_vec(),
                Encoding::Utf8 => utf8(c),
            });
            doc.push(&encode_in(input, "」"));
            if is_pua(c) {
                expected.push((Rule::PrivateUse, span, Some(c)));
            }
            expected.push((Rule::RemovedCharacter, span, Some(c)));
        }
        // Code page 936 lacks the six PUA ones (GB006 there): `every_scalar_model_cp936`.
        for profile in ALL_PROFILES.into_iter().filter(|&p| p != Profile::Cp936) {
            let findings = check(&doc.bytes, &opts(input, profile)).findings;
            assert_eq!(seen(&findings), expected, "{profile} {input:?}");
        }
    }
    // The six PUA ones and the nine compatibility ideographs.
    let pua = REMOVED
        .iter()
        .filter(|code| is_pua(encoding_rs_decode_one(encoding_rs::GB18030, &code[..]).unwrap()));
    assert_eq!(pua.count(), 6);
    // Their neighbours are not removed.
    for code in [[0xFE, 0x50], [0xFE, 0x54], [0xFD, 0x9B], [0xFE, 0x4F]] {
        let findings = check(&code, &opts(Encoding::Gb18030, Profile::Gb18030_2022)).findings;
        assert_eq!(of_rule(&findings, Rule::RemovedCharacter), [], "[{}]", hex(&code));
    }
}

// ---------------------------------------------------------------------------------------------
// Rule selection and severities
// ---------------------------------------------------------------------------------------------

/// A text that fires GB001, GB007, GB011, GB012, GB013 and GB014 in GB 18030 input.
fn many_findings() -> Vec<u8> {
    let mut doc = Doc::default();
    doc.push(&gb("\u{FEFF}文本"));
    doc.push(&[0xAA, 0xA1]); // U+E000
    doc.push(b"\x07");
    doc.push(&gb("\u{FFFD}"));
    doc.push(&[0xFD, 0x9C]); // removed
    doc.push(b"\xFF\n");
    doc.bytes
}

#[test]
fn set_severity_none_removes_a_rule() {
    let bytes = many_findings();
    let base = opts(Encoding::Gb18030, Profile::Gb18030_2022);
    let all = check(&bytes, &base);
    let rules: Vec<Rule> = all.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [
            Rule::ByteOrderMark,
            Rule::PrivateUse,
            Rule::ControlCharacter,
            Rule::ReplacementCharacter,
            Rule::RemovedCharacter,
            Rule::InvalidSequence
        ]
    );
    for rule in Rule::ALL {
        let mut options = base;
        options.rules.set_severity(*rule, None);
        assert_eq!(options.rules.severity(*rule), None);
        let report = check(&bytes, &options);
        let expected: Vec<Finding> = all.findings.iter().filter(|f| f.rule != *rule).copied().collect();
        assert_eq!(report.findings, expected, "{rule} off");
        assert_eq!(report.counts.findings, expected.len() as u64);
    }
    // All off: nothing.
    let mut options = base;
    for rule in Rule::ALL {
        options.rules.set_severity(*rule, None);
    }
    assert_eq!(check(&bytes, &options).findings, []);
}

#[test]
fn set_severity_changes_the_findings_and_the_counts() {
    let bytes = many_findings();
    let base = opts(Encoding::Gb18030, Profile::Gb18030_2022);
    let before = check(&bytes, &base);
    // One error (GB001) and five warnings by default.
    assert_eq!((before.counts.findings, before.counts.errors, before.counts.warnings), (6, 1, 5));
    for f in &before.findings {
        assert_eq!(f.severity, f.rule.default_severity());
    }
    let mut options = base;
    options.rules.set_severity(Rule::PrivateUse, Some(Severity::Error));
    options.rules.set_severity(Rule::InvalidSequence, Some(Severity::Warning));
    let after = check(&bytes, &options);
    assert_eq!((after.counts.findings, after.counts.errors, after.counts.warnings), (6, 1, 5));
    for (b, a) in before.findings.iter().zip(&after.findings) {
        let expected = match a.rule {
            Rule::PrivateUse => Severity::Error,
            Rule::InvalidSequence => Severity::Warning,
            _ => b.severity,
        };
        assert_eq!(a.severity, expected, "{}", a.rule);
        assert_eq!(Finding { severity: b.severity, ..*a }, *b);
    }
    options.rules.set_severity(Rule::ControlCharacter, Some(Severity::Error));
    let after = check(&bytes, &options);
    assert_eq!((after.counts.errors, after.counts.warnings), (2, 4));
    // GB010 has no effect without a level, and its severity applies with one.
    let mut options = base;
    options.rules.set_severity(Rule::OutsideLevel, Some(Severity::Warning));
    assert_eq!(options.rules.severity(Rule::OutsideLevel), None);
    options.rules.level = Some(1);
    assert_eq!(options.rules.severity(Rule::OutsideLevel), Some(Severity::Warning));
    let report = check(&gb("\u{20000}"), &options);
    assert_eq!(
        report.findings.iter().map(|f| (f.rule, f.severity)).collect::<Vec<_>>(),
        [(Rule::OutsideLevel, Severity::Warning)]
    );
    // max_findings keeps the first ones and counts them all.
    let mut options = base;
    options.max_findings = 2;
    let report = check(&bytes, &options);
    assert_eq!(report.findings, before.findings[..2]);
    assert_eq!(report.counts, before.counts);
}

// ---------------------------------------------------------------------------------------------
// The fast path never hides a finding: check_bytes == judge_char
// ---------------------------------------------------------------------------------------------

/// The scalars sampled: every 7th BMP scalar, every 997th beyond it, all scalars of the
/// difference table (both sections) and the strict scalars of its codes, and the controls.
fn sample_scalars() -> Vec<char> {
    let table = edition_table();
    let mut sample: Vec<char> = (0..0x1_0000u32)
        .step_by(7)
        .chain((0x1_0000..=0x10_FFFF).step_by(997))
        .filter_map(char::from_u32)
        .collect();
    sample.extend(table.encode.iter().map(|(c, _)| *c));
    sample.extend(table.decode.iter().filter_map(|(_, row)| row[ED_2022]));
    sample.extend(controls().0);
    sample.extend(['\u{FEFF}', '\u{FFFD}', '\u{E5E5}', '烫', '浣', 'Ä', '\u{A0}']);
    sample.sort_unstable();
    sample.dedup();
    sample
}

#[test]
fn check_bytes_reports_exactly_what_judge_char_says() {
    let sample = sample_scalars();
    let mut checked = 0;
    for profile in ALL_PROFILES {
        for level in [None, Some(1), Some(2), Some(3)] {
            for input in BOTH_INPUTS {
                let mut options = opts(input, profile);
                options.rules.level = level;
                // Some single GB 18030 characters are valid UTF-8 (C2 A0): keep GB008 out.
                options.rules.set_severity(Rule::WrongEncoding, None);
                for &c in &sample {
                    let bytes = encode_in(input, &c.to_string());
                    let len = bytes.len() as u32;
                    let mut expected = Vec::new();
                    options.rules.judge_char(input, c, &mut |rule, cause, scalar| {
                        // At offset 0, U+FEFF is a byte order mark (GB011, docs/output.md).
                        let cause = match (rule, cause) {
                            (Rule::ByteOrderMark, Cause::Character) => Cause::ByteOrderMark,
                            _ => cause,
                        };
                        let severity =
                            options.rules.severity(rule).expect("judge_char emits rules that are on");
                        expected
                            .push(Finding { severity, ..Finding::character(rule, 0, len, cause, scalar) });
                    });
                    expected.sort_by_key(|f| f.rule);
                    let report = check(&bytes, &options);
                    assert_eq!(
                        report.findings,
                        expected,
                        "{} as {input:?} under {profile}, level {level:?}",
                        u(c)
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200_000, "{checked}");
}

// ---------------------------------------------------------------------------------------------
// Every scalar, every profile: check_bytes against a model of the contract
// ---------------------------------------------------------------------------------------------

/// Every scalar in order, as UTF-8 and as strict GB 18030 (from the oracle), with the span of
/// each character in each.
struct EveryScalar {
    scalars: Vec<char>,
    utf8: Vec<u8>,
    utf8_spans: Vec<Span>,
    gb: Vec<u8>,
    gb_codes: Vec<Span>,
}

fn every_scalar_doc() -> &'static EveryScalar {
    static DOC: OnceLock<EveryScalar> = OnceLock::new();
    DOC.get_or_init(|| {
        let scalars: Vec<char> = every_scalar().collect();
        let mut utf8_doc = Doc::default();
        let mut gb_doc = Doc::default();
        let mut utf8_spans = Vec::with_capacity(scalars.len());
        let mut gb_codes = Vec::with_capacity(scalars.len());
        for &c in &scalars {
            utf8_spans.push(utf8_doc.push(&utf8(c)));
            gb_codes.push(gb_doc.push(&strict_2022_bytes(c)));
        }
        EveryScalar { scalars, utf8: utf8_doc.bytes, utf8_spans, gb: gb_doc.bytes, gb_codes }
    })
}

/// What a profile's converter does, from the oracles: encoding_rs for whatwg and gbk; the
/// difference table for 2005 (which `tests/library/profiles.rs` shows is ICU 72 exactly); strict 2022
/// is the bijection the oracle's encoding is.
fn model_decode(profile: Profile, code: &[u8], strict: char) -> Option<char> {
    match profile {
        Profile::Gb18030_2022 => Some(strict),
        Profile::Gb18030_2005 => match edition_table().decode_row(code) {
            Some(row) => row[ED_2005],
            None => Some(strict),
        },
        Profile::Whatwg => encoding_rs_decode_one(encoding_rs::GB18030, code),
        Profile::Gbk if code.len() == 4 => None,
        Profile::Gbk => encoding_rs_decode_one(encoding_rs::GBK, code),
        Profile::Cp936 => glibc_gbk().decode.get(code).copied(),
        other => panic!("no model of {other}"),
    }
}

/// How a profile encodes a scalar, from the same oracles; `None` when it cannot.
fn model_encode(profile: Profile, c: char) -> Option<Vec<u8>> {
    match profile {
        Profile::Gb18030_2022 => Some(strict_2022_bytes(c)),
        Profile::Gb18030_2005 => match edition_table().encode_row(c) {
            Some(row) => row[ED_2005].clone(),
            None => Some(strict_2022_bytes(c)),
        },
        Profile::Whatwg => encoding_rs_encode_one(encoding_rs::GB18030, c),
        Profile::Gbk => encoding_rs_encode_one(encoding_rs::GBK, c),
        Profile::Cp936 => glibc_gbk().encode.get(&c).cloned(),
        other => panic!("no model of {other}"),
    }
}

/// The findings the rules of docs/output.md give one character, from the model alone.
///
/// Where the contract leaves a choice open the model takes the one the checker documents:
/// the character rules judge what a GB 18030 code means under the profile (so a code the
/// profile does not have, a four-byte code under gbk, gets GB006 and nothing else); a
/// finding names that meaning as its character; a code whose meaning the profile cannot
/// encode back is GB006 rather than GB004; GB010 and GB014 look at the strict 2022 character
/// and code, whose levels and repertoire they are about.
fn model_findings(
    profile: Profile,
    level: Option<u8>,
    input: Encoding,
    c: char,
    span: Span,
    code: &[u8],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |rule: Rule, cause: Cause, scalar: char| out.push(char_finding(rule, span, cause, scalar));
    let meaning = match input {
        Encoding::Gb18030 => {
            let Some(meaning) = model_decode(profile, code, c) else {
                // A code the profile does not have (four-byte codes under gbk): GB006 only.
                push(Rule::Unencodable, Cause::NotInProfile(profile), c);
                return out;
            };
            match model_encode(profile, meaning) {
                Some(back) if back == code => {}
                Some(back) => push(
                    Rule::RoundTripMismatch,
                    Cause::ReEncodes { profile, scalar: meaning, code: Encoded::from_bytes(&back) },
                    meaning,
                ),
                None => push(Rule::Unencodable, Cause::Unencodable(profile), meaning),
            }
            if is_edition_sensitive_code(code) {
                push(Rule::EditionSensitive, Cause::EditionSensitive { input }, meaning);
            }
            meaning
        }
        Encoding::Utf8 => {
            match model_encode(profile, c) {
                None => push(Rule::Unencodable, Cause::Unencodable(profile), c),
                Some(bytes) => {
                    let back = match profile {
                        // A bijection: the code decodes back.
                        Profile::Gb18030_2022 | Profile::Gb18030_2005 => Some(c),
                        _ => model_decode(profile, &bytes, c),
                    };
                    if back != Some(c) {
                        let scalar = back.unwrap_or(char::REPLACEMENT_CHARACTER);
                        push(
                            Rule::RoundTripMismatch,
                            Cause::ReDecodes { profile, code: Encoded::from_bytes(&bytes), scalar },
                            c,
                        );
                    }
                }
            }
            if is_edition_sensitive_scalar(c) {
                push(Rule::EditionSensitive, Cause::EditionSensitive { input }, c);
            }
            c
        }
    };
    if is_pua(meaning) {
        push(Rule::PrivateUse, Cause::Character, meaning);
    }
    if meaning == '\u{FEFF}' {
        let cause = if span.start == 0 { Cause::ByteOrderMark } else { Cause::Character };
        push(Rule::ByteOrderMark, cause, meaning);
    }
    if is_reported_control(meaning) {
        push(Rule::ControlCharacter, Cause::Character, meaning);
    }
    if meaning == char::REPLACEMENT_CHARACTER {
        push(Rule::ReplacementCharacter, Cause::Character, meaning);
    }
    if REMOVED.iter().any(|r| r[..] == *code) {
        push(Rule::RemovedCharacter, Cause::Character, meaning);
    }
    if let Some(level) = level {
        let actual = tsv_level_of(c);
        if actual.is_none_or(|n| n > level) {
            push(Rule::OutsideLevel, Cause::OutsideLevel { level, actual }, meaning);
        }
    }
    out.sort_by_key(|f| f.rule);
    out
}

/// Checks every scalar under one profile and level as one input; `skip` leaves some codes
/// out of the comparison (a known bug, tested on its own).
fn every_scalar_model(profile: Profile, level: Option<u8>, input: Encoding, skip: &dyn Fn(&[u8]) -> bool) {
    let doc = every_scalar_doc();
    let (bytes, spans) = match input {
        Encoding::Gb18030 => (&doc.gb, &doc.gb_codes),
        Encoding::Utf8 => (&doc.utf8, &doc.utf8_spans),
    };
    let mut options = opts(input, profile);
    options.rules.level = level;
    let report = check(bytes, &options);
    let skipped = |span: &Span| skip(&doc.gb[doc.strict_code_at(span, input)]);
    // GB009 is about runs, not characters; it has its own tests.
    let got: Vec<Finding> =
        report.findings.iter().filter(|f| f.rule != Rule::Mojibake && !skipped(&f.span)).copied().collect();
    let mut expected = Vec::new();
    for (i, (&c, &span)) in doc.scalars.iter().zip(spans).enumerate() {
        let code = &doc.gb[doc.gb_codes[i].start as usize..doc.gb_codes[i].end() as usize];
        if skip(code) {
            continue;
        }
        expected.extend(model_findings(profile, level, input, c, span, code));
    }
    assert!(!expected.is_empty() || profile != Profile::Gbk, "the model expects nothing under gbk?");
    if got != expected {
        let first =
            got.iter().zip(&expected).position(|(g, e)| g != e).unwrap_or(got.len().min(expected.len()));
        panic!(
            "{profile}, level {level:?}, {input:?}: {} findings, the model says {}; first difference at #{first}:\n got      {:?}\n expected {:?}",
            got.len(),
            expected.len(),
            got.get(first),
            expected.get(first)
        );
    }
}

impl EveryScalar {
    /// The GB 18030 code (as a byte range of `gb`) of the character at `span` of the input.
    fn strict_code_at(&self, span: &Span, input: Encoding) -> std::ops::Range<usize> {
        let spans = match input {
            Encoding::Gb18030 => &self.gb_codes,
            Encoding::Utf8 => &self.utf8_spans,
        };
        let i = spans.partition_point(|s| s.start < span.start);
        assert_eq!(spans[i].start, span.start, "a finding that does not start at a character");
        let code = self.gb_codes[i];
        code.start as usize..code.end() as usize
    }
}

/// The 19 four-byte codes of the difference table, which gbk wrongly decodes (see
/// `gb006_every_four_byte_code_of_the_difference_table_under_gbk`).
fn gbk_four_byte_bug(code: &[u8]) -> bool {
    code.len() == 4 && edition_table().decode_row(code).is_some()
}

fn nothing(_: &[u8]) -> bool {
    false
}

#[test]
fn every_scalar_model_strict_editions() {
    for input in BOTH_INPUTS {
        every_scalar_model(Profile::Gb18030_2022, None, input, &nothing);
        every_scalar_model(Profile::Gb18030_2005, None, input, &nothing);
    }
}

#[test]
fn every_scalar_model_whatwg() {
    for input in BOTH_INPUTS {
        every_scalar_model(Profile::Whatwg, None, input, &nothing);
    }
}

#[test]
fn every_scalar_model_gbk() {
    every_scalar_model(Profile::Gbk, None, Encoding::Utf8, &nothing);
    every_scalar_model(Profile::Gbk, None, Encoding::Gb18030, &gbk_four_byte_bug);
}

#[test]
fn every_scalar_model_cp936() {
    // The model is glibc's GBK charmap (`oracle/glibc/GBK.gz`), read by the test itself.
    for input in BOTH_INPUTS {
        every_scalar_model(Profile::Cp936, None, input, &nothing);
    }
}

#[test]
fn every_scalar_model_levels() {
    for level in 1..=3 {
        for input in BOTH_INPUTS {
            every_scalar_model(Profile::Gb18030_2022, Some(level), input, &nothing);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// The library's sentences name no command and no option: what to run next is the binary's
/// to say (`src/cli/advice.rs`), and a library user may have no `gbcheck` command at all.
#[test]
fn messages_name_no_command_or_option() {
    let utf8_as_gb = check("标题 = 你好\n".as_bytes(), &opts(Encoding::Gb18030, Profile::Gb18030_2022));
    let gb_as_utf8 = check(&gb("标题 = 你好\n"), &opts(Encoding::Utf8, Profile::Gb18030_2022));
    let directive = b"gbcheck: ignore-line GB003.";
    let gb015 = gbcheck::suppress::invalid_directives(directive, 1, 0, Severity::Warning);
    let mut messages = Vec::new();
    for (report, bytes) in [(&utf8_as_gb, &[][..]), (&gb_as_utf8, &[][..])] {
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].rule, Rule::WrongEncoding);
        messages.push(report.findings[0].message(bytes));
    }
    assert_eq!(gb015.len(), 1);
    messages.push(gb015[0].message(directive));
    assert_eq!(
        messages,
        [
            "the file must be GB 18030 but it is valid UTF-8 (first non-ASCII byte at 0)",
            "the file must be UTF-8 but it is GB 18030 (first non-ASCII byte at 0)",
            "`GB003.` is not a rule id or name (did you mean `GB003`?): this suppression comment \
             suppresses nothing",
        ]
    );
}
