//! Generates `src/scan/tables.rs`, the strict GB 18030-2022 mapping tables, from the WHATWG
//! index files and the edition-difference table in `oracle/`, and the codes code page 936
//! lacks, from glibc's GBK charmap (`oracle/glibc/GBK.gz`), and the codes of GB 2312, from
//! glibc's GB2312 charmap (`oracle/glibc/GB2312.gz`).
//!
//! Run it with `cargo run --example gen-tables -- src/scan/tables.rs`. The test
//! `tests/library/tables_generated.rs` runs the same code and fails if the committed file differs.
//!
//! How strict 2022 is derived from WHATWG (see `oracle/gb18030-edition-differences.tsv`):
//! the WHATWG two-byte index and four-byte ranges describe the same mapping as strict 2022
//! except for the rows where the table's "2022 strict" column differs from its "WHATWG"
//! column (`A3A0`, and 18 four-byte codes); those rows are taken from the 2022 column.
//! The WHATWG decoder maps four-byte pointer 7457 (`8135F437`) to U+E7C7 outside the ranges
//! index (Encoding Standard, "index gb18030 ranges code point"); so does 2022.

use std::fmt::Write as _;

/// Number of two-byte codes: 126 leads times 190 trails.
const TWO_BYTE_COUNT: usize = 23_940;
/// Number of four-byte codes that map into the BMP: pointers `0..=39419`.
const FOUR_BYTE_BMP_COUNT: usize = 39_420;

/// The input files, read by the caller.
pub struct Sources<'a> {
    /// `index-gb18030.txt`
    pub index: &'a str,
    /// `index-gb18030-ranges.txt`
    pub ranges: &'a str,
    /// `gb18030-edition-differences.tsv`
    pub differences: &'a str,
    /// `gb18030-2022-levels.tsv`
    pub levels: &'a str,
}

/// Reads `pointer<ws>0xCODE ...` lines, skipping comments and blank lines.
fn parse_index(text: &str) -> Vec<(usize, u32)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut fields = l.split_whitespace();
            let pointer = fields.next().expect("pointer").parse().expect("decimal pointer");
            let code = fields.next().expect("code point");
            let code = u32::from_str_radix(code.trim_start_matches("0x"), 16).expect("hex code point");
            (pointer, code)
        })
        .collect()
}

/// Parses `U+XXXX` into a code point.
fn parse_scalar(field: &str) -> Option<u32> {
    u32::from_str_radix(field.strip_prefix("U+")?, 16).ok()
}

/// The decode rows of the difference table where strict 2022 and WHATWG disagree:
/// (bytes, strict 2022 scalar). Rows where 2022 is an error (`80`) give no mapping.
fn strict_overrides(differences: &str) -> Vec<(Vec<u8>, u32)> {
    let mut rows = Vec::new();
    for line in differences.lines() {
        if line.starts_with("# encode") {
            break;
        }
        if line.starts_with('#') || line.starts_with("bytes") || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (strict, whatwg) = (fields[3], fields[4]);
        if strict == whatwg {
            continue;
        }
        let Some(scalar) = parse_scalar(strict) else {
            continue;
        };
        let bytes = (0..fields[0].len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&fields[0][i..i + 2], 16).expect("hex bytes"))
            .collect();
        rows.push((bytes, scalar));
    }
    rows
}

/// The two tables, fully expanded.
pub struct Tables {
    /// Two-byte pointer -> BMP code point.
    pub two_byte: Vec<u16>,
    /// Four-byte pointer `0..=39419` -> BMP code point.
    pub four_byte_bmp: Vec<u16>,
}

