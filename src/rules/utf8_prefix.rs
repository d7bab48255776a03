//! What `std::str::from_utf8` would say of a byte string that grows a byte at a time, kept up
//! to date as each byte is added: the mojibake tracker (GB009) asks after every character
//! whether the bytes a wrong decoder read can still be UTF-8, and validating them all again
//! each time cost more than the rest of the tracker.

/// The state after the bytes pushed so far: where the longest valid UTF-8 prefix ends, how many
/// characters it holds, and whether what follows it is already invalid or only unfinished.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Utf8Prefix {
    /// Where the bytes are in UTF-8's grammar: one of the states below, times `CLASSES` (so
    /// that adding a byte's class gives the entry of `NEXT` to read).
    state: u8,
    /// Bytes pushed.
    pushed: u32,
    /// Length of the valid prefix: the end of the last whole character before any error.
    valid_up_to: u32,
    /// Whole characters in the valid prefix.
    chars: u32,
}

// The states: at a character boundary; broken (an invalid sequence, for good); and inside a
// character, by what the next continuation byte must be and how many follow it.
const BOUNDARY: u8 = 0;
const BROKEN: u8 = 1;
/// One continuation `80-BF` to go.
const LAST_ONE: u8 = 2;
/// Two continuations `80-BF` to go.
const TWO_LEFT: u8 = 3;
/// After `E0`: `A0-BF`, then one more.
const AFTER_E0: u8 = 4;
/// After `ED`: `80-9F` (no surrogates), then one more.
const AFTER_ED: u8 = 5;
/// After `F1-F3`: three continuations `80-BF` to go.
const THREE_LEFT: u8 = 6;
/// After `F0`: `90-BF`, then two more.
const AFTER_F0: u8 = 7;
/// After `F4`: `80-8F` (nothing past U+10FFFF), then two more.
const AFTER_F4: u8 = 8;
const STATES: usize = 9;

/// The byte classes the grammar tells apart (Unicode, table 3-7, "well-formed UTF-8").
const ASCII: u8 = 0;
const CONT_80_8F: u8 = 1;
const CONT_90_9F: u8 = 2;
const CONT_A0_BF: u8 = 3;
const NEVER: u8 = 4;
const LEAD_2: u8 = 5;
const LEAD_E0: u8 = 6;
const LEAD_3: u8 = 7;
const LEAD_ED: u8 = 8;
const LEAD_F0: u8 = 9;
const LEAD_4: u8 = 10;
const LEAD_F4: u8 = 11;
const CLASSES: usize = 12;

const fn class(b: u8) -> u8 {
    match b {
        0x00..=0x7F => ASCII,
        0x80..=0x8F => CONT_80_8F,
        0x90..=0x9F => CONT_90_9F,
        0xA0..=0xBF => CONT_A0_BF,
        0xC0..=0xC1 | 0xF5..=0xFF => NEVER,
        0xC2..=0xDF => LEAD_2,
        0xE0 => LEAD_E0,
        0xE1..=0xEC | 0xEE..=0xEF => LEAD_3,
        0xED => LEAD_ED,
        0xF0 => LEAD_F0,
        0xF1..=0xF3 => LEAD_4,
        0xF4 => LEAD_F4,
    }
}

const fn next(state: u8, class: u8) -> u8 {
    let continuation = matches!(class, CONT_80_8F | CONT_90_9F | CONT_A0_BF);
    match state {
        BOUNDARY => match class {
            ASCII => BOUNDARY,
            LEAD_2 => LAST_ONE,
            LEAD_E0 => AFTER_E0,
            LEAD_3 => TWO_LEFT,
            LEAD_ED => AFTER_ED,
            LEAD_F0 => AFTER_F0,
            LEAD_4 => THREE_LEFT,
            LEAD_F4 => AFTER_F4,
            _ => BROKEN,
        },
        LAST_ONE if continuation => BOUNDARY,
        TWO_LEFT if continuation => LAST_ONE,
        AFTER_E0 if class == CONT_A0_BF => LAST_ONE,
        AFTER_ED if matches!(class, CONT_80_8F | CONT_90_9F) => LAST_ONE,
        THREE_LEFT if continuation => TWO_LEFT,
        AFTER_F0 if matches!(class, CONT_90_9F | CONT_A0_BF) => TWO_LEFT,
        AFTER_F4 if class == CONT_80_8F => TWO_LEFT,
        _ => BROKEN,
    }
}

/// Each byte's class.
static CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = class(b as u8);
        b += 1;
    }
    table
};

/// The state after a byte, both times `CLASSES`: `NEXT[state * CLASSES + class]`. It has 256
/// entries (those past the last state broken) so that a `u8` index needs no bounds check.
static NEXT: [u8; 256] = {
    let mut table = [BROKEN * CLASSES as u8; 256];
    let mut i = 0;
    while i < STATES * CLASSES {
        table[i] = next((i / CLASSES) as u8, (i % CLASSES) as u8) * CLASSES as u8;
        i += 1;
    }
    table
};

impl Utf8Prefix {
    /// Adds the next byte: two table lookups (a broken state stays broken).
    #[inline]
    pub(crate) fn push(&mut self, byte: u8) {
        self.state = NEXT[usize::from(self.state.wrapping_add(CLASS[usize::from(byte)]))];
        self.pushed += 1;
        if self.state == BOUNDARY {
            self.valid_up_to = self.pushed;
            self.chars += 1;
        }
    }

