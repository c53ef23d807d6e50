"""The internal cross-references of a document, in clean-text positions.

They come from the pipeline (``doc.references``: the clause grammar's typed
``CrossRef`` nodes, resolved against the section tree).  When the grammar
gave none at all (a document it could not read), a plain scan of "Section 9",
"Sections 6, 8 and 9", "subsection (b) above", "clause (b) of this Section 1"
stands in, resolved the same way, so the checks still see the references.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from .context import Context, SectionInfo, line_heads, matches_at, squash

_ATTACH = ("schedule", "exhibit", "annex", "appendix")


# patterns read in the loops below (compiled once)
_TARGET_PARTS = re.compile(r"^[^(]+|\([^)]*\)")
_TARGET_SPLIT = re.compile(r"^([^(]+)((?:\([^)]*\))*)$")
_FIRST_PART = re.compile(r"\([^)]*\)")


@dataclass
class Ref:
    start: int  # clean offsets of the whole reference text
    end: int
    text: str
    target: str
    ref_type: str
    section: str  # number of the section holding it
    resolved: bool
    resolved_to: Optional[str]
    omitted: bool


_NUM = r"\d+(?:\.\d+)*[A-Za-z]?(?:\s?\([a-zA-Z0-9]{1,5}\))*"
_SCAN = re.compile(
    r"\b(?P<kw>Sections?|SECTIONS?|Subsections?|subsections?|Paragraphs?|paragraphs?|Clauses?|clauses?|Articles?|ARTICLES?)"
    r"\s+(?P<list>(?:" + _NUM + r"|\([a-zA-Z0-9]{1,5}\)(?:\([a-zA-Z0-9]{1,5}\))*)"
    r"(?:\s*(?:,|and|or|through|to|,\s*and|,\s*or)\s*(?:" + _NUM + r"|\([a-zA-Z0-9]{1,5}\)))*)"
    r"(?P<of>\s+of\s+this\s+(?:Section|Article)\s+(?P<ctxnum>\d+(?:\.\d+)*))?"
)
_TARGET_OK = re.compile(r"\d+(?:\.\d+)*(?:\([a-zA-Z0-9]{1,5}\))*|(?:\([a-zA-Z0-9]{1,5}\))+|[IVXLC]+(?:\([a-zA-Z0-9]{1,5}\))*")
_ITEM = re.compile(_NUM + r"|\([a-zA-Z0-9]{1,5}\)(?:\([a-zA-Z0-9]{1,5}\))*")
_SPACES = re.compile(r"\s+")
_NOT_A_SECTION_AFTER = re.compile(r"[\-\u2013.]?\d|\.[A-Za-z]\b|[A-Za-z]")
_NUMBERED_TARGET = re.compile(r"\d+(?:\.\d+)*(?:\([a-zA-Z0-9]{1,5}\))*")


def _src_offset(ctx: Context, line: int, column: int) -> int:
    starts = ctx.source.line_starts
    if line < 1 or line > len(starts):
        return 0
    return starts[line - 1] + max(0, column - 1)


def _resolve(ctx: Context, target: str, where: Optional[str], context_num: Optional[str]) -> Optional[SectionInfo]:
    t = _SPACES.sub("", target).rstrip(".")
    if t.startswith("("):
        base = context_num or where or ""
        parts = _TARGET_PARTS.findall(base)
        for cut in range(len(parts), 0, -1):
            cand = "".join(parts[:cut]) + t
            if cand in ctx.by_number:
                return ctx.by_number[cand]
        return None
    return ctx.by_number.get(t)


# "Section 4" or "SECTION 4": a pattern that begins with a literal, which the
# regular expression engine finds fast
_SECTION_AT = re.compile(r"S(?:ections?|ECTIONS?)[^\S\n]*\n?[^\S\n]*\d")


def _section_matches(text: str, not_line_heads: bool = False):
    """The scan's matches that start with "Section <number>" (found by a quick
    pattern first, then read in full); with ``not_line_heads``, none that
    opens its line (a heading's own label: not read at all)."""
    rfind = text.rfind
    for q in _SECTION_AT.finditer(text):
        a = q.start()
        if a and (text[a - 1].isalnum() or text[a - 1] == "_"):
            continue
        if not_line_heads and not text[rfind("\n", 0, a) + 1 : a].strip():
            continue
        m = _SCAN.match(text, a)
        if m is not None:
            yield m


def _own_scan(ctx: Context, skip=None, sections_only: bool = False, numbered_only: bool = False,
              not_line_heads: bool = False) -> list[Ref]:
    """References of the plain scan: "Section 4" ones only with ``sections_only``
    (and none that opens its line with ``not_line_heads``), and only those
    with a numbered target with ``numbered_only``."""
    text = ctx.text
    out: list[Ref] = []
    numbered = _NUMBERED_TARGET.fullmatch
    for m in (_section_matches(text, not_line_heads) if sections_only else _SCAN.finditer(text)):
        if skip is not None and skip(m):
            continue
        kw = m.group("kw").lower().rstrip("s")
        ref_type = {"paragraph": "paragraph", "clause": "clause", "subsection": "subsection", "article": "article"}.get(kw, "section")
        where = None  # (the section of the place: looked up for the first target built)
        ctxnum = m.group("ctxnum")
        for it in _ITEM.finditer(m.group("list")):
            tgt = _SPACES.sub("", it.group(0))
            if numbered_only and not numbered(tgt):
                continue
            if where is None:
                where = ctx.section_number_at(m.start()) or ""
            sec = _resolve(ctx, tgt, where, ctxnum)
            out.append(
                Ref(
                    start=m.start(),
                    end=m.end(),
                    text=squash(m.group(0)),
                    target=tgt,
                    ref_type=ref_type,
                    section=where,
                    resolved=sec is not None,
                    resolved_to=sec.number if sec else None,
                    omitted=bool(sec and sec.omitted),
                )
            )
    return out


def _uncovered_sections(ctx: Context, have: list[Ref]) -> list[Ref]:
    """"Section 4" references of the plain scan at places no pipeline reference covers."""
    import bisect

    covered = sorted((r.start, r.end) for r in have)
    starts = [c[0] for c in covered]
    text = ctx.text

    def skip(m) -> bool:
        a, b = m.start(), m.end()
        k = bisect.bisect_right(starts, b)
        if any(covered[j][0] < b and a < covered[j][1] for j in range(max(0, k - 3), k)):
            return True
        if _NOT_A_SECTION_AFTER.match(text[b : b + 2]):
            return True  # "Section 9-105 of the Uniform Commercial Code", "SECTION 1.C."
        ls = text.rfind("\n", 0, a) + 1
        return not text[ls:a].strip()  # a heading's own label at the start of a line

    # (those with a numbered target only: the others are not built; those
    # that open their line, which skip() passes over, are not read at all)
    return _own_scan(ctx, skip, sections_only=True, numbered_only=True, not_line_heads=True)


_NUMBERED_TYPES = frozenset(("section", "subsection", "clause", "paragraph", "article", "item"))


def references(ctx: Context) -> list[Ref]:
    cached = getattr(ctx, "_refs", None)
    if cached is not None:
        return cached
    doc = ctx.doc
    raw = getattr(doc, "references", None) or []
    out: list[Ref] = []
    if raw:
        by_number = ctx.by_number
        target_ok = _TARGET_OK.fullmatch
        line_starts = ctx.source.line_starts
        n_lines = len(line_starts)
        seg_src = ctx.layout._seg_src
        seg_clean = ctx.layout._seg_clean
        n_seg = len(seg_clean)
        n_text = len(ctx.text)
        bisect_right = bisect.bisect_right

        def clean_at(line: int, column: int) -> int:
            """``ctx.to_clean(_src_offset(ctx, line, column))``, in one call."""
            src = line_starts[line - 1] + max(0, column - 1) if 1 <= line <= n_lines else 0
            if not seg_src:
                return 0
            k = bisect_right(seg_src, src) - 1
            if k < 0:
                return 0
            off = seg_clean[k] + (src - seg_src[k])
            nxt = seg_clean[k + 1] if k + 1 < n_seg else n_text
            return off if off < nxt else nxt

        squashed: dict[str, str] = {}  # the same reference text recurs ("Section 5(a)")
        for r in raw:
            get = r.get
            tgt = (get("target") or "").strip()
            ref_type = get("ref_type", "section")
            if ref_type in _NUMBERED_TYPES and not target_ok(tgt):
                continue  # not a section number ("Section 4(a), a ...", "Section 3e(i)")
            rtext = get("text", "")
            a = clean_at(get("line", 1), get("column", 1))
            if get("end_line"):
                b = clean_at(r["end_line"], get("end_column", 1))
            else:
                b = a + len(rtext)
            if b <= a:
                b = a + max(1, len(rtext))
            resolved_to = get("resolved_to")
            sec = by_number.get(resolved_to or "")
            q = squashed.get(rtext)
            if q is None:
                q = squashed[rtext] = squash(rtext)
            out.append(
                Ref(
                    a,
                    b,
                    q,
                    get("target", ""),
                    ref_type,
                    get("section") or "",
                    bool(get("resolved")),
                    resolved_to,
                    bool(get("target_omitted")) or bool(sec and sec.omitted),
                )
            )
        # references the grammar did not give ("(as defined in Section 4 hereof)"):
        # the plain scan's numbered sections that no pipeline reference covers
        out.extend(_uncovered_sections(ctx, out))
        out.sort(key=lambda r: r.start)
    elif not _has_grammar_nodes(doc):
        out = _own_scan(ctx)
    ctx._refs = out
    return out


def _has_grammar_nodes(doc) -> bool:
    return bool(getattr(doc, "nodes", None))


_EXTERNAL_AFTER = re.compile(
    r"(?:\s*\([a-zA-Z0-9]{1,5}\))*\s*(?:,\s*)?(?:inclusive\s*,?\s*)?(?:thereof\b|(?:of|under|to|in)\s+(?:the\s+|such\s+|that\s+(?:certain\s+)?|any\s+|said\s+|each\s+)?(?:(?:respective|applicable|relevant|related)\s+)?"
    r"(?!this\b|these\b|hereof\b|herein\b)(?:[A-Z0-9]|[a-z]+\s+(?:Act|Code|Agreement|Indenture)))"
)
_CHAIN = re.compile(
    r"(?:\s*(?:,|or|and|and/or|through|to|,\s*and|,\s*or)\s+(?:(?:Sections?|Articles?|clauses?|Clauses?|paragraphs?)\s+)?(?:\d+(?:\.\d+)*[A-Za-z]?(?:\([a-zA-Z0-9]{1,5}\))*|(?:\([a-zA-Z0-9]{1,5}\))+))+"
)
_EXTERNAL_AFTER2 = re.compile(r"\s*,\s*(?:[A-Z][a-z]+\s+)*(?:Statutes|Code|Laws)\b")


def is_external(ctx: Context, ref: Ref) -> bool:
    """A reference to a section of another instrument ("Section 11(a) of the Act",
    "Section 4.01 of the Indenture", "Section 517.075, Florida Statutes")."""
    cache = ctx.__dict__.setdefault("_is_external", {})
    key = (ref.start, ref.end)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = _is_external(ctx.text, ref.start, ref.end)
    return hit


_RULE_AFTER = re.compile(r"\s*,\s*(?:Rule|Regulation|Item)\b")
_STATUTE_BEFORE = re.compile(
    r"\b(?:Rule|Regulation|Item|Form|TIA|Regulations|Statutes|Code|Act),?\s*$|U\.\s?S\.\s?C\.?(?:\s*A\.)?\s*$|C\.\s?F\.\s?R\.?\s*$|\bCode\s*$|\bStat\.\s*$"
)
_STATUTE_ENDS = ("Rule", "Regulation", "Item", "Form", "TIA", "Regulations", "Statutes", "Code", "Act", "C", "C.", "A.", "R", "R.", "Stat.")
_ET_SEQ = re.compile(r"\s+et\s+seq")


def _is_external(text: str, ref_start: int, ref_end: int) -> bool:
    tail = text[ref_end : ref_end + 120]
    # "Section 13 or Section 15(d) of the Exchange Act": the list ends in another instrument
    chain = _CHAIN.match(tail)
    if chain:
        tail = tail[chain.end() :]
    if _EXTERNAL_AFTER.match(tail) or _EXTERNAL_AFTER2.match(tail) or _RULE_AFTER.match(tail):
        return True
    head = text[max(0, ref_start - 40) : ref_start]
    # every match of _STATUTE_BEFORE ends (but for a comma and white space) in one of _STATUTE_ENDS
    if head.rstrip().rstrip(",").endswith(_STATUTE_ENDS) and _STATUTE_BEFORE.search(head):
        return True
    if _ET_SEQ.match(tail):
        return True
    return False


_HEAD_LABEL = re.compile(
    r"(?m)^[^\S\n]*\u00ad?[^\S\n]*(?:(?:Section|SECTION|Sec\.|SEC\.|Article|ARTICLE)[^\S\n]+(\d+(?:\.\d+)*[A-Za-z]?)(?![\w.]*\d)\.?(?=[^\S\n]*$|[^\S\n]+[A-Z\u201c\"(\[])"
    r"|(\d+\.\d+(?:\.\d+)*)(?![\w.]*\d)\.?[^\S\n]+(?=[A-Z\u201c\"])"
    r"|(\d{1,2})\.[^\S\n]+(?=[A-Z\u201c\"])"
    r"|(\d{1,3}(?:\.\d+)*)\.?[^\S\n]*\n(?:[^\S\n]*\n)*[^\S\n]*(?=[A-Z\u201c\"(]))"  # a number alone on its line, the heading below
)




def heading_labels(ctx: Context) -> dict[str, list[int]]:
    """Section numbers printed at the start of a line, with every offset of each:
    the sections the text has, whatever the section tree made of them."""
    cached = getattr(ctx, "_heading_labels", None)
    if cached is not None:
        return cached
    out: dict[str, list[int]] = {}
    text = ctx.text
    # a label starts a line whose first character (after spaces) is "S", "A" or a digit
    by, digits = line_heads(ctx)
    cands = [0]
    cands.extend(sorted(by["S"] + by["A"] + digits))
    for m in matches_at(_HEAD_LABEL, text, cands):
        g = 1 if m.group(1) else (2 if m.group(2) else (3 if m.group(3) else 4))
        out.setdefault(m.group(g).rstrip("."), []).append(m.start(g))
    ctx._heading_labels = out
    return out


def _label_starts(ctx: Context) -> list[tuple[int, str]]:
    cached = getattr(ctx, "_label_starts", None)
    if cached is None:
        cached = sorted((o, k) for k, offs in heading_labels(ctx).items() for o in offs)
        ctx._label_starts = cached
    return cached


def label_before(ctx: Context, offset: int) -> Optional[str]:
    """The last section number printed at a line start before ``offset``."""
    import bisect

    starts = _label_starts(ctx)
    i = bisect.bisect_right(starts, (offset, "\uffff")) - 1
    return starts[i][1] if i >= 0 else None


def target_in_text(ctx: Context, target: str) -> bool:
    """Whether the text itself shows the target: "5.01" as a heading line, and
    "(4)" inside it for "5.01(4)"."""
    import bisect

    labels = heading_labels(ctx)
    m = _TARGET_SPLIT.match(target)
    if not m:
        return False
    base, subs = m.group(1).rstrip("."), m.group(2)
    if base not in labels:
        return False
    if not subs:
        return True
    first = _FIRST_PART.match(subs).group(0)
    starts = _label_starts(ctx)
    depth = base.count(".")
    for start in labels[base]:
        i = bisect.bisect_right(starts, (start, "\uffff"))
        while i < len(starts) and starts[i][1].count(".") > depth:
            i += 1  # "5.01.1" inside "5.01"
        end = starts[i][0] if i < len(starts) else len(ctx.text)
        # a heading of the same family can be far off; a section rarely runs past 60,000 characters
        end = min(max(end, start + 200), start + 60000)
        if first in ctx.text[start:end]:
            return True
    return False
