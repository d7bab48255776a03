//! The sample corpus: every file in `corpus/` with an `F.jsonl` beside it is checked by the real
//! binary, and the findings must equal the expected ones (`corpus/README.md`). The expectations
//! are written by `corpus/make_corpus.py` by construction from the standard, never by running
//! gbcheck; the last test makes sure the committed files are what the script writes.
//!
//! A sample that needs options has them in `F.args`, one command-line argument a line, passed
//! before the path; `F.jsonl` is then what the run with those options must print, and
//! `F.default.jsonl` what the default options give, which the whole-directory run (no options)
//! compares against.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Map, Value};

use crate::support::command::gbcheck;

/// Files in `corpus/` that `make_corpus.py` does not write.
const NOT_GENERATED: &[&str] = &["corpus/README.md", "corpus/make_corpus.py", "corpus/.gitattributes"];

/// The repository root: the binary runs from here, so paths in the output start with `corpus/`.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, as paths relative to `base` with `/` separators, sorted.
fn files_below(base: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(base).expect("below base");
                let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    out
}

/// A corpus sample and its expected findings.
struct Case {
    /// The path relative to the repository root, such as `corpus/gb18030/unassigned.txt`.
    path: String,
    /// Extra command-line arguments, from `F.args` (empty when there is none).
    args: Vec<String>,
    /// What `gbcheck check --format jsonl ARGS... F` prints (`F.jsonl`).
    expected: Vec<Map<String, Value>>,
    /// What the default options give, for a sample with arguments (`F.default.jsonl`).
    default_expected: Option<Vec<Map<String, Value>>>,
}

fn errors(findings: &[Map<String, Value>]) -> u64 {
    findings.iter().filter(|f| f["severity"] == "error").count() as u64
}

fn warnings(findings: &[Map<String, Value>]) -> u64 {
    findings.iter().filter(|f| f["severity"] == "warning").count() as u64
}

impl Case {
    /// The findings of the whole-directory run, which uses the default options.
    fn expected_by_default(&self) -> &[Map<String, Value>] {
        self.default_expected.as_deref().unwrap_or(&self.expected)
    }

    /// The files that belong to this sample: itself, its reports and its arguments.
    fn files(&self) -> Vec<String> {
        let mut files = vec![self.path.clone(), format!("{}.jsonl", self.path)];
        if !self.args.is_empty() {
            files.push(format!("{}.args", self.path));
            files.push(format!("{}.default.jsonl", self.path));
        }
        files
    }

    fn size(&self) -> u64 {
        fs::metadata(root().join(&self.path)).expect("sample exists").len()
    }
}

/// Reads an expected report: one JSON object a line.
fn read_report(path: &str) -> Vec<Map<String, Value>> {
    let text = fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(map)) => map,
            other => panic!("{path}: not a JSON object: {line} ({other:?})"),
        })
        .collect()
}

/// Every sample with a `.jsonl` beside it.
fn cases() -> Vec<Case> {
    let root = root();
    let all = files_below(&root, &root.join("corpus"));
    let cases: Vec<Case> = all
        .iter()
        .filter(|path| !path.ends_with(".jsonl") && all.contains(&format!("{path}.jsonl")))
        .map(|path| {
            let args_file = format!("{path}.args");
            let default_file = format!("{path}.default.jsonl");
            let args: Vec<String> = if all.contains(&args_file) {
                let text = fs::read_to_string(root.join(&args_file)).expect("read .args");
                text.lines().filter(|line| !line.is_empty()).map(str::to_string).collect()
            } else {
                Vec::new()
            };
            assert_eq!(
                all.contains(&args_file),
                all.contains(&default_file),
                "{path}: a sample has both F.args and F.default.jsonl, or neither"
            );
            assert!(!all.contains(&args_file) || !args.is_empty(), "{args_file} is empty");
            let default_expected = all.contains(&default_file).then(|| read_report(&default_file));
            Case {
                path: path.clone(),
                args,
                expected: read_report(&format!("{path}.jsonl")),
                default_expected,
            }
        })
        .collect();
    assert!(cases.len() >= 10, "expected the corpus samples, found {}", cases.len());
    // Every other file belongs to a sample or is one of the few hand-written ones.
    for path in &all {
        assert!(
            cases.iter().any(|c| c.files().contains(path)) || NOT_GENERATED.contains(&path.as_str()),
            "{path}: a corpus file that belongs to no sample"
        );
    }
    cases
}

