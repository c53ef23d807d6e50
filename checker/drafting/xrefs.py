"""Cross-reference checks: a target that does not exist (XREF001), a target
that is "[Intentionally omitted]" or reserved (XREF002), a target whose
subject is not what it is cited for (XREF003), and common citations of the
securities laws checked against a small table (XREF005).  Attachments the
document refers to but does not contain (XREF004) are in :mod:`.attachments`.
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Finding
from ..numbers import roman_numeral, roman_value
from . import as_rule
from .context import Context, SectionInfo, literal_starts, matches_at, squash
from .refs import Ref, heading_labels, is_external, label_before, references, target_in_text

_INTERNAL_TYPES = ("section", "subsection", "clause", "paragraph", "article", "item")
_TWO_PLACE = re.compile(r"\d{1,2}\.\d{2}")


# patterns read in the loops below (compiled once)
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_PAGE_TAIL = re.compile(r"[\s.]*\d*\s*")
_CELL_LINE = re.compile(r"\s*[\d.()a-zA-Z]{1,12}\s*")
_PAREN_DIGITS = re.compile(r"\((\d{1,2})\)")
_QUANTITY_AFTER = re.compile(r"\s*(?:[a-z]+\s+){0,2}(?:months?|days?|years?|weeks?|hours?|%|percent)\b")
_LEADING_NUMBER = re.compile(r"\d+")
_TWO_PLACE_TARGET = re.compile(r"\d{1,2}\.\d{2}(?:\([a-zA-Z0-9]{1,5}\))*")
_TARGET_BASE = re.compile(r"^[^(]+")
_FIRST_PART = re.compile(r"\([^)]*\)")
_RUN_TOGETHER = re.compile(r"^(\d{3,4})((?:\([^)]*\))*)$")
_DECIMAL_HEAD = re.compile(r"[\d.]+")
_DIGIT = re.compile(r"\d")


def _toc_entry(ctx: Context, r: Ref) -> bool:
    """A reference that opens its line, followed by a title: a heading or an
    entry of the table of contents ("ARTICLE IX  INTENTIONALLY OMITTED")."""
    ln = ctx.line_of(r.start)
    head = ctx.text[ln.start : r.start]
    if head.strip():
        return False
    rest = ctx.text[r.end : ln.start + len(ln.text)]
    words = [w for w in _TITLE_WORD.findall(rest) if w.lower() not in ("of", "and", "the", "to", "in", "for", "on", "or")]
    return bool(words) and all(w[0].isupper() for w in words) or bool(_PAGE_TAIL.fullmatch(rest))


def _in_attachment(ctx: Context, off: int) -> bool:
    return off >= ctx.body_end or ctx.attachment_at(off) is not None


# ---------------------------------------------------------------------------
# XREF001
# ---------------------------------------------------------------------------


@as_rule
def missing_target(ctx: Context) -> list[Finding]:
    # the cheap reasons to report nothing first
    tops = [s for s in ctx.sections if s.kind == "section" and s.depth == 0]
    if len(tops) < 3:
        return []  # no section tree to resolve against
    from .definitions import _AMENDMENT

    if _AMENDMENT.search(ctx.text[:3000]):
        return []  # an amendment cites the sections of the agreement it amends
    refs = [r for r in references(ctx) if r.ref_type in _INTERNAL_TYPES and not _in_attachment(ctx, r.start)]
    if not refs:
        return []
    internal = [r for r in refs if not is_external(ctx, r)]
    if not internal:
        return []
    resolved = sum(1 for r in internal if r.resolved or _in_other_numerals(ctx, r.target))
    if resolved < 0.6 * len(internal):
        return []  # most references point into another instrument (an amendment), or the outline failed
    by_target: dict[str, list[Ref]] = {}
    highest_top = max((int(s.number) for s in tops if s.number.isdigit()), default=0)
    decimal_doc = any("." in k for k in ctx.by_number)
    two_place = sum(1 for k in ctx.by_number if _TWO_PLACE.fullmatch(k)) >= 5  # "13.04"
    for r in internal:
        if r.resolved:
            continue
        if _toc_entry(ctx, r):
            continue
        # a cell of a table or a table of contents: the line holds only the reference
        ln = ctx.line_of(r.start)
        if squash(ln.text).strip(" .,;") == r.text.strip(" .,;"):
            continue
        last = ctx.line_of(max(r.start, r.end - 1))
        if last is not ln and _CELL_LINE.fullmatch(last.text):
            continue  # "of Article / 35": a cell of a table laid out one word a line
        if target_in_text(ctx, r.target):
            continue  # the text has it; the section tree did not place it
        if _in_other_numerals(ctx, r.target):
            continue  # "this Section II" where the sections are numbered 1, 2, 3: the same section
        if r.target.count(".") >= 3:
            continue  # "Clause 7.3.3.3": the numbering of general conditions incorporated by reference
        alt = _PAREN_DIGITS.sub(r".\1", r.target)
        if alt != r.target and (alt in ctx.by_number or target_in_text(ctx, alt)):
            continue  # "8.3(2)" in a document numbered 8.3.2
        if _QUANTITY_AFTER.match(ctx.text[r.end : r.end + 30]):
            continue  # "Section 1(d)(iii), 24 months": a quantity, not a section
        main = _LEADING_NUMBER.match(r.target)
        if main and int(main.group(0)) > highest_top + 5 and not decimal_doc and "." in r.target:
            continue  # "Section 563.99": a regulation's numbering, not this document's
        if main and int(main.group(0)) > max(highest_top, 20) * 3:
            # "Section 501(5)" for "Section 5.01(5)" is a typo worth reporting; "Section 9601" is a statute;
            # "Section 63.04" in a document numbered 13.04 is this document's numbering gone wrong
            own_style = two_place and _TWO_PLACE_TARGET.fullmatch(r.target)
            if _decimal_typo(ctx, r.target) is None and not own_style:
                continue
        # "clause (b) above" in a section whose items the outline did not split: not evidence enough
        if r.target.startswith("("):
            continue
        by_target.setdefault(r.target, []).append(r)
    out: list[Finding] = _misplaced_this(ctx, tops)
    covered = [((f.line, f.column), (f.end_line, f.end_column or f.column)) for f in out]
    missing: dict[tuple[int, int], list[tuple[Ref, str, str, list[Ref]]]] = {}
    for tgt, rs in by_target.items():
        rs = [r for r in rs if not any(_overlaps(ctx, r, a, b) for a, b in covered)]
        if not rs:
            continue
        # a section that exists but whose sub-part the outline did not find: "7(c)(xi)" when 7(c) exists
        base = _TARGET_BASE.match(tgt)
        if base and base.group(0) != tgt and base.group(0).rstrip(".") in ctx.by_number:
            sub = tgt[len(base.group(0)) :]
            sec = ctx.by_number[base.group(0).rstrip(".")]
            # report only when the parent has no such part: among its numbered
            # children, or (when the outline found none) anywhere in its text
            kids = [s for s in ctx.sections if s.parent == sec.number]
            first = _FIRST_PART.match(sub)
            if first is None:
                continue
            if kids:
                if any(k.number == sec.number + first.group(0) for k in kids):
                    continue
            elif first.group(0) in ctx.text[sec.start : sec.end]:
                continue
        r = rs[0]
        highest = highest_top
        hint = ""
        typo = _decimal_typo(ctx, tgt)
        if typo:
            hint = f" (Section {typo} was probably meant)"
        elif highest and base and base.group(0).rstrip(".").isdigit() and int(base.group(0).rstrip(".")) > highest:
            hint = f" (the last section is {highest})"
        missing.setdefault((r.start, r.end), []).append((r, tgt, hint, rs))
    for (start, end), found in missing.items():
        r = found[0][0]
        if len(found) > 1:
            # one reference naming several parts that are not there ("Sections 3(c), 3(d)
            # and 3(e)"): one finding
            tgts = [t for _r, t, _h, _rs in found]
            named = ", ".join(tgts[:-1]) + " and " + tgts[-1]
            out.append(ctx.finding(
                "XREF001",
                f"'{r.text}' refers to {r.ref_type.capitalize()}s {named}, which the document does not contain",
                start,
                end,
            ))
            continue
        _r, tgt, hint, rs = found[0]
        n = len(rs)
        out.append(
            ctx.finding(
                "XREF001",
                f"'{r.text}' refers to {r.ref_type.capitalize()} {tgt}, which the document does not contain{hint}"
                + (f"; {n} references" if n > 1 else ""),
                start,
                end,
                [ctx.related(x.start, x.end, "also referred to here") for x in rs[1:4]],
            )
        )
    out.sort(key=lambda f: (f.line, f.column))
    return out


_THIS_SECTION = re.compile(
    r"\bthis\s+(?:(?P<kw>Section|Article|SECTION|ARTICLE)\s+(?P<num>\d+(?:\.\d+)*)(?![\d.]*\d)"
    r"|(?P<akw>Article|ARTICLE)\s+(?P<roman>[IVXL]{1,7})(?![\w\-]))"
)


def _in_other_numerals(ctx: Context, target: str) -> bool:
    other = _other_numeral(target)
    return other is not None and other in ctx.by_number


def _other_numeral(target: str) -> Optional[str]:
    """A whole section number in the other kind of numerals: "II" -> "2", "5" -> "V"."""
    if target.isdigit():
        n = int(target)
        return roman_numeral(n) if 0 < n < 40 else None
    if target.isalpha() and target.isupper():
        v = roman_value(target)
        return str(v) if v is not None else None
    return None


def _decimal_typo(ctx: Context, target: str) -> Optional[str]:
    """"501(5)" when the document has Section 5.01: the decimal point left out."""
    m = _RUN_TOGETHER.match(target)
    if not m:
        return None
    d = m.group(1)
    for cut in (1, 2):
        cand = d[:cut] + "." + d[cut:]
        if cand in ctx.by_number or cand in heading_labels(ctx):
            return cand + m.group(2)
    return None


def _overlaps(ctx: Context, r: Ref, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Does the reference overlap the text from (line, column) ``a`` to ``b``?"""
    sp = ctx.span(r.start, r.end)
    return (sp.line, sp.column) <= b and a <= (sp.end_line, sp.end_column)


