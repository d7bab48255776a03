//! Runs the built gbcheck the way the tests compare its output: outside CI, with no input.

use std::process::{Command, Output, Stdio};

/// Runs `gbcheck ARGS` with standard input closed and the CI variables removed.
pub fn gbcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gbcheck"))
        .args(args)
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .stdin(Stdio::null())
        .output()
        .expect("run gbcheck")
}
