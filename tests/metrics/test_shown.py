"""Figures as shown: one value for an area's frames and what is withheld in them, worked out by hand."""

from __future__ import annotations

import polars as pl

from metrics.shown import AreaFigures, as_suppressed, hidden_columns, plain, take_rows, where
from metrics.suppression import SMALL, WITHHELD, Suppressed


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


def _withholding() -> AreaFigures:
    """The area with cells withheld by hand (Ash's 3 LGBT+ small, Alder's 20 withheld with it, Birch's 4 cases
    small and BCU B's with it): exports withhold nothing today, but the value must still carry labels right."""
    maracs, bcus, total = _area()
    return AreaFigures(
        Suppressed(maracs, {(0, "victims_lgbt"): SMALL, (1, "victims_lgbt"): WITHHELD, (2, "cases"): SMALL}),
        Suppressed(bcus, {(1, "cases"): SMALL}),
        plain(total),
    )


def test_withheld_names_the_groups_in_row_order() -> None:
    figures = _withholding()
    assert figures.withheld("victims_lgbt") == ["Ash", "Alder"] and figures.withheld("cases") == ["Birch"]
    assert figures.total_row()["victims_lgbt"] == 23


def test_an_area_without_its_own_row_has_no_total_row() -> None:
    maracs, bcus, total = _area()
    assert AreaFigures.plain(maracs, bcus, total.clear()).total_row() is None


def test_one_row_keeps_its_own_hidden_cells() -> None:
    figures = _withholding()
    birch = figures.row_of("B1")
    assert birch.frame["group_name"].to_list() == ["Birch"]
    assert birch.label(0, "cases") == SMALL and hidden_columns(birch) == {"cases"}
    bcu_b = figures.row_of("B")
    assert bcu_b.frame["group_name"].to_list() == ["B"] and bcu_b.label(0, "cases") == SMALL
    assert figures.row_of("Area").labels == {} and figures.row_of("nowhere") is None


def test_rows_kept_or_filtered_carry_their_labels_to_their_new_places() -> None:
    part = _withholding().maracs
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
