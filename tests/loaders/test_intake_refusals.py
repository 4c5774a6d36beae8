"""Files that used to crash the loader, and files built to exhaust it: each is refused with a reason, nothing loads.

Issue 14 found tracebacks for a cell over csv's 128 KB field limit, UTF-16 with an odd byte count, a truncated sheet,
text where the workbook declares a number, encrypted and unsupported-compression zip parts; and memory without bound
for zip bombs, shared-strings bombs and blank lines. Every malformed file is built here, byte by byte, from a valid
one-meeting Hackney return (tests.helpers.returns.BASE_ROW), so each test shows exactly what the file held.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from loaders import store
from loaders.return_file import read_table
from tests.helpers.returns import COLUMNS, TODAY, meeting, memory_db, workbook

RESAVE = "expected the workbook saved again from Excel or LibreOffice"
SMALL = "expected a workbook of one quarter's meetings (well under 1 MB unpacked)"
SHEET = "xl/worksheets/sheet1.xml"


def refused(path: Path) -> list[str]:
    """The report's lines for a file the loader refuses, having checked that nothing at all was loaded."""
    conn = memory_db()
    try:
        result = store.load_file(conn, path, today=TODAY)
        assert result.outcome == "refused", result.report.text()
        assert conn.execute("SELECT count(*) FROM meeting").fetchone() == (0,)
        return [p.line() for p in result.report.problems]
    finally:
        conn.close()


def csv_bytes(*rows: list[object]) -> bytes:
    return ("\n".join(",".join(str(c) for c in row) for row in [COLUMNS, *rows]) + "\n").encode()


