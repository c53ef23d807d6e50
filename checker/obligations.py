"""Obligation extraction: the facts the rule engine evaluates.

Work is done per sentence.  Each clause of the section tree is read from the
layout's cleaned text (page furniture out, line-broken words joined), split
into sentences, and each sentence is classified by its wording; the values are
then taken from the typed nodes of the clause grammar that lie inside the
sentence (:class:`~checker.model.Duration`, :class:`~checker.model.Anchor`,
:class:`~checker.model.Bound`, :class:`~checker.model.Ratio`,
:class:`~checker.model.Money`, :class:`~checker.model.ShareCount`,
:class:`~checker.model.DateNode`).  The wording decides *what* a number means;
the grammar decides *which* number it is.

Public API::

    extract_obligations(doc: ParsedDocument) -> list[Obligation]
    extract_definitions(doc: ParsedDocument) -> list[dict]   (the "definition" facts)
    iter_sentences(doc) -> Iterator[Sentence]      (shared with checker.provisions)

Obligation fields (see :class:`checker.model.Obligation`):

``kind``       what the fact is (the table below)
``party``      who is bound: company, issuers, selling_stockholders,
               underwriters, representatives, officers_directors, holder,
               agent, purchasers, bank, stockholders; several bound together
               are joined with "+" ("company+selling_stockholders")
``value``      the number (float), an ISO date, a state name, or a short text
``min``        the lower end of a window ("not earlier than two ... nor later
               than ten business days": min 2, value 10)
``unit``       day, calendar_day, business_day, trading_day, hour, month,
               year, ratio, shares, usd, date
``anchor``     the event a period runs from, as written ("after the date of
               the Prospectus")
``as_written`` the words that state the value
``section``    the number of the section holding the sentence (None: preamble)
``line``, ``column``  where the words that state the value start (the
               duration, ratio, count, "governed by ...")
``quote``      the exact words of the relevant part of the sentence around
               them (white space collapsed), at most about 200 characters

Kinds, and the fields each sets (``as_written``, ``section``, ``line``,
``column`` and ``quote`` always)::

    lockup                 party, value (days/months; None when the period is left to
                           another document, e.g. "a period specified in the applicable
                           Terms Agreement", which as_written then names), unit, anchor
    lockup_extension       party, value, unit, anchor   (one per period of the
                           earnings-release extension: 17 / 16 / 18 days)
    firm_size              party, value, unit=shares    (the count defining the Firm Shares)
    option_size            party, value, unit=shares    (the over-allotment option, in total)
    option_size_portion    party, value, unit=shares    (one grantor's part of it)
    option_exercise_window party=underwriters, value, unit, anchor
    option_delivery_window party=underwriters, min, value, unit, anchor
    default_threshold      party=underwriters, value (ratio), unit=ratio
    default_purchase_cap   party=underwriters, value (ratio, e.g. 1.10), unit=ratio
    default_cure_period    party, value, unit (hour/day), anchor
    closing_postponement   party, value, unit
    closing_date           value (ISO date; None for a blank date), unit=date; or
                           value, unit, anchor for "the third full business day following ..."
    filing_deadline        party, value, unit, anchor   (Rule 424(b) filing)
    earnings_statement_deadline  party, value, unit, anchor
    reporting_deadline     party, value, unit, anchor   (financial statements after period end)
    notice_period          party, value, unit, anchor   ("at least 20 days' prior written notice")
    notice_deemed_given    value, unit, anchor          ("three business days after deposit in the mail")
    warrant_shares         party=company, value, unit=shares  (each statement of the count:
                           title, grant, "exercisable for")
    warrant_exercise_price party=holder, value, unit=usd
    warrant_expiration     value (ISO date), unit=date
    warrant_issue_date     value (ISO date), unit=date  ("this 30 day of September, 1997" in the
                           testimonium, "Dated: ...", "Issue Date: ...")
    net_exercise           party=holder, value="net exercise"  (the right, with or without its
                           formula; checker.provisions finds the formula itself)
    pricing_period         value, unit=trading_day, anchor
    indemnity_cap          party, value, unit=usd
    contribution_cap       party=underwriters, value="amount underwritten less damages paid"
    governing_law          value (the state: "New York")
    jurisdiction           party, value (the courts); as_written starts with
                           "non-exclusive" / "exclusive" when the text says so
    counterparts           value="counterparts"
    survival               value (what the provisions survive: "delivery of and payment for the Shares")

Values are floats (counts, ratios as fractions of one: "9.09%" -> 0.0909, "110%"
-> 1.1, "one-eleventh" -> 0.0909...), ISO dates or short strings; a yes/no fact
carries a short string, because the model reads ``True`` as 1.0.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

from .pipeline import _V_BOUND, _V_DATE, _V_KEY, _V_MONEY, _value_kind
from .model import (
    Anchor,
    Bound,
    CrossRef,
    DateNode,
    Duration,
    ExternalRef,
    Money,
    Obligation,
    Ratio,
    Section,
    ShareCount,
)

__all__ = [
    "OFFERING_KINDS",
    "Sentence",
    "TextView",
    "extract_definitions",
    "extract_obligations",
    "iter_sentences",
    "split_sentences",
    "subject_parties",
]

#: kinds that only an offering agreement (or a warrant) should produce
OFFERING_KINDS = frozenset(
    {
        "lockup",
        "lockup_extension",
        "firm_size",
        "option_size",
        "option_size_portion",
        "option_exercise_window",
        "option_delivery_window",
        "default_threshold",
        "default_purchase_cap",
        "default_cure_period",
        "closing_postponement",
        "filing_deadline",
        "earnings_statement_deadline",
        "contribution_cap",
    }
)

OFFERING_DOC_TYPES = frozenset({"underwriting_agreement", "terms_agreement", "agency_agreement"})

QUOTE_LIMIT = 200


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` with every literal space standing for a run of white
    space (" ?" for an optional one)."""
    return re.compile(pattern.replace(" ?", r"\s*").replace(" ", r"\s+"), flags)


# a run of white space (re.sub(_WS, " ", ...) collapses it)
_WS = re.compile(r"\s+")


# ---------------------------------------------------------------------------
# Text: the cleaned layout text, with maps to and from the original file
# ---------------------------------------------------------------------------


class TextView:
    """The cleaned text of a document and the maps between its offsets and the source's."""

    def __init__(self, doc: Any):
        self.source = doc.source
        lay = getattr(doc, "layout", None)
        self._identity = True
        self.text = self.source.text
        self._inv_src: list[int] = []
        self._inv_clean: list[int] = []
        self._inv_len: list[int] = []
        # per-document caches shared by the fact readers (see _sections, _clause_sentences,
        # SentenceIndex.of, _find_cached)
        self._sent_cache: dict = {}
        self._needle_pos: dict[str, list[int]] = {}
        if lay is not None and hasattr(lay, "to_source") and isinstance(getattr(lay, "text", None), str):
            self.text = lay.text
            self._lay = lay
            self._identity = False
            self._build_inverse(lay)

    def _build_inverse(self, lay: Any) -> None:
        seg_clean = getattr(lay, "_seg_clean", None)
        seg_src = getattr(lay, "_seg_src", None)
        n = len(self.text)
        if seg_clean and seg_src and len(seg_clean) == len(seg_src):
            lens = list(map(operator.sub, seg_clean[1:], seg_clean))
            lens.append(n - seg_clean[-1])
            if all(map(operator.lt, seg_src, seg_src[1:])):
                # the source order holds (no word joined across a line moved up): the
                # pieces are in order already
                self._inv_src = list(seg_src)
                self._inv_clean = list(seg_clean)
                self._inv_len = lens
                return
            triples = sorted(zip(seg_src, seg_clean, lens))
        else:  # one piece per kept line, from the public interface
            triples = []
            lines = getattr(lay, "lines", [])
            for k, ln in enumerate(lines):
                end = lines[k + 1].start if k + 1 < len(lines) else n
                triples.append((lay.to_source(ln.start), ln.start, end - ln.start))
            triples.sort()
        self._inv_src = [t[0] for t in triples]
        self._inv_clean = [t[1] for t in triples]
        self._inv_len = [t[2] for t in triples]

    def release(self) -> None:
        """Drop the per-document caches (sentences, sentence index, word positions).

        Sentences refer to this view and to the other sentences of their clause:
        left in place, those cycles keep the document's text and layout in memory
        until the cyclic garbage collector runs.  The analysis releases the view
        when it is done with a document."""
        for entry in self._sent_cache.values():
            entry[2].clear()  # the list each sentence of the clause refers to: the cycles end here
        self._sent_cache.clear()
        self._needle_pos.clear()
        for name in ("_sentence_index", "_walked", "_clause_rows", "_n_underwriter", "_aligned_lower"):
            self.__dict__.pop(name, None)

    @classmethod
    def release_of(cls, doc: Any) -> None:
        """Release and forget the view kept with ``doc``, if there is one."""
        cache = getattr(doc, "__dict__", None)
        view = cache.pop("_text_view", None) if cache is not None else None
        if view is not None:
            view.release()

    @classmethod
    def of(cls, doc: Any) -> "TextView":
        """The view of ``doc``, made once and kept with the document."""
        cache = getattr(doc, "__dict__", None)
        if cache is None:
            return cls(doc)
        view = cache.get("_text_view")
        if view is None or view.source is not doc.source:
            view = cls(doc)
            cache["_text_view"] = view
        return view

    @property
    def lower(self) -> str:
        low = self.__dict__.get("_lower")
        if low is None:
            from .doctype import lower_case  # the type detection may have lower-cased this very text

            low = lower_case(self.text)
            self.__dict__["_lower"] = low
        return low

    def to_source(self, clean: int) -> int:
        if self._identity:
            return clean
        return self._lay.to_source(clean)

    def to_clean(self, src: int) -> int:
        """Offset in the cleaned text of the source character at ``src`` (the
        nearest kept character before it when ``src`` was left out)."""
        if self._identity:
            return src
        k = bisect.bisect_right(self._inv_src, src) - 1
        if k < 0:
            return 0
        d = src - self._inv_src[k]
        ln = self._inv_len[k]
        if d > ln:
            d = ln
        return self._inv_clean[k] + d

    def linecol(self, clean: int) -> tuple[int, int]:
        return self.source.linecol(self.to_source(clean))


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------

_ABBREV = frozenset(
    """inc co corp ltd no nos u.s u.s.a n.y n.a d.c mr mrs ms dr st l.p l.l.c llc p.c p.a
    e.g i.e viz cf vs v approx art arts para paras sec secs ch jr sr a.m p.m n.v b.v s.a
    ag plc etc al seq fla cal calif del mass penn pa ill tex ariz colo conn wash va md
    ga mich minn wis ore okla no.s sect par pp subd cl exh sched dept assn bros intl
    govt mgmt natl ave blvd rd ste fl tel ext""".split()
)
_ENDER = re.compile(r"[.!?][\"'\u2019\u201d)\]]*(?=\s+[\"'\u201c(\[]?[A-Z0-9])")
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.&]*)$")
# _ENDER for a text without "!" or "?": its first character a full stop, which the engine
# skips to at once instead of testing each character against a set
_STOP_ENDER = re.compile(_ENDER.pattern.replace("[.!?]", r"\.", 1))
_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.&"


def _word_before_dot(text: str, lo: int, dot: int) -> str:
    """``_WORD_BEFORE_DOT.search(text, lo, dot)``'s word ("" for no match), read off the
    run of its characters that ends the window (a match ends at ``dot``, or just before
    a line break that ends the window; it starts at the run's first letter)."""
    end = dot - 1 if dot > lo and text[dot - 1] == "\n" else dot
    seg = text[lo:end]
    return seg[len(seg.rstrip(_WORD_CHARS)) :].lstrip(".&")


_LIST_WORDS = frozenset({"schedule", "exhibit", "annex", "appendix", "article", "section", "class", "series", "part"})


def split_sentences(text: str, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int]]:
    """Sentence ranges of ``text[start:end]`` (offsets into ``text``).

    A sentence ends at ".", "!" or "?" (and closing quotes or brackets) before
    white space and a capital, digit, quote or bracket, except after an
    abbreviation ("Inc.", "Co.", "No.", "U.S.", "a.m.") or an initial ("F.").
    "Section 9.09" never ends one: the point is not followed by white space.
    """
    if end is None:
        end = len(text)
    out: list[tuple[int, int]] = []
    s = start
    # skip leading white space
    while s < end and text[s].isspace():
        s += 1
    pos = s
    ender = _STOP_ENDER if text.find("!", s, end) == -1 and text.find("?", s, end) == -1 else _ENDER
    for m in ender.finditer(text, s, end):
        dot = m.start()
        if text[dot] == ".":
            seg = text[dot - 7 : dot] if dot - 7 >= s else ""
            # (after a word of seven letters or more, longer than any abbreviation,
            # the point ends the sentence without looking the word up)
            w = "" if seg.isascii() and seg.isalpha() else _word_before_dot(text, max(s, dot - 24), dot)
            if w:
                wl = w.lower().rstrip(".")
                if wl in _ABBREV:
                    continue
                if len(w) == 1 and w.isupper():
                    # an initial ("Louis F. Miceli"), unless it closes "Schedule A."
                    ws = dot - 1 - len(w) if text[dot - 1] == "\n" else dot - len(w)
                    before = text[max(s, ws - 12) : ws].split()
                    if not (before and before[-1].lower() in _LIST_WORDS):
                        continue
                if "." in w and len(w) <= 6 and not w.endswith(".."):
                    # "U.S." style dotted abbreviations
                    continue
        e = m.end()
        if e > pos:
            out.append((pos, e))
        pos = e
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end:
        tail_end = end
        while tail_end > pos and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end > pos:
            out.append((pos, tail_end))
    return out


@dataclass(slots=True)
class Placed:
    """A typed node with its offsets in the cleaned text."""

    node: Any
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    view: TextView
    section: Optional[Section]
    ancestors: tuple  # enclosing sections, outermost first
    number: str
    start: int  # offsets in TextView.text
    end: int
    text: str
    nodes: list[Placed] = field(default_factory=list)
    index: int = 0  # position of the sentence within its clause
    clause_sentences: Optional[list] = None  # the sentences of the same clause

    def of(self, cls) -> list[Placed]:
        return [p for p in self.nodes if isinstance(p.node, cls)]

    def rel(self, clean: int) -> int:
        return clean - self.start

    @property
    def heading(self) -> str:
        for sec in (self.section,) + tuple(reversed(self.ancestors)):
            if sec is not None and sec.heading:
                return sec.heading
        return ""


def _walk(sections: Iterable[Section], parents: tuple = ()) -> Iterator[tuple[Section, tuple]]:
    for s in sections:
        yield s, parents
        yield from _walk(s.children, parents + (s,))


def _sections(doc: Any, view: TextView) -> list[tuple[Section, tuple]]:
    """(section, ancestors) for every section of ``doc`` in document order (the
    order of :func:`_walk`), computed once per document and kept with its view."""
    secs = doc.sections
    got = view.__dict__.get("_walked")
    if got is not None and got[0] is secs:
        return got[1]
    pre = getattr(doc, "_walked", None)  # made while the document was parsed
    if pre is not None and pre[0] is secs:
        view.__dict__["_walked"] = (secs, pre[1])
        return pre[1]
    out: list[tuple[Section, tuple]] = []
    add = out.append

    def rec(sections: Iterable[Section], parents: tuple) -> None:
        for sec in sections:
            add((sec, parents))
            if sec.children:
                rec(sec.children, parents + (sec,))

    rec(secs, ())
    rec = None  # a recursive inner function and its own name form a reference cycle: broken here
    view.__dict__["_walked"] = (secs, out)
    return out


