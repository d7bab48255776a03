//! `gbcheck::formats`: the encoding a file declares and GB016, on real-format fixtures
//! (`tests/data/formats/`: XLIFF 1.2 and 2.0, .resx, a gettext PO with its header, HTML with
//! `<meta charset>` and with `http-equiv`, JSON). The expected answers come from the formats'
//! specifications (XML 1.0 section 4.3.3, the HTML prescan, gettext's header, RFC 8259 section
//! 8.1), and real parsers confirm each mismatch is one: python3's XML parser and `msgfmt`.

use std::path::Path;
use std::process::{Command, Stdio};

use gbcheck::check::{check_bytes, EncodingChoice, Options};
use gbcheck::finding::{Cause, Rule};
use gbcheck::formats::declared::{find, mismatch};
use gbcheck::formats::label::{Actual, Declared, Source};
use gbcheck::formats::{add_findings, encoding_choice, Format};
use gbcheck::profile::Profile;
use gbcheck::rules::RuleSet;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats").join(name)).expect(name)
}

fn format_of(name: &str) -> Format {
    Format::of_path(Path::new(name)).expect(name)
}

/// The bytes of a UTF-8 text in GBK (every fixture's text is in GB 2312).
fn gbk(utf8: &[u8]) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(std::str::from_utf8(utf8).unwrap());
    assert!(!unmappable);
    bytes.into_owned()
}

/// Whether python3's XML parser (expat) accepts the bytes; `None` without python3.
fn xml_parses(bytes: &[u8]) -> Option<bool> {
    let script = "import sys, xml.etree.ElementTree as E\ntry:\n E.fromstring(sys.stdin.buffer.read())\nexcept E.ParseError:\n sys.exit(1)";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), bytes).unwrap();
    let status = child.wait().unwrap();
    assert!(status.code().is_some_and(|c| c <= 1), "python3: {status}");
    Some(status.success())
}

/// The declared name as the file spells it.
fn declared_text(bytes: &[u8], name: &str) -> (Declared, Source, String) {
    let d = find(format_of(name), bytes).unwrap_or_else(|| panic!("{name}: no declaration"));
    let text = &bytes[d.span.start as usize..d.span.end() as usize];
    (d.encoding, d.source, String::from_utf8(text.to_vec()).unwrap())
}

#[test]
fn the_fixtures_declare_what_their_text_says() {
    let cases = [
        ("messages.xlf", Declared::Utf8, Source::XmlDeclaration, "UTF-8"),
        ("messages-2.0.xliff", Declared::Utf8, Source::XmlDeclaration, "UTF-8"),
        ("Resources.zh-CN.resx", Declared::Utf8, Source::XmlDeclaration, "utf-8"),
        ("zh_CN.po", Declared::Utf8, Source::PoHeader, "UTF-8"),
        ("index.html", Declared::Utf8, Source::HtmlMeta, "utf-8"),
        ("legacy.html", Declared::Gb2312, Source::HtmlMeta, "gb2312"),
        ("messages.json", Declared::Utf8, Source::JsonIsUtf8, ""),
    ];
    for (name, encoding, source, text) in cases {
        let bytes = fixture(name);
        assert_eq!(declared_text(&bytes, name), (encoding, source, text.to_string()), "{name}");
    }
    // Each UTF-8 one agrees with its bytes; every XML one parses.
    for (name, ..) in cases.iter().filter(|c| c.1 == Declared::Utf8) {
        let bytes = fixture(name);
        let declaration = find(format_of(name), &bytes).unwrap();
        assert_eq!(mismatch(&declaration, &bytes, Profile::default()), None, "{name}");
        if format_of(name) == Format::Xml {
            assert_ne!(xml_parses(&bytes), Some(false), "{name}");
        }
    }
}

