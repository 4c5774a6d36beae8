"""Random and mutated files fed to the reader and validator the loader uses: only Problems ever come back.

`store.load_file` reads a file with `read_table` and checks it with `validate_table`; both must turn whatever a
file holds into a table or Problems, never an exception (issue 14: a traceback stopped the whole batch). Hypothesis
runs derandomized, so a failure found once is found on every run; 500 examples a test keep it near 20 s. It found
zipfile's "negative seek value" ValueError for a flipped byte in a part's header offset.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.problems import Problem
from loaders.return_file import read_table
from loaders.return_model import validate_table
from tests.helpers.returns import COLUMNS, GOOD, HACKNEY, TODAY, meeting, workbook

FUZZ = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SHEET = "xl/worksheets/sheet1.xml"


def read_and_check(name: str, content: bytes) -> list[Problem]:
    """What the loader does with a file's bytes; any exception escaping here is the bug being looked for."""
    table, problems = read_table(name, content)
    assert all(isinstance(p, Problem) for p in problems)
    if table is not None:
        parsed = validate_table(table, {HACKNEY}, today=TODAY)
        problems = [*problems, *parsed.report.problems]
        assert all(isinstance(p, Problem) for p in problems)
        assert all(isinstance(row.meeting_date, date) for _, row in parsed.rows)
    for p in problems:
        p.line()  # every problem can be printed
    return problems


@cache
def valid_csv() -> bytes:
    return (GOOD / "hackney-2021q1.csv").read_bytes()


@cache
def valid_parts() -> dict[str, bytes]:
    """A workbook with a title, a human header, two meetings, a merged title and shared texts (as Excel writes)."""
    book = workbook(
        {"Notes": [["Synthetic"]], "Return": [["Hackney Q4"], COLUMNS, meeting(), meeting(meeting_date="11/02/2021")]},
        merges={"Return": ["A1:C1"]},
    )
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    contents["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>E09000012</t></si></sst>"
    )
    sheet = "xl/worksheets/sheet2.xml"
    contents[sheet] = contents[sheet].replace(
        b'<c r="A3" t="inlineStr"><is><t>E09000012</t></is></c>', b'<c r="A3" t="s"><v>0</v></c>'
    )
    return contents


def zipped(contents: dict[str, bytes], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@cache
def valid_xlsx() -> bytes:
    return zipped(valid_parts(), zipfile.ZIP_DEFLATED)


def test_the_valid_files_the_mutations_start_from_are_valid() -> None:
    # so a mutated file's problems come from the mutation, not from its starting point
    assert read_and_check("hackney.csv", valid_csv()) == []
    assert read_and_check("hackney.xlsx", valid_xlsx()) == []


#: one edit of a file: flip a byte, insert bytes, delete a span, or cut it short, at a position given as a fraction
_EDIT = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.none()),
)


def mutated(content: bytes, edits: list[tuple[str, float, object]]) -> bytes:
    data = bytearray(content)
    for kind, where, arg in edits:
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[at] ^= int(arg)  # type: ignore[call-overload]
        elif kind == "insert":
            data[at:at] = arg  # type: ignore[assignment]
        elif kind == "delete":
            del data[at : at + int(arg)]  # type: ignore[call-overload]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=4_096), st.sampled_from([b"", b"PK\x03\x04", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"]))
def test_random_bytes_never_raise(content: bytes, start: bytes) -> None:
    read_and_check("random.csv", start + content)


