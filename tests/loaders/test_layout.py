"""The tile layouts: keyed by local authority, the shipped ones covering every authority of England and Wales once,
and a partnership's layout file refused, with every problem named, wherever it would draw one tile over another."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from loaders.layout import (
    HEX,
    HEXES,
    HEXJSON,
    LAYOUT_FILE,
    LONDON,
    SQUARE,
    layout_csv,
    read_hexjson,
    read_layout_file,
    read_tile_layout,
)
from loaders.reference import REFERENCE_DIR, ReferenceError

AREAS = pl.read_csv(REFERENCE_DIR / "areas.csv", infer_schema_length=0)
KNOWN = dict(AREAS.select("lad_code", "lad_name").iter_rows())
LANCASHIRE = AREAS.filter(pl.col("pfa_name") == "Lancashire")["lad_code"].to_list()


@pytest.fixture(scope="module")
def layout() -> pl.DataFrame:
    return read_tile_layout()


def test_the_hexes_place_every_authority_of_england_and_wales_once(layout: pl.DataFrame) -> None:
    hexes = layout.filter(pl.col("layout") == HEXES)
    assert hexes.height == 331 and set(hexes["lad_code"]) == set(KNOWN)  # the Census 2021 set, no Scotland
    assert set(hexes["shape"]) == {HEX} and not hexes.select(pl.struct("col", "row").is_duplicated().any()).item()
    # Cornwall is q -5, r -2 in the hexjson (r grows northwards); stored with row = -r, so rows grow southwards
    cornwall = hexes.filter(pl.col("lad_code") == "E06000052").row(0, named=True)
    assert (cornwall["col"], cornwall["row"], cornwall["name"]) == (-5, 2, "Cornwall")
    assert set(LANCASHIRE) <= set(hexes["lad_code"]) and len(LANCASHIRE) == 14
    assert "MIT" in hexes["source"][0] and "f9286366" in hexes["source"][0]


def test_london_squared_is_keyed_by_borough_code(layout: pl.DataFrame) -> None:
    london = layout.filter(pl.col("layout") == LONDON)
    assert london.height == 33 and set(london["shape"]) == {SQUARE}  # the 32 boroughs and the City of London
    assert set(london["lad_code"]) == set(AREAS.filter(pl.col("region_name") == "London")["lad_code"])
    hackney = london.filter(pl.col("lad_code") == "E09000012").row(0, named=True)
    assert (hackney["col"], hackney["row"], hackney["abbreviation"]) == (5, 2, "HCK")
    assert (london["col"].max(), london["row"].max()) == (7, 6)
    assert "lancashire" not in set(layout["layout"])  # the hexes hold Lancashire's 14 districts now


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copytree(REFERENCE_DIR, tmp_path / "reference")
    path = tmp_path / "reference" / LAYOUT_FILE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return tmp_path / "reference"


def test_an_edited_shipped_layout_that_puts_two_boroughs_in_one_cell_is_refused(tmp_path: Path) -> None:
    # Barnet (row 4: the City and Barking come first) moved onto Harrow's cell (row 16), which is then the repeat
    directory = _edited(tmp_path, "london,E09000003,3,1,", "london,E09000003,2,1,")
    with pytest.raises(ReferenceError) as refused:
        read_tile_layout(directory)
    assert str(refused.value) == (
        f'ERROR {LAYOUT_FILE}, row 16, column "lad_code": E09000015 (Harrow) is put in the cell at column 2, row 1 of '
        'layout "london", which row 4 already gives to E09000003 (Barnet) (value "E09000015"); expected one local '
        "authority in each cell of a layout [layout-cell-taken]"
    )


def test_a_hexjson_with_two_hexes_in_one_cell_is_refused(tmp_path: Path) -> None:
    data = json.loads((REFERENCE_DIR / HEXJSON).read_text())
    data["hexes"]["E07000117"].update(q=data["hexes"]["E07000122"]["q"], r=data["hexes"]["E07000122"]["r"])
    path = tmp_path / "moved.hexjson"
    path.write_text(json.dumps(data))
    with pytest.raises(ReferenceError, match=r"moved\.hexjson: hexes E07000117, E07000122 share a cell"):
        read_hexjson(path, KNOWN)


LANCS = """layout,lad_code,col,row,abbreviation
lancs,E07000121,1,0,LAN
lancs,E07000117,3,1,BUR
lancs,E07000122,3,0,PEN
"""


def _csv(tmp_path: Path, text: str, name: str = "layout.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_partnership_layout_is_read_with_names_from_the_reference_list(tmp_path: Path) -> None:
    frame, report = read_layout_file(_csv(tmp_path, LANCS), KNOWN)
    assert report.valid and report.rows == 3
    assert frame is not None
    assert frame.select("lad_code", "col", "row", "shape", "abbreviation", "name").rows() == [
        ("E07000117", 3, 1, SQUARE, "BUR", "Burnley"),
        ("E07000121", 1, 0, SQUARE, "LAN", "Lancaster"),
        ("E07000122", 3, 0, SQUARE, "PEN", "Pendle"),
    ]


def test_every_problem_in_a_layout_file_is_named_with_its_row_column_value_and_what_was_expected(
    tmp_path: Path,
) -> None:
    text = """layout,lad_code,col,row,shape
