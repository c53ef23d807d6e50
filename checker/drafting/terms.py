"""Defined terms: where each is defined, and where each is used.

A definition is a quoted term in one of the forms agreements use:

* a parenthetical: ``(the "Company")``, ``("Stock")``, ``(collectively, the
  "Shares")``, ``(such 11,111,111 shares being hereinafter referred to as the
  "FIRM SECURITIES")``;
* a "means" sentence: ``"Per Share Price" means``, ``the term "business day"
  shall mean``, ``"X" has the meaning``;
* a naming clause: ``is herein called the "Firm Shares"``, ``hereinafter
  referred to as "Agent"``.

Terms defined in capitals (``("FIRM SECURITIES")``) are used in title case
("the Firm Securities"); the usage key of every term is its title-case form.
Uses are found in one pass of one regular expression over the clean text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cached_property, lru_cache
from itertools import compress, groupby, repeat
from operator import attrgetter, is_, itemgetter
from typing import Iterable, Optional

from .context import Context, literal_starts, matches_at, squash, trie_regex

SMALL = frozenset("of and the in to for on by with a an or at as from under per de du la le".split())

_Q = "\"\u201c\u201d"
# the characters _QTERM starts with
_OPEN_QUOTES = ("\"", "\u201c")
# a quoted term: a capital or lower-case start, no line of its own, at most ten words
_QTERM = re.compile(r"[\"\u201c]([A-Za-z0-9](?:[^\"\u201c\u201d\n]|\n(?![^\S\n]*\n)){0,90}?)[\"\u201d]")

_PAREN_LEAD_OK = re.compile(
    r"(?:^|\b(?:the|a|an|each|as|called|collectively|together|individually|respectively|hereinafter|herein|"
    r"jointly|severally|or|and|being|this|these|such|defined)|[,;:])[\s,:;]*$",
    re.I,
)
_PAREN_LEAD_BAD = re.compile(r"\b(?:e\.g|i\.e|reference|references|referred to in|see|shall|caption|heading|entitled|titled|under)\b", re.I)
_MEANS = re.compile(
    r"\s*(?:,\s*)?"
    r"(?:(?:,\s*|\s+(?:or|and|and/or)\s+|,\s*(?:or|and)\s+)[\"\u201c][^\"\u201d\n]{1,60}[\"\u201d])*\s*,?\s*"  # "Holder", "Securityholder" or other similar terms mean
    r"(?:(?:or|and)\s+other\s+similar\s+terms\s+)?"
    r"(?:(?:,\s*)?(?:when\s+used\s+|with\s+(?:respect|reference)\s+to\s+|in\s+respect\s+of\s+|for\s+|as\s+to\s+|as\s+applied\s+to\s+)"
    r"(?:[^.;\"\u201c]|\.(?=\d)){0,200}?,?\s+(?=means?\b|shall\s+mean|shall,))?"
    r"(?:shall,\s+(?:[^.;\"\u201c]|\.(?=\d)){0,120}?,\s+(?=mean\b))?"  # "Redemption Date", when used with respect to any Security, means
    r"(?:as used (?:herein|in this \w+)\s*,?\s*)?(?:shall\s+|will\s+|does\s+|shall,\s+)?"
    r"(?:means?|mean[, ]|shall\s+mean|has\s+the\s+meanings?|have\s+the\s+meanings?|shall\s+have\s+the\s+meanings?|"
    r"refers?\s+to|shall\s+refer\s+to|is\s+defined|are\s+defined|includes?\b|shall\s+include)",
    re.I,
)
_CALLED = re.compile(
    r"(?:herein(?:after)?|hereafter|below|collectively|sometimes|each|together)?[\s,]*"
    r"(?:called|referred\s+to(?:\s+(?:herein|hereinafter|hereafter|in\s+this\s+\w+|collectively|individually|together))*\s+as|"
    r"designated\s+as|defined\s+as|known\s+as|termed)\s+(?:the\s+|a\s+|an\s+)?$",
    re.I,
)
# a name given elsewhere, not here: "currently referred to as", "commonly known as"
_CALLED_OUTSIDE = re.compile(
    r"\b(?:currently|commonly|generally|popularly)\s+(?:referred\s+to|known|designated)\s+as\s+(?:the\s+|a\s+|an\s+)?\Z", re.I
)
_SCOPE = re.compile(
    r"(?:(?:solely\s+|only\s+)?for\s+(?:the\s+)?purposes?\s+of|as\s+used\s+in|(?<![\w,] )\bin)\s+(?:(?:clause|paragraph|subsection|subparagraph)\s+"
    r"(\([a-z0-9]{1,5}\))\s+of\s+)?this\s+(Section|Article|subsection|paragraph|clause|Exhibit|Schedule|Annex)"
    r"(?:\s+([0-9]+(?:\.[0-9]+)*(?:\([a-zA-Z0-9]{1,5}\))*))?",
    re.I,
)
_POINTER = re.compile(
    r"[\s,]*(?:shall\s+|will\s+)?(?:(?:has|have)\s+the\s+(?:respective\s+)?meanings?\s+(?:specified|set\s+forth|given|assigned|ascribed|provided|stated|defined)?|(?:is|are)\s+defined)"
    r"\s*(?:to\s+(?:it|such\s+term|them)\s+)?(?:in|under|by)\s+(?:(?:Section|Article|Paragraph|subsection|clause)\s+(?P<num>\d+(?:\.\d+)*(?:\s*\([a-zA-Z0-9]{1,5}\))*)"
    r"(?!\s+of\s+(?:the|such|that|any)\b)|the\s+(?:preamble|recitals|first\s+paragraph|introductory\s+paragraph)(?:\s+(?:hereof|of\s+this\s+\w+|to\s+this\s+\w+))?(?!\s+(?:of|to)\s+the\b))",
    re.I,
)
# the words _SCOPE needs ("this Section"), with its case folding
_THIS_PART = re.compile(r"this\s+(?:section|article|subsection|paragraph|clause|exhibit|schedule|annex)", re.I)
# a word every phrase _MEANS ends with holds one of these
_MEANS_WORDS = ("mean", "refer", "defined", "includ")
# the last word of _CALLED's match: the naming verb or an article
_CALLED_LAST = ("called", "as", "termed", "the", "a", "an")


def _may_mean(tail: str) -> bool:
    """False when ``_MEANS.match(tail)`` cannot match: a text in ASCII
    (whose case folding is plain) without the words it needs."""
    if not tail.isascii():
        return True
    low = tail.lower()
    return "mean" in low or "refer" in low or "defined" in low or "includ" in low


def _may_call(before: str) -> bool:
    """False when ``_CALLED.search(before)`` cannot match: its match ends
    with the naming verb or an article and white space, at the end."""
    t = before.rstrip()
    if len(t) == len(before):
        return False
    last = t[-6:]
    return not last.isascii() or last.lower().endswith(_CALLED_LAST)


_TERM_OK = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,&'/()\-\u2019\u2010%$]*")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'\u2019.-]*|\d[\w()]*")


def title_key(term: str, words_in_text=None, text: Optional[str] = None) -> str:
    """The usage form of a term: capitals read as title case ("FIRM SHARES" ->
    "Firm Shares"), every other term as written, with white space squashed and
    a leading "the" dropped ("the Securities" is the term "Securities").

    A word in capitals stays in capitals when the document never writes it in
    title case (an acronym: "DTC", "NASD", "CSFB").
    """
    if "\u00ad" in term:
        term = term.replace("\u00ad", "-")
    if term[:4].lower() == "the " and len(term) > 4 and term[4:5].isupper():
        term = term[4:]  # "the Securities" is the term "Securities"
    t = " ".join(term.split())
    if not t.isupper() or sum(1 for c in t if c.isalpha()) < 2:
        return t
    full: list[str] = []
    # the words put in title case: (index, as written, the part in capitals)
    titled: list[tuple[int, str, str]] = []
    for i, w in enumerate(t.split(" ")):
        lw = w.lower()
        if i and lw in SMALL:
            full.append(lw)
            continue
        m = _CAPS_HEAD.match(w)
        if m is None:
            full.append(w)
            continue
        head, rest = m.group(1), m.group(2)
        full.append("-".join(p[:1] + p[1:].lower() for p in head.split("-")) + rest)
        titled.append((i, w, head))
    a = " ".join(full)
    short = " " not in t and len(t) <= 5
    if text is not None:
        if _whole_in(text, a):
            return a
        # (a single short word not written in title case is an acronym, below)
        if words_in_text is not None and not short:
            # the form with the acronyms kept: "DTC", "NASD", "CSFB"
            mixed = list(full)
            for i, w, head in titled:
                if len(head) > 1 and (head[:1] + head[1:].lower()) not in words_in_text:
                    mixed[i] = w
            b = " ".join(mixed)
            if b != a and _whole_in(text, b):
                return b
    if short:
        return t  # a single short word in capitals is an acronym
    return a


_CAPS_HEAD = re.compile(r"^([A-Z][A-Z'\u2019-]*)(.*)$")


def _whole_in(text: str, phrase: str) -> bool:
    """Does ``phrase`` occur in ``text`` with no letter, digit, hyphen or
    underscore right before or after it?"""
    i = text.find(phrase)
    n = len(phrase)
    while i >= 0:
        before = text[i - 1 : i] if i else ""
        after = text[i + n : i + n + 1]
        if not (before and (before.isalnum() or before in "-_")) and not (after and (after.isalnum() or after in "-_")):
            return True
        i = text.find(phrase, i + 1)
    return False


class _WordsIn:
    """``word in _WordsIn(text)``: whether the text has the word, as a whole word."""

    def __init__(self, text: str):
        self.text = text
        self.cache: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        hit = self.cache.get(word)
        if hit is None:
            hit = False
            t = self.text
            i = t.find(word)
            while i >= 0:
                before = t[i - 1] if i else " "
                j = i + len(word)
                after = t[j] if j < len(t) else " "
                if not before.isalpha() and not after.isalpha():
                    hit = True
                    break
                i = t.find(word, i + 1)
            self.cache[word] = hit
        return hit


def case_class(s: str) -> str:
    """'cap' when every significant word starts with a capital, 'lower' when none
    does, 'mixed' otherwise; 'upper' for text in capitals."""
    if s.isupper() and sum(c.isalpha() for c in s) > 1:
        return "upper"
    caps = []
    first = True
    for w in s.split():
        c = w[0]
        if not c.isalpha():
            w = w.lstrip("\"'(\u201c[")
            if not w or not w[0].isalpha():
                continue
            c = w[0]
        if not first and w.lower() in SMALL:
            continue
        first = False
        caps.append(c.isupper())
    if not caps or all(caps):
        return "cap"
    if not any(caps):
        return "lower"
    return "mixed"


def variants(key: str) -> list[str]:
    """Singular, plural and the other forms a term is used in."""
    return list(_variants(key))


_ROMAN_WORD = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")


@lru_cache(maxsize=8192)
def _variants(key: str) -> tuple[str, ...]:
    """variants(key), remembered: the checks ask for the forms of the same terms many times."""
    out = {key}
    last = key.rsplit(" ", 1)[-1]
    if not last[-1:].isalpha():
        return (key,)
    if " " in key and (len(last) == 1 or _ROMAN_WORD.fullmatch(last)):
        return (key,)  # "Phase I", "Class B": no plural ("Phase Is" is "phase is")
    if key.endswith("ies"):
        out.add(key[:-3] + "y")
    elif key.endswith("ses") or key.endswith("xes") or key.endswith("shes") or key.endswith("ches"):
        out.add(key[:-2])
        out.add(key[:-1])
    elif key.endswith("s") and not key.endswith("ss") and not key.endswith("us"):
        out.add(key[:-1])
    elif key.endswith("y") and len(last) > 2 and last[-2].lower() not in "aeiou":
        out.add(key[:-1] + "ies")
    else:
        if key.endswith(("s", "x", "sh", "ch")):
            out.add(key + "es")
        else:
            out.add(key + "s")
    return tuple(sorted(out, key=len, reverse=True))


class Definition:
    """One definition of a term.

    ``sent_start`` and ``sent_end`` (the sentence holding the definition)
    are found when first asked for: most definitions' sentences are never
    looked at, and finding a paragraph's sentence ends is much of the cost
    of reading a document's definitions."""

    __slots__ = (
        "term", "key", "start", "end", "form", "_sent", "scope", "scope_text", "pointer", "section", "top", "attachment", "_ctx"
    )
    _FIELDS = ("term", "key", "start", "end", "form", "sent_start", "sent_end", "scope", "scope_text", "pointer", "section", "top", "attachment")

    def __init__(
        self,
        term: str,  # as quoted
        key: str,  # usage form
        start: int,  # clean offset of the opening quote
        end: int,  # just after the closing quote
        form: str,  # parenthetical, means, called
        sent_start: Optional[int] = None,
        sent_end: Optional[int] = None,
        scope: Optional[str] = None,  # section number the definition is limited to
        scope_text: Optional[str] = None,
        pointer: Optional[str] = None,  # "has the meaning specified in Section 4": "4"; "" for the preamble
        section: Optional[str] = None,  # innermost section holding it
        top: Optional[str] = None,  # top-level section holding it ("" = preamble)
        attachment: Optional[str] = None,  # "exhibit A" etc. when inside an attachment
        ctx: Optional[Context] = None,  # the document, when the sentence is to be found there on demand
    ):
        self.term = term
        self.key = key
        self.start = start
        self.end = end
        self.form = form
        self._sent = (sent_start, sent_end) if sent_start is not None and sent_end is not None else None
        self.scope = scope
        self.scope_text = scope_text
        self.pointer = pointer
        self.section = section
        self.top = top
        self.attachment = attachment
        self._ctx = ctx

    def _sentence(self) -> tuple[int, int]:
        s = self._sent
        if s is None:
            s = self._sent = self._ctx.sentence_bounds(self.start)
        return s

    @property
    def sent_start(self) -> int:
        return self._sentence()[0]

    @property
    def sent_end(self) -> int:
        return self._sentence()[1]

    def __repr__(self) -> str:
        return "Definition(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in self._FIELDS) + ")"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]


