//! Inline suppression comments, in any comment syntax (the directive is found by its text):
//!
//! - `gbcheck: ignore-line [RULES]`: the findings on this line;
//! - `gbcheck: ignore-next-line [RULES]`: the findings on the next line;
//! - `gbcheck: ignore-file [RULES]`: the findings anywhere in the file.
//!
//! `RULES` is a list of rule ids or names separated by commas or white space (`GB007,
//! mojibake`); without one, every rule is suppressed. The list ends at the end of the line or
//! at the first word with no ASCII letter or digit, so a comment's closing `-->` or `*/`, or a
//! `--` before a reason, may follow. Every word before that must be a rule: a directive with
//! one that is not (`GB01`, `GB003.`) suppresses nothing, and [`invalid_directives`] reports
//! it (GB015). A directive is read over at most [`DIRECTIVE_MAX`] bytes from its marker. Lines
//! are counted as in the reports (1-based, ending at LF); the directive is ASCII and is found
//! in GB 18030 and UTF-8 alike.
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

use crate::finding::{Cause, Finding, Rule, Severity};
use crate::report::FileReport;

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

/// One directive as read: where its text is in the bytes searched, what it does, and the
/// rules it names, or the first word of its list that is not a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Directive<'a> {
    /// Where its marker starts (0 for a directive read from its marker).
    at: usize,
    /// The length of its text, from the marker to the end of its rule list.
    len: usize,
    scope: Scope,
    rules: Result<RuleMask, &'a [u8]>,
}

/// Whether `b` separates the words of a rule list (a comma or ASCII white space; an LF ends
/// the line first).
fn is_separator(b: u8) -> bool {
    b == b',' || b.is_ascii_whitespace()
}

/// Parses a rule list: the words separated by commas and white space, up to the end of
/// `rest` or to the first word with no ASCII letter or digit (a comment's closer, or a `--`
/// before a reason). Every word must be a rule's id or name: the first that is not is
/// returned instead. No word at all means every rule. Also returns the bytes the list
/// covers (to the end of its last word).
fn rule_list(rest: &[u8]) -> (Result<RuleMask, &[u8]>, usize) {
    let mut mask = 0;
    let mut pos = 0;
    let mut covered = 0;
    loop {
        while pos < rest.len() && is_separator(rest[pos]) {
            pos += 1;
        }
        let len = rest[pos..].iter().position(|&b| is_separator(b)).unwrap_or(rest.len() - pos);
        let word = &rest[pos..pos + len];
        if !word.iter().any(u8::is_ascii_alphanumeric) {
            break;
        }
        covered = pos + len;
        match std::str::from_utf8(word).ok().and_then(Rule::lookup) {
            Some(rule) => mask |= RuleMask::bit(rule),
            None => return (Err(word), covered),
        }
        pos += len;
    }
    (Ok(if mask == 0 { RuleMask::ALL } else { RuleMask(mask) }), covered)
}

/// Reads the directive whose marker starts `text`, over at most [`DIRECTIVE_MAX`] bytes and
/// not past an LF; `None` when the marker is not followed by a scope word.
fn directive(text: &[u8]) -> Option<Directive<'_>> {
    let text = &text[..text.len().min(DIRECTIVE_MAX)];
    let text = &text[..memchr::memchr(b'\n', text).unwrap_or(text.len())];
    let after_marker = &text[MARKER.len()..];
    let space = after_marker.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(after_marker.len());
    let rest = &after_marker[space..];
    let (scope, word) = [
        (Scope::NextLine, &b"ignore-next-line"[..]),
        (Scope::Line, b"ignore-line"),
        (Scope::File, b"ignore-file"),
    ]
    .into_iter()
    .find(|(_, word)| {
        rest.starts_with(word)
            && rest.get(word.len()).is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
    })?;
    let (rules, covered) = rule_list(&rest[word.len()..]);
    Some(Directive { at: 0, len: MARKER.len() + space + word.len() + covered, scope, rules })
}

/// Finds the directives in `text` whose marker starts before `limit`.
fn directives(text: &[u8], limit: usize) -> impl Iterator<Item = Directive<'_>> + '_ {
    MARKER_FINDER
        .find_iter(text)
        .take_while(move |&at| at < limit)
        .filter_map(move |at| directive(&text[at..]).map(|d| Directive { at, ..d }))
}

