//! The UTF-8 scanner against std: every invalid span is where `str::from_utf8` says
//! (`valid_up_to`, `error_len`), whole and fed in two chunks at a place taken from the input.
#![no_main]

use gbcheck::finding::{Finding, Rule};
use gbcheck::scan::utf8::{scan_utf8, Utf8Scanner};
use libfuzzer_sys::fuzz_target;

/// The spans std reports: (start, len, truncated).
fn std_spans(bytes: &[u8]) -> Vec<(u64, u32, bool)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while let Err(e) = std::str::from_utf8(&bytes[i..]) {
        let start = i + e.valid_up_to();
        match e.error_len() {
            Some(len) => {
                spans.push((start as u64, len as u32, false));
                i = start + len;
            }
            None => {
                spans.push((start as u64, (bytes.len() - start) as u32, true));
                break;
            }
        }
    }
    spans
}

fn spans(findings: &[Finding]) -> Vec<(u64, u32, bool)> {
    findings.iter().map(|f| (f.span.start, f.span.len, f.rule == Rule::TruncatedSequence)).collect()
}

fuzz_target!(|data: &[u8]| {
    let expected = std_spans(data);
    let mut whole: Vec<Finding> = Vec::new();
    scan_utf8(data, &mut whole);
    assert_eq!(spans(&whole), expected);
    // Spans inside the input, in order, never overlapping.
    let mut end = 0;
    for f in &whole {
        assert!(f.span.start >= end && f.span.end() <= data.len() as u64, "span {:?}", f.span);
        end = f.span.end();
    }

    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let mut streamed: Vec<Finding> = Vec::new();
    let mut scanner = Utf8Scanner::new();
    scanner.feed(&data[..split], &mut streamed);
    scanner.feed(&data[split..], &mut streamed);
    scanner.finish(&mut streamed);
    assert_eq!(whole, streamed);
});
