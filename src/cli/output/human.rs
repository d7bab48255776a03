//! `--format human`: findings like a compiler's diagnostics on stdout, and a one-line summary
//! and read errors on stderr.

use std::io::{self, Write};
use std::time::Duration;

use gbcheck::finding::{HexBytes, Rule, Severity};
use gbcheck::report::Summary;

use super::{DisplayPath, Located, Reporter};
use crate::cli::escape::escape_str;
use crate::cli::stats::Stats;

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
    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        let shown_path = escape_str(&path.text);
        let finding = &located.finding;
        let severity = finding.severity;
        // A finding with no bytes (GB008, the whole file) shows none, and a GB015 finding's
        // bytes are a comment the snippet shows.
        let bytes = if located.bytes.is_empty() || finding.rule == Rule::InvalidSuppression {
            String::new()
        } else {
            format!("bytes {} ", HexBytes(&located.bytes))
        };
        writeln!(
            self.out,
            "{}: {} {}: {} ({bytes}at byte {})",
            self.style.paint("1", &format!("{shown_path}:{}:{}", located.line, located.column)),
            self.style.severity(severity, &format!("{severity}[{}]", finding.rule.id())),
            finding.rule.name(),
            escape_str(&located.message),
            finding.span.start,
        )?;
        if let Some(snippet) = &located.snippet {
            let number = located.line.to_string();
            let gutter = " ".repeat(number.len());
            let bar = self.style.paint("1;34", "|");
            writeln!(self.out, "{gutter} {bar}")?;
            writeln!(self.out, "{} {bar} {}", self.style.paint("1;34", &number), snippet.text)?;
            let caret = self.style.severity(severity, &"^".repeat(snippet.caret_width));
            writeln!(self.out, "{gutter} {bar} {}{caret}", " ".repeat(snippet.caret_start))?;
        }
        if let Some(note) = located.fix_note() {
            writeln!(self.out, "  = {}", self.style.paint("1;36", &note))?;
        }
        Ok(())
    }

    fn file_done(&mut self, path: &DisplayPath, hidden: u64) -> io::Result<()> {
        if hidden > 0 {
            let shown_path = escape_str(&path.text);
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

    fn summary(&mut self, summary: &Summary, stats: &Stats, elapsed: Duration) -> io::Result<()> {
        self.out.flush()?;
        write_summary(&mut self.err, summary, stats, elapsed, self.quiet)
    }
}

/// The end of a run on standard error, for every format that writes its summary there: the
/// summary line (unless `--quiet`) and the `--stats` block (when asked).
pub fn write_summary(
    err: &mut impl Write,
    summary: &Summary,
    stats: &Stats,
    elapsed: Duration,
    quiet: bool,
) -> io::Result<()> {
    if !quiet {
        writeln!(err, "gbcheck: {}{}", summary_line(summary, elapsed), fix_part(stats))?;
    }
    if stats.show {
        write!(err, "{}", stats_block(summary, stats, elapsed))?;
    }
    err.flush()
}

/// The summary line's end about fixes: "; 2 fixed; 1 fixable with --fix; 1 more with
/// --unsafe-fixes" (each part only when not 0).
pub fn fix_part(stats: &Stats) -> String {
    let fixes = stats.fixes;
    let mut part = String::new();
    if fixes.fixed > 0 {
        part.push_str(&format!("; {} fixed", fixes.fixed));
    }
    if fixes.fixable > 0 {
        part.push_str(&format!("; {} fixable with --fix", fixes.fixable));
    }
    if fixes.fixable_unsafe > 0 {
        part.push_str(&format!("; {} more with --fix --unsafe-fixes", fixes.fixable_unsafe));
    }
    part
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 files checked (1.2 KiB in 3 ms): 1 error, 1 warning in 1 file; 1 skipped; 1 unreadable"
pub fn summary_line(summary: &Summary, elapsed: Duration) -> String {
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
    if summary.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", summary.suppressed));
    }
    if summary.baselined > 0 {
        line.push_str(&format!("; {} in the baseline", summary.baselined));
    }
    if summary.files_skipped > 0 {
        line.push_str(&format!("; {} skipped", summary.files_skipped));
    }
    if summary.ignored > 0 {
        line.push_str(&format!("; {} ignored", summary.ignored));
    }
    if summary.operational_errors > 0 {
        line.push_str(&format!(
            "; {} could not be checked",
            plural(summary.operational_errors, "path", "paths")
        ));
    }
    line
}

/// The `--stats` block: one fact a line, aligned (on standard error in every format that
/// writes its summary there).
pub fn stats_block(summary: &Summary, stats: &Stats, elapsed: Duration) -> String {
    let mut lines: Vec<(String, String)> = Vec::new();
    lines.push(("files checked".into(), summary.files_checked.to_string()));
    let mut skipped = summary.files_skipped.to_string();
    let reasons = stats.skipped_reasons();
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons.iter().map(|(why, n)| format!("{n} {why}")).collect();
        skipped.push_str(&format!(" ({})", parts.join(", ")));
    }
    lines.push(("files skipped".into(), skipped));
    lines.push(("ignored".into(), summary.ignored.to_string()));
    lines.push(("paths not checked".into(), summary.operational_errors.to_string()));
    lines.push((
        "bytes checked".into(),
        format!("{} ({} bytes)", human_bytes(summary.bytes_checked), summary.bytes_checked),
    ));
    let counts = summary.counts;
    lines.push((
        "findings".into(),
        format!(
            "{} ({}, {}) in {}",
            counts.findings,
            plural(counts.errors, "error", "errors"),
            plural(counts.warnings, "warning", "warnings"),
            plural(summary.files_with_findings, "file", "files")
        ),
    ));
    for (rule, n) in stats.by_rule() {
        lines.push((format!("  {} {}", rule.id(), rule.name()), n.to_string()));
    }
    let seconds = elapsed.as_secs_f64();
    lines.push(("elapsed".into(), format!("{seconds:.3} s")));
    lines.push((
        "throughput".into(),
        format!(
            "{}/s, {:.0} files/s",
            human_bytes(Stats::per_second(summary.bytes_checked, elapsed)),
            summary.files_checked as f64 / seconds.max(1e-9)
        ),
    ));
    let width = lines.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    let mut text = String::from("gbcheck: stats\n");
    for (key, value) in lines {
        text.push_str(&format!("  {key:<width$}  {value}\n"));
    }
    text
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
