//! Localized-string file formats (XML and its XLIFF and .resx, HTML, gettext PO, JSON, Java
//! .properties, Apple .strings, JavaScript and TypeScript): which format a path is, and what
//! a format adds to a check. Pure: no I/O.
//!
//! - [`declared`]: the encoding a file declares, and GB016 (`declared-encoding-mismatch`)
//!   when its bytes disagree; under `--encoding auto` a declaration the bytes do not plainly
//!   contradict decides how the file is read ([`encoding_choice`]).
//! - [`escapes`]: `\uXXXX`, `&#xHHHH;` and the like are the characters they denote, judged
//!   by the character rules ([`RuleSet::judge_char`]) at the escape's bytes; one that denotes
//!   no character (a lone surrogate) is GB001.
//!
//! The checker calls [`encoding_choice`] before it reads a whole input and [`add_findings`]
//! after; `docs/formats.md` says what is read and judged per format.

pub mod declared;
pub mod escapes;
pub mod label;

use std::path::Path;

use crate::encoding::{Encoding, EncodingChoice};
use crate::finding::{Cause, Finding, Rule, Span};
use crate::report::FileReport;
use crate::rules::RuleSet;

/// A file format whose declarations gbcheck reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// XML: `.xml`, `.xliff`, `.xlf`, `.resx`, `.svg`, `.xhtml`.
    Xml,
    /// HTML: `.html`, `.htm`.
    Html,
    /// gettext PO: `.po`, `.pot`.
    Po,
    /// JSON: `.json`.
    Json,
    /// Java properties: `.properties`.
    Properties,
    /// Apple strings: `.strings`.
    Strings,
    /// JavaScript and TypeScript: `.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`.
    Script,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Xml,
        Format::Html,
        Format::Po,
        Format::Json,
        Format::Properties,
        Format::Strings,
        Format::Script,
    ];

    /// The name used in the configuration file and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Html => "html",
            Format::Po => "po",
            Format::Json => "json",
            Format::Properties => "properties",
            Format::Strings => "strings",
            Format::Script => "javascript",
        }
    }

    /// The format of a name, as [`Format::name`] gives it.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format of a path, by its extension (any case); `None` for plain text.
    pub fn of_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "xml" | "xliff" | "xlf" | "resx" | "svg" | "xhtml" => Format::Xml,
            "html" | "htm" => Format::Html,
            "po" | "pot" => Format::Po,
            "json" => Format::Json,
            "properties" => Format::Properties,
            "strings" => Format::Strings,
            "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" => Format::Script,
            _ => return None,
        })
    }
}

/// How to read a whole input of `format`: under `auto`, the encoding its declaration names,
/// unless the bytes are plainly the other encoding (then `auto` decides as always, and GB016
/// says so); an explicit choice stands.
pub fn encoding_choice(
    format: Option<Format>,
    bytes: &[u8],
    choice: EncodingChoice,
    rules: &RuleSet,
) -> EncodingChoice {
    let (EncodingChoice::Auto, Some(format)) = (choice, format) else { return choice };
    let Some(declaration) = declared::find(format, bytes) else { return choice };
    let declared = match declaration.encoding {
        label::Declared::Utf8 => Encoding::Utf8,
        label::Declared::Gb2312 | label::Declared::Gbk | label::Declared::Gb18030 => Encoding::Gb18030,
        label::Declared::Utf16 => return choice,
    };
    let plainly_other = matches!(
        declared::mismatch(&declaration, bytes, rules.profile),
        Some(label::Actual::Gb18030 { .. } | label::Actual::Utf8 { .. })
    );
    match declared {
        _ if plainly_other => choice,
        Encoding::Utf8 => EncodingChoice::Utf8,
        Encoding::Gb18030 => EncodingChoice::Gb18030,
    }
}

/// Checks an input held in memory as a file of `format` is read: its declaration may decide
/// the encoding under `auto` ([`encoding_choice`]), and its declaration and escapes give
/// their findings ([`add_findings`]). What `gbcheck check` and `--fix` both run on a file.
pub fn check_bytes_as(format: Option<Format>, bytes: &[u8], options: &crate::check::Options) -> FileReport {
    let mut options = *options;
    options.encoding = encoding_choice(format, bytes, options.encoding, &options.rules);
    let mut report = crate::check::check_bytes(bytes, &options);
    add_findings(format, bytes, &options.rules, &mut report);
    report
}

/// The findings a format adds to the report of a whole input read as `report.encoding`
/// (GB016, and the character rules on its escapes), counted and kept in byte order.
pub fn add_findings(format: Option<Format>, bytes: &[u8], rules: &RuleSet, report: &mut FileReport) {
    let Some(format) = format else { return };
    let mut added = Vec::new();
    added.extend(declared_finding(format, bytes, rules));
    escape_findings(format, bytes, report.encoding, rules, &mut added);
    if added.is_empty() {
        return;
    }
    for finding in added {
        report.counts.count(finding.severity);
        report.findings.push(finding);
    }
    report.findings.sort_by_key(|f| (f.span.start, f.rule));
}

/// GB016, when the bytes disagree with the declaration.
fn declared_finding(format: Format, bytes: &[u8], rules: &RuleSet) -> Option<Finding> {
    let severity = rules.severity(Rule::DeclaredEncodingMismatch)?;
    let declaration = declared::find(format, bytes)?;
    let actual = declared::mismatch(&declaration, bytes, rules.profile)?;
    let cause =
        Cause::DeclaredEncoding { declared: declaration.encoding, source: declaration.source, actual };
    let span = declaration.span;
    let finding = Finding::bytes(Rule::DeclaredEncodingMismatch, span.start, span.len, cause);
    Some(Finding { severity, ..finding })
}

/// The character rules on each escape's character, as on a literal one in UTF-8 (an escape
/// denotes a Unicode scalar), at the escape's bytes; GB001 on an escape that denotes none.
fn escape_findings(
    format: Format,
    bytes: &[u8],
    encoding: Encoding,
    rules: &RuleSet,
    out: &mut Vec<Finding>,
) {
    for escape in escapes::find(format, bytes, encoding) {
        let Span { start, len } = escape.span;
        match escape.value {
            escapes::Escaped::Char(c) => rules.judge_char(Encoding::Utf8, c, &mut |rule, cause, meaning| {
                if let Some(severity) = rules.severity(rule) {
                    out.push(Finding { severity, ..Finding::character(rule, start, len, cause, meaning) });
                }
            }),
            escapes::Escaped::NotAChar(value) => {
                if let Some(severity) = rules.severity(Rule::InvalidSequence) {
                    let finding =
                        Finding::bytes(Rule::InvalidSequence, start, len, Cause::EscapeNotAChar(value));
                    out.push(Finding { severity, ..finding });
                }
            }
        }
    }
}
