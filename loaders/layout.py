"""Tile-map layouts: where each local authority's tile sits, so the map needs no boundary file and no internet.

A tile map gives every local authority an equal tile (a square or a hexagon) in roughly its place, so Kensington and
Chelsea is as visible as Bromley. Layouts are keyed by ONS local authority code (the Census 2021 set of
`data/reference/areas.csv`), never by MARAC: `reporting.maps` draws each MARAC as the union of the tiles of the
authorities the registry says it covers, so a change to the registry never needs a change to a layout.

Two layouts ship with the dashboard and are read from the installation (they are drawing, not figures, so they are not
copied into databases):

- `london`: After the Flood's "London Squared" (`data/reference/tile_layout.csv`, squares, ISC licence in
  `data/reference/sources/london_squared/`), London's default;
- `england-wales`: Open Innovations' hex map of every local authority (`data/reference/sources/hexmaps/`, the hexjson
  kept verbatim, MIT licence beside it), so every region and force has a tile map.

A partnership's own layout is a CSV or XLSX loaded with `marac layout load FILE --db PATH`: read and checked here
(`read_layout_file`, which refuses with a Problem for every fault and never raises on what a file holds) and written
by `loaders.store.load_tile_layout`, one transaction, logged in `load_log`.

Coordinates: `col` grows to the east and `row` to the south (row 0 at the top). On a `hex` layout the tiles are
pointy-topped and odd rows sit half a tile to the east (HexJSON's "odd-r"); the hexjson's `r` grows northwards, so it
is read as row = −r, which keeps each row's parity and so its offset.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from loaders.problems import Problem, ValidationReport, problem
from loaders.raw_table import Cell, Header, Unreadable, blank
from loaders.reference import REFERENCE_DIR, ReferenceError
from loaders.return_file import read_table

LAYOUT_FILE = "tile_layout.csv"
HEXJSON = Path("sources") / "hexmaps" / "uk-local-authority-districts-2021.hexjson"
LONDON, HEXES = "london", "england-wales"
SQUARE, HEX = "square", "hex"
COLUMNS = ("layout", "lad_code", "col", "row", "shape", "abbreviation", "name", "source")
REQUIRED = ("layout", "lad_code", "col", "row")
SCHEMA = {c: pl.Int64 if c in ("col", "row") else pl.String for c in COLUMNS}
HEX_SOURCE = (
    "Open Innovations hex map of UK local authority districts 2021 (odileeds/hexmaps, "
    "maps/uk-local-authority-districts-2021.hexjson, blob f9286366), MIT licence"
)

#: a layout of all 331 authorities is about 15 KB; anything near this is not a layout
MAX_LAYOUT_BYTES = 1_048_576
MAX_POSITION = 999
MAX_NAME = 40
MAX_ABBREVIATION = 6
MAX_TEXT = 100

_ALIASES = {
    "layout": "layout",
    "layout_name": "layout",
    "lad_code": "lad_code",
    "lad21cd": "lad_code",
    "lad22cd": "lad_code",
    "area_code": "lad_code",
    "code": "lad_code",
    "local_authority_code": "lad_code",
    "col": "col",
    "column": "col",
    "x": "col",
    "row": "row",
    "y": "row",
    "shape": "shape",
    "abbreviation": "abbreviation",
    "abbr": "abbreviation",
    "label": "abbreviation",
    "name": "name",
    "lad_name": "name",
    "source": "source",
}
_SHAPES = {"square": SQUARE, "squares": SQUARE, "hex": HEX, "hexes": HEX, "hexagon": HEX, "hexagons": HEX}
_WHOLE = re.compile(r"^[+-]?[0-9]+(\.0*)?$")
EXPECTED_COLUMNS = (
    "columns layout, lad_code, col and row (and, if wanted, shape, abbreviation and name), "
    "with a header row and one row per local authority"
)


def _match(text: str) -> str | None:
    return _ALIASES.get(re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_"))


LAYOUT = Header(_match, "the layout's columns", "layout, lad_code, col, row", rows="layout rows", limit="a layout")


# --------------------------------------------------------------------------- the shipped layouts


FORCE_TILES = "force_tile_layout.csv"
FORCE_SCHEMA = {"pfa_code": pl.String, "abbreviation": pl.String, "col": pl.Int64, "row": pl.Int64}


def read_force_tiles(directory: Path = REFERENCE_DIR) -> pl.DataFrame:
    """The National picture's layout, one square per police force area (pfa_code, abbreviation, col, row, …);
    refused (ReferenceError) if a force or a cell is used twice, as one square would cover another."""
    try:
        tiles = pl.read_csv(directory / FORCE_TILES, schema_overrides=FORCE_SCHEMA)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ReferenceError(f"{FORCE_TILES} cannot be read: {exc}") from None
    if tiles["pfa_code"].is_duplicated().any() or tiles.select("col", "row").is_duplicated().any():
        raise ReferenceError(f"{FORCE_TILES} places a force twice or two forces in one cell")
    return tiles


def read_tile_layout(directory: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Every shipped layout's cells (COLUMNS): London Squared, then the hexes of all of England and Wales.

    Both are checked as a partnership's file is; a shipped file that fails is a ReferenceError naming the file, row
    and column (the map then offers loaded layouts and boundaries only, and says why).
    """
    known = _known_authorities(directory)
    frame, report = read_layout_file(directory / LAYOUT_FILE, known)
    if frame is None:
        raise ReferenceError(report.errors[0].line())
    return pl.concat([frame, read_hexjson(directory / HEXJSON, known)])