/// The GB015 findings (`invalid-suppression`, with `severity`) of the directives in `text`
/// whose marker starts before `limit`; `text[0]` is at `offset` in the input. `text` must
/// hold the [`DIRECTIVE_MAX`] bytes after each such marker, or reach the input's end.
pub fn invalid_directives(text: &[u8], limit: usize, offset: u64, severity: Severity) -> Vec<Finding> {
    if !holds_marker(&text[..(limit + MARKER_OVERLAP).min(text.len())]) {
        return Vec::new();
    }
    directives(text, limit)
        .filter(|d| d.rules.is_err())
        .map(|d| Finding {
            severity,
            ..Finding::bytes(
                Rule::InvalidSuppression,
                offset + d.at as u64,
                d.len as u32,
                Cause::InvalidSuppression,
            )
        })
        .collect()
}

/// Adds the GB015 findings of `text` (as [`invalid_directives`] finds them) to `report`, in
/// order, when GB015 is on (`severity`). A file found in the wrong encoding (GB008) gets
/// nothing else.
pub fn report_invalid_directives(
    report: &mut FileReport,
    text: &[u8],
    limit: usize,
    offset: u64,
    severity: Option<Severity>,
) {
    let Some(severity) = severity else { return };
    if report.findings.iter().any(|f| f.rule == Rule::WrongEncoding) {
        return;
    }
    for finding in invalid_directives(text, limit, offset, severity) {
        let at = report.findings.partition_point(|f| f.span.start <= finding.span.start);
        report.findings.insert(at, finding);
        report.counts.count(severity);
    }
}

/// The message of a GB015 finding whose bytes are the directive's text.
pub fn invalid_message(bytes: &[u8]) -> String {
    let word = match directive(bytes).map(|d| d.rules) {
        Some(Err(word)) => word,
        _ => bytes,
    };
    let shown = String::from_utf8_lossy(word).escape_debug().to_string();
    let core = String::from_utf8_lossy(word);
    let core = core.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let hint = match Rule::lookup(core) {
        Some(rule) if core.len() < word.len() => format!(" (did you mean `{}`?)", rule.id()),
        _ => String::new(),
    };
    let cut = if bytes.len() >= DIRECTIVE_MAX {
        format!(" (a directive is read over at most {DIRECTIVE_MAX} bytes)")
    } else {
        String::new()
    };
    format!("`{shown}` is not a rule id or name{hint}{cut}: this suppression comment suppresses nothing")
}

/// Whether `bytes` hold the marker every directive starts with: text without one has no
/// directive. A marker cut by the end of `bytes` is not seen; a reader that searches a file a
/// block at a time keeps the last [`MARKER_OVERLAP`] bytes of each block for the next.
pub fn holds_marker(bytes: &[u8]) -> bool {
    MARKER_FINDER.find(bytes).is_some()
}

