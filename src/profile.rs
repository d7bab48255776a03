//! Which standard the bytes are judged against: each profile is a decoder and an encoder.
//!
//! Every profile shares the byte grammar (`docs/gb18030.md`, "Byte grammar") and the strict
//! 2022 mapping except on the few codes and scalars of `oracle/gb18030-edition-differences.tsv`,
//! which the generated tables carry. Code page 936 is strict 2022's one- and two-byte part less
//! the codes glibc's GBK charmap leaves unmapped (`CP936_UNMAPPED`), plus `80` = U+20AC.
//!
//! ```
//! use gbcheck::profile::Profile;
//!
//! // A3 A0: the WHATWG decoder reads U+3000 IDEOGRAPHIC SPACE, strict GB 18030-2022 a
//! // private-use character; neither encodes U+3000 back as A3 A0. Code page 936 has no A3 A0.
//! assert_eq!(Profile::Whatwg.decode(b"\xA3\xA0"), Some('\u{3000}'));
//! assert_eq!(Profile::Gb18030_2022.decode(b"\xA3\xA0"), Some('\u{E5E5}'));
//! assert_eq!(Profile::Cp936.decode(b"\xA3\xA0"), None);
//! assert_eq!(Profile::Whatwg.encode('\u{3000}').map(|e| e.as_bytes().to_vec()), Some(b"\xA1\xA1".to_vec()));
//! // GBK has no four-byte codes.
//! assert_eq!(Profile::Gbk.encode('\u{10000}'), None);
//! assert_eq!(Profile::from_name("gb18030-2005"), Some(Profile::Gb18030_2005));
//! ```

use std::fmt;
use std::sync::OnceLock;

use crate::mapping::{self, Encoded};
use crate::scan::grammar::{four_byte_pointer, is_lead, is_two_byte_trail, two_byte_pointer};
use crate::scan::tables::{CP936_UNMAPPED, DECODE_DIFFERENCES, ENCODE_DIFFERENCES};

/// A standard, or what a real converter does.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// GB 18030-2022, strict: a bijection between codes and scalars (Java 17, glibc >= 2.39).
    #[default]
    Gb18030_2022,
    /// GB 18030-2005 (ICU 72): 36 codes map to and from the Private Use Area instead.
    Gb18030_2005,
    /// WHATWG's GBK (browsers, encoding_rs's `GBK`): the WHATWG two-byte part plus `80` =
    /// U+20AC; no four-byte codes. Named `gbk`, also `gbk-whatwg`.
    Gbk,
    /// The WHATWG Encoding Standard: browsers, Node, encoding_rs, ICU >= 76.
    Whatwg,
    /// Microsoft's code page 936 as glibc's `GBK` charmap has it (Python's `cp936`/`gbk`
    /// codec is the same but for `80`): no user-defined areas, no codes GBK never had (such
    /// as `A6D9` or `FE51`), `80` = U+20AC, no four-byte codes.
    Cp936,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 5] =
        [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Gbk, Profile::Whatwg, Profile::Cp936];

    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Gb18030_2022 => "gb18030-2022",
            Profile::Gb18030_2005 => "gb18030-2005",
            Profile::Gbk => "gbk",
            Profile::Whatwg => "whatwg",
            Profile::Cp936 => "cp936",
        }
    }

    /// The profile of a name, as [`Profile::name`] gives it, or `gbk-whatwg` (`gbk`).
    pub fn from_name(name: &str) -> Option<Profile> {
        if name == "gbk-whatwg" {
            return Some(Profile::Gbk);
        }
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether the profile has four-byte codes (GBK and code page 936 have none).
    pub fn has_four_byte_codes(self) -> bool {
        !matches!(self, Profile::Gbk | Profile::Cp936)
    }

    /// The column of the difference tables that holds this profile's mapping.
    fn column(self) -> usize {
        match self {
            Profile::Gb18030_2005 => 1,
            Profile::Gb18030_2022 => 2,
            Profile::Gbk | Profile::Whatwg | Profile::Cp936 => 3,
        }
    }

    /// What a code means under this profile: `bytes` is one sequence that the grammar accepts
    /// (1, 2 or 4 bytes), or the lone byte `80`. `None` when the profile has no such code.
    pub fn decode(self, bytes: &[u8]) -> Option<char> {
        if !self.has_four_byte_codes() && bytes.len() == 4 {
            return None;
        }
        if self == Profile::Cp936 {
            return cp936_decode(bytes);
        }
        if let Some(row) = editions_of_code(bytes) {
            return row[self.column()];
        }
        match *bytes {
            [b] if b < 0x80 => Some(char::from(b)),
            [lead, trail] => Some(mapping::decode_two_byte(two_byte_pointer(lead, trail))),
            [b1, b2, b3, b4] => mapping::decode_four_byte(four_byte_pointer(b1, b2, b3, b4)),
            _ => None,
        }
    }

    /// The code of a scalar under this profile, or `None` when the profile cannot encode it.
    pub fn encode(self, c: char) -> Option<Encoded> {
        if matches!(self, Profile::Gbk | Profile::Cp936) && c == '\u{20AC}' {
            return Some(Encoded::from_bytes(&[0x80]));
        }
        let encoded = match editions_of_scalar(c) {
            Some(row) if self != Profile::Cp936 => Encoded::from_bytes(row[self.column()]?),
            _ => mapping::encode(c),
        };
        match *encoded.as_bytes() {
            [_, _, _, _] if !self.has_four_byte_codes() => None,
            [lead, trail] if self == Profile::Cp936 && cp936_lacks(lead, trail) => None,
            _ => Some(encoded),
        }
    }
}

