//! GB009: text that was decoded with the wrong encoding and saved again.
//!
//! The test is a repair, not a word list: a run of characters is mapped back to the bytes the
//! wrong decoder must have read, and those bytes are decoded with the encoding they were
//! really in. Only when that gives two or more GB 2312 characters, at least two of them
//! level-1 hanzi (the 3,755 most common), and nothing else, is the run reported. Real text
//! almost never passes: the bytes must fall exactly into UTF-8's or GBK's structure.
//!
//! Runs are tracked only from a character that can start one, so ordinary text costs one
//! table lookup per character.

use super::utf8_prefix::Utf8Prefix;
use crate::mapping;
use crate::scan::grammar::two_byte_pointer;

/// What went wrong, as far as the repair can tell.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MojibakeKind {
    /// UTF-8 read as GBK: "浣犲ソ" for "你好".
    Utf8AsGbk,
    /// UTF-8 read as Windows-1252 or Latin-1: "ä½ å¥½" for "你好".
    Utf8AsWindows1252,
    /// GBK read as Latin-1: "ÄãºÃ" for "你好".
    GbkAsLatin1,
    /// U+FFFD in UTF-8 read as GBK: "锟斤拷".
    ReplacementAsGbk,
    /// Uninitialised memory shown as GBK: "烫烫烫" (0xCC, stack) or "屯屯屯" (0xCD, heap).
    Uninitialized,
}

/// Which characters a run may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// Characters with a two-byte GBK code (UTF-8 bytes read as GBK).
    TwoByte,
    /// Characters that a single-byte code page makes from one byte `80-FF`.
    SingleByte,
    /// One character repeated.
    Repeat(char),
}

/// The Windows-1252 characters of bytes `80-9F` (the five undefined bytes read as C1 controls,
/// as Windows does).
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// The last character a single-byte code page makes (`™`, byte `99` of Windows-1252): the
/// table of [`single_byte`] ends there (building it fails to compile if one is beyond).
const LAST_SINGLE_BYTE: char = '\u{2122}';

/// For each character up to [`LAST_SINGLE_BYTE`], the byte a single-byte code page
/// (Windows-1252, or Latin-1 for `80-9F`) decodes to it, or 0: one lookup for the quotation
/// marks and dashes of Chinese text, which a run may hold.
static SINGLE_BYTE: [u8; LAST_SINGLE_BYTE as usize + 1] = {
    let mut table = [0u8; LAST_SINGLE_BYTE as usize + 1];
    // Latin-1 reads 80-9F as the C1 controls, and both read A0-FF as U+00A0-U+00FF.
    let mut b = 0x80;
    while b <= 0xFF {
        table[b] = b as u8;
        b += 1;
    }
    let mut i = 0;
    while i < WINDOWS_1252_HIGH.len() {
        table[WINDOWS_1252_HIGH[i] as usize] = 0x80 + i as u8;
        i += 1;
    }
    table
};

/// The byte a single-byte code page (Windows-1252, or Latin-1 for `80-9F`) decodes to `c`.
#[inline]
fn single_byte(c: char) -> Option<u8> {
    // Past the last character of the table: most text, hanzi included.
    let b = *SINGLE_BYTE.get(c as usize)?;
    (b != 0).then_some(b)
}

/// The two-byte GB 18030 code of `c`, if it has one.
fn two_byte(c: char) -> Option<[u8; 2]> {
    two_byte_with(&mapping::Encoder::new(), c)
}

/// [`two_byte`] with the encoder's table already at hand (the tracker keeps one).
#[inline]
fn two_byte_with(encoder: &mapping::Encoder, c: char) -> Option<[u8; 2]> {
    let ([lead, trail, _, _], len) = encoder.encode(c).padded();
    (len == 2).then_some([lead, trail])
}

/// "烫" (`CC CC`) and "屯" (`CD CD`): fill bytes of uninitialised memory read as GBK.
const FILL_CHARACTERS: [char; 2] = ['烫', '屯'];

/// How many repeats of a fill character make a run worth reporting.
const FILL_RUN: usize = 3;

/// The longest run tracked; longer ones are judged on their first characters.
const MAX_RUN: usize = 48;

/// Whether `c` can start a run of mojibake.
pub(crate) fn can_start(c: char) -> bool {
    start_family(c).is_some()
}

