"""Ranked bars say on the bar when a figure rests on fewer quarters than the period (reporting.coverage_words)."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import compute
from metrics.periods import period
from reporting import charts
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")
VOLUME = INDICATORS.by_key("volume")


def test_a_one_quarter_bar_is_labelled_as_such() -> None:
    """Alpha cut to its last quarter (10 cases on 10,000 adult females for a quarter: 10 / 10 recommended = 100%);
    Beta 3 of 4 quarters (64 / 60 = 106.7%); Gamma 4 of 4 (100 / 80 = 125%)."""
    t = fx.tables()
    keep = (pl.col("marac_code") != "MA") | ~pl.col("meeting_date").is_between(date(2020, 4, 1), date(2021, 3, 30))
    t["meeting"] = t["meeting"].filter(keep)
    data = Dataset.from_tables(t)
    frame = compute(data, YEAR, "marac")
    fig = charts.ranked_bars(frame, VOLUME, data.ranges[VOLUME.range_key], subtitle="s", source="src")
    bar, labels = fig.data[0], fig.data[-1]
    text = dict(zip(bar.y, labels.text, strict=True))
    assert text["Alpha"].endswith("◌ incomplete · 1/4 qtrs")
    assert text["Beta"].endswith("· 3/4 qtrs")
    assert "qtrs" not in text["Gamma"]
    hover = dict(zip(bar.y, bar.hovertext, strict=True))
    # the withheld verdict gives its reason once; a complete year's hover says nothing of quarters
    assert hover["Alpha"] == (
        "Alpha: 100.0% (95% interval 47.9%–183.9%), 10 cases discussed against 10 recommended cases<br>"
        "◌ not judged: only 1 of 4 quarters returned (one quarter's rate shown as a year's)"
    )
    assert hover["Beta"].endswith("<br>3 of 4 quarters returned")
    assert hover["Gamma"] == (
        "Gamma: 125.0% (95% interval 101.7%–152.0%), 100 cases discussed against 80 recommended cases<br>"
        "▲ above the expected range"
    )
