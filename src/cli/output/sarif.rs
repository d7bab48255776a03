//! `--format sarif`: one SARIF 2.1.0 log on stdout, streamed: the log's head (the tool and its
//! rules) is written first, then each result as it comes, one a line, and the invocation at
//! the end, so memory stays flat however many results there are.
//!
//! Every rule is listed in `tool.driver.rules`; each finding is a result with a region in
//! Unicode code points (`columnKind: unicodeCodePoints`, end column exclusive) and in bytes,
//! and a `partialFingerprints` entry that survives lines moving (see [`crate::cli::filter`]).
//! Inputs that could not be checked are `toolExecutionNotifications` of `invocations[0]`, and
//! so are findings `--max-findings` kept out of the results and a run too big for GitHub code
//! scanning (more than [`GITHUB_MAX_RESULTS`] results). Paths are relative URIs against
//! `%SRCROOT%`, the current directory.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use gbcheck::check::Encoding;
use gbcheck::finding::{Cause, HexBytes, Rule, Severity};
use gbcheck::report::Summary;
use serde::Serialize;
use serde_json::{json, Value};

use super::{DisplayPath, Located, Reporter};
use crate::cli::explain;
use crate::cli::stats::Stats;

/// One result, as written: typed rather than a `serde_json::Value`, whose maps cost an
/// allocation a key (millions of results are written one after the other).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<Fingerprints<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
    /// The finding's fix (SARIF 2.1.0 §3.55): its bytes replaced, as base64 (`binary`), so
    /// that GB 18030 files are patched exactly. A whole-file conversion (GB008) has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix; 1]>,
}

/// A `fix` object: one artifact change with one replacement.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: OwnedText,
    artifact_changes: [ArtifactChange; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct FixProperties {
    /// Whether `gbcheck check --fix` applies it without `--unsafe-fixes`.
    safe: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: [Replacement; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: ByteRegion,
    /// Absent for a deletion (§3.57.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    inserted_content: Option<Binary>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByteRegion {
    byte_offset: u64,
    byte_length: u32,
}

#[derive(Serialize)]
struct Binary {
    binary: String,
}

/// The SARIF fix of a located finding, when it replaces bytes.
fn sarif_fix(located: &Located, artifact: &ArtifactLocation) -> Option<[SarifFix; 1]> {
    use base64::Engine as _;
    let fix = located.fix.as_ref()?;
    let gbcheck::fix::Edit::Replace(bytes) = &fix.edit else { return None };
    let inserted = (!bytes.is_empty())
        .then(|| Binary { binary: base64::engine::general_purpose::STANDARD.encode(bytes) });
    Some([SarifFix {
        description: OwnedText { text: located.fix_note().unwrap_or_default() },
        artifact_changes: [ArtifactChange {
            artifact_location: ArtifactLocation {
                uri: artifact.uri.clone(),
                uri_base_id: artifact.uri_base_id,
            },
            replacements: [Replacement {
                deleted_region: ByteRegion { byte_offset: fix.span.start, byte_length: fix.span.len },
                inserted_content: inserted,
            }],
        }],
        properties: FixProperties { safe: fix.safe },
    }])
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
    end_line: u64,
    end_column: u64,
    byte_offset: u64,
    byte_length: u32,
}

/// `partialFingerprints`: gbcheck's fingerprint, under the key `gbcheck/v1`.
#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "gbcheck/v1")]
    gbcheck_v1: &'a str,
}

/// What a result says beyond SARIF's own fields: the character, GB004's other code.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties {
    #[serde(skip_serializing_if = "Option::is_none")]
    char: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    round_trip_bytes: Option<String>,
}

/// The most results GitHub code scanning accepts in one run; it rejects a bigger log.
pub const GITHUB_MAX_RESULTS: u64 = 25_000;

/// Writes one SARIF log to `out` as the results come.
pub struct Sarif<W: Write> {
    out: W,
    /// Whether the log's head (up to `"results": [`) is written.
    started: bool,
    /// Results written so far.
    results: u64,
    /// Findings of the checked files that were not written as results (`--max-findings`).
    not_written: u64,
    /// One a path that could not be checked.
    notifications: Vec<Value>,
}

impl<W: Write> Sarif<W> {
    /// A reporter writing one SARIF log to `out`.
    pub fn new(out: W) -> Self {
        Sarif { out, started: false, results: 0, not_written: 0, notifications: Vec::new() }
    }

