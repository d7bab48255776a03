//! GB009 (mojibake) must stay silent on real Chinese text.
//!
//! The detector (`src/rules/mojibake.rs`) reports a run of characters when mapping it back to
//! the bytes a wrong decoder read gives common GB 2312 text. This test is its false-positive
//! check on sizable real prose and verse, each checked as UTF-8 and, converted with
//! `gbcheck::mapping::encode`, as GB 18030:
//!
//! - the classical poems in the repository (`benches/data/classical-poems.utf8.txt`, about
//!   111 KB: 300 Tang poems and 100 Song pieces, public domain);
//! - when the Debian package `fortunes-zh` is installed (`.ci/run` tries to install it), its
//!   fortune files under `/usr/share/games/fortunes/`: `chinese` (about 2 MB of modern
//!   prose: Debian tips, essays, jokes, quotations), `tang300` and `song100`. They hold terminal
//!   colour codes (`ESC [ ... m`), which are stripped; they are UTF-8 in fortunes-zh 2.98, and
//!   older versions shipped GB 2312, so the encoding is checked and converted if needed. When
//!   the package is missing the test says so and checks the poems only.
//!
//! A positive control plants one known run of mojibake and requires exactly one finding, so
//! the test cannot pass by checking nothing.

use std::fs;
use std::path::{Path, PathBuf};

use gbcheck::check::{Encoding, FileChecker, Options};
use gbcheck::finding::{Finding, Rule};
use gbcheck::mapping;

/// The repository's poems.
const POEMS: &str = "benches/data/classical-poems.utf8.txt";

/// Where fortunes-zh installs its fortune files, and their names.
const FORTUNES_DIR: &str = "/usr/share/games/fortunes";
const FORTUNE_FILES: [&str; 3] = ["chinese", "tang300", "song100"];

/// One text to check.
struct Source {
    name: String,
    text: String,
}

/// The strict GB 18030-2022 bytes of a text.
fn to_gb18030(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        out.extend_from_slice(mapping::encode(c).as_bytes());
    }
    out
}

/// Removes terminal colour codes `ESC [ digits-and-semicolons m`. The fortune files nest one
/// inside another (`ESC[;ESC[34;1mm`), so the removal repeats until nothing changes.
fn strip_colour_codes(text: &str) -> String {
    let mut text = text.to_string();
    loop {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find("\u{1b}[") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let params = after.find(|c: char| !(c.is_ascii_digit() || c == ';')).unwrap_or(after.len());
            if after[params..].starts_with('m') {
                rest = &after[params + 1..];
            } else {
                out.push_str("\u{1b}[");
                rest = after;
            }
        }
        out.push_str(rest);
        if out == text {
            return out;
        }
        text = out;
    }
}

/// Reads a fortune file as text: UTF-8, or GB 18030 (a superset of the GB 2312 that older
/// fortunes-zh versions used), which must then decode without errors.
fn read_fortune(path: &Path) -> (String, &'static str) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match String::from_utf8(bytes) {
        Ok(text) => (text, "UTF-8"),
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
            assert!(!had_errors, "{}: neither UTF-8 nor GB 18030", path.display());
            (text.into_owned(), "GB 18030")
        }
    }
}

/// The fortune files, or `None` (with a note) when fortunes-zh is not installed.
fn fortunes() -> Option<Vec<Source>> {
    let dir = PathBuf::from(FORTUNES_DIR);
    let mut sources = Vec::new();
    for name in FORTUNE_FILES {
        // Older versions had GB 2312 files and UTF-8 copies named `*.u8`; 2.98 links the two.
        let path = [dir.join(format!("{name}.u8")), dir.join(name)].into_iter().find(|p| p.is_file());
        let Some(path) = path else {
            eprintln!(
                "NOTE: {}/{name} not found: the Debian package fortunes-zh is not installed \
                 (`apt-get install fortunes-zh`); the modern prose is NOT checked, only the \
                 repository's poems",
                dir.display()
            );
            return None;
        };
        let (raw, encoding) = read_fortune(&path);
        let text = strip_colour_codes(&raw);
        eprintln!(
            "{}: {encoding}, {} bytes, {} characters after removing colour codes",
            path.display(),
            raw.len(),
            text.chars().count()
        );
        sources.push(Source { name: path.display().to_string(), text });
    }
    Some(sources)
}

