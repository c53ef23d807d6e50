"""The pipeline: file -> source -> layout -> structure -> clause grammar -> AST ->
references and definitions -> obligations -> rules -> findings.

Every stage after loading is guarded: a failure inside one stage becomes an
``errors`` entry of the document (with the stage named) and the stages that do
not depend on it still run, so one bad document never loses the rest of a batch
and partial results are never silently dropped.
"""
from __future__ import annotations

import gc
import hashlib
import operator
import os
import re
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from . import __version__
from .model import (
    Bound,
    CrossRef,
    DateNode,
    Definition,
    DocError,
    Duration,
    ExternalRef,
    Finding,
    Money,
    Obligation,
    Ratio,
    Section,
    ShareCount,
    Span,
    Unparsed,
)
from .source import InputError, Source, decode, load

JSON_VERSION = 1
FINGERPRINT_VERSION = "v1"
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


@dataclass(slots=True)
class NodeRef:
    """A typed node with the number of the section that holds it."""

    node: Any
    section: str  # "" for the preamble


@dataclass
class ParsedDocument:
    source: Source
    layout: Any
    doc_type: str
    doc_subtype: Optional[str]
    doc_type_evidence: str
    sections: tuple[Section, ...]
    flat: list[dict]
    nodes: list[NodeRef]
    references: list[dict] = field(default_factory=list)
    definitions: list[dict] = field(default_factory=list)
    errors: list[DocError] = field(default_factory=list)
    by_number: dict[str, Section] = field(default_factory=dict)
    provisions: dict = field(default_factory=dict)
    stage_times: dict = field(default_factory=dict)
    doc_title: Optional[str] = None  # the caption the document type was read from
    # (kind, upper-cased number) of each schedule, exhibit, annex and appendix ->
    # the first such section in document order (built on first use)
    _attachments: Optional[dict] = field(default=None, repr=False, compare=False)
    # (nodes, the references among them, the definitions among them): see _node_groups
    _groups: Optional[tuple] = field(default=None, repr=False, compare=False)
    # (sections, every (section, its enclosing sections) in document order, every clause as
    # (source start, source end, section, enclosing sections, clause), the kinds of value
    # (_V_* bits) each of those clauses holds): read by the fact readers
    _walked: Optional[tuple] = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.source.path

    def attachment(self, kind: str, number: str) -> Optional[Section]:
        """The first ``kind`` section ("schedule", "exhibit" ...) numbered ``number`` (case-insensitive)."""
        if self._attachments is None:
            index: dict = {}
            for sec in _walk(self.sections):
                if sec.kind in _ATTACHMENT_KINDS:
                    index.setdefault((sec.kind, sec.number.upper()), sec)
            self._attachments = index
        return self._attachments.get((kind, number))

    def span_quote(self, span: Span, limit: int = 200) -> str:
        q = self.source.text[span.offset : span.end_offset]
        q = re.sub(r"\s+", " ", q).strip()
        return q if len(q) <= limit else q[: limit - 1] + "\u2026"

    def section_text(self, number: str) -> str:
        sec = self.by_number.get(number)
        if sec is None:
            return ""
        return self.source.text[sec.span.offset : sec.span.end_offset]


@dataclass
class DocumentResult:
    path: str
    doc_type: str = "other"
    doc_subtype: Optional[str] = None
    encoding: Optional[str] = None
    notes: list[str] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    definitions: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    external_references: list[dict] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[DocError] = field(default_factory=list)
    calendar: list[dict] = field(default_factory=list)
    provisions: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    parsed: Optional[ParsedDocument] = None  # kept for reporters that show the text (HTML)

    @property
    def readable(self) -> bool:
        """False when the document could not be read at all."""
        return not any(e.stage == "load" for e in self.errors)

    def worst_severity(self, include_suppressed: bool = False) -> Optional[str]:
        worst = None
        for f in self.findings:
            if f.suppressed and not include_suppressed:
                continue
            if worst is None or SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[worst]:
                worst = f.severity
        return worst

    def to_json_dict(self) -> dict:
        return {
            "path": self.path,
            "doc_type": self.doc_type,
            "doc_subtype": self.doc_subtype,
            "encoding": self.encoding,
            "notes": list(self.notes),
            "sections": self.sections,
            "definitions": self.definitions,
            "references": self.references,
            "external_references": self.external_references,
            "obligations": [o.model_dump() for o in self.obligations],
            "findings": [f.model_dump() for f in self.findings],
            "calendar": self.calendar,
            "provisions": self.provisions,
            "errors": [e.model_dump(exclude_none=True) for e in self.errors],
            "stats": self.stats,
        }


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


