"""Clause stage: the typed nodes (durations, bounds, anchors, ratios, money, share
counts, number pairs, dates, references, definitions, blanks) in one clause.

What a node is, is said by the Lark grammar in ``grammar/clause.lark`` (its
terminals in ``grammar/common.lark``).  Lark over every character of an
agreement is too slow (about 1.3 MB/s) and most of an agreement is plain words,
so this module runs the grammar only where a node can start:

1. Pre-scan: two compiled regular expressions over the lower-cased clause find
   the trigger words and characters (digits, number and ordinal words, ``$``,
   ``%``, quotes, underscores, brackets, "Section", "Rule", "Schedule" ...,
   anchor words, month names), each with a condition on what follows, read off
   the grammar.  An anchored expression on the reversed text finds lead-ins that
   belong to a node ("not later than", "the", ``(each, a`` before a quote).
2. Extent: from each candidate start, the LALR automaton Lark built from the
   grammar runs over tokens read on demand by :class:`ClauseLexer` (a lexer made
   from the grammar's terminal definitions).  Every prefix after which the end
   of input is accepted is a possible node; the longest wins.
3. Nodes: the chosen prefix is parsed with Lark's tables and the callbacks Lark
   made for the grammar, which call the :class:`NodeBuilder` Transformer (one
   method per alias).  If the Transformer finds the prefix is not a sensible
   node ("two and five days", "December 45"), the next shorter prefix is tried.
   Built nodes are cached by the phrase's text.

The parse is total: nothing raises out of :func:`parse_clause`.  A money or
percent sign the grammar cannot read, or a node that cannot be built, becomes
an :class:`~checker.model.Unparsed` node with its position, and the rest of the
clause is still parsed.  ``_scan(text, full=True)`` tries every token instead of
the pre-scan's candidates; the tests use it to show the pre-scan misses nothing.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from typing import Any, Callable, Iterator, Optional

from lark import Lark, Token, Transformer
from lark.lexer import Lexer, PatternStr
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild

from . import model
from .model import (  # noqa: F401  (Span is part of the signature)
    Anchor,
    Blank,
    Bound,
    CrossRef,
    DateNode,
    Definition,
    Duration,
    ExternalRef,
    Money,
    NumberPair,
    Ratio,
    ShareCount,
    Span,
    Unparsed,
)
from .numbers import numeral_value, ordinal_value, words_fraction
from .resources import resource_path

__all__ = ["parse_clause", "parse_phrase", "ClauseLexer", "NodeBuilder", "grammar"]

# A node is at most this many tokens long; bounds the work done at one start.
MAX_TOKENS = 64


# ---------------------------------------------------------------------------
# The lexer: one compiled regular expression built from the grammar's terminals
# ---------------------------------------------------------------------------


try:  # the regular-expression parser of the standard library (public until 3.11 as sre_parse)
    import re._parser as _sre_parse
    import re._constants as _sre_c
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# First-character sets: (characters, categories), or None when any character may start.
_First = Optional[tuple[frozenset, frozenset]]


def _first_chars(regex: str) -> _First:
    """The characters a match of ``regex`` can begin with (a superset), or None if any."""
    try:
        parsed = _sre_parse.parse(regex)
    except Exception:
        return None
    chars: set[str] = set()
    cats: set[str] = set()

    def add_char(code: int, icase: bool) -> None:
        ch = chr(code)
        chars.add(ch)
        if icase:
            chars.add(ch.lower())
            chars.add(ch.upper())

    def seq(items: Any, icase: bool) -> Optional[bool]:
        """Add the first characters of a sequence; True if it can match empty, None if any char."""
        for op, av in items:
            r = one(op, av, icase)
            if r is None:
                return None
            if not r:
                return False
        return True

    def one(op: Any, av: Any, icase: bool) -> Optional[bool]:
        if op is _sre_c.LITERAL:
            add_char(av, icase)
            return False
        if op is _sre_c.IN:
            for iop, iav in av:
                if iop is _sre_c.NEGATE:
                    return None
                if iop is _sre_c.LITERAL:
                    add_char(iav, icase)
                elif iop is _sre_c.RANGE:
                    lo, hi = iav
                    if hi - lo > 300:
                        return None
                    for code in range(lo, hi + 1):
                        add_char(code, icase)
                elif iop is _sre_c.CATEGORY:
                    name = str(iav).lower()
                    if "not" in name:
                        return None
                    cats.add("digit" if "digit" in name else "word" if "word" in name else "space")
                else:
                    return None
            return False
        if op is _sre_c.BRANCH:
            empty = False
            for alt in av[1]:
                r = seq(alt, icase)
                if r is None:
                    return None
                empty = empty or r
            return empty
        if op is _sre_c.SUBPATTERN:
            add_flags = av[1]
            return seq(av[3], icase or bool(add_flags & re.IGNORECASE))
        if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
            lo, _hi, sub = av
            r = seq(sub, icase)
            if r is None:
                return None
            return r or lo == 0
        if op in (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT):
            return True  # zero width: the next item decides (a superset)
        return None

    icase = bool(parsed.state.flags & re.IGNORECASE)
    if seq(parsed, icase) is not False:
        return None  # may match empty or begin with anything
    return frozenset(chars), frozenset(cats)


def _in_first(first: _First, ch: str) -> bool:
    if first is None:
        return True
    chars, cats = first
    if ch in chars:
        return True
    if "digit" in cats and ch.isdecimal():
        return True
    if "word" in cats and (ch.isalnum() or ch == "_"):
        return True
    if "space" in cats and ch.isspace():
        return True
    return False


# A terminal that ends in this look-ahead and lists finitely many words is a word list.
_WORD_END = "(?![\\w'’-])"
_NO_WORDS: dict[str, str] = {}


def _finite_words(regex: str, limit: int = 20000) -> Optional[set[str]]:
    """The strings ``regex`` matches, if it is a finite list of them (look-arounds ignored)."""
    try:
        parsed = _sre_parse.parse(regex)
    except Exception:
        return None

    def seq(items: Any) -> Optional[list[str]]:
        out = [""]
        for op, av in items:
            alts = one(op, av)
            if alts is None:
                return None
            out = [a + b for a in out for b in alts]
            if len(out) > limit:
                return None
        return out

    def one(op: Any, av: Any) -> Optional[list[str]]:
        if op is _sre_c.LITERAL:
            return [chr(av)]
        if op is _sre_c.IN:
            chars = []
            for iop, iav in av:
                if iop is _sre_c.LITERAL:
                    chars.append(chr(iav))
                elif iop is _sre_c.RANGE and iav[1] - iav[0] < 64:
                    chars.extend(chr(c) for c in range(iav[0], iav[1] + 1))
                else:
                    return None
            return chars
        if op is _sre_c.BRANCH:
            out: list[str] = []
            for alt in av[1]:
                sub = seq(alt)
                if sub is None:
                    return None
                out.extend(sub)
            return out
        if op is _sre_c.SUBPATTERN:
            return seq(av[3])
        if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
            lo, hi, sub = av
            if hi > 3:
                return None
            body = seq(sub)
            if body is None:
                return None
            out, cur = [], [""]
            for k in range(hi + 1):
                if k >= lo:
                    out.extend(cur)
                cur = [a + b for a in cur for b in body]
            return out
        if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT, _sre_c.AT):
            return [""]
        return None

    words = seq(parsed)
    return None if words is None else set(words)


_WORD_BOUNDARIES = tuple(getattr(_sre_c, name) for name in (
    "AT_BOUNDARY", "AT_NON_BOUNDARY", "AT_UNI_BOUNDARY", "AT_UNI_NON_BOUNDARY",
    "AT_LOC_BOUNDARY", "AT_LOC_NON_BOUNDARY") if hasattr(_sre_c, name))


# What may stand after a word for the word to be a token of its own whatever follows
# (see _ASCII_LETTERS): white space, a comma, a semicolon, a colon.
_WORD_STOPS = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000,;:"


def _may_match_space(regex: str, spaces: str = _WORD_STOPS) -> bool:
    """Whether a match of ``regex`` may hold a character of ``spaces`` (white space, a
    comma, a semicolon, a colon), or its assertions read past one or look back (a superset)."""
    try:
        parsed = _sre_parse.parse(regex)
    except Exception:
        return True

    def in_set(items: Any, ch: str) -> bool:
        negate, hit = False, False
        for iop, iav in items:
            if iop is _sre_c.NEGATE:
                negate = True
            elif iop is _sre_c.LITERAL:
                hit = hit or ord(ch) == iav
            elif iop is _sre_c.RANGE:
                hit = hit or iav[0] <= ord(ch) <= iav[1]
            elif iop is _sre_c.CATEGORY:
                name = str(iav).upper()
                if "SPACE" in name:
                    got = ch.isspace()
                elif "DIGIT" in name:
                    got = ch.isdecimal()
                elif "WORD" in name:
                    got = ch.isalnum() or ch == "_"
                else:
                    return True
                hit = hit or (got != ("NOT" in name))
            else:
                return True  # anything else: may be white space
        return hit != negate

    def walk(items: Any) -> bool:
        for op, av in items:
            if op is _sre_c.LITERAL:
                if chr(av).isspace() or chr(av) in spaces:
                    return True
            elif op is _sre_c.IN:
                if any(in_set(av, c) for c in spaces):
                    return True
            elif op is _sre_c.BRANCH:
                if any(walk(alt) for alt in av[1]):
                    return True
            elif op is _sre_c.SUBPATTERN:
                if walk(av[3]):
                    return True
            elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
                if walk(av[2]):
                    return True
            elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
                if av[0] < 0 or walk(av[1]):  # a look-behind, or a look-ahead over white space
                    return True
            elif op is _sre_c.AT:
                if av not in _WORD_BOUNDARIES:  # (a line or text end: not told by the next character)
                    return True
            elif str(op) == "ATOMIC_GROUP":
                if walk(av):
                    return True
            else:
                return True  # ANY, NOT_LITERAL, GROUPREF ...: may be white space
        return False

    return walk(parsed)


def _spanning_words(ordered: list, firsts: list) -> Optional[tuple[frozenset, frozenset]]:
    """What may begin a token that goes on over white space (or ",", ";", ":"), among the
    terminals that can begin with a letter: (lower-cased words of ASCII letters before
    one of those characters in their matches, where a terminal is a finite list of
    strings; the first characters of those that are not).  None if one may begin with
    any character."""
    words_out: set = set()
    chars_out: set = set()
    for (name, rx), first in zip(ordered, firsts):
        if first is not None and not any(c.isascii() and c.isalpha() for c in first[0]) and "word" not in first[1]:
            continue  # never begins with a letter
        if not _may_match_space(rx):
            continue
        words = _finite_words(rx, limit=200000)
        if words is None:
            if first is None or first[1]:
                return None
            chars_out |= first[0]
            continue
        for w in words:
            m = re.match(r"[A-Za-z]+(?=[\s,;:])", w)
            if m:
                words_out.add(m.group().lower())
    return frozenset(words_out), frozenset(chars_out)


class ClauseLexer(Lexer):
    """Lexer for the clause grammar, built from the grammar's terminal definitions.

    Regular-expression terminals and punctuation strings are joined into one
    pattern, in Lark's order (priority, then width).  String terminals that a
    regular-expression terminal also matches are keywords: a matched word is
    looked up, case-insensitively, and takes the keyword's type.  Anything
    else is one ``__OTHER`` character, which no rule accepts, so lexing never
    fails.

    As a Lark lexer it also accepts a list of already-made tokens (the clause
    stage lexes once and hands Lark the tokens of the chosen node).
    """

    OTHER = "__OTHER"
    __future_interface__ = 2

    def __init__(self, lexer_conf: Any) -> None:
        terminals = [t for t in lexer_conf.terminals if t.name not in lexer_conf.ignore]
        regex_terms = [t for t in terminals if not isinstance(t.pattern, PatternStr)]
        compiled = {str(t.name): re.compile(t.pattern.to_regexp()) for t in regex_terms}
        keywords: dict[str, dict[str, str]] = {}
        literal_terms = []
        for t in terminals:
            if not isinstance(t.pattern, PatternStr):
                continue
            value = t.pattern.value
            owners = [
                name
                for name, rx in compiled.items()
                if any(rx.fullmatch(v) for v in (value, value.upper(), value.capitalize()))
            ]
            if owners:
                if "i" not in t.pattern.flags and value != value.lower():
                    raise ValueError(f"keyword {t.name} must be lower case or case-insensitive")
                for name in owners:
                    keywords.setdefault(name, {})[value.lower()] = str(t.name)
            else:
                literal_terms.append(t)
        ordered = sorted(
            regex_terms + literal_terms,
            key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
        )
        # Word lists (NUMWORD, STOPWORD ...): a word that WORD matches and the list
        # holds is the list's token when the list comes first; looking the word
        # up after WORD matched gives the same token with one pattern less to try.
        word_terms = [t for t in ordered if not isinstance(t.pattern, PatternStr)
                      and compiled[str(t.name)].fullmatch("abc")]
        generic = word_terms[-1] if word_terms else None  # the catch-all word, tried last
        self.word_lists: dict[str, dict[str, str]] = {}
        if generic is not None:
            gname, grx = str(generic.name), compiled[str(generic.name)]
            lists: dict[str, str] = {}
            for t in ordered:
                if t is generic or isinstance(t.pattern, PatternStr) or t.priority <= generic.priority:
                    continue
                if not t.pattern.value.endswith(_WORD_END) or "i" not in t.pattern.flags:
                    continue
                words = _finite_words(t.pattern.value)
                if not words or not all(grx.fullmatch(w) for w in words):
                    continue
                for w in words:
                    lists.setdefault(w.lower(), str(t.name))  # the higher priority list wins
                ordered = [o for o in ordered if o is not t]
            if lists:
                self.word_lists[gname] = lists
        self._word_end = re.compile(r"[\w'’-]")
        self.keywords = keywords
        self._looked_up = frozenset(keywords) | frozenset(self.word_lists)
        # both lookups at once: token type -> lower-cased word -> (keyword type, word-list type)
        self._lookup: dict[str, dict[str, tuple[Optional[str], Optional[str]]]] = {}
        for typ in self._looked_up:
            kws, lst = keywords.get(typ, _NO_WORDS), self.word_lists.get(typ, _NO_WORDS)
            self._lookup[typ] = {w: (kws.get(w), lst.get(w)) for w in set(kws) | set(lst)}
        self.terminal_names = {str(t.name) for t in terminals}
        self._ordered = [(str(t.name), t.pattern.to_regexp()) for t in ordered]
        # Python's regex engine tries every alternative of a pattern in turn; one
        # pattern per first character, holding only the terminals that can begin
        # with it (same order), does the same matching with far fewer tries.
        self._firsts = [_first_chars(rx) for _, rx in self._ordered]
        self._by_subset: dict[tuple, Any] = {}
        self._dispatch: dict[str, Any] = {}
        self._ws = re.compile(r"\s*")
        # What may begin a token that goes on over white space, a comma, a semicolon or
        # a colon (the words of "one half", a FRACWORD): see _spanning_words.
        self.spanning_words: Optional[tuple] = _spanning_words(self._ordered, self._firsts)

    def _pattern_for(self, ch: str) -> Any:
        pat = self._dispatch.get(ch)
        if pat is None:
            names = tuple(i for i, f in enumerate(self._firsts) if _in_first(f, ch))
            pat = self._by_subset.get(names)
            if pat is None:
                # (each terminal's name is an empty group after it: the match's last
                # group names the token and its start is the token's end, and an
                # alternative that opens with a literal or a character set is
                # rejected on its first character, without entering it)
                alternatives = [f"(?:{self._ordered[i][1]})(?P<{self._ordered[i][0]}>)" for i in names]
                alternatives.append(f"\\S(?P<{self.OTHER}>)")
                pat = re.compile("(?:" + "|".join(alternatives) + r")\s*")
                self._by_subset[names] = pat
            self._dispatch[ch] = pat
        return pat

    def token_at(self, text: str, pos: int) -> Optional[tuple[str, int, int, int]]:
        """The token at ``pos`` (leading white space skipped): (type, start, end, next).

        ``next`` is the offset after the white space that follows the token, i.e.
        where the next token starts.
        """
        if pos >= len(text):
            return None
        ch = text[pos]
        if ch.isspace():
            pos = self._ws.match(text, pos).end()
            if pos >= len(text):
                return None
            ch = text[pos]
        pat = self._dispatch.get(ch) or self._pattern_for(ch)
        m = pat.match(text, pos)
        typ = m.lastgroup
        end = m.end(typ)
        lookup = self._lookup.get(typ)
        if lookup is not None:
            hit = lookup.get(text[pos:end].lower())
            if hit is not None:
                if hit[0] is not None:  # a keyword
                    typ = hit[0]
                elif not self._word_end.match(text, end):  # a word of a list, as a whole word
                    typ = hit[1]
        return typ, pos, end, m.end()

    def tokens(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        pos = 0
        while True:
            tok = self.token_at(text, pos)
            if tok is None:
                return
            yield tok
            pos = tok[3]

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:
        source = lexer_state.text
        if isinstance(source, list):
            yield from source
            return
        text = source.text if hasattr(source, "text") else source
        pos = getattr(source, "start", 0)
        stop = getattr(source, "end", len(text))
        while True:
            tok = self.token_at(text, pos)
            if tok is None or tok[1] >= stop:
                return
            typ, start, end, pos = tok
            yield Token(typ, text[start:end], start_pos=start, end_pos=end)


# ---------------------------------------------------------------------------
# Values built while parsing
# ---------------------------------------------------------------------------


_new_str = str.__new__


def _token(typ: str, value: str, start: int, end: int) -> Token:
    """A Lark Token, made without Token.__new__'s keyword handling (this is a hot path)."""
    tok = _new_str(Token, value)
    tok.type = typ
    tok.value = value
    tok.start_pos = start
    tok.end_pos = end
    tok.line = tok.column = tok.end_line = tok.end_column = None
    return tok


