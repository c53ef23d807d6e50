"""Questions over a batch results database: ``clausecheck query`` and ``clausecheck export``.

Named questions (combine with ``--doc-type`` / ``--doc-subtype``):

``--lockup-under DAYS``
    lock-up obligations shorter than DAYS (weeks count 7 days, months 30, years 365).
``--default-threshold-not-standard``
    underwriter-default thresholds that are neither one-eleventh nor 10 %
    (within 1e-3; a value above 1 is read as a percentage).
``--rule CODE``
    findings of one rule (or a code prefix).
``--failed``
    documents whose check failed or timed out.

``--sql "SELECT ..."`` runs any query on a read-only connection.
"""
from __future__ import annotations

import csv
import json
import sqlite3
import sys
from typing import Optional

from .store import StoreError, connect_readonly

DEFAULT_THRESHOLD_TOLERANCE = 1e-3
STANDARD_DEFAULT_THRESHOLDS = (1 / 11, 0.10)

_DAYS = (
    "(CASE WHEN lower(coalesce(o.unit, 'day')) LIKE 'week%' THEN 7"
    " WHEN lower(o.unit) LIKE 'month%' THEN 30"
    " WHEN lower(o.unit) LIKE 'year%' THEN 365 ELSE 1 END)"
)
_RATIO = "(CASE WHEN o.value > 1 THEN o.value / 100.0 ELSE o.value END)"
_NUMERIC = "typeof(o.value) IN ('integer', 'real')"


def _filters(args, alias: str = "d") -> tuple[str, list]:
    conds, params = [], []
    if getattr(args, "doc_type", None):
        conds.append(f"{alias}.doc_type = ?")
        params.append(args.doc_type)
    if getattr(args, "doc_subtype", None):
        conds.append(f"{alias}.doc_subtype = ?")
        params.append(args.doc_subtype)
    return "".join(f" AND {c}" for c in conds), params


def named_query(args) -> tuple[str, list]:
    """The SQL and parameters of the named question in ``args``."""
    extra, params = _filters(args)
    chosen = [n for n in ("lockup_under", "default_threshold_not_standard", "rule", "failed")
              if getattr(args, n, None) not in (None, False)]
    if len(chosen) > 1:
        raise StoreError("ask one named question at a time (" + ", ".join("--" + c.replace("_", "-") for c in chosen) + ")")
    if args.lockup_under is not None:
        return (
            "SELECT d.path, d.doc_type, d.doc_subtype, o.party, o.value, o.unit, o.value * " + _DAYS + " AS days,"
            " o.as_written, o.section, o.line FROM obligations o JOIN documents d ON d.id = o.document_id"
            " WHERE (replace(replace(lower(o.kind), '-', ''), '_', '') LIKE '%lockup%') AND " + _NUMERIC
            + " AND o.value * " + _DAYS + " < ?" + extra + " ORDER BY d.path, o.line",
            [args.lockup_under] + params,
        )
    if args.default_threshold_not_standard:
        a, b = STANDARD_DEFAULT_THRESHOLDS
        tol = DEFAULT_THRESHOLD_TOLERANCE
        return (
            "SELECT d.path, d.doc_type, d.doc_subtype, o.kind, o.value, o.unit, o.as_written, o.section, o.line"
            " FROM obligations o JOIN documents d ON d.id = o.document_id"
            " WHERE lower(o.kind) LIKE '%default%' AND " + _NUMERIC
            + f" AND abs({_RATIO} - ?) > ? AND abs({_RATIO} - ?) > ?" + extra + " ORDER BY d.path, o.line",
            [a, tol, b, tol] + params,
        )
    if args.rule:
        return (
            'SELECT d.path, f.code, f.severity, f.line, f."column", f.section, f.message, f.quote'
            " FROM findings f JOIN documents d ON d.id = f.document_id"
            " WHERE (f.code = ? OR f.code LIKE ?)" + extra + ' ORDER BY d.path, f.line, f."column", f.code',
            [args.rule.upper(), args.rule.upper() + "%"] + params,
        )
    if args.failed:
        return (
            "SELECT d.path, d.status, d.error, d.seconds, d.checked_at FROM documents d"
            " WHERE d.status != 'ok'" + extra + " ORDER BY d.path",
            params,
        )
    return (
        "SELECT d.path, d.doc_type, d.doc_subtype, d.status,"
        " (SELECT count(*) FROM findings f WHERE f.document_id = d.id) AS findings,"
        " (SELECT count(*) FROM errors e WHERE e.document_id = d.id) AS errors"
        " FROM documents d WHERE 1" + extra + " ORDER BY d.path",
        params,
    )


