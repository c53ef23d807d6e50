"""Tests for the layout stage: page furniture out, exact map back to the source."""
from __future__ import annotations

import bisect
import random
from pathlib import Path

import pytest

from checker.layout import Layout, Line, TableBlock, layout
from checker.source import Source, decode

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEEDS = CORPUS / "seeds"
JUNIPER = SEEDS / "000_7b6e6863a5071932.txt"
WARRANT = SEEDS / "002_8954e5eb644a283c.txt"
COMMVAULT = SEEDS / "003_0de2a6608b190a24.txt"
METRICOM = SEEDS / "004_010d758ab30663c9.txt"


def lay(text: str) -> Layout:
    return layout(Source(path="<test>", text=text, encoding="utf-8"))


def seed(path: Path) -> Layout:
    if not path.exists():
        pytest.skip(f"corpus seed {path.name} not found under {SEEDS}")
    return layout(decode(path.read_bytes(), str(path)))


def check_map(lo: Layout, offsets) -> None:
    src = lo.source.text
    for i in offsets:
        j = lo.to_source(i)
        assert 0 <= j < len(src)
        assert lo.text[i] == src[j], (i, j, lo.text[max(0, i - 20) : i + 20])


def line_by_src(lo: Layout, src_line: int) -> Line | None:
    for ln in lo.lines:
        if ln.src_line == src_line:
            return ln
    return None


def kept_src_lines(lo: Layout) -> list[int]:
    return [ln.src_line for ln in lo.lines]


# ---------------------------------------------------------------------------
# Structure of the result
# ---------------------------------------------------------------------------


def test_plain_text_is_unchanged():
    text = "First line.\n    Second, indented.\n\tTabbed\n\nLast"
    lo = lay(text)
    assert lo.text == text
    assert [ln.src_line for ln in lo.lines] == [1, 2, 3, 4, 5]
    assert [ln.indent for ln in lo.lines] == [0, 4, 1, 0, 0]  # a tab counts as one column
    assert [ln.blank for ln in lo.lines] == [False, False, False, True, False]
    assert lo.lines[1].text == "    Second, indented."
    assert lo.removed == [] and lo.tables == []
    check_map(lo, range(len(lo.text)))


def test_line_starts_and_line_at():
    lo = lay("alpha\n\n   1\n\nbeta gamma\n  delta\n")
    for k, ln in enumerate(lo.lines):
        assert lo.text[ln.start : ln.start + len(ln.text)] == ln.text
        assert lo.line_at(ln.start) == k
        if ln.text:
            assert lo.line_at(ln.start + len(ln.text) - 1) == k
    assert lo.text.endswith("\n")  # the trailing line break of the source is kept


def test_trailing_newline_and_empty_tail():
    lo = lay("text only")
    assert lo.text == "text only"
    assert lo.to_source(len(lo.text)) == len("text only")


def test_crlf_input_via_decode():
    data = b"Ladies and Gentlemen:\r\n\r\n<PAGE>\r\n        The Company agrees\r\nwith you.\r\n"
    src = decode(data)
    lo = layout(src)
    assert "\r" not in lo.text
    assert "<PAGE>" not in lo.text
    k = lo.text.index("The Company")
    sp = lo.span(k, k + len("The Company"))
    assert (sp.line, sp.column, sp.end_line, sp.end_column) == (4, 9, 4, 20)
    check_map(lo, range(len(lo.text)))


# ---------------------------------------------------------------------------
# Page furniture
# ---------------------------------------------------------------------------


def test_page_marker_and_numbers_removed_sentence_continues():
    text = (
        "The Company shall deliver the shares to the\n"
        "\n"
        "\n"
        "                                   7\n"
        "<PAGE>\n"
        "   8\n"
        "\n"
        "Underwriters on the Closing Date.\n"
    )
    lo = lay(text)
    assert lo.text == "The Company shall deliver the shares to the\nUnderwriters on the Closing Date.\n"
    assert dict(lo.removed)[4] == "page number"
    assert dict(lo.removed)[5] == "page marker"
    assert dict(lo.removed)[6] == "page number"
    nxt = lo.lines[1]
    assert nxt.src_line == 8 and nxt.page_break_before
    assert not lo.lines[0].page_break_before
    check_map(lo, range(len(lo.text)))


