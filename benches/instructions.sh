#!/usr/bin/env bash
# Instructions per input byte, counted by callgrind (exact and repeatable where wall time is
# noisy): gbcheck's full check and byte scan (examples/check-file.rs) against encoding_rs
# decoding the same file (examples/encoding-rs-decode.rs), for each bench input.
# Usage: benches/instructions.sh [SIZE_MIB]   (default 16; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-16}
dir=target/bench-inputs-$size
cargo build -q --profile profiling --examples
[ -f "$dir/prose.gb18030.txt" ] || target/profiling/examples/bench-inputs "$dir" "$size"
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,; }
printf '%-14s %12s %12s %12s %10s %10s\n' input full-check byte-scan encoding_rs full-ratio scan-ratio
for kind in ascii prose markup four-byte prose-invalid; do
  file=$dir/$kind.gb18030.txt
  bytes=$(stat -c %s "$file")
  full=$(count target/profiling/examples/check-file "$file")
  scan=$(count target/profiling/examples/check-file --scan "$file")
  base=$(count target/profiling/examples/encoding-rs-decode "$file")
  awk -v k="$kind" -v b="$bytes" -v f="$full" -v s="$scan" -v e="$base" 'BEGIN {
    printf "%-14s %12.2f %12.2f %12.2f %9.2fx %9.2fx\n", k, f/b, s/b, e/b, e/f, e/s }'
done
