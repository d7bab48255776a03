//! Runs the built gbcheck the way the tests compare its output: outside CI, with no input.

use std::process::{Command, Output, Stdio};

/// Runs `gbcheck ARGS` with standard input closed and the CI variables removed.
#[allow(dead_code)] // not every test file that includes this module runs gbcheck this way
pub fn gbcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gbcheck"))
        .args(args)
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .stdin(Stdio::null())
        .output()
        .expect("run gbcheck")
}

/// Runs `command` with `input` on its standard input, written from another thread so that a
/// big input cannot fill the pipe while the command waits to write its output. A command that
/// ends without reading all of it (a usage error) is not a failure here.
#[allow(dead_code)] // not every test file that includes this module feeds standard input
pub fn output_with_stdin(mut command: Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the command");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let output = child.wait_with_output().unwrap();
    if let Err(e) = writer.join().unwrap() {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    output
}
