"""Rule files: one YAML file per rule in ``rules/``, named by its code.

A rule says *what* it checks, never how the engine runs it.  Each file carries
its own documentation (summary, rationale, references, a failing and a passing
clause); ``clausecheck explain CODE`` and the SARIF rule descriptions are built
from it.  The format is documented for rule authors in ``rules/README.md``.

Top-level keys::

    code        LOCK001                      (required; the file is rules/LOCK001.yaml)
    name        lockup.shorter_than_policy   (required; dotted, lower case)
    aliases     [OLDCODE1]                   (optional; codes this rule had before)
    category    lockup | option | default | deadline | warrant | missing-provision |
                definitions | cross-reference | numbers | blanks | numbering | parties
    severity    error | warning | info
    doc_types   [underwriting_agreement, ...] or "any"
    kind        required | threshold | consistency | equivalence | window |
                arithmetic | python
    params      mapping, per kind (see the *Params classes below)
    message     template; {placeholders} are filled from the matched facts and params
    summary     one line
    rationale   why the rule exists
    references  list of strings (rule, statute, market practice)
    examples    {fail: clause text, pass: clause text,
                 fail_facts: [...], pass_facts: [...], doc_type: ...}  (fail and pass required)
    enabled     true (default) | false

Every error in a rule file is a :class:`RuleFileError` whose text starts with
``path:line:`` -- the line of the offending key in the YAML file.

Conditions on facts ("patterns", used by every kind) are mappings from a fact
attribute to either a scalar (equality), a list (one of), or a mapping of
operators: ``eq ne lt le gt ge in not_in exists``.  Numeric operands may be a
number, a fraction written as a string (``"1/11"``), or a policy reference
(``"policy.min_lockup_days"``, see :mod:`checker.policy`).  A comparison never
matches a fact that lacks the attribute (use ``exists: false`` for that).
"""
from __future__ import annotations

import ast
import difflib
import functools
import re
import string
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, Optional, Union

from .doctype import DOC_TYPES


def _yaml():
    """PyYAML, imported when a rule file is read (validated rules are usually
    read from the cache)."""
    import yaml

    return yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .policy import Policy

__all__ = [
    "CATEGORIES",
    "DOC_TYPES",
    "KINDS",
    "SEVERITIES",
    "RuleFileError",
    "RuleSpec",
    "Examples",
    "RequiredParams",
    "ThresholdParams",
    "LimitWhen",
    "ConsistencyParams",
    "EquivalenceParams",
    "WindowParams",
    "ArithmeticParams",
    "PythonParams",
    "PARAMS_MODELS",
    "load_rule_file",
    "load_rules",
    "rules_by_code",
    "find_rule",
    "explain",
    "default_rules_dir",
    "is_policy_ref",
    "parse_number",
]

CATEGORIES = (
    "lockup",
    "option",
    "default",
    "deadline",
    "warrant",
    "missing-provision",
    "definitions",
    "cross-reference",
    "numbers",
    "blanks",
    "numbering",
    "parties",
)
SEVERITIES = ("error", "warning", "info")
KINDS = ("required", "threshold", "consistency", "equivalence", "window", "arithmetic", "python")

REQUIRED_KEYS = (
    "code",
    "name",
    "category",
    "severity",
    "doc_types",
    "kind",
    "params",
    "message",
    "summary",
    "rationale",
    "references",
    "examples",
)
OPTIONAL_KEYS = ("aliases", "enabled")
ALL_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS

CODE_RE = re.compile(r"^[A-Z]{2,8}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
POLICY_RE = re.compile(r"^policy\.([a-z_][a-z0-9_]*)$")
FRACTION_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
FUNCTION_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
# "id" is the fact identity inside durable_rules (a condition on it hangs the engine);
# "sid" and "_seq" are set by the engine on every fact.
RESERVED_FIELDS = ("id", "sid", "_seq")
PATTERN_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "exists")


