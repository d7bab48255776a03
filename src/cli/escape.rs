//! Making text from files safe to show on a terminal.
//!
//! Bytes from a checked file never reach the terminal raw: control characters, escape
//! sequences, BiDi controls and invisible characters are shown as escapes (`\x1b`,
//! `\u{202e}`), and malformed bytes as `\x81`.

use std::fmt::Write as _;

/// Whether a character must be shown escaped rather than as itself.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidirectional formatting characters: can reorder what a reader sees.
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Zero-width and other invisible characters, and line/paragraph separators.
            | '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200D}'
            | '\u{2028}' | '\u{2029}' | '\u{2060}'..='\u{2064}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            // Tag characters and variation selectors: invisible on their own.
            | '\u{E0000}'..='\u{E007F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
        )
}

/// Appends `c` to `out`, escaped when it needs to be.
pub fn push_char(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
    } else if (c as u32) < 0x80 {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    }
}

/// Appends raw bytes as `\x81` escapes.
pub fn push_bytes(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "\\x{b:02x}");
    }
}

/// A whole string, escaped (for paths and other text that may hold anything).
pub fn escape_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_char(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_are_escaped() {
        assert_eq!(escape_str("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(escape_str("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape_str("\u{200b}"), "\\u{200b}");
        assert_eq!(escape_str("\u{85}"), "\\u{85}");
        assert_eq!(escape_str("中文 ok"), "中文 ok");
    }
}
