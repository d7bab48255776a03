//! The gate tells the truth (issue 21, items 6, 7, 8, 11 and 14), through the real binary:
//! options that could never take effect are refused, a closed output pipe does not turn
//! findings into status 0, a NUL-separated list read one a line is refused, GB004 carries its
//! other code as data, and SARIF is streamed (flat memory, a valid log however many results,
//! and what it leaves out said inside the log).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::command;
use crate::support::output::{json_lines, stderr};

/// gbcheck as a CI job runs it: the shared command ([`command::gbcheck`]) with `CI=1`, the
/// setting whose defaults the gate tests check (a test that wants it otherwise says so).
fn gbcheck() -> Command {
    let mut command = command::gbcheck();
    command.env("CI", "1");
    command
}

/// [`command::run`] with `CI=1` ([`gbcheck`]).
fn run(args: &[&str], dir: &Path) -> Output {
    gbcheck().args(args).current_dir(dir).output().expect("run gbcheck")
}

/// [`command::run_stdin`] with `CI=1` ([`gbcheck`]).
fn run_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut command = gbcheck();
    command.args(args).current_dir(dir);
    command::output_with_stdin(command, input)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// 6. Options that cannot take effect
// ---------------------------------------------------------------------------------------------

/// Asserts a refusal: status 2, a message that names `needle`, nothing checked.
fn assert_refused(output: &Output, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
}

/// U+30000 (CJK Extension G, UTF-8) is outside every implementation level (the README:
/// characters added after Unicode 11.0), and nothing else fires on it.
fn level_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "\u{30000}\n".as_bytes()).unwrap();
    dir
}

