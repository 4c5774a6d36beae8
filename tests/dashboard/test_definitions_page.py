"""The Definitions page under AppTest against the fixture database (tests/helpers/fixture_db.py), as test_app.py runs
the other pages: a link's `?indicator=` opens that indicator's entries, every viewer has the page, and it reads with no
returns held and with no database at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from metrics.definitions import INDICATORS, Indicator
from reporting.definitions import link
from reporting.theme import SYNTHETIC_NOTE
from tests.dashboard.test_app import APP

PAGE = "../pages/definitions.py"


def _open(at: AppTest, indicator: str | None = None) -> AppTest:
    """Run the app once (so the navigation's pages are registered), then open the page as a link would."""
    at.run()
    if indicator is not None:
        at.query_params["indicator"] = indicator
    return at.switch_page(PAGE).run()


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.fixture
def app(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(fixture_db))
    return AppTest.from_file(APP, default_timeout=60)


def test_a_link_by_key_opens_that_indicators_definition(app: AppTest) -> None:
    assert link(INDICATORS.by_key("repeat_rate")) == "/definitions?indicator=repeat_rate"
    at = _open(app, "repeat_rate")
    assert not at.exception
    assert [t.value for t in at.title] == ["Definitions"]
    assert at.selectbox(key="indicator").value == INDICATORS.by_key("repeat_rate")
    texts = _texts(at)
    assert "**What it measures**" in texts
    assert texts[texts.index("**What it measures**") + 1].startswith(
        "Repeat cases as a share of all cases discussed at the MARAC in the period; a repeat is any further incident"
    )
    assert texts[texts.index("**Expected range**") + 1].startswith("28%–40%. 28–40% of cases are repeats")
    assert texts[texts.index("**Published columns from it**") + 1].startswith("`repeat_rate`, ")
    assert "Link to this definition: /definitions?indicator=repeat_rate" in [c.value for c in at.caption]
    # the choice holds on the next run, whatever the URL then says
    at.run()
    assert not at.exception and at.selectbox(key="indicator").value == INDICATORS.by_key("repeat_rate")


def test_a_link_by_label_and_a_new_choice_both_show(app: AppTest) -> None:
    at = _open(app, "Victims/survivors LGBT+")
    assert not at.exception
    texts = _texts(at)
    assert texts[texts.index("**Name**") + 1] == "Victims/survivors LGBT+"
    at.selectbox(key="indicator").select(INDICATORS.by_key("aged_16_17")).run()
    assert not at.exception
    texts = _texts(at)
    assert texts[texts.index("**Expected range**") + 1].startswith("No SafeLives range: a comparator only")


def test_every_indicator_is_in_the_table_with_its_downloads(app: AppTest) -> None:
    at = _open(app)
    assert not at.exception
    # on screen a line each (prose entries do not fit a cell); the download has every entry (reporting.definitions.table)
    table = at.dataframe[0].value.set_index("Name")
    assert list(table.index) == [i.label for i in INDICATORS]
    assert table.loc["Cases as % of recommended volume"].tolist() == [
        "recommended cases",
        "80%–100% of recommended",
        "below, within or above",
    ]
    # the first indicator when no link names one
    texts = _texts(at)
    assert texts[texts.index("**Name**") + 1] == "Cases as % of recommended volume"
    assert {b.label for b in at.get("download_button")} >= {"CSV", "XLSX"}


def test_a_new_definition_is_on_the_page_with_no_other_edit(app: AppTest) -> None:
    toy = Indicator(
        "perpetrators_under_18",
        "Perpetrators aged 17 or under",
        "share_perpetrators_under_18",
        "perpetrators_verdict",
        "male",
        "share",
        "perpetrators_under_18",
        "cases",
        short="Perpetrators under 18",
        table="victims",
        in_sentence="perpetrators aged 17 or under",
        sentence="",
    )
    with INDICATORS.adding(toy):
        at = _open(app, "perpetrators_under_18")
        assert not at.exception
        texts = _texts(at)
        assert texts[texts.index("**Name**") + 1] == "Perpetrators aged 17 or under"
        assert texts[texts.index("**Expected range**") + 1].startswith("5%–10%. 5–10% of victims male")
        assert list(at.dataframe[0].value["Name"])[-1] == "Perpetrators aged 17 or under"


def test_every_viewer_has_the_page(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(fixture_db))
    monkeypatch.setenv("MARAC_VIEW", "restricted")
    at = _open(AppTest.from_file(APP, default_timeout=60), "male")
    assert not at.exception
    assert [t.value for t in at.title] == ["Definitions"]


def test_the_synthetic_banner_shows_on_demo_data(fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    demo = tmp_path / "demo.duckdb"
    shutil.copyfile(fixture_db, demo)
    with store.writing(demo) as conn:
        store.set_meta(conn, "synthetic", "true")
    monkeypatch.setenv("MARAC_DB", str(demo))
    at = _open(AppTest.from_file(APP, default_timeout=60), "lgbt")
    assert not at.exception
    assert any(SYNTHETIC_NOTE in w.value for w in at.warning)


def test_a_database_with_no_returns_still_gives_the_definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    empty = tmp_path / "empty.duckdb"
    with store.writing(empty):
        pass  # the reference data (ranges included) goes in; no returns
    monkeypatch.setenv("MARAC_DB", str(empty))
    at = _open(AppTest.from_file(APP, default_timeout=60), "repeat_rate")
    assert not at.exception
    assert [t.value for t in at.title][-1] == "Definitions"
    texts = _texts(at)
    assert texts[texts.index("**Expected range**") + 1].startswith("28%–40%.")


def test_no_database_gives_the_definitions_without_ranges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(tmp_path / "missing.duckdb"))
    at = _open(AppTest.from_file(APP, default_timeout=60), "repeat_rate")
    assert not at.exception
    assert [t.value for t in at.title][-1] == "Definitions"
    assert any(i.value.startswith("No database yet: the expected ranges come with") for i in at.info)
    texts = _texts(at)
    assert texts[texts.index("**Expected range**") + 1] == 'Not held: the ranges reference has no "repeat_rate" row.'
    assert not (tmp_path / "missing.duckdb").exists()
