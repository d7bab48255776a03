//! Each profile's decoder and encoder (`Profile::decode`, `Profile::encode`), exhaustively,
//! against an independent table:
//!
//! - `gb18030-2022` against glibc's strict GB 18030-2022 charmap (`oracle/glibc/GB18030.gz`);
//! - `gb18030-2005` against ICU 72's table (`oracle/icu-data/gb-18030-2000.ucm`, which holds
//!   the 2005 mapping), with ICU's own algorithmic ranges for the codes the file leaves out;
//! - `whatwg` against encoding_rs 0.8.44's GB18030 decoder and encoder;
//! - `gbk` against encoding_rs 0.8.44's GBK decoder and encoder;
//! - `cp936` against glibc's GBK charmap (`oracle/glibc/GBK.gz`), and against Python's `cp936`
//!   codec, which differs from it only on `80` (docs/gb18030.md, "Code page 936").
//!
//! Then the round-trip facts of docs/gb18030.md, "WHATWG and encoding_rs", as explicit
//! assertions.

use std::collections::{BTreeSet, HashMap};
use std::io::Read as _;
use std::sync::OnceLock;

use crate::support::oracle::{
    all_two_byte_codes, code_of_pointer4, edition_table, encoding_rs_decode_one, encoding_rs_encode_one,
    every_scalar, glibc_gbk, hex, pointer4, u, EditionTable, ED_2022, ED_WHATWG,
};
use gbcheck::profile::Profile;

/// Number of well-formed four-byte codes (docs/gb18030.md, "Byte grammar").
const FOUR_BYTE_CODES: u32 = 126 * 10 * 126 * 10;
/// Last pointer of the four-byte BMP area, first and last of the supplementary area.
const BMP_LAST: u32 = 39_419;
const SUPPLEMENTARY_FIRST: u32 = 189_000;
const SUPPLEMENTARY_LAST: u32 = 1_237_575;

/// The scalar the standard's pointer arithmetic gives a supplementary four-byte pointer.
fn supplementary(pointer: u32) -> Option<char> {
    (SUPPLEMENTARY_FIRST..=SUPPLEMENTARY_LAST)
        .contains(&pointer)
        .then(|| char::from_u32(0x1_0000 + pointer - SUPPLEMENTARY_FIRST).expect("a scalar"))
}

/// Every one-byte input a profile is asked about: `00-7F` and the lone `80`.
fn one_byte_codes() -> impl Iterator<Item = [u8; 1]> {
    (0x00..=0x80u8).map(|b| [b])
}

/// Runs `f` over all four-byte pointers on two threads (the machine has two cores) and
/// returns the mismatch messages, sorted.
fn over_four_byte_pointers(f: impl Fn(u32) -> Option<String> + Sync) -> Vec<String> {
    let half = FOUR_BYTE_CODES / 2;
    let run = |range: std::ops::Range<u32>| range.filter_map(&f).collect::<Vec<String>>();
    let (mut low, high) = std::thread::scope(|s| {
        let low = s.spawn(|| run(0..half));
        let high = run(half..FOUR_BYTE_CODES);
        (low.join().expect("low half"), high)
    });
    low.extend(high);
    low
}

/// Runs `f` over every scalar on two threads and returns the mismatch messages.
fn over_scalars(f: impl Fn(char) -> Option<String> + Sync) -> Vec<String> {
    let run = |range: std::ops::RangeInclusive<u32>| {
        range.filter_map(char::from_u32).filter_map(&f).collect::<Vec<String>>()
    };
    let (mut low, high) = std::thread::scope(|s| {
        let low = s.spawn(|| run(0..=0x2_FFFF));
        let high = run(0x3_0000..=0x10_FFFF);
        (low.join().expect("low half"), high)
    });
    low.extend(high);
    low
}

