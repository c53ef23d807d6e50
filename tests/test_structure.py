"""The structure stage: the section tree.

The facts about the seed agreements checked here were read off the documents
themselves (line numbers are lines of the original files).  The small texts
are written for these tests, shaped like the corpus.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest

from checker.model import Clause, Section, Span
from checker.structure import Node, Outline, build_structure, flat_sections, iter_nodes, to_model

from conftest import CORPUS
from conftest import SEED_NAMES as SEEDS


# ---------------------------------------------------------------------------
# A minimal layout built from a string (the fields of checker.layout.Layout)
# ---------------------------------------------------------------------------


@dataclass
class FakeLine:
    src_line: int
    start: int
    text: str
    indent: int
    blank: bool
    table: Optional[int] = None
    page_break_before: bool = False


@dataclass
class FakeTable:
    first: int
    last: int
    tagged: bool = True


@dataclass
class FakeLayout:
    text: str
    lines: list
    tables: list = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        starts = [ln.start for ln in self.lines]

        def lc(o: int) -> tuple[int, int]:
            i = max(bisect.bisect_right(starts, o) - 1, 0)
            return self.lines[i].src_line, o - self.lines[i].start + 1

        a, b = lc(start), lc(end)
        return Span(line=a[0], column=a[1], end_line=b[0], end_column=b[1], offset=start, end_offset=end)


def fake_layout(src: str, tables: tuple[tuple[int, int], ...] = (), page_breaks: tuple[int, ...] = ()) -> FakeLayout:
    """Lines of ``src`` (1-based table ranges and page-break lines given by line number)."""
    lines = []
    pos = 0
    for n, t in enumerate(src.split("\n"), 1):
        table = next((k for k, (a, b) in enumerate(tables) if a <= n <= b), None)
        lines.append(FakeLine(n, pos, t, len(t) - len(t.lstrip(" \t")), not t.strip(), table, n in page_breaks))
        pos += len(t) + 1
    return FakeLayout("\n".join(ln.text for ln in lines), lines, [FakeTable(a - 1, b - 1) for a, b in tables])


def numbers(outline: Outline, kind: Optional[str] = None) -> list[str]:
    return [n.number for n in outline.walk() if kind is None or n.kind == kind]


def child_numbers(node: Node) -> list[str]:
    return [c.number for c in node.children if c.kind not in ("table",)]


# ---------------------------------------------------------------------------
# Small texts
# ---------------------------------------------------------------------------

BASIC = """\
                                                   EXHIBIT 1.1

                             ACME CORP.
                        UNDERWRITING AGREEMENT

Ladies and Gentlemen:

        Acme Corp. proposes to issue and sell shares (the "Shares").

        1. Representations and Warranties. The Company represents that:

                (i) A registration statement has been filed; and

                (ii) No stop order has been issued.

        2. Default of Underwriters. (a) If any Underwriter shall default,
the others shall purchase the Shares under subsection (a),
(b) or (c) above of this Section 2; provided that the liability under this subsection
(b) shall not exceed the price.

        (b) If the default exceeds one-tenth, this Agreement shall terminate.

        3. [Intentionally omitted]

        4. APPLICABLE LAW. THIS AGREEMENT SHALL BE GOVERNED BY THE LAWS OF NEW YORK.

        If the foregoing is in accordance with your understanding, please sign below.

                                          Very truly yours,

                                          ACME CORP.

                                          By:
                                             Name:
                                             Title:

Accepted as of the date hereof:

By:

                                   SCHEDULE I

                              LIST OF UNDERWRITERS

