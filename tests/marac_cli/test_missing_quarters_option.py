"""`--missing-quarters` on `marac metrics` and `marac export`: SafeLives' rule changes the figures, and says so
(figures worked out in tests/helpers/gap_db.py)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.helpers.gap_db import HACKNEY_CODE, write_gap_db


@pytest.fixture(scope="module")
def gap_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gap_db(tmp_path_factory.mktemp("gap"))


def marac(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marac_cli.main", *args], capture_output=True, text=True, timeout=180)


def _rows(done: subprocess.CompletedProcess[str]) -> dict[str, dict]:
    assert done.returncode == 0, done.stderr
    return {r["group_code"]: r for r in pl.read_csv(io.StringIO(done.stdout)).iter_rows(named=True)}


def test_safelives_rule_fills_the_gap_and_names_the_method(gap_db: Path) -> None:
    common = ("metrics", "--db", str(gap_db), "--period-end", "2021-03-31", "--region", "London")
    default = marac(*common, "--group", "marac")
    filled = marac(*common, "--group", "marac", "--missing-quarters", "safelives")
    before, after = _rows(default)[HACKNEY_CODE], _rows(filled)[HACKNEY_CODE]
    # Hackney: 300 cases in three quarters against 400 with Q3 taking Q2's 100
    assert (before["cases"], before["quarters_filled"], before["missing_quarters_method"]) == (
        300,
        0,
        "population_time",
    )
    assert (after["cases"], after["quarters_filled"], after["missing_quarters_method"]) == (400, 1, "safelives")
    assert after["quarters_with_data"] == 4
    assert "Missing quarters: counted only for the quarters returned (population-time)" in default.stderr
    assert "Missing quarters: filled like SafeLives" in filled.stderr

    london = _rows(marac(*common, "--group", "region", "--missing-quarters", "safelives"))["London"]
    # 1,000 cases over 948.336 recommended = 105.45%, against population-time's 900 / 837.556 = 107.46%
    assert london["pct_of_recommended"] == pytest.approx(1000 / 948.336)
    assert _rows(marac(*common, "--group", "region"))["London"]["pct_of_recommended"] == pytest.approx(900 / 837.556)


def test_an_unknown_method_is_refused(gap_db: Path) -> None:
    done = marac("metrics", "--db", str(gap_db), "--period-end", "2021-03-31", "--missing-quarters", "carry")
    assert done.returncode == 2
    # typer's box wraps the message: read it with the box and line breaks taken out
    said = " ".join(line.strip(" │╭╮╰╯─") for line in done.stderr.splitlines())
    assert "Invalid value for '--missing-quarters'" in said
    assert "'carry' is not one of 'population_time', 'safelives'" in " ".join(said.split())
