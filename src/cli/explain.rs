//! `gbcheck explain RULE`: what a rule means, an example, and how to fix what it finds.

use std::io::{self, Write};

use gbcheck::finding::Rule;

/// What it means, an example, how to fix it (the byte and character rules here, the others in
/// [`text_from_gb008`]); `None` for a rule the library has and this table does not yet (`Rule` is `#[non_exhaustive]`; `tests/cli/cli.rs` asks for every rule).
pub fn text(rule: Rule) -> Option<(&'static str, &'static str, &'static str)> {
    let text = match rule {
        Rule::InvalidSequence => (
            "The bytes are not a valid sequence of the file's encoding. In GB 18030 a character is one byte \
             00-7F, two bytes (lead 81-FE, trail 40-7E or 80-FE) or four bytes (81-FE 30-39 81-FE 30-39). \
             Bytes 80 and FF never start a character; a lead byte must be followed by a valid second byte. \
             In UTF-8, the spans are those Rust's std rejects. In a format with escapes (docs/formats.md), \
             also an escape that denotes no character: a lone surrogate such as `\\uD83D` without its \
             pair, or `&#x110000;`.",
            "`81 0A`: a lead byte followed by a line feed. `FF`: never valid. `\\uDE00` alone in a .json file.",
            "Find where the bytes came from: usually text in another encoding was pasted in, or a file was \
             cut or concatenated at a byte boundary. Restore the original text; do not delete bytes blindly.",
        ),
        Rule::TruncatedSequence => (
            "The input ends inside a multi-byte sequence: its last character is cut.",
            "A file ending in `D6` (the first byte of 中 `D6 D0`).",
            "The file was cut short (a size limit, a failed transfer, a byte-based substring). Restore the end.",
        ),
        Rule::UnassignedCode => (
            "A four-byte code with the right shape whose pointer is reserved: 8431A530-8F39FE39 and \
             E3329A36-FE39FE39 (FD308130-FE39FE39 is a user-defined area no converter maps).",
            "`84 31 A5 30`, the first code after U+FFFF.",
            "No converter accepts these codes; the text is damaged or private. Replace it with real characters.",
        ),
        Rule::RoundTripMismatch => (
            "Decoding and re-encoding under the profile changes the bytes (or, for UTF-8 input, encoding and \
             decoding changes the character): a system using that profile will silently alter the text.",
            "Under `--profile whatwg`, `A3 A0` decodes to U+3000, which encodes as `A1 A1`; the 18 PUA \
             characters U+E78D... do not survive a WHATWG encoder.",
            "Use the character the profile round-trips (U+3000 rather than A3A0's U+E5E5), or check with the \
             profile of the system that really reads the text.",
        ),
        Rule::EditionSensitive => (
            "The code (or character) means different things in GB 18030-2000, -2005, -2022 and WHATWG: \
             systems that follow different editions will disagree about it.",
            "`A6 D9` is U+E78D in 2000 and 2005 but U+FE10 in 2022 and WHATWG.",
            "Prefer characters every edition agrees on; if you must keep it, know which edition your \
             consumers follow (`--profile`).",
        ),
        Rule::Unencodable => (
            "The profile cannot encode the character, so a system using it must drop or replace it.",
            "U+E5E5 under `whatwg`; any emoji under `gbk` or `cp936`; a four-byte code in a file checked with `gbk`; \
             `A6D9` or a user-defined code such as `AAA1` under `cp936`.",
            "Replace the character, or move the consumer to full GB 18030 (or UTF-8).",
        ),
        Rule::PrivateUse => (
            "A Private Use Area character (U+E000-U+F8FF, planes 15 and 16). Its meaning depends on fonts and \
             private agreements; other systems show something else or nothing.",
            "`AA A1` in GB 18030 is U+E000, the first user-defined code.",
            "Replace it with the standard Unicode character it stands for (many old PUA uses now have one).",
        ),
        _ => return text_from_gb008(rule),
    };
    Some(text)
}

