"""The Regional comparison's subtotals count each sub-area's MARACs that sent every quarter, as the overview does."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.test_app_meeting_pages import APP, open_page, open_tab
from tests.helpers.shown import printed


def test_comparison_subtotals_say_how_many_maracs_sent_every_quarter(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARAC_DB", str(fixture_db))
    at = open_page(AppTest.from_file(APP, default_timeout=60), "regional_comparison")
    subtotals = open_tab(at, "comparison_view", "BCU and London subtotals").dataframe[0].value.set_index("Area")
    said = subtotals["Quarters returned"]  # on screen, short enough for half the matrix to fit 1280 px
    # Central East: Hackney and Tower Hamlets, 4 quarters each of 2 x 4 = 8
    assert said["Central East"] == "2/2 MARACs all 4 qtrs"
    # London: the same 2 of its 32 MARACs, 8 of 32 x 4 = 128 MARAC-quarters, which its volume cell gives
    assert said["London"] == "2/32 MARACs all 4 qtrs"
    assert printed(at.dataframe[0], "Area").loc["London", "Volume %"].endswith(" · 8/128 MARAC-qtrs")
    # South West: 4 MARACs, none sent anything: 0 of 4 x 4 = 16
    assert said["South West"] == "0/4 MARACs all 4 qtrs"
    # the download keeps the full words (tests/reporting/test_coverage_words.py: `narrow` beside `cell`)