def test_paragraph_break_on_page_break_keeps_one_blank():
    text = "end of a sentence.\n\n\n   12\n\n   13\n\n        Next paragraph starts here.\n"
    lo = lay(text)
    assert lo.text == "end of a sentence.\n\n        Next paragraph starts here.\n"
    assert lo.lines[1].blank and lo.lines[2].page_break_before


def test_page_number_forms():
    for form in ("-2-", "- 2 -", "Page 3", "Page 3 of 9", "A-1", "- ii -", "-iii-"):
        text = f"words of the first page\n\n{form}\n\nwords of the next page\n"
        lo = lay(text)
        assert form not in lo.text, form
        assert lo.text == "words of the first page\nwords of the next page\n", form


def test_number_alone_on_first_line_is_a_page_number():
    lo = lay("1\n\n                EXHIBIT 1.1\n\nUNDERWRITING AGREEMENT\n")
    assert lo.lines[0].text.strip() == "EXHIBIT 1.1"
    assert lo.removed[0] == (1, "page number")
    assert not lo.lines[0].page_break_before


def test_rising_bare_numbers_are_page_numbers():
    body = "\n".join(f"text line {k} of the page, going on." for k in range(12))
    text = f"{body}\n\n2\n\n{body}\n\n3\n\n{body}\n\n4\n\n{body}\n"
    lo = lay(text)
    assert not any(ln.text in ("2", "3", "4") for ln in lo.lines)
    assert [why for _, why in lo.removed].count("page number") == 3


def test_isolated_number_and_labels_are_kept():
    text = (
        "The number of items is\n\n5\n\nand that is all.\n\n"
        "        1.\n"
        "              (a) The Company represents and warrants.\n\n"
        "(1)\n\nFirst item.\n\n(2)\n\nSecond item.\n\n1997.\n"
    )
    lo = lay(text)
    assert lo.text == text
    assert lo.removed == []


def test_dotted_number_only_beside_a_page_marker():
    lo = lay("end of page one.\n\n<PAGE>\n\n2.\n\nStart of page two.\n")
    assert "2." not in lo.text
    lo = lay("Text before.\n\n2.\n\nText after.\n")
    assert "2." in lo.text


def test_form_feed_is_a_page_break_and_control_characters_go():
    text = "the Company shall\n\f\n   4\n\npay the fees\x07 of counsel.\n"
    lo = lay(text)
    assert lo.text == "the Company shall\npay the fees of counsel.\n"
    assert lo.lines[1].page_break_before
    assert ("2", "form feed") not in lo.removed and (2, "form feed") in lo.removed
    check_map(lo, range(len(lo.text)))
    # a form feed at the start of a line of text
    lo = lay("first page text\n\fSECTION 2. Second page\n")
    assert lo.text == "first page text\nSECTION 2. Second page\n"
    assert lo.lines[1].page_break_before
    check_map(lo, range(len(lo.text)))


def test_inline_page_marker_at_end_of_line():
    lo = lay("any other Person (other than a consolidated<PAGE>\n\n\n\nsubsidiary of such Person)\n")
    assert lo.text == "any other Person (other than a consolidated\nsubsidiary of such Person)\n"
    assert lo.lines[1].page_break_before
    check_map(lo, range(len(lo.text)))