/// Fails with the first few mismatches and their count.
fn assert_none(what: &str, mismatches: &[String]) {
    assert!(
        mismatches.is_empty(),
        "{what}: {} mismatches, the first ones:\n{}",
        mismatches.len(),
        mismatches.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

fn show(c: Option<char>) -> String {
    c.map_or_else(|| "None".to_string(), u)
}

fn show_bytes(b: Option<&[u8]>) -> String {
    b.map_or_else(|| "None".to_string(), |b| format!("[{}]", hex(b)))
}

/// One decode comparison: a message when `profile` does not decode `bytes` to `expected`.
fn decode_mismatch(profile: Profile, bytes: &[u8], expected: Option<char>, source: &str) -> Option<String> {
    let got = profile.decode(bytes);
    (got != expected).then(|| {
        format!("{profile} decode [{}]: got {}, {source} says {}", hex(bytes), show(got), show(expected))
    })
}

/// One encode comparison: a message when `profile` does not encode `c` as `expected`.
fn encode_mismatch(profile: Profile, c: char, expected: Option<&[u8]>, source: &str) -> Option<String> {
    let got = profile.encode(c);
    let got = got.as_ref().map(|e| e.as_bytes());
    (got != expected).then(|| {
        format!("{profile} encode {}: got {}, {source} says {}", u(c), show_bytes(got), show_bytes(expected))
    })
}

// ---------------------------------------------------------------------------------------------
// gb18030-2022 against glibc's charmap
// ---------------------------------------------------------------------------------------------

/// glibc's strict GB 18030-2022 charmap: code -> scalar for one- and two-byte codes, and a
/// table by four-byte pointer.
struct Charmap {
    short: HashMap<Vec<u8>, char>,
    four: Vec<Option<char>>,
    by_scalar: HashMap<char, Vec<u8>>,
}

fn charmap() -> &'static Charmap {
    static CHARMAP: OnceLock<Charmap> = OnceLock::new();
    CHARMAP.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/glibc/GB18030.gz");
        let file = std::fs::File::open(path).expect("open the glibc charmap");
        let mut text = String::new();
        flate2::read::GzDecoder::new(file).read_to_string(&mut text).expect("gunzip the glibc charmap");
        let body = text.split("\nCHARMAP\n").nth(1).expect("CHARMAP").split("\nEND CHARMAP").next().unwrap();
        let mut map = Charmap {
            short: HashMap::new(),
            four: vec![None; FOUR_BYTE_CODES as usize],
            by_scalar: HashMap::new(),
        };
        let parse = |name: &str| {
            let digits = name.strip_prefix("<U").and_then(|n| n.strip_suffix('>')).expect("<Uxxxx>");
            u32::from_str_radix(digits, 16).expect("hex code point")
        };
        for line in body.lines().filter(|l| l.starts_with("<U")) {
            let mut fields = line.split_whitespace();
            let names = fields.next().expect("code point");
            let bytes: Vec<u8> = fields
                .next()
                .expect("bytes")
                .strip_prefix("/x")
                .expect("/x")
                .split("/x")
                .map(|h| u8::from_str_radix(h, 16).expect("hex byte"))
                .collect();
            let mut entries = Vec::new();
            match names.split_once("..") {
                None => entries.push((bytes, parse(names))),
                Some((first, last)) => {
                    assert_eq!(bytes.len(), 4, "{line}");
                    let start = pointer4(&bytes);
                    for (i, scalar) in (parse(first)..=parse(last)).enumerate() {
                        entries.push((code_of_pointer4(start + i as u32).to_vec(), scalar));
                    }
                }
            }
            for (bytes, scalar) in entries {
                let c = char::from_u32(scalar).unwrap_or_else(|| panic!("{line}: not a scalar"));
                let old = match bytes.len() {
                    4 => map.four[pointer4(&bytes) as usize].replace(c),
                    _ => map.short.insert(bytes.clone(), c),
                };
                assert!(old.is_none() || old == Some(c), "charmap maps [{}] twice", hex(&bytes));
                let old = map.by_scalar.insert(c, bytes.clone());
                assert!(old.is_none() || old.as_ref() == Some(&bytes), "charmap maps {} twice", u(c));
            }
        }
        map
    })
}

/// What the charmap (and, for the supplementary codes it leaves out, the standard's pointer
/// arithmetic) says a four-byte pointer decodes to under strict 2022.
fn strict_four(pointer: u32) -> Option<char> {
    let listed = charmap().four[pointer as usize];
    if let (Some(c), Some(arithmetic)) = (listed, supplementary(pointer)) {
        assert_eq!(c, arithmetic, "the charmap and the arithmetic disagree on pointer {pointer}");
    }
    listed.or_else(|| supplementary(pointer))
}

#[test]
fn gb18030_2022_decodes_as_glibc() {
    let map = charmap();
    // The charmap covers the whole one- and two-byte space and the four-byte BMP area.
    assert_eq!(map.short.len(), 128 + 23_940);
    assert_eq!(map.four[..=BMP_LAST as usize].iter().filter(|c| c.is_some()).count(), 39_420);
    let profile = Profile::Gb18030_2022;
    let mut mismatches = Vec::new();
    for [b] in one_byte_codes() {
        // `80` is not in the charmap: strict 2022 has no such code.
        mismatches.extend(decode_mismatch(profile, &[b], map.short.get(&vec![b]).copied(), "glibc"));
    }
    for code in all_two_byte_codes() {
        let expected = map.short.get(&code[..]).copied();
        assert!(expected.is_some(), "charmap lacks [{}]", hex(&code));
        mismatches.extend(decode_mismatch(profile, &code, expected, "glibc"));
    }
    mismatches.extend(over_four_byte_pointers(|p| {
        decode_mismatch(profile, &code_of_pointer4(p), strict_four(p), "glibc (arithmetic beyond the BMP)")
    }));
    assert_none("gb18030-2022 decode against glibc's charmap", &mismatches);
}

