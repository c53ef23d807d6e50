"""Number words and numerals: values from text, and text from values.

Agreements write quantities as words, as numerals, or both ("seven (7)",
"Twenty Thousand Three Hundred Eighty-one (20,381)", "Eight and 93/100
Dollars ($8.93)").  The clause grammar finds where such phrases are; this
module says what they are worth, so that a check can compare the words with
the numeral beside them.

Public functions:

    words_value(text) -> float | None       "thirty-six" -> 36.0
    words_fraction(text) -> Fraction | None exact value ("one-eleventh" -> 1/11)
    ordinal_value(text) -> int | None        "second" -> 2, "45th" -> 45
    numeral_value(text) -> float | None      "1,500,000" -> 1500000.0
    words_for(n) -> str                      20381 -> "twenty thousand three hundred eighty-one"
    ordinal_words_for(n) -> str              45 -> "forty-fifth"

Every function returns None (never raises) for text that is not a number.
"""
from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import Optional

__all__ = [
    "words_value",
    "words_fraction",
    "ordinal_value",
    "numeral_value",
    "words_for",
    "ordinal_words_for",
]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
}
_ORD_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9,
}
_ORD_TEENS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}
_ORD_TENS = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}
_ORD_SCALES = {"hundredth": 100, "thousandth": 1000, "millionth": 10**6}

# Denominators of fraction words: "half", "third(s)", "quarter(s)", "eleventh(s)".
_DENOMINATORS: dict[str, int] = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}
for _table in (_ORD_UNITS, _ORD_TEENS, _ORD_TENS, _ORD_SCALES):
    for _w, _v in _table.items():
        if _v == 1 or _v == 2:  # "one first" / "one second" are not fractions
            continue
        _DENOMINATORS[_w] = _v
        _DENOMINATORS[_w + "s"] = _v

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
_SPLIT = re.compile(r"[\s\-]+")
_NUMERAL = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_NUMFRAC = re.compile(r"^(\d+|no)\s*/\s*(\d+)$", re.I)  # "93/100"; "No/100" is no cents
_MIXEDFRAC = re.compile(r"^(\d+)(?:-|\s+)(\d+)\s*/\s*(\d+)$")  # "66-2/3"
_ORDNUM = re.compile(r"^(\d+)\s*(?:st|nd|rd|th|d)$", re.I)


def _numerator(digits: str) -> int:
    return 0 if digits.lower() == "no" else int(digits)


def _norm(text: str) -> str:
    return " ".join(text.translate(_DASHES).lower().split())


def _cardinal(words: list[str]) -> Optional[int]:
    """Value of a cardinal written in words, or None if the words are not one.

    Accepts the usual forms: "twenty thousand three hundred eighty-one",
    "one hundred and five", "one million five hundred thousand".
    """
    if not words:
        return None
    total = 0  # completed scale groups
    group = 0  # the group below the next scale word (0..999)
    last = None  # category of the previous word
    last_scale = None  # magnitude of the last scale word used
    seen_any = False
    for i, w in enumerate(words):
        if w == "and":
            # only inside a number, after "hundred" or a scale word, before more digits
            if last not in ("hundred", "scale") or i == len(words) - 1:
                return None
            last = last + "-and"
            continue
        if w in _UNITS:
            if last in ("unit", "teen"):
                return None
            if w == "zero" and (seen_any or len(words) > 1):
                return None
            if last == "tens":
                group += _UNITS[w]
            else:
                if group % 100 != 0:
                    return None
                group += _UNITS[w]
            last = "unit"
        elif w in _TEENS:
            if last in ("unit", "teen", "tens") or group % 100 != 0:
                return None
            group += _TEENS[w]
            last = "teen"
        elif w in _TENS:
            if last in ("unit", "teen", "tens") or group % 100 != 0:
                return None
            group += _TENS[w]
            last = "tens"
        elif w == "hundred":
            # "three hundred", also "fifteen hundred" and "twenty-five hundred"
            if last not in ("unit", "teen", "tens") or not 0 < group < 100:
                return None
            group *= 100
            last = "hundred"
        elif w in _SCALES:
            scale = _SCALES[w]
            if group == 0:
                return None
            if last_scale is not None and scale >= last_scale:
                return None
            total += group * scale
            group = 0
            last_scale = scale
            last = "scale"
        else:
            return None
        seen_any = True
    if last in ("hundred-and", "scale-and"):
        return None
    return total + group


