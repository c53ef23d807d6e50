"""The compiled build (setup.py) is the pure-Python package made faster, nothing else.

The rest of the suite runs the checkout's own ``.py`` files.  Where the
environment running the tests has clausecheck installed with compiled modules
(``pip install .`` with a C compiler, as the README and CI do), these tests run
that installed copy over the corpus and require every result to be the same as
the checkout's, to the byte.
"""
from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

import checker
from conftest import CORPUS, REPO, SAMPLE, corpus_dir


def _setup_list(name: str):
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"setup.py has no {name}")


def _installed_package() -> Path:
    """The folder holding the installed checker/ package, if it is a compiled, non-editable install."""
    # (looked for in the environment's own folders: a checkout's stray *.egg-info must not count)
    folders = sorted({sysconfig.get_paths()[k] for k in ("purelib", "platlib")})
    dist = next(iter(metadata.distributions(name="clausecheck", path=folders)), None)
    if dist is None:
        pytest.skip("clausecheck is not installed in this environment (the README's pip install . does that)")
    pkg = Path(str(dist.locate_file("checker")))
    if not (pkg / "__init__.py").is_file() or pkg.resolve() == (REPO / "checker").resolve():
        pytest.skip("clausecheck is installed in editable mode, which is never compiled")
    compiled = [p for p in pkg.rglob("*") if p.suffix in (".so", ".pyd")]
    if not compiled:
        pytest.skip("the installed clausecheck is pure Python (no C compiler at install time, "
                    "or CLAUSECHECK_PURE_PYTHON was set)")
    return pkg.parent


def test_every_compiled_module_is_a_module_of_the_package():
    names = _setup_list("COMPILED")
    assert len(names) == len(set(names))
    for name in names:
        assert (REPO / (name.replace(".", "/") + ".py")).is_file(), name
    # the data model (pydantic) and the rule engine's callbacks stay interpreted
    assert "checker.model" not in names and "checker.engine" not in names


def test_checkout_runs_pure_python_and_says_so():
    # the tests' own checker is the checkout's .py files, never a stale compiled copy
    assert checker.compiled_modules() == [], "compiled modules in the checkout would hide edits to their .py files"
    assert checker.build_description() == "pure Python"
    out = subprocess.run([sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0
    assert out.stdout.strip() == f"clausecheck {checker.__version__} (pure Python)"


def test_installed_build_reports_its_compiled_modules(tmp_path):
    site = _installed_package()
    code = "import checker; print(checker.build_description()); print(*checker.compiled_modules())"
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    description, names = out.stdout.splitlines()
    assert set(names.split()) == set(_setup_list("COMPILED"))
    assert description == f"{len(_setup_list('COMPILED'))} modules compiled"


@pytest.mark.slow
def test_installed_build_gives_the_same_results_as_the_source():
    site = _installed_package()
    corpus = corpus_dir()
    spec = importlib.util.spec_from_file_location("same_output", REPO / "benchmarks" / "same_output.py")
    same_output = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(same_output)
    # every corpus document, and an edited copy of each seed, EDGAR exhibit and twelfth batch document
    compiled, pure = same_output.results([site, REPO], corpus, mutants=1, seed=11)
    assert len(compiled) > 400
    assert same_output.differing(compiled, pure) == []


def test_installed_build_leaves_no_reference_cycles(tmp_path):
    # Cython keeps the names that a function's inner functions share in one scope
    # object: an inner function that another one uses would be kept in the scope
    # it holds itself, a cycle the pure-Python module does not have (see
    # test_batch.test_a_checked_document_leaves_no_reference_cycles)
    site = _installed_package()
    docs = [str(SAMPLE)]
    if (CORPUS / "seeds").is_dir():
        docs += sorted(str(p) for p in (CORPUS / "seeds").iterdir() if p.suffix == ".txt")
    script = (
        "import sys\n"
        "sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "import checker\n"
        "assert checker.compiled_modules(), checker.__file__\n"
        "from checker.formats import check_any\n"
        "from test_batch import _garbage_of_ours\n"
        "for doc in sys.argv[3:]:\n"
        "    print(doc, *_garbage_of_ours(lambda: list(check_any(doc))))\n"
    )
    out = subprocess.run([sys.executable, "-I", "-c", script, str(site), str(REPO / "tests"), *docs],
                         capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:-1] == docs