class Use:
    """One occurrence of a defined term; ``cls`` (cap, upper, lower, mixed) is
    worked out when first asked for."""

    __slots__ = ("key", "start", "end", "text", "_cls")

    def __init__(self, key: str, start: int, end: int, text: str):
        self.key = key
        self.start = start
        self.end = end
        self.text = text
        self._cls: Optional[str] = None

    @property
    def cls(self) -> str:
        if self._cls is None:
            t = self.text
            if t == self.key or t[: len(self.key)] == self.key:
                self._cls = "cap" if self.key[:1].isupper() else case_class(t)
            elif t.isupper():
                self._cls = "upper"
            else:
                self._cls = case_class(t)
        return self._cls


class Terms:
    """Definitions and uses of one document."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.defs: list[Definition] = _extract(ctx)
        words = _WordsIn(ctx.text)
        # (a term in capitals defined again has the same usage form: read once)
        upper_keys: dict[str, str] = {}
        for d in self.defs:
            if d.term.isupper():
                key = upper_keys.get(d.term)
                if key is None:
                    key = upper_keys[d.term] = title_key(d.term, words, ctx.text)
                d.key = key
        self.by_key: dict[str, list[Definition]] = {}
        for d in self.defs:
            self.by_key.setdefault(d.key, []).append(d)
        # keys that are forms of one another ("Underwriter", "Underwriters")
        # make one family, named by the key defined first
        self.family: dict[str, str] = {}
        for key in sorted(self.by_key, key=lambda k: self.by_key[k][0].start):
            fam = None
            for v in _variants(key):
                if v in self.family:
                    fam = self.family[v]
                    break
            self.family[key] = fam or key
        self.by_family: dict[str, list[Definition]] = {}
        for d in self.defs:
            self.by_family.setdefault(self.family[d.key], []).append(d)

    @cached_property
    def def_spans(self) -> list[tuple[int, int]]:
        return sorted((d.start, d.end) for d in self.defs)

    @cached_property
    def _def_starts(self) -> list[int]:
        return [a for a, _b in self.def_spans]

    def in_definition(self, a: int, b: int) -> bool:
        """Is text[a:b] inside the quoted term of the last definition starting at or before a?"""
        i = bisect_right(self._def_starts, a) - 1
        return i >= 0 and b <= self.def_spans[i][1]

    @cached_property
    def _def_sentences(self) -> tuple[list[int], list[int]]:
        """The definitions' sentences, merged where they overlap: (starts, ends)."""
        spans = sorted({(d.sent_start, d.sent_end) for d in self.defs})
        starts: list[int] = []
        ends: list[int] = []
        for a, b in spans:
            if ends and a <= ends[-1]:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        return starts, ends

    def in_definition_sentence(self, offset: int) -> bool:
        """Is ``offset`` in the sentence of a definition?"""
        ctx = self.ctx
        if not isinstance(ctx, Context):
            starts, ends = self._def_sentences
            i = bisect_right(starts, offset) - 1
            return i >= 0 and offset < ends[i]
        # a sentence is never beyond its paragraph (outside one, beyond 400
        # characters of its offset): only the definitions in the paragraph
        # of ``offset``, or that near it, are asked for their sentences
        defs = self._defs_by_start
        starts = self._def_starts
        p = ctx.paragraph_at(offset)
        spans = [(offset - 400, offset + 401)]
        if p is not None:
            spans.append((p.start, p.end + 1))
        for lo, hi in spans:
            for d in defs[bisect_left(starts, lo) : bisect_left(starts, hi)]:
                if d.sent_start <= offset < d.sent_end:
                    return True
        return False

    @cached_property
    def _defs_by_start(self) -> list[Definition]:
        """The definitions in the order of _def_starts."""
        return sorted(self.defs, key=_START)

    @cached_property
    def variant_of(self) -> dict[str, str]:
        """lower-case variant -> key (the longest key wins a clash)."""
        out: dict[str, str] = {}
        for key in sorted(self.by_key, key=len):
            for v in _variants(key):
                out[v.lower()] = self.family[key]
        for key in self.by_key:
            out[key.lower()] = self.family[key]
        return out

    @cached_property
    def uses(self) -> dict[str, list[Use]]:
        """Every occurrence of every defined term outside its definitions, by family.

        An occurrence inside a longer defined term ("Registration Statement" in
        "Initial Registration Statement") belongs to the longer term; a
        single-word term right after another capitalised word ("Act" in
        "Securities Act") is a different name, not a use.
        """
        return self._find_uses(self.variant_of, self.by_family)

    def uses_of(self, families: Iterable[str]) -> dict[str, list[Use]]:
        """The uses of ``families``, as :attr:`uses` has them, found without
        looking for the terms that cannot change them: those of other
        families that are one word of letters, digits and hyphens ("company",
        "lock-up").  No term starts inside such a word (a term follows a
        character that is neither a letter nor a hyphen), and of two terms
        found at one place the longer is the use - the other term, unless it
        is such a word too, ended by a hyphen of the first ("lock" in
        "lock-up"); then every term is looked for."""
        full = self.__dict__.get("uses")
        if full is not None:
            return full
        vo = self.variant_of
        low = self.ctx.lower if isinstance(self.ctx, Context) else self.ctx.text.lower()
        if len(low) != len(self.ctx.text):
            return self.uses  # case folding changed the offsets: see uses
        keep = set(families)
        for v, f in vo.items():
            if f not in keep and _PLAIN_WORD.fullmatch(v) is None:
                keep.add(f)
        if len(keep) >= len(self.by_family):
            return self.uses
        kept = {v: f for v, f in vo.items() if f in keep}
        for v, f in vo.items():
            if f not in keep:
                i = v.find("-")
                while i >= 0:
                    if v[:i] in kept:
                        return self.uses  # "lock" kept, "lock-up" left out
                    i = v.find("-", i + 1)
        return self._find_uses(kept, {f: ds for f, ds in self.by_family.items() if f in keep})

    def _find_uses(self, vo: dict[str, str], by_family: dict[str, list[Definition]]) -> dict[str, list[Use]]:
        """The uses of the terms of ``vo`` (lower-case variant -> family) of
        the families of ``by_family``."""
        out: dict[str, list[Use]] = {k: [] for k in by_family}
        if not vo:
            return out
        text = self.ctx.text
        low = self.ctx.lower if isinstance(self.ctx, Context) else text.lower()
        # single-word terms ("Company", 200 uses) need only a few uses to show they
        # are used; every use is kept for terms of several words (checked for
        # their written form) and for terms limited to one section
        need_all = {f for f, ds in by_family.items() if " " in f or any(d.scope for d in ds)}
        if len(low) != len(text):
            pat = re.compile(r"(?<![\w\-])" + trie_regex(vo).replace("\\ ", r"\s+") + r"(?![\w])", re.I)
            for m in pat.finditer(text):
                a, b = m.span()
                s = text[a:b]
                key = vo.get(" ".join(s.split()).lower())  # the family (a line break or a non-breaking space read as a space)
                if key is None:
                    continue
                found = out[key]
                if len(found) >= 8 and key not in need_all and found[-1].cls != "lower":
                    continue
                self._add_use(found, key, a, b, s)
            return out
        # lower case kept every offset: the matches in the lower-case text are
        # the terms' lower-case forms.  The matches are listed and sorted by
        # family without a loop of ours; each family's are then read in order
        # of the text, those of a single-word family only until it has enough
        # (the uses a scan of the text in order would keep)
        ms, shift = _term_matches(low, vo)
        groups = list(map(_GROUP1 if shift else _GROUP0, ms))
        keys = list(map(vo.get, groups))
        for i in compress(range(len(ms)), map(is_, keys, repeat(None))):
            g = groups[i]
            one = " ".join(g.split())
            if one != g:
                keys[i] = vo.get(one)  # a term over a line break, or with a non-breaking space
        order = sorted(compress(range(len(ms)), keys), key=keys.__getitem__)
        # (what _add_use does, written out: a few hundred uses a document)
        def_starts = self._def_starts
        def_spans = self.def_spans
        prev_cap = _PREV_CAP.search
        for key, places in groupby(order, key=keys.__getitem__):
            found = out[key]
            keep = found.append
            full = key in need_all
            for i in places:
                if not full and len(found) >= 8 and found[-1].cls != "lower":
                    break  # nothing more is kept for this family
                a, b = ms[i].span(shift)
                a -= shift
                b -= shift
                j = bisect_right(def_starts, a) - 1
                if j >= 0 and b <= def_spans[j][1]:
                    continue  # in a definition
                s = text[a:b]
                if " " not in s:
                    # "Act" in "Securities Act", "Stock" in "Common Stock"
                    pm = prev_cap(text, a - 40 if a > 40 else 0, a)
                    if pm is not None and pm.group(1).lower() not in _DETERMINERS and not _sentence_start(text, pm.start(1)):
                        continue
                keep(Use(key, a, b, s))
        return out

    def _add_use(self, found: list[Use], key: str, a: int, b: int, s: str) -> None:
        """Keep text[a:b] (``s``), a use of the family ``key``, unless it is in
        a definition or is a single word right after another name."""
        if self.in_definition(a, b):
            return
        if " " not in s:
            # "Act" in "Securities Act", "Stock" in "Common Stock"
            text = self.ctx.text
            pm = _PREV_CAP.search(text, max(0, a - 40), a)
            if pm is not None and pm.group(1).lower() not in _DETERMINERS and not _sentence_start(text, pm.start(1)):
                return
        found.append(Use(key, a, b, s))