Alpha Securities LLC
"""


def test_basic_tree():
    o = build_structure(fake_layout(BASIC))
    kinds = [n.kind for n in o.root]
    assert kinds == ["preamble", "section", "section", "section", "section", "closing", "signature", "signature",
                     "schedule"]
    assert numbers(o, "section") == ["1", "2", "3", "4"]
    s1, s2, s3, s4 = o.root[1:5]
    assert s1.heading == "Representations and Warranties"
    # "(i)" opening a list after a colon is the roman numeral
    assert child_numbers(s1) == ["1(i)", "1(ii)"]
    assert [c.kind for c in s1.children] == ["subsection", "subsection"]  # kind follows depth
    assert s2.heading == "Default of Underwriters"
    # the inline "(a)" opens subsection (a); "(b) or (c) above" and "(b) shall not" are wrapped text
    assert child_numbers(s2) == ["2(a)", "2(b)"]
    assert s2.children[0].kind == "subsection"
    lay = fake_layout(BASIC)
    b_line = next(ln for ln in lay.lines if ln.text.startswith("(b) shall not"))
    a_text = " ".join(lay.text[x:y] for x, y in s2.children[0].body)
    assert "(b) shall not exceed the price." in a_text
    assert s2.children[1].line != b_line.src_line - 1
    assert s3.omitted and s3.heading is None
    assert s4.heading == "APPLICABLE LAW"
    sched = o.root[-1]
    assert (sched.label, sched.number, sched.heading) == ("SCHEDULE I", "I", "LIST OF UNDERWRITERS")
    # the filing's exhibit number is not an exhibit of the agreement
    assert not [n for n in o.walk() if n.kind == "exhibit"]
    assert len(o.signature_blocks) == 2
    assert o.preamble is o.root[0]


def test_body_ranges_are_own_text():
    lay = fake_layout(BASIC)
    o = build_structure(lay)
    s1 = o.root[1]
    own = [lay.text[a:b] for a, b in s1.body]
    assert own == ["The Company represents that:"]
    item = s1.children[0]
    assert [lay.text[a:b] for a, b in item.body] == ["A registration statement has been filed; and"]
    assert lay.text[s1.start:s1.start + 2] == "1."
    assert lay.text[s1.end - len("has been issued."):s1.end] == "has been issued."


LETTER_AFTER_H = """\
        1. The Company agrees:

        (g) To do one thing;

        (h) To do another thing;

        (i) To do a third thing; and

        (j) To file the reports.

        2. The conditions are:

        (h) The certificate shall state that:

                (i) the representations are true; and

                (ii) the agreements have been complied with.

        (i) No stop order shall be in effect.
"""


def test_i_after_h_letter_or_roman():
    # (g) cannot open a list; start the lists at (a) for the test
    src = LETTER_AFTER_H.replace("(g) To do one thing;\n\n        (h)", "(a) To do one thing;\n\n        (b)")
    src = src.replace("(i) To do a third", "(c) To do a third").replace("(j) To file", "(d) To file")
    o = build_structure(fake_layout(src))
    assert child_numbers(o.root[0]) == ["1(a)", "1(b)", "1(c)", "1(d)"]

    src2 = """\
        1. The Company agrees:

        (a) one;

        (b) two;

        (c) three;

        (d) four;

        (e) five;

        (f) six;

        (g) seven;

        (h) eight;

        (i) nine; and

        (j) ten.

        2. The conditions are:

        (a) The certificate shall state that:

                (i) the representations are true;

                (ii) the agreements are kept;

                (iii) nothing else;

                (iv) more;

                (v) still more.

        (b) No stop order.
"""
    o = build_structure(fake_layout(src2))
    s1, s2 = o.root
    assert child_numbers(s1) == [f"1({c})" for c in "abcdefghij"]
    assert child_numbers(s2) == ["2(a)", "2(b)"]
    assert child_numbers(s2.children[0]) == ["2(a)(i)", "2(a)(ii)", "2(a)(iii)", "2(a)(iv)", "2(a)(v)"]


def test_v_after_u_is_a_letter():
    letters = "abcdefghijklmnopqrstuvwx"
    src = "1. The Company represents that:\n\n" + "\n\n".join(f"    ({c}) Item {c}." for c in letters) + "\n"
    o = build_structure(fake_layout(src))
    assert child_numbers(o.root[0]) == [f"1({c})" for c in letters]
    assert {c.kind for c in o.root[0].children} == {"subsection"}


def test_wrapped_marker_mid_sentence_is_text():
    src = """\
1. Registration. The statement has been declared effective and either
(A) an additional registration statement has been filed or
(B) none is needed.

2. Notices. All notices shall be in writing.
"""
    o = build_structure(fake_layout(src))
    assert numbers(o) == ["1", "2"]


def test_marker_alone_on_a_line_and_page_break():
    src = """\
        1.
              (a) The Company represents that:

                    (i) A registration statement has been filed.

              (b) Each Selling Stockholder represents.
