"""JUnit XML reporter: parses, counts add up, failures honour fail_on, errors for unreadable documents."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from checker.reports import render
from test_reports_fixtures import evil_result, real_results, sample_result, unreadable_result


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def _check_counts(root: ET.Element) -> None:
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        for k in totals:
            totals[k] += int(suite.get(k))
    for k, v in totals.items():
        assert int(root.get(k)) == v


def test_sample_fail_on_error():
    res = sample_result()
    root = _parse(render("junit", [res], fail_on="error"))
    _check_counts(root)
    suite = root.find("testsuite")
    assert suite.get("name") == res.path
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert all(c.get("classname") == res.path for c in cases.values())
    failing = sorted(n for n, c in cases.items() if c.find("failure") is not None)
    assert failing == ["LOCK003 lockup.periods_differ", "NUM001 numbers.words_numeral_mismatch"]
    body = cases["LOCK003 lockup.periods_differ"].find("failure").text
    assert "62:24" in body and '"60 days"' in body
    # below the threshold: listed, not failed
    blank = next(c for n, c in cases.items() if n.startswith("BLANK001 "))
    assert blank.find("failure") is None
    assert "38:43" in blank.find("system-out").text


def test_fail_on_warning_and_never():
    res = sample_result()
    root = _parse(render("junit", [res], fail_on="warning"))
    _check_counts(root)
    failed = {c.get("name").split()[0] for c in root.iter("testcase") if c.find("failure") is not None}
    assert failed == {"LOCK003", "NUM001", "BLANK001", "OPT003"}  # the suppressed XREF009 never fails
    blank = next(c for c in root.iter("testcase") if c.get("name").startswith("BLANK001"))
    assert blank.find("failure").get("message").startswith("3 findings")
    root = _parse(render("junit", [res], fail_on="never"))
    assert root.get("failures") == "0"


def test_unreadable_is_an_error_and_xml_stays_valid():
    root = _parse(render("junit", [unreadable_result(), evil_result()], fail_on="info"))
    _check_counts(root)
    bad = root.findall("testsuite")[0]
    assert bad.get("errors") == "1" and bad.get("failures") == "0"
    err = bad.find("testcase/error")
    assert err.get("type") == "load" and "\x07" not in err.get("message")
    assert "<b>" in err.get("message")  # escaped in the file, restored by the parser
    evil = root.findall("testsuite")[1]
    assert evil.get("name") == "evil <doc>.txt"
    texts = "".join(evil.itertext())
    assert "\x01" not in texts and "\x0b" not in texts
    assert '"<script>alert(1)</script>"' in texts


def test_real_pipeline_results():
    results = real_results()
    root = _parse(render("junit", results, fail_on="warning"))
    _check_counts(root)
    assert len(root.findall("testsuite")) == len(results)
