"""Input formats: plain text, EDGAR full-submission files, HTML exhibits, Word drafts.

The format is detected from the content, never guessed from the name alone:

========== ===================================================================
format     detected by
========== ===================================================================
submission ``<SEC-DOCUMENT>``, ``<SEC-HEADER>`` or ``<DOCUMENT>`` opening a line
           in the first 8 KB
docx       ZIP magic (``PK\\x03\\x04``) and a ``word/document.xml`` member
html       ``<html`` or ``<!DOCTYPE html`` in the first 8 KB, or a ``.htm``/
           ``.html`` file whose content starts with a tag
text       anything :func:`checker.source.decode` accepts as text
========== ===================================================================

Anything else (PDF, images, other ZIP archives, binary data) is refused with a
one-line :class:`FormatError` saying what it looks like.

Every loaded document is a :class:`MappedSource`: a :class:`checker.source.Source`
whose text is what the pipeline checks, plus a map from each of its lines back to
the input file:

* plain text: the identity;
* an exhibit of a submission: line + the line before the exhibit's first line, so
  ``file.txt#EX-1.1`` reports lines of the submission file;
* HTML: the line of the HTML file where the text of each output line starts
  (columns are columns of the converted text);
* .docx: the paragraph number (1-based; each table row counts as one paragraph).

:func:`check_any` checks every document of a file and rewrites the line numbers
of each result through that map.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Optional
from xml.parsers import expat

from .source import MAX_BYTES, MAX_FILE_BYTES, InputError, Source, decode_text, read_file, too_large

# ---------------------------------------------------------------------------
# Errors and the mapped source
# ---------------------------------------------------------------------------


class FormatError(InputError):
    """A file whose format is unknown or unsafe to read."""


@dataclass
class MappedSource(Source):
    """A decoded document with the map from its lines to lines of the input file."""

    format: str = "text"
    line_map: Optional[list[int]] = None  # line_map[i] = input line of text line i+1
    line_offset: int = 0  # used when line_map is None: input line = line + offset
    exhibit: Optional[str] = None  # "EX-1.1" for an exhibit of a submission

    def original_line(self, line: Optional[int]) -> Optional[int]:
        if line is None or not isinstance(line, int):
            return line
        if self.line_map is not None:
            if not self.line_map:
                return line
            i = min(max(line - 1, 0), len(self.line_map) - 1)
            return self.line_map[i]
        return line + self.line_offset

    @property
    def identity(self) -> bool:
        return self.line_map is None and self.line_offset == 0


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------

_SUBMISSION_RE = re.compile(rb"^\s*<(SEC-DOCUMENT|SEC-HEADER|IMS-DOCUMENT|DOCUMENT)>", re.M | re.I)
# the tag alone: a pattern that starts with a literal, which the engine skips to (the one
# above is tried at every byte)
_SUBMISSION_TAG = re.compile(rb"<(?:SEC-DOCUMENT|SEC-HEADER|IMS-DOCUMENT|DOCUMENT)>", re.I)
_ASCII_WS = b" \t\n\r\v\f"  # what \s matches in a bytes pattern


def _submission_head(head: bytes) -> bool:
    """Whether ``_SUBMISSION_RE.search(head)``: a tag with only white space (line breaks
    included) between it and the start of a line."""
    for m in _SUBMISSION_TAG.finditer(head):
        before = head[: m.start()]
        kept = before.rstrip(_ASCII_WS)
        if not kept or b"\n" in before[len(kept):]:
            return True
    return False


_HTML_RE = re.compile(rb"<html[\s>]|<!doctype\s+html", re.I)
_LEADING_TAG_RE = re.compile(rb"^\s*<[a-zA-Z!]")
HEAD = 8192


def detect_format(data: bytes, path: str = "") -> str:
    """``submission``, ``docx``, ``html`` or ``text``; raises :class:`FormatError`
    for a ZIP archive that is not a Word document.  Binary data is refused later,
    by :func:`checker.source.decode`, with a message that names what it looks like."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise FormatError(f"{path}: not a text agreement: a damaged ZIP archive") from None
        if "word/document.xml" in names:
            return "docx"
        raise FormatError(f"{path}: not a text agreement: a ZIP archive without word/document.xml (not a .docx)")
    head = data[:HEAD]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at the decoded head
        try:
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        except Exception:
            pass
    if _submission_head(head):
        return "submission"
    if _HTML_RE.search(head):
        return "html"
    if os.path.splitext(path)[1].lower() in (".htm", ".html") and _LEADING_TAG_RE.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "text"