def _same_number(held: str, num: str) -> bool:
    """Whether a section numbered ``held`` is, or is inside, Section ``num``
    ("10.09.2(v)" is inside "10.9.2")."""
    base = _DECIMAL_HEAD.match(held)
    if not base:
        return False
    h = [int(x) for x in base.group(0).strip(".").split(".") if x]
    n = [int(x) for x in num.strip(".").split(".") if x]
    return h[: len(n)] == n


def _misplaced_this(ctx: Context, tops) -> list[Finding]:
    """"this Section 7" written inside Section 6."""
    out = []
    text, end = ctx.text, ctx.body_end
    for m in matches_at(_THIS_SECTION, text, literal_starts(text, ("this",), 0, end), 0, end):
        holds = [s for s in ctx.sections_at(m.start()) if s.kind in ("section", "subsection", "item", "subitem", "article")]
        if not holds:
            continue
        if m.group("roman"):
            f = _misplaced_this_article(ctx, m, holds)
            if f is not None:
                out.append(f)
            continue
        num = m.group("num")
        if any(_same_number(s.number, num) for s in holds):
            continue
        lab = label_before(ctx, m.start())
        if lab is not None and (lab == num or lab.startswith(num + ".")):
            continue  # the text's own headings put it in Section N
        top = holds[0]
        if not top.number or not _DIGIT.match(top.number):
            continue
        out.append(
            ctx.finding(
                "XREF001",
                f"'{squash(m.group(0))}' stands in Section {holds[-1].number}, not in Section {num}",
                m.start(),
                m.end(),
                [ctx.related(top.start, min(top.end, top.start + 60), f"Section {top.number}, which holds it")],
            )
        )
    return out


