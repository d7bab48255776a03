//! The Python wheel (`pyproject.toml`, maturin with `bindings = "bin"`) and the `gbcheck`
//! pre-commit hook (`language: python`), with the real tools: maturin and pre-commit from
//! PyPI, pip, Git.
//!
//! The wheel is built the way a user without a published wheel gets it: `maturin sdist` on a
//! snapshot of this working tree, then `maturin build` in the unpacked sdist, which proves the
//! sdist holds everything the build reads. It is installed with pip into a fresh virtual
//! environment, and the installed `gbcheck` checks the corpus against the corpus's expected
//! reports, and then as a local pre-commit hook whose only package is that wheel, with cargo
//! out of reach: what a user of a published wheel gets. The `gbcheck` hook of
//! `.pre-commit-hooks.yaml` is run by `pre-commit try-repo`, which pip-installs the hook
//! repository, that is builds the wheel from source with maturin as the PEP 517 backend.
//!
//! Each build compiles gbcheck itself (a few tens of seconds); the dependencies are kept
//! built in the target directory shared with `tests/packaging/precommit.rs` (`tests/support/hooks.rs`). The
//! two that build run with `GBCHECK_SLOW_TESTS=1` only.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use serde_json::{Map, Value};

use crate::support::hooks::{
    base, git, ok, python_tool, release_build_env, sample_repo, skip, snapshot, text, try_repo,
};
use crate::support::slow;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The tests share a virtual environment and a Cargo target directory: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The single file in `dir`, which must be named `prefix...suffix`.
fn only_file(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.len() == 1 && names[0].starts_with(prefix) && names[0].ends_with(suffix),
        "expected one {prefix}*{suffix} in {}, found {names:?}",
        dir.display()
    );
    dir.join(&names[0])
}

/// Runs a command that must succeed.
fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(output.status.success(), "{command:?}: {}\n{}", output.status, text(&output));
    output
}

