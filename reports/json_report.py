"""JSON: the public contract (version 1).  Fields are only ever added."""
from __future__ import annotations

import json


def render(results, **options) -> str:
    from checker.pipeline import results_to_json

    data = results_to_json(results)
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