class RuleFileError(ValueError):
    """A rule file that cannot be used; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Union[str, Path], line: int, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")


# ---------------------------------------------------------------------------
# Values: numbers, fractions, policy references
# ---------------------------------------------------------------------------


def is_policy_ref(value: Any) -> bool:
    return isinstance(value, str) and POLICY_RE.match(value) is not None


def parse_number(value: Any) -> Optional[float]:
    """A number, or a fraction written as a string ("1/11"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        m = FRACTION_RE.match(value)
        if m:
            den = float(m.group(2))
            if den == 0:
                return None
            return float(Fraction(m.group(1)) / Fraction(m.group(2)))
    return None


def _check_policy_ref(value: str) -> str:
    name = POLICY_RE.match(value).group(1)  # type: ignore[union-attr]
    if name not in Policy.model_fields:
        hint = _did_you_mean(name, Policy.model_fields)
        raise ValueError(f"unknown policy value {value!r}{hint}")
    return value


def _check_numeric(value: Any) -> Any:
    """A numeric operand: number, fraction string, or policy reference."""
    if is_policy_ref(value):
        return _check_policy_ref(value)
    if parse_number(value) is None:
        raise ValueError(f"expected a number, a fraction such as '1/11', or 'policy.<name>' (got {value!r})")
    return value


def _check_scalar(value: Any) -> Any:
    if is_policy_ref(value):
        return _check_policy_ref(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"expected a string, number or boolean (got {value!r})")


def _check_pattern(pattern: Any) -> dict:
    """Validate a fact pattern (see module docstring)."""
    if not isinstance(pattern, dict) or not pattern:
        raise ValueError("a pattern must be a non-empty mapping of fact attributes to conditions")
    for field, cond in pattern.items():
        if not isinstance(field, str) or not FIELD_RE.match(field):
            raise ValueError(f"{field!r} is not a fact attribute name")
        if field in RESERVED_FIELDS:
            raise ValueError(f"{field!r} cannot be used in a condition (reserved for the engine's fact identity)")
        if isinstance(cond, list):
            if not cond:
                raise ValueError(f"{field}: an empty list matches nothing")
            for v in cond:
                _check_scalar(v)
        elif isinstance(cond, dict):
            if not cond:
                raise ValueError(f"{field}: empty condition")
            for op, operand in cond.items():
                if op not in PATTERN_OPS:
                    raise ValueError(
                        f"{field}: unknown operator {op!r}{_did_you_mean(str(op), PATTERN_OPS)}"
                        f" (operators: {', '.join(PATTERN_OPS)})"
                    )
                if op == "exists":
                    if not isinstance(operand, bool):
                        raise ValueError(f"{field}: exists takes true or false")
                elif op in ("in", "not_in"):
                    if is_policy_ref(operand):
                        _check_policy_ref(operand)
                    elif not isinstance(operand, list) or not operand:
                        raise ValueError(f"{field}: {op} takes a non-empty list or a policy reference")
                    else:
                        for v in operand:
                            _check_scalar(v)
                elif op in ("lt", "le", "gt", "ge"):
                    try:
                        _check_numeric(operand)
                    except ValueError as exc:
                        raise ValueError(f"{field}: {op}: {exc}") from None
                else:
                    _check_scalar(operand)
        else:
            _check_scalar(cond)
    return pattern


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_field_name(value: str) -> str:
    if not FIELD_RE.match(value):
        raise ValueError(f"{value!r} is not a fact attribute name")
    if value in RESERVED_FIELDS:
        raise ValueError(f"{value!r} is reserved for the engine's fact identity")
    return value


Pattern = dict[str, Any]
Numeric = Union[float, int, str]


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------
# Parameters of each rule kind
# ---------------------------------------------------------------------------


class RequiredParams(_Params):
    """Fires once per document when no fact matches ``match``.

    ``if_present``: the rule applies only to documents that have a fact matching
    this pattern (e.g. "if there are Optional Shares, an option period must be
    stated").
    """

    match: Pattern
    if_present: Optional[Pattern] = None

    _v_match = field_validator("match", "if_present")(lambda v: v if v is None else _check_pattern(v))


class LimitWhen(_Params):
    """A limit that replaces the default one for documents whose ``doc`` fact matches."""

    doc: Pattern
    limit: Any

    _v_doc = field_validator("doc")(lambda v: _check_pattern(v))


class ThresholdParams(_Params):
    """Fires for each fact matching ``match`` whose ``field`` ``op`` ``limit``.

    ``op``: lt le gt ge eq ne in not_in.  The rule *fires* when the comparison
    holds, so ``op: lt, limit: policy.min_lockup_days`` reports lock-ups shorter
    than the policy.  ``tolerance`` widens equality (eq ne in not_in) and
    narrows the strict comparisons (lt fires only below limit - tolerance).
    ``limit_when`` selects another limit by an attribute of the document fact
    (the first entry whose ``doc`` pattern matches wins).
    """

    match: Pattern
    field: str = "value"
    op: Literal["lt", "le", "gt", "ge", "eq", "ne", "in", "not_in"]
    limit: Any
    tolerance: Numeric = 0
    limit_when: tuple[LimitWhen, ...] = ()

    _v_match = field_validator("match")(lambda v: _check_pattern(v))
    _v_field = field_validator("field")(lambda v: _check_field_name(v))
    _v_tol = field_validator("tolerance")(lambda v: _check_numeric(v))

    @field_validator("limit")
    @classmethod
    def _limit(cls, v, info):
        if "op" in info.data:
            _check_limit(info.data["op"], v)
        return v

    @model_validator(mode="after")
    def _limits(self):
        for i, w in enumerate(self.limit_when):
            try:
                _check_limit(self.op, w.limit)
            except ValueError as exc:
                raise ValueError(f"limit_when[{i}].limit: {exc}") from None
        return self


def _check_limit(op: str, limit: Any) -> None:
    if op in ("in", "not_in"):
        if is_policy_ref(limit):
            _check_policy_ref(limit)
            return
        if not isinstance(limit, list) or not limit:
            raise ValueError(f"op {op} takes a non-empty list or a policy reference")
        for v in limit:
            if isinstance(v, str) and parse_number(v) is None and not is_policy_ref(v):
                continue  # literal strings are allowed for in/not_in
            _check_numeric(v)
    elif op in ("eq", "ne"):
        if isinstance(limit, str) and parse_number(limit) is None and not is_policy_ref(limit):
            return
        _check_numeric(limit)
    else:
        _check_numeric(limit)


class ConsistencyParams(_Params):
    """Two facts matching ``match`` whose ``field`` values differ -> one finding.

    ``same``: attributes that must be equal for two facts to be compared (for
    example ``[party]``); two facts that both lack such an attribute are
    compared too.  ``tolerance`` > 0 compares numbers with that slack.
    """

    match: Pattern
    field: str = "value"
    same: tuple[str, ...] = ()
    tolerance: Numeric = 0

    _v_match = field_validator("match")(lambda v: _check_pattern(v))
    _v_field = field_validator("field")(lambda v: _check_field_name(v))
    _v_tol = field_validator("tolerance")(lambda v: _check_numeric(v))

    @field_validator("same")
    @classmethod
    def _same(cls, v):
        for f in v:
            _check_field_name(f)
        if len(v) > 3:
            raise ValueError("at most 3 attributes")
        return v


class EquivalenceParams(_Params):
    """The same quantity stated in different forms must agree within ``tolerance``.

    Pair mode (default): two facts matching ``match`` that agree on the ``same``
    attributes (and differ on the ``differ`` attributes, e.g. ``[form]``) but
    whose ``field`` values are more than ``tolerance`` apart.
    Single mode: ``fields: [a, b]`` compares two attributes of one fact (number
    words against the numeral beside them).
    """

    match: Pattern
    field: str = "value"
    same: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()
    fields: Optional[tuple[str, str]] = None
    tolerance: Numeric

    _v_match = field_validator("match")(lambda v: _check_pattern(v))
    _v_field = field_validator("field")(lambda v: _check_field_name(v))
    _v_tol = field_validator("tolerance")(lambda v: _check_numeric(v))

    @field_validator("same", "differ", "fields")
    @classmethod
    def _names(cls, v):
        for f in v or ():
            _check_field_name(f)
        return v

    @model_validator(mode="after")
    def _mode(self):
        if self.fields is not None and (self.same or self.differ):
            raise ValueError("'fields' (one fact) cannot be combined with 'same'/'differ' (two facts)")
        return self


class WindowParams(_Params):
    """A window [``min_field``, ``max_field``] of a fact matching ``match``.

    Fires when the earliest day is after the latest (``check_order``) and when
    the latest day exceeds ``bound``.
    """

    match: Pattern
    min_field: str = "min"
    max_field: str = "value"
    check_order: bool = True
    bound: Optional[Numeric] = None

    _v_match = field_validator("match")(lambda v: _check_pattern(v))
    _v_fields = field_validator("min_field", "max_field")(lambda v: _check_field_name(v))
    _v_bound = field_validator("bound")(lambda v: v if v is None else _check_numeric(v))

    @model_validator(mode="after")
    def _something(self):
        if not self.check_order and self.bound is None:
            raise ValueError("a window rule needs check_order: true or a bound")
        return self


_CMP_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_BIN_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def parse_requirement(text: str, aliases) -> tuple[str, str, str, ast.AST]:
    """Parse ``alias.field OP expression``; returns (alias, field, op, rhs node).

    The right side may use numbers, ``+ - * /``, parentheses, ``alias.field``
    of any declared alias and ``policy.<name>``.
    """
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"cannot parse {text!r}: {exc.msg}") from None
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1:
        raise ValueError(f"{text!r}: expected one comparison such as 'cap.value >= 1 / (1 - threshold.value)'")
    op = _CMP_OPS.get(type(tree.ops[0]))
    if op is None:
        raise ValueError(f"{text!r}: unsupported comparison")
    left = tree.left
    if not (isinstance(left, ast.Attribute) and isinstance(left.value, ast.Name)):
        raise ValueError(f"{text!r}: the left side must be 'alias.field'")
    if left.value.id not in aliases:
        raise ValueError(f"{text!r}: unknown alias {left.value.id!r} (declared: {', '.join(aliases)})")
    if left.attr in RESERVED_FIELDS:
        raise ValueError(f"{text!r}: {left.attr!r} is reserved for the engine's fact identity")

    def check(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            check(node.operand)
            return
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN_OPS:
            check(node.left)
            check(node.right)
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "policy":
                _check_policy_ref(f"policy.{node.attr}")
                return
            if node.value.id in aliases:
                if node.attr in RESERVED_FIELDS:
                    raise ValueError(f"{text!r}: {node.attr!r} is reserved for the engine's fact identity")
                return
            raise ValueError(f"{text!r}: unknown alias {node.value.id!r} (declared: {', '.join(aliases)})")
        raise ValueError(f"{text!r}: unsupported expression {ast.unparse(node)!r}")

    check(tree.comparators[0])
    return left.value.id, left.attr, op, tree.comparators[0]


class ArithmeticParams(_Params):
    """A relation between fact values that must hold; the rule fires when it does not.

    ``facts`` names one or two facts by pattern; ``require`` is
    ``alias.field OP expression`` (OP: < <= > >= == !=), for example
    ``cap.value >= 1 / (1 - threshold.value)``.  ``tolerance`` absorbs
    rounding (110% against 1/(1 - 1/11)).
    """

    facts: dict[str, Pattern]
    require: str
    tolerance: Numeric = 1e-9

    _v_tol = field_validator("tolerance")(lambda v: _check_numeric(v))

    @field_validator("facts")
    @classmethod
    def _facts(cls, v):
        if not 1 <= len(v) <= 3:
            raise ValueError("name one to three facts")
        for alias, pat in v.items():
            if not FIELD_RE.match(alias) or alias in ("policy", "m"):
                raise ValueError(f"{alias!r} cannot be a fact alias")
            try:
                _check_pattern(pat)
            except ValueError as exc:
                raise ValueError(f"{alias}: {exc}") from None
        return v

    @field_validator("require")
    @classmethod
    def _expr(cls, v, info):
        if "facts" in info.data:
            parse_requirement(v, tuple(info.data["facts"]))
        return v


class PythonParams(_Params):
    """Escape hatch: ``function: "module:function"`` is called once per document
    as ``function(facts, rule, policy)`` and returns findings (see
    :mod:`checker.engine`).  ``options`` is passed through untouched.
    """

    function: str
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("function")
    @classmethod
    def _fn(cls, v):
        if not FUNCTION_RE.match(v):
            raise ValueError(f"{v!r}: expected 'package.module:function'")
        return v


PARAMS_MODELS: dict[str, type[_Params]] = {
    "required": RequiredParams,
    "threshold": ThresholdParams,
    "consistency": ConsistencyParams,
    "equivalence": EquivalenceParams,
    "window": WindowParams,
    "arithmetic": ArithmeticParams,
    "python": PythonParams,
}

AnyParams = Union[
    RequiredParams,
    ThresholdParams,
    ConsistencyParams,
    EquivalenceParams,
    WindowParams,
    ArithmeticParams,
    PythonParams,
]


# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------


class Examples(BaseModel):
    """A failing and a passing clause (each a string or a list of strings).

    ``fail_facts`` / ``pass_facts`` optionally give the facts the clause yields,
    so the rule can be tested at engine level; ``doc_type`` is the document type
    those facts are evaluated as (default: the rule's first doc type).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    fail: tuple[str, ...]
    pass_: tuple[str, ...] = Field(alias="pass")
    fail_facts: Optional[tuple[dict[str, Any], ...]] = None
    pass_facts: Optional[tuple[dict[str, Any], ...]] = None
    doc_type: Optional[str] = None

    @field_validator("fail", "pass_", mode="before")
    @classmethod
    def _texts(cls, v):
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, (list, tuple)) or not v:
            raise ValueError("give a clause text (or a list of them)")
        for t in v:
            if not isinstance(t, str) or not t.strip():
                raise ValueError("a clause text must be a non-empty string")
        return tuple(v)

    @field_validator("fail_facts", "pass_facts")
    @classmethod
    def _facts(cls, v):
        if v is None:
            return v
        ids = set()
        for f in v:
            if not isinstance(f.get("id"), str) or not isinstance(f.get("type"), str):
                raise ValueError("every fact needs a string 'id' and 'type'")
            if f["id"] in ids:
                raise ValueError(f"duplicate fact id {f['id']!r}")
            ids.add(f["id"])
        return v

    @field_validator("doc_type")
    @classmethod
    def _dt(cls, v):
        if v is not None and v not in DOC_TYPES:
            raise ValueError(f"unknown document type {v!r} (one of: {', '.join(DOC_TYPES)})")
        return v


class RuleSpec(BaseModel):
    """One rule, as loaded from ``rules/<CODE>.yaml``.  Immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    severity: Literal["error", "warning", "info"]
    doc_types: tuple[str, ...]  # "any" is expanded to every document type
    kind: Literal["required", "threshold", "consistency", "equivalence", "window", "arithmetic", "python"]
    params: AnyParams
    message: str
    summary: str
    rationale: str
    references: tuple[str, ...]
    examples: Examples
    enabled: bool = True
    path: Optional[str] = Field(default=None, exclude=True)  # the file it came from

    @field_validator("code")
    @classmethod
    def _code(cls, v):
        if not CODE_RE.match(v):
            raise ValueError(f"{v!r} is not a rule code (upper-case family and three digits, e.g. LOCK001)")
        return v

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, v):
        if isinstance(v, str):
            v = [v]
        for a in v or ():
            if not isinstance(a, str) or not CODE_RE.match(a):
                raise ValueError(f"{a!r} is not a rule code")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not NAME_RE.match(v):
            raise ValueError(f"{v!r} is not a dotted rule name (e.g. lockup.shorter_than_policy)")
        return v

    @field_validator("doc_types", mode="before")
    @classmethod
    def _doc_types(cls, v):
        if v == "any":
            return DOC_TYPES
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, (list, tuple)) or not v:
            raise ValueError('give a list of document types or "any"')
        for d in v:
            if d not in DOC_TYPES:
                raise ValueError(
                    f"unknown document type {d!r}{_did_you_mean(str(d), DOC_TYPES)} (one of: {', '.join(DOC_TYPES)}, or \"any\")"
                )
        return tuple(dict.fromkeys(v))

    @field_validator("message", "summary", "rationale")
    @classmethod
    def _text(cls, v):
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    @field_validator("message")
    @classmethod
    def _template(cls, v):
        check_template(v)
        return v

    @field_validator("references", mode="before")
    @classmethod
    def _refs(cls, v):
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, (list, tuple)) or not v:
            raise ValueError("give at least one reference (a rule, statute or market practice)")
        for r in v:
            if not isinstance(r, str) or not r.strip():
                raise ValueError("references are non-empty strings")
        return v

    @model_validator(mode="before")
    @classmethod
    def _params_by_kind(cls, data):
        if isinstance(data, dict) and isinstance(data.get("params"), dict) and data.get("kind") in PARAMS_MODELS:
            data = dict(data)
            try:
                data["params"] = PARAMS_MODELS[data["kind"]].model_validate(data["params"])
            except ValidationError as exc:
                err = exc.errors()[0]
                raise ValueError(f"params.{_loc_text(err['loc'])}: {err['msg']}") from None
        return data

    @model_validator(mode="after")
    def _params_match_kind(self):
        if not isinstance(self.params, PARAMS_MODELS[self.kind]):
            raise ValueError(f"params are not those of a {self.kind} rule")
        if self.examples.doc_type and self.examples.doc_type not in self.doc_types:
            raise ValueError(f"examples.doc_type {self.examples.doc_type!r} is not among doc_types")
        return self

    # convenience ---------------------------------------------------------

    def applies_to(self, doc_type: str) -> bool:
        return doc_type in self.doc_types

    @property
    def codes(self) -> tuple[str, ...]:
        """The code and every alias."""
        return (self.code,) + self.aliases

    @classmethod
    def from_dict(cls, data: dict, path: Optional[str] = None) -> "RuleSpec":
        """Build a rule from a mapping (as in a YAML file); raises ValidationError."""
        return cls.model_validate(dict(data, path=path) if path else data)


