//! What a run looks at, through the real binary and real Git: which `.gitignore` files count
//! (inside a Git repository only, unless `--no-require-git`), how many entries ignore rules
//! passed over (the summary's `ignored`), and which configuration file applies to each
//! checked path (the nearest one above it: `gbcheck.toml`, `.gbcheck.toml`, or a
//! `pyproject.toml` with a `[tool.gbcheck]` table), with its excludes relative to itself.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::command::{gbcheck, run};
use crate::support::output::{json_lines, stderr, stdout};

/// The paths with findings, sorted, each once.
fn found(output: &Output) -> Vec<String> {
    let mut paths: Vec<String> = json_lines(output)
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    paths.dedup();
    paths
}

fn summary(output: &Output) -> Value {
    let all = json_lines(output);
    let last = all.last().cloned().unwrap_or_else(|| panic!("no summary: {}", stderr(output)));
    assert_eq!(last["type"], "summary", "{last}");
    last
}

/// Writes a file with one invalid byte (GB001).
fn bad(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, b"\xFF\n").unwrap();
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn git_init(dir: &Path) {
    let status = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success());
}

// ---------------------------------------------------------------------------------------------
// Ignore files
// ---------------------------------------------------------------------------------------------

#[test]
fn gitignore_counts_only_inside_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("notes.txt"));
    bad(&root.join("app.log"));
    bad(&root.join("build/a.c"));
    bad(&root.join("build/b.c"));
    write(&root.join(".gitignore"), "*.txt\n");
    write(&root.join(".ignore"), "*.log\nbuild/\n");
    let jsonl = ["check", "--no-config", "--format", "jsonl", "."];

    // Outside Git: the .gitignore does not narrow the audit; .ignore does, and says so
    // (app.log and the directory build, two entries).
    let output = run(&jsonl, root);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(found(&output), ["./notes.txt"]);
    assert_eq!(summary(&output)["ignored"], 2);

    // --no-require-git: obeyed all the same.
    let output = run(&[&jsonl[..4], &["--no-require-git", "."]].concat(), root);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(found(&output), Vec::<String>::new());
    assert_eq!(summary(&output)["ignored"], 3);

    // Inside a Git repository: obeyed, and counted.
    git_init(root);
    let output = run(&jsonl, root);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(summary(&output)["ignored"], 3);
    // The human summary says so, and --stats too.
    let output = run(&["check", "--no-config", "--color", "never", "--stats", "."], root);
    let text = stderr(&output) + &stdout(&output);
    assert!(text.contains("no findings; 3 ignored"), "{text}");
    assert!(text.lines().any(|l| l.trim_start().starts_with("ignored") && l.ends_with(" 3")), "{text}");
    // --no-ignore: nothing passed over.
    let output = run(&[&jsonl[..4], &["--no-ignore", "."]].concat(), root);
    assert_eq!(found(&output).len(), 4, "{}", stdout(&output));
    assert_eq!(summary(&output)["ignored"], 0);
}

