"""The sidebar's missing-quarters choice: SafeLives' rule changes the figures, and every caption says which rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.gap_db import write_gap_db

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")


@pytest.fixture(scope="module")
def gap_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gap_db(tmp_path_factory.mktemp("gap"))


@pytest.fixture
def app(gap_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(gap_db))
    return AppTest.from_file(APP, default_timeout=60)


def _volume(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Volume (% of recommended)"]


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_safelives_rule_fills_the_missing_quarter_and_says_so(app: AppTest) -> None:
    at = app.run()
    assert not at.exception
    # population-time: Hackney's 300 cases over three quarters of 110,780 and Tower Hamlets' 600 over a year of
    # 126,304: recommended 40 x (83,085 + 126,304) / 10,000 = 837.556 -> 900 / 837.556 = 107.5%
    assert _volume(at) == "107%"
    assert "Missing quarters: counted only for the quarters returned (population-time)" in _captions(at)
    assert at.radio(key="missing_quarters").value == "population_time"

    at.radio(key="missing_quarters").set_value("safelives").run()
    assert not at.exception
    # SafeLives' rule: Hackney's Q3 takes Q2's 100, so 1,000 cases over a full year of both: 1,000 / 948.336 = 105.4%
    assert _volume(at) == "105%"
    assert "Missing quarters: filled like SafeLives" in _captions(at)


def test_a_link_carries_the_choice(app: AppTest) -> None:
    # the choice is kept in the URL as the population base is, so a shared link shows the same figures
    app.query_params["missing_quarters"] = "Fill like SafeLives"
    at = app.run()
    assert not at.exception
    assert at.radio(key="missing_quarters").value == "safelives"
    assert _volume(at) == "105%"


def _finding(at: AppTest) -> str:
    """The bold sentence above the Trends chart, its markdown escapes taken out."""
    return next(
        re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown if m.value.startswith("**") and "12 months" in m.value
    )


def test_the_trends_rolling_year_follows_the_choice(app: AppTest) -> None:
    at = app.run()
    at.switch_page("../pages/trends.py").run()
    assert not at.exception
    # London's 12 months to March 2021: 900 / 837.556 = 107.5% (population-time), 1,000 / 948.336 = 105.4% (filled)
    assert "107.5% in the 12 months to March 2021" in _finding(at)
    at.radio(key="missing_quarters").set_value("safelives").run()
    assert not at.exception
    assert "105.4% in the 12 months to March 2021" in _finding(at)


def test_the_reconciliation_with_safelives_fills_the_held_cases_too(app: AppTest) -> None:
    def held_2020_21(at: AppTest) -> float:
        table = at.table[-1].value
        return table.loc[table["Year"] == "2020-21", "Cases in returns held"].iloc[0]

    at = app.run()
    at.switch_page("../pages/data_quality.py").run()
    assert not at.exception
    # the Metropolitan Police's 2020-21 in the returns held: Hackney 300 + Tower Hamlets 600 as returned; with
    # Hackney's Q3 filled from its Q2 as SafeLives fills its own figures, 400 + 600
    assert held_2020_21(at) == 900
    assert "Missing quarters: counted only for the quarters returned" in _captions(at)
    at.radio(key="missing_quarters").set_value("safelives").run()
    assert not at.exception
    assert held_2020_21(at) == 1000
    assert "Missing quarters: filled like SafeLives" in _captions(at)
