"""Accuracy by mutation, the quick form for CI: about ten mutants per category,
made from the four seeds only (the full run is ``python benchmarks/accuracy.py``).

Each mutant carries one injected defect of a known category at a known line
(benchmarks/mutations.yaml).  A category whose rules exist must find at least
90% of its mutants; a category that produces no finding at all, on any original
or mutant, is marked xfail naming the missing category, so the gap stays visible.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
MIN_RECALL = 0.9
PER_CATEGORY = 10


@pytest.fixture(scope="module")
def quick_run():
    if not (CORPUS / "seeds").is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (expected ../shared/corpus beside the repository)")
    from benchmarks import accuracy

    files = accuracy.corpus_files(CORPUS, quick=True)
    muts = accuracy.select(accuracy.load_mutations(), files, PER_CATEGORY)
    originals, mutants = accuracy.run_all(CORPUS, files, muts, jobs=2)
    summary = accuracy.score(muts, originals, mutants)
    seen = Counter()
    for r in list(originals.values()) + list(mutants.values()):
        seen.update(f["category"] for f in r["findings"])
    print("\n" + accuracy.format_table(summary))
    return muts, summary, seen


def test_mutation_list_applies_to_the_seeds(quick_run):
    muts, summary, _ = quick_run
    assert muts, "no seed mutants in benchmarks/mutations.yaml"
    bad = [d for d in summary["details"] if d["status"] == "apply_error"]
    assert not bad, bad
    counts = Counter(m["category"] for m in muts)
    # the seeds allow these many at least (fewer for missing-provision: 4 documents;
    # numbers: 7 valid words/numeral pairs and one Total table among the seeds)
    for cat, least in {"lockup": 9, "option": 9, "default": 10, "definitions": 10, "cross-reference": 10,
                       "numbers": 7, "missing-provision": 4}.items():
        assert counts[cat] >= least, (cat, counts)


def test_originals_check_without_internal_errors(quick_run):
    _, summary, _ = quick_run
    internal = {rel: [e for e in errs if "internal error" in e] for rel, errs in summary["stage_errors"].items()}
    internal = {k: v for k, v in internal.items() if v}
    assert not internal, internal


@pytest.mark.parametrize(
    "category", ["lockup", "option", "default", "numbers", "cross-reference", "definitions", "missing-provision", "numbering"]
)
def test_recall(quick_run, category):
    _, summary, seen = quick_run
    pc = summary["per_category"][category]
    if seen[category] == 0:
        pytest.xfail(f"no '{category}' finding on any seed or mutant: the '{category}' rules are missing or silent")
    recall = pc["detected"] / pc["mutants"]
    assert recall >= MIN_RECALL, f"{category}: recall {recall:.2f} ({pc['detected']}/{pc['mutants']}); missed {pc['missed']}"


def test_scoring_mechanics():
    """apply_mutation, the line shift and the detection window, on a made-up text."""
    from benchmarks import accuracy as A

    text = "l1\nwithin thirty (30) days\nl3\nGOVERNING LAW\nshall be governed by\n\nl7 Section 8 hereof\n"
    m = {"id": "t1", "op": "replace", "find": "thirty (30)", "occurrence": 0, "replace": "thirty (31)", "line": 2}
    out, shifts = A.apply_mutation(text, m)
    assert "thirty (31) days" in out and shifts == []
    d = {"id": "t2", "op": "delete_lines", "ranges": [[4, 5]], "expect": "governed by", "line": 4}
    out, shifts = A.apply_mutation(text, d)
    assert out.split("\n")[4] == "l7 Section 8 hereof"
    assert A.to_original_line(5, shifts) == 7 and A.to_original_line(3, shifts) == 3
    orig = [{"code": "XREF001", "category": "cross-reference", "line": 7, "quote": "Section 8"}]
    mut = [{"code": "XREF001", "category": "cross-reference", "line": 5, "quote": "Section 8"},
           {"code": "MISS001", "category": "missing-provision", "line": 1, "quote": "x"}]
    new = A.new_findings(orig, mut, shifts)
    assert [f["code"] for f in new] == ["MISS001"]  # the shifted XREF001 is the original's
    d.update(category="missing-provision", scope="document")
    assert A.detected(d, new)
    m.update(category="numbers", scope="local")
    assert A.detected(m, [{"code": "NUM001", "category": "numbers", "line": 4, "end_line": 4, "quote": "q"}])
    assert not A.detected(m, [{"code": "NUM001", "category": "numbers", "line": 6, "end_line": 6, "quote": "q"}])
    assert not A.detected(m, [{"code": "XREF001", "category": "cross-reference", "line": 2, "end_line": 2, "quote": "q"}])
    # after deleted lines, a new finding is placed at its line in the original, as the windows are
    k = {"id": "t3", "op": "delete_lines", "ranges": [[4, 5]], "line": 6, "window": [5, 7], "category": "numbering",
         "scope": "local"}
    new = A.new_findings([], [{"code": "NUMB001", "category": "numbering", "line": 4, "end_line": 4, "quote": "q",
                              "related": [{"line": 3, "quote": "p"}]}], shifts)
    assert new[0]["line"] == 6 and new[0]["mutant_line"] == 4
    assert A.detected(k, new)
