"""SafeLives' national comparator: the latest published snapshot at or before a period's end."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from loaders import reference
from metrics.dataset import Dataset
from metrics.national import england_on_base, national_comparator, national_series
from tests.helpers import metrics as fx


def _dataset():
    tables = fx.tables()
    tables["national"] = reference.read_reference()["national"]
    return Dataset.from_tables(tables)


def test_latest_figure_per_scope_at_or_before_the_period_end() -> None:
    data = _dataset()  # no force table: SafeLives' published figures only, each labelled with its base
    assert national_comparator(data, date(2019, 3, 30)).is_empty()  # nothing published that early in our table
    march_2019 = national_comparator(data, date(2019, 3, 31))
    assert march_2019["group_name"].to_list() == [
        "England, SafeLives' own base (as published), 12 months to Mar 2019",
        "UK, SafeLives' own base (as published), 12 months to Mar 2019",
    ]
    assert march_2019["cases"].to_list() == [82_013, 98_807]
    assert march_2019["same_base"].to_list() == [False, False]
    # a year to March 2021: England has its 2020-21 year, the UK's latest snapshot is still June 2019
    england, uk = national_comparator(data, date(2021, 3, 31)).iter_rows(named=True)
    assert (uk["period_end"], uk["repeat_rate"], uk["partner_agency_share"]) == (date(2019, 6, 30), 0.30, 0.35)
    assert (england["period_start"], england["period_end"]) == (date(2020, 4, 1), date(2021, 3, 31))
    assert (england["cases"], england["cases_per_10k"], england["repeat_rate"]) == (93_815, 44.92, 0.3208)
    assert england["pct_of_recommended"] == pytest.approx(44.92 / 40)
    assert england["share_lgbt"] is None and england["police_share"] is None  # England rows carry no victim shares
    march_2025, sept_2024 = national_comparator(data, date(2025, 9, 30)).iter_rows(named=True)
    # 47 per 10,000 against SafeLives' 40: 117.5%; police = 1 - 36.1% partner-agency referrals
    assert sept_2024["pct_of_recommended"] == pytest.approx(47 / 40)
    assert sept_2024["police_share"] == pytest.approx(0.639)
    assert (sept_2024["cases"], sept_2024["share_lgbt"], sept_2024["share_male"]) == (119_985, 0.016, 0.064)
    assert (march_2025["cases"], march_2025["maracs"]) == (100_660, 200)
    assert (
        "37 of 39 English police force areas" in march_2025["source"] and "no data for Norfolk" in march_2025["source"]
    )


def _shipped_england(base: str = "census2021", measure: str = "females_16plus") -> pl.DataFrame:
    shipped = reference.read_reference()
    return england_on_base(
        shipped["safelives_published"],
        shipped["area"],
        shipped["population"],
        base=base,
        measure=measure,
        per_10k=40,
    )


def test_england_recomputed_on_census_2021_from_the_forces_that_reported() -> None:
    """Issue 17's figures: England on Census 2021 (females 16+) is 91.0%, 104.1%, 104.9% and 113.7% of the recommended
    40 per 10,000 in 2018-19, 2020-21, 2022-23 and 2024-25, against 98.6%, 112.3%, 115.3% and 118.5% as published."""
    years = {row["period_end"].year: row for row in _shipped_england().iter_rows(named=True)}
    assert sorted(years) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    # 2018-19 to 2021-22: the 38 English forces with figures (West Midlands has none in the transcription), whose
    # females 16+ on Census 2021 sum to 22,534,839; Greater Manchester (Wigan's MARAC missing) counts as published.
    # 2018-19: 82,013 / 22,534,839 x 10,000 = 36.394 per 10,000; / 40 = 90.98%
    # 2020-21: 93,815 / 22,534,839 x 10,000 = 41.631 per 10,000; / 40 = 104.08%
    # 2022-23 on: Norfolk has no figures either (37 forces); 22,534,839 - Norfolk's 394,485 = 22,140,354
    # 2022-23: 92,858 / 22,140,354 x 10,000 = 41.941 per 10,000; / 40 = 104.85%
    # 2024-25: 100,660 / 22,140,354 x 10,000 = 45.464 per 10,000; / 40 = 113.66%
    expected = {
        2019: (38, 82_013, 22_534_839, 0.9098),
        2021: (38, 93_815, 22_534_839, 1.0408),
        2023: (37, 92_858, 22_140_354, 1.0485),
        2025: (37, 100_660, 22_140_354, 1.1366),
    }
    for year, (forces, cases, females, pct) in expected.items():
        row = years[year]
        assert (row["forces"], row["cases"], row["adult_female_population"]) == (forces, cases, females)
        assert row["cases_per_10k"] == pytest.approx(cases / females * 10_000)
        assert row["pct_of_recommended"] == pytest.approx(pct, abs=5e-5)
    assert [f"{years[y]['pct_of_recommended']:.1%}" for y in expected] == ["91.0%", "104.1%", "104.9%", "113.7%"]
    # the cases are SafeLives' own England totals (national_england.csv), so only the base differs
    shipped = reference.read_reference()["national"].filter(pl.col("scope") == "England")
    published = dict(zip(shipped["period_end"].dt.year(), shipped["cases"], strict=True))
    assert all(published[y] == row["cases"] for y, row in years.items())
    assert [f"{published_rate / 40:.1%}" for published_rate in (39.44, 44.92, 46.11, 47.42)] == [
        "98.6%",
        "112.3%",
        "115.3%",
        "118.5%",
    ]
    # the repeat rate needs no base: 2020-21's 30,095.5 repeats / 93,815 cases = 32.08%, SafeLives' 0.3208
    assert years[2021]["repeat_rate"] == pytest.approx(30_095.5 / 93_815)
    assert round(years[2021]["repeat_rate"], 4) == 0.3208
    assert years[2023]["forces_partial"] == ["Lancashire", "Metropolitan Police"]
    assert years[2023]["forces_without_figures"] == ["Norfolk", "West Midlands"]
    assert "left out, no figures: Norfolk, West Midlands" in years[2023]["source"]
    assert "counted as published over the force's whole population" in years[2023]["source"]


def _forces_dataset() -> Dataset:
    """The fixture's two forces (Northshire 30,000 females 16+, Southshire 30,000), plus Eshire (England, no figures),
    Xshire (England, no population on the base) and Wshire (Wales), with SafeLives-shaped figures for 2020-21."""
    tables = fx.tables()
    extra = pl.DataFrame(
        {
            "lad_code": ["LA6", "LA7", "LA8"],
            "lad_name": ["Fton", "Gton", "Hton"],
            "region_code": ["RW", "RS", "RS"],
            "region_name": ["Wales", "South", "South"],
            "country_name": ["Wales", "England", "England"],
            "pfa_code": ["PW", "PE", "PX"],
            "pfa_name": ["Wshire", "Eshire", "Xshire"],
        }
    )
    tables["area"] = pl.concat([tables["area"], extra.select(tables["area"].columns)])
    census = tables["population"].filter(pl.col("base") == "census2021").head(1)
    added = pl.concat(
        [
            census.with_columns(lad_code=pl.lit(c), females_16plus=pl.lit(n, dtype=pl.Int64))
            for c, n in (("LA6", 50_000), ("LA7", 40_000))
        ]
    )
    tables["population"] = pl.concat([tables["population"], added])
    forces = ["PN", "PS", "PE", "PX", "PW"]
    tables["safelives_published"] = pl.DataFrame(
        {
            "pfa_code": forces,
            "pfa_name": ["Northshire", "Southshire", "Eshire", "Xshire", "Wshire"],
            "safelives_name": ["Northshire", "Southshire", "Eshire", "Xshire", "Wshire"],
            "financial_year": ["2020-21"] * 5,
            "period_start": [date(2020, 4, 1)] * 5,
            "period_end": [date(2021, 3, 31)] * 5,
            "maracs": [2.0, 2.0, None, 1.0, 3.0],
            "cases": [90.0, 150.0, None, 500.0, 1_000.0],
            "recommended_cases": [100.0, 100.0, None, 100.0, 100.0],
            "safelives_rate_per_10k": [36.0, 60.0, None, 50.0, 80.0],
            "repeat_cases": [27.0, 45.0, None, 100.0, 300.0],
            "repeat_rate": [0.3, 0.3, None, 0.2, 0.3],
            "children_in_household": [0.0] * 5,
            "status": ["complete", "partial", "missing", "complete", "complete"],
            "caveat": [None, "a MARAC missing", "no data", None, None],
            "source": ["made up"] * 5,
        }
    )
    tables["national"] = pl.DataFrame(
        {
            "period_start": [date(2020, 4, 1), date(2020, 1, 1)],
            "period_end": [date(2021, 3, 31), date(2020, 12, 31)],
            "scope": ["England", "UK"],
            "maracs": [4.0, 9.0],
            "cases": [240.0, 2_000.0],
            "cases_per_10k": [48.0, 50.0],
            "repeat_rate": [0.3, 0.31],
            "partner_agency_share": [None, 0.4],
            **{c: [None, 0.05] for c in ("share_racially_minoritised", "share_lgbt", "share_disabled")},
            **{c: [None, 0.05] for c in ("share_male", "share_aged_16_17")},
            "source": ["made up England", "made up UK"],
        },
        schema_overrides={"partner_agency_share": pl.Float64},
    )
    return Dataset.from_tables(tables)


def test_comparators_put_england_on_the_maracs_base_first_and_label_every_base() -> None:
    data = _forces_dataset()
    same, published, uk = national_comparator(data, date(2021, 3, 31)).iter_rows(named=True)
    # England on Census 2021: Northshire 90 + Southshire 150 (partial, as published) = 240 cases over
    # 30,000 + 30,000 = 60,000 females 16+ = 40.0 per 10,000 = 100% of the recommended 40. Left out: Eshire (no
    # figures), Xshire (its Hton has no population on the base) and Wshire (Wales). Repeats 27 + 45 = 72 / 240 = 30%.
    assert same["group_name"] == (
        "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures), 12 months to Mar 2021"
    )
    assert (same["cases"], same["adult_female_population"], same["maracs"]) == (240, 60_000, 4)
    assert same["cases_per_10k"] == pytest.approx(40.0) and same["pct_of_recommended"] == pytest.approx(1.0)
    assert same["repeat_rate"] == pytest.approx(0.3) and same["same_base"] is True
    assert "partial (a MARAC missing for part of the year" in same["source"] and ": Southshire;" in same["source"]
    assert "left out, no figures: Eshire; left out, no population on this base: Xshire." in same["source"]
    # the same cases as SafeLives published them: 48 per 10,000 on its own base, 120% of 40
    assert published["comparator"] == "England, SafeLives' own base (as published)"
    assert published["pct_of_recommended"] == pytest.approx(1.2) and published["same_base"] is False
    assert uk["comparator"] == "UK, SafeLives' own base (as published)"
    assert uk["police_share"] == pytest.approx(0.6)  # 1 - 40% partner-agency referrals
    # on females 18+ the same forces hold 9,000 + 14,000 + 4,000 + 19,000 + 9,500 = 55,500: 240 / 55,500 x 10,000
    # = 43.24 per 10,000 = 108.1%
    adults = Dataset.from_tables({**fx.tables(), **_tables_of(data)}, population_measure="females_18plus")
    (row,) = national_comparator(adults, date(2021, 3, 31)).filter(pl.col("same_base")).iter_rows(named=True)
    assert row["comparator"] == "England, Census 2021 females aged 18+ (recomputed from SafeLives' force figures)"
    assert row["adult_female_population"] == 55_500
    assert row["pct_of_recommended"] == pytest.approx(240 / 55_500 * 10_000 / 40)


def _tables_of(data: Dataset) -> dict[str, pl.DataFrame]:
    """The force, area and national tables a dataset was built from, to build it again on another measure."""
    return {"safelives_published": data.published_forces, "area": data.areas, "national": data.national}


def test_series_runs_same_base_rows_first_and_without_a_force_table_keeps_published_only() -> None:
    series = national_series(_forces_dataset())
    assert series["comparator"].to_list() == [
        "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures)",
        "England, SafeLives' own base (as published)",
        "UK, SafeLives' own base (as published)",
    ]
    assert national_series(_dataset())["same_base"].sum() == 0  # no force table: nothing recomputed, nothing faked


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
