"""Reading a return file (CSV or XLSX) into a header and cell rows, before any validation.

Kept apart from validation so the same reader serves the CLI loader and the upload page: it
opens the bytes with the real parser (never trusting the extension), finds the header row, and
remembers each cell's true spreadsheet row for messages.

Every file is refused with a reason or read, never crashed on, and at bounded cost: rows are
streamed and only a return's columns are kept, a workbook's zip entries are checked for size and
compression ratio before anything is unpacked, and its XML is parsed by expat as it is inflated,
so a "zip bomb" or a file of blank lines costs what its limit allows, not what it claims.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.parsers import expat

from loaders.problems import Problem, problem, shorten
from loaders.return_layout import match_header

#: a quarter of one MARAC is a few KB and at most ~100 meetings; these limits stop a wrong file, not a real return
MAX_FILE_BYTES = 10 * 1_048_576
MAX_ROWS = 50_000
#: Excel's own limit on a cell's length: a longer cell was not made by a spreadsheet
MAX_CELL_CHARACTERS = 32_767
#: the header is looked for among this many non-blank rows (a title and instructions sit above it, not pages of them)
MAX_ROWS_BEFORE_HEADER = 1_000
#: a workbook's limits, checked on the zip's declared sizes before unpacking and again while inflating
MAX_PART_BYTES = 100 * 1_048_576  # one sheet of 50,000 rows of 25 cells is about 40 MB of XML
MAX_WORKBOOK_BYTES = 200 * 1_048_576  # every part together
MAX_RATIO = 200  # sheet XML packs 5-50 times; a zip bomb packs about 1,000 times
RATIO_FROM_BYTES = 1_048_576  # a part smaller than this unpacked costs nothing whatever its ratio
MAX_PARTS = 2_000
MAX_SHARED_STRINGS = 200_000  # a return's distinct texts number in the hundreds
MAX_SHARED_STRINGS_BYTES = 20 * 1_048_576  # their XML, unpacked
MAX_MERGED_RANGES = 10_000
#: Excel's grid: 16,384 columns (XFD) by 1,048,576 rows
MAX_COLUMNS = 16_384
MAX_SHEET_ROWS = 1_048_576
#: the stream name (UTF-16) inside the container Excel wraps an encrypted workbook in
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# a process-wide setting of the csv module, only raised: no cell of a file within MAX_FILE_BYTES can pass it, so a long
# cell reaches the checks below (which name its row and column) instead of stopping the reader with csv.Error
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES + 1))


@dataclass(frozen=True)
class Unreadable:
    """A cell the reader could not turn into a value, and why: the validator reports it at its row and column."""

    code: str
    message: str
    expected: str
    text: str | None = None  # what the cell holds, as the report shows it

    def __str__(self) -> str:
        return self.text or ""


Cell = str | int | float | date | datetime | Unreadable | None
_Row = tuple[int, dict[int, Cell], bool]  # spreadsheet row number, cells by column index, hidden in the workbook

_RESAVE = "the workbook saved again from Excel or LibreOffice"
_DAMAGED = "the workbook is damaged or encrypted"


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


class _Refusal(Exception):
    """The file is refused for one reason; raised from deep in a parse and turned into its Problem at the top."""

    def __init__(self, code: str, message: str, expected: str, **where: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.expected, self.where = code, message, expected, where

    def problem(self, file: str) -> Problem:
        return problem(self.code, file, self.message, expected=self.expected, **self.where)


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


def _header_of(values: dict[int, Cell]) -> dict[int, str] | None:
    """Column index -> canonical field, if this row looks like our header (2+ known columns)."""
    found: dict[int, str] = {}
    for i, value in values.items():
        if isinstance(value, str) and len(value) <= MAX_CELL_CHARACTERS:
            name = match_header(value)
            if name:
                found[i] = name
    return found if len(found) >= 2 else None


def _too_long(text: str, length: int | None = None) -> Unreadable:
    """`length`: the cell's full length where only its start was kept."""
    return Unreadable(
        "cell-too-long",
        f"a cell holds over {MAX_CELL_CHARACTERS:,} characters ({length or len(text):,}), more than a spreadsheet "
        "cell can",
        "a cell of the return (a code, a date or a count); check the file is the return exported from the spreadsheet",
        text,
    )