def _split_words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text) if w]


def _fraction_words(text: str) -> Optional[Fraction]:
    """ "one-eleventh", "two-thirds", "one half", "nine-tenths" -> Fraction."""
    words = _split_words(text)
    if len(words) < 2:
        if len(words) == 1 and words[0] == "half":
            return Fraction(1, 2)
        return None
    denom = _DENOMINATORS.get(words[-1])
    if denom is None:
        return None
    num = _cardinal(words[:-1])
    if num is None or num == 0:
        return None
    # "one third" but not "two third": a plural denominator goes with numerators above one
    if num == 1 and words[-1].endswith("s") and words[-1] not in ("halves",):
        return None
    return Fraction(num, denom)


def words_fraction(text: str) -> Optional[Fraction]:
    """Exact value of number words, including fractions and mixed numbers.

    "Twenty Thousand Three Hundred Eighty-one" -> 20381, "one-eleventh" -> 1/11,
    "one and one-half" -> 3/2, "Eight and 93/100" -> 893/100.
    """
    return _words_fraction(text) if isinstance(text, str) else None


@lru_cache(maxsize=8192)
def _words_fraction(text: str) -> Optional[Fraction]:
    if not isinstance(text, str):
        return None
    s = _norm(text)
    if not s:
        return None
    m = _NUMFRAC.match(s)
    if m:
        d = int(m.group(2))
        return Fraction(_numerator(m.group(1)), d) if d else None
    words = _split_words(s)
    # a mixed number: whole part "and" a fraction (words or NN/100)
    if "and" in words:
        k = len(words) - 1 - words[::-1].index("and")
        head, tail = words[:k], " ".join(words[k + 1:])
        frac: Optional[Fraction] = None
        m = _NUMFRAC.match(tail.replace(" ", ""))
        if m:
            d = int(m.group(2))
            if d:
                frac = Fraction(_numerator(m.group(1)), d)
        else:
            frac = _fraction_words(tail)
        if frac is not None and frac < 1:
            whole = _cardinal(head)
            if whole is None:
                return None
            return whole + frac
    value = _cardinal(words)
    if value is not None:
        return Fraction(value)
    return _fraction_words(s)


def words_value(text: str) -> Optional[float]:
    """Value of number words as a float (see :func:`words_fraction`), or None."""
    f = words_fraction(text)
    return None if f is None else float(f)


def ordinal_value(text: str) -> Optional[int]:
    """ "second" -> 2, "forty-fifth" -> 45, "45th" -> 45, "2d" -> 2, "one hundredth" -> 100."""
    return _ordinal_value(text) if isinstance(text, str) else None


@lru_cache(maxsize=8192)
def _ordinal_value(text: str) -> Optional[int]:
    if not isinstance(text, str):
        return None
    s = _norm(text)
    m = _ORDNUM.match(s)
    if m:
        return int(m.group(1))
    words = _split_words(s)
    if not words:
        return None
    last = words[-1]
    for table in (_ORD_UNITS, _ORD_TEENS, _ORD_TENS):
        if last in table:
            head = words[:-1]
            v = table[last]
            if not head:
                return v
            if head[-1] == "and":
                head = head[:-1]
            base = _cardinal(head)
            if base is None:
                return None
            if table is _ORD_UNITS and head[-1] in _TENS:
                return base + v  # "forty-fifth"
            if base % 100 != 0:
                return None
            return base + v
    if last in _ORD_SCALES:
        # "one hundredth", "one thousand one hundredth": the cardinal with the scale word
        return _cardinal(words[:-1] + [last[:-2]]) if len(words) > 1 else _ORD_SCALES[last]
    return None


def numeral_value(text: str) -> Optional[float]:
    """ "1,500,000" -> 1500000.0, "$8.93" -> 8.93, ".001" -> 0.001, "10%" -> 10.0, "93/100" -> 0.93."""
    return _numeral_value(text) if isinstance(text, str) else None


