"""Structure stage: the section tree of an agreement, read from its cleaned text.

``build_structure(layout)`` walks the kept lines once and finds the numbered
parts of the document: articles, sections ("9.", "Section 5.", "4.1",
"Section 1.01"), subsections "(a)", items "(i)", sub-items "(A)", the
preamble before the first section, schedules, exhibits, annexes and
appendices, closing paragraphs ("If the foregoing is in accordance ..."),
signature blocks, and tables (from the layout's table blocks).

A marker at the start of a line opens a node only when the evidence says it
is one, never on its look alone:

* it must fit the numbering: the next number of a list that is open ("(c)"
  after "(b)"), the first of a new list one level down ("(a)", "(i)", "(A)",
  "1.", "4.1" under Section 4), or the next number after a list that was
  closed by a higher level (sections numbered straight through articles);
* the text before it must have ended: a blank line, ".", ":", ";", "; and",
  "; or", a heading line or a bare label;
* a marker followed by a lower-case word needs a stronger ending before it
  (a blank line, ":" , ";", "; and", "; or").

So a wrapped line that starts with "(b) or (c) above" or "(A) an additional
registration statement" stays text.  "(i)" after "(h)" is the letter unless
the text before it ended with ":" (or it is indented deeper), in which case
it opens a list of roman numerals; "(v)" and "(x)" are read the same way.

A node's kind follows its depth: a section (articles and the sections inside
them are both "section"), then subsection, item, subitem.  Numbers are full
paths ("9(b)", "1(b)(iv)"); decimal numbers stand alone ("4.1", "1.01");
attachments are numbered by their letter ("A", "I") and what is inside them
is prefixed ("Exhibit A/1").

Before the walk, a table of contents is looked for: a dense run of section
labels that all come again further down (with the exhibit list after it);
its lines are read as text.  A signature block closes the open sections, but
if the numbering then goes on ("Section 2.03" after a form of note signed
inside Section 2.02), the block is moved inside the section it interrupted.

The tree is a plain, mutable :class:`Outline` of :class:`Node`;
:func:`to_model` turns it into the immutable :class:`checker.model.Section`
tuple and :func:`flat_sections` into the JSON contract's ``sections`` list.
"""
from __future__ import annotations

import functools
import re
import typing
from bisect import bisect_left
from itertools import accumulate
from operator import attrgetter, not_
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from pydantic import BaseModel

from .layout import Layout
from .model import Clause, Section, SectionKind, Span, TypedNode
from .numbers import roman_numeral

__all__ = ["Node", "Outline", "build_structure", "to_model", "flat_sections", "iter_nodes"]

_new = object.__new__


# ---------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------


@dataclass
class Node:
    kind: str  # a checker.model.SectionKind value
    label: str = ""  # as printed: "9.", "(b)", "4.1", "SCHEDULE A", "ARTICLE I"
    number: str = ""  # full path: "9(b)", "1(b)(iv)", "4.1", "A"
    heading: Optional[str] = None
    omitted: bool = False
    start: int = 0  # offsets in Layout.text: the whole extent, children included
    end: int = 0
    body: list[tuple[int, int]] = field(default_factory=list)  # own text, one range per paragraph
    children: list["Node"] = field(default_factory=list)
    # how the node was numbered (used while building; kept for inspection)
    style: str = ""
    ordinal: int = 0
    prefix: str = ""  # decimal numbering: "4" for 4.1, "4.1" for 4.1.2
    indent: int = 0
    line: int = -1  # index in Layout.lines of the line holding the label
    _seg: int = -1  # start of the body segment being collected
    _last: dict = field(default_factory=dict, repr=False)  # container: style -> last ordinal closed

    def walk(self) -> Iterator["Node"]:
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Outline:
    root: list[Node]
    signature_blocks: list[Node] = field(default_factory=list)
    tables: list[Node] = field(default_factory=list)
    preamble: Optional[Node] = None
    toc: Optional[tuple[int, int]] = None  # line index range of a table of contents, if one was found

    def walk(self) -> Iterator[Node]:
        for n in self.root:
            yield from n.walk()

    def find(self, number: str, kind: Optional[str] = None) -> Optional[Node]:
        for n in self.walk():
            if n.number == number and (kind is None or n.kind == kind):
                return n
        return None


def _node(kind: str, label: str, start: int, line: int, indent: int, style: str, ordinal: int, prefix: str) -> Node:
    """Node(kind=kind, label=label, start=start, line=line, indent=indent, style=style,
    ordinal=ordinal, prefix=prefix): the same object, its fields set in their order
    without the keyword call of the dataclass's __init__ (a node for each marker)."""
    n = _new(Node)
    n.kind = kind
    n.label = label
    n.number = ""
    n.heading = None
    n.omitted = False
    n.start = start
    n.end = 0
    n.body = []
    n.children = []
    n.style = style
    n.ordinal = ordinal
    n.prefix = prefix
    n.indent = indent
    n.line = line
    n._seg = -1
    n._last = {}
    return n


def iter_nodes(nodes: Iterable[Node]) -> Iterator[Node]:
    for n in nodes:
        yield from n.walk()


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

# i .. xxxix: longer lists of roman items do not occur in agreements
_ROMAN = {roman_numeral(n).lower(): n for n in range(1, 40)}
_UROMAN = {k.upper(): v for k, v in _ROMAN.items()}
_UROMAN.update({"L": 50})

_WORDS = {
    w: i
    for i, w in enumerate(
        "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN FOURTEEN "
        "FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN TWENTY".split()
    )
}


def _letter_ord(v: str) -> int:
    """a=1 .. z=26, aa=27 .. zz=52 (doubled letters), aaa=53 ..."""
    c = v.lower()
    if not c or c.strip(c[0]):
        return 0
    return (len(c) - 1) * 26 + (ord(c[0]) - 96)


# ---------------------------------------------------------------------------
# Line patterns
# ---------------------------------------------------------------------------

_WS = " \t\xa0\u2002\u2003\u2009"

# One anchored pattern for every marker that can open a node at a line start.
_MARKER = re.compile(
    r"""
    (?:
        (?P<art>(?:ARTICLE|Article)[ \t\xa0]+
            (?P<artn>[IVXL]{1,7}|\d{1,2}|[A-Z]{3,9})(?![\w.]\w)\.?)
      | (?P<sec>(?:SECTION|Section|SEC\.|Sec\.|\u00a7{1,2})[ \t\xa0]*
            (?P<secn>\d{1,4}(?:\.\d{1,3}){0,3})(?!\.?\d|\()(?P<secx>[A-Z](?![\w(]))?\.?(?=[\s\xa0]|$))
      | (?P<dec>(?P<decn>\d{1,3}(?:\.\d{1,3}){1,3})\.?)(?=[\s\xa0]|$)
      | (?P<num>(?P<numn>\d{1,3})\.)(?=[\s\xa0]|$)
      | (?P<par>\((?P<parv>[a-z]{1,7}|[A-Z]{1,4}|\d{1,3})\))(?=[\s\xa0]|$|[A-Z"\u201c])
      | (?P<dot>(?P<dotv>[a-z]|[A-Z]|[ivx]{2,6}|[IVX]{2,6})\.)(?=[ \t\xa0])
      | (?P<rp>(?P<rpv>[a-z]|\d{1,2})\))(?=[ \t\xa0])
    )
    """,
    re.X,
)

# The ASCII characters a _MARKER match can start with; any other ASCII line start
# matches only as a single letter followed by "." or ")" (the "dot" and "rp" forms).
# (A non-ASCII start may be "\u00a7" or a digit of another script, which \d matches.)
_MARKER_START = frozenset("0123456789(\u00a7ASivxIVX")
_DOT_RP = frozenset(".)")

_ATTACH = re.compile(
    r"(?P<word>SCHEDULE|Schedule|EXHIBIT|Exhibit|ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT|Attachment)"
    r"[ \t\xa0]+(?P<q>[\"\u201c])?(?P<id>(?:[A-Z]{1,2}|[IVX]{1,6}|\d{1,3}(?:\.\d{1,3})*)(?:-?[A-Z](?![a-z]))?(?:-\d{1,3})?(?:\([a-z0-9]{1,3}\))?)"
    r"(?(q)[\"\u201d])"  # 'EXHIBIT "B"': the letter in quotation marks
    r"(?![\w-])(?P<rest>.*)$"
)
_ATTACH_KIND = {
    "schedule": "schedule",
    "exhibit": "exhibit",
    "annex": "annex",
    "appendix": "appendix",
    "attachment": "appendix",
}
# an attachment's word alone on a line (its letter or number on the next); another
# such label this near, with only short lines between, makes a list of attachments
_ATTACH_WORDS = frozenset(w for k in _ATTACH_KIND for w in (k.upper(), k.capitalize()))
_SPLIT_LIST_LINES = 15