def _misplaced_this_article(ctx: Context, m: re.Match, holds: list[SectionInfo]) -> Optional[Finding]:
    """"this Article VI" written inside Article VII, an article numbered in
    roman numerals (its sections, "7.01" or "(a)", stand under it)."""
    roman = m.group("roman").upper()
    value = roman_value(roman)
    if value is None:
        return None
    top = holds[0]
    held_value = roman_value(top.number)
    if held_value is None:
        return None  # an article numbered "7": its sections say "this Article 7"
    if held_value == value:
        return None
    if any(_same_number(s.number, str(value)) for s in holds):
        return None  # "7.01" is in Article VII
    lab = label_before(ctx, m.start())
    if lab is not None and lab.upper() == roman:
        return None  # the text's own headings put it in Article VI
    # the article it names exists (a slip of the number), or does not (an article left out)
    named = ctx.by_number.get(roman)
    return ctx.finding(
        "XREF001",
        f"'{squash(m.group(0))}' stands in Article {top.number}, not in Article {roman}",
        m.start(),
        m.end(),
        [ctx.related(top.start, min(top.end, top.start + 60), f"Article {top.number}, which holds it")]
        + ([ctx.related(named.start, min(named.end, named.start + 60), f"Article {roman}")] if named is not None else []),
    )


# ---------------------------------------------------------------------------
# XREF002
# ---------------------------------------------------------------------------


