"""The National picture page under AppTest, on the fixture database (tests/helpers/fixture_db.py), and the Data
quality page's reconciliation with SafeLives' published figures.

SafeLives' figures are the shipped reference data (real, public); the hand-checked values are those of
tests/metrics/test_published.py: the Metropolitan Police 2020-21 at 15,960 cases, 43.2 per 10,000 on Census 2021
(3,697,982 females 16+) and 107.9% of the recommended 40; SafeLives' own 119.4%.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from reporting.theme import SYNTHETIC_NOTE

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
PAGE = "../pages/national_picture.py"
CENSUS = "Census 2021, females aged 16+"


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, **state: object) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(PAGE)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


@pytest.fixture
def demo_db(fixture_db: Path, tmp_path: Path) -> Path:
    """The fixture database marked as the synthetic demo."""
    demo = tmp_path / "demo.duckdb"
    shutil.copyfile(fixture_db, demo)
    with store.writing(demo) as conn:
        store.set_meta(conn, "synthetic", "true")
    return demo


def test_page_says_these_are_safelives_real_figures(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(fixture_db, monkeypatch)
    assert not at.exception
    assert [t.value for t in at.title] == ["National picture"]
    assert at.info[0].value.startswith("**SafeLives' published figures: real data, not the synthetic demo.**")
    # the newest year first: 2024-25, in which 37 of the 43 forces published (not the West Midlands, Norfolk, Wales)
    assert at.selectbox(key="national_year").value == "2024-25"
    assert "SafeLives published figures for 37 of the 43 police force areas" in at.markdown[0].value
    captions = " ".join(c.value for c in at.caption)
    assert "West Midlands" in captions and "Norfolk" in captions
    assert "Lancashire 2024\\-25 is partial" in captions


def test_the_demo_banner_stays_off_this_page_only(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert any(SYNTHETIC_NOTE in w.value for w in at.warning)  # the regional overview: the demo's figures
    at.switch_page(PAGE).run()
    assert not at.exception
    assert not any(SYNTHETIC_NOTE in w.value for w in at.warning)
    assert "real data, not the synthetic demo" in at.info[0].value


def test_table_gives_the_metropolitan_police_on_both_bases(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(fixture_db, monkeypatch, national_view="Table", national_year="2020-21", national_base="census2021")
    assert not at.exception
    table = at.dataframe[0].value.set_index("Force")
    assert len(table) == 43  # every force, one year
    met = table.loc["Metropolitan Police"]
    assert met["Cases"] == 15960 and met["MARACs"] == 32 and met["Status"] == "complete"
    assert round(met[f"Rate per 10,000 ({CENSUS})"], 1) == 43.2
    assert round(met[f"% of recommended ({CENSUS})"], 1) == 107.9
    assert round(met["SafeLives % of recommended"], 1) == 119.4
    lancashire = table.loc["Lancashire"]
    assert round(lancashire[f"% of recommended ({CENSUS})"], 1) == 97.1  # 2,484 / 639,769 x 10,000 = 38.8, / 40
    assert round(lancashire["SafeLives % of recommended"], 1) == 101.8  # 2,484 / 2,440
    west_midlands = table.loc["West Midlands"]
    assert west_midlands["Status"] == "✗ missing" and west_midlands.isna()["Cases"]


def test_every_view_draws(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for view in ("Ranked", "Map", "Each year"):
        at = open_page(fixture_db, monkeypatch, national_view=view, national_indicator="repeat_rate")
        assert not at.exception, view
    at = open_page(fixture_db, monkeypatch, national_view="Each year", national_base="safelives")
    assert not at.exception
    # the trend opens on a force the registry covers: the fixture's MARACs are London's
    assert at.selectbox(key="national_force").value == "E23000001"


def test_data_quality_sets_the_returns_beside_safelives(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(fixture_db))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("../pages/data_quality.py").run()
    assert not at.exception
    assert "Against SafeLives' published figures" in [h.value for h in at.subheader]
    said = " ".join(m.value for m in at.markdown)
    # SafeLives counts 30 Met MARACs in 2024-25, its newest complete year; the registry's count is its own
    assert "SafeLives counts 30 MARACs in Metropolitan Police \\(2024\\-25\\)" in said
    table = at.table[-1].value.set_index("Year")
    # the fixture holds Hackney's 400 and Tower Hamlets' 600 cases in 2020-21: 1,000 of SafeLives' 15,960
    assert table.loc["2020-21", "Cases in returns held"] == 1000
    assert table.loc["2020-21", "SafeLives' published cases"] == 15960
    assert table.loc["2020-21", "Difference"] == 1000 - 15960
    assert table.loc["2020-21", "Returns held"].startswith("⚠ 2 of ")
    assert table.loc["2019-20", "Returns held"] == "✗ none"
    assert table.loc["2021-22", "SafeLives status"].startswith("◐ partial: SafeLives' footnote")


def test_data_quality_says_the_demo_compares_made_up_returns(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("../pages/data_quality.py").run()
    assert not at.exception
    assert any("made-up returns beside SafeLives' real published figures" in w.value for w in at.warning)


def test_a_restricted_viewer_gets_both_from_the_rounded_returns(fixture_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MARAC_VIEW", "restricted")
    at = open_page(fixture_db, monkeypatch, national_view="Table", national_year="2020-21")
    assert not at.exception
    assert at.dataframe[0].value.set_index("Force").loc["Metropolitan Police", "Cases"] == 15960  # public as it is
    at.switch_page("../pages/data_quality.py").run()
    assert not at.exception
    # each quarter's 100 and 150 cases are already multiples of 5, so rounding leaves the year's 1,000
    assert at.table[-1].value.set_index("Year").loc["2020-21", "Cases in returns held"] == 1000
    assert any("from the rounded counts" in c.value for c in at.caption)