def _clause_rows(doc: Any, view: TextView) -> list[tuple]:
    """(source start, source end, section, ancestors, clause) for every clause of
    ``doc`` in document order, made once per document and kept with its view (the
    obligation reader and the sentence index both go through every clause)."""
    secs = doc.sections
    got = view.__dict__.get("_clause_rows")
    if got is not None and got[0] is secs:
        return got[1]
    pre = getattr(doc, "_walked", None)  # made while the document was parsed
    if pre is not None and pre[0] is secs:
        view.__dict__["_clause_rows"] = (secs, pre[2])
        return pre[2]
    rows = [(c.span.offset, c.span.end_offset, sec, parents, c) for sec, parents in _sections(doc, view) for c in sec.clauses]
    view.__dict__["_clause_rows"] = (secs, rows)
    return rows


def _clause_values(doc: Any, rows: list[tuple]) -> list[int]:
    """The kinds of value (the ``_V_*`` bits of :mod:`checker.pipeline`) that the clause
    of each of ``rows`` (:func:`_clause_rows`) holds: gathered while the document was
    parsed, else here."""
    pre = getattr(doc, "_walked", None)
    if pre is not None and len(pre) > 3 and pre[2] is rows:
        return pre[3]
    value_of = _VALUE_OF
    out = []
    for row in rows:
        v = 0
        for n in row[4].nodes:
            b = value_of.get(type(n))
            if b is None:
                b = value_of[type(n)] = _value_kind(n)
            v |= b
        out.append(v)
    return out


_VALUE_OF: dict[type, int] = {}


def iter_clauses(doc: Any, view: Optional[TextView] = None) -> Iterator[tuple[Section, tuple, int, int, Any]]:
    """(section, ancestors, clean start, clean end, clause) for every clause in document order."""
    view = view or TextView.of(doc)
    for sec, parents in _sections(doc, view):
        for clause in sec.clauses:
            a = view.to_clean(clause.span.offset)
            b = view.to_clean(clause.span.end_offset)
            if b < a:
                a, b = b, a
            yield sec, parents, a, b, clause


# the node types obligations are read from; references, definitions and blanks are not placed
_PLACED_TYPES = (Duration, Anchor, Bound, Ratio, Money, ShareCount, DateNode, ExternalRef)


_PLACED_BY_TYPE: dict[type, bool] = {}


def _of_placed_type(nodes: Iterable[Any]) -> list[Any]:
    """The nodes of a placed type, in order."""
    placed_type = _PLACED_BY_TYPE
    out = []
    for n in nodes:
        t = type(n)
        ok = placed_type.get(t)
        if ok is None:
            ok = placed_type[t] = isinstance(n, _PLACED_TYPES)
        if ok:
            out.append(n)
    return out


def _place_nodes(view: TextView, nodes: Iterable[Any]) -> list[Placed]:
    """The nodes of a placed type with their clean offsets, ordered by (start,
    end) and, for equal offsets, as given."""
    found = []
    add = found.append
    nodes = _of_placed_type(nodes)
    if view._identity:
        for n in nodes:
            sp = n.span
            a = sp.offset
            e = sp.end_offset
            b = e if e > a else a + len(n.text)
            if b < a:
                b = a
            add((a, b, len(found), n))
    else:
        # TextView.to_clean, inlined
        inv_src = view._inv_src
        inv_clean = view._inv_clean
        inv_len = view._inv_len
        br = bisect.bisect_right
        for n in nodes:
            sp = n.span
            o = sp.offset
            e = sp.end_offset
            k = br(inv_src, o) - 1
            if k < 0:
                a = 0
            else:
                d = o - inv_src[k]
                ln = inv_len[k]
                a = inv_clean[k] + (d if d <= ln else ln)
            if e > o:
                k = br(inv_src, e) - 1
                if k < 0:
                    b = 0
                else:
                    d = e - inv_src[k]
                    ln = inv_len[k]
                    b = inv_clean[k] + (d if d <= ln else ln)
            else:
                b = a + len(n.text)
            if b < a:
                b = a
            add((a, b, len(found), n))
    found.sort()
    return [Placed(n, a, b) for a, b, _i, n in found]


def find_all(lower_text: str, needles: Iterable[str]) -> list[int]:
    """Sorted offsets of every occurrence of each (lower-case) needle: a fast
    plain-string scan used to pick the clauses worth reading closely."""
    out: list[int] = []
    for nd in needles:
        f = lower_text.find
        i = f(nd)
        while i != -1:
            out.append(i)
            i = f(nd, i + 1)
    out.sort()
    return out


# needles found through a shorter word they contain: one scan of the text for several
_NEEDLE_BASE = {
    "governed": "govern", "shall govern": "govern", "will govern": "govern",
    "lock-up": "lock", "lockup": "lock", "lock up": "lock",
    "net issu": "net ", "net exercis": "net ",
    "shall apply": "apply", "will apply": "apply",
    "signed this contract": "this contract", "concluded this contract": "this contract",
    "entered into this contract": "this contract",
    "void after": "void", "become void": "void",
    # a needle of six letters or more is found with a search that prepares itself
    # again at every call: a word found a thousand times is found through a shorter one
    "notice": "notic",
}
# needles the pattern engine finds sooner than a plain string search (which
# stops at every character that ends them: a space, an "l")
_NEEDLE_RX = {nd: re.compile(re.escape(nd)) for nd in ("net ", "fail")}


def _needle_offsets(view: TextView, nd: str) -> list[int]:
    """Offsets of every occurrence of ``nd`` in ``view.lower``, found once per
    document.  A needle that contains one already found is located from that
    one's offsets ("contribute" from "contribut") instead of a new scan."""
    cache = view._needle_pos
    got = cache.get(nd)
    if got is not None:
        return got
    lower = view.lower
    base = _NEEDLE_BASE.get(nd)
    if base is not None:
        _needle_offsets(view, base)
    for c in cache:
        if c in nd and (base is None or len(c) > len(base)):
            base = c
    if base is not None:
        k = nd.index(base)
        sw = lower.startswith
        got = [i - k for i in cache[base] if i >= k and sw(nd, i - k)]
    elif nd in _NEEDLE_RX:  # (no needle of these overlaps itself: each occurrence is a match)
        got = [m.start() for m in _NEEDLE_RX[nd].finditer(lower)]
    else:
        got = []
        f = lower.find
        i = f(nd)
        while i != -1:
            got.append(i)
            i = f(nd, i + 1)
    cache[nd] = got
    return got


def _find_cached(view: TextView, needles: Iterable[str]) -> list[int]:
    """:func:`find_all` over ``view.lower``, with each needle's offsets kept with the view."""
    out: list[int] = []
    for nd in sorted(needles, key=len):
        out.extend(_needle_offsets(view, nd))
    out.sort()
    return out


def _has_hit(hits: list[int], a: int, b: int) -> bool:
    k = bisect.bisect_left(hits, a)
    return k < len(hits) and hits[k] < b


def iter_sentences(
    doc: Any,
    view: Optional[TextView] = None,
    prefilter: Optional[re.Pattern] = None,
    hits: Optional[list[int]] = None,
    node_types: tuple = (),
) -> Iterator[Sentence]:
    """The sentences of every clause, in document order.

    Without filters every sentence is yielded.  With ``hits`` (sorted offsets
    in the cleaned text) and/or ``node_types``, only sentences holding a hit or
    a typed node of one of those types are yielded (the clause is still split
    whole, so ``clause_sentences`` is complete).  ``prefilter`` skips clauses
    whose text does not match it.
    """
    view = view or TextView.of(doc)
    text = view.text
    filtering = hits is not None or bool(node_types)
    hits = hits or []
    for sec, parents, a, b, clause in iter_clauses(doc, view):
        if b <= a:
            continue
        if prefilter is not None and not prefilter.search(text, a, b):
            continue
        if filtering:
            hot = _has_hit(hits, a, b)
            typed = bool(node_types) and any(isinstance(n, node_types) for n in clause.nodes)
            if not hot and not typed:
                continue
        ranges = split_sentences(text, a, b)
        placed = _place_nodes(view, clause.nodes) if clause.nodes else []
        sents: list[Sentence] = []
        starts = [p.start for p in placed]
        for i, (s, e) in enumerate(ranges):
            lo = bisect.bisect_left(starts, s)
            hi = bisect.bisect_left(starts, e)
            sents.append(
                Sentence(
                    view=view,
                    section=sec,
                    ancestors=parents,
                    number=sec.number,
                    start=s,
                    end=e,
                    text=text[s:e],
                    nodes=placed[lo:hi],
                    index=i,
                )
            )
        for st in sents:
            st.clause_sentences = sents
            if filtering and not (
                _has_hit(hits, st.start, st.end) or (node_types and any(isinstance(p.node, node_types) for p in st.nodes))
            ):
                continue
            yield st


_SPAN_KEY = operator.itemgetter(0, 1)


class SentenceIndex:
    """Sentences on demand: the sentence holding a given offset of the cleaned
    text, with each clause split once (and only the clauses asked about)."""

    def __init__(self, doc: Any, view: TextView):
        self.view = view
        rows = _clause_rows(doc, view)
        starts = [c[0] for c in rows]
        if all(map(operator.lt, starts, starts[1:])):
            clauses = rows  # each clause starts after the one before: in order already (most documents)
        else:
            clauses = sorted(rows, key=_SPAN_KEY)
            starts = [c[0] for c in clauses]
        self._clauses = clauses
        self._starts = starts
        self._cache: dict[int, list[Sentence]] = {}
        self._sent_starts: dict[int, list[int]] = {}
        self._ranges: dict[int, tuple[list[int], list[int]]] = {}

    @classmethod
    def of(cls, doc: Any, view: TextView) -> "SentenceIndex":
        """The index of ``doc``, made once and kept with its view."""
        got = view.__dict__.get("_sentence_index")
        if got is None or got[0] is not doc.sections:
            got = (doc.sections, cls(doc, view))
            view.__dict__["_sentence_index"] = got
        return got[1]

    def _sentences(self, k: int) -> list[Sentence]:
        got = self._cache.get(k)
        if got is None:
            s0, e0, sec, parents, clause = self._clauses[k]
            a = self.view.to_clean(s0)
            b = self.view.to_clean(e0)
            got = _clause_sentences(self.view, sec, parents, a, b, clause) if b > a else []
            self._cache[k] = got
        return got

    def _bounds(self, k: int) -> tuple[list[int], list[int]]:
        """(starts, ends) of the sentences of clause ``k``: from its sentences when
        the clause was split already, else from the split alone (no nodes placed)."""
        got = self._ranges.get(k)
        if got is None:
            sents = self._cache.get(k)
            if sents is None:
                s0, e0, sec, _parents, clause = self._clauses[k]
                view = self.view
                a = view.to_clean(s0)
                b = view.to_clean(e0)
                if b > a:
                    hit = view._sent_cache.get((id(clause), a, b))
                    if hit is not None and hit[0] is clause and hit[1] is sec:
                        sents = hit[2]
                    else:
                        ranges = split_sentences(view.text, a, b)
                        got = self._ranges[k] = ([r[0] for r in ranges], [r[1] for r in ranges])
                        return got
                else:
                    sents = []
            got = self._ranges[k] = ([st.start for st in sents], [st.end for st in sents])
        return got

    def bounds_at(self, pos: int) -> Optional[tuple[int, int]]:
        """(start, end) of the sentence :meth:`at` gives, without making the sentence."""
        src = self.view.to_source(pos)
        k = bisect.bisect_right(self._starts, src) - 1
        for j in range(k, max(-1, k - 3), -1):
            s0, e0 = self._clauses[j][0], self._clauses[j][1]
            if s0 <= src < e0:
                starts, ends = self._bounds(j)
                i = bisect.bisect_right(starts, pos) - 1
                while i >= 0:
                    if starts[i] <= pos < ends[i]:
                        return starts[i], ends[i]
                    if ends[i] <= pos:
                        break
                    i -= 1
                return None
        return None

    def at(self, pos: int) -> Optional[Sentence]:
        src = self.view.to_source(pos)
        k = bisect.bisect_right(self._starts, src) - 1
        for j in range(k, max(-1, k - 3), -1):
            s0, e0 = self._clauses[j][0], self._clauses[j][1]
            if s0 <= src < e0:
                sents = self._sentences(j)
                starts = self._sent_starts.get(j)
                if starts is None:
                    starts = self._sent_starts[j] = [st.start for st in sents]
                # (a paragraph of thousands of sentences: found by halves, not one by one)
                i = bisect.bisect_right(starts, pos) - 1
                while i >= 0:
                    st = sents[i]
                    if st.start <= pos < st.end:
                        return st
                    if st.end <= pos:
                        break
                    i -= 1
                return None
        return None


# ---------------------------------------------------------------------------
# Parties
# ---------------------------------------------------------------------------

# Each pattern starts at the party's own noun (no optional lead words), so that the
# alternation stays cheap; determiners and other capitalised words ("the CSFB
# Merchant Banking Selling Stockholders") fall in the gaps that _JOIN_RX reads.
_PARTY_PATTERNS: list[tuple[str, str]] = [
    ("officers_directors", r"\bofficers?,?\s+(?:and|or)\s+directors?\b|\bdirectors?\s+and\s+(?:executive\s+)?officers?\b"
     r"|\bexecutive\s+officers?\s+and\s+directors?\b"),
    ("selling_stockholders", r"\b(?:Selling|SELLING)\s+(?:Stock|Share|Security|Unit|STOCK|SHARE)(?:holders?|HOLDERS?)\b"),
    ("issuers", r"\bIssuers?\b"),
    ("company", r"\b(?:Company|COMPANY)\b"),
    ("representatives", r"\b(?:Representatives?|REPRESENTATIVES?)\b|\byou\b"),
    ("underwriters", r"\b(?:Underwriters?|UNDERWRITERS?)\b"),
    ("purchasers", r"\bInitial\s+Purchasers?\b|\bPurchasers?\b"),
    ("agent", r"\bAgents?\b"),
    ("holder", r"\bHolders?\b|\bholders?\s+(?:hereof|of\s+this\s+Warrant)\b"),
    ("bank", r"\bBank\b"),
    ("stockholders", r"\b(?:stock|share)holders\b"),
    ("borrower", r"\bBorrowers?\b"),
    ("lenders", r"\bLenders?\b"),
    ("guarantor", r"\bGuarantors?\b"),
    ("executive", r"\b(?:Executive|Employee)\b"),
    ("undersigned", r"\b(?:undersigned|Undersigned|UNDERSIGNED)\b"),  # the signer of a lock-up letter
]
_PARTY_RX = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _PARTY_PATTERNS))
# _PARTY_RX arranged by the first letter of each mention: (letter, party, the rest of the
# pattern), in the order of _PARTY_PATTERNS.  The combined pattern below begins with a
# plain letter in every branch, so the engine skips through the text to those letters;
# the word boundary before the letter is checked right after it.  It finds the same
# mentions (start, end, party) as _PARTY_RX.
_PARTY_BY_LETTER: list[tuple[str, str, str]] = [
    ("o", "officers_directors", r"fficers?,?\s+(?:and|or)\s+directors?\b"),
    ("d", "officers_directors", r"irectors?\s+and\s+(?:executive\s+)?officers?\b"),
    ("e", "officers_directors", r"xecutive\s+officers?\s+and\s+directors?\b"),
    ("S", "selling_stockholders", r"(?:elling|ELLING)\s+(?:Stock|Share|Security|Unit|STOCK|SHARE)(?:holders?|HOLDERS?)\b"),
    ("I", "issuers", r"ssuers?\b"),
    ("C", "company", r"(?:ompany|OMPANY)\b"),
    ("R", "representatives", r"(?:epresentatives?|EPRESENTATIVES?)\b"),
    ("y", "representatives", r"ou\b"),
    ("U", "underwriters", r"(?:nderwriters?|NDERWRITERS?)\b"),
    ("I", "purchasers", r"nitial\s+Purchasers?\b"),
    ("P", "purchasers", r"urchasers?\b"),
    ("A", "agent", r"gents?\b"),
    ("H", "holder", r"olders?\b"),
    ("h", "holder", r"olders?\s+(?:hereof|of\s+this\s+Warrant)\b"),
    ("B", "bank", r"ank\b"),
    ("s", "stockholders", r"(?:tock|hare)holders\b"),
    ("B", "borrower", r"orrowers?\b"),
    ("L", "lenders", r"enders?\b"),
    ("G", "guarantor", r"uarantors?\b"),
    ("E", "executive", r"(?:xecutive|mployee)\b"),
    ("u", "undersigned", r"ndersigned\b"),
    ("U", "undersigned", r"(?:ndersigned|NDERSIGNED)\b"),
]


