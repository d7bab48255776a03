//! Fitting into CI: the `sarif`, `github` and `brief` formats on the whole corpus (expectations
//! from the corpus's `.jsonl` files, which give every finding's line, column and bytes; the
//! SARIF log validated against the official schema), the config file, inline suppression
//! comments and baselines.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::command::{gbcheck, run};
use crate::support::output::{stderr, stdout};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One expected finding, from the corpus.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    path: String,
    line: u64,
    column: u64,
    rule: String,
    severity: String,
    byte_offset: u64,
    byte_len: u64,
    bytes: String,
}

/// The corpus samples (relative to the repository) and what the default options give.
fn corpus() -> (Vec<String>, Vec<Expected>) {
    let mut samples = Vec::new();
    let mut stack = vec![root().join("corpus")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                samples.push(path.strip_prefix(root()).unwrap().to_str().unwrap().to_string());
            }
        }
    }
    samples.sort();
    let mut expected = Vec::new();
    for sample in &samples {
        let default = root().join(format!("{sample}.default.jsonl"));
        let file = if default.exists() { default } else { root().join(format!("{sample}.jsonl")) };
        for line in fs::read_to_string(&file).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            if v["type"] != "finding" {
                continue;
            }
            expected.push(Expected {
                path: v["path"].as_str().unwrap().to_string(),
                line: v["line"].as_u64().unwrap(),
                column: v["column"].as_u64().unwrap(),
                rule: v["rule"].as_str().unwrap().to_string(),
                severity: v["severity"].as_str().unwrap().to_string(),
                byte_offset: v["byte_offset"].as_u64().unwrap(),
                byte_len: v["byte_len"].as_u64().unwrap(),
                bytes: v["bytes"].as_str().unwrap().to_string(),
            });
        }
    }
    expected.sort();
    assert!(expected.len() > 100, "the corpus has its findings");
    (samples, expected)
}

fn run_corpus(format: &str) -> (Output, Vec<String>, Vec<Expected>) {
    let (samples, expected) = corpus();
    let mut args = vec!["check", "--no-config", "--format", format];
    args.extend(samples.iter().map(String::as_str));
    let output = run(&args, &root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    (output, samples, expected)
}

/// The messages of the corpus's findings, from `--format jsonl` (pinned by tests/cli/corpus.rs).
fn messages() -> Vec<((String, u64, String), String)> {
    let (output, _, _) = run_corpus("jsonl");
    let mut out: Vec<_> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "finding")
        .map(|v| {
            let key = (
                v["path"].as_str().unwrap().to_string(),
                v["byte_offset"].as_u64().unwrap(),
                v["rule"].as_str().unwrap().to_string(),
            );
            (key, v["message"].as_str().unwrap().to_string())
        })
        .collect();
    out.sort();
    out
}

fn message_of(messages: &[((String, u64, String), String)], e: &Expected) -> String {
    let key = (e.path.clone(), e.byte_offset, e.rule.clone());
    let i =
        messages.binary_search_by(|(k, _)| k.cmp(&key)).unwrap_or_else(|_| panic!("no message for {e:?}"));
    messages[i].1.clone()
}

/// The number of characters in a span, decoded independently (encoding_rs); a malformed
/// span counts as one, an empty span as none.
fn span_chars(e: &Expected) -> u64 {
    if e.byte_len == 0 {
        return 0;
    }
    if e.rule != "GB009" {
        return 1;
    }
    let bytes: Vec<u8> = e.bytes.split(' ').map(|h| u8::from_str_radix(h, 16).unwrap()).collect();
    let encoding = if e.path.contains("utf8") || e.path.contains("utf-8") {
        encoding_rs::UTF_8
    } else {
        encoding_rs::GB18030
    };
    let (text, malformed) = encoding.decode_without_bom_handling(&bytes);
    assert!(!malformed, "{e:?}");
    text.chars().count() as u64
}

#[test]
fn brief_format_on_the_corpus() {
    let messages = messages();
    let (output, _, expected) = run_corpus("brief");
    let want: Vec<String> = expected
        .iter()
        .map(|e| format!("{}:{}:{}: {} {}", e.path, e.line, e.column, e.rule, message_of(&messages, e)))
        .collect();
    let mut got: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    got.sort();
    assert_eq!(got, want_sorted);
}

