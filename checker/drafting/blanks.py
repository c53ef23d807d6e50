"""Blanks: what must be filled in before signing.

* BLANK001 a price or amount left blank ("$_____", "$[o] per share") - error;
* BLANK002 a date or time left blank ("____________, 1999", "September [o], 2006",
  "at ______ p.m.") - warning;
* BLANK003 any other placeholder ("File No. 333-____", "[NAME]", "[Insert ...]");
* BLANK004 a bracketed alternative or optional text ("Representative[s]",
  "[and/or]", "[if applicable]");
* BLANK006 a signature block not signed, or without the signatory's name and title;
* BLANK000 one summary per document with the counts.

Blanks inside attached forms (exhibits, annexes and appendices such as a form
of lock-up letter or of terms agreement) are expected; they are counted in the
summary, not reported one by one.  Empty schedule columns (BLANK005) are in
:mod:`.tables`.  Redactions of a confidential-treatment filing ("[***]",
"[TEXT DELETED]") are not blanks.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Optional

from ..model import Finding
from . import as_rule
from .context import Context, line_heads, matches_at, search_near, squash

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_PLACEHOLDER_MARK = r"(?:o|\*|\u2022|\u25cf|\u25aa|l|x|xx|X|XX|_+|-+|\.+|\s*|bullet|TBD|TBA|\?+|#)"
_MONTH_END = re.compile(_MONTH + r"\s*$")
_UNDERSCORES = re.compile(r"_{3,}")
_BRACKET = re.compile(r"\[([^\[\]\n]{0,300}(?:\n(?![^\S\n]*\n)[^\[\]\n]{0,300}){0,6})\]")
_BLANK_BRACKET = re.compile(r"^\s*" + _PLACEHOLDER_MARK + r"\s*$")
_NOT_BLANK = re.compile(  # noqa: E501
    r"^\s*(?:intentionally\s+(?:omitted|left\s+blank|deleted)|reserved|deleted|omitted|(?:remainder|rest|balance)\s+of\s+(?:this\s+)?page.*|"
    r"signature\s+pages?\s+follows?.*|signature\s+page\s+to.*|signatures?\s+on\s+(?:the\s+)?following\s+page.*|"
    r".*\b(?:intentionally|left\s+blank|signatures?|signature\s+pages?|remainder\s+of\s+(?:this\s+)?page|letterhead|continued|continuation)\b.*|"
    r"(?:as\s+(?:defined|such\s+term|used)|under\s+and\s+as\s+defined|i\.e\.|e\.g\.|see\b|including\b|namely\b|which\b|defined\b|[\"\u201c]).*|"
    r"execution\s+continued.*|text\s+deleted|(?:the\s+)?(?:next|following)\s+page\s+is\s+(?:the\s+)?signature\s+page.*|\*+|logo|.*\blogo|(?:missing\s+)?graphic(?:\s+reference)?|photo|picture|seal.*|.*\bref\.\s*no\..*|(?:[\w\-]+\s+){1,2}seal|letterhead.*|sic|"
    r"emphasis\s+(?:added|supplied)|footnote.*|form\s+of|intentionally\s+blank|end\s+of\s+.*|continued.*|"
    r"page\s+\d+.*|\d{1,3}|[ivx]{2,5})\.?\s*$",
    re.I | re.S,
)
_INSTRUCTION = re.compile(
    r"^\s*(?:insert|specify|describe|include|add|delete|select|name|names|date|address|amount|number|title|"
    r"to\s+come|to\s+be\s+(?:determined|provided|inserted|confirmed|agreed)|if\s+applicable|if\s+any|"
    r"applicable|optional|alternative|note|drafting\s+note|describe|complete|fill)\b",
    re.I,
)
_REDACTION_DOC = re.compile(
    r"confidential\s+treatment|omitted\s+and\s+filed\s+separately|\[\s*text\s+deleted\s*\]|redacted|"
    r"portions?\s+of\s+this\s+(?:exhibit|document)\s+(?:have\s+been|has\s+been|were)\s+omitted",
    re.I,
)
# a statute or regulation cited ("12 CFR 359.1(l)(1)", "15 U.S.C. 78j")
_CITATION = re.compile(r"\s*\d+\s+(?:C\.?F\.?R|U\.?S\.?C|Stat)\.?(?:\s+(?:Sec(?:tion|\.)|\u00a7+))?\s*[\d.]+[\w().\-]*\s*", re.I)
# a box checked: "[X]", "[x]"; a box not checked: "[ ]", "[_]"
_CHECKED_BOX = re.compile(r"\[\s*[xX]\s*\]")
_OPEN_BOX = re.compile(r"\[[ _]?\]")
# a run of underscores, continued on the next line; "___+" (not "_{3,}") starts
# with a literal, which the engine skips to
_UNDERSCORE_RUN = re.compile(r"___+(?:[^\S\n]*\n?[^\S\n]*_{2,})*")


def _underscore_runs(text: str):
    """``_UNDERSCORE_RUN.finditer(text)``: a match starts wherever "___" does,
    so the first one at or after a place is the match at the first "___"
    there (found by ``str.find``, which skips through the text faster than the
    engine's scan for "_")."""
    find, match = text.find, _UNDERSCORE_RUN.match
    i = find("___")
    while i >= 0:
        m = match(text, i)
        yield m
        i = find("___", m.end())


# the line of a periodic report's cover page that stays blank unless the report is a
# transition report: "For the transition period from ________ to ________"
_COVER_BLANK = re.compile(r"transition\s+period\s+from\s+_", re.I)
# "By:" opens a signature line; so does "Per:" (the Canadian form)
_BY_WORD = re.compile(r"^(?:By\b|Per[^\S\n]*:)")
_NAME_LINE = re.compile(r"^(?:Name|Print(?:ed)?\s+Name)\s*:", re.I)
_TITLE_LINE = re.compile(r"^(?:Title|Its)\s*:", re.I)
_RULE_ONLY = re.compile(r"[-_=. ]+")
_BY_LINE = re.compile(r"^[^\S\n]*(?:By\b|Per(?=[^\S\n]*:))[^\S\n]*:?")
_BY_AT = re.compile(r"[^\S\n]*(?:By\b|Per(?=[^\S\n]*:))")
_SIG_LINE = re.compile(r"^[^\S\n]*(?:By|Per(?=[^\S\n]*:)|Name|Title|Its|Date|Dated|Signature|Print\s+Name|Printed\s+Name|Attest|Witness)[^\S\n]*:?", re.I)

# the patterns of the blank classification and the signature blocks (compiled once)
_DOLLAR_BEFORE = re.compile(r"(?:\$|U\.S\.\s?\$|US\$|USD)\s*$")
_UNIT_AFTER = re.compile(r"\s*(?:%|percent|per\s+cent|dollars|per\s+share|per\s+note)", re.I)
_PRICE_OF_BEFORE = re.compile(r"\b(?:price|amount|fee|sum)\s+(?:of|equal\s+to|is)\s*$")
_FILE_NO_BEFORE = re.compile(r"\b(?:file|registration)\s+no\.?\s*(?:333-|\d+-)?\s*$")
_NO_333_BEFORE = re.compile(r"\bno\.\s*333-\s*$")
_YEAR_AFTER = re.compile(r"\s*,?\s*(?:19|20)\d\d\b")
_DAY_OF_AFTER = re.compile(r"\s*(?:day\s+of|,\s*(?:19|20)__)", re.I)
_CENTURY_BEFORE = re.compile(r"(?<![\w$.,/])(?:19|20)\d?$")
_DATED_BEFORE = re.compile(r"\b(?:dated(?:\s+as\s+of)?|date[d]?:|as\s+of|on|effective)\s*$")
_DATE_END_AFTER = re.compile(r"\s*(?:,|\(|\)|\.|;|$|\s+(?:or|and)\b)")
_AT_BEFORE = re.compile(r"\bat\s*$")
_HOUR_AFTER = re.compile(r"\s*(?:a\.m\.|p\.m\.|o'clock)", re.I)
_TIME_AFTER = re.compile(r"\s*:\d\d\b|\s*(?:\[?a/p\]?\.?m\.?|a\.m\.|p\.m\.)", re.I)
_REDACTION_MARK = re.compile(r"\s*(?:\*+|text\s+deleted|redacted|omitted)\s*", re.I)
_BOX_INNER = re.compile(r"\s*[xX ]?\s*")
_LETTER_AFTER = re.compile(r"\s*[A-Za-z]")
_ONE_LETTER = re.compile(r"[a-zA-Z]")
_FOOTNOTE = re.compile(r"\s*\d+(?:\.\d+)*\s*")
_OPEN_BOX_INNER = re.compile(r"\s*[_ ]?\s*")
_AND_OR = re.compile(r"\b(?:AND|OR)\b")
_DATE_WORD = re.compile(r"\s*(?:date|effective\s+date)", re.I)
_AMOUNT_WORD = re.compile(r"\s*(?:amount|price)", re.I)
_RULE_THEN_NAME = re.compile(r"^[-_]{3,}\s*(\S.*)?$")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2,}")
_CONFORMED = re.compile(r"/s/\s*[A-Za-z]", re.I)
_NAME_TITLE_HEAD = re.compile(r"^[^\S\n]*(?:Name|Print(?:ed)?\s+Name|Title|Its)\s*:", re.I)
_IN_WITNESS = re.compile(r"^IN(?:\s+WITNESS\b|$)")
_ENTITY_END = re.compile(r"\b(?:Inc|LLC|L\.?P|Ltd|Corporation|Corp|Company|N\.A|Bank|Trust|Fund|plc|AG|S\.A)\b\.?,?$")
_PAGE_NUMBER = re.compile(r"[IVXLC]{1,5}|\d{1,3}|[A-Z]-\d{1,3}")


