//! The gate tells the truth (issue 21, items 6, 7, 8, 11 and 14), through the real binary:
//! options that could never take effect are refused, a closed output pipe does not turn
//! findings into status 0, a NUL-separated list read one a line is refused, GB004 carries its
//! other code as data, and SARIF is streamed (flat memory, a valid log however many results,
//! and what it leaves out said inside the log).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn gbcheck() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gbcheck"));
    command.env_remove("NO_COLOR").env_remove("GITHUB_ACTIONS").env("CI", "1");
    command
}

fn run(args: &[&str], dir: &Path) -> Output {
    gbcheck().args(args).current_dir(dir).stdin(Stdio::null()).output().expect("run gbcheck")
}

fn run_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = gbcheck()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gbcheck");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}")))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// 8. A NUL-separated list read one a line
// ---------------------------------------------------------------------------------------------

#[test]
fn a_list_with_nul_bytes_needs_dash_0() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a"), b"ok\n").unwrap();
    fs::write(dir.path().join("b"), b"ok\n").unwrap();
    let output = run_stdin(&["check", "--no-config", "--files-from", "-"], dir.path(), b"a\0b\0");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("NUL") && err.contains("-0"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // The same list with -0 is read as two paths.
    let output = run_stdin(
        &["check", "--no-config", "--files-from", "-", "-0", "--format", "jsonl"],
        dir.path(),
        b"a\0b\0",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = json_lines(&output).pop().unwrap();
    assert_eq!(summary["files_checked"], 2);
    // From a file too.
    fs::write(dir.path().join("list"), b"a\0b\0").unwrap();
    let output = run(&["check", "--no-config", "--files-from", "list"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("-0"), "{}", stderr(&output));
}
