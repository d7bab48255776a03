//! Walking trees and every kind of bad path, through the real binary: ignore files, hidden
//! entries, excludes, `--files-from`, `--max-filesize`, sorted and deterministic output
//! whatever the thread count, and unreadable files and directories, symbolic link loops,
//! broken links, FIFOs, sockets, devices, and file names that are not UTF-8 or hold a newline.
//! Each bad path gets one clear line (or one `error` object), the scan goes on, and the
//! status is 2.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::support::command::gbcheck;
use crate::support::output::{json_lines, stderr};

/// Runs gbcheck in `dir`, failing the test (instead of hanging) if it takes over 60 s.
fn run(args: &[&str], dir: &Path) -> Output {
    let mut command = gbcheck();
    command.args(args).current_dir(dir);
    with_timeout(command)
}

fn with_timeout(mut command: Command) -> Output {
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn gbcheck");
    let id = child.id();
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let output = child.wait_with_output();
        let _ = tx.send(());
        output
    });
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
        panic!("gbcheck did not finish in 60 s (blocked on a path?)");
    }
    waiter.join().unwrap().expect("wait for gbcheck")
}

/// The paths of the files that had findings, in output order (one each).
fn finding_paths(records: &[Value]) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    for record in records.iter().filter(|r| r["type"] == "finding") {
        let path = record["path"].as_str().unwrap().to_string();
        if paths.last() != Some(&path) {
            assert!(!paths.contains(&path), "findings of {path} are not together");
            paths.push(path);
        }
    }
    paths
}

fn errors(records: &[Value]) -> Vec<(String, String)> {
    records
        .iter()
        .filter(|r| r["type"] == "error")
        .map(|r| (r["path"].as_str().unwrap().to_string(), r["message"].as_str().unwrap().to_string()))
        .collect()
}

fn summary(records: &[Value]) -> &Value {
    let last = records.last().expect("a summary");
    assert_eq!(last["type"], "summary");
    last
}

/// Writes a file with one invalid byte, so that it shows up in the findings.
fn bad(path: &Path) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, b"\xFF\n").unwrap();
}

#[test]
fn ignore_files_and_hidden_entries_are_respected_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("kept.txt"));
    bad(&root.join("build/out.txt"));
    bad(&root.join("notes.log"));
    bad(&root.join("private/secret.txt"));
    bad(&root.join(".hidden/x.txt"));
    bad(&root.join(".dotfile"));
    // A Git repository, where .gitignore counts (outside one it does not, as for ripgrep:
    // tests/cli/discovery.rs); .ignore counts everywhere.
    let git = Command::new("git").args(["init", "-q", "."]).current_dir(root).status().expect("git runs");
    assert!(git.success());
    fs::write(root.join(".gitignore"), "build/\n*.log\n").unwrap();
    fs::write(root.join(".ignore"), "private\n").unwrap();

    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(finding_paths(&json_lines(&output)), ["./kept.txt"]);

    // A .git directory is never walked, even with --hidden.
    bad(&root.join(".git/objects/ab"));
    let output = run(&["check", "--format", "jsonl", "--hidden", "."], root);
    assert_eq!(finding_paths(&json_lines(&output)), ["./.dotfile", "./.hidden/x.txt", "./kept.txt"]);

    let output = run(&["check", "--format", "jsonl", "--no-ignore", "."], root);
    assert_eq!(
        finding_paths(&json_lines(&output)),
        ["./build/out.txt", "./kept.txt", "./notes.log", "./private/secret.txt"]
    );
    // A file named on the command line is checked even if ignored or hidden.
    let output = run(&["check", "--format", "jsonl", "notes.log", ".dotfile"], root);
    assert_eq!(finding_paths(&json_lines(&output)), [".dotfile", "notes.log"]);
}

