//! The vocabulary shared by the scanner and the reports: where (a [`Span`]), what (a [`Rule`])
//! and why (a [`Cause`]). A finding is a small value; it never owns a copy of the bytes. Its
//! sentence, [`Finding::message`], is written in `message.rs`, above the scanner and the
//! rules that this vocabulary serves.
//!
//! ```
//! use gbcheck::finding::{Cause, Finding, Rule, Severity};
//!
//! let rule = Rule::lookup("private-use").unwrap();
//! assert_eq!((rule.id(), rule.default_severity()), ("GB007", Severity::Warning));
//! let finding = Finding::bytes(Rule::InvalidSequence, 10, 1, Cause::BadLead(0xFF));
//! assert_eq!(finding.span.end(), 11);
//! assert_eq!(finding.message(b"\xFF"), "byte 0xff cannot start a character in GB 18030");
//! ```

use std::fmt;

use crate::encoding::Encoding;
use crate::formats::label::{Actual, Declared, Source};
use crate::mapping::Encoded;
use crate::profile::Profile;
use crate::rules::mojibake::MojibakeKind;

/// A byte range in the original input, by absolute offset.
///
/// Offsets are `u64` so that one file can exceed 4 GiB; a span is at most a few bytes long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// 0-based offset of the first byte.
    pub start: u64,
    /// Number of bytes.
    pub len: u32,
}

impl Span {
    /// The offset just past the span.
    pub fn end(&self) -> u64 {
        self.start + u64::from(self.len)
    }
}

/// How serious a finding is. Ordered: `Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth a look; the command line fails a run on it only when asked to.
    Warning,
    /// The text is not what it must be.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A rule of the contract (`docs/output.md`, "Rules"): a stable id, a stable name and a default
        /// severity.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $summary] $variant,)*
        }

        impl Rule {
            /// Every rule, in id order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable id, such as `GB001`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The stable name, such as `invalid-sequence`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The severity a finding of this rule has unless configured otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One line saying what the rule fires on.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    InvalidSequence = "GB001", "invalid-sequence", Error,
        "Bytes that are not a valid sequence of the file's encoding.";
    TruncatedSequence = "GB002", "truncated-sequence", Error,
        "The input ends inside a multi-byte sequence.";
    UnassignedCode = "GB003", "unassigned-code", Error,
        "A well-formed four-byte code whose pointer is reserved: no character is assigned to it.";
    RoundTripMismatch = "GB004", "round-trip-mismatch", Error,
        "Decoding and re-encoding under the profile changes the bytes.";
    EditionSensitive = "GB005", "edition-sensitive", Warning,
        "A code or character whose mapping differs between editions of GB 18030.";
    Unencodable = "GB006", "unencodable", Error,
        "A character the profile cannot encode.";
    PrivateUse = "GB007", "private-use", Warning,
        "A character in a Private Use Area.";
    WrongEncoding = "GB008", "wrong-encoding", Error,
        "The file is in another encoding than expected.";
    Mojibake = "GB009", "mojibake", Warning,
        "Text that looks double-encoded.";
    OutsideLevel = "GB010", "outside-level", Error,
        "A character outside the chosen GB 18030-2022 implementation level.";
    ByteOrderMark = "GB011", "byte-order-mark", Warning,
        "A byte order mark, or U+FEFF inside the text.";
    ControlCharacter = "GB012", "control-character", Warning,
        "A control character other than TAB, LF and CR.";
    ReplacementCharacter = "GB013", "replacement-character", Warning,
        "U+FFFD in the text: the trace of an earlier lossy conversion.";
    RemovedCharacter = "GB014", "removed-character", Warning,
        "One of the 15 codes removed from the GB 18030-2022 repertoire.";
    InvalidSuppression = "GB015", "invalid-suppression", Warning,
        "A suppression comment whose rule list names something that is not a rule: it suppresses nothing.";
    DeclaredEncodingMismatch = "GB016", "declared-encoding-mismatch", Error,
        "A file whose bytes disagree with the encoding it declares (XML, HTML, PO, JSON, byte order mark).";
}

