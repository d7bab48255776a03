//! The GB 18030 byte grammar (`docs/gb18030.md`, "Byte grammar" and "Four-byte codes"): byte
//! classes and pointer arithmetic. One source of truth, shared by both scanners; the same in
//! the 2000, 2005 and 2022 editions.

/// `81-FE`: the first byte of every two- and four-byte code.
#[inline(always)]
pub const fn is_lead(b: u8) -> bool {
    matches!(b, 0x81..=0xFE)
}

/// `40-7E` or `80-FE`: the second byte of a two-byte code.
#[inline(always)]
pub const fn is_two_byte_trail(b: u8) -> bool {
    matches!(b, 0x40..=0x7E | 0x80..=0xFE)
}

/// `30-39`: the second and fourth bytes of a four-byte code.
#[inline(always)]
pub const fn is_digit(b: u8) -> bool {
    matches!(b, 0x30..=0x39)
}

/// The control bytes GB012 reports: C0 other than TAB, LF and CR, and DEL. The scanners can
/// stop ASCII runs at them (see `Visitor::STOP_AT_CONTROLS`).
#[inline(always)]
pub const fn is_reported_control_byte(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F
}

/// For each byte, its index as the trail of a two-byte code (`0..190`), or `0xFF` when it
/// cannot be one: the trail check and the pointer arithmetic in one lookup.
pub static TRAIL_INDEX: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut b = 0x40;
    while b <= 0xFE {
        if b != 0x7F {
            table[b] = if b < 0x7F { b - 0x40 } else { b - 0x41 } as u8;
        }
        b += 1;
    }
    table
};

/// Number of two-byte codes: 126 leads times 190 trails.
pub const TWO_BYTE_COUNT: usize = 23_940;

/// The two-byte pointer `0..23940` of a lead and a trail (both already valid).
#[inline(always)]
pub const fn two_byte_pointer(lead: u8, trail: u8) -> usize {
    let trail_index = if trail < 0x7F { trail - 0x40 } else { trail - 0x41 };
    (lead as usize - 0x81) * 190 + trail_index as usize
}

/// The lead and trail of a two-byte pointer.
pub const fn two_byte_code(pointer: usize) -> [u8; 2] {
    let lead = (pointer / 190) as u8 + 0x81;
    let index = (pointer % 190) as u8;
    let trail = if index < 0x3F { index + 0x40 } else { index + 0x41 };
    [lead, trail]
}

/// Number of well-formed four-byte codes: 126 * 10 * 126 * 10.
#[cfg(test)]
pub const FOUR_BYTE_COUNT: u32 = 1_587_600;

/// The last four-byte pointer that maps into the BMP (`8431A439` is U+FFFF).
pub const BMP_POINTER_LAST: u32 = 39_419;

/// The four-byte pointer of U+10000 (`90308130`).
pub const SUPPLEMENTARY_POINTER_FIRST: u32 = 189_000;

/// The four-byte pointer of U+10FFFF (`E3329A35`).
pub const SUPPLEMENTARY_POINTER_LAST: u32 = 1_237_575;

/// The pointer `0..1587600` of a well-formed four-byte code.
#[inline(always)]
pub const fn four_byte_pointer(b1: u8, b2: u8, b3: u8, b4: u8) -> u32 {
    (b1 as u32 - 0x81) * 12_600 + (b2 as u32 - 0x30) * 1_260 + (b3 as u32 - 0x81) * 10 + (b4 as u32 - 0x30)
}

/// The four bytes of a pointer `0..1587600`.
pub const fn four_byte_code(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12_600) as u8 + 0x81,
        (pointer / 1_260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

/// Whether a four-byte pointer is assigned (maps to a character) in every edition.
#[inline(always)]
pub const fn is_assigned_four_byte(pointer: u32) -> bool {
    pointer <= BMP_POINTER_LAST
        || (pointer >= SUPPLEMENTARY_POINTER_FIRST && pointer <= SUPPLEMENTARY_POINTER_LAST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_arithmetic_matches_the_standard_anchors() {
        assert_eq!(four_byte_pointer(0x81, 0x30, 0x81, 0x30), 0);
        assert_eq!(four_byte_pointer(0x84, 0x31, 0xA4, 0x39), BMP_POINTER_LAST);
        assert_eq!(four_byte_pointer(0x90, 0x30, 0x81, 0x30), SUPPLEMENTARY_POINTER_FIRST);
        assert_eq!(four_byte_pointer(0xE3, 0x32, 0x9A, 0x35), SUPPLEMENTARY_POINTER_LAST);
        assert_eq!(four_byte_pointer(0xFE, 0x39, 0xFE, 0x39), FOUR_BYTE_COUNT - 1);
        assert_eq!(two_byte_pointer(0x81, 0x40), 0);
        assert_eq!(two_byte_pointer(0xA3, 0xA0), 6555);
        assert_eq!(two_byte_pointer(0xFE, 0xFE), TWO_BYTE_COUNT - 1);
    }

    #[test]
    fn the_trail_table_matches_the_grammar() {
        for b in 0..=255u8 {
            let index = TRAIL_INDEX[usize::from(b)];
            assert_eq!(index != 0xFF, is_two_byte_trail(b));
            if index != 0xFF {
                assert_eq!(two_byte_pointer(0x81, b), usize::from(index));
            }
        }
    }

    #[test]
    fn codes_and_pointers_are_inverse() {
        for p in 0..TWO_BYTE_COUNT {
            let [l, t] = two_byte_code(p);
            assert!(is_lead(l) && is_two_byte_trail(t));
            assert_eq!(two_byte_pointer(l, t), p);
        }
        for p in (0..FOUR_BYTE_COUNT).step_by(7) {
            let [a, b, c, d] = four_byte_code(p);
            assert_eq!(four_byte_pointer(a, b, c, d), p);
        }
    }
}
