"""The figures a MARAC is compared with on a chart (its area's own, England's on the same population base), and the
words for a MARAC set against one of them ("compared with benchmark", as Fingertips does).

A MARAC's verdict is against the SafeLives range; a benchmark answers the other question a reader asks of a ranked
chart: is this MARAC different from the rest of its area? Each benchmark travels with its own line style, so the area
and England read apart on every chart, and neither borrows a verdict colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from metrics.definitions import INDICATORS, Indicator
from reporting import numbers
from reporting.theme import INK

#: the area's own figure: a solid ink line (a bar) on the spine chart; England's: a dashed line, an open square
AREA_STYLE = ("solid", "line-ns")
ENGLAND_STYLE = ("dash", "square-open")


@dataclass(frozen=True)
class Benchmark:
    """One figure drawn across a ranked chart: `label` names whose ("London"), `value` is the figure itself."""

    label: str
    value: float
    dash: str = AREA_STYLE[0]
    colour: str = INK
    #: the area's own line, the one colouring by significance compares with (never England in its place)
    compared: bool = False

    @property
    def key(self) -> str:
        """ "London 105.4%": the line's entry in the chart's key."""
        return f"{self.label} {numbers.percent(self.value, 1)}"


@dataclass(frozen=True)
class Profile:
    """A comparator's figure on every indicator (a column: value pair each), marked on every line of a spine chart."""

    label: str
    figures: tuple[tuple[str, float], ...]
    symbol: str = AREA_STYLE[1]

    def value(self, column: str) -> float | None:
        return dict(self.figures).get(column)


def _figures(row: Mapping[str, object] | None) -> tuple[tuple[str, float], ...]:
    """The row's figure on each indicator it has one for."""
    if not row:
        return ()
    held = [(i.value, row.get(i.value)) for i in INDICATORS]
    return tuple((column, float(v)) for column, v in held if isinstance(v, int | float))


def england_row(national: pl.DataFrame | None, end: date | None = None) -> tuple[str, dict[str, object]] | None:
    """England on the MARACs' own population base (`metrics.national.national_comparator`'s like-with-like row) and
    its name: "England", or "England, 12 months to Mar 2020" when its latest figure ends before the period does."""
    if national is None or national.is_empty() or not {"same_base", "scope"} <= set(national.columns):
        return None
    same = national.filter(pl.col("same_base") & (pl.col("scope") == "England"))
    if same.is_empty():
        return None
    row = same.row(0, named=True)
    ends = row.get("period_end")
    label = "England" if end is None or ends is None or ends >= end else f"England, 12 months to {ends:%b %Y}"
    return label, row


def for_indicator(
    indicator: Indicator,
    area: tuple[str, Mapping[str, object] | None],
    england: tuple[str, Mapping[str, object]] | None,
) -> tuple[Benchmark, ...]:
    """The area's figure then England's for one indicator, as lines across a ranked chart (either left out when it
    has no figure). The area's is the one significance colouring compares with; without it, bars keep their verdicts'
    colours rather than being compared with England under the area's name."""
    lines = [(*area, AREA_STYLE[0], True)] + ([(*england, ENGLAND_STYLE[0], False)] if england else [])
    out = []
    for label, row, dash, own in lines:
        value = row.get(indicator.value) if row else None
        if isinstance(value, int | float):
            out.append(Benchmark(label, float(value), dash, compared=own))
    return tuple(out)


def profiles(
    area: tuple[str, Mapping[str, object] | None], england: tuple[str, Mapping[str, object]] | None
) -> tuple[Profile, ...]:
    """The area's figures then England's on every indicator, as marks on a spine chart."""
    out = [Profile(area[0], _figures(area[1]), AREA_STYLE[1])]
    if england is not None:
        out.append(Profile(england[0], _figures(england[1]), ENGLAND_STYLE[1]))
    return tuple(p for p in out if p.figures)


# compared with a benchmark: what a MARAC's 95% interval says of it against the area's figure
HIGHER, SIMILAR, LOWER, NOT_COMPARED = "higher", "similar", "lower", "not compared"
#: fills for each comparison: none a verdict colour (a comparison with the area is not a verdict on the range), none
#: saying good or bad (higher is not better), each 3:1 or more on white; every bar is outlined in ink as well
COMPARED_COLOURS = {HIGHER: "#b35900", SIMILAR: "#6f777b", LOWER: "#00587a", NOT_COMPARED: "#b1b4b6"}


def compared(low: float | None, high: float | None, benchmark: float) -> str:
    """Higher or lower when the 95% interval lies wholly above or below the benchmark, else similar; not compared
    without an interval."""
    if low is None or high is None:
        return NOT_COMPARED
    if low > benchmark:
        return HIGHER
    if high < benchmark:
        return LOWER
    return SIMILAR


def compared_words(outcome: str, benchmark: Benchmark) -> str:
    """The legend's words: "higher than London (95%)", "similar to London", "lower than London (95%)"."""
    return {
        HIGHER: f"higher than {benchmark.label} (95%)",
        SIMILAR: f"similar to {benchmark.label}",
        LOWER: f"lower than {benchmark.label} (95%)",
        NOT_COMPARED: "not compared: no 95% interval",
    }[outcome]
