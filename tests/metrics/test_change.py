"""Change on a year earlier: rate ratios and repeat-rate differences, against statsmodels."""

from __future__ import annotations

from datetime import date

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.rates import confint_poisson_2indep

from metrics.indicators import compute
from metrics.periods import period, year_earlier
from tests.helpers import metrics as fx


def test_year_earlier_keeps_the_window() -> None:
    earlier = year_earlier(period(date(2021, 3, 31), "12m"))
    assert (earlier.start, earlier.end, earlier.window) == (date(2019, 4, 1), date(2020, 3, 31), "12m")


def test_change_on_the_quarter_a_year_earlier() -> None:
    # Alpha, January-March 2021 against January-March 2020: 10 cases (3 repeats) against 50 (50 repeats),
    # same population and length, so the rate ratio is 10 / 50 = 0.2
    out = {
        r["group_code"]: r
        for r in compute(fx.dataset(), period(date(2021, 3, 31), "quarter"), "marac").iter_rows(named=True)
    }
    alpha = out["MA"]
    assert (alpha["cases"], alpha["cases_previous"]) == (10, 50)
    assert alpha["volume_rate_ratio"] == pytest.approx(0.2)
    low, high = confint_poisson_2indep(10, 1.0, 50, 1.0, method="wald-log", compare="ratio")
    assert (alpha["volume_rate_ratio_ci95_low"], alpha["volume_rate_ratio_ci95_high"]) == pytest.approx((low, high))
    assert alpha["volume_change_significant"] is True
    # repeat rate 3/10 against 50/50: difference -0.7, Newcombe's interval
    assert alpha["repeat_rate_change"] == pytest.approx(0.3 - 1.0)
    low, high = confint_proportions_2indep(3, 10, 50, 50, method="newcomb", compare="diff")
    assert (alpha["repeat_rate_change_ci95_low"], alpha["repeat_rate_change_ci95_high"]) == pytest.approx(
        (low, high), abs=1e-6
    )
    assert alpha["repeat_rate_change_significant"] is True
    # Gamma held nothing a year earlier: no change to report, not a change of infinity
    assert out["MC"]["cases_previous"] is None and out["MC"]["volume_rate_ratio"] is None
    assert out["MC"]["volume_change_significant"] is None


def test_what_the_year_earlier_rests_on_travels_with_the_change() -> None:
    # 12 months to March 2021 against 2019-20: Alpha returned all 4 quarters now, but only January-March 2020 (its
    # meeting of 31 March 2020) a year earlier: 1 of 4 quarters, a quarter of its population-time
    out = {
        r["group_code"]: r
        for r in compute(fx.dataset(), period(date(2021, 3, 31), "12m"), "marac").iter_rows(named=True)
    }
    alpha = out["MA"]
    assert (alpha["quarters_with_data"], alpha["quarters_with_data_previous"]) == (4, 1)
    assert (alpha["volume_coverage"], alpha["volume_coverage_previous"]) == pytest.approx((1.0, 0.25))
    # 50 cases over 10,000 x 1/4 = 2,500 population-years = 200.0 per 10,000, against 40 / 10,000 now = 40.0
    assert (alpha["cases_per_10k_previous"], alpha["cases_per_10k"]) == pytest.approx((200.0, 40.0))
    # Beta returned nothing in 2019-20: nothing held, no population-time covered
    assert (out["MB"]["quarters_with_data_previous"], out["MB"]["volume_coverage_previous"]) == (0, 0.0)
