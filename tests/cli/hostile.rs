//! Hostile inputs, through the real binary: empty and one-byte files, a 100 MiB line, files
//! of one repeated byte, deep and wide trees, symbolic link loops, a FIFO and `/dev/zero`,
//! file names and contents made to fool a terminal, files that vanish, and configuration
//! files with every wrong type. Each run has its expected exit status and message, ends
//! within a generous timeout, and never prints "panicked".
//!
//! Expected findings come from the byte grammar (docs/gb18030.md, "Byte grammar" and
//! "Malformed input"), from std's UTF-8 validator, or from how the input was built; never from
//! gbcheck's own output.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use crate::support::command;
use crate::support::output::{stderr, stdout};

/// Longer than any of these runs takes on a busy machine; only a hang gets near it.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The shared command ([`command::gbcheck`]) in `dir`, with its output piped: these tests
/// spawn it and wait through [`finish`], which kills a run that hangs.
fn gbcheck(dir: &Path) -> Command {
    let mut command = command::gbcheck();
    command.current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Waits for a started gbcheck, killing it (and failing) after [`TIMEOUT`]; checks that
/// nothing panicked.
fn finish(child: Child, what: &str) -> Output {
    let id = child.id();
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let output = child.wait_with_output();
        let _ = tx.send(());
        output
    });
    if rx.recv_timeout(TIMEOUT).is_err() {
        let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
        panic!("{what}: gbcheck did not finish in {TIMEOUT:?}");
    }
    let output = waiter.join().unwrap().expect("wait for gbcheck");
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains("panicked"), "{what}: gbcheck panicked:\n{text}");
    }
    output
}

/// Runs gbcheck in `dir` with `args`.
fn run(dir: &Path, args: &[&str]) -> Output {
    let child = gbcheck(dir).args(args).spawn().expect("spawn gbcheck");
    finish(child, &args.join(" "))
}

fn status(output: &Output) -> i32 {
    output.status.code().expect("gbcheck exited, not killed by a signal")
}

fn json(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

fn summary(records: &[Value]) -> &Value {
    let last = records.last().expect("a summary record");
    assert_eq!(last["type"], "summary", "the last record is the summary");
    last
}

/// (rule, byte_offset, byte_len) of each finding.
fn spans(records: &[Value]) -> Vec<(String, u64, u64)> {
    of_type(records, "finding")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["byte_offset"].as_u64().unwrap(),
                f["byte_len"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn triple(rule: &str, offset: u64, len: u64) -> (String, u64, u64) {
    (rule.to_string(), offset, len)
}

#[test]
fn an_empty_file_is_checked_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("empty.txt"), b"").unwrap();
    let output = run(dir.path(), &["check", "--format", "jsonl", "empty.txt"]);
    assert_eq!(status(&output), 0);
    let records = json(&output);
    assert_eq!(records.len(), 1, "only the summary: {records:?}");
    let summary = summary(&records);
    assert_eq!(summary["files_checked"], 1);
    assert_eq!(summary["bytes_checked"], 0);
    assert_eq!(summary["findings"], 0);
    let output = run(dir.path(), &["check", "empty.txt"]);
    assert_eq!(status(&output), 0);
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("1 file checked (0 bytes"), "{}", stderr(&output));
}

/// What strict GB 18030 says of a file holding the one byte `b` (docs/gb18030.md, "Malformed
/// input", and GB012 in docs/output.md, "Rules"): `None` for clean.
fn one_byte_expected(b: u8) -> Option<&'static str> {
    match b {
        0x09 | 0x0A | 0x0D | 0x20..=0x7E => None,
        0x00..=0x1F | 0x7F => Some("GB012"),
        // A lone 80 and FF are never valid; a lead cut by the end of input is truncated.
        0x80 | 0xFF => Some("GB001"),
        0x81..=0xFE => Some("GB002"),
    }
}

/// What std's UTF-8 validator says of the one byte `b`, as gbcheck's rules: `error_len`
/// `None` (a sequence cut by the end) is GB002, `Some` is GB001.
fn one_byte_utf8_expected(b: u8) -> Option<&'static str> {
    match std::str::from_utf8(&[b]) {
        Ok(_) => one_byte_expected(b),
        Err(e) if e.error_len().is_none() => Some("GB002"),
        Err(_) => Some("GB001"),
    }
}

