"""Attachments the document refers to but does not contain (XREF004):
schedules, exhibits, annexes and appendices "hereto", and forms "attached
hereto" ("the Form of Subscription attached hereto").

An attachment exists when the section tree has it or a heading line of the
document names it ("SCHEDULE II", "ANNEX I", "FORM OF SUBSCRIPTION").  A
reference to a part of one ("Annex II(a)") is satisfied by the whole
("ANNEX II").  Documents that say their schedules or exhibits were omitted
from the filing are not checked.
"""
from __future__ import annotations

import re

from ..model import Finding
from . import as_rule
from .context import Context, matches_at, squash

_KINDS = r"(?P<kind>Schedules?|SCHEDULES?|Exhibits?|EXHIBITS?|Annex(?:es)?|ANNEX(?:ES)?|Appendix|Appendices|APPENDIX|Attachments?|ATTACHMENTS?)"
_ID = r"[A-Z0-9]{1,4}(?:[-.][A-Z0-9]{1,3})?(?:\s?\([a-z0-9]{1,3}\))?"
_REF = re.compile(
    r"\b" + _KINDS + r"\s+(?P<ids>" + _ID + r"(?:\s*(?:,|and|or|through|,\s*and|,\s*or)\s*" + _ID + r")*)(?![\w(])"
)
_HERETO = re.compile(
    r"^\s*(?:\)\s*)?(?:hereto|attached|annexed|to\s+this\s+(?:Agreement|Warrant|Indenture|Certificate)|"
    r"of\s+this\s+(?:Agreement|Warrant|Indenture)|herein|hereof|below)",
    re.I,
)
_ATTACHED_BEFORE = re.compile(r"(?:attached|annexed|appended)\s+(?:hereto\s+)?as\s+$|(?:form|forms)\s+(?:attached\s+(?:hereto\s+)?)?(?:as|of)\s+$|\bin\s+$|\bon\s+$|\bset\s+forth\s+(?:in|on)\s+$|\blisted\s+(?:in|on)\s+$|\bnamed\s+in\s+$", re.I)
_EXTERNAL = re.compile(
    r"^\s*(?:to|of|in|under)\s+(?:the|a|an|its|any|such|our|their|each)\s+(?!Agreement\b)"
    r"|^\s*to\s+(?:Form|Registration|Amendment|Current|Annual|Quarterly)|^\s*(?:filed|previously|incorporated)",
    re.I,
)
_OMITTED_NOTE = re.compile(
    r"(?:schedules?|exhibits?|annexes|appendices|attachments?)[^.]{0,80}?(?:have\s+been|has\s+been|are|were|is)\s+(?:omitted|not\s+(?:been\s+)?(?:filed|included))"
    r"|\[\s*(?:schedules?|exhibits?)[^\]]{0,40}omitted[^\]]*\]|item\s+601\s*\(\s*[ab]\s*\)\s*\(\s*[25]\s*\)|omitted\s+pursuant\s+to\s+(?:item|rule)\s+601",
    re.I,
)
_FORM_REF = re.compile(
    r"\b(?:the|a|such)\s+(?P<form>(?:Form|form)\s+of\s+(?P<what>[A-Z][A-Za-z\-]+(?:\s+(?:[A-Z][A-Za-z\-]+|of|and|for))*)|"
    r"(?P<what2>[A-Z][A-Za-z\-]+(?:\s+[A-Z][A-Za-z\-]+){0,3})\s+(?:Form|form))"
    r"\s+(?:attached|annexed|appended)\s+hereto"
)


# the words a reference of _REF starts with
_REF_WORDS = ("schedule", "exhibit", "annex", "append", "attachment")

# what every match of _OMITTED_NOTE holds (in lower case), and the letters
# that match an ASCII letter of it under IGNORECASE without lower-casing to it
_OMITTED_NOTE_WORDS = ("schedule", "exhibit", "annex", "appendi", "attachment", "601")
_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")


def _omitted_note(text: str, low: str) -> bool:
    """Whether ``search_near(_OMITTED_NOTE, text, ("omitted", "not filed",
    "not been filed", "not included", "601"), 200, 120, low)`` finds a note
    that the attachments were omitted: the same windows, in the same order,
    but a window that holds none of _OMITTED_NOTE_WORDS (nor a letter that
    folds to one of theirs) is passed over without the search."""
    find = low.find
    n = len(text)
    for anchor in ("omitted", "not filed", "not been filed", "not included", "601"):
        i = find(anchor)
        while i >= 0:
            lo, hi = max(0, i - 200), min(n, i + len(anchor) + 120)
            seg = text[lo:hi]
            seg_low = seg.lower()
            if any(w in seg_low for w in _OMITTED_NOTE_WORDS) or (not seg.isascii() and any(c in seg for c in _FOLDING)):
                if _OMITTED_NOTE.search(text, lo, hi):
                    return True
            i = find(anchor, i + len(anchor) + 120)
    return False


MAX_SEPARATE = 3  # more missing attachments than this are reported together


# patterns read in the loops below (compiled once)
_SPACES = re.compile(r"\s+")
_ID_BASE = re.compile(r"[A-Z0-9]+(?:[-.][A-Z0-9]+)?")
_ID_HEAD = re.compile(r"[A-Z0-9]+")
_FILED_AS_BEFORE = re.compile(r"\b(?:as\s+an|filed\s+as|to\s+the|Form\s+\S+|Registration\s+Statement|Item\s+\d+)\s*$", re.I)


def _norm_id(s: str) -> str:
    return _SPACES.sub("", s).upper()


