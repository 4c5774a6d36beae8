"""A nil return: the form in which a MARAC says "no meetings this quarter".

Without it a quarter with no meetings cannot be sent (a file of no rows is refused), so it looks like a missing
return and drops out of population-time: a year's cases are set against three quarters of population instead of
four, overstating the MARAC's rate by a third. The form is one row in the ordinary return, so the same template, reader and
checks serve it: the MARAC code, a date in the quarter under the meeting date, and NIL (or "no meetings") under
"Number of cases discussed", every other count blank or 0. Pure: the model (`loaders.return_model`) calls these.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.problems import Problem, problem, rows_named
from loaders.raw_table import Cell, RawTable
from loaders.return_layout import COUNT_FIELDS

#: what may stand under "Number of cases discussed" for a nil return, after folding case and spaces
NIL_WORDS = ("nil", "no meetings")
#: the form, as messages, the template and the README word it
NIL_FORM = (
    'one row with the MARAC code, a date in the quarter under "Date of MARAC" and NIL under "Number of cases '
    'discussed", every other count blank or 0'
)
#: the columns a nil row leaves empty: every count but the cases cell that says NIL
OTHER_COUNTS = tuple(name for name in COUNT_FIELDS if name != "cases_discussed")


def is_nil(value: Cell) -> bool:
    """True where a cases cell says the quarter had no meetings ("NIL", "nil", "No meetings", "no  meetings.")."""
    if not isinstance(value, str):
        return False
    return re.sub(r"\s+", " ", value.strip().rstrip(".").strip()).casefold() in NIL_WORDS


def _blank_or_zero(value: Cell) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str):
        text = value.strip()
        return text == "" or re.fullmatch(r"0+(\.0+)?", text) is not None
    return False


def nil_rows(table: RawTable) -> list[int]:
    """The spreadsheet rows of the table that are nil returns."""
    return [number for number, cells in table.rows if is_nil(cells.get("cases_discussed"))]


def only_nil(table: RawTable) -> bool:
    """True for a table whose every row is a nil return: it needs no count column but the cases one."""
    return bool(table.rows) and len(nil_rows(table)) == len(table.rows)


def counts_on_nil_row(
    table: RawTable, row_number: int, cells: dict[str, Cell], text: Callable[[Cell], str | None]
) -> list[Problem]:
    """`nil-return-has-counts` for each count a nil row holds: NIL says there were no cases, so a count contradicts it.

    `text` shows a cell as reports do (`loaders.return_model.cell_text`).
    """
    shown = text(cells.get("cases_discussed"))
    found = []
    for name in OTHER_COUNTS:
        value = cells.get(name)
        if name not in table.headers or _blank_or_zero(value):
            continue
        found.append(
            problem(
                "nil-return-has-counts",
                table.file,
                f'this row is a nil return ("{shown}" under "{table.headers["cases_discussed"]}": no meetings this '
                "quarter), but it holds a count",
                row=row_number,
                column=table.headers[name],
                value=text(value),
                expected="blank or 0 on a nil return (or the quarter's meetings, one a row, without NIL)",
                sheet=table.sheet,
            )
        )
    return found


def nil_with_meetings(
    table: RawTable, row_number: int, code: str, label: str, meetings: list[int], shown: str | None
) -> Problem:
    """`nil-return-with-meetings`: a nil row for a quarter the same file also has meetings for."""
    return problem(
        "nil-return-with-meetings",
        table.file,
        f"this row says {code} had no meetings in {label} (a nil return), but {rows_named(meetings)} "
        f"{'is a meeting' if len(meetings) == 1 else 'are meetings'} of {code} in {label}",
        row=row_number,
        column=table.headers["cases_discussed"],
        value=shown,
        expected="either the quarter's meetings, one a row, or one nil-return row, not both",
        sheet=table.sheet,
    )
