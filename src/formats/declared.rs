//! Finding the encoding a file declares: a byte order mark, the XML declaration, HTML's
//! `<meta>` charset, the gettext header, or JSON's fixed UTF-8; and whether the bytes agree.

use super::label::{Actual, Declared, Source};
use super::Format;
use crate::finding::{Finding, Span};
use crate::profile::Profile;
use crate::scan::grammar::two_byte_pointer;
use crate::scan::tables::GB2312_CODES;
use crate::scan::{scan_gb18030, Visitor};

/// How far into a file a declaration is looked for (HTML's prescan reads 1024 bytes; an XML
/// declaration is at the very start; a PO header is the first entry).
const LOOK_AHEAD: usize = 4096;

/// An encoding a file declares, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// The encoding.
    pub encoding: Declared,
    /// The kind of declaration.
    pub source: Source,
    /// The bytes of the encoding's name in the file (of the BOM; empty at 0 when implicit).
    pub span: Span,
}

impl Declaration {
    fn at(encoding: Declared, source: Source, start: usize, len: usize) -> Declaration {
        Declaration { encoding, source, span: Span { start: start as u64, len: len as u32 } }
    }
}

/// The encoding `bytes` declare in `format`, if any that gbcheck knows. A byte order mark
/// comes first; an XML file with neither a BOM nor an `encoding` is UTF-8 (XML 1.0, 4.3.3).
pub fn find(format: Format, bytes: &[u8]) -> Option<Declaration> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Some(Declaration::at(Declared::Utf8, Source::ByteOrderMark, 0, 3));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(Declaration::at(Declared::Utf16, Source::ByteOrderMark, 0, 2));
    }
    let head = &bytes[..bytes.len().min(LOOK_AHEAD)];
    match format {
        Format::Xml => Some(xml(head).unwrap_or(Declaration::at(Declared::Utf8, Source::XmlDefault, 0, 0))),
        Format::Html => html(head),
        Format::Po => po(head),
        Format::Json => Some(Declaration::at(Declared::Utf8, Source::JsonIsUtf8, 0, 0)),
        Format::Properties | Format::Strings | Format::Script => None,
    }
}

/// The value of `name = "value"` (or `'value'`) in `text`: its offset and length. `None`
/// when the name is absent; a name whose value is malformed is skipped.
fn attribute(text: &[u8], name: &[u8], mut from: usize) -> Option<(usize, usize)> {
    loop {
        let at = from + find_ignoring_case(&text[from..], name)?;
        from = at + name.len();
        let mut i = from;
        while text.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if text.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while text.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let (start, end) = match text.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                let len = text[i + 1..].iter().position(|&b| b == quote)?;
                (i + 1, i + 1 + len)
            }
            Some(_) => {
                let len = text[i..].iter().position(|b| b.is_ascii_whitespace() || b"\"'>;/".contains(b));
                (i, i + len.unwrap_or(text.len() - i))
            }
            None => return None,
        };
        return Some((start, end - start));
    }
}

fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The XML declaration's `encoding`, at the very start of the file.
fn xml(head: &[u8]) -> Option<Declaration> {
    if !head.starts_with(b"<?xml") || !head.get(5).is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let end = find_ignoring_case(head, b"?>")?;
    let (start, len) = attribute(&head[..end], b"encoding", 5)?;
    let encoding = Declared::from_label(&head[start..start + len])?;
    Some(Declaration::at(encoding, Source::XmlDeclaration, start, len))
}

/// HTML's `<meta charset=...>` or `<meta http-equiv="Content-Type" content="...; charset=...">`
/// in the first 1024 bytes (the HTML standard's prescan reads that far).
fn html(head: &[u8]) -> Option<Declaration> {
    let head = &head[..head.len().min(1024)];
    let mut from = 0;
    while let Some(at) = find_ignoring_case(&head[from..], b"<meta") {
        let tag_start = from + at;
        let tag_end = head[tag_start..].iter().position(|&b| b == b'>').map_or(head.len(), |e| tag_start + e);
        let tag = &head[..tag_end];
        if let Some((start, len)) = attribute(tag, b"charset", tag_start + 5) {
            if let Some(encoding) = Declared::from_label(&head[start..start + len]) {
                return Some(Declaration::at(encoding, Source::HtmlMeta, start, len));
            }
        }
        from = tag_end;
    }
    None
}