def _walk(sections: Iterable[Section]):
    """Every section, depth first, in document order."""
    stack = list(sections)[::-1]
    while stack:
        s = stack.pop()
        yield s
        if s.children:
            stack.extend(s.children[::-1])


def parse_source(source: Source) -> ParsedDocument:
    """Layout, structure and clause grammar: the document's AST."""
    from .clauses import parse_clause
    from .doctype import detect
    from .layout import layout
    from .structure import build_structure, to_model

    errors: list[DocError] = []
    lay = layout(source)
    dt = detect(lay.text)
    outline = build_structure(lay)
    # what later stages go through, found as the sections are made (in the order of _walk):
    # the sections' entries of the JSON contract, each section with its enclosing ones, and
    # each clause with its section
    flat: list[dict] = []
    walked: list[tuple] = []
    rows: list[tuple] = []
    sections = to_model(outline, lay, parse_clause, flat, walked, rows)
    nodes: list[NodeRef] = []
    refs: list[NodeRef] = []
    defs: list[NodeRef] = []
    by_number: dict[str, Section] = {}
    attachments: dict = {}
    attachment_kinds = _ATTACHMENT_KINDS
    for sec, _parents in walked:
        number = sec.number
        if number and number not in by_number:
            by_number[number] = sec
        if sec.kind in attachment_kinds:
            attachments.setdefault((sec.kind, number.upper()), sec)
    values: list[int] = []  # the kinds of value each clause's nodes hold (_V_* bits), by row
    group_of = _GROUP_OF
    add = nodes.append
    sec = number = None
    for row in rows:
        if row[2] is not sec:
            sec = row[2]
            number = sec.number
        v = 0
        for node in row[4].nodes:
            nr = NodeRef(node, number)
            add(nr)
            g = group_of.get(type(node))
            if g is None:
                g = _node_group(node)
            v |= g
            if g & _GROUPS:
                if g & _REF:
                    refs.append(nr)
                if g & _DEF:
                    defs.append(nr)
                if g & _UNPARSED:
                    errors.append(
                        DocError(
                            message=f"could not read {node.text[:60]!r}: {node.reason}".rstrip(": "),
                            line=node.span.line,
                            column=node.span.column,
                            stage="grammar",
                        )
                    )
        values.append(v & _VALUES)
    return ParsedDocument(
        source=source,
        layout=lay,
        doc_type=dt.doc_type,
        doc_subtype=dt.subtype,
        doc_type_evidence=dt.evidence,
        doc_title=dt.title,
        sections=sections,
        flat=flat,
        nodes=nodes,
        errors=errors,
        by_number=by_number,
        _groups=(nodes, refs, defs),
        _attachments=attachments,
        _walked=(sections, walked, rows, values),
    )


# what a node's type makes it, for the lists of references and definitions and the
# errors of the grammar (a bit each), by type
_REF, _DEF, _UNPARSED = 1, 2, 4
_GROUPS = _REF | _DEF | _UNPARSED
# ... and the kind of value it states, for the fact readers (which read a clause closely
# only when it holds a value of a kind some reader wants, or one of their words):
# a duration, ratio or share count; a sum of money; a date; a bound
_V_KEY, _V_MONEY, _V_DATE, _V_BOUND = 8, 16, 32, 64
_VALUES = _V_KEY | _V_MONEY | _V_DATE | _V_BOUND
_GROUP_OF: dict[type, int] = {}


def _node_group(node: Any) -> int:
    g = 0
    if isinstance(node, (CrossRef, ExternalRef)):
        g |= _REF
    if isinstance(node, Definition):
        g |= _DEF
    if isinstance(node, Unparsed):
        g |= _UNPARSED
    g |= _value_kind(node)
    _GROUP_OF[type(node)] = g
    return g


def _value_kind(node: Any) -> int:
    """The _V_* bit of the kind of value ``node`` states (0: none)."""
    if isinstance(node, (Duration, Ratio, ShareCount)):
        return _V_KEY
    if isinstance(node, Money):
        return _V_MONEY
    if isinstance(node, DateNode):
        return _V_DATE
    if isinstance(node, Bound):
        return _V_BOUND
    return 0


