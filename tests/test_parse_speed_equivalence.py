"""The clause scanner's shortcuts give what the plain LALR parse gives.

``_Grammar.longest`` remembers each step (parser stack, token type -> next stack)
and ``_Grammar.build`` passes the child of an inlined one-symbol rule up without
calling Lark's callback.  These tests run the same tokens through the LALR tables
step by step, and through Lark's own parser with the same Transformer, and
compare.
"""
from __future__ import annotations

import pytest
from lark import Lark

from checker import clauses
from checker.resources import resource_path

PHRASES = [
    "within 30 days after the Closing Date",
    "not later than the third business day following the Closing Date",
    "no later than 10 days prior to the Closing Date",
    "ten (10) business days",
    "at least two-thirds of the outstanding Shares",
    "Section 5(a) of this Agreement",
    "Sections 3(b), 4 and 7(k)(ii) hereof",
    "Rule 424(b) under the Securities Act",
    "$1,000,000",
    "U.S.$25.50 per share",
    "7.5% of the aggregate principal amount",
    "December 15, 2003",
    "September [__], 2006",
    "the 45th day after the date hereof",
    "Exhibit A",
    "750,000 Optional Shares",
    "one-half of one percent",
    "sixty (60) days prior to the Maturity Date",
    "_____ shares of Common Stock",
]


def _plain_longest(g: clauses._Grammar, text: str, pos: int) -> tuple[list, list]:
    """The LALR automaton over token types, straight from the tables (no remembered steps)."""
    actions, rules = g.actions, g.rules
    stack = [g.start_state]
    toks: list = []
    maybe: list = []
    i = pos
    while len(toks) < clauses.MAX_TOKENS:
        tok = g.lexer.token_at(text, i)
        if tok is None:
            break
        code = actions[stack[-1]].get(tok[0])
        while code is not None and code < 0:
            n, origin, _ = rules[-1 - code]
            if n:
                del stack[-n:]
            stack.append(actions[stack[-1]][origin])
            code = actions[stack[-1]].get(tok[0])
        if code is None:
            break
        stack.append(code)
        toks.append(tok)
        i = tok[3]
        if code in g.may_end:
            maybe.append((len(toks), tuple(stack)))
    return toks, maybe


@pytest.fixture(scope="module")
def lark_parser():
    builder = clauses.NodeBuilder()
    parser = Lark.open(
        str(resource_path("grammar", "clause.lark")),
        parser="lalr",
        lexer=clauses.ClauseLexer,
        transformer=builder,
        maybe_placeholders=False,
    )
    return parser, builder


@pytest.mark.parametrize("phrase", PHRASES)
def test_remembered_steps_match_the_tables(phrase: str) -> None:
    g = clauses.grammar()
    expected_toks, expected_maybe = _plain_longest(g, phrase, 0)
    for _ in range(2):  # the second time every step is a remembered one
        toks, maybe = g.longest(phrase, 0, {})
        assert toks == expected_toks
        assert [(k, cfg.stack) for k, cfg in maybe] == expected_maybe


@pytest.mark.parametrize("phrase", PHRASES)
def test_build_matches_larks_parser(phrase: str, lark_parser) -> None:
    parser, builder = lark_parser
    g = clauses.grammar()
    toks, maybe = g.longest(phrase, 0, {})
    accepted = [k for k, cfg in maybe if g.accepts(cfg)]
    assert accepted, f"no node read in {phrase!r}"
    k = accepted[-1]

    def specs(found: list) -> list:
        return [(sp.cls, sp.s, sp.e, sp.f) for sp in found]

    try:
        ours = specs(g.build(phrase, toks[:k], 0))
    except clauses._Reject:
        ours = None
    builder.src = phrase
    try:
        theirs = specs(parser.parse([clauses._token(t, phrase[s:e], s, e) for t, s, e, _ in toks[:k]]))
    except Exception as exc:  # Lark wraps what the Transformer raises
        assert isinstance(getattr(exc, "orig_exc", exc), clauses._Reject)
        theirs = None
    assert ours == theirs


# A word of ASCII letters followed by white space, ",", ";" or ":" is read by
# ``longest`` from the type the lexer gave the same word before (see
# ``clauses._ASCII_LETTERS``).  The lexer is the reference: the same tokens must
# come out at every start, the second time as the first.

_SEPARATORS = [" ", "  ", ", ", "; ", ": ", ",", ";", ":", "\n", " \n  ", "-", "'", "\u2019", ".", ". ",
               " (", ") ", "(", ")", " $", "$", " U.S.$", "%", " - ", "\u2010", "/", " [", "] ", "_"]
_OTHER = ["30", "1,000", "10.5", "(a)", "(ii)", "4(b)", "2026", "one-half", "one half", "one eleventh",
          "thirty (30)", "Section", "Sections", "Rule", "Schedule", "Exhibit", "Shares", "U.S.", "US",
          "per", "share", "days", "business", "Closing", "Date", "December", "the", "hereof"]


def _assert_longest_is_the_lexers(g: clauses._Grammar, text: str) -> None:
    for pos in range(len(text)):
        if pos and not text[pos - 1].isspace() and text[pos - 1] not in "(\"'\u201c":
            continue  # (starts after white space, a bracket or a quote: where a node may start)
        expected_toks, expected_maybe = _plain_longest(g, text, pos)
        for _ in range(2):  # the second time every word before a stop is a remembered one
            toks, maybe = g.longest(text, pos, {})
            assert toks == expected_toks, (text, pos)
            assert [(k, cfg.stack) for k, cfg in maybe] == expected_maybe, (text, pos)


def test_remembered_words_are_the_lexers_tokens_in_generated_text() -> None:
    import random

    g = clauses.grammar()
    words = sorted({w for table in g.lexer._lookup.values() for w in table})
    assert len(words) > 100  # the grammar's keywords and word lists
    rnd = random.Random(20261122)
    cases = [str.lower, str.upper, str.title, lambda w: w]
    for _ in range(300):
        parts = []
        for _ in range(rnd.randint(2, 9)):
            w = rnd.choice(words) if rnd.random() < 0.7 else rnd.choice(_OTHER)
            parts.append(rnd.choice(cases)(w))
            parts.append(rnd.choice(_SEPARATORS))
        _assert_longest_is_the_lexers(g, "".join(parts).strip())


def test_remembered_words_are_the_lexers_tokens_in_the_seeds() -> None:
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    if not files:
        pytest.skip(f"corpus seeds not found at {seeds} (the shared corpus sits beside the repository)")
    g = clauses.grammar()
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        # a stretch of each agreement where terms and numbers are dense (the first 6,000
        # characters after the first "Section"), read at every start
        at = max(0, text.find("Section"))
        _assert_longest_is_the_lexers(g, text[at : at + 6000])