# ---------------------------------------------------------------------------
# HTML to text with a line map
# ---------------------------------------------------------------------------

_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "center", "hr", "section", "article", "header", "footer", "address",
    "title", "body", "form", "fieldset", "caption", "page",
}
_SKIP = {"script", "style", "head", "noscript", "template", "xbrl", "ix:header"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr"}
_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u2002\u2003\u2009\u200b]+")


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, int]] = []  # (line text, input line)
        self.buf: list[str] = []
        self.buf_line: Optional[int] = None
        self.skip = 0
        self.pre = 0
        self.table_depth = 0
        self.rows: list[tuple[list[str], int]] = []
        self.row: Optional[list[str]] = None
        self.row_line = 0
        self.cell: Optional[list[str]] = None

    # -- flow text ---------------------------------------------------------
    def _flush(self, blank_after: bool = False) -> None:
        text = _WS.sub(" ", "".join(self.buf)).strip()
        if text:
            self.out.append((text, self.buf_line or self.getpos()[0]))
        self.buf, self.buf_line = [], None
        if blank_after and self.out and self.out[-1][0] != "":
            self.out.append(("", self.out[-1][1]))

    def _data_line(self, data: str) -> int:
        """Input line of the first non-space character of ``data``."""
        line = self.getpos()[0]
        m = re.match(r"\s*", data)
        return line + data.count("\n", 0, m.end() if m else 0)

    # -- tables --------------------------------------------------------------
    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(_WS.sub(" ", "".join(self.cell)).strip())
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None and any(c for c in self.row):
            self.rows.append((self.row, self.row_line))
        self.row = None

    def _end_table(self) -> None:
        self._end_row()
        rows = self.rows
        self.rows = []
        if not rows:
            return
        ncol = max(len(r) for r, _ in rows)
        widths = [0] * ncol
        for r, _ in rows:
            for i, c in enumerate(r):
                widths[i] = max(widths[i], len(c))
        self._flush(blank_after=True)
        for r, line in rows:
            cells = [c.ljust(widths[i]) for i, c in enumerate(r)]
            self.out.append(("  ".join(cells).rstrip(), line))
        self.out.append(("", rows[-1][1]))

    # -- parser callbacks ----------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            self.table_depth += 1
            if self.table_depth == 1:
                self._flush(blank_after=True)
                self.rows, self.row, self.cell = [], None, None
            return
        if self.table_depth:
            if self.table_depth == 1 and tag == "tr":
                self._end_row()
                self.row, self.row_line = [], self.getpos()[0]
            elif self.table_depth == 1 and tag in ("td", "th"):
                if self.row is None:
                    self.row, self.row_line = [], self.getpos()[0]
                self._end_cell()
                self.cell = []
            elif tag in _BLOCK or tag in ("td", "th", "tr"):
                if self.cell is not None:
                    self.cell.append(" ")
            return
        if tag == "pre":
            self._flush(blank_after=True)
            self.pre += 1
            return
        if tag in _BLOCK:
            self._flush(blank_after=tag not in ("br", "li", "dt", "dd"))

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs) if tag in _VOID or tag in _BLOCK else None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if self.skip:
                self.skip -= 1
            return
        if self.skip:
            return
        if tag == "table":
            if self.table_depth == 1:
                self._end_table()
            self.table_depth = max(0, self.table_depth - 1)
            return
        if self.table_depth:
            if self.table_depth == 1 and tag in ("td", "th"):
                self._end_cell()
            elif self.table_depth == 1 and tag == "tr":
                self._end_row()
            return
        if tag == "pre":
            if self.buf:
                self._flush_pre(self.getpos()[0])
            self.out.append(("", self.getpos()[0]))
            self.pre = max(0, self.pre - 1)
            return
        if tag in _BLOCK:
            self._flush(blank_after=True)

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.table_depth:
            if self.cell is None:  # text between cells: keep it in the row
                if self.row is None:
                    self.row, self.row_line = [], self.getpos()[0]
                self.cell = []
            self.cell.append(data)
            return
        if self.pre:
            line = self.getpos()[0]
            parts = data.replace("\r\n", "\n").split("\n")
            for i, part in enumerate(parts):
                if i > 0:
                    self._flush_pre(line + i - 1)
                self.buf.append(part.replace("\u00a0", " "))
                if self.buf_line is None:
                    self.buf_line = line + i
            return
        if self.buf_line is None:
            if not data.strip():
                self.buf.append(" ")
                return
            self.buf_line = self._data_line(data)
        self.buf.append(data)

    def _flush_pre(self, line: int) -> None:
        text = "".join(self.buf).rstrip()
        self.out.append((text, self.buf_line or line))
        self.buf, self.buf_line = [], None

    def close(self) -> None:
        super().close()
        if self.table_depth:
            self._end_table()
        self._flush()


