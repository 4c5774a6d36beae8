"""SafeLives' national comparator: the latest published snapshot at or before a period's end."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from loaders import reference
from metrics.national import national_comparator
from tests.helpers import metrics as fx


def _dataset():
    tables = fx.tables()
    tables["national"] = reference.read_reference()["national"]
    from metrics.dataset import Dataset

    return Dataset.from_tables(tables)


def test_latest_figure_per_scope_at_or_before_the_period_end() -> None:
    data = _dataset()
    assert national_comparator(data, date(2019, 3, 30)).is_empty()  # nothing published that early in our table
    march_2019 = national_comparator(data, date(2019, 3, 31))
    assert march_2019["group_name"].to_list() == [
        "UK (SafeLives, 12 months to Mar 2019)",
        "England (SafeLives, 12 months to Mar 2019)",
    ]
    assert march_2019["cases"].to_list() == [98_807, 82_013]
    # a year to March 2021: the UK's latest snapshot is still June 2019, England has its 2020-21 year
    uk, england = national_comparator(data, date(2021, 3, 31)).iter_rows(named=True)
    assert (uk["period_end"], uk["repeat_rate"], uk["partner_agency_share"]) == (date(2019, 6, 30), 0.30, 0.35)
    assert (england["period_start"], england["period_end"]) == (date(2020, 4, 1), date(2021, 3, 31))
    assert (england["cases"], england["cases_per_10k"], england["repeat_rate"]) == (93_815, 44.92, 0.3208)
    assert england["pct_of_recommended"] == pytest.approx(44.92 / 40)
    assert england["share_lgbt"] is None and england["police_share"] is None  # England rows carry no victim shares
    sept_2024, march_2025 = national_comparator(data, date(2025, 9, 30)).iter_rows(named=True)
    # 47 per 10,000 against SafeLives' 40: 117.5%; police = 1 - 36.1% partner-agency referrals
    assert sept_2024["pct_of_recommended"] == pytest.approx(47 / 40)
    assert sept_2024["police_share"] == pytest.approx(0.639)
    assert (sept_2024["cases"], sept_2024["share_lgbt"], sept_2024["share_male"]) == (119_985, 0.016, 0.064)
    assert (march_2025["cases"], march_2025["maracs"]) == (100_660, 200)
    assert (
        "37 of 39 English police force areas" in march_2025["source"] and "no data for Norfolk" in march_2025["source"]
    )


def _derive_module():
    spec = importlib.util.spec_from_file_location("derive", reference.REFERENCE_DIR / "derive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_england_sums_forces_on_their_own_bases_and_leaves_out_no_data(tmp_path: Path) -> None:
    (tmp_path / "marac").mkdir()
    (tmp_path / "marac" / "safelives_marac_by_pfa_2018-19_to_2024-25.csv").write_text(
        "pfa_name_safelives,financial_year,marac_count,cases_discussed,recommended_cases,cases_per_10k_adult_females,"
        "repeat_cases,repeat_cases_pct,children_in_household,housing_referrals,source\n"
        "Aford,2021-22,2.0,100.0,200.0,20.0,30.0,30.0,0,0,s\n"
        "Bshire,2021-22,3.0,300.0,200.0,60.0,60.0,20.0,0,0,s\n"
        "Cshire,2021-22,,,,,,,,,s\n"
        "Dshire,2021-22,0.0,0.0,0.0,,,,0,0,s\n"
    )
    (row,) = _derive_module().derive_national_england(tmp_path)
    # bases: 100 / 20 x 10,000 = 50,000 and 300 / 60 x 10,000 = 50,000; 400 cases on 100,000 = 40.00 per 10,000
    assert row[:7] == ["2021-04-01", "2022-03-31", "England", "5", "400", "40.00", "0.2250"]  # 90 repeats of 400
    assert row[7:13] == [""] * 6
    assert "2 of 39 English police force areas summed" in row[13]
    assert "no data for Cshire; no data for Dshire" in row[13]


def test_shipped_england_file_is_what_derive_writes(tmp_path: Path) -> None:
    shared = reference.REFERENCE_DIR.parents[1].parent / "shared" / "data"
    if not (shared / "marac").is_dir():
        pytest.skip("shared/data is not next to this checkout")
    derive = _derive_module()
    derive.write_rows(tmp_path / "national_england.csv", derive.NATIONAL_HEADER, derive.derive_national_england(shared))
    assert (tmp_path / "national_england.csv").read_bytes() == (
        reference.REFERENCE_DIR / "national_england.csv"
    ).read_bytes()
