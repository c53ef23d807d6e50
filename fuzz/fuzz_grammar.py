"""Coverage-guided fuzzing of the clause grammar (atheris).

Feeds arbitrary text to ``checker.clauses.parse_clause(text, span_of)`` (and to
``parse_phrase`` when the module has it) and checks on every input:

* nothing raises (text the grammar cannot read must come back as an
  ``Unparsed`` node, never as an exception);
* every node is a model node with a Span inside the clause text: offsets within
  ``0..len(text)``, end not before start, 1 <= line <= number of lines and
  columns within their line (end_column may be one past the last character).

Run:  python fuzz/fuzz_grammar.py fuzz/corpus_grammar -atheris_runs=1000000
"""
from __future__ import annotations

import inspect
import sys

import atheris

with atheris.instrument_imports():
    import _common  # noqa: F401  (puts the repository on sys.path)
    from checker import clauses
    from checker.model import Span
    from checker.source import Source

parse_clause = clauses.parse_clause
parse_phrase = getattr(clauses, "parse_phrase", None)
_PHRASE_ARGS = len(inspect.signature(parse_phrase).parameters) if parse_phrase else 0


def _span_of(src: Source):
    def span_of(a: int, b: int) -> Span:
        l1, c1 = src.linecol(a)
        l2, c2 = src.linecol(b)
        return Span(line=l1, column=c1, end_line=l2, end_column=c2, offset=a, end_offset=b)

    return span_of


def check_span(sp: Span, src: Source) -> None:
    n = len(src.text)
    assert 0 <= sp.offset <= sp.end_offset <= n, (sp, n)
    assert 1 <= sp.line <= src.line_count and 1 <= sp.end_line <= src.line_count, sp
    assert (sp.end_line, sp.end_column) >= (sp.line, sp.column), sp
    assert 1 <= sp.column <= len(src.line_text(sp.line)) + 1, sp
    assert 1 <= sp.end_column <= len(src.line_text(sp.end_line)) + 1, sp


def check_grammar(text: str) -> None:
    src = Source(path="<fuzz>", text=text, encoding="utf-8")
    nodes = parse_clause(text, _span_of(src)) or ()
    for node in nodes:
        check_span(node.span, src)
    if parse_phrase is not None:
        if _PHRASE_ARGS >= 2:
            out = parse_phrase(text, _span_of(src))
        else:
            out = parse_phrase(text)
        for node in out or ():
            if hasattr(node, "span"):
                check_span(node.span, src)


def TestOneInput(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace").replace("\r", "\n")
    check_grammar(text)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
