"""Check a return's before/after table says what each column rests on (reporting.coverage_words)."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from reporting.review import before_after
from tests.helpers import metrics as fx


def test_committing_the_missing_quarters_shows_the_coverage_move() -> None:
    """Held now: Alpha's last quarter only (10 cases on 10,000 adult females for a quarter: 10 / 10 recommended =
    100.0%). If committed: all four (12 + 8 + 10 + 10 = 40 cases over the year's 40 recommended = 100.0%): the same
    percentage, but from 4 quarters instead of 1."""
    full = fx.tables()
    held = dict(full)
    keep = (pl.col("marac_code") != "MA") | ~pl.col("meeting_date").is_between(date(2020, 4, 1), date(2021, 3, 30))
    held["meeting"] = full["meeting"].filter(keep)
    table = before_after(Dataset.from_tables(held), Dataset.from_tables(full), "MA", date(2021, 3, 31)).set_index(
        "Indicator"
    )
    quarters = table.loc["Quarters returned"]
    assert quarters["Held now"] == "1 of 4 quarters returned: one quarter's rate shown as a year's"
    assert quarters["If committed"] == "all 4 quarters returned"
    assert quarters["Moved"] == "yes"
    volume = table.loc[INDICATORS.by_key("volume").label]
    assert (volume["Held now"], volume["If committed"]) == ("100.0% · 1/4 qtrs", "100.0%")
    assert table.loc["Cases discussed", "Held now"] == "10" and table.loc["Cases discussed", "If committed"] == "40"
