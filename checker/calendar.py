"""The deal calendar: business days in New York and dates of deal events.

Three holiday calendars, all from the maintained ``holidays`` library:

``ny_banks`` (default)
    Days on which banks in New York City are closed: the holiday schedule of
    the Federal Reserve Bank of New York (``holidays.financial_holidays("USNY")``,
    from 1999; for earlier years the U.S. federal holidays, with the Federal
    Reserve's rule that a holiday falling on a Saturday is not moved to the
    Friday).  This is what agreements mean by "a day on which banking
    institutions in The City of New York are authorized or required by law to
    close".  ``holidays.US(state="NY")`` is *not* used: it adds New York State
    holidays (Lincoln's Birthday, Election Day) on which the banks are open.
``nyse``
    Days on which the New York Stock Exchange is closed
    (``holidays.financial_holidays("NYSE")``): adds Good Friday and the
    exchange's special closings, and does not close on Columbus or Veterans
    Day.  Use it for "trading days".
``us_federal``
    U.S. federal holidays (``holidays.US()``, Saturday holidays observed on the
    Friday): the SEC's "business day" (Rule 0-3: any day other than a
    Saturday, Sunday or federal holiday), which governs filing deadlines such
    as Rule 424(b).

Saturdays and Sundays are never business days.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
import functools
import re
from typing import Any, Mapping, Optional, Union


__all__ = [
    "CALENDARS",
    "BusinessCalendar",
    "business_calendar",
    "add_business_days",
    "add_calendar_days",
    "add_months",
    "business_days_between",
    "settlement_days",
    "classify_anchor",
    "resolve",
]

CALENDARS = ("ny_banks", "nyse", "us_federal")
_FED_FIRST_YEAR = 1999  # holidays' USNY / FED calendars start in 1999


class BusinessCalendar:
    """Business days under one holiday calendar (see the module docstring)."""

    def __init__(self, name: str = "ny_banks"):
        if name not in CALENDARS:
            raise ValueError(f"unknown calendar {name!r} (one of: {', '.join(CALENDARS)})")
        self.name = name
        import holidays  # imported on first use: most checks never count business days

        if name == "ny_banks":
            self._fed = holidays.financial_holidays("USNY")
            self._federal = holidays.US()
        elif name == "nyse":
            self._nyse = holidays.financial_holidays("NYSE")
        else:
            self._federal = holidays.US()

    def holiday_name(self, day: dt.date) -> Optional[str]:
        """The holiday that closes this calendar on ``day`` (None on other days, weekends included)."""
        if self.name == "nyse":
            return self._nyse.get(day)
        if self.name == "us_federal":
            return self._federal.get(day)
        if day.year >= _FED_FIRST_YEAR:
            return self._fed.get(day)
        name = self._federal.get(day)
        if name and "observed" in name.lower() and day.weekday() == 4:
            return None  # a Saturday holiday: the Reserve Banks are open on the Friday
        return name

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r})"


@functools.lru_cache(maxsize=None)
def business_calendar(name: str = "ny_banks") -> BusinessCalendar:
    """The (cached) calendar of that name."""
    return BusinessCalendar(name)


CalendarArg = Union[str, BusinessCalendar]


def _cal(calendar: CalendarArg) -> BusinessCalendar:
    return calendar if isinstance(calendar, BusinessCalendar) else business_calendar(calendar)


def add_business_days(start: dt.date, n: int, calendar: CalendarArg = "ny_banks") -> dt.date:
    """The ``n``-th business day after ``start`` (before it when ``n`` < 0).

    ``start`` itself is not counted, whether or not it is a business day:
    two business days after Wednesday 20 September 2006 is Friday the 22nd.
    ``n`` = 0 returns ``start``.
    """
    cal = _cal(calendar)
    step = 1 if n >= 0 else -1
    day = start
    remaining = abs(int(n))
    while remaining:
        day += dt.timedelta(days=step)
        if cal.is_business_day(day):
            remaining -= 1
    return day


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(days=int(n))


def add_months(start: dt.date, n: int) -> dt.date:
    """Same day ``n`` months later; the last day of the month when it has no such day
    (31 January + 1 month = 28 or 29 February)."""
    month_index = start.year * 12 + (start.month - 1) + int(n)
    year, month = divmod(month_index, 12)
    month += 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def business_days_between(start: dt.date, end: dt.date, calendar: CalendarArg = "ny_banks") -> int:
    """How many business days after ``start`` ``end`` is (negative if before; 0 if the same day).

    Counts business days in (start, end]; ``add_business_days(start, k)`` is the
    first day for which this is ``k``.
    """
    cal = _cal(calendar)
    if end == start:
        return 0
    sign = 1 if end > start else -1
    lo, hi = (start, end) if sign > 0 else (end, start)
    count = 0
    day = lo
    while day < hi:
        day += dt.timedelta(days=1)
        if cal.is_business_day(day):
            count += 1
    return sign * count


def settlement_days(trade_date: dt.date) -> int:
    """The regular-way settlement cycle in force on ``trade_date`` (Exchange Act Rule 15c6-1):
    T+3 until 4 September 2017, T+2 until 27 May 2024, T+1 since 28 May 2024."""
    if trade_date < dt.date(2017, 9, 5):
        return 3
    if trade_date < dt.date(2024, 5, 28):
        return 2
    return 1


# ---------------------------------------------------------------------------
# Anchors: "after the date of the Prospectus", "prior to the Closing Date", ...
# ---------------------------------------------------------------------------

_BEFORE = re.compile(r"^\s*(?:before|prior\s+to|preceding|earlier\s+than)\b", re.I)
_RELATION = re.compile(
    r"^\s*(?:(?:immediately\s+)?(?:after|following|from|of|before|prior\s+to|preceding|succeeding|"
    r"subsequent\s+to|after\s+and\s+including|from\s+and\s+after|later\s+than|earlier\s+than|beginning\s+on|commencing\s+on)\s+)+",
    re.I,
)
_EVENTS: list[tuple[str, re.Pattern]] = [
    ("notice", re.compile(r"\bnotice\b|\bnotif", re.I)),
    ("closing", re.compile(r"\bclosing\b|\btime\s+of\s+(?:purchase|delivery)\b|\bdelivery\s+date\b|\bsettlement\s+date\b", re.I)),
    ("prospectus", re.compile(r"\bprospectus\b", re.I)),
    ("effective", re.compile(r"\beffective(?:ness)?\b", re.I)),
    ("offering", re.compile(r"\b(?:public\s+)?offering\b|\bpricing\b|\bcommencement\b", re.I)),
    ("agreement", re.compile(r"\b(?:this|the)\s+agreement\b|\bhereof\b|\bexecution\b|\bdate\s+hereof\b", re.I)),
]
# events that fall on the pricing date unless told otherwise: the underwriting
# agreement is signed, the registration statement declared effective, the final
# prospectus dated and the offering made public on the day the price is set.
_PRICING_EVENTS = ("agreement", "prospectus", "effective", "offering", "pricing")


_OTHER_START = re.compile(
    r"\s*(?:the\s+)?(?:end|close|last\s+day|expiration|expiry|termination)\s+of\b"
    r"|\s*(?:the\s+)?(?:\w+\s+)?(?:fiscal|calendar)\s+(?:year|quarter)",
    re.I,
)


def classify_anchor(anchor: Optional[str]) -> tuple[Optional[str], int]:
    """(event, direction) of an anchor as written: ("prospectus", +1) for "after the
    date of the Prospectus", ("closing", -1) for "prior to the Closing Date";
    (None, +1) when the event is not recognised."""
    if not anchor:
        return None, 1
    direction = -1 if _BEFORE.match(anchor) else 1
    rest = _RELATION.sub("", anchor)
    if _OTHER_START.match(rest):
        # "after the end of the fourth fiscal quarter following ... the effective date":
        # the period runs from another event, which the deal dates do not give
        return None, direction
    for event, pattern in _EVENTS:
        if pattern.search(rest):
            return event, direction
    return None, direction


_UNIT = re.compile(r"[\s_-]+")


def _normalise_unit(unit: Optional[str]) -> Optional[str]:
    if not unit:
        return None
    u = _UNIT.sub("_", unit.strip().lower())
    if u.endswith("s"):
        u = u[:-1]
    return {
        "day": "day",
        "calendar_day": "day",
        "business_day": "business_day",
        "full_business_day": "business_day",
        "trading_day": "trading_day",
        "week": "week",
        "month": "month",
        "year": "year",
        "hour": "hour",
    }.get(u)


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def resolve(
    obligation: Any,
    pricing_date: dt.date,
    calendar: CalendarArg = "ny_banks",
    events: Optional[Mapping[str, dt.date]] = None,
) -> Optional[dt.date]:
    """The date an obligation's period ends, or None when it cannot be known.

    ``obligation`` is a :class:`checker.model.Obligation` or a fact dict with
    ``value`` (the count), ``unit`` (day, calendar_day, business_day,
    trading_day, week, month, year) and ``anchor`` (the event as written).
    Events: the date of this Agreement, of the Prospectus, of effectiveness and
    of the public offering are the pricing date; the closing date is the
    pricing date plus the settlement cycle of the time (T+3 before September
    2017, T+2 before 28 May 2024, T+1 since), in business days; a notice date
    is unknown.  ``events`` overrides or adds any of them by name (``pricing``,
    ``agreement``, ``prospectus``, ``effective``, ``offering``, ``closing``,
    ``notice``).  Trading days count on the NYSE calendar, business days on
    ``calendar``.  Periods in hours are not resolved.
    """
    value = _get(obligation, "value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != int(value) or value < 0:
        return None
    count = int(value)
    unit = _normalise_unit(_get(obligation, "unit"))
    if unit is None or unit == "hour":
        return None
    event, direction = classify_anchor(_get(obligation, "anchor"))
    if event is None:
        return None
    known: dict[str, dt.date] = {e: pricing_date for e in _PRICING_EVENTS}
    known["closing"] = add_business_days(pricing_date, settlement_days(pricing_date), calendar)
    if events:
        known.update(events)
    start = known.get(event)
    if start is None:
        return None
    n = count * direction
    if unit == "day":
        return add_calendar_days(start, n)
    if unit == "week":
        return add_calendar_days(start, 7 * n)
    if unit == "month":
        return add_months(start, n)
    if unit == "year":
        return add_months(start, 12 * n)
    if unit == "trading_day":
        return add_business_days(start, n, "nyse")
    return add_business_days(start, n, calendar)
