"""The clause grammar (grammar/*.lark + checker/clauses.py): phrases to typed nodes.

The table below is the specification by example: each phrase with the nodes a
lawyer reads in it, in text order, and their key attributes.  Then: totality on
hostile input, every paragraph of the seed documents, sentences of the seeds
checked against their text, and the pre-scan checked against a scan that tries
every token.
"""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from checker import clauses
from checker.clauses import parse_clause, parse_phrase
from checker.model import Span
from checker.resources import resource_path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEEDS = {
    "juniper_ua": "000_7b6e6863a5071932.txt",
    "juniper_warrant": "002_8954e5eb644a283c.txt",
    "commvault": "003_0de2a6608b190a24.txt",
    "metricom": "004_010d758ab30663c9.txt",
}


def nodes(phrase: str) -> list[dict[str, Any]]:
    return [n.model_dump(exclude={"span"}) for n in parse_phrase(phrase)]


def check(phrase: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    got = nodes(phrase)
    assert [g["kind"] for g in got] == [k for k, _ in expected], got
    for g, (kind, attrs) in zip(got, expected):
        for key, want in attrs.items():
            have = g[key]
            if isinstance(want, float) and have is not None:
                assert have == pytest.approx(want), (phrase, key, g)
            else:
                assert have == want, (phrase, key, g)


D, A, B, R, M, S, N, DT, X, E, DEF, BL, U = (
    "duration", "anchor", "bound", "ratio", "money", "shares", "number", "date", "xref", "extref",
    "definition", "blank", "unparsed",
)

TABLE: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    # ---- durations: count, unit, day-count basis
    ("thirty-six hours", [(D, dict(count=36.0, unit="hour", basis=None, words="thirty-six", words_value=36.0))]),
    ("forty-eight hours'", [(D, dict(count=48.0, unit="hour", text="forty-eight hours'"))]),
    ("ten (10) consecutive trading days",
     [(D, dict(count=10.0, unit="day", basis="trading", consecutive=True, words="ten", numeral="10",
               words_value=10.0, numeral_value=10.0))]),
    ("the second business day following",
     [(D, dict(count=2.0, unit="day", basis="business", ordinal=True, text="the second business day"))]),
    ("the 45th day after", [(D, dict(count=45.0, unit="day", ordinal=True, numeral="45th"))]),
    ("a period of 180 days after", [(D, dict(count=180.0, unit="day", text="180 days"))]),
    ("the 18-day period", [(D, dict(count=18.0, unit="day", text="the 18-day period"))]),
    ("a thirty-day period", [(D, dict(count=30.0, unit="day", words="thirty"))]),
    ("nine months", [(D, dict(count=9.0, unit="month"))]),
    ("30 calendar days", [(D, dict(count=30.0, unit="day", basis="calendar"))]),
    ("seven days", [(D, dict(count=7.0, unit="day", basis=None))]),
    ("seven full business days", [(D, dict(count=7.0, basis="full_business"))]),
    ("two years", [(D, dict(count=2.0, unit="year"))]),
    ("[o] days", [(D, dict(count=None, unit="day")), (BL, dict(blank_type="bullet", context="duration"))]),
    # ---- anchors: relation and event up to a natural stop
    ("after the date of the Prospectus", [(A, dict(relation="after", event="the date of the Prospectus"))]),
    ("following the execution and delivery of this Agreement",
     [(A, dict(relation="following", event="the execution and delivery of this Agreement"))]),
    ("180 days after the date of the Prospectus and the Company shall",
     [(D, dict(count=180.0)), (A, dict(relation="after", event="the date of the Prospectus"))]),
    ("ten (10) consecutive trading days prior to the date of the Holder's election to convert",
     [(D, dict(count=10.0, basis="trading", consecutive=True)),
      (A, dict(relation="prior_to", event="the date of the Holder's election"))]),
    ("the second business day following the execution and delivery of this Agreement",
     [(D, dict(count=2.0, ordinal=True)), (A, dict(relation="following"))]),
    ("within 30 days of the Closing", [(B, dict(relation="within", high=30.0)), (D, dict(count=30.0)),
                                       (A, dict(relation="of", event="the Closing"))]),
    ("prior to December 15, 2003", [(A, dict(relation="prior_to", event="December 15, 2003")),
                                    (DT, dict(iso="2003-12-15"))]),
    ("the following documents", []),
    ("prior notice", []),
    # ---- bounds
    ("not later than 30 days", [(B, dict(relation="not_later_than", high=30.0)), (D, dict(count=30.0))]),
    ("not more than 30 days", [(B, dict(relation="not_more_than", high=30.0)), (D, {})]),
    ("at least forty-eight hours", [(B, dict(relation="at_least", low=48.0)), (D, dict(unit="hour"))]),
    ("within thirty-six hours after such default",
     [(B, dict(relation="within")), (D, dict(count=36.0)), (A, dict(event="such default"))]),
    ("up to 272,564 additional shares", [(B, dict(relation="up_to", high=272564.0)),
                                         (S, dict(value=272564.0, text="272,564 additional shares"))]),
    ("no later than the second business day", [(B, dict(relation="no_later_than")), (D, dict(ordinal=True))]),
    ("not earlier than two or later than ten business days",
     [(B, dict(relation="range", low=2.0, high=10.0, text="not earlier than two or later than")),
      (D, dict(count=10.0, basis="business"))]),
    ("no later than December 15, 2003", [(B, dict(relation="no_later_than")), (DT, {})]),
    ("at least two of the Underwriters", [(B, dict(relation="at_least", low=2.0))]),
    ("within the meaning of", []),
    ("not later than 5:00 p.m. on", []),
    # ---- ratios
    ("10%", [(R, dict(value=0.10, form="percent"))]),
    ("exceeds 9.09% of the total number",
     [(B, dict(relation="exceeds", low=0.0909)), (R, dict(value=0.0909, form="percent", numeral="9.09%"))]),
    ("110% of", [(R, dict(value=1.10, form="percent", text="110%"))]),
    ("exceeds one-eleventh of the aggregate number",
     [(B, dict(relation="exceeds")), (R, dict(value=1 / 11, form="fraction", words="one-eleventh"))]),
    ("one-tenth", [(R, dict(value=0.1, form="fraction"))]),
    ("one and one-half (1.50)", [(R, dict(value=1.5, words_value=1.5, numeral_value=1.5, numeral="1.50"))]),
    ("ten percent (10%)", [(R, dict(value=0.10, form="percent", words="ten", words_value=0.10, numeral_value=0.10))]),
    ("ten percent (11%)", [(R, dict(words_value=0.10, numeral_value=0.11))]),
    ("one-tenth percent (.10%)", [(R, dict(value=0.001, words_value=0.001, numeral_value=0.001))]),
    ("two times", [(R, dict(value=2.0, form="multiple"))]),
    ("66-2/3%", [(R, dict(value=2 / 3, numeral="66-2/3%"))]),
    ("33 1/3%", [(R, dict(value=1 / 3))]),
    ("1/2%", [(R, dict(value=0.005))]),
    # ---- money
    ("$8.93", [(M, dict(value=8.93, numeral="8.93"))]),
    ("$10,000", [(M, dict(value=10000.0))]),
    ("$.001", [(M, dict(value=0.001))]),
    ("$1.5 million", [(M, dict(value=1_500_000.0))]),
    ("Eight and 93/100 Dollars ($8.93)",
     [(M, dict(value=8.93, words="Eight and 93/100", words_value=8.93, numeral_value=8.93))]),
    ("Ten Thousand Dollars ($1,000)", [(M, dict(words_value=10000.0, numeral_value=1000.0))]),
    ("TWO HUNDRED MILLION AND NO/100 DOLLARS ($200,000,000.00)",
     [(M, dict(value=200_000_000.0, words_value=200_000_000.0, numeral_value=200_000_000.0))]),
    ("$1.7B", [(M, dict(value=1.7e9))]),
    ("$_____", [(M, dict(blank=True, value=None)), (BL, dict(blank_type="underscore", context="amount"))]),
    ("$[o]", [(M, dict(blank=True)), (BL, dict(blank_type="bullet"))]),
    # ---- share counts
    ("1,500,000 shares", [(S, dict(value=1_500_000.0, numeral="1,500,000"))]),
    ("Twenty Thousand Three Hundred Eighty-one (20,381) fully paid and nonassessable shares",
     [(S, dict(value=20381.0, words_value=20381.0, numeral_value=20381.0,
               words="Twenty Thousand Three Hundred Eighty-one", numeral="20,381"))]),
    ("11,111,111 SHARES", [(S, dict(value=11_111_111.0))]),
    ("one and one-half (1.50) shares", [(S, dict(value=1.5, words_value=1.5, numeral_value=1.5))]),
    # ---- number words beside numerals, mismatches kept
    ("seven (7) counterparts", [(N, dict(words="seven", numeral="7", words_value=7.0, numeral_value=7.0))]),
    ("seven (8) counterparts", [(N, dict(words="seven", numeral="8", words_value=7.0, numeral_value=8.0))]),
    ("twenty-one (21)", [(N, dict(words_value=21.0, numeral_value=21.0))]),
    # ---- dates
    ("December 15, 2003", [(DT, dict(iso="2003-12-15", year=2003, month=12, day=15, blank=False))]),
    ("September [o], 2006", [(DT, dict(iso=None, year=2006, month=9, day=None, blank=True)),
                             (BL, dict(blank_type="bullet", context="date"))]),
    ("____________, 1999", [(DT, dict(year=1999, blank=True)), (BL, dict(blank_type="underscore"))]),
    ("February 1, 2000", [(DT, dict(iso="2000-02-01"))]),
    ("the 30 day of September, 1997", [(DT, dict(iso="1997-09-30"))]),
    ("the 30th day of September, 1997", [(DT, dict(iso="1997-09-30"))]),
    ("as of August 5, 1996", [(DT, dict(iso="1996-08-05", text="August 5, 1996"))]),
    ("12/15/2003", [(DT, dict(iso="2003-12-15"))]),
    ("February 30, 2000", [(DT, dict(iso=None, month=2, day=30, year=2000, blank=False))]),  # no such day
    ("February 29, 2000", [(DT, dict(iso="2000-02-29"))]),
    ("December 45, 2003", []),  # not a day of any month
    ("May 2003", [(DT, dict(year=2003, month=5, day=None))]),
    # ---- cross-references
    ("Section 7(k)", [(X, dict(ref_type="section", targets=("7(k)",), qualifier=None))]),
    ("Subsection 1(b)(iv) hereof", [(X, dict(ref_type="subsection", targets=("1(b)(iv)",), qualifier="hereof"))]),
    ("Sections 6, 8 and 9", [(X, dict(targets=("6", "8", "9")))]),
    ("clause (b) of this Section 1",
     [(X, dict(ref_type="clause", targets=("1(b)",), qualifier="of this Section 1", context="1"))]),
    ("Sections 6(i) or 6(j)", [(X, dict(targets=("6(i)", "6(j)")))]),
    ("subsection (a) above", [(X, dict(ref_type="subsection", targets=("(a)",), qualifier="above"))]),
    ("Schedule II", [(X, dict(ref_type="schedule", targets=("II",)))]),
    ("Annex II(a)", [(X, dict(ref_type="annex", targets=("II(a)",)))]),
    ("Exhibit A", [(X, dict(ref_type="exhibit", targets=("A",)))]),
    ("Form of Subscription attached hereto",
     [(X, dict(ref_type="form", targets=("Subscription",), qualifier="attached hereto"))]),
    ("Sections 5 and 10", [(X, dict(targets=("5", "10")))]),
    ("Section 9 hereof", [(X, dict(targets=("9",), qualifier="hereof"))]),
    ("paragraph (c) of this Section", [(X, dict(ref_type="paragraph", targets=("(c)",), qualifier="of this Section"))]),
    ("Sections 6 through 9", [(X, dict(targets=("6", "7", "8", "9")))]),
    ("Section 5 of this Agreement", [(X, dict(targets=("5",), qualifier="of this Agreement"))]),
    ("sub-paragraph (ii)", [(X, dict(ref_type="subparagraph", targets=("(ii)",)))]),
    ("Section 8 105 of the UCC", [(E, dict(ref_type="section", number="8 105", instrument="UCC"))]),
    ("the Schedule", []),
    # ---- external references
    ("Rule 424(b)", [(E, dict(ref_type="rule", number="424(b)", instrument=None))]),
    ("Rule 462(b)", [(E, dict(ref_type="rule", number="462(b)"))]),
    ("Rules 430A", [(E, dict(ref_type="rule", number="430A"))]),
    ("Section 11(a) of the Act", [(E, dict(ref_type="section", number="11(a)", instrument="Act"))]),
    ("Section 15 of the Securities Act", [(E, dict(number="15", instrument="Securities Act"))]),
    ("Section 20 of the Exchange Act", [(E, dict(number="20", instrument="Exchange Act"))]),
    ("Section 12 of the Code", [(E, dict(number="12", instrument="Code"))]),
    ("Section 17 of the Investment Company Act", [(E, dict(instrument="Investment Company Act"))]),
    ("Section 305(b)(2) of the Trust Indenture Act", [(E, dict(number="305(b)(2)", instrument="Trust Indenture Act"))]),
    ("Rule 2720(b)(15) of the NASD", [(E, dict(number="2720(b)(15)", instrument="NASD"))]),
    ("Rule 158", [(E, dict(number="158"))]),
    ("Rule 158(c) under the Act", [(E, dict(number="158(c)", instrument="Act"))]),
    ("Regulation S-K", [(E, dict(ref_type="regulation", number="S-K"))]),
    ("Form S-1", [(E, dict(ref_type="form", number="S-1"))]),
    ("Item 601 of Regulation S-K", [(E, dict(ref_type="item", number="601", instrument="Regulation S-K"))]),
    ("Sections 11 and 12 of the Act",
     [(E, dict(number="11", instrument="Act")), (E, dict(number="12", instrument="Act"))]),
    # ---- definitions
    ('Juniper Networks, Inc. (the "Company")', [(DEF, dict(term="Company", form="parenthetical",
                                                          text='(the "Company")'))]),
    ('("Stock")', [(DEF, dict(term="Stock", form="parenthetical"))]),
    ('is herein called the "Firm Shares"', [(DEF, dict(term="Firm Shares", form="herein_called"))]),
    ('are herein collectively called the "Shares"', [(DEF, dict(term="Shares", form="herein_called"))]),
    ('"AVAILABILITY DATE" means', [(DEF, dict(term="AVAILABILITY DATE", form="means"))]),
    ('("FULL LOCK-UP PERIOD")', [(DEF, dict(term="FULL LOCK-UP PERIOD", form="parenthetical"))]),
    ("a Material Adverse Effect (as defined below)",
     [(DEF, dict(term="Material Adverse Effect", form="as_defined", text="(as defined below)"))]),
    ('hereinafter referred to as the "FIRM SECURITIES"', [(DEF, dict(term="FIRM SECURITIES", form="herein_called"))]),
    ('(each, a "Lock-Up Agreement")', [(DEF, dict(term="Lock-Up Agreement", form="parenthetical"))]),
    ('(collectively, the "Trustees")', [(DEF, dict(term="Trustees", form="parenthetical"))]),
    ('the term "business day" shall mean', [(DEF, dict(term="business day", form="means"))]),
    ('(the "Company" or "Juniper")', [(DEF, dict(term="Company")), (DEF, dict(term="Juniper"))]),
    ('(hereinafter the "Design Documents")', [(DEF, dict(term="Design Documents", form="parenthetical"))]),
    ('(collectively, the\n         "GENERAL DISCLOSURE\n PACKAGE")', [(DEF, dict(term="GENERAL DISCLOSURE PACKAGE"))]),
    ('For the purposes of this Section 4, "New York Business Day" shall mean each Monday',
     [(X, dict(targets=("4",))),
      (DEF, dict(term="New York Business Day", form="means", scope="For the purposes of this Section 4"))]),
    ('"New York Business Day" shall mean, for purposes of this Section 4, each day',
     [(DEF, dict(term="New York Business Day", scope="for purposes of this Section 4")), (X, dict(targets=("4",)))]),
    ('a "protected purchaser" of', []),
    # ---- blanks and placeholders
    ("File No. 333-____", [(BL, dict(blank_type="file_number"))]),
    ("[o]", [(BL, dict(blank_type="bullet"))]),
    ("[NONE] [NASDAQ]", [(BL, dict(blank_type="bracket_option", text="[NONE] [NASDAQ]"))]),
    ("[   ]", [(BL, dict(blank_type="bracket_empty"))]),
    ("Dated: , 200_", [(BL, dict(blank_type="dated_blank", text="Dated: , 200_"))]),
    ("_____________", [(BL, dict(blank_type="underscore"))]),
    ("[*]", [(BL, dict(blank_type="bullet"))]),
    ("[__]", [(BL, dict(blank_type="underscore"))]),
    ("[DATE]", [(BL, dict(blank_type="placeholder"))]),
    ("[insert name of Underwriter]", [(BL, dict(blank_type="placeholder"))]),
    ("[o]:00 [a/p]m", [(BL, dict(blank_type="bullet")), (BL, dict(blank_type="bracket_option"))]),
    ("[Reserved]", []),
    ("[Signature Page Follows]", []),
    # ---- plain words stay text
    ("The Company shall deliver the certificates to the Representatives.", []),
]


