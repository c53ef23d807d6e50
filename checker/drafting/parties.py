"""Parties: one party's jurisdiction or form stated two ways (PARTY001), a
party's name spelled differently in the preamble, the schedules and the
signature blocks (PARTY002), and one signatory's name split over two lines of
a signature block so that the block seems to name more signatories than there
are (PARTY003, informational).
"""
from __future__ import annotations

import difflib
import functools
import re
from collections import Counter

from ..model import Finding
from . import as_rule
from .context import Context, literal_starts, matches_at, squash, trie_regex

_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
    "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|"
    "Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|District of Columbia|"
    "Puerto Rico|Bermuda|Cayman Islands|British Virgin Islands|Marshall Islands|Canada|Ontario|British Columbia|"
    "Luxembourg|Netherlands|Ireland|Israel|England and Wales|England|Scotland|Jersey|Guernsey|Singapore|"
    "Hong Kong|Australia|Germany|France|Japan|Switzerland|Panama|Liberia|Maryland"
)
_FORMS = (
    r"corporation|limited\s+liability\s+company|limited\s+partnership|general\s+partnership|partnership|"
    r"statutory\s+trust|business\s+trust|real\s+estate\s+investment\s+trust|trust|banking\s+corporation|"
    r"national\s+banking\s+association|savings\s+bank|savings\s+and\s+loan\s+association|stock\s+savings\s+bank|"
    r"bank\s+holding\s+company|company|exempted\s+company|public\s+limited\s+company|limited\s+company|"
    r"chartered\s+(?:savings\s+)?bank|federal\s+savings\s+bank|mutual\s+holding\s+company"
)
_FORM_RE = r"(?:(?:federally|state)[\s-]+chartered\s+)?(?:" + _FORMS + r")"
_DESCR = re.compile(
    r"(?P<name>[A-Z][\w.&'\-]*(?:\s+(?:[A-Z][\w.&'\-]*|of|and|&|de|du|la))*,?(?:\s+(?i:inc|corp|ltd|llc|l\.?p|n\.a|co)\.?)?)"
    r",?\s+an?\s+(?P<state>" + _STATES.replace(" ", r"\s+") + r")\s+(?P<form>" + _FORM_RE.replace(r"\s+", r"\s+") + r")\b"
    r"(?P<tail>\s*,?\s*\((?:[^()\"\u201c]{0,60}?)[\"\u201c](?P<term>[^\"\u201d]{1,50})[\"\u201d])?",
)
_ORGANISED = re.compile(
    r"\b(?:The|the)\s+(?P<term>[A-Z][A-Za-z\-]+(?:\s+[A-Z][A-Za-z\-]+)?)\s+(?:has\s+been|is|was|are|have\s+been)\s+"
    r"(?:duly\s+|validly\s+)?(?:incorporated|organized|organised|formed|chartered)\b"
    r"(?P<mid>[^.;]{0,160}?)\bunder\s+the\s+laws\s+of\s+(?:the\s+)?(?:(?:State|Commonwealth)\s+of\s+)?"
    r"(?P<state>" + _STATES.replace(" ", r"\s+") + r")\b"
)
_NORM_WORDS = {
    "INCORPORATED": "INC",
    "CORPORATION": "CORP",
    "COMPANY": "CO",
    "LIMITED": "LTD",
    "AND": "&",
    "L P": "LP",
}


_NORM_PUNCT = re.compile(r"[.,'\u2019]")
_NORM_RE = re.compile(r"\b(?:" + "|".join(_NORM_WORDS) + r")\b")


