"""Document-type detection from the title block and the vocabulary of the text.

Returns one of the contract's types: underwriting_agreement, terms_agreement,
warrant, agency_agreement, indenture, other; and, for offering agreements, a
sub-type (ipo, follow_on, shelf, debt) used to pick the rule packs.

A document of type ``other`` gets the sub-type ``instrument`` when it is itself
an operative instrument: it is captioned as an agreement, indenture, contract,
note or guaranty (or opens with "This ... Agreement is made ...") and shows
execution (a signature block, "IN WITNESS WHEREOF", "agree as follows"); or it
holds a note that "promises to pay" a principal sum.  An amendment, waiver,
consent, supplement, joinder or side letter is not one: it lives under the
governing law of the instrument it changes.  Legal opinions, certificates,
press releases and plans are not captioned as instruments.  See
:func:`operative_instrument`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

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


# ---------------------------------------------------------------------------
# Operative instruments among the "other" documents
# ---------------------------------------------------------------------------

# A caption: a short line of capitalised words ending in the name of an instrument
# ("REMARKETING AGREEMENT", "Strategic Alliance Agreement", "MASTER NOTE"), after an
# optional filing label ("EXHIBIT 1.1") and "FORM OF"; or one that starts with
# "AGREEMENT" ("AGREEMENT FOR THE PURCHASE OF ...", "AGREEMENT AND PLAN OF MERGER").
_CAPTION_WORD = r"(?:[A-Z0-9][\w&'\u2019.,/-]*|of|and|to|the|for|in|on|with|&)"
_INSTRUMENT_NOUN = r"(?:AGREEMENTS?|INDENTURE|CONTRACT|NOTE|DEBENTURE|GUARANTY|GUARANTEE|LEASE)"
_CAPTION = re.compile(
    r"^(?:EX(?:HIBIT|\.|-)\s*[\w.()-]+\s*[:.\u2013\u2014-]?\s+)?(?:FORM\s+OF\s+)?"
    r"(?P<title>(?:" + _CAPTION_WORD + r"\s+){0,7}" + _INSTRUMENT_NOUN + r"|AGREEMENT\b(?:\s+" + _CAPTION_WORD + r"){1,8})"
    r"\s*[.:]?\s*$",
    re.I,
)
# a caption in capitals at the start of a longer line: "DISTRIBUTION AND SERVICES AGREEMENT January 18, 2020 ..."
_CAPS_CAPTION = re.compile(
    r"^(?:EX(?:HIBIT|\.|-)\s*[\w.()-]+\s*[:.\u2013\u2014-]?\s+)?(?:FORM\s+OF\s+)?"
    r"(?P<title>(?!TH(?:IS|E)\b)(?:[A-Z][A-Z0-9&'\u2019.,/-]*\s+){1,7}" + _INSTRUMENT_NOUN + r")(?=\s+(?![A-Z]{2,}\b))"
)
# what makes a caption name something that is not an instrument of its own
_NOT_OWN_INSTRUMENT = re.compile(
    r"\b(?:AMENDMENTS?|SUPPLEMENT(?:AL)?|ADDENDUM|WAIVER|CONSENT|JOINDER|RIDER|MODIFICATION|EXTENSION|TERMINATION|"
    r"RATIFICATION|ASSIGNMENT|LETTER|OPINION|CERTIFICATE|SCHEDULE|EXHIBITS|PLAN|POLICY|TERM\s+SHEET|SUMMARY|"
    r"JOINT\s+FILING|ITEM\s+\d|FORM\s+8-K|PRESS\s+RELEASE|TABLE\s+OF\s+CONTENTS)\b",
    re.I,
)
# a document that changes or adds to another instrument (named anywhere in the head
# before its caption, or in its opening "This ... Amendment"): it lives under the
# governing law of the instrument it changes
_CHANGES_ANOTHER = re.compile(
    r"\b(?:AMENDE?MENT|AMENDATORY|AMENDED|MODIFICATION|SUPPLEMENT|ADDENDUM|CHANGE\s+ORDER|WAIVER|CONSENT|JOINDER|RATIFICATION|ALLONGE)\b",
    re.I,
)
# ... or that names itself one: (the "Amendment"), (this "Supplement")
_SELF_NAMED_CHANGE = re.compile(
    r"\(\s*(?:the|this)\s+[\"\u201c]\s*(?:[A-Z][\w-]*\s+){0,3}?(?:Amendment|Modification|Supplement|Addendum|Waiver|Consent|Joinder|Change\s+Order)\s*[\"\u201d]\s*\)"
)
# the filing label ("EXHIBIT 10.1"): a caption above it is the filing's description, not the document's
_FILING_LABEL = re.compile(r"^EX(?:HIBIT|\.|-)\s*\d+(?:\.\d+)*[A-Z]?\s*$|^EX(?:HIBIT|\.|-)\s*$|^\d+(?:\.\d+)+\s*$", re.I)
_OPENING_CHANGE = re.compile(
    r"(?:^|[.:]\s)\s*(?:THIS|This)\s+(?:[A-Z0-9][\w.-]*\s+){0,5}?"
    r"(?:(?i:AMENDE?MENT|MODIFICATION|SUPPLEMENT|ADDENDUM|CHANGE\s+ORDER|WAIVER|CONSENT|JOINDER))\b",
    re.M,
)
_NOT_A_CAPTION = re.compile(r"^(?:ARTICLE|SECTION|PART|CLAUSE|\u00a7)\b|^\d+(?:\.\d+)*\.?\s", re.I)
_AMENDED_AND_RESTATED = re.compile(r"\bAMENDED\s+AND\s+RESTATED\b", re.I)


def _without_restated(text: str, low: Optional[str] = None) -> str:
    """``_AMENDED_AND_RESTATED.sub(" ", text)``; ``low`` is ``_lowered(text)`` when known.

    The pattern is tried only where the lower-cased text holds "amended" (it
    cannot skip to a word by itself: it begins with a word boundary and any case)."""
    if low is None:
        low = _lowered(text)
        if low is None:
            return _AMENDED_AND_RESTATED.sub(" ", text)
    find = low.find
    i = find("amended")
    while i != -1:
        if _AMENDED_AND_RESTATED.match(text, i) is not None:
            return _AMENDED_AND_RESTATED.sub(" ", text)
        i = find("amended", i + 7)
    return text
# "This Strategic Alliance Agreement (the "Agreement") is made and entered into ..."
_PREAMBLE = re.compile(
    r"(?:^|[.:]\s)[ \t]*(?:THIS|This)\s+(?P<title>(?:[A-Z][\w&'\u2019-]*\s+){0,6}(?:AGREEMENT|INDENTURE|CONTRACT|GUARANTY|LEASE|Agreement|Indenture|Contract|Guaranty|Lease))\b[^.;]{0,160}?"
    r"\b(?i:is|are)\s+(?i:made|entered|dated|executed)\b"
    r"|(?:^|[.:]\s)[ \t]*(?:THIS|This)\s+(?P<title2>AGREEMENT|Agreement)\b(?:\s*\([^()]{0,60}\))?,?\s+(?i:is\s+)?(?i:made|entered\s+into|dated)\s+"
    r"(?i:and\s+entered\s+into\s+)?(?i:this|as\s+of|on|effective|by|between|among)\b",
    re.M,
)
# Evidence of execution: IN WITNESS WHEREOF, a "By:" line, "/s/", "agree(s) as follows",
# "hereby agree(s)", "AGREED AND ACCEPTED", "AGREED TO AND ACCEPTED" (any case).
# Each expression begins with its first letter written out in both cases, the word
# boundary checked just after it: the regular-expression engine then skips through
# the text to that letter instead of trying the whole expression at every character.
_EXECUTION_PARTS = (
    re.compile(r"[Ii](?<!\w[Ii])(?i:n\s+witness\s+(?:whereof|thereof))\b"),
    re.compile(r"/[sS]/"),
    re.compile(r"[Aa](?<!\w[Aa])(?i:grees?\s+as\s+follows|greed\s+to\s+and\s+accepted"
               r"|(?:greed|ccepted)\s+(?:and|&)\s+(?:accepted|agreed))\b"),
    re.compile(r"[Hh](?<!\w[Hh])(?i:ereby\s+agrees?)\b"),
)
_BY_LINE = re.compile(r"[Bb][Yy][ \t]*:")  # at the start of a line, after spaces or tabs only
_BY_LINE_LOWER = re.compile(r"by[ \t]*:")  # the same, in the lower-cased text

# Characters a case-insensitive pattern takes for an ASCII letter although str.lower()
# does not turn them into it (dotted and dotless i, long s, Kelvin sign).
_CASE_TRAPS = ("\u0130", "\u0131", "\u017f", "\u212a")


_LAST_LOWER: Optional[tuple[str, str]] = None  # (text, text.lower()) of the last document text lower-cased whole


def lower_case(text: str) -> str:
    """``text.lower()``, remembered for the last document text asked about: the
    type of a document is told from its text, and the facts stages read the same
    text (the same string) in lower case again."""
    global _LAST_LOWER
    got = _LAST_LOWER
    if got is not None and got[0] is text:
        return got[1]
    low = text.lower()
    _LAST_LOWER = (text, low)
    return low


_LAST_COUNTS: Optional[tuple[str, dict]] = None  # (text, {(word, limit): count}) of the last document text counted in


def count_word(text: str, word: str, limit: int = 400000) -> int:
    """``text.count(word, 0, limit)``, remembered for the last document text asked
    about: the type of a document is told from how often it names its parties, and
    the facts stages count the same words in the same text (the same string) again."""
    global _LAST_COUNTS
    got = _LAST_COUNTS
    if got is None or got[0] is not text:
        got = _LAST_COUNTS = (text, {})
    key = (word, limit)
    n = got[1].get(key)
    if n is None:
        n = got[1][key] = text.count(word, 0, limit)
    return n


def _lowered(text: str, whole: bool = False) -> Optional[str]:
    """``text.lower()``, when it keeps ``text``'s offsets and holds each ASCII word
    (lower-cased) exactly where a case-insensitive pattern finds it in ``text``;
    None for a text where that does not hold.

    The readers below find a rare word in it with plain string search, then try
    their pattern only there, instead of letting the pattern try every letter."""
    if not text.isascii():
        for ch in _CASE_TRAPS:
            if ch in text:
                return None
    low = lower_case(text) if whole else text.lower()
    return low if len(low) == len(text) else None


def _has_slash_s(low: str) -> bool:
    """``"/s/" in low``, looked for at each "/" (rare in an agreement, and found by a
    quicker search than the three characters, which begin and end alike)."""
    find = low.find
    sw = low.startswith
    i = find("/")
    while i != -1:
        if sw("/s/", i):
            return True
        i = find("/", i + 1)
    return False


def _executed(body: str, low: Optional[str] = None) -> bool:
    if low is None:
        low = _lowered(body)
        if low is None:
            return _executed_by_patterns(body)
    if _has_slash_s(low):
        return True
    return _executed_unsigned(body, low)


def _executed_unsigned(body: str, low: str) -> bool:
    """:func:`_executed` of a body whose lower-cased text ``low`` holds no "/s/"."""
    find = low.find
    witness = _EXECUTION_PARTS[0]
    i = find("witness")
    while i != -1:
        # "In  witness whereof": the match starts two characters before the spaces
        j = i
        while j > 0 and low[j - 1].isspace():
            j -= 1
        if 2 <= j < i and witness.match(body, j - 2):
            return True
        i = find("witness", i + 7)
    for word, pattern in (("hereby", _EXECUTION_PARTS[3]), ("agree", _EXECUTION_PARTS[2]), ("accepted", _EXECUTION_PARTS[2])):
        i = find(word)
        while i != -1:
            if pattern.match(body, i):
                return True
            i = find(word, i + len(word))
    for m in _BY_LINE_LOWER.finditer(low):
        start = low.rfind("\n", 0, m.start()) + 1
        if not low[start : m.start()].strip(" \t"):
            return True
    return False


def _executed_by_patterns(body: str) -> bool:
    if any(rx.search(body) for rx in _EXECUTION_PARTS):
        return True
    for m in _BY_LINE.finditer(body):
        start = body.rfind("\n", 0, m.start()) + 1
        if not body[start : m.start()].strip(" \t"):
            return True
    return False


_PROMISE = re.compile(r"[Pp](?<!\w[Pp])(?i:romises?\s+to\s+pay\b[^;]{0,250}?\bprincipal\b)")  # "to Cede & Co. the principal sum"
_NOT_OPERATIVE_HEAD = re.compile(r"\bFORM\s+8-K\b|\bCURRENT\s+REPORT\b|\bPRESS\s+RELEASE\b|^\s*FOR\s+IMMEDIATE\s+RELEASE\b", re.I | re.M)


def _promise(body: str, low: Optional[str]) -> Optional[re.Match]:
    """The first promise to pay a principal sum in ``body`` (``_PROMISE.search``)."""
    if low is None:
        return _PROMISE.search(body)
    find = low.find
    i = find("promise")
    while i != -1:
        m = _PROMISE.match(body, i)
        if m is not None:
            return m
        i = find("promise", i + 7)
    return None


# "This"/"THIS", where the opening sentence and the preamble start
_THIS = re.compile(r"T(?:HIS|his)")
# _OPENING_CHANGE from its "This" on
_OPENING_CHANGE_TAIL = re.compile(_OPENING_CHANGE.pattern[_OPENING_CHANGE.pattern.index("(?:THIS|This)") :], re.M)


def _opens_with_change(head: str) -> bool:
    """Whether ``_OPENING_CHANGE`` finds a match in ``head``: tried only at each
    "This" that opens a line or follows a "." or ":" and white space."""
    for m in _THIS.finditer(head):
        p = m.start()
        j = p
        while j > 0 and head[j - 1].isspace():
            j -= 1
        if (j == 0 or "\n" in head[j:p] or (head[j - 1] in ".:" and j < p)) and _OPENING_CHANGE_TAIL.match(head, p):
            return True
    return False


def _preamble(head: str) -> Optional[re.Match]:
    """``_PREAMBLE.search(head)``, tried only where a match can start: before a
    "This" that opens a line or follows a "." or ":" and white space."""
    for m in _THIS.finditer(head):
        p = m.start()
        j = p
        while j > 0 and head[j - 1] in " \t":
            j -= 1
        if j >= 2 and head[j - 1].isspace() and head[j - 2] in ".:":
            s = j - 2
        elif j >= 1 and head[j - 1] in ".:" and j < p:
            s = j - 1
        elif j == 0 or head[j - 1] == "\n":
            s = j
        else:
            continue
        pm = _PREAMBLE.match(head, s)
        if pm is not None:
            return pm
    return None


# _NOT_OPERATIVE_HEAD in parts, each with words its matches hold (lower case): a word
# every match holds, and words of which every match holds one
_NOT_OPERATIVE_PARTS = (
    ("8-k", ("form",), re.compile(r"\bFORM\s+8-K\b", re.I)),
    ("report", ("current",), re.compile(r"\bCURRENT\s+REPORT\b", re.I)),
    ("relea", ("press", "immediate"), re.compile(r"\bPRESS\s+RELEASE\b|^\s*FOR\s+IMMEDIATE\s+RELEASE\b", re.I | re.M)),
)


def _not_operative_head(head: str, head_low: Optional[str] = None) -> bool:
    """``_NOT_OPERATIVE_HEAD`` in the first 3000 characters of ``head`` (``head_low``:
    ``_lowered(head)``, when known)."""
    top = head[:3000]
    low = head_low[:3000] if head_low is not None else _lowered(top)
    if low is None:
        return _NOT_OPERATIVE_HEAD.search(top) is not None
    for word, others, pattern in _NOT_OPERATIVE_PARTS:
        if word in low and any(w in low for w in others) and pattern.search(top):
            return True
    return False


@dataclass(frozen=True)
class Instrument:
    """Why a document is an operative instrument: the caption (or the promise to
    pay) and its offset in the text."""

    title: str
    offset: int
    how: str  # caption | preamble | promise


# a word of _INSTRUMENT_NOUN that every caption holds, in capitals ("NDENTURE": the
# pattern's "i" also takes a dotted capital I, which str.upper() leaves as it is)
_NOUN_WORDS = ("AGREEMENT", "NDENTURE", "CONTRACT", "NOTE", "DEBENTURE", "GUARANT", "LEASE")
_NOUN_WORDS_RX = re.compile("|".join(_NOUN_WORDS))  # any of them, in one search


def _caption(lines: list[tuple[int, str]]) -> Optional[tuple[int, str, bool]]:
    """The first caption among the head lines: (offset, caption, own) where
    ``own`` is False for an amendment, waiver, supplement and the like (judged on
    the caption and the two lines before it: "AMENDMENT NO. 1 TO / EMPLOYMENT AGREEMENT")."""
    for k, (off, ln) in enumerate(lines):
        s = ln.strip()
        if _NOUN_WORDS_RX.search(s.upper()) is None:
            continue  # no instrument named: not a caption
        if _NOT_A_CAPTION.match(s):
            continue  # a heading inside the document ("ARTICLE 2 THE WORK OF THIS CONTRACT")
        m = _CAPTION.match(s) if len(s) <= 90 else None
        if m is None:
            m = _CAPS_CAPTION.match(s)
            if m is None:
                continue
            s = m.group(0)
        if any(_FILING_LABEL.match(t) for _o, t in lines[k + 1 : k + 4]):
            continue  # the filing's description line above its exhibit label
        title = m.group("title")
        # a caption is capitalised (Title Case or upper case), not a sentence
        words = [w for w in re.findall(r"[A-Za-z][\w'\u2019-]*", title) if w.lower() not in ("of", "and", "to", "the", "for", "in", "on", "with")]
        if not words or any(not w[0].isupper() for w in words):
            continue
        if len(words) == 1 and words[0].upper() in ("NOTE", "NOTES", "LEASE", "GUARANTY", "GUARANTEE", "DEBENTURE"):
            continue  # "Note." alone is a remark, not a caption
        texts = [t for _o, t in lines[: k + 2]]
        texts[k] = s  # only the caption of a line that goes on into the text
        if len(texts) > k + 1 and len(texts[k + 1]) > 90:
            texts.pop()
        context = _without_restated(" ".join(texts[max(0, k - 2) : k + 1]))
        before = _without_restated(" ".join(texts))
        own = not _NOT_OWN_INSTRUMENT.search(context) and not _CHANGES_ANOTHER.search(before)
        return off, s, own
    return None


def operative_instrument(text: str) -> Optional[Instrument]:
    """Whether ``text`` is itself an operative instrument (an agreement, indenture,
    contract, note or guaranty that creates obligations), and why; None if not.

    Decided from the document: its caption or preamble with evidence of
    execution (signature blocks, "IN WITNESS WHEREOF", "agree as follows"), or a
    note's promise to pay a principal sum."""
    head = text[:8000]
    lines: list[tuple[int, str]] = []
    pos = 0
    for ln in head.splitlines(keepends=True):
        if ln.strip():
            lines.append((pos + len(ln) - len(ln.lstrip()), ln.strip()))
            if len(lines) >= 60:
                break
        pos += len(ln)
    head_low = _lowered(head)
    if _not_operative_head(head, head_low):
        return None
    body = text[:400000]
    cap = _caption(lines)
    if cap is not None and not cap[2]:
        return None  # an amendment, waiver, supplement, letter ...
    changed = _without_restated(head, head_low) if head_low is not None else _AMENDED_AND_RESTATED.sub(" ", head)
    if _opens_with_change(changed) or _SELF_NAMED_CHANGE.search(head):
        return None  # "This Amendment No. 2 to ...", "This Second Modification of ..."
    pre = _preamble(head)
    if pre is not None and _NOT_OWN_INSTRUMENT.search(_AMENDED_AND_RESTATED.sub(" ", pre.group("title") or pre.group("title2") or "")):
        pre = None
    low: Optional[str] = None
    if cap is not None or pre is not None:  # (without either, execution decides nothing)
        if body is text:
            # the whole text lower-cased is kept for the facts stages, which read it too:
            # a conformed signature ("/s/" or "/S/") is looked for in it, in one scan
            low = _lowered(body, whole=True)
            if low is None:
                executed = _executed_by_patterns(body)
            else:
                executed = _has_slash_s(low) or _executed_unsigned(body, low)
        elif "/s/" in body or "/S/" in body:
            executed = True  # a conformed signature: the body need not be lower-cased
        else:
            low = _lowered(body, whole=True)
            executed = _executed(body, low) if low is not None else _executed_by_patterns(body)
        if cap is not None and executed:
            return Instrument(cap[1], cap[0], "caption")
        if pre is not None and executed:
            return Instrument(_norm_space(pre.group(0))[:90], pre.start(), "preamble")
    m = _promise(body, low if low is not None else _lowered(body, whole=True))
    if m is not None:
        return Instrument(_norm_space(m.group(0))[:90], m.start(), "promise")
    return None


