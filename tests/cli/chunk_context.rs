//! What a big file's findings show is what the whole file's show, wherever the chunk cuts
//! fall: the source line before a finding just after a cut (a cut right after the only
//! space in a long line of CJK text), in every format; and a GB008 finding's human line.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::command::{run, run_stdin};

/// Standard output without what differs from run to run (times) or by how the input was
/// named (`<stdin>` for `path`).
fn stable(format: &str, output: &Output, path: &str) -> String {
    let text = String::from_utf8(output.stdout.clone()).expect("UTF-8 output");
    match format {
        "jsonl" => text
            .lines()
            .filter(|line| !line.contains(r#""type":"summary""#))
            .map(|line| line.replace(r#""path":"<stdin>""#, &format!(r#""path":"{path}""#)) + "\n")
            .collect(),
        "sarif" => {
            let mut log: Value = serde_json::from_str(&text).expect("one JSON document");
            for invocation in log["runs"][0]["invocations"].as_array_mut().unwrap() {
                invocation["properties"].as_object_mut().unwrap().remove("elapsedMs");
            }
            serde_json::to_string_pretty(&log["runs"][0]["results"]).unwrap()
        }
        _ => text.replace("<stdin>", path),
    }
}

const FORMATS: [&str; 5] = ["human", "jsonl", "brief", "github", "sarif"];

/// Checks `name` in every format whole and in chunks of each size, and from standard input,
/// and asserts the same output.
fn assert_same_at_every_cut(dir: &Path, name: &str, sizes: &[&str]) {
    let bytes = fs::read(dir.join(name)).unwrap();
    for format in FORMATS {
        let base = ["check", "--format", format, "--color", "never"];
        let whole = run(&[&base[..], &["--chunk-size", "64M", name]].concat(), dir);
        assert_eq!(whole.status.code(), Some(1), "{}", String::from_utf8_lossy(&whole.stderr));
        let expected = stable(format, &whole, name);
        assert!(!expected.is_empty());
        let from_stdin = run_stdin(&[&base[..], &["-"]].concat(), dir, &bytes);
        if format != "sarif" {
            // (SARIF names standard input by no artifact location: compared in chunks only.)
            assert_eq!(stable(format, &from_stdin, name), expected, "{name} from standard input, {format}");
        }
        for size in sizes {
            let mut args = base.to_vec();
            if !size.is_empty() {
                args.extend(["--chunk-size", size]);
            }
            args.push(name);
            let chunked = run(&args, dir);
            let got = stable(format, &chunked, name);
            if got != expected {
                let first = got.lines().zip(expected.lines()).position(|(a, b)| a != b);
                panic!(
                    "{name} --format {format} --chunk-size {size:?}: differs at line {first:?}\n\
                     chunked: {:?}\nwhole:   {:?}",
                    first.and_then(|i| got.lines().nth(i)),
                    first.and_then(|i| expected.lines().nth(i)),
                );
            }
        }
    }
}

/// The file of issue 21 item 10: 2,500 x "中文", a space and 0x80, 2,500 x "中文", LF, 1 MiB of
/// `x`. The first chunk (16 KiB at first) is cut just after the space, its only byte 00-2F:
/// the 0x80 starts the second chunk, and its source line used to show nothing before it.
#[test]
fn the_line_before_a_finding_just_after_a_cut_is_shown_as_in_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let half_utf8 = "中文".repeat(2500).into_bytes();
    let half_gb18030 = b"\xD6\xD0\xCE\xC4".repeat(2500);
    for (name, half) in [("utf8.txt", &half_utf8), ("gb18030.txt", &half_gb18030)] {
        let mut bytes = half.clone();
        bytes.extend_from_slice(b" \x80");
        bytes.extend_from_slice(half);
        bytes.push(b'\n');
        bytes.extend(std::iter::repeat_n(b'x', 1 << 20));
        fs::write(dir.path().join(name), &bytes).unwrap();
        let space = half.len();
        // The cut exactly after the space, just before it (the chunk then holds no byte 00-2F:
        // a stretch), and elsewhere; "" is the default chunk size.
        let after_space = (space + 1).to_string();
        let before_space = space.to_string();
        let sizes = ["", after_space.as_str(), before_space.as_str(), "7919", "4K", "1025", "600"];
        assert_same_at_every_cut(dir.path(), name, &sizes);
    }
    // The human snippet shows the text before the 0x80 (not a line starting at it).
    let output = run(&["check", "--encoding", "utf-8", "--color", "never", "utf8.txt"], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 | …中文中文中文中文中文中文中文中文 \\x80中文"), "{stdout}");
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Small files of long runs of CJK text (no byte 00-2F) with few spaces and line feeds and
/// defects among them, in both encodings, checked in chunks of random sizes: human and JSON
/// Lines output as of the whole file.
#[test]
fn random_cuts_in_long_cjk_lines_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for round in 0..12 {
        let utf8 = round % 2 == 0;
        let cjk: &[u8] = if utf8 { "中文字".as_bytes() } else { b"\xD6\xD0\xCE\xC4\xD7\xD6" };
        let parts: [&[u8]; 6] = [b" ", b"\n", b"\x80", b"\xFF", b" \x80", b"a,b"];
        let mut bytes = Vec::new();
        while bytes.len() < 6000 {
            for _ in 0..rng.below(400) {
                bytes.extend_from_slice(cjk);
            }
            bytes.extend_from_slice(parts[rng.below(parts.len())]);
        }
        let name = format!("r{round}.txt");
        fs::write(dir.path().join(&name), &bytes).unwrap();
        for format in ["human", "jsonl"] {
            let base = ["check", "--format", format, "--color", "never"];
            let whole = run(&[&base[..], &["--chunk-size", "64M", &name]].concat(), dir.path());
            let expected = stable(format, &whole, &name);
            for _ in 0..4 {
                let size = (16 + rng.below(3000)).to_string();
                let chunked = run(&[&base[..], &["--chunk-size", &size, &name]].concat(), dir.path());
                let got = stable(format, &chunked, &name);
                assert!(got == expected, "{name} --format {format} --chunk-size {size}: output differs");
            }
        }
    }
}

/// GB008 is about the whole file: it has no bytes, and its human line lists none.
#[test]
fn a_wrong_encoding_finding_lists_no_bytes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("small.txt"), "中文\n".as_bytes()).unwrap();
    fs::write(dir.path().join("big.txt"), "中文\n".repeat(100_000).as_bytes()).unwrap();
    for (name, chunk) in [("small.txt", "1M"), ("big.txt", "4K")] {
        let output = run(
            &["check", "--encoding", "gb18030", "--color", "never", "--chunk-size", chunk, name],
            dir.path(),
        );
        assert_eq!(output.status.code(), Some(1));
        let stdout = String::from_utf8(output.stdout).unwrap();
        let first = stdout.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "{name}:1:1: error[GB008] wrong-encoding: the file must be GB 18030 but it is valid \
                 UTF-8 (first non-ASCII byte at 0); convert it with `gbcheck convert --to gb18030`, \
                 or check it with `--encoding utf-8` (at byte 0)"
            )
        );
    }
}