def _party_letter_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    letters: dict[str, list[str]] = {}
    party_of: dict[str, str] = {}
    for k, (letter, party, rest) in enumerate(_PARTY_BY_LETTER):
        name = f"p{k}"
        party_of[name] = party
        letters.setdefault(letter, []).append(f"(?P<{name}>{rest})")
    # "(?<!\w.)" after the letter: no word character before it (the "\b" of _PARTY_RX)
    return re.compile("|".join(f"{c}(?<!\\w.)(?:{'|'.join(alts)})" for c, alts in letters.items())), party_of


_PARTY_LETTER_RX, _PARTY_OF_GROUP = _party_letter_rx()
# between two members of a subject group: a comma or "and"/"or", a determiner, other capitalised words
_JOIN_RX = re.compile(
    r"[\"\u201d]?\)?\s*(?:,\s*(?:(?:and|or|and/or)\s+)?|\s(?:and|or|and/or)\s+)"
    r"(?:(?:the|each|any|such|its|all|certain)\s+(?:of\s+the\s+)?)?(?:[A-Z][\w&.'-]*\s+){0,4}[\"\u201c]?"
)
# a member of a subject group that names no party we know ("the Association", "the MHC")
_OTHER_MEMBER = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)the\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}(?=[\s,])")
_JOIN_OTHER = re.compile(r"(?:\s*,\s*|\s+and\s+)the\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?")
_AFTER_SUBJECT = re.compile(
    r"[\"\u201d]?\)?(?:,[^,;.()]{1,60},|,)?\s*(?:,\s*(?:as\s+applicable|severally(?:\s+and\s+not\s+jointly)?|jointly\s+and\s+severally|in\s+each\s+case|respectively)\s*,\s*)?"
    r"(?:(?:hereby|further|also|each|severally(?:\s+and\s+not\s+jointly)?|jointly\s+and\s+severally|then|thereupon)\s+)*"
    r"(?:will|shall|agrees?|agreed|covenants?|undertakes?|may|must|grants?|represents?|has|have|is|are|do|does|did|proposes?|"
    r"acknowledges?|confirms?|elects?|submits?|notif(?:y|ies)|arranges?|hereby|cannot|can)\b"
)


_SUBJECT_PARTIES_RX1 = re.compile(r"\bor\b")


def subject_parties(text: str) -> list[tuple[int, int, str]]:
    """Subjects in ``text``: (start, end, party) for each party mention (or
    group joined by "and"/"or") followed by a verb.  A group joined by "and"
    gives "a+b"; one joined by "or" gives its first member."""
    out = []
    ms = list(_PARTY_LETTER_RX.finditer(text))
    i = 0
    while i < len(ms):
        m = ms[i]
        group = [m]
        conj = []
        j = i
        while j + 1 < len(ms):
            gap = text[ms[j].end() : ms[j + 1].start()]
            if len(gap) <= 70 and (_JOIN_RX.fullmatch(gap) or _JOIN_OTHER.fullmatch(gap)):
                conj.append("or" if _SUBJECT_PARTIES_RX1.search(gap) else "and")
                group.append(ms[j + 1])
                j += 1
            else:
                break
        last = group[-1]
        after = last.end()
        other = _OTHER_MEMBER.match(text, after)  # "The Company and the Association will"
        if other:
            after = other.end()
        if _AFTER_SUBJECT.match(text, after):
            kinds = []
            for g in group:
                k = _PARTY_OF_GROUP[g.lastgroup]
                if k not in kinds:
                    kinds.append(k)
            if "or" in conj and "and" not in conj:
                kinds = kinds[:1]
            out.append((m.start(), last.end(), "+".join(kinds)))
        i = j + 1
    return out


# ---------------------------------------------------------------------------
# Values from typed nodes
# ---------------------------------------------------------------------------


def _num(x: Optional[float]) -> Optional[float]:
    if x is None:
        return None
    return float(x)


def duration_unit(d: Duration) -> str:
    if d.unit == "day" or d.unit == "week":
        return {"calendar": "calendar_day", "business": "business_day", "full_business": "business_day", "trading": "trading_day"}.get(
            d.basis or "", "day"
        )
    return d.unit


def duration_count(d: Duration) -> Optional[float]:
    c = d.count
    if c is None:
        c = d.numeral_value if d.numeral_value is not None else d.words_value
    if c is None:
        return None
    if d.unit == "week":
        c = c * 7
    return float(c)


_PCT_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)", re.I)


def ratio_value(r: Ratio) -> Optional[float]:
    """A ratio as a fraction of one: "9.09%" -> 0.0909, "110%" -> 1.10, "one-eleventh" -> 1/11."""
    if r.form == "percent":
        m = _PCT_NUM.search(r.text)
        if m:
            return float(m.group(1)) / 100.0
        v = r.value
        if v is None:
            v = r.numeral_value if r.numeral_value is not None else r.words_value
            return None if v is None else float(v) / 100.0
        return float(v)
    v = r.value
    if v is None:
        v = r.numeral_value if r.numeral_value is not None else r.words_value
    return _num(v)


def _share_value(n: Any) -> Optional[float]:
    v = getattr(n, "value", None)
    if v is None:
        v = getattr(n, "numeral_value", None)
    if v is None:
        v = getattr(n, "words_value", None)
    return _num(v)


def _norm(s: str) -> str:
    """White space collapsed to single spaces, none at the ends (str.split and
    the pattern \\s agree on what white space is)."""
    return " ".join(s.split())


# ---------------------------------------------------------------------------
# Building obligations
# ---------------------------------------------------------------------------

# phrase boundaries for quotes; a comma inside a list of numbers ("Sections 6, 8 and 9") is not one
_BOUNDARY = re.compile(r"[;:]|(?<!\d),\s(?!\d)|\(|\)|\bprovided\b|\bexcept\b|\bunless\b")


class _Ctx:
    def __init__(self, doc: Any, view: TextView):
        self.doc = doc
        self.view = view
        self.out: list[Obligation] = []
        self.seen: set[tuple] = set()
        dt = getattr(doc, "doc_type", "other") or "other"
        self.doc_type = dt
        self.offering = dt in OFFERING_DOC_TYPES or _underwriter_count(view) >= 10
        self.warrant = dt == "warrant"
        self.last_lockup_party: dict[str, Optional[str]] = {}
        self.aligned_lower: Optional[str] = None


def _underwriter_count(view: TextView) -> int:
    n = view.__dict__.get("_n_underwriter")
    if n is None:
        from .doctype import count_word  # the type detection may have counted them in this very text

        n = count_word(view.text, "Underwriter", 400000)
        view.__dict__["_n_underwriter"] = n
    return n


_QUOTE_RANGE_RX1 = re.compile(r"\S+")


