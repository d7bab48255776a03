//! The source-built pre-commit hook (`gbcheck-src`, `language: rust`), run by the real
//! pre-commit framework: `pre-commit try-repo` on this repository, in a temporary Git
//! repository with a good file, a bad one and an excluded one. (The `gbcheck` hook, which
//! pip-installs the wheel, is tested in `tests/wheel.rs`.)
//!
//! The hook repository is a snapshot of this working tree committed with fixed dates.
//! `try-repo` installs the hook into a fresh temporary store each time (a release build with
//! `cargo install`). pre-commit, its cache and the shared Cargo target directory live under
//! Cargo's target directory (`tests/hooks/mod.rs`, which also says when the test skips).

mod hooks;

use hooks::{base, python_tool, sample_repo, skip, snapshot, text, try_repo};

#[test]
fn pre_commit_try_repo_passes_good_files_and_fails_bad_ones() {
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
}
