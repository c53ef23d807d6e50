"""Every rule file is tested on both sides (README of rules/): its failing clause
must produce a finding with the rule's code, its passing clause must not.

The clauses run through the whole pipeline (``checker.pipeline.check_text``).
The document type is detected from the text, so each clause is placed in a
minimal agreement of the rule's document type (``examples.doc_type``, else
the rule's first document type): a title the detector recognises and, where
the detector needs it, the vocabulary of that type.  The frame adds no defined
terms, references or provisions of its own.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.policy import Config
from checker.rulespec import load_rules

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
RULES = load_rules() if RULES_DIR.is_dir() else []

# Rules whose facts the pipeline does not produce yet; each entry says which fact
# is missing.  strict: the test fails as soon as the facts arrive, so the entry
# is removed then.
WAITING_FOR_FACTS: dict[str, str] = {}

_UA_LEAD = "This agreement relates to an initial public offering of common stock.\n\n"
_WARRANT_LEAD = (
    "Warrant No. W-1. This Warrant is one Warrant of a series; any Warrant issued upon transfer or\n"
    "exchange of this Warrant is a Warrant of the same series.\n\n"
)
_AGENCY_LEAD = (
    "This agreement relates to an offering of notes under a Registration Statement and a Prospectus.\n\n"
)
_INDENTURE_LEAD = (
    "The Trustee accepts the trusts of this indenture. The Trustee, and any successor Trustee, acts as\n"
    "Trustee for the holders; the Trustee may resign, and the Trustee may be removed, as the Trustee\n"
    "agrees; no Trustee is liable except as a Trustee under the Trust Indenture Act.\n\n"
)

FRAMES = {
    "underwriting_agreement": ("UNDERWRITING AGREEMENT", _UA_LEAD),
    "terms_agreement": ("TERMS AGREEMENT", _UA_LEAD),
    "warrant": ("WARRANT TO PURCHASE SHARES OF COMMON STOCK", _WARRANT_LEAD),
    "agency_agreement": ("DISTRIBUTION AGENCY AGREEMENT", _AGENCY_LEAD),
    "indenture": ("INDENTURE", _INDENTURE_LEAD),
    "other": ("", ""),
}


def frame(clause: str, doc_type: str) -> str:
    """``clause`` as the body of a minimal agreement of ``doc_type``."""
    title, lead = FRAMES[doc_type]
    head = f"{title:^78}".rstrip() + "\n\n" if title else ""
    return head + lead + clause.strip("\n") + "\n"


def doc_type_of(rule) -> str:
    return rule.examples.doc_type or rule.doc_types[0]


def codes_for(text: str, doc_type: str) -> tuple[set[str], str]:
    from checker.pipeline import check_text

    res = check_text(frame(text, doc_type), path=f"<example {doc_type}>", settings=Config())
    return {f.code for f in res.findings}, res.doc_type


def _ids(rule) -> str:
    return rule.code


@pytest.mark.parametrize("rule", RULES, ids=_ids)
def test_rule_has_both_examples(rule):
    assert rule.examples.fail and all(t.strip() for t in rule.examples.fail), f"{rule.code}: no failing example"
    assert rule.examples.pass_ and all(t.strip() for t in rule.examples.pass_), f"{rule.code}: no passing example"


def test_every_rule_file_loaded():
    files = sorted(p.stem for p in RULES_DIR.glob("*.yaml"))
    assert files == sorted(r.code for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=_ids)
def test_rule_examples(rule, request):
    if rule.code in WAITING_FOR_FACTS:
        request.applymarker(pytest.mark.xfail(reason=WAITING_FOR_FACTS[rule.code], strict=True))
    dt = doc_type_of(rule)
    for text in rule.examples.fail:
        codes, detected = codes_for(text, dt)
        assert detected == dt, f"{rule.code}: the framed example was read as {detected}, not {dt}"
        assert rule.code in codes, f"{rule.code}: the failing example did not fire (got {sorted(codes)})"
    for text in rule.examples.pass_:
        codes, detected = codes_for(text, dt)
        assert rule.code not in codes, f"{rule.code}: the passing example fired"