first page of this Warrant.
(c) The Holder represents.
"""
    lay = fake_layout(src, page_breaks=(7,))
    o = build_structure(lay)
    s1 = o.root[0]
    assert s1.number == "1" and s1.heading is None
    assert child_numbers(s1) == ["1(a)", "1(b)", "1(c)"]
    assert child_numbers(s1.children[0]) == ["1(a)(i)"]


def test_article_and_decimal_sections():
    src = """\
                                   ARTICLE I
                                  DEFINITIONS

Section 1.01 Definitions. The following terms have these meanings.

Section 1.02 Other Definitions. Other terms are defined elsewhere.

                                   ARTICLE II
                                 THE SECURITIES

Section 2.01 Form and Dating. The Securities shall be in registered form.

     (a) Global Securities shall bear the legend.

     (b) Definitive Securities shall not.

SECTION 2.02. Execution. An Officer shall sign the Securities.
"""
    o = build_structure(fake_layout(src))
    art1, art2 = o.root
    assert (art1.label, art1.number, art1.heading, art1.kind) == ("ARTICLE I", "I", "DEFINITIONS", "section")
    assert child_numbers(art1) == ["1.01", "1.02"]
    assert art1.children[0].heading == "Definitions"
    assert art2.heading == "THE SECURITIES"
    assert child_numbers(art2) == ["2.01", "2.02"]
    assert child_numbers(art2.children[0]) == ["2.01(a)", "2.01(b)"]
    assert art2.children[1].heading == "Execution"


def test_numbered_list_in_a_table_is_not_sections():
    src = """\
1. Lock-Up. Each person listed in Schedule D shall sign.

2. Counterparts. This Agreement may be signed in counterparts.

                                   SCHEDULE D

1.   Adell, Laura A.                        48.  Borbely, Patrick R.
2.   Adubato, John H.                       49.  Borges, Donald J.
"""
    o = build_structure(fake_layout(src, tables=((7, 8),)))
    sched = o.root[-1]
    assert sched.kind == "schedule" and sched.number == "D"
    assert [c.kind for c in sched.children] == ["table"]
    assert numbers(o, "section") == ["1", "2"]
    assert len(o.tables) == 1


def test_table_of_contents_is_not_sections():
    toc = "\n".join(f"Section {k}.   Heading number {k}  ....  {k}" for k in range(1, 7))
    body = "\n\n".join(f"Section {k}. Heading Number {k}. The text of section {k} goes here." for k in range(1, 7))
    src = "TABLE OF CONTENTS\n\n" + toc + "\n\nAGREEMENT made this day.\n\n" + body + "\n"
    o = build_structure(fake_layout(src))
    secs = [n for n in o.root if n.kind == "section"]
    assert [s.number for s in secs] == ["1", "2", "3", "4", "5", "6"]
    assert secs[0].heading == "Heading Number 1"
    assert o.toc is not None and o.root[0].kind == "preamble"


_SPLIT_EXHIBITS = """LOAN AGREEMENT

{contents}Section 1. Loans. The Lender will make the Loans described in Exhibit A.

Section 2. Assignments. The Lender may assign the Loans in the form of Exhibit B.

Section 3. Notices. Notices shall be in writing.

IN WITNESS WHEREOF, the parties have signed this Agreement.

EXHIBIT
A


Description of the Loans

The Loans are term loans in the amounts the Lender and the Borrower agree.

EXHIBIT
B

ASSIGNMENT AND ACCEPTANCE

