"""The checker's cache folder: validated rules, the loaded clause grammar and
compiled regular expressions, kept between runs so a new process starts fast.

``CLAUSECHECK_CACHE_DIR`` names the folder; otherwise ``$XDG_CACHE_HOME/clausecheck``
or ``~/.cache/clausecheck``.  ``CLAUSECHECK_NO_CACHE=1`` turns the cache off.
Every entry is keyed by what it was made from (file sizes and times, versions),
a damaged entry is made again, and a folder that cannot be written only costs time.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional


def cache_dir() -> Optional[Path]:
    """The cache folder, created if need be; None when caching is off or impossible."""
    if os.environ.get("CLAUSECHECK_NO_CACHE", "").strip() not in ("", "0"):
        return None
    base = os.environ.get("CLAUSECHECK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "clausecheck"
    )
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return None
    return Path(base)


def cache_file(name: str) -> Optional[Path]:
    d = cache_dir()
    return None if d is None else d / name


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