/// A code under code page 936: strict 2022's one- and two-byte codes but those it lacks, and
/// `80` = U+20AC.
fn cp936_decode(bytes: &[u8]) -> Option<char> {
    match *bytes {
        [b] if b < 0x80 => Some(char::from(b)),
        [0x80] => Some('\u{20AC}'),
        [lead, trail] if is_lead(lead) && is_two_byte_trail(trail) && !cp936_lacks(lead, trail) => {
            Some(mapping::decode_two_byte(two_byte_pointer(lead, trail)))
        }
        _ => None,
    }
}

/// Whether a valid two-byte code is one that code page 936 leaves unmapped.
fn cp936_lacks(lead: u8, trail: u8) -> bool {
    let pointer = two_byte_pointer(lead, trail) as u16;
    let i = CP936_UNMAPPED.partition_point(|&(_, last)| last < pointer);
    CP936_UNMAPPED.get(i).is_some_and(|&(first, _)| first <= pointer)
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The editions named in messages, in the order of the difference tables' columns.
pub const EDITION_NAMES: [&str; 4] = ["GB 18030-2000", "GB 18030-2005", "GB 18030-2022", "WHATWG"];

/// A code's bytes packed into a number, for lookups: `81 30 81 30` is `0x8130_8130`.
fn pack(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |packed, &b| packed << 8 | u32::from(b))
}

/// What each edition makes of a code, when the editions disagree on it.
pub fn editions_of_code(bytes: &[u8]) -> Option<[Option<char>; 4]> {
    static SORTED: OnceLock<Vec<(u32, [Option<char>; 4])>> = OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut rows: Vec<_> = DECODE_DIFFERENCES
            .iter()
            .map(|(code, row)| (pack(code), row.map(|scalar| scalar.and_then(char::from_u32))))
            .collect();
        rows.sort_unstable_by_key(|&(code, _)| code);
        rows
    });
    // Every code of the table starts with one of a few bytes: most lookups end here.
    if bytes.len() > 4
        || !matches!(bytes.first(), Some(0x80 | 0x81 | 0x82 | 0x84 | 0xA3 | 0xA6 | 0xA8 | 0xFE))
    {
        return None;
    }
    let key = pack(bytes);
    sorted.binary_search_by_key(&key, |&(code, _)| code).ok().map(|i| sorted[i].1)
}

/// How each edition encodes a scalar, when the editions disagree on it.
pub fn editions_of_scalar(c: char) -> Option<[Option<&'static [u8]>; 4]> {
    // The table is sorted by scalar (the generator writes it in the order of the oracle file).
    let i = ENCODE_DIFFERENCES.binary_search_by_key(&u32::from(c), |&(scalar, _)| scalar).ok()?;
    Some(ENCODE_DIFFERENCES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encode_table_is_sorted_for_binary_search() {
        assert!(ENCODE_DIFFERENCES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_difference_tables_hold_only_bmp_scalars() {
        // `CompiledRules` relies on it: the encoder treats all supplementary scalars alike.
        assert!(ENCODE_DIFFERENCES.iter().all(|&(scalar, _)| scalar < 0x1_0000));
        assert!(DECODE_DIFFERENCES.iter().flat_map(|(_, row)| row.iter().flatten()).all(|&s| s < 0x1_0000));
    }

    #[test]
    fn every_code_of_the_table_starts_with_a_listed_byte() {
        // `editions_of_code` rejects other first bytes without a search.
        for (code, _) in DECODE_DIFFERENCES.iter() {
            assert!(matches!(code[0], 0x80 | 0x81 | 0x82 | 0x84 | 0xA3 | 0xA6 | 0xA8 | 0xFE), "{code:02X?}");
        }
    }

    #[test]
    fn the_cp936_ranges_are_sorted_and_apart() {
        // `cp936_lacks` searches them by their ends.
        assert!(CP936_UNMAPPED.iter().all(|&(first, last)| first <= last));
        assert!(CP936_UNMAPPED.windows(2).all(|w| w[0].1 + 1 < w[1].0));
    }

    #[test]
    fn packed_codes_are_distinct_across_lengths() {
        // No one- or two-byte code packs to the same number as a four-byte one.
        let keys: std::collections::HashSet<u32> = DECODE_DIFFERENCES.iter().map(|(c, _)| pack(c)).collect();
        assert_eq!(keys.len(), DECODE_DIFFERENCES.len());
    }
}
