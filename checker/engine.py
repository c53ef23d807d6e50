"""The rule engine adapter: rule files compiled to durable_rules rulesets.

durable_rules is unmaintained and has sharp edges; this module is the only
place that touches it.  What it does about each of them:

* A ruleset name can be registered once per process.  Every compiled ruleset is
  named by a hash of its JSON definition and registered in a module-level
  registry the first time it is seen; an Engine built again with the same rules
  and policy reuses it.  Rules are compiled per document type (one ruleset for
  each), at ``Engine(...)`` time, never per document.
* The host is created once, under a lock, and runs no timer or dispatch threads:
  every action runs synchronously inside ``assert_fact``.
* Facts are asserted one at a time (``assert_facts`` with a list segfaults when a
  ruleset joins two facts), each written once as JSON and handed straight to the
  ruleset.  Only what the rules can read is sent: a fact of a type that no pattern
  of the document type's ruleset can match is not asserted (the definitions of a
  document that no durable rule reads, for one), and the attributes no condition
  names (quotes, as-written words) are left out of what is sent.  Findings and the
  python rules still see every fact whole.
* A false ``$and`` of join conditions makes durable_rules read past the end of
  its expression array (valgrind: invalid reads in ``reduceExpressionSequence``;
  whether the process crashes depends on what lies beyond, so it shows up as a
  segfault that comes and goes with unrelated imports).  Every pattern's join
  conditions are wrapped in a one-element ``$or`` (:func:`_joined`), which is
  evaluated without the overrun; the test suite runs clean under valgrind.
* durable_rules' JSON reader rejects or misreads numbers with an exponent
  (``1e-05``): rulesets and facts are written with :func:`_dumps`.
* A catch-all rule keeps facts that no rule matches from raising
  ``MessageNotHandledException`` -- and, more importantly, a session in which a
  fact went unhandled crashes the process on ``delete_state``.  The catch-all is
  a join that can never complete (a fact of type ``$never`` never exists), so
  every fact is accepted without paying for a Python action call.
* durable_rules identifies a fact by its ``id``: every fact must carry a unique
  string ``id`` (checked here; a repeated id would raise
  ``MessageObservedException``).  No rule condition may mention ``id`` (a
  condition on it hangs the engine); the engine adds ``_seq`` (assertion order)
  and ``sid`` to each fact, and joins use ``_seq`` to tell facts apart, so a
  two-fact join fires once per unordered pair instead of once per ordered pair.
* Each document is evaluated in its own session (``sid``), which is deleted
  afterwards (the engine keeps at most 1024 live sessions; the 1025th raises
  MemoryError).  ``delete_state`` aborts the process for a session in which no
  action ran, so every ruleset has an end-of-document rule whose action always
  runs; a session whose end action did not run is reported and not deleted.
* Exceptions inside actions are swallowed by durable_rules into the session
  state.  Actions here only record the match and catch everything; anything
  that still reaches the state (its ``exception`` key) is surfaced too.  All are
  returned as the second value of :meth:`Engine.evaluate`.

Facts are flat dicts: ``id`` (unique string) and ``type`` (``obligation``,
``provision``, ``definition``, ``reference``, ``number``, ``blank``, ``doc``, ...)
plus scalar attributes (str, int, float, bool; ``None`` means absent).  Facts
with ``line``/``column`` are ordered by them when a finding involves two.  The
engine adds a ``doc`` fact (``{"id": "$doc", "type": "doc", "doc_id": ...,
"doc_type": ...}``) unless the caller gives one, asserts doc facts first, the
others in the order given, and an ``{"id": "$end", "type": "end"}`` fact last
(rules about absence and the Python escape hatch fire on it).
"""
from __future__ import annotations

import ast
import copy
import hashlib
import importlib
import itertools
import json
import math
import string
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional

from pydantic import BaseModel, ConfigDict

from .policy import Policy
from .rulespec import (
    DOC_TYPES,
    POLICY_RE,
    ArithmeticParams,
    ConsistencyParams,
    EquivalenceParams,
    PythonParams,
    RequiredParams,
    RuleSpec,
    ThresholdParams,
    WindowParams,
    is_policy_ref,
    parse_number,
    parse_requirement,
)

__all__ = ["Engine", "RawFinding", "FactError", "EngineError", "get_host", "registered_rulesets", "live_sessions"]

ACTION_PREFIX = "clausecheck:"
DOC_FACT_ID = "$doc"
END_FACT_ID = "$end"
_SCALARS = (str, int, float, bool)