def shipped_stamp(directory: Path = REFERENCE_DIR) -> str:
    """Changes when a shipped layout file does (a new release), so a cache of them can be keyed on it."""
    parts = []
    for path in (directory / LAYOUT_FILE, directory / HEXJSON):
        try:
            stat = path.stat()
            parts.append(f"{stat.st_mtime_ns}-{stat.st_size}")
        except OSError:
            parts.append("absent")
    return ":".join(parts)


def _known_authorities(directory: Path) -> dict[str, str]:
    try:
        areas = pl.read_csv(directory / "areas.csv", infer_schema_length=0, columns=["lad_code", "lad_name"])
    except (OSError, pl.exceptions.PolarsError) as problem_:
        raise ReferenceError(f"areas.csv cannot be read: {problem_}") from None
    return dict(areas.iter_rows())


def read_hexjson(path: Path, known: dict[str, str]) -> pl.DataFrame:
    """The HexJSON layout's hexes for the authorities in `known` (England and Wales), as cells of layout HEXES.

    HexJSON (odileeds/hexmaps) holds {"layout": "odd-r", "hexes": {code: {"n": name, "q": col, "r": row}}}, with r
    growing northwards; a cell is stored with row = −r (see the module's note).
    """
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        hexes, layout = data["hexes"], data["layout"]
    except (OSError, ValueError, KeyError, TypeError) as problem_:
        raise ReferenceError(f"{name} cannot be read as HexJSON: {problem_}") from None
    if layout != "odd-r":
        raise ReferenceError(f'{name}: layout "{layout}" is not "odd-r", the only hex layout drawn here')
    rows = []
    for code, cell in hexes.items():
        if code not in known:
            continue  # Scotland and Northern Ireland
        q, r = cell.get("q"), cell.get("r")
        if type(q) is not int or type(r) is not int:
            raise ReferenceError(f'{name}, hex {code}: q "{q}" and r "{r}" are not whole numbers')
        rows.append((HEXES, code, q, -r, HEX, None, known[code], HEX_SOURCE))
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row").sort("lad_code")
    taken = frame.filter(pl.struct("col", "row").is_duplicated())
    if taken.height:
        raise ReferenceError(f"{name}: hexes {', '.join(taken['lad_code'])} share a cell")
    return frame


# --------------------------------------------------------------------------- a partnership's file


