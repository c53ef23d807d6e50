"""The deal calendar: New York business days and deal-event dates.

Weekdays and holidays below were checked by hand against a printed calendar:
20 September 2006 was a Wednesday; Thanksgiving 2026 is Thursday 26 November;
Good Friday 2026 is 3 April (Easter Sunday 5 April); Columbus Day 2026 is
Monday 12 October; 4 July 2026 is a Saturday; 4 July 1997 was a Friday and
4 July 1998 a Saturday.
"""
from __future__ import annotations

import datetime as dt

import pytest

from checker.calendar import (
    BusinessCalendar,
    add_business_days,
    add_calendar_days,
    add_months,
    business_calendar,
    business_days_between,
    classify_anchor,
    resolve,
    settlement_days,
)
from checker.model import Obligation

D = dt.date


def test_weekdays_assumed_by_these_tests():
    assert D(2006, 9, 20).strftime("%A") == "Wednesday"
    assert D(2026, 11, 26).strftime("%A") == "Thursday"
    assert D(2026, 4, 3).strftime("%A") == "Friday"
    assert D(2026, 10, 12).strftime("%A") == "Monday"
    assert D(2026, 7, 4).strftime("%A") == "Saturday"
    assert D(1997, 7, 4).strftime("%A") == "Friday"
    assert D(1998, 7, 4).strftime("%A") == "Saturday"


@pytest.mark.parametrize("cal", ["ny_banks", "nyse", "us_federal"])
def test_two_business_days_after_a_wednesday(cal):
    assert add_business_days(D(2006, 9, 20), 2, cal) == D(2006, 9, 22)


@pytest.mark.parametrize("cal", ["ny_banks", "nyse", "us_federal"])
def test_over_thanksgiving_2026(cal):
    # Thursday 26 November closed everywhere; Friday 27 open (a half day at the NYSE)
    assert add_business_days(D(2026, 11, 25), 1, cal) == D(2026, 11, 27)
    assert add_business_days(D(2026, 11, 25), 2, cal) == D(2026, 11, 30)


def test_good_friday_closes_the_nyse_not_the_banks():
    assert add_business_days(D(2026, 4, 2), 1, "nyse") == D(2026, 4, 6)
    assert add_business_days(D(2026, 4, 2), 1, "ny_banks") == D(2026, 4, 3)
    assert business_calendar("nyse").holiday_name(D(2026, 4, 3)) == "Good Friday"
    assert business_calendar("ny_banks").is_business_day(D(2026, 4, 3))


def test_columbus_day_closes_the_banks_not_the_nyse():
    assert add_business_days(D(2026, 10, 9), 1, "ny_banks") == D(2026, 10, 13)
    assert add_business_days(D(2026, 10, 9), 1, "nyse") == D(2026, 10, 12)


def test_saturday_holiday():
    # Independence Day 2026 falls on a Saturday: the NYSE and the federal government
    # close on Friday 3 July, the Federal Reserve Bank of New York does not
    assert add_business_days(D(2026, 7, 2), 1, "ny_banks") == D(2026, 7, 3)
    assert add_business_days(D(2026, 7, 2), 1, "nyse") == D(2026, 7, 6)
    assert add_business_days(D(2026, 7, 2), 1, "us_federal") == D(2026, 7, 6)


def test_before_1999_banks_follow_federal_holidays():
    assert add_business_days(D(1997, 7, 3), 1, "ny_banks") == D(1997, 7, 7)  # Friday 4 July 1997 closed
    assert add_business_days(D(1998, 7, 2), 1, "ny_banks") == D(1998, 7, 3)  # Saturday holiday: Friday open
    assert add_business_days(D(1998, 7, 2), 1, "us_federal") == D(1998, 7, 6)


def test_weekend_start_and_backwards():
    assert add_business_days(D(2006, 9, 23), 1) == D(2006, 9, 25)  # Saturday + 1 = Monday
    assert add_business_days(D(2006, 9, 25), -2) == D(2006, 9, 21)
    assert add_business_days(D(2006, 9, 23), 0) == D(2006, 9, 23)


def test_business_days_between():
    assert business_days_between(D(2006, 9, 20), D(2006, 9, 22)) == 2
    assert business_days_between(D(2006, 9, 22), D(2006, 9, 20)) == -2
    assert business_days_between(D(2026, 11, 25), D(2026, 11, 30)) == 2
    assert business_days_between(D(2006, 9, 20), D(2006, 9, 20)) == 0


def test_calendar_days_and_months():
    assert add_calendar_days(D(2006, 9, 20), 180) == D(2007, 3, 19)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2006, 9, 20), 6) == D(2007, 3, 20)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)
    assert add_months(D(2006, 11, 15), 14) == D(2008, 1, 15)


