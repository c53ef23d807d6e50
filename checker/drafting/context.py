"""Shared per-document state of the drafting checks.

The drafting checks read the *clean* text of the layout stage (page numbers,
``<PAGE>`` markers and table tags out, words hyphenated across lines joined),
so a sentence broken by a page break reads as one sentence; every position is
mapped back to the original file through ``Layout.span``.  Everything that
more than one check needs (paragraphs, sentences, the section outline, the
definitions, the attachments the document holds, the signature blocks) is
computed once per document and cached on the context.
"""
from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import attrgetter
from typing import Any, Iterable, Optional

from ..doctype import lower_case
from ..model import Finding, Related, Section
from .registry import RULES

_WS = re.compile(r"\s+")
_BLANK = attrgetter("blank")
_TABLE = attrgetter("table")
_MATCH_START = re.Match.start
_MATCH_END = re.Match.end


def _section_order(s: "SectionInfo") -> tuple[int, int]:
    return (s.start, -s.end)

_PROSE_DELETE = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ \u00a0")
_SYMBOL_DELETE = str.maketrans("", "", "`!@#$%^&*<>\\|~")


def squash(s: str) -> str:
    """``s`` with every run of white space one space, and none at its ends
    (what ``_WS.sub(" ", s).strip()`` makes of it: the same characters are
    white space to both)."""
    return " ".join(s.split())


@dataclass
class SectionInfo:
    number: str
    kind: str
    label: str
    heading: Optional[str]
    omitted: bool
    start: int  # clean offsets
    end: int
    depth: int
    parent: Optional[str]
    up: Optional["SectionInfo"] = None  # the section that holds this one


@dataclass
class Paragraph:
    start: int
    end: int
    table: bool  # every non-blank line of it belongs to a table


# the heading of a schedule to an attached form, not to the agreement: "SCHEDULE 1 TO
# ASSIGNMENT AND ACCEPTANCE", "Schedule 2 to the Compliance Certificate"
_SCHEDULE_TO_A_FORM = re.compile(
    r"to\s+(?:the\s+)?(?:form\s+of\s+)?(?:[\w\-]+\s+){0,3}?(?:assignment|certificate|opinion|note|notice|request|mortgage|"
    r"re-assignment|guarant(?:y|ee)|pledge|letter)s?\b",
    re.I,
)

# the label that opens a schedule's heading ("SCHEDULE 1", "Schedule 2.1(a)")
_SCHEDULE_LABEL = re.compile(r"^schedule\s+[\w.()\-]+\s*", re.I)


