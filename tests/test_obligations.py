"""Obligation extraction: the facts the rule engine evaluates.

The expected values, sections and lines below were read off the seed
agreements themselves (``sed -n LINEp``), not copied from the program's output.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from checker.clauses import parse_phrase
from checker.model import Ratio
from checker.obligations import (
    OFFERING_KINDS,
    extract_obligations,
    iter_sentences,
    ratio_value,
    split_sentences,
    subject_parties,
)
from checker.pipeline import parse_source
from checker.source import decode, load

from conftest import CORPUS
from conftest import SEED_NAMES as SEEDS


def _seed(name: str) -> Path:
    p = CORPUS / "seeds" / SEEDS[name]
    if not p.exists():
        pytest.skip(f"corpus not found at {p} (expected ../shared/corpus beside the repository)")
    return p


_CACHE: dict[str, tuple] = {}


def _obligations(name: str):
    if name not in _CACHE:
        doc = parse_source(load(_seed(name)))
        _CACHE[name] = (doc, extract_obligations(doc))
    return _CACHE[name]


def _of(obs, kind, **want):
    out = []
    for o in obs:
        if o.kind != kind:
            continue
        if all(getattr(o, k) == v for k, v in want.items()):
            out.append(o)
    return out


def _one(obs, kind, **want):
    got = _of(obs, kind, **want)
    assert len(got) == 1, f"expected one {kind} {want}, got {[(o.section, o.line, o.value) for o in _of(obs, kind)]}"
    return got[0]


def _from_text(text: str):
    doc = parse_source(decode(text.encode(), "<test>"))
    return extract_obligations(doc)


# ---------------------------------------------------------------------------
# Juniper Networks underwriting agreement (seeds/000)
# ---------------------------------------------------------------------------


def test_juniper_lockups():
    _, obs = _obligations("juniper")
    locks = _of(obs, "lockup")
    assert len(locks) == 2
    ss = _one(obs, "lockup", section="1(b)(iv)")
    assert (ss.line, ss.value, ss.unit, ss.party) == (356, 90, "day", "selling_stockholders")
    assert ss.anchor == "after the date of the Prospectus"
    co = _one(obs, "lockup", section="5(e)")
    assert (co.line, co.value, co.unit, co.party) == (625, 90, "day", "company")
    assert "90 days after the date of the Prospectus" in co.quote


def test_juniper_option():
    _, obs = _obligations("juniper")
    size = _one(obs, "option_size", section="2")
    assert (size.line, size.value, size.unit) == (482, 750000, "shares")
    assert size.party == "company+selling_stockholders"
    # the preamble defines the same 750,000 "Optional Shares"
    pre = _one(obs, "option_size", section=None)
    assert (pre.line, pre.value) == (39, 750000)
    ex = _one(obs, "option_exercise_window")
    assert (ex.section, ex.line, ex.value, ex.unit) == ("2", 489, 30, "calendar_day")
    assert ex.anchor == "after the date of this Agreement"
    dl = _one(obs, "option_delivery_window")
    assert (dl.section, dl.line, dl.min, dl.value, dl.unit) == ("2", 494, 2, 10, "business_day")
    assert dl.anchor == "after the date of such notice"


def test_juniper_option_portions_and_firm_size():
    _, obs = _obligations("juniper")
    assert {(o.party, o.value) for o in _of(obs, "option_size_portion")} == {
        ("company", 272564),
        ("selling_stockholders", 477436),
    }
    firm = _one(obs, "firm_size")
    assert firm.value == 5000000 and firm.line == 37


def test_juniper_default_clause():
    _, obs = _obligations("juniper")
    th = _of(obs, "default_threshold")
    assert [(o.section, o.line) for o in th] == [("9(b)", 1308), ("9(c)", 1322)]
    for o in th:
        assert math.isclose(o.value, 1 / 11) and o.unit == "ratio" and o.as_written == "one-eleventh"
    cure = _of(obs, "default_cure_period")
    assert [(o.section, o.line, o.value, o.unit) for o in cure] == [("9(a)", 1286, 36, "hour"), ("9(a)", 1288, 36, "hour")]
    assert [o.party for o in cure] == ["representatives", "company+selling_stockholders"]
    post = _one(obs, "closing_postponement")
    assert (post.section, post.line, post.value, post.unit) == ("9(a)", 1296, 7, "day")
    assert "postpone a Time of Delivery" in post.quote


def test_juniper_deadlines_and_boilerplate():
    _, obs = _obligations("juniper")
    f = _one(obs, "filing_deadline")
    assert (f.section, f.line, f.value, f.unit) == ("5(a)", 556, 2, "business_day")
    assert f.anchor == "following the execution and delivery of this Agreement"
    e = _one(obs, "earnings_statement_deadline")
    assert (e.section, e.line, e.value, e.unit) == ("5(d)", 617, 18, "month")
    g = _one(obs, "governing_law")
    assert (g.section, g.line, g.value) == ("15", 1405, "New York")
    c = _one(obs, "counterparts")
    assert (c.section, c.line) == ("16", 1408)
    s = _one(obs, "survival")
    assert s.section == "10" and "delivery of and payment for the Shares" in s.value


# ---------------------------------------------------------------------------
# CommVault underwriting agreement (seeds/003)
# ---------------------------------------------------------------------------


def test_commvault_lockup_and_extension():
    _, obs = _obligations("commvault")
    lock = _one(obs, "lockup")
    assert (lock.section, lock.line, lock.value, lock.unit, lock.party) == ("5(i)", 1195, 180, "day", "company")
    ext = _of(obs, "lockup_extension")
    assert [(o.section, o.line, o.value) for o in ext] == [("5(i)", 1213, 17), ("5(i)", 1216, 16), ("5(i)", 1218, 18)]
    assert ext[2].anchor == "beginning on the date of release of the earnings results"


def test_commvault_default_and_option():
    _, obs = _obligations("commvault")
    th = _of(obs, "default_threshold")
    assert [(o.section, o.line) for o in th] == [("9", 2383), ("9", 2393)]
    assert all(math.isclose(o.value, 0.10) for o in th)
    cure = _one(obs, "default_cure_period")
    assert (cure.line, cure.value, cure.unit) == (2397, 36, "hour")
    ex = _one(obs, "option_exercise_window")
    assert (ex.section, ex.line, ex.value, ex.unit) == ("3", 1005, 30, "day")
    assert ex.anchor == "subsequent to the date of the Prospectus"
    dl = _one(obs, "option_delivery_window")
    assert (dl.line, dl.min, dl.value, dl.unit) == (1035, None, 5, "business_day")
    size = _one(obs, "option_size")
    assert (size.line, size.value) == (41, 1666667)
    assert _one(obs, "firm_size").value == 11111111


def test_commvault_deadlines():
    _, obs = _obligations("commvault")
    assert [(o.section, o.line, o.value) for o in _of(obs, "filing_deadline")] == [
        ("5(a)", 1061, 2),
        ("5(b)", 1069, 2),
        ("5(b)", 1070, 15),
    ]
    # "not later than the Availability Date", defined in the next sentence as the 45th (or 90th) day
    es = _of(obs, "earnings_statement_deadline")
    assert [(o.section, o.line, o.value, o.unit) for o in es] == [("5(e)", 1142, 45, "day"), ("5(e)", 1145, 90, "day")]
    g = _one(obs, "governing_law")
    assert (g.section, g.value) == ("17", "New York")
    j = _one(obs, "jurisdiction")
    assert j.line == 2549 and "Borough of Manhattan" in j.value and j.as_written.startswith("non-exclusive")
    assert _one(obs, "counterparts").line == 2506


# ---------------------------------------------------------------------------
# Metricom shelf underwriting agreement (seeds/004)
# ---------------------------------------------------------------------------


def test_metricom_option_and_default():
    _, obs = _obligations("metricom")
    ex = _one(obs, "option_exercise_window")
    assert (ex.section, ex.line, ex.value, ex.unit) == ("3(b)", 723, 30, "day")
    assert ex.anchor == "after the date of the applicable Terms Agreement"
    dl = _one(obs, "option_delivery_window")
    assert (dl.section, dl.min, dl.value, dl.unit) == ("3(b)", 2, 5, "business_day")
    assert dl.line == 732
    th = _one(obs, "default_threshold")
    assert (th.section, th.line) == ("8", 1679) and math.isclose(th.value, 0.0909)
    cap = _one(obs, "default_purchase_cap")
    assert (cap.section, cap.line) == ("8", 1681) and math.isclose(cap.value, 1.10)
    post = _one(obs, "closing_postponement")
    assert (post.section, post.line, post.value, post.unit) == ("8", 1708, 7, "business_day")


def test_metricom_lockup_left_to_terms_agreement():
    _, obs = _obligations("metricom")
    locks = _of(obs, "lockup")
    assert [(o.section, o.line, o.party) for o in locks] == [("4(i)", 876, "issuers"), ("4(i)", 926, "officers_directors")]
    for o in locks:
        assert o.value is None
        assert "the applicable Terms Agreement" in o.as_written


def test_metricom_deadlines():
    _, obs = _obligations("metricom")
    f = _one(obs, "filing_deadline")
    assert (f.section, f.line, f.value, f.unit, f.party) == ("4(a)", 764, 2, "business_day", "issuers")
    es = _of(obs, "earnings_statement_deadline")
    assert [(o.line, o.value) for o in es] == [(838, 410), (841, 455)]
    g = _one(obs, "governing_law")
    assert (g.section, g.line, g.value) == ("15", 1800, "New York")
    cd = _one(obs, "closing_date")
    assert (cd.section, cd.line, cd.value, cd.unit) == ("3(a)", 706, 3, "business_day")


# ---------------------------------------------------------------------------
# Juniper warrant (seeds/002)
# ---------------------------------------------------------------------------


def test_warrant_terms():
    _, obs = _obligations("warrant")
    # the title (line 16, "20,381 SHARES") and the grant (line 25, "(20,381)")
    sh = _of(obs, "warrant_shares")
    assert [(o.line, o.value, o.unit) for o in sh] == [(16, 20381, "shares"), (25, 20381, "shares")]
    pr = _one(obs, "warrant_exercise_price")
    assert (pr.line, pr.value, pr.unit) == (27, 8.93, "usd")
    exp = _of(obs, "warrant_expiration")
    assert {o.value for o in exp} == {"2003-12-15"} and all(o.unit == "date" for o in exp)
    assert [o.line for o in exp] == [20, 29]
    ne = _one(obs, "net_exercise")
    assert (ne.section, ne.line) == ("1(b)", 77)
    pp = _one(obs, "pricing_period")
    assert (pp.section, pp.line, pp.value, pp.unit) == ("1(c)", 92, 10, "trading_day")


def test_warrant_notices_and_reports():
    _, obs = _obligations("warrant")
    dg = _one(obs, "notice_deemed_given")
    assert (dg.section, dg.line, dg.value, dg.unit) == ("12", 404, 3, "business_day")
    assert "deposit in the United States mail" in dg.anchor
    np_ = _of(obs, "notice_period")
    assert [(o.line, o.value, o.unit, o.party) for o in np_] == [(317, 20, "day", "company"), (324, 20, "day", "company")]
    assert all(o.section.startswith("4.6") for o in np_)
    rd = _of(obs, "reporting_deadline")
    assert [(o.section, o.line, o.value, o.unit) for o in rd] == [("18.7", 531, 120, "day"), ("18.7", 534, 45, "day")]
    assert "fiscal year" in rd[0].anchor and "fiscal quarter" in rd[1].anchor
    assert _one(obs, "governing_law").value == "California"


# ---------------------------------------------------------------------------
# Every obligation: quotes, positions, no offering facts in a warrant
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SEEDS))
def test_quotes_and_positions(name):
    doc, obs = _obligations(name)
    assert obs
    for o in obs:
        assert o.quote and len(o.quote) <= 201, o
        assert "  " not in o.quote and "\n" not in o.quote
        assert 1 <= o.line <= doc.source.line_count and o.column >= 1
        if o.kind in ("lockup", "option_size", "default_threshold", "default_cure_period", "filing_deadline"):
            if o.value is not None:
                # line and column point at the words that state the value
                first = o.as_written.split()[0]
                assert doc.source.line_text(o.line)[o.column - 1 :].startswith(first), (o, first)
    assert obs == sorted(obs, key=lambda o: (o.line, o.column, o.kind))


def test_warrant_has_no_offering_facts():
    _, obs = _obligations("warrant")
    assert not [o for o in obs if o.kind in OFFERING_KINDS]


def test_deterministic():
    doc, obs = _obligations("juniper")
    assert extract_obligations(doc) == obs


# ---------------------------------------------------------------------------
# Small texts
# ---------------------------------------------------------------------------


def test_sentences_carry_their_nodes_and_section():
    doc, _ = _obligations("juniper")
    hits = [s for s in iter_sentences(doc) if "one-eleventh" in s.text]
    assert [s.number for s in hits] == ["9(b)", "9(c)"]
    for s in hits:
        ratios = s.of(Ratio)
        assert len(ratios) == 1 and ratios[0].node.text == "one-eleventh"
        assert s.view.text[ratios[0].start : ratios[0].end] == "one-eleventh"
        # page furniture ("19", "20") never shows in a sentence
        assert "\n   20\n" not in s.text


def test_split_sentences_keeps_abbreviations():
    text = (
        "Juniper Networks, Inc. and Goldman, Sachs & Co. agree. The U.S. Securities and "
        "Exchange Commission (File No. 333-1) and Section 9.09 apply. Louis F. Miceli signs. "
        "See Schedule A. The end."
    )
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == [
        "Juniper Networks, Inc. and Goldman, Sachs & Co. agree.",
        "The U.S. Securities and Exchange Commission (File No. 333-1) and Section 9.09 apply.",
        "Louis F. Miceli signs.",
        "See Schedule A.",
        "The end.",
    ]


@pytest.mark.parametrize(
    "phrase,value",
    [("one-eleventh", 1 / 11), ("9.09%", 0.0909), ("110%", 1.10), ("10%", 0.10)],
)
def test_ratio_normalised(phrase, value):
    r = [n for n in parse_phrase(f"does not exceed {phrase} of the total") if isinstance(n, Ratio)]
    assert r and math.isclose(ratio_value(r[0]), value)


def test_subject_parties():
    assert [p for _, _, p in subject_parties("The Company and the Selling Stockholders shall have the right")] == [
        "company+selling_stockholders"
    ]
    assert [p for _, _, p in subject_parties("The Issuers or the Company, as applicable, agree:")] == ["issuers"]
    assert [p for _, _, p in subject_parties('Juniper Networks, Inc. (the "Company"), proposes to sell')] == ["company"]
    assert subject_parties("securities of the Company that are similar") == []


def test_lockup_in_a_short_agreement():
    obs = _from_text(
        "UNDERWRITING AGREEMENT\n\n"
        "1. The Company agrees that, for a period of 180 days after the date of the Prospectus, it will not "
        "offer, sell, contract to sell or otherwise dispose of any shares of Common Stock without the consent "
        "of the Underwriters.\n\n"
        "2. This Agreement shall be governed by the laws of the State of Delaware.\n"
    )
    lock = _one(obs, "lockup")
    assert (lock.value, lock.unit, lock.party, lock.line) == (180, "day", "company", 3)
    assert _one(obs, "governing_law").value == "Delaware"


def test_employment_wording_is_not_an_offering():
    obs = _from_text(
        "EMPLOYMENT AGREEMENT\n\n"
        "1. The Executive shall be granted an option to purchase 100,000 shares of Common Stock, exercisable "
        "within 30 days after the date of termination. If the Company shall default in any payment for 10 "
        "days, the Executive may terminate this Agreement upon 30 days' prior written notice.\n\n"
        "2. The Executive shall not sell, pledge or otherwise dispose of any such shares except as permitted "
        "by the Plan.\n"
    )
    assert not [o for o in obs if o.kind in OFFERING_KINDS]
    assert _one(obs, "notice_period").value == 30


# ---------------------------------------------------------------------------
# The batch corpus: agreements that are not offerings get no offering facts
# ---------------------------------------------------------------------------


def test_batch_sample_has_no_offering_facts():
    batch = CORPUS / "batch"
    if not batch.exists():
        pytest.skip(f"corpus not found at {batch}")
    files = sorted(batch.glob("*.txt"))[::20]
    assert files
    for f in files:
        obs = extract_obligations(parse_source(load(f)))
        bad = [(o.kind, o.line, o.quote[:80]) for o in obs if o.kind in OFFERING_KINDS]
        assert not bad, (f.name, bad)


# ---------------------------------------------------------------------------
# facts the offering rules read: definitions, warrant dates and counts, net
# exercise, lock-up wording, extensions without a period
# ---------------------------------------------------------------------------


def _doc_obs(text: str):
    doc = parse_source(decode(text.encode(), "<test>"))
    return doc, extract_obligations(doc)


def test_business_day_definitions_with_their_words():
    from checker.obligations import extract_definitions

    # Juniper 14 (line 1401-1403): 'the term "business day" shall mean any day when the
    # Commission's office in Washington, D.C. is open for business.'
    doc, _ = _obligations("juniper")
    defs = [d for d in extract_definitions(doc) if d["term"].lower() == "business day"]
    assert len(defs) == 1
    d = defs[0]
    assert (d["section"], d["line"], d["form"]) == ("14", 1401, "means")
    assert d["meaning"] == "any day when the commission's office in washington, d.c. is open for business"
    assert d["quote"].startswith('the term "business day" shall mean any day')
    # 4(b) line 547: "New York Business Day" defined for the purposes of Section 4 only
    ny = [d for d in extract_definitions(doc) if d["term"] == "New York Business Day"]
    assert ny and ny[0]["scope"] == "For the purposes of this Section 4"
    # Metricom 14 (line 1794): '(a) "business day" means each Monday, ... to close and (b) "Subsidiary" ...'
    doc, _ = _obligations("metricom")
    bd = [d for d in extract_definitions(doc) if d["term"].lower() == "business day"]
    assert bd[0]["line"] == 1794 and bd[0]["meaning"].endswith("executive order to close")


def test_juniper_warrant_dates_and_counts():
    _doc, obs = _obligations("warrant")
    # line 544: "... duly authorized this 30 day of September, 1997" (the testimonium)
    issue = _of(obs, "warrant_issue_date")
    assert [(o.value, o.line, o.column) for o in issue] == [("1997-09-30", 544, 53)]
    # line 16 title "20,381 SHARES"; line 25 "Twenty Thousand Three Hundred Eighty-one (20,381)"
    shares = _of(obs, "warrant_shares")
    assert {(o.line, o.value) for o in shares} == {(16, 20381.0), (25, 20381.0)}
    # lines 28-29: "up to and including 5:00 p.m. (Pacific time) on December 15, 2003"
    assert ("2003-12-15", 29) in {(o.value, o.line) for o in _of(obs, "warrant_expiration")}
    # 1(b) line 77: "The Holder, in lieu of exercising this Warrant ..."
    assert [(o.section, o.line) for o in _of(obs, "net_exercise")] == [("1(b)", 77)]


WARRANT_HEAD = (
    "WARRANT TO PURCHASE SHARES OF COMMON STOCK\n\n"
    "Warrant No. W-1. This Warrant is one Warrant of a series; any Warrant issued upon transfer or\n"
    "exchange of this Warrant is a Warrant of the same series.\n\n"
)


def test_warrant_expiration_before_a_time_of_day():
    _doc, obs = _doc_obs(
        WARRANT_HEAD + "1. Term. This Warrant is exercisable in whole or in part at any time before 5:00 p.m., "
        "New York City time, on March 1, 2012, for 5,000 shares of Common Stock.\n"
    )
    assert [o.value for o in _of(obs, "warrant_expiration")] == ["2012-03-01"]


def test_net_exercise_right_without_formula():
    _doc, obs = _doc_obs(
        WARRANT_HEAD + "1. Exercise.\n\n(b) Net Exercise. In lieu of exercising this Warrant for cash, the Holder may "
        "elect to receive shares equal to the value of this Warrant by surrender of this Warrant.\n"
    )
    assert [o.party for o in _of(obs, "net_exercise")] == ["holder"]


def test_will_not_lockup_forms():
    _doc, obs = _doc_obs(
        "UNDERWRITING AGREEMENT\n\nThe Underwriters, the Representatives and the Company agree as follows.\n\n"
        "5. Covenants.\n\n(e) The Company will not, without the prior written consent of the Representatives, offer, "
        "sell, contract to sell, pledge or otherwise dispose of any shares of Common Stock for a period of 180 days "
        "after the date of the Prospectus.\n\n"
        "(f) The Company agrees that, without the prior written consent of the Representatives, it will not, during "
        "the period ending 90 days after the date of the Prospectus, offer, sell or otherwise dispose of any shares "
        "of Common Stock.\n"
    )
    got = [(o.party, o.value, o.anchor) for o in _of(obs, "lockup")]
    assert got == [
        ("company", 180.0, "after the date of the Prospectus"),
        ("company", 90.0, "after the date of the Prospectus"),
    ]


def test_lockup_letter_form():
    _doc, obs = _doc_obs(
        "UNDERWRITING AGREEMENT\n\nThe Underwriters and the Representatives.\n\n"
        "1. Lock-Up. The undersigned will not, during the period ending 180 days after the date of the Prospectus, "
        "offer, sell, contract to sell, pledge or otherwise dispose of any shares of Common Stock.\n"
    )
    assert [(o.party, o.value) for o in _of(obs, "lockup")] == [("undersigned", 180.0)]


def test_lockup_extension_without_a_period():
    text = (
        "UNDERWRITING AGREEMENT\n\nThe Underwriters and the Representatives.\n\n"
        "5. Covenants.\n\n(i) If during the last 17 days of the lock-up period the Company issues an earnings "
        "release, the lock-up period shall be extended.\n"
    )
    _doc, obs = _doc_obs(text)
    ext = _of(obs, "lockup_extension")
    assert None in [o.value for o in ext] and 17.0 in [o.value for o in ext]
    # with the period after the extending words there is no period-less extension
    _doc, obs = _doc_obs(text.replace("shall be extended.", "shall be extended until the expiration of the "
                                        "18-day period beginning on the issuance of the earnings release."))
    assert None not in [o.value for o in _of(obs, "lockup_extension")]


def test_lockup_stated_twice_changed_in_one_place():
    """Juniper's underwriting agreement states a 90-day lock-up twice: for the
    selling stockholders in 1(b)(iv) (line 356) and for the Company in 5(e) (line
    625).  Changing one of them is reported by LOCK003 with both places."""
    from pathlib import Path

    import pytest

    from checker.pipeline import check_text
    from checker.policy import Config

    path = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds" / "000_7b6e6863a5071932.txt"
    if not path.is_file():
        pytest.skip(f"corpus not found at {path.parent}")
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    assert "90 days" in lines[355] and "90 days" in lines[624]
    orig = check_text("\n".join(lines), path="seed000", settings=Config())
    assert "LOCK003" not in {f.code for f in orig.findings}
    lines[624] = lines[624].replace("90 days", "60 days")
    res = check_text("\n".join(lines), path="seed000", settings=Config())
    hits = [f for f in res.findings if f.code == "LOCK003"]
    assert len(hits) == 1 and hits[0].line == 625 and [r.line for r in hits[0].related] == [356]


_AGENCY = """AGENCY AGREEMENT