@pytest.mark.parametrize("phrase, expected", TABLE, ids=[p[:40] for p, _ in TABLE])
def test_phrase(phrase: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    check(phrase, expected)


# ---------------------------------------------------------------------------
# spans, the cache, totality
# ---------------------------------------------------------------------------


def assert_sound(text: str, found: list) -> None:
    for n in found:
        assert 0 <= n.span.offset <= n.span.end_offset <= len(text), (n, len(text))
        assert n.text == text[n.span.offset:n.span.end_offset]
        assert type(n).model_validate(n.model_dump()) == n  # every field has its model type
    offsets = [n.span.offset for n in found]
    assert offsets == sorted(offsets)


def test_spans_lines_and_columns() -> None:
    text = "within\n  thirty (30) days"
    found = parse_phrase(text)
    bound, dur = found
    assert (bound.span.line, bound.span.column, bound.span.end_line, bound.span.end_column) == (1, 1, 1, 7)
    assert (dur.span.line, dur.span.column, dur.span.end_line, dur.span.end_column) == (2, 3, 2, 19)
    assert dur.text == "thirty (30) days"


def test_span_of_is_called_with_clause_offsets() -> None:
    calls = []

    def span_of(s: int, e: int) -> Span:
        calls.append((s, e))
        return Span(line=10, column=s + 5, end_line=10, end_column=e + 5, offset=1000 + s, end_offset=1000 + e)

    found = parse_clause("see Section 9 hereof", span_of)
    assert calls == [(4, 20)]
    assert found[0].span.offset == 1004 and found[0].text == "Section 9 hereof"


def test_same_phrase_twice_has_its_own_offsets() -> None:
    text = "Section 5 and Section 5, and Section 5"
    found = parse_phrase(text)
    assert [n.span.offset for n in found] == [m.start() for m in re.finditer("Section 5", text)]
    assert_sound(text, found)


def test_text_whose_lower_case_is_longer() -> None:
    # "İ".lower() is two characters: the scan must not use lower-cased offsets then
    text = "İSTANBUL BRANCH shall pay NOT LATER THAN 30 DAYS AFTER THE DATE HEREOF (the \"Bank\")"
    found = parse_phrase(text)
    assert [n.kind for n in found] == ["bound", "duration", "anchor", "definition"]
    assert_sound(text, found)


def test_unreadable_amount_is_unparsed_and_the_rest_still_parsed() -> None:
    # a decimal comma: read as "25%" it would be wrong, so it stays unread
    text = "interest at 1,25% per month under Section 4 hereof"
    found = parse_phrase(text)
    assert [n.kind for n in found] == ["unparsed", "xref"]
    assert found[0].text == "%" and "percent sign" in found[0].reason
    assert_sound(text, found)


@pytest.mark.parametrize(
    "text, ratios",
    [
        ("an increase of 3-5% under Section 4 hereof", [("5%", 0.05)]),
        ("may range from 0-200% of target", [("200%", 2.0)]),
        ("a spread of 9%-11% of the price", [("9%", 0.09), ("11%", 0.11)]),
        ("between 10.5%\u201312.25% per annum", [("10.5%", 0.105), ("12.25%", 0.1225)]),
        ("of 9 1/2%-10% of the Shares", [("9 1/2%", 0.095), ("10%", 0.10)]),
    ],
)
def test_percentage_range_reads_its_upper_end(text: str, ratios: list[tuple[str, float]]) -> None:
    found = parse_phrase(text)
    assert not [n for n in found if n.kind == "unparsed"]
    got = [(n.text, n.value) for n in found if n.kind == "ratio"]
    assert [t for t, _ in got] == [t for t, _ in ratios]
    assert [v for _, v in got] == pytest.approx([v for _, v in ratios])
    assert_sound(text, found)


def test_a_node_that_cannot_be_built_is_unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, c: list) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(clauses.NodeBuilder, "money_numeral", broken)
    monkeypatch.setattr(clauses, "_CACHE", {})
    monkeypatch.setattr(clauses, "_GRAMMAR", None)  # load again: Lark's callbacks bind the patched method
    text = "a price of $7.77 per share under Section 2 hereof"
    found = parse_phrase(text)
    assert [n.kind for n in found] == ["unparsed", "xref"]
    assert found[0].text == "$7.77" and "RuntimeError" in found[0].reason


