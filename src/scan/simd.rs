//! Finding the end of a run of ASCII, 16 or 32 bytes at a time on x86_64 (SSE2, or AVX2 when
//! the CPU has it, checked once at run time), 8 bytes at a time elsewhere.
//!
//! The only `unsafe` code of the crate lives here: loads of 16 or 32 bytes from a slice that
//! holds at least that many, and instructions used only after the CPU said it has them.

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
fn long_run_end(bytes: &[u8], i: usize, stop_at_controls: bool) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if x86::has_avx2() {
            return x86::run_end_avx2(bytes, i, stop_at_controls);
        }
        x86::run_end_sse2(bytes, i, stop_at_controls)
    }
    #[cfg(not(target_arch = "x86_64"))]
    portable_run_end(bytes, i, stop_at_controls)
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

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    /// 0: not yet asked, 1: no AVX2, 2: AVX2.
    static AVX2: AtomicU8 = AtomicU8::new(0);

    #[inline]
    pub fn has_avx2() -> bool {
        match AVX2.load(Ordering::Relaxed) {
            0 => {
                let has = is_x86_feature_detected!("avx2");
                AVX2.store(if has { 2 } else { 1 }, Ordering::Relaxed);
                has
            }
            known => known == 2,
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
        // SAFETY: called only after `has_avx2()` returned true.
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path gives the answer of the byte-by-byte definition.
    #[test]
    fn all_paths_agree_with_the_definition() {
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
                        {
                            assert_eq!(x86::run_end_sse2(&bytes, from, stop), expected);
                            if x86::has_avx2() {
                                assert_eq!(x86::run_end_avx2(&bytes, from, stop), expected);
                            }
                        }
                    }
                    bytes[at] = saved;
                }
            }
        }
    }
}