This Assignment is made by and between the Assignor and the Assignee.
"""


def test_attachment_label_split_over_two_lines():
    # (converted HTML) "EXHIBIT" on one line, its letter alone on the next
    o = build_structure(fake_layout(_SPLIT_EXHIBITS.format(contents="")))
    ex = [(n.kind, n.number, n.label, n.heading) for n in o.root if n.kind == "exhibit"]
    assert ex == [("exhibit", "A", "EXHIBIT A", None), ("exhibit", "B", "EXHIBIT B", "ASSIGNMENT AND ACCEPTANCE")]


def test_list_of_attachments_split_over_two_lines_is_not_attachments():
    contents = "List of Exhibits\n\nExhibit\nA\n\nDescription of the Loans\n\nExhibit\nB\n\nForm of Assignment\n\n"
    o = build_structure(fake_layout(_SPLIT_EXHIBITS.format(contents=contents)))
    ex = [(n.number, n.label) for n in o.root if n.kind == "exhibit"]
    assert ex == [("A", "EXHIBIT A"), ("B", "EXHIBIT B")]  # the exhibits themselves, not the list's entries


def test_attachment_word_ending_a_line_of_prose_is_not_a_label():
    src = _SPLIT_EXHIBITS.format(contents="").replace(
        "Section 3. Notices. Notices shall be in writing.",
        "Section 3. Notices. Notices shall be given in the form set out in\nExhibit\nB. Notices shall be in writing.",
    )
    o = build_structure(fake_layout(src))
    assert [n.number for n in o.root if n.kind == "exhibit"] == ["A", "B"]
    assert [n.number for n in o.root if n.kind == "section"] == ["1", "2", "3"]


def test_to_model_and_flat_sections():
    lay = fake_layout(BASIC)
    o = build_structure(lay)
    seen = []

    def parse_clause(text, span_of):
        seen.append(text)
        return ()

    sections = to_model(o, lay, parse_clause)
    assert all(isinstance(s, Section) for s in sections)
    assert len(seen) == sum(len(n.body) for n in o.walk())
    s1 = sections[1]
    assert s1.number == "1" and s1.span.line == 10
    assert isinstance(s1.children[0].clauses[0], Clause)
    flat = flat_sections(sections)
    assert [f["number"] for f in flat][:4] == ["", "1", "1(i)", "1(ii)"]
    assert flat[1] == {"number": "1", "heading": "Representations and Warranties", "line": 10, "end_line": 14,
                       "kind": "section", "omitted": False}
    omitted = [f for f in flat if f["omitted"]]
    assert [f["number"] for f in omitted] == ["3"]
    # document order
    assert [f["line"] for f in flat] == sorted(f["line"] for f in flat)


def _walk_lists(sections):
    """(flat, walked, rows) as to_model adds them to its lists, found by walking its result."""
    walked, rows = [], []

    def visit(sec, parents):
        walked.append((sec, parents))
        for c in sec.clauses:
            rows.append((c.span.offset, c.span.end_offset, sec, parents, c))
        for ch in sec.children:
            visit(ch, parents + (sec,))

    for s in sections:
        visit(s, ())
    return flat_sections(sections), walked, rows


def _same_lists(got, want):
    assert got[0] == want[0]
    assert len(got[1]) == len(want[1]) and len(got[2]) == len(want[2])
    for (s, p), (s2, p2) in zip(got[1], want[1]):
        assert s is s2 and len(p) == len(p2) and all(a is b for a, b in zip(p, p2))
    for r, r2 in zip(got[2], want[2]):
        assert r[:2] == r2[:2] and r[2] is r2[2] and r[4] is r2[4]
        assert len(r[3]) == len(r2[3]) and all(a is b for a, b in zip(r[3], r2[3]))


def _assert_lists_of_a_walk(o, lay):
    """to_model's lists are those a walk of its result finds, and asking for them changes no section."""
    got = ([], [], [])
    sections = to_model(o, lay, lambda text, span_of: (), *got)
    assert got[1] and got[2]
    _same_lists(got, _walk_lists(sections))
    assert sections == to_model(o, lay, lambda text, span_of: ())


def test_to_model_lists_are_those_of_a_walk():
    lay = fake_layout(BASIC)
    o = build_structure(lay)
    _assert_lists_of_a_walk(o, lay)


def test_to_model_lists_with_a_section_its_validator_makes():
    class Label(str):
        pass

    lay = fake_layout(BASIC)
    o = build_structure(lay)
    inner = next(n for n in o.walk() if n.children)
    inner.label = Label(inner.label)  # not a str as it is: the section is made by its validator
    _assert_lists_of_a_walk(o, lay)