# patterns read in the loops below (compiled once)
_HEADING_RUN_IN = re.compile(r"(?<=[a-z]{3})\.\s+")
_SUBSIDIARY = re.compile(r"\bsubsidiar", re.I)
_DESCRIPTION_WRAP = re.compile(r",\s*an?$")
_DESCRIPTION_LINE = re.compile(r"^(?:AN?|THE)\s+[A-Z]+\s+(?:LIMITED|GENERAL|CORPORATION|COMPANY)")
_SMALL_LETTER = re.compile(r"[a-z]")
_NOT_CAPITAL = re.compile(r"[^A-Z]")
_FAMILY_MARK = re.compile(r"[IVX]+|\d+|[A-Z]")
_SUFFIX_WORD = re.compile(r"\b(?:INC|CORP|CO|LTD|LLC|LP|LLP|NA|PLC|AG|SA)\b")


@functools.lru_cache(maxsize=4096)
def norm_name(s: str) -> str:
    t = _NORM_PUNCT.sub("", s.upper())
    t = " ".join(t.split())
    if t.startswith("THE "):
        t = t[4:]
    return _NORM_RE.sub(lambda m: _NORM_WORDS[m.group(0)], t)


def _state_norm(s: str) -> str:
    return squash(s).lower()


# ---------------------------------------------------------------------------
# PARTY001
# ---------------------------------------------------------------------------


_STATE_FORM = re.compile(
    r"\ban?\s+(?:" + _STATES.replace(" ", r"\s+") + r")\s+(?:" + _FORM_RE.replace(r"\s+", r"\s+") + r")\b"
)


# where a _STATE_FORM match can start: "a" or "an" before the name of a state
# (the names factored by common prefixes, so that the engine rules out most
# capitalised words at their first letters)
_STATE_FORM_AT = re.compile(
    r"an?\s+(?=" + trie_regex(sorted(set(_STATES.split("|")), key=len, reverse=True)).replace("\\ ", r"\s+") + r")"
)


# every match of _STATE_FORM holds one of these words (its form names one),
# and at most _BEFORE_FORM_WORD characters other than white space and "-"
# before the first of them ("an" and "British Virgin Islands" and
# "federally chartered" and "real estate investment")
_FORM_WORDS = ("corporation", "company", "partnership", "trust", "association", "bank")
_BEFORE_FORM_WORD = 64


def _state_form_starts(text: str) -> list[int]:
    """The starts of the matches of _STATE_FORM_AT that may start a match of
    _STATE_FORM (among them every one that does), in order: those in the
    stretches before each of _FORM_WORDS (stretches that meet taken as one),
    not those of the whole text (the engine would try every "a" of it)."""
    words = literal_starts(text, _FORM_WORDS)
    windows: list[list[int]] = []
    for k in words:
        lo = k - 200
        if lo <= 0:
            lo = 0
        else:
            seg = text[lo:k]
            if len("".join(seg.split())) - seg.count("-") < _BEFORE_FORM_WORD:
                lo = 0  # (white space or dashes at length: the whole text before it)
        if windows and lo <= windows[-1][1]:
            if lo < windows[-1][0]:
                windows[-1][0] = lo
            windows[-1][1] = k
        else:
            windows.append([lo, k])
    out: list[int] = []
    finditer = _STATE_FORM_AT.finditer
    for lo, hi in windows:
        out.extend([m.start() for m in finditer(text, lo, hi)])
    return out


# the text up to the last character that no name of _DESCR, nor what stands
# between the name and its "a Delaware corporation", can hold
_LAST_NAME_BREAK = re.compile(r".*[^\w.&'\-,\s]", re.S)


