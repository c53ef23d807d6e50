"""Build of clausecheck: pure Python, with its busiest modules also compiled.

The metadata is in pyproject.toml.  This file adds one thing: where a C compiler
is at hand, the modules that take most of a check's time (the clause scan, the
document structure, the definitions checks ...) are compiled with Cython from
the very same ``.py`` files, which makes a check about 8% cheaper in CPU time.
The results are the same to the byte (``tests/test_compiled.py`` compares them
over the corpus).  Python imports a compiled module in preference to its
``.py`` file beside it, so nothing else changes.

Compilation is skipped, and the package installs as pure Python, when

- ``CLAUSECHECK_PURE_PYTHON=1`` is set (a quicker install: 8 s instead of 59 s on two cores);
- the install is editable (``pip install -e``), so that an edited ``.py`` file
  is never hidden behind a compiled copy of its older self;
- Cython cannot be imported (a build without build isolation).

A module that fails to compile (no compiler, say) is reported and stays pure
Python: the install goes on.
"""
from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# the modules compiled, busiest first (share of a batch check's CPU time in each,
# measured with py-spy over ../shared/corpus/batch: 26, 13, 9, 9, 7, 7, 7, 3, 2, 2, 2, 2%)
COMPILED = [
    "checker.clauses",
    "checker.drafting.definitions",
    "checker.structure",
    "checker.drafting.terms",
    "checker.layout",
    "checker.drafting.context",
    "checker.obligations",
    "checker.pipeline",
    "checker.drafting.numbers",
    "checker.drafting.numbering",
    "checker.drafting.parties",
    "checker.doctype",
]

# Cython directives: Python semantics throughout.  Annotations are documentation
# here, not C types (Cython would otherwise reject, say, a pydantic model class
# passed where ``type`` is written); functions stay introspectable and picklable.
DIRECTIVES = {"language_level": 3, "annotation_typing": False, "binding": True}
# Debug information and -O3 triple the compiler's time for no measurable gain
# in speed over -O1 on this generated code.
CFLAGS = ["-O1", "-g0"] if os.name == "posix" else []


def _wanted() -> bool:
    if os.environ.get("CLAUSECHECK_PURE_PYTHON", "").strip() not in ("", "0"):
        return False
    if "editable_wheel" in sys.argv or "develop" in sys.argv:
        return False
    try:
        import Cython.Build  # noqa: F401
    except ImportError:
        return False
    return True


class BuildExt(build_ext):
    """Cythonize when the command is prepared (the C files are kept in
    build/cython and made again only for a changed ``.py`` file), compile in
    parallel, and let a module that does not translate or compile stay pure
    Python."""

    def finalize_options(self) -> None:
        # (before the base class, which prepares each extension it is given for the build)
        if getattr(self, "editable_mode", False):
            self.distribution.ext_modules = []
        elif self.distribution.ext_modules:
            self.distribution.ext_modules = _cythonize(self.distribution.ext_modules, self.parallel)
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - any failure leaves the pure-Python module in place
            _not_compiled(ext.name, exc)


def _not_compiled(name: str, exc: BaseException) -> None:
    print(f"clausecheck: {name} was not compiled ({type(exc).__name__}: {exc}); it stays pure Python",
          file=sys.stderr)


def _cythonize(extensions: list[Extension], parallel) -> list[Extension]:
    from Cython.Build import cythonize

    options = dict(compiler_directives=DIRECTIVES, build_dir=os.path.join("build", "cython"), quiet=True)
    try:
        return cythonize(extensions, nthreads=int(parallel or os.cpu_count() or 1), **options)
    except Exception:  # noqa: BLE001 - one by one, leaving out a module Cython cannot translate
        translated = []
        for ext in extensions:
            try:
                translated += cythonize([ext], **options)
            except Exception as exc:  # noqa: BLE001
                _not_compiled(ext.name, exc)
        return translated


def _extensions() -> list[Extension]:
    if not _wanted():
        return []
    return [
        Extension(name, [name.replace(".", "/") + ".py"], extra_compile_args=CFLAGS, optional=True)
        for name in COMPILED
    ]


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildExt})
