"""Layout stage: EDGAR page furniture out, an exact map back to the original kept.

INTERFACE (used by the structure stage, the grammar stage and the pipeline):

    layout(source: Source) -> Layout

    Layout.text    the cleaned text: kept lines joined with "\\n"; indentation kept
    Layout.lines   list[Line], one per kept line, in order
    Layout.to_source(clean_offset) -> source offset (into source.text)
    Layout.span(clean_start, clean_end) -> model.Span in the original file
    Layout.line_at(clean_offset) -> index into Layout.lines
    Layout.tables  list[TableBlock]: line index ranges of tables in Layout.lines
    Layout.removed list of (src_line, why) for every source line left out

    Line fields: src_line (1-based line in the original file), start (offset of
    the line in Layout.text), text (cleaned, not stripped), indent (leading
    spaces after tab expansion is NOT done: tabs count as one column), blank,
    table (index into Layout.tables or None), page_break_before (a page
    boundary was removed just before this line).

What is removed
---------------
* ``<PAGE>`` marker lines and form feeds (a form feed is a page break; other
  control characters are dropped from the text);
* page numbers: ``19``, ``A-1``, ``-2-``, ``- ii -``, ``Page 3``, ``Page 3 of
  9``, ``ii``, a number alone on the first line of the file.  A line holding
  only a number is taken for a page number only by its position: next to a
  page marker or form feed, at the very start or end of the file, paired with
  the next page's number (the old EDGAR "bottom 19 / top 20" pair), or as a
  member of a rising sequence of such lines at least a few lines apart, each
  after a blank line.  ``1.`` is a page number only right beside a ``<PAGE>``
  marker; ``(1)`` never is;
* running headers and footers: a line of at least 8 characters repeated at
  the top of at least three pages (at the bottom: of three pages and of a fifth
  of all pages), or a line that counts pages ("Agreement - 7", "Signature Page
  No. 3"); signature-block lines ("By:", "Title:") never count.  A repeated
  heading ("EXHIBIT A", "TABLE OF CONTENTS") keeps its first occurrence;
* the SGML table tags ``<TABLE> </TABLE> <CAPTION> </CAPTION> <S> <C> <FN>
  </FN>`` and a ``<PAGE>`` at the end of a line of text (a line left empty
  by their removal is dropped);
* uuencoded attachments (a ``begin 644 exhibit.pdf`` line, the encoded lines,
  ``end``): the binary files - PDFs, images - that old EDGAR submissions carry
  inside the text;
* the blank lines that belong only to a page break.  When the text before the
  break ends a sentence and the text after it does not start in lower case (or
  starts with an all-capital heading), one blank line is kept, so a paragraph
  break that fell on a page break survives; otherwise the sentence continues on
  the next line without a blank.

Words hyphenated across lines are joined: the first token of the next line
moves up to the end of the hyphenated line.  The hyphen is dropped only when
nothing says it belongs to the word (the hyphenated form is not used elsewhere
in the document, the first part is not a prefix or number word such as "non",
"self" or "thirty", both parts are not words on their own) and the second part
starts in lower case, or when the joined word appears elsewhere in the
document.

Layout.removed gives the reason for each line left out: "page marker",
"form feed", "page number", "running header", "running footer", "table tags",
"blank in page break", "uuencoded attachment", "joined to the line above" (a line whose only word
moved up to join a hyphenated word).

Tables: a ``<TABLE>`` ... ``</TABLE>`` block (tagged), or lines with dot
leaders ("Total ........ 1,000") and rule lines of two or more columns
("-----   -----") within a few lines of each other (untagged; at least two
such lines, or one dot-leader row ending in a number).  Table lines are never
dehyphenated.

The map back to the source is a list of segments (clean offset, source offset)
within which both advance together; it is exact for every kept character,
including the line breaks, which map to a line break of the source.
"""
from __future__ import annotations

import bisect
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, compress, repeat
from operator import add
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from pydantic import BaseModel

from checker.model import Span
from checker.numbers import roman_value
from checker.source import Source

__all__ = ["Line", "TableBlock", "Layout", "layout"]

# A model's instance state, set as its validator sets it: the slots' own setters
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
# the fields set of every Span made here: all six.  (One set shared by them all: nothing
# changes a model's set in place; a copy of a model gets a copy of it.)
_SPAN_FIELDS_SET = {"line", "column", "end_line", "end_column", "offset", "end_offset"}


@dataclass(slots=True)
class Line:
    src_line: int
    start: int
    text: str
    indent: int
    blank: bool
    table: int | None
    page_break_before: bool


@dataclass(slots=True)
class TableBlock:
    first: int  # index into Layout.lines, inclusive
    last: int  # index into Layout.lines, inclusive
    tagged: bool


@dataclass
class Layout:
    source: Source
    text: str
    lines: list[Line]
    tables: list[TableBlock]
    removed: list[tuple[int, str]]
    # segments of the map: Layout.text[_seg_clean[k]:...] == source.text[_seg_src[k]:...]
    _seg_clean: list[int] = field(default_factory=list, repr=False)
    _seg_src: list[int] = field(default_factory=list, repr=False)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _span_at: Callable[[int, int, int], Span] = field(init=False, repr=False, compare=False)

    def to_source(self, clean_offset: int) -> int:
        """Offset in source.text of the character at ``clean_offset`` in self.text.

        Offsets at or past the end of the clean text map to just after the
        last kept character.
        """
        n = len(self.text)
        if not self._seg_clean:
            return 0
        if clean_offset < 0:
            clean_offset = 0
        if clean_offset >= n:
            if n == 0:
                return self._seg_src[0]
            return self.to_source(n - 1) + 1
        k = bisect.bisect_right(self._seg_clean, clean_offset) - 1
        return self._seg_src[k] + clean_offset - self._seg_clean[k]

    def span(self, start: int, end: int) -> Span:
        """Span in the original file of self.text[start:end] (end exclusive).

        The span runs from the first to just after the last source character
        that the range covers; where a hyphenated word was joined the source
        order differs slightly from the clean order, and the span then covers
        both.
        """
        return self._span_at(0, start, end)

    def __post_init__(self) -> None:
        # _span_at(base, start, end) == self.span(base + start, base + end): with
        # functools.partial(lay._span_at, base), the spans of a piece of the text
        # that starts at ``base``, in one call
        self._span_at = _span_function(
            len(self.text), self._seg_clean, self._seg_src, self.source.line_starts, len(self.source.text)
        )

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_span_at"]  # (a function: built again from the maps)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def line_at(self, clean_offset: int) -> int:
        """Index into self.lines of the line holding ``clean_offset``."""
        if not self._line_starts:
            return 0
        i = bisect.bisect_right(self._line_starts, clean_offset) - 1
        return 0 if i < 0 else i