/// What one run printed: its finding objects, its summary and its exit status.
struct Run {
    findings: Vec<Map<String, Value>>,
    summary: Map<String, Value>,
    status: Option<i32>,
    /// Everything printed, for failure messages.
    transcript: String,
}

fn run_check(args: &[String], path: &str) -> Run {
    let output: Output = gbcheck()
        .args(["check", "--format", "jsonl"])
        .args(args)
        .arg(path)
        .current_dir(root())
        .output()
        .expect("run gbcheck");
    let stdout = String::from_utf8(output.stdout).expect("JSON Lines output is UTF-8");
    let command: Vec<&str> = ["gbcheck", "check", "--format", "jsonl"]
        .into_iter()
        .chain(args.iter().map(String::as_str))
        .chain([path])
        .collect();
    let transcript = format!(
        "$ {}\nstatus: {:?}\nstdout:\n{stdout}stderr:\n{}",
        command.join(" "),
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut objects: Vec<Map<String, Value>> = stdout
        .lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(map)) => map,
            other => panic!("output line is not a JSON object: {line} ({other:?})\n{transcript}"),
        })
        .collect();
    let summary = match objects.pop() {
        Some(last) if last.get("type") == Some(&Value::from("summary")) => last,
        _ => panic!("the last line must be a summary object\n{transcript}"),
    };
    for object in &objects {
        assert_eq!(
            object.get("type"),
            Some(&Value::from("finding")),
            "unexpected line {object:?}\n{transcript}"
        );
    }
    Run { findings: objects, summary, status: output.status.code(), transcript }
}

/// Checks that `message` is a non-empty string and returns the finding without it.
fn without_message(
    finding: &Map<String, Value>,
    problems: &mut Vec<String>,
    context: &str,
) -> Map<String, Value> {
    match finding.get("message") {
        Some(Value::String(message)) if !message.trim().is_empty() => {}
        other => problems.push(format!("{context}: \"message\" must be a non-empty string, got {other:?}")),
    }
    let mut finding = finding.clone();
    finding.remove("message");
    finding
}

/// Compares one expected finding with one actual finding, key by key.
fn compare_finding(
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    problems: &mut Vec<String>,
    context: &str,
) {
    let actual = without_message(actual, problems, context);
    for (key, want) in expected {
        match actual.get(key) {
            Some(got) if got == want => {}
            Some(got) => problems.push(format!("{context}: \"{key}\": expected {want}, got {got}")),
            None => problems.push(format!("{context}: \"{key}\" is missing (expected {want})")),
        }
    }
    for key in actual.keys().filter(|k| !expected.contains_key(*k)) {
        problems.push(format!("{context}: unexpected key \"{key}\": {}", actual[key]));
    }
}

/// Checks the summary's counts against the expected values.
fn compare_summary(
    summary: &Map<String, Value>,
    want: &[(&str, u64)],
    problems: &mut Vec<String>,
    context: &str,
) {
    if summary.get("schema_version") != Some(&Value::from(1)) {
        problems.push(format!("{context}: summary \"schema_version\" must be 1: {summary:?}"));
    }
    for &(key, value) in want {
        match summary.get(key).and_then(Value::as_u64) {
            Some(got) if got == value => {}
            got => problems.push(format!("{context}: summary \"{key}\": expected {value}, got {got:?}")),
        }
    }
    if summary.get("elapsed_ms").and_then(Value::as_u64).is_none() {
        problems.push(format!("{context}: summary \"elapsed_ms\" must be a number: {summary:?}"));
    }
}