_START = attrgetter("start")
_GROUP0 = itemgetter(0)
_GROUP1 = itemgetter(1)
# a lower-case term that is one word of letters, digits and hyphens
_PLAIN_WORD = re.compile(r"[a-z0-9\-]+")
_NOT_WORD = re.compile(r"[^\w\-]")
# the characters _term_matches lets stand before a term: every one but an
# ASCII letter, digit, underscore or hyphen
_LEAD_CLASS = r"^\-0-9A-Z_a-z"
_MATCH_START = re.Match.start
_MATCH_END = re.Match.end
_MINUS_ONE = (-1).__add__


def _term_matches(low: str, words: Iterable[str]) -> tuple[list[re.Match], int]:
    """The matches of ``words`` (lower case; a space in one stands for any
    white space) in ``low``, each a whole word, as ``finditer`` finds those of
    ``(?<![\\w\\-])(?:words)(?![\\w])``; and the group holding each one's
    term: 0, or 1 when they were found in ``" " + low`` (offsets one on).

    That pattern's look-behind is tried at every place in the text.  The
    one used instead names the character before a term, so that the engine
    skips ahead to those: any but an ASCII letter, digit, underscore or
    hyphen (a class of a few ranges, quickly compiled; the leading space
    stands before a term at the start).  Its matches are the same unless
    one follows a letter or digit outside ASCII (which the class holds),
    or a term ends with a character of the class and the next starts right
    after it (the look-behind may read the previous match, the character
    class may not): then the first pattern is used."""
    words = list(words)
    pat = _lead_pattern(words)
    padded = " " + low
    ms = list(pat.finditer(padded))
    exact = True
    if ms and not low.isascii():
        # the characters before the terms: a letter or digit outside ASCII is none
        leads = "".join(map(padded.__getitem__, map(_MATCH_START, ms)))
        if not leads.isascii() and any(_NOT_WORD.match(c) is None for c in set(leads)):
            exact = False
    if exact and ms and any(_NOT_WORD.match(w[-1]) for w in words):
        # the matches ending in such a character (the last characters of all
        # the matches, one string, searched for them): is a term right after one?
        ends = list(map(_MATCH_END, ms))
        lasts = "".join(map(padded.__getitem__, map(_MINUS_ONE, ends)))
        match = pat.match
        for k in map(_MATCH_START, _NOT_WORD.finditer(lasts)):
            if match(padded, ends[k] - 1) is not None:
                exact = False  # a term right after a term ending in such a character
                break
    if not exact:
        terms = trie_regex(words).replace("\\ ", r"\s+")
        return list(re.compile(r"(?<![\w\-])" + terms + r"(?![\w])").finditer(low)), 0
    return ms, 1


