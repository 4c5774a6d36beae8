"""The quieter reader problems of issue 14: values read as something they are not, or refused with the wrong reason.

A count is a plain whole number of the digits 0-9 (1e1, 1_0, +5, 0x10 and ٣ were read as numbers by Python); hidden
rows and sheets load but are named; a formula without a saved value and a merged cell are called what they are, not
"the cell is empty"; a NUL byte is found at its row and column; invisible and look-alike characters are named by
their Unicode names; and no value is echoed at more than a readable length. Rows start from the valid one-meeting
Hackney return (tests.helpers.returns.BASE_ROW: 4 cases, referrals 2 + 1 + 1 = 4).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from loaders import store
from loaders.problems import Problem, shorten
from tests.helpers.returns import COLUMNS, HUMAN_HEADERS, TODAY, meeting, memory_db, workbook, write_csv

WHOLE = "a whole number 0 or more"
SHARE = "a number 0 or more (halves allowed where a case was referred by two agencies)"


def load(path: Path) -> tuple[str, list[str], list[tuple[int, int]]]:
    """Outcome, report lines, and (source row, cases) of every meeting row now in the database."""
    conn = memory_db()
    try:
        result = store.load_file(conn, path, today=TODAY)
        rows = conn.execute("SELECT source_row, cases_discussed FROM meeting ORDER BY source_row").fetchall()
        return result.outcome, [p.line() for p in result.report.problems], rows
    finally:
        conn.close()


def save(tmp_path: Path, name: str, book: openpyxl.Workbook) -> Path:
    path = tmp_path / name
    book.save(path)
    return path


# --------------------------------------------------------------------------- plain numbers


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1e1", "it is written in scientific notation (write the number out)"),
        ("1_0", "it has an underscore in it"),
        (" 1 0", "it has a space inside it"),
        ("+5", "it has a plus sign"),
        ("0x10", "it is written in another base (hexadecimal, octal or binary)"),
        ("10.", "it ends in a point"),
        ("٣", "it holds ARABIC-INDIC DIGIT THREE (U+0663) at the start, not one of the digits 0-9"),
    ],
)
def test_a_count_that_only_python_reads_as_a_number_is_refused_naming_why(tmp_path: Path, text: str, why: str) -> None:
    path = write_csv(tmp_path / "counts.csv", [meeting(children_in_household=text)])
    outcome, lines, rows = load(path)
    assert (outcome, rows) == ("refused", [])
    assert lines == [
        f'ERROR counts.csv, row 2, column "children_in_household": the cell is not a plain number: {why} '
        f'(value "{text}"); expected {WHOLE}, digits 0-9 only [not-plain-number]'
    ]


def test_a_referral_share_in_scientific_notation_is_refused_too(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "share.csv", [meeting(referrals_police="2e0")])
    outcome, lines, _ = load(path)
    assert outcome == "refused"
    assert lines == [
        'ERROR share.csv, row 2, column "referrals_police": the cell is not a plain number: it is written in '
        f'scientific notation (write the number out) (value "2e0"); expected {SHARE}, digits 0-9 only '
        "[not-plain-number]"
    ]


def test_ten_point_nought_as_text_is_ten(tmp_path: Path) -> None:
    # decided: "4.0" is exact, and it is what a database or pandas export writes for a whole column with a gap in it
    path = write_csv(tmp_path / "decimals.csv", [meeting(cases_discussed="4.0", repeat_cases="1.00")])
    assert load(path) == ("loaded", [], [(2, 4)])


def test_an_excel_number_cell_holding_ten_point_nought_is_ten(tmp_path: Path) -> None:
    # an Excel number cell is a number whatever its digits: 4.0 and 4E0 in the sheet's XML are both 4
    buffer = io.BytesIO()
    workbook({"Return": [COLUMNS, meeting(cases_discussed=4.0)]}).save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = contents["xl/worksheets/sheet1.xml"]
    assert b'<c r="C2" t="n"><v>4</v></c>' in sheet  # openpyxl writes 4.0 as 4; Excel may write either
    sheet = sheet.replace(b'<c r="C2" t="n"><v>4</v></c>', b'<c r="C2" t="n"><v>4.0</v></c>')
    sheet = sheet.replace(b'<c r="D2" t="n"><v>1</v></c>', b'<c r="D2" t="n"><v>1E0</v></c>')
    path = tmp_path / "numbers.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in (contents | {"xl/worksheets/sheet1.xml": sheet}).items():
            archive.writestr(name, data)
    assert load(path) == ("loaded", [], [(2, 4)])


def test_a_date_in_arabic_indic_digits_is_refused_naming_them(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "date.csv", [meeting(meeting_date="١٤/٠١/٢٠٢١")])
    _, lines, rows = load(path)
    assert rows == []
    assert lines == [
        'ERROR date.csv, row 2, column "meeting_date": the date is not in a recognised form: it holds ARABIC-INDIC '
        'DIGIT ONE (U+0661) at the start, not one of the digits 0-9; ARABIC-INDIC DIGIT FOUR (U+0664) after "١", '
        'not one of the digits 0-9; ARABIC-INDIC DIGIT ZERO (U+0660) after "١٤/", not one of the digits 0-9 '
        '(value "١٤/٠١/٢٠٢١"); expected a date as dd/mm/yyyy or yyyy-mm-dd [hidden-character]'
    ]


# --------------------------------------------------------------------------- hidden rows and sheets


def test_hidden_rows_load_but_are_named(tmp_path: Path) -> None:
    book = workbook(
        {
            "Return": [
                COLUMNS,
                meeting(meeting_date="14/01/2021"),
                meeting(meeting_date="11/02/2021", cases_discussed=9, referrals_police=7),
                meeting(meeting_date="11/03/2021"),
            ]
        }
    )
    book["Return"].row_dimensions[3].hidden = True
    outcome, lines, rows = load(save(tmp_path, "hidden-row.xlsx", book))
    assert outcome == "loaded"
    assert rows == [(2, 4), (3, 9), (4, 4)]  # the hidden row's 9 cases are in the quarter: hence the warning
    assert lines == [
        'WARNING hidden-row.xlsx, sheet "Return": row 3 is hidden in the workbook (or filtered out) but will be '
        "loaded like every other row; expected every meeting row visible (Home > Format > Hide & Unhide > Unhide "
        "Rows, and clear filters), and any row that is not a meeting deleted [hidden-rows]"
    ]


def test_a_return_on_a_hidden_sheet_loads_but_is_named(tmp_path: Path) -> None:
    book = workbook({"Read me": [["Fill in the return"]], "Return": [HUMAN_HEADERS, meeting()]})
    book["Return"].sheet_state = "hidden"
    outcome, lines, rows = load(save(tmp_path, "hidden-sheet.xlsx", book))
    assert (outcome, rows) == ("loaded", [(2, 4)])
    assert lines == [
        'WARNING hidden-sheet.xlsx, sheet "Return": the meetings are read from sheet "Return", which is hidden in the '
        "workbook; expected the return on a visible sheet (right-click a sheet tab > Unhide) — check it is the right "
        "one [hidden-sheet]"
    ]


def test_many_hidden_rows_are_listed_ten_at_most(tmp_path: Path) -> None:
    book = workbook({"Return": [COLUMNS, *(meeting(meeting_date=f"{d:02d}/01/2021") for d in range(1, 16))]})
    for row in range(2, 14):  # rows 2-13 hidden: 12 of the 15 meetings
        book["Return"].row_dimensions[row].hidden = True
    _, lines, _ = load(save(tmp_path, "filtered.xlsx", book))
    hidden = [line for line in lines if line.endswith("[hidden-rows]")]
    assert len(hidden) == 1
    assert hidden[0].startswith(
        'WARNING filtered.xlsx, sheet "Return": rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more are hidden in the '
        "workbook (or filtered out) but will be loaded like every other row;"
    )


# --------------------------------------------------------------------------- formulas and merged cells


def test_a_formula_without_a_saved_value_is_named_as_such(tmp_path: Path) -> None:
    # openpyxl, like many scripts, writes formulas without working them out: Excel would show 4, the file holds none
    outcome, lines, rows = load(
        save(tmp_path, "formula.xlsx", workbook({"Return": [COLUMNS, meeting(cases_discussed="=SUM(F2:H2)")]}))
    )
    assert (outcome, rows) == ("refused", [])
    assert lines == [
        'ERROR formula.xlsx, sheet "Return", row 2, column "cases_discussed": the cell holds a formula without a saved '
        "value: the workbook was saved without calculated values — open and save it in Excel "
        '(value "=SUM(F2:H2)"); expected a value in each cell (open the workbook in Excel and save it, or paste the '
        "cells as values) [formula-without-value]"
    ]


def test_a_merged_cell_is_named_as_part_of_its_range(tmp_path: Path) -> None:
    # the MARAC code typed once and merged down over three meetings: Excel keeps it in A2 only
    book = workbook(
        {
            "Return": [
                COLUMNS,
                meeting(meeting_date="14/01/2021"),
                meeting(marac_code=None, meeting_date="11/02/2021"),
                meeting(marac_code=None, meeting_date="11/03/2021"),
            ]
        },
        merges={"Return": ["A2:A4"]},
    )
    outcome, lines, rows = load(save(tmp_path, "merged.xlsx", book))
    assert (outcome, rows) == ("refused", [])
    assert lines == [
        f'ERROR merged.xlsx, sheet "Return", row {row}, column "marac_code": the cell is part of merged cells A2:A4, '
        "whose value Excel keeps in the first cell only; expected each cell filled in (unmerge the cells and fill "
        "each one) [merged-cells]"
        for row in (3, 4)
    ]


def test_a_blank_cell_outside_any_merge_is_still_empty(tmp_path: Path) -> None:
    book = workbook({"Return": [COLUMNS, meeting(), meeting(marac_code=None, meeting_date="11/02/2021")]})
    _, lines, _ = load(save(tmp_path, "blank.xlsx", book))
    assert lines == [
        'ERROR blank.xlsx, sheet "Return", row 3, column "marac_code": the cell is empty; expected a MARAC code from '
        "the registry [missing-value]"
    ]


# --------------------------------------------------------------------------- NUL bytes, invisible and look-alike text


def test_a_nul_byte_is_found_at_its_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nul.csv", [meeting(), meeting(marac_code="E09\x00000012")])
    _, lines, rows = load(path)
    assert rows == []
    assert lines == [
        'ERROR nul.csv, row 3, column "marac_code": this MARAC code is not in the registry: it holds NUL (U+0000) '
        'after "E09", a control character (value "E09␀000012"); expected a MARAC code from the registry typed in '
        "plain letters and digits (e.g. E09000012 for Hackney) [hidden-character]"
    ]


def test_a_nul_byte_outside_the_returns_columns_is_found_too(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "notes.csv", [[*meeting(), "see\x00note"]], headers=[*COLUMNS, "Notes"])
    _, lines, rows = load(path)
    assert rows == []
    assert lines == [
        'ERROR notes.csv, row 2, column "Z": the cell holds a NUL byte (U+0000), which no text holds: the file is '
        'damaged or not a spreadsheet\'s export (value "see\\0note"); expected the return exported again as CSV '
        "from the spreadsheet [hidden-character]"
    ]


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("E09000012\u200b", 'ZERO WIDTH SPACE (U+200B) after "E09000012", an invisible character'),
        ("\ufeffE09000012", "ZERO WIDTH NO-BREAK SPACE (U+FEFF) at the start, an invisible character"),
        ("Е09000012", 'CYRILLIC CAPITAL LETTER IE (U+0415) at the start, which looks like "E"'),
        ("E09ОOOO12", 'CYRILLIC CAPITAL LETTER O (U+041E) after "E09", which looks like "O"'),
    ],
)
def test_an_invisible_or_look_alike_character_in_a_code_is_named(tmp_path: Path, code: str, named: str) -> None:
    path = write_csv(tmp_path / "code.csv", [meeting(marac_code=code)])
    _, lines, rows = load(path)
    assert rows == []
    assert lines == [
        f'ERROR code.csv, row 2, column "marac_code": this MARAC code is not in the registry: it holds {named} '
        f'(value "{code}"); expected a MARAC code from the registry typed in plain letters and digits '
        "(e.g. E09000012 for Hackney) [hidden-character]"
    ]


def test_an_invisible_character_in_a_count_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "count.csv", [meeting(cases_discussed="4\u2060")])
    _, lines, _ = load(path)
    assert lines == [
        'ERROR count.csv, row 2, column "cases_discussed": the cell is not a plain number: it holds WORD JOINER '
        f'(U+2060) after "4", an invisible character (value "4\u2060"); expected {WHOLE} [hidden-character]'
    ]


def test_accented_letters_are_not_look_alikes(tmp_path: Path) -> None:
    # a code outside the registry that holds only ordinary letters gets the ordinary message
    path = write_csv(tmp_path / "accent.csv", [meeting(marac_code="Ynys Môn")])
    _, lines, _ = load(path)
    assert lines == [
        'ERROR accent.csv, row 2, column "marac_code": this MARAC code is not in the registry (value "Ynys Môn"); '
        "expected a MARAC code from the registry (e.g. E09000012 for Hackney), or the MARAC added to the registry "
        "first (marac registry export, add its row, marac registry load) [unknown-marac]"
    ]


# --------------------------------------------------------------------------- echoed values


def test_a_long_value_is_echoed_cut_to_a_readable_length(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", [meeting(referrals_police="n/a " * 7_500)])  # 30,000 characters
    _, lines, _ = load(path)
    assert lines == [
        'ERROR long.csv, row 2, column "referrals_police": the cell is not a number '
        f'(value "{("n/a " * 15)}… (30,000 characters)"); expected {SHARE} [non-numeric-count]'
    ]


def test_shorten_cuts_once_and_says_how_long_the_value_was() -> None:
    cut = shorten("x" * 100_000)
    assert cut == "x" * 60 + "… (100,000 characters)"
    assert shorten(cut) == cut  # a cell cut for the preview is not cut again inside a Problem
    assert Problem(code="bad-date", severity="error", file="f.csv", message="m", value="y" * 61).value == (
        "y" * 60 + "… (61 characters)"
    )