/// Builds the strict GB 18030-2022 tables.
pub fn build(sources: &Sources) -> Tables {
    let mut two_byte = vec![None; TWO_BYTE_COUNT];
    for (pointer, code) in parse_index(sources.index) {
        two_byte[pointer] = Some(u16::try_from(code).expect("two-byte codes map into the BMP"));
    }
    let mut two_byte: Vec<u16> = two_byte
        .into_iter()
        .enumerate()
        .map(|(p, c)| c.unwrap_or_else(|| panic!("two-byte pointer {p} has no mapping")))
        .collect();

    let ranges = parse_index(sources.ranges);
    let mut four_byte_bmp: Vec<u16> = (0..FOUR_BYTE_BMP_COUNT)
        .map(|p| {
            if p == 7457 {
                return 0xE7C7;
            }
            let &(start, code) = ranges.iter().rev().find(|&&(start, _)| start <= p).expect("range");
            u16::try_from(code as usize + (p - start)).expect("BMP")
        })
        .collect();

    for (bytes, scalar) in strict_overrides(sources.differences) {
        let scalar = u16::try_from(scalar).expect("the overrides are in the BMP");
        match bytes[..] {
            [lead, trail] => {
                let offset = if trail < 0x7F { 0x40 } else { 0x41 };
                two_byte[(lead as usize - 0x81) * 190 + (trail as usize - offset)] = scalar;
            }
            [b1, b2, b3, b4] => {
                let pointer = (b1 as usize - 0x81) * 12_600
                    + (b2 as usize - 0x30) * 1_260
                    + (b3 as usize - 0x81) * 10
                    + (b4 as usize - 0x30);
                four_byte_bmp[pointer] = scalar;
            }
            _ => panic!("unexpected override {bytes:02X?}"),
        }
    }
    Tables { two_byte, four_byte_bmp }
}

/// Splits the four-byte BMP table into runs of consecutive code points: (first pointer,
/// first code point).
pub fn runs(four_byte_bmp: &[u16]) -> Vec<(u16, u16)> {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for (pointer, &code) in four_byte_bmp.iter().enumerate() {
        let continues = runs.last().is_some_and(|&(start, first)| {
            u32::from(first) + (pointer as u32 - u32::from(start)) == u32::from(code)
        });
        if !continues {
            runs.push((pointer as u16, code));
        }
    }
    runs
}

/// Renders `src/scan/tables.rs`.
pub fn render(tables: &Tables) -> String {
    let mut out = String::new();
    out.push_str(
        "//! Strict GB 18030-2022 mapping tables, the codes code page 936 lacks, and those of GB 2312.\n\
         //!\n\
         //! Generated by `cargo run --example gen-tables -- src/scan/tables.rs` from\n\
         //! `oracle/whatwg/index-gb18030.txt`, `oracle/whatwg/index-gb18030-ranges.txt`,\n\
         //! `oracle/gb18030-edition-differences.tsv`, `oracle/gb18030-2022-levels.tsv`,\n\
         //! `oracle/glibc/GBK.gz` and `oracle/glibc/GB2312.gz`.\n\
         //! Do not edit by hand:\n\
         //! `tests/library/tables_generated.rs` fails when this file and the generator disagree.\n\n",
    );
    out.push_str("/// Two-byte pointer (`(lead - 0x81) * 190 + trail index`) to BMP code point.\n");
    let _ = writeln!(out, "#[rustfmt::skip]\npub static TWO_BYTE: [u16; {}] = [", tables.two_byte.len());
    for row in tables.two_byte.chunks(12) {
        out.push_str("   ");
        for code in row {
            let _ = write!(out, " 0x{code:04X},");
        }
        out.push('\n');
    }
    out.push_str("];\n\n");
    let runs = runs(&tables.four_byte_bmp);
    out.push_str(
        "/// Four-byte BMP pointers (`0..=39419`) in runs: `(first pointer, its code point)`;\n\
         /// each run maps consecutive pointers to consecutive code points until the next run.\n",
    );
    let _ =
        writeln!(out, "#[rustfmt::skip]\npub static FOUR_BYTE_BMP_RUNS: [(u16, u16); {}] = [", runs.len());
    for row in runs.chunks(6) {
        out.push_str("   ");
        for (pointer, code) in row {
            let _ = write!(out, " ({pointer}, 0x{code:04X}),");
        }
        out.push('\n');
    }
    out.push_str("];\n");
    out
}

