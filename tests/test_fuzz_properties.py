"""Property-based tests (hypothesis): the grammar and the whole pipeline never
raise on arbitrary text, every span they report lies inside the document, and
number words round-trip.

Deterministic: ``derandomize=True`` and a fixed number of examples, so a CI run
is repeatable and stays within about 30 seconds.  The long, coverage-guided runs
are in ``fuzz/`` (see fuzz/README.md).
"""
from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from checker.source import InputError, Source, decode  # noqa: E402

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PIPELINE = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NUMBERS = settings(max_examples=400, deadline=None, derandomize=True, database=None)

# Pieces of agreement text: the shapes the grammar reads, and the ones that break naive parsers.
VOCAB = [
    "Section", "Sections", "SECTION", "hereof", "herein", "above", "below", "of this Agreement", "Rule 424(b)",
    "Section 9(b)(iv)", "Schedule A", "Exhibit B", "Annex II(a)", "Article IV", "clause (ii)",
    "thirty", "(30)", "days", "business days", "calendar days", "trading days", "months", "one-eleventh",
    "one hundred eighty (180) days", "ninety (90) days after the date of the Prospectus", "10%", "9.09%",
    "110%", "ten percent (10%)", "$", "$8.93", "$__________", "1,500,000", "20,381", "shares", "Shares",
    "not later than", "within", "after", "prior to", "at least", "up to", "the", "Underwriters",
    '"Agreement"', '(the "Lock-Up Period")', "means", "hereinafter called", "“Company”", "‘", "’",
    "___", "[o]", "[•]", "[ ]", "[_____], 2006", "September [o], 2006", "<PAGE>", "<TABLE>", "</TABLE>",
    "<S>", "<C>", "<CAPTION>", "-2-", "- ii -", "Page 3 of 9", "\f", "obli-\ngation", "9.", "(a)", "(iv)",
    "(", ")", "((", "))", "[", "]", '"', "'", "-", "--", ".", ",", ";", ":", "§", "¶", "½", "¼", "\u00a0",
    "\t", "é", "ß", "日本", "\u200b", "\ufeff", "0", "00", "1.", "2.01", "999999999999", "Total ........ 1,000",
]
SEPS = [" ", " ", " ", "\n", "\n\n", "  ", "\n        ", ""]


@st.composite
def legal_text(draw, max_pieces: int = 60):
    pieces = draw(st.lists(st.one_of(st.sampled_from(VOCAB), st.text(max_size=8)), max_size=max_pieces))
    seps = draw(st.lists(st.sampled_from(SEPS), min_size=len(pieces), max_size=len(pieces)))
    return "".join(p + s for p, s in zip(pieces, seps))


any_text = st.one_of(legal_text(), st.text(max_size=300))


def _src(text: str) -> Source:
    return Source(path="<t>", text=text, encoding="utf-8")


def _check_span(sp, src: Source, what) -> None:
    n = src.line_count
    assert 1 <= sp.line <= n and 1 <= sp.end_line <= n, (what, sp, n)
    assert (sp.end_line, sp.end_column) >= (sp.line, sp.column), (what, sp)
    assert 1 <= sp.column <= len(src.line_text(sp.line)) + 1, (what, sp)
    assert 1 <= sp.end_column <= len(src.line_text(sp.end_line)) + 1, (what, sp)
    assert 0 <= sp.offset <= sp.end_offset <= len(src.text), (what, sp)


# ---------------------------------------------------------------------------
# The grammar
# ---------------------------------------------------------------------------


@FAST
@given(any_text)
def test_parse_phrase_never_raises_and_spans_lie_inside(text):
    from checker.clauses import parse_phrase

    src = _src(text)
    for node in parse_phrase(text):
        _check_span(node.span, src, node)
        assert node.text == text[node.span.offset : node.span.end_offset]


@FAST
@given(any_text)
def test_parse_clause_never_raises_and_spans_lie_inside(text):
    from checker.clauses import parse_clause
    from checker.model import Span

    src = _src(text)

    def span_of(a: int, b: int) -> Span:
        l1, c1 = src.linecol(a)
        l2, c2 = src.linecol(b)
        return Span(line=l1, column=c1, end_line=l2, end_column=c2, offset=a, end_offset=b)

    for node in parse_clause(text, span_of):
        _check_span(node.span, src, node)


# ---------------------------------------------------------------------------
# The whole pipeline
# ---------------------------------------------------------------------------


def _line_col_ok(src: Source, line, column, end_line=None, end_column=None, what=None) -> None:
    n = src.line_count
    assert isinstance(line, int) and 1 <= line <= n, (what, line, n)
    if column is not None:
        assert 1 <= column <= len(src.line_text(line)) + 1, (what, line, column)
    if end_line is not None:
        assert line <= end_line <= n, (what, line, end_line)
        if end_column is not None:
            assert 1 <= end_column <= len(src.line_text(end_line)) + 1, (what, end_line, end_column)
            if end_line == line and column is not None:
                assert end_column >= column, (what, column, end_column)


@PIPELINE
@given(legal_text(max_pieces=120))
def test_check_text_never_raises_and_every_span_lies_inside(text):
    from checker.pipeline import check_text

    res = check_text(text, path="<fuzz>")
    internal = [e.message for e in res.errors if "internal error" in e.message]
    assert not internal, internal
    try:
        src = decode(text.encode("utf-8", "surrogatepass"), "<fuzz>")
    except InputError:
        assert not res.readable
        return
    for f in res.findings:
        _line_col_ok(src, f.line, f.column, f.end_line, f.end_column, f)
        for r in f.related:
            _line_col_ok(src, r.line, r.column, r.end_line, r.end_column, r)
    for o in res.obligations:
        _line_col_ok(src, o.line, o.column, what=o)
    for d in list(res.references) + list(res.definitions):
        _line_col_ok(src, d["line"], d["column"], d.get("end_line"), d.get("end_column"), d)
    for e in res.errors:
        if e.line is not None:
            _line_col_ok(src, e.line, e.column, what=e)
    if res.parsed is not None:
        stack = list(res.parsed.sections)
        while stack:
            sec = stack.pop()
            _check_span(sec.span, src, sec.number)
            for cl in sec.clauses:
                _check_span(cl.span, src, sec.number)
                for node in cl.nodes:
                    _check_span(node.span, src, node)
            stack.extend(sec.children)


@PIPELINE
@given(st.binary(max_size=400))
def test_check_text_on_decoded_bytes_never_raises(data):
    from checker.pipeline import check_text

    text = data.decode("latin-1")
    res = check_text(text, path="<bytes>")
    assert not [e.message for e in res.errors if "internal error" in e.message]


# ---------------------------------------------------------------------------
# Number words
# ---------------------------------------------------------------------------


@NUMBERS
@given(st.integers(min_value=0, max_value=10**9))
def test_number_words_round_trip(n):
    from checker.numbers import words_for, words_value

    w = words_for(n)
    assert words_value(w) == n, (n, w)
    assert words_value(w.upper()) == n, (n, w)


@pytest.mark.parametrize("n", [0, 1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 999, 1000, 1001, 10**6, 10**6 + 1,
                               20381, 999_999_999, 10**9])
def test_number_words_round_trip_edges(n):
    from checker.numbers import words_for, words_value

    assert words_value(words_for(n)) == n
