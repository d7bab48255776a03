//! Big inputs, run through the real binary: a file checked in chunks (the hidden
//! `--chunk-size` makes chunks of a few bytes, so that small generated files have hundreds of
//! cuts) gives exactly the output of a whole-file check, in every format and encoding; files
//! whose size changes while read are errors; `--stats`, the summary's added keys, the
//! progress bar's rules, and streaming output.
//!
//! The 4 GiB memory measurement is not a test: `benches/bigfile.sh` makes the file and runs
//! `/usr/bin/time -v` (figures in `benches/README.md`).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::command::{gbcheck, run};
use crate::support::records::records as json_lines;

/// A small deterministic generator (xorshift), so that failures can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// GB 18030 text with every kind of defect, placed at random, so that with chunks of a few
/// dozen bytes defects fall on every side of every cut: invalid and truncated sequences,
/// a lead byte before LF, reserved four-byte codes, private use, controls, mojibake runs
/// (UTF-8 read as GBK), long lines, CRLF, and stretches with no byte 00-2F at all.
fn gb18030_text(rng: &mut Rng, pieces: usize) -> Vec<u8> {
    let parts: &[&[u8]] = &[
        b"\xD6\xD0\xCE\xC4",                 // 中文
        b"\xB0\xD7\xC8\xD5\xD2\xC0\xC9\xBD", // 白日依山
        b"\n",
        b"\r\n",
        b" ",
        b"plain ascii words",
        b"\xFF",
        b"\x80",
        b"\x81",
        b"\x81\x30",
        b"\x81\x30\x41",
        b"\x84\x31\xA4\x40",
        b"\x84\x31\xA5\x30",         // reserved four-byte code
        b"\xAA\xA1",                 // private use
        b"\x1B[0m",                  // a control character
        b"\xE4\xBD\xA0\xE5\xA5\xBD", // 你好 as UTF-8: read as GBK it is mojibake (浣犲ソ)
        b"\xE4\xB8\xAD\xE6\x96\x87\xE6\xB5\x8B\xE8\xAF\x95",
        b"\x81\x39\xEE\x39", // a four-byte code
        b"\x95\x32\x82\x36", // U+20000, four bytes
    ];
    let mut out = Vec::new();
    for _ in 0..pieces {
        let roll = rng.below(100);
        if roll < 3 {
            // A stretch without any byte 00-2F: the chunk cannot be cut inside it.
            for _ in 0..rng.below(60) {
                out.extend_from_slice(b"\xD6\xD0");
            }
        } else {
            out.extend_from_slice(parts[rng.below(parts.len())]);
        }
    }
    out
}