class Context:
    """What the drafting checks share about one document."""

    def __init__(self, doc: Any, settings: Optional[dict] = None, config: Any = None):
        self.doc = doc
        self.settings = settings or {}
        self.config = config  # a checker.policy.Config, when the analysis passed one
        self.source = doc.source
        lay = getattr(doc, "layout", None)
        if lay is None or not hasattr(lay, "span"):
            from ..layout import layout as _layout

            lay = _layout(doc.source)
        self.layout = lay
        self.text: str = lay.text
        self._src_starts: Optional[list[int]] = None

    def release(self) -> None:
        """Drop what the checks cached here (term indexes, blanks, tables ...).

        Those objects refer back to the context, and the context to the document:
        left in place after a run, the cycle would keep the whole parsed document
        in memory until the cyclic garbage collector runs."""
        keep = ("doc", "settings", "config", "source", "layout", "text", "errors", "timings")
        for name in list(self.__dict__):
            if name not in keep:
                del self.__dict__[name]
        self._src_starts = None

    # ------------------------------------------------------------------
    # positions
    # ------------------------------------------------------------------

    def span(self, start: int, end: int):
        return self.layout.span(start, end)

    def line_index(self, offset: int) -> int:
        return self.layout.line_at(offset)

    def line_of(self, offset: int):
        return self.layout.lines[self.layout.line_at(offset)]

    def quote(self, start: int, end: int, limit: int = 200) -> str:
        q = squash(self.text[start:end])
        return q if len(q) <= limit else q[: limit - 1] + "\u2026"

    def to_clean(self, src_offset: int) -> int:
        """Clean offset of the first kept character at or after a source offset."""
        seg_src = self.layout._seg_src
        seg_clean = self.layout._seg_clean
        if not seg_src:
            return 0
        k = bisect.bisect_right(seg_src, src_offset) - 1
        if k < 0:
            return 0
        off = seg_clean[k] + (src_offset - seg_src[k])
        nxt = seg_clean[k + 1] if k + 1 < len(seg_clean) else len(self.text)
        return min(off, nxt)

    @cached_property
    def lower(self) -> str:
        """The clean text in lower case (same length when the text is ASCII).

        The type of the document was told from this very text, in lower case:
        that is taken again, not made a second time."""
        return lower_case(self.text)

    def starts_of(self, *words: str) -> list[int]:
        """Sorted offsets where one of ``words`` (given in lower case) starts
        in the text, in any case: the places worth trying a pattern that
        needs one of them."""
        cache = self.__dict__.setdefault("_starts_of", {})
        out: list[int] = []
        for w in words:
            hit = cache.get(w)
            if hit is None:
                low = self.lower
                if len(low) == len(self.text):  # lower() kept every offset
                    hit = literal_starts(low, (w,))
                else:
                    hit = [m.start() for m in re.finditer(re.escape(w), self.text, re.I)]
                cache[w] = hit
            out.extend(hit)
        if len(words) > 1:
            out.sort()
        return out

    def places_of(self, word: str) -> list[int]:
        """Sorted offsets where ``word`` starts in the text, as written (found
        once per document for the checks that look for it)."""
        cache = self.__dict__.setdefault("_places_of", {})
        hit = cache.get(word)
        if hit is None:
            hit = cache[word] = literal_starts(self.text, (word,))
        return hit

    # ------------------------------------------------------------------
    # paragraphs and sentences
    # ------------------------------------------------------------------

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        append = out.append
        # the runs of lines that are not blank, each read as a whole
        for blank, run in groupby(self.layout.lines, key=_BLANK):
            if blank:
                continue
            run = list(run)
            last = run[-1]
            append(Paragraph(run[0].start, last.start + len(last.text), None not in map(_TABLE, run)))
        return out

    def is_prose(self, p: Paragraph) -> bool:
        """A paragraph of words, not an encoded attachment or a line of symbols:
        most of its characters are letters and spaces."""
        cache = self.__dict__.setdefault("_prose", {})
        hit = cache.get(p.start)
        if hit is None:
            seg = self.text[p.start : min(p.end, p.start + 2000)]
            # letters and spaces deleted, what is left is the rest
            hit = bool(seg) and len(seg.translate(_PROSE_DELETE)) <= 0.25 * len(seg)
            cache[p.start] = hit
        return hit

    def is_encoded(self, p: Paragraph) -> bool:
        """An encoded attachment (uuencoded PDF and the like) in the text."""
        cache = self.__dict__.setdefault("_encoded", {})
        hit = cache.get(p.start)
        if hit is None:
            seg = self.text[p.start : min(p.end, p.start + 2000)]
            hit = len(seg) - len(seg.translate(_SYMBOL_DELETE)) > 20 and not self.is_prose(p)
            cache[p.start] = hit
        return hit

    @cached_property
    def para_starts(self) -> list[int]:
        """The start offset of each paragraph, in order (for bisection)."""
        return [p.start for p in self.paragraphs]

    def paragraph_at(self, offset: int) -> Optional[Paragraph]:
        i = bisect.bisect_right(self.para_starts, offset) - 1
        if i < 0:
            return None
        p = self.paragraphs[i]
        return p if offset <= p.end else None

    @cached_property
    def _sentence_ends(self) -> tuple[list[int], list[int]]:
        """Where every sentence end in the text (see _SENT_END) starts, and
        where each ends: two lists in order of the text (the ends never
        overlap, so both ascend)."""
        text = self.text
        # the matches of _SENT_END, found faster: every alternative starts with
        # one of its characters, and no match holds another's first
        # character (a blank line's are white space, the rest are
        # punctuation and closing quotes), so the matches are those of the
        # blank lines (a scan the engine runs from newline to newline) and
        # those at the places of the punctuation (found by ``str.find``)
        ms = list(_BLANK_LINE.finditer(text))
        marks = literal_starts(text, _SENT_PUNCT)
        if marks:
            ms += matches_at(_SENT_END, text, marks)
            ms.sort(key=_MATCH_START)
        return list(map(_MATCH_START, ms)), list(map(_MATCH_END, ms))

    def _sentence_ends_in(self, lo: int, hi: int) -> tuple[list[int], list[int]]:
        """The sentence ends of _sentence_ends that start in the paragraph
        text[lo:hi], or end in it: (starts, ends).

        A paragraph starts a line (the character before it is a line break)
        and a full stop's match holds no line break, so the only ends that
        reach into it from before are blank lines.  The blank lines are
        found as a scan of the whole text would find them (its matches pair
        the breaks of a run of empty lines from the first): the scan starts
        after the last character before the paragraph that is not white
        space, which no match of it holds."""
        text = self.text
        s = lo
        while s > 0 and text[s - 1].isspace():
            s -= 1
        ms = []
        for m in _BLANK_LINE.finditer(text, s):
            if m.start() >= hi:
                break
            ms.append(m)
        marks = literal_starts(text, _SENT_PUNCT, lo, hi)
        if marks:
            ms += matches_at(_SENT_END, text, marks)
            ms.sort(key=_MATCH_START)
        return list(map(_MATCH_START, ms)), list(map(_MATCH_END, ms))

    @cached_property
    def _marks(self) -> tuple[str, ...]:
        """The marks of _SENT_PUNCT the text holds (most hold no "!")."""
        text = self.text
        return tuple([c for c in _SENT_PUNCT if c in text]) or (".",)

    def sentence_bounds(self, offset: int) -> tuple[int, int]:
        """Start and end (clean offsets) of the sentence holding ``offset``.

        A sentence ends at a full stop, semicolon or colon followed by a
        capital, or at a blank line; never beyond its paragraph.
        """
        paras = self.paragraphs
        i = bisect.bisect_right(self.para_starts, offset) - 1
        text = self.text
        p = paras[i] if i >= 0 else None
        if p is not None and offset <= p.end:
            # within a paragraph: the sentence ends nearest the offset, read
            # from the offset outwards (the places of the marks merged, one
            # str.find each step) instead of every end of the paragraph.
            # Each end holds one mark (its first character), so these are
            # the ends a scan of the whole text finds (see _sentence_ends).
            # The blank lines around a paragraph end at its start or start
            # at its end; one inside it (a line of white space alone, which
            # only the joining of a hyphenated word leaves) is read with the
            # paragraph as a whole (below)
            lo, hi = p.start, p.end
            match = _SENT_END.match
            marks = self._marks
            # the start: the end of the last sentence end wholly before the offset
            start = lo
            if offset > lo:
                rfind = text.rfind
                at = [rfind(c, lo, offset) for c in marks]
                while True:
                    j = max(at)
                    if j < 0:
                        break
                    m = match(text, j)
                    if m is not None and m.end() <= offset:
                        start = m.end()
                        break
                    k = at.index(j)
                    at[k] = rfind(marks[k], lo, j)
            # the end: that of the first sentence end at or after the offset
            end = hi
            if offset < hi:
                find = text.find
                at = [find(c, offset, hi) for c in marks]
                while True:
                    j = min(at)
                    if j < 0:  # a mark that is not there any more
                        k = at.index(j)
                        at[k] = hi
                        continue
                    if j >= hi:
                        break
                    m = match(text, j)
                    if m is not None:
                        end = m.end()
                        break
                    k = at.index(j)
                    at[k] = find(marks[k], j + 1, hi)
            # (a blank line that could end between them is a line of white
            # space alone starting in [start, end])
            lines = self.layout.lines
            line_starts = self.layout._line_starts
            if len(line_starts) == len(lines):
                k = bisect.bisect_left(line_starts, start)
                n = len(lines)
                while k < n and line_starts[k] <= end:
                    t = lines[k].text
                    if not t or t.isspace():
                        break
                    k += 1
                else:
                    while start < end and text[start].isspace():
                        start += 1
                    return start, end
            starts, ends = self._sentence_ends_in(lo, hi)
        else:
            lo, hi = max(0, offset - 400), min(len(text), offset + 400)
            starts, ends = self._sentence_ends
        # the last end wholly before the offset, and the first one after it
        start = lo
        j = bisect.bisect_right(ends, offset) - 1
        if j >= 0 and ends[j] > lo:
            start = ends[j]
        end = hi
        k = bisect.bisect_left(starts, offset)
        if k < len(starts) and starts[k] < hi:
            end = ends[k]
        while start < end and text[start].isspace():
            start += 1
        return start, end

    # ------------------------------------------------------------------
    # sections
    # ------------------------------------------------------------------

    @cached_property
    def sections(self) -> list[SectionInfo]:
        out: list[SectionInfo] = []
        append = out.append
        seg_src = self.layout._seg_src
        seg_clean = self.layout._seg_clean
        n_seg = len(seg_clean)
        n_text = len(self.text)
        find = bisect.bisect_right

        def clean(src_offset: int) -> int:  # to_clean
            if not seg_src:
                return 0
            k = find(seg_src, src_offset) - 1
            if k < 0:
                return 0
            off = seg_clean[k] + (src_offset - seg_src[k])
            nxt = seg_clean[k + 1] if k + 1 < n_seg else n_text
            return off if off < nxt else nxt

        # the outline in order (each section before the ones it holds)
        todo: list = [(s, 0, None, None) for s in reversed(getattr(self.doc, "sections", ()) or ())]
        pop = todo.pop
        push = todo.append
        while todo:
            s, depth, parent, pinfo = pop()
            sp = s.span
            info = SectionInfo(s.number, s.kind, s.label, s.heading, s.omitted, clean(sp.offset), clean(sp.end_offset), depth, parent, pinfo)
            append(info)
            kids = s.children
            if kids:
                inner = s.number or parent
                for c in reversed(kids):
                    push((c, depth + 1, inner, info))
        out.sort(key=_section_order)
        return out

    @cached_property
    def _sec_starts(self) -> list[int]:
        return [s.start for s in self.sections]

    @cached_property
    def _sec_bounds(self) -> list[int]:
        """Every start and end of a section, sorted: between two of them the
        answer of :meth:`sections_at` does not change."""
        return sorted({s.start for s in self.sections} | {s.end for s in self.sections})

    def sections_at(self, offset: int) -> list[SectionInfo]:
        """Every section holding ``offset``, outermost first."""
        cache = self.__dict__.setdefault("_sections_at_cache", {})
        key = bisect.bisect_right(self._sec_bounds, offset)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = tuple(self._sections_at(offset))
        return list(hit)

    def _sections_at(self, offset: int) -> list[SectionInfo]:
        i = bisect.bisect_right(self._sec_starts, offset)
        secs = self.sections
        # the innermost holder is among the last sections starting before the offset
        inner = None
        for j in range(i - 1, max(-1, i - 400), -1):
            s = secs[j]
            if s.start <= offset < s.end:
                if inner is None or s.depth > inner.depth:
                    inner = s
                if s.depth == 0:
                    break
        if inner is None:
            return []
        hold = []
        s = inner
        while s is not None:
            if s.start <= offset < s.end:
                hold.append(s)
            s = s.up
        hold.reverse()
        return hold

    def section_at(self, offset: int) -> Optional[SectionInfo]:
        hold = [s for s in self.sections_at(offset) if s.kind not in ("table", "paragraph")]
        return hold[-1] if hold else None

    def section_number_at(self, offset: int) -> Optional[str]:
        s = self.section_at(offset)
        return s.number if s and s.number else None

    @cached_property
    def by_number(self) -> dict[str, SectionInfo]:
        out: dict[str, SectionInfo] = {}
        for s in self.sections:
            if s.number and s.number not in out:
                out[s.number] = s
        return out

    def attachment_at(self, offset: int) -> Optional[SectionInfo]:
        for s in self.sections_at(offset):
            if s.kind in ("schedule", "exhibit", "annex", "appendix"):
                return s
        return None

    @cached_property
    def body_end(self) -> int:
        """Clean offset where the attachments (schedules, exhibits, annexes) begin."""
        starts = [s.start for s in self.sections if s.kind in ("schedule", "exhibit", "annex", "appendix") and s.depth == 0]
        own = self.attachment_headings
        starts += [h[0] for h in own]
        return min(starts) if starts else len(self.text)

    # attachment headings found in the text itself, for documents whose
    # outline does not name them: (offset, kind, id, heading line)
    _ATT_HEAD = re.compile(
        r"^[^\S\n]*(?:FORM\s+OF\s+)?(SCHEDULE|EXHIBIT|ANNEX|APPENDIX|ATTACHMENT|Schedule|Exhibit|Annex|Appendix|Attachment)"
        r"[^\S\n]+[\"\u201c]?([A-Z0-9]{1,4}(?:[-.][A-Z0-9]{1,3})?(?:\([a-z0-9]{1,3}\))?)[\"\u201d]?[^\S\n]*(?:[-:\u2013\u2014].*)?$",
        re.M,
    )

    @cached_property
    def _form_starts(self) -> list[int]:
        """Where "FORM" or "Form" starts (the words _ATT_HEAD and _FORM_HEAD spell so)."""
        return literal_starts(self.text, ("FORM", "Form"))

    @cached_property
    def attachment_headings(self) -> list[tuple[int, str, str, str]]:
        out = []
        text = self.text
        # a heading starts its line, and the line names the kind (or starts "FORM OF")
        cands = line_starts_of(text, self.starts_of(*_ATT_WORDS) + self._form_starts)
        for m in matches_at(self._ATT_HEAD, text, cands):
            # a heading stands alone: blank (or page break) before it, or a
            # centred line; and not inside the first few lines (the cover)
            ln = self.line_of(m.start())
            idx = self.line_index(m.start())
            prev_blank = idx == 0 or self.layout.lines[idx - 1].blank or ln.page_break_before
            centred = ln.indent >= 15
            if not (prev_blank or centred):
                continue
            if m.start() < 400 and "EXHIBIT" in m.group(1).upper():
                # "EXHIBIT 1.1" at the top is the filing's exhibit number
                continue
            out.append((m.start(), m.group(1).lower(), m.group(2).upper(), squash(m.group(0))))
        return out

    _FORM_HEAD = re.compile(
        r"(?m)^[^\S\n]*\[?[^\S\n]*(?:\[[^\S\n]*)?(?:(?:Section|SECTION)[^\S\n]+\d+(?:\.\d+)*\.?[^\S\n]+)?(?:(?:FORMS?|Forms?)[^\S\n]+(?:OF|of)|FORMS?[^\S\n]*\n[^\S\n]*OF)[^\S\n]+[A-Z][A-Za-z ,'\-]{2,80}\.?\]?[^\S\n]*$"
    )
    _SECTION_HEAD = re.compile(
        r"(?m)^[^\S\n]*(?:ARTICLE|Article)[^\S\n]+[\dIVXLC]+\b|^[^\S\n]*(?:Section|SECTION)[^\S\n]+\d+(?:\.\d+)*\.?[^\S\n]+[A-Z]"
    )

    @cached_property
    def _section_head_lines(self) -> list[int]:
        """The starts of the lines that name an article or a section (the
        words _SECTION_HEAD starts with)."""
        return line_starts_of(self.text, literal_starts(self.text, ("ARTICLE", "Article", "Section", "SECTION")))

    def _schedule_to_a_form(self, off: int) -> bool:
        """The schedule headed at ``off`` belongs to an attached form: "SCHEDULE 1
        TO ASSIGNMENT AND ACCEPTANCE", or that heading over two or three lines
        ("SCHEDULE 1" / "to" / "ASSIGNMENT AND ACCEPTANCE")."""
        lines = [ln.strip() for ln in self.text[off : off + 300].split("\n")]
        rest = _SCHEDULE_LABEL.sub("", lines[0], count=1)
        if not rest:
            nxt = [ln for ln in lines[1:-1] if ln][:2]
            if not nxt:
                return False
            rest = nxt[0]
            if rest.lower() == "to" and len(nxt) > 1:
                rest = "to " + nxt[1]
        return _SCHEDULE_TO_A_FORM.match(rest) is not None

    @cached_property
    def form_ranges(self) -> list[tuple[int, int, str]]:
        """Parts of the document that are forms of other instruments: attached
        exhibits, annexes and appendices, attachments headed "FORM OF", and
        forms set out in the body ("FORM OF FACE OF SECURITY") up to the next
        article or section heading."""
        out: list[tuple[int, int, str]] = []
        for s in self.sections:
            if s.depth == 0 and (
                s.kind in ("exhibit", "annex", "appendix")
                or (s.kind == "schedule" and s.heading and _SCHEDULE_TO_A_FORM.match(s.heading))
            ):
                out.append((s.start, s.end, f"{s.kind.capitalize()} {s.number}"))
        heads = self.attachment_headings
        for i, (off, kind, ident, _line) in enumerate(heads):
            end = heads[i + 1][0] if i + 1 < len(heads) else len(self.text)
            if (
                kind in ("exhibit", "annex", "appendix", "attachment")
                or "FORM OF" in self.text[off : off + 300].upper()
                or (kind == "schedule" and self._schedule_to_a_form(off))
            ):
                out.append((off, end, f"{kind.capitalize()} {ident}"))
        cands = line_starts_of(self.text, self._form_starts)
        for m in matches_at(self._FORM_HEAD, self.text, cands):
            line = m.group(0).strip()
            words = re.findall(r"[A-Za-z]+", line)
            if sum(1 for w in words if w[0].isupper() or w.lower() in ("of", "and", "the", "for", "to")) < 0.8 * len(words):
                continue
            nxt = next(matches_at(self._SECTION_HEAD, self.text, self._section_head_lines, m.end()), None)
            end = nxt.start() if nxt else len(self.text)
            out.append((m.start(), end, squash(line).strip("[]")))
        # the transfer form printed at the end of a note or a certificate ("FOR VALUE
        # RECEIVED, the undersigned hereby sell(s), assign(s) and transfer(s) unto
        # ..."): for a later holder to fill in, up to the next attachment
        if "VALUE RECEIVED" in self.text:
            # (the form's line says "for", in any case: the pattern is tried at those lines only)
            for m in matches_at(self._TRANSFER_FORM, self.text, line_starts_of(self.text, self.starts_of("for"))):
                nxt = next((h[0] for h in self.attachment_headings if h[0] > m.start()), len(self.text))
                out.append((m.start(), nxt, "Form of Assignment"))
        out.sort()
        return out

    _TRANSFER_FORM = re.compile(
        r"(?m)^[^\S\n]*FOR\s+VALUE\s+RECEIVED,?\s+the\s+undersigned\s+(?:hereby\s+)?(?:sells?|assigns?|transfers?)\b(?:\(s\))?",
        re.I,
    )

    @cached_property
    def is_template(self) -> bool:
        """The settings name this file as a template (``templates`` globs):
        its blanks are intentional."""
        cfg = self.config
        path = getattr(self.doc, "path", None) or getattr(self.source, "path", None)
        if cfg is None or not path or not hasattr(cfg, "is_template"):
            return False
        try:
            return bool(cfg.is_template(path))
        except Exception:
            return False

    @cached_property
    def is_form(self) -> bool:
        """The document itself is a form ("FORM OF INDENTURE"): its blanks are
        there to be filled in when it is used."""
        if self.is_template:
            return True
        head = self.text[:3000]
        for ln in head.split("\n")[:40]:
            t = ln.strip().strip("[]").strip()
            if _FORM_OF_UPPER.match(t) or _FORM_OF_TITLE.match(t) and len(t) < 80:
                return True
        return False

    def form_at(self, offset: int) -> Optional[str]:
        for a, b, name in self.form_ranges:
            if a <= offset < b:
                return name
            if a > offset:
                break
        return None

    # ------------------------------------------------------------------
    # findings
    # ------------------------------------------------------------------

    def related(self, start: int, end: int, message: Optional[str] = None, limit: int = 160) -> Related:
        sp = self.span(start, end)
        return Related(
            line=sp.line,
            column=sp.column,
            end_line=sp.end_line,
            end_column=sp.end_column,
            quote=self.quote(start, end, limit),
            message=message,
        )

    def finding(
        self,
        code: str,
        message: str,
        start: int,
        end: int,
        related: Iterable[Related] = (),
        severity: Optional[str] = None,
        quote: Optional[str] = None,
    ) -> Finding:
        meta = RULES[code]
        sp = self.span(start, end)
        return Finding(
            code=code,
            name=meta.name,
            category=meta.category,
            severity=severity or meta.severity,
            message=message,
            line=sp.line,
            column=sp.column,
            end_line=sp.end_line,
            end_column=sp.end_column,
            quote=quote if quote is not None else self.quote(start, end),
            section=self.section_number_at(start),
            related=tuple(related),
        )