def _existing(ctx: Context) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for s in ctx.sections:
        if s.kind in ("schedule", "exhibit", "annex", "appendix") and s.number:
            out.add((s.kind, _norm_id(s.number)))
    for _off, kind, ident, _line in ctx.attachment_headings:
        k = kind.rstrip("s")
        out.add((k, _norm_id(ident)))
    return out


def _kind_of(word: str) -> str:
    w = word.lower()
    if w.startswith("schedule"):
        return "schedule"
    if w.startswith("exhibit"):
        return "exhibit"
    if w.startswith("annex"):
        return "annex"
    if w.startswith("append"):
        return "appendix"
    return "attachment"


def _exists(have: set[tuple[str, str]], kind: str, ident: str) -> bool:
    i = _norm_id(ident)
    if (kind, i) in have:
        return True
    base = _ID_BASE.match(i)
    if base and (kind, base.group(0)) in have:
        return True
    # "Exhibit A-1" when the document has "EXHIBIT A"
    base2 = _ID_HEAD.match(i)
    if base2 and (kind, base2.group(0)) in have and kind != "schedule":
        return True
    return False


def _attached_hereto(text: str) -> list[tuple[int, int]]:
    """(start, end) of every "attached hereto", "annexed hereto" and "appended
    hereto" (the matches of ``(?:attached|annexed|appended)\\s+hereto``), read
    back from each "hereto": the white space before it, then the word."""
    out: list[tuple[int, int]] = []
    find = text.find
    h = find("hereto")
    while h >= 0:
        j = h
        while j and text[j - 1].isspace():
            j -= 1
        if j < h:
            if text.endswith(("attached", "appended"), 0, j) and j >= 8:
                out.append((j - 8, h + 6))
            elif text.endswith("annexed", 0, j) and j >= 7:
                out.append((j - 7, h + 6))
        h = find("hereto", h + 6)
    return out


@as_rule
def missing_attachments(ctx: Context) -> list[Finding]:
    text = ctx.text
    if _omitted_note(text, ctx.lower):
        return []
    have = _existing(ctx)
    missing: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for m in matches_at(_REF, text, ctx.starts_of(*_REF_WORDS)):
        kind = _kind_of(m.group("kind"))
        if kind == "attachment":
            continue
        # an attachment's own heading is not a reference to it
        ln = ctx.line_of(m.start())
        if ln.text.strip().upper().startswith(m.group("kind").upper()) and len(ln.text.strip()) < 60 and ln.text[: m.start() - ln.start].strip() == "":
            continue
        tail = text[m.end() : m.end() + 50]
        head = text[max(0, m.start() - 40) : m.start()]
        hereto = _HERETO.match(tail) is not None
        if not hereto and _EXTERNAL.match(tail):
            continue
        # (the tests that read back through the text before it, after those that do not)
        if not (hereto or _ATTACHED_BEFORE.search(head)):
            continue
        if _FILED_AS_BEFORE.search(head):
            continue
        # an attachment referring to itself or to another attachment of the same filing is still a reference
        for idm in re.finditer(_ID, m.group("ids")):
            ident = idm.group(0)
            if _exists(have, kind, ident):
                continue
            key = (kind, _norm_id(_ID_BASE.match(_norm_id(ident)).group(0)))
            missing.setdefault(key, []).append((m.start(), m.end(), squash(m.group(0))))
    out: list[Finding] = []
    if len(missing) > MAX_SEPARATE:
        # a filing without its attachments: one finding that lists them
        items = sorted(missing.items(), key=lambda kv: kv[1][0][0])
        names = [f"{k.capitalize()} {i}" for (k, i), _r in items]
        a, b, q = items[0][1][0]
        out.append(
            ctx.finding(
                "XREF004",
                f"{len(names)} attachments referred to are not in the document (it may have been filed without them): "
                + ", ".join(names[:15])
                + (", ..." if len(names) > 15 else ""),
                a,
                b,
                [ctx.related(r[0][0], r[0][1], f"{k.capitalize()} {i}") for (k, i), r in items[1:12]],
            )
        )
        missing = {}
    for (kind, ident), refs in missing.items():
        a, b, q = refs[0]
        n = len(refs)
        out.append(
            ctx.finding(
                "XREF004",
                f"{kind.capitalize()} {ident} is referred to{f' {n} times' if n > 1 else ''} but is not in the document",
                a,
                b,
                [ctx.related(x, y, "also referred to here") for x, y, _q in refs[1:4]],
            )
        )
    # forms "attached hereto"
    form_refs = []
    for am_start, am_end in _attached_hereto(text):
        fm = None
        for fm in _FORM_REF.finditer(text, max(0, am_start - 120), am_end):
            pass
        if fm is not None and fm.end() == am_end:
            form_refs.append(fm)
    for m in form_refs:
        what = squash(m.group("what") or m.group("what2") or "")
        if not what:
            continue
        words = [w for w in re.findall(r"[A-Za-z]+", what) if w.lower() not in ("of", "and", "for", "the")]
        if not words:
            continue
        key = words[-1].upper()
        # a heading line after the reference that names the form
        found = False
        for mm in re.finditer(r"(?m)^[^\S\n]*(.{0,80})$", text[m.end() :]):
            line = mm.group(1).strip()
            if not line or len(line) > 80:
                continue
            letters = [c for c in line if c.isalpha()]
            if not letters or sum(c.isupper() for c in letters) < 0.7 * len(letters):
                continue
            if key in line.upper():
                found = True
                break
        if found:
            continue
        form_name = squash(m.group("form") or (what + " Form"))
        out.append(
            ctx.finding(
                "XREF004",
                f"the {form_name} said to be attached hereto is not in the document",
                m.start("form") if m.group("form") else m.start("what2"),
                m.end(),
            )
        )
    return out
