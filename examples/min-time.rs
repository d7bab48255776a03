//! The fastest of many passes over each bench input, for the byte scan, the full check and
//! encoding_rs: on a shared machine the minimum is the pass that ran undisturbed, where
//! criterion's median moves with the load. Run it once per vector path (`GBCHECK_SIMD`) and
//! compare the ratios to encoding_rs.
//!
//! `cargo run --release --example min-time -- DIR [PASSES] [KIB]` reads `DIR/KIND.gb18030.txt`
//! (made by `bench-inputs`) and times its first `KIB` KiB (default 1024) `PASSES` times
//! (default 200).

#[path = "../benches/baseline.rs"]
mod baseline;

use gbcheck::check::{Encoding, FileChecker, Options};
use gbcheck::finding::Finding;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: min-time DIR [PASSES] [KIB]");
        std::process::exit(2);
    };
    let passes: usize = args.get(1).map_or(200, |n| n.parse().expect("PASSES is a number"));
    let kib: usize = args.get(2).map_or(1024, |n| n.parse().expect("KIB is a number"));
    println!("vector path: {}", gbcheck::scan::vector_path());
    println!(
        "{:<14} {:>10} {:>10} {:>10} {:>8} {:>8}",
        "input", "scan MB/s", "full MB/s", "e_rs MB/s", "scan/e", "full/e"
    );
    let options = Options::default();
    let mut out = vec![0u8; 64 * 1024 * 3 + 16];
    for kind in ["ascii", "prose", "markup", "four-byte", "prose-invalid"] {
        let path = format!("{dir}/{kind}.gb18030.txt");
        let mut input = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        input.truncate(kib * 1024);
        let scan = fastest(passes, || {
            let mut findings: Vec<Finding> = Vec::new();
            gbcheck::scan::scan_gb18030(black_box(&input), &mut findings);
            findings.len()
        });
        let full = fastest(passes, || {
            let mut checker = FileChecker::new(Encoding::Gb18030, &options, 0);
            checker.feed(black_box(&input));
            checker.finish().counts.findings
        });
        let base = fastest(passes, || baseline::decode_with_encoding_rs(black_box(&input), &mut out));
        let speed = |t: Duration| input.len() as f64 / t.as_secs_f64() / 1e6;
        println!(
            "{kind:<14} {:>10.0} {:>10.0} {:>10.0} {:>7.2}x {:>7.2}x",
            speed(scan),
            speed(full),
            speed(base),
            base.as_secs_f64() / scan.as_secs_f64(),
            base.as_secs_f64() / full.as_secs_f64()
        );
    }
}

/// The shortest of `passes` runs of `work`.
fn fastest<T>(passes: usize, mut work: impl FnMut() -> T) -> Duration {
    (0..passes)
        .map(|_| {
            let start = Instant::now();
            black_box(work());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}
