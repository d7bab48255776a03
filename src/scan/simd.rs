//! Finding the end of a run of ASCII and classifying 64-byte blocks, 16, 32 or 64 bytes at a
//! time on x86_64 (SSE2, or AVX2 or AVX-512BW with VBMI when the CPU has them, checked once
//! at run time), 8 bytes at a time elsewhere.
//!
//! `GBCHECK_SIMD` (`sse2`, `avx2` or `avx512`) narrows the vectors used on x86_64, so that the
//! tests can run each path on a CPU that has a wider one; any other value is ignored (the tests
//! check with [`vector_path`] that they ran the path they asked for).
//!
//! The only `unsafe` code of the crate lives here: loads of 16, 32 or 64 bytes from a slice
//! that holds at least that many, and instructions used only after the CPU said it has them.

/// For each byte: bit 0 set when it is not ASCII, bit 1 set when it is not ASCII or is a
/// control byte that GB012 reports (C0 other than TAB, LF, CR; DEL).
static RUN_ENDS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let high = b >= 0x80;
        let control = super::grammar::is_reported_control_byte(b as u8);
        table[b] = (high as u8) | (((high || control) as u8) << 1);
        b += 1;
    }
    table
};

/// Whether a byte ends a run: not ASCII, or (with `stop_at_controls`) a reported control byte.
#[inline(always)]
fn ends_run(b: u8, stop_at_controls: bool) -> bool {
    RUN_ENDS[usize::from(b)] & (1 << u8::from(stop_at_controls)) != 0
}

/// The index of the first byte at or after `i` that ends a run of ASCII (see `ends_run`), or
/// `bytes.len()`.
#[inline(always)]
pub fn ascii_run_end(bytes: &[u8], i: usize, stop_at_controls: bool) -> usize {
    // Most runs in Chinese text are a byte or two: look at the first bytes one by one before
    // paying for a vector.
    let mut i = i;
    let short = (i + 16).min(bytes.len());
    while i < short {
        if ends_run(bytes[i], stop_at_controls) {
            return i;
        }
        i += 1;
    }
    if i == bytes.len() {
        return i;
    }
    long_run_end(bytes, i, stop_at_controls)
}

/// The rest of a run longer than 16 bytes, a vector at a time.
#[inline(never)]
pub(crate) fn long_run_end(bytes: &[u8], i: usize, stop_at_controls: bool) -> usize {
    #[cfg(target_arch = "x86_64")]
    return run_end_on(x86::level(), bytes, i, stop_at_controls);
    #[cfg(not(target_arch = "x86_64"))]
    portable_run_end(bytes, i, stop_at_controls)
}

/// [`long_run_end`] with the vectors of `level`, which the CPU must have.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn run_end_on(level: x86::Level, bytes: &[u8], i: usize, stop_at_controls: bool) -> usize {
    match level {
        x86::Level::Avx512 => x86::run_end_avx512(bytes, i, stop_at_controls),
        x86::Level::Avx2 => x86::run_end_avx2(bytes, i, stop_at_controls),
        x86::Level::Sse2 => x86::run_end_sse2(bytes, i, stop_at_controls),
    }
}

/// Counts the LFs of `bytes` and, in the same pass, gives `seen` the offset of the second byte
/// of each occurrence of `pair`, in order, until it returns true. Returns the count and
/// whether `seen` did.
///
/// The chunk jobs of a big file count each chunk's lines (to carry line numbers to the next
/// chunk) and look in it for a suppression directive, whose marker ends in `k:`: two passes
/// over every chunk before they were one. A pair, not its last byte alone: JSON and
/// properties files have a `:` on every line, and `k:` is rare in any text.
pub fn count_lines_and_seek(bytes: &[u8], pair: [u8; 2], mut seen: impl FnMut(usize) -> bool) -> (u64, bool) {
    #[cfg(target_arch = "x86_64")]
    return count_lines_and_seek_on(x86::level(), bytes, pair, &mut seen);
    #[cfg(not(target_arch = "x86_64"))]
    portable_count_lines_and_seek(bytes, pair, &mut seen)
}

/// [`count_lines_and_seek`] with the vectors of `level`, which the CPU must have.
#[cfg(target_arch = "x86_64")]
fn count_lines_and_seek_on(
    level: x86::Level,
    bytes: &[u8],
    pair: [u8; 2],
    seen: &mut dyn FnMut(usize) -> bool,
) -> (u64, bool) {
    match level {
        x86::Level::Avx512 => x86::count_lines_and_seek_avx512(bytes, pair, seen),
        x86::Level::Avx2 => x86::count_lines_and_seek_avx2(bytes, pair, seen),
        x86::Level::Sse2 => portable_count_lines_and_seek(bytes, pair, seen),
    }
}

/// [`count_lines_and_seek`] in two passes of `memchr`'s own vectors.
fn portable_count_lines_and_seek(
    bytes: &[u8],
    pair: [u8; 2],
    seen: &mut dyn FnMut(usize) -> bool,
) -> (u64, bool) {
    let lines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    (lines, pairs_from(bytes, 1, pair, seen))
}

/// [`count_lines_and_seek`]'s search from byte `from` on, a pair at a time.
fn pairs_from(bytes: &[u8], from: usize, pair: [u8; 2], seen: &mut dyn FnMut(usize) -> bool) -> bool {
    let from = from.max(1).min(bytes.len());
    memchr::memchr_iter(pair[1], &bytes[from..]).map(|k| from + k).any(|i| bytes[i - 1] == pair[0] && seen(i))
}

/// Gives `seen` the offsets `at + k` of the bits `k` of `marks`, in order, until it returns
/// true; returns whether it did.
#[cfg(target_arch = "x86_64")]
fn seek_in(mut marks: u64, at: usize, seen: &mut dyn FnMut(usize) -> bool) -> bool {
    while marks != 0 {
        if seen(at + marks.trailing_zeros() as usize) {
            return true;
        }
        marks &= marks - 1;
    }
    false
}

/// The vectors the scanner uses on this CPU: `"avx512"` (AVX-512BW and VBMI), `"avx2"` or
/// `"sse2"` on x86_64, the narrowest of what the CPU has and what `GBCHECK_SIMD` asks for;
/// `"portable"` elsewhere. A `GBCHECK_SIMD` that names no path is ignored: an environment
/// variable is no reason to stop a check.
pub fn vector_path() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        x86::level().name()
    }
    #[cfg(not(target_arch = "x86_64"))]
    "portable"
}

/// The portable path: eight bytes at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn portable_run_end(bytes: &[u8], mut i: usize, stop_at_controls: bool) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(word);
        let word = u64::from_le_bytes(buf);
        if word & HIGH != 0 || (stop_at_controls && word_may_hold_control(word)) {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !ends_run(bytes[i], stop_at_controls) {
        i += 1;
    }
    i
}

/// A test on eight ASCII bytes that never misses a control byte (it may also flag TAB, LF, CR).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn word_may_hold_control(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let delete = word.wrapping_add(ONES) & HIGH;
    below_space | delete != 0
}

/// What each of 64 bytes is, as bit masks: bit `k` describes `block[k]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ByteClasses {
    /// `80`-`FF`: leads and trails.
    pub high: u64,
    /// `80` and `FF`: `FF` is never valid, and `80` only as a trail (a rare one, left to the
    /// scalar loop).
    pub bad: u64,
    /// `30`-`39`, the second and fourth bytes of four-byte codes.
    pub digit: u64,
    /// `40`-`7E`, ASCII that is a two-byte code's trail after a lead.
    pub ascii_trail: u64,
    /// The control bytes GB012 reports (C0 other than TAB, LF, CR; DEL), only when asked for;
    /// otherwise 0.
    pub control: u64,
    /// With [`PlainRows`]: the bytes `81`-`FE` that, as a lead, start a code that is skipped
    /// when its trail is `A1`-`FE`.
    pub plain: u64,
    /// With [`PlainRows`]: the bytes `A1`-`FF`.
    pub from_a1: u64,
    /// With [`PlainRows`], on the AVX-512 and portable paths: the leads whose two-byte code,
    /// with the next byte of the block as its trail (`A1`-`FE`), the visitor skips, as the
    /// row sets of [`PlainRows`] tell (a code of a row in no set is not here). The SSE2 and
    /// AVX2 paths, which have no byte permutes across a whole block, leave it 0, which only
    /// costs lookups.
    pub passes: u64,
}

impl ByteClasses {
    /// The leads whose two-byte code the visitor skips, as far as these classes tell (with
    /// [`PlainRows`]): a code of a plain row with a trail `A1`-`FF`, or one the row sets pass.
    /// Only these codes need no lookup; a lead before `FF` is no code of a block.
    pub fn passed_codes(&self) -> u64 {
        (self.plain & (self.from_a1 >> 1)) | self.passes
    }
}

