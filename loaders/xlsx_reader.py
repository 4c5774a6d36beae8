"""Reading an XLSX return: the workbook's sheets, styles and shared texts, then the meetings sheet's rows as they
are parsed, with what a coordinator must be told (hidden rows and sheets, formulas without values, merged cells)."""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath

from loaders.problems import Problem, problem, rows_named, shorten
from loaders.raw_table import (
    DAMAGED,
    MAX_CELL_CHARACTERS,
    MAX_COLUMNS,
    MAX_SHEET_ROWS,
    RESAVE,
    RETURN,
    Cell,
    Found,
    Header,
    RawTable,
    Refusal,
    Row,
    Unreadable,
    blank,
    column_letter,
    table_from_rows,
    too_long,
)
from loaders.xlsx_zip import (
    MAX_MERGED_RANGES,
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEETS,
    XmlHandler,
    attribute,
    check_parts,
    local_name,
    megabytes,
    parse_part,
    run_part,
)

# --------------------------------------------------------------------------- XLSX: the workbook's parts


class _WorkbookHandler(XmlHandler):
    """xl/workbook.xml: sheets in order (name, relationship id, visible or hidden) and the date system."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, str | None, str]] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "sheet":
            self.sheets.append(
                (
                    shorten(attrs.get("name") or f"Sheet{len(self.sheets) + 1}"),
                    attribute(attrs, "id"),
                    attrs.get("state", ""),
                )
            )
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _RelsHandler(XmlHandler):
    """A part's relationships: id -> (type, target)."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "Relationship" and attrs.get("Id") and attrs.get("Target"):
            self.targets[attrs["Id"]] = (attrs.get("Type", ""), attrs["Target"])


