//! What the fix of a finding is, and applying fixes to bytes. Pure: no I/O.
//!
//! A fix replaces the bytes of one finding's span with other bytes (or, for GB008, converts
//! the whole input). It is *safe* when the standard's tables alone decide it:
//!
//! - a byte order mark at the start of the input (GB011), dropped;
//! - a GB 18030-2005 private-use stand-in in UTF-8 text (GB005, GB007), replaced by the
//!   character GB 18030-2022 gave that code: the 2005 encoder writes the stand-in as a code
//!   that 2022 decodes to a standard character (U+E78D is `A6 D9`, which 2022 reads as U+FE10);
//! - in GB 18030 text, a four-byte code that 2005 read as a standard character and 2022
//!   reads as a private-use one (GB005, GB007), rewritten as 2022's code for that character
//!   (`84 31 82 36`, U+FE10 in 2005, becomes `A6 D9`).
//!
//! Both lists come from the edition-difference tables (`oracle/gb18030-edition-differences.tsv`);
//! U+E7C7 is not among them: GB 18030-2005 already gave `A8 BC` its standard character
//! U+1E3F, and maps U+E7C7 to `81 35 F4 37`, so in 2005 text U+E7C7 is not a stand-in.
//!
//! *Unsafe* fixes change what the text says, on a heuristic: mojibake repaired (GB009, only
//! when garbling the repair again gives exactly the text found), control characters removed
//! (GB012), and an input in the wrong encoding converted (GB008).

use crate::check::{Encoding, EncodingChoice, Options};
use crate::convert::{convert_bytes, Bom};
use crate::finding::{Cause, Finding, Rule, Span};
use crate::formats::{check_bytes_as, Format};
use crate::profile::{editions_of_code, editions_of_scalar, Profile};
use crate::rules::mojibake::{repair, MojibakeKind};

/// The column of the edition-difference tables that holds GB 18030-2005.
const EDITION_2005: usize = 1;
/// The column of the edition-difference tables that holds GB 18030-2022.
const EDITION_2022: usize = 2;

/// How many times [`fix_bytes`] checks and fixes again at most: a fix can uncover another
/// (a control character removed between two halves of a run of mojibake).
const MAX_ROUNDS: usize = 8;

/// What a fix does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Edit {
    /// The span's bytes are replaced by these.
    Replace(Vec<u8>),
    /// The whole input is converted into this encoding (GB008).
    Convert(Encoding),
}

/// The fix of one finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    /// The bytes replaced (for [`Edit::Convert`], the finding's empty span at 0).
    pub span: Span,
    /// What replaces them.
    pub edit: Edit,
    /// Whether the standard's tables alone decide it (applied by `--fix`); otherwise only
    /// `--unsafe-fixes` applies it.
    pub safe: bool,
}

impl Fix {
    /// One sentence saying what the fix does.
    pub fn describe(&self) -> String {
        match &self.edit {
            Edit::Convert(Encoding::Utf8) => "convert the file to UTF-8".to_string(),
            Edit::Convert(Encoding::Gb18030) => "convert the file to GB 18030".to_string(),
            Edit::Replace(bytes) if bytes.is_empty() => "remove the bytes".to_string(),
            Edit::Replace(bytes) => format!("replace with {}", crate::finding::HexBytes(bytes)),
        }
    }
}

/// The character GB 18030-2022 gives the code a GB 18030-2005 encoder writes for `c`, when
/// `c` is a 2005 private-use stand-in for a character 2022 encodes properly.
pub fn stand_in_target(c: char) -> Option<char> {
    let code = editions_of_scalar(c)?[EDITION_2005]?;
    let target = editions_of_code(code)?[EDITION_2022]?;
    (target != c && !is_private_use(target)).then_some(target)
}

/// The code GB 18030-2022 gives the character that a GB 18030-2005 decoder reads from
/// `code`, when 2022 reads `code` as a private-use character instead.
pub fn migrated_code(code: &[u8]) -> Option<&'static [u8]> {
    let row = editions_of_code(code)?;
    let (old, new) = (row[EDITION_2005]?, row[EDITION_2022]?);
    if old == new || is_private_use(old) || !is_private_use(new) {
        return None;
    }
    let encoded = editions_of_scalar(old)?[EDITION_2022]?;
    (encoded != code).then_some(encoded)
}