NASTY = [
    "",
    " ",
    "\n\n\t ",
    "(" * 10000,
    ")" * 3000 + "[" * 3000,
    '[[[o] (the "Company" $ % [ "unterminated (as defined',
    "$" * 2000,
    "%" * 2000,
    "_" * 5000 + ", 1999",
    "one " * 2000,
    "Section " * 1500,
    "Sections " + ", ".join(str(i) for i in range(1, 500)) + " hereof",
    "within " * 1000 + "30 days",
    '"' * 3001,
    "“" * 1000 + "”" * 1000,
    "\x00\x01\x02 Section \x7f 5 \ufffd days",
    "1,2,3,4,5,6,7,8,9" * 300 + " shares",
    "the " * 3000 + "45th day",
]


@pytest.mark.parametrize("text", NASTY, ids=[repr(t[:20]) + f"x{len(t)}" for t in NASTY])
def test_total_on_nasty_input(text: str) -> None:
    assert_sound(text, parse_phrase(text))


def test_total_on_random_bytes() -> None:
    rng = random.Random(20240611)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        text = data.decode("latin-1")
        assert_sound(text, parse_phrase(text))
    pieces = ["Section", "5", "(", ")", "$", "%", '"', "the", "days", "one", "-", "[o]", "_", "\n", " ", ",",
              "after", "of", "not", "later", "than", "thirty", "Rule", "424(b)", "December", "herein", "called"]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))
        assert_sound(text, parse_phrase(text))


