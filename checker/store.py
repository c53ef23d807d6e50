"""SQLite store for batch results (schema in docs/batch.md).

One input file's documents are written in one transaction, replacing whatever
the store held for that file, so a batch killed at any moment keeps every file
already committed and never holds two results for one document.  The database
runs in WAL mode: readers (``clausecheck query``) do not block the writer.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from typing import Any, Iterable, Optional

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - a dependency; the standard library writes the same values
    _orjson = None

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,   -- document name: the file, or file#EX-1.1
    source_path  TEXT NOT NULL,          -- absolute path of the input file
    exhibit      TEXT,                   -- EX-1.1 for an exhibit of a submission
    format       TEXT,                   -- text, html, docx, submission
    sha256       TEXT NOT NULL,          -- of the input file's bytes
    size         INTEGER,                -- bytes of the input file
    doc_type     TEXT,
    doc_subtype  TEXT,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'error', 'timeout')),
    error        TEXT,
    tool_version TEXT NOT NULL,
    rules_hash   TEXT NOT NULL,
    seconds      REAL,
    checked_at   TEXT NOT NULL,          -- UTC, ISO 8601
    result_json  TEXT                    -- the JSON contract document of this document
);
CREATE TABLE IF NOT EXISTS findings (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT,
    category    TEXT,
    severity    TEXT,
    message     TEXT,
    line        INTEGER,
    "column"    INTEGER,
    quote       TEXT,
    section     TEXT,
    fingerprint TEXT
);
CREATE TABLE IF NOT EXISTS obligations (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    party       TEXT,
    value,                               -- a number, or text when not numeric
    min         REAL,
    unit        TEXT,
    anchor      TEXT,
    as_written  TEXT,
    section     TEXT,
    line        INTEGER
);
CREATE TABLE IF NOT EXISTS errors (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    stage       TEXT,
    message     TEXT NOT NULL,
    line        INTEGER
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_path);
CREATE INDEX IF NOT EXISTS documents_type ON documents(doc_type, doc_subtype);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE INDEX IF NOT EXISTS findings_document ON findings(document_id);
CREATE INDEX IF NOT EXISTS findings_code ON findings(code);
CREATE INDEX IF NOT EXISTS obligations_document ON obligations(document_id);
CREATE INDEX IF NOT EXISTS obligations_kind ON obligations(kind);
CREATE INDEX IF NOT EXISTS errors_document ON errors(document_id);
"""