def test_to_model_passes_clause_spans():
    lay = fake_layout(BASIC)
    o = build_structure(lay)
    spans = []

    def parse_clause(text, span_of):
        spans.append((text, span_of(0, len(text))))
        return ()

    to_model(o, lay, parse_clause)
    text, span = next((t, s) for t, s in spans if t.startswith("A registration statement"))
    assert span.line == 12 and span.column == 21


def test_empty_and_plain_text():
    o = build_structure(fake_layout("Just a letter with no numbered parts.\n"))
    assert [n.kind for n in o.root] == ["preamble"]
    o = build_structure(fake_layout("\n\n"))
    assert o.root == []


# ---------------------------------------------------------------------------
# The seed agreements (facts read off the documents)
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def seed_outline(name: str):
    path = CORPUS / "seeds" / SEEDS[name]
    if not path.exists():
        pytest.skip(f"corpus not found at {path.parent} (expected ../shared/corpus beside the repository)")
    from checker.layout import layout
    from checker.source import load

    lay = layout(load(path))
    return lay, build_structure(lay)


def top(o: Outline, kind: str = "section") -> list[Node]:
    return [n for n in o.root if n.kind == kind]


def by_number(o: Outline, number: str) -> Node:
    n = o.find(number)
    assert n is not None, number
    return n


def src_line(lay, node: Node) -> int:
    return lay.span(node.start, node.start + 1).line


def roman(k: int) -> str:
    vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while k >= v:
            out += s
            k -= v
    return out


def test_juniper():
    lay, o = seed_outline("juniper")
    assert [n.number for n in top(o)] == [str(k) for k in range(1, 17)]
    assert child_numbers(by_number(o, "1(a)")) == [f"1(a)({roman(k)})" for k in range(1, 19)]
    assert child_numbers(by_number(o, "1(b)")) == [f"1(b)({roman(k)})" for k in range(1, 10)]
    assert child_numbers(by_number(o, "5")) == [f"5({c})" for c in "abcdefghij"]
    assert child_numbers(by_number(o, "7")) == [f"7({c})" for c in "abcdefghijkl"]
    assert child_numbers(by_number(o, "9")) == ["9(a)", "9(b)", "9(c)"]
    # "1." stands alone on line 44, "(a)" on line 45; "9. (a) If any Underwriter" on line 1276
    assert src_line(lay, by_number(o, "1")) == 44
    assert src_line(lay, by_number(o, "1(a)")) == 45
    assert src_line(lay, by_number(o, "9")) == src_line(lay, by_number(o, "9(a)")) == 1276
    # 1(a)(xviii) on line 300; "(i)" of 5(i) on line 660 is the letter after (h)
    assert src_line(lay, by_number(o, "1(a)(xviii)")) == 300
    assert src_line(lay, by_number(o, "5(i)")) == 660
    # wrapped lines "(b) shall not exceed" (1150) and "(b) or (c) above" (1175, 1205) stay text
    assert child_numbers(by_number(o, "8")) == [f"8({c})" for c in "abcdef"]
    starts = {src_line(lay, n) for n in o.walk()}
    assert not {1150, 1175, 1205} & starts
    # schedules, annex, no exhibit (the "EXHIBIT 1.1" on line 3 is the filing's number)
    atts = [(n.kind, n.number, src_line(lay, n)) for n in o.root if n.kind in ("schedule", "annex", "exhibit")]
    assert atts == [("schedule", "I", 1486), ("schedule", "II", 1526), ("schedule", "III", 1560),
                    ("annex", "I", 1650)]
    sigs = [src_line(lay, n) for n in o.signature_blocks]
    assert 1440 in sigs and 1465 in sigs  # "Very truly yours," and "Accepted as of the date hereof"
    assert o.preamble is not None and src_line(lay, o.preamble) < 44


