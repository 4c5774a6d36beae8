"""Data quality: missing quarterly returns and demographic fields recorded as all zero (fixture in metrics_fixture)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from metrics.periods import period
from metrics.quality import quality
from tests import metrics_fixture as fx

YEAR = period(date(2021, 3, 31), "12m")


def test_missing_quarters_and_unrecorded_fields() -> None:
    data = fx.dataset()
    # Gamma's one aged 16-17 victim/survivor is taken out, so that field is zero across its 100 cases
    data = replace(data, meetings=data.meetings.with_columns(
        pl.when(pl.col("marac_code") == "MC").then(0).otherwise(pl.col("victims_aged_16_17")).alias("victims_aged_16_17")))
    rows = {r["marac_name"]: r for r in quality(data, YEAR).iter_rows(named=True)}
    assert (rows["Alpha"]["quarters_returned"], rows["Alpha"]["missing_quarters"], rows["Alpha"]["fields_all_zero"]) == (4, [], [])
    assert (rows["Beta"]["quarters_returned"], rows["Beta"]["missing_quarters"]) == (3, ["2020-21 Q3"])  # nothing in Oct-Dec
    assert rows["Gamma"]["fields_all_zero"] == ["aged 16–17"]
    # Delta sent nothing in the year: every quarter missing, and no field is called unrecorded without cases
    assert (rows["Delta"]["quarters_returned"], rows["Delta"]["fields_all_zero"]) == (0, [])
    assert rows["Delta"]["missing_quarters"] == ["2020-21 Q1", "2020-21 Q2", "2020-21 Q3", "2020-21 Q4"]
    assert quality(data, YEAR, ["MA"])["marac_name"].to_list() == ["Alpha"]