def test_running_header_removed():
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    parts = []
    for p in range(1, 5):
        body = "\n".join(f"The {words[p]} clause, sentence {words[k]}, runs on." for k in range(8))
        parts.append(f"ACME CORP CREDIT AGREEMENT\n\n{body}\n\n{p}\n<PAGE>\n")
    lo = lay("".join(parts))
    # the first one, at the top of the document, is its title and stays; the
    # repeats at the top of pages 2 to 4 go
    assert lo.text.count("ACME CORP CREDIT AGREEMENT") == 1
    assert lo.lines[0].text == "ACME CORP CREDIT AGREEMENT"
    assert [why for _, why in lo.removed].count("running header") == 3
    assert "\n1\n" not in lo.text and "\n4\n" not in lo.text


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def test_tagged_table():
    text = (
        "Schedule of shares:\n"
        "<TABLE>\n"
        "<CAPTION>\n"
        "    NAME                        SHARES\n"
        "<S>                             <C>\n"
        "    Alpha Fund ..............   1,000\n"
        "<S> Beta Fund ...............<C>2,000\n"
        "</TABLE>\n"
        "After the table.\n"
    )
    lo = lay(text)
    for tag in ("<TABLE>", "</TABLE>", "<CAPTION>", "<S>", "<C>"):
        assert tag not in lo.text
    assert len(lo.tables) == 1
    tb = lo.tables[0]
    assert isinstance(tb, TableBlock) and tb.tagged
    rows = [ln.text for ln in lo.lines[tb.first : tb.last + 1]]
    assert rows == [
        "    NAME                        SHARES",
        "    Alpha Fund ..............   1,000",
        " Beta Fund ...............2,000",
    ]
    assert all(ln.table == 0 for ln in lo.lines[tb.first : tb.last + 1])
    assert lo.lines[0].table is None and lo.lines[-1].table is None
    check_map(lo, range(len(lo.text)))


def test_untagged_dot_leader_table():
    text = (
        "The Underwriters will purchase as follows:\n\n"
        "Goldman, Sachs & Co. ...................    1,000,000\n"
        "Credit Suisse ...........................      500,000\n"
        "                                          -----------\n"
        "    Total ...............................    1,500,000\n\n"
        "The price is set out above.\n"
    )
    lo = lay(text)
    assert len(lo.tables) == 1 and not lo.tables[0].tagged
    tb = lo.tables[0]
    assert lo.lines[tb.first].text.startswith("Goldman")
    assert lo.lines[tb.last].text.strip().startswith("Total")


# ---------------------------------------------------------------------------
# Hyphenation
# ---------------------------------------------------------------------------


def test_dehyphenation_joins_and_drops_hyphen():
    text = "the several under-\n    writers named herein\n"
    lo = lay(text)
    assert lo.text == "the several underwriters\n    named herein\n"
    assert lo.lines[1].indent == 4
    check_map(lo, range(len(lo.text)))
    k = lo.text.index("writers")
    assert lo.span(k, k + 7).line == 2  # the moved part still points at line 2
    # the joined word spans both source lines: "under-" at 1:13, "writers" ends before 2:12
    k = lo.text.index("underwriters")
    sp = lo.span(k, k + len("underwriters"))
    assert (sp.line, sp.column, sp.end_line, sp.end_column) == (1, 13, 2, 12)
    assert ("2", "joined to the line above") not in lo.removed


@pytest.mark.parametrize(
    "first,second,joined",
    [
        ("non-", "defaulting Underwriters", "non-defaulting"),
        ("thirty-", "six hours", "thirty-six"),
        ("one-", "eleventh of the", "one-eleventh"),
        ("Post-", "Effective Amendment", "Post-Effective"),
        ("self-", "insurance", "self-insurance"),
        ("attorney-in-", "fact, with", "attorney-in-fact,"),
    ],
)
def test_dehyphenation_keeps_compound_hyphen(first, second, joined):
    lo = lay(f"the {first}\n{second} and more\n")
    assert joined in lo.text.split("\n")[0]


def test_dehyphenation_uses_the_document():
    # the hyphenated form is used elsewhere: keep it
    lo = lay("a lock-up agreement and a lock-\nup period\n")
    assert "lock-up period" not in lo.text and "lock-up\n" in lo.text.replace(" period", "")
    assert lo.text.split("\n")[0].endswith("lock-up")
    # the joined form is used elsewhere: drop the hyphen even after a prefix word
    lo = lay("the cooperation of the co-\noperation clause\n")
    assert lo.text.split("\n")[0].endswith("cooperation")


def test_line_of_one_word_joins_the_line_above():
    lo = lay("the Company and the under-\n   writers.\nNext sentence.\n")
    assert lo.text == "the Company and the underwriters.\nNext sentence.\n"
    assert (2, "joined to the line above") in lo.removed
    check_map(lo, range(len(lo.text)))


