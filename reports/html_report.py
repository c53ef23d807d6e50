"""HTML: one self-contained review page per run.

The agreement's own text, line-numbered and with its EDGAR layout kept, with
every finding highlighted where it is (a ``<mark id="finding-N">``) and the
other side of each inconsistency highlighted too (``finding-N-rK``); a side
panel lists the findings (linked to and from the text), the blanks to fill, the
key terms and the deal calendar, with filters by severity and category.

Nothing is loaded from the network: the styles and the few lines of script are
inlined and a Content-Security-Policy forbids every other load; the only script
allowed to run is ours, by hash.  Every piece of document text is escaped.
"""
from __future__ import annotations

import base64
import bisect
import hashlib
import html
import re
from pathlib import Path

_SEV_RANK = {"info": 0, "warning": 1, "error": 2}
_SEV_LABEL = {"error": "Error", "warning": "Warning", "info": "Info"}
# characters that are not allowed (or not renderable) in HTML text: C0 controls
# other than TAB LF FF CR, DEL/C1 controls, lone surrogates, non-characters
_BAD_CHARS = re.compile("[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]")


def esc(text) -> str:
    """Escape for HTML text and attribute values; one character in, one out
    (so columns keep their meaning), invalid characters shown as U+FFFD."""
    s = "" if text is None else str(text)
    return html.escape(_BAD_CHARS.sub("\ufffd", s), quote=True)


def _asset(name: str) -> str:
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


def _csp_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


# ---------------------------------------------------------------------------
# The text with its highlights
# ---------------------------------------------------------------------------


class _Range:
    __slots__ = ("start", "end", "anchor", "fnum", "related", "sev", "suppressed")

    def __init__(self, start, end, anchor, fnum, related, sev, suppressed):
        self.start, self.end = start, end
        self.anchor, self.fnum, self.related = anchor, fnum, related
        self.sev, self.suppressed = sev, suppressed


def _offset(text: str, line_starts: list[int], line, column) -> int:
    """Character offset of a 1-based (line, column), clamped to the text and to the line."""
    if not line_starts:
        return 0
    li = min(max(int(line or 1), 1), len(line_starts)) - 1
    ls = line_starts[li]
    le = line_starts[li + 1] - 1 if li + 1 < len(line_starts) else len(text)
    return min(ls + max(int(column or 1), 1) - 1, le)


def _line_end(text: str, line_starts: list[int], line) -> int:
    li = min(max(int(line or 1), 1), len(line_starts)) - 1
    return line_starts[li + 1] - 1 if li + 1 < len(line_starts) else len(text)


def _span(text, line_starts, line, column, end_line, end_column) -> tuple[int, int]:
    start = _offset(text, line_starts, line, column)
    if end_line is None:
        end_line = line
    if end_column is None:
        end = _line_end(text, line_starts, end_line)
    else:
        end = _offset(text, line_starts, end_line, end_column)
    if end < start:
        end = start
    if end == start:  # an empty span: show the rest of its line, if there is any
        end = _line_end(text, line_starts, line)
    return start, end