/// UTF-8 text with defects: invalid bytes, truncated sequences, private use, controls, BOMs.
fn utf8_text(rng: &mut Rng, pieces: usize) -> Vec<u8> {
    let parts: &[&[u8]] = &[
        "中文测试".as_bytes(),
        "白日依山尽，黄河入海流。".as_bytes(),
        b"\n",
        b" ",
        b"ascii",
        "\u{E000}".as_bytes(),
        "\u{FEFF}".as_bytes(),
        "\u{FFFD}".as_bytes(),
        b"\x1B",
        b"\xFF",
        b"\xE4\xB8",
        "𠀀".as_bytes(),
        "æµ£çŠ²ã‚½".as_bytes(),
    ];
    let mut out = Vec::new();
    if rng.below(2) == 0 {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    for _ in 0..pieces {
        out.extend_from_slice(parts[rng.below(parts.len())]);
    }
    out
}

/// The output without what differs from run to run (elapsed time and throughput).
fn stable(format: &str, stdout: &[u8], stderr: &[u8]) -> String {
    let mut text = String::new();
    match format {
        "jsonl" => {
            for mut record in json_lines(stdout) {
                if record["type"] == "summary" {
                    let object = record.as_object_mut().unwrap();
                    for key in ["elapsed_ms", "bytes_per_second", "files_per_second"] {
                        assert!(object.remove(key).is_some(), "summary lacks {key}");
                    }
                }
                text.push_str(&record.to_string());
                text.push('\n');
            }
        }
        _ => {
            text.push_str(&String::from_utf8_lossy(stdout));
            let stderr = String::from_utf8_lossy(stderr);
            for line in stderr.lines() {
                // "1 file checked (1.2 KiB in 3 ms): ..." : drop the time.
                let line = match (line.find(" in "), line.find(" ms)")) {
                    (Some(a), Some(b)) if a < b => format!("{}{}", &line[..a], &line[b + 3..]),
                    _ => line.to_string(),
                };
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
    text
}

/// Runs gbcheck on `file` whole and in chunks of each size, and asserts equal output.
fn assert_chunked_equals_whole(dir: &Path, file: &str, encodings: &[&str]) {
    for encoding in encodings {
        for format in ["jsonl", "human"] {
            let args = ["check", "--format", format, "--encoding", encoding, "--color", "never", file];
            let whole = run(&args, dir);
            assert!(matches!(whole.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&whole.stderr));
            let expected = stable(format, &whole.stdout, &whole.stderr);
            if format == "jsonl" {
                check_lines_independently(&fs::read(dir.join(file)).unwrap(), &whole.stdout);
            }
            for chunk in ["16", "61", "64", "100", "257", "1000"] {
                let mut chunked_args = args.to_vec();
                chunked_args.extend(["--chunk-size", chunk]);
                for threads in ["1", "3"] {
                    let mut with_threads = chunked_args.clone();
                    with_threads.extend(["-j", threads]);
                    let chunked = run(&with_threads, dir);
                    assert_eq!(chunked.status.code(), whole.status.code());
                    let got = stable(format, &chunked.stdout, &chunked.stderr);
                    if got != expected {
                        let first = got.lines().zip(expected.lines()).position(|(a, b)| a != b);
                        panic!(
                            "{file} --encoding {encoding} --format {format} --chunk-size {chunk} -j {threads}: \
                             output differs from the whole-file check at line {first:?}\n\
                             chunked: {:?}\nwhole:   {:?}",
                            first.and_then(|i| got.lines().nth(i)),
                            first.and_then(|i| expected.lines().nth(i)),
                        );
                    }
                }
            }
        }
    }
}

/// Every finding's line is one more than the LFs before its offset, and a finding just after
/// an LF is in column 1: checked from the bytes, not from gbcheck.
fn check_lines_independently(bytes: &[u8], stdout: &[u8]) {
    for record in json_lines(stdout).iter().filter(|r| r["type"] == "finding") {
        let offset = record["byte_offset"].as_u64().unwrap() as usize;
        let newlines = bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(record["line"].as_u64(), Some(newlines + 1), "{record}");
        if offset == 0 || bytes[offset - 1] == b'\n' {
            assert_eq!(record["column"].as_u64(), Some(1), "{record}");
        }
    }
}

#[test]
fn chunked_gb18030_equals_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=6u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let name = format!("gb{seed}.txt");
        let mut text = gb18030_text(&mut rng, 400);
        if seed % 2 == 0 {
            // Truncated at the very end: GB002 in the last chunk.
            text.extend_from_slice(b"\x81\x30\x81");
        }
        fs::write(dir.path().join(&name), text).unwrap();
        assert_chunked_equals_whole(dir.path(), &name, &["auto", "gb18030", "utf-8"]);
    }
}

#[test]
fn chunked_utf8_equals_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=4u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let name = format!("u{seed}.txt");
        fs::write(dir.path().join(&name), utf8_text(&mut rng, 300)).unwrap();
        assert_chunked_equals_whole(dir.path(), &name, &["auto", "utf-8", "gb18030"]);
    }
}

#[test]
fn chunked_wrong_encoding_and_clean_files_equal_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    // Valid UTF-8 Chinese: auto takes it as UTF-8; --encoding gb18030 gives a single GB008.
    fs::write(dir.path().join("utf8.txt"), "第一行\n白日依山尽，黄河入海流。\n".repeat(40)).unwrap();
    // Clean GB 18030: --encoding utf-8 gives a single GB008 (the pre-pass reads it all).
    let gb: Vec<u8> = b"\xB0\xD7\xC8\xD5\xD2\xC0\xC9\xBD\xBE\xA1\n".repeat(60);
    fs::write(dir.path().join("gb.txt"), gb).unwrap();
    // All ASCII, and a UTF-8 file whose first non-ASCII byte comes late (after many chunks).
    fs::write(dir.path().join("ascii.txt"), "plain text line\n".repeat(100)).unwrap();
    let mut late = "ascii only here\n".repeat(100).into_bytes();
    late.extend_from_slice("然后是中文\n".as_bytes());
    fs::write(dir.path().join("late.txt"), late).unwrap();
    for file in ["utf8.txt", "gb.txt", "ascii.txt", "late.txt"] {
        assert_chunked_equals_whole(dir.path(), file, &["auto", "gb18030", "utf-8"]);
    }
}