#[test]
fn select_gb010_without_a_level_is_refused() {
    let dir = level_dir();
    let output = run(&["check", "--no-config", "--select", "GB010", "a.txt"], dir.path());
    assert_refused(&output, &["GB010", "--level"]);
    // By name too.
    let output = run(&["check", "--no-config", "--select", "outside-level", "a.txt"], dir.path());
    assert_refused(&output, &["GB010", "--level"]);
    // With a level, from the command line or the config file, it checks.
    let output = run(&["check", "--no-config", "--select", "GB010", "--level", "1", "a.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    fs::write(dir.path().join("gbcheck.toml"), "level = 1\n").unwrap();
    let output = run(&["check", "--select", "GB010", "--format", "brief", "a.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("GB010"));
}

/// A level set only by a configuration file below the directory named (found by the walk)
/// makes `--select GB010` count for the files there: not refused.
#[test]
fn a_level_from_a_nested_config_file_lets_gb010_be_selected() {
    let dir = level_dir();
    fs::create_dir(dir.path().join("po")).unwrap();
    fs::copy(dir.path().join("a.txt"), dir.path().join("po/b.txt")).unwrap();
    let output = run(&["check", "--select", "GB010", "--format", "brief", "."], dir.path());
    assert_refused(&output, &["GB010", "--level"]);
    fs::write(dir.path().join("po/gbcheck.toml"), "level = 1\n").unwrap();
    let output = run(&["check", "--select", "GB010", "--format", "brief", "."], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("po/b.txt:") && out.contains("GB010") && !out.contains("./a.txt"), "{out}");
}

#[test]
fn a_level_whose_rule_is_off_is_refused() {
    let dir = level_dir();
    for off in [&["--ignore", "GB010"][..], &["--select", "GB001"][..]] {
        let mut args = vec!["check", "--no-config", "--level", "2"];
        args.extend_from_slice(off);
        args.push("a.txt");
        assert_refused(&run(&args, dir.path()), &["--level", "GB010"]);
    }
    // A level from the config file is a default, not a request: --ignore GB010 still runs.
    fs::write(dir.path().join("gbcheck.toml"), "level = 1\n").unwrap();
    let output = run(&["check", "--ignore", "GB010", "a.txt"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn selected_rules_that_can_never_fire_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Valid UTF-8 with non-ASCII bytes: GB008 fires on it with --encoding gb18030.
    fs::write(dir.path().join("u.txt"), "中文\n".as_bytes()).unwrap();
    let gb008 = run(&["check", "--no-config", "--select", "GB008", "u.txt"], dir.path());
    assert_refused(&gb008, &["GB008", "--encoding"]);
    let output =
        run(&["check", "--no-config", "--select", "GB008", "--encoding", "gb18030", "u.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    let gb003 =
        run(&["check", "--no-config", "--select", "GB003", "--encoding", "utf-8", "u.txt"], dir.path());
    assert_refused(&gb003, &["GB003", "utf-8"]);

    // GB 18030-2022 is a bijection: no round trip changes anything, every character encodes.
    for rule in ["GB004", "GB006", "round-trip-mismatch"] {
        let output = run(&["check", "--no-config", "--select", rule, "u.txt"], dir.path());
        assert_refused(&output, &["--profile"]);
    }
    // `80` under whatwg: GB004 fires.
    fs::write(dir.path().join("e.txt"), b"\x80\n").unwrap();
    let output =
        run(&["check", "--no-config", "--select", "GB004", "--profile", "whatwg", "e.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn a_run_that_checks_no_rule_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"x\xFF\n").unwrap();
    // Every rule there is, as `gbcheck rules` lists them.
    let rules = run(&["rules"], dir.path());
    let all: Vec<String> = String::from_utf8(rules.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(all.len() >= 14, "{all:?}");
    let output = run(&["check", "--no-config", "--ignore", &all.join(","), "a.txt"], dir.path());
    assert_refused(&output, &["no rule is checked"]);
    let output =
        run(&["check", "--no-config", "--select", "GB001", "--ignore", "GB001", "a.txt"], dir.path());
    assert_refused(&output, &["no rule is checked"]);
    // The same from the config file.
    let off: String = all.iter().map(|id| format!("{id} = \"off\"\n")).collect();
    fs::write(dir.path().join("gbcheck.toml"), format!("[rules]\n{off}")).unwrap();
    assert_refused(&run(&["check", "a.txt"], dir.path()), &["no rule is checked"]);
    // One rule on is enough.
    let output = run(&["check", "--select", "GB001", "a.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn stats_are_printed_in_every_format_that_has_no_place_for_them() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"x\xFF\n").unwrap();
    for format in ["brief", "github", "sarif", "human"] {
        let output = run(&["check", "--no-config", "--stats", "--format", format, "a.txt"], dir.path());
        assert_eq!(output.status.code(), Some(1), "{format}: {}", stderr(&output));
        let err = stderr(&output);
        assert!(err.contains("gbcheck: stats"), "{format}: {err}");
        assert!(err.contains("GB001 invalid-sequence"), "{format}: {err}");
        assert!(err.contains("files checked"), "{format}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. A closed pipe keeps the status of what was found
// ---------------------------------------------------------------------------------------------

/// A tree of many files, each with many findings of `bytes`: megabytes of output, far more
/// than a pipe holds, so the reader closing it early stops the run.
fn tree_of(dir: &Path, bytes: &[u8]) {
    let tree = dir.join("t");
    fs::create_dir(&tree).unwrap();
    let body: Vec<u8> = (0..400).flat_map(|_| bytes.iter().copied().chain(*b"\n")).collect();
    for i in 0..300 {
        fs::write(tree.join(format!("f{i:03}.txt")), &body).unwrap();
    }
}

/// Runs gbcheck with stdout a pipe whose read end is closed after the first bytes.
fn run_closed(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let mut child = gbcheck()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the pipe's read end is closed.
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    (status.code(), err)
}

#[test]
fn a_closed_pipe_still_fails_on_findings() {
    let dir = tempfile::tempdir().unwrap();
    tree_of(dir.path(), b"bad \xFF");
    // The full run, for reference.
    let full = run(&["check", "--no-config", "--format", "jsonl", "t"], dir.path());
    assert_eq!(full.status.code(), Some(1));
    assert!(full.stdout.len() > 4 << 20, "{}", full.stdout.len());
    for format in ["jsonl", "brief", "human", "sarif", "github"] {
        let (code, err) = run_closed(&["check", "--no-config", "--format", format, "t"], dir.path());
        assert_eq!(code, Some(1), "{format}: {err}");
    }
    let (code, err) = run_closed(&["check", "--no-config", "--format", "jsonl", "-j1", "t"], dir.path());
    assert_eq!(code, Some(1), "{err}");
    // --exit-zero still gives 0.
    let (code, err) =
        run_closed(&["check", "--no-config", "--format", "jsonl", "--exit-zero", "t"], dir.path());
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_closed_pipe_writes_no_partial_baseline() {
    let dir = tempfile::tempdir().unwrap();
    tree_of(dir.path(), b"bad \xFF");
    let args = ["check", "--no-config", "--format", "jsonl", "--write-baseline", "base.json", "t"];
    let (code, err) = run_closed(&args, dir.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("base.json not written"), "{err}");
    assert!(!dir.path().join("base.json").exists());
}

#[test]
fn a_closed_pipe_after_an_operational_error_gives_2() {
    let dir = tempfile::tempdir().unwrap();
    tree_of(dir.path(), b"bad \xFF");
    // `a-missing.txt` sorts before `t/`: its error comes before the findings.
    let (code, err) =
        run_closed(&["check", "--no-config", "--format", "jsonl", "a-missing.txt", "t"], dir.path());
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn a_closed_pipe_with_only_warnings_follows_the_fail_level() {
    let dir = tempfile::tempdir().unwrap();
    // `AA A1` is U+E000, private use: GB007, a warning.
    tree_of(dir.path(), b"pua \xAA\xA1");
    let (code, err) = run_closed(&["check", "--no-config", "--format", "jsonl", "t"], dir.path());
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run_closed(
        &["check", "--no-config", "--format", "jsonl", "--fail-level", "warning", "t"],
        dir.path(),
    );
    assert_eq!(code, Some(1), "{err}");
}

#[test]
fn a_closed_pipe_does_not_count_suppressed_findings() {
    let dir = tempfile::tempdir().unwrap();
    // Each file: warnings first, then errors that a comment suppresses.
    let tree = dir.path().join("t");
    fs::create_dir(&tree).unwrap();
    let mut body = Vec::new();
    for _ in 0..400 {
        body.extend_from_slice(b"pua \xAA\xA1\n");
    }
    for _ in 0..400 {
        body.extend_from_slice(b"bad \xFF # gbcheck: ignore-line GB001\n");
    }
    for i in 0..300 {
        fs::write(tree.join(format!("f{i:03}.txt")), &body).unwrap();
    }
    let full = run(&["check", "--no-config", "--format", "jsonl", "t"], dir.path());
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    let (code, err) = run_closed(&["check", "--no-config", "--format", "jsonl", "t"], dir.path());
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn merge_into_a_closed_pipe_keeps_the_status_of_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    tree_of(dir.path(), b"bad \xFF");
    let full = run(&["check", "--no-config", "--format", "jsonl", "t"], dir.path());
    fs::write(dir.path().join("run.jsonl"), &full.stdout).unwrap();
    let (code, err) = run_closed(&["merge", "run.jsonl"], dir.path());
    assert_eq!(code, Some(1), "{err}");
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

// ---------------------------------------------------------------------------------------------
// 11. GB004's other code as data
// ---------------------------------------------------------------------------------------------

/// What encoding_rs (the WHATWG decoder and encoder, the `whatwg` profile) makes of one code:
/// the character, and the code that character encodes back as.
fn whatwg_round_trip(code: &[u8]) -> (char, Vec<u8>) {
    let (text, malformed) = encoding_rs::GB18030.decode_without_bom_handling(code);
    assert!(!malformed);
    let c = text.chars().next().unwrap();
    let (back, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    (c, back.into_owned())
}

#[test]
fn gb004_findings_carry_the_other_code_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // `80` and `A3 A0`, the one-way codes of the WHATWG decoder, then a plain hanzi and `FF`.
    let codes: [&[u8]; 2] = [b"\x80", b"\xA3\xA0"];
    let mut text = Vec::new();
    for code in codes {
        text.extend_from_slice(code);
        text.push(b'\n');
    }
    text.extend_from_slice(b"\xD6\xD0 \xFF\n");
    fs::write(dir.path().join("w.txt"), &text).unwrap();
    let output =
        run(&["check", "--no-config", "--profile", "whatwg", "--format", "jsonl", "w.txt"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let records = json_lines(&output);
    let findings: Vec<&Value> = records.iter().filter(|r| r["type"] == "finding").collect();
    let gb004: Vec<&Value> = findings.iter().copied().filter(|r| r["rule"] == "GB004").collect();
    assert_eq!(gb004.len(), 2);
    for (record, code) in gb004.iter().zip(codes) {
        let (c, back) = whatwg_round_trip(code);
        assert_ne!(back, code);
        assert_eq!(record["bytes"], hex(code));
        assert_eq!(record["char"], format!("U+{:04X}", c as u32));
        assert_eq!(record["round_trip_bytes"], hex(&back), "{record}");
    }
    assert_eq!(gb004[0]["round_trip_bytes"], "a2 e3");
    assert_eq!(gb004[1]["round_trip_bytes"], "a1 a1");
    // Every other finding has the key, null.
    for record in findings.iter().filter(|r| r["rule"] != "GB004") {
        assert!(record.as_object().unwrap().contains_key("round_trip_bytes"), "{record}");
        assert!(record["round_trip_bytes"].is_null(), "{record}");
    }

    // SARIF carries it in the result's properties.
    let sarif =
        run(&["check", "--no-config", "--profile", "whatwg", "--format", "sarif", "w.txt"], dir.path());
    let log: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_valid_sarif(&log);
    let tripped: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "GB004")
        .map(|r| &r["properties"]["roundTripBytes"])
        .collect();
    assert_eq!(tripped, [&Value::from("a2 e3"), &Value::from("a1 a1")]);

    // `gbcheck merge` passes it through, to JSON Lines and to SARIF.
    fs::write(dir.path().join("run.jsonl"), &output.stdout).unwrap();
    let merged = run(&["merge", "run.jsonl"], dir.path());
    let merged_records = json_lines(&merged);
    assert_eq!(
        merged_records.iter().map(|r| &r["round_trip_bytes"]).collect::<Vec<_>>(),
        records.iter().map(|r| &r["round_trip_bytes"]).collect::<Vec<_>>()
    );
    let merged_sarif = run(&["merge", "--format", "sarif", "run.jsonl"], dir.path());
    let merged_log: Value = serde_json::from_slice(&merged_sarif.stdout).unwrap();
    assert_eq!(merged_log["runs"][0]["results"], log["runs"][0]["results"]);
}

#[test]
fn gb004_in_utf8_input_carries_the_code_the_character_encodes_as() {
    // Characters whose WHATWG code decodes back as another character, by encoding_rs alone.
    let mut expected = Vec::new();
    let candidates = (0xE000..=0xF8FFu32).chain(0xFE10..=0xFE19).chain(0x1E3F..=0x1E3F);
    for c in candidates.filter_map(char::from_u32) {
        let mut utf8 = [0; 4];
        let (code, _, unmappable) = encoding_rs::GB18030.encode(c.encode_utf8(&mut utf8));
        if unmappable {
            continue;
        }
        let (back, _) = encoding_rs::GB18030.decode_without_bom_handling(&code);
        if back != c.to_string() {
            expected.push((format!("U+{:04X}", c as u32), hex(&code)));
        }
    }
    assert!(!expected.is_empty());
    let text: String = expected
        .iter()
        .map(|(u, _)| char::from_u32(u32::from_str_radix(&u[2..], 16).unwrap()).unwrap())
        .flat_map(|c| [c, '\n'])
        .collect();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("u.txt"), text.as_bytes()).unwrap();
    let output = run(
        &["check", "--no-config", "--profile", "whatwg", "--encoding", "utf-8", "--format", "jsonl", "u.txt"],
        dir.path(),
    );
    let got: Vec<(String, String)> = json_lines(&output)
        .iter()
        .filter(|r| r["rule"] == "GB004")
        .map(|r| {
            (r["char"].as_str().unwrap().to_string(), r["round_trip_bytes"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(got, expected);
}

// ---------------------------------------------------------------------------------------------
// 14. SARIF streamed
// ---------------------------------------------------------------------------------------------

fn assert_valid_sarif(log: &Value) {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::draft4::options().should_validate_formats(true).build(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF log is not valid:\n{}", errors.join("\n"));
}

fn notifications(log: &Value) -> Vec<(String, String)> {
    log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (n["level"].as_str().unwrap().to_string(), n["message"]["text"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_sarif_log_with_more_results_than_github_takes_is_valid_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // 30,000 lines of one invalid byte each: 30,000 results, over GitHub's 25,000 a run.
    fs::write(dir.path().join("many.txt"), b"\xFF\n".repeat(30_000)).unwrap();
    fs::write(dir.path().join("one.txt"), b"\xFF\n").unwrap();
    let output =
        run(&["check", "--no-config", "--format", "sarif", "many.txt", "one.txt", "gone.txt"], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let log: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 30_001);
    for (i, result) in results.iter().enumerate().take(30_000) {
        assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], i as u64 + 1);
    }
    let notes = notifications(&log);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, "error");
    assert_eq!(notes[1].0, "warning");
    assert!(notes[1].1.contains("30001 results") && notes[1].1.contains("25000"), "{notes:?}");
    // 25,000 or fewer: no such warning.
    let output = run(&["check", "--no-config", "--format", "sarif", "one.txt"], dir.path());
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(notifications(&log).is_empty());
}

#[test]
fn findings_max_findings_leaves_out_are_said_in_the_sarif_log() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"\xFF\n".repeat(5)).unwrap();
    fs::write(dir.path().join("b.txt"), b"\xFF\n".repeat(4)).unwrap();
    let output = run(&["check", "--no-config", "--format", "sarif", "--max-findings", "2", "."], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 4);
    let notes = notifications(&log);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, "warning");
    assert!(
        notes[0].1.starts_with("5 findings are not in the results") && notes[0].1.contains("--max-findings")
    );
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

/// Runs gbcheck and returns its exit status and its peak resident set size in bytes
/// (`wait4`, the rusage of this one child).
///
/// Linux counts in a child's peak the memory of the process it was spawned from (the
/// `maxrss` of the address space `exec` replaced), so gbcheck is not spawned from this test
/// process, which holds other tests' data: this test binary is started again, small, to run
/// only [`rss_probe`], which spawns gbcheck and prints what `wait4` says. The scale tests
/// (`scale.rs`) measure with it too.
#[cfg(target_os = "linux")]
pub(crate) fn peak_rss(args: &[&str], dir: &Path) -> (Option<i32>, u64) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["gate::rss_probe", "--exact", "--nocapture", "--test-threads=1"])
        .env(PROBE_ARGS, args.join("\x1f"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let value = |key: &str| {
        let line = text
            .lines()
            .find_map(|line| line.split_once(key).map(|(_, value)| value))
            .unwrap_or_else(|| panic!("{text}"));
        line.trim().parse::<i64>().unwrap()
    };
    let code = value("probe status: ");
    (u8::try_from(code).ok().map(i32::from), value("probe peak rss: ") as u64)
}

/// The arguments [`rss_probe`] runs gbcheck with, separated by U+001F.
#[cfg(target_os = "linux")]
const PROBE_ARGS: &str = "GBCHECK_TEST_RSS_PROBE";

/// Not a test of its own: the helper of [`peak_rss`], in a process of its own. Without its
/// variable it does nothing.
#[cfg(target_os = "linux")]
#[test]
#[allow(unsafe_code)] // wait4 gives the child's own peak memory; std has no such call
fn rss_probe() {
    let Ok(args) = std::env::var(PROBE_ARGS) else { return };
    let child =
        gbcheck().args(args.split('\x1f')).stdin(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 writes the status and the rusage of the child `pid`, which this process
    // spawned and has not waited for; both pointers are to live locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    // Reaped already: the handle is dropped without waiting (dropping a Child never waits).
    drop(child);
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    println!("probe status: {code}");
    println!("probe peak rss: {}", usage.ru_maxrss as u64 * 1024);
}

#[cfg(target_os = "linux")]
#[test]
fn sarif_memory_stays_flat_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    // 2 MiB, 140,000 findings: a SARIF log held in memory took about 10 KiB a result (1.4 GiB
    // here; 21 GB for the two million), JSON Lines a few MiB in all.
    fs::write(dir.path().join("ff.bin"), b"abcdefghijklm\xFF\n".repeat(140_000)).unwrap();
    let args = |format| ["check", "--no-config", "--quiet", "--format", format, "ff.bin"];
    let (code, jsonl) = peak_rss(&args("jsonl"), dir.path());
    assert_eq!(code, Some(1));
    let (code, sarif) = peak_rss(&args("sarif"), dir.path());
    assert_eq!(code, Some(1));
    assert!(sarif < 200 << 20, "SARIF peak {} MiB (JSON Lines {} MiB)", sarif >> 20, jsonl >> 20);
    assert!(sarif < jsonl + (64 << 20), "SARIF peak {} MiB (JSON Lines {} MiB)", sarif >> 20, jsonl >> 20);
}
