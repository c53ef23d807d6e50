"""pytest plugin: each agreement template named in ``[tool.clausecheck] templates``
becomes one test item that fails on findings at or above the configured severity
that are not recorded in the baseline.

    [tool.clausecheck]
    templates = ["forms/*.txt"]                 # globs, relative to the rootdir
    baseline = "clausecheck-baseline.json"      # optional
    fail-on = "warning"                         # optional, default "error"

``pytest --clausecheck-update-baseline`` rewrites the baseline from the current
findings (keeping the reasons and expiry dates of waivers that still match).
"""
from __future__ import annotations

import glob
import os
import tomllib
from pathlib import Path
from typing import Optional

import pytest

_SEV = {"info": 0, "warning": 1, "error": 2}


def pytest_addoption(parser):
    group = parser.getgroup("clausecheck")
    group.addoption(
        "--clausecheck-update-baseline",
        action="store_true",
        default=False,
        help="rewrite the clausecheck baseline from the templates' current findings",
    )
    group.addoption(
        "--no-clausecheck",
        action="store_true",
        default=False,
        help="do not collect the agreement templates named in [tool.clausecheck]",
    )


def _settings(rootdir: Path) -> Optional[dict]:
    pp = rootdir / "pyproject.toml"
    if not pp.is_file():
        return None
    try:
        with open(pp, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    tool = data.get("tool", {}).get("clausecheck")
    if not isinstance(tool, dict) or not tool.get("templates"):
        return None
    return tool


def _template_paths(rootdir: Path, patterns) -> list[Path]:
    out: list[Path] = []
    for pat in patterns:
        hits = sorted(glob.glob(str(rootdir / pat), recursive=True))
        out.extend(Path(h) for h in hits if os.path.isfile(h))
    seen, uniq = set(), []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            uniq.append(p)
    return uniq


class ClausecheckFailure(Exception):
    pass


class TemplateItem(pytest.Item):
    def __init__(self, *, template: Path, settings: dict, **kwargs):
        super().__init__(**kwargs)
        self.template = template
        self.settings = settings
        self.add_marker("clausecheck")

    def runtest(self):
        from .pipeline import check_file

        res = check_file(str(self.template))
        self.config.stash.setdefault(_RESULTS_KEY, []).append(res)
        if not res.readable:
            raise ClausecheckFailure("\n".join(e.message for e in res.errors))
        if self.config.getoption("--clausecheck-update-baseline"):
            return  # recording: the baseline is written at the end of the session
        baseline = self.settings.get("baseline")
        if baseline and not self.config.getoption("--clausecheck-update-baseline"):
            bpath = Path(self.config.rootpath) / baseline
            if bpath.exists():
                from .baseline import apply_baseline

                apply_baseline([res], str(bpath))
        fail_on = self.settings.get("fail-on", self.settings.get("fail_on", "error"))
        threshold = _SEV.get(fail_on, 2)
        bad = [f for f in res.findings if not f.suppressed and _SEV[f.severity] >= threshold]
        if bad:
            lines = [f"{len(bad)} finding(s) at or above {fail_on!r} not in the baseline:"]
            for f in bad:
                lines.append(f"  {self.template.name}:{f.line}:{f.column}: {f.severity} {f.code} {f.message}")
                lines.append(f"      | {f.quote}")
                for r in f.related:
                    lines.append(f"      related {r.line}:{r.column}: {r.quote}")
            raise ClausecheckFailure("\n".join(lines))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ClausecheckFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.template, None, f"clausecheck: {self.template.name}"


class TemplatesCollector(pytest.File):
    def collect(self):
        settings = self.config.stash[_SETTINGS_KEY]
        for t in _template_paths(Path(self.config.rootpath), settings["templates"]):
            rel = os.path.relpath(t, self.config.rootpath)
            yield TemplateItem.from_parent(self, name=rel, template=t, settings=settings)


_SETTINGS_KEY = pytest.StashKey[dict]()
_RESULTS_KEY = pytest.StashKey[list]()


def pytest_configure(config):
    config.addinivalue_line("markers", "clausecheck: an agreement template checked by clausecheck")


def pytest_collection_modifyitems(session, config, items):
    if config.getoption("--no-clausecheck"):
        return
    settings = _settings(Path(config.rootpath))
    if not settings:
        return
    config.stash[_SETTINGS_KEY] = settings
    pp = Path(config.rootpath) / "pyproject.toml"
    collector = TemplatesCollector.from_parent(session, path=pp)
    new_items = list(collector.collect())
    items.extend(new_items)


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if not config.getoption("--clausecheck-update-baseline"):
        return
    settings = config.stash.get(_SETTINGS_KEY, None)
    results = config.stash.get(_RESULTS_KEY, [])
    if not settings or not results:
        return
    from .baseline import write

    path = Path(config.rootpath) / settings.get("baseline", "clausecheck-baseline.json")
    data = write(results, str(path), keep_waivers_from=str(path))
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:
        tr.write_line(f"clausecheck: baseline {path.name} updated with {len(data['findings'])} finding(s)")
