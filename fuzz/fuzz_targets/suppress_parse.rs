//! The inline suppression parser (`src/suppress.rs`).
//!
//! Input starting with a byte < 0x80 is taken as a file: never a panic, and reading it whole
//! equals reading it a line at a time. Input starting with a byte >= 0x80 drives a generator
//! that writes lines of filler and directives as the module's docs describe them (scopes,
//! rule ids and names, separators, comment closers, words that are not rules, look-alikes
//! that are not directives) and knows what each line suppresses: the parser must agree on
//! every rule and line.
#![no_main]

use gbcheck::finding::Rule;
use gbcheck::suppress::Suppressions;
use libfuzzer_sys::fuzz_target;

/// Reads choices from the fuzzer's bytes; 0 once they run out.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn next(&mut self, n: usize) -> usize {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        usize::from(b) % n
    }

    /// Up to `max` bytes of filler: anything but a newline or a colon (so no directive
    /// marker can form in it).
    fn filler(&mut self, max: usize) -> Vec<u8> {
        let len = self.next(max + 1);
        (0..len)
            .map(|_| self.next(256) as u8)
            .map(|b| if b == b'\n' || b == b':' { b'.' } else { b })
            .collect()
    }
}

/// What suppressions a generated file must have: per rule, the file flag and the lines.
#[derive(Default)]
struct Expected {
    file: Vec<Rule>,
    lines: Vec<(u64, Rule)>,
    any: bool,
}

const SCOPES: &[(&str, Option<u8>)] = &[
    ("ignore-line", Some(0)),
    ("ignore-next-line", Some(1)),
    ("ignore-file", Some(2)),
    // Look-alikes: not directives.
    ("ignore-lines", None),
    ("ignore-filed", None),
    ("ignore-line-x", None),
    ("ignore", None),
    ("ignore_line", None),
    ("ignore-next", None),
];
const SPACES: &[&str] = &[" ", "", "\t", "  "];
const SEPARATORS: &[&str] = &[",", " ", ", ", "\t", " , ", ",,"];
/// Words that end a rule list: comment closers, with no ASCII letter or digit...
const CLOSERS: &[&str] = &["-->", "*/", "--", "%}", "#"];
/// ... and words that are not rules, which make the directive suppress nothing.
const NOT_RULES: &[&str] = &["PRIVATE-USE", "GB999", "because", "GB01", "GB003.", "GB007;"];

fn rule_word(c: &mut Choices, rule: Rule) -> String {
    match c.next(3) {
        0 => rule.id().to_string(),
        1 => rule.id().to_ascii_lowercase(),
        _ => rule.name().to_string(),
    }
}

/// One generated directive appended to `line`; returns its effect (scope and rules) unless
/// it is not a directive or names a word that is not a rule, and whether its list was ended
/// (by a closer or such a word: what follows on the line is no longer part of it).
fn directive(c: &mut Choices, line: &mut Vec<u8>) -> (Option<(u8, Vec<Rule>)>, bool) {
    line.extend_from_slice(b"gbcheck:");
    line.extend_from_slice(SPACES[c.next(SPACES.len())].as_bytes());
    let (scope, effect) = SCOPES[c.next(SCOPES.len())];
    line.extend_from_slice(scope.as_bytes());
    let mut rules = Vec::new();
    for _ in 0..c.next(4) {
        let rule = Rule::ALL[c.next(Rule::ALL.len())];
        let separator = if rules.is_empty() {
            SPACES[c.next(SPACES.len() - 1)]
        } else {
            SEPARATORS[c.next(SEPARATORS.len())]
        };
        // A word must be set apart from the scope word.
        let separator = if rules.is_empty() && separator.is_empty() { " " } else { separator };
        line.extend_from_slice(separator.as_bytes());
        line.extend_from_slice(rule_word(c, rule).as_bytes());
        rules.push(rule);
    }
    let (closed, valid) = match c.next(3) {
        0 => (false, true),
        1 => {
            line.push(b' ');
            line.extend_from_slice(CLOSERS[c.next(CLOSERS.len())].as_bytes());
            (true, true)
        }
        _ => {
            line.push(b' ');
            line.extend_from_slice(NOT_RULES[c.next(NOT_RULES.len())].as_bytes());
            (true, false)
        }
    };
    if closed {
        // After the list has ended anything may follow, even another directive.
        line.push(b' ');
        line.extend(c.filler(6));
    }
    let rules = if rules.is_empty() { Rule::ALL.to_vec() } else { rules };
    (effect.filter(|_| valid).map(|effect| (effect, rules)), closed)
}

/// Records what a directive on line `number` suppresses.
fn record(effect: Option<(u8, Vec<Rule>)>, number: u64, expected: &mut Expected) {
    let Some((effect, rules)) = effect else { return };
    expected.any = true;
    for rule in rules {
        match effect {
            0 => expected.lines.push((number, rule)),
            1 => expected.lines.push((number + 1, rule)),
            _ => expected.file.push(rule),
        }
    }
}

fn generated(c: &mut Choices) {
    let mut text = Vec::new();
    let mut expected = Expected::default();
    let count = c.next(8) as u64 + 1;
    for number in 1..=count {
        let mut line = c.filler(4);
        // The directive before on this line, while its list is open: a directive after it
        // would be a word of that list (`gbcheck:`), which is not a rule.
        let mut open: Option<(u8, Vec<Rule>)> = None;
        for _ in 0..c.next(3) {
            if !line.is_empty() {
                line.push(b' ');
            }
            open = None;
            let (effect, closed) = directive(c, &mut line);
            if closed {
                record(effect, number, &mut expected);
            } else {
                open = effect;
            }
        }
        record(open, number, &mut expected);
        if c.next(4) == 0 {
            line.push(b'\r');
        }
        text.extend_from_slice(&line);
        if number < count || c.next(2) == 1 {
            text.push(b'\n');
        }
    }
    let s = Suppressions::scan(&text);
    let shown = String::from_utf8_lossy(&text);
    assert_eq!(s.is_empty(), !expected.any, "{shown:?}");
    for &rule in Rule::ALL {
        assert_eq!(s.file.contains(rule), expected.file.contains(&rule), "{rule:?} file-wide in {shown:?}");
        for line in 0..=count + 2 {
            // GB015 is never suppressed, whatever a directive names.
            let named = expected.file.contains(&rule) || expected.lines.contains(&(line, rule));
            let want = named && rule != Rule::InvalidSuppression;
            assert_eq!(s.covers(rule, line), want, "{rule:?} on line {line} of {shown:?}");
        }
    }
    assert!(s.lines.keys().all(|&line| (1..=count + 1).contains(&line)), "{:?} in {shown:?}", s.lines);
    same_line_by_line(&text, &s);
}

/// Reading a file a line at a time (as for input read in chunks) gives what reading it whole
/// does.
fn same_line_by_line(bytes: &[u8], whole: &Suppressions) {
    let mut streamed = Suppressions::default();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        streamed.add_line(i as u64 + 1, line);
    }
    assert_eq!(&streamed, whole);
}

fuzz_target!(|data: &[u8]| {
    match data.first() {
        Some(&b) if b >= 0x80 => generated(&mut Choices(&data[1..])),
        _ => {
            let s = Suppressions::scan(data);
            let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            assert!(s.lines.keys().all(|&line| (1..=lines + 1).contains(&line)), "{:?}", s.lines);
            same_line_by_line(data, &s);
        }
    }
});