/// Where the markers in `bytes` start.
pub fn markers(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    MARKER_FINDER.find_iter(bytes)
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
        for directive in directives(part, limit) {
            // A directive with a word that is not a rule suppresses nothing (GB015 reports it).
            let Ok(mask) = directive.rules else { continue };
            let target = match directive.scope {
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

    /// Adds `other`, the suppressions of a part of an input whose line 1 is line `first` of
    /// the input: a big input's chunks are read apart and their comments joined in order.
    pub fn add_part(&mut self, other: &Suppressions, first: u64) {
        self.file.0 |= other.file.0;
        for (&line, mask) in &other.lines {
            self.lines.entry(line + first - 1).or_default().0 |= mask.0;
        }
    }

    /// Whether a finding of `rule` on `line` is suppressed. A GB015 finding never is: it
    /// reports a comment that does not do what it says, and no comment may hide that.
    pub fn covers(&self, rule: Rule, line: u64) -> bool {
        if rule == Rule::InvalidSuppression {
            return false;
        }
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
    fn a_list_with_a_word_that_is_not_a_rule_suppresses_nothing() {
        for (text, directive) in [
            (&b"x # gbcheck: ignore-line GB01\n"[..], &b"gbcheck: ignore-line GB01"[..]),
            (b"x # gbcheck: ignore-line GB999\n", b"gbcheck: ignore-line GB999"),
            (b"x # gbcheck: ignore-line GB001 GB01\n", b"gbcheck: ignore-line GB001 GB01"),
            (b"x # gbcheck: ignore-line GB001,oops -->\n", b"gbcheck: ignore-line GB001,oops"),
            (b"x # gbcheck: ignore-file GB003.\n", b"gbcheck: ignore-file GB003."),
            (b"x # gbcheck: ignore-file GB007; */\n", b"gbcheck: ignore-file GB007;"),
            (b"x # gbcheck: ignore-file \xFFGB001\n", b"gbcheck: ignore-file \xFFGB001"),
            (b"# gbcheck: ignore-next-line reason: none\nx\n", b"gbcheck: ignore-next-line reason:"),
        ] {
            let shown = String::from_utf8_lossy(text);
            assert!(Suppressions::scan(text).is_empty(), "{shown}");
            let found = invalid_directives(text, text.len(), 100, Severity::Warning);
            let at = text.windows(8).position(|w| w == MARKER).unwrap();
            let span = crate::finding::Span { start: 100 + at as u64, len: directive.len() as u32 };
            assert_eq!(
                found.iter().map(|f| (f.rule, f.span)).collect::<Vec<_>>(),
                [(Rule::InvalidSuppression, span)],
                "{shown}"
            );
            assert_eq!(&text[at..at + directive.len()], directive);
            assert!(!s_covers_gb015(text), "{shown}");
        }
        let message = invalid_message(b"gbcheck: ignore-file GB003.");
        assert!(
            message.starts_with("`GB003.` is not a rule id or name (did you mean `GB003`?)"),
            "{message}"
        );
        assert!(invalid_message(b"gbcheck: ignore-line GB01").starts_with("`GB01` is not a rule id or name:"));
    }

    fn s_covers_gb015(text: &[u8]) -> bool {
        let s = Suppressions::scan(text);
        (0..5).any(|line| s.covers(Rule::InvalidSuppression, line))
    }

    #[test]
    fn lists_end_at_a_word_without_letters_or_digits() {
        for (text, rules) in [
            (&b"gbcheck: ignore-line GB001 -->"[..], &[Rule::InvalidSequence][..]),
            (b"gbcheck: ignore-line GB001,GB007 */ GB01", &[Rule::InvalidSequence, Rule::PrivateUse]),
            (b"gbcheck: ignore-line GB001 -- GB01 is wrong", &[Rule::InvalidSequence]),
            (b"gbcheck: ignore-line , mojibake,\t%}", &[Rule::Mojibake]),
            (b"gbcheck: ignore-line \xD6\xD0\xCE\xC4", Rule::ALL),
            (b"gbcheck:ignore-line", Rule::ALL),
            (b"gbcheck: ignore-line\r", Rule::ALL),
        ] {
            let shown = String::from_utf8_lossy(text);
            let s = Suppressions::scan(text);
            for &rule in Rule::ALL {
                let expected = rules.contains(&rule) && rule != Rule::InvalidSuppression;
                assert_eq!(s.covers(rule, 1), expected, "{shown}: {rule}");
            }
            assert_eq!(invalid_directives(text, text.len(), 0, Severity::Warning), [], "{shown}");
        }
        // GB015 is never suppressed, not even by a directive for every rule.
        assert!(!Suppressions::scan(b"gbcheck: ignore-file\n").covers(Rule::InvalidSuppression, 1));
    }

    /// A directive is read over `DIRECTIVE_MAX` bytes however the text around it is cut: a
    /// longer one is cut there, and its cut last word is not a rule.
    #[test]
    fn a_directive_is_read_over_at_most_directive_max_bytes() {
        let long = [&b"gbcheck: ignore-line GB001"[..], &b" GB007".repeat(200), b"\n"].concat();
        assert!(long.len() > DIRECTIVE_MAX);
        let found = invalid_directives(&long, 1, 0, Severity::Warning);
        assert_eq!(found.iter().map(|f| f.span.len as usize).collect::<Vec<_>>(), [DIRECTIVE_MAX]);
        assert!(Suppressions::scan(&long).is_empty());
        assert_eq!(invalid_directives(&long[..DIRECTIVE_MAX], 1, 0, Severity::Warning), found);
        let message = invalid_message(&long[..DIRECTIVE_MAX]);
        assert!(message.contains("read over at most 1024 bytes"), "{message}");
        // Within the bytes read, the same list is fine.
        let fits = [&b"gbcheck: ignore-line GB001"[..], &b" GB007".repeat(160), b"\n"].concat();
        assert!(fits.len() < DIRECTIVE_MAX);
        assert!(Suppressions::scan(&fits).covers(Rule::PrivateUse, 1));
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