#[test]
fn excludes_count_as_ignored_and_merge_adds_them_up() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("a.txt"));
    bad(&root.join("b.po"));
    bad(&root.join("vendor/c.txt"));
    bad(&root.join("vendor/d.txt"));
    // --exclude: a file and a directory (one entry each).
    let output = run(
        &["check", "--no-config", "--format", "jsonl", "--exclude", "*.po", "--exclude", "vendor", "."],
        root,
    );
    assert_eq!(found(&output), ["./a.txt"]);
    assert_eq!(summary(&output)["ignored"], 2);
    // A named path dropped by --force-exclude.
    let output = run(
        &[
            "check",
            "--no-config",
            "--format",
            "jsonl",
            "--exclude",
            "*.po",
            "--force-exclude",
            "b.po",
            "a.txt",
        ],
        root,
    );
    assert_eq!(found(&output), ["a.txt"]);
    assert_eq!(summary(&output)["ignored"], 1);
    // The config file's excludes.
    write(&root.join("gbcheck.toml"), "exclude = [\"vendor/\"]\n");
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(found(&output), ["./a.txt", "./b.po"]);
    assert_eq!(summary(&output)["ignored"], 1);

    // Shards walk the same tree: their merge counts each ignored entry once.
    let mut runs = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let output = run(&["check", "--format", "jsonl", "--shard", shard, "."], root);
        runs.push(stdout(&output));
    }
    let mut merge = gbcheck()
        .current_dir(root)
        .args(["merge", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    merge.stdin.take().unwrap().write_all(runs.concat().as_bytes()).unwrap();
    let output = merge.wait_with_output().unwrap();
    assert_eq!(summary(&output)["ignored"], 1, "{}", stderr(&output));
    assert_eq!(summary(&output)["files_checked"], 3, "a.txt, b.po and gbcheck.toml");
}

// ---------------------------------------------------------------------------------------------
// Finding the configuration from the checked paths
// ---------------------------------------------------------------------------------------------

#[test]
fn the_repository_config_applies_when_run_from_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("path/to/repo");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    bad(&repo.join("src/a.txt"));
    bad(&repo.join("gen/b.txt"));
    write(&repo.join("gbcheck.toml"), "exclude = [\"gen/\"]\n[rules]\nGB001 = \"off\"\n");
    let path = repo.to_str().unwrap();
    let output = run(&["check", "--format", "jsonl", path], &elsewhere);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(summary(&output)["files_checked"], 2, "gen/ is excluded: a.txt and gbcheck.toml");
    assert_eq!(summary(&output)["settings"]["rules"]["GB001"], Value::Null, "GB001 is off");
    // A relative path too, and `gbcheck config` names the file.
    let output = run(&["check", "--format", "jsonl", "../path/to/repo/src/a.txt"], &elsewhere);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = run(&["config", "../path/to/repo/src/a.txt"], &elsewhere);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(&format!("# config file: {}", repo.join("gbcheck.toml").display())), "{text}");
    assert!(text.contains("GB001 = \"off\""), "{text}");
    let output = run(&["config", "../path/to/repo/gen/b.txt"], &elsewhere);
    assert!(stdout(&output).contains("# excluded"), "{}", stdout(&output));
    // With --no-config, the defaults.
    let output = run(&["check", "--no-config", "--format", "jsonl", path], &elsewhere);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_nearest_config_wins() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("top.txt"));
    bad(&root.join("sub/inner.txt"));
    bad(&root.join("sub/deeper/deep.txt"));
    write(&root.join("gbcheck.toml"), "[rules]\nGB001 = \"off\"\n");
    // The subdirectory's own file (empty: the defaults) applies below it, not the root's.
    write(&root.join("sub/.gbcheck.toml"), "# defaults\n");
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(found(&output), ["./sub/deeper/deep.txt", "./sub/inner.txt"]);
    assert_eq!(output.status.code(), Some(1));
    // From inside the subdirectory, the root's file still governs the root's files.
    let output = run(&["check", "--format", "jsonl", "..", "../top.txt"], &root.join("sub"));
    assert_eq!(found(&output), ["../sub/deeper/deep.txt", "../sub/inner.txt"]);
    // Overrides of the nearer file are relative to it.
    write(
        &root.join("sub/.gbcheck.toml"),
        "[[overrides]]\nglob = \"deeper/*.txt\"\n[overrides.rules]\nGB001 = \"off\"\n",
    );
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(found(&output), ["./sub/inner.txt"]);
    let output = run(&["config", "sub/deeper/deep.txt"], root);
    assert!(stdout(&output).contains("glob = \"deeper/*.txt\""), "{}", stdout(&output));
    assert!(stdout(&output).contains("sub/.gbcheck.toml"), "{}", stdout(&output));
}

