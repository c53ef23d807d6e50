"""From the AST to findings: obligations and provisions become facts, the rule
engine evaluates the rule packs, the drafting checks run, and the deal calendar
is computed.  Each part is guarded so that one failing part is reported as an
error of the document and the others still run.
"""
from __future__ import annotations

import datetime as _dt
import re
import time as _time
import traceback
from typing import Any, Optional

from .model import DocError, Finding, Obligation, Related

_ENGINE = None
_RULES = None


def _stage_error(stage: str, exc: BaseException) -> DocError:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return DocError(message=f"internal error in {stage}: {type(exc).__name__}: {exc}{where}", stage=stage)


def rules():
    """All rule specs, loaded once per process."""
    global _RULES
    if _RULES is None:
        from .rulespec import load_rules

        _RULES = load_rules()
    return _RULES


def engine(policy):
    """The engine for this process (durable_rules rulesets register once per process)."""
    global _ENGINE
    if _ENGINE is None or _ENGINE.policy != policy:
        from .engine import Engine

        # drafting rules read the whole document: they run in run_drafting_checks, not on facts
        _ENGINE = Engine([r for r in rules() if not _is_document_rule(r)], policy)
    return _ENGINE


# ---------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------


def _settings(options: dict):
    """The Config for this run: given by the caller, else found from the document's folder."""
    s = options.get("settings")
    if s is not None:
        return s
    from .policy import load_settings

    return load_settings(options.get("config_path"), options.get("start_dir"))


def obligation_facts(obligations: list[Obligation]) -> list[dict]:
    facts = []
    for i, ob in enumerate(obligations):
        d = ob.model_dump()
        d["id"] = f"ob{i}"
        d["type"] = "obligation"
        if isinstance(d.get("value"), bool):
            d["value"] = 1 if d["value"] else 0
        facts.append(d)
    return facts


def definition_facts(definitions: list[dict]) -> list[dict]:
    """``definition`` facts: term, form, scope, section, line, column, quote (the
    defining words) and meaning (see :func:`checker.obligations.extract_definitions`)."""
    facts = []
    for i, d in enumerate(definitions):
        f = {k: v for k, v in d.items() if v is None or isinstance(v, (str, int, float))}
        f["id"] = f"df{i}"
        f["type"] = "definition"
        facts.append(f)
    return facts


def provision_facts(provisions: dict) -> list[dict]:
    facts = []
    for i, (key, hit) in enumerate(sorted(provisions.items())):
        facts.append(
            {
                "id": f"pv{i}",
                "type": "provision",
                "key": key,
                "section": getattr(hit, "section", None),
                "line": getattr(hit, "line", None),
                "column": getattr(hit, "column", None),
                "quote": getattr(hit, "quote", None),
            }
        )
    return facts


def _title_place(doc) -> tuple[int, int, str]:
    """Where a document-level finding (a missing provision) points: the title line."""
    src = doc.source
    title = " ".join((getattr(doc, "doc_title", None) or "").split())
    if title:
        for ln in range(1, min(src.line_count, 200) + 1):
            t = src.line_text(ln)
            if title in " ".join(t.split()):
                s = t.strip()
                return ln, t.index(s) + 1, s
    for ln in range(1, min(src.line_count, 80) + 1):
        t = src.line_text(ln)
        if "AGREEMENT" in t.upper() or "WARRANT" in t.upper() or "INDENTURE" in t.upper():
            s = t.strip()
            if s and not s.upper().startswith("EXHIBIT"):
                return ln, t.index(s) + 1, s
    for ln in range(1, src.line_count + 1):
        t = src.line_text(ln)
        if t.strip():
            return ln, len(t) - len(t.lstrip()) + 1, t.strip()
    return 1, 1, ""


