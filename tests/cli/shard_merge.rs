//! `--shard K/N` and `gbcheck merge`, with the real binary on a generated tree of 3000 files
//! whose defects are known by construction (`tests/support/defect_tree.rs`).
//!
//! - Shards 1/N .. N/N (N = 1, 3, 7) check every file exactly once, and each path lands in
//!   the shard its FNV-1a 64 hash says (values computed by hand with an independent
//!   implementation, not by gbcheck).
//! - Merging the runs gives exactly the report of one run: the same records in the same
//!   order and the same summary (but its times), whatever the order of the inputs, in JSON
//!   Lines and in SARIF, with skipped files and paths that cannot be checked among them.
//! - Runs made with different settings, overlapping runs, an unfinished run and an
//!   incomplete set of shards are refused.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::command::{gbcheck, run, run_stdin};
use crate::support::defect_tree::DefectTree;
use crate::support::records::{records, timeless};

fn lines(output: &Output) -> Vec<Value> {
    records(&output.stdout)
}

fn summary(records: &[Value]) -> &Value {
    let last = records.last().expect("output");
    assert_eq!(last["type"], "summary");
    last
}

/// `(path, rule, byte_offset)` of every finding.
fn findings(records: &[Value]) -> BTreeSet<(String, String, u64)> {
    records
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["rule"].as_str().unwrap().to_string(),
                r["byte_offset"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn paths_of(records: &[Value], kind: &str) -> BTreeSet<String> {
    records.iter().filter(|r| r["type"] == kind).map(|r| r["path"].as_str().unwrap().to_string()).collect()
}

fn write(path: &Path, bytes: &[u8]) -> String {
    fs::write(path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn shards_cover_every_file_once_and_merge_into_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let tree = DefectTree::make(&dir.path().join("tree"), 3000);
    let root = tree.root.to_str().unwrap();

    let single_out = run(&["check", "--format", "jsonl", root], Path::new("."));
    assert_eq!(single_out.status.code(), Some(2), "the FIFO and the broken link are errors");
    let single = lines(&single_out);
    let expected: BTreeSet<_> =
        tree.expected.iter().map(|(p, r, o)| (p.clone(), r.to_string(), *o)).collect();
    assert_eq!(findings(&single), expected, "the findings are the ones built in");
    let total = summary(&single);
    assert_eq!(total["files_checked"], tree.text_files);
    assert_eq!(total["files_skipped"], tree.binary_files);
    assert_eq!(total["operational_errors"], tree.unreadable);
    assert_eq!(paths_of(&single, "error").len() as u64, tree.unreadable);

    for n in [1u64, 3, 7] {
        let mut files = Vec::new();
        let (mut seen_findings, mut seen_errors) = (BTreeSet::new(), BTreeSet::new());
        let (mut checked, mut skipped) = (0, 0);
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            let out = run(&["check", "--format", "jsonl", "--shard", &shard, root], Path::new("."));
            let records = lines(&out);
            for (kind, seen) in [("finding", &mut seen_findings), ("error", &mut seen_errors)] {
                for path in paths_of(&records, kind) {
                    // A path seen by another shard would be checked twice.
                    assert!(seen.insert(path.clone()), "{path} is in two shards of {n}");
                }
            }
            let s = summary(&records);
            assert_eq!(s["settings"]["shard"], shard);
            checked += s["files_checked"].as_u64().unwrap();
            skipped += s["files_skipped"].as_u64().unwrap();
            files.push(write(&dir.path().join(format!("shard-{k}-of-{n}.jsonl")), &out.stdout));
        }
        assert_eq!(seen_findings, paths_of(&single, "finding"), "N = {n}");
        assert_eq!(seen_errors, paths_of(&single, "error"), "N = {n}");
        assert_eq!((checked, skipped), (tree.text_files, tree.binary_files), "N = {n}");

        // The shards merged, in reverse order, are the single run.
        let mut args = vec!["merge".to_string()];
        args.extend(files.iter().rev().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let merged = run(&args, Path::new("."));
        assert_eq!(merged.status.code(), Some(2), "{}", String::from_utf8_lossy(&merged.stderr));
        assert_eq!(timeless(lines(&merged)), timeless(single.clone()), "N = {n}");
        if n == 7 {
            // Without one shard the merge is refused.
            let mut short = args.clone();
            short.remove(3);
            let refused = run(&short, Path::new("."));
            assert_eq!(refused.status.code(), Some(2));
            assert!(String::from_utf8_lossy(&refused.stderr).contains("is missing"));
            assert!(refused.stdout.is_empty());
        }
    }
}

#[test]
fn a_path_goes_to_the_shard_of_its_fnv1a_hash() {
    // FNV-1a 64 of the path relative to the directory named, computed by hand (an
    // independent implementation): a.txt 7ed582b5571bbd5a, b.txt 01d9faa56a7a2d23, c.txt
    // 045b179ae3dab8f4, d.txt 2ea6e7c9821e3095, sub/e.txt 79bd386a7cea2bf7, sub/f.txt
    // 6d68207a1c22624e, x/y/z.txt f55ba4b2f7f19e8c. Modulo 3: 2 2 2 2 1 2 0; modulo 7:
    // 0 0 4 5 1 6 0.
    let names = ["a.txt", "b.txt", "c.txt", "d.txt", "sub/e.txt", "sub/f.txt", "x/y/z.txt"];
    let mod3 = [2, 2, 2, 2, 1, 2, 0];
    let mod7 = [0, 0, 4, 5, 1, 6, 0];
    let dir = tempfile::tempdir().unwrap();
    // The same tree at two places: the shards do not depend on where it is.
    for root in [dir.path().join("one"), dir.path().join("two/deeper")] {
        for name in names {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, b"bad \xFF\n").unwrap();
        }
        let root_text = root.to_str().unwrap();
        for (n, expected) in [(3, &mod3[..]), (7, &mod7[..])] {
            for k in 1..=n {
                let out = run(
                    &["check", "--format", "jsonl", "--shard", &format!("{k}/{n}"), root_text],
                    Path::new("."),
                );
                let got = paths_of(&lines(&out), "finding");
                let want: BTreeSet<String> = names
                    .iter()
                    .zip(expected)
                    .filter(|(_, &h)| h == k - 1)
                    .map(|(name, _)| root.join(name).to_str().unwrap().to_string())
                    .collect();
                assert_eq!(got, want, "shard {k}/{n} of {root_text}");
            }
        }
    }
    // A file named itself hashes its path as named, without `./`.
    let one = dir.path().join("one");
    let named = gbcheck()
        .args(["check", "--format", "jsonl", "--shard", "2/3", "./sub/e.txt", "sub/f.txt"])
        .current_dir(&one)
        .output()
        .unwrap();
    assert_eq!(paths_of(&lines(&named), "finding"), BTreeSet::from(["./sub/e.txt".to_string()]));
    // Standard input cannot be sharded.
    let stdin = run(&["check", "--shard", "1/2", "-"], Path::new("."));
    assert_eq!(stdin.status.code(), Some(2));
}

#[test]
fn merge_is_order_independent_and_equals_one_run_of_the_same_list() {
    let dir = tempfile::tempdir().unwrap();
    let tree = DefectTree::make(&dir.path().join("tree"), 600);
    // Four "partitions" of the list, dealt round-robin, as a cluster would get them.
    let mut parts = vec![Vec::new(); 4];
    for (i, entry) in tree.entries.iter().enumerate() {
        parts[i % 4].extend_from_slice(entry.to_str().unwrap().as_bytes());
        parts[i % 4].push(b'\n');
    }
    let list = write(
        &dir.path().join("list.txt"),
        &tree.entries.iter().map(|p| format!("{}\n", p.display())).collect::<String>().into_bytes(),
    );
    let runs: Vec<Vec<u8>> = parts
        .iter()
        .map(|part| {
            run_stdin(&["check", "--format", "jsonl", "--files-from", "-"], Path::new("."), part).stdout
        })
        .collect();
    let files: Vec<String> =
        runs.iter().enumerate().map(|(i, run)| write(&dir.path().join(format!("part-{i}")), run)).collect();

    let single = lines(&run(&["check", "--format", "jsonl", "--files-from", &list], Path::new(".")));
    // Named files that are binary give `skipped` records; the summary counts them.
    assert_eq!(paths_of(&single, "skipped").len() as u64, tree.binary_files);
    assert_eq!(summary(&single)["files_skipped"], tree.binary_files);

    let forward = run(&["merge", &files[0], &files[1], &files[2], &files[3]], Path::new("."));
    let backward = run(&["merge", &files[3], &files[1], &files[0], &files[2]], Path::new("."));
    // All runs one after another in one stream (as `cat part-*` gives them), in another order.
    let stream: Vec<u8> = [&runs[2], &runs[0], &runs[3], &runs[1]].into_iter().flatten().copied().collect();
    let streamed = run_stdin(&["merge", "-"], Path::new("."), &stream);
    for merged in [&forward, &backward, &streamed] {
        assert_eq!(merged.status.code(), Some(2), "{}", String::from_utf8_lossy(&merged.stderr));
        assert_eq!(timeless(lines(merged)), timeless(single.clone()));
    }
    assert_eq!(timeless(lines(&forward)), timeless(lines(&streamed)));
    let s = summary(&lines(&forward)).clone();
    let elapsed: u64 = runs.iter().map(|r| summary(&records(r))["elapsed_ms"].as_u64().unwrap()).sum();
    assert_eq!(s["elapsed_ms"], elapsed, "the merged time is the runs' total");

    // SARIF: one log, the same as one run's (its time aside).
    let sarif_merged =
        run(&["merge", "--format", "sarif", &files[2], &files[0], &files[3], &files[1]], Path::new("."));
    let sarif_single = run(&["check", "--format", "sarif", "--files-from", &list], Path::new("."));
    let untimed = |o: &Output| {
        let mut log: Value = serde_json::from_slice(&o.stdout).unwrap();
        let props = &mut log["runs"][0]["invocations"][0]["properties"];
        assert!(props.as_object_mut().unwrap().remove("elapsedMs").is_some());
        log
    };
    let merged_log = untimed(&sarif_merged);
    assert_eq!(merged_log, untimed(&sarif_single));
    let results = merged_log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), tree.expected.len());
    assert!(results.iter().all(|r| r["partialFingerprints"]["gbcheck/v1"].is_string()));
}

