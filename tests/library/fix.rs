//! `gbcheck::fix`: which findings have an exact fix, and what applying fixes does.
//!
//! The stand-in lists are read from the oracle file itself (`oracle/gb18030-edition-differences.tsv`,
//! made from ICU 72 and Java 17), not from the tables the code generates; the properties run
//! over generated text in UTF-8 and GB 18030 with stand-ins, byte order marks, controls,
//! mojibake and invalid bytes mixed in.

use gbcheck::check::{check_bytes, EncodingChoice, Options};
use gbcheck::fix::{apply, fix_bytes, fix_of, migrated_code, stand_in_target, Edit, Fix};
use proptest::prelude::*;

use crate::support::oracle::{parse_hex_bytes, parse_scalar_or_err};

/// The oracle's decode table: (code, [2000, 2005, 2022, WHATWG, ...]).
fn decode_rows() -> Vec<(Vec<u8>, Vec<Option<char>>)> {
    let text = include_str!("../../oracle/gb18030-edition-differences.tsv");
    let decode = text.split("# encode differences").next().unwrap();
    decode
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("bytes") && !l.trim().is_empty())
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            (parse_hex_bytes(fields[0]), fields[1..].iter().map(|f| parse_scalar_or_err(f)).collect())
        })
        .collect()
}

