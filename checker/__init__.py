"""clausecheck: a rule-based compliance checker for securities-offering agreements.

Python API::

    import checker
    result = checker.check_file("agreement.txt")      # a checker.pipeline.DocumentResult
    print(result.to_json_dict()["findings"])
"""
from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# In the wheel, grammar/, rules/ and reports/ are installed inside this package
# (checker.grammar, checker.rules, checker.reports).  In a source checkout they sit
# beside it at the repository root; let the package find them there too.
_here = _os.path.dirname(_os.path.abspath(__file__))
_root = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "reports")) and _os.path.isfile(
    _os.path.join(_root, "reports", "__init__.py")
):
    __path__.append(_root)  # type: ignore[name-defined]


def check_file(path, **kwargs):
    """Check one agreement on disk; see :func:`checker.pipeline.check_file`."""
    from .pipeline import check_file as _check_file

    return _check_file(path, **kwargs)


def check_text(text: str, path: str = "<text>", **kwargs):
    """Check agreement text held in memory; see :func:`checker.pipeline.check_text`."""
    from .pipeline import check_text as _check_text

    return _check_text(text, path=path, **kwargs)


__all__ = ["__version__", "check_file", "check_text"]
