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
#   rg -c . -j1            (what one thread gives ripgrep: its own speed-up is the yardstick of
#                           what two threads give on this machine)
# and prints wall and CPU (user + system) times. Needs python3, GNU time (apt-get install
# time) and ripgrep (apt-get install ripgrep).
#
# BASELINE=path/to/other/gbcheck also runs that binary (-jN and -j1) in each round, right after
# this one, and prints its times and the ratios of the two: a change measured against the
# binary it changes, under the same noise.
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

# Each command under GNU time: wall, user and system seconds.
# NICE=-10 (root) runs every command at that priority, so that other work on a shared machine
# disturbs the comparison less; all three commands get the same.
timed() { nice -n "${NICE:-0}" /usr/bin/time -f "%e %U %S" -o "$DIR.time" "$@" >/dev/null; cat "$DIR.time"; }
BASE=${BASELINE:-}
RG=() GB2=() GB1=() BASE2=() BASE1=() RG1=()
for ((i = 0; i < RUNS; i++)); do
  RG+=("$(timed rg -c . -j"$THREADS" "$DIR")")
  GB2+=("$(timed "$GB" check --format jsonl --exit-zero -j"$THREADS" "$DIR")")
  if [ -n "$BASE" ]; then BASE2+=("$(timed "$BASE" check --format jsonl --exit-zero -j"$THREADS" "$DIR")"); fi
  GB1+=("$(timed "$GB" check --format jsonl --exit-zero -j1 "$DIR")")
  if [ -n "$BASE" ]; then BASE1+=("$(timed "$BASE" check --format jsonl --exit-zero -j1 "$DIR")"); fi
  RG1+=("$(timed rg -c . -j1 "$DIR")")
done
rm -f "$DIR.time"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); nice ${NICE:-0}"

python3 - "$THREADS" "$(printf '%s;' "${RG[@]}")" "$(printf '%s;' "${GB2[@]}")" "$(printf '%s;' "${GB1[@]}")" \
  "$(printf '%s;' "${BASE2[@]}")" "$(printf '%s;' "${BASE1[@]}")" "$(printf '%s;' "${RG1[@]}")" <<'PY'
import statistics, sys
threads = sys.argv[1]
def parse(arg):
    runs = [tuple(float(x) for x in r.split()) for r in arg.split(";") if r.strip()]
    return [w * 1000 for w, _, _ in runs], [(u + s) * 1000 for _, u, s in runs]
(rg, rg_cpu), (gb, gb_cpu), (gb1, gb1_cpu), (base, base_cpu), (base1, base1_cpu), (rg1, rg1_cpu) = (
    parse(a) for a in sys.argv[2:8])
med = statistics.median
print(f"median of {len(rg)} runs each (ms)       wall   (min - max)        CPU (user+sys)")
for name, wall, cpu in [(f"rg -c . -j{threads}", rg, rg_cpu), (f"gbcheck check -j{threads}", gb, gb_cpu), ("gbcheck check -j1", gb1, gb1_cpu), ("rg -c . -j1", rg1, rg1_cpu)]:
    print(f"  {name:<22} {med(wall):8.0f}   ({min(wall):.0f} - {max(wall):.0f})   {med(cpu):8.0f}")
ratios = [g / r for g, r in zip(gb, rg)]
speedups = [a / b for a, b in zip(gb1, gb)]
print(f"gbcheck / rg at -j{threads}: {med(gb) / med(rg):.2f} (median of per-run ratios {med(ratios):.2f}; <= 1.00 is no worse than rg)")
print(f"gbcheck -j1 / -j{threads}:   {med(gb1) / med(gb):.2f}x speed-up (median of per-run ratios {med(speedups):.2f})")
print(f"rg -j1 / -j{threads}:        {med(rg1) / med(rg):.2f}x speed-up (median of per-run ratios {med([a / b for a, b in zip(rg1, rg)]):.2f})")
if base:
    print("BASELINE, run in the same rounds:")
    for name, wall, cpu in [(f"baseline -j{threads}", base, base_cpu), ("baseline -j1", base1, base1_cpu)]:
        print(f"  {name:<22} {med(wall):8.0f}   ({min(wall):.0f} - {max(wall):.0f})   {med(cpu):8.0f}")
    print(f"baseline / rg at -j{threads}: {med(base) / med(rg):.2f} (median of per-run ratios {med([b / r for b, r in zip(base, rg)]):.2f})")
    print(f"baseline -j1 / -j{threads}:   {med(base1) / med(base):.2f}x (median of per-run ratios {med([a / b for a, b in zip(base1, base)]):.2f})")
    print(f"gbcheck / baseline, wall: -j{threads} {med([g / b for g, b in zip(gb, base)]):.3f}, -j1 {med([g / b for g, b in zip(gb1, base1)]):.3f}; "
          f"CPU: -j{threads} {med(gb_cpu) / med(base_cpu):.3f}, -j1 {med(gb1_cpu) / med(base1_cpu):.3f} (medians of per-run ratios; < 1 is faster)")
PY
