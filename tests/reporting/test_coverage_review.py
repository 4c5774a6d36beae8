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


def _held_without_q3() -> tuple[Dataset, Dataset]:
    """Alpha with its October-December 2020 return not yet committed, and with it."""
    full = fx.tables()
    held = dict(full)
    keep = (pl.col("marac_code") != "MA") | ~pl.col("meeting_date").is_between(date(2020, 10, 1), date(2020, 12, 31))
    held["meeting"] = full["meeting"].filter(keep)
    return Dataset.from_tables(held), Dataset.from_tables(full)


def test_before_after_follows_the_missing_quarters_method_and_names_it() -> None:
    """Alpha's quarters: 12 + 8 + 10 + 10 cases, 10 a quarter recommended. Held without Q3 (October-December):
    population-time counts the 3 quarters returned, 12 + 8 + 10 = 30 over 30 recommended = 100.0%; SafeLives' rule
    fills Q3 from Q2's 8, 12 + 8 + 8 + 10 = 38 over the year's 40 = 95.0%. Committed: 40 / 40 = 100.0% either way."""
    before, after = _held_without_q3()
    volume = INDICATORS.by_key("volume").label
    population_time = before_after(before, after, "MA", date(2021, 3, 31), "population_time").set_index("Indicator")
    assert population_time.loc["Cases discussed", "Held now"] == "30"
    assert population_time.loc[volume, "Held now"] == "100.0% · 3/4 qtrs"
    assert population_time.attrs["method"] == (
        "Missing quarters: counted only for the quarters returned (population-time); a quarter returned as "
        '"no meetings" counts with 0 cases.'
    )
    safelives = before_after(before, after, "MA", date(2021, 3, 31), "safelives").set_index("Indicator")
    assert safelives.loc["Cases discussed", "Held now"] == "38"
    assert safelives.loc[volume, "Held now"] == "95.0% · 3/4 qtrs +1 filled"
    assert safelives.loc["Quarters returned", "Held now"] == (
        "3 of 4 quarters returned; 1 filled from the previous quarter (SafeLives' method)"
    )
    assert (safelives.loc["Cases discussed", "If committed"], safelives.loc[volume, "If committed"]) == ("40", "100.0%")
    assert safelives.attrs["method"] == (
        "Missing quarters: filled like SafeLives (a missing quarter takes the MARAC's counts for the quarter before; "
        "a MARAC with two missing quarters in a row is left out)."
    )
