//! The packaging tests: the library's own dependencies, the pre-commit hooks, the Python wheel
//! and the Spark recipe. All but the first download from PyPI, build gbcheck again or start
//! Spark, so they run only when `GBCHECK_SLOW_TESTS=1` asks for them (`tests/support/slow.rs`);
//! a plain `cargo test` passes them at once. The first asks `cargo tree` and is quick.

/// The shared test helpers this binary uses (`tests/support/`).
#[path = "../support"]
mod support {
    pub mod command;
    pub mod defect_tree;
    pub mod hooks;
    pub mod records;
    pub mod slow;
}

mod dependencies;
mod precommit;
mod spark;
mod wheel;
