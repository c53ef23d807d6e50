"""Loading: bytes on disk to decoded text, with a map from offsets to line/column.

The decoded text keeps every character of the file except a leading BOM; CRLF and
lone CR line ends are normalised to LF, which never moves a column because the CR
is always the last character of its line.
"""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from itertools import accumulate
from stat import S_ISDIR

# One agreement is at most a few MB (the largest of the corpus's 467 is 0.5 MB); a
# document above this size is refused rather than checked: it is not one agreement,
# and its syntax tree would take minutes and gigabytes.
MAX_BYTES = 16 * 1024 * 1024
# A file that may hold several documents (an EDGAR full submission with its
# exhibits and uuencoded graphics) may be larger; each document in it is held to
# MAX_BYTES.
MAX_FILE_BYTES = 256 * 1024 * 1024


def too_large(path: str, size: int, what: str = "to be one agreement", limit: int = MAX_BYTES) -> "InputError":
    return InputError(
        f"{path}: too large {what} ({size / 1048576:.0f} MB; the limit is {limit // 1048576} MB): "
        "split it into its documents"
    )


_PLUS_ONE = (1).__add__


class InputError(Exception):
    """A document that cannot be checked at all; the message is one line for the user."""


@dataclass
class Source:
    path: str
    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_starts:
            # 0, then just after each "\n": the running sum of the lines' lengths plus their breaks
            lines = self.text.split("\n")
            starts = list(accumulate(map(_PLUS_ONE, map(len, lines)), initial=0))
            starts.pop()  # (the sum past the last line)
            self.line_starts = starts
            # the lines, for the layout stage, which splits the text the same way
            # (taken by split_lines; not a field)
            self.__dict__["_split"] = (self.text, lines)

    def split_lines(self) -> list[str]:
        """``self.text.split("\n")``: the lines split when the line starts were found,
        the first time (handed over, not kept), else split again."""
        got = self.__dict__.pop("_split", None)
        text = self.text
        if got is not None and got[0] is text:
            return got[1]
        return text.split("\n")

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def linecol(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        if offset < 0:
            offset = 0
        if offset > len(self.text):
            offset = len(self.text)
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end]


# control bytes other than tab, LF, FF and CR
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    # control characters other than tab, LF, FF, CR, ESC-free text
    bad = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bad > len(sample) * 0.05


_MAGIC = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (a .docx or other Office file?)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old-style Office (OLE) file",
    b"\x7fELF": "an executable",
}


def decode(data: bytes, path: str = "<text>") -> Source:
    """Decode bytes to a :class:`Source`, or raise :class:`InputError`."""
    text, encoding, notes = decode_text(data, path)
    return Source(path=path, text=text, encoding=encoding, notes=notes)


def decode_text(data: bytes, path: str = "<text>") -> tuple[str, str, list[str]]:
    """What :func:`decode` reads from the bytes, (text, encoding, notes), without the
    line map: for a caller that builds its own source (or none) from the text."""
    notes: list[str] = []
    if not data:
        raise InputError(f"{path}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: invalid UTF-16 text ({exc.reason} at byte {exc.start})") from None
        encoding = "utf-16"
        notes.append("decoded as UTF-16 (byte-order mark)")
    else:
        for magic, what in _MAGIC.items():
            if data.startswith(magic):
                raise InputError(f"{path}: not a text agreement: looks like {what}")
        if _looks_binary(data):
            raise InputError(f"{path}: not a text agreement: binary data (control bytes near the start)")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
            notes.append("UTF-8 byte-order mark removed")
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                encoding = "latin-1"
            notes.append(
                f"not valid UTF-8 (first bad byte at offset {exc.start}); decoded as {encoding}"
            )
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("CR/CRLF line ends read as LF")
    if not text or text.isspace():  # (not text.strip(), without copying the text)
        raise InputError(f"{path}: no text (the file holds only white space)")
    return text, encoding, notes


def read_file(path: str | os.PathLike[str], limit: int = MAX_BYTES, what: str = "to be one agreement") -> bytes:
    """The bytes of one file, or :class:`InputError` with a one-line reason
    (missing, a directory, unreadable, larger than ``limit``)."""
    p = os.fspath(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    if S_ISDIR(st.st_mode):  # (os.path.isdir, without a second stat)
        raise InputError(f"{p}: is a directory")
    if st.st_size > limit:
        raise too_large(p, st.st_size, what, limit)
    try:
        with open(p, "rb", buffering=0) as fh:
            # up to limit + 1 bytes: the size the file had, then on to its end (it may have
            # grown, or be a pipe that gives its bytes in parts).  (One read of limit + 1
            # bytes would allocate that much - 256 MB for a filing - for every file.)
            data = fh.read(min(st.st_size, limit) + 1)
            total = len(data)
            if total <= limit:
                parts = [data]
                while total <= limit:
                    more = fh.read(min(limit + 1 - total, 1 << 16))
                    if not more:
                        break
                    parts.append(more)
                    total += len(more)
                if len(parts) > 1:
                    data = b"".join(parts)
            return data
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None


def load(path: str | os.PathLike[str]) -> Source:
    """Read and decode one file, raising :class:`InputError` with a one-line reason."""
    p = os.fspath(path)
    return decode(read_file(p), p)