def _lead_text(words: list[str]) -> str:
    """The text of the pattern _term_matches looks for ``words`` with."""
    return "[" + _LEAD_CLASS + "](" + trie_regex(words).replace("\\ ", r"\s+") + r")(?![\w])"


def _lead_pattern(words: list[str]) -> "re.Pattern[str]":
    """``re.compile(_lead_text(words))``, without reading that text back.

    Most of the cost of compiling the pattern of a document's terms (a
    thousand characters and more) is the ``re`` module's parser reading the
    text, one character at a time, and its compiler walking the parsed
    tree.  The code the two make of a trie is simple enough to be written
    straight from the sorted words (see _trie_code): checked at first use
    against what the parser and the compiler make of the text, on words
    that have every kind of node; when the two disagree, as another version
    of Python might, the text is compiled as before."""
    if _TRIE_CODE_OK is None:
        _check_trie_code()
    if _TRIE_CODE_OK and "" not in words:
        try:
            return _sre.compile(None, _TRIE_FRAME[0], _trie_code(words), *_TRIE_FRAME[1])
        except Exception:  # (a word the check did not foresee: the text says what it does)
            pass
    return re.compile(_lead_text(words))


try:
    import _sre
    from re import _compiler as _re_compiler, _constants as _re_constants, _parser as _re_parser