@dataclass
class Blank:
    start: int
    end: int
    kind: str  # price, date, file, other, alternative
    text: str
    in_form: bool
    where: Optional[str]  # attachment name when in one


def _written_over(text: str, a: int, b: int) -> bool:
    """Is the run of underscores text[a:b] part of a blank filled in by typing over it:
    a name or figures typed between runs of underscores ("_New York______",
    "____Valerie Smith_____", "_____17th__", "__/s/ Jane Doe______"), or a year typed
    after one ("___2003")?  Not "by________", "c/o_______", "_____day of" or "20___":
    words beside a blank."""
    if text[b : b + 1].isalnum():
        if _YEAR.match(text, b):
            return True
        m = _TYPED.match(text, b)
        return m is not None and text[m.end() : m.end() + 1] == "_"
    if not (a and text[a - 1].isalnum()):
        return False
    opened = text.rfind("_", max(0, a - 60), a)
    return opened >= 0 and _TYPED.fullmatch(text, opened + 1, a) is not None


# what is typed over a blank: a name, a day or a month, figures (no comma, not "day of")
_TYPED = re.compile(r"(?!day\b)[A-Za-z0-9/][A-Za-z0-9/.'\-\s]{0,40}")
_YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")


class Blanks:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.items: list[Blank] = []
        self.sig_blocks: list[tuple[int, int, str, bool, bool]] = []  # start, end, entity, signed, named
        self._scan()

    @functools.cached_property
    def redacted(self) -> bool:
        """Whether the document is a confidential-treatment filing (its "[***]"
        are redactions, not blanks); read when a bracket could be one."""
        ctx = self.ctx
        return bool(
            search_near(_REDACTION_DOC, ctx.text, ("confidential", "omitted", "deleted", "redacted"), 120, 120, ctx.lower)
        )

    # -- where a blank is --------------------------------------------------

    def _form_at(self, off: int) -> Optional[str]:
        return self.ctx.form_at(off)

    def _classify(self, a: int, b: int) -> str:
        text = self.ctx.text
        before = text[max(0, a - 60) : a]
        after = text[b : b + 40]
        # a blank inside brackets ("$[____]", "[_______], 2024"): look past them
        if before.endswith("[") and after.startswith("]"):
            before, after = before[:-1], after[1:]
        bl = before.lower()
        if _DOLLAR_BEFORE.search(before) or _UNIT_AFTER.match(after):
            return "price"
        if _PRICE_OF_BEFORE.search(bl):
            return "price"
        if _FILE_NO_BEFORE.search(bl) or _NO_333_BEFORE.search(bl):
            return "file"
        if _MONTH_END.search(before) or _YEAR_AFTER.match(after) or _DAY_OF_AFTER.match(after):
            return "date"
        if _CENTURY_BEFORE.search(before):
            return "date"  # a year with its last figures left blank: "20__", "202[ ]"
        if _DATED_BEFORE.search(bl) and _DATE_END_AFTER.match(after):
            return "date"
        if _AT_BEFORE.search(bl) and _HOUR_AFTER.match(after):
            return "date"
        if _TIME_AFTER.match(after):
            return "date"
        return "other"

    # -- the scan ------------------------------------------------------------

    def _in_signature_line(self, a: int) -> bool:
        ctx = self.ctx
        ln = ctx.line_of(a)
        return bool(_SIG_LINE.match(ln.text))

    def _scan(self) -> None:
        ctx = self.ctx
        text = ctx.text
        under: list[tuple[int, int]] = []
        for m in _underscore_runs(text):
            a, b = m.start(), m.end()
            ln = ctx.line_of(a)
            if not ln.text.strip().strip("_").strip():
                continue  # a line of its own: a signature rule
            if self._in_signature_line(a):
                continue
            if _written_over(text, a, b):
                continue  # written over: "the State of _New York______"
            if _COVER_BLANK.search(ln.text):
                continue  # an SEC report's cover page, left blank when it does not apply
            # the continuation of a blank on the line before ("___________\n_____ and any ...")
            kind = self._classify(a, b)
            self._add(a, b, kind)
            under.append((a, b))
        under_starts = [x for x, _y in under]
        bisect_left = bisect.bisect_left
        # (tried at the places of "[", found once per document for the checks: a
        # match starts with one, and is never empty)
        for m in matches_at(_BRACKET, text, ctx.places_of("[")):
            a, b = m.start(), m.end()
            inner = m.group(1)
            if _NOT_BLANK.match(inner):
                continue
            if _REDACTION_MARK.fullmatch(inner) and self.redacted:
                continue
            # the runs of underscores that start inside the brackets (the runs are
            # in order): reached by bisection, not tested one by one
            k = bisect_left(under_starts, a)
            k2 = bisect_left(under_starts, b, k)
            if k < k2:
                if not any(y <= b and (x - a > 1 or b - y > 1) for x, y in under[k:k2]):
                    continue  # "[_____]": the blank is already counted
            # a check box at the start of a line: "[ ] Yes"
            ln = ctx.line_of(a)
            if _BOX_INNER.fullmatch(inner) and ln.text[: a - ln.start].strip() == "" and _LETTER_AFTER.match(text[b : b + 3]):
                continue
            # a single letter: a placeholder ("[o]", "[x]"), a plural to choose
            # ("Representative[s]"), or a quotation altered by the drafters ("[t]he")
            if _ONE_LETTER.fullmatch(inner):
                if inner in "xX" and _OPEN_BOX.search(text, max(0, a - 200), b + 200):
                    continue  # the box checked among boxes not checked: "[ ] Yes [X] No"
                if a > 0 and text[a - 1].isalpha():
                    self._add(a, b, "alternative")
                elif inner in "oxXl" and not text[b : b + 1].isalpha():
                    self._add(a, b, self._classify(a, b))
                continue
            if _FOOTNOTE.fullmatch(inner):
                continue  # a footnote or a citation
            if _CITATION.fullmatch(inner):
                continue  # "Rule 359.1(l)(1) [12 CFR 359.1(l)(1)]": the citation given again
            if _OPEN_BOX_INNER.fullmatch(inner) and _CHECKED_BOX.search(text, max(0, a - 200), b + 200):
                continue  # "[_] individual [X] corporation": the boxes not checked beside the one that is
            if _BLANK_BRACKET.match(inner) or "_" in inner:
                self._add(a, b, self._classify(a, b))
            elif _INSTRUCTION.match(inner) or (inner.isupper() and len(inner.strip()) > 1 and not _AND_OR.search(inner)):
                k = self._classify(a, b)
                if _DATE_WORD.match(inner):
                    k = "date"
                elif _AMOUNT_WORD.match(inner):
                    k = "price"
                self._add(a, b, k)
            else:
                self._add(a, b, "alternative")
        self._signature_blocks()

    def _add(self, a: int, b: int, kind: str) -> None:
        p = self.ctx.paragraph_at(a)
        if p is not None and self.ctx.is_encoded(p):
            return  # an encoded attachment, not text
        form = self._form_at(a)
        self.items.append(Blank(a, b, kind, self.ctx.text[a:b], form is not None, form))

    def _signature_blocks(self) -> None:
        """Blocks of "By: / Name: / Title:" lines, with the entity above them."""
        ctx = self.ctx
        lines = ctx.layout.lines
        n = len(lines)
        # the lines that open with "B" or "P" (the clean text is the lines joined
        # with line breaks); those that open with "By" or "Per:" are read below
        by = line_heads(ctx)[0]
        line_index = ctx.line_index
        # (_BY_LINE read in the text at the line's start: the same test, made
        # before the line's index is looked up)
        by_at, text = _BY_AT.match, ctx.text
        cands = [line_index(s) for s in sorted(by["B"] + by["P"]) if by_at(text, s)]
        if n and _BY_LINE.match(lines[0].text):
            cands.insert(0, 0)
        ci = 0
        i = 0
        while True:
            while ci < len(cands) and (cands[ci] < i or not _BY_LINE.match(lines[cands[ci]].text)):
                ci += 1
            if ci >= len(cands):
                break
            i = cands[ci]
            start = i
            j = i + 1
            name_line = None
            title_line = None
            while j < n and j <= i + 8:
                tj = lines[j].text.strip()
                if _BY_WORD.match(tj):
                    # "By: [general partner]" then "By ____ Name: Title:": one block
                    if j <= i + 4 and name_line is None and title_line is None:
                        start_by = j
                        j += 1
                        i = start_by
                        continue
                    break
                if _NAME_LINE.match(tj):
                    name_line = j
                elif _TITLE_LINE.match(tj):
                    title_line = j
                j += 1
            t = lines[i].text
            by = _BY_LINE.sub("", t).strip()
            rule_then_name = _RULE_THEN_NAME.match(by)
            if rule_then_name:
                by = ""  # "By: ______ Catherine K. Rochester, President": a signature line, then the name typed
            typed_name = bool(rule_then_name and rule_then_name.group(1))
            first_by = _BY_LINE.sub("", lines[start].text).strip()
            signed = "/s/" in by.lower() or bool(_TWO_LETTERS.search(by.replace("_", "")))
            block_end = max(x for x in (i + 3, name_line or 0, title_line or 0))
            if not signed and any("/s/" in lines[k].text.lower() for k in range(max(0, start - 2), min(n, block_end + 1))):
                signed = True
            conformed = _CONFORMED.search(" ".join(lines[k].text for k in range(start, min(n, block_end + 1))))
            named = False
            for k in (name_line, title_line):
                if k is None:
                    continue
                rest = _NAME_TITLE_HEAD.sub("", lines[k].text).strip(" _\t")
                if rest:
                    named = True
            if conformed or typed_name:
                named = True  # "/s/ Shelby J. Butterfield": the conformed signature names the signatory
            # no Name:/Title: lines at all: a name typed under the rule counts
            if name_line is None and title_line is None:
                for k in range(start + 1, min(n, start + 4)):
                    tk = lines[k].text.strip().strip("-_ ")
                    if tk and not tk.startswith("("):
                        named = True
                        break
            # the entity: the nearest line above in capitals, within 8 lines
            entity = ""
            for k in range(start - 1, max(-1, start - 9), -1):
                tk = lines[k].text.strip()
                if not tk or _BY_WORD.match(tk) or _RULE_ONLY.fullmatch(tk):
                    continue
                if _IN_WITNESS.match(tk) or tk.endswith(":"):
                    break
                words = tk.split()
                caps = _mostly_capitals(tk)
                name_like = len(words) <= 8 and _ENTITY_END.search(tk)
                if _PAGE_NUMBER.fullmatch(tk):
                    continue  # a page number
                if (caps or name_like) and len(tk) < 90:
                    entity = tk.rstrip(",")
                    break
            if _mostly_capitals(first_by):
                entity = first_by.rstrip(",")
            a = lines[start].start + lines[start].indent
            last = max(x for x in (start, name_line or start, title_line or start))
            b = lines[last].start + len(lines[last].text.rstrip())
            self.sig_blocks.append((a, b, entity, signed, named))
            i = max(j, i + 1)