def _quote_range(s: Sentence, a: int, b: int) -> tuple[int, int]:
    """The part of sentence ``s`` around [a, b): bounded by ";" and the sentence,
    widened to phrase boundaries, at most about QUOTE_LIMIT characters."""
    t = s.view.text
    lo, hi = s.start, s.end
    # the ";"-part holding the focus
    semi = t.rfind(";", lo, a)
    if semi != -1:
        lo = semi + 1
    nxt = t.find(";", b, hi)
    if nxt != -1:
        hi = nxt + 1
    while lo < a and t[lo].isspace():
        lo += 1
    if len(_norm(t[lo:hi])) <= QUOTE_LIMIT:
        return lo, hi
    # widen the focus to phrase boundaries
    qs = a
    budget = max(0, QUOTE_LIMIT - len(_norm(t[a:b])))
    left_room = min(budget // 2 + 40, budget)
    seg_lo = max(lo, a - left_room)
    best = None
    for m in _BOUNDARY.finditer(t, seg_lo, a):
        best = m.end()
    if best is not None:
        qs = best
    elif seg_lo == lo:
        qs = lo
    else:
        # no boundary close enough: start at a word
        ws = t.rfind(" ", seg_lo, a)
        qs = a if ws == -1 else ws + 1
    while qs < a and t[qs].isspace():
        qs += 1
    qe = b
    room = QUOTE_LIMIT - len(_norm(t[qs:b]))
    if room > 0:
        lim = min(hi, b + room)
        m = _BOUNDARY.search(t, b, lim)
        if m and m.group(0) not in ("(",):
            qe = m.start() if m.group(0) in (", ", ",\n") or m.group(0).startswith(",") else m.end()
            if t[m.start()] == ")":
                qe = m.end()
            if t[m.start()] == ";":
                qe = m.end()
        else:
            ws = t.rfind(" ", b, lim)
            qe = lim if lim == hi else (ws if ws > b else b)
    if len(_norm(t[qs:qe])) > QUOTE_LIMIT:
        # cut at a word boundary
        cut = qs
        n = 0
        for m in _QUOTE_RANGE_RX1.finditer(t[qs:qe]):
            n2 = n + (1 if n else 0) + len(m.group(0))
            if n2 > QUOTE_LIMIT:
                break
            n = n2
            cut = qs + m.end()
        qe = max(cut, min(b, qs + QUOTE_LIMIT))
    while qe > qs and t[qe - 1].isspace():
        qe -= 1
    return qs, qe


def _emit(
    ctx: _Ctx,
    s: Sentence,
    kind: str,
    focus: tuple[int, int],
    *,
    value: Any = None,
    party: Optional[str] = None,
    min_: Optional[float] = None,
    unit: Optional[str] = None,
    anchor: Optional[str] = None,
    as_written: str = "",
    quote_range: Optional[tuple[int, int]] = None,
) -> Optional[Obligation]:
    qs, qe = quote_range or _quote_range(s, focus[0], focus[1])
    fa = focus[0]
    while fa < focus[1] and ctx.view.text[fa].isspace():
        fa += 1
    line, col = ctx.view.linecol(fa)
    quote = _norm(ctx.view.text[qs:qe])
    if isinstance(value, bool):
        value = "yes" if value else None
    key = (kind, line, col, value, min_, party)
    if key in ctx.seen:
        return None
    ctx.seen.add(key)
    ob = Obligation(
        kind=kind,
        party=party,
        value=value,
        min=min_,
        unit=unit,
        anchor=_norm(anchor) if anchor else None,
        as_written=_norm(as_written),
        section=s.number or None,
        line=line,
        column=col,
        quote=quote,
    )
    ctx.out.append(ob)
    return ob


def _part_bounds(s: Sentence, a: int) -> tuple[int, int]:
    """The ";"-delimited part of the sentence holding clean offset ``a``."""
    t = s.view.text
    lo = t.rfind(";", s.start, a)
    lo = s.start if lo == -1 else lo + 1
    hi = t.find(";", a, s.end)
    hi = s.end if hi == -1 else hi
    return lo, hi


def _lead_in_party(s: Sentence) -> Optional[str]:
    """The subject of the lead-in of the nearest enclosing section that has one
    ("The Company agrees with each of the Underwriters:")."""
    t = s.view.text
    for sec in reversed(s.ancestors):
        if not sec.clauses:
            continue
        c = sec.clauses[0]
        a = s.view.to_clean(c.span.offset)
        b = s.view.to_clean(c.span.end_offset)
        tail = t[max(a, b - 40) : b].rstrip()
        # only a lead-in to a list binds the items: "The Company agrees with each of the Underwriters:"
        if not (tail.endswith(":") or tail.endswith(" that") or tail.endswith("as follows") or tail.endswith(":-")):
            continue
        lead = t[a : min(b, a + 600)]
        subs = subject_parties(lead)
        if subs:
            return subs[0][2]
    return None


def _party_at(s: Sentence, a: int, *, lead_in: bool = True, forward: bool = True) -> Optional[str]:
    """Who is bound by the words at clean offset ``a``: the nearest subject
    before it in its part of the sentence, else the first after it, else the
    subject of the enclosing section's lead-in."""
    lo, hi = _part_bounds(s, a)
    t = s.view.text
    before = subject_parties(t[max(lo, a - 1200) : a])
    if before:
        return before[-1][2]
    # a sentence that begins with its condition: "If ..., the Company shall"
    if lo > s.start:
        whole = subject_parties(t[s.start:lo])
        if whole and not forward:
            return whole[-1][2]
    if forward:
        after = subject_parties(t[a : min(hi, a + 400)])
        if after:
            return after[0][2]
    if lead_in:
        return _lead_in_party(s)
    return None


_ANCHOR_AFTER_RX1 = re.compile(r"\s*(?:\([^()]{0,120}\))?\s*,?\s*")


def _anchor_after(s: Sentence, p: Placed) -> Optional[Placed]:
    t = s.view.text
    for q in s.nodes:
        if isinstance(q.node, Anchor) and q.start >= p.end - 1:
            gap = t[p.end : q.start]
            if q.start - p.end <= 3 or _ANCHOR_AFTER_RX1.fullmatch(gap):
                return q
            return None
        if q.start > p.end + 140:
            break
    return None


def _span_text(s: Sentence, a: int, b: int) -> str:
    return _norm(s.view.text[a:b])


def _before(s: Sentence, a: int, n: int = 80) -> str:
    return s.view.text[max(s.start, a - n) : a]


def _after(s: Sentence, b: int, n: int = 80) -> str:
    return s.view.text[b : min(s.end, b + n)]


def _durations(s: Sentence, units: Optional[set] = None) -> list[Placed]:
    out = []
    for p in s.nodes:
        if isinstance(p.node, Duration):
            if units is None or p.node.unit in units:
                out.append(p)
    return out


_ANCHOR_WORDS = re.compile(
    r"\s*(?:\([^()]{0,120}\)\s*)?,?\s*(?P<a>(?:after|following|from|subsequent\s+to|prior\s+to|before|preceding|of|beginning\s+(?:on|with)|commencing\s+on|ending\s+on)\s+[^,;()]{3,100})"
)


_ANCHOR_ABBR = re.compile(r"(?<=\b[A-Z])\.(?:[A-Z]\.)+(?:\s+[a-z][\w'-]*){0,3}")
_ANCHOR_MORE = re.compile(
    r"(?:\s+(?:of|on|in|that|which|it|to|by|for|such|under|with|following|after|before|is|was|has|shall|will)\b[^,;()\[\].]*)"
)


_CLIP_ANCHOR_RX1 = re.compile(r"\s+(?:and|or)\s+(?:may|shall|will|setting|to|is|are|at|on|such|the\s+\w+\s+shall)\b|\s+(?:you|it|they|he|she)\s+(?:do|does|shall|will|may)\b"
        r"|\s+unless\b|\s+(?:the\s+)?(?:Company|Issuers?|Underwriters?|Representatives?)\s+(?:releases?|announces?|shall|will|may)\b"
        r"|\s+(?:nor|or|and)\s+(?:not\s+)?(?:later|earlier|more|less|fewer|sooner)\s+than\b|\s+(?:and|or)\s+(?:setting|stating|specifying)\b"
        r"|\s+(?:or|and)\s+(?:\(\w{1,4}\)\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)\b|\.$")
_CLIP_ANCHOR_RX2 = re.compile(r"\s+(?:or|and|nor)$")


def _clip_anchor(text: str) -> str:
    """An anchor ends at the end of its noun phrase: before a new clause of the sentence."""
    text = _norm(text)
    m = _CLIP_ANCHOR_RX1.search(text)
    if m:
        text = text[: m.start()]
    text = _CLIP_ANCHOR_RX2.sub("", text.strip())
    return text.strip().rstrip(".,;")


_DUR_FIELDS_RX1 = re.compile(r"of\b")


def _dur_fields(s: Sentence, p: Placed) -> tuple[Optional[float], str, Optional[str], str, int]:
    """(count, unit, anchor, as_written, end of the phrase) of a Duration.  The
    anchor is the grammar's Anchor node right after the duration (across a
    parenthesis), else the "after ..."/"following ..." words there."""
    d = p.node
    vt = s.view.text
    anc = _anchor_after(s, p)
    if anc is not None:
        a_start, a_end = anc.start, min(anc.end, s.end)
        # the grammar's anchor can stop at the head noun ("after the date"): take
        # the rest of the noun phrase ("... on which the option shall have been exercised")
        abbr = _ANCHOR_ABBR.match(vt, a_end, min(s.end, a_end + 40))
        if abbr:  # "after deposit in the U" + ".S. mail"
            a_end = abbr.end()
        ext = _ANCHOR_MORE.match(vt, a_end, min(s.end, a_end + 110))
        if ext:
            a_end = ext.end()
        anchor = _clip_anchor(vt[a_start:a_end])
        end = a_start + len(vt[a_start:a_end]) if anchor else p.end
        # the end of the clipped anchor in the text
        if anchor:
            k = vt.find(anchor.split(" ")[-1], a_start, a_end)
            end = k + len(anchor.split(" ")[-1]) if k != -1 else a_end
    else:
        m = _ANCHOR_WORDS.match(vt, p.end, s.end)
        anchor = _clip_anchor(m.group("a")) if m else None
        end = p.end
        if m and anchor:
            k = vt.find(anchor.split(" ")[-1], m.start("a"), m.end())
            end = k + len(anchor.split(" ")[-1]) if k != -1 else m.end()
        if anchor and _DUR_FIELDS_RX1.match(anchor) and d.unit == "hour":
            anchor, end = None, p.end
    as_written = _span_text(s, p.start, end)
    return duration_count(d), duration_unit(d), (anchor or None), as_written, end


# ---------------------------------------------------------------------------
# Lock-ups
# ---------------------------------------------------------------------------

_LOCK_VERB = rx(
    r"\bnot(?: to)?(?: ,)?(?:,? directly or indirectly,?)?"
    # "will not, without the prior written consent of the Representatives, offer",
    # "will not, during the period ending 180 days after the date of the Prospectus, offer"
    r"(?:,? (?:without|during|for|until|prior to|before|from|within|in|at any time)\b[^;]{3,240}?,(?: directly or indirectly,)?)?"
    r"(?: \(\w{1,4}\))? "
    r"(?:offer|sell|pledge|transfer|dispose|issue|contract to sell|announce)\b",
    re.I,
)
_LOCK_MORE = rx(r"contract to sell|otherwise dispos|otherwise transfer|\bpledge|\bhedge|grant any option|dispose of", re.I)
_LOCK_WHAT = rx(r"\bsecurities\b|\bshares\b|\bStock\b|\bcapital stock\b", re.I)
_LOCK_EXT = rx(r"(?:lock-? ?up|restricted|market stand-? ?off) period|\brestrictions (?:imposed by|of|in|set forth in) (?:this|the|such|Section)", re.I)
_EXTEND = rx(r"\bextend|\bextension\b|\bcontinue to apply\b", re.I)
# the words that extend the lock-up, before the period of the extension (if any)
_EXTEND_WORDS = rx(r"\b(?:shall|will) (?:be (?:automatically )?extended|automatically (?:be )?extended|continue to apply)\b|\bextended\b|\bcontinue to apply\b", re.I)
_EARNINGS = rx(r"earnings|material news|material event", re.I)
_PERIOD_ELSEWHERE = rx(
    r"(?:a |the |such )?period (?:of time )?(?:specified|set forth|provided|stated|indicated|designated|described|agreed)"
    r"(?: to be specified)? (?:in|by|under) (?:the |any |such |each |a )?(?:applicable |relevant |related )?"
    r"(?:[A-Z][\w-]*(?: [A-Z][\w-]*){0,3} Agreement|Schedule [A-Z0-9]+|Pricing Agreement|Terms Agreement|Pricing Supplement|[Ll]ock-?up [Ll]etters?|[Ll]ock-?up [Aa]greements?)"
)
_OTHERS_LOCK = rx(
    r"\bcause (?:each|all|its|the|each of (?:its|the))? ?(?:(?:executive )?officers?|directors?|stockholders|shareholders)"
    r"|\b(?:lock-?up )?(?:letters?|agreements?) (?:from|of|executed by) (?:each of )?(?:the |its )?(?:(?:executive )?officers|directors|stockholders|shareholders)",
    re.I,
)


_LOCKUPS_RX1 = re.compile(r"\b(?:last|first|within|prior to|before)\s*$")
_LOCKUPS_RX2 = rx(r"commencing on (the date of [^,;]{3,80})|beginning on (the date of [^,;]{3,80})")


def _lockups(ctx: _Ctx, s: Sentence) -> None:
    t = s.text
    if _LOCK_EXT.search(t) and _EXTEND.search(t) and _EARNINGS.search(t):
        _lockup_extension(ctx, s)
        return
    vt = s.view.text
    for vm in _LOCK_VERB.finditer(vt, s.start, s.end):
        lo, hi = _part_bounds(s, vm.start())
        part = vt[lo:hi]
        if not (_LOCK_MORE.search(part) and _LOCK_WHAT.search(part)):
            continue
        # only one lock-up per part
        key = ("lockpart", lo)
        if key in ctx.seen:
            continue
        ctx.seen.add(key)
        period = None
        for p in s.nodes:
            if not isinstance(p.node, Duration) or not (lo <= p.start < hi):
                continue
            if p.node.unit not in ("day", "month", "year", "week"):
                continue
            pre = vt[max(lo, p.start - 40) : p.start].lower()
            if _LOCKUPS_RX1.search(pre):
                continue
            period = p
            break
        # party: who promises not to sell
        party = None
        others = _OTHERS_LOCK.search(vt, lo, hi)
        if others and others.start() < vm.start():
            w = others.group(0).lower()
            party = "officers_directors" if ("officer" in w or "director" in w) else "stockholders"
        if party is None:
            subs = subject_parties(vt[lo : vm.start()])
            if subs:
                party = subs[-1][2]
        if party is None and lo > s.start:
            subs = subject_parties(vt[s.start:lo])
            if subs:
                party = subs[-1][2]
        if party is None:
            party = _lead_in_party(s)
        if period is not None:
            count, unit, anchor, as_written, end = _dur_fields(s, period)
            ctx.last_lockup_party[s.number.split("(")[0]] = party
            _emit(ctx, s, "lockup", (period.start, end), value=count, unit=unit, anchor=anchor,
                  as_written=as_written, party=party)
            continue
        em = _PERIOD_ELSEWHERE.search(vt, lo, hi) or _PERIOD_ELSEWHERE.search(vt, s.start, s.end)
        if em:
            ctx.last_lockup_party[s.number.split("(")[0]] = party
            anchor = None
            am = _LOCKUPS_RX2.search(vt, em.end(), min(hi, em.end() + 120))
            if am:
                anchor = "from " + (am.group(1) or am.group(2))
            _emit(ctx, s, "lockup", (em.start(), em.end()), value=None, unit=None, anchor=anchor,
                  as_written=em.group(0), party=party)


_LOCKUP_EXTENSION_RX1 = rx(r"[- ]*(?:day )?(?:period )?((?:of|beginning on|beginning with|following|after|before|prior to) [^,;()]{3,80})")


def _lockup_extension(ctx: _Ctx, s: Sentence) -> None:
    party = ctx.last_lockup_party.get(s.number.split("(")[0])
    if party is None:
        subs = subject_parties(s.text)
        party = subs[0][2] if subs else _lead_in_party(s)
    vt = s.view.text
    ext = None
    for m in _EXTEND_WORDS.finditer(vt, s.start, s.end):
        ext = m
        break
    if ext is not None and not any(p.start >= ext.start() for p in _durations(s, {"day", "week", "month"})):
        # "the Lock-Up Period shall be extended" with no period after it: the extension
        # is stated, its length is not
        _emit(ctx, s, "lockup_extension", (ext.start(), ext.end()), value=None, unit=None, anchor=None,
              as_written=ext.group(0), party=party)
    for p in _durations(s, {"day", "week", "month"}):
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        if anchor is None:
            m = _LOCKUP_EXTENSION_RX1.match(
                s.view.text, p.end, s.end)
            if m:
                anchor = m.group(1)
                as_written = _span_text(s, p.start, m.end())
                end = m.end()
        _emit(ctx, s, "lockup_extension", (p.start, end), value=count, unit=unit, anchor=anchor,
              as_written=as_written, party=party)


# ---------------------------------------------------------------------------
# Over-allotment option and offering size
# ---------------------------------------------------------------------------

_OPT_TERM = rx(
    r"\b(?:Option(?:al)?|OPTION(?:AL)?) (?:Shares|Securities|Stock|Units|Notes|ADSs|Bonds|SHARES|SECURITIES|STOCK|UNITS|NOTES)\b"
    r"|\b(?:Additional|ADDITIONAL) (?:Shares|Securities|Units|ADSs|SHARES|SECURITIES|UNITS)\b"
)
_FIRM_TERM = rx(r"\b(?:Firm|FIRM) (?:Shares|Securities|Stock|Units|Notes|ADSs|SHARES|SECURITIES|STOCK|UNITS|NOTES)\b")
# a number of shares not inside a longer number: "(?<![\d,.$])(\d{1,3}(?:,\d{3})+|\d{2,9})", written
# to start with its first digit (the look-behind checked after it), so that the engine
# skips to the digits of the text instead of trying the pattern at every character
_SHARES_RX = re.compile(
    r"(\d(?<![\d,.$]\d)(?:\d{0,2}(?:,\d{3})+|\d{1,8}))\)?\s+(?:(?:additional|outstanding|authorized|Optional|Option|Firm|Additional|fully\s+paid|and|non-?assessable)\s+)*"
    r"(?:shares|Shares|SHARES|Securities|SECURITIES)\b"
)
_OPTION_EXERCISE_CTX = rx(
    r"\bexercis|\belection\b|\belect\b|\bexpire|\bterminat|\bnotice\b|\bmay (?:be )?purchase|\bright to purchase\b", re.I
)


def _share_counts(s: Sentence) -> list[tuple[int, int, Optional[float]]]:
    """(start, end, value) of every share count in the sentence: the ShareCount
    nodes, and numerals followed by "shares"/"Securities" that the grammar left untyped."""
    out = []
    taken = []
    for p in s.nodes:
        if isinstance(p.node, ShareCount):
            v = _share_value(p.node)
            out.append((p.start, p.end, v))
            taken.append((p.start, p.end))
    for m in _SHARES_RX.finditer(s.view.text, s.start, s.end):
        a, b = m.start(1), m.end(1)
        if any(x <= a < y or x < b <= y for x, y in taken):
            continue
        # a numeral inside another typed node (money, date, percent) is not a count
        if any(p.start <= a < p.end for p in s.nodes if isinstance(p.node, (Money, Ratio, DateNode, Duration, ExternalRef, CrossRef))):
            continue
        out.append((a, m.end(), float(m.group(1).replace(",", ""))))
    out.sort()
    return out


_DEFINED_TERM = re.compile(
    r"(?:called|referred\s+to\s+(?:herein\s+)?as|designated\s+(?:as\s+)?|known\s+as|\()\s*(?:collectively\s*,?\s*)?(?:the\s+)?"
    r"[\"\u201c](?P<term>[^\"\u201d]{2,40})[\"\u201d]"
)
_OPTION_GIVEN = re.compile(
    r"(?:option|election)\s+of\s+the\s+(?:several\s+)?(?:Underwriters|Representatives?|Purchasers|Initial\s+Purchasers)\b[^.;]{0,40}$"
    r"|over-?allot\w*[^.;]{0,80}$",
    re.I,
)


_TERM_KIND_RX1 = re.compile(r"(?:Firm|FIRM)\b")
_TERM_KIND_RX2 = re.compile(r"(?:Option(?:al)?|OPTION(?:AL)?|Additional|ADDITIONAL)\s")


def _term_kind(term: str) -> Optional[str]:
    if _TERM_KIND_RX1.match(term):
        return "firm"
    if _TERM_KIND_RX2.match(term):
        return "option"
    return None


_OPTION_AND_SIZE_RX1 = re.compile(r"\bUnderwriters?\b|\bover-?allot")
_OPTION_AND_SIZE_RX2 = re.compile(r"\s*(?:Option(?:al)?|OPTION(?:AL)?) ")


def _option_and_size(ctx: _Ctx, s: Sentence) -> None:
    """Firm and over-allotment quantities: "the aggregate of 750,000 additional
    shares ... is herein called the "Optional Shares"", "up to 750,000 Optional
    Shares", "at the election of the Underwriters, up to 272,564 additional shares"."""
    if not (ctx.offering or _OPTION_AND_SIZE_RX1.search(s.text)):
        return
    vt = s.view.text
    counts = [c for c in _share_counts(s) if c[2] is not None]
    found: list[tuple[str, int, int, float]] = []
    given = []  # counts that follow "at the option of the Underwriters", with no term of their own
    for i, (a, b, v) in enumerate(counts):
        nxt = counts[i + 1][0] if i + 1 < len(counts) else s.end
        follow = vt[b : min(nxt, b + 240)]
        own = vt[a:b]
        tm = _DEFINED_TERM.search(follow)
        defined = _term_kind(tm.group("term")) if tm else None
        if defined == "firm" and not _FIRM_TERM.search(own) and not _OPTION_GIVEN.search(vt[max(s.start, a - 120) : a]):
            found.append(("firm_size", a, b, v))
        elif defined == "option" or _OPT_TERM.search(own) or _OPTION_AND_SIZE_RX2.match(follow):
            found.append(("option_size", a, b, v))
        elif _OPTION_GIVEN.search(_WS.sub(" ", vt[max(s.start, a - 120) : a])):
            given.append((a, b, v))
    total_values = {f[3] for f in found if f[0] == "option_size"}
    for a, b, v in given:
        if len(given) == 1 or v in total_values:
            found.append(("option_size", a, b, v))
        else:
            found.append(("option_size_portion", a, b, v))
    seen_vals: set[tuple[str, float]] = set()
    for kind, a, b, v in sorted(found, key=lambda f: f[1]):
        if (kind, v) in seen_vals:
            continue
        seen_vals.add((kind, v))
        _emit(ctx, s, kind, (a, b), value=v, unit="shares", as_written=vt[a:b], party=_grantor(s, a))


_GRANTOR_RX1 = rx(r"(?:to be )?(?:sold|issued|granted) by ((?:the|each|such) [^,;.]{3,80}?)(?:\s+(?:is|are|at|to|hereunder|pursuant|as)\b|[,;.])")


def _grantor(s: Sentence, a: int) -> Optional[str]:
    vt = s.view.text
    lo, hi = _part_bounds(s, a)
    seg = vt[lo:hi]
    m = _GRANTOR_RX1.search(seg, a - lo)
    if m:
        ps = [x[2] for x in subject_parties(m.group(1) + " will")]
        if ps:
            return ps[0]
    return _party_at(s, a, forward=False)


_OPTION_SPECIFIC = rx(
    r"\b(?:Option(?:al)?|OPTION(?:AL)?) (?:Shares|Securities|Stock|Units|Notes|ADSs|Bonds|SHARES|SECURITIES)\b"
    r"|\b(?:Additional|ADDITIONAL) (?:Shares|Securities|Units|ADSs)\b|\bover-?allot"
)
_DELIVERY_EVENT = rx(r"^(?:after|following|from|of|subsequent to) (?:the )?(?:date (?:of|on which) )?(?:such |the |any |written |its |each )*(?:notice|exercise|election|option (?:shall )?(?:have|has) been exercised|exercis)", re.I)


_OPTION_WINDOWS_RX1 = re.compile(r"\bexpir\w*$|\bwithin (?:a period of )?$|\bexercisable\b[^.;]{0,30}$")
_OPTION_WINDOWS_RX2 = re.compile(r"earlier than (?:the )?$")
_OPTION_WINDOWS_RX3 = re.compile(r"earlier\s+than\s+(?:the\s+)?(\w+(?:-\w+)?)(?:\s+\(\d+\))?\s+(?:or|nor)\s+(?:later|more)\s+than\s+(?:the\s+)?$")
_OPTION_WINDOWS_RX4 = re.compile(r"\boption\b")
_OPTION_WINDOWS_RX5 = re.compile(r"\bUnderwriters?\b|\bRepresentatives?\b")
_OPTION_WINDOWS_RX6 = re.compile(r"thereafter\b")
_OPTION_WINDOWS_RX7 = re.compile(r"within|expire|not more than|up to|until")


def _option_windows(ctx: _Ctx, s: Sentence) -> None:
    """The period in which the option may be exercised and the window for
    delivering the option securities after notice of exercise."""
    t = s.text
    if not (_OPTION_SPECIFIC.search(t) or (_OPTION_WINDOWS_RX4.search(t) and _OPTION_WINDOWS_RX5.search(t))):
        return
    if not (ctx.offering or _OPTION_AND_SIZE_RX1.search(t)):
        return
    if not _OPTION_EXERCISE_CTX.search(t):
        return
    vt = s.view.text
    delivery: list[Placed] = []
    for p in _durations(s, {"day", "week", "month", "hour"}):
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        pre = _WS.sub(" ", _before(s, p.start, 60)).lower()
        ev = _norm(anchor or vt[p.end : min(s.end, p.end + 60)])
        ev_more = _norm(vt[p.end : min(s.end, p.end + 90)])
        if _OPTION_WINDOWS_RX1.search(pre) or not (
            _DELIVERY_EVENT.match(ev) or _DELIVERY_EVENT.match(ev_more) or _OPTION_WINDOWS_RX6.match(ev)
        ):
            if p.node.unit == "hour" or not (anchor or _OPTION_WINDOWS_RX7.search(pre)):
                continue
            _emit(ctx, s, "option_exercise_window", (p.start, end), value=count, unit=unit, anchor=anchor,
                  as_written=as_written, party="underwriters")
        else:
            delivery.append(p)
    if not delivery:
        return
    # a window: "earlier than two or later than ten business days after ...",
    # "not earlier than the second ... nor later than the fifth business day after ..."
    lows = [p for p in delivery if _OPTION_WINDOWS_RX2.search(_WS.sub(" ", _before(s, p.start, 40)).lower())]
    highs = [p for p in delivery if p not in lows]
    for p in highs or lows[-1:]:
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        mn = None
        start = p.start
        if lows and lows[0] is not p:
            mn = duration_count(lows[0].node)
            start = _phrase_start(s, lows[0].start, r"\b(?:not |nor )?earlier than")
        else:
            for q in s.of(Bound):
                b = q.node
                if b.relation == "range" and b.low is not None and (q.start <= p.start <= q.end + 3):
                    mn = float(b.low)
                    start = min(start, q.start)
        if mn is None:
            # "earlier than two or later than ten business days": the low end is a bare number
            m = _OPTION_WINDOWS_RX3.search(vt[max(s.start, p.start - 80) : p.start])
            if m:
                mn = _word_number(m.group(1))
                start = max(s.start, p.start - 80) + m.start()
        as_written = _span_text(s, start, end)
        _emit(ctx, s, "option_delivery_window", (start, end), value=count, min_=mn, unit=unit, anchor=anchor,
              as_written=as_written, party="underwriters")


_WORD_NUMS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}


