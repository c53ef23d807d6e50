"""The command line: exit codes, one-line errors, formats."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checker.cli import main
from conftest import REPO, SAMPLE


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=cwd or REPO)


def test_sample_json_contract():
    proc = run("check", "--format", "json", str(SAMPLE))
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    assert data["tool"]["name"] == "clausecheck"
    (doc,) = data["documents"]
    for key in ("path", "doc_type", "sections", "definitions", "references", "obligations", "findings", "errors"):
        assert key in doc
    assert doc["doc_type"] == "underwriting_agreement"
    numbers = [s["number"] for s in doc["sections"]]
    # verified by reading examples/sample-underwriting-agreement.txt
    for n in ("1", "2", "2(a)", "2(b)", "3", "3(a)", "3(b)", "3(c)", "4", "5", "6", "7", "7(a)", "7(b)", "8", "9", "I"):
        assert n in numbers, n
    terms = {d["term"] for d in doc["definitions"]}
    assert {"Company", "Underwriters", "Firm Shares", "Optional Shares", "Stock", "Shares", "Commission", "Prospectus", "Act"} <= terms
    refs = {(r["target"], r["resolved"]) for r in doc["references"]}
    assert ("5(c)", False) in refs  # Section 5 has no subsection (c)
    assert ("6", True) in refs
    six = next(r for r in doc["references"] if r["target"] == "6")
    assert six["target_omitted"] is True
    for s in doc["sections"]:
        assert s["line"] <= s["end_line"]
    # every finding's rule comes with its help text from the rule file
    assert {f["code"] for f in doc["findings"]} == set(data["rules"])
    assert data["rules"]["NUM001"]["summary"] and data["rules"]["NUM001"]["references"] is not None
    assert all(f["fingerprint"].startswith("v1:") for f in doc["findings"])


def test_json_is_deterministic():
    a = run("check", "--format", "json", str(SAMPLE)).stdout
    b = run("check", "--format", "json", str(SAMPLE)).stdout
    assert a == b


def test_text_report_has_summary():
    proc = run("check", "--no-color", str(SAMPLE))
    assert proc.returncode in (0, 1)
    assert "1 document:" in proc.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    "content, expect",
    [(b"", "empty"), (b"\x00\x01\x02\x03" * 100, "binary"), (b"   \n", "white space")],
)
def test_bad_files_get_one_line_and_exit_2(tmp_path, content, expect):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    proc = run("check", str(p))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert expect in (proc.stdout + proc.stderr).lower()


def test_missing_file_exit_2(tmp_path):
    proc = run("check", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2
    assert "no such file" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    proc = run("check", "--format", "json", str(bad), str(SAMPLE))
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert len(data["documents"]) == 2
    assert data["documents"][0]["errors"][0]["message"].endswith("empty file")
    assert data["documents"][1]["sections"]


def test_usage_errors_exit_2(capsys):
    assert main(["check"]) == 2
    assert main(["check", "--format", "nonsense", str(SAMPLE)]) == 2
    assert main([]) == 2
    assert main(["check", "--pricing-date", "tomorrow", str(SAMPLE)]) == 2


def test_parse_command_prints_tree():
    proc = run("parse", "--nodes", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "section 7 Default of Underwriters" in proc.stdout
    assert "typed nodes:" in proc.stdout


def test_check_a_folder(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "ua.txt").write_text(SAMPLE.read_text())
    (tmp_path / "forms" / "nested").mkdir()
    (tmp_path / "forms" / "nested" / "ua2.txt").write_text(SAMPLE.read_text())
    (tmp_path / "forms" / ".hidden.txt").write_text("not an agreement")
    proc = run("check", "--format", "json", str(tmp_path / "forms"))
    assert proc.returncode == 1, proc.stderr
    paths = [d["path"] for d in json.loads(proc.stdout)["documents"]]
    # sorted by path, hidden files skipped
    assert [p.rsplit("/", 2)[-2:] for p in paths] == [["nested", "ua2.txt"], ["forms", "ua.txt"]]