class _StylesHandler(XmlHandler):
    """xl/styles.xml: which cell styles (by index) format a number as a date."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.xf_formats: list[int] = []
        self._in_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "numFmt":
            self.formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self._in_xfs = True
        elif local == "xf" and self._in_xfs:
            self.xf_formats.append(max(_int(attrs.get("numFmtId"), 0), 0))

    def end(self, name: str) -> None:
        if local_name(name) == "cellXfs":
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
        return too_long(text, self.length) if self.length > MAX_CELL_CHARACTERS else text


class _SharedStringsHandler(XmlHandler):
    """xl/sharedStrings.xml: every distinct text of the workbook, refused past MAX_SHARED_STRINGS."""

    def __init__(self) -> None:
        self.strings: list[str | Unreadable] = []
        self._current: _TextCollector | None = None
        self._in_t = False
        self._phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
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
        local = local_name(name)
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
        raise Refusal(
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


class _SheetHandler(XmlHandler):
    """One worksheet's XML, turned into rows of cell values as expat reads it; merged ranges noted for afterwards."""

    def __init__(self, strings: list[str | Unreadable], date_styles: set[int], date1904: bool, sheet: str) -> None:
        self.strings, self.date_styles, self.date1904, self.sheet = strings, date_styles, date1904, sheet
        self.ready: list[Row] = []
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

    def _damaged(self, what: str) -> Refusal:
        return Refusal("unreadable-file", f'{DAMAGED}: in sheet "{self.sheet}", {what}', RESAVE)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
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
            if number < 1 or number > MAX_SHEET_ROWS:
                raise self._damaged(f"a row is numbered {number:,}, outside a sheet's rows 1 to {MAX_SHEET_ROWS:,}")
            if number <= self._row_number:
                raise self._damaged(f"row {number:,} comes after row {self._row_number:,}")
            self._row_number, self._row, self._column = number, {}, -1
            self._row_hidden = attrs.get("hidden", "").lower() in ("1", "true")
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        local = local_name(name)
        if local in ("v", "f", "t"):
            self._target = None
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "c" and self._row is not None:
            value = self._cell_value()
            if value is not None:
                if self._column in self._row:  # Excel never writes a cell twice: which value is meant cannot be known
                    cell = f"{column_letter(self._column)}{self._row_number}"
                    raise self._damaged(f"cell {cell} appears twice in the sheet, with two values")
                self._row[self._column] = value
        elif local == "row" and self._row is not None:
            self.ready.append((self._row_number, self._row, self._row_hidden))
            self._row = None

    def text(self, data: str) -> None:
        if self._target is not None:
            self._target.add(data)

    def _merge(self, ref: str) -> None:
        if len(self.merged) >= MAX_MERGED_RANGES:
            raise Refusal(
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
        return Unreadable("damaged-cell", f"{message}: {DAMAGED}", RESAVE, text)


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
        span = f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"
        for name, index in columns.items():
            if not first_col <= index <= last_col:
                continue
            for row_number, cells in table.rows[start:stop]:
                if (row_number, index) != (first_row, first_col) and blank(cells.get(name)):
                    cells[name] = Unreadable(
                        "merged-cells",
                        f"the cell is part of merged cells {span}, whose value Excel keeps in the first cell only",
                        "each cell filled in (unmerge the cells and fill each one)",
                    )


def _read_xlsx(file: str, archive: zipfile.ZipFile, header: Header) -> Found:
    infos = {info.filename: info for info in archive.infolist()}
    book = _WorkbookHandler()
    run_part(archive, infos["xl/workbook.xml"], book)
    rels = _RelsHandler()
    if "xl/_rels/workbook.xml.rels" in infos:
        run_part(archive, infos["xl/_rels/workbook.xml.rels"], rels)

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
            raise Refusal(
                "workbook-too-large",
                f"the workbook's shared texts unpack to {megabytes(info.file_size)}, past the limit of "
                f"{megabytes(MAX_SHARED_STRINGS_BYTES)}",
                "a workbook of one quarter's meetings (a few KB of text)",
            )
        run_part(archive, info, handler)
    dates = styles.date_styles()

    if len(book.sheets) > MAX_SHEETS:
        raise Refusal(
            "workbook-too-large",
            f"the workbook lists {len(book.sheets):,} sheets, past the limit of {MAX_SHEETS}",
            "a workbook of one quarter's meetings (one sheet, perhaps with notes beside it)",
        )
    sheets: list[tuple[str, zipfile.ZipInfo, str]] = []
    listed: dict[str, str] = {}  # part -> the sheet listing it: each part is read once, and checked before any is
    for position, (title, rid, state) in enumerate(book.sheets, start=1):
        kind, target = rels.targets.get(rid or "", ("", f"worksheets/sheet{position}.xml"))
        if kind and not kind.endswith("/worksheet"):
            continue  # a chart sheet holds no cells
        info = part(target)
        if info is None:
            raise Refusal("unreadable-file", f'{DAMAGED}: its sheet "{title}" is missing from it', RESAVE)
        if info.filename in listed:  # Excel never writes this; read twice, its meetings would count twice
            raise Refusal(
                "unreadable-file",
                f'{DAMAGED}: its sheets "{listed[info.filename]}" and "{title}" are the same part of the file',
                RESAVE,
            )
        listed[info.filename] = title
        sheets.append((title, info, state))
    found: list[tuple[str, Found, bool]] = []
    titles: list[str] = []
    for title, info, state in sheets:
        titles.append(title)
        handler = _SheetHandler(strings.strings, dates, book.date1904, title)
        stream = _sheet_rows(archive, info, handler)
        result = table_from_rows(file, title, stream, header)
        second = result.table is not None and result.table.rows and any(f.table and f.table.rows for _, f, _ in found)
        if result.table is not None and not second:
            for _ in stream:  # the merged ranges come after the rows: read the sheet to its end
                pass
            _apply_merges(result.table, result.columns, handler.merged)
        if result.table is not None or result.problems:
            found.append((title, result, state in ("hidden", "veryHidden")))
        if second:  # meetings on a second sheet: refused whatever the others hold, so stop reading
            break
    return _choose_sheet(file, found, titles, header)


def _sheet_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: _SheetHandler) -> Iterator[Row]:
    """A sheet's rows as they are parsed, a chunk at a time."""
    for _ in parse_part(archive, info, handler):
        yield from handler.ready
        handler.ready.clear()


def _choose_sheet(file: str, found: list[tuple[str, Found, bool]], titles: list[str], header: Header) -> Found:
    refused = [f for _, f, _ in found if any(p.code == "too-many-rows" for p in f.problems)]
    if refused:
        return refused[0]
    with_rows = [(title, f, hidden) for title, f, hidden in found if f.table is not None and f.table.rows]
    if len(with_rows) > 1:  # reading one and skipping the rest would lose meetings silently
        names = " and ".join(f'"{title}"' for title, _, _ in with_rows)
        return Found(
            None,
            [
                problem(
                    "return-on-several-sheets",
                    file,
                    f"{header.rows} are on more than one sheet ({names})",
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
    return Found(
        None,
        [
            problem(
                "no-header-row",
                file,
                f"no sheet ({names}) has a row naming {header.columns}",
                expected=f"a header row with {header.columns}",
            )
        ],
    )


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
                f"{rows_named(hidden_rows)} {'is' if len(hidden_rows) == 1 else 'are'} hidden in the workbook "
                f"(or filtered out) but will be loaded like every other row",
                sheet=sheet,
                expected="every meeting row visible (Home > Format > Hide & Unhide > Unhide Rows, and clear filters), "
                "and any row that is not a meeting deleted",
            )
        )
    return found


def open_xlsx(file: str, content: bytes, header: Header = RETURN) -> Found:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except Exception:  # zipfile raises many types for a damaged archive (BadZipFile, ValueError, struct.error …)
        return Found(
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
            return Found(
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
            return Found(
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
        check_parts(archive.infolist())
        return _read_xlsx(file, archive, header)