#[test]
fn excludes_prune_the_walk_and_force_exclude_drops_named_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("src/a.txt"));
    bad(&root.join("src/gen/b.txt"));
    bad(&root.join("vendor/c.txt"));
    bad(&root.join("d.po"));
    let output = run(&["check", "--format", "jsonl", "--exclude", "vendor", "--exclude", "*.po", "."], root);
    assert_eq!(finding_paths(&json_lines(&output)), ["./src/a.txt", "./src/gen/b.txt"]);
    let output = run(&["check", "--format", "jsonl", "--exclude", "src/gen/", "src"], root);
    assert_eq!(finding_paths(&json_lines(&output)), ["src/a.txt"]);

    // Named paths: checked despite --exclude, dropped silently with --force-exclude (as
    // pre-commit passes every changed file).
    let named = ["check", "--format", "jsonl", "--exclude", "vendor", "--exclude", "*.po"];
    let files = ["vendor/c.txt", "d.po", "src/a.txt"];
    let output = run(&[&named[..], &files[..]].concat(), root);
    assert_eq!(finding_paths(&json_lines(&output)), ["d.po", "src/a.txt", "vendor/c.txt"]);
    let output = run(&[&named[..], &["--force-exclude"], &files[..]].concat(), root);
    let records = json_lines(&output);
    assert_eq!(finding_paths(&records), ["src/a.txt"]);
    assert_eq!(summary(&records)["files_checked"], 1);
    assert_eq!(output.status.code(), Some(1));

    let output = run(&["check", "--exclude", "a{", "."], root);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--exclude"), "{}", stderr(&output));
}

#[test]
fn files_from_reads_lists_by_line_or_by_nul() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("one.txt"));
    bad(&root.join("two words.txt"));
    bad(&root.join("not listed.txt"));
    fs::write(root.join("list"), "one.txt\n\ntwo words.txt\r\n").unwrap();
    let output = run(&["check", "--format", "jsonl", "--files-from", "list"], root);
    assert_eq!(finding_paths(&json_lines(&output)), ["one.txt", "two words.txt"]);

    // NUL-separated, with a name holding a newline, read from standard input.
    bad(&root.join("new\nline.txt"));
    let mut child = gbcheck()
        .args(["check", "--format", "jsonl", "-0", "--files-from", "-"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"new\nline.txt\0one.txt\0").unwrap();
    let output = child.wait_with_output().unwrap();
    let records = json_lines(&output);
    assert_eq!(finding_paths(&records), ["new\nline.txt", "one.txt"]);
    // The name is exact in `path` (JSON escapes the newline) and in `path_base64`.
    assert_eq!(records[0]["path_base64"], "bmV3CmxpbmUudHh0");

    // A listed path that does not exist is an error, and the others are still checked.
    fs::write(root.join("list2"), "missing.txt\none.txt\n").unwrap();
    let output = run(&["check", "--format", "jsonl", "--files-from", "list2"], root);
    assert_eq!(output.status.code(), Some(2));
    let records = json_lines(&output);
    assert_eq!(errors(&records), [("missing.txt".to_string(), "no such file or directory".to_string())]);
    assert_eq!(finding_paths(&records), ["one.txt"]);

    let output = run(&["check", "--files-from", "no-such-list"], root);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--files-from"), "{}", stderr(&output));
}

