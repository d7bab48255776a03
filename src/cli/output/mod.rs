//! Output formats. Each one is a [`Reporter`]; the checking code knows none of them.

pub mod human;
pub mod jsonl;
mod snippet;

use std::io;
use std::path::Path;
use std::time::Duration;

use gbcheck::report::{FileReport, Summary};

/// A path as it is shown: lossy UTF-8 for reading, and the exact bytes when they are not UTF-8.
#[derive(Clone, Debug)]
pub struct DisplayPath {
    /// The path as text, with invalid UTF-8 replaced by U+FFFD.
    pub text: String,
    /// The exact bytes, only when the path is not valid UTF-8.
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
        match std::str::from_utf8(bytes) {
            Ok(text) => DisplayPath { text: text.to_string(), raw: None },
            Err(_) => {
                DisplayPath { text: String::from_utf8_lossy(bytes).into_owned(), raw: Some(bytes.to_vec()) }
            }
        }
    }
}

/// Writes results in one format. Called in output order: files, then the summary.
pub trait Reporter {
    /// One checked input; `bytes` is its content, for positions and source lines.
    fn file(&mut self, path: &DisplayPath, bytes: &[u8], report: &FileReport) -> io::Result<()>;

    /// An input that could not be checked.
    fn error(&mut self, path: &DisplayPath, message: &str) -> io::Result<()>;

    /// An input passed over on purpose; `explicit` when the user named it.
    fn skipped(&mut self, path: &DisplayPath, reason: &str, explicit: bool) -> io::Result<()>;

    /// The end of the run.
    fn summary(&mut self, summary: &Summary, elapsed: Duration) -> io::Result<()>;
}
