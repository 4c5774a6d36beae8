"""What a period's figures do with a quarter a MARAC did not return: two methods, one chosen and named.

Population-time (the default, `metrics.indicators`): a MARAC's population counts only for the quarters it returned, so
a missing return lowers neither its rate nor its group's; a quarter returned as "no meetings" (`Dataset.nil_quarters`)
is returned, with 0 cases.

SafeLives' rule, offered so a coordinator can reconcile with SafeLives' own report: within the window, a missing
quarter takes the MARAC's counts for the quarter immediately before it (which may lie before the window), and its
population then counts for the whole window; a MARAC with two missing quarters in a row (the quarter before the window
counting as one) is left out of the window's figures altogether. Filling always copies a quarter as returned, never a
filled one, so a run of two gaps cannot be bridged.

The rule is applied by rewriting the dataset rather than by a second path through the indicators: a filled quarter's
meeting rows are the previous quarter's rows with their dates moved three months on (clamped to the month's end, so
they stay in the filled quarter and the window's date filter picks them up), and a left-out MARAC's rows in the window
are removed, so it counts as not reporting. `compute` rewrites the chosen window and the year-earlier window alike,
each from the rows as returned: its change on a year earlier then compares like with like, and as the two windows never
overlap one rewritten dataset serves both. `quarterly` and `rolling` do the same for the trends (each quarter a
one-quarter window; each rolling 12 months its own window), and `by_financial_year` for reconciling held cases with
SafeLives' published ones, year by year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from metrics import indicators
from metrics.dataset import NIL_SCHEMA, Dataset
from metrics.definitions import INDICATORS
from metrics.periods import Period, add_quarters, fy_start_year, period, quarter_end, year_earlier
from metrics.rolling import rolling_year

POPULATION_TIME = "population_time"
SAFELIVES = "safelives"
#: the methods a user can choose, with the words shown wherever figures made with them go
METHODS: dict[str, str] = {
    POPULATION_TIME: "count only the quarters returned (population-time)",
    SAFELIVES: "fill like SafeLives",
}
#: the schema of `Filled.filled`: which quarter was filled, and from which
FILLED_SCHEMA: dict[str, pl.DataType] = {
    "marac_code": pl.String(),
    "quarter_start": pl.Date(),
    "from_quarter": pl.Date(),
}
_METHOD = "missing_quarters_method"


@dataclass(frozen=True)
class Filled:
    """A dataset rewritten under SafeLives' rule, with what was filled and who was left out."""

    dataset: Dataset
    #: one row per filled MARAC-quarter (marac_code, quarter_start, from_quarter)
    filled: pl.DataFrame
    #: codes of MARACs left out of the window (two missing quarters in a row)
    left_out: tuple[str, ...]


def check_method(method: str) -> str:
    """The method, or a ValueError naming the ones there are."""
    if method not in METHODS:
        raise ValueError(f'missing-quarters method "{method}" is not one of {", ".join(METHODS)}')
    return method


def _returned(dataset: Dataset) -> set[tuple[str, date]]:
    """Every MARAC-quarter returned: with meetings, or as a nil return ("no meetings this quarter")."""
    return set(dataset.held_quarters.iter_rows())


def _plan(dataset: Dataset, window: Period) -> tuple[list[tuple[str, date, date]], list[str]]:
    """Which quarters of the window to fill (code, quarter, from) and which MARACs to leave out.

    A MARAC that returned nothing in the window is not reporting under either method, so it is not counted as left
    out (a registry of 300 MARACs with 20 sending returns would otherwise read "280 left out"); the one exception is
    a one-quarter window whose quarter is filled from the quarter before, which SafeLives' rule reports.
    """
    returned = _returned(dataset)
    quarters = window.quarters
    fills: list[tuple[str, date, date]] = []
    left_out: list[str] = []
    for code in dataset.maracs["marac_code"].to_list():
        has = [(code, q) in returned for q in [add_quarters(quarters[0], -1), *quarters]]
        gaps = [not h for h in has]
        if all(gaps[1:]) and (len(quarters) > 1 or gaps[0]):
            continue  # nothing returned in the window: not reporting, whichever the method
        if any(gaps[i] and gaps[i - 1] for i in range(1, len(has))):
            left_out.append(code)
            continue
        fills += [(code, q, add_quarters(q, -1)) for q, gap in zip(quarters, gaps[1:], strict=True) if gap]
    return fills, left_out


def fill(dataset: Dataset, period: Period, *more: Period) -> Filled:
    """The dataset to compute `period` on under SafeLives' rule, with which quarters were filled and which MARACs
    left out of `period`; each of `more` (e.g. the year-earlier window) is rewritten too, from the rows as returned.
    """
    windows = [period, *more]
    plans = [_plan(dataset, w) for w in windows]
    fills = [f for p, _ in plans for f in p]
    removed = pl.DataFrame(
        [(code, q) for w, (_, out) in zip(windows, plans, strict=True) for code in out for q in w.quarters],
        schema={"marac_code": pl.String(), "quarter_start": pl.Date()},
        orient="row",
    )
    rewritten = _rewrite(dataset, fills, removed)
    filled = pl.DataFrame(plans[0][0], schema=FILLED_SCHEMA, orient="row")
    return Filled(replace(rewritten, **{_METHOD: SAFELIVES}), filled, tuple(plans[0][1]))