#[test]
fn max_filesize_skips_and_counts_big_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("small.txt"));
    fs::write(root.join("big.txt"), b"\xFF".repeat(2000)).unwrap();
    let output = run(&["check", "--format", "jsonl", "--max-filesize", "1K", "."], root);
    let records = json_lines(&output);
    assert_eq!(finding_paths(&records), ["./small.txt"]);
    assert_eq!(summary(&records)["files_skipped"], 1);
    assert!(records.iter().all(|r| r["type"] != "skipped"), "a walked file is skipped silently");
    // Named explicitly: reported as skipped.
    let output = run(&["check", "--format", "jsonl", "--max-filesize", "1K", "big.txt"], root);
    let records = json_lines(&output);
    assert_eq!(records[0]["type"], "skipped");
    assert!(records[0]["reason"].as_str().unwrap().contains("--max-filesize"));
    assert_eq!(output.status.code(), Some(0));
    let output = run(&["check", "--max-filesize", "lots", "."], root);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn output_is_sorted_and_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..300 {
        let path = root.join(format!("d{}/s{}/f{:03}.txt", i % 7, i % 3, i));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Files of different sizes, so that they finish out of order.
        let mut bytes = "中文 text\n".repeat(1 + (i * 37) % 400).into_bytes();
        if i % 4 == 0 {
            bytes.extend_from_slice(b"\x81\n\xFF");
        }
        fs::write(path, bytes).unwrap();
    }
    bad(&root.join("a.txt"));
    bad(&root.join("a/b.txt"));
    let outputs: Vec<Output> = ["1", "2", "8"]
        .iter()
        .map(|j| run(&["check", "--format", "jsonl", "-j", j, "--chunk-size", "2K", "."], root))
        .collect();
    let strip = |output: &Output| -> Vec<Value> {
        let mut records = json_lines(output);
        let summary = records.last_mut().unwrap().as_object_mut().unwrap();
        for key in ["elapsed_ms", "bytes_per_second", "files_per_second"] {
            summary.remove(key);
        }
        records
    };
    let first = strip(&outputs[0]);
    for output in &outputs[1..] {
        assert_eq!(strip(output), first);
    }
    let paths = finding_paths(&first);
    assert_eq!(paths.len(), 75 + 2);
    // Component by component: the directory a/ before the file a.txt.
    assert_eq!(paths[..2], ["./a/b.txt", "./a.txt"]);
    let mut sorted = paths.clone();
    sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    assert_eq!(paths, sorted);
    assert_eq!(summary(&first)["files_checked"], 302);
}

#[test]
fn binary_files_in_a_tree_are_counted_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("blob.bin"), b"PK\x03\x04\x00\x00\xFF").unwrap();
    bad(&root.join("text.txt"));
    let output = run(&["check", "--format", "jsonl", "."], root);
    let records = json_lines(&output);
    assert!(records.iter().all(|r| r["type"] != "skipped"));
    assert_eq!(summary(&records)["files_skipped"], 1);
    assert_eq!(summary(&records)["files_checked"], 1);
    let human = run(&["check", "blob.bin"], root);
    assert!(stderr(&human).contains("skipped blob.bin: binary file"), "{}", stderr(&human));
}

#[cfg(unix)]
#[test]
fn links_loops_fifos_sockets_and_devices_are_errors_that_never_block() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("tree/good.txt"));
    symlink("loop", root.join("tree/loop")).unwrap();
    symlink("ping", root.join("tree/pong")).unwrap();
    symlink("pong", root.join("tree/ping")).unwrap();
    symlink("nowhere.txt", root.join("tree/broken")).unwrap();
    symlink("good.txt", root.join("tree/link.txt")).unwrap();
    symlink("..", root.join("tree/up")).unwrap(); // a link to a directory: not followed
    assert!(Command::new("mkfifo").arg(root.join("tree/fifo")).status().unwrap().success());
    let _socket = std::os::unix::net::UnixListener::bind(root.join("tree/socket")).unwrap();

    let output = run(&["check", "--format", "jsonl", "tree", "/dev/null"], root);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let records = json_lines(&output);
    let errors = errors(&records);
    let message = |path: &str| {
        errors
            .iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("no error for {path}: {errors:?}"))
            .1
            .clone()
    };
    assert!(message("tree/loop").contains("symbolic link loop"), "{errors:?}");
    assert!(message("tree/ping").contains("symbolic link loop"), "{errors:?}");
    assert!(message("tree/pong").contains("symbolic link loop"), "{errors:?}");
    assert!(message("tree/broken").contains("broken symbolic link"), "{errors:?}");
    assert!(message("tree/fifo").contains("FIFO"), "{errors:?}");
    assert!(message("tree/socket").contains("socket"), "{errors:?}");
    assert!(message("/dev/null").contains("device"), "{errors:?}");
    assert_eq!(errors.len(), 7, "{errors:?}");
    // The scan went on: the file and the link to it are checked.
    assert_eq!(finding_paths(&records), ["tree/good.txt", "tree/link.txt"]);
    let summary = summary(&records);
    assert_eq!(summary["operational_errors"], 7);
    assert_eq!(summary["files_skipped"], 1); // tree/up

    // Human format: one line each on stderr, and the findings on stdout.
    let output = run(&["check", "--color", "never", "tree"], root);
    let text = stderr(&output);
    for path in ["tree/loop", "tree/broken", "tree/fifo", "tree/socket"] {
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(path)).collect();
        assert_eq!(lines.len(), 1, "{path}: {text}");
        assert!(lines[0].starts_with("gbcheck: error: "), "{text}");
    }
    assert!(String::from_utf8_lossy(&output.stdout).contains("tree/good.txt:1:1"));

    // Named explicitly, they are errors too.
    let output = run(&["check", "tree/fifo", "tree/loop", "tree/broken"], root);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).lines().filter(|l| l.starts_with("gbcheck: error: ")).count(), 3);
}

