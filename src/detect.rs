//! The one place that decides which encoding an input is checked as, and whether it gets the
//! file-level GB008 (wrong encoding) finding.
//!
//! Both decisions need facts about the input: whether it starts with a UTF-8 BOM, how much
//! of its first non-ASCII text is valid UTF-8 ([`Utf8Evidence`], for `auto`), whether it is
//! valid UTF-8 and (when UTF-8 is required) whether it is clean GB 18030 (for GB008).
//! [`Detector`] gathers them from an input fed in chunks of any size, in bounded memory, and
//! says when nothing fed later can change the answer ([`Detector::is_settled`]), so that a
//! caller reading a big file can stop early: under `auto` that is within the first
//! [`EVIDENCE_ITEMS`] non-ASCII items; only an all-ASCII file, or with GB008 a valid UTF-8 one,
//! must be read to its end. `check_bytes`, a big file's pre-pass in the CLI and `gbcheck
//! convert` all ask it. How `auto` decides, and the data its threshold came from, is in
//! `docs/encodings.md`.
//!
//! ```
//! use gbcheck::check::{Encoding, EncodingChoice};
//! use gbcheck::detect::Detector;
//! use gbcheck::finding::Rule;
//! use gbcheck::rules::RuleSet;
//!
//! // "中文" in UTF-8, fed one byte at a time, under `--encoding gb18030`.
//! let mut detector = Detector::new(EncodingChoice::Gb18030, &RuleSet::default());
//! for byte in "plain 中文\n".as_bytes() {
//!     detector.feed(std::slice::from_ref(byte));
//! }
//! let detection = detector.finish();
//! assert_eq!(detection.encoding, Encoding::Gb18030);
//! assert_eq!(detection.wrong_encoding.map(|f| f.rule), Some(Rule::WrongEncoding));
//!
//! // The same bytes under `auto` are UTF-8, with no GB008.
//! let detection = Detector::detect("plain 中文\n".as_bytes(), EncodingChoice::Auto, &RuleSet::default());
//! assert_eq!((detection.encoding, detection.wrong_encoding), (Encoding::Utf8, None));
//! ```

use crate::encoding::{Encoding, EncodingChoice, UTF8_BOM};
use crate::finding::{Cause, Finding, Rule, Severity};
use crate::rules::RuleSet;
use crate::scan::utf8::Utf8Scanner;
use crate::scan::{fast, Visitor};

/// What the detector decided for a whole input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detection {
    /// The encoding the input is checked as.
    pub encoding: Encoding,
    /// With an explicit encoding, the single GB008 finding (severity as the rules say) when
    /// the input is plainly in the other encoding: it is then the input's only finding, since
    /// findings under the wrong decoding would only be noise.
    pub wrong_encoding: Option<Finding>,
}

/// Whether a scan found anything that counts (a lone `80` may be the euro sign).
#[derive(Clone, Debug, Default)]
struct AnyFinding {
    /// A lone `80` is valid (the euro sign, under the GBK and WHATWG profiles).
    euro_is_valid: bool,
    any: bool,
}

/// Whether `bytes` scan as GB 18030 with no byte-level finding, a lone `80` being the euro
/// sign where `profile` has it: what GB008 (here) and GB016 (`formats`) take for GB 18030.
pub(crate) fn has_no_gb18030_defect(bytes: &[u8], profile: crate::profile::Profile) -> bool {
    let mut defect = AnyFinding { euro_is_valid: profile.decode(&[0x80]).is_some(), any: false };
    crate::scan::scan_gb18030(bytes, &mut defect);
    !defect.any
}

impl Visitor for AnyFinding {
    fn finding(&mut self, finding: Finding) {
        self.any |= !(self.euro_is_valid && finding.cause == Cause::BadLead(0x80));
    }
}

/// How many of an input's first non-ASCII items (a valid UTF-8 character, or an invalid or
/// cut span) `auto` weighs: enough for any real text, and a prefix, so that a big file is
/// decided after its first few kilobytes of non-ASCII text and a chunked read agrees with a
/// whole one.
pub const EVIDENCE_ITEMS: u32 = 4096;