def _rewrite(dataset: Dataset, fills: list[tuple[str, date, date]], removed: pl.DataFrame) -> Dataset:
    """The dataset with the fills' copied rows added and the removed MARAC-quarters' rows taken out."""
    meetings = dataset.meetings
    nil = (
        dataset.nil_quarters.select(pl.col("marac_code").cast(pl.String), pl.col("quarter_start").cast(pl.Date))
        if dataset.nil_quarters.height
        else pl.DataFrame(schema=NIL_SCHEMA)
    )
    sources = pl.DataFrame(fills, schema=FILLED_SCHEMA, orient="row").rename(
        {"quarter_start": "_to", "from_quarter": "quarter_start"}
    )
    keys = ["marac_code", "quarter_start"]
    copied = (
        meetings.join(sources, on=keys, how="inner")
        .with_columns(pl.col("_to").alias("quarter_start"), pl.col("meeting_date").dt.offset_by("3mo"))
        .select(meetings.columns)
    )
    # a quarter filled from a nil return is a nil return itself: 0 cases, its population-time counted
    nil_copied = nil.join(sources, on=keys, how="inner").select("marac_code", pl.col("_to").alias("quarter_start"))
    removed = removed.with_columns(pl.col("quarter_start").cast(meetings.schema["quarter_start"]))
    meetings = pl.concat([meetings.join(removed, on=keys, how="anti"), copied]).sort([*keys, "meeting_date"])
    nil = pl.concat([nil.join(removed, on=keys, how="anti"), nil_copied])
    return replace(dataset, meetings=meetings, nil_quarters=nil)


#: the column of `Dataset.maracs` whose value is each grouping's group code (as `metrics.indicators` groups them)
_GROUP_COLUMN = {"sub_area": "sub_area", "region": "region", "pfa": "police_force_area"}


def _group_codes(dataset: Dataset, grouping: str) -> pl.DataFrame:
    """Each MARAC's group code under `grouping` (marac_code, group_code), named as `metrics.indicators` names it."""
    maracs = dataset.maracs
    if grouping == "marac":
        code = pl.col("marac_code")
    elif grouping == "all":
        code = pl.lit("ALL")
    else:
        code = pl.col(_GROUP_COLUMN[grouping]).fill_null(f"(no {indicators.GROUPINGS[grouping]})")
    return maracs.select(pl.col("marac_code").cast(pl.String), code.alias("group_code"))


def compute(dataset: Dataset, period: Period, grouping: str = "marac", method: str | None = None) -> pl.DataFrame:
    """`metrics.indicators.compute` under the chosen method (default: the dataset's own), with the method and, per
    group, `quarters_filled` (MARAC-quarters of the window filled from the quarter before) and `maracs_left_out`
    (MARACs left out after two missing quarters in a row), so the words can say what the figure rests on."""
    method = check_method(method or dataset.missing_quarters_method)
    if method == POPULATION_TIME:
        out = indicators.compute(replace(dataset, **{_METHOD: method}), period, grouping)
        return out.with_columns(
            pl.lit(method).alias(_METHOD),
            pl.lit(0, dtype=pl.UInt32).alias("quarters_filled"),
            pl.lit(0, dtype=pl.UInt32).alias("maracs_left_out"),
        )
    filled = fill(dataset, period, year_earlier(period))
    out = indicators.compute(filled.dataset, period, grouping)
    groups = _group_codes(dataset, grouping)
    counts = (
        groups.join(filled.filled.group_by("marac_code").len("quarters_filled"), on="marac_code", how="left")
        .with_columns(pl.col("marac_code").is_in(list(filled.left_out)).alias("_left_out"))
        .group_by("group_code")
        .agg(
            pl.col("quarters_filled").fill_null(0).sum().cast(pl.UInt32),
            pl.col("_left_out").sum().cast(pl.UInt32).alias("maracs_left_out"),
        )
    )
    return (
        out.join(counts, on="group_code", how="left")
        .with_columns(
            pl.lit(method).alias(_METHOD),
            pl.col("quarters_filled").fill_null(0),
            pl.col("maracs_left_out").fill_null(0),
        )
        .select([*out.columns, _METHOD, "quarters_filled", "maracs_left_out"])
    )


def _series_fills(dataset: Dataset) -> list[tuple[str, date, date]]:
    """Every quarter of the held span a MARAC did not return but returned the quarter before: SafeLives' rule for a
    one-quarter window, which a quarterly series is a run of."""
    if dataset.meetings.is_empty():
        return []
    returned = _returned(dataset)
    first, last = dataset.meetings["quarter_start"].min(), dataset.meetings["quarter_start"].max()
    span, q = [], first
    while q <= last:
        span.append(q)
        q = add_quarters(q, 1)
    codes = dataset.maracs["marac_code"].to_list()
    return [
        (code, q, add_quarters(q, -1))
        for code in codes
        for q in span[1:]
        if (code, q) not in returned and (code, add_quarters(q, -1)) in returned
    ]