/// Every file below `dir`, relative to it, with `/` separators.
fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in fs::read_dir(&next).unwrap_or_else(|e| panic!("{}: {e}", next.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("below dir");
                let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    out
}

/// A finding as its keys and their JSON text, without the prose `message`.
type Canonical = BTreeMap<String, String>;

fn canonical(finding: &Map<String, Value>) -> Canonical {
    finding.iter().filter(|(k, _)| *k != "message").map(|(k, v)| (k.clone(), v.to_string())).collect()
}

/// What `gbcheck check corpus` must report with the default options, from the corpus's
/// expected reports (`corpus/README.md`): `F.default.jsonl` where a sample has one, else
/// `F.jsonl`.
fn expected_corpus_findings() -> Vec<Canonical> {
    let corpus = root().join("corpus");
    let files = files_below(&corpus);
    let mut findings = Vec::new();
    for report in files.iter().filter(|f| f.ends_with(".jsonl") && !f.ends_with(".default.jsonl")) {
        let sample = report.strip_suffix(".jsonl").expect("a .jsonl name");
        let default = format!("{sample}.default.jsonl");
        let chosen = if files.contains(&default) { &default } else { report };
        let content = fs::read_to_string(corpus.join(chosen)).expect("read an expected report");
        for line in content.lines() {
            match serde_json::from_str(line) {
                Ok(Value::Object(finding)) => findings.push(canonical(&finding)),
                other => panic!("corpus/{chosen}: not a JSON object: {line} ({other:?})"),
            }
        }
    }
    assert!(findings.len() > 50, "the corpus holds many expected findings, found {}", findings.len());
    findings.sort();
    findings
}

#[test]
fn the_sdist_builds_a_wheel_whose_gbcheck_checks_the_corpus() {
    if !slow::asked_for("the wheel build") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let base = base();
    let maturin = match python_tool(&base, "maturin") {
        Ok(exe) => exe,
        Err(why) => return skip(&why),
    };
    let Some(source) = snapshot(&base, "wheel-source") else {
        return skip("could not make a Git snapshot of the sources");
    };
    let work = base.join("wheel");
    let _ = fs::remove_dir_all(&work);
    for dir in ["dist", "unpacked", "wheels"] {
        fs::create_dir_all(work.join(dir)).unwrap();
    }

    run(Command::new(&maturin).arg("sdist").arg("--out").arg(work.join("dist")).current_dir(&source));
    let sdist = only_file(&work.join("dist"), &format!("gbcheck-{VERSION}."), ".tar.gz");
    // `-m`: the files get the current time. maturin writes a fixed old date into the sdist,
    // and sources older than the last build in the shared target directory would not be
    // compiled again: the wheel would hold whatever binary was built before.
    run(Command::new("tar").arg("-xzmf").arg(&sdist).arg("-C").arg(work.join("unpacked")));
    let unpacked = work.join("unpacked").join(format!("gbcheck-{VERSION}"));
    let packed = files_below(&unpacked);
    for needed in ["pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md"] {
        assert!(packed.iter().any(|f| f == needed), "the sdist lacks {needed}: {packed:?}");
    }
    for file in files_below(&source.join("src")) {
        assert!(packed.contains(&format!("src/{file}")), "the sdist lacks src/{file}: {packed:?}");
    }

    let mut build = Command::new(&maturin);
    build.args(["build", "--release", "--locked", "--out"]).arg(work.join("wheels")).current_dir(&unpacked);
    release_build_env(&mut build, &base);
    run(&mut build);
    let wheel = only_file(&work.join("wheels"), &format!("gbcheck-{VERSION}-py3-none-"), ".whl");

    let venv = work.join("venv");
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    let pip = venv.join("bin/pip");
    run(Command::new(&pip)
        .args(["install", "--no-index", "--quiet", "--disable-pip-version-check"])
        .arg(&wheel));
    let shown = run(Command::new(&pip).args(["show", "--disable-pip-version-check", "gbcheck"]));
    assert!(
        String::from_utf8_lossy(&shown.stdout).lines().any(|l| l == format!("Version: {VERSION}")),
        "the wheel's version must be Cargo.toml's, {VERSION}:\n{}",
        text(&shown)
    );

    let gbcheck = venv.join("bin/gbcheck");
    let version = run(Command::new(&gbcheck).arg("--version"));
    assert_eq!(String::from_utf8_lossy(&version.stdout), format!("gbcheck {VERSION}\n"));

    let check = Command::new(&gbcheck)
        .args(["check", "--format", "jsonl", "corpus"])
        .current_dir(root())
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run the installed gbcheck");
    assert_eq!(check.status.code(), Some(1), "the corpus holds errors on purpose\n{}", text(&check));
    let stdout = String::from_utf8(check.stdout.clone()).expect("JSON Lines output is UTF-8");
    let objects: Vec<Map<String, Value>> = stdout
        .lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(object)) => object,
            other => panic!("not a JSON object: {line} ({other:?})"),
        })
        .collect();
    let mut got: Vec<Canonical> = objects.iter().filter(|o| o["type"] == "finding").map(canonical).collect();
    got.sort();
    let want = expected_corpus_findings();
    assert!(
        got == want,
        "the installed gbcheck's findings on corpus/ differ from the expected reports\n{}",
        text(&check)
    );
    let summary = objects.last().filter(|o| o["type"] == "summary").expect("a summary line at the end");
    assert_eq!(summary["findings"], want.len(), "{summary:?}");

    wheel_as_local_hook_needs_no_cargo(&base, &wheel);
}

/// `PATH` without the directories that hold `cargo`.
fn path_without_cargo() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).filter(|dir| !dir.join("cargo").exists());
    std::env::join_paths(dirs).expect("PATH entries").into_string().expect("a UTF-8 PATH")
}

