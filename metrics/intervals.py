"""Confidence intervals, one function per method, as in UK public-health practice (OHID Fingertips).

A borough with 3 LGBT+ victims/survivors out of 150 cases is at 2.0%, but the truth could be
anywhere from 0.7% to 5.7%; these intervals say how sure each figure is. Functions return
Polars expressions so a whole table of groups is computed at once.

References: Wilson (1927) for proportions; Byar's approximation (Breslow and Day, 1987) for
counts of 10 or more, and the exact Poisson interval (chi-squared quantiles) below 10, as
PHEindicatormethods and the OHID technical guide use.
"""

from __future__ import annotations

import math
from functools import cache

import polars as pl

#: two-sided z for the confidence levels Fingertips uses
Z = {0.95: 1.959964, 0.998: 3.090232}
EXACT_BELOW = 10  # counts under this use the exact Poisson interval rather than Byar's


def wilson(k: pl.Expr, n: pl.Expr, confidence: float = 0.95) -> tuple[pl.Expr, pl.Expr]:
    """Wilson score interval for the proportion k/n: (lower, upper); null where n is 0 or null.

    Example: 3 of 150 at 95% gives 0.0068 to 0.0571.
    """
    z = Z[confidence]
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).clip(lower_bound=0)).sqrt() / denominator
    valid = n.is_not_null() & (n > 0)
    return (pl.when(valid).then((centre - half).clip(lower_bound=0)).otherwise(None),
            pl.when(valid).then((centre + half).clip(upper_bound=1)).otherwise(None))


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


def byar(count: pl.Expr, confidence: float = 0.95) -> tuple[pl.Expr, pl.Expr]:
    """Interval for a Poisson count O: Byar's approximation from 10 events, the exact interval below.

    Divide by the denominator (population-years, recommended cases) for a rate's interval.
    """
    z = Z[confidence]
    o = count.cast(pl.Float64)
    byar_low = o * (1 - 1 / (9 * o) - z / (3 * o.sqrt())) ** 3
    byar_high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * (o + 1).sqrt())) ** 3
    exact = {o_: exact_poisson(o_, confidence) for o_ in range(EXACT_BELOW)}
    small = o.round(0).cast(pl.Int64, strict=False)
    exact_low = small.replace_strict(list(exact), [v[0] for v in exact.values()], default=None, return_dtype=pl.Float64)
    exact_high = small.replace_strict(list(exact), [v[1] for v in exact.values()], default=None, return_dtype=pl.Float64)
    use_exact = o < EXACT_BELOW
    return (pl.when(o.is_null()).then(None).when(use_exact).then(exact_low).otherwise(byar_low),
            pl.when(o.is_null()).then(None).when(use_exact).then(exact_high).otherwise(byar_high))
