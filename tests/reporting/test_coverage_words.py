"""Coverage words: what a figure rests on, said the same way everywhere (reporting.coverage_words)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from metrics.dataset import NIL_SCHEMA, Dataset
from metrics.indicators import compute
from metrics.periods import period
from reporting import coverage_words
from reporting.coverage_words import Coverage


def _marac(returned: int, window: str = "12m", **extra: object) -> Coverage:
    return Coverage.of({"quarters_with_data": returned, "maracs_in_group": 1, "window": window, **extra})


@pytest.mark.parametrize(
    ("returned", "words", "short", "compact"),
    [
        # 1 / 4 = 25% and 2 / 4 = 50%, under the 75% judged: the rate is that many quarters' shown as a year's
        (1, "1 of 4 quarters returned: one quarter's rate shown as a year's", "1 of 4 quarters returned", "1/4 qtrs"),
        (2, "2 of 4 quarters returned: two quarters' rate shown as a year's", "2 of 4 quarters returned", "2/4 qtrs"),
        # 3 / 4 = 75%, enough to judge: the count alone
        (3, "3 of 4 quarters returned", "3 of 4 quarters returned", "3/4 qtrs"),
        (0, "no quarters returned", "0 of 4 quarters returned", "0/4 qtrs"),
        # complete: nothing beside the figure
        (4, "", "", ""),
    ],
)
def test_a_marac_says_how_many_of_its_quarters_it_returned(returned: int, words: str, short: str, compact: str) -> None:
    said = _marac(returned)
    assert (said.words, said.short, said.compact) == (words, short, compact)


def test_complete_says_so_only_where_coverage_is_always_stated() -> None:
    assert _marac(4).status == "all 4 quarters returned"
    assert _marac(1).status == "1 of 4 quarters returned: one quarter's rate shown as a year's"


def test_the_window_comes_from_the_period() -> None:
    # one quarter, annualised: 1 of 1 is complete; a financial year is 4 quarters like 12 months
    assert _marac(1, "quarter").words == "" and _marac(1, "quarter").status == "the quarter returned"
    assert _marac(0, "quarter").words == "no return for the quarter"
    assert _marac(2, "fy").short == "2 of 4 quarters returned"
    assert Coverage.of({"quarters_with_data": 1, "maracs_in_group": 1}, window=1).complete


def test_a_group_says_how_many_maracs_sent_every_quarter_and_how_many_marac_quarters() -> None:
    # 32 MARACs x 4 quarters = 128 MARAC-quarters; 120 returned; 29 MARACs sent all 4
    row = {"quarters_with_data": 120, "maracs_in_group": 32, "window": "12m", "maracs_complete": 29}
    said = Coverage.of(row)
    assert said.words == "29 of 32 MARACs sent all 4 quarters; 120 of 128 MARAC-quarters returned"
    assert said.short == "120 of 128 MARAC-quarters returned"
    assert said.compact == "120/128 MARAC-qtrs"
    full = Coverage.of({**row, "quarters_with_data": 128, "maracs_complete": 32})
    assert (full.words, full.compact, full.status) == ("", "", "all 32 MARACs sent all 4 quarters")


def test_a_group_counts_its_complete_maracs_from_its_members() -> None:
    members = pl.DataFrame({"quarters_with_data": [4, 4, 1], "window": ["12m"] * 3})
    row = {"quarters_with_data": 9, "maracs_in_group": 3, "window": "12m"}
    # 4 + 4 + 1 = 9 of 3 x 4 = 12; two MARACs sent all 4
    assert (
        Coverage.of(row, members=members).words == "2 of 3 MARACs sent all 4 quarters; 9 of 12 MARAC-quarters returned"
    )
    # without the members the MARAC count is not guessed
    assert Coverage.of(row).words == "9 of 12 MARAC-quarters returned"


def test_safelives_filling_is_named_and_filled_quarters_are_not_counted_as_returned() -> None:
    # Q1 and Q3 returned, Q2 and Q4 filled from the quarter before: quarters_with_data counts 4 rows, 2 of them filled
    row = {
        "quarters_with_data": 4,
        "maracs_in_group": 1,
        "window": "12m",
        "quarters_filled": 2,
        "missing_quarters_method": "safelives",
    }
    said = Coverage.of(row)
    assert said.words == "2 of 4 quarters returned; 2 filled from the previous quarter (SafeLives' method)"
    assert said.compact == "2/4 qtrs +2 filled"
    left = Coverage.of({**row, "quarters_with_data": 0, "quarters_filled": 0, "maracs_left_out": 1})
    assert left.words == "left out: two quarters missing in a row (SafeLives' method)"
    # a group: 3 of 4 MARACs' 16 quarters filled or left out
    group = Coverage.of(
        {
            "quarters_with_data": 13,
            "maracs_in_group": 4,
            "window": "12m",
            "quarters_filled": 1,
            "maracs_left_out": 1,
            "missing_quarters_method": "safelives",
        }
    )
    # 13 rows - 1 filled = 12 returned of 16
    assert group.words == (
        "12 of 16 MARAC-quarters returned; 1 filled from the previous quarter, 1 MARAC left out after two missing "
        "quarters in a row (SafeLives' method)"
    )
    # population-time (the default, or the column absent) names no method
    assert "SafeLives" not in Coverage.of({**row, "missing_quarters_method": "population_time"}).words


def test_beside_puts_the_compact_form_after_a_figure() -> None:
    assert coverage_words.beside("32.0%", _marac(1)) == "32.0% · 1/4 qtrs"
    assert coverage_words.beside("90.3%", _marac(4)) == "90.3%"


def test_a_nil_return_counts_as_returned(fixture_db) -> None:
    """Hackney without its last quarter's return is 3 of 4; with that quarter returned as "no meetings" it is 4 of 4."""
    from loaders import store

    data = Dataset.from_tables(store.read_tables(fixture_db))
    year = period(date(2021, 3, 31), "12m")
    last = date(2021, 1, 1)
    hackney = (pl.col("marac_code") == "E09000012") & (pl.col("quarter_start") == last)
    without = replace(data, meetings=data.meetings.filter(~hackney))
    with_nil = replace(
        without, nil_quarters=pl.DataFrame({"marac_code": ["E09000012"], "quarter_start": [last]}, schema=NIL_SCHEMA)
    )

    def row(dataset: Dataset) -> dict[str, object]:
        return compute(dataset, year).filter(pl.col("group_code") == "E09000012").row(0, named=True)

    assert Coverage.of(row(without)).words == "3 of 4 quarters returned"
    assert Coverage.of(row(with_nil)).words == ""