@as_rule
def omitted_target(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    # a reference is to an omitted section when the section is marked so, or
    # the pipeline's reference says its target is: neither, nothing to report
    if not any(s.omitted for s in ctx.sections) and not any(
        r.get("target_omitted") for r in (getattr(ctx.doc, "references", None) or ())
    ):
        return out
    for r in references(ctx):
        if not r.resolved or r.ref_type not in _INTERNAL_TYPES:
            continue
        sec = ctx.by_number.get(r.resolved_to or "")
        omitted = r.omitted or bool(sec and sec.omitted)
        # the cheap tests first: few references point to an omitted section
        if not omitted or sec is None or is_external(ctx, r) or _toc_entry(ctx, r):
            continue
        if sec.start <= r.start < sec.end:
            continue
        head = squash(ctx.text[sec.start : min(sec.end, sec.start + 80)])
        out.append(
            ctx.finding(
                "XREF002",
                f"'{r.text}' refers to Section {sec.number}, which is '{head}'",
                r.start,
                r.end,
                [ctx.related(sec.start, min(sec.end, sec.start + 80), f"Section {sec.number}")],
            )
        )
    return out


# ---------------------------------------------------------------------------
# XREF003
# ---------------------------------------------------------------------------

# subjects a reference is cited for, and the stem that shows a section deals with it
_TOPICS = {
    "default": r"\bdefault",
    "indemnification": r"\bindemni",
    "contribution": r"\bcontribut",
    "expenses": r"\bexpens",
    "termination": r"\bterminat",
    "notices": r"\bnotice",
    "survival": r"\bsurviv",
    "lock-up": r"\block[- ]?up",
    "governing law": r"\bgoverning\s+law|\bgoverned\s+by",
    "stabilization": r"\bstabiliz",
    "over-allotment": r"\bover-?allot",
}
_TOPIC_WORDS = r"(?P<topic>default(?:ing|s)?|indemnif\w*|indemnit\w*|contribution|expenses|termination|terminated|notices?|survival|lock-?up\w*|stabiliz\w*|over-?allotment\w*)"
_AFTER_CUE = re.compile(
    r"^(?:\s+(?:hereof|of\s+this\s+Agreement))?\s*,?\s*(?:by\s+reason\s+of|because\s+of|as\s+a\s+result\s+of|on\s+account\s+of|"
    r"relating\s+to|with\s+respect\s+to|in\s+respect\s+of|for)\s+(?:the\s+|any\s+|a\s+|such\s+)?" + _TOPIC_WORDS,
    re.I,
)
_BEFORE_CUE = re.compile(
    _TOPIC_WORDS + r"(?P<what>\s+(?:provisions?|obligations?|agreements?|rights?|procedures?))?\s+"
    r"(?P<link>pursuant\s+to|under|in|set\s+forth\s+in|described\s+in|provided\s+(?:for\s+)?in|"
    r"contained\s+in|referred\s+to\s+in|as\s+provided\s+in)\s*$",
    re.I,
)


# what every topic word (_TOPIC_WORDS) holds, in lower case
_TOPIC_STEMS = ("default", "indemni", "contribution", "expenses", "terminat", "notice", "survival", "lock", "stabiliz", "allotment")


# the letters that IGNORECASE matches with an ASCII letter they do not
# lower-case to (in a string without them, a word matched in any case stands
# in the lower-case string)
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def _may_cite_topic(s: str) -> bool:
    """Whether ``s`` may hold a topic word (an ASCII string without one of the
    stems cannot): a quick test before the pattern is tried at every place."""
    if not s.isascii() and _FOLDS_TO_ASCII.search(s):
        return True
    low = s.lower()
    return any(stem in low for stem in _TOPIC_STEMS)


def _topic_key(word: str) -> Optional[str]:
    w = word.lower()
    for k, stem in _TOPICS.items():
        if re.match(stem.replace(r"\b", ""), w):
            return k
    if w.startswith("indemnit"):
        return "indemnification"
    return None


def _governing_section(ctx: Context, topic: str, exclude: str) -> Optional[SectionInfo]:
    stem = re.compile(_TOPICS[topic], re.I)
    cands = [s for s in ctx.sections if s.kind == "section" and s.depth == 0 and s.heading and stem.search(s.heading)]
    cands = [s for s in cands if s.number != exclude]
    if len(cands) == 1:
        return cands[0]
    return None


# any of the subjects' stems (one search for all of them)
_ANY_TOPIC = re.compile("|".join(_TOPICS.values()), re.I)


@as_rule
def subject_mismatch(ctx: Context) -> list[Finding]:
    text = ctx.text
    out: list[Finding] = []
    # a finding names the one article or section whose heading deals with the
    # subject: without a heading that names any subject, there is none
    if not any(s.kind == "section" and s.depth == 0 and s.heading and _ANY_TOPIC.search(s.heading) for s in ctx.sections):
        return out
    seen: set[tuple[int, str]] = set()
    for r in references(ctx):
        if not r.resolved or r.ref_type not in ("section", "article"):
            continue
        sec = ctx.by_number.get(r.resolved_to or "")
        if sec is None or sec.omitted:
            continue
        if "(" in (r.resolved_to or ""):
            continue  # a subsection: too little text to judge its subject by
        topics = []
        ma = _AFTER_CUE.match(text[r.end : r.end + 80])
        if ma:
            topics.append(ma.group("topic"))
        before = text[max(0, r.start - 90) : r.start]
        mb = _BEFORE_CUE.search(before) if _may_cite_topic(before) else None
        if mb and mb.group("topic").lower().startswith("default") and not mb.group("what") and mb.group("link").lower() in ("under", "in"):
            mb = None  # "in default under Section 5.4": a breach of that section, not its subject
        if mb:
            topics.append(mb.group("topic"))
        if not topics or is_external(ctx, r):
            continue  # no subject cited (most references), or another instrument's section
        for word in topics:
            if word[:1].isupper():
                continue  # "Event of Default", "Default": a defined term, not the subject cited
            topic = _topic_key(word)
            if topic is None or (r.start, topic) in seen:
                continue
            seen.add((r.start, topic))
            body = text[sec.start : sec.end] + " " + " ".join(s.heading or "" for s in ctx.sections_at(sec.start) if s.start <= sec.start)
            if re.search(_TOPICS[topic], body, re.I):
                continue
            gov = _governing_section(ctx, topic, sec.number)
            if gov is None:
                continue
            head = f"'{sec.heading}'" if sec.heading else "a section"
            out.append(
                ctx.finding(
                    "XREF003",
                    f"'{r.text}' is cited for {topic} ('{word}'), but Section {sec.number} ({head}) says nothing of it; "
                    f"Section {gov.number} ('{gov.heading}') deals with {topic}",
                    r.start,
                    r.end,
                    [
                        ctx.related(gov.start, min(gov.end, gov.start + 60), f"Section {gov.number}"),
                        ctx.related(sec.start, min(sec.end, sec.start + 60), f"Section {sec.number}, the section cited"),
                    ],
                )
            )
    return out


# ---------------------------------------------------------------------------
# XREF005: citations of the securities laws
# ---------------------------------------------------------------------------

_ACTS = r"(?:Securities\s+Act(?:\s+of\s+1933)?|Exchange\s+Act|Securities\s+Exchange\s+Act(?:\s+of\s+1934)?|1933\s+Act|1934\s+Act|Act)"
_CITE = re.compile(r"Section\s+(?P<num>\d+[A-Za-z]?(?:\([a-z0-9]{1,3}\))*)\s+of\s+the\s+(?P<act>" + _ACTS + r")", re.I)
_CONTROL = re.compile(
    r"\b(?:(?:who|which|that)\s+controls?|controlling|control\s+persons?|controlled\s+by)\b(?:(?!\bgroup\b|\bbeneficial)[^.;]){0,80}?within\s+the\s+meaning\s+of\s+(?:either\s+)?(?P<cites>(?:Section\s+\d+[A-Za-z]?(?:\([a-z0-9]{1,3}\))*\s+of\s+the\s+"
    + _ACTS + r"(?:\s*,?\s*(?:or|and|and/or)\s+)?)+)",
    re.I,
)
_FRAUD = re.compile(r"fraudulent\s+misrepresentation\s*\(?\s*within\s+the\s+meaning\s+of\s+(?P<cites>Section\s+\S+\s+of\s+the\s+" + _ACTS + r")", re.I)
_EARNINGS = re.compile(
    r"earnings?\s+statements?\b[^.;]{0,260}?(?:complying\s+with|satisf(?:y|ies|ying)\s+(?:the\s+provisions\s+of\s+)?|in\s+accordance\s+with|"
    r"(?:which|that)\s+(?:will\s+)?(?:satisfy|satisfies|complies\s+with|compl(?:y|ies)\s+with)\s+(?:the\s+provisions\s+of\s+)?|"
    r"(?:covering|for\s+the\s+purposes\s+of|contemplated\s+by)\s+)\s*(?P<cites>Section\s+\S+\s+of\s+the\s+" + _ACTS + r")",
    re.I,
)
_FINAL_424 = re.compile(
    r"\b(?:final\s+prospectus|the\s+Prospectus)\b[^.;]{0,100}?(?:pursuant\s+to|under|in\s+accordance\s+with)\s+Rule\s+424\((?P<p>[a-z])\)"
)
_EARNINGS_RULE = re.compile(r"earnings?\s+statements?\b[^.]{0,400}?\bRule\s+(?P<r>1[5-9]\d[A-Za-z]?)\b", re.I)
_INCREASE_462 = re.compile(r"increas\w*[^.;]{0,160}?Rule\s+462\((?P<p>[a-z])\)|Rule\s+462\((?P<q>[a-z])\)[^.;]{0,60}?increas", re.I)


def _act_kind(ctx: Context, act: str) -> Optional[str]:
    a = squash(act).lower()
    if "exchange" in a or "1934" in a:
        return "exchange"
    if "securities" in a or "1933" in a:
        return "securities"
    if a == "act":
        # what this document calls "the Act" (read once per document)
        cache = ctx.__dict__
        if "_the_act" not in cache:
            m = _THE_ACT.search(ctx.text)
            cache["_the_act"] = ("exchange" if m.group(1) or m.group(2) == "1934" else "securities") if m else None
        return cache["_the_act"]
    return None


_THE_ACT = re.compile(r"Securities\s+(Exchange\s+)?Act\s+of\s+(1933|1934)[^()]{0,40}\(\s*(?:the\s+)?[\"\u201c]Act[\"\u201d]")


_HAS_EARNINGS = re.compile(r"arnings\s+[Ss]tatement")  # a literal first: a fast search
_WITHIN_MEANING = re.compile(r"within\s+the\s+meaning\s+of")


def _near_rule(pattern: "re.Pattern[str]", text: str, places: list[int], after: int):
    """``pattern.finditer(text)`` for _FINAL_424 and _INCREASE_462: every match
    holds the rule ("424(", "462("), whose places in the text are ``places``
    (in order), has no "." nor ";" before it, and ends at most ``after``
    characters after its start.  The pattern is run only over the stretches
    from the last "." or ";" before each place of the rule to ``after``
    characters past it (stretches that meet taken as one), not over the whole
    text: the same matches."""
    if not places:
        return
    rfind = text.rfind
    windows: list[list[int]] = []
    for i in places:
        lo = max(rfind(".", 0, i), rfind(";", 0, i)) + 1
        hi = min(len(text), i + after)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        yield from pattern.finditer(text, lo, hi)


def _has_earnings(text: str) -> bool:
    """``_HAS_EARNINGS.search(text)``, tried only where "arnings" stands."""
    find, match = text.find, _HAS_EARNINGS.match
    i = find("arnings")
    while i >= 0:
        if match(text, i):
            return True
        i = find("arnings", i + 7)
    return False


def _case_matches(pattern: "re.Pattern[str]", text: str, low: Optional[str], word: str, at: Optional[list[int]] = None):
    """``pattern.finditer(text)`` for a case-insensitive pattern whose matches
    start with ``word`` (lower case): tried only where the lower-case text
    ``low`` has the word (``low`` is None when lower-casing would move offsets,
    or could fold other letters into the word: then the engine scans).
    ``at``: those places, when the caller has found them."""
    if low is None:
        return pattern.finditer(text)
    return matches_at(pattern, text, literal_starts(low, (word,)) if at is None else at)

# The year in the name of each statute (a statute re-enacted under the same
# name has several: the Internal Revenue Code of 1954 became that of 1986).
_STATUTE_YEARS: dict[str, tuple[str, ...]] = {
    "securities act": ("1933",),
    "securities exchange act": ("1934",),
    "trust indenture act": ("1939",),
    "investment company act": ("1940",),
    "investment advisers act": ("1940",),
    "public utility holding company act": ("1935", "2005"),
    "employee retirement income security act": ("1974",),
    "internal revenue code": ("1939", "1954", "1986"),
    "sarbanes-oxley act": ("2002",),
    "bank holding company act": ("1956",),
    "securities investor protection act": ("1970",),
    "foreign corrupt practices act": ("1977",),
}
# a statute's name and year, matched at the end of the stretch before a year
# (the word before the name is read too, so that a longer name ending in one
# of these, "the Uniform Securities Act of 1956", is left alone)
_STATUTE = re.compile(
    r"(?<![\w\-])(?P<name>"
    + "|".join(r"\s+".join(n.split()) for n in sorted(_STATUTE_YEARS, key=len, reverse=True))
    + r")\s+of\s+(?P<year>\d{4})\Z",
    re.I,
)
# where a statute's year may end: a literal start for a quick search of the
# lower-case text (the names are then read backwards from there)
_OF_YEAR = re.compile(r"of\s+(?:1[89]|20)\d\d(?!\d)")
_OF_YEAR_I = re.compile(r"of\s+(?:1[89]|20)\d\d(?!\d)", re.I)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w\-]*)[^\S\n]*\n?[^\S\n]*\Z")
# words that may stand before the name of the statute itself
_LEAD_WORDS = frozenset("the under of to by and or with pursuant in per".split())
# the Securities Act's rules are numbered 100 to 1001 ("Rule 144A", "Rule 430B");
# a rule numbered with a letter and a hyphen ("Rule 10b-5", "Rule 13e-4") is one
# of the Exchange Act's (or the Investment Company Act's)
_RULE_UNDER = re.compile(
    r"Rule\s+(?P<rule>\d+[A-Za-z]*(?:\d+)?(?:-\d+)?)(?:\([a-z0-9]{1,4}\))*\s+(?:(?:promulgated|adopted|issued)\s+)?"
    r"(?:under|of|pursuant\s+to)\s+the\s+(?P<act>" + _ACTS + r")(?!\s+of\s+\d)",
    re.I,
)
_RULE_START = re.compile(r"rule\s+\d")
_RULE_START_I = re.compile(r"rule\s+\d", re.I)
_HYPHEN_RULE = re.compile(r"\d+[A-Za-z]+\d*-\d+\Z")
# Securities Act rules that underwriting agreements cite (none of them shares a
# number with an Exchange Act rule: those of Regulations M, SHO, ATS and NMS
# are 100-105, 200-204, 300-303 and 600-613)
_SECURITIES_ACT_RULES = frozenset(
    "134 135 144 144a 145 158 163 164 172 173 405 415 424 430a 430b 430c 433 462 701".split()
)