_SIGNATURE = re.compile(
    r"(?:IN\s+WITNESS\s+WHEREOF|In\s+Witness\s+Whereof|IN\s+WITNESS\s+THEREOF"
    r"|Very\s+truly\s+yours|VERY\s+TRULY\s+YOURS|Sincerely(?:\s+yours)?,|Yours\s+(?:very\s+)?(?:truly|faithfully|sincerely)"
    r"|Accepted\s+(?:and\s+agreed\s+)?(?:to\s+)?as\s+of|Accepted(?:\s+and\s+[Aa]greed)?\s*(?:to)?\s*:"
    r"|ACCEPTED(?:\s+AND\s+AGREED)?(?:\s+TO)?(?:\s+AS\s+OF|\s*:)"
    r"|(?:Agreed|AGREED)\s+(?:to\s+and\s+|TO\s+AND\s+)?(?:accepted|ACCEPTED)|(?:Acknowledged|ACKNOWLEDGED)\s+(?:and|AND)\s+(?:agreed|AGREED)"
    r"|(?:Confirmed|CONFIRMED)\s+(?:and|AND)\s+(?:accepted|ACCEPTED)"
    r"|The\s+foregoing\s+.{0,80}?is\s+hereby\s+(?:confirmed|accepted|agreed))"
)
_CLOSING = re.compile(
    r"(?:If\s+the\s+foregoing\s+(?:is\s+in\s+accordance|correctly|is\s+acceptable|accurately|sets\s+forth|meets)"
    r"|Please\s+(?:confirm|indicate|sign\s+and\s+return)|Kindly\s+(?:confirm|sign|indicate))"
)
_BYLINE = re.compile(r"(?:By|BY)\s*:|By[ \t]*_{3,}|By[ \t]*$")
# the first characters of _ATTACH, and of _SIGNATURE and _CLOSING (all case-sensitive),
# and the first two characters of each of their words
_ATTACH_START = frozenset("SEA")
_SIGNATURE_START = frozenset("IVAYSPKTC")
_ATTACH_START2 = frozenset("SC Sc EX Ex AN An AP Ap AT At".split())
_SIGNATURE_START2 = frozenset("IN In Ve VE Si Yo Ac AC Ag AG Co CO Th If Pl Ki".split())
# what try_line can act on: an attachment, a signature or closing, a marker, a "By:"
# line, a bare "Section" / "Article" / "\u00a7"; or a letter followed by "." or ")"
_LINE_START = _ATTACH_START | _SIGNATURE_START | _MARKER_START | frozenset("B")
_TOC_START = frozenset("0123456789SA\u00a7TCI")  # (all in _LINE_START)
_TOC = re.compile(r"^[\s\xa0]*(?:TABLE\s+OF\s+CONTENTS|Table\s+of\s+Contents|CONTENTS|INDEX)[\s\xa0.:]*$")
_RULE = re.compile(r"^[\s\xa0]*[-_=*\u2014\u2013 ]{4,}[\s\xa0]*$")
_OMITTED = re.compile(
    r"^[\[(]?\s*(?:(?:intentionally|deliberately)\s+(?:omitted|deleted|left\s+blank)|reserved|omitted|deleted)\s*\.?\s*[\])]?\s*\.?$",
    re.I,
)

# words that may stay in lower case inside a title-case heading
_SMALL = frozenset(
    "a an and as at by for from in into of on or the to upon with under etc be is are not its per via "
    "than that this other certain all any each such".split()
)
_ABBREV = frozenset(
    "inc co corp ltd no nos u.s n.a l.p l.l.c llc mr mrs ms dr jr sr st sec secs art arts vs v e.g i.e p.c s.a".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]*")
_LOWER = re.compile(r"[a-z]")


def _heading_like(h: str, max_words: int = 14) -> bool:
    h = h.strip()
    if not h or len(h) > 130:
        return False
    words = _WORD.findall(h)
    if not words or not words[0][0].isupper():
        return False
    if _LOWER.search(h) is None:
        return len(words) <= 12
    if len(words) > max_words:
        return False
    for w in words:
        if w[0].islower() and w.lower() not in _SMALL:
            return False
    return True


_LAST_WORD = re.compile(r"([A-Za-z.]+)$")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")  # (what _LAST_WORD takes)
_LAST_WORD_DOT = re.compile(r"([A-Za-z.]+)\.$")


_WORD_CHARS_STR = "".join(sorted(_WORD_CHARS))
# a run of white space (_WS), and of white space and closing quotation marks, from a position
_WS_RUN = re.compile("[" + re.escape(_WS) + "]*").match
_WS_QUOTE_RUN = re.compile("[" + re.escape(_WS + "\"'\u201d") + "]*").match


def _heading_end(s: str) -> int:
    """Index of the '.' that ends a run-in heading in ``s``, or -1."""
    i = s.find(".")
    while i != -1:
        nxt = s[i + 1 : i + 2]
        if nxt == "" or nxt in _WS or nxt in "\"'\u201d)":
            # w: the word before the ".", as _LAST_WORD.search(s[:i]) finds it (the run of
            # its characters that ends the text, or ends it before a final line break):
            # what is left of s[:j] once its last run of those characters is stripped
            j = i - 1 if i and s[i - 1] == "\n" else i
            k = len(s[:j].rstrip(_WORD_CHARS_STR))
            w = s[k:j].lower()
            if w not in _ABBREV and not (len(w) == 1 and s[i - 1].isupper()):
                return i
        i = s.find(".", i + 1)
    return -1


# ---------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------

_SECTION_STYLES = frozenset({"article", "num"})  # plus every "dec<n>"


def _is_section_style(style: str) -> bool:
    return style in _SECTION_STYLES or style.startswith("dec")


class _StyleTable(dict):
    """style -> _is_section_style(style), each style worked out once (a look-up in the builder's loops)."""

    def __missing__(self, style: str) -> bool:
        v = self[style] = _is_section_style(style)
        return v


_SECTION_STYLE = _StyleTable()


_READINGS: dict[tuple, list[tuple[str, int, str, str]]] = {}


def _interpretations(m: re.Match) -> list[tuple[str, int, str, str]]:
    """(style, ordinal, prefix, value) readings of a marker match (a shared list: do not change it)."""
    # the readings depend on the groups alone, and these on the matched text and which
    # alternative matched (the pattern splits a text into its groups one way only)
    key = (m.group(), m.lastgroup)
    out = _READINGS.get(key)
    if out is None:
        if len(_READINGS) >= 4096:
            _READINGS.clear()
        out = _READINGS[key] = _readings(m)
    return out


def _readings(m: re.Match) -> list[tuple[str, int, str, str]]:
    g = m.lastgroup
    out: list[tuple[str, int, str, str]] = []
    if m.group("art"):
        v = m.group("artn")
        if v.isdigit():
            out.append(("article", int(v), "", v))
        elif v in _UROMAN:
            out.append(("article", _UROMAN[v], "", v))
        elif v in _WORDS:
            out.append(("article", _WORDS[v], "", str(_WORDS[v])))
        return out
    if m.group("sec") or m.group("dec"):
        v = m.group("secn") if m.group("sec") else m.group("decn")
        if m.group("sec") and m.group("secx"):
            return out  # "Section 5A": a rider, not a numbered sequence we follow
        parts = v.split(".")
        if len(parts) == 1:
            out.append(("num", int(v), "", v))
        else:
            out.append((f"dec{len(parts)}", int(parts[-1]), ".".join(str(int(p)) for p in parts[:-1]), v))
        return out
    if m.group("num"):
        v = m.group("numn")
        out.append(("num", int(v), "", v))
        out.append(("n1", int(v), "", v))
        return out
    if m.group("par"):
        v = m.group("parv")
        pre = "p"
    elif m.group("dot"):
        v = m.group("dotv")
        pre = "d"
    elif m.group("rp"):
        v = m.group("rpv")
        pre = "r"
    else:  # pragma: no cover - the pattern has no other branch
        return out
    if v.isdigit():
        out.append((pre + "1", int(v), "", v))
    elif v.islower():
        o = _letter_ord(v)
        if o:
            out.append((pre + "a", o, "", v))
        if v in _ROMAN:
            out.append((pre + "i", _ROMAN[v], "", v))
    else:
        o = _letter_ord(v)
        if o:
            out.append((pre + "A", o, "", v))
        if v in _UROMAN and v != "L":
            out.append((pre + "I", _UROMAN[v], "", v))
    return out


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

_CONTAINERS = frozenset({"schedule", "exhibit", "annex", "appendix"})


