"""A nil return is a held quarter everywhere a page asks what is held: the period ends offered, the sidebar's
"Returns held to …", the MARACs with returns, and `marac history`.

Hackney (E09000012) sends 2020-21 Q4 as two meetings, then 2021-22 Q1 (April to June 2021) as a nil return.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

import marac_cli.main as cli
from dashboard import data
from loaders import store
from metrics.dataset import Dataset
from tests.loaders.test_nil_return import HACKNEY, V1, load, nil_csv


def _held(tmp_path: Path) -> Path:
    db = tmp_path / "marac.duckdb"
    assert load(db, V1).outcome == "loaded"
    assert load(db, nil_csv(tmp_path / "hackney nil.csv", day="12/05/2021")).outcome == "loaded"
    return db


def test_a_nil_quarter_is_a_period_end_and_its_marac_has_returns(tmp_path: Path) -> None:
    dataset = Dataset.from_tables(store.read_tables(_held(tmp_path)))
    # the newest quarter held is the nil one, 30 June 2021, then the meetings' 31 March 2021
    assert data.period_ends(dataset) == [date(2021, 6, 30), date(2021, 3, 31)]
    assert data.status_line(dataset).startswith("Returns held to 2021-22 Q1")
    nil_only = Dataset.from_tables(
        {**store.read_tables(_held(tmp_path / "again")), "meeting": dataset.meetings.clear()}
    )
    assert data.with_returns(nil_only) == {HACKNEY}


def test_marac_history_says_a_version_is_a_nil_return(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli.app, ["history", "--db", str(_held(tmp_path)), "--marac", HACKNEY])
    assert done.exit_code == 0, done.output
    assert "nil return (no meetings)  (current)" in done.output
    assert "2 meeting(s), 7 cases  (current)" in done.output