class RawFinding(BaseModel):
    """A rule match before it is placed in the document.

    ``primary`` is the id of the fact the finding points at (for a rule about a
    missing provision, the document fact); ``related`` are the other facts it
    cites (the conflicting statement of a consistency rule); ``facts`` is every
    fact involved, primary first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    message: str
    primary: Optional[str] = None
    related: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


class FactError(ValueError):
    """Facts that cannot be evaluated (no id, repeated id, a value that is not a scalar)."""


class EngineError(RuntimeError):
    """A rule that cannot be compiled (for example a python rule whose function cannot be imported)."""


# ---------------------------------------------------------------------------
# The process-wide host, registry of rulesets and live sessions
# ---------------------------------------------------------------------------


@dataclass
class _Session:
    matches: list = field(default_factory=list)  # (rule key, {alias: fact id})
    errors: list = field(default_factory=list)
    ended: bool = False  # the end-of-document action ran


_LOCK = threading.RLock()
_HOST = None
_REGISTERED: dict[str, str] = {}  # ruleset name -> JSON text of its definition
_SESSIONS: dict[str, _Session] = {}
_STRAY_ERRORS: list[str] = []
_SID = itertools.count(1)


def _make_action(name: str) -> Callable:
    key = name[len(ACTION_PREFIX) :] if name.startswith(ACTION_PREFIX) else name
    if key == "$catch":

        def catch(c):  # never runs: the catch-all join cannot complete
            return None

        return catch
    if key == "$end":

        def end(c):
            try:
                sess = _SESSIONS.get(str(c.s._d.get("sid")))
                if sess is not None:
                    sess.ended = True
            except BaseException as exc:
                _STRAY_ERRORS.append(f"$end: action failed: {type(exc).__name__}: {exc}")

        return end

    def action(c):
        sess = None
        try:
            sid = str(c.s._d.get("sid"))
            sess = _SESSIONS.get(sid)
            matched = c._m
            if not isinstance(matched, dict):
                raise TypeError(f"unexpected match shape {type(matched).__name__}")
            ids = {alias: fact.get("id") for alias, fact in matched.items()}
            if sess is None:
                _STRAY_ERRORS.append(f"{key}: fired for unknown session {sid}")
                return
            sess.matches.append((key, ids))
        except BaseException as exc:  # surfaced, never swallowed
            msg = f"{key}: action failed: {type(exc).__name__}: {exc}"
            (sess.errors if sess is not None else _STRAY_ERRORS).append(msg)

    return action


def _number(x: float) -> str:
    """A float as durable_rules' JSON reader takes it: positional, never with an exponent.

    Its reader rejects ``1e-05`` and mis-evaluates (or crashes on) other exponent
    forms, and Python's json writes exponents below 1e-4 and from 1e16 up.
    """
    if not math.isfinite(x):
        raise FactError(f"{x!r} is not a finite number")
    text = repr(x)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." not in text:
            text += ".0"
    return text


def _plain(v: Any) -> bool:
    """Does json.dumps write this value as durable_rules can read it?"""
    if type(v) is not float:
        return True
    a = abs(v)
    return a == 0.0 or 1e-4 <= a < 1e16  # where repr() switches to an exponent


def _dumps(obj: Any) -> str:
    """JSON for durable_rules (see :func:`_number`)."""
    if type(obj) is dict and all(_plain(v) and type(v) is not dict and type(v) is not list for v in obj.values()):
        return json.dumps(obj, ensure_ascii=False)  # a flat fact without awkward floats: the fast path
    if isinstance(obj, bool) or obj is None:
        return json.dumps(obj)
    if isinstance(obj, float):
        return _number(obj)
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + _dumps(v) for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(_dumps(v) for v in obj) + "]"
    raise TypeError(f"cannot send a {type(obj).__name__} to the rule engine")


try:  # one C encoder for every flat fact (json.dumps builds a new one per call)
    _FLAT_ENCODER = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
except (AttributeError, TypeError):  # pragma: no cover - a Python without the json accelerator
    _FLAT_ENCODER = None


def _fact_json(fact: dict) -> str:
    """:func:`_dumps` of a flat fact whose values are scalars (what ``_prepare`` makes)."""
    for v in fact.values():
        if type(v) is float and not (v == 0.0 or 1e-4 <= abs(v) < 1e16):
            return _dumps(fact)
    if _FLAT_ENCODER is None:  # pragma: no cover
        return _dumps(fact)
    return "".join(_FLAT_ENCODER(fact, 0))


def _names(obj: Any, out: set) -> set:
    """Every string in a ruleset definition, keys and values: a superset of the
    fact attributes its conditions read."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(k)
            _names(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _names(v, out)
    elif isinstance(obj, str):
        out.add(obj)
    return out


def _pattern_types(cond: Any) -> Optional[set]:
    """The fact types a pattern's condition can match (None: it does not say)."""
    if not isinstance(cond, dict):
        return None
    t = cond.get("type")
    if t is not None and not isinstance(t, (dict, list)):
        return {t}
    if len(cond) == 1 and "$and" in cond:
        for c in cond["$and"]:
            got = _pattern_types(c)
            if got is not None:
                return got
        return None
    if len(cond) == 1 and "$or" in cond:
        out: set = set()
        for c in cond["$or"]:
            got = _pattern_types(c)
            if got is None:
                return None
            out |= got
        return out
    return None


def _reads(definition: dict) -> tuple[Optional[frozenset], frozenset]:
    """What the rules of a ruleset can read: (the types of the facts some pattern can
    match -- None when a pattern does not restrict the type --, the attributes their
    conditions may name).  A fact of another type, or an attribute no condition names,
    cannot change what the rules match: the engine is not sent them."""
    types: Optional[set] = set()
    for key, rule in definition.items():
        if key == "$catch":
            continue  # every fact enters its pattern, and its join never completes
        pats = rule.get("all") if isinstance(rule, dict) and set(rule) <= {"all", "run"} else None
        if not isinstance(pats, list):
            types = None
            break
        for pat in pats:
            if not isinstance(pat, dict):
                types = None
                break
            for cond in pat.values():
                got = _pattern_types(cond)
                if got is None:
                    types = None
                    break
                types |= got
            if types is None:
                break
        if types is None:
            break
    names = _names({k: v for k, v in definition.items() if k != "$catch"}, {"id", "type", "sid", "_seq"})
    return (frozenset(types) if types is not None else None), frozenset(names)


def _host_class():
    """durable_rules' Host and Ruleset, adapted.

    The Host runs no timer or dispatch threads (every action runs inside
    ``assert_fact``) and resolves actions by name.  Rulesets and facts are
    serialised with :func:`_dumps` instead of ``json.dumps``; the rest is
    durable_rules' own code (version 2.0.28, pinned).
    """
    import durable_rules_engine
    from durable.engine import Host, MessageNotHandledException, MessageObservedException, Promise, Ruleset

    class _Ruleset(Ruleset):
        def __init__(self, name, host, ruleset_definition):
            self._actions = {}
            self._name = name
            self._host = host
            for rule_name, rule in ruleset_definition.items():
                self._actions[rule_name] = Promise(host.get_action(rule.pop("run")))
            self._handle = durable_rules_engine.create_ruleset(name, _dumps(ruleset_definition))
            self._definition = ruleset_definition

        def assert_fact(self, fact):
            return self._handle_result(durable_rules_engine.assert_fact(self._handle, _dumps(fact)), fact)

        def retract_fact(self, fact):
            return self._handle_result(durable_rules_engine.retract_fact(self._handle, _dumps(fact)), fact)

        def assert_facts(self, facts):  # segfaults with joins: never used
            raise EngineError("assert facts one at a time")

        def assert_text(self, text, fact):
            """``Host.assert_fact`` of a fact already written as JSON: the same calls
            into the engine, and the actions run the same way, without the layers between."""
            result = durable_rules_engine.assert_fact(self._handle, text)
            code = result[0]
            if code == 1:
                raise MessageNotHandledException(fact)
            if code == 2:
                raise MessageObservedException(fact)
            error = [None]

            def complete(e, _state):
                error[0] = e

            self.do_actions(0 if code == 3 else result[1], complete)
            if error[0]:
                raise error[0]

    class _Host(Host):
        def _run(self):
            return None

        def get_action(self, action_name):
            return _make_action(action_name)

        def register_rulesets(self, ruleset_definitions):
            names = []
            for name, definition in ruleset_definitions.items():
                if name in self._ruleset_directory:
                    raise EngineError(f"ruleset {name} already registered")
                ruleset = _Ruleset(name, self, definition)
                self._ruleset_directory[name] = ruleset
                self._ruleset_list.append(ruleset)
                names.append(name)
            return names

    return _Host


def get_host():
    """The process's durable_rules host (created once, under a lock)."""
    global _HOST
    with _LOCK:
        if _HOST is None:
            _HOST = _host_class()()
        return _HOST


def registered_rulesets() -> tuple[str, ...]:
    with _LOCK:
        return tuple(_REGISTERED)


def live_sessions() -> int:
    """Sessions currently being evaluated (0 between documents)."""
    with _LOCK:
        return len(_SESSIONS)


def _register(definition: dict) -> str:
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str)
    name = "clausecheck_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    with _LOCK:
        if name not in _REGISTERED:
            # Ruleset() pops each rule's "run": give it a copy
            get_host().set_rulesets({name: copy.deepcopy(definition)})
            _REGISTERED[name] = text
    return name