_WORD_NUMBER_RX1 = re.compile(r"(\d+)(?:st|nd|rd|th)")
_WORD_NUMBER_RX2 = re.compile(r"[- ]")


def _word_number(w: str) -> Optional[float]:
    w = w.lower().strip()
    if w.isdigit():
        return float(w)
    m = _WORD_NUMBER_RX1.fullmatch(w)
    if m:
        return float(m.group(1))
    if w in _WORD_NUMS:
        return float(_WORD_NUMS[w])
    parts = _WORD_NUMBER_RX2.split(w)
    if len(parts) == 2 and parts[0] in _WORD_NUMS and parts[1] in _WORD_NUMS:
        return float(_WORD_NUMS[parts[0]] + _WORD_NUMS[parts[1]])
    return None


# ---------------------------------------------------------------------------
# Underwriter default
# ---------------------------------------------------------------------------

_DEFAULT_CTX = rx(
    r"\b(?:defaulting|non-defaulting|withdrawing) (?:Underwriters?|Initial Purchasers?|Purchasers?|Agents?)\b"
    r"|\b(?:Underwriters?|Initial Purchasers?|Purchasers?)(?: or (?:Underwriters|Initial Purchasers|Purchasers))? (?:shall |so |should )?(?:default|defaults|fail|fails|refuses?)\b"
    r"|\bdefaults? (?:by|of) (?:any|such|the|an|one or more) (?:\w+ )?(?:Underwriters?|Initial Purchasers?|Purchasers?)\b"
    r"|\bsuch default\b|\bdefault or defaults\b"
)
_CAP_CTX = rx(r"(?:obligated|required|obliged) to (?:purchase|take up|take) (?:Securities |Shares |Notes )?(?:in excess of|more than)|\bmaximums?\b", re.I)


_DEFAULT_CLAUSE_RX1 = re.compile(r"default", re.I)
_DEFAULT_CLAUSE_RX2 = re.compile(r"postpone", re.I)
_DEFAULT_CLAUSE_RX3 = re.compile(r"\bUnderwriters?\b")
_DEFAULT_CLAUSE_RX4 = re.compile(r"\bdefault", re.I)
_DEFAULT_CLAUSE_RX5 = rx(r" of (?:the |such )?(?:aggregate |total )?(?:number|principal amount|amount)[^,;]{0,120}")
_DEFAULT_CLAUSE_RX6 = re.compile(r"within|period of")


def _default_clause(ctx: _Ctx, s: Sentence) -> None:
    t = s.text
    if not (ctx.offering or _DEFAULT_CLAUSE_RX3.search(t)):
        return
    section_default = bool(_DEFAULT_CLAUSE_RX1.search(s.heading))
    if not (_DEFAULT_CTX.search(t) or (section_default and _DEFAULT_CLAUSE_RX4.search(t))):
        return
    vt = s.view.text
    for p in s.of(Ratio):
        v = ratio_value(p.node)
        if v is None:
            continue
        pre = _WS.sub(" ", _before(s, p.start, 100))
        if v > 1.0 or _CAP_CTX.search(pre[-70:]):
            kind = "default_purchase_cap"
        else:
            kind = "default_threshold"
        end = p.end
        m = _DEFAULT_CLAUSE_RX5.match(vt, p.end, s.end)
        qend = m.end() if m else end
        ps = max(s.start, _phrase_start(s, p.start))
        _emit(ctx, s, kind, (p.start, qend), value=v, unit="ratio", quote_range=_quote_range(s, ps, qend),
              as_written=vt[p.start:p.end], party="underwriters")
    for p in _durations(s, {"hour", "day"}):
        pre = _WS.sub(" ", _before(s, p.start, 60)).lower()
        if _DEFAULT_CLAUSE_RX2.search(_before(s, p.start, 200)):
            continue
        if p.node.unit == "day" and not _DEFAULT_CLAUSE_RX6.search(pre):
            continue
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        party = _cure_party(s, p)
        _emit(ctx, s, "default_cure_period", (p.start, end), value=count, unit=unit, anchor=anchor,
              as_written=as_written, party=party)


def _cure_party(s: Sentence, p: Placed) -> Optional[str]:
    vt = s.view.text
    lo, hi = _part_bounds(s, p.start)
    # clause-level: the nearest subject before the period in the same clause ("then the Company ... shall be entitled to a further period of")
    cl = max(vt.rfind(", then", lo, p.start), vt.rfind(" then ", lo, p.start))
    if cl != -1:
        subs = subject_parties(vt[cl:p.start])
        if subs:
            return subs[-1][2]
    after = subject_parties(vt[p.end:min(hi, p.end + 160)])
    if after:
        return after[0][2]
    return None


_PHRASE_START_RX1 = re.compile(r"[,;(]\s*")


def _phrase_start(s: Sentence, a: int, pattern: Optional[str] = None) -> int:
    """Start of the phrase holding ``a``: the last match of ``pattern`` within 60
    characters before it, else after the last "," or "(" there."""
    vt = s.view.text
    lo = max(s.start, a - 60)
    if pattern:
        best = None
        for m in re.finditer(pattern, vt[lo:a + 1]):
            best = lo + m.start()
        if best is not None:
            return best
        return a
    best = None
    for m in _PHRASE_START_RX1.finditer(vt[lo:a]):
        best = lo + m.end()
    return best if best is not None else a


_POSTPONE = rx(r"\bpostpone", re.I)
_CLOSING_WORDS = rx(r"Time of Delivery|Closing Date|Delivery Date|Closing Time|Settlement Date|\bclosing\b|Option Closing|Date of Delivery", re.I)


def _postponement(ctx: _Ctx, s: Sentence) -> None:
    if not ctx.offering:
        return
    vt = s.view.text
    for m in _POSTPONE.finditer(vt, s.start, s.end):
        if not _CLOSING_WORDS.search(vt, m.start(), min(s.end, m.start() + 80)):
            continue
        for p in _durations(s, {"day", "week", "hour"}):
            if p.start < m.start() or p.start > m.start() + 160:
                continue
            count, unit, anchor, as_written, end = _dur_fields(s, p)
            party = _party_at(s, m.start(), forward=False)
            _emit(ctx, s, "closing_postponement", (p.start, end), value=count, unit=unit,
                  anchor=anchor, as_written=_span_text(s, m.start(), end), party=party,
                  quote_range=_quote_range(s, _phrase_start(s, m.start()), end))
            break


# ---------------------------------------------------------------------------
# Deadlines: 424(b) filing, earnings statement, reports, notices, closing
# ---------------------------------------------------------------------------

_RULE_424 = rx(r"\bRule 424\b|\b424\(b\)", re.I)
_FILE = rx(r"\bfil(?:e|ed|ing)\b", re.I)


_FILING_DEADLINE_RX1 = re.compile(r"not later than|no later than|within|on or before|prior to|by|on|earlier of|later of|\(a\)|\(b\)|\(a\) |\(b\) ")


def _filing_deadline(ctx: _Ctx, s: Sentence) -> None:
    vt = s.view.text
    refs = [p for p in s.of(ExternalRef) if p.node.number.startswith("424")]
    spots = [p.start for p in refs] or [m.start() for m in _RULE_424.finditer(vt, s.start, s.end)]
    if not spots:
        return
    for spot in spots:
        lo, hi = _part_bounds(s, spot)
        if not _FILE.search(vt, lo, hi):
            continue
        for p in _durations(s, {"day", "hour"}):
            if not (lo <= p.start < hi):
                continue
            pre = _WS.sub(" ", _before(s, p.start, 120)).lower()
            if not _FILING_DEADLINE_RX1.search(pre):
                continue
            count, unit, anchor, as_written, end = _dur_fields(s, p)
            party = _party_at(s, spot, forward=False) or "company"
            _emit(ctx, s, "filing_deadline", (p.start, end), value=count, unit=unit, anchor=anchor,
                  as_written=as_written, party=party)
        ctx.seen.add(("424part", lo))


_EARNINGS_STMT = rx(r"earnings statements?", re.I)


_EARNINGS_STATEMENT_RX1 = re.compile(r"11\(a\)|Rule 158|security ?holders|stockholders|shareholders", re.I)
_EARNINGS_STATEMENT_RX2 = rx(r"not later than (?:the )?([A-Z][\w-]*(?: [A-Z][\w-]*){0,3} Date)")


def _earnings_statement(ctx: _Ctx, s: Sentence) -> None:
    vt = s.view.text
    if not _EARNINGS_STMT.search(s.text):
        return
    if not _EARNINGS_STATEMENT_RX1.search(s.text):
        return
    found = _earnings_durations(ctx, s)
    if found:
        return
    # "not later than the Availability Date (as defined below)": the defined date
    m = _EARNINGS_STATEMENT_RX2.search(s.text)
    if m and s.clause_sentences:
        term = m.group(1)
        for other in s.clause_sentences[s.index + 1 : s.index + 4]:
            if re.search(re.escape(term).replace(r"\ ", r"\s+") + r"[\"\u201d]?\s+(?:means|shall mean)", other.text, re.I):
                _earnings_durations(ctx, other, party_from=s)


_EARNINGS_DURATIONS_RX1 = re.compile(r"period of (?:at least |not less than )?$|covering (?:a |the )?(?:period of )?(?:at least )?$|for (?:a|the) $")
_EARNINGS_DURATIONS_RX2 = re.compile(r"\b(?:beginning|commencing|starting)\b[^.;]{0,30}$")
_EARNINGS_DURATIONS_RX3 = re.compile(r"(?<![\w.,$])(\d{2,4})\s+or,?\s+if\b[^;]*$")
_EARNINGS_DURATIONS_RX4 = re.compile(r"^\s*(?:-month |month )?period")
_EARNINGS_DURATIONS_RX5 = re.compile(r"^-month")


def _earnings_durations(ctx: _Ctx, s: Sentence, party_from: Optional[Sentence] = None) -> bool:
    vt = s.view.text
    found = False
    for p in _durations(s, {"day", "month", "year", "week"}):
        pre = _WS.sub(" ", _before(s, p.start, 40)).lower()
        if _EARNINGS_DURATIONS_RX1.search(pre):
            continue
        # "covering a twelve-month period beginning not later than the first day of ...": when the
        # covered period starts, not when the statement is due
        if _EARNINGS_DURATIONS_RX2.search(pre):
            continue
        post = _after(s, p.end, 20).lower()
        if _EARNINGS_DURATIONS_RX4.search(post) or _EARNINGS_DURATIONS_RX5.search(post):
            continue
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        src = party_from or s
        party = _party_at(src, src.start + 1, forward=True) or "company"
        # "until at least 410 or, if the fourth quarter ... is the last fiscal quarter ..., 455 days after":
        # the bare number before "or, if" is the deadline of the ordinary case
        lo = max(s.start, p.start - 260)
        alt = None
        for m in _EARNINGS_DURATIONS_RX3.finditer(vt[lo : p.start]):
            alt = m
        if alt is not None:
            a0 = lo + alt.start(1)
            _emit(ctx, s, "earnings_statement_deadline", (a0, end), value=float(alt.group(1)), unit=unit,
                  anchor=anchor, as_written=_norm(vt[a0 : lo + alt.end(1)]) + " " + unit.replace("_", " ") + "s " + (anchor or ""),
                  party=party, quote_range=_quote_range(s, a0, end))
        _emit(ctx, s, "earnings_statement_deadline", (p.start, end), value=count, unit=unit, anchor=anchor,
              as_written=as_written, party=party)
        found = True
    return found


# What is reported and the verb, in any case:
#   financial statements?|balance sheets?|statements? of (?:income|operations|cash flows?)
#   |annual reports?|quarterly reports?|\breports?\b|\b10-K\b|\b10-Q\b
#   \bfurnish|\bdeliver|\bprovide|\bmake available|\bsend|\bsubmit|\bfile\b
# each written to begin with the set of its first characters (with the long s that a
# case-insensitive "s" also takes), each branch then taken after its own character: the
# engine skips through a sentence to those characters (the same matches)
_REPORT_WHAT = rx(
    r"[FfBbSs\u017fAaQqRr1](?i:(?<=[Ff])inancial statements?|(?<=[Bb])alance sheets?"
    r"|(?<=[Ss\u017f])tatements? of (?:income|operations|cash flows?)|(?<=[Aa])nnual reports?|(?<=[Qq])uarterly reports?"
    r"|(?<=[Rr])(?<!\w[Rr])eports?\b|(?<=1)(?<!\w1)0-K\b|(?<=1)(?<!\w1)0-Q\b)"
)
_REPORT_VERB = rx(
    r"[FfDdPpMmSs\u017f](?<!\w.)(?i:(?<=[Ff])urnish|(?<=[Dd])eliver|(?<=[Pp])rovide|(?<=[Mm])ake available"
    r"|(?<=[Ss\u017f])end|(?<=[Ss\u017f])ubmit|(?<=[Ff])ile\b)"
)
# the words (lower case) a match of _REPORT_WHAT begins with
_REPORT_WHAT_WORDS = ("financial", "balance", "statement", "annual", "quarterly", "report", "10-k", "10-q")
_PERIOD_END = rx(r"(?:end|close) of (?:each|any|the|such|its) (?:\w+ )?(?:fiscal|calendar|financial)? ?(?:year|quarter|month)", re.I)