class _Builder:
    def __init__(self, lay: Any) -> None:
        self.lay = lay
        self.text: str = lay.text
        self.lines = lay.lines
        self.root: list[Node] = []
        self.sigs: list[Node] = []
        self.tables: list[Node] = []
        self.preamble: Optional[Node] = None
        # the open path, outermost first; an attachment, when open, is stack[0]
        self.stack: list[Node] = []
        self.root_last: dict = {}  # section numbering seen at the top: style -> last ordinal
        self.seen_section = False
        self.prev_text: Optional[str] = None  # stripped text of the last text line
        self.prev_line: int = -1
        self.prev_label_only = False
        self.blank_before = True
        self.toc: Optional[tuple[int, int]] = None
        self.first_section: Optional[Node] = None  # the first section at the top level
        # sections closed by a signature block or closing paragraph, which may go on after it
        # (a form with its own signature lines inside a section): (nodes, where the block went)
        self.suspended: Optional[tuple[list[Node], int]] = None
        # line -> _MARKER.match of its text after the leading white space, for the lines
        # find_toc matched (try_line reads the same text of the same lines)
        self.marks: dict[int, Optional[re.Match]] = {}

    # -- helpers ---------------------------------------------------------

    def line_end(self, i: int) -> int:
        ln = self.lines[i]
        return ln.start + len(ln.text)

    def container_index(self) -> int:
        """Index in the stack of the open attachment, or -1."""
        if self.stack and self.stack[0].kind in _CONTAINERS:
            return 0
        return -1

    def holder(self) -> dict:
        """Where the numbering of sections closed in the current part is remembered."""
        stack = self.stack
        return stack[0]._last if stack and stack[0].kind in _CONTAINERS else self.root_last

    def close_to(self, depth: int, at: int) -> None:
        """Close every open node deeper than ``depth`` (-1 closes all)."""
        stack = self.stack
        while len(stack) > depth + 1:
            n = stack.pop()
            if n._seg >= 0 and at > n._seg:
                n.body.append((n._seg, at))
            n._seg = -1
            n.end = at
            st = n.style
            if _SECTION_STYLE[st]:
                key = (st, n.prefix) if st.startswith("dec") else st
            elif st in ("dI", "dA") and len(stack) == (0 if stack and stack[0].kind in _CONTAINERS else -1) + 1:
                key = st
            else:
                continue
            (stack[0]._last if stack and stack[0].kind in _CONTAINERS else self.root_last)[key] = n.ordinal

    def attach(self, node: Node, body_from: int) -> None:
        """Make ``node`` a child of the deepest open node (or a root node) and open it."""
        if self.stack:
            parent = self.stack[-1]
            if parent._seg >= 0 and node.start > parent._seg:
                parent.body.append((parent._seg, node.start))
            parent._seg = -1
            parent.children.append(node)
        else:
            pre = self.preamble
            if pre is not None and pre._seg >= 0:
                if node.start > pre._seg:
                    pre.body.append((pre._seg, node.start))
                pre._seg = -1
                pre.end = node.start
            self.root.append(node)
            if node.kind == "section" and self.first_section is None:
                self.first_section = node
        node._seg = body_from
        self.stack.append(node)

    def ensure_open(self, i: int) -> None:
        """Text with nothing open belongs to the preamble."""
        if self.stack:
            return
        pre = self.preamble
        if pre is not None and pre._seg >= 0:
            return
        start = self.lines[i].start
        if pre is None:
            pre = self.preamble = Node(kind="preamble", start=start, line=i)
            self.root.append(pre)
        pre._seg = start

    # -- evidence --------------------------------------------------------

    def prev_end(self) -> tuple[str, str]:
        """How the text before the current line ended: (class, last char)."""
        if self.prev_text is None or self.blank_before:
            return "blank", ""
        if self.prev_label_only:
            return "stop", "."
        t = self.prev_text.rstrip(_WS + "\"'\u201d\u2019*")
        if not t:
            return "blank", ""
        c = t[-1]
        if c in ".:;":
            return "stop", c
        if c == ")" and t.endswith((".)", ";)")):
            return "stop", "."
        low = t[-9:].lower()
        if low.endswith(("; and", "; or", ";and", ";or", "; and/or", "; plus")):
            return "conj", ";"
        if len(t) <= 80 and c not in ",-" and _heading_like(t, 10):
            return "stop", "h"
        return "none", c

    # -- main loop ---------------------------------------------------------

    def run(self) -> Outline:
        lines = self.lines
        n = len(lines)
        lay = self.lay
        cands = _event_lines(self.text, lay._line_starts if isinstance(lay, Layout) else None)
        self.find_toc(cands)
        toc_a, toc_b = self.toc if self.toc else (-1, -2)
        # The lines read one by one: those where something may open (cands) and the lines of
        # tables.  Every other line is blank or plain text, and a run of them only leaves
        # its last text line and whether a blank line followed it (self.gap).
        events = cands
        table_lines = self.table_lines()
        if table_lines:
            events = sorted(set(cands).union(table_lines))
        i = 0
        for e in events:
            if e < i:
                continue  # read with the line before
            if e > i:
                self.gap(i, e)
            ln = lines[e]
            if ln.blank:
                self.blank_before = True
                i = e + 1
                continue
            if ln.table is not None:
                i = self.do_table(e)
                continue
            s = ln.text.lstrip(_WS)
            nxt = None
            # try_line finds nothing on a line whose first two characters cannot start anything
            c0 = s[:1]
            if (c0 in _LINE_START or s[1:2] in _DOT_RP or c0 > "\x7f") and not (toc_a <= e <= toc_b):
                nxt = self.try_line(e, s)
            if nxt is None:
                if not self.stack:
                    self.ensure_open(e)
                # self.text_line(e, s), inline
                self.prev_text = s
                self.prev_line = e
                self.prev_label_only = False
                self.blank_before = False
                i = e + 1
            else:
                i = nxt
        if i < n:
            self.gap(i, n)
        end = len(self.text)
        self.close_to(-1, end)
        pre = self.preamble
        if pre is not None and pre._seg >= 0:
            if end > pre._seg:
                pre.body.append((pre._seg, end))
            pre._seg = -1
            pre.end = end
        self.finish()
        return Outline(root=self.root, signature_blocks=self.sigs, tables=self.tables,
                       preamble=self.preamble, toc=self.toc)

    def text_line(self, i: int, s: str) -> None:
        self.prev_text = s
        self.prev_line = i
        self.prev_label_only = False
        self.blank_before = False

    def gap(self, a: int, b: int) -> None:
        """Read lines a to b - 1, each blank or plain text (nothing can open on them):
        what reading them one by one as text lines would leave."""
        lines = self.lines
        j = b - 1
        while j >= a and lines[j].blank:
            j -= 1
        if j < a:
            self.blank_before = True
            return
        if not self.stack:
            f = a
            while lines[f].blank:
                f += 1
            self.ensure_open(f)  # (the first text line opens the preamble; the others find it open)
        self.prev_text = lines[j].text.lstrip(_WS)
        self.prev_line = j
        self.prev_label_only = False
        self.blank_before = j < b - 1

    def table_lines(self) -> list[int]:
        """Indexes of the lines that belong to a table, in order."""
        lay = self.lay
        if isinstance(lay, Layout):  # its tables are the ranges of lines with a table index
            return [i for tb in lay.tables for i in range(tb.first, tb.last + 1)]
        return [i for i, ln in enumerate(self.lines) if ln.table is not None]

    def after_label(self, i: int, label_only: bool) -> None:
        self.prev_line = i
        self.prev_text = self.lines[i].text.strip(_WS)
        self.prev_label_only = label_only
        self.blank_before = False

    # -- tables ----------------------------------------------------------

    def do_table(self, i: int) -> int:
        ti = self.lines[i].table
        last = i
        while last + 1 < len(self.lines) and self.lines[last + 1].table == ti:
            last += 1
        self.ensure_open(i)
        start = self.lines[i].start
        end = self.line_end(last)
        node = Node(kind="table", start=start, end=end, line=i)
        node.body = [(start, end)]
        parent = self.stack[-1] if self.stack else self.preamble
        if parent is not None:
            if parent._seg >= 0 and start > parent._seg:
                parent.body.append((parent._seg, start))
            parent.children.append(node)
            parent._seg = end
        self.tables.append(node)
        self.blank_before = True
        self.prev_text = None
        return last + 1

    # -- table of contents -------------------------------------------------

    def find_toc(self, cands: list[int]) -> None:
        """A table of contents: a dense run of section labels that all come again below it.

        Its lines are read as plain text (of the preamble, usually).  ``cands``: the lines
        that may start with a label or the contents header, in order."""
        lines = self.lines
        n = len(lines)
        labels: list[tuple[int, str]] = []
        header = -1
        marks = self.marks
        for i in cands:
            ln = lines[i]
            s = ln.text.lstrip(_WS)
            c0 = s[:1]
            # labels start with a digit, "S", "A" or "\u00a7"; the contents header with "T", "C" or "I"
            if c0 not in _TOC_START and not (c0 > "\x7f" and c0.isdigit()):
                continue
            if ln.blank or ln.table is not None:
                continue
            if header < 0 and c0 in "TCI" and i < n // 2 and _TOC.match(s):
                header = i
                continue
            m = marks[i] = _MARKER.match(s)
            if m is None and s.rstrip(_WS) in _BARE_WORDS and i + 1 < n:
                m = _MARKER.match(s.rstrip(_WS) + " " + lines[i + 1].text.lstrip(_WS))
            if m is None:
                continue
            if m.group("art"):
                c = _interpretations(m)
                if c:
                    labels.append((i, f"A{c[0][1]}"))
            elif m.group("sec") or m.group("dec") or m.group("num"):
                v = m.group("secn") or m.group("decn") or m.group("numn")
                key = _LABEL_KEYS.get(v)
                if key is None:
                    if len(_LABEL_KEYS) >= 4096:
                        _LABEL_KEYS.clear()
                    key = _LABEL_KEYS[v] = "N" + _dec_norm(v)
                labels.append((i, key))
        if len(labels) < 3:
            return
        # non-blank lines before each line, and the last place each label occurs
        nb = list(accumulate(map(not_, map(_BLANK, lines)), initial=0))
        last: dict[str, int] = {}
        for k, (_, key) in enumerate(labels):
            last[key] = k
        k = 0
        limit = n * 0.6
        while k < len(labels) and labels[k][0] < limit:
            if self.toc is not None and nb[labels[k][0]] - nb[self.toc[1]] > 20:
                return  # nothing more close below the contents
            if last[labels[k][1]] == k:
                k += 1
                continue
            # a run of close labels, each of which comes again further down
            e = k
            while (e + 1 < len(labels) and last[labels[e + 1][1]] > e + 1
                   and nb[labels[e + 1][0]] - nb[labels[e][0]] <= 12):
                e += 1
            size = e - k + 1
            a = labels[k][0]
            near_header = 0 <= header < a and nb[a] - nb[header] <= 12
            if size >= 5 or (near_header and size >= 3):
                b = labels[e][0] + 1
                while b < n and (lines[b].blank or len(lines[b].text.strip(_WS)) < 60) and b - labels[e][0] < 8 \
                        and not (b < len(lines) and _MARKER.match(lines[b].text.lstrip(_WS))):
                    b += 1
                # a list of the exhibits and schedules may follow the sections
                j, seen = b, 0
                while j < n and seen <= 6:
                    lj = lines[j]
                    if not lj.blank:
                        sj = lj.text.lstrip(_WS)
                        if _ATTACH.match(sj):
                            b, seen = j + 1, 0
                        else:
                            seen += 1
                            if len(sj) > 90:
                                break
                    j += 1
                if self.toc is not None:
                    if not self._short_lines(a, b):
                        return
                    self.toc = (self.toc[0], b - 1)  # a second run right after the first: one contents
                else:
                    self.toc = (header if near_header else a, b - 1)
                # another run starting close below (a contents after a flattened table of
                # cross-references, or split by page headings) belongs to the same contents,
                # when both are lists of short lines (not text whose numbers come again below)
                if not self._short_lines(self.toc[0], b):
                    return
                k = e + 1
                while k < len(labels) and labels[k][0] < b:
                    k += 1
                continue
            k = e + 1

    def _short_lines(self, a: int, b: int) -> bool:
        """Lines a to b are a list, not text: four in five of the non-blank ones are short."""
        sizes = [len(ln.text.strip(_WS)) for ln in self.lines[a:b] if not ln.blank]
        return bool(sizes) and sum(1 for x in sizes if x < 50) >= 0.8 * len(sizes)

    # -- one line ----------------------------------------------------------

    def try_line(self, i: int, s: str) -> Optional[int]:
        """Open whatever starts on line ``i``; return the next line to read, or None for text."""
        c0 = s[:1]
        c2 = s[:2]
        if c2 in _ATTACH_START2:
            r = self.try_attachment(i, s)
            if r is not None:
                return r
        if c2 in _SIGNATURE_START2:
            r = self.try_signature(i, s)
            if r is not None:
                return r
        if c0 in _MARKER_START or s[1:2] in _DOT_RP or c0 > "\x7f":
            m = self.marks.get(i, _UNSEEN)
            if m is _UNSEEN:
                m = _MARKER.match(s)
        else:
            m = None
        if m is None:
            if c0 == "B" and _BYLINE.match(s):
                return self.try_byline(i, s)
            if i + 1 < len(self.lines) and not self.lines[i + 1].blank:
                word = s.rstrip(_WS)
                if word in _BARE_WORDS:
                    return self.try_split_label(i, s)
                if word in _ATTACH_WORDS:
                    return self.try_split_attachment(i, word)
            return None
        return self.try_marker(i, s, m)

    def try_split_label(self, i: int, s: str) -> Optional[int]:
        """"Section" or "Article" alone on a line, its number on the next one."""
        nl = self.lines[i + 1]
        if nl.table is not None:
            return None
        s2 = nl.text.lstrip(_WS)
        word = s.rstrip(_WS)
        joined = word + " " + s2
        m = _MARKER.match(joined)
        if m is None or m.end() <= len(word) + 1 or not (m.group("sec") or m.group("art")):
            return None
        # the label ends on the next line: map the match end back to it
        end_on_next = nl.start + (len(nl.text) - len(s2)) + (m.end() - len(word) - 1)
        return self.try_marker(i, s, m, label_end=end_on_next, label_line=i + 1, rest=joined[m.end():])

    def try_split_attachment(self, i: int, word: str) -> Optional[int]:
        """"EXHIBIT" alone on a line, its letter or number alone on the next one
        (a heading of a converted HTML exhibit: "EXHIBIT" / "B")."""
        a = self.split_attachment_label(i)
        if a is None:
            return None
        lines = self.lines
        for j in range(max(0, i - _SPLIT_LIST_LINES), min(len(lines) - 1, i + 2 + _SPLIT_LIST_LINES)):
            if abs(j - i) > 1 and self.split_attachment_label(j) is not None:
                between = [ln.text.strip(_WS) for ln in lines[min(i, j) + 2 : max(i, j)]]
                if sum(map(len, between)) < 200 and max(map(len, between), default=0) <= 60:
                    return None  # a list of the attachments (a table of contents), not one of them
        return self.try_attachment(i, word, a, label_line=i + 1)

    def split_attachment_label(self, i: int) -> Optional[re.Match]:
        """The _ATTACH match of "EXHIBIT" on line ``i`` and its letter or number
        alone on the next line, or None."""
        word = self.lines[i].text.strip(_WS)
        if word not in _ATTACH_WORDS:
            return None
        nl = self.lines[i + 1]
        if nl.table is not None or nl.blank:
            return None
        a = _ATTACH.match(word + " " + nl.text.strip(_WS))
        if a is None or a.group("rest"):
            return None  # the next line holds more than the label's letter or number
        return a

    def paragraph_start(self, i: int) -> bool:
        return (self.prev_text is None or self.blank_before or self.prev_label_only
                or self.lines[i].page_break_before and self.prev_end()[0] == "stop")

    def try_attachment(self, i: int, s: str, a: Optional[re.Match] = None, label_line: Optional[int] = None) -> Optional[int]:
        """An attachment's heading on line ``i`` ("EXHIBIT A", "Schedule I - Underwriters");
        ``a`` and ``label_line``: the match of a label that goes on to that line."""
        if a is None:
            a = _ATTACH.match(s)
        if label_line is None:
            label_line = i
        if not a or not self.paragraph_start(i):
            return None
        ident = a.group("id")
        if ident in _NOT_IDS:
            return None
        rest = a.group("rest").strip(_WS)
        heading = None
        if rest:
            r2 = rest.lstrip("-\u2013\u2014:. \t").strip(_WS)
            if rest[0] in "-\u2013\u2014:." and (not r2 or _heading_like(r2, 16)):
                heading = _clean_heading(r2) or None
            elif _ATTACH_TO.match(rest):
                heading = None
            elif rest.upper() == rest and _heading_like(rest, 12) and not rest[0].isdigit():
                heading = _clean_heading(rest)
            else:
                return None
        word = a.group("word").lower()
        kind = _ATTACH_KIND[word]
        # the filing's own exhibit number ("EXHIBIT 1.1", "Exhibit 10.2") at the top of the file
        if kind == "exhibit" and not self.seen_section and _FILING_ID.fullmatch(ident):
            return None
        ln = self.lines[i]
        start = ln.start + (len(ln.text) - len(s))
        self.close_to(-1, start)
        self.suspended = None
        node = Node(kind=kind, label=f"{a.group('word')} {ident}", number=ident.upper(), heading=heading,
                    start=start, line=i, indent=ln.indent, style="attach")
        nxt = label_line + 1
        if not rest:
            h, nxt = self.next_line_heading(label_line, allow_blank=True)
            node.heading = h
        self.attach(node, self.line_end(nxt - 1))
        self.after_label(nxt - 1, label_only=True)
        return nxt

    def next_line_heading(self, i: int, allow_blank: bool) -> tuple[Optional[str], int]:
        """A heading standing on the line(s) after a bare label: (heading, next line to read)."""
        lines = self.lines
        j = i + 1
        blanks = 0
        while allow_blank and j < len(lines) and lines[j].blank and blanks < 3:
            j += 1
            blanks += 1
        if j >= len(lines) or lines[j].blank or lines[j].table is not None:
            return None, i + 1
        s = lines[j].text.strip(_WS)
        if (not s or len(s) > 100 or s[0] in "[(" or s.endswith((",", ";"))
                or _MARKER.match(s) or _ATTACH.match(s) or _SIGNATURE.match(s)):
            return None, i + 1
        caps = s.upper() == s
        if not _heading_like(s.rstrip(".:"), 12) or not (caps or blanks == 0):
            return None, i + 1
        heading = _clean_heading(s)
        k = j + 1
        # an all-caps heading may run on to a second line
        if caps and k < len(lines) and not lines[k].blank and lines[k].table is None:
            s2 = lines[k].text.strip(_WS)
            if (s2 and len(s2) < 80 and s2.upper() == s2 and not _MARKER.match(s2) and not _ATTACH.match(s2)
                    and _heading_like(heading + " " + s2, 16)):
                heading = heading + " " + _clean_heading(s2)
                k += 1
        if blanks and k < len(lines) and not lines[k].blank and lines[k].table is None:
            return None, i + 1  # a column head over a table, not a title
        return heading, k

    def try_signature(self, i: int, s: str) -> Optional[int]:
        head = s
        if s.rstrip(_WS) in ("IN", "In") and i + 1 < len(self.lines) and not self.lines[i + 1].blank:
            # "IN" / "WITNESS WHEREOF, ...": the words split over two lines by EDGAR's conversions
            head = s.rstrip(_WS) + " " + self.lines[i + 1].text.lstrip(_WS)
        if _SIGNATURE.match(head):
            kind = "signature"
        elif _CLOSING.match(s):
            kind = "closing"
        else:
            return None
        if not (self.paragraph_start(i) or self.prev_end()[0] == "stop"):
            return None
        ln = self.lines[i]
        start = ln.start + (len(ln.text) - len(s))
        self.suspend(start)
        node = Node(kind=kind, start=start, line=i, indent=ln.indent)
        self.attach(node, start)
        if kind == "signature":
            self.sigs.append(node)
        self.text_line(i, s)
        return i + 1

    def suspend(self, at: int) -> None:
        """Close the open sections for a signature block, remembering them."""
        ci = self.container_index()
        path = self.stack[ci + 1:]
        if path and path[0].kind not in ("signature", "closing"):
            siblings = self.stack[ci].children if ci >= 0 else self.root
            self.suspended = (list(path), len(siblings))
        self.close_to(ci, at)

    def resume(self, at: int) -> None:
        """A section continues after a signature block: the block was part of it."""
        nodes, idx = self.suspended
        self.suspended = None
        ci = self.container_index()
        self.close_to(ci, at)
        siblings = self.stack[ci].children if ci >= 0 else self.root
        moved = siblings[idx:]
        del siblings[idx:]
        deepest = nodes[-1]
        deepest.children.extend(moved)
        for n in nodes:
            n._seg = -1
            self.stack.append(n)

    def try_byline(self, i: int, s: str) -> Optional[int]:
        """A "By:" line with no signature block open: the block starts with its paragraph."""
        if not self.stack or len(s) > 70:
            return None
        top = self.stack[-1]
        if top.kind in ("signature", "closing"):
            return None
        j = i
        while (j - 1 > top.line and not self.lines[j - 1].blank and self.lines[j - 1].table is None
               and i - j < 4):
            j -= 1
        for k in range(j, i):  # the lines above must read like a party's name, not prose
            t = self.lines[k].text.strip(_WS)
            if len(t) > 70 or (t and t[-1] in ".;" and not t.isupper()):
                return None
        ln = self.lines[j]
        start = ln.start + ln.indent
        if start < top.start:
            return None
        self.suspend(start)
        node = Node(kind="signature", start=start, line=j, indent=ln.indent)
        self.attach(node, start)
        self.sigs.append(node)
        self.text_line(i, s)
        return i + 1

    # -- markers -----------------------------------------------------------

    def try_marker(self, i: int, s: str, m: re.Match, label_end: int = -1, label_line: int = -1,
                   rest: Optional[str] = None) -> Optional[int]:
        if self.prev_text is not None and not self.blank_before and _RULE.match(self.prev_text):
            return None  # a footnote under a rule
        cands = _interpretations(m)
        if not cands:
            return None
        rest = (s[m.end():] if rest is None else rest).lstrip(_WS)
        # (_follow(rest), with the marker match it makes kept for open_node)
        if not rest:
            follow, rest_m = "empty", None
        else:
            rest_m = _MARKER.match(rest)
            follow = "marker" if rest_m is not None else _follow_word(rest)
        pe, pc = self.prev_end()
        if pe == "none":
            return None
        if follow == "lower" and not (pe in ("blank", "conj") or (pe == "stop" and pc in ":;")):
            return None
        alt = m.lastgroup  # which form matched ("art", "sec", ..., "rp")
        if alt == "art":
            r = rest.lstrip("-\u2013\u2014:. \t")
            if r and not _heading_like(r.rstrip("."), 16):
                return None  # "Article 9 of the Uniform Commercial Code"
        elif alt == "sec":
            if follow == "lower":
                return None
        elif (alt == "dot" or alt == "rp") and follow in ("empty", "lower") and pe != "blank":
            return None
        ln = self.lines[i]
        indent = len(ln.text) - len(s)
        st0 = cands[0][0]
        if st0 == "dA" and not self.stack and _runin_heading(rest) is None:
            return None  # lettered recitals stay in the preamble
        if _SECTION_STYLE[st0]:
            if ("ection" in rest or "ECTION" in rest or "rticle" in rest or "RTICLE" in rest) and _TOC_LINE.search(rest):
                return None  # "Section 23. Benefits 15 Section 24. Notices 15": a contents line
            f = self.first_section
            if (self.container_index() < 0 and f is not None and f.ordinal != 1 and cands[0][1] == 1
                    and cands[0][0] == f.style and not f.prefix):
                # the first section was numbered from the middle (an amendment quoting one):
                # a real "1." now starts the sections
                self.restart(i, ln.start + indent, f)
            elif (f is None and self.container_index() == 0 and cands[0][1] == 1
                  and cands[0][0] in ("article", "num")):
                # exhibits listed before the first section (a list of them, not the exhibits)
                atts = [r for r in self.root if r.kind in _CONTAINERS]
                if atts and (ln.start + indent - atts[0].start) / len(atts) < 400:
                    self.restart(i, ln.start + indent, atts[0])
        first_ok = (pe == "blank" and not self.seen_section
                    and (alt == "sec" or _runin_heading(rest) is not None))
        choice = self.choose(cands, indent, first_ok)
        if choice is None and pe == "blank" and _runin_heading(rest) is not None:
            # "8.05 Entire Agreement. ..." then "8.07 Counterparts. ...": a section was
            # deleted; the headings after the gap are still sections (NUMB001 reports it)
            choice = self.choose(cands, indent, first_ok, skip=True)
        if choice is None:
            return None
        action, depth, (st, o, p, v) = choice
        start = ln.start + indent
        if action == "resume":
            self.resume(start)
            action, depth = "sib", self.container_index() + 1 + depth
        if action == "sib":
            self.close_to(depth - 1, start)
        else:
            self.close_to(depth, start)
        parent = self.stack[-1] if self.stack else None
        node = _node(self.kind_for(st, parent), _label(m.group(0)), start, i, indent, st, o, p)
        node.number = self.number_for(node, v, parent)
        if _SECTION_STYLE[st] or not self.stack:
            self.seen_section = True
        if label_end >= 0:
            return self.open_node(label_line, node, label_end)
        # the body starts where rest does when no heading comes first: an inline marker there
        # is rest_m, moved to its place in the text
        return self.open_node(i, node, start + m.end(), rest_m)

    def restart(self, i: int, at: int, first: Node) -> None:
        """Drop the parts read from ``first`` on: they become text of the part before it."""
        root = self.root
        idx = next((k for k, r in enumerate(root) if r is first), -1)
        if idx < 0:
            return
        self.close_to(-1, at)
        dropped = root[idx:]
        gone = {id(x) for d in dropped for x in d.walk()}
        del root[idx:]
        self.sigs = [x for x in self.sigs if id(x) not in gone]
        self.tables = [x for x in self.tables if id(x) not in gone]
        self.suspended = None
        self.root_last = {}
        self.seen_section = False
        self.first_section = None
        holder = root[idx - 1] if idx > 0 else None
        if holder is None:
            holder = self.preamble = Node(kind="preamble", start=first.start, line=first.line)
            root.insert(0, holder)
        holder.body.append((first.start, at))
        holder.end = at

    def choose(self, cands, indent: int, first_ok: bool = False, skip: bool = False):
        """Where a marker goes: ('sib', depth, reading) or ('child', depth, reading), or None."""
        stack = self.stack
        ci = 0 if stack and stack[0].kind in _CONTAINERS else -1  # self.container_index()
        base = ci + 1  # first stack index below the attachment (or 0)
        path = stack[base:]
        if path and path[-1].kind in ("signature", "closing"):
            # after a signature: the next number of the sections it closed, or a new part
            # numbered from its start
            if self.suspended is not None:
                sus = self.suspended[0]
                for c in cands:
                    st, o, p, v = c
                    if not _SECTION_STYLE[st]:
                        continue
                    for d in range(len(sus) - 1, -1, -1):
                        nd = sus[d]
                        if nd.style == st and nd.prefix == p and o == nd.ordinal + 1:
                            return ("resume", d, c)
            for c in cands:
                if c[0] in ("article", "num") and c[1] == 1:
                    return ("child", base - 1, c)
            return None
        styles = set(map(_STYLE, path))
        held = stack[0]._last if ci == 0 else self.root_last  # self.holder()
        options = []
        for c in cands:
            st, o, p, v = c
            # 1. the next number of an open list
            for d in range(len(path) - 1, -1, -1):
                nd = path[d]
                if nd.style != st:
                    continue
                if st.startswith("dec"):
                    if nd.prefix == p and (o == nd.ordinal + 1 or (skip and o == nd.ordinal + 2)):
                        options.append(("sib", base + d, c))
                    elif (o in (0, 1) and _next_prefix(nd.prefix) == p
                          and not any(_number_key(x) == nd.prefix for x in path[:d])):
                        options.append(("sib", base + d, c))  # 2.1 after 1.9 with no "1." above
                elif o == nd.ordinal + 1:
                    options.append(("sib", base + d, c))
                break
            if st in styles:
                continue
            # 2. the first of a new list
            if st == "article":
                if o == 1 or held.get("article") == o - 1:
                    options.append(("child", base - 1, c))
            elif st == "num":
                if any(x.style.startswith("dec") for x in path):
                    continue
                art = next((base + d for d in range(len(path) - 1, -1, -1) if path[d].style == "article"), None)
                prev = held.get("num")
                if o == 1 or (prev is not None and o == prev + 1) or (
                        art is not None and o == stack[art].ordinal * 100 + 1) or (
                        first_ok and not path and not held):
                    options.append(("child", base - 1 if art is None else art, c))
            elif st.startswith("dec"):
                anchor = next((base + d for d in range(len(path) - 1, -1, -1)
                               if _SECTION_STYLE[path[d].style] and _number_key(path[d]) == p), None)
                if anchor is not None:
                    if o in (0, 1) or held.get((st, p)) == o - 1:
                        options.append(("child", anchor, c))
                elif not any(x.style == "num" or x.style.startswith("dec") for x in path):
                    art = next((base + d for d in range(len(path) - 1, -1, -1) if path[d].style == "article"),
                               None)
                    if o in (0, 1) or held.get((st, p)) == o - 1:
                        options.append(("child", base - 1 if art is None else art, c))
            elif st == "n1":
                # a numbered list inside a subsection, after a colon
                if path and not _SECTION_STYLE[path[-1].style] and o == 1 and self.last_body_char(path[-1]) == ":":
                    options.append(("child", len(stack) - 1, c))
            elif o == 1 and (path or ci >= 0 or st in ("dI", "dA")):
                options.append(("child", len(stack) - 1, c))
            elif st in ("dI", "dA") and not path and (o == 1 or held.get(st) == o - 1):
                options.append(("child", base - 1, c))  # "I. Term of Engagement" as the top level
        if not options:
            return None
        if len(options) == 1:
            return options[0]
        return self.resolve(options, indent)

    def resolve(self, options, indent: int):
        top = self.stack[-1]
        sibs = [o for o in options if o[0] == "sib"]
        kids = [o for o in options if o[0] == "child"]
        if len(kids) > 1:
            n1 = [k for k in kids if k[2][0] == "n1"]
            kids = n1 if n1 else kids
        if sibs and kids:
            # "(i)" after "(h)": a new list of roman items only after a colon (or a bare label)
            sib = max(sibs, key=lambda o: o[1])
            kid = kids[-1]
            score = 0
            ch = self.last_body_char(top)
            if ch in (":", ""):
                score += 2
            elif ch in ".;":
                score -= 1
            sib_indent = self.stack[sib[1]].indent
            if indent > max(top.indent, sib_indent):
                score += 1
            if indent == sib_indent:
                score -= 1
            return kid if score > 0 else sib
        if sibs:
            same = [o for o in sibs if self.stack[o[1]].indent == indent]
            if len(same) == 1:
                return same[0]
            return max(sibs, key=lambda o: o[1])
        return kids[-1]

    def last_body_char(self, n: Node) -> str:
        if n._seg < 0:
            return "?"
        end = self.line_end(self.prev_line) if self.prev_line >= 0 else 0
        t = self.text[n._seg:end].rstrip(_WS + "\n\"'\u201d")
        return t[-1] if t else ""

    def open_node(self, i: int, node: Node, label_end: int, rest_m: Optional[re.Match] = None) -> int:
        """Open ``node`` whose label ends at ``label_end`` on line ``i``: heading, body, inline child.

        ``rest_m``: _MARKER.match of the line's text after the label and the white space
        after it, when already made."""
        text = self.text
        lines = self.lines
        eol = self.line_end(i)
        pos = label_end
        if pos < eol:  # past the white space after the label
            pos = _WS_RUN(text, pos, eol).end()
        rest_at = pos  # where the text that rest_m was matched against starts
        nxt = i + 1
        li = i  # the line the body starts on
        section_like = _SECTION_STYLE[node.style]
        if pos >= eol:  # a bare label
            body_from = eol
            if section_like:
                h, k = self.next_line_heading(i, allow_blank=node.style == "article")
                if h is not None:
                    node.heading = h
                    body_from = self.line_end(k - 1)
                    nxt = k
                    li = k - 1
            self.attach(node, body_from)
            self.after_label(li, label_only=True)
            return nxt
        rest = text[pos:eol]
        heading = None
        e = _heading_end(rest)
        if e > 0:
            cand = rest[:e].strip(_WS)
            if _heading_like(cand) and not _MARKER.match(cand):
                heading = cand
                pos += e + 1
        elif section_like:
            tail = rest.rstrip(_WS)
            whole = not tail.endswith((",", ";", ":")) and not _OPEN_END.search(tail)
            if _heading_like(tail.rstrip(",")) and not tail.endswith((";", ":")) and not _MARKER.match(tail):
                nl = lines[i + 1] if i + 1 < len(lines) else None
                if nl is None or nl.blank or nl.table is not None:
                    if whole:
                        heading, pos = tail, eol
                else:
                    s2 = nl.text.lstrip(_WS)
                    e2 = _heading_end(s2)
                    if _MARKER.match(s2) or _SIGNATURE.match(s2):
                        if whole:
                            heading, pos = tail, eol
                    elif 0 < e2 < 90 and _heading_like(tail + " " + s2[:e2]):
                        heading = tail + " " + s2[:e2].strip(_WS)
                        li = i + 1
                        nxt = i + 2
                        eol = self.line_end(li)
                        pos = nl.start + (len(nl.text) - len(s2)) + e2 + 1
                    elif whole and tail.upper() == tail and len(_WORD.findall(tail)) <= 8:
                        heading, pos = tail, eol
        if heading is not None:
            heading = _clean_heading(heading)
            if _OMITTED.match(heading):
                node.omitted = True
                heading = None
            node.heading = heading
        if pos < eol:  # past the white space (and, after a heading, the quotation marks) before the body
            pos = (_WS_RUN if heading is None else _WS_QUOTE_RUN)(text, pos, eol).end()
        self.attach(node, pos)
        if pos < eol:
            # an inline marker opening the first child: "9. (a) If", "(g) (i) Neither"
            if pos == rest_at and li == i and rest_m is not None:
                m2 = rest_m  # (the same match, its offsets counted from pos)
                m2_end = pos + m2.end()
            else:
                m2 = _MARKER.match(text, pos, eol)
                m2_end = m2.end() if m2 else 0
            if m2 and (m2.group("par") or m2.group("dot")):
                c2 = self.inline_choice(_interpretations(m2), node)
                if c2 is not None:
                    st, o, p, v = c2
                    child = _node(self.kind_for(st, node), _label(m2.group(0)), pos, li, pos - lines[li].start,
                                  st, o, p)
                    child.number = self.number_for(child, v, node)
                    return max(nxt, self.open_node(li, child, m2_end))
        self.after_label(li, label_only=pos >= eol)
        return nxt

    def inline_choice(self, cands, parent: Node):
        styles = {x.style for x in self.stack[self.container_index() + 1:]}
        for c in cands:
            st, o, p, v = c
            if not _SECTION_STYLE[st] and st != "n1" and o == 1 and st not in styles:
                return c
        return None

    # -- kinds and numbers -------------------------------------------------

    def kind_for(self, style: str, parent: Optional[Node]) -> str:
        if parent is None or parent.kind in _CONTAINERS or parent.style == "article" or style == "article":
            return "section"
        if _SECTION_STYLE[style]:
            return "subsection" if parent.kind == "section" else "section"
        if parent.kind == "section":
            return "subsection"
        if parent.kind == "subsection":
            return "item"
        return "subitem"

    def number_for(self, node: Node, v: str, parent: Optional[Node]) -> str:
        st = node.style
        if st == "article":
            own = v
        elif st == "num":
            own = v.lstrip("0") or v
        elif st.startswith("dec"):
            own = v.rstrip(".")
        elif parent is not None and parent.kind not in _CONTAINERS:
            return f"{parent.number}({v})"
        elif st in ("dI", "dA"):
            own = v
        else:
            own = f"({v})"
        stack = self.stack
        if stack and stack[0].kind in _CONTAINERS:  # (self.container_index() == 0)
            c = stack[0]
            return f"{c.kind.capitalize()} {c.number}/{own}"
        return own

    # -- finishing ---------------------------------------------------------

    def finish(self) -> None:
        text = self.text
        todo = self.root[::-1]  # every node (the order does not matter: each is finished alone)
        while todo:
            n = todo.pop()
            if n.children:
                todo.extend(n.children)
            body = n.body = _split_paragraphs(text, n.body)
            end = n.end if n.end > n.start else n.start
            n.end = end if end > n.start and text[end - 1] not in _PARA_WS else _rstrip_to(text, n.start, end)
            if n.omitted or n.children or n.kind in ("table", "preamble", "signature", "closing"):
                continue
            if body:
                a, b = body[0]
                if b - a >= 40 and not text[a].isspace() and not text[body[-1][1] - 1].isspace():
                    continue  # its own text (below) is this long, with nothing to strip: not "[Omitted]"
            own = " ".join(text[a:b] for a, b in body).strip()
            if own and len(own) < 40 and _OMITTED.match(own):
                n.omitted = True
            elif not own and n.heading and _OMITTED.match(n.heading):
                n.omitted = True
                n.heading = None