def test_no_join_into_blank_or_number_or_table():
    lo = lay("Section 2-\n\n3 applies\n")
    assert lo.text == "Section 2-\n\n3 applies\n"
    lo = lay("File No. 333-\n12345\n")
    assert lo.text == "File No. 333-\n12345\n"


def test_dehyphenation_across_a_page_break():
    text = "will be deemed an under-\n\n\n          14\n<PAGE>\n\nwriter of the Shares.\n"
    lo = lay(text)
    assert lo.text == "will be deemed an underwriter\nof the Shares.\n"
    check_map(lo, range(len(lo.text)))


# ---------------------------------------------------------------------------
# Mapping and spans
# ---------------------------------------------------------------------------


def test_span_points_into_the_original():
    text = "Header\n\n\n   3\n\nThe Company agrees\nto sell.\n"
    lo = lay(text)
    k = lo.text.index("Company")
    sp = lo.span(k, k + len("Company"))
    assert (sp.line, sp.column, sp.end_line, sp.end_column) == (6, 5, 6, 12)
    assert text[sp.offset : sp.end_offset] == "Company"
    k2 = lo.text.index("to sell")
    sp = lo.span(k, k2 + len("to sell"))
    assert (sp.line, sp.column, sp.end_line, sp.end_column) == (6, 5, 7, 8)
    # an empty span
    sp = lo.span(k, k)
    assert sp.offset == sp.end_offset == text.index("Company")


