"""Offering rules that the declarative rule kinds cannot express.

Each function is the ``params.function`` of a ``kind: python`` rule file and is
called once per document as ``function(facts, rule, policy)``: ``facts`` is
the document's flat fact list (the ``doc`` fact first), ``rule`` the
:class:`checker.rulespec.RuleSpec`, ``policy`` the :class:`checker.policy.Policy`.
Each returns a list of dicts ``{primary, related, message?, values?}`` (see
:mod:`checker.engine`); a dict without ``message`` is rendered with the rule's
message template, the primary fact's attributes and ``values``.

Why code and not a rule kind:

* :func:`option_portions_mismatch` sums any number of facts (the grantors'
  parts of the over-allotment option); ``arithmetic`` joins at most three;
* :func:`prospectus_filing_late` and :func:`earnings_statement_late` choose
  the limit by the event a period runs from (its ``anchor`` text), which a
  pattern can only compare for equality;
* :func:`lockup_extension_incomplete` reasons about a group of facts (the
  periods of one extension clause) together;
* :func:`business_day_definition` compares ``definition`` facts with the
  obligations that count business days;
* :func:`warrant_expires_before_issue` compares ISO dates.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Iterable, Optional

__all__ = [
    "option_portions_mismatch",
    "prospectus_filing_late",
    "earnings_statement_late",
    "lockup_extension_incomplete",
    "business_day_definition",
    "warrant_expires_before_issue",
]


def _obligations(facts: Iterable[dict], kind: str) -> list[dict]:
    return [f for f in facts if f.get("type") == "obligation" and f.get("kind") == kind]


def _num(v: Any) -> Optional[float]:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _show(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:,}"


def _stated(f: dict) -> str:
    """The words that state a fact's value and what it runs from (not the whole sentence)."""
    return " ".join(str(f.get(k) or "") for k in ("anchor", "as_written")).lower()


# ---------------------------------------------------------------------------
# Over-allotment option
# ---------------------------------------------------------------------------


def option_portions_mismatch(facts: list[dict], rule: Any, policy: Any) -> list[dict]:
    """The option's total against the sum of the grantors' parts.

    Runs only when at least two parts for different grantors are stated (one
    part alone may be the only grantor's, or the extractor may have missed the
    others).  A part stated twice counts once.
    """
    parts: dict[tuple, dict] = {}
    for f in _obligations(facts, "option_size_portion"):
        v = _num(f.get("value"))
        if v is not None:
            parts.setdefault((f.get("party"), v), f)
    if len({party for party, _v in parts}) < 2:
        return []
    total_parts = sum(v for _p, v in parts)
    related = [f["id"] for f in parts.values()]
    out = []
    for f in _obligations(facts, "option_size"):
        v = _num(f.get("value"))
        if v is None or abs(v - total_parts) < 0.5:
            continue
        out.append(
            {
                "primary": f["id"],
                "related": related,
                "values": {"parts_total": _show(total_parts), "parts": " + ".join(_show(v) for _p, v in parts)},
            }
        )
    return out


# ---------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------

_EFFECTIVE = re.compile(r"\beffective\s+(?:date|time)\b|\beffectiveness\b", re.I)
_424B3 = re.compile(r"424\s*\(\s*b\s*\)\s*\(\s*3\s*\)")
RULE_430A_BUSINESS_DAYS = 15  # Rule 430A(a)(3): the prospectus within 15 business days after effectiveness
RULE_424B3_BUSINESS_DAYS = 5  # Rule 424(b)(3): fifth business day


