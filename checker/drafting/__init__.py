"""Drafting checks: what a careful associate catches in a proofreading pass.

Families (one module each):

* :mod:`.definitions` - DEF001..DEF006: undefined, unused, doubly defined,
  wrongly located ("as defined in Section 4"), out-of-scope and variant terms;
* :mod:`.xrefs` - XREF001..XREF003, XREF005: missing, omitted and mismatched
  cross-reference targets, and citations of the securities laws;
* :mod:`.attachments` - XREF004: schedules, exhibits, annexes and forms
  referred to but not in the document;
* :mod:`.numbers` - NUM001, NUM002, NUM004, NUM005: number words against
  numerals, stated sums, one quantity stated two ways, the option ratio;
* :mod:`.tables` - NUM003 and BLANK005: schedule totals, empty schedules;
* :mod:`.blanks` - BLANK000..BLANK004, BLANK006: placeholders, bracketed
  alternatives, signature blocks, and one summary per document;
* :mod:`.numbering` - NUMB001..NUMB004: numbering sequence and style,
  unbalanced parentheses, brackets and quotation marks;
* :mod:`.parties` - PARTY001..PARTY003: jurisdiction, names, split signatories.

Entry points:

``run_drafting_checks(doc, settings=None) -> list[Finding]``
    every check over one :class:`checker.pipeline.ParsedDocument`.

``<module>:<check>(doc_or_context, rule=None, policy=None) -> list[Finding]``
    each check on its own (the rule files ``rules/DEF001.yaml`` ... name them
    in ``params.function``).  The checks need the parsed document - the text,
    its layout and its section tree - not the flat facts of the rule engine:
    called by the engine's ``python`` kind with a list of fact dicts, a check
    returns no findings, and ``run_drafting_checks`` is the way to run them
    (the analysis stage calls it once per document, with the other rules).

``settings``: a ``checker.policy.Config`` (its ``select`` / ``ignore``
selectors pick the checks to run, its ``templates`` globs name forms whose
blanks are intentional), or a mapping with ``select`` / ``ignore`` - iterables
of codes or code prefixes ("DEF", "XREF004").
"""
from __future__ import annotations

import functools
import gc
import importlib
import time
import traceback
from typing import Any, Optional

from ..model import DocError, Finding
from .context import Context, get_context
from .registry import RULES

__all__ = ["run_drafting_checks", "RULES", "drafting_errors", "CHECKS"]

# module:function of every check, in the order they run
CHECKS: tuple[str, ...] = tuple(dict.fromkeys(m.function for m in RULES.values()))
# the codes each check reports
_CODES_OF: dict[str, tuple[str, ...]] = {f: tuple(c for c, m in RULES.items() if m.function == f) for f in CHECKS}


@functools.lru_cache(maxsize=None)
def _resolve(spec: str):
    mod, fn = spec.split(":")
    m = importlib.import_module(mod)
    return getattr(m, fn)


# the last Config asked about and its answer (settings are immutable, and a
# batch asks about the same Config for every document)
_LAST_WANTED: list = [None, None]


def _config_wanted(config: Any):
    """The codes a Config selects among the drafting rules' specs (all of them
    when the rule files cannot be read)."""
    if _LAST_WANTED[0] is config:
        return _LAST_WANTED[1]
    wanted = _select_codes(config)
    _LAST_WANTED[:] = [config, wanted]
    return wanted


def _select_codes(config: Any):
    try:
        from ..rulespec import load_rules

        specs = {r.code: r for r in load_rules()}
    except Exception:
        return None
    wanted = set()
    for code in RULES:
        spec = specs.get(code)
        try:
            if spec is None or config.is_selected(spec):
                wanted.add(code)
        except Exception:
            wanted.add(code)
    return frozenset(wanted)


def _wanted(code: str, settings: dict) -> bool:
    if "wanted" in settings:
        w = settings["wanted"]
        return w is None or code in w
    sel = settings.get("select")
    ign = settings.get("ignore") or ()
    if sel and not any(code.startswith(s) for s in sel):
        return False
    if any(code.startswith(s) for s in ign):
        return False
    return True


def run_drafting_checks(doc: Any, settings: Optional[dict] = None) -> list[Finding]:
    """Every drafting check over one parsed document.

    A check that fails with an exception is reported in
    ``drafting_errors(doc)`` (and skipped); the others still run.
    """
    config = settings if hasattr(settings, "is_selected") else None
    if config is not None:
        settings = {"wanted": _config_wanted(config)}
    else:
        settings = dict(settings or {})
    # the checks allocate many small short-lived objects next to a large parsed
    # document: the cyclic collector would walk that document again and again
    gc_was_enabled = gc.isenabled()
    gc.disable()
    ctx = get_context(doc, settings, config)
    try:
        return _run(ctx, settings)
    finally:
        ctx.release()
        if gc_was_enabled:
            gc.enable()


