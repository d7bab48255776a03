//! `gbcheck convert`, run as a user would: exhaustive round trips, refusals that leave files
//! untouched, BOMs, atomic in-place writes, a read-only directory; the output in the encoding
//! asked for from every kind of source, mojibake refused, the directory never listed.
//!
//! Expected bytes come from independent sources, never from gbcheck: glibc's strict
//! GB 18030-2022 charmap (`oracle/glibc/GB18030.gz`), the four-byte arithmetic of
//! `docs/gb18030.md`, "Four-byte codes" for the supplementary planes the charmap does not list,
//! encoding_rs for GBK, GB 18030 and Windows-1252, and the known bytes of a few characters.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use gbcheck::check::Encoding;
use gbcheck::convert::{convert_bytes, Bom};
use gbcheck::profile::Profile;

use crate::support::command::{gbcheck, output_with_stdin, run};
use crate::support::output::stderr;

fn assert_status(output: &Output, code: i32) {
    assert_eq!(output.status.code(), Some(code), "stderr: {}", stderr(output));
}

/// The section 1 formula: the four bytes of a four-byte pointer.
fn four_byte_code(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12_600) as u8 + 0x81,
        (pointer / 1_260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

fn pointer4(b: &[u8]) -> u32 {
    (u32::from(b[0]) - 0x81) * 12_600
        + (u32::from(b[1]) - 0x30) * 1_260
        + (u32::from(b[2]) - 0x81) * 10
        + (u32::from(b[3]) - 0x30)
}

/// glibc's strict GB 18030-2022 charmap: scalar -> bytes (ranges expanded).
fn charmap() -> &'static HashMap<char, Vec<u8>> {
    static CHARMAP: OnceLock<HashMap<char, Vec<u8>>> = OnceLock::new();
    CHARMAP.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/glibc/GB18030.gz");
        let file = fs::File::open(path).expect("open the glibc charmap");
        let mut text = String::new();
        flate2::read::GzDecoder::new(file).read_to_string(&mut text).expect("gunzip");
        let body = text.split("\nCHARMAP\n").nth(1).expect("CHARMAP").split("\nEND CHARMAP").next().unwrap();
        let parse = |u: &str| {
            let hex = u.strip_prefix("<U").and_then(|u| u.strip_suffix('>')).expect("<Uxxxx>");
            u32::from_str_radix(hex, 16).expect("hex code point")
        };
        let mut map = HashMap::new();
        for line in body.lines().filter(|l| l.starts_with("<U")) {
            let mut fields = line.split_whitespace();
            let names = fields.next().unwrap();
            let bytes: Vec<u8> = fields
                .next()
                .unwrap()
                .strip_prefix("/x")
                .unwrap()
                .split("/x")
                .map(|h| u8::from_str_radix(h, 16).unwrap())
                .collect();
            let entries: Vec<(u32, Vec<u8>)> = match names.split_once("..") {
                None => vec![(parse(names), bytes)],
                Some((first, last)) => {
                    let start = pointer4(&bytes);
                    (parse(first)..=parse(last))
                        .enumerate()
                        .map(|(i, s)| (s, four_byte_code(start + i as u32).to_vec()))
                        .collect()
                }
            };
            for (scalar, bytes) in entries {
                let c = char::from_u32(scalar).expect("scalar");
                let old = map.insert(c, bytes.clone());
                assert!(old.is_none_or(|old| old == bytes), "two codes for U+{scalar:04X}");
            }
        }
        map
    })
}

/// The strict 2022 code of a scalar: the charmap, or for the supplementary scalars it does not
/// list, the standard's linear four-byte mapping (pointer 189000 + scalar - 0x10000).
fn expected_2022(c: char) -> Vec<u8> {
    match charmap().get(&c) {
        Some(bytes) => bytes.clone(),
        None => {
            assert!(c as u32 >= 0x1_0000, "the charmap lacks BMP U+{:04X}", c as u32);
            four_byte_code(189_000 + c as u32 - 0x1_0000).to_vec()
        }
    }
}

fn every_scalar() -> impl Iterator<Item = char> {
    (0..=0x10_FFFFu32).filter_map(char::from_u32)
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

/// Sets a file's mtime an hour back, so that any rewrite would show.
fn age(path: &Path) -> SystemTime {
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
    mtime(path)
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".gbcheck-tmp-"))
        .collect()
}

/// Converts `input` with the binary (`-o`), asserting success, and returns the output bytes.
/// Tables in code order hold runs that read as mojibake (`ÀÁ` is `C0C1` read as Latin-1), so
/// the mojibake refusal is turned off here.
fn convert_file(dir: &Path, input: &[u8], args: &[&str]) -> Vec<u8> {
    fs::write(dir.join("in"), input).unwrap();
    let _ = fs::remove_file(dir.join("out"));
    let mut all = vec!["convert", "--allow-mojibake"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "out", "in"]);
    let output = run(&all, dir);
    assert_status(&output, 0);
    fs::read(dir.join("out")).unwrap()
}

#[test]
fn every_scalar_converts_to_strict_gb18030_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = every_scalar().collect();
    let expected: Vec<u8> = every_scalar().flat_map(expected_2022).collect();
    // A small chunk size puts sequences across chunk boundaries everywhere.
    for chunk in ["1M", "4099"] {
        let gb = convert_file(
            dir.path(),
            text.as_bytes(),
            &["--to", "gb18030", "--from", "utf-8", "--chunk-size", chunk],
        );
        assert!(gb == expected, "UTF-8 -> GB 18030 differs from glibc's charmap (chunk {chunk})");
        let back =
            convert_file(dir.path(), &gb, &["--to", "utf-8", "--from", "gb18030", "--chunk-size", chunk]);
        assert!(back == text.as_bytes(), "GB 18030 -> UTF-8 does not give the text back (chunk {chunk})");
    }
}

