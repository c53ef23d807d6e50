"""Semantic diff of two versions of an agreement: what changed in substance.

Sections are matched by heading and content (not by number), so renumbering
alone produces no change; obligations are then paired by kind, party and the
matched section.  Reported: obligations changed, added or removed; standard
provisions added or removed; definitions added, removed or reworded; references
that broke; blanks filled or emptied; and new policy findings.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Optional

from tabulate import tabulate

POLICY_CATEGORIES = {"lockup", "option", "default", "deadline", "warrant", "missing-provision"}

_KIND_LABEL = {
    "lockup": "lock-up",
    "lockup_extension": "lock-up extension",
    "option_size": "over-allotment option size",
    "option_exercise_window": "option exercise window",
    "option_delivery_window": "option delivery window",
    "default_threshold": "default threshold",
    "default_purchase_cap": "default purchase cap",
    "default_cure_period": "default arrangement period",
    "closing_postponement": "closing postponement",
    "filing_deadline": "filing deadline",
    "earnings_statement_deadline": "earnings statement deadline",
    "reporting_deadline": "reporting deadline",
    "notice_period": "notice period",
    "closing_date": "closing date",
    "warrant_shares": "warrant shares",
    "warrant_exercise_price": "warrant exercise price",
    "warrant_expiration": "warrant expiration",
    "net_exercise": "net exercise",
    "indemnity_cap": "indemnity cap",
    "governing_law": "governing law",
    "jurisdiction": "jurisdiction",
    "counterparts": "counterparts",
    "survival": "survival",
}

_PARTY_LABEL = {
    "company": "Company",
    "issuers": "Issuers",
    "selling_stockholders": "Selling Stockholders",
    "underwriters": "Underwriters",
    "representatives": "Representatives",
    "officers_directors": "officers and directors",
    "holder": "Holder",
}


@dataclass
class Change:
    change: str  # changed, added, removed, renumbered, broke, filled, emptied, new_finding
    subject: str  # obligation, provision, definition, reference, blank, finding, section
    description: str
    old: Optional[str] = None
    new: Optional[str] = None
    old_section: Optional[str] = None
    new_section: Optional[str] = None
    old_line: Optional[int] = None
    new_line: Optional[int] = None
    crosses_policy: bool = False


@dataclass
class DiffReport:
    old_path: str
    new_path: str
    changes: list[Change] = field(default_factory=list)
    section_map: dict[str, str] = field(default_factory=dict)

    @property
    def crosses_policy(self) -> bool:
        return any(c.crosses_policy for c in self.changes)

    def to_json_dict(self) -> dict:
        return {
            "version": 1,
            "old": self.old_path,
            "new": self.new_path,
            "crosses_policy": self.crosses_policy,
            "changes": [asdict(c) for c in self.changes],
            "section_map": self.section_map,
        }


# ---------------------------------------------------------------------------
# Section matching
# ---------------------------------------------------------------------------


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def _walk(sections, parent=None):
    for s in sections:
        yield s, parent
        yield from _walk(s.children, s)


def _section_text(res, sec) -> str:
    text = res.parsed.source.text[sec.span.offset : sec.span.end_offset] if res.parsed else ""
    # drop the leading label so that renumbering does not change the text
    text = re.sub(r"^\s*(?:section\s+)?[\dA-Za-z.()]+\s*", "", text, count=1, flags=re.I)
    return _norm(text)[:600]


def match_sections(old, new) -> dict[str, str]:
    """Map old section numbers to new ones by heading, then by content."""
    if not old.parsed or not new.parsed:
        return {}
    olds = [s for s, _ in _walk(old.parsed.sections) if s.number]
    news = [s for s, _ in _walk(new.parsed.sections) if s.number]
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    # 1. same kind and same heading, unique on both sides
    def key(s):
        return (s.kind, _norm(s.heading or ""))

    old_by_head: dict = {}
    new_by_head: dict = {}
    for s in olds:
        if s.heading:
            old_by_head.setdefault(key(s), []).append(s)
    for s in news:
        if s.heading:
            new_by_head.setdefault(key(s), []).append(s)
    for k, group in old_by_head.items():
        if len(group) == 1 and len(new_by_head.get(k, [])) == 1:
            mapping[group[0].number] = new_by_head[k][0].number
            taken.add(new_by_head[k][0].number)
    # 2. content similarity for the rest, children of matched parents first
    new_texts = {s.number: _section_text(new, s) for s in news}
    for s in olds:
        if s.number in mapping:
            continue
        ot = _section_text(old, s)
        if not ot:
            continue
        best, best_score = None, 0.0
        for n in news:
            if n.number in taken or n.kind != s.kind:
                continue
            nt = new_texts[n.number]
            sm = difflib.SequenceMatcher(None, ot, nt, autojunk=False)
            if sm.real_quick_ratio() < 0.6 or sm.quick_ratio() < 0.6:
                continue
            score = sm.ratio()
            if n.number == s.number:
                score += 0.05  # prefer the same number among equals
            if score > best_score:
                best, best_score = n, score
        if best is not None and best_score >= 0.6:
            mapping[s.number] = best.number
            taken.add(best.number)
    return mapping


# ---------------------------------------------------------------------------
# Describing values
# ---------------------------------------------------------------------------

_FRACTIONS = {1 / 11: "one-eleventh", 0.1: "one-tenth", 1 / 12: "one-twelfth", 1 / 9: "one-ninth"}


def describe(ob) -> str:
    v, unit = ob.value, ob.unit
    if v is None:
        return (ob.as_written or "not stated").strip()
    if unit == "ratio" and isinstance(v, (int, float)):
        for frac, word in _FRACTIONS.items():
            if abs(v - frac) < 1e-4:
                return word
        return f"{v * 100:.4g}%"
    if unit in ("day", "calendar_day", "business_day", "trading_day", "hour", "month", "year"):
        words = {"day": "days", "calendar_day": "calendar days", "business_day": "business days",
                 "trading_day": "trading days", "hour": "hours", "month": "months", "year": "years"}[unit]
        num = f"{v:g}" if isinstance(v, float) else str(v)
        if ob.min is not None:
            return f"{ob.min:g} to {num} {words}"
        return f"{num} {words}"
    if unit == "usd" and isinstance(v, (int, float)):
        return f"${v:,.2f}"
    if unit == "shares" and isinstance(v, (int, float)):
        return f"{v:,.0f} shares"
    return str(v)


def _label(ob) -> str:
    party = _PARTY_LABEL.get(ob.party or "", (ob.party or "").replace("_", " "))
    kind = _KIND_LABEL.get(ob.kind, ob.kind.replace("_", " "))
    return f"{party} {kind}".strip() if party else kind[:1].upper() + kind[1:]


def _same_value(a, b) -> bool:
    if a.value is None or b.value is None:
        return (a.value is None) == (b.value is None) and (a.as_written or "") == (b.as_written or "")
    if isinstance(a.value, (int, float)) and isinstance(b.value, (int, float)):
        return abs(a.value - b.value) < 1e-9 and a.unit == b.unit and (a.min or 0) == (b.min or 0)
    return str(a.value).lower() == str(b.value).lower() and a.unit == b.unit


# ---------------------------------------------------------------------------
# The diff
# ---------------------------------------------------------------------------


def _sentence_around(res, line: int, column: int) -> str:
    if not res.parsed:
        return ""
    src = res.parsed.source
    off = src.line_starts[line - 1] + column - 1
    text = src.text
    start = max(text.rfind(".", 0, off), text.rfind(";", 0, off), text.rfind("\n\n", 0, off)) + 1
    ends = [i for i in (text.find(". ", off), text.find(".\n", off), text.find(";", off)) if i != -1]
    end = min(ends) if ends else len(text)
    return re.sub(r"\s+", " ", text[start:end]).strip()


def diff_results(old, new) -> DiffReport:
    rep = DiffReport(old.path, new.path)
    smap = match_sections(old, new)
    rep.section_map = smap
    renumbered = [(o, n) for o, n in smap.items() if o != n and "(" not in o and "." not in o]
    if renumbered:
        rep.changes.append(
            Change(
                "renumbered",
                "section",
                "sections renumbered: " + ", ".join(f"{o} \u2192 {n}" for o, n in sorted(renumbered, key=lambda x: x[0])),
            )
        )

    # obligations
    def sect_key(ob, mapped: bool):
        if not ob.section:
            return ""
        return smap.get(ob.section, f"?{ob.section}") if mapped else ob.section

    groups: dict[tuple, tuple[list, list]] = {}
    for ob in old.obligations:
        groups.setdefault((ob.kind, ob.party), ([], []))[0].append(ob)
    for ob in new.obligations:
        groups.setdefault((ob.kind, ob.party), ([], []))[1].append(ob)
    for (kind, party), (olds, news) in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        news_left = list(news)
        pairs = []
        unpaired_old = []
        for ob in olds:
            target = sect_key(ob, True)
            hit = next((n for n in news_left if n.section == target), None)
            if hit is None:
                unpaired_old.append(ob)
            else:
                news_left.remove(hit)
                pairs.append((ob, hit))
        # what is left pairs in document order (a provision moved to an unmatched section)
        while unpaired_old and news_left:
            pairs.append((unpaired_old.pop(0), news_left.pop(0)))
        for a, b in pairs:
            if not _same_value(a, b):
                where = f", Section {b.section}" if b.section else ""
                rep.changes.append(
                    Change(
                        "changed", "obligation", f"{_label(b)}{where}: {describe(a)} \u2192 {describe(b)}",
                        old=describe(a), new=describe(b), old_section=a.section, new_section=b.section,
                        old_line=a.line, new_line=b.line,
                    )
                )
        for a in unpaired_old:
            rep.changes.append(
                Change("removed", "obligation", f"{_label(a)} removed (was {describe(a)}, Section {a.section or '-'})",
                       old=describe(a), old_section=a.section, old_line=a.line, crosses_policy=kind in ("governing_law", "lockup", "default_threshold"))
            )
        for b in news_left:
            rep.changes.append(
                Change("added", "obligation", f"{_label(b)} added: {describe(b)} (Section {b.section or '-'})",
                       new=describe(b), new_section=b.section, new_line=b.line)
            )

    # standard provisions
    op = getattr(old, "provisions", None) or {}
    np_ = getattr(new, "provisions", None) or {}
    for key in sorted(set(op) | set(np_)):
        label = key.replace("_", " ")
        if key in op and key not in np_:
            rep.changes.append(Change("removed", "provision", f"{label} removed", old_line=op[key].get("line"), crosses_policy=True))
        elif key in np_ and key not in op:
            rep.changes.append(Change("added", "provision", f"{label} added", new_line=np_[key].get("line")))

    # definitions
    od = {d["term"]: d for d in old.definitions}
    nd = {d["term"]: d for d in new.definitions}
    for term in sorted(set(od) - set(nd)):
        rep.changes.append(Change("removed", "definition", f'definition of "{term}" removed', old_line=od[term]["line"]))
    for term in sorted(set(nd) - set(od)):
        rep.changes.append(Change("added", "definition", f'"{term}" newly defined', new_line=nd[term]["line"]))
    for term in sorted(set(od) & set(nd)):
        a = _sentence_around(old, od[term]["line"], od[term]["column"])
        b = _sentence_around(new, nd[term]["line"], nd[term]["column"])
        if a and b and _norm(a) != _norm(b):
            rep.changes.append(
                Change("changed", "definition", f'definition of "{term}" reworded', old=a[:200], new=b[:200],
                       old_line=od[term]["line"], new_line=nd[term]["line"])
            )

    # references that broke
    bad_before = {(r["text"], r["target"]) for r in old.references if (not r["resolved"]) or r.get("target_omitted")}
    for r in new.references:
        bad = (not r["resolved"]) or r.get("target_omitted")
        if bad and (r["text"], r["target"]) not in bad_before:
            # a reference that was fine before, or a new one that is broken
            why = "points to an omitted section" if r.get("target_omitted") else "has no target"
            rep.changes.append(
                Change("broke", "reference", f"{r['text']} (Section {r['section'] or 'preamble'}) {why}",
                       new=r["text"], new_section=r["section"], new_line=r["line"], crosses_policy=True)
            )

    # blanks
    def blanks(res):
        out: dict[str, list] = {}
        for f in res.findings:
            if f.category == "blanks" and not f.code.endswith("000"):
                out.setdefault(_norm(f.quote), []).append(f)
        return out

    ob_, nb_ = blanks(old), blanks(new)
    for q in sorted(set(ob_) - set(nb_)):
        f = ob_[q][0]
        rep.changes.append(Change("filled", "blank", f"blank filled: {f.quote}", old=f.quote, old_line=f.line))
    for q in sorted(set(nb_) - set(ob_)):
        f = nb_[q][0]
        rep.changes.append(Change("emptied", "blank", f"new blank: {f.quote}", new=f.quote, new_line=f.line))

    # policy findings new in this version
    before = {(f.code, _norm(f.quote)) for f in old.findings}
    for f in new.findings:
        if f.category in POLICY_CATEGORIES and (f.code, _norm(f.quote)) not in before and not f.suppressed:
            rep.changes.append(
                Change("new_finding", "finding", f"{f.code} {f.message}", new=f.quote, new_section=f.section,
                       new_line=f.line, crosses_policy=f.severity in ("error", "warning"))
            )
    return rep


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def render(rep: DiffReport, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(rep.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    rows = [
        (c.change, c.subject, c.description, c.old_line or "", c.new_line or "", "yes" if c.crosses_policy else "")
        for c in rep.changes
    ]
    headers = ["change", "what", "description", "old line", "new line", "policy"]
    if fmt == "markdown":
        out = [f"## clausecheck diff: `{rep.old_path}` \u2192 `{rep.new_path}`", ""]
        if not rows:
            out.append("No change in substance.")
        else:
            esc = [tuple(str(x).replace("|", "\\|").replace("\n", " ") for x in r) for r in rows]
            out.append(tabulate(esc, headers=headers, tablefmt="github"))
        out.append("")
        out.append("**Crosses the policy.**" if rep.crosses_policy else "Within the policy.")
        return "\n".join(out) + "\n"
    if not rows:
        return f"{rep.old_path} \u2192 {rep.new_path}: no change in substance\n"
    summary = f"{len(rows)} change(s)" + ("; crosses the policy" if rep.crosses_policy else "")
    return f"{rep.old_path} \u2192 {rep.new_path}\n" + tabulate(rows, headers=headers) + "\n" + summary + "\n"
