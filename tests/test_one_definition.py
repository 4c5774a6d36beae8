"""Adding an indicator is one definition: a toy indicator, defined here and nowhere else, is found on every page's
table, in the matrix, in the charts' choosers, in the Definitions view and in a board pack.

The toy is a plain share of two counts every return holds (cases with a perpetrator aged 17 or under, of all cases),
judged against the LGBT+ floor (2.5% or above) so that the fixture's two MARACs fall either side of it:

Hackney: 8 a quarter -> 32 of 400 cases = 8.0%; Wilson 95% interval 5.7%-11.1%, wholly above 2.5%: "● within".
Tower Hamlets: 3 a quarter -> 12 of 600 = 2.0%; 95% interval 1.15%-3.47% reaches 2.5%: "▼ below (could be chance)".
London: 44 of 1,000 = 4.4%; 95% interval 3.3%-5.9%: within.

A board pack carries the published figures: each quarter's count rounded to a multiple of 5 (with the test
databases' rounding secret, Hackney's quarters of 8 add up to 35, Tower Hamlets' of 3 to 5: one of its four rounds
up), so the pack says Hackney 35 of 400 = 8.8%, within; Tower Hamlets 5 of 600 = 0.8% (95% interval 0.4%-1.9%,
wholly under 2.5%), below; London 40 of 1,000 = 4.0%. (Tower Hamlets shows what rounding costs a small count.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from loaders import store
from loaders.demo import write_return
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS, Indicator
from metrics.indicators import compute
from metrics.periods import period
from reporting import tables
from reporting.packs.build import build_pack
from tests.helpers.fixture_db import HACKNEY, QUARTER_MEETINGS, TOWER_HAMLETS, fix_disclosure_key, meeting
from tests.helpers.shown import printed
from tests.helpers.toy import TOY

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "launch" / "streamlit_app.py")


@pytest.fixture(scope="module")
def toy_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("toy")
    db = directory / "toy.duckdb"
    with store.writing(db) as conn:
        fix_disclosure_key(conn)
        for n, day in enumerate(QUARTER_MEETINGS, start=1):
            for code, counts, under_18 in (("E09000012", HACKNEY, 8), ("E09000030", TOWER_HAMLETS, 3)):
                path = write_return(
                    directory / f"{code}-q{n}.csv", [meeting(code, day, **counts, perpetrators_under_18=under_18)]
                )
                assert store.load_file(conn, path, who="test").outcome == "loaded"
    return db


@pytest.fixture
def toy() -> Iterator[Indicator]:
    """The toy is an indicator for the test's duration; caches are emptied either side so no frame outlives it."""
    st.cache_data.clear()
    st.cache_resource.clear()
    with INDICATORS.adding(TOY) as item:
        yield item
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(toy_db: Path, toy: Indicator, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(toy_db))
    return AppTest.from_file(APP, default_timeout=60)


def _open(at: AppTest, page: str, **state: str) -> AppTest:
    at.run()
    at.switch_page(f"../pages/{page}.py").run()
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_overview_s_victims_table_has_the_toy_with_its_verdict(app: AppTest) -> None:
    at = _open(app, "regional_overview", overview_maracs="Victims/survivors")
    victims, shown = at.dataframe[0].value.set_index("MARAC"), printed(at.dataframe[0], "MARAC")
    assert victims.loc["Hackney", "Perpetrators under 18 %"] == pytest.approx(8.0)
    assert victims.loc["Tower Hamlets", "Perpetrators under 18 %"] == pytest.approx(2.0)
    assert shown.loc["Hackney", "Perpetrators under 18 %"] == "8.0% ● within"
    assert shown.loc["Tower Hamlets", "Perpetrators under 18 %"] == "2.0% ▼ below*"


def test_the_matrix_and_the_comparison_chooser_have_the_toy(app: AppTest, toy_db: Path) -> None:
    at = _open(app, "regional_comparison")
    assert "Perpetrators aged 17 or under" in at.selectbox(key="indicator").options
    at = _open(at, "regional_comparison", comparison_view="Matrix: every MARAC, every indicator", matrix_part="victims")
    grid = at.dataframe[0].value.set_index("MARAC")  # the page sends numbers (so a header click sorts) ...
    assert grid.loc["Hackney", "Perpetrators under 18 %"] == pytest.approx(8.0)
    assert grid.loc["Tower Hamlets", "Perpetrators under 18 %"] == pytest.approx(2.0)
    # ... and prints each with its verdict: the same builder, on the same figures
    data = Dataset.from_tables(store.read_tables(toy_db))
    words = tables.matrix(compute(data, period(date(2021, 3, 31), "12m"), "marac"), data.ranges).set_index("MARAC")
    assert words.loc["Hackney", "Perpetrators under 18 %"].label == "8.0% ● within"
    assert words.loc["Tower Hamlets", "Perpetrators under 18 %"].label == "2.0% ▼ below*"
    at.selectbox(key="indicator").select("Perpetrators aged 17 or under").run()
    assert not at.exception
    # as a reader sees it: the page escapes the sentence (names in it are the registry's, so user-supplied)
    finding = next(
        re.sub(r"\\(.)", r"\1", m.value).replace("\u2060", "") for m in at.markdown if m.value.startswith("**12 months")
    )
    assert "1 is below, 1 within and 0 above" not in finding  # a floor: below it, or at or above it
    assert (
        "1 is below the expected 2.5% or above for perpetrators aged 17 or under (could be chance) and 1 at or above it."
    ) in finding


def test_the_equality_page_and_the_profile_have_the_toy(app: AppTest) -> None:
    at = _open(app, "equality")
    assert "Perpetrators aged 17 or under" in at.selectbox(key="characteristic").options
    at = _open(app, "borough_profile")
    at.selectbox(key="marac").select("E09000012").run()
    profile = at.dataframe[0].value.set_index("Indicator")  # on screen, each indicator by its table header
    assert profile.loc[TOY.table_header, "Value"] == "8.0%"
    assert profile.loc[TOY.table_header, "Verdict"] == "● within"
    assert profile.loc[TOY.table_header, "Expected range"] == "2.5% or above"


def test_the_definitions_view_has_the_toy(app: AppTest) -> None:
    at = _open(app, "definitions")
    at.query_params["indicator"] = "perpetrators_under_18"
    at = _open(at, "definitions")
    text = " ".join(m.value for m in at.markdown)
    assert "Cases where a perpetrator was aged 17 or under, as a share of all cases discussed." in text


def test_a_board_pack_has_the_toy_in_its_summary_and_a_page_of_its_own(toy_db: Path, toy: Indicator) -> None:
    pack = build_pack(Dataset.from_tables(store.read_tables(toy_db)), "region:London", date(2021, 3, 31))
    london, hackney, tower_hamlets = pack.sections
    summary = {r.indicator: r for r in hackney.summary}["Perpetrators aged 17 or under"]
    assert (summary.value, summary.verdict, summary.expected) == ("8.8%", "● within", "2.5% or above")
    row = {r.indicator: r for r in tower_hamlets.summary}["Perpetrators aged 17 or under"]
    assert (row.value, row.verdict, row.interval) == ("0.8%", "▼ below", "0.4%–1.9%")
    page = next(p for p in tower_hamlets.pages if p.title == "Tower Hamlets: Perpetrators aged 17 or under")
    assert page.caption.startswith(
        "In the year to March 2021, 0.8% of Tower Hamlets's cases had a perpetrator aged 17 or under; below the "
        "expected range of 2.5% or above"
    )
    assert {r.indicator: r.value for r in london.summary}["Perpetrators aged 17 or under"] == "4.0%"