#[test]
fn every_one_byte_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("bytes")).unwrap();
    for b in 0..=255u8 {
        fs::write(root.join(format!("bytes/{b:02x}")), [b]).unwrap();
    }
    // All at once, as GB 18030 and as UTF-8, NUL included (--binary), warnings failing.
    for (encoding, expected) in
        [("gb18030", one_byte_expected as fn(u8) -> Option<&'static str>), ("utf-8", one_byte_utf8_expected)]
    {
        let output = run(
            root,
            &[
                "check",
                "--format",
                "jsonl",
                "--binary",
                "--fail-level",
                "warning",
                "--encoding",
                encoding,
                "bytes",
            ],
        );
        assert_eq!(status(&output), 1, "{encoding}");
        let records = json(&output);
        let mut found: Vec<(String, String, u64, u64)> = of_type(&records, "finding")
            .iter()
            .map(|f| {
                let path = f["path"].as_str().unwrap().to_string();
                (
                    path,
                    f["rule"].as_str().unwrap().to_string(),
                    f["byte_offset"].as_u64().unwrap(),
                    f["byte_len"].as_u64().unwrap(),
                )
            })
            .collect();
        found.sort();
        let wanted: Vec<(String, String, u64, u64)> = (0..=255u8)
            .filter_map(|b| expected(b).map(|rule| (format!("bytes/{b:02x}"), rule.to_string(), 0, 1)))
            .collect();
        assert_eq!(found, wanted, "{encoding}");
        for f in of_type(&records, "finding") {
            assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(1), Some(1)), "{f}");
        }
        assert_eq!(summary(&records)["files_checked"], 256, "{encoding}");
    }

    // One run per file with the defaults: the exit status of each, and NUL skipped as binary.
    for b in 0..=255u8 {
        let name = format!("bytes/{b:02x}");
        let output = run(root, &["check", "--format", "jsonl", &name]);
        let records = json(&output);
        let expected_status = i32::from(matches!(one_byte_expected(b), Some("GB001" | "GB002")));
        assert_eq!(status(&output), expected_status, "byte {b:02x}: {records:?}");
        if b == 0 {
            assert_eq!(records[0]["type"], "skipped");
            assert!(records[0]["reason"].as_str().unwrap().contains("binary"), "{records:?}");
            continue;
        }
        let rules: Vec<String> = spans(&records).into_iter().map(|(rule, _, _)| rule).collect();
        assert_eq!(rules, one_byte_expected(b).into_iter().collect::<Vec<_>>(), "byte {b:02x}");
        let finding = of_type(&records, "finding").first().map(|f| f["bytes"].clone());
        if let Some(bytes) = finding {
            assert_eq!(bytes, format!("{b:02x}"));
        }
    }
}

/// Writes `size` bytes of `fill`, then places `patches` (offset, bytes), without holding the
/// file in memory.
fn write_filled(path: &Path, size: usize, fill: u8, patches: &[(usize, &[u8])]) {
    let mut file = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let block = vec![fill; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        file.write_all(&block[..n]).unwrap();
        left -= n;
    }
    let mut file = file.into_inner().unwrap();
    for (offset, bytes) in patches {
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(*offset as u64)).unwrap();
        file.write_all(bytes).unwrap();
    }
}

#[test]
fn a_100_mib_single_line() {
    const SIZE: usize = 100 << 20;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.txt");
    // Letters only (no byte 00-2F: the file cannot be cut into chunks), an FF in the middle,
    // and a lead byte cut by the end of the file.
    let middle = SIZE / 2 + 3;
    write_filled(&path, SIZE, b'x', &[(middle, b"\xFF"), (SIZE - 1, b"\x81")]);

    let output = run(dir.path(), &["check", "--format", "jsonl", "line.txt"]);
    assert_eq!(status(&output), 1);
    let records = json(&output);
    assert_eq!(spans(&records), [triple("GB001", middle as u64, 1), triple("GB002", SIZE as u64 - 1, 1)]);
    let findings = of_type(&records, "finding");
    // One character per byte: the column is the offset plus one, all on line 1.
    for f in &findings {
        assert_eq!(f["line"], 1);
        assert_eq!(f["column"].as_u64().unwrap(), f["byte_offset"].as_u64().unwrap() + 1);
    }
    assert_eq!(summary(&records)["bytes_checked"], SIZE as u64);

    // Human output shows a window of the line around each finding, not 100 MiB of it.
    let output = run(dir.path(), &["check", "--color", "never", "line.txt"]);
    assert_eq!(status(&output), 1);
    let text = stdout(&output);
    assert!(text.len() < 4096, "human output of {} bytes for two findings", text.len());
    assert!(text.contains(&format!("line.txt:1:{}: error[GB001]", middle + 1)), "{text}");
    assert!(text.contains("\\xff"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 200), "a source line is not cut:\n{text}");
}

