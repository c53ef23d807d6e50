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


# ---------------------------------------------------------------------------
# the defined-term checks: each faster form against the form it replaces
# ---------------------------------------------------------------------------

from pathlib import Path  # noqa: E402

_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _corpus_texts(n: int = 12) -> list[str]:
    """The clean text of the four seeds and of every 40th batch document."""
    from checker.layout import layout
    from checker.source import load

    if not (_CORPUS / "seeds").is_dir():
        pytest.skip(f"corpus not found at {_CORPUS} (expected ../shared/corpus beside the repository)")
    files = sorted((_CORPUS / "seeds").glob("*.txt")) + sorted((_CORPUS / "batch").glob("*.txt"))[::40][:n]
    return [layout(load(p)).text for p in files]


def _ws_squashed(s: str) -> str:
    return re.sub(r"\s+", " ", s)


SPACED_TEXTS = [
    "the registration\nstatement and the Registration  Statement; registration\t\tstatements",
    "Code of 1986 ... the Code, the\nCode and Codes",
    "Luse Gorman Pomerenk & Schick, P.C. ... Luse  Gorman ... Luse\n\nGorman",
    "no match here at all",
    "ab ab\nab a b",
    "",
]
SPACED_PHRASES = ["registration statement", "registration Statement", "Registration Statement", "Code", "Luse Gorman", "a b", "ab ab", "b"]


def _old_lower_form_in(body: str, phrase: str) -> bool:
    sq = _ws_squashed(body)
    return phrase.lower() in sq or (phrase[:1].lower() + phrase[1:]) in sq


def _old_twice(body: str, s: str) -> bool:
    sq = _ws_squashed(body)
    i = sq.find(s)
    return i >= 0 and sq.find(s, i + len(s)) >= 0


