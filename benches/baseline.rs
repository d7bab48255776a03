//! The baseline every speed here is measured against, shared by the criterion benches
//! (`benches/scan.rs`) and `examples/min-time.rs`: encoding_rs decoding GB 18030 to UTF-8.

/// Decodes `input` with encoding_rs's `decode_to_utf8_without_replacement`, in 64 KiB chunks
/// into `out` (reused, at least 192 KiB + 16 bytes), going on after each error as a checker
/// must; returns the bytes written.
pub fn decode_with_encoding_rs(input: &[u8], out: &mut [u8]) -> usize {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut written_total = 0;
    for mut chunk in input.chunks(64 * 1024) {
        // Without replacement, the decoder stops at each error: go on after it.
        loop {
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(chunk, out, false);
            written_total += written;
            chunk = &chunk[read..];
            if matches!(result, encoding_rs::DecoderResult::InputEmpty) {
                break;
            }
        }
    }
    written_total
}