#[test]
fn human_output_of_a_long_line_with_many_findings() {
    // One line of 1 MiB (read whole, not in chunks) with an FF every 256 bytes: each finding
    // shows a window of the line, and showing it must not cost the whole line each time
    // (it did: 1,024 findings on such a line took minutes; the timeout catches that).
    const SIZE: usize = 1 << 20;
    let dir = tempfile::tempdir().unwrap();
    let patches: Vec<(usize, &[u8])> = (0..SIZE).step_by(256).map(|at| (at + 100, &b"\xFF"[..])).collect();
    write_filled(&dir.path().join("long.txt"), SIZE, b'a', &patches);
    let output = run(dir.path(), &["check", "--color", "never", "long.txt"]);
    assert_eq!(status(&output), 1);
    let text = stdout(&output);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("long.txt:")).collect();
    assert_eq!(headers.len(), SIZE / 256);
    for (i, header) in headers.iter().enumerate() {
        assert!(header.starts_with(&format!("long.txt:1:{}: error[GB001]", i * 256 + 101)), "{header}");
    }
    // Source lines: a window with the FF in it and the cut marked.
    let sources: Vec<&str> = text.lines().filter(|l| l.starts_with("1 | ")).collect();
    assert_eq!(sources.len(), SIZE / 256);
    for line in &sources[1..] {
        assert!(line.contains("\\xff") && line.contains('…'), "{line}");
        assert!(line.chars().count() < 120, "{line}");
    }
}

#[test]
fn a_suppression_at_the_end_of_a_very_long_line() {
    // A file over 16 MiB is read again for its suppression comments a line at a time; its
    // one 20 MiB line must not be held whole, and a directive at its very end still counts.
    const SIZE: usize = 20 << 20;
    let dir = tempfile::tempdir().unwrap();
    let tail = b"\xFF # gbcheck: ignore-line GB001\nb\xFF\n";
    write_filled(&dir.path().join("long.txt"), SIZE, b'a', &[(SIZE - tail.len(), &tail[..])]);
    let output = run(dir.path(), &["check", "--format", "jsonl", "long.txt"]);
    assert_eq!(status(&output), 1);
    let records = json(&output);
    assert_eq!(spans(&records), [triple("GB001", SIZE as u64 - 2, 1)], "only the finding on line 2");
    assert_eq!(summary(&records)["suppressed"], 1);
}

/// Files of one repeated byte. Kept at 1 MiB: a stretch with no byte 00-2F and a finding at
/// every byte (only FF) holds all its findings in memory while it is checked (the known
/// limit in README.md), about 300 MB here.
const REPEATED: usize = 1 << 20;

#[test]
fn files_of_only_ff() {
    let dir = tempfile::tempdir().unwrap();
    write_filled(&dir.path().join("ff"), REPEATED, 0xFF, &[]);
    let output = run(dir.path(), &["check", "--format", "jsonl", "--max-findings", "3", "ff"]);
    assert_eq!(status(&output), 1);
    let records = json(&output);
    // FF is never valid (docs/gb18030.md, "Byte grammar"): one GB001 per byte.
    assert_eq!(spans(&records), [triple("GB001", 0, 1), triple("GB001", 1, 1), triple("GB001", 2, 1)]);
    let columns: Vec<u64> =
        of_type(&records, "finding").iter().map(|f| f["column"].as_u64().unwrap()).collect();
    assert_eq!(columns, [1, 2, 3]);
    let summary = summary(&records);
    assert_eq!(summary["findings"], REPEATED as u64);
    assert_eq!(summary["errors"], REPEATED as u64);
    assert_eq!(summary["findings_by_rule"]["GB001"], REPEATED as u64);

    // Every finding shown, as one line each: the last is at the last byte.
    let output = run(dir.path(), &["check", "--format", "brief", "-q", "ff"]);
    assert_eq!(status(&output), 1);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), REPEATED);
    assert!(
        text.lines().last().unwrap().starts_with(&format!("ff:1:{}: GB001", REPEATED)),
        "{}",
        text.lines().last().unwrap()
    );
}

