//! Big files: read in bounded chunks, cut just after a byte `00-2F`.
//!
//! No byte `00-2F` is ever part of a GB 18030 or UTF-8 multi-byte sequence, so after one a
//! decoder is in its initial state whatever came before, and a run of mojibake (GB009) has
//! ended too (runs end at ASCII). A chunk starting there is checked on its own
//! ([`gbcheck::check::FileChecker::new`] at the chunk's offset) with exactly the findings a
//! whole-file scan gives there. The cut is put after the chunk's last LF when it is in the
//! second half of the chunk (so a chunk usually starts a line), else after its last byte
//! `00-2F`. A stretch with no such byte in a whole chunk's worth (not text: no newline, no
//! space, no ASCII punctuation) cannot be cut: it is checked as one stream, read in parts of
//! about a chunk, and its findings are located and reported part by part
//! ([`Piece::Stretch`], [`crate::cli::locate::StretchLocator`]), so memory stays bounded
//! whatever the file holds.
//!
//! Which encoding a file is checked as, and GB008, need whole-file facts: [`detect_file`] feeds
//! the library's [`Detector`] in a streaming pre-pass before the chunks are checked, stopping
//! as soon as the answer is settled: at the first invalid UTF-8 sequence, which in GB 18030
//! text comes within the first few non-ASCII bytes. Only a file that is valid UTF-8 (or all
//! ASCII) is read to its end twice.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use gbcheck::check::{Encoding, Options};
use gbcheck::detect::{Detection, Detector};
use gbcheck::finding::Finding;
use gbcheck::scan::utf8::Utf8Scanner;
use gbcheck::scan::{fast, Visitor};
use gbcheck::suppress::{Suppressions, MARKER_OVERLAP};

use crate::cli::input::size_change;
use crate::cli::locate::CHUNK_CONTEXT;

