//! The pre-commit hook, run by the real pre-commit framework: `pre-commit try-repo` on this
//! repository, in a temporary Git repository with a good file and a bad one.
//!
//! pre-commit is installed from PyPI into a virtual environment under Cargo's target
//! directory, kept between runs, as is pre-commit's cache. The hook repository is a snapshot
//! of this working tree (tracked and untracked, not ignored, files) committed with fixed
//! dates. `try-repo` installs the hook into a fresh temporary store each time (a release
//! build with `cargo install`); a shared `CARGO_TARGET_DIR` keeps the dependencies built. Without Python, Git or PyPI the test says so
//! and passes: it proves nothing then. Set `GBCHECK_REQUIRE_PRE_COMMIT=1` to make a missing
//! prerequisite a failure instead (for CI).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn skip(why: &str) {
    if std::env::var_os("GBCHECK_REQUIRE_PRE_COMMIT").is_some() {
        panic!("pre-commit test cannot run: {why}");
    }
    eprintln!("SKIPPED: the pre-commit hook test did not run: {why}");
}

fn ok(command: &mut Command) -> Option<Output> {
    command.output().ok().filter(|o| o.status.success())
}

/// The `pre-commit` executable, installed on first use.
fn pre_commit(base: &Path) -> Result<PathBuf, String> {
    let venv = base.join("venv");
    let exe = venv.join("bin/pre-commit");
    if exe.exists() {
        return Ok(exe);
    }
    ok(Command::new("python3").args(["-m", "venv"]).arg(&venv))
        .ok_or("python3 -m venv failed (is Python 3 with venv installed?)")?;
    let pip = ok(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--timeout",
        "30",
        "pre-commit",
    ]));
    if pip.is_none() || !exe.exists() {
        let _ = fs::remove_dir_all(&venv);
        return Err("pip install pre-commit failed (is PyPI reachable?)".into());
    }
    Ok(exe)
}

fn git(dir: &Path, args: &[&str]) -> bool {
    ok(Command::new("git")
        .args(["-c", "user.name=gbcheck test", "-c", "user.email=test@example.invalid"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .current_dir(dir))
    .is_some()
}

/// A Git repository holding the current sources of this one, committed.
fn snapshot(base: &Path) -> Option<PathBuf> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = ok(Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(source))?;
    let snapshot = base.join("hook-repo");
    let _ = fs::remove_dir_all(&snapshot);
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = Path::new(std::str::from_utf8(name).ok()?);
        let from = source.join(name);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = snapshot.join(name);
        fs::create_dir_all(to.parent()?).ok()?;
        fs::copy(&from, &to).ok()?;
    }
    (git(&snapshot, &["init", "-q"])
        && git(&snapshot, &["add", "."])
        && git(&snapshot, &["commit", "-q", "-m", "snapshot"]))
    .then_some(snapshot)
}

#[test]
fn pre_commit_try_repo_passes_good_files_and_fails_bad_ones() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit");
    fs::create_dir_all(&base).unwrap();
    let exe = match pre_commit(&base) {
        Ok(exe) => exe,
        Err(why) => return skip(&why),
    };
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    fs::create_dir(repo.join("vendor")).unwrap();
    fs::write(repo.join("good.txt"), b"\xD6\xD0\xCE\xC4 ok\n").unwrap();
    fs::write(repo.join("bad.txt"), b"bad \x81\n").unwrap();
    fs::write(repo.join("vendor/bad.txt"), b"vendored \xFF\n").unwrap();
    fs::write(repo.join("gbcheck.toml"), "exclude = [\"vendor/**\"]\n").unwrap();
    if !(git(repo, &["init", "-q"]) && git(repo, &["add", "."]) && git(repo, &["commit", "-q", "-m", "t"])) {
        return skip("git is not available");
    }
    let Some(hook_repo) = snapshot(&base) else {
        return skip("could not make a Git snapshot of the sources");
    };
    let try_repo = |files: &[&str]| -> Output {
        Command::new(&exe)
            .arg("try-repo")
            .arg(&hook_repo)
            .args(["gbcheck", "--verbose", "--files"])
            .args(files)
            .current_dir(repo)
            .env("PRE_COMMIT_HOME", base.join("home"))
            .env_remove("GITHUB_ACTIONS")
            // A quicker release build of the hook (the result is the same program).
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            // try-repo installs into a fresh temporary store each time; a shared target
            // directory keeps the dependencies' build between installs and runs.
            .env("CARGO_TARGET_DIR", base.join("cargo-target"))
            .output()
            .expect("run pre-commit")
    };
    let text =
        |o: &Output| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));

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
