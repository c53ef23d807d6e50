"""Input formats: text, HTML, .docx, EDGAR submissions; detection and line maps."""
from __future__ import annotations

import io
import zipfile

import pytest

from checker.formats import (
    FormatError,
    MappedSource,
    check_any,
    detect_format,
    docx_to_text,
    exhibit_selected,
    html_to_text,
    load_any,
    remap_lines,
    split_submission,
)
from checker.model import DocError, Finding, Obligation
from checker.pipeline import DocumentResult
from checker.source import InputError

# ---------------------------------------------------------------------------
# fixtures built here (no corpus text in the repository)
# ---------------------------------------------------------------------------

HTML_LINES = [
    '<html><head><style>body { font: 10pt }</style><title>x</title></head>',  # 1
    "<body>",  # 2
    "<p>UNDERWRITING AGREEMENT</p>",  # 3
    "<p>Section 9. <b>Default</b> by",  # 4
    "Underwriters &amp; others.</p>",  # 5
    "<table>",  # 6
    "<tr><td>Underwriter</td><td>Shares</td></tr>",  # 7
    "<tr><td>Goldman, Sachs &amp; Co.</td><td>1,000,000</td></tr>",  # 8
    "</table>",  # 9
    '<script>var x = "<p>not text</p>";</script>',  # 10
    "<p>Signed&nbsp;here &#8212; today</p>",  # 11
    "</body></html>",  # 12
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(body: str, extra: dict | None = None, prolog: str = "") -> bytes:
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", xml)
        for k, v in (extra or {}).items():
            zf.writestr(k, v)
    return buf.getvalue()


def para(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


DOCX_BODY = (
    para("UNDERWRITING AGREEMENT")
    + "<w:p><w:r><w:t>Section 1.</w:t></w:r><w:r><w:tab/><w:t>Shares</w:t></w:r>"
    + "<w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del><w:r><w:t>.</w:t></w:r></w:p>"
    + "<w:tbl><w:tr><w:tc>" + para("Underwriter") + "</w:tc><w:tc>" + para("Shares") + "</w:tc></w:tr>"
    + "<w:tr><w:tc>" + para("Goldman, Sachs &amp; Co.") + "</w:tc><w:tc>" + para("1,000") + "</w:tc></w:tr></w:tbl>"
    + para("")
    + para("9. Default by Underwriters.")
)


def submission_lines() -> tuple[list[str], dict[str, int]]:
    """A small full-submission file; returns its lines and the 1-based line of
    a few marker lines."""
    lines = [
        "<SEC-DOCUMENT>0000000000-99-000001.txt : 19990617",
        "<SEC-HEADER>0000000000-99-000001.hdr.sgml : 19990617",
        "ACCESSION NUMBER:\t\t0000000000-99-000001",
        "CONFORMED SUBMISSION TYPE:\tS-1/A",
        "</SEC-HEADER>",
        "<DOCUMENT>",
        "<TYPE>S-1/A",
        "<SEQUENCE>1",
        "<FILENAME>s1a.txt",
        "<TEXT>",
        "The registration statement itself.",
        "</TEXT>",
        "</DOCUMENT>",
        "<DOCUMENT>",
        "<TYPE>EX-1.1",
        "<SEQUENCE>2",
        "<FILENAME>ex1-1.txt",
        "<DESCRIPTION>FORM OF UNDERWRITING AGREEMENT",
        "<TEXT>",
        "                          UNDERWRITING AGREEMENT",
        "",
        "     9. Default by Underwriters. If any Underwriter shall default ...",
        "",
        "<PAGE>",
        "     10. Notices.",
        "</TEXT>",
        "</DOCUMENT>",
        "<DOCUMENT>",
        "<TYPE>EX-4.1",
        "<SEQUENCE>3",
        "<FILENAME>ex4-1.htm",
        "<TEXT>",
        "<html><body>",
        "<p>WARRANT TO PURCHASE SHARES</p>",
        "<p>1. Exercise.</p>",
        "</body></html>",
        "</TEXT>",
        "</DOCUMENT>",
        "<DOCUMENT>",
        "<TYPE>EX-10.1",
        "<SEQUENCE>4",
        "<FILENAME>ex10-1.txt",
        "<TEXT>",
        "EMPLOYMENT AGREEMENT",
        "</TEXT>",
        "</DOCUMENT>",
        "<DOCUMENT>",
        "<TYPE>GRAPHIC",
        "<SEQUENCE>5",
        "<FILENAME>logo.gif",
        "<TEXT>",
        "begin 644 logo.gif",
        "M1TE&.#EA`0`!`(```````/___RP`````",
        "end",
        "</TEXT>",
        "</DOCUMENT>",
        "</SEC-DOCUMENT>",
    ]
    marks = {
        "ex1_title": lines.index("                          UNDERWRITING AGREEMENT") + 1,
        "ex1_default": next(i for i, ln in enumerate(lines) if "9. Default" in ln) + 1,
        "ex1_notices": lines.index("     10. Notices.") + 1,
        "ex4_warrant": lines.index("<p>WARRANT TO PURCHASE SHARES</p>") + 1,
        "ex4_exercise": lines.index("<p>1. Exercise.</p>") + 1,
    }
    return lines, marks


# ---------------------------------------------------------------------------
# detection
# ---------------------------------------------------------------------------


def test_detect_format_from_content():
    assert detect_format(b"UNDERWRITING AGREEMENT\n", "a.txt") == "text"
    assert detect_format(b"<PAGE>\n   EXHIBIT 1.1\n<TABLE>\n", "a.txt") == "text"  # EDGAR text markers are not HTML
    assert detect_format(b"\n<SEC-DOCUMENT>x\n", "a.txt") == "submission"
    assert detect_format(b"<DOCUMENT>\n<TYPE>EX-1.1\n", "a.txt") == "submission"
    assert detect_format(b"<!DOCTYPE html>\n<p>x</p>", "a.txt") == "html"
    assert detect_format(b"  <HTML><BODY>x", "a.bin") == "html"
    assert detect_format(b"<p>x</p>", "a.htm") == "html"  # leading tag and .htm
    assert detect_format(b"<p>x</p>", "a.txt") == "text"  # a tag alone is not enough
    assert detect_format(make_docx(para("x")), "draft") == "docx"  # no extension needed


def test_unknown_formats_are_clear_errors(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    (tmp_path / "a.docx").write_bytes(buf.getvalue())
    with pytest.raises(FormatError, match="without word/document.xml"):
        load_any(str(tmp_path / "a.docx"))
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    with pytest.raises(InputError, match="PDF"):
        load_any(str(tmp_path / "b.txt"))
    (tmp_path / "c.txt").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match="binary"):
        load_any(str(tmp_path / "c.txt"))
    (tmp_path / "d.docx").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(FormatError, match="damaged ZIP"):
        load_any(str(tmp_path / "d.docx"))


def test_check_any_never_raises_for_bad_input(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\x00\x01\x02" * 100)
    [res] = check_any(str(tmp_path / "x.bin"))
    assert not res.readable
    assert res.errors[0].stage == "load" and "binary" in res.errors[0].message


# ---------------------------------------------------------------------------
# plain text
# ---------------------------------------------------------------------------


def test_plain_text_is_one_document_with_identity_lines(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("UNDERWRITING AGREEMENT\n\n1. Shares.\n")
    [(name, src)] = load_any(str(p))
    assert name == str(p) and src.format == "text" and src.identity
    assert src.line_text(3) == "1. Shares."


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def test_html_to_text_blocks_tables_entities_and_line_map():
    text, lmap = html_to_text("\n".join(HTML_LINES))
    lines = text.rstrip("\n").split("\n")
    assert lines == [
        "UNDERWRITING AGREEMENT",
        "",
        "Section 9. Default by Underwriters & others.",
        "",
        "Underwriter".ljust(20) + "  Shares",  # cells padded to the widest cell, two spaces apart
        "Goldman, Sachs & Co.  1,000,000",
        "",
        "Signed here \u2014 today",
    ]
    assert lmap == [3, 3, 4, 4, 7, 8, 8, 11]
    assert "font" not in text and "not text" not in text and "x" not in lines[0]


def test_html_pre_keeps_layout():
    text, lmap = html_to_text("<html><body>\n<pre>\n  A    B\n    C\n</pre>\n<p>after</p></body></html>")
    assert text.split("\n")[:2] == ["  A    B", "    C"]
    assert lmap[:2] == [3, 4]


def test_html_file_loads_with_line_map(tmp_path):
    p = tmp_path / "ex1.htm"
    p.write_text("\n".join(HTML_LINES), encoding="utf-8")
    [(name, src)] = load_any(str(p))
    assert src.format == "html"
    assert src.original_line(3) == 4  # "Section 9. ..." came from line 4 of the HTML file
    assert src.original_line(6) == 8


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------


def test_docx_paragraphs_tables_deletions(tmp_path):
    p = tmp_path / "draft.docx"
    p.write_bytes(make_docx(DOCX_BODY))
    [(name, src)] = load_any(str(p))
    assert src.format == "docx"
    lines = src.text.rstrip("\n").split("\n")
    assert lines == [
        "UNDERWRITING AGREEMENT",
        "",
        "Section 1.\tShares.",
        "",
        "Underwriter".ljust(20) + "  Shares",
        "",
        "Goldman, Sachs & Co.  1,000",
        "",
        "9. Default by Underwriters.",
    ]
    # lines map to paragraph numbers: title 1, section 2, table rows 3 and 4, (empty 5), default 6
    assert [src.original_line(i) for i in (1, 3, 5, 7, 9)] == [1, 2, 3, 4, 6]


def test_docx_zip_bomb_refused_before_reading(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>' + " " * (20 * 1024 * 1024) + "</w:body></w:document>")
    with pytest.raises(FormatError, match="expands"):
        docx_to_text(buf.getvalue(), "bomb.docx")


def test_docx_entities_refused():
    laughs = '<!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]>'
    data = make_docx(para("&b;"), prolog=laughs)
    with pytest.raises(FormatError, match="DTD"):
        docx_to_text(data, "laughs.docx")


# ---------------------------------------------------------------------------
# EDGAR submissions
# ---------------------------------------------------------------------------


def test_exhibit_type_selection():
    assert exhibit_selected("EX-1.1", ("EX-1", "EX-4"))
    assert exhibit_selected("EX-4.12", ("EX-1", "EX-4"))
    assert not exhibit_selected("EX-10.1", ("EX-1", "EX-4"))  # EX-1 is not a prefix of EX-10
    assert exhibit_selected("EX-10.1", ("EX-1", "EX-10"))
    assert not exhibit_selected("S-1/A", ("EX-1",))
    assert exhibit_selected("EX-1.1", ("EX-1.1",)) and not exhibit_selected("EX-1.2", ("EX-1.1",))


def test_submission_split_keeps_submission_lines(tmp_path):
    lines, marks = submission_lines()
    p = tmp_path / "full.txt"
    p.write_text("\r\n".join(lines) + "\r\n")  # EDGAR files often have CRLF
    exhibits = split_submission("\n".join(lines))
    assert [e.type for e in exhibits] == ["S-1/A", "EX-1.1", "EX-4.1", "EX-10.1", "GRAPHIC"]
    docs = load_any(str(p))
    assert [n for n, _ in docs] == [f"{p}#EX-1.1", f"{p}#EX-4.1"]
    (_, ex1), (_, ex4) = docs
    assert ex1.format == "text" and ex4.format == "html"
    # every line of the plain-text exhibit maps to the same text in the submission
    for k in range(1, ex1.line_count + 1):
        assert ex1.line_text(k) == lines[ex1.original_line(k) - 1]
    assert ex1.original_line(1) == marks["ex1_title"]
    assert ex1.original_line(3) == marks["ex1_default"]
    t4 = ex4.text.split("\n")
    assert t4[0] == "WARRANT TO PURCHASE SHARES" and ex4.original_line(1) == marks["ex4_warrant"]
    assert t4[2] == "1. Exercise." and ex4.original_line(3) == marks["ex4_exercise"]
    with_ex10 = load_any(str(p), exhibits=("EX-1", "EX-4", "EX-10"))
    assert [n.rsplit("#", 1)[1] for n, _ in with_ex10] == ["EX-1.1", "EX-4.1", "EX-10.1"]


def test_submission_without_selected_exhibit_is_an_error(tmp_path):
    p = tmp_path / "k.txt"
    p.write_text("<SEC-DOCUMENT>x\n<DOCUMENT>\n<TYPE>10-K\n<TEXT>\nannual report\n</TEXT>\n</DOCUMENT>\n")
    with pytest.raises(FormatError, match=r"no exhibit of the selected types .*10-K"):
        load_any(str(p))


def test_remap_lines_moves_every_line_number():
    src = MappedSource(path="f.txt#EX-1.1", text="a\nb\nc\n", encoding="utf-8", line_offset=19)
    f = Finding(code="X001", name="x", category="c", severity="info", message="m", line=2, column=1, end_line=3, quote="b")
    o = Obligation(kind="lockup", line=3, column=1, quote="c")
    res = DocumentResult(
        path="f.txt#EX-1.1",
        findings=[f],
        obligations=[o],
        errors=[DocError(message="m", line=1, stage="grammar")],
        sections=[{"number": "9", "line": 2, "end_line": 3, "children": [{"line": 3}]}],
        definitions=[{"term": "Act", "line": 1, "end_line": 1}],
    )
    remap_lines(res, src)
    assert (res.findings[0].line, res.findings[0].end_line) == (21, 22)
    assert res.obligations[0].line == 22
    assert res.errors[0].line == 20
    assert res.sections[0] == {"number": "9", "line": 21, "end_line": 22, "children": [{"line": 22}]}
    assert res.definitions[0]["line"] == 20


def test_check_any_names_and_remaps_exhibits(tmp_path):
    lines, marks = submission_lines()
    p = tmp_path / "full.txt"
    p.write_text("\n".join(lines) + "\n")
    results = check_any(str(p))
    assert [r.path for r in results] == [f"{p}#EX-1.1", f"{p}#EX-4.1"]
    lo, hi = marks["ex1_title"], marks["ex1_notices"]
    for r in results[:1]:
        for item in list(r.findings) + list(r.obligations):
            assert lo <= item.line <= hi
        for s in r.sections:
            assert lo <= s.get("line", lo) <= hi
