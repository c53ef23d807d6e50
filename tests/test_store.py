"""SQLite store, named queries, read-only SQL and export."""
from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3

import pytest

from checker import query, store


def rec(path, *, status="ok", doc_type="underwriting_agreement", subtype="ipo", obligations=(), findings=(), error=None):
    result = None
    if status == "ok":
        result = {"path": path, "doc_type": doc_type, "doc_subtype": subtype, "obligations": list(obligations),
                  "findings": list(findings), "errors": []}
    return {
        "path": path, "exhibit": None, "format": "text", "sha256": "ab" * 32, "size": 10, "doc_type": doc_type,
        "doc_subtype": subtype, "status": status, "error": error, "tool_version": "0.1.0", "rules_hash": "r1",
        "seconds": 0.5, "checked_at": "2024-01-01T00:00:00+00:00", "result": result,
    }


def ob(kind, value, unit=None, line=1):
    return {"kind": kind, "party": "Company", "value": value, "min": None, "unit": unit, "anchor": None,
            "as_written": f"{value} {unit or ''}".strip(), "section": "5(e)", "line": line, "column": 1, "quote": "q"}


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "r.sqlite")
    conn = store.connect(path)
    store.record_file(conn, "x/a.txt", [rec("a.txt", obligations=[ob("lockup", 90, "day", 12), ob("default_threshold", 1 / 11)])])
    store.record_file(conn, "x/b.txt", [rec("b.txt", obligations=[ob("lockup", 180, "day"), ob("default_threshold", 10.0)])])
    store.record_file(conn, "x/c.txt", [rec("c.txt", subtype="follow_on", obligations=[ob("lockup", 3, "month"), ob("default_threshold", 0.05)])])
    store.record_file(conn, "x/d.txt", [rec("d.txt", status="error", error="d.txt: not a text agreement: binary data")])
    store.record_file(conn, "x/e.txt", [rec("e.txt", findings=[{"code": "LOCK001", "name": "lockup.short", "category": "lockup",
                                                                  "severity": "error", "message": "m", "line": 7, "column": 3,
                                                                  "quote": "q", "section": "5", "fingerprint": "v1:x"}])])
    conn.close()
    return path


def args(**kw):
    base = dict(db=None, lockup_under=None, default_threshold_not_standard=False, rule=None, failed=False,
                doc_type=None, doc_subtype=None, sql=None, format="jsonl", output=None)
    base.update(kw)
    return argparse.Namespace(**base)


def run_query(capsys, **kw):
    assert query.cmd_query(args(**kw)) == 0
    return [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]


def test_schema_wal_and_indexes(db):
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "findings", "obligations", "errors", "meta"} <= tables
    idx = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"findings_code", "obligations_kind", "documents_source"} <= idx
    cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    for c in ("id", "path", "sha256", "size", "doc_type", "doc_subtype", "status", "error", "tool_version",
              "rules_hash", "seconds", "checked_at", "result_json"):
        assert c in cols


