"""Key-finding sentences say when a figure rests on fewer quarters than the period (reporting.coverage_words)."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import compute
from metrics.periods import period
from reporting import findings
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")


def _alpha_one_quarter() -> Dataset:
    """Alpha cut to its last quarter: 10 cases, 3 repeats (30.0%), on 10,000 adult females for one quarter."""
    t = fx.tables()
    keep = (pl.col("marac_code") != "MA") | ~pl.col("meeting_date").is_between(date(2020, 4, 1), date(2021, 3, 30))
    t["meeting"] = t["meeting"].filter(keep)
    return Dataset.from_tables(t)


def test_the_spread_sentence_names_the_maracs_short_of_the_period() -> None:
    data = _alpha_one_quarter()
    frame = compute(data, YEAR, "marac")
    repeat = INDICATORS.by_key("repeat_rate")
    total = compute(data, YEAR, "all").row(0, named=True)
    said = findings.spread(frame, repeat, data.ranges["repeat_rate"], area="North", period="2020-21", total=total)
    # Alpha 1 of 4 and Beta 3 of 4 (no Q3 meeting); Gamma 4 of 4. Delta has no figure, so is not among "them"
    assert "2 of them returned fewer than all 4 quarters." in said
    # highest Gamma 45 / 100 = 45.0%; lowest Beta 16 / 64 = 25.0% from 3 of 4 quarters
    assert "Highest Gamma 45.0%, lowest Beta 25.0% (3 of 4 quarters returned)" in said
    # the whole: Alpha 1 + Beta 3 + Gamma 4 + Delta 0 = 8 of 16 MARAC-quarters
    assert said.endswith("(8 of 16 MARAC-quarters returned).")


def test_a_complete_area_s_sentence_says_nothing_of_quarters() -> None:
    data = Dataset.from_tables(fx.tables())
    frame = compute(data, YEAR, "marac").filter(pl.col("group_code").is_in(["MA", "MC"]))  # both 4 of 4
    repeat = INDICATORS.by_key("repeat_rate")
    said = findings.spread(frame, repeat, data.ranges["repeat_rate"], area="North", period="2020-21")
    assert "quarter" not in said
