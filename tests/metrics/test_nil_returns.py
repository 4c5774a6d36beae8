"""A nil return ("no meetings this quarter") counts the quarter's population-time with 0 cases, so a quarter without
meetings lowers the rate where a missing return would leave it out (fixture in tests/helpers/metrics.py)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from loaders import store
from metrics.dataset import NIL_SCHEMA, Dataset
from metrics.disclosure import published
from metrics.indicators import compute
from metrics.periods import period
from metrics.quality import quality
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")
BETA_Q3 = date(2020, 10, 1)  # Beta held no meeting in October to December 2020


def _nil(*quarters: tuple[str, date]) -> pl.DataFrame:
    return pl.DataFrame(list(quarters), schema=NIL_SCHEMA, orient="row")


def _row(frame: pl.DataFrame, code: str) -> dict:
    return frame.filter(pl.col("group_code") == code).row(0, named=True)


def test_a_nil_quarter_lowers_the_rate_by_the_quarters_it_adds() -> None:
    data = fx.dataset()
    missing = _row(compute(data, YEAR), "MB")
    nil = _row(compute(replace(data, nil_quarters=_nil(("MB", BETA_Q3))), YEAR), "MB")
    # Beta: 64 cases, 20,000 females 16+.
    # Q3 missing: 3 quarters of population-time, 20,000 x 3/4 = 15,000 person-years -> 64 / 1.5 = 42.67 per 10,000
    assert (missing["quarters_with_data"], missing["cases_per_10k"]) == (3, pytest.approx(42.6667, abs=1e-4))
    # Q3 returned as nil: 4 quarters, 20,000 person-years -> 64 / 2 = 32.00 per 10,000, 3/4 of the rate above
    assert (nil["cases"], nil["quarters_with_data"], nil["cases_per_10k"]) == (64, 4, pytest.approx(32.0))
    assert nil["cases_per_10k"] == pytest.approx(missing["cases_per_10k"] * 3 / 4)


def test_a_nil_quarter_counts_in_its_region_too() -> None:
    data = replace(fx.dataset(), nil_quarters=_nil(("MB", BETA_Q3)))
    north = _row(compute(data, YEAR, "region"), "North")
    # North = Alpha (40 cases, 10,000, 4 quarters) + Beta (64 cases, 20,000, 4 quarters with the nil one):
    # 104 cases over 10,000 + 20,000 = 30,000 person-years -> 104 / 3 = 34.67 per 10,000
    # (without the nil return: 10,000 + 15,000 = 25,000 -> 104 / 2.5 = 41.60)
    assert (north["cases"], north["quarters_with_data"]) == (104, 8)
    assert north["cases_per_10k"] == pytest.approx(34.6667, abs=1e-4)


def test_a_nil_quarter_is_returned_not_missing_in_the_quality_table() -> None:
    data = replace(fx.dataset(), nil_quarters=_nil(("MB", BETA_Q3)))
    beta = quality(data, YEAR).filter(pl.col("marac_code") == "MB").row(0, named=True)
    assert (beta["quarters_returned"], beta["missing_quarters"], beta["nil_quarters"]) == (4, [], ["2020-21 Q3"])
    # a nil return outside the period changes nothing in it
    later = replace(fx.dataset(), nil_quarters=_nil(("MB", date(2021, 4, 1))))
    beta = quality(later, YEAR).filter(pl.col("marac_code") == "MB").row(0, named=True)
    assert (beta["quarters_returned"], beta["missing_quarters"], beta["nil_quarters"]) == (3, ["2020-21 Q3"], [])


def test_a_nil_return_loaded_through_the_loader_lowers_the_rate(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "nil.duckdb"
    shutil.copyfile(fixture_db, db)
    path = tmp_path / "hackney 2020-21 Q3.csv"
    path.write_text("MARAC code,Date of MARAC,Number of cases discussed\nE09000012,10/11/2020,NIL\n")
    with store.writing(db) as conn:  # Hackney's 100-case November meeting replaced by a nil return, confirmed
        result = store.load_file(conn, path, replace=True, today=date(2021, 6, 30))
    assert result.outcome == "loaded", result.report.text()
    tables = store.read_tables(db)
    nil = _row(compute(Dataset.from_tables(tables), YEAR), "E09000012")
    without = {**tables, "nil_quarter": pl.DataFrame(schema=NIL_SCHEMA)}  # the same meetings, no nil return
    missing = _row(compute(Dataset.from_tables(without), YEAR), "E09000012")
    # Hackney: 3 quarters of 100 cases, 110,780 females 16+.
    # Nil Q3: 300 / 11.078 = 27.08 per 10,000; Q3 missing: 300 / (11.078 x 3/4) = 36.11 per 10,000
    assert (nil["cases"], nil["quarters_with_data"]) == (300, 4)
    assert nil["cases_per_10k"] == pytest.approx(27.0807, abs=1e-4)
    assert (missing["quarters_with_data"], missing["cases_per_10k"]) == (3, pytest.approx(36.1076, abs=1e-4))


def test_published_figures_keep_the_nil_returns() -> None:
    # rounding changes counts, never which quarters were returned: a nil quarter has no count to round and stays one
    data = replace(fx.dataset(), nil_quarters=_nil(("MB", BETA_Q3)), disclosure_key=b"k" * 32)
    out = published(data)
    assert out.rounded and out.nil_quarters.rows() == [("MB", BETA_Q3)]
    assert _row(compute(out, YEAR), "MB")["quarters_with_data"] == 4


def test_a_marac_whose_only_returns_are_nil_has_a_trend_of_zero_cases() -> None:
    # no meetings at all, one nil quarter for Beta: the trend has that quarter, 0 cases over 20,000 x 1/4 person-years
    from metrics.indicators import quarterly

    data = replace(fx.dataset(), meetings=fx.dataset().meetings.clear(), nil_quarters=_nil(("MB", BETA_Q3)))
    trend = quarterly(data)
    beta = trend.filter((pl.col("group_code") == "MB") & (pl.col("quarter_start") == BETA_Q3)).row(0, named=True)
    assert (beta["cases"], beta["quarters_with_data"], beta["cases_per_10k"]) == (0, 1, 0.0)
    assert trend["quarter_start"].unique().to_list() == [BETA_Q3]