/// Near-UTF-8: at least this many valid non-ASCII UTF-8 characters...
const NEAR_UTF8_MIN_VALID: u32 = 16;
/// ...and at least this many of them per invalid span. Real GB 18030 Chinese text with 16 or
/// more accidental UTF-8 characters has at most 0.68 of them per invalid span (`docs/encodings.md`).
const NEAR_UTF8_VALID_PER_INVALID: u32 = 2;

/// The UTF-8 evidence `auto` decides on: valid non-ASCII characters and invalid spans among
/// the input's first [`EVIDENCE_ITEMS`] non-ASCII items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Utf8Evidence {
    /// Valid UTF-8 characters outside ASCII.
    pub valid: u32,
    /// Invalid UTF-8 spans (as std's validator delimits them), a sequence cut by the end included.
    pub invalid: u32,
}

impl Utf8Evidence {
    /// Whether all the evidence weighed is in.
    fn is_full(&self) -> bool {
        self.valid + self.invalid >= EVIDENCE_ITEMS
    }

    /// Whether nothing later can change [`Utf8Evidence::is_utf8`]: the window is full, or
    /// too many spans are invalid for the rest of it to outweigh them.
    fn is_decided(&self) -> bool {
        self.is_full() || 3 * self.invalid > EVIDENCE_ITEMS
    }

    /// Whether the input reads as UTF-8: valid with some non-ASCII text, or near-UTF-8 (a
    /// few invalid spans among much valid non-ASCII text).
    pub fn is_utf8(&self) -> bool {
        (self.invalid == 0 && self.valid > 0)
            || (self.valid >= NEAR_UTF8_MIN_VALID && self.valid >= NEAR_UTF8_VALID_PER_INVALID * self.invalid)
    }
}

impl Visitor for Utf8Evidence {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, _: Finding) {
        if !self.is_full() {
            self.invalid += 1;
        }
    }

    fn char(&mut self, _: u64, len: u8, _: char) {
        if len > 1 && !self.is_full() {
            self.valid += 1;
        }
    }
}

/// Decides an input's encoding and GB008 from chunks of it.
///
/// `auto` takes UTF-8 for an input that starts with a UTF-8 BOM or whose first non-ASCII
/// text is valid or near-UTF-8 ([`Utf8Evidence::is_utf8`]; correct UTF-8 Chinese is often also
/// valid GB 18030, but GB 18030 Chinese is almost never valid UTF-8), GB 18030 otherwise. With an explicit encoding and GB008 on,
/// an input checked as GB 18030 that is valid UTF-8 with non-ASCII bytes, or one checked as
/// UTF-8 that is not UTF-8 but clean GB 18030 with non-ASCII bytes, gets GB008.
#[derive(Clone, Debug)]
pub struct Detector {
    choice: EncodingChoice,
    /// GB008's severity, when it is on and the encoding is explicit.
    gb008: Option<Severity>,
    /// The input's first bytes, up to the length of a UTF-8 BOM.
    start: Vec<u8>,
    /// UTF-8 validation, while it matters; `invalid_utf8.any` once it failed (under an
    /// explicit encoding), `evidence` what `auto` weighs.
    utf8: Utf8Scanner,
    invalid_utf8: AnyFinding,
    evidence: Utf8Evidence,
    /// GB 18030 validation (for GB008 under UTF-8), while it matters; `gb18030_defect.any`
    /// once it failed.
    gb18030: Option<fast::Scanner>,
    gb18030_defect: AnyFinding,
    first_non_ascii: Option<u64>,
    /// Bytes fed so far.
    offset: u64,
}

/// The scanners are fed pieces this long, so that each stops soon after its first finding
/// (GB 18030 text fed to the UTF-8 scanner has one every two bytes).
const PIECE: usize = 4096;

impl Detector {
    /// A detector at the start of an input to be checked as `choice` under `rules` (GB008's
    /// severity, and the profile: under GBK and WHATWG a lone `80` is the euro sign).
    pub fn new(choice: EncodingChoice, rules: &RuleSet) -> Detector {
        let gb008 = match choice {
            EncodingChoice::Auto => None,
            _ => rules.severity(Rule::WrongEncoding),
        };
        let euro_is_valid = rules.profile.decode(&[0x80]).is_some();
        let gb18030 = (choice == EncodingChoice::Utf8 && gb008.is_some()).then(fast::Scanner::new);
        Detector {
            choice,
            gb008,
            start: Vec::with_capacity(UTF8_BOM.len()),
            utf8: Utf8Scanner::new(),
            invalid_utf8: AnyFinding::default(),
            evidence: Utf8Evidence::default(),
            gb18030,
            gb18030_defect: AnyFinding { euro_is_valid, any: false },
            first_non_ascii: None,
            offset: 0,
        }
    }

