"""Batch checks: many files, worker processes, results in SQLite.

``clausecheck batch PATH... --jobs N --db results.sqlite``

Each input file is one task.  Tasks run in worker processes (``forkserver``
context where available, else ``spawn``; never ``fork``, so each worker has its
own durable_rules state).  The parent supervises each worker over a pipe:

* a worker that takes longer than ``--timeout`` on one file is killed (SIGKILL)
  and replaced; the file is recorded with status ``timeout``;
* a worker that dies (segfault, ``os._exit``, out-of-memory kill) is replaced and
  the file is recorded with status ``error`` and the signal or exit status;
* each worker limits its address space with ``RLIMIT_AS`` (``--max-memory``); a
  ``MemoryError`` is recorded as an error of that file;
* a worker is replaced after ``--max-tasks-per-child`` files.

Each worker has its next file waiting in its pipe while the parent stores the
last one's results, and workers are forked from a server that has already
imported the check and loaded its grammar and rules (:mod:`checker.warm`): the
parent's commits do not hold a worker up, and a new worker is ready for its
first file in a fraction of the time.

``concurrent.futures`` and ``multiprocessing.Pool`` cannot kill one task that
runs too long (a pool whose worker dies is broken, or hangs), hence the small
supervisor here.  Each file's results are committed in one transaction as soon
as they arrive (see :mod:`checker.store`).

With ``--engine dask`` the same tasks run on dask.distributed (``--scheduler``
for a cluster, else a LocalCluster with ``--jobs`` single-threaded worker
processes); each dask worker runs its files through the same supervisor, so
time and memory limits behave the same.

Test hooks (for the test suite only; they do nothing unless set): the
environment variables ``CLAUSECHECK_TEST_SLEEP_ON``, ``CLAUSECHECK_TEST_CRASH_ON``
and ``CLAUSECHECK_TEST_MEMORY_ON`` name a file (its base name); the worker then
sleeps for an hour, dies of SIGSEGV, or allocates memory without bound when it
reaches that file.
"""
from __future__ import annotations

import collections
import contextlib
import datetime as _dt
import gc
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
import types
from multiprocessing.connection import wait as _wait
from typing import Callable, Optional

from . import __version__

from .batch_cli import DEFAULT_TIMEOUT  # noqa: E402
from .batch_cli import DEFAULT_MAX_MEMORY_MB  # noqa: E402
from .batch_cli import DEFAULT_MAX_TASKS  # noqa: E402

# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def expand_paths(paths: list[str]) -> list[str]:
    """Files named on the command line; directories are walked (hidden entries
    skipped), in sorted order.  Duplicates are dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in files if not f.startswith("."))
            cands = sorted(found)
        else:
            cands = [p]
        for c in cands:
            a = os.path.abspath(c)
            if a not in seen:
                seen.add(a)
                out.append(c)
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _failure(task: dict, config: dict, status: str, error: str, seconds: Optional[float] = None) -> dict:
    return {
        "source_path": task["source_path"],
        "records": [
            {
                "path": task["path"],
                "exhibit": None,
                "format": None,
                "sha256": task["sha256"],
                "size": task["size"],
                "doc_type": None,
                "doc_subtype": None,
                "status": status,
                "error": error,
                "error_stage": "batch",
                "tool_version": config["tool_version"],
                "rules_hash": config["rules_hash"],
                "seconds": seconds,
                "checked_at": _now(),
                "result": None,
            }
        ],
        "maxrss_kb": None,
        "pid": None,
    }


# ---------------------------------------------------------------------------
# The work of one file (runs in a worker)
# ---------------------------------------------------------------------------


TEST_HOOKS = ("CLAUSECHECK_TEST_SLEEP_ON", "CLAUSECHECK_TEST_CRASH_ON", "CLAUSECHECK_TEST_MEMORY_ON", "CLAUSECHECK_TEST_DELAY")


def _test_hooks(path: str, hooks: dict) -> None:
    """Test-only behaviour, set through environment variables read by the parent
    (see the module docstring); does nothing when none is set."""
    if not hooks:
        return
    base = os.path.basename(path)
    if hooks.get("CLAUSECHECK_TEST_DELAY"):
        time.sleep(float(hooks["CLAUSECHECK_TEST_DELAY"]))
    if hooks.get("CLAUSECHECK_TEST_SLEEP_ON") == base:
        time.sleep(3600)
    if hooks.get("CLAUSECHECK_TEST_CRASH_ON") == base:
        import ctypes

        ctypes.string_at(0)  # SIGSEGV
    if hooks.get("CLAUSECHECK_TEST_MEMORY_ON") == base:
        hog = []
        while True:
            hog.append(bytearray(64 * 1024 * 1024))


def process_file(task: dict, config: dict) -> dict:
    """Check every document of one file; returns the records to store."""
    # The cyclic collector stays off for the whole file and runs once, on the
    # young generations, after the parsed documents are let go (a checked
    # document leaves no reference cycles, so it walks only the records and
    # what the check cached).  Run at the end of each document instead, it
    # would walk the whole parsed document still in hand.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _process_file(task, config)
    finally:
        if gc_was_enabled:
            gc.enable()
            gc.collect(1)


def _process_file(task: dict, config: dict) -> dict:
    from . import store
    from .formats import check_any

    t0 = time.perf_counter()
    path = task["path"]
    try:
        _test_hooks(path, config.get("test_hooks") or {})
        results = check_any(path, exhibits=tuple(config["exhibits"]), **config["options"])
    except MemoryError:
        return _failure(
            task, config, "error",
            f"out of memory (limit {config['max_memory_mb']} MB)" if config.get("max_memory_mb") else "out of memory",
            time.perf_counter() - t0,
        )
    except Exception as exc:  # a defect of ours: record it, go on with the batch
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" ({tb[-1].filename.rsplit(os.sep, 1)[-1]}:{tb[-1].lineno})" if tb else ""
        return _failure(task, config, "error", f"internal error: {type(exc).__name__}: {exc}{where}", time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    records = []
    for res in results:
        d = res.to_json_dict()
        load_errors = [e for e in res.errors if e.stage == "load"]
        fmt = None
        exhibit = None
        if "#" in res.path and res.path.startswith(path + "#"):
            exhibit = res.path[len(path) + 1 :].split("~")[0]
            fmt = "submission"
        records.append(
            {
                "path": res.path,
                "exhibit": exhibit,
                "format": fmt or _format_from_notes(d),
                "sha256": task["sha256"],
                "size": task["size"],
                "doc_type": None if load_errors else res.doc_type,
                "doc_subtype": None if load_errors else res.doc_subtype,
                "status": "error" if load_errors else "ok",
                "error": load_errors[0].message if load_errors else None,
                "tool_version": config["tool_version"],
                "rules_hash": config["rules_hash"],
                "seconds": seconds / max(len(results), 1),
                "checked_at": _now(),
                # the JSON text and the table rows made here, in the worker: the
                # process that stores them shares the cores with the workers
                "result_json": store.json_text(d),
                "rows": store.result_rows(d),
            }
        )
    return {"source_path": task["source_path"], "records": records, "maxrss_kb": _maxrss_kb(),
            "cpu_s": time.process_time(), "pid": os.getpid()}


def _format_from_notes(d: dict) -> Optional[str]:
    if d.get("errors") and any(e.get("stage") == "load" for e in d["errors"]):
        return None
    notes = " ".join(d.get("notes") or [])
    if "from HTML" in notes:
        return "html"
    if ".docx" in notes:
        return "docx"
    return "text"


def _maxrss_kb() -> Optional[int]:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except Exception:
        return None


def _limit_memory(mb: Optional[int]) -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = int(mb) * 1024 * 1024 if mb else resource.RLIM_INFINITY
        if hard != resource.RLIM_INFINITY:
            limit = hard if limit == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _worker_main(conn, config: dict) -> None:
    """A worker: limit memory, then check files sent over ``conn`` until told to stop.
    Each message is (task, config); the config of the task is the one used."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    limit = config.get("max_memory_mb")
    _limit_memory(limit)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task, cfg = msg
        if cfg.get("max_memory_mb") != limit:
            limit = cfg.get("max_memory_mb")
            _limit_memory(limit)
        out = process_file(task, cfg)
        try:
            conn.send(out)
        except (BrokenPipeError, OSError):
            return


