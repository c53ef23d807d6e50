"""Batch checks: worker failures, kill and resume, the dask engine."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.batch import run_batch

from conftest import REPO, SAMPLE, corpus_dir


def rows(db, cols="path, status, error"):
    return sqlite3.connect(db).execute(f"SELECT {cols} FROM documents ORDER BY path").fetchall()


def copies(tmp_path: Path, n: int, sub: str = "in") -> Path:
    d = tmp_path / sub
    d.mkdir()
    for i in range(n):
        shutil.copy(SAMPLE, d / f"doc{i:02d}.txt")
    return d


def test_failures_are_recorded_and_the_batch_goes_on(tmp_path, monkeypatch):
    d = copies(tmp_path, 3)
    (d / "slow.txt").write_text("UNDERWRITING AGREEMENT\n")
    (d / "crash.txt").write_text("UNDERWRITING AGREEMENT\n")
    (d / "hog.txt").write_text("UNDERWRITING AGREEMENT\n")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    monkeypatch.setenv("CLAUSECHECK_TEST_SLEEP_ON", "slow.txt")
    monkeypatch.setenv("CLAUSECHECK_TEST_CRASH_ON", "crash.txt")
    monkeypatch.setenv("CLAUSECHECK_TEST_MEMORY_ON", "hog.txt")
    db = str(tmp_path / "r.sqlite")
    # (a limit of 10 s: the other files must check well within it on a loaded machine)
    out = run_batch([str(d)], db, jobs=2, timeout=10, max_memory_mb=600, progress=False)
    got = {Path(p).name: (s, e) for p, s, e in rows(db)}
    assert len(got) == 7
    assert got["slow.txt"] == ("timeout", "timed out after 10 s")
    assert got["crash.txt"][0] == "error" and "signal 11, SIGSEGV" in got["crash.txt"][1]
    assert got["hog.txt"] == ("error", "out of memory (limit 600 MB)")
    assert got["image.txt"][0] == "error" and "PNG" in got["image.txt"][1]
    for i in range(3):
        assert got[f"doc{i:02d}.txt"] == ("ok", None)
    assert out["summary"]["by_status"] == {"error": 3, "ok": 3, "timeout": 1}
    # the workers that died or timed out were replaced: the copies after them were checked


def test_files_sent_ahead_survive_a_crash_and_a_timeout(tmp_path, monkeypatch):
    # one worker, files sent ahead of the one being checked: the files behind a
    # crash and behind a timeout go to the replacement worker, each checked once
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a1.txt", "b-crash.txt", "c1.txt", "c2.txt", "d-slow.txt", "e1.txt", "e2.txt"):
        if "-" in name:
            (d / name).write_text("UNDERWRITING AGREEMENT\n")
        else:
            shutil.copy(SAMPLE, d / name)
    monkeypatch.setenv("CLAUSECHECK_TEST_CRASH_ON", "b-crash.txt")
    monkeypatch.setenv("CLAUSECHECK_TEST_SLEEP_ON", "d-slow.txt")
    db = str(tmp_path / "r.sqlite")
    # (a limit of 10 s, as above: the ordinary files must check well within it on a loaded machine)
    out = run_batch([str(d)], db, jobs=1, timeout=10, progress=False)
    got = [(Path(p).name, s) for p, s, _ in rows(db)]
    assert got == [("a1.txt", "ok"), ("b-crash.txt", "error"), ("c1.txt", "ok"), ("c2.txt", "ok"),
                   ("d-slow.txt", "timeout"), ("e1.txt", "ok"), ("e2.txt", "ok")]
    assert out["checked"] == 7
    assert len(out["maxrss_kb"]) == 3  # the first worker, its replacement after the crash, and after the timeout


def test_workers_start_warm():
    # what the forkserver imports before forking workers: the check's modules, grammar and rules
    import checker.warm
    from checker import analysis, clauses

    checker.warm.warm()
    assert clauses._GRAMMAR is not None and analysis._RULES
    # the rule engine is built and a short agreement was checked: the stages'
    # lazily made state exists before the fork, and no document is left open
    from checker import engine

    assert analysis._ENGINE is not None
    from checker.calendar import CALENDARS, business_calendar

    assert business_calendar.cache_info().currsize >= len(CALENDARS)
    assert engine.live_sessions() == 0
    res = checker.pipeline.check_text(checker.warm._SAMPLE, path="<warm-up>")
    assert res.doc_type == "underwriting_agreement" and not res.errors
    assert {"MISS002", "DFLT005", "BLANK000"} <= {f.code for f in res.findings}
    assert ("lockup", 180.0, "day") in {(o.kind, o.value, o.unit) for o in res.obligations}


def test_workers_import_the_same_checker_from_a_folder_holding_another(tmp_path):
    # Run from a folder with some other checker/ package in it, the workers (and
    # the forkserver that warms them) must still import the parent's clausecheck:
    # the other package's __init__ leaves a mark if anything imports it.
    other = tmp_path / "checker"
    other.mkdir()
    (other / "__init__.py").write_text(
        "import os\nopen(os.path.join(os.path.dirname(__file__), 'imported'), 'w').close()\n"
        "raise ImportError('the other checker package')\n"
    )
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from checker.batch import run_batch\n"
        "out = run_batch([sys.argv[2]], sys.argv[3], jobs=1, progress=False)\n"
        "print(out['summary']['by_status'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(REPO), str(SAMPLE), str(tmp_path / "b.sqlite")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "{'ok': 1}"
    assert not (other / "imported").exists(), "a worker imported the checker package of the current folder"


def test_max_tasks_per_child_replaces_workers(tmp_path):
    d = copies(tmp_path, 5)
    db = str(tmp_path / "r.sqlite")
    out = run_batch([str(d)], db, jobs=1, max_tasks=2, progress=False)
    assert len(out["maxrss_kb"]) == 3  # 5 files, 2 per worker: three worker processes
    assert set(out["cpu_s"]) == set(out["maxrss_kb"]) and all(v > 0 for v in out["cpu_s"].values())
    assert [s for _, s, _ in rows(db)] == ["ok"] * 5


def test_submission_exhibits_become_documents(tmp_path):
    sub = tmp_path / "full.txt"
    sub.write_text(
        "<SEC-DOCUMENT>x\n<DOCUMENT>\n<TYPE>EX-1.1\n<TEXT>\n" + SAMPLE.read_text() + "</TEXT>\n</DOCUMENT>\n"
        "<DOCUMENT>\n<TYPE>EX-99\n<TEXT>\npress release\n</TEXT>\n</DOCUMENT>\n"
    )
    db = str(tmp_path / "r.sqlite")
    run_batch([str(sub)], db, jobs=1, progress=False)
    assert rows(db, "path, exhibit, format, status") == [(f"{sub}#EX-1.1", "EX-1.1", "submission", "ok")]


CLI = "import sys; from checker.batch import main; sys.exit(main(sys.argv[1:]))"


def test_killed_batch_resumes_without_loss_or_duplicates(tmp_path):
    d = copies(tmp_path, 30)
    for f in corpus_dir("seeds").iterdir():
        shutil.copy(f, d / f.name)
    n_files = 34
    db = str(tmp_path / "r.sqlite")
    env = dict(os.environ, CLAUSECHECK_TEST_DELAY="0.15", PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-c", CLI, "batch", str(d), "--db", db, "--jobs", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, cwd=str(tmp_path), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if os.path.exists(db):
                try:
                    committed = sqlite3.connect(db, timeout=1).execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    continue
                if committed >= 5:
                    break
        os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, mid-run
    finally:
        proc.wait()
    before = dict(sqlite3.connect(db).execute("SELECT path, checked_at FROM documents").fetchall())
    assert 5 <= len(before) < n_files, "the batch was not killed mid-run"
    r = subprocess.run(cmd[:-1] + ["--resume", "--quiet", "--no-progress"], env=dict(env, CLAUSECHECK_TEST_DELAY=""),
                       cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    after = rows(db, "path, status, checked_at")
    assert len(after) == n_files and len({p for p, _, _ in after}) == n_files
    assert all(s == "ok" for _, s, _ in after)
    for p, _, at in after:  # what was committed before the kill was kept, not redone
        if p in before:
            assert at == before[p]
    # a third run has nothing to do
    out = run_batch([str(d)], db, jobs=1, resume=True, progress=False)
    assert out["checked"] == 0 and out["skipped"] == n_files


def test_resume_rechecks_changed_files(tmp_path):
    d = copies(tmp_path, 2)
    db = str(tmp_path / "r.sqlite")
    run_batch([str(d)], db, jobs=1, progress=False)
    (d / "doc01.txt").write_text(SAMPLE.read_text() + "\nAn added line.\n")
    out = run_batch([str(d)], db, jobs=1, resume=True, progress=False)
    assert (out["checked"], out["skipped"]) == (1, 1)
    assert len(rows(db)) == 2


def test_dask_engine_gives_the_same_rows(tmp_path):
    pytest.importorskip("distributed")
    d = copies(tmp_path, 2)
    (d / "binary.txt").write_bytes(b"\x00" * 64)
    (d / "w.htm").write_text("<html><body><p>WARRANT</p><p>1. Exercise.</p></body></html>")
    local, dist = str(tmp_path / "local.sqlite"), str(tmp_path / "dask.sqlite")
    run_batch([str(d)], local, jobs=2, progress=False)
    run_batch([str(d)], dist, jobs=2, engine="dask", progress=False)
    cols = "path, source_path, exhibit, format, sha256, size, doc_type, doc_subtype, status, error, tool_version, rules_hash, result_json"
    assert len(rows(local, cols)) == 4
    assert rows(local, cols) == rows(dist, cols)
    q = "SELECT d.path, e.stage, e.message FROM errors e JOIN documents d ON d.id = e.document_id ORDER BY 1, 2, 3"
    assert sqlite3.connect(local).execute(q).fetchall() == sqlite3.connect(dist).execute(q).fetchall()


def _garbage_of_ours(fn) -> list[str]:
    """The types, of checker's own modules, of the objects that ``fn()`` leaves
    in reference cycles (found only by the cyclic collector)."""
    import gc

    fn()  # caches filled, grammar loaded
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        fn()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return sorted({type(o).__module__ + "." + type(o).__qualname__ for o in gc.garbage
                       if type(o).__module__.startswith("checker")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_a_checked_document_leaves_no_reference_cycles():
    # a parsed document held in a cycle (a recursive inner function that keeps
    # the context, which keeps the document) waits for the cyclic collector:
    # memory grows between collections, and each collection walks it all
    from checker.batch import process_file
    from checker.pipeline import check_file

    assert _garbage_of_ours(lambda: check_file(str(SAMPLE))) == []
    task = {"path": str(SAMPLE), "source_path": str(SAMPLE), "sha256": "0", "size": 1}
    config = {"exhibits": ["EX-1"], "options": {}, "tool_version": "t", "rules_hash": "r"}
    assert _garbage_of_ours(lambda: process_file(task, config)) == []
