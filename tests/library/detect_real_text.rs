//! `--encoding auto` on real text: near-UTF-8 (issue 24, item 4).
//!
//! A UTF-8 file with a few damaged bytes must still read as UTF-8 (its bad bytes then are
//! GB001 findings), and real GB 18030 text that is not valid UTF-8 must never read as UTF-8.
//! The text is the repository's classical poems (`benches/data/classical-poems.utf8.txt`,
//! public domain) cut into windows of many sizes, and modern interface strings written for
//! this test; the rule and the data it was chosen from are in `docs/encodings.md`.

use std::fs;

use gbcheck::check::{Encoding, EncodingChoice};
use gbcheck::detect::Detector;
use gbcheck::mapping;
use gbcheck::rules::RuleSet;

const POEMS: &str = "benches/data/classical-poems.utf8.txt";

/// Modern interface strings, as a `.po` file or a resource file holds them.
const MODERN: [&str; 12] = [
    "文件未找到",
    "无法打开配置文件：权限不足。",
    "是否保存对“%s”的更改？",
    "正在下载更新，请稍候……",
    "用户名或密码错误，请重新输入。",
    "网络连接已断开",
    "确定",
    "取消",
    "设置已保存，重新启动后生效。",
    "选择一个文件夹作为工作目录",
    "磁盘空间不足，无法完成操作。",
    "显示隐藏文件",
];

fn poems() -> Vec<char> {
    fs::read_to_string(POEMS).expect("read the poems").chars().collect()
}

fn to_gb18030(text: &str) -> Vec<u8> {
    text.chars().flat_map(|c| mapping::encode(c).as_bytes().to_vec()).collect()
}

fn auto(bytes: &[u8]) -> Encoding {
    Detector::detect(bytes, EncodingChoice::Auto, &RuleSet::default()).encoding
}

/// Windows of `size` characters over the poems, half overlapping.
fn windows(text: &[char], size: usize) -> impl Iterator<Item = String> + '_ {
    (0..text.len().saturating_sub(size))
        .step_by((size / 2).max(3))
        .map(move |at| text[at..at + size].iter().collect())
}

#[test]
fn gb18030_text_that_is_not_utf8_is_never_read_as_utf8() {
    let poems = poems();
    let mut texts: Vec<String> =
        [4, 10, 30, 100, 400, 3000].iter().flat_map(|&size| windows(&poems, size)).collect();
    texts.extend(MODERN.iter().map(|s| s.to_string()));
    texts.push(MODERN.join("\n"));
    texts.push(MODERN.repeat(20).join("\n"));
    let mut checked = 0;
    for text in &texts {
        let bytes = to_gb18030(text);
        // GB 18030 that happens to be valid UTF-8 (`平顺省`) is UTF-8 by definition.
        if std::str::from_utf8(&bytes).is_ok() {
            continue;
        }
        checked += 1;
        assert_eq!(auto(&bytes), Encoding::Gb18030, "{text}");
    }
    assert!(checked > 1000, "only {checked} texts checked");
}

/// A small deterministic generator (no timing, no randomness between runs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

/// UTF-8 with one byte damaged per `every` bytes: flipped, replaced, deleted, or an `FF`
/// inserted.
fn damage(bytes: &[u8], every: usize, rng: &mut Lcg) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..(bytes.len() / every).max(1) {
        let at = rng.next(out.len());
        match rng.next(4) {
            0 => out[at] ^= 1 << rng.next(8),
            1 => out[at] = rng.next(256) as u8,
            2 => drop(out.remove(at)),
            _ => out.insert(at, 0xFF),
        }
    }
    out
}

#[test]
fn utf8_text_with_a_few_damaged_bytes_is_read_as_utf8() {
    let poems = poems();
    let mut rng = Lcg(24);
    let mut checked = 0;
    for size in [30, 100, 400, 3000] {
        // The rule needs 16 valid non-ASCII characters (`docs/encodings.md`).
        for text in windows(&poems, size).filter(|text| text.chars().filter(|c| !c.is_ascii()).count() >= 24)
        {
            for every in [200, 60] {
                let bytes = damage(text.as_bytes(), every, &mut rng);
                if std::str::from_utf8(&bytes).is_ok() {
                    continue;
                }
                checked += 1;
                assert_eq!(auto(&bytes), Encoding::Utf8, "one damaged byte per {every}: {text}");
            }
        }
    }
    let modern = MODERN.repeat(4).join("\n");
    assert_eq!(auto(&damage(modern.as_bytes(), 100, &mut rng)), Encoding::Utf8);
    assert!(checked > 1000, "only {checked} texts checked");
}