# ---------------------------------------------------------------------------
# the grammar files
# ---------------------------------------------------------------------------


def test_grammar_files_are_found_and_every_terminal_is_used() -> None:
    common = resource_path("grammar", "common.lark").read_text()
    resource_path("grammar", "clause.lark")
    declared = set(re.findall(r"^([A-Z_]+)(?:\.\d+)?\s*:", common, re.M))
    lexer = clauses.grammar().lexer
    # a terminal the rules never use is dropped by Lark, and its words would lex as WORD
    unused = declared - lexer.terminal_names - {"WS"}
    assert not unused


def test_resource_path_names_both_places_when_missing() -> None:
    with pytest.raises(FileNotFoundError, match="no-such.lark"):
        resource_path("grammar", "no-such.lark")


def test_grammar_is_lalr_and_cached(tmp_path, monkeypatch) -> None:
    """The loaded grammar is kept in the cache folder; a new process reads it back whole
    and parses as the grammar built from the .lark files does."""
    import pickle

    monkeypatch.setenv("CLAUSECHECK_CACHE_DIR", str(tmp_path))
    built = clauses._load_grammar()
    assert built.rules and built.start_state != built.end_state
    (cached,) = tmp_path.glob("grammar-*.pickle")
    loaded = pickle.loads(cached.read_bytes())
    phrase = 'within 30 days after the Closing Date (the "Lock-Up Period") pursuant to Section 7(k)'
    for g in (built, loaded):
        memo: dict = {}
        toks, maybe = g.longest(phrase, 7, memo)
        assert [t[0] for t in toks[:3]] == ["NUM", "DAYS", "AFTER"]
        assert maybe and g.accepts(maybe[-1][1])
    assert clauses._load_grammar().actions == built.actions  # read from the cache
    # a damaged cache file is built again, not an error
    cached.write_bytes(b"not a pickle")
    assert clauses._load_grammar().actions == built.actions
    # caching can be turned off
    monkeypatch.setenv("CLAUSECHECK_NO_CACHE", "1")
    assert clauses._load_grammar().actions == built.actions