class StoreError(Exception):
    pass


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if needed) a results database for writing."""
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed file survives a killed process
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA)
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) != SCHEMA_VERSION:
        raise StoreError(f"{path}: schema version {row[0]}, this clausecheck writes version {SCHEMA_VERSION}")
    return conn


def connect_readonly(path: str) -> sqlite3.Connection:
    """A connection that cannot write (``mode=ro`` and ``query_only``)."""
    if not os.path.exists(path):
        raise StoreError(f"{path}: no such database")
    uri = "file:" + os.path.abspath(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=60)
    conn.execute("PRAGMA query_only=ON")
    return conn


# ---------------------------------------------------------------------------
# Identity of a result: content, tool version, rules
# ---------------------------------------------------------------------------


def file_sha256(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _resource_dirs() -> list[str]:
    import checker

    out = []
    for base in list(checker.__path__):
        for name in ("rules", "grammar"):
            d = os.path.join(base, name)
            if os.path.isdir(d) and d not in out:
                out.append(d)
    return out


def rules_hash(options: Optional[dict] = None) -> str:
    """Hash of every rule and grammar file (name and content) and of the check
    options: results computed under other rules or options are not reused."""
    h = hashlib.sha256()
    for d in _resource_dirs():
        for root, dirs, files in os.walk(d):
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for f in sorted(files):
                if f.endswith((".pyc", ".pyo")):
                    continue
                p = os.path.join(root, f)
                h.update(os.path.relpath(p, os.path.dirname(d)).encode() + b"\0")
                with open(p, "rb") as fh:
                    h.update(fh.read())
                h.update(b"\0")
    h.update(json.dumps(options or {}, sort_keys=True, default=str).encode())
    return h.hexdigest()[:32]


def done_files(conn: sqlite3.Connection, tool_version: str, rhash: str) -> dict[str, tuple[str, set[str]]]:
    """source_path -> (sha256, statuses) for files checked by this tool version
    under these rules."""
    out: dict[str, tuple[str, set[str]]] = {}
    for src, sha, status in conn.execute(
        "SELECT source_path, sha256, status FROM documents WHERE tool_version=? AND rules_hash=?",
        (tool_version, rhash),
    ):
        prev = out.get(src)
        if prev and prev[0] != sha:
            continue
        out.setdefault(src, (sha, set()))[1].add(status)
    return out


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _num(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    return v


def result_rows(result: dict) -> dict[str, list[tuple]]:
    """The rows of the findings, obligations and errors tables for one
    document's result (the contract dict), without the document id.  The
    batch workers make them, so that the process that stores them does not."""
    return {
        "findings": [
            (f.get("code"), f.get("name"), f.get("category"), f.get("severity"), f.get("message"),
             f.get("line"), f.get("column"), f.get("quote"), f.get("section"), f.get("fingerprint"))
            for f in result.get("findings", [])
        ],
        "obligations": [
            (o.get("kind"), o.get("party"), _num(o.get("value")), o.get("min"), o.get("unit"),
             o.get("anchor"), o.get("as_written"), o.get("section"), o.get("line"))
            for o in result.get("obligations", [])
        ],
        "errors": [(e.get("stage"), e.get("message", ""), e.get("line")) for e in result.get("errors", [])],
    }


def json_text(result: dict) -> str:
    """A contract document as the store keeps it: compact JSON, keys sorted, UTF-8 text.

    orjson writes it in a fifth of the standard library's time (a batch worker
    writes one per document); a value orjson does not take (an integer beyond
    64 bits, a key that is not a string) falls back to the standard library,
    which reads back as the same values."""
    if _orjson is not None:
        try:
            return _orjson.dumps(result, option=_orjson.OPT_SORT_KEYS).decode("utf-8")
        except TypeError:
            pass
    return json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_file(conn: sqlite3.Connection, source_path: str, records: Iterable[dict]) -> list[int]:
    """Replace the store's documents of one input file with ``records``, in one
    transaction.  Each record: path, exhibit, format, sha256, size, doc_type,
    doc_subtype, status, error, tool_version, rules_hash, seconds, checked_at and
    result (the contract dict, or None) - or, made ready by a batch worker,
    result_json (the same dict as JSON text) and rows (:func:`result_rows`)."""
    ids: list[int] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM documents WHERE source_path=?", (source_path,))
        for r in records:
            conn.execute("DELETE FROM documents WHERE path=?", (r["path"],))
            result = r.get("result")
            text = r.get("result_json")
            if text is None and result is not None:
                text = json_text(result)
            rows = r.get("rows")
            if rows is None and result is not None:
                rows = result_rows(result)
            cur = conn.execute(
                "INSERT INTO documents(path, source_path, exhibit, format, sha256, size, doc_type, doc_subtype,"
                " status, error, tool_version, rules_hash, seconds, checked_at, result_json)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    r["path"], source_path, r.get("exhibit"), r.get("format"), r["sha256"], r.get("size"),
                    r.get("doc_type"), r.get("doc_subtype"), r["status"], r.get("error"), r["tool_version"],
                    r["rules_hash"], r.get("seconds"), r["checked_at"], text,
                ),
            )
            doc_id = cur.lastrowid
            ids.append(doc_id)
            if rows is None:
                if r.get("error"):
                    conn.execute(
                        "INSERT INTO errors(document_id, stage, message, line) VALUES (?,?,?,?)",
                        (doc_id, r.get("error_stage", "batch"), r["error"], None),
                    )
                continue
            conn.executemany(
                'INSERT INTO findings(document_id, code, name, category, severity, message, line, "column",'
                " quote, section, fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(doc_id, *row) for row in rows["findings"]],
            )
            conn.executemany(
                "INSERT INTO obligations(document_id, kind, party, value, min, unit, anchor, as_written, section, line)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(doc_id, *row) for row in rows["obligations"]],
            )
            errs = list(rows["errors"])
            if r.get("error") and not errs:
                errs = [(r.get("error_stage", "batch"), r["error"], None)]
            conn.executemany(
                "INSERT INTO errors(document_id, stage, message, line) VALUES (?,?,?,?)",
                [(doc_id, *row) for row in errs],
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ids


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def summary(conn: sqlite3.Connection, paths: Optional[list[str]] = None) -> dict:
    """Counts for the end-of-batch summary (over ``paths`` = source paths, or all)."""
    where, args = "", []
    if paths is not None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _sel(source_path TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM _sel")
        conn.executemany("INSERT OR IGNORE INTO _sel VALUES (?)", [(p,) for p in paths])
        where = " WHERE d.source_path IN (SELECT source_path FROM _sel)"
    q = lambda sql: conn.execute(sql.replace("{W}", where), args).fetchall()  # noqa: E731
    return {
        "documents": q("SELECT count(*) FROM documents d{W}")[0][0],
        "by_status": dict(q("SELECT status, count(*) FROM documents d{W} GROUP BY status ORDER BY status")),
        "by_type": q(
            "SELECT coalesce(doc_type, '-'), coalesce(doc_subtype, '-'), count(*) FROM documents d{W}"
            " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        ),
        "by_rule": q(
            "SELECT f.code, f.severity, count(*), count(DISTINCT f.document_id) FROM findings f"
            " JOIN documents d ON d.id = f.document_id{W} GROUP BY f.code, f.severity ORDER BY 3 DESC, 1"
        ),
        "failed": q("SELECT path, status, error FROM documents d{W}" + (" AND" if where else " WHERE") + " status != 'ok' ORDER BY path"),
        "stage_errors": q(
            "SELECT e.stage, count(*) FROM errors e JOIN documents d ON d.id = e.document_id{W}"
            " GROUP BY e.stage ORDER BY 2 DESC"
        ),
    }