_REPORTING_RX1 = re.compile(r"^\s*(?:after|following|from)\s+(?:the\s+)?")
_REPORTING_RX2 = rx(r" (?:after|following|from) (?:the )?(?:end|close) of [^,;()]{3,80}")


def _reporting(ctx: _Ctx, s: Sentence) -> None:
    if _EARNINGS_STMT.search(s.text):
        return
    # (a match of _REPORT_WHAT begins with one of its words: it is looked for from the first)
    q = _first_word(s, _REPORT_WHAT_WORDS)
    if q is None or not (_REPORT_WHAT.search(s.text, q - s.start) and _REPORT_VERB.search(s.text)):
        return
    vt = s.view.text
    for p in _durations(s, {"day", "month", "week"}):
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        after = vt[p.end : min(s.end, p.end + 120)]
        if not (anchor and _PERIOD_END.search(anchor)) and not _PERIOD_END.match(_REPORTING_RX1.sub("", after)):
            continue
        if anchor is None:
            m = _REPORTING_RX2.match(vt, p.end, s.end)
            if m:
                anchor = _norm(m.group(0))
                as_written = _span_text(s, p.start, m.end())
                end = m.end()
        party = _party_at(s, p.start, forward=False)
        _emit(ctx, s, "reporting_deadline", (p.start, end), value=count, unit=unit, anchor=anchor,
              as_written=as_written, party=party)


_NOTICE_AFTER = rx(r"^(?:'s|\u2019s|s'|s\u2019|'|\u2019)? ?(?:\(\d+\) )?(?:days?'?s?|hours?'?s?|business days?'?s?)?\W{0,3}(?:prior |advance |written |prior written |advance written |written advance |previous )*notice\b", re.I)
_NOTICE_BEFORE = rx(r"(?:notice|notify|notified)[^.;]{0,80}(?:at least|not less than|no less than|no fewer than|not fewer than|a minimum of)\s*$", re.I)
_DEEMED = rx(r"deemed (?:to have been |to be )?(?:duly )?(?:given|delivered|received|made|effective|served)|(?:shall|will) be effective", re.I)
# \bmail|\bdeposit|\bpost(?:ed|age)\b|\bcourier|\bsent\b|\bdispatch|\bairmail|\bovernight (any case),
# begun with the set of its first letters (as _REPORT_WHAT)
_MAIL = re.compile(
    r"[MmDdPpCcSs\u017fAaOo](?<!\w.)(?i:(?<=[Mm])ail|(?<=[Dd])eposit|(?<=[Pp])ost(?:ed|age)\b|(?<=[Cc])ourier"
    r"|(?<=[Ss\u017f])ent\b|(?<=[Dd])ispatch|(?<=[Aa])irmail|(?<=[Oo])vernight)"
)


_NOTICES_RX1 = re.compile(r"notice", re.I)
_NOTICES_RX2 = re.compile(r"notice\s*$", re.I)
_NOTICES_RX3 = rx(r" (?:after|following|from) ([^,;()]{3,80})")
_NOTICES_RX4 = rx(r"[^.;]{0,80}?notice(?: thereof)?(?: (?:of|to) [^,;()]{3,80})?")


def _notices(ctx: _Ctx, s: Sentence) -> None:
    vt = s.view.text
    deemed = None  # whether the sentence says when a notice is deemed given: read when a period is followed by mailing words
    # (the fields of a duration are read only for one that states a notice)
    for p in _durations(s, {"day", "hour", "week", "month"}):
        tail = vt[p.end : min(s.end, p.end + 60)]
        own_tail = vt[p.start:p.end]
        pre = _before(s, p.start, 100)
        mail = _MAIL.search(vt, p.end, min(s.end, p.end + 80))
        if mail and deemed is None:
            deemed = bool(_DEEMED.search(s.text))
        if mail and deemed:
            count, unit, anchor, as_written, end = _dur_fields(s, p)
            if anchor is None:
                m = _NOTICES_RX3.match(vt, p.end, s.end)
                if m:
                    anchor = _norm(m.group(0))
                    as_written = _span_text(s, p.start, m.end())
                    end = m.end()
            _emit(ctx, s, "notice_deemed_given", (p.start, end), value=count, unit=unit, anchor=anchor,
                  as_written=as_written, party=None)
            continue
        if _NOTICE_AFTER.match(tail) or _NOTICES_RX2.search(own_tail) or (
            # _NOTICE_BEFORE ends with "at least", "... than" or "a minimum of"
            pre.rstrip()[-6:].casefold().endswith(("least", "than", "of")) and _NOTICE_BEFORE.search(_WS.sub(" ", pre))
        ):
            count, unit, anchor, as_written, end = _dur_fields(s, p)
            nm = _NOTICES_RX1.search(tail)
            qend = p.end + nm.end() if (nm and _NOTICE_AFTER.match(tail)) else end
            if anchor is None and _NOTICE_AFTER.match(tail):
                m = _NOTICES_RX4.match(vt, p.end, s.end)
                if m:
                    qend = m.end()
            party = _party_at(s, p.start, forward=False)
            _emit(ctx, s, "notice_period", (p.start, qend), value=count, unit=unit, anchor=anchor,
                  as_written=_span_text(s, p.start, qend), party=party)
    # "at least 20 day's prior written notice": a bound whose unit the grammar left unread
    for q in s.of(Bound):
        b = q.node
        if b.low is None or b.relation not in ("at_least", "not_less_than", "no_less_than"):
            continue
        if any(isinstance(x.node, Duration) and 0 <= x.start - q.end <= 2 for x in s.nodes):
            continue
        m = _BARE_UNIT.match(vt, q.end, s.end)
        if not m or not _NOTICE_AFTER.match(vt[m.end() : min(s.end, m.end() + 60)]):
            continue
        nm = _NOTICES_RX1.search(vt[m.end() : min(s.end, m.end() + 60)])
        qend = m.end() + nm.end()
        basis = (m.group(1) or "").lower()
        unit = "hour" if m.group(2).lower().startswith("hour") else {"business": "business_day", "calendar": "calendar_day"}.get(basis, "day")
        _emit(ctx, s, "notice_period", (q.start, qend), value=float(b.low), unit=unit,
              as_written=_span_text(s, q.start, qend), party=_party_at(s, q.start, forward=False))


_BARE_UNIT = re.compile(r"\s*(?:(business|calendar)\s+)?(days?|hours?)(?:'s|s'|'|\u2019s|s\u2019|\u2019)?(?=\s)", re.I)


_CLOSING_SENT = rx(
    r"(?:delivery of and payment for|payment for and delivery of|time and date of (?:such )?delivery and payment|"
    r"(?:First |Initial |Option |Optional )?Closing Date\W{0,3} (?:shall|will) be|Time of Delivery|Closing Time|Settlement Date)",
    re.I,
)


_CLOSING_DATE_RX1 = re.compile(r"\b(?:dated|as of)\b")
_CLOSING_DATE_RX2 = re.compile(r"\bon $|\bon or about $|, $")
_CLOSING_DATE_RX3 = re.compile(r"\bon (?:the )?$")


def _closing_date(ctx: _Ctx, s: Sentence) -> None:
    """The first closing: "on ___________, 1999" (a blank date: value None), "on
    the third full business day ... following the date of the Terms Agreement"."""
    if not ctx.offering:
        return
    if not _CLOSING_SENT.search(s.text):
        return
    vt = s.view.text
    done = False
    for p in s.of(DateNode):
        pre = _WS.sub(" ", _before(s, p.start, 60)).lower()
        if not _CLOSING_DATE_RX2.search(pre):
            continue
        if _CLOSING_DATE_RX1.search(pre):
            continue
        d = p.node
        _emit(ctx, s, "closing_date", (p.start, p.end), value=d.iso, unit="date", as_written=vt[p.start:p.end],
              party=None)
        done = True
        break
    if done:
        return
    for p in _durations(s, {"day"}):
        if not p.node.ordinal:
            continue
        pre = _WS.sub(" ", _before(s, p.start, 30)).lower()
        if not _CLOSING_DATE_RX3.search(pre):
            continue
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        _emit(ctx, s, "closing_date", (p.start, end), value=count, unit=unit, anchor=anchor, as_written=as_written)
        break


# ---------------------------------------------------------------------------
# Warrants
# ---------------------------------------------------------------------------

_WARRANT_PURCHASE = rx(
    r"(?:entitled|right) to (?:subscribe for and )?purchase|Warrant to purchase|exercisable (?:for|into)|purchase (?:up to |a maximum of )",
    re.I,
)
_PRICE_CTX = rx(r"(?:exercise|purchase|warrant) price|at a price of|price per share|per share", re.I)
_EXPIRE_CTX = rx(r"Expiration Date|\bexpir|\bvoid after\b|\bterminat", re.I)
_NET_EXERCISE = rx(
    r"in lieu of exercising|net (?:issue|issuance|exercise)|cashless(?:ly)? exercis|without (?:the )?payment of (?:any )?(?:cash|the (?:aggregate )?(?:Stock |Warrant |Exercise )?(?:Purchase )?Price)|"
    r"(?:convert|exchange) (?:this|the) Warrant",
    re.I,
)
# the holder is given the right: "the Holder may elect", "in lieu of exercising this Warrant"
_NET_GRANT = rx(
    r"\bin lieu of exercising\b|\b(?:Holder|holder|Registered Owner|Warrantholder)s?\b[^.;]{0,80}?\b(?:may|shall have the right to|is entitled to|shall be entitled to|has the right to)\b"
    r"|\bright to (?:convert|exchange|exercise)\b|\bat the (?:option|election) of the (?:Holder|holder)",
    re.I,
)
_TIME_OF_DAY = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|A\.\s?M\.|P\.\s?M\.|am\b|pm\b|AM\b|PM\b|o'clock)(?:\s*,?\s*\([^()]{1,40}\)|\s*,?\s*(?:[A-Z][a-z]+\s+){1,3}[Tt]ime)?"
    r"|\bnoon\b|\bmidnight\b"
)
# the words before an expiration date (lower case; "time" stands for a time of day)
_EXPIRE_BEFORE = (
    r"(?:void after|expire[sd]? (?:on|at)|until|on or before|on or prior to|expiring on|terminate[sd]? on|up to and including"
    r"|(?:at any time )?(?:before|prior to) (?:time,? )?(?:on|,)|through|and including)[^.;]{0,40}$"
)


_EXPIRE_BEFORE_RX = re.compile(_EXPIRE_BEFORE)


class _Amount:
    """A dollar amount the grammar left untyped ("$8.93" inside words it could not read)."""

    def __init__(self, text: str, value: float):
        self.text = text
        self.value = value
        self.numeral_value = value
        self.words_value = None


_DOLLARS = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,])")


def _moneys(s: Sentence) -> list[Placed]:
    out = [p for p in s.nodes if isinstance(p.node, Money)]
    for m in _DOLLARS.finditer(s.view.text, s.start, s.end):
        if any(p.start <= m.start() < p.end for p in out):
            continue
        out.append(Placed(_Amount(m.group(0), float(m.group(1).replace(",", ""))), m.start(), m.end()))
    out.sort(key=lambda p: p.start)
    return out


_WARRANT_RX1 = re.compile(r"\bWarrants?\b")
_WARRANT_RX2 = re.compile(r"\bthis Warrant\b")
_WARRANT_RX3 = re.compile(r"par value\W*$")
_WARRANT_RX4 = re.compile(r"\bexercis")
_WARRANT_RX5 = re.compile(r"price (?:of|equal to|is) [^.;$]{0,60}$")
_WARRANT_RX6 = re.compile(r"\W{0,3}(?:per|for\s+each|a)\s+share", re.I)
_WARRANT_RX7 = re.compile(r"expiration date", re.I)
_WARRANT_RX8 = re.compile(r"^\W{0,3}(?:per|for each|a) share")
_WARRANT_RX9 = re.compile(r"price")


def _warrant(ctx: _Ctx, s: Sentence) -> None:
    t = s.text
    if not (ctx.warrant or _WARRANT_RX1.search(t)):
        return
    vt = s.view.text
    if _WARRANT_PURCHASE.search(t):
        counts = _share_counts(s)
        # every count the warrant is said to cover: the first count after each
        # "entitled to purchase" / "exercisable for" in the same part of the sentence
        taken = set()
        for wm in _WARRANT_PURCHASE.finditer(vt, s.start, s.end):
            lo, hi = _part_bounds(s, wm.start())
            for a, b, v in counts:
                if a >= wm.end() and a < min(hi, wm.end() + 200):
                    if v is not None and a not in taken:
                        taken.add(a)
                        _emit(ctx, s, "warrant_shares", (a, b), value=v, unit="shares", as_written=vt[a:b], party="company")
                    break
    if _PRICE_CTX.search(t) and (ctx.warrant or _WARRANT_RX2.search(t)):
        for p in _moneys(s):
            post = _after(s, p.end, 40).lower()
            pre = _WS.sub(" ", _before(s, p.start, 40)).lower()
            if _WARRANT_RX3.search(pre):
                continue
            if (_WARRANT_RX8.search(post) and _WARRANT_RX9.search(pre)) or _WARRANT_RX5.search(pre):
                v = p.node.value if p.node.value is not None else (p.node.numeral_value or p.node.words_value)
                if v is None:
                    continue
                fs = _phrase_start(s, p.start, r"\b(?:at\s+a\s+)?(?:price|Price)\b")
                pm = _WARRANT_RX6.match(vt[p.end : p.end + 20])
                fe = p.end + pm.end() if pm else p.end
                _emit(ctx, s, "warrant_exercise_price", (fs, fe), value=float(v), unit="usd",
                      as_written=vt[p.start:p.end], party="holder", quote_range=_quote_range(s, fs, fe))
                break
    if _EXPIRE_CTX.search(t) or (ctx.warrant and _WARRANT_RX4.search(t)):
        for p in s.of(DateNode):
            if not p.node.iso:
                continue
            # "5:00 p.m. (Pacific time) on": the points of "p.m." do not end the phrase
            pre = _TIME_OF_DAY.sub("TIME", _WS.sub(" ", _before(s, p.start, 100))).lower()
            post = _after(s, p.end, 40)
            if _WARRANT_RX7.search(post) or _EXPIRE_BEFORE_RX.search(pre):
                _emit(ctx, s, "warrant_expiration", (p.start, p.end), value=p.node.iso, unit="date",
                      as_written=vt[p.start:p.end])
                break
    if _NET_EXERCISE.search(t) and _NET_GRANT.search(t):
        key = ("net", s.number)
        if key not in ctx.seen:
            ctx.seen.add(key)
            m = _NET_EXERCISE.search(vt, s.start, s.end)
            _emit(ctx, s, "net_exercise", (m.start(), m.end()), value="net exercise", party="holder",
                  as_written=m.group(0))


_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTH_RX = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
    r"JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)"
