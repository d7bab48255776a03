//! The committed mapping tables are exactly what the generator makes from `oracle/`.

use std::path::Path;

#[path = "../../tools/gen_tables.rs"]
#[allow(dead_code)] // the generator program: its `main` is not used by these tests
mod gen_tables;

fn generated_and_committed() -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = gen_tables::generate_from_repository(root);
    let committed =
        std::fs::read_to_string(root.join("src/scan/tables.rs")).expect("read src/scan/tables.rs");
    (generated, committed)
}

const HOW_TO_FIX: &str = "run `cargo run --example gen-tables -- src/scan/tables.rs`";

#[test]
fn committed_tables_match_the_generator() {
    let (generated, committed) = generated_and_committed();
    if generated != committed {
        let line = generated.lines().zip(committed.lines()).position(|(g, c)| g != c).map_or_else(
            || {
                format!(
                    "the files differ in length ({} vs {} lines)",
                    generated.lines().count(),
                    committed.lines().count()
                )
            },
            |i| format!("first difference at line {}", i + 1),
        );
        panic!("src/scan/tables.rs is not what tools/gen_tables.rs generates ({line}); {HOW_TO_FIX}");
    }
}

#[test]
fn committed_tables_match_the_generator_token_for_token() {
    // Whitespace aside (rustfmt may re-wrap the rows), the committed file must be exactly the
    // generator's output: same comments, same names, same values in the same order.
    let (generated, committed) = generated_and_committed();
    let tokens = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>().concat();
    let (generated, committed) = (tokens(&generated), tokens(&committed));
    if generated != committed {
        let at = generated.bytes().zip(committed.bytes()).position(|(g, c)| g != c).unwrap_or(0);
        let context = |s: &str| s[at.saturating_sub(40)..(at + 40).min(s.len())].to_owned();
        panic!(
            "src/scan/tables.rs differs from the generator's output, whitespace aside: generated \
             ...{}... vs committed ...{}...; {HOW_TO_FIX}",
            context(&generated),
            context(&committed)
        );
    }
}

#[test]
fn generated_tables_have_the_standard_sizes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect(p);
    let (index, ranges, differences, levels) = (
        read("oracle/whatwg/index-gb18030.txt"),
        read("oracle/whatwg/index-gb18030-ranges.txt"),
        read("oracle/gb18030-edition-differences.tsv"),
        read("oracle/gb18030-2022-levels.tsv"),
    );
    let sources =
        gen_tables::Sources { index: &index, ranges: &ranges, differences: &differences, levels: &levels };
    let tables = gen_tables::build(&sources);
    // docs/gb18030.md, "Mapping": 23,940 two-byte codes, 39,420 four-byte BMP codes.
    assert_eq!(tables.two_byte.len(), 23_940);
    assert_eq!(tables.four_byte_bmp.len(), 39_420);
    // Together with ASCII they cover the BMP minus the surrogates exactly once.
    let mut seen = vec![false; 0x1_0000];
    for &c in tables.two_byte.iter().chain(&tables.four_byte_bmp) {
        let c = usize::from(c);
        assert!(c >= 0x80 && !(0xD800..0xE000).contains(&c), "U+{c:04X}");
        assert!(!seen[c], "U+{c:04X} has two codes");
        seen[c] = true;
    }
}
