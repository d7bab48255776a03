//! The decode loop: for each input kind and size, side by side, the byte scan alone (GB001-GB003),
//! the full check with the default rules, and encoding_rs decoding the same bytes into a reused
//! buffer (the baseline).
//!
//! `cargo bench --bench scan` runs everything (several minutes); `cargo bench --bench scan --
//! prose/64KiB` runs one group. Throughput is in bytes of input.

// criterion's macros define public functions without documentation.
#![allow(missing_docs)]

#[path = "baseline.rs"]
mod baseline;
#[path = "inputs.rs"]
mod inputs;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gbcheck::check::{Encoding, FileChecker, Options};
use gbcheck::finding::Finding;
use gbcheck::scan::scan_gb18030;

fn bench(c: &mut Criterion) {
    let options = Options::default();
    let mut out = vec![0u8; 64 * 1024 * 3 + 16];
    for kind in inputs::KINDS {
        for (size_name, size) in inputs::SIZES {
            let input = inputs::make(kind, size);
            let mut group = c.benchmark_group(format!("{kind}/{size_name}"));
            group.throughput(Throughput::Bytes(input.len() as u64));
            if size > 1 << 20 {
                group.sample_size(10);
            }
            group.bench_function(BenchmarkId::from_parameter("byte-scan"), |b| {
                b.iter(|| {
                    let mut findings: Vec<Finding> = Vec::new();
                    scan_gb18030(black_box(&input), &mut findings);
                    findings
                })
            });
            group.bench_function(BenchmarkId::from_parameter("full-check"), |b| {
                b.iter(|| {
                    let mut checker = FileChecker::new(Encoding::Gb18030, &options, 0);
                    checker.feed(black_box(&input));
                    checker.finish()
                })
            });
            group.bench_function(BenchmarkId::from_parameter("encoding_rs"), |b| {
                b.iter(|| baseline::decode_with_encoding_rs(black_box(&input), &mut out))
            });
            group.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