This Agency Agreement is made among Example Bancorp, Inc. (the "Company"), Example
Savings Bank (the "Bank") and Example Capital Markets, LLC (the "Agent"), for the Subscription Offering described in the Prospectus.
Section 5. Covenants of the Company.

(k) The Company will not, for a period of {company} days after the Closing Date, without
the prior written consent of the Agent, sell, contract to sell or otherwise dispose of any
shares of Common Stock.

(l) The Company will cause each of its directors and executive officers to agree not to
sell, contract to sell or otherwise dispose of any shares of Common Stock for a period of
{insiders} days after the Closing Date without the prior written consent of the Agent.
"""


def test_agency_lockups_that_differ_are_reported():
    from checker.pipeline import check_text
    from checker.policy import Config

    same = check_text(_AGENCY.format(company=90, insiders=90), path="agency.txt", settings=Config())
    assert same.doc_type == "agency_agreement"
    assert "LOCK003" not in {f.code for f in same.findings}
    text = _AGENCY.format(company=90, insiders=180)
    lines = text.split("\n")
    company = next(i for i, ln in enumerate(lines, 1) if "90 days" in ln)
    insiders = next(i for i, ln in enumerate(lines, 1) if "180 days" in ln)
    differ = check_text(text, path="agency.txt", settings=Config())
    hits = [f for f in differ.findings if f.code == "LOCK003"]
    assert len(hits) == 1 and {hits[0].line, *[r.line for r in hits[0].related]} == {company, insiders}


def test_sentence_index_finds_the_sentence_in_a_long_paragraph():
    # one paragraph of many sentences (a definitions list run together): the
    # sentence holding each offset, as a scan of the clause's sentences finds it
    from checker.obligations import SentenceIndex, TextView

    text = "1. Definitions. " + " ".join(f'"Term{i} Value" means the value of Term{i}.' for i in range(300)) + "\n"
    doc = parse_source(decode(text.encode(), "<t>"))
    view = TextView.of(doc)
    index = SentenceIndex.of(doc, view)
    seen = 0
    for pos in range(0, len(view.text), 7):
        got = index.at(pos)
        k = next(j for j, c in enumerate(index._clauses) if c[0] <= view.to_source(pos) < c[1]) if any(
            c[0] <= view.to_source(pos) < c[1] for c in index._clauses) else None
        want = None if k is None else next((s for s in index._sentences(k) if s.start <= pos < s.end), None)
        assert got is want, pos
        seen += got is not None
    assert seen > 300
    assert index.at(view.text.index("Term150 Value")).text.startswith('"Term150 Value" means')


def test_a_quoted_term_takes_its_words_after_the_term_before_it():
    from checker.obligations import extract_definitions
    from checker.pipeline import parse_source
    from checker.source import decode

    text = ("UNDERWRITING AGREEMENT\n\n1. Terms. In this Agreement the words \u201cShares\u201d \u201cSecurities\u201d "
            "and \u201cStock\u201d are used alike.\n")
    defs = {d["term"]: d for d in extract_definitions(parse_source(decode(text.encode(), "terms.txt")))}
    assert defs["Shares"]["meaning"] == "in this agreement the words"
    # the words before "Securities" and "Stock" go back no further than the term
    # before each (they used to run back to the sentence's start, through every
    # term before)
    assert defs["Securities"]["meaning"] == "\u201cshares\u201d"
    assert defs["Stock"]["meaning"] == "\u201csecurities\u201d and"
    assert defs["Stock"]["quote"] == "\u201cSecurities\u201d and \u201cStock\u201d"


def test_a_definition_that_means_ends_where_the_next_begins():
    from checker.obligations import extract_definitions
    from checker.pipeline import parse_source
    from checker.source import decode

    text = ("UNDERWRITING AGREEMENT\n\n1. Terms. \u201cLoans\u201d means the revolving loans and the term loans, "
            "and \u201cLoan\u201d means any of such loans. \u201cLRR\u201d or \u201cLRRA\u201d means the reserve "
            "adjusted rate.\n")
    defs = {d["term"]: d for d in extract_definitions(parse_source(decode(text.encode(), "loans.txt")))}
    # one sentence, two definitions: the words of "Loans" stop before "Loan" (they
    # used to run on to the sentence's end and hold the other definition)
    assert defs["Loans"]["meaning"] == "the revolving loans and the term loans, and"
    assert defs["Loan"]["meaning"] == "any of such loans"
    # two terms joined by "or" share the words after them
    assert defs["LRR"]["meaning"] == defs["LRRA"]["meaning"] == "the reserve adjusted rate"


def test_a_line_of_many_quoted_terms_is_read_in_linear_time(tmp_path):
    # Each quoted term's words used to run back to the start of its part of the
    # sentence, so one line of n terms cost n squared (20,000 terms: 20 s, and
    # their words alone hundreds of megabytes).  A hang guard in a child process,
    # far above the time the check takes (about 3 s for 40,000 terms).
    from conftest import check_in_child

    p = tmp_path / "terms.txt"
    # (and a line of 20,000 definitions that "mean": the search for a scope,
    # "For the purposes of this Section", read the sentence up to each one)
    p.write_text("UNDERWRITING AGREEMENT\n\n1. Sale. The Company agrees to sell.\n"
                 + " ".join(["\u201cTerm\u201d"] * 40000) + "\n\n2. Terms.\n"
                 + " ".join(["\u201cWord\u201d means a thing,"] * 20000) + "\n", encoding="utf-8")
    errors, definitions = check_in_child(p, "len(r.errors), len(r.definitions)", timeout=60)
    assert errors == 0 and definitions == 60000


# ---------------------------------------------------------------------------
# A clause is passed over before it is split only when no reader could take any of its sentences
# ---------------------------------------------------------------------------


def test_clause_passed_over_only_when_no_reader_would_take_a_sentence(monkeypatch):
    from checker import obligations as ob

    readers = ("_lockups", "_option_and_size", "_option_windows", "_default_clause", "_postponement", "_filing_deadline",
               "_earnings_statement", "_reporting", "_notices", "_closing_date", "_warrant", "_pricing_period", "_boilerplate")
    called: list[str] = []
    for name in readers:
        monkeypatch.setattr(ob, name, lambda *a, _n=name: called.append(_n))
    checked = 0
    for name in ("juniper", "warrant", "commvault"):
        doc = parse_source(load(_seed(name)))
        view = ob.TextView.of(doc)
        ctx = ob._Ctx(doc, view)
        low = view.lower
        assert len(low) == len(view.text)
        for s0, e0, sec, parents, clause in ob._clause_rows(doc, view):
            a, b = view.to_clean(s0), view.to_clean(e0)
            if b <= a or ob._may_dispatch(ctx, low[a:b], {type(n) for n in clause.nodes}):
                continue
            checked += 1
            for s in ob._clause_sentences(view, sec, parents, a, b, clause):
                ob._dispatch(ctx, s, {type(p.node) for p in s.nodes})
            assert called == [], (sec.number, called)
    assert checked > 20
