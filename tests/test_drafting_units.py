"""Pieces of the drafting checks, and the false alarms they must not raise."""
from __future__ import annotations

import re

import pytest

from checker.drafting import run_drafting_checks
from checker.drafting.context import trie_regex
from checker.drafting.numbers import _words_value
from checker.drafting.terms import case_class, title_key, variants
from checker.pipeline import collect_definitions, collect_references, parse_source
from checker.source import decode


def run(text: str, code_prefix: str = ""):
    doc = parse_source(decode(text.encode("utf-8"), "<t>"))
    doc.references, _ = collect_references(doc)
    doc.definitions = collect_definitions(doc)
    return [f for f in run_drafting_checks(doc) if f.code.startswith(code_prefix)]


# ---------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    "words, ordinal, value",
    [
        ("Twenty Thousand Three Hundred Eighty-one", False, 20381),
        ("Eight and 93/100", False, 8.93),
        ("one and one-half", False, 1.5),
        ("thirty-six", False, 36),
        ("twenty-fifth", True, 25),
    ],
)
def test_number_words(words, ordinal, value):
    assert _words_value(words, ordinal) == pytest.approx(value)


def test_terms_keys_and_forms():
    assert title_key("FIRM SECURITIES") == "Firm Securities"
    assert title_key("the Securities") == "Securities"
    assert case_class("Preferred stock") == "mixed"
    assert case_class("Power of Attorney") == "cap"
    assert case_class("firm shares") == "lower"
    assert set(variants("Subsidiary")) == {"Subsidiary", "Subsidiaries"}
    # a term ending in a letter or a roman numeral has no plural: "Phase Is" would be "phase is"
    assert variants("Phase I") == ["Phase I"] and variants("Class B") == ["Class B"]
    assert set(variants("Phase")) == {"Phase", "Phases"}


def test_english_words_are_not_a_variant_of_a_numbered_term():
    text = """CONSTRUCTION LOAN AGREEMENT

1. Definitions. The first phase of parking decks ("Phase I") and the second ("Phase II") and the
garage ("Garage") and the lender ("Lender") are financed here.

2. Retainage. Retainage is released when Construction on such Phase is achieved, and when 50% of a Phase is
complete the Lender may inspect Phase I, Phase II and the Garage.

3. Completion. Phase I is complete when the Lender accepts Phase I and the Garage.
"""
    assert [f.message for f in run(text, "DEF006")] == []


def test_term_pattern_matches_whole_terms_across_line_breaks():
    vo = {v: v for v in ["firm shares", "firm share", "shares", "act", "rule 462(b) registration statement"]}
    text = "the firm shares; the act; non-shares; a rule 462(b)\n   registration statement; firm  shares"
    pat = re.compile(r"(?<![\w\-])" + trie_regex(vo).replace("\\ ", r"\s+") + r"(?![\w])")
    assert [m.group(0) for m in pat.finditer(text)] == [
        "firm shares",
        "act",
        "rule 462(b)\n   registration statement",
        "firm  shares",
    ]


# ---------------------------------------------------------------- false alarms


def test_notary_bracket_column_is_not_a_parenthesis():
    text = """The parties have signed below.

STATE OF CALIFORNIA      )
                         )  ss.
COUNTY OF ORANGE         )

On this day the undersigned appeared before me.
"""
    assert run(text, "NUMB003") == []


_CONSENT_BLOCK = """The Assignor and the Assignee have signed this Assignment as of the date first written above.

[Consented to:

ACME CORPORATION

By:

Name:

Title:
{close}

Each party will deliver a copy of this Assignment to the Agent (with the related Note attached.
"""


def test_bracket_closed_on_a_line_of_its_own_after_a_signature_block():
    # the closing bracket stands alone, paragraphs after the opening one: no finding
    assert [f.message for f in run(_CONSENT_BLOCK.format(close="]"), "NUMB003") if "bracket" in f.message] == []
    # without it, the opening bracket is reported; the unclosed parenthesis always is
    found = run(_CONSENT_BLOCK.format(close=""), "NUMB003")
    assert [f.message[:53] for f in found] == [
        "an opening bracket is never closed in this paragraph:",
        "an opening parenthesis is never closed in this paragr",
    ]
    assert found[0].quote == "[Consented to:"


def test_multi_paragraph_quotation_and_inch_marks():
    text = """Section 5 is amended to read: "5. Term. The term of this Agreement is two years.

The Company may renew it for one more year."

The drawings shall be 8-1/2" X 11" in size.
"""
    assert run(text, "NUMB004") == []


def test_redactions_are_not_blanks():
    text = """Portions of this exhibit have been omitted pursuant to a request for confidential treatment.

1. Fees. The Company shall pay a fee of [***] per unit.
"""
    assert run(text, "BLANK") == []


def test_blanks_in_a_form_document_are_summarised_only():
    text = """FORM OF INDENTURE

INDENTURE, dated as of ____________, 20__, between the Company and ____________, as Trustee.

1. Securities. The Securities may be issued in series.
"""
    found = run(text, "BLANK")
    assert [f.code for f in found] == ["BLANK000"]
    assert "form" in found[0].message


def test_amendment_terms_come_from_the_amended_agreement():
    text = """AMENDMENT NO. 1 TO EMPLOYMENT AGREEMENT

This Amendment amends the Employment Agreement between the Company (the "Company") and the
executive (the "Executive"), dated as of January 1, 2005 (the "Agreement").

1. Severance. Upon a Change of Control the Executive shall receive the Separation Payment.

2. Timing. The Separation Payment is due within ten (10) days after the Change of Control.
"""
    assert run(text, "DEF001") == []
    assert run(text, "DEF002") == []


