"""Every agreement of ../shared/corpus goes through the whole pipeline without an
internal error, and every position it reports lies inside its document."""
from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor

import pytest

from conftest import corpus_dir


def _check(path: str) -> dict:
    from checker.pipeline import check_file

    res = check_file(path)
    lines = res.stats.get("lines", 0)
    out = {
        "path": path,
        "internal": [e.message for e in res.errors if e.message.startswith("internal error") or e.stage not in ("load", "grammar")],
        "load": [e.message for e in res.errors if e.stage == "load"],
        "outside": [],
        "sections": len(res.sections),
        "doc_type": res.doc_type,
    }
    for f in res.findings:
        places = [(f.line, f.end_line)] + [(r.line, r.end_line or r.line) for r in f.related]
        for a, b in places:
            if not (1 <= a <= b <= lines):
                out["outside"].append(f"{f.code} {a}-{b} of {lines}")
    for o in res.obligations:
        if not 1 <= o.line <= lines:
            out["outside"].append(f"obligation {o.kind} at {o.line} of {lines}")
    json.dumps(res.to_json_dict())  # the contract serialises
    return out


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["seeds", "edgar", "batch"])
def test_whole_corpus_checks_cleanly(folder):
    root = corpus_dir(folder)
    paths = sorted(str(p) for p in root.rglob("*.txt"))
    assert paths
    with ProcessPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(_check, paths, chunksize=8))
    problems = [(r["path"], r["internal"], r["outside"]) for r in results if r["internal"] or r["outside"]]
    assert problems == []
    assert not [r for r in results if r["load"]], "a corpus file could not be read"
    if folder == "batch":
        # none of the 439 employment, credit, licence ... agreements is an offering document
        assert {r["doc_type"] for r in results} == {"other"}
