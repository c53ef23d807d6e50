"""Rule files: format, validation with file:line, and every shipped rule."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.rulespec import (
    DOC_TYPES,
    ArithmeticParams,
    RuleFileError,
    RuleSpec,
    ThresholdParams,
    explain,
    find_rule,
    load_rule_file,
    load_rules,
    rules_by_code,
)

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
RULE_FILES = sorted(p for p in RULES_DIR.glob("*.yaml")) if RULES_DIR.is_dir() else []

# A valid rule file; tests break one line at a time and check the reported line.
GOOD = """\
code: TEST001
name: test.lockup_short
category: lockup
severity: warning
doc_types: [underwriting_agreement]
kind: threshold
params:
  match: {type: obligation, kind: lockup}
  op: lt
  limit: policy.min_lockup_days
message: "lock-up of {value} days is shorter than {limit}"
summary: A short lock-up.
rationale: Because.
references: [market practice]
examples:
  fail: "90 days after the date of the Prospectus"
  pass: "180 days after the date of the Prospectus"
"""


def write(tmp_path: Path, text: str, name: str = "TEST001.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def replace_line(text: str, lineno: int, new: str) -> str:
    lines = text.splitlines()
    lines[lineno - 1] = new
    return "\n".join(lines) + "\n"


def error_of(tmp_path: Path, text: str, name: str = "TEST001.yaml") -> RuleFileError:
    p = write(tmp_path, text, name)
    with pytest.raises(RuleFileError) as info:
        load_rule_file(p)
    return info.value


# ---------------------------------------------------------------------------
# the good file
# ---------------------------------------------------------------------------


def test_good_file_loads(tmp_path):
    spec = load_rule_file(write(tmp_path, GOOD))
    assert spec.code == "TEST001"
    assert spec.name == "test.lockup_short"
    assert spec.kind == "threshold"
    assert isinstance(spec.params, ThresholdParams)
    assert spec.params.op == "lt" and spec.params.field == "value"
    assert spec.doc_types == ("underwriting_agreement",)
    assert spec.examples.fail == ("90 days after the date of the Prospectus",)
    assert spec.examples.pass_ == ("180 days after the date of the Prospectus",)
    assert spec.enabled is True and spec.aliases == ()
    assert spec.path == str(tmp_path / "TEST001.yaml")
    with pytest.raises(Exception):
        spec.code = "X"  # frozen


def test_doc_types_any_expands(tmp_path):
    spec = load_rule_file(write(tmp_path, replace_line(GOOD, 5, "doc_types: any")))
    assert spec.doc_types == DOC_TYPES
    assert all(spec.applies_to(d) for d in DOC_TYPES)


def test_aliases_and_lookup(tmp_path):
    text = GOOD + "aliases: [OLD001]\n"
    write(tmp_path, text)
    rules = load_rules(tmp_path)
    assert rules_by_code(rules)["OLD001"].code == "TEST001"
    assert find_rule("old001", rules).code == "TEST001"
    assert find_rule("test.lockup_short", rules).code == "TEST001"
    with pytest.raises(KeyError):
        find_rule("NOPE001", rules)


def test_explain(tmp_path):
    write(tmp_path, GOOD)
    text = explain("TEST001", load_rules(tmp_path))
    assert text.startswith("TEST001 (test.lockup_short)\n")
    assert "A short lock-up." in text and "Because." in text
    assert "  - market practice" in text
    assert "Fails:\n    90 days after the date of the Prospectus" in text
    assert "Passes:\n    180 days after the date of the Prospectus" in text


# ---------------------------------------------------------------------------
# errors carry path:line of the offending key
# ---------------------------------------------------------------------------


def test_unknown_key_line(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 4, "sevrity: warning"))
    assert err.line == 4
    assert str(err).startswith(f"{tmp_path / 'TEST001.yaml'}:4: ")
    assert "unknown key 'sevrity'" in str(err) and "did you mean 'severity'" in str(err)


def test_missing_required_key(tmp_path):
    text = "\n".join(l for l in GOOD.splitlines() if not l.startswith("rationale:")) + "\n"
    err = error_of(tmp_path, text)
    assert "missing required key 'rationale'" in str(err)
    assert err.line == 1


def test_wrong_severity(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 4, "severity: critical"))
    assert err.line == 4 and "severity" in str(err) and "'critical'" in str(err)


def test_unknown_kind(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 6, "kind: thresold"))
    assert err.line == 6
    assert "unknown rule kind 'thresold'" in str(err) and "did you mean 'threshold'" in str(err)


def test_unknown_category(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 3, "category: lockups"))
    assert err.line == 3 and "unknown category 'lockups'" in str(err)


def test_unknown_doc_type(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 5, "doc_types: [underwriting_agreemnt]"))
    assert err.line == 5 and "underwriting_agreemnt" in str(err)


def test_unknown_params_key_line(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 9, "  opp: lt"))
    assert err.line == 9
    assert "params: unknown key 'opp'" in str(err)


def test_missing_params_key_points_at_params(tmp_path):
    text = "\n".join(l for l in GOOD.splitlines() if l != "  op: lt") + "\n"
    err = error_of(tmp_path, text)
    assert err.line == 7 and "params: missing required key 'op'" in str(err)


def test_wrong_param_value_line(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 9, "  op: less"))
    assert err.line == 9 and "params.op" in str(err) and "'less'" in str(err)


def test_bad_pattern_operator(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 8, "  match: {type: obligation, value: {lesser: 3}}"))
    assert err.line == 8 and "unknown operator 'lesser'" in str(err)


def test_pattern_on_reserved_field(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 8, "  match: {type: obligation, id: x}"))
    assert err.line == 8 and "'id'" in str(err)


def test_unknown_policy_value(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 10, "  limit: policy.min_lockup"))
    assert err.line == 10 and "unknown policy value 'policy.min_lockup'" in str(err)
    assert "did you mean 'min_lockup_days'" in str(err)


def test_bad_message_template(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 11, 'message: "lock-up of {} days"'))
    assert err.line == 11 and "named fields" in str(err)
    err = error_of(tmp_path, replace_line(GOOD, 11, 'message: "over {policy.max_lockup}"'))
    assert err.line == 11 and "unknown policy value" in str(err)


def test_missing_pass_example(tmp_path):
    text = "\n".join(l for l in GOOD.splitlines() if not l.startswith("  pass:")) + "\n"
    err = error_of(tmp_path, text)
    assert err.line == 15 and "examples: missing required key 'pass'" in str(err)


def test_empty_fail_example(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 16, '  fail: "  "'))
    assert err.line == 16 and "examples.fail" in str(err)


def test_yaml_syntax_error_line(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 12, "summary: [unclosed"))
    assert "YAML syntax error" in str(err)
    assert err.line in (12, 13)


def test_duplicate_key(tmp_path):
    err = error_of(tmp_path, GOOD + "severity: error\n")
    assert err.line == 18 and "duplicate key 'severity'" in str(err) and "line 4" in str(err)


def test_code_must_match_file_name(tmp_path):
    err = error_of(tmp_path, GOOD, name="TEST002.yaml")
    assert err.line == 1 and "does not match the file name" in str(err)


def test_bad_code_and_name(tmp_path):
    err = error_of(tmp_path, replace_line(GOOD, 1, "code: test1"), name="test1.yaml")
    assert err.line == 1 and "not a rule code" in str(err)
    err = error_of(tmp_path, replace_line(GOOD, 2, "name: Lockup Short"))
    assert err.line == 2 and "dotted rule name" in str(err)


def test_arithmetic_expression_errors(tmp_path):
    text = GOOD.replace(
        "kind: threshold\nparams:\n  match: {type: obligation, kind: lockup}\n  op: lt\n  limit: policy.min_lockup_days\n",
        "kind: arithmetic\nparams:\n  facts:\n    t: {type: obligation, kind: default_threshold}\n"
        "    cap: {type: obligation, kind: default_purchase_cap}\n  require: \"cap.value >= 1 / (1 - thresh.value)\"\n",
    )
    err = error_of(tmp_path, text)
    assert err.line == 11 and "unknown alias 'thresh'" in str(err)
    ok = load_rule_file(write(tmp_path, text.replace("thresh.value", "t.value")))
    assert isinstance(ok.params, ArithmeticParams)


def test_params_must_fit_kind(tmp_path):
    # threshold params under another kind: "op" and "limit" are unknown to a consistency rule
    err = error_of(tmp_path, replace_line(GOOD, 6, "kind: consistency"))
    assert err.line == 9 and "unknown key 'op'" in str(err)


def test_duplicate_codes_across_files(tmp_path):
    write(tmp_path, GOOD + "aliases: [TEST002]\n")
    write(tmp_path, GOOD.replace("TEST001", "TEST002").replace("test.lockup_short", "test.other"), name="TEST002.yaml")
    with pytest.raises(RuleFileError) as info:
        load_rules(tmp_path)
    assert "'TEST002' is also used by" in str(info.value)


def test_from_dict_builds_typed_params():
    spec = RuleSpec.from_dict(
        {
            "code": "TEST003",
            "name": "test.window",
            "category": "option",
            "severity": "info",
            "doc_types": "any",
            "kind": "window",
            "params": {"match": {"type": "obligation"}, "bound": 10},
            "message": "{problem}",
            "summary": "s",
            "rationale": "r",
            "references": ["x"],
            "examples": {"fail": "a", "pass": "b"},
        }
    )
    assert spec.params.bound == 10 and spec.params.min_field == "min"


# ---------------------------------------------------------------------------
# every shipped rule file
# ---------------------------------------------------------------------------


def test_rules_directory_has_rules():
    assert RULE_FILES, f"no rule files in {RULES_DIR}"


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_file_loads_with_both_examples(path):
    spec = load_rule_file(path)
    assert spec.code == path.stem
    assert spec.examples.fail and all(t.strip() for t in spec.examples.fail), f"{path}: no failing example"
    assert spec.examples.pass_ and all(t.strip() for t in spec.examples.pass_), f"{path}: no passing example"
    assert set(spec.examples.fail).isdisjoint(spec.examples.pass_), f"{path}: the failing and passing examples are the same text"
    assert spec.references and spec.summary and spec.rationale


def test_load_rules_default_directory():
    rules = load_rules()
    assert [r.code for r in rules] == sorted(p.stem for p in RULE_FILES)
    assert load_rules() == rules  # cached


def test_limit_when_error_points_at_the_entry(tmp_path):
    text = GOOD.replace(
        "  limit: policy.min_lockup_days\n",
        "  limit: policy.min_lockup_days\n  limit_when:\n    - doc: {subtype: follow_on}\n      limit: policy.nope\n",
    )
    err = error_of(tmp_path, text)
    assert err.line == 13 and "params.limit_when[0].limit: unknown policy value 'policy.nope'" in str(err)


def test_validated_rules_are_cached_and_reread_after_an_edit(tmp_path, monkeypatch):
    import shutil

    from checker import rulespec

    monkeypatch.setenv("CLAUSECHECK_CACHE_DIR", str(tmp_path / "cache"))
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    src = Path(__file__).resolve().parents[1] / "rules" / "LOCK001.yaml"
    shutil.copy(src, rules_dir / "LOCK001.yaml")
    rulespec._load_dir.cache_clear()
    first = rulespec.load_rules(rules_dir)
    assert list((tmp_path / "cache").glob("rules-*.pickle"))
    rulespec._load_dir.cache_clear()
    assert rulespec.load_rules(rules_dir) == first  # from the cache
    text = (rules_dir / "LOCK001.yaml").read_text().replace("shorter than the house minimum", "below the house minimum")
    (rules_dir / "LOCK001.yaml").write_text(text)
    rulespec._load_dir.cache_clear()
    again = rulespec.load_rules(rules_dir)
    assert "below the house minimum" in again[0].message
    # a broken edit is still an error with file:line, not a stale cached rule
    (rules_dir / "LOCK001.yaml").write_text(text + "\nunknown_key: 1\n")
    rulespec._load_dir.cache_clear()
    with pytest.raises(rulespec.RuleFileError, match="LOCK001.yaml:"):
        rulespec.load_rules(rules_dir)
    rulespec._load_dir.cache_clear()
