//! The encodings an input can be checked as. [`crate::detect::Detector`] decides which one
//! `auto` picks.

/// The encoding an input is checked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GB 18030 (its byte grammar; characters mean what the profile says).
    Gb18030,
    /// UTF-8, validated as std does.
    Utf8,
}

impl Encoding {
    /// The name used in output: `gb18030` or `utf-8`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf8 => "utf-8",
        }
    }
}

/// What the user asked the input to be checked as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EncodingChoice {
    /// UTF-8 when the input starts with a UTF-8 BOM or is valid UTF-8 with non-ASCII bytes,
    /// GB 18030 otherwise.
    #[default]
    Auto,
    /// Always GB 18030.
    Gb18030,
    /// Always UTF-8.
    Utf8,
}

/// The UTF-8 byte order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
