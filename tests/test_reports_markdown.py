"""Markdown reporter: summary, findings table, escaping, blanks, key terms, errors."""
from __future__ import annotations

import re

from checker.reports import render
from test_reports_fixtures import EVIL_MESSAGE, evil_result, real_results, sample_result, unreadable_result


def _table_rows(md: str) -> list[str]:
    return [ln for ln in md.splitlines() if ln.startswith("| ") and not ln.startswith("| Severity") and not ln.startswith("|---")]


def _cells(row: str) -> list[str]:
    # split on pipes not escaped with a backslash (GFM cell rule)
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_sample_sections_and_counts():
    md = render("markdown", [sample_result()])
    assert "**1 document**: 2 errors, 4 warnings, 0 info, 3 blanks to fill" in md
    assert "### Findings" in md and "### Blanks to fill before signing" in md and "### Key terms" in md
    assert "(1 more recorded in the baseline)" in md
    # the suppressed finding is not in the table
    assert "XREF009" not in md
    # related place of the lock-up inconsistency, with its own quote
    assert "line 68:69: `ninety (90) days`" in md
    assert "- [ ] line 38:43: `$_______`" in md
    assert "| lockup insiders | officers and directors | ninety (90) days | 3(b) | 68 |" in md
    assert "1 passage the clause grammar could not read" in md


def test_every_table_row_has_five_cells_even_with_pipes_and_newlines():
    md = render("markdown", [evil_result()])
    rows = [r for r in _table_rows(md) if "EVIL" in r]
    assert len(rows) == 4
    for row in rows:
        assert len(_cells(row)) == 5, row
    assert "\\|" in md  # pipes escaped
    assert "<script>" not in md.replace("`<script>alert(1)</script>`", "")  # markup only inside code spans
    assert "\\<script\\>alert" in md
    assert "line break \\| in message" in md  # newline folded, pipe escaped
    assert "\x01" not in md and "\x0b" not in md


def test_code_span_with_backtick_uses_longer_fence():
    md = render("markdown", [evil_result()])
    assert "``\\| pipe \\| `tick` Price``" in md


def test_unreadable_document():
    md = render("markdown", [unreadable_result()])
    assert "**Could not be read.**" in md
    assert "1 unreadable" in md
    assert "\x07" not in md


def test_quiet_has_only_the_summary():
    md = render("markdown", [sample_result()], quiet=True)
    assert "### Findings" not in md and "**1 document**" in md


def test_real_pipeline_results_render():
    results = real_results()
    md = render("markdown", results)
    assert md.count("\n## ") == len(results)
    for row in _table_rows(md):
        if row.startswith("| \U0001F534") or row.startswith("| \U0001F7E0") or row.startswith("| \U0001F535"):
            assert len(_cells(row)) == 5, row
    assert EVIL_MESSAGE not in md
