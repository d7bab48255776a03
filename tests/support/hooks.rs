//! What the packaging tests share (`tests/packaging/precommit.rs`, `tests/packaging/wheel.rs`): Python tools
//! installed from PyPI into one virtual environment under Cargo's target directory, Git with a
//! fixed identity and dates, a committed snapshot of this working tree, and the environment
//! for the release builds that pre-commit and maturin start.
//!
//! Everything lives below `CARGO_TARGET_TMPDIR/pre-commit` and is kept between runs: the venv,
//! pre-commit's cache and the shared Cargo target directory that keeps the dependencies built.
//! These tests run only when `GBCHECK_SLOW_TESTS=1` asks for them (`tests/support/slow.rs`),
//! and then Python, Git and PyPI must be there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::slow;

/// The directory the packaging tests keep their state in.
pub fn base() -> PathBuf {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit");
    fs::create_dir_all(&base).expect("create the test state directory");
    base
}

/// A prerequisite of a packaging test is missing: a failure (the test was asked for).
pub fn skip(why: &str) {
    slow::missing(&format!("packaging test: {why}"))
}

/// The output of a command that ran and succeeded.
pub fn ok(command: &mut Command) -> Option<Output> {
    command.output().ok().filter(|o| o.status.success())
}

/// Standard output and standard error together, for assertion messages.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The executable `name` from the PyPI package of the same name, installed on first use into
/// the shared virtual environment.
pub fn python_tool(base: &Path, name: &str) -> Result<PathBuf, String> {
    let venv = base.join("venv");
    let exe = venv.join("bin").join(name);
    if exe.exists() {
        return Ok(exe);
    }
    if !venv.join("bin/pip").exists() {
        ok(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .ok_or("python3 -m venv failed (is Python 3 with venv installed?)")?;
    }
    let pip = ok(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "--timeout", "30"])
        .arg(name));
    if pip.is_none() || !exe.exists() {
        return Err(format!("pip install {name} failed (is PyPI reachable?)"));
    }
    Ok(exe)
}

/// Runs Git in `dir` with a fixed identity and fixed dates, so equal trees give equal commits.
pub fn git(dir: &Path, args: &[&str]) -> bool {
    ok(Command::new("git")
        .args(["-c", "user.name=gbcheck test", "-c", "user.email=test@example.invalid"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .current_dir(dir))
    .is_some()
}

/// A committed Git repository for a hook to check: `good.txt` (valid GB 18030), `bad.txt`
/// (a lead byte `81` then a newline: GB001 at line 1, column 5), and `vendor/bad.txt`
/// (invalid, but excluded by the `gbcheck.toml` beside them). `None` without Git.
pub fn sample_repo() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().ok()?;
    let repo = dir.path();
    fs::create_dir(repo.join("vendor")).ok()?;
    fs::write(repo.join("good.txt"), b"\xD6\xD0\xCE\xC4 ok\n").ok()?;
    fs::write(repo.join("bad.txt"), b"bad \x81\n").ok()?;
    fs::write(repo.join("vendor/bad.txt"), b"vendored \xFF\n").ok()?;
    fs::write(repo.join("gbcheck.toml"), "exclude = [\"vendor/**\"]\n").ok()?;
    (git(repo, &["init", "-q"]) && git(repo, &["add", "."]) && git(repo, &["commit", "-q", "-m", "t"]))
        .then_some(dir)
}

/// A Git repository at `base/name` holding the current sources of this one (tracked and
/// untracked, not ignored, files), committed.
pub fn snapshot(base: &Path, name: &str) -> Option<PathBuf> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = ok(Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(source))?;
    let snapshot = base.join(name);
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

/// Sets up a command that makes a release build of gbcheck (pre-commit's install, maturin):
/// a quicker build of the same program, in a target directory shared by every such build so
/// that the dependencies are compiled once. Each build still compiles gbcheck itself: its
/// sources are always fresh copies, newer than the last build.
pub fn release_build_env(command: &mut Command, base: &Path) {
    command
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_TARGET_DIR", base.join("cargo-target"));
}

/// Runs `pre-commit try-repo HOOK_REPO HOOK --verbose --files FILES...` in `repo`, with
/// pre-commit's store under `base` and the release build settings above.
pub fn try_repo(
    pre_commit: &Path,
    hook_repo: &Path,
    hook: &str,
    repo: &Path,
    base: &Path,
    files: &[&str],
) -> Output {
    let mut command = Command::new(pre_commit);
    command
        .arg("try-repo")
        .arg(hook_repo)
        .args([hook, "--verbose", "--files"])
        .args(files)
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", base.join("home"))
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env_remove("GITHUB_ACTIONS");
    release_build_env(&mut command, base);
    command.output().expect("run pre-commit")
}