#[test]
fn every_valid_gb18030_code_converts_to_utf8_and_back() {
    let dir = tempfile::tempdir().unwrap();
    // Every valid code, in code order, built from the grammar (docs/gb18030.md, "Byte grammar").
    let mut codes: Vec<Vec<u8>> = (0..0x80u8).map(|b| vec![b]).collect();
    for lead in 0x81..=0xFEu8 {
        for trail in (0x40..=0x7Eu8).chain(0x80..=0xFE) {
            codes.push(vec![lead, trail]);
        }
    }
    codes.extend((0..=39_419).chain(189_000..=1_237_575).map(|p| four_byte_code(p).to_vec()));
    assert_eq!(codes.len(), 128 + 23_940 + 39_420 + 1_048_576);
    let by_code: HashMap<Vec<u8>, char> = every_scalar().map(|c| (expected_2022(c), c)).collect();
    let input: Vec<u8> = codes.concat();
    let expected: String = codes.iter().map(|code| by_code[code]).collect();
    let utf8 = convert_file(dir.path(), &input, &["--to", "utf-8", "--from", "gb18030"]);
    assert!(utf8 == expected.as_bytes(), "GB 18030 -> UTF-8 differs from glibc's charmap");
    let back = convert_file(dir.path(), &utf8, &["--to", "gb18030", "--from", "utf-8"]);
    assert!(back == input, "UTF-8 -> GB 18030 does not give the codes back");
}

/// encoding_rs's GBK: one scalar to bytes, without replacement.
fn gbk_encode(c: char) -> Option<Vec<u8>> {
    let mut encoder = encoding_rs::GBK.new_encoder();
    let mut out = [0u8; 16];
    let mut buf = [0u8; 4];
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut buf), &mut out, true);
    (result == encoding_rs::EncoderResult::InputEmpty).then(|| out[..written].to_vec())
}

/// encoding_rs's GBK decoder: bytes to one scalar, or `None` on any error.
fn gbk_decode(bytes: &[u8]) -> Option<char> {
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    let mut chars = text.chars();
    match (had_errors, chars.next(), chars.next()) {
        (false, Some(c), None) => Some(c),
        _ => None,
    }
}

#[test]
fn gbk_converts_exactly_its_repertoire_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    // The repertoire: what encoding_rs's GBK encodes and decodes back to the same scalar.
    let mut repertoire = Vec::new();
    for c in every_scalar() {
        let exact = gbk_encode(c).filter(|bytes| gbk_decode(bytes) == Some(c));
        // After an "a", so that U+FEFF is not a byte order mark.
        let ours = convert_bytes(
            format!("a{c}").as_bytes(),
            Encoding::Utf8,
            Encoding::Gb18030,
            Profile::Gbk,
            Bom::Drop,
        );
        match exact {
            Some(bytes) => {
                assert_eq!(ours.ok(), Some([&b"a"[..], &bytes].concat()), "U+{:04X}", c as u32);
                repertoire.push((c, bytes));
            }
            None => assert!(
                ours.is_err(),
                "U+{:04X} converts under gbk but encoding_rs cannot round-trip it",
                c as u32
            ),
        }
    }
    let text: String = repertoire.iter().map(|&(c, _)| c).collect();
    let codes: Vec<u8> = repertoire.iter().flat_map(|(_, b)| b.clone()).collect();
    let gb = convert_file(
        dir.path(),
        text.as_bytes(),
        &["--to", "gb18030", "--from", "utf-8", "--profile", "gbk"],
    );
    assert!(gb == codes, "UTF-8 -> GBK differs from encoding_rs");
    let back = convert_file(dir.path(), &gb, &["--to", "utf-8", "--from", "gb18030", "--profile", "gbk"]);
    assert!(back == text.as_bytes(), "GBK -> UTF-8 does not give the text back");

    // Every GBK code: the two-byte codes and 80. It converts when encoding_rs decodes it to a
    // scalar that its GBK encoder writes back as the same bytes, and is refused otherwise.
    let mut gbk_codes = vec![vec![0x80u8]];
    for lead in 0x81..=0xFEu8 {
        for trail in (0x40..=0x7Eu8).chain(0x80..=0xFE) {
            gbk_codes.push(vec![lead, trail]);
        }
    }
    let mut exact_codes = Vec::new();
    for code in &gbk_codes {
        let exact = gbk_decode(code).filter(|&c| gbk_encode(c).as_deref() == Some(&code[..]));
        let ours = convert_bytes(
            &[&b"a"[..], code].concat(),
            Encoding::Gb18030,
            Encoding::Utf8,
            Profile::Gbk,
            Bom::Drop,
        );
        match exact {
            Some(c) => {
                assert_eq!(ours.ok(), Some(format!("a{c}").into_bytes()), "{code:02X?}");
                exact_codes.push((code.clone(), c));
            }
            None => assert!(
                ours.is_err(),
                "{code:02X?} converts under gbk but does not round-trip in encoding_rs"
            ),
        }
    }
    assert!(exact_codes.len() > 21_000, "{}", exact_codes.len());
    let input: Vec<u8> = exact_codes.iter().flat_map(|(b, _)| b.clone()).collect();
    let expected: String = exact_codes.iter().map(|&(_, c)| c).collect();
    let utf8 = convert_file(dir.path(), &input, &["--to", "utf-8", "--from", "gb18030", "--profile", "gbk"]);
    assert!(utf8 == expected.as_bytes(), "GBK -> UTF-8 differs from encoding_rs");
    let back = convert_file(dir.path(), &utf8, &["--to", "gb18030", "--from", "utf-8", "--profile", "gbk"]);
    assert!(back == input, "UTF-8 -> GBK does not give the codes back");
}

