"""Rolling 12-month figures for the trends page, built from each quarter's counts.

One quarter's figures jump about (a borough may hear 80 cases one quarter and 120 the next),
and SafeLives publishes its national figures as rolling 12 months, so the trend line a page
draws is the 12 months ending with each quarter. Each figure is the numerator summed over
that quarter and the three before it divided by the denominator summed over the same
quarters, exactly as `metrics.indicators.compute` forms a 12-month figure; it is never the
mean of four quarterly rates, which would weigh a quarter of 8 cases like one of 25.
"""

from __future__ import annotations

import polars as pl

from metrics.definitions import INDICATORS

QUARTERS_IN_YEAR = 4


def _parts() -> list[tuple[str, str, str]]:
    """(value column, numerator, denominator) for every indicator and for the rate per 10,000.

    The numerator is the column each definition sums on top: volume's counts only the cases of MARACs with a
    population figure (`numerator_column`), as in `compute`.
    """
    parts = [(i.value, i.numerator_column or i.numerator, i.denominator) for i in INDICATORS]
    return [*parts, ("cases_per_10k", "cases_with_population", "_population_years")]


def rolling_year(quarterly: pl.DataFrame, recommended_per_10k: float) -> pl.DataFrame:
    """`quarterly` with, per row, each indicator for the 12 months ending with that quarter.

    `quarterly` is `metrics.indicators.quarterly(dataset, grouping)`: one row per group and
    quarter_start, with that quarter's counts. Adds `<value>_12m` for every value column in
    INDICATORS and for `cases_per_10k`, `quarters_in_12m` (how many of the four quarters
    had returns from at least one of the group's MARACs) and `quarters_with_data_12m` (the
    MARAC-quarters returned in the 12 months, a nil return counting as returned).

    `quarters_in_12m` reads 4 for a group whenever any MARAC reported each quarter, so London
    would read "4 of 4" with MARAC-quarters missing; `quarters_with_data_12m` over
    `maracs_in_group` x 4 is what the 12-month figure rests on, worded by
    `reporting.coverage_words` ("2 of 4 quarters returned", "120 of 128 MARAC-quarters
    returned"). It is null where the figures are (fewer than four quarters in the frame).

    A 12-month figure is null unless the group has rows for all four consecutive quarters in
    the frame, none of them missing a count the figure needs (a quarter with returns whose count
    is null: summing round the gap would understate the year), (so the first three quarters of a series, and any window reaching over a quarter
    missing from the frame, are null) and its summed denominator is above 0. A quarter that is
    in the frame but had no returns adds nothing to either sum: as in `compute`, a missing
    return lowers neither the volume (set against population-time) nor any share;
    `quarters_in_12m` says how complete the year is.

    The rate per 10,000 needs population-years, which the quarterly frame does not carry. Each
    quarter's recommended_cases is recommended_per_10k × population-years ÷ 10,000, counting
    each reporting MARAC's adult female population for a quarter of a year; so a quarter's
    population-years are recovered as recommended_cases × 10,000 ÷ recommended_per_10k, and
    cases_per_10k_12m = Σ cases_with_population ÷ Σ population-years × 10,000. Pass the same
    figure the frame was built with (`dataset.ranges.value("recommended_cases_per_10k")`).
    """
    if quarterly.is_empty():
        return quarterly
    parts = _parts()
    counts = sorted({c for _, num, den in parts for c in (num, den)} - {"_population_years"})
    base = quarterly.select(
        "group_code",
        "quarter_start",
        (pl.col("maracs_reporting") > 0).alias("_had_data"),
        pl.col("quarters_with_data").fill_null(0).cast(pl.Int64).alias("_returned"),
        # a count missing (null in a quarter with returns) blanks the years of the figures that need it
        *(((pl.col("maracs_reporting") > 0) & pl.col(c).is_null()).alias(f"_hidden_{c}") for c in counts),
        *(pl.col(c).cast(pl.Float64) for c in counts),
        (pl.col("recommended_cases") * 10_000 / recommended_per_10k).alias("_population_years"),
    )
    # each quarter's counts reach forward into the windows of the three quarters after it
    windows = pl.concat(
        [base.with_columns(pl.col("quarter_start").dt.offset_by(f"{3 * lag}mo")) for lag in range(QUARTERS_IN_YEAR)]
    )
    summed = windows.group_by("group_code", "quarter_start").agg(
        pl.len().alias("_rows"),
        pl.col("_had_data").sum().cast(pl.Int64).alias("quarters_in_12m"),
        pl.col("_returned").sum().alias("_returned"),
        *(pl.col(f"_hidden_{c}").any() for c in counts),
        *(pl.col(c).sum() for c in [*counts, "_population_years"]),
    )
    complete = pl.col("_rows") == QUARTERS_IN_YEAR

    def clear(*columns: str) -> pl.Expr:
        return ~pl.any_horizontal(pl.col(f"_hidden_{c}") for c in columns if c in counts)

    figures = summed.select(
        "group_code",
        "quarter_start",
        "quarters_in_12m",
        pl.when(complete).then(pl.col("_returned")).alias("quarters_with_data_12m"),
        *(
            pl.when(complete & clear(num, den) & (pl.col(den) > 0))
            .then(pl.col(num) / pl.col(den) * (10_000 if value == "cases_per_10k" else 1))
            .otherwise(None)
            .alias(f"{value}_12m")
            for value, num, den in parts
        ),
    )
    return (
        quarterly.with_row_index("_row")
        .join(figures, on=["group_code", "quarter_start"], how="left")
        .sort("_row")
        .drop("_row")
    )