#[test]
fn files_of_only_nul() {
    let dir = tempfile::tempdir().unwrap();
    write_filled(&dir.path().join("nul"), REPEATED, 0x00, &[]);
    // Binary (a NUL in the first 8 KiB): skipped and said so, not a failure.
    let output = run(dir.path(), &["check", "--format", "jsonl", "nul"]);
    assert_eq!(status(&output), 0);
    let records = json(&output);
    assert_eq!(records[0]["type"], "skipped");
    assert_eq!(summary(&records)["files_skipped"], 1);
    // Checked anyway: every NUL is a control character (GB012, a warning).
    let output = run(dir.path(), &["check", "--format", "jsonl", "--binary", "--max-findings", "2", "nul"]);
    assert_eq!(status(&output), 0, "warnings do not fail by default");
    let records = json(&output);
    assert_eq!(spans(&records), [triple("GB012", 0, 1), triple("GB012", 1, 1)]);
    assert_eq!(summary(&records)["warnings"], REPEATED as u64);
    let output = run(
        dir.path(),
        &["check", "-q", "--binary", "--fail-level", "warning", "--max-findings", "0", "nul"],
    );
    assert_eq!(status(&output), 1);
}

#[test]
fn files_of_only_81() {
    let dir = tempfile::tempdir().unwrap();
    // 81 81 is a two-byte code (lead 81-FE, trail 80-FE), mapped like every two-byte code.
    write_filled(&dir.path().join("even"), REPEATED, 0x81, &[]);
    let output = run(dir.path(), &["check", "--format", "jsonl", "even"]);
    assert_eq!(status(&output), 0, "{}", stdout(&output));
    assert_eq!(summary(&json(&output))["findings"], 0);
    // One more 81 is a lead cut by the end of the file.
    write_filled(&dir.path().join("odd"), REPEATED + 1, 0x81, &[]);
    let output = run(dir.path(), &["check", "--format", "jsonl", "odd"]);
    assert_eq!(status(&output), 1);
    let records = json(&output);
    assert_eq!(spans(&records), [triple("GB002", REPEATED as u64, 1)]);
    assert_eq!(of_type(&records, "finding")[0]["column"], REPEATED as u64 / 2 + 1);
}

#[test]
fn a_thousand_nested_directories() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = PathBuf::from("nest");
    for _ in 0..1000 {
        deep.push("d");
    }
    fs::create_dir_all(dir.path().join(&deep)).unwrap();
    fs::write(dir.path().join(deep.join("deep.txt")), b"ok\n\xFF\n").unwrap();
    let output = run(dir.path(), &["check", "--format", "jsonl", "nest"]);
    assert_eq!(status(&output), 1, "{}", stderr(&output));
    let records = json(&output);
    let findings = of_type(&records, "finding");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], deep.join("deep.txt").to_str().unwrap());
    assert_eq!((findings[0]["line"].as_u64(), findings[0]["column"].as_u64()), (Some(2), Some(1)));
}

#[cfg(unix)]
#[test]
fn a_path_longer_than_the_system_allows_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // 1,100 levels of "dddd/" is 5,500 bytes, over Linux's PATH_MAX (4,096): made one level
    // at a time relative to the one above (mkdirat, openat), as no whole path can name them.
    fs::create_dir(dir.path().join("long")).unwrap();
    deep_chain(&dir.path().join("long"), 1100, b"x\xFF\n");
    let output = run(dir.path(), &["check", "--format", "jsonl", "long"]);
    assert_eq!(status(&output), 2, "{}", stdout(&output));
    let records = json(&output);
    let errors = of_type(&records, "error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["message"].as_str().unwrap().contains("too long"), "{errors:?}");
    assert_eq!(summary(&records)["operational_errors"], 1);
}