def test_statute_sections_are_not_internal_references():
    text = """THE PARTIES AGREE AS FOLLOWS:

1. Environment. "Environmental Law" includes CERCLA, 42 U.S.C. Section 9601 et seq.

2. Control. Each person who controls the Company within the meaning of Section 15 of the
Securities Act or Section 20 of the Exchange Act is covered by Section 1.

3. Reports. The Company shall file reports under Section 13 or Section 15(d) of the
Exchange Act.
"""
    assert run(text, "XREF") == []


def test_rounded_financial_statement_is_not_a_schedule():
    text = """The budget is set out below.

                                                       AMOUNT
     REVENUES                                       ----------
     Rent ......................................   $   190,544
     Parking ...................................   $    42,032
     Other .....................................   $       250
                                                    ----------
     TOTAL REVENUES ............................   $   232,827
"""
    assert run(text, "NUM003") == []


def test_percent_fraction_written_in_two_parts():
    # "one percent and one-half (1.5%)": odd wording, but the numeral agrees with it
    text = "The Agent receives a management fee of one percent and one-half (1.5%) of the aggregate amount.\n"
    assert run(text, "NUM001") == []


def test_signed_conformed_copy_has_no_signature_findings():
    text = """IN WITNESS WHEREOF, the parties have signed this Agreement.

                                   BUTTERFIELD FAMILY TRUST

                                   By: /s/ Shelby J. Butterfield
                                       Shelby J. Butterfield, Co-Trustee
"""
    assert run(text, "BLANK006") == []


def test_canadian_signature_line_is_a_signature_block():
    text = """LOAN AGREEMENT

1. Loan. The Lender will lend the Borrower the sum of $1,000,000.

2. Interest. Interest accrues at 5% per annum: _______ days' notice is needed to prepay.

IN WITNESS WHEREOF, the parties have signed this Agreement.

VISTA NORTH CORP.

Per:  _______________________________
      Authorized Signatory
"""
    found = run(text, "BLANK")
    codes = sorted(f.code for f in found)
    # the "Per:" line is a signature to add, not a placeholder; the blank of the prose still is one
    assert codes == ["BLANK000", "BLANK003", "BLANK006"]
    (sig,) = [f for f in found if f.code == "BLANK006"]
    assert sig.line == 11
    (blank,) = [f for f in found if f.code == "BLANK003"]
    assert blank.line == 5


@pytest.mark.parametrize(
    "clause, wrong",
    [
        ("The Company will file the Prospectus pursuant to Rule 424(a) under the Act within two business days.", True),
        ("The Company will file the Prospectus pursuant to Rule 424(b) under the Act within two business days.", False),
        ("The Company will make generally available an earnings statement complying with Section 11(a) of the Act and Rule 158.", False),
        ("The Company will make generally available an earnings statement complying with Section 11(b) of the Act and Rule 158.", True),
        ("Any person who controls an Underwriter within the meaning of Section 20 of the Exchange Act is covered.", False),
        ("Any person who controls an Underwriter within the meaning of Section 15 of the Exchange Act is covered.", True),
        ("The Company may file a registration statement increasing the size of the offering under Rule 462(b).", False),
    ],
)
def test_external_citation_table(clause, wrong):
    assert bool(run(clause + "\n", "XREF005")) is wrong


@pytest.mark.parametrize(
    "clause, wrong",
    [
        # a statute named with another's year (as a severance agreement in the corpus does)
        ("A group within the meaning of Section 13(d)(3) of the Securities Exchange Act of 1933 acquires the stock.", True),
        ("A group within the meaning of Section 13(d)(3) of the Securities Exchange Act of 1934 acquires the stock.", False),
        ("THE NOTES HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1934, AS AMENDED.", True),
        ("THE NOTES HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1933, AS AMENDED.", False),
        ("The Indenture is qualified under the Trust Indenture Act of 1940.", True),
        ("The Indenture is qualified under the Trust Indenture Act of 1939.", False),
        # a longer name that ends in one of the statutes' names, and a re-enacted code
        ("The offer is exempt under the Uniform Securities Act of 1956.", False),
        ("A plan described in Section 4975 of the Internal Revenue Code of 1954, as amended.", False),
        # a rule under the wrong Act
        ("Pre-commencement communications pursuant to Rule 13e-4(c) under the Securities Act.", True),
        ("Pre-commencement communications pursuant to Rule 13e-4(c) under the Exchange Act.", False),
        ("The Shares may be resold under Rule 144 under the Exchange Act.", True),
        ("The Shares may be resold under Rule 144 under the Securities Act.", False),
        ("No stabilisation under Rule 104 of Regulation M under the Exchange Act will be made.", False),
    ],
)
def test_statute_names_and_rules(clause, wrong):
    found = run(clause + "\n", "XREF005")
    assert bool(found) is wrong
    if wrong:
        (f,) = found
        assert f.quote in clause.replace("\n", " ")


def test_config_selection_and_templates():
    """A checker.policy.Config passed as settings: its selectors pick the checks,
    its templates globs make the document a form (no blank findings but the summary)."""
    from checker.drafting import RULES
    from checker.policy import Config

    text = (
        "UNDERWRITING AGREEMENT\n\n"
        "1. Purchase. The purchase price per share shall be $[____] and the Closing Date\n"
        "shall be [__________], 2024.\n\n"
        "2. Notices. Notices shall be given in writing.\n"
    )
    def codes(cfg, path="deal.txt"):
        doc = parse_source(decode(text.encode("utf-8"), path))
        doc.references, _ = collect_references(doc)
        doc.definitions = collect_definitions(doc)
        return {f.code for f in run_drafting_checks(doc, cfg)}

    assert {"BLANK001", "BLANK002", "BLANK000"} <= codes(Config())
    assert codes(Config(select=("definitions",))) <= {c for c in RULES if c.startswith("DEF")}
    assert not {c for c in codes(Config(ignore=("BLANK",))) if c.startswith("BLANK")}
    tmpl = codes(Config(templates=("forms/*.txt",)), path="forms/ua.txt")
    assert "BLANK001" not in tmpl and "BLANK002" not in tmpl and "BLANK000" in tmpl


