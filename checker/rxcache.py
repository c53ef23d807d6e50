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

# Which patterns are kept: all of the first run's; after that, only a pattern
# compiled again in a later run (the checks also build patterns from each
# document's own words and quotes, which would otherwise grow the file with every
# new document).  Bounds on the file, whatever happens:
MAX_ENTRIES = 4000
MAX_PATTERN_CHARS = 200_000
MAX_SEEN = 50_000  # hashes of patterns compiled once, waiting for a second run

_installed = False


def _key_prefix() -> str:
    import _sre
    from re import _constants

    return f"{sys.version}|{_sre.MAGIC}|{_constants.MAGIC}|{_sre.CODESIZE}"


def _stable_hash(pattern: str, flags: int) -> int:
    """A hash of a pattern that is the same in every run (``hash`` of a str is salted per process)."""
    import zlib

    return zlib.crc32(pattern.encode("utf-8", "surrogatepass")) << 8 | (int(flags) & 0xFF)


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
        seen: set[int] = set()
        try:
            with open(path, "rb") as fh:
                stored = pickle.load(fh)
            if isinstance(stored, dict) and stored.get("prefix") == prefix:
                cache = stored["entries"]
                seen = set(stored.get("seen", ()))
        except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ValueError):
            cache, seen = {}, set()
        first_run = not cache
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
                h = _stable_hash(p, flags)
                if len(cache) < MAX_ENTRIES and (first_run or h in seen):
                    cache[key] = hit
                    seen.discard(h)
                    added[0] += 1
                elif len(seen) < MAX_SEEN:
                    seen.add(h)
                    added[0] += 1
            return _sre.compile(p, hit[0], hit[1], hit[2], hit[3], hit[4])

        # the cached path must give what re gives: check one pattern both ways
        probe = r"(?P<a>x)\s+(?:y|z)*"
        if compile(probe, 2).groupindex != original(probe, 2).groupindex:
            return False

        def save() -> None:
            if added[0]:
                try:
                    write_atomically(path, pickle.dumps({"prefix": prefix, "entries": cache, "seen": sorted(seen)},
                                                        protocol=pickle.HIGHEST_PROTOCOL))
                except Exception:
                    pass

        _compiler.compile = compile
        atexit.register(save)
        _installed = True
        return True
    except Exception:
        return False