/// A refused in-place conversion: exit 1, the findings printed, bytes and mtime unchanged,
/// no temporary file, and `-o` creates nothing.
fn assert_refused(content: &[u8], args: &[&str], rule: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.txt");
    fs::write(&path, content).unwrap();
    let before = age(&path);
    let mut all = vec!["convert", "--in-place"];
    all.extend_from_slice(args);
    all.push("f.txt");
    let output = run(&all, dir.path());
    assert_status(&output, 1);
    let err = stderr(&output);
    assert!(err.contains(rule) && err.contains("refused") && err.contains("unchanged"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), content);
    assert_eq!(mtime(&path), before, "mtime changed");
    assert!(temp_files(dir.path()).is_empty());

    let mut all = vec!["convert", "-o", "out.txt"];
    all.extend_from_slice(args);
    all.push("f.txt");
    let output = run(&all, dir.path());
    assert_status(&output, 1);
    assert!(!dir.path().join("out.txt").exists());
    // Standard output gets nothing either.
    let mut all = vec!["convert"];
    all.extend_from_slice(args);
    all.push("f.txt");
    let output = run(&all, dir.path());
    assert_status(&output, 1);
    assert!(output.stdout.is_empty());
    assert_eq!(fs::read(dir.path().join("f.txt")).unwrap(), content);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn invalid_bytes_are_refused() {
    // A lone lead before LF, FF, a truncated four-byte code (docs/gb18030.md, "Malformed input").
    assert_refused(b"\xD6\xD0\x81\n", &["--to", "utf-8"], "GB001");
    assert_refused(b"ok \xFF\n", &["--to", "utf-8", "--from", "gb18030"], "GB001");
    assert_refused(b"\xD6\xD0\x81\x30", &["--to", "utf-8"], "GB002");
    // A reserved four-byte code.
    assert_refused(b"\x84\x31\xA5\x30\n", &["--to", "utf-8"], "GB003");
    // Invalid UTF-8 (a stray continuation byte) to GB 18030.
    assert_refused(
        "中\n".as_bytes().iter().chain(b"\x80").copied().collect::<Vec<_>>().as_slice(),
        &["--to", "gb18030", "--from", "utf-8"],
        "GB001",
    );
}

#[test]
fn unencodable_characters_are_refused() {
    // docs/gb18030.md, "WHATWG and encoding_rs" and "GBK": WHATWG cannot encode U+E5E5; GBK has
    // no four-byte codes.
    assert_refused("a\u{E5E5}\n".as_bytes(), &["--to", "gb18030", "--profile", "whatwg"], "GB006");
    assert_refused("表情 😀\n".as_bytes(), &["--to", "gb18030", "--profile", "gbk"], "GB006");
    // A four-byte code in a file read as GBK.
    assert_refused(
        b"\x81\x30\x81\x30\n",
        &["--to", "utf-8", "--from", "gb18030", "--profile", "gbk"],
        "GB006",
    );
}

#[test]
fn one_way_codes_under_whatwg_are_refused() {
    // docs/gb18030.md, "WHATWG and encoding_rs": 84318236 decodes to U+FE10 and comes back as
    // A6D9; A3A0 decodes to U+3000 and comes back as A1A1; 80 decodes to U+20AC and comes back
    // as A2E3.
    assert_refused(b"\x84\x31\x82\x36\n", &["--to", "utf-8", "--profile", "whatwg"], "GB004");
    assert_refused(b"\xA3\xA0\n", &["--to", "utf-8", "--profile", "whatwg"], "GB004");
    assert_refused(b"x\x80\n", &["--to", "utf-8", "--profile", "whatwg"], "GB004");
    // U+E78D encodes as 84318236 under WHATWG, which decodes to U+FE10.
    assert_refused("\u{E78D}\n".as_bytes(), &["--to", "gb18030", "--profile", "whatwg"], "GB004");
    // The same under strict 2022 converts (a bijection).
    let dir = tempfile::tempdir().unwrap();
    let out = convert_file(dir.path(), b"\x84\x31\x82\x36\n", &["--to", "utf-8"]);
    assert_eq!(out, "\u{E78D}\n".as_bytes());
}

#[test]
fn dry_run_writes_nothing_and_says_what_it_would_do() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), b"\xD6\xD0\xCE\xC4\n").unwrap();
    fs::write(dir.path().join("bad.txt"), b"\xD6\xD0\xFF\n").unwrap();
    let good = age(&dir.path().join("good.txt"));
    let output =
        run(&["convert", "--to", "utf-8", "--in-place", "--dry-run", "good.txt", "bad.txt"], dir.path());
    assert_status(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("good.txt: would convert gb18030 -> utf-8"), "{err}");
    assert!(err.contains("bad.txt: would refuse") && err.contains("GB001"), "{err}");
    assert_eq!(fs::read(dir.path().join("good.txt")).unwrap(), b"\xD6\xD0\xCE\xC4\n");
    assert_eq!(mtime(&dir.path().join("good.txt")), good);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn boms_are_dropped_and_said_or_kept_as_the_targets() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("u.txt"), b"\xEF\xBB\xBF\xE4\xB8\xAD\n").unwrap();
    let dropped = run(&["convert", "--to", "gb18030", "u.txt"], dir.path());
    assert_status(&dropped, 0);
    assert_eq!(dropped.stdout, b"\xD6\xD0\n");
    assert!(stderr(&dropped).contains("byte order mark dropped"), "{}", stderr(&dropped));
    let kept = run(&["convert", "--to", "gb18030", "--keep-bom", "u.txt"], dir.path());
    assert_status(&kept, 0);
    assert_eq!(kept.stdout, b"\x84\x31\x95\x33\xD6\xD0\n");
    fs::write(dir.path().join("g.txt"), b"\x84\x31\x95\x33\xD6\xD0\n").unwrap();
    let kept = run(&["convert", "--to", "utf-8", "--from", "gb18030", "--keep-bom", "g.txt"], dir.path());
    assert_eq!(kept.stdout, b"\xEF\xBB\xBF\xE4\xB8\xAD\n");
    let dropped = run(&["convert", "--to", "utf-8", "--from", "gb18030", "g.txt"], dir.path());
    assert_eq!(dropped.stdout, b"\xE4\xB8\xAD\n");
    // In place, with the BOM dropped: the verification skips it.
    let output = run(&["convert", "--to", "utf-8", "--in-place", "g.txt"], dir.path());
    assert_status(&output, 0);
    assert_eq!(fs::read(dir.path().join("g.txt")).unwrap(), b"\xE4\xB8\xAD\n");
}

