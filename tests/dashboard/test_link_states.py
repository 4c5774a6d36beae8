"""A link asking for a choice the page does not offer is named, with what is shown instead (issue 19, links and
states): `?marac=Nowhere` used to open the first MARAC without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reporting.link_words import QUOTED, unknown_choice

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")


def opened(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> AppTest:
    """`page` opened straight from a link carrying `params`, as a browser opens an agenda's link."""
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def link_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("No ")]


def test_an_unknown_marac_in_a_link_is_named_with_the_one_shown(fixture_db: Path, monkeypatch) -> None:
    at = opened(fixture_db, monkeypatch, "borough_profile", marac="Nowhere")
    # the profile opens on the first MARAC holding returns, by name: Hackney (Tower Hamlets is the other)
    assert link_warnings(at) == ["No MARAC called “Nowhere”: showing Hackney."]
    assert at.selectbox(key="marac").value == "E09000012"
    known = opened(fixture_db, monkeypatch, "borough_profile", marac="Tower Hamlets", period_end="31 Dec 2020")
    assert link_warnings(known) == [] and known.selectbox(key="marac").value == "E09000030"


def test_an_unknown_period_area_and_indicator_are_each_named(fixture_db: Path, monkeypatch) -> None:
    at = opened(
        fixture_db,
        monkeypatch,
        "regional_comparison",
        area="Atlantis",
        window="Monthly",
        period_end="2021-03-31",  # a date, but not as the Ending box names it: Streamlit drops it
        indicator="Happiness",
    )
    assert link_warnings(at) == [
        r"No area called “Atlantis”: showing London \(region\).",
        "No period “Monthly”: showing Rolling 12 months.",
        r"No period ending “2021\-03\-31”: showing 31 Mar 2021.",  # escaped as Markdown, shown as typed
        "No indicator called “Happiness”: showing Cases as % of recommended volume.",
    ]


def test_a_crafted_value_is_quoted_back_escaped_and_cut_short(fixture_db: Path, monkeypatch) -> None:
    crafted = "**Urgent** [sign in here](http://evil.example) " + "x" * 200
    (said,) = link_warnings(opened(fixture_db, monkeypatch, "borough_profile", marac=crafted))
    assert said == unknown_choice("MARAC called", crafted, "Hackney")
    assert said.startswith(r"No MARAC called “\*\*Urgent\*\* \[sign in here\]")
    assert "](http" not in said and "**" not in said
    assert said.count("x") < QUOTED and "…”: showing Hackney." in said
