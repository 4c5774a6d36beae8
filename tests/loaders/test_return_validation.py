"""Validation of quarterly returns: one fixture file per problem code (tests/data/bad/<code>.csv).

Each test pins the compact table `report.flatten(["row", "column", "code"])` and the exact
user-facing `.line()` of at least one problem. Rows are spreadsheet rows (header = row 1),
columns are the headers as written in the file. "Today" is 30/06/2021 unless a test says so.

Fixture rows start from one valid Hackney meeting (tests.helpers.returns.BASE_ROW): 14/01/2021,
4 cases, 1 repeat, 5 children, referrals police 2 + IDVA 1 + children's social care 1 = 4.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

from loaders import store
from loaders.return_file import read_table
from loaders.return_model import validate_table
from tests.helpers.returns import (
    BAD,
    COLUMNS,
    FLAT,
    GOOD,
    HACKNEY,
    HUMAN_HEADERS,
    TODAY,
    check,
    meeting,
    memory_db,
    write_csv,
    write_xlsx,
)

REFERRAL_TOTAL = "referrals (total of the 14 referral columns)"
REGISTRY = (
    "a MARAC code from the registry (e.g. E09000012 for Hackney), or the MARAC added to the registry first "
    "(marac registry export, add its row, marac registry load)"
)
WHOLE = "a whole number 0 or more"
SHARE = "a number 0 or more (halves allowed where a case was referred by two agencies)"


def only(report, code):
    """The single problem with this code."""
    found = [p for p in report.problems if p.code == code]
    assert len(found) == 1, report.text()
    return found[0]


# --------------------------------------------------------------------------- cell rules


def test_unknown_marac():
    # row 3 carries E09999999, which is not in the registry; row 2 (Hackney) is fine
    report = check(BAD / "unknown-marac.csv")
    assert report.flatten(FLAT) == [[3, "marac_code", "unknown-marac"]]
    assert not report.valid and report.rows == 2
    assert report.problems[0].line() == (
        'ERROR unknown-marac.csv, row 3, column "marac_code": this MARAC code is not in the registry '
        f'(value "E09999999"); expected {REGISTRY} [unknown-marac]'
    )


def test_bad_date():
    report = check(BAD / "bad-date.csv")
    assert report.flatten(FLAT) == [[3, "meeting_date", "bad-date"]]
    assert report.problems[0].line() == (
        'ERROR bad-date.csv, row 3, column "meeting_date": the date is not in a recognised form '
        '(value "11 Feb 2021"); expected a date as dd/mm/yyyy or yyyy-mm-dd [bad-date]'
    )


def test_impossible_date():
    # 31/02/2021 has the right form but February 2021 has 28 days; row 3 (2021-03-11, ISO) is fine
    report = check(BAD / "impossible-date.csv")
    assert report.flatten(FLAT) == [[2, "meeting_date", "impossible-date"]]
    assert report.problems[0].line() == (
        'ERROR impossible-date.csv, row 2, column "meeting_date": there is no such day '
        '(value "31/02/2021"); expected a real calendar date [impossible-date]'
    )


def test_future_date_is_judged_against_today():
    # row 2 is 30/06/2021 (= today, allowed), row 3 is 01/07/2021 (tomorrow)
    report = check(BAD / "future-date.csv", today=date(2021, 6, 30))
    assert report.flatten(FLAT) == [[3, "meeting_date", "future-date"]]
    assert report.problems[0].line() == (
        'ERROR future-date.csv, row 3, column "meeting_date": the meeting date is after today '
        '(value "01/07/2021"); expected a date on or before 2021-06-30 [future-date]'
    )
    # a day later the same file is valid
    assert check(BAD / "future-date.csv", today=date(2021, 7, 1)).flatten(FLAT) == []


def test_future_date_through_validate_table_directly():
    table, problems = read_table(BAD / "future-date.csv")
    assert problems == [] and table is not None
    early = validate_table(table, {HACKNEY}, today=date(2021, 6, 29))
    # on 29/06/2021 both rows (30/06 and 01/07) are in the future
    assert early.report.flatten(FLAT) == [[2, "meeting_date", "future-date"], [3, "meeting_date", "future-date"]]
    assert early.report.problems[0].expected == "a date on or before 2021-06-29"
    late = validate_table(table, {HACKNEY}, today=date(2021, 7, 1))
    assert late.report.valid
    assert [(n, r.meeting_date) for n, r in late.rows] == [(2, date(2021, 6, 30)), (3, date(2021, 7, 1))]


def test_non_numeric_count_names_the_human_header():
    # this file uses the template's human headers, so the column is named as written
    report = check(BAD / "non-numeric-count.csv")
    assert report.flatten(FLAT) == [[2, "Referrals: Police", "non-numeric-count"]]
    assert report.problems[0].line() == (
        'ERROR non-numeric-count.csv, row 2, column "Referrals: Police": the cell is not a number '
        f'(value "n/a"); expected {SHARE} [non-numeric-count]'
    )


def test_negative_count():
    report = check(BAD / "negative-count.csv")
    assert report.flatten(FLAT) == [[3, "children_in_household", "negative-count"]]
    assert report.problems[0].line() == (
        'ERROR negative-count.csv, row 3, column "children_in_household": a count cannot be negative '
        f'(value "-1"); expected {WHOLE} [negative-count]'
    )


def test_not_whole_number():
    # 2.5 cases discussed; the cross-field checks are skipped for that row (cases unreadable)
    report = check(BAD / "not-whole-number.csv")
    assert report.flatten(FLAT) == [[3, "cases_discussed", "not-whole-number"]]
    assert report.problems[0].line() == (
        'ERROR not-whole-number.csv, row 3, column "cases_discussed": this count must be a whole number '
        f'(value "2.5"); expected {WHOLE} [not-whole-number]'
    )


def test_missing_value():
    # row 2: "Victims: male" left blank; row 3: MARAC code left blank
    report = check(BAD / "missing-value.csv")
    assert report.flatten(FLAT) == [[2, "victims_male", "missing-value"], [3, "marac_code", "missing-value"]]
    assert [p.line() for p in report.problems] == [
        'ERROR missing-value.csv, row 2, column "victims_male": the cell is empty (value ""); '
        f"expected {WHOLE} (enter 0 if none) [missing-value]",
        'ERROR missing-value.csv, row 3, column "marac_code": the cell is empty (value ""); '
        "expected a MARAC code from the registry [missing-value]",
    ]


def test_repeat_exceeds_cases():
    # 5 repeats against 4 cases
    report = check(BAD / "repeat-exceeds-cases.csv")
    assert report.flatten(FLAT) == [[2, "repeat_cases", "repeat-exceeds-cases"]]
    assert report.problems[0].line() == (
        'ERROR repeat-exceeds-cases.csv, row 2, column "repeat_cases": 5 repeat cases but only 4 cases discussed '
        '(value "5"); expected at most 4 (the cases discussed) [repeat-exceeds-cases]'
    )


def test_victims_exceed_cases():
    # row 3: 5 male victims against 4 cases; human headers, so the column is "Victims: male"
    report = check(BAD / "victims-exceed-cases.csv")
    assert report.flatten(FLAT) == [[3, "Victims: male", "victims-exceed-cases"]]
    assert report.problems[0].line() == (
        'ERROR victims-exceed-cases.csv, row 3, column "Victims: male": 5 victims/survivors in this group but '
        'only 4 cases discussed (value "5"); expected at most 4 (the cases discussed) [victims-exceed-cases]'
    )


def test_referrals_exceed_cases():
    # police 2 + IDVA 1 + children's social care 1 + housing 1.5 = 5.5 > 4 cases
    report = check(BAD / "referrals-exceed-cases.csv")
    assert report.flatten(FLAT) == [[2, REFERRAL_TOTAL, "referrals-exceed-cases"]]
    assert report.problems[0].line() == (
        f'ERROR referrals-exceed-cases.csv, row 2, column "{REFERRAL_TOTAL}": referrals add up to 5.5 but only '
        '4 cases were discussed (value "5.5"); expected a total of at most 4 [referrals-exceed-cases]'
    )


def test_several_bad_cells_in_one_row_are_all_reported():
    # row 2: "HACKNEY" (not a code), 32/01/2021, 2.5 cases, -1 repeats, "two" police referrals,
    # blank male victims; row 3 is a good meeting. Problems come in column order.
    report = check(BAD / "several-errors-in-one-row.csv")
    assert report.flatten(FLAT) == [
        [2, "marac_code", "unknown-marac"],
        [2, "meeting_date", "impossible-date"],
        [2, "cases_discussed", "not-whole-number"],
        [2, "repeat_cases", "negative-count"],
        [2, "referrals_police", "non-numeric-count"],
        [2, "victims_male", "missing-value"],
    ]
    assert [p.value for p in report.problems] == ["HACKNEY", "32/01/2021", "2.5", "-1", "two", ""]
    assert report.problems[4].line() == (
        'ERROR several-errors-in-one-row.csv, row 2, column "referrals_police": the cell is not a number '
        f'(value "two"); expected {SHARE} [non-numeric-count]'
    )


# --------------------------------------------------------------------------- file and header rules


def test_missing_column():
    # the file has no repeat_cases and no perpetrators_under_18 column; reported at the header row
    report = check(BAD / "missing-column.csv")
    assert report.flatten(FLAT) == [
        [1, "Number of repeat cases", "missing-column"],
        [1, "Perpetrators: aged 17 or under", "missing-column"],
    ]
    assert report.problems[0].line() == (
        'ERROR missing-column.csv, row 1, column "Number of repeat cases": the column "repeat_cases" is missing; '
        'expected a column headed "repeat_cases" or "Number of repeat cases" [missing-column]'
    )


def test_duplicate_column():
    # "Date of MARAC" (column B) and "meeting date" (column Z) are the same field
    report = check(BAD / "duplicate-column.csv")
    assert report.flatten(FLAT) == [[1, "meeting date", "duplicate-column"]]
    assert report.problems[0].line() == (
        'ERROR duplicate-column.csv, row 1, column "meeting date": "meeting date" and "Date of MARAC" are the '
        "same column; expected each column once [duplicate-column]"
    )


def test_no_rows():
    report = check(BAD / "no-rows.csv")
    assert report.flatten(FLAT) == [[None, None, "no-rows"]]
    assert report.problems[0].line() == (
        "ERROR no-rows.csv: the return has a header but no meeting rows (a MARAC that held no meetings in the quarter "
        "sends a nil return, not an empty file); expected one row per MARAC meeting, or for a quarter without meetings "
        'a nil return: one row with the MARAC code, a date in the quarter under "Date of MARAC" and NIL under '
        '"Number of cases discussed", every other count blank or 0 [no-rows]'
    )


def test_no_header_row():
    # "Borough,Quarter,Total" names none of the return's columns
    report = check(BAD / "no-header-row.csv")
    assert report.flatten(FLAT) == [[None, None, "no-header-row"]]
    assert report.problems[0].line() == (
        "ERROR no-header-row.csv: no row names the return's columns (such as marac_code, meeting_date, "
        "cases_discussed); expected a header row with the return's columns [no-header-row]"
    )


def test_not_a_spreadsheet_binary_named_csv():
    # a PDF-like file with NUL bytes, saved with a .csv name
    report = check(BAD / "not-a-spreadsheet.csv")
    assert report.flatten(FLAT) == [[None, None, "not-a-spreadsheet"]]
    assert report.problems[0].line() == (
        "ERROR not-a-spreadsheet.csv: the file is a PDF, not a spreadsheet; "
        "expected a CSV or XLSX return [not-a-spreadsheet]"
    )


def test_binary_without_a_known_signature(tmp_path):
    path = tmp_path / "return.csv"
    path.write_bytes(b"\x00\x01binary\x00data")
    assert check(path).problems[0].line() == (
        "ERROR return.csv: the file holds binary data, not comma-separated text; "
        "expected a CSV or XLSX return [not-a-spreadsheet]"
    )


def test_not_a_spreadsheet_old_xls():
    # 8-byte OLE2 signature (legacy .xls) followed by zeros
    report = check(BAD / "not-a-spreadsheet.xls")
    assert report.flatten(FLAT) == [[None, None, "not-a-spreadsheet"]]
    assert report.problems[0].line() == (
        "ERROR not-a-spreadsheet.xls: the file is an old-style Excel (.xls) workbook, which is not read; "
        "expected a CSV or XLSX return (save it as .xlsx or .csv) [not-a-spreadsheet]"
    )


def test_not_a_spreadsheet_zip_that_is_not_xlsx(tmp_path):
    path = tmp_path / "return.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    report = check(path)
    assert report.flatten(FLAT) == [[None, None, "not-a-spreadsheet"]]
    assert report.problems[0].line() == (
        "ERROR return.xlsx: the file is a zip archive (perhaps a Word or ODS file), not an Excel workbook; "
        "expected a CSV or XLSX return [not-a-spreadsheet]"
    )


def test_not_a_spreadsheet_pdf(tmp_path):
    path = tmp_path / "return.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    report = check(path)
    assert report.flatten(FLAT) == [[None, None, "not-a-spreadsheet"]]
    assert report.problems[0].line() == (
        "ERROR return.pdf: the file is a PDF, not a spreadsheet; expected a CSV or XLSX return [not-a-spreadsheet]"
    )


def test_old_xls_renamed_csv_is_recognised_by_content(tmp_path):
    path = tmp_path / "return.csv"
    path.write_bytes((BAD / "not-a-spreadsheet.xls").read_bytes())
    report = check(path)
    assert report.flatten(FLAT) == [[None, None, "not-a-spreadsheet"]]
    assert report.problems[0].message == "the file is an old-style Excel (.xls) workbook, which is not read"


def test_text_return_named_xls_is_read_by_content(tmp_path):
    path = tmp_path / "return.xls"
    path.write_bytes((GOOD / "hackney-2021q1.csv").read_bytes())
    assert check(path).valid


# --------------------------------------------------------------------------- warnings: the file still loads


def test_referrals_below_cases_warns_and_loads():
    # police 2 + IDVA 1 = 3 referrals for 4 cases: 4 - 3 = 1 case with no referrer
    conn = memory_db()
    result = store.load_file(conn, BAD / "referrals-below-cases.csv", today=TODAY)
    assert result.report.flatten(FLAT) == [[2, REFERRAL_TOTAL, "referrals-below-cases"]]
    assert result.report.valid and result.outcome == "loaded"
    assert result.report.problems[0].line() == (
        f'WARNING referrals-below-cases.csv, row 2, column "{REFERRAL_TOTAL}": referrals add up to 3 for 4 cases '
        'discussed: 1 case(s) have no referring agency recorded (value "3"); expected a total of 4 '
        "[referrals-below-cases]"
    )
    assert conn.execute("SELECT count(*) FROM meeting_current").fetchone() == (1,)


def test_duplicate_meeting_date_warns_and_loads():
    # row 2 is 14/01/2021 (UK form), row 3 is 2021-01-14 (ISO form): the same day for Hackney
    conn = memory_db()
    result = store.load_file(conn, BAD / "duplicate-meeting-date.csv", today=TODAY)
    assert result.report.flatten(FLAT) == [[3, "meeting_date", "duplicate-meeting-date"]]
    assert result.report.valid and result.outcome == "loaded" and result.report.rows == 2
    assert result.report.problems[0].line() == (
        'WARNING duplicate-meeting-date.csv, row 3, column "meeting_date": E09000012 already has a meeting on '
        '2021-01-14 at row 2 (value "2021-01-14"); expected one row per meeting (add the cases together if it '
        "was one meeting) [duplicate-meeting-date]"
    )
    # both rows are kept: 4 + 1 = 5 cases
    assert conn.execute("SELECT count(*), sum(cases_discussed) FROM meeting_current").fetchone() == (2, 5)


# --------------------------------------------------------------------------- what is accepted


def test_human_headers_any_case_and_spacing_uk_and_iso_dates_and_half_referrals():
    path = GOOD / "human-headers.csv"
    table, problems = read_table(path)
    assert problems == []
    # headers are matched after folding case, spaces and punctuation; kept as written (trimmed)
    assert table.headers["meeting_date"] == "date OF marac"
    assert table.headers["marac_code"] == "MARAC CODE"
    assert table.headers["cases_discussed"] == "NUMBER OF CASES DISCUSSED"
    assert table.headers["repeat_cases"] == "number_of_repeat_cases"
    assert table.headers["referrals_idva"] == "Referrals - IDVA"
    assert table.headers["referrals_mash"] == "Referrals: MASH"
    assert table.headers["victims_racially_minoritised"] == "Victims: BAME"
    assert len(table.headers) == 25  # the extra "Notes" column is ignored

    conn = memory_db()
    result = store.load_file(conn, path, today=TODAY)
    assert result.report.flatten(FLAT) == [] and result.outcome == "loaded"
    rows = conn.execute(
        "SELECT source_row, marac_code, meeting_date, cases_discussed, referrals_police, referrals_idva, "
        "referrals_childrens_social_care, referrals_mash, referrals_housing, victims_lgbt, perpetrators_under_18 "
        "FROM meeting_current ORDER BY source_row"
    ).fetchall()
    assert rows == [
        # "e09000012" is upper-cased; 14/01/2021 is UK form; police 1.5 + IDVA 0.5 + CSC 1 = 3 = cases
        (2, HACKNEY, date(2021, 1, 14), 3, 1.5, 0.5, 1.0, 0.0, 0.0, 0, 0),
        # 2021-03-04 is ISO; police 0.5 + MASH 1 + housing 0.5 = 2 = cases
        (3, HACKNEY, date(2021, 3, 4), 2, 0.5, 0.0, 0.0, 1.0, 0.5, 1, 1),
    ]


def test_csv_header_below_a_title_row(tmp_path):
    # row 1 is a title, row 2 blank, header on row 3, data on rows 4 and 6 (row 5 blank)
    path = tmp_path / "titled.csv"
    path.write_text(
        "Hackney MARAC return Q1 2021\n\n"
        + ",".join(COLUMNS)
        + "\n"
        + ",".join(map(str, meeting()))
        + "\n\n"
        + ",".join(map(str, meeting(meeting_date="11/02/2021", repeat_cases=7)))
        + "\n"
    )
    report = check(path)
    # 7 repeats > 4 cases at sheet row 6
    assert report.flatten(FLAT) == [[6, "repeat_cases", "repeat-exceeds-cases"]]
    assert report.rows == 2


# --------------------------------------------------------------------------- XLSX


def _titled_sheet(*data_rows):
    """Rows of a 'Return' sheet: title (row 1), blank (row 2), human header (row 3), then data from row 4."""
    return [["Hackney MARAC quarterly return, Q1 2021"], [], HUMAN_HEADERS, *data_rows]


def test_xlsx_header_on_later_row_reports_real_sheet_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "return.xlsx",
        {
            "Instructions": [["Fill in the sheet called Return: one row per meeting."]],
            "Return": _titled_sheet(
                meeting(meeting_date=datetime(2021, 1, 14)),  # row 4: good
                [],  # row 5: blank
                meeting(meeting_date=datetime(2021, 2, 11), cases_discussed=2.5, repeat_cases=-1),  # row 6
                meeting(meeting_date="31/02/2021", victims_male=None),  # row 7
            ),
        },
    )
    report = check(path)
    assert report.flatten(["sheet", "row", "column", "code"]) == [
        ["Return", 6, "Number of cases discussed", "not-whole-number"],
        ["Return", 6, "Number of repeat cases", "negative-count"],
        ["Return", 7, "Date of MARAC", "impossible-date"],
        ["Return", 7, "Victims: male", "missing-value"],
    ]
    assert report.rows == 3
    assert report.problems[0].line() == (
        'ERROR return.xlsx, sheet "Return", row 6, column "Number of cases discussed": this count must be a '
        f'whole number (value "2.5"); expected {WHOLE} [not-whole-number]'
    )
    assert report.problems[3].line() == (
        'ERROR return.xlsx, sheet "Return", row 7, column "Victims: male": the cell is empty; '
        f"expected {WHOLE} (enter 0 if none) [missing-value]"
    )


def test_xlsx_good_rows_keep_their_sheet_row_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "return.xlsx",
        {
            "Return": _titled_sheet(
                meeting(meeting_date=datetime(2021, 1, 14)),  # row 4
                [],  # row 5
                meeting(
                    meeting_date=datetime(2021, 2, 11),
                    cases_discussed=6,  # row 6: police 2 + IDVA 1 + CSC 1
                    referrals_housing=2,
                ),  #        + housing 2 = 6
            )
        },
    )
    conn = memory_db()
    result = store.load_file(conn, path, today=TODAY)
    assert result.report.flatten(FLAT) == [] and result.outcome == "loaded"
    assert conn.execute(
        "SELECT source_row, meeting_date, cases_discussed, referrals_housing FROM meeting_current ORDER BY source_row"
    ).fetchall() == [(4, date(2021, 1, 14), 4, 0.0), (6, date(2021, 2, 11), 6, 2.0)]


def test_xlsx_missing_column_reported_at_its_header_row(tmp_path):
    headers = [h for h in HUMAN_HEADERS if h != "Number of repeat cases"]
    row = [cell for name, cell in zip(COLUMNS, meeting(), strict=True) if name != "repeat_cases"]
    path = write_xlsx(tmp_path / "return.xlsx", {"Q1": [["Title"], [], headers, row]})
    report = check(path)
    assert report.flatten(["sheet", "row", "column", "code"]) == [["Q1", 3, "Number of repeat cases", "missing-column"]]
    assert report.problems[0].line() == (
        'ERROR return.xlsx, sheet "Q1", row 3, column "Number of repeat cases": the column "repeat_cases" is '
        'missing; expected a column headed "repeat_cases" or "Number of repeat cases" [missing-column]'
    )


def test_xlsx_is_recognised_by_content_not_name(tmp_path):
    # a workbook saved as .csv is still read as a workbook (its sheet is named in messages)
    workbook = write_xlsx(tmp_path / "w.xlsx", {"Return": [COLUMNS, meeting(repeat_cases=9)]})
    path = tmp_path / "return.csv"
    path.write_bytes(workbook.read_bytes())
    report = check(path)
    # 9 repeats > 4 cases
    assert report.flatten(["sheet", "row", "column", "code"]) == [["Return", 2, "repeat_cases", "repeat-exceeds-cases"]]


def test_xlsx_with_understated_dimension_is_read_in_full(tmp_path):
    # some writers put <dimension ref="A1"/> on a sheet that uses A1:Y2; Excel opens it fine,
    # and openpyxl's read-only mode would read only column A unless the dimensions are reset
    source = write_xlsx(tmp_path / "w.xlsx", {"Return": [COLUMNS, meeting()]})
    path = tmp_path / "return.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if (
                item.filename == "xl/worksheets/sheet1.xml"
            ):  # openpyxl writes '<dimension ref="A1:Y2" />' or, with lxml, without the space
                data, found = re.subn(rb'<dimension ref="A1:Y2"\s*/>', b'<dimension ref="A1" />', data)
                assert found == 1
            out.writestr(item, data)
    report = check(path)
    assert report.flatten(FLAT) == []
    assert report.rows == 1


# --------------------------------------------------------------------------- silent misreads


def test_decimal_comma_is_not_silently_read_as_a_larger_number(tmp_path):
    # 6 cases; police 1 + IDVA "0,5". Were the comma dropped, 1 + 5 = 6 would balance and load silently.
    path = write_csv(
        tmp_path / "comma.csv",
        [meeting(cases_discussed=6, referrals_police=1, referrals_idva="0,5", referrals_childrens_social_care=0)],
    )
    report = check(path)
    assert report.flatten(FLAT) == [[2, "referrals_idva", "non-numeric-count"]]
    assert report.problems[0].line() == (
        'ERROR comma.csv, row 2, column "referrals_idva": the cell has a comma that is not a thousands separator '
        f'(value "0,5"); expected {SHARE}, with a point for decimals (0.5) [non-numeric-count]'
    )


def test_thousands_separator_in_a_whole_count_is_accepted(tmp_path):
    # "1,004" children is 1004 (commas in groups of three are thousands separators)
    path = write_csv(tmp_path / "big.csv", [meeting(children_in_household="1,004")])
    conn = memory_db()
    result = store.load_file(conn, path, today=TODAY)
    assert result.report.flatten(FLAT) == []
    assert conn.execute("SELECT children_in_household FROM meeting_current").fetchone() == (1004,)


def test_count_too_large_for_one_meeting(tmp_path):
    # 99,999,999,999 cases would overflow storage; anything over 10,000 at one meeting is a slip
    path = write_csv(tmp_path / "big.csv", [meeting(cases_discussed="99999999999", children_in_household="10001")])
    report = check(path)
    assert report.flatten(["row", "column", "code"]) == [
        [2, "cases_discussed", "count-too-large"],
        [2, "children_in_household", "count-too-large"],
    ]
    assert report.problems[0].line() == (
        'ERROR big.csv, row 2, column "cases_discussed": more than 10,000 in one meeting (value "99999999999"); '
        "expected a whole number 0 or more, at most 10,000 for one meeting [count-too-large]"
    )