/// The rows of two-byte codes (by lead) whose codes with a trail `A1`-`FE` (the GB 2312 part
/// of the row) a visitor skips, as a 128-bit map, bit `lead - 0x81`. A vector test on the lead
/// then spares the table lookup for most codes of Chinese text.
///
/// On the AVX-512 path the rows are told apart more finely, by sets of trails: each row
/// (indexed by `lead & 0x7F`) has a byte in `lead_sets`, with bit 7 set when its judged
/// trails `A1`-`FE` are known, and bit `k` when they are set `k` (`0..7`); `trail_sets` has,
/// for each trail (`trail & 0x7F`), bit `k` set when the trail is in set `k`. A code with a
/// trail `A1`-`FE` is skipped exactly when its lead's byte has bit 7 and shares no bit with
/// its trail's. The seven sets kept are those of the rows that weigh most in Chinese text (the
/// level-2 hanzi, 烫 and 屯, punctuation, box drawing). A row with no judged trail is in no
/// set but has bit 7; a row whose judged trails are none of the seven has no bit 7, and its
/// codes are looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlainRows {
    map: [u8; 16],
    lead_sets: [u8; 128],
    trail_sets: [u8; 128],
}

impl Default for PlainRows {
    fn default() -> Self {
        PlainRows { map: [0; 16], lead_sets: [0; 128], trail_sets: [0; 128] }
    }
}

/// How much a row's set of judged trails weighs when the seven sets are chosen: the rows of
/// hanzi and of punctuation come first, box drawing next.
fn row_weight(lead: u8) -> u32 {
    match lead {
        0xB0..=0xF7 => 4,
        0xA1 => 3,
        0xA9 => 2,
        _ => 1,
    }
}

impl PlainRows {
    /// The rows in which `skip` (indexed by `lead << 8 | trail`) holds for the trails
    /// `A1`-`FE`, and the sets of the trails `A1`-`FE` for which it does not hold in the others.
    pub fn from_skip_table(skip: &[bool; 0x1_0000]) -> PlainRows {
        let mut rows = PlainRows::default();
        // Each row's judged trails A1-FE, as bits `trail - 0xA1`, by `lead - 0x81`.
        let judged: Vec<u128> = (0x81..=0xFEusize)
            .map(|lead| {
                (0xA1..=0xFEusize).filter(|&t| !skip[lead << 8 | t]).fold(0, |set, t| set | 1 << (t - 0xA1))
            })
            .collect();
        let judged = |lead: u8| judged[usize::from(lead - 0x81)];
        let mut weights: Vec<(u128, u32)> = Vec::new();
        for lead in 0x81..=0xFEu8 {
            let set = judged(lead);
            if set == 0 {
                let row = usize::from(lead - 0x81);
                rows.map[row / 8] |= 1 << (row % 8);
                rows.lead_sets[usize::from(lead & 0x7F)] = 0x80;
            } else if let Some(entry) = weights.iter_mut().find(|(s, _)| *s == set) {
                entry.1 += row_weight(lead);
            } else {
                weights.push((set, row_weight(lead)));
            }
        }
        // Heaviest first; of equal weight, the smaller set (fewer lookups), then the lower.
        weights.sort_by_key(|&(set, weight)| (std::cmp::Reverse(weight), set.count_ones(), set));
        for (k, &(set, _)) in weights.iter().take(7).enumerate() {
            for lead in 0x81..=0xFEu8 {
                if judged(lead) == set {
                    rows.lead_sets[usize::from(lead & 0x7F)] = 0x80 | 1 << k;
                }
            }
            for t in 0xA1..=0xFEu8 {
                if set & 1 << (t - 0xA1) != 0 {
                    rows.trail_sets[usize::from(t & 0x7F)] |= 1 << k;
                }
            }
        }
        rows
    }

    /// Rows from their parts (for tables built at compile time).
    pub(crate) const fn from_parts(map: [u8; 16], lead_sets: [u8; 128], trail_sets: [u8; 128]) -> PlainRows {
        PlainRows { map, lead_sets, trail_sets }
    }

    /// The parts [`PlainRows::from_parts`] takes.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> ([u8; 16], [u8; 128], [u8; 128]) {
        (self.map, self.lead_sets, self.trail_sets)
    }

    /// What [`PlainRows::from_skip_table`] gives for a table that skips nothing, without
    /// reading one: every row judges all its trails `A1`-`FE`, one set. For UTF-8 input, whose
    /// scanner never reads these rows, so that a process checking a UTF-8 file does not build
    /// them (a unit test holds the two together).
    pub fn nothing_skipped() -> PlainRows {
        let mut rows = PlainRows::default();
        for lead in 0x81..=0xFEu8 {
            rows.lead_sets[usize::from(lead & 0x7F)] = 0x81;
        }
        for trail in 0xA1..=0xFEu8 {
            rows.trail_sets[usize::from(trail & 0x7F)] = 1;
        }
        rows
    }

    /// Whether the code `lead`, `trail` is skipped, as the sets tell.
    fn sets_pass(&self, lead: u8, trail: u8) -> bool {
        let lead_sets = self.lead_sets[usize::from(lead & 0x7F)];
        (0x81..=0xFE).contains(&lead)
            && (0xA1..=0xFE).contains(&trail)
            && lead_sets & 0x80 != 0
            && lead_sets & self.trail_sets[usize::from(trail & 0x7F)] == 0
    }

    /// Whether the row of `lead` is in `map`.
    fn in_map(map: &[u8; 16], lead: u8) -> bool {
        let Some(row) = lead.checked_sub(0x81).filter(|&r| r < 126) else { return false };
        map[usize::from(row / 8)] & (1 << (row % 8)) != 0
    }
}

/// The leads (`81`-`FE`) whose four-byte codes are all assigned and all passed over by a
/// visitor, as a 128-bit map, bit `lead - 0x81`: a code of such a lead needs no check of its
/// own in a block.
///
/// It also holds the spans of the BMP leads `81`-`84`: the first two bytes of codes (1,260 of
/// them each) that are all assigned and passed, for the codes whose lead is not in the map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FourByteRows {
    map: [u8; 16],
    /// Bit `(lead - 0x81) * 10 + (second - 0x30)`, for the leads `81`-`84`.
    spans: u64,
}

impl FourByteRows {
    /// No lead: every four-byte code is checked on its own.
    pub const NONE: FourByteRows = FourByteRows { map: [0; 16], spans: 0 };

    /// The leads whose codes are all assigned (`81`-`83`, `90`-`E2`): the map of a visitor
    /// that passes over every valid code.
    pub const ASSIGNED: FourByteRows = {
        let mut rows = FourByteRows::NONE;
        let mut lead = 0x81u8;
        while lead <= 0xFE {
            if lead <= 0x83 || (0x90 <= lead && lead <= 0xE2) {
                let row = (lead - 0x81) as usize;
                rows.map[row / 8] |= 1 << (row % 8);
            }
            lead += 1;
        }
        // 81-83 and 8430 (8431A439 is the last assigned BMP code).
        rows.spans = (1 << 31) - 1;
        rows
    };

    /// The same map, with the spans of the leads `81`-`84` for which `passes` holds.
    pub fn with_spans(self, passes: impl Fn(u8, u8) -> bool) -> FourByteRows {
        let mut spans = 0;
        for lead in 0x81..=0x84u8 {
            for second in 0x30..=0x39u8 {
                let span = u32::from(lead - 0x81) * 10 + u32::from(second - 0x30);
                spans |= u64::from(passes(lead, second)) << span;
            }
        }
        FourByteRows { spans, ..self }
    }

    /// Whether the four-byte code `code` (lead, digit, lead, digit as a big-endian number)
    /// lies in one of the spans.
    #[inline(always)]
    pub fn span_passes(&self, code: u32) -> bool {
        let [lead, second, ..] = code.to_be_bytes();
        let span = u32::from(lead.wrapping_sub(0x81)) * 10 + u32::from(second.wrapping_sub(0x30));
        span < 40 && self.spans >> span & 1 != 0
    }

    /// The leads for which `passes` holds (asked of `81`-`FE` only).
    pub fn from_leads(passes: impl Fn(u8) -> bool) -> FourByteRows {
        let mut rows = FourByteRows::NONE;
        for lead in 0x81..=0xFEu8 {
            if passes(lead) {
                let row = usize::from(lead - 0x81);
                rows.map[row / 8] |= 1 << (row % 8);
            }
        }
        rows
    }

    /// Rows from their parts (for tables built at compile time).
    pub(crate) const fn from_parts(map: [u8; 16], spans: u64) -> FourByteRows {
        FourByteRows { map, spans }
    }

    /// The parts [`FourByteRows::from_parts`] takes.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> ([u8; 16], u64) {
        (self.map, self.spans)
    }

    /// Whether the row of `lead` is in the map.
    pub fn has(&self, lead: u8) -> bool {
        let Some(row) = lead.checked_sub(0x81).filter(|&r| r < 126) else { return false };
        self.map[usize::from(row / 8)] & (1 << (row % 8)) != 0
    }
}

/// The bits of `leads` (bytes `80`-`FF` only) whose byte of a block has its row in a
/// [`FourByteRows`]: the block loop ([`pass_blocks`]) gives its `pass` the one of the vectors
/// it uses.
pub(crate) type FourBytePass = fn(&[u8; 64], &FourByteRows, u64) -> u64;

