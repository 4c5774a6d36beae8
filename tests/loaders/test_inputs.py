"""Awkward but real-world input files: each is read correctly or refused with a reason, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.returns import COLUMNS, check, meeting, write_csv, write_xlsx


def test_meetings_on_two_sheets_are_refused_not_half_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {
            "January": [COLUMNS, meeting(meeting_date="14/01/2021")],
            "February": [COLUMNS, meeting(meeting_date="11/02/2021")],
            "Notes": [["Synthetic test file"]],
        },
    )
    report = check(path)
    assert report.flatten(["code"]) == [["return-on-several-sheets"]]
    assert report.problems[0].line() == (
        'ERROR two.xlsx: meeting rows are on more than one sheet ("January" and "February"); '
        "expected every meeting on one sheet (copy them onto the first) [return-on-several-sheets]"
    )


def test_a_header_only_sheet_before_the_data_sheet_is_passed_over(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "template_then_data.xlsx", {"Blank template": [COLUMNS], "Return": [COLUMNS, meeting()]}
    )
    report = check(path)
    assert report.valid and report.rows == 1


def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    # Excel saves "CSV" with semicolons where the decimal mark is a comma
    path = tmp_path / "semi.csv"
    path.write_text(";".join(COLUMNS) + "\n" + ";".join(str(c) for c in meeting()) + "\n")
    report = check(path)
    assert report.valid and report.rows == 1


def test_a_file_with_no_header_in_any_separator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Borough;Quarter;Total\nHackney;Q1;4\n")
    assert check(path).text() == (
        "ERROR notes.csv: no row names the return's columns (such as marac_code, meeting_date, cases_discussed); "
        "expected a header row with the return's columns [no-header-row]"
    )


def test_utf16_unicode_text_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    text = ",".join(COLUMNS) + "\r\n" + ",".join(str(c) for c in meeting()) + "\r\n"
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Excel writes it
    report = check(path)
    assert report.valid and report.rows == 1


def test_excel_date_serial_number_is_explained(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "serial.xlsx", {"Return": [COLUMNS, meeting(meeting_date=44210)]})
    report = check(path)
    assert report.flatten(["row", "column", "code"]) == [[2, "meeting_date", "bad-date"]]
    assert (
        report.problems[0].message
        == "the cell holds the number 44210, not a date (perhaps a date cell formatted as a number)"
    )


def test_dates_before_marac_existed_are_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "old.csv", [meeting(meeting_date="01/01/0001"), meeting(meeting_date="1899-12-30")])
    report = check(path)
    assert report.flatten(["row", "column", "code"]) == [
        [2, "meeting_date", "impossible-date"],
        [3, "meeting_date", "impossible-date"],
    ]
    assert report.problems[0].line() == (
        'ERROR old.csv, row 2, column "meeting_date": MARACs did not meet before 2000 (value "01/01/0001"); '
        "expected a date from 01/01/2000 onwards [impossible-date]"
    )


def test_a_repeated_column_does_not_hide_the_other_problems(tmp_path: Path) -> None:
    headers = [*COLUMNS, "Number of cases discussed"]
    path = write_csv(tmp_path / "dup.csv", [[*meeting(marac_code="XYZ", repeat_cases=-1), 4]], headers=headers)
    report = check(path)
    assert report.flatten(["row", "column", "code"]) == [
        [1, "Number of cases discussed", "duplicate-column"],
        [2, "marac_code", "unknown-marac"],
        [2, "repeat_cases", "negative-count"],
    ]


def test_a_file_too_large_for_a_return_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b"marac_code,meeting_date\n" + b"x" * (11 * 1_048_576))
    report = check(path)
    assert [p.line() for p in report.problems] == [
        "ERROR huge.csv: the file is 11.0 MB; expected a return of at most 10 MB (one quarter of one MARAC is a few KB) "
        "[file-too-large]"
    ]


def test_more_rows_than_any_return_is_refused_before_checking_each(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "rows.csv", [meeting()] * 50_001)
    report = check(path)
    assert [p.line() for p in report.problems] == [
        "ERROR rows.csv: more than 50,000 meeting rows (reading stopped at row 50,002); expected at most 50,000 rows "
        "(a quarter's meetings) [too-many-rows]"
    ]


def test_a_macro_workbook_is_refused(tmp_path: Path) -> None:
    import shutil
    import zipfile

    source = write_xlsx(tmp_path / "plain.xlsx", {"Return": [COLUMNS, meeting()]})
    path = tmp_path / "macros.xlsm"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/vbaProject.bin", b"\x00" * 64)  # what Excel adds for a macro-enabled workbook
    shutil.copyfile(path, tmp_path / "macros.xlsx")  # the suffix does not matter: the content does
    for name in ("macros.xlsm", "macros.xlsx"):
        report = check(tmp_path / name)
        assert [p.line() for p in report.problems] == [
            f"ERROR {name}: the workbook contains macros, which are never opened here; expected an .xlsx workbook "
            "without macros (File > Save As > Excel Workbook) [macro-workbook]"
        ]


def test_a_password_protected_workbook_is_named_as_such(tmp_path: Path) -> None:
    # Excel wraps an encrypted workbook in a Compound File holding an "EncryptedPackage" stream
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 32 + "EncryptedPackage".encode("utf-16-le")
    )
    report = check(path)
    assert [p.line() for p in report.problems] == [
        "ERROR locked.xlsx: the workbook is protected by a password, so it cannot be read; expected a workbook saved "
        "without a password (File > Info > Protect Workbook) [password-protected]"
    ]
