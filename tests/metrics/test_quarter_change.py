"""What changed since last quarter, worked by hand on the dated two-MARAC database of
`tests.helpers.quarter_change_db` (its docstring has the counts). Chosen period: the quarter January to March 2021.

Volume, Hackney: population-time 110,780 x 0.25 = 27,695 female-years.
  now 150 / 27,695 x 10,000 = 54.161; previous quarter 100 -> 36.108; a year earlier 120 -> 43.329.
  Against the previous quarter: ratio 1.5; ln-scale half-width 1.959964 x sqrt(1/150 + 1/100) = 0.253030;
  interval 1.5 x exp(-0.253030) = 1.165 to 1.5 x exp(0.253030) = 1.932: beyond chance (leaves out 1).
  Against a year earlier: ratio 150/120 = 1.25; half-width 1.959964 x sqrt(1/150 + 1/120) = 0.240046;
  interval 0.983 to 1.589: includes 1, so chance could explain it.
Male share, Tower Hamlets, 40/150 = 26.667% against 18/150 = 12.000% (the corrected October-December return):
  Wilson (z^2 = 3.841459): 40/150 -> centre (0.266667 + 0.012805) / 1.025610 = 0.272494, half 0.070121 ->
  0.202373 to 0.342615; 18/150 -> centre 0.129488, half 0.052219 -> 0.077269 to 0.181707.
  Newcombe: 0.146667 - sqrt(0.064294^2 + 0.061707^2) = 0.058 to 0.146667 + sqrt(0.075948^2 + 0.042731^2) = 0.234.
Repeat rate, Hackney, 62/150 = 41.333% against 30/100 = 30.000%: difference 0.113, Newcombe -0.009 to 0.227 (chance
  could explain it); against a year earlier 30/120 = 25.000%: 0.163, 0.050 to 0.269 (beyond chance).
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from loaders import store
from metrics.dataset import Dataset
from metrics.indicators import compute
from metrics.periods import Period, period
from metrics.quarter_change import (
    LATE,
    NEW,
    PREVIOUS_QUARTER,
    REPLACED,
    YEAR_EARLIER,
    changes,
    comparison_periods,
    previous_quarter,
    quarter_changes,
    returns_round,
    returns_since,
)
from tests.helpers.quarter_change_db import HACKNEY, TOWER_HAMLETS, quarter_change_db

CHOSEN = period(date(2021, 3, 31), "quarter")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return Dataset.from_tables(store.read_tables(quarter_change_db(tmp_path_factory.mktemp("changes"))))


@pytest.fixture(scope="module")
def ranked(dataset: Dataset) -> pl.DataFrame:
    two = pl.col("group_code").is_in([HACKNEY, TOWER_HAMLETS])
    periods = comparison_periods(CHOSEN)
    current, previous, before = (
        compute(dataset, p, "marac").filter(two) for p in (CHOSEN, periods[PREVIOUS_QUARTER], periods[YEAR_EARLIER])
    )
    return quarter_changes(current, previous, before)


def _row(frame: pl.DataFrame, code: str, indicator: str, comparison: str) -> dict[str, object]:
    return frame.filter(
        (pl.col("group_code") == code) & (pl.col("indicator") == indicator) & (pl.col("comparison") == comparison)
    ).row(0, named=True)


def test_the_previous_quarter_is_the_same_window_one_quarter_earlier() -> None:
    assert previous_quarter(CHOSEN) == Period(date(2020, 10, 1), date(2020, 12, 31), "quarter", 0.25)
    assert previous_quarter(period(date(2021, 3, 31), "12m")) == Period(
        date(2020, 1, 1), date(2020, 12, 31), "12m", 1.0
    )
    # a financial year one quarter earlier is the 12 months to December: the same length
    assert previous_quarter(period(date(2021, 3, 31), "fy")) == Period(date(2020, 1, 1), date(2020, 12, 31), "12m", 1.0)
    assert comparison_periods(CHOSEN)[YEAR_EARLIER] == Period(date(2020, 1, 1), date(2020, 3, 31), "quarter", 0.25)


def test_volume_is_a_ratio_of_rates_with_its_log_scale_interval(ranked: pl.DataFrame) -> None:
    on_quarter = _row(ranked, HACKNEY, "volume", PREVIOUS_QUARTER)
    assert (round(on_quarter["now"], 3), round(on_quarter["then"], 3)) == (54.161, 36.108)
    assert (on_quarter["count_now"], on_quarter["count_then"]) == (150, 100)
    assert [round(on_quarter[c], 3) for c in ("change", "ci95_low", "ci95_high")] == [1.5, 1.165, 1.932]
    assert on_quarter["beyond_chance"] is True
    on_year = _row(ranked, HACKNEY, "volume", YEAR_EARLIER)
    assert round(on_year["then"], 3) == 43.329
    assert [round(on_year[c], 3) for c in ("change", "ci95_low", "ci95_high")] == [1.25, 0.983, 1.589]
    assert on_year["beyond_chance"] is False


def test_shares_are_differences_with_newcombe_s_interval(ranked: pl.DataFrame) -> None:
    male = _row(ranked, TOWER_HAMLETS, "male", PREVIOUS_QUARTER)
    assert [round(male[c], 3) for c in ("now", "then", "change", "ci95_low", "ci95_high")] == [
        0.267,
        0.12,
        0.147,
        0.058,
        0.234,
    ]
    assert male["beyond_chance"] is True
    repeat = _row(ranked, HACKNEY, "repeat_rate", PREVIOUS_QUARTER)
    assert [round(repeat[c], 3) for c in ("change", "ci95_low", "ci95_high")] == [0.113, -0.009, 0.227]
    assert repeat["beyond_chance"] is False
    on_year = _row(ranked, HACKNEY, "repeat_rate", YEAR_EARLIER)
    assert [round(on_year[c], 3) for c in ("then", "change", "ci95_low", "ci95_high")] == [0.25, 0.163, 0.05, 0.269]
    assert on_year["beyond_chance"] is True
    # the corrected return is the one compared: Tower Hamlets' volume is unchanged on the quarter (150 against 150)
    assert _row(ranked, TOWER_HAMLETS, "volume", PREVIOUS_QUARTER)["change"] == 1.0


def test_changes_beyond_chance_come_first_the_clearest_first(ranked: pl.DataFrame) -> None:
    top = ranked.head(4).select("group_code", "indicator", "comparison").rows()
    # how far each lies from no change in half-widths of its 95% interval: Tower Hamlets' male share +0.147 in
    # (0.058, 0.234), 0.147 / 0.088 = 1.670, on both comparisons; Hackney's volume ratio 1.5 in (1.165, 1.932) on the
    # log scale, ln 1.5 / ((ln 1.932 - ln 1.165) / 2) = 1.603; Hackney's repeat rate on the year +0.163 in
    # (0.050, 0.269), 0.163 / 0.1095 = 1.489
    assert top == [
        (TOWER_HAMLETS, "male", PREVIOUS_QUARTER),
        (TOWER_HAMLETS, "male", YEAR_EARLIER),
        (HACKNEY, "volume", PREVIOUS_QUARTER),
        (HACKNEY, "repeat_rate", YEAR_EARLIER),
    ]
    assert [round(x, 1) for x in ranked["size"].head(4)] == [1.7, 1.7, 1.6, 1.5]
    assert ranked["beyond_chance"].head(4).to_list() == [True] * 4
    assert not ranked["beyond_chance"].slice(4).fill_null(False).any()


def test_a_share_leaving_zero_on_few_cases_does_not_outrank_a_large_move() -> None:
    """|ln(now / then)| ranked any share leaving 0% first, and 1% -> 3% above 30% -> 60%: a move is weighed by what it
    rests on. 30% -> 60% of 100 cases against 1 -> 3 of 100 and 0 -> 1 of 100."""
    import numpy as np

    from metrics.quarter_change import _standardised

    d, lo, hi = np.array([0.30, 0.02, 0.01]), np.array([0.16, -0.02, -0.03]), np.array([0.42, 0.07, 0.06])
    sizes = _standardised(d, lo, hi, ratio=False)
    assert [round(x, 3) for x in sizes] == [round(0.30 / 0.13, 3), round(0.02 / 0.045, 3), round(0.01 / 0.045, 3)]
    assert sizes.argmax() == 0
    assert np.isnan(_standardised(np.array([1.0]), np.array([np.nan]), np.array([np.nan]), ratio=True)[0])


def test_a_volume_change_resting_on_too_little_of_a_period_is_not_judged(dataset: Dataset) -> None:
    """Hackney's 12 months to March 2021 hold 2 of 4 quarters (October-December 2020, January-March 2021), and the 12
    months to December 2020 2 of 4 (January-March 2020, October-December 2020): under 3 of 4, so one quarter's
    rate is not set against another's as a year's; its share changes are still judged."""
    year = period(date(2021, 3, 31), "12m")
    hackney = pl.col("group_code") == HACKNEY
    found = changes(
        compute(dataset, year, "marac").filter(hackney),
        compute(dataset, previous_quarter(year), "marac").filter(hackney),
        PREVIOUS_QUARTER,
    )
    volume = found.filter(pl.col("indicator") == "volume").row(0, named=True)
    # (100 + 150) / (110,780 x 0.5) against (120 + 100) / (110,780 x 0.5): 250 / 220 = 1.136
    assert round(volume["change"], 3) == 1.136
    assert volume["judged"] is False and volume["beyond_chance"] is None
    repeat = found.filter(pl.col("indicator") == "repeat_rate").row(0, named=True)
    # 92/250 = 36.8% against 60/220 = 27.3%
    assert repeat["judged"] is True and round(repeat["change"], 3) == 0.095
    # its figures travel with what they rest on: each period 2 of its 4 quarters, beside the figure wherever it is shown
    assert (repeat["quarters_now"], repeat["quarters_then"], repeat["window"]) == (2.0, 2.0, "12m")
    from reporting.change_tables import change_frame

    row = change_frame(found.filter(pl.col("indicator") == "repeat_rate")).iloc[0]
    assert (row["Then"], row["Now"]) == ("27.3% · 2/4 qtrs", "36.8% · 2/4 qtrs")


def test_returns_new_late_and_replaced_in_the_round(dataset: Dataset) -> None:
    held = returns_round(CHOSEN)
    assert (held.since, held.until) == (date(2021, 3, 31), date(2021, 6, 30))
    found = returns_since(dataset.versions, CHOSEN)
    assert found.select("marac_code", "quarter_start", "status", "loaded_at", "loads").rows() == [
        # loaded 20 May 2021 for January-March 2020, whose own round ended 30 June 2020
        (TOWER_HAMLETS, date(2020, 1, 1), LATE, datetime(2021, 5, 20, 9), 1),
        # held since 12 January 2021, corrected on 5 May 2021
        (TOWER_HAMLETS, date(2020, 10, 1), REPLACED, datetime(2021, 5, 5, 9), 1),
        (HACKNEY, date(2021, 1, 1), NEW, datetime(2021, 4, 15, 9), 1),
        (TOWER_HAMLETS, date(2021, 1, 1), NEW, datetime(2021, 4, 10, 9), 1),
    ]  # Hackney's April-June 2021 return, loaded 10 July 2021, is the next round's
    assert found["quarter"].to_list() == ["2019-20 Q4", "2020-21 Q3", "2020-21 Q4", "2020-21 Q4"]
    only = returns_since(dataset.versions, CHOSEN, [HACKNEY])
    assert only.select("marac_code", "status").rows() == [(HACKNEY, NEW)]
    # a quarter earlier, the round is January to March 2021: both October-December returns came in new
    earlier = returns_since(dataset.versions, period(date(2020, 12, 31), "quarter"))
    assert earlier.select("marac_code", "quarter_start", "status").rows() == [
        (HACKNEY, date(2020, 10, 1), NEW),
        (TOWER_HAMLETS, date(2020, 10, 1), NEW),
    ]
