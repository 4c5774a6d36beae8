"""`marac published` prints SafeLives' published force figures with the rate on the chosen base (values worked by hand:
see tests/metrics/test_published.py), from the shipped reference data, with no database."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from marac_cli import published

HEADER = [
    "force",
    "pfa_code",
    "financial_year",
    "maracs",
    "cases",
    "repeat_cases",
    "repeat_rate",
    "safelives_rate_per_10k",
    "safelives_pct_of_recommended",
    "base",
    "adult_female_population",
    "cases_per_10k",
    "cases_per_10k_ci95_low",
    "cases_per_10k_ci95_high",
    "pct_of_recommended",
    "volume_verdict",
    "status",
    "caveat",
    "authorities_missing",
]


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    """The command on an app of its own, as `marac_cli.main` registers it (so these tests need nothing else of main)."""
    app = typer.Typer()
    published.register(app, lambda text: str(text).replace("\x1b", "\\x1b"))

    @app.callback()
    def _root() -> None:  # a second entry, so Typer keeps `published` as a subcommand
        pass

    return app


def run(cli: typer.Typer, *args: str):
    done = CliRunner().invoke(cli, ["published", *args])
    return done


def test_csv_for_the_metropolitan_police_on_census_2021(cli) -> None:
    done = run(cli, "--year", "2020-21", "--pfa", "Metropolitan Police")
    assert done.exit_code == 0, done.output
    frame = pl.read_csv(io.StringIO(done.stdout))
    assert frame.columns == HEADER
    met = frame.row(0, named=True)
    assert frame.height == 1 and met["pfa_code"] == "E23000001" and met["financial_year"] == "2020-21"
    assert met["maracs"] == 32 and met["cases"] == 15960 and met["repeat_cases"] == 4015
    assert met["safelives_rate_per_10k"] == pytest.approx(47.73885054060659)
    assert met["safelives_pct_of_recommended"] == pytest.approx(15960 / 13370)
    assert met["adult_female_population"] == 3_697_982
    assert round(met["cases_per_10k"], 1) == 43.2  # 15,960 / 3,697,982 x 10,000
    assert round(met["pct_of_recommended"] * 100, 1) == 107.9  # of the recommended 40 per 10,000
    assert met["volume_verdict"] == "above" and met["status"] == "complete" and met["base"] == "census2021"
    assert "real data, not the synthetic demo" in done.stderr


def test_json_for_lancashire_on_safelives_base(cli) -> None:
    done = run(cli, "--base", "safelives", "--format", "json", "--year", "2019-20", "--pfa", "lancashire")
    assert done.exit_code == 0, done.output
    (row,) = json.loads(done.stdout)
    assert row["force"] == "Lancashire" and row["cases"] == 3045 and row["maracs"] == 10
    assert round(row["pct_of_recommended"] * 100, 1) == 124.8  # 3,045 / 2,440, as SafeLives publishes it
    assert row["cases_per_10k"] == pytest.approx(50.00361274049357)
    assert row["repeat_rate"] == pytest.approx(616 / 3045, abs=1e-6)


def test_lancashire_2019_20_on_census_2021(cli) -> None:
    done = run(cli, "--format", "json", "--year", "2019-20", "--pfa", "E23000003")
    (row,) = json.loads(done.stdout)
    assert row["adult_female_population"] == 639_769
    assert round(row["cases_per_10k"], 1) == 47.6 and round(row["pct_of_recommended"] * 100, 1) == 119.0


def test_every_force_and_year_with_missing_years_empty(cli) -> None:
    done = run(cli)
    assert done.exit_code == 0, done.output
    frame = pl.read_csv(io.StringIO(done.stdout), infer_schema_length=None)
    assert frame.height == 43 * 7
    norfolk = frame.filter((pl.col("force") == "Norfolk") & (pl.col("financial_year") == "2023-24")).row(0, named=True)
    assert norfolk["status"] == "missing" and norfolk["cases"] is None and norfolk["maracs"] is None
    assert "not zero" in norfolk["caveat"]
    statuses = dict(frame.group_by("status").len().iter_rows())
    # 5 forces never in the file (35) and Norfolk's 3 years missing; 3 + 2 + 3 partial years
    assert statuses == {"missing": 38, "partial": 8, "complete": 301 - 46}
    wales = frame.filter(pl.col("force") == "Gwent")
    assert set(wales["status"]) == {"missing"} and wales["cases"].null_count() == 7


def test_a_force_or_year_not_published_is_refused_by_name(cli) -> None:
    done = run(cli, "--pfa", "Atlantis\x1b[31m")
    assert done.exit_code == 2
    assert 'No police force area "Atlantis\\x1b[31m"' in done.stderr and "Avon and Somerset" in done.stderr
    assert "\x1b" not in done.stderr
    done = run(cli, "--year", "2030-31")
    assert done.exit_code == 2 and "2018-19, 2019-20" in done.stderr


def test_marac_published_runs_without_a_database(tmp_path) -> None:
    """The installed command: `marac published` in a folder with no database."""
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "published", "--year", "2020-21", "--pfa", "Cumbria"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    row = pl.read_csv(io.StringIO(done.stdout)).row(0, named=True)
    assert row["force"] == "Cumbria" and row["status"] == "complete"
