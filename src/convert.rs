//! Lossless transcoding between GB 18030 and UTF-8, chunk by chunk.
//!
//! A conversion decodes the source into scalar values and encodes them into the target, and
//! refuses anything that would not come back exactly: bytes that are not valid in the source
//! encoding (GB001-GB003), a character the profile cannot encode (GB006), or a code or
//! character that would not survive the round trip under the profile (GB004). The profile
//! applies to whichever side is GB 18030.
//!
//! Two pieces, both streaming and both in bounded memory:
//!
//! - [`check_options`] gives the [`Options`] under which [`crate::check::FileChecker`] reports
//!   exactly what a conversion refuses, with positions and causes: run it first, and convert
//!   only when it finds nothing.
//! - [`Converter`] turns chunks of the source into chunks of the target. It checks again as it
//!   goes (a source may change between two reads) and stops at the first place that cannot be
//!   converted exactly ([`Lossy`]).
//!
//! A byte order mark at the start of the source (UTF-8 `EF BB BF`, GB 18030 `84 31 95 33`) is
//! dropped unless asked to be kept, in which case it becomes the target's byte order mark
//! (U+FEFF encoded in the target encoding). A U+FEFF anywhere else is ordinary text.
//!
//! A source already in the target encoding is checked just the same and given back as it is
//! (less a byte order mark that is dropped): its bytes, not a conversion of them.
//!
//! Text that converts exactly may still be wrong: mojibake (GB009), or UTF-8 read as GB 18030
//! (GB008). [`Suspicions`] finds both as a conversion reads the source, so that converting
//! does not make such damage permanent unless the user says so.
//!
//! ```
//! use gbcheck::check::Encoding;
//! use gbcheck::convert::{convert_bytes, Bom};
//! use gbcheck::profile::Profile;
//!
//! // "中文" in GB 18030 is D6 D0 CE C4.
//! let utf8 = convert_bytes(b"\xD6\xD0\xCE\xC4\n", Encoding::Gb18030, Encoding::Utf8, Profile::Gb18030_2022, Bom::Drop);
//! assert_eq!(utf8.unwrap(), "中文\n".as_bytes());
//! // A lone 0x81 cannot be converted: nothing is produced.
//! let lossy = convert_bytes(b"ok\x81\n", Encoding::Gb18030, Encoding::Utf8, Profile::Gb18030_2022, Bom::Drop);
//! assert_eq!(lossy.unwrap_err().offset, 2);
//! ```

use std::fmt;
use std::sync::OnceLock;

use crate::check::{FileChecker, Options};
use crate::detect::Detector;
use crate::encoding::{Encoding, EncodingChoice, UTF8_BOM};
use crate::finding::{Cause, Finding, Rule};
use crate::mapping;
use crate::profile::Profile;
use crate::report::{Counts, FileReport};
use crate::rules::RuleSet;
use crate::scan::{fast, grammar, Visitor};

/// The GB 18030 byte order mark: U+FEFF as a four-byte code.
pub const GB18030_BOM: &[u8] = b"\x84\x31\x95\x33";

/// The byte order mark of an encoding.
pub fn bom_of(encoding: Encoding) -> &'static [u8] {
    match encoding {
        Encoding::Utf8 => UTF8_BOM,
        Encoding::Gb18030 => GB18030_BOM,
    }
}

/// Whether the input starts with the byte order mark of `encoding`.
pub fn starts_with_bom(bytes: &[u8], encoding: Encoding) -> bool {
    bytes.starts_with(bom_of(encoding))
}

/// The rules a conversion refuses on: GB001, GB002, GB003, GB004 and GB006, every other rule
/// off.
pub fn refusal_rules(profile: Profile) -> RuleSet {
    let mut rules = RuleSet::new(profile);
    for &rule in Rule::ALL {
        if !is_refusal_rule(rule) {
            rules.set_severity(rule, None);
        }
    }
    rules
}

/// Whether a finding of `rule` makes a conversion refuse.
pub fn is_refusal_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::InvalidSequence
            | Rule::TruncatedSequence
            | Rule::UnassignedCode
            | Rule::RoundTripMismatch
            | Rule::Unencodable
    )
}

/// The profile a conversion from `from` to `to` judges by: `profile`, which applies to the GB
/// 18030 side, or strict GB 18030-2022 when there is none (UTF-8 to UTF-8): that takes every
/// scalar, so valid UTF-8 is all that is asked.
pub fn side_profile(from: Encoding, to: Encoding, profile: Profile) -> Profile {
    if from == Encoding::Utf8 && to == Encoding::Utf8 {
        Profile::Gb18030_2022
    } else {
        profile
    }
}

/// The other encoding.
fn other(encoding: Encoding) -> Encoding {
    match encoding {
        Encoding::Utf8 => Encoding::Gb18030,
        Encoding::Gb18030 => Encoding::Utf8,
    }
}

/// Options for [`crate::check::FileChecker`] (or [`crate::check::check_bytes`]) that report
/// exactly what converting a `from` input under `profile` refuses (for UTF-8 to UTF-8, pass
/// [`side_profile`]). Every such finding is an
/// error; no finding means the conversion is exact.
pub fn check_options(from: Encoding, profile: Profile, max_findings: usize) -> Options {
    let encoding = match from {
        Encoding::Gb18030 => EncodingChoice::Gb18030,
        Encoding::Utf8 => EncodingChoice::Utf8,
    };
    Options { encoding, max_findings, rules: refusal_rules(profile) }
}

/// What to do with a byte order mark at the start of the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Bom {
    /// Drop it (the default).
    #[default]
    Drop,
    /// Keep it as the target encoding's byte order mark.
    Keep,
}

/// The first place of the source that cannot be converted exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lossy {
    /// Its offset in the source.
    pub offset: u64,
    /// The rule that says why.
    pub rule: Rule,
}

impl fmt::Display for Lossy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot convert exactly at byte {} ({} {})", self.offset, self.rule.id(), self.rule.name())
    }
}

impl std::error::Error for Lossy {}

/// For one profile: the BMP scalars that do not take the strict 2022 path, that is, whose
/// strict code means something else under the profile, or which the profile encodes
/// otherwise (or not at all). Every other scalar converts as strict GB 18030-2022 does, which
/// is a bijection.
struct Special {
    bits: Box<[u64]>,
    /// Whether supplementary scalars are special too (GBK and code page 936 have no four-byte
    /// codes).
    supplementary: bool,
    /// Whether no scalar is special (strict 2022): then nothing needs looking up.
    empty: bool,
}

impl Special {
    fn of(profile: Profile) -> &'static Special {
        static TABLES: [OnceLock<Special>; Profile::ALL.len()] =
            [const { OnceLock::new() }; Profile::ALL.len()];
        let index = Profile::ALL.iter().position(|&p| p == profile).unwrap_or(0);
        TABLES[index].get_or_init(|| Special::build(profile))
    }

    fn build(profile: Profile) -> Special {
        if profile == Profile::Gb18030_2022 {
            // Strict 2022 is what every other profile is measured against: nothing is special
            // (`strict_2022_has_no_special_scalar` checks it), and not asking costs 64 Ki
            // profile lookups less at the start of every conversion.
            return Special {
                bits: vec![0u64; 0x1_0000 / 64].into_boxed_slice(),
                supplementary: false,
                empty: true,
            };
        }
        Special::compute(profile)
    }

    /// Asks the profile about every BMP scalar.
    fn compute(profile: Profile) -> Special {
        let mut bits = vec![0u64; 0x1_0000 / 64].into_boxed_slice();
        for scalar in 0..0x1_0000u32 {
            let Some(c) = char::from_u32(scalar) else { continue };
            let code = mapping::encode(c);
            let same = profile.decode(code.as_bytes()) == Some(c) && profile.encode(c) == Some(code);
            if !same {
                bits[scalar as usize / 64] |= 1 << (scalar % 64);
            }
        }
        let supplementary = !profile.has_four_byte_codes();
        let empty = !supplementary && bits.iter().all(|&word| word == 0);
        Special { bits, supplementary, empty }
    }

    #[inline(always)]
    fn contains(&self, c: char) -> bool {
        let scalar = c as u32;
        if scalar < 0x1_0000 {
            self.bits[scalar as usize / 64] & (1 << (scalar % 64)) != 0
        } else {
            self.supplementary
        }
    }
}

