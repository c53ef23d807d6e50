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
