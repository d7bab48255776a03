//! `--format human`: findings like a compiler's diagnostics on stdout, and a one-line summary
//! and read errors on stderr.

use std::io::{self, Write};
use std::time::Duration;

use gbcheck::finding::{HexBytes, Severity};
use gbcheck::lines::{line_end, line_start, Locator, LOOKAHEAD};
use gbcheck::report::{FileReport, Summary};

use super::snippet::{render, Line};
use super::{DisplayPath, Reporter};
use crate::cli::escape::escape_str;

/// Lines longer than this many columns are cut around the finding.
const MAX_LINE_WIDTH: usize = 100;

/// ANSI styles, or nothing when colour is off.
#[derive(Clone, Copy)]
struct Style {
    on: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        match severity {
            Severity::Error => self.paint("1;31", text),
            Severity::Warning => self.paint("1;33", text),
        }
    }
}

/// Writes human-readable diagnostics.
pub struct Human<O: Write, E: Write> {
    out: O,
    err: E,
    style: Style,
    quiet: bool,
}

impl<O: Write, E: Write> Human<O, E> {
    /// A reporter writing findings to `out` and the rest to `err`.
    pub fn new(out: O, err: E, color: bool, quiet: bool) -> Self {
        Human { out, err, style: Style { on: color }, quiet }
    }
}

impl<O: Write, E: Write> Reporter for Human<O, E> {
    fn file(&mut self, path: &DisplayPath, bytes: &[u8], report: &FileReport) -> io::Result<()> {
        let shown_path = escape_str(&path.text);
        let mut locator = Locator::new(bytes, report.encoding);
        for finding in &report.findings {
            let position = locator.locate(finding.span.start);
            let start = finding.span.start as usize;
            let end = start + finding.span.len as usize;
            let severity = finding.severity;
            writeln!(
                self.out,
                "{}: {} {}: {} (bytes {} at byte {})",
                self.style.paint("1", &format!("{shown_path}:{}:{}", position.line, position.column)),
                self.style.severity(severity, &format!("{severity}[{}]", finding.rule.id())),
                finding.rule.name(),
                escape_str(&finding.message(&bytes[start..end])),
                HexBytes(&bytes[start..end]),
                finding.span.start,
            )?;
            let line_from = line_start(bytes, start);
            let line_to = line_end(bytes, start);
            let shown_to = (line_to + LOOKAHEAD).min(bytes.len());
            let line = Line {
                bytes: &bytes[line_from..shown_to],
                len: line_to - line_from,
                at_end: shown_to == bytes.len(),
            };
            let snippet = render(&line, report.encoding, start - line_from, end - start, MAX_LINE_WIDTH);
            let number = position.line.to_string();
            let gutter = " ".repeat(number.len());
            let bar = self.style.paint("1;34", "|");
            writeln!(self.out, "{gutter} {bar}")?;
            writeln!(self.out, "{} {bar} {}", self.style.paint("1;34", &number), snippet.text)?;
            let caret = self.style.severity(severity, &"^".repeat(snippet.caret_width));
            writeln!(self.out, "{gutter} {bar} {}{caret}", " ".repeat(snippet.caret_start))?;
        }
        let hidden = report.counts.findings - report.findings.len() as u64;
        if hidden > 0 {
            writeln!(self.out, "{shown_path}: {hidden} more finding(s) not shown (--max-findings)")?;
        }
        self.out.flush()
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.out.flush()?;
        writeln!(
            self.err,
            "gbcheck: {}: {}: {message}",
            self.style.paint("1;31", "error"),
            escape_str(&path.text)
        )
    }

    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()> {
        if explicit {
            self.out.flush()?;
            writeln!(self.err, "gbcheck: skipped {}: {reason}", escape_str(&path.text))?;
        }
        Ok(())
    }

    fn summary(&mut self, summary: &Summary, elapsed: Duration) -> io::Result<()> {
        self.out.flush()?;
        if self.quiet {
            return Ok(());
        }
        writeln!(self.err, "gbcheck: {}", summary_line(summary, elapsed))
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 files checked (1.2 KiB in 3 ms): 1 error, 1 warning in 1 file; 1 skipped; 1 unreadable"
fn summary_line(summary: &Summary, elapsed: Duration) -> String {
    let mut line = format!(
        "{} checked ({} in {} ms): ",
        plural(summary.files_checked, "file", "files"),
        human_bytes(summary.bytes_checked),
        elapsed.as_millis()
    );
    let counts = summary.counts;
    if counts.findings == 0 {
        line.push_str("no findings");
    } else {
        line.push_str(&format!(
            "{}, {} in {}",
            plural(counts.errors, "error", "errors"),
            plural(counts.warnings, "warning", "warnings"),
            plural(summary.files_with_findings, "file", "files"),
        ));
    }
    if summary.files_skipped > 0 {
        line.push_str(&format!("; {} skipped", summary.files_skipped));
    }
    if summary.operational_errors > 0 {
        line.push_str(&format!(
            "; {} could not be checked",
            plural(summary.operational_errors, "path", "paths")
        ));
    }
    line
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return plural(n, "byte", "bytes");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