_TOC_LINE = re.compile(r"\b\d{1,3}[ \t\xa0]+(?:Section|SECTION|Article|ARTICLE)[ \t\xa0]+[0-9IVX]+\b")
_BARE_WORDS = frozenset({"Section", "SECTION", "Article", "ARTICLE", "\u00a7"})


def _quick_form(pattern: str) -> str:
    """``pattern`` matching the same texts, written so that the engine can pass over more
    of its branches at their first character: without its named groups (but "q", which a
    conditional reads; a branch that opens a group is always entered), and with its
    counted digits and numerals digit-first ("\\d\\d{0,2}" for "\\d{1,3}")."""
    pattern = re.sub(r"\(\?P<(?!q>)\w+>", "(?:", pattern)
    for a, b in ((r"\d{1,3}", r"\d\d{0,2}"), (r"\d{1,2}", r"\d\d?"), (r"\d{1,4}", r"\d\d{0,3}"),
                 (r"(?:[a-z]|[A-Z]|[ivx]{2,6}|[IVX]{2,6})\.", r"(?:[a-zA-Z]|[ivx][ivx]{1,5}|[IVX][IVX]{1,5})\.")):
        pattern = pattern.replace(a, b)
    return pattern


# The lines the builder reads one by one, found in one pass over the text: those where,
# after the leading white space (taken whole), one of the patterns that can open something
# matches (the marker, an attachment's heading, a signature or closing, a "By:" line, a
# label word alone on its line, "IN" alone before "WITNESS WHEREOF") or the contents
# header (for find_toc).  Each pattern matches here wherever it matches the line's text
# (here it sees the line break after the line, which its ends accept as they accept the
# end of the text), so no line where try_line opens anything is missed.  The patterns
# stand in a lookahead: a match takes only the line break and the white space, and the
# search goes on at the next line.  The first lookahead is what the patterns can start
# with: a digit, "(", "\u00a7", a letter before "." or ")", a roman numeral, or the first
# two letters of one of their words (most lines of text fail it at once).
_EVENT_BODY = (
    "[" + re.escape(_WS) + "]*+"
    r"(?=[^\n])"  # (a blank line fails here at once)
    r"(?=[0-9(\u00a7]|[^\x00-\x7f]|[A-Za-z][.)]|[ivxIVX][ivxIVX]{1,5}\.|A[RrNnPpTtCcGg]|S[EeCci]|E[Xx]|I[Nnf]|V[Ee]|Yo|C[Oo]|T[hAa]|Pl|Ki|B[yY])"
    "(?=" + _quick_form("|".join([
        "(?x:" + _MARKER.pattern + ")",
        _ATTACH.pattern,
        _SIGNATURE.pattern,
        _CLOSING.pattern,
        _BYLINE.pattern,
        "(?:" + "|".join(map(re.escape, sorted(_BARE_WORDS | _ATTACH_WORDS | {"IN", "In"}))) + ")"
        "[" + re.escape(_WS) + "]*$",
        r"(?:TABLE\s+OF\s+CONTENTS|Table\s+of\s+Contents|CONTENTS|INDEX)[\s\xa0.:]*$",
    ])) + ")"
)
_EVENT_FIRST = re.compile(_EVENT_BODY, re.M)  # (the first line, at the start of the text)
_EVENT = re.compile("\n" + _EVENT_BODY, re.M)


