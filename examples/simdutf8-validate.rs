//! The baseline for UTF-8 input in the whole-program comparison (`benches/roads.sh`): reads a
//! file whole and validates it with simdutf8, the vector validator gbcheck's UTF-8 scanner
//! uses, and prints whether it is valid. No judging and no positions: the floor under a UTF-8
//! check.
//!
//! `cargo run --release --example simdutf8-validate -- FILE`

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: simdutf8-validate FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("simdutf8-validate: {path}: {e}");
        std::process::exit(2);
    });
    let valid = simdutf8::basic::from_utf8(&bytes).is_ok();
    println!("{path}: {} bytes, {}", bytes.len(), if valid { "valid UTF-8" } else { "invalid UTF-8" });
}
