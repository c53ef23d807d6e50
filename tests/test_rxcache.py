"""The command line's cache of compiled regular expressions (checker.rxcache)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_SCRIPT = r"""
import re, sys
from checker import rxcache
assert rxcache.install()
pats = [r"(?P<n>\d[\d,]*)\s+(?:business\s+)?days?\b", r"[^a-z0-9\-'](sec(?:tion|\.)|rule)\b", r"\bUnderwriters?\b"]
out = []
for i, p in enumerate(pats):
    rx = re.compile(p, re.I if i == 1 else 0)
    m = rx.search("within 1,500 Business days of  Section 7; the Underwriters")
    out.append((rx.pattern, rx.flags, rx.groups, sorted(rx.groupindex.items()), m and (m.span(), m.groups())))
print(repr(out))
"""


def _run(cache_dir: Path, extra_env: dict | None = None) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO), CLAUSECHECK_CACHE_DIR=str(cache_dir), **(extra_env or {}))
    env.pop("CLAUSECHECK_NO_CACHE", None)
    r = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_cached_patterns_match_as_re_compiles_them(tmp_path):
    expected = subprocess.run([sys.executable, "-c", _SCRIPT.replace("assert rxcache.install()", "pass")],
                              env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True,
                              timeout=60).stdout
    first = _run(tmp_path)  # compiles and stores
    assert (tmp_path / "regex.pickle").is_file()
    second = _run(tmp_path)  # from the cache
    assert first == second == expected
    assert "'Section'" in expected and "(46, 58)" in expected  # the script really matched


def test_damaged_or_foreign_cache_is_ignored(tmp_path):
    expected = _run(tmp_path / "fresh")
    (tmp_path / "regex.pickle").write_bytes(b"\x80\x05garbage")
    assert _run(tmp_path) == expected
    import pickle

    (tmp_path / "regex.pickle").write_bytes(pickle.dumps({"prefix": "another python", "entries": {("x", 0): (0, [1], 0, {}, ())}}))
    assert _run(tmp_path) == expected


def test_library_import_leaves_re_alone():
    r = subprocess.run([sys.executable, "-c", "import re._compiler as c; f = c.compile; import checker.pipeline; "
                        "print(c.compile is f)"], env=dict(os.environ, PYTHONPATH=str(REPO)),
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "True", r.stderr


def test_a_pattern_is_kept_only_once_a_later_run_compiles_it_again(tmp_path):
    """After the first run, a new pattern (built from one document's words, say) is
    remembered by a hash only; a second run that compiles it again stores it."""
    import pickle

    _run(tmp_path)  # the first run keeps everything it compiled
    script = "import re; from checker import rxcache; assert rxcache.install(); re.compile(r'Widget\\s+Purchase\\s+Price')"
    env = dict(os.environ, PYTHONPATH=str(REPO), CLAUSECHECK_CACHE_DIR=str(tmp_path))
    env.pop("CLAUSECHECK_NO_CACHE", None)

    def stored() -> set:
        return {k[0] for k in pickle.loads((tmp_path / "regex.pickle").read_bytes())["entries"]}

    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    assert r"Widget\s+Purchase\s+Price" not in stored()
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    assert r"Widget\s+Purchase\s+Price" in stored()
