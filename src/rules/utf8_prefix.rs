//! What `std::str::from_utf8` would say of a byte string that grows a byte at a time, kept up
//! to date as each byte is added: the mojibake tracker (GB009) asks after every character
//! whether the bytes a wrong decoder read can still be UTF-8, and validating them all again
//! each time cost more than the rest of the tracker.

/// The state after the bytes pushed so far: where the longest valid UTF-8 prefix ends, how many
/// characters it holds, and whether what follows it is already invalid or only unfinished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Utf8Prefix {
    /// Bytes pushed (counted until the bytes break).
    pushed: u32,
    /// Length of the valid prefix: the end of the last whole character before any error.
    valid_up_to: u32,
    /// Whole characters in the valid prefix.
    chars: u32,
    /// Continuation bytes the character being read still needs (0 at a character boundary).
    pending: u8,
    /// The range the next continuation byte must be in (narrower than `80-BF` only right
    /// after the leads `E0`, `ED`, `F0` and `F4`).
    low: u8,
    high: u8,
    /// The bytes hold an invalid sequence: `from_utf8` fails with an `error_len`.
    broken: bool,
}

impl Default for Utf8Prefix {
    fn default() -> Self {
        Utf8Prefix { pushed: 0, valid_up_to: 0, chars: 0, pending: 0, low: 0x80, high: 0xBF, broken: false }
    }
}

/// What a byte met at a character boundary starts: how many continuation bytes follow, and
/// the range of the first of them.
#[derive(Clone, Copy)]
struct Lead {
    /// [`NOT_A_LEAD`] for a byte that cannot start a character (`80-C1`, `F5-FF`).
    continuations: u8,
    low: u8,
    high: u8,
}

const NOT_A_LEAD: u8 = u8::MAX;

/// Well-formed UTF-8 (Unicode, table 3-7): `00-7F`; `C2-DF` then `80-BF`; `E0` then `A0-BF`;
/// `E1-EC` and `EE-EF` then `80-BF`; `ED` then `80-9F` (no surrogates); `F0` then `90-BF`;
/// `F1-F3` then `80-BF`; `F4` then `80-8F` (nothing past U+10FFFF); each followed by the
/// remaining continuations `80-BF`.
static LEADS: [Lead; 256] = {
    let mut table = [Lead { continuations: NOT_A_LEAD, low: 0, high: 0 }; 256];
    let mut b = 0;
    while b < 256 {
        let (continuations, low, high) = match b as u8 {
            0x00..=0x7F => (0, 0x80, 0xBF),
            0xC2..=0xDF => (1, 0x80, 0xBF),
            0xE0 => (2, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE..=0xEF => (2, 0x80, 0xBF),
            0xED => (2, 0x80, 0x9F),
            0xF0 => (3, 0x90, 0xBF),
            0xF1..=0xF3 => (3, 0x80, 0xBF),
            0xF4 => (3, 0x80, 0x8F),
            _ => (NOT_A_LEAD, 0, 0),
        };
        table[b] = Lead { continuations, low, high };
        b += 1;
    }
    table
};

impl Utf8Prefix {
    /// Adds the next byte.
    #[inline]
    pub(crate) fn push(&mut self, byte: u8) {
        if self.broken {
            return;
        }
        self.pushed += 1;
        if self.pending == 0 {
            let lead = LEADS[usize::from(byte)];
            match lead.continuations {
                0 => self.end_char(),
                NOT_A_LEAD => self.broken = true,
                continuations => {
                    self.pending = continuations;
                    self.low = lead.low;
                    self.high = lead.high;
                }
            }
        } else if (self.low..=self.high).contains(&byte) {
            self.pending -= 1;
            self.low = 0x80;
            self.high = 0xBF;
            if self.pending == 0 {
                self.end_char();
            }
        } else {
            self.broken = true;
        }
    }

    #[inline]
    fn end_char(&mut self) {
        self.valid_up_to = self.pushed;
        self.chars += 1;
    }

    /// Whether the bytes hold an invalid sequence (not merely one cut short at the end), so
    /// that no bytes added later can make them UTF-8.
    #[inline]
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
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
            0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
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
        let scalars = ['a', '\u{7F}', '\u{80}', 'é', '\u{7FF}', '\u{800}', '你', '\u{D7FF}', '\u{E000}', '\u{FFFD}']
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
