"""Significance against a SafeLives range: a verdict only where the interval says so.

Fingertips-style: a figure is "below" only when its whole 95% interval lies under the range,
"above" only when it lies over it, "within" only when it lies inside; otherwise it is not
distinguishable from the boundary it straddles. Under 10 cases nothing useful can be said.
"""

from __future__ import annotations

import numpy as np

from metrics.ranges import Range

TOO_FEW_CASES = 10
SIGNIFICANCE_CONFIDENCE = 0.95
VALUES = (
    "below",
    "within",
    "above",
    "not distinguishable (lower)",
    "not distinguishable (upper)",
    "not distinguishable (lower and upper)",
    "too few cases",
)


def significance(
    low: np.ndarray, high: np.ndarray, cases: np.ndarray, item: Range, local: np.ndarray | None = None
) -> list[str | None]:
    """below / within / above / not distinguishable (which boundary) / too few cases; None without a range or data."""
    low, high, cases = (np.asarray(a, dtype=float) for a in (low, high, cases))
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
        missing = ~(np.isfinite(cases) & np.isfinite(low) & np.isfinite(high) & np.isfinite(lower))
        judged = np.where(cases < TOO_FEW_CASES, "too few cases", judged)
    return [None if m else str(j) for m, j in zip(missing, judged, strict=True)]
