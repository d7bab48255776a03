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

use crate::check::Options;
use crate::encoding::{Encoding, EncodingChoice, UTF8_BOM};
use crate::finding::{Cause, Finding, Rule};
use crate::mapping;
use crate::profile::Profile;
use crate::rules::RuleSet;
use crate::scan::{fast, utf8::Utf8Scanner, Visitor};

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

/// Options for [`crate::check::FileChecker`] (or [`crate::check::check_bytes`]) that report
/// exactly what converting a `from` input under `profile` refuses. Every such finding is an
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
    /// Whether supplementary scalars are special too (GBK has no four-byte codes).
    supplementary: bool,
}

impl Special {
    fn of(profile: Profile) -> &'static Special {
        static TABLES: [OnceLock<Special>; 4] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let index = Profile::ALL.iter().position(|&p| p == profile).unwrap_or(0);
        TABLES[index].get_or_init(|| Special::build(profile))
    }

    fn build(profile: Profile) -> Special {
        let mut bits = vec![0u64; 0x1_0000 / 64].into_boxed_slice();
        for scalar in 0..0x1_0000u32 {
            let Some(c) = char::from_u32(scalar) else { continue };
            let code = mapping::encode(c);
            let same = profile.decode(code.as_bytes()) == Some(c) && profile.encode(c) == Some(code);
            if !same {
                bits[scalar as usize / 64] |= 1 << (scalar % 64);
            }
        }
        Special { bits, supplementary: profile == Profile::Gbk }
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

/// The visitor that writes the target while the scanner decodes the source.
struct Writer {
    from: Encoding,
    to: Encoding,
    profile: Profile,
    special: &'static Special,
    bom: Bom,
    bom_seen: bool,
    lossy: Option<Lossy>,
    out: Vec<u8>,
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
            Encoding::Utf8 => {
                let mut buf = [0u8; 4];
                self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Encoding::Gb18030 => {
                if !self.special.contains(c) {
                    self.out.extend_from_slice(mapping::encode(c).as_bytes());
                    return;
                }
                match self.profile.encode(c) {
                    None => self.fail(start, Rule::Unencodable),
                    Some(code) if self.profile.decode(code.as_bytes()) == Some(c) => {
                        self.out.extend_from_slice(code.as_bytes());
                    }
                    Some(_) => self.fail(start, Rule::RoundTripMismatch),
                }
            }
        }
    }

    #[inline]
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
        self.scalar(start, c);
    }

    #[inline]
    fn ascii(&mut self, _start: u64, run: &[u8]) {
        // ASCII is the same bytes in both encodings and under every profile.
        if self.lossy.is_none() {
            self.out.extend_from_slice(run);
        }
    }
}

/// The scanner of the source encoding.
enum Scanner {
    Gb18030(fast::Scanner),
    Utf8(Utf8Reader),
}

/// UTF-8 source: one validation of each chunk by std, then a plain loop over its characters
/// (faster than a visitor for this one purpose). A sequence cut by the end of a chunk is kept
/// for the next one; any invalid byte stops the conversion (the checker says what it is).
#[derive(Default)]
struct Utf8Reader {
    pending: Vec<u8>,
    /// Offset of the first byte of `pending` (or of the next chunk).
    offset: u64,
}

impl Utf8Reader {
    fn feed(&mut self, chunk: &[u8], last: bool, writer: &mut Writer) {
        let joined;
        let data: &[u8] = if self.pending.is_empty() {
            chunk
        } else {
            self.pending.extend_from_slice(chunk);
            joined = std::mem::take(&mut self.pending);
            &joined
        };
        let base = self.offset;
        // A bad sequence is refused after the valid text before it: a character there that
        // cannot be converted is the first place, and is the one reported.
        let (valid, rest, error) = match std::str::from_utf8(data) {
            Ok(text) => (text, &data[data.len()..], None),
            Err(e) => {
                let (valid, rest) = data.split_at(e.valid_up_to());
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                let rule = match e.error_len() {
                    None if !last => None,
                    None => Some(Rule::TruncatedSequence),
                    Some(_) => Some(Rule::InvalidSequence),
                };
                (valid, rest, rule.map(|rule| (base + e.valid_up_to() as u64, rule)))
            }
        };
        let bytes = valid.as_bytes();
        let mut i = 0;
        while i < bytes.len() && writer.lossy.is_none() {
            let b = bytes[i];
            if b < 0x80 {
                writer.out.push(b);
                i += 1;
                continue;
            }
            let c = valid[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
            writer.scalar(base + i as u64, c);
            i += c.len_utf8();
        }
        if let Some((offset, rule)) = error {
            writer.fail(offset, rule);
        }
        if writer.lossy.is_none() {
            self.pending = rest.to_vec();
            self.offset = base + (data.len() - rest.len()) as u64;
        }
    }
}

/// Converts a source fed in chunks of any size; each call gives the target bytes of what it
/// could settle (a sequence cut by the end of a chunk is finished with the next one).
pub struct Converter {
    scanner: Scanner,
    writer: Writer,
}

impl Converter {
    /// A converter from `from` to `to`, judging the GB 18030 side under `profile`.
    pub fn new(from: Encoding, to: Encoding, profile: Profile, bom: Bom) -> Converter {
        let scanner = match from {
            Encoding::Gb18030 => Scanner::Gb18030(fast::Scanner::new()),
            Encoding::Utf8 => Scanner::Utf8(Utf8Reader::default()),
        };
        let writer = Writer {
            from,
            to,
            profile,
            special: Special::of(profile),
            bom,
            bom_seen: false,
            lossy: None,
            out: Vec::new(),
        };
        Converter { scanner, writer }
    }