_FORM_OF_UPPER = re.compile(r"^FORM\s+OF\b")
_FORM_OF_TITLE = re.compile(r"^Form\s+of\s+[A-Z]")
# the words an attachment heading (_ATT_HEAD) names, in any case (or it starts "FORM OF")
_ATT_WORDS = ("schedule", "exhibit", "annex", "append", "attachment")

# A sentence ends at ".", ";", ":", "!" or "?" (and the closing quotation
# marks and brackets after it) followed by white space and a capital, a digit
# or "(" - or at a blank line.  A full stop does not end one after an
# abbreviation ("Inc.", "No.", "U.S.", a single capital), nor after one and a
# line break.  Every alternative starts with a literal, which the engine skips
# to; a full stop is first tested for what must follow it (most fail there).
_ABBREVS = (
    "No", "Nos", "Inc", "Co", "Corp", "Ltd", "cf", "vs", "Mr", "Ms", "Mrs", "Dr", "St", "al", "Jr", "Sr", "Sec", "Secs",
    "Art", "Para", r"U\.S", r"N\.A", r"L\.P", r"S\.A", r"e\.g", r"i\.e", "[A-Z]",
)


def _abbrev_guards() -> str:
    """Negative look-behinds for "<abbreviation>." and "<abbreviation>\\n.", one
    pair for each width (a look-behind needs a fixed width)."""
    by_width: dict[int, list[str]] = {}
    for a in _ABBREVS:
        w = 1 if a == "[A-Z]" else len(a.replace("\\", ""))
        by_width.setdefault(w, []).append(a)
    out = ""
    for _w, alts in sorted(by_width.items()):
        alt = "|".join(alts)
        out += r"(?<!\b(?:" + alt + r")\.)(?<!\b(?:" + alt + r")\n\.)"
    return out