/// The hook for a published wheel (docs/pre-commit.md): a local `language: python` hook whose
/// only package is the wheel. pre-commit installs it with cargo out of reach (`PATH` without
/// it), so nothing is compiled: the binary is the wheel's.
fn wheel_as_local_hook_needs_no_cargo(base: &Path, wheel: &Path) {
    let pre_commit = match python_tool(base, "pre-commit") {
        Ok(exe) => exe,
        Err(why) => return skip(&why),
    };
    let Some(dir) = sample_repo() else {
        return skip("git is not available");
    };
    let repo = dir.path();
    let requirement = format!("        additional_dependencies: [\"gbcheck @ file://{}\"]", wheel.display());
    let config = [
        "repos:",
        "  - repo: local",
        "    hooks:",
        "      - id: gbcheck",
        "        name: gbcheck",
        "        entry: gbcheck check --force-exclude",
        "        language: python",
        &requirement,
        "        types: [text]",
        "",
    ]
    .join("\n");
    fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    assert!(git(repo, &["add", ".pre-commit-config.yaml"]), "git add");
    let path = path_without_cargo();
    let on_path =
        |name: &str| ok(Command::new("sh").args(["-c", &format!("command -v {name}")]).env("PATH", &path));
    assert!(on_path("cargo").is_none(), "cargo must be out of reach");
    if on_path("git").is_none() {
        return skip("git is in the same directory as cargo");
    }
    let home = tempfile::tempdir().unwrap(); // a fresh store: the wheel's path never changes
    let run = |files: &[&str]| -> Output {
        Command::new(&pre_commit)
            .args(["run", "gbcheck", "--verbose", "--files"])
            .args(files)
            .current_dir(repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env_remove("GITHUB_ACTIONS")
            .output()
            .expect("run pre-commit")
    };
    let good = run(&["good.txt", "gbcheck.toml", "vendor/bad.txt"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    let bad = run(&["good.txt", "bad.txt"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let out = text(&bad);
    assert!(out.contains("bad.txt:1:5: error[GB001]") && !out.contains("good.txt:"), "{out}");
}

#[test]
fn pre_commit_python_hook_passes_good_files_and_fails_bad_ones() {
    if !slow::asked_for("the gbcheck pre-commit hook") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let base = base();
    let pre_commit = match python_tool(&base, "pre-commit") {
        Ok(exe) => exe,
        Err(why) => return skip(&why),
    };
    let Some(dir) = sample_repo() else {
        return skip("git is not available");
    };
    let repo = dir.path();
    let Some(hook_repo) = snapshot(&base, "wheel-hook-repo") else {
        return skip("could not make a Git snapshot of the sources");
    };
    let try_repo = |files: &[&str]| try_repo(&pre_commit, &hook_repo, "gbcheck", repo, &base, files);

    // The vendored file is excluded by gbcheck.toml (the hook passes --force-exclude).
    let good = try_repo(&["good.txt", "gbcheck.toml", "vendor/bad.txt"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    assert!(text(&good).contains("Passed"), "{}", text(&good));

    let bad = try_repo(&["good.txt", "bad.txt"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let out = text(&bad);
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("bad.txt:1:5: error[GB001]"), "{out}");
    assert!(!out.contains("good.txt:"), "{out}");
}

/// The hook definition of `id` in `.pre-commit-hooks.yaml`, as text.
fn hook_definition(id: &str) -> String {
    let hooks =
        fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("read .pre-commit-hooks.yaml");
    let start = format!("\n- id: {id}\n");
    let from = hooks.find(&start).unwrap_or_else(|| panic!("no hook {id}:\n{hooks}"));
    let rest = &hooks[from + start.len()..];
    rest[..rest.find("- id: ").unwrap_or(rest.len())].to_string()
}

#[test]
fn the_default_hook_is_the_python_one_and_gbcheck_src_builds_from_source() {
    let python = hook_definition("gbcheck");
    assert!(python.contains("\n  language: python\n"), "{python}");
    let source = hook_definition("gbcheck-src");
    assert!(source.contains("\n  language: rust\n"), "{source}");
    for hook in [python, source] {
        assert!(hook.contains("\n  entry: gbcheck check --force-exclude\n"), "{hook}");
        // One process for all the files pre-commit passes (gbcheck uses every core itself).
        assert!(hook.contains("\n  require_serial: true\n"), "{hook}");
    }
}
