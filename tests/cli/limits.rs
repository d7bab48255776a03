//! The limits of docs/limits.md that can be reached cheaply: offsets and columns past 2^32
//! (a sparse file of 4 GiB and a few bytes: no disk space, but minutes of reading zeros on two
//! cores, so it runs with `GBCHECK_SLOW_TESTS=1` only).

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::process::Stdio;

use serde_json::Value;

use crate::support::command::gbcheck;
use crate::support::slow;

#[test]
fn offsets_and_columns_past_4_gib() {
    if !slow::asked_for("the 4 GiB sparse file") {
        return;
    }
    const FOUR_GIB: u64 = 1 << 32;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let mut file = fs::File::create(&path).unwrap();
    // 2^32 + 16 bytes, all NUL (a hole) except an FF just past 2^32 on the first line, and an
    // FF after an LF.
    file.set_len(FOUR_GIB + 16).unwrap();
    file.seek(SeekFrom::Start(FOUR_GIB + 5)).unwrap();
    file.write_all(b"\xFF").unwrap();
    file.seek(SeekFrom::Start(FOUR_GIB + 10)).unwrap();
    file.write_all(b"\n\xFF").unwrap();
    drop(file);
    // NUL is a control character: only GB001 is asked for, so that 2^32 NULs are not
    // 2^32 findings; --binary because the file starts with NUL.
    let output = gbcheck()
        .args([
            "check",
            "--format",
            "jsonl",
            "--binary",
            "--encoding",
            "gb18030",
            "--select",
            "GB001",
            "big.bin",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let records: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let findings: Vec<(u64, u64, u64)> = records
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| {
            (r["byte_offset"].as_u64().unwrap(), r["line"].as_u64().unwrap(), r["column"].as_u64().unwrap())
        })
        .collect();
    // Every byte before the first FF is one character of line 1.
    assert_eq!(findings, [(FOUR_GIB + 5, 1, FOUR_GIB + 6), (FOUR_GIB + 11, 2, 1)]);
    assert_eq!(records.last().unwrap()["bytes_checked"], FOUR_GIB + 16);
}