#[cfg(unix)]
#[test]
fn non_utf8_and_newline_names_are_exact_in_path_base64() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // "中.txt" in GB 18030 (not UTF-8), and a name holding a newline and an escape.
    bad(&root.join("d").join(OsStr::from_bytes(b"\xD6\xD0.txt")));
    bad(&root.join("d").join("two\nlines\x1b.txt"));
    let output = run(&["check", "--format", "jsonl", "d"], root);
    let records = json_lines(&output);
    let findings: Vec<&Value> = records.iter().filter(|r| r["type"] == "finding").collect();
    assert_eq!(findings.len(), 2);
    // Sorted by bytes: `t` (74) before D6.
    assert_eq!(findings[0]["path"], "d/two\nlines\u{1b}.txt");
    assert_eq!(findings[0]["path_base64"], "ZC90d28KbGluZXMbLnR4dA==");
    assert_eq!(findings[1]["path"], "d/\u{FFFD}\u{FFFD}.txt");
    assert_eq!(findings[1]["path_base64"], "ZC/W0C50eHQ=");

    // Human output: one line per finding, the name escaped.
    let output = run(&["check", "--color", "never", "d"], root);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("d/two\\x0alines\\x1b.txt:1:1: error[GB001]"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'));
}

/// Permissions mean nothing to root, so the unreadable cases run gbcheck as `nobody`
/// (through `setpriv`) when the tests run as root, and as the current user otherwise.
#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
    bad(&root.join("tree/ok.txt"));
    bad(&root.join("tree/locked.txt"));
    bad(&root.join("tree/closed/inside.txt"));
    fs::set_permissions(root.join("tree"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(root.join("tree/ok.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(root.join("tree/locked.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("tree/closed"), fs::Permissions::from_mode(0o000)).unwrap();

    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let bin = env!("CARGO_BIN_EXE_gbcheck");
    let mut command = if is_root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("skipped: running as root (which reads anything) and no setpriv to drop to nobody");
            return;
        }
        // A copy of the binary where nobody can surely run it (the build directory may be
        // under a directory closed to other users).
        let copy = root.join("gbcheck");
        fs::copy(bin, &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&copy);
        command
    } else {
        Command::new(bin)
    };
    command
        .args(["check", "--format", "jsonl", "tree", "tree/locked.txt"])
        .current_dir(root)
        .stdin(Stdio::null());
    let output = with_timeout(command);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let records = json_lines(&output);
    let errors = errors(&records);
    assert!(errors.contains(&("tree/locked.txt".to_string(), "permission denied".to_string())), "{errors:?}");
    assert!(errors.iter().any(|(p, m)| p == "tree/closed" && m.contains("permission denied")), "{errors:?}");
    assert_eq!(errors.len(), 2, "a file named and found is reported once: {errors:?}");
    assert_eq!(finding_paths(&records), ["tree/ok.txt"]);
    for mode in [(root.join("tree/closed"), 0o755), (root.join("tree/locked.txt"), 0o644)] {
        fs::set_permissions(mode.0, fs::Permissions::from_mode(mode.1)).unwrap();
    }
}
