"""Figures as shown: one value for an area's MARACs, BCUs and own row, worked out by hand."""

from __future__ import annotations

import polars as pl

from metrics.shown import AreaFigures


def _area() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    # BCU A is MARACs A1 and A2, BCU B is B1 alone; the area is all three
    maracs = pl.DataFrame(
        {
            "group_code": ["A1", "A2", "B1"],
            "group_name": ["Ash", "Alder", "Birch"],
            "sub_area": ["A", "A", "B"],
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


def test_the_figures_are_the_frames_with_the_area_row_to_hand() -> None:
    figures = AreaFigures(*_area())
    assert figures.maracs["cases"].to_list() == [50, 60, 4] and figures.sub_areas["cases"].to_list() == [110, 4]
    assert figures.total_row()["cases"] == 114 and figures.total_row()["victims_lgbt"] == 23


def test_an_area_without_its_own_row_has_no_total_row() -> None:
    maracs, bcus, total = _area()
    assert AreaFigures(maracs, bcus, total.clear()).total_row() is None


def test_one_row_by_code_from_whichever_part_holds_it() -> None:
    figures = AreaFigures(*_area())
    birch = figures.row_of("B1")
    assert birch["group_name"].to_list() == ["Birch"] and birch["cases"].to_list() == [4]
    bcu_b = figures.row_of("B")
    assert bcu_b["group_name"].to_list() == ["B"] and bcu_b["cases"].to_list() == [4]
    assert figures.row_of("Area")["cases"].to_list() == [114]
    assert figures.row_of("nowhere") is None
    maracs, bcus, total = _area()
    assert AreaFigures(maracs.clear(), bcus, total).row_of("B1") is None  # a part with no rows holds no code
