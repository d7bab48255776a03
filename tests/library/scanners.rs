//! Hand-written cases from docs/gb18030.md ("Byte grammar", "Malformed input"), with the
//! expected events written from the standard (spans, rules) and from glibc's GB 18030-2022
//! charmap (scalars). Every case runs through both scanners, every alignment and every split
//! (`crate::support::oracle::assert_scanners_agree`), and through the encoding_rs oracle
//! (`crate::support::oracle::oracle_events`), which must agree too.
//!
//! Also: the UTF-8 scanner against std's validator, `String::from_utf8_lossy` and
//! encoding_rs's UTF-8 decoder.

use crate::support::oracle::{assert_scanners_agree, check_utf8, check_utf8_whole, hex, oracle_events};
use gbcheck::finding::{Cause, Finding, Rule};
use gbcheck::scan::Event;

fn ch(start: u64, len: u8, c: char) -> Event {
    Event::Char { start, len, c }
}

fn bad(rule: Rule, start: u64, len: u32, cause: Cause) -> Event {
    Event::Finding(Finding::bytes(rule, start, len, cause))
}

fn invalid(start: u64, len: u32, cause: Cause) -> Event {
    bad(Rule::InvalidSequence, start, len, cause)
}

fn truncated(start: u64, len: u32) -> Event {
    bad(Rule::TruncatedSequence, start, len, Cause::Truncated)
}

fn reserved(start: u64, pointer: u32) -> Event {
    bad(Rule::UnassignedCode, start, 4, Cause::Reserved { pointer })
}

/// Runs one case through the scanners and the oracle; both must give `expected`.
#[track_caller]
fn case(input: &[u8], expected: &[Event]) {
    let got = assert_scanners_agree(input);
    assert_eq!(got, expected, "scanners on [{}]", hex(input));
    assert_eq!(oracle_events(input), expected, "encoding_rs oracle on [{}]", hex(input));
}

#[test]
fn empty_input() {
    case(b"", &[]);
}

#[test]
fn lead_then_lf_is_the_lead_alone_then_lf() {
    // docs/gb18030.md, "Malformed input": `81 0A` -> malformed `81`, then LF.
    case(b"\x81\x0A", &[invalid(0, 1, Cause::BadSecond(0x0A)), ch(1, 1, '\n')]);
}

#[test]
fn lead_then_ff_swallows_both() {
    // `81 FF` -> malformed `81 FF`.
    case(b"\x81\xFF", &[invalid(0, 2, Cause::BadSecond(0xFF))]);
    case(b"\x81\xFFa", &[invalid(0, 2, Cause::BadSecond(0xFF)), ch(2, 1, 'a')]);
}

#[test]
fn lead_digit_ascii_makes_only_the_lead_malformed() {
    // `81 30 41` -> malformed `81`, then `0`, `A`.
    case(b"\x81\x30\x41", &[invalid(0, 1, Cause::BadThird(0x41)), ch(1, 1, '0'), ch(2, 1, 'A')]);
}

#[test]
fn bad_fourth_byte_rereads_the_two_byte_code_after_it() {
    // `84 31 A4 40` -> malformed `84`, then `1`, then `A4 40` (a valid two-byte code;
    // glibc charmap: <UE5E6> /xa4/x40).
    case(b"\x84\x31\xA4\x40", &[invalid(0, 1, Cause::BadFourth(0x40)), ch(1, 1, '1'), ch(2, 2, '\u{E5E6}')]);
}

#[test]
fn first_reserved_four_byte_code_is_one_span() {
    // `84 31 A5 30` -> one malformed span of four bytes: pointer 39420, the first reserved.
    case(b"\x84\x31\xA5\x30", &[reserved(0, 39_420)]);
}

