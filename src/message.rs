//! The sentence that says what a finding means: [`Finding::message`].
//!
//! The sentences read the finding's bytes again (an edition table, a mojibake repair, a
//! suppression comment's words), so they sit above the scanner, the profiles and the rules,
//! apart from the vocabulary of `finding.rs` that those use. They name no command or option:
//! what to run next is the binary's to say.

use crate::encoding::Encoding;
use crate::finding::{Cause, Finding, HexBytes, Rule, Scalar};
use crate::profile::{editions_of_code, editions_of_scalar, EDITION_NAMES};
use crate::rules::mojibake::{repair, MojibakeKind};

impl Finding {
    /// A human-readable sentence; `bytes` are the bytes of [`Finding::span`].
    pub fn message(&self, bytes: &[u8]) -> String {
        let hex = HexBytes(bytes);
        match self.cause {
            Cause::BadLead(_)
            | Cause::BadSecond(_)
            | Cause::BadThird(_)
            | Cause::BadFourth(_)
            | Cause::Truncated
            | Cause::Reserved { .. }
            | Cause::InvalidUtf8 => byte_message(self.cause, bytes),
            Cause::Character => self.character_message(),
            Cause::ByteOrderMark => format!(
                "the input starts with a byte order mark ({hex}); GB 18030 and UTF-8 text needs none, \
                 and many tools show it as a stray character"
            ),
            Cause::ReEncodes { profile, scalar, code } => format!(
                "under {profile}, code {hex} decodes to {} but {} encodes back as {}: a round trip changes the bytes",
                Scalar(scalar),
                Scalar(scalar),
                HexBytes(code.as_bytes())
            ),
            Cause::ReDecodes { profile, code, scalar } => format!(
                "under {profile}, {} encodes as {} but that decodes back as {}: a round trip changes the character",
                self.scalar.map_or_else(String::new, |c| Scalar(c).to_string()),
                HexBytes(code.as_bytes()),
                Scalar(scalar)
            ),
            Cause::EditionSensitive { input } => edition_message(input, bytes, self.scalar),
            Cause::Unencodable(profile) => format!(
                "{} cannot be encoded under {profile}",
                self.scalar.map_or_else(String::new, |c| Scalar(c).to_string())
            ),
            Cause::NotInProfile(profile) if bytes.len() == 4 => {
                format!("code {hex} is a four-byte GB 18030 code; {profile} has only one- and two-byte codes")
            }
            Cause::NotInProfile(profile) => format!("code {hex} is a GB 18030 code that {profile} does not have"),
            Cause::OutsideLevel { level, actual } => format!(
                "{} is not in GB 18030-2022 implementation level {level} ({})",
                self.scalar.map_or_else(String::new, |c| Scalar(c).to_string()),
                match actual {
                    Some(n) => format!("it is in level {n}"),
                    None => "it is in no level".to_string(),
                }
            ),
            Cause::WrongEncoding { expected: Encoding::Gb18030, first_non_ascii } => format!(
                "the file must be GB 18030 but it is valid UTF-8 (first non-ASCII byte at {first_non_ascii})"
            ),
            Cause::WrongEncoding { expected: Encoding::Utf8, first_non_ascii } => format!(
                "the file must be UTF-8 but it is GB 18030 (first non-ASCII byte at {first_non_ascii})"
            ),
            Cause::Mojibake { kind, input } => mojibake_message(kind, input, bytes),
            Cause::InvalidSuppression => crate::suppress::invalid_message(bytes),
            Cause::EscapeNotAChar(value @ 0xD800..=0xDFFF) => format!(
                "the escape {} denotes 0x{value:04X}, a lone surrogate, which is no character: a \
                 decoder fails or writes U+FFFD",
                String::from_utf8_lossy(bytes)
            ),
            Cause::EscapeNotAChar(value) => format!(
                "the escape {} denotes 0x{value:X}, past U+10FFFF, which is no character",
                String::from_utf8_lossy(bytes)
            ),
            Cause::DeclaredEncoding { declared, source, actual } => {
                format!("{} says {declared}, but the bytes are {actual}: fix the bytes or the declaration", source.phrase())
            }
        }
    }

    fn character_message(&self) -> String {
        let c = self.scalar.map_or_else(String::new, |c| Scalar(c).to_string());
        match self.rule {
            Rule::PrivateUse => format!(
                "{c} is a private-use character: its meaning depends on fonts and private agreements, \
                 and other systems show something else or nothing"
            ),
            Rule::ByteOrderMark => {
                format!("{c} ZERO WIDTH NO-BREAK SPACE inside the text: an invisible byte order mark")
            }
            Rule::ControlCharacter => format!("{c} is a control character"),
            Rule::ReplacementCharacter => {
                format!("{c} REPLACEMENT CHARACTER: the trace of an earlier lossy conversion")
            }
            Rule::RemovedCharacter => format!(
                "{c} is one of the 15 codes removed from the GB 18030-2022 repertoire (a duplicate); \
                 use the standard character instead"
            ),
            _ => format!("{c}: {}", self.rule.summary()),
        }
    }
}