/// A stretch with no byte 00-2F longer than a chunk cannot be cut: it is checked as one
/// stream and located by a second read, with the same output as a whole-file check.
#[test]
fn stretches_that_cannot_be_cut_equal_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"first line\n".to_vec();
    // Eight thousand characters with no byte 00-2F (longer than the stretch's first 4 KiB,
    // shown from its start), defects among them, then more lines.
    for i in 0..8000 {
        text.extend_from_slice(match i % 97 {
            13 => b"\xFF",
            50 => b"\xAA\xA1",
            77 => b"\x81\x81",
            _ => b"\xD6\xD0",
        });
    }
    text.extend_from_slice(b"\x1b tail\n\xB0\xA1\xFF\n");
    text.extend_from_slice(&b"\xE4\xBD\xA0\xE5\xA5\xBD".repeat(300)); // mojibake, no 00-2F
    text.extend_from_slice(b"\x81");
    fs::write(dir.path().join("stretch.txt"), text).unwrap();
    assert_chunked_equals_whole(dir.path(), "stretch.txt", &["auto", "gb18030"]);
}

/// A stretch with no byte 00-2F and a finding at every byte is reported as it is read: the
/// process stays small however many findings it holds (all of them were once kept until the
/// stretch ended: gigabytes for a few million).
#[cfg(target_os = "linux")]
#[test]
fn a_dense_stretch_is_checked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let size = 16 << 20;
    fs::write(dir.path().join("ff.bin"), vec![0xFF; size]).unwrap();
    let args =
        ["check", "--format", "jsonl", "--encoding", "gb18030", "--binary", "--max-findings", "3", "ff.bin"];
    let output = run(&args, dir.path());
    assert_eq!(output.status.code(), Some(1));
    let records = json_lines(&output.stdout);
    let summary = records.last().unwrap();
    assert_eq!(summary["findings"].as_u64(), Some(size as u64), "{summary}");
    assert_eq!(summary["findings_by_rule"]["GB001"].as_u64(), Some(size as u64));
    let offsets: Vec<u64> = records
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| r["byte_offset"].as_u64().unwrap())
        .collect();
    assert_eq!(offsets, [0, 1, 2]);
    // The peak is measured from a small process of its own (`gate::peak_rss`): spawned from
    // this test binary, which holds other tests' data, gbcheck's peak would count theirs.
    let (code, peak) = crate::gate::peak_rss(&args, dir.path());
    assert_eq!(code, Some(1));
    let peak_kib = peak / 1024;
    assert!(peak_kib < 256 * 1024, "peak memory {peak_kib} KiB for a 16 MiB stretch");
}

/// With the default chunk size, chunks start small, grow while findings are sparse and shrink
/// where they are dense; the output is still that of a whole-file check.
#[test]
fn adaptive_chunks_of_a_multi_megabyte_file_equal_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    let mut rng = Rng(1234);
    while text.len() < 3 << 20 {
        if rng.below(10) == 0 {
            // A dense stretch: UTF-8 read as GB 18030, findings every few bytes.
            for _ in 0..2000 {
                text.extend_from_slice("中文测试，白日依山尽\n".as_bytes());
            }
        } else {
            for _ in 0..5000 {
                text.extend_from_slice(b"\xD6\xD0\xCE\xC4 plain line\n");
            }
            text.extend_from_slice(b"\xFF\n");
        }
    }
    fs::write(dir.path().join("big.txt"), &text).unwrap();
    let args = ["check", "--format", "jsonl", "--encoding", "gb18030", "big.txt"];
    let chunked = run(&args, dir.path());
    let whole = run(&[&args[..], &["--chunk-size", "1G"]].concat(), dir.path());
    let (chunked, whole) = (stable("jsonl", &chunked.stdout, b""), stable("jsonl", &whole.stdout, b""));
    assert!(chunked.lines().count() > 10_000);
    assert!(chunked == whole, "chunked output differs from the whole-file check");
}