def _node_groups(doc: Any) -> tuple[list[NodeRef], list[NodeRef]]:
    """(the references, the definitions) among ``doc.nodes``, in document order:
    picked out while the document is parsed, else here once per document."""
    nodes = doc.nodes
    got = getattr(doc, "_groups", None)
    if got is not None and got[0] is nodes:
        return got[1], got[2]
    refs: list[NodeRef] = []
    defs: list[NodeRef] = []
    group_of = _GROUP_OF
    for nr in nodes:
        node = nr.node
        g = group_of.get(type(node))
        if g is None:
            g = _node_group(node)
        if g & _REF:
            refs.append(nr)
        if g & _DEF:
            defs.append(nr)
    try:
        doc._groups = (nodes, refs, defs)
    except AttributeError:  # a document object of another kind: nothing kept
        pass
    return refs, defs


# ---------------------------------------------------------------------------
# References and definitions
# ---------------------------------------------------------------------------

_ATTACHMENT_KINDS = {"schedule", "exhibit", "annex", "appendix"}


def _norm_target(t: str) -> str:
    t = t.strip().rstrip(".")
    # white space out (str.split and the pattern "\s" know the same white space)
    return "".join(t.split()) if not t.isalnum() else t


_ATTACHMENT_BASE = re.compile(r"[A-Z0-9-]+")
_RELATIVE_PARTS = re.compile(r"^[^(]+|\([^)]*\)")


def resolve_reference(doc: ParsedDocument, ref: CrossRef, target: str, where: str) -> tuple[bool, Optional[Section]]:
    """Find the section a reference points at.  ``where`` is the number of the
    section holding the reference (for relative references such as "subsection (a) above")."""
    target = _norm_target(target)
    if ref.ref_type in _ATTACHMENT_KINDS:
        want = target.upper()
        sec = doc.attachment(ref.ref_type, want)
        if sec is not None:
            return True, sec
        # "Annex II(a)": the annex exists, the sub-part is inside it
        base = _ATTACHMENT_BASE.match(want)
        if base and base.group(0) != want:
            sec = doc.attachment(ref.ref_type, base.group(0))
            if sec is not None:
                return True, sec
        return False, None
    if ref.ref_type == "form":
        return False, None
    if target.startswith("("):
        base = ref.context or where
        parts = _RELATIVE_PARTS.findall(base or "")
        # try the innermost enclosing level outwards: 9(b) + (a) -> 9(b)(a), 9(a)
        for cut in range(len(parts), 0, -1):
            cand = "".join(parts[:cut]) + target
            if cand in doc.by_number:
                return True, doc.by_number[cand]
        return False, None
    if target in doc.by_number:
        return True, doc.by_number[target]
    return False, None


_FILING_LABEL = re.compile(r"^\s*EX(?:HIBIT|\.|-)\s*\d+(?:\.\d+)*[A-Z]?\s*$", re.I)


def _is_filing_label(doc: ParsedDocument, ref: CrossRef, section: str) -> bool:
    """"EXHIBIT 1.1" standing alone at the head of the file is the filing's own
    exhibit number, not a reference to an attachment."""
    if section or ref.ref_type != "exhibit" or ref.span.line > 12:
        return False
    line = doc.source.line_text(ref.span.line)
    return bool(_FILING_LABEL.match(line))