/// The columns of the difference table that are editions of the standard (the others are
/// implementations): 2000, 2005, 2022 strict, WHATWG.
const EDITION_COLUMNS: [usize; 4] = [1, 2, 3, 4];

/// One difference-table section: `(key, [value in 2000, 2005, 2022, WHATWG])`, where a value
/// is `None` for ERR or UNMAPPABLE.
fn edition_rows(differences: &str, section: &str) -> Vec<(String, [Option<String>; 4])> {
    let mut rows = Vec::new();
    let mut inside = false;
    for line in differences.lines() {
        if line.starts_with("# ") {
            inside = line == section;
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if !inside || fields.len() < 5 || fields[0] == "bytes" || fields[0] == "scalar" {
            continue;
        }
        let value = |i: usize| match fields[i] {
            "ERR" | "UNMAPPABLE" => None,
            v => Some(v.to_string()),
        };
        rows.push((fields[0].to_string(), EDITION_COLUMNS.map(value)));
    }
    rows
}

/// Renders the edition-difference tables: the codes and scalars whose mapping differs between
/// the editions (rows whose only difference is in another implementation are left out).
fn render_editions(sources: &Sources, out: &mut String) {
    let hex_bytes = |code: &str| -> String {
        (0..code.len()).step_by(2).map(|i| format!("0x{}", &code[i..i + 2])).collect::<Vec<_>>().join(", ")
    };
    let scalar = |v: &Option<String>| match v {
        Some(v) => format!("Some(0x{})", v.trim_start_matches("U+")),
        None => "None".to_string(),
    };
    let code = |v: &Option<String>| match v {
        Some(v) => format!("Some(&[{}])", hex_bytes(v)),
        None => "None".to_string(),
    };
    out.push_str(
        "\n/// Byte sequences whose meaning differs between the editions: the bytes, then the scalar\n\
         /// in GB 18030-2000, -2005, -2022 and WHATWG (`None`: not valid there).\n",
    );
    let decode = edition_rows(sources.differences, "# decode differences");
    let decode: Vec<_> = decode.into_iter().filter(|(_, v)| v.iter().any(|x| x != &v[0])).collect();
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\npub static DECODE_DIFFERENCES: [(&[u8], [Option<u32>; 4]); {}] = [",
        decode.len()
    );
    for (bytes, values) in &decode {
        let _ = writeln!(
            out,
            "    (&[{}], [{}]),",
            hex_bytes(bytes),
            values.iter().map(scalar).collect::<Vec<_>>().join(", ")
        );
    }
    out.push_str("];\n");
    out.push_str(
        "\n/// Scalars whose encoding differs between the editions: the scalar, then its bytes in\n\
         /// GB 18030-2000, -2005, -2022 and WHATWG (`None`: cannot be encoded there).\n",
    );
    let encode = edition_rows(sources.differences, "# encode differences");
    let encode: Vec<_> = encode.into_iter().filter(|(_, v)| v.iter().any(|x| x != &v[0])).collect();
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\npub static ENCODE_DIFFERENCES: [(u32, [Option<&[u8]>; 4]); {}] = [",
        encode.len()
    );
    for (key, values) in &encode {
        let _ = writeln!(
            out,
            "    (0x{}, [{}]),",
            key.trim_start_matches("U+"),
            values.iter().map(code).collect::<Vec<_>>().join(", ")
        );
    }
    out.push_str("];\n");
}

/// Renders the implementation levels of GB 18030-2022 as sorted, non-overlapping ranges.
fn render_levels(sources: &Sources, out: &mut String) {
    let mut ranges: Vec<(u32, u32, u8)> = sources
        .levels
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("level") && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let scalar = |s: &str| u32::from_str_radix(s.trim_start_matches("U+"), 16).expect("U+XXXX");
            (scalar(f[1]), scalar(f[2]), f[0].parse().expect("level"))
        })
        .collect();
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        assert!(pair[0].1 < pair[1].0, "overlapping level ranges {pair:X?}");
    }
    out.push_str(
        "\n/// Implementation levels of GB 18030-2022 (chapter 9) as inclusive scalar ranges:\n\
         /// `(first, last, level)`; a scalar listed with level N belongs to levels N and above.\n",
    );
    let _ =
        writeln!(out, "#[rustfmt::skip]\npub static LEVEL_RANGES: [(u32, u32, u8); {}] = [", ranges.len());
    for row in ranges.chunks(4) {
        out.push_str("   ");
        for (first, last, level) in row {
            let _ = write!(out, " (0x{first:04X}, 0x{last:04X}, {level}),");
        }
        out.push('\n');
    }
    out.push_str("];\n");
}

