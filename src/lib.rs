//! gbcheck: a fast, exact GB 18030 conformance checker.
//!
//! The library finds every place where bytes are not valid GB 18030 (or UTF-8), and every
//! character a GB 18030 system would mistake, and says exactly where and why. It does no I/O
//! of its own and never prints: the binary reads files and writes reports.
//!
//! - [`scan`]: the decode loop; bytes in, byte-level findings and scalar values out.
//! - [`mapping`]: strict GB 18030-2022 codes to scalar values and back.
//! - [`profile`]: the editions and implementations (2022, 2005, GBK, WHATWG) as codecs.
//! - [`rules`]: what a decoded character means (GB004-GB007, GB009-GB014).
//! - [`check`]: one input, checked as a chosen or detected encoding.
//! - [`detect`]: the one decision of an input's encoding and GB008, streaming.
//! - [`finding`], [`report`]: the data the checker produces; [`Finding::message`](finding::Finding::message)
//!   says in a sentence what a finding means.
//! - [`fingerprint`]: a finding's fingerprint, for baselines and SARIF.
//! - [`lines`]: byte offsets to lines and columns, for reporting.
//! - [`suppress`]: inline `gbcheck: ignore-...` comments.
//! - [`convert`]: exact transcoding between GB 18030 and UTF-8, refusing anything lossy.
//! - [`fix`]: the exact fix of a finding, and applying fixes to bytes.
//!
//! ```
//! use gbcheck::check::{check_bytes, Options, EncodingChoice};
//! use gbcheck::finding::Rule;
//!
//! // "中" in GB 18030 is D6 D0; a lone 0x81 before a newline is invalid.
//! let report = check_bytes(b"\xD6\xD0\x81\n", &Options { encoding: EncodingChoice::Gb18030, ..Options::default() });
//! assert_eq!(report.findings.len(), 1);
//! assert_eq!(report.findings[0].rule, Rule::InvalidSequence);
//! assert_eq!(report.findings[0].span.start, 2);
//! ```

//!
//! # What the API promises
//!
//! - The enums that grow with the standard and the product are `#[non_exhaustive]`: a match
//!   on [`Rule`](finding::Rule), [`Cause`](finding::Cause), [`Profile`](profile::Profile) or
//!   [`MojibakeKind`](rules::mojibake::MojibakeKind) needs a `_` arm, so that a new rule or
//!   profile is not a breaking change. [`Severity`](finding::Severity) (warning, error) and
//!   [`Event`](scan::Event) are closed: a new severity would change the output contract
//!   (`docs/output.md`). [`Encoding`](check::Encoding) and
//!   [`EncodingChoice`](check::EncodingChoice) will grow (UTF-16) and become
//!   `#[non_exhaustive]` with it.
//!
//!   ```compile_fail,E0004
//!   use gbcheck::profile::Profile;
//!
//!   // Every profile there is today, and still an error: a later one must be handled.
//!   fn year(profile: Profile) -> u16 {
//!       match profile {
//!           Profile::Gb18030_2022 => 2022,
//!           Profile::Gb18030_2005 => 2005,
//!           Profile::Gbk | Profile::Whatwg => 0,
//!       }
//!   }
//!   ```
//! - Items hidden from this documentation (the fast and reference scanners, the compiled
//!   rule tables and their judge, the vector path in use) are public only for gbcheck's own
//!   binary, tests, benches and fuzz targets, which hold the fast paths to their slow twins.
//!   They carry no compatibility promise.
//!   The generated tables, the byte grammar and the vector code are not public at all:
//!
//!   ```compile_fail,E0603
//!   let first = gbcheck::scan::tables::TWO_BYTE[0];
//!   ```
//! - Without default features (`default-features = false`) the crate is this library alone,
//!   with `memchr` as its only dependency; the `cli` feature (on by default) is the binary's.

// The rest of the lint policy is the `[lints]` table of Cargo.toml.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod convert;
pub mod detect;
pub mod encoding;
pub mod finding;
pub mod fingerprint;
pub mod fix;
pub mod formats;
pub mod lines;
pub mod mapping;
mod message;
pub mod profile;
pub mod report;
pub mod rules;
pub mod scan;
pub mod suppress;