_AFTER_END = r"[\"'\u201d)]*(?=\s+[\"'\u201c(]*[A-Z0-9(])"
_SENT_END = re.compile(
    r"\.(?=[\"'\u201d)]*\s+[\"'\u201c(]*[A-Z0-9(])"
    + _abbrev_guards()
    + _AFTER_END
    + "".join("|" + re.escape(c) + _AFTER_END for c in ";:!?")
    + r"|\n[^\S\n]*\n"
)
# the blank lines among the sentence ends, and the characters the others start with
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_SENT_PUNCT = (".", ";", ":", "!", "?")


_ASCII_BYTES = bytes(range(128))


def lower_text(text: str) -> str:
    """``text.lower()``, made faster for a text whose characters outside ASCII
    (curly quotes, dashes, non-breaking spaces ...) are all their own lower
    case, as in most agreements: lower-casing a text with any character
    outside ASCII reads every character's case mapping, while the text in
    UTF-8 has its characters outside ASCII in bytes of 128 and up only, which
    ``bytes.lower`` leaves alone.  (The characters outside ASCII are read
    apart first: when one of them has another lower case, ``str.lower``.)"""
    if text.isascii():
        return text.lower()
    b = text.encode("utf-8", "surrogatepass")
    rest = b.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    if rest.lower() != rest:
        return text.lower()
    return b.lower().decode("utf-8", "surrogatepass")