# ---------------------------------------------------------------- definitions dropped, statutes, lists

_UA_DEFS = """UNDERWRITING AGREEMENT

Juniper Networks, Inc., a California corporation{company}, proposes to sell shares of its
common stock (the "Shares") to the underwriters named in Schedule I (the "Underwriters").

1. Representations. The Company represents that the Company is duly organized, that the
Company has the power to sell the Shares, and that the Company will use the proceeds as
described in the Prospectus (the "Prospectus") and the Registration Statement (the
"Registration Statement").

2. Purchase. The Underwriters shall purchase the Shares from the Company at the price set
forth in Schedule I.
"""


def test_dropped_definition_of_a_single_word_term():
    # 'the Company' used after a determiner many times and never defined
    found = run(_UA_DEFS.format(company=""), "DEF001")
    assert [f for f in found if "'Company'" in f.message]
    assert not run(_UA_DEFS.format(company=' (the "Company")'), "DEF001")


def test_single_word_conventions_are_not_terms():
    text = """SEVERANCE AGREEMENT

This agreement (the "Agreement") is between Acme Corp. (the "Corporation") and J. Smith (the
"Executive"). The Board of Directors of the Corporation approved it.

1. Payments. The Board may approve a bonus. The Board shall act in good faith, and the Board
may delegate to a committee. The Board's decision is final. This Agreement binds the
Corporation, and the Executive accepts this Agreement.
"""
    assert run(text, "DEF001") == []


def test_term_only_extended_is_not_defined():
    # 'The term "Underwriter" shall include any person substituted' presupposes a definition
    text = """UNDERWRITING AGREEMENT

The Company (the "Company") proposes to sell shares (the "Shares") to the several underwriters.

1. Sale. The Company shall sell the Shares to the Underwriters, and the Underwriters shall pay
for the Shares; the Underwriters may offer the Shares; the Underwriters shall deliver a notice.

2. Default. The term "Underwriter" as used in this Agreement shall include any person substituted
for an Underwriter under this Section 2.
"""
    assert [f for f in run(text, "DEF001") if "Underwriters" in f.message]


def test_colon_and_unquoted_definition_lists():
    text = """CREDIT AGREEMENT

1. Definitions. The following terms shall have the following meanings:

"Loan": a loan made by the Bank (the "Bank") to the Borrower (the "Borrower").

"Register": as defined in Section 2.

(j) Improvements: The buildings and other improvements on the Land.

2. Loans. The Bank shall make the Loan. The Borrower shall repay the Loans; each Loan bears
interest; the Loans are secured by the Improvements; the Improvements are insured; the
Improvements shall be kept in good repair and the Improvements shall not be removed.
"""
    assert run(text, "DEF001") == []


def test_statute_short_form_never_defined():
    full = "registered under the Securities Exchange Act of 1934, as amended"
    text = f"""UNDERWRITING AGREEMENT

The Company (the "Company") has a class of securities {full}. Its shares (the "Shares") are
sold to the underwriters (the "Underwriters") under the prospectus (the "Prospectus").

1. Reports. The Company shall file all reports under the Exchange Act and shall comply with the
Exchange Act in all material respects.
"""
    (f,) = [x for x in run(text, "DEF001") if "Exchange Act" in x.message]
    assert "Securities Exchange Act of 1934" in f.message and f.related
    ok = text.replace("as amended", 'as amended (the "Exchange Act")')
    assert not [x for x in run(ok, "DEF001") if "Exchange Act" in x.message]
    # named in full, then by the same name: no definition needed
    same = text.replace("Securities Exchange Act of 1934", "Securities Act of 1933").replace("Exchange Act", "Securities Act")
    assert not [x for x in run(same, "DEF001") if "Securities Act" in x.message]


def test_number_words_after_of():
    assert run("The period is a period of fifteen (20) days after notice.\n", "NUM001")
    assert run("The fee is one-half of one percent (0.5%) of the amount.\n", "NUM001") == []


_TOC_DOC = """UNDERWRITING AGREEMENT

1. Sale. The Company shall sell the Shares.

2. Closing. The closing shall take place as provided in Section 1, subject to Section 5 and
to Section 4, and the notices under Section 5 shall be given as provided in Section 1.

3. Delivery. Each Time of Delivery (as defined in Section {n} hereof) shall be a business day.

4. Liens. Liens arising under Section 9-105 of the Uniform Commercial Code are permitted.

5. Notices. Notices shall be in writing.
"""


def test_reference_inside_a_definition_pointer():
    found = run(_TOC_DOC.format(n="34"), "XREF001")
    assert [f for f in found if "Section 34" in f.message]
    assert run(_TOC_DOC.format(n="2"), "XREF001") == []


def test_table_total_quote_follows_the_rows():
    table = """UNDERWRITING AGREEMENT

1. Sale. The Underwriters shall purchase the Firm Shares set forth in Schedule A.

                                   SCHEDULE A

                                                      Number of
                                                     Firm Shares
        Underwriter                               to be Purchased
        -----------                               ---------------
        Goldman, Sachs & Co.                          {a}
        Credit Suisse Securities (USA) LLC            400,000
                                                  ---------------
              Total ............................      1,000,000
"""
    (f1,) = run(table.format(a="500,000"), "NUM003")
    (f2,) = run(table.format(a="550,000"), "NUM003")
    assert f1.quote != f2.quote and "1,000,000" in f1.quote and "900,000" in f1.quote
    assert run(table.format(a="600,000"), "NUM003") == []


