"""Rolling 12-month series (metrics/rolling.py) and the lockdown events shaded on trend charts.

Figures worked by hand from tests/helpers/metrics.py (its docstring has the meetings): quarters
2020-01-01 (BEFORE) to 2021-04-01 (AFTER); Alpha has 10,000 adult females, so a quarter's
recommended volume is 40 x 10,000 / 10,000 x 1/4 = 10 cases.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from loaders import store
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import GROUPINGS, compute, quarterly
from metrics.periods import period
from metrics.rolling import rolling_year
from tests.helpers import metrics as fx

PER_10K = 40.0  # data/reference/safelives_ranges.csv, recommended_cases_per_10k
VALUES = [*(i.value for i in INDICATORS), "cases_per_10k"]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return fx.dataset()


def cell(frame: pl.DataFrame, group: str, quarter: date, column: str):
    row = frame.filter((pl.col("group_code") == group) & (pl.col("quarter_start") == quarter))
    assert row.height == 1
    return row[column][0]


def test_recommended_figure_is_the_reference_one(data) -> None:
    assert data.ranges.value("recommended_cases_per_10k") == PER_10K


def test_adds_a_12m_column_per_indicator_and_keeps_the_rows(data) -> None:
    q = quarterly(data, "marac")
    out = rolling_year(q, PER_10K)
    assert out.height == q.height == 24  # 4 MARACs x 6 quarters
    assert out.select(q.columns).equals(q)  # same rows, same order, untouched
    assert [c for c in out.columns if c not in q.columns] == [
        "quarters_in_12m",
        "quarters_with_data_12m",
        *(f"{v}_12m" for v in VALUES),
    ]


def test_year_to_march_2021_is_summed_not_averaged(data) -> None:
    out = rolling_year(quarterly(data, "marac"), PER_10K)
    q4 = date(2021, 1, 1)  # the 12 months ending 31 March 2021
    # Alpha: 12 + 8 + 10 + 10 = 40 cases, 4 + 2 + 3 + 3 = 12 repeats -> 12 / 40 = 0.30.
    # The mean of the quarterly rates (4/12 + 2/8 + 3/10 + 3/10) / 4 = 0.2958 would be wrong.
    assert cell(out, "MA", q4, "repeat_rate_12m") == pytest.approx(0.30)
    assert cell(out, "MA", q4, "quarters_in_12m") == 4
    # volume: 40 cases against 4 x 10 = 40 recommended -> 1.0; 40 / (4 x 2,500 population-years) x 10,000 = 40
    assert cell(out, "MA", q4, "pct_of_recommended_12m") == pytest.approx(1.0)
    assert cell(out, "MA", q4, "cases_per_10k_12m") == pytest.approx(40.0)
    # police 26.5 of 40 referrals; racially minoritised 8 of 40 (all in the first quarter)
    assert cell(out, "MA", q4, "police_share_12m") == pytest.approx(26.5 / 40)
    assert cell(out, "MA", q4, "share_racially_minoritised_12m") == pytest.approx(0.20)
    # Beta: 3 of 4 quarters returned; 20,000 females -> 20 recommended a quarter; 64 / 60 = 1.067 and
    # 64 / 15,000 population-years x 10,000 = 42.67 (the missing quarter lowers neither)
    assert cell(out, "MB", q4, "quarters_in_12m") == 3
    assert cell(out, "MB", q4, "pct_of_recommended_12m") == pytest.approx(64 / 60)
    assert cell(out, "MB", q4, "cases_per_10k_12m") == pytest.approx(64 / 15_000 * 10_000)
    assert cell(out, "MB", q4, "repeat_rate_12m") == pytest.approx(16 / 64)


def test_year_to_december_2020_includes_the_march_2020_meeting(data) -> None:
    out = rolling_year(quarterly(data, "marac"), PER_10K)
    q3 = date(2020, 10, 1)  # 12 months ending 31 December 2020: quarters Jan-Mar 2020 .. Oct-Dec 2020
    # Alpha: 50 + 12 + 8 + 10 = 80 cases, 50 + 4 + 2 + 3 = 59 repeats, police 50 + 8.5 + 5 + 6.5 = 70 of 80
    assert cell(out, "MA", q3, "repeat_rate_12m") == pytest.approx(59 / 80)
    assert cell(out, "MA", q3, "police_share_12m") == pytest.approx(70 / 80)
    assert cell(out, "MA", q3, "pct_of_recommended_12m") == pytest.approx(2.0)  # 80 / 40
    # Delta: only 31 March 2020 (30 cases) in that year: one quarter of 10,000 females = 2,500 population-years
    # -> 30 / 2,500 x 10,000 = 120 per 10,000, against 10 recommended = 3.0
    assert cell(out, "MD", q3, "quarters_in_12m") == 1
    assert cell(out, "MD", q3, "cases_per_10k_12m") == pytest.approx(120.0)
    assert cell(out, "MD", q3, "pct_of_recommended_12m") == pytest.approx(3.0)
    # Delta in the year to March 2021 sent nothing: no figure, not zero
    assert cell(out, "MD", date(2021, 1, 1), "quarters_in_12m") == 0
    assert cell(out, "MD", date(2021, 1, 1), "cases_per_10k_12m") is None
    assert cell(out, "MD", date(2021, 1, 1), "repeat_rate_12m") is None


def test_null_until_four_quarters_are_in_the_frame(data) -> None:
    out = rolling_year(quarterly(data, "marac"), PER_10K)
    for quarter in (date(2020, 1, 1), date(2020, 4, 1), date(2020, 7, 1)):  # the frame starts in January 2020
        assert cell(out, "MA", quarter, "repeat_rate_12m") is None
        assert cell(out, "MA", quarter, "cases_per_10k_12m") is None
    assert cell(out, "MA", date(2020, 7, 1), "quarters_in_12m") == 3  # Jan, Apr, Jul 2020: three of four
    # a quarter missing from the frame (here: taken out) voids every window that reaches over it
    gap = quarterly(data, "marac").filter(
        ~((pl.col("group_code") == "MA") & (pl.col("quarter_start") == date(2020, 7, 1)))
    )
    holed = rolling_year(gap, PER_10K)
    for quarter in (date(2020, 10, 1), date(2021, 1, 1), date(2021, 4, 1)):
        assert cell(holed, "MA", quarter, "repeat_rate_12m") is None
    assert cell(holed, "MC", date(2021, 1, 1), "repeat_rate_12m") == pytest.approx(45 / 100)  # other groups unaffected


@pytest.mark.parametrize("grouping", list(GROUPINGS))
def test_12m_to_march_2021_equals_compute(data, grouping: str) -> None:
    rolled = rolling_year(quarterly(data, grouping), data.ranges.value("recommended_cases_per_10k"))
    at = rolled.filter(pl.col("quarter_start") == date(2021, 1, 1))
    year = compute(data, period(date(2021, 3, 31), "12m"), grouping)
    joined = at.select("group_code", *(f"{v}_12m" for v in VALUES)).join(
        year.select("group_code", *VALUES), on="group_code"
    )
    assert joined.height == year.height
    for value in VALUES:
        for row in joined.select("group_code", f"{value}_12m", value).iter_rows():
            code, rolling, direct = row
            assert (rolling is None) == (direct is None), (grouping, code, value)
            if direct is not None:
                assert rolling == pytest.approx(direct, rel=1e-12), (grouping, code, value)


def test_empty_frame_passes_through() -> None:
    assert rolling_year(pl.DataFrame(), PER_10K).is_empty()


# --------------------------------------------------------------------------- events


def test_lockdowns_reach_the_dataset_typed_and_sorted(fixture_db: Path) -> None:
    events = Dataset.from_tables(store.read_tables(fixture_db)).events
    assert events.columns == ["event", "label", "start", "end", "source"]
    assert events.schema["start"] == pl.Date and events.schema["end"] == pl.Date
    rows = {r["event"]: (r["start"], r["end"]) for r in events.iter_rows(named=True)}
    assert rows == {
        "lockdown_1": (date(2020, 3, 23), date(2020, 6, 1)),  # stay-at-home order to the end of the rule
        "lockdown_2": (date(2020, 11, 5), date(2020, 12, 2)),
        "lockdown_3": (date(2021, 1, 6), date(2021, 3, 29)),
        "lockdown_period_2020_21": (date(2020, 3, 23), date(2021, 3, 29)),
    }
    assert events["event"].to_list() == sorted(events["event"].to_list())
    assert events["source"].str.len_chars().min() > 0
    lockdowns = events.filter(pl.col("event") != "lockdown_period_2020_21")
    # the overall period runs from the first lockdown's start to the third's end
    assert (lockdowns["start"].min(), lockdowns["end"].max()) == rows["lockdown_period_2020_21"]


def test_a_missing_count_leaves_its_years_blank_not_understated(data) -> None:
    # Alpha's Jan-Mar 2020 repeat count (50 of 50 cases) missing (null) in a quarter with returns. Summing round it would
    # give the year to December 2020 (4 + 2 + 3) / 80 = 11% instead of 59 / 80 = 74%, so that year is blank instead
    q = quarterly(data, "marac")
    hidden = q.with_columns(
        pl.when((pl.col("group_code") == "MA") & (pl.col("quarter_start") == date(2020, 1, 1)))
        .then(None)
        .otherwise(pl.col("repeat_cases"))
        .alias("repeat_cases")
    )
    out = rolling_year(hidden, PER_10K)
    assert cell(out, "MA", date(2020, 10, 1), "repeat_rate_12m") is None
    # figures that do not need the repeat count keep their year: police 50 + 8.5 + 5 + 6.5 = 70 of 80 referrals
    assert cell(out, "MA", date(2020, 10, 1), "police_share_12m") == pytest.approx(70 / 80)
    assert cell(out, "MA", date(2021, 1, 1), "repeat_rate_12m") == pytest.approx(
        12 / 40
    )  # the year to March 2021 is clear of it
    assert cell(out, "MB", date(2020, 10, 1), "repeat_rate_12m") == cell(
        rolling_year(q, PER_10K), "MB", date(2020, 10, 1), "repeat_rate_12m"
    )


def test_each_12_months_carries_the_marac_quarters_it_rests_on(data) -> None:
    """`quarters_in_12m` counts quarters in which ANY of a group's MARACs reported, so a group reads 4 of 4 with
    MARAC-quarters missing; `quarters_with_data_12m` counts the MARAC-quarters themselves."""
    q4 = date(2021, 1, 1)  # the 12 months to March 2021
    maracs = rolling_year(quarterly(data, "marac"), PER_10K)
    # Alpha one meeting every quarter (4), Beta none in Q3 (3), Gamma every quarter (4), Delta none in the year (0)
    assert [cell(maracs, code, q4, "quarters_with_data_12m") for code in ("MA", "MB", "MC", "MD")] == [4, 3, 4, 0]
    by_bcu = rolling_year(quarterly(data, "sub_area"), PER_10K)
    # BCU-N1 is Alpha + Beta: some MARAC reported in all 4 quarters, but 4 + 3 = 7 of 2 x 4 = 8 MARAC-quarters
    assert cell(by_bcu, "BCU-N1", q4, "quarters_in_12m") == 4
    assert cell(by_bcu, "BCU-N1", q4, "quarters_with_data_12m") == 7
    assert cell(by_bcu, "BCU-N1", q4, "maracs_in_group") == 2
    everyone = rolling_year(quarterly(data, "all"), PER_10K)
    # 4 + 3 + 4 + 0 = 11 of 4 x 4 = 16
    assert (cell(everyone, "ALL", q4, "quarters_in_12m"), cell(everyone, "ALL", q4, "quarters_with_data_12m")) == (
        4,
        11,
    )
    # the 12 months to December 2020 reach back to January 2020, before the first quarter held but one: no
    # figure and so no coverage before four quarters are in the frame
    first = maracs["quarter_start"].min()
    assert cell(maracs, "MA", first, "quarters_with_data_12m") is None
