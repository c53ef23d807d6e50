"""Hostile inputs: every one gets a clear error or a clean result, within bounded
time and memory, and no traceback ever reaches the user.

Each case runs the real command line (``python -m checker check FILE``) in a
subprocess whose peak RSS is measured with ``resource.getrusage`` by a small
wrapper process (the wrapper's only child is the CLI).  Exit codes: 0 clean,
1 findings, 2 a document that could not be read (or an internal error, which
these tests treat as a failure unless the stage is named in the message).

The 50 MB case is marked ``slow`` and runs only with CLAUSECHECK_HOSTILE_BIG=1:
it does not finish within its limit yet (see the skip reason).
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample-underwriting-agreement.txt"

# Time and memory bounds per case (seconds, MB of peak RSS of the CLI process).
LIMIT_S = 30.0
LIMIT_MB = 600
BIG_LIMIT_S = 60.0  # 50 MB of agreement text: checked within a minute, or refused
BIG_LIMIT_MB = 2000

_WRAPPER = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:])\n"
    "sys.stderr.write('\\n__RSS_KB__=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


class Run:
    def __init__(self, rc: int, stdout: str, stderr: str, seconds: float, rss_mb: float) -> None:
        self.rc, self.stdout, self.stderr, self.seconds, self.rss_mb = rc, stdout, stderr, seconds, rss_mb

    def __repr__(self) -> str:
        return f"Run(rc={self.rc}, {self.seconds:.1f}s, {self.rss_mb:.0f} MB, stderr={self.stderr[-400:]!r})"


def run_cli(*args: str, timeout: float = LIMIT_S + 30) -> Run:
    """``python -m checker ARGS`` with its peak RSS measured."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("CLAUSECHECK_DEBUG", None)
    t0 = time.perf_counter()
    # a session of its own, so that a run over its time is killed with its child
    p = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "checker", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", cwd=str(REPO), env=env,
        start_new_session=True,
    )
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        pytest.fail(f"clausecheck {' '.join(args)} still running after {timeout:.0f}s (killed)")
    dt = time.perf_counter() - t0
    m = re.search(r"\n__RSS_KB__=(\d+)\n$", err)
    rss = int(m.group(1)) / 1024 if m else float("nan")
    err = err[: m.start()] if m else err
    return Run(p.returncode, out, err, dt, rss)


def assert_clean_exit(r: Run, *, limit_s: float = LIMIT_S, limit_mb: float = LIMIT_MB) -> None:
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r
    assert r.rc in (0, 1, 2), r
    assert r.seconds < limit_s, f"took {r.seconds:.1f}s (limit {limit_s}s): {r}"
    assert r.rss_mb < limit_mb, f"peak RSS {r.rss_mb:.0f} MB (limit {limit_mb} MB): {r}"


def assert_refused(r: Run, *words: str) -> None:
    """A clear one-line reason on stderr naming the file, exit status 2."""
    assert_clean_exit(r)
    assert r.rc == 2, r
    msg = (r.stderr + r.stdout).lower()
    assert any(w.lower() in msg for w in words), f"expected one of {words} in the message: {r}"


def assert_checked(r: Run, *, limit_s: float = LIMIT_S, limit_mb: float = LIMIT_MB) -> None:
    """A result, not a refusal: exit 0 or 1, or 2 only for an error the tool names
    as a stage error (never a traceback)."""
    assert_clean_exit(r, limit_s=limit_s, limit_mb=limit_mb)
    if r.rc == 2:
        assert "clausecheck:" in r.stderr, r


# ---------------------------------------------------------------------------
# The hostile files (built in a temporary directory)
# ---------------------------------------------------------------------------


