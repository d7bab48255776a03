//! Inline suppression comments, in any comment syntax (the directive is found by its text):
//!
//! - `gbcheck: ignore-line [RULES]`: the findings on this line;
//! - `gbcheck: ignore-next-line [RULES]`: the findings on the next line;
//! - `gbcheck: ignore-file [RULES]`: the findings anywhere in the file.
//!
//! `RULES` is a list of rule ids or names separated by commas or spaces (`GB007, mojibake`);
//! without one, every rule is suppressed. The list ends at the first word that is not a rule,
//! so a comment's closing `-->` or `*/` may follow. Lines are counted as in the reports
//! (1-based, ending at LF); the directive is ASCII and is found in GB 18030 and UTF-8 alike.
//!
//! ```
//! use gbcheck::finding::Rule;
//! use gbcheck::suppress::Suppressions;
//!
//! let s = Suppressions::scan(b"a\n# gbcheck: ignore-next-line GB007\nb\nc // gbcheck: ignore-line\n");
//! assert!(s.covers(Rule::PrivateUse, 3));
//! assert!(!s.covers(Rule::InvalidSequence, 3));
//! assert!(s.covers(Rule::InvalidSequence, 4));
//! assert!(!s.covers(Rule::PrivateUse, 1));
//! ```

use std::collections::BTreeMap;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::finding::Rule;

/// The marker every directive starts with.
const MARKER: &[u8] = b"gbcheck:";

/// A searcher for [`MARKER`], built once: `memmem::find` builds one a call, which cost more
/// than the search itself on a small file.
static MARKER_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(MARKER));

/// A set of rules, one bit each in [`Rule::ALL`] order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleMask(u32);

impl RuleMask {
    /// Every rule.
    pub const ALL: RuleMask = RuleMask(u32::MAX);

    fn bit(rule: Rule) -> u32 {
        1 << Rule::ALL.iter().position(|&r| r == rule).unwrap_or(31)
    }

    /// Whether the set holds `rule`.
    pub fn contains(self, rule: Rule) -> bool {
        self.0 & RuleMask::bit(rule) != 0
    }
}

/// The suppressions of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// Rules suppressed in the whole file.
    pub file: RuleMask,
    /// Rules suppressed on a line, by 1-based line number.
    pub lines: BTreeMap<u64, RuleMask>,
}

/// What a directive does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Line,
    NextLine,
    File,
}

/// Parses the rule list after a directive: ids or names separated by commas or spaces,
/// ending at the first other word. No rule named means every rule.
fn rule_list(rest: &[u8]) -> RuleMask {
    let text = String::from_utf8_lossy(rest);
    let mut mask = 0;
    for word in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()) {
        match Rule::lookup(word) {
            Some(rule) => mask |= RuleMask::bit(rule),
            None => break,
        }
    }
    if mask == 0 {
        RuleMask::ALL
    } else {
        RuleMask(mask)
    }
}

/// Finds the directives of one line whose marker starts before `limit`.
fn directives(line: &[u8], limit: usize) -> impl Iterator<Item = (Scope, RuleMask)> + '_ {
    MARKER_FINDER.find_iter(line).take_while(move |&at| at < limit).filter_map(move |at| {
        let rest = &line[at + MARKER.len()..];
        let start = rest.iter().position(|b| !b.is_ascii_whitespace() || *b == b'\n')?;
        let rest = &rest[start..];
        let (scope, len) = [
            (Scope::NextLine, &b"ignore-next-line"[..]),
            (Scope::Line, b"ignore-line"),
            (Scope::File, b"ignore-file"),
        ]
        .into_iter()
        .find(|(_, word)| {
            rest.starts_with(word)
                && rest.get(word.len()).is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
        })
        .map(|(scope, word)| (scope, word.len()))?;
        Some((scope, rule_list(&rest[len..])))
    })
}

/// Whether `bytes` hold the marker every directive starts with: text without one has no
/// directive. A marker cut by the end of `bytes` is not seen; a reader that searches a file a
/// block at a time keeps the last [`MARKER_OVERLAP`] bytes of each block for the next.
pub fn holds_marker(bytes: &[u8]) -> bool {
    MARKER_FINDER.find(bytes).is_some()
}

/// The LFs in `bytes`, and whether it holds a directive's marker, found in one pass.
pub fn lines_and_marker(bytes: &[u8]) -> (u64, bool) {
    let ends_marker = |i: usize| i + 1 >= MARKER.len() && bytes[i + 1 - MARKER.len()..=i] == *MARKER;
    let last_two = [MARKER[MARKER.len() - 2], MARKER[MARKER.len() - 1]];
    crate::scan::simd::count_lines_and_seek(bytes, last_two, ends_marker)
}

