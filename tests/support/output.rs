//! A run's output as the tests read it: as text, or as JSON Lines records.

use std::process::Output;

use serde_json::Value;

/// Standard output as text; it must be UTF-8.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("standard output is UTF-8")
}

/// Standard error as text (lossy: a message may quote bytes of a file).
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each line of standard output as a JSON value.
pub fn json_lines(output: &Output) -> Vec<Value> {
    super::records::records(&output.stdout)
}