def locate_quote(source, line: int, column: int, quote: str) -> Optional[tuple[int, int, int, int]]:
    """Where a whitespace-collapsed quote stands in the original text, near
    (line, column): (line, column, end_line, end_column), end exclusive; None
    when it cannot be found there."""
    words = quote.rstrip("\u2026").split()
    if not words or line < 1 or line > source.line_count:
        return None
    anchor = source.line_starts[line - 1] + max(column - 1, 0)
    lo = max(0, anchor - 3000)
    best = None
    for start, end in _word_runs(source.text, words[:60], lo, min(len(source.text), anchor + 3000)):
        dist = 0 if start <= anchor <= end else min(abs(start - anchor), abs(end - anchor))
        if best is None or dist < best[0]:
            best = (dist, start, end)
        if start > anchor:
            break
    if best is None:
        return None
    l1, c1 = source.linecol(best[1])
    l2, c2 = source.linecol(best[2])
    return l1, c1, l2, c2


_SPACE_RUN = re.compile(r"\s+")


def _word_runs(text: str, words: list[str], lo: int, hi: int):
    """(start, end) of each place in ``text[lo:hi]`` where ``words`` stand in order,
    separated by white space, from left to right and not overlapping: the matches of
    the pattern ``w1\\s+w2\\s+...`` (each word taken literally), found with plain
    string search instead of a pattern compiled for each quote."""
    first = words[0]
    rest = words[1:]
    space = _SPACE_RUN.match
    find = text.find
    startswith = text.startswith
    p = find(first, lo, hi)
    while p != -1:
        e = p + len(first)
        for w in rest:
            m = space(text, e, hi)
            if m is None:
                break
            e = m.end()
            if not startswith(w, e, hi):
                break
            e += len(w)
        else:
            yield p, e
            p = find(first, e, hi)
            continue
        p = find(first, p + 1, hi)


def _place(doc, fact: dict) -> tuple[int, int, Optional[int], Optional[int], str]:
    """A fact's evidence: from the words that state it (its line and column) to
    the end of the clause it quotes; the quote is that text.  When the quoted
    clause cannot be found around the fact, its own position and quote."""
    line, col = fact["line"], fact.get("column") or 1
    quote = " ".join((fact.get("quote") or fact.get("as_written") or "").split())
    where = locate_quote(doc.source, line, col, quote) if quote else None
    if where:
        src = doc.source
        start = src.line_starts[line - 1] + col - 1
        q0 = src.line_starts[where[0] - 1] + where[1] - 1
        q1 = src.line_starts[where[2] - 1] + where[3] - 1
        if q0 <= start < q1:
            text = " ".join(src.text[start:q1].split())
            if len(text) >= 8:
                return line, col, where[2], where[3], text
        return where[0], where[1], where[2], where[3], quote
    return line, col, None, None, quote


def _finding_from_raw(raw, spec, by_id: dict, doc) -> Finding:
    primary = by_id.get(raw.primary) if raw.primary else None
    if primary is None or primary.get("line") is None:
        line, col, quote = _title_place(doc)
        end_line, end_col = line, col + len(quote)
        section = None
    else:
        line, col, end_line, end_col, quote = _place(doc, primary)
        section = primary.get("section")
    related = []
    for rid in raw.related:
        f = by_id.get(rid)
        if f and f.get("line") is not None:
            rl, rc, rel, rec, rq = _place(doc, f)
            related.append(
                Related(
                    line=rl,
                    column=rc,
                    end_line=rel,
                    end_column=rec,
                    quote=rq,
                    message=f"Section {f['section']}" if f.get("section") else None,
                )
            )
    return Finding(
        code=spec.code,
        name=spec.name,
        category=spec.category,
        severity=spec.severity,
        message=raw.message,
        line=line,
        column=col,
        end_line=end_line if end_line is not None else line,
        end_column=end_col,
        quote=quote,
        section=section,
        related=tuple(related),
    )


# ---------------------------------------------------------------------------
# Deal calendar
# ---------------------------------------------------------------------------