/// Reads up to `buf.len()` bytes at `offset`, retrying when interrupted.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        #[cfg(unix)]
        let result = std::os::unix::fs::FileExt::read_at(file, buf, offset);
        #[cfg(windows)]
        let result = std::os::windows::fs::FileExt::seek_read(file, buf, offset);
        match result {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Reads `file[offset..offset + len]` (less at its end).
pub fn read_range(file: &File, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; len];
    let mut filled = 0;
    while filled < len {
        match read_at(file, &mut buf[filled..], offset + filled as u64)? {
            0 => break,
            n => filled += n,
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// Appends up to `len` bytes read at `offset` to `into`, without zeroing the room first
/// (the bytes go straight into the vector's spare capacity); returns how many were read.
fn append_at(file: &File, into: &mut Vec<u8>, len: usize, offset: u64) -> io::Result<usize> {
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.take(len as u64).read_to_end(into)
}

/// A chunk with the bytes around it.
pub struct Chunk {
    /// Context before, the chunk, context after.
    pub data: Vec<u8>,
    /// The chunk is `data[start..end]`.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// The chunk's absolute offset.
    pub offset: u64,
    /// Whether `data` starts a line.
    pub starts_line: bool,
    /// Whether `data` reaches the end of the file.
    pub reaches_end: bool,
}

/// What comes next in a big file.
pub enum Piece {
    /// A chunk to check on its own.
    Chunk(Chunk),
    /// A stretch with no byte `00-2F` in the next chunk's worth of bytes (not text: no
    /// newline, no space, no digit-less punctuation): it cannot be cut, so it is checked as
    /// one stream, read in parts with [`ChunkReader::stretch_part`] until such a byte comes.
    Stretch,
}

/// Reads a file from its start in chunks cut just after a byte `00-2F`, and notices when the
/// file shrinks or grows meanwhile (against `size`, its length when opened).
///
/// A chunk's bytes are read straight into the vector it is handed out in (after the context
/// before it and the bytes read ahead for it); only what follows the cut (the end of a line,
/// usually, and the context after it) is copied, to start the next chunk.
pub struct ChunkReader<'f> {
    file: &'f File,
    size: u64,
    /// Offset of the next byte to read from the file.
    pos: u64,
    /// Bytes read and not yet handed out.
    ahead: Vec<u8>,
    eof: bool,
    /// The last bytes handed out (at most [`CHUNK_CONTEXT`]), and how many were handed out in all.
    history: Vec<u8>,
    consumed: u64,
    /// The encoding the file is checked as, and the first place in `history` known to start
    /// a character (or a malformed span), where the context before the next chunk can begin.
    encoding: Encoding,
    boundary: Option<usize>,
}

/// Whether a chunk may end just after `b`.
#[inline]
fn is_cut(b: u8) -> bool {
    b <= 0x2F
}

/// Where to cut `window`: after its last LF if that is in its second half, else after its
/// last byte `00-2F`.
fn find_cut(window: &[u8]) -> Option<usize> {
    let half = window.len() / 2;
    if let Some(lf) = memchr::memrchr(b'\n', &window[half..]) {
        return Some(half + lf + 1);
    }
    window.iter().rposition(|&b| is_cut(b)).map(|i| i + 1)
}

impl<'f> ChunkReader<'f> {
    /// A reader from the start of `file`, which had `size` bytes when opened and is checked as
    /// `encoding`.
    pub fn new(file: &'f File, size: u64, encoding: Encoding) -> ChunkReader<'f> {
        ChunkReader {
            file,
            size,
            pos: 0,
            ahead: Vec::new(),
            eof: false,
            history: Vec::new(),
            consumed: 0,
            encoding,
            boundary: Some(0),
        }
    }

    /// Bytes handed out so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Reads the file's next bytes onto the end of `into` until it holds `want` bytes or the
    /// file has ended.
    fn read_into(&mut self, into: &mut Vec<u8>, want: usize) -> io::Result<()> {
        while into.len() < want && !self.eof {
            if self.pos == self.size {
                // Read one byte past the length the file had: there must be none.
                let mut probe = [0u8; 1];
                let n = read_at(self.file, &mut probe, self.pos)?;
                if let Some(message) = size_change(self.size, self.pos + n as u64) {
                    return Err(io::Error::other(message));
                }
                self.eof = true;
                break;
            }
            let room = (want - into.len()).min((self.size - self.pos) as usize);
            let n = append_at(self.file, into, room, self.pos)?;
            if n == 0 {
                let message = size_change(self.size, self.pos).unwrap_or_default();
                return Err(io::Error::other(message));
            }
            self.pos += n as u64;
        }
        Ok(())
    }

    /// Reads until `want` bytes are waiting or the file has ended.
    fn fill(&mut self, want: usize) -> io::Result<()> {
        let mut ahead = std::mem::take(&mut self.ahead);
        let read = self.read_into(&mut ahead, want);
        self.ahead = ahead;
        read
    }

    /// The next piece of about `target` bytes, or `None` at the end of the file.
    pub fn next_piece(&mut self, target: usize) -> io::Result<Option<Piece>> {
        let target = target.max(1);
        let (prefix, starts_line) = self.prefix();
        let mut data = Vec::with_capacity(prefix.len() + target + CHUNK_CONTEXT);
        data.extend_from_slice(prefix);
        let start = data.len();
        data.append(&mut self.ahead);
        self.read_into(&mut data, start + target + CHUNK_CONTEXT)?;
        let avail = data.len() - start;
        if avail == 0 {
            return Ok(None);
        }
        let cut = if self.eof && avail <= target {
            avail
        } else {
            match find_cut(&data[start..start + target.min(avail)]) {
                Some(cut) => cut,
                None => {
                    self.ahead.extend_from_slice(&data[start..]);
                    return Ok(Some(Piece::Stretch));
                }
            }
        };
        let end = start + cut;
        // What follows the cut starts the next chunk; its first bytes stay here too, as the
        // context after this one.
        self.ahead.extend_from_slice(&data[end..]);
        let suffix_end = (end + CHUNK_CONTEXT).min(data.len());
        let reaches_end = self.pos == self.size && suffix_end == data.len();
        data.truncate(suffix_end);
        let offset = self.consumed;
        self.hand_out(&data[start..end]);
        Ok(Some(Piece::Chunk(Chunk { data, start, end, offset, starts_line, reaches_end })))
    }

    /// Hands out the next part of a stretch, at most `max` bytes: up to and including its
    /// first byte `00-2F`, and whether that ended the stretch (or the file did).
    pub fn stretch_part(&mut self, max: usize) -> io::Result<(Vec<u8>, bool)> {
        let max = max.max(1);
        self.fill(max)?;
        let avail = self.ahead.len();
        let window = &self.ahead[..max.min(avail)];
        let (n, ended) = match window.iter().position(|&b| is_cut(b)) {
            Some(i) => (i + 1, true),
            None => (window.len(), self.eof && window.len() == avail),
        };
        let part: Vec<u8> = self.ahead.drain(..n).collect();
        self.hand_out(&part);
        Ok((part, ended))
    }

    /// The context before the next byte to hand out: from the last LF in the history (a line
    /// start), else from the first character (or malformed span) that starts in it, as a
    /// whole-file scan reads them; and whether it starts a line.
    pub fn prefix(&self) -> (&[u8], bool) {
        if self.consumed == self.history.len() as u64 {
            (&self.history[..], true)
        } else if let Some(lf) = memchr::memrchr(b'\n', &self.history) {
            (&self.history[lf + 1..], true)
        } else {
            let from = self.boundary.unwrap_or(self.history.len());
            (&self.history[from..], false)
        }
    }

    /// Where the first character (or malformed span) that starts in the history after
    /// `taken` is handed out begins, in that history: the history and `taken` are read as
    /// one text from the last place known to start one at or before the history's new start
    /// (just after a byte `00-2F`, or the old boundary). Without such a place, the first one
    /// known after it.
    fn next_boundary(&self, taken: &[u8]) -> Option<usize> {
        let old = &self.history[..];
        let total = old.len() + taken.len();
        let from = total.saturating_sub(CHUNK_CONTEXT);
        // After the last byte 00-2F before `from`, or the old boundary, whichever is later.
        let after_cut = if from > old.len() {
            taken[..from - old.len()].iter().rposition(|&b| is_cut(b)).map(|i| old.len() + i + 1)
        } else {
            None
        }
        .or_else(|| old[..from.min(old.len())].iter().rposition(|&b| is_cut(b)).map(|i| i + 1));
        let known = after_cut.max(self.boundary.filter(|&b| b <= from));
        let Some(known) = known else {
            // Nothing known before: the first place known after.
            let first_cut = old.iter().chain(taken).skip(from).position(|&b| is_cut(b)).map(|i| from + i + 1);
            let first = first_cut.into_iter().chain(self.boundary).min()?;
            return (first < total).then(|| first - from);
        };
        let mut starts = FirstStart { from: from as u64, found: None };
        let (head, tail) =
            if known < old.len() { (&old[known..], taken) } else { (&taken[known - old.len()..], &[][..]) };
        match self.encoding {
            Encoding::Gb18030 => {
                let mut scanner = fast::Scanner::at_offset(known as u64);
                scanner.feed(head, &mut starts);
                scanner.feed(tail, &mut starts);
            }
            Encoding::Utf8 => {
                let mut scanner = Utf8Scanner::at_offset(known as u64);
                scanner.feed(head, &mut starts);
                scanner.feed(tail, &mut starts);
            }
        }
        starts.found.map(|at| at as usize - from)
    }

    /// Whether the last byte handed out is an LF.
    #[cfg(test)]
    fn after_lf(&self) -> bool {
        self.history.last() == Some(&b'\n')
    }

    /// Counts `taken` as handed out, keeping its last [`CHUNK_CONTEXT`] bytes (with those before
    /// it, when it is shorter) as the history, and where a character starts in them.
    fn hand_out(&mut self, taken: &[u8]) {
        self.boundary = self.next_boundary(taken);
        if taken.len() >= CHUNK_CONTEXT {
            self.history.clear();
            self.history.extend_from_slice(&taken[taken.len() - CHUNK_CONTEXT..]);
        } else {
            let keep = CHUNK_CONTEXT - taken.len();
            if self.history.len() > keep {
                self.history.drain(..self.history.len() - keep);
            }
            self.history.extend_from_slice(taken);
        }
        self.consumed += taken.len() as u64;
    }
}

/// Finds the first character or malformed span that starts at or after `from`.
struct FirstStart {
    from: u64,
    found: Option<u64>,
}

impl FirstStart {
    fn unit(&mut self, start: u64) {
        if self.found.is_none() && start >= self.from {
            self.found = Some(start);
        }
    }
}

impl Visitor for FirstStart {
    const WANTS_CHARS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.unit(finding.span.start);
    }

    fn char(&mut self, start: u64, _: u8, _: char) {
        self.unit(start);
    }
}

/// Decides a big file's encoding and GB008 ([`Detector`], as for a file in memory), reading
/// it from the start in blocks only until the decision is settled.
pub fn detect_file(file: &File, size: u64, options: &Options) -> io::Result<Detection> {
    const BLOCK: usize = 1 << 20;
    let mut detector = Detector::new(options.encoding, &options.rules);
    let mut buf = vec![0u8; BLOCK.min(size as usize)];
    let mut pos = 0u64;
    while pos < size && !detector.is_settled() {
        let want = BLOCK.min((size - pos) as usize);
        let n = read_at(file, &mut buf[..want], pos)?;
        if n == 0 {
            return Err(io::Error::other(size_change(size, pos).unwrap_or_default()));
        }
        detector.feed(&buf[..n]);
        pos += n as u64;
    }
    Ok(detector.finish())
}

/// Whether the file, read from where it stands in blocks of `block` bytes, holds the marker
/// of a directive (or could not be read to the end: then the numbered pass decides).
fn file_holds_marker(mut file: &File, block: usize) -> bool {
    let mut buffer = vec![0; block + MARKER_OVERLAP];
    // The last bytes of the block before, where a marker may begin.
    let mut kept = 0;
    loop {
        let read = match file.read(&mut buffer[kept..]) {
            Ok(0) => return false,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return true,
        };
        let filled = kept + read;
        if gbcheck::suppress::holds_marker(&buffer[..filled]) {
            return true;
        }
        kept = filled.min(MARKER_OVERLAP);
        buffer.copy_within(filled - kept..filled, 0);
    }
}

/// The suppressions of a file read a block at a time: only lines in a stretch holding a
/// directive's marker are taken one by one, and a line longer than a few MiB is held only in
/// part (memory stays bounded whatever the line's length).
fn scan_lines(file: &File) -> Suppressions {
    const BLOCK: usize = 1 << 20;
    let mut suppressions = Suppressions::default();
    // Most files hold no directive: a first pass only looks for the marker, without taking
    // lines apart or counting them, and the numbered pass runs only when there is one.
    if !file_holds_marker(file, BLOCK) || (&*file).seek(SeekFrom::Start(0)).is_err() {
        return suppressions;
    }
    let mut reader = BufReader::with_capacity(BLOCK, file);
    let mut line = Vec::new();
    let mut number = 1;
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(buf) => buf,
        };
        let n = buf.len();
        match memchr::memrchr(b'\n', buf) {
            Some(last) => {
                // The line held from the blocks before ends at the first LF; the whole lines
                // after it are taken together; the rest is held.
                let mut from = 0;
                if !line.is_empty() {
                    let first = memchr::memchr(b'\n', buf).unwrap_or(last);
                    line.extend_from_slice(&buf[..=first]);
                    suppressions.add_line(number, &line);
                    line.clear();
                    number += 1;
                    from = first + 1;
                }
                number = suppressions.add_lines(number, &buf[from..last + 1]);
                line.extend_from_slice(&buf[last + 1..]);
            }
            None => {
                line.extend_from_slice(buf);
                if line.len() > 2 * BLOCK {
                    // Directives starting in the head are read now; the tail, long enough to
                    // hold any directive that starts in it, is kept for the next piece.
                    let keep = line.len() - gbcheck::suppress::DIRECTIVE_MAX;
                    suppressions.add_line_part(number, &line, keep);
                    line.drain(..keep);
                }
            }
        }
        reader.consume(n);
    }
    if !line.is_empty() {
        suppressions.add_line(number, &line);
    }
    suppressions
}