except ImportError:  # another layout of the re module: the text is compiled
    _sre = _re_compiler = _re_constants = _re_parser = None

# None until checked; then whether _trie_code writes what the compiler makes of the text
_TRIE_CODE_OK: Optional[bool] = None
# what _sre.compile takes besides the code: the flags, then the groups, by name and by number
_TRIE_FRAME: tuple = ()
# the code around the trie's: up to the group's start, and from its end
_TRIE_HEAD: list[int] = []
_TRIE_TAIL: list[int] = []
# the widest width the parser gives a pattern (that of "\s+\s+"), and the widest the code holds
_WIDTH_CAP = 0
_MAXCODE = 0
# the opcodes the trie's code is made of
_OP: dict[str, int] = {}
# a character of a term -> its code: a literal, or "\s+" for a space
_TRIE_ITEMS: dict[str, tuple] = {}
# the characters of a set of single characters (an alternation) -> its code
_TRIE_SETS: dict[str, tuple] = {}


def _trie_set(chars: str) -> tuple:
    """The code of a set of single characters, as the compiler writes ``(IN, literals)``."""
    hit = _TRIE_SETS.get(chars)
    if hit is None:
        LITERAL = _re_constants.LITERAL
        frag: list = []
        _re_compiler._compile(frag, [(_re_constants.IN, [(LITERAL, ord(c)) for c in chars])], _TRIE_FRAME[0])
        hit = _TRIE_SETS[chars] = tuple(frag)
    return hit