_CALENDAR_KINDS = {
    "lockup", "lockup_extension", "option_exercise_window", "option_delivery_window", "filing_deadline",
    "earnings_statement_deadline", "reporting_deadline", "closing_date", "closing_postponement",
    "warrant_expiration", "notice_period",
}


def _agreement_date(doc) -> Optional[_dt.date]:
    from .model import DateNode

    for nr in doc.nodes[:40]:
        n = nr.node
        if isinstance(n, DateNode) and n.iso and not n.blank and nr.section == "":
            try:
                return _dt.date.fromisoformat(n.iso)
            except ValueError:
                return None
    return None


def deal_calendar(doc, obligations: list[Obligation], pricing_date: Optional[str], policy) -> list[dict]:
    from .calendar import resolve

    if pricing_date:
        base = _dt.date.fromisoformat(pricing_date)
        basis = "--pricing-date"
    elif not any(ob.kind in _CALENDAR_KINDS for ob in obligations):
        return []  # nothing to put in the calendar (its date is not looked for)
    else:
        base = _agreement_date(doc)
        basis = "date of the agreement"
    if base is None:
        return []
    cal = getattr(policy, "business_calendar", "ny_banks")
    out = []
    for ob in obligations:
        if ob.kind not in _CALENDAR_KINDS:
            continue
        if ob.unit == "date" and isinstance(ob.value, str):
            out.append({"kind": ob.kind, "party": ob.party, "section": ob.section, "line": ob.line,
                        "date": ob.value, "as_written": ob.as_written, "counted_from": "stated date"})
            continue
        try:
            when = resolve(ob, base, cal)
        except Exception:
            when = None
        if when is None:
            continue
        out.append({"kind": ob.kind, "party": ob.party, "section": ob.section, "line": ob.line,
                    "date": when.isoformat(), "as_written": ob.as_written,
                    "counted_from": f"{basis} {base.isoformat()}", "calendar": cal})
    out.sort(key=lambda e: (e["date"], e["line"]))
    return out


# ---------------------------------------------------------------------------
# The whole analysis of one document
# ---------------------------------------------------------------------------


# the last Config asked about and the rules it selects (settings are immutable,
# and a batch asks about the same Config for every document)
_LAST_SELECTED: list = [None, None, None]


def _selected_rules(config) -> list:
    all_rules = rules()
    if _LAST_SELECTED[0] is config and _LAST_SELECTED[1] is all_rules:
        return _LAST_SELECTED[2]
    selected = config.select_rules(all_rules)
    _LAST_SELECTED[:] = [config, all_rules, selected]
    return selected


# the last settings given command-line overrides, and the result (a batch
# gives the same overrides for every document)
_LAST_OVERRIDDEN: list = [None, None, None]


def _overridden(config, overrides: dict):
    key = {k: tuple(v) for k, v in overrides.items()}
    if _LAST_OVERRIDDEN[0] is config and _LAST_OVERRIDDEN[1] == key:
        return _LAST_OVERRIDDEN[2]
    out = config.with_overrides(**overrides)
    _LAST_OVERRIDDEN[:] = [config, key, out]
    return out


# the codes of the last selection of rules: all of them, and those the rule
# engine runs (the drafting rules read the document instead)
_LAST_CODES: list = [None, None, None]


def _selected_codes(selected: list) -> tuple[frozenset, frozenset]:
    if _LAST_CODES[0] is not selected:
        _LAST_CODES[:] = [selected, frozenset(r.code for r in selected),
                          frozenset(r.code for r in selected if not _is_document_rule(r))]
    return _LAST_CODES[1], _LAST_CODES[2]


# every rule by code, for the rules of rules()
_SPECS: list = [None, None]


def _specs() -> dict:
    all_rules = rules()
    if _SPECS[0] is not all_rules:
        _SPECS[:] = [all_rules, {r.code: r for r in all_rules}]
    return _SPECS[1]