#[test]
fn bytes_that_never_start_a_character() {
    // A lone `80` is an error in strict GB 18030 (encoding_rs reads it as U+20AC).
    case(b"\x80", &[invalid(0, 1, Cause::BadLead(0x80))]);
    case(b"\xFF", &[invalid(0, 1, Cause::BadLead(0xFF))]);
    case(b"a\x80b", &[ch(0, 1, 'a'), invalid(1, 1, Cause::BadLead(0x80)), ch(2, 1, 'b')]);
    case(
        b"\x80\x80\xFF\xFF",
        &[
            invalid(0, 1, Cause::BadLead(0x80)),
            invalid(1, 1, Cause::BadLead(0x80)),
            invalid(2, 1, Cause::BadLead(0xFF)),
            invalid(3, 1, Cause::BadLead(0xFF)),
        ],
    );
    // `80` is a fine trail byte: `81 80` is U+4E90 (glibc charmap).
    case(b"\x81\x80", &[ch(0, 2, '\u{4E90}')]);
}

#[test]
fn truncation_at_end_of_input() {
    case(b"\x81", &[truncated(0, 1)]);
    case(b"\x81\x30", &[truncated(0, 2)]);
    case(b"\x81\x30\x81", &[truncated(0, 3)]);
    case(b"ab\xFE\x39\xFE", &[ch(0, 1, 'a'), ch(1, 1, 'b'), truncated(2, 3)]);
    // After a complete character.
    case(b"\xD6\xD0\x81", &[ch(0, 2, '\u{4E2D}'), truncated(2, 1)]);
}

#[test]
fn lead_then_del() {
    // `81 7F`: 7F is neither a trail nor a digit; the lead alone is malformed, DEL is read again.
    case(b"\x81\x7F", &[invalid(0, 1, Cause::BadSecond(0x7F)), ch(1, 1, '\u{7F}')]);
}

#[test]
fn every_bad_second_byte_class() {
    for b in (0x00..=0x2F).chain(0x3A..=0x3F).chain([0x7F]) {
        case(&[0x81, b], &[invalid(0, 1, Cause::BadSecond(b)), ch(1, 1, char::from(b))]);
    }
}

#[test]
fn bad_third_byte() {
    // Third byte 80: the lead alone is malformed, `0` is read again, then the lone 80 is
    // malformed too.
    case(
        b"\x81\x30\x80",
        &[invalid(0, 1, Cause::BadThird(0x80)), ch(1, 1, '0'), invalid(2, 1, Cause::BadLead(0x80))],
    );
    case(
        b"\x81\x30\xFF",
        &[invalid(0, 1, Cause::BadThird(0xFF)), ch(1, 1, '0'), invalid(2, 1, Cause::BadLead(0xFF))],
    );
    case(
        b"\x81\x30\x30\x81\x30",
        &[invalid(0, 1, Cause::BadThird(0x30)), ch(1, 1, '0'), ch(2, 1, '0'), truncated(3, 2)],
    );
}

#[test]
fn bad_fourth_byte_that_is_a_lead() {
    // `81 30 81 81`: the lead alone is malformed, `0` is read again, and `81 81` is a
    // two-byte code (glibc charmap: <U4E96> /x81/x81).
    case(b"\x81\x30\x81\x81", &[invalid(0, 1, Cause::BadFourth(0x81)), ch(1, 1, '0'), ch(2, 2, '\u{4E96}')]);
    // The re-read lead starts a four-byte code of its own: `81 30 81 30` is U+0080.
    case(
        b"\x81\x30\x81\x81\x30\x81\x30",
        &[
            invalid(0, 1, Cause::BadFourth(0x81)),
            ch(1, 1, '0'),
            ch(2, 2, '\u{4E96}'),
            ch(4, 1, '0'),
            truncated(5, 2),
        ],
    );
    case(
        b"\x81\x30\x81\x81\x30\x81\x30\x81\x30",
        &[
            invalid(0, 1, Cause::BadFourth(0x81)),
            ch(1, 1, '0'),
            ch(2, 2, '\u{4E96}'),
            ch(4, 1, '0'),
            ch(5, 4, '\u{80}'),
        ],
    );
}