/// `@actions/core`'s escaping, written out again here.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[test]
fn github_format_on_the_corpus() {
    let messages = messages();
    let (output, _, expected) = run_corpus("github");
    let names: std::collections::HashMap<&str, &str> = [
        ("GB001", "invalid-sequence"),
        ("GB002", "truncated-sequence"),
        ("GB003", "unassigned-code"),
        ("GB004", "round-trip-mismatch"),
        ("GB005", "edition-sensitive"),
        ("GB006", "unencodable"),
        ("GB007", "private-use"),
        ("GB008", "wrong-encoding"),
        ("GB009", "mojibake"),
        ("GB010", "outside-level"),
        ("GB011", "byte-order-mark"),
        ("GB012", "control-character"),
        ("GB013", "replacement-character"),
        ("GB014", "removed-character"),
    ]
    .into_iter()
    .collect();
    let mut want: Vec<String> = expected
        .iter()
        .map(|e| {
            format!(
                "::{} file={},line={},col={},endColumn={},title={}::{}",
                e.severity,
                escape_property(&e.path),
                e.line,
                e.column,
                e.column + span_chars(e).max(1) - 1,
                escape_property(&format!("{} {}", e.rule, names[e.rule.as_str()])),
                escape_data(&message_of(&messages, e))
            )
        })
        .collect();
    let mut got: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn github_format_is_chosen_on_github_actions_and_escapes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a,b:c%.txt"), b"ok\n\x81\n").unwrap();
    let output = gbcheck()
        .args(["check", "--no-config", "."])
        .env("GITHUB_ACTIONS", "true")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "::error file=a%2Cb%3Ac%25.txt,line=2,col=1,endColumn=1,title=GB001 invalid-sequence::"
        ),
        "{text}"
    );
    // An explicit --format wins.
    let output = gbcheck()
        .args(["check", "--no-config", "--format", "brief", "."])
        .env("GITHUB_ACTIONS", "true")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(stdout(&output).starts_with("./a,b:c%.txt:2:1: GB001 "), "{}", stdout(&output));
}

/// Runs `git ARGS` in `dir`, which must succeed.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
}

/// The changed-files recipe of docs/ci.md, run as written in a real Git repository whose
/// branch deletes, renames and adds files: a deleted file is not a missing path (exit 2).
#[test]
fn the_changed_files_recipe_of_the_ci_docs_runs_on_deletions_and_renames() {
    let docs = fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let recipe =
        docs.lines().find(|l| l.starts_with("git diff --name-only")).expect("the recipe in docs/ci.md");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    fs::write(repo.join("keep.txt"), "不变\n").unwrap();
    fs::write(repo.join("old.txt"), "将被删除\n").unwrap();
    fs::write(
        repo.join("move.txt"),
        b"ok\nlone \x80 byte\nthe end of a file that is long enough to be a rename\n",
    )
    .unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    git(repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    git(repo, &["checkout", "-q", "-b", "change"]);
    let run_recipe = || {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_gbcheck")).parent().unwrap().to_path_buf();
        let path = std::env::join_paths(
            std::iter::once(bin_dir)
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .unwrap();
        Command::new("sh")
            .args(["-c", recipe])
            .env("PATH", path)
            .env_remove("GITHUB_ACTIONS")
            .current_dir(repo)
            .stdin(Stdio::null())
            .output()
            .expect("run the recipe")
    };
    // No change at all: an empty list, nothing to check.
    let output = run_recipe();
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));

    git(repo, &["rm", "-q", "old.txt"]);
    git(repo, &["mv", "move.txt", "moved.txt"]);
    fs::write(repo.join("new.txt"), "新的文件\n").unwrap();
    git(repo, &["add", "new.txt"]);
    git(repo, &["commit", "-q", "-m", "delete, rename, add"]);
    let output = run_recipe();
    let out = stdout(&output);
    // The renamed file's defect is found under its new name; the deleted file is no error.
    assert_eq!(output.status.code(), Some(1), "{out}{}", stderr(&output));
    assert!(out.contains("moved.txt:2:6: error[GB001]"), "{out}");
    assert!(!out.contains("old.txt") && !out.contains("keep.txt"), "{out}");
    let err = stderr(&output);
    assert!(!err.contains("gbcheck: error") && !err.contains("could not be checked"), "{err}");
    assert!(err.contains("2 files checked"), "{err}");
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> =
        validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF log is not valid:\n{}", errors.join("\n"));
}

