"""Baselines: round trip, re-pagination, waivers."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from checker.baseline import BaselineError, apply_baseline, load, write
from checker.cli import main
from checker.pipeline import check_file
from conftest import SAMPLE


def _repaginate(text: str) -> str:
    """The same agreement laid out on different pages: extra page furniture and blank lines."""
    out = []
    for i, line in enumerate(text.splitlines()):
        out.append(line)
        if i and i % 23 == 0 and line.strip() == "":
            out += ["", "", f"                                       {i // 23}", "<PAGE>", ""]
    return "\n".join(out) + "\n"


def test_round_trip_suppresses_everything(tmp_path):
    res = check_file(str(SAMPLE))
    assert res.findings, "the sample agreement has deliberate defects"
    base = tmp_path / "baseline.json"
    data = write([res], str(base))
    assert len(data["findings"]) == len(res.findings)
    again = apply_baseline([check_file(str(SAMPLE))], str(base))[0]
    assert all(f.suppressed for f in again.findings)
    assert again.worst_severity() is None


def test_repaginated_copy_has_no_new_findings(tmp_path):
    copy = tmp_path / SAMPLE.name
    copy.write_text(_repaginate(SAMPLE.read_text()))
    base = tmp_path / "baseline.json"
    write([check_file(str(SAMPLE))], str(base))
    res = apply_baseline([check_file(str(copy))], str(base))[0]
    lines = {f.line for f in check_file(str(SAMPLE)).findings}
    assert {f.line for f in res.findings} != lines  # the text really moved
    assert [f for f in res.findings if not f.suppressed] == []


def test_new_defect_is_reported(tmp_path):
    base = tmp_path / "baseline.json"
    write([check_file(str(SAMPLE))], str(base))
    edited = tmp_path / SAMPLE.name
    edited.write_text(SAMPLE.read_text().replace("two (2) counterparts", "two (3) counterparts"))
    res = apply_baseline([check_file(str(edited))], str(base))[0]
    new = [f for f in res.findings if not f.suppressed]
    assert any("two (3)" in f.quote for f in new)


def test_expired_waiver_is_reported(tmp_path):
    base = tmp_path / "baseline.json"
    data = write([check_file(str(SAMPLE))], str(base))
    for e in data["findings"]:
        e["reason"] = "house form"
        e["expires"] = "2020-01-01"
    base.write_text(json.dumps(data))
    res = apply_baseline([check_file(str(SAMPLE))], str(base), today=dt.date(2026, 1, 1))[0]
    assert all(not f.suppressed for f in res.findings)
    assert any("waiver expired 2020-01-01 (house form)" in f.message for f in res.findings)
    assert any("expired" in n for n in res.notes)
    # a waiver still in force suppresses
    for e in data["findings"]:
        e["expires"] = "2030-01-01"
    base.write_text(json.dumps(data))
    res = apply_baseline([check_file(str(SAMPLE))], str(base), today=dt.date(2026, 1, 1))[0]
    assert all(f.suppressed for f in res.findings)
    kept = load(str(base))
    assert kept[0].reason == "house form"


def test_bad_baseline_is_a_clear_error(tmp_path):
    p = tmp_path / "b.json"
    p.write_text("{not json")
    with pytest.raises(BaselineError, match="not a clausecheck baseline"):
        load(str(p))
    assert main(["check", "--baseline", str(p), str(SAMPLE)]) == 2


def test_cli_baseline_then_check(tmp_path, capsys):
    base = tmp_path / "b.json"
    assert main(["baseline", str(SAMPLE), "-o", str(base)]) == 0
    assert main(["check", "--baseline", str(base), "--format", "json", str(SAMPLE)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(f["suppressed"] for f in out["documents"][0]["findings"])
