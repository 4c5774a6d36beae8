"""What changed since last quarter: each group's indicators against the previous quarter and a year earlier, and the
returns that came in since.

A steering group's first question each quarter is what moved. Two comparisons answer it, each with the same window
as the chosen period: the previous quarter's period (same length, ending one quarter earlier) and the same period a
year earlier. The statistics are `metrics.change`'s, for any two periods' figures: volume (cases a year per 10,000
adult females, a rate) as a ratio of Poisson rates with its log-scale interval; every share (repeat rate, police
share, who the victims/survivors are) as a difference of proportions with Newcombe's interval. A change is "beyond
chance" when its 95% interval leaves out no change.

Which returns are new, late or replaced comes from what the database holds about them: every version of every
MARAC-quarter with the time its load finished (`Dataset.versions`). It holds no date a return was received by a
coordinator (only when it was loaded) and no due date; see `returns_since` for the definitions used instead.

Pure: no Streamlit, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import polars as pl

from metrics.change import beyond_chance, rate_ratio
from metrics.coverage import COMPLETE_ENOUGH
from metrics.definitions import INDICATORS, Indicator
from metrics.intervals import newcombe_difference
from metrics.periods import Period, add_quarters, quarter_end, quarter_label, quarter_of, year_earlier

PREVIOUS_QUARTER, YEAR_EARLIER = "previous_quarter", "year_earlier"
#: the two comparisons, in the order they are shown
COMPARISONS = (PREVIOUS_QUARTER, YEAR_EARLIER)
#: volume's change is a ratio of rates (cases per 10,000); every other indicator's a difference of shares
RATIO, DIFFERENCE = "ratio", "difference"
#: the column volume's change compares, and the count it rests on
VOLUME_RATE, VOLUME_COUNT = "cases_per_10k", "cases_with_population"
#: the one indicator compared as a rate (its key)
VOLUME = "volume"

#: the columns of `changes` and `ranked`
CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "group_code": pl.String(),
    "group_name": pl.String(),
    "comparison": pl.String(),
    "indicator": pl.String(),
    "measure": pl.String(),
    "now": pl.Float64(),
    "then": pl.Float64(),
    "count_now": pl.Float64(),
    "count_then": pl.Float64(),
    "change": pl.Float64(),
    "ci95_low": pl.Float64(),
    "ci95_high": pl.Float64(),
    "judged": pl.Boolean(),
    "beyond_chance": pl.Boolean(),
    "size": pl.Float64(),
    # what each period's figure rests on, so a change travels with its coverage: quarters returned and the window
    "quarters_now": pl.Float64(),
    "quarters_then": pl.Float64(),
    "window": pl.String(),
}


def previous_quarter(chosen: Period) -> Period:
    """The chosen window one quarter earlier: the same length, ending at the end of the quarter before.

    A financial year one quarter earlier is no financial year, so it compares with the 12 months ending one quarter
    earlier (the same length); a one-quarter window compares with the quarter before.
    """
    end = quarter_end(add_quarters(quarter_of(chosen.end), -1))
    window = "12m" if chosen.window == "fy" else chosen.window
    return Period(add_quarters(chosen.start, -1), end, window, chosen.years)


def comparison_periods(chosen: Period) -> dict[str, Period]:
    """The period each comparison sets the chosen one against, by comparison."""
    return {PREVIOUS_QUARTER: previous_quarter(chosen), YEAR_EARLIER: year_earlier(chosen)}


def _array(frame: pl.DataFrame, column: str) -> np.ndarray:
    return frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()


def _held(frame: pl.DataFrame, column: str) -> np.ndarray:
    """`column` as numbers, or NaN throughout where the frame does not carry it (a figure with no coverage known)."""
    return _array(frame, column) if column in frame.columns else np.full(frame.height, np.nan)


def _parts(indicator: Indicator) -> tuple[str, str, str]:
    """(figure, count on top, count below) compared for an indicator; volume's are its rate and the cases it rests on."""
    if indicator.key == VOLUME:
        return VOLUME_RATE, VOLUME_COUNT, VOLUME_COUNT
    return indicator.value, indicator.numerator, indicator.denominator


