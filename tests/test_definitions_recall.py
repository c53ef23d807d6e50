"""DEF001 (undefined terms): the dropped definitions it must find, and the
look-alikes it must leave alone.  Synthetic clauses, then real agreements of
the corpus with one definition cut out."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.drafting import run_drafting_checks
from checker.pipeline import collect_definitions, collect_references, parse_source
from checker.source import decode

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

PARTIES = (
    'Acme Holdings, Inc., a Delaware corporation (the "Company"), and the several underwriters\n'
    'named in Schedule I (the "Underwriters"), for whom Smith & Co. acts as representative (the\n'
    '"Representative"), agree as follows.\n\n'
)


def undefined(text: str) -> list[str]:
    """The messages of the DEF001 findings on ``text``."""
    doc = parse_source(decode(text.encode("utf-8"), "<t>"))
    doc.references, _ = collect_references(doc)
    doc.definitions = collect_definitions(doc)
    return [f.message for f in run_drafting_checks(doc, {"select": ["DEF001"]})]


def names(msgs: list[str], term: str) -> bool:
    return any(f"'{term}'" in m or f"'{term} /" in m or f"/ {term}'" in m for m in msgs)


# ---------------------------------------------------------------- a class of stock brought in in lower case

STOCK_FAIL = PARTIES + (
    "1. Securities. The Company proposes to sell shares of its common stock, par value $.01 per\n"
    "share, and warrants to purchase shares of Common Stock. The Common Stock will be listed, and\n"
    "each share of Common Stock will carry one vote.\n"
)
STOCK_PASS = STOCK_FAIL.replace("par value $.01 per\nshare,", 'par value $.01 per\nshare (the "Common Stock"),')


def test_class_of_stock_brought_in_in_lower_case_is_undefined():
    assert names(undefined(STOCK_FAIL), "Common Stock")
    assert not names(undefined(STOCK_PASS), "Common Stock")


def test_class_of_stock_named_without_a_lower_case_description_is_left_alone():
    text = PARTIES + (
        "1. Securities. The Company will sell shares of Common Stock. The Common Stock will be\n"
        "listed on the exchange, and each share of Common Stock will carry one vote.\n"
    )
    assert not names(undefined(text), "Common Stock")


# ---------------------------------------------------------------- one use right after "a ..."

COMMUNITY_FAIL = PARTIES + (
    "1. Offering. Shares not subscribed for may be offered to members of the general public in a\n"
    "community offering, with preference to residents of the county. The Community Offering may\n"
    "begin during the subscription period.\n"
)
COMMUNITY_PASS = COMMUNITY_FAIL.replace("community offering,", 'community offering (the "Community Offering"),')


def test_single_use_right_after_an_indefinite_description():
    assert names(undefined(COMMUNITY_FAIL), "Community Offering")
    assert not names(undefined(COMMUNITY_PASS), "Community Offering")


def test_single_use_without_a_description_before_is_left_alone():
    text = PARTIES + "1. Price. The Underwriters will pay the Purchase Price on delivery.\n"
    assert not names(undefined(text), "Purchase Price")


# ---------------------------------------------------------------- a phrase led by an acronym

MHC_FAIL = PARTIES + (
    'The Company has filed with the Office of Thrift Supervision (the "OTS") an application on\n'
    "Form MHC-2. The OTS has approved the MHC Application, and the Company will not amend the\n"
    "MHC Application without the consent of the Representative.\n"
)
MHC_PASS = MHC_FAIL.replace("on\nForm MHC-2.", 'on\nForm MHC-2 (the "MHC Application").')


def test_acronym_led_term_is_undefined():
    assert names(undefined(MHC_FAIL), "MHC Application")
    assert not names(undefined(MHC_PASS), "MHC Application")


# ---------------------------------------------------------------- short forms of names given in full

CODE_FAIL = PARTIES + (
    "1. Plans. Each plan intended to qualify under the Internal Revenue Code of 1986, as amended,\n"
    "so qualifies, and no plan is subject to Section 4980B of the Code.\n"
)
CODE_PASS = CODE_FAIL.replace("as amended,\nso", 'as amended (the "Code"),\nso')


def test_code_short_form_of_a_statute_named_in_full():
    assert names(undefined(CODE_FAIL), "Code")
    assert not names(undefined(CODE_PASS), "Code")


ERISA_FAIL = PARTIES + (
    "1. Plans. Each plan is maintained in compliance with the Employee Retirement Income Security\n"
    "Act of 1974, as amended. No event under ERISA has occurred, and the Company has no liability\n"
    "under Title IV of ERISA to any plan or to the Pension Benefit Guaranty Corporation.\n"
)
ERISA_PASS = ERISA_FAIL.replace("as amended. No", 'as amended ("ERISA"). No')


def test_acronym_of_a_statute_named_in_full():
    assert names(undefined(ERISA_FAIL), "ERISA")
    assert not names(undefined(ERISA_PASS), "ERISA")


def test_acronym_never_spelled_out_is_left_alone():
    text = PARTIES + "1. Plans. No event under ERISA has occurred, and no plan is subject to ERISA.\n"
    assert not names(undefined(text), "ERISA")


REGS_FAIL = PARTIES + (
    "1. Approvals. The offering complies with Chapter 33 of the Code of Massachusetts Regulations.\n"
    "The Company has complied with the Massachusetts Regulations, and the plan of conversion\n"
    "conforms to the Massachusetts Regulations.\n"
)
REGS_PASS = REGS_FAIL.replace("Massachusetts Regulations.\nThe", 'Massachusetts Regulations (the "Massachusetts Regulations").\nThe')


def test_short_form_of_a_code_of_regulations():
    assert names(undefined(REGS_FAIL), "Massachusetts Regulations")
    assert not names(undefined(REGS_PASS), "Massachusetts Regulations")


FIRM_FAIL = PARTIES + (
    "1. Opinions. The Company has received an opinion of its counsel, Luse Gorman Pomerenk &\n"
    "Schick, P.C., on the Shares. At the closing the Representative will receive the opinion of\n"
    "Luse Gorman, and Luse Gorman may rely on certificates of officers.\n"
)
FIRM_PASS = FIRM_FAIL.replace("P.C., on the Shares", 'P.C. ("Luse Gorman"), on the Shares')


def test_short_name_of_a_firm_named_in_full():
    assert names(undefined(FIRM_FAIL), "Luse Gorman")
    assert not names(undefined(FIRM_PASS), "Luse Gorman")


# ---------------------------------------------------------------- "the Rules and Regulations"

RULES_FAIL = PARTIES + (
    "1. Registration. The Company meets the requirements of Form S-3 under the Securities Act and\n"
    "the rules and regulations of the Commission thereunder. The Prospectus complies with the\n"
    "Rules and Regulations. Each document required by the Rules and Regulations has been filed.\n"
)
RULES_PASS = RULES_FAIL.replace("thereunder. The", 'thereunder (the "Rules and Regulations"). The')


def test_rules_and_regulations_is_a_defined_term():
    assert names(undefined(RULES_FAIL), "Rules and Regulations")
    assert not names(undefined(RULES_PASS), "Rules and Regulations")


def test_rules_and_regulations_of_a_named_body_is_a_name():
    text = PARTIES + (
        "1. Conduct. The Representative complies with the Rules and Regulations of the NASD, and\n"
        "will comply with the Rules and Regulations of the NASD.\n"
    )
    assert not names(undefined(text), "Rules and Regulations")


# ---------------------------------------------------------------- a head noun brought in in lower case

WARRANTS_FAIL = PARTIES + (
    "The Company proposes to issue warrants to purchase shares of its stock in one or more\n"
    "offerings.\n\n"
    "1. Units. Notes may be issued together with Warrants as units. The Warrants will be issued\n"
    "under a warrant agreement, and such Warrants may be exercised at any time. If the offering\n"
    "includes Warrants, the Company will list them.\n"
)
WARRANTS_PASS = WARRANTS_FAIL.replace("in one or more\nofferings.", 'in one or more\nofferings (the "Warrants").')


def test_head_noun_brought_in_in_lower_case_needs_fewer_uses_after_the():
    assert names(undefined(WARRANTS_FAIL), "Warrants")
    assert not names(undefined(WARRANTS_PASS), "Warrants")


# ---------------------------------------------------------------- terms borrowed from other instruments

BORROWED = PARTIES + (
    "Capitalized terms used and not defined in this Agreement shall have the meanings set forth in\n"
    "the Pledge Agreement or the Indenture.\n\n"
    "1. Disclosure. As of the Applicable Time, the Disclosure Package does not include any untrue\n"
    "statement, and the Disclosure Package complies with the Act. The Company will repay the\n"
    "Senior Debentures when due, and the Senior Debentures will rank equally.\n"
)


def test_borrowed_terms_still_flag_offering_documents():
    msgs = undefined(BORROWED)
    assert names(msgs, "Disclosure Package")  # no indenture or pledge agreement defines it
    assert not names(msgs, "Senior Debentures")  # the Indenture may


def test_borrowed_from_an_offering_agreement_flags_nothing():
    text = BORROWED.replace("the Pledge Agreement or the Indenture", "the Underwriting Agreement")
    assert not names(undefined(text), "Disclosure Package")


# ---------------------------------------------------------------- where definitions count

FORM_DEF = PARTIES + (
    "1. Closing. The Underwriters will pay for the Shares on the Closing Date, and the Company\n"
    "will deliver certificates on the Closing Date.\n\n"
    "                                   EXHIBIT A\n\n"
    "                           FORM OF TERMS AGREEMENT\n\n"
    "Dated: ____________\n\n"
    'The closing will take place on the date set out below (the "Closing Date").\n'
)


def test_definition_only_in_an_attached_form_does_not_define_the_body_term():
    assert names(undefined(FORM_DEF), "Closing Date")


def test_definition_in_an_attached_glossary_defines_the_body_term():
    text = FORM_DEF.replace("FORM OF TERMS AGREEMENT\n\nDated: ____________", "DEFINITIONS")
    assert not names(undefined(text), "Closing Date")


def test_quoted_definition_with_a_comma_inside_the_quotes_counts():
    text = PARTIES + (
        "1. Information. The information furnished by the Representative for use in the\n"
        'Prospectus (the "Agent Information," which the Company relies on) is accurate. The Company\n'
        "relies on the Agent Information, and the Agent Information is complete.\n"
    )
    assert not names(undefined(text), "Agent Information")


def test_quoted_caption_is_not_a_use():
    text = PARTIES + (
        '1. Disclosure. The statements under the caption "Business -- Intellectual Property," are\n'
        "accurate.\n\n"
        '2. Further. The statements under "Risk Factors -- Intellectual Property" are complete.\n'
    )
    assert not names(undefined(text), "Intellectual Property")


def test_plural_of_a_defined_phrase_with_for_is_defined():
    text = PARTIES + (
        "1. Payment. The Contractor will submit written applications for payment each month (each,\n"
        'an "Application for Payment"). All Applications for Payment shall be certified, and\n'
        "Applications for Payment shall be paid within 30 days.\n"
    )
    assert not names(undefined(text), "Applications for Payment")


def test_as_set_forth_in_does_not_hide_an_undefined_term():
    text = PARTIES + (
        "1. Shares. The Company will sell shares of its common stock, par value $.01 per share, and\n"
        "shares of Common Stock as set forth in Schedule I, and the Common Stock will be listed.\n"
    )
    assert names(undefined(text), "Common Stock")


# ---------------------------------------------------------------- the corpus


def _corpus_text(rel: str) -> str:
    p = CORPUS / rel
    if not p.exists():
        pytest.skip(f"corpus not found at {CORPUS} (needed for {rel})")
    return p.read_text(encoding="utf-8", errors="replace")


def _cut(text: str, piece: str) -> str:
    assert text.count(piece) >= 1, piece
    return text.replace(piece, "", 1)


WARRANT_SEED = "seeds/004_010d758ab30663c9.txt"
BLUE_HILLS = "edgar/agency/blue-hills-bancorp-2014-agency-agreement.txt"
METLIFE = "edgar/other/metlife-2014-remarketing-agreement.txt"


def test_corpus_warrant_seed_original_defines_its_terms():
    msgs = undefined(_corpus_text(WARRANT_SEED))
    # lines 30-32 define "Common Stock" and "Warrants", line 156 "Rules and Regulations"
    for term in ("Common Stock", "Warrants", "Rules and Regulations"):
        assert not names(msgs, term)


@pytest.mark.parametrize(
    "piece, term",
    [
        (' (the "Common Stock")', "Common Stock"),  # line 31: "common stock, par value $.001 per share"
        (' (the "Warrants")', "Warrants"),  # line 32: "warrants to purchase shares of Common Stock"
        (' (the "Rules and Regulations")', "Rules and Regulations"),  # line 156
    ],
)
def test_corpus_warrant_seed_dropped_definitions(piece, term):
    assert names(undefined(_cut(_corpus_text(WARRANT_SEED), piece)), term)


@pytest.mark.parametrize(
    "piece, term",
    [
        (' (the "Code")', "Code"),  # line 155: "Internal Revenue Code of 1986"; "Section 4980B of the Code"
        (' ("Luse Gorman")', "Luse Gorman"),  # line 121: "Luse Gorman Pomerenk & Schick, P.C."
        (' (the "Massachusetts Regulations")', "Massachusetts Regulations"),  # line 23
    ],
)
def test_corpus_blue_hills_dropped_definitions(piece, term):
    text = _corpus_text(BLUE_HILLS)
    assert not names(undefined(text), term)
    assert names(undefined(_cut(text, piece)), term)


def test_corpus_remarketing_agreement_borrowing_terms():
    # line 27: capitalized terms not defined take their meanings from the Stock
    # Purchase Contract Agreement, the Pledge Agreement or the Indenture
    text = _corpus_text(METLIFE)
    assert not names(undefined(text), "Disclosure Package")
    assert names(undefined(_cut(text, ' (collectively, the "Disclosure Package")')), "Disclosure Package")


# ---------------------------------------------------------------- definitions without quotation marks

UNQUOTED_DEFS = (
    "1. Definitions. As used herein, the following terms shall have the following meanings:\n\n"
    "Loan Documents shall mean, collectively, this Agreement and the Note.\n\n"
    "{required}"
    "2. Waivers. The Required Lenders may waive any requirement of the Loan Documents. Any waiver\n"
    "given by the Required Lenders binds every Lender, and the Required Lenders may revoke it.\n"
)


def test_definition_list_without_quotation_marks_defines_its_terms():
    # "Required Lenders shall mean, at any time, ...": the comma after the verb as well
    dropped = PARTIES + UNQUOTED_DEFS.format(required="")
    assert names(undefined(dropped), "Required Lenders")
    for line in (
        "Required Lenders shall mean, at any time, Lenders holding more than half of the Loans.\n\n",
        "Required Lenders means Lenders holding more than half of the Loans.\n\n",
        "Required Lenders is defined in Section 9.1.\n\n",
    ):
        assert not names(undefined(PARTIES + UNQUOTED_DEFS.format(required=line)), "Required Lenders")


# ---------------------------------------------------------------- terms taken from another instrument

PLEDGE = (
    'This Pledge Agreement is made by Acme Holdings, Inc. (the "Pledgor") in favor of First Bank, as\n'
    'agent (the "Agent") under the Credit Agreement dated as of June 1, 2001 (the "Credit Agreement").\n\n'
    "{clause}"
    '1. Pledge. The Pledgor pledges its shares (the "Collateral") to the Agent. The Agent will hold\n'
    "the Collateral until the Required Lenders release it, and may sell the Collateral when the\n"
    "Required Lenders so direct. The Required Lenders may waive this Section.\n"
)


@pytest.mark.parametrize(
    "clause",
    [
        "Capitalized terms used but not defined herein (including the recitals) are used as defined in the\n"
        "Credit Agreement.\n\n",
        "Capitalized terms used and not otherwise defined herein have the meanings given to them in the\n"
        "Credit Agreement.\n\n",
        "Capitalized terms used herein and not defined are used herein as defined in the Credit Agreement.\n\n",
    ],
)
def test_terms_used_as_defined_in_another_instrument(clause: str):
    assert names(undefined(PLEDGE.format(clause="")), "Required Lenders")
    assert not names(undefined(PLEDGE.format(clause=clause)), "Required Lenders")


# ---------------------------------------------------------------- a part of a longer term, in its plural

def test_part_of_a_longer_term_used_in_its_plural():
    # (the term broken over two lines, so that the line's capitalised words are "Rate Advances")
    text = PARTIES + (
        '1. Advances. "Eurodollar Rate Advance" means an advance bearing interest at the LIBOR rate.\n'
        "The Company may convert any Eurodollar\n"
        "Rate Advances into other advances, and the Underwriters may fund the Eurodollar\n"
        "Rate Advances through any office. No Eurodollar\n"
        "Rate Advances may be made after the termination date.\n"
    )
    assert not names(undefined(text), "Rate Advances")
    # with no such longer term, the same words used as a name are reported
    bare = text.replace('"Eurodollar Rate Advance" means', "Each advance is").replace("Eurodollar\n", "\n")
    assert names(undefined(bare), "Rate Advances")


def test_phrase_inside_a_term_defined_without_quotation_marks():
    # "Unmatured Event" is the start of "Unmatured Event of Default", a term of the unquoted list
    text = PARTIES + (
        "1. Definitions. As used herein, the following terms shall have the following meanings:\n\n"
        "Loan Documents shall mean this Agreement and the Note.\n\n"
        "{term} shall mean any event which, with notice or lapse of time, would become an\n"
        "Event of Default.\n\n"
        "2. Conditions. No Unmatured Event\n"
        "of Default shall exist on the date of any Loan, and no Unmatured Event\n"
        "of Default shall exist on the date of any payment under the Loan Documents. Each Unmatured Event\n"
        "of Default shall be reported to the Underwriters.\n"
    )
    assert not names(undefined(text.format(term="Unmatured Event of Default")), "Unmatured Event")
    assert names(undefined(text.format(term="Potential Default")), "Unmatured Event")


def test_one_word_of_a_list_of_capitalised_words_in_a_name():
    text = PARTIES + (
        "1. Plans. The Company will prepare a Health, Safety and Environmental Plan and will revise\n"
        "the Health, Safety and Environmental Plan each year, deliver the Health, Safety and\n"
        "Environmental Plan to the Underwriters, and follow the Health, Safety and Environmental Plan.\n"
        "The Underwriters may comment on the Health, Safety and Environmental Plan. The health of its\n"
        "employees is a concern of the Company.\n"
    )
    assert not names(undefined(text), "Health")
    # the word used on its own, after "the", is reported
    alone = text.replace("Health, Safety and Environmental Plan", "Health").replace("Health, Safety and\nEnvironmental Plan", "Health")
    assert names(undefined(alone), "Health")


def test_unquoted_term_of_two_words_joined_by_a_slash():
    text = PARTIES + UNQUOTED_DEFS.format(required="{term} shall mean a notice of continuation or conversion of a Loan.\n\n") + (
        "3. Notices. Each Continuation/Conversion Notice is irrevocable. The Company will deliver a\n"
        "Continuation/Conversion Notice by noon, and the Underwriters may rely on any\n"
        "Continuation/Conversion Notice.\n"
    )
    assert not names(undefined(text.format(term="Continuation/Conversion Notice")), "Conversion Notice")
    assert names(undefined(text.format(term="Interest Election")), "Conversion Notice")


# ---------------------------------------------------------------- the short form of a named instrument

ACCORD = PARTIES + (
    "1. Opinion. The opinion of counsel for the Company shall be governed by the\n"
    "Legal Opinion Accord{short} of the American Bar Association Section of Business Law (1991). The term \"Actual\n"
    "Knowledge\" as used herein shall have the meaning set forth in the Accord.\n"
)


def test_short_form_of_a_named_instrument_used_once():
    assert names(undefined(ACCORD.format(short="")), "Accord")
    assert not names(undefined(ACCORD.format(short=' ("Accord")')), "Accord")


def test_the_words_read_as_the_last_word_of_a_code():
    from checker.drafting.definitions import _CODE_WORD

    text = "Cook Bode Dook Code Book Digest Compilation Accord Codes"
    assert [m.group() for m in _CODE_WORD.finditer(text)] == ["Code", "Book", "Digest", "Compilation", "Accord"]


def test_part_of_a_longer_term_broken_after_its_hyphen():
    text = PARTIES + (
        '1. Advances. "A Swing-Line Advance" means an advance by the Agent. Interest on each\n'
        "A Swing- Line Advance is payable monthly, and the Underwriters may fund any\n"
        "A Swing- Line Advance. No A Swing- Line Advance may be made after the termination date.\n"
    )
    assert not names(undefined(text), "Line Advance")
    bare = text.replace('"A Swing-Line Advance" means', "Each advance is").replace("A Swing- ", "the ")
    assert names(undefined(bare), "Line Advance")


# ---------------------------------------------------------------- a word of a longer defined term

SEPARATION = PARTIES + (
    '1. Definitions. "Separation from Service" means a separation from service within the meaning of\n'
    'Section 409A of the Code, and "Base Salary" means the salary paid under Section 2.\n\n'
    "2. Payments. The Base Salary is paid monthly until the Separation from Service. If a Separation\n"
    "from Service occurs, the Company will pay the amount within 30 days after the Separation from Service,\n"
    "and no payment will be made before the Separation from Service.\n"
)


def test_word_of_a_longer_defined_term_is_not_undefined():
    # "the Separation / from Service": the first word of a defined term, even across a line break
    assert not names(undefined(SEPARATION), "Separation")
    # the same word on its own, with the longer term never defined, is reported
    alone = SEPARATION.replace('"Separation from Service" means a separation from service', '"Termination" means a separation from employment')
    alone = alone.replace("Separation from Service", "Separation").replace("Separation\nfrom Service", "Separation\n")
    assert names(undefined(alone), "Separation")


# ---------------------------------------------------------------- a section captioned with the term

CAPTIONED = (
    "SEVERANCE AGREEMENT\n\nThis Agreement is made between Acme Holdings, Inc. (the \"Company\") and Jane Roe (the \"Executive\").\n\n"
    "1. Benefits.\n\n"
    "(a) Entitlement. If the Executive terminates her employment for Good Reason, the Company will pay the\n"
    "Severance Amount (the \"Severance\"). A termination for Good Reason is communicated by written notice, and the\n"
    "Severance is paid within 30 days after a termination for Good Reason.\n\n"
    "(b) {caption}. {body}\n\n"
    "2. Notices. Notices to the Company are sent to its office, and to the Executive at her home address.\n"
)


@pytest.mark.parametrize(
    "caption, body, reported",
    [
        ("Good Reason", "Termination of employment by the Executive for Good Reason shall be deemed to occur if the\n"
         "Company reduces her base salary.", False),
        ("Definition of Good Reason", "Good Reason means a reduction of the Executive's base salary.", False),
        ("Good Reason", "The Executive's good reason to resign is a reduction of her base salary.", False),
        # a caption that names the term without saying what it means
        ("Good Reason", "The Executive must give notice within 90 days of the event.", True),
    ],
)
def test_term_defined_by_its_caption(caption, body, reported):
    assert names(undefined(CAPTIONED.format(caption=caption, body=body)), "Good Reason") is reported


@pytest.mark.parametrize("defining, reported", [
    ("For purposes of this Contract, the Contract Documents shall consist of this Contract and its exhibits.", False),
    ("The Contract Documents are listed in the exhibits.", True),
])
def test_term_defined_for_the_purposes_of_the_contract(defining, reported):
    text = (
        "VESSEL CONSTRUCTION CONTRACT\n\nThis Contract is made between Acme Marine, Inc. (the \"Builder\") and Ocean Tugs LLC (the \"Owner\").\n\n"
        f"1. Documents. {defining}\n\n"
        "2. Work. The Builder will build two tugs (the \"Units\") in accordance with the Contract Documents, and the Owner may inspect\n"
        "the Units for compliance with the Contract Documents at any time before delivery.\n"
    )
    assert names(undefined(text), "Contract Documents") is reported


@pytest.mark.parametrize("pointer, reported", [
    (", as defined in ERISA,", False),
    (" or Prohibited Transaction, as defined in ERISA,", False),
    (" or prohibited transaction (each as defined in ERISA)", False),
    (" (as defined below)", True),  # promised here, never given
    ("", True),
])
def test_term_defined_by_a_statute_beside_another(pointer, reported):
    text = (
        PARTIES
        + f"1. Plans. No Reportable Event{pointer} has occurred with respect to any plan of the Company.\n\n"
        "2. Notices. The Company will notify the Underwriters of any Reportable Event within ten days, and of\n"
        "the steps it takes about the Reportable Event.\n"
    )
    assert names(undefined(text), "Reportable Event") is reported
