//! Tests of the library API: the scanners against independent oracles, the mapping tables,
//! the profiles, the rules, conversion, and the saved fuzz cases. Nothing here runs the
//! `gbcheck` binary (that is `tests/cli/`). One module per area; the shared helpers are in
//! `tests/support/`, of which this binary includes only what it uses.

/// The shared test helpers this binary uses (`tests/support/`).
#[path = "../support"]
mod support {
    pub mod oracle;
}

mod detect_real_text;
mod differential;
mod exhaustive;
mod fix;
mod formats;
mod fuzz_regressions;
mod layers;
mod mojibake_real_text;
mod profiles;
mod properties;
mod rules;
mod scanners;
mod tables_generated;
