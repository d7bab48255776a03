//! Strict GB 18030-2022 as a bijection between codes and Unicode scalar values.
//!
//! Every valid code decodes to exactly one scalar and every scalar encodes to exactly one code
//! (`docs/gb18030.md`, "Mapping"). Decoding and encoding are table lookups; the encoder's table
//! is the decode tables inverted at compile time.
//!
//! ```
//! use gbcheck::mapping::{decode_four_byte, decode_two_byte, encode};
//!
//! assert_eq!(encode('中').as_bytes(), b"\xD6\xD0");
//! assert_eq!(encode('\u{10000}').as_bytes(), b"\x90\x30\x81\x30");
//! // Pointers as the WHATWG index numbers them: (lead - 0x81) * 190 + (trail - 0x40) for
//! // a trail below 0x7F, and so on (docs/gb18030.md, "Mapping").
//! assert_eq!(decode_two_byte((0xD6 - 0x81) * 190 + (0xD0 - 0x41)), '中');
//! assert_eq!(decode_four_byte(0), Some('\u{80}'));
//! ```

use crate::scan::grammar::{
    four_byte_code, two_byte_code, BMP_POINTER_LAST, SUPPLEMENTARY_POINTER_FIRST, SUPPLEMENTARY_POINTER_LAST,
    TWO_BYTE_COUNT,
};
use crate::scan::tables::{FOUR_BYTE_BMP_RUNS, TWO_BYTE};

/// The scalar of a two-byte pointer `0..23940`.
#[inline]
pub fn decode_two_byte(pointer: usize) -> char {
    let code = TWO_BYTE[pointer];
    // The generated table holds BMP scalars only (the generator checks each value).
    char::from_u32(u32::from(code)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The scalar of an assigned four-byte pointer, or `None` for a reserved one.
#[inline]
pub fn decode_four_byte(pointer: u32) -> Option<char> {
    if pointer <= BMP_POINTER_LAST {
        char::from_u32(u32::from(FOUR_BYTE_BMP[pointer as usize]))
    } else if (SUPPLEMENTARY_POINTER_FIRST..=SUPPLEMENTARY_POINTER_LAST).contains(&pointer) {
        char::from_u32(0x1_0000 + pointer - SUPPLEMENTARY_POINTER_FIRST)
    } else {
        None
    }
}

/// The four-byte BMP table expanded from its runs at compile time: one load per code.
static FOUR_BYTE_BMP: [u16; BMP_POINTER_LAST as usize + 1] = {
    let mut table = [0u16; BMP_POINTER_LAST as usize + 1];
    let mut run = 0;
    while run < FOUR_BYTE_BMP_RUNS.len() {
        let (start, first) = FOUR_BYTE_BMP_RUNS[run];
        let end = if run + 1 < FOUR_BYTE_BMP_RUNS.len() {
            FOUR_BYTE_BMP_RUNS[run + 1].0 as usize
        } else {
            BMP_POINTER_LAST as usize + 1
        };
        let mut pointer = start as usize;
        while pointer < end {
            table[pointer] = first + (pointer - start as usize) as u16;
            pointer += 1;
        }
        run += 1;
    }
    table
};

/// The bytes of one encoded character: 1, 2 or 4 of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Encoded {
    bytes: [u8; 4],
    len: u8,
}

impl Encoded {
    /// Wraps the bytes of one code (1 to 4 of them).
    pub fn from_bytes(bytes: &[u8]) -> Encoded {
        let mut buf = [0u8; 4];
        let len = bytes.len().min(4);
        buf[..len].copy_from_slice(&bytes[..len]);
        Encoded { bytes: buf, len: len as u8 }
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The bytes in the first of four, and how many they are.
    #[inline(always)]
    pub fn padded(&self) -> ([u8; 4], usize) {
        (self.bytes, usize::from(self.len))
    }

    /// Appends the bytes to `out` with one fixed-size store (a slice of unknown length would
    /// cost a `memcpy` call, much more than the copy of one code).
    #[inline(always)]
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let len = out.len() + usize::from(self.len);
        out.extend_from_slice(&self.bytes);
        out.truncate(len);
    }
}

/// Encodes one scalar value under strict GB 18030-2022. Every scalar has a code.
pub fn encode(c: char) -> Encoded {
    Encoder::new().encode(c)
}

/// [`encode`] with its table looked up once, for loops that encode every character.
#[derive(Clone, Copy, Debug)]
pub struct Encoder {
    inverse: &'static [u32; 0x1_0000],
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

impl Encoder {
    /// The encoder.
    pub fn new() -> Encoder {
        Encoder { inverse: &INVERSE_BMP }
    }

    /// Encodes one scalar value under strict GB 18030-2022.
    #[inline(always)]
    pub fn encode(&self, c: char) -> Encoded {
        let scalar = u32::from(c);
        if scalar < 0x80 {
            return Encoded { bytes: [scalar as u8, 0, 0, 0], len: 1 };
        }
        if scalar >= 0x1_0000 {
            let bytes = four_byte_code(scalar - 0x1_0000 + SUPPLEMENTARY_POINTER_FIRST);
            return Encoded { bytes, len: 4 };
        }
        // A two-byte code is packed with two zero bytes after it; a four-byte code ends in a
        // digit.
        let packed = self.inverse[scalar as usize];
        Encoded { bytes: packed.to_be_bytes(), len: if packed & 0xFF == 0 { 2 } else { 4 } }
    }
}

/// BMP scalar -> its code's bytes packed big-endian into a `u32` (`D6 D0 00 00`,
/// `81 30 81 30`). Built from the decode tables at compile time, so the two can never disagree
/// and no run pays for building it; surrogates (and ASCII, handled before) are left 0.
static INVERSE_BMP: [u32; 0x1_0000] = {
    let mut inverse = [0u32; 0x1_0000];
    let mut pointer = 0;
    while pointer <= BMP_POINTER_LAST {
        // (A surrogate there would only fill an entry that no `char` reaches.)
        inverse[FOUR_BYTE_BMP[pointer as usize] as usize] = u32::from_be_bytes(four_byte_code(pointer));
        pointer += 1;
    }
    let mut pointer = 0;
    while pointer < TWO_BYTE_COUNT {
        let [lead, trail] = two_byte_code(pointer);
        inverse[TWO_BYTE[pointer] as usize] = u32::from_be_bytes([lead, trail, 0, 0]);
        pointer += 1;
    }
    inverse
};
