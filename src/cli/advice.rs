//! A finding's message as the command line prints it: the library's sentence
//! ([`Finding::message`]), which names no command or option, and then what to run about it
//! where the binary has something to offer.

use gbcheck::encoding::Encoding;
use gbcheck::finding::{Cause, Finding};

/// The message of `finding`, whose bytes are `bytes`, with the command-line advice.
pub fn message(finding: &Finding, bytes: &[u8]) -> String {
    let mut text = finding.message(bytes);
    text.push_str(advice(finding.cause));
    text
}

/// What to run about a finding of this cause, or nothing.
fn advice(cause: Cause) -> &'static str {
    match cause {
        Cause::WrongEncoding { expected: Encoding::Gb18030, .. } => {
            "; convert it with `gbcheck convert --to gb18030`, or check it with `--encoding utf-8`"
        }
        Cause::WrongEncoding { expected: Encoding::Utf8, .. } => {
            "; convert it with `gbcheck convert --to utf-8`, or check it with `--encoding gb18030`"
        }
        Cause::InvalidSuppression => " (see `gbcheck rules`)",
        Cause::DeclaredEncoding { .. } => " (`gbcheck convert` converts the bytes)",
        _ => "",
    }
}