def quarterly(
    dataset: Dataset,
    grouping: str = "marac",
    first: date | None = None,
    last: date | None = None,
    method: str | None = None,
) -> pl.DataFrame:
    """`metrics.indicators.quarterly` under the chosen method (default: the dataset's own).

    Under SafeLives' rule each quarter is a one-quarter window: a quarter not returned takes the MARAC's previous
    quarter as returned, and two in a row leave the MARAC out of the second (it has no figure for it, as under
    population-time). The series spans the quarters held, as returned.
    """
    method = check_method(method or dataset.missing_quarters_method)
    if method == POPULATION_TIME or dataset.meetings.is_empty():
        return indicators.quarterly(dataset, grouping, first, last)
    span = (
        first or dataset.meetings["quarter_start"].min(),
        last or quarter_end(dataset.meetings["quarter_start"].max()),
    )
    empty = pl.DataFrame(schema={"marac_code": pl.String(), "quarter_start": pl.Date()})
    filled = _rewrite(dataset, _series_fills(dataset), empty)
    return indicators.quarterly(replace(filled, **{_METHOD: method}), grouping, *span)


#: the coverage of each rolling 12 months: MARAC-quarters with data (a filled quarter included, as in `compute`),
#: quarters filled and MARACs left out; `rolling_year` gives the first under population-time
_ROLLING_COVERAGE = ("quarters_with_data_12m", "quarters_filled_12m", "maracs_left_out_12m")


def rolling(dataset: Dataset, grouping: str, recommended_per_10k: float, method: str | None = None) -> pl.DataFrame:
    """`metrics.rolling.rolling_year` of the quarterly series, under the chosen method.

    Under SafeLives' rule a MARAC with two missing quarters in a row is left out of every 12 months holding them, which
    no sum of filled quarters can say; so each 12 months' figure there is `compute`d on its own window (about 35 ms a
    window for 327 MARACs), where the quarterly sums give a figure at all.
    """
    method = check_method(method or dataset.missing_quarters_method)
    frame = rolling_year(quarterly(dataset, grouping, method=method), recommended_per_10k)
    if frame.is_empty():
        return frame
    # what each 12 months rests on, worded by `reporting.coverage_words`: the method, and (SafeLives' rule) the
    # quarters filled and MARACs left out, taken from each window's own figures below
    frame = frame.with_columns(
        pl.lit(method).alias(_METHOD),
        *(pl.lit(0, dtype=pl.Int64).alias(c) for c in _ROLLING_COVERAGE[1:]),
    )
    if method == POPULATION_TIME:
        return frame
    values = [*(ind.value for ind in INDICATORS), "cases_per_10k"]
    quarters = sorted(frame["quarter_start"].unique().to_list())[3:]  # the first three have no full 12 months
    exact = (
        pl.concat(
            [
                compute(dataset, period(quarter_end(q), "12m"), grouping, method)
                .select(
                    "group_code",
                    *(pl.col(v).cast(pl.Float64).alias(f"_exact_{v}") for v in values),
                    *(pl.col(c.removesuffix("_12m")).cast(pl.Int64).alias(f"_exact_{c}") for c in _ROLLING_COVERAGE),
                )
                .with_columns(pl.lit(q).alias("quarter_start"))
                for q in quarters
            ]
        )
        if quarters
        else None
    )
    if exact is None:
        return frame
    joined = frame.join(exact, on=["group_code", "quarter_start"], how="left")
    held = pl.col("quarters_with_data_12m").is_not_null()
    return joined.with_columns(
        *(pl.when(pl.col(f"{v}_12m").is_not_null()).then(pl.col(f"_exact_{v}")).alias(f"{v}_12m") for v in values),
        *(pl.when(held).then(pl.col(f"_exact_{c}").fill_null(0)).alias(c) for c in _ROLLING_COVERAGE),
    ).drop(*(f"_exact_{v}" for v in values), *(f"_exact_{c}" for c in _ROLLING_COVERAGE))


def by_financial_year(dataset: Dataset) -> Dataset:
    """The dataset with SafeLives' rule applied to every financial year it holds a quarter of, each year on its own
    (the quarter before a year's first is the previous year's last, as returned): SafeLives publishes its cases by
    financial year so filled, and a reconciliation with them should fill the same way."""
    if dataset.meetings.is_empty():
        return replace(dataset, **{_METHOD: SAFELIVES})
    quarters = dataset.meetings["quarter_start"]
    first, last = fy_start_year(quarters.min()), fy_start_year(quarters.max())
    years = [period(date(year + 1, 3, 31), "fy") for year in range(first, last + 1)]
    return fill(dataset, *years).dataset