#[cfg(unix)]
#[test]
fn in_place_keeps_permissions_makes_backups_and_follows_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.txt");
    fs::write(&path, b"\xD6\xD0\xCE\xC4\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("f.txt", dir.path().join("link.txt")).unwrap();
    let output =
        run(&["convert", "--to", "utf-8", "--in-place", "--backup", ".orig", "link.txt"], dir.path());
    assert_status(&output, 0);
    assert_eq!(fs::read(&path).unwrap(), "中文\n".as_bytes());
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    assert!(fs::symlink_metadata(dir.path().join("link.txt")).unwrap().file_type().is_symlink());
    assert_eq!(fs::read(dir.path().join("f.txt.orig")).unwrap(), b"\xD6\xD0\xCE\xC4\n");
    assert!(temp_files(dir.path()).is_empty());
    // Converting back restores the original bytes.
    let output = run(&["convert", "--to", "gb18030", "--in-place", "f.txt"], dir.path());
    assert_status(&output, 0);
    assert_eq!(fs::read(&path).unwrap(), b"\xD6\xD0\xCE\xC4\n");
}

/// A temporary file gbcheck did not create is never removed: not even one whose name holds
/// the PID of a process that is gone, since a process in another PID namespace (a container)
/// or on another machine sharing the directory may be writing it.
#[test]
fn temporary_files_of_other_processes_are_never_removed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("f.txt"), b"\xD6\xD0\n").unwrap();
    // A PID above the kernel's pid_max (4194304 at most): no process here has it.
    let others = [".f.txt.gbcheck-tmp-999999999", ".f.txt.gbcheck-tmp-Ab3xYz", "keep.gbcheck-tmp-1"];
    for name in others {
        fs::write(dir.path().join(name), b"half").unwrap();
    }
    let output = run(&["convert", "--to", "utf-8", "--in-place", "f.txt"], dir.path());
    assert_status(&output, 0);
    assert_eq!(fs::read(dir.path().join("f.txt")).unwrap(), "中\n".as_bytes());
    for name in others {
        assert_eq!(fs::read(dir.path().join(name)).unwrap(), b"half", "{name}");
    }
    assert_eq!(temp_files(dir.path()).len(), others.len());
}

#[test]
fn argument_misuse_is_an_operational_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a"), b"a").unwrap();
    fs::write(dir.path().join("b"), b"b").unwrap();
    assert_status(&run(&["convert", "--to", "utf-8", "a", "b"], dir.path()), 2);
    assert_status(&run(&["convert", "--to", "utf-8", "-o", "x", "a", "b"], dir.path()), 2);
    assert_status(&run(&["convert", "--to", "utf-8", "--backup", ".b", "a"], dir.path()), 2);
    assert_status(&run(&["convert", "--to", "utf-8", "missing"], dir.path()), 2);
    assert_status(&run(&["convert", "--to", "utf-8", "."], dir.path()), 2);
}

