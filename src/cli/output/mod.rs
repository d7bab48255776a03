//! Output formats. Each one is a [`Reporter`]; the checking code knows none of them.

pub mod brief;
pub mod github;
pub mod human;
pub mod jsonl;
pub mod sarif;
pub mod snippet;

use std::io;
use std::path::Path;
use std::time::Duration;

use gbcheck::finding::Finding;
use gbcheck::report::Summary;

use crate::cli::stats::Stats;
use snippet::Snippet;

/// A path as it is shown: lossy UTF-8 for reading, and the exact bytes when the text alone
/// could mislead (not UTF-8, or holding control characters such as a newline).
#[derive(Clone, Debug)]
pub struct DisplayPath {
    /// The path as text, with invalid UTF-8 replaced by U+FFFD.
    pub text: String,
    /// The exact bytes, when the path is not valid UTF-8 or holds a control character.
    pub raw: Option<Vec<u8>>,
}

impl DisplayPath {
    /// The name shown for standard input.
    pub fn stdin() -> DisplayPath {
        DisplayPath { text: "<stdin>".to_string(), raw: None }
    }

    /// A file system path.
    pub fn of(path: &Path) -> DisplayPath {
        let bytes = path.as_os_str().as_encoded_bytes();
        // Most paths are ASCII without controls: no decoding needed to see that.
        if bytes.iter().all(|&b| (0x20..0x7F).contains(&b)) {
            let text = String::from_utf8(bytes.to_vec()).unwrap_or_default();
            return DisplayPath { text, raw: None };
        }
        DisplayPath::of_text(bytes)
    }

    /// Makes this the display of `path`, reusing the text's allocation: the reporting thread
    /// shows the path of every input, one after the other, and most are plain ASCII.
    pub fn assign(&mut self, path: &Path) {
        let bytes = path.as_os_str().as_encoded_bytes();
        match std::str::from_utf8(bytes) {
            Ok(text) if text.bytes().all(|b| (0x20..0x7F).contains(&b)) => {
                self.text.clear();
                self.text.push_str(text);
                self.raw = None;
            }
            _ => *self = DisplayPath::of_text(bytes),
        }
    }

    /// A path's display from its bytes, any bytes.
    fn of_text(bytes: &[u8]) -> DisplayPath {
        match std::str::from_utf8(bytes) {
            Ok(text) if !text.chars().any(char::is_control) => {
                DisplayPath { text: text.to_string(), raw: None }
            }
            Ok(text) => DisplayPath { text: text.to_string(), raw: Some(bytes.to_vec()) },
            Err(_) => {
                DisplayPath { text: String::from_utf8_lossy(bytes).into_owned(), raw: Some(bytes.to_vec()) }
            }
        }
    }
}

/// A finding ready to print: where it is as line and column, its bytes, its message, and
/// (for the human format) the source line around it. Everything that needs the file's bytes
/// is computed while the bytes (a whole small file, or one chunk of a big one) are in memory,
/// so a reporter never needs the file.
#[derive(Clone, Debug)]
pub struct Located {
    /// The finding itself (rule, severity, absolute span, character).
    pub finding: Finding,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// The bytes of the span.
    pub bytes: Vec<u8>,
    /// The human-readable message.
    pub message: String,
    /// The source line, rendered, with the caret's place; only when the format shows it.
    pub snippet: Option<Snippet>,
    /// The fingerprint ([`gbcheck::fingerprint`]), made from the bytes checked; only when a
    /// format or a baseline needs it.
    pub fingerprint: Option<String>,
    /// The finding's exact fix, when it has one (`gbcheck::fix`).
    pub fix: Option<gbcheck::fix::Fix>,
}

impl Located {
    /// What the finding's fix does and which option applies it, for the text formats:
    /// "fixable with --fix: remove the bytes".
    pub fn fix_note(&self) -> Option<String> {
        let fix = self.fix.as_ref()?;
        let option = if fix.safe { "--fix" } else { "--fix --unsafe-fixes" };
        Some(format!("fixable with {option}: {}", fix.describe()))
    }
}

/// Writes results in one format. Called in output order: for each input its findings then
/// `file_done` (or one `error` or `skipped`), and the summary at the end.
pub trait Reporter {
    /// One finding of the input `path`.
    fn finding(&mut self, path: &DisplayPath, finding: &Located) -> io::Result<()>;

    /// The end of an input's findings; `hidden` were not shown (`--max-findings`).
    fn file_done(&mut self, path: &DisplayPath, hidden: u64) -> io::Result<()>;

    /// An input that could not be checked (or not completely).
    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()>;

    /// An input passed over on purpose; `explicit` when the user named it.
    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()>;

    /// The suppression comments of the input whose findings come next, read by the runner
    /// from the bytes it checked (or through the file's open handle), for
    /// [`crate::cli::filter`], which never opens a file; the formats ignore it.
    fn suppressions(&mut self, _suppressions: gbcheck::suppress::Suppressions) {}

    /// The end of the run.
    fn summary(&mut self, summary: &Summary, stats: &Stats, elapsed: Duration) -> io::Result<()>;
}
