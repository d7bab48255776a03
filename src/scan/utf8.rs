//! UTF-8 input: std's validator gives the spans (`Utf8Error::error_len`), so invalid UTF-8 is
//! reported exactly where Rust itself would reject it.

use super::Visitor;
use crate::finding::{Cause, Finding, Rule};

/// Scans a whole UTF-8 input: GB001 for each invalid span, GB002 for a sequence cut by the end.
pub fn scan_utf8<V: Visitor>(bytes: &[u8], visitor: &mut V) {
    let mut i = 0;
    loop {
        let rest = &bytes[i..];
        let (valid, error) = match std::str::from_utf8(rest) {
            Ok(text) => (text, None),
            Err(e) => {
                let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                (valid, Some(e))
            }
        };
        if V::WANTS_CHARS {
            for (j, c) in valid.char_indices() {
                visitor.char((i + j) as u64, c.len_utf8() as u8, c);
            }
        }
        let Some(error) = error else { return };
        let start = i + error.valid_up_to();
        match error.error_len() {
            Some(len) => {
                visitor.finding(Finding::bytes(
                    Rule::InvalidSequence,
                    start as u64,
                    len as u32,
                    Cause::InvalidUtf8,
                ));
                i = start + len;
            }
            None => {
                let len = (bytes.len() - start) as u32;
                visitor.finding(Finding::bytes(Rule::TruncatedSequence, start as u64, len, Cause::Truncated));
                return;
            }
        }
    }
}
