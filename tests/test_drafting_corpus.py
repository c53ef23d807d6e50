"""The drafting checks over the EDGAR corpus: they run on every document
without an internal error, stay quiet enough to be read, and cost less than
the parse."""
from __future__ import annotations

import collections
import time

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
    t_parse = t_draft = 0.0
    for p in files:
        src = load(p)
        t0 = time.process_time()
        doc = parse_source(src)
        doc.references, _ = collect_references(doc)
        doc.definitions = collect_definitions(doc)
        t1 = time.process_time()
        found = run_drafting_checks(doc)
        t2 = time.process_time()
        t_parse += t1 - t0
        t_draft += t2 - t1
        errors += [(p.name, e.message) for e in drafting_errors(doc)]
        counts.update(f.code for f in found)
        nbytes += len(src.text)
    return counts, nbytes, errors, t_parse, t_draft


@pytest.mark.slow
def test_edgar_corpus():
    counts, nbytes, errors, _tp, _td = _run(_files("edgar"))
    assert errors == []
    per100k = {c: n / (nbytes / 102400) for c, n in counts.items()}
    noisy = {c: round(r, 2) for c, r in per100k.items() if r > MAX_RATE}
    assert noisy == {}


@pytest.mark.slow
def test_batch_sample_quiet_and_fast():
    # every tenth file of the batch corpus (employment, credit, construction, licence agreements)
    counts, nbytes, errors, t_parse, t_draft = _run(_files("batch", 10))
    assert errors == []
    per100k = {c: n / (nbytes / 102400) for c, n in counts.items()}
    noisy = {c: round(r, 2) for c, r in per100k.items() if r > MAX_RATE}
    assert noisy == {}
    # the securities-offering findings have nothing to say about these documents
    assert counts["NUM005"] == 0 and counts["XREF005"] == 0
    # all drafting checks together cost less than the parse (with slack for a busy machine)
    assert t_draft < 1.5 * t_parse
