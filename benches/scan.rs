//! The decode loop on real Chinese prose: the fast scanner, the reference scanner, and
//! encoding_rs decoding the same bytes into a reused buffer as the baseline.
//!
//! Run with `cargo bench --bench scan`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gbcheck::finding::Finding;
use gbcheck::mapping::encode;
use gbcheck::scan::{fast, reference::Reference, scan_gb18030};

/// The classical poems (public domain), encoded as GB 18030 by gbcheck's own encoder and
/// repeated to about 1 MiB.
fn prose_gb18030() -> Vec<u8> {
    let text = include_str!("data/classical-poems.utf8.txt");
    let once: Vec<u8> = text.chars().flat_map(|c| encode(c).as_bytes().to_vec()).collect();
    once.iter().copied().cycle().take(1 << 20).collect()
}

fn bench_prose(c: &mut Criterion) {
    let input = prose_gb18030();
    let mut group = c.benchmark_group("prose-gb18030-1MiB");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("gbcheck-fast-scan", |b| {
        b.iter(|| {
            let mut findings: Vec<Finding> = Vec::new();
            scan_gb18030(black_box(&input), &mut findings);
            findings
        })
    });
    group.bench_function("gbcheck-reference-scan", |b| {
        b.iter(|| {
            let mut findings: Vec<Finding> = Vec::new();
            let mut scanner = Reference::new();
            scanner.feed(black_box(&input), &mut findings);
            scanner.finish(&mut findings);
            findings
        })
    });
    group.bench_function("gbcheck-fast-decode-chars", |b| {
        b.iter(|| {
            let mut events = gbcheck::scan::Events::default();
            let mut scanner = fast::Scanner::new();
            scanner.feed(black_box(&input), &mut events);
            scanner.finish(&mut events);
            events.0.len()
        })
    });
    let mut out = vec![0u8; 64 * 1024 * 3];
    group.bench_function("encoding_rs-decode-64KiB-chunks", |b| {
        b.iter(|| {
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut written_total = 0;
            for chunk in black_box(&input).chunks(64 * 1024) {
                let (_, _, written) = decoder.decode_to_utf8_without_replacement(chunk, &mut out, false);
                written_total += written;
            }
            written_total
        })
    });
    group.finish();
}

criterion_group!(benches, bench_prose);
criterion_main!(benches);
