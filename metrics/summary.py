"""How many MARACs meet each SafeLives range: the Pan-London MARAC Review's summary view.

The review summarises a region as "LGBT+ range met by 44% of boroughs". A count of verdicts
alone overstates what small MARACs show, so each row also says how many of the "within"
verdicts the 95% interval backs (`<value>_significance == "within"`: the whole interval lies
inside the range), letting a page write "9 of 32 (4 certain)".
"""

from __future__ import annotations

import polars as pl

from metrics.coverage import INCOMPLETE
from metrics.definitions import INDICATORS

SUMMARY_COLUMNS: dict[str, type[pl.DataType]] = {
    "indicator": pl.String,
    "label": pl.String,
    "maracs_with_figure": pl.Int64,
    "below": pl.Int64,
    "within": pl.Int64,
    "above": pl.Int64,
    "share_within": pl.Float64,
    "within_backed": pl.Int64,
    "incomplete": pl.Int64,
}


def range_summary(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per indicator with a range (INDICATORS order): MARACs judged, below/within/above, share within.

    `frame` is a `metrics.indicators.compute(dataset, period, "marac")` frame (any grouping works:
    the counts are then of groups). `maracs_with_figure` counts rows with a verdict, so MARACs
    without returns, or without a local comparator for the racially minoritised share, are not
    counted as missing the range; `share_within` is within / maracs_with_figure (null if none);
    `within_backed` counts rows judged within whose 95% interval also lies wholly within (null if
    the frame carries no significance columns). A verdict withheld as incomplete is not judged: it counts in
    `incomplete`, not in `maracs_with_figure`, so "met by 4 of 30" never counts a MARAC nobody could judge.
    """
    rows = []
    for ind in INDICATORS:
        if ind.verdict is None:
            continue
        verdicts = frame[ind.verdict]
        incomplete = int((verdicts == INCOMPLETE).sum())
        judged = int(verdicts.is_not_null().sum()) - incomplete
        counts = {v: int((verdicts == v).sum()) for v in ("below", "within", "above")}
        significance = f"{ind.value}_significance"
        backed = (
            int(((verdicts == "within") & (frame[significance] == "within")).sum())
            if significance in frame.columns
            else None
        )
        rows.append(
            {
                "indicator": ind.key,
                "label": ind.label,
                "maracs_with_figure": judged,
                **counts,
                "share_within": counts["within"] / judged if judged else None,
                "within_backed": backed,
                "incomplete": incomplete,
            }
        )
    return pl.DataFrame(rows, schema=SUMMARY_COLUMNS)
