//! Writes the benchmark inputs (`benches/inputs.rs`) to files, for the whole-program
//! comparison (`benches/compare.sh`) and for profiling.
//!
//! `cargo run --release --example bench-inputs -- DIR [SIZE_MIB]` writes `KIND.gb18030.txt` and
//! `KIND.utf8.txt` for every kind, about SIZE_MIB MiB each (default 64).

#[path = "../benches/inputs.rs"]
#[allow(dead_code)]
mod inputs;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "target/bench-inputs".to_string());
    let mib: usize = args.next().map_or(64, |s| s.parse().expect("size in MiB"));
    let (_, source) = inputs::prose_text();
    eprintln!("prose from: {source}");
    if let Err(e) = inputs::write_all(std::path::Path::new(&dir), mib << 20) {
        eprintln!("bench-inputs: {dir}: {e}");
        std::process::exit(2);
    }
}
