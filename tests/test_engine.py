"""The durable_rules adapter: every rule kind on both sides, the engine's traps, scale."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from checker import engine as engine_mod
from checker.engine import Engine, EngineError, FactError, RawFinding, live_sessions, registered_rulesets
from checker.policy import Policy
from checker.rulespec import RuleSpec, load_rule_file

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"

_counter = iter(range(1, 10_000))


def rule(kind: str, params: dict, message: str = "{code} fired", doc_types="any", code: str | None = None, **extra) -> RuleSpec:
    code = code or f"TST{next(_counter):03d}"
    data = {
        "code": code,
        "name": f"test.{kind}_{code.lower()}",
        "category": "numbers",
        "severity": "warning",
        "doc_types": doc_types,
        "kind": kind,
        "params": params,
        "message": message,
        "summary": "s",
        "rationale": "r",
        "references": ["test"],
        "examples": {"fail": "a", "pass": "b"},
    }
    data.update(extra)
    return RuleSpec.from_dict(data)


def ob(fid: str, kind: str, value=None, line: int = 1, **kw) -> dict:
    f = {"id": fid, "type": "obligation", "kind": kind, "line": line, "column": 1}
    if value is not None:
        f["value"] = value
    f.update(kw)
    return f


def run(rules, facts, doc_type="underwriting_agreement", policy=None):
    eng = Engine(rules if isinstance(rules, list) else [rules], policy or Policy())
    findings, errors = eng.evaluate("doc", doc_type, facts)
    assert errors == []
    assert live_sessions() == 0
    return findings


def codes(findings):
    return [f.code for f in findings]


# ---------------------------------------------------------------------------
# threshold
# ---------------------------------------------------------------------------

LOCKUP = dict(match={"type": "obligation", "kind": "lockup"}, op="lt", limit="policy.min_lockup_days")


def test_threshold_fires_and_not():
    r = rule("threshold", LOCKUP, "lock-up of {value} days is {op_text} {limit} days")
    found = run(r, [ob("a", "lockup", 90, line=5), ob("b", "lockup", 180, line=9), ob("c", "lockup", None, line=12)])
    assert [(f.primary, f.message) for f in found] == [("a", "lock-up of 90 days is less than 180 days")]
    assert found[0].related == () and found[0].facts == ("a",) and found[0].code == r.code


def test_threshold_uses_policy_values():
    r = rule("threshold", LOCKUP)
    assert run(r, [ob("a", "lockup", 120)], policy=Policy(min_lockup_days=90)) == []
    assert codes(run(r, [ob("a", "lockup", 120)])) == [r.code]


def test_threshold_limit_when_doc_subtype():
    r = rule("threshold", dict(LOCKUP, limit_when=[{"doc": {"subtype": "follow_on"}, "limit": "policy.min_lockup_days_follow_on"}]), "{value} < {limit}")
    facts = [ob("a", "lockup", 120)]
    # IPO or unknown subtype: 180
    assert [f.message for f in run(r, facts)] == ["120 < 180"]
    assert [f.message for f in run(r, [{"id": "d", "type": "doc", "subtype": "ipo"}] + facts)] == ["120 < 180"]
    # follow-on: 90
    follow = [{"id": "d", "type": "doc", "subtype": "follow_on"}]
    assert run(r, follow + facts) == []
    assert [f.message for f in run(r, follow + [ob("b", "lockup", 60)])] == ["60 < 90"]


def test_threshold_not_in_with_tolerance():
    r = rule(
        "threshold",
        dict(match={"type": "obligation", "kind": "default_threshold"}, op="not_in", limit="policy.accepted_default_thresholds", tolerance="policy.default_threshold_tolerance"),
        "{value:.2%} is none of {limit}",
    )
    facts = [ob("a", "default_threshold", 1 / 11), ob("b", "default_threshold", 0.0909), ob("c", "default_threshold", 0.10), ob("d", "default_threshold", 0.125, line=3)]
    found = run(r, facts)
    assert [f.primary for f in found] == ["d"]
    assert found[0].message.startswith("12.50% is none of 0.0909")


def test_threshold_string_values_and_pattern_operators():
    r = rule("threshold", dict(match={"type": "obligation", "kind": "governing_law", "party": {"exists": False}}, op="not_in", limit=["New York", "Delaware"]))
    found = run(r, [ob("a", "governing_law", "California"), ob("b", "governing_law", "New York"), ob("c", "governing_law", "Texas", party="holder")])
    assert [f.primary for f in found] == ["a"]


def test_threshold_respects_doc_types():
    r = rule("threshold", LOCKUP, doc_types=["warrant"])
    assert run(r, [ob("a", "lockup", 30)], doc_type="underwriting_agreement") == []
    assert codes(run(r, [ob("a", "lockup", 30)], doc_type="warrant")) == [r.code]


# ---------------------------------------------------------------------------
# required
# ---------------------------------------------------------------------------


def test_required_fires_when_absent():
    r = rule("required", {"match": {"type": "provision", "key": "governing_law"}}, "no governing law in {doc.doc_id}")
    found = run(r, [{"id": "p1", "type": "provision", "key": "notices"}])
    assert [(f.primary, f.message) for f in found] == [("$doc", "no governing law in doc")]
    assert run(r, [{"id": "p1", "type": "provision", "key": "notices"}, {"id": "p2", "type": "provision", "key": "governing_law"}]) == []


def test_required_fires_with_no_facts_and_uses_given_doc_fact():
    r = rule("required", {"match": {"type": "provision", "key": "governing_law"}})
    assert [f.primary for f in run(r, [])] == ["$doc"]
    assert [f.primary for f in run(r, [{"id": "the-doc", "type": "doc", "line": 1}])] == ["the-doc"]


def test_required_if_present():
    r = rule("required", {"match": {"type": "obligation", "kind": "option_exercise_window"}, "if_present": {"type": "obligation", "kind": "option_size"}})
    assert run(r, [ob("x", "lockup", 180)]) == []  # no option: nothing required
    found = run(r, [ob("s1", "option_size", 0.15, line=3), ob("s2", "option_size", 0.15, line=4)])
    assert codes(found) == [r.code]  # once per document, not once per option fact
    assert run(r, [ob("s1", "option_size", 0.15), ob("w", "option_exercise_window", 30)]) == []


# ---------------------------------------------------------------------------
# consistency
# ---------------------------------------------------------------------------


def test_consistency_one_finding_per_pair_later_is_primary():
    r = rule("consistency", {"match": {"type": "obligation", "kind": "lockup"}}, "{value} here, {other.value} in {other.section}")
    found = run(r, [ob("late", "lockup", 90, line=50, section="5(e)"), ob("early", "lockup", 180, line=10, section="1(b)")])
    assert len(found) == 1
    f = found[0]
    assert (f.primary, f.related, f.facts) == ("late", ("early",), ("late", "early"))
    assert f.message == "90 here, 180 in 1(b)"


def test_consistency_no_finding_when_equal():
    r = rule("consistency", {"match": {"type": "obligation", "kind": "lockup"}})
    assert run(r, [ob("a", "lockup", 180, line=1), ob("b", "lockup", 180.0, line=2), ob("c", "lockup", 180, line=3)]) == []


def test_consistency_groups_related_by_primary():
    r = rule("consistency", {"match": {"type": "obligation", "kind": "lockup"}}, "{value} vs {others}")
    found = run(r, [ob("a", "lockup", 180, line=1), ob("b", "lockup", 180, line=2), ob("c", "lockup", 90, line=3)])
    assert [(f.primary, f.related, f.message) for f in found] == [("c", ("a", "b"), "90 vs 180, 180")]


def test_consistency_same_party():
    r = rule("consistency", {"match": {"type": "obligation", "kind": "lockup"}, "same": ["party"]})
    facts = [
        ob("a", "lockup", 180, line=1, party="company"),
        ob("b", "lockup", 90, line=2, party="selling_stockholders"),  # other party: not compared
        ob("c", "lockup", 90, line=3, party="company"),
        ob("d", "lockup", 60, line=4),  # no party: compared with the other party-less statement
        ob("e", "lockup", 30, line=5),
    ]
    found = run(r, facts)
    assert [(f.primary, f.related) for f in found] == [("c", ("a",)), ("e", ("d",))]


def test_consistency_tolerance_and_strings():
    r = rule("consistency", {"match": {"type": "obligation", "kind": "option_size"}, "tolerance": 0.001})
    assert run(r, [ob("a", "option_size", 0.15, line=1), ob("b", "option_size", 0.1505, line=2)]) == []
    assert len(run(r, [ob("a", "option_size", 0.15, line=1), ob("b", "option_size", 0.2, line=2)])) == 1
    r2 = rule("consistency", {"match": {"type": "obligation", "kind": "governing_law"}})
    found = run(r2, [ob("a", "governing_law", "New York", line=1), ob("b", "governing_law", "Delaware", line=9)])
    assert [(f.primary, f.related) for f in found] == [("b", ("a",))]


# ---------------------------------------------------------------------------
# equivalence
# ---------------------------------------------------------------------------

THRESH = {"type": "obligation", "kind": "default_threshold"}


def test_equivalence_forms_agree_within_tolerance():
    r = rule("equivalence", {"match": THRESH, "tolerance": "policy.default_threshold_tolerance"}, "{as_written} vs {other.as_written}")
    agree = [ob("a", "default_threshold", 1 / 11, line=1, as_written="one-eleventh"), ob("b", "default_threshold", 0.0909, line=2, as_written="9.09%")]
    assert run(r, agree) == []
    differ = [ob("a", "default_threshold", 1 / 11, line=1, as_written="one-eleventh"), ob("b", "default_threshold", 0.10, line=2, as_written="10%")]
    found = run(r, differ)
    assert [(f.primary, f.related, f.message) for f in found] == [("b", ("a",), "10% vs one-eleventh")]


def test_equivalence_differ_attribute():
    r = rule("equivalence", {"match": THRESH, "differ": ["form"], "tolerance": 0.0005})
    same_form = [ob("a", "default_threshold", 0.1, line=1, form="percent"), ob("b", "default_threshold", 0.2, line=2, form="percent")]
    assert run(r, same_form) == []  # same form: a consistency question, not this rule's
    other_form = [ob("a", "default_threshold", 0.1, line=1, form="percent"), ob("b", "default_threshold", 0.2, line=2, form="fraction")]
    assert len(run(r, other_form)) == 1


def test_equivalence_single_fact_words_and_numeral():
    r = rule("equivalence", {"match": {"type": "number"}, "fields": ["words_value", "numeral_value"], "tolerance": 0}, "{words} ({numeral}): {left} is not {right}")
    facts = [
        {"id": "n1", "type": "number", "words": "thirty", "numeral": "60", "words_value": 30, "numeral_value": 60, "line": 4},
        {"id": "n2", "type": "number", "words": "thirty", "numeral": "30", "words_value": 30, "numeral_value": 30, "line": 5},
        {"id": "n3", "type": "number", "words": "ten", "words_value": 10, "line": 6},
    ]
    found = run(r, facts)
    assert [(f.primary, f.message) for f in found] == [("n1", "thirty (60): 30 is not 60")]


# ---------------------------------------------------------------------------
# window
# ---------------------------------------------------------------------------


def test_window_order_and_bound():
    r = rule("window", {"match": {"type": "obligation", "kind": "option_delivery_window"}, "bound": "policy.max_option_closing_business_days"}, "{problem}")
    facts = [
        ob("ok", "option_delivery_window", 10, line=1, min=2),
        ob("inverted", "option_delivery_window", 5, line=2, min=7),
        ob("long", "option_delivery_window", 15, line=3, min=2),
        ob("open", "option_delivery_window", None, line=4, min=2),
    ]
    found = run(r, facts)
    assert [(f.primary, f.message) for f in found] == [
        ("inverted", "the earliest day (7) is after the latest (5)"),
        ("long", "the latest day (15) is beyond the limit of 10"),
    ]


def test_window_order_only():
    r = rule("window", {"match": {"type": "obligation", "kind": "w"}})
    assert run(r, [ob("a", "w", 10, min=10)]) == []
    assert len(run(r, [ob("a", "w", 10, min=11)])) == 1


# ---------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------

CAP = {
    "facts": {"threshold": THRESH, "cap": {"type": "obligation", "kind": "default_purchase_cap"}},
    "require": "cap.value >= 1 / (1 - threshold.value)",
    "tolerance": 0.0005,
}


def test_arithmetic_cap_absorbs_threshold():
    r = rule("arithmetic", CAP, "cap {lhs:.1%} < {rhs:.1%} for {threshold.value:.2%}")
    ok = [ob("t", "default_threshold", 1 / 11, line=1), ob("c", "default_purchase_cap", 1.10, line=2)]
    assert run(r, ok) == []
    ok_rounded = [ob("t", "default_threshold", 0.0909, line=1), ob("c", "default_purchase_cap", 1.10, line=2)]
    assert run(r, ok_rounded) == []
    bad = [ob("t", "default_threshold", 0.10, line=1), ob("c", "default_purchase_cap", 1.10, line=2)]
    found = run(r, bad)
    assert [(f.primary, f.related, f.message) for f in found] == [("c", ("t",), "cap 110.0% < 111.1% for 10.00%")]


def test_arithmetic_option_size_against_policy():
    r = rule(
        "arithmetic",
        {
            "facts": {"firm": {"type": "obligation", "kind": "firm_size"}, "option": {"type": "obligation", "kind": "option_size"}},
            "require": "option.value <= policy.max_option_pct * firm.value",
            "tolerance": 0.5,
        },
        "{lhs} > {rhs}",
    )
    assert run(r, [ob("f", "firm_size", 4_000_000, line=1), ob("o", "option_size", 600_000, line=2)]) == []
    found = run(r, [ob("f", "firm_size", 4_000_000, line=1), ob("o", "option_size", 750_000, line=2)])
    assert [(f.primary, f.message) for f in found] == [("o", "750000 > 600000")]


def test_arithmetic_does_not_join_a_fact_with_itself():
    r = rule("arithmetic", {"facts": {"a": {"type": "number"}, "b": {"type": "number"}}, "require": "b.value <= a.value"})
    found = run(r, [{"id": "x", "type": "number", "value": 1, "line": 1}, {"id": "y", "type": "number", "value": 3, "line": 2}])
    assert [(f.primary, f.related) for f in found] == [("y", ("x",))]


def test_arithmetic_single_fact():
    r = rule("arithmetic", {"facts": {"w": {"type": "obligation", "kind": "w"}}, "require": "w.value >= w.min + 1"})
    assert run(r, [ob("a", "w", 10, min=2)]) == []
    assert codes(run(r, [ob("a", "w", 2, min=2)])) == [r.code]


# ---------------------------------------------------------------------------
# python escape hatch
# ---------------------------------------------------------------------------


def py_rule_lockups(facts, rule, policy):
    """Test helper: report every lock-up fact longer than options['max']."""
    for f in facts:
        if f.get("kind") == "lockup" and f.get("value", 0) > rule.params.options["max"]:
            yield {"primary": f["id"], "values": {"max": rule.params.options["max"]}}


def py_rule_raises(facts, rule, policy):
    raise RuntimeError("boom")


def py_rule_bad_id(facts, rule, policy):
    return [{"primary": "no-such-fact"}, RawFinding(code="X", name="x.y", message="explicit", primary=facts[0]["id"])]


def test_python_rule():
    r = rule("python", {"function": "tests.test_engine:py_rule_lockups", "options": {"max": 200}}, "{value} > {max}")
    found = run(r, [ob("a", "lockup", 365, line=2), ob("b", "lockup", 180, line=3)])
    assert [(f.primary, f.message) for f in found] == [("a", "365 > 200")]


def test_python_rule_errors_are_surfaced():
    r = rule("python", {"function": "tests.test_engine:py_rule_raises"})
    findings, errors = Engine([r], Policy()).evaluate("doc", "other", [ob("a", "lockup", 1)])
    assert findings == []
    assert len(errors) == 1 and "RuntimeError: boom" in errors[0] and r.code in errors[0]
    r2 = rule("python", {"function": "tests.test_engine:py_rule_bad_id"}, "m")
    findings, errors = Engine([r2], Policy()).evaluate("doc", "other", [ob("a", "lockup", 1)])
    assert [(f.code, f.message) for f in findings] == [(r2.code, "explicit")]
    assert len(errors) == 1 and "no-such-fact" in errors[0]


def test_fact_types_read():
    # a threshold rule for underwriting agreements reads obligations there, and nothing elsewhere
    eng = Engine([rule("threshold", LOCKUP, doc_types=["underwriting_agreement"])], Policy())
    uw = eng.fact_types_read("underwriting_agreement")
    assert "obligation" in uw and "definition" not in uw and {"doc", "end"} <= uw
    assert "obligation" not in eng.fact_types_read("other")
    assert eng.fact_types_read("no_such_type") is None
    # a python rule sees every fact: any type may matter
    r = rule("python", {"function": "tests.test_engine:py_rule_lockups", "options": {"max": 200}}, doc_types=["warrant"])
    eng = Engine([r], Policy())
    assert eng.fact_types_read("warrant") is None
    assert eng.fact_types_read("other") is not None


def test_python_rule_import_error_at_construction():
    r = rule("python", {"function": "tests.no_such_module:fn"})
    with pytest.raises(EngineError, match="cannot import"):
        Engine([r], Policy())


# ---------------------------------------------------------------------------
# the adapter's traps
# ---------------------------------------------------------------------------


def test_bad_facts_are_rejected():
    eng = Engine([rule("threshold", LOCKUP)], Policy())
    with pytest.raises(FactError, match="used twice"):
        eng.evaluate("d", "other", [ob("a", "lockup", 1), ob("a", "lockup", 2)])
    with pytest.raises(FactError, match="'type'"):
        eng.evaluate("d", "other", [{"id": "a"}])
    with pytest.raises(FactError, match="flat"):
        eng.evaluate("d", "other", [{"id": "a", "type": "obligation", "value": [1, 2]}])
    with pytest.raises(FactError, match="set by the engine"):
        eng.evaluate("d", "other", [{"id": "a", "type": "obligation", "sid": "x"}])
    with pytest.raises(FactError, match="doc_type"):
        eng.evaluate("d", "other", [{"id": "a", "type": "doc", "doc_type": "warrant"}])
    with pytest.raises(ValueError, match="unknown document type"):
        eng.evaluate("d", "memo", [])
    assert live_sessions() == 0


def test_numbers_the_engine_cannot_read_in_exponent_form():
    # durable_rules' JSON reader rejects or misreads 1e-05, 1.5e+20: the adapter writes them positionally
    r = rule("threshold", {"match": {"type": "obligation", "kind": "par"}, "op": "lt", "limit": "1/10000"})
    found = run(r, [ob("a", "par", 0.00001, line=1), ob("b", "par", 0.001, line=2), ob("c", "par", 1.5e20, line=3)])
    assert [f.primary for f in found] == ["a"]
    r2 = rule("threshold", {"match": {"type": "obligation", "kind": "par"}, "op": "lt", "limit": 1e-06})
    assert [f.primary for f in run(r2, [ob("a", "par", 1e-07, line=1), ob("b", "par", 2e-06, line=2)])] == ["a"]


def test_rulesets_registered_once_and_reused():
    rules = [rule("threshold", LOCKUP, code="REG001")]
    e1 = Engine(rules, Policy())
    before = registered_rulesets()
    e2 = Engine(rules, Policy())  # same rules, same policy: same rulesets, no "already registered"
    assert registered_rulesets() == before
    assert e1.ruleset_name("warrant") == e2.ruleset_name("warrant")
    e3 = Engine(rules, Policy(min_lockup_days=90))
    assert e3.ruleset_name("warrant") != e1.ruleset_name("warrant")
    assert codes(e1.evaluate("d", "warrant", [ob("a", "lockup", 120)])[0]) == ["REG001"]
    assert e3.evaluate("d", "warrant", [ob("a", "lockup", 120)])[0] == []


def test_disabled_rules_are_not_compiled():
    r = rule("threshold", LOCKUP, enabled=False)
    eng = Engine([r], Policy())
    assert eng.rules == ()
    assert eng.evaluate("d", "other", [ob("a", "lockup", 1)]) == ([], [])


def test_action_failure_is_surfaced():
    action = engine_mod._make_action(engine_mod.ACTION_PREFIX + "TST999.default")

    class BrokenClosure:  # what an action sees if durable_rules hands it something unexpected
        class s:
            _d = {"sid": "no-such-session"}

        _m = None

    action(BrokenClosure())
    findings, errors = Engine([rule("threshold", LOCKUP)], Policy()).evaluate("d", "other", [])
    assert findings == []
    assert len(errors) == 1 and "TST999.default" in errors[0] and "action failed" in errors[0]


def test_unmatched_facts_do_not_raise():
    r = rule("threshold", LOCKUP)
    facts = [{"id": f"x{i}", "type": t, "line": i} for i, t in enumerate(["definition", "reference", "blank", "number", "zzz"])]
    assert run(r, facts) == []


# ---------------------------------------------------------------------------
# the shipped rules, from the facts their examples yield
# ---------------------------------------------------------------------------

SHIPPED = [load_rule_file(p) for p in sorted(RULES_DIR.glob("*.yaml"))] if RULES_DIR.is_dir() else []
WITH_FACTS = [r for r in SHIPPED if r.examples.fail_facts is not None and r.examples.pass_facts is not None]


@pytest.mark.parametrize("spec", WITH_FACTS, ids=[r.code for r in WITH_FACTS])
def test_shipped_rule_on_example_facts(spec):
    doc_type = spec.examples.doc_type or spec.doc_types[0]
    eng = Engine([spec], Policy())
    found, errors = eng.evaluate("fail-example", doc_type, [dict(f) for f in spec.examples.fail_facts])
    assert errors == []
    assert [f.code for f in found] == [spec.code], f"{spec.code} should fire on its failing example"
    assert "?" not in found[0].message, found[0].message
    found, errors = eng.evaluate("pass-example", doc_type, [dict(f) for f in spec.examples.pass_facts])
    assert errors == [] and found == [], f"{spec.code} should not fire on its passing example"


def test_shipped_messages():
    by = {r.code: r for r in SHIPPED}
    if not {"DFLT002", "DFLT003", "LOCK001"} <= set(by):
        pytest.skip("shipped example rules not present")
    eng = Engine([by["DFLT002"], by["DFLT003"], by["LOCK001"]], Policy())
    f, _ = eng.evaluate("x", "underwriting_agreement", [dict(x) for x in by["DFLT002"].examples.fail_facts])
    assert f[0].message == "the defaulting-underwriter threshold is stated as 10% here but as one-eleventh in section 9(b); the two do not agree"
    f, _ = eng.evaluate("x", "underwriting_agreement", [dict(x) for x in by["DFLT003"].examples.fail_facts])
    assert f[0].message == (
        "the non-defaulting Underwriters need not take more than 110.0% of their commitments, "
        "but defaults of up to 10.00% of the offering call for 111.1%"
    )
    f, _ = eng.evaluate("x", "underwriting_agreement", [dict(x) for x in by["LOCK001"].examples.fail_facts])
    assert f[0].message == "lock-up of 90 days is shorter than the house minimum of 180 days"


# ---------------------------------------------------------------------------
# scale: 2,000 documents in one process
# ---------------------------------------------------------------------------


def _doc_facts(i: int) -> list[dict]:
    lock = 90 if i % 2 else 180
    facts = [
        {"id": "doc", "type": "doc", "subtype": "ipo", "line": 1},
        ob("l1", "lockup", 180, line=10, party="company", section="1(b)", unit="day"),
        ob("l2", "lockup", lock, line=20, party="company", section="5(e)", unit="day"),
        ob("t1", "default_threshold", 1 / 11, line=30, as_written="one-eleventh", section="9(b)"),
        ob("t2", "default_threshold", 0.10 if i % 3 == 0 else 0.0909, line=31, as_written="x", section="9(c)"),
        ob("c1", "default_purchase_cap", 1.10, line=32),
        ob("w1", "option_exercise_window", 30, line=40, unit="day"),
        ob("d1", "option_delivery_window", 10, min=2, line=41),
    ]
    if i % 5:
        facts.append({"id": "gl", "type": "provision", "key": "governing_law", "line": 50})
    facts += [{"id": f"def{j}", "type": "definition", "term": f"Term{j}", "line": 60 + j} for j in range(8)]
    facts += [{"id": f"ref{j}", "type": "reference", "target": str(j), "line": 80 + j} for j in range(4)]
    return facts


def _expected(i: int) -> list[str]:
    out = []
    if i % 2:
        out += ["LOCK001", "TCON001"]
    if i % 3 == 0:
        out += ["DFLT002", "DFLT003"]
    if i % 5 == 0:
        out.append("MISS001")
    return sorted(out)


def test_two_thousand_documents_in_one_process():
    by = {r.code: r for r in SHIPPED}
    if not {"DFLT002", "DFLT003", "LOCK001", "MISS001", "OPT002"} <= set(by):
        pytest.skip("shipped example rules not present")
    rules = [by[c] for c in ("DFLT002", "DFLT003", "LOCK001", "MISS001", "OPT002")] + [
        rule("consistency", {"match": {"type": "obligation", "kind": "lockup"}, "same": ["party"]}, code="TCON001"),
        rule("window", {"match": {"type": "obligation", "kind": "option_delivery_window"}, "bound": 10}, code="TWIN001"),
    ]
    eng = Engine(rules, Policy())
    n_docs = 2000
    n_facts = 0
    start = time.perf_counter()
    for i in range(n_docs):
        facts = _doc_facts(i)
        n_facts += len(facts) + 1  # and the end fact
        found, errors = eng.evaluate(f"doc{i}", "underwriting_agreement", facts)
        assert errors == [], (i, errors)
        assert sorted(f.code for f in found) == _expected(i), i
    elapsed = time.perf_counter() - start
    assert live_sessions() == 0
    print(f"\n{n_docs} documents, {n_facts} facts in {elapsed:.2f}s: {n_facts / elapsed:,.0f} facts/s, {1000 * elapsed / n_docs:.2f} ms/document")


# ---------------------------------------------------------------------------
# durable_rules reads past the end of an $and of join conditions that is false
# (valgrind: invalid reads in reduceExpressionSequence; a crash depending on
# memory layout).  The compiler wraps every pattern's join conditions in a
# one-element $or, which durable_rules evaluates without the overrun.
# ---------------------------------------------------------------------------


def _join_refs_outside_wrapper(cond, aliases, wrapped=False, top=True):
    """Join references (to an earlier alias) that are not inside the top-level $or wrapper."""
    bad = []
    if isinstance(cond, dict):
        for k, v in cond.items():
            if k in aliases and isinstance(v, str) and not wrapped:
                bad.append(cond)
            if k == "$and" and top:
                for c in v:
                    bad += _join_refs_outside_wrapper(c, aliases, wrapped, top=False) if not (isinstance(c, dict) and "$or" in c and len(c["$or"]) == 1) else _join_refs_outside_wrapper(c["$or"][0], aliases, True, top=False)
            elif k == "$or" and top and len(v) == 1:
                bad += _join_refs_outside_wrapper(v[0], aliases, True, top=False)
            elif isinstance(v, (dict, list)):
                bad += _join_refs_outside_wrapper(v, aliases, wrapped, top=False)
    elif isinstance(cond, list):
        for c in cond:
            bad += _join_refs_outside_wrapper(c, aliases, wrapped, top=False)
    return bad


def test_join_conditions_are_wrapped():
    import json

    rules = [
        rule("consistency", {"match": {"type": "obligation", "kind": "lockup"}, "same": ["party", "unit"], "tolerance": 0.5}),
        rule("equivalence", {"match": THRESH, "same": ["party"], "differ": ["form"], "tolerance": 0.001}),
        rule("arithmetic", CAP),
        rule("arithmetic", {"facts": {"a": {"type": "n"}, "b": {"type": "n"}, "c": {"type": "n"}}, "require": "c.value == a.value + b.value"}),
        rule("threshold", dict(LOCKUP, limit_when=[{"doc": {"subtype": "follow_on"}, "limit": 90}])),
    ]
    eng = Engine(rules, Policy())
    definition = json.loads(engine_mod._REGISTERED[eng.ruleset_name("underwriting_agreement")])
    checked = 0
    for key, r in definition.items():
        seen: list[str] = []
        for pattern in r["all"]:
            (alias, cond), = pattern.items()
            alias = alias.split("$")[0]
            if seen:
                assert _join_refs_outside_wrapper(cond, set(seen)) == [], (key, cond)
                checked += 1
            seen.append(alias)
    assert checked >= 6
