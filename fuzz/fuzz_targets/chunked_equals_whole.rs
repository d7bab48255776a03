//! The full check (every default rule, both encodings) of an input in one piece against the
//! same input cut into pieces just after bytes 00-2F and checked apart, as big files are:
//! identical findings, every span inside the input and in byte order. The first input byte
//! picks the encoding and how many cuts to make.
#![no_main]

use gbcheck::check::{Encoding, FileChecker, Options};
use libfuzzer_sys::fuzz_target;

fn check(pieces: &[(usize, &[u8])], encoding: Encoding) -> Vec<gbcheck::finding::Finding> {
    let options = Options::default();
    let mut findings = Vec::new();
    for &(offset, piece) in pieces {
        let mut checker = FileChecker::new(encoding, &options, offset as u64);
        checker.feed(piece);
        findings.extend(checker.finish().findings);
    }
    findings
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else { return };
    let encoding = if control & 1 == 0 { Encoding::Gb18030 } else { Encoding::Utf8 };
    let every = usize::from(control >> 1) + 1;
    let whole = check(&[(0, input)], encoding);
    // Every span inside the input, findings in byte order.
    for f in &whole {
        assert!(f.span.end() <= input.len() as u64, "span {:?} past the end ({})", f.span, input.len());
    }
    assert!(whole.windows(2).all(|w| w[0].span.start <= w[1].span.start), "findings out of order");
    // Cut after every `every`-th byte 00-2F.
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut seen = 0;
    for (i, &b) in input.iter().enumerate() {
        if b <= 0x2F {
            seen += 1;
            if seen % every == 0 {
                pieces.push((start, &input[start..=i]));
                start = i + 1;
            }
        }
    }
    pieces.push((start, &input[start..]));
    assert_eq!(whole, check(&pieces, encoding));
});
