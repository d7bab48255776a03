#!/usr/bin/env bash
# Files per second of the Spark recipe (docs/spark.md) against one gbcheck process, on a
# generated tree of small files (1 in 10 with a defect). Needs the PySpark virtual environment
# that tests/packaging/spark.rs makes (target/tmp/spark/venv) and a release build.
#
#   cargo build --release && GBCHECK_SLOW_TESTS=1 cargo test --test packaging spark:: && benches/spark.sh [FILES] [PARTITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-60000}
partitions=${2:-8}
gbcheck=$PWD/target/release/gbcheck
python=$PWD/target/tmp/spark/venv/bin/python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" - "$work/tree" "$files" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"d{i % 97:02}", f"s{i % 7}")
    os.makedirs(d, exist_ok=True)
    text = f"line {i} 中文 some text of a typical short string file\n" * 8
    data = text.encode("gb18030") + (b"bad \xff\n" if i % 10 == 0 else b"")
    with open(os.path.join(d, f"f{i}.txt"), "wb") as f:
        f.write(data)
EOF
find "$work/tree" -type f | sort > "$work/files.txt"
count=$(wc -l < "$work/files.txt")

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>"$work/err" || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
rate() { echo "scale=0; $count / $1" | bc; }

cat "$work/files.txt" > /dev/null  # warm the page cache
for j in 1 2; do
  s=$(seconds "$gbcheck" check --format jsonl --no-progress -j "$j" --files-from "$work/files.txt")
  echo "one process, -j $j: $count files in $s s: $(rate "$s") files/s"
done
s=$(seconds env PYSPARK_PYTHON="$python" SPARK_LOCAL_IP=127.0.0.1 "$python" docs/spark/gbcheck_spark.py \
  --master 'local[2]' --partitions "$partitions" --gbcheck "$gbcheck" "$work/files.txt" "$work/out")
job=$(sed -n 's/^gbcheck-spark: .* in \([0-9.]*\) s$/\1/p' "$work/err")
echo "Spark local[2], $partitions partitions: $s s with Spark's start ($(rate "$s") files/s), job $job s: $(rate "$job") files/s"
"$gbcheck" merge "$work"/out/part-* | tail -1 | cut -c1-120
