"""Shared helpers for the loader tests (validation and store).

Fixtures are tiny CSVs under tests/data/; XLSX and odd binaries are built in the test
with these helpers so each test shows exactly what the coordinator's file held.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import openpyxl

from loaders import store
from loaders.problems import ValidationReport

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"

#: "today" for every validation unless a test says otherwise; fixtures are dated 2021.
TODAY = date(2021, 6, 30)

HACKNEY = "E09000012"
TOWER_HAMLETS = "E09000030"

#: The return's 25 columns, canonical names, in template order (written out, not imported,
#: so a change to the layout shows up here as a failing test rather than silently).
COLUMNS = [
    "marac_code",
    "meeting_date",
    "cases_discussed",
    "repeat_cases",
    "children_in_household",
    "referrals_police",
    "referrals_idva",
    "referrals_childrens_social_care",
    "referrals_adult_social_care",
    "referrals_primary_care",
    "referrals_secondary_care",
    "referrals_mental_health",
    "referrals_substance_misuse",
    "referrals_probation",
    "referrals_voluntary_sector",
    "referrals_mash",
    "referrals_education",
    "referrals_housing",
    "referrals_other",
    "victims_racially_minoritised",
    "victims_lgbt",
    "victims_disabled",
    "victims_male",
    "victims_aged_16_17",
    "perpetrators_under_18",
]

#: The same columns as the template's human headers.
HUMAN_HEADERS = [
    "MARAC code",
    "Date of MARAC",
    "Number of cases discussed",
    "Number of repeat cases",
    "Number of children in household",
    "Referrals: Police",
    "Referrals: IDVA",
    "Referrals: Children's Social Care",
    "Referrals: Adult Social Care",
    "Referrals: Primary Care",
    "Referrals: Secondary Care / Acute Trust",
    "Referrals: Mental Health",
    "Referrals: Substance Misuse",
    "Referrals: Probation",
    "Referrals: Voluntary Sector",
    "Referrals: Multi-Agency Safeguarding Hub (MASH)",
    "Referrals: Education",
    "Referrals: Housing",
    "Referrals: Other (incl. MARAC transfers)",
    "Victims: Black, Asian or racially minoritised",
    "Victims: LGBT+",
    "Victims: disabled",
    "Victims: male",
    "Victims: aged 16-17",
    "Perpetrators: aged 17 or under",
]

#: A valid Hackney meeting: 4 cases; referrals police 2 + IDVA 1 + children's social care 1 = 4.
BASE_ROW: dict[str, object] = {name: 0 for name in COLUMNS} | {
    "marac_code": HACKNEY,
    "meeting_date": "14/01/2021",
    "cases_discussed": 4,
    "repeat_cases": 1,
    "children_in_household": 5,
    "referrals_police": 2,
    "referrals_idva": 1,
    "referrals_childrens_social_care": 1,
    "victims_racially_minoritised": 1,
    "victims_male": 1,
}


def meeting(**changes: object) -> list[object]:
    """BASE_ROW with some cells changed, as a list in COLUMNS order."""
    unknown = set(changes) - set(COLUMNS)
    assert not unknown, unknown
    cells = BASE_ROW | changes
    return [cells[name] for name in COLUMNS]


def write_csv(path: Path, rows: list[list[object]], headers: list[str] = COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def workbook(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> openpyxl.Workbook:
    """A workbook with these sheets; each row is appended as given ([] leaves a blank sheet row).

    `merges`: per sheet, cell ranges to merge, e.g. {"Return": ["E1:F1"]}.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    return book


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook(sheets).save(path)
    return path


def memory_db() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the shipped reference tables (so the MARAC registry is real)."""
    conn = duckdb.connect()
    store.initialise(conn)
    return conn


def check(path: Path, today: date = TODAY) -> ValidationReport:
    """The report the loader gives for this file (through store.load_file, the real entry point)."""
    conn = memory_db()
    try:
        return store.load_file(conn, path, today=today).report
    finally:
        conn.close()


FLAT = ["row", "column", "code"]