# the day the warrant is issued: "this 30 day of September, 1997" (the testimonium),
# "Dated: June 30, 2025", "Issue Date: ...", "Date of Issuance: ..."
_ISSUE_DATE = re.compile(
    r"\bthis\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+day\s+of\s+" + _MONTH_RX.replace("month", "m1") + r",?\s+(?P<y1>\d{4})"
    r"|(?:^|\n)[ \t]*(?:Dated|DATED|(?:Original\s+)?Issue\s+Date|ISSUE\s+DATE|Date\s+of\s+(?:Issuance|Issue)|Issuance\s+Date)(?:\s+as\s+of)?\s*[:,]?\s*"
    + _MONTH_RX.replace("month", "m2") + r"\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
)
_TITLE_SHARES = re.compile(
    r"\bWARRANTS?\s+(?:TO\s+PURCHASE|FOR\s+THE\s+PURCHASE\s+OF|EXERCISABLE\s+FOR)\s+(?:A\s+MAXIMUM\s+OF\s+|UP\s+TO\s+)?"
    r"(?P<n>\d{1,3}(?:,\d{3})+|\d{2,9})\s+SHARES\b",
    re.I,
)


def _emit_at(ctx: _Ctx, kind: str, a: int, b: int, *, value: Any, unit: Optional[str], party: Optional[str] = None) -> None:
    """An obligation read from the text outside the clause reader (a title, the
    testimonium): placed at [a, b), quoted by its own line."""
    vt = ctx.view.text
    line, col = ctx.view.linecol(a)
    key = (kind, line, col, value, None, party)
    if key in ctx.seen:
        return
    ctx.seen.add(key)
    ls = vt.rfind("\n", 0, a) + 1
    le = vt.find("\n", b)
    le = len(vt) if le == -1 else le
    quote = _norm(vt[ls:le] if b - ls < QUOTE_LIMIT else vt[a:b])[:QUOTE_LIMIT]
    section = None
    for sec, _parents, ca, cb, _c in iter_clauses(ctx.doc, ctx.view):
        if ca <= a < cb:
            section = sec.number or None
            break
    ctx.out.append(Obligation(kind=kind, party=party, value=value, unit=unit, as_written=_norm(vt[a:b]),
                              section=section, line=line, column=col, quote=quote))