    /// The decision for a whole input in memory.
    pub fn detect(bytes: &[u8], choice: EncodingChoice, rules: &RuleSet) -> Detection {
        let mut detector = Detector::new(choice, rules);
        detector.feed(bytes);
        detector.finish()
    }

    /// Whether the input starts with a UTF-8 BOM, as far as is known.
    fn starts_with_bom(&self) -> bool {
        self.start == UTF8_BOM
    }

    /// Whether the UTF-8 scanner still has something to decide.
    fn wants_utf8(&self) -> bool {
        match self.choice {
            EncodingChoice::Auto => !self.starts_with_bom() && !self.evidence.is_decided(),
            _ => !self.invalid_utf8.any && self.gb008.is_some(),
        }
    }

    /// Whether the GB 18030 scanner still has something to decide.
    fn wants_gb18030(&self) -> bool {
        self.gb18030.is_some() && !self.gb18030_defect.any
    }

    /// Whether nothing fed later can change the decision, so that reading may stop.
    pub fn is_settled(&self) -> bool {
        let start_known = self.start.len() >= UTF8_BOM.len() || !UTF8_BOM.starts_with(&self.start);
        match self.choice {
            EncodingChoice::Auto => self.starts_with_bom() || (start_known && self.evidence.is_decided()),
            // GB008 needs valid UTF-8.
            EncodingChoice::Gb18030 => !self.wants_utf8(),
            // GB008 needs clean GB 18030.
            EncodingChoice::Utf8 => self.gb008.is_none() || !self.wants_gb18030(),
        }
    }