# ---------------------------------------------------------------------------
# Compiling rule files
# ---------------------------------------------------------------------------

_OP_TEXT = {
    "lt": "less than",
    "le": "at most",
    "gt": "more than",
    "ge": "at least",
    "eq": "equal to",
    "ne": "other than",
    "in": "one of",
    "not_in": "none of",
}
_DR_CMP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_BIN = {ast.Add: "$add", ast.Sub: "$sub", ast.Mult: "$mul", ast.Div: "$div"}


@dataclass
class _Compiled:
    """One durable rule and what post-processing needs to know about it."""

    spec: RuleSpec
    variant: str
    info: dict = field(default_factory=dict)


def _and(conds: list) -> dict:
    return conds[0] if len(conds) == 1 else {"$and": conds}


def _or(conds: list) -> dict:
    return conds[0] if len(conds) == 1 else {"$or": conds}


def _joined(alpha: list, join: list) -> dict:
    """A pattern whose ``join`` conditions refer to facts matched earlier in the rule.

    durable_rules 2.0.28 evaluates join conditions with a routine that, when an
    ``$and`` of them is false, reads past the end of its expression array (found
    with valgrind; it crashes the process depending on what lies beyond).
    Wrapped in a one-element ``$or`` the same conditions are evaluated without
    the overrun, so every pattern's join conditions go into one such wrapper.
    """
    if not join:
        return _and(alpha)
    return _and(alpha + [{"$or": [_and(join)]}])