def html_to_text(html: str) -> tuple[str, list[int]]:
    """Text of an HTML document and the input line of each text line.

    Scripts, styles and the head are dropped; entities are decoded; paragraphs
    and other blocks become lines separated by a blank line; each row of a
    table becomes one line with the cells padded to aligned columns."""
    p = _HTMLText()
    p.feed(html)
    p.close()
    lines: list[tuple[str, int]] = []
    for text, line in p.out:
        if text == "" and (not lines or lines[-1][0] == ""):
            continue
        lines.append((text, line))
    while lines and lines[-1][0] == "":
        lines.pop()
    return "\n".join(t for t, _ in lines) + ("\n" if lines else ""), [ln for _, ln in lines]


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------

DOCX_MAX_MEMBER = 64 * 1024 * 1024  # uncompressed word/document.xml
DOCX_MAX_TOTAL = 256 * 1024 * 1024  # all members together, uncompressed
DOCX_MAX_RATIO = 100  # uncompressed / compressed, for members above 1 MB
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _check_zip(zf: zipfile.ZipFile, path: str) -> zipfile.ZipInfo:
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > DOCX_MAX_RATIO * max(info.compress_size, 1):
            raise FormatError(
                f"{path}: refused: {info.filename} expands {info.file_size // max(info.compress_size, 1)}-fold "
                f"(limit {DOCX_MAX_RATIO}); a ZIP bomb?"
            )
    if total > DOCX_MAX_TOTAL:
        raise FormatError(f"{path}: refused: the archive expands to {total // 1048576} MB (limit {DOCX_MAX_TOTAL // 1048576} MB)")
    info = zf.getinfo("word/document.xml")
    if info.file_size > DOCX_MAX_MEMBER:
        raise FormatError(
            f"{path}: refused: word/document.xml is {info.file_size // 1048576} MB (limit {DOCX_MAX_MEMBER // 1048576} MB)"
        )
    return info


class _DocxText:
    """word/document.xml to paragraphs, with expat and no DTD at all."""

    def __init__(self) -> None:
        self.paras: list[str] = []
        self.cur: Optional[list[str]] = None
        self.in_text = False
        self.deleted = 0
        self.table_depth = 0
        self.rows: list[list[str]] = []
        self.row: Optional[list[str]] = None
        self.cell: Optional[list[str]] = None

    def start(self, name: str, attrs) -> None:
        ns, _, local = name.rpartition(" ")
        if ns != _W:
            return
        if local == "tbl":
            self.table_depth += 1
            if self.table_depth == 1:
                self.rows = []
        elif local == "tr" and self.table_depth == 1:
            self.row = []
        elif local == "tc" and self.table_depth == 1:
            self.cell = []
        elif local == "p":
            self.cur = []
        elif local == "t":
            self.in_text = True
        elif local == "del":
            self.deleted += 1
        elif local == "tab" and self.cur is not None:
            self.cur.append("\t")
        elif local in ("br", "cr") and self.cur is not None:
            self.cur.append(" " if self.table_depth else "\n")

    def end(self, name: str) -> None:
        ns, _, local = name.rpartition(" ")
        if ns != _W:
            return
        if local == "t":
            self.in_text = False
        elif local == "del":
            self.deleted = max(0, self.deleted - 1)
        elif local == "p":
            text = "".join(self.cur or [])
            self.cur = None
            if self.table_depth:
                if self.cell is not None:
                    self.cell.append(text)
            else:
                self.paras.append(text)
        elif local == "tc" and self.table_depth == 1:
            if self.row is not None and self.cell is not None:
                self.row.append(_WS.sub(" ", " ".join(self.cell)).strip())
            self.cell = None
        elif local == "tr" and self.table_depth == 1:
            if self.row is not None and any(self.row):
                self.rows.append(self.row)
            self.row = None
        elif local == "tbl":
            if self.table_depth == 1 and self.rows:
                ncol = max(len(r) for r in self.rows)
                widths = [max((len(r[i]) for r in self.rows if i < len(r)), default=0) for i in range(ncol)]
                for r in self.rows:
                    self.paras.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
                self.rows = []
            self.table_depth = max(0, self.table_depth - 1)

    def data(self, text: str) -> None:
        if self.in_text and not self.deleted and self.cur is not None:
            self.cur.append(text)


