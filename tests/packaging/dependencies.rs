//! The library alone: `default-features = false` gives gbcheck with `memchr`, `simdutf8` (the
//! UTF-8 validator) and `encoding_rs` (the independent check of a mojibake repair), with their
//! own dependencies, and nothing else
//! (the `cli` feature of Cargo.toml carries the binary's crates). A crate that slips out of
//! the feature, or a new dependency of the library, fails here until this list and the
//! README say why the library needs it.

use std::process::Command;

/// Every crate a library user builds with `default-features = false`, gbcheck included.
const ALLOWED: &[&str] = &[
    // encoding_rs and what it builds on.
    "cfg-if",
    "core_detect",
    "encoding_rs",
    "gbcheck",
    "memchr",
    "multiversion_no_op",
    "scopeguard",
    "simdutf8",
];

#[test]
fn the_library_without_default_features_depends_on_memchr_simdutf8_and_encoding_rs_only() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["tree", "--locked", "--offline", "--no-default-features", "-e", "normal", "--prefix", "none"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo tree failed: {stderr}");
    let stdout = String::from_utf8(output.stdout).expect("cargo tree writes UTF-8");
    let mut crates: Vec<&str> = stdout.lines().filter_map(|line| line.split_whitespace().next()).collect();
    crates.sort_unstable();
    crates.dedup();
    assert_eq!(crates, ALLOWED, "the library's dependencies without the `cli` feature:\n{stdout}");
}