/// The suppression comments of a file, read through the handle it was checked through
/// (from its start): for a big file whose findings cannot wait for its end.
pub fn read_suppressions(file: &File) -> Suppressions {
    match (&*file).seek(SeekFrom::Start(0)) {
        Ok(_) => scan_lines(file),
        Err(_) => Suppressions::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gbcheck::check::EncodingChoice;

    /// Detection read in blocks equals detection of the whole file at once, with a UTF-8
    /// character and the first non-ASCII byte across the 1 MiB block's end, and endings:
    /// valid, invalid, cut, GB 18030.
    #[test]
    fn a_file_read_in_blocks_is_detected_as_the_whole_file() {
        use std::io::Write;
        let mut base = vec![b'a'; (1 << 20) - 1];
        base.extend_from_slice("中文".as_bytes());
        base.extend_from_slice(&vec![b'b'; 1000]);
        let endings: [&[u8]; 4] = [b"", b"\xFF", "中".as_bytes().split_at(2).0, b"\xD6\xD0"];
        for ending in endings {
            let mut bytes = base.clone();
            bytes.extend_from_slice(ending);
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(&bytes).unwrap();
            for encoding in [EncodingChoice::Auto, EncodingChoice::Gb18030, EncodingChoice::Utf8] {
                let options = Options { encoding, ..Options::default() };
                let found = detect_file(&file, bytes.len() as u64, &options).unwrap();
                assert_eq!(
                    found,
                    Detector::detect(&bytes, encoding, &options.rules),
                    "{ending:02X?} {encoding:?}"
                );
            }
        }
    }

    use std::fs::{self, OpenOptions};
    use std::io::Write;

    fn chunks(file: &File, size: u64, target: usize) -> io::Result<Vec<Chunk>> {
        let mut reader = ChunkReader::new(file, size, Encoding::Gb18030);
        let mut out = Vec::new();
        while let Some(piece) = reader.next_piece(target)? {
            match piece {
                Piece::Chunk(chunk) => out.push(chunk),
                Piece::Stretch => {
                    // The whole stretch as one chunk without context, for the test.
                    let offset = reader.consumed();
                    let starts_line = offset == 0 || reader.after_lf();
                    let mut data = Vec::new();
                    loop {
                        let (part, ended) = reader.stretch_part(target)?;
                        data.extend_from_slice(&part);
                        if ended {
                            break;
                        }
                    }
                    assert!(data.len() > target, "a stretch is longer than a chunk");
                    let reaches_end = offset + data.len() as u64 == size;
                    out.push(Chunk { start: 0, end: data.len(), offset, starts_line, reaches_end, data });
                }
            }
        }
        Ok(out)
    }

    #[test]
    fn chunks_end_just_after_a_byte_00_2f_and_cover_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut bytes = Vec::new();
        for i in 0..500u32 {
            bytes.extend_from_slice(b"\xD6\xD0\xCE\xC4");
            bytes.extend_from_slice(if i % 7 == 0 {
                b"\n"
            } else if i % 3 == 0 {
                b" "
            } else {
                b""
            });
            if i % 50 == 0 {
                bytes.extend_from_slice(&b"\xB0\xA1".repeat(100)); // no byte 00-2F for 200 bytes
            }
        }
        fs::write(&path, &bytes).unwrap();
        let file = File::open(&path).unwrap();
        for target in [1, 7, 64, 100, 4096] {
            let chunks = chunks(&file, bytes.len() as u64, target).unwrap();
            let mut joined = Vec::new();
            for (i, chunk) in chunks.iter().enumerate() {
                assert_eq!(chunk.offset, joined.len() as u64);
                let body = &chunk.data[chunk.start..chunk.end];
                if i + 1 < chunks.len() {
                    assert!(
                        is_cut(*body.last().unwrap()),
                        "chunk {i} ends with {:02x}",
                        body.last().unwrap()
                    );
                }
                // The context is the file's own bytes around the chunk.
                let from = chunk.offset as usize - chunk.start;
                assert_eq!(&chunk.data[..], &bytes[from..from + chunk.data.len()]);
                assert_eq!(chunk.starts_line, from == 0 || bytes[from - 1] == b'\n');
                assert_eq!(chunk.reaches_end, from + chunk.data.len() == bytes.len());
                joined.extend_from_slice(body);
            }
            assert_eq!(joined, bytes);
        }
    }

    #[test]
    fn a_file_that_grows_or_shrinks_while_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"line\n".repeat(100)).unwrap();
        let file = File::open(&path).unwrap();
        let size = file.metadata().unwrap().len();
        OpenOptions::new().append(true).open(&path).unwrap().write_all(b"more\n").unwrap();
        let error = chunks(&file, size, 64).err().expect("growth noticed");
        assert!(error.to_string().contains("grew while it was read"), "{error}");

        fs::write(&path, b"line\n".repeat(100)).unwrap();
        let file = File::open(&path).unwrap();
        OpenOptions::new().write(true).open(&path).unwrap().set_len(120).unwrap();
        let error = chunks(&file, 500, 64).err().expect("shrinking noticed");
        assert!(
            error.to_string().contains("shrank while it was read (500 bytes when opened, 120 read)"),
            "{error}"
        );
        let error =
            detect_file(&file, 500, &Options::default()).expect_err("shrinking noticed by the pre-pass");
        assert!(error.to_string().contains("shrank"), "{error}");
    }

    #[test]
    fn a_file_read_in_blocks_has_the_suppressions_of_the_whole() {
        // Directives on either side of the reader's 1 MiB blocks, in a 2.5 MiB line (at its
        // start and end) and on the last line without LF; filler lines of many lengths.
        let directive = |n: usize| format!("x // gbcheck: ignore-line GB00{}\n", 1 + n % 7);
        let mut text = String::new();
        let mut n = 0;
        for block in 1..=5usize {
            while text.len() + 40 < block << 20 {
                text.push_str(&"y".repeat(n % 300));
                text.push('\n');
                n += 1;
                if n % 997 == 0 {
                    text.push_str(&directive(n));
                }
            }
            // A directive across the block's end, then one right after it.
            text.push_str(&directive(block));
            text.push_str(&directive(block + 1));
            if block == 2 {
                text.push_str("# gbcheck: ignore-next-line GB009 ");
                text.push_str(&"z".repeat(5 << 19));
                text.push_str(" /* gbcheck: ignore-line GB005 */\n");
            }
        }
        text.push_str("last # gbcheck: ignore-line GB012");
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file.seek(std::io::SeekFrom::Start(0)).unwrap();
        let expected = Suppressions::scan(text.as_bytes());
        assert!(expected.lines.len() > 20, "{}", expected.lines.len());
        assert_eq!(scan_lines(&file), expected);
    }

    #[test]
    fn the_marker_is_found_wherever_the_blocks_cut_it() {
        let file_of = |text: &[u8]| {
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(text).unwrap();
            file.seek(SeekFrom::Start(0)).unwrap();
            file
        };
        for at in 0..40 {
            let mut text = vec![b'x'; 48];
            text[at..at + 8].copy_from_slice(b"gbcheck:");
            let cut = [&text[..at + 7], b" ", &text[at + 7..]].concat();
            for block in 1..=20 {
                assert!(file_holds_marker(&file_of(&text), block), "at {at}, blocks of {block}");
                assert!(!file_holds_marker(&file_of(&cut), block), "at {at}, blocks of {block}");
            }
        }
        assert!(!file_holds_marker(&file_of(b""), 4));
        // The numbered pass starts again from the file's start.
        let text = format!("{}\nx // gbcheck: ignore-line GB007\n", "y".repeat(3 << 20));
        assert_eq!(scan_lines(&file_of(text.as_bytes())).lines.keys().collect::<Vec<_>>(), [&2]);
    }
}