/// The UTF-8 form of `c` in the first bytes of four, and its length.
#[inline(always)]
fn utf8_bytes(c: char) -> ([u8; 4], usize) {
    let scalar = u32::from(c);
    // A continuation byte: 10xxxxxx.
    let tail = |shift: u32| 0x80 | ((scalar >> shift) & 0x3F) as u8;
    match scalar {
        0..=0x7F => ([scalar as u8, 0, 0, 0], 1),
        0x80..=0x7FF => ([0xC0 | (scalar >> 6) as u8, tail(0), 0, 0], 2),
        0x800..=0xFFFF => ([0xE0 | (scalar >> 12) as u8, tail(6), tail(0), 0], 3),
        _ => ([0xF0 | (scalar >> 18) as u8, tail(12), tail(6), tail(0)], 4),
    }
}

/// The converted bytes of a chunk: `buf[..len]`. `buf` only grows, and what it holds past
/// `len` means nothing, so a character is stored with one fixed-size store (a slice of unknown
/// length would cost a `memcpy` call) and nothing is zeroed twice.
#[derive(Default)]
struct Output {
    buf: Vec<u8>,
    len: usize,
}

impl Output {
    /// The whole buffer, with room for `n` more bytes after `len`.
    #[inline(always)]
    fn room(&mut self, n: usize) -> &mut [u8] {
        if self.buf.len() < self.len + n {
            self.buf.resize(self.len + n, 0);
        }
        &mut self.buf
    }

    /// Appends the first `len` of four bytes.
    #[inline(always)]
    fn push4(&mut self, (bytes, len): ([u8; 4], usize)) {
        let at = self.len;
        self.room(4)[at..at + 4].copy_from_slice(&bytes);
        self.len += len;
    }

    fn extend(&mut self, bytes: &[u8]) {
        let at = self.len;
        self.room(bytes.len())[at..at + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Writes the target: the readers call it for what their fast loops leave (it is also a
/// scanner visitor, the one-character-at-a-time way the tests compare the fast loops with).
struct Writer {
    from: Encoding,
    to: Encoding,
    profile: Profile,
    special: &'static Special,
    encoder: mapping::Encoder,
    bom: Bom,
    bom_seen: bool,
    lossy: Option<Lossy>,
    out: Output,
}

impl Writer {
    fn fail(&mut self, offset: u64, rule: Rule) {
        if self.lossy.is_none() {
            self.lossy = Some(Lossy { offset, rule });
        }
        self.out.clear();
    }

    /// The scalar a valid GB 18030 code means under the profile, given its strict scalar,
    /// when it comes back to the same code; `None` (after recording why) otherwise.
    #[inline]
    fn meaning(&mut self, start: u64, strict: char) -> Option<char> {
        if !self.special.contains(strict) {
            return Some(strict);
        }
        let code = mapping::encode(strict);
        let Some(meaning) = self.profile.decode(code.as_bytes()) else {
            self.fail(start, Rule::Unencodable);
            return None;
        };
        match self.profile.encode(meaning) {
            Some(back) if back == code => Some(meaning),
            Some(_) => {
                self.fail(start, Rule::RoundTripMismatch);
                None
            }
            None => {
                self.fail(start, Rule::Unencodable);
                None
            }
        }
    }

    /// Writes one scalar in the target encoding.
    #[inline]
    fn put(&mut self, start: u64, c: char) {
        match self.to {
            Encoding::Utf8 => self.out.push4(utf8_bytes(c)),
            Encoding::Gb18030 => {
                if !self.special.contains(c) {
                    self.out.push4(self.encoder.encode(c).padded());
                    return;
                }
                match self.profile.encode(c) {
                    None => self.fail(start, Rule::Unencodable),
                    Some(code) if self.profile.decode(code.as_bytes()) == Some(c) => {
                        self.out.push4(code.padded());
                    }
                    Some(_) => self.fail(start, Rule::RoundTripMismatch),
                }
            }
        }
    }

    /// Converts one character: the common case inline (a scalar that converts as under strict
    /// 2022, not a byte order mark), the rest through [`Writer::scalar`]. After a failure the
    /// output is thrown away, so writing on costs nothing wrong.
    #[inline(always)]
    fn write_char(&mut self, start: u64, c: char) {
        if (!self.special.empty && self.special.contains(c)) || (start == 0 && c == '\u{FEFF}') {
            return self.scalar(start, c);
        }
        match self.to {
            Encoding::Utf8 => self.out.push4(utf8_bytes(c)),
            Encoding::Gb18030 => self.out.push4(self.encoder.encode(c).padded()),
        }
    }

    #[inline(never)]
    fn scalar(&mut self, start: u64, c: char) {
        if self.lossy.is_some() {
            return;
        }
        let c = match self.from {
            Encoding::Gb18030 => match self.meaning(start, c) {
                Some(meaning) => meaning,
                None => return,
            },
            Encoding::Utf8 => c,
        };
        if start == 0 && c == '\u{FEFF}' {
            self.bom_seen = true;
            if self.bom == Bom::Drop {
                return;
            }
        }
        self.put(start, c);
    }
}

impl Visitor for Writer {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        // A lone 80 is the euro sign under GBK, and comes back as 80 there.
        if self.from == Encoding::Gb18030 && finding.cause == Cause::BadLead(0x80) {
            if let Some(euro) = self.profile.decode(&[0x80]) {
                if self.profile.encode(euro).is_some_and(|back| back.as_bytes() == [0x80]) {
                    if self.lossy.is_none() {
                        self.put(finding.span.start, euro);
                    }
                    return;
                }
                return self.fail(finding.span.start, Rule::RoundTripMismatch);
            }
        }
        self.fail(finding.span.start, finding.rule);
    }

    #[inline(always)]
    fn char(&mut self, start: u64, _len: u8, c: char) {
        self.write_char(start, c);
    }

    #[inline]
    fn ascii(&mut self, _start: u64, run: &[u8]) {
        // ASCII is the same bytes in both encodings and under every profile.
        if self.lossy.is_none() {
            self.out.extend(run);
        }
    }
}

/// The reader of the source encoding.
enum Reader {
    Gb18030(Gb18030Reader),
    Utf8(Utf8Reader),
}

/// How many source bytes a fast loop takes at a time (its output room is sized for them).
const BLOCK: usize = 8 << 10;

/// The tables of the fast loops for one profile, each built on first use.
struct FastTables {
    /// For each pair of bytes `second << 8 | first` (the pair read as a little-endian `u16`)
    /// that is a two-byte code converting as under strict 2022: its UTF-8 bytes (little-endian; two or three, see [`utf8_len`]); 0 for
    /// every other pair.
    utf8_of_pair: OnceLock<Box<[u32; 0x1_0000]>>,
    /// The GB 18030 codes of the scalars of UTF-8 sequences, see [`Utf8Tables`].
    utf8: OnceLock<Utf8Tables>,
}

/// The GB 18030 code of each BMP scalar from U+0080 that converts as under strict 2022
/// (U+FEFF excepted), as its bytes (little-endian: the first byte is the low one; a two-byte
/// code has two zero bytes on top, a four-byte code a digit); 0 for every other scalar.
struct Utf8Tables {
    /// Scalars U+0000-U+07FF (two-byte sequences), by scalar.
    two: Box<[u32; 0x800]>,
    /// Scalars U+0800-U+FFFF (three-byte sequences), by [`three_index`] of the sequence: the
    /// slots of overlong forms (scalars below U+0800) and of surrogates hold 0, so a lookup
    /// judges the sequence's value and its conversion at once.
    three: Box<[u32; 0x1_0000]>,
}

/// Multiplier of [`three_index`] (three bits set: found by trying every such multiplier; the
/// test `three_index_is_a_bijection` checks it).
const THREE_MUL: u64 = 1 << 42 | 1 << 46 | 1 << 56;

/// Where a three-byte UTF-8 sequence (its bytes the low three of `word`, the first lowest;
/// higher bytes are ignored) has its slot in [`Utf8Tables::three`]. The sixteen payload bits
/// (`lead & 0F`, `second & 3F`, `third & 3F`) are spread by one multiply into a 16-bit index
/// that is a bijection of them: three operations where assembling the scalar takes nine.
#[inline(always)]
fn three_index(word: u64) -> usize {
    ((word & 0x003F_3F0F).wrapping_mul(THREE_MUL) >> 48) as usize
}

/// The three UTF-8 bytes of a scalar U+0800-U+FFFF, in the low bytes of a word.
fn three_byte_word(scalar: u32) -> u64 {
    u64::from(0xE0 | scalar >> 12)
        | u64::from(0x80 | (scalar >> 6 & 0x3F)) << 8
        | u64::from(0x80 | (scalar & 0x3F)) << 16
}

/// The length of the UTF-8 bytes in an entry of [`FastTables::utf8_of_pair`]: two or three,
/// as its lead byte says (`110xxxxx` or `1110xxxx`; a two-byte code is always in the BMP).
#[inline(always)]
fn utf8_len(entry: u32) -> usize {
    2 + (entry >> 5 & 1) as usize
}

impl FastTables {
    fn of(profile: Profile) -> &'static FastTables {
        static TABLES: [FastTables; Profile::ALL.len()] =
            [const { FastTables { utf8_of_pair: OnceLock::new(), utf8: OnceLock::new() } };
                Profile::ALL.len()];
        &TABLES[Profile::ALL.iter().position(|&p| p == profile).unwrap_or(0)]
    }

    fn utf8_of_pair(profile: Profile) -> &'static [u32; 0x1_0000] {
        FastTables::of(profile).utf8_of_pair.get_or_init(|| {
            let special = Special::of(profile);
            let mut table = vec![0u32; 0x1_0000];
            for (pair, entry) in table.iter_mut().enumerate() {
                let [lead, trail] = (pair as u16).to_le_bytes();
                if !(grammar::is_lead(lead) && grammar::is_two_byte_trail(trail)) {
                    continue;
                }
                let c = mapping::decode_two_byte(grammar::two_byte_pointer(lead, trail));
                if special.contains(c) {
                    continue;
                }
                let mut bytes = [0u8; 4];
                let len = c.encode_utf8(&mut bytes).len();
                *entry = u32::from_le_bytes(bytes);
                debug_assert!(len == utf8_len(*entry));
            }
            table.into_boxed_slice().try_into().unwrap_or_else(|_| unreachable!())
        })
    }

    fn utf8(profile: Profile) -> &'static Utf8Tables {
        FastTables::of(profile).utf8.get_or_init(|| {
            let special = Special::of(profile);
            let code = |scalar: u32| {
                let Some(c) = char::from_u32(scalar) else { return 0 };
                if special.contains(c) || c == '\u{FEFF}' {
                    return 0;
                }
                let mut bytes = [0u8; 4];
                let code = mapping::encode(c);
                bytes[..code.as_bytes().len()].copy_from_slice(code.as_bytes());
                u32::from_le_bytes(bytes)
            };
            let mut two = vec![0u32; 0x800];
            for (scalar, entry) in two.iter_mut().enumerate().skip(0x80) {
                *entry = code(scalar as u32);
            }
            let mut three = vec![0u32; 0x1_0000];
            for scalar in 0x800..0x1_0000 {
                three[three_index(three_byte_word(scalar))] = code(scalar);
            }
            Utf8Tables {
                two: two.into_boxed_slice().try_into().unwrap_or_else(|_| unreachable!()),
                three: three.into_boxed_slice().try_into().unwrap_or_else(|_| unreachable!()),
            }
        })
    }
}

