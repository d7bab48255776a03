//! Which standard the bytes are judged against: each profile is a decoder and an encoder.
//!
//! Every profile shares the byte grammar (`GB18030.md` section 1) and the strict 2022 mapping
//! except on the few codes and scalars of `oracle/gb18030-edition-differences.tsv`, which the
//! generated tables carry.

use std::fmt;

use crate::mapping::{self, Encoded};
use crate::scan::grammar::{four_byte_pointer, two_byte_pointer};
use crate::scan::tables::{DECODE_DIFFERENCES, ENCODE_DIFFERENCES};

/// A standard, or what a real converter does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// GB 18030-2022, strict: a bijection between codes and scalars (Java 17, glibc >= 2.39).
    #[default]
    Gb18030_2022,
    /// GB 18030-2005 (ICU 72): 36 codes map to and from the Private Use Area instead.
    Gb18030_2005,
    /// GBK, code page 936: the two-byte part plus `80` = U+20AC; no four-byte codes.
    Gbk,
    /// The WHATWG Encoding Standard: browsers, Node, encoding_rs, ICU >= 76.
    Whatwg,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 4] =
        [Profile::Gb18030_2022, Profile::Gb18030_2005, Profile::Gbk, Profile::Whatwg];

    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Gb18030_2022 => "gb18030-2022",
            Profile::Gb18030_2005 => "gb18030-2005",
            Profile::Gbk => "gbk",
            Profile::Whatwg => "whatwg",
        }
    }

    /// The profile of a name, as [`Profile::name`] gives it.
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The column of the difference tables that holds this profile's mapping.
    fn column(self) -> usize {
        match self {
            Profile::Gb18030_2005 => 1,
            Profile::Gb18030_2022 => 2,
            Profile::Gbk | Profile::Whatwg => 3,
        }
    }

    /// What a code means under this profile: `bytes` is one sequence that the grammar accepts
    /// (1, 2 or 4 bytes), or the lone byte `80`. `None` when the profile has no such code.
    pub fn decode(self, bytes: &[u8]) -> Option<char> {
        if let Some((_, row)) = DECODE_DIFFERENCES.iter().find(|(code, _)| *code == bytes) {
            return row[self.column()].and_then(char::from_u32);
        }
        match *bytes {
            [b] if b < 0x80 => Some(char::from(b)),
            [lead, trail] => Some(mapping::decode_two_byte(two_byte_pointer(lead, trail))),
            [_, _, _, _] if self == Profile::Gbk => None,
            [b1, b2, b3, b4] => mapping::decode_four_byte(four_byte_pointer(b1, b2, b3, b4)),
            _ => None,
        }
    }

    /// The code of a scalar under this profile, or `None` when the profile cannot encode it.
    pub fn encode(self, c: char) -> Option<Encoded> {
        if self == Profile::Gbk && c == '\u{20AC}' {
            return Some(Encoded::from_bytes(&[0x80]));
        }
        let encoded = match ENCODE_DIFFERENCES.iter().find(|(scalar, _)| *scalar == u32::from(c)) {
            Some((_, row)) => Encoded::from_bytes(row[self.column()]?),
            None => mapping::encode(c),
        };
        if self == Profile::Gbk && encoded.as_bytes().len() == 4 {
            return None;
        }
        Some(encoded)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The editions named in messages, in the order of the difference tables' columns.
pub const EDITION_NAMES: [&str; 4] = ["GB 18030-2000", "GB 18030-2005", "GB 18030-2022", "WHATWG"];

/// What each edition makes of a code, when the editions disagree on it.
pub fn editions_of_code(bytes: &[u8]) -> Option<[Option<char>; 4]> {
    let (_, row) = DECODE_DIFFERENCES.iter().find(|(code, _)| *code == bytes)?;
    Some(row.map(|scalar| scalar.and_then(char::from_u32)))
}

/// How each edition encodes a scalar, when the editions disagree on it.
pub fn editions_of_scalar(c: char) -> Option<[Option<&'static [u8]>; 4]> {
    let (_, row) = ENCODE_DIFFERENCES.iter().find(|(scalar, _)| *scalar == u32::from(c))?;
    Some(*row)
}
