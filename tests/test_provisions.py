"""Which standard provisions an agreement has, and where (headings and wording).

Expected sections and lines were read off the seed agreements (``sed -n``).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.obligations import extract_obligations
from checker.pipeline import parse_source
from checker.provisions import GENERAL_KEYS, OFFERING_KEYS, WARRANT_KEYS, find_provisions
from checker.source import decode, load

from conftest import CORPUS
from conftest import SEED_NAMES as SEEDS
_CACHE: dict[str, dict] = {}


def _provisions(name: str) -> dict:
    if name not in _CACHE:
        p = CORPUS / "seeds" / SEEDS[name]
        if not p.exists():
            pytest.skip(f"corpus not found at {p} (expected ../shared/corpus beside the repository)")
        doc = parse_source(load(p))
        _CACHE[name] = find_provisions(doc, extract_obligations(doc))
    return _CACHE[name]


@pytest.mark.parametrize("name", ["juniper", "commvault", "metricom"])
def test_underwriting_agreements_have_every_standard_provision(name):
    got = _provisions(name)
    assert set(got) == set(GENERAL_KEYS)


def test_juniper_evidence_without_headings():
    # the Goldman form numbers its sections but gives them no headings: wording decides
    got = _provisions("juniper")
    expect = {
        "notices": ("12", 1375),
        "indemnification": ("8(a)", 1097),
        "underwriter_default": ("9(a)", 1276),
        "conditions": ("7", 713),
        "governing_law": ("15", 1405),
        "counterparts": ("16", 1408),
        "lockup": ("1(b)(iv)", 356),
        "over_allotment_option": ("2", 489),
    }
    for key, (section, line) in expect.items():
        hit = got[key]
        assert (hit.section, hit.line) == (section, line), (key, hit)
        assert hit.how in ("wording", "obligation")
        assert hit.evidence


def test_commvault_headings():
    got = _provisions("commvault")
    expect = {
        "governing_law": ("17", 2545, "APPLICABLE LAW"),
        "counterparts": ("15", 2506, "Counterparts"),
        "notices": ("12", 2447, "Notices"),
        "underwriter_default": ("9", 2379, "Default of Underwriters"),
        "conditions": ("7", 1270, "Conditions of the Obligations of the Underwriters"),
        "survival": ("11", 2416, "Survival of Certain Representations and Obligations"),
    }
    for key, (section, line, heading) in expect.items():
        hit = got[key]
        assert (hit.section, hit.line, hit.how, hit.heading) == (section, line, "heading", heading), (key, hit)
    # the lock-up is shown by the covenant in 5(i), not by the list of signatories in Schedule D
    assert (got["lockup"].section, got["lockup"].line) == ("5(i)", 1195)


def test_metricom_lockup_and_option_by_wording():
    got = _provisions("metricom")
    assert got["lockup"].section == "4(i)" and got["lockup"].line == 876
    assert got["over_allotment_option"].section == "3(b)"
    assert got["underwriter_default"].heading == "Defaulting Underwriters"


def test_warrant_provisions():
    got = _provisions("warrant")
    assert set(got) >= set(WARRANT_KEYS)
    expect = {
        "exercise": ("1", 41),
        "transfer_restrictions": ("2", 102),
        "reservation_of_shares": ("3", 136),
        "adjustment": ("4", 167),
        "notices": ("12", 401),
        "governing_law": ("14", 426),
        "fractional_shares": ("16", 446),
        # the formula's own words (line 79-80: "equal to the quotient of: (i) the difference between ..."),
        # not the grant of the right on line 77
        "net_exercise_formula": ("1(b)", 79),
        "expiration": (None, 20),
    }
    for key, (section, line) in expect.items():
        hit = got[key]
        assert (hit.section, hit.line) == (section, line), (key, hit)
    # "4.6 Other Notices" is about record dates, not the notice provision
    assert got["notices"].heading == "Notices"
    assert not set(got) & OFFERING_KEYS


def _from_text(text: str) -> dict:
    return find_provisions(parse_source(decode(text.encode(), "<test>")))


def test_keywords_alone_are_not_provisions():
    got = _from_text(
        "CONSULTING AGREEMENT\n\n"
        "1. Services. The Consultant shall give notice of any conflict. The indemnity described in the "
        "Plan does not apply. No lock-up applies to this Agreement.\n\n"
        "2. Term. This Agreement may be terminated by either party upon thirty (30) days' written notice.\n"
    )
    assert "notices" not in got and "indemnification" not in got
    assert "lockup" not in got
    assert got["termination"].section == "2"


def test_batch_sample_has_no_offering_provisions():
    batch = CORPUS / "batch"
    if not batch.exists():
        pytest.skip(f"corpus not found at {batch}")
    files = sorted(batch.glob("*.txt"))[::20]
    seen_general = 0
    for f in files:
        doc = parse_source(load(f))
        got = find_provisions(doc)
        assert not set(got) & OFFERING_KEYS, (f.name, {k: got[k] for k in set(got) & OFFERING_KEYS})
        seen_general += len(got)
    assert seen_general  # ordinary provisions are still found there


@pytest.mark.parametrize(
    "name,section,line",
    [
        # Juniper 7(h) line 1055: "(i) a suspension or material limitation in trading ... makes it
        # impracticable or inadvisable to proceed" (the market-out is a condition)
        ("juniper", "7(h)", 1055),
        # CommVault 7(c): "(iv) any material suspension or material limitation of trading ..."
        ("commvault", "7(c)", 1358),
        # Metricom line 1713: "9. Termination. The obligations of the Underwriters hereunder may be
        # terminated by the Underwriters by notice ..."
        ("metricom", "9", 1713),
    ],
)
def test_termination_is_the_market_out(name, section, line):
    hit = _provisions(name)["termination"]
    assert (hit.section, hit.line) == (section, line), hit


def test_default_clause_termination_is_not_a_market_out():
    sample = Path(__file__).resolve().parents[1] / "examples" / "sample-underwriting-agreement.txt"
    got = find_provisions(parse_source(load(sample)))
    # 7(b): "this Agreement shall terminate without liability on the part of any non-defaulting Underwriter"
    assert "termination" not in got
    assert "underwriter_default" in got


def test_net_exercise_formula_only_from_the_formula():
    head = ("WARRANT TO PURCHASE SHARES OF COMMON STOCK\n\nWarrant No. W-1. This Warrant is one Warrant of a series; any "
            "Warrant issued upon transfer or\nexchange of this Warrant is a Warrant of the same series.\n\n")
    right = ("1. Exercise.\n\n(b) Net Exercise. In lieu of exercising this Warrant for cash, the Holder may elect to "
             "receive shares equal to the value of this Warrant by surrender of this Warrant.")
    assert "net_exercise_formula" not in _from_text(head + right + "\n")
    got = _from_text(head + right + " The Company shall issue a number of shares computed using the following "
                     "formula: X = Y(A-B)/A, where X is the number of shares to be issued.\n")
    assert got["net_exercise_formula"].line == 8