def test_lexer_keywords_and_priorities() -> None:
    lexer = clauses.grammar().lexer
    types = [t[0] for t in lexer.tokens("Section 7(k) thirty-six hours' The 45th day $8.93 one-eleventh shall II")]
    assert types == ["SECTION", "REFNUM", "NUMWORD", "HOURS", "APOS", "THE", "ORDNUM", "DAY", "DOLLAR", "NUM",
                     "FRACWORD", "SHALL", "LABEL"]


# ---------------------------------------------------------------------------
# the seed documents
# ---------------------------------------------------------------------------


def seed_text(key: str) -> str:
    path = CORPUS / "seeds" / SEEDS[key]
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS} (the seeds live in ../shared/corpus)")
    from checker.source import load

    return load(path).text


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def seed_paragraph(key: str, needle: str) -> str:
    pattern = re.compile(r"\s+".join(map(re.escape, needle.split())))
    for p in paragraphs(seed_text(key)):
        if pattern.search(p):
            return p
    raise AssertionError(f"{needle!r} not in {key}")


def nodes_near(key: str, needle: str) -> list[dict[str, Any]]:
    """Nodes of the seed paragraph holding ``needle`` that lie within the needle's text."""
    p = seed_paragraph(key, needle)
    m = re.search(r"\s+".join(map(re.escape, needle.split())), p)
    assert m is not None
    return [n.model_dump(exclude={"span"}) | {"offset": n.span.offset} for n in parse_phrase(p)
            if m.start() <= n.span.offset < m.end()]


