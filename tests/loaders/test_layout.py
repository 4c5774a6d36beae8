"""The tile layouts: every registry MARAC placed once, and an edited file that would draw one square over another refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from loaders.layout import LAYOUT_FILE, read_tile_layout
from loaders.reference import REFERENCE_DIR, ReferenceError


def test_every_registry_marac_has_one_tile() -> None:
    layout = read_tile_layout()
    registry = pl.read_csv(REFERENCE_DIR / "maracs.csv", infer_schema_length=0)
    london = layout.filter(pl.col("layout") == "london")
    lancashire = layout.filter(pl.col("layout") == "lancashire")
    assert london.height == 33 and lancashire.height == 10  # London Squared has the City of London too
    assert set(registry["marac_code"]) <= set(layout["marac_code"])
    assert london.filter(pl.col("marac_code") == "E09000001")["name"].to_list() == ["City of London"]
    assert (london["col"].max(), london["row"].max()) == (7, 6)


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copyfile(REFERENCE_DIR / LAYOUT_FILE, tmp_path / LAYOUT_FILE)
    text = (tmp_path / LAYOUT_FILE).read_text()
    assert old in text
    (tmp_path / LAYOUT_FILE).write_text(text.replace(old, new))
    return tmp_path


def test_two_maracs_in_one_cell_are_refused(tmp_path: Path) -> None:
    # Barnet (row 14: the Lancashire rows come first) moved onto the cell of Harrow (row 26), which is then the repeat
    directory = _edited(tmp_path, "london,E09000003,BRN,3,1,", "london,E09000003,BRN,2,1,")
    with pytest.raises(ReferenceError) as refused:
        read_tile_layout(directory)
    assert str(refused.value) == (
        f"{LAYOUT_FILE}, row 26: E09000015 in layout london at column 2, row 1 repeats a cell another MARAC already has"
    )


def test_a_cell_that_is_not_a_whole_number_is_refused(tmp_path: Path) -> None:
    # Hackney, E09000012, is the 12th London row after the header and Lancashire's 10: row 23
    directory = _edited(tmp_path, "london,E09000012,HCK,5,2,", "london,E09000012,HCK,five,2,")
    with pytest.raises(ReferenceError) as refused:
        read_tile_layout(directory)
    assert str(refused.value) == f'{LAYOUT_FILE}, row 23, column "col": "five" is not a whole number 0 or more'
