"""Governing law: how a present clause is recognised, which documents must have one
(MISS001 for the offering types, MISS015 for other operative instruments), and the
corpus documents whose governing-law clause, once removed, must be reported."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.doctype import detect, operative_instrument
from checker.pipeline import check_text
from checker.policy import Config

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _codes(text: str) -> set[str]:
    res = check_text(text, path="<test>", settings=Config())
    return {f.code for f in res.findings}


def _provisions(text: str) -> dict:
    return check_text(text, path="<test>", settings=Config()).provisions


_AGREEMENT = """\
CONSULTING AGREEMENT

This Consulting Agreement (the "Agreement") is made and entered into as of
March 1, 2010 by and between Alpha Inc. and Beta LLC.

1. Services. Beta LLC shall provide the consulting services described in
Schedule A, and Alpha Inc. shall pay Beta LLC a fee of $10,000 per month.

2. Term. This Agreement shall continue for one year from the date hereof.

{extra}
IN WITNESS WHEREOF, the parties have executed this Agreement as of the date
first written above.

ALPHA INC.
By: ______________________
"""


# ---------------------------------------------------------------------------
# which documents are operative instruments
# ---------------------------------------------------------------------------


def test_captioned_and_executed_agreement_is_an_instrument():
    inst = operative_instrument(_AGREEMENT.format(extra=""))
    assert inst is not None and inst.how == "caption" and inst.title == "CONSULTING AGREEMENT"
    dt = detect(_AGREEMENT.format(extra=""))
    assert (dt.doc_type, dt.subtype) == ("other", "instrument")


def test_filing_label_before_the_caption():
    text = "EXHIBIT 1.1 Strategic Alliance Agreement\n\n" + _AGREEMENT.format(extra="").split("\n", 2)[2]
    inst = operative_instrument(text)
    assert inst is not None and inst.title == "EXHIBIT 1.1 Strategic Alliance Agreement"


def test_unsigned_caption_is_not_enough():
    text = "CONSULTING AGREEMENT\n\n1. Services. Beta LLC shall provide the services.\n"
    assert operative_instrument(text) is None


@pytest.mark.parametrize(
    "head",
    [
        "AMENDMENT NO. 1 TO\nCONSULTING AGREEMENT\n",  # the amendment is named the line before
        "FIRST AMENDMENT TO CONSULTING AGREEMENT\n",
        "CONSULTING AGREEMENT MODIFICATION\n",
        "JOINT FILING AGREEMENT\n",
        "Consulting Agreement\nExhibit 10.1\n[Letterhead]\nDear Mr. Smith:\n",  # a description line, then a letter
    ],
)
def test_changes_letters_and_filings_are_not_instruments(head):
    body = (
        "The parties hereby agree that Beta LLC shall provide the services described below.\n\n"
        "IN WITNESS WHEREOF, the parties have executed this instrument.\nBy: ____________\n"
    )
    assert operative_instrument(head + "\n" + body) is None


def test_self_named_amendment_is_not_an_instrument():
    text = (
        "EMPLOYMENT AGREEMENT\n\nNOW, THEREFORE, the Company and Executive, for this Technical Amendment\n"
        '(the "Amendment"), do hereby agree as follows:\n\n1. Section 4 is deleted.\n\nBy: ________\n'
    )
    assert operative_instrument(text) is None


def test_section_heading_is_not_a_caption():
    text = "ARTICLE 2 THE WORK OF THIS CONTRACT\n\nThe Contractor shall perform the Work.\n\nBy: ________\n"
    assert operative_instrument(text) is None


def test_note_that_promises_to_pay_is_an_instrument():
    text = (
        "OFFICER'S CERTIFICATE\n\nThe undersigned certifies the terms of the Notes.\n\n"
        "EXHIBIT A\nFORM OF NOTE\n\nACME INC., for value received, promises to pay to Cede & Co. the principal\n"
        "sum of $1,000,000 on June 1, 2030.\n"
    )
    inst = operative_instrument(text)
    assert inst is not None and inst.how == "promise"


def test_offering_types_get_no_instrument_subtype():
    dt = detect("UNDERWRITING AGREEMENT\n\n" + "the several Underwriters " * 50)
    assert dt.doc_type == "underwriting_agreement" and dt.subtype != "instrument"


# ---------------------------------------------------------------------------
# MISS015 through the pipeline
# ---------------------------------------------------------------------------


def test_instrument_without_governing_law_is_flagged():
    assert "MISS015" in _codes(_AGREEMENT.format(extra=""))


def test_instrument_with_governing_law_passes():
    extra = "3. Governing Law. This Agreement shall be governed by the laws of the State of Ohio.\n"
    assert "MISS015" not in _codes(_AGREEMENT.format(extra=extra))


def test_amendment_without_governing_law_is_not_flagged():
    text = _AGREEMENT.format(extra="").replace("CONSULTING AGREEMENT", "FIRST AMENDMENT TO CONSULTING AGREEMENT", 1)
    assert "MISS015" not in _codes(text)


# ---------------------------------------------------------------------------
# recognising a governing-law clause
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clause",
    [
        "3. Miscellaneous. This Agreement shall be governed by and construed in accordance with English law.",
        "3. Miscellaneous. This Agreement shall be covered by and construed and enforced in accordance with and\n"
        "subject to the laws of the State of Florida.",
        "3. Miscellaneous. This Agreement has been executed in the State of Connecticut, and its validity,\n"
        "interpretation, performance, and enforcement shall be governed by the laws of said State.",
        "3. Miscellaneous. The Contract shall be governed by the law of the place where the Project is located.",
        "3. Miscellaneous. This Contract shall be exclusively governed by generally applicable Spanish legislation.",
        "3. Miscellaneous. The parties agree that the law of the State of New York, exclusive of its conflict of\n"
        "laws provisions, shall apply in any dispute arising with respect to this Agreement.",
        "3. Miscellaneous. THE RIGHTS OF THE PARTIES SHALL BE DETERMINED UNDER, GOVERNED BY, AND CONSTRUED IN\n"
        "ACCORDANCE WITH THE LAWS OF THE STATE OF NEW YORK.",
        "3. Miscellaneous. This Agreement will be controlled and interpreted pursuant to Massachusetts law.",
    ],
)
def test_choice_of_law_wording_is_recognised(clause):
    text = _AGREEMENT.format(extra=clause + "\n")
    assert "governing_law" in _provisions(text)
    assert "MISS015" not in _codes(text)


@pytest.mark.parametrize(
    "clause",
    [
        "3. Opinion. Such counsel may state that their opinion is limited to matters governed by the Federal\n"
        "laws of the United States of America.",
        "3. Usury. Nothing herein contained will be construed as permitting the charging of interest at a rate\n"
        "exceeding the maximum rate permitted under Applicable Laws.",
        "3. Benefits. The availability of any other benefits shall be governed by the terms of the Plan.",
        "3. Jury. Each party waives, to the fullest extent permitted by applicable law, any right to trial by jury.",
    ],
)
def test_other_mentions_of_law_are_not_a_choice(clause):
    text = _AGREEMENT.format(extra=clause + "\n")
    assert "governing_law" not in _provisions(text)
    assert "MISS015" in _codes(text)


def test_heading_over_a_clause_that_chooses_no_law():
    """"Governing Law; Waiver of Jury Trial" left above the jury waiver alone."""
    bare = (
        "3. Governing Law; Waiver of Jury Trial. Each party waives, to the fullest extent permitted by\n"
        "applicable law, any right to trial by jury in any proceeding arising out of this Agreement.\n"
    )
    assert "governing_law" not in _provisions(_AGREEMENT.format(extra=bare))
    full = bare.replace("Trial. Each", "Trial. This Agreement shall be governed by the laws of the State of\nNew York. Each")
    hit = _provisions(_AGREEMENT.format(extra=full))["governing_law"]
    assert hit["quote"].startswith("Governing Law")


def test_heading_that_refers_to_another_agreements_governing_law():
    body = (
        "3. Governing Law, Dispute Resolution. Any dispute arising under this Agreement shall be subject to\n"
        "the provisions of Section 10.10 of the Operating Agreement with respect to governing law.\n"
    )
    assert "governing_law" in _provisions(_AGREEMENT.format(extra=body))


# ---------------------------------------------------------------------------
# corpus: removing the governing-law clause is reported
# ---------------------------------------------------------------------------

# file, the 1-based line ranges holding every governing-law clause (read in the file),
# the doc type, the rule that must report the removal
REMOVALS = [
    ("edgar/other/aerovironment-2025-form-of-indenture.txt", [(2682, 2684)], "indenture", "MISS001"),
    ("edgar/other/apple-2019-notes-officers-certificate.txt", [(592, 594), (971, 973)], "other", "MISS015"),
    ("edgar/other/credit-suisse-2023-master-note.txt", [(260, 262)], "other", "MISS015"),
    ("edgar/other/metlife-2014-remarketing-agreement.txt", [(247, 247), (323, 323)], "other", "MISS015"),
    ("edgar/other/nuveen-nvg-mfp-remarketing-agreement-form.txt", [(219, 219)], "other", "MISS015"),
    ("edgar/other/rga-2011-amended-restated-remarketing-agreement.txt", [(383, 383)], "other", "MISS015"),
    ("edgar/other/turnkey-capital-2017-ex1.1-strategic-alliance.txt", [(155, 155)], "other", "MISS015"),
]


def _corpus_text(rel: str) -> str:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return (CORPUS / rel).read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("rel,ranges,doc_type,code", REMOVALS, ids=[r[0].rsplit("/", 1)[1] for r in REMOVALS])
def test_corpus_governing_law_removed(rel, ranges, doc_type, code):
    text = _corpus_text(rel)
    lines = text.split("\n")
    for lo, hi in ranges:
        assert any("governed" in ln.lower() for ln in lines[lo - 1 : hi]), f"{rel}:{lo}-{hi} is not the clause"
    orig = check_text(text, path=rel, settings=Config())
    assert orig.doc_type == doc_type
    assert "governing_law" in orig.provisions
    assert code not in {f.code for f in orig.findings}
    drop = {i for lo, hi in ranges for i in range(lo, hi + 1)}
    cut = "\n".join(ln for i, ln in enumerate(lines, 1) if i not in drop)
    res = check_text(cut, path=rel, settings=Config())
    assert "governing_law" not in res.provisions
    assert code in {f.code for f in res.findings}


@pytest.mark.parametrize(
    "rel,title",
    [
        ("edgar/other/metlife-2014-remarketing-agreement.txt", "REMARKETING AGREEMENT"),
        ("edgar/other/credit-suisse-2023-master-note.txt", "MASTER NOTE"),
        ("edgar/other/collins-construction-2010-stock-purchase-agreement.txt", "AGREEMENT FOR THE PURCHASE OF ALL OF THE"),
    ],
)
def test_corpus_instrument_captions(rel, title):
    inst = operative_instrument(_corpus_text(rel))
    assert inst is not None and inst.title == title


def test_corpus_joint_filing_agreement_is_not_an_instrument():
    assert operative_instrument(_corpus_text("edgar/other/nelnet-2020-ex1-joint-filing-agreement.txt")) is None


def test_corpus_stock_purchase_agreement_without_governing_law():
    """The Collins stock purchase agreement chooses no law (its only "laws of the
    State of Colorado" is a representation about the shares): MISS015 reports it."""
    rel = "edgar/other/collins-construction-2010-stock-purchase-agreement.txt"
    res = check_text(_corpus_text(rel), path=rel, settings=Config())
    assert "MISS015" in {f.code for f in res.findings}


def test_missing_governing_law_points_at_the_caption():
    """A document-level finding stands on the document's caption, not on the
    filing's exhibit label above it."""
    from checker.pipeline import check_text

    text = ("Exhibit 4.16\n\nMASTER NOTE\n\nFOR VALUE RECEIVED, Example Corp. promises to pay to Cede & Co. "
            "the principal sum of the Notes on the maturity date.\n\n"
            "IN WITNESS WHEREOF, the Issuer has caused this Note to be executed.\n\nBy: ____________\n")
    res = check_text(text, path="note.txt")
    hits = [f for f in res.findings if f.code == "MISS015"]
    assert len(hits) == 1 and (hits[0].line, hits[0].quote) == (3, "MASTER NOTE")
