"""The house playbook (:class:`Policy`) and the project settings (:class:`Config`).

Settings live in ``pyproject.toml`` under ``[tool.clausecheck]`` or, for
projects without one, in a standalone ``clausecheck.toml`` whose top level holds
the same keys::

    [tool.clausecheck]
    select = ["LOCK", "DFLT"]          # codes, code prefixes, aliases or dotted names; empty = all
    ignore = ["NUM003"]
    fail-on = "warning"                # error | warning | info | never
    templates = ["forms/*.txt"]        # forms whose blanks are intentional
    [tool.clausecheck.per-file-ignores]
    "drafts/*.txt" = ["BLANK"]
    [tool.clausecheck.policy]
    min_lockup_days = 180

:func:`load_config` walks up from a directory and uses the first
``clausecheck.toml``, or ``pyproject.toml`` that has a ``[tool.clausecheck]``
table (a ``clausecheck.toml`` wins over a ``pyproject.toml`` in the same
directory).  Unknown keys are errors that name the key; keys that were renamed
are errors that name the replacement (:data:`RENAMED_KEYS`).

Policy defaults follow US market practice for underwritten offerings:

* ``min_lockup_days = 180``: the IPO lock-up (company, directors, officers and
  principal holders) that the underwriters' counsel asks for by default;
  ``min_lockup_days_follow_on = 90``: follow-on and secondary offerings by
  seasoned issuers commonly use 60 to 90 days.  Rules choose between them by the
  document fact's ``subtype`` (``ipo`` / ``follow_on`` from document-type
  detection); documents of unknown subtype are held to the IPO figure.
* ``max_option_pct = 0.15``: the over-allotment ("green shoe") option is at most
  15% of the firm shares (FINRA Rule 5110, the Corporate Financing Rule, and
  before it NASD Conduct Rule 2710, treat a larger option as an unreasonable
  term).
* ``max_option_window_days = 30``: the option is exercisable for 30 days from
  the date of the prospectus, the customary period for covering the
  syndicate's over-allotment short position.
* ``max_option_closing_business_days = 10``: an option closing no later than
  ten business days after the exercise notice (with two at the earliest).
* ``accepted_default_thresholds = (1/11, 0.10)``: the defaulting-underwriter
  step-up applies if the defaulted securities do not exceed one-eleventh
  (9.09%, the Goldman form: a 10% increase for the others) or 10% (a one-ninth
  increase) of the offering; ``default_threshold_tolerance`` absorbs the
  rounding of "9.09%".
* ``max_424b_business_days = 2``: Rule 424(b)(1)/(4) prospectus filed no later
  than the second business day after pricing or first use.
* ``business_calendar = "ny_banks"``: "business day" means a day on which banks
  in New York City are open (the usual definition); see :mod:`checker.calendar`.
"""
from __future__ import annotations

import difflib
import fnmatch
import os
import time
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "Policy",
    "Config",
    "ConfigError",
    "RENAMED_KEYS",
    "CONFIG_KEYS",
    "load_config",
    "load_config_file",
    "load_settings",
    "find_config_file",
    "selector_matches",
    "select_rules",
]

FAIL_ON = ("error", "warning", "info", "never")


