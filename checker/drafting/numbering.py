"""Numbering and punctuation: gaps, repeats and disorder in the numbering of
sections, subsections and items (NUMB001), lists that mix numbering styles
("(1) ... (ii) ... (iii)", NUMB002), and parentheses, brackets (NUMB003) and
quotation marks (NUMB004) left open or closed twice within a paragraph.
"""
from __future__ import annotations

import bisect
import functools
import re
from typing import Iterable, Optional

from ..model import Finding
from . import as_rule
from ..numbers import roman_numeral, roman_value
from .context import Context, line_heads, literal_starts, squash




_LABEL_NUM = re.compile(r"(?:Section|SECTION|Article|ARTICLE)?\s*(\d+(?:\.\d+)*)")
_LABEL_PAREN = re.compile(r"\(?([A-Za-z]{1,5}|\d{1,3})\)")
_LABEL_ARTICLE = re.compile(r"(?:ARTICLE|Article)\s+([IVXLC]+)")


# patterns read in the loops below (compiled once)
_SECTION_HEADING_WORDS = re.compile(r"([A-Z][\w'\-]*(?:[^\S\n]+(?:[A-Z][\w'\-,]*|of|and|to|the|for|in|on))*)\.")


def _label_value(label: str) -> Optional[tuple[str, int]]:
    """(style, ordinal) of a printed label: "9." -> ("arabic", 9), "(b)" -> ("alpha", 2)."""
    t = label.strip().rstrip(".").strip()
    m = _LABEL_NUM.fullmatch(t)
    if m:
        return ("decimal" if "." in m.group(1) else "arabic"), int(m.group(1).split(".")[-1])
    m = _LABEL_PAREN.fullmatch(t)
    if not m:
        m = _LABEL_ARTICLE.fullmatch(t)
        if m:
            v = roman_value(m.group(1))
            return ("ROMAN", v) if v else None
        return None
    v = m.group(1)
    if v.isdigit():
        return "digit", int(v)
    if v.islower():
        if len(v) == 1 and v not in "ivxlc":
            return "alpha", ord(v) - 96
        r = roman_value(v)
        if r is not None:
            return "roman", r
        if len(v) == 2 and v[0] == v[1]:
            return "alpha", 26 + ord(v[0]) - 96
        return ("alpha", ord(v[0]) - 96) if len(v) == 1 else None
    if len(v) == 1 and v not in "IVXLC":
        return "ALPHA", ord(v) - 64
    r = roman_value(v)
    if r is not None:
        return "ROMAN", r
    return None


_UNNUMBERED_KINDS = frozenset(("preamble", "signature", "closing", "table", "paragraph", "schedule", "exhibit", "annex", "appendix"))


@functools.lru_cache(maxsize=4096)
def _label_facts(label: str) -> tuple[Optional[tuple[str, int]], Optional[str]]:
    """(style, ordinal) of a label (see _label_value), and the label's one
    letter when it is one of "ivxlc" in either case (a letter or a roman
    numeral, as the list before it says), else None.  Labels repeat ("(a)",
    "1."): each is read once."""
    t = label.strip().strip("()").strip(".")
    return _label_value(label), (t if len(t) == 1 and t.lower() in "ivxlc" else None)


# ---------------------------------------------------------------------------
# NUMB001: structural numbering
# ---------------------------------------------------------------------------


