//! The gate of the slow tests: the packaging tests (pre-commit, the wheel), the Spark recipe
//! and the 4 GiB sparse file. They download from PyPI, build gbcheck again or read gigabytes,
//! so a plain `cargo test` passes them over; `GBCHECK_SLOW_TESTS=1 cargo test` runs them, and
//! then a missing prerequisite (Python, PyPI, Git, Java) is a failure, not a skip. `.ci/run`
//! sets it.

/// The environment variable that asks for the slow tests.
pub const VARIABLE: &str = "GBCHECK_SLOW_TESTS";

/// Whether the slow tests were asked for; when not, says on standard error that `test` did
/// not run (`cargo test -- --nocapture` shows it).
pub fn asked_for(test: &str) -> bool {
    let asked = std::env::var_os(VARIABLE).is_some_and(|v| !v.is_empty() && v != "0");
    if !asked {
        eprintln!("not run: {test} is a slow test; set {VARIABLE}=1 to run it");
    }
    asked
}

/// A slow test that was asked for cannot run: that is a failure.
#[allow(dead_code)] // unused in the cli binary: the 4 GiB test (tests/cli/limits.rs) needs nothing that can be missing
pub fn missing(why: &str) -> ! {
    panic!("the slow test cannot run ({VARIABLE} is set): {why}")
}

/// Whether strace can trace here, for the tests that count system calls. When it cannot, says
/// so on standard error; under the slow tests (CI installs strace) that is a failure instead,
/// so that CI cannot pass on a skip.
#[allow(dead_code)] // used by the cli binary only
pub fn strace_works() -> bool {
    let traced =
        std::process::Command::new("strace").args(["-f", "-qq", "-e", "trace=none", "true"]).output();
    if traced.is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(std::env::var_os(VARIABLE).is_none(), "strace cannot trace here");
    eprintln!("not run: strace is not installed or cannot trace here");
    false
}