fn fail_on(problems: Vec<String>) {
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_sample_gets_its_expected_report() {
    let mut problems = Vec::new();
    for case in cases() {
        let run = run_check(&case.args, &case.path);
        let before = problems.len();
        let path = &case.path;
        for (i, (want, got)) in case.expected.iter().zip(&run.findings).enumerate() {
            compare_finding(want, got, &mut problems, &format!("{path}: finding {}", i + 1));
        }
        if run.findings.len() != case.expected.len() {
            problems.push(format!(
                "{path}: expected {} findings, got {}",
                case.expected.len(),
                run.findings.len()
            ));
        }
        let with_findings = u64::from(!case.expected.is_empty());
        compare_summary(
            &run.summary,
            &[
                ("files_checked", 1),
                ("files_with_findings", with_findings),
                ("files_skipped", 0),
                ("bytes_checked", case.size()),
                ("findings", case.expected.len() as u64),
                ("errors", errors(&case.expected)),
                ("warnings", warnings(&case.expected)),
            ],
            &mut problems,
            path,
        );
        let want_status = if errors(&case.expected) > 0 { 1 } else { 0 };
        if run.status != Some(want_status) {
            problems.push(format!("{path}: exit status: expected {want_status}, got {:?}", run.status));
        }
        if problems.len() > before {
            problems.push(run.transcript);
        }
    }
    fail_on(problems);
}

/// A finding as a sorted map of its keys to their JSON text, for set comparison.
fn canonical(finding: &Map<String, Value>) -> BTreeMap<String, String> {
    finding.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
}

#[test]
fn the_whole_directory_gives_the_union_of_the_reports() {
    let cases = cases();
    let run = run_check(&[], "corpus");
    let mut problems = Vec::new();
    let mut want: Vec<_> = cases.iter().flat_map(|c| c.expected_by_default().iter().map(canonical)).collect();
    let mut got: Vec<_> =
        run.findings.iter().map(|f| canonical(&without_message(f, &mut problems, "corpus"))).collect();
    want.sort();
    got.sort();
    for missing in want.iter().filter(|f| !got.contains(f)) {
        problems.push(format!("missing finding: {missing:?}"));
    }
    for extra in got.iter().filter(|f| !want.contains(f)) {
        problems.push(format!("unexpected finding: {extra:?}"));
    }
    if want.len() != got.len() {
        problems.push(format!("expected {} findings, got {}", want.len(), got.len()));
    }
    let total_errors: u64 = cases.iter().map(|c| errors(c.expected_by_default())).sum();
    let total_warnings: u64 = cases.iter().map(|c| warnings(c.expected_by_default())).sum();
    let files_with_findings = cases.iter().filter(|c| !c.expected_by_default().is_empty()).count() as u64;
    compare_summary(
        &run.summary,
        &[
            ("findings", want.len() as u64),
            ("errors", total_errors),
            ("warnings", total_warnings),
            ("files_with_findings", files_with_findings),
        ],
        &mut problems,
        "corpus",
    );
    // The walk also checks the hand-written files (README.md, make_corpus.py) and the `.args`
    // files, which report nothing; hidden ones are passed over.
    let files_checked = run.summary.get("files_checked").and_then(Value::as_u64).unwrap_or(0);
    if files_checked < cases.len() as u64 {
        problems.push(format!("files_checked {files_checked} < {} samples", cases.len()));
    }
    if run.status != Some(1) {
        problems.push(format!("exit status: expected 1, got {:?}", run.status));
    }
    if !problems.is_empty() {
        problems.push(run.transcript);
    }
    fail_on(problems);
}

#[test]
fn make_corpus_reproduces_the_committed_files() {
    let root = root();
    match Command::new("python3").arg("--version").output() {
        Ok(output) if output.status.success() => {}
        _ => {
            eprintln!("note: python3 not found; skipping the corpus regeneration check");
            return;
        }
    }
    let out = tempfile::tempdir().expect("temporary directory");
    let status = Command::new("python3")
        .arg(root.join("corpus").join("make_corpus.py"))
        .arg(out.path())
        .current_dir(&root)
        .status()
        .expect("run make_corpus.py");
    assert!(status.success(), "make_corpus.py failed: {status}");

    let generated = files_below(out.path(), out.path());
    let committed: Vec<String> = files_below(&root, &root.join("corpus"))
        .into_iter()
        .filter(|p| !NOT_GENERATED.contains(&p.as_str()))
        .map(|p| p.strip_prefix("corpus/").expect("below corpus/").to_string())
        .collect();
    assert_eq!(generated, committed, "make_corpus.py writes a different set of files than is committed");
    for rel in &generated {
        let fresh = fs::read(out.path().join(rel)).expect("read generated file");
        let stored = fs::read(root.join("corpus").join(rel)).expect("read committed file");
        assert!(fresh == stored, "corpus/{rel} differs from what make_corpus.py writes; rerun it");
    }
}