/// A big file's findings are held while its chunks are checked, and when no chunk holds a
/// directive's marker the filter is told the file has no suppression comments (instead of
/// reading it again). A directive in the first or the last chunk, one on a line with a
/// finding, more findings than are held, or none at all: each must give what the whole-file
/// check gives, and hide exactly the findings its text says.
#[test]
fn suppressions_of_a_chunked_file_equal_those_of_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    // (lines with a GB001 finding, the directive and the line it goes on, findings hidden)
    let cases: &[(usize, &[u8], usize, usize)] = &[
        (50, b"", 0, 0),
        (50, b"# gbcheck: ignore-file GB001\n", 50, 50),
        (50, b"/* gbcheck: ignore-file */\n", 0, 50),
        (50, b"\xFF <!-- gbcheck: ignore-line GB001 -->\n", 25, 1),
        (50, b"# gbcheck: ignore-file GB007\n", 50, 0),
        (50, b"# gbcheck: ignore-next-line GB001\n", 25, 1),
        (50, b"\xFF // gbcheck: ignore-next-line\n", 50, 0),
        (12_000, b"", 0, 0),
        (12_000, b"# gbcheck: ignore-file GB001\n", 12_000, 12_000),
    ];
    for &(lines, directive, at, hidden) in cases {
        let mut text = Vec::new();
        for i in 0..=lines {
            if i == at {
                text.extend_from_slice(directive);
            }
            if i < lines {
                text.extend_from_slice(format!("line {i} ").as_bytes());
                text.extend_from_slice(b"\xD6\xD0 \xFF\n");
            }
        }
        // The ignore-line directive's own line has a finding too.
        let findings = lines + usize::from(directive.starts_with(b"\xFF"));
        fs::write(dir.path().join("f.txt"), &text).unwrap();
        let args = ["check", "--format", "jsonl", "--encoding", "gb18030", "f.txt"];
        let whole = run(&[&args[..], &["--chunk-size", "1G"]].concat(), dir.path());
        let expected = stable("jsonl", &whole.stdout, b"");
        let summary = json_lines(&whole.stdout).pop().unwrap();
        let case = String::from_utf8_lossy(directive);
        assert_eq!(summary["suppressed"], hidden as u64, "{case}");
        assert_eq!(summary["findings"], (findings - hidden) as u64, "{case}");
        // Small files are cut at every size from 16 to 80 bytes, so that a cut falls at
        // each place in the directive's line.
        let sizes: Vec<String> = if lines < 100 {
            (16..=80).map(|n| n.to_string()).collect()
        } else {
            vec!["64".into(), "4096".into()]
        };
        for chunk in &sizes {
            for threads in ["1", "2"] {
                let chunked = run(&[&args[..], &["--chunk-size", chunk, "-j", threads]].concat(), dir.path());
                assert_eq!(chunked.status.code(), whole.status.code(), "{case}");
                let got = stable("jsonl", &chunked.stdout, b"");
                assert!(got == expected, "{case} at {lines} lines, --chunk-size {chunk} -j {threads}");
            }
        }
    }
}

#[test]
fn max_findings_counts_and_rules_match_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(77);
    fs::write(dir.path().join("f.txt"), gb18030_text(&mut rng, 500)).unwrap();
    let whole = run(&["check", "--format", "jsonl", "--max-findings", "7", "f.txt"], dir.path());
    let chunked = run(
        &["check", "--format", "jsonl", "--max-findings", "7", "--chunk-size", "50", "f.txt"],
        dir.path(),
    );
    let (whole, chunked) = (json_lines(&whole.stdout), json_lines(&chunked.stdout));
    assert_eq!(whole.iter().filter(|r| r["type"] == "finding").count(), 7);
    assert_eq!(whole[..7], chunked[..7]);
    let (a, b) = (whole.last().unwrap(), chunked.last().unwrap());
    for key in ["findings", "errors", "warnings", "findings_by_rule", "bytes_checked"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    // Counts by rule cover every finding, shown or not.
    let by_rule: u64 = a["findings_by_rule"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_rule, a["findings"].as_u64().unwrap());
    assert!(by_rule > 7);
}