def test_fraction_of_a_percent_is_one_number():
    # metlife: "rounded to the nearest one-thousandth of one percent (0.001%)"
    assert run("The rate is rounded to the nearest one-thousandth of one percent (0.001%).\n", "NUM001") == []


_ARTICLES_DOC = """CREDIT AGREEMENT

ARTICLE I

COVENANTS

(a) Reports. The Borrower will deliver its annual financial statements to each Lender.

(b) Notices. The Borrower will give notice of any Default within five days.

ARTICLE II

EVENTS OF DEFAULT

(a) the Borrower shall fail to pay any principal of any Loan when due;

(b) the Borrower shall fail to observe any covenant contained in clause (a) of Article I;

then, in every such event (other than an event described in clause (b) of this Article {n}), the
Administrative Agent may terminate the Commitments.

ARTICLE III

MISCELLANEOUS

(a) Notices. Notices shall be given in writing.
"""


def test_this_article_in_roman_numerals_inside_another_article():
    (f,) = run(_ARTICLES_DOC.format(n="I"), "XREF001")
    assert f.message == "'this Article I' stands in Article II, not in Article I"
    assert f.quote == "this Article I"
    assert [r.message for r in f.related] == ["Article II, which holds it", "Article I"]
    assert run(_ARTICLES_DOC.format(n="II"), "XREF001") == []


def test_this_article_in_roman_numerals_over_arabic_sections():
    doc = """LOAN AGREEMENT

ARTICLE I

EVENTS OF DEFAULT

1.01 Events. Each of the events described in this Article I is an Event of Default.

1.02 Remedies. Upon an Event of Default under this Article I the Lender may accelerate the Loans.

ARTICLE II

MISCELLANEOUS

2.01 Notices. Notices given under this Article II or Article I shall be in writing.

ARTICLE III

GOVERNING LAW

3.01 Law. This Agreement and this Article III are governed by the laws of the State of New York.
"""
    assert run(doc, "XREF001") == []
    (f,) = run(doc.replace("described in this Article I ", "described in this Article II "), "XREF001")
    assert f.message == "'this Article II' stands in Article I, not in Article II"


def test_hour_written_in_twenty_four_hour_form():
    text = """SALE AGREEMENT

1. Delivery. Beginning at twelve ({hour}) o'clock midnight (Singapore time) on the Delivery Date, the Seller
shall bear the risk of loss.

2. Notice. Notice must be given within ten (15) days after the Delivery Date.
"""
    # "twelve (1200) o'clock" is the hour written twice; the "ten (15)" slip is still reported
    assert [f.message for f in run(text.format(hour="1200"), "NUM001")] == [
        "the words 'ten' say 10 but the numeral (15) says 15"
    ]
    assert "the words 'twelve' say 12 but the numeral (1300) says 1,300" in [
        f.message for f in run(text.format(hour="1300"), "NUM001")
    ]


@pytest.mark.parametrize(
    "numeral, message",
    [
        # "one sixty one" is 161 said short (a construction contract in the corpus writes it so)
        ("161", None),
        ("162", "the words 'sixty one' say 61 but the numeral (162) says 162"),
    ],
)
def test_hundreds_said_short(numeral, message):
    text = f"1. Default. If delivery of a Unit is delayed more than one sixty one ({numeral}) days, the Buyer may terminate.\n"
    assert [f.message for f in run(text, "NUM001")] == ([message] if message else [])


_GUARANTEED_LOAN = """LOAN AGREEMENT

This Loan Agreement is made among Acme Industrial Widgets Canada Limited, a Canadian corporation (the
"Borrower"), Acme Industrial Widgets, Inc., a Minnesota corporation (the "Guarantor"), and First Bank, a national
banking association (the "Lender").

1. Loan. The Lender will lend the Borrower the amount the Borrower requests.

2. Guarantee. The Guarantor guarantees the Borrower's obligations.

3. Notices. Notices shall be in writing.

IN WITNESS WHEREOF, the parties have signed this Agreement.

{block}

By: /s/ Jane Doe
Name: Jane Doe
Title: President
"""


def test_signatory_name_on_two_lines_is_not_a_misspelling():
    assert run(_GUARANTEED_LOAN.format(block="ACME INDUSTRIAL WIDGETS\nCANADA LIMITED"), "PARTY002") == []
    (f,) = run(_GUARANTEED_LOAN.format(block="ACME INDUSTRIAL WIDGITS, INC."), "PARTY002")
    assert f.message == "the signature block names 'ACME INDUSTRIAL WIDGITS, INC.', but preamble names 'Acme Industrial Widgets, Inc.'"


def test_signatory_with_a_word_more_is_another_entity():
    # a subsidiary signs ("USA"), not the parent misspelt
    assert run(_GUARANTEED_LOAN.format(block="ACME INDUSTRIAL WIDGETS USA, INC."), "PARTY002") == []