#[test]
fn xml_declared_utf8_but_saved_as_gbk_is_gb016_and_a_parser_agrees() {
    for name in ["messages.xlf", "messages-2.0.xliff", "Resources.zh-CN.resx"] {
        let bytes = gbk(&fixture(name));
        // expat refuses the file: the declaration is wrong, not gbcheck.
        assert_ne!(xml_parses(&bytes), Some(true), "{name}");
        let declaration = find(Format::Xml, &bytes).unwrap();
        let first_non_ascii = bytes.iter().position(|b| !b.is_ascii()).unwrap() as u64;
        assert_eq!(
            mismatch(&declaration, &bytes, Profile::default()),
            Some(Actual::Gb18030 { first_non_ascii }),
            "{name}"
        );
        // Declaring GBK instead makes the same bytes right.
        let text = String::from_utf8(fixture(name)).unwrap();
        let fixed =
            gbk(text.replacen("\"UTF-8\"", "\"GBK\"", 1).replacen("\"utf-8\"", "\"GBK\"", 1).as_bytes());
        // (expat reads no multi-byte encoding but UTF-8 and UTF-16, so no parser is asked here.)
        let declaration = find(Format::Xml, &fixed).unwrap();
        assert_eq!(declaration.encoding, Declared::Gbk);
        assert_eq!(mismatch(&declaration, &fixed, Profile::default()), None, "{name} declaring GBK");
    }
}

#[test]
fn xml_without_a_declaration_is_utf8() {
    // XML 1.0, 4.3.3: without a BOM or an encoding declaration, an entity is UTF-8.
    let text = "<root><value>你好</value></root>\n";
    let bytes = gbk(text.as_bytes());
    assert_ne!(xml_parses(&bytes), Some(true));
    let declaration = find(Format::Xml, &bytes).unwrap();
    assert_eq!(
        (declaration.encoding, declaration.source, declaration.span.len),
        (Declared::Utf8, Source::XmlDefault, 0)
    );
    assert!(matches!(mismatch(&declaration, &bytes, Profile::default()), Some(Actual::Gb18030 { .. })));
    assert_eq!(mismatch(&declaration, text.as_bytes(), Profile::default()), None);
}

#[test]
fn po_header_charset_is_read() {
    let utf8 = fixture("zh_CN.po");
    let gbk_bytes = gbk(&utf8);
    let declaration = find(Format::Po, &gbk_bytes).unwrap();
    assert!(matches!(mismatch(&declaration, &gbk_bytes, Profile::default()), Some(Actual::Gb18030 { .. })));
    // msgfmt agrees where it is installed: the GBK bytes under charset=UTF-8 are refused.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zh_CN.po");
    std::fs::write(&path, &gbk_bytes).unwrap();
    if let Ok(out) = Command::new("msgfmt").arg("--check").arg("-o").arg("/dev/null").arg(&path).output() {
        assert!(!out.status.success(), "msgfmt accepted GBK bytes under charset=UTF-8");
    }
    // A header saying GB2312 over UTF-8 bytes is the other mismatch.
    let text = String::from_utf8(utf8).unwrap().replace("charset=UTF-8", "charset=GB2312");
    let declaration = find(Format::Po, text.as_bytes()).unwrap();
    assert_eq!(declaration.encoding, Declared::Gb2312);
    let first_non_ascii = text.bytes().position(|b| !b.is_ascii()).unwrap() as u64;
    assert_eq!(
        mismatch(&declaration, text.as_bytes(), Profile::default()),
        Some(Actual::Utf8 { first_non_ascii })
    );
    // The template's placeholder `charset=CHARSET` declares nothing gbcheck knows.
    let template = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=CHARSET\\n\"\n";
    assert_eq!(find(Format::Po, template.as_bytes()), None);
}

#[test]
fn gb2312_declared_holds_gb2312_only() {
    // 镕 (U+9555) is GBK but not GB 2312 (python3: '镕'.encode('gb2312') fails).
    let text = String::from_utf8(fixture("legacy.html")).unwrap();
    let inside = gbk(text.as_bytes());
    let declaration = find(Format::Html, &inside).unwrap();
    assert_eq!(mismatch(&declaration, &inside, Profile::default()), None);
    let outside = gbk(text.replace("世界", "朱镕基").as_bytes());
    let at = gbk(text.split("世界").next().unwrap().as_bytes()).len() as u64 + 2;
    assert_eq!(
        mismatch(&declaration, &outside, Profile::default()),
        Some(Actual::Outside { scalar: '镕', at })
    );
    // The UTF-8 file declaring GB 2312.
    let declaration = find(Format::Html, text.as_bytes()).unwrap();
    assert!(matches!(mismatch(&declaration, text.as_bytes(), Profile::default()), Some(Actual::Utf8 { .. })));
}