#[test]
fn merge_refuses_runs_that_do_not_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir.path().join("a.txt"), b"bad \xFF\n");
    let b = write(&dir.path().join("b.txt"), b"pua \xAA\xA1\n");
    let saved = |args: &[&str], name: &str| write(&dir.path().join(name), &run(args, Path::new(".")).stdout);
    let ra = saved(&["check", "--format", "jsonl", &a], "ra");
    let rb = saved(&["check", "--format", "jsonl", &b], "rb");
    let rb_gbk = saved(&["check", "--format", "jsonl", "--profile", "gbk", &b], "rb-gbk");
    let rb_ignore = saved(&["check", "--format", "jsonl", "--ignore", "GB007", &b], "rb-ignore");
    let rab = saved(&["check", "--format", "jsonl", &a, &b], "rab");

    let ok = run(&["merge", &ra, &rb], Path::new("."));
    assert_eq!(ok.status.code(), Some(1), "an error finding: status 1 as `check` gives");
    assert_eq!(timeless(lines(&ok)), timeless(records(&fs::read(&rab).unwrap())));

    let refused = |args: &[&str], says: &[&str]| {
        let out = run(args, Path::new("."));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        for words in says {
            assert!(stderr.contains(words), "{args:?}: {stderr}");
        }
    };
    refused(&["merge", &ra, &rb_gbk], &["different settings", "profile", "\"gbk\"", "rb-gbk"]);
    refused(&["merge", &ra, &rb_ignore], &["different settings", "rules"]);
    refused(&["merge", &rab, &rb], &["b.txt", "two runs", "overlap"]);
    // A run cut short (its summary line lost) is refused, as is a file that is not JSON Lines.
    let text = fs::read_to_string(&rab).unwrap();
    let cut = write(&dir.path().join("cut"), text.lines().next().unwrap().as_bytes());
    refused(&["merge", &ra, &cut], &["cut", "no summary"]);
    let empty = write(&dir.path().join("empty"), b"");
    refused(&["merge", &empty], &["no summary"]);
    refused(&["merge", &a], &["a.txt:1", "not a gbcheck JSON Lines record"]);
    refused(&["merge", dir.path().join("missing").to_str().unwrap()], &["cannot read"]);
}