/// [`text`] for GB008-GB010 (the rest in [`text_from_gb011`]).
fn text_from_gb008(rule: Rule) -> Option<(&'static str, &'static str, &'static str)> {
    let text = match rule {
        Rule::WrongEncoding => (
            "The file is in another encoding than the one asked for with --encoding: valid UTF-8 with \
             non-ASCII text where GB 18030 is expected, or GB 18030 where UTF-8 is expected. Nothing else is \
             reported for such a file: findings under the wrong decoding would be noise.",
            "`gbcheck check --encoding gb18030 zh_CN.po` on a UTF-8 .po file.",
            "Convert the file (`gbcheck convert`, or iconv), or check it with the encoding it really has.",
        ),
        Rule::Mojibake => (
            "Text that was decoded with the wrong encoding and saved again. gbcheck maps the run back to the \
             bytes the wrong decoder read and decodes them correctly; it reports the run only when that \
             gives common Chinese text.",
            "\"浣犲ソ\" is \"你好\" in UTF-8 read as GBK; \"ÄãºÃ\" is GBK read as Latin-1; \"锟斤拷\" is U+FFFD \
             in UTF-8 read as GBK; \"烫烫烫\" is uninitialised memory.",
            "Replace the run with the text the message suggests, and fix the tool that read the file with \
             the wrong encoding.",
        ),
        Rule::OutsideLevel => (
            "With --level N: the character is not in implementation level N of GB 18030-2022 (chapter 9). \
             Level 1: ASCII, all two-byte codes, CJK Ext A and 66 more ideographs; level 2 adds 196 \
             ideographs of the Table of General Standard Chinese Characters; level 3 adds CJK Ext B-F and \
             the Kangxi radicals. Characters added to Unicode after 11.0 and the four-byte minority scripts \
             are treated as outside every level.",
            "U+20000 (Ext B) at --level 2.",
            "Use a character of the level, or raise the level your consumers must support.",
        ),
        _ => return text_from_gb011(rule),
    };
    Some(text)
}

/// [`text`] for GB011-GB016.
fn text_from_gb011(rule: Rule) -> Option<(&'static str, &'static str, &'static str)> {
    let text = match rule {
        Rule::ByteOrderMark => (
            "A byte order mark: `EF BB BF` at the start of a UTF-8 file, `84 31 95 33` at the start of a \
             GB 18030 file, or U+FEFF inside the text, where it is an invisible character.",
            "A .po file saved by an editor with \"UTF-8 with BOM\".",
            "Save without a BOM; remove U+FEFF from inside the text.",
        ),
        Rule::ControlCharacter => (
            "A control character other than TAB, LF and CR: C0 controls (NUL, ESC...), DEL and C1 controls. \
             They are invisible, break parsers, and can drive terminals (escape sequences).",
            "ESC `1B` in a translated string; NUL in a text file.",
            "Remove it, or write it as an escape in the file format (\\u001b, &#27;).",
        ),
        Rule::ReplacementCharacter => (
            "U+FFFD REPLACEMENT CHARACTER: an earlier conversion met bytes it could not read and replaced them. \
             The original text is lost.",
            "\"�\" in a string that was converted with iconv -c or a lossy decoder.",
            "Restore the text from a source that still has it.",
        ),
        Rule::RemovedCharacter => (
            "One of the 15 codes removed from the GB 18030-2022 repertoire because they duplicate other \
             characters: FE51 FE52 FE53 FE6C FE76 FE91 (PUA components) and FD9C FD9D FD9E FD9F FDA0 FE40 \
             FE41 FE47 FE49 (CJK compatibility ideographs). They still decode everywhere.",
            "`FD 9C`, a CJK compatibility ideograph.",
            "Use the standard (unified) character the duplicate stands for.",
        ),
        Rule::InvalidSuppression => (
            "A suppression comment (`gbcheck: ignore-line`, `ignore-next-line`, `ignore-file`) whose rule \
             list holds a word that is not a rule id or name. The list is the words after the directive, \
             separated by commas or spaces, up to the end of the line or the first word with no ASCII \
             letter or digit (a comment's closer such as `-->` or `*/`, or a `--` before a reason). A \
             directive with such a word suppresses nothing, not even the rules it names rightly: a comment \
             half understood must not hide findings. A directive with no list suppresses every rule. \
             GB015 itself is never suppressed by a comment.",
            "`# gbcheck: ignore-line GB01` (a digit short), `/* gbcheck: ignore-file GB003. */` (the \
             full stop is part of the word).",
            "Write the rule's id (`GB001`) or name (`invalid-sequence`) as `gbcheck rules` lists them, \
             with a space before any text that follows the list.",
        ),
        Rule::DeclaredEncodingMismatch => (
            "The file says which encoding it is in and its bytes disagree, so the program that reads \
             it by its declaration (an XML parser, a browser, msgfmt, a JSON parser) fails or shows \
             garbage. Read by file extension (docs/formats.md): the XML declaration's `encoding` \
             (.xml .xliff .xlf .resx .svg; without one, XML is UTF-8), HTML's `<meta charset>` or \
             `http-equiv` in the first 1024 bytes, the PO header's `Content-Type: ...; charset=`, \
             JSON's fixed UTF-8 (RFC 8259, section 8.1), and a UTF-8 byte order mark in any of them. \
             It fires when a file declared UTF-8 is not valid UTF-8, a file declared GB 2312, GBK or \
             GB 18030 is UTF-8, a file declared GB 2312 holds a character outside GB 2312 or one \
             declared GBK a four-byte code, or a file declares UTF-16 in ASCII. The finding is at the \
             declared name (at byte 0 where the declaration is implicit). Under `--encoding auto` a \
             declaration the bytes do not plainly contradict decides how the file is read.",
            "`<?xml version=\"1.0\" encoding=\"UTF-8\"?>` over GBK bytes; a .po with \
             `charset=GB2312` saved as UTF-8; a GBK `.json`.",
            "Convert the bytes to the declared encoding (`gbcheck convert`), or correct the declaration.",
        ),
        _ => return None,
    };
    Some(text)
}

