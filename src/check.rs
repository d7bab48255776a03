//! Checking one input held in memory: choose the encoding, scan, collect the findings.

use crate::finding::{Finding, Severity};
use crate::report::{Counts, FileReport};
use crate::scan::{scan_gb18030, utf8::scan_utf8, Visitor};

/// The encoding an input is checked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GB 18030 (strict 2022 grammar and mapping).
    Gb18030,
    /// UTF-8, validated as std does.
    Utf8,
}

impl Encoding {
    /// The name used in output: `gb18030` or `utf-8`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf8 => "utf-8",
        }
    }
}

/// What the user asked the input to be checked as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EncodingChoice {
    /// UTF-8 when the input starts with a UTF-8 BOM or is valid UTF-8 with non-ASCII bytes,
    /// GB 18030 otherwise.
    #[default]
    Auto,
    /// Always GB 18030.
    Gb18030,
    /// Always UTF-8.
    Utf8,
}

/// The UTF-8 byte order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Guesses the encoding of an input for [`EncodingChoice::Auto`].
///
/// Correct UTF-8 Chinese text is usually also valid GB 18030, but GB 18030 Chinese text is
/// almost never valid UTF-8, so valid UTF-8 with non-ASCII bytes is taken as UTF-8.
pub fn detect(bytes: &[u8]) -> Encoding {
    if bytes.starts_with(UTF8_BOM) || (!bytes.is_ascii() && std::str::from_utf8(bytes).is_ok()) {
        Encoding::Utf8
    } else {
        Encoding::Gb18030
    }
}

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The encoding to check the input as.
    pub encoding: EncodingChoice,
    /// Keep at most this many findings per input; the counts still include all of them.
    pub max_findings: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { encoding: EncodingChoice::Auto, max_findings: usize::MAX }
    }
}

/// Keeps the first `limit` findings and counts all of them.
struct Collector {
    findings: Vec<Finding>,
    limit: usize,
    counts: Counts,
}

impl Visitor for Collector {
    fn finding(&mut self, finding: Finding) {
        self.counts.add(finding.rule.default_severity());
        if self.findings.len() < self.limit {
            self.findings.push(finding);
        }
    }
}

/// Checks a whole input held in memory.
pub fn check_bytes(bytes: &[u8], options: &Options) -> FileReport {
    let encoding = match options.encoding {
        EncodingChoice::Auto => detect(bytes),
        EncodingChoice::Gb18030 => Encoding::Gb18030,
        EncodingChoice::Utf8 => Encoding::Utf8,
    };
    let mut collector =
        Collector { findings: Vec::new(), limit: options.max_findings, counts: Counts::default() };
    match encoding {
        Encoding::Gb18030 => scan_gb18030(bytes, &mut collector),
        Encoding::Utf8 => scan_utf8(bytes, &mut collector),
    }
    FileReport {
        encoding,
        bytes_checked: bytes.len() as u64,
        findings: collector.findings,
        counts: collector.counts,
    }
}

impl Counts {
    fn add(&mut self, severity: Severity) {
        self.findings += 1;
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}
