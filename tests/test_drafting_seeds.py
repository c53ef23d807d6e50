"""Drafting checks on the four seed agreements.

Every expected value below was read in the document itself (line numbers are
lines of the original file): the findings a careful associate would make, and
the places where the checks must stay silent.
"""
from __future__ import annotations

import pytest

from checker.drafting import drafting_errors, run_drafting_checks
from checker.pipeline import collect_definitions, collect_references, parse_source
from checker.source import load

from conftest import seed_path

_CACHE: dict[str, tuple] = {}


def findings(name: str):
    if name not in _CACHE:
        doc = parse_source(load(seed_path(name)))
        doc.references, _ = collect_references(doc)
        doc.definitions = collect_definitions(doc)
        found = run_drafting_checks(doc)
        _CACHE[name] = (found, drafting_errors(doc))
    return _CACHE[name]


def of(name: str, code: str):
    return [f for f in findings(name)[0] if f.code == code]


@pytest.mark.parametrize("name", ["juniper", "warrant", "commvault", "metricom"])
def test_no_internal_errors(name):
    assert findings(name)[1] == []


# ---------------------------------------------------------------- the warrant


def test_warrant_survival_clause_names_omitted_section_8():
    # line 395: "Sections 6, 8 and 9 shall survive"; line 379: "8.   [Intentionally omitted]"
    (f,) = of("warrant", "XREF002")
    assert f.line == 395 and "Section 8" in f.message
    assert f.related[0].line == 379 and "Intentionally omitted" in f.related[0].quote


def test_warrant_form_of_subscription_not_attached():
    # lines 32-33: "endorsed with the Form of Subscription attached hereto"; the document ends at the signature
    (f,) = of("warrant", "XREF004")
    assert f.line == 32 and "Form of Subscription" in f.message


def test_warrant_stock_purchase_price_not_defined_in_section_4():
    # lines 152-153: "Stock Purchase Price (as defined in Section 4 hereof)"; defined in the preamble, lines 27-28
    (f,) = of("warrant", "DEF004")
    assert f.line == 152 and "Section 4" in f.message and "preamble" in f.message
    assert f.related[0].line == 27


def test_warrant_notice_list_mixes_numbering_styles():
    # line 403: "(1) upon receipt ... (ii) upon confirmation ... (iii) three business days"
    (f,) = of("warrant", "NUMB002")
    assert f.line == 403 and f.quote == "(1)"


def test_warrant_preferred_stock_written_in_mixed_case():
    # line 81 "Preferred stock", line 207 "preferred Stock"; defined as "Preferred Stock" on line 26
    lines = sorted(f.line for f in of("warrant", "DEF006"))
    assert lines == [81, 207]


def test_warrant_number_words_agree_and_one_jurisdiction():
    # "Twenty Thousand Three Hundred Eighty-one (20,381)", "Eight and 93/100 Dollars ($8.93)",
    # "ten (10)", "one and one-half (1.50)" all agree; the Company is "a California corporation" once only
    assert of("warrant", "NUM001") == []
    assert of("warrant", "PARTY001") == []
    # executed: "By: /s/ Marcel Gani", "Title: CFO"
    assert of("warrant", "BLANK006") == []


# ---------------------------------------------------------------- Metricom


def test_metricom_default_cited_to_termination_section():
    # line 1732 (Section 10): "terminated pursuant to Section 9 by reason of the default";
    # Section 9 is "Termination" (line 1713), defaults are Section 8 "Defaulting Underwriters" (line 1664)
    (f,) = of("metricom", "XREF003")
    assert f.line == 1732 and f.section == "10"
    assert "Section 8" in f.message
    assert {r.line for r in f.related} == {1664, 1713}


def test_metricom_control_persons_cited_to_section_13():
    # line 1779: "within the meaning of Section 13 of the Securities Act" (control persons: Section 15)
    (f,) = of("metricom", "XREF005")
    assert f.line == 1779 and "Section 15" in f.message


def test_metricom_missing_targets():
    found = of("metricom", "XREF001")
    by_line = {f.line: f for f in found}
    # lines 1306-1307, inside Section 6(h): "Subsections (a) and (i) of this Section 7"
    assert "this Section 7" in by_line[1306].message
    # line 1243: "in Section 8(d)(viii) and (ix)" - Section 8 has no subsections
    assert "8(d)(viii)" in by_line[1243].message
    # "42 U.S.C. Section 9601 et seq." and the like are citations of statutes, not references
    assert not any("9601" in f.message for f in found)


def test_metricom_unclosed_parentheses():
    lines = {f.line for f in of("metricom", "NUMB003")}
    assert 1750 in lines  # "(Fax: (415) 951-3699;"


# ---------------------------------------------------------------- CommVault


