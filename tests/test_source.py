from __future__ import annotations

import pytest

from checker.source import InputError, decode, load


def test_utf8_and_line_columns():
    src = decode("first line\nsecond ÿ line\n".encode(), "x.txt")
    assert src.encoding == "utf-8"
    assert src.linecol(0) == (1, 1)
    assert src.linecol(src.text.index("ÿ")) == (2, 8)
    assert src.line_text(2) == "second ÿ line"


def test_bom_is_stripped_and_noted():
    src = decode(b"\xef\xbb\xbfHello\n", "x.txt")
    assert src.text == "Hello\n"
    assert any("byte-order mark" in n for n in src.notes)


def test_crlf_and_lone_cr_keep_columns():
    src = decode(b"ab\r\ncd\rxy\n", "x.txt")
    assert src.text == "ab\ncd\nxy\n"
    assert src.linecol(src.text.index("x")) == (3, 1)


def test_cp1252_fallback_with_note():
    # 0x93/0x94 are curly quotes in cp1252 and invalid as UTF-8 start bytes
    src = decode(b'the \x93Company\x94 agrees\n', "x.txt")
    assert src.encoding == "cp1252"
    assert "\u201cCompany\u201d" in src.text
    assert any("not valid UTF-8" in n for n in src.notes)


def test_utf16_with_bom():
    src = decode("Section 1. Terms\n".encode("utf-16"), "x.txt")
    assert src.text.startswith("Section 1.")


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\t\n", "white space"),
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"PK\x03\x04zipdata", "ZIP"),
    ],
)
def test_unreadable_inputs_raise_one_line(data, reason):
    with pytest.raises(InputError) as exc:
        decode(data, "bad.txt")
    msg = str(exc.value)
    assert reason.lower() in msg.lower()
    assert "\n" not in msg and msg.startswith("bad.txt:")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        load(tmp_path)
