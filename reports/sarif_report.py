"""SARIF 2.1.0: one run, shaped for GitHub code scanning.

Rules come from the rule files (``checker.rulespec.load_rules``) so their
descriptions are written once, in the rule; a code seen in the findings but not
among the loaded rules still gets a rule entry built from the finding.  A
document that could not be read, and any internal error, is a tool execution
notification -- never a fake result.
"""
from __future__ import annotations

import json
import os
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "clausecheck/v1"
SRCROOT = "%SRCROOT%"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# GitHub shows security-severity only for security rules; "precision" and tags it shows for all
_NOTIFICATION_DESCRIPTORS = {
    "load": ("clausecheck/load", "The document could not be read."),
    "grammar": ("clausecheck/grammar", "A passage the clause grammar could not read; the rest was checked."),
    "internal": ("clausecheck/internal", "An internal error in one stage; the stages that do not depend on it still ran."),
}


def _load_rules() -> list:
    """The rule files, or [] when they cannot be loaded (the run still reports its findings)."""
    try:
        from checker.rulespec import load_rules
    except ImportError:
        return []
    try:
        return [r for r in load_rules() if getattr(r, "enabled", True)]
    except Exception:  # a broken rule file is reported by the checker itself, not here
        return []


def _artifact_uri(path: str, root: str | None) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative paths with forward slashes against %SRCROOT%,
    absolute paths outside the root as file:// URIs."""
    p = os.fspath(path)
    if "\\" in p and not p.startswith("/"):
        p = PureWindowsPath(p).as_posix()
    if os.path.isabs(p):
        base = os.path.abspath(root or os.getcwd())
        try:
            rel = os.path.relpath(p, base)
        except ValueError:  # another drive
            rel = None
        if rel is not None and not rel.startswith(".."):
            return quote(PurePosixPath(*rel.split(os.sep)).as_posix()), SRCROOT
        return "file://" + quote(p if p.startswith("/") else "/" + p), None
    rel = os.path.normpath(p).replace(os.sep, "/")
    if rel.startswith("./"):
        rel = rel[2:]
    return quote(rel), SRCROOT


def _region(line, column, end_line=None, end_column=None, snippet: str | None = None) -> dict:
    start_line = max(1, int(line or 1))
    region: dict = {"startLine": start_line}
    start_col = max(1, int(column or 1))
    region["startColumn"] = start_col
    if end_line is not None:
        el = max(start_line, int(end_line))
        region["endLine"] = el
        if end_column is not None:
            ec = max(1, int(end_column))
            if el == start_line and ec <= start_col:
                ec = start_col + 1
            region["endColumn"] = ec
    if snippet:
        region["snippet"] = {"text": snippet}
    return region


def _location(uri: str, base: str | None, region: dict | None, *, loc_id: int | None = None, message: str | None = None) -> dict:
    art: dict = {"uri": uri}
    if base:
        art["uriBaseId"] = base
    phys: dict = {"artifactLocation": art}
    if region:
        phys["region"] = region
    loc: dict = {}
    if loc_id is not None:
        loc["id"] = loc_id
    loc["physicalLocation"] = phys
    if message:
        loc["message"] = {"text": message}
    return loc


def _rule_descriptor(spec) -> dict:
    code = spec.code
    summary = (getattr(spec, "summary", "") or "").strip()
    rationale = (getattr(spec, "rationale", "") or "").strip()
    refs = list(getattr(spec, "references", ()) or ())
    examples = getattr(spec, "examples", None)
    md = [f"**{code}** `{spec.name}`", "", summary or spec.name]
    if rationale:
        md += ["", rationale]
    text = [summary or spec.name]
    if rationale:
        text += ["", rationale]
    if examples is not None:
        fails = tuple(getattr(examples, "fail", ()) or ())
        passes = tuple(getattr(examples, "pass_", ()) or ())
        if fails:
            md += ["", "Flagged:", ""] + [f"> {' '.join(x.split())}" for x in fails[:2]]
        if passes:
            md += ["", "Accepted:", ""] + [f"> {' '.join(x.split())}" for x in passes[:2]]
    if refs:
        md += ["", "References:", ""] + [f"- {r}" for r in refs]
        text += ["", "References: " + "; ".join(refs)]
    category = getattr(spec, "category", None)
    desc = {
        "id": code,
        "name": spec.name,
        "shortDescription": {"text": summary or spec.name},
        "fullDescription": {"text": rationale or summary or spec.name},
        "help": {"text": "\n".join(text), "markdown": "\n".join(md)},
        "defaultConfiguration": {"level": _LEVEL.get(spec.severity, "warning")},
        "properties": {"tags": [t for t in ("clausecheck", category) if t], "precision": "high"},
    }
    if category:
        desc["properties"]["category"] = category
    aliases = list(getattr(spec, "aliases", ()) or ())
    if aliases:
        desc["deprecatedIds"] = aliases
    return desc


