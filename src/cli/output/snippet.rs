//! One source line, made safe to print, with the place of a finding under it.

use gbcheck::check::Encoding;
use gbcheck::finding::Finding;
use gbcheck::scan::{fast, utf8::scan_utf8, Visitor};
use unicode_width::UnicodeWidthChar;

use crate::cli::escape::{needs_escape, push_bytes, push_char};

/// A rendered line and where the caret goes, in terminal columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The line, escaped, maybe cut to a window around the finding.
    pub text: String,
    /// Columns before the caret.
    pub caret_start: usize,
    /// Width of the caret run (at least 1).
    pub caret_width: usize,
}

/// One piece of a line: a character or a malformed span, at a byte range of the line. Its
/// text is made only if it is shown (a line can have many pieces and few are shown).
struct Piece {
    start: usize,
    len: usize,
    /// The character, or `None` for a malformed span.
    c: Option<char>,
    width: usize,
}

impl Piece {
    fn push_text(&self, line: &[u8], out: &mut String) {
        match self.c {
            Some(c) => push_char(out, c),
            None => push_bytes(out, &line[self.start..self.start + self.len]),
        }
    }
}

/// How many columns `c` takes as shown: its escape's length, or its display width.
fn shown_width(c: char) -> usize {
    match u32::from(c) {
        _ if !needs_escape(c) => c.width().unwrap_or(0),
        // `\x1b`
        0..=0x7F => 4,
        // `\u{85}`, `\u{202e}`, `\u{e0001}`: the hex digits and four more.
        n => 4 + (32 - n.leading_zeros() as usize).div_ceil(4),
    }
}

/// Collects the pieces of a line as the scanner sees them.
struct Pieces {
    pieces: Vec<Piece>,
}

impl Visitor for Pieces {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        let start = finding.span.start as usize;
        let len = finding.span.len as usize;
        // `\x81` for each byte.
        self.pieces.push(Piece { start, len, c: None, width: 4 * len });
    }

    fn char(&mut self, start: u64, len: u8, c: char) {
        self.pieces.push(Piece {
            start: start as usize,
            len: usize::from(len),
            c: Some(c),
            width: shown_width(c),
        });
    }
}

/// A line of an input, and what follows it.
pub struct Line<'a> {
    /// The line's bytes from its start, followed by a few bytes after its end (its LF and
    /// more): how the last bytes of the line decode can depend on them.
    pub bytes: &'a [u8],
    /// How many of `bytes` are the line itself, without its LF.
    pub len: usize,
    /// Whether `bytes` reaches the end of the input.
    pub at_end: bool,
    /// Whether the line starts before `bytes` (a very long line, cut at a chunk of a big
    /// file): the text is then shown as a window with `…` before it.
    pub cut_before: bool,
    /// Whether the line goes on after `bytes` (the same, at its end).
    pub cut_after: bool,
}

