"""What `dashboard.data` hands a page: the figures this viewer sees and the published ones, each one named value.

On the planted database (the fixture plus Camden's 3 cases, see tests/conftest.py): Camden's 3 are small, and London's
1,003 would give them back from Hackney's 400 and Tower Hamlets' 600, so Hackney's go too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import data
from metrics.shown import hidden_columns
from metrics.suppression import SMALL, WITHHELD

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
        (screen.maracs, screen.bcus, screen.total), (published.maracs, published.bcus, published.total), strict=True
    ):
        assert seen.frame.equals(out.frame) and seen.labels == out.labels
    assert screen.withheld("cases") == published.withheld("cases") == ["Camden", "Hackney"]
    camden = screen.maracs.frame["group_name"].to_list().index("Camden")
    assert screen.maracs.label(camden, "cases") == SMALL and _cases(screen.maracs.frame, "Camden") is None
    assert screen.total_row()["cases"] == 1003
    own, published_own = (
        data.screen_comparators(*key, END, WINDOW, CAMDEN)["Camden"],
        data.published_comparators(*key, END, WINDOW, CAMDEN)["Camden"],
    )
    assert own.labels == published_own.labels and own.label(0, "cases") == SMALL
    assert "cases" in hidden_columns(own) and "repeat_rate" in hidden_columns(own)


def test_an_unrestricted_viewer_sees_every_figure_and_downloads_stay_suppressed(
    planted_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARAC_VIEW", raising=False)
    key = _key(planted_db)
    screen, published = data.screen_area(*key, END, WINDOW, AREA), data.published_area(*key, END, WINDOW, AREA)
    assert screen.maracs.labels == screen.bcus.labels == screen.total.labels == {}
    assert screen.withheld("cases") == []
    assert (_cases(screen.maracs.frame, "Camden"), _cases(screen.maracs.frame, "Hackney")) == (3, 400)
    assert published.withheld("cases") == ["Camden", "Hackney"]
    hackney = published.maracs.frame["group_name"].to_list().index("Hackney")
    assert published.maracs.label(hackney, "cases") == WITHHELD
    comparators = data.screen_comparators(*key, END, WINDOW, CAMDEN)
    assert all(not part.labels for part in comparators.values())
    assert comparators["Camden"].frame["cases"][0] == 3
    published_own = data.published_comparators(*key, END, WINDOW, CAMDEN)["Camden"]
    assert published_own.label(0, "cases") == SMALL and published_own.frame["cases"][0] is None
    # the trend on screen keeps Camden's quarter; the published one hides it
    screen_trend = data.screen_trend(*key, AREA, END, WINDOW).maracs
    published_trend = data.published_trend(*key, AREA, END, WINDOW).maracs
    assert screen_trend.filter(screen_trend["group_code"] == CAMDEN)["cases"].drop_nulls().to_list() == [3]
    assert published_trend.filter(published_trend["group_code"] == CAMDEN)["cases"].drop_nulls().to_list() == []
