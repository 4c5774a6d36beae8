"""Intervals and significance, checked against independent implementations (statsmodels, scipy) and worked examples."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint

from metrics.indicators import compute
from metrics.intervals import byar, exact_poisson, wilson
from metrics.periods import period
from metrics.ranges import Range
from metrics.significance import significance
from tests.helpers import metrics as fx


def _wilson(k: list[float], n: list[float], confidence: float) -> list[tuple[float, float]]:
    low, high = wilson(np.array(k, dtype=float), np.array(n, dtype=float), confidence)
    return list(zip(low.tolist(), high.tolist(), strict=True))


def test_wilson_worked_example_from_the_domain_reference() -> None:
    # 3 LGBT+ victims/survivors of 150 cases: 2.0%, 95% interval 0.7% to 5.7%
    [(low, high)] = _wilson([3], [150], 0.95)
    assert (round(low, 3), round(high, 3)) == (0.007, 0.057)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_wilson_matches_statsmodels_including_edges(confidence: float) -> None:
    cases = [
        (0, 1),
        (1, 1),
        (0, 2),
        (2, 2),
        (1, 3),
        (0, 150),
        (150, 150),
        (3, 150),
        (12, 40),
        (2.5, 7),
        (620, 1000),
        (5, 11),
    ]
    ours = _wilson([k for k, _ in cases], [n for _, n in cases], confidence)
    for (k, n), (low, high) in zip(cases, ours, strict=True):
        ref_low, ref_high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
        assert low == pytest.approx(ref_low, abs=1e-6), (k, n)
        assert high == pytest.approx(ref_high, abs=1e-6), (k, n)


def test_wilson_with_no_denominator_is_empty() -> None:
    [(low, high)] = _wilson([0], [0], 0.95)
    assert math.isnan(low) and math.isnan(high)
    [(low, high)] = _wilson([math.nan], [math.nan], 0.95)
    assert math.isnan(low) and math.isnan(high)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("count", range(10))
def test_exact_poisson_matches_chi_squared(count: int, confidence: float) -> None:
    alpha = 1 - confidence
    low, high = exact_poisson(count, confidence)
    expected_low = 0.0 if count == 0 else chi2.ppf(alpha / 2, 2 * count) / 2
    assert low == pytest.approx(expected_low, abs=1e-6)
    assert high == pytest.approx(chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2, rel=1e-6)


def _byar(counts: list[float], confidence: float = 0.95) -> list[tuple[float, float]]:
    low, high = byar(np.array(counts, dtype=float), confidence)
    return list(zip(low.tolist(), high.tolist(), strict=True))


def test_byar_by_hand_and_close_to_exact_from_ten_events() -> None:
    # O = 40: 40 x (1 - 1/360 - 1.959964 / (3 x sqrt 40))^3 = 28.57; 41 x (1 - 1/369 + 1.959964 / (3 x sqrt 41))^3 = 54.47
    [(low, high)] = _byar([40])
    z = 1.959964
    assert low == pytest.approx(40 * (1 - 1 / 360 - z / (3 * math.sqrt(40))) ** 3)
    assert high == pytest.approx(41 * (1 - 1 / 369 + z / (3 * math.sqrt(41))) ** 3)
    assert (round(low, 2), round(high, 2)) == (28.57, 54.47)
    for count, (low, high) in zip([10, 25, 100, 1000], _byar([10, 25, 100, 1000]), strict=True):
        assert low == pytest.approx(chi2.ppf(0.025, 2 * count) / 2, rel=0.01)
        assert high == pytest.approx(chi2.ppf(0.975, 2 * count + 2) / 2, rel=0.01)


def test_byar_uses_the_exact_interval_below_ten_and_handles_none() -> None:
    rows = _byar([0, 9, math.nan], 0.998)
    assert rows[0] == pytest.approx(exact_poisson(0, 0.998))
    assert rows[1] == pytest.approx(exact_poisson(9, 0.998))
    assert all(math.isnan(v) for v in rows[2])


REPEAT = Range("repeat_rate", "range", 0.28, 0.40, "", "", "e")
LGBT = Range("lgbt", "floor", 0.025, None, "", "", "e")


def _significance(
    rows: list[tuple[float, float, int]], item: Range, local: list[float] | None = None
) -> list[str | None]:
    low, high, cases = (np.array([r[i] for r in rows], dtype=float) for i in range(3))
    return significance(low, high, cases, item, np.array(local, dtype=float) if local else None)


def test_significance_against_a_two_sided_range() -> None:
    assert _significance(
        [
            (0.10, 0.20, 200),  # wholly under 28%
            (0.29, 0.31, 10_000),  # wholly inside
            (0.42, 0.50, 200),  # wholly over 40%
            (0.26, 0.34, 400),  # straddles 28%
            (0.36, 0.45, 400),  # straddles 40%
            (0.20, 0.50, 30),  # straddles both
            (0.10, 0.20, 9),  # fewer than 10 cases, but wholly under 28%: the interval settles it
            (0.00, 0.009, 0),  # 0 cases, an exact interval wholly under the range: clearly below
            (0.20, 0.50, 9),  # fewer than 10 and reaching across a bound: too few to judge
            (0.30, 0.45, 4),  # the same across the upper bound
        ],
        REPEAT,
    ) == [
        "below",
        "within",
        "above",
        "not distinguishable (lower)",
        "not distinguishable (upper)",
        "not distinguishable (lower and upper)",
        "below",
        "below",
        "too few to judge",
        "too few to judge",
    ]


def test_significance_against_a_floor_and_a_local_share() -> None:
    # the domain's example: 3 of 150 LGBT+ is 2.0%, "below" in plain terms, but 0.7%-5.7% straddles 2.5%
    assert _significance([(0.007, 0.057, 150), (0.0, 0.009, 400), (0.03, 0.06, 400)], LGBT) == [
        "not distinguishable (lower)",
        "below",
        "within",
    ]
    local = Range("racially_minoritised", "local_share", None, None, "", "", "e")
    assert _significance([(0.50, 0.60, 300), (0.50, 0.60, 300)], local, local=[0.55, 0.45]) == [
        "not distinguishable (lower)",
        "within",
    ]


def test_metrics_carry_intervals_and_significance() -> None:
    out = {
        r["group_code"]: r
        for r in compute(fx.dataset(), period(date(2021, 3, 31), "12m"), "marac").iter_rows(named=True)
    }
    alpha, gamma = out["MA"], out["MC"]
    # Alpha: 40 cases on 10,000 females over a year: Byar 28.57-54.47 cases -> per 10,000 the same numbers
    assert (round(alpha["cases_per_10k_ci95_low"], 2), round(alpha["cases_per_10k_ci95_high"], 2)) == (28.57, 54.47)
    assert alpha["pct_of_recommended_significance"] == "not distinguishable (lower and upper)"  # 0.71-1.36 of 40
    # Alpha's repeat rate 12/40: Wilson 95% 0.181-0.454, straddling both 28% and 40%
    ref = proportion_confint(12, 40, alpha=0.05, method="wilson")
    assert (alpha["repeat_rate_ci95_low"], alpha["repeat_rate_ci95_high"]) == pytest.approx(ref)
    assert alpha["repeat_rate_significance"] == "not distinguishable (lower and upper)"
    # Gamma: 100 cases against 80 recommended; Byar 81.36-121.66 -> 1.017-1.521 of recommended: above for sure
    assert gamma["pct_of_recommended_ci95_low"] == pytest.approx(chi2.ppf(0.025, 200) / 2 / 80, rel=0.01)
    assert gamma["pct_of_recommended_significance"] == "above"
    assert gamma["police_share_ci998_low"] < gamma["police_share_ci95_low"] < gamma["police_share"]
    assert out["MD"]["repeat_rate_ci95_low"] is None and out["MD"]["pct_of_recommended_significance"] is None
