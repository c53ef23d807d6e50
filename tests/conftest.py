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