def test_section_number_in_the_other_numerals_is_the_same_section():
    # sections numbered 1, 2, 3 and referred to as "Section II": a style slip, not a missing section
    doc = """LOAN AGREEMENT

Section 1. Definitions. Terms are defined in this Section 1.

Section 2. Loans. Within the limits set forth in this Section II, the Borrower may borrow.

Section 3. Payments. The Borrower will repay the Loans made under Section {n} hereof.

Section 4. Notices. Notices shall be in writing.
"""
    assert run(doc.format(n="II"), "XREF001") == []
    assert run(doc.format(n="2"), "XREF001") == []
    (f,) = run(doc.format(n="IX"), "XREF001")
    assert "Section IX" in f.message
    # and articles numbered I, II, III referred to as "Article 2"
    arts = """LOAN AGREEMENT

ARTICLE I

LOANS

The Lender will make the Loans. Article III governs notices under this Article I.

ARTICLE II

PAYMENTS

The Borrower will repay the Loans made under Article {m}, as Article I provides.

ARTICLE III

NOTICES

Notices under Article II shall be in writing.
"""
    assert run(arts.format(m="1"), "XREF001") == []
    (g,) = run(arts.format(m="9"), "XREF001")
    assert "Article 9" in g.message


def test_a_regulations_own_name_quoted_is_not_a_definition():
    text = """CREDIT AGREEMENT

Acme Holdings, Inc., a Delaware corporation (the "Borrower"), and First Bank (the "Lender") agree:

1. Definitions. "Reserve Percentage" means the maximum reserve percentage applicable to
eurocurrency funding {name}. The Borrower will pay interest at the Reserve Percentage.

2. Payments. The Borrower will pay the Lender on each Interest Date.
"""
    outside = '(currently referred to as "Eurocurrency liabilities" in Regulation D)'
    assert [f for f in run(text.format(name=outside), "DEF002") if "Eurocurrency" in f.message] == []
    named = '(the "Eurocurrency Liabilities")'
    assert [f for f in run(text.format(name=named), "DEF002") if "Eurocurrency" in f.message]


_FORM_SCHEDULE_DOC = """LOAN AGREEMENT

Section 1. Loans. The Lender will make the Loans set out in Schedule I.

Section 2. Assignments. The Lender may assign the Loans by an Assignment in the form of Exhibit B.

Section 3. Notices. Notices to the Borrower shall be sent to its office at ____________________.

{more}IN WITNESS WHEREOF, the parties have signed this Agreement.

SCHEDULE I

LOANS

Term Loan: $10,000,000, payable in full on the Maturity Date.

EXHIBIT B

ASSIGNMENT AND ACCEPTANCE

The Assignor assigns to the Assignee the interest described in Schedule 1 hereto.

SCHEDULE 1
{to}

Assignee's address for notices: Attention: ___________________

Telephone: ___________________
"""


@pytest.mark.parametrize(
    "to",
    [
        "TO ASSIGNMENT AND ACCEPTANCE",
        # the heading over three lines, as EDGAR's conversions print it
        "\nto\nASSIGNMENT AND ACCEPTANCE",
        "\nto\n\nAssignment and Assumption",
    ],
)
def test_blanks_of_a_schedule_to_an_attached_form(to):
    # a schedule to the form of assignment is part of the form: its blanks are counted, not reported
    # (sections enough that the form's title is not among the document's first lines)
    more = "".join(f"Section {k}. Covenant {k}. The Borrower will keep covenant {k}.\n\n" for k in range(4, 40))
    text = _FORM_SCHEDULE_DOC.format(to=to, more=more)
    lines = [i for i, ln in enumerate(text.split("\n"), 1) if "____" in ln]
    found = run(text, "BLANK")
    assert [f.line for f in found if f.code == "BLANK003"] == lines[:1]  # the one in the agreement
    (summary,) = [f for f in found if f.code == "BLANK000"]
    assert "2 blanks in attached forms" in summary.message
    # a schedule to the agreement itself is not a form
    for other in ("TO LOAN AGREEMENT", "\nto\nLoan Agreement"):
        text = _FORM_SCHEDULE_DOC.format(to=other, more=more)
        lines = [i for i, ln in enumerate(text.split("\n"), 1) if "____" in ln]
        found = run(text, "BLANK003")
        assert [f.line for f in found] == lines


_FILLED_IN = """EMPLOYMENT AGREEMENT

This Agreement is made between Acme Systems, Inc. (the "Company") and {employee} (the "Employee").

1. Term. This Agreement shall commence on the {day} day of November, {year}.

2. Law. This Agreement is governed by the laws of the State of {state}.

3. Notices. Notices to the Company shall be sent care of {care}. The Company's filer status is:
[{box}] Large accelerated filer [X] Accelerated filer [{box}] Non-accelerated filer

4. Deposit insurance. Payments are limited by Rule 359.1(l)(1) [12 CFR 359.1(l)(1)].

IN WITNESS WHEREOF, the parties have signed this Agreement.

ACME SYSTEMS, INC. [CORPORATE SEAL]

By: /s/ Jane Doe
Name: Jane Doe
Title: President
"""


def test_blanks_typed_over_seals_citations_and_check_boxes_are_not_blanks():
    filled = _FILLED_IN.format(
        employee="____Valerie Smith_____", day="_____17th__", year="___2003", state="_New York______",
        care="Acme Legal", box=" ",
    )
    assert [f.quote for f in run(filled, "BLANK") if f.code != "BLANK000"] == []
    blank = _FILLED_IN.format(employee="__________", day="_____", year="20___", state="________", care="c/o_______", box=" ")
    found = [f for f in run(blank, "BLANK") if f.code in ("BLANK002", "BLANK003")]
    assert sorted({f.line for f in found}) == [3, 5, 7, 9]
    # "_____day of": the day is blank though the word follows the underscores at once
    assert [f.line for f in run(blank.replace("_____ day", "_____day"), "BLANK002")] == [5]