class _Reject(Exception):
    """The accepted prefix is not a sensible node; try a shorter one."""


class _V:
    """A value with its extent (offsets relative to the parsed phrase): ``s``, ``e``
    and the named fields, all plain attributes; ``d`` holds them (``"unit" in v.d``)."""

    def __init__(self, s: int, e: int, **d: Any) -> None:
        d["s"] = s
        d["e"] = e
        self.__dict__ = d

    @property
    def d(self) -> dict:
        return self.__dict__

    def __getattr__(self, name: str) -> Any:  # a field the value does not have
        raise AttributeError(name)


class _Tree:
    """A rule result without a Transformer method: its name, children and extent."""

    __slots__ = ("data", "children", "s", "e")

    def __init__(self, data: str, children: list) -> None:
        self.data = data
        self.children = children
        self.s = _start(children[0]) if children else 0
        self.e = _end(children[-1]) if children else 0


def _start(x: Any) -> int:
    return x.start_pos if isinstance(x, Token) else x.s


def _end(x: Any) -> int:
    return x.end_pos if isinstance(x, Token) else x.e


def _tokens(x: Any) -> list[Token]:
    """All tokens under a value, in order."""
    if isinstance(x, Token):
        return [x]
    if isinstance(x, _Tree):
        out: list[Token] = []
        for c in x.children:
            out.extend(_tokens(c))
        return out
    return []


# A node as found: class, offsets relative to the phrase, field values.
# Two pseudo-kinds travel with them: "resume" (scan again from an offset inside the
# node, for nodes that contain others) and "scope" (a "for the purposes of ..." phrase).
class _Spec:
    __slots__ = ("cls", "s", "e", "f")

    def __init__(self, cls: Any, s: int, e: int, **f: Any) -> None:
        self.cls = cls
        self.s = s
        self.e = e
        self.f = f


_RESUME = "resume"
_SCOPE = "scope"

_WS = re.compile(r"\s+")


def _norm(s: str) -> str:
    """White-space runs as one space, no white space at the ends."""
    if "  " in s or "\n" in s or "\t" in s or "\r" in s or "\xa0" in s:
        return _WS.sub(" ", s).strip()
    return s.strip()


_UNIT_OF = {
    "DAY": "day", "DAYS": "day", "HOUR": "hour", "HOURS": "hour", "WEEK": "week",
    "WEEKS": "week", "MONTH_UNIT": "month", "MONTHS": "month", "YEAR_UNIT": "year",
    "YEARS": "year",
}
_DOC_TYPE = {
    "SCHEDULE": "schedule", "SCHEDULES": "schedule", "EXHIBIT": "exhibit", "EXHIBITS": "exhibit",
    "ANNEX": "annex", "ANNEXES": "annex", "APPENDIX": "appendix", "APPENDICES": "appendix",
}
_SEC_TYPE = {
    "SECTION": "section", "SECTIONS": "section", "SUBSECTION": "subsection",
    "SUBSECTIONS": "subsection", "CLAUSE": "clause", "CLAUSES": "clause",
    "PARAGRAPH": "paragraph", "PARAGRAPHS": "paragraph", "SUBPARAGRAPH": "subparagraph",
    "SUBPARAGRAPHS": "subparagraph", "ARTICLE": "article", "ARTICLES": "article",
    "SUB_SECTION": "subsection", "SUB_SECTIONS": "subsection", "SUB_CLAUSE": "subclause",
    "SUB_CLAUSES": "subclause", "SUB_PARAGRAPH": "subparagraph", "SUB_PARAGRAPHS": "subparagraph",
}
_BLANK_TYPE = {
    "UNDERSCORES": "underscore", "BRACKET_UNDERSCORE": "underscore",
    "BRACKET_BULLET": "bullet", "BRACKET_EMPTY": "bracket_empty",
}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_DAYS_IN = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
# relations whose number is a lower limit; the others are upper limits
_LOWER = {"at_least", "not_less_than", "more_than", "exceeds", "not_earlier_than"}
_BOUND_RELATIONS = (
    "not_later_than", "no_later_than", "not_earlier_than", "not_more_than", "no_more_than",
    "not_less_than", "at_least", "within", "up_to", "more_than", "less_than", "exceeds",
)
_ANCHOR_RELATIONS = ("after", "following", "before", "prior_to", "preceding")
_BASES = ("calendar", "business", "full_business", "trading")
# instruments named after "Section N of the ..." that are this document itself
_SELF_INSTRUMENTS = {"agreement", "warrant", "underwriting agreement"}
_SCALED = re.compile(r"^([\d,.]+)(MM|mm|M|B|K|bn|mn)$")
_SCALE_LETTERS = {"mm": 1e6, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "k": 1e3}
_DASHUNIT = re.compile(
    r"^(.*?)[-\u2010](?:(calendar|business|trading)[-\u2010])?(day|week|month|year|hour)s?$", re.I
)


def _blank_spec(tok: Token, context: Optional[str]) -> _Spec:
    return _Spec(Blank, tok.start_pos, tok.end_pos, blank_type=_BLANK_TYPE.get(tok.type, "underscore"), context=context)


def _blank_token(x: Any) -> Token:
    """The token of a ``blank_tok`` tree."""
    return _tokens(x)[0]


