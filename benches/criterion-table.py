#!/usr/bin/env python3
"""Reads `cargo bench --bench scan` output on stdin and prints one line per benchmark:
name, median throughput, and the ratio to the encoding_rs baseline of the same group."""
import re
import sys

UNITS = {"B/s": 1, "KiB/s": 1 << 10, "MiB/s": 1 << 20, "GiB/s": 1 << 30}
name, results = None, {}
for line in sys.stdin:
    if not line.startswith((" ", "\t", "Benchmarking", "Found", "Warning", "Gnuplot")) and line.strip():
        name = line.split()[0]
    m = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+)", line)
    if m and name and "change" not in line:
        results[name] = float(m.group(1)) * UNITS[m.group(2)]
        name = None
for full, value in results.items():
    group, _, function = full.rpartition("/")
    base = results.get(f"{group}/encoding_rs")
    ratio = f"{value / base:6.2f}x" if base else ""
    print(f"{full:40} {value / (1 << 20):10.1f} MiB/s  {ratio}")