def _event_lines(text: str, line_starts: Optional[list[int]] = None) -> list[int]:
    """Indexes of the lines of ``text`` that _EVENT_BODY matches at, in order.

    ``line_starts``: where each line of ``text`` starts, when known (a line's index is then
    found among them, after the last one found, rather than by counting line breaks)."""
    out = [0] if _EVENT_FIRST.match(text) else []
    if line_starts is not None:
        k = 0
        for m in _EVENT.finditer(text):
            k = bisect_left(line_starts, m.start() + 1, k)  # (the line's start, after its line break)
            out.append(k)
        return out
    count = text.count
    k = prev = 0
    for m in _EVENT.finditer(text):
        p = m.start() + 1  # the line's start, after its line break
        k += count("\n", prev, p)
        prev = p
        out.append(k)
    return out


def _label(t: str) -> str:
    return " ".join(t.replace("\xa0", " ").split())


def _clean_heading(h: str) -> str:
    """A heading without its closing period (kept after an abbreviation: "INC.")."""
    h = h.strip(_WS).rstrip(":")
    if h.endswith("."):
        w = _LAST_WORD_DOT.search(h)
        if not (w and w.group(1).lower() in _ABBREV):
            h = h[:-1]
    return h.strip(_WS)


def _runin_heading(rest: str) -> Optional[str]:
    """The heading at the start of ``rest`` ("Default of Underwriters. If ..."), if there is one."""
    e = _heading_end(rest)
    if e > 0:
        cand = rest[:e].strip(_WS)
        if _heading_like(cand) and not _MARKER.match(cand):
            return cand
        return None
    tail = rest.rstrip(_WS)
    if tail and _heading_like(tail) and tail.upper() == tail and not tail.endswith((",", ";")):
        return tail
    return None


