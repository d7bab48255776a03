//! The fast scanner against the reference, on whole inputs and split into two chunks at a
//! place taken from the input: identical events that tile the input (so every span is in
//! bounds and in order).
#![no_main]

use gbcheck::scan::{fast::Scanner, reference::Reference, Event, Events};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reference = Events::default();
    let mut machine = Reference::new();
    machine.feed(data, &mut reference);
    machine.finish(&mut reference);

    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let mut fast = Events::default();
    let mut scanner = Scanner::new();
    scanner.feed(&data[..split], &mut fast);
    scanner.feed(&data[split..], &mut fast);
    scanner.finish(&mut fast);
    assert_eq!(reference, fast);

    let mut next = 0u64;
    for event in &fast.0 {
        let (start, len) = match *event {
            Event::Char { start, len, .. } => (start, u64::from(len)),
            Event::Finding(f) => (f.span.start, u64::from(f.span.len)),
        };
        assert_eq!(start, next, "events must tile the input");
        next = start + len;
    }
    assert_eq!(next, data.len() as u64);
});