def _fallback_descriptor(f) -> dict:
    return {
        "id": f.code,
        "name": f.name or f.code,
        "shortDescription": {"text": f.name or f.code},
        "fullDescription": {"text": f.name or f.code},
        "help": {"text": f"{f.code} {f.name}", "markdown": f"**{f.code}** `{f.name}`"},
        "defaultConfiguration": {"level": _LEVEL.get(f.severity, "warning")},
        "properties": {"tags": [t for t in ("clausecheck", f.category) if t], "category": f.category},
    }


def build(results, *, source_root: str | None = None, **options) -> dict:
    """The SARIF log as a dict (``render`` serialises it)."""
    from checker import __version__

    specs = _load_rules()
    rules: list[dict] = []
    index: dict[str, int] = {}
    for spec in sorted(specs, key=lambda s: s.code):
        if spec.code in index:
            continue
        index[spec.code] = len(rules)
        rules.append(_rule_descriptor(spec))
        for alias in getattr(spec, "aliases", ()) or ():
            index.setdefault(alias, index[spec.code])
    for res in results:
        for f in sorted(res.findings, key=lambda f: f.code):
            if f.code not in index:
                index[f.code] = len(rules)
                rules.append(_fallback_descriptor(f))

    sarif_results: list[dict] = []
    notifications: list[dict] = []
    artifacts: list[dict] = []
    success = True
    for res in results:
        uri, base = _artifact_uri(res.path, source_root)
        art: dict = {"location": {"uri": uri, **({"uriBaseId": base} if base else {})}, "roles": ["analysisTarget"]}
        if res.encoding:
            art["encoding"] = res.encoding
        props = {"docType": res.doc_type}
        if res.doc_subtype:
            props["docSubtype"] = res.doc_subtype
        art["properties"] = props
        artifacts.append(art)
        for e in res.errors:
            kind = "load" if e.stage == "load" else "grammar" if e.stage == "grammar" else "internal"
            if kind != "grammar":
                success = False
            desc_id, _ = _NOTIFICATION_DESCRIPTORS[kind]
            region = _region(e.line, e.column) if e.line else None
            notifications.append(
                {
                    "level": "note" if kind == "grammar" else "error",
                    "message": {"text": f"{res.path}: {e.message}"},
                    "locations": [_location(uri, base, region)],
                    "descriptor": {"id": desc_id, "index": list(_NOTIFICATION_DESCRIPTORS).index(kind)},
                    "properties": {"stage": e.stage},
                }
            )
        for f in res.findings:
            message = f.message
            related = []
            for i, r in enumerate(f.related, start=1):
                rmsg = r.message or f"related: {r.quote}"
                related.append(
                    _location(
                        uri,
                        base,
                        _region(r.line, r.column, r.end_line, r.end_column, r.quote),
                        loc_id=i,
                        message=rmsg,
                    )
                )
            if related:
                links = ", ".join(f"[line {r.line}]({i})" for i, r in enumerate(f.related, start=1))
                message = f"{message} (see {links})"
            item: dict = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _LEVEL.get(f.severity, "warning"),
                "message": {"text": message},
                "locations": [_location(uri, base, _region(f.line, f.column, f.end_line, f.end_column, f.quote))],
            }
            if related:
                item["relatedLocations"] = related
            if f.fingerprint:
                item["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
            if f.suppressed:
                item["suppressions"] = [{"kind": "external", "justification": "recorded in the baseline"}]
            props = {"category": f.category, "name": f.name}
            if f.section:
                props["section"] = f.section
            item["properties"] = props
            sarif_results.append(item)

    run: dict = {
        "tool": {
            "driver": {
                "name": "clausecheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
                "notifications": [
                    {"id": did, "shortDescription": {"text": text}} for did, text in _NOTIFICATION_DESCRIPTORS.values()
                ],
            }
        },
        "invocations": [{"executionSuccessful": success, "toolExecutionNotifications": notifications}],
        "artifacts": artifacts,
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    root = os.path.abspath(source_root or os.getcwd())
    run["originalUriBaseIds"] = {SRCROOT: {"uri": "file://" + quote(root.replace(os.sep, "/").rstrip("/") + "/")}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(results, **options) -> str:
    return json.dumps(build(results, **options), indent=2, ensure_ascii=False) + "\n"
