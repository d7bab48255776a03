//! `--format github`: GitHub Actions workflow commands, one a finding, which the runner shows
//! as annotations on the pull request's diff:
//!
//! ```text
//! ::error file=po/zh_CN.po,line=3,col=5,endColumn=5,title=GB001 invalid-sequence::byte 0x81 ...
//! ```
//!
//! Escaping follows `@actions/core` (`toCommandValue`/`escapeData`/`escapeProperty`): `%`, CR
//! and LF in the message; `%`, CR, LF, `:` and `,` in property values. `endColumn` is the last
//! column of the span (inclusive). Read errors are `::error file=...::` lines too; the summary
//! goes to standard error as in the human format.

use std::io::{self, Write};
use std::time::Duration;

use gbcheck::finding::Severity;
use gbcheck::report::Summary;

use super::human::write_summary;
use super::sarif::span_chars;
use super::{DisplayPath, Located, Reporter};
use crate::cli::stats::Stats;

/// Escapes a command's message (`escapeData`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value (`escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text from a file name or a file, made safe for a log a browser or a terminal shows: escape
/// sequences, BiDi and zero-width characters as `\x1b`, `\u{202e}` (CR and LF stay, for the
/// toolkit's escaping, so that a name with a newline still names its file).
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\r' | '\n') {
            out.push(c);
        } else {
            crate::cli::escape::push_char(&mut out, c);
        }
    }
    out
}

/// Writes workflow commands to `out`, the summary to `err`.
pub struct Github<O: Write, E: Write> {
    out: O,
    err: E,
    quiet: bool,
}

impl<O: Write, E: Write> Github<O, E> {
    /// A reporter writing commands to `out` and the summary to `err`.
    pub fn new(out: O, err: E, quiet: bool) -> Self {
        Github { out, err, quiet }
    }
}

impl<O: Write, E: Write> Reporter for Github<O, E> {
    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        let finding = &located.finding;
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let end = located.column + span_chars(located).max(1) - 1;
        writeln!(
            self.out,
            "::{command} file={},line={},col={},endColumn={end},title={}::{}",
            escape_property(&shown(path.text.trim_start_matches("./"))),
            located.line,
            located.column,
            escape_property(&format!("{} {}", finding.rule.id(), finding.rule.name())),
            escape_data(&shown(&located.message)),
        )
    }

    fn file_done(&mut self, _: &DisplayPath, _: u64) -> io::Result<()> {
        Ok(())
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "::error file={},title=gbcheck could not check this file::{}",
            escape_property(&shown(path.text.trim_start_matches("./"))),
            escape_data(&shown(message))
        )
    }

    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()> {
        if explicit {
            writeln!(self.err, "gbcheck: skipped {}: {reason}", crate::cli::escape::escape_str(&path.text))?;
        }
        Ok(())
    }

    fn summary(&mut self, summary: &Summary, stats: &Stats, elapsed: Duration) -> io::Result<()> {
        self.out.flush()?;
        write_summary(&mut self.err, summary, stats, elapsed, self.quiet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn names_cannot_carry_escape_sequences_or_bidi_controls() {
        assert_eq!(escape_property(&shown("a\u{1b}[31m\u{202e}b\nc.txt")), "a\\x1b[31m\\u{202e}b%0Ac.txt");
    }
}