def test_spaced_search_as_the_squashed_text() -> None:
    from types import SimpleNamespace

    texts = SPACED_TEXTS + _corpus_texts(6)
    for text in texts:
        words = re.findall(r"[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)?", text[:20000])[:60]
        phrases = SPACED_PHRASES + sorted({" ".join(w.split()) for w in words})
        for end in (len(text), len(text) // 2):
            ctx = SimpleNamespace(text=text, body_end=end)
            for phrase in phrases:
                assert D._lower_form_in(ctx, phrase) == _old_lower_form_in(text[:end], phrase), phrase
                _i, j = D._spaced_end(text, phrase, 0, end)
                twice = j >= 0 and D._spaced_end(text, phrase, j, end)[0] >= 0
                assert twice == _old_twice(text[:end], phrase), phrase


def test_quoted_phrases_as_first_written() -> None:
    def old(text: str, body_end: int, own_form) -> set[str]:
        return {
            " ".join(m.group(1).split()).rstrip(",.;: ").lower()
            for m in D._QUOTED.finditer(text)
            if m.start() < body_end or not own_form(m.start())
        }

    for text in ['(the "Agent  Information," which) "X" and \u201cY\u201d "Z"'] + _corpus_texts(6):
        for end in (0, len(text) // 3, len(text)):
            for own in (lambda o: False, lambda o: o % 2 == 0):
                assert D._quoted_phrases(text, end, own) == old(text, end, own)


def test_previous_capital_pattern_as_first_written() -> None:
    from checker.drafting import terms as T

    plain = re.compile(r"(?<![A-Za-z'.\-])([A-Z][A-Za-z'.\-]*)[^\S\n]*\Z")
    for text in ["the Securities Act", "U.S. Act", "x-Company Stock", "Common\nStock", "o'Neil  Act", "ABC", "A"] + _corpus_texts(2):
        for a in range(0, min(len(text), 3000)):
            x, y = plain.search(text, max(0, a - 40), a), T._PREV_CAP.search(text, max(0, a - 40), a)
            assert (x and (x.span(1), x.group(1))) == (y and (y.span(1), y.group(1))), (text[:40], a)


def test_lead_class_is_every_character_but_an_ascii_word_character_or_hyphen() -> None:
    from checker.drafting import terms as T

    cls = re.compile("[" + T._LEAD_CLASS + "]")
    for c in map(chr, range(0x3000)):
        ascii_word = c.isascii() and (c.isalnum() or c in "_-")
        assert (cls.match(c) is not None) == (not ascii_word), repr(c)


def _title_key_as_first_written(term: str, words_in_text=None, text=None) -> str:
    from checker.drafting.terms import SMALL

    if "\u00ad" in term:
        term = term.replace("\u00ad", "-")
    if term[:4].lower() == "the " and len(term) > 4 and term[4:5].isupper():
        term = term[4:]
    t = " ".join(term.split())
    if not t.isupper() or sum(1 for c in t if c.isalpha()) < 2:
        return t
    full, mixed = [], []
    for i, w in enumerate(t.split(" ")):
        lw = w.lower()
        m = re.match(r"^([A-Z][A-Z'\u2019-]*)(.*)$", w)
        if i and lw in SMALL:
            full.append(lw)
            mixed.append(lw)
            continue
        if m is None:
            full.append(w)
            mixed.append(w)
            continue
        head, rest = m.group(1), m.group(2)
        tw = "-".join(p[:1] + p[1:].lower() for p in head.split("-")) + rest
        full.append(tw)
        if words_in_text is not None and len(head) > 1 and (head[:1] + head[1:].lower()) not in words_in_text:
            mixed.append(w)
        else:
            mixed.append(tw)
    a, b = " ".join(full), " ".join(mixed)
    if text is not None:
        for cand in (a, b):
            i = text.find(cand)
            while i >= 0:
                before = text[i - 1 : i] if i else ""
                after = text[i + len(cand) : i + len(cand) + 1]
                if not (before and (before.isalnum() or before in "-_")) and not (after and (after.isalnum() or after in "-_")):
                    return cand
                i = text.find(cand, i + 1)
    if " " not in t and len(t) <= 5:
        return t
    return a


def test_title_key_as_first_written() -> None:
    from checker.drafting.terms import _WordsIn, title_key

    terms = [
        "FIRM SECURITIES", "DTC", "NASD RULES", "CSFB", "LR", "A", "AB", "THE SECURITIES", "the Securities",
        "PG&E", "BBA LIBOR", "TERM-LOAN AGREEMENT", "X-RAY", "U.S. HOLDER", "Firm Shares", "RULE 144A",
        "O'NEIL TRUST", "NOTES", "CO", "SHARES OF STOCK", "ERISA AFFILIATE", "HOLDER\u00adS",
    ]
    texts = [
        "the Firm Securities and Dtc; DTC Rules and the Nasd Rules; Lr; Co-Op; X-Ray; U.S. Holder",
        "CSFB and Csfb-x; Notes, the Note; Term-Loan Agreement; Rule 144A; Erisa Affiliate ERISA Affiliate",
        "",
    ] + _corpus_texts(3)
    for text in texts:
        for term in terms:
            assert title_key(term, _WordsIn(text), text) == _title_key_as_first_written(term, _WordsIn(text), text), term
            assert title_key(term) == _title_key_as_first_written(term), term


def _bare_terms(text: str, keys: list[str]):
    """Terms of ``text`` defined nowhere in it, by key, each its own family."""
    from types import SimpleNamespace

    from checker.drafting.terms import Definition, Terms

    t = Terms.__new__(Terms)
    t.ctx = SimpleNamespace(text=text)
    far = len(text) + 10
    t.defs = [Definition(term=k, key=k, start=far + i, end=far + i + 1, form="means", sent_start=far, sent_end=far) for i, k in enumerate(keys)]
    t.by_key = {d.key: [d] for d in t.defs}
    t.family = {k: k for k in t.by_key}
    t.by_family = dict(t.by_key)
    return t


def _spans(uses: dict) -> dict:
    return {f: [(u.start, u.end, u.text) for u in us] for f, us in uses.items()}


USE_CASES = [
    ("the Lock-Up Period and the lock-up; the Lock Period, lock", ["Lock", "Lock-Up", "Lock-Up Period", "Lock Period"], None),
    ("the Lock-Up Period and the lock-up; the Lock Period, lock", ["Lock", "Lock-Up", "Lock-Up Period", "Lock Period"], ["Lock"]),
    ("the lock-up and the Lock; the Lock-Ups", ["Lock", "Lock-Up"], ["Lock"]),
    ("the lock-up and the Lock; the Lock-Ups", ["Lock", "Lock-Up"], ["Lock-Up"]),
    ("U.S. Holder and the U.S.; Holders of Notes, the Holder, Notes", ["U.S.", "U.S. Holder", "Holder", "Notes", "Holders of Notes"], None),
    ("U.S. Holder and the U.S.; Holders of Notes, the Holder, Notes", ["U.S.", "U.S. Holder", "Holder", "Notes", "Holders of Notes"], ["Holder"]),
    ("(a) Shares(b) Shares and the Common Stock, Stock and stock", ["(a)", "(b) Shares", "Common Stock", "Stock", "Shares"], None),
    ("(a) Shares(b) Shares and the Common Stock, Stock and stock", ["(a)", "(b) Shares", "Common Stock", "Stock", "Shares"], ["Stock"]),
    ("Registration\nStatement, the registration  statement and Company's Registration Statement", ["Registration Statement", "Company", "Statement"], None),
    ("the business day after the Closing Date; Business Days; closing", ["business day", "Closing Date", "Closing"], None),
]


@pytest.mark.parametrize("text,keys,wanted", USE_CASES)
def test_uses_of_some_terms_as_the_uses_of_all(text: str, keys: list[str], wanted) -> None:
    if wanted is None:
        wanted = [k for k in keys if " " in k and k[:1].isupper()]
    some = _bare_terms(text, keys).uses_of(wanted)
    every = _spans(_bare_terms(text, keys).uses)
    assert {f: v for f, v in _spans(some).items() if f in wanted} == {f: every[f] for f in wanted}


def test_uses_of_some_terms_on_the_corpus() -> None:
    from checker.drafting.context import Context
    from checker.drafting.terms import Terms
    from checker.pipeline import parse_source
    from checker.source import load

    if not (_CORPUS / "seeds").is_dir():
        pytest.skip(f"corpus not found at {_CORPUS} (expected ../shared/corpus beside the repository)")
    files = sorted((_CORPUS / "seeds").glob("*.txt")) + sorted((_CORPUS / "batch").glob("*.txt"))[5::60]
    for p in files:
        ctx = Context(parse_source(load(p)))
        every = _spans(Terms(ctx).uses)
        wanted = [f for f in every if " " in f and f[:1].isupper()]
        some = _spans(Terms(ctx).uses_of(wanted))
        assert {f: some[f] for f in wanted} == {f: every[f] for f in wanted}, p.name


def _quote_places(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c in "\"\u201c\u201d"]


def test_definition_form_prechecks_lose_no_match() -> None:
    from checker.drafting import terms as T

    crafted = (
        'is herein called "A" and recalled "B"; referred to as "C", known AS\n"D" termed the  "E" '
        'hereinafter referred to as the\n"F" defined as an "G" (the "H") x aſ "I" x termeD\t"J" known aſ "K" called'
    )
    means = '"X" means y; "Y" shall mean; "Z" has the meanings; "W" refers to; "V" is defined; "U" includes; "T" ınclude "S", and "R" mean, '
    for text in [crafted, means, 'the "T" ınclude nothing else', '"Q" ıs defıned'] + _corpus_texts(6):
        for q in _quote_places(text):
            before = text[max(0, q - 80) : q]
            assert bool(T._may_call(before) and T._CALLED.search(before)) == bool(T._CALLED.search(before)), before
            tail = text[q + 1 : q + 81]
            full = T._MEANS.match(tail)
            fast = T._MEANS.match(tail) if T._may_mean(tail) else None
            assert (full and full.group(0)) == (fast and fast.group(0)), tail


def test_scope_precheck_loses_no_match() -> None:
    from checker.drafting import terms as T

    crafted = [
        "For the purposes of this Section 4, the term",
        "as used in this Article, ",
        "in clause (a) of this subsection, x",
        "in this Exhibit A the term",
        "for purposes of thiſ Section, the",
        "For the purposes of this\nSECTION 5.2(a), \"X\" means",
        "this agreement and that Section",
    ]
    texts = crafted + [t[i : i + 600] for t in _corpus_texts(6) for i in range(0, len(t), 450)]
    for s in texts:
        has = T._THIS_PART.search(s) is not None
        assert has or T._SCOPE.search(s) is None, s


def test_built_term_pattern_is_what_the_parser_reads() -> None:
    # The code of the pattern of a document's terms is written from its sorted
    # words instead of the pattern being written out, read back by the re
    # module's parser and compiled: on random word lists (letters, digits,
    # spaces, punctuation, characters outside ASCII, words that are prefixes of
    # others) both make the same code and find the same matches.
    import random
    from re import _compiler, _parser

    from checker.drafting import terms as T

    T._check_trie_code()
    if not T._TRIE_CODE_OK:
        pytest.skip("this Python's re module is laid out otherwise: the pattern text is compiled")
    rnd = random.Random(20261122)
    alphabet = "abcdeprstu" * 3 + "0129 .-'()&/\u2019\u00e9"
    for _ in range(400):
        stems = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 6))).strip() or "x" for _ in range(4)]
        words = {s + "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 4))).rstrip() for s in stems
                 for _ in range(rnd.randint(1, 4))}
        words = sorted({w for w in words if w and "  " not in w})
        read = _parser.parse(T._lead_text(words))
        assert T._trie_code(words) == _compiler._code(read, 0), words
        text = " " + " ".join(rnd.choice(words) + rnd.choice(["", "s", " ", ".", "-x"]) for _ in range(30))
        fast = T._lead_pattern(words)
        plain = re.compile(T._lead_text(words))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], words


@pytest.mark.parametrize("text", ["", "plain ASCII Text", "the \u201cCompany\u201d\u2019s", "\u0130stanbul \u212a \u00c9t\u00e9 \u03a3\u039f\u03a3",
                                  "caf\u00e9 \ud800 \u00a0X", "\u2013 \u2014 \u00a7 5"])
def test_lower_text_is_str_lower(text: str) -> None:
    from checker.drafting.context import lower_text

    assert lower_text(text) == text.lower()


def test_lower_text_is_str_lower_on_generated_text() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from checker.drafting.context import lower_text

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=st.sampled_from("aZ09 .\u201c\u201d\u2019\u00e9\u00c9\u0130\u212a\u03a3\u00df\u2013\u00a0\n") | st.characters(), max_size=40))
    def check(text: str) -> None:
        assert lower_text(text) == text.lower()

    check()
