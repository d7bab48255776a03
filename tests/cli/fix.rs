//! `gbcheck check --fix`, `--diff` and `--unsafe-fixes` on real files, trees and standard
//! input: the bytes written, the diff applied with the real `patch`, the fix in every format,
//! chunked files, permissions, and a real SIGKILL in the middle of a fix.
//!
//! The expected bytes are the codes of `oracle/gb18030-edition-differences.tsv` (2005's
//! `84 31 82 36` is U+FE10, 2022's `A6 D9`; 2005's `82 35 90 37` is U+9FB4, 2022's `FE 59`) and
//! the characters' UTF-8, written out here.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::command::{gbcheck, run, run_stdin};
use crate::support::output::{json_lines, stderr, stdout};

/// UTF-8 text as a GB 18030-2005 decoder left it: a BOM, U+E78D for U+FE10, U+E81E for U+9FB4.
const UTF8_2005: &str = "\u{FEFF}标点\u{E78D}部首\u{E81E}。\n第二行\n";
/// The same, fixed.
const UTF8_FIXED: &str = "标点\u{FE10}部首\u{9FB4}。\n第二行\n";
/// GB 18030 as a 2005 encoder wrote it: 标点 U+FE10 部首 U+9FB4, then an invalid FF next to a
/// stand-in code.
const GB_2005: &[u8] =
    b"\xB1\xEA\xB5\xE3\x84\x31\x82\x36\xB2\xBF\xCA\xD7\x82\x35\x90\x37\n\xFF\x84\x31\x82\x36\n";
/// The same, fixed: the FF is still there.
const GB_FIXED: &[u8] = b"\xB1\xEA\xB5\xE3\xA6\xD9\xB2\xBF\xCA\xD7\xFE\x59\n\xFF\xA6\xD9\n";

fn summary(output: &std::process::Output) -> Value {
    json_lines(output).into_iter().find(|r| r["type"] == "summary").expect("a summary")
}

#[test]
fn fix_rewrites_files_in_place_and_a_second_fix_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("u.txt"), UTF8_2005).unwrap();
    fs::write(dir.path().join("g.txt"), GB_2005).unwrap();
    fs::set_permissions(dir.path().join("g.txt"), fs::Permissions::from_mode(0o640)).unwrap();
    let first = run(&["check", "--fix", "--format", "jsonl", "--encoding", "auto", "."], dir.path());
    assert_eq!(fs::read(dir.path().join("u.txt")).unwrap(), UTF8_FIXED.as_bytes());
    assert_eq!(fs::read(dir.path().join("g.txt")).unwrap(), GB_FIXED);
    let mode = fs::metadata(dir.path().join("g.txt")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // The FF left is an error: the run still fails.
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    // u.txt: the BOM and GB005 + GB007 on each of two stand-ins; g.txt: GB005 + GB007 on each
    // of three codes.
    assert_eq!(summary(&first)["fixed"], 11, "{}", stdout(&first));
    assert_eq!(summary(&first)["fixable"], 0);
    let records = json_lines(&first);
    let rules: Vec<&str> =
        records.iter().filter_map(|r| r["rule"].as_str()).filter(|r| *r != "GB005").collect();
    assert_eq!(rules, ["GB001"], "{}", stdout(&first));

    let second = run(&["check", "--fix", "--format", "jsonl", "."], dir.path());
    assert_eq!(summary(&second)["fixed"], 0);
    assert_eq!(fs::read(dir.path().join("u.txt")).unwrap(), UTF8_FIXED.as_bytes());
    assert_eq!(fs::read(dir.path().join("g.txt")).unwrap(), GB_FIXED);
    // No temporary file is left behind.
    let mut names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["g.txt", "u.txt"]);
}

/// A tree with changes far apart (two hunks), a last line without a line end, and a GB 18030
/// file, in `dir`.
fn write_tree(dir: &Path) {
    let mut long = String::from("\u{E78D}开头\n");
    for i in 0..20 {
        long.push_str(&format!("第{i}行\n"));
    }
    long.push_str("结尾\u{E864}");
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("sub/long.txt"), long).unwrap();
    fs::write(dir.join("u.txt"), UTF8_2005).unwrap();
    fs::write(dir.join("g.txt"), GB_2005).unwrap();
    fs::write(dir.join("clean.txt"), "没有问题\n").unwrap();
}