#[test]
fn bad_fourth_byte_others() {
    // ASCII fourth byte: `81 41` after the re-read is a two-byte code (<U4E04> /x81/x41).
    case(b"\x81\x30\x81\x41", &[invalid(0, 1, Cause::BadFourth(0x41)), ch(1, 1, '0'), ch(2, 2, '\u{4E04}')]);
    // LF fourth byte: both leads are malformed alone.
    case(
        b"\x81\x30\x81\x0A",
        &[
            invalid(0, 1, Cause::BadFourth(0x0A)),
            ch(1, 1, '0'),
            invalid(2, 1, Cause::BadSecond(0x0A)),
            ch(3, 1, '\n'),
        ],
    );
    // FF fourth byte: the re-read lead swallows it.
    case(
        b"\x81\x30\x81\xFF",
        &[invalid(0, 1, Cause::BadFourth(0xFF)), ch(1, 1, '0'), invalid(2, 2, Cause::BadSecond(0xFF))],
    );
    // 80 fourth byte: `81 80` is U+4E90.
    case(b"\x81\x30\x81\x80", &[invalid(0, 1, Cause::BadFourth(0x80)), ch(1, 1, '0'), ch(2, 2, '\u{4E90}')]);
}

#[test]
fn four_byte_anchors_of_the_standard() {
    // docs/gb18030.md, "Four-byte codes": the first and last codes of each assigned range.
    case(b"\x81\x30\x81\x30", &[ch(0, 4, '\u{80}')]);
    case(b"\x84\x31\xA4\x39", &[ch(0, 4, '\u{FFFF}')]);
    case(b"\x84\x31\xA5\x30", &[reserved(0, 39_420)]);
    case(b"\x8F\x39\xFE\x39", &[reserved(0, 188_999)]);
    case(b"\x90\x30\x81\x30", &[ch(0, 4, '\u{10000}')]);
    case(b"\xE3\x32\x9A\x35", &[ch(0, 4, '\u{10FFFF}')]);
    case(b"\xE3\x32\x9A\x36", &[reserved(0, 1_237_576)]);
    // The four-byte user-defined area has no mapping either.
    case(b"\xFD\x30\x81\x30", &[reserved(0, 1_562_400)]);
    case(b"\xFE\x39\xFE\x39", &[reserved(0, 1_587_599)]);
    // The GB 18030 BOM.
    case(b"\x84\x31\x95\x33", &[ch(0, 4, '\u{FEFF}')]);
}

#[test]
fn reserved_code_then_text() {
    case(b"\x84\x31\xA5\x30a", &[reserved(0, 39_420), ch(4, 1, 'a')]);
    case(
        b"\xD6\xD0\x84\x31\xA5\x30\xCE\xC4",
        &[ch(0, 2, '\u{4E2D}'), reserved(2, 39_420), ch(6, 2, '\u{6587}')],
    );
}

#[test]
fn strict_2022_values_that_encoding_rs_does_not_share() {
    // `A3 A0` is U+E5E5 in strict 2022 (glibc charmap), U+3000 in encoding_rs.
    case(b"\xA3\xA0", &[ch(0, 2, '\u{E5E5}')]);
    // 82359037 and 84318236: PUA in strict 2022 (glibc charmap <UE81E>, <UE78D>).
    case(b"\x82\x35\x90\x37", &[ch(0, 4, '\u{E81E}')]);
    case(b"\x84\x31\x82\x36", &[ch(0, 4, '\u{E78D}')]);
    // 8135F437 is U+E7C7 in 2005 and 2022.
    case(b"\x81\x35\xF4\x37", &[ch(0, 4, '\u{E7C7}')]);
}

