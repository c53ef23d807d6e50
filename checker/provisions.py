"""Which standard provisions an agreement has, and where.

Presence is decided from section headings and from characteristic wording,
never from one keyword: "Indemnification" as a heading counts, and so does a
sentence in which a party "will indemnify and hold harmless"; the word
"indemnity" in passing does not.  Provisions that only an offering agreement
has (underwriter default, lock-up, over-allotment option, contribution,
conditions of the underwriters' obligations) also need the offering's
vocabulary, so an employment or credit agreement never gets them by accident.

Public API::

    find_provisions(doc, obligations=None) -> dict[str, ProvisionHit]

Keys, for every document: governing_law, counterparts, notices,
indemnification, contribution, survival, termination, underwriter_default,
conditions, lockup, over_allotment_option.  For warrants (and documents that
speak of a Warrant throughout) also: exercise, expiration, adjustment,
transfer_restrictions, reservation_of_shares, fractional_shares,
net_exercise_formula.  A key is in the result only when the provision is
present; its hit names the evidence: the section, line and column, the heading
or the quoted words, and how it was found ("heading", "wording", "obligation").
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Optional

from .doctype import count_word
from .obligations import QUOTE_LIMIT, SentenceIndex, TextView, _aligned_lower, _Ctx, _find_cached, _norm, _quote_range, _sections, rx

__all__ = ["ProvisionHit", "find_provisions", "GENERAL_KEYS", "WARRANT_KEYS", "OFFERING_KEYS"]

GENERAL_KEYS = (
    "governing_law",
    "counterparts",
    "notices",
    "indemnification",
    "contribution",
    "survival",
    "termination",
    "underwriter_default",
    "conditions",
    "lockup",
    "over_allotment_option",
)
WARRANT_KEYS = (
    "exercise",
    "expiration",
    "adjustment",
    "transfer_restrictions",
    "reservation_of_shares",
    "fractional_shares",
    "notices",
    "governing_law",
    "net_exercise_formula",
)
#: keys that need the vocabulary of an offering (underwriters, agents, purchasers)
OFFERING_KEYS = frozenset({"underwriter_default", "lockup", "over_allotment_option", "contribution", "conditions"})

_HOW_RANK = {"heading": 0, "obligation": 1, "wording": 2, "attachment": 3}
_ATTACHMENTS = frozenset({"schedule", "exhibit", "annex", "appendix"})


@dataclass(frozen=True)
class ProvisionHit:
    key: str
    section: Optional[str]
    line: int
    column: int
    evidence: str  # the heading, or the quoted words
    how: str  # heading | wording | obligation | attachment (a heading inside a schedule or exhibit)
    heading: Optional[str] = None

    @property
    def quote(self) -> str:
        """The evidence, under the name findings use for quoted words."""
        return self.evidence

    def to_dict(self) -> dict:
        d = asdict(self)
        d["quote"] = self.evidence
        return d


# ---------------------------------------------------------------------------
# Headings
# ---------------------------------------------------------------------------

_HEADINGS: dict[str, re.Pattern[str]] = {
    "governing_law": re.compile(r"\bgoverning\s+laws?\b|\bapplicable\s+law\b|\bchoice\s+of\s+law\b|\bgoverning\s+law\b", re.I),
    "counterparts": re.compile(r"\bcounterparts?\b", re.I),
    "notices": re.compile(r"^(?:notices?|notice\s+provisions?|addresses\s+for\s+notices?)(?:\s*[;,.]|\s+etc\b|\s+and\b|\s*$)", re.I),
    "indemnification": re.compile(r"\bindemnif|\bindemnit", re.I),
    "contribution": re.compile(r"\bcontribution\b", re.I),
    "survival": re.compile(r"\bsurviv", re.I),
    "termination": re.compile(r"\bterminat", re.I),
    "underwriter_default": re.compile(
        r"\bdefault(?:s|ing)?\s+(?:of|by)?\s*(?:the\s+|an?\s+|any\s+|one\s+or\s+more\s+)?(?:several\s+)?(?:underwriters?|initial\s+purchasers?|purchasers?|agents?)\b"
        r"|\bdefaulting\s+(?:underwriters?|initial\s+purchasers?|purchasers?)\b|\bsubstitution\s+of\s+underwriters?\b",
        re.I,
    ),
    "conditions": re.compile(r"\bconditions?\s+(?:of|to|precedent)\b|\bconditions\s*$", re.I),
    "lockup": re.compile(r"\block-?\s*up\b|\bmarket\s+stand-?\s*off\b", re.I),
    "over_allotment_option": re.compile(r"\bover-?\s*allotment\b|\boption\s+(?:shares|securities)\b|\bgreen\s*shoe\b", re.I),
    "exercise": re.compile(r"^(?:method\s+of\s+|manner\s+of\s+|right\s+of\s+|procedure\s+for\s+)?exercise\b|\bexercise\s+of\s+(?:this\s+|the\s+)?warrants?\b", re.I),
    "expiration": re.compile(r"\bexpiration\b|\bterm\s+of\s+(?:this\s+)?warrant\b|^term\b|\bduration\b", re.I),
    "adjustment": re.compile(r"\badjustments?\b", re.I),
    "transfer_restrictions": re.compile(r"\btransfer\b|\btransferability\b|\brestrictions?\s+on\s+(?:transfer|sale)\b|\blegends?\b", re.I),
    "reservation_of_shares": re.compile(r"\breservation\b|\breserv(?:e|ed)\s+(?:shares|stock)\b", re.I),
    "fractional_shares": re.compile(r"\bfraction(?:al|s)\b", re.I),
}

_ANY_HEADING = re.compile("|".join(f"(?:{p.pattern})" for p in _HEADINGS.values()), re.I)
# a word (lower case) that every match of _ANY_HEADING holds: a heading in plain ASCII
# without any of them is passed over without trying the patterns
_HEADING_WORDS = re.compile(
    r"governing|applicable|choice|counterpart|notice|address|indemni|contribution|surviv|terminat|default|substitution"
    r"|condition|lock|stand|allotment|option|green|exercise|expiration|term|duration|adjustment|transfer|legend"
    r"|restriction|reserv|fraction"
)

# ---------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------

_OFFERING_WORDS = re.compile(r"\b(?:Underwriters?|Initial\s+Purchasers?|Placement\s+Agents?|Agents?|Representatives?)\b")

# In an offering agreement the termination provision is the underwriters' right to
# terminate before the closing (the market-out), stated as a right to terminate or as
# the conditions of the market-out (a suspension of trading, a banking moratorium or
# hostilities that make it impracticable to proceed).  The default clause's "this
# Agreement shall terminate without liability on the part of any non-defaulting
# Underwriter" is evidence of underwriter_default only.
_MARKET_OUT_RIGHT = rx(
    r"\b(?:may|shall) be terminated(?: at any time)?(?: prior to [^.;]{0,80}?)? by (?:the )?(?:Representatives?|Underwriters|you|Agents?|Purchasers|Initial Purchasers)\b"
    r"|\b(?:subject to termination|terminable) (?:in|at) the (?:absolute |sole )?discretion of (?:the )?(?:Representatives?|Underwriters|you|Agents?|Purchasers|Initial Purchasers)\b"
    r"|\b(?:Representatives?|Underwriters|you|Agents?|Purchasers)(?:,? (?:in (?:their|its|your) (?:absolute |sole )?discretion|by notice[^.;]{0,60}?),?)? (?:shall have the right to|may|shall be entitled to|may elect to) (?:at any time[^.;]{0,60}? )?terminate\b"
    r"|\bright (?:of the (?:Representatives?|Underwriters|Agents?|Purchasers) )?to terminate (?:this Agreement|the obligations of the (?:several )?(?:Underwriters|Agents?|Purchasers))",
    re.I,
)
_MARKET_OUT_EVENTS = rx(r"suspen\w* (?:or (?:material )?limitation )?(?:of |in )?trading|trading[^.;]{0,60}?suspended|moratorium|hostilities", re.I)
_MARKET_OUT_EFFECT = rx(r"impractica\w+ (?:or inadvisable )?to (?:proceed|market|enforce)|inadvisable to proceed", re.I)
_DEFAULT_TERMINATION = rx(r"non-?defaulting|defaulting (?:Underwriter|Purchaser|Agent)|\bdefaults?\b", re.I)


# A choice of law, however worded: "shall be governed by and construed in accordance
# with the laws of the State of New York", "construed and enforced in accordance with
# and subject to the laws of the State of Florida", "governed by English law", "the
# substantive Laws ... of the State of Alabama shall govern", "the law of the State of
# New York ... shall apply", "the law of the place where the Project is located",
# "exclusively governed by generally applicable Spanish legislation".  "Governed by the terms of the Plan", "to the extent
# permitted by applicable law", "nothing herein shall be construed as permitting ...
# under Applicable Laws" and an opinion "limited to matters governed by the Federal
# laws of the United States" (no "shall be governed") are not.
_CHOICE_OF_LAW = rx(
    r"\b(?i:shall|will|is|are|be|to)\s+(?:(?i:be|in|all|respects|for|purposes|exclusively|solely|subject|to|and|covered|by|construed|interpreted|governed|enforced|determined|under|both)\b,?\s+){0,6}?(?i:governed|construed|interpreted|enforced|controlled)\b(?!\s+(?i:as|to)\b)[^.;]{0,200}?"
    r"\b(?i:in\s+accordance\s+with|by|under|pursuant\s+to|according\s+to|to)\b,?\s+(?i:and\s+[\w-]+(?:\s+[\w-]+){0,4}\s*,?\s+)?"
    r"(?:(?i:the|all|applicable|generally|internal|substantive|domestic|local)\s+){0,3}"
    r"(?:(?i:laws?)\b(?i:\s+and\s+decisions)?(?:\s*\([^()]{0,100}\))?[^.;]{0,100}?\b(?i:of)\s+(?i:the\s+|that\s+|such\s+|this\s+|said\s+)?"
    r"(?:[A-Z]|(?i:state|commonwealth|province|place|jurisdiction|country)\b)"
    r"|(?!(?i:applicable)\b)(?:[A-Z][A-Za-z]+\s+){1,3}(?i:laws?|legislation)\b)"
    r"|\b(?i:laws?)\b[^.;]{0,120}?\b(?i:of)\s+(?i:the\s+|that\s+)?(?:[A-Z]|(?i:state|commonwealth)\b)[^.;]{0,200}?\b(?i:shall|will)\s+(?i:govern|apply|control)\b"
    r"|\b(?:[A-Z][a-z]+\s+){1,2}(?i:law)\s+(?i:shall|will)\s+(?i:govern|apply)\b"
    # "In accordance with the Labor Law of the People's Republic of China ..., both parties
    # have signed this Contract": the law the contract is made under
    r"|\b(?i:in\s+accordance\s+with|pursuant\s+to)\s+the\s+(?:[A-Z][\w'\u2019]*\s+){0,4}(?i:laws?)\s+of\s+(?:the\s+)?[A-Z][^.;]{0,200}?"
    r"\b(?i:signed|entered\s+into|concluded|made|executed)\s+(?i:this)\s+(?i:contract|agreement)\b"
)
# the body under a governing-law heading says something about the law: a heading
# left over a clause that no longer chooses a law is not a governing-law provision
_LAW_BODY = rx(r"\bgovern|\bconstru|\binterpret|\blaws?\s+(?:and\s+decisions\s+)?of\b", re.I)
_LAW_BODY_NAMED = rx(r"\b[A-Z][a-z]+\s+law\b")

# The notices wording:
#   \b(?:All|Any|Each|such) (?:statements, requests, )?(?:notices?|communications)... (?:shall|will|must) be (?:in writing|...)
#   |\bnotices?[^.]{0,80}?(?:shall|will) be (?:deemed )?... (?:given|delivered|received) (?:\(|upon|...)
#   |\bshall be deemed to have been (?:duly )?given\b            (case-insensitive)
# written to begin with the set of its first letters, each branch then taken after its own
# letter, so that the engine skips through a sentence to those letters (the same matches).
_NOTICES_ALL = (
    r" (?:statements, requests, )?(?:notices?|communications)(?:,? (?:requests|demands|consents|statements|and other communications|and agreements))*"
    r"[^.]{0,120}?(?:shall|will|must) be (?:in writing|deemed|given|delivered|sent|mailed|made)"
)
_NOTICES_WORDING = rx(
    r"[AaEeSs\u017fNn](?<!\w.)(?i:"
    r"(?<=[Aa])(?:ll|ny)" + _NOTICES_ALL
    + r"|(?<=[Ee])ach" + _NOTICES_ALL
    + r"|(?<=[Ss\u017f])uch" + _NOTICES_ALL
    + r"|(?<=[Nn])otices?[^.]{0,80}?(?:shall|will) be (?:deemed )?(?:to have been )?(?:duly )?(?:given|delivered|received) (?:\(|upon|when|if|on|three|five|two|one)"
    + r"|(?<=[Ss\u017f])hall be deemed to have been (?:duly )?given\b)"
)

_WORDING: dict[str, re.Pattern[str]] = {
    "governing_law": _CHOICE_OF_LAW,
    "notices": _NOTICES_WORDING,
    "indemnification": rx(
        r"\b(?:will|shall|agrees? to|hereby agrees? to|covenants? to|undertakes? to) (?:jointly and severally |severally and not jointly |severally )?"
        r"(?:indemnify(?:,)? (?:and )?(?:defend(?:,)? (?:and )?)?(?:save and )?hold harmless|indemnify and hold|indemnify(?:,)? defend)",
        re.I,
    ),
    "contribution": rx(
        r"\b(?:shall|will) contribute to (?:the )?(?:aggregate )?(?:amount|losses)|\brelative (?:fault|benefits?) (?:received|of)\b|\bentitled to contribution\b",
        re.I,
    ),
    # \bthis Agreement ... (?:be terminated|terminate)\b|\b(?:may|right to|entitled to|elect to) terminate ...
    # |\bIf this Agreement (?:shall be|is) terminated\b|\btermination of this Agreement\b (any case),
    # begun with the set of its first letters (as the notices wording below)
    "termination": rx(
        r"[TtMmRrEeIi\u0130\u0131](?<!\w.)(?i:"
        r"(?<=[Tt])his Agreement(?: \([^()]{0,250}\))? (?:may|shall|will)(?: thereupon)? (?:be terminated|terminate)\b"
        r"|(?:(?<=[Mm])ay|(?<=[Rr])ight to|(?<=[Ee])ntitled to|(?<=[Ee])lect to) terminate (?:this Agreement|the obligations of the (?:several )?(?:Underwriters|Agents?|Purchasers))"
        r"|(?<=[Ii\u0130\u0131])f this Agreement (?:shall be|is) terminated\b|(?<=[Tt])ermination of this Agreement\b)"
    ),
    "underwriter_default": rx(
        r"\b(?:any|one or more of the|an?) (?:Underwriters?|Initial Purchasers?|Purchasers?)(?: or (?:Underwriters|Initial Purchasers|Purchasers))? (?:shall |should )?(?:default|defaults|fail|fails)(?: in (?:its|their) obligations?)? to (?:purchase|take up)"
        r"|\bnon-defaulting (?:Underwriters?|Initial Purchasers?|Purchasers?)\b"
    ),
    "conditions": rx(
        r"\bobligations of the (?:several )?(?:Underwriters|Agents?|Purchasers|Initial Purchasers)[^.]{0,250}?(?:shall be |are |will be )?subject[^.]{0,120}?conditions?"
        r"|\bconditions? (?:precedent )?to the obligations of the (?:several )?(?:Underwriters|Agents?|Purchasers|Initial Purchasers)",
        re.I,
    ),
    "lockup": rx(r"\block-?up (?:letters?|agreements?|period|provisions?|restrictions?)\b", re.I),
    "over_allotment_option": rx(r"\bover-?allotments?\b", re.I),
    "exercise": rx(
        r"\b(?:this|the) Warrants? (?:shall|may) be exercis(?:ed|able)\b|\bexercise (?:of )?this Warrant\b|\bWarrant (?:is|shall be) exercisable\b",
        re.I,
    ),
    "expiration": rx(
        r"\bExpiration Date\b|\b(?:this|the) Warrants? (?:shall )?(?:expire|terminate|become void)\b|\bvoid after\b", re.I
    ),
    "adjustment": rx(
        r"\bsubject to adjustment\b|\b(?:Exercise|Stock Purchase|Warrant|Purchase) Price[^.]{0,120}?(?:shall be|be) (?:proportionately |appropriately )?(?:adjusted|reduced|increased)\b",
        re.I,
    ),
    "transfer_restrictions": rx(
        r"\b(?:shall|will) not be transferable\b|\bmay not be (?:sold|transferred|offered for sale|assigned)\b|\bwill not transfer (?:the|this) Warrant\b|\brestrictions? on (?:transfer|resale)\b",
        re.I,
    ),
    "reservation_of_shares": rx(
        r"\b(?:reserve|reserved|keep available|have authorized and reserved)\b[^.]{0,160}?\b(?:sufficient|number of (?:authorized )?(?:but unissued )?shares)\b",
        re.I,
    ),
    # the formula itself, never the right alone: "X = Y(A-B)/A", "equal to the quotient of ...
    # the difference between ...", "computed using the following formula"
    "net_exercise_formula": rx(
        r"\b[A-Z] ?= ?\(?[A-Z] ?(?:\(|[x*\u00d7])"
        r"|\bquotient (?:obtained by dividing|of)\b"
        r"|\b(?:computed|calculated|determined) (?:using|by|in accordance with|pursuant to) the following formula"
        r"|\bthe difference between\b[^.;]{0,240}?\b(?:divided by|over)\b"
        r"|\bmultiplied by\b[^.;]{0,200}?\bdivided by\b",
    ),
    "fractional_shares": rx(
        r"\bNo fractional (?:shares?|interests?) (?:shall|will|of)\b|\bin lieu of (?:issuing )?(?:any )?(?:such )?fractional (?:share|interest)",
        re.I,
    ),
}

# wording that counts only with the offering's vocabulary in the same sentence (or an offering document)
_NEEDS_OFFERING_WORDS = {"contribution", "underwriter_default", "conditions", "lockup", "over_allotment_option"}
_WARRANT_WORDING_NEEDS_WARRANT = {"exercise", "adjustment", "transfer_restrictions", "reservation_of_shares", "fractional_shares"}

# keys whose characteristic sentence is better evidence than the numbers it sets
_PREFER_WORDING = frozenset({"underwriter_default"})

# the obligations that show a provision, the most telling kind first
_OBLIGATION_KEYS = {
    "governing_law": ("governing_law",),
    "counterparts": ("counterparts",),
    "survival": ("survival",),
    "lockup": ("lockup", "lockup_extension"),
    "over_allotment_option": ("option_exercise_window", "option_size", "option_delivery_window"),
    "underwriter_default": ("default_threshold", "default_cure_period", "default_purchase_cap"),
    "expiration": ("warrant_expiration",),
    "contribution": ("contribution_cap",),
}

# lower-case words that every wording pattern of a key contains one of
_NEEDLES = {
    "governing_law": ("govern", "construed", "interpreted", "enforced", "controlled", "shall apply", "will apply",
                      "signed this contract", "concluded this contract", "entered into this contract"),
    "notices": ("notice", "communications"),
    "indemnification": ("indemnify",),
    "contribution": ("contribut", "relative fault", "relative benefit"),
    "termination": ("terminat",),
    "underwriter_default": ("default", "fail"),
    "conditions": ("condition",),
    "lockup": ("lock-up", "lockup", "lock up"),
    "over_allotment_option": ("allotment",),
    "exercise": ("exercis",),
    "expiration": ("expiration date", "expire", "void after", "become void", "terminate"),
    "adjustment": ("adjust", "reduced", "increased"),
    "transfer_restrictions": ("transferable", "may not be", "will not transfer", "restriction"),
    "reservation_of_shares": ("reserv", "keep available"),
    "fractional_shares": ("fraction",),
    "net_exercise_formula": ("quotient", "formula", "=", "divided by", "difference between"),
}
# the formula must be the net exercise's: the same sentence or clause speaks of it
_NET_CONTEXT = rx(
    r"in lieu of exercising|net (?:issue|issuance|exercise)|cashless|without (?:the )?payment of|surrender[^.;]{0,60}?(?:this|the) Warrant|(?:convert|exchange) (?:this|the) Warrant",
    re.I,
)



_FIND_PROVISIONS_RX1 = re.compile(r"\bterminat", re.I)
_FIND_PROVISIONS_RX2 = re.compile(r"price|shares|warrant|number|exercise", re.I)
_FIND_PROVISIONS_RX3 = re.compile(r"\bsurviv|\bexpenses?\b|\breimburse|\bdefault", re.I)
_FIND_PROVISIONS_RX4 = re.compile(r"\bWarrants?\b")


# heading (stripped) -> the keys whose heading pattern finds it, remembered for a batch
# (the same headings come back in document after document)
_KEYS_OF_HEADING: dict[str, frozenset] = {}


def _heading_keys(h: str) -> frozenset:
    """The keys of :data:`_HEADINGS` whose pattern finds heading ``h``."""
    got = _KEYS_OF_HEADING.get(h)
    if got is None:
        if (h.isascii() and _HEADING_WORDS.search(h.lower()) is None) or not _ANY_HEADING.search(h):
            got = frozenset()
        else:
            got = frozenset(key for key, pat in _HEADINGS.items() if pat.search(h))
        if len(_KEYS_OF_HEADING) >= 20000:
            _KEYS_OF_HEADING.clear()
        _KEYS_OF_HEADING[h] = got
    return got


_WARRANT_WORD = re.compile(r"Warrant(?![yi])")


def _count_warrant(t: str, limit: int) -> int:
    """Occurrences of "Warrant" in ``t[:limit]`` that are not "Warranty" or "Warranti(es)"
    (one scan; equal to counting the three words separately and subtracting; the
    pattern engine skips through the text to each capital W)."""
    return len(_WARRANT_WORD.findall(t, 0, min(len(t), limit)))


def find_provisions(doc: Any, obligations: Optional[list] = None) -> dict[str, ProvisionHit]:
    """The standard provisions present in ``doc``, each with its evidence."""
    view = TextView.of(doc)
    ctx = _Ctx(doc, view)
    offering = ctx.offering
    # "Warrant" as a word, not "Warranty"/"Warranties", 15 times or more (the word itself is
    # counted first: the pattern finds it no more often)
    t = view.text
    warranty = ctx.warrant or (
        count_word(t, "Warrant", 400000) >= 15 and _count_warrant(t, 400000) >= 15 and "exercis" in view.lower
    )
    keys = list(GENERAL_KEYS) + [k for k in WARRANT_KEYS if k not in GENERAL_KEYS and warranty]
    wanted = set(keys)
    best: dict[str, ProvisionHit] = {}

    def rank(hit: ProvisionHit) -> float:
        if hit.how == "wording" and hit.key in _PREFER_WORDING:
            return 0.5  # after a heading, before the obligations
        return float(_HOW_RANK[hit.how])

    def offer(hit: ProvisionHit) -> None:
        cur = best.get(hit.key)
        if cur is None or rank(hit) < rank(cur):
            best[hit.key] = hit

    # 1. headings
    for sec, parents in _sections(doc, view):
        heading = sec.heading
        if not heading or sec.omitted:
            continue
        h = heading.strip()
        named = _heading_keys(h)
        if not named:
            continue
        for key in keys:
            if key in best and _HOW_RANK[best[key].how] <= _HOW_RANK["heading"]:
                continue
            if key not in named:
                continue
            if key in OFFERING_KEYS and not offering:
                continue
            if key == "adjustment" and not _FIND_PROVISIONS_RX2.search(h) and not _HEADINGS["adjustment"].match(h):
                continue
            if key == "expiration" and _FIND_PROVISIONS_RX1.search(h) and not warranty:
                continue
            if key == "termination" and offering and (
                _HEADINGS["underwriter_default"].search(h) or _FIND_PROVISIONS_RX3.search(h)
            ):
                continue
            if key == "governing_law" and not _states_a_law(view, sec, h):
                continue
            how = "attachment" if (sec.kind in _ATTACHMENTS or any(a.kind in _ATTACHMENTS for a in parents)) else "heading"
            offer(ProvisionHit(key, sec.number or None, sec.span.line, sec.span.column, _norm(h), how, h))

    def weak(k: str, than: str) -> bool:
        if k not in best:
            return True
        limit = 0.5 if (than == "wording" and k in _PREFER_WORDING) else float(_HOW_RANK[than])
        return rank(best[k]) > limit

    # 2. the obligations that imply a provision
    missing = [k for k in keys if k in _OBLIGATION_KEYS and weak(k, "obligation")]
    if missing:
        if obligations is None:
            from .obligations import extract_obligations

            obligations = extract_obligations(doc)
        for key in missing:
            for kind in _OBLIGATION_KEYS[key]:
                ob = next((o for o in obligations if o.kind == kind), None)
                if ob is not None:
                    offer(ProvisionHit(key, ob.section, ob.line, ob.column, ob.quote[:QUOTE_LIMIT], "obligation", None))
                    break
    # 3. wording: a fast scan for each provision's words, then its full pattern on
    # the sentences holding them
    missing = [k for k in keys if k in _WORDING and weak(k, "wording")]
    if missing:
        index = SentenceIndex.of(doc, view)
        low = _aligned_lower(view)
        for key in missing:
            if key in _NEEDS_OFFERING_WORDS and not offering:
                continue
            tried: set[int] = set()
            needles = _NEEDLES[key]
            # (told from the lower-cased text when it holds each word where the pattern would)
            needs = _WORDING_NEEDS.get(key) if low is not None else None
            if key == "termination" and offering:
                needles = needles + ("impractica", "inadvisable")
            for pos in _find_cached(view, needles):
                # the sentence's bounds first: it is made (its nodes placed) only for a match
                sb = index.bounds_at(pos)
                if sb is None or sb[0] in tried:
                    continue
                tried.add(sb[0])
                if key == "termination" and offering:
                    m = _market_out(view.text, _Bounds(sb[0], sb[1]))
                elif needs is not None and not _holds_words(low, sb[0], sb[1], needs):
                    m = None  # a word every match holds is not in the sentence
                else:
                    m = _WORDING[key].search(view.text, sb[0], sb[1])
                if not m:
                    continue
                s = index.at(pos)
                if key == "net_exercise_formula" and not _net_context(view.text, s):
                    continue
                if key in _WARRANT_WORDING_NEEDS_WARRANT and not (ctx.warrant or _FIND_PROVISIONS_RX4.search(s.text)):
                    continue
                qs, qe = _quote_range(s, m.start(), m.end())
                line, col = view.linecol(qs)
                offer(ProvisionHit(key, s.number or None, line, col, _norm(view.text[qs:qe]), "wording", s.heading or None))
                break

    return {k: best[k] for k in keys if k in best and k in wanted}


# for a wording pattern, groups of words (lower case) of which every match holds one
# each: a sentence without them is passed over without trying the pattern
_WORDING_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    # "... shall/will/must be in writing/deemed/given/delivered/sent/mailed/made",
    # "... shall be deemed ... received", "shall be deemed to have been given"
    "notices": (("writing", "deemed", "given", "delivered", "sent", "mailed", "made", "received"), ("hall", "will", "must")),
    # "this Agreement", "terminate the obligations of the Underwriters"
    "termination": (("agreement", "obligations"),),
}


def _holds_words(low: str, a: int, b: int, needs: tuple[tuple[str, ...], ...]) -> bool:
    """Whether ``low[a:b]`` holds a word of each group of ``needs``."""
    find = low.find
    for group in needs:
        for w in group:
            if find(w, a, b) != -1:
                break
        else:
            return False
    return True


_STATES_A_LAW_RX1 = re.compile(r"\w+")


def _states_a_law(view: TextView, sec: Any, heading: str) -> bool:
    """Whether the section under a governing-law heading says anything about the
    law that governs (its own words, after the heading): a choice of law, a
    reference to the laws of a place, or to another agreement's governing law."""
    a = view.to_clean(sec.span.offset)
    b = view.to_clean(sec.span.end_offset)
    text = view.text[a:b]
    words = _STATES_A_LAW_RX1.findall(heading)
    if words:
        m = re.search(r"\W+".join(map(re.escape, words)), text[: len(heading) + 400], re.I)
        if m:
            text = text[m.end() :]
    return bool(_LAW_BODY.search(text) or _LAW_BODY_NAMED.search(text))


