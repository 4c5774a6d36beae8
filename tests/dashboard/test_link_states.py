"""A link asking for a choice the page does not offer is named, with what is shown instead (issue 19, links and
states): `?marac=Nowhere` used to open the first MARAC without a word."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reporting.link_words import LATEST, QUOTED, unknown_choice

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


def test_the_period_is_always_in_the_link_even_on_the_newest_quarter(fixture_db: Path, monkeypatch) -> None:
    """Streamlit leaves a default choice out of the URL: a link copied on the newest quarter (31 Mar 2021 here) would
    open a newer one once it is loaded. The page writes the period it shows, default or not."""
    at = opened(fixture_db, monkeypatch, "regional_comparison")
    assert at.selectbox(key="period_end").value == date(2021, 3, 31)
    assert (at.query_params["window"], at.query_params["period_end"]) == ("Rolling 12 months", "31 Mar 2021")
    at.selectbox(key="period_end").select(date(2020, 12, 31)).run()
    assert at.query_params["period_end"] == "31 Dec 2020"
    at.selectbox(key="window").select("fy").run()  # a financial year ends on 31 March only
    assert at.selectbox(key="period_end").value == date(2021, 3, 31)
    assert (at.query_params["window"], at.query_params["period_end"]) == ("Financial year", "31 Mar 2021")


def test_a_link_to_an_earlier_quarter_stays_on_it_across_runs(fixture_db: Path, monkeypatch) -> None:
    at = opened(fixture_db, monkeypatch, "regional_comparison", period_end="30 Sep 2020")
    assert at.selectbox(key="period_end").value == date(2020, 9, 30)
    at.selectbox(key="indicator").select_index(1).run()  # another choice leaves the period as the link asked
    assert at.selectbox(key="period_end").value == date(2020, 9, 30)
    assert at.query_params["period_end"] == "30 Sep 2020" and not link_warnings(at)


def test_a_standing_link_opens_the_newest_quarter_and_stays_standing(fixture_db: Path, monkeypatch) -> None:
    at = opened(fixture_db, monkeypatch, "regional_comparison", period_end=LATEST)
    assert at.selectbox(key="period_end").value == date(2021, 3, 31) and not link_warnings(at)
    assert at.query_params["period_end"] == LATEST
    at.selectbox(key="indicator").select_index(1).run()
    assert at.query_params["period_end"] == LATEST
    at.selectbox(key="period_end").select(date(2020, 12, 31)).run()  # a quarter chosen: the link names it
    assert at.query_params["period_end"] == "31 Dec 2020"


def test_a_link_opens_a_data_quality_tab(fixture_db: Path, monkeypatch) -> None:
    """Data quality's tabs are kept in the URL like every other page's views (`?quality_view=History`)."""
    history = opened(fixture_db, monkeypatch, "data_quality", quality_view="History")
    assert [s.label for s in history.selectbox] == ["Area", "Period", "Ending", "MARAC", "Quarter"]
    assert "`marac history` prints the same in a terminal (see the README)." in [c.value for c in history.caption]
    # the default tab, Submissions, has no MARAC or quarter to choose
    assert [s.label for s in opened(fixture_db, monkeypatch, "data_quality").selectbox] == ["Area", "Period", "Ending"]


def test_presented_an_unknown_value_is_said_where_the_room_sees_it(fixture_db: Path, monkeypatch) -> None:
    """In presentation mode the choices are folded under a button, so a warning among them went unseen: it is a toast."""
    at = opened(fixture_db, monkeypatch, "regional_comparison", present="true", area="Atlantis")
    assert not link_warnings(at)
    assert [t.value for t in at.toast] == [r"No area called “Atlantis”: showing London \(region\)."]


def test_a_standing_link_left_open_moves_on_when_a_newer_quarter_is_loaded(
    fixture_db: Path, tmp_path: Path, monkeypatch
) -> None:
    """A screen left on `?period_end=latest` while a coordinator loads the next quarter shows that quarter on its next
    run, as a fresh visit would, and its link stays standing; a quarter chosen in the box is not overridden."""
    import shutil

    from loaders import store
    from loaders.demo import write_return
    from tests.helpers.fixture_db import meeting

    db = tmp_path / "open.duckdb"
    shutil.copyfile(fixture_db, db)
    at = opened(db, monkeypatch, "regional_comparison", period_end=LATEST)
    assert at.selectbox(key="period_end").value == date(2021, 3, 31)
    newer = write_return(
        tmp_path / "hackney 2021-22 Q1.csv", [meeting("E09000012", date(2021, 5, 10), cases_discussed=20)]
    )
    with store.writing(db) as conn:
        store.load_file(conn, newer.name, content=newer.read_bytes(), who="test")
    at.run()
    assert at.selectbox(key="period_end").value == date(2021, 6, 30)
    assert at.query_params["period_end"] == LATEST
    at.selectbox(key="period_end").select(date(2021, 3, 31)).run()  # chosen: it stays, and the link names it
    at.run()
    assert at.selectbox(key="period_end").value == date(2021, 3, 31)
    assert at.query_params["period_end"] == "31 Mar 2021"