def test_term_whose_word_the_line_break_cut():
    text = """SEVERANCE AGREEMENT

This Agreement is made between Acme Systems, Inc. (the "Company") and John Smith (the "Executive").

1. Reduction. If the payments would be subject to the excise tax (the "Ex
cise Tax"), the Company will reduce the payments so that no Excise Tax is due. The Executive
will bear any Excise Tax that is due anyway.
"""
    assert [f.message for f in run(text, "DEF00")] == []
    # the word cut and never used whole: the term is read as written
    unused = text.replace("no Excise Tax is due", "nothing is due").replace("any Excise Tax", "any tax")
    assert [f.message for f in run(unused, "DEF002")] == ["'Ex cise Tax' is defined but never used"]


def test_parties_named_anew_by_another_instrument_in_the_file():
    text = """CREDIT AGREEMENT

This Credit Agreement is made by and between Acme Industries, Inc. ("Borrower") and First Bank ("Bank").

1. Loans. The Bank will lend the Borrower up to $1,000,000.

2. Note. The Borrower will sign a note in the form that follows.

{second}

The Borrower will repay the Bank on demand.
"""
    note = 'FOR VALUE RECEIVED, the undersigned Acme Industries, Inc. ("Borrower") promises to pay to the\norder of First Bank ("Bank") the principal amount of each loan.'
    assert run(text.format(second=note), "DEF003") == []
    again = '3. Parties. The parties to this Agreement are Acme Industries, Inc. ("Borrower") and First Bank\n("Bank"), each acting for itself.'
    assert [f.message for f in run(text.format(second=again), "DEF003")] == [
        "'Borrower' is defined again here; it was already defined at line 3",
        "'Bank' is defined again here; it was already defined at line 3",
    ]


@pytest.mark.parametrize(
    "caption",
    [
        "STATE OF TEXAS\t\xa0\t)\nCOUNTY OF DALLAS\t\xa0\t)",
        "COMMONWEALTH OF MASSACHUSETTS   )\n                                )  ss.\nCOUNTY OF SUFFOLK               )",
    ],
)
def test_notary_bracket_column_beside_the_caption(caption):
    text = f"""The parties have signed below.

{caption}

On this day the undersigned appeared before me.
"""
    assert run(text, "NUMB003") == []
    # a stray parenthesis in the acknowledgment's prose is still one
    assert len(run(text.replace("appeared before me.", "appeared) before me."), "NUMB003")) == 1


def test_a_lone_signatory_name_wrapped_over_two_lines():
    block = """LOAN AGREEMENT

This Loan Agreement is made between Drone Aviation Holding Corp., a Nevada corporation (the
"Borrower"), and First Bank, a national banking association (the "Lender").

1. Loan. The Lender will lend the Borrower the amount the Borrower requests.

IN WITNESS WHEREOF, the parties have signed this Agreement.

{names}

By: /s/ Jane Doe
Name: Jane Doe
Title: President
"""
    # one entity over a "By:" line: its name is wrapped, nothing more
    assert run(block.format(names="DRONE\nAVIATION HOLDING CORP."), "PARTY003") == []
    # in a list of signatories, one a line, the wrapped name reads as two of them
    (f,) = run(block.format(names="FIRST BANK\nDRONE\nAVIATION HOLDING CORP."), "PARTY003")
    assert "'DRONE' and 'AVIATION HOLDING CORP.'" in f.message


def test_in_default_under_a_covenant_is_a_breach_not_the_default_section():
    text = """CREDIT AGREEMENT

Section 1. Loans. The Bank will make the Loans to the Borrower.

Section 2. Financial Covenants. The Borrower will keep its net worth above $1,000,000.

Section 3. Dividends. The Borrower will pay no dividend while it is {cited}.

Section 4. Events of Default. Each of the following is an Event of Default: any default by the
Borrower in the payment of a Loan, and any other default that continues for thirty days.

Section 5. Notices. Notices shall be in writing.
"""
    assert run(text.format(cited="in default under Section 2 hereof"), "XREF003") == []
    # the default provisions themselves, cited to the wrong section
    (f,) = run(text.format(cited="subject to the default provisions in Section 2 hereof"), "XREF003")
    assert "'Section 2 hereof' is cited for default" in f.message


def test_hyphenated_term_defined_with_a_space_after_its_hyphen():
    text = """AGENCY AGREEMENT

Acme Bancorp, Inc. (the "Company") and Acme Savings Bank (the "Bank") agree with the Agent as follows:

1. Membership. The Bank is a member of the Federal Home Loan Bank of Dallas ("FHLB- Dallas").

2. Certificates. The Agent shall receive from the Company a certificate of the {use} evidencing the
Bank's membership.
"""
    assert [f.message for f in run(text.format(use="FHLB-Dallas"), "DEF002") if "FHLB" in f.message] == []
    assert [f.message for f in run(text.format(use="home loan bank"), "DEF002") if "FHLB" in f.message] == [
        "'FHLB- Dallas' is defined but never used"
    ]


def test_reference_to_a_subsection_numbered_with_a_half_parenthesis():
    text = """LICENSE AGREEMENT

1. Definitions.

a)   "Licensed Products" shall mean the services described in Exhibit A.

b)   "Software Fix" shall mean a modification to the Licensed Products.

2. License. The Licensee may use the Licensed Products pursuant to Section 3b) below and may
{copy} them for its own use.
"""
    assert run(text.format(copy="copy"), "NUMB003") == []
    assert len(run(text.format(copy="copy (for backup"), "NUMB003")) == 1