/// Eight bytes from `data[i]`, when there are eight.
#[inline(always)]
fn eight_at(data: &[u8], i: usize) -> Option<[u8; 8]> {
    data.get(i..i + 8).and_then(|s| <[u8; 8]>::try_from(s).ok())
}

/// Copies the run of ASCII at `data[i]` (a byte below 80) into `out[j..]`, eight bytes at a
/// time (`out` has room for eight more); returns how many bytes it took.
#[inline(always)]
fn copy_ascii(data: &[u8], i: usize, out: &mut [u8], j: usize) -> usize {
    match eight_at(data, i) {
        Some(word) => {
            out[j..j + 8].copy_from_slice(&word);
            let high = u64::from_le_bytes(word) & 0x8080_8080_8080_8080;
            if high == 0 {
                8
            } else {
                high.trailing_zeros() as usize / 8
            }
        }
        None => {
            out[j] = data[i];
            1
        }
    }
}

/// GB 18030 to UTF-8 from `data[i]`, while the bytes are ASCII, two-byte codes that
/// `table` holds, or four-byte codes of scalars that convert as under strict 2022. Returns
/// where it stopped: `data.len()`, or the start of a sequence that needs a closer look (a
/// code the profile treats apart, a byte order mark, an invalid byte, or a sequence cut by
/// the end of `data`).
fn gb18030_to_utf8_fast(
    data: &[u8],
    mut i: usize,
    table: &[u32; 0x1_0000],
    special: &Special,
    out: &mut Output,
) -> usize {
    let mut j = out.len;
    // A byte read gives at most 1.5 bytes; a store writes up to 8 bytes.
    let buf = out.room((data.len() - i) * 3 / 2 + 8);
    while i < data.len() {
        let lead = data[i];
        if lead < 0x80 {
            let k = copy_ascii(data, i, buf, j);
            i += k;
            j += k;
            continue;
        }
        let Some(&second) = data.get(i + 1) else { break };
        let entry = table[usize::from(u16::from_le_bytes([lead, second]))];
        if entry != 0 {
            buf[j..j + 4].copy_from_slice(&entry.to_le_bytes());
            j += utf8_len(entry);
            i += 2;
            // Chinese text comes in runs of two-byte codes: stay with them, two codes a step
            // (one 4-byte load, one check for the common case: an entry with bit 5 set is in
            // the table and three bytes long, see `utf8_len`; the entries' top bytes are 0, so
            // they need no mask). A pair the table does not hold (ASCII among them) ends the
            // run, and the loop above takes it.
            while let Some(&four) = data.get(i..i + 4).and_then(|s| <&[u8; 4]>::try_from(s).ok()) {
                let four = u32::from_le_bytes(four);
                let left = table[(four & 0xFFFF) as usize];
                let right = table[(four >> 16) as usize];
                if left & right & 0x20 != 0 {
                    // Two three-byte sequences, as nearly all of Chinese text.
                    let both = u64::from(left) | u64::from(right) << 24;
                    buf[j..j + 8].copy_from_slice(&both.to_le_bytes());
                    j += 6;
                } else if left == 0 || right == 0 {
                    break;
                } else {
                    let len = utf8_len(left);
                    let both = u64::from(left) | u64::from(right) << (8 * len);
                    buf[j..j + 8].copy_from_slice(&both.to_le_bytes());
                    j += len + utf8_len(right);
                }
                i += 4;
            }
            continue;
        }
        // A valid four-byte code, the other common case.
        let Some(&[_, _, third, fourth]) = data.get(i..i + 4) else { break };
        if !(grammar::is_lead(lead)
            && grammar::is_digit(second)
            && grammar::is_lead(third)
            && grammar::is_digit(fourth))
        {
            break;
        }
        let Some(c) = mapping::decode_four_byte(grammar::four_byte_pointer(lead, second, third, fourth))
        else {
            break;
        };
        if (!special.empty && special.contains(c)) || c == '\u{FEFF}' {
            break;
        }
        let (bytes, len) = utf8_bytes(c);
        buf[j..j + 4].copy_from_slice(&bytes);
        j += len;
        i += 4;
    }
    out.len = j;
    i
}

/// The mask and shape of two three-byte UTF-8 sequences in the low six bytes of a word:
/// `E0-EF 80-BF 80-BF`, twice.
const TWO_THREE_MASK: u64 = 0x0000_C0C0_F0C0_C0F0;
const TWO_THREE_SHAPE: u64 = 0x0000_8080_E080_80E0;

/// Whether two entries of [`Utf8Tables`] are both two-byte codes (then neither is 0: the
/// first byte of a two-byte code is 81-FE, with bit 7 set).
#[inline(always)]
fn both_two_byte_codes(a: u32, b: u32) -> bool {
    (a | b) >> 16 == 0 && a & b & 0x80 != 0
}