/// The gettext header's `Content-Type: text/plain; charset=...`.
fn po(head: &[u8]) -> Option<Declaration> {
    let at = find_ignoring_case(head, b"Content-Type:")?;
    let line_end = head[at..].iter().position(|&b| b == b'\n' || b == b'"').map_or(head.len(), |e| at + e);
    let line = &head[..line_end];
    let charset = at + find_ignoring_case(&line[at..], b"charset=")? + b"charset=".len();
    let len = line[charset..].iter().position(|&b| b == b'\\' || b == b';' || b.is_ascii_whitespace());
    let len = len.unwrap_or(line.len() - charset);
    let encoding = Declared::from_label(&head[charset..charset + len])?;
    Some(Declaration::at(encoding, Source::PoHeader, charset, len))
}

/// What the bytes are when they disagree with the declaration, or `None` when they agree
/// (or when gbcheck cannot tell: a UTF-16 byte order mark).
pub fn mismatch(declaration: &Declaration, bytes: &[u8], profile: Profile) -> Option<Actual> {
    let first_non_ascii = || bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0) as u64;
    match declaration.encoding {
        Declared::Utf8 => {
            let error = simdutf8::compat::from_utf8(bytes).err()?;
            if is_clean_gb18030(bytes, profile) {
                Some(Actual::Gb18030 { first_non_ascii: first_non_ascii() })
            } else {
                Some(Actual::NotUtf8 { first_invalid: error.valid_up_to() as u64 })
            }
        }
        Declared::Utf16 => (declaration.source != Source::ByteOrderMark).then_some(Actual::NotUtf16),
        _ if !bytes.is_ascii() && simdutf8::basic::from_utf8(bytes).is_ok() => {
            Some(Actual::Utf8 { first_non_ascii: first_non_ascii() })
        }
        Declared::Gb2312 => first_outside(bytes, |code| code.len() == 2 && in_gb2312(code[0], code[1])),
        Declared::Gbk => first_outside(bytes, |code| code.len() <= 2),
        Declared::Gb18030 => None,
    }
}

/// Whether a two-byte code is one of GB 2312's.
fn in_gb2312(lead: u8, trail: u8) -> bool {
    let pointer = two_byte_pointer(lead, trail) as u16;
    let i = GB2312_CODES.partition_point(|&(_, last)| last < pointer);
    GB2312_CODES.get(i).is_some_and(|&(first, _)| first <= pointer)
}

/// The first non-ASCII character of a GB 18030 input whose code `allowed` refuses.
fn first_outside(bytes: &[u8], allowed: impl Fn(&[u8]) -> bool) -> Option<Actual> {
    struct First<F> {
        bytes_of: F,
        found: Option<Actual>,
    }
    impl<F: FnMut(u64, u8) -> bool> Visitor for First<F> {
        const WANTS_CHARS: bool = true;
        fn finding(&mut self, _: Finding) {}
        fn char(&mut self, start: u64, len: u8, c: char) {
            if self.found.is_none() && !c.is_ascii() && !(self.bytes_of)(start, len) {
                self.found = Some(Actual::Outside { scalar: c, at: start });
            }
        }
    }
    let allows = |start: u64, len: u8| allowed(&bytes[start as usize..start as usize + usize::from(len)]);
    let mut first = First { bytes_of: allows, found: None };
    scan_gb18030(bytes, &mut first);
    first.found
}

/// Whether the bytes are GB 18030 text with no byte-level finding (a lone `80` is the euro
/// sign where the profile has it) and some non-ASCII text: plainly not a UTF-8 file.
fn is_clean_gb18030(bytes: &[u8], profile: Profile) -> bool {
    !bytes.is_ascii() && crate::detect::has_no_gb18030_defect(bytes, profile)
}