class _Relation:
    """Builds the value of a relation word ("not later than", "after", "business"): its extent and name.

    A class rather than a closure so that the loaded grammar can be pickled."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, children: list) -> _V:
        return _V(_start(children[0]), _end(children[-1]), name=self.name)


class NodeBuilder(Transformer):
    """Transformer from the clause grammar's parse to model nodes (one method per alias).

    ``src`` is the text of the phrase being parsed; token offsets are relative to it.
    Node-level methods return a ``_V`` whose ``specs`` are the nodes found.
    """

    def __init__(self) -> None:
        super().__init__()
        self.src = ""
        for rel in _BOUND_RELATIONS:
            setattr(self, rel, self._relation(rel))
        for rel in _ANCHOR_RELATIONS:
            setattr(self, rel, self._relation(rel))
        for basis in _BASES:
            setattr(self, basis, self._relation(basis))

    @staticmethod
    def _relation(name: str) -> Callable[[list], _V]:
        return _Relation(name)

    def __default__(self, data: Any, children: list, meta: Any) -> _Tree:
        return _Tree(data, children)

    # ---- helpers
    def _text(self, s: int, e: int) -> str:
        return _norm(self.src[s:e])

    @staticmethod
    def _node(s: int, e: int, *specs: _Spec) -> _V:
        return _V(s, e, specs=list(specs))

    # ---- start
    def start(self, children: list) -> list[_Spec]:
        (v,) = children
        specs = v.specs
        if not specs:
            raise _Reject()
        return specs

    # ---- counts
    def count_numeral(self, c: list) -> _V:
        (tok,) = c
        val = numeral_value(tok.value)
        if val is None:
            raise _Reject()
        return _V(tok.start_pos, tok.end_pos, value=val, numeral=tok.value, numeral_value=val,
                  words=None, words_value=None, blank=None)

    def wnum(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        words = self._text(s, e)
        f = words_fraction(words)
        if f is None:
            raise _Reject()
        return _V(s, e, words=words, value=float(f))

    def count_words(self, c: list) -> _V:
        (w,) = c
        return _V(w.s, w.e, value=w.value, words=w.words, words_value=w.value, numeral=None,
                  numeral_value=None, blank=None)

    def paren_num(self, c: list) -> _V:
        tok = c[1]
        val = numeral_value(tok.value)
        if val is None:
            raise _Reject()
        return _V(_start(c[0]), _end(c[-1]), numeral=tok.value, value=val)

    def pair(self, c: list) -> _V:
        w, p = c
        return _V(w.s, p.e, value=w.value, words=w.words, words_value=w.value, numeral=p.numeral,
                  numeral_value=p.value, blank=None)

    def mixed(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        words = self._text(s, e)
        f = words_fraction(words)
        if f is None:
            raise _Reject()
        return _V(s, e, value=float(f), words=words, words_value=float(f), numeral=None,
                  numeral_value=None, blank=None)

    def mixed_pair(self, c: list) -> _V:
        m, p = c
        return _V(m.s, p.e, value=m.value, words=m.words, words_value=m.value, numeral=p.numeral,
                  numeral_value=p.value, blank=None)

    def count_blank(self, c: list) -> _V:
        tok = _blank_token(c[0])
        return _V(tok.start_pos, tok.end_pos, value=None, words=None, words_value=None, numeral=None,
                  numeral_value=None, blank=tok)

    def _count_fields(self, cnt: _V) -> dict:
        return dict(words=cnt.words, numeral=cnt.numeral, words_value=cnt.words_value,
                    numeral_value=cnt.numeral_value)

    def _count_blank(self, cnt: _V, context: str) -> list[_Spec]:
        return [_blank_spec(cnt.blank, context)] if cnt.blank is not None else []

    # ---- durations
    def unit(self, c: list) -> _V:
        (tok,) = c
        return _V(tok.start_pos, tok.end_pos, unit=_UNIT_OF[tok.type])

    def basis(self, c: list) -> _V:
        consecutive = any(isinstance(x, Token) and x.type == "CONSECUTIVE" for x in c)
        kind = c[-1].name if isinstance(c[-1], _V) else None
        return _V(_start(c[0]), _end(c[-1]), basis=kind, consecutive=consecutive)

    def basis_consecutive(self, c: list) -> _V:
        return _V(_start(c[0]), _end(c[-1]), basis=None, consecutive=True)

    def _basis_unit(self, c: list) -> tuple[Optional[str], bool, str]:
        basis, consecutive, unit = None, False, None
        for x in c:
            if isinstance(x, _V) and "consecutive" in x.__dict__:
                basis, consecutive = x.basis, x.consecutive
            elif isinstance(x, _V) and "unit" in x.__dict__:
                unit = x.unit
        return basis, consecutive, unit

    def duration_count(self, c: list) -> _V:
        cnt = c[0]
        basis, consecutive, unit = self._basis_unit(c)
        s, e = cnt.s, _end(c[-1])
        spec = _Spec(Duration, s, e, count=cnt.value, unit=unit, basis=basis,
                     consecutive=consecutive, **self._count_fields(cnt))
        return self._node(s, e, spec, *self._count_blank(cnt, "duration"))

    def ordinal(self, c: list) -> _V:
        (tok,) = c
        val = ordinal_value(tok.value)
        if val is None:
            raise _Reject()
        if tok.type == "ORDNUM":
            return _V(tok.start_pos, tok.end_pos, value=val, words=None, numeral=tok.value)
        return _V(tok.start_pos, tok.end_pos, value=val, words=self._text(tok.start_pos, tok.end_pos), numeral=None)

    def duration_ordinal(self, c: list) -> _V:
        ordv = next(x for x in c if isinstance(x, _V) and "numeral" in x.__dict__)
        basis, consecutive, unit = self._basis_unit(c)
        s, e = _start(c[0]), _end(c[-1])
        spec = _Spec(Duration, s, e, count=float(ordv.value), unit=unit, basis=basis,
                     consecutive=consecutive, ordinal=True, words=ordv.words, numeral=ordv.numeral,
                     words_value=float(ordv.value) if ordv.words else None,
                     numeral_value=float(ordv.value) if ordv.numeral else None)
        return self._node(s, e, spec)

    def duration_dashed(self, c: list) -> _V:
        tok = next(x for x in c if isinstance(x, Token) and x.type == "DASHUNIT")
        m = _DASHUNIT.match(tok.value)
        if m is None:
            raise _Reject()
        head, basis, unit = m.group(1), m.group(2), m.group(3).lower()
        if head.isdigit():
            val = float(head)
            fields = dict(numeral=head, numeral_value=val)
        else:
            f = words_fraction(head)
            if f is None:
                raise _Reject()
            val = float(f)
            fields = dict(words=head, words_value=val)
        s, e = _start(c[0]), _end(c[-1])
        spec = _Spec(Duration, s, e, count=val, unit=unit, basis=basis.lower() if basis else None, **fields)
        return self._node(s, e, spec)

    def timed(self, c: list) -> _V:
        specs = list(c[0].specs)
        if len(c) > 1:
            specs.extend(c[1].specs)
        return self._node(_start(c[0]), _end(c[-1]), *specs)

    # ---- anchors
    def _anchor(self, rel: _V, relation: str, event: Any) -> _V:
        s, e = rel.s, _end(event)
        specs = [_Spec(Anchor, s, e, relation=relation, event=self._text(_start(event), e))]
        if isinstance(event, _V) and "specs" in event.__dict__:
            specs.extend(event.specs)  # a date as the event
        else:  # scan the event's words again for nodes inside it
            specs.append(_Spec(_RESUME, _start(event), _start(event)))
        return self._node(s, e, *specs)

    def anchor_tail(self, c: list) -> _V:
        rel, event = c
        return self._anchor(rel, rel.name, event)

    def anchor_from(self, c: list) -> _V:
        return self._anchor(_V(c[0].start_pos, c[0].end_pos), "from", c[1])

    def anchor_of(self, c: list) -> _V:
        return self._anchor(_V(c[0].start_pos, c[0].end_pos), "of", c[1])

    def anchor_event(self, c: list) -> _V:
        rel = c[0]
        event = _V(_start(c[1]), _end(c[-1]))
        return self._anchor(rel, rel.name, event)

    def anchor_date(self, c: list) -> _V:
        rel, date = c
        return self._anchor(rel, rel.name, date)

    def anchor_time(self, c: list) -> _V:
        rel, tok = c
        return self._anchor(rel, rel.name, _V(tok.start_pos, tok.end_pos))

    def event_words(self, c: list) -> _V:
        return _V(_start(c[0]), _end(c[-1]))

    def event_date(self, c: list) -> _V:
        (d,) = c
        return d

    def event_time(self, c: list) -> _V:
        (tok,) = c
        return _V(tok.start_pos, tok.end_pos)

    # ---- bounds
    @staticmethod
    def _quantity_value(specs: list[_Spec]) -> Optional[float]:
        for sp in specs:
            if sp.cls is Duration:
                return sp.f.get("count")
            if sp.cls in (Ratio, Money, ShareCount):
                return sp.f.get("value")
            if sp.cls is NumberPair:
                return sp.f.get("words_value") if sp.f.get("words_value") is not None else sp.f.get("numeral_value")
        return None

    def _bound(self, rel: _V, s: int, e: int, value: Optional[float]) -> _Spec:
        side = "low" if rel.name in _LOWER else "high"
        return _Spec(Bound, s, e, relation=rel.name, **{side: value})

    def bounded(self, c: list) -> _V:
        rel, q = c
        specs = q.specs
        if specs[0].cls is DateNode and rel.name not in ("not_later_than", "no_later_than", "not_earlier_than"):
            raise _Reject()  # "more than December 15, 2003" is not a bound
        bound = self._bound(rel, rel.s, rel.e, self._quantity_value(specs))
        return self._node(rel.s, q.e, bound, *specs)

    def bounded_count(self, c: list) -> _V:
        rel, cnt = c
        return self._node(rel.s, cnt.e, self._bound(rel, rel.s, cnt.e, cnt.value))

    def bounded_range(self, c: list) -> _V:
        rel, low = c[0], c[1]
        q = c[-1]
        if rel.name != "not_earlier_than":
            raise _Reject()
        than = c[-2]
        bound = _Spec(Bound, rel.s, _end(than), relation="range", low=low.value, high=self._quantity_value(q.specs))
        return self._node(rel.s, q.e, bound, *q.specs)

    # ---- ratios
    def pct_num(self, c: list) -> _V:
        (x,) = c
        if isinstance(x, Token) and x.type in ("NUM", "NUMFRAC", "MIXEDFRAC"):
            val = numeral_value(x.value)
            if val is None:
                raise _Reject()
            return _V(x.start_pos, x.end_pos, value=val, numeral=x.value, blank=None)
        tok = _blank_token(x)
        return _V(tok.start_pos, tok.end_pos, value=None, numeral=None, blank=tok)

    def ratio_percent(self, c: list) -> _V:
        num, sign = c
        s, e = num.s, sign.end_pos
        if num.blank is not None:
            return self._node(s, e, _Spec(Ratio, s, e, value=None, form="percent"), _blank_spec(num.blank, "percent"))
        val = num.value / 100.0
        return self._node(s, e, _Spec(Ratio, s, e, value=val, form="percent",
                                      numeral=num.numeral + "%", numeral_value=val))

    def paren_percent(self, c: list) -> _V:
        tok = c[1]
        val = numeral_value(tok.value)
        if val is None:
            raise _Reject()
        return _V(_start(c[0]), _end(c[-1]), numeral=tok.value + "%", value=val / 100.0)

    def ratio_percent_words(self, c: list) -> _V:
        cnt = c[0]
        paren = c[-1] if isinstance(c[-1], _V) and "numeral" in c[-1].__dict__ and c[-1] is not cnt else None
        s, e = cnt.s, _end(c[-1])
        if cnt.blank is not None:
            return self._node(s, e, _Spec(Ratio, s, e, value=None, form="percent"), _blank_spec(cnt.blank, "percent"))
        words_value = cnt.words_value / 100.0 if cnt.words_value is not None else None
        numeral, numeral_value_ = None, None
        if paren is not None:
            numeral, numeral_value_ = paren.numeral, paren.value
        elif cnt.numeral is not None:
            numeral, numeral_value_ = cnt.numeral, cnt.numeral_value / 100.0
        value = words_value if words_value is not None else numeral_value_
        return self._node(s, e, _Spec(Ratio, s, e, value=value, form="percent", words=cnt.words,
                                      words_value=words_value, numeral=numeral, numeral_value=numeral_value_))

    def ratio_fraction_percent(self, c: list) -> _V:
        """ "one-tenth percent (.10%)", "one-sixteenth of one percent": a fraction of one percent."""
        tok = c[0]
        f = words_fraction(tok.value)
        if f is None:
            raise _Reject()
        paren = c[-1] if isinstance(c[-1], _V) and "numeral" in c[-1].__dict__ else None
        s, e = tok.start_pos, _end(c[-1])
        words_value = float(f) / 100.0
        words = self._text(s, paren.s if paren else e)
        return self._node(s, e, _Spec(Ratio, s, e, value=words_value, form="percent", words=words,
                                      words_value=words_value, numeral=paren.numeral if paren else None,
                                      numeral_value=paren.value if paren else None))

    def ratio_fraction(self, c: list) -> _V:
        (tok,) = c
        f = words_fraction(tok.value)
        if f is None:
            raise _Reject()
        s, e = tok.start_pos, tok.end_pos
        words = self._text(s, e)
        return self._node(s, e, _Spec(Ratio, s, e, value=float(f), form="fraction", words=words, words_value=float(f)))

    def ratio_multiple(self, c: list) -> _V:
        cnt = c[0]
        s, e = cnt.s, _end(c[-1])
        if cnt.blank is not None:
            return self._node(s, e, _Spec(Ratio, s, e, value=None, form="multiple"), _blank_spec(cnt.blank, "multiple"))
        return self._node(s, e, _Spec(Ratio, s, e, value=cnt.value, form="multiple", **self._count_fields(cnt)))

    def ratio_mixed(self, c: list) -> _V:
        m = c[0]
        p = c[1] if len(c) > 1 else None
        s, e = m.s, _end(c[-1])
        return self._node(s, e, _Spec(Ratio, s, e, value=m.value, form="fraction", words=m.words, words_value=m.value,
                                      numeral=p.numeral if p else None, numeral_value=p.value if p else None))

    # ---- money
    def money_amount(self, c: list) -> _V:
        first = c[0]
        if isinstance(first, Token) and first.type == "NUM_SCALED":
            m = _SCALED.match(first.value)
            val = numeral_value(m.group(1)) if m else None
            if val is None:
                raise _Reject()
            val *= _SCALE_LETTERS[m.group(2).lower()]
            return _V(first.start_pos, first.end_pos, value=val, numeral=first.value, blank=None)
        if isinstance(first, Token) and first.type == "NUM":
            val = numeral_value(first.value)
            if val is None:
                raise _Reject()
            if len(c) > 1:
                val *= {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}[
                    c[1].value.lower()]
            s, e = first.start_pos, _end(c[-1])
            return _V(s, e, value=val, numeral=self._text(s, e), blank=None)
        tok = _blank_token(first)
        return _V(tok.start_pos, tok.end_pos, value=None, numeral=None, blank=tok)

    def paren_money(self, c: list) -> _V:
        amt = c[2]
        return _V(_start(c[0]), _end(c[-1]), amount=amt)

    def money_numeral(self, c: list) -> _V:
        sign, amt = c
        s, e = sign.start_pos, amt.e
        if amt.blank is not None:
            return self._node(s, e, _Spec(Money, s, e, blank=True), _blank_spec(amt.blank, "amount"))
        return self._node(s, e, _Spec(Money, s, e, value=amt.value, numeral=amt.numeral, numeral_value=amt.value))

    def money_words(self, c: list) -> _V:
        cnt = c[0]
        paren = c[-1] if len(c) == 3 else None
        s, e = cnt.s, _end(c[-1])
        specs: list[_Spec] = []
        numeral, numeral_value_ = cnt.numeral, cnt.numeral_value
        blank = cnt.blank is not None
        if paren is not None:
            amt = paren.amount
            if amt.blank is not None:
                blank = True
                specs.append(_blank_spec(amt.blank, "amount"))
            else:
                numeral, numeral_value_ = amt.numeral, amt.value
        value = cnt.words_value if cnt.words_value is not None else numeral_value_
        money = _Spec(Money, s, e, value=value, words=cnt.words, words_value=cnt.words_value,
                      numeral=numeral, numeral_value=numeral_value_, blank=blank)
        return self._node(s, e, money, *self._count_blank(cnt, "amount"), *specs)

    # ---- shares
    def share_count(self, c: list) -> _V:
        cnt = c[0]
        s, e = cnt.s, _end(c[-1])
        spec = _Spec(ShareCount, s, e, value=cnt.value, **self._count_fields(cnt))
        return self._node(s, e, spec, *self._count_blank(cnt, "shares"))

    def number_pair(self, c: list) -> _V:
        (p,) = c
        return self._node(p.s, p.e, _Spec(NumberPair, p.s, p.e, words=p.words, numeral=p.numeral,
                                          words_value=p.words_value, numeral_value=p.numeral_value))

    # ---- dates
    @staticmethod
    def _month(tok: Token) -> int:
        return _MONTHS[tok.value[:3].lower()]

    @staticmethod
    def _year(tok: Token) -> Optional[int]:
        """Year of a year token; None for a blank year; rejects implausible years."""
        if tok.type == "YEAR_BLANK":
            return None
        v = numeral_value(tok.value)
        if v is None or v != int(v) or not 1800 <= v <= 2199 or "," in tok.value:
            raise _Reject()
        return int(v)

    def _date(self, s: int, e: int, month: Optional[int], day: Optional[int], year_tok: Optional[Token],
              blank: Optional[Token] = None, year: Optional[int] = None) -> _V:
        if year_tok is not None:
            year = self._year(year_tok)
        if day is not None and not 1 <= day <= 31:
            raise _Reject()  # not a day of any month
        specs = []
        is_blank = blank is not None or (year_tok is not None and year_tok.type == "YEAR_BLANK")
        iso = None
        if not is_blank and year is not None and month is not None and day is not None:
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            if day <= _DAYS_IN[month - 1] and not (month == 2 and day == 29 and not leap):
                iso = f"{year:04d}-{month:02d}-{day:02d}"
            # else: a date that does not exist ("February 30, 2000"): kept, without iso
        specs.append(_Spec(DateNode, s, e, iso=iso, year=year, month=month, day=day, blank=is_blank))
        if blank is not None:
            specs.append(_blank_spec(blank, "date"))
        if year_tok is not None and year_tok.type == "YEAR_BLANK":
            specs.append(_Spec(Blank, year_tok.start_pos, year_tok.end_pos, blank_type="underscore", context="year"))
        return self._node(s, e, *specs)

    @staticmethod
    def _day(tok: Token) -> int:
        v = ordinal_value(tok.value) if tok.type == "ORDNUM" else numeral_value(tok.value)
        if v is None or v != int(v):
            raise _Reject()
        return int(v)

    def date_full(self, c: list) -> _V:
        month_tok, day_tok, year_tok = c[0], c[1], c[-1]
        return self._date(month_tok.start_pos, year_tok.end_pos, self._month(month_tok), self._day(day_tok), year_tok)

    def date_month_day(self, c: list) -> _V:
        month_tok, num = c
        v = self._day(num)
        if num.type == "NUM" and 1800 <= v <= 2199:
            return self._date(month_tok.start_pos, num.end_pos, self._month(month_tok), None, None, year=v)
        return self._date(month_tok.start_pos, num.end_pos, self._month(month_tok), v, None)

    def date_blank_day(self, c: list) -> _V:
        month_tok, blank, year_tok = c[0], _blank_token(c[1]), c[-1]
        return self._date(month_tok.start_pos, year_tok.end_pos, self._month(month_tok), None, year_tok, blank=blank)

    def date_month_year(self, c: list) -> _V:
        month_tok, year_tok = c[0], c[-1]
        return self._date(month_tok.start_pos, year_tok.end_pos, self._month(month_tok), None, year_tok)

    def date_blank_month_day(self, c: list) -> _V:
        blank, year_tok = _blank_token(c[0]), c[-1]
        return self._date(blank.start_pos, year_tok.end_pos, None, None, year_tok, blank=blank)

    def date_day_of(self, c: list) -> _V:
        daypart = next(x for x in c if isinstance(x, _V))
        if "blank" in daypart.__dict__ and daypart.blank is not None:
            day, blank = None, daypart.blank
        else:
            day, blank = daypart.value, None
            if day != int(day):
                raise _Reject()
            day = int(day)
        month_tok = next(x for x in c if isinstance(x, Token) and x.type in ("MONTH", "MONTH_ABBR"))
        year_tok = c[-1] if isinstance(c[-1], Token) and c[-1].type in ("NUM", "YEAR_BLANK") else None
        s, e = _start(c[0]), _end(c[-1])
        return self._date(s, e, self._month(month_tok), day, year_tok, blank=blank)

    def date_slash(self, c: list) -> _V:
        (tok,) = c
        m, d, y = (int(p) for p in tok.value.split("/"))
        if y < 100:
            y += 1900 if y >= 50 else 2000
        if not 1 <= m <= 12:
            raise _Reject()
        return self._date(tok.start_pos, tok.end_pos, m, d, None, year=y)

    def dated(self, c: list) -> _V:
        return c[-1]

    def dated_blank(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return self._node(s, e, _Spec(Blank, s, e, blank_type="dated_blank", context="date"))

    # ---- blanks
    def blank_simple(self, c: list) -> _V:
        tok = _blank_token(c[0])
        return self._node(tok.start_pos, tok.end_pos, _blank_spec(tok, None))

    def _blank(self, c: list, blank_type: str, context: Optional[str] = None) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return self._node(s, e, _Spec(Blank, s, e, blank_type=blank_type, context=context))

    def blank_file_number(self, c: list) -> _V:
        return self._blank(c, "file_number", "file_number")

    def blank_placeholder(self, c: list) -> _V:
        return self._blank(c, "placeholder")

    def blank_option(self, c: list) -> _V:
        return self._blank(c, "bracket_option")

    def blank_year(self, c: list) -> _V:
        return self._blank(c, "underscore", "year")

    # ---- references
    def ref(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        toks = c if all(type(x) is Token for x in c) else _tokens(_Tree("ref", c))
        if len(toks) == 2 and toks[0].type == "NUM" and toks[1].type == "NUM":
            target = toks[0].value + " " + toks[1].value  # "Section 8 105 of the UCC"
        else:
            target = "".join(t.value for t in toks)
        return _V(s, e, target=target, label=False)

    def rel_label(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return _V(s, e, target="".join(t.value for t in _tokens(_Tree("rel_label", c))), label=True)

    def ref_sep(self, c: list) -> _V:
        return _V(_start(c[0]), _end(c[-1]), through=any(t.type in ("THROUGH", "TO") for t in c))

    def _targets(self, lst: Any) -> list[_V]:
        """Targets of a ref_list/rel_list/doc_list, with integer ranges ("6 through 9") spelled out."""
        children = lst.children
        if len(children) == 1 and type(children[0]) is _V and "target" in children[0].__dict__:  # one target
            return [children[0]]
        items = [x for x in children if isinstance(x, _V) and "target" in x.__dict__]
        seps = [x for x in children if isinstance(x, _V) and "through" in x.__dict__]
        out: list[_V] = []
        for i, it in enumerate(items):
            if i > 0 and seps[i - 1].through and out:
                lo, hi = out[-1].target, it.target
                if lo.isdigit() and hi.isdigit() and 0 < int(hi) - int(lo) <= 50:
                    for k in range(int(lo) + 1, int(hi)):
                        out.append(_V(it.s, it.e, target=str(k), label=False, implied=True))
            out.append(it)
        return out

    def doc_label(self, c: list) -> _V:
        (tok,) = c
        if tok.value.startswith("."):
            raise _Reject()  # "schedule.50%": a decimal, not a label
        if tok.type == "A" and tok.value != "A":
            raise _Reject()  # "Exhibit A and a copy": a lower-case "a" is the article
        return _V(tok.start_pos, tok.end_pos, target=tok.value, label=False)

    def xqual(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return _V(s, e, text=self._text(s, e))

    def _xref_specs(self, cls: Any, s: int, e: int, targets: list[_V], **fields: Any) -> list[_Spec]:
        return [_Spec(cls, s, e, targets=tuple(t.target for t in targets), **fields)]

    def xref_section(self, c: list) -> _V:
        kw, lst = c[0], c[1]
        qual = c[2].text if len(c) > 2 else None
        s, e = _start(kw), _end(c[-1])
        targets = self._targets(lst)
        return self._node(s, e, *self._xref_specs(CrossRef, s, e, targets, ref_type=_SEC_TYPE[_tokens(kw)[0].type],
                                                  qualifier=qual))

    def xref_relative_of(self, c: list) -> _V:
        kw, lst = c[0], c[1]
        ref = c[-1] if isinstance(c[-1], _V) and "target" in c[-1].__dict__ else None
        s, e = _start(kw), _end(c[-1])
        labels = self._targets(lst)
        of_start = _start(c[2])
        if ref is not None:
            targets = [_V(x.s, x.e, target=ref.target + x.target) for x in labels]
            context = ref.target
        else:
            targets, context = labels, None
        spec = _Spec(CrossRef, s, e, ref_type=_SEC_TYPE[_tokens(kw)[0].type],
                     targets=tuple(t.target for t in targets), qualifier=self._text(of_start, e), context=context)
        return self._node(s, e, spec)

    def xref_relative(self, c: list) -> _V:
        kw, lst = c[0], c[1]
        qual = c[2].text if len(c) > 2 else None
        s, e = _start(kw), _end(c[-1])
        return self._node(s, e, *self._xref_specs(CrossRef, s, e, self._targets(lst),
                                                  ref_type=_SEC_TYPE[_tokens(kw)[0].type], qualifier=qual))

    def xref_document(self, c: list) -> _V:
        kw, lst = c[0], c[1]
        qual = c[2].text if len(c) > 2 else None
        s, e = _start(kw), _end(c[-1])
        return self._node(s, e, *self._xref_specs(CrossRef, s, e, self._targets(lst),
                                                  ref_type=_DOC_TYPE[_tokens(kw)[0].type], qualifier=qual))

    def form_name(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return _V(s, e, target=self._text(s, e))

    def attached(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return _V(s, e, text=self._text(s, e))

    def xref_form(self, c: list) -> _V:
        name, att = c[2], c[3]
        s, e = _start(c[0]), att.e
        return self._node(s, e, _Spec(CrossRef, s, e, ref_type="form", targets=(name.target,), qualifier=att.text))

    def instrument(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return _V(s, e, name=self._text(s, e))

    def ext_of(self, c: list) -> _V:
        return _V(_start(c[0]), _end(c[-1]), name=c[-1].name)

    def _external(self, ref_type: str, kw: Any, targets: list[_V], instrument: Optional[str], e: int) -> _V:
        s = _start(kw)
        specs = []
        for i, t in enumerate(targets):
            ts = s if i == 0 else t.s
            te = e if i == len(targets) - 1 else t.e
            specs.append(_Spec(ExternalRef, ts, te, ref_type=ref_type, number=t.target, instrument=instrument))
        return self._node(s, e, *specs)

    def ext_section(self, c: list) -> _V:
        kw, lst, ext = c
        s, e = _start(kw), ext.e
        targets = self._targets(lst)
        name = ext.name
        if name.lower() in _SELF_INSTRUMENTS:
            return self._node(s, e, *self._xref_specs(CrossRef, s, e, targets, ref_type=_SEC_TYPE[_tokens(kw)[0].type],
                                                      qualifier=self._text(_start(ext), e)))
        return self._external(_SEC_TYPE[_tokens(kw)[0].type], kw, targets, name, e)

    def ext_rule(self, c: list) -> _V:
        kw, lst = c[0], c[1]
        ext = c[2] if len(c) > 2 else None
        return self._external("rule", kw, self._targets(lst), ext.name if ext else None, _end(c[-1]))

    def reg_id(self, c: list) -> _V:
        (tok,) = c
        v = tok.value
        if tok.type in ("WORD", "A") and not (v.isupper() and len(v) <= 4):
            raise _Reject()  # "Regulation S", "Regulation FD"; not "regulation governing"
        return _V(tok.start_pos, tok.end_pos, target=v)

    def ext_regulation(self, c: list) -> _V:
        kw, rid = c[0], c[1]
        ext = c[2] if len(c) > 2 else None
        return self._external("regulation", kw, [rid], ext.name if ext else None, _end(c[-1]))

    def ext_form(self, c: list) -> _V:
        kw, fid = c[0], c[1]
        ext = c[2] if len(c) > 2 else None
        return self._external("form", kw, [_V(fid.start_pos, fid.end_pos, target=fid.value)], ext.name if ext else None,
                              _end(c[-1]))

    def ext_item(self, c: list) -> _V:
        kw, lst, rid = c[0], c[1], c[-1]
        return self._external("item", kw, self._targets(lst), "Regulation " + rid.target, _end(c[-1]))

    # ---- definitions
    def def_terms(self, c: list) -> _V:
        terms = []
        for t in c:
            if isinstance(t, Token) and t.type == "QUOTED":
                raw = t.value
                inner = raw[2:-2] if raw.startswith("``") else raw[1:-1]
                term = _norm(inner)
                if not term:
                    raise _Reject()
                terms.append(term)
        return _V(_start(c[0]), _end(c[-1]), terms=terms)

    def _definitions(self, c: list, form: str) -> _V:
        terms = next(x for x in c if type(x) is _V and "terms" in x.__dict__)
        s, e = _start(c[0]), _end(c[-1])
        return _V(s, e, specs=[_Spec(Definition, s, e, term=t, form=form) for t in terms.terms])

    def def_parenthetical(self, c: list) -> _V:
        return self._definitions(c, "parenthetical")

    def def_herein(self, c: list) -> _V:
        return self._definitions(c, "herein_called")

    def def_means(self, c: list) -> _V:
        return self._definitions(c, "means")

    def def_quoted(self, c: list) -> _V:
        (tok,) = c
        raw = tok.value  # (what def_terms reads from a QUOTED token)
        term = _norm(raw[2:-2] if raw.startswith("``") else raw[1:-1])
        if not term:
            raise _Reject()
        # a defined term is short and starts with a capital or a digit ("Firm Shares",
        # "AVAILABILITY DATE"); longer quotations are not definitions
        if len(term.split()) > 8 or not (term[0].isupper() or term[0].isdigit()) or term.endswith((".", ",")):
            raise _Reject()
        s, e = tok.start_pos, tok.end_pos
        return self._node(s, e, _Spec(Definition, s, e, term=term, form="quoted"))

    def def_as_defined(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        return self._node(s, e, _Spec(Definition, s, e, term="", form="as_defined"))

    # ---- scope of a definition
    def scope(self, c: list) -> _V:
        s, e = _start(c[0]), _end(c[-1])
        of_tok = next(x for x in c if isinstance(x, Token) and x.type == "OF")
        return self._node(s, e, _Spec(_SCOPE, s, e, text=self._text(s, e)),
                          _Spec(_RESUME, of_tok.end_pos, of_tok.end_pos))


# ---------------------------------------------------------------------------
# The grammar, loaded once per process
# ---------------------------------------------------------------------------


class _DefaultCallback:
    """What Lark calls for a rule the NodeBuilder has no method for (a picklable
    stand-in for the closure Lark makes)."""

    __slots__ = ("builder", "data")

    def __init__(self, builder: "NodeBuilder", data: str) -> None:
        self.builder = builder
        self.data = data

    def __call__(self, children: list) -> Any:
        return self.builder.__default__(self.data, children, None)


def _picklable_callback(cb: Any, builder: "NodeBuilder") -> Any:
    """``cb`` with Lark's local default-callback closures replaced by :class:`_DefaultCallback`."""
    if isinstance(cb, functools.partial) and getattr(cb.func, "__name__", "") == "default_callback":
        return _DefaultCallback(builder, *cb.args)
    inner = getattr(cb, "node_builder", None)
    if inner is not None:
        cb.node_builder = _picklable_callback(inner, builder)
    return cb


