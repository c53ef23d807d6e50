"""The pytest plugin, run through pytest's own pytester."""
from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from conftest import REPO, SAMPLE

pytest_plugins = ["pytester"]


def _plugin_args():
    installed = any(ep.value == "checker.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "checker.pytest_plugin"]


@pytest.fixture(autouse=True)
def _importable(monkeypatch):
    # the subprocess must import this checkout's checker whether or not it is installed
    monkeypatch.setenv("PYTHONPATH", str(REPO))


def _project(pytester, extra=""):
    pytester.makepyprojecttoml(
        f"""
[tool.clausecheck]
templates = ["forms/*.txt"]
baseline = "clausecheck-baseline.json"
fail-on = "error"
{extra}
"""
    )
    forms = pytester.mkdir("forms")
    (forms / "underwriting.txt").write_text(SAMPLE.read_text())
    return forms


def test_template_fails_with_readable_report(pytester):
    _project(pytester)
    result = pytester.runpytest_subprocess(*_plugin_args())
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*finding(s) at or above 'error' not in the baseline*", "*underwriting.txt:*"])


def test_update_baseline_then_pass_then_new_defect_fails(pytester):
    forms = _project(pytester)
    r1 = pytester.runpytest_subprocess(*_plugin_args(), "--clausecheck-update-baseline")
    r1.assert_outcomes(passed=1)
    assert (pytester.path / "clausecheck-baseline.json").exists()
    r2 = pytester.runpytest_subprocess(*_plugin_args())
    r2.assert_outcomes(passed=1)
    # an edit that introduces a new error-level problem fails again
    text = (forms / "underwriting.txt").read_text()
    (forms / "underwriting.txt").write_text(text.replace("Section 5(c) hereof", "Section 5(c) hereof and Section 19 hereof"))
    r3 = pytester.runpytest_subprocess(*_plugin_args())
    r3.assert_outcomes(failed=1)
    r3.stdout.fnmatch_lines(["*Section 19*"])


def test_no_templates_configured_collects_nothing(pytester):
    pytester.makepyprojecttoml("[tool.other]\nx = 1\n")
    pytester.makepyfile("def test_ok():\n    assert True\n")
    result = pytester.runpytest_subprocess(*_plugin_args())
    result.assert_outcomes(passed=1)