/// Every character that [`can_start`] a run (a few hundred, in no order, perhaps repeated):
/// [`can_start`] tried on the only candidates it can accept, the characters below U+2123
/// (`single_byte`), the fill characters and the two-byte codes with a lead `E2`-`E9` or `EF`
/// and a trail `80`-`BF`.
pub(crate) fn starters() -> impl Iterator<Item = char> {
    let low = (0..0x2123u32).filter_map(char::from_u32);
    let two_byte = [0xE2..=0xE9, 0xEF..=0xEF].into_iter().flatten().flat_map(|lead| {
        (0x80..=0xBFu8).map(move |trail| mapping::decode_two_byte(two_byte_pointer(lead, trail)))
    });
    low.chain(two_byte).chain(FILL_CHARACTERS).filter(|&c| can_start(c))
}

/// The family of runs `c` can start.
fn start_family(c: char) -> Option<Family> {
    opening(&mapping::Encoder::new(), c, None).map(|(family, _)| family)
}

/// The family of runs `c` can start, and the bytes it was read from. `code` is `c`'s two-byte
/// code when the caller has it already (`None` when unknown).
#[inline]
fn opening(encoder: &mapping::Encoder, c: char, code: Option<[u8; 2]>) -> Option<(Family, Read)> {
    if c <= LAST_SINGLE_BYTE {
        // (No character this low has a two-byte code that starts a two-byte run: a test
        // checks all of them.)
        return single_byte(c).filter(|&b| can_begin_repair(b)).map(|b| (Family::SingleByte, Read::one(b)));
    }
    // The first two bytes of a three-byte UTF-8 sequence, a lead and a continuation, whose
    // character can be in GB 2312: leads E2 (U+2000-U+2FFF: quotation marks, dashes, symbols),
    // E3 (U+3000-U+3FFF: CJK punctuation, kana), E4-E9 (the CJK ideographs) and EF
    // (U+F000-U+FFFF: full-width forms). A run must repair into GB 2312 characters only, so it
    // cannot start with any other lead (E0, E1: U+0800-U+1FFF; EA-EE: Hangul and private use).
    // (The fill characters, CC CC and CD CD, are neither.)
    let [lead, trail] = code.or_else(|| two_byte_with(encoder, c))?;
    if matches!(lead, 0xE2..=0xE9 | 0xEF) && (0x80..=0xBF).contains(&trail) {
        return Some((Family::TwoByte, Read::two([lead, trail])));
    }
    FILL_CHARACTERS.contains(&c).then_some((Family::Repeat(c), Read::NOTHING))
}

/// Whether a run of single bytes that begins with `b` can repair into GB 2312 text: `b` must
/// lead a GB 2312 code (`A1`-`A9`, `B0`-`F7`, for GBK read as Latin-1) or a UTF-8 sequence
/// (`C2`-`F4`, all of them in `B0`-`F7`). A run is judged from its first character, so a
/// character read from any other byte (a curly quotation mark, a dash, a no-break space) would
/// only hide mojibake right after it; such characters extend runs but never start one.
#[inline]
fn can_begin_repair(b: u8) -> bool {
    matches!(b, 0xA1..=0xA9 | 0xB0..=0xF7)
}

/// The bytes (none, one or two) a wrong decoder read to make one character of a run.
#[derive(Clone, Copy)]
struct Read {
    bytes: [u8; 2],
    len: u8,
}

impl Read {
    /// A repeated fill character: its bytes are not needed.
    const NOTHING: Read = Read { bytes: [0; 2], len: 0 };

    #[inline]
    fn one(b: u8) -> Read {
        Read { bytes: [b, 0], len: 1 }
    }

    #[inline]
    fn two(bytes: [u8; 2]) -> Read {
        Read { bytes, len: 2 }
    }

    /// The bytes `c` was read from in a run of `family`, or `None` when it cannot belong to
    /// one. `code` is set to `c`'s two-byte code when it was looked up.
    #[inline]
    fn in_run(
        encoder: &mapping::Encoder,
        family: Family,
        c: char,
        code: &mut Option<[u8; 2]>,
    ) -> Option<Read> {
        match family {
            Family::TwoByte => {
                *code = two_byte_with(encoder, c);
                code.map(Read::two)
            }
            Family::SingleByte => single_byte(c).map(Read::one),
            Family::Repeat(r) => (c == r).then_some(Read::NOTHING),
        }
    }
}