#[test]
fn a_binary_big_file_is_skipped_by_its_first_8_kib() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"text\n".repeat(100);
    bytes[300] = 0;
    fs::write(dir.path().join("blob"), &bytes).unwrap();
    let output = run(&["check", "--format", "jsonl", "--chunk-size", "64", "blob"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let records = json_lines(&output.stdout);
    assert_eq!(records[0]["type"], "skipped");
    assert_eq!(records.last().unwrap()["files_skipped"], 1);
}

/// `/sys` files say 4096 bytes and hold fewer; `/proc` files say 0 bytes and hold more. Both
/// are real files whose length changes between `fstat` and the end of the read.
#[test]
fn files_that_shrink_or_grow_while_read_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), b"\xFF\n").unwrap();
    let shrinking = "/sys/kernel/mm/transparent_hugepage/enabled";
    let growing = "/proc/self/status";
    let sys_ok =
        fs::metadata(shrinking).is_ok_and(|m| m.len() > fs::read(shrinking).map_or(0, |b| b.len()) as u64);
    let proc_ok = fs::metadata(growing).is_ok_and(|m| m.len() == 0);
    if !sys_ok || !proc_ok {
        eprintln!("skipped: this system has no /sys or /proc file whose size changes when read");
        return;
    }
    for chunk in ["1M", "16"] {
        let output = run(
            &["check", "--format", "jsonl", "--chunk-size", chunk, shrinking, growing, "good.txt"],
            dir.path(),
        );
        assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
        let records = json_lines(&output.stdout);
        let error_of = |path: &str| {
            records
                .iter()
                .find(|r| r["type"] == "error" && r["path"] == path)
                .unwrap_or_else(|| panic!("no error for {path}: {records:?}"))["message"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert!(error_of(shrinking).contains("shrank while it was read"), "{}", error_of(shrinking));
        assert!(error_of(growing).contains("grew while it was read"), "{}", error_of(growing));
        // The scan went on.
        assert!(records.iter().any(|r| r["type"] == "finding" && r["path"] == "good.txt"));
        assert_eq!(records.last().unwrap()["operational_errors"], 2);
    }
    // Human format: one line each on stderr.
    let output = run(&["check", shrinking], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.lines().any(|l| l.starts_with("gbcheck: error: ") && l.contains("shrank")), "{stderr}");
}

#[test]
fn stats_give_files_bytes_findings_by_rule_and_throughput() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"\xFF\xAA\xA1\n").unwrap(); // GB001, GB007
    fs::write(dir.path().join("b.txt"), b"\xFF\n").unwrap(); // GB001
    fs::write(dir.path().join("c.bin"), b"\x00\x01").unwrap(); // binary: skipped
    let output = run(&["check", "--stats", "--color", "never", "."], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "files checked",
        "files skipped",
        "1 binary",
        "bytes checked",
        "GB001 invalid-sequence",
        "GB007 private-use",
        "elapsed",
        "throughput",
    ] {
        assert!(stderr.contains(expected), "no {expected:?} in:\n{stderr}");
    }
    let line = |key: &str| stderr.lines().find(|l| l.trim_start().starts_with(key)).unwrap().to_string();
    assert!(line("files checked").ends_with(" 2"), "{stderr}");
    assert!(line("GB001").ends_with(" 2"), "{stderr}");
    assert!(line("bytes checked").contains("(6 bytes)"), "{stderr}");

    let output = run(&["check", "--format", "jsonl", "."], dir.path());
    let summary = json_lines(&output.stdout).pop().unwrap();
    assert_eq!(summary["files_checked"], 2);
    assert_eq!(summary["files_skipped"], 1);
    assert_eq!(summary["bytes_checked"], 6);
    assert_eq!(summary["findings_by_rule"], serde_json::json!({"GB001": 2, "GB007": 1}));
    assert!(summary["bytes_per_second"].is_u64() && summary["files_per_second"].is_u64());
}