def _standardised(change: np.ndarray, low: np.ndarray, high: np.ndarray, *, ratio: bool) -> np.ndarray:
    """How far a change lies from no change, in half-widths of its 95% interval (on the log scale for a ratio): one
    scale for a rate and a share that weighs a move by what it rests on, so a share leaving 0% on a handful of cases,
    or 1% becoming 3%, does not outrank 30% becoming 60% (|ln(now / then)| ranked both first); beyond 1, the interval
    leaves out no change. NaN where there is no change or no interval."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if ratio:
            change, low, high = np.log(change), np.log(low), np.log(high)
        size = np.abs(change) / ((high - low) / 2)
    return np.where(np.isfinite(size), size, np.nan)


def changes(current: pl.DataFrame, earlier: pl.DataFrame, comparison: str) -> pl.DataFrame:
    """One row per group of `current` and indicator: the figure now and then, its change and the change's 95% interval.

    `current` and `earlier` are two periods' figures for the same groups (as `metrics.indicators.compute` or
    `metrics.missing_quarters.compute` give them); `comparison` names what `earlier` is (`COMPARISONS`). Columns
    (`CHANGE_SCHEMA`): `now`/`then` the figure (cases per 10,000 for volume; a fraction for a share), `count_now`/
    `count_then` what each rests on (volume's cases; a share's denominator), `change` (a rate ratio for volume, 1.2 is
    20% up; a difference for a share, 0.05 is 5 percentage points up) with `ci95_low`/`ci95_high`, `beyond_chance`
    (null where either period has no figure), and `size`, how clearly the figure moved (`_standardised`).

    `judged` is False where a volume change rests on less than `COMPLETE_ENOUGH` of either period's population-time
    (one quarter's rate shown as a year's): as the volume verdict is withheld there, `beyond_chance` is null.
    """
    keep = ["group_code", *(c for c in ("quarters_with_data", "volume_coverage") if c in earlier.columns)]
    needed = {c for ind in INDICATORS for c in _parts(ind)}
    then = earlier.select(*keep, *(pl.col(c).alias(f"{c}__then") for c in needed if c in earlier.columns)).rename(
        {c: f"{c}__then" for c in keep if c != "group_code"}
    )
    joined = current.join(then, on="group_code", how="left")
    frames = []
    for ind in INDICATORS:
        figure, top, below = _parts(ind)
        now_value, then_value = _array(joined, figure), _array(joined, f"{figure}__then")
        if ind.key == VOLUME:
            count_now, count_then = _array(joined, top), _array(joined, f"{top}__then")
            change, low, high = rate_ratio(now_value, count_now, then_value, count_then)
            none, measure = 1.0, RATIO
            judged = _volume_judged(joined)
        else:
            count_now, count_then = _array(joined, below), _array(joined, f"{below}__then")
            change, low, high = newcombe_difference(
                _array(joined, top), count_now, _array(joined, f"{top}__then"), count_then
            )
            none, measure = 0.0, DIFFERENCE
            judged = np.ones(joined.height, dtype=bool)
        size = _standardised(change, low, high, ratio=ind.key == VOLUME)
        flags = [f if j else None for f, j in zip(beyond_chance(low, high, none), judged, strict=True)]
        frames.append(
            pl.DataFrame(
                {
                    "group_code": joined["group_code"].cast(pl.String),
                    "group_name": joined["group_name"].cast(pl.String),
                    "comparison": [comparison] * joined.height,
                    "indicator": [ind.key] * joined.height,
                    "measure": [measure] * joined.height,
                    "now": now_value,
                    "then": then_value,
                    "count_now": count_now,
                    "count_then": count_then,
                    "change": change,
                    "ci95_low": low,
                    "ci95_high": high,
                    "judged": judged.tolist(),
                    "beyond_chance": flags,
                    "size": size,
                    "quarters_now": _held(joined, "quarters_with_data"),
                    "quarters_then": _held(joined, "quarters_with_data__then"),
                    "window": joined["window"].cast(pl.String)
                    if "window" in joined.columns
                    else [None] * joined.height,
                },
                schema=CHANGE_SCHEMA,
                nan_to_null=True,
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=CHANGE_SCHEMA)


def _volume_judged(joined: pl.DataFrame) -> np.ndarray:
    """Whether both periods' volume covers enough population-time to be judged (`COMPLETE_ENOUGH`); a frame without
    coverage columns is judged."""
    out = np.ones(joined.height, dtype=bool)
    for column in ("volume_coverage", "volume_coverage__then"):
        if column in joined.columns:
            covered = _array(joined, column)
            out &= ~(np.isfinite(covered) & (covered < COMPLETE_ENOUGH))
    return out


def ranked(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in the order a steering group reads them: changes beyond chance first, then those chance could explain,
    then those with nothing to compare; within each, the clearest move (`size`) first, then by group name and the
    definitions' order of indicators."""
    order = {ind.key: i for i, ind in enumerate(INDICATORS)}
    tier = (
        pl.when(pl.col("beyond_chance"))
        .then(0)
        .when(pl.col("beyond_chance").is_not_null())
        .then(1)
        .when(pl.col("change").is_not_null())
        .then(2)
        .otherwise(3)
    )
    return (
        frame.with_columns(
            tier.alias("_tier"),
            pl.col("indicator").replace_strict(order, default=len(order)).alias("_order"),
            pl.col("comparison").replace_strict({c: i for i, c in enumerate(COMPARISONS)}, default=9).alias("_cmp"),
        )
        .sort(
            ["_tier", "size", "group_name", "_order", "_cmp"],
            descending=[False, True, False, False, False],
            nulls_last=True,
        )
        .drop("_tier", "_order", "_cmp")
    )


