"""Markdown: for pull-request comments and review memos.

Per document: a heading, a summary line, a table of findings, the related places
of each inconsistency, the blanks to fill before signing, the key terms and the
errors.  GitHub-flavoured Markdown; every piece of document text is escaped so a
quote can never break the table or inject markup.
"""
from __future__ import annotations

import re

_SEV_ORDER = ("error", "warning", "info")
_SEV_RANK = {"info": 0, "warning": 1, "error": 2}
_SEV_LABEL = {"error": "\U0001F534 error", "warning": "\U0001F7E0 warning", "info": "\U0001F535 info"}

# characters with a meaning in Markdown inline text
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")
_WS = re.compile(r"\s+")


def _one_line(text) -> str:
    return _WS.sub(" ", _CONTROL.sub("", str(text if text is not None else ""))).strip()


def md_text(text, limit: int | None = None) -> str:
    """Plain text made safe for a Markdown table cell: one line, markup escaped."""
    s = _one_line(text)
    if limit and len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    s = s.replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_code(text, limit: int | None = 160) -> str:
    """An inline code span holding ``text`` verbatim, safe inside a table cell.

    Backticks inside are handled by a longer fence (CommonMark), pipes by ``\\|``
    (GFM splits cells before it reads code spans), newlines become spaces."""
    s = _one_line(text)
    if limit and len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    if not s:
        return ""
    s = s.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    if s.startswith("`") or s.endswith("`") or (s.startswith(" ") and s.endswith(" ")):
        s = f" {s} "
    return f"{fence}{s}{fence}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counts(findings) -> dict:
    c = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        c[f.severity] = c.get(f.severity, 0) + 1
    return c


def _summary(c: dict, blanks: int) -> str:
    return (
        f"{_plural(c['error'], 'error')}, {_plural(c['warning'], 'warning')}, {c['info']} info, "
        f"{_plural(blanks, 'blank')} to fill"
    )


def _where(line, column) -> str:
    if not line:
        return ""
    return f"{line}:{column}" if column else str(line)


def _doc_label(res) -> str:
    label = (res.doc_type or "document").replace("_", " ")
    if label == "other":
        label = "other document"
    if res.doc_subtype:
        label += f" ({res.doc_subtype.replace('_', ' ')})"
    return label


def _render_document(res, *, verbose: bool, out: list[str]) -> None:
    out.append(f"## {md_text(res.path)}")
    out.append("")
    if not res.readable:
        out.append("**Could not be read.**")
        out.append("")
        for e in res.errors:
            out.append(f"- {md_text(e.message)}")
        out.append("")
        return
    shown = [f for f in res.findings if not f.suppressed]
    suppressed = len(res.findings) - len(shown)
    blanks = [f for f in shown if f.category == "blanks"]
    line = f"*{md_text(_doc_label(res))}* \u2014 **{_summary(_counts(shown), len(blanks))}**"
    if suppressed:
        line += f" ({suppressed} more recorded in the baseline)"
    out.append(line)
    out.append("")
    for note in res.notes:
        out.append(f"> Note: {md_text(note)}")
        out.append("")

    if shown:
        out.append("### Findings")
        out.append("")
        out.append("| Severity | Code | Line | Message | Quote |")
        out.append("|---|---|---:|---|---|")
        ordered = sorted(shown, key=lambda f: (-_SEV_RANK.get(f.severity, 0), f.line, f.column, f.code))
        for f in ordered:
            code = f"**{md_text(f.code)}**"
            if f.name:
                code += f"<br>{md_text(f.name)}"
            out.append(
                f"| {_SEV_LABEL.get(f.severity, md_text(f.severity))} | {code} | {_where(f.line, f.column)} "
                f"| {md_text(f.message, 400)} | {md_code(f.quote)} |"
            )
        out.append("")
        with_related = [f for f in ordered if f.related]
        if with_related:
            out.append("#### Related places")
            out.append("")
            for f in with_related:
                out.append(f"- **{md_text(f.code)}** at line {_where(f.line, f.column)} {md_code(f.quote, 80)}")
                for r in f.related:
                    what = f" \u2014 {md_text(r.message)}" if r.message else ""
                    out.append(f"  - line {_where(r.line, r.column)}: {md_code(r.quote, 120)}{what}")
            out.append("")
    else:
        out.append("No findings.")
        out.append("")

    if blanks:
        out.append("### Blanks to fill before signing")
        out.append("")
        for f in blanks:
            sect = f" (section {md_text(f.section)})" if f.section else ""
            out.append(f"- [ ] line {_where(f.line, f.column)}{sect}: {md_code(f.quote, 120)} \u2014 {md_text(f.message)}")
        out.append("")

    if res.obligations:
        out.append("### Key terms")
        out.append("")
        out.append("| Key term | Party | As written | Section | Line |")
        out.append("|---|---|---|---|---:|")
        for o in res.obligations:
            written = o.as_written or ("" if o.value is None else str(o.value))
            out.append(
                f"| {md_text(o.kind.replace('_', ' '))} | {md_text(o.party or '')} | {md_text(written, 200)} "
                f"| {md_text(o.section or '')} | {o.line} |"
            )
        out.append("")

    if res.calendar:
        out.append("### Deal calendar")
        out.append("")
        out.append("| Date | Event | Basis |")
        out.append("|---|---|---|")
        for ev in res.calendar:
            extra = "; ".join(
                f"{k}: {v}" for k, v in ev.items() if k not in ("event", "date") and v not in (None, "", [], {})
            )
            out.append(f"| {md_text(ev.get('date') or '')} | {md_text(ev.get('event') or '')} | {md_text(extra, 200)} |")
        out.append("")

    errors = list(res.errors)
    hidden = [e for e in errors if e.stage == "grammar"] if not verbose else []
    errors = [e for e in errors if e not in hidden]
    if errors or hidden:
        out.append("### Errors")
        out.append("")
        for e in errors:
            where = f"line {_where(e.line, e.column)}: " if e.line else ""
            out.append(f"- {md_text(e.stage)}: {where}{md_text(e.message, 300)}")
        if hidden:
            out.append(f"- {_plural(len(hidden), 'passage')} the clause grammar could not read (shown with --verbose)")
        out.append("")


def render(results, *, quiet: bool = False, verbose: bool = False, **options) -> str:
    out: list[str] = ["# clausecheck report", ""]
    totals = {"error": 0, "warning": 0, "info": 0}
    blanks = 0
    unreadable = 0
    for res in results:
        if not res.readable:
            unreadable += 1
            continue
        shown = [f for f in res.findings if not f.suppressed]
        for k, v in _counts(shown).items():
            totals[k] = totals.get(k, 0) + v
        blanks += sum(1 for f in shown if f.category == "blanks")
    summary = f"**{_plural(len(results), 'document')}**: {_summary(totals, blanks)}"
    if unreadable:
        summary += f", {unreadable} unreadable"
    out.append(summary)
    out.append("")
    if not quiet:
        for res in results:
            _render_document(res, verbose=verbose, out=out)
    return "\n".join(out).rstrip("\n") + "\n"