def test_mapping_random_offsets_in_seeds():
    rnd = random.Random(7)
    for path in (JUNIPER, WARRANT, COMMVAULT, METRICOM):
        lo = seed(path)
        check_map(lo, (rnd.randrange(len(lo.text)) for _ in range(3000)))
        # every kept line points at its own source line
        for ln in lo.lines[:: max(1, len(lo.lines) // 200)]:
            if ln.text:
                sp = lo.span(ln.start, ln.start + len(ln.text))
                assert sp.line == ln.src_line
                assert sp.column == 1


# ---------------------------------------------------------------------------
# Seed facts (checked against the files by reading them)
# ---------------------------------------------------------------------------


def test_no_page_marker_survives_in_any_seed():
    for path in (JUNIPER, WARRANT, COMMVAULT, METRICOM):
        lo = seed(path)
        assert "<PAGE>" not in lo.text
        assert "<TABLE>" not in lo.text and "<S>" not in lo.text


def test_juniper_section_9a_page_break():
    lo = seed(JUNIPER)
    # lines 1282/1283 hold the page numbers 19 and 20 between "arrange" and "for you"
    removed = dict(lo.removed)
    assert removed[1282] == "page number" and removed[1283] == "page number"
    assert "Delivery, you may in your discretion arrange\nfor you or another party" in lo.text
    a = line_by_src(lo, 1278)
    b = line_by_src(lo, 1285)
    assert a is not None and b is not None
    assert lo.lines.index(b) == lo.lines.index(a) + 1
    assert b.page_break_before and not b.blank
    k = lo.text.index("for you or another party")
    sp = lo.span(k, k + 3)
    assert (sp.line, sp.column, sp.end_line, sp.end_column) == (1285, 1, 1285, 4)


def test_juniper_first_line_page_number_and_section_label():
    lo = seed(JUNIPER)
    assert (1, "page number") in lo.removed
    assert lo.lines[0].text.strip() == "EXHIBIT 1.1"
    label = line_by_src(lo, 44)
    assert label is not None and label.text == "        1." and label.indent == 8
    nxt = lo.lines[lo.lines.index(label) + 1]
    assert nxt.src_line == 45 and nxt.text.strip().startswith("(a) The Company represents")


def test_juniper_paragraph_break_at_page_22_kept():
    lo = seed(JUNIPER)
    # "of the signers thereof." (1427), page numbers 22/23 (1431/1432), then a new paragraph
    before = line_by_src(lo, 1427)
    k = lo.lines.index(before)
    assert lo.lines[k + 1].blank
    assert lo.lines[k + 2].src_line == 1434 and lo.lines[k + 2].page_break_before


def test_juniper_all_page_numbers_gone():
    lo = seed(JUNIPER)
    # bottom numbers "2".."23" centred at column 40, top numbers "2".."28" at column 4
    for ln in lo.lines:
        s = ln.text.strip()
        assert not (s.isdigit() and ln.text.startswith(("   ", " " * 39))), ln


def test_warrant_top_number_without_blank_after():
    lo = seed(WARRANT)
    # 60: "Section 2, certificates for the shares of", 61: blank, 62: "   2", 63: "Preferred Stock so ..."
    assert (62, "page number") in lo.removed
    assert "certificates for the shares of\nPreferred Stock so purchased" in lo.text
    year = line_by_src(lo, 545)
    assert year is not None and year.text == "1997."


def test_metricom_pages_32_and_34():
    lo = seed(METRICOM)
    # 1953 "CURRENCY:", 1957 "32" (bottom), 1958 "34" (top of next page), 1960 "ANNUAL CASH DIVIDEND RATE: %"
    removed = dict(lo.removed)
    assert removed[1957] == "page number" and removed[1958] == "page number"
    # 175 "3" and 177 "4" between "Supplement and any" and "supplement thereto)"
    assert removed[175] == "page number" and removed[177] == "page number"
    assert "Supplement and any\n                  supplement thereto) contain" in lo.text


def test_commvault_page_2_and_schedule_tables():
    lo = seed(COMMVAULT)
    assert "information contained in a form of prospectus or\n         prospectus supplement" in lo.text
    nxt = line_by_src(lo, 152)
    assert nxt is not None and nxt.page_break_before
    # Schedule A: rows at lines 2926 ("Sprout CEO Fund") to 2949 ("Total") inside one tagged table
    sprout = line_by_src(lo, 2926)
    total = line_by_src(lo, 2949)
    assert sprout is not None and sprout.text.startswith("Sprout CEO Fund, L.P.")
    assert total is not None and total.text.strip().startswith("Total")
    assert sprout.table is not None and sprout.table == total.table
    tb = lo.tables[sprout.table]
    assert tb.tagged and tb.first <= lo.lines.index(sprout) and lo.lines.index(total) <= tb.last
    # Schedule B rows (2966-2971) are in the next table
    gs = line_by_src(lo, 2967)
    assert gs is not None and gs.text.startswith("Goldman, Sachs & Co.")
    assert gs.table == sprout.table + 1
    # schedule page numbers A-1 and B-1 removed
    removed = dict(lo.removed)
    assert removed[2953] == "page number" and removed[2980] == "page number"


# ---------------------------------------------------------------------------
# The whole corpus
# ---------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*.txt") if p.is_file())


@pytest.mark.slow
def test_whole_corpus_goes_through_layout():
    files = corpus_files()
    if not files:
        pytest.skip(f"corpus not found at {CORPUS}")
    rnd = random.Random(11)
    for path in files:
        src = decode(path.read_bytes(), str(path))
        lo = layout(src)
        assert lo.lines or not lo.text
        if lo.text:
            check_map(lo, (rnd.randrange(len(lo.text)) for _ in range(200)))
        starts = [ln.start for ln in lo.lines]
        assert starts == sorted(starts)
        for tb in lo.tables:
            assert 0 <= tb.first <= tb.last < len(lo.lines)


# ---------------------------------------------------------------- uuencoded attachments

def _uuencoded(data: bytes) -> list[str]:
    import binascii

    return [binascii.b2a_uu(data[k:k + 45]).decode("ascii").rstrip("\n") for k in range(0, len(data), 45)] + ["`"]


def test_uuencoded_attachment_is_left_out_with_a_note():
    from checker.pipeline import check_text

    data = bytes(range(256)) * 2  # 512 bytes: 11 full lines and a short one
    enc = _uuencoded(data)
    lines = (["SUPPLY AGREEMENT", "", "1. Term. This Agreement runs for two years.", "",
              "begin 644 exhibit-a.pdf"] + enc + ["end", "",
              "2. Notices. Notices go to the addresses above.", ""])
    text = "\n".join(lines)
    lay = layout(decode(text.encode(), "supply.txt"))
    begin = lines.index("begin 644 exhibit-a.pdf") + 1  # 1-based
    end = lines.index("end") + 1
    assert [ln for ln, why in lay.removed if why == "uuencoded attachment"] == list(range(begin, end + 1))
    assert "begin 644" not in lay.text and enc[0] not in lay.text
    assert "2. Notices. Notices go" in lay.text
    res = check_text(text, path="supply.txt")
    assert f"uuencoded attachment 'exhibit-a.pdf' skipped (lines {begin}-{end})" in res.notes
    assert not [e for e in res.errors if begin <= (e.line or 0) <= end]
    assert [s["number"] for s in res.sections if s["kind"] == "section"] == ["1", "2"]


def test_begin_in_prose_is_not_an_attachment():
    text = "begin 644 shares of the Company will be sold\nMORE TEXT IN CAPITALS THAT IS NOT ENCODED DATA AT ALL, NOT EVEN CLOSE\nend\n"
    lay = layout(decode(text.encode(), "x.txt"))
    assert not lay.removed and lay.text == text


# --- dot leaders and rules on long lines ----------------------------------------

_PLAIN_DOT_ROW_NUM = r"(?:\.{3,}|(?:\. ){2,}\.)[ \t.]*\$?[ \t]*\(?[\d][\d,.]*\)?%?[ \t]*$"
_PLAIN_RULE_MULTI = r"[-=][-=][-=]+[ \t]+[-=]{3,}"


@pytest.mark.parametrize("name, plain, alphabet", [
    ("_DOT_ROW_NUM", _PLAIN_DOT_ROW_NUM, ". . . .\t$()1,%x5"),
    ("_RULE_MULTI", _PLAIN_RULE_MULTI, "--==  \tx"),
])
def test_linear_line_patterns_answer_as_the_plain_ones(name, plain, alphabet):
    import re

    from checker import layout as L

    fast, slow = getattr(L, name), re.compile(plain)
    rng = random.Random(5)
    for _ in range(50000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 22)))
        assert bool(fast.search(s)) == bool(slow.search(s)), repr(s)
    for s in ["Section 1 ........ 5", "Total . . . . $ 1,000", "Item .... (12)%", "x . ...5", "... ... x", "a..b",
              "--- ---", "-=- ===", "------", "--  --"]:
        assert bool(fast.search(s)) == bool(slow.search(s)), s