/// UTF-8 to GB 18030 from `data[i]`, while the bytes are ASCII or sequences of scalars that
/// convert as under strict 2022 (`tables` for the BMP). Returns where it stopped:
/// `data.len()`, or the start of a sequence that needs a closer look (a scalar the profile
/// treats apart, a byte order mark, invalid bytes, or a sequence cut by the end of `data`).
fn utf8_to_gb18030_fast(
    data: &[u8],
    mut i: usize,
    tables: &Utf8Tables,
    special: &Special,
    out: &mut Output,
) -> usize {
    let mut j = out.len;
    // A byte read gives at most two bytes (U+0080-U+07FF take two bytes in UTF-8, and many
    // take four in GB 18030); a store writes up to 8 bytes.
    let buf = out.room((data.len() - i) * 2 + 8);
    let continuation = |b: u8| b & 0xC0 == 0x80;
    // Two bytes of code, or four: then the top byte is a digit, 0011xxxx.
    let code_len = |code: u32| 2 + (code >> 28 & 2) as usize;
    while i < data.len() {
        let lead = data[i];
        if lead < 0x80 {
            let k = copy_ascii(data, i, buf, j);
            i += k;
            j += k;
            continue;
        }
        let (code, len) = match lead {
            // Three bytes: the table's slots of overlong forms and surrogates hold no code.
            0xE0..=0xEF => {
                let Some(&[_, second, third]) = data.get(i..i + 3) else { break };
                if !(continuation(second) && continuation(third)) {
                    break;
                }
                let word = u64::from(lead) | u64::from(second) << 8 | u64::from(third) << 16;
                (tables.three[three_index(word)], 3)
            }
            0xC2..=0xDF => {
                let Some(&second) = data.get(i + 1) else { break };
                if !continuation(second) {
                    break;
                }
                (tables.two[usize::from(lead & 0x1F) << 6 | usize::from(second & 0x3F)], 2)
            }
            0xF0..=0xF4 if !special.supplementary => {
                let Some(&[_, second, third, fourth]) = data.get(i..i + 4) else { break };
                if !(continuation(second) && continuation(third) && continuation(fourth)) {
                    break;
                }
                let scalar = u32::from(lead & 0x07) << 18
                    | u32::from(second & 0x3F) << 12
                    | u32::from(third & 0x3F) << 6
                    | u32::from(fourth & 0x3F);
                if !(0x1_0000..=0x10_FFFF).contains(&scalar) {
                    break;
                }
                let code = grammar::four_byte_code(scalar - 0x1_0000 + grammar::SUPPLEMENTARY_POINTER_FIRST);
                (u32::from_le_bytes(code), 4)
            }
            _ => break,
        };
        if code == 0 {
            // The sequence needs a closer look.
            break;
        }
        i += len;
        buf[j..j + 4].copy_from_slice(&code.to_le_bytes());
        j += code_len(code);
        // Chinese text comes in runs of three-byte sequences: stay with them, two a step (one
        // 8-byte load and one mask judge both sequences' shapes, one check the common case of
        // two two-byte codes, one 4-byte store). Anything else (a scalar the table does not
        // hold, an overlong form or a surrogate among them) ends the run, and the loop above
        // takes it. (Four a step was tried: runs are too short in prose for it to pay.)
        while let Some(word) = eight_at(data, i) {
            let word = u64::from_le_bytes(word);
            if word & TWO_THREE_MASK != TWO_THREE_SHAPE {
                break;
            }
            let (left, right) = (tables.three[three_index(word)], tables.three[three_index(word >> 24)]);
            if both_two_byte_codes(left, right) {
                // Two two-byte codes, as nearly all of Chinese text.
                buf[j..j + 4].copy_from_slice(&(left | right << 16).to_le_bytes());
                j += 4;
            } else if left == 0 || right == 0 {
                break;
            } else {
                let len = code_len(left);
                let both = u64::from(left) | u64::from(right) << (8 * len);
                buf[j..j + 8].copy_from_slice(&both.to_le_bytes());
                j += len + code_len(right);
            }
            i += 6;
        }
    }
    out.len = j;
    i
}

/// The first thing the scanner finds in a few bytes.
enum First {
    Char { start: u64, len: u8, c: char },
    Finding(Finding),
}

/// A visitor that keeps the first thing it is told.
#[derive(Default)]
struct FirstOnly(Option<First>);

impl Visitor for FirstOnly {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.0.get_or_insert(First::Finding(finding));
    }

    fn char(&mut self, start: u64, len: u8, c: char) {
        self.0.get_or_insert(First::Char { start, len, c });
    }

    fn ascii(&mut self, start: u64, run: &[u8]) {
        self.0.get_or_insert(First::Char { start, len: 1, c: char::from(run[0]) });
    }
}

/// The sequence at the start of `window` (at most four bytes, at `start` in the source), as
/// the scanner judges it; `None` when the window ends inside it and more bytes may come.
fn gb18030_first(window: &[u8], last: bool, start: u64) -> Option<First> {
    let mut scanner = fast::Scanner::at_offset(start);
    let mut first = FirstOnly::default();
    scanner.feed(window, &mut first);
    if first.0.is_none() && last {
        scanner.finish(&mut first);
    }
    first.0
}

/// The bytes of a sequence cut by the end of a chunk (at most three), kept for the next one.
#[derive(Debug, Default)]
struct Held {
    bytes: [u8; 3],
    len: usize,
}

impl Held {
    /// Keeps `bytes`, the start of a sequence.
    fn keep(&mut self, bytes: &[u8]) {
        self.bytes[..bytes.len()].copy_from_slice(bytes);
        self.len = bytes.len();
    }

    /// Takes the held bytes out, followed by the first `more` bytes of `chunk` (or all of
    /// it): the joined bytes and how many of them were held.
    fn take_joined(&mut self, chunk: &[u8], more: usize) -> ([u8; 7], usize, usize) {
        let (held, take) = (self.len, chunk.len().min(more));
        let mut joined = [0u8; 7];
        joined[..held].copy_from_slice(&self.bytes[..held]);
        joined[held..held + take].copy_from_slice(&chunk[..take]);
        self.len = 0;
        (joined, held, held + take)
    }
}

/// GB 18030 source: a fast loop over ASCII, the two-byte codes of a table and valid four-byte
/// codes, and everything else (codes the profile treats apart, a byte order mark, invalid
/// bytes) one sequence at a time through the scanner, so the converter stops where the
/// checker finds something. A sequence cut by the end of a chunk is kept for the next one.
#[derive(Default)]
struct Gb18030Reader {
    pending: Held,
    /// Offset of the next chunk's first byte.
    offset: u64,
}

impl Gb18030Reader {
    /// Converts one sequence (found by the scanner); returns how many bytes it took.
    fn apply(first: First, writer: &mut Writer) -> usize {
        match first {
            First::Char { start, len, c } => {
                writer.write_char(start, c);
                usize::from(len)
            }
            First::Finding(finding) => {
                let len = finding.span.len as usize;
                writer.finding(finding);
                len
            }
        }
    }

    fn feed(&mut self, chunk: &[u8], last: bool, writer: &mut Writer) {
        let base = self.offset;
        self.offset += chunk.len() as u64;
        let n = chunk.len();
        let mut i = 0;
        // The sequence cut by the end of the last chunk, finished with the first bytes of
        // this one (a sequence is at most four bytes).
        if self.pending.len > 0 {
            let (joined, held, len) = self.pending.take_joined(chunk, 4);
            let window = &joined[..len];
            let at_end = last && len - held == n;
            let mut k = 0;
            while k < held && writer.lossy.is_none() {
                match gb18030_first(&window[k..], at_end, base - (held - k) as u64) {
                    Some(first) => k += Gb18030Reader::apply(first, writer),
                    None => {
                        // The whole chunk is less than a sequence.
                        self.pending.keep(&window[k..]);
                        return;
                    }
                }
            }
            if writer.lossy.is_some() {
                return;
            }
            i = k - held;
        }
        let table = FastTables::utf8_of_pair(writer.profile);
        while i < n && writer.lossy.is_none() {
            let end = (i + BLOCK).min(n);
            i = gb18030_to_utf8_fast(&chunk[..end], i, table, writer.special, &mut writer.out);
            if i == end {
                continue;
            }
            match gb18030_first(&chunk[i..(i + 4).min(n)], last, base + i as u64) {
                Some(first) => i += Gb18030Reader::apply(first, writer),
                None => {
                    self.pending.keep(&chunk[i..]);
                    return;
                }
            }
        }
    }
}