/// A run of mojibake found: where, and what kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Detected {
    /// Offset of the run's first byte in the input.
    pub start: u64,
    /// Length of the run in the input, in bytes.
    pub len: u32,
    /// What the repair found.
    pub kind: MojibakeKind,
    /// How many characters the run holds.
    pub count: usize,
}

/// Watches the characters of an input go by and reports runs of mojibake.
#[derive(Default)]
pub(crate) struct Tracker {
    family: Option<Family>,
    start: u64,
    /// The lengths in the input of the run's characters.
    chars: Fixed<MAX_RUN>,
    /// The bytes the wrong decoder must have read for the run (kept as the run grows): at
    /// most two a character.
    bytes: Fixed<{ 2 * MAX_RUN }>,
    /// What `std::str::from_utf8` says of `bytes`, kept up to date byte by byte: a two-byte
    /// run ends when they break, and the judge repairs their valid prefix.
    utf8: Utf8Prefix,
    /// The GB 18030 encoder, looked up once rather than at every character.
    encoder: mapping::Encoder,
}

impl std::fmt::Debug for Tracker {
    // By hand: the encoder's table (65,536 entries) is no part of the state worth printing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracker")
            .field("family", &self.family)
            .field("start", &self.start)
            .field("chars", &self.chars.as_slice())
            .field("bytes", &self.bytes.as_slice())
            .field("utf8", &self.utf8)
            .finish_non_exhaustive()
    }
}

/// Up to `N` bytes in place: a run never holds more than [`MAX_RUN`] characters, and a
/// tracker made for each small file then allocates nothing.
#[derive(Clone, Copy, Debug)]
struct Fixed<const N: usize> {
    items: [u8; N],
    len: usize,
}

impl<const N: usize> Default for Fixed<N> {
    fn default() -> Self {
        Fixed { items: [0; N], len: 0 }
    }
}

impl<const N: usize> Fixed<N> {
    #[inline]
    fn push(&mut self, b: u8) {
        self.items[self.len] = b;
        self.len += 1;
    }

    /// Appends the first `n` (at most 2) of `two`, with one store: the caller has room for
    /// two (a run's bytes have room for two a character).
    #[inline]
    fn push_up_to_two(&mut self, two: [u8; 2], n: u8) {
        self.items[self.len..self.len + 2].copy_from_slice(&two);
        self.len += usize::from(n);
    }

    #[inline]
    fn as_slice(&self) -> &[u8] {
        &self.items[..self.len]
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn clear(&mut self) {
        self.len = 0;
    }
}

impl Tracker {
    /// Whether a run is being tracked: then every character must be offered.
    #[inline]
    pub fn is_tracking(&self) -> bool {
        self.family.is_some()
    }

    /// Where the run being tracked starts.
    pub fn open_start(&self) -> Option<u64> {
        self.family.map(|_| self.start)
    }

    /// Whether `c` surely cannot extend the run being tracked: a cheap test (no table), so that
    /// ordinary text after a character that started a run leaves the slow path at once.
    /// `false` when unsure, and when no run is tracked.
    #[inline]
    pub fn cannot_extend(&self, c: char) -> bool {
        match self.family {
            // `single_byte` has nothing from U+2123 on: hanzi end such a run.
            Some(Family::SingleByte) => c > LAST_SINGLE_BYTE,
            Some(Family::Repeat(r)) => c != r,
            Some(Family::TwoByte) | None => false,
        }
    }

    /// Offers the next character (at `start`, `len` bytes long). Returns a run that it ended.
    #[inline]
    pub fn push(&mut self, start: u64, len: u8, c: char) -> Option<Detected> {
        match self.family {
            // Usually a character that starts a run: no need for the longer path.
            None => {
                self.start_run(start, len, c, None);
                None
            }
            Some(family) => self.extend(family, start, len, c),
        }
    }

    /// [`Tracker::push`] while a run of `family` is open.
    #[inline(never)]
    fn extend(&mut self, family: Family, start: u64, len: u8, c: char) -> Option<Detected> {
        // `c`'s two-byte code, when a two-byte run looked it up: a run `c` starts reuses it.
        let mut code = None;
        if self.chars.len() < MAX_RUN {
            if let Some(read) = Read::in_run(&self.encoder, family, c, &mut code) {
                self.chars.push(len);
                self.append(read);
                // A UTF-8-as-GBK run whose bytes cannot be UTF-8 any more cannot grow into a
                // longer repair.
                if !(family == Family::TwoByte && self.utf8.is_broken()) {
                    return None;
                }
                // Judge it now, so that ordinary text leaves the slow path after a character or
                // two.
                let with_c = self.chars.len();
                let detected = self.end();
                if detected.is_some_and(|d| d.count == with_c) {
                    return detected;
                }
                self.start_run(start, len, c, code);
                return detected;
            }
        }
        let detected = self.end();
        self.start_run(start, len, c, code);
        detected
    }