def _descriptions(ctx: Context):
    """(party key, state, form, start, end, name) of every "X, a Delaware
    corporation" and "the Company is organised under the laws of" statement."""
    cached = getattr(ctx, "_party_descr", None)
    if cached is not None:
        return cached
    text = ctx.text
    out = []
    # anchor on "a Delaware corporation", then read the name before it
    hits = []
    for sm in matches_at(_STATE_FORM, text, _state_form_starts(text)):
        lo = max(0, sm.start() - 160)
        # a match of _DESCR holds, up to the end of its form, only word
        # characters, white space and ".&'-,": none spans the last other
        # character before the statement, and the search starts after it
        # (the matches before it end before it: the loop below passes them)
        br = _LAST_NAME_BREAK.match(text, lo, sm.start())
        m = _DESCR.search(text, br.end() if br is not None else lo, min(len(text), sm.end() + 120))
        while m is not None and m.end("form") < sm.end():
            m = _DESCR.search(text, m.end("form"), min(len(text), sm.end() + 120))
        if m is not None and m.end("form") == sm.end():
            hits.append(m)
    for m in hits:
        name = squash(m.group("name")).rstrip(",")
        # "Introductory. CommVault Systems, Inc.": a heading run into the name
        parts = _HEADING_RUN_IN.split(name)
        name = parts[-1]
        term = m.group("term")
        key = squash(term).lower() if term else norm_name(name)
        if len(key) < 2:
            continue
        out.append((key, _state_norm(m.group("state")), squash(m.group("form")).lower(), m.start("name"), m.end("form"), name))
    found = []
    seen_starts: set[int] = set()
    for lm in re.finditer(r"under\s+the\s+laws\s+of", text):
        lo = max(0, lm.start() - 260)
        for m in _ORGANISED.finditer(text, lo, min(len(text), lm.end() + 60)):
            if m.start() not in seen_starts and m.start("state") >= lm.end():
                seen_starts.add(m.start())
                found.append(m)
    for m in found:
        key = squash(m.group("term")).lower()
        if _SUBSIDIARY.search(m.group("mid")):
            continue
        out.append((key, _state_norm(m.group("state")), None, m.start(), m.end("state"), key))
    ctx._party_descr = out
    return out


@as_rule
def jurisdiction_mismatch(ctx: Context) -> list[Finding]:
    descs = _descriptions(ctx)
    # a statement with a defined term belongs to that term; one without (the
    # "Company is organized under the laws of" kind uses the term itself) to the
    # name, or to the term the same name was given elsewhere
    term_of_name: dict[str, str] = {}
    for key, _st, _f, _a, _b, name in descs:
        if key != norm_name(name) and name.lower() != key:
            term_of_name.setdefault(_plain_name(name), key)
    by_key: dict[str, list] = {}
    for d in descs:
        key, name = d[0], d[5]
        if key == norm_name(name):
            key = term_of_name.get(_plain_name(name), key)
        by_key.setdefault(key, []).append(d)
    out: list[Finding] = []
    for key, ds in by_key.items():
        ds.sort(key=lambda d: d[3])
        first = ds[0]
        for d in ds[1:]:
            named = [x for x in (first, d) if x[2] is not None]  # "X, a Delaware corporation" statements
            if len(named) == 2 and _plain_name(first[5]) != _plain_name(d[5]):
                continue  # two entities given the same term in different instruments
            problem = None
            if d[1] != first[1]:
                problem = f"organised under the laws of {d[1].title()} here, but of {first[1].title()} at line {ctx.span(first[3], first[4]).line}"
            elif d[2] and first[2] and d[2] != first[2] and not (d[2] == "company" or first[2] == "company"):
                problem = f"described as a {d[2]} here, but as a {first[2]} at line {ctx.span(first[3], first[4]).line}"
            if problem is None:
                continue
            out.append(
                ctx.finding(
                    "PARTY001",
                    f"'{first[5] if first[5].lower() != key else key}' is {problem}",
                    d[3],
                    d[4],
                    [ctx.related(first[3], first[4], "stated here")],
                )
            )
            break
    return out


def _plain_name(s: str) -> str:
    """A name without case or punctuation, its words kept ("Tiffany and Company"
    and "Tiffany & Co." stay apart)."""
    return " ".join(re.sub(r"[.,'\u2019]", "", s.upper()).split())


# ---------------------------------------------------------------------------
# names in the signature blocks, the preamble and the schedules
# ---------------------------------------------------------------------------


