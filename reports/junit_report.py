"""JUnit XML: a test suite per document, a test case per rule that applies to it.

A rule's test case fails when the document has findings of that rule at or
above ``fail_on`` (the finding lines and quotes are in the failure body); findings
below it are listed in the case's system-out.  A document that could not be read
-- or a stage that failed inside the checker -- is an ``<error>``, never a
failure.  Everything is escaped and characters XML 1.0 forbids are removed.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_SEV_RANK = {"info": 0, "warning": 1, "error": 2}
# XML 1.0 Char production, minus the rest: C0 controls other than TAB LF CR,
# surrogates (lone ones survive "surrogatepass" decoding), U+FFFE and U+FFFF.
_XML_FORBIDDEN = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text) -> str:
    return _XML_FORBIDDEN.sub("", "" if text is None else str(text))


def _one_line(text) -> str:
    return " ".join(xml_safe(text).split())


def _applicable_rules(res) -> list[tuple[str, str]]:
    """(code, name) of every enabled rule for this document type, plus every code found."""
    out: dict[str, str] = {}
    try:
        from checker.rulespec import load_rules

        specs = load_rules()
    except Exception:  # no rule files, or a broken one (the checker reports that itself)
        specs = []
    for spec in specs:
        if not getattr(spec, "enabled", True):
            continue
        doc_types = getattr(spec, "doc_types", None)
        if doc_types and "any" not in doc_types and res.doc_type not in doc_types:
            continue
        out[spec.code] = spec.name
    for f in res.findings:
        out.setdefault(f.code, f.name)
    return sorted(out.items())


def _threshold(fail_on) -> int | None:
    if fail_on in (None, ""):
        fail_on = "error"
    if fail_on == "never":
        return None
    return _SEV_RANK.get(str(fail_on), 2)


def _finding_line(f) -> str:
    where = f"{f.line}:{f.column}"
    sup = " [in baseline]" if f.suppressed else ""
    return f"{where} {f.severity} {f.code}{sup}: {_one_line(f.message)}\n    \"{_one_line(f.quote)}\""


def _suite(res, threshold: int | None) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_safe(res.path))
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="doc_type", value=xml_safe(res.doc_type))
    if res.doc_subtype:
        ET.SubElement(props, "property", name="doc_subtype", value=xml_safe(res.doc_subtype))
    if res.encoding:
        ET.SubElement(props, "property", name="encoding", value=xml_safe(res.encoding))
    tests = failures = errors = 0
    classname = xml_safe(res.path)

    fatal = [e for e in res.errors if e.stage != "grammar"]
    for e in fatal:
        tests += 1
        errors += 1
        case = ET.SubElement(suite, "testcase", classname=classname, name=xml_safe(f"clausecheck.{e.stage}"))
        err = ET.SubElement(case, "error", message=_one_line(e.message), type=xml_safe(e.stage))
        where = f"line {e.line}: " if e.line else ""
        err.text = xml_safe(f"{res.path}: {where}{e.message}")

    if res.readable:
        by_code: dict[str, list] = {}
        for f in res.findings:
            by_code.setdefault(f.code, []).append(f)
        for code, name in _applicable_rules(res):
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=classname, name=xml_safe(f"{code} {name}".strip()))
            found = sorted(by_code.get(code, []), key=lambda f: (f.line, f.column))
            failing = [
                f for f in found if threshold is not None and not f.suppressed and _SEV_RANK.get(f.severity, 0) >= threshold
            ]
            rest = [f for f in found if f not in failing]
            if failing:
                failures += 1
                worst = max(failing, key=lambda f: _SEV_RANK.get(f.severity, 0)).severity
                n = len(failing)
                head = _one_line(failing[0].message)
                msg = head if n == 1 else f"{n} findings; first: {head}"
                fail = ET.SubElement(case, "failure", message=msg, type=xml_safe(worst))
                fail.text = "\n".join(_finding_line(f) for f in failing)
            if rest:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(_finding_line(f) for f in rest)

    grammar = [e for e in res.errors if e.stage == "grammar"]
    if grammar or res.notes:
        lines = [f"note: {n}" for n in res.notes]
        lines += [f"line {e.line}: could not read: {e.message}" for e in grammar]
        so = ET.SubElement(suite, "system-out")
        so.text = xml_safe("\n".join(lines))
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite


def render(results, *, fail_on=None, **options) -> str:
    threshold = _threshold(fail_on)
    root = ET.Element("testsuites", name="clausecheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for res in results:
        suite = _suite(res, threshold)
        for k in totals:
            totals[k] += int(suite.get(k))
        root.append(suite)
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
