//! The roads of issue 23, in process, on 1 MiB of prose: each mode beside its baseline, so
//! that criterion's report gives the ratios the whole-program table (`benches/roads.sh`) gives.
//!
//! - `roads/utf8`: the full check of UTF-8 prose (as `--encoding utf-8` and as `auto`) beside
//!   simdutf8's validation of the same bytes;
//! - `roads/profiles`: the full check of GB 18030 prose under each profile beside the default;
//! - `roads/levels`: the full check with `--level 1`, `2`, `3` beside the default;
//! - `roads/convert`: `convert_bytes` both ways beside encoding_rs decoding and encoding.
//!
//! The prose is the bench inputs' without U+00A0 (which GBK and the levels report on every
//! line: that would time the findings, not the check). Start-up has no in-process row: it is
//! the process's (`benches/roads.sh`).
//!
//! `cargo bench --bench roads` runs all; `cargo bench --bench roads -- roads/utf8` one group.

// criterion's macros define public functions without documentation.
#![allow(missing_docs)]

#[path = "inputs.rs"]
#[allow(dead_code)] // shared with benches/scan.rs, which uses the rest
mod inputs;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gbcheck::check::{check_bytes, EncodingChoice, Options};
use gbcheck::convert::{convert_bytes, Bom};
use gbcheck::encoding::Encoding;
use gbcheck::profile::Profile;
use gbcheck::rules::RuleSet;

const SIZE: usize = 1 << 20;

/// The prose as UTF-8 text, U+00A0 made a space.
fn prose() -> String {
    let gb = inputs::make("prose", SIZE);
    let (text, _, _) = encoding_rs::GB18030.decode(&gb);
    text.replace('\u{A0}', " ")
}

fn check_with(encoding: EncodingChoice, rules: RuleSet) -> Options {
    Options { encoding, rules, ..Options::default() }
}

fn utf8(c: &mut Criterion, text: &str) {
    let bytes = text.as_bytes();
    let mut group = c.benchmark_group("roads/utf8");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("simdutf8", |b| b.iter(|| simdutf8::basic::from_utf8(black_box(bytes)).is_ok()));
    for (name, choice) in [("check-utf-8", EncodingChoice::Utf8), ("check-auto", EncodingChoice::Auto)] {
        let options = check_with(choice, RuleSet::default());
        group.bench_function(name, |b| b.iter(|| check_bytes(black_box(bytes), &options)));
    }
    group.finish();
}

fn profiles(c: &mut Criterion, gb: &[u8]) {
    let mut group = c.benchmark_group("roads/profiles");
    group.throughput(Throughput::Bytes(gb.len() as u64));
    for profile in Profile::ALL {
        let options = check_with(EncodingChoice::Gb18030, RuleSet::new(profile));
        group.bench_function(profile.name(), |b| b.iter(|| check_bytes(black_box(gb), &options)));
    }
    group.finish();
}

fn levels(c: &mut Criterion, gb: &[u8]) {
    let mut group = c.benchmark_group("roads/levels");
    group.throughput(Throughput::Bytes(gb.len() as u64));
    for level in [None, Some(1), Some(2), Some(3)] {
        let mut rules = RuleSet::default();
        rules.level = level;
        let options = check_with(EncodingChoice::Gb18030, rules);
        let name = level.map_or("default".to_string(), |l| format!("level-{l}"));
        group.bench_function(name, |b| b.iter(|| check_bytes(black_box(gb), &options)));
    }
    group.finish();
}

fn convert(c: &mut Criterion, text: &str, gb: &[u8]) {
    let mut group = c.benchmark_group("roads/convert");
    group.throughput(Throughput::Bytes(gb.len() as u64));
    let profile = Profile::default();
    group.bench_function("gb18030-to-utf8", |b| {
        b.iter(|| convert_bytes(black_box(gb), Encoding::Gb18030, Encoding::Utf8, profile, Bom::Drop))
    });
    group.bench_function("encoding_rs-decode", |b| b.iter(|| encoding_rs::GB18030.decode(black_box(gb))));
    group.bench_function("utf8-to-gb18030", |b| {
        b.iter(|| {
            convert_bytes(black_box(text.as_bytes()), Encoding::Utf8, Encoding::Gb18030, profile, Bom::Drop)
        })
    });
    group.bench_function("encoding_rs-encode", |b| b.iter(|| encoding_rs::GB18030.encode(black_box(text))));
    group.finish();
}

fn bench(c: &mut Criterion) {
    let text = prose();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    utf8(c, &text);
    profiles(c, &gb);
    levels(c, &gb);
    convert(c, &text, &gb);
}

criterion_group!(benches, bench);
criterion_main!(benches);