@FUZZ
@given(st.lists(_EDIT, min_size=1, max_size=6), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_mutated_csv_never_raises(edits: list[tuple[str, float, object]], encoding: str) -> None:
    content = valid_csv().decode("utf-8").encode(encoding)
    read_and_check("mutated.csv", mutated(content, edits))


@FUZZ
@given(st.lists(_EDIT, min_size=1, max_size=4))
def test_mutated_xlsx_bytes_never_raise(edits: list[tuple[str, float, object]]) -> None:
    read_and_check("mutated.xlsx", mutated(valid_xlsx(), edits))


_PARTS = [SHEET, "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]
_PART = st.sampled_from([*_PARTS, "xl/sharedStrings.xml"])
#: text a damaged or hostile sheet might hold where a value or an attribute goes
_TOKENS = st.sampled_from(
    [
        b"<",
        b">",
        b'"',
        b"&",
        b"&amp;",
        b"<!DOCTYPE x>",
        b"<v>abc</v>",
        b"<f>SUM(A1)</f>",
        b' t="s"',
        b' t="b"',
        b' t="d"',
        b' t="e"',
        b' t="inlineStr"',
        b' s="99"',
        b' r="XFE1"',
        b' r="A0"',
        b' r="1048577"',
        b' hidden="1"',
        b'<mergeCell ref="A1:XFD1048576"/>',
        b"<row/>",
        b"<c/>",
        b"<v>99999999</v>",
        b"<v>1e400</v>",
        b"<v>-5</v>",
        b"_x0000_",
        b"\xff",
        b"\x00",
        "Е".encode(),
    ]
)


#: (what, into what): one occurrence of the first replaced by the second, keeping the XML well-formed
_SWAPS = st.sampled_from(
    [
        (b't="n"', b't="e"'),
        (b't="n"', b't="s"'),
        (b't="n"', b't="b"'),
        (b't="n"', b't="d"'),
        (b't="n"', b't="str"'),
        (b't="inlineStr"', b't="n"'),
        (b't="s"', b't="inlineStr"'),
        (b"<v>0</v>", b"<v>7</v>"),
        (b"<v>4</v>", b"<v>abc</v>"),
        (b"<v>", b"<f>A1</f><v>"),
        (b"<v>1</v>", b"<f>A1</f>"),
        (b"<v>1</v>", b""),
        (b'r="C', b'r="XFE'),
        (b'r="A', b'r="1'),
        (b'<row r="3"', b'<row r="2"'),
        (b'<row r="3"', b'<row r="3" hidden="1"'),
        (b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="A2:C9"/></mergeCells>'),
        (b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
        (b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="B"/></mergeCells>'),
        (b'name="Return"', b'name="Return" state="hidden"'),
        (b'r:id="rId2"', b'r:id="rId9"'),
        (b'numFmtId="0"', b'numFmtId="14"'),
        (b"<si><t>E09000012</t></si>", b"<si><r><t>E09</t></r><r><t>000012</t></r><rPh><t>x</t></rPh></si>"),
        (b'uniqueCount="1"', b'uniqueCount="x"'),
        (b"14/01/2021", b"\xd9\xa1\xd9\xa4/01/2021"),
        (b"E09000012", b"E09000012_x200B_"),
    ]
)


#: places in a part's XML where a token keeps it well-formed more often than a random byte does
_MARKS = (
    b"<c",
    b"<row",
    b"<v>",
    b"<t>",
    b"</c>",
    b"</row>",
    b"<sheetData>",
    b"</sheetData>",
    b"<sheet ",
    b"<xf ",
    b"<si>",
)


def boundaries(xml: bytes) -> list[int]:
    found = [0, len(xml)]
    for mark in _MARKS:
        at = xml.find(mark)
        while at != -1:
            found.append(at + len(mark))
            at = xml.find(mark, at + 1)
    return sorted(found)


@FUZZ
@given(
    _PART,
    st.lists(st.tuples(st.integers(0, 100), _SWAPS), max_size=4),
    st.lists(st.tuples(st.integers(0, 10_000), _TOKENS), max_size=3),
    st.lists(_EDIT, max_size=2),
    st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]),
)
def test_damage_inside_a_workbooks_xml_never_raises(
    part: str,
    swaps: list[tuple[int, tuple[bytes, bytes]]],
    tokens: list[tuple[int, bytes]],
    edits: list[tuple[str, float, object]],
    compression: int,
) -> None:
    # the zip stays sound so the damage reaches the XML parser and the cell reader, not just the zip's checks;
    # tokens go in at tag boundaries, so many damaged parts still parse and their cells are read
    xml = valid_parts()[part]
    for which, (old, new) in swaps:
        starts = [i for i in range(len(xml)) if xml.startswith(old, i)]
        if starts:
            at = starts[which % len(starts)]
            xml = xml[:at] + new + xml[at + len(old) :]
    places = boundaries(xml)
    for choice, token in sorted(tokens, reverse=True):
        at = places[choice % len(places)]
        xml = xml[:at] + token + xml[at:]
    contents = valid_parts() | {part: mutated(xml, edits)}
    read_and_check("damaged.xlsx", zipped(contents, compression))
