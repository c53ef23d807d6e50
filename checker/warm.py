"""Everything a check needs that does not depend on the document, made ready
before the first document arrives.

The batch forkserver imports this module before it forks workers, so each worker
starts with the check's modules imported (and their regular expressions
compiled), the clause grammar loaded and the rule specs read, instead of paying
for them -- about a quarter of a second -- on its first file, and again each
time a worker is replaced.  The durable_rules engine is not built here: its
state belongs to each worker.
"""
from __future__ import annotations


def warm() -> None:
    from . import analysis, clauses, formats, obligations, pipeline, provisions  # noqa: F401
    from . import drafting

    for spec in drafting.CHECKS:
        drafting._resolve(spec)
    clauses.grammar()
    analysis.rules()


try:
    warm()
except Exception:  # pragma: no cover - the same failure is reported, with its message, on the first file
    pass
