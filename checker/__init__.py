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


def compiled_modules() -> list[str]:
    """The package's modules that run compiled (see setup.py), by dotted name;
    empty for a pure-Python install.  A compiled module sits beside its ``.py``
    file and is the one Python imports."""
    from importlib.machinery import EXTENSION_SUFFIXES

    out = []
    for folder, subfolders, names in _os.walk(_here):
        subfolders[:] = sorted(d for d in subfolders if d.isidentifier() and d != "__pycache__")
        package = "checker" if folder == _here else "checker." + _os.path.relpath(folder, _here).replace(_os.sep, ".")
        for name in sorted(names):
            for suffix in EXTENSION_SUFFIXES:
                if name.endswith(suffix) and _os.path.isfile(_os.path.join(folder, name[: -len(suffix)] + ".py")):
                    out.append(f"{package}.{name[: -len(suffix)]}")
                    break
    return out


def build_description() -> str:
    """How this install runs: "pure Python" or "N modules compiled"."""
    n = len(compiled_modules())
    return f"{n} module{'s' if n != 1 else ''} compiled" if n else "pure Python"


def check_file(path, **kwargs):
    """Check one agreement on disk; see :func:`checker.pipeline.check_file`."""
    from .pipeline import check_file as _check_file

    return _check_file(path, **kwargs)


def check_text(text: str, path: str = "<text>", **kwargs):
    """Check agreement text held in memory; see :func:`checker.pipeline.check_text`."""
    from .pipeline import check_text as _check_text

    return _check_text(text, path=path, **kwargs)


__all__ = ["__version__", "build_description", "check_file", "check_text", "compiled_modules"]
