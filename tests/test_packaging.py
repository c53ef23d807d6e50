"""The wheel ships grammar/, rules/ and reports/ and works from any directory."""
from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        # (the pure-Python wheel: the compiled build is the one CI installs, see test_compiled.py)
        env=dict(os.environ, CLAUSECHECK_PURE_PYTHON="1"),
    )
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}")
    wheels = list(out.glob("clausecheck-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_contains_grammar_rules_and_reports(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("checker/grammar/") and n.endswith(".lark") for n in names)
    assert any(n.startswith("checker/rules/") and n.endswith(".yaml") for n in names)
    assert "checker/reports/__init__.py" in names
    assert "checker/cli.py" in names
    # every module of the package ships (a subpackage missing from the build list would not)
    for py in (REPO / "checker").rglob("*.py"):
        rel = py.relative_to(REPO).as_posix()
        assert rel in names, f"{rel} is missing from the wheel"
    for py in (REPO / "reports").glob("*.py"):
        assert f"checker/reports/{py.name}" in names
    # nothing of ours is installed as a generic top-level package
    tops = {n.split("/")[0] for n in names if not n.startswith("clausecheck-")}
    assert tops == {"checker"}
    meta = next(n for n in names if n.endswith("entry_points.txt"))
    assert "clausecheck = checker.cli:main" in zipfile.ZipFile(wheel).read(meta).decode()


def test_installed_command_runs_from_any_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    purelib = Path(
        subprocess.check_output([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip()
    )
    # install the wheel by unpacking it (no network, no pip needed in the new environment)
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(purelib)
    # the dependencies come from the environment running the tests, placed after ours on sys.path
    deps = [p for p in site.getsitepackages() + [sysconfig.get_paths()["purelib"]] if os.path.isdir(p)]
    (purelib / "_clausecheck_test_deps.pth").write_text("\n".join(deps) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    sample = work / "draft.txt"
    sample.write_bytes(SAMPLE.read_bytes())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run(
        [str(py), "-c", "import checker, checker.reports, checker.clauses; print(checker.__file__)"],
        cwd=work, capture_output=True, text=True, env=env,
    )
    assert where.returncode == 0, where.stderr
    assert str(purelib) in where.stdout, "checker was imported from somewhere other than the new environment"
    proc = subprocess.run(
        [str(py), "-m", "checker", "check", "--format", "json", "draft.txt"],
        cwd=work, capture_output=True, text=True, env=env,
    )
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    doc = data["documents"][0]
    assert doc["doc_type"] == "underwriting_agreement"
    assert any(s["number"] == "7(b)" for s in doc["sections"])
    rules = subprocess.run([str(py), "-m", "checker", "rules"], cwd=work, capture_output=True, text=True, env=env)
    assert rules.returncode == 0 and "LOCK001" in rules.stdout, rules.stderr