_NOT_SIGNATORY = re.compile(
    r"^(?:By|Name|Title|Its|Date|Attest|Witness|Accepted|Confirmed|Very|Sincerely|Agreed|As\b|On\b|Acting|For\b)", re.I
)


# an ASCII line's letters (everything else deleted), and its capitals (the small letters deleted)
_NOT_LETTERS = str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isalpha()))
_LOWER = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")


def _signature_lines(ctx: Context) -> list[tuple[int, int, str]]:
    """Lines in capitals inside the signature pages: the signatories' names."""
    cached = getattr(ctx, "_sig_lines", None)
    if cached is not None:
        return cached
    out: list[tuple[int, int, str]] = []
    ctx._sig_lines = out
    lines = ctx.layout.lines
    spans = [(s.start, s.end) for s in ctx.sections if s.kind == "signature"]
    for a, b in spans:
        i = ctx.line_index(a)
        while i < len(lines) and lines[i].start < b:
            ln = lines[i]
            t = ln.text.strip()
            i += 1
            if not t or t.endswith(":") or len(t) > 80 or _NOT_SIGNATORY.match(t):
                continue
            if t.isascii():
                letters = t.translate(_NOT_LETTERS)
                n_letters = len(letters)
                if n_letters < 3 or len(letters.translate(_LOWER)) < 0.9 * n_letters:
                    continue
            else:
                chars = [c for c in t if c.isalpha()]
                if len(chars) < 3 or sum(c.isupper() for c in chars) < 0.9 * len(chars):
                    continue
            if _DESCRIPTION_WRAP.search(t) or _DESCRIPTION_LINE.match(t):
                continue  # "..., A REAL ESTATE LIMITED PARTNERSHIP, a": a description, wrapped
            a0 = ln.start + ln.indent
            out.append((a0, a0 + len(t), t))
    return out


def _known_names(ctx: Context) -> list[tuple[int, int, str, str]]:
    """Party names written in ordinary case: preamble descriptions and schedule rows."""
    from .tables import _tables

    cached = getattr(ctx, "_known_names", None)
    if cached is not None:
        return cached
    out: list[tuple[int, int, str, str]] = []
    ctx._known_names = out
    for key, _st, _f, a, b, name in _descriptions(ctx):
        if name and not name.isupper() and len(name) > 3:
            out.append((a, a + len(name), name, "preamble"))
    for t in _tables(ctx):
        for r in t.rows:
            lab = squash(r.label)
            if lab and not r.total and not lab.endswith(":") and _SMALL_LETTER.search(lab):
                out.append((r.label_start, r.label_end, lab, t.where))
    return out