#[test]
fn gb18030_2022_encodes_every_scalar_as_glibc() {
    let map = charmap();
    let mismatches = over_scalars(|c| {
        let expected = match map.by_scalar.get(&c) {
            Some(bytes) => bytes.clone(),
            // The charmap lists only the assigned supplementary characters; every other
            // scalar beyond the BMP is U+10000 + pointer - 189000.
            None => {
                assert!(u32::from(c) >= 0x1_0000, "charmap lacks BMP scalar {}", u(c));
                code_of_pointer4(u32::from(c) - 0x1_0000 + SUPPLEMENTARY_FIRST).to_vec()
            }
        };
        encode_mismatch(Profile::Gb18030_2022, c, Some(&expected), "glibc")
    });
    assert_none("gb18030-2022 encode against glibc's charmap", &mismatches);
}

// ---------------------------------------------------------------------------------------------
// gb18030-2005 against ICU 72's table
// ---------------------------------------------------------------------------------------------

/// ICU's `gb18030Ranges` (icu4c `source/common/ucnvmbcs.cpp`): the BMP ranges where both the
/// scalars and the four-byte codes are contiguous and ICU maps them by arithmetic instead
/// of listing them in the .ucm file. (The fourteenth, U+10000-U+10FFFF from `90308130`, is
/// the supplementary rule of docs/gb18030.md, "Four-byte codes".)
const ICU_BMP_RANGES: [(u32, u32, [u8; 4], [u8; 4]); 13] = [
    (0x9FA6, 0xD7FF, [0x82, 0x35, 0x8F, 0x33], [0x83, 0x36, 0xC7, 0x38]),
    (0x0452, 0x1E3E, [0x81, 0x30, 0xD3, 0x30], [0x81, 0x35, 0xF4, 0x36]),
    (0x1E40, 0x200F, [0x81, 0x35, 0xF4, 0x38], [0x81, 0x36, 0xA5, 0x31]),
    (0xE865, 0xF92B, [0x83, 0x36, 0xD0, 0x30], [0x84, 0x30, 0x85, 0x34]),
    (0x2643, 0x2E80, [0x81, 0x37, 0xA8, 0x39], [0x81, 0x38, 0xFD, 0x38]),
    (0xFA2A, 0xFE2F, [0x84, 0x30, 0x9C, 0x38], [0x84, 0x31, 0x85, 0x37]),
    (0x3CE1, 0x4055, [0x82, 0x31, 0xD4, 0x38], [0x82, 0x32, 0xAF, 0x32]),
    (0x361B, 0x3917, [0x82, 0x30, 0xA6, 0x33], [0x82, 0x30, 0xF2, 0x37]),
    (0x49B8, 0x4C76, [0x82, 0x34, 0xA1, 0x31], [0x82, 0x34, 0xE7, 0x33]),
    (0x4160, 0x4336, [0x82, 0x32, 0xC9, 0x37], [0x82, 0x32, 0xF8, 0x37]),
    (0x478E, 0x4946, [0x82, 0x33, 0xE8, 0x38], [0x82, 0x34, 0x96, 0x38]),
    (0x44D7, 0x464B, [0x82, 0x33, 0xA3, 0x39], [0x82, 0x33, 0xC9, 0x31]),
    (0xFFE6, 0xFFFF, [0x84, 0x31, 0xA2, 0x34], [0x84, 0x31, 0xA4, 0x39]),
];

/// ICU 72's GB 18030 mapping: what it decodes each code to and how it encodes each scalar.
struct Icu {
    /// Bytes -> scalar, for one- and two-byte codes (`|0` and `|3` entries).
    decode_short: HashMap<Vec<u8>, char>,
    /// Four-byte BMP pointer -> scalar: listed entries, then ICU's ranges.
    decode_four_bmp: Vec<Option<char>>,
    /// Scalar -> bytes for BMP scalars (`|0` and `|1` entries, then the ranges).
    encode_bmp: HashMap<char, Vec<u8>>,
    /// How many entries of each kind (`|0`, `|1`, `|3`) the file has.
    kinds: [usize; 4],
}