def test_record_file_replaces_a_files_documents(db):
    conn = store.connect(db)
    store.record_file(conn, "x/a.txt", [rec("a.txt#EX-1.1"), rec("a.txt#EX-4.1", doc_type="warrant")])
    rows = conn.execute("SELECT path FROM documents WHERE source_path='x/a.txt' ORDER BY path").fetchall()
    assert rows == [("a.txt#EX-1.1",), ("a.txt#EX-4.1",)]
    # the old document's obligations went with it (cascade)
    assert conn.execute("SELECT count(*) FROM obligations o LEFT JOIN documents d ON d.id=o.document_id WHERE d.id IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 6


def test_failed_document_has_an_errors_row(db):
    conn = sqlite3.connect(db)
    assert conn.execute(
        "SELECT e.stage, e.message FROM errors e JOIN documents d ON d.id=e.document_id WHERE d.path='d.txt'"
    ).fetchall() == [("batch", "d.txt: not a text agreement: binary data")]


def test_done_files_matches_version_and_rules(db):
    conn = store.connect(db)
    assert set(store.done_files(conn, "0.1.0", "r1")) == {f"x/{c}.txt" for c in "abcde"}
    assert store.done_files(conn, "0.1.0", "other") == {}
    assert store.done_files(conn, "0.2.0", "r1") == {}


def test_rules_hash_depends_on_options():
    assert store.rules_hash({"select": ["LOCK"]}) != store.rules_hash({})
    assert store.rules_hash({}) == store.rules_hash({})


def test_lockup_under(db, capsys):
    rows = run_query(capsys, db=db, lockup_under=180)
    assert [(r["path"], r["days"]) for r in rows] == [("a.txt", 90), ("c.txt", 90)]  # 3 months = 90 days; 180 not under
    rows = run_query(capsys, db=db, lockup_under=180, doc_subtype="ipo")
    assert [r["path"] for r in rows] == ["a.txt"]


def test_default_threshold_not_standard(db, capsys):
    rows = run_query(capsys, db=db, default_threshold_not_standard=True)
    assert [(r["path"], r["value"]) for r in rows] == [("c.txt", 0.05)]  # 1/11 and 10% are standard


def test_rule_and_failed(db, capsys):
    assert [r["path"] for r in run_query(capsys, db=db, rule="LOCK")] == ["e.txt"]
    assert [(r["path"], r["status"]) for r in run_query(capsys, db=db, failed=True)] == [("d.txt", "error")]


def test_sql_is_read_only(db, capsys):
    rows = run_query(capsys, db=db, sql="SELECT count(*) AS n FROM documents")
    assert rows == [{"n": 5}]
    with pytest.raises(store.StoreError, match="readonly|read-only|query failed"):
        query.cmd_query(args(db=db, sql="DELETE FROM documents"))
    assert sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 5


def test_table_and_csv_output(db, capsys):
    query.cmd_query(args(db=db, failed=True, format="csv"))
    out = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert out[0] == ["path", "status", "error", "seconds", "checked_at"] and out[1][0] == "d.txt"
    query.cmd_query(args(db=db, failed=True, format="table"))
    assert "d.txt" in capsys.readouterr().out


def test_export(db, capsys, tmp_path):
    query.cmd_export(argparse.Namespace(db=db, format="jsonl", table="findings", output=None))
    docs = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [d["path"] for d in docs] == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    assert docs[3]["batch"]["status"] == "error" and docs[3]["errors"][0]["message"].endswith("binary data")
    assert docs[0]["obligations"][0]["kind"] == "lockup"
    out = tmp_path / "f.csv"
    query.cmd_export(argparse.Namespace(db=db, format="csv", table="findings", output=str(out)))
    rows = list(csv.reader(out.open()))
    assert rows[0][:3] == ["path", "code", "name"] and rows[1][:2] == ["e.txt", "LOCK001"]


def test_worker_made_rows_store_the_same_tables(tmp_path):
    # a batch worker sends the JSON text and the rows ready; the store holds the same as from the dict
    finding = {"code": "LOCK001", "name": "lockup.short", "category": "lockup", "severity": "error",
               "message": "lock-up of 90 days", "line": 12, "column": 3, "quote": "90 days", "section": "5(e)",
               "fingerprint": "f1"}
    made = rec("a.txt", obligations=[ob("lockup", 90, "day", 12)], findings=[finding])
    made["result"]["errors"] = [{"stage": "rules", "message": "x failed", "line": None}]
    ready = dict(made)
    result = ready.pop("result")
    ready["result_json"] = store.json_text(result)
    ready["rows"] = store.result_rows(result)

    def tables(record):
        path = str(tmp_path / f"{len(list(tmp_path.iterdir()))}.sqlite")
        conn = store.connect(path)
        store.record_file(conn, "x/a.txt", [record])
        out = [conn.execute("SELECT path, status, result_json FROM documents").fetchall()]
        for t, cols in (("findings", 'code, name, category, severity, message, line, "column", quote, section, fingerprint'),
                        ("obligations", "kind, party, value, min, unit, anchor, as_written, section, line"),
                        ("errors", "stage, message, line")):
            out.append(conn.execute(f"SELECT {cols} FROM {t}").fetchall())
        conn.close()
        return out

    got = tables(ready)
    assert got == tables(made)
    assert got[1] == [("LOCK001", "lockup.short", "lockup", "error", "lock-up of 90 days", 12, 3, "90 days", "5(e)", "f1")]
    assert got[2] == [("lockup", "Company", 90, None, "day", None, "90 day", "5(e)", 12)]
    assert got[3] == [("rules", "x failed", None)]


def test_json_text_is_compact_sorted_and_reads_back_the_same():
    result = {"path": "a.txt", "findings": [{"quote": "the “Company”", "line": 3}], "doc_type": "warrant"}
    text = store.json_text(result)
    assert text == '{"doc_type":"warrant","findings":[{"line":3,"quote":"the “Company”"}],"path":"a.txt"}'
    assert json.loads(text) == result


def test_json_text_takes_what_orjson_refuses():
    # an integer beyond 64 bits and a key that is not a string: the standard library writes them
    result = {"big": 2**70, "by_line": {3: "x"}}
    assert json.loads(store.json_text(result)) == {"big": 2**70, "by_line": {"3": "x"}}
