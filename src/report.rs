//! Results as plain data: what one file gave, and what a whole run adds up to.

use crate::encoding::Encoding;
use crate::finding::{Finding, Severity};

/// Finding counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// All findings.
    pub findings: u64,
    /// Findings of severity error.
    pub errors: u64,
    /// Findings of severity warning.
    pub warnings: u64,
}

impl Counts {
    /// Counts one more finding of `severity`.
    pub fn count(&mut self, severity: Severity) {
        self.findings += 1;
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// Whether any finding is at or above `level`.
    pub fn reaches(&self, level: Severity) -> bool {
        match level {
            Severity::Error => self.errors > 0,
            Severity::Warning => self.errors + self.warnings > 0,
        }
    }
}

/// What checking one input gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The encoding the input was checked as.
    pub encoding: Encoding,
    /// The input's length.
    pub bytes_checked: u64,
    /// The findings kept (at most `--max-findings`), in byte order.
    pub findings: Vec<Finding>,
    /// Counts of all findings, kept or not.
    pub counts: Counts,
}

/// The totals of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Inputs that were read and checked.
    pub files_checked: u64,
    /// Checked inputs with at least one finding.
    pub files_with_findings: u64,
    /// Inputs passed over on purpose (not regular files, binary files).
    pub files_skipped: u64,
    /// Bytes checked.
    pub bytes_checked: u64,
    /// Findings by severity, over all inputs.
    pub counts: Counts,
    /// Inputs that could not be checked at all (missing, unreadable).
    pub operational_errors: u64,
    /// Findings hidden by inline suppression comments (not in `counts`).
    pub suppressed: u64,
    /// Findings hidden because the baseline holds them (not in `counts`).
    pub baselined: u64,
    /// Entries (files and directories) the walk passed over because an ignore file or an
    /// exclude glob matched them.
    pub ignored: u64,
}

impl Summary {
    /// Adds one checked input.
    pub fn add(&mut self, report: &FileReport) {
        self.files_checked += 1;
        self.bytes_checked += report.bytes_checked;
        if report.counts.findings > 0 {
            self.files_with_findings += 1;
        }
        self.counts.findings += report.counts.findings;
        self.counts.errors += report.counts.errors;
        self.counts.warnings += report.counts.warnings;
    }
}