def _reducer(n: int, cb: Any) -> tuple:
    """A rule's callback taken apart for :meth:`_Grammar.build`: (length, function,
    children to keep or None for all, whether a single kept child stands for the rule).

    Lark's chain is an optional child filter around an optional single-child
    expansion around the function; the default callback becomes the
    :class:`_Tree` it makes.  Any other chain is called as it is."""
    include = None
    expand1 = False
    f = cb
    if type(f) is ChildFilterLALR_NoPlaceholders:
        include = tuple(f.to_include)
        f = f.node_builder
    if type(f) is ExpandSingleChild:
        expand1 = True
        f = f.node_builder
    if type(f) is _DefaultCallback and type(f.builder).__default__ is NodeBuilder.__default__:
        f = functools.partial(_Tree, f.data)
    elif not callable(f) or isinstance(f, (ChildFilterLALR_NoPlaceholders, ExpandSingleChild)):
        return n, cb, None, False  # pragma: no cover - a chain of another shape
    return n, f, include, expand1


# Parser configurations kept per process (each a stack the scanner reached, with its steps).
_CONFIG_LIMIT = 200000
# A word of ASCII letters that white space, a comma, a semicolon or a colon follows is
# one token whatever comes after, unless it can begin a token that goes on over white
# space ("one half": the lexer lists these words, see ClauseLexer.spanning_words): the
# other terminals that can begin with a letter take in none of those characters and
# look no further than the character after their end (a hyphen, apostrophe, point,
# parenthesis or "$" would continue one).  So the token's type, once the lexer has
# read such a word, is known from the word itself, read with one small expression
# instead of the lexer's alternatives for its letter.
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_PUNCT_STOPS = frozenset(",;:")  # (the same holds for a word before one of these)
_LETTER_RUN = re.compile(r"([A-Za-z]+)\s*").match
_WORDS_LIMIT = 100000