/// Makes `levels` nested directories `dddd` under `root` and a file `deep.txt` holding
/// `content` in the last.
#[cfg(unix)]
#[allow(unsafe_code)] // openat/mkdirat chains past PATH_MAX, which std cannot name
fn deep_chain(root: &Path, levels: usize, content: &[u8]) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let root = CString::new(root.as_os_str().as_bytes()).unwrap();
    let (name, file) = (CString::new("dddd").unwrap(), CString::new("deep.txt").unwrap());
    // SAFETY: plain system calls on C strings that live across them, and descriptors this
    // function opens and closes itself.
    unsafe {
        let mut dir = libc::open(root.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        assert!(dir >= 0, "open the root");
        for _ in 0..levels {
            assert_eq!(libc::mkdirat(dir, name.as_ptr(), 0o755), 0, "mkdirat");
            let next = libc::openat(dir, name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
            assert!(next >= 0, "openat");
            libc::close(dir);
            dir = next;
        }
        let fd = libc::openat(dir, file.as_ptr(), libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC, 0o644);
        assert!(fd >= 0, "create deep.txt");
        assert_eq!(libc::write(fd, content.as_ptr().cast(), content.len()), content.len() as isize);
        libc::close(fd);
        libc::close(dir);
    }
}

#[test]
fn a_hundred_thousand_files_in_one_directory() {
    const FILES: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many");
    fs::create_dir(&many).unwrap();
    // Every 997th file holds an FF; made by two threads.
    let bad = |i: usize| i.is_multiple_of(997);
    std::thread::scope(|scope| {
        for part in 0..2 {
            let many = &many;
            scope.spawn(move || {
                for i in (part..FILES).step_by(2) {
                    let content: &[u8] = if bad(i) { b"a\xFF\n" } else { b"ok\n" };
                    fs::write(many.join(format!("f{i:06}.txt")), content).unwrap();
                }
            });
        }
    });
    let output = run(dir.path(), &["check", "--format", "jsonl", "many"]);
    assert_eq!(status(&output), 1, "{}", stderr(&output));
    let records = json(&output);
    let paths: Vec<String> =
        of_type(&records, "finding").iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    let expected: Vec<String> = (0..FILES).filter(|&i| bad(i)).map(|i| format!("many/f{i:06}.txt")).collect();
    assert_eq!(paths, expected, "the files with an FF, in sorted order");
    let summary = summary(&records);
    assert_eq!(summary["files_checked"], FILES as u64);
    assert_eq!(summary["bytes_checked"], 3 * FILES as u64);
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("tree/sub")).unwrap();
    fs::write(root.join("tree/sub/bad.txt"), b"\xFF\n").unwrap();
    symlink("self", root.join("tree/self")).unwrap();
    symlink("b", root.join("tree/a")).unwrap();
    symlink("c", root.join("tree/b")).unwrap();
    symlink("a", root.join("tree/c")).unwrap();
    // Links to directories above: a walk that followed them would never end.
    symlink("..", root.join("tree/sub/up")).unwrap();
    symlink("../..", root.join("tree/sub/upup")).unwrap();
    symlink(root.join("tree"), root.join("tree/sub/absolute")).unwrap();

    let output = run(
        root,
        &["check", "--format", "jsonl", "tree", "tree/self", "tree/self/x", "tree/sub/up/sub/bad.txt"],
    );
    assert_eq!(status(&output), 2);
    let records = json(&output);
    let mut errors: Vec<(String, String)> = of_type(&records, "error")
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
        .collect();
    errors.sort();
    let loop_message = "a symbolic link loop (too many levels of symbolic links)".to_string();
    let expected: Vec<(String, String)> = ["tree/a", "tree/b", "tree/c", "tree/self", "tree/self/x"]
        .iter()
        .map(|p| (p.to_string(), loop_message.clone()))
        .collect();
    assert_eq!(errors, expected, "each loop once (tree/self named and walked is one path)");
    // The file is checked where it is and through the link named on the command line.
    let paths: Vec<&str> = of_type(&records, "finding").iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["tree/sub/bad.txt", "tree/sub/up/sub/bad.txt"]);
    assert_eq!(summary(&records)["files_skipped"], 3, "three links to directories, not followed");
}

#[cfg(unix)]
#[test]
fn a_fifo_and_dev_zero_named_on_the_command_line_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert!(Command::new("mkfifo").arg(root.join("fifo")).status().unwrap().success());
    fs::write(root.join("ok.txt"), b"fine\n").unwrap();
    fs::write(root.join("list"), b"fifo\n/dev/zero\nok.txt\n").unwrap();

    // No writer: opening it to read would block forever; it is never opened.
    let output = run(root, &["check", "--format", "jsonl", "fifo", "/dev/zero", "ok.txt"]);
    assert_eq!(status(&output), 2);
    let records = json(&output);
    let errors: Vec<(&str, &str)> = of_type(&records, "error")
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            ("/dev/zero", "a device, not a regular file: not read"),
            ("fifo", "a named pipe (FIFO), not a regular file: not read"),
        ]
    );
    assert_eq!(summary(&records)["files_checked"], 1, "the regular file is still checked");

    // The same from a list, and in human form: one line each on stderr.
    let output = run(root, &["check", "--files-from", "list"]);
    assert_eq!(status(&output), 2);
    let text = stderr(&output);
    assert!(text.contains("gbcheck: error: fifo: a named pipe (FIFO)"), "{text}");
    assert!(text.contains("gbcheck: error: /dev/zero: a device"), "{text}");

    // A FIFO with a writer that never stops is not read either: the run ends.
    let mut writer = Command::new("sh")
        .arg("-c")
        .arg("exec yes x > fifo")
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let output = run(root, &["check", "-q", "fifo"]);
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains("FIFO"), "{}", stderr(&output));
    // The writer is still blocked opening the FIFO: nobody opened it to read.
    let _ = writer.kill();
    let _ = writer.wait();
}

