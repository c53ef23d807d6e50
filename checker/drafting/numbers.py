"""Number checks: number words against the numeral beside them (NUM001), stated
sums against their parts (NUM002), one quantity stated differently in two
places (NUM004), and the option size as a share of the firm commitment
(NUM005, informational).  Table totals (NUM003) are in :mod:`.tables`.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import combinations
from typing import Optional

from .. import numbers as _num
from ..model import Finding
from . import as_rule
from .context import Context, matches_at, squash, trie_regex
from .numwords import _CARD, _ORD, CARD_WORD, DENOMS, ORD_WORD, ORDINALS, SCALES, TENS, UNITS, fmt
from .numwords import numeral_value as _numwords_numeral_value
from .numwords import words_value as _own_words_value
from .terms import get_terms

# ---------------------------------------------------------------------------
# NUM001: words against numerals
# ---------------------------------------------------------------------------

# the value of a numeral ("1,500,000", "$8.93", "93/100"): the same numerals
# recur in a document and across documents, and the reading is pure
_numeral_value = functools.lru_cache(maxsize=8192)(_numwords_numeral_value)

_DEN_WORD = r"(?:" + "|".join(sorted(DENOMS, key=len, reverse=True)) + r")"
_NW = r"(?:" + CARD_WORD + r"|" + ORD_WORD + r"|" + _DEN_WORD + r"|\d{1,3}/100)"
_SEP = r"(?:[^\S\n]*-[^\S\n]*|,?\s+(?:and\s+)?)"
_RUN = _NW + r"(?:" + _SEP + _NW + r")*"
_UNIT = r"(?P<unit>\s+(?:dollars?|percent|per[^\S\n]?cent(?:um)?|cents?)(?:\s+\(?U\.?S\.?\)?)?)?"
# the first letters of the number words (or a digit): a cheap test of a
# place before the number words themselves are tried there
_NW_FIRST = r"[" + "".join(sorted({w[0] for w in (*UNITS, *TENS, *SCALES, *ORDINALS, *DENOMS)})) + r"\d]"
# _NW and _RUN with each list of words factored by common prefixes (longer
# words first, as in the lists): the same matches, tried far faster
_CARD_TRIE = r"(?:" + trie_regex(_CARD) + r")"
_NW_TRIE = (
    r"(?:" + _CARD_TRIE + r"|(?:" + trie_regex(_ORD) + r")|(?:" + trie_regex(sorted(DENOMS, key=len, reverse=True)) + r")|\d{1,3}/100)"
)
_RUN_TRIE = _NW_TRIE + r"(?:" + _SEP + _NW_TRIE + r")*"
_TAIL = re.compile(
    r"(?<![\w\-/])(?=" + _NW_FIRST + r")(?P<words>" + _RUN_TRIE + r")(?P<dollars>\s+dollars?\s+and\s+(?P<cents>" + _RUN_TRIE + r")\s+cents?)?"
    + _UNIT + r"\s*$",
    re.I,
)
_NW_RE = re.compile(_NW, re.I)
_RUN_FULL = re.compile(_RUN + r"(?:\s+(?:percent|per[^\S\n]?cent))?", re.I)
_PAREN_NUM = re.compile(
    r"\(\s*(?P<cur>US\s?\$|U\.S\.\s?\$|\$)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\d+/\d+)\s*"
    r"(?P<pct>%|percent)?(?P<ord>st|nd|rd|th)?\s*\)"
)
_REVERSE_OPEN = re.compile(r"\((?=\s*" + _CARD_TRIE + r"\b)", re.I)
# _PAREN_NUM or _REVERSE_OPEN at each "(": the matches of each, found by one
# scan (no "(" of one kind stands inside a match of the other; the group
# "num" tells them apart)
_PAREN_EITHER = re.compile(r"\((?:" + _PAREN_NUM.pattern[2:] + r"|(?i:" + _REVERSE_OPEN.pattern[2:] + r"))")
# the "(" where _PAREN_EITHER may match: before white space, a digit, "$",
# "U" (of "US$"), the first letter of a number word in either case, or any
# character outside ASCII (the engine skips from "(" to "(", and tests one
# character after it, instead of trying both kinds at every one)
_PAREN_OPEN = re.compile(r"\((?=[\s\d$UbefhmnostzBEFHMNOSTZ\x80-\U0010ffff])")
_REVERSE = re.compile(
    r"(?<![\w.,$/])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<pct>%)?\s*\(\s*(?P<words>[A-Za-z][A-Za-z\s\-]{2,80}?)\s*\)"
)


_UNIT_W = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN_W = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS_W = r"(?:twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)"
# word sequences that are not one number ("one sixty one", "one two", "twenty thirty")
_NOT_A_NUMBER = re.compile(
    r"\b(?:" + _UNIT_W + r"|" + _TEEN_W + r")[\s-]+(?:" + _UNIT_W + r"|" + _TEEN_W + r"|" + _TENS_W + r")\b"
    r"|\b" + _TENS_W + r"[\s-]+" + _TENS_W + r"\b",
    re.I,
)
_HUNDREDTHS = re.compile(r"^(?:(?P<whole>.+?)\s+and\s+)?(?P<num>.+?)\s+one[\s-]+hundredths?$", re.I)


_UNIT_WORDS = frozenset("dollar dollars percent cent cents centum per u.s. (u.s.) us".split())
_NUMBER_VOCAB = frozenset(
    list(UNITS) + list(TENS) + list(SCALES) + list(ORDINALS) + list(DENOMS) + ["fourty"]
)


_HUNDREDTHS_FRACTION = re.compile(r"\d{1,3}/100")


# patterns read in the loops below (compiled once)
_FRACTION_WORD_END = re.compile(r"(?:th|ths|half|halves|thirds?|quarters?)$")
_FRACTION_NUMERAL = re.compile(r"\d+(?:/\d+)?")
_PERCENT_TAIL = re.compile(r"\s+(?:percent|per\s?cent)$", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE_BREAK = re.compile(r"[.;]\s")
_ANOTHER_NUMBER = re.compile(r"\b(?:and|or)\b[^()]{0,40}\d")
_WHOLE_BEFORE = re.compile(r"(?:\ball(?:\s+of)?(?:\s+the)?|\bthe|\bsuch)\s*$", re.I)
_PART_AFTER = re.compile(r"[\s,]*(?:in\s+the\s+case\s+of|to\s+be\s+(?:sold|issued|purchased)\s+by|from\s+(?:the|each|such)|by\s+the|of\s+which|held\s+by|owned\s+by)", re.I)


def _number_word_before(text: str, i: int) -> bool:
    """Whether the word just before position ``i`` (skipping "Dollars",
    "percent" and the like) is a number word or a fraction such as "93/100"."""
    words = text[max(0, i - 40) : i].split()
    for w in reversed(words[-4:]):
        t = w.strip(",;:").lower()
        if t in _UNIT_WORDS:
            continue
        last = t.rsplit("-", 1)[-1]
        return last in _NUMBER_VOCAB or bool(_HUNDREDTHS_FRACTION.fullmatch(t))
    return False


@functools.lru_cache(maxsize=8192)
def _words_value(phrase: str, ordinal: bool = False) -> Optional[float]:
    """The value of number words ("thirty", "one and one-half"); the same
    phrases recur, and the reading is pure: each is read once."""
    p = squash(phrase).replace(",", "")
    # "two and ninety-nine one hundredths" = 2.99
    hm = _HUNDREDTHS.match(p)
    if hm:
        whole = _words_value(hm.group("whole")) if hm.group("whole") else 0.0
        num = _words_value(hm.group("num"))
        if whole is None or num is None:
            return None
        return whole + num / 100.0
    if _NOT_A_NUMBER.search(p):
        return None
    if ordinal:
        o = _num.ordinal_value(p)  # "twenty-fifth (25th)", not the fraction 20/5
        if o is not None:
            return float(o)
    v = _num.words_value(p)
    if v is None:
        o = _num.ordinal_value(p)
        if o is not None:
            return float(o)
        v = _own_words_value(p)
    return v


_DIGIT_WORDS = {w: i for i, w in enumerate("one two three four five six seven eight nine".split(), 1)}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-9, 0.005 if (a % 1 or b % 1) else 0)


# every word a match of _TAIL can hold (in lower case), and what else stands
# in one: digits, "/", white space, "-", ",", "(", ")", "." ("U.S.")
_TAIL_VOCAB = frozenset(
    [*UNITS, *TENS, *SCALES, *ORDINALS, *DENOMS]
    + "and dollar dollars cent cents percent per centum percentum u s us".split()
)
# the same words spelt backwards
_TAIL_VOCAB_REVERSED = frozenset(w[::-1] for w in _TAIL_VOCAB)
# a word, or a character no match of _TAIL holds
_TAIL_TOKEN = re.compile(r"[A-Za-z]+|[^A-Za-z0-9/\s\-,().]")


# what outside ASCII a match of _TAIL can hold that _TAIL_TOKEN does not read
# as _TAIL reads it: a digit of another script (the pattern's \d), and the
# letters that fold to the number words' under IGNORECASE ("\u017f" to "s")
_NOT_TOKENISED = re.compile("[\u0130\u0131\u017f\u212a]|(?![0-9])\\d")


def _tail_start(text: str, lo: int, end: int) -> int:
    """Where to start the search for a run of number words that ends at
    ``end``: after the last word or character in text[lo:end] that no such
    run can hold (every match of ``_TAIL.search(text, lo, end)`` starts there
    or later, as a match cannot start inside a word).  When text[lo:end]
    holds nothing outside ASCII that a match can hold but the tokens do not
    read so (_NOT_TOKENISED; white space of any script is passed over by
    both); else ``lo``."""
    window = text[lo:end]
    if not window.isascii() and _NOT_TOKENISED.search(window):
        return lo
    # the window's tokens read from its end (those of the reversed window are
    # the same, each reversed): the first that no run can hold ends the search
    vocab = _TAIL_VOCAB_REVERSED
    for t in _TAIL_TOKEN.finditer(window[::-1]):
        w = t.group()
        if w.isalpha() and w.lower() in vocab:
            continue
        return end - t.start()
    return lo


def _word_before_of_and(s: str) -> Optional[str]:
    """``group(1)`` of ``re.search(r"([\\w\\-/]+)\\s+(?:of|and)\\s+$", s)`` (None
    when it does not match), read backwards from the end instead of tried at
    every place: white space, "of" or "and", white space, and the run of
    word characters, "-" and "/" before them."""
    j = len(s)
    while j and s[j - 1].isspace():
        j -= 1
    if j == len(s):
        return None
    if s.endswith("of", 0, j):
        k = j - 2
    elif s.endswith("and", 0, j):
        k = j - 3
    else:
        return None
    w = k
    while w and s[w - 1].isspace():
        w -= 1
    if w == k:
        return None
    r = w
    while r and (s[r - 1].isalnum() or s[r - 1] in "_-/"):
        r -= 1
    return s[r:w] if r < w else None


def _ends_in_word(s: str) -> bool:
    """``re.search(r"[\\w\\-]$", s)``: a word character or "-" at the end (or
    before a line break that ends it)."""
    if s.endswith("\n"):
        s = s[:-1]
    return bool(s) and (s[-1].isalnum() or s[-1] in "_-")


def _pairs(ctx: Context):
    """(start, end, words, words_value, numeral_text, numeral_value, kind) of every words/numeral pair."""
    text = ctx.text
    # one scan of the text's "(" for both kinds: a numeral in parentheses
    # (_PAREN_NUM), and number words in parentheses (_REVERSE_OPEN)
    numerals: list[re.Match] = []
    word_opens: list[int] = []
    for m in matches_at(_PAREN_EITHER, text, [o.start() for o in _PAREN_OPEN.finditer(text)]):
        if m.group("num") is not None:
            numerals.append(m)
        else:
            word_opens.append(m.start())
    for m in numerals:
        if not _number_word_before(text, m.start()):
            continue  # the word before is not a number word: no pair here
        lo = max(0, m.start() - 220)
        t = _TAIL.search(text, _tail_start(text, lo, m.start()), m.start())
        if t is None:
            continue
        # try the longest run that reads as a number ("the second ten (10)" -> "ten")
        wstart = t.start("words")
        run_text = t.group("words")
        tokens = list(_NW_RE.finditer(run_text))
        value = None
        used_start = wstart
        ordinal = bool(m.group("ord"))
        for i, tk in enumerate(tokens):
            cand = run_text[tk.start():]
            value = _words_value(cand, ordinal)
            if value is not None:
                used_start = wstart + tk.start()
                if i and 1 <= value < 100:
                    # "one sixty one (161)": a digit word before the tens, the hundreds said short
                    hundreds = _DIGIT_WORDS.get(tokens[i - 1].group(0).lower())
                    if hundreds and _numeral_value(m.group("num")) == hundreds * 100 + value:
                        value = float(hundreds * 100 + value)
                        used_start = wstart + tokens[i - 1].start()
                break
        if value is None:
            continue
        # "one-half of one percent (0.5%)": the words before belong to it
        before = text[max(0, used_start - 40) : used_start].lower()
        ob = _word_before_of_and(before)
        if (ob and (ob.rsplit("-", 1)[-1] in _NUMBER_VOCAB or ob in _UNIT_WORDS
                   or _FRACTION_WORD_END.search(ob) or _FRACTION_NUMERAL.fullmatch(ob))) or _ends_in_word(before):
            continue  # "one-half of one percent", "one percent and one-half (1.5%)": more words belong to it
        if t.group("cents"):
            ct = t.group("cents")
            c = _words_value(ct)
            if c is None:
                continue
            value += c if "/" in ct else c / 100.0  # "and 13/100 Cents" is already a fraction of a dollar
        num = _numeral_value(m.group("num"))
        if num is None:
            continue
        if "/" in m.group("num") and value >= 2 and abs(1.0 / value - num) < 1e-9:
            value = 1.0 / value  # "one-third (1/3)" read as "third"
        kind = "percent" if (m.group("pct") or (t.group("unit") and "cent" in t.group("unit").lower() and "cents" not in t.group("unit").lower())) else (
            "money" if (m.group("cur") or (t.group("unit") and "dollar" in t.group("unit").lower())) else "number"
        )
        yield used_start, m.end(), text[used_start : t.end("words")], value, m.group(0), num, kind, m.start()
    for open_at in word_opens:
        # "10 (ten) days": a numeral, then the words in parentheses
        m = _REVERSE.search(text, max(0, open_at - 30), min(len(text), open_at + 90))
        if m is None or m.start("words") < open_at:
            continue
        words = m.group("words")
        if not _RUN_FULL.fullmatch(words.strip()):
            continue
        w = _PERCENT_TAIL.sub("", words.strip())
        value = _words_value(w)
        num = _numeral_value(m.group("num"))
        if value is None or num is None:
            continue
        if _YEAR.fullmatch(m.group("num")):
            continue  # a year followed by a parenthetical
        yield m.start(), m.end(), words, value, m.group("num"), num, "number", m.start()


# after the numeral: "o'clock", "hours" ("twelve (1200) o'clock midnight")
_OCLOCK = re.compile(r"\s*(?:o['\u2019]?\s*clock|hours)\b", re.I)


@as_rule
def words_vs_numerals(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    seen: set[int] = set()
    for a, b, words, wv, numtext, nv, kind, numstart in _pairs(ctx):
        if a in seen:
            continue
        seen.add(a)
        if _close(wv, nv):
            continue
        # "Eight and 93/100 Dollars ($8.93)" already handled; "ten percent (0.10)" reads as a fraction
        if kind == "percent" and _close(wv / 100.0, nv):
            continue
        if kind != "percent" and _close(wv * 100, nv) and _OCLOCK.match(ctx.text, b) and wv <= 24:
            continue  # "twelve (1200) o'clock": the hour in twenty-four-hour form
        unit = "%" if kind == "percent" else ""
        money = "$" if kind == "money" else ""
        out.append(
            ctx.finding(
                "NUM001",
                f"the words '{squash(words)}' say {money}{fmt(wv)}{unit} but the numeral {squash(numtext)} says {money}{fmt(nv)}{unit}",
                a,
                b,
                [ctx.related(numstart, b, "the numeral")],
            )
        )
    return out


# ---------------------------------------------------------------------------
# quantities: "1,500,000 shares", "750,000 Optional Shares"
# ---------------------------------------------------------------------------

# a numeral not after a word character, ".", ",", "$" or "/": 1,500,000 or 1500;
# the test follows the first digit so that the engine can skip to the digits
_QTY_NUM = r"\d(?<![\w.,$/]\d)(?:\d{0,2}(?:,\d{3})+|\d{3,})"
_QTY = re.compile(
    r"(?P<num>" + _QTY_NUM + r")(?![\d,]*\.\d)(?![\w,])"
    r"(?P<mid>(?:\s+(?:additional|outstanding|authorized|issued|newly|of\s+the|of|its|[A-Z][A-Za-z\-]+)){0,4})"
    r"\s+(?P<unit>shares|Shares|SHARES|securities|Securities|SECURITIES|units|Units|notes|Notes|warrants|Warrants|ADSs|American\s+Depositary\s+Shares)\b"
)


@dataclass
class Qty:
    value: float
    start: int
    end: int
    text: str


def _quantities(ctx: Context, lo: int, hi: int) -> list[Qty]:
    out = []
    for m in _QTY.finditer(ctx.text, lo, hi):
        v = _numeral_value(m.group("num"))
        if v is None:
            continue
        if _YEAR.fullmatch(m.group("num")):
            continue  # a year ("the 2025 Notes"), not a quantity
        out.append(Qty(v, m.start(), m.end(), m.group(0)))
    return out


# the unit of every match of _QTY ends in one of these (in lower case)
_UNIT_WORDS_LOWER = ("shares", "securities", "units", "notes", "warrants", "adss")


def _unit_words_in(low: str, a: int, b: int) -> int:
    """How many of _UNIT_WORDS_LOWER stand in low[a:b]: at least as many as
    there are matches of _QTY in the text there."""
    count = low.count
    n = 0
    for w in _UNIT_WORDS_LOWER:
        n += count(w, a, b)
    return n


_SUM_CUE = re.compile(r"aggregate|such\s+\d|total|consist|compris")
_SUCH_NUMBER = re.compile(r"such\s+\d")


def _sum_cues(low: str) -> list[tuple[int, int]]:
    """(start, end) of every match of _SUM_CUE in ``low``, in order, found with
    ``str.find`` (the engine would test every "a", "s", "t" and "c").  No two
    of them can overlap, so they are what ``finditer`` gives."""
    out: list[tuple[int, int]] = []
    find = low.find
    for word in ("aggregate", "total", "consist", "compris"):
        n = len(word)
        i = find(word)
        while i >= 0:
            out.append((i, i + n))
            i = find(word, i + n)
    # "such" followed by a number: the pattern starts with that literal, which
    # the engine skips to by itself
    out.extend([m.span() for m in _SUCH_NUMBER.finditer(low)])
    out.sort()
    return out


_BACK_CUE = re.compile(r"(?:\bthe\s+aggregate\s+of|\bsuch|\ba\s+total\s+of|\bin\s+the\s+aggregate|\btotaling|\btotalling)\s*$", re.I)
_FWD_CUE = re.compile(r"^[^.;]{0,80}?\b(?:consisting\s+of|comprised\s+of|comprising)\b", re.I)


def _subset_sums_to(parts: list[float], target: float, max_size: int = 4) -> Optional[tuple[float, ...]]:
    for k in range(2, min(max_size, len(parts)) + 1):
        for combo in combinations(parts, k):
            if abs(sum(combo) - target) < 0.5:
                return combo
    return None


@as_rule
def stated_sums(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    text = ctx.text
    low = ctx.lower if len(ctx.lower) == len(text) else text.lower()
    # the paragraphs (in order, apart) that hold a cue wholly: reached from
    # the cues, by bisection (as _SUM_CUE.search(low, p.start, p.end) finds)
    paras = ctx.paragraphs
    para_starts = ctx.para_starts  # (the starts of the paragraphs, read once per document)
    chosen: list[int] = []
    for a, b in _sum_cues(low):
        k = bisect.bisect_right(para_starts, a) - 1
        if k >= 0 and b <= paras[k].end and (not chosen or chosen[-1] != k):
            chosen.append(k)
    # (each quantity ends in one of _UNIT_WORDS_LOWER, in the lower-case text
    # when it keeps every offset: a paragraph with fewer than three of them
    # holds fewer than three quantities, and is passed over unread)
    unit_low = low if low is ctx.lower else None
    for k in chosen:
        p = paras[k]
        if p.table:
            continue
        if unit_low is not None and _unit_words_in(unit_low, p.start, p.end) < 3:
            continue
        qs = _quantities(ctx, p.start, p.end)
        if len(qs) < 3:
            continue
        for i, q in enumerate(qs):
            before = text[max(p.start, q.start - 40) : q.start]
            if _BACK_CUE.search(before):
                parts = qs[:i]
                if len(parts) < 2:
                    continue
                vals = [x.value for x in parts]
                if any(abs(v - q.value) < 0.5 for v in vals):
                    continue  # restated
                if _subset_sums_to(vals[-6:], q.value):
                    continue
                out.append(
                    ctx.finding(
                        "NUM002",
                        f"{fmt(q.value)} is stated as a total, but no combination of the amounts before it "
                        f"({', '.join(fmt(v) for v in vals[-6:])}) adds up to it",
                        q.start,
                        q.end,
                        [ctx.related(x.start, x.end, "a part") for x in parts[-4:]],
                    )
                )
                continue
            fm = _FWD_CUE.match(text[q.end : min(p.end, q.end + 400)])
            if fm:
                s0, s1 = ctx.sentence_bounds(q.end + fm.end())
                parts = [x for x in qs[i + 1 :] if x.start < s1]
                if len(parts) < 2:
                    continue
                vals = [x.value for x in parts]
                if abs(sum(vals) - q.value) < 0.5 or _subset_sums_to(vals, q.value):
                    continue
                out.append(
                    ctx.finding(
                        "NUM002",
                        f"{fmt(q.value)} is said to consist of {' + '.join(fmt(v) for v in vals)} = {fmt(sum(vals))}",
                        q.start,
                        q.end,
                        [ctx.related(x.start, x.end, "a part") for x in parts[:4]],
                    )
                )
    return out


# ---------------------------------------------------------------------------
# NUM004: one quantity, two values
# ---------------------------------------------------------------------------


_QUANTITY_FAMILY = re.compile(r"\b(?:Shares|Securities|Stock|Units|Notes|Warrants|ADSs)\b", re.I)


@functools.lru_cache(maxsize=8192)
def _is_quantity_family(fam: str) -> bool:
    """Whether a defined term names a number of securities ("Firm Shares",
    "Notes"); the same terms recur from document to document."""
    return _QUANTITY_FAMILY.search(fam) is not None


def term_quantities(ctx: Context) -> dict[str, list[tuple[float, int, int, str]]]:
    """Stated quantities of defined terms: family -> [(value, start, end, how)]."""
    cached = getattr(ctx, "_term_qty", None)
    if cached is not None:
        return cached
    terms = get_terms(ctx)
    text = ctx.text
    out: dict[str, list[tuple[float, int, int, str]]] = {}
    qty_fams = {fam for fam in terms.by_family if _is_quantity_family(fam)}
    # the quantity in a definition's own sentence: "(such 11,111,111 shares ... the "FIRM SECURITIES")"
    for fam in qty_fams:
        for d in terms.by_family[fam]:
            if d.attachment is not None or d.form in ("imported", "includes"):
                continue
            qs = [q for q in _quantities(ctx, d.sent_start, d.start) if d.start - q.end < 250]
            if not qs:
                continue
            q = qs[-1]
            between = text[q.end : d.start]
            # the number must be what is named: "the aggregate of N shares ... is herein called", "(such N shares ... the"
            if _SENTENCE_BREAK.search(between):
                continue
            if _ANOTHER_NUMBER.search(between):
                continue
            out.setdefault(fam, []).append((q.value, q.start, q.end, "definition"))
    # "750,000 Optional Shares"
    if qty_fams:
        family = terms.family
        alts = sorted({k for k in terms.by_key if family[k] in qty_fams}, key=len, reverse=True)
        for start, end, num, term in _stated_numbers(text, alts, ctx.body_end):
            key = squash(term)
            fam = terms.family.get(key)
            if fam is None:
                continue
            v = _numeral_value(num)
            if v is None:
                continue
            # the whole quantity, not a party's part of it
            before = text[max(0, start - 30) : start]
            after = text[end : end + 60]
            if not _WHOLE_BEFORE.search(before):
                continue  # "up to 937,500 Shares", "an aggregate of ...": often a part, or a maximum
            if _YEAR.fullmatch(num):
                continue  # "the 2025 Notes": a year in a name
            if _PART_AFTER.match(after):
                continue
            out.setdefault(fam, []).append((v, start, end, "stated"))
    ctx._term_qty = out
    return out


# a numeral of _QTY_NUM and the white space after it
_QTY_HEAD = re.compile(r"(" + _QTY_NUM + r")\s+")

# Latin-1 bytes marked for _numeral_starts: an ASCII digit "0", a comma ",",
# an ASCII letter, "_", ".", "$" or "/" "w" (what may not stand before a
# numeral's first digit), any other byte " "
_NUMERAL_MARKS = bytes(
    48 if 48 <= i <= 57 else 44 if i == 44 else 119 if chr(i).isascii() and (chr(i).isalpha() or chr(i) in "_.$/") else 32
    for i in range(256)
)
# in the marked bytes: the first digit of a numeral of four figures or more,
# or of one with a thousands separator (what _QTY_NUM needs)
_MARKED_NUMERAL = re.compile(rb"0(?<![w,]0)(?:0{0,2},000|000)")
_ASCII_BYTES = bytes(range(128))


def _numeral_starts(text: str, endpos: int) -> Optional[list[int]]:
    """Offsets, before ``endpos``, where a match of _QTY_HEAD may start (among
    them every one where it does); None when the text holds a digit outside
    ASCII (one the pattern's ``\\d`` takes too).

    Read from the text as Latin-1 bytes (one byte for each character, those
    outside Latin-1 as "?", Latin-1 has no digits but the ASCII ones), marked
    by what _QTY_NUM reads, with a pattern that starts with a literal: the
    engine skips from digit to digit instead of testing every character of
    the text for a digit."""
    head = text[:endpos]
    if not head.isascii():
        rest = head.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
        if any(c.isdecimal() for c in set(rest)):
            return None
    marks = head.encode("latin-1", "replace").translate(_NUMERAL_MARKS)
    return [m.start() for m in _MARKED_NUMERAL.finditer(marks)]


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _stated_numbers(text: str, alts: list[str], endpos: int):
    """(start, end, numeral, term) of every match of
    ``(_QTY_NUM)\\s+(alt|alt|...)\\b`` in text[:endpos], the terms ``alts``
    tried in their order, with white space for each space, as
    ``re.finditer`` gives them: the numerals followed by white space are
    found by a fixed pattern, and the terms read after each in turn (one
    pattern compiled per document cost more than its search)."""
    if not alts or any(not a or a != a.strip() or "  " in a or any(c.isspace() and c != " " for c in a) for a in alts):
        pat = re.compile(r"(" + _QTY_NUM + r")\s+(" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts) + r")\b")
        for m in pat.finditer(text, 0, endpos):
            yield m.start(), m.end(), m.group(1), m.group(2)
        return
    # the terms by their first character, in their order, as their words
    by_first: dict[str, list[list[str]]] = {}
    for a in alts:
        by_first.setdefault(a[0], []).append(a.split(" "))
    startswith = text.startswith
    last = 0
    # (the pattern tried only where a numeral of its kind starts, when those
    # places can be told)
    starts = _numeral_starts(text, endpos)
    heads = _QTY_HEAD.finditer(text, 0, endpos) if starts is None else matches_at(_QTY_HEAD, text, starts, 0, endpos)
    for h in heads:
        t = h.end()
        if h.start() < last or t >= endpos:
            continue
        cands = by_first.get(text[t])
        if cands is None:
            continue
        for words in cands:
            i = t
            for k, w in enumerate(words):
                if k:  # white space between the words, one character or more
                    j = i
                    while j < endpos and text[j].isspace():
                        j += 1
                    if j == i:
                        break
                    i = j
                if not startswith(w, i, endpos):
                    break
                i += len(w)
            else:
                # a word boundary after the term (the end of the text is one after a word character)
                before_word = _is_word_char(text[i - 1])
                after_word = i < endpos and _is_word_char(text[i])
                if before_word != after_word:
                    yield h.start(), i, h.group(1), text[t:i]
                    last = i
                    break


@as_rule
def inconsistent_quantities(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    tq = term_quantities(ctx)
    from .tables import schedule_totals

    totals = schedule_totals(ctx)
    for fam, vals in tq.items():
        items = list(vals)
        for tot in totals:
            if tot.term == fam:
                items.append((tot.value, tot.start, tot.end, f"total of {tot.where}"))
        if len(items) < 2:
            continue
        items.sort(key=lambda x: x[1])
        first = items[0]
        for it in items[1:]:
            if abs(it[0] - first[0]) < 0.5:
                continue
            out.append(
                ctx.finding(
                    "NUM004",
                    f"the number of {fam} is {fmt(it[0])} here ({it[3]}) but {fmt(first[0])} at line {ctx.span(first[1], first[2]).line}",
                    it[1],
                    it[2],
                    [ctx.related(first[1], first[2], f"{fam}: {fmt(first[0])}")],
                )
            )
            break
    return out


# ---------------------------------------------------------------------------
# NUM005: option size against the firm commitment
# ---------------------------------------------------------------------------

_FIRM = re.compile(r"^(?:Firm|Underwritten|Initial|Base)\b", re.I)
_OPTION = re.compile(r"^(?:Optional|Option|Additional|Over-?allotment)\b", re.I)


@as_rule
def option_ratio(ctx: Context) -> list[Finding]:
    tq = term_quantities(ctx)
    firm = [(f, v) for f, v in tq.items() if _FIRM.search(f)]
    opt = [(f, v) for f, v in tq.items() if _OPTION.search(f)]
    if len(firm) != 1 or len(opt) != 1:
        return []
    (ff, fv), (of, ov) = firm[0], opt[0]
    f0 = sorted(fv, key=lambda x: x[1])[0]
    o0 = sorted(ov, key=lambda x: x[1])[0]
    if f0[0] <= 0:
        return []
    pct = 100.0 * o0[0] / f0[0]
    over = " - more than the customary 15%" if pct > 15.05 else ""
    return [
        ctx.finding(
            "NUM005",
            f"the {of} ({fmt(o0[0])}) are {pct:.1f}% of the {ff} ({fmt(f0[0])}){over}",
            o0[1],
            o0[2],
            [ctx.related(f0[1], f0[2], f"{ff}: {fmt(f0[0])}")],
        )
    ]