def parts() -> dict[str, bytes]:
    """The parts of a valid workbook holding one meeting on sheet "Return" (openpyxl writes its text inline)."""
    buffer = io.BytesIO()
    workbook({"Return": [COLUMNS, meeting()]}).save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(contents: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


#: where a zip names a part: (signature, offset of the name) for the local header and the central directory
LOCAL, CENTRAL = (b"PK\x03\x04", 30), (b"PK\x01\x02", 46)


def patched(content: bytes, name: str, header: tuple[bytes, int], offset: int, value: bytes) -> bytes:
    """The zip with `value` written `offset` bytes into the header (local or central) that names `name`."""
    signature, name_at = header
    at = content.index(signature)
    while content[at + name_at : at + name_at + len(name)] != name.encode():
        at = content.index(signature, at + 4)
    return content[: at + offset] + value + content[at + offset + len(value) :]


def with_declared_size(content: bytes, name: str, size: int) -> bytes:
    """The zip with its central directory claiming `size` unpacked bytes for `name` (what zipfile believes)."""
    return patched(content, name, CENTRAL, 24, struct.pack("<I", size))


# --------------------------------------------------------------------------- what crashed the loader


def test_a_csv_cell_past_the_csv_field_limit_is_refused_at_its_row_and_column(tmp_path: Path) -> None:
    # 200,000 characters: past csv's 131,072 (which raised "field larger than field limit") and Excel's 32,767
    path = write(tmp_path, "long.csv", csv_bytes(meeting(marac_code="E" * 200_000)))
    assert refused(path) == [
        'ERROR long.csv, row 2, column "marac_code": a cell holds over 32,767 characters (200,000), more than a '
        f'spreadsheet cell can (value "{"E" * 60}… (200,000 characters)"); expected a cell of the return (a code, '
        "a date or a count); check the file is the return exported from the spreadsheet [cell-too-long]"
    ]


def test_a_long_cell_outside_the_returns_columns_is_named_by_its_column_letter(tmp_path: Path) -> None:
    # a 26th column (Z) with a blank header: 40,000 characters, under csv's limit but over Excel's
    path = write(tmp_path, "notes.csv", csv_bytes([*meeting(), "n" * 40_000]))
    assert refused(path) == [
        'ERROR notes.csv, row 2, column "Z": a cell holds over 32,767 characters (40,000), more than a spreadsheet '
        f'cell can (value "{"n" * 60}… (40,000 characters)"); expected a cell of the return (a code, a date or a '
        "count); check the file is the return exported from the spreadsheet [cell-too-long]"
    ]


def test_utf16_with_an_odd_byte_count_is_refused(tmp_path: Path) -> None:
    content = csv_bytes(meeting()).decode().encode("utf-16") + b"\x00"  # one byte past the last character
    path = write(tmp_path, "unicode.csv", content)
    assert refused(path) == [
        f"ERROR unicode.csv: the file is marked as Unicode (UTF-16) text but its text breaks off at byte "
        f"{len(content) - 1:,} of {len(content):,} (it is cut short or damaged); expected the return saved again "
        "from Excel (File > Save As > CSV UTF-8) [unreadable-file]"
    ]


def test_a_sheet_cut_short_is_refused_as_damaged(tmp_path: Path) -> None:
    contents = parts()
    sheet = contents[SHEET]
    cut = sheet.index(b"</c>", sheet.index(b'<row r="2"')) + len(b"</c>")  # after the first cell of the meeting row
    path = write(tmp_path, "cut.xlsx", zipped(contents | {SHEET: sheet[:cut]}))
    assert refused(path) == [  # columns counted from 1: the end of the text is column cut + 1
        f'ERROR cut.xlsx: the workbook is damaged or encrypted: its part "{SHEET}" is cut short or not well-formed '
        f"(line 1, column {cut + 1:,}: no element found); {RESAVE} [unreadable-file]"
    ]


def test_a_sheet_with_a_mismatched_tag_is_refused_as_damaged(tmp_path: Path) -> None:
    contents = parts()
    sheet = contents[SHEET].replace(b"</row>", b"</rows>", 1)
    column = sheet.index(b"</rows>") + 3  # expat points at the tag's name, after "</"; columns counted from 1
    path = write(tmp_path, "tags.xlsx", zipped(contents | {SHEET: sheet}))
    assert refused(path) == [
        f'ERROR tags.xlsx: the workbook is damaged or encrypted: its part "{SHEET}" is cut short or not well-formed '
        f"(line 1, column {column:,}: mismatched tag); {RESAVE} [unreadable-file]"
    ]


def test_text_where_the_workbook_declares_a_number_is_named_at_its_cell(tmp_path: Path) -> None:
    contents = parts()
    sheet = contents[SHEET].replace(b'<c r="C2" t="n"><v>4</v></c>', b'<c r="C2" t="n"><v>four</v></c>')
    path = write(tmp_path, "typed.xlsx", zipped(contents | {SHEET: sheet}))
    assert refused(path) == [
        'ERROR typed.xlsx, sheet "Return", row 2, column "cases_discussed": the workbook declares a number here but '
        'the cell holds the text "four": the workbook is damaged or encrypted (value "four"); '
        f"{RESAVE} [damaged-cell]"
    ]


def test_a_zip_encrypted_part_is_refused_before_unpacking(tmp_path: Path) -> None:
    # bit 0 of the flags is what a zip tool's password sets: zipfile raised RuntimeError on it
    content = zipped(parts(), zipfile.ZIP_STORED)
    for header, offset in ((LOCAL, 6), (CENTRAL, 8)):
        content = patched(content, SHEET, header, offset, b"\x01")
    path = write(tmp_path, "zipcrypt.xlsx", content)
    assert refused(path) == [
        f'ERROR zipcrypt.xlsx: the workbook is damaged or encrypted: its part "{SHEET}" is encrypted with a zip '
        "password, so it cannot be read; expected a workbook saved from Excel without a password [password-protected]"
    ]


def test_a_part_packed_with_a_method_excel_never_uses_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "lzma.xlsx", zipped(parts(), zipfile.ZIP_LZMA))
    lines = refused(path)
    assert lines == [
        'ERROR lzma.xlsx: the workbook is damaged or encrypted: its part "docProps/app.xml" is packed with '
        f"compression method 14, which Excel never uses; {RESAVE} [unreadable-file]"
    ]