class Policy(BaseModel):
    """House playbook values the rules compare documents against."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_lockup_days: int = Field(180, ge=0, description="shortest acceptable lock-up for an IPO, in days")
    min_lockup_days_follow_on: int = Field(90, ge=0, description="shortest acceptable lock-up for a follow-on offering, in days")
    min_lockup_days_agency: int = Field(
        90, ge=0, description="shortest acceptable lock-up in a best-efforts agency offering (bank conversions), in days"
    )
    max_default_purchase_cap: float = Field(
        1.1112,
        gt=1,
        description="largest multiple of its own commitment a non-defaulting underwriter may be bound to buy "
        "(110% with one-eleventh, a one-ninth increase with 10%)",
    )
    max_option_pct: float = Field(0.15, gt=0, lt=1, description="largest over-allotment option, as a fraction of the firm shares")
    max_option_window_days: int = Field(30, ge=0, description="longest over-allotment exercise period, in days from the prospectus")
    max_option_closing_business_days: int = Field(10, ge=0, description="latest option closing, in business days after the exercise notice")
    accepted_default_thresholds: tuple[float, ...] = Field(
        (1 / 11, 0.10), description="defaulting-underwriter thresholds the house accepts, as fractions of the offering"
    )
    default_threshold_tolerance: float = Field(0.0005, ge=0, description="slack when comparing a stated threshold with an accepted one")
    max_424b_business_days: int = Field(2, ge=0, description="Rule 424(b) filing deadline, in business days")
    business_calendar: Literal["ny_banks", "nyse", "us_federal"] = Field(
        "ny_banks", description="holiday calendar behind 'business day' (see checker.calendar)"
    )

    @field_validator("accepted_default_thresholds")
    @classmethod
    def _fractions(cls, v):
        if not v:
            raise ValueError("give at least one threshold")
        for x in v:
            if not 0 < x < 1:
                raise ValueError(f"{x!r} is not a fraction between 0 and 1")
        return v


class ConfigError(ValueError):
    """A settings file that cannot be used; the message names the file and key."""


# Keys that were renamed: "old dotted key" -> "new dotted key" (dotted below
# [tool.clausecheck], e.g. "policy.lockup_days").  Kept so an old setting is an
# error that names its replacement instead of a bare "unknown key".
RENAMED_KEYS: dict[str, str] = {}

CONFIG_KEYS = ("select", "ignore", "per-file-ignores", "fail-on", "templates", "baseline", "policy")


def _hint(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def selector_matches(selector: str, rule) -> bool:
    """Does a select/ignore entry name this rule?

    An entry is ``ALL``, a code or code prefix (``LOCK``, ``LOCK0``, ``LOCK001``),
    an alias, or a dotted name or name prefix (``lockup``, ``lockup.shorter_than_policy``).
    """
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    if s[:1].isupper():
        return any(c.startswith(s) for c in rule.codes)
    return rule.name == s or rule.name.startswith(s.rstrip(".") + ".")


class Config(BaseModel):
    """Settings from ``[tool.clausecheck]`` / ``clausecheck.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    fail_on: Literal["error", "warning", "info", "never"] = "error"
    templates: tuple[str, ...] = ()  # glob patterns of forms/templates whose blanks are intentional
    baseline: Optional[str] = None  # baseline file of the template regression tests (pytest plugin)
    policy: Policy = Field(default_factory=Policy)
    path: Optional[str] = None  # the file the settings came from (None: defaults)
    root: Optional[str] = None  # directory the glob patterns are relative to

    # -- rule selection ---------------------------------------------------

    def _named(self, rule) -> bool:
        return any(s.strip() in rule.codes or s.strip() == rule.name for s in self.select)

    def is_selected(self, rule) -> bool:
        """Enabled (or a disabled rule named exactly in select), selected, and not ignored."""
        if not rule.enabled and not self._named(rule):
            return False
        if self.select and not any(selector_matches(s, rule) for s in self.select):
            return False
        return not any(selector_matches(s, rule) for s in self.ignore)

    def select_rules(self, rules) -> list:
        """The rules to run.  A disabled rule runs only when select names its code,
        an alias or its name exactly (not a prefix); it is returned enabled."""
        out = []
        for r in rules:
            if self.is_selected(r):
                out.append(r if r.enabled else r.model_copy(update={"enabled": True}))
        return out

    def unknown_selectors(self, rules) -> list[str]:
        """Entries of select/ignore/per-file-ignores that name no rule."""
        entries = list(self.select) + list(self.ignore) + [c for codes in self.per_file_ignores.values() for c in codes]
        return [s for s in dict.fromkeys(entries) if not any(selector_matches(s, r) for r in rules)]

    def with_overrides(
        self,
        select: Optional[Iterable[str]] = None,
        ignore: Optional[Iterable[str]] = None,
        fail_on: Optional[str] = None,
    ) -> "Config":
        """Command-line options: ``select`` replaces the list, ``ignore`` extends it."""
        upd: dict[str, Any] = {}
        if select:
            upd["select"] = tuple(select)
        if ignore:
            upd["ignore"] = tuple(self.ignore) + tuple(ignore)
        if fail_on:
            if fail_on not in FAIL_ON:
                raise ConfigError(f"fail-on: {fail_on!r} is not one of {', '.join(FAIL_ON)}")
            upd["fail_on"] = fail_on
        return self.model_copy(update=upd)

    # -- per-file settings ------------------------------------------------

    def _relative(self, path: Union[str, Path]) -> str:
        p = Path(path)
        if self.root:
            try:
                p = p.resolve().relative_to(Path(self.root).resolve())
            except ValueError:
                pass
        return PurePosixPath(*p.parts).as_posix() if p.parts else str(p)

    def _globs_match(self, patterns: Iterable[str], path: Union[str, Path]) -> bool:
        patterns = tuple(patterns)
        if not patterns:
            return False  # nothing to match (the path is not even read)
        rel = self._relative(path)
        base = PurePosixPath(rel).name
        for pat in patterns:
            if fnmatch.fnmatch(rel, pat) or ("/" not in pat and fnmatch.fnmatch(base, pat)):
                return True
        return False

    def ignored_in(self, rule, path: Union[str, Path]) -> bool:
        """Is ``rule`` switched off for this file by per-file-ignores?"""
        if not self.per_file_ignores:
            return False  # none (the common case): the path is not even read
        rel = self._relative(path)
        base = PurePosixPath(rel).name
        for pat, selectors in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pat) or ("/" not in pat and fnmatch.fnmatch(base, pat)):
                if any(selector_matches(s, rule) for s in selectors):
                    return True
        return False

    def is_template(self, path: Union[str, Path]) -> bool:
        """Is this file a form whose blanks are intentional (``templates``)?"""
        return self._globs_match(self.templates, path)


