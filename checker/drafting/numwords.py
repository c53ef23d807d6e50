"""Number words: "Twenty Thousand Three Hundred Eighty-one", "Eight and 93/100",
"one and one-half", "thirtieth" -> their values."""
from __future__ import annotations

import re
from typing import Optional

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
# denominators of fraction words ("one-half", "two-thirds", "one-eleventh")
DENOMS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10, "eleventh": 11, "elevenths": 11, "twelfth": 12,
    "twelfths": 12, "hundredth": 100, "hundredths": 100,
}

_CARD = sorted(list(UNITS) + list(TENS) + list(SCALES), key=len, reverse=True)
_ORD = sorted(ORDINALS, key=len, reverse=True)
_DEN = sorted(DENOMS, key=len, reverse=True)
CARD_WORD = r"(?:" + "|".join(_CARD) + r")"
ORD_WORD = r"(?:" + "|".join(_ORD) + r")"
# a run of number words: "Twenty Thousand Three Hundred Eighty-one",
# "Eight and 93/100", "one and one-half", "twenty-fifth"
NUMBER_WORDS = (
    r"(?:" + CARD_WORD + r"(?:\s*-\s*|\s+)?)*?"
    r"(?:" + CARD_WORD + r"|" + ORD_WORD + r")"
    r"(?:\s+and\s+(?:\d{1,3}/100|" + CARD_WORD + r"(?:\s*-\s*|\s+)(?:" + "|".join(_DEN) + r")"
    r"|(?:" + CARD_WORD + r"(?:\s*-\s*|\s+))*" + CARD_WORD + r"))?"
)

_TOKEN = re.compile(r"\d+/\d+|[A-Za-z]+")


def _parse_part(tokens: list[str]) -> Optional[tuple[float, bool]]:
    """Value of one run without "and"; (value, is_ordinal)."""
    if not tokens:
        return None
    if len(tokens) == 1 and "/" in tokens[0]:
        a, b = tokens[0].split("/")
        return (int(a) / int(b), False) if int(b) else None
    # fraction word: "one-half", "two-thirds"
    if len(tokens) >= 2 and tokens[-1] in DENOMS and tokens[-2] not in SCALES:
        num = _parse_part(tokens[:-1])
        if num is None:
            return None
        return num[0] / DENOMS[tokens[-1]], False
    total = 0
    current = 0
    ordinal = False
    seen = False
    for i, t in enumerate(tokens):
        if t in UNITS:
            current += UNITS[t]
        elif t in TENS:
            current += TENS[t]
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in SCALES:
            total += (current or 1) * SCALES[t]
            current = 0
        elif t in ORDINALS and i == len(tokens) - 1:
            current += ORDINALS[t]
            ordinal = True
        elif t == "a" and i == 0:
            continue
        else:
            return None
        seen = True
    if not seen:
        return None
    return float(total + current), ordinal


def words_value(phrase: str) -> Optional[float]:
    """The value of number words, or None when they do not read as a number."""
    v = words_value_ordinal(phrase)
    return None if v is None else v[0]


def words_value_ordinal(phrase: str) -> Optional[tuple[float, bool]]:
    low = phrase.lower()
    parts = re.split(r"\s+and\s+", low)
    total = 0.0
    ordinal = False
    for part in parts:
        toks = _TOKEN.findall(part)
        r = _parse_part(toks)
        if r is None:
            return None
        total += r[0]
        ordinal = ordinal or r[1]
    return total, ordinal


def numeral_value(s: str) -> Optional[float]:
    t = s.strip().replace(",", "").replace(" ", "")
    t = re.sub(r"^(?:US\$|U\.S\.\$|\$)", "", t)
    t = re.sub(r"(?:st|nd|rd|th|%)$", "", t)
    if not t:
        return None
    if re.fullmatch(r"\d+/\d+", t):
        a, b = t.split("/")
        return int(a) / int(b) if int(b) else None
    try:
        return float(t)
    except ValueError:
        return None


def fmt(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return f"{int(round(v)):,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")