#[test]
fn sarif_format_on_the_corpus_is_valid_and_complete() {
    let messages = messages();
    let (output, _, expected) = run_corpus("sarif");
    let log: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 16);
    for (i, rule) in rules.iter().enumerate() {
        assert_eq!(rule["id"], format!("GB{:03}", i + 1));
        assert!(rule["name"].as_str().is_some_and(|s| !s.is_empty()), "{rule}");
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(rule[key]["text"].as_str().is_some_and(|s| !s.is_empty()), "{rule}");
        }
        assert!(["error", "warning"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let mut got: Vec<Expected> = Vec::new();
    for result in run["results"].as_array().unwrap() {
        let location = &result["locations"][0]["physicalLocation"];
        let region = &location["region"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap().to_string();
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let e = Expected {
            path: uri,
            line: region["startLine"].as_u64().unwrap(),
            column: region["startColumn"].as_u64().unwrap(),
            rule: result["ruleId"].as_str().unwrap().to_string(),
            severity: result["level"].as_str().unwrap().to_string(),
            byte_offset: region["byteOffset"].as_u64().unwrap(),
            byte_len: region["byteLength"].as_u64().unwrap(),
            bytes: String::new(),
        };
        assert_eq!(region["endLine"], region["startLine"]);
        assert!(result["partialFingerprints"]["gbcheck/v1"].as_str().is_some_and(|f| f.len() == 16));
        assert_eq!(result["message"]["text"].as_str().unwrap(), message_of(&messages, &e));
        got.push(e);
        // The end column, checked against the expectation below (bytes filled in then).
        got.last_mut().unwrap().bytes = region["endColumn"].as_u64().unwrap().to_string();
    }
    got.sort();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        let want_end = e.column + span_chars(e);
        assert_eq!(
            (&g.path, g.line, g.column, &g.rule, &g.severity, g.byte_offset, g.byte_len),
            (&e.path, e.line, e.column, &e.rule, &e.severity, e.byte_offset, e.byte_len)
        );
        assert_eq!(g.bytes, want_end.to_string(), "endColumn of {e:?}");
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_read_errors_go_to_the_invocation() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("with space é.txt"), b"\xFF\n").unwrap();
    let output =
        run(&["check", "--no-config", "--format", "sarif", "with space é.txt", "missing.txt"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let log: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_valid_sarif(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "missing.txt");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "with%20space%20%C3%A9.txt"
    );
}

// ---------------------------------------------------------------------------------------------
// The config file
// ---------------------------------------------------------------------------------------------

/// A directory with a private-use character (GB007, warning) and an invalid byte (GB001) in
/// GB 18030 text, a UTF-8 .po file and a GBK-only legacy file.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("po/zh")).unwrap();
    fs::create_dir_all(root.join("legacy")).unwrap();
    fs::create_dir_all(root.join("src/deep")).unwrap();
    fs::write(root.join("src/pua.txt"), b"\xD6\xD0 \xAA\xA1\n").unwrap();
    // UTF-8 "中文" and U+4E02 (level 3 only... the level is checked by GB010 with level 1).
    fs::write(root.join("po/zh/zh_CN.po"), "msgstr \"中文\"\n".as_bytes()).unwrap();
    // A four-byte GB 18030 code: GB006 under the gbk profile.
    fs::write(root.join("legacy/old.txt"), b"\x81\x30\x81\x30\n").unwrap();
    dir
}

fn rules_of(output: &Output) -> BTreeSet<(String, String)> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "finding")
        .map(|v| (v["path"].as_str().unwrap().to_string(), format!("{} {}", v["rule"], v["severity"])))
        .map(|(p, r)| (p, r.replace('"', "")))
        .collect()
}

