"""Reading a return file (CSV or XLSX) into a header and cell rows, before any validation.

Kept apart from validation so the same reader serves the CLI loader and, later, the
upload page: it opens the bytes with the real parser (never trusting the extension),
finds the header row, and remembers each cell's true spreadsheet row for messages.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from loaders.problems import Problem, problem
from loaders.return_layout import match_header

Cell = str | int | float | date | datetime | None


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


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_of(values: list[Cell]) -> dict[int, str] | None:
    """Column index -> canonical field, if this row looks like our header (2+ known columns)."""
    found: dict[int, str] = {}
    for i, value in enumerate(values):
        if isinstance(value, str):
            name = match_header(value)
            if name:
                found[i] = name
    return found if len(found) >= 2 else None


def _table_from_rows(
    file: str, sheet: str | None, rows: list[tuple[int, list[Cell]]]
) -> tuple[RawTable | None, list[Problem]]:
    problems: list[Problem] = []
    for pos, (row_number, values) in enumerate(rows):
        if all(_blank(v) for v in values):
            continue
        columns = _header_of(values)
        if columns is None:
            continue
        headers: dict[str, str] = {}
        for i, name in columns.items():
            written = str(values[i]).strip()
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
        table = RawTable(file=file, sheet=sheet, header_row=row_number, headers=headers)
        unheaded: set[int] = set()
        for data_row, data in rows[pos + 1 :]:
            if all(_blank(v) for v in data):
                continue
            cells = {name: (data[i] if i < len(data) else None) for i, name in columns.items()}
            table.rows.append((data_row, cells))
            unheaded.update(
                i
                for i, v in enumerate(data)
                if not _blank(v) and i not in columns and (i >= len(values) or _blank(values[i]))
            )
        table.unheaded = [_column_letter(i) for i in sorted(unheaded)]
        return table, problems
    return None, problems


def _read_csv(file: str, content: bytes) -> tuple[RawTable | None, list[Problem]]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        return None, [
            problem(
                "not-a-spreadsheet",
                file,
                "the file holds binary data, not comma-separated text",
                expected="a CSV or XLSX return",
            )
        ]
    table, problems = _table_from_rows(file, None, _csv_rows(text, ","))
    if table is None and not problems:
        # Excel writes semicolons where the decimal mark is a comma, and tabs in "Unicode text": read those too
        for mark in (";", "\t"):
            if any(line.count(mark) >= 2 for line in text.splitlines()[:20]):
                table, problems = _table_from_rows(file, None, _csv_rows(text, mark))
                if table is not None or problems:
                    return table, problems
        message = "no row names the return's columns (such as marac_code, meeting_date, cases_discussed)"
        problems.append(problem("no-header-row", file, message, expected="a header row with the return's columns"))
    return table, problems


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, list[Cell]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(n, list(r)) for n, r in enumerate(reader, start=1)]


def _read_xlsx(file: str, content: bytes) -> tuple[RawTable | None, list[Problem]]:
    import openpyxl  # imported here: CSV-only runs should not pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        return None, [
            problem(
                "unreadable-file",
                file,
                f"the workbook could not be opened ({type(exc).__name__}: {exc})",
                expected="an .xlsx workbook saved by Excel or LibreOffice",
            )
        ]
    try:
        found: list[tuple[RawTable | None, list[Problem]]] = []
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some writers understate the used range; read every row there is
            rows = [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
            table, problems = _table_from_rows(file, sheet.title, rows)
            if table is not None or problems:
                found.append((table, problems))
        with_rows = [t for t, _ in found if t is not None and t.rows]
        if len(with_rows) > 1:  # reading one and skipping the rest would lose meetings silently
            names = " and ".join(f'"{t.sheet}"' for t in with_rows)
            return None, [
                problem(
                    "return-on-several-sheets",
                    file,
                    f"meeting rows are on more than one sheet ({names})",
                    expected="every meeting on one sheet (copy them onto the first)",
                )
            ]
        if found:
            return next((f for f in found if f[0] is not None and f[0].rows), found[0])
        names = ", ".join(f'"{s.title}"' for s in book.worksheets)
        return None, [
            problem(
                "no-header-row",
                file,
                f"no sheet ({names}) has a row naming the return's columns",
                expected="a header row with the return's columns",
            )
        ]
    finally:
        book.close()


def read_table(path: Path | str, content: bytes | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Open a return by its content: XLSX if it is an Office zip, CSV if it is text."""
    path = Path(path)
    file = path.name
    if content is None:
        try:
            content = path.read_bytes()
        except OSError as exc:
            return None, [
                problem(
                    "unreadable-file",
                    file,
                    f"the file could not be read ({exc.strerror})",
                    expected="a readable CSV or XLSX file",
                )
            ]
    if len(content) > MAX_FILE_BYTES:
        return None, [
            problem(
                "file-too-large",
                file,
                f"the file is {len(content) / 1_048_576:.1f} MB",
                expected=f"a return of at most {MAX_FILE_BYTES // 1_048_576} MB (one quarter of one MARAC is a few KB)",
            )
        ]
    if content[:4] == b"PK\x03\x04":
        if not _is_zip(content):
            return None, [
                problem(
                    "unreadable-file",
                    file,
                    "the file starts like an Excel workbook but is damaged or cut short "
                    "(perhaps an interrupted download or email attachment)",
                    expected="the workbook saved again from Excel or LibreOffice",
                )
            ]
        if not _is_xlsx(content):
            return None, [
                problem(
                    "not-a-spreadsheet",
                    file,
                    "the file is a zip archive (perhaps a Word or ODS file), not an Excel workbook",
                    expected="a CSV or XLSX return",
                )
            ]
        if _has_macros(content):
            return None, [
                problem(
                    "macro-workbook",
                    file,
                    "the workbook contains macros, which are never opened here",
                    expected="an .xlsx workbook without macros (File > Save As > Excel Workbook)",
                )
            ]
        return _limited(_read_xlsx(file, content))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if ENCRYPTED_PACKAGE in content:  # an encrypted .xlsx is wrapped in this older container
            return None, [
                problem(
                    "password-protected",
                    file,
                    "the workbook is protected by a password, so it cannot be read",
                    expected="a workbook saved without a password (File > Info > Protect Workbook)",
                )
            ]
        return None, [
            problem(
                "not-a-spreadsheet",
                file,
                "the file is an old-style Excel (.xls) workbook, which is not read",
                expected="a CSV or XLSX return (save it as .xlsx or .csv)",
            )
        ]
    if content[:5] == b"%PDF-":
        return None, [
            problem("not-a-spreadsheet", file, "the file is a PDF, not a spreadsheet", expected="a CSV or XLSX return")
        ]
    return _limited(_read_csv(file, content))


#: a quarter of one MARAC is a few KB and at most ~100 meetings; these limits stop a wrong file, not a real return
MAX_FILE_BYTES = 10 * 1_048_576
MAX_ROWS = 50_000
#: the stream name (UTF-16) inside the container Excel wraps an encrypted workbook in
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _limited(read: tuple[RawTable | None, list[Problem]]) -> tuple[RawTable | None, list[Problem]]:
    """Refuse a table with more rows than any return could hold, before each row is checked."""
    table, problems = read
    if table is not None and len(table.rows) > MAX_ROWS:
        where = {"sheet": table.sheet} if table.sheet else {}
        return None, [
            *problems,
            problem(
                "too-many-rows",
                table.file,
                f"{len(table.rows):,} meeting rows",
                **where,
                expected=f"at most {MAX_ROWS:,} rows (a quarter's meetings)",
            ),
        ]
    return table, problems


def _has_macros(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return any(name.lower().endswith("vbaproject.bin") for name in z.namelist())


def _is_zip(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return z.testzip() is None
    except (zipfile.BadZipFile, EOFError, OSError):
        return False


def _is_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False