def _fact_types_read(policy, doc_type) -> Optional[frozenset]:
    """The types of the facts some rule of ``doc_type`` reads (None: any may matter)."""
    try:
        return engine(policy).fact_types_read(doc_type)
    except Exception:  # the rules stage reports why the engine cannot be built
        return None


def run_analysis(doc, options: dict) -> tuple[list[Obligation], list[Finding], list[dict], list[DocError]]:
    errors: list[DocError] = []
    findings: list[Finding] = []
    obligations: list[Obligation] = []
    provisions: dict = {}
    calendar: list[dict] = []

    given = options.get("settings") is not None
    config = _settings(options)
    overrides = {}
    if not given and options.get("select"):
        overrides["select"] = options["select"]
    if not given and options.get("ignore"):
        overrides["ignore"] = options["ignore"]
    if overrides:
        config = _overridden(config, overrides)
    selected = _selected_rules(config)
    selected_codes, engine_codes = _selected_codes(selected)

    times: dict = {}
    t0 = _time.perf_counter()
    try:
        from .obligations import extract_obligations

        obligations = extract_obligations(doc)
    except Exception as exc:
        errors.append(_stage_error("obligations", exc))
    try:
        from .provisions import find_provisions

        provisions = find_provisions(doc, obligations)
    except Exception as exc:
        errors.append(_stage_error("provisions", exc))
    doc.provisions = provisions
    # the facts of a type no rule of the document's type reads are not made (nor, for
    # definitions, read from the document): the findings are the same without them
    read = _fact_types_read(config.policy, doc.doc_type)
    definitions: list[dict] = []
    if read is None or "definition" in read:
        try:
            from .obligations import extract_definitions

            definitions = extract_definitions(doc)
        except Exception as exc:
            errors.append(_stage_error("definitions", exc))

    t1 = _time.perf_counter()
    times["facts"] = t1 - t0

    # offering rules: the durable_rules engine over the facts
    specs = _specs()
    try:
        eng = engine(config.policy)
        facts = [{"id": "$doc", "type": "doc", "doc_id": doc.path, "doc_type": doc.doc_type, "subtype": doc.doc_subtype,
                  # the definitions were read: a document without definition facts defines nothing
                  "definitions_read": 1 if not any(e.stage == "definitions" for e in errors) else 0}]
        if read is None or "obligation" in read:
            facts += obligation_facts(obligations)
        if read is None or "provision" in read:
            facts += provision_facts(provisions)
        facts += definition_facts(definitions)
        by_id = {f["id"]: f for f in facts}
        raw, errs = eng.evaluate(doc.path, doc.doc_type, facts)
        for e in errs:
            errors.append(DocError(message=f"rule engine: {e}", stage="rules"))
        for r in raw:
            if r.code not in engine_codes:
                continue
            findings.append(_finding_from_raw(r, specs[r.code], by_id, doc))
    except Exception as exc:
        errors.append(_stage_error("rules", exc))

    t2 = _time.perf_counter()
    times["engine"] = t2 - t1
    # drafting checks: code that reads the whole document
    try:
        from .drafting import drafting_errors, run_drafting_checks

        for f in run_drafting_checks(doc, config):
            if f.code in selected_codes:
                findings.append(f)
        errors.extend(drafting_errors(doc))
    except Exception as exc:
        errors.append(_stage_error("drafting", exc))

    t3 = _time.perf_counter()
    times["drafting"] = t3 - t2
    findings = [f for f in findings if not config.ignored_in(specs.get(f.code), doc.path)]

    try:
        calendar = deal_calendar(doc, obligations, options.get("pricing_date"), config.policy)
    except Exception as exc:
        errors.append(_stage_error("calendar", exc))
    doc.stage_times = times
    return obligations, findings, calendar, errors


def _is_document_rule(spec) -> bool:
    """Rules implemented by the drafting checks (they read the document, not facts)."""
    if spec.kind != "python":
        return False
    fn = getattr(spec.params, "function", "") or ""
    return fn.startswith("checker.drafting")
