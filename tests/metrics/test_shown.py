"""Figures as shown: one value for an area's frames and what is withheld in them, worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.shown import AreaFigures, AreaSeries, as_suppressed, hidden_columns, plain, take_rows, where
from metrics.suppression import SMALL, WITHHELD, Suppressed, suppress_area


def _area() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    # BCU A is MARACs A1 and A2, BCU B is B1 alone; the area is all three
    maracs = pl.DataFrame(
        {
            "group_code": ["A1", "A2", "B1"],
            "group_name": ["Ash", "Alder", "Birch"],
            "bcu": ["A", "A", "B"],
            "maracs_reporting": [1, 0, 1],
            "cases": [50, 60, 4],
            "victims_lgbt": [3, 20, 0],
        }
    )
    bcus = pl.DataFrame(
        {"group_code": ["A", "B"], "group_name": ["A", "B"], "maracs_reporting": [1, 1], "cases": [110, 4]}
    ).with_columns(victims_lgbt=pl.Series([23, 0]))
    total = pl.DataFrame(
        {"group_code": ["Area"], "group_name": ["Area"], "maracs_reporting": [2], "cases": [114], "victims_lgbt": [23]}
    )
    return maracs, bcus, total


def _same(a: Suppressed, b: Suppressed) -> bool:
    return a.frame.equals(b.frame) and a.labels == b.labels


def test_plain_figures_hide_nothing() -> None:
    figures = AreaFigures.plain(*_area())
    assert figures.maracs.labels == figures.bcus.labels == figures.total.labels == {}
    assert figures.maracs.frame["cases"].to_list() == [50, 60, 4]
    assert figures.withheld("cases") == [] and figures.withheld("victims_lgbt") == []
    assert figures.total_row()["cases"] == 114


def test_suppressed_figures_are_suppress_area_by_name() -> None:
    figures = AreaFigures.suppressed(*_area())
    maracs, bcus, total = suppress_area(*_area())
    for named, part in zip((figures.maracs, figures.bcus, figures.total), (maracs, bcus, total), strict=True):
        assert _same(named, part)
    # Ash's 3 LGBT+ is small and hides Alder's 20 (BCU A's 23 would give it back); Birch's 4 cases are small and, with
    # the area's 114, hide Ash's 50 (see test_suppression); the area's own row is published whole
    assert figures.withheld("victims_lgbt") == ["Ash", "Alder"]
    assert figures.withheld("cases") == ["Ash", "Birch"]
    assert figures.maracs.label(2, "cases") == SMALL and figures.maracs.label(0, "cases") == WITHHELD
    assert figures.total_row() == {
        "group_code": "Area",
        "group_name": "Area",
        "maracs_reporting": 2,
        "cases": 114,
        "victims_lgbt": 23,
    }


def test_an_area_without_its_own_row_has_no_total_row() -> None:
    maracs, bcus, total = _area()
    assert AreaFigures.plain(maracs, bcus, total.clear()).total_row() is None


def test_one_row_keeps_its_own_hidden_cells() -> None:
    figures = AreaFigures.suppressed(*_area())
    birch = figures.row_of("B1")
    assert birch.frame["group_name"].to_list() == ["Birch"]
    assert birch.label(0, "cases") == SMALL and hidden_columns(birch) == {"cases"}
    bcu_b = figures.row_of("B")
    assert bcu_b.frame["group_name"].to_list() == ["B"] and bcu_b.label(0, "cases") == SMALL
    assert figures.row_of("Area").labels == {} and figures.row_of("nowhere") is None


def test_rows_kept_or_filtered_carry_their_labels_to_their_new_places() -> None:
    part = AreaFigures.suppressed(*_area()).maracs
    # Alder sent no returns: leaving it out moves Birch from row 2 to row 1, and its "<5" with it
    reporting = where(part, pl.col("maracs_reporting") > 0)
    assert reporting.frame["group_name"].to_list() == ["Ash", "Birch"]
    assert reporting.label(1, "cases") == SMALL and reporting.label(0, "victims_lgbt") == SMALL
    assert reporting.withheld_names("victims_lgbt") == ["Ash"]
    reordered = take_rows(part, [2, 0])
    assert reordered.frame["group_name"].to_list() == ["Birch", "Ash"] and reordered.label(0, "cases") == SMALL
    assert take_rows(part, []).frame.height == 0 and take_rows(part, []).labels == {}


def test_a_bare_frame_is_figures_with_nothing_hidden() -> None:
    frame = _area()[0]
    assert _same(as_suppressed(frame), Suppressed(frame, {})) and _same(plain(frame), Suppressed(frame, {}))
    shown = Suppressed(frame, {(0, "cases"): WITHHELD})
    assert as_suppressed(shown) is shown


def test_series_suppressed_by_name_and_an_empty_series_left_alone() -> None:
    q1, q2 = date(2020, 4, 1), date(2020, 7, 1)
    maracs = pl.DataFrame(
        {
            "group_code": ["A", "A", "B", "B"],
            "quarter_start": [q1, q2, q1, q2],
            "victims_lgbt": [2, 9, 8, 7],
            "share_lgbt": [0.02, 0.09, 0.08, 0.07],
        }
    )
    area = pl.DataFrame(
        {"group_code": ["X", "X"], "quarter_start": [q1, q2], "victims_lgbt": [10, 16], "share_lgbt": [0.05, 0.08]}
    )
    series = AreaSeries.suppressed(maracs, area, [q1, q2])
    # as in test_suppression: every MARAC quarter goes (A's 2 is small, and each sum would give one back), the area stays
    assert series.maracs["share_lgbt"].to_list() == [None, None, None, None]
    assert series.area["share_lgbt"].to_list() == [0.05, 0.08]
    empty = AreaSeries.suppressed(maracs.clear(), area, [q1, q2])
    assert empty.maracs.is_empty() and empty.area.equals(area)