def _docx(document_xml: bytes, *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_zip_bomb() -> bytes:
    """word/document.xml of 200 MB of one repeated character, a few hundred KB zipped."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(200):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
)


def _docx_entity_bomb() -> bytes:
    xml = _LAUGHS + f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    return _docx(xml.encode())


def _html_entity_bomb() -> str:
    return _LAUGHS + "<html><body><p>UNDERWRITING AGREEMENT</p><p>&lol9; &lol9; Section 1 hereof</p></body></html>\n"


SCRIPT_MARK = "clausecheck-hostile-script-7f3a"


def _html_script() -> str:
    return (
        "<html><head><script>alert('HEAD-" + SCRIPT_MARK + "')</script></head><body>\n"
        "<p>UNDERWRITING AGREEMENT</p>\n"
        "<p>1. The Company agrees to sell thirty (30) shares.<script>document.write('" + SCRIPT_MARK + "')</script></p>\n"
        '<p><img src=x onerror="alert(1)"> Section 1 hereof.</p>\n'
        "</body></html>\n"
    )


def _agreement_text(size: int) -> bytes:
    base = SAMPLE.read_bytes()
    reps = size // len(base) + 1
    return (base * reps)[:size]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "whitespace.txt": b"  \n\t\n\r\n   \n" * 100,
        "binary.bin": bytes(range(256)) * 400,
        "one-line-5mb.txt": (b"The Underwriters shall purchase thirty (30) Shares under Section 2 hereof; " * 70000)[: 5 * 1024 * 1024],
        "nested-parens.txt": b"UNDERWRITING AGREEMENT\n\n1. Terms " + b"(" * 10000 + b"thirty (30) days" + b")" * 10000 + b".\n",
        "invalid-utf8.txt": SAMPLE.read_bytes().replace(b"Agreement", b"Agr\xe9\xff\xfeement", 3),
        "utf16.txt": SAMPLE.read_text(encoding="utf-8").encode("utf-16"),
        "zip-bomb.docx": _docx_zip_bomb(),
        "entity-bomb.docx": _docx_entity_bomb(),
        "entity-bomb.html": _html_entity_bomb().encode(),
        "script.html": _html_script().encode(),
    }
    out = {}
    for name, data in files.items():
        p = d / name
        p.write_bytes(data)
        out[name] = p
    return out


# ---------------------------------------------------------------------------
# One file at a time through ``clausecheck check``
# ---------------------------------------------------------------------------


def test_empty_file_is_refused(hostile):
    assert_refused(run_cli("check", str(hostile["empty.txt"])), "empty")


def test_whitespace_only_is_refused(hostile):
    assert_refused(run_cli("check", str(hostile["whitespace.txt"])), "white space", "no text")


def test_binary_is_refused(hostile):
    assert_refused(run_cli("check", str(hostile["binary.bin"])), "binary", "not a text agreement")


def test_single_5mb_line(hostile):
    assert_checked(run_cli("check", str(hostile["one-line-5mb.txt"])))


def test_ten_thousand_nested_parentheses(hostile):
    assert_checked(run_cli("check", str(hostile["nested-parens.txt"])))


def test_invalid_utf8_is_read_with_a_note(hostile):
    r = run_cli("check", "--format", "json", str(hostile["invalid-utf8.txt"]))
    assert_checked(r)
    import json

    doc = json.loads(r.stdout)["documents"][0]
    assert doc["encoding"] in ("cp1252", "latin-1")
    assert any("not valid UTF-8" in n for n in doc["notes"])
    assert not any(e["stage"] == "load" for e in doc["errors"])


def test_utf16_is_decoded(hostile):
    r = run_cli("check", "--format", "json", str(hostile["utf16.txt"]))
    assert_checked(r)
    import json

    doc = json.loads(r.stdout)["documents"][0]
    assert doc["encoding"] == "utf-16"
    assert not any(e["stage"] == "load" for e in doc["errors"])


def test_docx_zip_bomb_is_refused(hostile):
    # ``check`` reads plain text; a ZIP archive is refused by the loader
    assert_refused(run_cli("check", str(hostile["zip-bomb.docx"])), "zip", "refused")
    # the format-aware reader (used by ``batch``) refuses it before decompressing
    from checker.formats import check_any

    t0 = time.perf_counter()
    (res,) = check_any(str(hostile["zip-bomb.docx"]))
    assert time.perf_counter() - t0 < 5
    assert not res.readable
    assert "zip bomb" in res.errors[0].message.lower() or "expands" in res.errors[0].message


def test_docx_entity_bomb_is_refused(hostile):
    assert_refused(run_cli("check", str(hostile["entity-bomb.docx"])), "zip", "refused")
    from checker.formats import check_any

    t0 = time.perf_counter()
    (res,) = check_any(str(hostile["entity-bomb.docx"]))
    assert time.perf_counter() - t0 < 5
    assert not res.readable
    assert "DTD" in res.errors[0].message or "entity" in res.errors[0].message


def test_html_entity_bomb_is_not_expanded(hostile):
    r = run_cli("check", "--format", "json", str(hostile["entity-bomb.html"]))
    assert_checked(r)
    assert "lollollollollol" not in r.stdout  # never expanded
    from checker.formats import check_any

    t0 = time.perf_counter()
    results = check_any(str(hostile["entity-bomb.html"]))
    assert time.perf_counter() - t0 < 10
    for res in results:
        if res.parsed is not None:
            assert "lollollollollol" not in res.parsed.source.text


def test_html_script_is_never_executable_in_the_html_report(hostile, tmp_path):
    pytest.importorskip("reports.html_report")
    out = tmp_path / "report.html"
    r = run_cli("check", "--format", "html", "-o", str(out), str(hostile["script.html"]))
    assert_checked(r)
    page = out.read_text(encoding="utf-8")
    # the only script elements are the report's own (one inline, allowed by hash)
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S | re.I)
    assert all(SCRIPT_MARK not in s for s in scripts), "document script text inside a <script> element"
    assert "onerror=\"alert" not in page and "<img src=x" not in page
    # the document's own text, when shown, is escaped
    if SCRIPT_MARK in page:
        for m in re.finditer(re.escape(SCRIPT_MARK), page):
            before = page[max(0, m.start() - 200) : m.start()]
            assert "<script>" not in before.rsplit("\n", 1)[-1], before
        assert "&lt;script&gt;" in page
    # the format-aware reader drops script content from the text it checks
    from checker.formats import load_any

    ((_, src),) = load_any(str(hostile["script.html"]))
    assert SCRIPT_MARK not in src.text


@pytest.mark.slow
def test_50mb_agreement_text(tmp_path):
    p = tmp_path / "big-50mb.txt"
    p.write_bytes(_agreement_text(50 * 1024 * 1024))
    r = run_cli("check", "--quiet", str(p), timeout=BIG_LIMIT_S)
    print(f"50 MB: rc={r.rc} {r.seconds:.1f}s peak RSS {r.rss_mb:.0f} MB")
    # one agreement is at most a few MB: 50 MB is refused at once, with the reason
    assert_refused(r, "too large")
    assert r.seconds < 10 and r.rss_mb < 200


def test_above_the_size_limit_is_refused_without_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:  # a sparse file: no disk space, no reading
        fh.truncate(65 * 1024 * 1024)
    r = run_cli("check", str(p))
    assert_refused(r, "too large")
    assert r.rss_mb < 200


# ---------------------------------------------------------------------------
# All of them in one batch
# ---------------------------------------------------------------------------


def test_batch_with_every_hostile_file(hostile, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for p in hostile.values():
        shutil.copy(p, d / p.name)
    shutil.copy(SAMPLE, d / "sample-a.txt")
    shutil.copy(SAMPLE, d / "sample-b.txt")
    db = tmp_path / "out.sqlite"
    r = run_cli("batch", str(d), "--db", str(db), "--jobs", "2", "--timeout", "60", "--no-progress", timeout=240)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r
    assert r.rc in (0, 2), r
    con = sqlite3.connect(db)
    rows = {os.path.basename(p): (s, e) for p, s, e in con.execute("SELECT path, status, error FROM documents")}
    con.close()
    for name in ("sample-a.txt", "sample-b.txt"):
        assert rows.get(name, ("missing", None))[0] == "ok", rows
    # every file is accounted for, each either checked or refused with a reason
    names = {os.path.basename(str(p)).split("#")[0] for p in rows}
    assert names >= {p.name for p in hostile.values()} | {"sample-a.txt", "sample-b.txt"}, rows
    for name, (status, err) in rows.items():
        assert status in ("ok", "error", "timeout")
        if status != "ok":
            assert err, (name, status)
    for refused in ("empty.txt", "whitespace.txt", "binary.bin", "zip-bomb.docx", "entity-bomb.docx"):
        assert rows[refused][0] == "error", (refused, rows[refused])