_NOT_IDS = frozenset("OF TO IN ON AT BY OR AN AS IS IF BE NO".split())
_ATTACH_TO = re.compile(r"(?i)(?:to|of)\s+(?:the\s+|this\s+)?[\w ,.&'\u2019-]{0,80}?"
                        r"(?:agreement|indenture|plan|warrant|note|contract|amendment|letter|certificate)\b")
_FILING_ID = re.compile(r"\d{1,3}(?:\.\d{1,3})*(?:\(?[a-z]\)?)?")
_OPEN_END = re.compile(r"(?i)\b(?:of|the|and|or|to|in|for|with|by|a|an)$")


def _number_key(n: Any) -> str:
    if isinstance(n, str):
        return n
    if n.style in ("num", "article"):
        return str(n.ordinal)
    if n.style.startswith("dec"):
        return f"{n.prefix}.{n.ordinal}"
    return ""



def _next_prefix(p: str) -> str:
    parts = p.split(".")
    try:
        parts[-1] = str(int(parts[-1]) + 1)
    except ValueError:
        return ""
    return ".".join(parts)


_UNSEEN: Any = object()  # (not in _Builder.marks)
_LABEL_KEYS: dict[str, str] = {}  # "N" + _dec_norm(v) for the numbers find_toc has seen
_BLANK = attrgetter("blank")
_STYLE = attrgetter("style")


