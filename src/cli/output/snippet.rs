//! One source line, made safe to print, with the place of a finding under it.

use gbcheck::check::Encoding;
use gbcheck::finding::Finding;
use gbcheck::scan::{fast, utf8::scan_utf8, Visitor};
use unicode_width::UnicodeWidthChar;

use crate::cli::escape::{needs_escape, push_bytes, push_char};

/// A rendered line and where the caret goes, in terminal columns.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The line, escaped, maybe cut to a window around the finding.
    pub text: String,
    /// Columns before the caret.
    pub caret_start: usize,
    /// Width of the caret run (at least 1).
    pub caret_width: usize,
}

/// One piece of a line: a character or a malformed span, at a byte range of the line.
struct Piece {
    start: usize,
    len: usize,
    text: String,
    width: usize,
}

/// Collects the pieces of a line as the scanner sees them.
struct Pieces<'a> {
    line: &'a [u8],
    pieces: Vec<Piece>,
}

impl Visitor for Pieces<'_> {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        let start = finding.span.start as usize;
        let len = finding.span.len as usize;
        let mut text = String::new();
        push_bytes(&mut text, &self.line[start..start + len]);
        let width = text.len();
        self.pieces.push(Piece { start, len, text, width });
    }

    fn char(&mut self, start: u64, len: u8, c: char) {
        let mut text = String::new();
        push_char(&mut text, c);
        let width = if needs_escape(c) { text.len() } else { c.width().unwrap_or(0) };
        self.pieces.push(Piece { start: start as usize, len: usize::from(len), text, width });
    }
}

/// Renders `line` (without its LF) with the bytes `span_start..span_start + span_len` (relative
/// to the line) marked, cut to about `max_width` columns around them.
pub fn render(
    line: &[u8],
    encoding: Encoding,
    span_start: usize,
    span_len: usize,
    max_width: usize,
) -> Snippet {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut collector = Pieces { line, pieces: Vec::new() };
    match encoding {
        Encoding::Gb18030 => {
            let mut scanner = fast::Scanner::new();
            scanner.feed(line, &mut collector);
            scanner.finish(&mut collector);
        }
        Encoding::Utf8 => scan_utf8(line, &mut collector),
    }
    let pieces = collector.pieces;
    let span_end = span_start + span_len.max(1);
    let marked = |p: &Piece| p.start < span_end && p.start + p.len > span_start;
    let first = pieces.iter().position(marked).unwrap_or(pieces.len());
    let last = pieces.iter().rposition(marked).map_or(first, |i| i + 1);

    // Choose the window of pieces [from, to) to show.
    let total: usize = pieces.iter().map(|p| p.width).sum();
    let (mut from, mut to) = (0, pieces.len());
    if total > max_width {
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
    if from > 0 {
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
        text.push_str(&piece.text);
        column += piece.width;
    }
    if to < pieces.len() {
        text.push('…');
    }
    // A finding at the end of a line (such as a truncated sequence) points just past it.
    Snippet { text, caret_start: caret_start.unwrap_or(column), caret_width: caret_width.max(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_a_malformed_byte_after_wide_characters() {
        // "中文" in GB 18030, then a lone 0x81 before "x".
        let line = b"\xD6\xD0\xCE\xC4\x81x";
        let snippet = render(line, Encoding::Gb18030, 4, 1, 100);
        assert_eq!(snippet.text, "中文\\x81x");
        assert_eq!((snippet.caret_start, snippet.caret_width), (4, 4));
    }

    #[test]
    fn escapes_terminal_controls() {
        let snippet = render(b"a\x1b[2Jb\xFF", Encoding::Gb18030, 6, 1, 100);
        assert_eq!(snippet.text, "a\\x1b[2Jb\\xff");
        assert_eq!(snippet.caret_start, 9);
    }

    #[test]
    fn cuts_long_lines_around_the_finding() {
        let mut line = vec![b'a'; 500];
        line[300] = 0xFF;
        let snippet = render(&line, Encoding::Gb18030, 300, 1, 60);
        assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
        assert!(snippet.text.chars().count() <= 62 + 3);
        let before: String = snippet.text.chars().take(snippet.caret_start).collect();
        assert_eq!(&snippet.text[before.len()..before.len() + 4], "\\xff");
    }
}