    /// Starts a run at `c` if it can start one (`code`: its two-byte code, if looked up).
    #[inline(never)]
    fn start_run(&mut self, start: u64, len: u8, c: char, code: Option<[u8; 2]>) {
        if let Some((family, read)) = opening(&self.encoder, c, code) {
            self.family = Some(family);
            self.start = start;
            self.chars.push(len);
            self.append(read);
        }
    }

    /// Appends the bytes one character of the run was read from.
    #[inline]
    fn append(&mut self, read: Read) {
        self.bytes.push_up_to_two(read.bytes, read.len);
        if read.len > 0 {
            self.utf8.push(read.bytes[0]);
            if read.len > 1 {
                self.utf8.push(read.bytes[1]);
            }
        }
        debug_assert!(self.utf8.agrees_with_std(self.bytes.as_slice()), "{:02X?}", self.bytes.as_slice());
    }

    /// Ends the current run (at ASCII, a malformed span or the end of input) and judges it.
    #[inline]
    pub fn end(&mut self) -> Option<Detected> {
        let family = self.family.take()?;
        // Two repaired characters need at least three garbled ones (six bytes) in a two-byte
        // run, and two in the others: shorter runs, the usual end in real text, need no judging.
        let shortest = if family == Family::TwoByte { 3 } else { 2 };
        let detected = if self.chars.len() >= shortest { self.judged(family) } else { None };
        self.chars.clear();
        self.bytes.clear();
        self.utf8 = Utf8Prefix::default();
        detected
    }