@pytest.mark.parametrize("key", list(SEEDS))
def test_every_seed_paragraph(key: str) -> None:
    for p in paragraphs(seed_text(key)):
        assert_sound(p, parse_phrase(p))


@pytest.mark.parametrize("key", list(SEEDS))
def test_prescan_misses_no_node_of_the_seeds(key: str) -> None:
    """The pre-scan finds every node that trying the grammar at every token finds."""
    for p in paragraphs(seed_text(key)):
        fast = {(s, e, getattr(c, "__name__", c), repr(sorted(f.items()))) for s, e, c, f in clauses._scan(p)}
        full = {(s, e, getattr(c, "__name__", c), repr(sorted(f.items()))) for s, e, c, f in clauses._scan(p, full=True)}
        assert full <= fast, sorted(full - fast)


def test_juniper_default_clause_one_eleventh() -> None:
    got = nodes_near("juniper_ua", "remains unpurchased exceeds one-eleventh of the aggregate number")
    assert [(g["kind"], g.get("relation"), g.get("low"), g.get("value")) for g in got] == [
        ("bound", "exceeds", pytest.approx(1 / 11), None), ("ratio", None, None, pytest.approx(1 / 11))]
    got = nodes_near("juniper_ua", "does not exceed one-eleventh of")
    assert [(g["kind"], g.get("relation")) for g in got] == [("bound", "not_more_than"), ("ratio", None)]


def test_metricom_default_clause_percentages() -> None:
    got = nodes_near("metricom", "exceeds 9.09% of the total number")
    assert [(g["kind"], g.get("relation"), g.get("value")) for g in got] == [
        ("bound", "exceeds", None), ("ratio", None, pytest.approx(0.0909))]
    assert got[0]["low"] == pytest.approx(0.0909)
    got = nodes_near("metricom", "more than 110% of the number")
    assert [(g["kind"], g.get("relation"), g.get("value")) for g in got] == [
        ("bound", "more_than", None), ("ratio", None, pytest.approx(1.1))]


def test_commvault_default_clause_ten_percent() -> None:
    got = nodes_near("commvault", "does not exceed 10% of the total number")
    assert [(g["kind"], g.get("relation"), g.get("high"), g.get("value")) for g in got] == [
        ("bound", "not_more_than", pytest.approx(0.1), None), ("ratio", None, None, pytest.approx(0.1))]
    got = nodes_near("commvault", "exceeds 10% of the total number")
    assert [(g["kind"], g.get("relation")) for g in got] == [("bound", "exceeds"), ("ratio", None)]