impl Rule {
    /// Finds a rule by id (`GB001`, any case) or by name (`invalid-sequence`).
    pub fn lookup(text: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id().eq_ignore_ascii_case(text) || r.name() == text)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Why a byte-level finding fired: enough to write a precise message without keeping the bytes.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    /// A byte that can never start a sequence (`80` or `FF` in GB 18030).
    BadLead(u8),
    /// A lead byte followed by a byte that can be neither a two-byte trail nor a digit. The
    /// byte is part of the span only when it is not ASCII.
    BadSecond(u8),
    /// A lead and a digit followed by a byte outside `81-FE`; only the lead is in the span.
    BadThird(u8),
    /// A lead, a digit and a third byte followed by a byte outside `30-39`; only the lead is
    /// in the span.
    BadFourth(u8),
    /// The input ended inside a sequence; the span holds the bytes that were there.
    Truncated,
    /// A well-formed four-byte code whose pointer is reserved.
    Reserved {
        /// The four-byte pointer (`0..1587600`).
        pointer: u32,
    },
    /// Bytes that std's UTF-8 validator rejects (`Utf8Error::error_len`).
    InvalidUtf8,
    /// A character rule whose message needs nothing but the rule and the character.
    Character,
    /// GB011 at the very start of the input: a byte order mark.
    ByteOrderMark,
    /// GB004 in GB 18030 input: the code decodes to `scalar`, which encodes back as `code`.
    ReEncodes {
        /// The profile.
        profile: Profile,
        /// What the code decodes to.
        scalar: char,
        /// What that encodes to.
        code: Encoded,
    },
    /// GB004 in UTF-8 input: the character encodes as `code`, which decodes back as `scalar`.
    ReDecodes {
        /// The profile.
        profile: Profile,
        /// What the character encodes to.
        code: Encoded,
        /// What that decodes to.
        scalar: char,
    },
    /// GB005: the editions disagree on this code (GB 18030 input) or character (UTF-8 input).
    EditionSensitive {
        /// The input's encoding, which says whether the code or the character is looked up.
        input: Encoding,
    },
    /// GB006: the profile cannot encode the character.
    Unencodable(Profile),
    /// GB006 in GB 18030 input: the profile has no such code (four-byte codes under `gbk`,
    /// and the codes code page 936 lacks under `cp936`).
    NotInProfile(Profile),
    /// GB010: the character is not in the chosen implementation level.
    OutsideLevel {
        /// The level asked for.
        level: u8,
        /// The lowest level that has the character, if any.
        actual: Option<u8>,
    },
    /// GB008: the input is in another encoding than the one it must be in.
    WrongEncoding {
        /// The encoding it must be in.
        expected: Encoding,
        /// The offset of its first non-ASCII byte.
        first_non_ascii: u64,
    },
    /// GB009: a run of double-encoded text.
    Mojibake {
        /// What the repair found.
        kind: MojibakeKind,
        /// The input's encoding, to read the run back.
        input: Encoding,
    },
    /// GB015: a suppression comment naming something that is not a rule (the finding's
    /// bytes are the comment's directive, which the message reads again).
    InvalidSuppression,
    /// GB001 on an escape (`\uD83D`, `&#x110000;`) whose number is no character: a lone
    /// surrogate or a value past U+10FFFF.
    EscapeNotAChar(u32),
    /// GB016: the file declares one encoding and its bytes are another (the finding's bytes
    /// are the declared name; empty where the declaration is implicit).
    DeclaredEncoding {
        /// What the file declares.
        declared: Declared,
        /// Where it declares it.
        source: Source,
        /// What the bytes are.
        actual: Actual,
    },
}

/// One finding: a rule, where it fired, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// Which rule fired.
    pub rule: Rule,
    /// How serious it is: the rule's default unless configured otherwise.
    pub severity: Severity,
    /// The offending bytes.
    pub span: Span,
    /// What was wrong, for the message.
    pub cause: Cause,
    /// The character concerned, for character-level rules; `None` for byte-level ones.
    pub scalar: Option<char>,
}

impl Finding {
    /// A byte-level finding.
    pub fn bytes(rule: Rule, start: u64, len: u32, cause: Cause) -> Finding {
        Finding { rule, severity: rule.default_severity(), span: Span { start, len }, cause, scalar: None }
    }

    /// A character-level finding on `c`.
    pub fn character(rule: Rule, start: u64, len: u32, cause: Cause, c: char) -> Finding {
        Finding { scalar: Some(c), ..Finding::bytes(rule, start, len, cause) }
    }

    /// GB004's other code, the one the round trip goes through besides the text's own: for
    /// GB 18030 input, the code the character encodes back as (not the bytes read); for
    /// UTF-8 input, the code the character encodes as (which decodes to another character).
    /// `None` for every other finding.
    pub fn round_trip_bytes(&self) -> Option<Encoded> {
        match self.cause {
            Cause::ReEncodes { code, .. } | Cause::ReDecodes { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Formats a scalar as `U+XXXX`.
#[derive(Clone, Copy, Debug)]
pub struct Scalar(pub char);

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U+{:04X}", self.0 as u32)
    }
}

/// Formats bytes as lowercase hex separated by spaces: `81 30`.
#[derive(Clone, Copy, Debug)]
pub struct HexBytes<'a>(pub &'a [u8]);

impl fmt::Display for HexBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}