fn icu() -> &'static Icu {
    static ICU: OnceLock<Icu> = OnceLock::new();
    ICU.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/icu-data/gb-18030-2000.ucm");
        let text = std::fs::read_to_string(path).expect("read the ICU table");
        let body = text.split("\nCHARMAP\n").nth(1).expect("CHARMAP").split("\nEND CHARMAP").next().unwrap();
        let mut icu = Icu {
            decode_short: HashMap::new(),
            decode_four_bmp: vec![None; BMP_LAST as usize + 1],
            encode_bmp: HashMap::new(),
            kinds: [0; 4],
        };
        for line in body.lines().filter(|l| l.starts_with("<U")) {
            // <UXXXX> \xHH\xHH... |n
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.len(), 3, "{line}");
            let scalar = fields[0].strip_prefix("<U").and_then(|f| f.strip_suffix('>')).expect("<U...>");
            let c = char::from_u32(u32::from_str_radix(scalar, 16).expect("hex")).expect("a scalar");
            let bytes: Vec<u8> = fields[1]
                .strip_prefix("\\x")
                .expect("\\x")
                .split("\\x")
                .map(|h| u8::from_str_radix(h, 16).expect("hex byte"))
                .collect();
            let kind: usize = fields[2].strip_prefix('|').expect("|n").parse().expect("a digit");
            icu.kinds[kind] += 1;
            assert!(u32::from(c) < 0x1_0000, "{line}: the file lists BMP scalars only");
            // |0 round trip, |1 fallback from Unicode only, |3 fallback to Unicode only.
            let (decodes, encodes) = match kind {
                0 => (true, true),
                1 => (false, true),
                3 => (true, false),
                _ => panic!("{line}: unknown kind"),
            };
            if decodes {
                let old = match bytes.len() {
                    4 => {
                        let p = pointer4(&bytes);
                        assert!(p <= BMP_LAST, "{line}");
                        icu.decode_four_bmp[p as usize].replace(c)
                    }
                    _ => icu.decode_short.insert(bytes.clone(), c),
                };
                assert!(old.is_none(), "{line}: code listed twice");
            }
            if encodes {
                let old = icu.encode_bmp.insert(c, bytes);
                assert!(old.is_none(), "{line}: scalar listed twice");
            }
        }
        // The codes the file leaves out are exactly ICU's ranges, mapped linearly.
        for (first, last, start, end) in ICU_BMP_RANGES {
            let (p0, p1) = (pointer4(&start), pointer4(&end));
            assert_eq!(p1 - p0, last - first, "ICU range U+{first:04X}..U+{last:04X}");
            for i in 0..=(last - first) {
                let c = char::from_u32(first + i).expect("a scalar");
                let old = icu.decode_four_bmp[(p0 + i) as usize].replace(c);
                assert_eq!(old, None, "ICU range code [{}] is also listed", hex(&code_of_pointer4(p0 + i)));
                let old = icu.encode_bmp.insert(c, code_of_pointer4(p0 + i).to_vec());
                assert_eq!(old, None, "ICU range scalar {} is also listed", u(c));
            }
        }
        icu
    })
}

#[test]
fn icu_table_covers_the_byte_structure() {
    let icu = icu();
    // The file as committed: round-trip entries only, no fallbacks.
    assert_eq!(icu.kinds, [30_862, 0, 0, 0], "entries |0, |1, |2, |3");
    assert_eq!(icu.decode_short.len(), 128 + 23_940, "one- and two-byte codes");
    assert!(icu.decode_four_bmp.iter().all(|c| c.is_some()), "listed codes plus ranges cover the BMP area");
    // Every BMP scalar except the surrogates has a code.
    assert_eq!(icu.encode_bmp.len(), 0x1_0000 - 0x800);
    for code in all_two_byte_codes() {
        assert!(icu.decode_short.contains_key(&code[..]), "ICU lacks [{}]", hex(&code));
    }
    // The standard's two swapped codes in 2005, as the difference table says.
    assert_eq!(icu.decode_short[&vec![0xA8, 0xBC]], '\u{1E3F}');
    assert_eq!(icu.decode_four_bmp[pointer4(&[0x81, 0x35, 0xF4, 0x37]) as usize], Some('\u{E7C7}'));
}

