"""Reading a return file (CSV or XLSX) into a header and cell rows, before any validation.

Kept apart from validation so the same reader serves the CLI loader and the upload page: it
opens the bytes with the real parser (never trusting the extension), finds the header row, and
remembers each cell's true spreadsheet row for messages.

Every file is refused with a reason or read, never crashed on, and at bounded cost (`loaders.raw_table` keeps at
most MAX_ROWS rows of a return's columns; `loaders.xlsx_zip` checks a workbook before unpacking it).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

from loaders.problems import Problem, problem
from loaders.raw_table import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS_BEFORE_HEADER,
    RETURN,
    Found,
    Header,
    RawTable,
    Refusal,
    Row,
    table_from_rows,
)
from loaders.xlsx_reader import open_xlsx
from loaders.xlsx_zip import ENCRYPTED_PACKAGE

# a process-wide setting of the csv module, only raised: no cell of a file within MAX_FILE_BYTES can pass it, so a long
# cell reaches the checks below (which name its row and column) instead of stopping the reader with csv.Error
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES + 1))


# --------------------------------------------------------------------------- CSV


def _read_csv(file: str, content: bytes, header: Header) -> Found:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Refusal(
                "unreadable-file",
                f"the file is marked as Unicode (UTF-16) text but its text breaks off at byte {exc.start:,} of "
                f"{len(content):,} (it is cut short or damaged)",
                "the return saved again from Excel (File > Save As > CSV UTF-8)",
            ) from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    binary = "\x00" in text
    found = table_from_rows(file, None, _csv_rows(text, ","), header)
    if found.table is None and not found.problems and found.searched_all:
        # Excel writes semicolons where the decimal mark is a comma, and tabs in "Unicode text": read those too
        first = list(itertools.islice(io.StringIO(text, newline=""), 20))
        for mark in (";", "\t"):
            if any(line.count(mark) >= 2 for line in first):
                retry = table_from_rows(file, None, _csv_rows(text, mark), header)
                if retry.table is not None or retry.problems or not retry.searched_all:
                    found = retry
                    break
    if found.table is None and not found.problems:
        if binary:
            message = "the file holds binary data, not comma-separated text"
            return Found(None, [problem("not-a-spreadsheet", file, message, expected="a CSV or XLSX return")])
        message = f"no row names {header.columns} (such as {header.example})"
        if not found.searched_all:
            message = f"none of the first {MAX_ROWS_BEFORE_HEADER:,} rows with text names {header.columns}"
        found.problems.append(problem("no-header-row", file, message, expected=f"a header row with {header.columns}"))
    return found


def _within_width(text: str, delimiter: str) -> Iterator[str]:
    """The text's lines, refusing one with more cells than a spreadsheet has columns before csv splits it (10 MB of
    commas would otherwise become millions of cells, about 1 GB)."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        cells = line.count(delimiter) + 1
        if cells > MAX_COLUMNS:
            raise Refusal(
                "too-many-columns",
                f"line {number:,} holds {cells:,} cells, more than a spreadsheet's {MAX_COLUMNS:,} columns",
                "the return exported again as CSV from the spreadsheet (one meeting a row, in its columns)",
                row=number,
            )
        yield line


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    # no line can be too wide if the whole text holds fewer delimiters than a line may: skip the per-line look
    # (a Python loop over 10 million blank lines costs seconds; str.count costs milliseconds)
    lines = _within_width(text, delimiter) if text.count(delimiter) >= MAX_COLUMNS else io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if cells:  # a blank line costs nothing
                yield number, dict(enumerate(cells)), False
    except csv.Error as exc:  # not expected after the field limit is raised, but never a traceback
        raise Refusal(
            "unreadable-file",
            f"the text cannot be read as comma-separated values at row {number + 1:,} ({exc})",
            "the return exported again as CSV from the spreadsheet",
        ) from None


# --------------------------------------------------------------------------- the entry point


def read_table(
    path: Path | str, content: bytes | None = None, header: Header = RETURN
) -> tuple[RawTable | None, list[Problem]]:
    """Open a return by its content: XLSX if it is an Office zip, CSV if it is text.

    Never raises for what a file holds: every way a file can be wrong comes back as a Problem.
    """
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
                # a reader that stopped one byte past the limit knows only that: it says so rather than a size
                f"the file is more than {MAX_FILE_BYTES // 1_048_576} MB"
                if len(content) == MAX_FILE_BYTES + 1
                else f"the file is {len(content) / 1_048_576:.1f} MB",
                expected=f"{header.what} of at most {MAX_FILE_BYTES // 1_048_576} MB ({header.size})",
            )
        ]
    try:
        found = _read(file, content, header)
    except Refusal as refusal:
        return None, [refusal.problem(file)]
    return found.table, found.problems


def _read(file: str, content: bytes, header: Header) -> Found:
    if content[:4] == b"PK\x03\x04":
        return open_xlsx(file, content, header)
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if ENCRYPTED_PACKAGE in content:  # an encrypted .xlsx is wrapped in this older container
            return Found(
                None,
                [
                    problem(
                        "password-protected",
                        file,
                        "the workbook is protected by a password, so it cannot be read",
                        expected="a workbook saved without a password (File > Info > Protect Workbook)",
                    )
                ],
            )
        return Found(
            None,
            [
                problem(
                    "not-a-spreadsheet",
                    file,
                    "the file is an old-style Excel (.xls) workbook, which is not read",
                    expected="a CSV or XLSX return (save it as .xlsx or .csv)",
                )
            ],
        )
    if content[:5] == b"%PDF-":
        return Found(
            None,
            [
                problem(
                    "not-a-spreadsheet", file, "the file is a PDF, not a spreadsheet", expected="a CSV or XLSX return"
                )
            ],
        )
    return _read_csv(file, content, header)
