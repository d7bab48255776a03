//! The real binary, run as a user would: exit statuses, standard input, several paths,
//! JSON Lines key by key, escaping of hostile content, closed pipes (more in `gate.rs`).

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::command::{gbcheck, run, run_stdin};
use crate::support::output::{json_lines, stderr};

fn assert_no_panic(output: &Output) {
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), stderr(output));
    assert!(!text.contains("panicked"), "{text}");
}

/// "中文" in GB 18030, then invalid and valid bits whose places follow from the grammar.
const MIXED: &[u8] = b"\xD6\xD0\xCE\xC4ok\n\x81\x30\x41\n\xFF";

#[test]
fn clean_input_exits_0_and_findings_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), b"\xD6\xD0\xCE\xC4 plain\n").unwrap();
    fs::write(dir.path().join("bad.txt"), MIXED).unwrap();
    let good = run(&["check", "good.txt"], dir.path());
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    assert!(good.stdout.is_empty());
    let bad = run(&["check", "bad.txt"], dir.path());
    assert_eq!(bad.status.code(), Some(1));
    assert_no_panic(&bad);
}

#[test]
fn quiet_success_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), b"plain\n").unwrap();
    let output = run(&["check", "--quiet", "good.txt"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty() && output.stderr.is_empty(), "{}", stderr(&output));
}

#[test]
fn a_missing_path_is_exit_2_and_the_others_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), MIXED).unwrap();
    fs::write(dir.path().join("z.txt"), b"\xFF").unwrap();
    let output = run(&["check", "--format", "jsonl", "a.txt", "missing.txt", "z.txt"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let records = json_lines(&output);
    let paths: Vec<&str> = records.iter().filter_map(|r| r["path"].as_str()).collect();
    assert!(paths.contains(&"a.txt") && paths.contains(&"z.txt"), "{paths:?}");
    let error = records.iter().find(|r| r["type"] == "error").expect("an error record");
    assert_eq!(error["path"], "missing.txt");
    assert!(error["message"].as_str().unwrap().contains("no such file"));
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["files_checked"], 2);
    assert_eq!(summary["operational_errors"], 1);

    let human = run(&["check", "a.txt", "missing.txt"], dir.path());
    assert_eq!(human.status.code(), Some(2));
    assert!(stderr(&human).contains("missing.txt: no such file or directory"), "{}", stderr(&human));
}

#[test]
fn json_lines_match_the_contract_key_by_key() {
    let output =
        run_stdin(&["check", "--format", "jsonl", "--encoding", "gb18030", "-"], Path::new("."), MIXED);
    assert_eq!(output.status.code(), Some(1));
    let records = json_lines(&output);
    let keys = [
        "type",
        "path",
        "rule",
        "name",
        "severity",
        "line",
        "column",
        "byte_offset",
        "byte_len",
        "bytes",
        "char",
        "message",
        "round_trip_bytes",
        "fix",
    ];
    let findings: Vec<&Value> = records.iter().filter(|r| r["type"] == "finding").collect();
    for finding in &findings {
        let object = finding.as_object().unwrap();
        let mut present: Vec<&str> = object.keys().map(String::as_str).collect();
        present.sort_unstable();
        let mut expected = keys.to_vec();
        expected.sort_unstable();
        assert_eq!(present, expected);
        assert!(finding["char"].is_null());
        assert!(finding["round_trip_bytes"].is_null());
        assert!(finding["fix"].is_null());
        assert!(!finding["message"].as_str().unwrap().is_empty());
    }
    // Bytes: D6D0 CEC4 'o' 'k' LF | 81 30 41 LF | FF.
    // `81 30 41`: the lead alone is malformed (third byte not 81-FE), then '0' and 'A'.
    assert_eq!(findings.len(), 2);
    let expect =
        [("GB001", "invalid-sequence", 2, 1, 7, 1, "81"), ("GB001", "invalid-sequence", 3, 1, 11, 1, "ff")];
    for (finding, (rule, name, line, column, offset, len, bytes)) in findings.iter().zip(expect) {
        assert_eq!(finding["path"], "<stdin>");
        assert_eq!(finding["rule"], rule);
        assert_eq!(finding["name"], name);
        assert_eq!(finding["severity"], "error");
        assert_eq!(finding["line"], line);
        assert_eq!(finding["column"], column);
        assert_eq!(finding["byte_offset"], offset);
        assert_eq!(finding["byte_len"], len);
        assert_eq!(finding["bytes"], bytes);
    }
    let summary = records.last().unwrap();
    let summary_keys = [
        "schema_version",
        "files_checked",
        "files_with_findings",
        "files_skipped",
        "bytes_checked",
        "findings",
        "errors",
        "warnings",
        "elapsed_ms",
    ];
    for key in summary_keys {
        assert!(summary.get(key).is_some_and(Value::is_u64), "summary lacks {key}: {summary}");
    }
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(summary["bytes_checked"], MIXED.len());
    assert_eq!(summary["findings"], 2);
    assert_eq!(summary["errors"], 2);
    assert_eq!(summary["files_with_findings"], 1);
}

