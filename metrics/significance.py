"""Significance against a SafeLives range: a verdict only where the interval says so.

Fingertips-style: a figure is "below" only when its whole 95% interval lies under the range,
"above" only when it lies over it, "within" only when it lies inside; otherwise it is not
distinguishable from the boundary it straddles. The intervals are exact or near-exact at small
counts (the exact Poisson interval under 10 cases, Wilson's for shares), so an interval that lies
wholly on one side settles the verdict at any size: 0 cases against a recommended 95 is clearly below.
Only where the interval reaches across a bound AND the indicator's own denominator (referrals for
a share of referrals, cases otherwise) is under 10 is it "too few to judge" rather than chance.
"""

from __future__ import annotations

import numpy as np

from metrics.ranges import Range

#: under this many in an indicator's own denominator, an interval that reaches across a bound is "too few to judge"
TOO_FEW_CASES = 10
TOO_FEW = "too few to judge"
SIGNIFICANCE_CONFIDENCE = 0.95
VALUES = (
    "below",
    "within",
    "above",
    "not distinguishable (lower)",
    "not distinguishable (upper)",
    "not distinguishable (lower and upper)",
    TOO_FEW,
)


def significance(
    low: np.ndarray, high: np.ndarray, counted: np.ndarray, item: Range, local: np.ndarray | None = None
) -> list[str | None]:
    """below / within / above / not distinguishable (which boundary) / too few to judge; None without a range or data.

    `counted` is the indicator's own denominator (referrals for a share of referrals, cases otherwise).
    """
    low, high, counted = (np.asarray(a, dtype=float) for a in (low, high, counted))
    if item.rule == "range":
        lower, upper = np.full(low.shape, item.lower), np.full(low.shape, item.upper)
    elif item.rule == "floor":
        lower, upper = np.full(low.shape, item.lower), None
    elif item.rule == "local_share" and local is not None:
        lower, upper = np.asarray(local, dtype=float), None
    else:
        return [None] * len(low)
    with np.errstate(invalid="ignore"):
        straddles_lower = (low < lower) & (high >= lower)
        if upper is None:
            conditions = [high < lower, low >= lower]
            choices = ["below", "within"]
            otherwise = "not distinguishable (lower)"
        else:
            straddles_upper = (low <= upper) & (high > upper)
            conditions = [
                high < lower,
                low > upper,
                straddles_lower & straddles_upper,
                straddles_lower,
                straddles_upper,
            ]
            choices = [
                "below",
                "above",
                "not distinguishable (lower and upper)",
                "not distinguishable (lower)",
                "not distinguishable (upper)",
            ]
            otherwise = "within"
        judged = np.select(conditions, choices, default=otherwise)
        missing = ~(np.isfinite(counted) & np.isfinite(low) & np.isfinite(high) & np.isfinite(lower))
        unsettled = np.char.startswith(judged.astype(str), "not distinguishable")
        judged = np.where(unsettled & (counted < TOO_FEW_CASES), TOO_FEW, judged)
    return [None if m else str(j) for m, j in zip(missing, judged, strict=True)]
