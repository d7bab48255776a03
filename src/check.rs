//! Checking one input: choose the encoding, scan, judge the characters, collect the findings.
//!
//! [`check_bytes`] checks an input held in memory, including the file-level decisions (which
//! encoding, GB008 wrong-encoding). [`FileChecker`] checks an input fed in chunks, once its
//! encoding is known, in bounded memory.

use crate::detect::Detector;
pub use crate::encoding::{Encoding, EncodingChoice, UTF8_BOM};
use crate::finding::Finding;
use crate::report::{Counts, FileReport};
use crate::rules::{CompiledRules, FindingSink, Judge, RuleSet};
use crate::scan::{fast, utf8::Utf8Scanner};

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The encoding to check the input as.
    pub encoding: EncodingChoice,
    /// Keep at most this many findings per input; the counts still include all of them.
    pub max_findings: usize,
    /// The rules, their severities and the profile.
    pub rules: RuleSet,
}

impl Default for Options {
    fn default() -> Self {
        Options { encoding: EncodingChoice::Auto, max_findings: usize::MAX, rules: RuleSet::default() }
    }
}

/// Keeps the first `limit` findings and counts all of them.
struct Collector {
    findings: Vec<Finding>,
    /// Findings kept so far, including those already taken.
    kept: usize,
    limit: usize,
    counts: Counts,
}

impl FindingSink for Collector {
    fn push(&mut self, finding: Finding) {
        self.counts.count(finding.severity);
        if self.kept < self.limit {
            self.kept += 1;
            self.findings.push(finding);
        }
    }
}

/// The scanner for one encoding.
enum Scanner {
    Gb18030(fast::Scanner),
    Utf8(Utf8Scanner),
}

/// Findings taken from a [`FileChecker`] before the input ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// The findings, in byte order.
    pub findings: Vec<Finding>,
    /// Every finding still to come starts at or after this offset.
    pub before: u64,
}

/// Checks an input fed in chunks of any size, in the encoding given.
pub struct FileChecker {
    encoding: Encoding,
    scanner: Scanner,
    judge: Judge<&'static CompiledRules, Collector>,
    offset: u64,
    bytes: u64,
}

impl FileChecker {
    /// A checker for an input in `encoding` whose first byte is at `offset` (0 for a whole
    /// file; a chunk checked apart starts just after a byte `00-2F`).
    #[inline]
    pub fn new(encoding: Encoding, options: &Options, offset: u64) -> FileChecker {
        let compiled = CompiledRules::cached(options.rules, encoding);
        let collector = Collector {
            findings: Vec::new(),
            kept: 0,
            limit: options.max_findings,
            counts: Counts::default(),
        };
        let scanner = match encoding {
            Encoding::Gb18030 => Scanner::Gb18030(fast::Scanner::at_offset(offset)),
            Encoding::Utf8 => Scanner::Utf8(Utf8Scanner::at_offset(offset)),
        };
        FileChecker { encoding, scanner, judge: Judge::new(compiled, collector), offset, bytes: 0 }
    }

    /// Checks the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        match &mut self.scanner {
            Scanner::Gb18030(scanner) => scanner.feed(chunk, &mut self.judge),
            Scanner::Utf8(scanner) => scanner.feed(chunk, &mut self.judge),
        }
    }

    /// Takes the findings kept so far that nothing fed later can come before, in byte order,
    /// so that a long input with dense findings can be reported as it is read. Held back are
    /// those that start in the last three bytes fed (a sequence the next chunk may complete
    /// starts there) or inside a run of mojibake still open (it is reported when it ends).
    /// [`FileChecker::finish`] gives the rest; its counts cover all findings, taken or not.
    pub fn take_settled(&mut self) -> Settled {
        let mut before = (self.offset + self.bytes).saturating_sub(3);
        if let Some(run) = self.judge.open_mojibake_start() {
            before = before.min(run);
        }
        let kept = &mut self.judge.sink().findings;
        let (mut findings, held): (Vec<Finding>, Vec<Finding>) =
            kept.drain(..).partition(|f| f.span.start < before);
        *kept = held;
        findings.sort_by_key(|f| (f.span.start, f.rule));
        Settled { findings, before }
    }

    /// Ends the input and returns the report, findings in byte order.
    #[inline]
    pub fn finish(mut self) -> FileReport {
        match &mut self.scanner {
            Scanner::Gb18030(scanner) => scanner.finish(&mut self.judge),
            Scanner::Utf8(scanner) => scanner.finish(&mut self.judge),
        }
        let collector = self.judge.end_input();
        // A run of mojibake is reported when it ends, after findings inside it.
        collector.findings.sort_by_key(|f| (f.span.start, f.rule));
        FileReport {
            encoding: self.encoding,
            bytes_checked: self.bytes,
            findings: std::mem::take(&mut collector.findings),
            counts: collector.counts,
        }
    }
}

/// Checks a whole input held in memory.
///
/// With an explicit encoding, an input that is plainly in the other one gets a single GB008
/// finding and nothing else: findings under the wrong decoding would only be noise.
pub fn check_bytes(bytes: &[u8], options: &Options) -> FileReport {
    let detection = Detector::detect(bytes, options.encoding, &options.rules);
    let mut checker = FileChecker::new(detection.encoding, options, 0);
    if let Some(finding) = detection.wrong_encoding {
        checker.bytes = bytes.len() as u64;
        checker.judge.sink().push(finding);
        return checker.finish();
    }
    checker.feed(bytes);
    checker.finish()
}
