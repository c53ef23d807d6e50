"""The offering rule packs (LOCK, OPT, DFLT, DEAD, WARR, MISS) on real agreements.

Expected findings were checked against the documents' text:

* the sample agreement (examples/sample-underwriting-agreement.txt; its defects
  are listed in examples/README.md);
* the four seed agreements (../shared/corpus/seeds): Juniper Networks' 1999
  underwriting agreement (000), a Juniper warrant (002), CommVault's 2006 IPO
  underwriting agreement (003) and Metricom's 2000 shelf underwriting agreement
  (004).

Plus the python rule functions of checker.offering_rules on hand-made facts.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from checker import offering_rules as orules
from checker.policy import Config, Policy

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-underwriting-agreement.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = CORPUS / "seeds"
FAMILIES = ("LOCK", "OPT", "DFLT", "DEAD", "WARR", "MISS")

_CACHE: dict[str, list] = {}


def offering_findings(path: Path) -> list[tuple[str, int]]:
    """(code, line) of the offering-pack findings of one document."""
    key = str(path)
    if key not in _CACHE:
        from checker.pipeline import check_file

        res = check_file(str(path), settings=Config())
        assert not [e for e in res.errors if e.stage == "rules"], res.errors
        _CACHE[key] = sorted((f.code, f.line) for f in res.findings if f.code.startswith(FAMILIES))
    return _CACHE[key]


def codes(path: Path) -> set[str]:
    return {c for c, _l in offering_findings(path)}


def seed(name: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    matches = sorted(SEEDS.glob(name + "_*.txt"))
    if not matches:
        pytest.skip(f"seed {name} not in {SEEDS}")
    return matches[0]


# ---------------------------------------------------------------------------
# the sample agreement
# ---------------------------------------------------------------------------


def test_sample_offering_findings():
    found = offering_findings(SAMPLE)
    expected = {
        ("OPT001", 22),   # 200,000 Optional Shares against 1,000,000 Firm Shares (preamble)
        ("OPT001", 42),   # ... and again in 2(b)
        ("DEAD001", 33),  # 1: Rule 424(b) filing by the fifth business day
        ("OPT002", 46),   # 2(b): forty-five (45) calendar days
        ("OPT005", 50),   # 2(b): "earlier than ten or later than two business days"
        ("LOCK001", 62),  # 3(a): Company lock-up of 60 days
        ("LOCK001", 68),  # 3(b): officers and directors, ninety (90) days
        ("LOCK003", 68),  # 60 days against 90 days
        ("DFLT002", 94),  # 7(a) one-eleventh, 7(b) 10%
    }
    assert expected <= set(found), found
    # no counterparts, contribution or survival clause; 7(b) gives no period for substitutes
    assert {"MISS002", "MISS005", "MISS006", "DFLT005"} <= codes(SAMPLE)
    # no market-out: 7(b)'s "this Agreement shall terminate" follows a default of underwriters;
    # business days counted (1, 2(b)) but "business day" is not defined
    assert ("MISS007", 7) in found and ("DEAD003", 33) in found


def test_sample_present_provisions_not_reported_missing():
    # 5 Indemnification, 7 Default of Underwriters, 8 Governing Law, 9 Notices, 4 Conditions
    assert not codes(SAMPLE) & {"MISS001", "MISS003", "MISS004", "MISS008", "DFLT001", "LOCK002"}


def test_sample_earnings_statement_not_late():
    # 3(c) reads "sixteen (18) months" (a words/numeral defect for NUM001); either figure
    # is within the 18 months Rule 158 allows
    assert "DEAD002" not in codes(SAMPLE)


# ---------------------------------------------------------------------------
# the seeds
# ---------------------------------------------------------------------------


def test_juniper_underwriting_agreement():
    p = seed("000")
    found = offering_findings(p)
    # 1(b)(iv) selling stockholders and 5(e) the Company: 90 days after the Prospectus,
    # short of the 180-day IPO policy
    assert ("LOCK001", 356) in found and ("LOCK001", 625) in found
    c = codes(p)
    # 9(b) and 9(c) both say one-eleventh; 750,000 = 272,564 + 477,436 = 15% of 5,000,000;
    # option closing two to ten business days; 424(b) by the second business day; earnings
    # statement within eighteen months; both lock-ups 90 days
    assert not c & {"DFLT002", "DFLT004", "OPT001", "OPT003", "OPT004", "OPT005", "OPT006", "DEAD001", "DEAD002", "LOCK003"}
    assert not any(x.startswith("MISS") for x in c)


def test_juniper_warrant():
    # 20,381 shares in the title and the grant, at $8.93 until December 15, 2003, issued
    # September 30, 1997; net exercise in 1(b) with its formula.  12: notices deemed given
    # "three business days after deposit in the United States mail" (line 404), and the
    # warrant does not define "business day"
    assert offering_findings(seed("002")) == [("DEAD003", 404)]


def test_commvault_underwriting_agreement():
    # 180-day lock-up with the 17/16/18-day earnings-release extension; 10% default
    # threshold (accepted); 424(b) by the second business day, or the fifteenth business
    # day after the Effective Date (Rule 430A); earnings statement by the 45th/90th day
    # after the fourth fiscal quarter; option 1,666,667 of 11,111,111 firm shares; the
    # market-out is condition 7(c).  Section 3 (line 1035) counts the option closing in
    # "five full business days", and the agreement does not define "business day"
    assert offering_findings(seed("003")) == [("DEAD003", 1035)]


def test_metricom_shelf_agreement():
    p = seed("004")
    found = offering_findings(p)
    c = codes(p)
    # 9.09% threshold with a 110% cap: coherent
    assert "DFLT003" not in c and "DFLT004" not in c
    # 4(i): the lock-up is "a period specified in the applicable Terms Agreement"
    assert ("LOCK005", 876) in found
    # section 8 gives no period for arranging substitute underwriters
    assert "DFLT005" in c
    # a shelf base agreement: no IPO lock-up requirement; 410/455 days earnings statement
    assert not c & {"LOCK002", "LOCK001", "DEAD002", "DEAD001"}
    assert not any(x.startswith("MISS") for x in c)


# ---------------------------------------------------------------------------
# the python rule functions on facts
# ---------------------------------------------------------------------------


def ob(i, kind, **kw):
    return dict(id=f"ob{i}", type="obligation", kind=kind, line=i, column=1, **kw)


def test_filing_deadline_limits_by_anchor():
    facts = [
        ob(1, "filing_deadline", value=3, unit="business_day", anchor="following the date hereof"),
        ob(2, "filing_deadline", value=15, unit="business_day", anchor="after the Effective Date of the Registration Statement"),
        ob(3, "filing_deadline", value=16, unit="business_day", anchor="after the effective date"),
        ob(4, "filing_deadline", value=5, unit="business_day", anchor="after first use", quote="pursuant to Rule 424(b)(3) not later than the fifth business day"),
    ]
    got = [f["primary"] for f in orules.prospectus_filing_late(facts, None, Policy())]
    assert got == ["ob1", "ob3"]


def test_earnings_statement_limits_by_anchor():
    facts = [
        ob(1, "earnings_statement_deadline", value=18, unit="month", anchor="after the effective date of the Registration Statement"),
        ob(2, "earnings_statement_deadline", value=19, unit="month", anchor="after the effective date of the Registration Statement"),
        ob(3, "earnings_statement_deadline", value=455, unit="day", anchor="after the end of the current fiscal quarter"),
        ob(4, "earnings_statement_deadline", value=500, unit="day", anchor="after the end of the current fiscal quarter"),
        ob(5, "earnings_statement_deadline", value=90, unit="day", anchor="after the end of such fourth fiscal quarter"),
        ob(6, "earnings_statement_deadline", value=120, unit="day", anchor="after the end of the fourth fiscal quarter following"),
    ]
    got = [f["primary"] for f in orules.earnings_statement_late(facts, None, Policy())]
    assert got == ["ob2", "ob4", "ob6"]


def test_option_portions():
    parts = [ob(1, "option_size_portion", party="company", value=272564), ob(2, "option_size_portion", party="selling_stockholders", value=477436)]
    assert orules.option_portions_mismatch(parts + [ob(3, "option_size", value=750000)], None, Policy()) == []
    bad = orules.option_portions_mismatch(parts + [ob(3, "option_size", value=760000)], None, Policy())
    assert [f["primary"] for f in bad] == ["ob3"]
    # one grantor's part alone is not compared
    assert orules.option_portions_mismatch(parts[:1] + [ob(3, "option_size", value=760000)], None, Policy()) == []


def test_business_day_definition_needs_definition_facts():
    users = [ob(1, "filing_deadline", value=2, unit="business_day")]
    assert orules.business_day_definition(users, None, Policy()) == []  # no definition facts: not judged
    other = [{"id": "d1", "type": "definition", "term": "Prospectus"}]
    assert [f["primary"] for f in orules.business_day_definition(users + other, None, Policy())] == ["ob1"]
    two = [
        {"id": "d1", "type": "definition", "term": "business day", "meaning": "a day on which banks in New York are open"},
        {"id": "d2", "type": "definition", "term": "Business Day", "meaning": "a day on which the NYSE is open"},
    ]
    assert [f["primary"] for f in orules.business_day_definition(users + two, None, Policy())] == ["d2"]


def test_warrant_expiry_against_issue_date():
    facts = [ob(1, "warrant_issue_date", value="2025-06-30", unit="date"), ob(2, "warrant_expiration", value="2025-06-30", unit="date")]
    assert [f["primary"] for f in orules.warrant_expires_before_issue(facts, None, Policy())] == ["ob2"]
    facts[1]["value"] = "2030-06-30"
    assert orules.warrant_expires_before_issue(facts, None, Policy()) == []
    assert orules.warrant_expires_before_issue(facts[1:], None, Policy()) == []
