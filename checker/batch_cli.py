"""Argument parsers of ``batch``, ``query`` and ``export``, kept apart from
:mod:`checker.batch` so that ``clausecheck check`` does not import the batch
machinery at start-up."""
from __future__ import annotations

import os

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_MEMORY_MB = 1500
DEFAULT_MAX_TASKS = 200


def _positive_int(v: str) -> int:
    import argparse

    try:
        n = int(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{v!r} is not a number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{v!r} must be 1 or more")
    return n


def add_batch_parsers(sub) -> None:
    """Add ``batch``, ``query`` and ``export`` to an argparse sub-parser set."""
    b = sub.add_parser("batch", help="check many files in parallel into a SQLite database")
    b.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    b.add_argument("--db", required=True, metavar="FILE", help="SQLite results database (created if missing)")
    b.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1, help="worker processes (default: CPU count)")
    b.add_argument("--engine", choices=["local", "dask"], default="local", help="local process pool (default) or dask.distributed")
    b.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address (default: a local cluster)")
    b.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="time limit per file (default 60; 0 = none)")
    b.add_argument("--max-memory", type=int, default=DEFAULT_MAX_MEMORY_MB, metavar="MB", help="address-space limit per worker (default 1500; 0 = none)")
    b.add_argument("--max-tasks-per-child", type=_positive_int, default=DEFAULT_MAX_TASKS, metavar="N", help="replace a worker after N files (default 200)")
    b.add_argument("--resume", action="store_true", help="skip files already checked (same content, tool version and rules)")
    b.add_argument("--retry-failed", action="store_true", help="with --resume, check again files whose check failed or timed out")
    b.add_argument("--exhibits", default="EX-1,EX-4", metavar="TYPES", help="exhibit types to check in EDGAR submissions (default EX-1,EX-4)")
    b.add_argument("--include-ex10", action="store_true", help="also check EX-10 (material contract) exhibits")
    b.add_argument("--select", action="append", default=[], metavar="CODES")
    b.add_argument("--ignore", action="append", default=[], metavar="CODES")
    b.add_argument("--config", metavar="PATH", help="pyproject.toml or clausecheck.toml with settings")
    b.add_argument("--progress", dest="progress", action="store_const", const=True, default=None, help="show progress even when not on a terminal")
    b.add_argument("--no-progress", dest="progress", action="store_const", const=False)
    b.add_argument("--quiet", "-q", action="store_true", help="no summary")

    add_query_parsers(sub)


def add_query_parsers(sub) -> None:
    q = sub.add_parser("query", help="ask questions of a batch results database")
    q.add_argument("--db", required=True, metavar="FILE")
    q.add_argument("--lockup-under", type=float, metavar="DAYS", help="lock-ups shorter than DAYS")
    q.add_argument("--default-threshold-not-standard", action="store_true",
                   help="default thresholds that are neither one-eleventh nor 10%%")
    q.add_argument("--rule", metavar="CODE", help="findings of this rule code (or code prefix)")
    q.add_argument("--failed", action="store_true", help="documents whose check failed or timed out")
    q.add_argument("--doc-type", metavar="TYPE", help="only documents of this type (underwriting_agreement, warrant, ...)")
    q.add_argument("--doc-subtype", metavar="SUBTYPE", help="only documents of this sub-type (ipo, follow_on, shelf, debt; instrument)")
    q.add_argument("--sql", metavar="QUERY", help="any SQL query (read-only connection)")
    q.add_argument("--format", "-f", choices=["table", "csv", "jsonl"], default="table")
    q.add_argument("--output", "-o", metavar="PATH")

    e = sub.add_parser("export", help="export a batch results database")
    e.add_argument("--db", required=True, metavar="FILE")
    e.add_argument("--format", "-f", choices=["csv", "jsonl"], default="jsonl",
                   help="jsonl: one JSON contract document per line; csv: one table")
    e.add_argument("--table", choices=["documents", "findings", "obligations", "errors"], default="findings",
                   help="the table for --format csv (default findings)")
    e.add_argument("--output", "-o", metavar="PATH")