#[test]
fn json_is_utf8_and_a_bom_is_a_declaration() {
    let gbk_json = gbk(&fixture("messages.json"));
    let declaration = find(Format::Json, &gbk_json).unwrap();
    assert!(matches!(mismatch(&declaration, &gbk_json, Profile::default()), Some(Actual::Gb18030 { .. })));
    // A UTF-8 BOM declares UTF-8 in any format gbcheck reads.
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(gbk(b"msgid \"x\"\n"));
    let declaration = find(Format::Po, &with_bom).unwrap();
    assert_eq!((declaration.source, declaration.span.len), (Source::ByteOrderMark, 3));
}

#[test]
fn under_auto_a_declaration_decides_how_the_file_is_read() {
    let rules = RuleSet::new(Profile::default());
    // UTF-8 JSON with one stray FF: read as UTF-8 (one GB001, and GB016), not as GB 18030.
    let mut bytes = fixture("messages.json");
    bytes.insert(5, 0xFF);
    let choice = encoding_choice(Some(Format::Json), &bytes, EncodingChoice::Auto, &rules);
    assert_eq!(choice, EncodingChoice::Utf8);
    let options = Options { encoding: choice, ..Options::default() };
    let mut report = check_bytes(&bytes, &options);
    add_findings(Some(Format::Json), &bytes, &rules, &mut report);
    let rules_fired: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules_fired, [Rule::DeclaredEncodingMismatch, Rule::InvalidSequence]);
    assert!(matches!(
        report.findings[0].cause,
        Cause::DeclaredEncoding {
            declared: Declared::Utf8,
            actual: Actual::NotUtf8 { first_invalid: 5 },
            ..
        }
    ));
    // The same bytes as plain text are read as GB 18030, as before.
    assert_eq!(encoding_choice(None, &bytes, EncodingChoice::Auto, &rules), EncodingChoice::Auto);
    // A GBK JSON file is plainly GB 18030: auto still reads it so, and GB016 says what is wrong.
    let gbk_json = gbk(&fixture("messages.json"));
    assert_eq!(
        encoding_choice(Some(Format::Json), &gbk_json, EncodingChoice::Auto, &rules),
        EncodingChoice::Auto
    );
    // An explicit choice stands.
    assert_eq!(
        encoding_choice(Some(Format::Json), &bytes, EncodingChoice::Gb18030, &rules),
        EncodingChoice::Gb18030
    );
    // GB016 off: nothing added.
    let mut off = rules;
    off.set_severity(Rule::DeclaredEncodingMismatch, None);
    let mut report = check_bytes(&gbk_json, &Options::default());
    add_findings(Some(Format::Json), &gbk_json, &off, &mut report);
    assert!(report.findings.is_empty());
}

#[test]
fn formats_by_extension() {
    for (path, format) in [
        ("a/b.XLF", Some(Format::Xml)),
        ("x.resx", Some(Format::Xml)),
        ("x.svg", Some(Format::Xml)),
        ("x.htm", Some(Format::Html)),
        ("x.pot", Some(Format::Po)),
        ("x.json", Some(Format::Json)),
        ("x.properties", Some(Format::Properties)),
        ("x.strings", Some(Format::Strings)),
        ("x.ts", Some(Format::Script)),
        ("x.txt", None),
        ("json", None),
    ] {
        assert_eq!(Format::of_path(Path::new(path)), format, "{path}");
    }
    for format in Format::ALL {
        assert_eq!(Format::from_name(format.name()), Some(format));
    }
}

// ---------------------------------------------------------------------------------------------
// Escapes
// ---------------------------------------------------------------------------------------------

use gbcheck::check::Encoding;
use gbcheck::formats::escapes::{self, Escaped};

/// (escape text, what it denotes) for each escape `escapes::find` gives.
fn escapes_in(format: Format, bytes: &[u8], encoding: Encoding) -> Vec<(String, Escaped)> {
    escapes::find(format, bytes, encoding)
        .into_iter()
        .map(|e| {
            (
                String::from_utf8(bytes[e.span.start as usize..e.span.end() as usize].to_vec()).unwrap(),
                e.value,
            )
        })
        .collect()
}

fn ch(c: char) -> Escaped {
    Escaped::Char(c)
}

