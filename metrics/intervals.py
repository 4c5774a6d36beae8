"""Confidence intervals, one function per method, as in UK public-health practice (OHID Fingertips).

A borough with 3 LGBT+ victims/survivors out of 150 cases is at 2.0%, but the truth could be
anywhere from 0.7% to 5.7%; these intervals say how sure each figure is. Functions return
NumPy arrays: a whole table of groups is computed at once, and at a few hundred rows
array arithmetic costs microseconds where planning a hundred Polars expressions cost ~50 ms.

References: Wilson (1927) for proportions; Byar's approximation (Breslow and Day, 1987) for
counts of 10 or more, and the exact Poisson interval (chi-squared quantiles) below 10, as
PHEindicatormethods and the OHID technical guide use; Newcombe (1998) for the difference
between two independent proportions; exact binomial and Poisson funnel limits with
interpolation (Spiegelhalter 2005) for funnel plots.
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


#: the tail probabilities of the funnel's two limits at each confidence Fingertips draws
FUNNEL_TAILS = {0.95: (0.025, 0.975), 0.998: (0.001, 0.999)}
_TAIL_SDS = 8  # the window of counts summed: the mean ± 8 sd (+ 20), outside which the mass is under 1e-14


@cache
def _log_factorials(length: int) -> np.ndarray:
    """log(k!) for k = 0 .. length - 1, from math.lgamma (no statistics library at run time)."""
    return np.array([math.lgamma(k + 1) for k in range(length)])


def _log_factorials_to(top: int) -> np.ndarray:
    """log(k!) for k = 0 .. top at least, cached in lengths that double so a chart's sizes share one table."""
    length = 1024
    while length <= top:
        length *= 2
    return _log_factorials(length)


def _interpolated_limits(log_pmf, means: np.ndarray, highest: np.ndarray, tails: tuple[float, ...]) -> list[np.ndarray]:
    """For each tail probability P and each row: r - alpha, where r is the P-quantile (the least count whose CDF
    reaches P) and alpha = (F(r) - P) / (F(r) - F(r - 1)) carries the step of the discrete CDF across smoothly.

    `log_pmf(k, row)` gives the log probabilities of the counts `k` (a 2-D grid) for each row; only a window of
    counts around each row's mean is summed, since the mass outside it cannot move a CDF compared with 0.001.
    """
    spread = _TAIL_SDS * np.sqrt(means) + 20
    low = np.clip(np.floor(means - spread), 0, None)
    high = np.minimum(np.ceil(means + spread), highest)
    width = int((high - low).max()) + 1
    k = low[:, None] + np.arange(width)[None, :]
    inside = k <= high[:, None]
    pmf = np.where(inside, np.exp(log_pmf(np.minimum(k, high[:, None]))), 0.0)
    cdf = np.cumsum(pmf, axis=1)
    rows = np.arange(len(means))
    out = []
    for tail in tails:
        at = np.argmax(cdf >= tail, axis=1)  # the first count whose CDF reaches the tail
        step = pmf[rows, at]
        alpha = np.where(step > 0, (cdf[rows, at] - tail) / np.where(step > 0, step, 1), 0.0)
        out.append(k[rows, at] - alpha)
    return out


def binomial_funnel(centre: float, sizes: np.ndarray, tails: tuple[float, ...]) -> list[np.ndarray]:
    """Exact binomial limits (r - alpha) / n at whole sizes n >= 1 for each tail probability; see funnel_limits."""
    n = np.asarray(sizes, dtype=float)
    p = min(
        max(centre, 1e-300), 1 - 1e-16
    )  # kept off 0 and 1 so the logs are finite; the masses there are exact to 1e-14
    logs = _log_factorials_to(int(n.max()))
    log_p, log_q = math.log(p), math.log1p(-p)

    def log_pmf(k: np.ndarray) -> np.ndarray:
        whole, counts = n[:, None].astype(int), k.astype(int)
        return logs[whole] - logs[counts] - logs[whole - counts] + counts * log_p + (whole - counts) * log_q

    limits = _interpolated_limits(log_pmf, n * p, n, tails)
    return [np.clip(limit / n, 0, 1) for limit in limits]