# an ASCII string's letters (everything else deleted), and its capitals (the small letters deleted)
_NOT_LETTERS = str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isalpha()))
_SMALL = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")


def _mostly_capitals(s: str) -> bool:
    """Whether ``s`` has letters and at least four in five of them are capitals."""
    if s.isascii():
        letters = s.translate(_NOT_LETTERS)
        return bool(letters) and len(letters.translate(_SMALL)) >= 0.8 * len(letters)
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def get_blanks(ctx: Context) -> Blanks:
    b = getattr(ctx, "_blanks", None)
    if b is None:
        b = Blanks(ctx)
        ctx._blanks = b
    return b


_WHAT = {
    "price": ("BLANK001", "a price or amount is left blank"),
    "date": ("BLANK002", "a date or time is left blank"),
    "file": ("BLANK003", "a file number is left blank"),
    "other": ("BLANK003", "a placeholder is left to fill in"),
    "alternative": ("BLANK004", "bracketed text is still to be chosen or removed"),
}


def _report(ctx: Context, kinds: tuple[str, ...]) -> list[Finding]:
    bl = get_blanks(ctx)
    out = []
    if ctx.is_form:
        return out  # a form: its blanks are counted in the summary
    # one finding per paragraph and kind; at most MAX_PER_CODE findings per code
    groups: dict[tuple[str, int], list[Blank]] = {}
    for it in bl.items:
        if it.kind not in kinds or it.in_form:
            continue
        p = ctx.paragraph_at(it.start)
        groups.setdefault((_WHAT[it.kind][0], p.start if p else it.start), []).append(it)
    per_code: dict[str, int] = {}
    for (code, _p), its in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        if per_code.get(code, 0) >= MAX_PER_CODE:
            continue
        per_code[code] = per_code.get(code, 0) + 1
        it = its[0]
        what = _WHAT[it.kind][1]
        s0, s1 = ctx.sentence_bounds(it.start)
        context = _snippet(ctx.text, max(s0, it.start - 50), min(s1, it.end + 40), s0, s1)
        more = f" (and {len(its) - 1} more in this paragraph)" if len(its) > 1 else ""
        rel = [ctx.related(x.start, x.end, "also blank") for x in its[1:4]]
        out.append(ctx.finding(code, f"{what}: \u201c{context}\u201d{more}", it.start, it.end, rel))
    return out