def _norm_space(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class DocType:
    doc_type: str
    subtype: str | None
    evidence: str  # the title line or the vocabulary that decided it
    title: str | None = None  # the document's caption, when it has one ("UNDERWRITING AGREEMENT", "MASTER NOTE")


# the words counted to tell the types apart, each a word of its own (not "AgentX");
# each pattern begins with the word written out, so the engine skips to it
_MENTIONS = {
    "Underwriter": re.compile(r"Underwriter(?<!\wUnderwriter)s?\b"),
    "Agent": re.compile(r"Agent(?<!\wAgent)s?\b"),
    "Trustee": re.compile(r"Trustee(?<!\wTrustee)\b"),
    "Warrant": re.compile(r"Warrant(?<!\wWarrant)s?\b"),
    "Holder": re.compile(r"Holder(?<!\wHolder)\b"),
}
_PROSPECTUS = re.compile(r"Prospectus(?<!\wProspectus)\b")
_OFFERING = re.compile(r"(?:R(?<!\wR)egistration Statement|S(?<!\wS)ubscription Offering|O(?<!\wO)ffering)\b")


class _Vocabulary:
    """How often the body names the parties of each type, counted when first asked."""

    def __init__(self, body: str, text: Optional[str] = None):
        self.body = body
        # the whole text, when ``body`` is text[:400000]: the words are counted in it (the
        # counts are kept for the facts stages, which count some of them again)
        self._text = text
        self._n: dict[str, int] = {}
        self._securities: Optional[bool] = None

    def count(self, word: str) -> int:
        n = self._n.get(word)
        if n is None:
            n = self._n[word] = len(_MENTIONS[word].findall(self.body))
        return n

    def at_least(self, word: str, n: int) -> bool:
        got = self._n.get(word)
        if got is not None:
            return got >= n
        if (self.body.count(word) if self._text is None else count_word(self._text, word, 400000)) < n:
            return False  # every mention is an occurrence of the word itself: fewer than n
        # the mentions counted up to the n-th, where the answer is known
        k = 0
        for _m in _MENTIONS[word].finditer(self.body):
            k += 1
            if k >= n:
                return True
        self._n[word] = k
        return False

    @property
    def securities(self) -> bool:
        """Whether the body speaks of a prospectus and an offering."""
        if self._securities is None:
            body = self.body
            self._securities = bool(
                "Prospectus" in body
                and _PROSPECTUS.search(body)
                and ("Offering" in body or "Registration Statement" in body)
                and _OFFERING.search(body)
            )
        return self._securities


def detect(text: str) -> DocType:
    head = text[:6000]
    head_lines = [ln for ln in head.splitlines()[:80] if ln.strip()]
    title_type = None
    title_line = ""
    for ln in head_lines:
        s = ln.strip()
        if len(s) > 90:
            continue
        u = s.upper()
        if "AGREEMENT" not in u and "WARRANT" not in u and "NDENTURE" not in u:
            continue  # every title names one of them
        for kind, pat in _TITLE_PATTERNS:
            if pat.match(s):
                # "STOCK PURCHASE AGREEMENT" of an M&A deal is not an underwriting agreement:
                # confirm a purchase agreement by its vocabulary below.
                title_type, title_line = kind, s
                break
        if title_type:
            break

    body = text[:400000]
    vocab = _Vocabulary(body, text)

    doc_type = "other"
    evidence = title_line
    if title_type == "underwriting_agreement":
        if "PURCHASE" in title_line.upper() and "UNDERWRIT" not in title_line.upper() and not vocab.at_least("Underwriter", 10):
            doc_type, evidence = "other", f"title {title_line!r} without underwriters"
        else:
            doc_type = "underwriting_agreement"
    elif title_type == "terms_agreement":
        doc_type = "terms_agreement"
    elif title_type == "agency_agreement":
        securities = vocab.securities
        doc_type = "agency_agreement" if securities else "other"
        if not securities:
            evidence = f"title {title_line!r} but no offering vocabulary"
    elif title_type == "warrant":
        doc_type = "warrant" if vocab.at_least("Warrant", 5) else "other"
    elif title_type == "indenture":
        doc_type = "indenture" if vocab.at_least("Trustee", 10) else "other"
    else:
        if vocab.at_least("Underwriter", 40) and re.search(r"\bUnderwriting Agreement\b|\bseveral Underwriters\b", body, re.I):
            doc_type, evidence = "underwriting_agreement", f"{vocab.count('Underwriter')} mentions of Underwriters"
        elif vocab.at_least("Agent", 10) and vocab.securities and re.search(r"\bAgency Agreement\b", body, re.I):
            doc_type, evidence = "agency_agreement", f"{vocab.count('Agent')} mentions of Agent in an offering"
        elif vocab.at_least("Warrant", 15) and vocab.at_least("Holder", 10) and re.search(r"\bexercis", body, re.I):
            doc_type, evidence = "warrant", f"{vocab.count('Warrant')} mentions of Warrant, {vocab.count('Holder')} of Holder"
        elif "Indenture" in body and vocab.at_least("Trustee", 60) and re.search(r"\bIndenture\b", body):
            doc_type, evidence = "indenture", f"{vocab.count('Trustee')} mentions of Trustee"

    subtype = None
    if doc_type == "other":
        inst = operative_instrument(text)
        if inst is not None:
            subtype = "instrument"
            if inst.how == "caption":
                title_line = title_line or inst.title
            evidence = f"{inst.how} {inst.title!r}" + (f"; {evidence}" if evidence and evidence != inst.title else "")
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
    return DocType(doc_type, subtype, evidence or "no title found", title_line or None)
