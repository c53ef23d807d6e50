"""Semantic diff: seeds against edited copies (facts checked by reading the seeds)."""
from __future__ import annotations

import re

import pytest

from checker.cli import main
from checker.diff import diff_results
from checker.pipeline import check_file
from conftest import seed_path


def _edit(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


@pytest.fixture(scope="module")
def juniper():
    p = seed_path("juniper")
    return p, p.read_text(), check_file(str(p))


def test_identical_copy_has_no_changes(juniper, tmp_path):
    path, text, old = juniper
    rep = diff_results(old, check_file(_edit(tmp_path, "copy.txt", text)))
    assert rep.changes == []
    assert not rep.crosses_policy


def test_changed_lockup_duration(juniper, tmp_path):
    path, text, old = juniper
    # Section 5(e) (line 625): "the date 90 days after the date of the Prospectus"
    new_text = text.replace("and including the date 90 days after the date of the Prospectus, not to offer,",
                            "and including the date 60 days after the date of the Prospectus, not to offer,")
    assert new_text != text
    rep = diff_results(old, check_file(_edit(tmp_path, "e.txt", new_text)))
    ch = [c for c in rep.changes if c.subject == "obligation" and c.change == "changed"]
    assert len(ch) == 1
    assert ch[0].new_section == "5(e)"
    assert "90 days \u2192 60 days" in ch[0].description
    assert "lock-up" in ch[0].description


def test_changed_default_threshold(juniper, tmp_path):
    path, text, old = juniper
    # 9(b): "does not exceed one-eleventh of the aggregate number"
    new_text = text.replace("does not exceed one-eleventh of", "does not exceed one-tenth of")
    assert new_text != text
    rep = diff_results(old, check_file(_edit(tmp_path, "e.txt", new_text)))
    ch = [c for c in rep.changes if c.subject == "obligation" and c.change == "changed"]
    assert [c.new_section for c in ch] == ["9(b)"]
    assert "one-eleventh \u2192 one-tenth" in ch[0].description


def test_removed_governing_law(juniper, tmp_path):
    path, text, old = juniper
    new_text = re.sub(r"        15\. THIS AGREEMENT SHALL BE GOVERNED.*?NEW YORK\.\n", "        15. [Reserved]\n", text, flags=re.S)
    assert new_text != text
    rep = diff_results(old, check_file(_edit(tmp_path, "e.txt", new_text)))
    assert any("governing law" in c.description and c.change == "removed" for c in rep.changes)
    assert rep.crosses_policy


def test_renumbered_sections_are_not_noise(juniper, tmp_path):
    path, text, old = juniper
    # insert a new Section 12 and renumber 12..16 to 13..17
    def bump(m):
        return f"{m.group(1)}{int(m.group(2)) + 1}. "
    head, sep, tail = text.partition("        12. In all dealings hereunder")
    tail = re.sub(r"^(        )(1[2-6])\. ", bump, sep + tail, flags=re.M)
    new_text = head + "        12. Headings. The headings herein are for convenience only.\n\n" + tail
    rep = diff_results(old, check_file(_edit(tmp_path, "e.txt", new_text)))
    obligation_changes = [c for c in rep.changes if c.subject == "obligation"]
    assert obligation_changes == [], obligation_changes
    assert any(c.change == "renumbered" and "16 \u2192 17" in c.description for c in rep.changes)


def test_cli_diff_exit_codes(juniper, tmp_path, capsys):
    path, text, old = juniper
    same = _edit(tmp_path, "same.txt", text)
    assert main(["diff", str(path), same]) == 0
    worse = _edit(tmp_path, "worse.txt", text.replace("does not exceed one-eleventh of", "does not exceed one-fifth of"))
    code = main(["diff", "--format", "markdown", str(path), worse])
    out = capsys.readouterr().out
    assert "one-eleventh" in out and "20%" in out
    assert code == 1