fn is_pua(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The 2005 stand-ins: a code that 2005 reads as a private-use character and 2022 as a
/// standard one gives (stand-in, standard character).
fn oracle_stand_ins() -> Vec<(char, char)> {
    decode_rows()
        .into_iter()
        .filter_map(|(_, row)| match (row[1], row[2]) {
            (Some(old), Some(new)) if is_pua(old) && !is_pua(new) => Some((old, new)),
            _ => None,
        })
        .collect()
}

/// The four-byte codes that 2005 reads as a standard character and 2022 as a private-use
/// one, with the two-byte code 2022 gives that character.
fn oracle_migrations() -> Vec<(Vec<u8>, Vec<u8>)> {
    let rows = decode_rows();
    rows.iter()
        .filter_map(|(code, row)| match (row[1], row[2]) {
            (Some(old), Some(new)) if !is_pua(old) && is_pua(new) => {
                let target = rows.iter().find(|(_, r)| r[2] == Some(old)).map(|(c, _)| c.clone())?;
                Some((code.clone(), target))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_stand_ins_are_the_eighteen_of_the_oracle() {
    let expected = oracle_stand_ins();
    assert_eq!(expected.len(), 18, "{expected:?}");
    assert!(expected.contains(&('\u{E78D}', '\u{FE10}')) && expected.contains(&('\u{E864}', '\u{9FBB}')));
    for &(old, new) in &expected {
        assert_eq!(stand_in_target(old), Some(new), "U+{:04X}", old as u32);
    }
    // Every other private-use scalar is left alone; U+E7C7 is no 2005 stand-in (2005 reads
    // A8BC as U+1E3F already and maps U+E7C7 to 8135F437).
    for c in ('\u{E000}'..='\u{F8FF}').filter(|c| !expected.iter().any(|&(old, _)| old == *c)) {
        assert_eq!(stand_in_target(c), None, "U+{:04X}", c as u32);
    }
    assert_eq!(stand_in_target('\u{E7C7}'), None);
}

#[test]
fn the_migrated_codes_are_the_eighteen_of_the_oracle() {
    let expected = oracle_migrations();
    assert_eq!(expected.len(), 18, "{expected:?}");
    assert!(expected.contains(&(vec![0x84, 0x31, 0x82, 0x36], vec![0xA6, 0xD9])));
    for (code, target) in &expected {
        assert_eq!(migrated_code(code), Some(&target[..]), "{code:02X?}");
    }
    for (code, _) in decode_rows() {
        if !expected.iter().any(|(c, _)| *c == code) {
            assert_eq!(migrated_code(&code), None, "{code:02X?}");
        }
    }
}

fn options(encoding: EncodingChoice) -> Options {
    Options { encoding, ..Options::default() }
}

#[test]
fn each_safe_fix_on_real_text_in_utf8() {
    // "︐" U+FE10 and "龴" U+9FB4 as a 2005 decoder gives them (U+E78D, U+E81E), after a BOM.
    let input = "\u{FEFF}标点\u{E78D}部首\u{E81E}。\n".as_bytes();
    let fixed = fix_bytes(input, &options(EncodingChoice::Auto), None, false);
    assert_eq!(String::from_utf8(fixed.bytes).unwrap(), "标点\u{FE10}部首\u{9FB4}。\n");
    // The BOM, and GB005 + GB007 on each stand-in.
    assert_eq!(fixed.fixed, 5);
}

#[test]
fn each_safe_fix_on_real_text_in_gb18030() {
    // 标点 (B1 EA B5 E3), U+FE10 as 2005 wrote it (84 31 82 36), 部首 (B2 BF CA D7), U+9FB4 as
    // 2005 wrote it (82 35 90 37), after the GB 18030 BOM 84 31 95 33.
    let input = b"\x84\x31\x95\x33\xB1\xEA\xB5\xE3\x84\x31\x82\x36\xB2\xBF\xCA\xD7\x82\x35\x90\x37\n";
    let fixed = fix_bytes(input, &options(EncodingChoice::Gb18030), None, false);
    assert_eq!(fixed.bytes, b"\xB1\xEA\xB5\xE3\xA6\xD9\xB2\xBF\xCA\xD7\xFE\x59\n");
    // Under 2022 the result means what the input meant under 2005 (encoding_rs follows 2005
    // on these codes and 2022 on A6D9, FE59: WHATWG agrees with both).
    let (then, _) = encoding_rs::GB18030.decode_without_bom_handling(&input[4..]);
    let (now, _) = encoding_rs::GB18030.decode_without_bom_handling(&fixed.bytes);
    assert_eq!(then, now);
}

/// A stand-in written as an escape is fixed as an escape of the standard character, in the
/// same syntax and case, for every stand-in of the oracle; the literal text around it and a
/// second fix change nothing.
#[test]
fn each_stand_in_escape_becomes_the_escape_of_its_character() {
    use gbcheck::formats::Format;
    let format_of = |name: &str| Format::of_path(std::path::Path::new(name));
    for (stand_in, target) in oracle_stand_ins() {
        let (old, new) = (u32::from(stand_in), u32::from(target));
        for (file, before, after) in [
            (
                "a.json",
                format!("{{\"k\": \"\\u{old:04x} x\"}}\n"),
                format!("{{\"k\": \"\\u{new:04x} x\"}}\n"),
            ),
            ("a.properties", format!("k=\\u{old:04X}\n"), format!("k=\\u{new:04X}\n")),
            ("a.js", format!("s = \"\\u{{{old:x}}}\";\n"), format!("s = \"\\u{{{new:x}}}\";\n")),
            ("a.xml", format!("<x>&#x{old:X};</x>\n"), format!("<x>&#x{new:X};</x>\n")),
            ("a.html", format!("<p>&#{old};</p>\n"), format!("<p>&#{new};</p>\n")),
        ] {
            let format = format_of(file);
            assert!(format.is_some(), "{file}");
            let fixed = fix_bytes(before.as_bytes(), &options(EncodingChoice::Auto), format, false);
            assert_eq!(String::from_utf8_lossy(&fixed.bytes), after, "{file}: {before}");
            let again = fix_bytes(&fixed.bytes, &options(EncodingChoice::Auto), format, false);
            assert_eq!(again.bytes, fixed.bytes, "{file}: a second fix changes nothing");
        }
    }
}

#[test]
fn a_fix_next_to_invalid_bytes_leaves_them_alone() {
    let input = b"\xFF\x84\x31\x82\x36\x81\n\x80";
    let fixed = fix_bytes(input, &options(EncodingChoice::Gb18030), None, true);
    assert_eq!(fixed.bytes, b"\xFF\xA6\xD9\x81\n\x80");
}

#[test]
fn unsafe_fixes_only_when_asked() {
    let input = "a\u{1}b\u{E78D}\n".as_bytes();
    assert_eq!(
        fix_bytes(input, &options(EncodingChoice::Auto), None, false).bytes,
        "a\u{1}b\u{FE10}\n".as_bytes()
    );
    assert_eq!(fix_bytes(input, &options(EncodingChoice::Auto), None, true).bytes, "ab\u{FE10}\n".as_bytes());
}

#[test]
fn mojibake_is_repaired_exactly_or_not_at_all() {
    // "你好世界" in UTF-8 read as GBK (Python: '你好世界'.encode().decode('gbk')).
    let garbled = "浣犲ソ涓栫晫";
    assert_eq!(encoding_rs::GBK.decode("你好世界".as_bytes()).0, garbled);
    let input = format!("说明：{garbled}。\n");
    let fixed = fix_bytes(input.as_bytes(), &options(EncodingChoice::Auto), None, true);
    assert_eq!(String::from_utf8(fixed.bytes).unwrap(), "说明：你好世界。\n");
    // Not without --unsafe-fixes.
    assert_eq!(
        fix_bytes(input.as_bytes(), &options(EncodingChoice::Auto), None, false).bytes,
        input.as_bytes()
    );
}

#[test]
fn a_file_in_the_wrong_encoding_is_converted_only_as_an_unsafe_fix() {
    let gb = b"\xD6\xD0\xCE\xC4\n"; // 中文 in GB 18030
    let utf8 = fix_bytes(gb, &options(EncodingChoice::Utf8), None, true);
    assert_eq!(utf8.bytes, "中文\n".as_bytes());
    assert_eq!(fix_bytes(gb, &options(EncodingChoice::Utf8), None, false).bytes, gb);
    let back = fix_bytes("中文\n".as_bytes(), &options(EncodingChoice::Gb18030), None, true);
    assert_eq!(back.bytes, gb);
}

#[test]
fn overlapping_fixes_apply_once_and_in_order() {
    let span = |start, len| gbcheck::finding::Span { start, len };
    let fix = |start, len, with: &[u8]| Fix {
        span: span(start, len),
        edit: Edit::Replace(with.to_vec()),
        safe: true,
    };
    let fixes = [fix(4, 2, b"X"), fix(0, 2, b""), fix(1, 2, b"Y"), fix(4, 2, b"X")];
    let (out, applied) = apply(b"abcdefg", &fixes);
    assert_eq!(out, b"cdXg");
    assert_eq!(applied, vec![fix(0, 2, b""), fix(4, 2, b"X")]);
}

/// One piece of generated text, as a character or raw bytes.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let stand_ins: Vec<char> = oracle_stand_ins().into_iter().flat_map(|(old, new)| [old, new]).collect();
    prop_oneof![
        4 => "[a-z \n]{1,4}".prop_map(String::into_bytes),
        3 => proptest::sample::select(stand_ins).prop_map(|c| c.to_string().into_bytes()),
        2 => proptest::sample::select(vec!['中', '文', '测', '试', '\u{FEFF}', '\u{1}', '\u{1B}', '\u{E000}', '\u{E7C7}'])
            .prop_map(|c| c.to_string().into_bytes()),
        1 => Just("浣犲ソ涓栫晫".as_bytes().to_vec()),
        1 => proptest::sample::select(vec![vec![0xFFu8], vec![0x80], vec![0xE4, 0xB8]]),
    ]
}

/// Generated text: UTF-8 or, converted by the 2005 encoder's codes, GB 18030.
fn text() -> impl Strategy<Value = (Vec<u8>, EncodingChoice)> {
    (proptest::collection::vec(piece(), 0..24), any::<bool>(), any::<bool>()).prop_map(|(pieces, bom, gb)| {
        let mut bytes: Vec<u8> = if bom { "\u{FEFF}".as_bytes().to_vec() } else { Vec::new() };
        bytes.extend(pieces.concat());
        if !gb {
            return (bytes, EncodingChoice::Auto);
        }
        // Each valid character through the 2005 codes (Java's and Python's 2000 tables agree
        // with 2005 on them: U+FE10 as 84 31 82 36); invalid bytes as they are.
        let mut out = Vec::new();
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                out.extend_from_slice(gbcheck::profile::Profile::Gb18030_2005.encode(c).unwrap().as_bytes());
            }
            out.extend_from_slice(chunk.invalid());
        }
        (out, EncodingChoice::Gb18030)
    })
}

/// Whether any finding of the input has a fix that `--fix` (with `unsafe_fixes`) applies.
fn has_fixable(bytes: &[u8], options: &Options, unsafe_fixes: bool) -> bool {
    let report = check_bytes(bytes, options);
    report.findings.iter().any(|f| {
        let span = &bytes[f.span.start as usize..f.span.end() as usize];
        fix_of(f, span, report.encoding).is_some_and(|fix| fix.safe || unsafe_fixes)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fixing_twice_is_fixing_once((input, encoding) in text(), unsafe_fixes in any::<bool>()) {
        let options = options(encoding);
        let once = fix_bytes(&input, &options, None, unsafe_fixes);
        let twice = fix_bytes(&once.bytes, &options, None, unsafe_fixes);
        prop_assert_eq!(&twice.bytes, &once.bytes);
        prop_assert_eq!(twice.fixed, 0);
        prop_assert!(!has_fixable(&once.bytes, &options, unsafe_fixes));
    }

    #[test]
    fn bytes_outside_the_fixes_do_not_change((input, encoding) in text(), unsafe_fixes in any::<bool>()) {
        let report = check_bytes(&input, &options(encoding));
        let fixes: Vec<Fix> = report
            .findings
            .iter()
            .filter_map(|f| fix_of(f, &input[f.span.start as usize..f.span.end() as usize], report.encoding))
            .filter(|fix| (fix.safe || unsafe_fixes) && matches!(fix.edit, Edit::Replace(_)))
            .collect();
        let (out, applied) = apply(&input, &fixes);
        // The output is the input with each applied span swapped for its replacement.
        let mut rest = &out[..];
        let mut at = 0usize;
        for fix in &applied {
            let Edit::Replace(with) = &fix.edit else { unreachable!() };
            let keep = &input[at..fix.span.start as usize];
            prop_assert!(rest.starts_with(keep));
            rest = &rest[keep.len()..];
            prop_assert!(rest.starts_with(with));
            rest = &rest[with.len()..];
            at = fix.span.end() as usize;
        }
        prop_assert_eq!(rest, &input[at..]);
        // Every fix left out overlaps one applied.
        for fix in &fixes {
            prop_assert!(applied.iter().any(|a| a.span.start < fix.span.end() && fix.span.start < a.span.end()));
        }
    }
}