def _trie_code(words: Iterable[str]) -> list[int]:
    """The code the ``re`` module compiles ``_lead_text(words)`` to, written
    from the sorted words directly: trie_regex's choices (a run of single
    characters in a row, an alternation of single characters as a character
    set, an ending word making the rest optional) as the compiler writes
    them (a literal, a set, a branch, a repeat of at most one)."""
    words = sorted(set(words))
    op = _OP
    BRANCH, JUMP, FAILURE, SUCCESS = op["BRANCH"], op["JUMP"], op["FAILURE"], op["SUCCESS"]
    REPEAT_ONE, REPEAT, MAX_UNTIL = op["REPEAT_ONE"], op["REPEAT"], op["MAX_UNTIL"]
    items = _TRIE_ITEMS
    sets = _TRIE_SETS
    code = list(_TRIE_HEAD)
    emit = code.append
    extend = code.extend

    def item(ch: str) -> tuple:
        it = items.get(ch)
        if it is None:
            it = items[ch] = (_re_constants.LITERAL, ord(ch))
        return it

    def build(lo: int, hi: int, d: int) -> None:
        # the code of words[lo:hi], which share their first d characters, after those
        if len(words[lo]) == d:
            # a word ends here: the rest is optional, "(?:...)?"
            lo += 1
            if lo == hi:
                return
            # a single character (not a space) is repeated as a unit: the last
            # word, one character longer, or a fork of single last characters
            simple = all(len(words[x]) == d + 1 and words[x][d] != " " for x in range(lo, hi))
            emit(REPEAT_ONE if simple else REPEAT)
            skip = len(code)
            emit(0)
            emit(0)
            emit(1)
            body(lo, hi, d)
            if simple:
                emit(SUCCESS)
                code[skip] = len(code) - skip
            else:
                code[skip] = len(code) - skip
                emit(MAX_UNTIL)
        else:
            body(lo, hi, d)

    def body(lo: int, hi: int, d: int) -> None:
        first = words[lo]
        if hi - lo == 1:
            n = len(first)  # one word: the rest of it
        else:
            last = words[hi - 1]
            n = d
            m = min(len(first), len(last))
            while n < m and first[n] == last[n]:
                n += 1
        if n > d:
            # one way on: the characters every word has next
            for ch in first[d:n]:
                extend(items.get(ch) or item(ch))
            build(lo, hi, n)
            return
        # a fork: the words by their next character
        groups = []
        i = lo
        head = first[:d]
        while i < hi:
            ch = words[i][d]
            j = bisect_left(words, head + chr(ord(ch) + 1), i + 1, hi)
            groups.append((ch, i, j))
            i = j
        if all(j - i == 1 and len(words[i]) == d + 1 and ch != " " for ch, i, j in groups):
            chars = "".join(ch for ch, _i, _j in groups)
            extend(sets.get(chars) or _trie_set(chars))
            return
        emit(BRANCH)
        tails = []
        for ch, i, j in groups:
            skip = len(code)
            emit(0)
            extend(items.get(ch) or item(ch))
            if j - i > 1 or len(words[i]) > d + 1:
                build(i, j, d + 1)
            emit(JUMP)
            tails.append(len(code))
            emit(0)
            code[skip] = len(code) - skip
        emit(FAILURE)
        end = len(code)
        for t in tails:
            code[t] = end - t

    try:
        build(0, len(words), 0)
    finally:
        # recursive inner functions and their names form reference cycles: broken here (and,
        # compiled, item's too: Cython keeps the names inner functions share in one scope)
        build = body = item = None
    code += _TRIE_TAIL
    # the widths: the leading character, then the shortest word, and the
    # longest (as long as any width can be when a word has a space, read as "\s+")
    lo = 1 + min(map(len, words))
    hi = _WIDTH_CAP if any(" " in w for w in words) else max(map(len, words))
    code[3] = lo if lo < _MAXCODE else _MAXCODE
    code[4] = min(1 + hi, _WIDTH_CAP, _MAXCODE)
    return code


# words with every kind of node: runs, ends inside runs and at forks,
# forks of single letters, spaces, punctuation
_TRIE_SAMPLE = (
    "company", "companies", "agreement", "agreements", "ab", "abc", "abd", "abde", "a.b.", "act", "acts",
    "registration statement", "registration statements", "registration rights agreement", "lock-up", "lock",
    "borrower's fund", "borrower's funds account", "borrower", "borrowers", "u.s.", "x", "xy", "xz",
    "r&d", "o\u2019neil", "s", "1933 act", "tax", "taxes", "class a", "class b", "ca", "cab", "cac", "cb ",
    "d", "de", "d ", "dx", "e", "ea", "eb", "ec", "f", "f a", "fab", "fac",
)


def _check_trie_code() -> None:
    global _TRIE_CODE_OK, _TRIE_FRAME, _TRIE_HEAD, _TRIE_TAIL, _WIDTH_CAP, _MAXCODE
    ok = False
    if _re_parser is not None:
        try:
            k = _re_constants
            _OP.update((name, getattr(k, name)) for name in ("BRANCH", "JUMP", "FAILURE", "SUCCESS", "REPEAT_ONE", "REPEAT", "MAX_UNTIL", "INFO", "IN", "MARK", "LITERAL"))
            _MAXCODE = _re_compiler.MAXCODE
            _WIDTH_CAP = _re_parser.parse(r"\s+\s+").getwidth()[1]
            frame = _re_parser.parse("[" + _LEAD_CLASS + "](x)(?![\\w])")
            state = frame.state
            flags = state.flags
            indexgroup = [None] * state.groups
            for name, i in state.groupdict.items():
                indexgroup[i] = name
            _TRIE_FRAME = (flags, (state.groups - 1, dict(state.groupdict), tuple(indexgroup)))
            code = _re_compiler._code(frame, 0)
            # the information block, the leading set, the group's start, the "x", the rest
            info_end = 1 + code[1]
            set_end = info_end + 1 + code[info_end + 1]
            if code[0] != _OP["INFO"] or code[info_end] != _OP["IN"] or code[set_end : set_end + 4] != [_OP["MARK"], 0, _OP["LITERAL"], ord("x")]:
                raise ValueError("an unknown layout of the code")
            _TRIE_HEAD = code[: set_end + 2]
            _TRIE_TAIL = code[set_end + 4 :]
            _TRIE_ITEMS.clear()
            _TRIE_SETS.clear()
            space: list = []
            _re_compiler._compile(space, [_re_parser.parse(r"\s+").data[0]], flags)
            _TRIE_ITEMS[" "] = tuple(space)
            ok = True
            samples = [list(_TRIE_SAMPLE), list(_TRIE_SAMPLE[:9]), list(_TRIE_SAMPLE[:4]), list(_TRIE_SAMPLE[:1]), list(_TRIE_SAMPLE[32:])]
            for words in samples:
                read = _re_parser.parse(_lead_text(words))
                if _trie_code(words) != _re_compiler._code(read, 0):
                    ok = False
                plain = re.compile(_lead_text(words))
                built = _sre.compile(None, _TRIE_FRAME[0], _trie_code(words), *_TRIE_FRAME[1])
                if (built.flags, built.groups, built.groupindex) != (plain.flags, plain.groups, plain.groupindex):
                    ok = False
        except Exception:
            ok = False
    _TRIE_CODE_OK = ok


# (the look-behind after the capital: the search skips ahead to a capital)
_PREV_CAP = re.compile(r"([A-Z](?<![A-Za-z'.\-][A-Z])[A-Za-z'.\-]*)[^\S\n]*\Z")
_DETERMINERS = frozenset(
    "the such each any this that no all every said a an and or of by to per its their our your his her".split()
)


def _sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\"'(\u201c":
        j -= 1
    if j < 0:
        return True
    if text[j] == "\n":
        k = j - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        return k < 0 or text[k] in ".:;\n"
    return text[j] in ".:;!?"