# ---------------------------------------------------------------------------
# Supervising workers
# ---------------------------------------------------------------------------


def mp_context():
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["checker.batch", "checker.warm"])
        return ctx
    return mp.get_context("spawn")


@contextlib.contextmanager
def _no_main_fixup():
    """Start workers without re-running the parent's ``__main__`` in them.

    spawn and forkserver children import the parent's main script or module
    (as ``__mp_main__``) unless it is hidden; a script without an
    ``if __name__ == "__main__"`` guard (``python -m checker``, a console
    script, a user's own script) would then start the batch again inside each
    worker.  The workers need nothing from ``__main__``: their code is in this
    module."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


# the folder holding the checker/ package this process runs
_CHECKER_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def _same_checker():
    """Start workers that import the same clausecheck as this process.

    Python 3.11's forkserver does not take its parent's ``sys.path``: it runs
    with the current directory first on its own, so from a folder holding some
    other ``checker/`` (a checkout of another version, or anything of that name)
    the workers would import that instead, and the installed package's compiled
    modules would go unused.  The server, started with the first worker, is
    given this package's folder first and not the current directory."""
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PYTHONSAFEPATH")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (_CHECKER_ROOT, saved["PYTHONPATH"])))
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _death_message(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown signal"
        return f"worker died while checking this file (signal {-exitcode}, {name})"
    return f"worker died while checking this file (exit status {exitcode})"


class Supervisor:
    """One worker process, restarted when it dies, times out or has done its share.

    Up to ``depth`` files are sent ahead over the pipe, so the worker goes
    straight on to its next file while the parent stores the last one's
    results.  The worker answers in the order the files were sent; the time
    limit runs for the first file not yet answered, from the moment the worker
    could begin it (the previous answer's arrival).  When a worker dies or is
    killed, the first unanswered file is recorded as failed and the files sent
    after it are sent again to its replacement.
    """

    def __init__(self, ctx, config: dict, timeout: Optional[float], max_tasks: int, depth: int = 2) -> None:
        self.ctx, self.config, self.timeout, self.max_tasks = ctx, config, timeout, max_tasks
        self.depth = max(1, depth)
        self.proc = None
        self.conn = None
        self.pending: collections.deque[dict] = collections.deque()  # sent, not yet answered, in order
        self.started = 0.0  # when the worker could begin pending[0]
        self.sent = 0  # files sent to the current worker

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.config), daemon=True)
        try:
            with _no_main_fixup(), _same_checker():
                proc.start()
        finally:
            child.close()
        self.proc, self.conn = proc, parent
        self.sent = 0

    def stop(self, kill: bool = False) -> None:
        if self.proc is None or self.conn is None:
            return
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        self.proc, self.conn = None, None

    def wants(self) -> bool:
        """Whether a file may be sent now: fewer than ``depth`` unanswered, and a
        worker at the end of its share gets nothing more until it has answered
        everything (it is then replaced)."""
        if len(self.pending) >= self.depth:
            return False
        return not (self.pending and self.sent >= self.max_tasks)

    def submit(self, task: dict) -> None:
        if self.proc is not None and not self.pending and (not self.proc.is_alive() or self.sent >= self.max_tasks):
            self.stop(kill=not self.proc.is_alive())
        if self.proc is None:
            self._start()
        if not self.pending:
            self.started = time.monotonic()
        self.pending.append(task)
        self._send(task)

    def _send(self, task: dict) -> None:
        self.sent += 1
        try:
            self.conn.send((task, self.config))
        except (BrokenPipeError, OSError):
            pass  # the worker is gone: poll() records it and sends the rest again

    @property
    def deadline(self) -> Optional[float]:
        if not self.pending or not self.timeout:
            return None
        return self.started + self.timeout

    def handles(self) -> list:
        return [self.conn, self.proc.sentinel] if self.pending and self.proc is not None else []

    def poll(self, now: float) -> Optional[dict]:
        """The result of the first unanswered file if it is finished, failed or timed out."""
        if not self.pending:
            return None
        try:
            if self.conn.poll():
                out = self.conn.recv()
                self.pending.popleft()
                self.started = now
                return out
        except (EOFError, OSError):
            pass
        if not self.proc.is_alive():
            self.proc.join()
            code = self.proc.exitcode
            return self._lose_worker(_death_message(code), "error", now)
        d = self.deadline
        if d is not None and now >= d:
            return self._lose_worker(f"timed out after {self.timeout:g} s", "timeout", now)
        return None

    def _lose_worker(self, error: str, status: str, now: float) -> dict:
        """Kill the worker; the first unanswered file failed, the others go to a new worker."""
        task = self.pending.popleft()
        self.stop(kill=True)
        out = _failure(task, self.config, status, error, now - self.started)
        if self.pending:
            self._start()
            self.started = time.monotonic()
            for t in self.pending:
                self._send(t)
        return out

    def run_one(self, task: dict) -> dict:
        """Run one task to completion (blocking); nothing else may be pending."""
        self.submit(task)
        while True:
            d = self.deadline
            _wait(self.handles(), None if d is None else max(0.0, d - time.monotonic()))
            out = self.poll(time.monotonic())
            if out is not None:
                return out


