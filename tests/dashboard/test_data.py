"""What `dashboard.data` hands a page: the figures this viewer sees and the published ones, each one named value.

On the planted database (the fixture plus Camden's 3 cases, see tests/conftest.py) with the test databases' rounding
secret: published, Camden's one quarter of 3 cases rounds to 0 (it could have been 5); Hackney's and Tower Hamlets'
quarters of 100 and 150 are multiples of 5 and stay; London's total is the sum of the rounded quarters, 1,000, never
the 1,003 that would give Camden's 3 back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import data

END, WINDOW, AREA, CAMDEN = date(2021, 3, 31), "12m", "region:London", "E09000007"


def _key(db: Path) -> tuple[str, str, str]:
    version = data.version(db)
    return str(db), version, data.dataset(str(db), version).population_key


def _cases(frame, name: str) -> object:
    return frame.row(frame["group_name"].to_list().index(name), named=True)["cases"]


def test_a_restricted_viewer_sees_the_published_figures(planted_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARAC_VIEW", "restricted")
    key = _key(planted_db)
    screen, published = data.screen_area(*key, END, WINDOW, AREA), data.published_area(*key, END, WINDOW, AREA)
    for seen, out in zip(
        (screen.maracs, screen.sub_areas, screen.total),
        (published.maracs, published.sub_areas, published.total),
        strict=True,
    ):
        assert seen.equals(out)
    assert [_cases(screen.maracs, n) for n in ("Camden", "Hackney", "Tower Hamlets")] == [0, 400, 600]
    assert screen.total_row()["cases"] == 1000
    own, published_own = (
        data.screen_comparators(*key, END, WINDOW, CAMDEN)["Camden"],
        data.published_comparators(*key, END, WINDOW, CAMDEN)["Camden"],
    )
    assert own.equals(published_own) and own["cases"][0] == 0
    assert own["repeat_rate"][0] is None  # 0 of 0: no figure, rather than the held 1 of 3


def test_an_unrestricted_viewer_sees_every_figure_and_downloads_stay_rounded(
    planted_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARAC_VIEW", raising=False)
    key = _key(planted_db)
    screen, published = data.screen_area(*key, END, WINDOW, AREA), data.published_area(*key, END, WINDOW, AREA)
    assert (_cases(screen.maracs, "Camden"), _cases(screen.maracs, "Hackney")) == (3, 400)
    assert screen.total_row()["cases"] == 1003 and published.total_row()["cases"] == 1000
    assert _cases(published.maracs, "Camden") == 0
    comparators = data.screen_comparators(*key, END, WINDOW, CAMDEN)
    assert comparators["Camden"]["cases"][0] == 3
    assert data.published_comparators(*key, END, WINDOW, CAMDEN)["Camden"]["cases"][0] == 0
    # the trend on screen keeps Camden's quarter of 3; the published one carries it rounded
    screen_trend = data.screen_trend(*key, AREA, END, WINDOW).maracs
    published_trend = data.published_trend(*key, AREA, END, WINDOW).maracs
    assert screen_trend.filter(screen_trend["group_code"] == CAMDEN)["cases"].drop_nulls().to_list() == [3]
    assert published_trend.filter(published_trend["group_code"] == CAMDEN)["cases"].drop_nulls().to_list() == [0]


def test_areas_holding_returns_come_first(tmp_path: Path) -> None:
    from loaders import store
    from loaders.demo import write_return
    from metrics.dataset import Dataset
    from tests.helpers.fixture_db import meeting

    db = tmp_path / "leeds.duckdb"
    with store.writing(db) as conn:  # the shipped registry, and one Leeds return
        leeds = [meeting("E08000035", date(2021, 2, 9), cases_discussed=40, referrals_police=40)]
        assert store.load_file(conn, write_return(tmp_path / "leeds.csv", leeds)).outcome == "loaded"
    offered = data.areas(Dataset.from_tables(store.read_tables(db)))
    # Yorkshire and The Humber is offered too (the shipped registry covers it all), then the rest with London leading
    assert offered[:3] == ["region:Yorkshire and The Humber", "pfa:West Yorkshire", "region:London"]