def _statute_names(ctx: Context, out: list[Finding]) -> None:
    """A statute named with another statute's year ("the Securities Act of 1934"),
    and a rule cited under the wrong Act ("Rule 13e-4 under the Securities Act")."""
    text = ctx.text
    low = ctx.lower
    if len(low) != len(text):  # lower-casing moved offsets (rare letters): the text itself
        low, of_year, rule_start = text, _OF_YEAR_I, _RULE_START_I
    else:
        of_year, rule_start = _OF_YEAR, _RULE_START
    for y in of_year.finditer(low):
        m = _STATUTE.search(text, max(0, y.start() - 80), y.end())
        if m is None:
            continue
        b = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if b is not None and b.group(1)[0].isupper() and b.group(1).lower() not in _LEAD_WORDS:
            continue  # the end of a longer name ("Uniform Securities Act of 1956")
        name = " ".join(m.group("name").lower().split())
        year = m.group("year")
        years = _STATUTE_YEARS[name]
        if year in years:
            continue
        title = _statute_title(name)
        # the statute of that year this one may have been confused with
        other = [_statute_title(n) for n, ys in _STATUTE_YEARS.items()
                 if year in ys and n != name and n.split()[0] == name.split()[0]]
        also = f"; the {other[0]} is of {year}" if other else ""
        out.append(
            ctx.finding(
                "XREF005",
                f"'{squash(m.group(0))}': the {title} is of {' or '.join(years)}{also}",
                m.start("name"),
                m.end(),
            )
        )
    for r in rule_start.finditer(low):
        a = r.start()
        if a and (text[a - 1].isalnum() or text[a - 1] == "_"):
            continue
        m = _RULE_UNDER.match(text, a)
        if m is None:
            continue
        kind = _act_kind(ctx, m.group("act"))
        rule = m.group("rule")
        if kind == "securities" and _HYPHEN_RULE.match(rule):
            out.append(
                ctx.finding(
                    "XREF005",
                    f"'{squash(m.group(0))}': Rule {rule} is not a rule under the Securities Act, whose rules are "
                    "numbered without a hyphen (it is numbered as the Exchange Act's rules are)",
                    m.start(),
                    m.end(),
                )
            )
        elif kind == "exchange" and rule.lower() in _SECURITIES_ACT_RULES:
            out.append(
                ctx.finding(
                    "XREF005",
                    f"'{squash(m.group(0))}': Rule {rule} is a rule under the Securities Act, not the Exchange Act",
                    m.start(),
                    m.end(),
                )
            )