_NEAR = 32  # lines below the last span's start line that span_at looks among first


def _span_function(n: int, sc: list[int], ss: list[int], starts: list[int], size: int) -> Callable[[int, int, int], Span]:
    """Layout.span as a function of (base, start, end) over the layout's maps: the
    clean text's length ``n``, the segments ``sc``/``ss`` and the source's line starts
    and size.  (It holds the maps, not the layout: no reference cycle.)"""
    nsc = len(sc)
    nst = len(starts)

    def to_source(x: int) -> int:  # Layout.to_source
        if not nsc:
            return 0
        if x < 0:
            x = 0
        if x >= n:  # just after the last kept character
            if n == 0:
                return ss[0]
            k = bisect_right(sc, n - 1) - 1
            return ss[k] + n - sc[k]
        k = bisect_right(sc, x) - 1
        return ss[k] + x - sc[k]

    # the segments k after which the source order breaks: the next segment starts in the
    # source before this one ends (a word joined across a line break moved up); between
    # them the source offsets rise with the clean ones
    breaks = [k for k in range(nsc - 1) if ss[k] + sc[k + 1] - sc[k] > ss[k + 1]]
    nbr = len(breaks)

    # (the inner functions that others call are passed to them as defaults, not
    # closed over: compiled with Cython, whose inner functions share one scope
    # object, a function kept in the scope that it holds itself would be a
    # reference cycle)
    def spread(start: int, end: int, k0: int, *, to_source=to_source) -> tuple[int, int]:
        """Source extent of a non-empty clean range [start, end) that starts in segment k0
        and runs past it: from the first to just after the last source character it covers."""
        k1 = bisect_right(sc, end - 1) - 1
        s = to_source(start)
        e = to_source(end - 1) + 1
        if k0 >= 0 and (not nbr or (b := bisect_left(breaks, k0)) == nbr or breaks[b] >= k1):
            # the source order holds over the range: its ends are the extremes
            return s, e
        for k in range(k0, k1 + 1):  # more than one segment only where lines were dropped or joined
            first = max(sc[k], start)
            last = min(sc[k + 1] if k + 1 < nsc else n, end) - 1
            s = min(s, ss[k] + first - sc[k])
            e = max(e, ss[k] + last - sc[k] + 1)
        return s, e

    def general(base: int, start: int, end: int, *, to_source=to_source, spread=spread) -> Span:
        start += base
        end += base
        if not (0 <= start < end <= n and nsc):  # (the usual call: a non-empty range within the text)
            if end < start:
                start, end = end, start
            # clamp both ends to [0, n]
            if start < 0:
                start = 0
            elif start > n:
                start = n
            if end < 0:
                end = 0
            elif end > n:
                end = n
        if end <= start or not nsc:
            s = e = to_source(start)
        else:
            k0 = bisect_right(sc, start) - 1
            if k0 >= 0 and (k0 + 1 == nsc or end <= sc[k0 + 1]):
                # the common case: one segment, both ends move together
                s = ss[k0] + start - sc[k0]
                e = s + end - start
            else:
                s, e = spread(start, end, k0)
        s0 = 0 if s < 0 else (size if s > size else s)
        e0 = 0 if e < 0 else (size if e > size else e)
        i = bisect_right(starts, s0) - 1
        if e0 >= s0 and i >= 0 and (i + 1 == nst or e0 < starts[i + 1]):
            j = i  # the common case: the end on the start's line
        else:
            # the end is on the start's line or below it (e0 >= s0 whenever the range is not empty)
            j = bisect_right(starts, e0, i if e0 >= s0 and i >= 0 else 0) - 1
        # Span(line=..., ...) as its validator builds it (every field set), without the
        # validation: the six values are ints computed above
        sp = _new(Span)
        _set_dict(sp, {
            "line": i + 1,
            "column": s0 - starts[i] + 1,
            "end_line": j + 1,
            "end_column": e0 - starts[j] + 1,
            "offset": s,
            "end_offset": e,
        })
        _set_fields_set(sp, _SPAN_FIELDS_SET)
        _set_extra(sp, None)
        _set_private(sp, None)
        return sp

    # The usual call, a non-empty range within the text that lies in one segment, in few
    # steps, when the maps are as layout() makes them: the first segment and the first
    # line start at 0 (so each lookup lands in a segment and a line) and every segment
    # lies within the source (so its offsets need no clamping).  Else the general form.
    if not (nsc and sc[0] == 0 and nst and starts[0] == 0 and all(
            0 <= ss[k] and ss[k] + (sc[k + 1] if k + 1 < nsc else n) - sc[k] <= size for k in range(nsc))):
        return general
    scx = [*sc, n]  # the segments' ends: each the next one's start, the last the text's end
    stx = [*starts, size + 1]  # a line's end (exclusive, its line break included): the next line's start
    # The segment and the source line of the last span's start: the spans of a document are
    # asked for in the order of its text, mostly, so the next one starts in the same segment
    # and on the same line or a few lines below (a bisection of a few lines, not of them all).
    # (bisect_right(sc, start) - 1 is k exactly when sc[k] <= start < scx[k + 1]; the same
    # for a line and stx.)
    seg = 0
    line = 0

    def span_at(base: int, start: int, end: int, *, general=general) -> Span:
        nonlocal seg, line
        start += base
        end += base
        if 0 <= start < end <= n:
            k = seg
            if not (sc[k] <= start < scx[k + 1]):
                k = seg = bisect_right(sc, start) - 1
            if end <= scx[k + 1]:
                s = ss[k] + start - sc[k]
                e = s + end - start
                i = line
                ls = starts[i]
                if not (ls <= s < stx[i + 1]):
                    if ls <= s and i + _NEAR < nst and s < starts[i + _NEAR]:
                        i = bisect_right(starts, s, i, i + _NEAR) - 1
                    else:
                        i = bisect_right(starts, s) - 1
                    line = i
                    ls = starts[i]
                if e < stx[i + 1]:
                    j, le = i, ls  # the end on the start's line
                else:
                    if i + _NEAR < nst and e < starts[i + _NEAR]:
                        j = bisect_right(starts, e, i, i + _NEAR) - 1
                    else:
                        j = bisect_right(starts, e, i) - 1
                    le = starts[j]
                sp = _new(Span)
                _set_dict(sp, {
                    "line": i + 1,
                    "column": s - ls + 1,
                    "end_line": j + 1,
                    "end_column": e - le + 1,
                    "offset": s,
                    "end_offset": e,
                })
                _set_fields_set(sp, _SPAN_FIELDS_SET)
                _set_extra(sp, None)
                _set_private(sp, None)
                return sp
        return general(base, start - base, end - base)

    return span_at


