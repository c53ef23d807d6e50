"""Policy defaults, settings files, rule selection."""
from __future__ import annotations

from pathlib import Path

import os
import pytest

from checker import policy as policy_mod
from checker.policy import Config, ConfigError, Policy, find_config_file, load_config, load_config_file, load_settings, selector_matches
from checker.rulespec import RuleSpec


def spec(code: str, name: str, aliases=(), enabled=True) -> RuleSpec:
    return RuleSpec.from_dict(
        {
            "code": code,
            "name": name,
            "aliases": list(aliases),
            "category": "lockup",
            "severity": "warning",
            "doc_types": "any",
            "kind": "required",
            "params": {"match": {"type": "provision", "key": "x"}},
            "message": "m",
            "summary": "s",
            "rationale": "r",
            "references": ["x"],
            "examples": {"fail": "a", "pass": "b"},
            "enabled": enabled,
        }
    )


RULES = [
    spec("LOCK001", "lockup.shorter_than_policy", aliases=["LCK001"]),
    spec("LOCK002", "lockup.extension_missing"),
    spec("DFLT002", "default.threshold_forms_disagree"),
    spec("NUM003", "numbers.words_numeral_disagree", enabled=False),
]


def toml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Policy
# ---------------------------------------------------------------------------


def test_policy_defaults_follow_market_practice():
    p = Policy()
    assert p.min_lockup_days == 180 and p.min_lockup_days_follow_on == 90
    assert p.max_option_pct == 0.15
    assert p.max_option_window_days == 30
    assert p.max_option_closing_business_days == 10
    assert p.accepted_default_thresholds == (1 / 11, 0.10)
    assert p.default_threshold_tolerance == 0.0005
    assert p.max_424b_business_days == 2
    assert p.business_calendar == "ny_banks"


def test_policy_rejects_bad_values():
    with pytest.raises(Exception):
        Policy(max_option_pct=1.5)
    with pytest.raises(Exception):
        Policy(accepted_default_thresholds=(0.1, 2.0))
    with pytest.raises(Exception):
        Policy(min_lockup_dayz=10)


# ---------------------------------------------------------------------------
# finding and reading settings
# ---------------------------------------------------------------------------


def test_pyproject_found_walking_up(tmp_path):
    toml(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.clausecheck]\nselect = ["LOCK"]\nfail-on = "warning"\n'
        '[tool.clausecheck.policy]\nmin_lockup_days = 90\n',
    )
    deep = tmp_path / "deals" / "2006" / "acme"
    deep.mkdir(parents=True)
    cfg = load_config(deep)
    assert cfg.path == str(tmp_path / "pyproject.toml")
    assert cfg.select == ("LOCK",) and cfg.fail_on == "warning"
    assert cfg.policy.min_lockup_days == 90 and cfg.policy.max_option_pct == 0.15