def prospectus_filing_late(facts: list[dict], rule: Any, policy: Any) -> list[dict]:
    """Rule 424(b) filing deadlines later than the policy (the second business day).

    A period that runs from the effective date of the registration statement is
    Rule 430A's outer limit (15 business days) and is held to that instead; a
    filing stated to be under Rule 424(b)(3) is held to the fifth business day.
    """
    limit = _num(getattr(policy, "max_424b_business_days", 2)) or 2.0
    out = []
    for f in _obligations(facts, "filing_deadline"):
        v = _num(f.get("value"))
        if v is None or f.get("unit") != "business_day":
            continue
        anchor = str(f.get("anchor") or "")
        applied, basis = limit, "Rule 424(b)(1), (2), (4) and (5)"
        if _EFFECTIVE.search(anchor):
            applied, basis = float(RULE_430A_BUSINESS_DAYS), "Rule 430A(a)(3), counting from effectiveness"
        elif _424B3.search(str(f.get("quote") or "")):
            applied, basis = float(RULE_424B3_BUSINESS_DAYS), "Rule 424(b)(3)"
        if v > applied:
            out.append({"primary": f["id"], "related": [], "values": {"limit": _show(applied), "basis": basis}})
    return out


# Rule 158(c), (d): the twelve months begin with the first fiscal quarter after the
# effective date; the statement is due 45 days after they end (90 when they are a fiscal
# year).  From the effective date that is at most 3 + 12 months + 90 days: 18 months.
EARNINGS_MONTHS_FROM_EFFECTIVE = 18
EARNINGS_DAYS_FROM_EFFECTIVE = 548  # 18 months
EARNINGS_DAYS_FROM_CURRENT_QUARTER = 455  # 365 + 90
EARNINGS_DAYS_FROM_PERIOD_END = 90  # after the end of the twelve-month period (fourth quarter)

_FOURTH_QUARTER = re.compile(r"\bfourth\s+(?:full\s+)?fiscal\s+quarter\b|\btwelve[- ]month\s+period\b|\b12[- ]month\s+period\b", re.I)
_QUARTER = re.compile(r"\bfiscal\s+quarter\b|\bquarter\b", re.I)


def earnings_statement_late(facts: list[dict], rule: Any, policy: Any) -> list[dict]:
    """Earnings-statement deadlines later than Section 11(a) and Rule 158 allow.

    The limit depends on what the period runs from: 18 months (or 548 days)
    from the effective date; 455 days from the end of the fiscal quarter in
    which it falls; 90 days from the end of the twelve-month period (the
    fourth fiscal quarter after it).  Periods counted from anything else are
    not judged.
    """
    out = []
    for f in _obligations(facts, "earnings_statement_deadline"):
        v = _num(f.get("value"))
        unit = f.get("unit")
        if v is None:
            continue
        anchor = str(f.get("anchor") or "")
        limit = None
        if unit in ("month", "year"):
            months = v * 12 if unit == "year" else v
            if _EFFECTIVE.search(anchor) or not _QUARTER.search(anchor):
                if months > EARNINGS_MONTHS_FROM_EFFECTIVE:
                    out.append({"primary": f["id"], "related": [], "values": {"limit": f"{EARNINGS_MONTHS_FROM_EFFECTIVE} months", "basis": "the effective date"}})
            continue
        if unit not in ("day", "calendar_day"):
            continue
        if _FOURTH_QUARTER.search(anchor):
            limit, basis = EARNINGS_DAYS_FROM_PERIOD_END, "the end of the twelve-month period"
        elif _QUARTER.search(anchor):
            limit, basis = EARNINGS_DAYS_FROM_CURRENT_QUARTER, "the end of the fiscal quarter of the effective date"
        elif _EFFECTIVE.search(anchor):
            limit, basis = EARNINGS_DAYS_FROM_EFFECTIVE, "the effective date"
        if limit is not None and v > limit:
            out.append({"primary": f["id"], "related": [], "values": {"limit": f"{limit} days", "basis": basis}})
    return out


# ---------------------------------------------------------------------------
# Lock-up
# ---------------------------------------------------------------------------

_TRIGGER = re.compile(r"\bearnings\b|\bmaterial\s+news\b|\bmaterial\s+event\b|\brelease\b", re.I)