/// UTF-8 source: a fast loop over ASCII and the two- and three-byte sequences of a table, and
/// everything else one sequence at a time (validated as std does). A sequence cut by the end
/// of a chunk is kept for the next one; any invalid byte stops the conversion (the checker
/// says what it is).
#[derive(Default)]
struct Utf8Reader {
    pending: Held,
    /// Offset of the next chunk's first byte.
    offset: u64,
}

impl Utf8Reader {
    /// Converts the sequence at `data[i]` (`start` in the source), a byte `80-FF`; returns how
    /// many bytes it took, or `None` when `data` ends inside it and more may come.
    fn step(data: &[u8], i: usize, last: bool, start: u64, writer: &mut Writer) -> Option<usize> {
        match utf8_at(data, i) {
            Utf8Step::Char(c, len) => {
                writer.write_char(start, c);
                Some(len)
            }
            Utf8Step::Cut if !last => None,
            Utf8Step::Cut => {
                writer.fail(start, Rule::TruncatedSequence);
                Some(1)
            }
            Utf8Step::Invalid => {
                writer.fail(start, Rule::InvalidSequence);
                Some(1)
            }
        }
    }

    fn feed(&mut self, chunk: &[u8], last: bool, writer: &mut Writer) {
        let base = self.offset;
        self.offset += chunk.len() as u64;
        let n = chunk.len();
        let mut i = 0;
        // The sequence cut by the end of the last chunk (a valid start of one), finished with
        // the first bytes of this one.
        if self.pending.len > 0 {
            let (joined, held, len) = self.pending.take_joined(chunk, 4 - self.pending.len);
            let window = &joined[..len];
            match Utf8Reader::step(window, 0, last && len - held == n, base - held as u64, writer) {
                // A cut sequence can only be longer than what was held.
                Some(len) => i = len.saturating_sub(held),
                None => {
                    self.pending.keep(window);
                    return;
                }
            }
        }
        let tables = FastTables::utf8(writer.profile);
        while i < n && writer.lossy.is_none() {
            let end = (i + BLOCK).min(n);
            i = utf8_to_gb18030_fast(&chunk[..end], i, tables, writer.special, &mut writer.out);
            if i == end {
                continue;
            }
            match Utf8Reader::step(chunk, i, last, base + i as u64, writer) {
                Some(len) => i += len,
                None => {
                    self.pending.keep(&chunk[i..]);
                    return;
                }
            }
        }
    }
}

/// What the bytes at an offset of UTF-8 text hold.
enum Utf8Step {
    /// A character and its length.
    Char(char, usize),
    /// The start of a valid sequence cut by the end of the bytes.
    Cut,
    /// An invalid sequence (as `std::str::from_utf8` judges: no overlong forms, surrogates
    /// or scalars past U+10FFFF).
    Invalid,
}

/// Decodes the sequence at `bytes[i]`, a byte `80-FF`.
#[inline(always)]
fn utf8_at(bytes: &[u8], i: usize) -> Utf8Step {
    let lead = bytes[i];
    // The length, and the range of the second byte (narrower after E0, ED, F0 and F4).
    let (len, second) = match lead {
        0xC2..=0xDF => (2, 0x80..=0xBF),
        0xE0 => (3, 0xA0..=0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80..=0xBF),
        0xED => (3, 0x80..=0x9F),
        0xF0 => (4, 0x90..=0xBF),
        0xF1..=0xF3 => (4, 0x80..=0xBF),
        0xF4 => (4, 0x80..=0x8F),
        _ => return Utf8Step::Invalid,
    };
    let mut scalar = u32::from(lead & (0x7F >> len));
    for k in 1..len {
        let Some(&b) = bytes.get(i + k) else { return Utf8Step::Cut };
        let fits = if k == 1 { second.contains(&b) } else { b & 0xC0 == 0x80 };
        if !fits {
            return Utf8Step::Invalid;
        }
        scalar = scalar << 6 | u32::from(b & 0x3F);
    }
    match char::from_u32(scalar) {
        Some(c) => Utf8Step::Char(c, len),
        None => Utf8Step::Invalid,
    }
}

/// Converts a source fed in chunks of any size; each call gives the target bytes of what it
/// could settle (a sequence cut by the end of a chunk is finished with the next one).
///
/// When `from` and `to` are the same, the source is judged as a conversion to the other
/// encoding would judge it (the same refusals), and its own bytes are given back, less a byte
/// order mark that is dropped. They may then run up to three bytes ahead of what is judged
/// (a sequence cut by the end of a chunk): on a refusal, throw away all that was given.
pub struct Converter {
    reader: Reader,
    writer: Writer,
    /// Set when the source is already in the target encoding.
    same: Option<Passthrough>,
}

impl Converter {
    /// A converter from `from` to `to`, judging the GB 18030 side under `profile`.
    pub fn new(from: Encoding, to: Encoding, profile: Profile, bom: Bom) -> Converter {
        let reader = match from {
            Encoding::Gb18030 => Reader::Gb18030(Gb18030Reader::default()),
            Encoding::Utf8 => Reader::Utf8(Utf8Reader::default()),
        };
        let same = (from == to).then(|| Passthrough::new(bom_of(from), bom));
        let profile = side_profile(from, to, profile);
        // The readers' fast loops always write the other encoding: for a source already in the
        // target, what they write only judges it, and is thrown away.
        let writer = Writer {
            from,
            to: if from == to { other(from) } else { to },
            profile,
            special: Special::of(profile),
            encoder: mapping::Encoder::new(),
            bom,
            bom_seen: false,
            lossy: None,
            out: Output::default(),
        };
        Converter { reader, writer, same }
    }

    /// The result of a chunk (or of the end, `last`) that the reader has judged.
    fn result(&mut self, chunk: &[u8], last: bool) -> Result<&[u8], Lossy> {
        if let Some(lossy) = self.writer.lossy {
            return Err(lossy);
        }
        if let Some(same) = &mut self.same {
            self.writer.out.clear();
            same.pass(chunk, &mut self.writer.out);
            if last {
                same.finish(&mut self.writer.out);
            }
        }
        Ok(self.writer.out.as_slice())
    }

    /// Converts the next chunk. The bytes returned are valid until the next call.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<&[u8], Lossy> {
        self.writer.out.clear();
        if let Some(lossy) = self.writer.lossy {
            return Err(lossy);
        }
        match &mut self.reader {
            Reader::Gb18030(reader) => reader.feed(chunk, false, &mut self.writer),
            Reader::Utf8(reader) => reader.feed(chunk, false, &mut self.writer),
        }
        self.result(chunk, false)
    }

    /// Ends the source: a sequence cut by its end is refused (GB002). Returns the last bytes.
    pub fn finish(&mut self) -> Result<&[u8], Lossy> {
        self.writer.out.clear();
        if let Some(lossy) = self.writer.lossy {
            return Err(lossy);
        }
        match &mut self.reader {
            Reader::Gb18030(reader) => reader.feed(&[], true, &mut self.writer),
            Reader::Utf8(reader) => reader.feed(&[], true, &mut self.writer),
        }
        self.result(&[], true)
    }

    /// Whether the source started with a byte order mark (known once its first character
    /// has been fed).
    pub fn bom_seen(&self) -> bool {
        self.writer.bom_seen
    }
}

/// A source already in the target encoding: its bytes as they are, less a byte order mark at
/// the start that is dropped. The start is held until it is known whether it is one.
struct Passthrough {
    /// The source's byte order mark.
    bom: &'static [u8],
    drop_bom: bool,
    /// How many bytes at the start match the byte order mark so far (held back).
    held: usize,
    /// Whether the start has been settled (a byte order mark or not).
    settled: bool,
}

