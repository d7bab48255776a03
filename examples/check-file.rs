//! Checks one file with the library alone (GB 18030, default rules, or only the byte scan with
//! `--scan`) and prints the counts: a small, stable program to profile the decode loop with
//! callgrind, apart from the command line's I/O and threads.
//!
//! `cargo run --release --example check-file -- [--scan] FILE`

use gbcheck::check::{Encoding, FileChecker, Options};
use gbcheck::finding::Finding;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scan_only = args.iter().any(|a| a == "--scan");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: check-file [--scan] FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("check-file: {path}: {e}");
        std::process::exit(2);
    });
    if scan_only {
        let mut findings: Vec<Finding> = Vec::new();
        gbcheck::scan::scan_gb18030(&bytes, &mut findings);
        println!("{} byte-level findings in {} bytes", findings.len(), bytes.len());
    } else {
        let mut checker = FileChecker::new(Encoding::Gb18030, &Options::default(), 0);
        checker.feed(&bytes);
        let report = checker.finish();
        println!("{:?} in {} bytes", report.counts, bytes.len());
    }
}