def select_rules(rules, config: Optional[Config] = None) -> list:
    return (config or Config()).select_rules(rules)


# ---------------------------------------------------------------------------
# Reading settings files
# ---------------------------------------------------------------------------


def _renamed(dotted: str, file: str, table: str) -> Optional[ConfigError]:
    new = RENAMED_KEYS.get(dotted)
    if new is None:
        return None
    return ConfigError(f"{file}: [{table}] key {dotted!r} was renamed to {new!r}; use {new!r} instead")


def _parse_table(data: dict, file: str, table: str, root: Path) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: [{table}] must be a table")
    for key in data:
        err = _renamed(key, file, table)
        if err:
            raise err
        if key not in CONFIG_KEYS:
            raise ConfigError(f"{file}: [{table}] unknown key {key!r}{_hint(key, CONFIG_KEYS)}")
    kwargs: dict[str, Any] = {"path": file, "root": str(root)}
    for key in ("select", "ignore", "templates"):
        if key in data:
            v = data[key]
            if isinstance(v, str):
                v = [x.strip() for x in v.split(",") if x.strip()]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise ConfigError(f"{file}: [{table}] {key} must be a list of strings")
            kwargs[key] = tuple(v)
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise ConfigError(f"{file}: [{table}] baseline must be a file name")
        kwargs["baseline"] = data["baseline"]
    if "fail-on" in data:
        v = data["fail-on"]
        if v not in FAIL_ON:
            raise ConfigError(f"{file}: [{table}] fail-on must be one of {', '.join(FAIL_ON)} (got {v!r})")
        kwargs["fail_on"] = v
    if "per-file-ignores" in data:
        pfi = data["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{file}: [{table}.per-file-ignores] must be a table of glob = [codes]")
        out = {}
        for pat, codes in pfi.items():
            if isinstance(codes, str):
                codes = [codes]
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ConfigError(f"{file}: [{table}.per-file-ignores] {pat!r} must map to a list of codes")
            out[pat] = tuple(codes)
        kwargs["per_file_ignores"] = out
    if "policy" in data:
        pol = data["policy"]
        if not isinstance(pol, dict):
            raise ConfigError(f"{file}: [{table}.policy] must be a table")
        for key in pol:
            err = _renamed(f"policy.{key}", file, table)
            if err:
                raise err
            if key not in Policy.model_fields:
                raise ConfigError(f"{file}: [{table}.policy] unknown key {key!r}{_hint(key, Policy.model_fields)}")
        try:
            kwargs["policy"] = Policy.model_validate(pol)
        except ValidationError as exc:
            e = exc.errors()[0]
            key = ".".join(str(x) for x in e["loc"])
            raise ConfigError(f"{file}: [{table}.policy] {key}: {e['msg']} (got {e.get('input')!r})") from None
    return Config(**kwargs)


# What was made from a settings file, by (kind, path): ((modification time,
# size), value).  A batch looks up the same file for every document; an edited
# file is read again.
_READ: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


def _per_file(kind: str, path: Path, make: Callable[[], Any]) -> Any:
    """``make()``, kept for ``path`` until the file's modification time or size changes."""
    try:
        st = path.stat()
        stamp: Optional[tuple[int, int]] = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    key = (kind, str(path))
    hit = _READ.get(key)
    if stamp is not None and hit is not None and hit[0] == stamp:
        return hit[1]
    value = make()
    if stamp is not None:
        _READ[key] = (stamp, value)
    return value


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def _has_clausecheck_table(path: Path) -> bool:
    """Whether a pyproject.toml has a [tool.clausecheck] table."""

    def read() -> bool:
        data = _read_toml(path)
        return isinstance(data.get("tool"), dict) and "clausecheck" in data["tool"]

    return _per_file("has-table", path, read)