def _render_text(text: str, line_starts: list[int], ranges: list[_Range], prefix: str) -> str:
    starts: dict[int, list[_Range]] = {}
    ends: dict[int, list[_Range]] = {}
    pins: dict[int, list[_Range]] = {}
    for r in ranges:
        if r.end <= r.start:
            pins.setdefault(r.start, []).append(r)
        else:
            starts.setdefault(r.start, []).append(r)
            ends.setdefault(r.end, []).append(r)
    points = sorted(set(starts) | set(ends))
    active: list[_Range] = []
    placed: set[str] = set()
    pi = 0
    out: list[str] = []

    def pin_html(pos: int) -> str:
        parts = []
        for r in pins.get(pos, ()):
            cls = "hl pin" + (" rel" if r.related else "") + f" sev-{r.sev}" + (" off" if r.suppressed else "")
            parts.append(
                f'<mark class="{cls}" id="{r.anchor}" data-f="{r.fnum}"><a href="#card-{r.fnum}" '
                f'data-go="{r.fnum}" aria-label="finding {r.fnum}"></a></mark>'
            )
        return "".join(parts)

    def seg_html(seg: str) -> str:
        body = esc(seg)
        if not active:
            return body
        fnums = sorted({r.fnum for r in active})
        live = [r for r in active if not r.suppressed] or active
        primary = max(live, key=lambda r: (_SEV_RANK.get(r.sev, 0), -r.fnum))
        cls = ["hl", f"sev-{primary.sev}"]
        if all(r.related for r in active):
            cls.append("rel")
        if all(r.suppressed for r in active):
            cls.append("off")
        new = [r for r in active if r.anchor not in placed]
        lead = ""
        mark_id = ""
        if new:
            mark_id = f' id="{new[0].anchor}"'
            for r in new[1:]:
                lead += f'<span class="anc" id="{r.anchor}"></span>'
            placed.update(r.anchor for r in new)
        return (
            f'{lead}<mark class="{" ".join(cls)}"{mark_id} data-f="{" ".join(map(str, fnums))}">'
            f'<a href="#card-{primary.fnum}" data-go="{primary.fnum}">{body}</a></mark>'
        )

    n_lines = len(line_starts)
    for li, ls in enumerate(line_starts):
        le = line_starts[li + 1] - 1 if li + 1 < n_lines else len(text)
        pos = ls
        parts: list[str] = []
        while True:
            while pi < len(points) and points[pi] <= pos:
                p = points[pi]
                for r in ends.get(p, ()):
                    if r in active:
                        active.remove(r)
                active.extend(starts.get(p, ()))
                pi += 1
            parts.append(pin_html(pos))
            nxt = points[pi] if pi < len(points) and points[pi] < le else le
            if nxt > pos:
                parts.append(seg_html(text[pos:nxt]))
            pos = nxt
            if pos >= le:
                if le != ls:
                    parts.append(pin_html(le))
                break
        num = li + 1
        out.append(f'<div class="l" id="{prefix}L{num}"><span class="n" data-n="{num}"></span><span class="t">{"".join(parts)}</span></div>')
    # a span that starts beyond the last character still gets its anchor
    for r in ranges:
        if r.anchor not in placed and r.end > r.start and r.start >= len(text):
            out.append(f'<span class="anc" id="{r.anchor}"></span>')
    return "\n".join(out)


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def _document_text(res):
    """(text, line_starts) of the document, or (None, None) when not available."""
    parsed = getattr(res, "parsed", None)
    if parsed is not None and getattr(parsed, "source", None) is not None:
        src = parsed.source
        return src.text, list(src.line_starts)
    if res.readable:
        try:  # a later stage failed: the text itself can still be shown
            from checker.source import load

            src = load(res.path)
            return src.text, list(src.line_starts)
        except Exception:
            return None, None
    return None, None


def _card(f, fnum: int, prefix: str) -> str:
    sup = " sup" if f.suppressed else ""
    hidden = " hidden" if f.suppressed else ""
    where = f"Line {f.line}:{f.column}"
    if f.section:
        where += f" \u00b7 \u00a7\u00a0{esc(f.section)}"
    parts = [
        f'<li class="card sev-{esc(f.severity)}{sup}" id="card-{fnum}" data-f="{fnum}" data-sev="{esc(f.severity)}" '
        f'data-cat="{esc(f.category)}" data-sup="{1 if f.suppressed else 0}"{hidden}>',
        '<div class="card-head">'
        f'<span class="badge sev-{esc(f.severity)}">{_SEV_LABEL.get(f.severity, esc(f.severity))}</span>'
        f'<span class="code">{esc(f.code)}</span><span class="rname">{esc(f.name)}</span>'
        + ('<span class="rname">(in baseline)</span>' if f.suppressed else "")
        + "</div>",
        f'<p class="msg">{esc(f.message)}</p>',
        f'<a class="loc" href="#finding-{fnum}" data-go="{fnum}">{where}</a>',
    ]
    if f.quote:
        parts.append(f'<blockquote class="quote">{esc(f.quote)}</blockquote>')
    if f.related:
        parts.append('<ul class="related">')
        for k, r in enumerate(f.related, start=1):
            msg = f" \u2014 {esc(r.message)}" if r.message else ""
            parts.append(
                f'<li><a href="#finding-{fnum}-r{k}" data-go="{fnum}">Line {r.line}:{r.column}</a>{msg}'
                f'<blockquote class="quote">{esc(r.quote)}</blockquote></li>'
            )
        parts.append("</ul>")
    parts.append("</li>")
    return "".join(parts)