/// Reads the files under `oracle/` and renders the tables.
pub fn generate_from_repository(root: &std::path::Path) -> String {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let index = read("oracle/whatwg/index-gb18030.txt");
    let ranges = read("oracle/whatwg/index-gb18030-ranges.txt");
    let differences = read("oracle/gb18030-edition-differences.tsv");
    let levels = read("oracle/gb18030-2022-levels.tsv");
    let sources = Sources { index: &index, ranges: &ranges, differences: &differences, levels: &levels };
    let tables = build(&sources);
    let mut out = render(&tables);
    render_editions(&sources, &mut out);
    render_levels(&sources, &mut out);
    let mut gbk = String::new();
    let file = std::fs::File::open(root.join("oracle/glibc/GBK.gz")).expect("oracle/glibc/GBK.gz");
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut gbk).expect("gunzip GBK.gz");
    render_cp936(&cp936_unmapped(&gbk, &tables.two_byte), &mut out);
    let mut gb2312 = String::new();
    let file = std::fs::File::open(root.join("oracle/glibc/GB2312.gz")).expect("oracle/glibc/GB2312.gz");
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut gb2312)
        .expect("gunzip GB2312.gz");
    render_gb2312(&gb2312_codes(&gb2312), &mut out);
    out
}

/// The two-byte pointers (in GB 18030's numbering) of the codes of GB 2312 (glibc's EUC-CN
/// charmap), as inclusive ranges. Checks that each is a two-byte code with both bytes in
/// `A1-FE` and that ASCII is the only one-byte part.
pub fn gb2312_codes(charmap: &str) -> Vec<(u16, u16)> {
    let mut pointers = Vec::new();
    for (bytes, scalar) in parse_charmap(charmap) {
        match bytes[..] {
            [b] if b < 0x80 => assert_eq!(u32::from(b), scalar, "GB2312 maps {b:02X} to U+{scalar:04X}"),
            [lead @ 0xA1..=0xFE, trail @ 0xA1..=0xFE] => {
                pointers.push(((lead as usize - 0x81) * 190 + (trail as usize - 0x41)) as u16);
            }
            _ => panic!("GB2312 maps {bytes:02X?}, which is not an EUC-CN code"),
        }
    }
    pointers.sort_unstable();
    ranges_of(pointers)
}

/// Sorted pointers as inclusive ranges of consecutive ones.
fn ranges_of(pointers: impl IntoIterator<Item = u16>) -> Vec<(u16, u16)> {
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for pointer in pointers {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == pointer => *last = pointer,
            _ => ranges.push((pointer, pointer)),
        }
    }
    ranges
}

/// Renders the two-byte codes of GB 2312.
fn render_gb2312(ranges: &[(u16, u16)], out: &mut String) {
    let doc =
        "/// The two-byte pointers of the codes of GB 2312 (glibc's charmap, `oracle/glibc/GB2312.gz`),\n\
               /// as sorted inclusive ranges: what a file that declares GB 2312 may hold.\n";
    render_ranges("GB2312_CODES", doc, ranges, out);
}