#[test]
fn json_escapes_are_what_python_decodes() {
    // RFC 8259 section 7: \uXXXX, and a surrogate pair as two escapes; `\\u0041` is a
    // backslash and text. python3's json module decodes the fixture the same way (below).
    let bytes = fixture("escapes.json");
    let expected = [
        ("\\u4f60", ch('你')),
        ("\\u597d", ch('好')),
        ("\\ud83d\\ude00", ch('😀')),
        ("\\uE000", ch('\u{E000}')),
        ("\\ud83d", Escaped::NotAChar(0xD83D)),
    ];
    let expected: Vec<(String, Escaped)> = expected.iter().map(|(t, v)| (t.to_string(), *v)).collect();
    assert_eq!(escapes_in(Format::Json, &bytes, Encoding::Utf8), expected);
    let script = "import json,sys\nfor v in json.load(sys.stdin).values():\n print(' '.join('%X' % ord(c) for c in v if ord(c) > 0x7F))";
    let Ok(mut child) =
        Command::new("python3").args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()
    else {
        return;
    };
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "4F60 597D\n1F600\nE000\nD83D\n\n");
}

#[test]
fn properties_strings_script_and_xml_escapes() {
    let properties = fixture("messages_zh_CN.properties");
    let got = escapes_in(Format::Properties, &properties, Encoding::Utf8);
    let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    // `C:\\u0041\\temp` holds no escape (Properties.load: `\\` is a backslash).
    assert_eq!(
        texts,
        ["\\u4f60", "\\u597d", "\\ue000", "\\ue81e", "\\ud83d\\ude00", "\\ude00"],
        "the comment's `\\uXXXX` has no digits"
    );
    assert_eq!(got[4].1, ch('😀'));
    assert_eq!(got[5].1, Escaped::NotAChar(0xDE00));
    // Apple .strings: \U with four digits too; JavaScript's \u{...}; no \U in JSON.
    assert_eq!(escapes_in(Format::Strings, br#""a" = "\U2026\u4F60";"#, Encoding::Utf8).len(), 2);
    assert_eq!(escapes_in(Format::Json, br#""\U2026""#, Encoding::Utf8), []);
    assert_eq!(
        escapes_in(Format::Script, br"'\u{1F600}' + '\u{110000}' + '\u{}'", Encoding::Utf8),
        [("\\u{1F600}".to_string(), ch('😀')), ("\\u{110000}".to_string(), Escaped::NotAChar(0x11_0000))]
    );
    // XML: hexadecimal and decimal character references; `&amp;#x41;` is text.
    let xml = "<a>&#xE000;&#20320;&amp;#x41;&#xD800;</a>";
    let got = escapes_in(Format::Xml, xml.as_bytes(), Encoding::Utf8);
    assert_eq!(
        got,
        [
            ("&#xE000;".to_string(), ch('\u{E000}')),
            ("&#20320;".to_string(), ch('你')),
            ("&#xD800;".to_string(), Escaped::NotAChar(0xD800))
        ]
    );
    // expat agrees on the first two and refuses the surrogate.
    assert_ne!(xml_parses(b"<a>&#xE000;&#20320;</a>"), Some(false));
    assert_ne!(xml_parses(xml.as_bytes()), Some(true));
}

#[test]
fn a_backslash_inside_a_gb18030_code_starts_no_escape() {
    // `95 5C` is a two-byte code (U+6D9C) whose second byte is `\`; then `u4F60` is text.
    let bytes = b"k=\x95\x5Cu4F60 \\u4F60";
    let got = escapes_in(Format::Properties, bytes, Encoding::Gb18030);
    assert_eq!(got, [("\\u4F60".to_string(), ch('你'))]);
    // Read as UTF-8 (where 95 is invalid and ASCII is never inside a sequence) it is one.
    assert_eq!(escapes_in(Format::Properties, bytes, Encoding::Utf8).len(), 2);
}

#[test]
fn escapes_are_judged_at_their_bytes() {
    let bytes = fixture("messages_zh_CN.properties");
    let rules = RuleSet::new(Profile::default());
    let mut report = check_bytes(&bytes, &Options { encoding: EncodingChoice::Utf8, ..Options::default() });
    assert!(report.findings.is_empty(), "the literal text is plain ASCII");
    add_findings(Some(Format::Properties), &bytes, &rules, &mut report);
    let text = String::from_utf8(bytes).unwrap();
    let at = |needle: &str| text.find(needle).unwrap() as u64;
    let got: Vec<(Rule, u64, u32, Option<char>)> =
        report.findings.iter().map(|f| (f.rule, f.span.start, f.span.len, f.scalar)).collect();
    // U+E000 and U+E81E are private use (GB007); U+E81E is also edition-sensitive (GB005: the
    // 2005 edition's stand-in for 龴, FE59); the lone \ude00 is GB001.
    assert_eq!(
        got,
        [
            (Rule::PrivateUse, at("\\ue000"), 6, Some('\u{E000}')),
            (Rule::EditionSensitive, at("\\ue81e"), 6, Some('\u{E81E}')),
            (Rule::PrivateUse, at("\\ue81e"), 6, Some('\u{E81E}')),
            (Rule::InvalidSequence, at("broken=") + 7, 6, None),
        ]
    );
    assert_eq!(report.counts.findings, 4);
    // Under gbk the emoji cannot be encoded (GB006), escaped or not.
    let mut report =
        check_bytes(text.as_bytes(), &Options { encoding: EncodingChoice::Utf8, ..Options::default() });
    add_findings(Some(Format::Properties), text.as_bytes(), &RuleSet::new(Profile::Gbk), &mut report);
    assert!(report.findings.iter().any(|f| f.rule == Rule::Unencodable && f.span.start == at("\\ud83d")));
}

mod escape_properties {
    use super::*;
    use proptest::prelude::*;

    /// The rules `judge_char` fires on `c` written literally in a UTF-8 JSON string.
    fn literal_rules(c: char, rules: &RuleSet) -> Vec<Rule> {
        let text = format!("{{\"k\": \"a{c}\"}}\n");
        let options = Options { encoding: EncodingChoice::Utf8, rules: *rules, ..Options::default() };
        let report = check_bytes(text.as_bytes(), &options);
        report.findings.iter().map(|f| f.rule).filter(|&r| r != Rule::Mojibake).collect()
    }

    /// The same, for `c` as a JSON escape.
    fn escaped_rules(c: char, rules: &RuleSet) -> Vec<Rule> {
        let mut units = [0u16; 2];
        let escape: String = c.encode_utf16(&mut units).iter().map(|u| format!("\\u{u:04x}")).collect();
        let text = format!("{{\"k\": \"a{escape}\"}}\n");
        let options = Options { encoding: EncodingChoice::Utf8, rules: *rules, ..Options::default() };
        let mut report = check_bytes(text.as_bytes(), &options);
        assert!(report.findings.is_empty());
        add_findings(Some(Format::Json), text.as_bytes(), rules, &mut report);
        report.findings.iter().map(|f| f.rule).collect()
    }

    /// Bytes that look like the formats' syntax, so that the parsers go deep.
    fn format_like() -> impl Strategy<Value = Vec<u8>> {
        let pieces = proptest::sample::select(vec![
            &b"<?xml "[..],
            b"encoding=",
            b"\"",
            b"'",
            b"?>",
            b"<meta ",
            b"charset=",
            b">",
            b"Content-Type:",
            b"\\",
            b"\\u",
            b"\\U",
            b"\\u{",
            b"}",
            b"&#",
            b"&#x",
            b";",
            b"D83D",
            b"DE00",
            b"110000",
            b"utf-8",
            b"gb2312",
            b"\x81",
            b"\x5C",
            b"\xFF\xFE",
            b"\xEF\xBB\xBF",
            b"\xD6\xD0",
            b"\xE4\xBD\xA0",
            b"\n",
        ]);
        proptest::collection::vec(
            prop_oneof![pieces.prop_map(<[u8]>::to_vec), any::<u8>().prop_map(|b| vec![b])],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn any_bytes_are_read_without_panic_and_escapes_stay_inside(bytes in format_like()) {
            for format in Format::ALL {
                if let Some(declaration) = find(format, &bytes) {
                    prop_assert!(declaration.span.end() <= bytes.len() as u64);
                    let _ = mismatch(&declaration, &bytes, Profile::Cp936);
                }
                for encoding in [Encoding::Utf8, Encoding::Gb18030] {
                    let mut end = 0;
                    for escape in escapes::find(format, &bytes, encoding) {
                        // In order, apart, inside the input.
                        prop_assert!(escape.span.start >= end && escape.span.end() <= bytes.len() as u64);
                        end = escape.span.end();
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn an_escape_and_its_character_give_the_same_rules(
            c in any::<char>(),
            profile in proptest::sample::select(Profile::ALL.to_vec()),
            level in proptest::option::of(1u8..=3),
        ) {
            let mut rules = RuleSet::new(profile);
            rules.level = level;
            prop_assert_eq!(escaped_rules(c, &rules), literal_rules(c, &rules), "{:?}", c);
        }
    }
}