def test_warrant():
    lay, o = seed_outline("warrant")
    secs = top(o)
    assert [n.number for n in secs] == [str(k) for k in range(1, 19)]
    assert child_numbers(by_number(o, "4")) == [f"4.{k}" for k in range(1, 8)]
    assert child_numbers(by_number(o, "17")) == [f"17.{k}" for k in range(1, 5)]
    assert child_numbers(by_number(o, "18")) == [f"18.{k}" for k in range(1, 8)]
    s8 = by_number(o, "8")
    assert s8.omitted and s8.heading is None
    assert [n.number for n in o.walk() if n.omitted] == ["8"]
    assert by_number(o, "2").heading == "Limitation on Transfer"
    assert by_number(o, "1").heading == "Exercise; Issuance of Certificates; Payment for Shares"
    assert by_number(o, "4.1").heading == "Subdivision or Combination of Stock"
    assert child_numbers(by_number(o, "1")) == ["1(a)", "1(b)", "1(c)"]
    assert child_numbers(by_number(o, "2")) == ["2(a)", "2(b)", "2(c)"]
    # 2(c) starts at column 0 on line 125, right after a page break
    c = by_number(o, "2(c)")
    sp = lay.span(c.start, c.start + 3)
    assert (sp.line, sp.column) == (125, 1)
    assert by_number(o, "4.1").kind == "subsection"
    assert len(o.signature_blocks) == 1 and src_line(lay, o.signature_blocks[0]) == 543


def test_commvault():
    lay, o = seed_outline("commvault")
    assert [n.number for n in top(o)] == [str(k) for k in range(1, 19)]
    assert by_number(o, "1").heading == "Introductory"
    assert by_number(o, "9").heading == "Default of Underwriters"
    assert by_number(o, "17").heading == "APPLICABLE LAW"
    assert by_number(o, "13").heading == "Successors"
    # "2. Representations and Warranties of the Company and the Selling\nStockholders. (a) The Company"
    assert by_number(o, "2").heading == "Representations and Warranties of the Company and the Selling Stockholders"
    assert child_numbers(by_number(o, "2"))[0] == "2(a)"
    assert child_numbers(by_number(o, "8"))[0] == "8(a)"
    scheds = [(n.number, src_line(lay, n)) for n in o.root if n.kind == "schedule"]
    assert scheds == [("A", 2916), ("B", 2957), ("C", 2984), ("D", 3010)]
    d = next(n for n in o.root if n.kind == "schedule" and n.number == "D")
    assert d.children and {c.kind for c in d.children} == {"table"}
    assert d.heading == "PARTIES EXECUTING LOCK-UP AGREEMENTS"
    # the numbered names of Schedule D ("1.   Adell, Laura A.  48.  Borbely") are table content
    assert not [n for n in o.walk() if n.label in ("48.", "100.", "307.")]
    assert all(n.kind == "table" for n in iter_nodes(d.children))


def test_metricom():
    lay, o = seed_outline("metricom")
    assert [n.number for n in top(o)] == [str(k) for k in range(1, 18)]
    assert by_number(o, "8").heading == "Defaulting Underwriters"
    assert by_number(o, "9").heading == "Termination"
    assert src_line(lay, by_number(o, "8")) == 1664
    ex = [n for n in o.root if n.kind == "exhibit"]
    assert [(n.label, n.number, src_line(lay, n)) for n in ex] == [("Exhibit A", "A", 1857)]
    # 6(h) has items (i), (ii) (after "stating that:"); "(i) (i) None of" on line 1328 is 6(i)
    assert child_numbers(by_number(o, "6(h)")) == ["6(h)(i)", "6(h)(ii)"]
    assert src_line(lay, by_number(o, "6(i)")) == 1328
    # subsections after (z) go on with (aa) .. (ee)
    assert child_numbers(by_number(o, "1"))[-5:] == ["1(aa)", "1(bb)", "1(cc)", "1(dd)", "1(ee)"]


# ---------------------------------------------------------------------------
# Every corpus document
# ---------------------------------------------------------------------------


def _corpus_files() -> list[Path]:
    out: list[Path] = []
    for sub in ("seeds", "edgar", "batch"):
        d = CORPUS / sub
        if d.exists():
            out.extend(sorted(p for p in d.rglob("*.txt")))
    return out


def _check_tree(lay, o: Outline) -> None:
    text_len = len(lay.text)
    prev_start = -1
    for n in o.walk():
        assert 0 <= n.start <= n.end <= text_len
        assert n.start >= prev_start, "nodes out of document order"
        prev_start = n.start
        last = n.start
        for a, b in n.body:
            assert n.start <= a < b <= n.end
            assert a >= last, "body ranges overlap"
            last = b
        for c in n.children:
            assert n.start <= c.start and c.end <= n.end


