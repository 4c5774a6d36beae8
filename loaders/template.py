"""The blank quarterly return a coordinator fills in: CSV, or XLSX that stops most mistakes as they are typed.

The XLSX template's "Return" sheet has the human headers and, on every data row, Excel data
validation from the same rules the loader applies (whole numbers 0-10,000, referral columns in
halves, real dates from 2000, a MARAC code from the registry), so a coordinator sees "Cases
discussed must be a whole number" at the keyboard instead of a refused file weeks later. An
"Instructions" sheet explains each column in SafeLives' words. The loader reads only the
"Return" sheet: the others hold no row naming the return's columns.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.nil_return import NIL_FORM
from loaders.reference import REFERENCE_DIR, read_reference
from loaders.return_layout import FIELDS, Field, Kind
from loaders.return_model import EARLIEST_MEETING, MAX_PER_MEETING

#: rows of the Return sheet that carry validation: a quarter of weekly meetings with room to spare
TEMPLATE_ROWS = 200
LATEST_MEETING = date(2099, 12, 31)
WHAT_TO_TYPE = {
    Kind.CODE: "a MARAC code from the MARACs sheet (e.g. E09000012 for Hackney)",
    Kind.DATE: "the meeting date, e.g. 09/02/2021",
    Kind.COUNT: f"a whole number from 0 to {MAX_PER_MEETING:,}",
    Kind.SHARE_COUNT: f"a number from 0 to {MAX_PER_MEETING:,} in halves (0.5 when two agencies share a referral)",
}
#: the cases column also takes NIL, for a quarter without meetings (`loaders.nil_return`)
CASES_TO_TYPE = f"{WHAT_TO_TYPE[Kind.COUNT]}, or NIL on the one row of a quarter without meetings"


def registry() -> pl.DataFrame:
    """The shipped default registry's MARACs (marac_code, marac_name, region): the codes a template offers when no
    database's own registry is given."""
    from loaders.registry import read_registry
    from loaders.registry_store import SHIPPED_FILE

    areas = read_reference()["area"]
    rows = read_registry(REFERENCE_DIR / SHIPPED_FILE, areas).rows
    frame = pl.DataFrame(
        {"marac_code": [r.marac_code for r in rows], "marac_name": [r.marac_name for r in rows],
         "lad_code": [r.lad_code for r in rows]}
    )  # fmt: skip
    return (
        frame.join(areas.select("lad_code", pl.col("region_name").alias("region")), on="lad_code", how="left")
        .group_by("marac_code", maintain_order=True)
        .agg(pl.col("marac_name").first(), pl.col("region").first())
        .sort("marac_code")
    )


def template_csv() -> bytes:
    """Just the header row: anything more in a CSV would be read as a meeting."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([f.header for f in FIELDS])
    return buffer.getvalue().encode("utf-8")


def _validation(field: Field, column: str, registry_end: int) -> DataValidation:
    cells = f"{column}2:{column}{TEMPLATE_ROWS + 1}"
    first = f"{column}2"
    if field.kind is Kind.CODE:
        rule = DataValidation(type="list", formula1=f"=MARACs!$A$2:$A${registry_end}", allow_blank=True)
    elif field.kind is Kind.DATE:
        rule = DataValidation(
            type="date",
            operator="between",
            allow_blank=True,
            formula1=f"DATE({EARLIEST_MEETING.year},{EARLIEST_MEETING.month},{EARLIEST_MEETING.day})",
            formula2=f"DATE({LATEST_MEETING.year},{LATEST_MEETING.month},{LATEST_MEETING.day})",
        )
    elif field.name == "cases_discussed":  # a count, or NIL for a nil return
        rule = DataValidation(
            type="custom",
            allow_blank=True,
            # IF, not OR(AND(...)): AND gives an error for text in INT(), which OR passes on (refusing NIL); = ignores case
            formula1=f"=IF(ISNUMBER({first}),AND({first}>=0,{first}<={MAX_PER_MEETING},INT({first})={first}),"
            f'OR(TRIM({first})="NIL",TRIM({first})="no meetings"))',
        )
    elif field.kind is Kind.COUNT:
        rule = DataValidation(
            type="whole", operator="between", formula1="0", formula2=str(MAX_PER_MEETING), allow_blank=True
        )
    else:  # halves: a referral two agencies made together counts 0.5 to each
        rule = DataValidation(
            type="custom",
            allow_blank=True,
            formula1=f"=AND(ISNUMBER({first}),{first}>=0,{first}<={MAX_PER_MEETING},MOD({first}*2,1)=0)",
        )
    rule.error = f"{field.header}: {_what_to_type(field)}."
    rule.errorTitle = "Not a value the return accepts"
    rule.prompt = field.meaning
    rule.promptTitle = field.header[:32]  # Excel's limit for a prompt title
    rule.showErrorMessage = rule.showInputMessage = True
    rule.add(cells)
    return rule


def _what_to_type(field: Field) -> str:
    return CASES_TO_TYPE if field.name == "cases_discussed" else WHAT_TO_TYPE[field.kind]


def template_xlsx(maracs: pl.DataFrame | None = None) -> bytes:
    """The Return sheet with validation, the Instructions sheet and the MARACs the codes come from."""
    maracs = registry() if maracs is None else maracs
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append([f.header for f in FIELDS])
    header_fill = PatternFill("solid", fgColor="E8EAEB")
    for i, field in enumerate(FIELDS, start=1):
        cell = sheet.cell(1, i)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(i)].width = 14 if field.kind is not Kind.CODE else 13
    sheet.row_dimensions[1].height = 62
    sheet.freeze_panes = "C2"

    codes = book.create_sheet("MARACs")
    codes.append(["Code", "Name", "Region"])
    for row in maracs.select("marac_code", "marac_name", "region").sort("region", "marac_name").iter_rows():
        codes.append(list(row))
    codes.column_dimensions["B"].width = 28

    for i, field in enumerate(FIELDS, start=1):
        column = get_column_letter(i)
        sheet.add_data_validation(_validation(field, column, codes.max_row))
        if field.kind is Kind.DATE:
            for r in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(r, i).number_format = "DD/MM/YYYY"

    notes = book.create_sheet("Instructions", 0)
    notes.append(["MARAC quarterly return: how to fill it in"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        "One row per MARAC meeting held in the quarter, on the Return sheet. Keep the header row as it is.",
        "Counts are of the cases discussed at that meeting. A case referred by two agencies counts 0.5 to each.",
        "Victim/survivor columns count cases in each group; a case can be in more than one group, but no group can exceed "
        "the cases discussed. On a meeting's row leave no cell blank: type 0 where there were none.",
        f"No meetings in the quarter? Send a nil return: {NIL_FORM}. It counts the quarter as returned with 0 cases; "
        "an empty return (the header alone) is refused, and a quarter not returned at all counts as missing.",
        "Excel checks each cell as you type; the dashboard's loader checks the whole return again when it is loaded.",
        "",
    ):
        notes.append([line])
    notes.append(["Column", "What it means (SafeLives' definitions)", "What to type"])
    for cell in notes[notes.max_row]:
        cell.font, cell.fill = Font(bold=True), header_fill
    for field in FIELDS:
        notes.append([field.header, field.meaning, _what_to_type(field)])
    for column, width in (("A", 44), ("B", 80), ("C", 60)):
        notes.column_dimensions[column].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.active = book.index(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