#[test]
fn columns_count_characters_and_malformed_spans_count_as_one() {
    // Line 1: "中" (2 bytes), lone 80, "文" (2 bytes), FF.
    // Columns: 中=1, 80=2, 文=3, FF=4.
    let output = run_stdin(
        &["check", "--format", "jsonl", "--encoding", "gb18030", "-"],
        Path::new("."),
        b"\xD6\xD0\x80\xCE\xC4\xFF",
    );
    let records = json_lines(&output);
    let columns: Vec<(u64, u64)> = records
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| (r["column"].as_u64().unwrap(), r["byte_offset"].as_u64().unwrap()))
        .collect();
    assert_eq!(columns, [(2, 2), (4, 5)]);
}

#[test]
fn max_findings_limits_output_but_not_counts() {
    let input = b"\xFF\xFF\xFF\xFF\xFF";
    let output =
        run_stdin(&["check", "--format", "jsonl", "--max-findings", "2", "-"], Path::new("."), input);
    assert_eq!(output.status.code(), Some(1));
    let records = json_lines(&output);
    assert_eq!(records.iter().filter(|r| r["type"] == "finding").count(), 2);
    assert_eq!(records.last().unwrap()["findings"], 5);
}

#[test]
fn encoding_choice_changes_the_verdict() {
    // "中文" in GB 18030 (D6D0 CEC4) is not UTF-8: auto takes it as GB 18030, and it is clean.
    let gb = b"\xD6\xD0\xCE\xC4";
    let auto = run_stdin(&["check", "--format", "jsonl", "-"], Path::new("."), gb);
    assert_eq!(auto.status.code(), Some(0));
    // Checked as UTF-8, it is plainly GB 18030: one GB008 at the start and nothing else.
    let utf8 = run_stdin(&["check", "--format", "jsonl", "--encoding", "utf-8", "-"], Path::new("."), gb);
    assert_eq!(utf8.status.code(), Some(1));
    let records = json_lines(&utf8);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0]["rule"], "GB008");
    assert_eq!((records[0]["line"].as_u64(), records[0]["column"].as_u64()), (Some(1), Some(1)));
    // Without GB008, the bytes are judged as UTF-8: D6 is a two-byte lead and D0 not a
    // continuation byte, so std reports error_len 1 at offset 0.
    let raw = run_stdin(
        &["check", "--format", "jsonl", "--encoding", "utf-8", "--ignore", "GB008", "-"],
        Path::new("."),
        gb,
    );
    let first = &json_lines(&raw)[0];
    assert_eq!(first["rule"], "GB001");
    assert_eq!(first["byte_offset"], 0);
    assert_eq!(first["byte_len"], 1);
}