#[test]
fn the_diff_applied_with_patch_gives_what_fix_writes() {
    let (fixed, patched) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_tree(fixed.path());
    write_tree(patched.path());
    let diff = run(&["check", "--diff", "."], patched.path());
    assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
    assert!(stderr(&diff).contains("would fix 15 finding(s) in 3 file(s)"), "{}", stderr(&diff));
    // --diff writes nothing.
    assert_eq!(fs::read(patched.path().join("g.txt")).unwrap(), GB_2005);
    let applied = Command::new("patch")
        .args(["-p1", "--batch", "--no-backup-if-mismatch"])
        .current_dir(patched.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&diff.stdout)?;
            child.wait_with_output()
        })
        .expect("run patch (apt-get install patch)");
    assert!(applied.status.success(), "{}\n{}", String::from_utf8_lossy(&applied.stdout), stdout(&diff));
    run(&["check", "--fix", "."], fixed.path());
    for name in ["u.txt", "g.txt", "sub/long.txt", "clean.txt"] {
        assert_eq!(
            fs::read(patched.path().join(name)).unwrap(),
            fs::read(fixed.path().join(name)).unwrap(),
            "{name}"
        );
    }
    let long = fs::read_to_string(fixed.path().join("sub/long.txt")).unwrap();
    assert!(long.starts_with("\u{FE10}开头\n") && long.ends_with("结尾\u{9FBB}"), "{long}");
    // Nothing left to change: no diff, status 0.
    let again = run(&["check", "--diff", "."], fixed.path());
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(again.stdout.is_empty());
}

#[test]
fn standard_input_is_fixed_onto_standard_output() {
    let output = run_stdin(&["check", "--fix", "-"], Path::new("."), UTF8_2005.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(output.stdout, UTF8_FIXED.as_bytes());
    assert!(stderr(&output).contains("5 fixed"), "{}", stderr(&output));
    let gb = run_stdin(&["check", "--fix", "--encoding", "gb18030", "-"], Path::new("."), GB_2005);
    assert_eq!(gb.stdout, GB_FIXED);
    // The FF is left, and an error.
    assert_eq!(gb.status.code(), Some(1));
    let diff = run_stdin(&["check", "--diff", "-"], Path::new("."), UTF8_2005.as_bytes());
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stdout(&diff).starts_with("--- a/<stdin>\n+++ b/<stdin>\n@@ -1,2 +1,2 @@\n"),
        "{}",
        stdout(&diff)
    );
}

#[test]
fn fix_options_that_cannot_work_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "a\u{1}\n").unwrap();
    let alone = run(&["check", "--unsafe-fixes", "a.txt"], dir.path());
    assert_eq!(alone.status.code(), Some(2));
    assert!(stderr(&alone).contains("--unsafe-fixes"), "{}", stderr(&alone));
    let mixed = run_stdin(&["check", "--fix", "a.txt", "-"], dir.path(), b"x");
    assert_eq!(mixed.status.code(), Some(2));
    let both = run(&["check", "--fix", "--diff", "a.txt"], dir.path());
    assert_eq!(both.status.code(), Some(2));
    assert_eq!(fs::read(dir.path().join("a.txt")).unwrap(), b"a\x01\n");
}

#[test]
fn unsafe_fixes_remove_controls_repair_mojibake_and_convert_files() {
    let dir = tempfile::tempdir().unwrap();
    // "浣犲ソ" is "你好" in UTF-8 read as GBK (Python: '你好'.encode().decode('gbk')).
    fs::write(dir.path().join("m.txt"), "问候：浣犲ソ。\u{1B}[0m\n").unwrap();
    let safe = run(&["check", "--fix", "m.txt"], dir.path());
    assert_eq!(safe.status.code(), Some(0));
    assert!(stderr(&safe).contains("2 more with --fix --unsafe-fixes"), "{}", stderr(&safe));
    assert_eq!(fs::read_to_string(dir.path().join("m.txt")).unwrap(), "问候：浣犲ソ。\u{1B}[0m\n");
    let unsafe_run = run(&["check", "--fix", "--unsafe-fixes", "m.txt"], dir.path());
    assert_eq!(unsafe_run.status.code(), Some(0), "{}", stderr(&unsafe_run));
    assert_eq!(fs::read_to_string(dir.path().join("m.txt")).unwrap(), "问候：你好。[0m\n");

    // 中文 in GB 18030 where UTF-8 is required (GB008): converted.
    fs::write(dir.path().join("gb.txt"), b"\xD6\xD0\xCE\xC4\n").unwrap();
    let refused = run(&["check", "--fix", "--encoding", "utf-8", "gb.txt"], dir.path());
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(fs::read(dir.path().join("gb.txt")).unwrap(), b"\xD6\xD0\xCE\xC4\n");
    let converted = run(&["check", "--fix", "--unsafe-fixes", "--encoding", "utf-8", "gb.txt"], dir.path());
    assert_eq!(converted.status.code(), Some(0), "{}", stderr(&converted));
    assert_eq!(fs::read_to_string(dir.path().join("gb.txt")).unwrap(), "中文\n");
}