def _warrant_document(ctx: _Ctx) -> None:
    """What a warrant states outside its clauses' sentences: the number of shares in
    its title, and its issue date."""
    vt = ctx.view.text
    head = vt[:6000]
    for m in _TITLE_SHARES.finditer(head):
        _emit_at(ctx, "warrant_shares", m.start("n"), m.end(), value=float(m.group("n").replace(",", "")),
                 unit="shares", party="company")
    for m in _ISSUE_DATE.finditer(vt):
        month = _MONTHS[(m.group("m1") or m.group("m2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y1") or m.group("y2"))
        try:
            iso = _dt.date(year, month, day).isoformat()
        except ValueError:
            continue
        a = m.start("d1") if m.group("d1") else m.start("m2")
        if m.group("d1"):
            a = vt.rfind("this", m.start(), a)
        _emit_at(ctx, "warrant_issue_date", a, m.end(), value=iso, unit="date")


_PRICING_PERIOD_RX1 = re.compile(r"price|average|closing|VWAP|bid", re.I)
_PRICING_PERIOD_RX2 = rx(r" (?:prior to|before|preceding|immediately preceding|ending on|after|following) [^,;()]{3,80}")


def _pricing_period(ctx: _Ctx, s: Sentence) -> None:
    if not _PRICING_PERIOD_RX1.search(s.text):
        return
    for p in _durations(s, {"day"}):
        if p.node.basis != "trading":
            continue
        count, unit, anchor, as_written, end = _dur_fields(s, p)
        if anchor is None:
            m = _PRICING_PERIOD_RX2.match(s.view.text, p.end, s.end)
            if m:
                anchor = _norm(m.group(0))
                as_written = _span_text(s, p.start, m.end())
                end = m.end()
        _emit(ctx, s, "pricing_period", (p.start, end), value=count, unit=unit, anchor=anchor, as_written=as_written)


# ---------------------------------------------------------------------------
# Boilerplate: governing law, jurisdiction, counterparts, survival, caps
# ---------------------------------------------------------------------------

_LAWS_OF = (
    r"\b(?:the )?(?:internal |substantive |domestic )?laws?(?: and decisions)?(?: ?\([^()]{0,100}\))?(?:,[^,.;]{0,100},)? of "
    r"(?:the )?(?:(?:State|Commonwealth|Province) of )?(?P<state>[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}|[A-Z]+(?: [A-Z]+){0,2})"
)
# "shall be governed by and construed in accordance with the laws of the State of New York",
# "construed and interpreted under the internal laws (...) of the State of California"
_GOV = rx(
    r"\b(?:governed|construed|interpreted|enforced|controlled)\b[^.;]{0,160}?\b(?:by|under|with|to)\b,? (?:[\w-]+ ){0,3}?" + _LAWS_OF.replace("\\b(?:the )?", "(?:the )?", 1),
    re.I,
)
# "The laws of the Commonwealth of Virginia shall govern all matters arising out of ..."
_GOV_LAW_FIRST = rx(_LAWS_OF + r"[^.;]{0,120}?\b(?:shall|will) govern\b", re.I)
_PH_WILL_GOVERN = re.compile(r"(?:shall|will)\s+govern")
_GOV_SUBJECT = rx(
    r"\b(?:this|the|such|each|any) (?:[\w-]+ ){0,4}(?:Agreement|Warrants?|Certificates?|Indenture|Notes?|Securities|Guarantee|Plan|Amendment|"
    r"instrument|Contract|Lease|Debentures?|Bonds?|Letter|transactions?|rights (?:and obligations )?of the parties|disputes?|claims?|"
    r"Documents?|provisions)"
    r"\b[^.;]{0,160}?\b(?:shall|will|is|are)(?: be)?(?: in all respects)? (?:governed|construed|interpreted|enforced)",
    re.I,
)
# ("\bgoverned by ...": the word first, its boundary checked after it, so the engine skips to it)
_GOV_ADJ = rx(r"governed(?<!\wgoverned) by(?: and construed in accordance with)? (?:the )?(?P<state>[A-Z][a-z]+(?: [A-Z][a-z]+)?) law\b")
_STATES = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho
    illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi
    missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia
    washington wisconsin wyoming ontario quebec alberta manitoba saskatchewan england bermuda""".split()
)
_STATES2 = ("new york", "new jersey", "new hampshire", "new mexico", "north carolina", "north dakota", "south carolina",
            "south dakota", "rhode island", "west virginia", "district of columbia", "british columbia",
            "cayman islands", "england and wales", "hong kong", "nova scotia", "new brunswick", "united states", "puerto rico")


def _state_name(raw: str) -> Optional[str]:
    r = _WS.sub(" ", raw).strip().lower()
    for two in _STATES2:
        if r.startswith(two):
            return two.title().replace(" And ", " and ").replace(" Of ", " of ")
    w = r.split(" ")[0]
    if w in _STATES:
        return w.title()
    return None


# (?:submits?|consents?|agrees?|irrevocably submits?)[^.;]{0,40}?to (?:the )?(?P<excl>...)?...jurisdiction of ...
# in any case, begun with the set of its first letters (as _REPORT_WHAT; a case-insensitive
# "i" also takes a dotted capital I and a dotless i)
_JURIS = rx(
    r"[Ss\u017fCcAaIi\u0130\u0131](?i:(?:(?<=[Ss\u017f])ubmits?|(?<=[Cc])onsents?|(?<=[Aa])grees?|(?<=[Ii\u0130\u0131])rrevocably submits?)"
    r"[^.;]{0,40}?to (?:the )?(?P<excl>non-?exclusive |exclusive )?(?:personal )?jurisdiction of (?P<forum>[^.;]{5,160}?)"
    r"(?= in any | for (?:the )?purposes?| with respect| over any|[.;]| and (?:waives?|agrees?)))"
)
_COUNTERPARTS = rx(
    r"(?:executed|signed)(?: and delivered)?(?: by [^.;]{0,80}?)? (?:in|into) (?:any number of |one or more |two or more |several |separate |multiple |a number of |\w+ )?(?:separate )?counterparts",
    re.I,
)
_SURVIVE = rx(
    r"\b(?:shall|will|to|SHALL|WILL) (?:survive|SURVIVE) (?:the |THE )?(?P<event>[^.;,]{3,120}?)(?=[.;,]| and (?:shall|will)| regardless)"
    r"|\b(?:survive|SURVIVE) (?:the )?(?P<event2>(?:delivery|closing|termination|exercise|expiration|payment)[^.;,]{0,100}?)(?=[.;,]| and (?:shall|will)| regardless)",
)  # case-sensitive: "Provisions to Survive Termination" is a heading (or a table of contents), not a clause
_SURVIVE_WHAT = rx(r"representations|warranties|indemnit|agreements|obligations|covenants|rights|provisions|Sections?", re.I)
# a limit on a party's liability or indemnity, ending right before the amount:
# "the liability of the Guarantor hereunder shall be limited to a maximum amount not to exceed $",
# "in no event shall the Contractor's aggregate liability under this Agreement exceed $".
# "Liability" with a capital is a defined amount ("Letter of Credit Liability"), not a cap.
_CAP_MONEY = re.compile(
    r"(?:\b(?:aggregate|total|maximum|entire|cumulative)\s+)?(?:\bliability|\bobligations?\s+to\s+indemnify|\bindemnification\s+obligations?|\bindemnity\s+obligations?)"
    r"(?:\s+of\s+[^.;$]{1,60}?)?(?:\s+(?:under|pursuant\s+to|with\s+respect\s+to|for|in\s+respect\s+of|arising\s+(?:out\s+of|under))[^.;$]{0,100}?)?"
    r"\s+(?:shall|will)\s+(?:not|in\s+no\s+event|not\s+in\s+any\s+event)\s+(?:in\s+the\s+aggregate\s+)?exceed\s*$"
    r"|(?:\b(?:aggregate|total|maximum|entire|cumulative)\s+)?\bliability(?:\s+of\s+[^.;$]{1,60}?)?[^.;$]{0,100}?\s+(?:shall|will)\s+be\s+limited\s+to"
    r"(?:\s+(?:a\s+maximum\s+amount|an\s+amount|the\s+amount)\s+(?:not\s+to\s+exceed|of|equal\s+to))?\s*$"
    r"|\b(?:[Ii]n\s+no\s+event|[Uu]nder\s+no\s+circumstances)\s+(?:shall|will)\s+(?:the\s+|any\s+|its\s+|such\s+)?[^.;$]{0,60}?"
    r"(?:\bliability|\bobligations?\s+to\s+indemnify|\bindemnification\s+obligations?)[^.;$]{0,100}?\s+exceed\s*$"
)
_CONTRIB_CAP = rx(
    r"(?:no|any|each|such) (?:Underwriter|Initial Purchaser|Agent|Purchaser)s? (?:shall|will) (?:not )?be required to contribute (?:any amount )?in excess of",
    re.I,
)


_BOILERPLATE_RX1 = re.compile(r"governing law|applicable law|choice of law", re.I)
_BOILERPLATE_RX2 = re.compile(r"\b(?:State|Commonwealth|Province)\s+of\s+(?:the\s+)?([A-Za-z]+(?:\s+[A-Za-z]+){0,2})", re.I)


# the words (lower case) a match of _GOV, _JURIS, _COUNTERPARTS begins with
_GOV_WORDS = ("governed", "construed", "interpreted", "enforced", "controlled")
_JURIS_WORDS = ("submit", "consent", "agree", "irrevocably")
_COUNTERPARTS_WORDS = ("executed", "signed")
# characters a case-insensitive pattern takes for an ASCII letter although str.lower()
# does not turn them into it (dotted and dotless i, long s, Kelvin sign)
_CASE_TRAPS = ("\u0130", "\u0131", "\u017f", "\u212a")


def _aligned_lower(view: TextView) -> Optional[str]:
    """``view.lower`` when it has the text's offsets and holds each ASCII word (lower
    case) exactly where a case-insensitive pattern finds it in the text; else None."""
    got = view.__dict__.get("_aligned_lower")
    if got is None:
        t = view.text
        low: Optional[str] = view.lower
        if len(low) != len(t) or (not t.isascii() and any(ch in t for ch in _CASE_TRAPS)):
            low = None
        got = view.__dict__["_aligned_lower"] = (low,)
    return got[0]


def _first_word(s: Sentence, words: tuple) -> Optional[int]:
    """Where a case-insensitive pattern that begins with one of ``words`` can first
    match in sentence ``s`` (its start when that cannot be told; None: nowhere)."""
    low = _aligned_lower(s.view)
    if low is None:
        return s.start
    q = None
    for w in words:
        i = low.find(w, s.start, s.end)
        if i != -1 and (q is None or i < q):
            q = i
    return q


def _boilerplate(ctx: _Ctx, s: Sentence, lt: str) -> None:
    vt = s.view.text
    m = None
    if "govern" in lt or "construed" in lt or "interpreted" in lt or "enforced" in lt:
        q = _first_word(s, _GOV_WORDS)
        m = _GOV.search(vt, q, s.end) if q is not None else None
        if m and not (_BOILERPLATE_RX1.search(s.heading) or _GOV_SUBJECT.search(vt, s.start, m.end())):
            m = None
        if (
            m is None and "govern" in lt and "law" in lt  # (no character folds to "l", "a" or "w" ignoring case)
            # every match ends in "shall govern" or "will govern" (in a text without the
            # characters that a case-insensitive "s" or "i" also takes, seen in lower case)
            and (_PH_WILL_GOVERN.search(lt) is not None or _aligned_lower(s.view) is None)
        ):
            m = _GOV_LAW_FIRST.search(vt, s.start, s.end)
    state = None
    if m:
        # "the laws of the United States and the State of Alabama": the state, not the union
        for sm in _BOILERPLATE_RX2.finditer(vt[m.start() : min(s.end, m.end() + 60)]):
            state = _state_name(sm.group(1))
            if state:
                break
        state = state or _state_name(m.group("state"))
    if m and state:
        _emit(ctx, s, "governing_law", (m.start(), m.end()), value=state,
              as_written=vt[m.start():m.end()], party=None)
    elif "governed" in lt:
        m2 = _GOV_ADJ.search(vt, s.start, s.end)
        if m2:
            state = _state_name(m2.group("state"))
            if state:
                _emit(ctx, s, "governing_law", (m2.start(), m2.end()), value=state, as_written=m2.group(0))
    q = _first_word(s, _JURIS_WORDS) if "jurisdiction" in lt else None
    for m in (_JURIS.finditer(vt, q, s.end) if q is not None else ()):
        forum = _norm(m.group("forum")).rstrip(",;: ")
        excl = (m.group("excl") or "").strip().lower()
        party = _party_at(s, m.start(), lead_in=False, forward=False)
        _emit(ctx, s, "jurisdiction", (_phrase_start(s, m.start()) if False else m.start(), m.end()),
              value=forum, party=party, anchor=None,
              as_written=(excl + " " if excl else "") + "jurisdiction of " + forum)
    q = _first_word(s, _COUNTERPARTS_WORDS) if "counterpart" in lt else None
    m = _COUNTERPARTS.search(vt, q, s.end) if q is not None else None
    if m:
        _emit(ctx, s, "counterparts", (s.start, m.end()), value="counterparts", as_written=m.group(0),
              quote_range=_quote_range(s, s.start, m.end()))
    for m in (_SURVIVE.finditer(vt, s.start, s.end) if "surviv" in lt else ()):
        if not _SURVIVE_WHAT.search(vt, s.start, m.start()):
            continue
        ev = _norm(m.group("event") or m.group("event2") or "")
        qr = None
        if len(_norm(vt[s.start : m.end()])) <= QUOTE_LIMIT:
            qr = (s.start, m.end())
        _emit(ctx, s, "survival", (m.start(), m.end()), value=ev or "survives",
              as_written=vt[m.start():m.end()], quote_range=qr)
        break
    for p in s.of(Money):
        if p.node.value is None:
            continue
        raw = _before(s, p.start, 200)
        # every match of the (case-sensitive) cap pattern holds "exceed" or "limited", and
        # "liabilit" or "indemn" (words without white space: the same before it is collapsed)
        if not (("exceed" in raw or "limited" in raw) and ("liabilit" in raw or "indemn" in raw)):
            continue
        pre = _WS.sub(" ", raw)
        if _CAP_MONEY.search(pre):
            _emit(ctx, s, "indemnity_cap", (p.start, p.end), value=float(p.node.value), unit="usd",
                  as_written=vt[p.start:p.end], party=_party_at(s, p.start, forward=False))
    m = _CONTRIB_CAP.search(vt, s.start, s.end) if "contribute" in lt else None
    if m:
        _emit(ctx, s, "contribution_cap", (m.start(), m.end()), value="amount underwritten less damages paid",
              as_written=m.group(0), party="underwriters")


# ---------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------

_MEANS_FORMS = frozenset({"means"})
# what joins two terms that share their words ('"LRR" or "LRRA" means ...')
_TERMS_JOINED = re.compile(r"[\s,;]*(?:(?:and/)?or|and)?[\s,;]*", re.I)
_NEXT_ITEM = re.compile(r",?\s+(?:and|or)\s+\([a-z0-9]{1,4}\)\s+[\"\u201c]|;")


def extract_definitions(doc: Any) -> list[dict]:
    """Every definition the clause grammar found, with its defining words.

    One dict per :class:`~checker.model.Definition` node, in document order:
    ``term``, ``form`` (means, parenthetical, herein_called, as_defined, quoted),
    ``scope`` ("For the purposes of this Section 4", else None), ``section``,
    ``line`` and ``column`` (where the definition's words start), ``quote`` (the
    defining words: for '"business day" shall mean any day ...' the term and what
    follows it to the end of its part of the sentence; for '... (the "Act")' the
    words before the parenthesis, back to the previous parenthesis, the start of
    the part or the start of the definition before it; a definition that "means"
    ends where the next one begins), at most about QUOTE_LIMIT
    characters, and
    ``meaning`` (the defining words without the term, lower case, white space
    collapsed: what two definitions of one term are compared by).
    """
    from .model import Definition

    view = TextView.of(doc)
    index = SentenceIndex.of(doc, view)
    vt = view.text
    out: list[dict] = []
    add = out.append
    to_clean = view.to_clean
    bounds_at = index.bounds_at
    rfind = vt.rfind
    find = vt.find
    next_item = _NEXT_ITEM.search
    prev_start = prev_end = -1  # where the last definition starts and ends
    if getattr(doc, "nodes", None) is not None:
        from .pipeline import _node_groups  # the definitions, picked out once per document

        nodes = _node_groups(doc)[1]
    else:
        nodes = []
    # where each definition starts, for the one after it
    # where each definition of the "means" kind starts (its own entry of a list of
    # definitions, not a term quoted or pointed to inside another's words), for the one before it
    starts = [to_clean(nr.node.span.offset) if nr.node.form == "means" else -1 for nr in nodes] + [len(vt) + 1]
    for i, nr in enumerate(nodes):
        n = nr.node
        sp = n.span
        o = sp.offset
        e = sp.end_offset
        a = to_clean(o)
        b = to_clean(e) if e > o else a + len(n.text)
        sb = bounds_at(a)
        if sb is None:
            lo, hi = a, b
        else:
            # the ";"-part of the sentence holding a (_part_bounds)
            s0, s1 = sb
            lo = rfind(";", s0, a)
            lo = s0 if lo == -1 else lo + 1
            hi = find(";", a, s1)
            hi = s1 if hi == -1 else hi
            if b > hi:
                hi = b
        form = n.form
        if form == "as_defined":  # "(as defined below)": a pointer, not the definition
            meaning = ""
            qa, qb = a, b
        elif form in _MEANS_FORMS or form not in ("parenthetical", "herein_called", "quoted"):
            # to the end of the part, or the next item of a list of definitions ("and (b) ...")
            # (the part holds no ";" after b: only an item "(b)" can end it sooner)
            nxt = next_item(vt, b, hi) if find("(", b, hi) != -1 else None
            if nxt:
                hi = nxt.start()
            nxt_start = starts[i + 1]
            if b <= nxt_start < hi and _TERMS_JOINED.fullmatch(vt, b, nxt_start) is None:
                hi = nxt_start  # the next definition: its words are its own
            meaning = vt[b:hi]
            qa, qb = a, hi
        else:
            # the words the parenthesis names: back to the previous parenthesis, the start of the
            # part or the start of the definition before it (a list of quoted terms is not read
            # back to its start once per term)
            lo = max(lo, rfind(")", lo, a - 1) + 1, rfind(";", lo, a) + 1, prev_start if prev_end <= a else lo)
            meaning = vt[lo:a]
            qa, qb = lo, b
        prev_start, prev_end = a, b
        quote = _definition_quote(vt, qa, qb, qa == a)
        add(
            {
                "term": " ".join(n.term.split()),
                "form": form,
                "scope": n.scope,
                "section": nr.section or None,
                "line": sp.line,
                "column": sp.column,
                "quote": quote,
                "meaning": " ".join(meaning.split()).lower().strip(" ,;:.(") or None,
            }
        )
    return out


# raw characters enough for a quote of QUOTE_LIMIT characters in nearly every text
_QUOTE_WINDOW = 4 * QUOTE_LIMIT


def _definition_quote(vt: str, qa: int, qb: int, head: bool) -> str:
    """The words ``vt[qa:qb]`` (white space collapsed, leading ",; " dropped), cut to
    about QUOTE_LIMIT characters at a word: their beginning when ``head``, else their end.

    Only a window of the text at that end is collapsed when it is enough: a run
    of words collapsed from the window is the same as the same end of the whole
    collapsed (a definition's part of a sentence can run to thousands of
    characters, and a long list of definitions has a part for each)."""
    if qb - qa > _QUOTE_WINDOW:
        if head:
            q = " ".join(vt[qa : qa + _QUOTE_WINDOW].split()).lstrip(",; ")
            if len(q) > QUOTE_LIMIT:
                return q[:QUOTE_LIMIT].rsplit(" ", 1)[0]
        else:
            q = " ".join(vt[qb - _QUOTE_WINDOW : qb].split())
            if len(q) > QUOTE_LIMIT and q[:-QUOTE_LIMIT].lstrip(",; "):
                return q[-QUOTE_LIMIT:].split(" ", 1)[-1]
    quote = " ".join(vt[qa:qb].split()).lstrip(",; ")
    if len(quote) > QUOTE_LIMIT:
        quote = quote[:QUOTE_LIMIT].rsplit(" ", 1)[0] if head else quote[-QUOTE_LIMIT:].split(" ", 1)[-1]
    return quote


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

# words that call for a close reading even without a typed node in the sentence
_RARE_WORDS = (
    "governed", "shall govern", "will govern", "construed", "interpreted", "counterpart", "surviv", "jurisdiction", "lock-up", "lockup",
    "cashless", "contribute", "earnings", "availability",
)
_OFFERING_WORDS = ("specified", "lock up")
_WARRANT_WORDS = ("lieu", "net issu", "net exercis")


def extract_obligations(doc: Any) -> list[Obligation]:
    """Every obligation the document states, in document order."""
    view = TextView.of(doc)
    ctx = _Ctx(doc, view)
    lower = view.lower
    needles = _RARE_WORDS
    if ctx.offering:
        needles = needles + _OFFERING_WORDS
    if ctx.warrant or ctx.offering:
        needles = needles + _WARRANT_WORDS
    hits = _find_cached(view, needles)
    if ctx.offering or ctx.warrant:
        # share counts the grammar may leave untyped ("750,000 Optional Shares")
        hits = sorted(hits + [m.start() for m in _SHARES_RX.finditer(view.text)])
    # money and dates matter in offering documents and warrants, and for caps on liability
    money_dates = ctx.offering or ctx.warrant
    hits_src = sorted(view.to_source(h) for h in hits)
    n_hits = len(hits_src)
    bl = bisect.bisect_left
    to_clean = view.to_clean
    # the lower-cased text, when it has the text's offsets (a clause's words in lower case are then
    # a slice of it: the test of a clause before it is split, _may_dispatch)
    ctx.aligned_lower = lower if len(lower) == len(view.text) else None
    rows = _clause_rows(doc, view)
    for (s0, e0, sec, parents, clause), v in zip(rows, _clause_values(doc, rows)):
        k = bl(hits_src, s0)
        if not (k < n_hits and hits_src[k] < e0):  # no hit in the clause
            # a clause without a hit is read for the values its nodes state: a duration,
            # ratio or share count; a sum of money; a date in an offering document or warrant
            if not v or (
                not v & _V_KEY
                # a bound without a duration matters only for "at least 20 day's notice"
                and not (v & _V_BOUND and "notice" in lower[to_clean(s0) : to_clean(e0)])
                and (
                    not (v & _V_MONEY or (v & _V_DATE and money_dates))
                    or (not money_dates and not _speaks_of_liability(lower[to_clean(s0) : to_clean(e0)]))
                )
            ):
                continue
        a = to_clean(s0)
        b = to_clean(e0)
        if b > a:
            _read_clause(ctx, hits, sec, parents, a, b, clause)
    if ctx.warrant:
        _warrant_document(ctx)
    out = ctx.out
    out.sort(key=lambda o: (o.line, o.column, o.kind))
    return out


def _speaks_of_liability(low: str) -> bool:
    return "liabil" in low or "indemn" in low


def _read_clause(ctx: _Ctx, hits: list[int], sec: Section, parents: tuple, a: int, b: int, clause: Any) -> None:
        low = ctx.aligned_lower
        if low is not None and not _may_dispatch(ctx, low[a:b], {type(n) for n in clause.nodes}):
            return  # no reader would be handed any sentence of the clause: it is not split
        for s in _clause_sentences(ctx.view, sec, parents, a, b, clause):
            kinds = {type(p.node) for p in s.nodes}
            if not (kinds.intersection(_VALUE_NODES) or _has_hit(hits, s.start, s.end)):
                continue
            _dispatch(ctx, s, kinds)


_VALUE_NODES = (Duration, Ratio, ShareCount, Money, DateNode, Bound)


def _may_dispatch(ctx: _Ctx, lt: str, kinds: set) -> bool:
    """Whether :func:`_dispatch` could hand a sentence of a clause to a reader, told
    from the clause's text in lower case and the types of all its nodes: the same
    tests, each on words and types that every sentence of the clause has only if
    the clause has them."""
    has_dur = Duration in kinds
    return bool(
        ((has_dur or Bound in kinds) and ("notice" in lt or "notif" in lt or "deemed" in lt or "effective" in lt))
        or "govern" in lt or "accordance" in lt or "jurisdiction" in lt or "counterpart" in lt or "surviv" in lt
        or ("law" in lt and ("construed" in lt or "interpreted" in lt))
        or "contribute" in lt or (Money in kinds and ("liabil" in lt or "indemn" in lt))
        or (has_dur and ("postpone" in lt or "424" in lt or "trading" in lt or "fiscal" in lt or "financial" in lt
                         or "balance" in lt or "report" in lt))
        or ((has_dur or Ratio in kinds) and "default" in lt)
        or "earnings" in lt
        or ((has_dur or "period" in lt) and ("lock" in lt or ("not" in lt and ("sell" in lt or "dispos" in lt))))
        or ((ctx.offering or "underwriter" in lt) and ("option" in lt or "firm" in lt or "additional" in lt or "allot" in lt))
        or (ctx.offering and (DateNode in kinds or has_dur) and ("deliver" in lt or "closing" in lt or "settlement" in lt))
        or ((ctx.warrant or "warrant" in lt)
            and (ShareCount in kinds or Money in kinds or DateNode in kinds or "exercis" in lt or "shares" in lt))
    )


def _clause_sentences(view: TextView, sec: Section, parents: tuple, a: int, b: int, clause: Any) -> list[Sentence]:
    """The sentences of ``clause`` (clean range [a, b)), split once per document."""
    cache = view._sent_cache
    key = (id(clause), a, b)
    got = cache.get(key)
    if got is not None and got[0] is clause and got[1] is sec:
        return got[2]
    sents = _split_clause(view, sec, parents, a, b, clause)
    cache[key] = (clause, sec, sents)
    return sents


def _split_clause(view: TextView, sec: Section, parents: tuple, a: int, b: int, clause: Any) -> list[Sentence]:
    text = view.text
    nodes = clause.nodes
    placed = _place_nodes(view, nodes) if nodes else []
    sents: list[Sentence] = []
    add = sents.append
    number = sec.number
    if placed:
        starts = [p.start for p in placed]
        bl = bisect.bisect_left
        for i, (s, e) in enumerate(split_sentences(text, a, b)):
            add(Sentence(view, sec, parents, number, s, e, text[s:e], placed[bl(starts, s) : bl(starts, e)], i, sents))
    else:
        for i, (s, e) in enumerate(split_sentences(text, a, b)):
            add(Sentence(view, sec, parents, number, s, e, text[s:e], [], i, sents))
    return sents


# two-word phrases _dispatch looks for, across any white space
_PH_EARNINGS = re.compile(r"earnings\s+statement")
_PH_FINANCIAL = re.compile(r"financial\s+statement")
_PH_BALANCE = re.compile(r"balance\s+sheet")
_PH_TRADING = re.compile(r"trading\s+day")
_PH_ACCORDANCE = re.compile(r"accordance\s+with")


def _dispatch(ctx: _Ctx, s: Sentence, kinds: set) -> None:
    """Hand the sentence to each reader whose words it has.

    :func:`_may_dispatch` holds the same tests, loosened to a whole clause: a
    reader added here must be added there too, or its clauses are never split."""
    # the sentence in lower case; a phrase of two words is looked for across any white
    # space between them (as in the text with its white space collapsed)
    low = ctx.aligned_lower
    # (the lower-cased text's slice is the sentence in lower case when every character of
    # the text keeps its length: only a capital sigma lowers by its context, and no test
    # here reads one)
    lt = low[s.start : s.end] if low is not None else s.text.lower()
    has_dur = Duration in kinds
    if (has_dur or "period" in lt) and ("lock" in lt or ("not" in lt and ("sell" in lt or "dispos" in lt))):
        _lockups(ctx, s)
    if (ctx.offering or "underwriter" in lt) and ("option" in lt or "firm" in lt or "additional" in lt or "allot" in lt):
        _option_and_size(ctx, s)
        if has_dur and ("option" in lt or "allot" in lt or "additional" in lt):
            _option_windows(ctx, s)
    if (has_dur or Ratio in kinds) and "default" in lt:
        _default_clause(ctx, s)
    if has_dur and "postpone" in lt:
        _postponement(ctx, s)
    if has_dur and "424" in lt:
        _filing_deadline(ctx, s)
    if ("earnings" in lt and _PH_EARNINGS.search(lt) is not None):
        _earnings_statement(ctx, s)
    if has_dur and ("fiscal" in lt or ("financial" in lt and _PH_FINANCIAL.search(lt) is not None) or ("balance" in lt and _PH_BALANCE.search(lt) is not None) or "report" in lt):
        _reporting(ctx, s)
    if (has_dur or Bound in kinds) and ("notice" in lt or "notif" in lt or "deemed" in lt or "effective" in lt):
        _notices(ctx, s)
    if ctx.offering and (DateNode in kinds or has_dur) and ("deliver" in lt or "closing" in lt or "settlement" in lt):
        _closing_date(ctx, s)
    if (ctx.warrant or "warrant" in lt) and (
        ShareCount in kinds or Money in kinds or DateNode in kinds or "exercis" in lt or "shares" in lt
    ):
        _warrant(ctx, s)
    if has_dur and ("trading" in lt and _PH_TRADING.search(lt) is not None):
        _pricing_period(ctx, s)
    if (
        "govern" in lt or ("accordance" in lt and _PH_ACCORDANCE.search(lt) is not None) or "jurisdiction" in lt or "counterpart" in lt or "surviv" in lt
        or ("law" in lt and ("construed" in lt or "interpreted" in lt))
        or "contribute" in lt or (Money in kinds and ("liabil" in lt or "indemn" in lt))
    ):
        _boilerplate(ctx, s, lt)
