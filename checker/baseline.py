"""Baselines and waivers for template regression.

A baseline records findings by fingerprint (rule code, document name and the
normalised matched text — never the line number), so re-paginating a template
does not invalidate it.  ``check --baseline FILE`` marks recorded findings as
suppressed: they stay in JSON and SARIF (marked suppressed) but no longer count
for the exit status or the terminal table.

An entry may carry a ``reason`` and an ``expires`` date (a waiver).  An expired
waiver suppresses nothing: the finding is reported again, with a note saying
which waiver expired.

File format (JSON)::

    {"version": 1, "tool": "clausecheck 0.1.0",
     "findings": [{"fingerprint": "v1:…", "code": "LOCK001", "path": "form.txt",
                   "quote": "…", "message": "…", "reason": "house form", "expires": "2027-06-30"}]}
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from typing import Iterable, Optional

from . import __version__

BASELINE_VERSION = 1


class BaselineError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    code: str
    path: str
    quote: str
    message: str
    reason: Optional[str] = None
    expires: Optional[_dt.date] = None

    def expired(self, today: _dt.date) -> bool:
        return self.expires is not None and self.expires < today


def build(results: Iterable) -> dict:
    entries = []
    for res in results:
        for f in res.findings:
            entries.append(
                {
                    "fingerprint": f.fingerprint,
                    "code": f.code,
                    "path": os.path.basename(res.path),
                    "quote": f.quote,
                    "message": f.message,
                    "reason": None,
                    "expires": None,
                }
            )
    entries.sort(key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    return {"version": BASELINE_VERSION, "tool": f"clausecheck {__version__}", "findings": entries}


def write(results: Iterable, path: str, keep_waivers_from: Optional[str] = None) -> dict:
    """Write a baseline; reasons and expiry dates of entries that still match are kept."""
    data = build(results)
    if keep_waivers_from and os.path.exists(keep_waivers_from):
        old = {e.fingerprint: e for e in load(keep_waivers_from)}
        for e in data["findings"]:
            prev = old.get(e["fingerprint"])
            if prev:
                e["reason"] = prev.reason
                e["expires"] = prev.expires.isoformat() if prev.expires else None
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return data


def load(path: str) -> list[Entry]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file") from None
    except (OSError, ValueError) as exc:
        raise BaselineError(f"{path}: not a clausecheck baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a clausecheck baseline (version {BASELINE_VERSION} expected)")
    out = []
    for i, e in enumerate(data["findings"]):
        try:
            exp = e.get("expires")
            out.append(
                Entry(
                    fingerprint=e["fingerprint"],
                    code=e.get("code", ""),
                    path=e.get("path", ""),
                    quote=e.get("quote", ""),
                    message=e.get("message", ""),
                    reason=e.get("reason"),
                    expires=_dt.date.fromisoformat(exp) if exp else None,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BaselineError(f"{path}: entry {i + 1} is malformed: {exc}") from None
    return out


def apply_baseline(results: list, path: str, today: Optional[_dt.date] = None) -> list:
    """Mark findings recorded in the baseline as suppressed (in place; returns ``results``)."""
    today = today or _dt.date.today()
    entries = {e.fingerprint: e for e in load(path)}
    used: set[str] = set()
    for res in results:
        new = []
        for f in res.findings:
            e = entries.get(f.fingerprint)
            if e is None:
                new.append(f)
                continue
            used.add(e.fingerprint)
            if e.expired(today):
                why = f" ({e.reason})" if e.reason else ""
                new.append(f.model_copy(update={"message": f"{f.message} [waiver expired {e.expires.isoformat()}{why}]"}))
                res.notes.append(f"waiver for {f.code} at line {f.line} expired on {e.expires.isoformat()}")
            else:
                new.append(f.model_copy(update={"suppressed": True}))
        res.findings = new
    names = {os.path.basename(r.path) for r in results}
    stale = [e for e in entries.values() if e.path in names and e.fingerprint not in used]
    for res in results:
        n = sum(1 for e in stale if e.path == os.path.basename(res.path))
        if n:
            res.notes.append(f"{n} baseline entr{'y' if n == 1 else 'ies'} no longer match (fixed, or the text changed)")
    return results
