//! Crash safety of `gbcheck convert --in-place`, with real processes: an in-place conversion
//! of a large file is killed with SIGKILL at random moments. Afterwards the file must be
//! either the original or the complete conversion, never anything else. A killed run leaves
//! at most its own temporary file, which gbcheck never removes (it cannot prove that no other
//! process owns it), and a rerun leaves none of its own.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::support::command::gbcheck;

/// A small xorshift generator: the moments are random, and the seed is printed to replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".gbcheck-tmp-"))
        .collect()
}

fn convert_in_place(dir: &Path) -> Command {
    let mut command = gbcheck();
    command
        .args(["convert", "--to", "utf-8", "--in-place", "big.txt"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn kill_9_at_random_moments_leaves_the_original_or_the_conversion() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    // About 24 MiB of GB 18030: lines of CJK ideographs as two-byte codes (lead B0-D7, trail
    // A1-FE: GB2312 level 1, all assigned), plus a four-byte code per line. The expected
    // conversion comes from encoding_rs, not from gbcheck.
    let mut original = Vec::with_capacity(25 << 20);
    let mut i = 0u32;
    while original.len() < 24 << 20 {
        for _ in 0..40 {
            original.push(0xB0 + (i % 40) as u8);
            original.push(0xA1 + (i % 94) as u8);
            i = i.wrapping_mul(7).wrapping_add(3);
        }
        original.extend_from_slice(b"\x81\x30\x81\x30 line\n");
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&original);
    assert!(!had_errors);
    let converted = text.as_bytes().to_vec();
    drop(text);

    // How long one whole conversion takes, to spread the kills over it.
    fs::write(&path, &original).unwrap();
    let started = Instant::now();
    assert!(convert_in_place(dir.path()).status().unwrap().success());
    let full = started.elapsed();
    assert!(fs::read(&path).unwrap() == converted, "the complete conversion differs from encoding_rs");

    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    eprintln!("seed {seed}, one conversion takes {full:?}");
    let mut rng = Rng(seed);
    let (mut originals, mut conversions, mut mid_write) = (0, 0, 0);
    for round in 0..24 {
        fs::write(&path, &original).unwrap();
        // A moment anywhere from the start to well past the usual end.
        let delay = full.mul_f64((rng.next() % 1000) as f64 / 1000.0 * 1.4);
        let mut child = convert_in_place(dir.path()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let killed_left = temp_files(dir.path());
        assert!(killed_left.len() <= 1, "round {round}: more than one temporary file: {killed_left:?}");
        mid_write += killed_left.len();
        let now = fs::read(&path).unwrap();
        if now == original {
            originals += 1;
        } else if now == converted {
            conversions += 1;
        } else {
            panic!("round {round} (seed {seed}, killed after {delay:?}): the file is neither the original nor the conversion");
        }
        // A rerun (`--from auto`: a converted file is seen to be UTF-8 already) finishes the
        // work or finds it done, leaves the dead process's temporary file alone, and leaves
        // none of its own.
        let rerun = convert_in_place(dir.path()).status().unwrap();
        assert!(rerun.success(), "round {round}: rerun failed");
        assert!(fs::read(&path).unwrap() == converted, "round {round}: rerun did not convert");
        let left = temp_files(dir.path());
        assert_eq!(left, killed_left, "round {round} (seed {seed}): temporary files left");
        // What the user does with a killed run's file: remove it by hand.
        for name in left {
            fs::remove_file(dir.path().join(name)).unwrap();
        }
    }
    eprintln!(
        "killed 24 times: {originals} left the original, {conversions} the conversion; \
         {mid_write} left a temporary file (killed while writing)"
    );
    // With kills spread over the run, both outcomes occur (a weak check that the kills hit
    // during the work, not only before or after it).
    assert!(originals > 0, "no kill happened before the rename");
}