def _scope_of(ctx: Context, sent_end: int, def_off: int, sent_start: int) -> tuple[Optional[str], Optional[str]]:
    """The section a definition is limited to ("For the purposes of this Section 4")."""
    rel = def_off - sent_start
    low = ctx.lower if isinstance(ctx, Context) else None
    if rel >= 0 and low is not None and len(low) == len(ctx.text):
        # "this" before the definition, in its sentence (lower case kept
        # every offset: the lower-case text read in place)
        # (the first "this" of a sentence is looked for once: a search of the
        # sentence for each of its definitions would cost the square of a
        # long list's length)
        firsts = ctx.__dict__.get("_first_this")
        if firsts is None:
            firsts = ctx.__dict__["_first_this"] = {}
        key = (sent_start, sent_end)
        i = firsts.get(key)
        if i is None:
            i = firsts[key] = low.find("this", sent_start, sent_end)
        if i < 0 or i + 4 > def_off:
            return None, None
        sent_text = ctx.text[sent_start:sent_end]
    else:
        sent_text = ctx.text[sent_start:sent_end]
        if "this" not in sent_text[:rel].lower():
            return None, None
    if _THIS_PART.search(sent_text) is None:
        return None, None  # no "this Section" (or Article, Exhibit ...) in the sentence
    best = None
    for m in _SCOPE.finditer(sent_text):
        if m.start() > rel:
            break
        best = m
    if best is None:
        return None, None
    lead = best.group(0).split()[0].lower()
    if lead == "in" and rel - best.end() > 40:
        return None, None  # "as provided in this Section ..." far before: not a limit on the definition
    word = best.group(2).lower()
    if word not in ("section", "article", "subsection", "paragraph", "clause"):
        return None, None
    num = best.group(3)
    sub = best.group(1)
    here = ctx.sections_at(def_off)
    if not num:
        # "this Section" / "this subsection": the enclosing one of that level
        cands = [s for s in here if s.kind in ("section", "subsection", "item", "article", "paragraph")]
        if not cands:
            return None, None
        if word in ("section", "article"):
            tops = [s for s in cands if s.depth == min(c.depth for c in cands)]
            num = tops[0].number
        else:
            num = cands[-1].number
    if sub:
        num = f"{num}{sub}"
    return num, squash(best.group(0))


# '"Commitment": as to any Bank' / '"Loan" - a loan made ...' at the start of a line
_COLON_DEF = re.compile(r"[^\S\n]*:[^\S\n]*(?:\n[^\S\n]*)?[A-Za-z(\"\u201c$]")
_COLON_POINTER = re.compile(
    r"\s*(?:as\s+(?:defined|set\s+forth|specified|provided|described)\s+(?:in|under|by)|see\b|defined\s+in|"
    r"(?:has|have|shall\s+have)\s+the\s+(?:respective\s+)?meanings?|the\s+meanings?\s+(?:given|assigned|set|specified|provided))",
    re.I,
)
# what follows the quoted term of a parenthetical definition
_PAREN_CLOSES = re.compile(r"\s*(?:\)|,|;|and\b|or\b|each\b|respectively\b|collectively\b|together\b|as\b|shall\b|and,)")
# a term of a statute or another instrument, named: '"Affiliate" (as defined in Rule 405)'
_IMPORTED = re.compile(
    r"[\s,]*(?:as\s+(?:such\s+|that\s+)?(?:term\s+is\s+|terms\s+are\s+)?defined\s+(?:in|under|by)|within\s+the\s+meaning\s+of)", re.I
)
_INCLUD = re.compile(r"includ", re.I)
_MEANING_DEFINED = re.compile(r"meaning|defined", re.I)
_WS_RUN = re.compile(r"\s+")
# where the words after '"Term":' end; a section number or the preamble named in them
_COLON_TAIL_END = re.compile(r"[\"\u201c]|\n[^\S\n]*\n|\.(?:\s|$)")
_COLON_NUM = re.compile(r"(?:Section|subsection|Article|paragraph|clause)\s+(\d+(?:\.\d+)*(?:\s*\([a-zA-Z0-9]{1,5}\))*)")
_COLON_FRONT = re.compile(r"preamble|recitals|introductory|first\s+paragraph", re.I)
_LINE_LEAD = re.compile(r"[^\S\n]*(?:(?:\(?[a-zA-Z0-9]{1,5}[.)]|\d+(?:\.\d+)+\.?)[^\S\n]+)?")


