"""HTML reporter: one self-contained, well-formed page; every finding anchored; all text escaped."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from checker.reports import render
from test_reports_fixtures import evil_result, real_results, sample_result, unreadable_result

_VOID = {"meta", "input", "br", "hr", "img", "link", "col", "wbr"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    assert not p.problems, p.problems[:5]
    assert p.stack == [], p.stack
    assert len(p.ids) == len(set(p.ids)), "duplicate ids"
    return p


def _no_network(page: str) -> None:
    assert not re.search(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.I)
    assert "@import" not in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1)


def test_sample_page_anchors_and_links():
    res = sample_result()
    page = render("html", [res])
    p = _parse(page)
    _no_network(page)
    ids = set(p.ids)
    n = len(res.findings)
    for k in range(1, n + 1):
        assert f"finding-{k}" in ids and f"card-{k}" in ids
    # both sides of the inconsistencies
    assert "finding-5-r1" in ids or any(i.endswith("-r1") for i in ids)
    rel = [i for i in ids if re.fullmatch(r"finding-\d+-r\d+", i)]
    assert len(rel) == sum(len(f.related) for f in res.findings) == 2
    hrefs = {a.get("href") for t, a in p.tags if t == "a"}
    for k in range(1, n + 1):
        assert f"#finding-{k}" in hrefs and f"#card-{k}" in hrefs
    for r in rel:
        assert f"#{r}" in hrefs
    # every mark carries the finding numbers it belongs to; the highlighted text is the quote
    marks = [a for t, a in p.tags if t == "mark" and a.get("id", "").startswith("finding-")]
    assert len(marks) >= n
    assert re.search(r'<mark class="hl sev-error" id="finding-\d+" data-f="\d+"><a href="#card-\d+" data-go="\d+">60 days</a></mark>', page)
    # the related span crosses a line break: two marks, one anchor
    assert re.search(r'id="finding-\d+-r1" data-f="\d+"><a [^>]*>ninety \(90\)</a></mark>', page)
    # line numbers, filters, key terms, calendar
    assert 'id="d1-L142"' in page
    assert page.count('data-filter="sev"') == 3 and 'data-filter="cat" value="lockup"' in page
    assert "<h2>Key terms</h2>" in page and "lockup insiders" in page
    assert "Option exercise deadline" in page and "2026-05-15" in page
    assert "Blanks to fill before signing (3)" in page


def test_script_in_document_is_escaped_never_executable():
    page = render("html", [evil_result()])
    p = _parse(page)
    _no_network(page)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "<i>other</i>" not in page
    # the only script element is ours
    assert len(p.scripts) == 1 and "alert" not in p.scripts[0]
    assert "\x01" not in page and "\x0b" not in page
    assert 'evil &lt;doc&gt;.txt' in page
    # a span past the end of the text is clamped but keeps its anchor
    assert 'id="finding-4"' in page


def test_unreadable_document_is_reported():
    page = render("html", [unreadable_result(), sample_result()])
    p = _parse(page)
    assert "Could not be read" in page and "&lt;b&gt;" in page
    assert 'href="#doc-1"' in page and 'href="#doc-2"' in page
    assert "finding-1" in p.ids  # numbering continues across documents


def test_real_pipeline_results_render():
    results = real_results()
    page = render("html", results)
    p = _parse(page)
    _no_network(page)
    for k in range(1, sum(len(r.findings) for r in results) + 1):
        assert f"finding-{k}" in p.ids