fn edition_message(input: Encoding, bytes: &[u8], scalar: Option<char>) -> String {
    let mut parts = Vec::new();
    match input {
        Encoding::Gb18030 => {
            for (name, value) in EDITION_NAMES.iter().zip(editions_of_code(bytes).unwrap_or_default()) {
                parts.push(format!(
                    "{name}: {}",
                    value.map_or_else(|| "invalid".to_string(), |c| Scalar(c).to_string())
                ));
            }
            format!(
                "code {} means different characters in different editions ({})",
                HexBytes(bytes),
                parts.join(", ")
            )
        }
        Encoding::Utf8 => {
            let c = scalar.unwrap_or(char::REPLACEMENT_CHARACTER);
            for (name, value) in EDITION_NAMES.iter().zip(editions_of_scalar(c).unwrap_or_default()) {
                parts.push(format!(
                    "{name}: {}",
                    value.map_or_else(|| "unencodable".to_string(), |b| HexBytes(b).to_string())
                ));
            }
            format!("{} is encoded differently in different editions ({})", Scalar(c), parts.join(", "))
        }
    }
}

fn mojibake_message(kind: MojibakeKind, input: Encoding, bytes: &[u8]) -> String {
    let text: String = match input {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Gb18030 => {
            let mut events = crate::scan::Events::default();
            crate::scan::scan_gb18030(bytes, &mut events);
            events
                .0
                .iter()
                .filter_map(|e| if let crate::scan::Event::Char { c, .. } = e { Some(*c) } else { None })
                .collect()
        }
    };
    let what = match kind {
        MojibakeKind::Utf8AsGbk => "UTF-8 text that was read as GBK",
        MojibakeKind::Utf8AsWindows1252 => "UTF-8 text that was read as Windows-1252 (or Latin-1)",
        MojibakeKind::GbkAsLatin1 => "GBK text that was read as Latin-1",
        MojibakeKind::ReplacementAsGbk => {
            return format!("\"{text}\" is U+FFFD REPLACEMENT CHARACTER in UTF-8 read as GBK: the text was lost twice over")
        }
        MojibakeKind::Uninitialized => {
            return format!(
                "\"{text}\" is uninitialised memory (bytes CC or CD) shown as GBK, not text: a program wrote out a buffer it never filled"
            )
        }
    };
    match repair(kind, &text) {
        Some(original) => format!("\"{text}\" looks like {what}: it was probably \"{original}\""),
        None => format!("\"{text}\" looks like {what}"),
    }
}

/// The sentence of a byte-level finding (GB001-GB003); `bytes` are its bytes.
fn byte_message(cause: Cause, bytes: &[u8]) -> String {
    let hex = HexBytes(bytes);
    match cause {
        Cause::BadLead(0x80) => "byte 0x80 is not valid on its own in GB 18030 (GBK and the WHATWG \
                                 decoder read it as U+20AC EURO SIGN; strict GB 18030 has no such code)"
            .to_string(),
        Cause::BadLead(lead) => format!("byte 0x{lead:02x} cannot start a character in GB 18030"),
        Cause::BadSecond(next) => format!(
            "lead byte 0x{:02x} must be followed by 40-7e or 80-fe (two bytes) or 30-39 \
             (four bytes), not 0x{next:02x}",
            bytes.first().copied().unwrap_or(0)
        ),
        Cause::BadThird(next) => format!(
            "lead byte 0x{:02x} and a digit start a four-byte code, whose third byte must be \
             81-fe, not 0x{next:02x}",
            bytes.first().copied().unwrap_or(0)
        ),
        Cause::BadFourth(next) => format!(
            "lead byte 0x{:02x} starts a four-byte code whose fourth byte must be 30-39, not \
             0x{next:02x}",
            bytes.first().copied().unwrap_or(0)
        ),
        Cause::Truncated => format!("the input ends inside a multi-byte sequence ({hex})"),
        Cause::Reserved { pointer } => format!(
            "four-byte code {hex} is well formed but reserved (pointer {pointer}): no \
             character is assigned to it in any edition"
        ),
        Cause::InvalidUtf8 => format!("bytes {hex} are not valid UTF-8"),
        // Not a byte-level cause: [`Finding::message`] gives those.
        _ => format!("bytes {hex}"),
    }
}