def read_layout_file(
    path: Path | str, known: dict[str, str], *, content: bytes | None = None, name: str | None = None
) -> tuple[pl.DataFrame | None, ValidationReport]:
    """A layout file's cells (COLUMNS, sorted by layout and code), or None with every problem found.

    `known` maps each local authority code a layout may place to its name (the database's `area` table). A file is
    refused whole for any error: an unknown code, two authorities in one cell, an authority twice in a layout, a
    column or row that is not a whole number from 0 to 999, a missing column, squares and hexes mixed in a layout.
    """
    path = Path(path)
    file = name if name is not None else path.name
    report = ValidationReport(file=file)
    try:
        size = len(content) if content is not None else path.stat().st_size
    except OSError as exc:
        report.problems.append(
            problem(
                "unreadable-file", file, f"the file could not be read ({exc.strerror})", expected="a CSV or XLSX file"
            )
        )
        return None, report
    if size > MAX_LAYOUT_BYTES:
        report.problems.append(
            problem(
                "file-too-large",
                file,
                f"the file is {size / 1_048_576:.1f} MB",
                expected=f"a layout of at most {MAX_LAYOUT_BYTES // 1_048_576} MB "
                "(all 331 local authorities of England and Wales take about 15 KB)",
            )
        )
        return None, report
    table, problems = read_table(path, content, LAYOUT)
    report.problems = [p if p.file == file else p.model_copy(update={"file": file}) for p in problems]
    if table is None:
        return None, report
    headers = table.headers
    missing = [c for c in REQUIRED if c not in headers]
    for column in missing:
        report.problems.append(
            problem(
                "missing-column",
                file,
                f'there is no "{column}" column',
                sheet=table.sheet,
                row=table.header_row,
                column=column,
                expected=EXPECTED_COLUMNS,
            )
        )
    if missing:
        return None, report
    if not table.rows:
        report.problems.append(
            problem("no-rows", file, "the file has a header row but no layout rows", sheet=table.sheet,
                    expected=EXPECTED_COLUMNS)
        )  # fmt: skip
        return None, report
    report.rows = len(table.rows)
    cells = _Cells(file, table.sheet, headers, known)
    for row_number, values in table.rows:
        cells.add(row_number, values)
    report.problems.extend(cells.problems)
    if not report.valid:
        return None, report
    frame = pl.DataFrame(cells.kept, schema=SCHEMA, orient="row").sort("layout", "lad_code")
    return frame, report