def run_local(tasks: list[dict], config: dict, on_result: Callable[[dict], None], *, jobs: int,
              timeout: Optional[float], max_tasks: int = DEFAULT_MAX_TASKS) -> None:
    ctx = mp_context()
    slots = [Supervisor(ctx, config, timeout, max_tasks) for _ in range(max(1, min(jobs, len(tasks))))]
    queue = list(reversed(tasks))
    try:
        while queue or any(s.pending for s in slots):
            # one file each first, then the files sent ahead
            for s in slots:
                if queue and not s.pending:
                    s.submit(queue.pop())
            for s in slots:
                while queue and s.wants():
                    s.submit(queue.pop())
            handles = [h for s in slots for h in s.handles()]
            deadlines = [s.deadline for s in slots if s.deadline is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            _wait(handles, wait_for)
            now = time.monotonic()
            for s in slots:
                out = s.poll(now)
                if out is not None:
                    on_result(out)
    finally:
        for s in slots:
            s.stop(kill=bool(s.pending))


# -- dask -------------------------------------------------------------------

_DASK_SUPERVISOR: Optional[Supervisor] = None


def dask_task(task: dict, config: dict, timeout: Optional[float], max_tasks: int) -> dict:
    """Runs inside a dask worker: the file goes through this worker's own
    supervised child process, with the same time and memory limits as the local
    pool.  A daemonic dask worker (the default of ``dask worker``; start workers
    with ``DASK_DISTRIBUTED__WORKER__DAEMON=False``) may not start children: the
    file is then checked in the dask worker itself, without the time limit."""
    global _DASK_SUPERVISOR
    if mp.current_process().daemon:
        out = process_file(task, config)
        return out
    if _DASK_SUPERVISOR is None:
        _DASK_SUPERVISOR = Supervisor(mp_context(), config, timeout, max_tasks)
    sup = _DASK_SUPERVISOR
    sup.config, sup.timeout = config, timeout
    return sup.run_one(task)


def run_dask(tasks: list[dict], config: dict, on_result: Callable[[dict], None], *, jobs: int,
             timeout: Optional[float], scheduler: Optional[str] = None, max_tasks: int = DEFAULT_MAX_TASKS) -> None:
    try:
        import dask
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise RuntimeError('--engine dask needs dask.distributed: pip install "dask[distributed]"') from None
    import logging

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        dask.config.set({"distributed.worker.daemon": False})
        cluster = LocalCluster(
            n_workers=max(1, jobs), threads_per_worker=1, processes=True,
            dashboard_address=":0", silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        futures = {}
        for t in tasks:
            f = client.submit(dask_task, t, config, timeout, max_tasks, pure=False)
            futures[f] = t
        for fut in as_completed(list(futures)):
            t = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:
                out = _failure(t, config, "error", f"dask task failed: {type(exc).__name__}: {exc}")
            on_result(out)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


class Progress:
    """tqdm when installed, else one stderr line; only on a terminal (or when forced)."""

    def __init__(self, total: int, enabled: Optional[bool] = None) -> None:
        self.total, self.n, self.t0, self.last = total, 0, time.monotonic(), 0.0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None
        if self.enabled:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
            except ImportError:
                self.bar = None

    def update(self, n: int = 1) -> None:
        self.n += n
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last < 0.5 and self.n < self.total:
            return
        self.last = now
        el = now - self.t0
        rate = self.n / el if el > 0 else 0.0
        left = (self.total - self.n) / rate if rate > 0 else 0.0
        sys.stderr.write(
            f"\r{self.n}/{self.total} documents  {rate:.1f} docs/s  {int(left // 60)}:{int(left % 60):02d} left "
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            sys.stderr.write("\n")


# ---------------------------------------------------------------------------
# The batch
# ---------------------------------------------------------------------------


def run_batch(paths: list[str], db: str, *, jobs: int = 1, engine: str = "local", scheduler: Optional[str] = None,
              timeout: Optional[float] = DEFAULT_TIMEOUT, max_memory_mb: Optional[int] = DEFAULT_MAX_MEMORY_MB,
              max_tasks: int = DEFAULT_MAX_TASKS, resume: bool = False, retry_failed: bool = False,
              exhibits: tuple[str, ...] = ("EX-1", "EX-4"), options: Optional[dict] = None,
              progress: Optional[bool] = None, on_result: Optional[Callable[[dict], None]] = None) -> dict:
    """Check ``paths`` (files or directories) into the database ``db``.

    Returns a dict with ``checked`` and ``skipped`` file counts, ``seconds`` of
    wall time, ``bytes`` checked, ``maxrss_kb`` and ``cpu_s`` (CPU seconds so
    far, as last reported) per worker pid and the store's
    ``summary`` over the inputs."""
    from . import store

    options = dict(options or {})
    files = expand_paths(paths)
    rhash = store.rules_hash({"options": options, "exhibits": sorted(exhibits)})
    config = {
        "options": options,
        "exhibits": list(exhibits),
        "max_memory_mb": max_memory_mb,
        "tool_version": __version__,
        "rules_hash": rhash,
        "test_hooks": {k: os.environ[k] for k in TEST_HOOKS if os.environ.get(k)},
    }
    conn = store.connect(db)
    done = store.done_files(conn, __version__, rhash) if resume else {}
    tasks: list[dict] = []
    skipped = 0
    early: list[dict] = []
    for f in files:
        a = os.path.abspath(f)
        task = {"path": f, "source_path": a, "sha256": "", "size": None}
        try:
            task["sha256"], task["size"] = store.file_sha256(a)
        except OSError as exc:
            early.append(_failure(task, config, "error", f"{f}: cannot read: {exc.strerror or exc}"))
            continue
        prev = done.get(a)
        if prev and prev[0] == task["sha256"] and (not retry_failed or prev[1] == {"ok"}):
            skipped += 1
            continue
        tasks.append(task)
    bar = Progress(len(tasks) + len(early), progress)
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    nbytes = 0

    def handle(out: dict) -> None:
        nonlocal nbytes
        store.record_file(conn, out["source_path"], out["records"])
        if out.get("pid") and out.get("maxrss_kb"):
            rss[out["pid"]] = max(rss.get(out["pid"], 0), out["maxrss_kb"])
        if out.get("pid") and out.get("cpu_s"):
            cpu[out["pid"]] = max(cpu.get(out["pid"], 0.0), out["cpu_s"])
        nbytes += (out["records"][0].get("size") or 0) if out["records"] else 0
        bar.update(1)
        if on_result:
            on_result(out)

    t0 = time.perf_counter()
    try:
        for out in early:
            handle(out)
        if tasks:
            if engine == "dask":
                run_dask(tasks, config, handle, jobs=jobs, timeout=timeout, scheduler=scheduler, max_tasks=max_tasks)
            elif engine == "local":
                run_local(tasks, config, handle, jobs=jobs, timeout=timeout, max_tasks=max_tasks)
            else:
                raise ValueError(f"unknown engine {engine!r} (local or dask)")
    finally:
        bar.close()
    wall = time.perf_counter() - t0
    summ = store.summary(conn, [os.path.abspath(f) for f in files])
    conn.close()
    return {
        "files": len(files), "checked": len(tasks) + len(early), "skipped": skipped, "seconds": wall,
        "bytes": nbytes, "maxrss_kb": rss, "cpu_s": cpu, "summary": summ, "jobs": jobs, "engine": engine,
    }


def format_summary(out: dict) -> str:
    s = out["summary"]
    lines = [
        f"{out['files']} files: {out['checked']} checked, {out['skipped']} already in the store; "
        f"{s['documents']} documents ({', '.join(f'{k} {v}' for k, v in s['by_status'].items()) or 'none'}) "
        f"in {out['seconds']:.1f} s"
        + (f" ({out['checked'] / out['seconds']:.1f} files/s)" if out["seconds"] > 0 and out["checked"] else ""),
        "",
        "documents by type:",
    ]
    lines += [f"  {t}{'/' + st if st != '-' else ''}: {n}" for t, st, n in s["by_type"]] or ["  (none)"]
    lines += ["", "findings by rule:"]
    lines += [f"  {c} ({sev}): {n} in {nd} documents" for c, sev, n, nd in s["by_rule"]] or ["  (none)"]
    lines += ["", "errors:"]
    if s["stage_errors"]:
        lines.append("  by stage: " + ", ".join(f"{st or '-'} {n}" for st, n in s["stage_errors"]))
    if s["failed"]:
        for path, status, err in s["failed"][:20]:
            lines.append(f"  {path}: {status}: {err}")
        if len(s["failed"]) > 20:
            lines.append(f"  ... and {len(s['failed']) - 20} more (clausecheck query --db ... --failed)")
    elif not s["stage_errors"]:
        lines.append("  (none)")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Command line (wired into checker.cli)
# ---------------------------------------------------------------------------


from .batch_cli import _positive_int, add_batch_parsers  # noqa: E402,F401  (kept importable from here)


def _codes(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip().upper() for x in v.split(",") if x.strip())
    return out


def cmd_batch(args) -> int:
    exhibits = tuple(x.strip().upper() for x in args.exhibits.split(",") if x.strip())
    if args.include_ex10 and not any(x.startswith("EX-10") for x in exhibits):
        exhibits += ("EX-10",)
    options: dict = {}
    if args.select:
        options["select"] = _codes(args.select)
    if args.ignore:
        options["ignore"] = _codes(args.ignore)
    if args.config:
        options["config_path"] = os.path.abspath(args.config)
    if args.scheduler and args.engine != "dask":
        print("clausecheck: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    out = run_batch(
        args.paths, args.db, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
        timeout=args.timeout or None, max_memory_mb=args.max_memory or None, max_tasks=args.max_tasks_per_child,
        resume=args.resume, retry_failed=args.retry_failed, exhibits=exhibits, options=options, progress=args.progress,
    )
    if not args.quiet:
        sys.stdout.write(format_summary(out))
    return 2 if out["summary"]["failed"] else 0


def dispatch_batch(args) -> Optional[int]:
    """Run ``batch``, ``query`` or ``export``; None for any other command."""
    from .query import cmd_export, cmd_query
    from .store import StoreError

    handler = {"batch": cmd_batch, "query": cmd_query, "export": cmd_export}.get(getattr(args, "command", None))
    if handler is None:
        return None
    try:
        return handler(args)
    except StoreError as exc:
        print(f"clausecheck: {exc}", file=sys.stderr)
        return 2
    except __import__("sqlite3").Error as exc:
        print(f"clausecheck: database error: {exc}", file=sys.stderr)
        return 2


def main(argv=None) -> int:
    """``batch``, ``query`` and ``export`` on their own (the same as through
    ``clausecheck``): ``python -c "from checker.batch import main; main()" batch ...``."""
    import argparse

    p = argparse.ArgumentParser(prog="clausecheck")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_batch_parsers(sub)
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return dispatch_batch(args) or 0