def _filters(findings) -> str:
    sevs = [s for s in ("error", "warning", "info") if any(f.severity == s for f in findings)]
    cats = sorted({f.category for f in findings})
    parts = ['<div class="filters">', "<fieldset><legend>Severity</legend>"]
    for s in sevs:
        n = sum(1 for f in findings if f.severity == s and not f.suppressed)
        parts.append(f'<label><input type="checkbox" data-filter="sev" value="{s}" checked> {_SEV_LABEL[s]} ({n})</label>')
    parts.append("</fieldset><fieldset><legend>Category</legend>")
    for c in cats:
        n = sum(1 for f in findings if f.category == c and not f.suppressed)
        parts.append(f'<label><input type="checkbox" data-filter="cat" value="{esc(c)}" checked> {esc(c)} ({n})</label>')
    parts.append("</fieldset>")
    if any(f.suppressed for f in findings):
        n = sum(1 for f in findings if f.suppressed)
        parts.append(
            '<fieldset><legend>Baseline</legend>'
            f'<label><input type="checkbox" data-filter="sup" value="1"> show {_plural(n, "recorded finding")}</label></fieldset>'
        )
    parts.append("</div>")
    return "".join(parts)


def _obligations_table(res, prefix: str) -> str:
    if not res.obligations:
        return '<p class="empty">No key terms extracted.</p>'
    rows = []
    for o in res.obligations:
        written = o.as_written or ("" if o.value is None else str(o.value))
        rows.append(
            f"<tr><td>{esc(o.kind.replace('_', ' '))}</td><td>{esc(o.party or '')}</td><td>{esc(written)}</td>"
            f'<td>{esc(o.section or "")}</td><td><a href="#{prefix}L{o.line}">{o.line}</a></td></tr>'
        )
    return (
        '<table class="kv"><thead><tr><th>Key term</th><th>Party</th><th>As written</th><th>\u00a7</th>'
        "<th>Line</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _calendar_table(res, prefix: str) -> str:
    if not res.calendar:
        return '<p class="empty">No dated events.</p>'
    rows = []
    for ev in res.calendar:
        details = "; ".join(
            f"{k.replace('_', ' ')}: {v}"
            for k, v in ev.items()
            if k not in ("event", "date", "line") and v not in (None, "", [], {})
        )
        line = ev.get("line")
        where = f' <a href="#{prefix}L{int(line)}">line {int(line)}</a>' if isinstance(line, int) else ""
        rows.append(
            f"<tr><td>{esc(ev.get('date') or '')}</td><td>{esc(ev.get('event') or '')}{where}</td><td>{esc(details)}</td></tr>"
        )
    return (
        '<table class="kv"><thead><tr><th>Date</th><th>Event</th><th>Basis</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _document(res, dnum: int, first_fnum: int) -> tuple[str, int]:
    prefix = f"d{dnum}-"
    findings = sorted(res.findings, key=lambda f: (f.line, f.column, f.code))
    numbered = list(enumerate(findings, start=first_fnum))
    shown = [f for f in findings if not f.suppressed]
    counts = {s: sum(1 for f in shown if f.severity == s) for s in ("error", "warning", "info")}
    blanks = [(n, f) for n, f in numbered if f.category == "blanks" and not f.suppressed]
    text, line_starts = _document_text(res)

    head = [f'<section class="doc" id="doc-{dnum}">', '<div class="doc-head">', f"<h1>{esc(res.path)}</h1>"]
    facts = [esc((res.doc_type or "document").replace("_", " "))]
    if res.doc_subtype:
        facts[0] += f" ({esc(res.doc_subtype.replace('_', ' '))})"
    if res.encoding:
        facts.append(f"encoding {esc(res.encoding)}")
    if line_starts:
        facts.append(_plural(len(line_starts) - (1 if text.endswith("\n") else 0), "line"))
    head.append('<p class="facts">' + " \u00b7 ".join(facts) + "</p>")
    head.append('<div class="chips">')
    for s in ("error", "warning", "info"):
        label = _plural(counts[s], _SEV_LABEL[s].lower()) if s != "info" else f"{counts[s]} info"
        head.append(f'<span class="chip sev-{s}">{label}</span>')
    head.append(f'<span class="chip blank">{_plural(len(blanks), "blank")} to fill</span></div>')
    for note in res.notes:
        head.append(f'<p class="notice note">Note: {esc(note)}</p>')
    fatal = [e for e in res.errors if e.stage != "grammar"]
    for e in fatal:
        label = "Could not be read" if e.stage == "load" else f"Error in {esc(e.stage)}"
        head.append(f'<p class="notice"><strong>{label}:</strong> {esc(e.message)}</p>')
    head.append("</div>")

    if text is None:
        return "".join(head) + "</section>", first_fnum + len(findings)

    ranges: list[_Range] = []
    for fnum, f in numbered:
        s, e = _span(text, line_starts, f.line, f.column, f.end_line, f.end_column)
        ranges.append(_Range(s, e, f"finding-{fnum}", fnum, False, f.severity, f.suppressed))
        for k, r in enumerate(f.related, start=1):
            s, e = _span(text, line_starts, r.line, r.column, r.end_line, r.end_column)
            ranges.append(_Range(s, e, f"finding-{fnum}-r{k}", fnum, True, f.severity, f.suppressed))

    body = ['<div class="doc-body">', '<main class="text">', '<div class="agreement">']
    body.append(_render_text(text, line_starts, ranges, prefix))
    body.append("</div></main>")

    panel = ['<aside class="panel">']
    if findings:
        panel.append(_filters(findings))
    panel.append(f'<h2>Findings (<span data-role="shown-count">{len(shown)}</span>)</h2>')
    if findings:
        panel.append(
            '<p class="legend"><mark class="sev-error">error</mark> <mark class="sev-warning">warning</mark> '
            '<mark class="sev-info">info</mark> <mark class="rel sev-warning">other side</mark></p>'
        )
        panel.append('<ol class="cards">' + "".join(_card(f, n, prefix) for n, f in numbered) + "</ol>")
    else:
        panel.append('<p class="empty">No findings.</p>')
    if blanks:
        panel.append(f"<h2>Blanks to fill before signing ({len(blanks)})</h2><ul class=\"blanks\">")
        for n, f in blanks:
            panel.append(
                f'<li><a href="#finding-{n}" data-go="{n}">Line {f.line}</a>: {esc(f.message)}</li>'
            )
        panel.append("</ul>")
    panel.append("<h2>Key terms</h2>")
    panel.append(_obligations_table(res, prefix))
    panel.append("<h2>Deal calendar</h2>")
    panel.append(_calendar_table(res, prefix))
    grammar = [e for e in res.errors if e.stage == "grammar"]
    if grammar:
        panel.append(f"<h2>Passages not read ({len(grammar)})</h2><ul class=\"blanks\">")
        for e in grammar:
            link = f'<a href="#{prefix}L{e.line}">Line {e.line}</a>: ' if e.line else ""
            panel.append(f"<li>{link}{esc(e.message)}</li>")
        panel.append("</ul>")
    panel.append("</aside>")
    body += panel
    body.append("</div>")
    return "".join(head) + "".join(body) + "</section>", first_fnum + len(findings)


def render(results, **options) -> str:
    from checker import __version__

    css = _asset("review.css")
    js = _asset("review.js")
    csp = (
        "default-src 'none'; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    sections = []
    fnum = 1
    for dnum, res in enumerate(results, start=1):
        html_doc, fnum = _document(res, dnum, fnum)
        sections.append(html_doc)
    totals = {s: 0 for s in ("error", "warning", "info")}
    for res in results:
        for f in res.findings:
            if not f.suppressed:
                totals[f.severity] = totals.get(f.severity, 0) + 1
    title = esc(results[0].path) if len(results) == 1 else f"{len(results)} documents"
    summary = (
        f"{_plural(len(results), 'document')} \u00b7 {_plural(totals['error'], 'error')} \u00b7 "
        f"{_plural(totals['warning'], 'warning')} \u00b7 {totals['info']} info"
    )
    nav = ""
    if len(results) > 1:
        nav = '<nav class="doclist">' + "".join(
            f'<a href="#doc-{i}">{esc(r.path)}</a>' for i, r in enumerate(results, start=1)
        ) + "</nav>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="clausecheck {esc(__version__)}">\n'
        f"<title>clausecheck \u2014 {title}</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n"
        f'<header class="top"><span class="brand">clausecheck review</span><span class="meta">{summary}</span>'
        f'<span class="meta">clausecheck {esc(__version__)}</span></header>\n'
        f"{nav}\n" + "\n".join(sections) + f"\n<script>{js}</script>\n</body>\n</html>\n"
    )