def _dec_norm(v: str) -> str:
    return ".".join(str(int(x)) for x in v.rstrip(".").split(".") if x.isdigit())


def _follow(rest: str) -> str:
    if not rest:
        return "empty"
    if _MARKER.match(rest):
        return "marker"
    return _follow_word(rest)


def _follow_word(rest: str) -> str:
    """_follow(rest) of a ``rest`` that is not empty and does not start with a marker."""
    for ch in rest[:4]:
        if ch.isalpha():
            return "lower" if ch.islower() else "cap"
        if ch.isdigit() or ch in "$_[":
            return "cap"
    return "cap"


def _rstrip_to(text: str, start: int, end: int) -> int:
    """``end`` moved back over the characters of _PARA_WS, not before ``start``."""
    while end > start:
        # (in steps of at most 64 characters: a slice that long is cheap to strip)
        a = max(start, end - 64)
        t = text[a:end].rstrip(_PARA_WS)
        if t:
            return a + len(t)
        end = a
    return end


_PARA_WS = " \t\n\xa0\r\f"
_PARA_CONTENT = re.compile("[^" + re.escape(_PARA_WS) + "]")
# blank lines: the line break before the first and the one ending each of them
_BLANK_LINES = re.compile(r"\n(?:[ \t\xa0\r\f]*\n)+")


