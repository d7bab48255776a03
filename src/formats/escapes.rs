//! Escapes are characters: `\uXXXX` (and surrogate pairs) in JSON, Java properties, Apple
//! strings and JavaScript/TypeScript (also `\u{X...}` there, and `\UXXXX` in .strings), and
//! numeric character references `&#xHHHH;` / `&#NNNN;` in XML and HTML. Each escape found is
//! the character it denotes, at the escape's bytes, for the character rules to judge.

use super::Format;
use crate::encoding::Encoding;
use crate::finding::Span;

/// What an escape denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escaped {
    /// A character.
    Char(char),
    /// A number that is no character: a lone surrogate (`\uD83D` without its pair) or a value
    /// past U+10FFFF (`&#x110000;`).
    NotAChar(u32),
}

/// One escape in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escape {
    /// The escape's bytes (`\uD83D\uDE00` as one escape of 12 bytes).
    pub span: Span,
    /// What it denotes.
    pub value: Escaped,
}

/// Every escape of `format` in `bytes`, in order. `encoding` is how the file is read: in
/// GB 18030 a two-byte code's second byte can be `\` (`5C`) and is not one.
pub fn find(format: Format, bytes: &[u8], encoding: Encoding) -> Vec<Escape> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            i += multibyte_len(bytes, i, encoding);
            continue;
        }
        let found = match (format, b) {
            (Format::Json | Format::Properties | Format::Strings | Format::Script, b'\\') => {
                backslash(format, bytes, i)
            }
            (Format::Xml | Format::Html, b'&') => character_reference(bytes, i),
            _ => None,
        };
        match found {
            Some((len, value)) => {
                out.push(Escape { span: Span { start: i as u64, len: len as u32 }, value });
                i += len;
            }
            // `\\` is a backslash, whatever follows it.
            None if b == b'\\' && bytes.get(i + 1).is_some_and(u8::is_ascii) => i += 2,
            None => i += 1,
        }
    }
    out
}

/// How many bytes a non-ASCII sequence at `i` takes (at least one), so that no ASCII byte
/// inside it is taken for an escape.
fn multibyte_len(bytes: &[u8], i: usize, encoding: Encoding) -> usize {
    match encoding {
        // UTF-8 never has ASCII bytes inside a sequence.
        Encoding::Utf8 => 1,
        Encoding::Gb18030 => match bytes.get(i + 1) {
            Some(0x30..=0x39) => 4.min(bytes.len() - i),
            Some(0x40..=0x7E | 0x80..=0xFE) if bytes[i] != 0x80 && bytes[i] != 0xFF => 2,
            _ => 1,
        },
    }
}

/// The value of `n` hex digits at `i`, if they are all there.
fn hex(bytes: &[u8], i: usize, n: usize) -> Option<u32> {
    let digits = bytes.get(i..i + n)?;
    digits.iter().try_fold(0u32, |v, &d| Some(v << 4 | char::from(d).to_digit(16)?))
}

/// A `\u` escape at `i` (the backslash): its length and value.
fn backslash(format: Format, bytes: &[u8], i: usize) -> Option<(usize, Escaped)> {
    match bytes.get(i + 1)? {
        b'u' if format == Format::Script && bytes.get(i + 2) == Some(&b'{') => {
            let digits = bytes[i + 3..].iter().take(7).position(|&b| b == b'}')?;
            let value = (1..=6).contains(&digits).then(|| hex(bytes, i + 3, digits))??;
            Some((digits + 4, scalar(value)))
        }
        b'u' => utf16_escape(format, bytes, i),
        b'U' if format == Format::Strings => utf16_escape(format, bytes, i),
        _ => None,
    }
}

/// `\uXXXX`, and a following `\uXXXX` when the two make a surrogate pair.
fn utf16_escape(format: Format, bytes: &[u8], i: usize) -> Option<(usize, Escaped)> {
    let high = hex(bytes, i + 2, 4)?;
    if (0xD800..0xDC00).contains(&high) && bytes.get(i + 6) == Some(&b'\\') {
        let marker = bytes.get(i + 7).copied();
        let pairs = marker == Some(b'u') || (format == Format::Strings && marker == Some(b'U'));
        if let Some(low) = hex(bytes, i + 8, 4).filter(|low| pairs && (0xDC00..0xE000).contains(low)) {
            return Some((12, scalar(0x1_0000 + ((high - 0xD800) << 10) + (low - 0xDC00))));
        }
    }
    Some((6, scalar(high)))
}

/// `&#xH...;` or `&#N...;` at `i`.
fn character_reference(bytes: &[u8], i: usize) -> Option<(usize, Escaped)> {
    if bytes.get(i + 1) != Some(&b'#') {
        return None;
    }
    let (start, radix) = match bytes.get(i + 2)? {
        b'x' | b'X' => (i + 3, 16),
        _ => (i + 2, 10),
    };
    let digits = bytes[start..].iter().take(9).position(|b| !char::from(*b).is_digit(radix))?;
    if digits == 0 || bytes.get(start + digits) != Some(&b';') {
        return None;
    }
    let text = std::str::from_utf8(&bytes[start..start + digits]).ok()?;
    let value = u32::from_str_radix(text, radix).ok()?;
    Some((start + digits + 1 - i, scalar(value)))
}

fn scalar(value: u32) -> Escaped {
    char::from_u32(value).map_or(Escaped::NotAChar(value), Escaped::Char)
}