/// `c` written as the escape `escape` is: `\uXXXX`, `\UXXXX`, `\u{...}`, `&#x...;` or
/// `&#...;`, hex digits in the same case. `None` for anything else.
fn escape_like(escape: &[u8], c: char) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(escape).ok()?;
    let digits = text.trim_start_matches(['\\', '&', '#', 'u', 'U', 'x', 'X', '{']);
    let lower = digits.bytes().any(|b| matches!(b, b'a'..=b'f'));
    let hex = |width: usize| match lower {
        true => format!("{:0width$x}", u32::from(c)),
        false => format!("{:0width$X}", u32::from(c)),
    };
    let written = if text.starts_with("\\u{") {
        format!("\\u{{{}}}", hex(1))
    } else if let Some(prefix) = ["\\u", "\\U"].into_iter().find(|p| text.starts_with(p)) {
        format!("{prefix}{}", hex(4))
    } else if let Some(prefix) = ["&#x", "&#X"].into_iter().find(|p| text.starts_with(p)) {
        format!("{prefix}{};", hex(1))
    } else if text.starts_with("&#") {
        format!("&#{};", u32::from(c))
    } else {
        return None;
    };
    Some(written.into_bytes())
}

fn is_private_use(c: char) -> bool {
    matches!(u32::from(c), 0xE000..=0xF8FF | 0xF_0000..=0x10_FFFF)
}

/// The fix of `finding` in an input in `encoding`; `bytes` are the bytes of its span.
/// `None` when the finding has no exact fix.
pub fn fix_of(finding: &Finding, bytes: &[u8], encoding: Encoding) -> Option<Fix> {
    let replace = |replacement: Vec<u8>, safe: bool| {
        Some(Fix { span: finding.span, edit: Edit::Replace(replacement), safe })
    };
    match (finding.rule, finding.cause) {
        (Rule::ByteOrderMark, Cause::ByteOrderMark) => replace(Vec::new(), true),
        // A stand-in written as an escape (`\ue81e`, `&#xE81E;`): the escape of the character.
        (Rule::EditionSensitive | Rule::PrivateUse, _) if matches!(bytes.first(), Some(b'\\' | b'&')) => {
            replace(escape_like(bytes, stand_in_target(finding.scalar?)?)?, true)
        }
        (Rule::EditionSensitive | Rule::PrivateUse, _) => match encoding {
            Encoding::Utf8 => {
                let target = stand_in_target(finding.scalar?)?;
                replace(target.to_string().into_bytes(), true)
            }
            Encoding::Gb18030 => replace(migrated_code(bytes)?.to_vec(), true),
        },
        (Rule::ControlCharacter, _) => replace(Vec::new(), false),
        (Rule::Mojibake, Cause::Mojibake { kind, input }) => replace(repaired(kind, input, bytes)?, false),
        (Rule::WrongEncoding, Cause::WrongEncoding { expected, .. }) => {
            Some(Fix { span: finding.span, edit: Edit::Convert(expected), safe: false })
        }
        _ => None,
    }
}

/// The bytes of a run of mojibake repaired, in the input's encoding, when garbling the repair
/// again gives exactly the run: a repair that loses or guesses anything is no fix.
fn repaired(kind: MojibakeKind, input: Encoding, bytes: &[u8]) -> Option<Vec<u8>> {
    let text = match input {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok()?.to_string(),
        Encoding::Gb18030 => {
            encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?.into_owned()
        }
    };
    let original = repair(kind, &text)?;
    let garbled = match kind {
        MojibakeKind::Utf8AsGbk => encoding_rs::GBK
            .decode_without_bom_handling_and_without_replacement(original.as_bytes())
            .map(|t| t.into_owned()),
        MojibakeKind::Utf8AsWindows1252 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling_and_without_replacement(original.as_bytes())
            .map(|t| t.into_owned()),
        MojibakeKind::GbkAsLatin1 => {
            let (gbk, _, lossy) = encoding_rs::GBK.encode(&original);
            (!lossy).then(|| gbk.iter().map(|&b| char::from(b)).collect())
        }
        MojibakeKind::ReplacementAsGbk | MojibakeKind::Uninitialized => None,
    };
    if garbled.as_deref() != Some(text.as_str()) || original.contains(char::REPLACEMENT_CHARACTER) {
        return None;
    }
    match input {
        Encoding::Utf8 => Some(original.into_bytes()),
        Encoding::Gb18030 => {
            let mut out = Vec::new();
            for c in original.chars() {
                out.extend_from_slice(Profile::Gb18030_2022.encode(c)?.as_bytes());
            }
            Some(out)
        }
    }
}

