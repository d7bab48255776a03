//! The one way the tests run the built gbcheck: outside CI, with no colour setting from the
//! environment, with no input.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `gbcheck`, ready for arguments: `CI`, `GITHUB_ACTIONS` and `NO_COLOR` removed (so that the
/// environment the tests run in cannot change gbcheck's output) and standard input closed. A
/// test that wants one of them sets it on the command; later settings win.
pub fn gbcheck() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gbcheck"));
    command.env_remove("CI").env_remove("GITHUB_ACTIONS").env_remove("NO_COLOR").stdin(Stdio::null());
    command
}

/// Runs `gbcheck ARGS` in `dir`.
pub fn run(args: &[&str], dir: &Path) -> Output {
    gbcheck().args(args).current_dir(dir).output().expect("run gbcheck")
}

/// Runs `gbcheck ARGS` in `dir` with `input` on its standard input.
#[allow(dead_code)] // unused in the packaging binary, which gives gbcheck no input
pub fn run_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut command = gbcheck();
    command.args(args).current_dir(dir);
    output_with_stdin(command, input)
}

/// Runs `command` with `input` on its standard input, written from another thread so that a
/// big input cannot fill the pipe while the command waits to write its output. A command that
/// ends without reading all of it (a usage error) is not a failure here.
#[allow(dead_code)] // unused in the packaging binary, which gives gbcheck no input
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