def test_one_reference_to_several_missing_sections_is_one_finding():
    doc = """LOAN AGREEMENT

Section 1. Loans. The Lender will make the Loans.

Section 2. Interest. Interest accrues as Section 1 provides.

Section 3. Fees. The fees are those described in Section 2.

Section 4. Survival. Sections 1, 8 and 9 hereof survive repayment, and this Section {n} survives as well.

Section 5. Notices. Notices shall be in writing, as Section 4 provides.

Section 6. Construction. Section 1, Section 2, Section 3 and Section 5 are read together.
"""
    (f,) = run(doc.format(n="4"), "XREF001")
    assert f.message == "'Sections 1, 8 and 9 hereof' refers to Sections 8 and 9, which the document does not contain"
    # "this Section 7" inside Section 4 names no section at all: one slip, reported once
    found = run(doc.format(n="7"), "XREF001")
    assert [g.quote for g in found] == ["Sections 1, 8 and 9 hereof", "this Section 7"]


def test_unbalanced_parenthesis_quotes_whole_words():
    # the quote of a spare ")" or an unclosed "(" starts and ends on a whole word
    text = (
        "14. Schedule. The Construction Manager shall prepare a schedule including the Milestone Dates set "
        "forth in Exhibit H to the Agreement or any amendments to the Agreement) to Owner within thirty days.\n\n"
        "15. Price. The Guaranteed Maximum Price (including all Work under this Amendment and all Work "
        "previously authorized under earlier amendments, shall be the sum stated below.\n"
    )
    closing, opening = run(text, "NUMB003")
    assert closing.quote == "Exhibit H to the Agreement or any amendments to the Agreement)"
    assert opening.quote == "(including all Work under this Amendment and all Work previously"


def test_party_label_in_its_signature_block_is_not_a_second_definition():
    text = """CREDIT AGREEMENT

This Credit Agreement is made by and between Acme Holdings, Inc. ("Borrower") and Imperial Bank ("Bank").

1. Loans. The Bank will lend the Borrower up to $1,000,000.

2. Repayment. The Borrower will repay the loans on demand of the Bank.

3. Notices. Notices to the Bank or the Borrower are given in writing.

IN WITNESS WHEREOF, the parties have signed this Agreement.

IMPERIAL BANK                                Acme Holdings, Inc.
{labels}

By:________________________                  By:__________________________
"""
    # the parties' terms repeated under their names in the signature block
    assert run(text.format(labels='("Bank")                                     ("Borrower")'), "DEF003") == []
    # the same terms defined again in the body are reported
    again = text.format(labels="").replace(
        "3. Notices.", '3. Notices. Imperial Bank ("Bank") may change its address.\n\n4. Other.'
    )
    assert [f.message for f in run(again, "DEF003")] == ["'Bank' is defined again here; it was already defined at line 3"]


@pytest.mark.parametrize("head", ["FORM OF NOTE", "FORM\nOF NOTE"])
def test_form_of_note_headed_over_two_lines(head):
    # EDGAR's conversions print "FORM" and "OF NOTE" on two lines: the form is a form all the same
    body = "".join(f"Section 1.{k}. Covenant {k}. The Issuer will keep covenant {k} for the Holders.\n\n" for k in range(1, 30))
    text = f"""INDENTURE

This Indenture is made between Acme Holdings, Inc. (the "Issuer") and First Bank, as trustee (the "Trustee").

{body}IN WITNESS WHEREOF, the parties have signed this Indenture.

{head}

ACME HOLDINGS, INC., a Nevada corporation ("Issuer"), promises to pay to the holder the principal sum
stated above, as provided in the Indenture, with First Bank, as trustee (the "Trustee").

ASSIGNMENT FORM. I irrevocably appoint ___________________ agent to transfer this Security.
"""
    assert run(text, "DEF003") == []
    found = run(text, "BLANK")
    assert [f.code for f in found if f.code == "BLANK003"] == []
    (summary,) = [f for f in found if f.code == "BLANK000"]
    assert "1 blank in attached forms" in summary.message


_DECIMAL_SECTIONS = """STOCK PURCHASE AGREEMENT

ARTICLE VIII
MISCELLANEOUS

8.01           Captions and Headings.  The headings are for convenience only.

8.02           No Oral Change.  This Agreement may be changed only in writing.

8.03           Non Waiver.  No waiver is effective unless it is in writing.

8.04           Time of Essence.  Time is of the essence of this Agreement.

8.05           Entire Agreement.  This Agreement is the entire agreement of the parties.
{middle}
8.07           Counterparts.  This Agreement may be executed in counterparts.

8.08           Notices.  All notices shall be in writing.
"""


@pytest.mark.parametrize(
    "middle, messages",
    [
        # a deleted section (in the corpus, the governing-law clause of a stock purchase agreement)
        ("", ["Section 8.07 ('Counterparts') follows Section 8.05: Section 8.06 is not in the document"]),
        ("\n8.06           Governing Law.  This Agreement is governed by the laws of Colorado.\n", []),
        # a repeated number is not evidence enough (a second copy, a quoted section)
        ("\n8.05           Entire Agreement.  This Agreement is the entire agreement.\n\n"
         "8.06           Governing Law.  This Agreement is governed by the laws of Colorado.\n", []),
    ],
)
def test_skipped_decimal_section_number(middle, messages):
    assert [f.message for f in run(_DECIMAL_SECTIONS.format(middle=middle), "NUMB001")] == messages


def test_term_used_with_a_non_breaking_space_is_used():
    # EDGAR's HTML conversions keep "Section\u00a0409A": the same term as "Section 409A"
    text = (
        "SEVERANCE AGREEMENT\n\n"
        '1. Payments. This Agreement is meant to comply with section 409A of the Code (collectively, "Section 409A"),\n'
        'the severance ("Severance Pay") and the bonus ("Bonus") are paid as Section{sp}409A permits, and the Severance Pay\n'
        "and the Bonus are paid in cash.\n\n"
        "2. Timing. The Severance Pay is paid within 30 days, subject to Section{sp}409A, and the Bonus with it.\n"
    )
    assert [f.message for f in run(text.format(sp="\u00a0"), "DEF002")] == []
    assert [f.message for f in run(text.format(sp=" "), "DEF002")] == []