/// A command that runs as `nobody`, for which directory permissions count (root ignores
/// them). `None` when no tool for it is installed.
fn as_nobody() -> Option<Command> {
    let works = |program: &str, args: &[&str]| {
        Command::new(program).args(args).arg("true").stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    if works("setpriv", &setpriv) {
        let mut command = Command::new("setpriv");
        command.args(setpriv);
        return Some(command);
    }
    if works("runuser", &["-u", "nobody", "--"]) {
        let mut command = Command::new("runuser");
        command.args(["-u", "nobody", "--"]);
        return Some(command);
    }
    None
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_gives_a_clear_error_and_no_change() {
    use std::os::unix::fs::PermissionsExt;
    let Some(mut command) = as_nobody() else {
        eprintln!("skipped: neither setpriv nor runuser can run a command as nobody here");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("ro");
    fs::create_dir(&sub).unwrap();
    let path = sub.join("f.txt");
    fs::write(&path, b"\xD6\xD0\xCE\xC4\n").unwrap();
    let before = age(&path);
    // Readable by everyone, writable by nobody but root (and the file writable by all: only
    // the directory stops the rename).
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let output = command
        .arg(env!("CARGO_BIN_EXE_gbcheck"))
        .args(["convert", "--to", "utf-8", "--in-place"])
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if String::from_utf8_lossy(&output.stderr).contains("cannot read") {
        eprintln!("skipped: nobody cannot reach the test directory or the binary here");
        return;
    }
    assert_status(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("not writable") && err.contains("nothing was changed"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), b"\xD6\xD0\xCE\xC4\n");
    assert_eq!(mtime(&path), before);
    assert_eq!(fs::read_dir(&sub).unwrap().count(), 1);
}

/// The conversion is its own check (`gbcheck convert` reads a file once and runs the checker
/// only when the converter stops): the converter must stop on exactly the inputs where the
/// checker with the refusal rules finds something, at its first finding. Every single byte,
/// every pair, every four-byte sequence of the right shape and every scalar, under every
/// profile and in both directions, each between ASCII letters.
#[test]
fn the_converter_stops_exactly_where_the_check_finds_something() {
    use gbcheck::check::check_bytes;
    use gbcheck::convert::check_options;
    let mut gb_inputs: Vec<Vec<u8>> = (0..=0xFFu8).map(|b| vec![b]).collect();
    gb_inputs.extend((0..=0xFFFFu16).map(|pair| pair.to_be_bytes().to_vec()));
    for b1 in 0x81..=0xFEu8 {
        for b2 in 0x30..=0x39u8 {
            for b3 in 0x81..=0xFEu8 {
                for b4 in 0x30..=0x39u8 {
                    gb_inputs.push(vec![b1, b2, b3, b4]);
                }
            }
        }
    }
    let utf8_inputs = every_scalar().map(|c| c.to_string().into_bytes());
    let utf8_inputs: Vec<Vec<u8>> = utf8_inputs.chain((0x80..=0xFFu8).map(|b| vec![b, b'a'])).collect();
    for profile in Profile::ALL {
        for (from, to, inputs) in [
            (Encoding::Gb18030, Encoding::Utf8, &gb_inputs),
            (Encoding::Utf8, Encoding::Gb18030, &utf8_inputs),
        ] {
            let options = check_options(from, profile, 1);
            for code in inputs {
                let input = [b"a", &code[..], b"z"].concat();
                let converted = convert_bytes(&input, from, to, profile, Bom::Keep);
                let first = check_bytes(&input, &options).findings.first().map(|f| f.span.start);
                assert_eq!(
                    converted.as_ref().err().map(|lossy| lossy.offset),
                    first,
                    "{profile} {} -> {}: {code:02X?}",
                    from.as_str(),
                    to.as_str()
                );
            }
        }
    }
}

/// `--from auto` to standard output converts a UTF-8 source while validating it (one read):
/// the result, status and refusals are those of naming the encoding each input is in.
#[test]
fn auto_to_standard_output_equals_naming_the_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let bom_then_invalid = [&b"\xEF\xBB\xBF"[..], "中文".as_bytes(), b"\xFF\n"].concat();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf8.txt", "白日依山尽\n".as_bytes().to_vec(), "utf-8"),
        ("utf8-bom.txt", [&b"\xEF\xBB\xBF"[..], "黄河入海流\n".as_bytes()].concat(), "utf-8"),
        ("gb.txt", b"ascii first, then \xB0\xD7\xC8\xD5\n".to_vec(), "gb18030"),
        ("ascii.txt", b"only ascii\n".to_vec(), "gb18030"),
        ("bom-invalid.txt", bom_then_invalid, "utf-8"),
        ("emoji.txt", "表情 😀\n".as_bytes().to_vec(), "utf-8"),
    ];
    for (name, bytes, encoding) in &cases {
        fs::write(dir.path().join(name), bytes).unwrap();
        for (to, profile) in [("utf-8", "gb18030-2022"), ("gb18030", "gb18030-2022"), ("gb18030", "gbk")] {
            let auto = run(&["convert", "--to", to, "--profile", profile, name], dir.path());
            let named =
                run(&["convert", "--to", to, "--profile", profile, "--from", encoding, name], dir.path());
            assert_eq!(
                auto.status.code(),
                named.status.code(),
                "{name} to {to} under {profile}: {}",
                stderr(&auto)
            );
            assert_eq!(auto.stdout, named.stdout, "{name} to {to} under {profile}");
            if auto.status.code() == Some(1) {
                assert!(auto.stdout.is_empty() && stderr(&auto).contains("refused"), "{}", stderr(&auto));
            }
        }
    }
    // The refusals are the expected ones: GB001 for the bad byte, GB006 for the emoji in GBK.
    let bad = run(&["convert", "--to", "gb18030", "bom-invalid.txt"], dir.path());
    assert!(stderr(&bad).contains("GB001") && stderr(&bad).contains("utf-8 -> gb18030"), "{}", stderr(&bad));
    let emoji = run(&["convert", "--to", "gb18030", "--profile", "gbk", "emoji.txt"], dir.path());
    assert!(stderr(&emoji).contains("GB006"), "{}", stderr(&emoji));
}

/// Runs `gbcheck convert ARGS` in `dir` with standard output going into `out`, a file the
/// caller opened (fresh, appended to, or already written).
fn run_into(args: &[&str], dir: &Path, out: fs::File) -> Output {
    gbcheck().args(args).current_dir(dir).stdout(Stdio::from(out)).output().expect("run gbcheck")
}

/// Standard output redirected to a file is written straight, not held first: what a
/// conversion that stops has written must be cut off again, and nothing before it touched.
#[test]
fn standard_output_into_a_file_gets_the_whole_conversion_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Real text, after an ASCII stretch longer than the 1 MiB gbcheck buffers: with
    // `--from auto` the first attempt (as UTF-8) writes some of it before it stops.
    let text: String = "ASCII before the poem, long enough to be written first.\n".repeat(20_000)
        + &"白日依山尽，黄河入海流。欲穷千里目，更上一层楼。\n".repeat(20_000);
    let gb: Vec<u8> = text.chars().flat_map(expected_2022).collect();
    fs::write(d.join("gb.txt"), &gb).unwrap();
    // The same with a byte no encoding takes near the end: refused only after many writes.
    let mut bad = gb.clone();
    bad.splice(bad.len() - 10..bad.len() - 10, [0xFF]);
    fs::write(d.join("bad.txt"), &bad).unwrap();
    let create = |name: &str| fs::File::create(d.join(name)).unwrap();
    let append = |name: &str| fs::OpenOptions::new().append(true).open(d.join(name)).unwrap();
    let small = ["--chunk-size", "4K"];

    for from in ["auto", "gb18030"] {
        let args = |file: &'static str| -> Vec<&str> {
            [&["convert", "--to", "utf-8", "--from", from][..], &small, &[file]].concat()
        };
        // A fresh file: exactly the text, with no trace of the UTF-8 attempt.
        let output = run_into(&args("gb.txt"), d, create("out"));
        assert_status(&output, 0);
        assert_same(&fs::read(d.join("out")).unwrap(), text.as_bytes(), &format!("--from {from}"));

        let output = run_into(&args("bad.txt"), d, create("out"));
        assert_status(&output, 1);
        assert!(stderr(&output).contains("GB001"), "{}", stderr(&output));
        assert_same(
            &fs::read(d.join("out")).unwrap(),
            b"",
            &format!("--from {from}: a refusal leaves nothing"),
        );

        // A file already written by the same descriptor, at its end: the conversion comes after
        // what is there, and a refusal takes back only its own part.
        for (source, status, expected) in
            [("gb.txt", 0, [&b"kept\n"[..], text.as_bytes()].concat()), ("bad.txt", 1, b"kept\n".to_vec())]
        {
            let mut out = create("out");
            std::io::Write::write_all(&mut out, b"kept\n").unwrap();
            let output = run_into(&args(source), d, out);
            assert_status(&output, status);
            assert_same(
                &fs::read(d.join("out")).unwrap(),
                &expected,
                &format!("--from {from}, {source} after text"),
            );
        }

        // Appending (`>>`) to a file that is not empty.
        for (source, status, expected) in
            [("gb.txt", 0, [&b"old\n"[..], text.as_bytes()].concat()), ("bad.txt", 1, b"old\n".to_vec())]
        {
            fs::write(d.join("out"), b"old\n").unwrap();
            let output = run_into(&args(source), d, append("out"));
            assert_status(&output, status);
            assert_same(
                &fs::read(d.join("out")).unwrap(),
                &expected,
                &format!("--from {from}, {source} appended"),
            );
        }
    }

    // The source appended to itself: read whole before anything is written, so it ends.
    fs::write(d.join("self.txt"), &gb).unwrap();
    let output =
        run_into(&["convert", "--to", "utf-8", "--chunk-size", "4K", "self.txt"], d, append("self.txt"));
    assert_status(&output, 0);
    assert_same(
        &fs::read(d.join("self.txt")).unwrap(),
        &[&gb[..], text.as_bytes()].concat(),
        "the source appended to",
    );
    assert!(temp_files(d).is_empty());
}