def test_a_method_zipfile_cannot_unpack_is_refused_not_raised(tmp_path: Path) -> None:
    # method 99 (AE-x encryption) in the sheet's headers: zipfile raised NotImplementedError
    content = zipped(parts(), zipfile.ZIP_STORED)
    for header, offset in ((LOCAL, 8), (CENTRAL, 10)):
        content = patched(content, SHEET, header, offset, struct.pack("<H", 99))
    path = write(tmp_path, "aes.xlsx", content)
    assert refused(path) == [
        f'ERROR aes.xlsx: the workbook is damaged or encrypted: its part "{SHEET}" is packed with compression '
        f"method 99, which Excel never uses; {RESAVE} [unreadable-file]"
    ]


def test_a_part_failing_its_checksum_is_refused_as_damaged(tmp_path: Path) -> None:
    content = zipped(parts(), zipfile.ZIP_STORED)
    at = content.index(b"E09000012")  # stored, not packed: change one letter of the code and the CRC no longer fits
    path = write(tmp_path, "crc.xlsx", content[:at] + b"X" + content[at + 1 :])
    assert refused(path) == [
        f'ERROR crc.xlsx: the workbook is damaged or encrypted: its part "{SHEET}" cannot be unpacked '
        f"(Bad CRC-32 for file '{SHEET}'), perhaps an interrupted download or email attachment; {RESAVE} "
        "[unreadable-file]"
    ]


def test_xml_declaring_entities_is_refused_unexpanded(tmp_path: Path) -> None:
    # "billion laughs": entities inside entities; expat would expand them, so none is accepted at all
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'
    )
    path = write(tmp_path, "laughs.xlsx", zipped(parts() | {"xl/sharedStrings.xml": laughs}))
    assert refused(path) == [
        "ERROR laughs.xlsx: the workbook is damaged or encrypted: a part of it declares a document type, which a "
        f"spreadsheet never writes; {RESAVE} [unreadable-file]"
    ]


def test_a_png_named_csv_is_binary_not_a_return(tmp_path: Path) -> None:
    path = write(tmp_path, "return.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert refused(path) == [
        "ERROR return.csv: the file holds binary data, not comma-separated text; expected a CSV or XLSX return "
        "[not-a-spreadsheet]"
    ]


# --------------------------------------------------------------------------- limits on cost