def _split_paragraphs(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trim each range and cut it at blank lines: one range per paragraph."""
    out: list[tuple[int, int]] = []
    search = _BLANK_LINES.search
    content = _PARA_CONTENT.search
    for a, b in ranges:
        pos = a
        while pos < b:
            # the next run of blank lines inside [pos, b): all its line breaks before b
            m = search(text, pos, b)
            seg_end = m.start() if m is not None else b
            # the paragraph text[pos:seg_end] without the white space around it (found
            # from its ends, without copying it)
            if seg_end > pos:
                if text[pos] not in _PARA_WS:
                    s = pos
                else:
                    c = content(text, pos, seg_end)
                    s = -1 if c is None else c.start()
                if s >= 0:
                    out.append((s, seg_end if text[seg_end - 1] not in _PARA_WS else _rstrip_to(text, s, seg_end)))
            if m is None:
                break
            pos = m.end()
    return out


def build_structure(lay: Any) -> Outline:
    """The section tree of a laid-out document."""
    return _Builder(lay).run()


# ---------------------------------------------------------------------------
# To the model, and flat
# ---------------------------------------------------------------------------


def to_model(outline: Outline, lay: Any, parse_clause: Optional[Callable[..., Iterable[Any]]],
             flat: Optional[list[dict]] = None, walked: Optional[list[tuple]] = None,
             rows: Optional[list[tuple]] = None) -> tuple[Section, ...]:
    """Convert the outline to the immutable model; ``parse_clause(text, span_of)`` types each body range.

    ``span_of(a, b)`` maps offsets relative to the clause text to a :class:`Span` in the original file.

    ``flat``, ``walked``, ``rows`` (all three or none): lists to which what a walk of the
    result would find is added as the sections are made: ``flat_sections`` of the result;
    each section with its enclosing ones, ``(section, parents)``; and each clause as
    ``(source start, source end, section, parents, clause)``; all in document order.
    """
    # span_at(base, a, b) == lay.span(base + a, base + b); a checker.layout.Layout has it built in
    span_at = getattr(lay, "_span_at", None)
    if span_at is None:
        span_at = functools.partial(_shifted_span, lay.span)
    text = lay.text
    out = None if flat is None else _Collected(flat, walked, rows)
    sections = tuple([_to_section(n, text, span_at, parse_clause, out) for n in outline.root])
    if out is not None and not out.complete:
        # a section made by its validator is made after its children, which cannot name it
        # while they are made: the lists are made again from the result
        flat[:] = flat_sections(sections)
        walked[:], rows[:] = _walked_rows(sections)
    return sections


class _Collected:
    """The lists to_model adds to (see there); ``complete``: False once a section could not be added."""

    __slots__ = ("flat", "walked", "rows", "complete")

    def __init__(self, flat: list[dict], walked: list[tuple], rows: list[tuple]) -> None:
        self.flat = flat
        self.walked = walked
        self.rows = rows
        self.complete = True


def _to_section(n: Node, text: str, span_at: Callable[[int, int, int], Span],
                parse_clause: Optional[Callable[..., Iterable[Any]]], out: Optional[_Collected] = None,
                parents: tuple = ()) -> Section:
    # (a module-level function, not a recursive closure: a closure that refers to
    # itself is a reference cycle holding the layout until the cyclic collector runs)
    kind = n.kind
    label = n.label
    number = n.number
    h = n.heading
    omitted = n.omitted
    start = n.start
    end = n.end
    span = span_at(0, start, end if end > start else start)
    d = {
        "kind": kind,
        "label": label,
        "number": number,
        "heading": h,
        "omitted": omitted,
        "span": span,
        "clauses": (),  # (set below)
        "children": (),
    }
    sec = None
    if (kind in _SECTION_KINDS and type(label) is str and type(number) is str
            and (h is None or type(h) is str) and type(omitted) is bool and type(span) is Span):
        # made now, so that its clauses and children can name it; they are put into the
        # dict it holds once they are made (the same section as made with them)
        sec = _construct(Section, d, _SECTION_FIELDS_SET)
    rows = None
    if out is not None:
        if sec is None:
            out.complete = False
            out = None
        else:
            out.flat.append(_flat_entry(number, h, span, kind, omitted))
            out.walked.append((sec, parents))
            rows = out.rows
    clauses = []
    for a, b in n.body:
        nodes: Any = ()
        if parse_clause is not None:
            nodes = tuple(parse_clause(text[a:b], _partial(span_at, a)) or ())
        span = span_at(0, a, b)
        if type(span) is Span and (not nodes or _NODE_TYPES.issuperset(map(type, nodes))):
            # _construct(Clause, ...), inline
            c = _new(Clause)
            _set_dict(c, {"span": span, "nodes": nodes})
            _set_fields_set(c, _CLAUSE_FIELDS_SET)
            _set_extra(c, None)
            _set_private(c, None)
        else:
            c = _clause({"span": span, "nodes": nodes})
            span = c.span
        clauses.append(c)
        if rows is not None:
            rows.append((span.offset, span.end_offset, sec, parents, c))
    d["clauses"] = tuple(clauses)
    ch = n.children
    if ch:
        inner = parents + (sec,) if out is not None else ()
        d["children"] = tuple([_to_section(c, text, span_at, parse_clause, out, inner) for c in ch])
    if sec is None:
        sec = _section(d)
    return sec


def _walked_rows(sections: Iterable[Section]) -> tuple[list[tuple], list[tuple]]:
    """The ``walked`` and ``rows`` lists of to_model, from its result."""
    walked: list[tuple] = []
    rows: list[tuple] = []
    stack = [(s, ()) for s in reversed(tuple(sections))]
    while stack:
        sec, parents = stack.pop()
        walked.append((sec, parents))
        for clause in sec.clauses:
            sp = clause.span
            rows.append((sp.offset, sp.end_offset, sec, parents, clause))
        if sec.children:
            inner = parents + (sec,)
            stack.extend([(c, inner) for c in reversed(sec.children)])
    return walked, rows


# Clause(**d) and Section(**d) through the models' own validators, without the keyword __init__
def _clause(d: dict) -> Clause:
    return Clause.__pydantic_validator__.validate_python(d)


def _section(d: dict) -> Section:
    return Section.__pydantic_validator__.validate_python(d)


# What validation would pass through unchanged: the typed nodes' own classes, the section kinds
_NODE_TYPES = frozenset(typing.get_args(typing.get_args(TypedNode)[0]))
_SECTION_KINDS = frozenset(typing.get_args(SectionKind))
_SECTION_FIELDS = frozenset(Section.model_fields)
# the fields sets of the clauses and sections made here (every field given): one set for
# each model, shared (nothing changes a model's set in place; a copy gets a copy of it)
_SECTION_FIELDS_SET = set(_SECTION_FIELDS)
_CLAUSE_FIELDS_SET = {"span", "nodes"}
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _construct(cls: type, d: dict, fields_set: set) -> Any:
    """``cls(**d)`` as its validator builds it from values it would take as they are
    (every field given, each of its type), without the validation."""
    obj = _new(cls)
    _set_dict(obj, d)
    _set_fields_set(obj, fields_set)
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


_partial = functools.partial


def _shifted_span(span: Callable[[int, int], Span], base: int, x: int, y: int) -> Span:
    return span(base + x, base + y)


def _flat_entry(number: str, heading: Optional[str], span: Span, kind: str, omitted: bool) -> dict:
    """One section's entry in the JSON contract's ``sections`` list."""
    return {"number": number, "heading": heading, "line": span.line, "end_line": span.end_line,
            "kind": kind, "omitted": omitted}


def flat_sections(sections: Iterable[Section]) -> list[dict]:
    """Every node in document order, as the JSON contract's ``sections`` list."""
    out: list[dict] = []
    stack = list(sections)[::-1]
    while stack:
        s = stack.pop()
        out.append(_flat_entry(s.number, s.heading, s.span, s.kind, s.omitted))
        if s.children:
            stack.extend(s.children[::-1])
    return out