@as_rule
def sequence(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    doc = ctx.doc

    def check(children) -> None:
        if len(children) < 2:  # no two of a kind to compare: only what is under it
            for c in children:
                if c.children:
                    check(c.children)
            return
        groups: dict[tuple[str, str], list] = {}
        last_style: dict[str, str] = {}
        for c in children:
            if c.kind in _UNNUMBERED_KINDS:
                continue
            lv, t = _label_facts(c.label)
            if lv is None:
                continue
            style, val = lv
            # "(c)", "(i)", "(v)", "(x)": a letter or a roman numeral, as the list before it says
            if t is not None:
                prev_style = last_style.get(c.kind)
                if prev_style in ("alpha", "ALPHA") or (prev_style is None and t.lower() != "i"):
                    style = "alpha" if t.islower() else "ALPHA"
                    val = ord(t.lower()) - 96
            last_style[c.kind] = style
            groups.setdefault((c.kind, style), []).append((c, val))
        for (kind, style), items in groups.items():
            if style == "roman":
                alpha = groups.get((kind, "alpha"))
                if alpha:
                    continue  # letters and roman numerals in one list: the structure stage decides
            for (p, pv), (c, cv) in zip(items, items[1:]):
                if cv == pv + 1:
                    continue
                if cv == 1:
                    continue  # a new list starts
                if style == "decimal":
                    pp = p.label.strip().rstrip(".").split(".")[:-1]
                    cp = c.label.strip().rstrip(".").split(".")[:-1]
                    if pp != cp:
                        continue  # "2.1" after "1.7": another section's numbering
                a = ctx.to_clean(c.span.offset)
                b = ctx.to_clean(c.span.offset) + max(1, len(c.label))
                pa = ctx.to_clean(p.span.offset)
                pb = pa + max(1, len(p.label))
                if cv > pv + 1 and _missing_label_present(ctx, p, c, style, pv + 1):
                    continue  # the number is there; the section tree placed it elsewhere
                if cv == pv:
                    what = f"{c.label.strip()} is numbered the same as the {kind} before it"
                elif cv > pv + 1 and style == "decimal" and _DEC_NUMBER.fullmatch(c.number or "") and _DEC_NUMBER.fullmatch(p.number or ""):
                    # "Section 8.07 ('Counterparts') follows Section 8.05: Section 8.06 is not in the document"
                    major, minor = c.number.split(".")
                    what = _skip_message(c.number, c.heading, p.number, major, range(pv + 1, cv), len(minor))
                elif cv > pv + 1:
                    missing = cv - pv - 1
                    what = f"{c.label.strip()} follows {p.label.strip()}: {missing} number{'s' if missing != 1 else ''} skipped"
                else:
                    what = f"{c.label.strip()} follows {p.label.strip()}: out of order"
                out.append(ctx.finding("NUMB001", what, a, b, [ctx.related(pa, pb, "the one before")]))
        for c in children:
            if c.children:
                check(c.children)

    check(getattr(doc, "sections", ()) or ())
    check = None  # a recursive inner function and its own name form a reference cycle: broken here
    extra = _unaccepted_sections(ctx)
    seconds = [f for f in extra if f.message.startswith("a second Section")]
    if len(seconds) >= 3:
        extra = [f for f in extra if f not in seconds]  # a second copy of the instrument in one file
    out.extend(extra)
    out.extend(_skipped_decimal_sections(ctx))
    return out


def _missing_label_present(ctx: Context, p, c, style: str, want: int) -> bool:
    if style == "alpha":
        lab = chr(96 + want) if want <= 26 else chr(96 + want - 26) * 2
    elif style == "ALPHA":
        lab = chr(64 + want) if want <= 26 else chr(64 + want - 26) * 2
    elif style == "roman":
        lab = roman_numeral(want).lower()
    elif style == "ROMAN":
        lab = roman_numeral(want)
    else:
        lab = str(want)
    a = ctx.to_clean(p.span.offset)
    b = ctx.to_clean(c.span.offset)
    if style == "decimal" and "." in (c.number or ""):
        # "11.05" (or "11.5") for the section missing between "11.04" and "11.06", not any "5."
        head = c.number.rsplit(".", 1)[0]
        pat = re.compile(r"(?:^|\n)[^\S\n]*(?:Section[^\S\n]+)?" + re.escape(head) + r"\.0*" + str(want) + r"(?![\d])", re.I)
        return pat.search(ctx.text, a, b + 1) is not None
    pat = re.compile(r"(?:^|\n)[^\S\n]*(?:Section[^\S\n]+)?\(?" + re.escape(lab) + r"[.)]", re.I if style in ("arabic", "digit", "decimal") else 0)
    return pat.search(ctx.text, a, b + 1) is not None


_DIGITS = re.compile(r"\d+")
_SEC_LINE = re.compile(r"^([^\S\n]{0,16})(?:(?:Section|SECTION)[^\S\n]+)?(\d{1,2})\.(?:[^\S\n]+|$)(?=[A-Z(\"]|$)")


def _section_lines(ctx: Context, first: int, stop: int) -> list[int]:
    """Indices, from ``first`` up to ``stop`` (excluded), of the lines that
    open (after spaces) with a digit or an "S": every line where a section
    number (_SEC_LINE, _DEC_LINE_START) can stand, and a few more."""
    lines = ctx.layout.lines
    if first >= stop:
        return []
    by, digits = line_heads(ctx)
    a = lines[first].start
    b = lines[stop].start if stop < len(lines) else len(ctx.text) + 1
    out = [0] if first == 0 else []
    line_index = ctx.line_index
    out.extend(line_index(s) for s in sorted(by["S"] + digits) if a <= s < b)
    return out


def _unaccepted_sections(ctx: Context) -> list[Finding]:
    """A line that looks like a numbered section with a heading but that the
    section tree could not place: a repeated, skipped or misplaced number."""
    tops = [s for s in ctx.sections if s.depth == 0 and s.kind == "section" and _DIGITS.fullmatch(s.number or "")]
    if len(tops) < 2:
        return []
    lines = ctx.layout.lines
    label_lines = {ctx.line_index(s.start) for s in tops}
    indents = [lines[i].indent for i in label_lines]
    common = max(set(indents), key=indents.count)
    out = []
    # only the lines from the first section to the attachments
    line_starts = getattr(ctx.layout, "_line_starts", None)
    if not line_starts or len(line_starts) != len(lines):
        line_starts = [ln.start for ln in lines]
    first = bisect.bisect_left(line_starts, tops[0].start)
    stop = bisect.bisect_left(line_starts, ctx.body_end)
    for idx in _section_lines(ctx, first, stop):
        ln = lines[idx]
        if ln.table is not None:
            continue
        m = _SEC_LINE.match(ln.text)
        if not m or idx in label_lines:
            continue
        if abs(len(m.group(1)) - common) > 1:
            continue
        rest = ln.text[m.end():]
        hm = _SECTION_HEADING_WORDS.match(rest)
        if not hm or len(hm.group(1).split()) > 10:
            continue
        if idx > 0 and not (lines[idx - 1].blank or lines[idx - 1].page_break_before):
            continue
        num = int(m.group(2))
        before = [s for s in tops if s.start <= ln.start]
        prev = before[-1] if before else None
        same = [s for s in tops if s.number == str(num)]
        a = ln.start + len(m.group(1))
        b = ln.start + m.end() + hm.end()
        if same:
            continue  # a second "Section 3": quoted text, a second copy, a list in an exhibit - not evidence enough
        if prev is not None and num != int(prev.number) + 1 and int(prev.number) < num <= int(prev.number) + 3:
            gap = range(int(prev.number) + 1, num)
            seg = ctx.text[prev.start : ln.start]
            if any(re.search(r"(?m)^[^\S\n]*(?:Section[^\S\n]+)?" + str(k) + r"\.[^\S\n]", seg) for k in gap):
                continue  # the missing number is there; the outline did not take it
            out.append(
                ctx.finding(
                    "NUMB001",
                    f"Section {num} ('{hm.group(1)}') follows Section {prev.number}",
                    a,
                    b,
                    [ctx.related(prev.start, prev.start + 3, f"Section {prev.number}")],
                )
            )
    return out


# a line that opens a section numbered "8.07" or "Section 8.07", and its run-in heading
_DEC_LINE = re.compile(r"^([^\S\n]{0,16})(?:(?:Section|SECTION)[^\S\n]+)?(\d{1,2})\.(\d{1,3})\.?(?:[^\S\n]+|$)(?=[A-Z(\"]|$)")
_DEC_NUMBER = re.compile(r"(\d+)\.(\d+)")
_DEC_LINE_START = re.compile(r"(?m)^[^\S\n]{0,16}(?:(?:Section|SECTION)[^\S\n]+)?\d{1,2}\.\d")
def _dec_line_starts(ctx: Context, first: int, end: int) -> list[int]:
    """Indices of the lines where ``_DEC_LINE_START.finditer(ctx.text, first,
    end)`` finds a match (``first`` is the start of a line)."""
    text = ctx.text
    by, digits = line_heads(ctx)
    match = _DEC_LINE_START.match
    line_index = ctx.line_index
    starts = [0] if first == 0 else []
    starts.extend(sorted(by["S"] + digits))
    return [line_index(s) for s in starts if first <= s < end and match(text, s, end)]


_RUNIN_HEADING = re.compile(r"([A-Z][\w'\-,]*(?:[^\S\n]+(?:[A-Z][\w'\-,]*|of|and|to|the|for|in|on))*)\.")


def _skip_message(num: str, heading: Optional[str], prev: str, major, gap: Iterable[int], width: int) -> str:
    """"Section 8.07 ('Counterparts') follows Section 8.05: Section 8.06 is not in the document"."""
    missing = [f"{major}.{g:0{width}d}" for g in gap]
    head = f" ('{heading}')" if heading else ""
    many = len(missing) > 1
    return (f"Section {num}{head} follows Section {prev}: Section{'s' if many else ''} {', '.join(missing)} "
            f"{'are' if many else 'is'} not in the document")


def _skipped_decimal_sections(ctx: Context) -> list[Finding]:
    """A section numbered in decimals that skips numbers ("8.05 Entire
    Agreement" then "8.08 Counterparts") where the section tree did not take
    the heading after the gap (it takes one a single number on, which the
    sequence check above reports): the headings are read here, in text order,
    with the sections it took.  Only a skip of one or two numbers that stand
    nowhere between the two headings is reported; a repeated or earlier number
    (a second copy of the instrument, a quoted section) is not."""
    body_end = ctx.body_end
    secs = [s for s in ctx.sections if s.start < body_end and "." in (s.number or "") and _DEC_NUMBER.fullmatch(s.number)]
    if len(secs) < 3:
        return []
    lines = ctx.layout.lines
    taken = {ctx.line_index(s.start): s for s in secs}
    indents = [lines[i].indent for i in taken]
    common = max(set(indents), key=indents.count)
    # the indents of the headings the tree took, by major number ("4.4" at 5 where most stand at 10)
    indents_of: dict[str, set[int]] = {}
    for i, s in taken.items():
        indents_of.setdefault(s.number.split(".")[0], set()).add(lines[i].indent)
    heads: list[tuple[int, int, int, Optional[str]]] = []  # line, major, minor, heading (None: taken by the tree)
    for idx, s in taken.items():
        m = _DEC_NUMBER.fullmatch(s.number)
        heads.append((idx, int(m.group(1)), int(m.group(2)), None))
    # the other lines that open like one ("8.07 ...", "Section 8.07 ..."), found by one search
    first = lines[min(taken)].start
    for idx in _dec_line_starts(ctx, first, ctx.body_end):
        if idx in taken:
            continue
        ln = lines[idx]
        t = ln.text
        if ln.table is not None:
            continue
        m = _DEC_LINE.match(t)
        if m is None:
            continue
        ind = len(m.group(1))
        if abs(ind - common) > 1 and not any(abs(ind - x) <= 1 for x in indents_of.get(m.group(2), ())):
            continue
        hm = _RUNIN_HEADING.match(t, m.end())
        if hm is None or len(hm.group(1).split()) > 10:
            continue
        if idx and not (lines[idx - 1].blank or lines[idx - 1].page_break_before):
            continue
        if ctx.form_at(ln.start) is not None:
            continue
        heads.append((idx, int(m.group(2)), int(m.group(3)), hm.group(1)))
    heads.sort()
    present = {(a, b) for _, a, b, _ in heads}
    out: list[Finding] = []
    for k in range(1, len(heads)):
        idx, major, minor, heading = heads[k]
        pidx, pmajor, pminor, _ = heads[k - 1]
        if heading is None or major != pmajor or not (pminor + 1 < minor <= pminor + 3):
            continue
        gap = range(pminor + 1, minor)
        if any((major, g) in present for g in gap):
            continue
        seg = ctx.text[lines[pidx].start : lines[idx].start]
        if any(re.search(r"(?m)^[^\S\n]*(?:(?:Section|SECTION)[^\S\n]+)?" + str(major) + r"\.0?" + str(g) + r"\.?(?:[^\S\n]|$)", seg)
               for g in gap):
            continue  # the missing number is there; the outline did not take it
        m = _DEC_LINE.match(lines[idx].text)
        num = f"{m.group(2)}.{m.group(3)}"
        prev = _DEC_LINE.match(lines[pidx].text)
        prev_num = f"{prev.group(2)}.{prev.group(3)}" if prev else f"{pmajor}.{pminor}"
        a = lines[idx].start + len(m.group(1))
        pa = lines[pidx].start + lines[pidx].indent
        out.append(
            ctx.finding(
                "NUMB001",
                _skip_message(num, heading, prev_num, major, gap, len(m.group(3))),
                a,
                lines[idx].start + m.end() + len(heading) + 1,
                [ctx.related(pa, pa + len(prev_num), f"Section {prev_num}")],
            )
        )
    return out


# ---------------------------------------------------------------------------
# NUMB002: mixed styles in an inline list
# ---------------------------------------------------------------------------

# "(" not after a word character or a closing bracket; the test follows the
# "(" so that the expression starts with a literal the engine can skip to
_INLINE = re.compile(r"\((?<![\w)\]]\()([ivxlc]{1,6}|[a-z]{1,2}|[A-Z]{1,2}|\d{1,2})\)(?=\s+[\"'$(\w])")
_REF_BEFORE = re.compile(
    r"(?:\b(?:Sections?|sections?|subsections?|Subsections?|clauses?|Clauses?|paragraphs?|Paragraphs?|items?|Items?|"
    r"Rule|Rules|Article|Articles|Regulation|Exhibits?|Schedules?|Annex|subparagraphs?|subclauses?|provisos?|"
    r"\d|hereof|thereof)\s*(?:\([a-zA-Z0-9]{1,5}\)\s*)*)$"
)
_NOT_ENUM_AFTER = re.compile(r"\s+(?:and|or|of|above|below|hereof|thereof|through|to|herein|in\s+this|shall\s+apply)\b|\s*[,;)]")


# the words of _REF_BEFORE (its "\d" aside)
_REF_WORDS = frozenset(
    "Section Sections section sections subsection subsections Subsection Subsections clause clauses Clause Clauses "
    "paragraph paragraphs Paragraph Paragraphs item items Item Items Rule Rules Article Articles Regulation "
    "Exhibit Exhibits Schedule Schedules Annex subparagraph subparagraphs subclause subclauses proviso provisos "
    "hereof thereof".split()
)


def _ref_before(s: str) -> bool:
    """Whether ``_REF_BEFORE.search(s)`` finds a match, read backwards from the
    end instead of tried at every place: the white space and "(a)"-like
    labels at the end are passed over, and the word before them must be one
    of _REF_WORDS, or a single digit, standing alone."""
    j = len(s)
    while True:
        while j and s[j - 1].isspace():
            j -= 1
        if j and s[j - 1] == ")":
            i = s.rfind("(", 0, j - 1)
            inner = s[i + 1 : j - 1]
            if i >= 0 and 1 <= len(inner) <= 5 and inner.isascii() and inner.isalnum():
                j = i
                continue
        break
    k = j
    while k and (s[k - 1].isalnum() or s[k - 1] == "_"):
        k -= 1
    w = s[k:j]
    return w in _REF_WORDS or (len(w) == 1 and w.isdecimal())


def _inline_markers(text: str, a: int, b: int):
    for m in _INLINE.finditer(text, a, b):
        before = text[max(a, m.start() - 30) : m.start()]
        if _ref_before(before):
            continue
        if _NOT_ENUM_AFTER.match(text, m.end()):
            continue
        yield m


# the markers one of which a list that mixes its styles goes on to; no two
# matches can overlap (each holds one "(", its first character)
_LIST_END = re.compile(r"\((?:iii|[c3C])\)")


def _paragraphs_with_list_ends(ctx: Context) -> list[int]:
    """Indices (ascending) of the paragraphs that hold "(iii)", "(c)", "(3)" or
    "(C)" whole: only a list that goes on to one of them can mix its styles.
    The paragraphs are reached from the places of those markers, by bisection."""
    paras = ctx.paragraphs
    starts = ctx.para_starts
    bisect_right = bisect.bisect_right
    found: set[int] = set()
    for m in _LIST_END.finditer(ctx.text):
        i = m.start()
        k = bisect_right(starts, i) - 1
        if k >= 0 and m.end() <= paras[k].end:
            found.add(k)
    return sorted(found)


# what a paragraph must hold for the checks below to find a list that mixes
# its styles: a marker, the one after it, and one of the markers of another
# style that can stand before it ("(1) ... (ii) ... (iii)")
_MIX_CASES = (
    ("(ii)", "(iii)", ("(1)", "(a)", "(A)", "(I)")),
    ("(b)", "(c)", ("(1)", "(i)", "(A)")),
    ("(2)", "(3)", ("(a)", "(i)", "(A)")),
    ("(B)", "(C)", ("(1)", "(i)", "(a)")),
)


def _may_mix(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] holds the three markers of one of _MIX_CASES (a
    quick test by literal search; the markers are then read in full)."""
    find = text.find
    for m, nxt, prevs in _MIX_CASES:
        if find(m, a, b) >= 0 and find(nxt, a, b) >= 0 and any(find(pv, a, b) >= 0 for pv in prevs):
            return True
    return False


@as_rule
def mixed_styles(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    text = ctx.text
    paras = ctx.paragraphs
    for k in _paragraphs_with_list_ends(ctx):
        p = paras[k]
        if p.table or text.count("(", p.start, p.end) < 3:
            continue  # every marker starts with "(": fewer than three cannot make a list
        if not _may_mix(text, p.start, p.end):
            continue
        ms = list(_inline_markers(text, p.start, p.end))
        if len(ms) < 3:
            continue
        # a roman list that starts at (ii) right after a marker of another style
        for k, m in enumerate(ms):
            v = m.group(1)
            if v != "ii":
                continue
            if k == 0:
                continue
            prev = ms[k - 1]
            pv = prev.group(1)
            if pv in ("i",):
                continue
            nxt = ms[k + 1].group(1) if k + 1 < len(ms) else None
            if nxt != "iii":
                continue
            if pv not in ("1", "a", "A", "I"):
                continue
            # the two must be in one sentence
            s0, s1 = ctx.sentence_bounds(m.start())
            if prev.start() < s0:
                continue
            out.append(
                ctx.finding(
                    "NUMB002",
                    f"the list is numbered ({pv}), (ii), (iii): '({pv})' should read '(i)'",
                    prev.start(),
                    prev.end(),
                    [ctx.related(m.start(), m.end(), "the list continues in roman numerals"), ctx.related(ms[k + 1].start(), ms[k + 1].end(), "and here")],
                )
            )
        # the same for (b), (c) after (1) / (i); and (2), (3) after (a) / (i)
        for k, m in enumerate(ms[1:-1], start=1):
            v = m.group(1)
            prev, nxt = ms[k - 1].group(1), ms[k + 1].group(1)
            if (v, nxt) == ("b", "c") and prev in ("1", "i", "A"):
                want = "(a)"
            elif (v, nxt) == ("2", "3") and prev in ("a", "i", "A"):
                want = "(1)"
            elif (v, nxt) == ("B", "C") and prev in ("1", "i", "a"):
                want = "(A)"
            else:
                continue
            s0, s1 = ctx.sentence_bounds(m.start())
            if ms[k - 1].start() < s0:
                continue
            out.append(
                ctx.finding(
                    "NUMB002",
                    f"the list is numbered ({prev}), ({v}), ({nxt}): '({prev})' should read '{want}'",
                    ms[k - 1].start(),
                    ms[k - 1].end(),
                    [ctx.related(m.start(), m.end(), "the list continues in another style")],
                )
            )
    return out


# ---------------------------------------------------------------------------
# NUMB003 / NUMB004: brackets and quotation marks
# ---------------------------------------------------------------------------

_DQ = re.compile(r'(?<!\d)"')
_LQ = re.compile("\u201c")
_RQ = re.compile("(?<!\\d)\u201d")  # 8-1/2\u201d X 11\u201d: inches
_BRACKET_CHARS = re.compile(r"[()\[\]]")
_HALF_PAREN = re.compile(r"(?:^|[\s(])(?:[a-zA-Z]|[ivxlc]{1,5}|\d{1,2})$|(?:^|\s)\d{1,2}(?:\.\d{1,2})?[a-z]$")


# the caption of a notary's acknowledgment: "STATE OF NEW YORK", "COUNTY OF DALLAS"
_NOTARY_CAPTION = re.compile(r"[^\S\n]*(?:STATE|COUNTY|CITY|PARISH|COMMONWEALTH|PROVINCE|DISTRICT)[^\S\n]+OF\b", re.I)


def _scan_brackets(text: str, a: int, b: int, at: Optional[list[int]] = None):
    """Unmatched openers and closers of one paragraph: (openers, closers) as
    lists of offsets.  ``at``: the offsets of its brackets, when known."""
    stack: list[tuple[str, int]] = []
    closers: list[int] = []
    pairs = {")": "(", "]": "["}
    if at is None:
        at = [mm.start() for mm in _BRACKET_CHARS.finditer(text, a, b)]
    for i in at:
        c = text[i]
        if c in "([":
            stack.append((c, i))
        elif c in ")]":
            if stack and stack[-1][0] == pairs[c]:
                stack.pop()
                continue
            if c == ")":
                # "STATE OF CALIFORNIA  )": the bracket column of a notary's acknowledgment
                ln_end = text.find("\n", i)
                rest = text[i + 1 : ln_end if ln_end >= 0 else len(text)].strip(" \t)")
                ln_start = text.rfind("\n", 0, i) + 1
                if (rest in ("", "ss.", "ss", "s.s.", "SS.", "SS", ":") and text[i - 1 : i] in (" ", "\t", ")", "\n", "\xa0")) and (
                    text[i - 2 : i].isspace() or text[i - 2 : i] in ("  ", "\t", " \t") or not text[ln_start:i].strip()
                ):
                    continue
                # the same column beside "STATE OF TEXAS" / "COUNTY OF DALLAS", or with the
                # notary's name after it
                if text[i - 1 : i].isspace() and (
                    _NOTARY_CAPTION.match(text, ln_start, i)
                    or (not text[ln_start:i].strip() and _NOTARY_CAPTION.search(text, max(a, i - 200), i))
                ):
                    continue
                # "a) ...", "iv) ...": an enumerator with a half parenthesis
                seg = text[max(a, i - 6) : i]
                if _HALF_PAREN.search(seg) and (not stack or stack[-1][0] != "("):
                    continue
                # ")" closing a "(" that a "[" inside never closed, e.g. "(see [x)": report the "["
                if any(s[0] == "(" for s in stack):
                    while stack and stack[-1][0] != "(":
                        closers.append(stack.pop()[1])
                    stack.pop()
                    continue
            closers.append(i)
    return [i for _c, i in stack], closers


def _paired(seq: str) -> bool:
    """Whether a string of brackets "()[]" pairs off completely ("([])()"):
    then :func:`_scan_brackets` finds nothing to report in it."""
    while seq:
        shorter = seq.replace("()", "").replace("[]", "")
        if len(shorter) == len(seq):
            return False
        seq = shorter
    return True


def _para_related(ctx: Context, p):
    a = p.start
    while a < p.end and ctx.text[a].isspace():
        a += 1
    return ctx.related(a, min(p.end, a + 80), "the paragraph")


@as_rule
def unbalanced_brackets(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    text = ctx.text
    paras = ctx.paragraphs
    n_paras = len(paras)
    # per paragraph that holds a bracket: what it leaves unmatched, reported
    # or not (results), and its unmatched closers (spare: one may close a
    # bracket opened in an earlier paragraph, "[Consented to: ... Title: ]",
    # a form of signature block whose closing bracket stands on a line of its
    # own); a paragraph without brackets has neither
    results: dict[int, tuple[list[int], list[int]]] = {}
    spare: dict[int, list[int]] = {}
    # every bracket of the text, found once (str.find is far faster than the
    # engine's scan for a set of characters)
    # (the places of "(" are read by the citation checks too)
    pos = sorted(ctx.places_of("(") + ctx.places_of(")") + ctx.places_of("[") + ctx.places_of("]"))
    chars = "".join([text[i] for i in pos])
    n = len(pos)
    starts = ctx.para_starts
    bisect_left, bisect_right = bisect.bisect_left, bisect.bisect_right
    lo = 0
    # the paragraphs are reached from their brackets (by bisection), not
    # stepped over one by one
    while lo < n:
        k = bisect_right(starts, pos[lo]) - 1
        if k < 0 or pos[lo] >= paras[k].end:
            lo += 1  # a bracket outside every paragraph
            continue
        p = paras[k]
        hi = bisect_left(pos, p.end, lo)
        # a paragraph whose brackets pair off has nothing to report, prose or not
        if not _paired(chars[lo:hi]):
            found = _scan_brackets(text, p.start, p.end, pos[lo:hi])
            if found[1]:
                spare[k] = found[1]
            if found[0] or found[1]:
                if not (p.table or not ctx.is_prose(p)):
                    results[k] = found
        lo = hi
    for k in sorted(results):
        if len(out) >= MAX_PER_DOC:
            break  # (only the first are reported)
        p = paras[k]
        opens, closes = results[k]
        for i in opens:
            # a parenthesis or bracket that spans paragraphs: a later one closes it first
            window = 6 if text[i] == "(" else 30  # bracketed alternatives run over whole passages
            later = [spare[j] for j in range(k + 1, min(n_paras, k + window)) if spare.get(j)]
            if later:
                ch = text[i]
                closer = ")" if ch == "(" else "]"
                if any(text[x] == closer for x in later[0]):
                    later[0].remove(next(x for x in later[0] if text[x] == closer))
                    continue
            ch = text[i]
            what = "parenthesis" if ch == "(" else "bracket"
            snippet = _words_around(text, i, 0, 70, p.start, p.end)
            out.append(
                ctx.finding(
                    "NUMB003",
                    f"an opening {what} is never closed in this paragraph: \u201c{snippet}\u201d",
                    i,
                    i + 1,
                    [_para_related(ctx, p)],
                    quote=snippet,
                )
            )
        for i in closes:
            ch = text[i]
            what = "parenthesis" if ch == ")" else "bracket"
            snippet = _words_around(text, i, 60, 1, p.start, p.end)
            out.append(
                ctx.finding(
                    "NUMB003",
                    f"a closing {what} has no opening one in this paragraph: \u201c{snippet}\u201d",
                    i,
                    i + 1,
                    [_para_related(ctx, p)],
                    quote=snippet,
                )
            )
    return out[:MAX_PER_DOC]


MAX_PER_DOC = 10  # more than this and the text is garbled, or the drafting is beyond a proofreading note


_TAG = re.compile(r"<[A-Za-z/][^<>]{0,80}>")


def _quote_balance(ctx: Context, p) -> Optional[tuple[int, int, int, str]]:
    """(position, count, direction, what) of a paragraph's unbalanced quotation
    marks: direction +1 when one is left open, -1 when one is closed twice,
    0 for straight quotes (which have no direction)."""
    text = ctx.text
    a, b = p.start, p.end
    n_straight = text.count('"', a, b)
    # an even number of straight marks and as many opening marks as closing
    # ones (most paragraphs that hold any): balanced, whatever follows
    if n_straight % 2 == 0 and text.count("\u201c", a, b) == text.count("\u201d", a, b):
        return None
    seg = text[a:b]
    if not ctx.is_prose(p) or len(_TAG.findall(seg[:2000])) > 3:
        return None
    straight_all = [p.start + m.start() for m in re.finditer('"', seg)]
    opens = [p.start + m.start() for m in _LQ.finditer(seg)]
    closes_all = [p.start + m.start() for m in re.finditer("\u201d", seg)]
    # a mark right after a digit may be an inch sign ("8-1/2\u201d X 11\u201d") or close
    # a quotation ("\u201c$0\u201d"): read it whichever way leaves the paragraph balanced
    straight_in = [i for i in straight_all if not text[i - 1 : i].isdigit()]
    straight = straight_all if len(straight_all) % 2 == 0 else straight_in
    closes_in = [i for i in closes_all if not text[i - 1 : i].isdigit()]
    closes = closes_all if abs(len(opens) - len(closes_all)) <= abs(len(opens) - len(closes_in)) else closes_in
    if len(straight) % 2 == 1:
        return straight[-1], len(straight), 0, _marks(len(straight), "quotation mark")
    if len(opens) > len(closes):
        return opens[-1], len(opens), 1, f"{_marks(len(opens), 'opening quotation mark')} against {len(closes)} closing"
    if len(closes) > len(opens):
        return closes[-1], len(closes), -1, f"{_marks(len(closes), 'closing quotation mark')} against {len(opens)} opening"
    return None


def _marks(n: int, noun: str) -> str:
    return noun if n == 1 else noun + "s"


def _words_around(text: str, i: int, before: int, after: int, lo: int, hi: int) -> str:
    """The text from ``before`` characters before offset ``i`` to ``after``
    characters after it, within [lo, hi), widened to the start of its first
    word and cut back to the end of its last: a quote of whole words."""
    a = max(lo, i - before)
    if before:
        stop = max(lo, a - 25)
        while a > stop and text[a - 1].isalnum():
            a -= 1
    b = min(hi, i + after)
    if b < hi and text[b - 1].isalnum() and text[b].isalnum():
        cut = text.rfind(" ", i + 1, b)
        b = cut if cut > i + min(20, after // 2) else b
    return squash(text[a:b])


def _holding(paras: list, marks: list[int]) -> list[int]:
    """Indices of the paragraphs (in order, none overlapping) that hold one of
    ``marks`` (ascending offsets): the paragraphs are reached from the marks,
    by bisection, not searched one by one."""
    ends = [p.end for p in paras]
    out: list[int] = []
    m = 0
    while m < len(marks):
        x = marks[m]
        k = bisect.bisect_right(ends, x)  # the first paragraph ending after the mark
        if k == len(paras):
            break
        p = paras[k]
        if p.start <= x:
            out.append(k)
            m = bisect.bisect_left(marks, p.end, m + 1)
        else:  # the mark is between paragraphs
            m = bisect.bisect_left(marks, p.start, m + 1)
    return out


@as_rule
def unbalanced_quotes(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    text = ctx.text
    paras = [p for p in ctx.paragraphs if not p.table]
    # only a paragraph that holds a quotation mark can be unbalanced
    bal: list[Optional[tuple[int, int, int, str]]] = [None] * len(paras)
    for k in _holding(paras, literal_starts(text, ('"', "\u201c", "\u201d"))):
        bal[k] = _quote_balance(ctx, paras[k])
    done: set[int] = set()
    for k, p in enumerate(paras):
        b = bal[k]
        if b is None or k in done:
            continue
        # a quotation running over several paragraphs (an amendment quoting the
        # new text of a section): opened in one paragraph, closed in a later one
        if b[2] in (0, 1):
            for j in range(k + 1, min(len(paras), k + 12)):
                bj = bal[j]
                if bj is None:
                    continue
                if (b[2] == 0 and bj[2] == 0) or (b[2] == 1 and bj[2] == -1):
                    done.add(j)
                    b = None
                break
        if b is None:
            continue
        i, n, _d, what = b
        snippet = _words_around(text, i, 50, 40, p.start, p.end)
        out.append(
            ctx.finding(
                "NUMB004",
                f"this paragraph has {n} {what}: one is left open or closed twice near \u201c{snippet}\u201d",
                i,
                i + 1,
                [_para_related(ctx, p)],
                quote=snippet,
            )
        )
    return out[:MAX_PER_DOC]
