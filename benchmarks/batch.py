"""Batch throughput on the batch corpus: documents per second, MB/s per core,
peak RSS per worker, and the speed-up from 1 to 2 workers (medians of --runs).

    python benchmarks/batch.py [--corpus DIR] [--runs 3] [--limit N] [--jobs 1,2] [--engine local] [--source]

It measures the clausecheck the running Python imports (the installed one, with
its compiled modules: run it with the environment's python), or with --source
the checkout's own tree (pure Python); it prints which.

Each run checks the files into a fresh SQLite database in a temporary directory,
with the same worker pool as ``clausecheck batch`` (so the figures include
worker start-up, pipe transfer and the SQLite commits).  "parent CPU" is the
supervising process's own CPU time (receiving results, storing them), which
shares the cores with the workers; "MB per CPU-second" divides by the CPU time
the workers themselves used, which a busy machine disturbs less than wall time.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def one_run(files: list[str], jobs: int, engine: str) -> dict:
    from checker.batch import run_batch

    cpu0 = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        out = run_batch(files, os.path.join(tmp, "bench.sqlite"), jobs=jobs, engine=engine, progress=False)
    out["parent_cpu"] = time.process_time() - cpu0
    if out["checked"] != len(files):
        raise SystemExit(f"only {out['checked']} of {len(files)} files were checked")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus" / "batch"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="only the first N files")
    ap.add_argument("--jobs", default="1,2", help="worker counts to compare (default 1,2)")
    ap.add_argument("--engine", default="local", choices=["local", "dask"])
    ap.add_argument("--source", action="store_true",
                    help="measure the checkout's tree instead of the installed clausecheck")
    a = ap.parse_args(argv)
    if a.source or importlib.util.find_spec("checker") is None:
        sys.path.insert(0, str(REPO))  # (the workers import the same package as this process)
    import checker
    from checker.batch import expand_paths

    if not os.path.isdir(a.corpus):
        print(f"corpus not found at {a.corpus}", file=sys.stderr)
        return 2
    files = expand_paths([a.corpus])
    if a.limit:
        files = files[: a.limit]
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    print(f"{len(files)} files, {mb:.1f} MB, engine {a.engine}, {a.runs} runs each, {os.cpu_count()} CPUs")
    # the figures depend on how the interpreter was built: the same check ran 5-9%
    # faster on Debian's Python 3.11 (built with profile-guided and link-time
    # optimisation) than on a plain source build (pyenv's default): say which ran
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), {sys.executable}")
    print(f"clausecheck {checker.__version__} from {os.path.dirname(checker.__file__)}: {checker.build_description()}")
    walls: dict[int, float] = {}
    for jobs in [int(x) for x in a.jobs.split(",")]:
        runs = [one_run(files, jobs, a.engine) for _ in range(a.runs)]
        wall = statistics.median(r["seconds"] for r in runs)
        walls[jobs] = wall
        rss = [kb for r in runs for kb in r["maxrss_kb"].values()]
        statuses = runs[-1]["summary"]["by_status"]
        print(
            f"jobs {jobs}: {wall:.2f} s median wall; {len(files) / wall:.1f} docs/s; "
            f"{mb / wall / jobs:.2f} MB/s per core; peak RSS per worker "
            f"{max(rss) / 1024:.0f} MB (median {statistics.median(rss) / 1024:.0f} MB); "
            f"parent CPU {statistics.median(r['parent_cpu'] for r in runs):.2f} s; status {statuses}"
        )
        worker_cpu = statistics.median(sum(r["cpu_s"].values()) for r in runs)
        print(
            f"        workers' CPU {worker_cpu:.2f} s: {mb / worker_cpu:.2f} MB per CPU-second "
            f"(the same measure without the time other processes took from the cores)"
        )
    if 1 in walls and 2 in walls:
        print(f"speed-up 1 -> 2 workers: {walls[1] / walls[2]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
