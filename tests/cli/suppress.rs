//! Suppression comments through the real binary: a comment whose rule list does not parse
//! suppresses nothing and is reported (GB015), in small files, in big files read in chunks
//! (`--chunk-size`, wherever the cuts fall) and on standard input.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::command::{run, run_stdin};
use crate::support::output::json_lines;

/// A finding as `(rule, line, column, byte_offset, byte_len)`.
type Found = (String, u64, u64, u64, u64);

/// The findings, and the summary.
fn findings(output: &Output) -> (Vec<Found>, Value) {
    let lines = json_lines(output);
    let found = lines
        .iter()
        .filter(|l| l["type"] == "finding")
        .map(|l| {
            let n = |key: &str| l[key].as_u64().unwrap_or_else(|| panic!("{key} in {l}"));
            (l["rule"].as_str().unwrap().to_string(), n("line"), n("column"), n("byte_offset"), n("byte_len"))
        })
        .collect();
    let summary = lines.iter().find(|l| l["type"] == "summary").cloned().expect("a summary");
    (found, summary)
}

fn check_file(dir: &Path, name: &str, bytes: &[u8], extra: &[&str]) -> Output {
    fs::write(dir.join(name), bytes).unwrap();
    let mut args = vec!["check", "--format", "jsonl"];
    args.extend_from_slice(extra);
    args.push(name);
    run(&args, dir)
}

fn gb(rule: &str, line: u64, column: u64, offset: usize, len: usize) -> Found {
    (rule.to_string(), line, column, offset as u64, len as u64)
}

#[test]
fn a_misspelt_rule_suppresses_nothing_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    for word in ["GB01", "GB999", "invalid-sequenc", "GB001;", "GB001,GB01"] {
        let bytes = [&b"a\x80b # gbcheck: ignore-line "[..], word.as_bytes(), b"\n"].concat();
        let directive = format!("gbcheck: ignore-line {word}");
        let output = check_file(dir.path(), "a.txt", &bytes, &[]);
        assert_eq!(output.status.code(), Some(1), "{word}: {}", String::from_utf8_lossy(&output.stderr));
        let (found, summary) = findings(&output);
        assert_eq!(found, [gb("GB001", 1, 2, 1, 1), gb("GB015", 1, 7, 6, directive.len())], "{word}");
        assert_eq!(summary["suppressed"], 0, "{word}");
        assert_eq!(summary["findings_by_rule"]["GB015"], 1, "{word}");
        assert_eq!(summary["warnings"], 1, "{word}");
    }
}

#[test]
fn a_rule_list_that_does_not_parse_is_not_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    // `GB003.`: trailing punctuation makes a word that is not a rule. Read as "no list", it
    // used to suppress every rule, and the file passed.
    let text = b"a\x80b\n/* gbcheck: ignore-file GB003. */\n";
    let output = check_file(dir.path(), "f.c", text, &[]);
    assert_eq!(output.status.code(), Some(1));
    let (found, _) = findings(&output);
    assert_eq!(found, [gb("GB001", 1, 2, 1, 1), gb("GB015", 2, 4, 7, "gbcheck: ignore-file GB003.".len())]);
    let human = run(&["check", "f.c"], dir.path());
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains(
            "f.c:2:4: warning[GB015] invalid-suppression: `GB003.` is not a rule id or name (did you \
             mean `GB003`?): this suppression comment suppresses nothing (see `gbcheck rules`) (at byte 7)"
        ),
        "{stdout}"
    );
    // A valid rule beside the bad word suppresses nothing either.
    let output = check_file(dir.path(), "g.c", b"a\x80b // gbcheck: ignore-line GB001, GB01x\n", &[]);
    assert_eq!(output.status.code(), Some(1));
    let rules: Vec<String> = findings(&output).0.into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["GB001", "GB015"]);
}

#[test]
fn well_formed_directives_still_work() {
    let dir = tempfile::tempdir().unwrap();
    for (text, suppressed) in [
        (&b"a\x80b <!-- gbcheck: ignore-line GB001 -->\n"[..], 1),
        (b"a\x80b # gbcheck: ignore-line\n", 1),
        (b"a\x80b # gbcheck: ignore-line invalid-sequence,GB007 -- a reason: here\n", 1),
        (b"# gbcheck: ignore-next-line GB001 %}\na\x80b\n", 1),
        (b"a\x80b \x80 ; gbcheck: ignore-file\n", 2),
        (b"a\x80b # gbcheck: ignore-line \xD6\xD0\xCE\xC4\n", 1),
    ] {
        let output = check_file(dir.path(), "ok.txt", text, &[]);
        let shown = String::from_utf8_lossy(text);
        assert_eq!(output.status.code(), Some(0), "{shown}: {}", String::from_utf8_lossy(&output.stdout));
        let (found, summary) = findings(&output);
        assert_eq!(found, [], "{shown}");
        assert_eq!(summary["suppressed"], suppressed, "{shown}");
    }
}

