"""Missing quarters under SafeLives' rule against population-time (metrics/missing_quarters.py).

The MARACs and populations are those of tests/helpers/metrics.py (Alpha 10,000, Beta 20,000, Gamma 20,000, Delta
10,000 adult females); the meetings are this module's own. The 12 months to 31 March 2021 are Q1..Q4 of 2020-21;
the year earlier is 2019-20 (P1..P4, P4 being the quarter just before Q1):

    MARAC   P1   P2   P3   P4 | Q1   Q2   Q3   Q4
    Alpha   10   -    10   10 | 12   8    -    10     (Q2: meetings of 5 and 3 cases)
    Beta    -    -    -    -  | 20   -    -    24
    Gamma   -    -    -    30 | -    25   25   25
    Delta   -    -    -    -  | nil  5    5    5      (nil: returned as "no meetings this quarter")
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from metrics import missing_quarters as mq
from metrics.dataset import Dataset
from metrics.periods import period
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")
P1, P2, P3, P4 = date(2019, 4, 1), date(2019, 7, 1), date(2019, 10, 1), date(2020, 1, 1)
Q1, Q2, Q3, Q4 = fx.Q1, fx.Q2, fx.Q3, fx.Q4


def _row(code: str, quarter: date, day: date, cases: int) -> dict:
    return fx._meeting(code, quarter, day, cases, referrals={"police": cases})


MEETINGS = [
    _row("MA", P1, date(2019, 5, 1), 10),
    _row("MA", P3, date(2019, 11, 1), 10),
    _row("MA", P4, date(2020, 2, 1), 10),
    _row("MA", Q1, date(2020, 5, 14), 12),
    _row("MA", Q2, date(2020, 7, 15), 5),
    _row("MA", Q2, date(2020, 9, 30), 3),
    _row("MA", Q4, date(2021, 3, 31), 10),
    _row("MB", Q1, date(2020, 6, 10), 20),
    _row("MB", Q4, date(2021, 2, 10), 24),
    _row("MC", P4, date(2020, 3, 31), 30),
    *(_row("MC", q, day, 25) for q, day in ((Q2, date(2020, 8, 1)), (Q3, date(2020, 11, 1)), (Q4, date(2021, 2, 1)))),
    *(_row("MD", q, day, 5) for q, day in ((Q2, date(2020, 8, 2)), (Q3, date(2020, 11, 2)), (Q4, date(2021, 2, 2)))),
]


def _dataset(meetings: list[dict], nil: list[tuple[str, date]]) -> Dataset:
    tables = fx.tables()
    frame = pl.DataFrame(
        [{"load_id": 1, "source_row": i + 2, **row} for i, row in enumerate(meetings)],
        schema_overrides={
            **{c: pl.Int64 for c in fx.COUNT_COLUMNS},
            **{c: pl.Float64 for c in fx.REFERRAL_COLUMNS},
            "quarter_start": pl.Date,
            "meeting_date": pl.Date,
        },
    ).select(tables["meeting"].columns)
    dataset = Dataset.from_tables({**tables, "meeting": frame})
    return replace(dataset, nil_quarters=pl.DataFrame(nil, schema=mq.NIL_SCHEMA, orient="row"))


@pytest.fixture(scope="module")
def data() -> Dataset:
    return _dataset(MEETINGS, [("MD", Q1)])


def _by_group(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["group_code"]: r for r in frame.iter_rows(named=True)}


@pytest.fixture(scope="module")
def safelives(data) -> dict[str, dict]:
    return _by_group(mq.compute(data, YEAR, "marac", mq.SAFELIVES))


@pytest.fixture(scope="module")
def population_time(data) -> dict[str, dict]:
    return _by_group(mq.compute(data, YEAR, "marac"))


def test_a_missing_quarter_takes_the_previous_quarters_counts_and_the_whole_years_population(
    safelives, population_time
):
    alpha = safelives["MA"]
    # Q3 takes Q2's 5 + 3 = 8: 12 + 8 + 8 + 10 = 38 cases over 10,000 for the whole year = 38.0 per 10,000,
    # 95% of the recommended 40
    assert (alpha["cases"], alpha["quarters_with_data"], alpha["quarters_filled"]) == (38, 4, 1)
    assert alpha["cases_per_10k"] == pytest.approx(38.0)
    assert alpha["pct_of_recommended"] == pytest.approx(0.95)
    # population-time: 30 cases over three quarters of 10,000 = 7,500 population-years -> 40.0 per 10,000
    before = population_time["MA"]
    assert (before["cases"], before["quarters_with_data"], before["quarters_filled"]) == (30, 3, 0)
    assert before["cases_per_10k"] == pytest.approx(40.0)
    assert {alpha["missing_quarters_method"], before["missing_quarters_method"]} == {"safelives", "population_time"}


def test_two_missing_quarters_in_a_row_leave_the_marac_out(safelives, population_time):
    beta = safelives["MB"]
    # Q2 and Q3 both missing: no figures at all, and the row says it was left out
    assert (beta["cases"], beta["cases_per_10k"], beta["maracs_reporting"], beta["maracs_left_out"]) == (
        None,
        None,
        0,
        1,
    )
    # population-time keeps it: 20 + 24 = 44 cases over half a year of 20,000 = 10,000 -> 44.0 per 10,000
    assert population_time["MB"]["cases"] == 44
    assert population_time["MB"]["cases_per_10k"] == pytest.approx(44.0)


def test_the_windows_first_quarter_takes_the_quarter_before_the_window(safelives, population_time):
    gamma = safelives["MC"]
    # Q1 takes P4's 30: 30 + 25 + 25 + 25 = 105 over 20,000 for the year = 52.5 per 10,000
    assert (gamma["cases"], gamma["quarters_filled"]) == (105, 1)
    assert gamma["cases_per_10k"] == pytest.approx(52.5)
    # population-time: 75 over 15,000 population-years = 50.0 per 10,000
    assert population_time["MC"]["cases_per_10k"] == pytest.approx(50.0)


def test_a_nil_return_counts_as_returned_not_filled(safelives, population_time):
    delta = safelives["MD"]
    # Q1 returned as "no meetings": 0 + 5 + 5 + 5 = 15 over 10,000 = 15.0 per 10,000 under either method
    assert (delta["cases"], delta["quarters_with_data"], delta["quarters_filled"]) == (15, 4, 0)
    assert delta["cases_per_10k"] == pytest.approx(15.0)
    assert population_time["MD"]["cases_per_10k"] == pytest.approx(15.0)


def test_a_quarter_after_a_nil_return_is_filled_as_a_nil_return():
    # Delta returned Q3 as "no meetings" and nothing for Q4: Q4 alone, filled from Q3, is 0 cases over a quarter's
    # population-time, a rate of 0 rather than no figure
    data = _dataset([_row("MD", Q2, date(2020, 8, 2), 5)], [("MD", Q3)])
    quarter = period(date(2021, 3, 31), "quarter")
    delta = _by_group(mq.compute(data, quarter, "marac", mq.SAFELIVES))["MD"]
    assert (delta["cases"], delta["quarters_with_data"], delta["quarters_filled"]) == (0, 1, 1)
    assert delta["cases_per_10k"] == 0.0
    # population-time: Q4 was not returned, so there is no figure
    assert _by_group(mq.compute(data, quarter, "marac"))["MD"]["cases"] is None


def test_the_year_earlier_window_is_filled_too(safelives, population_time):
    # Alpha 2019-20: P2 takes P1's 10, so 40 cases against population-time's 30
    assert (safelives["MA"]["cases_previous"], population_time["MA"]["cases_previous"]) == (40, 30)
    # Gamma 2019-20 returned only P4, so P1..P3 are gaps in a row: left out of the year earlier (no change shown),
    # where population-time compares with P4's 30
    assert (safelives["MC"]["cases_previous"], population_time["MC"]["cases_previous"]) == (None, 30)


def test_groups_add_the_filled_counts_and_say_how_many_quarters_were_filled(data):
    regions = _by_group(mq.compute(data, YEAR, "region", mq.SAFELIVES))
    # North: Alpha's 38 only (Beta left out) over 10,000 -> 38.0; South: 105 + 15 = 120 over 30,000 -> 40.0
    north, south = regions["North"], regions["South"]
    assert (north["cases"], north["quarters_filled"], north["maracs_left_out"], north["maracs_reporting"]) == (
        38,
        1,
        1,
        1,
    )
    assert north["cases_per_10k"] == pytest.approx(38.0)
    assert (south["cases"], south["quarters_filled"], south["maracs_left_out"]) == (120, 1, 0)
    assert south["cases_per_10k"] == pytest.approx(40.0)
    every = _by_group(mq.compute(data, YEAR, "all", mq.SAFELIVES))["ALL"]
    # 38 + 105 + 15 = 158 cases; Alpha's Q3 and Gamma's Q1 filled; Beta left out
    assert (every["cases"], every["quarters_filled"], every["maracs_left_out"]) == (158, 2, 1)


def test_filled_rows_are_the_previous_quarters_moved_into_the_filled_quarter(data):
    filled = mq.fill(data, YEAR)
    assert filled.filled.sort("marac_code").rows() == [("MA", Q3, Q2), ("MC", Q1, P4)]
    assert filled.left_out == ("MB",)
    alpha_q3 = filled.dataset.meetings.filter((pl.col("marac_code") == "MA") & (pl.col("quarter_start") == Q3))
    # 15 July and 30 September move three months on, to 15 October and 30 December: inside Q3
    assert alpha_q3.select("meeting_date", "cases_discussed").rows() == [
        (date(2020, 10, 15), 5),
        (date(2020, 12, 30), 3),
    ]
    assert filled.dataset.missing_quarters_method == "safelives"
    # Beta's rows of the window are gone; the returned dataset itself is untouched
    assert filled.dataset.meetings.filter(pl.col("marac_code") == "MB").is_empty()
    assert data.meetings.height == len(MEETINGS)


def test_the_datasets_own_method_is_used_when_none_is_given(data):
    chosen = replace(data, missing_quarters_method=mq.SAFELIVES)
    assert _by_group(mq.compute(chosen, YEAR))["MA"]["cases"] == 38


def test_an_unknown_method_is_refused_naming_the_methods(data):
    with pytest.raises(ValueError, match='missing-quarters method "carry" is not one of population_time, safelives'):
        mq.compute(data, YEAR, "marac", "carry")


def test_the_quarterly_series_fills_each_quarter_from_the_one_before(data):
    series = mq.quarterly(data, "marac", method=mq.SAFELIVES)
    cases = {(r["group_code"], r["quarter_start"]): r["cases"] for r in series.iter_rows(named=True)}
    # each quarter is a one-quarter window: Alpha's Q3 takes Q2's 8 and P2 takes P1's 10; Beta's Q2 takes Q1's 20
    # but Q3, the second gap in a row, has no figure; Gamma's Q1 takes P4's 30
    assert (cases["MA", Q3], cases["MA", P2], cases["MB", Q2], cases["MB", Q3], cases["MC", Q1]) == (
        8,
        10,
        20,
        None,
        30,
    )
    # population-time leaves every gap empty
    held = {
        (r["group_code"], r["quarter_start"]): r["cases"] for r in mq.quarterly(data, "marac").iter_rows(named=True)
    }
    assert (held["MA", Q3], held["MB", Q2], held["MC", Q1]) == (None, None, None)


def test_the_rolling_year_under_safelives_rule_matches_the_periods_figures(data):
    frame = mq.rolling(data, "marac", 40, mq.SAFELIVES)
    to_march = {r["group_code"]: r for r in frame.filter(pl.col("quarter_start") == Q4).iter_rows(named=True)}
    # the 12 months to March 2021 as the period's own figures: Alpha 38.0 and Gamma 52.5 per 10,000; Beta left out,
    # where summing its filled quarters (20 + 20 + 24 over three quarters) would have given a figure
    assert to_march["MA"]["cases_per_10k_12m"] == pytest.approx(38.0)
    assert to_march["MC"]["cases_per_10k_12m"] == pytest.approx(52.5)
    assert to_march["MB"]["cases_per_10k_12m"] is None
    # population-time: Alpha 30 over 7,500 population-years = 40.0, Beta 44 over 10,000 = 44.0
    plain = {
        r["group_code"]: r
        for r in mq.rolling(data, "marac", 40).filter(pl.col("quarter_start") == Q4).iter_rows(named=True)
    }
    assert (plain["MA"]["cases_per_10k_12m"], plain["MB"]["cases_per_10k_12m"]) == pytest.approx((40.0, 44.0))


def test_each_financial_year_is_filled_on_its_own_for_reconciling_with_safelives(data):
    held = mq.by_financial_year(data)
    cases = {
        (code, year): total
        for code, year, total in held.meetings.with_columns(
            pl.when(pl.col("quarter_start") >= Q1).then(pl.lit("2020-21")).otherwise(pl.lit("2019-20")).alias("fy")
        )
        .group_by("marac_code", "fy")
        .agg(pl.col("cases_discussed").sum())
        .iter_rows()
    }
    # Alpha: 2019-20 10 + 10 (P2 from P1) + 10 + 10 = 40; 2020-21 38 as in the period's figures
    assert (cases["MA", "2019-20"], cases["MA", "2020-21"]) == (40, 38)
    # Gamma: 2019-20 left out (P1..P3 missing in a row); 2020-21 105, its Q1 from 2019-20's last quarter as returned
    assert ("MC", "2019-20") not in cases and cases["MC", "2020-21"] == 105
    # Beta left out of 2020-21; Delta's 15 with its nil Q1 still held as a nil return
    assert ("MB", "2020-21") not in cases and cases["MD", "2020-21"] == 15
    assert held.nil_quarters.rows() == [("MD", Q1)]


def test_each_rolling_12_months_says_what_it_rests_on_under_either_method(data):
    """The 12 months to March 2021 (Q1..Q4): Alpha returned 3 (Q3 missing), Beta 2, Gamma 3 (Q1 missing) and Delta 4,
    its Q1 a nil return, which counts as returned."""
    plain = {
        r["group_code"]: r for r in mq.rolling(data, "marac", 40).filter(pl.col("quarter_start") == Q4).rows(named=True)
    }
    assert [plain[c]["quarters_with_data_12m"] for c in ("MA", "MB", "MC", "MD")] == [3, 2, 3, 4]
    assert {r["missing_quarters_method"] for r in plain.values()} == {mq.POPULATION_TIME}
    everyone = mq.rolling(data, "all", 40).filter(pl.col("quarter_start") == Q4).row(0, named=True)
    # 3 + 2 + 3 + 4 = 12 of 4 MARACs x 4 quarters = 16, though some MARAC reported in every quarter
    assert (everyone["quarters_in_12m"], everyone["quarters_with_data_12m"], everyone["maracs_in_group"]) == (4, 12, 4)
    # SafeLives' rule, from each window's own figures: Alpha's Q3 and Gamma's Q1 filled (4 with data each, 1 filled),
    # Beta left out (Q2 and Q3 missing in a row: nothing counted), Delta as returned
    filled = {
        r["group_code"]: r
        for r in mq.rolling(data, "marac", 40, mq.SAFELIVES).filter(pl.col("quarter_start") == Q4).rows(named=True)
    }
    assert [
        (filled[c]["quarters_with_data_12m"], filled[c]["quarters_filled_12m"], filled[c]["maracs_left_out_12m"])
        for c in ("MA", "MB", "MC", "MD")
    ] == [(4, 1, 0), (0, 0, 1), (4, 1, 0), (4, 0, 0)]
    group = mq.rolling(data, "all", 40, mq.SAFELIVES).filter(pl.col("quarter_start") == Q4).row(0, named=True)
    # 4 + 0 + 4 + 4 = 12 with data, 2 of them filled, 1 MARAC left out
    assert (group["quarters_with_data_12m"], group["quarters_filled_12m"], group["maracs_left_out_12m"]) == (12, 2, 1)
    assert group["missing_quarters_method"] == mq.SAFELIVES