class _Compiler:
    def __init__(self, policy: Policy):
        self.policy = policy

    # values ----------------------------------------------------------------

    def policy_value(self, ref: str) -> Any:
        name = POLICY_RE.match(ref).group(1)  # type: ignore[union-attr]
        return getattr(self.policy, name)

    def num(self, v: Any) -> float:
        if is_policy_ref(v):
            v = self.policy_value(v)
        n = parse_number(v)
        if n is None:
            raise EngineError(f"{v!r} is not a number")
        return n

    def scalar(self, v: Any) -> Any:
        if is_policy_ref(v):
            v = self.policy_value(v)
        if isinstance(v, str):
            n = parse_number(v)
            return v if n is None or "/" not in v else n
        return v

    def values(self, v: Any) -> list:
        if is_policy_ref(v):
            v = self.policy_value(v)
        if not isinstance(v, (list, tuple)):
            v = [v]
        return [self.scalar(x) for x in v]

    # conditions --------------------------------------------------------------

    def pattern(self, pat: dict) -> list:
        conds: list = []
        for fld, cond in pat.items():
            if isinstance(cond, list):
                conds.append(_or([{fld: self.scalar(v)} for v in cond]))
            elif isinstance(cond, dict):
                for op, operand in cond.items():
                    if op == "exists":
                        conds.append({"$ex" if operand else "$nex": {fld: 1}})
                    elif op == "eq":
                        conds.append({fld: self.scalar(operand)})
                    elif op == "ne":
                        conds.append({"$neq": {fld: self.scalar(operand)}})
                    elif op == "in":
                        conds.append(_or([{fld: v} for v in self.values(operand)]))
                    elif op == "not_in":
                        conds.append(_and([{"$neq": {fld: v}} for v in self.values(operand)]))
                    else:
                        conds.append({_DR_CMP[op]: {fld: self.num(operand)}})
            else:
                conds.append({fld: self.scalar(cond)})
        return conds

    def compare(self, fld: str, op: str, limit: Any, tol: float) -> dict:
        """Condition true when ``fld op limit`` (values within tol of limit count as equal to it)."""
        if op in ("in", "not_in"):
            parts = [self.compare(fld, "eq" if op == "in" else "ne", v, tol) for v in self.values(limit)]
            return _or(parts) if op == "in" else _and(parts)
        if op in ("eq", "ne"):
            v = self.scalar(limit)
            if isinstance(v, str) or isinstance(v, bool):
                return {fld: v} if op == "eq" else {"$neq": {fld: v}}
            v = float(v)
            if tol == 0:
                return {fld: v} if op == "eq" else {"$neq": {fld: v}}
            if op == "eq":
                return {"$and": [{"$gte": {fld: v - tol}}, {"$lte": {fld: v + tol}}]}
            return {"$or": [{"$lt": {fld: v - tol}}, {"$gt": {fld: v + tol}}]}
        v = self.num(limit)
        bound = {"lt": v - tol, "le": v + tol, "gt": v + tol, "ge": v - tol}[op]
        return {_DR_CMP[op]: {fld: bound}}

    @staticmethod
    def same_variants(same: tuple[str, ...], first: str = "a") -> list[tuple[str, list, list, list]]:
        """Conditions for attributes that must agree: present and equal, or absent on both.

        Returns (variant bits, conditions on a, alpha conditions on b, join conditions on b).
        """
        out = []
        for bits in itertools.product((1, 0), repeat=len(same)):
            a_conds, b_alpha, b_join = [], [], []
            for attr, present in zip(same, bits):
                if present:
                    a_conds.append({"$ex": {attr: 1}})
                    b_alpha.append({"$ex": {attr: 1}})
                    b_join.append({attr: {first: attr}})
                else:
                    a_conds.append({"$nex": {attr: 1}})
                    b_alpha.append({"$nex": {attr: 1}})
            out.append(("".join(map(str, bits)), a_conds, b_alpha, b_join))
        return out

    # kinds -------------------------------------------------------------------

    def compile(self, spec: RuleSpec) -> list[tuple[str, dict, _Compiled]]:
        """[(rule key, durable rule definition without "run", compiled info)]"""
        fn = getattr(self, f"k_{spec.kind}")
        return [(f"{spec.code}.{variant}", rule, _Compiled(spec, variant, info)) for variant, rule, info in fn(spec)]

    def k_required(self, spec: RuleSpec):
        p: RequiredParams = spec.params  # type: ignore[assignment]
        patterns: list = [{"e": {"type": "end"}}]
        if p.if_present:
            patterns.append({"p": _and(self.pattern(p.if_present))})
        patterns.append({"absent$not": _and(self.pattern(p.match))})
        yield "absent", {"all": patterns}, {}

    def k_threshold(self, spec: RuleSpec):
        p: ThresholdParams = spec.params  # type: ignore[assignment]
        tol = self.num(p.tolerance)
        base = self.pattern(p.match) + [{"$ex": {p.field: 1}}]
        docs = [_and([{"type": "doc"}] + self.pattern(w.doc)) for w in p.limit_when]
        default = {"all": [{"m": _and(base + [self.compare(p.field, p.op, p.limit, tol)])}]}
        default["all"] += [{f"d{i}$not": d} for i, d in enumerate(docs)]
        yield "default", default, {"limit": p.limit, "tol": tol}
        for i, w in enumerate(p.limit_when):
            rule = {"all": [{"d": docs[i]}, {"m": _and(base + [self.compare(p.field, p.op, w.limit, tol)])}]}
            rule["all"] += [{f"x{j}$not": docs[j]} for j in range(i)]
            yield f"when{i}", rule, {"limit": w.limit, "tol": tol}

    def k_consistency(self, spec: RuleSpec):
        p: ConsistencyParams = spec.params  # type: ignore[assignment]
        tol = self.num(p.tolerance)
        base = self.pattern(p.match) + [{"$ex": {p.field: 1}}]
        if tol > 0:
            differ = {
                "$or": [
                    {"$gt": {p.field: {"$add": {"$l": {"a": p.field}, "$r": tol}}}},
                    {"$lt": {p.field: {"$sub": {"$l": {"a": p.field}, "$r": tol}}}},
                ]
            }
        else:
            differ = {"$neq": {p.field: {"a": p.field}}}
        for bits, a_conds, b_alpha, b_join in self.same_variants(p.same):
            a = _and(base + a_conds)
            b = _joined(base + b_alpha, b_join + [{"$gt": {"_seq": {"a": "_seq"}}}, differ])
            yield f"pair{bits}", {"all": [{"a": a}, {"b": b}]}, {}

    def k_equivalence(self, spec: RuleSpec):
        p: EquivalenceParams = spec.params  # type: ignore[assignment]
        tol = self.num(p.tolerance)
        base = self.pattern(p.match)
        if p.fields:
            f1, f2 = p.fields
            cond = {
                "$or": [
                    {"$gt": {f1: {"$add": {"$l": {"$m": f2}, "$r": tol}}}},
                    {"$lt": {f1: {"$sub": {"$l": {"$m": f2}, "$r": tol}}}},
                ]
            }
            yield "single", {"all": [{"m": _and(base + [{"$ex": {f1: 1}}, {"$ex": {f2: 1}}, cond])}]}, {"tol": tol}
            return
        base = base + [{"$ex": {p.field: 1}}]
        differ = {
            "$or": [
                {"$gt": {p.field: {"$add": {"$l": {"a": p.field}, "$r": tol}}}},
                {"$lt": {p.field: {"$sub": {"$l": {"a": p.field}, "$r": tol}}}},
            ]
        }
        forms = [{"$neq": {attr: {"a": attr}}} for attr in p.differ]
        present = [{"$ex": {attr: 1}} for attr in p.differ]
        for bits, a_conds, b_alpha, b_join in self.same_variants(p.same):
            a = _and(base + a_conds + present)
            b = _joined(base + b_alpha + present, b_join + forms + [{"$gt": {"_seq": {"a": "_seq"}}}, differ])
            yield f"pair{bits}", {"all": [{"a": a}, {"b": b}]}, {"tol": tol}

    def k_window(self, spec: RuleSpec):
        p: WindowParams = spec.params  # type: ignore[assignment]
        base = self.pattern(p.match)
        if p.check_order:
            cond = {"$gt": {p.min_field: {"$m": p.max_field}}}
            rule = {"all": [{"m": _and(base + [{"$ex": {p.min_field: 1}}, {"$ex": {p.max_field: 1}}, cond])}]}
            yield "order", rule, {}
        if p.bound is not None:
            bound = self.num(p.bound)
            rule = {"all": [{"m": _and(base + [{"$gt": {p.max_field: bound}}])}]}
            yield "bound", rule, {"bound": bound}

    def expr(self, node: ast.AST, lhs_alias: str) -> Any:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            inner = self.expr(node.operand, lhs_alias)
            return -inner if isinstance(inner, float) else {"$mul": {"$l": -1.0, "$r": inner}}
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left, lhs_alias), self.expr(node.right, lhs_alias)
            if isinstance(left, float) and isinstance(right, float):
                return _fold(type(node.op), left, right)
            return {_BIN[type(node.op)]: {"$l": left, "$r": right}}
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            alias = node.value.id
            if alias == "policy":
                return self.num(f"policy.{node.attr}")
            return {"$m": node.attr} if alias == lhs_alias else {alias: node.attr}
        raise EngineError(f"unsupported expression {ast.unparse(node)!r}")

    def k_arithmetic(self, spec: RuleSpec):
        p: ArithmeticParams = spec.params  # type: ignore[assignment]
        lhs_alias, lhs_field, op, rhs_node = parse_requirement(p.require, tuple(p.facts))
        tol = self.num(p.tolerance)
        rhs = self.expr(rhs_node, lhs_alias)
        refs = _attribute_refs(rhs_node) | {(lhs_alias, lhs_field)}

        def plus(x, t):
            if t == 0:
                return x
            return x + t if isinstance(x, float) else {"$add": {"$l": x, "$r": t}}

        violated = {
            ">=": lambda: {"$lt": {lhs_field: plus(rhs, -tol)}},
            ">": lambda: {"$lte": {lhs_field: plus(rhs, tol)}},
            "<=": lambda: {"$gt": {lhs_field: plus(rhs, tol)}},
            "<": lambda: {"$gte": {lhs_field: plus(rhs, -tol)}},
            "==": lambda: {"$or": [{"$lt": {lhs_field: plus(rhs, -tol)}}, {"$gt": {lhs_field: plus(rhs, tol)}}]},
            "!=": lambda: {"$and": [{"$gte": {lhs_field: plus(rhs, -tol)}}, {"$lte": {lhs_field: plus(rhs, tol)}}]},
        }[op]()
        order = [a for a in p.facts if a != lhs_alias] + [lhs_alias]
        joins_other = any(a != lhs_alias for a, _f in _attribute_refs(rhs_node))
        patterns = []
        for i, alias in enumerate(order):
            alpha = self.pattern(p.facts[alias]) + [{"$ex": {f: 1}} for a, f in sorted(refs) if a == alias]
            join = [{"$neq": {"_seq": {other: "_seq"}}} for other in order[:i]]
            if alias == lhs_alias:
                (join if joins_other else alpha).append(violated)
            patterns.append({alias: _joined(alpha, join)})
        yield "violated", {"all": patterns}, {"lhs": (lhs_alias, lhs_field), "op": op, "rhs": rhs_node, "order": order}

    def k_python(self, spec: RuleSpec):
        p: PythonParams = spec.params  # type: ignore[assignment]
        yield "end", {"all": [{"e": {"type": "end"}}]}, {"function": _import_function(p.function, spec.code)}