/// Applies the [`Edit::Replace`] fixes to `bytes`, in span order: a fix that overlaps one
/// already taken is left out (the same fix twice, as GB005 and GB007 give on one character,
/// counts once). Returns the new bytes and the fixes applied.
pub fn apply(bytes: &[u8], fixes: &[Fix]) -> (Vec<u8>, Vec<Fix>) {
    let mut sorted: Vec<&Fix> = fixes.iter().filter(|f| matches!(f.edit, Edit::Replace(_))).collect();
    sorted.sort_by_key(|f| (f.span.start, f.span.len));
    let mut out = Vec::with_capacity(bytes.len());
    let mut applied: Vec<Fix> = Vec::new();
    let mut at = 0usize;
    for fix in sorted {
        let (start, end) = (fix.span.start as usize, fix.span.end() as usize);
        if start < at || end > bytes.len() || applied.last() == Some(fix) {
            continue;
        }
        let Edit::Replace(replacement) = &fix.edit else { continue };
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(replacement);
        at = end;
        applied.push(fix.clone());
    }
    out.extend_from_slice(&bytes[at..]);
    (out, applied)
}

/// What fixing an input gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fixed {
    /// The input after its fixes (the same bytes when there were none).
    pub bytes: Vec<u8>,
    /// Findings fixed: each finding whose fix was applied, in every round.
    pub fixed: u64,
}

/// Checks `bytes`, applies the fixes of its findings (the unsafe ones too when `unsafe_fixes`),
/// and checks and fixes again until nothing more can be fixed, so that fixing the result
/// again changes nothing. A file converted for GB008 is checked in the encoding it was
/// converted to from then on.
///
/// `format` is the file's format ([`crate::formats`]), whose escapes are fixed like literal
/// characters; `None` for plain text.
pub fn fix_bytes(bytes: &[u8], options: &Options, format: Option<Format>, unsafe_fixes: bool) -> Fixed {
    let mut options = Options { max_findings: usize::MAX, ..*options };
    let mut current = bytes.to_vec();
    let mut fixed = 0;
    for _ in 0..MAX_ROUNDS {
        let report = check_bytes_as(format, &current, &options);
        // One fix a finding: GB005 and GB007 on one character give the same fix twice.
        let mut fixes: Vec<Fix> = report
            .findings
            .iter()
            .filter_map(|finding| {
                let span = &current[finding.span.start as usize..finding.span.end() as usize];
                fix_of(finding, span, report.encoding).filter(|f| f.safe || unsafe_fixes)
            })
            .collect();
        if let Some(Fix { edit: Edit::Convert(to), .. }) =
            fixes.iter().find(|f| matches!(f.edit, Edit::Convert(_)))
        {
            let from = other(*to);
            match convert_bytes(&current, from, *to, options.rules.profile, Bom::Keep) {
                Ok(converted) => {
                    current = converted;
                    options.encoding = choice_of(*to);
                    fixed += 1;
                    continue;
                }
                Err(_) => fixes.retain(|f| matches!(f.edit, Edit::Replace(_))),
            }
        }
        let (next, applied) = apply(&current, &fixes);
        if applied.is_empty() {
            break;
        }
        // Every finding whose fix was applied is fixed (a set: there are often many).
        let applied: std::collections::HashSet<&Fix> = applied.iter().collect();
        fixed += fixes.iter().filter(|f| applied.contains(f)).count() as u64;
        current = next;
    }
    Fixed { bytes: current, fixed }
}

fn other(encoding: Encoding) -> Encoding {
    match encoding {
        Encoding::Utf8 => Encoding::Gb18030,
        Encoding::Gb18030 => Encoding::Utf8,
    }
}

fn choice_of(encoding: Encoding) -> EncodingChoice {
    match encoding {
        Encoding::Utf8 => EncodingChoice::Utf8,
        Encoding::Gb18030 => EncodingChoice::Gb18030,
    }
}