@pytest.mark.parametrize(
    "note, reported",
    [
        ("[rest of page blank]", False),  # a page note, as "[Remainder of page intentionally left blank]"
        ("[Missing Graphic Reference]", False),  # an image EDGAR's conversion could not carry
        ("[CS&M Ref. No. 6701-741]", False),  # a law firm's file number
        ("[or an equivalent Unit]", True),  # an alternative still to be chosen
    ],
)
def test_bracketed_notes_that_are_not_alternatives(note, reported):
    text = f"""SUPPLY AGREEMENT

1. Supply. The Supplier will deliver the Units {{}} to the Buyer on the Delivery Date.

2. Price. The Buyer will pay the price within thirty days after delivery.
"""
    found = run(text.format(note), "BLANK004")
    assert bool(found) is reported


def test_year_with_its_last_figures_blank_is_a_date():
    text = (
        "SUPPLEMENTAL INDENTURE\n\nThis Supplemental Indenture is made between Acme Holdings, Inc. and First Bank, as trustee.\n\n"
        "1. Amendment. The Indenture is amended as set out below, with effect from ___________, 20___.\n\n"
        "2. Law. This Supplemental Indenture is governed by the laws of the State of New York.\n"
    )
    found = run(text, "BLANK")
    assert sorted(f.code for f in found if f.code != "BLANK000") == ["BLANK002"]
    assert "2 dates or times" in next(f.message for f in found if f.code == "BLANK000")


def test_transfer_form_at_the_end_of_a_note_is_a_form():
    text = """MASTER NOTE

1. Payment. The Company promises to pay the Holder the amounts due under each Supplemental Obligation.

2. Law. This Note is governed by the laws of the State of New York.

FOR VALUE RECEIVED, the undersigned hereby sell(s), assign(s) and
transfer(s) unto

[PLEASE INSERT SOCIAL SECURITY OR OTHER IDENTIFYING NUMBER OF ASSIGNEE]

the within Note, and appoints _______________ attorney to transfer the Note.
"""
    found = run(text, "BLANK")
    assert [f.code for f in found if f.code != "BLANK000"] == []
    (summary,) = [f for f in found if f.code == "BLANK000"]
    assert "2 blanks in attached forms" in summary.message


def test_unbalanced_quotation_mark_message_and_quote():
    text = (
        "1. Definitions. In this Agreement the term \u201cBuilding Contractor shall mean the firm engaged by the Owner to build\n"
        "the project, and the Owner shall pay the Building Contractor in accordance with the schedule.\n"
    )
    (f,) = run(text, "NUMB004")
    assert f.message.startswith("this paragraph has 1 opening quotation mark against 0 closing:")
    # the quote starts and ends on whole words
    assert f.quote == "1. Definitions. In this Agreement the term \u201cBuilding Contractor shall mean the firm"
    # ... cut back to a whole word when the window ends inside one
    (g,) = run(text.replace("the firm engaged", "the contractorfirmengaged"), "NUMB004")
    assert g.quote.endswith("shall mean the")


def test_skipped_decimal_section_at_the_indent_of_its_article():
    # most headings stand at 10 spaces; Article 4's at 5 (as in a warrant of the corpus)
    secs = "".join(f"          {a}.{b}  Heading {a}{b}. The Company shall do thing {a}{b}.\n\n" for a in (1, 2, 3) for b in (1, 2, 3))
    text = (
        "WARRANT\n\n" + secs
        + "     4.1  Adjustments. The Exercise Price is adjusted as provided below.\n\n"
        + "     4.2  Notices of Adjustments. The Company shall give notice of each adjustment.\n\n"
        + "     4.4  Other Notices. If at any time the Company pays a dividend, it shall give notice.\n"
    )
    assert [f.message for f in run(text, "NUMB001")] == [
        "Section 4.4 ('Other Notices') follows Section 4.2: Section 4.3 is not in the document"
    ]


def test_skipped_decimal_section_after_numbered_items():
    # items "(1)" ... "(5)" inside Section 11.04 do not stand for the missing Section 11.05
    items = "".join(f"({k}) the Company shall give notice number {k};\n\n" for k in range(1, 6))
    text = (
        "INDENTURE\n\nARTICLE 11\n\nREDEMPTION\n\n"
        "Section 11.01 Applicability. This Article applies to the Securities.\n\n"
        "Section 11.02 Election. The Company may elect to redeem the Securities.\n\n"
        "Section 11.03 Selection. The Trustee shall select the Securities to be redeemed.\n\n"
        "Section 11.04 Notice. Notice of redemption shall be given as follows:\n\n" + items
        + "Section 11.06 Payment. The Securities shall be paid on the Redemption Date.\n\n"
        "Section 11.07 Partial Redemption. A Security redeemed in part is exchanged.\n"
    )
    assert [f.message for f in run(text, "NUMB001")] == [
        "Section 11.06 ('Payment') follows Section 11.04: Section 11.05 is not in the document"
    ]


def test_transition_period_line_of_a_report_cover_is_not_a_blank():
    text = (
        "FORM 10-Q\n\nQUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n\n"
        "For the transition period from ________________ to ________________\n\n"
        "Commission file number: 333-____\n\n1. Financial Statements. The statements are attached.\n"
    )
    # only the file number left blank (line 7) is reported, not the transition period (line 5)
    assert [f.line for f in run(text, "BLANK") if f.code != "BLANK000"] == [7]
