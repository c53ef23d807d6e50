"""Parse throughput and cold start.

    python benchmarks/parse.py [--runs 5] [--corpus ../shared/corpus]

Prints, for the seeds and the batch corpus, the median MB/s (and min/max) of
source -> layout -> structure -> clause grammar (the AST), per stage, on one core;
and the median wall time of a cold ``clausecheck check`` of one seed (a new
process each time, parser cache warm on disk as it is after the first run).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".txt", ".htm", ".html", ""))


def _stage_times(paths: list[Path]) -> dict[str, float]:
    from checker.clauses import parse_clause
    from checker.layout import layout
    from checker.source import InputError, load
    from checker.structure import build_structure, to_model

    t = {"load": 0.0, "layout": 0.0, "structure": 0.0, "grammar+ast": 0.0}
    for p in paths:
        a = time.perf_counter()
        try:
            src = load(p)
        except InputError:
            continue
        b = time.perf_counter()
        lay = layout(src)
        c = time.perf_counter()
        outline = build_structure(lay)
        d = time.perf_counter()
        to_model(outline, lay, parse_clause)
        e = time.perf_counter()
        t["load"] += b - a
        t["layout"] += c - b
        t["structure"] += d - c
        t["grammar+ast"] += e - d
    return t


def bench_parse(name: str, paths: list[Path], runs: int) -> None:
    mb = sum(p.stat().st_size for p in paths) / 1e6
    totals, per_stage = [], []
    for _ in range(runs):
        st = _stage_times(paths)
        per_stage.append(st)
        totals.append(sum(st.values()))
    med = statistics.median(totals)
    print(f"{name}: {len(paths)} files, {mb:.2f} MB, {runs} runs")
    print(f"  to the AST: median {mb / med:.2f} MB/s (min {mb / max(totals):.2f}, max {mb / min(totals):.2f}); median {med:.2f} s")
    for stage in per_stage[0]:
        s = statistics.median(r[stage] for r in per_stage)
        print(f"    {stage:<12} median {s:.3f} s  ({mb / s if s else float('inf'):.1f} MB/s)")


def bench_cold(seed: Path, runs: int) -> None:
    exe = [sys.executable, "-m", "checker", "check", "--format", "json", "-o", os.devnull, str(seed)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # as an installed package runs: with its bytecode cached (pip writes it at install)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CLAUSECHECK_NO_CACHE", None)
    # without the cache folder (rules, grammar, compiled expressions): a first run ever
    uncached = dict(env, CLAUSECHECK_NO_CACHE="1")
    subprocess.run(exe, env=env, capture_output=True)  # warm the parser and bytecode caches once
    times, first = [], []
    for _ in range(runs):  # interleaved, so that a busy moment affects both alike
        a = time.perf_counter()
        subprocess.run(exe, env=env, capture_output=True)
        times.append(time.perf_counter() - a)
        a = time.perf_counter()
        subprocess.run(exe, env=uncached, capture_output=True)
        first.append(time.perf_counter() - a)
    imp = [sys.executable, "-c", "pass"]
    base = []
    for _ in range(runs):
        a = time.perf_counter()
        subprocess.run(imp, capture_output=True)
        base.append(time.perf_counter() - a)
    print(
        f"cold `clausecheck check` of {seed.name} ({seed.stat().st_size / 1e3:.0f} KB): median {statistics.median(times):.3f} s "
        f"(min {min(times):.3f}, max {max(times):.3f}; bare interpreter start {statistics.median(base):.3f} s), {runs} runs"
    )
    print(f"  the same without the cache folder (a first run ever): median {statistics.median(first):.3f} s "
          f"(min {min(first):.3f}, max {max(first):.3f})")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--skip-batch", action="store_true")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; pass --corpus", file=sys.stderr)
        return 2
    seeds = _files(corpus / "seeds")
    bench_parse("seeds", seeds, args.runs)
    if not args.skip_batch:
        bench_parse("batch", _files(corpus / "batch"), max(1, min(args.runs, 3)))
    bench_cold(seeds[0], args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