def quarter_changes(current: pl.DataFrame, previous: pl.DataFrame, year_before: pl.DataFrame) -> pl.DataFrame:
    """Both comparisons of `current` (the previous quarter's figures, then the year-earlier ones), ranked."""
    return ranked(
        pl.concat([changes(current, previous, PREVIOUS_QUARTER), changes(current, year_before, YEAR_EARLIER)])
    )


# ------------------------------------------------------------------------------------------------ returns

NEW, LATE, REPLACED = "new", "late", "replaced"
#: the columns of `returns_since`
RETURNS_SCHEMA: dict[str, pl.DataType] = {
    "marac_code": pl.String(),
    "quarter_start": pl.Date(),
    "quarter": pl.String(),
    "status": pl.String(),
    "loaded_at": pl.Datetime(),
    "loads": pl.Int64(),
    "nil": pl.Boolean(),
}


@dataclass(frozen=True)
class Round:
    """The loads that count as "since last quarter" for a chosen period: those finished after `since` (the end of
    the chosen period's day) and by `until` (the end of the next quarter's last day)."""

    since: date
    until: date

    @property
    def starts(self) -> date:
        """The first day of the round."""
        return self.since + timedelta(days=1)


def returns_round(chosen: Period) -> Round:
    """The returns round for the chosen period: the quarter after its end, when its last quarter's returns come in.

    The previous quarter's figures were last looked at with the returns loaded by the chosen period's end (its own
    round, the quarter after the previous period), so what is new since last quarter is what was loaded after that.
    """
    return Round(chosen.end, quarter_end(add_quarters(quarter_of(chosen.end), 1)))


def returns_since(versions: pl.DataFrame, chosen: Period, codes: list[str] | None = None) -> pl.DataFrame:
    """MARAC-quarters whose returns changed in the chosen period's round (`returns_round`), one row each.

    `versions` is `Dataset.versions` (marac_code, quarter_start, load_id, loaded_at, nil, ...): every version of every
    MARAC-quarter ever loaded, with when its load finished. `codes` keeps those MARACs (None: all). The database holds
    when a return was loaded, not when it was received or when it was due, so:

    - new: a MARAC-quarter with no return held at the round's start (no version loaded by the chosen period's end)
      that has one loaded during the round;
    - late: a new return for a quarter before the chosen period's last quarter, so loaded after its own round (the
      quarter after it) had ended; "late" is measured against that round, not against any deadline, which is not held;
    - replaced: a MARAC-quarter held at the round's start whose return was loaded again during the round (a correction),
      for whichever quarter it is.

    `loaded_at` is the newest load in the round, `loads` how many loads in the round brought it, `nil` whether the
    version held at the round's end says "no meetings this quarter". Loads after the round belong to the next
    quarter's; a version loaded in the round but since replaced counts in `loads`. Sorted by quarter, then MARAC code.
    """
    if versions.is_empty():
        return pl.DataFrame(schema=RETURNS_SCHEMA)
    held_round = returns_round(chosen)
    since = datetime.combine(held_round.since + timedelta(days=1), time())
    until = datetime.combine(held_round.until + timedelta(days=1), time())
    frame = versions.select(
        pl.col("marac_code").cast(pl.String),
        pl.col("quarter_start").cast(pl.Date),
        "load_id",
        pl.col("loaded_at").cast(pl.Datetime),
        (pl.col("nil") if "nil" in versions.columns else pl.lit(False)).cast(pl.Boolean).alias("nil"),
    ).filter(pl.col("loaded_at") < until)
    if codes is not None:
        frame = frame.filter(pl.col("marac_code").is_in(pl.Series(codes, dtype=pl.String).implode()))
    last_quarter = quarter_of(chosen.end)
    per = (
        frame.sort("load_id")
        .group_by("marac_code", "quarter_start")
        .agg(
            (pl.col("loaded_at") < since).any().alias("_held_before"),
            (pl.col("loaded_at") >= since).sum().cast(pl.Int64).alias("loads"),
            pl.col("loaded_at").filter(pl.col("loaded_at") >= since).max().alias("loaded_at"),
            pl.col("nil").last().alias("nil"),
        )
        .filter(pl.col("loads") > 0)
    )
    return (
        per.with_columns(
            pl.when(pl.col("_held_before"))
            .then(pl.lit(REPLACED))
            .when(pl.col("quarter_start") < last_quarter)
            .then(pl.lit(LATE))
            .otherwise(pl.lit(NEW))
            .alias("status"),
            pl.col("quarter_start").map_elements(quarter_label, return_dtype=pl.String).alias("quarter"),
        )
        .select(list(RETURNS_SCHEMA))
        .cast(RETURNS_SCHEMA)
        .sort("quarter_start", "marac_code")
    )