def load_config_file(path: Union[str, Path]) -> Config:
    """Settings from one file: a ``pyproject.toml`` (its ``[tool.clausecheck]``) or a ``clausecheck.toml``.

    A file read before and not changed since (same modification time and size)
    gives the same Config (settings are immutable)."""
    p = Path(path)
    return _per_file("config", p, lambda: _load_config_file(p))


def _load_config_file(p: Path) -> Config:
    data = _read_toml(p)
    if p.name == "pyproject.toml":
        table = data.get("tool", {}).get("clausecheck")
        if table is None:
            return Config(path=str(p), root=str(p.resolve().parent))
        return _parse_table(table, str(p), "tool.clausecheck", p.resolve().parent)
    if "tool" in data and isinstance(data["tool"], dict) and "clausecheck" in data["tool"] and len(data) == 1:
        # a clausecheck.toml written like a pyproject.toml section
        return _parse_table(data["tool"]["clausecheck"], str(p), "tool.clausecheck", p.resolve().parent)
    return _parse_table(data, str(p), "clausecheck", p.resolve().parent)


def find_config_file(start_dir: Union[str, Path]) -> Optional[Path]:
    """The settings file that applies to ``start_dir``: walk up to the filesystem root.

    A batch asks for the same folder for every document: the answer is kept
    while every folder of the walk and every ``pyproject.toml`` read on the
    way are unchanged (same status: a file added to, removed from or renamed
    in a folder changes the folder's modification time; an edited
    ``pyproject.toml`` its own)."""
    try:
        key: Optional[str] = os.path.realpath(start_dir)
    except (OSError, TypeError, ValueError):
        key = None
    hit = _FOUND.get(key) if key is not None else None
    if hit is not None and all(_status(path) == st for path, st in hit[0]):
        return hit[1]
    found, seen = _walk_for_config(start_dir)
    if key is not None:
        # a status just written may be written again within the same clock
        # tick without a visible change: such a walk is not kept
        recent = time.time_ns() - _RACY_NS
        if all(st is None or st[3] < recent for _p, st in seen):
            _FOUND[key] = (seen, found)
        else:
            _FOUND.pop(key, None)
    return found


# The answers of find_config_file, by resolved start folder: (the status of
# every path the walk looked at, the file found).
_FOUND: dict[str, tuple[list[tuple[str, Optional[tuple[int, int, int, int, int, int]]]], Optional[Path]]] = {}
_RACY_NS = 2_000_000_000


def _status(path: str) -> Optional[tuple[int, int, int, int, int, int]]:
    """What tells that a file or folder changed: mode, device, inode,
    modification time, status-change time and size (None when it does not
    exist).  The status-change time moves on with any change, even one whose
    modification time is set back."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mode, st.st_dev, st.st_ino, max(st.st_mtime_ns, st.st_ctime_ns), st.st_ctime_ns, st.st_size)


def _walk_for_config(start_dir: Union[str, Path]) -> tuple[Optional[Path], list]:
    """find_config_file's walk, and the status of the paths it depends on."""
    seen: list[tuple[str, Optional[tuple[int, int, int, int, int, int]]]] = []
    d = Path(start_dir).resolve()
    if d.is_file():
        seen.append((str(d), _status(d)))
        d = d.parent
    for folder in (d, *d.parents):
        seen.append((str(folder), _status(folder)))
        standalone = folder / "clausecheck.toml"
        if standalone.is_file():
            return standalone, seen
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            seen.append((str(pyproject), _status(pyproject)))
            if _has_clausecheck_table(pyproject):
                return pyproject, seen
    return None, seen


def load_config(start_dir: Union[str, Path, None] = None) -> Config:
    """Settings for documents under ``start_dir`` (default: the current directory); defaults if no file."""
    found = find_config_file(start_dir if start_dir is not None else Path.cwd())
    return load_config_file(found) if found else _defaults()


def _defaults() -> Config:
    """The default settings (one object: settings are immutable)."""
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = Config()
    return _DEFAULTS


_DEFAULTS: Optional[Config] = None


def load_settings(config_path: Union[str, Path, None], start_dir: Union[str, Path, None] = None) -> Config:
    """An explicit ``--config`` file if given, else :func:`load_config` from ``start_dir``."""
    if config_path:
        p = Path(config_path)
        if not p.is_file():
            raise ConfigError(f"{p}: settings file not found")
        return load_config_file(p)
    return load_config(start_dir)