def _fold(op: type, a: float, b: float) -> float:
    if op is ast.Add:
        return a + b
    if op is ast.Sub:
        return a - b
    if op is ast.Mult:
        return a * b
    return a / b


def _attribute_refs(node: ast.AST) -> set[tuple[str, str]]:
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id != "policy":
            out.add((n.value.id, n.attr))
    return out


def _import_function(ref: str, code: str) -> Callable:
    module, _, name = ref.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise EngineError(f"{code}: cannot import python rule function {ref!r}: {exc}") from exc
    if not callable(fn):
        raise EngineError(f"{code}: {ref!r} is not callable")
    return fn


def _eval_expr(node: ast.AST, values: dict[str, dict], policy: Policy) -> Optional[float]:
    """Evaluate an arithmetic requirement's side in Python (for messages)."""
    try:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            v = _eval_expr(node.operand, values, policy)
            return None if v is None else -v
        if isinstance(node, ast.BinOp):
            a, b = _eval_expr(node.left, values, policy), _eval_expr(node.right, values, policy)
            return None if a is None or b is None else _fold(type(node.op), a, b)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "policy":
                return float(getattr(policy, node.attr))
            v = values.get(node.value.id, {}).get(node.attr)
            return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    except (ZeroDivisionError, TypeError, ValueError):
        return None
    return None


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------


def _display(v: Any) -> Any:
    """Integral floats print as integers (180, not 180.0)."""
    if isinstance(v, float) and math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return int(v)
    return v


class _Obj:
    """Attribute access over a fact for templates ({other.section}); missing -> '?'."""

    def __init__(self, data: dict):
        self._data = data

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        v = self._data.get(name)
        return "?" if v is None else _display(v)

    def __getitem__(self, name):
        return self.__getattr__(name)

    def __format__(self, spec):
        return format(str(self._data.get("id", "?")), spec)


class _Context(dict):
    def __missing__(self, key):
        return "?"


class _Formatter(string.Formatter):
    def get_value(self, key, args, kwargs):
        if isinstance(key, int):
            return "?"
        return kwargs[key]

    def format_field(self, value, format_spec):
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


_FORMATTER = _Formatter()


class _PolicyView:
    def __init__(self, policy: Policy):
        self._policy = policy

    def __getattr__(self, name):
        v = getattr(self._policy, name)
        if isinstance(v, tuple):
            return ", ".join(str(_display(x)) for x in v)
        return _display(v)


