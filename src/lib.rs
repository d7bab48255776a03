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
//! - [`finding`], [`report`]: the data the checker produces.
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

// The rest of the lint policy is the `[lints]` table of Cargo.toml.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod convert;
pub mod encoding;
pub mod finding;
pub mod fix;
pub mod lines;
pub mod mapping;
pub mod profile;
pub mod report;
pub mod rules;
pub mod scan;
pub mod suppress;