#[test]
fn invalid_arguments_exit_2() {
    let output = run(&["check", "--format", "xml"], Path::new("."));
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["check", "--max-findings", "-3"], Path::new("."));
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["frobnicate"], Path::new("."));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hostile_content_is_escaped_in_human_output() {
    // An escape sequence that would clear the screen, a BiDi override and a zero-width space,
    // all valid UTF-8, followed by an invalid byte so that the line is shown.
    let content = "rm \u{1b}[2J \u{202e}txt.exe \u{200b}x\n".as_bytes().to_vec();
    let mut input = content.clone();
    input.pop();
    input.push(0xFF);
    let output =
        run_stdin(&["check", "--encoding", "utf-8", "--color", "never", "-"], Path::new("."), &input);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout.clone()).expect("human output is UTF-8");
    assert!(!text.contains('\u{1b}'), "raw ESC reached the terminal: {text:?}");
    assert!(!text.contains('\u{202e}') && !text.contains('\u{200b}'), "{text:?}");
    assert!(text.contains("\\x1b[2J"), "{text:?}");
    assert!(text.contains("\\u{202e}") && text.contains("\\u{200b}"), "{text:?}");
    assert!(text.contains("\\xff"), "{text:?}");
}

#[test]
fn hostile_content_is_exact_in_json() {
    // An OSC escape sequence (which sets a terminal title), then an invalid FF at offset 7.
    let input = b"a\x1b]0;x\x07\xFF\n";
    let output =
        run_stdin(&["check", "--format", "jsonl", "--encoding", "gb18030", "-"], Path::new("."), input);
    let raw = String::from_utf8_lossy(&output.stdout);
    assert!(!raw.contains('\u{1b}') && !raw.contains('\u{7}'), "raw control bytes in JSON: {raw:?}");
    let records = json_lines(&output);
    // ESC and BEL are GB012 control characters, exact in `bytes`; FF is GB001.
    assert_eq!((records[0]["rule"].as_str(), records[0]["bytes"].as_str()), (Some("GB012"), Some("1b")));
    let invalid = records.iter().find(|r| r["rule"] == "GB001").expect("GB001");
    assert_eq!(invalid["byte_offset"], 7);
    assert_eq!(invalid["bytes"], "ff");
    // Seven characters before it, the escape sequence's bytes counted one by one.
    assert_eq!(invalid["column"], 8);
}

#[test]
fn colour_follows_flags_and_no_color() {
    let input = b"\xFF";
    let always = run_stdin(&["check", "--color", "always", "-"], Path::new("."), input);
    assert!(String::from_utf8_lossy(&always.stdout).contains("\u{1b}["));
    let never = run_stdin(&["check", "--color", "never", "-"], Path::new("."), input);
    assert!(!String::from_utf8_lossy(&never.stdout).contains('\u{1b}'));
    // Not a terminal: auto means no colour, with or without NO_COLOR.
    let auto = run_stdin(&["check", "-"], Path::new("."), input);
    assert!(!String::from_utf8_lossy(&auto.stdout).contains('\u{1b}'));
    let mut child = gbcheck()
        .args(["check", "--color", "auto", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\u{1b}'));
}

#[test]
fn directories_are_checked_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("b/nested")).unwrap();
    fs::write(dir.path().join("b/nested/z.txt"), b"\xFF").unwrap();
    fs::write(dir.path().join("a.txt"), b"\xFF").unwrap();
    fs::write(dir.path().join("b/c.txt"), b"ok").unwrap();
    fs::write(dir.path().join(".hidden"), b"\xFF").unwrap();
    let output = run(&["check", "--format", "jsonl", "."], dir.path());
    let records = json_lines(&output);
    let paths: Vec<&str> = records.iter().filter_map(|r| r["path"].as_str()).collect();
    assert_eq!(paths, ["./a.txt", "./b/nested/z.txt"]);
    assert_eq!(records.last().unwrap()["files_checked"], 3);
}