def _forbid(what: str):
    def handler(*_args):
        raise FormatError(f"refused: word/document.xml declares {what} (not allowed in a Word document)")

    return handler


def docx_to_text(data: bytes, path: str = "<docx>") -> tuple[str, list[int]]:
    """Text of a .docx and, for each text line, its paragraph number (1-based).

    Paragraphs are separated by a blank line; each table row is one paragraph
    with its cells padded to aligned columns.  Archives that expand too far are
    refused before anything is decompressed; the XML is read with expat with any
    DTD, entity declaration or external entity refused."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FormatError(f"{path}: not a text agreement: a damaged ZIP archive") from None
    with zf:
        info = _check_zip(zf, path)
        with zf.open(info) as fh:
            xml = fh.read(DOCX_MAX_MEMBER + 1)
    if len(xml) > DOCX_MAX_MEMBER:  # the header lied about the size
        raise FormatError(f"{path}: refused: word/document.xml larger than its header says")
    h = _DocxText()
    p = expat.ParserCreate(namespace_separator=" ")
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = _forbid("a DTD")
    p.EntityDeclHandler = _forbid("an entity")
    p.ExternalEntityRefHandler = _forbid("an external entity")
    p.StartElementHandler = h.start
    p.EndElementHandler = h.end
    p.CharacterDataHandler = h.data
    p.buffer_text = True
    try:
        p.Parse(xml, True)
    except expat.ExpatError as exc:
        raise FormatError(f"{path}: damaged word/document.xml: {exc}") from None
    except FormatError as exc:
        raise FormatError(f"{path}: {exc}") from None
    lines: list[str] = []
    line_map: list[int] = []
    for n, para in enumerate(h.paras, start=1):
        if not para.strip():
            continue
        for part in para.split("\n"):
            lines.append(part.rstrip())
            line_map.append(n)
        lines.append("")
        line_map.append(n)
    if lines:
        lines.pop()
        line_map.pop()
    return "\n".join(lines) + "\n", line_map


# ---------------------------------------------------------------------------
# EDGAR full-submission files
# ---------------------------------------------------------------------------

DEFAULT_EXHIBITS = ("EX-1", "EX-4")
_TYPE_MAJOR = re.compile(r"^EX-(\d+)", re.I)


@dataclass
class Exhibit:
    type: str
    sequence: Optional[str]
    filename: Optional[str]
    description: Optional[str]
    text: str
    first_line: int  # line of the submission file holding the exhibit's first text line


_TAG_LINE = re.compile(r"^<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>(.*)$", re.I)


def split_submission(text: str) -> list[Exhibit]:
    """Every ``<DOCUMENT>`` of a full-submission file, with the line where its
    ``<TEXT>`` starts (1-based, in ``text``)."""
    lines = text.split("\n")
    out: list[Exhibit] = []
    i, n = 0, len(lines)
    while i < n:
        if lines[i].strip().upper() != "<DOCUMENT>":
            i += 1
            continue
        meta: dict[str, str] = {}
        i += 1
        body_start = None
        while i < n:
            s = lines[i].strip()
            m = _TAG_LINE.match(s)
            if m:
                meta[m.group(1).upper()] = m.group(2).strip()
            elif s.upper().startswith("<TEXT>"):
                rest = s[6:]
                if rest.strip():  # text on the same line as <TEXT>
                    lines[i] = lines[i][lines[i].upper().index("<TEXT>") + 6 :]
                    body_start = i
                else:
                    body_start = i + 1
                break
            elif s.upper() == "</DOCUMENT>":
                break
            i += 1
        if body_start is None:
            i += 1
            continue
        j = body_start
        while j < n and lines[j].strip().upper() not in ("</TEXT>", "</DOCUMENT>"):
            j += 1
        body = lines[body_start:j]
        out.append(
            Exhibit(
                type=meta.get("TYPE", "").upper(),
                sequence=meta.get("SEQUENCE"),
                filename=meta.get("FILENAME"),
                description=meta.get("DESCRIPTION"),
                text="\n".join(body),
                first_line=body_start + 1,
            )
        )
        i = j + 1
    return out


def exhibit_selected(doc_type: str, types: tuple[str, ...]) -> bool:
    """``EX-1.1`` matches ``EX-1``; ``EX-10.3`` does not (the major number must be equal)."""
    m = _TYPE_MAJOR.match(doc_type)
    for want in types:
        w = _TYPE_MAJOR.match(want)
        if m and w:
            if m.group(1) != w.group(1):
                continue
            rest = want[w.end():]
            if not rest or doc_type[m.end():].startswith(rest):
                return True
        elif doc_type == want.upper():
            return True
    return False


def _exhibit_format(ex: Exhibit) -> str:
    head = ex.text[:HEAD].lstrip()
    if head.lower().startswith("begin 6") or head.upper().startswith(("<PDF>", "<XBRL>", "<XML>")):
        return "binary"
    if re.search(r"<html[\s>]|<!doctype\s+html", head[:HEAD], re.I):
        return "html"
    if (ex.filename or "").lower().endswith((".htm", ".html")) and re.match(r"<[a-zA-Z!]", head):
        return "html"
    return "text"


def _submission_documents(path: str, source: "Source | _Decoded", types: tuple[str, ...]) -> list[tuple[str, MappedSource]]:
    """The selected exhibits of a submission; ``source``: the submission's text, encoding
    and notes (its line map is not used)."""
    exhibits = split_submission(source.text)
    if not exhibits:
        raise FormatError(f"{path}: an EDGAR submission without any <DOCUMENT> ... <TEXT> block")
    out: list[tuple[str, MappedSource]] = []
    seen: dict[str, int] = {}
    for ex in exhibits:
        if not exhibit_selected(ex.type, types):
            continue
        fmt = _exhibit_format(ex)
        if fmt == "binary":
            continue
        k = seen.get(ex.type, 0) + 1
        seen[ex.type] = k
        name = f"{path}#{ex.type}" + (f"~{k}" if k > 1 else "")
        notes = list(source.notes) + [f"exhibit {ex.type} of an EDGAR submission" + (f" ({ex.filename})" if ex.filename else "")]
        if fmt == "html":
            text, lmap = html_to_text(ex.text)
            lmap = [ln + ex.first_line - 1 for ln in lmap]
            notes.append("converted from HTML; lines are lines of the submission file, columns of the converted text")
            src = MappedSource(path=name, text=text, encoding=source.encoding, notes=notes, format="html", line_map=lmap, exhibit=ex.type)
        else:
            src = MappedSource(
                path=name, text=ex.text, encoding=source.encoding, notes=notes, format="text",
                line_offset=ex.first_line - 1, exhibit=ex.type,
            )
        if not src.text.strip():
            raise FormatError(f"{name}: the exhibit holds no text")
        out.append((name, src))
    if not out:
        found = ", ".join(sorted({e.type or "?" for e in exhibits}))
        want = ", ".join(t + "*" for t in types)
        raise FormatError(f"{path}: no exhibit of the selected types ({want}) in the submission; it holds {found}")
    return out


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def read_bytes(path: str) -> bytes:
    """A file that may hold several documents (a submission): up to MAX_FILE_BYTES."""
    return read_file(path, MAX_FILE_BYTES, "to be a filing")


def load_bytes(data: bytes, path: str, exhibits: tuple[str, ...] = DEFAULT_EXHIBITS) -> list[tuple[str, MappedSource]]:
    fmt = detect_format(data, path)
    if fmt == "docx":
        text, lmap = docx_to_text(data, path)
        if not text.strip():
            raise FormatError(f"{path}: the Word document holds no text")
        return [(path, MappedSource(path=path, text=text, encoding="utf-8", notes=["read from .docx; lines are paragraph numbers"], format="docx", line_map=lmap))]
    if fmt != "submission" and len(data) > MAX_BYTES:
        raise too_large(path, len(data))
    # the decoded text, encoding and notes; the line map is built once, for the source checked
    text, encoding, notes = decode_text(data, path)
    if fmt == "submission":
        return _submission_documents(path, _Decoded(text, encoding, notes), exhibits)
    if fmt == "html":
        html = text
        text, lmap = html_to_text(html)
        if not text.strip():
            raise FormatError(f"{path}: the HTML document holds no text")
        notes = list(notes) + ["converted from HTML; lines are lines of the HTML file, columns of the converted text"]
        return [(path, MappedSource(path=path, text=text, encoding=encoding, notes=notes, format="html", line_map=lmap))]
    return [(path, MappedSource(path=path, text=text, encoding=encoding, notes=notes, format="text"))]


@dataclass
class _Decoded:
    """What _submission_documents reads of a decoded submission (a Source without the line map,
    which a whole filing does not need)."""

    text: str
    encoding: str
    notes: list[str]


def load_any(path: str, exhibits: tuple[str, ...] = DEFAULT_EXHIBITS) -> list[tuple[str, MappedSource]]:
    """Every document of one input file as (name, source).

    A plain, HTML or Word file is one document named by its path; a submission
    yields one document per selected exhibit, named ``path#EX-1.1``.  Raises
    :class:`checker.source.InputError` (or its subclass :class:`FormatError`)
    with a one-line reason when the file cannot be read."""
    p = os.fspath(path)
    return load_bytes(read_bytes(p), p, exhibits)


# ---------------------------------------------------------------------------
# Checking with the line map applied
# ---------------------------------------------------------------------------

_LINE_KEYS = {"line", "end_line", "start_line", "src_line"}


def _remap_obj(obj, fn):
    if isinstance(obj, dict):
        return {k: (fn(v) if k in _LINE_KEYS and isinstance(v, int) else _remap_obj(v, fn)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_remap_obj(v, fn) for v in obj]
    return obj


def _remap_model(m, fn):
    upd = {}
    for k in ("line", "end_line"):
        if hasattr(m, k) and isinstance(getattr(m, k), int):
            upd[k] = fn(getattr(m, k))
    rel = getattr(m, "related", None)
    if rel:
        upd["related"] = tuple(_remap_model(r, fn) for r in rel)
    return m.model_copy(update=upd) if upd else m


def remap_lines(result, source: MappedSource):
    """Rewrite every line number of a DocumentResult through the source's line map."""
    if not isinstance(source, MappedSource) or source.identity:
        return result
    fn = source.original_line
    result.findings = [_remap_model(f, fn) for f in result.findings]
    result.obligations = [_remap_model(o, fn) for o in result.obligations]
    result.errors = [_remap_model(e, fn) for e in result.errors]
    for attr in ("sections", "definitions", "references", "external_references", "calendar"):
        setattr(result, attr, _remap_obj(getattr(result, attr), fn))
    return result


def check_any(path: str, exhibits: tuple[str, ...] = DEFAULT_EXHIBITS, **options) -> list:
    """Check every document of one input file; never raises for bad input (a file
    that cannot be read gives one result whose errors say why, as check_file)."""
    from .model import DocError
    from .pipeline import DocumentResult, check_source

    p = os.fspath(path)
    try:
        docs = load_any(p, exhibits)
    except InputError as exc:
        return [DocumentResult(path=p, errors=[DocError(message=str(exc), stage="load")])]
    results = []
    for name, src in docs:
        if len(src.text) > MAX_BYTES:  # one exhibit of a large submission
            results.append(DocumentResult(path=name, errors=[DocError(message=str(too_large(name, len(src.text))), stage="load")]))
            continue
        res = check_source(src, **options)
        res.path = name
        remap_lines(res, src)
        results.append(res)
    return results