#[test]
fn gb18030_2005_decodes_as_icu() {
    let icu = icu();
    let profile = Profile::Gb18030_2005;
    let mut mismatches = Vec::new();
    for [b] in one_byte_codes() {
        mismatches.extend(decode_mismatch(profile, &[b], icu.decode_short.get(&vec![b]).copied(), "ICU 72"));
    }
    for code in all_two_byte_codes() {
        mismatches.extend(decode_mismatch(
            profile,
            &code,
            icu.decode_short.get(&code[..]).copied(),
            "ICU 72",
        ));
    }
    mismatches.extend(over_four_byte_pointers(|p| {
        let expected = match p {
            0..=BMP_LAST => icu.decode_four_bmp[p as usize],
            _ => supplementary(p),
        };
        decode_mismatch(profile, &code_of_pointer4(p), expected, "ICU 72")
    }));
    assert_none("gb18030-2005 decode against ICU 72", &mismatches);
}

#[test]
fn gb18030_2005_encodes_every_scalar_as_icu() {
    let icu = icu();
    let mismatches = over_scalars(|c| {
        let expected = match u32::from(c) {
            0..=0xFFFF => icu.encode_bmp[&c].clone(),
            scalar => code_of_pointer4(scalar - 0x1_0000 + SUPPLEMENTARY_FIRST).to_vec(),
        };
        encode_mismatch(Profile::Gb18030_2005, c, Some(&expected), "ICU 72")
    });
    assert_none("gb18030-2005 encode against ICU 72", &mismatches);
}

// ---------------------------------------------------------------------------------------------
// whatwg and gbk against encoding_rs
// ---------------------------------------------------------------------------------------------

#[test]
fn whatwg_decodes_as_encoding_rs() {
    let profile = Profile::Whatwg;
    let oracle = encoding_rs::GB18030;
    let mut mismatches = Vec::new();
    for [b] in one_byte_codes() {
        mismatches.extend(decode_mismatch(
            profile,
            &[b],
            encoding_rs_decode_one(oracle, &[b]),
            "encoding_rs",
        ));
    }
    for code in all_two_byte_codes() {
        mismatches.extend(decode_mismatch(
            profile,
            &code,
            encoding_rs_decode_one(oracle, &code),
            "encoding_rs",
        ));
    }
    mismatches.extend(over_four_byte_pointers(|p| {
        let code = code_of_pointer4(p);
        decode_mismatch(profile, &code, encoding_rs_decode_one(oracle, &code), "encoding_rs")
    }));
    assert_none("whatwg decode against encoding_rs", &mismatches);
    // encoding_rs reads the lone 80 as the euro sign.
    assert_eq!(profile.decode(&[0x80]), Some('\u{20AC}'));
}

#[test]
fn whatwg_encodes_every_scalar_as_encoding_rs() {
    let mismatches = over_scalars(|c| {
        let expected = encoding_rs_encode_one(encoding_rs::GB18030, c);
        encode_mismatch(Profile::Whatwg, c, expected.as_deref(), "encoding_rs")
    });
    assert_none("whatwg encode against encoding_rs", &mismatches);
}

#[test]
fn gbk_decodes_one_and_two_byte_codes_as_encoding_rs() {
    let profile = Profile::Gbk;
    let oracle = encoding_rs::GBK;
    let mut mismatches = Vec::new();
    for [b] in one_byte_codes() {
        mismatches.extend(decode_mismatch(
            profile,
            &[b],
            encoding_rs_decode_one(oracle, &[b]),
            "encoding_rs GBK",
        ));
    }
    for code in all_two_byte_codes() {
        let expected = encoding_rs_decode_one(oracle, &code);
        mismatches.extend(decode_mismatch(profile, &code, expected, "encoding_rs GBK"));
    }
    assert_none("gbk decode against encoding_rs", &mismatches);
    assert_eq!(profile.decode(&[0x80]), Some('\u{20AC}'), "code page 936: 80 is the euro sign");
}

#[test]
fn gbk_has_no_four_byte_codes() {
    // encoding_rs's GBK decoder is its GB18030 decoder (WHATWG), so it is no oracle here;
    // docs/gb18030.md ("GBK") and docs/output.md (GB006) say GBK has no four-byte codes at all.
    let mismatches = over_four_byte_pointers(|p| {
        decode_mismatch(
            Profile::Gbk,
            &code_of_pointer4(p),
            None,
            "docs/gb18030.md (GBK has no four-byte codes)",
        )
    });
    assert_none("gbk decode of four-byte codes", &mismatches);
}

#[test]
fn gbk_decodes_four_byte_codes_outside_the_difference_table_as_none() {
    // The part of the previous test that holds today: every four-byte code the difference
    // table does not list is `None` under gbk.
    let table = edition_table();
    let mismatches = over_four_byte_pointers(|p| {
        let code = code_of_pointer4(p);
        if table.decode_row(&code).is_some() {
            return None;
        }
        decode_mismatch(Profile::Gbk, &code, None, "docs/gb18030.md (GBK has no four-byte codes)")
    });
    assert_none("gbk decode of four-byte codes", &mismatches);
}

