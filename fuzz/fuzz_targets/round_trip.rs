//! Decode and re-encode under every profile: the round trip holds exactly where the
//! standard's tables say it does.
//!
//! The judge of "round trips" here is written apart from the checker: the GB 18030 byte
//! grammar (cut into sequences below, not by the library's scanners) and each profile's
//! mapping tables (`Profile::decode` and `Profile::encode`, the standard's tables and nothing
//! else). A byte string round-trips under a profile when every sequence decodes to a
//! character that encodes back to the same sequence; a text when every character encodes to
//! a code that decodes back to it. For the input taken as GB 18030, as UTF-8, and as a string
//! of scalars (three bytes each), under each profile:
//!
//! - the conversion checker (`convert::check_options`) finds nothing exactly when it
//!   round-trips, and a conversion fails exactly then, at the first finding's place and rule;
//! - when it does, the conversion gives what the tables give, converting back gives the very
//!   same bytes, and so does a conversion fed in two chunks;
//! - every scalar has a strict GB 18030-2022 code that the scanner decodes back to it;
//! - under WHATWG, encoding_rs (an independent implementation of that standard) agrees on
//!   which byte strings round-trip and on the text.
#![no_main]

use encoding_rs::GB18030;
use gbcheck::check::{check_bytes, Encoding};
use gbcheck::convert::{check_options, convert_bytes, Bom, Converter, Lossy};
use gbcheck::mapping;
use gbcheck::profile::Profile;
use gbcheck::scan::{scan_gb18030, Event, Events};
use libfuzzer_sys::fuzz_target;

/// The length of the GB 18030 sequence at the start of `bytes` (`docs/gb18030.md`, "Byte
/// grammar"), or `None` when it is malformed or cut short. A lone `80` counts as one byte:
/// whether it means anything is the profile's business.
fn sequence_len(bytes: &[u8]) -> Option<usize> {
    match bytes[0] {
        0x00..=0x80 => Some(1),
        0xFF => None,
        _ => match *bytes.get(1)? {
            0x40..=0x7E | 0x80..=0xFE => Some(2),
            0x30..=0x39 => {
                let (third, fourth) = (*bytes.get(2)?, *bytes.get(3)?);
                ((0x81..=0xFE).contains(&third) && (0x30..=0x39).contains(&fourth)).then_some(4)
            }
            _ => None,
        },
    }
}

/// The text GB 18030 `bytes` mean under `profile` when every sequence comes back the same.
fn gb_round_trip(bytes: &[u8], profile: Profile) -> Option<String> {
    let mut text = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let code = &bytes[i..i + sequence_len(&bytes[i..])?];
        let c = profile.decode(code)?;
        if profile.encode(c)?.as_bytes() != code {
            return None;
        }
        text.push(c);
        i += code.len();
    }
    Some(text)
}

/// The GB 18030 bytes of `text` under `profile` when every character comes back the same.
fn utf8_round_trip(text: &str, profile: Profile) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    for c in text.chars() {
        let code = profile.encode(c)?;
        if profile.decode(code.as_bytes()) != Some(c) {
            return None;
        }
        bytes.extend_from_slice(code.as_bytes());
    }
    Some(bytes)
}

/// Converts in two chunks, cut at `split`.
fn convert_in_two(
    bytes: &[u8],
    split: usize,
    from: Encoding,
    to: Encoding,
    profile: Profile,
) -> Result<Vec<u8>, Lossy> {
    let split = split.min(bytes.len());
    let mut converter = Converter::new(from, to, profile, Bom::Keep);
    let mut out = converter.feed(&bytes[..split])?.to_vec();
    out.extend_from_slice(converter.feed(&bytes[split..])?);
    out.extend_from_slice(converter.finish()?);
    Ok(out)
}

/// The checker, the converter and the tables agree on `source` in encoding `from`, whose
/// expected conversion (`None`: it does not round-trip) is `expected`.
fn agree(source: &[u8], from: Encoding, profile: Profile, expected: Option<&[u8]>, split: usize) {
    let to = match from {
        Encoding::Gb18030 => Encoding::Utf8,
        Encoding::Utf8 => Encoding::Gb18030,
    };
    let report = check_bytes(source, &check_options(from, profile, usize::MAX));
    for f in &report.findings {
        assert!(f.span.end() <= source.len() as u64, "{profile}: span {:?} past {}", f.span, source.len());
    }
    let converted = convert_bytes(source, from, to, profile, Bom::Keep);
    let what = format!("{from:?} under {profile}: {source:02X?}");
    match expected {
        Some(target) => {
            assert!(report.findings.is_empty(), "{what} round-trips, yet {:?}", report.findings);
            assert_eq!(converted.as_deref(), Ok(target), "{what}");
            assert_eq!(
                convert_bytes(target, to, from, profile, Bom::Keep).as_deref(),
                Ok(source),
                "{what}: back"
            );
            assert_eq!(
                convert_in_two(source, split, from, to, profile).as_deref(),
                Ok(target),
                "{what}: cut at {split}"
            );
        }
        None => {
            let first = report
                .findings
                .first()
                .unwrap_or_else(|| panic!("{what} does not round-trip, yet no finding"));
            let lossy = converted.expect_err(&what);
            assert_eq!(
                (lossy.offset, lossy.rule),
                (first.span.start, first.rule),
                "{what}: {:?}",
                report.findings
            );
            assert!(convert_in_two(source, split, from, to, profile).is_err(), "{what}: cut at {split}");
        }
    }
}

/// encoding_rs's WHATWG decoder and encoder: the text when the bytes decode without error and
/// encode back to themselves.
fn whatwg_round_trip(bytes: &[u8]) -> Option<String> {
    let text = GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    let (back, _, unmappable) = GB18030.encode(&text);
    (!unmappable && back == bytes).then(|| text.into_owned())
}

fuzz_target!(|data: &[u8]| {
    let split = data.first().map_or(0, |&b| usize::from(b));
    // Scalars, three bytes each (surrogates and values past U+10FFFF skipped).
    let scalars: String = data
        .chunks_exact(3)
        .filter_map(|b| {
            char::from_u32((u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2])) % 0x11_0000)
        })
        .collect();
    for c in scalars.chars() {
        // Strict GB 18030-2022 is a bijection: every scalar has a code, which means it.
        let code = mapping::encode(c);
        assert_eq!(Profile::Gb18030_2022.encode(c), Some(code), "{c:?}");
        assert_eq!(Profile::Gb18030_2022.decode(code.as_bytes()), Some(c), "{c:?} {code:02X?}");
        let mut events = Events::default();
        scan_gb18030(code.as_bytes(), &mut events);
        let len = code.as_bytes().len() as u8;
        assert_eq!(events.0, [Event::Char { start: 0, len, c }], "{c:?} {code:02X?}");
    }
    for profile in Profile::ALL {
        let expected = gb_round_trip(data, profile);
        agree(data, Encoding::Gb18030, profile, expected.as_deref().map(str::as_bytes), split);
        if profile == Profile::Whatwg {
            assert_eq!(whatwg_round_trip(data), expected, "encoding_rs on {data:02X?}");
        }
        for text in [std::str::from_utf8(data).ok(), Some(scalars.as_str())].into_iter().flatten() {
            let expected = utf8_round_trip(text, profile);
            agree(text.as_bytes(), Encoding::Utf8, profile, expected.as_deref(), split);
        }
        if std::str::from_utf8(data).is_err() {
            // Not UTF-8: no conversion from UTF-8.
            agree(data, Encoding::Utf8, profile, None, split);
        }
    }
});