/// Compares long byte strings, saying where they part rather than printing them.
fn assert_same(actual: &[u8], expected: &[u8], what: &str) {
    if actual != expected {
        let at = actual.iter().zip(expected).take_while(|(a, b)| a == b).count();
        panic!("{what}: {} bytes, expected {}; they differ from byte {at}", actual.len(), expected.len());
    }
}

/// Runs `gbcheck convert ARGS` in `dir` with `input` on standard input and `TMPDIR` set to
/// `tmp`.
fn run_with_stdin(args: &[&str], dir: &Path, tmp: &Path, input: &[u8]) -> Output {
    let mut command = gbcheck();
    command.args(args).current_dir(dir).env("TMPDIR", tmp);
    output_with_stdin(command, input)
}

#[test]
fn standard_input_converts_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "白日依山尽，黄河入海流。\n".repeat(50_000);
    let gb: Vec<u8> = text.chars().flat_map(expected_2022).collect();

    for from in ["auto", "gb18030"] {
        let output = run_with_stdin(&["convert", "--to", "utf-8", "--from", from, "-"], d, tmp.path(), &gb);
        assert_status(&output, 0);
        assert_same(&output.stdout, text.as_bytes(), &format!("standard input, --from {from}"));
    }
    let output = run_with_stdin(&["convert", "--to", "gb18030", "-"], d, tmp.path(), text.as_bytes());
    assert_status(&output, 0);
    assert_same(&output.stdout, &gb, "standard input to GB 18030");

    // Into a new file with -o: the permissions of any new file (0666 less the umask), not
    // those of the temporary copy of standard input.
    let sh = format!("umask 027; exec {} convert --to utf-8 -o out.txt -", env!("CARGO_BIN_EXE_gbcheck"));
    let output = {
        let mut child = Command::new("sh");
        child.args(["-c", &sh]).current_dir(d).env("TMPDIR", tmp.path());
        output_with_stdin(child, &gb)
    };
    let output = if output.status.code() == Some(0) { output } else { panic!("{}", stderr(&output)) };
    assert!(output.stdout.is_empty());
    assert_same(&fs::read(d.join("out.txt")).unwrap(), text.as_bytes(), "-o from standard input");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(fs::metadata(d.join("out.txt")).unwrap().permissions().mode() & 0o777, 0o640);

    // Refused: findings placed in `<stdin>`, nothing on standard output.
    let bad = [&gb[..50], b"\xFF", &gb[50..]].concat();
    let output = run_with_stdin(&["convert", "--to", "utf-8", "-"], d, tmp.path(), &bad);
    assert_status(&output, 1);
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains("<stdin>:3:1: error[GB001]"), "{}", stderr(&output));

    // In place makes no sense for standard input.
    let output = run_with_stdin(&["convert", "--in-place", "--to", "utf-8", "-"], d, tmp.path(), &gb);
    assert_status(&output, 2);
    assert!(stderr(&output).contains("standard input"), "{}", stderr(&output));

    // The copy of standard input is gone.
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// The byte order marks: RFC 3629 for UTF-8, U+FEFF's four-byte code for GB 18030
/// (pointer 39417, `docs/gb18030.md`, "Byte order mark").
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const GB18030_BOM: &[u8] = b"\x84\x31\x95\x33";

