"""Patterns rewritten for speed find exactly what their plain forms find.

Several patterns of the fact readers (checker/obligations.py) and of the layout
stage (checker/layout.py) are written so that the regular expression engine can
skip ahead: the ignore-case flag replaced by both cases of each letter (and the
few other characters the flag lets a Latin letter match), a branch's first
letter moved into one leading character set.  Each is held here to the plain
form it replaced: on every Basic Multilingual Plane character (the character
sets), on corpus text, and on generated text made of the characters that could
tell the two forms apart.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import layout, obligations
from checker.obligations import rx

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

# The plain forms, as they were first written.
PLAIN = {
    "_REPORT_WHAT": rx(
        r"financial statements?|balance sheets?|statements? of (?:income|operations|cash flows?)|annual reports?"
        r"|quarterly reports?|\breports?\b|\b10-K\b|\b10-Q\b",
        re.I,
    ),
    "_REPORT_VERB": rx(r"\bfurnish|\bdeliver|\bprovide|\bmake available|\bsend|\bsubmit|\bfile\b", re.I),
    "_MAIL": rx(r"\bmail|\bdeposit|\bpost(?:ed|age)\b|\bcourier|\bsent\b|\bdispatch|\bairmail|\bovernight", re.I),
    "_GOV_ADJ": rx(
        r"\bgoverned by(?: and construed in accordance with)? (?:the )?(?P<state>[A-Z][a-z]+(?: [A-Z][a-z]+)?) law\b"
    ),
    "_JURIS": rx(
        r"(?:submits?|consents?|agrees?|irrevocably submits?)[^.;]{0,40}?to (?:the )?"
        r"(?P<excl>non-?exclusive |exclusive )?(?:personal )?jurisdiction of (?P<forum>[^.;]{5,160}?)"
        r"(?= in any | for (?:the )?purposes?| with respect| over any|[.;]| and (?:waives?|agrees?))",
        re.I,
    ),
}
PLAIN_PN_LINE = re.compile(
    r"\n[ \t]*+(?=[\d\-\u2013\u2014a-z])(?:\d{1,3}+\.?|[-\u2013\u2014][ \t]*(?:\d{1,3}|[ivxlc]{1,7})[ \t]*[-\u2013\u2014]"
    r"|(?:page|pg\.?)[ \t]*\d{1,3}(?:[ \t]*(?:of|/)[ \t]*\d{1,3})?"
    r"|[A-Z]{1,3}+ ?- ?\d{1,3}+|[ivxlc]{1,7}+)[ \t]*+(?=\n|\Z)",
    re.I,
)

# what a case-insensitive Latin letter may also match, and the characters these patterns turn on
_ODD = "\u0130\u0131\u017f\u212a"
_ALPHABET = "abcdefgilmnoprstuvwxyzABCDFGIKLMNOPRSTVX0123456789 \t\n-.,;/()" + _ODD + "\u2013\u2014"


def _matches(pattern: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def _all_searches(pattern: re.Pattern, text: str) -> list:
    """What a search from every offset finds (a reader searches from where it stands)."""
    out = []
    for i in range(len(text) + 1):
        m = pattern.search(text, i)
        out.append(None if m is None else (m.span(), m.groups()))
    return out


def test_page_number_letter_sets_are_what_the_ignore_case_flag_matched():
    for ch in map(chr, range(0x10000)):
        assert (re.fullmatch("[a-z]", ch, re.I) is None) == (re.fullmatch("[" + layout._PN_L + "]", ch) is None), hex(ord(ch))
        assert (re.fullmatch("[ivxlc]", ch, re.I) is None) == (re.fullmatch("[" + layout._PN_R + "]", ch) is None), hex(ord(ch))


# each branch of each pattern without its first letter: a character put before one of
# these stands where the rewritten pattern's leading set is tested
TAILS = {
    "_REPORT_WHAT": ["inancial statements", "alance sheet", "tatement of income", "nnual reports", "uarterly report",
                     "eport", "eports", "0-K", "0-Q"],
    "_REPORT_VERB": ["urnish", "eliver", "rovide", "ake available", "end", "ubmit", "ile"],
    "_MAIL": ["ail", "eposit", "osted", "ostage", "ourier", "ent", "ispatch", "irmail", "vernight"],
    "_GOV_ADJ": ["overned by New York law", "overned by and construed in accordance with the Delaware law"],
    "_JURIS": ["ubmits to the jurisdiction of the courts of New York.", "onsent to the exclusive jurisdiction of any court in any",
               "grees to the personal jurisdiction of the State courts; and", "rrevocably submits to jurisdiction of its courts."],
}
# every character a case-insensitive pattern may take for a Latin letter, all of ASCII, and a
# few other letters, digits and marks (any other character is, to both forms, neither)
_CHARS = sorted(
    {chr(c) for c in range(128)}
    | {ch for ch in map(chr, range(0x10000)) if re.fullmatch("[a-z]", ch, re.I)}
    | set("\u00e9\u00df\u00c9\u0663\u00b2\u2019\u201c\u00a0\u2013")
)


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_fact_patterns_on_every_first_letter(name: str):
    new, old = getattr(obligations, name), PLAIN[name]
    for tail in TAILS[name]:
        for before in ("", " ", "x", "1", "-"):
            for ch in _CHARS:
                text = before + ch + tail
                assert _matches(new, text) == _matches(old, text), (name, repr(text))


_WORDS = st.sampled_from(
    "financial statements balance sheets statement of income cash flows annual quarterly report reports "
    "10-K 10-Q furnish deliver provide make available send submit file files mail deposit posted postage "
    "courier sent dispatch airmail overnight governed by and construed in accordance with the New York law "
    "submits consents agrees irrevocably to non-exclusive exclusive personal jurisdiction of courts in any "
    "for purposes with respect over waives Page pg of - iv XII A-3 . ; \n \n\n".split(" ")
)
_PIECES = st.lists(st.one_of(_WORDS, st.text(alphabet=_ALPHABET, max_size=4)), max_size=30)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PIECES, st.sampled_from(["", " ", "\n", "x"]))
def test_fact_and_page_patterns_on_generated_text(pieces: list[str], sep: str):
    text = sep.join(pieces)
    for name, old in PLAIN.items():
        assert _all_searches(getattr(obligations, name), text) == _all_searches(old, text), name
    assert _matches(layout._PN_LINE, "\n" + text) == _matches(PLAIN_PN_LINE, "\n" + text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["The", "Company", "shall", "pay.", "Mr.", "Inc.", "(a)", "\u201cTerm\u201d.", "10.", "5", "U.S.",
                                 "A.", "\n", "  ", "\u2019", "\"", ")", ".", "Section", "2.1."]), max_size=40))
def test_sentences_split_the_same_without_the_exclamation_and_question_marks(words: list[str]):
    text = " ".join(words)
    assert [m.span() for m in obligations._STOP_ENDER.finditer(text)] == [m.span() for m in obligations._ENDER.finditer(text)]
    fast = obligations.split_sentences(text)
    saved = obligations._STOP_ENDER
    obligations._STOP_ENDER = obligations._ENDER  # the splitter as it was: one pattern for every text
    try:
        assert fast == obligations.split_sentences(text)
    finally:
        obligations._STOP_ENDER = saved


def _corpus_texts(step: int) -> list[str]:
    if not (_CORPUS / "seeds").is_dir():
        pytest.skip(f"corpus not found at {_CORPUS} (expected ../shared/corpus beside the repository)")
    files = sorted((_CORPUS / "seeds").glob("*.txt")) + sorted((_CORPUS / "edgar").glob("*.txt"))
    files += sorted((_CORPUS / "batch").glob("*.txt"))[::step]
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def test_rewritten_patterns_on_the_corpus():
    for text in _corpus_texts(25):
        assert _matches(layout._PN_LINE, "\n" + text) == _matches(PLAIN_PN_LINE, "\n" + text)
        for name, old in PLAIN.items():
            assert _matches(getattr(obligations, name), text) == _matches(old, text), name
        if "!" not in text and "?" not in text:
            assert [m.span() for m in obligations._STOP_ENDER.finditer(text)] == [m.span() for m in obligations._ENDER.finditer(text)]