class _Cells:
    """Rows checked one by one and against the rows before them (a cell taken, an authority placed twice)."""

    def __init__(self, file: str, sheet: str | None, headers: dict[str, str], known: dict[str, str]) -> None:
        self.file, self.sheet, self.headers, self.known = file, sheet, headers, known
        self.problems: list[Problem] = []
        self.kept: list[tuple[object, ...]] = []
        self.cells: dict[tuple[str, int, int], tuple[int, str]] = {}  # (layout, col, row) -> (row number, code)
        self.placed: dict[tuple[str, str], int] = {}  # (layout, code) -> row number
        self.shapes: dict[str, tuple[str, int]] = {}  # layout -> (shape, row number of its first row)

    def _problem(self, code: str, row: int, field: str, value: Cell, message: str, expected: str) -> None:
        self.problems.append(
            problem(
                code,
                self.file,
                message,
                sheet=self.sheet,
                row=row,
                column=self.headers.get(field, field),
                value=None if value is None else str(value),
                expected=expected,
            )
        )

    def _unreadable(self, row: int, field: str, value: Cell) -> bool:
        if isinstance(value, Unreadable):
            self._problem(value.code, row, field, value.text, value.message, value.expected)
            return True
        return False

    def _text(self, row: int, field: str, value: Cell, limit: int, what: str, *, required: bool) -> str | None:
        if self._unreadable(row, field, value):
            return None
        if blank(value):
            if required:
                self._problem("missing-value", row, field, None, "the cell is empty", what)
            return None
        text = str(value).strip()
        markup = "<" in text or ">" in text or "%{" in text or text.startswith(("=", "+", "-", "@"))
        if len(text) > limit or not text.isprintable() or markup:
            self._problem(
                "layout-bad-text",
                row,
                field,
                text,
                f"the text is longer than {limit} characters"
                if len(text) > limit
                else "the text holds a control character"
                if not text.isprintable()
                else "the text holds < > or %{ (a chart reads them as markup) or starts as a spreadsheet formula",
                f"{what}, at most {limit} printable characters",
            )
            return None
        return text

    def _position(self, row: int, field: str, value: Cell) -> int | None:
        expected = f"a whole number from 0 to {MAX_POSITION} ({'0 at the left' if field == 'col' else '0 at the top'})"
        if self._unreadable(row, field, value):
            return None
        if blank(value):
            self._problem("missing-value", row, field, None, "the cell is empty", expected)
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and _WHOLE.match(value.strip()):
            number = int(float(value.strip()))
        if number is None or not 0 <= number <= MAX_POSITION:
            said = "is not a whole number" if number is None else f"is outside 0 to {MAX_POSITION}"
            what = "the column" if field == "col" else "the row"
            self._problem("layout-not-whole-number", row, field, value, f"{what} {said}", expected)
            return None
        return number

    def add(self, row: int, values: dict[str, Cell]) -> None:
        before = len(self.problems)
        layout = self._text(row, "layout", values.get("layout"), MAX_NAME, "the layout's name", required=True)
        code = self._code(row, values.get("lad_code"))
        col, grid_row = (self._position(row, f, values.get(f)) for f in ("col", "row"))
        shape = self._shape(row, values.get("shape"))
        abbreviation = self._text(
            row, "abbreviation", values.get("abbreviation"), MAX_ABBREVIATION, "a short label", required=False
        )
        name = self._text(row, "name", values.get("name"), MAX_TEXT, "the local authority's name", required=False)
        source = self._text(row, "source", values.get("source"), 300, "where the layout comes from", required=False)
        if len(self.problems) > before or layout is None or code is None or col is None or grid_row is None:
            return
        self._against_earlier(row, layout, code, col, grid_row, shape or SQUARE)
        self.kept.append((layout, code, col, grid_row, shape or SQUARE, abbreviation, name or self.known[code], source))

    def _code(self, row: int, value: Cell) -> str | None:
        expected = "an ONS local authority code of England or Wales (Census 2021 set), such as E07000117 for Burnley"
        if self._unreadable(row, "lad_code", value):
            return None
        if blank(value):
            self._problem("missing-value", row, "lad_code", None, "the cell is empty", expected)
            return None
        code = str(value).strip().upper()
        if code not in self.known:
            self._problem(
                "layout-unknown-authority",
                row,
                "lad_code",
                value,
                "the code is not a local authority of England or Wales",
                expected,
            )
            return None
        return code

    def _shape(self, row: int, value: Cell) -> str | None:
        if self._unreadable(row, "shape", value) or blank(value):
            return None
        shape = _SHAPES.get(str(value).strip().lower())
        if shape is None:
            self._problem(
                "layout-bad-shape",
                row,
                "shape",
                value,
                "the shape is not one drawn here",
                '"square" (the default) or "hex" (pointy-topped, odd rows half a tile to the right)',
            )
        return shape

    def _against_earlier(self, row: int, layout: str, code: str, col: int, grid_row: int, shape: str) -> None:
        first_shape = self.shapes.setdefault(layout, (shape, row))
        if first_shape[0] != shape:
            self._problem(
                "layout-mixed-shapes",
                row,
                "shape",
                shape,
                f'layout "{layout}" is drawn in {first_shape[0]}s (row {first_shape[1]}), so this row cannot be a {shape}',
                "one shape for every row of a layout",
            )
        placed = self.placed.setdefault((layout, code), row)
        if placed != row:
            self._problem(
                "layout-authority-twice",
                row,
                "lad_code",
                code,
                f'{code} ({self.known[code]}) is already placed in layout "{layout}" on row {placed}',
                "each local authority once in a layout",
            )
        taken = self.cells.setdefault((layout, col, grid_row), (row, code))
        if taken != (row, code):
            self._problem(
                "layout-cell-taken",
                row,
                "lad_code",
                code,
                f'{code} ({self.known[code]}) is put in the cell at column {col}, row {grid_row} of layout "{layout}", '
                f"which row {taken[0]} already gives to {taken[1]} ({self.known[taken[1]]})",
                "one local authority in each cell of a layout",
            )


def layout_csv(frame: pl.DataFrame) -> str:
    """Cells as a file `marac layout load` reads back (shifted so the top-left cell is column 0, row 0; a hex
    layout's rows only by an even number, so every row keeps its offset)."""
    parts = []
    for (_,), cells in frame.sort("layout", "row", "col").partition_by("layout", as_dict=True).items():
        shift = int(cells["row"].min())
        if cells["shape"][0] == HEX:
            shift -= shift % 2
        parts.append(
            cells.with_columns(pl.col("col") - pl.col("col").min(), pl.col("row") - shift).select(
                "layout", "lad_code", "col", "row", "shape", "abbreviation", "name"
            )
        )
    return pl.concat(parts).write_csv() if parts else ",".join(COLUMNS[:7]) + "\n"