MAX_PER_CODE = 12


def _snippet(text: str, a: int, b: int, s0: int, s1: int) -> str:
    """The text from ``a`` to ``b`` with whole words only: an end that falls inside
    a word moves out of it, and "…" marks an end that is not the sentence's."""
    if a > s0 and text[a - 1 : a].isalnum():
        while a < b and text[a].isalnum():
            a += 1
    if b < s1 and text[b : b + 1].isalnum():
        while b > a and text[b - 1].isalnum():
            b -= 1
    body = squash(text[a:b]).strip()
    return ("…" if a > s0 else "") + body + ("…" if b < s1 else "")


@as_rule
def price_blanks(ctx: Context) -> list[Finding]:
    return _report(ctx, ("price",))


@as_rule
def date_blanks(ctx: Context) -> list[Finding]:
    return _report(ctx, ("date",))


@as_rule
def other_blanks(ctx: Context) -> list[Finding]:
    return _report(ctx, ("file", "other"))


@as_rule
def bracketed_alternatives(ctx: Context) -> list[Finding]:
    return _report(ctx, ("alternative",))


@as_rule
def signature_blocks(ctx: Context) -> list[Finding]:
    """One finding for the document's signature blocks left unsigned or unnamed."""
    bl = get_blanks(ctx)
    if ctx.is_form:
        return []
    todo = [blk for blk in bl.sig_blocks if bl._form_at(blk[0]) is None and not (blk[3] and blk[4])]
    if not todo:
        return []
    unsigned = [blk for blk in todo if not blk[3]]
    unnamed = [blk for blk in todo if not blk[4]]
    parts = []
    if unsigned:
        parts.append(f"{len(unsigned)} not signed")
    if unnamed:
        parts.append(f"{len(unnamed)} without the signatory's name and title")
    ents = [blk[2] for blk in todo if blk[2]]
    shown = "; ".join(dict.fromkeys(ents[:6])) + ("; ..." if len(ents) > 6 else "")
    n = len(todo)
    msg = f"{n} signature block{'s' if n != 1 else ''} to complete ({', '.join(parts)})" + (f": {shown}" if shown else "")
    rel = []
    for a, b, entity, signed, named in todo[1:12]:
        what = "not signed" if not signed else ""
        if not named:
            what = (what + ", " if what else "") + "no name or title"
        rel.append(ctx.related(a, b, f"{entity or 'signature block'}: {what}"))
    a, b = todo[0][0], todo[0][1]
    return [ctx.finding("BLANK006", msg, a, b, rel)]


