"""Significance against a SafeLives range: a verdict only where the interval says so.

Fingertips-style: a figure is "below" only when its whole 95% interval lies under the range,
"above" only when it lies over it, "within" only when it lies inside; otherwise it is not
distinguishable from the boundary it straddles. Under 10 cases nothing useful can be said.
"""

from __future__ import annotations

import polars as pl

from metrics.ranges import Range

TOO_FEW_CASES = 10
SIGNIFICANCE_CONFIDENCE = 0.95
VALUES = ("below", "within", "above", "not distinguishable (lower)", "not distinguishable (upper)",
          "not distinguishable (lower and upper)", "too few cases")


def significance(low: pl.Expr, high: pl.Expr, cases: pl.Expr, item: Range, local: pl.Expr | None = None) -> pl.Expr:
    """below / within / above / not distinguishable (which boundary) / too few cases; null without a range or data."""
    if item.rule == "range":
        lower, upper = pl.lit(item.lower), pl.lit(item.upper)
    elif item.rule == "floor":
        lower, upper = pl.lit(item.lower), None
    elif item.rule == "local_share" and local is not None:
        lower, upper = local, None
    else:
        return pl.lit(None, dtype=pl.String)
    straddles_lower = (low < lower) & (high >= lower)
    if upper is None:
        judged = (pl.when(high < lower).then(pl.lit("below"))
                  .when(low >= lower).then(pl.lit("within"))
                  .otherwise(pl.lit("not distinguishable (lower)")))
    else:
        straddles_upper = (low <= upper) & (high > upper)
        judged = (pl.when(high < lower).then(pl.lit("below"))
                  .when(low > upper).then(pl.lit("above"))
                  .when(straddles_lower & straddles_upper).then(pl.lit("not distinguishable (lower and upper)"))
                  .when(straddles_lower).then(pl.lit("not distinguishable (lower)"))
                  .when(straddles_upper).then(pl.lit("not distinguishable (upper)"))
                  .otherwise(pl.lit("within")))
    return (pl.when(cases.is_null() | low.is_null() | high.is_null() | lower.is_null()).then(pl.lit(None, dtype=pl.String))
            .when(cases < TOO_FEW_CASES).then(pl.lit("too few cases"))
            .otherwise(judged))