def lockup_extension_incomplete(facts: list[dict], rule: Any, policy: Any) -> list[dict]:
    """An earnings-release extension of a lock-up that lacks a period or its trigger.

    Fires at an extension whose period is not stated, and, once per party, when
    none of the extension's periods is tied to an earnings release or material
    news (the event that restarts the lock-up).
    """
    ext = _obligations(facts, "lockup_extension")
    out = []
    for f in ext:
        if _num(f.get("value")) is None:
            out.append({"primary": f["id"], "related": [], "values": {"problem": "states no period"}})
    by_party: dict[Any, list[dict]] = {}
    for f in ext:
        by_party.setdefault(f.get("party"), []).append(f)
    for party, group in by_party.items():
        if not any(_TRIGGER.search(_stated(f)) for f in group):
            out.append(
                {
                    "primary": group[0]["id"],
                    "related": [g["id"] for g in group[1:]],
                    "values": {"problem": "is not tied to an earnings release or material news"},
                }
            )
    return out


# ---------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------

_BUSINESS_DAY = re.compile(r"^business\s+days?$", re.I)


def _definition_text(f: dict) -> Optional[str]:
    for k in ("meaning", "text", "definiens"):
        v = f.get(k)
        if isinstance(v, str) and v.strip():
            return " ".join(v.lower().split()).rstrip(".;")
    return None


def business_day_definition(facts: list[dict], rule: Any, policy: Any) -> list[dict]:
    """"Business day" counted in but not defined, or defined twice differently.

    Reads ``definition`` facts (``term``; the defining words in ``meaning``,
    ``text`` or ``definiens`` when given).  A document evaluated without any
    definition facts is judged only when its ``doc`` fact says the definitions
    were read (``definitions_read``): otherwise the absence of a definition
    cannot be told from the absence of the facts.  A definition limited to one
    section ("For the purposes of this Section 4") is a different definition,
    not a second one of the same term.
    """
    defs = [f for f in facts if f.get("type") == "definition"]
    read = any(f.get("type") == "doc" and f.get("definitions_read") for f in facts)
    if not defs and not read:
        return []
    bd = [f for f in defs if _BUSINESS_DAY.match(" ".join(str(f.get("term") or "").split()))]
    out = []
    if not bd:
        users = [f for f in facts if f.get("type") == "obligation" and f.get("unit") == "business_day"]
        if users:
            out.append(
                {
                    "primary": users[0]["id"],
                    "related": [],
                    "values": {"problem": "is counted in but the agreement does not define it", "uses": len(users)},
                }
            )
        return out
    general = [f for f in bd if "section" not in str(f.get("scope") or "").lower()]
    if len(general) < 2:
        return out
    first = general[0]
    first_text = _definition_text(first)
    for other in general[1:]:
        t = _definition_text(other)
        if first_text is not None and t is not None and t != first_text:
            out.append(
                {
                    "primary": other["id"],
                    "related": [first["id"]],
                    "values": {"problem": "is defined twice, in different words", "uses": 0},
                }
            )
    return out


# ---------------------------------------------------------------------------
# Warrants
# ---------------------------------------------------------------------------


def _date(v: Any) -> Optional[_dt.date]:
    if not isinstance(v, str):
        return None
    try:
        return _dt.date.fromisoformat(v[:10])
    except ValueError:
        return None


def warrant_expires_before_issue(facts: list[dict], rule: Any, policy: Any) -> list[dict]:
    """A warrant whose expiration date is not after its issue date.

    The issue date is a ``warrant_issue_date`` obligation (ISO date) or the
    ``issue_date`` attribute of the document fact; without one nothing is judged.
    """
    issue = None
    issue_id = None
    for f in _obligations(facts, "warrant_issue_date"):
        d = _date(f.get("value"))
        if d is not None:
            issue, issue_id = d, f["id"]
            break
    if issue is None:
        for f in facts:
            if f.get("type") == "doc":
                issue = _date(f.get("issue_date"))
                issue_id = f["id"]
    if issue is None:
        return []
    out = []
    for f in _obligations(facts, "warrant_expiration"):
        d = _date(f.get("value"))
        if d is not None and d <= issue:
            out.append({"primary": f["id"], "related": [issue_id] if issue_id != f["id"] else [], "values": {"issue_date": issue.isoformat()}})
    return out