def check_template(template: str) -> None:
    """A message template: ``str.format`` fields by name only; ``policy.X`` must exist."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"message template: {exc}") from None
    for _lit, field, spec, conv in parsed:
        if field is None:
            continue
        if field == "" or field.isdigit():
            raise ValueError("message template: use named fields such as {value}, not {} or {0}")
        root = re.split(r"[.\[]", field, maxsplit=1)[0]
        if not FIELD_RE.match(root):
            raise ValueError(f"message template: bad field {{{field}}}")
        if root == "policy":
            attr = field.split(".", 2)[1] if "." in field else ""
            attr = re.split(r"[.\[]", attr)[0]
            if attr not in Policy.model_fields:
                raise ValueError(f"message template: unknown policy value {{{field}}}{_did_you_mean(attr, Policy.model_fields)}")
        if spec and "{" in spec:
            raise ValueError("message template: nested fields in a format spec are not supported")


# ---------------------------------------------------------------------------
# Loading with line numbers
# ---------------------------------------------------------------------------


def _marks(node: "yaml.Node", path: tuple, out: dict, file: str) -> None:  # noqa: F821
    yaml = _yaml()
    """Record the 1-based line of every key (and list item) by its path; reject duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key in seen:
                raise RuleFileError(file, line, f"duplicate key {'.'.join(map(str, path + (key,)))!r} (first on line {seen[key]})")
            seen[key] = line
            out[path + (key,)] = line
            _marks(value_node, path + (key,), out, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[path + (i,)] = item.start_mark.line + 1
            _marks(item, path + (i,), out, file)


def _line_for(loc: tuple, marks: dict, default: int = 1) -> int:
    loc = tuple(loc)
    while loc:
        if loc in marks:
            return marks[loc]
        loc = loc[:-1]
    return default


def _loc_text(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _raise_validation(exc: ValidationError, prefix: tuple, marks: dict, file: str, top: int) -> None:
    """Turn the first pydantic error into a RuleFileError at the line of the offending key."""
    err = exc.errors()[0]
    loc = prefix + tuple("pass" if part == "pass_" else part for part in err["loc"])
    msg = err["msg"]
    for lead in ("Value error, ", "Assertion failed, "):
        if msg.startswith(lead):
            msg = msg[len(lead):]
    if err["type"] == "missing":
        msg = f"missing required key {loc[-1]!r}"
        loc = loc[:-1]
    elif err["type"] == "extra_forbidden":
        msg = f"unknown key {loc[-1]!r}"
        loc = loc[:-1]
        line = _line_for(loc + (err["loc"][-1],), marks, top)
        raise RuleFileError(file, line, f"{_loc_text(loc)}: {msg}" if loc else msg) from None
    elif err["type"] not in ("value_error", "assertion_error"):
        inp = err.get("input")
        if not isinstance(inp, (dict, list, tuple)):
            msg = f"{msg} (got {inp!r})"
    # a model-level check names the key it is about: "limit_when[0].limit: ..."
    m = _MSG_PATH.match(msg)
    if m:
        sub = tuple(int(x) if x.isdigit() else x for x in re.findall(r"[A-Za-z_]\w*|\d+", m.group(1)))
        if loc + sub in marks:
            loc, msg = loc + sub, msg[m.end():]
    line = _line_for(loc, marks, top)
    where = _loc_text(loc)
    raise RuleFileError(file, line, f"{where}: {msg}" if where else msg) from None


_MSG_PATH = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])?(?:\.[A-Za-z_]\w*(?:\[\d+\])?)*): ")


