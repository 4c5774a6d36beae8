"""Reporting periods: rolling 12 months, financial years and single quarters.

A quarter is keyed by its first day; financial years start in April, so 2020-04-01 is
"2020-21 Q1". Periods are inclusive on meeting dates, and every period ends on a quarter
end so that quarterly returns are either wholly in or wholly out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Window = Literal["12m", "fy", "quarter"]
WINDOWS: dict[str, str] = {"12m": "rolling 12 months", "fy": "financial year", "quarter": "one quarter, annualised"}
_QUARTER_END_DAYS = {(3, 31), (6, 30), (9, 30), (12, 31)}


class PeriodError(ValueError):
    """A period the returns cannot answer, with a message for the user."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    window: str
    years: float  # length in years, used to annualise counts

    @property
    def quarters(self) -> list[date]:
        out, q = [], self.start
        while q <= self.end:
            out.append(q)
            q = add_quarters(q, 1)
        return out

    @property
    def label(self) -> str:
        if self.window == "quarter":
            return f"{quarter_label(self.start)} (annualised)"
        if self.window == "fy":
            return f"financial year {fy_label(self.start)}"
        return f"12 months to {self.end.strftime('%d %B %Y').lstrip('0')}"


def is_quarter_end(day: date) -> bool:
    return (day.month, day.day) in _QUARTER_END_DAYS


def add_quarters(quarter_start: date, n: int) -> date:
    months = quarter_start.year * 12 + quarter_start.month - 1 + 3 * n
    return date(months // 12, months % 12 + 1, 1)


def quarter_of(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_end(quarter_start: date) -> date:
    return add_quarters(quarter_start, 1) - timedelta(days=1)


def fy_start_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fy_label(day: date) -> str:
    y = fy_start_year(day)
    return f"{y}-{(y + 1) % 100:02d}"


def quarter_label(quarter_start: date) -> str:
    """Financial-year label, e.g. 2020-04-01 -> '2020-21 Q1'."""
    number = ((quarter_start.month - 4) % 12) // 3 + 1
    return f"{fy_label(quarter_start)} Q{number}"


def period(end: date, window: str = "12m") -> Period:
    """The period of the given window ending on `end`, which must be a quarter end."""
    if window not in WINDOWS:
        raise PeriodError(f'window "{window}" is not one of {", ".join(WINDOWS)}')
    if not is_quarter_end(end):
        raise PeriodError(
            f"period end {end.isoformat()} is not a quarter end; expected 31 March, 30 June, 30 September or 31 December"
        )
    last_quarter = quarter_of(end)
    if window == "quarter":
        return Period(last_quarter, end, window, 0.25)
    if window == "fy" and end.month != 3:
        raise PeriodError(
            f"a financial year ends on 31 March, not {end.isoformat()}; use --window 12m for the 12 months to {end.isoformat()}"
        )
    return Period(add_quarters(last_quarter, -3), end, window, 1.0)


def year_earlier(chosen: Period) -> Period:
    """The same window a year before, for change on the same period last year."""
    return Period(
        chosen.start.replace(year=chosen.start.year - 1),
        chosen.end.replace(year=chosen.end.year - 1),
        chosen.window,
        chosen.years,
    )