class _Config:
    """A parser stack the scanner has reached, and the steps taken from it: token type ->
    next configuration, or None where the token is an error."""

    __slots__ = ("stack", "steps", "reds", "end_reds", "may_end", "accepts")

    def __init__(self, stack: tuple, may_end: bool) -> None:
        self.stack = stack
        self.steps: dict[str, Optional[_Config]] = {}
        # the reducers (see _Grammar.reducers) of the reductions made before a token of
        # each type is shifted here, and those made at an accepted end of input
        self.reds: dict[str, tuple] = {}
        self.end_reds: Optional[tuple] = None
        self.may_end = may_end  # the top state has an action on end-of-input
        self.accepts: Optional[bool] = None  # end-of-input accepted here (known once asked)


class _Grammar:
    """The LALR tables the scanner drives, the lexer, and the callbacks that build nodes.

    Built from ``grammar/*.lark`` by Lark (whose own cache keeps the LALR analysis),
    then kept whole in the checker's cache folder, so a new process loads it in one
    read; the cache is keyed by the grammar files, this module and the versions of
    Python, Lark and the checker, so an edited grammar is read again.
    """

    def __init__(self) -> None:
        self.builder = NodeBuilder()
        path = resource_path("grammar", "clause.lark")
        parser = Lark.open(
            str(path),
            parser="lalr",
            lexer=ClauseLexer,
            transformer=self.builder,
            maybe_placeholders=False,
            cache=_lark_cache_file(),
        )
        frontend = parser.parser
        self.lexer: ClauseLexer = frontend.lexer
        lalr = frontend.parser
        table = lalr._parse_table
        callbacks = lalr.parser.callbacks  # Lark's tree-building callbacks, calling the NodeBuilder
        start = "start"
        self.start_state = table.start_states[start]
        self.end_state = table.end_states[start]
        self._start_stack = (self.start_state,)
        # The same tables with plain keys: a shift is the target state (>= 0), a
        # reduction is -1 - its index in self.rules.  A rule of one symbol that Lark
        # inlines (``?rule``) passes its child up as it is: its callback is None.
        rules: list[tuple[int, str, Optional[Callable]]] = []
        rule_index: dict[Any, int] = {}
        actions: dict[Any, dict[str, int]] = {}
        for state, acts in table.states.items():
            row: dict[str, int] = {}
            for sym, (action, arg) in acts.items():
                if action.name == "Shift":
                    row[str(sym)] = arg
                else:
                    if arg not in rule_index:
                        rule_index[arg] = len(rules)
                        n = len(arg.expansion)
                        cb = callbacks[arg]
                        rules.append((n, str(arg.origin.name),
                                      None if n == 1 and isinstance(cb, ExpandSingleChild)
                                      else _picklable_callback(cb, self.builder)))
                    row[str(sym)] = -1 - rule_index[arg]
            actions[state] = row
        self.actions = actions
        self.rules = rules
        # the callbacks taken apart (None for a rule whose single child stands for it)
        self.reducers = [None if cb is None else _reducer(n, cb) for n, _, cb in rules]
        self.may_end = {s for s, row in actions.items() if "$END" in row}
        self._configs: dict[tuple, _Config] = {}  # parser stack -> its configuration
        self._programs: dict[tuple, tuple] = {}  # token types -> the reductions build() makes
        self._words: dict[str, str] = {}  # a word of ASCII letters before white space -> its token type
        self._reader: Optional[tuple] = None  # what longest() reads tokens with (see _make_reader)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_configs"] = {}
        state["_programs"] = {}
        state["_words"] = {}
        state["_reader"] = None
        return state

    def _step(self, cfg: _Config, typ: str) -> Optional[_Config]:
        """Feed a token of type ``typ`` in configuration ``cfg``: reduce as the table
        says, then shift.  The next configuration, or None if the token is an error there.

        The step is remembered while fewer than ``_CONFIG_LIMIT`` configurations are kept."""
        actions, rules, reducers = self.actions, self.rules, self.reducers
        stack = list(cfg.stack)
        reds = []
        code = actions[stack[-1]].get(typ)
        while code is not None and code < 0:
            n, origin, _ = rules[-1 - code]
            if n:
                del stack[-n:]
            red = reducers[-1 - code]
            if red is not None:
                reds.append(red)
            stack.append(actions[stack[-1]][origin])
            code = actions[stack[-1]].get(typ)
        if code is None:
            cfg.steps[typ] = None
            return None
        stack.append(code)
        key = tuple(stack)
        nxt = self._configs.get(key)
        if nxt is None:
            nxt = _Config(key, code in self.may_end)
            if len(self._configs) >= _CONFIG_LIMIT:
                return nxt  # used once, not kept
            self._configs[key] = nxt
        cfg.steps[typ] = nxt
        cfg.reds[typ] = tuple(reds)
        return nxt

    def _make_reader(self) -> tuple:
        """What longest() reads tokens with, gathered once: the lexer's tables and
        expressions, the words whose type is known, the steps."""
        lexer = self.lexer
        spanning = lexer.spanning_words
        # (with no list of words that may begin a longer token, no word's type is known from the word alone)
        letters = _ASCII_LETTERS if spanning is not None else frozenset()
        self._reader = (lexer._dispatch, lexer._lookup, lexer._pattern_for, lexer._ws.match, lexer._word_end.match,
                        letters, _LETTER_RUN, self._words, spanning, _PUNCT_STOPS, self._step)
        return self._reader

    def longest(self, text: str, pos: int, memo: dict) -> tuple[list, list]:
        """Tokens read from ``pos``, and the prefixes where the grammar may accept.

        Runs the LALR automaton over token types only, one remembered step per
        token once a configuration has seen that token type.  Returns the tokens
        and, for each prefix whose state has an action on end-of-input, (length,
        configuration); :meth:`accepts` says whether end-of-input is really
        accepted there.
        """
        cfg = self._configs.get(self._start_stack)
        if cfg is None:
            cfg = self._configs[self._start_stack] = _Config(self._start_stack, self.start_state in self.may_end)
        toks: list[tuple] = []
        maybe: list[tuple[int, _Config]] = []
        # (the lexer's token_at written out here, where nearly every token is read:
        # the same steps without a method call and its attribute look-ups per token)
        dispatch, lookups, pattern_for, ws, word_end, letters, letter_run, words, spanning, stops, step = \
            self._reader or self._make_reader()
        n = len(text)
        i = pos
        if i < n and text[i].isspace():
            # (only here: every token read takes in the white space after it, so the
            # next one starts where it ends)
            i = ws(text, i).end()
        count = 0
        while count < MAX_TOKENS:
            tok = memo.get(i)
            if tok is None:
                if i >= n:
                    break
                ch = text[i]
                w = None
                if ch in letters:
                    # a word of ASCII letters with white space, ",", ";" or ":" after it:
                    # its token is the whole word, of the type the lexer gave it before
                    r = letter_run(text, i)
                    w = r.group(1)
                    end = i + len(w)
                    after = r.end()
                    if end < after or (end < n and text[end] in stops):
                        typ = words.get(w)
                        if typ is not None:
                            tok = memo[i] = (typ, i, end, after)
                    else:
                        w = None
                if tok is None:
                    m = (dispatch.get(ch) or pattern_for(ch)).match(text, i)
                    typ = m.lastgroup
                    end = m.end(typ)
                    lookup = lookups.get(typ)
                    if lookup is not None:
                        hit = lookup.get(text[i:end].lower())
                        if hit is not None:
                            if hit[0] is not None:  # a keyword
                                typ = hit[0]
                            elif not word_end(text, end):  # a word of a list, as a whole word
                                typ = hit[1]
                    tok = memo[i] = (typ, i, end, m.end())
                    if w is not None and end == i + len(w) and tok[3] == after \
                            and w.lower() not in spanning[0] and w[0] not in spanning[1]:
                        if len(words) >= _WORDS_LIMIT:
                            words.clear()
                        words[w] = typ
            nxt = cfg.steps.get(tok[0], cfg)  # (cfg itself: not seen yet)
            if nxt is cfg:
                nxt = step(cfg, tok[0])
            if nxt is None:
                break
            cfg = nxt
            toks.append(tok)
            count += 1
            i = tok[3]
            if cfg.may_end:
                maybe.append((count, cfg))
        return toks, maybe

    def accepts(self, cfg: _Config) -> bool:
        """Whether end-of-input is accepted in this configuration."""
        if cfg.accepts is not None:
            return cfg.accepts
        actions, rules, end_state = self.actions, self.rules, self.end_state
        st = list(cfg.stack)
        result = False
        while True:
            code = actions[st[-1]].get("$END")
            if code is None or code >= 0:
                break
            n, origin, _ = rules[-1 - code]
            if n:
                del st[-n:]
            st.append(actions[st[-1]][origin])
            if st[-1] == end_state:
                result = True
                break
        cfg.accepts = result
        return result

    def _program(self, types: tuple) -> tuple:
        """The reductions that build values for a token type sequence the grammar accepts
        (see :meth:`_program_of_tables`), read off the steps the scanner took over it:
        each step keeps its reductions, and a configuration those at end of input.
        The tables are run again only for a step that was not kept."""
        cfg = self._configs.get(self._start_stack)
        if cfg is None:
            return self._program_of_tables(types)
        program = []
        for typ in types:
            reds = cfg.reds.get(typ)
            if reds is None:
                return self._program_of_tables(types)
            program.append(reds)
            cfg = cfg.steps[typ]
        end = cfg.end_reds
        if end is None:
            actions, rules, reducers, end_state = self.actions, self.rules, self.reducers, self.end_state
            stack = list(cfg.stack)
            out = []
            while True:
                code = actions[stack[-1]]["$END"]
                n, origin, _ = rules[-1 - code]
                red = reducers[-1 - code]
                if n:
                    del stack[-n:]
                if red is not None:
                    out.append(red)
                stack.append(actions[stack[-1]][origin])
                if stack[-1] == end_state:
                    break
            end = cfg.end_reds = tuple(out)
        program.append(end)
        program = tuple(program)
        if len(self._programs) < _CONFIG_LIMIT:
            self._programs[types] = program
        return program

    def _program_of_tables(self, types: tuple) -> tuple:
        """The reductions that build values for a token type sequence the grammar accepts:
        one tuple of reducers before each token is shifted, and one at end of input.

        The LALR loop of Lark's parser over the same tables, run once per sequence;
        rules whose single child stands for them build nothing and are left out."""
        actions, rules, reducers, end_state = self.actions, self.rules, self.reducers, self.end_state
        stack = [self.start_state]
        program = []
        for typ in types + ("$END",):
            reds = []
            while True:
                code = actions[stack[-1]][typ]
                if code >= 0:
                    break
                n, origin, _ = rules[-1 - code]
                red = reducers[-1 - code]
                if red is None:
                    del stack[-1]
                else:
                    if n:
                        del stack[-n:]
                    reds.append(red)
                stack.append(actions[stack[-1]][origin])
                if stack[-1] == end_state and typ == "$END":
                    program.append(tuple(reds))
                    if len(self._programs) < _CONFIG_LIMIT:
                        self._programs[types] = tuple(program)
                    return tuple(program)
            stack.append(code)
            program.append(tuple(reds))
        raise AssertionError("the tokens were accepted by longest(): end of input is accepted")

    def build(self, src: str, toks: list[tuple[str, int, int, int]], base: int, k: Optional[int] = None) -> list[_Spec]:
        """Parse the first ``k`` tokens (all by default; offsets relative to ``base``) and build the nodes.

        Runs the reductions Lark's parser makes for these token types (see
        :meth:`_program`), calling the NodeBuilder's methods.
        """
        if k is None:
            k = len(toks)
        types = tuple([t[0] for t in toks[:k]]) if k != len(toks) else tuple([t[0] for t in toks])
        program = self._programs.get(types) or self._program(types)
        self.builder.src = src
        values: list = []
        append = values.append
        new, tok_cls = _new_str, Token
        i = 0
        for reds in program:
            for n, f, include, expand1 in reds:
                if n:
                    args = values[-n:]
                    del values[-n:]
                else:
                    args = []
                if include is not None:  # Lark's child filter (LALR, no placeholders)
                    kept: list = []
                    for j, to_expand in include:
                        if to_expand:
                            if kept:
                                kept += args[j].children
                            else:
                                kept = args[j].children
                        else:
                            kept.append(args[j])
                    args = kept
                if expand1 and len(args) == 1:
                    append(args[0])
                else:
                    append(f(args))
            if i < k:
                typ, s, e, _ = toks[i]
                i += 1
                s -= base
                e -= base
                # a Lark Token, made without Token.__new__'s keyword handling
                v = src[s:e]
                tok = new(tok_cls, v)
                tok.type = typ
                tok.value = v
                tok.start_pos = s
                tok.end_pos = e
                append(tok)  # (line and column are not read: the offsets are what counts)
        return values[-1]