/// `text` in `encoding` ("utf-8" or "gb18030"), by encoding_rs, with its BOM first when `bom`.
fn encoded(text: &str, encoding: &str, bom: bool) -> Vec<u8> {
    let (body, bom_bytes) = match encoding {
        "utf-8" => (text.as_bytes().to_vec(), UTF8_BOM),
        _ => {
            let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
            assert!(!unmappable, "{text}");
            (bytes.into_owned(), GB18030_BOM)
        }
    };
    if bom {
        [bom_bytes, &body[..]].concat()
    } else {
        body
    }
}

/// Every source encoding (ASCII, UTF-8 and GB 18030, each of the two with and without a BOM),
/// every `--to`, `--from auto` and the encoding the file is in, with and without
/// `--keep-bom`, into standard output, `-o` and `--in-place`: the output is always in the
/// encoding asked for; a file already in it is copied unchanged (less the BOM, unless
/// `--keep-bom`), and in place is not rewritten at all.
#[cfg(unix)]
#[test]
fn the_output_is_always_in_the_encoding_asked_for() {
    use std::os::unix::fs::MetadataExt;
    let text = "中文 ok\n";
    // Known bytes, so that the encoder the expectations come from is checked too.
    assert_eq!(encoded(text, "gb18030", false), b"\xD6\xD0\xCE\xC4 ok\n");
    assert_eq!(encoded(text, "utf-8", false), b"\xE4\xB8\xAD\xE6\x96\x87 ok\n");
    // (name, bytes, the encodings it is in, whether it has a BOM)
    let sources: Vec<(&str, Vec<u8>, &[&str], bool)> = vec![
        ("ascii", b"plain ascii\n".to_vec(), &["utf-8", "gb18030"], false),
        ("utf-8", encoded(text, "utf-8", false), &["utf-8"], false),
        ("utf-8 with bom", encoded(text, "utf-8", true), &["utf-8"], true),
        ("gb18030", encoded(text, "gb18030", false), &["gb18030"], false),
        ("gb18030 with bom", encoded(text, "gb18030", true), &["gb18030"], true),
    ];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("f.txt");
    for (name, bytes, encodings, bom) in &sources {
        let body = if name == &"ascii" { "plain ascii\n" } else { text };
        for to in ["utf-8", "gb18030"] {
            let froms = std::iter::once("auto").chain(encodings.iter().copied());
            for from in froms {
                for keep in [false, true] {
                    let expected = encoded(body, to, *bom && keep);
                    let already = encodings.contains(&to);
                    for output in ["stdout", "-o", "--in-place"] {
                        let what = format!("{name} --from {from} --to {to} keep-bom {keep} {output}");
                        fs::write(&path, bytes).unwrap();
                        let before = age(&path);
                        let inode = fs::metadata(&path).unwrap().ino();
                        let _ = fs::remove_file(d.join("out.txt"));
                        let mut args = vec!["convert", "--to", to, "--from", from];
                        if keep {
                            args.push("--keep-bom");
                        }
                        match output {
                            "-o" => args.extend(["-o", "out.txt"]),
                            "--in-place" => args.push("--in-place"),
                            _ => {}
                        }
                        args.push("f.txt");
                        let result = run(&args, d);
                        assert_eq!(result.status.code(), Some(0), "{what}: {}", stderr(&result));
                        let got = match output {
                            "stdout" => result.stdout.clone(),
                            "-o" => fs::read(d.join("out.txt")).unwrap(),
                            _ => fs::read(&path).unwrap(),
                        };
                        assert!(got == expected, "{what}: got {got:02X?}, expected {expected:02X?}");
                        if output != "stdout" {
                            assert!(result.stdout.is_empty(), "{what}");
                        }
                        if output != "--in-place" || &got == bytes {
                            assert_eq!(fs::read(&path).unwrap(), *bytes, "{what}: the source changed");
                            assert_eq!(mtime(&path), before, "{what}: the source was rewritten");
                            assert_eq!(fs::metadata(&path).unwrap().ino(), inode, "{what}: replaced");
                        }
                        if already {
                            assert!(
                                stderr(&result).contains(&format!("already {to}")),
                                "{what}: {}",
                                stderr(&result)
                            );
                        } else {
                            assert!(!stderr(&result).contains("already"), "{what}: {}", stderr(&result));
                        }
                        assert!(temp_files(d).is_empty(), "{what}");
                    }
                }
            }
        }
    }
}

/// A file already in the target encoding is checked like any other: one that is not valid
/// there is refused, not copied.
#[test]
fn a_file_already_in_the_target_encoding_must_be_valid() {
    assert_refused(b"\xE4\xB8\xAD\xFF\n", &["--to", "utf-8", "--from", "utf-8"], "GB001");
    assert_refused(b"\xD6\xD0\xFF\n", &["--to", "gb18030"], "GB001");
    assert_refused(b"\xD6\xD0\x81", &["--to", "gb18030", "--from", "gb18030"], "GB002");
    // Under the profile: A3A0 comes back as A1A1 under WHATWG (docs/gb18030.md, "WHATWG and
    // encoding_rs").
    assert_refused(b"\xA3\xA0\n", &["--to", "gb18030", "--profile", "whatwg"], "GB004");
    // UTF-8 to UTF-8 has no GB 18030 side: valid UTF-8 is all that is asked.
    let dir = tempfile::tempdir().unwrap();
    let text = "a\u{E5E5}😀\n".as_bytes();
    let out = convert_file(dir.path(), text, &["--to", "utf-8", "--profile", "gbk"]);
    assert_eq!(out, text);
}