def test_a_part_inflating_hundreds_of_times_is_refused_before_unpacking(tmp_path: Path) -> None:
    # 20 MB of blank rows pack to about 20 KB: a small zip bomb, refused on the ratio its zip declares
    blank = b"<row/>" * (20 * 1_048_576 // 6)
    sheet = parts()[SHEET].replace(b"</sheetData>", blank + b"</sheetData>")
    content = zipped(parts() | {SHEET: sheet})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(SHEET)
    ratio = info.file_size / info.compress_size
    assert ratio > 200
    path = write(tmp_path, "bomb.xlsx", content)
    assert refused(path) == [
        f'ERROR bomb.xlsx: the workbook\'s part "{SHEET}" unpacks to {ratio:,.0f} times its packed size '
        f"({info.compress_size:,} bytes to {info.file_size / 1_048_576:,.1f} MB), past the limit of 200 times: built "
        "to exhaust memory, not saved by a spreadsheet; expected a workbook saved from Excel or LibreOffice "
        "[workbook-too-large]"
    ]


def test_a_part_declaring_more_than_100_mb_is_refused_unread(tmp_path: Path) -> None:
    content = with_declared_size(zipped(parts(), zipfile.ZIP_STORED), SHEET, 4_000_000_000)
    path = write(tmp_path, "huge.xlsx", content)
    assert refused(path) == [
        f'ERROR huge.xlsx: the workbook\'s part "{SHEET}" unpacks to 3,814.7 MB, past the limit of 100.0 MB; '
        f"{SMALL} [workbook-too-large]"
    ]


def test_parts_adding_up_to_more_than_200_mb_are_refused_unread(tmp_path: Path) -> None:
    # three stored parts of 500 KB each claim 90 MB (under 100 MB each, and 184 times their size: under 200)
    media = {f"xl/media/image{n}.bin": bytes(500_000) for n in range(3)}
    content = zipped(parts() | media, zipfile.ZIP_STORED)
    for name in media:
        content = with_declared_size(content, name, 90 * 1_048_576)
    path = write(tmp_path, "total.xlsx", content)
    (line,) = refused(path)
    assert line.startswith("ERROR total.xlsx: the workbook's parts unpack to 270.0 MB in all, past the limit of 200.0")
    assert line.endswith(f" MB; {SMALL} [workbook-too-large]")


def test_more_than_2000_parts_are_refused(tmp_path: Path) -> None:
    extra = {f"xl/media/image{n}.png": b"" for n in range(2_000)}
    path = write(tmp_path, "parts.xlsx", zipped(parts() | extra, zipfile.ZIP_STORED))
    assert refused(path) == [
        "ERROR parts.xlsx: the workbook has 2,009 parts inside it, past the limit of 2,000; expected a workbook of "
        "one quarter's meetings (a few dozen parts) [workbook-too-large]"
    ]


def test_shared_texts_past_the_limit_are_refused_on_their_declared_count(tmp_path: Path) -> None:
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="5000000"></sst>'
    path = write(tmp_path, "strings.xlsx", zipped(parts() | {"xl/sharedStrings.xml": sst}))
    assert refused(path) == [
        "ERROR strings.xlsx: the workbook holds 5,000,000 distinct texts or more, past the limit of 200,000; expected "
        "a workbook of one quarter's meetings (a few hundred distinct texts) [workbook-too-large]"
    ]


def test_shared_texts_past_the_limit_are_refused_when_counted_too(tmp_path: Path) -> None:
    # no count declared: the 200,001st <si> stops the parse
    sst = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"".join(b"<si><t>%d</t></si>" % n for n in range(200_001))
        + b"</sst>"
    )
    path = write(tmp_path, "counted.xlsx", zipped(parts() | {"xl/sharedStrings.xml": sst}))
    assert refused(path) == [
        "ERROR counted.xlsx: the workbook holds 200,001 distinct texts or more, past the limit of 200,000; expected "
        "a workbook of one quarter's meetings (a few hundred distinct texts) [workbook-too-large]"
    ]


def test_a_workbook_is_read_no_further_than_its_50001st_row(tmp_path: Path) -> None:
    # a CSV's rows are counted to its end (cheap, tests/loaders/test_inputs.py); a sheet's parse stops at the limit
    contents = parts()
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n) for n in range(3, 60_003)
    )
    sheet = contents[SHEET].replace(b"</row></sheetData>", b"</row>" + rows + b"</sheetData>")
    path = write(tmp_path, "rows.xlsx", zipped(contents | {SHEET: sheet}))
    table, problems = read_table(path)
    assert table is None
    assert [p.line() for p in problems] == [
        'ERROR rows.xlsx, sheet "Return": more than 50,000 meeting rows (reading stopped at row 50,002); expected at '
        "most 50,000 rows (a quarter's meetings) [too-many-rows]"
    ]


def test_a_header_is_looked_for_among_the_first_1000_rows_only(tmp_path: Path) -> None:
    text = "Notes about the return\n" * 1_000 + ",".join(COLUMNS) + "\n" + ",".join(map(str, meeting())) + "\n"
    path = write(tmp_path, "preamble.csv", text.encode())
    assert refused(path) == [
        "ERROR preamble.csv: none of the first 1,000 rows with text names the return's columns; expected a header "
        "row with the return's columns [no-header-row]"
    ]


def test_a_million_blank_lines_cost_nothing_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    # blank lines above the header and between meetings are skipped as they are read, never held
    text = "\n" * 1_000_000 + ",".join(COLUMNS) + "\n" + "\n" * 1_000 + ",".join(map(str, meeting())) + "\n"
    path = write(tmp_path, "blank.csv", text.encode())
    table, problems = read_table(path)
    assert problems == [] and table is not None
    assert table.header_row == 1_000_001
    assert [n for n, _ in table.rows] == [1_001_002]