#[test]
fn gbk_encodes_every_scalar_as_encoding_rs() {
    let mismatches = over_scalars(|c| {
        let expected = encoding_rs_encode_one(encoding_rs::GBK, c);
        encode_mismatch(Profile::Gbk, c, expected.as_deref(), "encoding_rs GBK")
    });
    assert_none("gbk encode against encoding_rs", &mismatches);
    assert_eq!(Profile::Gbk.encode('\u{20AC}').map(|e| e.as_bytes().to_vec()), Some(vec![0x80]));
}

// ---------------------------------------------------------------------------------------------
// cp936 against glibc's GBK charmap and Python's codec
// ---------------------------------------------------------------------------------------------

#[test]
fn cp936_decodes_every_code_as_glibc() {
    let map = &glibc_gbk().decode;
    let profile = Profile::Cp936;
    let mut mismatches = Vec::new();
    for [b] in one_byte_codes() {
        mismatches.extend(decode_mismatch(profile, &[b], map.get(&vec![b]).copied(), "glibc GBK"));
    }
    for code in all_two_byte_codes() {
        mismatches.extend(decode_mismatch(profile, &code, map.get(&code[..]).copied(), "glibc GBK"));
    }
    // The charmap has no four-byte codes.
    mismatches.extend(over_four_byte_pointers(|p| {
        decode_mismatch(profile, &code_of_pointer4(p), None, "glibc GBK (no four-byte codes)")
    }));
    assert_none("cp936 decode against glibc's GBK charmap", &mismatches);
    // The facts the issue names: no A3A0, A6D9 or FE51, and 80 is the euro sign.
    for code in [[0xA3, 0xA0], [0xA6, 0xD9], [0xFE, 0x51]] {
        assert_eq!(profile.decode(&code), None, "[{}]", hex(&code));
    }
    assert_eq!(profile.decode(&[0x80]), Some('\u{20AC}'));
}

#[test]
fn cp936_encodes_every_scalar_as_glibc() {
    let map = &glibc_gbk().encode;
    let mismatches =
        over_scalars(|c| encode_mismatch(Profile::Cp936, c, map.get(&c).map(Vec::as_slice), "glibc GBK"));
    assert_none("cp936 encode against glibc's GBK charmap", &mismatches);
}

/// Python's `cp936` codec, asked by a real `python3`: each one- and two-byte code it decodes
/// (`HEX U+XXXX`) and each BMP scalar it encodes (`U+XXXX HEX`).
const PYTHON_CP936: &str = r#"
import sys
out = []
codes = [bytes([b]) for b in range(0x81)]
codes += [bytes([l, t]) for l in range(0x81, 0xFF) for t in range(0x40, 0xFF) if t != 0x7F]
for b in codes:
    try:
        out.append("D %s %X" % (b.hex(), ord(b.decode("cp936"))))
    except UnicodeDecodeError:
        pass
for s in range(0x10000):
    if 0xD800 <= s < 0xE000:
        continue
    try:
        out.append("E %X %s" % (s, chr(s).encode("cp936").hex()))
    except UnicodeEncodeError:
        pass
sys.stdout.write("\n".join(out))
"#;

#[test]
fn cp936_is_pythons_codec_but_for_80() {
    let output = match std::process::Command::new("python3").args(["-c", PYTHON_CP936]).output() {
        Ok(output) if output.status.success() => output,
        other => {
            // As tests/support/slow.rs: where CI asks for everything, a missing python3 fails.
            assert!(std::env::var_os("GBCHECK_SLOW_TESTS").is_none(), "python3 could not run: {other:?}");
            eprintln!("note: python3 not found; skipping the comparison with its cp936 codec");
            return;
        }
    };
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let (mut decoded, mut encoded) = (HashMap::new(), HashMap::new());
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let scalar = |f: &str| char::from_u32(u32::from_str_radix(f, 16).expect("hex")).expect("a scalar");
        let bytes = |f: &str| {
            (0..f.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&f[i..i + 2], 16).expect("hex"))
                .collect::<Vec<u8>>()
        };
        match fields[..] {
            ["D", code, c] => decoded.insert(bytes(code), scalar(c)),
            ["E", c, code] => encoded.insert(scalar(c), bytes(code)).map(|_| '?'),
            _ => panic!("python printed {line:?}"),
        };
    }
    assert!(decoded.len() > 21_000 && encoded.len() > 21_000, "python3 gave too little");
    let profile = Profile::Cp936;
    let mut mismatches = Vec::new();
    for code in one_byte_codes().map(|b| b.to_vec()).chain(all_two_byte_codes().map(|c| c.to_vec())) {
        // Python's codec has no 80; glibc's charmap and Windows map it to the euro sign.
        let expected = if code == [0x80] { Some('\u{20AC}') } else { decoded.get(&code).copied() };
        mismatches.extend(decode_mismatch(profile, &code, expected, "python3 cp936"));
    }
    mismatches.extend(over_scalars(|c| {
        let expected = if c == '\u{20AC}' { Some(vec![0x80]) } else { encoded.get(&c).cloned() };
        if u32::from(c) >= 0x1_0000 {
            return encode_mismatch(profile, c, None, "python3 cp936 (no four-byte codes)");
        }
        encode_mismatch(profile, c, expected.as_deref(), "python3 cp936")
    }));
    assert_none("cp936 against python3's codec", &mismatches);
    assert_eq!(decoded.get(&vec![0x80]), None, "python3 decodes 80 now: update docs/gb18030.md");
    assert_eq!(encoded.get(&'\u{20AC}'), None, "python3 encodes U+20AC now: update docs/gb18030.md");
}

