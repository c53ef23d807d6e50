"""SARIF reporter: valid against the OASIS 2.1.0 schema and shaped for GitHub code scanning."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.reports import render
from test_reports_fixtures import evil_result, real_results, sample_result, unreadable_result

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is needed to validate SARIF (pip install jsonschema)")

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _validate(log: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _github_shape(log: dict) -> None:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for res in run["results"]:
        assert res["level"] in ("error", "warning", "note")
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        for loc in res["locations"] + res.get("relatedLocations", []):
            region = loc["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
            assert region.get("endLine", region["startLine"]) >= region["startLine"]
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert "\\" not in uri
        assert res["partialFingerprints"]["clausecheck/v1"].startswith("v1:")


def test_sample_validates_and_maps_every_field(monkeypatch, tmp_path):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    res = sample_result()
    log = json.loads(render("sarif", [res, evil_result(), unreadable_result()]))
    _validate(log)
    _github_shape(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert len(log["runs"]) == 1
    assert run["tool"]["driver"]["name"] == "clausecheck"
    results = [r for r in run["results"] if r["ruleId"] != "EVIL001" and not r["ruleId"].startswith("EVIL")]
    assert len(results) == len(res.findings) == 7
    lock = next(r for r in results if r["ruleId"] == "LOCK003")
    loc = lock["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "examples/sample-underwriting-agreement.txt", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 62, "startColumn": 24, "endLine": 62, "endColumn": 31, "snippet": {"text": "60 days"}}
    rel = lock["relatedLocations"][0]
    assert rel["id"] == 1 and rel["message"]["text"] == "officers' and directors' lock-up"
    assert rel["physicalLocation"]["region"]["startLine"] == 68 and rel["physicalLocation"]["region"]["endLine"] == 69
    assert "[line 68](1)" in lock["message"]["text"]
    sup = next(r for r in results if r["ruleId"] == "XREF009")
    assert sup["suppressions"] == [{"kind": "external", "justification": "recorded in the baseline"}]
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    stages = [n["properties"]["stage"] for n in inv["toolExecutionNotifications"]]
    assert stages.count("load") == 1 and stages.count("grammar") == 1
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))


def test_rule_descriptors_come_from_rule_files():
    try:
        from checker.rulespec import load_rules

        specs = load_rules()
    except Exception as exc:  # the rule files are another stage's concern
        pytest.skip(f"rule files not loadable: {exc}")
    if not specs:
        pytest.skip("no rule files yet")
    log = json.loads(render("sarif", [sample_result()]))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for spec in specs:
        if not spec.enabled:
            continue
        d = rules[spec.code]
        assert d["name"] == spec.name
        assert d["shortDescription"]["text"] == spec.summary.strip()
        assert d["fullDescription"]["text"] == spec.rationale.strip()
        assert d["help"]["text"] and d["help"]["markdown"]
        assert d["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[spec.severity]


def test_clean_run_is_successful():
    res = sample_result()
    res.findings = []
    res.errors = []
    log = json.loads(render("sarif", [res]))
    _validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_real_pipeline_results_validate():
    log = json.loads(render("sarif", real_results()))
    _validate(log)
    _github_shape(log)
