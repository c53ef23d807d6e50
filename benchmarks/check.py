"""Full-check throughput and rule-evaluation time per document, on one core.

    python benchmarks/check.py [--runs 3] [--corpus ../shared/corpus] [--limit N]

For the seeds and the batch corpus: MB/s of the whole ``check`` (parse, facts,
rule engine, drafting checks), the median and 95th percentile time per document
of the rule engine alone and of each stage, over several runs (medians quoted).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _files(folder: Path, limit: int | None) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return files[:limit] if limit else files


def run_once(paths: list[Path]) -> tuple[float, dict[str, list[float]]]:
    from checker.pipeline import check_file

    per_stage: dict[str, list[float]] = {}
    t0 = time.perf_counter()
    for p in paths:
        res = check_file(str(p))
        for k, v in res.timings.items():
            per_stage.setdefault(k, []).append(v)
    return time.perf_counter() - t0, per_stage


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def bench(name: str, paths: list[Path], runs: int) -> None:
    mb = sum(p.stat().st_size for p in paths) / 1e6
    run_once(paths[:3])  # warm: grammar, rules and rulesets loaded once per process
    totals, stages = [], []
    for _ in range(runs):
        t, st = run_once(paths)
        totals.append(t)
        stages.append(st)
    med = statistics.median(totals)
    print(f"{name}: {len(paths)} files, {mb:.2f} MB, {runs} runs")
    print(f"  full check: median {mb / med:.2f} MB/s (min {mb / max(totals):.2f}, max {mb / min(totals):.2f}), "
          f"{len(paths) / med:.1f} documents/s")
    for stage in ("parse", "facts", "engine", "drafting", "rules"):
        meds = [statistics.median(s.get(stage, [0.0])) * 1000 for s in stages]
        p95 = [pct(s.get(stage, [0.0]), 0.95) * 1000 for s in stages]
        tot = [sum(s.get(stage, [0.0])) for s in stages]
        label = {"engine": "rule engine", "rules": "all rules"}.get(stage, stage)
        print(f"    {label:<12} per document: median {statistics.median(meds):.2f} ms, p95 {statistics.median(p95):.2f} ms; "
              f"total {statistics.median(tot):.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; pass --corpus", file=sys.stderr)
        return 2
    bench("seeds", _files(corpus / "seeds", None), args.runs)
    bench("batch", _files(corpus / "batch", args.limit), args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