// ---------------------------------------------------------------------------------------------
// Round-trip facts (docs/gb18030.md, "WHATWG and encoding_rs")
// ---------------------------------------------------------------------------------------------

/// Every code a GB 18030 profile can be asked about: `00-7F`, `80`, every two-byte code and
/// every well-formed four-byte code.
fn every_code() -> impl Iterator<Item = Vec<u8>> {
    one_byte_codes()
        .map(|b| b.to_vec())
        .chain(all_two_byte_codes().map(|c| c.to_vec()))
        .chain((0..FOUR_BYTE_CODES).map(|p| code_of_pointer4(p).to_vec()))
}

/// A code that changed on a decode-encode round trip: the code, what it decodes to, and what
/// that encodes back to.
type ChangedCode = (Vec<u8>, char, Option<Vec<u8>>);

/// A scalar that changed on an encode-decode round trip: the scalar, its code, and what that
/// decodes back to.
type ChangedScalar = (char, Vec<u8>, Option<char>);

/// What a profile does on a decode-encode round trip of every code: how many codes decode,
/// and the codes that come back different (with what they decode and encode to).
fn decode_encode(profile: Profile) -> (usize, Vec<ChangedCode>) {
    let mut decoded = 0;
    let mut changed = Vec::new();
    for code in every_code() {
        if let Some(c) = profile.decode(&code) {
            decoded += 1;
            let back = profile.encode(c).map(|e| e.as_bytes().to_vec());
            if back.as_ref() != Some(&code) {
                changed.push((code, c, back));
            }
        }
    }
    (decoded, changed)
}

/// What a profile does on an encode-decode round trip of every scalar: the unencodable
/// scalars, and those that come back different.
fn encode_decode(profile: Profile) -> (Vec<char>, Vec<ChangedScalar>) {
    let mut unencodable = Vec::new();
    let mut changed = Vec::new();
    for c in every_scalar() {
        match profile.encode(c) {
            None => unencodable.push(c),
            Some(code) => {
                let back = profile.decode(code.as_bytes());
                if back != Some(c) {
                    changed.push((c, code.as_bytes().to_vec(), back));
                }
            }
        }
    }
    (unencodable, changed)
}

/// 128 one-byte, 23,940 two-byte, 39,420 four-byte BMP and 1,048,576 supplementary codes.
const STRICT_CODES: usize = 128 + 23_940 + 39_420 + 1_048_576;

#[test]
fn strict_2022_and_2005_are_bijections() {
    for profile in [Profile::Gb18030_2022, Profile::Gb18030_2005] {
        let (decoded, changed) = decode_encode(profile);
        assert_eq!(decoded, STRICT_CODES, "{profile}: codes that decode");
        assert_eq!(changed, [], "{profile}: codes that change on a decode-encode round trip");
        let (unencodable, changed) = encode_decode(profile);
        assert_eq!(unencodable, [], "{profile}: unencodable scalars");
        assert_eq!(changed, [], "{profile}: scalars that change on an encode-decode round trip");
        // As many codes as scalars, every scalar encodes and comes back: a bijection.
        assert_eq!(STRICT_CODES, 1_112_064);
        assert_eq!(profile.decode(&[0x80]), None, "{profile} has no code 80");
    }
}

