"""Intake bombs: files built to exhaust the return reader, each read in its own process; prints outcome, seconds, peak memory.

Prints figures; asserts nothing (target, issue 14: any file up to 10 MB on disk is refused or checked in under
10 s and under 600 MB peak memory). Run: `python benchmarks/intake_bombs.py [--keep]`. Results go in
docs/performance.md ("Intake limits") by hand.

Each file is built in a temporary folder, then read by a fresh `python benchmarks/intake_bombs.py --read FILE`,
which does what `store.load_file` does before writing (`read_table`, then `validate_table` against the registry)
and reports its own peak resident memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`), so one file's peak never
hides behind another's. "baseline" is an empty file: the interpreter, pydantic and the registry, before any reading.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.returns import COLUMNS, TODAY, meeting, workbook  # noqa: E402

MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _csv_line(cells: list[object]) -> bytes:
    return (",".join(str(c) for c in cells) + "\n").encode()


#: the sheet's opening and the return's header row, as inline strings
_HEADER_ROW = (
    MAIN + b"<row>" + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c.encode() for c in COLUMNS) + b"</row>"
)


def _parts() -> dict[str, bytes]:
    buffer = io.BytesIO()
    workbook({"Return": [COLUMNS, meeting()]}).save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _workbook_with(path: Path, name: str, write_part: Callable[[io.BufferedIOBase], None]) -> None:
    """A valid workbook whose part `name` is streamed in by `write_part` (so a GB-sized sheet never sits in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for part, data in _parts().items():
            if part != name:
                archive.writestr(part, data)
        with archive.open(name, "w", force_zip64=True) as stream:
            write_part(stream)


def zip_bomb(path: Path) -> None:
    """About 600 KB on disk; its one sheet unpacks to 600 MB of empty cells (deflate packs these ~1,000 times)."""

    def sheet(stream: io.BufferedIOBase) -> None:
        stream.write(MAIN + b'<row r="1">')
        chunk = b"<c/>" * 262_144  # 1 MB
        for _ in range(600):
            stream.write(chunk)
        stream.write(b"</row></sheetData></worksheet>")

    _workbook_with(path, "xl/worksheets/sheet1.xml", sheet)


def shared_strings_bomb(path: Path) -> None:
    """About 330 KB on disk: 5 million shared texts (85 MB unpacked) that the sheet never needs."""

    def strings(stream: io.BufferedIOBase) -> None:
        stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        chunk = b"<si><t>x</t></si>" * 100_000
        for _ in range(50):
            stream.write(chunk)
        stream.write(b"</sst>")

    _workbook_with(path, "xl/sharedStrings.xml", strings)


def distinct_strings(path: Path) -> None:
    """300,000 distinct shared texts, no count declared: packs only 8 times, so it is the count that refuses it."""

    def strings(stream: io.BufferedIOBase) -> None:
        stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for start in range(0, 300_000, 10_000):
            stream.write(b"".join(b"<si><t>text %d</t></si>" % n for n in range(start, start + 10_000)))
        stream.write(b"</sst>")

    _workbook_with(path, "xl/sharedStrings.xml", strings)


def many_rows_workbook(path: Path) -> None:
    """A sheet near the limits: 95,000 rows of varied counts (about 73 MB unpacked, just under 10 MB packed)."""

    def sheet(stream: io.BufferedIOBase) -> None:
        stream.write(_HEADER_ROW)
        for n in range(2, 95_002):
            cells = b'<c r="A%d" t="inlineStr"><is><t>E09000012</t></is></c>' % n
            cells += b"".join(
                b'<c r="%s%d" t="n"><v>%d</v></c>' % (bytes([66 + i]), n, (n * (i + 3)) % 97) for i in range(24)
            )
            stream.write(b'<row r="%d">%s</row>' % (n, cells))
        stream.write(b"</sheetData></worksheet>")

    _workbook_with(path, "xl/worksheets/sheet1.xml", sheet)


def limit_workbook(path: Path) -> None:
    """50,000 valid meetings in a workbook: the most a return may hold, checked in full."""

    def sheet(stream: io.BufferedIOBase) -> None:
        stream.write(_HEADER_ROW)
        for n in range(2, 50_002):
            values = meeting(meeting_date=f"{1 + n % 28:02d}/{1 + n % 12:02d}/2020")
            cells = b"".join(
                b'<c t="inlineStr"><is><t>%s</t></is></c>' % str(v).encode()
                if isinstance(v, str)
                else b"<c><v>%d</v></c>" % v
                for v in values
            )
            stream.write(b"<row>%s</row>" % cells)
        stream.write(b"</sheetData></worksheet>")

    _workbook_with(path, "xl/worksheets/sheet1.xml", sheet)


def blank_lines(path: Path) -> None:
    """9.9 MB of blank lines, then a header and one meeting (2 GB before issue 14)."""
    path.write_bytes(b"\n" * 9_900_000 + _csv_line(COLUMNS) + _csv_line(meeting()))


def many_rows_csv(path: Path) -> None:
    """Just under 10 MB of valid-looking meeting rows: about 156,000, three times the row limit."""
    row = _csv_line(meeting())
    path.write_bytes(_csv_line(COLUMNS) + row * ((10 * 1_048_576 - 1_000) // len(row)))


def limit_csv(path: Path) -> None:
    """50,000 valid meetings as CSV: the most a return may hold, checked in full."""
    rows = b"".join(_csv_line(meeting(meeting_date=f"{1 + n % 28:02d}/{1 + n % 12:02d}/2020")) for n in range(50_000))
    path.write_bytes(_csv_line(COLUMNS) + rows)


def long_cell(path: Path) -> None:
    """One cell of 200,000 characters (csv's field limit of 131,072 raised an error before issue 14)."""
    path.write_bytes(_csv_line(COLUMNS) + _csv_line(meeting(marac_code="E" * 200_000)))


def wide_row(path: Path) -> None:
    """A meeting row followed by 5 million ",x" cells, just under 10 MB (loaded silently at 1.1 GB before review)."""
    path.write_bytes(_csv_line(COLUMNS) + _csv_line(meeting()).rstrip(b"\n") + b",x" * 5_000_000 + b"\n")


def bare_commas(path: Path) -> None:
    """10 MB of commas and nothing else (927 MB before review)."""
    path.write_bytes(b"," * (10 * 1_048_576 - 1_000))


def short_rows(path: Path) -> None:
    """5.2 million rows of one letter (counted to the end in 9.5 s before review)."""
    path.write_bytes(_csv_line(COLUMNS) + b"x\n" * 5_200_000)


def empty(path: Path) -> None:
    path.write_bytes(b"")


BOMBS: list[tuple[str, str, Callable[[Path], None]]] = [
    ("baseline (empty file)", "empty.csv", empty),
    ("zip bomb: sheet unpacks to 600 MB", "zip-bomb.xlsx", zip_bomb),
    ("shared-strings bomb: 5 million texts", "strings-bomb.xlsx", shared_strings_bomb),
    ("300,000 distinct shared texts", "distinct.xlsx", distinct_strings),
    ("95,000 rows in a 73 MB sheet", "rows.xlsx", many_rows_workbook),
    ("50,000 valid meetings (XLSX)", "limit.xlsx", limit_workbook),
    ("9.9 MB of blank lines", "blank-lines.csv", blank_lines),
    ("10 MB CSV of 156,000 rows", "rows.csv", many_rows_csv),
    ("50,000 valid meetings (CSV)", "limit.csv", limit_csv),
    ("a cell of 200,000 characters", "long-cell.csv", long_cell),
    ("a row with 5 million extra cells", "wide-row.csv", wide_row),
    ("10 MB of bare commas", "commas.csv", bare_commas),
    ("5.2 million one-letter rows", "short-rows.csv", short_rows),
]


def read_one(path: Path) -> None:
    """In the child: what the loader does before writing, then this process's own peak memory."""
    from loaders.reference import REFERENCE_DIR
    from loaders.return_file import read_table
    from loaders.return_model import validate_table

    known = {line.split(",")[0] for line in (REFERENCE_DIR / "registry.csv").read_text().splitlines()[1:]}
    started = time.perf_counter()
    table, problems = read_table(path)
    rows = 0
    if table is not None:
        parsed = validate_table(table, known, today=TODAY)
        problems, rows = [*problems, *parsed.report.problems], len(parsed.rows)
    seconds = time.perf_counter() - started
    errors = [p for p in problems if p.severity == "error"]
    print(
        json.dumps(
            {
                "outcome": "refused" if errors or table is None else "checked",
                "rows": rows,
                "message": (errors or problems)[0].line() if problems else "",
                "seconds": seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--read", type=Path, help="(internal) read one file and print its figures")
    parser.add_argument("--keep", action="store_true", help="keep the built files and print their folder")
    args = parser.parse_args()
    if args.read:
        read_one(args.read)
        return
    folder = Path(tempfile.mkdtemp(prefix="marac-bombs-"))
    print(f"{'file':40} {'on disk':>9} {'outcome':>8} {'seconds':>8} {'peak MB':>8}  message")
    for label, name, build in BOMBS:
        path = folder / name
        build(path)
        wall = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--read", str(path)], capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - wall
        if done.returncode:
            print(f"{label:40} CRASHED after {wall:.1f} s: {done.stderr.strip().splitlines()[-1:]}")
            continue
        got = json.loads(done.stdout)
        size = f"{path.stat().st_size / 1_048_576:.2f} MB"
        print(
            f"{label:40} {size:>9} {got['outcome']:>8} {got['seconds']:8.2f} {got['peak_mb']:8.0f}  "
            f"{got['message'][:160]}"
        )
        if not args.keep:
            path.unlink()
    if args.keep:
        print(f"files kept in {folder}")
    else:
        folder.rmdir()


if __name__ == "__main__":
    main()
