"""Where the data shipped with the checker lives (grammars, rule files, report templates).

In an installed wheel the top-level folders ``grammar/``, ``rules/`` and
``reports/`` are packaged as ``checker.grammar``, ``checker.rules`` and
``checker.reports``, i.e. they sit inside the ``checker`` package.  In a
source checkout they sit beside it, at the repository root.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent


def resource_path(kind: str, name: str) -> Path:
    """Path of ``<kind>/<name>``: inside the installed package first, then the repository root.

    Raises FileNotFoundError naming both places when neither has the file.
    """
    candidates = (_PACKAGE_DIR / kind / name, _REPO_ROOT / kind / name)
    for path in candidates:
        if path.exists():
            return path
    raise FileNotFoundError(
        f"{kind}/{name} not found (looked in {candidates[0]} and {candidates[1]})"
    )
