"""Schedules and tables: totals against their rows (NUM003) and schedules left
without amounts (BLANK005).

EDGAR tables are columns of text aligned with spaces, with dot leaders after
the row labels and rule lines ("-----", "=====") above the totals.  A row is a
label followed by numeric cells; a cell belongs to the column whose right
edge it shares (within a few characters).  The header of a column is the
text above it, between the right edge of the column before and its own.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from ..model import Finding
from . import as_rule
from .context import Context, squash
from .numwords import fmt

_CELL = re.compile(r"\(?(?:\$[^\S\n]*)?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\)?%?")
# every character a match of _CELL can hold, in ASCII
_CELL_CHARS = "0123456789()$,.% \t\n\r\f\v"
_RULE = re.compile(r"^[^\S\n]*[-=_]{3,}(?:[^\S\n]+[-=_]{3,})*[^\S\n]*$")
_LEADER = re.compile(r"(?:\.[^\S\n]?){2,}\.?|[^\S\n]{2,}")
_TOTAL = re.compile(r"^[^\S\n]*(?:grand[^\S\n]+)?totals?\b", re.I)
_BARE_TOTAL = re.compile(r"^(?:grand\s+)?totals?\s*[.:]*\s*(?:\$\s*)?$", re.I)
_SEPARATED = re.compile(r"(?:\.[^\S\n]?\.|[^\S\n]{2,}|\$[^\S\n]*|[^\S\n]\.)[^\S\n]*$")
_HEADER_WORDS = re.compile(r"\b(?:number|amount|total|shares|securities|principal|percentage|price|notes)\b", re.I)


# patterns read in the loops below (compiled once)
_SCHEDULE_HEAD = re.compile(r"^(?:SCHEDULE|EXHIBIT|ANNEX|APPENDIX)\b", re.I)
_WORD_RUN = re.compile(r"[a-z0-9]+")
_MONEY_HEADER = re.compile(r"amount|dollars|\$|thousands|revenue|expense|price", re.I)


@dataclass
class Cell:
    value: float
    text: str
    right: int  # column (0-based) just after the cell, in the line
    left: int
    start: int  # clean offset
    end: int


@dataclass
class Row:
    line: int  # index into layout.lines
    label: str
    label_start: int
    label_end: int
    cells: list[Cell]
    total: bool = False


@dataclass
class Column:
    right: int
    header: str = ""


@dataclass
class Table:
    first: int  # line indices, inclusive
    last: int
    header_lines: list[int]
    rows: list[Row]
    columns: list[Column] = field(default_factory=list)
    where: str = ""


@dataclass
class Total:
    term: Optional[str]
    value: float
    start: int
    end: int
    where: str
    header: str


def _cell_value(s: str) -> Optional[float]:
    t = s.replace("$", "").replace(",", "").replace("%", "").strip()
    neg = t.startswith("(") and t.endswith(")")
    t = t.strip("()").strip()
    try:
        v = float(t)
    except ValueError:
        return None
    return -v if neg else v


def _split_row(text: str) -> Optional[tuple[str, int, list[tuple[int, int, str]]]]:
    """(label, label_end, cells) of a table line, or None for a line without cells.

    Cells are numeric tokens at the end of the line, separated from the label
    by a dot leader or two spaces.
    """
    s = text.rstrip()
    # the last cell ends the line, and every cell ends in a digit, ")" or "%"
    if not s or not (s[-1] in ")%" or s[-1].isdecimal()):
        return None
    cells: list[tuple[int, int, str]] = []
    pos = len(s)
    # the numeric tokens of the line, read once: those of s[:pos] (as
    # _CELL.finditer(s, 0, pos) reads them) are the ones that end by pos.
    # Only those after the line's last character that no token holds can be
    # cells (one before it has that character between it and the cells):
    # the scan starts there, and finds the same tokens after it
    head = s.rstrip(_CELL_CHARS)
    k = len(head)
    if k and (head[-1].isdecimal() or head[-1].isspace()):
        k = 0  # a digit or a space of another script: the whole line
    found = list(_CELL.finditer(s, k))
    while True:
        while found and found[-1].end() > pos:
            found.pop()
        # the last token, when only spaces follow it up to pos (an earlier one
        # has the last one's digits after it)
        m = found[-1] if found and not s[found[-1].end() : pos].strip() else None
        if m is None:
            break
        if s[m.end() : pos].strip():
            break
        # separated from what is before by a leader, two spaces or "$"
        before = s[: m.start()]
        if not before.strip():
            cells.append((m.start(), m.end(), m.group(0)))
            pos = m.start()
            break
        # (a separator ends at most three characters before the trailing
        # white space: the search starts there, not at the line's start)
        if _SEPARATED.search(before, max(0, len(before.rstrip()) - 3)) or before.endswith("\t"):
            cells.append((m.start(), m.end(), m.group(0)))
            pos = m.start()
            continue
        break
    if not cells:
        return None
    cells.reverse()
    label = s[:pos]
    label = _LEADER.sub(" ", label).strip(" .\t$")
    return label, pos, cells


def _where(ctx: Context, offset: int) -> str:
    att = ctx.attachment_at(offset)
    if att is not None:
        return f"{att.kind.capitalize()} {att.number}"
    heads = [h for h in ctx.attachment_headings if h[0] <= offset]
    if heads:
        h = heads[-1]
        return f"{h[1].capitalize()} {h[2]}"
    return f"the table at line {ctx.span(offset, offset + 1).line}"


def _tables(ctx: Context) -> list[Table]:
    cached = getattr(ctx, "_tables_cache", None)
    if cached is not None:
        return cached
    lay = ctx.layout
    lines = lay.lines
    out: list[Table] = []
    for tb in lay.tables:
        first, last = tb.first, tb.last
        # header lines: the non-blank lines just above the block, up to a blank gap
        hdr: list[int] = []
        i = first - 1
        gap = 0
        while i >= 0 and len(hdr) < 10:
            if lines[i].blank:
                gap += 1
                if gap >= 2 and hdr:
                    break
                i -= 1
                continue
            gap = 0
            t = lines[i].text.strip()
            if _SCHEDULE_HEAD.match(t) or len(t) > 100:
                break
            hdr.append(i)
            i -= 1
        hdr.reverse()
        # extend past the block a little: a total printed under its rule line
        stop = last
        j = last + 1
        while j < len(lines) and j <= last + 4:
            if lines[j].blank:
                j += 1
                continue
            if _RULE.match(lines[j].text) or _split_row(lines[j].text) is not None and not lines[j].text.strip()[:1].isalpha():
                stop = j
                j += 1
                continue
            break
        rows: list[Row] = []
        for k in range(first, stop + 1):
            ln = lines[k]
            if ln.blank or _RULE.match(ln.text):
                continue
            # header rows inside a tagged table (no cells, capital words)
            sr = _split_row(ln.text)
            if sr is None:
                label = _LEADER.sub(" ", ln.text).strip(" .\t")
                if not label:
                    continue
                rows.append(Row(k, label, ln.start + ln.indent, ln.start + len(ln.text.rstrip()), [], bool(_TOTAL.match(ln.text))))
                continue
            label, pos, cells = sr
            cs = []
            for a, b, tx in cells:
                v = _cell_value(tx)
                if v is None:
                    continue
                cs.append(Cell(v, tx.strip(), b, a, ln.start + a, ln.start + b))
            rows.append(Row(k, label, ln.start + ln.indent, ln.start + pos, cs, bool(_TOTAL.match(ln.text))))
        # header rows at the top of a tagged block belong to the header
        while rows and not rows[0].cells and rows[0].label.isupper():
            hdr.append(rows[0].line)
            rows.pop(0)
        if not rows:
            continue
        t = Table(first, stop, hdr, rows)
        # a total whose cells stand on a line of their own below it
        for idx, r in enumerate(t.rows):
            if r.total and not r.cells:
                for nxt in t.rows[idx + 1 : idx + 3]:
                    if nxt.cells and not nxt.label:
                        r.cells = nxt.cells
                        nxt.cells = []
                        nxt.label = ""
                        break
        t.rows = [r for r in t.rows if r.label or r.cells]
        # columns by right edge
        rights: list[int] = []
        for r in t.rows:
            for c in r.cells:
                if not any(abs(c.right - x) <= 4 for x in rights):
                    rights.append(c.right)
        rights.sort()
        cols = []
        prev = 0
        for x in rights:
            words = []
            lo = prev if prev else max(0, x - 24)
            for h in hdr:
                ht = lines[h].text
                seg = ht[lo : x + 2]
                words.append(seg.strip())
            cols.append(Column(x, squash(" ".join(w for w in words if w))))
            prev = x + 2
        t.columns = cols
        t.where = _where(ctx, lines[first].start)
        out.append(t)
    ctx._tables_cache = out
    return out


def _col_of(t: Table, c: Cell) -> Optional[int]:
    for i, col in enumerate(t.columns):
        if abs(col.right - c.right) <= 4:
            return i
    return None


@functools.lru_cache(maxsize=8192)
def _word_key(s: str) -> str:
    """The words of ``s`` in lower case, one space around each (" firm shares ");
    the same terms and headers recur: each is read once."""
    return " " + " ".join(_WORD_RUN.findall(s.lower())) + " "


def _header_term(ctx: Context, header: str) -> Optional[str]:
    from .terms import get_terms

    terms = get_terms(ctx)
    h = _word_key(header)
    best = None
    for fam in terms.by_family:
        if " " not in fam:
            continue
        f = _word_key(fam)
        if f in h and (best is None or len(fam) > len(best)):
            best = fam
    return best


# ---------------------------------------------------------------------------
# NUM003
# ---------------------------------------------------------------------------


@as_rule
def table_totals(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for t in _tables(ctx):
        data_filled = any(r.cells for r in t.rows if not r.total and r.label)
        if not data_filled:
            continue  # an empty schedule: BLANK005
        if any("$" in c.text for r in t.rows for c in r.cells):
            continue  # amounts in dollars: statements and budgets with subtotals, not allocation schedules
        header = " ".join(ctx.layout.lines[h].text for h in t.header_lines)
        if not _HEADER_WORDS.search(header) and not t.where.lower().startswith("schedule"):
            continue
        seg: list[Row] = []
        for r in t.rows:
            if not r.total:
                if r.label or r.cells:
                    seg.append(r)
                continue
            if not _BARE_TOTAL.match(squash(r.label)):
                seg = []  # "Total revenues": a statement's subtotal, not a schedule's total
                continue
            for c in r.cells:
                ci = _col_of(t, c)
                if ci is None:
                    continue
                parts = [x for row in seg for x in row.cells if _col_of(t, x) == ci]
                labelled = [row for row in seg if row.label]
                header = t.columns[ci].header
                pct = "%" in c.text or "percent" in header.lower()
                money = "$" in c.text or any("$" in x.text for x in parts) or _MONEY_HEADER.search(header)
                if pct:
                    tol = 0.11 * max(1, len(parts))
                elif any("." in x.text for x in parts + [c]):
                    tol = 0.011 * len(parts)
                elif money:
                    tol = 0.5 * max(1, len(parts))  # amounts rounded row by row
                else:
                    tol = 0.5
                total_sum = sum(x.value for x in parts)
                if not parts:
                    if not labelled:
                        continue
                    nrows = len([row for row in seg if row.cells]) or len(labelled)
                    msg = (
                        f"{t.where}: the column '{header or 'amount'}' has no amount in any of its {nrows} rows, "
                        f"but its total is {fmt(c.value)}"
                    )
                    rel = [ctx.related(labelled[0].label_start, labelled[0].label_end, "a row without an amount")]
                    out.append(ctx.finding("NUM003", msg, c.start, c.end, rel, quote=c.text.strip()))
                    continue
                elif abs(total_sum - c.value) > tol:
                    msg = (
                        f"{t.where}: the {len(parts)} rows of the column '{header or 'amount'}' add up to {fmt(total_sum)}, "
                        f"but the total says {fmt(c.value)}"
                    )
                    rel = [ctx.related(parts[0].start, parts[0].end, "first row"), ctx.related(parts[-1].start, parts[-1].end, "last row")]
                else:
                    continue
                # the finding spans the column, from its first amount to its total; the
                # quote names the total and what the rows add up to, so that a change
                # to any row is a different finding (baselines, version diffs)
                quote = f"{squash(r.label) or 'Total'} {c.text.strip()} \u2260 {fmt(total_sum)} ({len(parts)} rows)"
                out.append(ctx.finding("NUM003", msg, parts[0].start, c.end, rel, quote=quote))
            seg = []
    return out


def schedule_totals(ctx: Context) -> list[Total]:
    """The stated totals of table columns, with the defined term their header names."""
    out: list[Total] = []
    for t in _tables(ctx):
        for r in t.rows:
            if not r.total:
                continue
            for c in r.cells:
                ci = _col_of(t, c)
                if ci is None:
                    continue
                header = t.columns[ci].header
                out.append(Total(_header_term(ctx, header), c.value, c.start, c.end, t.where, header))
    return out


# ---------------------------------------------------------------------------
# BLANK005
# ---------------------------------------------------------------------------


@as_rule
def empty_schedules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    if ctx.is_form:
        return out  # a form or template: its schedules are filled in when it is used
    for t in _tables(ctx):
        labelled = [r for r in t.rows if r.label and not r.total]
        totals = [r for r in t.rows if r.total]
        if len(labelled) < 2:
            continue
        if ctx.form_at(ctx.layout.lines[t.first].start) is not None:
            continue  # a form attached as an exhibit: its blanks are expected
        if any(r.cells for r in labelled):
            continue
        header = " ".join(squash(ctx.layout.lines[h].text) for h in t.header_lines)
        # a list of names is not a schedule of amounts: it needs a numeric header or a total row
        if not totals and not _HEADER_WORDS.search(header):
            continue
        if not _HEADER_WORDS.search(header) and not totals:
            continue
        names = [squash(r.label) for r in labelled if not r.label.endswith(":")]
        if not names:
            continue
        stated = [c for r in totals for c in r.cells]
        tail = f"; its total is stated as {', '.join(fmt(c.value) for c in stated)}" if stated else ""
        shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        first = labelled[0]
        out.append(
            ctx.finding(
                "BLANK005",
                f"{t.where}: no amounts are filled in for its {len(names)} rows ({shown}){tail}",
                first.label_start,
                first.label_end,
                [ctx.related(r.label_start, r.label_end, "total row") for r in totals[:1]],
            )
        )
    return out