#[test]
fn excludes_are_relative_to_the_file_that_declares_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("src/main.txt"));
    bad(&root.join("src/gen/out.txt"));
    bad(&root.join("gen/top.txt"));
    write(&root.join("gbcheck.toml"), "exclude = [\"src/gen/\"]\n");
    // From the root, and from src (where the glob, read against the current directory,
    // would match nothing).
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(found(&output), ["./gen/top.txt", "./src/main.txt"]);
    let output = run(&["check", "--format", "jsonl", "."], &root.join("src"));
    assert_eq!(found(&output), ["./main.txt"]);
    assert_eq!(summary(&output)["ignored"], 1);
    // --force-exclude drops a named path under an excluded directory, from anywhere.
    let output =
        run(&["check", "--format", "jsonl", "--force-exclude", "gen/out.txt", "main.txt"], &root.join("src"));
    assert_eq!(found(&output), ["main.txt"]);
    // Without --force-exclude a named path is checked.
    let output = run(&["check", "--format", "jsonl", "gen/out.txt"], &root.join("src"));
    assert_eq!(found(&output), ["gen/out.txt"]);
    // --config FILE: its globs are relative to FILE's directory too.
    fs::rename(root.join("gbcheck.toml"), root.join("ci.toml")).unwrap();
    let output = run(&["check", "--format", "jsonl", "--config", "../ci.toml", "."], &root.join("src"));
    assert_eq!(found(&output), ["./main.txt"]);
}

#[test]
fn pyproject_tool_gbcheck_is_read_and_other_pyprojects_are_not_configs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("a.txt"));
    bad(&root.join("pkg/b.txt"));
    write(
        &root.join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.gbcheck]\nfail-level = \"warning\"\n\n[tool.gbcheck.rules]\nGB001 = \"off\"\n",
    );
    // A pyproject.toml without the table is not a configuration: the root's applies.
    write(&root.join("pkg/pyproject.toml"), "[tool.ruff]\nline-length = 100\n");
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(found(&output), Vec::<String>::new());
    assert_eq!(summary(&output)["settings"]["fail_level"], "warning");
    let output = run(&["config", "pkg/b.txt"], root);
    assert!(
        stdout(&output).contains(&format!("{}", root.join("pyproject.toml").display())),
        "{}",
        stdout(&output)
    );
    // In one directory gbcheck.toml wins over pyproject.toml.
    write(&root.join("gbcheck.toml"), "# defaults\n");
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(found(&output), ["./a.txt", "./pkg/b.txt"]);
    // An error in the table names the pyproject.toml and the line.
    fs::remove_file(root.join("gbcheck.toml")).unwrap();
    write(&root.join("pkg/pyproject.toml"), "[tool.ruff]\nline-length = 100\n[tool.gbcheck]\nlevel = 9\n");
    let output = run(&["check", "."], root);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("pyproject.toml:4:"), "{}", stderr(&output));
    assert!(stderr(&output).contains("level"), "{}", stderr(&output));
}

#[test]
fn a_broken_config_below_the_current_directory_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    bad(&root.join("a.txt"));
    bad(&root.join("sub/b.txt"));
    write(&root.join("sub/gbcheck.toml"), "profile = \"gbk\"\nfrobnicate = 1\n");
    let output = run(&["check", "--format", "jsonl", "."], root);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert_eq!(stdout(&output), "", "nothing is reported when a config file is broken");
    let message = stderr(&output);
    assert!(message.contains("gbcheck.toml:2:") && message.contains("frobnicate"), "{message}");
    assert!(message.contains("sub"), "{message}");
    // Named files find it too.
    let output = run(&["check", "sub/b.txt"], root);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = run(&["config", "sub/b.txt"], root);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn standard_input_uses_the_config_of_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("sub")).unwrap();
    write(&root.join("gbcheck.toml"), "[rules]\nGB001 = \"off\"\n");
    let mut child = gbcheck()
        .current_dir(root.join("sub"))
        .args(["check", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\xFF\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // Also when the first path named has another configuration file (whose settings are the
    // run's): standard input keeps the current directory's.
    bad(&root.join("sub/other/a.txt"));
    write(&root.join("sub/other/gbcheck.toml"), "# defaults\n");
    let mut child = gbcheck()
        .current_dir(root.join("sub"))
        .args(["check", "--format", "jsonl", "other", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\xFF\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(found(&output), ["other/a.txt"], "{}", stdout(&output));
}
