"""Disclosure control's rounding, worked by hand and checked as properties: unbiased, consistent, additive."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.dataset import Dataset
from metrics.disclosure import BASE, NoSecret, controlled_round, published, random_round
from metrics.indicators import compute, quarterly, scoped
from metrics.periods import period
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")


def test_random_rounding_goes_to_a_neighbouring_multiple_of_five_by_the_remainder() -> None:
    # 7 is 2/5 of the way from 5 to 10: up when the draw is below 0.4
    assert [random_round(7, d) for d in (0.0, 0.39, 0.4, 0.99)] == [10, 10, 5, 5]
    assert [random_round(10, d) for d in (0.0, 0.99)] == [10, 10]  # a multiple of 5 stays
    assert [random_round(0, d) for d in (0.0, 0.99)] == [0, 0]
    assert [random_round(2.5, d) for d in (0.49, 0.5)] == [5, 0]  # halves of a split referral: 2.5 is half way
    assert [random_round(3, d) for d in (0.59, 0.61)] == [5, 0]


def test_controlled_rounding_by_hand() -> None:
    # parts 3, 4, 3 (total 10): their remainders, 0.6, 0.8 and 0.6 of a 5, lie end to end in the order of the draws,
    # [0, 0.6), [0.6, 1.4), [1.4, 2); the parts the points start and start + 1 fall in round up; 10 stays 10
    assert controlled_round([3, 4, 3], [0.1, 0.2, 0.3], 0.5) == [5, 0, 5]  # 0.5 and 1.5
    assert controlled_round([3, 4, 3], [0.1, 0.2, 0.3], 0.7) == [0, 5, 5]  # 0.7 and 1.7
    assert controlled_round([3, 4, 3], [0.3, 0.2, 0.1], 0.7) == [5, 5, 0]  # the order reversed
    # 0 takes no room; 12 (2 fives and 0.4) then [0, 0.4), 7 (1 five and 0.4) [0.4, 0.8): 0.2 falls in 12's, and the
    # total 19 rounds up to 20 (0.2 is below its 0.8)
    assert controlled_round([12, 0, 7], [0.5, 0.1, 0.9], 0.2) == [15, 0, 5]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    parts=st.lists(st.integers(0, 80).map(lambda v: v / 2), min_size=1, max_size=15),
    extra=st.integers(-10, 20),
    draws=st.lists(st.floats(0, 1, exclude_max=True), min_size=16, max_size=16),
    start=st.floats(0, 1, exclude_max=True),
)
def test_controlled_parts_are_neighbouring_multiples_and_add_up_to_the_rounded_total(
    parts: list[float], extra: int, draws: list[float], start: float
) -> None:
    parts = [*parts, extra]  # the cases with no recorded source; negative when sources exceed cases
    rounded = controlled_round(parts, draws[: len(parts)], start)
    assert sum(rounded) == random_round(sum(parts), start)
    for value, part in zip(rounded, parts, strict=True):
        assert value % BASE == 0 and abs(value - part) < BASE


def test_controlled_rounding_is_unbiased_part_by_part() -> None:
    # over a grid of starts and orders, each part's mean rounded value is the part itself
    parts = [3, 7, 1, 12]
    steps = 200
    totals = [0.0] * len(parts)
    for s in range(steps):
        for order in ([0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1], [0.2, 0.4, 0.1, 0.3]):
            for i, v in enumerate(controlled_round(parts, order, (s + 0.5) / steps)):
                totals[i] += v
    assert [t / (steps * 3) for t in totals] == [3, 7, 1, 12]


def _data() -> Dataset:
    return Dataset.from_tables(fx.tables())  # with the helpers' known rounding secret


def test_published_rounds_each_marac_quarter_once_and_keeps_meetings_and_dates() -> None:
    held = _data()
    shown = published(held)
    assert shown.rounded and not held.rounded and published(shown).meetings.equals(shown.meetings)  # not twice
    assert shown.meetings.select("marac_code", "meeting_date").equals(
        held.meetings.select("marac_code", "meeting_date")
    )
    quarters = quarterly(shown, "marac").filter(pl.col("maracs_reporting") > 0)
    for column in ("cases", "repeat_cases", "victims_lgbt", "victims_aged_16_17", "referrals_police", "referrals_idva"):
        assert all(v % 5 == 0 for v in quarters[column].to_list()), column
    # each quarter's referral sources add up to its cases, held and published (every fixture quarter's do)
    assert quarters["referrals_total"].to_list() == quarters["cases"].cast(pl.Float64).to_list()
    truth = quarterly(held, "marac").filter(pl.col("maracs_reporting") > 0)
    for column in ("cases", "victims_lgbt", "referrals_police"):
        gaps = [abs(a - b) for a, b in zip(quarters[column], truth[column], strict=True)]
        assert max(gaps) < 5, column
    # meeting counts and quarters returned are as held, so population-time and coverage are too
    assert quarters["meetings"].to_list() == truth["meetings"].to_list()


def test_every_published_total_is_the_sum_of_the_same_rounded_quarters() -> None:
    shown = published(_data())
    quarters = quarterly(shown, "marac").filter(pl.col("maracs_reporting") > 0)
    in_year = quarters.filter(pl.col("quarter_start").is_between(YEAR.start, YEAR.end))
    maracs = compute(shown, YEAR, "marac")
    for row in maracs.filter(pl.col("maracs_reporting") > 0).iter_rows(named=True):
        own = in_year.filter(pl.col("group_code") == row["group_code"])
        assert row["cases"] == own["cases"].sum() and row["victims_male"] == own["victims_male"].sum()
    region = compute(shown, YEAR, "region").filter(pl.col("group_name") == "North").row(0, named=True)
    north = maracs.filter(pl.col("region") == "North")
    assert region["cases"] == north["cases"].sum() and region["repeat_cases"] == north["repeat_cases"].sum()
    # a share is the rounded count over the rounded cases: no more than the counts themselves
    assert region["share_male"] == region["victims_male"] / region["cases"]


def test_the_same_cell_rounds_the_same_way_in_every_view_and_another_secret_rounds_it_otherwise() -> None:
    held = _data()
    whole = quarterly(published(held), "marac")
    north = quarterly(published(scoped(held, region="North")), "marac")
    assert north.select("group_code", "quarter_start", "cases").equals(
        whole.filter(pl.col("region") == "North").select("group_code", "quarter_start", "cases")
    )
    assert quarterly(published(held), "marac").equals(whole)
    others = [quarterly(published(replace(held, disclosure_key=bytes([n]) * 32)), "marac") for n in range(6)]
    assert any(not o["victims_male"].equals(whole["victims_male"]) for o in others)


def test_a_dataset_without_a_secret_publishes_nothing() -> None:
    tables = fx.tables()
    tables["meta"] = tables["meta"].filter(pl.col("key") != "disclosure_key")
    held = Dataset.from_tables(tables)
    assert held.disclosure_key == b""
    with pytest.raises(NoSecret, match=r"^this database holds no secret for rounding published figures"):
        published(held)
