"""The drafting checks over the EDGAR corpus: they run on every document
without an internal error and stay quiet enough to be read.  (What they cost
is measured by benchmarks/check.py, not here.)"""
from __future__ import annotations

import collections

import pytest

from checker.drafting import drafting_errors, run_drafting_checks
from checker.pipeline import collect_definitions, collect_references, parse_source
from checker.source import load

from conftest import corpus_dir

# findings per 100 KB above which a code is noise rather than a proofreading note
MAX_RATE = 3.0


def _files(sub: str, step: int = 1):
    d = corpus_dir(sub)
    return sorted(p for p in d.rglob("*.txt"))[::step]


def _run(files):
    counts: collections.Counter = collections.Counter()
    nbytes = 0
    errors = []
    where = collections.defaultdict(list)  # code -> (file name, line, quote)
    for p in files:
        src = load(p)
        doc = parse_source(src)
        doc.references, _ = collect_references(doc)
        doc.definitions = collect_definitions(doc)
        found = run_drafting_checks(doc)
        errors += [(p.name, e.message) for e in drafting_errors(doc)]
        counts.update(f.code for f in found)
        for f in found:
            where[f.code].append((p.name, f.line, f.quote))
        nbytes += len(src.text)
    return counts, nbytes, errors, where


@pytest.mark.slow
def test_edgar_corpus():
    counts, nbytes, errors, _where = _run(_files("edgar"))
    assert errors == []
    per100k = {c: n / (nbytes / 102400) for c, n in counts.items()}
    noisy = {c: round(r, 2) for c, r in per100k.items() if r > MAX_RATE}
    assert noisy == {}


@pytest.mark.slow
def test_batch_sample_quiet():
    # every tenth file of the batch corpus (employment, credit, construction, licence agreements)
    counts, nbytes, errors, where = _run(_files("batch", 10))
    assert errors == []
    per100k = {c: n / (nbytes / 102400) for c, n in counts.items()}
    noisy = {c: round(r, 2) for c, r in per100k.items() if r > MAX_RATE}
    assert noisy == {}
    # the securities-offering findings have nothing to say about these documents,
    # but for one statute named with the wrong year: a credit agreement's legend,
    # "REGISTER UNDER THE SECURITIES ACT OF 1934" (line 3205)
    assert counts["NUM005"] == 0
    assert where["XREF005"] == [
        ("agreements-credit--785968_2005-05-13_CREDIT_AGREEMENT.txt", 3205, "SECURITIES ACT OF 1934")
    ]
