"""A sheet's cells under the return's header, found in rows that any reader (CSV or XLSX) streams in.

What both readers share: the limits a return is held to, the cell that could not be read (`Unreadable`), the table
they produce (`RawTable`), the refusal raised from deep in a parse (`Refusal`), and the header search that keeps only
the return's columns of at most MAX_ROWS rows, so a file of blank lines or a million rows costs what its limit allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from loaders.problems import Problem, problem, shorten
from loaders.return_layout import match_header

#: a quarter of one MARAC is a few KB and at most ~100 meetings; these limits stop a wrong file, not a real return
MAX_FILE_BYTES = 10 * 1_048_576
MAX_ROWS = 50_000
#: Excel's grid: 16,384 columns (XFD) by 1,048,576 rows; a wider row was not made by a spreadsheet
MAX_COLUMNS = 16_384
MAX_SHEET_ROWS = 1_048_576
#: Excel's own limit on a cell's length: a longer cell was not made by a spreadsheet
MAX_CELL_CHARACTERS = 32_767
#: the header is looked for among this many non-blank rows (a title and instructions sit above it, not pages of them)
MAX_ROWS_BEFORE_HEADER = 1_000


@dataclass(frozen=True)
class Unreadable:
    """A cell the reader could not turn into a value, and why: the validator reports it at its row and column."""

    code: str
    message: str
    expected: str
    text: str | None = None  # what the cell holds, as the report shows it

    def __str__(self) -> str:
        return self.text or ""


Cell = str | int | float | date | datetime | Unreadable | None
Row = tuple[int, dict[int, Cell], bool]  # spreadsheet row number, cells by column index, hidden in the workbook

RESAVE = "the workbook saved again from Excel or LibreOffice"
DAMAGED = "the workbook is damaged or encrypted"


@dataclass
class RawTable:
    """Cells of one sheet, keyed by canonical field, each row with its spreadsheet row number."""

    file: str
    sheet: str | None
    header_row: int
    headers: dict[str, str]  # canonical field -> header as written
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)
    #: spreadsheet columns (A, B, …) holding values under a blank header cell, e.g. where header cells were merged
    unheaded: list[str] = field(default_factory=list)


class Refusal(Exception):
    """The file is refused for one reason; raised from deep in a parse and turned into its Problem at the top."""

    def __init__(self, code: str, message: str, expected: str, **where: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.expected, self.where = code, message, expected, where

    def problem(self, file: str) -> Problem:
        return problem(self.code, file, self.message, expected=self.expected, **self.where)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


@dataclass(frozen=True)
class Header:
    """Which table a reader looks for: how a header cell maps to a field, and how messages name the table.

    A return is the usual table; a registry of MARACs or a tile layout is read by the same readers, with the same
    limits, and only its columns and words differ.
    """

    match: Callable[[str], str | None]
    columns: str  # e.g. "the return's columns"
    example: str  # e.g. "marac_code, meeting_date, cases_discussed"
    rows: str = "meeting rows"
    limit: str = "a quarter's meetings"
    #: what a file of this table is, and how big one usually is, for a refusal of a file far too large
    what: str = "a return"
    size: str = "one quarter of one MARAC is a few KB"


RETURN = Header(match_header, "the return's columns", "marac_code, meeting_date, cases_discussed")


def _header_of(values: dict[int, Cell], header: Header) -> dict[int, str] | None:
    """Column index -> canonical field, if this row looks like our header (2+ known columns)."""
    found: dict[int, str] = {}
    for i, value in values.items():
        if isinstance(value, str) and len(value) <= MAX_CELL_CHARACTERS:
            name = header.match(value)
            if name:
                found[i] = name
    return found if len(found) >= 2 else None


def too_long(text: str, length: int | None = None) -> Unreadable:
    """`length`: the cell's full length where only its start was kept."""
    return Unreadable(
        "cell-too-long",
        f"a cell holds over {MAX_CELL_CHARACTERS:,} characters ({length or len(text):,}), more than a spreadsheet "
        "cell can",
        "a cell of the return (a code, a date or a count); check the file is the return exported from the spreadsheet",
        text,
    )