@as_rule
def blank_summary(ctx: Context) -> list[Finding]:
    bl = get_blanks(ctx)
    from .tables import empty_schedules

    if ctx.is_form:
        n = len(bl.items)
        if not n:
            return []
        kinds: dict[str, int] = {}
        for it in bl.items:
            kinds[it.kind] = kinds.get(it.kind, 0) + 1
        detail = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        return [
            ctx.finding(
                "BLANK000",
                f"the document is a form: {n} blank{'s' if n != 1 else ''} and bracketed alternative{'s' if n != 1 else ''} "
                f"to complete when it is used ({detail})",
                bl.items[0].start,
                bl.items[0].end,
            )
        ]
    body = [it for it in bl.items if not it.in_form]
    forms = [it for it in bl.items if it.in_form]
    counts: dict[str, int] = {}
    for it in body:
        counts[it.kind] = counts.get(it.kind, 0) + 1
    sigs = [s for s in bl.sig_blocks if bl._form_at(s[0]) is None and not (s[3] and s[4])]
    sched = empty_schedules(ctx)
    parts = []
    labels = [
        ("price", "price or amount", "prices or amounts"),
        ("date", "date or time", "dates or times"),
        ("file", "file number", "file numbers"),
        ("other", "other placeholder", "other placeholders"),
        ("alternative", "bracketed alternative", "bracketed alternatives"),
    ]
    for k, one, many in labels:
        c = counts.get(k, 0)
        if c:
            parts.append(f"{c} {one if c == 1 else many}")
    if sched:
        parts.append(f"{len(sched)} schedule{'s' if len(sched) != 1 else ''} without amounts")
    if sigs:
        parts.append(f"{len(sigs)} signature block{'s' if len(sigs) != 1 else ''}")
    if not parts and not forms:
        return []
    if parts:
        msg = "to fill in before signing: " + ", ".join(parts)
        if forms:
            msg += f"; and {len(forms)} blank{'s' if len(forms) != 1 else ''} in attached forms"
    else:
        msg = f"{len(forms)} blank{'s' if len(forms) != 1 else ''} in attached forms, none in the agreement itself"
    firsts = sorted([(it.start, it.end) for it in body] + [(s[0], s[1]) for s in sigs] + ([(it.start, it.end) for it in forms] if not parts else []))
    a, b = firsts[0] if firsts else (0, 1)
    return [ctx.finding("BLANK000", msg, a, b)]
