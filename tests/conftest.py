from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE = REPO / "examples" / "sample-underwriting-agreement.txt"

SEED_NAMES = {
    "juniper": "000_7b6e6863a5071932.txt",
    "warrant": "002_8954e5eb644a283c.txt",
    "commvault": "003_0de2a6608b190a24.txt",
    "metricom": "004_010d758ab30663c9.txt",
}


def check_in_child(path: Path, fields: str, timeout: float) -> list[int]:
    """Check ``path`` in a child process and return the integers ``fields`` (a
    Python expression over the result ``r``, e.g. "len(r.errors), len(r.sections)")
    prints.  The time limit is a hang guard: a check that regresses to quadratic
    or worse time fails its test instead of hanging the suite."""
    import subprocess
    import sys

    code = f"import sys; from checker.pipeline import check_file; r = check_file(sys.argv[1]); print({fields})"
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         timeout=timeout, cwd=str(REPO))
    assert out.returncode == 0, out.stderr
    return [int(x) for x in out.stdout.split()]


def corpus_dir(*parts: str) -> Path:
    p = CORPUS.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"corpus not found at {p} (expected ../shared/corpus beside the repository)")
    return p


def seed_path(name: str) -> Path:
    return corpus_dir("seeds") / SEED_NAMES[name]


@pytest.fixture
def seed():
    return seed_path