    /// The finding for the run being ended, if it is mojibake (out of line: the pushes that
    /// end most runs never come here).
    #[inline(never)]
    fn judged(&self, family: Family) -> Option<Detected> {
        let (count, kind) = judge(family, self.chars.len(), self.bytes.as_slice(), &self.utf8)?;
        let len: u32 = self.chars.as_slice()[..count].iter().map(|&l| u32::from(l)).sum();
        Some(Detected { start: self.start, len, kind, count })
    }
}

/// Judges a run of `count` characters whose wrongly read bytes are `bytes` (`utf8` says what
/// `std::str::from_utf8` says of them): how many of its characters are mojibake, and of what
/// kind.
fn judge(family: Family, count: usize, bytes: &[u8], utf8: &Utf8Prefix) -> Option<(usize, MojibakeKind)> {
    match family {
        Family::Repeat(_) => (count >= FILL_RUN).then_some((count, MojibakeKind::Uninitialized)),
        Family::TwoByte => {
            let (used, kind) = repaired_utf8(bytes, utf8)?;
            let kind = match kind {
                Repaired::Common => MojibakeKind::Utf8AsGbk,
                Repaired::Replacement => MojibakeKind::ReplacementAsGbk,
            };
            Some((used.div_ceil(2), kind))
        }
        Family::SingleByte => {
            if let Some((used, Repaired::Common)) = repaired_utf8(bytes, utf8) {
                return Some((used, MojibakeKind::Utf8AsWindows1252));
            }
            repaired_gbk(bytes).map(|used| (used, MojibakeKind::GbkAsLatin1))
        }
    }
}

enum Repaired {
    Common,
    Replacement,
}

/// Whether `c` is a GB 2312 character (the common set), and whether it is a level-1 hanzi.
fn gb2312(c: char) -> Option<bool> {
    let [lead, trail] = two_byte(c)?;
    let in_gb2312 = matches!(lead, 0xA1..=0xA9 | 0xB0..=0xF7) && (0xA1..=0xFE).contains(&trail);
    (in_gb2312 && !crate::rules::chars::is_private_use(c)).then_some((0xB0..=0xD7).contains(&lead))
}

/// Decodes the longest valid UTF-8 prefix of `bytes` (`utf8` knows where it ends): the bytes
/// it used and what it was, when it is two or more common characters (or only U+FFFD).
fn repaired_utf8(bytes: &[u8], utf8: &Utf8Prefix) -> Option<(usize, Repaired)> {
    // Most runs judged hold fewer than two whole characters: no need to look at the bytes.
    if utf8.chars() < 2 {
        return None;
    }
    let used = utf8.valid_up_to();
    let text = std::str::from_utf8(&bytes[..used]).ok()?;
    if text.chars().all(|c| c == char::REPLACEMENT_CHARACTER) {
        return Some((used, Repaired::Replacement));
    }
    common_text(text.chars()).then_some((used, Repaired::Common))
}

/// Decodes `bytes` as pairs of two-byte GBK codes: the bytes used, when they make two or more
/// common characters.
fn repaired_gbk(bytes: &[u8]) -> Option<usize> {
    // Two characters need two pairs: the shortest runs, the usual ones, stop here.
    if bytes.len() < 4 {
        return None;
    }
    let chars = || {
        bytes.chunks_exact(2).map_while(|pair| {
            let (lead, trail) = (pair[0], pair[1]);
            let valid = crate::scan::grammar::is_lead(lead) && crate::scan::grammar::is_two_byte_trail(trail);
            valid.then(|| mapping::decode_two_byte(crate::scan::grammar::two_byte_pointer(lead, trail)))
        })
    };
    let count = chars().count();
    (count >= 2 && common_text(chars())).then_some(count * 2)
}

/// All GB 2312 characters, at least two of them level-1 hanzi.
fn common_text(chars: impl Iterator<Item = char>) -> bool {
    let mut level_1 = 0;
    for c in chars {
        match gb2312(c) {
            Some(true) => level_1 += 1,
            Some(false) => {}
            None => return false,
        }
    }
    level_1 >= 2
}

/// What the text was before it was garbled, for the message: `text` is the run as decoded.
pub fn repair(kind: MojibakeKind, text: &str) -> Option<String> {
    let bytes: Vec<u8> = match kind {
        MojibakeKind::Utf8AsGbk | MojibakeKind::ReplacementAsGbk => {
            text.chars().filter_map(two_byte).flatten().collect()
        }
        MojibakeKind::Utf8AsWindows1252 | MojibakeKind::GbkAsLatin1 => {
            text.chars().filter_map(single_byte).collect()
        }
        MojibakeKind::Uninitialized => return None,
    };
    match kind {
        MojibakeKind::GbkAsLatin1 => Some(
            bytes
                .chunks_exact(2)
                .map(|p| mapping::decode_two_byte(crate::scan::grammar::two_byte_pointer(p[0], p[1])))
                .collect(),
        ),
        _ => Some(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn starters_are_every_character_that_can_start_a_run() {
        let listed: std::collections::BTreeSet<char> = starters().collect();
        let all: std::collections::BTreeSet<char> = ('\0'..=char::MAX).filter(|&c| can_start(c)).collect();
        assert_eq!(listed, all);
    }

    use super::*;

    #[test]
    fn no_character_below_the_single_byte_end_starts_a_two_byte_run() {
        // `start_family` relies on it to look no further than `single_byte` for these.
        for c in ('\0'..=LAST_SINGLE_BYTE).filter(|&c| c as u32 >= 0x80) {
            if let Some([lead, trail]) = two_byte(c) {
                let starts = matches!(lead, 0xE2..=0xE9 | 0xEF) && (0x80..=0xBF).contains(&trail);
                assert!(!starts, "{c:?}");
            }
        }
    }

    #[test]
    fn cannot_extend_is_never_wrong() {
        // For every family, a character it calls a break must end the run: offering it gives
        // the same result as ending the run first.
        let probes = ['\u{A0}', '“', '烫', '浣', '犲', 'a', '你', '\u{2122}', '\u{2123}', 'é', '😀'];
        for &first in &['Ä', 'é', '烫', '浣'] {
            assert!(can_start(first), "{first:?}");
            for c in ('\u{80}'..='\u{3000}').chain(probes).chain(['烫', '屯', '你', '浣', '\u{FFFD}']) {
                let mut tracker = Tracker::default();
                tracker.push(0, 2, first);
                tracker.push(2, 2, first);
                if !tracker.cannot_extend(c) {
                    continue;
                }
                let mut ended = Tracker::default();
                ended.push(0, 2, first);
                ended.push(2, 2, first);
                let expected = ended.end();
                assert_eq!(tracker.push(4, 2, c), expected, "{first:?} {c:?}");
                // Only a character that starts a run of its own (which the judge sends down the
                // slow path anyway) leaves one tracked.
                assert_eq!(tracker.is_tracking(), can_start(c), "{first:?} {c:?}");
            }
        }
    }

    fn run(text: &str) -> Vec<(u64, u32, MojibakeKind)> {
        let mut tracker = Tracker::default();
        let mut found = Vec::new();
        for (i, c) in text.char_indices() {
            if c.is_ascii() {
                found.extend(tracker.end());
            } else {
                found.extend(tracker.push(i as u64, c.len_utf8() as u8, c));
            }
        }
        found.extend(tracker.end());
        found.into_iter().map(|d| (d.start, d.len, d.kind)).collect()
    }

    #[test]
    fn utf8_read_as_gbk() {
        // 你好 = E4 BD A0 E5 A5 BD; read as GBK: E4BD 浣, A0E5 犲, A5BD ソ.
        assert_eq!(run("浣犲ソ"), [(0, 9, MojibakeKind::Utf8AsGbk)]);
        assert_eq!(repair(MojibakeKind::Utf8AsGbk, "浣犲ソ").as_deref(), Some("你好"));
    }

    #[test]
    fn gbk_read_as_latin1() {
        // 你好 = C4E3 BAC3 in GBK; read as Latin-1: Ä ã º Ã.
        assert_eq!(run("ÄãºÃ"), [(0, 8, MojibakeKind::GbkAsLatin1)]);
        assert_eq!(repair(MojibakeKind::GbkAsLatin1, "ÄãºÃ").as_deref(), Some("你好"));
    }

    #[test]
    fn utf8_read_as_windows_1252() {
        // E4 BD A0 E5 A5 BD read as Windows-1252: ä ½ NBSP å ¥ ½.
        assert_eq!(run("ä½\u{A0}å¥½"), [(0, 12, MojibakeKind::Utf8AsWindows1252)]);
    }

    #[test]
    fn mojibake_right_after_a_quotation_mark_or_a_no_break_space_is_found() {
        // “ (93), — (97) and NBSP (A0) begin no repair; a run that began with them hid what
        // follows.
        let garbled = "ä½\u{A0}å¥½";
        for before in ["“", "—", "\u{A0}", "……"] {
            let start = before.len() as u64;
            let text = format!("{before}{garbled}”");
            assert_eq!(run(&text), [(start, 12, MojibakeKind::Utf8AsWindows1252)], "{text}");
        }
        assert_eq!(run("“ÄãºÃ”"), [(3, 8, MojibakeKind::GbkAsLatin1)]);
    }

    #[test]
    fn runs_of_single_bytes_from_other_bytes_never_repair() {
        // What `can_begin_repair` leaves out: a run of single bytes beginning with any other
        // byte is never judged mojibake, whatever follows it. The followers: every pair of
        // bytes, then the UTF-8 and the GBK bytes of common text.
        let texts: [&[u8]; 2] = ["你好世界春眠".as_bytes(), b"\xC4\xE3\xBA\xC3\xCA\xC0\xBD\xE7"];
        for first in (0x80..=0xFFu8).filter(|&b| !can_begin_repair(b)) {
            for (second, third) in (0..=0xFFu8).flat_map(|a| (0..=0xFFu8).map(move |b| (a, b))) {
                for text in texts {
                    let bytes: Vec<u8> =
                        [first, second, third].into_iter().chain(text.iter().copied()).collect();
                    let mut utf8 = Utf8Prefix::default();
                    bytes.iter().for_each(|&b| utf8.push(b));
                    let judged = judge(Family::SingleByte, bytes.len(), &bytes, &utf8);
                    assert_eq!(judged, None, "{bytes:02X?}");
                }
            }
        }
    }

    #[test]
    fn replacement_and_fill_characters() {
        assert_eq!(run("锟斤拷锟斤拷")[0].2, MojibakeKind::ReplacementAsGbk);
        assert_eq!(run("烫烫烫烫"), [(0, 12, MojibakeKind::Uninitialized)]);
        assert_eq!(run("屯屯屯"), [(0, 9, MojibakeKind::Uninitialized)]);
        assert!(run("滚烫烫手").is_empty());
    }

    #[test]
    fn ordinary_text_passes() {
        assert!(run("你好，世界。春眠不觉晓，处处闻啼鸟。").is_empty());
        assert!(run("Müller · Zoë · café").is_empty());
    }
}