def _check_keys(data: dict, allowed, required, where: tuple, marks: dict, file: str, top_line: int) -> None:
    for key in data:
        if key not in allowed:
            line = _line_for(where + (key,), marks, top_line)
            prefix = f"{_loc_text(where)}: " if where else ""
            raise RuleFileError(file, line, f"{prefix}unknown key {key!r}{_did_you_mean(str(key), allowed)} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in data:
            line = _line_for(where, marks, top_line) if where else top_line
            prefix = f"{_loc_text(where)}: " if where else ""
            raise RuleFileError(file, line, f"{prefix}missing required key {key!r}")


def _params_keys(model: type[_Params]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    allowed = tuple(model.model_fields)
    required = tuple(n for n, f in model.model_fields.items() if f.is_required())
    return allowed, required


def load_rule_file(path: Union[str, Path]) -> RuleSpec:
    """Load and validate one rule file; raises :class:`RuleFileError` (``path:line: ...``)."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(file, 1, f"cannot read rule file: {exc}") from None
    yaml = _yaml()
    # libyaml's C loader when PyYAML was built with it (it keeps node marks, so
    # errors still name file:line); the pure-Python loader otherwise
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise RuleFileError(file, line, f"YAML syntax error: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(file, 1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise RuleFileError(file, 1, "a rule file is a YAML mapping (code: ..., name: ..., ...)")
    marks: dict = {}
    _marks(node, (), marks, file)
    top = node.start_mark.line + 1

    _check_keys(data, ALL_KEYS, REQUIRED_KEYS, (), marks, file, top)
    kind = data.get("kind")
    if kind not in KINDS:
        raise RuleFileError(file, marks[("kind",)], f"kind: unknown rule kind {kind!r}{_did_you_mean(str(kind), KINDS)} (one of: {', '.join(KINDS)})")
    category = data.get("category")
    if category not in CATEGORIES:
        raise RuleFileError(
            file, marks[("category",)], f"category: unknown category {category!r}{_did_you_mean(str(category), CATEGORIES)} (one of: {', '.join(CATEGORIES)})"
        )
    severity = data.get("severity")
    if severity not in SEVERITIES:
        raise RuleFileError(file, marks[("severity",)], f"severity: must be one of {', '.join(SEVERITIES)} (got {severity!r})")
    params = data.get("params")
    if not isinstance(params, dict):
        raise RuleFileError(file, marks[("params",)], f"params: a mapping is required for a {kind} rule")
    allowed, required = _params_keys(PARAMS_MODELS[kind])
    _check_keys(params, allowed, required, ("params",), marks, file, top)
    examples = data.get("examples")
    if not isinstance(examples, dict):
        raise RuleFileError(file, marks[("examples",)], "examples: a mapping with 'fail' and 'pass' clause texts is required")
    _check_keys(examples, ("fail", "pass", "fail_facts", "pass_facts", "doc_type"), ("fail", "pass"), ("examples",), marks, file, top)

    try:
        params_obj = PARAMS_MODELS[kind].model_validate(params)
    except ValidationError as exc:
        _raise_validation(exc, ("params",), marks, file, top)
    try:
        spec = RuleSpec.model_validate(dict(data, params=params_obj, path=file))
    except ValidationError as exc:
        _raise_validation(exc, (), marks, file, top)
    if path.suffix in (".yaml", ".yml") and path.stem != spec.code:
        raise RuleFileError(file, marks[("code",)], f"code {spec.code!r} does not match the file name (expected {spec.code}.yaml)")
    return spec


def default_rules_dir() -> Path:
    from .resources import resource_path

    return resource_path("rules", "")


def _rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _cache_file(d: Path, files: list[Path]) -> Optional[Path]:
    """Where the validated rules of a directory are kept between runs: keyed by
    the files' names, sizes and modification times and the tool's version, so an
    edited rule file is read again.  None when no cache folder can be had."""
    import hashlib
    import sys

    from . import __version__
    from .cache import cache_file

    h = hashlib.sha256(f"{__version__}|{sys.version}|{d}".encode())
    for f in files:
        st = f.stat()
        h.update(f"|{f.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return cache_file(f"rules-{h.hexdigest()[:24]}.pickle")


def _read_cache(path: Optional[Path]) -> Optional[list[RuleSpec]]:
    import pickle

    if path is None or not path.is_file():
        return None
    try:
        with open(path, "rb") as fh:
            rules = pickle.load(fh)
    except Exception:  # a damaged or foreign cache is read again from the rule files
        return None
    return rules if isinstance(rules, list) and all(isinstance(r, RuleSpec) for r in rules) else None


def _write_cache(path: Optional[Path], rules: list[RuleSpec]) -> None:
    import pickle

    from .cache import write_atomically

    if path is not None:
        write_atomically(path, pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL))


@functools.lru_cache(maxsize=8)
def _load_dir(directory: str) -> tuple[RuleSpec, ...]:
    d = Path(directory)
    if not d.is_dir():
        raise RuleFileError(directory, 1, "rules directory not found")
    files = _rule_files(d)
    cache = _cache_file(d, files)
    cached = _read_cache(cache)
    if cached is not None:
        return tuple(cached)
    rules = [load_rule_file(p) for p in files]
    seen: dict[str, RuleSpec] = {}
    names: dict[str, RuleSpec] = {}
    for r in rules:
        for c in r.codes:
            if c in seen:
                other = seen[c]
                raise RuleFileError(r.path or directory, 1, f"code {c!r} is also used by {other.path} ({other.code})")
            seen[c] = r
        if r.name in names:
            raise RuleFileError(r.path or directory, 1, f"name {r.name!r} is also used by {names[r.name].path}")
        names[r.name] = r
    rules.sort(key=lambda r: r.code)
    _write_cache(cache, rules)
    return tuple(rules)


def load_rules(directory: Union[str, Path, None] = None) -> list[RuleSpec]:
    """Every rule file of ``directory`` (default: the packaged ``rules/``), sorted by code.

    Each directory is read once per process; the result is cached.
    """
    d = Path(directory) if directory is not None else default_rules_dir()
    return list(_load_dir(str(d.resolve())))


def rules_by_code(rules: list[RuleSpec]) -> dict[str, RuleSpec]:
    """Code and alias -> rule."""
    out: dict[str, RuleSpec] = {}
    for r in rules:
        for c in r.codes:
            out[c] = r
    return out


def find_rule(key: str, rules: Optional[list[RuleSpec]] = None) -> RuleSpec:
    """A rule by code, alias or dotted name (case-insensitive code); KeyError if none."""
    rules = load_rules() if rules is None else rules
    k = key.strip()
    for r in rules:
        if k.upper() in r.codes or k == r.name:
            return r
    raise KeyError(key)


def explain(code: str, rules: Optional[list[RuleSpec]] = None) -> str:
    """The documentation of one rule, as text (``clausecheck explain CODE``)."""
    r = find_rule(code, rules)
    lines = [f"{r.code} ({r.name})"]
    if r.aliases:
        lines.append(f"formerly: {', '.join(r.aliases)}")
    lines.append(f"category: {r.category}   severity: {r.severity}   kind: {r.kind}")
    lines.append("applies to: " + ("any document" if set(r.doc_types) == set(DOC_TYPES) else ", ".join(r.doc_types)))
    if not r.enabled:
        lines.append("disabled by default")
    lines += ["", r.summary, "", r.rationale.strip(), "", "References:"]
    lines += [f"  - {ref}" for ref in r.references]
    for title, texts in (("Fails", r.examples.fail), ("Passes", r.examples.pass_)):
        for t in texts:
            lines += ["", f"{title}:"]
            lines += ["    " + ln if ln.strip() else "" for ln in t.strip().splitlines()]
    return "\n".join(lines) + "\n"
