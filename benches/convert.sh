#!/usr/bin/env bash
# Benchmark: `gbcheck convert` against glibc `iconv` on 64 MiB of prose, both directions.
#
#   benches/convert.sh [RUNS]      (default 7)
#
# Makes the inputs once with `cargo run --release --example bench-inputs -- $BENCH_DIR 64`
# (default /tmp/gbcheck-conv-bench), checks that both tools give the same bytes, then runs
# gbcheck and iconv alternately (output to a file on the same disk), and prints the median
# wall time of each and the ratio iconv / gbcheck (above 1: gbcheck is faster).
# GBCHECK=PATH times another gbcheck binary (e.g. a copy of main's) instead of this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
DIR=${BENCH_DIR:-/tmp/gbcheck-conv-bench}
cargo build --release --quiet
[ -f "$DIR/prose.gb18030.txt" ] || cargo run --release --quiet --example bench-inputs -- "$DIR" 64
G=${GBCHECK:-target/release/gbcheck}
OUT=$DIR/out.tmp

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > "$OUT"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

bench() { # name, input, gbcheck args, iconv from, iconv to
  local name=$1 input=$2 args=$3 from=$4 to=$5 g=() i=()
  $G convert $args "$input" > "$OUT.g" 2>/dev/null
  iconv -f "$from" -t "$to" "$input" > "$OUT.i"
  cmp -s "$OUT.g" "$OUT.i" || { echo "$name: outputs differ" >&2; exit 1; }
  for _ in $(seq "$RUNS"); do
    g+=("$(seconds $G convert $args "$input" 2>/dev/null)")
    i+=("$(seconds iconv -f "$from" -t "$to" "$input")")
  done
  local gm im
  gm=$(printf '%s\n' "${g[@]}" | median)
  im=$(printf '%s\n' "${i[@]}" | median)
  printf '%-28s gbcheck %6.3f s   iconv %6.3f s   iconv/gbcheck %5.2fx\n' "$name" "$gm" "$im" "$(echo "$im / $gm" | bc -l)"
}

echo "$(iconv --version | head -1); $RUNS runs each, medians; $(nproc) CPUs"
bench "GB 18030 -> UTF-8 (auto)" "$DIR/prose.gb18030.txt" "--to utf-8" GB18030 UTF-8
bench "GB 18030 -> UTF-8 (--from)" "$DIR/prose.gb18030.txt" "--to utf-8 --from gb18030" GB18030 UTF-8
bench "UTF-8 -> GB 18030 (auto)" "$DIR/prose.utf8.txt" "--to gb18030" UTF-8 GB18030
bench "UTF-8 -> GB 18030 (--from)" "$DIR/prose.utf8.txt" "--to gb18030 --from utf-8" UTF-8 GB18030
rm -f "$OUT" "$OUT.g" "$OUT.i"