#[test]
fn findings_carry_their_fix_in_json_lines_sarif_and_human_output() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("u.txt"), UTF8_2005).unwrap();
    let jsonl = run(&["check", "--format", "jsonl", "u.txt"], dir.path());
    let records = json_lines(&jsonl);
    let bom = &records[0];
    assert_eq!(bom["rule"], "GB011");
    assert_eq!(
        bom["fix"],
        serde_json::json!({"safe": true, "replacement": "", "convert_to": null, "description": "remove the bytes"})
    );
    let stand_in = records.iter().find(|r| r["rule"] == "GB007").unwrap();
    assert_eq!(stand_in["fix"]["replacement"], "ef b8 90");
    assert_eq!(summary(&jsonl)["fixable"], 5);
    assert_eq!(summary(&jsonl)["fixed"], 0);

    let sarif = run(&["check", "--format", "sarif", "u.txt"], dir.path());
    let log: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let replacement = &results[1]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    // U+E78D at bytes 9-11 (after the BOM and 标点), replaced by U+FE10 (EF B8 90 = "77iQ").
    assert_eq!(replacement["deletedRegion"], serde_json::json!({"byteOffset": 9, "byteLength": 3}));
    assert_eq!(replacement["insertedContent"]["binary"], "77iQ");
    let bom_fix = &results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert!(bom_fix.get("insertedContent").is_none(), "{bom_fix}");

    let human = run(&["check", "u.txt"], dir.path());
    assert!(stdout(&human).contains("  = fixable with --fix: replace with ef b8 90\n"), "{}", stdout(&human));
    assert!(stderr(&human).contains("; 5 fixable with --fix"), "{}", stderr(&human));
}

#[test]
fn big_files_read_in_chunks_are_fixed_and_reported_like_small_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (mut input, mut expected) = (String::new(), String::new());
    for i in 0..3000 {
        input.push_str(&format!("第{i}行 \u{E78D}\u{E81E}, 2005\n"));
        expected.push_str(&format!("第{i}行 \u{FE10}\u{9FB4}, 2005\n"));
    }
    fs::write(dir.path().join("big.txt"), &input).unwrap();
    let whole = run(&["check", "--format", "jsonl", "big.txt"], dir.path());
    let chunked = run(&["check", "--format", "jsonl", "--chunk-size", "1000", "big.txt"], dir.path());
    let fixes = |o| json_lines(o).iter().map(|r| r["fix"].clone()).collect::<Vec<_>>();
    assert_eq!(fixes(&whole), fixes(&chunked));
    assert_eq!(summary(&chunked)["fixable"], 12000);
    let fixed = run(&["check", "--fix", "--chunk-size", "1000", "--format", "jsonl", "big.txt"], dir.path());
    assert_eq!(summary(&fixed)["fixed"], 12000);
    assert_eq!(fs::read_to_string(dir.path().join("big.txt")).unwrap(), expected);
}