# ---------------------------------------------------------------------------
# Recognisers
# ---------------------------------------------------------------------------

_PAGE_MARKER = re.compile(r"^[ \t]*<PAGE>[ \t]*(?:\d{1,4}[ \t]*)?$", re.M | re.I)
_TAG = re.compile(r"</?(?:TABLE|CAPTION|FN)>|<[SC]>|<PAGE>", re.I)
_PAGE_WORD = re.compile(r"<PAGE>", re.I)
_TAG_OPEN = re.compile(r"<TABLE>", re.I)
_TAG_CLOSE = re.compile(r"</TABLE>", re.I)
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CTRL_CHARS = tuple(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]))  # what _CTRL matches
_HYPHEN_END = re.compile(r"-[ \t]*(?:\n|\Z)")
_WORD_BEFORE = re.compile(r"[A-Za-z]+$")
_DOTS = re.compile(r"\.\.\.\.+|\. \. \. \.")
_RULE3 = re.compile("---")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[A-Za-z]+")
# a dot leader ("...", ". . .") and a number ending the line.  Written to take
# linear time: the leader is looked for from the start of each run of dots and
# spaces, only its first place in the run is tried (every place in one run has
# the same rest of the line after it), and the run is taken whole.  (The plain
# form, "(?:\.{3,}|(?:\. ){2,}\.)[ \t.]*...", backtracks cubically on a long row
# of dots with no number after it: 45 s for 2,000 dots.)
_DOT_ROW_NUM = re.compile(r"(?<![ \t.])(?>[ \t.]*?(?:\.\.\.|\. \. \.))[ \t.]*+\$?[ \t]*\(?\d[\d,.]*\)?%?[ \t]*$")
# "[-=]{3,}" written so that the expression starts with a character set, which the engine skips to;
# tried only where a run of them begins, and each run taken whole (linear on a long rule)
_RULE_MULTI = re.compile(r"[-=](?<![-=][-=])[-=]{2,}+[ \t]++[-=]{3}")
_RULE_LINE = re.compile(r"[ \t]*[-=]{3,}(?:[ \t]+[-=]{3,})+[ \t]*")

# page-number forms, matched against the stripped line
_PN = re.compile(
    r"(?P<arabic>\d{1,3})"
    r"|[-\u2013\u2014]\s*(?P<dashed>\d{1,3})\s*[-\u2013\u2014]"
    r"|[-\u2013\u2014]\s*(?P<dashroman>[ivxlc]{1,7})\s*[-\u2013\u2014]"
    r"|(?:page|pg\.?)\s*(?P<page>\d{1,3})(?:\s*(?:of|/)\s*\d{1,3})?"
    r"|(?P<prefix>[A-Z]{1,3})\s?-\s?(?P<pnum>\d{1,3})"
    r"|(?P<roman>[ivxlc]{1,7})"
    r"|(?P<dotnum>\d{1,3})\."
    r"|(?P<uroman>[IVXL]{1,7})",
    re.I,
)
# candidate page-number lines, found in one pass over "\n" + text.  Written without the
# ignore-case flag (its letters given in both cases, with the four other characters the
# flag lets match a Latin letter: "\u0130", "\u0131", "\u017f", "\u212a"), and each branch
# opens with a single character set, so the engine passes over a branch on the line's
# first character (a line of prose is tried against one branch, not five); a run of
# digits, letters or blanks is taken whole where giving a character back could not help.
_PN_L = "A-Za-z\u0130\u0131\u017f\u212a"  # what [a-z] matches under re.I
_PN_R = "CILVXcilvx\u0130\u0131"  # what [ivxlc] matches under re.I
_PN_LINE = re.compile(
    r"\n[ \t]*+(?:\d\d{0,2}+\.?|[-\u2013\u2014][ \t]*(?:\d{1,3}|[" + _PN_R + r"]{1,7})[ \t]*[-\u2013\u2014]"
    r"|[Pp](?:[Aa][Gg][Ee]|[Gg]\.?)[ \t]*\d{1,3}(?:[ \t]*(?:[Oo][Ff]|/)[ \t]*\d{1,3})?"
    r"|[" + _PN_L + r"][" + _PN_L + r"]{0,2}+(?: -|-) ?\d{1,3}+|[" + _PN_R + r"][" + _PN_R + r"]{0,6}+)[ \t]*+(?=\n|\Z)"
)

_SENTENCE_END = re.compile(r"[.:;!?][\"'\u2019\u201d)\]]*$")
_CLOSERS = "\"'\u2019\u201d)]"  # what may follow the stop in _SENTENCE_END
_HEADING_LIKE = re.compile(
    r"(?:ARTICLE|SECTION|SCHEDULE|EXHIBIT|ANNEX|APPENDIX|ATTACHMENT|PART|TABLE OF CONTENTS)\b", re.I
)
_NOT_HEADER = re.compile(
    r"(?:by|name|title|its|date|dated|attest|attention|witness)\s*:|[-=_*.\s]*$|\(?[a-z0-9]{1,4}[.)]\s", re.I
)
_PAGE_COUNTER = re.compile(r"\bpage\b|[-\u2013\u2014]\s*\d+\s*$|\d+\s+of\s+\d+\s*$", re.I)

# first parts of a line-broken compound whose hyphen belongs to the word
_KEEP_PREFIX = frozenset(
    """non self co ex pre post anti cross well semi multi quasi vice half all pro mid
    so long short full third first second fourth fifth sixth seventh eighth ninth
    tenth one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
    sixty seventy eighty ninety hundred thousand year day month week time follow
    follow-on pari sub inter intra extra ultra counter""".split()
)


_roman = roman_value


def _parse_page_number(stripped: str) -> tuple[str, int, str] | None:
    """(family, value, strength) of a line that could be a page number.

    strength: "distinct" (a form that is a page number wherever it stands),
    "lettered" ("A-1": a page number when it stands between blank lines),
    "weak" (a bare number: position decides), "marker_only" (accepted only
    beside a page marker).
    """
    m = _PN.fullmatch(stripped)
    if m is None:
        return None
    g = m.lastgroup
    if g == "arabic":
        return "n", int(m.group("arabic")), "weak"
    if g == "dashed":
        return "n", int(m.group("dashed")), "distinct"
    if g == "page":
        return "n", int(m.group("page")), "distinct"
    if g == "pnum":
        return "L" + m.group("prefix").upper(), int(m.group("pnum")), "lettered"
    if g in ("roman", "dashroman"):
        v = _roman(m.group(g))
        if v is None:
            return None
        if g == "dashroman":
            return "r", v, "distinct"
        if stripped.isupper():
            return "R", v, "marker_only"
        return "r", v, "weak"
    if g == "dotnum":
        return "n", int(m.group("dotnum")), "marker_only"
    if g == "uroman":
        v = _roman(m.group("uroman"))
        return ("R", v, "marker_only") if v else None
    return None  # pragma: no cover - every alternative is named