    /// Writes the log up to the opening of `results`, once.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let tool = json!({
            "driver": {
                "name": "gbcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_descriptors(),
            }
        });
        write!(
            self.out,
            "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\n\
             \"runs\":[{{\"tool\":{tool},\n\"columnKind\":\"unicodeCodePoints\","
        )?;
        if let Some(root) = file_uri_of_cwd() {
            write!(self.out, "\"originalUriBaseIds\":{},", json!({ "%SRCROOT%": { "uri": root } }))?;
        }
        self.out.write_all(b"\n\"results\":[")
    }

    /// The notifications the run ends with: the paths that could not be checked, then what
    /// was left out of the results and why.
    fn closing_notifications(&mut self) -> Vec<Value> {
        let mut notes = std::mem::take(&mut self.notifications);
        if self.not_written > 0 {
            notes.push(json!({
                "level": "warning",
                "message": { "text": format!(
                    "{} findings are not in the results: --max-findings shows at most that many \
                     findings per file (the counts in the summary include them)",
                    self.not_written
                ) },
            }));
        }
        if self.results > GITHUB_MAX_RESULTS {
            notes.push(json!({
                "level": "warning",
                "message": { "text": format!(
                    "this run has {} results; GitHub code scanning rejects a run of more than \
                     {GITHUB_MAX_RESULTS} (narrow it with --baseline, --select or --max-findings)",
                    self.results
                ) },
            }));
        }
        notes
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
            // A rule the table lacks (tests/cli/cli.rs fails on it) gets its summary.
            let (meaning, example, fix) = explain::text(rule).unwrap_or((rule.summary(), "", ""));
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
    fn finding(&mut self, path: &DisplayPath, located: &Located) -> io::Result<()> {
        let finding = &located.finding;
        let (uri, absolute) = uri_of(path);
        let fingerprint = located.fingerprint.as_deref();
        let properties = Properties {
            char: finding.scalar.map(|c| format!("U+{:04X}", c as u32)),
            round_trip_bytes: finding.round_trip_bytes().map(|code| HexBytes(code.as_bytes()).to_string()),
        };
        let artifact = ArtifactLocation { uri, uri_base_id: (!absolute).then_some("%SRCROOT%") };
        let fixes = sarif_fix(located, &artifact);
        let result = SarifResult {
            rule_id: finding.rule.id(),
            rule_index: Rule::ALL.iter().position(|&r| r == finding.rule).unwrap_or(0),
            level: level(finding.severity),
            message: Text { text: &located.message },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact,
                    region: Region {
                        start_line: located.line,
                        start_column: located.column,
                        end_line: located.line,
                        end_column: located.column + span_chars(located),
                        byte_offset: finding.span.start,
                        byte_length: finding.span.len,
                    },
                },
            }],
            partial_fingerprints: fingerprint.map(|gbcheck_v1| Fingerprints { gbcheck_v1 }),
            properties: (properties.char.is_some() || properties.round_trip_bytes.is_some())
                .then_some(properties),
            fixes,
        };
        self.start()?;
        if self.results > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, &result)?;
        self.results += 1;
        Ok(())
    }

    fn file_done(&mut self, _: &DisplayPath, hidden: u64) -> io::Result<()> {
        self.not_written += hidden;
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

    fn summary(&mut self, summary: &Summary, stats: &Stats, elapsed: Duration) -> io::Result<()> {
        self.start()?;
        let invocation = json!({
            "executionSuccessful": summary.operational_errors == 0,
            "toolExecutionNotifications": self.closing_notifications(),
            "properties": {
                "filesChecked": summary.files_checked,
                "filesSkipped": summary.files_skipped,
                "bytesChecked": summary.bytes_checked,
                "suppressed": summary.suppressed,
                "baselined": summary.baselined,
                "ignored": summary.ignored,
                "elapsedMs": elapsed.as_millis() as u64,
            }
        });
        write!(self.out, "\n],\n\"invocations\":[{invocation}]}}]}}\n")?;
        self.out.flush()?;
        if stats.show {
            // The log is on standard output; `--stats` goes where the other formats put it.
            write!(io::stderr().lock(), "{}", super::human::stats_block(summary, stats, elapsed))?;
        }
        Ok(())
    }
}
