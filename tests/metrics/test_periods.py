"""Reporting periods: 12 months, financial years and single quarters (metrics/periods.py)."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.periods import (
    Period,
    PeriodError,
    add_quarters,
    fy_label,
    is_quarter_end,
    period,
    quarter_end,
    quarter_label,
    quarter_of,
)


def test_rolling_12_months_ending_31_march():
    p = period(date(2021, 3, 31), "12m")
    assert (p.start, p.end, p.window) == (date(2020, 4, 1), date(2021, 3, 31), "12m")
    assert p.years == pytest.approx(1.0)
    assert p.quarters == [date(2020, 4, 1), date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1)]


def test_12_months_is_the_default_window():
    assert period(date(2021, 3, 31)) == period(date(2021, 3, 31), "12m")


def test_rolling_12_months_ending_mid_financial_year_crosses_calendar_year():
    p = period(date(2020, 12, 31), "12m")
    assert (p.start, p.end) == (date(2020, 1, 1), date(2020, 12, 31))
    assert p.years == pytest.approx(1.0)
    assert len(p.quarters) == 4


def test_single_quarter():
    p = period(date(2021, 3, 31), "quarter")
    assert (p.start, p.end, p.window) == (date(2021, 1, 1), date(2021, 3, 31), "quarter")
    assert p.years == pytest.approx(0.25)
    assert p.quarters == [date(2021, 1, 1)]


@pytest.mark.parametrize(
    "end, start",
    [
        (date(2020, 6, 30), date(2020, 4, 1)),
        (date(2020, 9, 30), date(2020, 7, 1)),
        (date(2020, 12, 31), date(2020, 10, 1)),
    ],
)
def test_single_quarter_at_each_quarter_end(end, start):
    p = period(end, "quarter")
    assert (p.start, p.end) == (start, end)


def test_financial_year():
    p = period(date(2021, 3, 31), "fy")
    assert (p.start, p.end, p.window) == (date(2020, 4, 1), date(2021, 3, 31), "fy")
    assert p.years == pytest.approx(1.0)


def test_financial_year_must_end_on_31_march():
    with pytest.raises(PeriodError) as err:
        period(date(2020, 12, 31), "fy")
    assert str(err.value) == (
        "a financial year ends on 31 March, not 2020-12-31; use --window 12m for the 12 months to 2020-12-31"
    )


@pytest.mark.parametrize("end", [date(2021, 3, 30), date(2021, 4, 1), date(2020, 6, 29), date(2021, 2, 28)])
def test_end_must_be_a_quarter_end(end):
    with pytest.raises(PeriodError) as err:
        period(end, "12m")
    assert str(err.value) == (
        f"period end {end.isoformat()} is not a quarter end; expected 31 March, 30 June, 30 September or 31 December"
    )


def test_non_quarter_end_is_refused_for_every_window():
    for window in ("12m", "fy", "quarter"):
        with pytest.raises(PeriodError, match="is not a quarter end"):
            period(date(2021, 3, 30), window)


def test_unknown_window():
    with pytest.raises(PeriodError) as err:
        period(date(2021, 3, 31), "6m")
    assert str(err.value) == 'window "6m" is not one of 12m, fy, quarter'


def test_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


def test_quarter_labels_follow_the_financial_year():
    assert quarter_label(date(2020, 4, 1)) == "2020-21 Q1"
    assert quarter_label(date(2020, 7, 1)) == "2020-21 Q2"
    assert quarter_label(date(2020, 10, 1)) == "2020-21 Q3"
    assert quarter_label(date(2021, 1, 1)) == "2020-21 Q4"
    assert quarter_label(date(2021, 4, 1)) == "2021-22 Q1"
    assert quarter_label(date(2000, 1, 1)) == "1999-00 Q4"


def test_fy_label():
    assert fy_label(date(2021, 3, 31)) == "2020-21"
    assert fy_label(date(2021, 4, 1)) == "2021-22"


def test_period_labels():
    assert period(date(2021, 3, 31), "12m").label == "12 months to 31 March 2021"
    assert period(date(2020, 6, 30), "12m").label == "12 months to 30 June 2020"
    assert period(date(2021, 3, 31), "fy").label == "financial year 2020-21"
    assert period(date(2021, 3, 31), "quarter").label == "2020-21 Q4 (annualised)"
    assert period(date(2020, 6, 30), "quarter").label == "2020-21 Q1 (annualised)"


def test_quarter_helpers():
    assert is_quarter_end(date(2020, 9, 30)) and not is_quarter_end(date(2020, 9, 29))
    assert quarter_of(date(2021, 3, 31)) == date(2021, 1, 1)
    assert quarter_of(date(2020, 4, 1)) == date(2020, 4, 1)
    assert quarter_end(date(2021, 1, 1)) == date(2021, 3, 31)
    assert quarter_end(date(2020, 10, 1)) == date(2020, 12, 31)
    assert add_quarters(date(2021, 1, 1), -3) == date(2020, 4, 1)
    assert add_quarters(date(2020, 10, 1), 1) == date(2021, 1, 1)


def test_period_is_a_frozen_value():
    p = Period(date(2020, 4, 1), date(2021, 3, 31), "12m", 1.0)
    assert p == period(date(2021, 3, 31))
    with pytest.raises(AttributeError):
        p.years = 2.0  # type: ignore[misc]
