"""Compiled regular expressions kept between runs of the command line.

The checker compiles several hundred regular expressions (the clause pre-scan,
the lexer's per-character patterns, the facts and drafting checks); Python's
``re`` parses and compiles each in pure Python, which is a fifth of a cold
``clausecheck check``.  The compiled form - the ``_sre`` code list, groups and
flags - depends only on the pattern, the flags and the Python version, so the
command line keeps it in the cache folder (:mod:`checker.cache`) and hands it
straight to ``_sre.compile`` the next time.

Only the command line installs this (:func:`install`, called by
``checker.cli.main``): a program that imports :mod:`checker` as a library keeps
its ``re`` untouched.  Anything unexpected (another Python, a changed ``re``
internals, a damaged file) falls back to ``re``'s own compiler.
"""
from __future__ import annotations

import atexit
import pickle
import sys
from typing import Any, Optional

# patterns compiled in one run that are kept (document-specific patterns built at
# run time would otherwise grow the file without end)
MAX_ENTRIES = 4000
MAX_PATTERN_CHARS = 200_000

_installed = False


def _key_prefix() -> str:
    import _sre
    from re import _constants

    return f"{sys.version}|{_sre.MAGIC}|{_constants.MAGIC}|{_sre.CODESIZE}"


def install() -> bool:
    """Route ``re``'s compiler through the cache; True when installed."""
    global _installed
    if _installed:
        return True
    try:
        import _sre
        from re import _compiler, _parser

        from .cache import cache_file, write_atomically

        path = cache_file("regex.pickle")
        if path is None:
            return False
        prefix = _key_prefix()
        cache: dict[Any, tuple] = {}
        try:
            with open(path, "rb") as fh:
                stored = pickle.load(fh)
            if isinstance(stored, dict) and stored.get("prefix") == prefix:
                cache = stored["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ValueError):
            cache = {}
        added: list[int] = [0]
        original = _compiler.compile

        def compile(p: Any, flags: int = 0) -> Any:
            if not isinstance(p, str) or len(p) > MAX_PATTERN_CHARS:
                return original(p, flags)
            key = (p, int(flags))
            hit = cache.get(key)
            if hit is None:
                parsed = _parser.parse(p, flags)
                code = [int(c) for c in _compiler._code(parsed, flags)]  # (its opcodes are int subclasses)
                groupindex = parsed.state.groupdict
                indexgroup: list[Optional[str]] = [None] * parsed.state.groups
                for k, i in groupindex.items():
                    indexgroup[i] = k
                hit = (flags | parsed.state.flags, code, parsed.state.groups - 1, dict(groupindex), tuple(indexgroup))
                if len(cache) < MAX_ENTRIES:
                    cache[key] = hit
                    added[0] += 1
            return _sre.compile(p, hit[0], hit[1], hit[2], hit[3], hit[4])

        # the cached path must give what re gives: check one pattern both ways
        probe = r"(?P<a>x)\s+(?:y|z)*"
        if compile(probe, 2).groupindex != original(probe, 2).groupindex:
            return False

        def save() -> None:
            if added[0]:
                try:
                    write_atomically(path, pickle.dumps({"prefix": prefix, "entries": cache}, protocol=pickle.HIGHEST_PROTOCOL))
                except Exception:
                    pass

        _compiler.compile = compile
        atexit.register(save)
        _installed = True
        return True
    except Exception:
        return False
