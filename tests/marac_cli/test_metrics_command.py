"""`marac metrics` prints the documented columns with the fixture's hand-computed figures (see tests/helpers/fixture_db.py)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from loaders import store
from metrics.dataset import Dataset
from metrics.indicators import value_columns

README = Path(__file__).resolve().parents[2] / "README.md"


def marac(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marac_cli.main", *args], capture_output=True, text=True, timeout=120)


def test_csv_by_marac(fixture_db: Path) -> None:
    done = marac("metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--region", "London")
    assert done.returncode == 0, done.stderr
    frame = pl.read_csv(io.StringIO(done.stdout))
    assert frame.columns[:4] == ["group_code", "group_name", "period_start", "period_end"]
    assert frame.height == 32
    hackney = frame.filter(pl.col("group_code") == "E09000012").row(0, named=True)
    assert hackney["cases"] == 400 and hackney["repeat_cases"] == 120
    assert hackney["adult_female_population"] == 110780
    assert hackney["recommended_cases"] == pytest.approx(443.12)
    assert hackney["pct_of_recommended"] == pytest.approx(400 / 443.12)
    assert hackney["volume_verdict"] == "within"
    assert hackney["share_referrals_childrens_social_care"] == pytest.approx(78 / 400)  # 19.5 x 4
    assert hackney["share_referrals_housing"] == pytest.approx(2 / 400)  # 0.5 x 4
    assert hackney["police_verdict"] == "below"
    assert hackney["population_base"] == "Census 2021, females aged 16+"
    camden = frame.filter(pl.col("group_code") == "E09000007").row(0, named=True)
    assert camden["cases"] is None and camden["volume_verdict"] is None and camden["maracs_reporting"] == 0
    # no returns means no counts, not zeros
    assert [
        camden[c] for c in ("repeat_cases", "referrals_police", "referrals_total", "victims_lgbt", "recommended_cases")
    ] == [None] * 5


def test_json_by_bcu_quarter_window(fixture_db: Path) -> None:
    done = marac(
        "metrics",
        "--db",
        str(fixture_db),
        "--period-end",
        "2021-03-31",
        "--window",
        "quarter",
        "--group",
        "bcu",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    rows = {r["group_code"]: r for r in json.loads(done.stdout)}
    central_east = rows["Central East"]
    # one quarter: 100 + 150 cases, annualised x4 = 1,000 on 237,084 females
    assert central_east["cases"] == 250
    assert central_east["annualised_cases"] == pytest.approx(1000)
    assert central_east["cases_per_10k"] == pytest.approx(1000 / 237084 * 10_000)
    assert central_east["period_start"] == "2021-01-01"
    assert rows["North West"]["cases"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--period-end", "2021-02-28"],
            "period end 2021-02-28 is not a quarter end; expected 31 March, 30 June, 30 September or 31 December",
        ),
        (["--period-end", "2020-12-31", "--window", "fy"], "a financial year ends on 31 March, not 2020-12-31"),
        (["--period-end", "31/03/2021"], "--period-end 31/03/2021: Invalid isoformat string"),
    ],
)
def test_bad_period_is_refused_clearly(fixture_db: Path, args: list[str], message: str) -> None:
    done = marac("metrics", "--db", str(fixture_db), *args)
    assert done.returncode == 2
    assert message in done.stderr


def test_missing_database(tmp_path: Path) -> None:
    done = marac("metrics", "--db", str(tmp_path / "none.duckdb"), "--period-end", "2021-03-31")
    assert done.returncode == 2
    assert f"no database at {tmp_path / 'none.duckdb'}" in done.stderr


def test_every_output_column_is_documented(fixture_db: Path) -> None:
    dataset = Dataset.from_tables(store.read_tables(fixture_db))
    readme = README.read_text()
    documented = set(re.findall(r"`([a-z0-9_]+)`", readme))
    done = marac("metrics", "--db", str(fixture_db), "--period-end", "2021-03-31")
    printed = pl.read_csv(io.StringIO(done.stdout)).columns
    assert set(value_columns(dataset)) <= set(printed)
    missing = []
    for column in printed:
        base = re.sub(r"_(ci95|ci998)_(low|high)$|_significance$", "", column)
        agency = re.match(r"(share_)?referrals_(\w+)$", base)
        if column in documented or (agency and agency.group(2) in documented):
            continue
        if (
            base != column
            and (base in documented or agency)
            and ("_significance" in column or "<value>_ci95_low" in readme)
        ):
            continue
        if column.startswith("victims_"):
            continue  # documented as victims_*
        missing.append(column)
    assert missing == []
    assert all(a in documented for a in dataset.agencies)


def test_mid_2023_base(fixture_db: Path) -> None:
    done = marac(
        "metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--group", "region", "--base", "mye2023"
    )
    assert done.returncode == 0, done.stderr
    london = pl.read_csv(io.StringIO(done.stdout)).filter(pl.col("group_code") == "London").row(0, named=True)
    assert london["adult_female_population"] == 249_890  # 113,799 + 136,091
    assert london["population_base"] == "ONS mid-2023 estimates, females aged 16+"
    # 1,000 / 999.56 = 100.04%, but 2 of London's 32 MARACs cover 249,890 of its 3,769,199 females 16+ (6.6% of the
    # year's population-time): too little of London to judge its volume
    assert london["pct_of_recommended"] == pytest.approx(1000 / 999.56)
    assert london["volume_coverage"] == pytest.approx(249_890 / 3_769_199)
    assert london["volume_verdict"] == "incomplete"


def test_unknown_base_is_refused(fixture_db: Path) -> None:
    done = marac("metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--base", "mye2031")
    assert done.returncode == 2
    assert "population base 'mye2031' is not in the reference data" in done.stderr


def test_real_returns_are_not_mixed_into_the_demo(tmp_path: Path, fixture_db: Path) -> None:
    from loaders import store as st

    demo = tmp_path / "demo.duckdb"
    demo.write_bytes(fixture_db.read_bytes())
    with st.writing(demo) as conn:
        st.set_meta(conn, "synthetic", "true")
    before = demo.read_bytes()
    good = Path(__file__).resolve().parents[1] / "data" / "good" / "hackney-2021q1.csv"
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "load", str(good), "--db", str(demo)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "holds synthetic demo data; real returns loaded there would be mixed with made-up figures" in done.stderr
    assert demo.read_bytes() == before
    printed = marac("metrics", "--db", str(demo), "--period-end", "2021-03-31", "--group", "all")
    assert pl.read_csv(io.StringIO(printed.stdout))["synthetic"].to_list() == [True]


def test_unknown_region_is_named_not_silently_empty(fixture_db: Path) -> None:
    done = marac("metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--region", "Lancashire")
    assert done.returncode == 2
    assert 'No MARACs in the region "Lancashire"; the registry has: London, North West.' in done.stderr


def test_police_force_area_filter(fixture_db: Path) -> None:
    done = marac(
        "metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--pfa", "Lancashire", "--group", "pfa"
    )
    assert done.returncode == 0, done.stderr
    lancashire = pl.read_csv(io.StringIO(done.stdout)).row(0, named=True)
    assert (lancashire["group_name"], lancashire["maracs_in_group"], lancashire["maracs_reporting"]) == (
        "Lancashire",
        10,
        0,
    )


def test_area_rows_say_how_much_of_the_area_the_registry_covers(fixture_db: Path) -> None:
    done = marac("metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--group", "region")
    rows = {r["group_code"]: r for r in pl.read_csv(io.StringIO(done.stdout)).iter_rows(named=True)}
    assert rows["London"]["area_share_covered"] == pytest.approx(32 / 33)  # every borough but the City
    assert rows["North West"]["area_share_covered"] == pytest.approx(14 / 39)  # Lancashire's 14 of the region's 39
    assert rows["London"]["maracs_with_population"] == 2


def test_capacity_and_cost(fixture_db: Path) -> None:
    done = marac("metrics", "--db", str(fixture_db), "--period-end", "2021-03-31", "--region", "London")
    hackney = pl.read_csv(io.StringIO(done.stdout)).filter(pl.col("group_code") == "E09000012").row(0, named=True)
    # 400 cases a year; recommended 443.12 a year (40 per 10,000 of 110,780)
    assert hackney["idva_fte_for_current_volume"] == pytest.approx(4.0)  # 400 / 100 referrals per IDVA
    assert hackney["idva_fte_for_recommended_volume"] == pytest.approx(4.4312)
    assert hackney["admin_fte_for_current_volume"] == pytest.approx(1.0)  # 400 / 400 cases per administrator
    assert hackney["admin_fte_for_recommended_volume"] == pytest.approx(1.1078)
    assert hackney["cost_per_case"] == pytest.approx(245.82)
    assert hackney["annual_cost_estimate"] == pytest.approx(98_328.0)  # 400 x 245.82