# the checks a selection of codes runs, for the last selections asked about
# (a batch asks about the same one for every document)
_CHECKS_WANTED: dict = {}


def _checks_wanted(settings: dict) -> list:
    """(spec, function) of the checks that report a code ``settings`` selects, in order."""
    key = None
    if set(settings) <= {"wanted"}:
        w = settings.get("wanted")
        key = ("wanted", w)
    elif set(settings) <= {"select", "ignore"}:
        try:
            key = ("codes", tuple(settings.get("select") or ()), tuple(settings.get("ignore") or ()))
        except TypeError:
            key = None
    if key is not None:
        try:
            hit = _CHECKS_WANTED.get(key)
        except TypeError:  # a selection that cannot be a key
            key = hit = None
        if hit is not None:
            return hit
    # (each check's own function: the run hands it the context, which is
    # all the rule-engine wrapper would find out before calling it)
    hit = [(spec, _own_check(_resolve(spec))) for spec in CHECKS if any(_wanted(c, settings) for c in _CODES_OF[spec])]
    if key is not None:
        if len(_CHECKS_WANTED) > 32:
            _CHECKS_WANTED.clear()
        _CHECKS_WANTED[key] = hit
    return hit


def _own_check(fn):
    """The function ``as_rule`` made ``fn`` from (``fn`` itself if none)."""
    return getattr(fn, "_check", fn)


def _run(ctx: Context, settings: dict) -> list[Finding]:
    out: list[Finding] = []
    errors: list[DocError] = []
    timings: dict[str, float] = {}
    # (seconds each check took: the performance counter, which costs a
    # tenth of a reading of the process's CPU time)
    clock = time.perf_counter
    for spec, fn in _checks_wanted(settings):
        t0 = clock()
        try:
            found = fn(ctx)
        except Exception as exc:  # a defect of ours: keep the other checks
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
            errors.append(DocError(message=f"internal error in drafting check {spec}: {type(exc).__name__}: {exc}{where}", stage="rules"))
            continue
        finally:
            timings[spec] = clock() - t0
        if found:
            out.extend(f for f in found if _wanted(f.code, settings))
    ctx.errors = errors
    ctx.timings = timings
    try:  # kept on the document: the context is let go after the run
        ctx.doc._drafting_errors = errors
        ctx.doc._drafting_timings = timings
    except Exception:  # a frozen stand-in
        pass
    return out


def drafting_errors(doc: Any) -> list[DocError]:
    """Checks that failed on the last run over ``doc``."""
    return list(getattr(doc, "_drafting_errors", None) or [])


def find_document(facts: Any) -> Any:
    """The parsed document behind whatever the engine hands a ``python`` rule."""
    if isinstance(facts, Context):
        return facts.doc
    if hasattr(facts, "source") and hasattr(facts, "sections"):
        return facts
    if isinstance(facts, dict):
        for k in ("doc", "parsed", "document", "parsed_document"):
            if k in facts and facts[k] is not None:
                return find_document(facts[k])
    for k in ("doc", "parsed", "document"):
        v = getattr(facts, k, None)
        if v is not None:
            return find_document(v)
    if isinstance(facts, (list, tuple)):
        for f in facts:
            try:
                return find_document(f)
            except TypeError:
                continue
    raise TypeError("a drafting check needs the parsed document (checker.pipeline.ParsedDocument)")


def as_rule(fn):
    """Make ``fn(ctx)`` callable as ``fn(facts, rule=None, policy=None)`` too."""
    import functools

    @functools.wraps(fn)
    def wrapper(facts: Any, rule: Any = None, policy: Any = None):
        if isinstance(facts, Context):
            ctx = facts
        elif isinstance(facts, (list, tuple)) and all(isinstance(f, dict) for f in facts):
            return []  # the rule engine's flat facts: these checks run in run_drafting_checks
        else:
            ctx = get_context(find_document(facts))
        found = fn(ctx)
        if rule is not None:
            codes = set(getattr(rule, "codes", ()) or (getattr(rule, "code", None),))
            found = [
                f.model_copy(update={"severity": getattr(rule, "severity", f.severity), "name": getattr(rule, "name", f.name)})
                for f in found
                if f.code in codes
            ]
        return found

    wrapper._check = fn
    return wrapper
