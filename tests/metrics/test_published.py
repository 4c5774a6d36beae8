"""SafeLives' published force figures on SafeLives' base and on ours, their status, and set beside a dataset's returns.

The real figures are checked by hand against the shipped reference data:

- Metropolitan Police 2020-21: 15,960 cases; Census 2021 females 16+ in the 32 boroughs 3,697,982 (the City of London
  is its own force): 15,960 / 3,697,982 x 10,000 = 43.16 per 10,000, / 40 = 107.9% of the recommended volume;
  SafeLives' own: 15,960 / 13,370 recommended = 119.4%, published rate 47.74.
- Lancashire 2019-20: 3,045 cases over 639,769 = 47.60 per 10,000 = 119.0%; SafeLives' own 3,045 / 2,440 = 124.8%.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from loaders.reference import read_reference
from metrics.dataset import Dataset
from metrics.published import (
    SAFELIVES_BASE,
    force_populations,
    published_figures,
    registry_counts,
    returns_against_published,
    side_by_side,
)
from metrics.ranges import Ranges
from tests.helpers.metrics import tables as toy_tables

MET, LANCASHIRE, CITY = "E23000001", "E23000003", "E23000034"


@pytest.fixture(scope="module")
def reference() -> dict[str, pl.DataFrame]:
    return read_reference()


@pytest.fixture(scope="module")
def ranges(reference: dict[str, pl.DataFrame]) -> Ranges:
    return Ranges.from_frame(reference["safelives_range"])


def figures(reference: dict[str, pl.DataFrame], ranges: Ranges, base: str = "census2021") -> pl.DataFrame:
    return published_figures(
        reference["safelives_published"], reference["area"], reference["population"], ranges, base=base
    )


def row(frame: pl.DataFrame, code: str, year: str) -> dict[str, object]:
    return frame.filter((pl.col("pfa_code") == code) & (pl.col("financial_year") == year)).row(0, named=True)


def test_metropolitan_police_2020_21_on_census_2021(reference, ranges) -> None:
    met = row(figures(reference, ranges), MET, "2020-21")
    assert met["force"] == "Metropolitan Police" and met["status"] == "complete"
    assert met["cases"] == 15960 and met["maracs"] == 32
    assert met["adult_female_population"] == 3_697_982  # the 32 boroughs, not the City of London
    assert met["cases_per_10k"] == pytest.approx(15960 / 3_697_982 * 10_000)
    assert round(met["cases_per_10k"], 1) == 43.2
    assert met["pct_of_recommended"] == pytest.approx(15960 / 3_697_982 * 10_000 / 40)
    assert round(met["pct_of_recommended"] * 100, 1) == 107.9
    assert met["volume_verdict"] == "above"
    # SafeLives' own figures travel with every base: the published rate and cases over its recommended cases
    assert met["safelives_rate_per_10k"] == pytest.approx(47.73885054060659)
    assert round(met["safelives_pct_of_recommended"] * 100, 1) == 119.4  # 15,960 / 13,370
    assert met["base_label"] == "Census 2021, females aged 16+"
    # Byar's 95% interval for 15,960 cases, over the population: about 2 x 1.96 x sqrt(15,960) / 3,697,982 x 10,000
    assert met["cases_per_10k_ci95_low"] < met["cases_per_10k"] < met["cases_per_10k_ci95_high"]
    assert met["cases_per_10k_ci95_high"] - met["cases_per_10k_ci95_low"] == pytest.approx(1.342, abs=0.01)


def test_lancashire_2019_20_on_census_2021_and_on_safelives_base(reference, ranges) -> None:
    ours = row(figures(reference, ranges), LANCASHIRE, "2019-20")
    assert ours["cases"] == 3045 and ours["adult_female_population"] == 639_769
    assert round(ours["cases_per_10k"], 1) == 47.6
    assert round(ours["pct_of_recommended"] * 100, 1) == 119.0
    theirs = row(figures(reference, ranges, SAFELIVES_BASE), LANCASHIRE, "2019-20")
    assert round(theirs["pct_of_recommended"] * 100, 1) == 124.8  # 3,045 / 2,440, as SafeLives publishes it
    assert theirs["cases_per_10k"] == pytest.approx(50.00361274049357)  # SafeLives' published rate
    assert theirs["adult_female_population"] == pytest.approx(3045 / 50.00361274049357 * 10_000)  # its base
    assert theirs["base_label"] == "SafeLives' own base"
    assert theirs["repeat_rate"] == pytest.approx(616 / 3045)


def test_side_by_side_carries_both_bases(reference, ranges) -> None:
    both = side_by_side(
        reference["safelives_published"], reference["area"], reference["population"], ranges, base="census2021"
    )
    lancashire = row(both, LANCASHIRE, "2019-20")
    assert round(lancashire["pct_of_recommended"] * 100, 1) == 119.0
    assert lancashire["safelives_cases_per_10k"] == pytest.approx(50.00361274049357)
    assert lancashire["safelives_volume_verdict"] == "above"


def test_every_force_and_year_with_its_status(reference, ranges) -> None:
    frame = figures(reference, ranges)
    assert frame.height == 43 * 7
    assert frame["pfa_code"].n_unique() == 43
    status = {(r["force"], r["financial_year"]): r["status"] for r in frame.iter_rows(named=True)}
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(2018, 2025)]
    for force in ("West Midlands", "North Wales", "Gwent", "South Wales", "Dyfed-Powys"):
        assert [status[(force, y)] for y in years] == ["missing"] * 7, force
    assert [status[("Norfolk", y)] for y in years] == ["complete"] * 4 + ["missing"] * 3
    assert [status[("Lancashire", y)] for y in years] == ["complete"] * 4 + ["partial"] * 3
    assert [status[("Greater Manchester", y)] for y in years] == ["partial"] * 3 + ["complete"] * 4
    assert [status[("Metropolitan Police", y)] for y in years] == ["complete"] * 3 + ["partial"] * 2 + ["complete"] * 2
    assert status[("Kent", "2024-25")] == "complete"
    # every missing or partial year says why
    assert frame.filter((pl.col("status") != "complete") & pl.col("caveat").is_null()).is_empty()
    assert "Wigan" in row(frame, "E23000005", "2019-20")["caveat"]


def test_a_missing_year_has_no_figures_never_zero(reference, ranges) -> None:
    frame = figures(reference, ranges)
    missing = frame.filter(pl.col("status") == "missing")
    for column in ("maracs", "cases", "repeat_cases", "cases_per_10k", "pct_of_recommended", "repeat_rate"):
        assert missing[column].null_count() == missing.height, column
    # Norfolk 2023-24 is published as 0 MARACs and 0 cases: not submitted, so missing, not zero
    norfolk = row(frame, "E23000024", "2023-24")
    assert norfolk["status"] == "missing" and norfolk["cases"] is None and norfolk["volume_verdict"] is None
    assert "not zero" in norfolk["caveat"]
    # a hand edit that leaves a figure on a missing row is still not shown
    edited = reference["safelives_published"].with_columns(
        pl.when(pl.col("pfa_code") == "E23000014").then(0.0).otherwise(pl.col("cases")).alias("cases")
    )
    again = published_figures(edited, reference["area"], reference["population"], ranges)
    assert row(again, "E23000014", "2020-21")["cases"] is None


def test_a_partial_year_keeps_its_figures(reference, ranges) -> None:
    lancashire = row(figures(reference, ranges), LANCASHIRE, "2023-24")
    assert lancashire["status"] == "partial" and lancashire["cases"] == 819 and lancashire["maracs"] == 2
    assert "partial submission" in lancashire["caveat"]


def london_only(population: pl.DataFrame) -> pl.DataFrame:
    """A base holding the 33 London authorities only (Census 2021's figures, named 'london_only')."""
    return pl.concat(
        [
            population,
            population.filter(
                (pl.col("base") == "census2021") & pl.col("lad_code").str.starts_with("E09")
            ).with_columns(pl.lit("london_only").alias("base")),
        ]
    )


def test_a_base_missing_an_authority_gives_no_rate_and_names_it(reference, ranges) -> None:
    population = london_only(reference["population"])
    partial = published_figures(
        reference["safelives_published"], reference["area"], population, ranges, base="london_only"
    )
    kent = row(partial, "E23000032", "2020-21")
    assert kent["cases"] == 2755  # SafeLives' figures stay
    assert kent["adult_female_population"] is None and kent["cases_per_10k"] is None
    assert kent["pct_of_recommended"] is None and kent["volume_verdict"] is None
    assert len(kent["authorities_missing"]) == kent["authorities"] == 13 and "Ashford" in kent["authorities_missing"]
    assert row(partial, MET, "2019-20")["adult_female_population"] == 3_697_982
    assert row(partial, MET, "2019-20")["authorities_missing"] == []
    # one authority short: no smaller population, and the missing one named
    without_hackney = reference["population"].filter(
        ~((pl.col("lad_code") == "E09000012") & (pl.col("base") == "census2021"))
    )
    forces = force_populations(reference["area"], without_hackney, "census2021")
    met = forces.filter(pl.col("pfa_code") == MET).row(0, named=True)
    assert met["adult_female_population"] is None and met["authorities_missing"] == ["Hackney"]
    assert met["authorities"] == 32
    city = forces.filter(pl.col("pfa_code") == CITY).row(0, named=True)
    assert city["adult_female_population"] == 3577 and city["authorities_missing"] == []


def test_mid_2023_base_sums_the_forces_authorities(reference, ranges) -> None:
    # ONS mid-2023 females 16+: the 14 Lancashire authorities sum to 655,886 (data/reference/population_mye2023.csv)
    mye = figures(reference, ranges, "mye2023")
    lancashire = row(mye, LANCASHIRE, "2019-20")
    assert lancashire["adult_female_population"] == 655_886
    assert lancashire["cases_per_10k"] == pytest.approx(3045 / 655_886 * 10_000)
    assert lancashire["base_label"] == "ONS mid-2023 estimates, females aged 16+"


def test_unknown_base_is_refused(reference, ranges) -> None:
    with pytest.raises(ValueError, match="mye2030"):
        figures(reference, ranges, "mye2030")


# ------------------------------------------------------------------------------------------------ reconciliation
#
# The toy dataset of tests/helpers/metrics.py: Alpha (MA) and Beta (MB) in Northshire (PN), Gamma (MC) and Delta (MD)
# in Southshire (PS). Held cases by financial year (meeting dates):
#   2019-20: Alpha 50 (31 Mar 2020, Q4 only), Delta 30 (31 Mar 2020)     -> Northshire 50, Southshire 30
#   2020-21: Alpha 12 + 8 + 10 + 10 = 40 (all four quarters), Beta 20 + 20 + 12 + 12 = 64 (no Q3: three quarters)
#            -> Northshire 104, 1 of 2 MARACs with all four; Gamma 4 x 25 = 100, Delta nothing -> Southshire 100
#   2021-22: Alpha 60, Delta 10 (1 Apr 2021)                              -> Northshire 60, Southshire 10


def _published(rows: list[tuple[str, str, str, float | None, float | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "pfa_code": code,
                "pfa_name": name,
                "safelives_name": name,
                "financial_year": year,
                "period_start": date(int(year[:4]), 4, 1),
                "period_end": date(int(year[:4]) + 1, 3, 31),
                "maracs": maracs,
                "cases": cases,
                "recommended_cases": 100.0,
                "safelives_rate_per_10k": 40.0,
                "repeat_cases": None,
                "repeat_rate": None,
                "status": status,
                "caveat": None if status == "complete" else "why",
                "source": "made up",
            }
            for code, name, year, maracs, cases, status in rows
        ],
        schema_overrides={"repeat_cases": pl.Float64, "repeat_rate": pl.Float64, "caveat": pl.String},
    )


TOY_PUBLISHED = _published(
    [
        ("PN", "Northshire", "2019-20", 3.0, 90.0, "complete"),
        ("PN", "Northshire", "2020-21", 3.0, 110.0, "complete"),
        ("PN", "Northshire", "2021-22", 2.0, 70.0, "partial"),
        ("PS", "Southshire", "2019-20", 2.0, 30.0, "complete"),
        ("PS", "Southshire", "2020-21", None, None, "missing"),
        ("PS", "Southshire", "2021-22", 2.0, 12.0, "complete"),
        ("PX", "Elsewhere", "2020-21", 4.0, 400.0, "complete"),  # no registry MARAC: left out
    ]
)


@pytest.fixture
def toy() -> Dataset:
    return Dataset.from_tables(toy_tables())


def test_registry_counts_beside_safelives_newest_complete_year(toy: Dataset) -> None:
    counts = {r["force"]: r for r in registry_counts(toy, TOY_PUBLISHED).iter_rows(named=True)}
    assert set(counts) == {"Northshire", "Southshire"}
    # Northshire's newest complete year is 2020-21 (2021-22 is partial): SafeLives counts 3, the registry 2
    assert counts["Northshire"]["safelives_year"] == "2020-21"
    assert counts["Northshire"]["safelives_maracs"] == 3 and counts["Northshire"]["registry_maracs"] == 2
    assert counts["Northshire"]["differs"] is True
    assert counts["Southshire"]["safelives_year"] == "2021-22" and counts["Southshire"]["differs"] is False


def test_held_returns_beside_published_cases_with_coverage(toy: Dataset) -> None:
    table = returns_against_published(toy, TOY_PUBLISHED)
    assert set(table["force"]) == {"Northshire", "Southshire"}
    north = {r["financial_year"]: r for r in table.filter(pl.col("force") == "Northshire").iter_rows(named=True)}
    assert north["2020-21"]["held_cases"] == 104 and north["2020-21"]["safelives_cases"] == 110
    assert north["2020-21"]["difference"] == -6 and north["2020-21"]["held_share"] == pytest.approx(104 / 110)
    assert north["2020-21"]["maracs_with_returns"] == 2 and north["2020-21"]["maracs_all_quarters"] == 1
    assert north["2020-21"]["all_quarters"] is False  # Beta sent no 2020-21 Q3
    assert north["2019-20"]["held_cases"] == 50 and north["2019-20"]["maracs_with_returns"] == 1
    assert north["2021-22"]["held_cases"] == 60 and north["2021-22"]["status"] == "partial"
    assert north["2020-21"]["area_share_covered"] == 1.0
    south = {r["financial_year"]: r for r in table.filter(pl.col("force") == "Southshire").iter_rows(named=True)}
    assert south["2020-21"]["held_cases"] == 100 and south["2020-21"]["maracs_all_quarters"] == 1
    assert south["2020-21"]["safelives_cases"] is None and south["2020-21"]["difference"] is None  # missing, not 0
    assert south["2019-20"]["held_cases"] == 30
    assert south["2021-22"]["held_cases"] == 10 and south["2021-22"]["difference"] == -2


def test_a_year_with_no_returns_held_is_empty_not_zero(toy: Dataset) -> None:
    quiet = Dataset.from_tables({**toy_tables(), "meeting": toy_tables()["meeting"].clear()})
    table = returns_against_published(quiet, TOY_PUBLISHED)
    assert table["held_cases"].null_count() == table.height
    assert set(table["maracs_with_returns"]) == {0} and not any(table["all_quarters"])