def collect_references(doc: ParsedDocument) -> tuple[list[dict], list[dict]]:
    refs: list[dict] = []
    ext: list[dict] = []
    add = refs.append
    # a target resolves the same wherever it is named from the same place (from anywhere,
    # unless it is relative): resolved once
    resolved: dict[tuple, tuple] = {}
    for nr in _node_groups(doc)[0]:
        n = nr.node
        if isinstance(n, CrossRef):
            where = nr.section
            ref_type = n.ref_type
            if _is_filing_label(doc, n, where):
                continue
            sp = n.span
            text = n.text
            line, column, end_line, end_column = sp.line, sp.column, sp.end_line, sp.end_column
            context = n.context
            for t in n.targets:
                # (where the reference stands matters only to a relative target: "(a)", "(b) above")
                key = (ref_type, t, context, where) if t.strip().startswith("(") else (ref_type, t)
                got = resolved.get(key)
                if got is None:
                    ok, sec = resolve_reference(doc, n, t, where)
                    got = resolved[key] = (
                        ok,
                        sec.number if sec else None,
                        sec.heading if sec else None,
                        bool(sec and sec.omitted),
                    )
                add(
                    {
                        "text": text,
                        "target": t,
                        "line": line,
                        "column": column,
                        "end_line": end_line,
                        "end_column": end_column,
                        "resolved": got[0],
                        "ref_type": ref_type,
                        "section": where,
                        "resolved_to": got[1],
                        "target_heading": got[2],
                        "target_omitted": got[3],
                    }
                )
        elif isinstance(n, ExternalRef):
            sp = n.span
            ext.append(
                {
                    "text": n.text,
                    "ref_type": n.ref_type,
                    "number": n.number,
                    "instrument": n.instrument,
                    "line": sp.line,
                    "column": sp.column,
                    "section": nr.section,
                }
            )
    return refs, ext


def collect_definitions(doc: ParsedDocument) -> list[dict]:
    out = []
    add = out.append
    for nr in _node_groups(doc)[1]:
        n = nr.node
        sp = n.span
        add(
            {
                "term": n.term,
                "line": sp.line,
                "column": sp.column,
                "end_line": sp.end_line,
                "end_column": sp.end_column,
                "form": n.form,
                "section": nr.section,
                "scope": n.scope,
            }
        )
    return out


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


def _normalise_quote(q: str) -> str:
    # (each run of white space one space, none at the ends: str.split knows the white space "\s" does)
    return " ".join(q.split()).lower()


def fingerprint(code: str, path: str, quote: str, occurrence: int = 0) -> str:
    """A finding's identity for baselines: never the line number."""
    return _fingerprint(code, os.path.basename(path), _normalise_quote(quote), occurrence)


def _fingerprint(code: str, doc: str, normalised_quote: str, occurrence: int) -> str:
    h = hashlib.sha256(f"{FINGERPRINT_VERSION}|{code}|{doc}|{normalised_quote}|{occurrence}".encode()).hexdigest()
    return f"{FINGERPRINT_VERSION}:{h[:32]}"


def finalize_findings(path: str, findings: list[Finding]) -> list[Finding]:
    """Deduplicate, fingerprint and sort findings deterministically."""
    seen: set[tuple] = set()
    unique: list[Finding] = []
    for f in findings:
        key = (f.code, f.line, f.column, f.message)
        if key in seen:
            continue
        seen.add(key)
        unique.append(f)
    unique.sort(key=lambda f: (f.line, f.column, f.code, f.message))
    counts: dict[tuple[str, str], int] = {}
    out = []
    doc = os.path.basename(path)
    for f in unique:
        k = (f.code, _normalise_quote(f.quote))
        occ = counts.get(k, 0)
        counts[k] = occ + 1
        out.append(f.model_copy(update={"fingerprint": _fingerprint(k[0], doc, k[1], occ)}))
    return out


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def _stage_error(stage: str, exc: BaseException) -> DocError:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return DocError(message=f"internal error in {stage}: {type(exc).__name__}: {exc}{where}", stage=stage)


def analyse(source: Source, *, options: Optional[dict] = None) -> DocumentResult:
    """Run every stage after loading on one decoded document."""
    # Checking a document allocates millions of small objects, nearly all freed
    # by reference counting; the cyclic collector would walk the growing parse
    # again and again (a sixth of the time).  It runs once, after the document.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        res = _analyse(source, options)
        if res.parsed is not None:
            from .obligations import TextView

            TextView.release_of(res.parsed)  # the facts' caches: reference cycles once the analysis is done
        return res
    finally:
        if gc_was_enabled:
            gc.enable()
            # the young generations, once per document; the old one is left to the
            # collector's own schedule (a forced full collection costs a tenth of a
            # second with a batch's caches in memory, and a checked document leaves
            # nothing in reference cycles once its caches are released).  A caller
            # that turned the collector off (the batch worker) collects itself,
            # once it has let the document go.
            gc.collect(1)