def test_warrant_conversion_price_window() -> None:
    got = nodes_near("juniper_warrant", "ten (10) consecutive trading days prior to the date of the Holder's election")
    assert [g["kind"] for g in got] == ["duration", "anchor"]
    dur, anchor = got
    assert (dur["count"], dur["unit"], dur["basis"], dur["consecutive"]) == (10.0, "day", "trading", True)
    assert (dur["words_value"], dur["numeral_value"]) == (10.0, 10.0)
    assert anchor["relation"] == "prior_to" and anchor["event"] == "the date of the Holder's election"


def test_warrant_share_count_and_price() -> None:
    got = nodes_near("juniper_warrant", "Twenty Thousand Three Hundred Eighty-one (20,381) fully paid and nonassessable shares")
    assert [(g["kind"], g["words_value"], g["numeral_value"]) for g in got] == [("shares", 20381.0, 20381.0)]
    got = nodes_near("juniper_warrant", "Eight and 93/100 Dollars ($8.93)")
    assert [(g["kind"], g["words_value"], g["numeral_value"]) for g in got] == [("money", 8.93, 8.93)]
    got = nodes_near("juniper_warrant", "one and one-half (1.50) shares")
    assert [(g["kind"], g["value"]) for g in got] == [("shares", 1.5)]


def test_juniper_counterparts_and_business_day() -> None:
    got = nodes_near("juniper_ua", "seven (7) counterparts")
    assert [(g["kind"], g["words"], g["numeral"]) for g in got] == [("number", "seven", "7")]
    got = nodes_near("juniper_ua", 'the term "business day" shall mean')
    assert [(g["kind"], g["term"], g["form"]) for g in got] == [("definition", "business day", "means")]


def test_juniper_herein_called_and_lockup_refs() -> None:
    got = nodes_near("juniper_ua", 'is herein called the "Firm Shares"')
    assert [(g["kind"], g["term"]) for g in got] == [("definition", "Firm Shares")]
    got = nodes_near("juniper_ua", "Subsection 1(b)(iv) hereof;")
    assert [(g["kind"], g["targets"], g["qualifier"]) for g in got] == [("xref", ("1(b)(iv)",), "hereof")]


def test_juniper_scope_of_new_york_business_day() -> None:
    got = nodes_near("juniper_ua", 'For the purposes of this Section 4, "New York Business Day" shall mean')
    defs = [g for g in got if g["kind"] == "definition"]
    assert [(d["term"], d["scope"]) for d in defs] == [("New York Business Day", "For the purposes of this Section 4")]


def test_commvault_lockup_and_blanks() -> None:
    got = nodes_near("commvault", "For a period of 180 days after the date of the initial public offering")
    assert [g["kind"] for g in got][:2] == ["duration", "anchor"]
    assert got[0]["count"] == 180.0
    assert got[1]["event"].startswith("the date of the initial public offering")
    got = nodes_near("commvault", "September [o], 2006")
    assert [(g["kind"], g.get("year"), g.get("blank")) for g in got] == [("date", 2006, True), ("blank", None, None)]
    got = nodes_near("commvault", 'hereinafter referred to as the "FIRM SECURITIES"')
    assert [(g["kind"], g["term"], g["form"]) for g in got] == [("definition", "FIRM SECURITIES", "herein_called")]
    got = nodes_near("commvault", "Section 8 105 of the UCC")
    assert [(g["kind"], g["instrument"]) for g in got] == [("extref", "UCC")]


def test_metricom_blanks() -> None:
    got = nodes_near("metricom", "Dated: , 200_")
    assert [(g["kind"], g["blank_type"]) for g in got] == [("blank", "dated_blank")]
    got = nodes_near("metricom", "LISTING REQUIREMENT: [NONE] [NASDAQ]")
    assert [(g["kind"], g["blank_type"]) for g in got] == [("blank", "bracket_option")]
    got = nodes_near("juniper_ua", "(File No. 333-____)")
    assert [(g["kind"], g["blank_type"]) for g in got] == [("blank", "file_number")]


def test_prescan_trigger_words_never_begin_a_longer_match() -> None:
    """The pre-scan's word trie may try its branches in any order: where a trigger word
    begins a longer one, the shorter word's condition cannot hold before the longer
    word's next letter (every condition but "dated"'s wants no letter after the word)."""
    words = clauses._TRIGGER_WORDS
    for short, cond, _ in words:
        for longer, _, _ in words:
            if longer == short or not longer.startswith(short):
                continue
            nxt = longer[len(short)]
            if cond == "(?![a-z])":
                assert nxt.isalpha(), (short, longer)
                continue
            assert cond.startswith("(?=") and cond.endswith(")"), (short, cond)
            first = clauses._first_chars(cond[3:-1])
            assert first is not None and not clauses._in_first(first, nxt), (short, longer)