@dataclass
class _Found:
    """What one sheet (or the CSV) gave: its table or the problems that stop it, and what the coordinator is told."""

    table: RawTable | None
    problems: list[Problem]
    hidden_rows: list[int] = field(default_factory=list)
    searched_all: bool = True  # False when the header search stopped at MAX_ROWS_BEFORE_HEADER
    columns: dict[str, int] = field(default_factory=dict)  # canonical field -> column index its cells come from


def _table_from_rows(file: str, sheet: str | None, rows: Iterable[_Row], count_past_limit: bool = True) -> _Found:
    """Find the header, then keep only the return's columns of each non-blank row below it.

    Rows arrive one at a time and at most MAX_ROWS are kept. Past that a CSV's rows are only counted, so the refusal
    says how many there are (10 MB of text counts in under a second); a workbook's reading stops there, as parsing
    a 70 MB sheet to its end would take longer than the 10 s a file may cost.
    """
    problems: list[Problem] = []
    where = {"sheet": sheet} if sheet else {}
    stream = iter(rows)
    searched = 0
    for row_number, values, _ in stream:
        if all(_blank(v) for v in values.values()):
            continue
        searched += 1
        if searched > MAX_ROWS_BEFORE_HEADER:
            return _Found(None, [], searched_all=False)
        columns = _header_of(values)
        if columns is None:
            continue
        headers: dict[str, str] = {}
        for i, name in columns.items():
            written = shorten(str(values[i]).strip())
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
        header_filled = {i for i, v in values.items() if not _blank(v)}
        table = RawTable(file=file, sheet=sheet, header_row=row_number, headers=headers)
        unheaded: set[int] = set()
        hidden: list[int] = []
        count = 0
        for data_row, data, is_hidden in stream:
            if all(_blank(v) for v in data.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                if count_past_limit:
                    continue  # counted, not kept
                return _Found(
                    None,
                    [
                        *problems,
                        problem(
                            "too-many-rows",
                            file,
                            f"more than {MAX_ROWS:,} meeting rows (reading stopped at row {data_row:,})",
                            **where,
                            expected=f"at most {MAX_ROWS:,} rows (a quarter's meetings)",
                        ),
                    ],
                )
            cells: dict[str, Cell] = {}
            for i, name in columns.items():
                value = data.get(i)
                cells[name] = _too_long(value) if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS else value
            table.rows.append((data_row, cells))
            if is_hidden:
                hidden.append(data_row)
            for i, v in data.items():
                if i in columns or _blank(v):
                    continue
                if i not in header_filled:
                    unheaded.add(i)
                if isinstance(v, str) and (len(v) > MAX_CELL_CHARACTERS or "\x00" in v):
                    problems.append(_unmapped_cell(file, sheet, data_row, i, v))
        if count > MAX_ROWS:
            return _Found(
                None,
                [
                    *problems,
                    problem(
                        "too-many-rows",
                        file,
                        f"{count:,} meeting rows",
                        **where,
                        expected=f"at most {MAX_ROWS:,} rows (a quarter's meetings)",
                    ),
                ],
            )
        table.unheaded = [_column_letter(i) for i in sorted(unheaded)]
        return _Found(table, problems, hidden, columns={name: i for i, name in columns.items()})
    return _Found(None, problems)


def _unmapped_cell(file: str, sheet: str | None, row: int, column: int, value: str) -> Problem:
    """A cell outside the return's columns that no spreadsheet could hold: the file is not what it seems."""
    if len(value) > MAX_CELL_CHARACTERS:
        cell = _too_long(value)
        return problem(
            cell.code, file, cell.message, sheet=sheet, row=row, column=_column_letter(column), value=value,
            expected=cell.expected,
        )  # fmt: skip
    return problem(
        "hidden-character",
        file,
        "the cell holds a NUL byte (U+0000), which no text holds: the file is damaged or not a spreadsheet's export",
        sheet=sheet,
        row=row,
        column=_column_letter(column),
        value=value.replace("\x00", "\\0"),
        expected="the return exported again as CSV from the spreadsheet",
    )


# --------------------------------------------------------------------------- CSV


def _read_csv(file: str, content: bytes) -> _Found:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _Refusal(
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
    found = _table_from_rows(file, None, _csv_rows(text, ","))
    if found.table is None and not found.problems and found.searched_all:
        # Excel writes semicolons where the decimal mark is a comma, and tabs in "Unicode text": read those too
        first = list(itertools.islice(io.StringIO(text, newline=""), 20))
        for mark in (";", "\t"):
            if any(line.count(mark) >= 2 for line in first):
                retry = _table_from_rows(file, None, _csv_rows(text, mark))
                if retry.table is not None or retry.problems or not retry.searched_all:
                    found = retry
                    break
    if found.table is None and not found.problems:
        if binary:
            message = "the file holds binary data, not comma-separated text"
            return _Found(None, [problem("not-a-spreadsheet", file, message, expected="a CSV or XLSX return")])
        message = "no row names the return's columns (such as marac_code, meeting_date, cases_discussed)"
        if not found.searched_all:
            message = f"none of the first {MAX_ROWS_BEFORE_HEADER:,} rows with text names the return's columns"
        found.problems.append(
            problem("no-header-row", file, message, expected="a header row with the return's columns")
        )
    return found


def _csv_rows(text: str, delimiter: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if cells:  # a blank line costs nothing
                yield number, dict(enumerate(cells)), False
    except csv.Error as exc:  # not expected after the field limit is raised, but never a traceback
        raise _Refusal(
            "unreadable-file",
            f"the text cannot be read as comma-separated values at row {number + 1:,} ({exc})",
            "the return exported again as CSV from the spreadsheet",
        ) from None


# --------------------------------------------------------------------------- XLSX: the zip


def _mb(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB"


def _check_parts(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook on what its zip declares, before a byte is unpacked (inflating also stops at these sizes)."""
    if len(infos) > MAX_PARTS:
        raise _Refusal(
            "workbook-too-large",
            f"the workbook has {len(infos):,} parts inside it, past the limit of {MAX_PARTS:,}",
            "a workbook of one quarter's meetings (a few dozen parts)",
        )
    total = 0
    for info in infos:
        name = shorten(info.filename)
        if info.flag_bits & 0x1:
            raise _Refusal(
                "password-protected",
                f'{_DAMAGED}: its part "{name}" is encrypted with a zip password, so it cannot be read',
                "a workbook saved from Excel without a password",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refusal(
                "unreadable-file",
                f'{_DAMAGED}: its part "{name}" is packed with compression method {info.compress_type}, '
                "which Excel never uses",
                _RESAVE,
            )
        if info.file_size > MAX_PART_BYTES:
            raise _Refusal(
                "workbook-too-large",
                f'the workbook\'s part "{name}" unpacks to {_mb(info.file_size)}, past the limit of '
                f"{_mb(MAX_PART_BYTES)}",
                "a workbook of one quarter's meetings (well under 1 MB unpacked)",
            )
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _Refusal(
                "workbook-too-large",
                f'the workbook\'s part "{name}" unpacks to {ratio:,.0f} times its packed size '
                f"({info.compress_size:,} bytes to {_mb(info.file_size)}), past the limit of {MAX_RATIO} times: "
                "built to exhaust memory, not saved by a spreadsheet",
                "a workbook saved from Excel or LibreOffice",
            )
        total += info.file_size
    if total > MAX_WORKBOOK_BYTES:
        raise _Refusal(
            "workbook-too-large",
            f"the workbook's parts unpack to {_mb(total)} in all, past the limit of {_mb(MAX_WORKBOOK_BYTES)}",
            "a workbook of one quarter's meetings (well under 1 MB unpacked)",
        )


def _local(name: str) -> str:
    """An element's name without its namespace: 'http://…/main}row' -> 'row' (strict OOXML has other namespaces).

    Cached, as a sheet of 50,000 rows names a million elements; a file inventing names cannot grow the cache past 512.
    """
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 512:
            _LOCAL_NAMES[name] = local
    return local


_LOCAL_NAMES: dict[str, str] = {}


def _attr(attrs: dict[str, str], local: str) -> str | None:
    for key, value in attrs.items():
        if _local(key) == local:
            return value
    return None


class _XmlHandler:
    """Callbacks for one part's XML; `rows` collects what is ready to hand on between chunks."""

    def start(self, name: str, attrs: dict[str, str]) -> None: ...

    def end(self, name: str) -> None: ...

    def text(self, data: str) -> None: ...


def _no_doctype(*_: object) -> None:
    raise _Refusal(
        "unreadable-file",
        f"{_DAMAGED}: a part of it declares a document type, which a spreadsheet never writes",
        _RESAVE,
    )


def _parse_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: _XmlHandler) -> Iterator[None]:
    """Inflate and parse one part chunk by chunk; yields after each chunk so rows can be handed on as they come."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    name = shorten(info.filename)
    with _unpacking(name):
        stream = archive.open(info)
    with stream:
        read = 0
        while True:
            with _unpacking(name):
                chunk = stream.read(1 << 16)
            read += len(chunk)
            if read > MAX_PART_BYTES:  # zipfile stops at the declared size; this is belt and braces
                raise _Refusal(
                    "workbook-too-large",
                    f'the workbook\'s part "{name}" unpacks to more than {_mb(MAX_PART_BYTES)}',
                    "a workbook of one quarter's meetings (well under 1 MB unpacked)",
                )
            try:  # only expat's own error is caught here: an exception from our handlers is a bug, and escapes
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as exc:
                raise _Refusal(
                    "unreadable-file",
                    f'{_DAMAGED}: its part "{name}" is cut short or not well-formed '
                    f"(line {exc.lineno:,}, column {exc.offset + 1:,}: {expat.ErrorString(exc.code)})",
                    _RESAVE,
                ) from None
            yield
            if not chunk:
                return


@contextmanager
def _unpacking(name: str) -> Iterator[None]:
    """zipfile's errors while opening or inflating a part, as the refusal a coordinator can act on."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error) as exc:  # e.g. a negative seek
        raise _Refusal(
            "unreadable-file",
            f'{_DAMAGED}: its part "{name}" cannot be unpacked ({shorten(str(exc))}), '
            "perhaps an interrupted download or email attachment",
            _RESAVE,
        ) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or unknown compression, if the checks missed it
        raise _Refusal(
            "unreadable-file", f'{_DAMAGED}: its part "{name}" cannot be unpacked ({exc})', _RESAVE
        ) from None


def _run(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: _XmlHandler) -> None:
    for _ in _parse_part(archive, info, handler):
        pass


# --------------------------------------------------------------------------- XLSX: the workbook's parts


class _WorkbookHandler(_XmlHandler):
    """xl/workbook.xml: sheets in order (name, relationship id, visible or hidden) and the date system."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, str | None, str]] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheet":
            self.sheets.append(
                (
                    shorten(attrs.get("name") or f"Sheet{len(self.sheets) + 1}"),
                    _attr(attrs, "id"),
                    attrs.get("state", ""),
                )
            )
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _RelsHandler(_XmlHandler):
    """A part's relationships: id -> (type, target)."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("Id") and attrs.get("Target"):
            self.targets[attrs["Id"]] = (attrs.get("Type", ""), attrs["Target"])


class _StylesHandler(_XmlHandler):
    """xl/styles.xml: which cell styles (by index) format a number as a date."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.xf_formats: list[int] = []
        self._in_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt":
            self.formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self._in_xfs = True
        elif local == "xf" and self._in_xfs:
            self.xf_formats.append(max(_int(attrs.get("numFmtId"), 0), 0))

    def end(self, name: str) -> None:
        if _local(name) == "cellXfs":
            self._in_xfs = False

    def date_styles(self) -> set[int]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format  # pure helpers: Excel's date formats

        dates: set[int] = set()
        for index, format_id in enumerate(self.xf_formats):
            code = self.formats.get(format_id, BUILTIN_FORMATS.get(format_id, ""))
            if code and is_date_format(code):
                dates.add(index)
        return dates


_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """OOXML writes characters below space as _xHHHH_ (a line break in a cell is _x000A_)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _TextCollector:
    """Text of a string run, kept up to one more than a cell's limit: past that only its length is counted."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, data: str) -> None:
        if self.length <= MAX_CELL_CHARACTERS:
            self.parts.append(data)
        self.length += len(data)

    def value(self) -> str | Unreadable:
        text = _unescape("".join(self.parts))
        return _too_long(text, self.length) if self.length > MAX_CELL_CHARACTERS else text


class _SharedStringsHandler(_XmlHandler):
    """xl/sharedStrings.xml: every distinct text of the workbook, refused past MAX_SHARED_STRINGS."""

    def __init__(self) -> None:
        self.strings: list[str | Unreadable] = []
        self._current: _TextCollector | None = None
        self._in_t = False
        self._phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sst":
            declared = max(_int(attrs.get("uniqueCount")), 0)
            if declared > MAX_SHARED_STRINGS:
                self._too_many(declared)
        elif local == "si":
            self._current = _TextCollector()
            if len(self.strings) >= MAX_SHARED_STRINGS:
                self._too_many(len(self.strings) + 1)
        elif local == "rPh":
            self._phonetic += 1
        elif local == "t" and self._current is not None and not self._phonetic:
            self._in_t = True

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "t":
            self._in_t = False
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "si" and self._current is not None:
            self.strings.append(self._current.value())
            self._current = None

    def text(self, data: str) -> None:
        if self._in_t and self._current is not None:
            self._current.add(data)

    @staticmethod
    def _too_many(count: int) -> None:
        raise _Refusal(
            "workbook-too-large",
            f"the workbook holds {count:,} distinct texts or more, past the limit of {MAX_SHARED_STRINGS:,}",
            "a workbook of one quarter's meetings (a few hundred distinct texts)",
        )


def _int(text: str | None, default: int = -1) -> int:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 9:
        return default
    return int(text)


_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_XML_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$")


_COLUMN_OF: dict[str, int] = {}


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


class _SheetHandler(_XmlHandler):
    """One worksheet's XML, turned into rows of cell values as expat reads it; merged ranges noted for afterwards."""

    def __init__(self, strings: list[str | Unreadable], date_styles: set[int], date1904: bool, sheet: str) -> None:
        self.strings, self.date_styles, self.date1904, self.sheet = strings, date_styles, date1904, sheet
        self.ready: list[_Row] = []
        self.merged: list[tuple[int, int, int, int]] = []  # first row, last row, first column, last column
        self._row: dict[int, Cell] | None = None
        self._row_number = 0
        self._row_hidden = False
        self._column = -1
        self._type = "n"
        self._style = 0
        self._value: _TextCollector | None = None
        self._formula: _TextCollector | None = None
        self._inline: _TextCollector | None = None
        self._target: _TextCollector | None = None
        self._phonetic = 0
        self._v = _TextCollector()

    def _damaged(self, what: str) -> _Refusal:
        return _Refusal("unreadable-file", f'{_DAMAGED}: in sheet "{self.sheet}", {what}', _RESAVE)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c" and self._row is not None:
            ref = attrs.get("r")
            if ref is None:
                self._column += 1
            else:
                letters = ref.rstrip("0123456789")
                known = _COLUMN_OF.get(letters) if len(letters) < len(ref) <= len(letters) + 7 else None
                if known is None:
                    found = _CELL_REF.match(ref)
                    if not found:
                        raise self._damaged(f'a cell is named "{shorten(ref)}", which is not a cell reference')
                    known = _column_index(found.group(1))
                    if found.group(1) == letters:
                        _COLUMN_OF[letters] = known  # at most 16,384 + 26 ** 3 letter strings
                self._column = known
            if self._column >= MAX_COLUMNS:
                raise self._damaged(f"row {self._row_number:,} has a cell past column XFD, the last a sheet has")
            self._type = attrs.get("t", "n")
            style = attrs.get("s")
            self._style = 0 if style is None else max(_int(style, 0), 0)
            self._value = self._formula = self._inline = self._target = None
        elif local == "v":
            self._value = self._target = self._v
            self._v.parts, self._v.length = [], 0  # one collector reused: a sheet has a million values
        elif local == "f":
            self._formula = self._target = _TextCollector()
        elif local == "is":
            self._inline = _TextCollector()
        elif local == "rPh":
            self._phonetic += 1
        elif local == "t" and self._inline is not None and not self._phonetic:
            self._target = self._inline
        elif local == "row":
            number = _int(attrs.get("r"))
            number = self._row_number + 1 if number < 0 else number
            if number <= self._row_number or number > MAX_SHEET_ROWS:
                raise self._damaged(f"row {number:,} comes after row {self._row_number:,}")
            self._row_number, self._row, self._column = number, {}, -1
            self._row_hidden = attrs.get("hidden", "").lower() in ("1", "true")
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "f", "t"):
            self._target = None
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "c" and self._row is not None:
            value = self._cell_value()
            if value is not None:
                self._row[self._column] = value
        elif local == "row" and self._row is not None:
            self.ready.append((self._row_number, self._row, self._row_hidden))
            self._row = None

    def text(self, data: str) -> None:
        if self._target is not None:
            self._target.add(data)

    def _merge(self, ref: str) -> None:
        if len(self.merged) >= MAX_MERGED_RANGES:
            raise _Refusal(
                "workbook-too-large",
                f'sheet "{self.sheet}" has more than {MAX_MERGED_RANGES:,} merged ranges',
                "a return with a few merged title cells at most",
            )
        ends = [_CELL_REF.match(part) for part in ref.split(":")]
        if len(ends) == 2 and ends[0] and ends[1]:
            (c1, r1), (c2, r2) = ((_column_index(m.group(1)), int(m.group(2))) for m in ends if m)
            self.merged.append((min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)))

    def _cell_value(self) -> Cell:
        """The value as Excel shows it; a cell Excel could not have written is an Unreadable naming why."""
        kind = self._type
        value = self._value
        if kind == "n" and value is not None and len(value.parts) == 1 and self._style not in self.date_styles:
            text = value.parts[0]  # the common case, a whole number, read without the checks below
            if text.isdigit() and text.isascii() and len(text) < 16:
                return int(text)
        if kind == "inlineStr":
            return self._inline.value() if self._inline is not None else None
        if self._value is None or (kind != "str" and self._value.length == 0):  # openpyxl writes <v></v>
            if self._formula is not None:
                formula = self._formula.value()
                return Unreadable(
                    "formula-without-value",
                    "the cell holds a formula without a saved value: the workbook was saved without calculated "
                    "values — open and save it in Excel",
                    "a value in each cell (open the workbook in Excel and save it, or paste the cells as values)",
                    "=" + str(formula),
                )
            return None
        raw = self._value.value()
        if isinstance(raw, Unreadable):
            return raw
        if kind in ("str", "e"):  # a formula's text, or an error such as #REF!: shown as the text it is
            return raw
        if kind == "s":
            index = _int(raw.strip())
            if 0 <= index < len(self.strings):
                return self.strings[index]
            return self._damaged_cell(
                f"the cell points at shared text number {shorten(raw)}, which the workbook lacks", raw
            )
        if kind == "b":
            if raw.strip() in ("0", "1"):
                return raw.strip() == "1"
            return self._damaged_cell(f'the cell is declared true/false but holds "{shorten(raw)}"', raw)
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip())
            except ValueError:
                return self._damaged_cell(f'the cell is declared a date but holds "{shorten(raw)}"', raw)
        text = raw.strip()
        if not _XML_NUMBER.match(text):
            return self._damaged_cell(
                f'the workbook declares a number here but the cell holds the text "{shorten(raw)}"', raw
            )
        number: int | float = int(text) if text.lstrip("+-").isdigit() and len(text) < 16 else float(text)
        if self._style in self.date_styles:
            return self._as_date(number)
        return number

    def _as_date(self, number: float) -> Cell:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            day = from_excel(number, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900)
        except (OverflowError, ValueError, ArithmeticError):
            return number  # a date format on a number no calendar holds: the validator says it is not a date
        return day if isinstance(day, datetime) else number

    @staticmethod
    def _damaged_cell(message: str, text: str | None = None) -> Unreadable:
        return Unreadable("damaged-cell", f"{message}: {_DAMAGED}", _RESAVE, text)


def _apply_merges(table: RawTable, columns: dict[str, int], merged: list[tuple[int, int, int, int]]) -> None:
    """A blank cell covered by merged cells is named as such: Excel keeps a merged range's value in its first cell."""
    if not merged or not table.rows:
        return
    numbers = [n for n, _ in table.rows]
    for first_row, last_row, first_col, last_col in merged:
        start = bisect.bisect_left(numbers, first_row)
        stop = bisect.bisect_right(numbers, last_row)
        if start == stop:
            continue
        span = f"{_column_letter(first_col)}{first_row}:{_column_letter(last_col)}{last_row}"
        for name, index in columns.items():
            if not first_col <= index <= last_col:
                continue
            for row_number, cells in table.rows[start:stop]:
                if (row_number, index) != (first_row, first_col) and _blank(cells.get(name)):
                    cells[name] = Unreadable(
                        "merged-cells",
                        f"the cell is part of merged cells {span}, whose value Excel keeps in the first cell only",
                        "each cell filled in (unmerge the cells and fill each one)",
                    )


def _read_xlsx(file: str, archive: zipfile.ZipFile) -> _Found:
    infos = {info.filename: info for info in archive.infolist()}
    book = _WorkbookHandler()
    _run(archive, infos["xl/workbook.xml"], book)
    rels = _RelsHandler()
    if "xl/_rels/workbook.xml.rels" in infos:
        _run(archive, infos["xl/_rels/workbook.xml.rels"], rels)

    def part(target: str) -> zipfile.ZipInfo | None:
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts: list[str] = []
        for piece in path.split("/"):
            if piece == "..":
                parts = parts[:-1]
            elif piece not in ("", "."):
                parts.append(piece)
        return infos.get("/".join(parts))

    styles = _StylesHandler()
    strings = _SharedStringsHandler()
    for suffix, handler, default in (
        ("/styles", styles, "styles.xml"),
        ("/sharedStrings", strings, "sharedStrings.xml"),
    ):
        target = next((t for kind, t in rels.targets.values() if kind.endswith(suffix)), None)
        info = part(target or default)
        if info is None:
            continue
        if handler is strings and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _Refusal(
                "workbook-too-large",
                f"the workbook's shared texts unpack to {_mb(info.file_size)}, past the limit of "
                f"{_mb(MAX_SHARED_STRINGS_BYTES)}",
                "a workbook of one quarter's meetings (a few KB of text)",
            )
        _run(archive, info, handler)
    dates = styles.date_styles()

    found: list[tuple[str, _Found, bool]] = []
    titles: list[str] = []
    for position, (title, rid, state) in enumerate(book.sheets, start=1):
        kind, target = rels.targets.get(rid or "", ("", f"worksheets/sheet{position}.xml"))
        if kind and not kind.endswith("/worksheet"):
            continue  # a chart sheet holds no cells
        info = part(target)
        if info is None:
            raise _Refusal("unreadable-file", f'{_DAMAGED}: its sheet "{title}" is missing from it', _RESAVE)
        titles.append(title)
        handler = _SheetHandler(strings.strings, dates, book.date1904, title)
        stream = _sheet_rows(archive, info, handler)
        result = _table_from_rows(file, title, stream, count_past_limit=False)
        if result.table is not None:
            for _ in stream:  # the merged ranges come after the rows: read the sheet to its end
                pass
            _apply_merges(result.table, result.columns, handler.merged)
        if result.table is not None or result.problems:
            found.append((title, result, state in ("hidden", "veryHidden")))
    return _choose_sheet(file, found, titles)


def _sheet_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: _SheetHandler) -> Iterator[_Row]:
    """A sheet's rows as they are parsed, a chunk at a time."""
    for _ in _parse_part(archive, info, handler):
        yield from handler.ready
        handler.ready.clear()