def test_unknown_calendar():
    with pytest.raises(ValueError, match="unknown calendar"):
        BusinessCalendar("tokyo")


def test_settlement_cycle():
    assert settlement_days(D(2006, 9, 20)) == 3
    assert settlement_days(D(2017, 9, 5)) == 2
    assert settlement_days(D(2024, 5, 27)) == 2
    assert settlement_days(D(2024, 5, 28)) == 1


@pytest.mark.parametrize(
    "anchor, event, direction",
    [
        ("after the date of the Prospectus", "prospectus", 1),
        ("following the date of this Agreement", "agreement", 1),
        ("after the date hereof", "agreement", 1),
        ("prior to the Closing Date", "closing", -1),
        ("after the First Time of Delivery", "closing", 1),
        ("after written notice of exercise", "notice", 1),
        ("after the effective date of the Registration Statement", "effective", 1),
        ("from the commencement of the public offering", "offering", 1),
        ("after the occurrence of an Event of Default", None, 1),
        (None, None, 1),
    ],
)
def test_classify_anchor(anchor, event, direction):
    assert classify_anchor(anchor) == (event, direction)


PRICING = D(2006, 9, 20)  # a Wednesday


def test_resolve_calendar_days_from_the_prospectus():
    ob = {"value": 30, "unit": "day", "anchor": "after the date of the Prospectus"}
    assert resolve(ob, PRICING) == D(2006, 10, 20)
    ob = {"value": 180, "unit": "calendar_day", "anchor": "after the date of the Prospectus"}
    assert resolve(ob, PRICING) == D(2007, 3, 19)


def test_resolve_business_days_and_obligation_model():
    ob = Obligation(kind="filing_deadline", value=2.0, unit="business_day", anchor="following the date of this Agreement", line=1, column=1, quote="")
    assert resolve(ob, PRICING) == D(2006, 9, 22)
    # Rule 424(b): the second business day after pricing on Wednesday 25 November 2026
    ob2 = {"value": 2, "unit": "business days", "anchor": "after the date of this Agreement"}
    assert resolve(ob2, D(2026, 11, 25), calendar="us_federal") == D(2026, 11, 30)


def test_resolve_closing_uses_settlement_cycle():
    # T+3 in 2006: Wednesday 20 September -> Monday 25 September; one business day before it
    ob = {"value": 1, "unit": "business_day", "anchor": "prior to the Closing Date"}
    assert resolve(ob, PRICING) == D(2006, 9, 22)
    ob = {"value": 10, "unit": "day", "anchor": "after the Closing Date"}
    assert resolve(ob, PRICING) == D(2006, 10, 5)
    assert resolve(ob, PRICING, events={"closing": D(2006, 9, 26)}) == D(2006, 10, 6)


def test_resolve_trading_days_use_the_nyse():
    ob = {"value": 2, "unit": "trading_day", "anchor": "after the date of the Prospectus"}
    assert resolve(ob, D(2026, 4, 2)) == D(2026, 4, 7)  # Good Friday skipped


def test_resolve_months_and_years():
    assert resolve({"value": 6, "unit": "month", "anchor": "after the date of the Prospectus"}, PRICING) == D(2007, 3, 20)
    assert resolve({"value": 5, "unit": "years", "anchor": "from the date hereof"}, PRICING) == D(2011, 9, 20)


def test_resolve_unknowns():
    assert resolve({"value": 10, "unit": "business_day", "anchor": "after written notice"}, PRICING) is None
    assert resolve({"value": 10, "unit": "business_day", "anchor": "after written notice"}, PRICING, events={"notice": D(2006, 10, 2)}) == D(2006, 10, 17)  # Columbus Day 9 October skipped
    assert resolve({"value": 36, "unit": "hour", "anchor": "after such default"}, PRICING) is None
    assert resolve({"value": None, "unit": "day", "anchor": "after the date of the Prospectus"}, PRICING) is None
    assert resolve({"value": 30, "unit": "day", "anchor": "after an Event of Default"}, PRICING) is None
    assert resolve({"value": 30, "unit": "fortnight", "anchor": "after the date hereof"}, PRICING) is None
    assert resolve({"value": 1.5, "unit": "day", "anchor": "after the date hereof"}, PRICING) is None


@pytest.mark.parametrize(
    "anchor",
    [
        "after the end of the fourth fiscal quarter following the fiscal quarter that includes the Effective Date",
        "after the close of each fiscal year",
        "after the expiration of the lock-up period",
    ],
)
def test_periods_from_other_events_are_not_dated_from_the_deal(anchor):
    # CommVault 5: "the 45th day after the end of the fourth fiscal quarter following ... the Effective Date"
    assert classify_anchor(anchor)[0] is None
