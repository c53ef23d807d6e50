"""The AST and result model: immutable pydantic models shared by every stage.

Every node carries a :class:`Span` in the *original* file: 1-based line and
column of its first character and the line and column just after its last
character (SARIF convention: ``end_column`` is exclusive), plus the character
offsets into the decoded text.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    # schemas are built on first validation, not at import: start-up is a feature
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Span(Frozen):
    line: int
    column: int
    end_line: int
    end_column: int
    offset: int = 0
    end_offset: int = 0


# ---------------------------------------------------------------------------
# Typed clause nodes (what the Lark grammar yields)
# ---------------------------------------------------------------------------


class NodeBase(Frozen):
    span: Span
    text: str


class Duration(NodeBase):
    kind: Literal["duration"] = "duration"
    count: Optional[float] = None  # None when the count is a blank ("[o] days")
    unit: Literal["day", "hour", "week", "month", "year"]
    # day-count basis: calendar, business, full_business, trading; None = plain days
    basis: Optional[Literal["calendar", "business", "full_business", "trading"]] = None
    consecutive: bool = False
    ordinal: bool = False  # "the second business day", "the 45th day"
    words: Optional[str] = None  # number words as written ("thirty-six")
    numeral: Optional[str] = None  # numeral as written, e.g. "10" in "ten (10)"
    words_value: Optional[float] = None
    numeral_value: Optional[float] = None


class Anchor(NodeBase):
    kind: Literal["anchor"] = "anchor"
    relation: str  # after, following, before, prior_to, from, of, preceding
    event: str  # "the date of the Prospectus"


class Bound(NodeBase):
    kind: Literal["bound"] = "bound"
    # not_later_than, not_more_than, at_least, within, up_to, not_earlier_than,
    # no_later_than, no_more_than, not_less_than, more_than, less_than, exceeds, range
    relation: str
    low: Optional[float] = None  # for ranges: "earlier than two or later than ten"
    high: Optional[float] = None


class Ratio(NodeBase):
    kind: Literal["ratio"] = "ratio"
    value: Optional[float] = None
    form: Literal["percent", "fraction", "decimal", "multiple"]
    words: Optional[str] = None
    numeral: Optional[str] = None
    words_value: Optional[float] = None
    numeral_value: Optional[float] = None


class Money(NodeBase):
    kind: Literal["money"] = "money"
    value: Optional[float] = None
    currency: str = "USD"
    words: Optional[str] = None
    numeral: Optional[str] = None
    words_value: Optional[float] = None
    numeral_value: Optional[float] = None
    blank: bool = False


class ShareCount(NodeBase):
    kind: Literal["shares"] = "shares"
    value: Optional[float] = None
    words: Optional[str] = None
    numeral: Optional[str] = None
    words_value: Optional[float] = None
    numeral_value: Optional[float] = None


class NumberPair(NodeBase):
    """Number words beside a parenthesised numeral, not otherwise typed."""

    kind: Literal["number"] = "number"
    words: str
    numeral: str
    words_value: Optional[float] = None
    numeral_value: Optional[float] = None


class DateNode(NodeBase):
    kind: Literal["date"] = "date"
    iso: Optional[str] = None  # set only when the date is complete
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    blank: bool = False  # some part left blank ("September [o], 2006")


class CrossRef(NodeBase):
    kind: Literal["xref"] = "xref"
    # section, subsection, clause, paragraph, schedule, annex, exhibit, appendix, form
    ref_type: str
    targets: tuple[str, ...]  # normalised, e.g. ("7(k)",) or ("6", "8", "9")
    qualifier: Optional[str] = None  # hereof, above, below, "of this Section 1", ...
    context: Optional[str] = None  # enclosing section for relative refs ("1" in "clause (b) of this Section 1")


class ExternalRef(NodeBase):
    kind: Literal["extref"] = "extref"
    ref_type: str  # rule, section, regulation, form, item
    number: str  # "424(b)", "11(a)"
    instrument: Optional[str] = None  # "Securities Act", "Exchange Act", "Act", "NASD", ...


class Definition(NodeBase):
    kind: Literal["definition"] = "definition"
    term: str
    form: str  # parenthetical, herein_called, means, as_defined, quoted
    scope: Optional[str] = None  # "for the purposes of this Section 4"


class Blank(NodeBase):
    kind: Literal["blank"] = "blank"
    blank_type: str  # underscore, bullet, bracket_option, bracket_empty, dated_blank, file_number
    context: Optional[str] = None  # what the blank stands for when known (price, date, ...)


class Unparsed(NodeBase):
    kind: Literal["unparsed"] = "unparsed"
    reason: str = ""


TypedNode = Annotated[
    Union[
        Duration,
        Anchor,
        Bound,
        Ratio,
        Money,
        ShareCount,
        NumberPair,
        DateNode,
        CrossRef,
        ExternalRef,
        Definition,
        Blank,
        Unparsed,
    ],
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------------------
# Document structure
# ---------------------------------------------------------------------------

SectionKind = Literal[
    "preamble",
    "section",
    "subsection",
    "item",
    "subitem",
    "paragraph",
    "schedule",
    "exhibit",
    "annex",
    "appendix",
    "signature",
    "table",
    "closing",
]


class Clause(Frozen):
    """A run of body text belonging to one structural node, with its typed nodes."""

    span: Span
    nodes: tuple[TypedNode, ...] = ()


class Section(Frozen):
    kind: SectionKind
    label: str = ""  # as printed: "9.", "(b)", "(iv)", "4.1", "SCHEDULE A"
    number: str = ""  # full path: "9(b)", "1(b)(iv)", "4.1", "A"
    heading: Optional[str] = None
    omitted: bool = False  # "[Intentionally omitted]", "[Reserved]"
    span: Span
    clauses: tuple[Clause, ...] = ()
    children: tuple["Section", ...] = ()


class Table(Frozen):
    span: Span
    rows: tuple[tuple[str, ...], ...] = ()
    row_lines: tuple[int, ...] = ()  # original line of each row


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


class Related(Frozen):
    line: int
    column: int
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    quote: str
    message: Optional[str] = None


class Finding(Frozen):
    code: str
    name: str
    category: str
    severity: Literal["error", "warning", "info"]
    message: str
    line: int
    column: int
    end_line: int
    end_column: Optional[int] = None
    quote: str
    section: Optional[str] = None
    related: tuple[Related, ...] = ()
    fingerprint: str = ""
    suppressed: bool = False


class Obligation(Frozen):
    kind: str
    party: Optional[str] = None
    value: Optional[Union[float, str]] = None
    min: Optional[float] = None
    unit: Optional[str] = None
    anchor: Optional[str] = None
    as_written: str = ""
    section: Optional[str] = None
    line: int
    column: int
    quote: str


class DocError(Frozen):
    message: str
    line: Optional[int] = None
    column: Optional[int] = None
    stage: str = "load"
