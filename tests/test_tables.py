"""Display tables: verdict words, precision beside verdicts, and what an empty or partial figure says."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard import tables
from metrics.dataset import Dataset
from metrics.indicators import compute
from metrics.periods import period
from tests import metrics_fixture as fx

YEAR = period(date(2021, 3, 31), "12m")


def test_a_marac_with_cases_but_no_population_says_so() -> None:
    t = fx.tables()
    t["population"] = t["population"].filter(pl.col("lad_code") != "LA4")  # Gamma has no population on this base
    data = Dataset.from_tables(t)
    volume, _ = tables.overview_frames(compute(data, YEAR, "marac"), data.ranges)
    verdicts = dict(zip(volume["MARAC"], volume["Volume verdict"], strict=True))
    assert verdicts == {"Alpha": "● within", "Beta": "▲ above", "Gamma": "– no population", "Delta": "– no data"}
    everyone = compute(data, YEAR, "all").row(0, named=True)
    assert (everyone["maracs_reporting"], everyone["maracs_with_population"], everyone["maracs_without_population"]) == (3, 2, 1)


def test_share_and_local_share_are_printed_to_the_same_decimals() -> None:
    # 23.441% against a local share of 23.449%: one decimal would print 23.4% beside 23.4% and "below"
    frame = pl.DataFrame({
        "group_name": ["A"], "cases": [100], "cases_per_10k": [40.0], "coverage": [1.0],
        "pct_of_recommended": [0.9], "volume_verdict": ["within"], "repeat_rate": [0.3], "repeat_verdict": ["within"],
        "police_share": [0.7], "police_verdict": ["within"], "share_racially_minoritised": [0.23441],
        "local_share_not_white_british": [0.23449], "racially_minoritised_verdict": ["below"],
        "share_lgbt": [0.03], "lgbt_verdict": ["within"], "share_disabled": [0.2], "disabled_verdict": ["within"],
        "share_male": [0.06], "male_verdict": ["within"], "share_aged_16_17": [0.01],
    })
    _, victims = tables.overview_frames(frame, fx.dataset().ranges)
    html = tables.styled(victims).to_html()
    assert "23.44%" in html and "23.45%" in html and "23.4%<" not in html
