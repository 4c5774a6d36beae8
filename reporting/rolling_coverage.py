"""What each rolling 12 months on a trend rests on, as `reporting.coverage_words.Coverage`.

A trend row is one quarter's figures with the 12 months to that quarter beside them (`metrics.rolling`), so its own
`quarters_with_data` is the quarter's, not the year's. The year's coverage is in the `_12m` columns: MARAC-quarters
returned (nil returns counted, filled quarters included as in a period's figures), quarters filled and MARACs left out
under SafeLives' rule. Read here into the one `Coverage` every other figure uses, so a trend line, its table and its
sentence word it as a profile does ("2 of 4 quarters returned", "120 of 128 MARAC-quarters returned").
"""

from __future__ import annotations

from datetime import date

import polars as pl

from reporting.coverage_words import SAFELIVES, Coverage

#: the rolling columns and the period columns `Coverage.of` reads them as
_AS_PERIOD = {
    "quarters_with_data_12m": "quarters_with_data",
    "quarters_filled_12m": "quarters_filled",
    "maracs_left_out_12m": "maracs_left_out",
    "maracs_in_group": "maracs_in_group",
    "missing_quarters_method": "missing_quarters_method",
}
YEAR = 4


def by_quarter(frame: pl.DataFrame) -> dict[date, Coverage]:
    """Each quarter's rolling-12-month coverage, keyed by quarter_start; empty when the frame does not carry it
    (a frame from before coverage travelled, or a published comparator), so nothing is said rather than guessed."""
    if "quarters_with_data_12m" not in frame.columns or "quarter_start" not in frame.columns:
        return {}
    wanted = [c for c in _AS_PERIOD if c in frame.columns]
    out: dict[date, Coverage] = {}
    for row in frame.select("quarter_start", *wanted).iter_rows(named=True):
        out[row["quarter_start"]] = Coverage.of({_AS_PERIOD[c]: row[c] for c in wanted}, window=YEAR)
    return out


def each_quarter(frame: pl.DataFrame) -> dict[date, Coverage]:
    """Each quarter's own coverage (a group's MARAC-quarters returned of its MARACs), keyed by quarter_start.

    Under SafeLives' rule a quarterly row counts its filled quarters as returned and does not say how many were
    filled, so nothing is said there rather than a coverage that reads fuller than the returns."""
    if "quarters_with_data" not in frame.columns or "quarter_start" not in frame.columns:
        return {}
    if "missing_quarters_method" in frame.columns and (frame["missing_quarters_method"] == SAFELIVES).any():
        return {}
    wanted = [c for c in ("quarters_with_data", "maracs_in_group") if c in frame.columns]
    return {
        row["quarter_start"]: Coverage.of({c: row[c] for c in wanted}, window=1)
        for row in frame.select("quarter_start", *wanted).iter_rows(named=True)
    }


def short(frame: pl.DataFrame, quarter: date) -> str:
    """The 12 months to `quarter` in a few words, "" when complete or not known: "2 of 4 quarters returned"."""
    coverage = by_quarter(frame).get(quarter)
    return coverage.short if coverage is not None else ""