def _analyse(source: Source, options: Optional[dict]) -> DocumentResult:
    options = options or {}
    res = DocumentResult(path=source.path, encoding=source.encoding, notes=list(source.notes))
    text = source.text
    # (a text in ASCII is as many bytes as characters: not encoded to be measured)
    n_bytes = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    res.stats = {"bytes": n_bytes, "lines": source.line_count}
    t0 = time.perf_counter()
    try:
        doc = parse_source(source)
    except Exception as exc:  # a defect of ours: report it, never lose the document
        res.errors.append(_stage_error("parse", exc))
        return res
    t1 = time.perf_counter()
    res.parsed = doc
    res.doc_type = doc.doc_type
    res.doc_subtype = doc.doc_subtype
    res.sections = doc.flat
    res.errors.extend(doc.errors)
    res.notes.extend(_skipped_attachments(doc))
    try:
        doc.references, res.external_references = collect_references(doc)
        doc.definitions = collect_definitions(doc)
        res.references = doc.references
        res.definitions = doc.definitions
    except Exception as exc:
        res.errors.append(_stage_error("references", exc))
    t2 = time.perf_counter()
    findings: list[Finding] = []
    try:
        from .analysis import run_analysis

        obligations, found, calendar, errs = run_analysis(doc, options)
        res.obligations = obligations
        res.calendar = calendar
        res.provisions = _provisions_json(doc.provisions)
        findings.extend(found)
        res.errors.extend(errs)
    except Exception as exc:
        res.errors.append(_stage_error("rules", exc))
    t3 = time.perf_counter()
    res.findings = finalize_findings(source.path, findings)
    res.timings = {"parse": t1 - t0, "references": t2 - t1, "rules": t3 - t2, **doc.stage_times}
    return res


_SECOND = operator.itemgetter(1)


def _skipped_attachments(doc: ParsedDocument) -> list[str]:
    """A note for each uuencoded attachment the layout left out (a PDF or an image
    inside an old EDGAR submission): its file name and lines."""
    from .layout import UUENCODED

    removed = getattr(doc.layout, "removed", ())
    if not removed or UUENCODED not in map(_SECOND, removed):  # (most documents: none)
        return []
    runs: list[list[int]] = []
    for line, why in removed:
        if why != UUENCODED:
            continue
        if runs and line == runs[-1][1] + 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    notes = []
    for a, b in runs:
        name = doc.source.line_text(a).strip().split(None, 2)[2:] or ["?"]
        notes.append(f"uuencoded attachment {name[0]!r} skipped (lines {a}-{b})")
    return notes


def _provisions_json(provisions: dict) -> dict:
    out = {}
    for key, hit in sorted(provisions.items()):
        out[key] = {
            "section": getattr(hit, "section", None),
            "line": getattr(hit, "line", None),
            "column": getattr(hit, "column", None),
            "quote": getattr(hit, "quote", None),
        }
    return out


def check_source(source: Source, **options) -> DocumentResult:
    return analyse(source, options=options)


def check_text(text: str, path: str = "<text>", **options) -> DocumentResult:
    try:
        source = decode(text.encode("utf-8", "surrogatepass"), path)
    except InputError as exc:
        return DocumentResult(path=path, errors=[DocError(message=str(exc), stage="load")])
    return analyse(source, options=options)


def check_file(path: str, **options) -> DocumentResult:
    """Check one file.  A file that cannot be read yields a result whose
    ``errors`` say why (``readable`` is False); nothing is raised."""
    try:
        source = load(path)
    except InputError as exc:
        return DocumentResult(path=os.fspath(path), errors=[DocError(message=str(exc), stage="load")])
    return analyse(source, options=options)


def tool_info() -> dict:
    return {"name": "clausecheck", "version": __version__}


def rule_help(codes: Iterable[str]) -> dict:
    """Help text of the rules behind these codes, from their rule files."""
    try:
        from .rulespec import load_rules

        specs = {r.code: r for r in load_rules()}
    except Exception:  # the findings stand without their help text
        return {}
    out = {}
    for code in sorted(set(codes)):
        r = specs.get(code)
        if r is None:
            continue
        out[code] = {
            "name": r.name,
            "category": r.category,
            "severity": r.severity,
            "summary": r.summary,
            "rationale": r.rationale.strip(),
            "references": list(r.references),
        }
    return out


def results_to_json(results: list[DocumentResult]) -> dict:
    return {
        "version": JSON_VERSION,
        "tool": tool_info(),
        "documents": [r.to_json_dict() for r in results],
        "rules": rule_help(f.code for r in results for f in r.findings),
    }