/// The [`FourBytePass`] of the widest vectors the CPU has (for the tests of blocks).
#[cfg(test)]
pub(crate) fn four_byte_pass_of_cpu() -> FourBytePass {
    #[cfg(target_arch = "x86_64")]
    return four_byte_pass_on(x86::level());
    #[cfg(not(target_arch = "x86_64"))]
    portable_four_byte_pass
}

/// The [`FourBytePass`] of `level`, which the CPU must have.
#[cfg(all(test, target_arch = "x86_64"))]
fn four_byte_pass_on(level: x86::Level) -> FourBytePass {
    match level {
        x86::Level::Avx512 => x86::four_byte_pass_avx512,
        x86::Level::Avx2 => x86::four_byte_pass_avx2,
        // SSE2 has no byte shuffle.
        x86::Level::Sse2 => portable_four_byte_pass,
    }
}

/// The portable [`FourBytePass`], a lead at a time.
pub(crate) fn portable_four_byte_pass(block: &[u8; 64], rows: &FourByteRows, mut leads: u64) -> u64 {
    let mut mask = 0;
    while leads != 0 {
        let k = leads.trailing_zeros();
        mask |= u64::from(rows.has(block[k as usize])) << k;
        leads &= leads - 1;
    }
    mask
}

/// Classifies 64 bytes, with the widest vectors the CPU has (the tests' entry; the scanner
/// goes through [`pass_blocks`]).
#[cfg(test)]
pub(crate) fn classify_64(block: &[u8; 64], controls: bool, rows: Option<&PlainRows>) -> ByteClasses {
    #[cfg(target_arch = "x86_64")]
    return classify_64_on(x86::level(), block, controls, rows);
    #[cfg(not(target_arch = "x86_64"))]
    portable_classify_64(block, controls, rows)
}

/// [`classify_64`] with the vectors of `level`, which the CPU must have.
#[cfg(all(test, target_arch = "x86_64"))]
fn classify_64_on(
    level: x86::Level,
    block: &[u8; 64],
    controls: bool,
    rows: Option<&PlainRows>,
) -> ByteClasses {
    match level {
        x86::Level::Avx512 => x86::classify_avx512(block, controls, rows),
        x86::Level::Avx2 => x86::classify_avx2(block, controls, rows),
        x86::Level::Sse2 => x86::classify_sse2(block, controls, rows),
    }
}

/// Walks `chunk` from `i` (a sequence boundary) a 64-byte block at a time: `pass` gets the
/// offset in `chunk` of each block that holds a byte `80`-`FF` or a reported control byte (with `controls`), with its
/// classes, and says how many of its bytes it passes over and whether to go on from there;
/// runs of ASCII are passed over here. Stops where `pass` says, or where fewer than 64 bytes
/// are left, and returns where.
///
/// The vector instructions, the loop and `pass` are compiled together, for the CPU's widest
/// vectors.
#[inline]
pub(crate) fn pass_blocks<F>(
    chunk: &[u8],
    i: usize,
    controls: bool,
    rows: Option<&PlainRows>,
    pass: F,
) -> usize
where
    F: FnMut(usize, &[u8; 64], &ByteClasses, FourBytePass) -> (usize, bool),
{
    #[cfg(target_arch = "x86_64")]
    return pass_blocks_on(x86::level(), chunk, i, controls, rows, pass);
    #[cfg(not(target_arch = "x86_64"))]
    pass_blocks_with(chunk, i, controls, rows, pass, PORTABLE)
}

/// The block loop's functions without vectors (constant, so that the calls are direct once
/// the loop is inlined).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
const PORTABLE: Path<ClassifyFn, RunEndFn> = Path {
    classify: portable_classify_64,
    run_end: portable_run_end,
    four_byte_pass: portable_four_byte_pass,
};

/// A block classification function.
type ClassifyFn = fn(&[u8; 64], bool, Option<&PlainRows>) -> ByteClasses;

/// An ASCII-run search function.
type RunEndFn = fn(&[u8], usize, bool) -> usize;

/// [`pass_blocks`] with the vectors of `level`, which the CPU must have.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn pass_blocks_on<F>(
    level: x86::Level,
    chunk: &[u8],
    i: usize,
    controls: bool,
    rows: Option<&PlainRows>,
    pass: F,
) -> usize
where
    F: FnMut(usize, &[u8; 64], &ByteClasses, FourBytePass) -> (usize, bool),
{
    match level {
        x86::Level::Avx512 => x86::pass_blocks_avx512(chunk, i, controls, rows, pass),
        x86::Level::Avx2 => x86::pass_blocks_avx2(chunk, i, controls, rows, pass),
        x86::Level::Sse2 => pass_blocks_with(
            chunk,
            i,
            controls,
            rows,
            pass,
            Path {
                classify: x86::classify_sse2,
                run_end: x86::run_end_sse2,
                four_byte_pass: portable_four_byte_pass,
            },
        ),
    }
}

/// What the block loop of one vector path uses.
struct Path<C, R> {
    /// Classifies a block.
    classify: C,
    /// Finds the end of a run of ASCII.
    run_end: R,
    /// Given to `pass` with each block.
    four_byte_pass: FourBytePass,
}

/// The loop of [`pass_blocks`], with the functions of one vector path.
#[inline(always)]
fn pass_blocks_with<F, C, R>(
    chunk: &[u8],
    mut i: usize,
    controls: bool,
    rows: Option<&PlainRows>,
    mut pass: F,
    path: Path<C, R>,
) -> usize
where
    F: FnMut(usize, &[u8; 64], &ByteClasses, FourBytePass) -> (usize, bool),
    C: Fn(&[u8; 64], bool, Option<&PlainRows>) -> ByteClasses,
    R: Fn(&[u8], usize, bool) -> usize,
{
    let Path { classify, run_end, four_byte_pass } = path;
    while let Some(block) = chunk.get(i..i + 64).and_then(|s| <&[u8; 64]>::try_from(s).ok()) {
        let classes = classify(block, controls, rows);
        if classes.high | classes.control == 0 {
            // All ASCII: the run likely goes on, and a plain search for its end is faster.
            i = run_end(chunk, i + 64, controls);
            continue;
        }
        let (passed, go_on) = pass(i, block, &classes, four_byte_pass);
        if passed == 64 && go_on {
            // The common case, as a branch of its own: the CPU predicts it and loads the next
            // block while this one is still being worked out. Were the next address only
            // `i + passed`, each block would wait for the last one's stop (the markup check
            // ran 1.3x slower so).
            i += 64;
            continue;
        }
        i += passed;
        if !go_on {
            break;
        }
    }
    i
}