    /// Whether the bytes hold an invalid sequence (not merely one cut short at the end), so
    /// that no bytes added later can make them UTF-8.
    #[inline]
    pub(crate) fn is_broken(&self) -> bool {
        self.state == BROKEN * CLASSES as u8
    }

    /// The length of the longest valid UTF-8 prefix: `Utf8Error::valid_up_to`, or all the
    /// bytes when they are valid.
    #[inline]
    pub(crate) fn valid_up_to(&self) -> usize {
        self.valid_up_to as usize
    }

    /// How many characters the valid prefix holds.
    #[inline]
    pub(crate) fn chars(&self) -> usize {
        self.chars as usize
    }

    /// Whether this state says of `bytes` what `std::str::from_utf8` says: for the debug
    /// assertion that holds every tracker in the tests to std.
    pub(crate) fn agrees_with_std(&self, bytes: &[u8]) -> bool {
        self.summary() == std_summary(bytes)
    }

    fn summary(&self) -> (bool, usize, usize) {
        (self.is_broken(), self.valid_up_to(), self.chars())
    }
}

/// `std::str::from_utf8`'s verdict on `bytes` in [`Utf8Prefix`]'s terms: broken, valid
/// prefix, characters in it.
fn std_summary(bytes: &[u8]) -> (bool, usize, usize) {
    let (broken, valid) = match std::str::from_utf8(bytes) {
        Ok(_) => (false, bytes.len()),
        Err(e) => (e.error_len().is_some(), e.valid_up_to()),
    };
    let chars = std::str::from_utf8(&bytes[..valid]).map_or(usize::MAX, |s| s.chars().count());
    (broken, valid, chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes `bytes` one at a time and compares the state after each with std's verdict on
    /// the bytes so far.
    fn assert_agrees(bytes: &[u8]) {
        let mut state = Utf8Prefix::default();
        assert_eq!(state.summary(), std_summary(&[]));
        for end in 1..=bytes.len() {
            state.push(bytes[end - 1]);
            let expected = std_summary(&bytes[..end]);
            if state.summary() != expected {
                panic!("{:02X?}: got {:?}, std says {:?}", &bytes[..end], state.summary(), expected);
            }
        }
    }

    /// `state` with `byte` pushed, checked against std's verdict on `bytes` (which end in it).
    fn pushed(state: Utf8Prefix, byte: u8, bytes: &[u8]) -> Utf8Prefix {
        let mut state = state;
        state.push(byte);
        let expected = std_summary(bytes);
        assert_eq!(state.summary(), expected, "{bytes:02X?}");
        state
    }

    #[test]
    fn every_sequence_of_one_two_and_three_bytes() {
        // 16,843,008 strings; each state is reused for the strings that extend it.
        let empty = Utf8Prefix::default();
        assert_eq!(empty.summary(), std_summary(&[]));
        for first in 0..=255u8 {
            let one = pushed(empty, first, &[first]);
            for second in 0..=255u8 {
                let two = pushed(one, second, &[first, second]);
                for third in 0..=255u8 {
                    pushed(two, third, &[first, second, third]);
                }
            }
        }
    }

    /// A small deterministic generator (xorshift64*), so that a failure can be run again.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn every_four_byte_sequence_of_edge_bytes() {
        // The bytes where UTF-8's ranges begin and end, in every order four deep.
        const EDGES: [u8; 24] = [
            0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
            0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ];
        for a in EDGES {
            for b in EDGES {
                for c in EDGES {
                    for d in EDGES {
                        assert_agrees(&[a, b, c, d]);
                    }
                }
            }
        }
    }

    #[test]
    fn random_longer_strings() {
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        // Characters of every length and the scalars at their edges, encoded by std.
        let scalars =
            ['a', '\u{7F}', '\u{80}', 'é', '\u{7FF}', '\u{800}', '你', '\u{D7FF}', '\u{E000}', '\u{FFFD}']
                .into_iter()
                .chain(['\u{FFFF}', '\u{10000}', '😀', '\u{10FFFF}']);
        let scalars: Vec<char> = scalars.collect();
        for _ in 0..200_000 {
            let len = 1 + random.below(40);
            let mut bytes = Vec::with_capacity(len + 4);
            while bytes.len() < len {
                match random.below(4) {
                    // A whole character.
                    0 | 1 => {
                        let c = scalars[random.below(scalars.len())];
                        bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    // A character cut short, or with a byte changed.
                    2 => {
                        let c = scalars[random.below(scalars.len())];
                        let mut buf = [0; 4];
                        let encoded = c.encode_utf8(&mut buf).as_bytes().to_vec();
                        let mut piece = encoded[..1 + random.below(encoded.len())].to_vec();
                        if random.below(2) == 0 {
                            let at = random.below(piece.len());
                            piece[at] = random.next() as u8;
                        }
                        bytes.extend_from_slice(&piece);
                    }
                    // Any byte.
                    _ => bytes.push(random.next() as u8),
                }
            }
            assert_agrees(&bytes);
        }
    }

    #[test]
    fn bytes_after_a_break_change_nothing() {
        // E4 41: the lead wants a continuation; what follows cannot mend it.
        let mut state = Utf8Prefix::default();
        for b in [0x61, 0xE4, 0x41, 0xE4, 0xBD, 0xA0] {
            state.push(b);
        }
        assert_eq!(state.summary(), (true, 1, 1));
    }
}
