"""Document-type detection from the title block and the vocabulary of the text.

Returns one of the contract's types: underwriting_agreement, terms_agreement,
warrant, agency_agreement, indenture, other; and, for offering agreements, a
sub-type (ipo, follow_on, shelf, debt) used to pick the rule packs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DOC_TYPES = (
    "underwriting_agreement",
    "terms_agreement",
    "warrant",
    "agency_agreement",
    "indenture",
    "other",
)

_TITLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("terms_agreement", re.compile(r"^\s*(?:FORM OF\s+)?TERMS\s+AGREEMENT\s*$", re.I)),
    ("underwriting_agreement", re.compile(r"^\s*(?:FORM OF\s+)?(?:[A-Z][A-Za-z]*\s+){0,3}(?:UNDERWRITING|PURCHASE)\s+AGREEMENT\s*$")),
    ("underwriting_agreement", re.compile(r"^\s*(?:FORM OF\s+)?UNDERWRITING\s+AGREEMENT\s*$", re.I)),
    ("agency_agreement", re.compile(r"^\s*(?:FORM OF\s+)?(?:[A-Z][A-Za-z]*\s+){0,3}AGENCY\s+AGREEMENT\s*$", re.I)),
    ("warrant", re.compile(r"^\s*(?:FORM OF\s+)?(?:[A-Z][A-Za-z]*\s+){0,4}WARRANT(?:\s+CERTIFICATE)?\s*(?:TO PURCHASE.*)?$", re.I)),
    ("indenture", re.compile(r"^\s*(?:FORM OF\s+)?(?:[A-Z][A-Za-z]*\s+){0,4}INDENTURE\s*$", re.I)),
]

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


@dataclass(frozen=True)
class DocType:
    doc_type: str
    subtype: str | None
    evidence: str  # the title line or the vocabulary that decided it


def _count(text: str, pattern: str) -> int:
    return len(re.findall(pattern, text))


def detect(text: str) -> DocType:
    head = text[:6000]
    head_lines = [ln for ln in head.splitlines()[:80] if ln.strip()]
    title_type = None
    title_line = ""
    for ln in head_lines:
        s = ln.strip()
        if len(s) > 90:
            continue
        for kind, pat in _TITLE_PATTERNS:
            if pat.match(s):
                # "STOCK PURCHASE AGREEMENT" of an M&A deal is not an underwriting agreement:
                # confirm a purchase agreement by its vocabulary below.
                title_type, title_line = kind, s
                break
        if title_type:
            break

    body = text[:400000]
    n_underwriter = _count(body, r"\bUnderwriters?\b")
    n_agent = _count(body, r"\bAgents?\b")
    n_trustee = _count(body, r"\bTrustee\b")
    n_warrant = _count(body, r"\bWarrants?\b")
    n_holder = _count(body, r"\bHolder\b")
    securities = bool(
        re.search(r"\bProspectus\b", body)
        and re.search(r"\b(?:Registration Statement|Subscription Offering|Offering)\b", body)
    )

    doc_type = "other"
    evidence = title_line
    if title_type == "underwriting_agreement":
        if "PURCHASE" in title_line.upper() and "UNDERWRIT" not in title_line.upper() and n_underwriter < 10:
            doc_type, evidence = "other", f"title {title_line!r} without underwriters"
        else:
            doc_type = "underwriting_agreement"
    elif title_type == "terms_agreement":
        doc_type = "terms_agreement"
    elif title_type == "agency_agreement":
        doc_type = "agency_agreement" if securities else "other"
        if not securities:
            evidence = f"title {title_line!r} but no offering vocabulary"
    elif title_type == "warrant":
        doc_type = "warrant" if n_warrant >= 5 else "other"
    elif title_type == "indenture":
        doc_type = "indenture" if n_trustee >= 10 else "other"
    else:
        if n_underwriter >= 40 and re.search(r"\bUnderwriting Agreement\b|\bseveral Underwriters\b", body, re.I):
            doc_type, evidence = "underwriting_agreement", f"{n_underwriter} mentions of Underwriters"
        elif n_agent >= 10 and securities and re.search(r"\bAgency Agreement\b", body, re.I):
            doc_type, evidence = "agency_agreement", f"{n_agent} mentions of Agent in an offering"
        elif n_warrant >= 15 and n_holder >= 10 and re.search(r"\bexercis", body, re.I):
            doc_type, evidence = "warrant", f"{n_warrant} mentions of Warrant, {n_holder} of Holder"
        elif n_trustee >= 60 and re.search(r"\bIndenture\b", body):
            doc_type, evidence = "indenture", f"{n_trustee} mentions of Trustee"

    subtype = None
    if doc_type in ("underwriting_agreement", "terms_agreement"):
        has_terms = bool(re.search(r"\bTerms Agreement\b", body))
        debt = bool(re.search(r"\b(?:Debt Securities|Notes|Debentures|Indenture)\b", body[:20000]))
        shares = bool(re.search(r"\b(?:Firm|Optional)\s+(?:Shares|Securities|Stock)\b|\bCommon Stock\b", body[:20000]))
        if has_terms and doc_type == "underwriting_agreement":
            subtype = "shelf"
        elif debt and not shares:
            subtype = "debt"
        elif re.search(r"\binitial public offering\b|\bDirected Share Program\b|\bno (?:public )?market\b", body, re.I) or re.search(
            r"\bFile No\. 333-", body
        ) and not re.search(r"\bForm S-3\b", body):
            subtype = "ipo"
        else:
            subtype = "follow_on"
    return DocType(doc_type, subtype, evidence or "no title found")
