"""Tables as CSV and XLSX files: the figures as the page prints them, with a title and notes.

Spreadsheet programs run a cell that starts with =, +, -, @, tab or carriage return as a
formula, so a MARAC name or note crafted that way could run code on an analyst's machine
(CSV injection). Every text cell is neutralised with a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reporting import coverage_words
from reporting.theme import SYNTHETIC_LINE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: what travels with every export: how its counts were protected (metrics.disclosure, docs/disclosure-control.md)
DISCLOSURE_NOTE = (
    "To protect the people counted, every count is rounded to a multiple of 5, at random so that totals stay right on "
    "average (a 5 may be anything from 1 to 9), and every share, rate, interval and verdict is worked out from the "
    "rounded counts: no export, alone or with others, gives back a small number."
)


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class TableFile:
    """One table and what must travel with it."""

    title: str
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    #: (row position, column) -> decimals for share cells printed with more than one
    decimals: dict[tuple[int, str], int] = field(default_factory=dict)

    def all_notes(self) -> list[str]:
        """The notes, and what the coverage column means wherever a table carries one (`reporting.coverage_words`),
        so a spreadsheet read on its own still says a rate from 1 of 4 quarters is one quarter's shown as a year's."""
        if coverage_words.HEADER in self.table.columns and coverage_words.NOTE not in self.notes:
            return [*self.notes, coverage_words.NOTE]
        return list(self.notes)

    def header_lines(self) -> list[str]:
        lines = [self.title]
        if self.synthetic:
            lines.append(SYNTHETIC_LINE)
        return lines


def _decimals(table: pd.DataFrame, row: int, column: str, overrides: dict[tuple[int, str], int]) -> int | None:
    if (row, column) in overrides:
        return overrides[(row, column)]
    if column == "Cases":
        return 0
    if "%" in column or column.startswith("Per 10,000"):
        return 1
    return None


def _cell(value: object, decimals: int | None) -> object:
    """The value as the page prints it: rounded like the screen, text neutralised, missing as a dash."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return neutralise(value)
    if decimals is not None and isinstance(value, float | int):
        return round(float(value), decimals) if decimals else round(float(value))
    return value


def rows(file: TableFile, *, as_text: bool = False) -> list[list[object]]:
    """Header row and data rows, each cell as printed (numbers as numbers, or as text with their decimals)."""
    table = file.table
    out: list[list[object]] = [[neutralise(str(c)) for c in table.columns]]
    for i, record in enumerate(table.itertuples(index=False)):
        row = []
        for column, value in zip(table.columns, record, strict=True):
            places = _decimals(table, i, column, file.decimals)
            cell = _cell(value, places)
            row.append(
                f"{cell:,.{places}f}".replace(",", "")
                if as_text and isinstance(cell, float | int) and places is not None
                else cell
            )
        out.append(row)
    return out


def to_csv(file: TableFile) -> bytes:
    """UTF-8 with a byte-order mark so Excel reads the dashes and en dashes; title and notes around the table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in file.header_lines():
        writer.writerow([neutralise(line)])
    writer.writerow([])
    writer.writerows(rows(file, as_text=True))
    writer.writerow([])
    for note in file.all_notes():
        writer.writerow([neutralise(note)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(file: TableFile, *, made: datetime | None = None) -> bytes:
    """One sheet: title, synthetic mark, the table with a bold header and frozen panes, then the notes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Table"
    bold = Font(bold=True)
    for line in file.header_lines():
        sheet.append([neutralise(line)])
        sheet.cell(sheet.max_row, 1).font = Font(
            bold=True, size=13 if line == file.title else 11, color="B10E1E" if line != file.title else None
        )
    sheet.append([])
    header_row = len(file.header_lines()) + 2  # (max_row does not count the blank row just appended)
    data = rows(file)
    for row in data:
        sheet.append(row)
    for column in range(1, len(data[0]) + 1):
        cell = sheet.cell(header_row, column)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="E8EAEB")
        width = max(len(str(r[column - 1])) for r in data)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(10, width + 2), 45)
        places = _column_places(file, data[0][column - 1])
        if places is not None:
            for r in range(header_row + 1, header_row + len(data)):
                if isinstance(sheet.cell(r, column).value, float | int):
                    sheet.cell(r, column).number_format = "#,##0" if places == 0 else "0." + "0" * places
    sheet.freeze_panes = sheet.cell(header_row + 1, 2)
    sheet.append([])
    for note in file.all_notes():
        sheet.append([neutralise(note)])
    book.properties.title = file.title
    book.properties.creator = "MARAC performance dashboard"
    if made is not None:  # a fixed time makes the file byte-for-byte repeatable
        book.properties.created = book.properties.modified = made
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column_places(file: TableFile, header: object) -> int | None:
    header = str(header).removeprefix("'")
    if header not in file.table.columns:
        return None
    places = {d for (_, c), d in file.decimals.items() if c == header}
    default = _decimals(file.table, -1, header, {})
    return max(places | ({default} if default is not None else set())) if places or default is not None else None