/// Renders a line with the bytes `span_start..span_start + span_len` (relative to the line)
/// marked, cut to about `max_width` columns around them.
pub fn render(
    line: &Line,
    encoding: Encoding,
    span_start: usize,
    span_len: usize,
    max_width: usize,
) -> Snippet {
    let mut collector = Pieces { pieces: Vec::new() };
    match encoding {
        Encoding::Gb18030 => {
            let mut scanner = fast::Scanner::new();
            scanner.feed(line.bytes, &mut collector);
            if line.at_end {
                scanner.finish(&mut collector);
            }
        }
        Encoding::Utf8 => scan_utf8(line.bytes, &mut collector),
    }
    // A CR before the LF is part of the line ending, not of what is shown.
    let shown = if line.bytes[..line.len].ends_with(b"\r") { line.len - 1 } else { line.len };
    let mut pieces = collector.pieces;
    pieces.retain(|p| p.start < shown);
    let span_end = span_start + span_len.max(1);
    let marked = |p: &Piece| p.start < span_end && p.start + p.len > span_start;
    let first = pieces.iter().position(marked).unwrap_or(pieces.len());
    let last = pieces.iter().rposition(marked).map_or(first, |i| i + 1);

    // Choose the window of pieces [from, to) to show.
    let total: usize = pieces.iter().map(|p| p.width).sum();
    let (mut from, mut to) = (0, pieces.len());
    // A line known only in part is long: shown as a window, like any long line.
    if total > max_width || line.cut_before || line.cut_after {
        let mut budget = max_width / 3;
        from = first;
        while from > 0 && pieces[from - 1].width <= budget {
            from -= 1;
            budget -= pieces[from].width;
        }
        let mut used: usize = pieces[from..first].iter().map(|p| p.width).sum();
        to = first;
        while to < pieces.len() && (to < last || used + pieces[to].width <= max_width) {
            used += pieces[to].width;
            to += 1;
        }
    }

    let mut text = String::new();
    let mut column = 0;
    if from > 0 || line.cut_before {
        text.push('…');
        column += 1;
    }
    let mut caret_start = None;
    let mut caret_width = 0;
    for (i, piece) in pieces[from..to].iter().enumerate() {
        if (first..last).contains(&(from + i)) {
            caret_start.get_or_insert(column);
            caret_width += piece.width;
        }
        piece.push_text(line.bytes, &mut text);
        column += piece.width;
    }
    if to < pieces.len() || line.cut_after {
        text.push('…');
    }
    // A finding at the end of a line (such as a truncated sequence) points just past it.
    Snippet { text, caret_start: caret_start.unwrap_or(column), caret_width: caret_width.max(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(bytes: &[u8]) -> Line<'_> {
        Line { bytes, len: bytes.len(), at_end: true, cut_before: false, cut_after: false }
    }

    #[test]
    fn the_byte_after_the_line_settles_its_last_sequence() {
        // `81 30` then LF: the lead alone is malformed and `0` is a character; cut at the
        // line's end, `81 30` alone would look like one truncated sequence.
        let bytes = b"\x81\x30\n";
        let line = Line { bytes, len: 2, at_end: true, cut_before: false, cut_after: false };
        let snippet = render(&line, Encoding::Gb18030, 0, 1, 100);
        assert_eq!(snippet.text, "\\x810");
        assert_eq!((snippet.caret_start, snippet.caret_width), (0, 4));
    }

    #[test]
    fn a_crlf_line_ending_is_not_shown() {
        let bytes = b"a\xFF\r\n";
        let line = Line { bytes, len: 3, at_end: true, cut_before: false, cut_after: false };
        let snippet = render(&line, Encoding::Gb18030, 1, 1, 100);
        assert_eq!(snippet.text, "a\\xff");
    }

    #[test]
    fn marks_a_malformed_byte_after_wide_characters() {
        // "中文" in GB 18030, then a lone 0x81 before " x" (a space cannot be a trail byte;
        // `x` could: `81 78` is a two-byte code).
        let bytes = b"\xD6\xD0\xCE\xC4\x81 x";
        let snippet = render(&whole(bytes), Encoding::Gb18030, 4, 1, 100);
        assert_eq!(snippet.text, "中文\\x81 x");
        assert_eq!((snippet.caret_start, snippet.caret_width), (4, 4));
    }

    #[test]
    fn escapes_terminal_controls() {
        let snippet = render(&whole(b"a\x1b[2Jb\xFF"), Encoding::Gb18030, 6, 1, 100);
        assert_eq!(snippet.text, "a\\x1b[2Jb\\xff");
        assert_eq!(snippet.caret_start, 9);
    }

    #[test]
    fn widths_are_the_lengths_of_the_escapes() {
        for c in
            ['\0', '\u{1b}', '\u{7f}', '\u{85}', '\u{200b}', '\u{202e}', '\u{feff}', '\u{e0001}', '\u{e01ef}']
        {
            let mut text = String::new();
            push_char(&mut text, c);
            assert_eq!(shown_width(c), text.len(), "{c:?} shown as {text}");
        }
        assert_eq!(shown_width('中'), 2);
        assert_eq!(shown_width('a'), 1);
    }

    #[test]
    fn cuts_long_lines_around_the_finding() {
        let mut line = vec![b'a'; 500];
        line[300] = 0xFF;
        let snippet = render(&whole(&line), Encoding::Gb18030, 300, 1, 60);
        assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
        assert!(snippet.text.chars().count() <= 62 + 3);
        let before: String = snippet.text.chars().take(snippet.caret_start).collect();
        assert_eq!(&snippet.text[before.len()..before.len() + 4], "\\xff");
    }
}