def _statute_title(name: str) -> str:
    small = {"of", "and"}
    return " ".join(w if w in small else "-".join(p.capitalize() for p in w.split("-")) for w in name.split())


@as_rule
def wrong_external_citation(ctx: Context) -> list[Finding]:
    text = ctx.text
    out: list[Finding] = []

    def report(m_cite: re.Match, base: int, subject: str, want: str):
        a, b = base + m_cite.start(), base + m_cite.end()
        out.append(
            ctx.finding(
                "XREF005",
                f"{subject} is cited as '{squash(m_cite.group(0))}'; the provision is {want}",
                a,
                b,
            )
        )

    control_iter = []
    seen_ctl: set[int] = set()
    # every match of _CONTROL holds "control" (in any case): where lower-casing
    # keeps every offset (the lower-case text as long as the text; none of its
    # letters matches another letter under IGNORECASE) a window without it is
    # passed over
    aligned = len(ctx.lower) == len(text)
    ctl_low = ctx.lower if aligned else None
    for wm in matches_at(_WITHIN_MEANING, text, literal_starts(text, ("within",))):
        lo, hi = max(0, wm.start() - 140), min(len(text), wm.end() + 200)
        if ctl_low is not None and ctl_low.find("control", lo, hi) < 0:
            continue
        for m in _CONTROL.finditer(text, lo, hi):
            if m.start() not in seen_ctl and m.start("cites") >= wm.end():
                seen_ctl.add(m.start())
                control_iter.append(m)
    for m in control_iter:
        cites = m.group("cites")
        base = m.start("cites")
        for c in _CITE.finditer(cites):
            kind = _act_kind(ctx, c.group("act"))
            num = c.group("num").lower()
            main = _LEADING_NUMBER.match(num).group(0)
            if kind == "securities" and main != "15":
                report(c, base, "control-person liability under the Securities Act", "Section 15 of the Securities Act")
            elif kind == "exchange" and main != "20":
                report(c, base, "control-person liability under the Exchange Act", "Section 20 of the Exchange Act")
    # the three patterns below start with a word, in any case: where
    # lower-casing keeps every offset they are tried only where the lower-case
    # text has the word ("fraudulent" has no letter that IGNORECASE matches
    # with another; the "i" of "earning" matches the dotless "\u0131" too, so
    # the earnings patterns are tried so only in a text without one)
    low = ctx.lower if aligned else None
    if low is not None:
        # where the lower-case text has "fraudulent" (in an ASCII text, every
        # place the text has it is among them): one scan for the test and the search
        fraud_at = literal_starts(low, ("fraudulent",))
        has_fraud = any(text.startswith("fraudulent", i) for i in fraud_at)
        fraud_iter = matches_at(_FRAUD, text, fraud_at) if has_fraud else ()
    else:
        fraud_iter = _FRAUD.finditer(text) if "fraudulent" in text else ()
    for m in fraud_iter:
        base = m.start("cites")
        for c in _CITE.finditer(m.group("cites")):
            kind = _act_kind(ctx, c.group("act"))
            if kind in ("securities", None) and c.group("num").lower() != "11(f)":
                report(c, base, "fraudulent misrepresentation (for contribution)", "Section 11(f) of the Securities Act")
    has_earnings = _has_earnings(text)
    if low is not None and has_earnings and "\u0131" in text:
        low = None
    # where "earning" stands (the two earnings patterns start with it): found once
    earning_at = literal_starts(low, ("earning",)) if has_earnings and low is not None else None
    for m in (_case_matches(_EARNINGS, text, low, "earning", earning_at) if has_earnings else ()):
        base = m.start("cites")
        for c in _CITE.finditer(m.group("cites")):
            kind = _act_kind(ctx, c.group("act"))
            if kind in ("securities", None) and c.group("num").lower() != "11(a)":
                report(c, base, "the earnings statement", "Section 11(a) of the Securities Act (and Rule 158)")
    # the places of "424(" and "462(": those of "(" (found once per document for
    # the checks) after a "4" or a "2" and the rest of the number
    parens = [p for p in ctx.places_of("(") if p >= 3 and text[p - 1] in "42"]
    for m in _near_rule(_FINAL_424, text, [p - 3 for p in parens if text.startswith("424", p - 3)], 6):
        if m.group("p") != "b":
            out.append(
                ctx.finding(
                    "XREF005",
                    f"the final prospectus is filed under Rule 424(b), not Rule 424({m.group('p')}) "
                    "(Rule 424(a) is for preliminary prospectuses)",
                    m.start("p") - 9,
                    m.end(),
                )
            )
    for m in (_case_matches(_EARNINGS_RULE, text, low, "earning", earning_at) if has_earnings else ()):
        if m.group("r") != "158":
            out.append(
                ctx.finding(
                    "XREF005",
                    f"the earnings statement is cited to Rule {m.group('r')}; the rule that governs it is Rule 158",
                    m.start("r") - 5,
                    m.end("r"),
                )
            )
    for m in _near_rule(_INCREASE_462, text, [p - 3 for p in parens if text.startswith("462", p - 3)], 6 + 60 + 7):
        p = (m.group("p") or m.group("q") or "").lower()
        if p and p != "b":
            out.append(
                ctx.finding(
                    "XREF005",
                    f"a registration statement increasing the offering is filed under Rule 462(b), not Rule 462({p})",
                    m.start(),
                    m.end(),
                )
            )
    _statute_names(ctx, out)
    return out
