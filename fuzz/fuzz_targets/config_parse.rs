//! The configuration file parser (`src/cli/settings.rs`, built here as it is in the binary).
//!
//! Input starting with an ASCII byte is taken as the file's text: never a panic; an error
//! names the file, a line of the text and a column; what parses, written back as TOML, parses
//! to the same. Input starting with a byte >= 0x80 drives a generator that writes a file from
//! the keys and values of `docs/config.md`, some of them wrong: it must parse exactly when
//! every value is one the docs allow, to those values, and otherwise fail on the line and key
//! of a wrong one.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/cli/args.rs"]
mod args;
#[allow(dead_code)]
#[path = "../../src/cli/settings.rs"]
mod settings;
// `args.rs` names the `--shard` type.
#[allow(dead_code)]
#[path = "../../src/cli/shard.rs"]
mod shard;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use clap::ValueEnum;
use gbcheck::finding::Rule;
use libfuzzer_sys::fuzz_target;
use settings::{parse, Config};

const FILE: &str = "f.toml";

fn name<T: ValueEnum>(value: T) -> String {
    value.to_possible_value().map(|p| p.get_name().to_string()).unwrap_or_default()
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn setting_name(setting: settings::RuleSetting) -> &'static str {
    match setting.severity() {
        Some(severity) => severity.as_str(),
        None => "off",
    }
}

fn render_rules(out: &mut String, rules: &BTreeMap<settings::RuleKey, settings::RuleSetting>) {
    for (key, setting) in rules {
        let _ = writeln!(out, "{} = \"{}\"", key.0.id(), setting_name(*setting));
    }
}

/// The settings as a configuration file, every key in one fixed order.
fn render(config: &Config) -> String {
    let mut out = String::new();
    if let Some(v) = config.encoding {
        let _ = writeln!(out, "encoding = \"{}\"", name(v.0));
    }
    if let Some(v) = config.profile {
        let _ = writeln!(out, "profile = \"{}\"", name(v.0));
    }
    if let Some(v) = config.level {
        let _ = writeln!(out, "level = {}", v.0);
    }
    if let Some(v) = config.fail_level {
        let _ = writeln!(out, "fail-level = \"{}\"", name(v.0));
    }
    let excludes: Vec<String> = config.exclude.iter().map(|g| quoted(&g.0)).collect();
    let _ = writeln!(out, "exclude = [{}]", excludes.join(", "));
    out.push_str("[rules]\n");
    render_rules(&mut out, &config.rules);
    for o in &config.overrides {
        let _ = writeln!(out, "[[overrides]]\nglob = {}", quoted(&o.glob.text));
        if let Some(v) = o.encoding {
            let _ = writeln!(out, "encoding = \"{}\"", name(v.0));
        }
        if let Some(v) = o.profile {
            let _ = writeln!(out, "profile = \"{}\"", name(v.0));
        }
        if let Some(v) = o.level {
            let _ = writeln!(out, "level = {}", v.0);
        }
        out.push_str("[overrides.rules]\n");
        render_rules(&mut out, &o.rules);
    }
    out
}

/// The line and column an error names, after checking its form; `None` when it names none.
fn error_place(text: &str, error: &str) -> Option<(usize, usize)> {
    let rest = error.strip_prefix(FILE).unwrap_or_else(|| panic!("error without the file name: {error}"));
    let rest = rest.strip_prefix(':').unwrap_or_else(|| panic!("error without a colon: {error}"));
    let mut parts = rest.splitn(3, ':');
    let (Some(line), Some(column), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse::<usize>()) else {
        assert!(rest.starts_with(' '), "neither a place nor a message: {error}");
        return None;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(line >= 1 && line <= lines.len(), "line {line} of {}: {error}", lines.len());
    let width = lines[line - 1].chars().count();
    assert!(column >= 1 && column <= width + 1, "column {column} of {width}: {error}");
    Some((line, column))
}

fn raw(text: &str) {
    match parse(text, Path::new(FILE)) {
        Ok(config) => {
            let written = render(&config);
            let again = parse(&written, Path::new(FILE)).unwrap_or_else(|e| panic!("{written}\n{e}"));
            assert_eq!(render(&again), written);
        }
        Err(error) => {
            error_place(text, &error);
        }
    }
}

/// Reads choices from the fuzzer's bytes; 0 once they run out.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn next(&mut self, n: usize) -> usize {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        usize::from(b) % n
    }
}

/// A value for a key: its TOML text and, when the docs allow it, what it must read as.
type Value = (&'static str, Option<&'static str>);