/// Like [`assert_refused`], and the message names the option that overrides the refusal;
/// with it, the file converts into exactly `expected` (independent bytes).
fn assert_refused_unless_allowed(content: &[u8], args: &[&str], rule: &str, expected: &[u8]) {
    assert_refused(content, args, rule);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("f.txt"), content).unwrap();
    let mut all = vec!["convert"];
    all.extend_from_slice(args);
    all.push("f.txt");
    let refused = run(&all, dir.path());
    assert!(stderr(&refused).contains("--allow-mojibake"), "{}", stderr(&refused));
    all.insert(1, "--allow-mojibake");
    let allowed = run(&all, dir.path());
    assert_status(&allowed, 0);
    assert!(allowed.stdout == expected, "{:02X?}, expected {expected:02X?}", allowed.stdout);
}

/// Text that was UTF-8 or GBK, read with the wrong decoder and saved again (GB009), is
/// refused: converting it would make the damage permanent. The mojibake is made here with
/// encoding_rs's decoders from the real text "你好世界".
#[test]
fn mojibake_is_refused_unless_allowed() {
    let truth = "你好世界";
    let (as_gbk, _, _) = encoding_rs::GBK.decode(truth.as_bytes());
    assert_eq!(as_gbk, "浣犲ソ涓栫晫");
    let (as_1252, _, _) = encoding_rs::WINDOWS_1252.decode(truth.as_bytes());
    let (gbk_bytes, _, _) = encoding_rs::GBK.encode(truth);
    // Latin-1 reads each byte as the scalar of the same number.
    let gbk_as_latin1: String = gbk_bytes.iter().map(|&b| char::from(b)).collect();
    assert_eq!(gbk_as_latin1, "ÄãºÃÊÀ½ç");
    for damaged in [as_gbk.into_owned(), as_1252.into_owned(), gbk_as_latin1] {
        let text = format!("问候：{damaged}\n");
        // Saved as UTF-8, converted to GB 18030; saved as GB 18030, converted to UTF-8.
        assert_refused_unless_allowed(
            text.as_bytes(),
            &["--to", "gb18030"],
            "GB009",
            &encoded(&text, "gb18030", false),
        );
        assert_refused_unless_allowed(
            &encoded(&text, "gb18030", false),
            &["--to", "utf-8", "--from", "gb18030"],
            "GB009",
            text.as_bytes(),
        );
    }
}

/// `--from gb18030` on a file that is valid UTF-8 with non-ASCII bytes (GB008): its bytes are
/// valid GB 18030 too, and converting them as asked makes mojibake ("你好世界" becomes
/// "浣犲ソ涓栫晫"). Refused unless allowed; then converted exactly as asked.
#[test]
fn a_source_named_in_the_wrong_encoding_is_refused_unless_allowed() {
    let utf8 = "你好世界\n".as_bytes();
    assert_refused_unless_allowed(
        utf8,
        &["--to", "utf-8", "--from", "gb18030"],
        "GB008",
        "浣犲ソ涓栫晫\n".as_bytes(),
    );
    assert_refused_unless_allowed(utf8, &["--to", "gb18030", "--from", "gb18030"], "GB008", utf8);
}

/// `--in-place` over many files of one big directory does not list the directory once per
/// file (it used to, looking for stale temporary files: 1,000 files among 20,000 entries took
/// 8 s). Counted with strace: the calls that read a directory.
#[test]
fn converting_many_files_does_not_read_the_directory_once_per_file() {
    if !crate::support::slow::strace_works() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..3000 {
        fs::write(d.join(format!("pad-{i:04}")), b"").unwrap();
    }
    let files: Vec<String> = (0..30).map(|i| format!("f-{i:02}.txt")).collect();
    for file in &files {
        fs::write(d.join(file), b"\xD6\xD0\xCE\xC4\n").unwrap();
    }
    let log = tempfile::NamedTempFile::new().unwrap();
    let output = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=getdents64,getdents", "-o"])
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_gbcheck"))
        .args(["convert", "--to", "utf-8", "--in-place"])
        .args(&files)
        .current_dir(d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&output, 0);
    for file in &files {
        assert_eq!(fs::read(d.join(file)).unwrap(), "中文\n".as_bytes());
    }
    let trace = fs::read_to_string(log.path()).unwrap();
    let calls = trace.lines().filter(|line| line.contains("getdents")).count();
    // Listing the directory once takes a few calls; once per file, 30 times that.
    assert!(calls <= 5, "{calls} calls read a directory:\n{trace}");
}

/// `-o` naming the source itself is an in-place conversion: a file already in the target
/// encoding is left alone there too.
#[cfg(unix)]
#[test]
fn output_naming_the_source_already_in_the_target_leaves_it_alone() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.txt");
    fs::write(&path, "中文\n").unwrap();
    let before = age(&path);
    let inode = fs::metadata(&path).unwrap().ino();
    let output = run(&["convert", "--to", "utf-8", "-o", "f.txt", "f.txt"], dir.path());
    assert_status(&output, 0);
    assert!(stderr(&output).contains("already utf-8; left unchanged"), "{}", stderr(&output));
    assert_eq!(fs::read(&path).unwrap(), "中文\n".as_bytes());
    assert_eq!((mtime(&path), fs::metadata(&path).unwrap().ino()), (before, inode));
    // Converted to the other encoding, it is replaced as in place.
    let output = run(&["convert", "--to", "gb18030", "-o", "f.txt", "f.txt"], dir.path());
    assert_status(&output, 0);
    assert_eq!(fs::read(&path).unwrap(), b"\xD6\xD0\xCE\xC4\n");
}