def _lark_cache_file() -> str:
    """Where Lark caches the clause grammar: a file named by the contents of both grammar
    files.  (Lark's own name hashes the main grammar only, and it checks an imported
    file by the path it recorded, so two checkouts sharing a temporary folder would
    share one cache whatever their common.lark says.)"""
    import hashlib
    import tempfile

    h = hashlib.sha256()
    for name in ("clause.lark", "common.lark"):
        h.update(resource_path("grammar", name).read_bytes())
    return os.path.join(tempfile.gettempdir(), f".lark_clausecheck_{h.hexdigest()[:24]}.tmp")


_GRAMMAR: Optional[_Grammar] = None


def _grammar_cache_key() -> str:
    import hashlib
    import sys

    import lark

    from . import __version__

    h = hashlib.sha256(f"{__version__}|{lark.__version__}|{sys.version}".encode())
    for p in (resource_path("grammar", "clause.lark"), resource_path("grammar", "common.lark"), __file__):
        st = os.stat(p)
        h.update(f"|{os.path.basename(p)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def _load_grammar() -> _Grammar:
    import pickle

    from .cache import cache_file, write_atomically

    path = None
    try:
        path = cache_file(f"grammar-{_grammar_cache_key()}.pickle")
        if path is not None and path.is_file():
            with open(path, "rb") as fh:
                g = pickle.load(fh)
            if isinstance(g, _Grammar):
                return g
    except Exception:  # a damaged or foreign cache: build the grammar again
        pass
    g = _Grammar()
    if path is not None:
        try:
            write_atomically(path, pickle.dumps(g, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # an unpicklable grammar or a read-only cache: work without it
            pass
    return g


def grammar() -> _Grammar:
    """The loaded clause grammar (built on first use, then from the checker's cache)."""
    global _GRAMMAR
    if _GRAMMAR is None:
        _GRAMMAR = _load_grammar()
    return _GRAMMAR


# ---------------------------------------------------------------------------
# The pre-scan: where a node can start
# ---------------------------------------------------------------------------

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fourty fifty sixty seventy eighty ninety"
).split()
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth "
    "fiftieth sixtieth seventieth eightieth ninetieth hundredth"
).split()
_MONTH_WORDS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DETERMINERS = "the this such any each its their said a an".split()


def _alternation(words: list[str]) -> str:
    """A regular expression for a word list, grouped by first letter (faster to scan)."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    parts = []
    for first, rests in sorted(by_first.items()):
        parts.append(re.escape(first) + "(?:" + "|".join(rests) + ")")
    return "(?:" + "|".join(parts) + ")"


_MONTHS_RX = _alternation(_MONTH_WORDS)
_UNIT_RX = r"(?:(?:full|consecutive|calendar|business|trading)\s+)*(?:days?|hours?|weeks?|months?|years?)\b"

# Where a node can begin, on the lower-cased clause.  Each alternative is a
# necessary condition read off the grammar (what a node's first tokens can be),
# so the pre-scan only skips text where no node starts; the test suite checks
# this against a scan that tries every token.  Trigger words are grouped by
# first letter, each with the condition on what follows it, because the regular
# expression engine then rejects most positions after one character.
_EVENT_START = r"\s+(?:(?:" + "|".join(_DETERMINERS) + r")\b|" + _MONTHS_RX + r"(?![a-z])|\d|_)"
_AFTER_ANCHOR = r"(?=" + _EVENT_START + ")"
_TRIGGER_WORDS: list[tuple[str, str, str]] = []  # (word, condition, lead-in kind)
# what may follow a count inside a node: a unit, a basis, "percent", "shares", "dollars" ...
_COUNT_FOLLOW = (
    "day days hour hours week weeks month months year years calendar business trading full consecutive "
    "percent percentum per times dollars dollar cents shares share additional fully paid nonassessable "
    "non outstanding and"
).split()
_DENOMINATORS = (
    "half halves third thirds quarter quarters fourth fourths fifth fifths sixth sixths seventh sevenths "
    "eighth eighths ninth ninths tenth tenths eleventh elevenths twelfth twelfths hundredth hundredths "
    "thousandth thousandths"
).split()
_SCALES = "hundred thousand million billion trillion".split()
_AFTER_NUMERAL = (
    r"(?=\s*%|_|[\-\u2010](?:_|\[|(?:(?:calendar|business|trading)[\-\u2010])?(?:day|week|month|year|hour))"
    r"|/\d|(?:-|[ \t]+)\d+/\d|(?:st|nd|rd|th|d)(?![a-z])|\s+" + _alternation(_COUNT_FOLLOW) + r"(?![a-z])"
    # "750,000 Optional Shares" (possessive: a word ends only where white space follows)
    r"|\s+[a-z][a-z'’\-]*+(?:\s+[a-z][a-z'’\-]*+)?\s+shares?(?![a-z]))"
)
# The same condition for the scan itself, written so that the engine rejects most
# alternatives on their first character: the white space that several alternatives
# begin with is read once, and "st", "nd", "rd", "th" and "d" are alternatives of
# their own (a lookahead only asks whether some alternative matches, so their order
# and grouping do not change what it accepts; the tests compare the two forms).
_AFTER_NUMERAL_SCAN = (
    r"(?=%|_|[\-\u2010](?:_|\[|(?:(?:calendar|business|trading)[\-\u2010])?(?:day|week|month|year|hour))"
    r"|/\d|-\d+/\d|st(?![a-z])|nd(?![a-z])|rd(?![a-z])|th(?![a-z])|d(?![a-z])|[ \t]+\d+/\d"
    r"|\s+(?:%|" + _alternation(_COUNT_FOLLOW) + r"(?![a-z])"
    r"|[a-z][a-z'’\-]*+(?:\s+[a-z][a-z'’\-]*+)?\s+shares?(?![a-z])))"
)
_AFTER_NUMBER_WORD = (
    r"(?=\s*[(%]|[\s\-\u2010]+(?:" + _alternation(_COUNT_FOLLOW + _NUMBER_WORDS + _SCALES + _DENOMINATORS)
    + r"|[a-z]+ths?)(?![a-z]))"
)
for _w in _NUMBER_WORDS:
    _TRIGGER_WORDS.append((_w, _AFTER_NUMBER_WORD, "q"))
for _w in _ORDINAL_WORDS:
    _TRIGGER_WORDS.append((_w, r"(?=[\s\-\u2010]+" + _UNIT_RX + r"|\s+day\s+of\b)", "q"))
for _w in _MONTH_WORDS:
    _TRIGGER_WORDS.append((_w, r"(?=\.?\s*[\d_\[,])", "q"))
for _w in ("section sections subsection subsections sub-section sub-sections clause clauses sub-clause sub-clauses "
           "paragraph paragraphs subparagraph subparagraphs sub-paragraph sub-paragraphs article articles").split():
    _TRIGGER_WORDS.append((_w, r"(?=\s*[\d(]|\s+(?:[a-z]|[ivxl]+)(?![a-z]))", "x"))
for _w in "schedule schedules exhibit exhibits annex annexes appendix appendices".split():
    _TRIGGER_WORDS.append((_w, r"(?=\s*\d|\s+(?:[a-z]|[ivxl]+)(?![a-z]))", "x"))
for _w, _cond in (
    ("form", r"(?=\s+(?:of\b|[a-z]{1,2}-|\d))"),
    ("rule", r"(?=\s+\d)"),
    ("rules", r"(?=\s+\d)"),
    ("regulation", r"(?=\s+[a-z]{1,4}(?![a-z]))"),
    ("item", r"(?=\s+\d)"),
    ("for", r"(?=\s+(?:the\s+)?purposes?\s+of\b)"),
    ("dated", r"(?=\s*:?\s*(?:[,_\[\d]|" + _MONTHS_RX + r"))"),
    ("after", _AFTER_ANCHOR),
    ("following", _AFTER_ANCHOR),
    ("before", _AFTER_ANCHOR),
    ("preceding", _AFTER_ANCHOR),
    ("prior", r"(?=\s+to" + _EVENT_START + ")"),
    ("subsequent", r"(?=\s+to" + _EVENT_START + ")"),
):
    _TRIGGER_WORDS.append((_w, _cond, "x"))
_TRIGGER_WORDS.append(
    ("herein", r"(?=\s+(?:collectively|sometimes|individually|together|each|called|referred|as)\b)", "h")
)
_TRIGGER_WORDS.append(("hereinafter", r"(?![a-z])", "h"))
_TRIGGER_WORDS.append(("referred", r"(?=\s+to\s+in\s+this\s+[a-z]+\s+as\b)", "x"))


def _letter_trie(words: list[str]) -> str:
    """An expression for a list of words, as a trie of their letters (each letter
    compared once; a branch rejected on its first character)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alts = [re.escape(ch) + branch(node[ch]) for ch in sorted(k for k in node if k)]
        if "" in node:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return branch(root)


def _word_trie(entries: list[tuple[str, str, str]]) -> str:
    """One alternation for the trigger words: by first letter (the engine rejects a
    branch on its first character), then by condition (written once per letter),
    the rest of the words of a condition as a trie of their letters, so that a
    common word that is no trigger ("the", "and", "shall") costs a comparison or two.

    The order of the branches does not matter: every condition but that of "dated"
    requires that no letter follows the word, so no trigger word matches where a
    longer one that it begins does (the tests check this)."""
    by_first: dict[str, dict[str, list[str]]] = {}
    for word, cond, _ in entries:
        by_first.setdefault(word[0], {}).setdefault(cond, []).append(word[1:])
    parts = []
    for first, by_cond in sorted(by_first.items()):
        groups = [_letter_trie(sorted(set(rests))) + cond for cond, rests in by_cond.items()]
        parts.append(re.escape(first) + (groups[0] if len(groups) == 1 else "(?:" + "|".join(groups) + ")"))
    return "|".join(parts)


def _condition_trie(entries: list[tuple[str, str, str]]) -> str:
    """One trie of the letters of all trigger words, each word's condition at its end.

    Every branch of the expression begins with a letter, which the engine compares
    before it enters the branch; a subtree whose words share one condition is written
    as a trie of their letters followed by that condition once.  Where a trigger word
    matches, it is the only one that can (see :func:`_word_trie`)."""
    root: dict = {}
    for word, cond, _ in entries:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(cond)

    def conds(node: dict) -> set:
        out: set = set()
        for k, v in node.items():
            out |= set(v) if k == "" else conds(v)
        return out

    def words(node: dict, prefix: str = "") -> list[str]:
        out: list[str] = []
        for k, v in node.items():
            out.extend([prefix] if k == "" else words(v, prefix + k))
        return out

    def emit(node: dict) -> str:
        cs = conds(node)
        if len(cs) == 1 and node is not root:
            return _letter_trie(sorted(set(words(node)))) + next(iter(cs))
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if "" in node:
            ends = list(dict.fromkeys(node[""]))
            alts.append(ends[0] if len(ends) == 1 else "(?:" + "|".join(ends) + ")")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


_BOUND_LEADS = [
    "not later than", "no later than", "not earlier than", "no earlier than", "not more than",
    "no more than", "not less than", "no less than", "not fewer than", "no fewer than",
    "not greater than", "no greater than", "not to exceed", "not exceed", "not exceeding",
    "not in excess of", "at least", "at most", "within", "up to", "more than", "less than",
    "fewer than", "greater than", "in excess of", "exceeds", "exceed", "exceeding",
]
# a bound before a bare count ("not more than 3", "at least two"): the first word of the
# lead-in, on condition that the rest of it and a count follow
_BARE_COUNT = r"\s+(?:\d|" + _alternation(_NUMBER_WORDS) + r"(?![a-z]))"
_LEAD_RESTS: dict[str, list[str]] = {}
for _p in _BOUND_LEADS:
    _first, *_rest = _p.split()
    _LEAD_RESTS.setdefault(_first, []).append(r"\s+".join(map(re.escape, _rest)))
for _first, _rests in _LEAD_RESTS.items():
    _alts = "|".join(r"\s+" + r for r in sorted(_rests, key=len, reverse=True) if r)
    _cond = "(?:" + _alts + ")" if _alts else ""
    if "" in _rests:
        _cond = "(?:" + _alts + ")?" if _alts else ""
    _TRIGGER_WORDS.append((_first, "(?=" + _cond + _BARE_COUNT + ")", "x"))

_WORD_KIND = {w: k for w, _, k in _TRIGGER_WORDS}
_TRIE = "(?:" + _word_trie(_TRIGGER_WORDS) + ")"
# The triggers in their plain form (the tests hold the scan below to them): two
# expressions, each beginning with a character class.  Words: the trie after a character that cannot precede a word
# start (not a letter, digit, hyphen or apostrophe: not "sub-paragraph", "often").
_PRESCAN_WORDS_SRC = r"[^a-z0-9\-\u2010'’](" + _TRIE + ")"
# Numerals, money and percent signs, blanks, quotes, "(as defined": the first
# character, then what it must be followed by.
_PRESCAN_OTHER_SRC = (
    r"[0-9.$_\[\"\u201c`%(](?:"
    # a numeral followed by what may follow a count ("30 days", "10%", "18-day", "333-___", "45th")
    # (not inside a number: "1,500", "1/100", "3-5", which would also cost a rescan per digit)
    # (the whole numeral or nothing: what may follow a count never begins with a digit,
    # comma or point, so a shorter reading of the numeral could not succeed; an atomic
    # group saves the engine trying each)
    r"(?<=[0-9])(?<![0-9,./\-\u2010][0-9])(?>(?:[\d,.]*\d)?)" + _AFTER_NUMERAL
    + r"|(?<=\.)(?<![0-9]\.)\d(?>(?:[\d,.]*\d)?)" + _AFTER_NUMERAL
    + r"|(?<=[$_\[\"\u201c`%])"
    r"|(?<=\()\s*as\s+defined\b)"
)
_PRESCAN_WORDS = re.compile(_PRESCAN_WORDS_SRC)
_PRESCAN_OTHER = re.compile(_PRESCAN_OTHER_SRC)
# What the scan runs: the same triggers from two expressions.  Most words follow a
# space, and an expression that begins with a literal lets the engine skip to the
# next space at once (a character class first costs a test of every character):
# _PRESCAN_SPACE finds the trigger words after a space.  _PRESCAN_REST begins with
# every character that is neither a letter, a hyphen, an apostrophe nor a space:
# a trigger word after it (group 1; none after a digit, which _triggers drops), or
# what _PRESCAN_OTHER finds there (its alternatives test the character they follow).
_CONDITION_TRIE = "(?:" + _condition_trie(_TRIGGER_WORDS) + ")"
_OTHER_CLASS = r"[0-9.$_\[\"\u201c`%(]"
assert _PRESCAN_OTHER_SRC.startswith(_OTHER_CLASS)
_PRESCAN_SPACE_SRC = " (" + _CONDITION_TRIE + ")"
# (what _PRESCAN_OTHER finds after the character, with the numeral's condition in its
# scanning form, and a point's digit read before the test of the character before it)
_PRESCAN_OTHER_SCAN_SRC = (
    r"(?:(?<=[0-9])(?<![0-9,./\-\u2010][0-9])(?>(?:[\d,.]*\d)?)" + _AFTER_NUMERAL_SCAN
    + r"|(?<=\.)\d(?<![0-9]\.\d)(?>(?:[\d,.]*\d)?)" + _AFTER_NUMERAL_SCAN
    + r"|(?<=[$_\[\"\u201c`%])"
    r"|(?<=\()\s*as\s+defined\b)"
)
_PRESCAN_REST_SRC = (r"[^a-z\-\u2010'’ ](?:(" + _CONDITION_TRIE + ")|(?<=" + _OTHER_CLASS + ")"
                     + _PRESCAN_OTHER_SCAN_SRC + ")")
_PRESCAN_SPACE = re.compile(_PRESCAN_SPACE_SRC)
_PRESCAN_REST = re.compile(_PRESCAN_REST_SRC)
# The same for a text without a hyphen U+2010 or a right single quotation mark (most
# clauses; a text of Latin-1 characters only is told at once): the first class then
# holds characters below 256 only, which the engine tests against one bitmap
# instead of the table of all 65,536 that those two characters need.
_REST_CLASS = r"[^a-z\-\u2010'’ ]"
assert _PRESCAN_REST_SRC.startswith(_REST_CLASS)
_PRESCAN_REST_LATIN = re.compile(r"[^a-z\-' ]" + _PRESCAN_REST_SRC[len(_REST_CLASS):])
# characters whose own trigger is the character alone (a trigger word may follow it)
_ALONE = frozenset("$_[\"\u201c`%")
_DIGITS = frozenset("0123456789")
_TRIGGER_FIRSTS = frozenset(w[0] for w, _, _ in _TRIGGER_WORDS)
_PRESCAN_IGNORE_CASE: list = []  # compiled on first need


def _triggers(low: str, ignore_case: bool = False) -> list[tuple[int, str]]:
    """(offset, matched text) of each place where a node may start, in order."""
    if ignore_case:
        # for text whose lower-casing changes offsets (a few non-ASCII letters):
        # the original text, matched ignoring case
        if not _PRESCAN_IGNORE_CASE:
            _PRESCAN_IGNORE_CASE[:] = [re.compile(_PRESCAN_SPACE_SRC, re.I), re.compile(_PRESCAN_REST_SRC, re.I)]
        space, rest = _PRESCAN_IGNORE_CASE
        first_ok = True
    else:
        space = _PRESCAN_SPACE
        rest = _PRESCAN_REST if "\u2010" in low or "’" in low else _PRESCAN_REST_LATIN
        first_ok = low[:1] in _TRIGGER_FIRSTS  # (a trigger word begins with one of these)
    # (matches are never empty, so searching on from each match's end is finditer;
    # no match of one expression overlaps a trigger of the other)
    out = []
    m = space.search(low)
    while m is not None:
        out.append((m.start(1), m.group(1)))
        m = space.search(low, m.end())
    if first_ok:
        m = space.match(" " + low[:200])  # a trigger word at the very start
        if m is not None:
            out.append((0, m.group(1)))
    m = rest.search(low)
    if m is not None:
        n = len(out)
        alone, digits = _ALONE, _DIGITS
        while m is not None:
            word = m.group(1)
            if word is None:
                out.append((m.start(), m.group()))
            else:
                p = m.start()
                ch = low[p]
                if ch not in digits:  # (no trigger word follows a digit)
                    if ch in alone:  # the character's own trigger
                        out.append((p, ch))
                    out.append((p + 1, word))
            m = rest.search(low, m.end())
        if n:
            out.sort()
    elif len(out) > 1 and out[-1][0] == 0:
        out.sort()
    return out


_NUMBER_CHARS = frozenset("0123456789.")
# a numeral after one of these is inside a longer token ("1/100", "1,500", "3-5", "10b-5")
_NUMBER_TAIL = frozenset("0123456789/,.-\u2010")
_KIND_OF_CHAR = {"$": "q", "_": "q", "[": "q", '"': "d", "\u201c": "d", "`": "d", "%": "p", "(": "x"}


# Lead-ins that belong to the node but are not triggers themselves, matched on
# the REVERSED lower-cased text just before a trigger (an anchored match is much
# cheaper than searching backwards).  Word lists are written forwards.
# what may stand between "(" and a defined term: must match def_lead in clause.lark
_PAREN_LEADS = (
    "the a an this such any each its their said collectively together individually respectively "
    "sometimes hereinafter herein"
).split()


def _reversed_phrase(phrase: str) -> str:
    return r"\s+".join(re.escape(w[::-1]) for w in reversed(phrase.split()))


_LEAD_SOURCES = {
    # before a quantity: "not later than (the)", "the"
    "q": r"\s+(?:(?P<the>eht)\s+)?(?:" + "|".join(_reversed_phrase(p) for p in sorted(_BOUND_LEADS, key=len, reverse=True))
    + r")(?![a-z0-9])|\s+(?P<the2>eht)(?![a-z0-9])",
    # before a quoted term: "the term", "(the", "(each, a", "(collectively, the"
    "d": r"\s+mret\s+eht(?![a-z0-9])|(?:\s*,?\s*(?:" + "|".join(w[::-1] for w in _PAREN_LEADS) + r")(?![a-z0-9]))*\s*\(",
    # before "herein": "referred to"; before "hereinafter": "("
    "h": r"\s+ot\s+derrefer(?![a-z0-9])|\s*\(",
}
# On lower-cased text the lead-ins match as written, which lets the engine reject an
# alternative on its first letter.  Case is ignored for text matched as it is (where
# lower-casing moved offsets), and for text holding one of the two lower-case letters
# that a pattern's letter matches only when case is ignored: dotless i (U+0131) for
# "i" and long s (U+017F) for "s" (the tests check that there are no others).
_LEADS = {kind: re.compile(src) for kind, src in _LEAD_SOURCES.items()}
_FOLDED_APART = ("\u0131", "\u017f")
_LEADS_ANY_CASE: dict = {}  # compiled on first need


def _leads_any_case() -> dict:
    if not _LEADS_ANY_CASE:
        _LEADS_ANY_CASE.update({kind: re.compile(src, re.I) for kind, src in _LEAD_SOURCES.items()})
    return _LEADS_ANY_CASE



# ---------------------------------------------------------------------------
# The clause scan
# ---------------------------------------------------------------------------

# A found node: absolute start and end offsets, model class (or _SCOPE), field values.
_Found = tuple  # (start, end, cls, fields)

# Nodes of a phrase already built, by the phrase's text (offsets relative to it).
_CACHE: dict[str, list[_Found]] = {}
_CACHE_LIMIT = 50000
# a money sign before a numeral, or a percent sign after one: an amount the grammar must read
_AMOUNT_SIGN = re.compile(r"\$\s*\.?\d|(?<=\d)\s*%")
# a dash between two figures of a range, a figure of the upper end, and its percent sign
# ("0-200%", "9%-11%", "9 1/2%-10%"; not "1,25%" or "l/2%")
_RANGE_END = re.compile(r"(?<=[0-9%])[^\S\n]?[\-\u2010\u2013][^\S\n]?(\d[\d,.]*)\s*\Z")


def _scan(text: str, full: bool = False) -> list[_Found]:
    """The nodes of a clause, offsets relative to ``text``, in the order found.

    ``full=True`` tries every token as a start instead of the pre-scan's
    candidates (slow; the tests use it to check that the pre-scan misses nothing).
    """
    g = grammar()
    n = len(text)
    low = text.lower()
    ignore_case = len(low) != n
    if ignore_case:  # lower-casing changed offsets (rare letters): scan the text itself
        low = text
    rev = ""
    memo: dict[int, tuple] = {}
    out: list[_Found] = []
    done = 0  # no node starts before this offset
    covered = 0  # end of the furthest node so far
    number_chars, number_tail, kind_of_char, word_kind = _NUMBER_CHARS, _NUMBER_TAIL, _KIND_OF_CHAR, _WORD_KIND
    leads = _LEADS

    if full:
        triggers: Iterator[Any] = ((tok[1], [tok[1]]) for tok in g.lexer.tokens(text))
    else:
        triggers = _triggers(low, ignore_case)

    for t, what in triggers:
        if t < done:
            continue
        if isinstance(what, list):
            cands = what
        else:
            ch = what[0]
            if ch in number_chars:
                if t and low[t - 1] in number_tail:
                    continue  # the tail of a number ("1/100%", "3-5%")
                kind = "q"
            else:
                kind = kind_of_char.get(ch) or word_kind.get(what.lower(), "x")
            lead = leads.get(kind)
            cands = [t]
            if lead is not None:
                if not rev:
                    rev = low[::-1]
                    if ignore_case or _FOLDED_APART[0] in low or _FOLDED_APART[1] in low:
                        leads = _leads_any_case()
                        lead = leads[kind]
                m = lead.match(rev, n - t)
                if m is not None:
                    cands = _lead_starts(m, n, t, done)
        found = False
        for c in cands:
            if c < done:
                continue
            nodes = _attempt(g, text, c, memo)
            if nodes is None:
                continue
            found = True
            end = c
            resume = None
            for node in nodes:
                if node[2] is _RESUME:
                    resume = node[0] if resume is None else min(resume, node[0])
                    continue
                out.append(node)
                if node[1] > end:
                    end = node[1]
            if end > covered:
                covered = end
            done = resume if resume is not None and resume > c else end
            break
        if not found and t >= covered and low[t] in "$%" and _AMOUNT_SIGN.match(text, t):
            if low[t] == "%":
                # the upper end of a range ("0-200%", "9%-11%"): the percentage
                # after the dash, whose numeral the pre-scan passes over
                r = _RANGE_END.search(low, max(covered, t - 40), t)
                nodes = _attempt(g, text, r.start(1), memo) if r is not None and r.start(1) >= done else None
                if nodes:
                    for node in nodes:
                        if node[2] is not _RESUME:
                            out.append(node)
                            covered = max(covered, node[1])
                    done = max(done, covered)
                    continue
            tok = g.lexer.token_at(text, t)
            e = tok[2] if tok else t + 1
            sign = "a money sign" if text[t] == "$" else "a percent sign"
            out.append((t, e, Unparsed, {"reason": f"{sign} the grammar could not read as an amount"}))
            covered = max(covered, e)
    return out


def _lead_starts(m: Any, n: int, t: int, floor: int) -> list[int]:
    """Start offsets from a lead-in match on the reversed text: the lead-in, its "the", the trigger."""
    out = []
    start = t - (m.end() - (n - t))
    if start >= floor:
        out.append(start)
    for g in ("the", "the2"):
        if g in m.re.groupindex and m.group(g) is not None:
            the_start = n - m.end(g)
            if the_start != start and the_start >= floor:
                out.append(the_start)
    out.append(t)
    return out


def _attempt(g: _Grammar, text: str, c: int, memo: dict) -> Optional[list[_Found]]:
    """The nodes of the longest sensible phrase starting at ``c`` (absolute offsets), or None."""
    toks, maybe = g.longest(text, c, memo)
    for k, cfg in reversed(maybe):
        if not (cfg.accepts if cfg.accepts is not None else g.accepts(cfg)):
            continue
        end = toks[k - 1][2]
        src = text[c:end]
        cached = _CACHE.get(src)
        if cached is None:
            try:
                # (fields left at None are dropped: the models default them, and fewer
                # arguments make the nodes quicker to validate)
                cached = [(sp.s, sp.e, sp.cls, {k2: v for k2, v in sp.f.items() if v is not None})
                          for sp in g.build(src, toks, c, k)]
            except _Reject:
                cached = []
            except Exception as exc:  # a node that cannot be built is reported, never raised
                cached = [(0, end - c, Unparsed, {"reason": f"could not build a node: {type(exc).__name__}: {exc}"})]
            if len(_CACHE) >= _CACHE_LIMIT:  # forget the older half
                for key in list(itertools.islice(_CACHE, _CACHE_LIMIT // 2)):
                    del _CACHE[key]
            _CACHE[src] = cached
        if cached:
            return [(c + s, c + e, cls, f) for s, e, cls, f in cached]
    return None


# ---------------------------------------------------------------------------
# After the scan: terms of "(as defined below)", scopes of definitions
# ---------------------------------------------------------------------------

_CAP_RUN = re.compile(
    r"((?:[A-Z][\w'’&.-]*)(?:\s+(?:(?:of|and|for|to|in|the|on)\s+)*[A-Z][\w'’&.-]*)*)\s*\Z"
)
_LEADING_ARTICLE = re.compile(r"^(?:The|A|An|This|Such|Each|Any)\s+")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\"”])\.\s+(?=[A-Z\"“(])|;\s")


def _term_before(text: str, s: int) -> str:
    """The capitalised words just before ``s`` ("a Material Adverse Effect (as defined below)")."""
    m = _CAP_RUN.search(text, max(0, s - 160), s)
    if m is None:
        return ""
    term = _LEADING_ARTICLE.sub("", _norm(m.group(1)))
    if not term or not term[0].isupper():
        return ""
    return term


def _finish(text: str, found: list[_Found]) -> list[_Found]:
    """Scopes onto definitions in the same sentence, terms of "(as defined ...)", text order."""
    if not found:
        return found
    if not any(f[2] is Definition for f in found):
        found = [f for f in found if f[2] is not _SCOPE]
        found.sort(key=_order)
        return found
    scopes = [f for f in found if f[2] is _SCOPE]
    if scopes:
        found = [f for f in found if f[2] is not _SCOPE]
        bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]

        def sentence(pos: int) -> int:
            return bisect.bisect_right(bounds, pos)

        for i, (s, e, cls, f) in enumerate(found):
            if cls is Definition:
                same = [sc for sc in scopes if sentence(sc[0]) == sentence(s)]
                if same:
                    nearest = min(same, key=lambda sc: abs(sc[0] - s))
                    found[i] = (s, e, cls, {**f, "scope": nearest[3]["text"]})
    for i, (s, e, cls, f) in enumerate(found):
        if cls is Definition and f.get("form") == "as_defined" and not f.get("term"):
            found[i] = (s, e, cls, {**f, "term": _term_before(text, s)})
    found.sort(key=_order)
    return found


def _order(f: _Found) -> tuple[int, int]:
    return f[0], -f[1]


def _found(text: str) -> list[_Found]:
    grammar()  # a grammar that does not load is an installation error: let it raise
    try:
        return _finish(text, _scan(text))
    except Exception as exc:  # the parse is total: a failure of the stage itself is reported
        return [(0, len(text), Unparsed, {"reason": f"clause stage failed: {type(exc).__name__}: {exc}"})]


def parse_clause(text: str, span_of: Callable[[int, int], Span]) -> list[model.TypedNode]:
    """Typed nodes of one clause, in text order.

    ``span_of(start, end)`` maps clause-local offsets (end exclusive) to a Span in
    the original file.  Never raises: unreadable spans become Unparsed nodes.
    """
    if not isinstance(text, str) or not text:
        return []
    nodes: list[model.TypedNode] = []
    for s, e, cls, f in _found(text):
        try:
            # cls(span=..., text=..., **f), through the model's own validator without
            # the keyword-argument __init__ around it
            nodes.append(cls.__pydantic_validator__.validate_python({"span": span_of(s, e), "text": text[s:e], **f}))
        except Exception as exc:
            try:
                nodes.append(Unparsed(span=span_of(s, e), text=text[s:e],
                                      reason=f"invalid node: {type(exc).__name__}: {exc}"))
            except Exception:
                continue
    return nodes


def _phrase_span(text: str) -> Callable[[int, int], Span]:
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def linecol(off: int) -> tuple[int, int]:
        i = bisect.bisect_right(line_starts, off) - 1
        return i + 1, off - line_starts[i] + 1

    def span_of(s: int, e: int) -> Span:
        l1, c1 = linecol(s)
        l2, c2 = linecol(e)
        return Span(line=l1, column=c1, end_line=l2, end_column=c2, offset=s, end_offset=e)

    return span_of


def parse_phrase(text: str) -> list[model.TypedNode]:
    """Typed nodes of a phrase, with spans counted within the phrase itself (line 1, column 1 = its start)."""
    if not isinstance(text, str):
        return []
    return parse_clause(text, _phrase_span(text))
