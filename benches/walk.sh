#!/usr/bin/env bash
# Benchmark: gbcheck on a tree of 20,000 small files, against ripgrep and against itself with
# one thread. Not a test: it prints medians and ratios measured in the same run.
#
#   benches/walk.sh [RUNS]        (default 11 runs of each command, alternated)
#
# The tree (made once, in $BENCH_DIR, default /tmp/gbcheck-bench-walk): 20,000 files of
# 1-8 KiB in 200 directories, half GB 18030 Chinese text (with a defect in one file in ten),
# half ASCII. Compared, each run in turn, so that noise on this 2-core machine hits all alike:
#   rg -c . -jN            (reads every file, counts its lines)
#   gbcheck check -jN      (JSON Lines to /dev/null)
#   gbcheck check -j1
# Needs python3 and ripgrep (apt-get install ripgrep).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-11}
DIR=${BENCH_DIR:-/tmp/gbcheck-bench-walk}
THREADS=${THREADS:-$(nproc)}
command -v rg >/dev/null || { echo "ripgrep (rg) is needed: apt-get install ripgrep" >&2; exit 1; }

if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR"
  python3 - "$DIR" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(18030)
han = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c).encode("gb18030", "ignore")]
words = ["config", "value", "message", "error", "return", "string", "locale", "zh_CN", "msgid"]
for d in range(200):
    sub = os.path.join(root, f"d{d // 20:02}", f"s{d:03}")
    os.makedirs(sub, exist_ok=True)
    for f in range(100):
        n = d * 100 + f
        size = random.randint(1024, 8192)
        out = bytearray()
        if n % 2 == 0:
            while len(out) < size:
                line = "".join(random.choice(han) for _ in range(random.randint(5, 30)))
                out += f"msgstr \"{line}\"\n".encode("gb18030")
            if n % 20 == 0:
                out[len(out) // 2] = 0xFF
            name = f"zh{n:05}.po"
        else:
            while len(out) < size:
                out += (" ".join(random.choice(words) for _ in range(random.randint(3, 12))) + "\n").encode()
            name = f"en{n:05}.txt"
        with open(os.path.join(sub, name), "wb") as fh:
            fh.write(out[:size])
open(os.path.join(root, ".complete"), "w").close()
PY
fi

# GBCHECK=path/to/gbcheck measures that binary instead of building this tree's.
if [ -z "${GBCHECK:-}" ]; then cargo build --release --quiet; fi
GB=${GBCHECK:-target/release/gbcheck}
files=$(find "$DIR" -type f -not -name .complete | wc -l)
bytes=$(du -sb --exclude=.complete "$DIR" | cut -f1)
echo "tree: $DIR, $files files, $bytes bytes; $THREADS threads; $RUNS runs each"

# Warm the page cache and check that every tool sees every file.
rg_files=$(rg -c . -j"$THREADS" "$DIR" | wc -l)
gb_files=$("$GB" check --format jsonl --exit-zero -j"$THREADS" "$DIR" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["files_checked"])')
echo "files seen: rg $rg_files, gbcheck $gb_files"

now() { date +%s%N; }
declare -a T_RG T_GB T_GB1
for ((i = 0; i < RUNS; i++)); do
  t0=$(now); rg -c . -j"$THREADS" "$DIR" >/dev/null; t1=$(now)
  "$GB" check --format jsonl --exit-zero -j"$THREADS" "$DIR" >/dev/null; t2=$(now)
  "$GB" check --format jsonl --exit-zero -j1 "$DIR" >/dev/null; t3=$(now)
  T_RG+=($(( (t1 - t0) / 1000 ))); T_GB+=($(( (t2 - t1) / 1000 ))); T_GB1+=($(( (t3 - t2) / 1000 )))
done

python3 - "${T_RG[*]}" "${T_GB[*]}" "${T_GB1[*]}" "$THREADS" <<'PY'
import statistics, sys
rg, gb, gb1 = ([int(x) / 1000 for x in arg.split()] for arg in sys.argv[1:4])
threads = sys.argv[4]
med = statistics.median
print(f"median wall time (ms), {len(rg)} runs each:")
print(f"  rg -c . -j{threads}          {med(rg):8.1f}   (min {min(rg):.1f}, max {max(rg):.1f})")
print(f"  gbcheck check -j{threads}    {med(gb):8.1f}   (min {min(gb):.1f}, max {max(gb):.1f})")
print(f"  gbcheck check -j1      {med(gb1):8.1f}   (min {min(gb1):.1f}, max {max(gb1):.1f})")
print(f"gbcheck / rg at -j{threads}: {med(gb) / med(rg):.2f}  (<= 1.00 is no worse than rg)")
print(f"gbcheck -j1 / -j{threads}:   {med(gb1) / med(gb):.2f}x speed-up")
PY