def _choose_sheet(file: str, found: list[tuple[str, _Found, bool]], titles: list[str]) -> _Found:
    refused = [f for _, f, _ in found if any(p.code == "too-many-rows" for p in f.problems)]
    if refused:
        return refused[0]
    with_rows = [(title, f, hidden) for title, f, hidden in found if f.table is not None and f.table.rows]
    if len(with_rows) > 1:  # reading one and skipping the rest would lose meetings silently
        names = " and ".join(f'"{title}"' for title, _, _ in with_rows)
        return _Found(
            None,
            [
                problem(
                    "return-on-several-sheets",
                    file,
                    f"meeting rows are on more than one sheet ({names})",
                    expected="every meeting on one sheet (copy them onto the first)",
                )
            ],
        )
    if found:
        title, chosen, hidden = with_rows[0] if with_rows else found[0]
        if chosen.table is not None and chosen.table.rows:
            chosen.problems.extend(_hidden_warnings(file, title, hidden, chosen.hidden_rows))
        return chosen
    names = ", ".join(f'"{t}"' for t in titles)
    return _Found(
        None,
        [
            problem(
                "no-header-row",
                file,
                f"no sheet ({names}) has a row naming the return's columns",
                expected="a header row with the return's columns",
            )
        ],
    )


def _rows_named(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    if len(numbers) > 10:
        shown += f" and {len(numbers) - 10:,} more"
    return ("row " if len(numbers) == 1 else "rows ") + shown


def _hidden_warnings(file: str, sheet: str, hidden_sheet: bool, hidden_rows: list[int]) -> list[Problem]:
    """Hidden meetings load like any other, so the coordinator is told which: a hidden row once changed a year."""
    found = []
    if hidden_sheet:
        found.append(
            problem(
                "hidden-sheet",
                file,
                f'the meetings are read from sheet "{sheet}", which is hidden in the workbook',
                sheet=sheet,
                expected="the return on a visible sheet (right-click a sheet tab > Unhide) — check it is the right one",
            )
        )
    if hidden_rows:
        found.append(
            problem(
                "hidden-rows",
                file,
                f"{_rows_named(hidden_rows)} {'is' if len(hidden_rows) == 1 else 'are'} hidden in the workbook "
                f"(or filtered out) but will be loaded like every other row",
                sheet=sheet,
                expected="every meeting row visible (Home > Format > Hide & Unhide > Unhide Rows, and clear filters), "
                "and any row that is not a meeting deleted",
            )
        )
    return found


def _open_xlsx(file: str, content: bytes) -> _Found:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except Exception:  # zipfile raises many types for a damaged archive (BadZipFile, ValueError, struct.error …)
        return _Found(
            None,
            [
                problem(
                    "unreadable-file",
                    file,
                    "the file starts like an Excel workbook but is damaged or cut short "
                    "(perhaps an interrupted download or email attachment)",
                    expected="the workbook saved again from Excel or LibreOffice",
                )
            ],
        )
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            return _Found(
                None,
                [
                    problem(
                        "not-a-spreadsheet",
                        file,
                        "the file is a zip archive (perhaps a Word or ODS file), not an Excel workbook",
                        expected="a CSV or XLSX return",
                    )
                ],
            )
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return _Found(
                None,
                [
                    problem(
                        "macro-workbook",
                        file,
                        "the workbook contains macros, which are never opened here",
                        expected="an .xlsx workbook without macros (File > Save As > Excel Workbook)",
                    )
                ],
            )
        _check_parts(archive.infolist())
        return _read_xlsx(file, archive)


# --------------------------------------------------------------------------- the entry point


def read_table(path: Path | str, content: bytes | None = None) -> tuple[RawTable | None, list[Problem]]:
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
                f"the file is {len(content) / 1_048_576:.1f} MB",
                expected=f"a return of at most {MAX_FILE_BYTES // 1_048_576} MB (one quarter of one MARAC is a few KB)",
            )
        ]
    try:
        found = _read(file, content)
    except _Refusal as refusal:
        return None, [refusal.problem(file)]
    return found.table, found.problems


def _read(file: str, content: bytes) -> _Found:
    if content[:4] == b"PK\x03\x04":
        return _open_xlsx(file, content)
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if ENCRYPTED_PACKAGE in content:  # an encrypted .xlsx is wrapped in this older container
            return _Found(
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
        return _Found(
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
        return _Found(
            None,
            [
                problem(
                    "not-a-spreadsheet", file, "the file is a PDF, not a spreadsheet", expected="a CSV or XLSX return"
                )
            ],
        )
    return _read_csv(file, content)
