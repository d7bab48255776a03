"""Check a list of files with gbcheck on Apache Spark.

Each partition of the list is piped (RDD.pipe) into one `gbcheck check --format jsonl
--files-from -` process; every partition's JSON Lines, ending with its own summary, is saved
as a part file of OUTPUT. `gbcheck merge OUTPUT/part-*` then gives the report of the whole
list. See docs/spark.md.

    spark-submit gbcheck_spark.py --gbcheck /usr/local/bin/gbcheck \\
        --cwd /mnt/store --partitions 200 files.txt out/ -- --profile gb18030-2022

FILE_LIST is read with SparkContext.textFile (a local path, hdfs://, s3a://, ...): one path a
line, UTF-8, relative to --cwd or absolute. OUTPUT must not exist yet.
"""

import argparse
import shlex
import sys
import time

from pyspark.sql import SparkSession

# Runs in each task: go to the directory the paths are relative to, run gbcheck, and turn
# its exit status 1 (findings) and 2 (paths that could not be checked: reported in the
# output) into success; any other status (a crash, a signal) fails the task, which Spark
# then retries.
WRAPPER = 'cd "$1" || exit 97; shift; "$@"; s=$?; [ "$s" -le 2 ] && exit 0; exit "$s"'


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file_list", help="the paths to check, one a line")
    parser.add_argument("output", help="a directory for the part files (must not exist)")
    parser.add_argument("--gbcheck", required=True,
                        help="absolute path of the gbcheck binary on every worker")
    parser.add_argument("--cwd", default="/",
                        help="the directory relative paths in the list start from (default /)")
    parser.add_argument("--partitions", type=int, default=None,
                        help="minimum number of partitions of the list")
    parser.add_argument("--master", default=None, help="Spark master, e.g. local[2]")
    parser.add_argument("check_args", nargs="*",
                        help="more `gbcheck check` options (after --), the same for every partition")
    args = parser.parse_args(argv)

    builder = SparkSession.builder.appName("gbcheck").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")

    command = shlex.join([
        "sh", "-c", WRAPPER, "gbcheck-spark", args.cwd,
        args.gbcheck, "check", "--format", "jsonl", "--files-from", "-",
        "--no-progress", "--threads", "1", *args.check_args,
    ])
    started = time.monotonic()
    paths = sc.textFile(args.file_list, minPartitions=args.partitions)
    paths.pipe(command, checkCode=True).saveAsTextFile(args.output)
    elapsed = time.monotonic() - started
    print(f"gbcheck-spark: {paths.getNumPartitions()} partitions in {elapsed:.3f} s", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