    /// Converts the next chunk. The bytes returned are valid until the next call.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<&[u8], Lossy> {
        self.writer.out.clear();
        if let Some(lossy) = self.writer.lossy {
            return Err(lossy);
        }
        // UTF-8 to GB 18030 writes at most as many bytes as it reads, and GB 18030 to UTF-8
        // at most 1.5 times as many; reserving spares the hot loop most capacity checks.
        self.writer.out.reserve(chunk.len() + chunk.len() / 2 + 8);
        match &mut self.scanner {
            Scanner::Gb18030(scanner) => scanner.feed(chunk, &mut self.writer),
            Scanner::Utf8(reader) => reader.feed(chunk, false, &mut self.writer),
        }
        match self.writer.lossy {
            Some(lossy) => Err(lossy),
            None => Ok(&self.writer.out),
        }
    }

    /// Ends the source: a sequence cut by its end is refused (GB002). Returns the last bytes.
    pub fn finish(&mut self) -> Result<&[u8], Lossy> {
        self.writer.out.clear();
        if let Some(lossy) = self.writer.lossy {
            return Err(lossy);
        }
        match &mut self.scanner {
            Scanner::Gb18030(scanner) => scanner.finish(&mut self.writer),
            Scanner::Utf8(reader) => reader.feed(&[], true, &mut self.writer),
        }
        match self.writer.lossy {
            Some(lossy) => Err(lossy),
            None => Ok(&self.writer.out),
        }
    }

    /// Whether the source started with a byte order mark (known once its first character
    /// has been fed).
    pub fn bom_seen(&self) -> bool {
        self.writer.bom_seen
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

/// Guesses the encoding of a source fed in chunks, as [`crate::check::detect`] does for a
/// whole input: UTF-8 when it starts with a UTF-8 BOM or is valid UTF-8 with non-ASCII
/// bytes, GB 18030 otherwise.
#[derive(Debug, Default)]
pub struct Detector {
    scanner: Utf8Scanner,
    invalid: InvalidSeen,
    non_ascii: bool,
    start: Vec<u8>,
}

#[derive(Debug, Default)]
struct InvalidSeen(bool);

impl Visitor for InvalidSeen {
    fn finding(&mut self, _: Finding) {
        self.0 = true;
    }
}

impl Detector {
    /// A detector at the start of an input.
    pub fn new() -> Detector {
        Detector::default()
    }

    /// Reads the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.start.len() < UTF8_BOM.len() {
            let take = (UTF8_BOM.len() - self.start.len()).min(chunk.len());
            self.start.extend_from_slice(&chunk[..take]);
        }
        if !self.invalid.0 {
            self.non_ascii |= !chunk.is_ascii();
            self.scanner.feed(chunk, &mut self.invalid);
        }
    }

    /// Whether the answer can no longer change: the input is not UTF-8 and has no UTF-8 BOM.
    pub fn is_settled(&self) -> bool {
        self.invalid.0 && self.start.len() >= UTF8_BOM.len() && self.start != UTF8_BOM
    }

    /// The encoding of the whole input.
    pub fn finish(mut self) -> Encoding {
        self.scanner.finish(&mut self.invalid);
        if self.start == UTF8_BOM || (self.non_ascii && !self.invalid.0) {
            Encoding::Utf8
        } else {
            Encoding::Gb18030
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(bytes: &[u8], from: Encoding, to: Encoding, profile: Profile) -> Result<Vec<u8>, Lossy> {
        convert_bytes(bytes, from, to, profile, Bom::Drop)
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

    #[test]
    fn detector_agrees_with_detect() {
        for input in [&b"plain"[..], "中文".as_bytes(), b"\xD6\xD0", b"\xEF\xBB\xBF\xFF", b""] {
            let mut detector = Detector::new();
            for byte in input {
                detector.feed(std::slice::from_ref(byte));
            }
            assert_eq!(detector.finish(), crate::encoding::detect(input), "{input:02X?}");
        }
    }
}
