"""Accuracy by mutation: inject one known defect at a known place, see whether the
checker finds it there; and count what it reports on the unmutated agreements.

    python benchmarks/accuracy.py                 # run the mutants in benchmarks/mutations.yaml
    python benchmarks/accuracy.py --generate      # regenerate the mutation list (fixed seed)
    python benchmarks/accuracy.py --quick         # seeds only, at most 10 mutants per category
    python benchmarks/accuracy.py --json out.json # also write every result

Mutants are made from the four seeds and the ``edgar/`` agreements of the corpus
(``../shared/corpus`` beside the repository, or ``--corpus``).  The list lives in
``benchmarks/mutations.yaml`` so the figure can be reproduced; each entry says
the file, the category of the defect, what to find (an exact string or a regular
expression, with the index of the occurrence), what to put instead and a note.
Long deletions (a whole governing-law clause) are given as line ranges with a
pattern the deleted text must match, so no agreement text is copied into the list.

Scoring
-------
A mutant is *detected* when the mutant has a finding of the mutation's category
that the original does not have (same code and normalised quote at the same
line, after shifting lines for the edit), placed according to the mutation's
``scope``:

* ``local``: within +-3 lines of the edit (or, for a table row, anywhere from
  3 lines before the row to 3 lines after the table's Total line);
* ``term``: a removed definition: the term's use is flagged wherever it is
  (a new finding of the category quoting or naming the term), or within +-3
  lines of the edit;
* ``document``: a removed provision: a new finding of the category anywhere.

Controls (``control: true``) are edits that are not defects: a lock-up
shortened but still at or above the house minimum the checker applies to that
document (180 days for an IPO, 90 for a follow-on or an agency offering).  Any
single statement of such a period is a business term, not a drafting error, so
the right answer is silence; controls are reported apart ("silent n/m") and do
not count in recall.  Each control has a twin below the minimum at the same
place, which is a defect and does count.

False findings: every warning or error finding on the unmutated documents is
counted as a potential false alarm (these are real, executed agreements; some
findings may be right, which the sample printed for review lets a person judge),
per 100 KB of text, per category.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MUTATIONS_FILE = ROOT / "benchmarks" / "mutations.yaml"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SEED = 20240611
PER_CATEGORY = 30  # cap per category when generating
WINDOW = 3

CATEGORIES = [
    "lockup", "option", "default", "deadline", "warrant", "missing-provision", "definitions",
    "cross-reference", "numbers", "blanks", "numbering", "parties",
]
MUTATED = ["lockup", "option", "default", "numbers", "cross-reference", "definitions", "missing-provision"]


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def corpus_files(corpus: Path, quick: bool = False) -> list[str]:
    """Relative paths (``seeds/x.txt``, ``edgar/agency/y.txt``) of the documents used."""
    out = sorted(str(p.relative_to(corpus)) for p in (corpus / "seeds").glob("*.txt"))
    if not quick:
        out += sorted(str(p.relative_to(corpus)) for p in (corpus / "edgar").rglob("*.txt"))
    return out


def read(corpus: Path, rel: str) -> str:
    from checker.source import load

    return load(str(corpus / rel)).text


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ---------------------------------------------------------------------------
# Applying a mutation
# ---------------------------------------------------------------------------


class MutationError(Exception):
    pass


def _nth(text: str, m: dict) -> tuple[int, int]:
    k = int(m.get("occurrence", 0))
    if m.get("regex"):
        matches = list(re.finditer(m["find"], text))
        if k >= len(matches):
            raise MutationError(f"{m['id']}: occurrence {k} of /{m['find']}/ not found")
        return matches[k].span()
    pos = -1
    for _ in range(k + 1):
        pos = text.find(m["find"], pos + 1)
        if pos < 0:
            raise MutationError(f"{m['id']}: occurrence {k} of {m['find']!r} not found")
    return pos, pos + len(m["find"])


def apply_mutation(text: str, m: dict) -> tuple[str, list[tuple[int, int]]]:
    """The mutant text and its line shifts: a list of (first mutant line after
    the edit, lines added (+) or removed (-) there), used to map mutant lines
    back to original lines."""
    if m.get("op", "replace") == "replace":
        a, b = _nth(text, m)
        line = line_of(text, a)
        if m.get("line") and int(m["line"]) != line:
            raise MutationError(f"{m['id']}: occurrence found on line {line}, the list says {m['line']}")
        old = text[a:b]
        new = m["replace"]
        delta = new.count("\n") - old.count("\n")
        shifts = [(line + old.count("\n") + max(delta, 0) + 1, delta)] if delta else []
        return text[:a] + new + text[b:], shifts
    if m["op"] == "delete_lines":
        lines = text.split("\n")
        drop: set[int] = set()
        for lo, hi in m["ranges"]:
            chunk = "\n".join(lines[lo - 1 : hi])
            if m.get("expect") and not re.search(m["expect"], chunk):
                raise MutationError(f"{m['id']}: lines {lo}-{hi} do not match /{m['expect']}/")
            drop.update(range(lo, hi + 1))
        kept = [t for i, t in enumerate(lines, start=1) if i not in drop]
        shifts = []
        removed = 0
        for lo, hi in sorted(m["ranges"]):
            removed += hi - lo + 1
            shifts.append((lo - (removed - (hi - lo + 1)), -(hi - lo + 1)))
        return "\n".join(kept), shifts
    raise MutationError(f"{m['id']}: unknown op {m['op']!r}")


def to_original_line(line: int, shifts: list[tuple[int, int]]) -> int:
    """Original line of a mutant line (lines inside an insertion map to its start)."""
    orig = line
    for first, delta in shifts:
        if line >= first:
            orig -= delta
    return orig


# ---------------------------------------------------------------------------
# Generating mutations
# ---------------------------------------------------------------------------

_NUMWORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|billion|and)"
)
_WORDS_PAIR = re.compile(
    r"\b(?P<w>" + _NUMWORD + r"(?:[\s-]+" + _NUMWORD + r")*)\s*\((?P<n>\d{1,3}(?:,\d{3})*|\d+)\)", re.I
)
_DURATION = re.compile(
    r"(?:\b(?P<w>" + _NUMWORD + r"(?:[\s-]+" + _NUMWORD + r")*)\s*\((?P<n1>\d+)\)|\b(?P<n2>\d{1,4}))"
    r"(?P<sep>[ \t\n-]+)(?P<unit>(?:(?:calendar|business|trading|full)\s+)?(?:days?|months?))\b",
    re.I,
)
_DEFAULT_RATIO = re.compile(
    r"\bone-(?:eleventh|tenth|ninth|twelfth)\b|\b\d{1,3}(?:\.\d+)?%|\b\d{1,3}(?:\.\d+)? percent\b|"
    r"\b(?:ten|eleven|nine|ten and one-half) percent\b",
    re.I,
)
_XREF = re.compile(
    r"(?<![Rr]ule )\b(?P<kw>Sections?|SECTION|Paragraph|paragraph|Clause|clause|subsection|Subsection)\s+"
    r"(?P<num>\d{1,2})(?P<rest>(?:\.\d+)*(?:\([a-zA-Z0-9]{1,4}\))*)"
)
_XREF_OK_AFTER = re.compile(
    r"\s*(?:hereof|herein|hereunder|of this (?:Agreement|Indenture|Warrant|Section|Article)|above|below|[,;)]|"
    r"and\b|or\b|shall\b|will\b|to\b|is\b|has\b|are\b)"
)
_DEF_PAREN = re.compile(
    r"[ \t]*\((?:(?:the|a|an|each,? an?|collectively,?(?: the)?|together,?(?: the)?|"
    r"hereinafter(?: referred to as| called)?(?: the)?|herein(?: referred to as| called)?(?: the)?|"
    r"such [a-z]+ being hereinafter referred to as the)\s+)?\"(?P<term>[A-Z][A-Za-z0-9&'. -]{1,40})\"\)"
)


def _fmt_int(n: int, like: str) -> str:
    return f"{n:,}" if "," in like else str(n)


def _words_like(n: int, like: str) -> str:
    from checker.numbers import words_for

    w = words_for(n)
    if like.isupper():
        return w.upper()
    if like[:1].isupper():
        return w[:1].upper() + w[1:]
    return w


def _valid_pair(words: str, numeral: str) -> bool:
    from checker.numbers import words_value

    v = words_value(re.sub(r"\s+", " ", words))
    return v is not None and v == float(numeral.replace(",", ""))


def _context(text: str, a: int, before: int = 700, after: int = 150) -> str:
    return re.sub(r"\s+", " ", text[max(0, a - before) : a + after]).lower()


def _classify_duration(text: str, a: int) -> Optional[str]:
    near = _context(text, a, 350, 300)
    if re.search(r"lock-?\s?up|not to (?:directly or indirectly )?offer|will not,? .{0,80}offer,? (?:pledge,? )?sell|offer,? sell,? contract to sell|offer, pledge, sell|otherwise dispose of", near):
        return "lockup"
    opt = _context(text, a, 350, 250)
    if re.search(r"redemption|redeem", opt):
        return None  # notice periods of an optional redemption are not an underwriters' option
    if re.search(r"optional (?:shares|securities)|option (?:shares|securities)|over-?allot|option granted|option to purchase|additional (?:shares|securities)", opt) and re.search(r"exercis|elect|notice", opt):
        return "option"
    return None


def _duration_replacement(m: re.Match, new: int) -> str:
    """The duration matched by ``m`` (a _DURATION match) with ``new`` as its count, written the same way."""
    if m.group("w"):
        return f"{_words_like(new, m.group('w'))} ({new}){m.group('sep')}{m.group('unit')}"
    return f"{new}{m.group('sep')}{m.group('unit')}"


def _gen_durations(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    for m in _DURATION.finditer(text):
        cat = _classify_duration(text, m.start())
        if cat is None:
            continue
        whole = m.group(0)
        occ = _occurrence(text, whole, m.start())
        if m.group("w"):
            if not _valid_pair(m.group("w"), m.group("n1")):
                continue
            v = int(m.group("n1"))
        else:
            v = int(m.group("n2"))
        if v < 2 or (cat == "lockup" and v < 30):
            continue  # (a lock-up's short extension periods are not the lock-up period)
        if cat == "lockup":
            cands = sorted({v // 2, v // 3, v // 6, v - 30} - {v, 0}, reverse=True)
        else:
            cands = sorted({v + 15, v * 2, v * 3} - {v})
        for new in cands[:3]:
            rep = _duration_replacement(m, new)
            out.append(
                dict(file=rel, category=cat, op="replace", find=whole, occurrence=occ, replace=rep,
                     line=line_of(text, m.start()), scope="local",
                     note=f"{cat} period {v} -> {new} {m.group('unit').split()[-1]}")
            )
    return out


def _lockup_minimum(corpus: Path, rel: str) -> int:
    """The house minimum lock-up (days) the checker applies to this document (rule LOCK001)."""
    from checker.pipeline import parse_source
    from checker.policy import Policy
    from checker.source import decode

    doc = parse_source(decode(read(corpus, rel).encode("utf-8"), rel))
    p = Policy()
    if doc.doc_subtype == "follow_on":
        return p.min_lockup_days_follow_on
    if doc.doc_type == "agency_agreement":
        return p.min_lockup_days_agency
    return p.min_lockup_days


def _lockup_controls(corpus: Path, take: list[dict]) -> list[dict]:
    """A shorter lock-up is a defect only when it falls below the house minimum for
    the document: a mutant that stays at or above it is a control, where the right
    answer is no finding; each control gets a twin below the minimum at the same place."""
    out, twins = [], []
    for m in take:
        v, new = (int(x) for x in re.match(r"lockup period (\d+) -> (\d+)", m["note"]).groups())
        minimum = _lockup_minimum(corpus, m["file"])
        if new < minimum:
            out.append(m)
            continue
        out.append({**m, "control": True,
                    "note": m["note"] + f" (within the house minimum of {minimum} days: no finding expected)"})
        below = sorted(c for c in {v // 2, v // 3, v // 6, v - 30} if 0 < c < minimum)
        dm = _DURATION.fullmatch(m["find"])
        if dm is None:
            continue
        present = {(t["file"], t["line"], t["replace"]) for t in take + twins}
        for value in reversed(below):  # the longest period below the minimum not already a mutant here
            twin = {**m, "replace": _duration_replacement(dm, value),
                    "note": f"lockup period {v} -> {value} days (below the house minimum of {minimum} days)"}
            twin.pop("control", None)
            if (twin["file"], twin["line"], twin["replace"]) not in present:
                twins.append(twin)
                break
    return out + twins


def _occurrence(text: str, s: str, at: int) -> int:
    k, pos = 0, text.find(s)
    while pos != -1 and pos < at:
        k += 1
        pos = text.find(s, pos + 1)
    return k


_RATIO_SWAP = {
    "one-eleventh": ["one-fifth", "one-third"], "one-tenth": ["one-fifth", "one-third"],
    "one-ninth": ["one-fifth", "one-third"], "one-twelfth": ["one-fifth", "one-third"],
}


def _gen_default(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    for m in _DEFAULT_RATIO.finditer(text):
        ctx = _context(text, m.start(), 900, 300)
        if not re.search(r"default", ctx) or not re.search(r"exceed|more than|in excess", ctx):
            continue
        if not re.search(r"underwriter|purchaser|agent|initial purchaser", ctx):
            continue
        s = m.group(0)
        low = s.lower()
        if low in _RATIO_SWAP:
            news = _RATIO_SWAP[low]
        else:
            num = re.match(r"[\d.]+", s)
            if num:
                v = float(num.group(0))
                unit = s[num.end():]
                if v >= 100:
                    news = [f"{x}{unit}" for x in (150, 200)]
                else:
                    news = [f"{x}{unit}" for x in (25, 30) if x > v]
            else:
                news = ["twenty-five percent", "fifty percent"]
        for new in news:
            out.append(
                dict(file=rel, category="default", op="replace", find=s, occurrence=_occurrence(text, s, m.start()),
                     replace=new, line=line_of(text, m.start()), scope="local",
                     note=f"default threshold {s} -> {new}")
            )
    return out


def _gen_number_pairs(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    for m in _WORDS_PAIR.finditer(text):
        w, n = m.group("w"), m.group("n")
        if not _valid_pair(w, n):
            continue
        v = int(n.replace(",", ""))
        new = v + rng.choice([1, 2, 5, 10]) if v < 100 else v + rng.choice([1, 10, 100])
        # the changed numeral in the same form (digits only or with commas)
        find = m.group(0)
        rep = find[: m.start("n") - m.start()] + _fmt_int(new, n) + find[m.end("n") - m.start() :]
        out.append(
            dict(file=rel, category="numbers", op="replace", find=find, occurrence=_occurrence(text, find, m.start()),
                 replace=rep, line=line_of(text, m.start()), scope="local",
                 note=f"number words no longer match the numeral ({v} -> {new})")
        )
    return out


def _gen_table_totals(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    lines = text.split("\n")
    num_at_end = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{2,})\s*$")
    for i, ln in enumerate(lines):
        if not re.match(r"\s*Total\b", ln, re.I) or not num_at_end.search(ln):
            continue
        rows = []
        j = i - 1
        while j >= 0 and i - j <= 80:
            t = lines[j]
            if re.match(r"\s*(<TABLE>|</TABLE>|SCHEDULE|Name of|<CAPTION>)", t, re.I):
                break
            if num_at_end.search(t) and not re.match(r"\s*[-=]+\s*$", t):
                # the last number of the row only (one column of the table)
                mm = list(re.finditer(r"\d{1,3}(?:,\d{3})+|\d{2,}", t))
                if mm:
                    rows.append((j, mm[-1]))
            j -= 1
        if len(rows) < 2:
            continue
        for j, m in rng.sample(rows, min(4, len(rows))):
            out.append(_total_mutation(rel, text, lines, i, j, m))
    return out


def _total_mutation(rel: str, text: str, lines: list[str], i: int, j: int, m) -> dict:
    if True:
        s = m.group(0)
        v = int(s.replace(",", ""))
        new = v + max(1, round(v * 0.1))
        row_off = sum(len(x) + 1 for x in lines[:j])
        find = lines[j][max(0, m.start() - 12) : m.end()]
        at = row_off + max(0, m.start() - 12)
        return dict(file=rel, category="numbers", op="replace", find=find, occurrence=_occurrence(text, find, at),
                    replace=find[: len(find) - len(s)] + _fmt_int(new, s), line=j + 1, scope="local",
                    window=[j + 1 - WINDOW, i + 1 + WINDOW], note=f"table row no longer adds up to its Total ({v} -> {new})")


def _section_numbers(text: str) -> set[int]:
    nums = set()
    for m in re.finditer(r"(?m)^\s*(?:SECTION|Section|ARTICLE|Article)?\s*(\d{1,2})[.:\s]", text):
        nums.add(int(m.group(1)))
    return nums


def _gen_xrefs(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    present = _section_numbers(text)
    for m in _XREF.finditer(text):
        if not _XREF_OK_AFTER.match(text, m.end()):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        if re.match(r"\s*$", text[line_start : m.start()]) and re.match(r"\.?\s+[A-Z]", text[m.end() : m.end() + 3]):
            continue  # a heading, not a reference
        n = int(m.group("num"))
        new = n + 20
        while new in present or f"Section {new}" in text:
            new += 10
        find = m.group(0)
        rep = find[: m.start("num") - m.start()] + str(new) + find[m.end("num") - m.start() :]
        out.append(
            dict(file=rel, category="cross-reference", op="replace", find=find,
                 occurrence=_occurrence(text, find, m.start()), replace=rep, line=line_of(text, m.start()),
                 scope="local", note=f"reference to a section that does not exist ({n} -> {new})")
        )
    return out


def _gen_definitions(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    for m in _DEF_PAREN.finditer(text):
        term = m.group("term").strip()
        if len(term) < 3 or term.isupper() and len(term) <= 4:
            continue
        quoted = len(re.findall(r'"' + re.escape(term) + r'"', text))
        uses = len(re.findall(r"\b" + re.escape(term) + r"\b", text))
        if quoted != 1 or uses - quoted < 2:
            continue  # defined twice, or not used elsewhere
        find = m.group(0)
        out.append(
            dict(file=rel, category="definitions", op="replace", find=find,
                 occurrence=_occurrence(text, find, m.start()), replace="", line=line_of(text, m.start()),
                 scope="term", term=term, note=f"definition of \"{term}\" removed; the term is used {uses - quoted} more times")
        )
    return out


def _gen_governing_law(rel: str, text: str, rng: random.Random) -> list[dict]:
    lines = text.split("\n")
    ranges = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if re.search(r"(?i)\b(?:shall be|is|be) governed by\b|\bgoverned by,? and construed\b|\bgoverning law\b", ln) and not re.search(
            r"(?i)to the extent governed|matters governed|governed by (?:article|the federal|federal)", ln
        ):
            # paragraph bounds
            a = i
            while a > 0 and lines[a - 1].strip():
                a -= 1
            b = i
            while b + 1 < len(lines) and lines[b + 1].strip():
                b += 1
            para = " ".join(x.strip() for x in lines[a : b + 1])
            if re.search(r"(?i)governed by", para) and re.search(r"(?i)laws? of (?:the State of )?[A-Z]", para) and len(para) < 2500:
                # a heading alone just above ("Governing Law.") goes too
                k = a - 1
                while k > 0 and not lines[k].strip():
                    k -= 1
                if k >= 0 and k < a and re.search(r"(?i)governing law|applicable law", lines[k]) and len(lines[k].strip()) < 80:
                    a = k
                if not re.search(r"(?i)table of contents", para) and len(para.split()) > 8:
                    ranges.append([a + 1, b + 1])
                i = b + 1
                continue
        i += 1
    if not ranges:
        return []
    return [
        dict(file=rel, category="missing-provision", op="delete_lines", ranges=ranges,
             expect=r"(?i)governed\s+by", line=ranges[0][0], scope="document",
             note=f"governing-law clause removed ({len(ranges)} paragraph(s))")
    ]


GENERATORS = [_gen_durations, _gen_default, _gen_number_pairs, _gen_table_totals, _gen_xrefs, _gen_definitions, _gen_governing_law]

# a statute named with the year of its neighbour ("Securities Act of 1934")
_STATUTE_YEAR = re.compile(r"(?<![\w-])(Securities\s+Exchange\s+Act|Securities\s+Act|Trust\s+Indenture\s+Act|Investment\s+Company\s+Act)\s+of\s+(\d{4})")
_CONFUSED_YEAR = {"1933": "1934", "1934": "1933", "1939": "1940", "1940": "1939"}


def _gen_citations(rel: str, text: str, rng: random.Random) -> list[dict]:
    out = []
    for m in _STATUTE_YEAR.finditer(text):
        year = m.group(2)
        if year not in _CONFUSED_YEAR:
            continue
        before = text[max(0, m.start() - 30) : m.start()].split()
        if before and before[-1][:1].isupper() and before[-1].lower() not in ("the", "under", "of"):
            continue  # a longer name ("Uniform Securities Act of 1956")
        find = m.group(0)
        out.append(
            dict(file=rel, category="cross-reference", op="replace", find=find,
                 occurrence=_occurrence(text, find, m.start()), replace=find[: -4] + _CONFUSED_YEAR[year],
                 line=line_of(text, m.start()), scope="local",
                 note=f"statute named with the wrong year ({year} -> {_CONFUSED_YEAR[year]})")
        )
    return out


# a section heading at the start of its line: "5. Covenants.", "8.06  Governing Law.", "Section 7. Indemnity."
_SECTION_HEAD = re.compile(
    r"(?m)^[^\S\n]{0,16}(?:Section[^\S\n]+|SECTION[^\S\n]+)?(\d{1,2})\.(?:(\d{1,2})\.?)?[^\S\n]+[A-Z][A-Za-z ,;'&-]{2,60}\.(?=[^\S\n]|$)"
)


def _gen_section_deletions(rel: str, text: str, rng: random.Random) -> list[dict]:
    """A whole section deleted (its heading and its text, up to the next
    heading of the same series): the numbering then skips."""
    heads = []
    for m in _SECTION_HEAD.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if text[line_start:m.start()].strip():
            continue
        prev_end = text.rfind("\n", 0, max(0, line_start - 1))
        if text[prev_end + 1 : line_start].strip():
            continue  # a heading follows a blank line
        key = (int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        heads.append((line_of(text, m.start()), key))
    out = []
    for k in range(1, len(heads) - 1):
        (l0, a), (l1, b), (l2, c) = heads[k - 1], heads[k], heads[k + 1]
        if a[1] is None:
            consecutive = b[1] is None and c[1] is None and b[0] == a[0] + 1 and c[0] == b[0] + 1
        else:
            consecutive = a[0] == b[0] == c[0] and b[1] == a[1] + 1 and c[1] == b[1] + 1
        if not consecutive or l2 - l1 > 60:
            continue
        shown = text.split("\n")[l1 - 1].strip()
        num = shown.split()[0] if not shown.startswith(("Section", "SECTION")) else shown.split()[1]
        num_re = re.escape(num)
        num = num.rstrip(".")
        out.append(
            dict(file=rel, category="numbering", op="delete_lines", ranges=[[l1, l2 - 1]],
                 expect=r"(?m)^\s*(?:Section\s+|SECTION\s+)?" + num_re, line=l2,
                 window=[l2 - 3, l2 + 3], scope="local",
                 note=f"section {num} deleted with its text; the numbering skips it")
        )
    return out


# mutants sampled on their own (their own random sequence, listed after the
# others, so that adding them left the earlier list as it was): id prefix, generator
EXTRA_GENERATORS = [("citation", _gen_citations, 10), ("numbering", _gen_section_deletions, 10)]


def generate(corpus: Path, seed: int = SEED, per_category: int = PER_CATEGORY) -> list[dict]:
    """Every mutation the patterns find in the corpus, sampled to at most
    ``per_category`` per category (seed mutants first, so the quick run has them)."""
    rng = random.Random(seed)
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for rel in corpus_files(corpus):
        text = read(corpus, rel)
        for gen in GENERATORS:
            for m in gen(rel, text, rng):
                by_cat[m["category"]].append(m)
    out = []
    for cat in MUTATED:
        items = by_cat.get(cat, [])
        seeds = [m for m in items if m["file"].startswith("seeds/")]
        others = [m for m in items if not m["file"].startswith("seeds/")]
        rng.shuffle(seeds)
        rng.shuffle(others)
        if cat == "numbers":  # the few table-total mutants first, then number pairs
            key = lambda m: "Total" not in m["note"]
            seeds.sort(key=key)
            others.sort(key=key)
        # half the budget for the seeds at most, so the other agreements are represented
        take = seeds[: max(per_category // 2, per_category - len(others))]
        take += others[: per_category - len(take)]
        take.sort(key=lambda m: (not m["file"].startswith("seeds/"), m["file"], m["line"]))
        if cat == "lockup":
            take = _lockup_controls(corpus, take)
        for n, m in enumerate(take, start=1):
            m["id"] = f"{cat}-{n:03d}"
            out.append(m)
    for prefix, gen, budget in EXTRA_GENERATORS:
        extra_rng = random.Random(f"{seed}-{prefix}")
        items = [m for rel in corpus_files(corpus) for m in gen(rel, read(corpus, rel), extra_rng)]
        seeds = [m for m in items if m["file"].startswith("seeds/")]
        others = [m for m in items if not m["file"].startswith("seeds/")]
        extra_rng.shuffle(seeds)
        extra_rng.shuffle(others)
        take = seeds[: max(budget // 2, budget - len(others))]
        take += others[: budget - len(take)]
        take.sort(key=lambda m: (not m["file"].startswith("seeds/"), m["file"], m["line"]))
        for n, m in enumerate(take, start=1):
            m["id"] = f"{prefix}-{n:03d}"
            out.append(m)
    # every mutation must apply to the text it was made from
    for m in out:
        apply_mutation(read(corpus, m["file"]), m)
    return out


_KEY_ORDER = ["id", "file", "category", "control", "op", "find", "regex", "occurrence", "replace", "ranges", "expect",
              "line", "window", "scope", "term", "note"]


def write_mutations(muts: list[dict], path: Path = MUTATIONS_FILE) -> None:
    import yaml

    header = (
        "# Mutations for benchmarks/accuracy.py: one injected defect each.\n"
        "# Regenerate with: python benchmarks/accuracy.py --generate  (fixed seed "
        f"{SEED}; same corpus -> same list)\n"
        "# op replace: the occurrence-th (0-based) match of find (exact, or a regex when regex: true)\n"
        "#   is replaced by replace; line is where that occurrence starts (checked when applied).\n"
        "# op delete_lines: the 1-based inclusive line ranges are deleted; expect must match them.\n"
        "# scope: local (+-3 lines of the edit, or the window), term (the term's uses), document.\n"
    )
    ordered = [{k: m[k] for k in _KEY_ORDER if k in m} for m in muts]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header)
        yaml.safe_dump(ordered, fh, sort_keys=False, allow_unicode=False, width=200)


def load_mutations(path: Path = MUTATIONS_FILE) -> list[dict]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


# ---------------------------------------------------------------------------
# Running the checker (in worker processes)
# ---------------------------------------------------------------------------

_TEXTS: dict[str, str] = {}


def _findings(text: str, name: str) -> dict:
    from checker.pipeline import check_text

    t0 = time.perf_counter()
    res = check_text(text, path=name)
    return {
        "findings": [
            {"code": f.code, "category": f.category, "severity": f.severity, "line": f.line,
             "end_line": f.end_line, "quote": f.quote, "message": f.message,
             "related": [{"line": r.line, "quote": r.quote} for r in f.related]}
            for f in res.findings if not f.suppressed
        ],
        "errors": [f"{e.stage}: {e.message}" for e in res.errors if e.stage != "grammar"],
        "seconds": time.perf_counter() - t0,
    }


def _task(args: tuple) -> dict:
    corpus, rel, mutation = args
    if rel not in _TEXTS:
        _TEXTS[rel] = read(Path(corpus), rel)
    text = _TEXTS[rel]
    name = os.path.basename(rel)
    if mutation is None:
        out = _findings(text, name)
        out.update(file=rel, id=None, bytes=len(text.encode()))
        return out
    try:
        mtext, shifts = apply_mutation(text, mutation)
    except MutationError as exc:
        return {"file": rel, "id": mutation["id"], "apply_error": str(exc), "findings": [], "errors": []}
    out = _findings(mtext, name)
    out.update(file=rel, id=mutation["id"], shifts=shifts)
    return out


def run_all(corpus: Path, files: list[str], muts: list[dict], jobs: int = 2) -> tuple[dict, dict]:
    tasks = [(str(corpus), rel, None) for rel in files] + [(str(corpus), m["file"], m) for m in muts]
    originals: dict[str, dict] = {}
    mutants: dict[str, dict] = {}
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    # the mutants of one file together, so a worker reads each file once
    tasks.sort(key=lambda t: (t[1], t[2] is not None))
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx) as ex:
        for out in ex.map(_task, tasks, chunksize=4):
            if out["id"] is None:
                originals[out["file"]] = out
            else:
                mutants[out["id"]] = out
    return originals, mutants


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def _norm(q: str) -> str:
    return re.sub(r"\s+", " ", q or "").strip().lower()


def new_findings(orig: list[dict], mutant: list[dict], shifts: list) -> list[dict]:
    """Mutant findings the original does not have (same code and quote within
    2 lines of the shifted position)."""
    index: dict[tuple, list[int]] = defaultdict(list)
    for f in orig:
        index[(f["code"], _norm(f["quote"]))].append(f["line"])
    out = []
    shifts = [tuple(s) for s in shifts]
    for f in mutant:
        ol = to_original_line(f["line"], shifts)
        lines = index.get((f["code"], _norm(f["quote"])), [])
        if not any(abs(ol - x) <= 2 for x in lines):
            # its lines in the original, as the windows are
            out.append(dict(f, line=ol, end_line=to_original_line(f.get("end_line") or f["line"], shifts),
                            related=[dict(r, line=to_original_line(r.get("line", 0), shifts)) for r in f.get("related") or ()],
                            mutant_line=f["line"]))
    return out


def detected(m: dict, new: list[dict]) -> list[dict]:
    """The new findings that count as finding the injected defect."""
    same = [f for f in new if f["category"] == m["category"]]
    if m.get("scope") == "document":
        return same
    lo, hi = m.get("window") or [m["line"] - WINDOW, m["line"] + WINDOW]
    # an inconsistency names both places: either side near the edit counts
    near = [
        f for f in same
        if (f["line"] <= hi and f.get("end_line", f["line"]) >= lo)
        or any(lo <= r.get("line", 0) <= hi for r in f.get("related") or ())
    ]
    if m.get("scope") == "term":
        t = m["term"].lower()
        near += [f for f in same if f not in near and (t in _norm(f["quote"]) or t in (f.get("message") or "").lower())]
    return near


def score(muts: list[dict], originals: dict, mutants: dict) -> dict:
    per_cat: dict[str, dict] = {c: {"mutants": 0, "detected": 0, "apply_errors": 0, "missed": [], "other_category": 0,
                                    "controls": 0, "controls_silent": 0, "controls_flagged": []}
               for c in dict.fromkeys(MUTATED + [m["category"] for m in muts])}
    details = []
    for m in muts:
        r = mutants.get(m["id"])
        c = per_cat[m["category"]]
        if r is None or r.get("apply_error"):
            c["apply_errors"] += 1
            details.append({"id": m["id"], "status": "apply_error", "error": (r or {}).get("apply_error")})
            continue
        new = new_findings(originals[m["file"]]["findings"], r["findings"], r.get("shifts", []))
        hits = detected(m, new)
        if m.get("control"):  # an edit that is not a defect: the right answer is no finding
            c["controls"] += 1
            if hits:
                c["controls_flagged"].append(m["id"])
            else:
                c["controls_silent"] += 1
            details.append({"id": m["id"], "status": "control_flagged" if hits else "control_silent",
                            "codes": sorted({f["code"] for f in hits})})
            continue
        c["mutants"] += 1
        if hits:
            c["detected"] += 1
        else:
            c["missed"].append(m["id"])
            lo, hi = m.get("window") or [m["line"] - WINDOW, m["line"] + WINDOW]
            if any(lo <= f["line"] <= hi for f in new):
                c["other_category"] += 1
        details.append({"id": m["id"], "status": "detected" if hits else "missed",
                        "codes": sorted({f["code"] for f in hits}),
                        "new_nearby": sorted({f"{f['code']}@{f['line']}" for f in new if abs(f['line'] - m['line']) <= 10})})
    total_bytes = sum(o["bytes"] for o in originals.values())
    kb100 = total_bytes / 100_000
    false_counts: Counter = Counter()
    info_counts: Counter = Counter()
    samples: dict[str, list] = defaultdict(list)
    for rel, o in sorted(originals.items()):
        for f in o["findings"]:
            if f["severity"] in ("warning", "error"):
                false_counts[f["category"]] += 1
                samples[f["category"]].append(f"{rel}:{f['line']} {f['code']} {f['quote'][:70]!r}")
            else:
                info_counts[f["category"]] += 1
    rng = random.Random(SEED)
    sample = {c: rng.sample(v, min(len(v), 5)) for c, v in samples.items()}
    return {
        "per_category": per_cat,
        "false_per_100kb": {c: false_counts[c] / kb100 for c in CATEGORIES},
        "false_counts": dict(false_counts),
        "info_counts": dict(info_counts),
        "bytes": total_bytes,
        "documents": len(originals),
        "stage_errors": {rel: o["errors"] for rel, o in originals.items() if o["errors"]},
        "sample": sample,
        "details": details,
    }


def format_table(s: dict) -> str:
    from tabulate import tabulate

    rows = []
    for c in CATEGORIES:
        pc = s["per_category"].get(c)
        fp = s["false_per_100kb"].get(c, 0.0)
        n_fp = s["false_counts"].get(c, 0)
        if pc:
            rec = f"{pc['detected'] / pc['mutants']:.2f}" if pc["mutants"] else "n/a"
            rows.append([c, pc["mutants"], pc["detected"], rec, pc["other_category"], n_fp, f"{fp:.2f}"])
        else:
            rows.append([c, "-", "-", "-", "-", n_fp, f"{fp:.2f}"])
    head = ["category", "mutants", "detected", "recall", "missed, other-category finding near", "warn+err on originals", "per 100 KB"]
    out = tabulate(rows, head, tablefmt="github")
    controls = {c: pc for c, pc in s["per_category"].items() if pc.get("controls")}
    if controls:
        out += "\n\nControls (edits that are not defects, e.g. a lock-up shortened but still within the house minimum;\n" \
               "the right answer is no finding): " + "; ".join(
                   f"{c} {pc['controls_silent']}/{pc['controls']} silent" for c, pc in controls.items())
    out += f"\n\n{s['documents']} unmutated documents, {s['bytes'] / 1000:.0f} KB.\n"
    if s["stage_errors"]:
        out += "Stage errors on the originals (internal errors make the figures meaningless):\n"
        for rel, errs in sorted(s["stage_errors"].items()):
            out += f"  {rel}: {errs[0][:160]}\n"
    out += "\nSample of warning/error findings on the unmutated documents (for review):\n"
    for c in sorted(s["sample"]):
        for line in s["sample"][c]:
            out += f"  [{c}] {line}\n"
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--generate", action="store_true", help="regenerate benchmarks/mutations.yaml from the corpus")
    ap.add_argument("--quick", action="store_true", help="seeds only, at most 10 mutants per category")
    ap.add_argument("--per-category", type=int, default=None, help="at most N mutants per category")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write every result here")
    ap.add_argument("--show-missed", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"accuracy: corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    if args.generate:
        muts = generate(args.corpus)
        write_mutations(muts)
        counts = Counter(m["category"] for m in muts)
        print(f"wrote {len(muts)} mutations to {MUTATIONS_FILE}: " + ", ".join(f"{c} {counts[c]}" for c in MUTATED))
        return 0
    muts = load_mutations()
    files = corpus_files(args.corpus, quick=args.quick)
    muts = select(muts, files, 10 if args.quick and not args.per_category else args.per_category)
    t0 = time.perf_counter()
    originals, mutants = run_all(args.corpus, files, muts, jobs=args.jobs)
    s = score(muts, originals, mutants)
    print(format_table(s))
    if args.show_missed:
        for d in s["details"]:
            if d["status"] not in ("detected", "control_silent"):
                m = next(x for x in muts if x["id"] == d["id"])
                print(f"  missed {d['id']} {m['file']}:{m['line']} {m['note']}  new nearby: {d.get('new_nearby')}")
    print(f"{len(muts)} mutants + {len(files)} originals in {time.perf_counter() - t0:.0f} s with {args.jobs} workers")
    if args.json:
        args.json.write_text(json.dumps({"summary": {k: v for k, v in s.items() if k != "details"}, "details": s["details"]}, indent=1, default=str))
    return 0


def select(muts: list[dict], files: list[str], per_category: Optional[int]) -> list[dict]:
    """The mutations of these files, at most ``per_category`` per category (list order)."""
    allowed = set(files)
    out, seen = [], Counter()
    for m in muts:
        if m["file"] not in allowed:
            continue
        if per_category is not None and seen[m["category"]] >= per_category:
            continue
        seen[m["category"]] += 1
        out.append(m)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