#[cfg(unix)]
#[test]
fn dev_zero_as_standard_input_is_bounded_by_max_filesize() {
    let dir = tempfile::tempdir().unwrap();
    // An endless stream on standard input: with --max-filesize, at most that much (plus a
    // byte) is read, and the input is skipped as too large.
    let child = gbcheck(dir.path())
        .args(["check", "--format", "jsonl", "--max-filesize", "1M", "-"])
        .stdin(fs::File::open("/dev/zero").unwrap())
        .spawn()
        .unwrap();
    let output = finish(child, "check - < /dev/zero");
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let records = json(&output);
    assert_eq!(records[0]["type"], "skipped");
    assert_eq!(records[0]["path"], "<stdin>");
    assert!(records[0]["reason"].as_str().unwrap().contains("--max-filesize"), "{records:?}");
    // A stream within the limit is checked whole.
    let mut child = gbcheck(dir.path())
        .args(["check", "--format", "jsonl", "--max-filesize", "10", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"0123456\xFF\n").unwrap();
    let output = finish(child, "check - with a short stream");
    assert_eq!(status(&output), 1);
    assert_eq!(spans(&json(&output)), [triple("GB001", 7, 1)]);
}

#[cfg(unix)]
#[test]
fn hostile_file_names_are_exact_in_json_and_escaped_for_people() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("names")).unwrap();
    let names: [&[u8]; 5] = [
        b"gbk-\xD6\xD0\xCE\xC4.txt",                    // GB 18030 bytes: not UTF-8
        b"lone-\xFF-\x80.txt",                          // bytes no encoding has
        b"two\nlines.txt",                              // a newline
        b"esc-\x1b[31mred\x1b[0m.txt",                  // a terminal escape sequence
        "bidi-\u{202e}txt.exe-\u{200b}.txt".as_bytes(), // a BiDi override and a zero-width space
    ];
    for name in names {
        fs::write(root.join("names").join(OsStr::from_bytes(name)), b"\xFF\n").unwrap();
    }
    let output = run(root, &["check", "--format", "jsonl", "names"]);
    assert_eq!(status(&output), 1);
    let records = json(&output);
    let mut exact: Vec<Vec<u8>> = of_type(&records, "finding")
        .iter()
        .map(|f| {
            let engine = base64::engine::general_purpose::STANDARD;
            match f["path_base64"].as_str() {
                Some(b64) => engine.decode(b64).unwrap(),
                None => f["path"].as_str().unwrap().as_bytes().to_vec(),
            }
        })
        .collect();
    exact.sort();
    let mut expected: Vec<Vec<u8>> = names.iter().map(|n| [b"names/", *n].concat()).collect();
    expected.sort();
    assert_eq!(exact, expected, "every name exact, through path_base64 where it is not plain");

    // People see escapes: no raw control, BiDi or zero-width character reaches the terminal.
    for format in ["human", "brief", "github"] {
        let output = run(root, &["check", "--color", "always", "--format", format, "names"]);
        assert_eq!(status(&output), 1, "{format}");
        let text = String::from_utf8_lossy(&output.stdout).into_owned() + &stderr(&output);
        // Colour codes gbcheck writes itself are fine; ones from a name are not.
        assert!(!text.contains("\u{1b}[31mred"), "{format}: a raw escape from a file name:\n{text}");
        assert!(!text.contains('\u{202e}') && !text.contains('\u{200b}'), "{format}: raw BiDi:\n{text}");
        let finding_lines = text.lines().filter(|l| l.contains("GB001")).count();
        assert_eq!(finding_lines, 5, "{format}: one line per finding, a newline in a name escaped:\n{text}");
        assert!(text.contains("\\x1b[31mred"), "{format}:\n{text}");
        assert!(text.contains("\\u{202e}") && text.contains("\\u{200b}"), "{format}:\n{text}");
    }
}