impl Passthrough {
    fn new(bom: &'static [u8], choice: Bom) -> Passthrough {
        Passthrough { bom, drop_bom: choice == Bom::Drop, held: 0, settled: false }
    }

    /// Gives the bytes of `chunk` to `out`.
    fn pass(&mut self, mut chunk: &[u8], out: &mut Output) {
        if !self.settled {
            let take = (self.bom.len() - self.held).min(chunk.len());
            if chunk[..take] != self.bom[self.held..self.held + take] {
                self.settled = true;
                out.extend(&self.bom[..self.held]);
            } else {
                self.held += take;
                chunk = &chunk[take..];
                if self.held < self.bom.len() {
                    return;
                }
                self.settled = true;
                if !self.drop_bom {
                    out.extend(self.bom);
                }
            }
        }
        out.extend(chunk);
    }

    /// Ends the source: a start that was only part of a byte order mark is given back.
    fn finish(&mut self, out: &mut Output) {
        if !self.settled {
            self.settled = true;
            out.extend(&self.bom[..self.held]);
        }
    }
}

/// Converts a whole input held in memory.
pub fn convert_bytes(
    bytes: &[u8],
    from: Encoding,
    to: Encoding,
    profile: Profile,
    bom: Bom,
) -> Result<Vec<u8>, Lossy> {
    let mut converter = Converter::new(from, to, profile, bom);
    let mut out = converter.feed(bytes)?.to_vec();
    out.extend_from_slice(converter.finish()?);
    Ok(out)
}

/// Watches a source, as a conversion reads it, for signs that its text is not what it seems:
/// GB009 (mojibake: text once decoded with the wrong encoding and saved again) and, for a
/// source read as GB 18030, GB008 (it is valid UTF-8 with non-ASCII bytes: read as GB 18030 it
/// would turn into mojibake). The checks are the checker's own rules; GB008 is judged as
/// [`crate::check::check_bytes`] judges it with `--encoding gb18030`.
pub struct Suspicions {
    /// The checker, with GB009 on and every other rule off.
    checker: FileChecker,
    /// For a GB 18030 source: the detector, which decides GB008.
    detector: Option<Detector>,
    offset: u64,
}

impl Suspicions {
    /// Watches a source in `from`, read under `profile`; keeps at most `max_findings`.
    pub fn new(from: Encoding, profile: Profile, max_findings: usize) -> Suspicions {
        let mut rules = RuleSet::new(profile);
        for &rule in Rule::ALL {
            if rule != Rule::Mojibake {
                rules.set_severity(rule, None);
            }
        }
        let encoding = match from {
            Encoding::Gb18030 => EncodingChoice::Gb18030,
            Encoding::Utf8 => EncodingChoice::Utf8,
        };
        let options = Options { encoding, max_findings, rules };
        // GB008 at its default severity; a UTF-8 source that is not UTF-8 is refused anyway.
        let detector = (from == Encoding::Gb18030)
            .then(|| Detector::new(EncodingChoice::Gb18030, &RuleSet::new(profile)));
        Suspicions { checker: FileChecker::new(from, &options, 0), detector, offset: 0 }
    }

    /// Reads the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.checker.feed(chunk);
        self.offset += chunk.len() as u64;
        if let Some(detector) = &mut self.detector {
            detector.feed(chunk);
        }
    }

    /// Ends the source: the GB008 finding alone when the source is valid UTF-8 with
    /// non-ASCII bytes (findings under the wrong decoding would only be noise), else the
    /// GB009 findings. No finding means nothing looks wrong.
    pub fn finish(self) -> FileReport {
        if let Some(finding) = self.detector.and_then(|detector| detector.finish().wrong_encoding) {
            let mut counts = Counts::default();
            counts.count(finding.severity);
            return FileReport {
                encoding: Encoding::Gb18030,
                bytes_checked: self.offset,
                findings: vec![finding],
                counts,
            };
        }
        self.checker.finish()
    }
}

#[cfg(test)]
mod tests {

    /// The one-pass UTF-8 decoder judges every lead and second byte, with third and fourth
    /// bytes at the edges of their ranges, as std does, at every length (cut or not).
    #[test]
    fn utf8_at_agrees_with_std() {
        let edges = [0x00u8, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF];
        for lead in 0x80..=0xFFu8 {
            for second in 0..=0xFFu8 {
                for third in edges {
                    for fourth in edges {
                        let bytes = [lead, second, third, fourth];
                        for len in 1..=4 {
                            let bytes = &bytes[..len];
                            let expected = match std::str::from_utf8(bytes) {
                                Ok(text) => Some(Some(text.chars().next().unwrap())),
                                Err(e) if e.valid_up_to() > 0 => {
                                    let text = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap();
                                    Some(text.chars().next())
                                }
                                Err(e) => e.error_len().map(|_| None),
                            };
                            let got = match utf8_at(bytes, 0) {
                                Utf8Step::Char(c, n) => {
                                    assert_eq!(n, c.len_utf8());
                                    Some(Some(c))
                                }
                                Utf8Step::Invalid => Some(None),
                                Utf8Step::Cut => None,
                            };
                            assert_eq!(got, expected, "{bytes:02X?}");
                        }
                    }
                }
            }
        }
    }

    use super::*;

    fn convert(bytes: &[u8], from: Encoding, to: Encoding, profile: Profile) -> Result<Vec<u8>, Lossy> {
        convert_bytes(bytes, from, to, profile, Bom::Drop)
    }

    #[test]
    fn strict_2022_has_no_special_scalar() {
        let special = Special::compute(Profile::Gb18030_2022);
        assert!(special.empty && special.bits.iter().all(|&word| word == 0));
    }

    /// [`three_index`] puts every three-byte sequence in a slot of its own, and the table holds
    /// for each exactly what the one-character-at-a-time way gives (nothing for overlong forms
    /// and surrogates), under every profile.
    #[test]
    fn three_index_is_a_bijection() {
        let mut seen = vec![false; 0x1_0000];
        for scalar in 0..0x1_0000u32 {
            let word = u64::from(0xE0 | scalar >> 12)
                | u64::from(0x80 | (scalar >> 6 & 0x3F)) << 8
                | u64::from(0x80 | (scalar & 0x3F)) << 16;
            assert_eq!(word, three_byte_word(scalar));
            let slot = three_index(word | 0xABCD << 32);
            assert_eq!(slot, three_index(word));
            assert!(!seen[slot], "{scalar:04X}");
            seen[slot] = true;
        }
        for profile in Profile::ALL {
            let tables = FastTables::utf8(profile);
            for scalar in 0..0x1_0000u32 {
                let entry = tables.three[three_index(three_byte_word(scalar))];
                let expected = match char::from_u32(scalar) {
                    Some(c) if scalar >= 0x800 && c != '\u{FEFF}' && !Special::of(profile).contains(c) => {
                        let mut bytes = [0u8; 4];
                        let code = mapping::encode(c);
                        bytes[..code.as_bytes().len()].copy_from_slice(code.as_bytes());
                        u32::from_le_bytes(bytes)
                    }
                    _ => 0,
                };
                assert_eq!(entry, expected, "{profile} U+{scalar:04X}");
            }
        }
    }

    #[test]
    fn chunked_equals_whole() {
        let text = "中文 ok 𠀀 é\u{E5E5}\u{FEFF}x\n".repeat(3);
        let gb = convert(text.as_bytes(), Encoding::Utf8, Encoding::Gb18030, Profile::Gb18030_2022).unwrap();
        for size in 1..8 {
            let mut converter =
                Converter::new(Encoding::Gb18030, Encoding::Utf8, Profile::Gb18030_2022, Bom::Keep);
            let mut out = Vec::new();
            for chunk in gb.chunks(size) {
                out.extend_from_slice(converter.feed(chunk).unwrap());
            }
            out.extend_from_slice(converter.finish().unwrap());
            assert_eq!(out, text.as_bytes(), "chunks of {size}");
        }
    }