lancs,E07000121,1,0,
lancs,E99999999,2,0,
lancs,E07000117,1,0,
lancs,E07000121,4,4,
lancs,E07000122,two,1,
lancs,E07000118,2.5,1,
lancs,E07000119,1,-1,
lancs,E07000120,5,5,circle
,E07000123,6,6,
lancs,E07000124,7,7,hex
"""
    frame, report = read_layout_file(_csv(tmp_path, text), KNOWN)
    assert frame is None
    assert report.flatten(["row", "column", "value", "code"]) == [
        [3, "lad_code", "E99999999", "layout-unknown-authority"],
        [4, "lad_code", "E07000117", "layout-cell-taken"],
        [5, "lad_code", "E07000121", "layout-authority-twice"],
        [6, "col", "two", "layout-not-whole-number"],
        [7, "col", "2.5", "layout-not-whole-number"],
        [8, "row", "-1", "layout-not-whole-number"],
        [9, "shape", "circle", "layout-bad-shape"],
        [10, "layout", None, "missing-value"],
        [11, "shape", "hex", "layout-mixed-shapes"],
    ]
    lines = report.text().splitlines()
    assert lines[0] == (
        'ERROR layout.csv, row 3, column "lad_code": the code is not a local authority of England or Wales (value '
        '"E99999999"); expected an ONS local authority code of England or Wales (Census 2021 set), such as E07000117 '
        "for Burnley [layout-unknown-authority]"
    )
    assert lines[1] == (
        'ERROR layout.csv, row 4, column "lad_code": E07000117 (Burnley) is put in the cell at column 1, row 0 of '
        'layout "lancs", which row 2 already gives to E07000121 (Lancaster) (value "E07000117"); expected one local '
        "authority in each cell of a layout [layout-cell-taken]"
    )
    assert lines[2] == (
        'ERROR layout.csv, row 5, column "lad_code": E07000121 (Lancaster) is already placed in layout "lancs" on row 2 '
        '(value "E07000121"); expected each local authority once in a layout [layout-authority-twice]'
    )
    assert lines[3] == (
        'ERROR layout.csv, row 6, column "col": the column is not a whole number (value "two"); expected a whole '
        "number from 0 to 999 (0 at the left) [layout-not-whole-number]"
    )


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    frame, report = read_layout_file(_csv(tmp_path, "layout,lad_code,col\nlancs,E07000121,1\n"), KNOWN)
    assert frame is None
    assert report.text() == (
        'ERROR layout.csv, row 1, column "row": there is no "row" column; expected columns layout, lad_code, col and '
        "row (and, if wanted, shape, abbreviation and name), with a header row and one row per local authority "
        "[missing-column]"
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x00\x01\x02 not a table at all", "not-a-spreadsheet"),
        (b"PK\x03\x04 a zip that is broken", "unreadable-file"),
        (b"%PDF-1.7 a pdf", "not-a-spreadsheet"),
        (b"a,b\n1,2\n", "no-header-row"),
        (b"layout,lad_code,col,row\n", "no-rows"),
        (b"x" * 1_100_000, "file-too-large"),
    ],
)
def test_a_hostile_or_wrong_file_is_refused_never_raised(tmp_path: Path, content: bytes, code: str) -> None:
    frame, report = read_layout_file(tmp_path / "hostile.csv", KNOWN, content=content)
    assert frame is None and not report.valid
    assert report.errors[0].code == code and report.errors[0].file == "hostile.csv"


def test_an_xlsx_layout_reads_like_a_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Layout", "LAD code", "Col", "Row", "Shape"])
    sheet.append(["lancs hex", "E07000117", 3, 1, "hex"])
    sheet.append(["lancs hex", "E07000122", 3.0, 0, "hex"])
    buffer = io.BytesIO()
    book.save(buffer)
    frame, report = read_layout_file(tmp_path / "lancs.xlsx", KNOWN, content=buffer.getvalue())
    assert report.valid, report.text()
    assert frame is not None and frame.select("lad_code", "col", "row", "shape").rows() == [
        ("E07000117", 3, 1, HEX),
        ("E07000122", 3, 0, HEX),
    ]


def test_an_exported_layout_reads_back_the_same(tmp_path: Path, layout: pl.DataFrame) -> None:
    hexes = layout.filter(pl.col("layout") == HEXES)
    path = _csv(tmp_path, layout_csv(hexes), "hexes.csv")
    frame, report = read_layout_file(path, KNOWN)
    assert report.valid, report.text()
    assert frame is not None and frame["row"].min() == 0 and frame["col"].min() == 0
    # shifted by whole tiles and by an even number of rows, so every hex keeps its neighbours
    shift_col, shift_row = hexes["col"].min(), hexes["row"].min()
    assert shift_row % 2 == 0
    back = frame.select("lad_code", pl.col("col") + shift_col, pl.col("row") + shift_row).sort("lad_code")
    assert back.rows() == hexes.select("lad_code", "col", "row").sort("lad_code").rows()


@pytest.mark.parametrize("label", ["<br>", "<i>I", "%{y}", "=A1"])
def test_a_label_a_chart_or_spreadsheet_would_run_is_refused(tmp_path: Path, label: str) -> None:
    text = LANCS.replace(",BUR\n", f",{label}\n")
    frame, report = read_layout_file(_csv(tmp_path, text), KNOWN)
    assert frame is None
    assert [(p.code, p.row, p.value) for p in report.errors] == [("layout-bad-text", 3, label)]
    assert "a chart reads them as markup" in report.errors[0].message


def test_the_force_tiles_place_each_force_once_and_a_broken_copy_is_refused(tmp_path: Path) -> None:
    from loaders.layout import FORCE_TILES, read_force_tiles

    tiles = read_force_tiles()
    assert set(tiles["pfa_code"]) == set(AREAS["pfa_code"])  # every police force area of England and Wales
    broken = tmp_path / FORCE_TILES
    lines = (REFERENCE_DIR / FORCE_TILES).read_text().splitlines()
    broken.write_text("\n".join([*lines, lines[1]]) + "\n")  # one force twice
    with pytest.raises(ReferenceError, match="places a force twice or two forces in one cell"):
        read_force_tiles(tmp_path)