# ---------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------

# reasons recorded in Layout.removed
_R_MARKER = "page marker"
_R_FF = "form feed"
_R_NUMBER = "page number"
_R_HEADER = "running header"
_R_FOOTER = "running footer"
_R_TAG = "table tags"
_R_BLANK = "blank in page break"
UUENCODED = _R_UUENCODED = "uuencoded attachment"  # (the pipeline notes these)
_INDENT_CHARS = frozenset(" \t")
_PLUS_ONE = (1).__add__


def layout(source: Source) -> Layout:
    text = source.text
    raw = source.split_lines() if isinstance(source, Source) else text.split("\n")
    n = len(raw)
    starts = source.line_starts
    if len(starts) != n:  # a Source built by hand with foreign line starts
        starts = Source(path=source.path, text=text, encoding=source.encoding).line_starts

    ltext = raw[:]  # working text of each line
    pieces: dict[int, list[tuple[int, int]]] = {}  # line -> source pieces, when not the whole line
    blank = [not t or t.isspace() for t in raw]
    removed: dict[int, str] = {}
    furniture: set[int] = set()  # removed lines that mark a page boundary
    boundary_before: set[int] = set()  # a page boundary just before a kept line

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    def break_after(i: int) -> None:
        """A page ends after line i, which is kept."""
        if i + 1 >= n:
            return
        if blank[i + 1] and i + 1 not in removed:
            removed[i + 1] = _R_BLANK  # seeds the page-break region
            furniture.add(i + 1)
        else:
            boundary_before.add(i + 1)

    # -- control characters and form feeds -------------------------------
    if any(map(text.__contains__, _CTRL_CHARS)):  # (as _CTRL.search(text), and faster)
        for i in sorted({line_of(m.start()) for m in _CTRL.finditer(text)}):
            t = ltext[i]
            base = starts[i]
            keep: list[tuple[int, int]] = []
            pos = 0
            for m in _CTRL.finditer(t):
                if m.start() > pos:
                    keep.append((base + pos, base + m.start()))
                pos = m.end()
            if pos < len(t):
                keep.append((base + pos, base + len(t)))
            new = "".join(text[a:b] for a, b in keep)
            ltext[i] = new
            pieces[i] = keep
            if not new.strip():
                blank[i] = True
                if "\f" in t:
                    removed[i] = _R_FF
                    furniture.add(i)
            elif "\f" in t:
                if t[: t.index("\f")].strip():
                    break_after(i)  # "text<FF>": the page ends after this line
                else:
                    boundary_before.add(i)

    # -- uuencoded attachments -------------------------------------------------
    begins = _lines_starting(text, "begin ", line_of)
    if begins:
        for a, b in uuencoded_blocks(raw, begins):
            removed.update(dict.fromkeys(range(a, b + 1), _R_UUENCODED))

    # the SGML tags, found in one pass: a tag's length tells which it is ("<PAGE>" 6, "<TABLE>" 7,
    # "</TABLE>" 8; every form of _TAG but "<S>" and "<C>" has a length of its own), so the
    # matches of _PAGE_WORD, _TAG_OPEN and _TAG_CLOSE are those of _TAG of these lengths
    tags = [m.span() for m in _TAG.finditer(text)] if "<" in text else ()

    # -- <PAGE> markers ----------------------------------------------------
    if tags:
        for m in _page_markers(text, [a for a, b in tags if b - a == 6]):
            i = line_of(m.start())
            removed[i] = _R_MARKER
            furniture.add(i)

    # -- table tags ----------------------------------------------------------
    tagged_tables: list[tuple[int, int]] = []
    if tags:
        tag_lines: dict[int, list[tuple[int, int]]] = {}
        opens = []  # the lines of "<TABLE>", in order
        closes = []  # and of "</TABLE>"
        for a, b in tags:
            i = line_of(a)
            tag_lines.setdefault(i, []).append((a, b))
            if b - a == 7:
                opens.append(i)
            elif b - a == 8:
                closes.append(i)
        for k, o in enumerate(opens):
            nxt_open = opens[k + 1] if k + 1 < len(opens) else n
            j = bisect.bisect_left(closes, o)
            c = closes[j] if j < len(closes) and closes[j] < nxt_open else min(nxt_open - 1, o + 500, n - 1)
            if tagged_tables and o <= tagged_tables[-1][1]:
                continue
            tagged_tables.append((o, c))
        for i, spans in tag_lines.items():
            if i in removed:
                continue
            base = starts[i]
            cur = pieces.get(i) or [(base, base + len(raw[i]))]
            for a, b in spans:
                nxt: list[tuple[int, int]] = []
                for p, q in cur:
                    if b <= p or a >= q:
                        nxt.append((p, q))
                        continue
                    if p < a:
                        nxt.append((p, a))
                    if b < q:
                        nxt.append((b, q))
                cur = nxt
            new = "".join(text[a:b] for a, b in cur)
            has_page = any(b - a == 6 and text[a + 1] in "Pp" for a, b in spans)
            if not new.strip():
                removed[i] = _R_MARKER if has_page else _R_TAG
                if has_page:
                    furniture.add(i)
                blank[i] = True
                ltext[i] = ""
                pieces.pop(i, None)
            else:
                ltext[i] = new
                pieces[i] = cur
                if has_page:
                    break_after(i)  # "<PAGE>" at the end of a line of text

    # -- page numbers --------------------------------------------------------
    cands: dict[int, tuple[str, int, str]] = {}
    for m in _PN_LINE.finditer("\n" + text):
        i = line_of(m.start())  # the match starts at the "\n" put before the line
        if i in removed or i in pieces:
            continue
        pn = _parse_page_number(raw[i].strip())
        if pn is not None:
            cands[i] = pn
    for i in pieces:  # lines changed by control characters or tags
        if i not in removed and len(ltext[i].strip()) <= 16:
            pn = _parse_page_number(ltext[i].strip())
            if pn is not None:
                cands[i] = pn

    if cands:
        _find_page_numbers(cands, blank, removed, furniture, boundary_before, n)

    # -- running headers and footers ----------------------------------------
    if len(furniture) + len(boundary_before) >= 3:
        _find_running_heads(ltext, blank, removed, furniture, boundary_before, n)

    # -- page breaks: blank lines, page_break_before ------------------------
    page_break: set[int] = set(boundary_before)
    if furniture:
        _collapse_page_breaks(ltext, blank, removed, furniture, page_break, n)

    # -- tables --------------------------------------------------------------
    table_of: list[int | None] = [None] * n
    blocks: list[tuple[int, int, bool]] = []  # source line ranges
    for o, c in tagged_tables:
        blocks.append((o, c, True))
    # ("...." or ". . . ." in the text, "---" or "==="): the engine's searches for a
    # literal, and "===" only where there is a "=" at all, are quicker than str's
    dots = _DOTS.search(text)
    if dots is not None or _RULE3.search(text) is not None or ("=" in text and "===" in text):
        blocks.extend(_untagged_tables(text, ltext, blank, removed, tagged_tables, line_of, n,
                                       -1 if dots is None else dots.start()))
        blocks.sort()
    for k, (a, b, _t) in enumerate(blocks):  # (each block's lines, a <= b < n, marked at once)
        table_of[a : b + 1] = repeat(k, b + 1 - a)

    # -- dehyphenation -------------------------------------------------------
    if "-" in text:
        _dehyphenate(text, raw, ltext, blank, removed, pieces, starts, table_of, n)

    # -- output --------------------------------------------------------------
    gone = sorted(removed)  # the removed lines, in order
    after = [0]  # the index in kept of the first kept line after each removed one (and 0)
    if removed:
        # the kept lines: the runs between the removed ones, each taken whole
        kept = []
        texts = []
        p = 0
        for r in gone:
            if r > p:
                kept.extend(range(p, r))
                texts.extend(ltext[p:r])
                after.append(len(kept))  # (the same for each line of a run of removed ones)
            p = r + 1
        if p < n:
            kept.extend(range(p, n))
            texts.extend(ltext[p:])
    else:
        kept = list(range(n))
        texts = ltext
    clean = "\n".join(texts)
    cstarts = list(accumulate(map(add, map(len, texts), repeat(1)), initial=0))
    cstarts.pop()
    # Line(i + 1, c, t, indent, blank, table, page break) for each kept line, its slots set
    # one by one (the same object as the dataclass's __init__ makes, with less work per line)
    # (the few lines in a table or after a page break are marked after the loop)
    lines: list[Line] = []
    append = lines.append
    for i, c, t in zip(kept, cstarts, texts):
        ln = _new(Line)
        ln.src_line = i + 1
        ln.start = c
        ln.text = t
        b = blank[i]
        ln.indent = 0 if b or t[:1] not in _INDENT_CHARS else len(t) - len(t.lstrip(" \t"))
        ln.blank = b
        ln.table = None
        ln.page_break_before = False
        append(ln)
    nk = len(kept)
    for k in (map(bisect_left, repeat(kept), page_break) if removed else page_break):
        if 0 < k < nk and kept[k] in page_break:  # (not the first line: nothing before it)
            lines[k].page_break_before = True
    for a, b, _t in blocks:  # the kept lines of each block
        for k in range(bisect_left(kept, a), bisect_right(kept, b)):
            lines[k].table = table_of[kept[k]]
    seg_clean, seg_src = _segments(kept, cstarts, removed, pieces, starts, raw, after)

    tables: list[TableBlock] = []
    if blocks:
        remap: dict[int, int] = {}
        for k, (a, b, tagged) in enumerate(blocks):
            lo = bisect.bisect_left(kept, a)
            hi = bisect.bisect_right(kept, b) - 1
            if lo > hi:
                continue
            remap[k] = len(tables)
            tables.append(TableBlock(lo, hi, tagged))
        # a kept line of block k lies in the block's range of kept lines (and a block with
        # none kept has no lines): only those lines have a table index to renumber
        # (k ascending, each new index at most k: a line renumbered is never taken again)
        for k, j in remap.items():
            tb = tables[j]
            for ln in lines[tb.first : tb.last + 1]:
                if ln.table == k:
                    ln.table = j

    return Layout(
        source=source,
        text=clean,
        lines=lines,
        tables=tables,
        removed=list(zip(map(_PLUS_ONE, gone), map(removed.__getitem__, gone))),  # (i + 1, why) in line order
        _seg_clean=seg_clean,
        _seg_src=seg_src,
        _line_starts=cstarts,
    )