/// Every character rule on, as by default; the encoding is given, so GB008 never applies.
fn check(bytes: &[u8], encoding: Encoding) -> Vec<Finding> {
    let mut checker = FileChecker::new(encoding, &Options::default(), 0);
    checker.feed(bytes);
    checker.finish().findings
}

/// The GB009 findings of one text in one encoding, described for a failure message.
fn mojibake_in(name: &str, text: &str, encoding: Encoding) -> Vec<String> {
    let bytes = match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Gb18030 => to_gb18030(text),
    };
    check(&bytes, encoding)
        .into_iter()
        .filter(|f| f.rule == Rule::Mojibake)
        .map(|f| {
            let start = f.span.start as usize;
            let span = &bytes[start..start + f.span.len as usize];
            format!("{name} as {}: byte {start}: {}", encoding.as_str(), f.message(span))
        })
        .collect()
}

fn count_chinese(text: &str) -> usize {
    text.chars().filter(|&c| ('\u{4E00}'..='\u{9FFF}').contains(&c)).count()
}

#[test]
fn no_mojibake_in_real_chinese_text() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let poems = fs::read_to_string(root.join(POEMS)).expect("read the repository's poems");
    let mut sources = vec![Source { name: POEMS.to_string(), text: poems }];
    let fortunes = fortunes();
    let have_fortunes = fortunes.is_some();
    sources.extend(fortunes.into_iter().flatten());

    let mut found = Vec::new();
    let (mut chars, mut hanzi) = (0, 0);
    for source in &sources {
        for encoding in [Encoding::Utf8, Encoding::Gb18030] {
            found.extend(mojibake_in(&source.name, &source.text, encoding));
        }
        let n = source.text.chars().count();
        let h = count_chinese(&source.text);
        eprintln!(
            "{}: {n} characters ({h} CJK ideographs), {} bytes as UTF-8, {} as GB 18030: checked both ways",
            source.name,
            source.text.len(),
            to_gb18030(&source.text).len()
        );
        chars += n;
        hanzi += h;
    }
    eprintln!(
        "GB009 false-positive check: {chars} characters ({hanzi} CJK ideographs) in {} texts, each as \
         UTF-8 and as GB 18030; {} GB009 findings{}",
        sources.len(),
        found.len(),
        if have_fortunes { "" } else { " (fortunes-zh not installed: poems only)" }
    );
    assert!(found.is_empty(), "{} false positives:\n{}", found.len(), found.join("\n"));
}

#[test]
fn planted_mojibake_is_found() {
    // The control: the same check on the poems with one run of "你好" in UTF-8 read as GBK
    // (U+6D63 U+72B2 U+30BD) written in after ASCII, must report that run and nothing else.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let poems = fs::read_to_string(root.join(POEMS)).expect("read the repository's poems");
    let planted = format!("{poems}\nsaid: \u{6D63}\u{72B2}\u{30BD}.\n");
    for encoding in [Encoding::Utf8, Encoding::Gb18030] {
        let found = mojibake_in(POEMS, &planted, encoding);
        assert_eq!(found.len(), 1, "{}: {found:?}", encoding.as_str());
    }
}

#[test]
fn colour_codes_are_stripped() {
    let text = "\u{1b}[33m    -- Debian \u{1b}[32m《手册》\u{1b}[m第一条\u{1b}[m\n\
                你可以通过\u{1b}[35;1m“~/.bashrc”\u{1b}[;\u{1b}[34;1mm来定制\u{1b}[0;31m [x";
    assert_eq!(strip_colour_codes(text), "    -- Debian 《手册》第一条\n你可以通过“~/.bashrc”来定制 [x");
}