def _listing(sheets: str) -> bytes:
    """The valid workbook with its workbook.xml's sheet list replaced by `sheets` (each pointing at a part)."""
    contents = parts()
    book = contents["xl/workbook.xml"].decode()
    start, end = book.index("<sheets>"), book.index("</sheets>") + len("</sheets>")
    relationships = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    listed = f"<sheets>{sheets}</sheets>".replace("<sheet ", f"<sheet {relationships} ")
    contents["xl/workbook.xml"] = (book[:start] + listed + book[end:]).encode()
    return zipped(contents)


def test_one_part_listed_as_two_sheets_is_refused_not_read_twice(tmp_path: Path) -> None:
    """Listed many times, one 49,000-row sheet was parsed and kept once per entry: 30 entries took 211 s and 1.7 GB."""
    rid = re.search(rb'<sheet [^>]*r:id="([^"]+)"', parts()["xl/workbook.xml"]).group(1).decode()
    entries = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="{rid}"/>' for n in range(1, 31))
    path = write(tmp_path, "twice.xlsx", _listing(entries))
    assert refused(path) == [
        'ERROR twice.xlsx: the workbook is damaged or encrypted: its sheets "S1" and "S2" are the same part of the '
        f"file; {RESAVE} [unreadable-file]"
    ]


def test_more_than_255_sheets_are_refused_before_any_is_read(tmp_path: Path) -> None:
    entries = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n + 100}"/>' for n in range(1, 257))
    path = write(tmp_path, "sheets.xlsx", _listing(entries))
    assert refused(path) == [
        "ERROR sheets.xlsx: the workbook lists 256 sheets, past the limit of 255; expected a workbook of one "
        "quarter's meetings (one sheet, perhaps with notes beside it) [workbook-too-large]"
    ]


def test_a_csv_line_wider_than_a_spreadsheet_is_refused_before_it_is_split(tmp_path: Path) -> None:
    """A meeting row followed by 5 million ",x" cells loaded silently at 1.1 GB; 10 MB of bare commas took 927 MB."""
    content = csv_bytes(meeting()).rstrip(b"\n") + b",x" * 20_000 + b"\n"
    path = write(tmp_path, "wide.csv", content)
    assert refused(path) == [
        "ERROR wide.csv, row 2: line 2 holds 20,025 cells, more than a spreadsheet's 16,384 columns; expected the "
        "return exported again as CSV from the spreadsheet (one meeting a row, in its columns) [too-many-columns]"
    ]
    commas = write(tmp_path, "commas.csv", b"," * 9_000_000)
    assert refused(commas) == [
        "ERROR commas.csv, row 1: line 1 holds 9,000,001 cells, more than a spreadsheet's 16,384 columns; expected "
        "the return exported again as CSV from the spreadsheet (one meeting a row, in its columns) [too-many-columns]"
    ]


def test_a_cell_written_twice_is_refused_rather_than_the_last_value_taken(tmp_path: Path) -> None:
    contents = parts()
    contents[SHEET] = contents[SHEET].replace(b'<c r="C2" t="n"><v>4</v></c>', b'<c r="C2" t="n"><v>4</v></c>' * 2)
    contents[SHEET] = contents[SHEET].replace(b'<c r="C2" t="n"><v>4</v></c>', b'<c r="C2" t="n"><v>7</v></c>', 1)
    path = write(tmp_path, "twice-c2.xlsx", zipped(contents))
    assert refused(path) == [
        'ERROR twice-c2.xlsx: the workbook is damaged or encrypted: in sheet "Return", cell C2 appears twice in the '
        f"sheet, with two values; {RESAVE} [unreadable-file]"
    ]


def test_a_row_numbered_0_is_named_as_such(tmp_path: Path) -> None:
    contents = parts()
    contents[SHEET] = contents[SHEET].replace(b'<row r="2"', b'<row r="0"', 1)
    path = write(tmp_path, "row-0.xlsx", zipped(contents))
    assert refused(path) == [
        'ERROR row-0.xlsx: the workbook is damaged or encrypted: in sheet "Return", a row is numbered 0, outside a '
        f"sheet's rows 1 to 1,048,576; {RESAVE} [unreadable-file]"
    ]
