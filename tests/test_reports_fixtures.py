"""Hand-built check results for the reporter tests.

The findings are written by hand against examples/sample-underwriting-agreement.txt
(line and column of each quote read off the file), so the reporter tests do not
depend on what the rules produce.  The tests here check that each hand-written
span really holds its quote.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.model import DocError, Finding, Obligation, Related
from checker.pipeline import DocumentResult, check_file, finalize_findings
from checker.source import decode, load

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample-underwriting-agreement.txt"
CORPUS = REPO.parent / "shared" / "corpus"
SEEDS = CORPUS / "seeds"

EVIL_MESSAGE = 'pipe | backtick ` star * <script>alert("m")</script> & [link](x)'


def _f(code, name, category, severity, message, line, column, end_line, end_column, quote, **kw) -> Finding:
    return Finding(
        code=code,
        name=name,
        category=category,
        severity=severity,
        message=message,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        quote=quote,
        **kw,
    )


def sample_findings() -> list[Finding]:
    """Findings on the sample agreement, with spans checked by test_spans_hold_their_quotes."""
    found = [
        _f("BLANK001", "blanks.unfilled", "blanks", "warning", "The date of the agreement is blank.", 9, 65, 9, 68, "[o]"),
        _f("BLANK001", "blanks.unfilled", "blanks", "warning", "The registration file number is blank.", 29, 20, 29, 30, "333-______"),
        _f("BLANK001", "blanks.unfilled", "blanks", "warning", "The purchase price per share is blank.", 38, 43, 38, 51, "$_______"),
        _f(
            "LOCK003",
            "lockup.periods_differ",
            "lockup",
            "error",
            "The Company's lock-up (60 days) is shorter than the officers' and directors' (90 days).",
            62,
            24,
            62,
            31,
            "60 days",
            section="3(a)",
            related=(Related(line=68, column=69, end_line=69, end_column=5, quote="ninety (90) days", message="officers' and directors' lock-up"),),
        ),
        _f(
            "OPT003",
            "option.settlement_window_inverted",
            "option",
            "warning",
            "The settlement window's earliest day (ten) comes after its latest (two).",
            50,
            29,
            50,
            77,
            "earlier than ten or later than two business days",
            section="2(b)",
            related=(Related(line=46, column=26, end_line=46, end_column=55, quote="forty-five (45) calendar days"),),
        ),
        _f(
            "NUM001",
            "numbers.words_numeral_mismatch",
            "numbers",
            "error",
            "The words say sixteen but the numeral says 18.",
            72,
            46,
            72,
            65,
            "sixteen (18) months",
            section="3(c)",
        ),
        _f(
            "XREF009",
            "xref.hereof_style",
            "cross-reference",
            "info",
            "A reference recorded in the baseline.",
            25,
            1,
            25,
            17,
            "Section 2 hereof",
            suppressed=True,
        ),
    ]
    out = finalize_findings(str(SAMPLE), found)
    # finalize_findings sorts and fingerprints; keep the suppression flag
    return [f.model_copy(update={"suppressed": f.quote == "Section 2 hereof"}) for f in out]


def sample_obligations() -> list[Obligation]:
    return [
        Obligation(kind="lockup_company", party="Company", value=60, unit="day", as_written="60 days", section="3(a)", line=62, column=24, quote="60 days"),
        Obligation(kind="lockup_insiders", party="officers and directors", value=90, unit="day", as_written="ninety (90) days", section="3(b)", line=68, column=69, quote="ninety (90) days"),
        Obligation(kind="option_exercise_period", party="Underwriters", value=45, unit="day", as_written="forty-five (45) calendar days", section="2(b)", line=46, column=26, quote="forty-five (45) calendar days"),
    ]


def sample_result() -> DocumentResult:
    """The sample agreement with the hand-built findings (and the real parsed text when the pipeline has it)."""
    res = check_file(str(SAMPLE))
    if res.parsed is None:
        source = load(str(SAMPLE))
        res = DocumentResult(path=str(SAMPLE), encoding=source.encoding, doc_type="underwriting_agreement")
        res.parsed = type("Parsed", (), {"source": source})()
    res.findings = sample_findings()
    res.obligations = sample_obligations()
    res.calendar = [
        {"event": "Option exercise deadline", "date": "2026-05-15", "basis": "45 calendar days after the date of this Agreement", "line": 46},
    ]
    res.errors = [DocError(message="could not read '[o]'", line=9, column=65, stage="grammar")]
    return res


def evil_result() -> DocumentResult:
    """A document whose text and findings carry markup, pipes, backticks and control characters."""
    text = (
        "AGREEMENT <b>bold</b>\n"
        "<script>alert(1)</script> | pipe | `tick`\n"
        "Price: $[___] per share \x01 and \x0c page\n"
        "last line \u00e9\u00e8 & done"
    )
    source = decode(text.encode("utf-8"), "evil <doc>.txt")
    res = DocumentResult(path="evil <doc>.txt", encoding=source.encoding, doc_type="underwriting_agreement")
    res.parsed = type("Parsed", (), {"source": source})()
    res.findings = finalize_findings(
        res.path,
        [
            _f("EVIL001", "evil.markup", "blanks", "error", EVIL_MESSAGE, 2, 1, 2, 26, "<script>alert(1)</script>"),
            _f(
                "EVIL002",
                "evil.pipe",
                "numbers",
                "warning",
                "line\nbreak | in message",
                2,
                29,
                3,
                6,
                "| pipe | `tick`\nPrice",
                related=(Related(line=1, column=11, end_line=1, end_column=22, quote="<b>bold</b>", message="<i>other</i> side"),),
            ),
            _f("EVIL003", "evil.control", "numbers", "info", "control \x01 char \x0b here", 3, 26, 3, 28, "\x01 a"),
            # a span running past the end of the text is clamped, not lost
            _f("EVIL004", "evil.clamp", "numbers", "info", "past the end", 4, 11, 9, 99, "\u00e9\u00e8 & done"),
        ],
    )
    return res


def unreadable_result() -> DocumentResult:
    return DocumentResult(
        path="scan.pdf",
        errors=[DocError(message="scan.pdf is a PDF file, not text; convert it \x07 first <b>", stage="load")],
    )


def real_results() -> list[DocumentResult]:
    """Results of the real pipeline on the sample and the seeds (those present)."""
    out = [check_file(str(SAMPLE))]
    if SEEDS.is_dir():
        out += [check_file(str(p)) for p in sorted(SEEDS.glob("*.txt"))]
    return out


def test_spans_hold_their_quotes():
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for f in sample_findings():
        if f.line == f.end_line:
            assert lines[f.line - 1][f.column - 1 : f.end_column - 1] == f.quote, f.code
        for r in f.related:
            if r.line == r.end_line:
                assert lines[r.line - 1][r.column - 1 : r.end_column - 1] == r.quote
    assert lines[67][68:] == "ninety (90)" and lines[68][:4] == "days"


def test_seeds_present_or_skipped():
    if not SEEDS.is_dir():
        pytest.skip(f"corpus not found at {SEEDS} (expected ../shared/corpus beside the repository)")
    assert len(list(SEEDS.glob("*.txt"))) >= 1
