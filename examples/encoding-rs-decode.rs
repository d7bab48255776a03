//! The baseline for the whole-program comparison (`benches/compare.sh`): decodes a GB 18030
//! file to UTF-8 with encoding_rs, 64 KiB at a time into a reused buffer, going on after each
//! error, and prints the number of UTF-8 bytes and errors. It writes nothing else, like
//! `gbcheck check`, so the comparison measures decoding, not output.
//!
//! `cargo run --release --example encoding-rs-decode -- FILE`

use std::io::Read;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: encoding-rs-decode FILE");
        std::process::exit(2);
    };
    let mut file = std::fs::File::open(&path).unwrap_or_else(|e| {
        eprintln!("encoding-rs-decode: {path}: {e}");
        std::process::exit(2);
    });
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut input = vec![0u8; 64 * 1024];
    let mut output = vec![0u8; 64 * 1024 * 3 + 16];
    let (mut written_total, mut errors) = (0u64, 0u64);
    loop {
        let read = file.read(&mut input).unwrap_or_else(|e| {
            eprintln!("encoding-rs-decode: {path}: {e}");
            std::process::exit(2);
        });
        let last = read == 0;
        let mut chunk = &input[..read];
        loop {
            let (result, used, written) =
                decoder.decode_to_utf8_without_replacement(chunk, &mut output, last);
            written_total += written as u64;
            chunk = &chunk[used..];
            match result {
                encoding_rs::DecoderResult::InputEmpty => break,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(..) => errors += 1,
            }
        }
        if last {
            break;
        }
    }
    println!("{written_total} UTF-8 bytes, {errors} errors");
}