class _Bounds:
    """The start and end of a sentence, for the readers that need no more of it."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start = start
        self.end = end


def _market_out(text: str, s: Any) -> Optional[re.Match]:
    """The underwriters' right to terminate in sentence ``s`` of an offering
    agreement: a right to terminate, or the market-out events (trading suspended,
    banking moratorium, hostilities) that make it impracticable to proceed.  A
    termination that follows a default of underwriters is not one."""
    m = _MARKET_OUT_RIGHT.search(text, s.start, s.end)
    if m:
        if _DEFAULT_TERMINATION.search(text, s.start, s.end) and not _MARKET_OUT_EVENTS.search(text, s.start, s.end):
            return None
        return m
    ev = _MARKET_OUT_EVENTS.search(text, s.start, s.end)
    if ev and _MARKET_OUT_EFFECT.search(text, s.start, s.end):
        return ev
    return None


def _net_context(text: str, s: Any) -> bool:
    """Whether the formula in ``s`` is the net exercise's: the sentence, or one
    of the two before it in the same clause, speaks of net (cashless) exercise."""
    if _NET_CONTEXT.search(text, s.start, s.end):
        return True
    sents = getattr(s, "clause_sentences", None) or []
    for other in sents[max(0, s.index - 2) : s.index]:
        if _NET_CONTEXT.search(text, other.start, other.end):
            return True
    return False
