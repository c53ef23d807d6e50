"""Definition checks: terms used but never defined (DEF001), defined but never
used (DEF002), defined more than once (DEF003), "as defined in Section 4" when
the definition is elsewhere (DEF004), used outside the section a definition is
limited to (DEF005), and defined terms written in another form (DEF006).

Every check here errs on the side of silence: a capitalised phrase is taken for
an undefined term only when it looks like one (a defined-term head noun, used
mid-sentence at least twice, never a name, statute, heading or caption).
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from itertools import compress
from operator import itemgetter, methodcaller
from typing import Iterable, Optional

from ..model import Finding
from . import as_rule
from .blanks import _BY_LINE  # the start of a signature line: "By:", "Per:"
from .context import Context, literal_starts, matches_at, search_near, squash, trie_regex
from .terms import SMALL, Definition, Terms, Use, case_class, get_terms, unspace_hyphens, variants

# the only characters other than ASCII letters that a pattern ignoring case
# matches with an ASCII letter: "\u0130" and "\u0131" (i), "\u017f" (s), "\u212a" (k)
_FOLDING_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _plain_fold(s: str, low: str) -> bool:
    """Does ``low`` (``s.lower()``) hold a lower-case ASCII word exactly where
    a pattern ignoring case matches that word in ``s``?  So when every
    character keeps its place (``lower`` turns none into two) and none of
    the four characters that match an ASCII letter without being one is
    there: the places of a pattern's first words can then be found with
    str.find in ``low``, in text of any script."""
    return len(low) == len(s) and (s.isascii() or not any(c in s for c in _FOLDING_TO_ASCII))


# ---------------------------------------------------------------------------
# vocabulary
# ---------------------------------------------------------------------------

# head nouns of defined terms ("Closing Date", "Purchase Price", "Lock-Up Period")
_HEADS = frozenset(
    """Date Dates Time Period Periods Price Prices Amount Amounts Shares Securities Notes Stock
    Statement Statements Prospectus Prospectuses Event Events Party Parties Fee Fees Rate Rates
    Payment Payments Obligations Collateral Property Properties Documents Loan Loans Commitment
    Commitments Reason Cause Control Percentage Account Accounts Holder Holders Lender Lenders
    Borrower Borrowers Guarantor Guarantors Agent Agents Notice Value Income Expenses Costs
    Assets Liabilities Year Quarter Units Warrants Option Options Entities Entity Persons Person
    Subsidiary Subsidiaries Affiliate Affiliates Package Materials Termination Default Defaults
    Condition Conditions Requirements Territory Products Services Software Facility Facilities
    Premises Proceeds Consideration Salary Bonus Compensation Benefits Indebtedness Liens Purchaser
    Purchasers Seller Sellers Buyer Investor Investors Participant Participants Deadline Deposit
    Balance Obligor Obligors Transaction Transactions Closing Shortfall Interests Award Awards
    Grant Indemnitee Indemnitees Premium Proceeding Tranche Advance Advances Draw Ratio Threshold
    Trigger Escrow Policy Policies Certificate Certificates Instruments Portfolio Program
    Stockholders Shareholders Effect Change Offering Offerings Information Application""".split()
)
# single words used as party and role names ("the Representatives", "the Executive")
_ROLES = frozenset(
    """Representative Representatives Underwriter Underwriters Agent Agents Holder Holders
    Purchaser Purchasers Seller Sellers Buyer Buyers Borrower Borrowers Lender Lenders Guarantor
    Guarantors Issuer Issuers Executive Employee Consultant Contractor Landlord
    Tenant Licensor Licensee Subscriber Investor Investors Stockholder Stockholders Shareholder
    Shareholders Owner Manager Participant Participants Custodian Depositary Indemnitee Optionee
    Grantee Assignor Assignee Distributor Supplier Customer Vendor Licensees""".split()
)
# words that make a capitalised phrase a name, a statute, a place or an office
_PROPER = frozenset(
    """Inc Incorporated Corporation Corp Co LLC LLP Ltd Limited Bank Banks Trust Fund Funds Partners
    Partnership Street Avenue Road Drive Suite Floor Plaza Building Boulevard Center Centre States
    State United America American York Hampshire Zealand Orleans Delhi California Delaware Washington Nevada Texas Florida
    Illinois Massachusetts Jersey Pennsylvania Ohio Maryland Virginia Georgia Colorado Minnesota
    Michigan Connecticut Act Code Rule Rules Regulation Regulations Form Section Sections Article
    Articles Exhibit Exhibits Schedule Schedules Annex Appendix Commission Exchange Nasdaq Board
    Directors Court Courts Department Treasury Service Internal Revenue Federal Reserve Association
    National Office Secretary President Officer Chief Vice Chairman University County City District
    Republic Kingdom International Global Holdings Group Securities_Act Agreement Agreements Plan
    Plans Indenture Charter Bylaws By-laws By-Laws Memorandum Letter Certificate Articles Amendment
    Restated Amended Street Islands Island Canada England Europe European Japan China India Mexico
    Street Mr Ms Mrs Dr Esq Honorable Governor Governmental Government Authority Agency Administration
    Standards Accounting Principles GAAP Generally Accepted Financial Industry Regulatory Deposit
    Insurance FDIC Federal Home Loan Mortgage Thrift Supervision Comptroller Currency Cayman Bermuda
    Luxembourg Netherlands Switzerland Germany France Ireland Kong Singapore Australia Israel Korea
    Taiwan Brazil Chapter Title Part Item Paragraph Clause Party Parties Central Eastern Western
    Pacific Atlantic Mountain Standard Daylight Time Stock_Exchange Market Markets Global_Market
    Select Capital Management Investment Investments Advisers Advisors Company Companies""".split()
)
_MONTHS = frozenset(
    "January February March April May June July August September October November December".split()
)
# sentence-initial words that are not part of a term
_LEADS = frozenset(
    """The This That These Those Such Each Every Any All No Neither Nor Either If In On Upon Under
    For From With Without By To At As Of Or And But Unless Until After Before Prior Subject
    Notwithstanding Except Other Our Your Their Its His Her Said Both Some Not When Where While
    Whether Within During Following Pursuant Provided Further Also Then Thereafter Hereunder Among
    Between Against Through Throughout Since Whereas Now Therefore Following""".split()
)
_GENERIC_LOWER = frozenset(
    """material adverse effect business day business days registration statement common stock
    preferred stock effective date closing date time of delivery purchase price net proceeds
    working capital board of directors fiscal year fiscal quarter""".split("\n")
)
_GENERIC_LOWER = frozenset(
    {
        "material adverse effect", "business day", "business days", "registration statement",
        "registration statements", "common stock", "preferred stock", "effective date",
        "purchase price", "net proceeds", "fiscal year", "fiscal quarter", "board of directors",
        "stock exchange", "trading day", "trading days", "offering price", "public offering price",
        "exercise price", "credit agreement", "security agreement", "base salary",
        "confidential information", "intellectual property", "real property", "personal property",
        "financial statements", "tax returns", "subsidiary", "subsidiaries", "affiliate",
        "affiliates", "person", "persons", "prospectus", "preliminary prospectus",
        "purchase agreement", "warrant agreement", "escrow agent", "paying agent", "transfer agent",
        "rules and regulations", "initial registration statement", "additional registration statement",
        "ordinary course of business", "business days",
    }
)

_INCORPORATED_BY_REF = re.compile(
    r"(?:(?:capitali[sz]ed|defined)\s+terms|(?:all\s+)?(?:other\s+)?terms)\s+(?:used|not\s+(?:otherwise\s+)?defined)[^.]{0,200}?"
    r"(?:have|has|shall\s+have|will\s+have)\s+the\s+(?:respective\s+)?meanings?\s+(?:given|assigned|ascribed|set\s+forth|specified|provided)"
    # "Capitalized terms used but not defined herein are used as defined in the Credit
    # Agreement" (not "accounting terms ... shall be used as defined under GAAP")
    r"|(?:capitali[sz]ed|defined)\s+terms\s+(?:used|not\s+(?:otherwise\s+)?defined)[^.]{0,200}?"
    r"(?:are|is|shall\s+be)\s+used\s+(?:herein\s+)?as\s+(?:therein\s+)?defined",
    re.I,
)
# the words one of those sentences must contain (where _INCORPORATED_BY_REF is tried)
_INCORPORATED_ANCHORS = ("meaning", "used as", "used herein as")
# the words (lower case) one of its matches starts with
_INCORPORATED_FIRST = ("capitali", "defined", "all", "other", "terms")


class _IncorporatedByRef:
    """``_INCORPORATED_BY_REF.search(text, pos, endpos)``, the pattern tried
    only where one of the words its matches start with is (in a stretch of
    text where lower case is what the pattern's case folding matches:
    ``_plain_fold``); the engine would try it at every place (it has no
    literal first)."""

    def search(self, text: str, pos: int, endpos: int):
        win = text[pos:endpos]
        low = win.lower()
        if not _plain_fold(win, low):
            return _INCORPORATED_BY_REF.search(text, pos, endpos)
        match = _INCORPORATED_BY_REF.match
        for i in literal_starts(low, _INCORPORATED_FIRST):
            m = match(text, pos + i, endpos)
            if m is not None:
                return m
        return None


_INCORPORATED = _IncorporatedByRef()

_AMENDMENT_TEXT = re.compile(
    r"(?i:\bamendment\s+(?:no\.\s*\d+\s+)?to\s+(?:the\s+|that\s+certain\s+)?[A-Z]|\bhereby\s+amend)"
)
# a title line: "AMENDMENT NO. 2", "FIRST SUPPLEMENTAL INDENTURE", "CHANGE ORDER NO. 5", "WAIVER"
# (not a table of contents' "SUPPLEMENTAL INDENTURES" or "Amendments and Waivers")
_AMENDMENT_TITLE = re.compile(
    r"(?m)^[^\S\n]*(?:[A-Z][A-Z\- ]{0,40})?(?:AMENDMENT|Amendment|CHANGE\s+ORDER|WAIVER|JOINDER|ADDENDUM|SUPPLEMENT(?:AL)?)(?![A-Za-z])"
    r"(?![^\n]*(?:INDENTURES|AGREEMENTS|AMENDMENTS|WAIVERS|SUPPLEMENTS|\.{4}|[^\S\n]{3,}\d+[^\S\n]*$))[^\n]{0,60}$"
)


# one of these is in every match of _AMENDMENT_TITLE
_AMENDMENT_TITLE_WORDS = ("AMENDMENT", "Amendment", "CHANGE", "WAIVER", "JOINDER", "ADDENDUM", "SUPPLEMENT")


class _Amendment:
    """Is the document an amendment, a supplement, a waiver or a change order
    (which use the terms and sections of the instrument they amend)?"""

    def __init__(self) -> None:
        self._last: tuple[Optional[str], bool] = (None, False)

    def search(self, head: str) -> bool:
        # the checks of one document ask about the same head in turn
        last, found = self._last
        if head == last:
            return found
        found = self._search(head)
        self._last = (head, found)
        return found

    def _search(self, head: str) -> bool:
        title = head[:1500]
        # (each pattern tried only when a word it needs is there)
        if any(w in title for w in _AMENDMENT_TITLE_WORDS) and _AMENDMENT_TITLE.search(title):
            return True
        low = head.lower()
        if "amend" not in low and _plain_fold(head, low):
            return False  # (each of the pattern's matches holds the word)
        return bool(_AMENDMENT_TEXT.search(head))


_AMENDMENT = _Amendment()
# a capitalised word: "Closing", "Lock-Up", "Company's".  The runs of letters
# and of spaces are possessive (no giving back): what may follow each is
# neither a letter nor a space, so giving back could never lead to a match -
# the same matches, without the engine trying it at every capital.  (Not the
# "'s": without it, what follows may end the phrase.)
_CAP = r"[A-Z][a-z]++(?:[-\u2010\u2011\u00ad][A-Za-z]++)*+(?:'s)?"
# (the look-behind after the first capital, not before it: the search can then
# skip ahead to a capital letter; the same matches)
# (group 1: the last word)
_PHRASE = re.compile(
    r"[A-Z](?<![\w\-'\u2019\u2010\u2011\u00ad][A-Z])" + _CAP[len("[A-Z]"):] + r"(?:[^\S\n]++(?:(?:of|and|for|to|in|on|under|the)[^\S\n]++)?(" + _CAP + r")){1,4}(?![\w\-])"
)
_PHRASE_LAST_WORDS = frozenset(
    w + s for w in _HEADS | {"Stock"} | {x.split()[-1] for x in ("Rules and Regulations", "Regulations and Rules")} for s in ("", "'s")
)
_SINGLE = re.compile(r"the(?<!\wthe)\s+(" + trie_regex(_ROLES) + r")\b(?![\w\-])(?!\s+(?:[A-Z]|of\s+[A-Z]))")


def _line_bounds(text: str, i: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, i) + 1
    b = text.find("\n", i)
    return a, (len(text) if b < 0 else b)


_LINE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _heading_like_line(text: str, i: int) -> bool:
    a, b = _line_bounds(text, i)
    line = text[a:b].strip()
    # the words that are not small words, counted only up to 13: a line of
    # more is no heading (a paragraph written on one line is not read through)
    n = caps = 0
    for m in _LINE_WORD.finditer(line):
        w = m.group()
        if w.lower() in SMALL:
            continue
        n += 1
        if n > 12:
            return False
        if w[0].isupper():
            caps += 1
    if not n:
        return False
    return caps >= 0.8 * n and not line.endswith((",", ";"))


_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DEL_LETTERS = str.maketrans("", "", _ASCII_LETTERS)
_DEL_UPPER = str.maketrans("", "", _ASCII_LETTERS[26:])


def _in_caps_context(text: str, a: int, b: int) -> bool:
    win = text[max(0, a - 40) : b + 40]
    if win.isascii():
        # the same counts without a loop: the letters and the capitals deleted
        n = len(win)
        letters_n = n - len(win.translate(_DEL_LETTERS))
        return bool(letters_n) and n - len(win.translate(_DEL_UPPER)) > 0.8 * letters_n
    letters = [c for c in win if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def _at_sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\"'(\u201c[":
        j -= 1
    if j < 0:
        return True
    if text[j] == "\n":
        k = j - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if k < 0 or text[k] in "\n.:;!?":
            return True
        # a line that is only a label ("(a)", "1.", "Section 5.") before it
        a, _ = _line_bounds(text, k)
        prev = text[a : k + 1].strip()
        return bool(re.fullmatch(r"(?:\(?[0-9a-zA-Z]{1,5}[.)]|Section\s+[\d.]+\.?|ARTICLE\s+\w+)", prev))
    if text[j] in ".:;!?":
        return True
    if text[j] == ")":
        # "(a) Closing Date ..." - an enumerator before it
        k = text.rfind("(", max(0, j - 6), j)
        return k >= 0 and re.fullmatch(r"\([0-9a-zA-Z]{1,5}\)", text[k : j + 1]) is not None
    return False


def _all_variants(phrase: str) -> list[str]:
    """Forms of a phrase: plural and singular of its last word, and of the
    word before "of", "for" ... ("Events of Default" / "Event of Default",
    "Applications for Payment")."""
    out = set(variants(phrase))
    m = re.match(r"^(\S+)( (?:of|for|to|in|under|on) .+)$", phrase)
    if m:
        for v in variants(m.group(1)):
            out.add(v + m.group(2))
    return list(out)


def _composed_of_defined(phrase: str, defined: set[str]) -> bool:
    """"Registration Statement and Prospectus", "Holders of Securities",
    "Outstanding Securities": defined terms joined, or a defined term with a
    defined modifier - not a new term."""
    words = phrase.split()
    if words[0].endswith(("'s", "s'", "\u2019s")) and " ".join(words[1:]).lower() in defined:
        return True  # "Lender's Revolving Commitment"
    for i, w in enumerate(words):
        if w.lower() in ("of", "and", "for", "to", "in", "on", "under", "the"):
            left, right = " ".join(words[:i]), " ".join(words[i + 1 :])
            if (left and left.lower() in defined) or (right and right.lower() in defined):
                return True
    if len(words) >= 2 and words[0].lower() in defined and " ".join(words[1:]).lower() in defined:
        return True
    return False


_ENTITY_AFTER = re.compile(
    r"\s*(?:\([A-Z][A-Za-z.]{1,6}\)\s*)?,?\s*(?:Inc|LLC|L\.?L\.?C|L\.?P|LLP|Ltd|Corp|Corporation|Company|Co\.|N\.A|plc|AG|S\.A|GmbH|B\.V|Limited|Incorporated)\b"
)


def _in_brackets(text: str, i: int) -> bool:
    a = text.rfind("[", max(0, i - 300), i)
    if a < 0:
        return False
    return text.find("]", a, i) < 0 and text.find("]", i, i + 300) >= 0


# what may stand between a term and the words saying where it is defined: a
# second term sharing them ("Reportable Event or Prohibited Transaction, as
# defined in ERISA", "... or prohibited transaction (each as defined in ERISA)")
_POINTER_LEAD = r"\s*(?:(?:or|and)\s+(?:[\w\-']+\s+){0,4}?[\w\-']+\s*)?,?\s*\(?\s*(?:each\s+|both\s+)?"
# "(as defined below)", "(as hereinafter defined)", "as defined in Section 5": a
# definition promised in this document (which the document does not give)
_INTERNAL_POINTER = re.compile(
    _POINTER_LEAD + r"as\s+(?:such\s+term\s+is\s+)?(?:(?:hereinafter|hereinbelow|hereinabove|herein|below|above)\s+defined|"
    r"defined\s+(?:below|above|herein|hereinafter|hereunder|in\s+(?:this\s+Agreement|Section|Article|paragraph|subsection)\b))",
    re.I,
)


_WS = re.compile(r"\s+")


def _ws1(s: str) -> str:
    r"""``_WS.sub(" ", s)``: every run of white space made one space (str.split
    and the pattern's ``\s`` know the same white space), without the cost of a
    regular expression on short strings."""
    parts = s.split()
    if not parts:
        return " " if s else ""
    out = " ".join(parts)
    if s[0].isspace():
        out = " " + out
    if s[-1].isspace():
        out += " "
    return out


# a list of definitions without quotation marks: "(j) Improvements: The buildings ...",
# "(s) Premises. The Land and the Improvements", "Required Lenders shall mean, at any time, ...",
# "Loan(s) is defined in Section 2.1.", "Continuation/Conversion Notice shall mean ..."
# (the runs of letters, digits and spaces possessive where what may follow
# them is none of theirs, so that giving back could never lead to a match:
# the same matches, without the engine trying every shorter run at each line).
# The term's words are taken possessively too: a shorter term is followed by
# white space and a word that is a small word or starts with a capital,
# where the words that end a term (":", ".", "means", "shall mean", "is
# defined in", "are defined in") cannot start, so giving words back could
# never lead to a match either; a line that is no definition fails at once
_LISTED = re.compile(
    r"(?m)^[^\S\n]*+(?:(?:\(?[a-zA-Z0-9]{1,5}+[.)]|\d++(?:\.\d++)++\.?)[^\S\n]++)?"
    r"([A-Z][\w'\u2019\-]*+(?:/[A-Z][\w'\u2019\-]*+)?+(?:[^\S\n]++(?:of|and|or|to|for|in|the|on|under|[A-Z][\w'\u2019\-]*+)){0,6}+)[^\S\n]*([:.]|[^\S\n](?:means|shall\s+mean|shall\s+have\s+the\s+meaning|(?:is|are)\s+defined\s+in)\b,?)[^\S\n]++\S"
)
# _LISTED after a line break (the line break first: the search skips ahead to it)
_LISTED_NL = re.compile("\n" + _LISTED.pattern[len("(?m)^") :], re.M)


def _listed_matches(text: str):
    """(start, match) of every match of ``_LISTED.finditer(text)``.  A match
    starts a line and holds no line break, so it is one at the start of the
    text or one of ``_LISTED_NL`` (whose groups are the same) just after a
    line break."""
    pos = 0
    m = _LISTED.match(text, 0)
    if m is not None:
        yield 0, m
        pos = m.end()
    for m in _LISTED_NL.finditer(text, pos):
        yield m.start() + 1, m


_DEFINITIONS_CUE = re.compile(r"(?i)\bdefinitions\b|following\s+terms|following\s+meanings|defined\s+terms")


def _first_cue(text: str, low: Optional[str]) -> Optional[int]:
    """Where ``_DEFINITIONS_CUE.search(text)`` matches first, or None.  Where
    lower case matches as the pattern's case folding does (``_plain_fold``),
    the pattern is tried only where one of its first words begins."""
    if low is None or not _plain_fold(text, low):
        m = _DEFINITIONS_CUE.search(text)
        return m.start() if m else None
    # the places where one of the words begins, in order, each found only
    # when the places before it have failed (the first cue is mostly early)
    match = _DEFINITIONS_CUE.match
    find = low.find
    words = ("definitions", "following", "defined")
    nxt = [find(w) for w in words]
    while True:
        p = min((i for i in nxt if i >= 0), default=-1)
        if p < 0:
            return None
        if match(text, p):
            return p
        for k, w in enumerate(words):
            if nxt[k] == p:
                nxt[k] = find(w, p + 1)


def _listed_terms(text: str, low: Optional[str] = None) -> set[str]:
    """Terms of a definitions list written without quotation marks (lower case,
    with their singular and plural forms).  ``low``: ``text.lower()``, when the
    caller has it."""
    out: set[str] = set()
    cue: Optional[int] = -1  # not looked for yet
    for start, m in _listed_matches(text):
        term = m.group(1)
        if m.group(2) == "." and cue == -1:
            cue = _first_cue(text, low)
        if m.group(2) == "." and (cue is None or cue > start):
            continue  # "Premises." as a definition only in a list of definitions
        if term.split()[0] in _LEADS or term.split()[-1].lower() in SMALL:
            continue
        for v in variants(squash(term)):
            out.add(v.lower())
    return out


def _inside_longer(text: str, a: int, b: int, keys: list[str]) -> bool:
    """Is text[a:b] part of an occurrence of one of the (lower-case) ``keys``?"""
    for k in keys:
        # the phrase in the middle of the window, whitespace squashed, so
        # that a term broken over two lines is still seen whole (and one
        # broken after its hyphen: "A Swing- Line Advance")
        left = unspace_hyphens(_ws1(text[max(0, a - 2 * len(k) - 20) : a]).lower())[-(len(k) + 1) :]
        right = _ws1(text[b : b + 2 * len(k) + 20]).lower()[: len(k) + 1]
        mid = _ws1(text[a:b]).lower()
        win = left + mid + right
        i = win.find(k)
        while i >= 0:
            if i <= len(left) and i + len(k) >= len(left) + len(mid):
                return True
            i = win.find(k, i + 1)
    return False


_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d\n]{2,80})[\"\u201d]")


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def _defined_families(terms: Terms, strict: bool = False) -> set[str]:
    """Every form of the defined terms, lower case.  ``strict``: leave out the
    terms only extended ("the term 'Underwriter' shall include any person
    substituted ..."), which presuppose a definition rather than give one."""
    out: set[str] = set()
    for key, defs in terms.by_key.items():
        if strict and defs and all(d.form == "includes" for d in defs):
            continue
        for v in variants(key):
            out.add(v.lower())
        out.add(key.lower())
    return out


# ---------------------------------------------------------------------------
# DEF001: used as a defined term, never defined
# ---------------------------------------------------------------------------

# "Capitalized terms used and not defined herein have the meanings set forth in
# the Indenture": the instruments named after the clause
_BORROWED_FROM = re.compile(r"[^.;]{0,300}")
# instruments of an offering, which define the offering documents
_OFFERING_INSTRUMENT = re.compile(
    r"\b(?:Underwriting|Purchase|Placement|Distribution|Agency|Sales|Subscription|Terms|Pricing|Remarketing|Dealer|Dealer\s+Manager)\s+Agreements?\b"
)
# the offering documents: terms of the agreement that sells the securities,
# never of an indenture, a trust, pledge, unit, warrant or purchase contract agreement
_OFFERING_DOC_TERM = re.compile(
    r"(?:(?:[A-Z][a-z]+\s+)*(?:Prospectus|Prospectuses)|(?:[A-Z][a-z]+\s+)*Disclosure\s+Package|(?:[A-Z][a-z]+\s+)*Registration\s+Statements?|"
    r"(?:[A-Z][a-z]+\s+)*Term\s+Sheet|(?:[A-Z][a-z]+\s+)*Offering\s+(?:Memorandum|Circular|Materials))"
)
# the words of a class of stock ("Common Stock", "Class A Preferred Stock")
_STOCK_CLASS = frozenset(("Common", "Preferred", "Capital", "Class", "Series", "Ordinary"))
# a phrase led by an acronym: "MHC Application", "OTS Approval"
_ACR_PHRASE = re.compile(
    r"([A-Z](?<![\w\-'\u2019.&][A-Z])[A-Z]{1,5}+)[^\S\n]++(" + _CAP + r"(?:[^\S\n]++" + _CAP + r"){0,2})(?![\w\-])"
)
# words after "the" that are names of offices, regulators, places or kinds of
# instrument, not short forms that need a definition ("the Board", "the Exchange")
_SHORT_FORM_STOP = frozenset(
    """Board Commission Exchange Division Department Office Agency Authority Reserve Service Services
    Treasury System Bureau Administration Secretary Commissioner Comptroller Superintendent Government
    Court Courts State States Company Corporation Association Bank Banks Trust Fund Partnership Plan
    Agreement Indenture Trustee Agent Program Act Law Laws Statute Statutes Regulations Rules Rule
    Regulation Fund Funds Group Holdings Committee Council Congress Senate House District County City
    Commonwealth Territory Republic Kingdom Union Community Street Center Centre Building Market
    Markets Insurance Corp Inc Society Institute University College School Foundation Church Hospital
    Administrator Director Directors Officer Officers Governors Members Member Shareholders Stockholders
    Depositors Holders Notes Securities Shares Stock Bonds Debentures Warrants Units Offering Offerings
    Application Statement Prospectus Registration Form Forms Schedule Exhibit Annex Appendix Section
    Article Chapter Title Part Item Paragraph Clause Certificate Charter Bylaws Policy Policies""".split()
)
_CODE_WORD = re.compile(r"(?:Code|Compilation|Book|Digest|Accord)(?![\w\-])")
_CODE_WORDS = ("Code", "Compilation", "Book", "Digest", "Accord")


def _code_words(text: str, end: int) -> list[tuple[int, int, str]]:
    """(start, end, word) of every match of ``_CODE_WORD`` in text[:end], in
    order: each word found with str.find, faster than the engine trying
    the pattern at each of their first letters.  (No two of the words can
    overlap, nor two of them match at one place: these are all the matches.)"""
    out = []
    for w in _CODE_WORDS:
        n = len(w)
        i = text.find(w, 0, end)
        while i >= 0:
            j = i + n
            # (?![\w\-]), the text read as ending at ``end`` (as finditer's endpos does)
            if j >= end or not (text[j] == "-" or text[j] == "_" or text[j].isalnum()):
                out.append((i, j, w))
            i = text.find(w, j, end)
        # (the next search from the word's end: an occurrence cannot start inside it)
    out.sort()
    return out
# the last word of a name that the document may go on to use alone ("the Internal Revenue
# Code of 1986 ... the Code", "the Legal Opinion Accord ... the Accord")
_SHORT_NAME_WORDS = frozenset({"Code", "Accord"})
_CODE_TAIL = re.compile(r"[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?((?:[A-Z][a-z]+[^\S\n]+){1,2}(?:Regulations|Rules|Laws|Statutes))(?![\w\-])")
_OF_CAP = re.compile(r"[^\S\n]+of[^\S\n]+[A-Z]")
# (in these four the first word's capital leads, the look-behind after it, so
# that the search skips ahead to a capital: the matches of "(?<![\w\-])(?:word){m,n}")
_NAME_BEFORE = re.compile(r"[A-Z](?<![\w\-][A-Z])[a-z]+[^\S\n]+(?:[A-Z][a-z]+[^\S\n]+){0,2}$")
_ACT_WORD = re.compile(r"Act(?![\w\-])")
_FIRM_SUFFIX = re.compile(r"[PLI](?<![\w.][PLI])(?:\.C\.|C|\.?L\.?P\.?|LC|nc\.|td\.|\.A\.|LLC)(?![A-Za-z])")
# the same for each of its first letters: a pattern with a literal first is
# searched for faster than one with a set of letters first
_FIRM_SUFFIX_BY_LETTER = tuple(
    re.compile(c + r"(?<![\w.]" + c + r")(?:\.C\.|C|\.?L\.?P\.?|LC|nc\.|td\.|\.A\.|LLC)(?![A-Za-z])") for c in "PLI"
)


def _firm_suffixes(text: str, end: int) -> list[re.Match]:
    """``list(_FIRM_SUFFIX.finditer(text, 0, end))``: the matches of each
    first letter's pattern, in order.  (No match starts inside another: a
    letter or a full stop is before every place inside one, which the
    look-behind refuses; so these are all the matches.)"""
    out = []
    for p in _FIRM_SUFFIX_BY_LETTER:
        out += p.finditer(text, 0, end)
    out.sort(key=_START)
    return out
# the words of a firm's name just before its suffix
_FIRM_NAME = re.compile(r"([A-Z](?<![\w\-][A-Z])[a-z]+(?:,?\s+|\s*&\s*)(?:[A-Z][a-z]+(?:,?\s+|\s*&\s*)){1,5})$")
# the words of a statute's name just before "Act"
_ACT_LONG_NAME = re.compile(r"([A-Z](?<![\w\-][A-Z])[a-z]+\s+(?:(?:of|and|the)\s+)?(?:[A-Z][a-z]+\s+(?:(?:of|and|the)\s+)?){1,5})$")


# "Pricing Date (as defined in the Terms Agreement)", "(as set forth in the
# Indenture)": a pointer to a definition elsewhere (but not "shares of Common
# Stock as set forth in the Terms Agreement", which says where a number is)
_DEFINED_ELSEWHERE = re.compile(
    _POINTER_LEAD + r"(?:as\s+(?:such\s+term\s+is\s+)?defined|within\s+the\s+meaning)|\s*\(\s*as\s+set\s+forth\s+in", re.I
)


# a lower-case mention this close before a capitalised use, in one paragraph,
# is where the definition was dropped: '...in a community offering, ... The Community Offering'
_NEAR = 400
# "the Rules and Regulations" on their own name no body of rules: a defined
# term (the Commission's rules under the Act), as in most offering agreements
_GENERIC_RULES = frozenset(("Rules and Regulations", "Regulations and Rules"))
_INDEFINITE_BEFORE = re.compile(r"\b(?:a|an)\s+$")


_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]")
# a word in capitals right before a phrase ("LIBOR Interest Rate"), or a
# capitalised word right after it ("Common Stock Purchase Warrant")
_CAPS_WORD_BEFORE = re.compile(r"\b[A-Z]{2,}[^\S\n]+$")
_NAME_GOES_ON = re.compile(r"[^\S\n]+(?:[A-Z][a-z]|[A-Z]{2,})")


def _in_quotes(text: str, a: int, b: int) -> bool:
    """Is text[a:b] inside a quotation ('"Business -- Intellectual Property,"'):
    an opening quotation mark shortly before it and a closing one shortly after,
    none between?"""
    i = max(text.rfind('"', max(0, a - 150), a), text.rfind("\u201c", max(0, a - 150), a), text.rfind("\u201d", max(0, a - 150), a))
    if i < 0 or text[i] == "\u201d" or (text[i] == '"' and i and text[i - 1] not in " \t\n(["):
        return False
    m = _QUOTE_MARK.search(text, b, b + 80)
    if m is None:
        return False
    j = m.start()
    return text[j] == "\u201d" or (text[j] == '"' and text[j - 1] not in " \t\n" and (j + 1 >= len(text) or not text[j + 1].isalnum()))


# the opening of an instrument of its own: "FORM OF ...", a letter's salutation,
# a "Dated:" or "TO:" line
_FORM_OPENING = re.compile(r"(?i)\bform\s+of\b|\bdear\s+sirs?\b|\bladies\s+and\s+gentlemen\b|^[^\S\n]*(?:dated|to)[^\S\n]*:", re.M)


def _own_form_test(ctx: Context, terms: Terms):
    """``test(offset)``: is the offset inside an attached form of another
    instrument (a form of terms agreement, of a note, of an opinion: it opens
    as an instrument of its own), whose definitions are that instrument's?
    Not an attached glossary ("Annex A - Definitions"), nor general
    conditions or schedules, which define terms for the whole document."""
    body_end = ctx.body_end
    owns: dict[int, bool] = {}
    ranges = ctx.form_ranges  # sorted
    starts = [a for a, _b, _n in ranges]

    def test(offset: int) -> bool:
        if offset < body_end:
            return False
        # the innermost (latest starting) attachment or form holding it: the
        # ranges read backwards from the last one starting at or before the
        # offset come in descending order, and the first that holds it is that one
        rng = None
        for i in range(bisect.bisect_right(starts, offset) - 1, -1, -1):
            a, b, _n = ranges[i]
            if offset < b:
                rng = (a, b)
                break
        if rng is None:
            return False
        own = owns.get(rng[0])
        if own is None:
            head = ctx.text[rng[0] : rng[0] + 800]
            means = sum(1 for x in terms.defs if rng[0] <= x.start < rng[1] and x.form in ("means", "pointer"))
            glossary = bool(re.search(r"(?i)definitions|defined\s+terms|glossary", head[:300])) or means >= 5
            own = owns[rng[0]] = not glossary and bool(_FORM_OPENING.search(head))
        return own

    return test


def _key_forms(terms: Terms) -> dict[str, tuple[str, ...]]:
    """Every defined key's forms (``variants``, which hold the key), in lower case."""
    return {key: tuple({v.lower() for v in variants(key)}) for key in terms.by_key}


def _body_defined(ctx: Context, terms: Terms, own_form=None, forms: Optional[dict[str, tuple[str, ...]]] = None) -> set[str]:
    """Every form of the terms defined for the body of the document, lower
    case: not the terms only extended ('the term "Underwriter" shall include
    ...'), which presuppose a definition, and not the terms defined only in an
    attached form of another instrument, which defines them for that instrument.
    ``forms``: ``_key_forms(terms)``, when the caller has it."""
    if own_form is None:
        own_form = _own_form_test(ctx, terms)
    if forms is None:
        forms = _key_forms(terms)
    body_end = ctx.body_end
    out: set[str] = set()
    for key, defs in terms.by_key.items():
        if defs and all(d.form == "includes" for d in defs):
            continue
        # (own_form(offset) is false in the body: asked only after it)
        if all(d.start >= body_end and own_form(d.start) for d in defs):
            continue
        out.update(forms[key])
    return out


def _phrase_spans(text: str, phrase: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs as whole words in text[lo:hi], its words
    separated by any white space (case as given)."""
    words = phrase.split()
    # the literal first word leads the pattern, so the search can skip ahead to it
    pat = re.compile(re.escape(words[0]) + "".join(r"\s+" + re.escape(w) for w in words[1:]) + r"(?![\w\-])")
    out = []
    for m in pat.finditer(text, lo, hi):
        a = m.start()
        if a and (text[a - 1].isalnum() or text[a - 1] in "_-"):
            continue
        out.append((a, m.end()))
    return out


def _spaced_end(text: str, phrase: str, start: int, end: int, *others: str) -> tuple[int, int]:
    """(start, end) of the first place in text[start:end] where ``phrase`` is
    written, any run of white space standing for each of its (single)
    spaces - where it occurs in the text with its white space squashed; (-1,
    -1) when there is none.  ``others``: more phrases with the same first
    word, any of which will do."""
    first, *rest = phrase.split(" ")
    tails = [rest] + [o.split(" ")[1:] for o in others]
    find = text.find
    n = len(first)
    i = find(first, start, end)
    while i >= 0:
        for words in tails:
            j = i + n
            for w in words:
                k = j
                while k < end and text[k].isspace():
                    k += 1
                if k == j or not text.startswith(w, k, end):
                    break
                j = k + len(w)
            else:
                return i, j
        i = find(first, i + 1, end)
    return -1, -1


def _lower_form_in(ctx: Context, phrase: str) -> bool:
    """Does the body write ``phrase`` in lower case ("community offering",
    "new Remarketing Agent") anywhere, line breaks and runs of spaces read as
    one space?  A quick test before the exact search."""
    text, end = ctx.text, ctx.body_end
    low, first_low = phrase.lower(), phrase[:1].lower() + phrase[1:]
    if low.split(" ", 1)[0] == first_low.split(" ", 1)[0]:
        return _spaced_end(text, low, 0, end, first_low)[0] >= 0
    return _spaced_end(text, low, 0, end)[0] >= 0 or _spaced_end(text, first_low, 0, end)[0] >= 0


def _introduced_in_lower(ctx: Context, phrase: str, uses: list[tuple[int, int]], window: int = 6000) -> Optional[tuple[int, int]]:
    """Where the document brings in ``phrase`` in ordinary words ("in a
    community offering") shortly before using it capitalised as a name ("The
    Community Offering"): the place a definition was meant to be.  ``uses``:
    the capitalised uses.  Returns the offset of that mention and of the
    capitalised use after it, or None."""
    if not uses:
        return None
    text = ctx.text
    low = ctx.lower
    if len(low) != len(text):
        return None  # lower case changed the offsets: not worth the trouble
    starts = [a for a, _b in uses]
    for a, _b in _phrase_spans(low, phrase.lower(), max(0, starts[0] - window), starts[-1]):
        if not text[a].islower():
            continue
        i = bisect.bisect_right(starts, a)
        if i < len(starts) and starts[i] - a <= window:
            return a, starts[i]
    return None


def _borrowing(ctx: Context) -> Optional[tuple[bool]]:
    """Does the document take the terms it does not define from other named
    instruments ("Capitalized terms used and not defined herein have the
    meanings set forth in the Indenture")?  None when it does not; else
    (whether one of those instruments is an agreement of the offering, which
    defines the offering documents,)."""
    m = search_near(_INCORPORATED, ctx.text, _INCORPORATED_ANCHORS, 300, 40, low=ctx.lower)
    if m is None:
        return None
    tail = _BORROWED_FROM.match(ctx.text, m.end())
    named = ctx.text[m.end() : tail.end() if tail else m.end()]  # not "used in this Remarketing Agreement"
    return (bool(_OFFERING_INSTRUMENT.search(named)),)


def _quoted_matches(text: str) -> list[re.Match]:
    """``list(_QUOTED.finditer(text))``: the pattern tried only where an
    opening quotation mark is (found with str.find, faster than the engine's
    search for one of two characters), from the end of the last match on."""
    starts = []
    find = text.find
    for q in ('"', "\u201c"):
        i = find(q)
        while i >= 0:
            starts.append(i)
            i = find(q, i + 1)
    starts.sort()
    return list(matches_at(_QUOTED, text, starts))


def _quoted_phrases(text: str, body_end: int, own_form) -> set[str]:
    """Every phrase in quotation marks (``_QUOTED``), white space squashed,
    the punctuation at its end left out ('(the "Agent Information," which
    ...)'), in lower case; after the body only those outside an attached form
    of another instrument (``own_form(offset)``)."""
    qms = _quoted_matches(text)
    k = bisect.bisect_left(list(map(_START, qms)), body_end)
    phrases = list(map(_GROUP1, qms[:k]))
    phrases += [m.group(1) for m in qms[k:] if not own_form(m.start())]
    return set(map(str.lower, map(_RSTRIP_PUNCT, map(" ".join, map(str.split, phrases)))))


@as_rule
def undefined_terms(ctx: Context) -> list[Finding]:
    terms = get_terms(ctx)
    text = ctx.text
    body_end = ctx.body_end
    if len(terms.defs) < 3:
        return []  # a document that does not work with defined terms
    if _AMENDMENT.search(text[:3000]):
        return []  # an amendment uses the terms of the agreement it amends
    borrowing = _borrowing(ctx)
    own_form = _own_form_test(ctx, terms)
    rd = _Reading(ctx)
    defined = _body_defined(ctx, terms, own_form, rd.key_forms(terms))
    # any quoted phrase may be a definition the extractor does not read; not
    # one in an attached form of another instrument
    quoted = _quoted_phrases(text, body_end, own_form)

    out, intro = _undefined(ctx, terms, defined, quoted, borrowing, rd=rd)
    if out:
        # a list of definitions without quotation marks ("(j) Improvements: The buildings ...",
        # "Required Lenders shall mean ..."), read only when there is something to report
        listed = _listed_terms(text, ctx.lower)
        if listed - defined:
            # read again with its terms defined: they hold the phrases found
            # inside them as well ("Unmatured Event" of "Unmatured Event of Default")
            out, intro = _undefined(ctx, terms, defined | listed, quoted, borrowing, listed, rd)
        out = [f for f in out if not any(t.strip().lower() in listed for t in f.message.split("'")[1].split(" / "))]
    if out:
        # a section captioned with the term that says what it means ("(f) Good
        # Reason. Termination ... for Good Reason shall be deemed to occur if";
        # "2.2 Definition of Change in Control. Change in Control ... means")
        reported = {t.strip().lower() for f in out for t in f.message.split("'")[1].split(" / ")}
        captioned = _captioned_terms(ctx, reported) | _purposes_terms(ctx.text)
        if captioned:
            out = [f for f in out if not any(t.strip().lower() in captioned for t in f.message.split("'")[1].split(" / "))]
    if out and borrowing is not None:
        # the other instruments define what this one does not: still undefined
        # are the terms this document brings in itself, in ordinary words just
        # before using them as names, and the offering documents when none of
        # those instruments is an agreement of the offering
        offering_named = borrowing[0]
        keep = []
        for f in out:
            names = f.message.split("'")[1].split(" / ")
            if any(intro.get(n, (0, False))[1] for n in names):
                keep.append(f)
            elif not offering_named and any(_OFFERING_DOC_TERM.fullmatch(n) for n in names):
                keep.append(f)
        out = keep
    return out


_DEFINITION_OF = re.compile(r"definitions?\s+of\s+(?:the\s+terms?\s+)?[\"\u201c]?(.+?)[\"\u201d]?\Z", re.I)
# what a caption's term is followed by when the section says what it means
# ("3.1 Base Salary. Executive's base salary ... shall be $250,000": the amount it is)
_DEFINING_VERB = (
    r"[^.;:]{0,60}?\b(?:means?|shall\s+mean|shall\s+be\s+deemed|(?:shall|will)\s+(?:be\s+deemed\s+to\s+)?(?:have\s+)?occurr?(?:ed)?|"
    r"occurs?|shall\s+exist|exists?|(?:shall\s+)?refers?\s+to|is\s+defined|(?:shall|will)\s+(?:be|consist\s+of|equal)|is|are|equals?)\b"
)


# "For purposes of this Contract, the Contract Documents shall consist of ...":
# a definition without quotation marks
_PURPOSES_DEF = re.compile(
    r"[Ff]or\s+(?:the\s+)?purposes?\s+of\s+this\s+(?:Agreement|Contract|Section\s+[\w.()]+|Article\s+\w+)\s*,\s*"
    r"(?:the\s+(?:term\s+)?)?([A-Z][\w'\u2019\-]*(?:\s+(?:of|and|the|[A-Z][\w'\u2019\-]*)){0,5})\s+"
    r"(?:shall\s+(?:mean|consist\s+of|include)|means|includes|consists\s+of)\b"
)


def _for_before(text: str, q: int) -> Optional[int]:
    """Where "For" or "for" starts when it stands before the white space
    that ends at ``q``; else None."""
    k = q - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    if k == q - 1 or k < 2:
        return None
    return k - 2 if text[k - 1 : k + 1] == "or" and text[k - 2] in "Ff" else None


def _purposes_matches(text: str) -> list[re.Match]:
    """``list(_PURPOSES_DEF.finditer(text))``: the pattern tried only where it
    can match, before each "purpose" (found with str.find, faster than the
    engine's search for an "F" or an "f"): "For purpose", "for the purpose"."""
    starts = set()
    find = text.find
    q = find("purpose")
    while q >= 0:
        p = _for_before(text, q)
        if p is not None:
            starts.add(p)
        # "for the purpose"
        k = q - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k < q - 1 and k >= 2 and text[k - 2 : k + 1] == "the":
            p = _for_before(text, k - 2)
            if p is not None:
                starts.add(p)
        q = find("purpose", q + 1)
    return list(matches_at(_PURPOSES_DEF, text, sorted(starts)))


def _purposes_terms(text: str) -> set[str]:
    out: set[str] = set()
    if "urposes of this" not in text:
        return out
    for m in _purposes_matches(text):
        term = " ".join(m.group(1).split())
        out.update(v.lower() for v in variants(term))
        out.add(term.lower())
    return out


_DEFINING = re.compile(_DEFINING_VERB, re.I)


def _captioned_terms(ctx: Context, wanted: set[str]) -> set[str]:
    """Terms (every form, lower case) of sections captioned with them whose
    first lines use the term with a word that defines it; only those of
    ``wanted`` (lower case) are looked for."""
    out: set[str] = set()
    text = ctx.text
    for s in ctx.sections:
        h = s.heading
        if not h or len(h) > 80:
            continue
        h = squash(h).strip(" .:")
        m = _DEFINITION_OF.match(h)
        term = m.group(1).strip() if m else h
        low = term.lower()
        if not (low in wanted or any(v.lower() in wanted for v in variants(term))):
            continue
        words = term.split()
        if not words or len(words) > 6 or not all(w[:1].isupper() or w.lower() in SMALL for w in words):
            continue
        head_end = text.find(words[-1], s.start, s.start + 200)
        if head_end < 0:
            continue
        # the section's first lines, white space made single spaces, in lower case
        body = " ".join(text[head_end + len(words[-1]) : min(s.end, head_end + 700)].split()).lower()
        i = body.find(low)
        while i >= 0:
            j = i + len(low)
            if (i == 0 or not (body[i - 1].isalnum() or body[i - 1] in "-_")) and not (
                    j < len(body) and (body[j].isalnum() or body[j] in "-_")) and _DEFINING.match(body, j):
                out.update(v.lower() for v in variants(term))
                out.add(low)
                break
            i = body.find(low, i + 1)
    return out


class _Holding:
    """The strings of a list (in its order) that hold a given string: one
    search in all of them joined, rather than a test of each."""

    __slots__ = ("keys", "joined", "starts")

    def __init__(self, keys: list[str]):
        self.keys = keys
        self.joined = "\n".join(keys)
        starts = []
        p = 0
        for k in keys:
            starts.append(p)
            p += len(k) + 1
        self.starts = starts

    def __call__(self, s: str) -> list[str]:
        """``[k for k in keys if s in k]`` (``s``: no line break in it)."""
        out = []
        find = self.joined.find
        starts = self.starts
        n = len(starts)
        i = find(s)
        while i >= 0:
            j = bisect.bisect_right(starts, i) - 1
            out.append(self.keys[j])
            if j + 1 >= n:
                break
            i = find(s, starts[j + 1])
        return out


_SKIP, _BREAK, _GOOD = 0, 1, 2


# the characters that, right before the space before a phrase, leave it
# perhaps at a sentence's start (those _at_sentence_start skips or reads)
_NO_MID_SENTENCE = frozenset(" \t\"'(\u201c[\n.:;!?)")


def _phrase_said(words: list[str]) -> str:
    """The phrase of a capitalised phrase's words: single spaces, no "'s" at the end."""
    phrase = " ".join(words)
    if phrase.endswith("'s"):
        phrase = phrase[:-2]  # (what re.sub(r"'s$", "", phrase) does: the phrase has no line break)
    return phrase


class _Reading:
    """What DEF001 reads in a document whatever terms it defines (the
    capitalised phrases and words, the short forms of names, the roles): read
    once, for both passes over the document (the second with the terms of a
    list of definitions without quotation marks defined too), each place
    judged once on what does not depend on the defined terms."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.text = ctx.text
        self.body_end = ctx.body_end
        self._phrases: Optional[list] = None
        self.spans: dict[str, list] = {}  # phrase -> [(a, b, passed over before the longer terms are asked)]
        self.post: dict[tuple[int, int, bool], int] = {}  # (a, b, generic rules) -> _SKIP, _BREAK, _GOOD
        self.lower_form: dict[str, bool] = {}
        self.introduced: dict[tuple, Optional[tuple[int, int]]] = {}
        self.findings: dict[tuple, Finding] = {}
        self._words = None
        self._caps = None
        self.word_uses: dict[str, tuple[list, list]] = {}  # word -> (after a determiner, without one)
        self.common_word: dict[str, bool] = {}
        self.bare_uses: dict[str, list] = {}
        self.caps_spans: dict[str, list] = {}
        self.explained: dict[str, bool] = {}
        self._statutes = None
        self.statute_found: dict[str, Optional[Finding]] = {}
        self._short_cands = None
        self.short_found: dict[str, Optional[Finding]] = {}
        self._singles = None
        self.single_found: dict[str, Optional[Finding]] = {}
        self._key_forms: Optional[dict[str, tuple[str, ...]]] = None
        self._all_forms: Optional[frozenset[str]] = None

    def key_forms(self, terms: Terms) -> dict[str, tuple[str, ...]]:
        """``_key_forms(terms)``, made once for the document."""
        if self._key_forms is None:
            self._key_forms = _key_forms(terms)
        return self._key_forms

    def all_forms(self, terms: Terms) -> frozenset[str]:
        """Every form of every defined key, in lower case."""
        if self._all_forms is None:
            self._all_forms = frozenset().union(*self.key_forms(terms).values())
        return self._all_forms

    @property
    def short_candidates(self) -> dict:
        """The short forms of names the document gives in full (see _short_forms)."""
        if self._short_cands is None:
            self._short_cands = _short_form_candidates(self.ctx)
        return self._short_cands

    @property
    def statutes(self) -> dict:
        """The statutes' short names the document uses, with their places."""
        if self._statutes is None:
            self._statutes = _statute_uses(self.ctx)
        return self._statutes

    @property
    def phrases(self) -> list:
        """The capitalised phrases of the body that look like terms, with the
        places they are used: (phrase, spans, first word is an acronym, a
        class of stock, looks like a defined term, lower-case forms)."""
        if self._phrases is None:
            self._phrases = self._read_phrases()
        return self._phrases

    def _read_phrases(self) -> list:
        text = self.text
        body_end = self.body_end
        occ: dict[str, list[tuple[int, int]]] = {}
        # only the phrases that can be reported are gathered: those whose last
        # word (without "'s") is a head noun, "Stock" or that of "Rules and
        # Regulations" (the test below); the others are passed over without a
        # loop of ours
        matches = list(_PHRASE.finditer(text, 0, body_end))
        # the phrase each text found stands for, mid-sentence (most are found many times)
        said: dict[str, str] = {}
        for m in compress(matches, map(_PHRASE_LAST_WORDS.__contains__, map(_GROUP1, matches))):
            a, b = m.span()
            phrase = m.group()
            if a > 1 and text[a - 1] == " " and text[a - 2] not in _NO_MID_SENTENCE:
                # mid-sentence for certain (what _at_sentence_start says: a
                # space, then neither a mark it skips or reads nor a line break)
                p = said.get(phrase)
                if p is None:
                    p = said[phrase] = _phrase_said(phrase.split())
                occ.setdefault(p, []).append((a, b))
                continue
            words = phrase.split()
            if _at_sentence_start(text, a):
                if words[0] in _LEADS:
                    words = words[1:]
                    while words and words[0].lower() in SMALL:
                        words = words[1:]
                    if len(words) < 2:
                        continue
                    a = b - len(" ".join(words)) if text[a:b].endswith(" ".join(words)) else a
                else:
                    continue  # a capital that may only be the sentence's
            occ.setdefault(_phrase_said(words), []).append((a, b))
        for m in self.caps[2]:
            # (a match of _ACR_PHRASE: the acronym, then its words)
            words = m.group(3).split()
            if words[0] in _LEADS or words[-1] not in _HEADS:
                continue  # (without a head noun at the end, passed over below)
            occ.setdefault(m.group() + " " + " ".join(words), []).append((m.start(), m.end(3)))
        out = []
        for phrase, spans in occ.items():
            words = phrase.split()
            first = words[0]
            acronym = first.isupper() and len(first) > 1
            stock_class = words[-1] == "Stock" and words[0] in _STOCK_CLASS
            # a defined-term noun at the end, no word of a name, not a class of stock
            # ("Common Stock" names the class the charter creates); other phrases
            # only when the document brings them in in ordinary words (below).
            # (Asked first: it rules out most phrases, and costs least.)
            looks_defined = (
                words[-1] in _HEADS
                and not any(w.strip("'s") in _PROPER for w in words[1 if acronym else 0 :])
                and not stock_class
            ) or phrase in _GENERIC_RULES
            if not looks_defined and not stock_class:
                continue
            if words[0] in _LEADS or any(w in _MONTHS for w in words):
                continue
            out.append((phrase, spans, acronym, stock_class, looks_defined, [v.lower() for v in _all_variants(phrase)]))
        return out

    def phrase_spans(self, phrase: str, spans: list[tuple[int, int]], acronym: bool) -> list:
        """(a, b, passed over) of each use: passed over when a word in
        capitals comes right before it or a capitalised word right after
        (part of a longer name)."""
        got = self.spans.get(phrase)
        if got is None:
            text = self.text
            got = self.spans[phrase] = [
                (a, b, (not acronym and _CAPS_WORD_BEFORE.search(text[max(0, a - 12) : a]) is not None)
                 or _NAME_GOES_ON.match(text[b : b + 3]) is not None)
                for a, b in spans
            ]
        return got

    def judge(self, a: int, b: int, generic_rules: bool) -> int:
        """What a use of a phrase is, on what does not depend on the defined
        terms: passed over (a heading, capitals, a drafting note, a quoted
        caption, a name of rules), the sign the phrase is a name or defined
        elsewhere, or a use."""
        key = (a, b, generic_rules)
        r = self.post.get(key)
        if r is None:
            r = self.post[key] = self._judge(a, b, generic_rules)
        return r

    def _judge(self, a: int, b: int, generic_rules: bool) -> int:
        text = self.text
        if _heading_like_line(text, a) or _in_caps_context(text, a, b):
            return _SKIP
        if _in_brackets(text, a):
            return _SKIP  # "[Subordination provisions ... to be provided here.]": a drafting note
        if _in_quotes(text, a, b):
            return _SKIP  # a caption quoted: '"Business -- Intellectual Property,"'
        # "Pricing Date (as defined in the Terms Agreement)": defined elsewhere
        tail = text[b : b + 60]
        if generic_rules and _OF_CAP.match(tail):
            return _SKIP  # "the Rules and Regulations of the NASD": a name
        if _ENTITY_AFTER.match(tail):
            return _BREAK  # "Credit Suisse Securities (USA) LLC": a company's name
        if _DEFINED_ELSEWHERE.match(tail) and not _INTERNAL_POINTER.match(tail):
            return _BREAK  # defined in another instrument
        return _GOOD

    def lower_form_in(self, phrase: str) -> bool:
        r = self.lower_form.get(phrase)
        if r is None:
            r = self.lower_form[phrase] = _lower_form_in(self.ctx, phrase)
        return r

    def introduced_in_lower(self, phrase: str, uses: list[tuple[int, int]]) -> Optional[tuple[int, int]]:
        key = (phrase, tuple(uses))
        if key in self.introduced:
            return self.introduced[key]
        r = self.introduced[key] = _introduced_in_lower(self.ctx, phrase, uses)
        return r

    def finding(self, message: str, a: int, b: int, rel_spec: tuple) -> Finding:
        """``ctx.finding("DEF001", ...)``, made once for both passes;
        ``rel_spec``: (start, end, message) of each related place."""
        key = (message, a, b, rel_spec)
        f = self.findings.get(key)
        if f is None:
            ctx = self.ctx
            f = self.findings[key] = ctx.finding("DEF001", message, a, b, [ctx.related(x, y, m) for x, y, m in rel_spec])
        return f

    @property
    def caps(self) -> tuple[list, list, list]:
        """The matches of ``_CAPS`` in the body (those of ``_WORD`` and of
        ``_ACR_PHRASE``, from one scan), their texts, and the matches of
        ``_ACR_PHRASE`` among them (the acronym, its words in group 3).  (A
        word's text has small letters, an acronym's none: ``str.isupper``
        tells them apart.)"""
        if self._caps is None:
            matches = list(_CAPS.finditer(self.text, 0, self.body_end))
            texts = list(map(_GROUP0, matches))
            self._caps = (matches, texts, list(compress(matches, map(str.isupper, texts))))
        return self._caps

    @property
    def words(self):
        """Every capitalised word of the body (``_WORD``): the matches and
        their texts (with the acronyms of ``caps`` among them), and (word,
        lower case, the lower case of its forms) of the words
        used at least MIN_SINGLE_USES times that may be terms (not a month,
        a sentence's lead, a word capitalised by convention or a head noun
        that is no term alone), in the order first used."""
        if self._words is None:
            # (the acronyms' matches, among them, are never asked for: an acronym is no word of the pool)
            matches, words_of, _acr = self.caps
            pool = [
                (w, w.lower(), [v.lower() for v in variants(w)])
                for w, n in Counter(words_of).items()
                if n >= MIN_SINGLE_USES
                and w not in _MONTHS and w not in _LEADS and w not in _CONVENTIONAL and w not in _HEADS_NOT_ALONE
                and not w.isupper()
            ]
            self._words = (matches, words_of, pool)
        return self._words


def _undefined(
    ctx: Context, terms: Terms, defined: set[str], quoted: set[str], borrowing: Optional[tuple[bool]],
    more_keys: Iterable[str] = (), rd: Optional[_Reading] = None,
) -> tuple[list[Finding], dict[str, tuple[int, bool]]]:
    """DEF001's findings before the lists of definitions without quotation
    marks and the other instruments are taken into account; and where each
    term reported was brought in in lower case ((offset, right before its
    use)).  ``more_keys``: defined terms (lower case, every form) besides
    the document's quoted ones.  ``rd``: what an earlier pass read in the
    document."""
    if rd is None:
        rd = _Reading(ctx)
    text = ctx.text
    # the defined terms in lower case, each in its singular and plural forms
    # ("Original Issue Discount Security" holds "Issue Discount Securities" too)
    # (made when a phrase first asks for them)
    holding = None

    out: list[Finding] = []
    # where each finding's term was brought in with ordinary words, and whether
    # right before a capitalised use
    intro: dict[str, tuple[int, bool]] = {}
    for phrase, spans, acronym, stock_class, looks_defined, lower_forms in rd.phrases:
        low = phrase.lower()
        if low in defined or low in quoted:
            continue
        if any(v in defined or v in quoted for v in lower_forms):
            continue
        if _composed_of_defined(phrase, defined):
            continue
        first = phrase.split(" ", 1)[0]
        if first.endswith(("'s", "\u2019s")) and first[:-2].lower() in defined:
            continue  # "Borrower's Accounts": a defined party's things
        if holding is None:
            holding = _Holding(sorted(rd.all_forms(terms).union(more_keys)))
        longer = [k for k in holding(low) if k != low]
        generic_rules = phrase in _GENERIC_RULES
        good = []
        for a, b, passed in rd.phrase_spans(phrase, spans, acronym):
            if passed:
                continue  # "LIBOR Interest Rate", "Common Stock Purchase Warrant": part of a longer name
            if longer and _inside_longer(text, a, b, longer):
                continue  # a part of a longer defined term ("Putnam Selling Stockholders")
            r = rd.judge(a, b, generic_rules)
            if r == _SKIP:
                continue
            if r == _BREAK:
                good = []
                break
            good.append((a, b))
        if not good:
            continue
        brought = None
        near = False
        if (not looks_defined or len(good) < 2 or borrowing is not None) and rd.lower_form_in(phrase):
            brought = rd.introduced_in_lower(phrase, good)
            if brought is not None:
                near = brought[1] - brought[0] <= _NEAR and ctx.paragraph_at(brought[0]) is ctx.paragraph_at(brought[1])
                intro[phrase] = (brought[0], near)
        at = brought[0] if brought else None
        # a class of stock: only when the words that bring it in ("shares of its
        # common stock, par value $.001 per share") come right before
        if stock_class and not near:
            continue
        # twice at least; once only right after "a ..." brings it in ("in a
        # community offering, ... The Community Offering")
        if len(good) < 2 and not (near and _INDEFINITE_BEFORE.search(text, max(0, at - 12), at)):
            continue
        a, b = good[0]
        rel = tuple((x, y, "also used here") for x, y in good[1:4])
        if at is not None:
            rel = ((at, at + len(squash(text[at : at + 2 * len(phrase)])[: len(phrase)]), "brought in here in lower case, not defined"),) + rel
        out.append(
            rd.finding(
                f"'{phrase}' is used as a defined term ({len(good)} time{'s' if len(good) != 1 else ''}) but is never defined",
                a,
                b,
                rel,
            )
        )

    out.extend(_frequent_undefined(ctx, terms, defined, quoted, {f.message.split("'")[1] for f in out}, intro, rd))
    out.extend(_statute_short_forms(ctx, defined, quoted, rd))
    done = {t for f in out for t in f.message.split("'")[1].split(" / ")}
    out.extend(_short_forms(ctx, defined, quoted, done, rd))

    # single words used as role names: "the Representatives"
    seen: set[str] = {f.message.split("'")[1] for f in out}
    if rd._singles is None:
        # every "the <role>" of the body, by role, in one pass (a match's role is a
        # whole word, so a role's matches are those of the same pattern for it alone)
        singles: dict[str, list[tuple[int, int]]] = {}
        for m in _SINGLE.finditer(text, 0, ctx.body_end):
            singles.setdefault(m.group(1), []).append(m.span(1))
        rd._singles = singles
    for w, spans in rd._singles.items():
        if w in seen:
            continue
        if w.lower() in defined or any(v.lower() in defined for v in variants(w)):
            continue
        seen.add(w)
        if w in rd.single_found:
            f = rd.single_found[w]
        else:
            f = rd.single_found[w] = _role_finding(ctx, w, spans)
        if f is not None:
            out.append(f)
    return out, intro


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _find_word(text: str, word: str) -> Optional[tuple[int, int]]:
    """(start, end) of ``re.search(r"\b" + re.escape(word) + r"\b", text)``
    for a ``word`` that begins and ends with a word character, or None;
    found with str.find (the pattern has no literal first, and the engine
    would try it at every place)."""
    n = len(word)
    end = len(text)
    i = text.find(word)
    while i >= 0:
        j = i + n
        if (i == 0 or not _is_word_char(text[i - 1])) and (j >= end or not _is_word_char(text[j])):
            return i, j
        i = text.find(word, i + 1)
    return None


def _role_finding(ctx: Context, w: str, spans: list[tuple[int, int]]) -> Optional[Finding]:
    """DEF001 for a role name ("the Representatives") used at ``spans``, when
    it is used at least twice outside headings and capitals, and described in
    lower case somewhere; else None."""
    text = ctx.text
    if len(spans) < 2:
        return None
    # the role is described in lower case somewhere ("as representatives of the several Underwriters")
    # (asked first: a search of the text costs less than a look at each use)
    lower = _find_word(text, w.lower())
    if lower is None:
        return None
    uses = [(x, y) for x, y in spans if not _heading_like_line(text, x) and not _in_caps_context(text, x, y)]
    if len(uses) < 2:
        return None
    a, b = uses[0]
    rel = [ctx.related(x, y, "also used here") for x, y in uses[1:3]]
    rel.append(ctx.related(lower[0], lower[1], "described here in lower case, not defined"))
    return ctx.finding(
        "DEF001",
        f"'{w}' is used as a defined term ({len(uses)} times) but is never defined",
        a,
        b,
        rel,
    )


def _short_forms(ctx: Context, defined: set[str], quoted: set[str], done: set[str], rd: Optional[_Reading] = None) -> list[Finding]:
    """A short form of a name the document gives in full, used as a name and
    never defined: "the Internal Revenue Code of 1986 ... the Code", "the
    Legal Opinion Accord ... the Accord", "the Code of Massachusetts
    Regulations ... the Massachusetts Regulations", "Luse Gorman Pomerenk &
    Schick, P.C. ... Luse Gorman", "the Employee Retirement Income Security Act
    of 1974 ... ERISA".  Not the short names of offices and regulators ("the
    Board", "the Exchange").  ``done``: the terms reported already (not
    the acronyms of statutes).  ``rd``: what an earlier pass read in the
    document."""
    rd = rd or _Reading(ctx)
    out: list[Finding] = []
    found = rd.short_found
    for s, (fa, fb, kind, acr) in rd.short_candidates.items():
        if not acr and s in done:
            continue
        low = s.lower()
        if low in defined or low in quoted or any(v.lower() in defined or v.lower() in quoted for v in variants(s)):
            continue
        if s in found:
            f = found[s]
        else:
            f = found[s] = _short_form_finding(ctx, s, fa, fb, kind)
        if f is not None:
            out.append(f)
    return out


def _short_form_candidates(ctx: Context) -> dict[str, tuple[int, int, str, bool]]:
    """The short forms of the names the body gives in full: short form ->
    (start and end of the full name, kind: statute, tail or firm, whether an
    acronym of a statute)."""
    text = ctx.text
    body_end = ctx.body_end
    cands: dict[str, tuple[int, int]] = {}  # short form -> the full name's span
    kinds: dict[str, str] = {}  # short form -> statute, word, tail, firm
    acronyms: set[str] = set()

    # a code's short name: "the Internal Revenue Code of 1986" -> "the Code" (and "the
    # Legal Opinion Accord" -> "the Accord");
    # the tail of a code of laws after "of": "Code of Massachusetts Regulations"
    # -> "Massachusetts Regulations"
    for c, ce, w in _code_words(text, body_end):
        if c and (text[c - 1].isalnum() or text[c - 1] == "-"):
            continue
        tm = _CODE_TAIL.match(text, ce)
        if tm is not None:
            t = squash(tm.group(1))
            if t not in cands:
                cands[t] = (c, tm.end())
                kinds[t] = "tail"
        elif w in _SHORT_NAME_WORDS and w not in cands and not _OF_CAP.match(text, ce):
            nm = _NAME_BEFORE.search(text, max(0, c - 80), c)
            if nm is not None:
                cands[w] = (nm.start(), ce)
                kinds[w] = "statute"
    # the first words of a firm's name: "Luse Gorman Pomerenk & Schick, P.C." -> "Luse Gorman"
    for sm in _firm_suffixes(text, body_end):
        m = _FIRM_NAME.search(text, max(0, sm.start() - 120), sm.start())
        if m is None:
            continue
        ws = re.findall(r"[A-Z][a-z]+", m.group(1))
        if len(ws) < 3 or ws[0] in _LEADS:
            continue
        t = " ".join(ws[:2])
        if t not in cands:
            cands[t] = (m.start(), m.end())
            kinds[t] = "firm"
    # an acronym of a statute named in full: "Employee Retirement Income Security Act" -> "ERISA"
    for am in _ACT_WORD.finditer(text, 0, body_end):
        if am.start() and (text[am.start() - 1].isalnum() or text[am.start() - 1] == "-"):
            continue
        m = _ACT_LONG_NAME.search(text, max(0, am.start() - 120), am.start())
        if m is None:
            continue
        ws = [w for w in m.group(1).split() if w[:1].isupper()]
        if ws and ws[0] in _LEADS:
            ws = ws[1:]
        for k in range(len(ws) - 1):
            acr = "".join(w[0] for w in ws[k:]) + "A"
            if len(acr) >= 3 and acr not in cands:
                cands[acr] = (m.start(), am.end())
                kinds[acr] = "statute"
                acronyms.add(acr)
    return {s: (fa, fb, kinds[s], s in acronyms) for s, (fa, fb) in cands.items()}


def _short_form_finding(ctx: Context, s: str, fa: int, fb: int, kind: str) -> Optional[Finding]:
    """DEF001 for the short form ``s`` of the name at text[fa:fb], when the
    body uses it as a name and does not define it without quotation marks;
    else None."""
    text = ctx.text
    body_end = ctx.body_end
    # the full name, and no use of the short form: fewer than two places
    # (apart) in the body with its white space squashed
    _i, j = _spaced_end(text, s, 0, body_end)
    if j < 0 or _spaced_end(text, s, j, body_end)[0] < 0:
        return None
    if re.match(r"[^.;]{0,80}?\(\s*(?:the\s+)?" + r"\s+".join(map(re.escape, s.split())) + r"\s*\)", text[fb : fb + 120]):
        return None  # "Security Act of 1974, as amended (ERISA)": defined without quotation marks
    acronym = s.isupper()
    # the literal first (the search skips ahead to it), the look-behind
    # "(?<![\w\-])" tested by hand: a failed place is searched past by one
    # character, so the matches are those of the pattern with the look-behind
    if acronym:
        pat = re.compile(re.escape(s) + r"(?![\w\-])")
    else:
        pat = re.compile(r"[^\S\n]+".join(map(re.escape, s.split())) + r"(?![\w\-])")
    uses = []
    search = pat.search
    x = search(text, fb, body_end)
    while x is not None:
        a, b = x.start(), x.end()
        if a and (text[a - 1].isalnum() or text[a - 1] in "_-"):
            x = search(text, a + 1, body_end)
            continue
        x = search(text, b, body_end)
        if kind != "firm" and not acronym:
            # a word or a tail stands for the name only after a determiner
            pre = text[max(0, a - 14) : a].split()
            if not pre or pre[-1].lower() not in _DETERMINERS:
                continue
        if re.search(r"(?<![\w\-'.])(?:[A-Z][\w\-'.]*\s*(?:&\s*)?|[A-Z][a-z]+\s+of\s+(?:the\s+)?)$", text[max(0, a - 40) : a]):
            continue  # inside a longer name again
        if _CAP_AFTER.match(text, b) or re.match(r"[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?[A-Z]", text[b : b + 12]) or re.match(r",?[^\S\n]*(?:&|[A-Z])", text[b : b + 4]):
            continue
        if _heading_like_line(text, a) or _in_caps_context(text, a, b) or _in_brackets(text, a):
            continue
        if re.match(r"\s*\(?\s*(?:as\s+(?:such\s+term\s+is\s+)?defined|within\s+the\s+meaning)", text[b : b + 60], re.I) and not _INTERNAL_POINTER.match(text[b : b + 60]):
            uses = []
            break
        uses.append((a, b))
    # a code's short form once is enough ("Section 4980B of the Code", "the meaning set forth in the Accord")
    if not uses or (len(uses) < 2 and s not in _SHORT_NAME_WORDS):
        return None
    a, b = uses[0]
    fb = fa + len(text[fa:fb].rstrip(", "))
    rel = [ctx.related(fa, fb, "the full name, with no short form defined")]
    rel += [ctx.related(x, y, "also used here") for x, y in uses[1:3]]
    return ctx.finding(
        "DEF001",
        f"'{s}' is used as a defined term ({len(uses)} time{'s' if len(uses) != 1 else ''}) but is never defined (a short form of '{squash(text[fa:fb])}')",
        a,
        b,
        rel,
    )


# a capitalised word after a determiner, standing alone: "the Company", "such Stock"
# (possessive runs, as in _CAP: the same matches)
_WORD = re.compile(r"([A-Z](?<![\w\-'\u2019./\u2010\u2011\u00ad][A-Z])[a-z]++(?:-(?:[a-z]++|[A-Z][a-z]++))*+)(?![\w\-\u2010\u2011\u00ad])")
_DETERMINER_BEFORE = re.compile(r"\b(?:the|such|each|any|said|that|a|an|no|every|all|either|neither)[^\S\n]+\n?[^\S\n]*$", re.I)
_CAP_BEFORE = re.compile(r"[A-Z][\w\-'.\u2019]*,?[^\S\n]*\n?[^\S\n]*$")
_CAP_AFTER = re.compile(r"(?:'s|\u2019s|s'|\u2019)?[^\S\n]*\n?[^\S\n]*(?:(?:of|and|or|for|to|&)[^\S\n]+)?[A-Z]")
# words written with a capital by convention, not as defined terms
_CONVENTIONAL = frozenset(
    """Agreement Section Sections Article Articles Rule Rules Schedule Schedules Exhibit Exhibits Annex
    Annexes Appendix Paragraph Clause Act Code State States Court Internet Government Federal Treasury
    Nasdaq Warrant Note Indenture Certificate Plan Closing Trust Bank President Secretary Treasurer
    Chairman Chairperson Director Directors Officer Governor Mayor Commissioner""".split()
)
# the rest of a name that lists capitalised words: ", Safety and Environmental Plan"
_NAME_LIST_AFTER = re.compile(r"(?:,[^\S\n]*[A-Z][a-z]+)+,?[^\S\n]+(?:and|&)[^\S\n]+[A-Z]")
# _WORD and _ACR_PHRASE in one pattern, for one scan of the body: the
# second letter tells them apart (small in a word, a capital in an acronym).
# Group 1 is that of a word (without its first letter; the match is the
# word), group 2 that of an acronym (the same), group 3 the words after the
# acronym, read ahead: the match is the acronym alone.  Neither pattern has a
# match that starts inside another of its own (before every place inside
# one is a letter, a hyphen or a space before a small letter, which the
# look-behinds or the second letter refuse), and no match of one starts
# inside a match of the other here (the acronym's words are read ahead, not
# taken), so the matches of each are those of its own scan.
_CAPS = re.compile(
    r"[A-Z](?:(?<![\w\-'\u2019./\u2010\u2011\u00ad][A-Z])([a-z]++(?:-(?:[a-z]++|[A-Z][a-z]++))*+)(?![\w\-\u2010\u2011\u00ad])"
    r"|(?<![\w\-'\u2019.&][A-Z])([A-Z]{1,5}+)(?=[^\S\n]++(" + _CAP + r"(?:[^\S\n]++" + _CAP + r"){0,2})(?![\w\-])))"
)
MIN_SINGLE_USES = 4
_GROUP0 = itemgetter(0)
_GROUP1 = itemgetter(1)
_START = methodcaller("start")
_RSTRIP_PUNCT = methodcaller("rstrip", ",.;: ")
_DETERMINERS = frozenset("the such each any said that a an no every all either neither".split())
# single words that are defined terms in most agreements, whatever else the text says
_COMMON_TERMS = frozenset(
    """Company Corporation Partnership Trustee Issuer Bank Employer Contractor Owner Licensor Licensee
    Parent Sponsor Servicer Depositor Guarantor Pledgor Grantor Assignor Assignee""".split()
)


def _bare_use(text: str, a: int, b: int) -> bool:
    """A capitalised word used on its own mid-sentence without a determiner
    ("warrants to purchase ... together with Warrants as units"): not after a
    capitalised word or a number, not at a sentence start, not part of a longer
    name, not in a heading, capitals or brackets."""
    prev = text[max(0, a - 60) : a].split()[-1]
    if not prev[:1].islower() or prev[-1:] in ".:;!?\"'(\u201c" or _at_sentence_start(text, a):
        return False
    if _CAP_AFTER.match(text, b):
        return False
    return not (_heading_like_line(text, a) or _in_caps_context(text, a, b) or _in_brackets(text, a))


def _frequent_undefined(
    ctx: Context, terms: Terms, defined: set[str], quoted: set[str], done: set[str], intro: Optional[dict[str, tuple[int, bool]]] = None,
    rd: Optional[_Reading] = None,
) -> list[Finding]:
    """A capitalised word of common English ("Company", "Underwriters", "Stock")
    used mid-sentence after a determiner at least four times, on its own, and
    never defined: the mark of a definition that was dropped.  A word the
    document brings in in lower case just before its first capitalised use
    ("warrants to purchase shares ... the Warrants") needs only two uses after
    a determiner among four mid-sentence uses.  ``intro`` collects where such
    words were brought in.  ``rd``: what an earlier pass read in the document."""
    if rd is None:
        rd = _Reading(ctx)
    text = ctx.text
    body_end = ctx.body_end
    # every capitalised word of the body, once: the candidates' places too
    # (a candidate is such a word, so its occurrences are among these matches)
    matches, words_of, pool = rd.words
    out: list[Finding] = []
    cands: list[str] = []
    for w, wl, forms in pool:
        if w in done or wl in defined or wl in quoted:
            continue
        if any(v in defined for v in forms):
            continue
        cands.append(w)
    if not cands:
        return out
    word_uses = rd.word_uses
    new = {w for w in cands if w not in word_uses}
    if new:
        # the uses of the words not read before, in one pass over the matches
        # (picked out without a loop of our own): after a determiner, on
        # their own (not part of a longer name, a heading, capitals or
        # brackets); or mid-sentence with no determiner before
        for w in new:
            word_uses[w] = ([], [])
        picked = list(map(new.__contains__, words_of))
        cap_after = _CAP_AFTER.match
        list_after = _NAME_LIST_AFTER.match
        for x, w in zip(compress(matches, picked), compress(words_of, picked)):
            a, b = x.span()
            # (a white space right before it, then the words before it: at
            # the start of the text there are none)
            if not text[a - 1].isspace():
                continue
            pre = text[a - 14 if a > 14 else 0 : a].split()
            if not pre:
                continue
            if pre[-1].lower() not in _DETERMINERS:
                word_uses[w][1].append((a, b))  # looked at only when needed, below
                continue
            if cap_after(text, b) or list_after(text, b):
                continue  # a part of a longer name ("the Company Stock Plan", "the Health, Safety and Environmental Plan")
            if _heading_like_line(text, a) or _in_caps_context(text, a, b) or _in_brackets(text, a):
                continue
            word_uses[w][0].append((a, b))
    found: dict[str, list[tuple[int, int]]] = {}
    bare: dict[str, list[tuple[int, int]]] = {}  # mid-sentence, no determiner before
    holding = None
    for w in cands:
        ok, no_det = word_uses[w]
        if no_det:
            bare[w] = no_det
        if not ok:
            continue
        wl = w.lower()
        if holding is None:
            holding = _Holding(sorted(defined))
        # the longer defined terms holding the word
        longer = [k for k in holding(wl) if k != wl and (wl + " " in k or " " + wl in k)]
        if longer:
            # not a word of a longer defined term ("a Separation from Service", "Assignment and / Acceptance")
            ok = [(a, b) for a, b in ok if not _inside_longer(text, a, b, longer)]
            if not ok:
                continue
        found[w] = ok
    # a word of common English, not a name: written in lower case somewhere too
    common = rd.common_word
    kept = []
    for w in cands:
        if len(found.get(w, ())) < 2:
            continue
        c = common.get(w)
        if c is None:
            c = common[w] = w in _ROLES or w in _HEADS or w in _COMMON_TERMS or any(_has_word(text, v.lower()) for v in variants(w))
        if c:
            kept.append(w)
    cands = kept
    # singular and plural together ("Product" / "Products"), reported once
    groups: dict[str, list[str]] = {}
    for w in cands:
        base = min((v for v in variants(w) if v in cands), key=len)
        groups.setdefault(base, []).append(w)
    for base, ws in groups.items():
        uses = sorted(u for w in ws for u in found.get(w, []))
        brought = None
        if len(uses) < MIN_SINGLE_USES and all(w in _HEADS or w in _ROLES for w in ws):
            # a defined-term noun brought in in lower case shortly before its
            # capitalised uses ("warrants to purchase ... the Warrants"): its
            # uses without a determiner count too
            more = sorted(u for w in ws for u in _bare_uses(rd, w, bare.get(w, [])))
            if len(uses) + len(more) >= MIN_SINGLE_USES and any(rd.lower_form_in(w) for w in ws):
                caps = sorted(u for w in ws for u in _caps_spans(rd, w))
                brought = next((r for w in ws for r in [rd.introduced_in_lower(w, caps)] if r is not None), None)
                if brought is not None:
                    uses = sorted(uses + more)
        if len(uses) < MIN_SINGLE_USES:
            continue
        if any(_explained(rd, w) for w in ws):
            continue
        a, b = uses[0]
        shown = " / ".join(sorted(ws, key=lambda w: -len(found.get(w, []))))
        rel = tuple((x, y, "also used here") for x, y in uses[1:4])
        if brought is not None:
            at = brought[0]
            near = brought[1] - at <= _NEAR and ctx.paragraph_at(at) is ctx.paragraph_at(brought[1])
            rel = ((at, at + len(ws[0]), "brought in here in lower case, not defined"),) + rel
            if intro is not None:
                intro.update({w: (at, near) for w in ws})
        out.append(rd.finding(f"'{shown}' is used as a defined term ({len(uses)} times) but is never defined", a, b, rel))
    return out


def _bare_uses(rd: _Reading, w: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The uses of ``w`` without a determiner (``spans``) that are on their own mid-sentence (``_bare_use``)."""
    got = rd.bare_uses.get(w)
    if got is None:
        text = rd.text
        got = rd.bare_uses[w] = [u for u in spans if _bare_use(text, u[0], u[1])]
    return got


def _caps_spans(rd: _Reading, w: str) -> list[tuple[int, int]]:
    got = rd.caps_spans.get(w)
    if got is None:
        got = rd.caps_spans[w] = _phrase_spans(rd.text, w, 0, rd.body_end)
    return got


def _explained(rd: _Reading, w: str) -> bool:
    got = rd.explained.get(w)
    if got is None:
        got = rd.explained[w] = _explained_elsewhere(rd.text, w)
    return got


_QUOTES = "\"'\u201c\u201d\u2018\u2019`"
_POINTER_AFTER = re.compile(
    r"(?:\(s\))?,?\s*\(?\s*(?:as\s+(?:(?:hereinafter|herein|hereafter|hereinbelow)\s+)?defined|(?:is|are)\s+defined|shall\s+have\s+the\s+meaning)",
    re.I,
)
_OF_NAME_AFTER = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")


def _has_word(text: str, word: str) -> bool:
    """Does ``word`` (lower case) occur in ``text`` as a whole word?"""
    i = text.find(word)
    n = len(word)
    while i >= 0:
        if (i == 0 or not text[i - 1].isalpha()) and (i + n >= len(text) or not text[i + n].isalpha()):
            return True
        i = text.find(word, i + 1)
    return False


def _explained_elsewhere(text: str, w: str) -> bool:
    """A definition the extractor does not read, or a pointer to one: the word
    in quotation marks of any kind ("(the 'Borrower")"), "Product(s) as
    hereinafter defined", or the head of a longer name ("Board of Directors")."""
    n = len(w)
    i = text.find(w)
    while i >= 0:
        j = i + n
        if (i and (text[i - 1].isalnum() or text[i - 1] == "-")) or (j < len(text) and (text[j].isalnum() or text[j] == "-")):
            i = text.find(w, i + 1)
            continue
        before = text[max(0, i - 3) : i].rstrip()
        after = text[j : j + 3].lstrip()
        if before and after and before[-1] in _QUOTES and after[0] in _QUOTES:
            return True  # "(the 'Borrower")"
        if _POINTER_AFTER.match(text, j):
            return True  # "Product(s) as hereinafter defined"
        if _OF_NAME_AFTER.match(text, j) and not re.search(r"[A-Z][\w\-'\u2019.]*\s+$", text[max(0, i - 30) : i]):
            return True  # "the Board of Directors": the head of a longer name
        i = text.find(w, j)
    return False


_ACT = re.compile(r"Act\b(?![^\S\n]+of[^\S\n]+(?:19|20)\d\d)")
_ACT_NAME = re.compile(r"([A-Z](?<![\w\-][A-Z])[a-z]+[^\S\n]+(?:[A-Z][a-z]+[^\S\n]+){0,2})$")  # (as _NAME_BEFORE)
_WELL_KNOWN_SHORT = frozenset({"exchange act", "securities act", "investment company act", "advisers act", "investment advisers act"})


def _statute_short_forms(ctx: Context, defined: set[str], quoted: set[str], rd: Optional[_Reading] = None) -> list[Finding]:
    """A statute's short name ("Exchange Act") used but never defined, when the
    document names it in full only as something longer ("Securities Exchange
    Act of 1934"), or not at all.  ``rd``: what an earlier pass read in the
    document."""
    rd = rd or _Reading(ctx)
    out: list[Finding] = []
    found = rd.statute_found
    for phrase, spans in rd.statutes.items():
        low = phrase.lower()
        if len(spans) < 2 or low in defined or low in quoted:
            continue
        if phrase in found:
            f = found[phrase]
        else:
            f = found[phrase] = _statute_finding(ctx, phrase, spans)
        if f is not None:
            out.append(f)
    return out


def _statute_uses(ctx: Context) -> dict[str, list[tuple[int, int]]]:
    """Where the body uses each statute's short name ("Exchange Act")."""
    text = ctx.text
    body_end = ctx.body_end
    uses: dict[str, list[tuple[int, int]]] = {}
    for act in _ACT.finditer(text, 0, body_end):
        if act.start() and text[act.start() - 1].isalnum():
            continue
        m = _ACT_NAME.search(text, max(0, act.start() - 60), act.start())
        if m is None:
            continue
        a = m.start()
        if re.search(r"[A-Z][\w\-'.]*[^\S\n]+\n?[^\S\n]*$", text[max(0, a - 30) : a]) and not _DETERMINER_BEFORE.search(text[max(0, a - 30) : a]):
            continue  # part of a longer name
        words = [w for w in m.group(1).split() if w not in _LEADS]
        if not words:
            continue
        phrase = " ".join(words) + " Act"
        a = act.end() - len(phrase) if squash(text[a : act.end()]).endswith(phrase) else a
        if _heading_like_line(text, a) or _in_caps_context(text, a, act.end()):
            continue
        uses.setdefault(phrase, []).append((a, act.end()))
    return uses


def _full_name_starts(text: str, first: str) -> Optional[list[int]]:
    r"""Every place where a statute's full name whose first word is ``first``
    (a capitalised word) may start - "(?<![\w\-])(?:([A-Z][a-z]+)\s+)?" and
    the name (``_statute_finding``'s pattern): at the word, and at the
    capitalised word just before it, apart by white space; in order.  (The
    pattern has no literal first: the engine would try it at every place.)
    None after a run of white space too long to read back over."""
    out = []
    for q in literal_starts(text, (first,)):
        k = q - 1
        while k >= 0 and text[k].isspace():
            k -= 1
            if q - k > 1000:
                return None
        if k < q - 1:
            j = k
            while j >= 0 and "a" <= text[j] <= "z":
                j -= 1
            if j < k and j >= 0 and "A" <= text[j] <= "Z":
                out.append(j)
        out.append(q)
    return sorted(set(out))


def _statute_finding(ctx: Context, phrase: str, spans: list[tuple[int, int]]) -> Optional[Finding]:
    """DEF001 for a statute's short name used at ``spans`` (two or more) and
    not defined: when the document names the statute in full only as
    something longer, or not at all (a well-known short name); else None."""
    text = ctx.text
    low = phrase.lower()
    full = re.compile(r"(?<![\w\-])(?:([A-Z][a-z]+)\s+)?" + r"\s+".join(map(re.escape, phrase.split())) + r"\s+of\s+(?:19|20)\d\d")
    longer = None
    own = False
    starts = _full_name_starts(text, phrase.split(" ", 1)[0])
    for m in full.finditer(text) if starts is None else matches_at(full, text, starts):
        if m.group(1) and m.group(1) not in _LEADS:
            longer = longer or m
        else:
            own = True
            break
    if own:
        return None  # named in full, then by the same name: no definition needed
    if longer is None and low not in _WELL_KNOWN_SHORT:
        return None
    a, b = spans[0]
    rel = [ctx.related(x, y, "also used here") for x, y in spans[1:3]]
    if longer is not None:
        rel.insert(0, ctx.related(longer.start(), longer.end(), "the statute's full name, with no short form defined"))
    return ctx.finding(
        "DEF001",
        f"'{phrase}' is used as a defined term ({len(spans)} times) but is never defined"
        + (f" (the document names only the '{squash(longer.group(0))}')" if longer is not None else ""),
        a,
        b,
        rel,
    )


# head nouns that are not terms on their own ("the Date", "the Amount")
_HEADS_NOT_ALONE = frozenset(
    """Date Dates Time Period Periods Price Prices Amount Amounts Statement Statements Event Events
    Party Parties Fee Fees Rate Rates Payment Payments Reason Cause Control Percentage Account Value
    Income Expenses Costs Year Quarter Condition Conditions Requirements Termination Default Notice
    Effect Change Information Application""".split()
)


# ---------------------------------------------------------------------------
# DEF002: defined, never used
# ---------------------------------------------------------------------------


@as_rule
def unused_definitions(ctx: Context) -> list[Finding]:
    terms = get_terms(ctx)
    out: list[Finding] = []
    if _AMENDMENT.search(ctx.text[:3000]):
        return out  # an amendment defines terms for the agreement it amends
    for fam, defs in terms.by_family.items():
        body = [d for d in defs if d.attachment is None and d.form not in ("imported", "includes", "pointer")]
        if not body:
            continue
        uses = terms.uses.get(fam, [])
        lower_key = all(not c.isupper() for c in fam if c.isalpha())
        if lower_key:
            continue  # "business day", "subsidiary", "indenture security holder": ordinary words defined
        if any(u.cls != "lower" for u in uses):
            continue
        d = body[0]
        # "'Corporation' means a corporation, association, ...": a class of things, used in lower case by design
        if d.form in ("means", "includes") and re.search(r"\b" + re.escape(fam.lower()) + r"s?\b", ctx.text[d.end : min(d.sent_end, d.end + 80)].lower()):
            continue
        if fam.lower() in ("agreement", "this agreement"):
            continue
        lower = [u for u in uses if u.cls == "lower"]
        msg = f"'{fam}' is defined but never used"
        rel = []
        if lower:
            msg += f" as defined (the words appear {len(lower)} time{'s' if len(lower) != 1 else ''} in lower case)"
            rel = [ctx.related(u.start, u.end, "in lower case here") for u in lower[:3]]
        out.append(ctx.finding("DEF002", msg, d.start, d.end, rel))
    return out


# ---------------------------------------------------------------------------
# DEF003: defined more than once
# ---------------------------------------------------------------------------

# the sentence that opens an instrument and names its parties
_INSTRUMENT_OPENING = re.compile(
    r"\b(?:is|are)\s+(?:made|entered\s+into|dated)\b|\bby\s+and\s+(?:between|among)\b|\bFOR\s+VALUE\s+RECEIVED\b", re.I
)
_CONDITIONAL = re.compile(r"\b(?:if|unless|except\s+that|provided\s+that|in\s+the\s+case\s+of|for\s+(?:the\s+)?purposes?\s+of)\b", re.I)


def _drop_repeated_blocks(found: list[Finding]) -> list[Finding]:
    """Three or more terms defined again close together, in the same order as
    before: the file holds a second copy of the instrument (or a form of it),
    not a drafting slip."""
    if len(found) < 3:
        return found
    found = sorted(found, key=lambda f: f.line)
    drop: set[int] = set()
    for i in range(len(found) - 2):
        trio = found[i : i + 3]
        if trio[2].line - trio[0].line > 60:
            continue
        firsts = [f.related[0].line for f in trio]
        if firsts == sorted(firsts) and firsts[2] - firsts[0] <= 200:
            drop.update(range(i, i + 3))
    return [f for k, f in enumerate(found) if k not in drop]


_RESTATES = re.compile(
    r"\bnamed\s+as\s+(?:the\s+)?[\"\u201c]|\bfirst\s+paragraph\b|\bpreamble\b|\bsuccessor\b|\bhas\s+the\s+meaning|\bhave\s+the\s+meanings?|"
    r"\bas\s+(?:defined|set\s+forth)\s+(?:above|in\s+the\s+recitals)|\breferred\s+to\s+above\b",
    re.I,
)


# a line of nothing but parenthesised terms: '("Bank")', '("Bank")     ("Borrower")'
_LABEL_LINE = re.compile(r"[^\S\n]*(?:\([^\S\n]*[\"\u201c][^\"\u201d\n]{1,60}[\"\u201d][^\S\n]*\)[^\S\n]*)+")


def _signature_label(ctx: Context, pos: int) -> bool:
    """The term at ``pos`` stands alone on its line in parentheses, under a
    party's name, with a signature line ("By:") a few lines below."""
    lines = ctx.layout.lines
    i = ctx.line_index(pos)
    if not _LABEL_LINE.fullmatch(lines[i].text):
        return False
    return any(_BY_LINE.match(lines[k].text) for k in range(i + 1, min(len(lines), i + 7)))


@as_rule
def duplicate_definitions(ctx: Context) -> list[Finding]:
    terms = get_terms(ctx)
    out: list[Finding] = []
    opening: set[int] = set()
    text = ctx.text
    for fam, defs in terms.by_family.items():
        real = [d for d in defs if d.form not in ("imported", "includes", "pointer")]
        if len(real) < 2:
            continue
        groups: dict[Optional[str], list[Definition]] = {}
        for d in real:
            if ctx.form_at(d.start) is not None:
                continue  # a form of another instrument defines its own terms
            groups.setdefault(d.attachment, []).append(d)
        for _where, ds in groups.items():
            ds = sorted(ds, key=lambda d: d.start)
            first = ds[0]
            for d in ds[1:]:
                if d.key != first.key and d.key.lower() != first.key.lower():
                    continue  # "Registration Statements" and each "Registration Statement"
                if ctx.paragraph_at(d.start) is ctx.paragraph_at(first.start):
                    continue  # alternatives in one paragraph ("X means ..., except that, if ..., X means ...")
                if d.scope or first.scope:
                    continue
                if _CONDITIONAL.search(text[d.sent_start : d.start]) or _CONDITIONAL.search(text[first.sent_start : first.start]):
                    continue
                # "'Company' means the Person named as the 'Company' in the first paragraph", "... such successor"
                if _RESTATES.search(text[d.sent_start : d.sent_end]):
                    continue
                # a party named in the preamble, restated in the definitions ("Borrower" means The Journal Company)
                if first.form == "parenthetical" and first.top in ("", None) and d.form == "means":
                    continue
                if d.form == "parenthetical" and _signature_label(ctx, d.start):
                    continue  # 'IMPERIAL BANK / ("Bank") / By: ____': the party's name in its signature block
                f = ctx.finding(
                    "DEF003",
                    f"'{fam}' is defined again here; it was already defined at line {ctx.span(first.start, first.end).line}",
                    d.start,
                    d.end,
                    [ctx.related(first.start, first.end, "first definition")],
                )
                out.append(f)
                # the opening of another instrument in the same file (an amendment and the
                # agreement it amends, a note after the credit agreement) names its parties anew
                if d.form == "parenthetical" and _INSTRUMENT_OPENING.search(text, d.sent_start, d.start):
                    opening.add(id(f))
    # (the parties named anew count towards a second copy of the instrument, below)
    return [f for f in _drop_repeated_blocks(out) if id(f) not in opening]


# ---------------------------------------------------------------------------
# DEF004: "as defined in Section 4" when it is defined elsewhere
# ---------------------------------------------------------------------------

_AS_DEFINED = re.compile(
    r"(?<![\w])as\s+(?:such\s+term\s+is\s+|that\s+term\s+is\s+)?(?:defined|hereinafter\s+defined|hereinbefore\s+defined|defined\s+herein)"
    r"(?:\s+in\s+(?P<kind>Section|Article|Paragraph|subsection|clause|paragraph)s?\s+(?P<num>\d+(?:\.\d+)*(?:\s*\([a-zA-Z0-9]{1,5}\))*)"
    r"(?P<tail>\s+(?:hereof|of\s+this\s+(?:Agreement|Warrant|Indenture)|above|below|herein))?(?![\w(])(?!\s+of\s+(?:the|such|that|any)\b)"
    r"|\s+(?P<dir>below|above|hereinafter|hereinbefore))",
    re.I,
)


def _as_defined_matches(text: str, lo: int, hi: int) -> list[re.Match]:
    """``list(_AS_DEFINED.finditer(text, lo, hi))``: in a stretch of text
    where lower case is what the pattern's case folding matches
    (``_plain_fold``), the pattern tried only where an "as" is - the engine
    would try it at every place (a look-behind comes first) - from the end
    of the last match on."""
    win = text[lo:hi]
    low = win.lower()
    if not _plain_fold(win, low):
        return list(_AS_DEFINED.finditer(text, lo, hi))
    out = []
    pos = lo
    match = _AS_DEFINED.match
    i = low.find("as")
    while i >= 0:
        p = lo + i
        if p >= pos:
            m = match(text, p, hi)
            if m is not None:
                out.append(m)
                pos = m.end()
        i = low.find("as", i + 1)
    return out


_TERM_BEFORE = re.compile(r"((?:[A-Z][\w'\-]*|of|and|the|in|for|to)(?:\s+(?:[A-Z][\w'\-]*|of|and|the|in|for|to))*)\s*\(?\s*$")


def _section_contains(ctx: Context, num: str, offset: int) -> bool:
    sec = ctx.by_number.get(num)
    if sec is not None and sec.start <= offset < sec.end:
        return True
    # the text's own headings: the last section number printed before the offset
    from .refs import label_before

    lab = label_before(ctx, offset)
    return lab is not None and (lab == num or lab.startswith(num + ".") or lab.startswith(num + "("))


@as_rule
def wrong_definition_reference(ctx: Context) -> list[Finding]:
    terms = get_terms(ctx)
    text = ctx.text
    out: list[Finding] = []
    fam_of = terms.variant_of
    found_as: list = []
    seen_as: set[int] = set()
    for dm in re.finditer(r"defined\b", text):
        for m in _as_defined_matches(text, max(0, dm.start() - 60), min(len(text), dm.end() + 80)):
            if m.start() not in seen_as and m.start() <= dm.start() < m.end():
                seen_as.add(m.start())
                found_as.append(m)
    for m in found_as:
        # the term is the capitalised phrase just before
        before = text[max(0, m.start() - 90) : m.start()]
        cm = _TERM_BEFORE.search(before)
        if not cm:
            continue
        words = cm.group(1).split()
        k = 0
        while k < len(words) and not words[k][:1].isupper():
            k += 1
        if k >= len(words):
            continue
        cand = " ".join(words[k:])
        fam = fam_of.get(cand.lower())
        if not fam:
            continue
        tstart = m.start() - len(before) + cm.start(1) + len(" ".join(words[:k])) + (1 if k else 0)
        defs = [d for d in terms.by_family[fam] if d.form not in ("imported",) and d.attachment is None]
        if not defs:
            continue
        # a parenthetical right here that defines it is not a reference
        if any(abs(d.start - m.start()) < 5 for d in defs):
            continue
        tend = m.start()
        while tend > tstart and text[tend - 1] in " \t\n(":
            tend -= 1
        num = m.group("num")
        if num:
            num = re.sub(r"\s+", "", num)
            if num not in ctx.by_number:
                continue  # an unknown section: XREF001's business
            if any(_section_contains(ctx, num, d.start) for d in defs):
                continue
            where = [ctx.section_number_at(d.start) or "the preamble" for d in defs]
            loc = ", ".join(f"Section {w}" if w != "the preamble" else w for w in dict.fromkeys(where))
            out.append(
                ctx.finding(
                    "DEF004",
                    f"'{fam}' is said to be defined in {m.group('kind')} {num}, but it is defined in {loc}",
                    tstart,
                    m.end(),
                    [ctx.related(d.start, d.end, f"the definition ({'Section ' + w if w != 'the preamble' else w})") for d, w in zip(defs[:3], where)],
                )
            )
        else:
            direction = (m.group("dir") or "").lower()
            below = direction in ("below", "hereinafter") or "hereinafter" in m.group(0).lower()
            above = direction in ("above", "hereinbefore") or "hereinbefore" in m.group(0).lower()
            if below and all(d.start < m.start() for d in defs):
                msg = f"'{fam}' is said to be defined below, but its definition comes before"
            elif above and all(d.start > m.start() for d in defs):
                msg = f"'{fam}' is said to be defined above, but its definition comes after"
            else:
                continue
            out.append(
                ctx.finding(
                    "DEF004",
                    msg,
                    tstart,
                    m.end(),
                    [ctx.related(defs[0].start, defs[0].end, "the definition")],
                )
            )
    out.extend(_wrong_pointers(ctx, terms))
    return out


def _wrong_pointers(ctx: Context, terms: Terms) -> list[Finding]:
    """"X" has the meaning specified in Section 4 - when the definition is elsewhere."""
    out: list[Finding] = []
    for fam, defs in terms.by_family.items():
        real = [d for d in defs if d.form in ("parenthetical", "means", "called") and ctx.form_at(d.start) is None]
        if not real:
            continue
        for p in defs:
            if p.form != "pointer" or p.pointer is None:
                continue
            if p.pointer == "":
                continue  # "the meaning in the preamble": the preamble is read with its recitals; not checked
            else:
                if p.pointer not in ctx.by_number:
                    continue
                if any(_section_contains(ctx, p.pointer, d.start) for d in real):
                    continue
                where = f"Section {p.pointer}"
            locs = [ctx.section_number_at(d.start) or "the preamble" for d in real]
            loc = ", ".join(f"Section {w}" if w != "the preamble" else w for w in dict.fromkeys(locs))
            out.append(
                ctx.finding(
                    "DEF004",
                    f"'{fam}' is said to have the meaning given in {where}, but it is defined in {loc}",
                    p.start,
                    min(p.sent_end, p.end + 80),
                    [ctx.related(d.start, d.end, "the definition") for d in real[:3]],
                )
            )
    return out


# ---------------------------------------------------------------------------
# DEF005: used outside the section the definition is limited to
# ---------------------------------------------------------------------------


@as_rule
def used_outside_scope(ctx: Context) -> list[Finding]:
    terms = get_terms(ctx)
    out: list[Finding] = []
    for fam, defs in terms.by_family.items():
        real = [d for d in defs if d.form not in ("imported", "includes", "pointer")]
        scoped = [d for d in real if d.scope]
        if not scoped or len(scoped) != len(real):
            continue  # also defined for the whole document
        if any(ctx.form_at(d.start) is not None for d in scoped):
            continue  # a form of another instrument
        if any(d.form == "pointer" for d in defs):
            continue  # the definitions section sends the reader to it: meant for the whole document
        if not any(c.isupper() for c in fam):
            continue  # "default": an ordinary word given a narrower sense in one section
        d = scoped[0]
        sec = ctx.by_number.get(d.scope)
        if sec is None:
            continue
        outside = []
        for u in terms.uses.get(fam, []):
            if u.cls not in ("cap", "upper") and any(c.isupper() for c in fam):
                continue
            if any(ctx.by_number.get(x.scope) and ctx.by_number[x.scope].start <= u.start < ctx.by_number[x.scope].end for x in scoped):
                continue
            if d.sent_start <= u.start < d.sent_end:
                continue
            outside.append(u)
        if not outside:
            continue
        secs = []
        for u in outside:
            n = ctx.section_number_at(u.start)
            if n and n not in secs:
                secs.append(n)
        where = ", ".join(f"Section {s}" for s in secs[:5]) or "elsewhere"
        rel = [ctx.related(u.start, u.end, f"used outside Section {d.scope}") for u in outside[:4]]
        out.append(
            ctx.finding(
                "DEF005",
                f"'{fam}' is defined only {_lower_first(d.scope_text) if d.scope_text else 'for Section ' + d.scope} but is used {len(outside)} "
                f"time{'s' if len(outside) != 1 else ''} outside it ({where})",
                d.start,
                d.end,
                rel,
            )
        )
    return out


# ---------------------------------------------------------------------------
# DEF006: a defined term written in another form
# ---------------------------------------------------------------------------


def _hyphen_heads(text: str) -> set[str]:
    """Words written just before a hyphen ("Power" in "Power-of-Attorney")."""
    heads: set[str] = set()
    for ch in ("-", "\u2010"):
        i = text.find(ch)
        while i >= 0:
            j = i
            while j > 0 and text[j - 1].isalpha():
                j -= 1
            if j < i:
                heads.add(text[j:i])
            i = text.find(ch, i + 1)
    return heads


_ORDINARY_ADJ = frozenset(
    """applicable new initial additional final preliminary related relevant first second third other
    such each certain annual quarterly monthly current prior previous subsequent original proposed
    effective aggregate total outstanding registered permitted required material general""".split()
)


def _hyphenated(text: str, words: list[str], hyphen_heads: set[str]) -> bool:
    """Is a term of ``words`` (two or more) written with a hyphen after its first word somewhere?"""
    return words[0] in hyphen_heads and ((words[0] + "-" + words[1]) in text or (words[0] + "\u2010" + words[1]) in text)


def _written_otherwise(ctx: Context, terms: Terms, fams: list[str], hyphen_heads: set[str], hyphenated: dict[str, bool]) -> bool:
    """May one of the families ``fams`` (terms of several words) have a use
    that DEF006 looks at: one written in lower or mixed case, or a
    hyphenated form?  False only when no place where one of their forms is
    written (in any case, any white space between its words: the places
    of every use among them) is written so, and none is hyphenated; a
    quick look before the search of the uses.  ``hyphenated``: where each
    family's answer to ``_hyphenated`` is kept, as it is asked."""
    text = ctx.text
    low = ctx.lower
    if len(low) != len(text):
        return True  # the uses are then found in the text itself, case ignored
    for fam in fams:
        h = hyphenated[fam] = _hyphenated(text, fam.split(), hyphen_heads)
        if h:
            return True
    wanted = set(fams)
    forms: dict[str, set[str]] = {}
    family = terms.family
    for key in terms.by_key:
        fam = family[key]
        if fam in wanted:
            forms.setdefault(fam, set()).update(v.lower() for v in variants(key))
    # the forms written in lower case with single spaces first (found with
    # one search each, and most often the uses there are); then every place
    end = len(text)
    for quick in (True, False):
        for fam, fs in forms.items():
            n = len(fam)
            for v in fs:
                first, *rest = v.split(" ")
                if not first or "" in rest or len(v.split()) != len(rest) + 1:
                    return True  # a form with other white space than single spaces: not read here
                if quick:
                    i = text.find(v)
                    if i >= 0 and _odd_use(fam, i, i + len(v), v):
                        return True
                    continue
                m = len(first)
                find = low.find
                i = find(first)
                while i >= 0:
                    j = i + m
                    for w in rest:
                        k = j
                        while k < end and low[k].isspace():
                            k += 1
                        if k == j or not low.startswith(w, k):
                            break
                        j = k + len(w)
                    else:
                        t = text[i:j]
                        if t[:n] != fam and _odd_use(fam, i, j, t):
                            return True
                    i = find(first, i + 1)
    return False


def _odd_use(fam: str, a: int, b: int, t: str) -> bool:
    """Would a use of the family ``fam`` written ``t`` at text[a:b] be one of
    another form (DEF006's test)?"""
    return t != fam and Use(fam, a, b, t).cls not in ("cap", "upper")


@as_rule
def inconsistent_form(ctx: Context) -> list[Finding]:
    terms = get_terms(ctx)
    defined_all: Optional[set[str]] = None
    text = ctx.text
    hyphen_heads = _hyphen_heads(text)
    out: list[Finding] = []
    # terms of several words that start with a capital
    fams = [fam for fam in terms.by_family if " " in fam and fam[:1].isupper()]
    if not fams:
        return out
    # (the uses are found already when DEF002 has run on a document that is
    # no amendment; else a look at the forms' places in the text comes first)
    hyphenated_of: dict[str, bool] = {}
    if vars(terms).get("uses") is None and not _written_otherwise(ctx, terms, fams, hyphen_heads, hyphenated_of):
        return out  # every use written as defined, none hyphenated: nothing to report
    found = terms.uses_of(fams)
    for fam in fams:
        defs = terms.by_family[fam]
        words = fam.split()
        uses = found.get(fam, [])
        # the usual case, every use written as defined: nothing to look at
        odd = [u for u in uses if u.text != fam and u.cls not in ("cap", "upper")]
        hyphenated = hyphenated_of[fam] if fam in hyphenated_of else _hyphenated(text, words, hyphen_heads)
        if not odd and not hyphenated:
            continue
        if case_class(fam) != "cap":
            continue
        body_defs = [d for d in defs if d.form != "imported"]
        if not body_defs:
            continue
        proper_n = len(uses) - len(odd)
        if proper_n < 2:
            continue
        if defined_all is None:
            defined_all = _defined_families(terms)
        by_form: dict[str, list] = {}
        lower_all = [u for u in odd if u.cls == "lower"]
        for u in odd:
            if u.cls == "mixed":
                caps = " ".join(w for w in u.text.split() if w[:1].isupper())
                if caps and caps.lower() in defined_all:
                    continue  # "new Remarketing Agent", "registered Securities": a word before a defined term
                if _at_sentence_start(text, u.start) and case_class(u.text.split(None, 1)[1] if " " in u.text else "") == "lower":
                    continue  # "Preferred stock" at a sentence start could be ordinary words
                if _heading_like_line(text, u.start):
                    continue
                by_form.setdefault(squash(u.text), []).append(u)
        low = fam.lower()
        generic = low in _GENERIC_LOWER or any(v.lower() in _GENERIC_LOWER for v in variants(fam))
        if lower_all and not generic and any(
            terms.in_definition_sentence(u.start) for u in lower_all
        ):
            generic = True  # the drafters use the words as ordinary words when defining
        if lower_all and not generic and len(lower_all) < proper_n / 2:
            for u in lower_all:
                if u.text.split()[0].lower() in _ORDINARY_ADJ:
                    continue
                prev = text[max(0, u.start - 12) : u.start].lower().split()
                if not prev or prev[-1] not in ("the", "such", "said"):
                    continue
                if any(d.sent_start <= u.start < d.sent_end for d in defs):
                    continue
                by_form.setdefault(squash(u.text), []).append(u)
        # hyphenated or run-together forms: "Power-of-Attorney" for "Power of Attorney"
        hits = []
        if hyphenated:
            # the first word leads (the search skips ahead to it), the look-behind after it
            head = re.escape(words[0])
            pat = re.compile(head + r"(?<![\w-]" + head + ")" + "".join(r"[-\u2010]" + re.escape(w) for w in words[1:]) + r"s?(?![\w-])")
            hits = list(pat.finditer(text))
        for m in hits:
            by_form.setdefault(m.group(0), []).append(type("U", (), {"start": m.start(), "end": m.end(), "text": m.group(0)}))
        for form, us in by_form.items():
            first = us[0]
            rel = [ctx.related(body_defs[0].start, body_defs[0].end, "the definition")]
            rel += [ctx.related(u.start, u.end, "also written so here") for u in us[1:3]]
            n = len(us)
            out.append(
                ctx.finding(
                    "DEF006",
                    f"'{form}' ({n} time{'s' if n != 1 else ''}) is a variant of the defined term '{fam}'",
                    first.start,
                    first.end,
                    rel,
                )
            )
    return out