def test_with_complete_counts_each_groups_maracs_that_sent_every_quarter() -> None:
    maracs = pl.DataFrame(
        {"sub_area": ["A", "A", "B"], "quarters_with_data": [4, 2, 4], "window": ["12m"] * 3},
    )
    groups = pl.DataFrame({"group_code": ["A", "B"]})
    out = coverage_words.with_complete(groups, maracs, "sub_area")
    assert dict(out.select("group_code", "maracs_complete").iter_rows()) == {"A": 1, "B": 1}
    total = coverage_words.all_complete(pl.DataFrame({"group_code": ["London"]}), maracs)
    assert total["maracs_complete"][0] == 2


def test_a_row_without_quarters_says_nothing() -> None:
    """A published comparator (SafeLives' England) carries no quarters: no coverage is claimed for it."""
    said = Coverage.of({"cases_per_10k": 43.2, "window": "12m"})
    assert (said.words, said.short, said.compact, said.status) == ("", "", "", "")


def test_of_frame_reads_each_row_and_says_nothing_without_quarters() -> None:
    frame = pl.DataFrame({"quarters_with_data": [1, 4], "maracs_in_group": [1, 1], "window": ["12m", "12m"]})
    assert [c.compact for c in coverage_words.of_frame(frame)] == ["1/4 qtrs", ""]
    bare = coverage_words.of_frame(pl.DataFrame({"group_name": ["A", "B"]}))
    assert [c.known for c in bare] == [False, False]


def test_safelives_method_words_from_the_metrics() -> None:
    """Beta has no 2020-21 Q3 return: under SafeLives' rule Q3 takes Q2's counts, so 3 returned and 1 filled; Delta
    has none in the period, so there is nothing to fill or leave out."""
    from metrics import missing_quarters
    from tests.helpers import metrics as fx

    data = Dataset.from_tables(fx.tables())
    year = period(date(2021, 3, 31), "12m")
    rows = {
        r["group_name"]: r
        for r in missing_quarters.compute(data, year, "marac", missing_quarters.SAFELIVES).iter_rows(named=True)
    }
    assert Coverage.of(rows["Beta"]).words == (
        "3 of 4 quarters returned; 1 filled from the previous quarter (SafeLives' method)"
    )
    assert Coverage.of(rows["Delta"]).words == "no quarters returned"
    assert Coverage.of(rows["Alpha"]).words == ""
    default = {r["group_name"]: r for r in missing_quarters.compute(data, year, "marac").iter_rows(named=True)}
    assert Coverage.of(default["Beta"]).words == "3 of 4 quarters returned"


def test_enough_for_a_volume_verdict_is_decided_on_population_time_as_the_metrics_decide_it() -> None:
    # a sub-area of two MARACs sent 5 of 8 MARAC-quarters (62.5%), but the larger one sent all 4: its returns cover 80%
    # of the population-time, so volume is judged (metrics.indicators._withheld) and the words must not say otherwise
    row = {"quarters_with_data": 5, "maracs_in_group": 2, "window": "12m", "volume_coverage": 0.8}
    assert Coverage.of(row).share == pytest.approx(5 / 8)
    assert Coverage.of(row).enough
    assert not Coverage.of({**row, "volume_coverage": 0.7}).enough
    assert not Coverage.of({k: v for k, v in row.items() if k != "volume_coverage"}).enough  # 62.5% of quarters


def test_a_narrow_column_says_it_short_and_says_complete_too() -> None:
    """Half a matrix on a screen has a narrow coverage column: never empty where coverage is known."""
    assert [_marac(n).narrow for n in (0, 3, 4)] == ["0/4 qtrs", "3/4 qtrs", "all 4 qtrs"]
    assert _marac(1, "quarter").narrow == "the quarter"
    # 29 of 32 MARACs sent all 4; the group's 120 of 128 MARAC-quarters go beside its volume (`compact`)
    group = Coverage.of({"quarters_with_data": 120, "maracs_in_group": 32, "window": "12m", "maracs_complete": 29})
    assert group.narrow == "29/32 MARACs all 4 qtrs" and group.cell.startswith("29 of 32 MARACs sent all 4 quarters")
    # without the MARAC rows to count complete ones, the MARAC-quarters
    assert (
        Coverage.of({"quarters_with_data": 120, "maracs_in_group": 32, "window": "12m"}).narrow == "120/128 MARAC-qtrs"
    )
    assert Coverage.of({}).narrow == ""
