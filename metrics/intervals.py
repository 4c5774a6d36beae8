"""Confidence intervals, one function per method, as in UK public-health practice (OHID Fingertips).

A borough with 3 LGBT+ victims/survivors out of 150 cases is at 2.0%, but the truth could be
anywhere from 0.7% to 5.7%; these intervals say how sure each figure is. Functions return
NumPy arrays: a whole table of groups is computed at once, and at a few hundred rows
array arithmetic costs microseconds where planning a hundred Polars expressions cost ~50 ms.

References: Wilson (1927) for proportions; Byar's approximation (Breslow and Day, 1987) for
counts of 10 or more, and the exact Poisson interval (chi-squared quantiles) below 10, as
PHEindicatormethods and the OHID technical guide use; Newcombe (1998) for the difference
between two independent proportions.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

#: two-sided z for the confidence levels Fingertips uses
Z = {0.95: 1.959964, 0.998: 3.090232}
EXACT_BELOW = 10  # counts under this use the exact Poisson interval rather than Byar's


def wilson(k: np.ndarray, n: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportion k/n: (lower, upper); NaN where n is 0 or missing.

    Example: 3 of 150 at 95% gives 0.0068 to 0.0571.
    """
    z = Z[confidence]
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(np.clip(p * (1 - p) / n + z * z / (4 * n * n), 0, None)) / denominator
    valid = np.isfinite(n) & (n > 0)
    return (
        np.where(valid, np.clip(centre - half, 0, None), np.nan),
        np.where(valid, np.clip(centre + half, None, 1), np.nan),
    )


def newcombe_difference(
    k1: np.ndarray, n1: np.ndarray, k2: np.ndarray, n2: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference k1/n1 − k2/n2 of two independent proportions with Newcombe's hybrid score interval:
    (difference, lower, upper); NaN where either denominator is 0 or missing.

    Why this method: a year-on-year change in a share (repeat rate, police share of referrals) at
    one MARAC often rests on small counts or a share near 0 or 1, where the simple Wald interval
    overshoots [−1, 1] and is too narrow. Newcombe's method 10 combines the two Wilson intervals
    (l, u) instead: lower = d − √((p1 − l1)² + (u2 − p2)²), upper = d + √((u1 − p1)² + (p2 − l2)²).
    Reference: Newcombe RG (1998), "Interval estimation for the difference between independent
    proportions: comparison of eleven methods", Statistics in Medicine 17:873–890, method 10.
    Worked example there: 56/70 − 48/80 = 0.2000, 95% interval 0.0524 to 0.3339.
    Counts may be fractional (a referral shared by two agencies counts 0.5 to each).
    """
    k1, n1, k2, n2 = (np.asarray(a, dtype=float) for a in (k1, n1, k2, n2))
    l1, u1 = wilson(k1, n1, confidence)
    l2, u2 = wilson(k2, n2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(np.isnan(l1), np.nan, k1 / n1)
        p2 = np.where(np.isnan(l2), np.nan, k2 / n2)
    difference = p1 - p2
    lower = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return difference, lower, upper


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    term = total = math.exp(-mean)
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return total


def _solve(f, target: float, low: float, high: float) -> float:
    """Bisection for the mean at which a decreasing function of the mean equals target."""
    for _ in range(200):
        mid = (low + high) / 2
        if f(mid) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@cache
def exact_poisson(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count: the means whose tail probabilities are alpha/2.

    Equivalent to chi2(alpha/2; 2O)/2 and chi2(1-alpha/2; 2O+2)/2; solved directly from the
    Poisson distribution so that no statistics library is needed at run time.
    """
    alpha = 1 - confidence
    upper = _solve(lambda m: _poisson_cdf(count, m), alpha / 2, 0.0, count + 50.0)
    lower = 0.0 if count == 0 else _solve(lambda m: _poisson_cdf(count - 1, m), 1 - alpha / 2, 0.0, count + 50.0)
    return lower, upper


def byar(count: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval for Poisson counts O: Byar's approximation from 10 events, the exact interval below; NaN where missing.

    Divide by the denominator (population-years, recommended cases) for a rate's interval.
    """
    z = Z[confidence]
    o = np.asarray(count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    for small in range(EXACT_BELOW):
        exact_low, exact_high = exact_poisson(small, confidence)
        at = o == small
        low, high = np.where(at, exact_low, low), np.where(at, exact_high, high)
    missing = ~np.isfinite(o)
    return np.where(missing, np.nan, low), np.where(missing, np.nan, high)


def funnel_limits(
    centre: float, sizes: np.ndarray, confidence: float = 0.95, *, poisson: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Funnel-plot control limits around `centre` for units of the given sizes (Spiegelhalter 2005).

    Shares use binomial limits p ± z·√(p(1−p)/n); a ratio of observed to expected counts
    (volume against recommended cases) uses Poisson limits p ± z·√(p/E). The lower limit
    stops at 0.
    """
    z = Z[confidence]
    sizes = np.asarray(sizes, dtype=float)
    variance = centre / sizes if poisson else centre * (1 - centre) / sizes
    spread = z * np.sqrt(variance)
    return np.clip(centre - spread, 0, None), centre + spread
