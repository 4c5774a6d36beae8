"""Change on the same period a year earlier, flagged only when chance cannot explain it.

Volume compares rates as a ratio of Poisson rates (log-scale interval, exp(ln RR ± z·√(1/O₁ + 1/O₂)));
the repeat rate compares proportions as a difference with Newcombe's hybrid score interval,
built from the two Wilson intervals (`metrics.intervals.newcombe_difference`). A change is
"significant" when its 95% interval leaves out no change (1 for a ratio, 0 for a difference).
Last year's `quarters_with_data` and `volume_coverage` travel as `*_previous`, so the words can say what each year
rests on and withhold a verdict on a change that sets one quarter's rate against a year's.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.intervals import Z, newcombe_difference


def _array(frame: pl.DataFrame, column: str) -> np.ndarray:
    return frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()


def with_change(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """`current` with the same groups' figures a year earlier and the significance of the change."""
    earlier = previous.select(
        "group_code",
        pl.col("cases").alias("cases_previous"),
        pl.col("cases_with_population").alias("_o_previous"),
        pl.col("cases_per_10k").alias("cases_per_10k_previous"),
        pl.col("repeat_cases").alias("repeat_cases_previous"),
        pl.col("repeat_rate").alias("repeat_rate_previous"),
        # what last year's figure rests on: a change against one quarter's rate shown as a year's is no verdict
        *(pl.col(c).alias(f"{c}_previous") for c in ("quarters_with_data", "volume_coverage") if c in previous.columns),
    )
    joined = current.join(earlier, on="group_code", how="left")
    ratio, ratio_low, ratio_high = rate_ratio(
        _array(joined, "cases_per_10k"),
        _array(joined, "cases_with_population"),
        _array(joined, "cases_per_10k_previous"),
        _array(joined, "_o_previous"),
    )
    return joined.drop("_o_previous").hstack(
        [
            _series("volume_rate_ratio", ratio),
            _series("volume_rate_ratio_ci95_low", ratio_low),
            _series("volume_rate_ratio_ci95_high", ratio_high),
            _flag("volume_change_significant", ratio_low, ratio_high, 1.0),
            *share_change(
                joined, "repeat_rate", ("repeat_cases", "cases"), ("repeat_cases_previous", "cases_previous")
            ),
        ]
    )


def rate_ratio(
    r1: np.ndarray, o1: np.ndarray, r2: np.ndarray, o2: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio r1/r2 of two Poisson rates resting on O₁ and O₂ events, with its log-scale interval:
    (ratio, lower, upper) = RR·exp(∓z·√(1/O₁ + 1/O₂)); NaN where either count or the earlier rate is 0 or missing.

    Any two periods' rates compare this way (a year earlier, the previous quarter), so the interval is worked out here
    once. Example: 150 cases against 100 at the same population-time is 1.50, 95% interval 1.16 to 1.93.
    """
    z = Z[confidence]
    r1, o1, r2, o2 = (np.asarray(a, dtype=float) for a in (r1, o1, r2, o2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((o1 > 0) & (o2 > 0) & (r2 > 0), r1 / r2, np.nan)
        spread = z * np.sqrt(1 / o1 + 1 / o2)
        return ratio, ratio * np.exp(-spread), ratio * np.exp(spread)


def beyond_chance(low: np.ndarray, high: np.ndarray, none: float) -> list[bool | None]:
    """True where the interval leaves out `none` (no change: 1 for a ratio, 0 for a difference), False where it
    includes it, None where there is no interval."""
    known = np.isfinite(low) & np.isfinite(high)
    return [bool(lo > none or hi < none) if k else None for lo, hi, k in zip(low, high, known, strict=True)]


def share_change(frame: pl.DataFrame, name: str, now: tuple[str, str], then: tuple[str, str]) -> list[pl.Series]:
    """A share's change on a year earlier, as `{name}_change`, `_ci95_low`, `_ci95_high` and `_change_significant`.

    `now` and `then` name each year's (count, total) columns in `frame`; the change is a
    difference of proportions (0.05 is 5 percentage points) with Newcombe's interval, null
    where either year has no total.
    """
    difference, low, high = newcombe_difference(*(_array(frame, c) for c in (*now, *then)))
    return [
        _series(f"{name}_change", difference),
        _series(f"{name}_change_ci95_low", low),
        _series(f"{name}_change_ci95_high", high),
        _flag(f"{name}_change_significant", low, high, 0.0),
    ]


def _series(name: str, values: np.ndarray) -> pl.Series:
    return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)


def _flag(name: str, low: np.ndarray, high: np.ndarray, none: float) -> pl.Series:
    """True where the interval leaves out `none` (no change); null where there is no interval."""
    return pl.Series(name, beyond_chance(low, high, none), dtype=pl.Boolean)
