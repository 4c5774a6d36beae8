"""The words and tables of "what changed since last quarter", on the dated database of
`tests.helpers.quarter_change_db` (figures worked by hand in tests/metrics/test_quarter_change.py)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from metrics.periods import period
from metrics.quarter_change import (
    CHANGE_SCHEMA,
    DIFFERENCE,
    LATE,
    NEW,
    PREVIOUS_QUARTER,
    RATIO,
    REPLACED,
    RETURNS_SCHEMA,
    YEAR_EARLIER,
    comparison_periods,
    ranked,
)
from reporting import change_tables, change_words


def _row(**values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(CHANGE_SCHEMA)
    row.update(group_code="X", judged=True, **values)
    return row


#: Hackney's volume on the quarter (150 against 100 cases), Tower Hamlets' male share (40 of 150 against 18 of 150)
VOLUME_UP = _row(
    group_name="Hackney",
    comparison=PREVIOUS_QUARTER,
    indicator="volume",
    measure=RATIO,
    now=54.1614,
    then=36.1076,
    change=1.5,
    ci95_low=1.164667,
    ci95_high=1.931883,
    beyond_chance=True,
    size=0.405465,
)
MALE_UP = _row(
    group_name="Tower Hamlets",
    comparison=PREVIOUS_QUARTER,
    indicator="male",
    measure=DIFFERENCE,
    now=40 / 150,
    then=18 / 150,
    change=0.146667,
    ci95_low=0.05755,
    ci95_high=0.23381,
    beyond_chance=True,
    size=0.798508,
)
#: Hackney's volume on a year earlier (150 against 120): 1.25, 0.983 to 1.589, which chance could explain
VOLUME_YEAR = {**VOLUME_UP, "comparison": YEAR_EARLIER, "then": 43.3291, "change": 1.25, "ci95_low": 0.98324}
VOLUME_YEAR |= {"ci95_high": 1.589134, "beyond_chance": False, "size": 0.223144}


def _frame(*rows: dict[str, object]) -> pl.DataFrame:
    return ranked(pl.DataFrame(list(rows), schema=CHANGE_SCHEMA))


def test_each_change_reads_up_or_down_on_its_own_scale() -> None:
    assert (change_words.change(VOLUME_UP), change_words.interval(VOLUME_UP)) == ("+50%", "+16% to +93%")
    assert (change_words.change(MALE_UP), change_words.interval(MALE_UP)) == ("+14.7 points", "+5.8 to +23.4 points")
    assert change_words.move(VOLUME_UP) == (
        "volume at Hackney, up 50% (36.1 → 54.2 cases a year per 10,000 adult females)"
    )
    assert change_words.move({**MALE_UP, "change": -0.146667, "now": 0.12, "then": 40 / 150}) == (
        "victims/survivors male at Tower Hamlets, down 14.7 points (26.7% → 12.0%)"
    )
    assert change_words.beyond(VOLUME_UP) == "yes"
    assert change_words.beyond(VOLUME_YEAR) == "no: could be chance"
    assert change_words.beyond({**VOLUME_YEAR, "judged": False, "beyond_chance": None}) == (
        "not judged: too little data"
    )


def test_the_sentence_names_the_largest_real_moves_and_says_when_chance_could_explain_them() -> None:
    said = change_words.changes_sentence(_frame(VOLUME_UP, MALE_UP, VOLUME_YEAR), "London")
    assert said == (
        "In London, against the previous quarter, 2 changes are beyond what chance explains, the clearest being "
        "victims/survivors male at Tower Hamlets, up 14.7 points (12.0% → 26.7%) and volume at Hackney, up 50% "
        "(36.1 → 54.2 cases a year per 10,000 adult females); against the same period a year earlier, no change is "
        "beyond what chance explains (the nearest, volume at Hackney, up 25% (43.3 → 54.2 cases a year per 10,000 "
        "adult females), could be chance)."
    )
    for word in ("better", "worse", "good", "bad"):
        assert word not in said
    one = change_words.changes_sentence(_frame(VOLUME_UP), "London")
    assert one == (
        "In London, against the previous quarter, 1 change is beyond what chance explains: volume at Hackney, up 50% "
        "(36.1 → 54.2 cases a year per 10,000 adult females); against the same period a year earlier, there are no "
        "figures to compare with."
    )


def test_the_change_table_keeps_the_ranked_order_and_the_choices() -> None:
    frame = _frame(VOLUME_YEAR, VOLUME_UP, MALE_UP)
    periods = comparison_periods(period(date(2021, 3, 31), "quarter"))
    table = change_tables.change_frame(frame, periods)
    assert list(table.columns) == change_tables.CHANGE_COLUMNS
    assert table.iloc[0].tolist() == [
        "Tower Hamlets",
        "Victims/survivors male",
        "Previous quarter, 2020-21 Q3 (annualised)",
        "12.0%",
        "26.7%",
        "+14.7 points",
        "+5.8 to +23.4 points",
        "yes",
    ]
    assert table["Compared with"].tolist()[2] == "A year earlier, 2019-20 Q4 (annualised)"
    assert change_tables.change_frame(frame, beyond_only=True)["MARAC"].tolist() == ["Tower Hamlets", "Hackney"]
    assert change_tables.change_frame(frame, comparison=YEAR_EARLIER)["Then"].tolist() == ["43.3"]
    # a screen's: the indicator short, the comparison without its period (the page says it above), the rest alike
    screen = change_tables.change_frame(frame, periods, compact=True)
    assert screen.iloc[0].tolist()[:3] == ["Tower Hamlets", "Male", "Previous quarter"]
    assert screen.iloc[0].tolist()[3:] == table.iloc[0].tolist()[3:]


@pytest.mark.parametrize(
    ("statuses", "said"),
    [
        ([], "No returns were loaded in this period's round."),
        (
            [NEW, NEW, LATE, REPLACED],
            "Returns loaded in this period's round: 2 new, 1 late and 1 replaced (4 MARAC-quarters).",
        ),
        ([REPLACED], "Returns loaded in this period's round: 1 replaced (1 MARAC-quarter)."),
    ],
)
def test_the_returns_are_counted_in_words(statuses: list[str], said: str) -> None:
    rows = [
        {
            "marac_code": "E09000012",
            "quarter_start": date(2021, 1, 1),
            "quarter": "2020-21 Q4",
            "status": s,
            "loaded_at": datetime(2021, 4, 15, 9),
            "loads": 1,
            "nil": False,
        }
        for s in statuses
    ]
    returns = pl.DataFrame(rows, schema=RETURNS_SCHEMA)
    assert change_words.returns_sentence(returns) == said
    if rows:
        table = change_tables.returns_frame(returns.head(1), {"E09000012": "Hackney"})
        assert table.iloc[0].tolist() == [
            "Hackney",
            "2020-21 Q4",
            change_words.STATUS_WORDS[statuses[0]],
            "15 Apr 2021",
            1,
        ]