def _extract(ctx: Context) -> list[Definition]:
    text = ctx.text
    out: list[Definition] = []
    seen: set[int] = set()
    # the sections' bounds, between two of which the holders do not change (see Context.sections_at)
    sec_bounds = ctx._sec_bounds if isinstance(ctx, Context) else None
    placed: dict[int, tuple] = {}
    # (the sentences of the definitions found when asked for, where lower
    # case kept every offset: see _no_this_before)
    low = ctx.lower if isinstance(ctx, Context) else None
    lazy = low is not None and len(low) == len(text)
    # (a quoted term starts at a quotation mark: the pattern is tried there only)
    for m in matches_at(_QTERM, text, literal_starts(text, _OPEN_QUOTES)):
        term = " ".join(m.group(1).split()).replace("\u00ad", "-")  # squash()
        if "\n" in m.group(1):
            term = _unbroken(text, m.group(1), term)
        if "- " in term:
            term = _unspaced(text, term)
        if not term or len(term.split()) > 10:
            continue
        a, b = m.start(), m.end()
        form = None
        # parenthetical: the nearest unclosed "(" before the quote, within 200 characters
        lo = max(0, a - 220)
        open_at = None
        hi = a
        for _try in range(3):
            p = text.rfind("(", lo, hi)
            if p < 0:
                break
            if text.find(")", p, a) < 0:
                open_at = p
                break
            hi = p  # "(a) ... (the "X")": that one is closed; look further back
        if open_at is not None:
            lead = text[open_at + 1 : a]
            if "\n\n" not in lead and _PAREN_LEAD_OK.search(lead) and not _PAREN_LEAD_BAD.search(lead):
                # the parenthetical closes soon after, or lists more terms
                after = text[b : b + 120]
                if _PAREN_CLOSES.match(after):
                    form = "parenthetical"
        colon_pointer: Optional[str] = None
        if form is None:
            cm = _COLON_DEF.match(text, b)
            if cm and _LINE_LEAD.fullmatch(text, text.rfind("\n", 0, a) + 1, a):
                form = "means"  # a list of definitions: '"Commitment": as to any Bank, ...'
                tail = _COLON_TAIL_END.split(text[cm.end() - 1 : cm.end() + 120], maxsplit=1)[0]
                if _COLON_POINTER.match(tail):
                    num = _COLON_NUM.search(tail)
                    if num:
                        form, colon_pointer = "pointer", _WS_RUN.sub("", num.group(1))
                    elif _COLON_FRONT.search(tail):
                        form, colon_pointer = "pointer", ""
                    else:
                        form = "imported"
        if form is None:
            tail = text[b : b + 80]
            mm = _MEANS.match(tail) if _may_mean(tail) else None
            if mm:
                said = mm.group(0)
                form = "includes" if _INCLUD.search(said) else "means"
                if _MEANING_DEFINED.search(said):
                    form = "pointer"  # "X" has the meaning specified in Section 1.01 / in the Indenture
            else:
                before = text[a - 80 if a > 80 else 0 : a]
                if _may_call(before) and _CALLED.search(before):
                    form = "called"
        if form is None:
            continue
        if _IMPORTED.match(text[b : b + 60]):
            form = "imported"  # a term of a statute or another instrument, named here
        elif form in ("parenthetical", "called") and _CALLED_OUTSIDE.search(text, max(0, a - 80), a):
            form = "imported"  # what a regulation calls it: '(currently referred to as "Eurocurrency liabilities")'
        # not a definition: a quoted caption or a phrase in a "means" list of a
        # different term, e.g. 'the term "including" means' is still a definition
        if term.endswith(",") or (term.endswith(".") and "." not in term[:-1]):
            term = term[:-1].strip()  # "Offered Securities." - but not "U.S."
        if term.endswith("(s)"):
            term = term[:-3]  # "Mortgage(s)"
        if not term or not _TERM_OK.fullmatch(term):
            continue
        letters = sum(map(str.isalpha, term))
        if not letters or letters + term.count(" ") < 0.7 * len(term):
            continue  # not words: an encoded attachment, a formula
        if a in seen:
            continue
        seen.add(a)
        if lazy and _no_this_before(ctx, low, a):
            # no "this" before the definition in its paragraph: no scope;
            # the sentence is found when asked for
            s0 = s1 = scope = scope_text = None
        else:
            s0, s1 = ctx.sentence_bounds(a)
            scope, scope_text = _scope_of(ctx, s1, a, s0)
        pointer = None
        if colon_pointer is not None:
            pointer = colon_pointer
        elif form == "pointer":
            pm = _POINTER.match(text, b, min(len(text), b + 200))
            if pm is None:
                form = "imported"  # "has the meaning given in the Indenture"
            elif pm.group("num"):
                pointer = _WS_RUN.sub("", pm.group("num"))
            else:
                pointer = ""
        # (what is read from the sections holding the definition, once for
        # each stretch of the text between two section bounds: the holders
        # are the same all over it)
        span_key = bisect_right(sec_bounds, a) if sec_bounds is not None else None
        where = placed.get(span_key) if span_key is not None else None
        if where is None:
            holds = ctx.sections_at(a)
            sec = None  # ctx.section_at(a)
            for s in holds:
                if s.kind not in ("table", "paragraph"):
                    sec = s
            top = None
            att = None
            for s in holds:
                if s.kind in ("schedule", "exhibit", "annex", "appendix"):
                    att = f"{s.kind} {s.number}"
            tops = [s for s in holds if s.depth == 0]
            if tops:
                top = tops[0].number if tops[0].kind not in ("preamble",) else ""
            where = (sec.number if sec else None, top, att)
            if span_key is not None:
                placed[span_key] = where
        section, top, att = where
        if att is None and a >= ctx.body_end:
            att = "attachment"
        out.append(
            Definition(
                term=term,
                key=term if term.isupper() else title_key(term),  # (a term in capitals: see Terms)
                start=a,
                end=b,
                form=form,
                sent_start=s0,
                sent_end=s1,
                scope=scope,
                scope_text=scope_text,
                pointer=pointer,
                section=section,
                top=top,
                attachment=att,
                ctx=ctx,
            )
        )
    return out


def _no_this_before(ctx: Context, low: str, a: int) -> bool:
    """No "this" ends before ``a`` in its paragraph (or, outside one, in the
    400 characters before it): then there is none in the sentence either
    (which starts there or later, see Context.sentence_bounds), and the
    definition at ``a`` has no scope (see _scope_of)."""
    p = ctx.paragraph_at(a)
    lo = p.start if p is not None else (a - 400 if a > 400 else 0)
    return low.find("this", lo, a) < 0


def _unbroken(text: str, raw: str, term: str) -> str:
    """A term whose word the line break cut in two ('"Ex' / 'cise Tax"'): the word
    joined again, when the text uses it so and never the term as cut."""
    head, _, tail = raw.partition("\n")
    head, tail = head.rstrip(), tail.lstrip()
    if not (head[-1:].isalpha() and tail[:1].islower()):
        return term
    joined = " ".join((head + tail).split())
    if text.find(joined) >= 0 and text.find(term) < 0:
        return joined
    return term


def _unspaced(text: str, term: str) -> str:
    """A hyphenated term written with a space after its hyphen where it is defined
    ('("FHLB- Dallas")') and without one where it is used ("the FHLB-Dallas")."""
    joined = unspace_hyphens(term)
    if joined != term and text.find(joined) >= 0:
        return joined
    return term


def unspace_hyphens(s: str) -> str:
    """``s`` without the spaces after its hyphens ("Swing- Line" -> "Swing-Line"), as
    converted text and hurried drafting leave them inside hyphenated words."""
    return _HYPHEN_SPACE.sub("-", s) if "- " in s else s


_HYPHEN_SPACE = re.compile(r"(?<=\w)- +")


def get_terms(ctx: Context) -> Terms:
    t = getattr(ctx, "_terms", None)
    if t is None:
        t = Terms(ctx)
        ctx._terms = t
    return t