@pytest.mark.parametrize("key", list(SEEDS))
def test_prescan_word_trie_matches_the_plain_word_list(key: str) -> None:
    """The trie finds what one alternative per trigger word (with its condition) finds."""
    plain = re.compile(r"[^a-z0-9\-\u2010'’](" + "|".join(
        re.escape(w) + cond for w, cond, _ in sorted(clauses._TRIGGER_WORDS, key=lambda t: -len(t[0]))) + ")")
    low = seed_text(key).lower()
    assert [(m.start(1), m.group(1)) for m in clauses._PRESCAN_WORDS.finditer(low)] == \
        [(m.start(1), m.group(1)) for m in plain.finditer(low)]


def _triggers_of_two_scans(low: str) -> list[tuple[int, str]]:
    """The triggers as one scan for words and one for the other characters find them."""
    out = [(m.start(1), m.group(1)) for m in clauses._PRESCAN_WORDS.finditer(low)]
    m = clauses._PRESCAN_WORDS.match(" " + low[:200])
    if m is not None:
        out.append((0, m.group(1)))
    out += [(m.start(), m.group()) for m in clauses._PRESCAN_OTHER.finditer(low)]
    return sorted(out)


@pytest.mark.parametrize("key", list(SEEDS))
def test_prescan_after_spaces_and_the_rest_finds_what_two_scans_find(key: str) -> None:
    """Trigger words after a space, and everything after any other character, give the
    triggers that the words scan and the other characters' scan give."""
    for para in seed_text(key).split("\n\n"):
        low = para.lower()
        if len(low) == len(para):
            assert clauses._triggers(low) == _triggers_of_two_scans(low)


@pytest.mark.parametrize("text", [
    "\"Section 5 hereof\" and _five days_ and [thirty days] and $one hundred",
    "5for the purposes of Section 3 and 1section 2, (section 4)\nsection 6\tafter the Closing",
    "“Form S-3” and %ten percent; .5 percent, (as defined below) `thirty days`",
    "section 2 begins the text, and 10th day after the date",
])
def test_prescan_characters_that_are_triggers_before_trigger_words(text: str) -> None:
    low = text.lower()
    assert clauses._triggers(low) == _triggers_of_two_scans(low)


def test_terminals_grouped_by_first_letter_match_as_the_word_lists() -> None:
    """DASHUNIT, FRACWORD and MONTH_ABBR list their words grouped by a first letter that
    keeps case (so the engine skips a group at once); from a token's first character,
    an ASCII letter, each matches exactly what the plain case-insensitive list matches."""
    ones = "one|two|three|four|five|six|seven|eight|nine"
    teens = "eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    tens = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety"
    number = rf"(?:(?:{tens})(?:[-‐](?:{ones}))?|{teens}|{ones}|ten)"
    plain = {
        "DASHUNIT": re.compile(rf"(?i:(?:\d+|{number})[-‐](?:(?:calendar|business|trading)[-‐])?"
                               r"(?:day|week|month|year|hour)s?(?![\w'’-]))"),
        "FRACWORD": re.compile(r"(?i:" + number.replace("|fourty", "") + r"[-‐ ](?:half|halves|thirds?|quarters?"
                               r"|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?|elevenths?|twelfths?"
                               r"|thirteenths?|fourteenths?|fifteenths?|sixteenths?|seventeenths?|eighteenths?"
                               r"|nineteenths?|twentieths?|hundredths?|thousandths?)(?![\w'’-]))"),
        "MONTH_ABBR": re.compile(r"(?i:(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.)"),
    }
    lexer = clauses.grammar().lexer
    grouped = {name: re.compile(rx) for name, rx in lexer._ordered if name in plain}
    heads = (tens + "|" + teens + "|" + ones + "|ten|zero|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec").split("|")
    tails = ["-day", "-days", "‐day", "-business-day", "-Calendar-Days", "-one-day", "-six-days", "-six", " half",
             "-half", "-thirds", "-one-half", "-sixty-day", " one-half", ".", "-", " days", "-dayx", "-hour's", ""]
    for head in heads:
        for h in {head, head.upper(), head.capitalize(), head[0] + head[1:].upper(), head.replace("i", "ı")}:
            for tail in tails:
                for text in (h + tail + " x", h + tail.upper()):
                    for name, rx in plain.items():
                        want, got = rx.match(text), grouped[name].match(text)
                        assert (want and want.group()) == (got and got.group()), (name, text)


def test_lead_ins_ignore_case_only_where_lower_case_text_needs_it() -> None:
    """The lead-ins are matched as written on lower-cased text unless it holds a letter
    that lower-casing leaves as it is and a pattern letter matches only ignoring case."""
    import sys

    letter = re.compile(r"[a-z]", re.I)
    apart = {d for cp in range(sys.maxunicode + 1) for d in chr(cp).lower()
             if not "a" <= d <= "z" and letter.fullmatch(d)}
    assert apart == set(clauses._FOLDED_APART)
    # a clause holding one of them is read as any other
    for tail in ("the Closing Date", "the Clos\u0131ng Date", "the Cloſing Date"):
        got = [n.kind for n in parse_phrase("not later than 30 days after " + tail)]
        assert got[:3] == ["bound", "duration", "anchor"], (tail, got)