/// One of `values` (the right ones first): a wrong one one time in eight, so that most
/// files are right and the values they read as get compared.
fn pick(c: &mut Choices, values: &[Value]) -> Value {
    let right = values.iter().take_while(|v| v.1.is_some()).count();
    match c.next(256) {
        n if n < 32 => values[right + n % (values.len() - right)],
        n => values[n % right],
    }
}

const ENCODINGS: &[Value] = &[
    ("\"auto\"", Some("auto")),
    ("\"gb18030\"", Some("gb18030")),
    ("\"utf-8\"", Some("utf-8")),
    ("\"UTF-8\"", None),
    ("\"latin1\"", None),
    ("\"\"", None),
    ("1", None),
    ("[\"auto\"]", None),
];
const PROFILES: &[Value] = &[
    ("\"gb18030-2022\"", Some("gb18030-2022")),
    ("\"gb18030-2005\"", Some("gb18030-2005")),
    ("\"gbk\"", Some("gbk")),
    ("\"whatwg\"", Some("whatwg")),
    ("\"cp936\"", Some("cp936")),
    ("\"gbk-whatwg\"", Some("gbk")),
    ("\"GBK\"", None),
    ("\"gb18030\"", None),
    ("2022", None),
];
const LEVELS: &[Value] = &[
    ("1", Some("1")),
    ("2", Some("2")),
    ("3", Some("3")),
    ("0", None),
    ("4", None),
    ("-1", None),
    ("\"2\"", None),
    ("2.0", None),
    ("9223372036854775807", None),
    ("99999999999999999999", None),
];
const FAIL_LEVELS: &[Value] =
    &[("\"error\"", Some("error")), ("\"warning\"", Some("warning")), ("\"fatal\"", None), ("true", None)];
const SETTINGS: &[Value] = &[
    ("\"error\"", Some("error")),
    ("\"warning\"", Some("warning")),
    ("\"off\"", Some("off")),
    ("\"ignore\"", None),
    ("\"Error\"", None),
    ("false", None),
];
const EXCLUDE_GLOBS: &[Value] = &[
    ("\"vendor/**\"", Some("vendor/**")),
    ("\"*.min.js\"", Some("*.min.js")),
    ("\"a b/中文.txt\"", Some("a b/中文.txt")),
    ("\"[\"", None),
    ("1", None),
];
const OVERRIDE_GLOBS: &[Value] = &[
    ("\"po/**/*.po\"", Some("po/**/*.po")),
    ("\"*.txt\"", Some("*.txt")),
    ("\"legacy/**/*.txt\"", Some("legacy/**/*.txt")),
    ("\"po/[\"", None),
    ("\"{a,b\"", None),
    ("[]", None),
];

/// What a generated file must read as.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    encoding: Option<String>,
    profile: Option<String>,
    level: Option<String>,
    fail_level: Option<String>,
    exclude: Vec<String>,
    rules: BTreeMap<Rule, String>,
    overrides: Vec<(String, Option<String>, Option<String>, Option<String>, BTreeMap<Rule, String>)>,
}

impl Expected {
    fn of(config: &Config) -> Expected {
        let rules = |r: &BTreeMap<settings::RuleKey, settings::RuleSetting>| {
            r.iter().map(|(k, v)| (k.0, setting_name(*v).to_string())).collect()
        };
        Expected {
            encoding: config.encoding.map(|v| name(v.0)),
            profile: config.profile.map(|v| name(v.0)),
            level: config.level.map(|v| v.0.to_string()),
            fail_level: config.fail_level.map(|v| name(v.0)),
            exclude: config.exclude.iter().map(|g| g.0.clone()).collect(),
            rules: rules(&config.rules),
            overrides: config
                .overrides
                .iter()
                .map(|o| {
                    (
                        o.glob.text.clone(),
                        o.encoding.map(|v| name(v.0)),
                        o.profile.map(|v| name(v.0)),
                        o.level.map(|v| v.0.to_string()),
                        rules(&o.rules),
                    )
                })
                .collect(),
        }
    }
}

/// Writes a file: each wrong line's number and key go to `bad`.
struct Writer {
    text: String,
    line: usize,
    bad: Vec<(usize, String)>,
}

impl Writer {
    fn line(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push('\n');
        self.line += 1;
    }

    /// Writes `key = value` with a value picked from `values`; what it must read as, `None`
    /// when the value is wrong.
    fn entry(&mut self, c: &mut Choices, key: &str, values: &[Value]) -> Option<String> {
        let (text, meaning) = pick(c, values);
        self.line(&format!("{key} = {text}"));
        if meaning.is_none() {
            self.wrong(key);
        }
        meaning.map(str::to_string)
    }

    /// Marks the last line wrong, naming `key`.
    fn wrong(&mut self, key: &str) {
        if self.bad.last().is_none_or(|(line, _)| *line != self.line) {
            self.bad.push((self.line, key.to_string()));
        }
    }

