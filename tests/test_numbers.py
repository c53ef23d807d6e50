"""checker.numbers: number words and numerals to values, and values back to words."""
from __future__ import annotations

from fractions import Fraction

import pytest

from checker.numbers import (
    numeral_value,
    ordinal_value,
    ordinal_words_for,
    words_for,
    words_fraction,
    words_value,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("Twenty Thousand Three Hundred Eighty-one", 20381),
        ("thirty-six", 36),
        ("forty-eight", 48),
        ("seven", 7),
        ("ten", 10),
        ("zero", 0),
        ("nineteen", 19),
        ("one hundred and five", 105),
        ("fifteen hundred", 1500),
        ("One Million Five Hundred Thousand", 1_500_000),
        ("two billion three hundred million", 2_300_000_000),
        ("one-eleventh", Fraction(1, 11)),
        ("one-tenth", Fraction(1, 10)),
        ("two-thirds", Fraction(2, 3)),
        ("one half", Fraction(1, 2)),
        ("one and one-half", Fraction(3, 2)),
        ("Eight and 93/100", Fraction(893, 100)),
        ("Two Hundred Million and No/100", 200_000_000),
        ("THIRTY\n   SIX", 36),  # any white space, any case
    ],
)
def test_words_to_values(text: str, value: object) -> None:
    assert words_fraction(text) == value
    assert words_value(text) == pytest.approx(float(value))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["", "two five", "twenty twenty", "one thirds", "hundred", "and one", "one hundred and", "seven and eight",
     "shares", "zero one", "thirteen twelve"],
)
def test_not_numbers(text: str) -> None:
    assert words_fraction(text) is None
    assert words_value(text) is None


def test_non_strings_are_not_numbers() -> None:
    assert words_fraction(None) is None  # type: ignore[arg-type]
    assert numeral_value(["1"]) is None  # type: ignore[arg-type]
    assert ordinal_value(3) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text, value",
    [("second", 2), ("first", 1), ("45th", 45), ("2nd", 2), ("3d", 3), ("forty-fifth", 45), ("thirtieth", 30),
     ("one hundredth", 100), ("twenty-first", 21), ("Tenth", 10)],
)
def test_ordinals(text: str, value: int) -> None:
    assert ordinal_value(text) == value


@pytest.mark.parametrize("text", ["seconds", "fortieth-first", "the", "45"])
def test_not_ordinals(text: str) -> None:
    assert ordinal_value(text) is None


@pytest.mark.parametrize(
    "text, value",
    [("1,500,000", 1_500_000.0), ("8.93", 8.93), ("$8.93", 8.93), ("$.001", 0.001), ("10,000", 10_000.0),
     ("9.09%", 9.09), ("(20,381)", 20381.0), ("93/100", 0.93), ("11,111,111", 11_111_111.0),
     ("66-2/3", 200 / 3), ("33 1/3%", 100 / 3), ("No/100", 0.0)],
)
def test_numerals(text: str, value: float) -> None:
    assert numeral_value(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "1,50", "abc", "1.2.3", "$", "1,5000"])
def test_not_numerals(text: str) -> None:
    assert numeral_value(text) is None


def test_words_for_examples() -> None:
    assert words_for(20381) == "twenty thousand three hundred eighty-one"
    assert words_for(0) == "zero"
    assert words_for(36) == "thirty-six"
    assert words_for(1_500_000) == "one million five hundred thousand"
    assert ordinal_words_for(45) == "forty-fifth"
    assert ordinal_words_for(2) == "second"


def test_round_trip_0_to_10000() -> None:
    for n in range(10001):
        assert words_value(words_for(n)) == n, n
        assert words_value(words_for(n).title()) == n, n


def test_round_trip_ordinals() -> None:
    for n in range(1, 2001):
        assert ordinal_value(ordinal_words_for(n)) == n, n


@pytest.mark.parametrize("n", [10**6, 1_234_567, 20_000_000, 999_999_999, 10**9 + 7, 123_456_789_012])
def test_round_trip_large(n: int) -> None:
    assert words_value(words_for(n)) == n


@pytest.mark.parametrize(
    "text, value",
    [("i", 1), ("iv", 4), ("ix", 9), ("xviii", 18), ("XL", 40), ("xc", 90), ("cc", 200),
     ("", None), ("iiii", None), ("vx", None), ("il", None), ("a", None)],
)
def test_roman_numerals(text, value):
    from checker.numbers import roman_value

    assert roman_value(text) == value
