//! The encodings a file can declare, the places it declares them in, and what its bytes turn
//! out to be: the vocabulary of GB016 (`declared-encoding-mismatch`). A leaf: it imports
//! nothing from the crate, so that `crate::finding` can name these in a `Cause`.

use std::fmt;

/// An encoding a file declares that gbcheck can hold its bytes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Declared {
    /// UTF-8 (also JSON's fixed encoding, RFC 8259 section 8.1).
    Utf8,
    /// UTF-16 (any byte order).
    Utf16,
    /// GB 2312 (EUC-CN).
    Gb2312,
    /// GBK, code page 936.
    Gbk,
    /// GB 18030.
    Gb18030,
}

impl Declared {
    /// The encoding an encoding label names (case-insensitive, surrounding spaces and quotes
    /// ignored), among those gbcheck knows; `None` for any other (`ISO-8859-1`, `Big5` ...).
    /// Labels as the WHATWG Encoding Standard lists them for these encodings.
    pub fn from_label(label: &[u8]) -> Option<Declared> {
        let label = std::str::from_utf8(label).ok()?.trim_matches(|c: char| c.is_ascii_whitespace());
        let label = label.to_ascii_lowercase();
        Some(match label.as_str() {
            "utf-8" | "utf8" | "unicode-1-1-utf-8" | "unicode11utf8" | "unicode20utf8"
            | "x-unicode20utf8" => Declared::Utf8,
            "utf-16" | "utf-16le" | "utf-16be" | "ucs-2" | "unicode" | "unicodefffe" | "csunicode" => {
                Declared::Utf16
            }
            "gb2312" | "gb_2312" | "gb_2312-80" | "csgb2312" | "iso-ir-58" | "euc-cn" | "chinese"
            | "csiso58gb231280" => Declared::Gb2312,
            "gbk" | "x-gbk" | "cp936" | "ms936" | "windows-936" => Declared::Gbk,
            "gb18030" | "gb-18030" => Declared::Gb18030,
            _ => return None,
        })
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Declared::Utf8 => "UTF-8",
            Declared::Utf16 => "UTF-16",
            Declared::Gb2312 => "GB 2312",
            Declared::Gbk => "GBK",
            Declared::Gb18030 => "GB 18030",
        }
    }
}

impl fmt::Display for Declared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the declaration is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A byte order mark at the start.
    ByteOrderMark,
    /// The XML declaration's `encoding` (`<?xml version="1.0" encoding="..."?>`).
    XmlDeclaration,
    /// None in an XML file: without a byte order mark or an `encoding`, XML is UTF-8 (XML 1.0,
    /// section 4.3.3).
    XmlDefault,
    /// HTML's `<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">`.
    HtmlMeta,
    /// The gettext header's `Content-Type: text/plain; charset=...`.
    PoHeader,
    /// None in the file: JSON is UTF-8 (RFC 8259, section 8.1).
    JsonIsUtf8,
}

impl Source {
    /// The phrase used in messages.
    pub fn phrase(self) -> &'static str {
        match self {
            Source::ByteOrderMark => "its byte order mark",
            Source::XmlDeclaration => "its XML declaration",
            Source::XmlDefault => "XML's default encoding (no encoding declaration, no byte order mark)",
            Source::HtmlMeta => "its HTML <meta> charset",
            Source::PoHeader => "its PO header's Content-Type",
            Source::JsonIsUtf8 => "JSON's fixed encoding (RFC 8259, section 8.1)",
        }
    }
}

/// What the bytes turned out to be, when they disagree with the declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actual {
    /// Valid GB 18030 text (not UTF-8); the offset of its first non-ASCII byte.
    Gb18030 {
        /// The offset of the first non-ASCII byte.
        first_non_ascii: u64,
    },
    /// Valid UTF-8 text with non-ASCII characters.
    Utf8 {
        /// The offset of the first non-ASCII byte.
        first_non_ascii: u64,
    },
    /// Not valid UTF-8 (nor plain GB 18030 text).
    NotUtf8 {
        /// The offset of the first byte that is not UTF-8.
        first_invalid: u64,
    },
    /// Single-byte text: no UTF-16 file can be read as ASCII.
    NotUtf16,
    /// A character outside the declared set (GB 2312, or GBK's one- and two-byte codes).
    Outside {
        /// The character.
        scalar: char,
        /// The offset of its code.
        at: u64,
    },
}

impl fmt::Display for Actual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Actual::Gb18030 { first_non_ascii } => {
                write!(f, "GB 18030, not UTF-8 (first non-ASCII byte at {first_non_ascii})")
            }
            Actual::Utf8 { first_non_ascii } => {
                write!(f, "UTF-8 (first non-ASCII byte at {first_non_ascii})")
            }
            Actual::NotUtf8 { first_invalid } => {
                write!(f, "not valid UTF-8 (first invalid byte at {first_invalid})")
            }
            Actual::NotUtf16 => f.write_str("an 8-bit encoding: the declaration itself is readable as ASCII"),
            Actual::Outside { scalar, at } => {
                write!(f, "holds U+{:04X} at byte {at}, which it does not have", u32::from(scalar))
            }
        }
    }
}