/// Renders `ranges` of two-byte pointers as the static `name`, after the doc comment `doc`.
fn render_ranges(name: &str, doc: &str, ranges: &[(u16, u16)], out: &mut String) {
    out.push('\n');
    out.push_str(doc);
    let _ = writeln!(out, "#[rustfmt::skip]\npub static {name}: [(u16, u16); {}] = [", ranges.len());
    for row in ranges.chunks(6) {
        out.push_str("   ");
        for (first, last) in row {
            let _ = write!(out, " ({first}, {last}),");
        }
        out.push('\n');
    }
    out.push_str("];\n");
}

/// Reads a glibc charmap's `<UXXXX> /xHH/xHH ...` lines (commented lines are not entries).
fn parse_charmap(text: &str) -> Vec<(Vec<u8>, u32)> {
    let body = text.split("\nCHARMAP\n").nth(1).expect("CHARMAP").split("\nEND CHARMAP").next().expect("END");
    body.lines()
        .filter(|l| l.starts_with("<U"))
        .map(|l| {
            let mut fields = l.split_whitespace();
            let name = fields.next().expect("<UXXXX>");
            let scalar = name.strip_prefix("<U").and_then(|n| n.strip_suffix('>')).expect("<UXXXX>");
            let scalar = u32::from_str_radix(scalar, 16).expect("hex scalar");
            let bytes = fields.next().expect("bytes").strip_prefix("/x").expect("/x");
            let bytes = bytes.split("/x").map(|h| u8::from_str_radix(h, 16).expect("hex byte")).collect();
            (bytes, scalar)
        })
        .collect()
}

/// The two-byte pointers that code page 936 (glibc's GBK charmap) leaves unmapped, as
/// inclusive ranges. Checks the facts `Profile::Cp936` is built on: every other two-byte code
/// means what it means in strict 2022, ASCII is itself, `80` is U+20AC, nothing else is mapped.
pub fn cp936_unmapped(charmap: &str, two_byte: &[u16]) -> Vec<(u16, u16)> {
    let mut mapped = vec![false; TWO_BYTE_COUNT];
    for (bytes, scalar) in parse_charmap(charmap) {
        match bytes[..] {
            [b] if b < 0x80 => assert_eq!(u32::from(b), scalar, "GBK maps {b:02X} to U+{scalar:04X}"),
            [0x80] => assert_eq!(scalar, 0x20AC, "GBK maps 80 to U+{scalar:04X}"),
            [lead @ 0x81..=0xFE, trail @ (0x40..=0x7E | 0x80..=0xFE)] => {
                let offset = if trail < 0x7F { 0x40 } else { 0x41 };
                let pointer = (lead as usize - 0x81) * 190 + (trail as usize - offset);
                assert_eq!(
                    u32::from(two_byte[pointer]),
                    scalar,
                    "GBK and strict 2022 differ on {bytes:02X?}"
                );
                assert!(!mapped[pointer], "GBK maps {bytes:02X?} twice");
                mapped[pointer] = true;
            }
            _ => panic!("GBK maps {bytes:02X?}, which is not a one- or two-byte code"),
        }
    }
    ranges_of(
        (0..TWO_BYTE_COUNT)
            .filter(|&p| !mapped[p])
            .map(|p| u16::try_from(p).expect("two-byte pointers fit in u16")),
    )
}

/// Renders the two-byte codes code page 936 lacks.
fn render_cp936(ranges: &[(u16, u16)], out: &mut String) {
    let doc = "/// The two-byte pointers that code page 936 (glibc's GBK charmap, `oracle/glibc/GBK.gz`)\n\
               /// leaves unmapped, as sorted inclusive ranges; every other two-byte code means what it\n\
               /// means in strict GB 18030-2022.\n";
    render_ranges("CP936_UNMAPPED", doc, ranges, out);
}

/// Writes the tables to the path given as the first argument (`src/scan/tables.rs`), or to
/// standard output. Writing the file itself, after generating, matters: a shell redirection
/// would empty the file before cargo compiles the library this example links against.
#[allow(dead_code)]
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tables = generate_from_repository(root);
    match std::env::args_os().nth(1) {
        Some(path) => std::fs::write(&path, tables).unwrap_or_else(|e| panic!("{path:?}: {e}")),
        None => print!("{tables}"),
    }
}