#[test]
fn gb015_is_never_suppressed_and_follows_the_rule_settings() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"# gbcheck: ignore-file\n# gbcheck: ignore-line GB01\na\x80b\n";
    let output = check_file(dir.path(), "f.txt", text, &[]);
    // The valid ignore-file hides the GB001, never the GB015.
    let (found, summary) = findings(&output);
    assert_eq!(found, [gb("GB015", 2, 3, 25, "gbcheck: ignore-line GB01".len())]);
    assert_eq!(summary["suppressed"], 1);
    let output = check_file(dir.path(), "f.txt", text, &["--ignore", "GB015"]);
    assert_eq!(findings(&output).0, []);
    assert_eq!(output.status.code(), Some(0));
    // Ignoring GB015 does not make the bad directive work.
    let output =
        check_file(dir.path(), "g.txt", b"a\x80b # gbcheck: ignore-line GB01\n", &["--ignore", "GB015"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(findings(&output).0, [gb("GB001", 1, 2, 1, 1)]);
    let output = check_file(dir.path(), "g.txt", b"x # gbcheck: ignore-line GB01\n", &["--select", "GB015"]);
    assert_eq!(findings(&output).0, [gb("GB015", 1, 5, 4, "gbcheck: ignore-line GB01".len())]);
}

#[test]
fn standard_input_honours_comments_and_reports_bad_ones() {
    let output = run_stdin(
        &["check", "--format", "jsonl", "-"],
        Path::new("."),
        b"a\x80b # gbcheck: ignore-line GB01\n",
    );
    assert_eq!(output.status.code(), Some(1));
    let directive = "gbcheck: ignore-line GB01".len();
    assert_eq!(findings(&output).0, [gb("GB001", 1, 2, 1, 1), gb("GB015", 1, 7, 6, directive)]);
    let output = run_stdin(
        &["check", "--format", "jsonl", "-"],
        Path::new("."),
        b"a\x80b # gbcheck: ignore-line GB001\n",
    );
    assert_eq!(output.status.code(), Some(0));
    let (found, summary) = findings(&output);
    assert_eq!(found, []);
    assert_eq!(summary["suppressed"], 1);
}

/// A file of a few hundred KiB with directives, good and bad, everywhere: checked in chunks of
/// many sizes (cuts fall inside directives and at their first bytes), whole, and from
/// standard input, it gives the same findings and totals.
#[test]
fn big_files_read_in_chunks_report_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    let mut n = 0usize;
    while text.len() < 300 << 10 {
        n += 1;
        let filler = "x".repeat(n * 7 % 90);
        text.extend_from_slice(filler.as_bytes());
        match n % 23 {
            0 => text.extend_from_slice(b" \x80 # gbcheck: ignore-line GB01\n"),
            5 => text.extend_from_slice(b" \x80 /* gbcheck: ignore-line GB001 */\n"),
            9 => text.extend_from_slice(b" \x80 <!-- gbcheck: ignore-file GB003. -->\n"),
            13 => text.extend_from_slice(b" \x80\n"),
            17 => text.extend_from_slice(b" # gbcheck: ignore-next-line GB001, nope\n\x80\n"),
            _ => text.push(b'\n'),
        }
    }
    // A stretch with no byte 00-2F (GB 18030 "啊" and no space) longer than a chunk, which is
    // checked as one stream: directives in it (their lists run to the stretch's end, or to
    // the 1,024 bytes a directive is read over) are found wherever its parts are cut.
    for i in 0..40 {
        text.extend_from_slice(&b"\xB0\xA1".repeat(100 + i * 37));
        text.extend_from_slice(if i % 2 == 0 {
            b"gbcheck:ignore-line;GB01"
        } else {
            b"gbcheck:ignore-next-line"
        });
    }
    text.extend_from_slice(b"\x80\n");
    // A directive in a line far longer than a chunk, and one at the very end without LF.
    text.extend_from_slice(&b"y".repeat(20_000));
    text.extend_from_slice(b" gbcheck: ignore-line GB07 ");
    text.extend_from_slice(&b"y".repeat(20_000));
    text.extend_from_slice(b"\n\x80 # gbcheck: ignore-line GB1");
    fs::write(dir.path().join("big.txt"), &text).unwrap();

    let whole = run(&["check", "--format", "jsonl", "--chunk-size", "64M", "big.txt"], dir.path());
    let (expected, expected_summary) = findings(&whole);
    let bad = expected.iter().filter(|f| f.0 == "GB015").count();
    assert!(bad > 100, "{bad}");
    assert!(expected.iter().any(|f| f.0 == "GB001"));
    assert!(expected_summary["suppressed"].as_u64().unwrap() > 50);
    // Every GB015 sits at a marker and covers its directive.
    for f in expected.iter().filter(|f| f.0 == "GB015") {
        let at = f.3 as usize;
        assert!(text[at..].starts_with(b"gbcheck:"), "{f:?}");
        let end = at + f.4 as usize;
        assert!(end == text.len() || b" \n".contains(&text[end]) || f.4 == 1024, "{f:?}");
    }
    let totals = |summary: &Value| {
        ["findings", "errors", "warnings", "suppressed", "files_with_findings"]
            .map(|key| summary[key].clone())
            .to_vec()
    };
    for size in ["1K", "2K", "4K", "5000", "16K"] {
        let output = run(&["check", "--format", "jsonl", "--chunk-size", size, "big.txt"], dir.path());
        let (found, summary) = findings(&output);
        assert_eq!(found, expected, "--chunk-size {size}");
        assert_eq!(totals(&summary), totals(&expected_summary), "--chunk-size {size}");
        assert_eq!(output.status.code(), Some(1));
    }
    let from_stdin = run_stdin(&["check", "--format", "jsonl", "-"], Path::new("."), &text);
    let (found, summary) = findings(&from_stdin);
    assert_eq!(found, expected);
    assert_eq!(totals(&summary), totals(&expected_summary));
}