def test_commvault_schedule_a_total():
    # Schedule A: the 18 rows sum to 4,962,963 against "Total ... 11,111,111"; the optional column
    # has no amounts but a total of 1,666,667 (line 2949)
    found = of("commvault", "NUM003")
    assert len(found) == 2 and all(f.end_line == 2949 for f in found)
    firm = next(f for f in found if "11,111,111" in f.message)
    assert "4,962,963" in firm.message and "18 rows" in firm.message
    # the finding spans the column, first row to total; the quote names the total and the rows' sum
    assert firm.line < 2949 and "11,111,111" in firm.quote and "4,962,963" in firm.quote
    optional = next(f for f in found if "1,666,667" in f.message)
    assert "no amount" in optional.message and optional.line == 2949 and optional.quote == "1,666,667"


def test_commvault_blanks():
    # line 953: "at a purchase price of $[o] per share"; line 16: "September [o], 2006"
    assert [f.line for f in of("commvault", "BLANK001")] == [953]
    assert 16 in {f.line for f in of("commvault", "BLANK002")}
    # Schedule B lists six underwriters with no amounts (line 2966 first row)
    (f,) = of("commvault", "BLANK005")
    assert f.line == 2966 and "Schedule B" in f.message


def test_commvault_preamble_sums_hold():
    # 6,148,148 + 4,962,963 = 11,111,111 ("such 11,111,111 shares"); 1,666,667 restated
    assert of("commvault", "NUM002") == []


# ---------------------------------------------------------------- Juniper


def test_juniper_preamble_sums_hold():
    # 1,500,000 + 3,500,000 = 5,000,000 Firm Shares; 272,564 + 477,436 = 750,000 Optional Shares
    assert of("juniper", "NUM002") == []
    assert of("juniper", "NUM004") == []
    (f,) = of("juniper", "NUM005")
    assert "15.0%" in f.message and "more than" not in f.message


def test_juniper_new_york_business_day_used_outside_section_4():
    # line 547: "For the purposes of this Section 4, "New York Business Day" shall mean";
    # used in 5(c) (line 585) and 7(k) (line 1082)
    (f,) = of("juniper", "DEF005")
    assert f.line == 547 and {r.line for r in f.related} == {585, 1082}


def test_juniper_representatives_never_defined():
    # "the Representatives" on lines 1050 and 1063; line 21 "As representatives of the several Underwriters"
    (f,) = of("juniper", "DEF001")
    assert f.line == 1050 and "Representatives" in f.message
    assert {r.line for r in f.related} >= {1063, 21}


def test_juniper_annex_ii_missing():
    # lines 735, 749, 897, 962: "attached as Annex II(a) ... II(d) hereto"; only ANNEX I follows
    (f,) = of("juniper", "XREF004")
    assert f.line == 735 and "Annex II" in f.message and "4 times" in f.message


def test_juniper_signature_block_splits_mci_worldcom():
    # lines 1452-1453 "MCI WORLDCOM" / "VENTURE FUND, INC."; Schedule II line 1544 "MCI WorldCom Venture Fund, Inc."
    (f,) = of("juniper", "PARTY003")
    assert f.line == 1452 and f.related[0].line == 1544
    # "ANSHUTZ" and "Anshutz" are spelled alike: nothing to report
    assert of("juniper", "PARTY002") == []


def test_juniper_blanks():
    assert [f.line for f in of("juniper", "BLANK001")] == [451]  # "$_____"
    assert sorted(f.line for f in of("juniper", "BLANK002")) == [13, 518, 544]
    assert 48 in {f.line for f in of("juniper", "BLANK003")}  # "File No. 333-____"
    assert sorted(f.message.split(":")[0] for f in of("juniper", "BLANK005")) == ["Schedule I", "Schedule II"]
    (summary,) = of("juniper", "BLANK000")
    assert "1 price or amount" in summary.message and "3 dates or times" in summary.message


def test_juniper_unbalanced_parentheses():
    lines = {f.line for f in of("juniper", "NUMB003")}
    assert 70 in lines  # "(any preliminary prospectus ..." never closed
    assert 1494 in lines  # Schedule I header "FIRM( SHARES"


def test_juniper_cross_references_resolve():
    assert of("juniper", "XREF001") == []
    assert of("juniper", "XREF002") == []


def test_commvault_custodian_and_exchange_act_never_defined():
    # "the Custodian" (lines 783, 919, 975, 979, 988) and "the Exchange Act" (lines 995, 2170,
    # 2302) are used, but CommVault defines neither (only "ACT" for the Securities Act, line 74)
    found = {f.message.split("'")[1]: f for f in of("commvault", "DEF001")}
    assert set(found) == {"Custodian", "Exchange Act"}
    assert found["Custodian"].line == 783 and found["Exchange Act"].line == 995


def test_metricom_blue_sky_application_never_defined():
    # "any Blue Sky Application" (lines 1414, 1495, 1499) in the indemnity: never defined
    (f,) = of("metricom", "DEF001")
    assert f.line == 1414 and "Blue Sky Application" in f.message