/// The portable definition of [`classify_64`], a byte at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn portable_classify_64(block: &[u8; 64], controls: bool, rows: Option<&PlainRows>) -> ByteClasses {
    let mut classes = ByteClasses::default();
    for (k, &b) in block.iter().enumerate() {
        let bit = 1u64 << k;
        let set = |mask: &mut u64, on: bool| {
            if on {
                *mask |= bit;
            }
        };
        set(&mut classes.high, b >= 0x80);
        set(&mut classes.bad, b == 0x80 || b == 0xFF);
        set(&mut classes.digit, b.is_ascii_digit());
        set(&mut classes.ascii_trail, (0x40..=0x7E).contains(&b));
        set(&mut classes.control, controls && super::grammar::is_reported_control_byte(b));
        if let Some(rows) = rows {
            set(&mut classes.plain, PlainRows::in_map(&rows.map, b));
            set(&mut classes.from_a1, b >= 0xA1);
            set(&mut classes.passes, block.get(k + 1).is_some_and(|&trail| rows.sets_pass(b, trail)));
        }
    }
    classes
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    /// The widest vectors a path uses, narrowest first.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Level {
        Sse2 = 1,
        Avx2 = 2,
        /// AVX-512BW and AVX-512VBMI (with AVX2 for what is left after the last 64 bytes).
        Avx512 = 3,
    }

    impl Level {
        pub fn name(self) -> &'static str {
            match self {
                Level::Sse2 => "sse2",
                Level::Avx2 => "avx2",
                Level::Avx512 => "avx512",
            }
        }

        /// The widest vectors this CPU has. Both wide paths also count bits with POPCNT,
        /// which every CPU with AVX2 has. The AVX-512 path also permutes bytes across a
        /// whole vector (VBMI, from Ice Lake and Zen 4 on); without it, AVX2 is used.
        pub fn of_cpu() -> Level {
            let wide = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("popcnt");
            if wide && is_x86_feature_detected!("avx512bw") && is_x86_feature_detected!("avx512vbmi") {
                Level::Avx512
            } else if wide {
                Level::Avx2
            } else {
                Level::Sse2
            }
        }

        /// What `GBCHECK_SIMD` asks for, if it is set to the name of a path.
        fn asked_for() -> Option<Level> {
            let asked = std::env::var_os("GBCHECK_SIMD")?;
            [Level::Sse2, Level::Avx2, Level::Avx512].into_iter().find(|level| asked == level.name())
        }
    }

    /// 0: not yet asked, else the [`Level`] in use.
    static LEVEL: AtomicU8 = AtomicU8::new(0);

    /// The vectors in use: the CPU's widest, or narrower if `GBCHECK_SIMD` asks for that.
    /// Asked once.
    #[inline]
    pub fn level() -> Level {
        match LEVEL.load(Ordering::Relaxed) {
            1 => Level::Sse2,
            2 => Level::Avx2,
            3 => Level::Avx512,
            _ => {
                let cpu = Level::of_cpu();
                let level = Level::asked_for().map_or(cpu, |asked| asked.min(cpu));
                LEVEL.store(level as u8, Ordering::Relaxed);
                level
            }
        }
    }

    /// The bit mask of the bytes of `v` that end a run.
    #[inline(always)]
    fn mask_sse2(v: __m128i, stop_at_controls: bool) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline; these are register-only operations.
        unsafe {
            if !stop_at_controls {
                return _mm_movemask_epi8(v) as u32;
            }
            // Signed compare: bytes >= 0x80 are negative, so they are "below 0x20" too.
            let below = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
            let allowed = _mm_or_si128(
                _mm_or_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\t' as i8)),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)),
                ),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8)),
            );
            let delete = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
            _mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(allowed, below), delete)) as u32
        }
    }

    pub fn run_end_sse2(bytes: &[u8], mut i: usize, stop_at_controls: bool) -> usize {
        while i + 16 <= bytes.len() {
            // SAFETY: `i + 16 <= bytes.len()`, so the 16 bytes read are inside the slice;
            // `_mm_loadu_si128` has no alignment requirement.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().add(i).cast()) };
            let mask = mask_sse2(v, stop_at_controls);
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
        super::portable_run_end(bytes, i, stop_at_controls)
    }

    pub fn run_end_avx2(bytes: &[u8], i: usize, stop_at_controls: bool) -> usize {
        // SAFETY: called only on `Level::Avx2` or wider, which `level()` gives only when the
        // CPU has AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { run_end_avx2_inner(bytes, i, stop_at_controls) }
    }

    #[target_feature(enable = "avx2")]
    unsafe fn run_end_avx2_inner(bytes: &[u8], mut i: usize, stop_at_controls: bool) -> usize {
        while i + 32 <= bytes.len() {
            // SAFETY: `i + 32 <= bytes.len()`: the 32 bytes read are inside the slice;
            // `_mm256_loadu_si256` has no alignment requirement; AVX2 is enabled here.
            let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(i).cast()) };
            let mask = if stop_at_controls {
                let below = _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v);
                let allowed = _mm256_or_si256(
                    _mm256_or_si256(
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\t' as i8)),
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8)),
                    ),
                    _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\r' as i8)),
                );
                let delete = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7F));
                _mm256_movemask_epi8(_mm256_or_si256(_mm256_andnot_si256(allowed, below), delete)) as u32
            } else {
                _mm256_movemask_epi8(v) as u32
            };
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 32;
        }
        run_end_sse2(bytes, i, stop_at_controls)
    }

    pub fn run_end_avx512(bytes: &[u8], i: usize, stop_at_controls: bool) -> usize {
        // SAFETY: called only on `Level::Avx512`, which `level()` gives only when the CPU has
        // AVX-512BW, AVX-512VBMI and AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { run_end_avx512_inner(bytes, i, stop_at_controls) }
    }

    #[target_feature(enable = "avx512bw,avx512vbmi,avx2")]
    unsafe fn run_end_avx512_inner(bytes: &[u8], mut i: usize, stop_at_controls: bool) -> usize {
        while i + 64 <= bytes.len() {
            // SAFETY: `i + 64 <= bytes.len()`: the 64 bytes read are inside the slice;
            // `_mm512_loadu_si512` has no alignment requirement; AVX-512BW is enabled here.
            let v = unsafe { _mm512_loadu_si512(bytes.as_ptr().add(i).cast()) };
            let mask = if stop_at_controls {
                // Signed compare: bytes >= 0x80 are negative, so they are "below 0x20" too.
                let below = _mm512_cmplt_epi8_mask(v, _mm512_set1_epi8(0x20));
                let eq = |b: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8));
                (below & !(eq(b'\t') | eq(b'\n') | eq(b'\r'))) | eq(0x7F)
            } else {
                _mm512_movepi8_mask(v)
            };
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 64;
        }
        // SAFETY: AVX2 is enabled here.
        unsafe { run_end_avx2_inner(bytes, i, stop_at_controls) }
    }

    pub fn count_lines_and_seek_avx2(
        bytes: &[u8],
        pair: [u8; 2],
        seen: &mut dyn FnMut(usize) -> bool,
    ) -> (u64, bool) {
        // SAFETY: called only on `Level::Avx2` or wider, which `level()` gives only when the
        // CPU has AVX2 and POPCNT (and the tests only after `Level::of_cpu()` said so).
        unsafe { count_lines_and_seek_avx2_inner(bytes, pair, seen) }
    }

    #[target_feature(enable = "avx2,popcnt")]
    unsafe fn count_lines_and_seek_avx2_inner(
        bytes: &[u8],
        pair: [u8; 2],
        seen: &mut dyn FnMut(usize) -> bool,
    ) -> (u64, bool) {
        let lf = _mm256_set1_epi8(b'\n' as i8);
        let (first, second) = (_mm256_set1_epi8(pair[0] as i8), _mm256_set1_epi8(pair[1] as i8));
        let (mut lines, mut found, mut i, mut carry) = (0u64, false, 0, 0u64);
        while i + 64 <= bytes.len() {
            // SAFETY: `i + 64 <= bytes.len()`: both 32-byte loads are inside the slice;
            // `_mm256_loadu_si256` has no alignment requirement; AVX2 is enabled here.
            let (low, high) = unsafe {
                let at = bytes.as_ptr().add(i);
                (_mm256_loadu_si256(at.cast()), _mm256_loadu_si256(at.add(32).cast()))
            };
            let mask = |b: __m256i| {
                let half = |v: __m256i| u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, b)) as u32);
                half(low) | half(high) << 32
            };
            lines += u64::from(mask(lf).count_ones());
            if !found {
                // A second byte right after a first one, in this block or the one before.
                let firsts = mask(first);
                found = super::seek_in(mask(second) & (firsts << 1 | carry), i, seen);
                carry = firsts >> 63;
            }
            i += 64;
        }
        tail(bytes, i, lines, found, pair, seen)
    }

    pub fn count_lines_and_seek_avx512(
        bytes: &[u8],
        pair: [u8; 2],
        seen: &mut dyn FnMut(usize) -> bool,
    ) -> (u64, bool) {
        // SAFETY: called only on `Level::Avx512`, which `level()` gives only when the CPU has
        // AVX-512BW, AVX-512VBMI, AVX2 and POPCNT (and the tests only after `Level::of_cpu()`
        // said so).
        unsafe { count_lines_and_seek_avx512_inner(bytes, pair, seen) }
    }

    #[target_feature(enable = "avx512bw,avx512vbmi,avx2,popcnt")]
    unsafe fn count_lines_and_seek_avx512_inner(
        bytes: &[u8],
        pair: [u8; 2],
        seen: &mut dyn FnMut(usize) -> bool,
    ) -> (u64, bool) {
        let lf = _mm512_set1_epi8(b'\n' as i8);
        let (first, second) = (_mm512_set1_epi8(pair[0] as i8), _mm512_set1_epi8(pair[1] as i8));
        let (mut lines, mut found, mut i, mut carry) = (0u64, false, 0, 0u64);
        while i + 64 <= bytes.len() {
            // SAFETY: `i + 64 <= bytes.len()`: the 64 bytes read are inside the slice;
            // `_mm512_loadu_si512` has no alignment requirement; AVX-512BW is enabled here.
            let v = unsafe { _mm512_loadu_si512(bytes.as_ptr().add(i).cast()) };
            lines += u64::from(_mm512_cmpeq_epi8_mask(v, lf).count_ones());
            if !found {
                // As in `count_lines_and_seek_avx2_inner`.
                let firsts = _mm512_cmpeq_epi8_mask(v, first);
                found = super::seek_in(_mm512_cmpeq_epi8_mask(v, second) & (firsts << 1 | carry), i, seen);
                carry = firsts >> 63;
            }
            i += 64;
        }
        tail(bytes, i, lines, found, pair, seen)
    }

    /// The bytes from `i` on (fewer than 64), added to what the vectors found before them.
    fn tail(
        bytes: &[u8],
        i: usize,
        lines: u64,
        found: bool,
        pair: [u8; 2],
        seen: &mut dyn FnMut(usize) -> bool,
    ) -> (u64, bool) {
        let more = bytes[i..].iter().filter(|&&b| b == b'\n').count() as u64;
        (lines + more, found || super::pairs_from(bytes, i, pair, seen))
    }

    /// The classes of 16 bytes, as 16-bit masks, in the order of [`super::ByteClasses`].
    #[inline(always)]
    fn classes_sse2(v: __m128i, controls: bool, rows: Option<&super::PlainRows>) -> [u64; 7] {
        // SAFETY: SSE2 is part of the x86_64 baseline; these are register-only operations.
        unsafe {
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16);
            // Unsigned `v - 0x30 <= 9`, as `min(v - 0x30, 9) == v - 0x30`.
            let from_zero = _mm_sub_epi8(v, _mm_set1_epi8(0x30));
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(from_zero, _mm_set1_epi8(9)), from_zero);
            let from_40 = _mm_sub_epi8(v, _mm_set1_epi8(0x40));
            let ascii_trail = _mm_cmpeq_epi8(_mm_min_epu8(from_40, _mm_set1_epi8(0x3E)), from_40);
            let control = if controls { bits(control_sse2(v)) } else { 0 };
            let mut masks = [
                bits(v),
                bits(_mm_or_si128(eq(0x80), eq(0xFF))),
                bits(digit),
                bits(ascii_trail),
                control,
                0,
                0,
            ];
            if let Some(rows) = rows {
                // SSE2 has no byte shuffle: the map a byte at a time.
                let mut bytes = [0u8; 16];
                _mm_storeu_si128(bytes.as_mut_ptr().cast(), v);
                for (k, &b) in bytes.iter().enumerate() {
                    masks[5] |= u64::from(super::PlainRows::in_map(&rows.map, b)) << k;
                    masks[6] |= u64::from(b >= 0xA1) << k;
                }
            }
            masks
        }
    }

    pub fn classify_sse2(
        block: &[u8; 64],
        controls: bool,
        rows: Option<&super::PlainRows>,
    ) -> super::ByteClasses {
        let mut masks = [0u64; 7];
        for (part, bytes) in block.chunks_exact(16).enumerate() {
            // SAFETY: `bytes` holds exactly 16 bytes; `_mm_loadu_si128` has no alignment
            // requirement.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
            for (mask, bits) in masks.iter_mut().zip(classes_sse2(v, controls, rows)) {
                *mask |= bits << (16 * part);
            }
        }
        let [high, bad, digit, ascii_trail, control, plain, from_a1] = masks;
        // The row sets are not tested here (see `ByteClasses::passes`).
        super::ByteClasses { high, bad, digit, ascii_trail, control, plain, from_a1, passes: 0 }
    }

    #[cfg(test)]
    pub fn classify_avx2(
        block: &[u8; 64],
        controls: bool,
        rows: Option<&super::PlainRows>,
    ) -> super::ByteClasses {
        // SAFETY: called only on `Level::Avx2` or wider, which `level()` gives only when the
        // CPU has AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { classify_avx2_inner(block, controls, rows) }
    }

    pub fn pass_blocks_avx2<F>(
        chunk: &[u8],
        i: usize,
        controls: bool,
        rows: Option<&super::PlainRows>,
        pass: F,
    ) -> usize
    where
        F: FnMut(usize, &[u8; 64], &super::ByteClasses, super::FourBytePass) -> (usize, bool),
    {
        // SAFETY: called only on `Level::Avx2` or wider, which `level()` gives only when the
        // CPU has AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { pass_blocks_avx2_inner(chunk, i, controls, rows, pass) }
    }

    #[target_feature(enable = "avx2")]
    unsafe fn pass_blocks_avx2_inner<F>(
        chunk: &[u8],
        i: usize,
        controls: bool,
        rows: Option<&super::PlainRows>,
        pass: F,
    ) -> usize
    where
        F: FnMut(usize, &[u8; 64], &super::ByteClasses, super::FourBytePass) -> (usize, bool),
    {
        // SAFETY (both closures): AVX2 is enabled here, as these functions require.
        let classify = |block: &[u8; 64], controls, rows: Option<&super::PlainRows>| unsafe {
            classify_avx2_inner(block, controls, rows)
        };
        let run_end = |bytes: &[u8], i, controls| unsafe { run_end_avx2_inner(bytes, i, controls) };
        let path = super::Path { classify, run_end, four_byte_pass: four_byte_pass_avx2 };
        super::pass_blocks_with(chunk, i, controls, rows, pass, path)
    }

    #[cfg(test)]
    pub fn classify_avx512(
        block: &[u8; 64],
        controls: bool,
        rows: Option<&super::PlainRows>,
    ) -> super::ByteClasses {
        // SAFETY: called only on `Level::Avx512`, which `level()` gives only when the CPU has
        // AVX-512BW, AVX-512VBMI and AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { classify_avx512_inner(block, controls, rows) }
    }

    pub fn pass_blocks_avx512<F>(
        chunk: &[u8],
        i: usize,
        controls: bool,
        rows: Option<&super::PlainRows>,
        pass: F,
    ) -> usize
    where
        F: FnMut(usize, &[u8; 64], &super::ByteClasses, super::FourBytePass) -> (usize, bool),
    {
        // SAFETY: called only on `Level::Avx512`, which `level()` gives only when the CPU has
        // AVX-512BW, AVX-512VBMI and AVX2.
        unsafe { pass_blocks_avx512_inner(chunk, i, controls, rows, pass) }
    }

    #[target_feature(enable = "avx512bw,avx512vbmi,avx2")]
    unsafe fn pass_blocks_avx512_inner<F>(
        chunk: &[u8],
        i: usize,
        controls: bool,
        rows: Option<&super::PlainRows>,
        pass: F,
    ) -> usize
    where
        F: FnMut(usize, &[u8; 64], &super::ByteClasses, super::FourBytePass) -> (usize, bool),
    {
        // SAFETY (both closures): AVX-512BW, AVX-512VBMI and AVX2 are enabled here, as these
        // functions require.
        let classify = |block: &[u8; 64], controls, rows: Option<&super::PlainRows>| unsafe {
            classify_avx512_inner(block, controls, rows)
        };
        let run_end = |bytes: &[u8], i, controls| unsafe { run_end_avx512_inner(bytes, i, controls) };
        let path = super::Path { classify, run_end, four_byte_pass: four_byte_pass_avx512 };
        super::pass_blocks_with(chunk, i, controls, rows, pass, path)
    }

    // Bits of the nibble tables of `classify_avx2_inner`: a byte is in a class when the table
    // of its high nibble and that of its low nibble both have the class's bit.
    const FF: u8 = 0x80;
    const X80: u8 = 0x40;
    const DIGIT: u8 = 0x08;
    /// 00-1F but TAB, LF, CR.
    const C0: u8 = 0x01;
    const C1X: u8 = 0x02;
    const DEL: u8 = 0x04;
    /// 40-6F and 70-7E.
    const TRAIL_4X_6X: u8 = 0x10;
    const TRAIL_7X: u8 = 0x20;

    /// The table of the high nibble, twice (one per 128-bit lane).
    const HIGH_NIBBLE: [u8; 32] = {
        let mut t = [0u8; 32];
        let mut k = 0;
        while k < 32 {
            t[k] = match k % 16 {
                0x0 => C0,
                0x1 => C1X,
                0x3 => DIGIT,
                0x4..=0x6 => TRAIL_4X_6X,
                0x7 => DEL | TRAIL_7X,
                0x8 => X80,
                0xF => FF,
                _ => 0,
            };
            k += 1;
        }
        t
    };

    /// The table of the low nibble, twice.
    const LOW_NIBBLE: [u8; 32] = {
        let mut t = [0u8; 32];
        let mut k = 0;
        while k < 32 {
            let low = k % 16;
            t[k] = C1X
                | TRAIL_4X_6X
                | if low == 0xF { FF | DEL } else { TRAIL_7X }
                | if low == 0 { X80 } else { 0 }
                | if low <= 9 { DIGIT } else { 0 }
                | if matches!(low, 0x9 | 0xA | 0xD) { 0 } else { C0 };
            k += 1;
        }
        t
    };

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn classify_avx2_inner(
        block: &[u8; 64],
        controls: bool,
        rows: Option<&super::PlainRows>,
    ) -> super::ByteClasses {
        // SAFETY: each table holds exactly 32 bytes (16 for the map, loaded into both lanes);
        // the loads have no alignment requirement; AVX2 is enabled here.
        let (high_nibble, low_nibble, map) = unsafe {
            (
                _mm256_loadu_si256(HIGH_NIBBLE.as_ptr().cast()),
                _mm256_loadu_si256(LOW_NIBBLE.as_ptr().cast()),
                rows.map(|rows| _mm256_broadcastsi128_si256(_mm_loadu_si128(rows.map.as_ptr().cast()))),
            )
        };
        // The bit of row `r` in its byte of the map: `1 << (r % 8)`.
        let row_bits = _mm256_setr_epi8(
            1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0,
            0, 0, 0, 0,
        );
        let nibble = _mm256_set1_epi8(0x0F);
        let zero = _mm256_setzero_si256();
        let mut classes = super::ByteClasses::default();
        for (part, bytes) in block.chunks_exact(32).enumerate() {
            // SAFETY: `bytes` holds exactly 32 bytes; `_mm256_loadu_si256` has no alignment
            // requirement.
            let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) };
            let bits = |m: __m256i| u64::from(_mm256_movemask_epi8(m) as u32) << (32 * part);
            let unset = |m: __m256i| {
                u64::from(!(_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero)) as u32)) << (32 * part)
            };
            let high_index = _mm256_and_si256(_mm256_srli_epi16::<4>(v), nibble);
            let class = _mm256_and_si256(
                _mm256_shuffle_epi8(high_nibble, high_index),
                _mm256_shuffle_epi8(low_nibble, _mm256_and_si256(v, nibble)),
            );
            classes.high |= bits(v);
            // FF is bit 7, 80 bit 6, DIGIT bit 3: shifted to bit 7 for the byte mask.
            classes.bad |= bits(_mm256_or_si256(class, _mm256_slli_epi16::<1>(class)));
            classes.digit |= bits(_mm256_slli_epi16::<4>(class));
            classes.ascii_trail |=
                unset(_mm256_and_si256(class, _mm256_set1_epi8((TRAIL_4X_6X | TRAIL_7X) as i8)));
            if controls {
                classes.control |= unset(_mm256_and_si256(class, _mm256_set1_epi8((C0 | C1X | DEL) as i8)));
            }
            if let Some(map) = map {
                // Row `r = lead - 0x81`: byte `r / 8` of the map, bit `r % 8` of it. A byte 80
                // or FF gives row 127 or 126, clear in the map; 00-7F are masked off below.
                let row = _mm256_sub_epi8(v, _mm256_set1_epi8(0x81u8 as i8));
                let byte = _mm256_and_si256(_mm256_srli_epi16::<3>(row), nibble);
                let bit = _mm256_shuffle_epi8(row_bits, _mm256_and_si256(row, _mm256_set1_epi8(7)));
                classes.plain |= unset(_mm256_and_si256(_mm256_shuffle_epi8(map, byte), bit));
                classes.from_a1 |=
                    bits(_mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0xA1u8 as i8)), v));
            }
        }
        // The row sets are not tested here (see `ByteClasses::passes`).
        classes.plain &= classes.high;
        classes
    }

    #[inline(always)]
    pub fn four_byte_pass_avx2(block: &[u8; 64], rows: &super::FourByteRows, leads: u64) -> u64 {
        // SAFETY: called only on `Level::Avx2` or wider, which `level()` gives only when the
        // CPU has AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { four_byte_pass_avx2_inner(block, rows, leads) }
    }

    /// The row `r = lead - 0x81` of each byte of `v` in a 128-bit row map (in both lanes):
    /// bit `r % 8` of byte `r / 8` of the map, as a byte mask. Bytes 80 and FF give rows 127
    /// and 126, never in a map; bytes 00-7F give rows that the caller must mask off. The
    /// constants are those of `classify_avx2_inner`, so that the block loop holds one set.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn in_row_map_avx2(v: __m256i, map: __m256i) -> u32 {
        let row_bits = _mm256_setr_epi8(
            1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0,
            0, 0, 0, 0,
        );
        let row = _mm256_sub_epi8(v, _mm256_set1_epi8(0x81u8 as i8));
        let byte = _mm256_and_si256(_mm256_srli_epi16::<3>(row), _mm256_set1_epi8(0x0F));
        let bit = _mm256_shuffle_epi8(row_bits, _mm256_and_si256(row, _mm256_set1_epi8(7)));
        let clear =
            _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(map, byte), bit), _mm256_setzero_si256());
        !(_mm256_movemask_epi8(clear) as u32)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn four_byte_pass_avx2_inner(block: &[u8; 64], rows: &super::FourByteRows, leads: u64) -> u64 {
        // SAFETY: the map holds 16 bytes (loaded into both lanes) and `block` 64; the loads
        // have no alignment requirement; AVX2 is enabled here.
        let (map, low, high) = unsafe {
            (
                _mm256_broadcastsi128_si256(_mm_loadu_si128(rows.map.as_ptr().cast())),
                _mm256_loadu_si256(block.as_ptr().cast()),
                _mm256_loadu_si256(block.as_ptr().add(32).cast()),
            )
        };
        let mask = u64::from(in_row_map_avx2(low, map)) | u64::from(in_row_map_avx2(high, map)) << 32;
        mask & leads
    }

    #[inline(always)]
    pub fn four_byte_pass_avx512(block: &[u8; 64], rows: &super::FourByteRows, leads: u64) -> u64 {
        // SAFETY: called only on `Level::Avx512`, which `level()` gives only when the CPU has
        // AVX-512BW, AVX-512VBMI and AVX2 (and the tests only after `Level::of_cpu()` said so).
        unsafe { four_byte_pass_avx512_inner(block, rows, leads) }
    }

    #[target_feature(enable = "avx512bw,avx512vbmi,avx2")]
    #[inline]
    unsafe fn four_byte_pass_avx512_inner(block: &[u8; 64], rows: &super::FourByteRows, leads: u64) -> u64 {
        // SAFETY: `block` holds 64 bytes and the map 16; the loads have no alignment
        // requirement; AVX-512BW is enabled here.
        let (v, map) = unsafe {
            (
                _mm512_loadu_si512(block.as_ptr().cast()),
                _mm512_broadcast_i32x4(_mm_loadu_si128(rows.map.as_ptr().cast())),
            )
        };
        // As in `in_row_map_avx2`, a 64-bit mask at once.
        let row_bits =
            _mm512_broadcast_i32x4(_mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0));
        let row = _mm512_sub_epi8(v, _mm512_set1_epi8(0x81u8 as i8));
        let byte = _mm512_and_si512(_mm512_srli_epi16::<3>(row), _mm512_set1_epi8(0x0F));
        let bit = _mm512_shuffle_epi8(row_bits, _mm512_and_si512(row, _mm512_set1_epi8(7)));
        _mm512_test_epi8_mask(_mm512_shuffle_epi8(map, byte), bit) & leads
    }

    /// [`classify_avx2_inner`] on one 64-byte vector: the same nibble tables (in each 128-bit
    /// lane), with compares and tests that give each class's 64-bit mask at once.
    #[target_feature(enable = "avx512bw,avx512vbmi,avx2")]
    #[inline]
    unsafe fn classify_avx512_inner(
        block: &[u8; 64],
        controls: bool,
        rows: Option<&super::PlainRows>,
    ) -> super::ByteClasses {
        // SAFETY: `block` holds exactly 64 bytes, the nibble tables 32 (16 read) and the row
        // sets 128 each; the loads have no alignment requirement; AVX-512BW and AVX-512VBMI are
        // enabled here.
        let (v, high_nibble, low_nibble, sets) = unsafe {
            (
                _mm512_loadu_si512(block.as_ptr().cast()),
                _mm512_broadcast_i32x4(_mm_loadu_si128(HIGH_NIBBLE.as_ptr().cast())),
                _mm512_broadcast_i32x4(_mm_loadu_si128(LOW_NIBBLE.as_ptr().cast())),
                rows.map(|rows| {
                    let (leads, trails) = (rows.lead_sets.as_ptr(), rows.trail_sets.as_ptr());
                    [
                        _mm512_loadu_si512(leads.cast()),
                        _mm512_loadu_si512(leads.add(64).cast()),
                        _mm512_loadu_si512(trails.cast()),
                        _mm512_loadu_si512(trails.add(64).cast()),
                    ]
                }),
            )
        };
        let nibble = _mm512_set1_epi8(0x0F);
        let class = _mm512_and_si512(
            _mm512_shuffle_epi8(high_nibble, _mm512_and_si512(_mm512_srli_epi16::<4>(v), nibble)),
            _mm512_shuffle_epi8(low_nibble, _mm512_and_si512(v, nibble)),
        );
        let has = |bits: u8| _mm512_test_epi8_mask(class, _mm512_set1_epi8(bits as i8));
        let high = _mm512_movepi8_mask(v);
        let mut classes = super::ByteClasses {
            high,
            bad: has(FF | X80),
            digit: has(DIGIT),
            ascii_trail: has(TRAIL_4X_6X | TRAIL_7X),
            control: if controls { has(C0 | C1X | DEL) } else { 0 },
            plain: 0,
            from_a1: 0,
            passes: 0,
        };
        if let Some([leads_low, leads_high, trails_low, trails_high]) = sets {
            // Each byte's sets as a lead and as a trail (128-entry tables, by its low seven
            // bits), the trail's moved one byte down to its lead; the last byte has no trail
            // in the block.
            let as_lead = _mm512_permutex2var_epi8(leads_low, v, leads_high);
            let as_trail = _mm512_permutex2var_epi8(trails_low, v, trails_high);
            let next = _mm512_set_epi64(
                0x3F3F_3E3D_3C3B_3A39,
                0x3837_3635_3433_3231,
                0x302F_2E2D_2C2B_2A29,
                0x2827_2625_2423_2221,
                0x201F_1E1D_1C1B_1A19,
                0x1817_1615_1413_1211,
                0x100F_0E0D_0C0B_0A09,
                0x0807_0605_0403_0201,
            );
            let of_trail = _mm512_permutexvar_epi8(next, as_trail);
            let judged = _mm512_test_epi8_mask(as_lead, of_trail);
            let known = _mm512_movepi8_mask(as_lead) & high;
            let trail = (_mm512_cmpge_epu8_mask(v, _mm512_set1_epi8(0xA1u8 as i8)) & !classes.bad) >> 1;
            classes.passes = known & !judged & trail;
        }
        classes
    }

    /// The control bytes GB012 reports, as a byte mask.
    #[inline(always)]
    fn control_sse2(v: __m128i) -> __m128i {
        // SAFETY: SSE2 is part of the x86_64 baseline; these are register-only operations.
        unsafe {
            let below = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
            let allowed = _mm_or_si128(
                _mm_or_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\t' as i8)),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)),
                ),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8)),
            );
            _mm_or_si128(_mm_andnot_si128(allowed, below), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_skipped_is_the_rows_of_a_table_that_skips_nothing() {
        assert_eq!(PlainRows::nothing_skipped(), PlainRows::from_skip_table(&[false; 0x1_0000]));
    }

    /// The x86_64 paths this CPU can run, narrowest first. Says on stderr which it cannot run,
    /// so that a run on an older CPU does not pass for a test of every path.
    #[cfg(target_arch = "x86_64")]
    #[allow(clippy::print_stderr)]
    fn x86_levels() -> Vec<x86::Level> {
        let cpu = x86::Level::of_cpu();
        for (level, what) in [(x86::Level::Avx2, "AVX2"), (x86::Level::Avx512, "AVX-512BW and VBMI")] {
            if cpu < level {
                eprintln!("SKIPPED: this CPU has no {what}: the {} path is not tested", level.name());
            }
        }
        [x86::Level::Sse2, x86::Level::Avx2, x86::Level::Avx512].into_iter().filter(|&l| l <= cpu).collect()
    }

    /// A row is in the map when every code of its trails `A1`-`FE` is skipped: one code not
    /// skipped, at either end, takes the row out.
    #[test]
    fn row_map_holds_the_rows_skipped_from_a1() {
        for lead in [0x81u8, 0xA9, 0xD7, 0xFE] {
            for (hole, in_map) in
                [(None, true), (Some(0xA1u8), false), (Some(0xFE), false), (Some(0xA0), true)]
            {
                let mut skip = [false; 0x1_0000];
                (0x40..0xFF).for_each(|t| skip[usize::from(lead) << 8 | t] = true);
                if let Some(trail) = hole {
                    skip[usize::from(lead) << 8 | usize::from(trail)] = false;
                }
                let rows = PlainRows::from_skip_table(&skip);
                for other in 0x80..=0xFFu8 {
                    let here = other == lead;
                    assert_eq!(PlainRows::in_map(&rows.map, other), here && in_map, "{lead:02X} {hole:02X?}");
                }
            }
        }
    }

    /// A skip table whose rows judge nine different sets of trails `A1`-`FE` (two of them
    /// in two rows each) and skip every other code.
    fn nine_sets() -> Box<[bool; 0x1_0000]> {
        let mut skip = Box::new([false; 0x1_0000]);
        for lead in 0x81..=0xFEusize {
            (0x40..=0xFEusize).filter(|&t| t != 0x7F).for_each(|t| skip[lead << 8 | t] = true);
        }
        let judged: [(&[usize], &[std::ops::RangeInclusive<usize>]); 9] = [
            (&[0xB0, 0xC0], &[0xA5..=0xA5]),
            (&[0xA1], &[0xA2..=0xA2, 0xA4..=0xA4]),
            (&[0xA9], &[0xA1..=0xA3, 0xF0..=0xFE]),
            (&[0xA6, 0x81], &[0xA1..=0xA1]),
            (&[0xA4], &[0xF4..=0xFE]),
            (&[0xA5], &[0xF7..=0xFE]),
            (&[0xA7], &[0xA1..=0xA2]),
            (&[0xA8], &[0xB0..=0xFE]),
            (&[0xAA], &[0xC0..=0xFE]),
        ];
        for (leads, trails) in judged {
            for &lead in leads {
                for t in trails.iter().cloned().flatten() {
                    skip[lead << 8 | t] = false;
                }
            }
        }
        skip
    }

    /// The seven sets kept are the heaviest (by the weight of their rows, then the smallest),
    /// and they pass exactly the skipped codes of their rows with a trail `A1`-`FE`; the rows
    /// of the two sets left out, and other trails, pass nothing.
    #[test]
    fn row_sets_pass_the_skipped_codes_of_the_heaviest_sets() {
        let skip = nine_sets();
        let rows = PlainRows::from_skip_table(&skip);
        for lead in 0x80..=0xFFu8 {
            for trail in 0..=0xFFu8 {
                let skipped = skip[usize::from(lead) << 8 | usize::from(trail)];
                let kept = !matches!(lead, 0xA8 | 0xAA);
                assert_eq!(
                    rows.sets_pass(lead, trail),
                    skipped && kept && (0xA1..=0xFE).contains(&trail),
                    "{lead:02X}{trail:02X}"
                );
            }
        }
    }

    /// The classes the path of `level` gives for those of the portable definition: the
    /// AVX-512 path tells rows apart by their sets alone, the others by their map alone.
    #[cfg(target_arch = "x86_64")]
    fn on_level(classes: ByteClasses, level: x86::Level) -> ByteClasses {
        match level {
            x86::Level::Avx512 => ByteClasses { plain: 0, from_a1: 0, ..classes },
            x86::Level::Sse2 | x86::Level::Avx2 => ByteClasses { passes: 0, ..classes },
        }
    }

    /// Every byte value in every position: each path classifies it as the portable definition.
    #[test]
    fn classifications_agree_with_the_definition() {
        // Rows 81, 88, B0-F7 and FE plain, 90, A9 and FD skipped for the trails A4-EF only
        // (one set), every other row judged whole (another set).
        let mut skip = [false; 0x1_0000];
        for lead in [0x81usize, 0x88, 0xFE].into_iter().chain(0xB0..=0xF7) {
            (0xA1..0xFF).for_each(|t| skip[lead << 8 | t] = true);
        }
        for lead in [0x90usize, 0xA9, 0xFD] {
            (0xA4..=0xEF).for_each(|t| skip[lead << 8 | t] = true);
        }
        let rows = PlainRows::from_skip_table(&skip);
        assert!(
            (0x81..=0xFE).any(|lead: u8| !PlainRows::in_map(&rows.map, lead) && rows.sets_pass(lead, 0xB0))
        );
        let all = PlainRows::from_skip_table(&crate::scan::VALID_TWO_BYTE);
        #[cfg(target_arch = "x86_64")]
        let levels = x86_levels();
        every_value_at_every_position(|block, _| {
            for (controls, rows) in [(false, None), (true, None), (true, Some(&rows)), (false, Some(&all))] {
                let expected = portable_classify_64(block, controls, rows);
                #[cfg(target_arch = "x86_64")]
                assert_eq!(classify_64(block, controls, rows), on_level(expected, x86::level()));
                #[cfg(not(target_arch = "x86_64"))]
                assert_eq!(classify_64(block, controls, rows), expected);
                #[cfg(target_arch = "x86_64")]
                for &level in &levels {
                    assert_eq!(
                        classify_64_on(level, block, controls, rows),
                        on_level(expected, level),
                        "{level:?} {block:02X?}"
                    );
                }
            }
        });
    }

    /// Every lead before every byte, at even and odd positions, with the sets of
    /// [`nine_sets`]: each path that tests the sets passes the codes of the definition, and
    /// every path passes only codes the table skips.
    #[test]
    fn row_sets_agree_with_the_definition_on_every_pair() {
        let skip = nine_sets();
        let rows = PlainRows::from_skip_table(&skip);
        #[cfg(target_arch = "x86_64")]
        let levels = x86_levels();
        for lead in 0x80..=0xFFu8 {
            for (group, shift) in (0..8).flat_map(|group| [(group, 0), (group, 1)]) {
                let mut block = [b'a'; 64];
                for (k, trail) in (group * 32..group * 32 + 32).enumerate() {
                    if 2 * k + shift + 1 < 64 {
                        block[2 * k + shift] = lead;
                        block[2 * k + shift + 1] = trail as u8;
                    }
                }
                let expected = portable_classify_64(&block, true, Some(&rows));
                let mut found = vec![expected];
                #[cfg(target_arch = "x86_64")]
                for &level in &levels {
                    let classes = classify_64_on(level, &block, true, Some(&rows));
                    assert_eq!(classes, on_level(expected, level), "{level:?} {block:02X?}");
                    found.push(classes);
                }
                for classes in found {
                    let passed = classes.passed_codes();
                    // A lead before FF is no code: the row map passes it, but a block never
                    // holds such a code.
                    for k in (0..63).filter(|&k| passed & 1 << k != 0 && block[k + 1] != 0xFF) {
                        let code = usize::from(block[k]) << 8 | usize::from(block[k + 1]);
                        assert!(skip[code], "{code:04X} passed at {k}");
                    }
                }
            }
        }
    }

    /// Calls `check` with a 64-byte block for each byte value at each position (the other
    /// bytes vary with the value), and the position.
    fn every_value_at_every_position(mut check: impl FnMut(&[u8; 64], usize)) {
        let mut block = [0u8; 64];
        for value in 0..=255u8 {
            for at in 0..64 {
                block
                    .iter_mut()
                    .enumerate()
                    .for_each(|(k, b)| *b = (k as u8).wrapping_mul(37).wrapping_add(value));
                block[at] = value;
                check(&block, at);
            }
        }
    }

    /// Every byte value in every position, as a lead asked about or not: each path finds the
    /// leads of a map as the portable definition, which finds the leads of the map.
    #[test]
    fn four_byte_rows_agree_with_the_definition() {
        // Rows 81, 88, 90-D7 and FE; the assigned rows; none.
        let some = FourByteRows::from_leads(|lead| matches!(lead, 0x81 | 0x88 | 0x90..=0xD7 | 0xFE));
        let maps = [some, FourByteRows::ASSIGNED, FourByteRows::NONE];
        #[cfg(target_arch = "x86_64")]
        let levels = x86_levels();
        every_value_at_every_position(|block, at| {
            for rows in &maps {
                let high = block.iter().enumerate().fold(0u64, |m, (k, &b)| m | u64::from(b >= 0x80) << k);
                for leads in [u64::MAX, 1 << at, !(1 << at), 0x5555_5555_5555_5555 << (at % 2)] {
                    let leads = leads & high;
                    let expected = portable_four_byte_pass(block, rows, leads);
                    let by_byte = (0..64).filter(|&k| leads & (1 << k) != 0 && rows.has(block[k]));
                    assert_eq!(expected, by_byte.fold(0, |mask, k| mask | 1 << k));
                    #[cfg(target_arch = "x86_64")]
                    for &level in &levels {
                        assert_eq!(four_byte_pass_on(level)(block, rows, leads), expected, "{level:?}");
                    }
                }
            }
        });
        // The maps hold what they say.
        let assigned: Vec<u8> = (0x81..=0xFE).filter(|&lead| FourByteRows::ASSIGNED.has(lead)).collect();
        assert_eq!(assigned, [0x81, 0x82, 0x83].into_iter().chain(0x90..=0xE2).collect::<Vec<u8>>());
        assert!((0..=0xFF).all(|b| some.has(b) == matches!(b, 0x81 | 0x88 | 0x90..=0xD7 | 0xFE)));
    }

    /// Every path gives the answer of the byte-by-byte definition.
    #[test]
    fn all_paths_agree_with_the_definition() {
        #[cfg(target_arch = "x86_64")]
        let levels = x86_levels();
        let mut bytes: Vec<u8> = (0..200u32).map(|i| b'a' + (i % 26) as u8).collect();
        for stop in [false, true] {
            for special in [0x00u8, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xFF] {
                for at in 0..bytes.len() {
                    let saved = bytes[at];
                    bytes[at] = special;
                    for from in [0, 1, at.saturating_sub(17), at] {
                        let expected =
                            (from..bytes.len()).find(|&j| ends_run(bytes[j], stop)).unwrap_or(bytes.len());
                        assert_eq!(
                            ascii_run_end(&bytes, from, stop),
                            expected,
                            "{special:02x} at {at} from {from}"
                        );
                        assert_eq!(portable_run_end(&bytes, from, stop), expected);
                        #[cfg(target_arch = "x86_64")]
                        for &level in &levels {
                            assert_eq!(run_end_on(level, &bytes, from, stop), expected, "{level:?}");
                        }
                    }
                    bytes[at] = saved;
                }
            }
        }
    }

    /// What [`count_lines_and_seek`] gives the offsets of marks to.
    type Seen<'a> = &'a mut dyn FnMut(usize) -> bool;

    /// Text of LFs, pairs `k:` and other bytes, cut at every length up to 300 (so every
    /// 64-byte edge and tail, and pairs across them): each path counts the LFs a
    /// byte-at-a-time loop counts, gives `seen` the pairs in order, and gives none after the
    /// one `seen` says yes to, whichever it is.
    #[test]
    fn lines_and_marks_agree_with_a_byte_loop() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut bytes: Vec<u8> = (0..300)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                [b'\n', b':', b'k', b'a', 0xBA, 0x8A, 0xFF][(state % 7) as usize]
            })
            .collect();
        // Pairs across the edges of the first and third 64-byte blocks.
        bytes[63..65].copy_from_slice(b"k:");
        bytes[191..193].copy_from_slice(b"k:");
        #[cfg(target_arch = "x86_64")]
        let levels = x86_levels();
        for len in 0..=bytes.len() {
            let text = &bytes[..len];
            let lines = text.iter().filter(|&&b| b == b'\n').count() as u64;
            let marks: Vec<usize> = (1..len).filter(|&i| text[i - 1..=i] == *b"k:").collect();
            // `seen` says yes to the mark numbered `yes`; past the last, to none.
            for yes in [0, 1, 5, usize::MAX] {
                let expected =
                    (lines, marks[..marks.len().min(yes.saturating_add(1))].to_vec(), yes < marks.len());
                let run = |f: &dyn Fn(Seen) -> (u64, bool)| {
                    let mut given = Vec::new();
                    let (count, found) = f(&mut |i| {
                        given.push(i);
                        given.len() == yes.saturating_add(1)
                    });
                    (count, given, found)
                };
                assert_eq!(
                    run(&|seen| portable_count_lines_and_seek(text, *b"k:", seen)),
                    expected,
                    "portable, {len}"
                );
                assert_eq!(run(&|seen| count_lines_and_seek(text, *b"k:", seen)), expected, "{len}");
                #[cfg(target_arch = "x86_64")]
                for &level in &levels {
                    let got = run(&|seen| count_lines_and_seek_on(level, text, *b"k:", seen));
                    assert_eq!(got, expected, "{level:?}, {len}, yes at {yes}");
                }
            }
        }
    }

    /// The `pass` of [`pass_blocks`], as the test gives it.
    type Pass<'a> = &'a mut dyn FnMut(usize, &[u8; 64], &ByteClasses, FourBytePass) -> (usize, bool);

    /// The block loop on each path visits the same blocks, with the same classes, as with the
    /// portable definitions, and stops at the same place: on text with runs of ASCII longer and
    /// shorter than a vector, control bytes and high bytes, from every start in the first block.
    #[test]
    fn block_loops_agree_with_the_definition() {
        #[cfg(target_arch = "x86_64")]
        let levels = x86_levels();
        let all = PlainRows::from_skip_table(&crate::scan::VALID_TWO_BYTE);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300 {
            let mut text = Vec::new();
            while text.len() < 1000 {
                let r = next();
                let len = [1, 3, 17, 40, 70, 130][r as usize % 6];
                let byte = match (r >> 8) % 8 {
                    0 => 0x1B,
                    1 => 0x7F,
                    2 => b'\n',
                    3 | 4 => 0x80 | (r >> 16) as u8,
                    _ => b'a' + (r >> 16) as u8 % 26,
                };
                text.extend(std::iter::repeat_n(byte, len));
            }
            let ends = next();
            // What `pass` sees and returns: it passes over a block up to its first byte 80-FF
            // (at least one byte), and ends the loop at a block whose high bytes match `ends`.
            let walk = |run: &dyn Fn(Pass) -> usize| {
                let mut seen = Vec::new();
                let end = run(&mut |at, block: &[u8; 64], classes: &ByteClasses, _| {
                    assert_eq!(block[..], text[at..at + 64], "the block at {at}");
                    // The rows' masks differ by path (the classification test holds each path
                    // to its own); the loop only hands them on.
                    seen.push((at, ByteClasses { plain: 0, from_a1: 0, passes: 0, ..*classes }));
                    let passed = (classes.high.trailing_zeros() as usize).clamp(1, 64);
                    (passed, classes.high & ends & 0xF != 0xF)
                });
                (seen, end)
            };
            for from in 0..64 {
                for (controls, rows) in [(false, None), (true, None), (true, Some(&all))] {
                    let expected =
                        walk(&|pass| pass_blocks_with(&text, from, controls, rows, pass, PORTABLE));
                    // The first block that differs, or the end.
                    let same = |found: (Vec<(usize, ByteClasses)>, usize), what: &str| {
                        let k = (0..found.0.len().max(expected.0.len()))
                            .find(|&k| found.0.get(k) != expected.0.get(k))
                            .unwrap_or(usize::MAX);
                        assert_eq!(
                            (found.0.get(k), found.1),
                            (expected.0.get(k), expected.1),
                            "{what} from {from}, controls {controls}, rows {}",
                            rows.is_some()
                        );
                    };
                    same(walk(&|pass| pass_blocks(&text, from, controls, rows, pass)), "pass_blocks");
                    #[cfg(target_arch = "x86_64")]
                    for &level in &levels {
                        same(
                            walk(&|pass| pass_blocks_on(level, &text, from, controls, rows, pass)),
                            level.name(),
                        );
                    }
                }
            }
        }
    }
}