# ---------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------


class Engine:
    """Evaluate documents' facts against a list of rules under a policy.

    ``Engine(rules, policy)`` compiles the enabled rules into one durable_rules
    ruleset per document type and registers each once per process.
    ``evaluate(doc_id, doc_type, facts)`` returns ``(findings, errors)``:
    findings sorted by the position of their primary fact, then code; errors
    raised inside actions or python rules, as messages (never swallowed).
    Thread-safe (evaluations are serialised); for parallel batches use
    processes.
    """

    def __init__(self, rules: Iterable[RuleSpec], policy: Optional[Policy] = None):
        self.policy = policy or Policy()
        self.rules: tuple[RuleSpec, ...] = tuple(r for r in rules if r.enabled)
        codes: dict[str, RuleSpec] = {}
        for r in self.rules:
            for c in r.codes:
                if c in codes and codes[c] is not r:
                    raise EngineError(f"rule code {c!r} is used twice ({codes[c].name}, {r.name})")
                codes[c] = r
        self.by_code = {r.code: r for r in self.rules}
        compiler = _Compiler(self.policy)
        compiled: dict[str, list] = {}
        for r in self.rules:
            try:
                compiled[r.code] = compiler.compile(r)
            except EngineError:
                raise
            except Exception as exc:  # a rule that passed validation but cannot be compiled
                raise EngineError(f"{r.code}: cannot compile: {type(exc).__name__}: {exc}") from exc
        self._info: dict[str, _Compiled] = {}
        for items in compiled.values():
            for key, _rule, info in items:
                self._info[key] = info
        self._ruleset: dict[str, str] = {}
        self._definitions: dict[str, dict] = {}
        catch_all = {"all": [{"n": {"type": "$never"}}, {"m": {"$ex": {"type": 1}}}], "run": ACTION_PREFIX + "$catch"}
        end_rule = {"all": [{"e": {"type": "end"}}], "run": ACTION_PREFIX + "$end"}
        get_host()
        for doc_type in DOC_TYPES:
            definition: dict = {"$catch": catch_all, "$end": end_rule}
            for r in self.rules:
                if r.applies_to(doc_type):
                    for key, rule, _info in compiled[r.code]:
                        definition[key] = dict(rule, run=ACTION_PREFIX + key)
            self._definitions[doc_type] = definition
        self._reads: dict[str, tuple[Optional[frozenset], frozenset]] = {}
        self._types_read: dict[str, Optional[frozenset]] = {}

    # -- public ---------------------------------------------------------------

    def ruleset_name(self, doc_type: str) -> str:
        """The registered ruleset of a document type (registered on first use,
        so a one-document run does not build the rulesets of the other types)."""
        name = self._ruleset.get(doc_type)
        if name is None:
            if doc_type not in self._definitions:
                raise KeyError(doc_type)
            name = self._ruleset[doc_type] = _register(self._definitions[doc_type])
        return name

    def fact_types_read(self, doc_type: str) -> Optional[frozenset]:
        """The types of the facts a rule of ``doc_type`` can read (the ``doc`` and
        ``end`` facts always), or None when any fact may matter (a python rule sees
        every fact; a pattern may not name the type; an unknown document type).  A
        caller may leave out the facts of the other types: the findings are the same."""
        got = self._types_read.get(doc_type, 0)
        if got != 0:
            return got
        types: Optional[frozenset] = None
        if doc_type in self._definitions and not any(r.kind == "python" and r.applies_to(doc_type) for r in self.rules):
            reads = self._reads.get(doc_type)
            if reads is None:
                reads = self._reads[doc_type] = _reads(self._definitions[doc_type])
            if reads[0] is not None:
                types = reads[0] | {"doc", "end"}
        self._types_read[doc_type] = types
        return types

    def evaluate(self, doc_id: str, doc_type: str, facts: list[dict]) -> tuple[list[RawFinding], list[str]]:
        if doc_type not in self._definitions:
            raise ValueError(f"unknown document type {doc_type!r} (one of: {', '.join(DOC_TYPES)})")
        prepared, by_id = self._prepare(doc_id, doc_type, facts)
        ruleset = self.ruleset_name(doc_type)
        from durable.engine import MessageNotHandledException, MessageObservedException

        reads = self._reads.get(doc_type)
        if reads is None:
            reads = self._reads[doc_type] = _reads(self._definitions[doc_type])
        types, names = reads
        with _LOCK:
            host = get_host()
            rules = host.get_ruleset(ruleset)
            sid = f"s{next(_SID)}"
            sess = _Session()
            _SESSIONS[sid] = sess
            try:
                for seq, fact in enumerate(prepared):
                    if types is not None and fact["type"] not in types:
                        continue  # no rule can match it
                    sent = {k: v for k, v in fact.items() if k in names}
                    sent["sid"] = sid
                    sent["_seq"] = seq
                    try:
                        rules.assert_text(_fact_json(sent), sent)
                    except MessageNotHandledException:  # cannot happen with the catch-all; kept loud
                        sess.errors.append(f"fact {fact['id']!r} was not handled by any rule")
                    except MessageObservedException:
                        sess.errors.append(f"fact {fact['id']!r} was already asserted (identical id)")
                    except Exception as exc:  # durable_rules_engine.error: a fact it could not read
                        sess.errors.append(f"fact {fact['id']!r}: the rule engine refused it: {exc}")
                if sess.ended:
                    state = host.get_state(ruleset, sid)
                    if isinstance(state, dict) and state.get("exception"):
                        sess.errors.append(f"engine: {state['exception']}")
            finally:
                # durable_rules aborts the process when asked to delete a session in which
                # no action ran; the end-of-document action guarantees one did.
                if sess.ended:
                    host.delete_state(ruleset, sid)
                else:
                    sess.errors.append(f"engine: the end-of-document rule did not run; session {sid} was not deleted")
                _SESSIONS.pop(sid, None)
                errors = list(sess.errors) + list(_STRAY_ERRORS)
                _STRAY_ERRORS.clear()
        findings = self._findings(sess.matches, by_id, prepared, errors)
        return findings, errors

    # -- preparing facts --------------------------------------------------------

    def _prepare(self, doc_id: str, doc_type: str, facts: list[dict]) -> tuple[list[dict], dict[str, dict]]:
        seen: set[str] = set()
        docs: list[dict] = []
        others: list[dict] = []
        for i, fact in enumerate(facts):
            if not isinstance(fact, dict):
                raise FactError(f"fact #{i} is a {type(fact).__name__}, not a dict")
            fid = fact.get("id")
            if not isinstance(fid, str) or not fid:
                raise FactError(f"fact #{i} has no string 'id': {fact!r}")
            if fid in seen:
                raise FactError(f"fact id {fid!r} is used twice")
            if fid in (END_FACT_ID,):
                raise FactError(f"fact id {fid!r} is reserved")
            seen.add(fid)
            ftype = fact.get("type")
            if not isinstance(ftype, str) or not ftype or ftype in ("end", "$never"):
                raise FactError(f"fact {fid!r} needs a 'type' (a string other than 'end')")
            if "sid" not in fact and "_seq" not in fact:
                # the usual fact (plain str, int, bool and finite float values): checked at once
                clean = {k: v for k, v in fact.items() if v is not None}
                for v in clean.values():
                    t = type(v)
                    if t is not str and t is not int and t is not bool and not (t is float and v - v == 0.0):
                        break
                else:
                    (docs if ftype == "doc" else others).append(clean)
                    continue
            clean = {}
            for k, v in fact.items():
                if k in ("sid", "_seq"):
                    raise FactError(f"fact {fid!r}: {k!r} is set by the engine")
                if v is None:
                    continue
                if isinstance(v, float) and not math.isfinite(v):
                    raise FactError(f"fact {fid!r}: {k} is {v}")
                if not isinstance(v, _SCALARS):
                    raise FactError(f"fact {fid!r}: {k} is a {type(v).__name__}; facts are flat (str, int, float, bool)")
                clean[k] = v
            (docs if ftype == "doc" else others).append(clean)
        if len(docs) > 1:
            raise FactError(f"{len(docs)} facts of type 'doc'; give at most one")
        if docs:
            doc = docs[0]
            if doc.get("doc_type", doc_type) != doc_type:
                raise FactError(f"doc fact says doc_type {doc.get('doc_type')!r}, evaluate() was told {doc_type!r}")
            doc.setdefault("doc_type", doc_type)
            doc.setdefault("doc_id", doc_id)
        else:
            doc = {"id": DOC_FACT_ID, "type": "doc", "doc_id": doc_id, "doc_type": doc_type}
        prepared = [doc] + others + [{"id": END_FACT_ID, "type": "end"}]
        return prepared, {f["id"]: f for f in prepared}

    # -- from matches to findings -------------------------------------------------

    @staticmethod
    def _position(fact: dict, seq: dict[str, int]) -> tuple:
        line = fact.get("line")
        col = fact.get("column")
        return (
            0 if isinstance(line, (int, float)) else 1,
            line if isinstance(line, (int, float)) else 0,
            col if isinstance(col, (int, float)) else 0,
            seq.get(fact["id"], 0),
        )

    def _findings(self, matches: list, by_id: dict[str, dict], prepared: list[dict], errors: list[str]) -> list[RawFinding]:
        if not matches:
            return []  # (most documents: no rule fired)
        seq = {f["id"]: i for i, f in enumerate(prepared)}
        pos = lambda fid: self._position(by_id[fid], seq) if fid in by_id else (2, 0, 0, 0)  # noqa: E731
        out: list[tuple] = []
        seen: set = set()
        pairs: dict[tuple[str, str], list[str]] = {}  # (code, primary) -> related ids (pair kinds)
        pair_info: dict[tuple[str, str], _Compiled] = {}
        for key, ids in matches:
            info = self._info.get(key)
            if info is None:
                errors.append(f"{key}: a match for a rule this engine did not compile")
                continue
            spec = info.spec
            kind = spec.kind
            try:
                if kind in ("consistency",) or (kind == "equivalence" and info.variant.startswith("pair")):
                    a, b = ids["a"], ids["b"]
                    first, second = sorted((a, b), key=pos)
                    group = pairs.setdefault((spec.code, second), [])
                    if first not in group:
                        group.append(first)
                    pair_info[(spec.code, second)] = info
                    continue
                if kind == "python":
                    for f in self._run_python(info, prepared, by_id, errors):
                        dedup = (f.code, f.primary, f.related, f.message)
                        if dedup not in seen:
                            seen.add(dedup)
                            out.append((pos(f.primary) if f.primary else (2, 0, 0, 0), f))
                    continue
                if kind == "required":
                    primary = next((f["id"] for f in prepared if f.get("type") == "doc"), DOC_FACT_ID)
                    related = (ids["p"],) if "p" in ids else ()
                    dedup = (spec.code,)
                elif kind == "arithmetic":
                    lhs_alias = info.info["lhs"][0]
                    primary = ids[lhs_alias]
                    related = tuple(ids[a] for a in info.info["order"] if a != lhs_alias)
                    dedup = (spec.code, primary, related)
                else:  # threshold, window, equivalence (single)
                    primary = ids["m"]
                    related = ()
                    dedup = (spec.code, info.variant, primary)
                if dedup in seen:
                    continue
                seen.add(dedup)
                message = self._message(info, ids, by_id, primary, related)
                out.append((pos(primary), RawFinding(code=spec.code, name=spec.name, message=message, primary=primary, related=related, facts=(primary,) + related)))
            except Exception as exc:  # a bug in post-processing is an error, not a lost finding
                errors.append(f"{spec.code}: cannot build finding: {type(exc).__name__}: {exc}")
        for (code, primary), related_ids in pairs.items():
            info = pair_info[(code, primary)]
            related = tuple(sorted(related_ids, key=pos))
            try:
                message = self._message(info, {"a": related[0], "b": primary}, by_id, primary, related)
            except Exception as exc:
                errors.append(f"{code}: cannot build message: {type(exc).__name__}: {exc}")
                message = info.spec.message
            out.append((pos(primary), RawFinding(code=code, name=info.spec.name, message=message, primary=primary, related=related, facts=(primary,) + related)))
        out.sort(key=lambda t: (t[0], t[1].code, t[1].related, t[1].message))
        return [f for _p, f in out]

    def _message(
        self,
        info: _Compiled,
        ids: dict[str, str],
        by_id: dict[str, dict],
        primary: Optional[str],
        related: tuple[str, ...],
        extra: Optional[dict] = None,
    ) -> str:
        spec = info.spec
        ctx = _Context()
        prim = by_id.get(primary, {}) if primary else {}
        for k, v in prim.items():
            ctx[k] = _display(v)
        # parameters of the rule, resolved
        params = spec.params
        for name in type(params).model_fields:
            v = getattr(params, name)
            if isinstance(v, (str, int, float, bool)):
                ctx[name] = _display(self._resolve(v))
        ctx["code"] = spec.code
        ctx["name"] = spec.name
        ctx["policy"] = _PolicyView(self.policy)
        for alias, fid in ids.items():
            ctx[alias] = _Obj(by_id.get(fid, {}))
        kind = spec.kind
        if kind == "threshold":
            limit = self._resolve(info.info["limit"])
            ctx["limit"] = ", ".join(str(_display(x)) for x in limit) if isinstance(limit, (list, tuple)) else _display(limit)
            ctx["op_text"] = _OP_TEXT[params.op]  # type: ignore[union-attr]
            ctx["fact"] = _Obj(prim)
        elif kind in ("consistency", "equivalence") and "b" in ids:
            this = by_id.get(primary, {})
            other = by_id.get(related[0], {}) if related else {}
            ctx["this"], ctx["other"] = _Obj(this), _Obj(other)
            ctx["others"] = ", ".join(str(_display(by_id[r].get(getattr(params, "field", "value")))) for r in related if r in by_id)
        elif kind == "equivalence":
            f1, f2 = params.fields  # type: ignore[union-attr]
            ctx["left"], ctx["right"] = _display(prim.get(f1)), _display(prim.get(f2))
            ctx["left_field"], ctx["right_field"] = f1, f2
            ctx["fact"] = _Obj(prim)
        elif kind == "window":
            ctx["fact"] = _Obj(prim)
            lo, hi = prim.get(params.min_field), prim.get(params.max_field)  # type: ignore[union-attr]
            if info.variant == "order":
                ctx["problem"] = f"the earliest day ({_display(lo)}) is after the latest ({_display(hi)})"
            else:
                ctx["bound"] = _display(info.info["bound"])
                ctx["problem"] = f"the latest day ({_display(hi)}) is beyond the limit of {_display(info.info['bound'])}"
        elif kind == "arithmetic":
            values = {alias: by_id.get(fid, {}) for alias, fid in ids.items()}
            lhs_alias, lhs_field = info.info["lhs"]
            ctx["lhs"] = _display(values.get(lhs_alias, {}).get(lhs_field))
            rhs = _eval_expr(info.info["rhs"], values, self.policy)
            ctx["rhs"] = "?" if rhs is None else _display(round(rhs, 10))
            ctx["relation"] = info.info["op"]
        elif kind == "required":
            ctx["doc"] = _Obj(prim)
            if "p" in ids:
                ctx["present"] = _Obj(by_id.get(ids["p"], {}))
        elif kind == "python":
            ctx["fact"] = _Obj(prim)
        for k, v in (extra or {}).items():
            ctx[k] = _display(v)
        return _FORMATTER.vformat(spec.message, (), ctx)

    def _resolve(self, v: Any) -> Any:
        if is_policy_ref(v):
            return getattr(self.policy, POLICY_RE.match(v).group(1))  # type: ignore[union-attr]
        if isinstance(v, str) and "/" in v and parse_number(v) is not None:
            return parse_number(v)
        return v

    def _run_python(self, info: _Compiled, prepared: list[dict], by_id: dict[str, dict], errors: list[str]) -> list[RawFinding]:
        spec = info.spec
        fn = info.info["function"]
        visible = [dict(f) for f in prepared if f["id"] != END_FACT_ID]
        try:
            result = fn(visible, spec, self.policy)
            items = list(result or ())
        except Exception as exc:
            errors.append(f"{spec.code}: python rule {spec.params.function} raised {type(exc).__name__}: {exc}")  # type: ignore[union-attr]
            return []
        out = []
        for item in items:
            try:
                if isinstance(item, RawFinding):
                    if item.code != spec.code:
                        item = item.model_copy(update={"code": spec.code, "name": spec.name})
                    out.append(item)
                    continue
                if not isinstance(item, dict):
                    raise TypeError(f"returned a {type(item).__name__}; expected a RawFinding or a dict")
                primary = item.get("primary")
                related = tuple(item.get("related", ()))
                for fid in ((primary,) if primary else ()) + related:
                    if fid not in by_id:
                        raise ValueError(f"names unknown fact {fid!r}")
                message = item.get("message")
                if message is None:
                    ids = {"m": primary} if primary else {}
                    ids.update({f"r{i}": r for i, r in enumerate(related)})
                    message = self._message(info, ids, by_id, primary, related, extra=item.get("values") or {})
                out.append(RawFinding(code=spec.code, name=spec.name, message=str(message), primary=primary, related=related, facts=((primary,) if primary else ()) + related))
            except Exception as exc:
                errors.append(f"{spec.code}: python rule {spec.params.function} result: {type(exc).__name__}: {exc}")  # type: ignore[union-attr]
        return out