def test_pyproject_without_section_is_skipped(tmp_path):
    toml(tmp_path / "clausecheck.toml", 'ignore = ["NUM"]\n')
    toml(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(tmp_path / "sub") == tmp_path / "clausecheck.toml"
    assert load_config(tmp_path / "sub").ignore == ("NUM",)


def test_standalone_file_wins_in_same_directory(tmp_path):
    toml(tmp_path / "pyproject.toml", '[tool.clausecheck]\nselect = ["DFLT"]\n')
    toml(tmp_path / "clausecheck.toml", 'select = ["LOCK"]\n')
    assert load_config(tmp_path).select == ("LOCK",)


def test_no_settings_file_gives_defaults(tmp_path):
    # tmp_path has no settings file; its parents (the system temp dir) should not either
    if find_config_file(tmp_path) is not None:
        pytest.skip("a settings file exists above the temporary directory")
    cfg = load_config(tmp_path)
    assert cfg == Config() and cfg.path is None


def test_a_settings_file_added_edited_or_removed_between_documents_is_seen(tmp_path):
    # a batch asks for the settings of the same folder for every document, and the
    # answer is remembered; a settings file that appears, changes or goes away
    # between two documents must still be seen
    import time

    deal = tmp_path / "deals" / "acme"
    deal.mkdir(parents=True)
    if find_config_file(deal) is not None:
        pytest.skip("a settings file exists above the temporary directory")
    time.sleep(2.1)  # (a walk over paths changed in the last two seconds is not remembered)
    assert find_config_file(deal) is None
    assert find_config_file(deal) is None  # (remembered unless a folder above changed just now)
    toml(tmp_path / "deals" / "pyproject.toml", '[tool.clausecheck]\nselect = ["LOCK"]\n')
    assert find_config_file(deal) == tmp_path / "deals" / "pyproject.toml"
    assert load_config(deal).select == ("LOCK",)
    time.sleep(2.1)
    assert find_config_file(deal) == tmp_path / "deals" / "pyproject.toml"  # remembered
    # the pyproject.toml loses its section: the walk goes on up and finds nothing
    (tmp_path / "deals" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config_file(deal) is None
    toml(deal / "clausecheck.toml", 'ignore = ["NUM"]\n')
    assert find_config_file(deal) == deal / "clausecheck.toml"
    time.sleep(2.1)
    assert find_config_file(deal) == deal / "clausecheck.toml"
    (deal / "clausecheck.toml").unlink()
    assert find_config_file(deal) is None


def test_unknown_key_is_an_error_naming_it(tmp_path):
    p = toml(tmp_path / "clausecheck.toml", 'selct = ["LOCK"]\n')
    with pytest.raises(ConfigError) as info:
        load_config_file(p)
    assert "unknown key 'selct'" in str(info.value) and "did you mean 'select'" in str(info.value)
    assert str(p) in str(info.value)


def test_unknown_policy_key_is_an_error(tmp_path):
    p = toml(tmp_path / "pyproject.toml", "[tool.clausecheck.policy]\nmin_lockup = 90\n")
    with pytest.raises(ConfigError) as info:
        load_config_file(p)
    msg = str(info.value)
    assert "[tool.clausecheck.policy] unknown key 'min_lockup'" in msg and "did you mean 'min_lockup_days'" in msg


def test_bad_policy_value(tmp_path):
    p = toml(tmp_path / "clausecheck.toml", "[policy]\nmax_option_pct = 2\n")
    with pytest.raises(ConfigError, match="max_option_pct"):
        load_config_file(p)


def test_bad_fail_on(tmp_path):
    p = toml(tmp_path / "clausecheck.toml", 'fail-on = "fatal"\n')
    with pytest.raises(ConfigError, match="fail-on"):
        load_config_file(p)


def test_invalid_toml(tmp_path):
    p = toml(tmp_path / "clausecheck.toml", "select = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config_file(p)


def test_renamed_keys_name_their_replacement(tmp_path, monkeypatch):
    # the table is empty today; a rename is declared as "old dotted key" -> "new dotted key"
    monkeypatch.setitem(policy_mod.RENAMED_KEYS, "policy.lockup_days", "policy.min_lockup_days")
    monkeypatch.setitem(policy_mod.RENAMED_KEYS, "fail_on", "fail-on")
    p = toml(tmp_path / "pyproject.toml", "[tool.clausecheck.policy]\nlockup_days = 90\n")
    with pytest.raises(ConfigError) as info:
        load_config_file(p)
    assert "'policy.lockup_days' was renamed to 'policy.min_lockup_days'" in str(info.value)
    p2 = toml(tmp_path / "x" / "clausecheck.toml", 'fail_on = "error"\n')
    with pytest.raises(ConfigError, match="'fail_on' was renamed to 'fail-on'"):
        load_config_file(p2)


def test_rename_table_is_a_dict():
    assert isinstance(policy_mod.RENAMED_KEYS, dict)


def test_load_settings_explicit_path(tmp_path):
    p = toml(tmp_path / "custom.toml", 'ignore = ["DFLT002"]\n')
    assert load_settings(p, None).ignore == ("DFLT002",)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", None)


# ---------------------------------------------------------------------------
# selection
# ---------------------------------------------------------------------------


def test_selector_forms():
    lock = RULES[0]
    assert selector_matches("LOCK001", lock)
    assert selector_matches("LOCK", lock) and selector_matches("LOCK0", lock)
    assert selector_matches("LCK001", lock)  # alias
    assert selector_matches("lockup", lock) and selector_matches("lockup.shorter_than_policy", lock)
    assert selector_matches("ALL", lock)
    assert not selector_matches("LOCK002", lock) and not selector_matches("lock", lock) and not selector_matches("lockup.short", lock)


def test_select_and_ignore():
    codes = lambda cfg: [r.code for r in cfg.select_rules(RULES)]  # noqa: E731
    assert codes(Config()) == ["LOCK001", "LOCK002", "DFLT002"]  # the disabled rule is not run
    assert codes(Config(select=("LOCK",))) == ["LOCK001", "LOCK002"]
    assert codes(Config(select=("LOCK",), ignore=("LOCK002",))) == ["LOCK001"]
    assert codes(Config(ignore=("lockup",))) == ["DFLT002"]
    assert codes(Config(select=("NUM003",))) == ["NUM003"]  # disabled, but selected by code
    assert Config(select=("NUM003",)).select_rules(RULES)[0].enabled  # ... and returned enabled
    assert codes(Config(select=("NUM",))) == []  # a prefix does not switch on a disabled rule
    assert codes(Config(select=("ALL",))) == ["LOCK001", "LOCK002", "DFLT002"]


def test_unknown_selectors():
    cfg = Config(select=("LOCK", "XREF"), ignore=("lockup.nope",), per_file_ignores={"*.txt": ("BLANK001",)})
    assert cfg.unknown_selectors(RULES) == ["XREF", "lockup.nope", "BLANK001"]


def test_with_overrides():
    cfg = Config(select=("LOCK",), ignore=("LOCK002",))
    new = cfg.with_overrides(select=["DFLT"], ignore=["DFLT002"], fail_on="info")
    assert new.select == ("DFLT",) and new.ignore == ("LOCK002", "DFLT002") and new.fail_on == "info"
    with pytest.raises(ConfigError):
        cfg.with_overrides(fail_on="loud")


def test_per_file_ignores_and_templates(tmp_path):
    p = toml(
        tmp_path / "clausecheck.toml",
        'templates = ["forms/*.txt"]\n[per-file-ignores]\n"drafts/*.txt" = ["LOCK"]\n"*-form.txt" = ["default"]\n',
    )
    cfg = load_config_file(p)
    lock, dflt = RULES[0], RULES[2]
    assert cfg.ignored_in(lock, tmp_path / "drafts" / "a.txt")
    assert not cfg.ignored_in(dflt, tmp_path / "drafts" / "a.txt")
    assert not cfg.ignored_in(lock, tmp_path / "final" / "a.txt")
    assert cfg.ignored_in(dflt, tmp_path / "deep" / "x" / "ua-form.txt")  # no slash: matches the file name anywhere
    assert cfg.is_template(tmp_path / "forms" / "ua.txt")
    assert not cfg.is_template(tmp_path / "deals" / "ua.txt")


def test_settings_file_read_again_once_edited(tmp_path):
    # settings are kept per file between documents, until the file changes
    from checker.policy import load_config

    f = tmp_path / "clausecheck.toml"
    f.write_text('select = ["LOCK"]\n')
    assert load_config(tmp_path).select == ("LOCK",)
    assert load_config(tmp_path) is load_config(tmp_path)
    f.write_text('select = ["LOCK", "OPT"]\n')
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert load_config(tmp_path).select == ("LOCK", "OPT")
    pyproject = tmp_path / "sub" / "pyproject.toml"
    pyproject.parent.mkdir()
    pyproject.write_text('[tool.clausecheck]\nignore = ["DEF001"]\n')
    f.unlink()
    assert load_config(pyproject.parent).ignore == ("DEF001",)
    pyproject.write_text('[project]\nname = "x"\n')
    st = pyproject.stat()
    os.utime(pyproject, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert load_config(pyproject.parent).ignore == ()  # no table any more: the defaults