def test_every_corpus_document():
    files = _corpus_files()
    if not files:
        pytest.skip(f"corpus not found at {CORPUS}")
    from checker.layout import layout
    from checker.source import InputError, load

    with_sections = 0
    for p in files:
        try:
            lay = layout(load(p))
        except InputError:
            continue
        o = build_structure(lay)
        _check_tree(lay, o)
        secs = [n for n in o.walk() if n.kind == "section"]
        with_sections += bool(secs)
        # no absurd result: far fewer sections than lines
        assert len(secs) <= max(10, len(lay.lines) // 3), p.name
        sections = to_model(o, lay, None)
        flat = flat_sections(sections)
        assert len(flat) == sum(1 for _ in o.walk())
    assert with_sections >= 0.75 * len(files)


def test_attachment_letter_in_quotation_marks():
    src = _SPLIT_EXHIBITS.format(contents="").replace("EXHIBIT\nA\n", 'EXHIBIT "A"\n').replace("EXHIBIT\nB\n", "EXHIBIT \u201cB\u201d\n")
    o = build_structure(fake_layout(src))
    assert [(n.kind, n.number) for n in o.root if n.kind == "exhibit"] == [("exhibit", "A"), ("exhibit", "B")]


@pytest.mark.parametrize("testimonium", ["IN WITNESS WHEREOF, the parties", "IN\nWITNESS WHEREOF, the parties"])
def test_testimonium_split_over_two_lines_opens_the_signature(testimonium):
    # (converted HTML) "IN" alone on a line, "WITNESS WHEREOF" on the next
    src = (
        "1. Sale. The Seller sells the Shares.\n\n2. Price. The price is paid at closing.\n\n"
        f"{testimonium} have signed this Agreement.\n\nACME INC.\n\nBy: ________\n"
    )
    o = build_structure(fake_layout(src))
    kinds = [(n.kind, n.line) for n in o.root]
    assert kinds[:2] == [("section", 0), ("section", 2)]
    assert kinds[2] == ("signature", 4)  # the line of "IN" (0-based)


def test_contents_after_a_flattened_cross_reference_table():
    # (converted HTML) the Trust Indenture Act table's cells each on a line of
    # their own, then the contents - one entry over three lines - then the body
    table = "".join(f"Section {k + 1}.01\n\n(a)\n\n{k + 2}.02\n\n(b)\n\n{k + 3}.03\n\n" for k in range(6))
    contents = "TABLE OF CONTENTS\n\n" + "".join(
        f"Section {a}.0{b}\n\nHeading {a}{b}\n\n{a + b}\n\n" for a in range(1, 10) for b in range(1, 4))
    body = "".join(
        f"ARTICLE {a}\n\n" + "".join(f"Section {a}.0{b} Heading {a}{b}. The Company shall do thing {a}{b}.\n\n" for b in range(1, 4))
        for a in range(1, 10))
    # (the table's last cells, not labels, stand between it and the contents)
    src = "INDENTURE\n\n" + table + "N.A.\n\n" * 14 + contents + body
    o = build_structure(fake_layout(src))
    first = [n for n in o.root if n.kind not in ("preamble",)][0]
    body_line = src.split("\n").index("ARTICLE 1")
    assert first.line == body_line
    assert [n.number for n in o.root if n.kind == "section"] == [str(a) for a in range(1, 10)]


def test_section_after_a_deleted_one_is_still_a_section():
    # "8.05 Entire Agreement." then "8.07 Counterparts.": the headings after the gap stay sections
    src = "".join(f"8.0{k}  Heading {k}. The parties agree to thing {k}.\n\n" for k in (1, 2, 3, 4, 5, 7, 8))
    o = build_structure(fake_layout(src))
    assert numbers(o, "section") == ["8.01", "8.02", "8.03", "8.04", "8.05", "8.07", "8.08"]
    # a number farther on, or in a line of prose, is not taken
    src2 = src.replace("8.07  Heading 7. The", "8.09  heading 7, the")
    assert "8.09" not in numbers(build_structure(fake_layout(src2)), "section")
