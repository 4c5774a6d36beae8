"""The headline tiles say what their figures rest on (reporting.coverage_words), on the fixture with Islington's one
quarter (tests/helpers/one_quarter.py has the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.one_quarter import ISLINGTON_CODE, ONE_OF_FOUR, one_quarter_db

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")


@pytest.fixture(scope="module")
def db(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_quarter_db(fixture_db, tmp_path_factory.mktemp("tiles"))


def test_a_one_quarter_marac_s_tiles_say_so(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("../pages/borough_profile.py").run()
    at.selectbox(key="marac").select(ISLINGTON_CODE).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cases discussed"] == "100"
    assert metrics["Volume (% of recommended)"] == "103%"  # 100 / 97.07
    captions = [c.value for c in at.caption]
    assert f"1 meeting; {ONE_OF_FOUR}" in captions  # the cases tile
    volume = next(c for c in captions if c.startswith("not judged"))  # the volume tile, beside its figure
    # the verdict's reason is its coverage, said once
    assert volume == "not judged: only 1 of 4 quarters returned (one quarter's rate shown as a year's)"


def test_the_area_tiles_count_maracs_and_marac_quarters(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    # London: Hackney 4 + Tower Hamlets 4 + Islington 1 = 9 of 32 x 4 = 128; two MARACs sent all 4
    whole = "2 of 32 MARACs sent all 4 quarters; 9 of 128 MARAC-quarters returned"
    captions = [c.value for c in at.caption]
    assert any(c.endswith(f"a year per 10,000 adult females; {whole}") for c in captions)  # the cases tile
    assert f"3 of the 32 London MARACs in the registry sent returns for this period; {whole}" in " ".join(captions)