def write_rows(cols: list[str], rows: list, fmt: str, out) -> None:
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        w.writerows(rows)
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(dict(zip(cols, r)), ensure_ascii=False, sort_keys=False) + "\n")
    else:
        from tabulate import tabulate

        out.write(tabulate(rows, headers=cols, disable_numparse=True) + "\n")
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _open_out(path: Optional[str]):
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout


def cmd_query(args) -> int:
    conn = connect_readonly(args.db)
    try:
        if args.sql:
            if any(getattr(args, n, None) not in (None, False) for n in ("lockup_under", "default_threshold_not_standard", "rule", "failed")):
                raise StoreError("--sql cannot be combined with a named question")
            sql, params = args.sql, []
        else:
            sql, params = named_query(args)
        try:
            cur = conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"query failed: {exc}") from None
        cols = [c[0] for c in cur.description or []]
        rows = cur.fetchall()
    finally:
        conn.close()
    out = _open_out(args.output)
    try:
        write_rows(cols, rows, args.format, out)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


_EXPORT_SQL = {
    "documents": "SELECT id, path, source_path, exhibit, format, sha256, size, doc_type, doc_subtype, status, error,"
                 " tool_version, rules_hash, seconds, checked_at FROM documents ORDER BY path",
    "findings": 'SELECT d.path, f.code, f.name, f.category, f.severity, f.message, f.line, f."column", f.quote,'
                " f.section, f.fingerprint FROM findings f JOIN documents d ON d.id = f.document_id"
                ' ORDER BY d.path, f.line, f."column", f.code',
    "obligations": "SELECT d.path, o.kind, o.party, o.value, o.min, o.unit, o.anchor, o.as_written, o.section, o.line"
                   " FROM obligations o JOIN documents d ON d.id = o.document_id ORDER BY d.path, o.line, o.kind",
    "errors": "SELECT d.path, e.stage, e.message, e.line FROM errors e JOIN documents d ON d.id = e.document_id"
              " ORDER BY d.path, e.line",
}


def export_jsonl(conn: sqlite3.Connection, out) -> int:
    """One JSON contract document per line, with the batch fields added under ``batch``."""
    n = 0
    for path, status, error, sha, tv, rh, secs, at, rj, did in conn.execute(
        "SELECT path, status, error, sha256, tool_version, rules_hash, seconds, checked_at, result_json, id"
        " FROM documents ORDER BY path"
    ):
        doc = json.loads(rj) if rj else {
            "path": path,
            "errors": [
                {k: v for k, v in (("message", m), ("stage", s), ("line", ln)) if v is not None}
                for s, m, ln in conn.execute("SELECT stage, message, line FROM errors WHERE document_id=?", (did,))
            ],
        }
        doc["path"] = path
        doc["batch"] = {"status": status, "error": error, "sha256": sha, "tool_version": tv, "rules_hash": rh,
                        "seconds": secs, "checked_at": at}
        out.write(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n


def cmd_export(args) -> int:
    conn = connect_readonly(args.db)
    out = _open_out(args.output)
    try:
        if args.format == "jsonl":
            export_jsonl(conn, out)
        else:
            cur = conn.execute(_EXPORT_SQL[args.table])
            write_rows([c[0] for c in cur.description], cur.fetchall(), "csv", out)
    finally:
        conn.close()
        if out is not sys.stdout:
            out.close()
    return 0
