#!/usr/bin/env bash
# Whole-program comparison on 64 MiB files, one thread: `gbcheck check --threads 1` against
# glibc `iconv -f GB18030 -t UTF-8`, ICU `uconv -f gb18030 -t utf-8` and encoding_rs
# (examples/encoding-rs-decode.rs), each reading the same GB 18030 file and writing to
# /dev/null. The commands are alternated round after round, so that the machine's noise falls
# on all of them alike; the table gives each command's median and its ratio to gbcheck's.
# Usage: benches/compare.sh [ROUNDS] [SIZE_MIB]   (defaults 7 and 64)
# BASELINE=path/to/other/gbcheck also times that binary in each round (a change measured
# against the binary it changes, under the same noise).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
size=${2:-64}
command -v uconv >/dev/null || { apt-get install -y -q icu-devtools >/dev/null 2>&1 || true; }
cargo build -q --release --bin gbcheck --example encoding-rs-decode --example bench-inputs
dir=target/bench-inputs-$size
[ -f "$dir/prose.gb18030.txt" ] || target/release/examples/bench-inputs "$dir" "$size"

# shellcheck source=benches/timing.sh
. benches/timing.sh

printf '%-14s %-12s %10s %10s %8s\n' input command median-s MB/s ratio
for kind in prose markup four-byte ascii; do
  file=$dir/$kind.gb18030.txt
  mb=$(echo "$(stat -c %s "$file") / 1000000" | bc -l)
  declare -A times=()
  for _ in $(seq "$rounds"); do
    times[gbcheck]+="$(seconds target/release/gbcheck check --threads 1 --encoding gb18030 --quiet "$file") "
    if [ -n "${BASELINE:-}" ]; then
      times[baseline]+="$(seconds "$BASELINE" check --threads 1 --encoding gb18030 --quiet "$file") "
    fi
    times[encoding_rs]+="$(seconds target/release/examples/encoding-rs-decode "$file") "
    times[iconv]+="$(seconds iconv -f GB18030 -t UTF-8 "$file") "
    if command -v uconv >/dev/null; then
      times[uconv]+="$(seconds uconv -f gb18030 -t utf-8 "$file") "
    fi
  done
  ours=$(echo "${times[gbcheck]}" | tr ' ' '\n' | grep . | median)
  for name in gbcheck baseline encoding_rs iconv uconv; do
    [ -n "${times[$name]:-}" ] || continue
    m=$(echo "${times[$name]}" | tr ' ' '\n' | grep . | median)
    printf '%-14s %-12s %10.3f %10.1f %7.2fx\n' "$kind" "$name" "$m" "$(echo "$mb / $m" | bc -l)" "$(echo "$m / $ours" | bc -l)"
  done
  unset times
done
echo "(ratio: the command's median time over gbcheck's; above 1 means gbcheck is faster)"