def poisson_funnel(centre: float, expected: np.ndarray, tails: tuple[float, ...]) -> list[np.ndarray]:
    """Exact Poisson limits (r - alpha) / E for a ratio of observed to expected counts; see funnel_limits."""
    e = np.asarray(expected, dtype=float)
    means = np.maximum(centre * e, 1e-300)
    spread = _TAIL_SDS * np.sqrt(means) + 20
    logs = _log_factorials_to(int(np.ceil((means + spread).max())))

    def log_pmf(k: np.ndarray) -> np.ndarray:
        counts = k.astype(int)
        return counts * np.log(means)[:, None] - means[:, None] - logs[counts]

    limits = _interpolated_limits(log_pmf, means, np.full(e.shape, np.inf), tails)
    return [np.clip(limit / e, 0, None) for limit in limits]


def funnel_limits(
    centre: float, sizes: np.ndarray, confidence: float = 0.95, *, poisson: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Exact funnel-plot control limits (lower, upper) around `centre` for units of the given sizes.

    Why exact: the normal approximation p ± z·√(p(1−p)/n) is too narrow above and too wide below for a
    small share (LGBT+ at 2.9% in a MARAC of 272 cases: 99.8% limits 0–6.04% against the exact
    0.09–6.32%), so a MARAC could be drawn outside the funnel by the approximation alone.

    Method (Spiegelhalter 2005, "Funnel plots for comparing institutional performance", Statistics
    in Medicine 24:1185–1202; as OHID's funnel methods): for each tail probability P (0.025 and
    0.975 for 95%, 0.001 and 0.999 for 99.8%), r is the P-quantile of the count, and
    alpha = (F(r) − P) / (F(r) − F(r − 1)) interpolates across the step of its discrete CDF F;
    the limit is (r − alpha) / n. Shares use the binomial with size n and probability `centre`; a ratio
    of observed to expected counts (volume against recommended cases, `poisson=True`) uses the Poisson
    with mean centre × E and divides by E. Lower limits stop at 0 (and shares' upper limits at 1).

    Sizes: E may be any positive number. The binomial needs a whole n, so a fractional size (a shared
    referral counts a half; a chart's grid) is drawn by straight-line interpolation between the
    limits at the whole sizes either side, exact at every whole size and continuous between them;
    sizes under 1 (binomial) or not above 0 (Poisson) are NaN. Computed in log space from math.lgamma
    over a window of counts about the mean, all sizes at once: 200 sizes take a few milliseconds.
    """
    tails = FUNNEL_TAILS[confidence]
    sizes = np.asarray(sizes, dtype=float)
    lower, upper = np.full(sizes.shape, np.nan), np.full(sizes.shape, np.nan)
    if poisson:
        valid = np.isfinite(sizes) & (sizes > 0)
        if valid.any():
            lower[valid], upper[valid] = poisson_funnel(centre, sizes[valid], tails)
        return lower, upper
    valid = np.isfinite(sizes) & (sizes >= 1)
    if valid.any():
        below, above = np.floor(sizes[valid]), np.ceil(sizes[valid])
        whole = np.unique(np.concatenate([below, above]))
        limits = binomial_funnel(centre, whole, tails)
        share = sizes[valid] - below  # how far between the two whole sizes
        for out, limit in zip((lower, upper), limits, strict=True):
            at = dict(zip(whole.tolist(), limit.tolist(), strict=True))
            low_side = np.array([at[b] for b in below.tolist()])
            high_side = np.array([at[a] for a in above.tolist()])
            out[valid] = low_side + share * (high_side - low_side)
    return lower, upper
