"""The faster forms of the drafting checks' searches find what the plain forms find."""
from __future__ import annotations

import re

import pytest

from checker.drafting import definitions as D
from checker.drafting.context import trie_regex
from checker.drafting.terms import _term_matches

TEXTS = [
    "The Company and the company's Underwriters; the Underwriter.",
    "company at the start, and Company\nat a line break, and COMPANY in capitals",
    "the Registration  Statement\n and the registration\nstatement, pre-Registration Statement",
    "u.s.company and u.s. company",  # a term ending in "." before another
    "(a)(b) and (a) (b)",  # terms ending in ")" right after one another
    "\u201cCompany\u201d means; \u00a0company\u2014company\u00b7company",  # characters outside ASCII
    "",
]
WORDS = [
    ["company", "companies", "underwriter", "underwriters", "registration statement"],
    ["u.s.", "company"],
    ["(a)", "(b)"],
]


def _plain(low: str, words: list[str]) -> list[tuple[int, int]]:
    pat = re.compile(r"(?<![\w\-])" + trie_regex(words).replace("\\ ", r"\s+") + r"(?![\w])")
    return [m.span() for m in pat.finditer(low)]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("words", WORDS)
def test_term_matches_as_the_look_behind_pattern(text: str, words: list[str]) -> None:
    low = text.lower()
    ms, shift = _term_matches(low, words)
    assert [(m.start(shift) - shift, m.end(shift) - shift) for m in ms] == _plain(low, words)


def test_term_matches_falls_back_when_terms_touch() -> None:
    _ms, shift = _term_matches("(a)(b)", ["(a)", "(b)"])
    assert shift == 0


# the name patterns before "Act", "Code" and a firm's suffix, as first written
_PLAIN_NAMES = {
    "_NAME_BEFORE": re.compile(r"(?<![\w\-])(?:[A-Z][a-z]+[^\S\n]+){1,3}$"),
    "_FIRM_NAME": re.compile(r"(?<![\w\-])((?:[A-Z][a-z]+(?:,?\s+|\s*&\s*)){2,6})$"),
    "_ACT_LONG_NAME": re.compile(r"(?<![\w\-])((?:[A-Z][a-z]+\s+(?:(?:of|and|the)\s+)?){2,6})$"),
    "_ACT_NAME": re.compile(r"(?<![\w\-])((?:[A-Z][a-z]+[^\S\n]+){1,3})$"),
}
NAME_TEXTS = [
    "under the Employee Retirement Income Security Act",
    "the Securities Exchange Act",
    "Luse Gorman Pomerenk & Schick, P.C.",
    "pre-Trust Indenture Act",
    "Trust Indenture Act",
    "of the Internal Revenue Code",
    "XInternal Revenue Code",
    "A B C Act",
    "One Two Three Four Five Six Seven Eight Act",
]


@pytest.mark.parametrize("name", sorted(_PLAIN_NAMES))
@pytest.mark.parametrize("text", NAME_TEXTS)
def test_name_patterns_as_first_written(name: str, text: str) -> None:
    end = text.rfind(" ") + 1 if " " in text else len(text)
    for lo in range(0, end + 1):
        a = _PLAIN_NAMES[name].search(text, lo, end)
        b = getattr(D, name).search(text, lo, end)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (text, lo)


def _trie_as_first_written(words: list[str]) -> str:
    """trie_regex as first written: every optional part in a group of its own."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = None

    def build(node: dict) -> str:
        keys = sorted(k for k in node if k != "")
        if not keys:
            return ""
        if len(keys) == 1:
            body = re.escape(keys[0]) + build(node[keys[0]])
        else:
            body = "(?:" + "|".join(re.escape(k) + build(node[k]) for k in keys) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


TRIE_WORDS = WORDS + [
    ["note", "notes", "noteholder", "noteholders", "note s", "notes 2", "no"],
    ["a", "ab", "abc", "abd", "a b", "a-b", "a.", "a.b", "x1", "x12", "x1 2"],
]
TRIE_TEXTS = TEXTS + [
    "notes, noteholder and the note s; notes 2 and notes  2, no, nota, noteholders.",
    "a ab abc abd abe a b a  b a-b a. a.b x1 x12 x1 2 x1\n2 x123",
]


@pytest.mark.parametrize("words", TRIE_WORDS)
def test_trie_regex_as_first_written(words: list[str]) -> None:
    new = re.compile(r"(?<![\w\-])(" + trie_regex(words).replace("\\ ", r"\s+") + r")(?![\w])", re.I)
    old = re.compile(r"(?<![\w\-])(" + _trie_as_first_written(words).replace("\\ ", r"\s+") + r")(?![\w])", re.I)
    for text in TRIE_TEXTS:
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], text


def test_number_tail_as_first_written() -> None:
    from checker.drafting import numbers as N

    lead = r"(?<![\w\-/])"
    plain = re.compile(lead + N._TAIL.pattern[len(lead) + len("(?=" + N._NW_FIRST + ")") :], re.I)
    assert N._TAIL.pattern == lead + "(?=" + N._NW_FIRST + ")" + plain.pattern[len(lead) :]
    texts = [
        "the sum of One Hundred Twenty-Five Thousand Dollars and 93/100 ",
        "Ten Dollars and Fifty Cents ",
        "one-half of one percent ",
        "EIGHT and 93/100 Dollars (U.S.) ",
        "a period of thirty ",
        "twenty-fifth ",
        "Zero, Quarter, sixty-six hundredths ",
        "x-ten /five ",
    ]
    for text in texts:
        for lo in range(len(text)):
            a, b = plain.search(text, lo, len(text)), N._TAIL.search(text, lo, len(text))
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (text, lo)


def test_own_form_test_finds_the_innermost_range() -> None:
    from types import SimpleNamespace

    from checker.drafting.definitions import _own_form_test

    text = "y" * 5000
    for at in (1000, 2500):
        text = text[:at] + "FORM OF NOTE" + text[at + 12 :]
    ranges = sorted([(100, 4000, "A"), (1000, 2000, "B"), (1200, 1500, "C"), (2500, 3000, "D"), (2500, 2700, "E"), (3500, 4500, "F")])
    ctx = SimpleNamespace(body_end=50, form_ranges=ranges, text=text)
    test = _own_form_test(ctx, SimpleNamespace(defs=[]))
    for off in range(len(text)):
        holders = [(a, b) for a, b, _n in ranges if a <= off < b]
        inner = max(holders) if holders and off >= 50 else None
        assert test(off) == (inner is not None and inner[0] in (1000, 2500)), off


def test_paragraphs_holding_marks() -> None:
    import random
    from types import SimpleNamespace

    from checker.drafting.numbering import _holding

    rnd = random.Random(7)
    for _ in range(200):
        paras, pos = [], 0
        for _k in range(rnd.randint(0, 8)):
            a = pos + rnd.randint(0, 3)
            b = a + rnd.randint(1, 6)
            paras.append(SimpleNamespace(start=a, end=b))
            pos = b
        marks = sorted(rnd.sample(range(pos + 3), rnd.randint(0, min(pos + 3, 10))))
        want = [k for k, p in enumerate(paras) if any(p.start <= x < p.end for x in marks)]
        assert _holding(paras, marks) == want, (paras, marks)