@as_rule
def name_mismatch(ctx: Context) -> list[Finding]:
    sig = _signature_lines(ctx)
    if not sig:
        return []  # (the known names are read only when there are signatories)
    known = _known_names(ctx)
    if not known:
        return []
    kn = [(norm_name(n), a, b, n, where) for a, b, n, where in known]
    kn_set = {k[0] for k in kn}
    # a name known twice is compared once: the first of equal ratios is kept
    # below, so the first occurrence of each spelling is the one that counts
    first_of: dict[str, tuple] = {}
    for k in kn:
        first_of.setdefault(k[0], k)
    kn = list(first_of.values())
    # each name's characters and how often each stands in it (as two tuples,
    # and zeros as many: the counts shared with another name are read in one
    # call of map, not a loop)
    # (read for the names of a length a signatory's name can be compared
    # with, when first needed); the names by length, in order
    counts: list = [None] * len(kn)
    by_len: dict[int, list[int]] = {}
    for i, k in enumerate(kn):
        by_len.setdefault(len(k[0]), []).append(i)
    out: list[Finding] = []
    reported: set[str] = set()
    for a, b, t in sig:
        nt = norm_name(t)
        if nt in kn_set or nt in reported:
            continue
        best = None
        best_r = 0.0
        n_nt = len(nt)
        # the names within four characters of this one's length, in order
        near = [i for n in range(n_nt - 4, n_nt + 5) for i in by_len.get(n, ())]
        if not near:
            continue
        near.sort()
        sm = difflib.SequenceMatcher(None, "", nt, autojunk=False)
        nt_get = Counter(nt).get
        for i in near:
            c = counts[i]
            if c is None:
                k = kn[i]
                kc = Counter(k[0])
                c = counts[i] = (k, len(k[0]), tuple(kc), tuple(kc.values()), (0,) * len(kc))
            k, n_k, k_chars, k_counts, zeros = c
            # SequenceMatcher's real_quick_ratio and quick_ratio (the
            # characters the two have in common, counted once each), read
            # from the counts of both names' characters
            length = n_k + n_nt
            if (2.0 * min(n_k, n_nt) / length if length else 1.0) < 0.88:
                continue
            common = sum(map(min, k_counts, map(nt_get, k_chars, zeros)))
            if (2.0 * common / length if length else 1.0) < 0.88:
                continue
            sm.set_seq1(k[0])
            r = sm.ratio()
            if r > best_r:
                best, best_r = k, r
        if best is None or best_r < 0.88 or abs(len(nt) - len(best[0])) > 4:
            continue
        # only a spelling difference, not two entities of a family ("FUND II" / "FUND III")
        if _NOT_CAPITAL.sub("", nt) == _NOT_CAPITAL.sub("", best[0]):
            continue
        words, known_words = set(nt.split()), set(best[0].split())
        diff_words = words ^ known_words
        if any(_FAMILY_MARK.fullmatch(w) for w in diff_words):
            continue
        if words < known_words or known_words < words:
            # a word more or less, not a word misspelt: another entity ("INSITUFORM TECHNOLOGIES
            # USA, INC."), or a name that goes on to the next line ("DELPHAX TECHNOLOGIES" /
            # "CANADA LIMITED")
            continue
        reported.add(nt)
        out.append(
            ctx.finding(
                "PARTY002",
                f"the signature block names '{t}', but {best[4]} names '{best[3]}'",
                a,
                b,
                [ctx.related(best[1], best[2], f"in {best[4]}")],
            )
        )
    return out


@as_rule
def split_signatory(ctx: Context) -> list[Finding]:
    sig = _signature_lines(ctx)
    if len(sig) < 2:
        return []
    known = _known_names(ctx)
    if not known:
        return []
    kn = {norm_name(n): (a, b, n, where) for a, b, n, where in known}
    out: list[Finding] = []
    lines = [ctx.line_index(a) for a, _b, _t in sig]
    for k, ((a1, b1, t1), (a2, b2, t2)) in enumerate(zip(sig, sig[1:])):
        n1, n2 = norm_name(t1), norm_name(t2)
        if n1 in kn or n2 in kn:
            continue
        # the two lines must be adjacent
        if lines[k + 1] - lines[k] != 1:
            continue
        # in a list of signatories, one a line: a name on its own over a "By:" line is
        # only wrapped ("BERKSHIRE" / "BANK")
        if not ((k > 0 and lines[k] - lines[k - 1] == 1) or (k + 2 < len(lines) and lines[k + 2] - lines[k + 1] == 1)):
            continue
        joined = norm_name(t1 + " " + t2)
        hit = kn.get(joined)
        if hit is None:
            continue
        # "AT&T / INC.": a suffix wrapped to the next line reads as one name anyway
        if not _SUFFIX_WORD.sub("", n2).strip(" &,"):
            continue
        out.append(
            ctx.finding(
                "PARTY003",
                f"'{t1}' and '{t2}' stand on two lines of the signature block but are one signatory, "
                f"'{hit[2]}' in {hit[3]}; the block reads as one more signatory than there are",
                a1,
                b2,
                [ctx.related(hit[0], hit[1], f"in {hit[3]}")],
            )
        )
    return out