    /// Reads the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.start.len() < UTF8_BOM.len() {
            let take = (UTF8_BOM.len() - self.start.len()).min(chunk.len());
            self.start.extend_from_slice(&chunk[..take]);
        }
        for piece in chunk.chunks(PIECE) {
            if self.is_settled() {
                break;
            }
            self.feed_piece(piece);
            self.offset += piece.len() as u64;
        }
    }

    fn feed_piece(&mut self, piece: &[u8]) {
        // `is_ascii` goes a word at a time. ASCII is valid in both encodings: of an ASCII
        // piece the scanners need only the first bytes, which end a sequence the piece
        // before left open (after two ASCII bytes none is: only a GB 18030 lead and a digit
        // are an open sequence that holds ASCII).
        let piece = if piece.is_ascii() {
            &piece[..piece.len().min(4)]
        } else {
            if self.first_non_ascii.is_none() {
                self.first_non_ascii =
                    piece.iter().position(|b| !b.is_ascii()).map(|i| self.offset + i as u64);
            }
            piece
        };
        if self.wants_utf8() {
            match self.choice {
                EncodingChoice::Auto => self.utf8.feed(piece, &mut self.evidence),
                _ => self.utf8.feed(piece, &mut self.invalid_utf8),
            }
        }
        if self.wants_gb18030() {
            if let Some(scanner) = &mut self.gb18030 {
                scanner.feed(piece, &mut self.gb18030_defect);
            }
        }
    }

    /// Ends the input and gives the decision.
    pub fn finish(mut self) -> Detection {
        // A sequence cut by the end of the input.
        if self.wants_utf8() {
            match self.choice {
                EncodingChoice::Auto => self.utf8.finish(&mut self.evidence),
                _ => self.utf8.finish(&mut self.invalid_utf8),
            }
        }
        if self.wants_gb18030() {
            if let Some(scanner) = &mut self.gb18030 {
                scanner.finish(&mut self.gb18030_defect);
            }
        }
        let valid_utf8 = !self.invalid_utf8.any;
        let encoding = match self.choice {
            EncodingChoice::Auto if self.starts_with_bom() || self.evidence.is_utf8() => Encoding::Utf8,
            EncodingChoice::Auto | EncodingChoice::Gb18030 => Encoding::Gb18030,
            EncodingChoice::Utf8 => Encoding::Utf8,
        };
        let is_other = match encoding {
            Encoding::Gb18030 => valid_utf8,
            Encoding::Utf8 => !valid_utf8 && self.gb18030.is_some() && !self.gb18030_defect.any,
        };
        let wrong_encoding = match (self.gb008, self.first_non_ascii) {
            (Some(severity), Some(first_non_ascii)) if is_other => {
                let cause = Cause::WrongEncoding { expected: encoding, first_non_ascii };
                let mut finding = Finding::bytes(Rule::WrongEncoding, 0, 0, cause);
                finding.severity = severity;
                Some(finding)
            }
            _ => None,
        };
        Detection { encoding, wrong_encoding }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    /// The slow twin: the decision by its definition, over the whole input at once (std's
    /// UTF-8 validator, one GB 18030 scan).
    fn by_definition(bytes: &[u8], choice: EncodingChoice, rules: &RuleSet) -> Detection {
        let valid_utf8 = std::str::from_utf8(bytes).is_ok();
        let non_ascii = !bytes.is_ascii();
        let encoding = match choice {
            EncodingChoice::Auto if bytes.starts_with(UTF8_BOM) || evidence_of(bytes).is_utf8() => {
                Encoding::Utf8
            }
            EncodingChoice::Auto | EncodingChoice::Gb18030 => Encoding::Gb18030,
            EncodingChoice::Utf8 => Encoding::Utf8,
        };
        let clean_gb18030 = || has_no_gb18030_defect(bytes, rules.profile);
        let is_other = match encoding {
            Encoding::Gb18030 => valid_utf8 && non_ascii,
            Encoding::Utf8 => !valid_utf8 && clean_gb18030(),
        };
        let severity = rules.severity(Rule::WrongEncoding).filter(|_| choice != EncodingChoice::Auto);
        let wrong_encoding = severity.filter(|_| is_other).map(|severity| {
            let first_non_ascii = bytes.iter().position(|b| !b.is_ascii()).unwrap() as u64;
            let cause = Cause::WrongEncoding { expected: encoding, first_non_ascii };
            Finding { severity, ..Finding::bytes(Rule::WrongEncoding, 0, 0, cause) }
        });
        Detection { encoding, wrong_encoding }
    }

    /// The evidence by its definition: std's `utf8_chunks` over the whole input, counted
    /// until the window is full.
    fn evidence_of(bytes: &[u8]) -> Utf8Evidence {
        let mut items = Vec::new();
        for chunk in bytes.utf8_chunks() {
            items.extend(chunk.valid().chars().filter(|c| !c.is_ascii()).map(|_| true));
            if !chunk.invalid().is_empty() {
                items.push(false);
            }
        }
        items.truncate(EVIDENCE_ITEMS as usize);
        let valid = items.iter().filter(|&&valid| valid).count() as u32;
        Utf8Evidence { valid, invalid: items.len() as u32 - valid }
    }

    /// Feeds `bytes` in chunks of `size` and compares with the definition, under every
    /// choice, with GB008 on and off, under a profile where `80` is a defect and one where it
    /// is the euro sign.
    fn assert_agrees(bytes: &[u8], sizes: &[usize]) {
        for profile in [Profile::Gb18030_2022, Profile::Gbk] {
            for gb008 in [true, false] {
                let mut rules = RuleSet::new(profile);
                if !gb008 {
                    rules.set_severity(Rule::WrongEncoding, None);
                }
                for choice in [EncodingChoice::Auto, EncodingChoice::Gb18030, EncodingChoice::Utf8] {
                    let expected = by_definition(bytes, choice, &rules);
                    for &size in sizes {
                        let mut detector = Detector::new(choice, &rules);
                        bytes.chunks(size.max(1)).for_each(|chunk| detector.feed(chunk));
                        let what = format!("{profile:?} gb008 {gb008} {choice:?} chunks of {size}");
                        assert_eq!(
                            detector.finish(),
                            expected,
                            "{what}: {:02X?}",
                            &bytes[..bytes.len().min(16)]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn small_inputs_fed_byte_by_byte_are_decided_by_the_definition() {
        let inputs: [&[u8]; 10] = [
            b"",
            b"plain",
            "中文".as_bytes(),
            b"\xD6\xD0",
            b"\xEF\xBB\xBF\xFF",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB",
            b"\xB0\xD7 \x80\n",
            b"\xD6\xD0\x81",
            "中".as_bytes().split_at(2).0,
        ];
        for input in inputs {
            assert_agrees(input, &[1, 2, 3, input.len()]);
        }
    }

    /// A lead at a piece's end, then a piece of ASCII that starts with a digit (a four-byte
    /// code's second byte), then a piece that starts with what would end that code: the ASCII
    /// between them breaks it. The same with a UTF-8 lead and the rest of its character.
    #[test]
    fn a_sequence_left_open_before_an_ascii_piece_is_seen() {
        let ascii_piece = |first: &[u8]| {
            let mut piece = first.to_vec();
            piece.resize(PIECE, b'a');
            piece
        };
        let mut gb = ascii_piece(b"");
        gb[PIECE - 1] = 0x81;
        gb.extend(ascii_piece(b"0"));
        gb.extend(ascii_piece(b"\x815"));
        let mut utf8 = ascii_piece(b"");
        utf8[PIECE - 1] = 0xE4;
        utf8.extend(ascii_piece(b"b"));
        utf8.extend(ascii_piece(b"\xB8\xAD"));
        for bytes in [gb, utf8] {
            assert_agrees(&bytes, &[PIECE, 1000, bytes.len()]);
        }
    }

    /// The scanners stop at their first finding: what they settle must not depend on where
    /// that is, in a piece or across pieces and chunks.
    #[test]
    fn the_first_finding_settles_the_same_wherever_it_is() {
        // Valid UTF-8 that is also clean GB 18030, with one defect of each kind.
        let text = "中文中文中文。".repeat(3000);
        for at in [0, PIECE - 1, PIECE, PIECE + 1, 20_001, 3 * PIECE + 3] {
            for defect in [&b"\xFF"[..], b"\x80", b"\xD6\xD0"] {
                let mut bytes = text.as_bytes().to_vec();
                bytes.splice(at..at, defect.iter().copied());
                assert_agrees(&bytes, &[PIECE, 4099, bytes.len()]);
            }
        }
    }

    /// Near-UTF-8: the evidence is counted the same whatever the chunks, up to the end of the
    /// window and beyond it (damage after the window does not count).
    #[test]
    fn near_utf8_is_decided_the_same_in_chunks_as_whole() {
        let text = "中文，".repeat(EVIDENCE_ITEMS as usize / 3 + 10);
        let window_end = text.char_indices().nth(EVIDENCE_ITEMS as usize).unwrap().0;
        for damage in [&b"\xFF"[..], b"\xE4\xB8", b"\xD6\xD0\xCE\xC4\xD6\xD0"] {
            for at in [0, 1, 48, 2 * PIECE + 1, window_end - 3, window_end, window_end + 1, text.len()] {
                for count in [1, 5, 9] {
                    let mut bytes = text.as_bytes()[..at.min(40 + count * 10)].to_vec();
                    for _ in 0..count {
                        bytes.extend_from_slice(damage);
                    }
                    bytes.extend_from_slice(&text.as_bytes()[at.min(40 + count * 10)..]);
                    bytes.truncate(at.max(60));
                    assert_agrees(&bytes, &[1, 7, PIECE, bytes.len()]);
                    let mut whole = text.as_bytes().to_vec();
                    whole.splice(at..at, damage.iter().copied());
                    assert_agrees(&whole, &[3, PIECE + 1, whole.len()]);
                }
            }
        }
    }

    /// Reading may stop once settled: what is fed after does not change the answer.
    #[test]
    fn a_settled_decision_stays_whatever_follows() {
        // GB 18030 text: more than a third of the evidence window is invalid UTF-8.
        let gb18030 = b"\xD6\xD0\xCE\xC4".repeat(EVIDENCE_ITEMS as usize / 3);
        for (start, choice) in [
            (&gb18030[..], EncodingChoice::Auto),
            (b"\xEF\xBB\xBF", EncodingChoice::Auto),
            (b"\xFF", EncodingChoice::Gb18030),
            (b"\xFF", EncodingChoice::Utf8),
        ] {
            let mut detector = Detector::new(choice, &RuleSet::default());
            detector.feed(start);
            assert!(detector.is_settled(), "{start:02X?} {choice:?}");
            let settled = detector.clone().finish();
            detector.feed("中文".as_bytes());
            assert_eq!(detector.finish(), settled, "{start:02X?} {choice:?}");
        }
    }
}
