//! `--format sarif`: one SARIF 2.1.0 log on stdout, written at the end of the run.
//!
//! Every rule is listed in `tool.driver.rules`; each finding is a result with a region in
//! Unicode code points (`columnKind: unicodeCodePoints`, end column exclusive) and in bytes,
//! and a `partialFingerprints` entry that survives lines moving (see [`crate::cli::filter`]).
//! Inputs that could not be checked are `toolExecutionNotifications` of `invocations[0]`.
//! Paths are relative URIs against `%SRCROOT%`, the current directory.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use gbcheck::check::Encoding;
use gbcheck::finding::{Cause, Rule, Severity};
use gbcheck::report::Summary;
use serde_json::{json, Value};

use super::{DisplayPath, Located, Reporter};
use crate::cli::explain;
use crate::cli::stats::Stats;

/// The key of gbcheck's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "gbcheck/v1";

/// Collects results and writes the log at the end.
pub struct Sarif<W: Write> {
    out: W,
    results: Vec<Value>,
    notifications: Vec<Value>,
    fingerprint: Option<String>,
}

impl<W: Write> Sarif<W> {
    /// A reporter writing one SARIF log to `out`.
    pub fn new(out: W) -> Self {
        Sarif { out, results: Vec::new(), notifications: Vec::new(), fingerprint: None }
    }
}

/// The number of characters (Unicode code points, a malformed span counting as one) a
/// finding's span covers: 0 for an empty span (GB008), the run's length for GB009, else 1.
pub fn span_chars(located: &Located) -> u64 {
    if located.bytes.is_empty() {
        return 0;
    }
    match located.finding.cause {
        Cause::Mojibake { input: Encoding::Utf8, .. } => {
            located.bytes.iter().filter(|&&b| !(0x80..0xC0).contains(&b)).count() as u64
        }
        Cause::Mojibake { input: Encoding::Gb18030, .. } => {
            let (bytes, mut i, mut n) = (&located.bytes, 0, 0);
            while i < bytes.len() {
                i += match (bytes[i], bytes.get(i + 1)) {
                    (0..=0x7F, _) => 1,
                    (_, Some(0x30..=0x39)) => 4,
                    _ => 2,
                };
                n += 1;
            }
            n
        }
        _ => 1,
    }
}

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encodes a path as a URI reference: unreserved characters and `/` stay, every other
/// byte is `%XX`. Relative paths lose a leading `./`; absolute ones become `file://` URIs.
pub fn uri_of(path: &DisplayPath) -> (String, bool) {
    let bytes: Vec<u8> = match &path.raw {
        Some(raw) => raw.clone(),
        None => path.text.as_bytes().to_vec(),
    };
    let mut text = bytes;
    if cfg!(windows) {
        for b in &mut text {
            if *b == b'\\' {
                *b = b'/';
            }
        }
    }
    let mut rest: &[u8] = &text;
    while let Some(stripped) = rest.strip_prefix(b"./") {
        rest = stripped;
    }
    let absolute = Path::new(&*String::from_utf8_lossy(rest)).is_absolute() || rest.starts_with(b"/");
    let mut uri = String::new();
    for &b in rest {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    if absolute {
        if !uri.starts_with('/') {
            uri.insert(0, '/');
        }
        (format!("file://{uri}"), true)
    } else {
        (uri, false)
    }
}

fn artifact(path: &DisplayPath) -> Value {
    let (uri, absolute) = uri_of(path);
    if absolute {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

/// `tool.driver.rules`: every rule, in id order (`ruleIndex` is the position in [`Rule::ALL`]).
pub fn rule_descriptors() -> Vec<Value> {
    Rule::ALL
        .iter()
        .map(|&rule| {
            let (meaning, example, fix) = explain::text(rule);
            json!({
                "id": rule.id(),
                "name": rule.name(),
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": meaning },
                "help": {
                    "text": format!("{meaning}\n\nExample: {example}\n\nFix: {fix}"),
                    "markdown": format!("{meaning}\n\n**Example:** {example}\n\n**Fix:** {fix}"),
                },
                "defaultConfiguration": { "level": level(rule.default_severity()) },
                "properties": { "tags": ["encoding", "gb18030"] },
            })
        })
        .collect()
}

fn file_uri_of_cwd() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let (uri, absolute) = uri_of(&DisplayPath::of(&cwd));
    absolute.then(|| if uri.ends_with('/') { uri } else { format!("{uri}/") })
}

impl<W: Write> Reporter for Sarif<W> {
    fn fingerprint(&mut self, fingerprint: &str) {
        self.fingerprint = Some(fingerprint.to_string());
    }

    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        let finding = &located.finding;
        let index = Rule::ALL.iter().position(|&r| r == finding.rule).unwrap_or(0);
        let mut result = json!({
            "ruleId": finding.rule.id(),
            "ruleIndex": index,
            "level": level(finding.severity),
            "message": { "text": located.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact(path),
                    "region": {
                        "startLine": located.line,
                        "startColumn": located.column,
                        "endLine": located.line,
                        "endColumn": located.column + span_chars(located),
                        "byteOffset": finding.span.start,
                        "byteLength": finding.span.len,
                    }
                }
            }],
        });
        if let Some(fingerprint) = self.fingerprint.take() {
            result["partialFingerprints"] = json!({ FINGERPRINT_KEY: fingerprint });
        }
        if let Some(c) = finding.scalar {
            result["properties"] = json!({ "char": format!("U+{:04X}", c as u32) });
        }
        self.results.push(result);
        Ok(())
    }

    fn file_done(&mut self, _: &DisplayPath, _: u64) -> io::Result<()> {
        Ok(())
    }

    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()> {
        self.notifications.push(json!({
            "level": "error",
            "message": { "text": message },
            "locations": [{ "physicalLocation": { "artifactLocation": artifact(path) } }],
        }));
        Ok(())
    }

    fn skipped(&mut self, _: &DisplayPath, _: &str, _: bool) -> io::Result<()> {
        Ok(())
    }

    fn summary(&mut self, summary: &Summary, _: &Stats, elapsed: Duration) -> io::Result<()> {
        let mut run = json!({
            "tool": {
                "driver": {
                    "name": "gbcheck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rule_descriptors(),
                }
            },
            "invocations": [{
                "executionSuccessful": summary.operational_errors == 0,
                "toolExecutionNotifications": std::mem::take(&mut self.notifications),
                "properties": {
                    "filesChecked": summary.files_checked,
                    "filesSkipped": summary.files_skipped,
                    "bytesChecked": summary.bytes_checked,
                    "suppressed": summary.suppressed,
                    "baselined": summary.baselined,
                    "elapsedMs": elapsed.as_millis() as u64,
                }
            }],
            "columnKind": "unicodeCodePoints",
            "results": std::mem::take(&mut self.results),
        });
        if let Some(root) = file_uri_of_cwd() {
            run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root } });
        }
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        });
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
