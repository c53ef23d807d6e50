"""Reporters: pure functions from check results to text.

No reporter computes a finding; each takes the list of
:class:`checker.pipeline.DocumentResult` and options and returns a string.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

# format name -> (module, function)
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("text_report", "render"),
    "json": ("json_report", "render"),
    "markdown": ("markdown_report", "render"),
    "sarif": ("sarif_report", "render"),
    "junit": ("junit_report", "render"),
    "html": ("html_report", "render"),
}


def available() -> list[str]:
    return sorted(FORMATS)


def get(fmt: str) -> Callable[..., str]:
    try:
        mod, fn = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(available())}") from None
    return getattr(import_module(f"{__name__}.{mod}"), fn)


def render(fmt: str, results, **options) -> str:
    return get(fmt)(results, **options)
