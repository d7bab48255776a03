//! A finding's fingerprint, for baselines and SARIF's `partialFingerprints`.
//!
//! A fingerprint is a 64-bit FNV-1a hash of the rule, the offending bytes and up to
//! [`CONTEXT_BYTES`] bytes either side on the same line (indentation and line ends trimmed): it
//! stays the same when lines are added or removed above a finding, and changes when the text
//! around it does. It is made from the bytes checked, while they are in memory.
//!
//! ```
//! use gbcheck::finding::Rule;
//! use gbcheck::fingerprint::fingerprint;
//!
//! // The same defect on the same text, one line lower and indented differently.
//! let a = fingerprint(Rule::InvalidSequence, b"x\n  bad \x81 here\n", 0, 8, 9);
//! let b = fingerprint(Rule::InvalidSequence, b"new\nx\n\tbad \x81 here\n", 0, 11, 12);
//! assert_eq!(a, b);
//! ```

use crate::finding::Rule;

/// Bytes of context either side of a finding that go into its fingerprint.
pub const CONTEXT_BYTES: usize = 24;

fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The fingerprint of a finding of `rule` at `start..end`, as 16 hex digits. `window` holds
/// the input's bytes from offset `window_start`: it needs [`CONTEXT_BYTES`] bytes either side of
/// the finding, or to the line's start and end when they are nearer.
pub fn fingerprint(rule: Rule, window: &[u8], window_start: u64, start: u64, end: u64) -> String {
    let at = |offset: u64| (offset.saturating_sub(window_start) as usize).min(window.len());
    let (s, e) = (at(start), at(end));
    let mut before = &window[at(start.saturating_sub(CONTEXT_BYTES as u64))..s];
    if let Some(nl) = before.iter().rposition(|&b| b == b'\n') {
        before = &before[nl + 1..];
    }
    let before = before.trim_ascii_start();
    let mut after = &window[e..at(end + CONTEXT_BYTES as u64)];
    if let Some(nl) = after.iter().position(|&b| b == b'\n') {
        after = &after[..nl];
    }
    let after = after.trim_ascii_end();
    format!("{:016x}", fnv1a(&[rule.id().as_bytes(), &window[s..e], before, after]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_other_lines_and_indentation() {
        let a = b"first line\n  bad \x81 here\nlast";
        let b = b"new line above\nfirst line changed\n\tbad \x81 here\nlast";
        let at_a = 17;
        let pos_b = b.iter().position(|&x| x == 0x81).unwrap() as u64;
        assert_eq!(a[at_a as usize], 0x81);
        let fa = fingerprint(Rule::InvalidSequence, a, 0, at_a, at_a + 1);
        let fb = fingerprint(Rule::InvalidSequence, b, 0, pos_b, pos_b + 1);
        assert_eq!(fa, fb);
        let c = b"first line\n  bad \x81 there\nlast";
        assert_ne!(fa, fingerprint(Rule::InvalidSequence, c, 0, at_a, at_a + 1));
        assert_ne!(fa, fingerprint(Rule::TruncatedSequence, a, 0, at_a, at_a + 1));
        // A window that starts later gives the same answer.
        assert_eq!(fa, fingerprint(Rule::InvalidSequence, &a[5..], 5, at_a, at_a + 1));
    }
}
