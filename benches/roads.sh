#!/usr/bin/env bash
# The roads of issue 23, whole program, one thread: each mode against its baseline, the
# commands alternated round after round so that the machine's noise falls on all alike, and
# each ratio taken from the medians of one run.
#
#   UTF-8 prose       gbcheck check --encoding utf-8 / auto   vs  simdutf8 validation (examples/simdutf8-validate.rs)
#   profiles, levels  gbcheck check --profile P / --level N   vs  the default check, same GB 18030 file
#   convert           gbcheck convert, both directions        vs  glibc iconv
#   start-up          gbcheck check of one 2 KB file          vs  iconv of the same file
#
# The prose of the bench inputs has U+00A0 (no-break space) in its indentation, which the GBK
# profiles cannot encode and no level holds: on it, `--profile gbk` and `--level N` report tens
# of thousands of findings, and the time is the report's. The `-clean` rows use the same prose
# with U+00A0 made a space, so that they measure the check itself.
#
# Usage: benches/roads.sh [ROUNDS] [SIZE_MIB]   (defaults 7 and 64). Prints ratios above 1 when
# the baseline is faster (for check rows: gbcheck's time over the baseline's) as the issue's
# table does; the convert rows print iconv's time over gbcheck's (above 1: gbcheck is faster).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
size=${2:-64}
cargo build -q --release --bin gbcheck --example simdutf8-validate --example bench-inputs
dir=target/bench-inputs-$size
[ -f "$dir/prose.gb18030.txt" ] || target/release/examples/bench-inputs "$dir" "$size"
G=target/release/gbcheck
if [ ! -f "$dir/prose-clean.gb18030.txt" ]; then
  sed 's/\xc2\xa0/ /g' "$dir/prose.utf8.txt" > "$dir/prose-clean.utf8.txt"
  iconv -f UTF-8 -t GB18030 "$dir/prose-clean.utf8.txt" > "$dir/prose-clean.gb18030.txt"
fi
small=$dir/small.utf8.txt
head -c 2000 "$dir/prose.utf8.txt" | iconv -f UTF-8 -t UTF-8 -c > "$small"

# shellcheck source=benches/timing.sh
. benches/timing.sh
# A command run $reps times in a row, for the start-up row.
repeat() { local reps=$1; shift; for _ in $(seq "$reps"); do "$@" >/dev/null 2>&1 || true; done; }

declare -A cmds=() times=()
order=()
add() { local name=$1; shift; cmds[$name]="$*"; order+=("$name"); }
add simdutf8 target/release/examples/simdutf8-validate "$dir/prose.utf8.txt"
add utf8 $G check --threads 1 --quiet --encoding utf-8 "$dir/prose.utf8.txt"
add utf8-auto $G check --threads 1 --quiet "$dir/prose.utf8.txt"
for prose in prose prose-clean; do
  add "default-$prose" $G check --threads 1 --quiet --encoding gb18030 "$dir/$prose.gb18030.txt"
  add "gbk-$prose" $G check --threads 1 --quiet --encoding gb18030 --profile gbk "$dir/$prose.gb18030.txt"
  for level in 1 2 3; do
    add "level$level-$prose" $G check --threads 1 --quiet --encoding gb18030 --level $level "$dir/$prose.gb18030.txt"
  done
done
add conv-to-utf8 $G convert --to utf-8 "$dir/prose.gb18030.txt"
add iconv-to-utf8 iconv -f GB18030 -t UTF-8 "$dir/prose.gb18030.txt"
add conv-to-gb $G convert --to gb18030 "$dir/prose.utf8.txt"
add iconv-to-gb iconv -f UTF-8 -t GB18030 "$dir/prose.utf8.txt"
add start-gbcheck repeat 100 $G check "$small"
add start-iconv repeat 100 iconv -f UTF-8 -t GB18030 "$small"

for _ in $(seq "$rounds"); do
  for name in "${order[@]}"; do
    # shellcheck disable=SC2086
    times[$name]+="$(seconds ${cmds[$name]}) "
  done
done
m() { echo "${times[$1]}" | tr ' ' '\n' | grep . | median; }
row() { # label, command, baseline
  local a b
  a=$(m "$2"); b=$(m "$3")
  printf '%-44s %8.3f s  %8.3f s  %6.2fx\n' "$1" "$a" "$b" "$(echo "$a / $b" | bc -l)"
}
flags=$(grep -m1 '^flags' /proc/cpuinfo)
if [[ $flags == *avx512bw* && $flags == *avx512vbmi* ]]; then path=avx512
elif [[ $flags == *avx2* ]]; then path=avx2
else path=sse2; fi
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); vector path: ${GBCHECK_SIMD:-$path} (the CPU has $path; GBCHECK_SIMD=avx2 or sse2 narrows it)"
echo "$rounds rounds, medians; ratio = first / second"
printf '%-44s %10s  %10s  %7s\n' row time baseline ratio
row "UTF-8 prose, --encoding utf-8 / simdutf8" utf8 simdutf8
row "UTF-8 prose, auto / simdutf8" utf8-auto simdutf8
for prose in prose prose-clean; do
  row "--profile gbk / default ($prose)" "gbk-$prose" "default-$prose"
  for level in 1 2 3; do
    row "--level $level / default ($prose)" "level$level-$prose" "default-$prose"
  done
done
row "iconv / convert GB 18030 -> UTF-8 (speed-up)" iconv-to-utf8 conv-to-utf8
row "iconv / convert UTF-8 -> GB 18030 (speed-up)" iconv-to-gb conv-to-gb
row "start-up: check 2 KB x100 / iconv x100" start-gbcheck start-iconv
