//! The Apache Spark recipe of `docs/spark.md`, run for real: PySpark in local mode pipes the
//! partitions of a file list into `gbcheck check --format jsonl --files-from -`
//! (`docs/spark/gbcheck_spark.py`), and `gbcheck merge` of the part files must be the report
//! of one `gbcheck check` of the same tree, finding for finding, on 3000 generated files with
//! defects known by construction (`tests/support/defect_tree.rs`).
//!
//! PySpark is installed from PyPI into a virtual environment under Cargo's target directory
//! (`target/tmp/spark/venv`), kept between runs; it needs Java 17 or later. A slow test: it runs with `GBCHECK_SLOW_TESTS=1` (`tests/support/slow.rs`), and then
//! Java 17, Python and PyPI must be there.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::command::run;
use crate::support::defect_tree::DefectTree;
use crate::support::records::{records, timeless};
use crate::support::slow;

/// Hang detection only: a Spark run here takes well under a minute.
const SPARK_TIMEOUT: Duration = Duration::from_secs(600);

fn skip(why: &str) {
    slow::missing(&format!("Spark recipe: {why}"))
}

fn ok(command: &mut Command) -> Option<Output> {
    command.output().ok().filter(|o| o.status.success())
}

/// The virtual environment's Python, with PySpark installed on first use.
fn pyspark_python(base: &Path) -> Result<PathBuf, String> {
    let venv = base.join("venv");
    let python = venv.join("bin/python");
    let has_pyspark = |python: &Path| ok(Command::new(python).args(["-c", "import pyspark"])).is_some();
    if python.exists() && has_pyspark(&python) {
        return Ok(python);
    }
    ok(Command::new("python3").args(["-m", "venv", "--clear"]).arg(&venv))
        .ok_or("python3 -m venv failed (is Python 3 with venv installed?)")?;
    let pip = ok(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--timeout",
        "60",
        "pyspark>=3.5",
    ]));
    if pip.is_none() || !has_pyspark(&python) {
        let _ = fs::remove_dir_all(&venv);
        return Err("pip install pyspark failed (is PyPI reachable?)".into());
    }
    Ok(python)
}

/// Runs a command to its end, or kills it after `limit`.
fn run_with_timeout(command: &mut Command, limit: Duration) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let (out, err) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

fn lines(stdout: &[u8]) -> Vec<Value> {
    records(stdout)
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

#[test]
fn spark_recipe_gives_the_single_run_report() {
    if !slow::asked_for("the Spark recipe") {
        return;
    }
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spark");
    fs::create_dir_all(&base).unwrap();
    if ok(Command::new("java").arg("-version")).is_none() {
        return skip("java is not installed (PySpark needs Java 17 or later)");
    }
    let python = match pyspark_python(&base) {
        Ok(python) => python,
        Err(why) => return skip(&why),
    };

    let dir = tempfile::tempdir().unwrap();
    let tree = DefectTree::make(&dir.path().join("tree"), 3000);
    // The list in a shuffled order (a fixed permutation), as a store's listing might come.
    let n = tree.entries.len();
    let listed: Vec<&PathBuf> = (0..n).map(|i| &tree.entries[(i * 1009) % n]).collect();
    assert_eq!(listed.iter().collect::<BTreeSet<_>>().len(), n, "a permutation");
    let list = dir.path().join("files.txt");
    fs::write(&list, listed.iter().map(|p| format!("{}\n", p.display())).collect::<String>()).unwrap();

    let out = dir.path().join("out");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/spark/gbcheck_spark.py");
    let started = Instant::now();
    let spark = run_with_timeout(
        Command::new(&python)
            .arg(&script)
            .args(["--master", "local[2]", "--partitions", "8", "--gbcheck", env!("CARGO_BIN_EXE_gbcheck")])
            .arg(&list)
            .arg(&out)
            .env("PYSPARK_PYTHON", &python)
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .current_dir(dir.path()),
        SPARK_TIMEOUT,
    );
    let spark_seconds = started.elapsed().as_secs_f64();
    let spark_log = String::from_utf8_lossy(&spark.stderr);
    assert!(spark.status.success(), "the Spark job failed:\n{spark_log}");

    let mut parts: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("part-"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    parts.sort();
    assert_eq!(parts.len(), 8, "one part file a partition");
    // Every partition ran gbcheck to its end: one summary each.
    for part in &parts {
        let records = lines(&fs::read(part).unwrap());
        assert_eq!(of_type(&records, "summary").len(), 1, "{part}");
    }
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    let merged_out = run(&args, Path::new("."));
    assert_eq!(merged_out.status.code(), Some(2), "{}", String::from_utf8_lossy(&merged_out.stderr));
    let merged = lines(&merged_out.stdout);

    // Against construction.
    let expected: BTreeSet<(String, String, u64)> =
        tree.expected.iter().map(|(p, r, o)| (p.clone(), r.to_string(), *o)).collect();
    let found: BTreeSet<(String, String, u64)> = of_type(&merged, "finding")
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().into(),
                r["rule"].as_str().unwrap().into(),
                r["byte_offset"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, expected);
    let summary = merged.last().unwrap();
    assert_eq!(summary["files_checked"], tree.text_files);
    assert_eq!(summary["files_skipped"], tree.binary_files);
    assert_eq!(summary["operational_errors"], tree.unreadable);

    // Against one process on the same list: every record, in order (skipped files named in
    // a list are `skipped` records).
    let started = Instant::now();
    let single_list =
        run(&["check", "--format", "jsonl", "--files-from", list.to_str().unwrap()], Path::new("."));
    let single_seconds = started.elapsed().as_secs_f64();
    assert_eq!(timeless(merged.clone()), timeless(lines(&single_list.stdout)));

    // Against one process on the tree: the same findings and errors, in the same order, and
    // the same summary (a walk counts binary files without naming them).
    let single_tree =
        lines(&run(&["check", "--format", "jsonl", tree.root.to_str().unwrap()], Path::new(".")).stdout);
    let without_skipped = |records: Vec<Value>| -> Vec<Value> {
        timeless(records).into_iter().filter(|r| r["type"] != "skipped").collect()
    };
    assert_eq!(without_skipped(merged.clone()), without_skipped(single_tree));

    // SARIF from the same part files: one log, the single run's (but its time).
    let mut sarif_args = args.clone();
    sarif_args.splice(1..1, ["--format", "sarif"]);
    let untimed = |stdout: &[u8]| {
        let mut log: Value = serde_json::from_slice(stdout).unwrap();
        log["runs"][0]["invocations"][0]["properties"].as_object_mut().unwrap().remove("elapsedMs");
        log
    };
    let sarif_single =
        run(&["check", "--format", "sarif", "--files-from", list.to_str().unwrap()], Path::new("."));
    assert_eq!(untimed(&run(&sarif_args, Path::new(".")).stdout), untimed(&sarif_single.stdout));

    let files = (tree.text_files + tree.binary_files) as f64;
    eprintln!(
        "Spark recipe (local[2], 8 partitions): {files} files in {spark_seconds:.1} s with Spark's start, \
         {:.0} files/s; one process: {single_seconds:.2} s, {:.0} files/s; {}",
        files / spark_seconds,
        files / single_seconds,
        spark_log.lines().filter(|l| l.starts_with("gbcheck-spark:")).collect::<Vec<_>>().join(" ")
    );
}
