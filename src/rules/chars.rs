//! Properties of single characters and codes, as the rules of the contract define them.

use crate::scan::tables::LEVEL_RANGES;

/// GB012: C0 controls other than TAB, LF and CR; DEL; C1 controls. NUL is a C0 control.
#[inline]
pub const fn is_reported_control(c: char) -> bool {
    matches!(c, '\0'..='\u{08}' | '\u{0B}' | '\u{0C}' | '\u{0E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
}

pub use crate::scan::grammar::is_reported_control_byte;

/// GB007: the Private Use Areas (U+E000-U+F8FF, planes 15 and 16).
#[inline]
pub const fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
}

/// GB014: the 15 codes removed from the GB 18030-2022 repertoire (`docs/gb18030.md`,
/// "Editions"). Their codes still decode everywhere.
pub const REMOVED_CODES: [[u8; 2]; 15] = [
    [0xFE, 0x51],
    [0xFE, 0x52],
    [0xFE, 0x53],
    [0xFE, 0x6C],
    [0xFE, 0x76],
    [0xFE, 0x91],
    [0xFD, 0x9C],
    [0xFD, 0x9D],
    [0xFD, 0x9E],
    [0xFD, 0x9F],
    [0xFD, 0xA0],
    [0xFE, 0x40],
    [0xFE, 0x41],
    [0xFE, 0x47],
    [0xFE, 0x49],
];

/// Whether a strict GB 18030-2022 code is one of [`REMOVED_CODES`].
#[inline]
pub fn is_removed_code(bytes: &[u8]) -> bool {
    bytes.len() == 2 && REMOVED_CODES.iter().any(|code| code == bytes)
}

/// The lowest GB 18030-2022 implementation level a scalar belongs to, or `None` when it is in
/// no level (scripts added to Unicode after 11.0, the four-byte minority scripts, ...).
pub fn level_of(c: char) -> Option<u8> {
    let scalar = u32::from(c);
    let i = LEVEL_RANGES.partition_point(|&(first, _, _)| first <= scalar);
    let (first, last, level) = *LEVEL_RANGES.get(i.checked_sub(1)?)?;
    (first..=last).contains(&scalar).then_some(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_standard_text() {
        // docs/gb18030.md, "Implementation levels": ASCII and Ext A are level 1; Ext B is
        // level 3 except the 36 ideographs of the general standard table; Ext G (U+30000) is
        // in no level.
        assert_eq!(level_of('A'), Some(1));
        assert_eq!(level_of('\u{3400}'), Some(1));
        assert_eq!(level_of('\u{4DB5}'), Some(1));
        assert_eq!(level_of('\u{9FA6}'), Some(1));
        assert_eq!(level_of('\u{20000}'), Some(3));
        assert_eq!(level_of('\u{2F00}'), Some(3));
        assert_eq!(level_of('\u{30000}'), None);
        assert_eq!(level_of('\u{4DB6}'), None);
    }

    #[test]
    fn controls() {
        assert!(is_reported_control('\0') && is_reported_control('\u{1B}') && is_reported_control('\u{85}'));
        assert!(!is_reported_control('\t') && !is_reported_control('\n') && !is_reported_control('\r'));
        for b in 0..=0x7Fu8 {
            assert_eq!(is_reported_control_byte(b), is_reported_control(char::from(b)));
        }
    }
}