/// Whether `gbcheck check --fix` (or `--fix --unsafe-fixes`) fixes what the rule finds
/// (`gbcheck::fix`).
pub fn fixable(rule: Rule) -> &'static str {
    match rule {
        Rule::EditionSensitive | Rule::PrivateUse => {
            "Partly, with --fix (safe): the 18 GB 18030-2005 private-use stand-ins that GB 18030-2022 \
             gave standard code points (U+E78D-U+E796 -> U+FE10-U+FE19, U+E81E U+E826 U+E82B U+E82C \
             U+E832 U+E843 U+E854 U+E864 -> U+9FB4-U+9FBB, as oracle/gb18030-edition-differences.tsv \
             lists them) become those characters in UTF-8 text, and in GB 18030 text the four-byte \
             codes a 2005 encoder wrote for those characters become the two-byte codes of 2022 (`84 31 \
             82 36` -> `A6 D9`). Other characters have no fix."
        }
        Rule::ByteOrderMark => {
            "Partly, with --fix (safe): a byte order mark at the start of the file is removed (turn \
             GB011 off to keep it). U+FEFF inside the text has no fix."
        }
        Rule::ControlCharacter => "With --fix --unsafe-fixes: the control character is removed.",
        Rule::Mojibake => {
            "With --fix --unsafe-fixes: the run is replaced by the text it was, when garbling that text \
             again gives the run exactly. U+FFFD read as GBK and uninitialised memory have no fix."
        }
        Rule::WrongEncoding => {
            "With --fix --unsafe-fixes: the file is converted to the encoding asked for, when the \
             conversion is exact (as `gbcheck convert` does)."
        }
        _ => "No: gbcheck cannot know the text that was meant.",
    }
}

/// Prints the explanation of a rule; an unknown rule is exit status 2.
pub fn print(name: &str) -> io::Result<u8> {
    let Some(rule) = Rule::lookup(name) else {
        writeln!(io::stderr(), "gbcheck: error: unknown rule '{name}' (see `gbcheck rules`)")?;
        return Ok(2);
    };
    let Some((meaning, example, fix)) = text(rule) else {
        writeln!(io::stderr(), "gbcheck: error: no explanation of {} is written yet", rule.id())?;
        return Ok(2);
    };
    let mut out = io::stdout().lock();
    writeln!(out, "{} {} ({} by default)\n", rule.id(), rule.name(), rule.default_severity())?;
    writeln!(out, "{meaning}\n")?;
    writeln!(out, "Example: {example}\n")?;
    writeln!(out, "Fix: {fix}\n")?;
    writeln!(out, "Fixable automatically: {}", fixable(rule))?;
    Ok(0)
}