#[test]
fn whatwg_round_trips_change_exactly_the_documented_codes_and_scalars() {
    let table = edition_table();
    let profile = Profile::Whatwg;

    // Decode-encode: `80`, `A3A0` and the 18 four-byte codes (docs/gb18030.md, "WHATWG and
    // encoding_rs").
    let (_, changed) = decode_encode(profile);
    let got: BTreeSet<Vec<u8>> = changed.iter().map(|(code, _, _)| code.clone()).collect();
    let four_byte: BTreeSet<Vec<u8>> = table
        .decode
        .iter()
        .filter(|(b, row)| b.len() == 4 && row[ED_2022] != row[ED_WHATWG])
        .map(|(b, _)| b.clone())
        .collect();
    assert_eq!(four_byte.len(), 18);
    let mut expected = four_byte.clone();
    expected.insert(vec![0x80]);
    expected.insert(vec![0xA3, 0xA0]);
    assert_eq!(got.len(), 20);
    assert_eq!(got, expected, "whatwg: codes that change on a decode-encode round trip");
    for (code, c, back) in &changed {
        // What encoding_rs does with the same round trip.
        assert_eq!(Some(*c), encoding_rs_decode_one(encoding_rs::GB18030, code), "[{}]", hex(code));
        assert_eq!(*back, encoding_rs_encode_one(encoding_rs::GB18030, *c), "{}", u(*c));
    }
    let by_code: HashMap<&[u8], (char, Option<&[u8]>)> =
        changed.iter().map(|(code, c, back)| (&code[..], (*c, back.as_deref()))).collect();
    assert_eq!(by_code[&[0x80][..]], ('\u{20AC}', Some(&[0xA2, 0xE3][..])));
    assert_eq!(by_code[&[0xA3, 0xA0][..]], ('\u{3000}', Some(&[0xA1, 0xA1][..])));
    assert_eq!(by_code[&[0x84, 0x31, 0x82, 0x36][..]], ('\u{FE10}', Some(&[0xA6, 0xD9][..])));
    assert_eq!(by_code[&[0x82, 0x35, 0x90, 0x37][..]], ('\u{9FB4}', Some(&[0xFE, 0x59][..])));

    // Encode-decode: the 18 PUA scalars U+E78D..U+E796 and U+E81E, E826, E82B, E82C, E832,
    // E843, E854, E864; U+E5E5 cannot be encoded.
    let (unencodable, changed) = encode_decode(profile);
    assert_eq!(unencodable, ['\u{E5E5}'], "whatwg: unencodable scalars");
    let got: Vec<char> = changed.iter().map(|(c, _, _)| *c).collect();
    let mut expected: Vec<char> = ('\u{E78D}'..='\u{E796}').collect();
    expected.extend([
        '\u{E81E}', '\u{E826}', '\u{E82B}', '\u{E82C}', '\u{E832}', '\u{E843}', '\u{E854}', '\u{E864}',
    ]);
    assert_eq!(got.len(), 18);
    assert_eq!(got, expected, "whatwg: scalars that change on an encode-decode round trip");
    for (c, code, back) in &changed {
        // Each encodes as a two-byte code that decodes back as a standard character, both
        // steps as encoding_rs does them.
        assert_eq!(Some(code.clone()), encoding_rs_encode_one(encoding_rs::GB18030, *c), "{}", u(*c));
        assert_eq!(*back, encoding_rs_decode_one(encoding_rs::GB18030, code), "{}", u(*c));
        assert_eq!(code.len(), 2, "{}", u(*c));
    }
}

#[test]
fn the_difference_table_is_what_the_profiles_say() {
    // Every row whose 2000/2005/2022/WHATWG columns differ: the 2005, 2022 and whatwg
    // profiles give their column.
    let table = edition_table();
    let columns = [(Profile::Gb18030_2005, 1), (Profile::Gb18030_2022, 2), (Profile::Whatwg, 3)];
    let mut rows = 0;
    for (bytes, row) in table.decode.iter().filter(|(_, row)| EditionTable::decode_row_differs(row)) {
        rows += 1;
        for (profile, col) in columns {
            assert_eq!(profile.decode(bytes), row[col], "{profile} decode [{}]", hex(bytes));
        }
    }
    assert_eq!(rows, 40, "decode rows that differ between the editions");
    rows = 0;
    for (c, row) in table.encode.iter().filter(|(_, row)| EditionTable::encode_row_differs(row)) {
        rows += 1;
        for (profile, col) in columns {
            let got = profile.encode(*c).map(|e| e.as_bytes().to_vec());
            assert_eq!(got, row[col], "{profile} encode {}", u(*c));
        }
    }
    assert_eq!(rows, 39, "encode rows that differ between the editions");
}
