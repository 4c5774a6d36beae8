"""The blank return: its headers, Excel's checks on each column, and that a filled-in template loads."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import load_workbook

from loaders import store
from loaders.return_layout import FIELDS
from loaders.template import TEMPLATE_ROWS, template_csv, template_xlsx
from tests.helpers.fixture_db import HACKNEY


def test_csv_template_is_the_header_row_only() -> None:
    text = template_csv().decode("utf-8")
    assert text.count("\r\n") == 1
    assert text.startswith("MARAC code,Date of MARAC,Number of cases discussed,Number of repeat cases,")
    assert next(csv.reader(io.StringIO(text))) == [f.header for f in FIELDS]


SMALL_REGISTRY = pl.DataFrame(
    {
        "marac_code": ["WY-LDS", "WY-BRD", "E08000033"],
        "marac_name": ["Leeds", "Bradford", "Calderdale"],
        "region": ["Yorkshire and The Humber"] * 3,
    }
)


def test_xlsx_template_checks_each_column_as_it_is_typed() -> None:
    book = load_workbook(io.BytesIO(template_xlsx(SMALL_REGISTRY)))
    assert book.sheetnames == ["Instructions", "Return", "MARACs"]
    sheet = book["Return"]
    assert [c.value for c in sheet[1]] == [f.header for f in FIELDS]
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    last = TEMPLATE_ROWS + 1
    code, when, cases, police = (rules[f"{col}2:{col}{last}"] for col in ("A", "B", "C", "F"))
    assert (code.type, code.formula1) == ("list", "=MARACs!$A$2:$A$4")  # the registry's 3 MARACs
    assert (when.type, when.formula1, when.formula2) == ("date", "DATE(2000,1,1)", "DATE(2099,12,31)")
    # a whole number 0-10,000, or NIL (a nil return): IF keeps INT() away from text, whose error OR would pass on
    assert (cases.type, cases.formula1) == (
        "custom",
        '=IF(ISNUMBER(C2),AND(C2>=0,C2<=10000,INT(C2)=C2),OR(TRIM(C2)="NIL",TRIM(C2)="no meetings"))',
    )
    assert police.type == "custom" and police.formula1 == "=AND(ISNUMBER(F2),F2>=0,F2<=10000,MOD(F2*2,1)=0)"  # halves
    assert cases.error == (
        "Number of cases discussed: a whole number from 0 to 10,000, or NIL on the one row of a quarter without meetings."
    )
    whole = rules[f"D2:D{last}"]  # repeat cases: whole numbers only
    assert (whole.type, whole.operator, whole.formula1, whole.formula2) == ("whole", "between", "0", "10000")
    assert [r[:2] for r in book["MARACs"].iter_rows(min_row=2, values_only=True)] == [
        ("WY-BRD", "Bradford"),
        ("E08000033", "Calderdale"),
        ("WY-LDS", "Leeds"),
    ]
    notes = [r for r in book["Instructions"].iter_rows(values_only=True)]
    assert (
        "Referrals: Police",
        "Cases referred by Police; a case referred by two agencies counts 0.5 to each.",
        "a number from 0 to 10,000 in halves (0.5 when two agencies share a referral)",
    ) in notes
    assert (
        'No meetings in the quarter? Send a nil return: one row with the MARAC code, a date in the quarter under "Date '
        'of MARAC" and NIL under "Number of cases discussed", every other count blank or 0. It counts the quarter as '
        "returned with 0 cases; an empty return (the header alone) is refused, and a quarter not returned at all "
        "counts as missing.",
        None,
        None,
    ) in notes


def test_a_nil_return_typed_into_the_template_loads(tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book["Return"]
    sheet.cell(2, 1).value, sheet.cell(2, 2).value, sheet.cell(2, 3).value = "E09000012", date(2021, 2, 9), "NIL"
    path = tmp_path / "hackney_q4.xlsx"  # every other count left blank, as the template comes
    book.save(path)
    with store.writing(tmp_path / "t.duckdb") as conn:
        result = store.load_file(conn, path, who="test", today=date(2021, 6, 30))
    assert result.outcome == "loaded", result.report.text()
    assert result.nil_quarters == [("E09000012", date(2021, 1, 1))] and result.rows == []


def test_a_filled_in_template_loads(tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book["Return"]
    values = {"marac_code": "E09000012", "meeting_date": date(2021, 2, 9), **HACKNEY}
    for i, field in enumerate(FIELDS, start=1):
        sheet.cell(2, i).value = values.get(field.name, 0)
    path = tmp_path / "hackney_q4.xlsx"
    book.save(path)
    with store.writing(tmp_path / "t.duckdb") as conn:
        result = store.load_file(conn, path, who="test")
    assert result.outcome == "loaded", result.report.text()
    assert result.report.rows == 1


def test_template_command_writes_either_format(tmp_path: Path) -> None:
    import subprocess
    import sys

    for name in ("blank.xlsx", "blank.csv"):
        done = subprocess.run(
            [sys.executable, "-m", "marac_cli.main", "template", "--out", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert load_workbook(tmp_path / "blank.xlsx").sheetnames == ["Instructions", "Return", "MARACs"]
    assert (tmp_path / "blank.csv").read_bytes() == template_csv()
    bad = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "template", "--out", str(tmp_path / "blank.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "say --format csv or --format xlsx" in bad.stderr