@dataclass
class Found:
    """What one sheet (or the CSV) gave: its table or the problems that stop it, and what the coordinator is told."""

    table: RawTable | None
    problems: list[Problem]
    hidden_rows: list[int] = field(default_factory=list)
    searched_all: bool = True  # False when the header search stopped at MAX_ROWS_BEFORE_HEADER
    columns: dict[str, int] = field(default_factory=dict)  # canonical field -> column index its cells come from


def table_from_rows(file: str, sheet: str | None, rows: Iterable[Row], header: Header = RETURN) -> Found:
    """Find the header, then keep only the table's columns of each non-blank row below it.

    Rows arrive one at a time and at most MAX_ROWS are kept: reading stops at the first row past the limit, in a
    CSV as in a workbook, as counting the rest of a file built to be long would cost more than it tells.
    """
    problems: list[Problem] = []
    where = {"sheet": sheet} if sheet else {}
    stream = iter(rows)
    searched = 0
    for row_number, values, _ in stream:
        if all(blank(v) for v in values.values()):
            continue
        searched += 1
        if searched > MAX_ROWS_BEFORE_HEADER:
            return Found(None, [], searched_all=False)
        columns = _header_of(values, header)
        if columns is None:
            continue
        headers: dict[str, str] = {}
        for i, name in columns.items():
            written = shorten(str(values[i]).strip())
            if name in headers:
                problems.append(
                    problem(
                        "duplicate-column",
                        file,
                        f'"{written}" and "{headers[name]}" are the same column',
                        sheet=sheet,
                        row=row_number,
                        column=written,
                        expected="each column once",
                    )
                )
            else:
                headers[name] = written
        header_filled = {i for i, v in values.items() if not blank(v)}
        table = RawTable(file=file, sheet=sheet, header_row=row_number, headers=headers)
        unheaded: set[int] = set()
        hidden: list[int] = []
        count = 0
        for data_row, data, is_hidden in stream:
            if all(blank(v) for v in data.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                return Found(
                    None,
                    [
                        *problems,
                        problem(
                            "too-many-rows",
                            file,
                            f"more than {MAX_ROWS:,} {header.rows} (reading stopped at row {data_row:,})",
                            **where,
                            expected=f"at most {MAX_ROWS:,} rows ({header.limit})",
                        ),
                    ],
                )
            cells: dict[str, Cell] = {}
            for i, name in columns.items():
                value = data.get(i)
                cells[name] = too_long(value) if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS else value
            table.rows.append((data_row, cells))
            if is_hidden:
                hidden.append(data_row)
            for i, v in data.items():
                if i in columns or blank(v):
                    continue
                if i not in header_filled:
                    unheaded.add(i)
                if isinstance(v, str) and (len(v) > MAX_CELL_CHARACTERS or "\x00" in v):
                    problems.append(_unmapped_cell(file, sheet, data_row, i, v))
        table.unheaded = [column_letter(i) for i in sorted(unheaded)]
        return Found(table, problems, hidden, columns={name: i for i, name in columns.items()})
    return Found(None, problems)


def _unmapped_cell(file: str, sheet: str | None, row: int, column: int, value: str) -> Problem:
    """A cell outside the return's columns that no spreadsheet could hold: the file is not what it seems."""
    if len(value) > MAX_CELL_CHARACTERS:
        cell = too_long(value)
        return problem(
            cell.code, file, cell.message, sheet=sheet, row=row, column=column_letter(column), value=value,
            expected=cell.expected,
        )  # fmt: skip
    return problem(
        "hidden-character",
        file,
        "the cell holds a NUL byte (U+0000), which no text holds: the file is damaged or not a spreadsheet's export",
        sheet=sheet,
        row=row,
        column=column_letter(column),
        value=value.replace("\x00", "\\0"),
        expected="the return exported again as CSV from the spreadsheet",
    )