@lru_cache(maxsize=8192)
def _numeral_value(text: str) -> Optional[float]:
    if not isinstance(text, str):
        return None
    m = _MIXEDFRAC.match(text.strip().replace("$", "").replace("%", "").strip())
    if m:
        d = int(m.group(3))
        return int(m.group(1)) + int(m.group(2)) / d if d else None
    s = text.strip().replace("$", "").replace("%", "").replace(" ", "")
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    if not s:
        return None
    m = _NUMFRAC.match(s)
    if m:
        d = int(m.group(2))
        return _numerator(m.group(1)) / d if d else None
    if not _NUMERAL.match(s) or not any(c.isdigit() for c in s):
        return None
    return float(s.replace(",", ""))


_UNIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEEN_WORDS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
               "seventeen", "eighteen", "nineteen"]
_TENS_WORDS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALE_WORDS = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand")]


def _below_thousand(n: int) -> list[str]:
    out: list[str] = []
    h, r = divmod(n, 100)
    if h:
        out += [_UNIT_WORDS[h], "hundred"]
    if r >= 20:
        t, u = divmod(r, 10)
        out.append(_TENS_WORDS[t] + ("-" + _UNIT_WORDS[u] if u else ""))
    elif r >= 10:
        out.append(_TEEN_WORDS[r - 10])
    elif r:
        out.append(_UNIT_WORDS[r])
    return out


def words_for(n: int) -> str:
    """Number words for a non-negative integer, lower case, without "and".

    words_for(20381) == "twenty thousand three hundred eighty-one"
    """
    n = int(n)
    if n < 0:
        return "minus " + words_for(-n)
    if n == 0:
        return "zero"
    if n >= 10**15:
        raise ValueError("number too large for words_for")
    out: list[str] = []
    for scale, name in _SCALE_WORDS:
        q, n = divmod(n, scale)
        if q:
            out += _below_thousand(q) + [name]
    out += _below_thousand(n)
    return " ".join(out)


_ORD_OF_UNIT = {v: k for k, v in _ORD_UNITS.items()}
_ORD_OF_TEEN = {v: k for k, v in _ORD_TEENS.items()}
_ORD_OF_TENS = {v: k for k, v in _ORD_TENS.items()}


def ordinal_words_for(n: int) -> str:
    """ordinal_words_for(45) == "forty-fifth"; ordinal_words_for(100) == "one hundredth"."""
    n = int(n)
    if n <= 0:
        raise ValueError("ordinal_words_for needs a positive integer")
    head, r = divmod(n, 100)
    prefix = words_for(head * 100) + " " if head else ""
    if r == 0:
        w = words_for(n)
        for card, ordw in (("hundred", "hundredth"), ("thousand", "thousandth"), ("million", "millionth")):
            if w.endswith(card):
                return w[: -len(card)] + ordw
        raise ValueError("no ordinal words for %d" % n)
    if r < 10:
        return prefix + _ORD_OF_UNIT[r]
    if r < 20:
        return prefix + _ORD_OF_TEEN[r]
    t, u = divmod(r, 10)
    if u == 0:
        return prefix + _ORD_OF_TENS[t * 10]
    return prefix + _TENS_WORDS[t] + "-" + _ORD_OF_UNIT[u]


_ROMAN_DIGITS = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN_FORM = re.compile(r"c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")


_ROMAN_PARTS = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman_numeral(n: int) -> str:
    """``n`` (1 to 399) in roman numerals, in capitals: 4 -> "IV", 18 -> "XVIII"."""
    out = []
    for v, r in _ROMAN_PARTS:
        while n >= v:
            out.append(r)
            n -= v
    return "".join(out)


def roman_value(s: str) -> Optional[int]:
    """The value of a well-formed roman numeral up to 399 ("iv" -> 4, "XVIII" -> 18), else None."""
    s = s.lower()
    if not s or not _ROMAN_FORM.fullmatch(s):
        return None
    total = prev = 0
    for ch in reversed(s):
        v = _ROMAN_DIGITS[ch]
        if v < prev:
            total -= v
        else:
            total += v
            prev = v
    return total or None