def test_long_rows_of_dots_dashes_and_spaces_are_read_in_linear_time(tmp_path):
    # A row of 2,000 dots with no page number after it took the plain dot-leader
    # pattern 45 s (cubic); such rows (a form's fill-in line, a separator) must not
    # stall a check.  Run in a child process so that a regression fails the test
    # instead of hanging the suite; the limit is a hang guard, far above the time
    # the check takes (well under a second).
    from conftest import check_in_child

    # (and a line of 300,000 non-breaking spaces, which a line-start scan of the
    # drafting checks once read in quadratic time)
    body = "".join(row * n + " x\n" for row, n in ((".", 20000), ("-", 20000), (". ", 10000), ("... ", 5000),
                                                   ("\xa0", 300000)))
    p = tmp_path / "rows.txt"
    p.write_text("UNDERWRITING AGREEMENT\n\n1. Sale. The Company agrees to sell.\n" + body + "2. Other. The end.\n")
    errors, sections = check_in_child(p, "len(r.errors), len(r.sections)", timeout=120)
    assert errors == 0 and sections >= 2


@pytest.mark.parametrize("text", [
    "begin 644 a.pdf\nM\nend", "x begin \nbegin begin \nbegin", "", "begin ", "\nbegin ", "begin\nbegin x\n  begin y\n",
])
def test_lines_starting_are_those_split_lines_start_with(text):
    from itertools import compress, repeat

    from checker.layout import _lines_starting

    lines = text.split("\n")
    starts = [0]
    for t in lines[:-1]:
        starts.append(starts[-1] + len(t) + 1)
    found = _lines_starting(text, "begin ", lambda o: bisect.bisect_right(starts, o) - 1)
    assert found == list(compress(range(len(lines)), map(str.startswith, lines, repeat("begin "))))