#[test]
fn the_pre_commit_hook_entry_with_fix_fixes_the_files_it_is_given() {
    // pre-commit runs the hook's `entry` with the `args` of the configuration and the files;
    // `args: [--fix]` as in docs/pre-commit.md.
    let hooks =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    let entry = hooks.lines().find_map(|l| l.trim().strip_prefix("entry: ")).unwrap();
    let words: Vec<&str> = entry.split_whitespace().collect();
    assert_eq!(words[0], "gbcheck");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("u.txt"), UTF8_2005).unwrap();
    fs::write(dir.path().join("g.txt"), GB_2005).unwrap();
    let output = gbcheck()
        .args(&words[1..])
        .args(["--fix", "u.txt", "g.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(fs::read(dir.path().join("u.txt")).unwrap(), UTF8_FIXED.as_bytes());
    assert_eq!(fs::read(dir.path().join("g.txt")).unwrap(), GB_FIXED);
    // The error that cannot be fixed still fails the hook.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn a_kill_during_fix_leaves_the_original_or_the_whole_result() {
    let dir = tempfile::tempdir().unwrap();
    let line = "第一行 \u{E78D}\u{E81E} 和 2005\n";
    let input = line.repeat(200_000); // 5.2 MB, 800 000 findings fixed
    let expected = input.replace('\u{E78D}', "\u{FE10}").replace('\u{E81E}', "\u{9FB4}");
    let path = dir.path().join("big.txt");
    let fix = || {
        gbcheck()
            .args(["check", "--fix", "--quiet", "--select", "GB007", "big.txt"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole fix takes here, only to spread the kills over it (nothing is asserted
    // about it).
    fs::write(&path, &input).unwrap();
    let started = std::time::Instant::now();
    assert!(fix().wait().unwrap().success());
    let whole = started.elapsed();
    assert!(fs::read_to_string(&path).unwrap() == expected);
    for step in 0..=10u32 {
        fs::write(&path, &input).unwrap();
        let mut child = fix();
        std::thread::sleep(whole * step / 10);
        // SIGKILL (Child::kill on Unix), unless the fix is already over.
        let _ = child.kill();
        let _ = child.wait();
        let now = fs::read(&path).unwrap();
        assert!(
            now == input.as_bytes() || now == expected.as_bytes(),
            "a partial file after a kill at {step}/10 of the run ({} bytes)",
            now.len()
        );
    }
    // The temporary files a kill leaves are gbcheck's own (`.big.txt.gbcheck-tmp-*`).
    for entry in fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(name == "big.txt" || name.starts_with(".big.txt.gbcheck-tmp-"), "{name}");
    }
}

#[test]
fn explain_says_which_rules_are_fixable() {
    let fixable = |rule: &str| {
        let output = run(&["explain", rule], Path::new("."));
        let text = stdout(&output);
        text.lines().find_map(|l| l.strip_prefix("Fixable automatically: ")).unwrap_or_default().to_string()
    };
    for rule in ["GB005", "GB007", "GB011"] {
        assert!(fixable(rule).starts_with("Partly, with --fix (safe)"), "{rule}: {}", fixable(rule));
    }
    for rule in ["GB008", "GB009", "GB012"] {
        assert!(fixable(rule).starts_with("With --fix --unsafe-fixes"), "{rule}: {}", fixable(rule));
    }
    for rule in ["GB001", "GB002", "GB003", "GB004", "GB006", "GB010", "GB013", "GB014", "GB015"] {
        assert!(fixable(rule).starts_with("No"), "{rule}: {}", fixable(rule));
    }
}

#[test]
fn merge_keeps_the_fixes_and_adds_up_the_fix_counts() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("u.txt"), UTF8_2005).unwrap();
    fs::write(dir.path().join("m.txt"), "浣犲ソ\u{1}\n").unwrap();
    let one = run(&["check", "--format", "jsonl", "u.txt"], dir.path());
    let two = run(&["check", "--format", "jsonl", "m.txt"], dir.path());
    fs::write(dir.path().join("one.jsonl"), &one.stdout).unwrap();
    fs::write(dir.path().join("two.jsonl"), &two.stdout).unwrap();
    let merged = run(&["merge", "one.jsonl", "two.jsonl"], dir.path());
    let both = run(&["check", "--format", "jsonl", "m.txt", "u.txt"], dir.path());
    let fixes = |o| json_lines(o).iter().map(|r| (r["path"].clone(), r["fix"].clone())).collect::<Vec<_>>();
    assert_eq!(fixes(&merged), fixes(&both));
    for key in ["fixable", "fixable_unsafe"] {
        assert_eq!(summary(&merged)[key], summary(&both)[key], "{key}");
    }
    assert_eq!(summary(&merged)["fixable"], 5);
    assert_eq!(summary(&merged)["fixable_unsafe"], 2);
}

/// A finding on an escape that is shown as fixable is fixed by `--fix`: `\ue81e` (a GB
/// 18030-2005 stand-in) in a JSON file becomes `\u9fb4` (龴, the character GB 18030-2022 gives
/// its code), an escape still; `--diff` says so first.
#[test]
fn a_stand_in_escape_shown_as_fixable_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("zh.json"), "{\"k\": \"\\ue81e\"}\n").unwrap();
    let shown = run(&["check", "--format", "jsonl", "zh.json"], dir.path());
    let records = json_lines(&shown);
    assert!(records.iter().any(|r| r["type"] == "finding" && r["fix"]["safe"] == true), "{records:?}");
    let diff = run(&["check", "--diff", "zh.json"], dir.path());
    assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
    let fixed = run(&["check", "--fix", "zh.json"], dir.path());
    assert_ne!(fixed.status.code(), Some(2), "{}", stderr(&fixed));
    assert_eq!(fs::read_to_string(dir.path().join("zh.json")).unwrap(), "{\"k\": \"\\u9fb4\"}\n");
}

/// `--diff` prints a diff and reports no findings: a baseline to write or a findings format
/// would be silently ignored, so they are refused, and nothing is written.
#[test]
fn diff_refuses_the_options_it_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "\u{FEFF}a\n").unwrap();
    let baseline = run(&["check", "--diff", "--write-baseline", "b.json", "a.txt"], dir.path());
    assert_eq!(baseline.status.code(), Some(2), "{}", stderr(&baseline));
    assert!(stderr(&baseline).contains("--write-baseline"), "{}", stderr(&baseline));
    assert!(!dir.path().join("b.json").exists());
    let format = run(&["check", "--diff", "--format", "jsonl", "a.txt"], dir.path());
    assert_eq!(format.status.code(), Some(2), "{}", stderr(&format));
    assert!(stderr(&format).contains("--format"), "{}", stderr(&format));
    let human = run(&["check", "--diff", "--format", "human", "a.txt"], dir.path());
    assert_eq!(human.status.code(), Some(1), "{}", stderr(&human));
}