    #[test]
    fn boms_are_dropped_or_kept_as_the_targets() {
        let utf8 = b"\xEF\xBB\xBFa";
        let dropped = convert(utf8, Encoding::Utf8, Encoding::Gb18030, Profile::Gb18030_2022).unwrap();
        assert_eq!(dropped, b"a");
        let kept = convert_bytes(utf8, Encoding::Utf8, Encoding::Gb18030, Profile::Gb18030_2022, Bom::Keep);
        assert_eq!(kept.unwrap(), b"\x84\x31\x95\x33a");
    }

    #[test]
    fn refusals_name_the_place_and_rule() {
        let euro = convert(b"a\x80", Encoding::Gb18030, Encoding::Utf8, Profile::Whatwg).unwrap_err();
        assert_eq!(euro, Lossy { offset: 1, rule: Rule::RoundTripMismatch });
        let gbk = convert(b"a\x80", Encoding::Gb18030, Encoding::Utf8, Profile::Gbk).unwrap();
        assert_eq!(gbk, "a€".as_bytes());
        let cut =
            convert(b"ab\x81\x30", Encoding::Gb18030, Encoding::Utf8, Profile::Gb18030_2022).unwrap_err();
        assert_eq!(cut, Lossy { offset: 2, rule: Rule::TruncatedSequence });
        let e5e5 =
            convert("\u{E5E5}".as_bytes(), Encoding::Utf8, Encoding::Gb18030, Profile::Whatwg).unwrap_err();
        assert_eq!(e5e5.rule, Rule::Unencodable);
    }

    /// A source already in the target encoding comes back as its own bytes (the BOM dropped
    /// unless kept), whatever the chunks; it is judged as a conversion would judge it.
    #[test]
    fn a_source_in_the_target_encoding_is_given_back_as_it_is() {
        let p = Profile::Gb18030_2022;
        // (encoding, input, valid, the input less a BOM at its start)
        let cases: [(Encoding, &[u8], bool, &[u8]); 5] = [
            (Encoding::Utf8, b"\xEF\xBB\xBF\xE4\xB8\xADa\n", true, b"\xE4\xB8\xADa\n"),
            (Encoding::Utf8, b"\xE4\xB8\xAD\xEF\xBB\xBF", true, b"\xE4\xB8\xAD\xEF\xBB\xBF"),
            (Encoding::Utf8, b"\xEF\xBBa", false, b""),
            (Encoding::Gb18030, b"\x84\x31\x95\x33\xD6\xD0\n", true, b"\xD6\xD0\n"),
            (Encoding::Gb18030, b"\x84\x31\xD6\xD0", false, b""),
        ];
        for (encoding, input, valid, dropped) in cases {
            for size in 1..=input.len() {
                for (bom, expected) in [(Bom::Drop, dropped), (Bom::Keep, input)] {
                    let mut converter = Converter::new(encoding, encoding, p, bom);
                    let got = (|| {
                        let mut out = Vec::new();
                        for chunk in input.chunks(size) {
                            out.extend_from_slice(converter.feed(chunk)?);
                        }
                        out.extend_from_slice(converter.finish()?);
                        Ok::<_, Lossy>(out)
                    })();
                    if valid {
                        assert_eq!(got.as_deref(), Ok(expected), "{input:02X?} chunks of {size}");
                    } else {
                        assert!(got.is_err(), "{input:02X?} chunks of {size}");
                    }
                }
            }
        }
        // UTF-8 to UTF-8 asks for valid UTF-8 only: U+E5E5 and an emoji under WHATWG and GBK.
        let text = "\u{E5E5}😀\n".as_bytes();
        for profile in Profile::ALL {
            assert_eq!(convert(text, Encoding::Utf8, Encoding::Utf8, profile).unwrap(), text);
        }
        // GB 18030 to GB 18030 is judged under the profile: a one-way code under WHATWG.
        let one_way = convert(b"a\xA3\xA0", Encoding::Gb18030, Encoding::Gb18030, Profile::Whatwg);
        assert_eq!(one_way.unwrap_err(), Lossy { offset: 1, rule: Rule::RoundTripMismatch });
    }

    /// GB009 and GB008 as the checker finds them with `--encoding`.
    #[test]
    fn suspicions_are_the_checkers_gb008_and_gb009() {
        use crate::check::check_bytes;
        let mojibake_utf8 = "问候：浣犲ソ涓栫晫\n".as_bytes();
        let inputs: [(&[u8], Encoding, Option<Rule>); 5] = [
            (mojibake_utf8, Encoding::Utf8, Some(Rule::Mojibake)),
            ("你好世界\n".as_bytes(), Encoding::Utf8, None),
            ("你好世界\n".as_bytes(), Encoding::Gb18030, Some(Rule::WrongEncoding)),
            (b"\xC4\xE3\xBA\xC3\n", Encoding::Gb18030, None),
            (b"plain\n", Encoding::Gb18030, None),
        ];
        for (input, from, expected) in inputs {
            for size in [1, 3, input.len()] {
                let mut suspicions = Suspicions::new(from, Profile::Gb18030_2022, 10);
                input.chunks(size).for_each(|chunk| suspicions.feed(chunk));
                let report = suspicions.finish();
                let rules: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
                assert_eq!(rules, expected.into_iter().collect::<Vec<_>>(), "{input:02X?} chunks of {size}");
                // The checker's own verdict for the same rule.
                if let Some(rule) = expected {
                    let mut options = check_options(from, Profile::Gb18030_2022, 10);
                    options.rules = RuleSet::new(Profile::Gb18030_2022);
                    let checked = check_bytes(input, &options);
                    assert!(checked.findings.iter().any(|f| f.rule == rule), "{input:02X?}");
                }
            }
        }
    }
}

#[cfg(test)]
mod fast_loop_tests {
    use super::*;
    use crate::scan::scan_gb18030;

    /// The old way, one character at a time: the scanner's visitor for GB 18030, std's
    /// decoder for UTF-8.
    fn reference(bytes: &[u8], from: Encoding, to: Encoding, profile: Profile) -> Result<Vec<u8>, Lossy> {
        let mut converter = Converter::new(from, to, profile, Bom::Drop);
        let writer = &mut converter.writer;
        match from {
            Encoding::Gb18030 => scan_gb18030(bytes, writer),
            Encoding::Utf8 => {
                let (valid, error) = match std::str::from_utf8(bytes) {
                    Ok(text) => (text, None),
                    Err(e) => (std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap(), Some(e)),
                };
                for (at, c) in valid.char_indices() {
                    writer.write_char(at as u64, c);
                }
                if let Some(e) = error {
                    let rule =
                        if e.error_len().is_some() { Rule::InvalidSequence } else { Rule::TruncatedSequence };
                    writer.fail(e.valid_up_to() as u64, rule);
                }
            }
        }
        match writer.lossy {
            Some(lossy) => Err(lossy),
            None => Ok(writer.out.as_slice().to_vec()),
        }
    }