def get_context(doc: Any, settings: Optional[dict] = None, config: Any = None) -> Context:
    """The drafting context of a document, built once and shared while it is in use.

    The document keeps only a weak reference to it: the context refers to the
    document, and a reference both ways would be a cycle that keeps every
    checked document in memory until the cyclic garbage collector runs."""
    ref = getattr(doc, "_drafting_context", None)
    ctx = ref() if isinstance(ref, weakref.ref) else None
    if ctx is None or ctx.doc is not doc:
        ctx = Context(doc, settings, config)
        try:
            setattr(doc, "_drafting_context", weakref.ref(ctx))
        except Exception:  # a frozen stand-in: no cache
            pass
    return ctx


def trie_regex(words: Iterable[str]) -> str:
    """One regular expression matching any of ``words`` (exactly as given),
    factored by common prefixes so that the engine does not try every
    alternative at every position."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            nxt = node.get(ch)
            if nxt is None:
                nxt = node[ch] = {}
            node = nxt
        node[""] = None
    esc = _ESCAPES

    def build(node: dict) -> str:
        end = "" in node
        keys = [k for k in node if k != ""]
        if not keys:
            return ""
        if len(keys) == 1:
            k = keys[0]
            pieces = [esc.get(k) or _esc(k)]
            child = node[k]
            # a run of nodes with one letter each and no word ending there: no nesting
            while len(child) == 1 and "" not in child:
                for k, nxt in child.items():
                    pieces.append(esc.get(k) or _esc(k))
                child = nxt
            pieces.append(build(child))
            body = "".join(pieces)
        else:
            keys.sort()
            body = "(?:" + "|".join((esc.get(k) or _esc(k)) + build(node[k]) for k in keys) + ")"
        if end:
            # one group, or one letter or digit, is made optional as it
            # stands: a shorter pattern, which the engine parses sooner
            if len(keys) > 1 or (len(body) == 1 and body.isalnum()):
                body += "?"
            else:
                body = "(?:" + body + ")?"
        return body

    try:
        return build(trie)
    finally:
        build = None  # a recursive inner function and its own name form a reference cycle: broken here


_ESCAPES: dict[str, str] = {}


def _esc(ch: str) -> str:
    e = re.escape(ch)
    _ESCAPES[ch] = e
    return e


# the first character of a line, after spaces and a soft hyphen, when it is
# "S", "A", "B", "P" or a digit (each run of spaces taken whole: a line of
# spaces alone costs its length, not its square)
_LINE_HEAD = re.compile(r"\n[^\S\n]*+\u00ad?[^\S\n]*+([SABP\d])")


def line_heads(ctx: Context) -> tuple[dict[str, list[int]], list[int]]:
    """The starts of the lines (after the first) whose first character, after
    spaces and a soft hyphen, is "S", "A", "B" or "P" (by letter), and of those
    where it is a digit: where a pattern that needs one of them at the start of
    a line ("Section 4.", "By:", "8.07") is worth trying.  One scan of the
    text, from line break to line break, for all the checks."""
    cached = ctx.__dict__.get("_line_heads")
    if cached is None:
        by: dict[str, list[int]] = {"S": [], "A": [], "B": [], "P": []}
        digits: list[int] = []
        get = by.get
        for m in _LINE_HEAD.finditer(ctx.text):
            hit = get(m.group(1))
            (digits if hit is None else hit).append(m.start() + 1)
        cached = ctx.__dict__["_line_heads"] = (by, digits)
    return cached


def matches_at(pattern: "re.Pattern[str]", text: str, starts: Iterable[int], pos: int = 0, endpos: Optional[int] = None):
    """The matches of ``pattern.finditer(text, pos, endpos)``, for a pattern
    whose matches are never empty and can only start at one of ``starts``
    (ascending offsets): the pattern is tried at those places only, which is
    far faster than the engine's scan when they are few.  A match found
    hides the places it covers, as in ``finditer``."""
    if endpos is None or endpos > len(text):
        endpos = len(text)
    last = pos
    match = pattern.match
    for p in starts:
        if p < last:
            continue
        if p >= endpos:
            break
        m = match(text, p, endpos)
        if m is not None:
            yield m
            last = m.end()


def literal_starts(text: str, words: Iterable[str], pos: int = 0, endpos: Optional[int] = None) -> list[int]:
    """Sorted offsets in ``text[pos:endpos]`` where one of ``words`` (literal strings) starts."""
    if endpos is None:
        endpos = len(text)
    out: list[int] = []
    find = text.find
    for w in words:
        i = find(w, pos, endpos)
        while i >= 0:
            out.append(i)
            i = find(w, i + 1, endpos)
    out.sort()
    return out


def line_starts_of(text: str, offsets: Iterable[int]) -> list[int]:
    """Sorted, distinct starts of the lines holding ``offsets``."""
    rfind = text.rfind
    return sorted({rfind("\n", 0, o) + 1 for o in offsets})


def search_near(
    pattern: "re.Pattern[str]", text: str, anchors: Iterable[str], before: int = 300, after: int = 300, low: Optional[str] = None
):
    """``pattern.search`` run only around the places where one of ``anchors``
    (plain lower-case substrings) occurs: the same answer as a search of the
    whole text for patterns that must contain an anchor, at a fraction of the cost.
    ``low`` is ``text.lower()`` when the caller has it already."""
    if low is None:
        low = lower_text(text)
    for anchor in anchors:
        i = low.find(anchor)
        while i >= 0:
            m = pattern.search(text, max(0, i - before), min(len(text), i + len(anchor) + after))
            if m:
                return m
            i = low.find(anchor, i + len(anchor) + after)
    return None
