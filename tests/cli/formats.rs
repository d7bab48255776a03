//! Formats through the binary: GB016 (`declared-encoding-mismatch`) on real-format fixtures
//! (`tests/data/formats/`), chosen by extension; `gbcheck rules`, `explain`, SARIF's rule list;
//! and `--encoding auto` following a declaration.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::command::run;
use crate::support::output::{stderr, stdout};

fn fixture(name: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats").join(name)).unwrap()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// One finding of a JSON Lines run: (rule, line, column, byte length, message).
type Found = (String, u64, u64, u64, String);

/// The exit status and findings of a JSON Lines run.
fn findings(args: &[&str], dir: &Path) -> (Option<i32>, Vec<Found>) {
    let output = run(args, dir);
    let found = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "finding")
        .map(|v| {
            let n = |k: &str| v[k].as_u64().unwrap();
            let rule = v["rule"].as_str().unwrap().to_string();
            (rule, n("line"), n("column"), n("byte_len"), v["message"].as_str().unwrap().to_string())
        })
        .collect();
    (output.status.code(), found)
}

#[test]
fn a_gbk_xliff_declaring_utf8_is_gb016_at_its_declaration() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture("messages.xlf");
    fs::write(dir.path().join("messages.xlf"), gbk(&text)).unwrap();
    // The same bytes under a plain-text name: no format, no declaration read (as before).
    fs::write(dir.path().join("messages.txt"), gbk(&text)).unwrap();
    let (code, found) = findings(&["check", "--format", "jsonl", "messages.xlf", "messages.txt"], dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, line, column, len, message) = &found[0];
    // `<?xml version="1.0" encoding="` is 30 characters: the name UTF-8 is at column 31.
    assert_eq!((rule.as_str(), *line, *column, *len), ("GB016", 1, 31, 5));
    assert!(message.contains("XML declaration says UTF-8") && message.contains("GB 18030"), "{message}");
}

#[test]
fn po_html_and_json_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let po = fixture("zh_CN.po");
    fs::write(dir.path().join("zh_CN.po"), gbk(&po)).unwrap();
    fs::write(dir.path().join("legacy.html"), fixture("legacy.html")).unwrap();
    fs::write(dir.path().join("messages.json"), gbk(&fixture("messages.json"))).unwrap();
    fs::write(dir.path().join("ok.json"), fixture("messages.json")).unwrap();
    let (code, found) = findings(
        &["check", "--format", "jsonl", "zh_CN.po", "legacy.html", "messages.json", "ok.json"],
        dir.path(),
    );
    assert_eq!(code, Some(1));
    let at: Vec<(&str, u64, u64, u64)> =
        found.iter().map(|(r, l, c, n, _)| (r.as_str(), *l, *c, *n)).collect();
    // The PO header's charset on line 7 (`"Content-Type: text/plain; charset=` is 35
    // characters); legacy.html's `gb2312` on line 3 (after `<meta http-equiv="Content-Type"
    // content="text/html; charset=`, 60 characters); JSON's implicit UTF-8 at the start.
    assert_eq!(at, [("GB016", 3, 61, 6), ("GB016", 1, 1, 0), ("GB016", 7, 36, 5)], "{found:?}");
    assert!(found[0].4.contains("says GB 2312") && found[0].4.contains("UTF-8"), "{}", found[0].4);
    assert!(found[1].4.contains("RFC 8259"), "{}", found[1].4);
}

#[test]
fn auto_reads_a_declared_utf8_file_as_utf8() {
    // One stray FF in UTF-8 JSON: as .json it is UTF-8 with one invalid byte (GB001) and a
    // broken declaration (GB016); as .txt, auto reads it as GB 18030, as before.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = fixture("messages.json").into_bytes();
    bytes.insert(5, 0xFF);
    fs::write(dir.path().join("a.json"), &bytes).unwrap();
    fs::write(dir.path().join("a.txt"), &bytes).unwrap();
    let (_, json) = findings(&["check", "--format", "jsonl", "a.json"], dir.path());
    let rules: Vec<&str> = json.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["GB016", "GB001"], "{json:?}");
    let (_, txt) = findings(&["check", "--format", "jsonl", "a.txt"], dir.path());
    assert!(txt.iter().all(|f| f.0 != "GB016") && txt.len() > 2, "{txt:?}");
}

