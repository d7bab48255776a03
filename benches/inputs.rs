//! Deterministic benchmark inputs, shared by the criterion benches (`benches/scan.rs`) and the
//! whole-program comparison (`examples/bench-inputs.rs` writes them to files).
//!
//! Every input is GB 18030 text cut at a line end, so it has no finding unless it is meant to.

use std::path::Path;

use gbcheck::mapping::encode;

/// Where Debian's fortunes-zh package puts its modern Chinese prose (GB 18030 or UTF-8).
const FORTUNES_ZH: &str = "/usr/share/games/fortunes/chinese";

/// The kinds of input the benches measure.
pub const KINDS: [&str; 5] = ["ascii", "prose", "markup", "four-byte", "prose-invalid"];

/// The sizes the benches measure.
pub const SIZES: [(&str, usize); 3] = [("1KiB", 1 << 10), ("64KiB", 64 << 10), ("16MiB", 16 << 20)];

/// Real Chinese prose as text: fortunes-zh's modern prose when the package is installed (its
/// terminal colour codes removed), else the classical poems that ship with the repository.
pub fn prose_text() -> (String, &'static str) {
    if let Ok(bytes) = std::fs::read(FORTUNES_ZH) {
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::GB18030.decode_without_bom_handling(&bytes).0.into_owned(),
        };
        return (strip_escapes(&text), "fortunes-zh 'chinese'");
    }
    (include_str!("data/classical-poems.utf8.txt").to_string(), "classical poems (benches/data)")
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if c != '\u{1b}' {
            out.push(c);
        }
    }
    out
}

/// English text and source code: this crate's own sources.
fn ascii_text() -> String {
    [
        include_str!("../src/scan/fast.rs"),
        include_str!("../src/scan/reference.rs"),
        include_str!("../src/rules/mod.rs"),
        include_str!("../src/finding.rs"),
    ]
    .concat()
    .chars()
    .filter(char::is_ascii)
    .collect()
}

/// A small deterministic generator (64-bit LCG), so inputs are the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
}

/// Localisation markup: ASCII keys and Chinese values, about half and half by bytes.
fn markup_text(prose: &str) -> String {
    let words =
        ["settings", "display", "title", "network", "error", "message", "button", "label", "dialog", "save"];
    let sentences: Vec<&str> = prose.lines().map(str::trim).filter(|l| l.chars().count() >= 6).collect();
    let mut rng = Lcg(7);
    let mut out = String::new();
    for (i, sentence) in sentences.iter().cycle().take(4_000).enumerate() {
        let key: Vec<&str> = (0..3).map(|_| words[rng.next() as usize % words.len()]).collect();
        let value: String = sentence.chars().take(12).collect();
        out.push_str(&format!("\"{}.{i}\": \"{value}\",\n", key.join(".")));
    }
    out
}

/// Four-byte-heavy text: CJK Ext A and B ideographs and emoji, with two-byte punctuation.
fn four_byte_text() -> String {
    let mut rng = Lcg(11);
    let mut out = String::new();
    for line in 0..2_000 {
        for _ in 0..20 {
            let c = match rng.next() % 3 {
                0 => 0x3400 + rng.next() % 0x19B6,
                1 => 0x20000 + rng.next() % 0xA6D7,
                _ => 0x1F600 + rng.next() % 0x50,
            };
            out.push(char::from_u32(c).unwrap_or('?'));
        }
        out.push_str(if line % 2 == 0 { "，\n" } else { "。\n" });
    }
    out
}

fn to_gb18030(text: &str) -> Vec<u8> {
    text.chars().flat_map(|c| encode(c).as_bytes().to_vec()).collect()
}

/// Repeats `unit` to `size` bytes, cut just after a line feed.
fn repeat_to(unit: &[u8], size: usize) -> Vec<u8> {
    let mut out: Vec<u8> = unit.iter().copied().cycle().take(size).collect();
    let cut = out.iter().rposition(|&b| b == b'\n').map_or(out.len(), |i| i + 1);
    out.truncate(cut);
    out
}

/// One input, GB 18030-encoded, of about `size` bytes.
pub fn make(kind: &str, size: usize) -> Vec<u8> {
    let (prose, _) = prose_text();
    match kind {
        "ascii" => repeat_to(ascii_text().as_bytes(), size),
        "prose" => repeat_to(&to_gb18030(&prose), size),
        "markup" => repeat_to(&to_gb18030(&markup_text(&prose)), size),
        "four-byte" => repeat_to(&to_gb18030(&four_byte_text()), size),
        "prose-invalid" => {
            let mut bytes = repeat_to(&to_gb18030(&prose), size);
            // One invalid byte every 64 KiB, placed at a line start so it stays a lone 0xFF.
            let mut at = 0;
            while let Some(lf) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) {
                let pos = at + lf + 1;
                if pos >= bytes.len() {
                    break;
                }
                bytes.insert(pos, 0xFF);
                at = pos + (64 << 10);
            }
            bytes
        }
        _ => panic!("unknown input kind {kind}"),
    }
}

/// Writes every kind at `size` bytes into `dir`, as `KIND.gb18030.txt` and `KIND.utf8.txt`.
#[allow(dead_code)]
pub fn write_all(dir: &Path, size: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for kind in KINDS {
        let bytes = make(kind, size);
        std::fs::write(dir.join(format!("{kind}.gb18030.txt")), &bytes)?;
        let utf8 = encoding_rs::GB18030.decode_without_bom_handling(&bytes).0.into_owned();
        std::fs::write(dir.join(format!("{kind}.utf8.txt")), utf8)?;
    }
    Ok(())
}
