//! `--format brief`: one line a finding, `path:line:col: GB001 message`, as compilers and
//! editors' quickfix lists read them. Errors and the summary go to standard error.

use std::io::{self, Write};
use std::time::Duration;

use gbcheck::report::Summary;

use super::human::write_summary;
use super::{DisplayPath, Located, Reporter};
use crate::cli::escape::escape_str;
use crate::cli::stats::Stats;

/// Writes one line a finding to `out`, the rest to `err`.
pub struct Brief<O: Write, E: Write> {
    out: O,
    err: E,
    quiet: bool,
}

impl<O: Write, E: Write> Brief<O, E> {
    /// A reporter writing findings to `out` and the rest to `err`.
    pub fn new(out: O, err: E, quiet: bool) -> Self {
        Brief { out, err, quiet }
    }
}

impl<O: Write, E: Write> Reporter for Brief<O, E> {
    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        writeln!(
            self.out,
            "{}:{}:{}: {} {}",
            escape_str(&path.text),
            located.line,
            located.column,
            located.finding.rule.id(),
            escape_str(&located.message)
        )
    }

    fn file_done(&mut self, _: &DisplayPath, _: u64) -> io::Result<()> {
        Ok(())
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.out.flush()?;
        writeln!(self.err, "{}: error: {message}", escape_str(&path.text))
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