    /// Maybe writes `key = value`: `None` when absent, else what it must read as.
    fn key(&mut self, c: &mut Choices, key: &str, values: &[Value]) -> Option<Option<String>> {
        (c.next(2) == 1).then(|| self.entry(c, key, values))
    }

    /// Maybe an unknown key.
    fn unknown(&mut self, c: &mut Choices) {
        if c.next(8) == 0 {
            self.line("frobnicate = 1");
            self.wrong("frobnicate");
        }
    }

    /// A `rules` table's entries: each rule at most once, by id or by name, and maybe an
    /// unknown rule.
    fn rules(&mut self, c: &mut Choices) -> BTreeMap<Rule, String> {
        let mut seen = Vec::new();
        let mut rules = BTreeMap::new();
        for _ in 0..c.next(5) {
            // An unknown rule one time in sixteen.
            let n = c.next(256);
            let known = (n >= 16).then(|| Rule::ALL[n % Rule::ALL.len()]);
            let key = match known {
                Some(rule) if seen.contains(&rule) => continue,
                Some(rule) if c.next(2) == 0 => rule.id(),
                Some(rule) => rule.name(),
                None if n % 2 == 0 => "GB999",
                None => "PRIVATE-USE",
            };
            let meaning = self.entry(c, key, SETTINGS);
            match known {
                Some(rule) => {
                    seen.push(rule);
                    if let Some(m) = meaning {
                        rules.insert(rule, m);
                    }
                }
                None => self.wrong(key),
            }
        }
        rules
    }
}

fn generated(c: &mut Choices) {
    let mut w = Writer { text: String::new(), line: 0, bad: Vec::new() };
    let mut expected = Expected {
        encoding: w.key(c, "encoding", ENCODINGS).flatten(),
        profile: w.key(c, "profile", PROFILES).flatten(),
        level: w.key(c, "level", LEVELS).flatten(),
        fail_level: w.key(c, "fail-level", FAIL_LEVELS).flatten(),
        ..Expected::default()
    };
    if c.next(2) == 1 {
        let mut globs = Vec::new();
        let mut wrong = false;
        for _ in 0..c.next(4) {
            let (text, meaning) = pick(c, EXCLUDE_GLOBS);
            globs.push(text);
            match meaning {
                Some(m) => expected.exclude.push(m.to_string()),
                None => wrong = true,
            }
        }
        w.line(&format!("exclude = [{}]", globs.join(", ")));
        if wrong {
            w.wrong("exclude");
        }
    }
    w.unknown(c);
    if c.next(2) == 1 {
        w.line("[rules]");
        expected.rules = w.rules(c);
    }
    for _ in 0..c.next(4) {
        w.line("[[overrides]]");
        let header = w.line;
        // No glob one time in sixteen.
        let glob = (c.next(16) != 0).then(|| w.entry(c, "glob", OVERRIDE_GLOBS));
        if glob.is_none() {
            // The table lacks a required key: toml reports it at the table.
            w.bad.push((header, "glob".to_string()));
        }
        let encoding = w.key(c, "encoding", ENCODINGS).flatten();
        let profile = w.key(c, "profile", PROFILES).flatten();
        let level = w.key(c, "level", LEVELS).flatten();
        w.unknown(c);
        let rules = if c.next(2) == 1 {
            w.line("[overrides.rules]");
            w.rules(c)
        } else {
            BTreeMap::new()
        };
        expected.overrides.push((glob.flatten().unwrap_or_default(), encoding, profile, level, rules));
    }
    match parse(&w.text, Path::new(FILE)) {
        Ok(config) => {
            assert!(w.bad.is_empty(), "{}\nparsed, but these lines are wrong: {:?}", w.text, w.bad);
            assert_eq!(Expected::of(&config), expected, "{}", w.text);
        }
        Err(error) => {
            let place = error_place(&w.text, &error);
            let (line, _) = place.unwrap_or_else(|| panic!("no place in {error}\n{}", w.text));
            let keys: Vec<&String> = w.bad.iter().filter(|(l, _)| *l == line).map(|(_, k)| k).collect();
            assert!(!keys.is_empty(), "{}\nerror on line {line}, wrong lines {:?}: {error}", w.text, w.bad);
            assert!(keys.iter().any(|k| error.contains(k.as_str())), "{}\nkey not named: {error}", w.text);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match data.first() {
        Some(&b) if b >= 0x80 => generated(&mut Choices(&data[1..])),
        _ => {
            if let Ok(text) = std::str::from_utf8(data) {
                raw(text);
            }
        }
    }
});