#[test]
fn chinese_text_with_errors() {
    // 中文 is D6 D0 CE C4.
    case(
        b"\xD6\xD0\xCE\xC4\n\x81\n\xD6\xD0\x80",
        &[
            ch(0, 2, '\u{4E2D}'),
            ch(2, 2, '\u{6587}'),
            ch(4, 1, '\n'),
            invalid(5, 1, Cause::BadSecond(0x0A)),
            ch(6, 1, '\n'),
            ch(7, 2, '\u{4E2D}'),
            invalid(9, 1, Cause::BadLead(0x80)),
        ],
    );
}

#[test]
fn ascii_looking_trail_bytes_are_not_ascii() {
    // `\`, `|` and `@` are trail bytes after a lead (glibc charmap: <U4E57> /x81/x5c,
    // <U4E85> /x81/x7c, <U4E02> /x81/x40).
    case(b"\x81\x5C\x81\x7C\x81\x40", &[ch(0, 2, '\u{4E57}'), ch(2, 2, '\u{4E85}'), ch(4, 2, '\u{4E02}')]);
}

#[test]
fn long_inputs_with_errors_at_every_alignment() {
    // Long enough for the fast scanner's eight-byte ASCII steps and sampled splits.
    let mut input = Vec::new();
    for i in 0..40u8 {
        input.extend_from_slice(b"abcdefg ");
        input.extend_from_slice(&[0xD6, 0xD0]);
        input.extend_from_slice(&b"xyz0123456"[..usize::from(i % 10)]);
        match i % 5 {
            0 => input.push(0x81),
            1 => input.extend_from_slice(b"\x81\x30\x81"),
            2 => input.push(0x80),
            3 => input.extend_from_slice(b"\x84\x31\xA5\x30"),
            _ => input.extend_from_slice(b"\x90\x30\x81\x30"),
        }
    }
    input.extend_from_slice(b"\x81\x30");
    let events = assert_scanners_agree(&input);
    assert_eq!(events, oracle_events(&input));
}

// ---------------------------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------------------------

#[test]
fn utf8_hand_cases() {
    let cases: &[&[u8]] = &[
        b"",
        b"plain ascii",
        "中文 ok".as_bytes(),
        b"\x80",
        b"\xBF\xBF",
        b"\xC0\x80",
        b"\xC1\xBF",
        b"\xC2",
        b"\xC2\x41",
        b"\xE0\x80\x80",
        b"\xE0\xA0",
        b"\xE4\xB8",
        b"\xE4\xB8\x41",
        b"\xED\xA0\x80",
        b"\xED\x9F\xBF",
        b"\xEF\xBB\xBF",
        b"\xF0\x8F\xBF\xBF",
        b"\xF0\x90\x80",
        b"\xF4\x8F\xBF\xBF",
        b"\xF4\x90\x80\x80",
        b"\xF5\x80\x80\x80",
        b"\xFE\xFF",
        b"a\xE4\xB8\xADb\xE4\xB8",
        b"\xD6\xD0\xCE\xC4",
    ];
    for input in cases {
        check_utf8(input);
    }
}

#[test]
fn utf8_every_two_byte_input_and_four_byte_combinations() {
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            check_utf8(&[a, b]);
        }
    }
    // Every lead C0-FF followed by every triple of bytes from an interesting set (the edges of
    // the continuation ranges E0, ED, F0 and F4 restrict), alone and inside text. The
    // streaming checks run on one input in seven.
    let interesting: Vec<u8> =
        [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF]
            .to_vec();
    let mut n = 0u32;
    for lead in 0xC0..=0xFFu8 {
        for &b in &interesting {
            for &c in &interesting {
                for &d in &interesting {
                    n += 1;
                    for input in [&[lead, b, c, d][..], &[b'x', lead, b, c, d, b'y'][..]] {
                        if n.is_multiple_of(7) {
                            check_utf8(input);
                        } else {
                            check_utf8_whole(input);
                        }
                    }
                }
            }
        }
    }
}
