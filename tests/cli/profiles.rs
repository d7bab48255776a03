//! `--profile cp936` (code page 936) and the `gbk-whatwg` name of `gbk`, through the binary,
//! against glibc's iconv (`GBK`), where the expected answer comes from.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::command::run;
use crate::support::output::{stderr, stdout};

/// The (rule, column) of each finding of a JSON Lines run.
fn findings(args: &[&str], dir: &Path) -> (Option<i32>, Vec<(String, u64)>) {
    let output = run(args, dir);
    let found = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "finding")
        .map(|v| (v["rule"].as_str().unwrap().to_string(), v["column"].as_u64().unwrap()))
        .collect();
    (output.status.code(), found)
}

/// Whether glibc's iconv converts `bytes` from GBK without error (`None`: no iconv here).
fn iconv_accepts_gbk(bytes: &[u8], dir: &Path) -> Option<bool> {
    let path = dir.join("iconv-input");
    fs::write(&path, bytes).unwrap();
    let output = Command::new("iconv").args(["-f", "GBK", "-t", "UTF-8"]).arg(&path).output().ok()?;
    Some(output.status.success())
}

#[test]
fn cp936_reports_the_codes_code_page_936_lacks() {
    let dir = tempfile::tempdir().unwrap();
    // 中 (D6D0) is in code page 936; A6D9 (U+FE10), FE51 and the user-defined AAA1 are not;
    // 80 is the euro sign.
    let lacking: [&[u8]; 3] = [b"\xA6\xD9", b"\xFE\x51", b"\xAA\xA1"];
    for (bytes, accepted) in [(&b"\xD6\xD0\x80"[..], true)].into_iter().chain(lacking.map(|b| (b, false))) {
        if let Some(iconv) = iconv_accepts_gbk(bytes, dir.path()) {
            assert_eq!(iconv, accepted, "iconv -f GBK on {bytes:02X?}");
        }
    }
    fs::write(dir.path().join("a.txt"), b"\xD6\xD0\x80 \xA6\xD9 \xFE\x51 \xAA\xA1\n").unwrap();
    let (code, found) = findings(&["check", "--format", "jsonl", "--profile", "cp936", "a.txt"], dir.path());
    assert_eq!(code, Some(1));
    // GB006 on each lacking code; 80 is only edition-sensitive (GB005), as under gbk.
    let gb006: Vec<u64> = found.iter().filter(|(r, _)| r == "GB006").map(|&(_, c)| c).collect();
    assert_eq!(gb006, [4, 6, 8], "{found:?}");
    assert!(!found.iter().any(|(r, _)| r == "GB001"), "80 is a character under cp936: {found:?}");
    // Under gbk (WHATWG) A6D9 and AAA1 are characters (GB005 and GB007), not GB006.
    let (_, found) = findings(&["check", "--format", "jsonl", "--profile", "gbk", "a.txt"], dir.path());
    assert!(!found.iter().any(|(r, _)| r == "GB006"), "{found:?}");
}

#[test]
fn gbk_whatwg_is_gbk_and_cp936_is_accepted_in_the_config() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"\xA6\xD9 \x81\x30\x81\x30\n").unwrap();
    let gbk = findings(&["check", "--format", "jsonl", "--profile", "gbk", "a.txt"], dir.path());
    let alias = findings(&["check", "--format", "jsonl", "--profile", "gbk-whatwg", "a.txt"], dir.path());
    assert_eq!(gbk, alias);
    fs::write(dir.path().join("gbcheck.toml"), "profile = \"cp936\"\n").unwrap();
    let output = run(&["check", "--format", "jsonl", "a.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("\"profile\":\"cp936\""), "{text}");
    assert_eq!(text.matches("\"rule\":\"GB006\"").count(), 2, "{text}");
}

#[test]
fn convert_under_cp936_refuses_what_iconv_refuses() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ok.txt"), b"\xD6\xD0\x80\n").unwrap();
    fs::write(dir.path().join("bad.txt"), b"\xD6\xD0\xA6\xD9\n").unwrap();
    let ok =
        run(&["convert", "--to", "utf-8", "--from", "gb18030", "--profile", "cp936", "ok.txt"], dir.path());
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(ok.stdout, "中€\n".as_bytes());
    let bad =
        run(&["convert", "--to", "utf-8", "--from", "gb18030", "--profile", "cp936", "bad.txt"], dir.path());
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("GB006"), "{}", stderr(&bad));
}