_UU_BEGIN = re.compile(r"begin [0-7]{3,4} \S")


_UU_CHARS = re.compile("[ -`]*")  # the characters of uuencoded data
_UU_CHARS_FULL = _UU_CHARS.fullmatch


def _uu_line(t: str) -> bool:
    """A line of uuencoded data: its first character gives the number of bytes
    it holds, and the line is as long as that many bytes encode to."""
    t = t.rstrip("\r")
    if not t:
        return False
    n = ord(t[0]) - 32
    if not 0 <= n <= 64 or _UU_CHARS.fullmatch(t) is None:
        return False
    if n == 64:  # "`" stands for 0 as well
        n = 0
    return len(t) - 1 in ((n + 2) // 3 * 4, (n + 2) // 3 * 4 + 1)


def _lines_starting(text: str, prefix: str, line_of: Callable[[int], int]) -> list[int]:
    """Indexes of the lines of ``text`` that start with ``prefix`` (which holds no line
    break), in order, found by searching the text; ``line_of(offset)``: the index of the
    line that holds ``offset``."""
    out = [0] if text.startswith(prefix) else []
    find = text.find
    nl_prefix = "\n" + prefix
    k = find(nl_prefix)
    while k != -1:
        out.append(line_of(k + 1))  # (k + 1: where the line starts, after its line break)
        k = find(nl_prefix, k + 1)
    return out


def uuencoded_blocks(lines: list[str], begins: Optional[Iterable[int]] = None) -> list[tuple[int, int]]:
    """(first, last) line indexes of each uuencoded attachment: the ``begin``
    line, at least two lines of encoded data, up to and including ``end``.
    ``begins``: the indexes of the lines that start with "begin ", in order, when known."""
    out = []
    i, n = 0, len(lines)
    if begins is None:  # the lines that start with "begin ", found without a loop over every line
        begins = compress(range(n), map(str.startswith, lines, repeat("begin ")))
    for b in begins:
        if b < i:
            continue  # inside the attachment before
        i = b
        t = lines[i]
        if _UU_BEGIN.match(t):
            j = i + 1
            while j < n:
                u = lines[j]
                # a full line ("M": 45 bytes in 60 characters, or 61), tested here;
                # any other through _uu_line
                if not ((len(u) == 61 or len(u) == 62) and u[0] == "M" and _UU_CHARS_FULL(u) is not None
                        or _uu_line(u)):
                    break
                j += 1
            if j - i - 1 >= 2:
                if j < n and lines[j].strip() == "end":
                    out.append((i, j))
                    i = j + 1
                    continue
                out.append((i, j - 1))  # a truncated attachment: the data lines still go
                i = j
                continue
        i += 1
    return out


def _page_markers(text: str, at: list[int] | None = None):
    """The matches of ``_PAGE_MARKER.finditer(text)``: the pattern is tried only
    at the start of the lines that hold "<PAGE>" (a marker line is one line).
    ``at``: where "<PAGE>" occurs (_PAGE_WORD's matches), when known."""
    rfind = text.rfind
    if at is None:
        at = [m.start() for m in _PAGE_WORD.finditer(text)]
    starts = sorted({rfind("\n", 0, a) + 1 for a in at})
    match = _PAGE_MARKER.match
    for ls in starts:
        m = match(text, ls)
        if m is not None:
            yield m


def _segments(
    kept: list[int],
    cstarts: list[int],
    removed: dict[int, str],
    pieces: dict[int, list[tuple[int, int]]],
    starts: list[int],
    raw: list[str],
    after: list[int] | None = None,
) -> tuple[list[int], list[int]]:
    """The piecewise map from clean offsets to source offsets.

    Only kept lines that follow a gap or that are (or follow) a changed line
    can start a new segment; every other line continues its predecessor, so
    the work is proportional to the number of changes, not of lines.
    ``after``: the index in ``kept`` of the kept line after each removed one, when known.
    """
    if not kept:
        return [0], [0]
    nk = len(kept)
    # the kept line after each removed one
    todo = set(map(bisect_left, repeat(kept), removed) if after is None else after)
    todo.discard(nk)  # (none after it)
    todo.add(0)
    for p in pieces:
        if p in removed:
            continue
        k = bisect.bisect_left(kept, p)
        todo.add(k)
        if k + 1 < nk:
            todo.add(k + 1)
    seg_clean: list[int] = []
    seg_src: list[int] = []
    for k in sorted(todo):
        i = kept[k]
        pos = cstarts[k]
        if k > 0:
            ip = kept[k - 1]
            nl = starts[ip] + len(raw[ip])  # the source line break ending the previous kept line
            pp = pieces.get(ip)
            expect = pp[-1][1] if pp else nl
            if pp is not None and not pp:
                expect = -1
            if nl != expect:
                seg_clean.append(pos - 1)
                seg_src.append(nl)
            expect = nl + 1
        else:
            expect = -1
        pcs = pieces.get(i)
        if pcs is None:
            if starts[i] != expect:
                seg_clean.append(pos)
                seg_src.append(starts[i])
        else:
            c = pos
            for a, b in pcs:
                if a != expect:
                    seg_clean.append(c)
                    seg_src.append(a)
                c += b - a
                expect = b
    if not seg_clean:
        seg_clean, seg_src = [0], [0]
    return seg_clean, seg_src


def _find_page_numbers(
    cands: dict[int, tuple[str, int, str]],
    blank: list[bool],
    removed: dict[int, str],
    furniture: set[int],
    boundary_before: set[int],
    n: int,
) -> None:
    def gap_to_marker(i: int, step: int) -> bool:
        """Only blank lines or other candidates between line i and a page marker."""
        j = i + step
        for _ in range(6):
            if j < 0 or j >= n:
                return False
            if j in furniture:
                return True
            if step > 0 and j in boundary_before:
                return True
            if not (blank[j] or j in cands or removed.get(j) == _R_TAG):
                return False
            j += step
        return False

    def only_blank(a: int, b: int) -> bool:
        return all(blank[j] for j in range(max(a, 0), min(b, n)))

    first_content = next((i for i in range(n) if not blank[i] and i not in removed), n)
    last_content = next((i for i in range(n - 1, -1, -1) if not blank[i] and i not in removed), -1)

    accepted: dict[int, tuple[str, int]] = {}
    weak: list[int] = []
    for i in sorted(cands):
        fam, val, strength = cands[i]
        blank_before = i == 0 or blank[i - 1] or (i - 1) in furniture or (i - 1) in cands
        blank_after = i == n - 1 or blank[i + 1] or (i + 1) in furniture
        if gap_to_marker(i, -1) or gap_to_marker(i, 1) or i in boundary_before:
            accepted[i] = (fam, val)
            continue
        if strength == "marker_only":
            continue
        if strength == "distinct":
            if blank_before or blank_after:
                accepted[i] = (fam, val)
            continue
        if strength == "lettered" and blank_before and blank_after:
            accepted[i] = (fam, val)
            continue
        if i == first_content and blank_after and val <= 3:
            accepted[i] = (fam, val)
            continue
        if i == last_content and blank_before and i > first_content:
            accepted[i] = (fam, val)
            continue
        if blank_before:
            weak.append(i)

    # bottom/top pairs: "   19" then "   20" with only blank lines between
    for i in weak:
        for j in (i + 1, i + 2, i + 3):
            if j in cands and only_blank(i + 1, j):
                fi, vi, _ = cands[i]
                fj, vj, _ = cands[j]
                if fi == fj and vj == vi + 1:
                    accepted[i] = (fi, vi)
                    accepted[j] = (fj, vj)
                break

    # rising sequences of bare numbers, each after a blank line, pages apart
    by_family: dict[str, list[int]] = {}
    for i in sorted(set(weak) | set(accepted)):
        fam = cands[i][0]
        by_family.setdefault(fam, []).append(i)
    for fam, idx in by_family.items():
        if len(idx) < 2:
            continue
        for k, i in enumerate(idx):
            if i in accepted:
                continue
            val = cands[i][1]
            ok = False
            for kk in range(k + 1, min(k + 4, len(idx))):
                j = idx[kk]
                if j - i > 400:
                    break
                if j - i >= 10 and 1 <= cands[j][1] - val <= 2:
                    ok = True
                    break
            if not ok:
                for kk in range(k - 1, max(k - 4, -1), -1):
                    j = idx[kk]
                    if i - j > 400:
                        break
                    if i - j >= 10 and 1 <= val - cands[j][1] <= 2:
                        ok = True
                        break
            if ok:
                accepted[i] = (fam, val)

    for i in accepted:
        removed[i] = _R_NUMBER
        furniture.add(i)


def _find_running_heads(
    ltext: list[str],
    blank: list[bool],
    removed: dict[int, str],
    furniture: set[int],
    boundary_before: set[int],
    n: int,
) -> None:
    seeds = sorted(furniture | boundary_before)
    # page-break regions: runs of furniture and blank lines
    regions: list[tuple[int, int]] = []
    for i in seeds:
        a = b = i
        if i in boundary_before and i not in furniture:
            regions.append((i, i - 1))  # empty region just before line i
            continue
        if regions and regions[-1][0] <= i <= regions[-1][1] + 1:
            if i <= regions[-1][1]:
                continue  # inside the last region, which is already as wide as it goes
            a = regions[-1][0]
            regions.pop()
        while a > 0 and (blank[a - 1] or (a - 1) in furniture or removed.get(a - 1) == _R_TAG):
            a -= 1
        while b < n - 1 and (blank[b + 1] or (b + 1) in furniture or removed.get(b + 1) == _R_TAG):
            b += 1
        regions.append((a, b))

    def walk(start: int, step: int) -> list[int]:
        got: list[int] = []
        j = start
        for _ in range(8):
            if j < 0 or j >= n or len(got) == 2:
                break
            if j in furniture:
                break
            if not blank[j] and j not in removed:
                got.append(j)
            j += step
        return got

    def norm(s: str) -> str:
        return _DIGITS.sub("#", s)

    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    top_norm: Counter[str] = Counter()
    bottom_norm: Counter[str] = Counter()
    # the walked lines, each with its text stripped once: (line, stripped text)
    tops: list[list[tuple[int, str]]] = []
    bottoms: list[list[tuple[int, str]]] = []
    ltext_strip = [None] * n  # stripped text of the lines walked so far
    for a, b in regions:
        tl = walk(b + 1, 1) if b + 1 < n else []
        bl = walk(a - 1, -1) if a > 0 else []
        tls: list[tuple[int, str]] = []
        bls: list[tuple[int, str]] = []
        for j in tl:
            s = ltext_strip[j]
            if s is None:
                s = ltext_strip[j] = ltext[j].strip()
            tls.append((j, s))
            top[s] += 1
            if _DIGIT.search(s):
                top_norm[norm(s)] += 1
        for j in bl:
            s = ltext_strip[j]
            if s is None:
                s = ltext_strip[j] = ltext[j].strip()
            bls.append((j, s))
            bottom[s] += 1
            if _DIGIT.search(s):
                bottom_norm[norm(s)] += 1
        tops.append(tls)
        bottoms.append(bls)

    min_footer = max(3, len(regions) // 5)

    def is_head(s: str, exact: Counter[str], normed: Counter[str], least: int) -> bool:
        if len(s) < 8 or _NOT_HEADER.match(s) or s.endswith(":"):
            return False
        if exact[s] >= least:
            return True
        # a line that counts pages: "Agreement - 7", "Signature Page No. 3 to ..."
        # (the line is stripped: the expression's second and third forms end with a digit, and
        # its first holds "page" in some case, so the search is made only where one of these is)
        return (bool((s[-1].isdecimal() or "page" in s.lower()) and _PAGE_COUNTER.search(s))
                and normed[norm(s)] >= least and not _HEADING_LIKE.match(s))

    seen_heading: set[str] = set()
    for tl, bl in zip(tops, bottoms):
        for j, s in tl:
            if not is_head(s, top, top_norm, 3):
                break
            if _HEADING_LIKE.match(s) and s not in seen_heading:
                seen_heading.add(s)  # the first one is the real heading
                break
            removed[j] = _R_HEADER
            furniture.add(j)
        for j, s in bl:
            if not is_head(s, bottom, bottom_norm, min_footer) or _HEADING_LIKE.match(s):
                break
            removed[j] = _R_FOOTER
            furniture.add(j)


def _collapse_page_breaks(
    ltext: list[str],
    blank: list[bool],
    removed: dict[int, str],
    furniture: set[int],
    page_break: set[int],
    n: int,
) -> None:
    done_until = -1
    for i in sorted(furniture):
        if i <= done_until:
            continue
        a = b = i
        while a > 0 and (blank[a - 1] or (a - 1) in furniture or (a - 1) in removed):
            a -= 1
        while b < n - 1 and (blank[b + 1] or (b + 1) in furniture or (b + 1) in removed):
            b += 1
        done_until = b
        prev = a - 1  # last kept line before the break, or -1
        nxt = b + 1  # first kept line after it, or n
        blanks = [j for j in range(a, b + 1) if j not in removed]
        keep_blank = None
        if blanks and prev >= 0 and nxt < n:
            before = ltext[prev].rstrip()
            after = ltext[nxt].lstrip()
            heading = after[:1].isalpha() and after.isupper()
            # (_SENTENCE_END.search(before), read from the end of the line: its closing marks
            # taken off, it ends with the stop; the regex would try every character of it)
            end = before.rstrip(_CLOSERS)
            if heading or (end and end[-1] in ".:;!?" and not after[:1].islower()):
                keep_blank = blanks[0]
        for j in blanks:
            if j != keep_blank:
                removed[j] = _R_BLANK
        if prev >= 0 and nxt < n:
            page_break.add(nxt)


def _rule_multi_lines(text: str, line_of) -> list[int]:
    """The lines that hold a match of _RULE_MULTI (which never crosses a line), in order.

    A match starts with three of "-" and "=": "---", "===", or a mix, which holds
    "-=" or "=-"; only the lines holding one of these are searched."""
    found: set[int] = set()
    find = text.find
    search = _RULE_MULTI.search
    for pat in ("---", "===", "-=", "=-") if "=" in text else ("---",):
        k = find(pat)
        while k != -1:
            ls = text.rfind("\n", 0, k) + 1
            le = find("\n", k)
            if le == -1:
                le = len(text)
            if search(text, ls, le):
                found.add(line_of(ls))
            k = find(pat, le)
    return sorted(found)


def _untagged_tables(
    text: str,
    ltext: list[str],
    blank: list[bool],
    removed: dict[int, str],
    tagged: list[tuple[int, int]],
    line_of,
    n: int,
    dots: int = 0,
) -> list[tuple[int, int, bool]]:
    """``dots``: where the first match of _DOTS in the text starts (-1: none)."""
    anchors: dict[int, bool] = {}  # line -> is a dot-leader row ending in a number
    for m in (_DOTS.finditer(text, dots) if dots >= 0 else ()):
        i = line_of(m.start())
        if i not in anchors:
            anchors[i] = bool(_DOT_ROW_NUM.search(ltext[i]))
    for i in _rule_multi_lines(text, line_of):
        if i not in anchors and _RULE_LINE.fullmatch(ltext[i]):
            anchors[i] = False
    if not anchors:
        return []
    tagged_starts = [a for a, _b in tagged]

    def in_tagged(i: int) -> bool:
        k = bisect.bisect_right(tagged_starts, i) - 1
        return k >= 0 and tagged[k][0] <= i <= tagged[k][1]

    def short_lines(a: int, b: int) -> bool:
        """Lines strictly between a and b look like table rows, not prose."""
        if b - a > 16:
            return False
        return all(len(ltext[x].strip()) <= 60 for x in range(a + 1, b))

    out: list[tuple[int, int, bool]] = []
    # (a list, not a generator: a generator expression calling in_tagged would, compiled,
    # keep in_tagged in a scope that in_tagged holds)
    idx = sorted([i for i in anchors if i not in removed and not in_tagged(i)])
    k = 0
    while k < len(idx):
        j = k
        while j + 1 < len(idx):
            a, b = idx[j], idx[j + 1]
            if bisect.bisect_right(tagged_starts, b) != bisect.bisect_right(tagged_starts, a):
                break  # a tagged table lies between
            if b - a <= 4 or short_lines(a, b):
                j += 1
            else:
                break
        group = idx[k : j + 1]
        if len(group) >= 2 or anchors[group[0]]:
            out.append((group[0], group[-1], False))
        k = j + 1
    return out


def _dehyphenate(
    text: str,
    raw: list[str],
    ltext: list[str],
    blank: list[bool],
    removed: dict[int, str],
    pieces: dict[int, list[tuple[int, int]]],
    starts: list[int],
    table_of: list[int | None],
    n: int,
) -> None:
    words: _Words | None = None  # the look-ups of words in the lower-cased text
    done: set[int] = set()
    for m in _HYPHEN_END.finditer(text):
        hy = m.start()  # source offset of the hyphen
        i = bisect.bisect_right(starts, hy) - 1
        if i in removed or i in done or table_of[i] is not None or i in pieces:
            continue
        line_start = starts[i]
        w = _WORD_BEFORE.search(text, max(line_start, hy - 40), hy)
        if w is None:
            continue
        first = w.group(0)
        ws = w.start()
        compound = False
        if ws > line_start:
            before = text[ws - 1]
            if before == "-" and ws - 1 > line_start and text[ws - 2].isalpha():
                compound = True  # "attorney-in-" / "fact"
            elif not (before.isspace() or before in "(\"'\u201c\u2018["):
                continue  # a code ("33FS-"), encoded data, or a dash after punctuation
        j = i + 1
        while j < n and j in removed:
            j += 1
        if j >= n or blank[j] or table_of[j] is not None or j in pieces:
            continue
        nt = ltext[j]
        body = nt.lstrip(" \t")
        if not body[:1].isalpha():
            continue
        tok_end = len(nt) - len(body)
        while tok_end < len(nt) and not nt[tok_end].isspace():
            tok_end += 1
        token = nt[len(nt) - len(body) : tok_end]
        mword = _LETTERS.match(token)
        second = mword.group(0) if mword else token
        if words is None:
            words = _Words(text.lower())
        keep = _keep_hyphen(first, second, compound or "-" in token.rstrip("-"), words)

        cut = hy + (1 if keep else 0)
        tok_src_start = starts[j] + (len(nt) - len(body))
        tok_src_end = starts[j] + tok_end
        pieces[i] = [(line_start, cut), (tok_src_start, tok_src_end)]
        ltext[i] = text[line_start:cut] + token
        rest_start = tok_end
        while rest_start < len(nt) and nt[rest_start] in " \t":
            rest_start += 1
        indent_len = len(nt) - len(body)
        if rest_start >= len(nt):
            removed[j] = "joined to the line above"
        else:
            pieces[j] = [(starts[j], starts[j] + indent_len), (starts[j] + rest_start, starts[j] + len(nt))]
            ltext[j] = nt[:indent_len] + nt[rest_start:]
        done.add(j)


def _has_word(hay: str, word: str, whole: bool = True) -> bool:
    """Whether ``word`` occurs in ``hay`` as a word of its own.

    A word boundary is needed before it (and after it if ``whole``); a part of
    a hyphenated compound, including the halves of a word broken across lines,
    does not count.
    """
    if not word:
        return False
    start = 0
    n = len(hay)
    for _ in range(50):
        k = hay.find(word, start)
        if k < 0:
            return False
        start = k + 1
        if k > 0:
            c = hay[k - 1]
            if c.isalpha() or c == "-":
                continue
            if c in " \t\n":
                j = k - 1
                while j > 0 and hay[j] in " \t":
                    j -= 1
                if hay[j] == "\n" and j > 0 and hay[j - 1] == "-":
                    continue  # the second half of a word broken across lines
        end = k + len(word)
        if whole and end < n:
            c = hay[end]
            if c.isalpha() or c == "-":
                continue
        return True
    return False


class _Words:
    """``_has_word`` over one document's lower-cased text, for the many look-ups of a
    document with many words broken across lines.

    Each answer is kept (the text does not change).  After a few look-ups, the maximal
    runs of ASCII letters and hyphens in the text are gathered once, and a word made of
    these characters that no run equals (or, ``whole`` false, starts with) is known
    absent without a scan of the text: where ``_has_word`` accepts an occurrence, the
    character before it and (``whole``) the one after it is neither a letter nor a
    hyphen, so the occurrence is such a run (or its start).  Any other word is looked
    up by ``_has_word`` itself."""

    __slots__ = ("hay", "known", "runs", "starts")

    def __init__(self, hay: str) -> None:
        self.hay = hay
        self.known: dict[tuple[str, bool], bool] = {}
        self.runs: set[str] | None = None
        self.starts: list[str] = []

    def has(self, word: str, whole: bool = True) -> bool:
        key = (word, whole)
        got = self.known.get(key)
        if got is not None:
            return got
        known = self.known
        if self.runs is None and len(known) >= _WORDS_INDEX_AFTER:
            self.runs = set(_ASCII_RUN.findall(self.hay))
            self.starts = sorted(self.runs)
        runs = self.runs
        if runs is not None and _ASCII_WORD.fullmatch(word):
            if whole:
                present = word in runs
            else:
                starts = self.starts
                k = bisect_left(starts, word)
                present = k < len(starts) and starts[k].startswith(word)
            got = present and _has_word(self.hay, word, whole)
        else:
            got = _has_word(self.hay, word, whole)
        known[key] = got
        return got


_WORDS_INDEX_AFTER = 48  # look-ups (of different words) of one document before its runs are gathered
_ASCII_RUN = re.compile(r"[a-z-]+")
_ASCII_WORD = re.compile(r"[a-z-]+")


def _keep_hyphen(first: str, second: str, compound: bool, words: _Words) -> bool:
    if compound:
        return True
    has = words.has
    f, s = first.lower(), second.lower()
    if has(f + "-" + s):
        return True
    if has(f + s, whole=False):
        return False
    if f in _KEEP_PREFIX:
        return True
    if len(f) > 2 and len(s) > 2 and has(f) and has(s):
        return True
    return not second[:1].islower()
