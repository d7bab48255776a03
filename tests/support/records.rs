//! gbcheck's JSON Lines output as records, for comparing runs.

use serde_json::Value;

/// Each line of the output as a JSON value.
pub fn records(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// The records with the summary's times (which differ from run to run) taken out.
pub fn timeless(mut records: Vec<Value>) -> Vec<Value> {
    for record in &mut records {
        if record["type"] == "summary" {
            let map = record.as_object_mut().unwrap();
            for key in ["elapsed_ms", "bytes_per_second", "files_per_second"] {
                assert!(map.remove(key).is_some(), "summary without {key}");
            }
        }
    }
    records
}
