"""Tile-map layouts: where each MARAC's square sits, so the map needs no boundary file and no internet.

A tile map gives every MARAC an equal square in its familiar place, so the small inner London
boroughs are as visible as Bromley. The layouts are reference data (`data/reference/tile_layout.csv`):
London is After the Flood's "London Squared"; Lancashire's is our own, from district centroids.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders.reference import REFERENCE_DIR, ReferenceError

LAYOUT_FILE = "tile_layout.csv"
COLUMNS = ("layout", "marac_code", "abbreviation", "col", "row", "name", "source")


def read_tile_layout(directory: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Every layout's cells (layout, marac_code, abbreviation, col, row, name, source).

    An edited file that puts two MARACs in one cell, or a MARAC twice in one layout, is refused
    with the row named, since either would draw one square over another.
    """
    path = directory / LAYOUT_FILE
    frame = pl.read_csv(path, infer_schema_length=0)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ReferenceError(f"{LAYOUT_FILE}: column(s) {', '.join(missing)} missing; expected {', '.join(COLUMNS)}")
    for column in ("col", "row"):
        typed = frame[column].str.strip_chars().cast(pl.Int64, strict=False)
        bad = (typed.is_null() | (typed < 0)).arg_true()
        if len(bad):
            row = int(bad[0])
            raise ReferenceError(
                f'{LAYOUT_FILE}, row {row + 2}, column "{column}": "{frame[column][row]}" is not a whole number 0 or more'
            )
        frame = frame.with_columns(typed.alias(column))
    for keys, what in (
        (["layout", "col", "row"], "a cell another MARAC already has"),
        (["layout", "marac_code"], "a MARAC already placed in this layout"),
    ):
        repeated = frame.select(pl.struct(keys).is_duplicated()).to_series().arg_true()
        if len(repeated):
            row = int(repeated[-1])
            raise ReferenceError(
                f"{LAYOUT_FILE}, row {row + 2}: {frame['marac_code'][row]} in layout {frame['layout'][row]} "
                f"at column {frame['col'][row]}, row {frame['row'][row]} repeats {what}"
            )
    return frame.select(COLUMNS)
