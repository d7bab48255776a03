//! Inputs the fuzz targets (`fuzz/`) found wrong, kept so they stay fixed. Expected values
//! come from the standard, by construction, never from gbcheck's output.

use gbcheck::check::Encoding;
use gbcheck::convert::{convert_bytes, Bom, Lossy};
use gbcheck::finding::Rule;
use gbcheck::profile::Profile;

/// Found by `round_trip`: converting UTF-8 with an unencodable character before an invalid
/// byte blamed the invalid byte. The first place that cannot be converted is the character:
/// U+FEFF has only a four-byte code in GB 18030 (84 31 95 33) and GBK has no four-byte
/// codes, so with the byte order mark kept, byte 0 is the first refusal.
#[test]
fn a_utf8_conversion_names_the_first_place_before_a_later_invalid_byte() {
    let source = b"\xEF\xBB\xBFab\xFF";
    let lossy = convert_bytes(source, Encoding::Utf8, Encoding::Gb18030, Profile::Gbk, Bom::Keep);
    assert_eq!(lossy, Err(Lossy { offset: 0, rule: Rule::Unencodable }));
    // Only the invalid byte (offset 5: after the three BOM bytes and "ab") when the BOM goes.
    let lossy = convert_bytes(source, Encoding::Utf8, Encoding::Gb18030, Profile::Gbk, Bom::Drop);
    assert_eq!(lossy, Err(Lossy { offset: 5, rule: Rule::InvalidSequence }));
    // A character GBK lacks (U+1F600: supplementary, so a four-byte code) comes before a
    // sequence cut by the end of the input.
    let source = "a\u{1F600}b".as_bytes().iter().chain(b"\xE4\xB8").copied().collect::<Vec<u8>>();
    let lossy = convert_bytes(&source, Encoding::Utf8, Encoding::Gb18030, Profile::Gbk, Bom::Drop);
    assert_eq!(lossy, Err(Lossy { offset: 1, rule: Rule::Unencodable }));
}
