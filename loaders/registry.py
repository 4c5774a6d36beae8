"""A partnership's registry of MARACs: which local authorities each MARAC covers, read from a CSV or XLSX file.

The registry is data a partnership loads (`marac registry load FILE`), not code: one row per MARAC and local
authority it covers. It is read by the same readers as a return (the same size limits and hostile-file checks) and
validated the same way: every problem names the file, row, column and value and says what was expected, and a file
with any error changes nothing. The shipped default (`data/reference/registry.csv`) is read through the same path.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

from loaders.problems import ValidationReport, problem
from loaders.raw_table import MAX_FILE_BYTES, Cell, Header, Unreadable
from loaders.return_file import read_table
from loaders.return_layout import fold
from loaders.return_model import character_name, odd_characters

#: how the checks report a problem: (code, row, column, value, message, expected)
Report = Callable[[str, int, str | None, object, str, str | None], None]
#: the registry's columns in the order `marac registry export` writes them; the first three are required
COLUMNS = ("marac_code", "marac_name", "lad_code", "share", "sub_area", "sub_area_word", "status", "note")
REQUIRED = ("marac_code", "marac_name", "lad_code")
#: what `status` may say: how sure the registry is of the authorities a MARAC covers (blank: set by the partnership)
STATUSES = ("", "confirmed", "published", "assumed")
#: England and Wales have 331 authorities: a registry of MARACs and the authorities they cover is a few hundred rows
MAX_REGISTRY_ROWS = 2_000
#: the smallest part of an authority a MARAC can cover (a smaller part is a typing slip, and its rate meaningless)
MIN_SHARE = 0.01
_SHARE = re.compile(r"[0-9]*\.?[0-9]+ ?%?")
#: characters a name cannot hold: Plotly reads "<…>" as markup and "%{…}" as a template, and a spreadsheet runs a
#: cell starting = + - @ as a formula when a registry is exported and opened in Excel
_NAME_MARKUP = re.compile(r"[<>]|%\{")
_FORMULA_START = ("=", "+", "-", "@")
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}

_ALIASES = {
    "maraccode": "marac_code",
    "marac": "marac_code",
    "code": "marac_code",
    "maracname": "marac_name",
    "name": "marac_name",
    "ladcode": "lad_code",
    "lad21cd": "lad_code",
    "lad22cd": "lad_code",
    "localauthoritycode": "lad_code",
    "lacode": "lad_code",
    "share": "share",
    "populationshare": "share",
    "subarea": "sub_area",
    "bcu": "sub_area",
    "subareaword": "sub_area_word",
    "subareatype": "sub_area_word",
    "status": "status",
    "groupingstatus": "status",
    "note": "note",
    "notes": "note",
}


def _match(text: str) -> str | None:
    return _ALIASES.get(fold(text))


HEADER = Header(
    _match,
    "the registry's columns",
    "marac_code, marac_name, lad_code",
    rows="registry rows",
    limit="one row per MARAC and local authority it covers",
    what="a registry",
    size="every local authority of England and Wales takes about 80 KB",
)

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
_LIMITS = {"marac_name": 120, "sub_area": 80, "sub_area_word": 30, "note": 1000}
_WHAT = {
    "marac_code": "a MARAC code: letters, digits, '-', '_' or '.', at most 40 (e.g. E08000035 or LEEDS)",
    "marac_name": "the MARAC's name as people know it, e.g. Leeds",
    "lad_code": "an ONS local authority code of the Census 2021 set, e.g. E08000035",
}


@dataclass(frozen=True)
class RegistryRow:
    source_row: int
    marac_code: str
    marac_name: str
    lad_code: str
    share: float | None  # None: the whole authority (1), as written
    sub_area: str
    sub_area_word: str
    status: str
    note: str


@dataclass
class RegistryFile:
    """What one registry file gave: its rows and every problem found (it loads only if `report.valid`)."""

    report: ValidationReport
    rows: list[RegistryRow] = field(default_factory=list)
    #: MARACs held with returns that this registry leaves out: (code, name, quarters held); they are kept, not deleted
    dropped: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def maracs(self) -> int:
        return len({r.marac_code for r in self.rows})


def _text(value: Cell) -> str | Unreadable:
    """A cell as text: whole numbers without '.0' (a code typed as a number), dates as ISO."""
    if isinstance(value, Unreadable):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_registry(
    path: Path | str,
    areas: pl.DataFrame,
    *,
    content: bytes | None = None,
    held: dict[str, tuple[str, int, frozenset[str]]] | None = None,
) -> RegistryFile:
    """Read and check a registry file against the authorities (`areas`: lad_code, lad_name, pfa_name) and the
    returns already held (`held`: MARAC code -> (the name and authorities the newest registry holding it gave it,
    quarters held)). Never raises for what the file holds."""
    path = Path(path)
    if content is None:
        try:
            with open(path, "rb") as handle:  # at most one byte past the limit: a device or a huge file costs nothing
                content = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            report = ValidationReport(file=path.name)
            report.problems.append(
                problem(
                    "unreadable-file",
                    path.name,
                    f"the file could not be read ({exc.strerror})",
                    expected="a readable CSV or XLSX file",
                )
            )
            return RegistryFile(report)
    report = ValidationReport(file=path.name, sha256=hashlib.sha256(content).hexdigest())
    table, problems = read_table(path, content, HEADER)
    report.problems.extend(problems)
    if table is None:
        return RegistryFile(report)
    sheet = table.sheet
    missing = [c for c in REQUIRED if c not in table.headers]
    for column in missing:
        report.problems.append(
            problem(
                "missing-column",
                table.file,
                f'no column "{column}"',
                sheet=sheet,
                row=table.header_row,
                expected=f"a header row with {', '.join(REQUIRED)} (and optionally {', '.join(COLUMNS[3:])})",
            )
        )
    if missing:
        return RegistryFile(report)
    if not table.rows:
        report.problems.append(
            problem(
                "no-rows",
                table.file,
                "the file has a header but no rows",
                sheet=sheet,
                expected="one row per MARAC and local authority it covers",
            )
        )
        return RegistryFile(report)
    report.rows = len(table.rows)
    if len(table.rows) > MAX_REGISTRY_ROWS:
        report.problems.append(
            problem(
                "too-many-rows",
                table.file,
                f"{len(table.rows):,} rows, more than a registry of England and Wales's 331 local authorities needs",
                sheet=sheet,
                expected=f"at most {MAX_REGISTRY_ROWS:,} rows (one per MARAC and local authority it covers)",
            )
        )
        return RegistryFile(report)

    def bad(code: str, row: int, column: str | None, value: object, message: str, expected: str | None) -> None:
        written = table.headers.get(column, column) if column else None
        report.problems.append(
            problem(
                code,
                table.file,
                message,
                sheet=sheet,
                row=row,
                column=written,
                value=None if value is None else str(value),
                expected=expected,
            )
        )

    known = dict(zip(areas["lad_code"].to_list(), areas["pfa_name"].to_list(), strict=True))
    rows: list[RegistryRow] = []
    named: set[str] = set()  # every code the file gives, read or not, so a code on a bad row is not called dropped
    for number, cells in table.rows:
        values: dict[str, str] = {}
        ok = True
        for column in COLUMNS:
            value = _text(cells.get(column))
            if isinstance(value, Unreadable):
                bad(value.code, number, column, value.text, value.message, value.expected)
                ok = False
                continue
            if column in REQUIRED and not value:
                bad("missing-value", number, column, None, "the cell is empty", _WHAT[column])
                ok = False
            elif column in _LIMITS and len(value) > _LIMITS[column]:
                bad(
                    "cell-too-long",
                    number,
                    column,
                    value,
                    f"{len(value):,} characters",
                    f"at most {_LIMITS[column]} characters",
                )
                ok = False
            values[column] = value
        named.add(values.get("marac_code", "").upper())
        for column in ("marac_name", "sub_area", "sub_area_word", "status", "note"):
            if ok and values.get(column):
                fault = _text_fault(values[column], column)
                if fault:
                    bad(*fault[:1], number, column, values[column], *fault[1:])
                    ok = False
        if not ok:
            continue
        code, lad = values["marac_code"].upper(), values["lad_code"].upper()
        odd = odd_characters(code)
        if odd or not _CODE.fullmatch(code):
            reason = f"it holds {odd}" if odd else "it holds characters a code cannot have"
            bad(
                "registry-bad-code",
                number,
                "marac_code",
                code,
                f"the code cannot be used: {reason}",
                _WHAT["marac_code"],
            )
            continue
        if lad not in known:
            bad(
                "registry-unknown-area",
                number,
                "lad_code",
                values["lad_code"],
                "no local authority of England and Wales has this code in the Census 2021 set",
                _WHAT["lad_code"]
                + " (the 2023 unitaries such as North Yorkshire are listed by their former districts)",
            )
            continue
        share: float | None = None
        if values["share"]:
            written = values["share"].strip()
            share = -1.0
            if _SHARE.fullmatch(written):
                share = float(written.rstrip("% ")) / (100 if written.endswith("%") else 1)
            if not MIN_SHARE <= share <= 1:
                bad(
                    "registry-bad-share",
                    number,
                    "share",
                    values["share"],
                    f"the share is not a fraction from {MIN_SHARE:g} to 1",
                    "the part of the authority's population the MARAC covers, written in digits, e.g. 0.6 or 60% "
                    "(blank means all of it)",
                )
                continue
        status = values["status"].lower()
        if status not in STATUSES:
            bad(
                "registry-bad-status",
                number,
                "status",
                values["status"],
                "the status is not recognised",
                "blank, confirmed, published or assumed",
            )
            continue
        rows.append(
            RegistryRow(
                number,
                code,
                values["marac_name"],
                lad,
                share,
                values["sub_area"],
                values["sub_area_word"],
                status,
                values["note"],
            )
        )
    _check_together(rows, known, bad)
    result = RegistryFile(report, rows)
    _check_held(result, held or {}, named, bad)
    return result


def _text_fault(text: str, column: str) -> tuple[str, str, str] | None:
    """(problem code, message, expected) for a name, note or word no page, chart or spreadsheet could show as typed."""
    hidden = [c for c in text if unicodedata.category(c) in _INVISIBLE or c in "\u2028\u2029"]
    if hidden:
        return (
            "hidden-character",
            f"the cell holds {character_name(hidden[0])}, which cannot be seen or reorders the text around it",
            "plain text (retype the cell)",
        )
    if column != "note" and _NAME_MARKUP.search(text):
        return ("registry-bad-name", "the cell holds < > or %{, which charts would read as markup", "a plain name")
    if text.startswith(_FORMULA_START):
        return (
            "registry-bad-name",
            "the cell starts with = + - or @, which a spreadsheet runs as a formula",
            "a plain name, starting with a letter or digit",
        )
    return None


def _check_together(rows: list[RegistryRow], pfas: dict[str, str], bad: Report) -> None:
    """What no single row shows: one MARAC named one way, in one sub-area, each authority once per MARAC, and the
    parts of a split authority adding up to at most the whole."""
    by_marac: dict[str, list[RegistryRow]] = defaultdict(list)
    by_lad: dict[str, list[RegistryRow]] = defaultdict(list)
    for row in rows:
        by_marac[row.marac_code].append(row)
        by_lad[row.lad_code].append(row)
    for code, own in by_marac.items():
        first = own[0]
        for row in own[1:]:
            if row.marac_name != first.marac_name:
                bad(
                    "registry-two-names",
                    row.source_row,
                    "marac_name",
                    row.marac_name,
                    f'{code} is named "{first.marac_name}" on row {first.source_row}',
                    "one name for each MARAC code on every row",
                )
            if row.sub_area != first.sub_area:
                bad(
                    "registry-two-sub-areas",
                    row.source_row,
                    "sub_area",
                    row.sub_area,
                    f'{code} is in sub-area "{first.sub_area}" on row {first.source_row}',
                    "one sub-area for each MARAC (a MARAC sits inside one sub-area)",
                )
        seen: dict[str, int] = {}
        for row in own:
            if row.lad_code in seen:
                bad(
                    "registry-duplicate-area",
                    row.source_row,
                    "lad_code",
                    row.lad_code,
                    f"{row.lad_code} is already listed for {code} on row {seen[row.lad_code]}",
                    "each local authority once per MARAC (give one row a share if the MARAC covers part of it)",
                )
            seen.setdefault(row.lad_code, row.source_row)
        forces = sorted({pfas[r.lad_code] for r in own})
        if len(forces) > 1:
            bad(
                "registry-two-forces",
                first.source_row,
                "lad_code",
                ", ".join(r.lad_code for r in own),
                f"{code} covers authorities in {' and '.join(forces)}; its figures are counted in {pfas[first.lad_code]}",
                "a MARAC inside one police force area (check the codes)",
            )
    seen_names: dict[str, str] = {}
    for code, own in by_marac.items():
        folded = " ".join(own[0].marac_name.casefold().split())
        if folded in seen_names:
            bad(
                "registry-two-names",
                own[0].source_row,
                "marac_name",
                own[0].marac_name,
                f'{seen_names[folded]} is already named "{own[0].marac_name}"',
                "a name of its own for each MARAC, as pages, packs and links find a MARAC by name",
            )
        seen_names.setdefault(folded, code)
    for lad, own in by_lad.items():
        maracs = {r.marac_code for r in own}
        if len(maracs) > 1 and any(r.share is None for r in own):
            names = ", ".join(sorted(maracs))
            for row in own:
                if row.share is None:
                    bad(
                        "registry-split-without-share",
                        row.source_row,
                        "share",
                        None,
                        f"{lad} is covered by {names}, and this row gives no share",
                        "a share on every row of an authority split between MARACs, e.g. 0.6 and 0.4",
                    )
        total = sum(r.share if r.share is not None else 1.0 for r in own)
        if total > 1 + 1e-9 and len(maracs) > 1 and all(r.share is not None for r in own):
            bad(
                "registry-share-over-one",
                own[-1].source_row,
                "share",
                f"{total:.9g}",
                f"the shares of {lad} add up to {total:.9g} across {', '.join(sorted(maracs))}",
                "shares of one authority adding up to at most 1",
            )
        elif total < 1 - 1e-9:
            bad(
                "registry-partial-area",
                own[0].source_row,
                "share",
                f"{total:.9g}",
                f"{1 - total:.0%} of {lad}'s population is covered by no MARAC, so no rate counts it",
                "shares of each authority adding up to 1, unless part of it is truly outside every MARAC",
            )


def _check_held(
    result: RegistryFile, held: dict[str, tuple[str, int, frozenset[str]]], named: set[str], bad: Report
) -> None:
    """A code whose returns belong to one MARAC cannot be given to another: the returns held under a code stay with
    it only while it covers some of the authorities it covered when they were held (a rename, a split or a merge
    keeps them; a code moved to other authorities is refused). A MARAC with returns left out keeps them."""
    rows: dict[str, list[RegistryRow]] = defaultdict(list)
    for row in result.rows:
        rows[row.marac_code].append(row)
    for code, (held_name, quarters, lads) in sorted(held.items()):
        if code not in rows:
            if code in named:  # on a row refused for its own reason: that refusal says what to fix
                continue
            result.dropped.append((code, held_name, quarters))
            result.report.problems.append(
                problem(
                    "registry-dropped-with-returns",
                    result.report.file,
                    f"{code} ({held_name}) has {quarters} quarter{'s' if quarters != 1 else ''} of returns held and is "
                    "not in this registry: the returns are kept, but not shown until it is back in a registry",
                    value=code,
                    expected="every MARAC with returns held (leave it in, or load this registry to stop showing it)",
                )
            )
            continue
        own = rows[code]
        if lads and not lads & {r.lad_code for r in own}:
            bad(
                "registry-code-clash",
                own[0].source_row,
                "marac_code",
                code,
                f'the returns held under {code} are for "{held_name}" ({", ".join(sorted(lads))}); this row gives the '
                f"code to {', '.join(sorted({r.lad_code for r in own}))}, another MARAC's authorities",
                f"{code} on rows covering some of {', '.join(sorted(lads))}, or a new code for this MARAC",
            )
        elif held_name and _same_name(held_name) != _same_name(own[0].marac_name):
            result.report.problems.append(
                problem(
                    "registry-renamed",
                    result.report.file,
                    f'{code} is renamed from "{held_name}" to "{own[0].marac_name}": its {quarters} quarter'
                    f"{'s' if quarters != 1 else ''} of returns held show under the new name",
                    row=own[0].source_row,
                    column="marac_name",
                    value=own[0].marac_name,
                    expected="the name the MARAC is known by now",
                )
            )


def _same_name(name: str) -> str:
    return " ".join(name.casefold().split())


#: columns an export adds after the registry's own, to find one's force and authorities in Excel; a load ignores them
READING_AIDS = ("authority_name", "police_force_area")


def write_registry(frame: pl.DataFrame, path: Path, areas: pl.DataFrame | None = None) -> None:
    """Write registry rows (COLUMNS) as CSV or XLSX, in the format `read_registry` reads back unchanged; with
    `areas` (lad_code, lad_name, pfa_name), each row also names its authority and force (ignored when loaded)."""
    frame = frame.select(COLUMNS)
    if areas is not None:
        aids = areas.select(
            "lad_code", pl.col("lad_name").alias(READING_AIDS[0]), pl.col("pfa_name").alias(READING_AIDS[1])
        )
        frame = frame.with_row_index("_order").join(aids, on="lad_code", how="left").sort("_order").drop("_order")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Registry"
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(["" if v is None else v for v in row])
        for letter, width in zip("ABCDEFGHIJ", (14, 32, 12, 8, 22, 14, 11, 60, 28, 24), strict=False):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions  # filter to your own force in one click
        book.save(path)
        return
    frame.write_csv(path, null_value="")
