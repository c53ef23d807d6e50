"""Terminal report: a table per document, grouped by severity, and a summary line."""
from __future__ import annotations

import os
import sys

from tabulate import tabulate

_SEV_ORDER = ("error", "warning", "info")
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _use_colour(option) -> bool:
    if option is not None:
        return bool(option)
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def render(results, *, colour=None, quiet: bool = False, verbose: bool = False, **options) -> str:
    use_colour = _use_colour(colour)
    out: list[str] = []
    totals = {"error": 0, "warning": 0, "info": 0}
    blanks = 0
    unreadable = 0
    for res in results:
        if not res.readable:
            unreadable += 1
            for e in res.errors:
                out.append(f"{res.path}: error: {e.message}")
            continue
        shown = [f for f in res.findings if not f.suppressed]
        for f in shown:
            totals[f.severity] += 1
        blanks += sum(1 for f in shown if f.category == "blanks")
        if quiet:
            continue
        header = f"{res.path}  [{res.doc_type}{'/' + res.doc_subtype if res.doc_subtype else ''}]"
        out.append(header)
        out.append("=" * min(len(header), 100))
        for note in res.notes:
            out.append(f"note: {note}")
        for e in res.errors:
            where = f"line {e.line}: " if e.line else ""
            if e.stage == "grammar" and not verbose:
                continue
            out.append(f"{e.stage} error: {where}{e.message}")
        if verbose and res.obligations:
            rows = [
                (o.kind, o.party or "", o.as_written or o.value, o.section or "", o.line)
                for o in res.obligations
            ]
            out.append(tabulate(rows, headers=["key term", "party", "as written", "section", "line"]))
            out.append("")
        for sev in _SEV_ORDER:
            group = [f for f in shown if f.severity == sev]
            if not group:
                continue
            label = f"{sev.upper()}S ({len(group)})"
            if use_colour:
                label = f"{_COLOURS[sev]}{label}{_RESET}"
            out.append(label)
            rows = []
            for f in group:
                rows.append(
                    (
                        f.code,
                        f"{f.line}:{f.column}",
                        _short(f.message, 70 if not verbose else 200),
                        _short(f.quote, 40 if not verbose else 120),
                    )
                )
            out.append(tabulate(rows, headers=["code", "line:col", "message", "quote"], tablefmt="simple"))
            out.append("")
        if not shown:
            out.append("no findings")
            out.append("")
    n = len(results)
    summary = (
        f"{n} document{'s' if n != 1 else ''}: {totals['error']} error{'s' if totals['error'] != 1 else ''}, "
        f"{totals['warning']} warning{'s' if totals['warning'] != 1 else ''}, {totals['info']} info, "
        f"{blanks} blank{'s' if blanks != 1 else ''} to fill"
    )
    if unreadable:
        summary += f", {unreadable} unreadable"
    out.append(summary)
    return "\n".join(out) + "\n"