#[test]
fn escapes_bidi_and_zero_width_characters_in_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // One line holding a terminal escape sequence (clear screen), a BiDi override and isolate,
    // zero-width characters, a C1 control, and an invalid byte so that the line is shown.
    let text = "a\u{1b}[2J\u{1b}]0;title\u{7}b \u{202e}evil\u{2066}x\u{2069} z\u{200b}w\u{feff}v \u{85}";
    let mut utf8 = text.as_bytes().to_vec();
    utf8.extend_from_slice(b"\xFF\n");
    fs::write(root.join("utf8.txt"), &utf8).unwrap();
    // The same text in GB 18030 (encoded by encoding_rs), with the same invalid byte.
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    let mut gb = gb.into_owned();
    gb.extend_from_slice(b"\xFF\n");
    fs::write(root.join("gb.txt"), &gb).unwrap();

    for (name, encoding, bytes) in [("utf8.txt", "utf-8", &utf8), ("gb.txt", "gb18030", &gb)] {
        let output = run(root, &["check", "--color", "never", "--encoding", encoding, name]);
        assert_eq!(status(&output), 1, "{name}");
        let shown = stdout(&output);
        for raw in ['\u{1b}', '\u{7}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{feff}', '\u{85}'] {
            assert!(!shown.contains(raw), "{name}: raw {raw:?} in human output:\n{shown}");
        }
        for escaped in
            ["\\x1b[2J", "\\x07", "\\u{202e}evil", "\\u{2066}", "\\u{200b}", "\\u{feff}", "\\u{85}", "\\xff"]
        {
            assert!(shown.contains(escaped), "{name}: {escaped} not shown:\n{shown}");
        }

        // JSON Lines: each control character found where it is, with its exact bytes.
        let output = run(root, &["check", "--format", "jsonl", "--encoding", encoding, name]);
        let records = json(&output);
        let controls: Vec<(u64, String, String)> = of_type(&records, "finding")
            .iter()
            .filter(|f| f["rule"] == "GB012")
            .map(|f| {
                (
                    f["byte_offset"].as_u64().unwrap(),
                    f["bytes"].as_str().unwrap().to_string(),
                    f["char"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // Where each control is, found in the bytes written.
        let mut expected = Vec::new();
        for (c, hex) in [('\u{1b}', "1b"), ('\u{7}', "07")] {
            for (i, _) in bytes.iter().enumerate().filter(|&(_, &b)| b == c as u8) {
                expected.push((i as u64, hex.to_string(), format!("U+{:04X}", c as u32)));
            }
        }
        let c1 = if encoding == "utf-8" {
            vec![0xC2, 0x85]
        } else {
            encoding_rs::GB18030.encode("\u{85}").0.into_owned()
        };
        let at = bytes.windows(c1.len()).position(|w| w == c1).unwrap();
        let c1_hex = c1.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ");
        expected.push((at as u64, c1_hex, "U+0085".to_string()));
        expected.sort();
        assert_eq!(controls, expected, "{name}");
        let raw = stdout(&output);
        assert!(!raw.contains('\u{1b}') && !raw.contains('\u{7}'), "{name}: raw controls in JSON");
    }
}

#[test]
fn files_that_do_not_exist_or_vanish() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("here.txt"), b"\xFF\n").unwrap();
    // Deterministic: a list naming a file that is not there.
    fs::write(root.join("list"), b"here.txt\ngone.txt\n").unwrap();
    let output = run(root, &["check", "--format", "jsonl", "--files-from", "list"]);
    assert_eq!(status(&output), 2);
    let records = json(&output);
    let errors = of_type(&records, "error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "gone.txt");
    assert_eq!(errors[0]["message"], "no such file or directory");
    assert_eq!(spans(&records), [triple("GB001", 0, 1)]);

    // A race: files deleted (last first) while one thread walks and reads them. Whatever the
    // timing, each file is either checked or reported once as gone, and nothing else.
    const FILES: usize = 20_000;
    let tree = root.join("race");
    fs::create_dir(&tree).unwrap();
    for i in 0..FILES {
        fs::write(tree.join(format!("f{i:05}.txt")), b"\xFF\n").unwrap();
    }
    let child = gbcheck(root).args(["check", "--format", "jsonl", "-j", "1", "race"]).spawn().unwrap();
    for i in (0..FILES).rev() {
        let _ = fs::remove_file(tree.join(format!("f{i:05}.txt")));
    }
    let output = finish(child, "check race");
    let records = json(&output);
    let checked = of_type(&records, "finding").len();
    let gone: Vec<&Value> = of_type(&records, "error");
    for e in &gone {
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("vanished") || message == "no such file or directory",
            "unexpected error for a deleted file: {e}"
        );
    }
    let summary = summary(&records);
    assert_eq!(summary["files_checked"], checked as u64, "every file checked had its FF found");
    assert_eq!(summary["operational_errors"], gone.len() as u64);
    assert!(checked + gone.len() <= FILES);
    assert_eq!(status(&output), if gone.is_empty() { i32::from(checked > 0) } else { 2 });
    eprintln!(
        "race: {checked} files checked, {} gone while read, {} gone before the walk saw them",
        gone.len(),
        FILES - checked - gone.len()
    );
}

#[test]
fn config_files_with_every_wrong_type() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("x.txt"), b"ok\n").unwrap();
    // (file text, what the error must name)
    let cases: &[(&str, &str)] = &[
        ("encoding = 1", "encoding"),
        ("encoding = \"latin-1\"", "encoding"),
        ("encoding = [\"utf-8\"]", "encoding"),
        ("encoding = { a = 1 }", "encoding"),
        ("profile = true", "profile"),
        ("profile = \"gb2312\"", "profile"),
        ("level = \"2\"", "level"),
        ("level = 4", "level"),
        ("level = 0", "level"),
        ("level = -1", "level"),
        ("level = 1.5", "level"),
        ("level = 99999999999999999999", "level"),
        ("fail-level = []", "fail-level"),
        ("fail-level = \"fatal\"", "fail-level"),
        ("fail-level = 1979-05-27", "fail-level"),
        ("exclude = \"vendor\"", "exclude"),
        ("exclude = [1]", "exclude"),
        ("exclude = [\"a{\"]", "exclude"),
        ("rules = 1", "rules"),
        ("rules = \"off\"", "rules"),
        ("[rules]\nGB001 = 1", "GB001"),
        ("[rules]\nGB001 = true", "GB001"),
        ("[rules]\nGB001 = \"fatal\"", "GB001"),
        ("[rules]\nGB999 = \"off\"", "GB999"),
        ("[rules]\nno-such-rule = \"off\"", "no-such-rule"),
        ("overrides = 1", "overrides"),
        ("overrides = [1]", "overrides"),
        ("[overrides]\nglob = \"*\"", "overrides"),
        ("[[overrides]]\nlevel = 2", "glob"),
        ("[[overrides]]\nglob = 1", "glob"),
        ("[[overrides]]\nglob = \"a{\"", "glob"),
        ("[[overrides]]\nglob = \"*\"\nlevel = \"x\"", "level"),
        ("[[overrides]]\nglob = \"*\"\nfail-level = \"warning\"", "fail-level"),
        ("[[overrides]]\nglob = \"*\"\n[overrides.rules]\nGB001 = 2", "GB001"),
        ("unknown = 1", "unknown"),
        ("encoding = \"utf-8\"\nencoding = \"gb18030\"", "encoding"),
        ("encoding = ", "gbcheck.toml"),
        ("[rules", "gbcheck.toml"),
    ];
    for (text, names) in cases {
        fs::write(root.join("gbcheck.toml"), text).unwrap();
        let output = run(root, &["check", "x.txt"]);
        let message = stderr(&output);
        assert_eq!(status(&output), 2, "{text:?} was accepted: {message}");
        assert!(message.contains("gbcheck.toml"), "{text:?}: the file is not named: {message}");
        assert!(message.contains(names), "{text:?}: {names} is not named: {message}");
        assert_eq!(stdout(&output), "", "{text:?}: nothing was checked");
        if !text.starts_with("[rules\n") && *names != "gbcheck.toml" {
            assert!(message.contains("gbcheck.toml:"), "{text:?}: no line and column: {message}");
        }
    }

    // Not UTF-8, a directory, and too many overrides.
    fs::write(root.join("gbcheck.toml"), b"encoding = \"\xD6\xD0\"\n").unwrap();
    let output = run(root, &["check", "x.txt"]);
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains("gbcheck.toml"), "{}", stderr(&output));
    fs::remove_file(root.join("gbcheck.toml")).unwrap();
    fs::create_dir(root.join("conf.toml")).unwrap();
    let output = run(root, &["check", "--config", "conf.toml", "x.txt"]);
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains("conf.toml"), "{}", stderr(&output));
    let many: String = (0..65).map(|i| format!("[[overrides]]\nglob = \"f{i}.txt\"\nlevel = 1\n")).collect();
    fs::write(root.join("gbcheck.toml"), many).unwrap();
    let output = run(root, &["check", "x.txt"]);
    assert_eq!(status(&output), 2, "65 overrides accepted (the 65th would be ignored)");
    assert!(stderr(&output).contains("at most 64"), "{}", stderr(&output));
    // A valid file still works.
    fs::write(root.join("gbcheck.toml"), "# nothing\n").unwrap();
    assert_eq!(status(&run(root, &["check", "x.txt"])), 0);
}
