"""What each rolling 12 months on a trend rests on, beside the figure: the sentence, the table and the hovers.

Frames as `metrics.missing_quarters.rolling` writes them: `quarters_with_data_12m` MARAC-quarters returned in the 12
months to each quarter (a nil return counted), of `maracs_in_group` x 4.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import findings, rolling_coverage, tables, trend_charts

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "e")
QUARTERS = [date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]
SEPT_2024, SEPT_2025 = QUARTERS[0], QUARTERS[-1]


def hackney() -> pl.DataFrame:
    """A MARAC: 12 months to September 2024 on 3 of 4 quarters, to September 2025 on 2 of 4."""
    return pl.DataFrame(
        {
            "quarter_start": QUARTERS,
            "repeat_rate": [0.25, 0.30, None, None, 0.26],
            "repeat_rate_12m": [0.259, 0.27, 0.28, 0.28, 0.273],
            "quarters_with_data": [1, 1, 0, 0, 1],
            "maracs_in_group": [1] * 5,
            "quarters_with_data_12m": [3, 4, 3, 2, 2],
            "missing_quarters_method": ["population_time"] * 5,
        }
    )


def london() -> pl.DataFrame:
    """A group of 32 MARACs: 128 MARAC-quarters in 12 months; 120 returned to September 2025, all to September 2024."""
    return pl.DataFrame(
        {
            "quarter_start": QUARTERS,
            "repeat_rate": [0.30, 0.31, 0.32, 0.30, 0.29],
            "repeat_rate_12m": [0.30, 0.305, 0.31, 0.31, 0.305],
            "quarters_with_data": [32, 32, 32, 30, 26],
            "maracs_in_group": [32] * 5,
            "quarters_with_data_12m": [128, 128, 128, 126, 120],
        }
    )


def complete() -> pl.DataFrame:
    return london().with_columns(pl.lit(32).alias("quarters_with_data"), pl.lit(128).alias("quarters_with_data_12m"))


def test_the_trend_sentence_says_what_each_12_months_rests_on() -> None:
    sentence = findings.trend(
        {"Hackney": hackney(), "London": london()}, REPEAT, None, last_quarter=SEPT_2025, national=None
    )
    # Hackney: 2 of 4 quarters now, 3 of 4 a year earlier; London: 120 of 32 x 4 = 128 now, all 128 a year earlier
    assert sentence == (
        "Hackney: 27.3% in the 12 months to September 2025 (2 of 4 quarters returned), against 25.9% a year earlier "
        "(3 of 4 quarters returned). London: 30.5% in the 12 months to September 2025 (120 of 128 MARAC-quarters "
        "returned), against 30.0% a year earlier."
    )


def test_the_trend_sentence_is_unchanged_when_every_quarter_was_returned() -> None:
    with_coverage = findings.trend({"London": complete()}, REPEAT, None, last_quarter=SEPT_2025)
    without = findings.trend(
        {"London": complete().drop("quarters_with_data", "quarters_with_data_12m", "maracs_in_group")},
        REPEAT,
        None,
        last_quarter=SEPT_2025,
    )
    assert with_coverage == without == "London: 30.5% in the 12 months to September 2025, against 30.0% a year earlier."


def test_the_trend_table_has_a_coverage_column_only_for_a_series_with_gaps() -> None:
    table = tables.trend_table({"Hackney": hackney(), "London": complete()}, REPEAT)
    assert list(table.columns) == [
        "Quarter",
        "Hackney, 12 months %",
        "Hackney, 12 months: quarters returned",
        "Hackney, quarter %",
        "London, 12 months %",
        "London, quarter %",
    ]
    # newest first: 2 (Sep 2025), 2, 3, 4 (Dec 2024: complete), 3 of 4
    assert table["Hackney, 12 months: quarters returned"].tolist() == [
        "2 of 4 quarters returned",
        "2 of 4 quarters returned",
        "3 of 4 quarters returned",
        "all 4 quarters",
        "3 of 4 quarters returned",
    ]
    grouped = tables.trend_table({"London": london()}, REPEAT)
    assert grouped["London, 12 months: quarters returned"].tolist()[:2] == [
        "120 of 128 MARAC-quarters returned",
        "126 of 128 MARAC-quarters returned",
    ]
    # a complete series' table is as it was before coverage travelled
    plain = complete().drop("quarters_with_data", "quarters_with_data_12m", "maracs_in_group")
    assert tables.trend_table({"London": complete()}, REPEAT).equals(tables.trend_table({"London": plain}, REPEAT))


def test_the_trend_hovers_say_what_each_point_rests_on() -> None:
    fig = trend_charts.trend_lines(
        {"Hackney": hackney(), "London": complete()}, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="x"
    )
    traces = {t.name: t for t in fig.data}
    twelve = traces["Hackney, 12 months"]
    assert twelve.hovertemplate == "Hackney, 12 months to the end of %{x}: %{y:.1%}%{customdata}<extra></extra>"
    assert list(twelve.customdata) == [
        " (3 of 4 quarters returned)",
        "",
        " (3 of 4 quarters returned)",
        " (2 of 4 quarters returned)",
        " (2 of 4 quarters returned)",
    ]
    # a MARAC's quarter has a figure only when returned: nothing to add
    assert traces["Hackney, each quarter"].hovertemplate == "Hackney, %{x}: %{y:.1%}<extra></extra>"
    # complete throughout: the hover as before, with no custom data
    london_12m = traces["London, 12 months"]
    assert london_12m.hovertemplate == "London, 12 months to the end of %{x}: %{y:.1%}<extra></extra>"
    assert london_12m.customdata is None
    # a group's quarter on its own: 26 of its 32 MARACs returned the quarter to September 2025
    grouped = trend_charts.trend_lines({"London": london()}, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="x")
    quarter = next(t for t in grouped.data if t.name == "London, each quarter")
    assert list(quarter.customdata)[-2:] == [
        " (30 of 32 MARAC-quarters returned)",
        " (26 of 32 MARAC-quarters returned)",
    ]


def test_under_safelives_rule_a_left_out_marac_and_filled_quarters_are_said() -> None:
    frame = pl.DataFrame(
        {
            "quarter_start": [SEPT_2025, SEPT_2025],
            "group_code": ["MA", "ALL"],
            "quarters_with_data_12m": [4, 12],
            "quarters_filled_12m": [1, 2],
            "maracs_left_out_12m": [0, 1],
            "maracs_in_group": [1, 4],
            "missing_quarters_method": ["safelives", "safelives"],
        }
    )
    alpha, everyone = (
        rolling_coverage.by_quarter(frame.filter(pl.col("group_code") == c))[SEPT_2025] for c in ("MA", "ALL")
    )
    # Alpha: 4 with data, 1 of them filled -> 3 returned
    assert alpha.short == "3 of 4 quarters returned"
    assert alpha.words == "3 of 4 quarters returned; 1 filled from the previous quarter (SafeLives' method)"
    # all: 12 with data less 2 filled = 10 of 4 x 4 = 16
    assert everyone.words == (
        "10 of 16 MARAC-quarters returned; 2 filled from the previous quarter, 1 MARAC left out after two missing "
        "quarters in a row (SafeLives' method)"
    )
    # a quarter on its own under SafeLives' rule counts filled quarters as returned: nothing said rather than too much
    assert rolling_coverage.each_quarter(frame.with_columns(pl.lit(1).alias("quarters_with_data"))) == {}