/// The bytes a block-wise search for the marker must carry over from one block to the next.
pub const MARKER_OVERLAP: usize = MARKER.len() - 1;

/// The most bytes a directive (its marker, scope and rule list) is read over.
pub const DIRECTIVE_MAX: usize = 1024;

impl Suppressions {
    /// The suppressions of a whole input.
    pub fn scan(bytes: &[u8]) -> Suppressions {
        let mut suppressions = Suppressions::default();
        if !holds_marker(bytes) {
            return suppressions;
        }
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            suppressions.add_line(i as u64 + 1, line);
        }
        suppressions
    }

    /// Adds the directives of `text`, whole lines each ending with LF, the first of them line
    /// `first`; returns the number of the line after them. Text without a marker is only
    /// counted, so a big file is not taken a line at a time.
    pub fn add_lines(&mut self, first: u64, text: &[u8]) -> u64 {
        if holds_marker(text) {
            for (i, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
                self.add_line(first + i as u64, line);
            }
        }
        first + memchr::memchr_iter(b'\n', text).count() as u64
    }

    /// Adds the directives of line `number` (1-based), for inputs read a line at a time.
    pub fn add_line(&mut self, number: u64, line: &[u8]) {
        self.add_line_part(number, line, line.len());
    }

    /// Adds the directives of line `number` whose marker starts before `limit` in `part`, a
    /// piece of the line: a very long line is read in pieces that overlap by at least the
    /// length of a directive ([`DIRECTIVE_MAX`]), and each marker is taken in one piece.
    pub fn add_line_part(&mut self, number: u64, part: &[u8], limit: usize) {
        for (scope, mask) in directives(part, limit) {
            let target = match scope {
                Scope::File => {
                    self.file.0 |= mask.0;
                    continue;
                }
                Scope::Line => number,
                Scope::NextLine => number + 1,
            };
            self.lines.entry(target).or_default().0 |= mask.0;
        }
    }

    /// Whether a finding of `rule` on `line` is suppressed.
    pub fn covers(&self, rule: Rule, line: u64) -> bool {
        self.file.contains(rule) || self.lines.get(&line).is_some_and(|m| m.contains(rule))
    }

    /// Whether there is nothing to suppress.
    pub fn is_empty(&self) -> bool {
        self.file == RuleMask::default() && self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_marker_in_one_pass() {
        let long = [&[b'a'; 100][..], b"\n// gbcheck: ignore-file\n", &[0xB0; 70]].concat();
        for (text, expected) in [
            (&b""[..], (0, false)),
            (b"gbcheck:", (0, true)),
            (b":gbcheck", (0, false)),
            (b"bcheck:\n", (1, false)),
            (b"a\ngbcheck\n:\n", (3, false)),
            (b"\xD6\xD0 gbcheck: ignore-line\n\n", (2, true)),
            (&long, (2, true)),
            (&long[..110], (1, false)),
            (&[&[b'x'; 56][..], b"gbcheck:\n"].concat(), (1, true)),
        ] {
            assert_eq!(lines_and_marker(text), expected, "{}", String::from_utf8_lossy(text));
            assert_eq!(lines_and_marker(text).1, holds_marker(text));
        }
    }

    #[test]
    fn comment_syntaxes_and_rule_lists() {
        let text =
            b"<!-- gbcheck: ignore-next-line GB001,GB007 -->\nx\n/* gbcheck: ignore-line mojibake */\n\
                     msgstr \"x\"  # gbcheck:ignore-line private-use control-character\n";
        let s = Suppressions::scan(text);
        assert!(s.covers(Rule::InvalidSequence, 2) && s.covers(Rule::PrivateUse, 2));
        assert!(!s.covers(Rule::Mojibake, 2));
        assert!(s.covers(Rule::Mojibake, 3) && !s.covers(Rule::InvalidSequence, 3));
        assert!(s.covers(Rule::PrivateUse, 4) && s.covers(Rule::ControlCharacter, 4));
        assert!(!s.covers(Rule::InvalidSequence, 4));
    }

    #[test]
    fn ignore_file_and_lookalikes() {
        let s = Suppressions::scan(b"a\n-- gbcheck: ignore-file GB012\n");
        assert!(s.covers(Rule::ControlCharacter, 1) && s.covers(Rule::ControlCharacter, 99));
        assert!(!s.covers(Rule::InvalidSequence, 1));
        let s = Suppressions::scan(b"gbcheck: ignore-lines\ngbcheck: ignore-filed\nno gbcheck here\n");
        assert!(s.is_empty());
        let s = Suppressions::scan(b"# gbcheck: ignore-file\n");
        assert!(s.covers(Rule::RemovedCharacter, 7));
    }
}