#[test]
fn binary_files_are_skipped_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("blob.bin"), b"\x00\x01\xFF").unwrap();
    let output = run(&["check", "--format", "jsonl", "blob.bin"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let records = json_lines(&output);
    assert_eq!(records[0]["type"], "skipped");
    assert_eq!(records.last().unwrap()["files_skipped"], 1);
    let forced = run(&["check", "--format", "jsonl", "--binary", "blob.bin"], dir.path());
    assert_eq!(forced.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_exact_in_path_base64() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // "中.txt" in GB 18030: not valid UTF-8 as a file name.
    let name = OsStr::from_bytes(b"\xD6\xD0.txt");
    fs::write(dir.path().join(name), b"\xFF").unwrap();
    let output =
        gbcheck().args(["check", "--format", "jsonl"]).arg(name).current_dir(dir.path()).output().unwrap();
    let records = json_lines(&output);
    assert_eq!(records[0]["path"], "\u{FFFD}\u{FFFD}.txt");
    assert_eq!(records[0]["path_base64"], "1tAudHh0");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(status.success());
    // Opening a FIFO with no writer would block forever; gbcheck must not open it.
    let output = run(&["check", "pipe"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("FIFO"), "{}", stderr(&output));
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_status_of_what_was_found() {
    // Enough findings to overflow the pipe buffer after the reader has gone.
    let input = vec![0xFFu8; 200_000];
    let mut child = gbcheck()
        .args(["check", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&input).unwrap();
    drop(stdin);
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the pipe's read end is closed.
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    // The findings before the pipe closed are errors: status 1, as for the whole run.
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

#[test]
fn rules_lists_every_rule() {
    let output = run(&["rules"], Path::new("."));
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    // The contract's rules table (docs/output.md): `| GB001 | invalid-sequence | error | ...`.
    let contract =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/output.md")).unwrap();
    let documented: Vec<Vec<&str>> = contract
        .lines()
        .skip_while(|line| !line.starts_with("| id | name | default"))
        .skip(2)
        .take_while(|line| line.starts_with("| GB"))
        .map(|line| line.split('|').map(str::trim).filter(|cell| !cell.is_empty()).take(3).collect())
        .collect();
    let listed: Vec<Vec<&str>> = text.lines().map(|line| line.split_whitespace().take(3).collect()).collect();
    assert_eq!(listed, documented, "`gbcheck rules` against the rules table of docs/output.md");
    assert!(documented.len() >= 15, "{documented:?}");
}

/// `Rule` is `#[non_exhaustive]`, so the binary's table of explanations cannot be checked
/// for completeness by the compiler: every rule the library has must have its text.
#[test]
fn explain_has_a_text_for_every_rule() {
    for rule in gbcheck::finding::Rule::ALL {
        let output = run(&["explain", rule.id()], Path::new("."));
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{}: {}", rule.id(), stderr(&output));
        let first = format!("{} {} ({} by default)\n\n", rule.id(), rule.name(), rule.default_severity());
        assert!(text.starts_with(&first), "{text}");
        assert!(text.contains("\n\nExample: ") && text.contains("\n\nFix: "), "{text}");
    }
}

/// Issue 24's example: a 4 KB UTF-8 file with one stray `FF` is near-UTF-8 under `auto`, so it
/// is read as UTF-8 and gives exactly one GB001, at the `FF`, not hundreds of GB 18030 findings.
#[test]
fn utf8_with_one_stray_byte_is_one_gb001_under_auto() {
    let dir = tempfile::tempdir().unwrap();
    let text = "中文文本，一行又一行。\n".repeat(120);
    assert!(text.len() >= 4000);
    // Between two characters, so that the `FF` is the only invalid byte.
    let at = text.char_indices().map(|(i, _)| i).find(|&i| i >= 2000).unwrap();
    let mut bytes = text.into_bytes();
    bytes.insert(at, 0xFF);
    fs::write(dir.path().join("near.txt"), &bytes).unwrap();
    let output = run(&["check", "--format", "jsonl", "near.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let records = json_lines(&output);
    let findings: Vec<&Value> = records.iter().filter(|r| r["type"] == "finding").collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "GB001");
    assert_eq!(findings[0]["byte_offset"], at as u64);
    assert_eq!(findings[0]["byte_len"], 1);
}
