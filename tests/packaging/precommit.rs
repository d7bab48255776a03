//! The source-built pre-commit hook (`gbcheck-src`, `language: rust`), run by the real
//! pre-commit framework: `pre-commit try-repo` on this repository, in a temporary Git
//! repository with a good file, a bad one and an excluded one. (The `gbcheck` hook, which
//! pip-installs the wheel, is tested in `tests/packaging/wheel.rs`.)
//!
//! The hook repository is a snapshot of this working tree committed with fixed dates.
//! `try-repo` installs the hook into a fresh temporary store each time (a release build with
//! `cargo install`). pre-commit, its cache and the shared Cargo target directory live under
//! Cargo's target directory (`tests/support/hooks.rs`). A slow test: it runs with
//! `GBCHECK_SLOW_TESTS=1`.

use std::fs;

use crate::support::hooks::{base, git, python_tool, sample_repo, skip, snapshot, text, try_repo};
use crate::support::slow;

#[test]
fn pre_commit_try_repo_passes_good_files_and_fails_bad_ones() {
    if !slow::asked_for("the gbcheck-src pre-commit hook") {
        return;
    }
    let base = base();
    let exe = match python_tool(&base, "pre-commit") {
        Ok(exe) => exe,
        Err(why) => return skip(&why),
    };
    let Some(dir) = sample_repo() else {
        return skip("git is not available");
    };
    let repo = dir.path();
    let Some(hook_repo) = snapshot(&base, "hook-repo") else {
        return skip("could not make a Git snapshot of the sources");
    };
    let try_repo = |files: &[&str]| try_repo(&exe, &hook_repo, "gbcheck-src", repo, &base, files);

    let good = try_repo(&["good.txt", "gbcheck.toml"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    assert!(text(&good).contains("Passed"), "{}", text(&good));

    // The excluded vendored file is passed by pre-commit but skipped (--force-exclude).
    let vendored = try_repo(&["good.txt", "vendor/bad.txt"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));

    let bad = try_repo(&["good.txt", "bad.txt"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let out = text(&bad);
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("bad.txt:1:5: error[GB001]"), "{out}");
    assert!(!out.contains("good.txt:"), "{out}");

    // One gbcheck for all the files: the hooks are serial, so pre-commit does not split the
    // files over one process per core (it does from 5 files on 2 cores), each with its own
    // threads and summary.
    let many: Vec<String> = (1..=12).map(|i| format!("many/bad{i}.txt")).collect();
    fs::create_dir(repo.join("many")).unwrap();
    for name in &many {
        fs::write(repo.join(name), b"bad \x81\n").unwrap();
    }
    assert!(git(repo, &["add", "many"]) && git(repo, &["commit", "-q", "-m", "many"]));
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let out = text(&try_repo(&many));
    assert_eq!(out.matches("files checked").count(), 1, "{out}");
    assert!(out.contains("12 files checked"), "{out}");
}
