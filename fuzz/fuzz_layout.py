"""Coverage-guided fuzzing of the loader and the layout stage (atheris).

Properties checked on every input:

* ``checker.source.decode`` either returns a Source or raises InputError;
* ``checker.layout.layout`` never raises on a decoded Source;
* every kept line maps back into the original file (1 <= src_line <= line count)
  and the offset map is exact: ``source.text[to_source(i)] == layout.text[i]``
  for every character of the cleaned text (the layout docstring's promise);
* ``Layout.span`` of every kept line lies inside the document, end after start.

Run:  python fuzz/fuzz_layout.py fuzz/corpus_layout -atheris_runs=1000000
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import _common  # noqa: F401  (puts the repository on sys.path)
    from checker.layout import layout
    from checker.source import InputError, decode


def check_layout(data: bytes) -> None:
    try:
        src = decode(data, "<fuzz>")
    except InputError:
        return
    lay = layout(src)
    nlines = src.line_count
    text = src.text
    for ln in lay.lines:
        assert 1 <= ln.src_line <= nlines, (ln.src_line, nlines)
        assert lay.text[ln.start : ln.start + len(ln.text)] == ln.text
        if ln.text:
            sp = lay.span(ln.start, ln.start + len(ln.text))
            assert 1 <= sp.line <= nlines and 1 <= sp.end_line <= nlines, sp
            assert (sp.end_line, sp.end_column) >= (sp.line, sp.column), sp
            assert 0 <= sp.offset <= sp.end_offset <= len(text), sp
    # the documented promise: the map is exact for every kept character,
    # line breaks included (a kept line break maps to a line break of the source)
    for i, ch in enumerate(lay.text):
        off = lay.to_source(i)
        assert 0 <= off < len(text), (i, off)
        assert text[off] == ch, (i, ch, text[off], lay.text[max(0, i - 20) : i + 20])


def TestOneInput(data: bytes) -> None:
    check_layout(data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