#[test]
fn config_is_found_by_walking_up_and_sets_rules() {
    let dir = tree();
    fs::write(dir.path().join("gbcheck.toml"), "[rules]\nGB007 = \"error\"\n").unwrap();
    let output = run(&["check", "--format", "jsonl", "pua.txt"], &dir.path().join("src"));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(rules_of(&output), BTreeSet::from([("pua.txt".into(), "GB007 error".into())]));
    // From a deeper directory too, and `.gbcheck.toml` is found the same way.
    fs::remove_file(dir.path().join("gbcheck.toml")).unwrap();
    fs::write(dir.path().join(".gbcheck.toml"), "[rules]\nprivate-use = \"off\"\n").unwrap();
    let output = run(&["check", "--format", "jsonl", "../pua.txt"], &dir.path().join("src/deep"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(rules_of(&output).is_empty());
    // --no-config: the defaults (GB007 is a warning, which does not fail).
    let output =
        run(&["check", "--no-config", "--format", "jsonl", "../pua.txt"], &dir.path().join("src/deep"));
    assert_eq!(rules_of(&output), BTreeSet::from([("../pua.txt".into(), "GB007 warning".into())]));
    // --config names a file anywhere.
    fs::write(dir.path().join("strict.toml"), "fail-level = \"warning\"\n").unwrap();
    let output = run(&["check", "--config", "../strict.toml", "pua.txt"], &dir.path().join("src"));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // A flag wins over the file.
    let output = run(
        &["check", "--config", "../strict.toml", "--fail-level", "error", "pua.txt"],
        &dir.path().join("src"),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn config_overrides_by_glob() {
    let dir = tree();
    let config = "encoding = \"gb18030\"\n\
                  [[overrides]]\nglob = \"po/**/*.po\"\nencoding = \"utf-8\"\nlevel = 2\n\
                  [[overrides]]\nglob = \"legacy/**/*.txt\"\nprofile = \"gbk\"\n";
    fs::write(dir.path().join("gbcheck.toml"), config).unwrap();
    let output = run(&["check", "--format", "jsonl", "."], dir.path());
    let got = rules_of(&output);
    // The .po file is read as UTF-8 (no GB008); legacy is judged under gbk (GB006).
    assert!(!got.iter().any(|(p, _)| p.contains("po/")), "{got:?}");
    assert!(got.contains(&("./legacy/old.txt".into(), "GB006 error".into())), "{got:?}");
    // Without the overrides, the .po file is the wrong encoding and legacy is not judged as gbk.
    let output = run(
        &["check", "--format", "jsonl", "--config", "/dev/null", "--encoding", "gb18030", "."],
        dir.path(),
    );
    let got = rules_of(&output);
    assert!(got.contains(&("./po/zh/zh_CN.po".into(), "GB008 error".into())), "{got:?}");
    assert!(!got.iter().any(|(p, r)| p.contains("legacy") && r.starts_with("GB006")), "{got:?}");
    // A flag wins over an override: --encoding gb18030 makes the .po file wrong again.
    let output = run(&["check", "--format", "jsonl", "--encoding", "gb18030", "po"], dir.path());
    assert!(rules_of(&output).contains(&("po/zh/zh_CN.po".into(), "GB008 error".into())));
    // `gbcheck config PATH` shows what applies.
    let output = run(&["config", "po/zh/zh_CN.po"], dir.path());
    let text = stdout(&output);
    assert!(text.contains("encoding = \"utf-8\"") && text.contains("level = 2"), "{text}");
    assert!(text.contains("glob = \"po/**/*.po\""), "{text}");
    let output = run(&["config", "legacy/old.txt"], dir.path());
    let text = stdout(&output);
    assert!(text.contains("profile = \"gbk\"") && text.contains("encoding = \"gb18030\""), "{text}");
}

#[test]
fn config_errors_name_file_line_and_key() {
    let dir = tree();
    for (text, line, key) in [
        ("profile = \"gbk\"\nfrobnicate = true\n", 2, "frobnicate"),
        ("level = 7\n", 1, "level"),
        ("[rules]\nGB007 = \"loud\"\n", 2, "GB007"),
        ("[rules]\nGB099 = \"off\"\n", 2, "GB099"),
        ("[[overrides]]\nglob = \"po/[x\"\n", 2, "glob"),
        ("[[overrides]]\nglob = \"po/*\"\nencodng = \"utf-8\"\n", 3, "encodng"),
    ] {
        fs::write(dir.path().join("gbcheck.toml"), text).unwrap();
        let output = run(&["check", "src"], dir.path());
        assert_eq!(output.status.code(), Some(2), "{text}");
        let message = stderr(&output);
        assert!(message.contains(&format!("gbcheck.toml:{line}:")), "{text}: {message}");
        assert!(message.contains(key), "{text}: {message}");
        let output = run(&["config"], dir.path());
        assert_eq!(output.status.code(), Some(2), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Suppression comments and baselines
// ---------------------------------------------------------------------------------------------

#[test]
fn suppression_comments() {
    let dir = tempfile::tempdir().unwrap();
    let text: &[u8] = b"# gbcheck: ignore-next-line GB001\n\x81\n\x81 // gbcheck: ignore-line\n\
                        \xAA\xA1 <!-- gbcheck: ignore-line GB001 -->\n\x81\n";
    fs::write(dir.path().join("a.txt"), text).unwrap();
    let output =
        run(&["check", "--no-config", "--format", "jsonl", "--encoding", "gb18030", "a.txt"], dir.path());
    let lines: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let found: Vec<(u64, &str)> = lines
        .iter()
        .filter(|v| v["type"] == "finding")
        .map(|v| (v["line"].as_u64().unwrap(), v["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [(4, "GB007"), (5, "GB001")]);
    let summary = lines.last().unwrap();
    assert_eq!(summary["suppressed"], 2);
    assert_eq!(summary["findings"], 2);
    assert_eq!(summary["errors"], 1);
    assert_eq!(output.status.code(), Some(1));
    // ignore-file: nothing left, exit 0, and the summary says so.
    fs::write(dir.path().join("b.txt"), [b"/* gbcheck: ignore-file */\n".as_slice(), text].concat()).unwrap();
    let output = run(&["check", "--no-config", "--encoding", "gb18030", "b.txt"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("no findings; 4 suppressed"), "{}", stderr(&output));
}

#[test]
fn a_baseline_hides_old_findings_and_fails_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let old: &[u8] = b"line one \x81 here\nclean\nline three \xFF there\n";
    fs::write(dir.path().join("a.txt"), old).unwrap();
    fs::write(dir.path().join("b.txt"), b"also \x80 bad\n").unwrap();
    let output =
        run(&["check", "--no-config", "--write-baseline", "baseline.json", "a.txt", "b.txt"], dir.path());
    assert_eq!(output.status.code(), Some(0), "writing a baseline succeeds: {}", stderr(&output));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 3);
    let output = run(&["check", "--no-config", "--baseline", "baseline.json", "a.txt", "b.txt"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("3 in the baseline"), "{}", stderr(&output));
    // Lines move (a line added above, indentation changed): still the same findings.
    let moved: &[u8] = b"a new first line\nline one \x81 here\nclean\n    line three \xFF there\n";
    fs::write(dir.path().join("a.txt"), moved).unwrap();
    let output = run(&["check", "--no-config", "--baseline", "baseline.json", "a.txt", "b.txt"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // One new defect: it alone is reported and fails the run.
    let new: &[u8] =
        b"a new first line\nline one \x81 here\nnew \x81 defect\nclean\n    line three \xFF there\n";
    fs::write(dir.path().join("a.txt"), new).unwrap();
    let output = run(
        &["check", "--no-config", "--format", "brief", "--baseline", "baseline.json", "a.txt", "b.txt"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("a.txt:3:5: GB001 "), "{text}");
    assert!(stderr(&output).contains("3 in the baseline"), "{}", stderr(&output));
    // A bad baseline file is an operational error.
    fs::write(dir.path().join("bad.json"), "{}").unwrap();
    let output = run(&["check", "--no-config", "--baseline", "bad.json", "a.txt"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bad.json"), "{}", stderr(&output));
}
