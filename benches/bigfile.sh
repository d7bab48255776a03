#!/usr/bin/env bash
# Benchmark: peak memory and time for one huge file (default 4 GiB), checked in chunks.
# Not a test: it prints /usr/bin/time -v's figures.
#
#   benches/bigfile.sh [GIB]      (default 4)
#
# Makes (once, in $BENCH_DIR, default /tmp/gbcheck-bench-big) three files of GIB GiB each:
#   gb18030.txt        GB 18030 Chinese text in lines of 20-80 characters, with an invalid
#                      byte, a private-use character or a control character every ~64 KiB
#   utf8.txt           the same text in UTF-8, with a private-use or control character every
#                      ~64 KiB (valid UTF-8: auto-detection reads it all once before the
#                      chunks are checked, the worst case for the pre-pass)
#   utf8-broken.txt    the same with a stray byte FF every ~64 KiB: not UTF-8, so `auto` checks
#                      it as GB 18030 and finds something every ~20 bytes (dense findings)
# and checks each with `gbcheck check --format jsonl` (output to /dev/null) under
# /usr/bin/time -v, with the default threads and chunk size (and gb18030.txt with -j1).
# Needs python3 and GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."

GIB=${1:-4}
DIR=${BENCH_DIR:-/tmp/gbcheck-bench-big}
mkdir -p "$DIR"

make_file() { # encoding, defects (python list), output
  local encoding=$1 defects=$2 out=$3
  [ -f "$out" ] && [ "$(stat -c %s "$out")" -eq $((GIB << 30)) ] && return
  python3 - "$encoding" "$defects" "$DIR/block" <<'PY'
import random, sys
encoding, defects, out = sys.argv[1], eval(sys.argv[2]), sys.argv[3]
random.seed(4)
han = [chr(c) for c in range(0x4E00, 0x9FA6)]
data = bytearray()
while len(data) < 16 << 20:
    line = "".join(random.choice(han) for _ in range(random.randint(20, 80))) + "。\n"
    data += line.encode(encoding)
    if len(data) % 65536 < 200:
        data += random.choice(defects).encode(encoding, "surrogateescape") + b"\n"
open(out, "wb").write(data[: 16 << 20].rsplit(b"\n", 1)[0].ljust(16 << 20, b"\n"))
PY
  : > "$out"
  for ((i = 0; i < GIB * 64; i++)); do cat "$DIR/block" >> "$out"; done
  rm -f "$DIR/block"
}

make_file gb18030 '["\udcff", "\ue000", "\x1b"]' "$DIR/gb18030.txt"
make_file utf-8 '["\ue000", "\x1b"]' "$DIR/utf8.txt"
make_file utf-8 '["\udcff", "\ue000", "\x1b"]' "$DIR/utf8-broken.txt"
# GBCHECK=path/to/gbcheck measures that binary instead of building this tree's.
if [ -z "${GBCHECK:-}" ]; then cargo build --release --quiet; fi
GB=${GBCHECK:-target/release/gbcheck}

measure() { # label, args...
  local label=$1; shift
  cat "${@: -1}" >/dev/null # in the page cache, so that the disk does not set the pace
  /usr/bin/time -v "$GB" check --format jsonl --exit-zero "$@" 2>"$DIR/time.txt" >/dev/null
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/time.txt")
  awk -v l="$label" -v r="$rss" -v w="$wall" 'BEGIN { printf "%-34s peak RSS %6.1f MiB   wall %s\n", l, r / 1024, w }'
}

echo "files: $(du -h "$DIR/gb18030.txt" | cut -f1) each; $(nproc) cores"
measure "gb18030.txt (auto, default -j)" "$DIR/gb18030.txt"
measure "gb18030.txt (auto, -j1)" -j1 "$DIR/gb18030.txt"
measure "utf8.txt (auto, default -j)" "$DIR/utf8.txt"
measure "utf8-broken.txt (auto, default -j)" "$DIR/utf8-broken.txt"