#[test]
fn gb016_is_a_rule_like_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let rules = stdout(&run(&["rules"], dir.path()));
    assert!(rules.lines().any(|l| l.starts_with("GB016  declared-encoding-mismatch error")), "{rules}");
    let explain = run(&["explain", "GB016"], dir.path());
    assert_eq!(explain.status.code(), Some(0), "{}", stderr(&explain));
    assert!(stdout(&explain).contains("RFC 8259"));
    fs::write(dir.path().join("m.json"), gbk(&fixture("messages.json"))).unwrap();
    let sarif = run(&["check", "--format", "sarif", "m.json"], dir.path());
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"GB016"), "{ids:?}");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "GB016");
    // Off in the configuration: nothing.
    fs::write(dir.path().join("gbcheck.toml"), "[rules]\nGB016 = \"off\"\n").unwrap();
    let (code, found) = findings(&["check", "--format", "jsonl", "m.json"], dir.path());
    assert_eq!((code, found.len()), (Some(0), 0));
}

#[test]
fn escapes_are_judged_at_the_escape() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("messages_zh_CN.properties"), fixture("messages_zh_CN.properties")).unwrap();
    fs::write(dir.path().join("escapes.json"), fixture("escapes.json")).unwrap();
    let (code, found) =
        findings(&["check", "--format", "jsonl", "escapes.json", "messages_zh_CN.properties"], dir.path());
    assert_eq!(code, Some(1));
    let at: Vec<(&str, u64, u64, u64)> =
        found.iter().map(|(r, l, c, n, _)| (r.as_str(), *l, *c, *n)).collect();
    assert_eq!(
        at,
        [
            // escapes.json: "\uE000" (GB007) on line 4 after `  "private": "`; the lone
            // "\ud83d" (GB001) on line 5 after `  "lone": "`.
            ("GB007", 4, 15, 6),
            ("GB001", 5, 12, 6),
            // The properties: \ue000 (GB007), \ue81e (GB005 and GB007), the lone \ude00 (GB001).
            ("GB007", 3, 9, 6),
            ("GB005", 4, 10, 6),
            ("GB007", 4, 10, 6),
            ("GB001", 7, 8, 6),
        ],
        "{found:?}"
    );
    assert!(found[1].4.contains("lone surrogate"), "{}", found[1].4);
}

#[test]
fn an_override_sets_or_turns_off_the_format() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.properties"), "k=\\ue000\n").unwrap();
    fs::write(dir.path().join("b.txt"), "k=\\ue000\n").unwrap();
    // By extension: the .properties escape is GB007, the .txt is plain text.
    let (_, found) = findings(&["check", "--format", "jsonl", "a.properties", "b.txt"], dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    let config = "[[overrides]]\nglob = \"*.properties\"\nformat = \"none\"\n\n\
                  [[overrides]]\nglob = \"*.txt\"\nformat = \"properties\"\n";
    fs::write(dir.path().join("gbcheck.toml"), config).unwrap();
    let output = run(&["check", "--format", "jsonl", "a.properties", "b.txt"], dir.path());
    let text = stdout(&output);
    // GB007 is a warning: exit 0.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(text.matches("\"type\":\"finding\"").count(), 1, "{text}");
    assert!(text.contains("\"path\":\"b.txt\",\"rule\":\"GB007\""), "{text}");
    // `gbcheck config` says which format a file gets, and why.
    let config = stdout(&run(&["config", "b.txt"], dir.path()));
    assert!(config.contains("# format: properties (set by an override)"), "{config}");
    let config = stdout(&run(&["config", "a.properties"], dir.path()));
    assert!(config.contains("# format: none (set by an override)"), "{config}");
    fs::remove_file(dir.path().join("gbcheck.toml")).unwrap();
    let config = stdout(&run(&["config", "a.properties"], dir.path()));
    assert!(config.contains("# format: properties (by extension)"), "{config}");
    // A format gbcheck does not know is an error in the configuration.
    fs::write(dir.path().join("gbcheck.toml"), "[[overrides]]\nglob = \"*\"\nformat = \"yaml\"\n").unwrap();
    let output = run(&["check", "a.properties"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid format \"yaml\""), "{}", stderr(&output));
}