    /// Text of every kind, long enough to cross the fast loops' blocks: runs of ASCII, two-
    /// and four-byte codes (`four_byte`), a byte order mark; with `rare`, now and then a code
    /// some profile treats apart, and with `invalid` now and then an invalid byte.
    fn gb18030_text(seed: u64, four_byte: bool, rare: bool, invalid: bool) -> Vec<u8> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // Two-byte codes of three-byte UTF-8 forms (D6D0, CEC4, A3AC) and of two-byte ones
        // (A6A1 U+0391, A1A4 U+00B7), in runs of either and mixed.
        let common: [&[u8]; 10] = [
            b"abc def",
            b"\n",
            b"0123456789 ascii run of some length, longer than sixteen bytes\n",
            b"\xD6\xD0\xCE\xC4",
            b"\xA3\xAC",
            b"\xA6\xA1\xD6\xD0",
            b"\xD6\xD0\xA1\xA4\xCE\xC4\xA6\xA1",
            b"\x81\x30\x81\x30",
            b"\x84\x31\x95\x33",
            b"\x95\x32\x82\x36",
        ];
        let common = if four_byte { &common[..] } else { &common[..7] };
        let apart: [&[u8]; 7] = [
            b"\xA3\xA0",
            b"\xA8\xBC",
            b"\x81\x35\xF4\x37",
            b"\x84\x31\x82\x36",
            b"\xFE\x51",
            b"\xA6\xD9",
            b"\x80",
        ];
        let mut text = Vec::new();
        if four_byte && seed % 2 == 1 {
            text.extend_from_slice(GB18030_BOM);
        }
        while text.len() < 3 * BLOCK {
            let r = next();
            if invalid && r % 2003 == 0 {
                text.push([0x80, 0xFF, 0x81][(r / 2003 % 3) as usize]);
            } else if rare && r % 1009 == 0 {
                text.extend_from_slice(apart[(r / 1009 % apart.len() as u64) as usize]);
            } else {
                text.extend_from_slice(common[(r % common.len() as u64) as usize]);
            }
        }
        text
    }

    /// UTF-8 with long runs of three-byte sequences (what the loop takes two at a time), each
    /// run now and then broken, in either place of a pair, by an overlong form, a surrogate,
    /// a character some profile treats apart, a byte order mark, a two- or four-byte
    /// sequence, a bad continuation byte or ASCII.
    #[test]
    fn utf8_runs_agree_with_one_character_at_a_time() {
        let run: [&[u8]; 4] =
            ["中文".as_bytes(), "，".as_bytes(), "汉字表".as_bytes(), "\u{800}\u{FFFD}".as_bytes()];
        let breaks: [&[u8]; 12] = [
            b"\xE0\x80\x80",
            b"\xE0\x9F\xBF",
            b"\xED\xA0\x80",
            "\u{E5E5}".as_bytes(),
            "\u{FE10}".as_bytes(),
            "\u{FEFF}".as_bytes(),
            "é".as_bytes(),
            "😀".as_bytes(),
            b"\xE4\xB8\x41",
            b"\xE4\x41\xAD",
            b"a",
            "\u{1E3F}".as_bytes(),
        ];
        for seed in 1..=24u64 {
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let mut text = Vec::new();
            while text.len() < 3 * BLOCK {
                let r = next();
                // The first twelve seeds break runs only with what converts (under some
                // profiles), so that they go on long; the others with anything.
                let valid = [3, 4, 5, 6, 7, 10, 11];
                if r % 61 == 0 {
                    let k = (r / 61) as usize;
                    let k = if seed > 12 { k % breaks.len() } else { valid[k % valid.len()] };
                    text.extend_from_slice(breaks[k]);
                } else {
                    text.extend_from_slice(run[(r % 4) as usize]);
                }
            }
            for profile in Profile::ALL {
                let expected = reference(&text, Encoding::Utf8, Encoding::Gb18030, profile);
                for size in [1, 5, 4099, text.len()] {
                    let mut converter = Converter::new(Encoding::Utf8, Encoding::Gb18030, profile, Bom::Drop);
                    let mut out = Vec::new();
                    let got = (|| {
                        for chunk in text.chunks(size) {
                            out.extend_from_slice(converter.feed(chunk)?);
                        }
                        out.extend_from_slice(converter.finish()?);
                        Ok(out)
                    })();
                    assert!(got == expected, "{profile} seed {seed} chunks of {size}");
                }
            }
        }
    }

    /// Converts `input` in chunks of `size` bytes.
    fn chunked(
        input: &[u8],
        size: usize,
        from: Encoding,
        to: Encoding,
        profile: Profile,
    ) -> Result<Vec<u8>, Lossy> {
        let mut converter = Converter::new(from, to, profile, Bom::Drop);
        let mut out = Vec::new();
        for chunk in input.chunks(size) {
            out.extend_from_slice(converter.feed(chunk)?);
        }
        out.extend_from_slice(converter.finish()?);
        Ok(out)
    }

    /// Every three-byte UTF-8 shape (every lead E0-EF, every second byte, third bytes at the
    /// edges of their ranges: overlong forms, surrogates, bad continuation bytes, characters
    /// some profile treats apart), alone, first and second of a pair in a run of three-byte
    /// sequences, and cut by the end of the input, agrees with the one-character-at-a-time
    /// way under every profile.
    #[test]
    fn every_three_byte_shape_agrees_with_one_character_at_a_time() {
        let edges = [0x00u8, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xB9, 0xBF, 0xC0, 0xFF];
        let (zhong, wen) = ("中".as_bytes(), "文".as_bytes());
        for lead in 0xE0..=0xEFu8 {
            for second in 0..=0xFFu8 {
                for third in edges {
                    let seq = [lead, second, third];
                    let inputs = [
                        [&seq[..], wen, zhong].concat(),
                        [zhong, &seq[..], wen, zhong].concat(),
                        [zhong, wen, &seq[..], zhong].concat(),
                        [b"a", &seq[..], wen].concat(),
                        [zhong, wen, &seq[..2]].concat(),
                    ];
                    for profile in Profile::ALL {
                        for input in &inputs {
                            let expected = reference(input, Encoding::Utf8, Encoding::Gb18030, profile);
                            let got = chunked(input, input.len(), Encoding::Utf8, Encoding::Gb18030, profile);
                            assert!(got == expected, "{profile} {input:02X?}");
                        }
                    }
                }
            }
        }
    }

    /// Short text of every kind in both encodings, converted in chunks of every size from one
    /// byte to the whole, so that every sequence is cut at every place by a chunk's end.
    #[test]
    fn every_chunk_size_agrees_with_one_character_at_a_time() {
        let text = "\u{FEFF}中文，a·Α中bc 汉字表\u{E5E5}é😀\u{80}\u{FE10}\u{1E3F}\u{20AC}字\n文中文中 x";
        let gb = convert_bytes(
            text.as_bytes(),
            Encoding::Utf8,
            Encoding::Gb18030,
            Profile::Gb18030_2022,
            Bom::Keep,
        )
        .unwrap();
        let inputs = [
            (Encoding::Utf8, text.as_bytes().to_vec()),
            (Encoding::Utf8, [text.as_bytes(), b"\xE0\x80\x80", text.as_bytes()].concat()),
            (Encoding::Utf8, [text.as_bytes(), b"\xED\xA0\x80"].concat()),
            (Encoding::Utf8, [text.as_bytes(), "中".as_bytes()[..2].as_ref()].concat()),
            (Encoding::Gb18030, gb.clone()),
            (Encoding::Gb18030, [&gb[..], b"\xA3\xA0\xD6\xD0\x80\xCE\xC4"].concat()),
            (Encoding::Gb18030, [&gb[..], b"\xD6"].concat()),
        ];
        for (from, input) in &inputs {
            let to = match from {
                Encoding::Utf8 => Encoding::Gb18030,
                Encoding::Gb18030 => Encoding::Utf8,
            };
            for profile in Profile::ALL {
                let expected = reference(input, *from, to, profile);
                for size in 1..=input.len() {
                    let got = chunked(input, size, *from, to, profile);
                    assert!(got == expected, "{profile} {from:?} chunks of {size}: {input:02X?}");
                }
            }
        }
    }

    #[test]
    fn fast_loops_agree_with_one_character_at_a_time() {
        for profile in Profile::ALL {
            for seed in 1..=12u64 {
                let gb = gb18030_text(seed, profile != Profile::Gbk, seed % 2 == 0, seed % 3 == 0);
                let utf8 = match convert_bytes(
                    &gb,
                    Encoding::Gb18030,
                    Encoding::Utf8,
                    Profile::Gb18030_2022,
                    Bom::Keep,
                ) {
                    Ok(utf8) => utf8,
                    Err(_) => [&b"\xEF\xBB\xBF"[..], "中文 \u{80}é\u{E5E5}😀\n".as_bytes(), b"\xED\xA0\x80"]
                        .concat(),
                };
                for (from, to, input) in
                    [(Encoding::Gb18030, Encoding::Utf8, &gb), (Encoding::Utf8, Encoding::Gb18030, &utf8)]
                {
                    let expected = reference(input, from, to, profile);
                    for size in [1, 3, 7, 4099, input.len()] {
                        let mut converter = Converter::new(from, to, profile, Bom::Drop);
                        let mut out = Vec::new();
                        let got = (|| {
                            for chunk in input.chunks(size) {
                                out.extend_from_slice(converter.feed(chunk)?);
                            }
                            out.extend_from_slice(converter.finish()?);
                            Ok(out)
                        })();
                        assert!(got == expected, "{profile} {from:?} seed {seed} chunks of {size}");
                    }
                }
            }
        }
    }
}
