"""The drafting rules' files against the checks that implement them, and each
rule's failing and passing example run through the pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.drafting import RULES, drafting_errors, run_drafting_checks
from checker.pipeline import collect_definitions, collect_references, parse_source
from checker.rulespec import load_rules
from checker.source import decode

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"


def _specs():
    return {r.code: r for r in load_rules(RULES_DIR)}


def _run(text: str):
    doc = parse_source(decode(text.encode("utf-8"), "<example>"))
    doc.references, _ = collect_references(doc)
    doc.definitions = collect_definitions(doc)
    found = run_drafting_checks(doc)
    assert drafting_errors(doc) == []
    return found


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_file_matches_check(code):
    spec = _specs()[code]
    meta = RULES[code]
    assert spec.kind == "python"
    assert spec.params.function == meta.function
    assert (spec.name, spec.category, spec.severity) == (meta.name, meta.category, meta.severity)


def test_every_drafting_rule_file_is_registered():
    drafting = {c for c, s in _specs().items() if s.kind == "python" and s.params.function.startswith("checker.drafting.")}
    assert drafting == set(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_examples(code):
    spec = _specs()[code]
    for text in spec.examples.fail:
        assert any(f.code == code for f in _run(text)), f"{code}: the failing example does not fire"
    for text in spec.examples.pass_:
        assert not any(f.code == code for f in _run(text)), f"{code}: the passing example fires"


def test_checks_called_with_engine_facts_return_nothing():
    from checker.drafting.xrefs import omitted_target

    assert omitted_target([{"id": "$doc", "type": "doc"}], None, None) == []


def test_select_and_ignore():
    text = _specs()["BLANK001"].examples.fail[0]
    doc = parse_source(decode(text.encode("utf-8"), "<example>"))
    codes = {f.code for f in run_drafting_checks(doc, {"select": ["BLANK"], "ignore": ["BLANK000"]})}
    assert "BLANK001" in codes and "BLANK000" not in codes
    assert all(c.startswith("BLANK") for c in codes)