/// Output streams: the findings of a file are written while a later input (standard input,
/// which comes last and is held open here) is still being read.
#[test]
fn output_streams_before_the_scan_ends() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"\xFF\n").unwrap();
    let mut child = gbcheck()
        .args(["check", "--format", "jsonl", "-", "a.txt"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("\"path\":\"a.txt\""), "{first}");
    // Only now does standard input end.
    stdin.write_all(b"\xFF").unwrap();
    drop(stdin);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(rest[0].contains("<stdin>"), "{rest:?}");
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// The walk's threads check the files they find, and each outcome waits in its entry until
/// the file's turn to be reported. A tree checked that way must report exactly what the same
/// files give when named in `--files-from` (named files are checked in turn, never by the
/// walk): findings, errors and totals, at one, two and eight threads, with a config file's
/// per-glob override, big files in chunks (which the walk leaves to be checked in turn) and
/// binary files (which only a named file reports as skipped: those records are set aside).
#[test]
fn files_checked_by_the_walk_report_as_files_checked_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5EED_0004);
    let mut listed = String::new();
    for d in ["a", "b/x", "b/y", "c"] {
        fs::create_dir_all(dir.path().join(d)).unwrap();
        for f in 0..40 {
            let name = format!("{d}/f{f:02}.txt");
            let bytes = match f {
                7 => b"text\0with a NUL\xFF".to_vec(),
                // Bigger than the chunk size given below.
                13 => gb18030_text(&mut rng, 3000),
                _ => {
                    let pieces = 1 + rng.below(200);
                    gb18030_text(&mut rng, pieces)
                }
            };
            fs::write(dir.path().join(&name), bytes).unwrap();
            listed.push_str(&format!("./{name}\n"));
        }
    }
    fs::write(dir.path().join("gbcheck.toml"), "[[overrides]]\nglob = \"b/x/**\"\nprofile = \"gbk\"\n")
        .unwrap();
    listed.push_str("./gbcheck.toml\n");
    // The list lies outside the tree, so that both runs see the same tree (an --exclude
    // would be counted in the summary's `ignored`).
    let elsewhere = tempfile::tempdir().unwrap();
    let list = elsewhere.path().join("list");
    fs::write(&list, &listed).unwrap();
    let list = list.to_str().unwrap();
    let checked = |args: &[&str]| -> (String, usize) {
        let output = run(
            &[&["check", "--format", "jsonl", "--exit-zero", "--chunk-size", "8192"], args].concat(),
            dir.path(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let text = stable("jsonl", &output.stdout, &output.stderr);
        let kept: Vec<&str> = text.lines().filter(|line| !line.contains(r#""type":"skipped""#)).collect();
        (kept.join("\n"), kept.len())
    };
    for threads in ["1", "2", "8"] {
        let (walked, records) = checked(&["-j", threads, "."]);
        let (named, _) = checked(&["-j", threads, "--files-from", list]);
        assert_eq!(walked, named, "-j {threads}");
        // Findings in most files, and the override in effect (gbk judges b/x by another table).
        assert!(records > 500, "{records} records");
        let (no_override, _) = checked(&["-j", threads, "--no-config", "."]);
        assert_ne!(walked, no_override);
    }
}

/// Jobs run ahead of their turn (by the workers, or by the walk's threads) hold few big
/// files open (at most 16): 600 files bigger than a chunk are all checked under a limit of 64
/// open files.
/// (Holding each one open until its turn failed them past the limit with "too many open
/// files", as a tree of big documents would under the usual limit of 1,024.)
#[test]
fn big_files_found_ahead_of_their_turn_are_not_held_open() {
    let dir = tempfile::tempdir().unwrap();
    let text = "白日依山尽，黄河入海流。\n".repeat(100);
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&text);
    let mut listed = String::new();
    for i in 0..600 {
        fs::write(dir.path().join(format!("f{i:03}.txt")), &gb18030).unwrap();
        listed.push_str(&format!("f{i:03}.txt\n"));
    }
    fs::write(dir.path().join("list"), listed).unwrap();
    for inputs in [&["--exclude", "list", "."][..], &["--files-from", "list"]] {
        for threads in ["1", "2"] {
            let output = Command::new("sh")
                .args(["-c", "ulimit -n 64 && exec \"$0\" \"$@\""])
                .arg(env!("CARGO_BIN_EXE_gbcheck"))
                .args(["check", "--format", "jsonl", "--chunk-size", "1024", "-j", threads])
                .args(inputs)
                .current_dir(dir.path())
                .output()
                .unwrap();
            let records = json_lines(&output.stdout);
            let summary = records.last().unwrap();
            let what = format!("{inputs:?} -j {threads}: {}", String::from_utf8_lossy(&output.stderr));
            assert_eq!(summary["files_checked"], 600, "{what}");
            assert_eq!(summary["operational_errors"], 0, "{what}");
            assert_eq!(summary["bytes_checked"], 600 * gb18030.len(), "{what}");
            assert_eq!(output.status.code(), Some(0), "{what}");
        }
    }
}

/// The bar is for people watching a terminal: never in a pipe, never with CI=true. On a
/// terminal (a pseudo-terminal made by `script`), it appears once the run takes a second.
#[test]
fn progress_bar_only_on_a_terminal_outside_ci() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"ok\n").unwrap();
    // A pipe: no bar even when the run is slow (standard input held open 1.5 s).
    let started = Instant::now();
    let mut child = gbcheck()
        .args(["check", "a.txt", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\r'), "{stderr:?}");

    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped the terminal half: no `script` command to make a pseudo-terminal");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_gbcheck");
    let shell = format!("sleep 2.5 | {bin} check a.txt -");
    let on_terminal = |ci: Option<&str>| {
        let mut command = Command::new("script");
        command.args(["-qec", &shell, "/dev/null"]).current_dir(dir.path()).env("TERM", "xterm");
        match ci {
            Some(value) => command.env("CI", value),
            None => command.env_remove("CI"),
        };
        let output = command.stdin(Stdio::null()).output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let shown = on_terminal(None);
    assert!(shown.contains("files,"), "no progress bar on a terminal: {shown:?}");
    let in_ci = on_terminal(Some("true"));
    assert!(!in_ci.contains("files,"), "a progress bar in CI: {in_ci:?}");
    assert!(in_ci.contains("1 file checked") || in_ci.contains("2 files checked"), "{in_ci:?}");
}

/// `-j N` is the number of threads in the run, all of which check: with one, the main thread
/// reads, checks and reports; with more, the main thread checks between reports, beside
/// N - 1 workers (no thread only waits).
#[test]
fn threads_are_as_many_as_asked() {
    for (threads, expected) in [("1", 1..=1), ("2", 2..=2), ("3", 3..=3)] {
        // Standard input held open: the run waits on it, and its threads can be counted.
        let mut child = gbcheck()
            .args(["check", "-j", threads, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let tasks = format!("/proc/{}/task", child.id());
        // The pool starts its threads at once, but not necessarily before the first look.
        let started = Instant::now();
        let mut count = 0;
        while started.elapsed() < Duration::from_secs(30) {
            count = fs::read_dir(&tasks).unwrap().count();
            if count >= *expected.start() {
                std::thread::sleep(Duration::from_millis(100));
                count = fs::read_dir(&tasks).unwrap().count();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.stdin.take().unwrap().write_all("白日依山尽\n".as_bytes()).unwrap();
        assert!(child.wait().unwrap().success());
        assert!(expected.contains(&count), "-j {threads}: {count} threads");
    }
}

/// Under the GBK and WHATWG profiles a lone `80` is the euro sign, so GB 18030 text holding
/// one is clean GB 18030, and `--encoding utf-8` gives it a single GB008, big or small: the
/// decision is the one detector's, whatever the size (a big file's pre-pass once counted the
/// `80` as a defect and checked the file as UTF-8).
#[test]
fn a_big_file_with_a_euro_sign_gets_the_whole_files_gb008() {
    let dir = tempfile::tempdir().unwrap();
    // "白日依山尽 €" in GBK as the WHATWG Encoding Standard decodes it (its gbk decoder maps a
    // lone 80 to U+20AC; Python's "gbk" codec does not).
    let gbk: Vec<u8> = b"\xB0\xD7\xC8\xD5\xD2\xC0\xC9\xBD\xBE\xA1 \x80\n".repeat(60);
    fs::write(dir.path().join("euro.txt"), gbk).unwrap();
    for profile in ["gbk", "whatwg"] {
        let args = ["check", "--format", "jsonl", "--encoding", "utf-8", "--profile", profile, "euro.txt"];
        let whole = run(&args, dir.path());
        let rules: Vec<String> = json_lines(&whole.stdout)
            .iter()
            .filter(|r| r["type"] == "finding")
            .map(|r| r["rule"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(rules, ["GB008"], "{profile}: {}", String::from_utf8_lossy(&whole.stdout));
        let expected = stable("jsonl", &whole.stdout, &whole.stderr);
        for chunk in ["16", "100"] {
            let chunked = run(&[&args[..], &["--chunk-size", chunk]].concat(), dir.path());
            assert_eq!(
                stable("jsonl", &chunked.stdout, &chunked.stderr),
                expected,
                "{profile} --chunk-size {chunk}"
            );
        }
    }
}

/// A big file is opened once, whatever the run needs of it: its encoding (the pre-pass),
/// its chunks, its suppression comments and its fingerprints (SARIF, `--baseline`) all come
/// through the one handle (the filter once opened it again for its comments and for the text
/// around each finding, and the job that found it big closed it for the runner to open it
/// again). Counted with strace: the calls that open it.
#[test]
fn a_big_file_is_opened_once() {
    if !crate::support::slow::strace_works() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // GB 18030 lines ("中文", D6 D0 CE C4), a lone 81 on every tenth, and one suppressed.
    let mut text = Vec::new();
    for i in 0..300 {
        let line: &[u8] = match i {
            150 => b"x \x81 // gbcheck: ignore-line",
            _ if i % 10 == 0 => b"\xD6\xD0\xCE\xC4 \x81 line",
            _ => b"\xD6\xD0\xCE\xC4 line",
        };
        text.extend_from_slice(line);
        text.extend_from_slice(format!(" {i}\n").as_bytes());
    }
    fs::write(dir.path().join("big.txt"), &text).unwrap();
    let common = ["check", "--encoding", "gb18030", "--chunk-size", "64"];
    let written = run(&[&common[..], &["--write-baseline", "B", "big.txt"]].concat(), dir.path());
    assert_eq!(written.status.code(), Some(0), "{}", String::from_utf8_lossy(&written.stderr));
    // One new finding after the baseline was written.
    fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("big.txt"))
        .unwrap()
        .write_all(b"tail \x81\n")
        .unwrap();
    // Named, and found by the walk (whose threads check what they find in the run's first
    // second), with a pool and without.
    for (input, threads) in [("big.txt", "2"), ("big.txt", "1"), (".", "2"), (".", "1")] {
        let log = tempfile::NamedTempFile::new().unwrap();
        let output = Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=openat,open", "-o"])
            .arg(log.path())
            .arg(env!("CARGO_BIN_EXE_gbcheck"))
            .args(common)
            .args(["--format", "sarif", "--baseline", "B", "--exclude", "B", "-j", threads, input])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let what = format!("{input} -j {threads}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(1), "{what}");
        // The new finding alone: the others are in the baseline, the suppressed one was not
        // recorded and stays suppressed.
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let region =
            |r: &serde_json::Value| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64();
        let lines: Vec<u64> = results.iter().map(|r| region(r).unwrap()).collect();
        assert_eq!(lines, [301], "{what}");
        assert!(results[0]["partialFingerprints"]["gbcheck/v1"].is_string(), "{what}");
        let trace = fs::read_to_string(log.path()).unwrap();
        let opens: Vec<&str> = trace.lines().filter(|line| line.contains("big.txt\"")).collect();
        assert_eq!(opens.len(), 1, "{what}: {opens:#?}");
    }
}

/// Fingerprints are made from the bytes in hand (a chunk and its context, a stretch's kept
/// bytes): in SARIF they are those of a whole-file check, at every cut and in a stretch with
/// no byte 00-2F.
#[test]
fn chunked_fingerprints_equal_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = gb18030_text(&mut rng, 300);
    // A stretch longer than the chunks, with defects, at a line's end and start.
    for i in 0..3000 {
        text.extend_from_slice(if i % 97 == 13 { b"\xFF" } else { b"\xD6\xD0" });
    }
    text.extend_from_slice(b"\n  \x81 after\n");
    fs::write(dir.path().join("f.txt"), text).unwrap();
    let fingerprints = |chunk: Option<&str>| {
        let mut args = vec!["check", "--format", "sarif", "--encoding", "gb18030", "f.txt"];
        args.extend(chunk.iter().flat_map(|c| ["--chunk-size", *c]));
        let output = run(&args, dir.path());
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
        results
            .iter()
            .map(|r| r["partialFingerprints"]["gbcheck/v1"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let whole = fingerprints(None);
    assert!(whole.len() > 100, "{}", whole.len());
    for chunk in ["16", "61", "257", "1000"] {
        assert_eq!(fingerprints(Some(chunk)), whole, "--chunk-size {chunk}");
    }
}
