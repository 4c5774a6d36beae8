"""Problems found in an input file, as data.

Every interface (CLI, upload page, tests) renders the same `Problem` objects, so a
coordinator sees the same wording wherever they meet an error. Codes are stable slugs
that tests and the UI can rely on; the catalogue below gives each one a title.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, field_validator

#: how much of a value a message echoes: enough to recognise it, never a screenful
SHOWN_CHARACTERS = 60


_SHORTENED = re.compile(r".*… \([0-9,]+ characters\)", re.DOTALL)


def shorten(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """A value cut to a readable length, saying how long it was: a 100,000-character cell is not echoed whole."""
    if len(text) <= limit or (len(text) <= limit + 30 and _SHORTENED.fullmatch(text)):
        return text  # short, or already cut (a cell's text cut for the preview, then put in a Problem)
    return f"{text[:limit]}… ({len(text):,} characters)"


def visible(text: str) -> str:
    """Control characters shown as their pictures (NUL as ␀, ESC as ␛), so a value cannot drive a terminal."""
    return text.translate(_PICTURES)


_PICTURES = {code: 0x2400 + code for code in range(32)} | {0x7F: 0x2421}


def rows_named(rows: list[int]) -> str:
    """'row 7', 'rows 2, 3 and 9', or the first ten and how many more: rows named in a message, never all of them."""
    shown = [f"{r:,}" for r in rows[:10]]
    if len(rows) > 10:
        return f"rows {', '.join(shown)} and {len(rows) - 10:,} more"
    if len(shown) == 1:
        return f"row {shown[0]}"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


class Severity(StrEnum):
    ERROR = "error"  # the file is refused
    WARNING = "warning"  # the file loads, but the coordinator should look


#: code -> (severity, title). Messages are built per problem; titles describe the kind.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    "not-a-spreadsheet": (Severity.ERROR, "File is not a CSV or XLSX return"),
    "unreadable-file": (Severity.ERROR, "File could not be read"),
    "no-header-row": (Severity.ERROR, "No header row with the return's columns"),
    "missing-column": (Severity.ERROR, "Required column missing"),
    "duplicate-column": (Severity.ERROR, "Column given twice"),
    "no-rows": (Severity.ERROR, "No meeting rows"),
    "nil-return-has-counts": (Severity.ERROR, "Nil return with counts in it"),
    "nil-return-with-meetings": (Severity.ERROR, "Nil return beside meetings of the same quarter"),
    "missing-value": (Severity.ERROR, "Required value missing"),
    "unknown-marac": (Severity.ERROR, "MARAC code not in the registry"),
    "bad-date": (Severity.ERROR, "Date not recognised"),
    "impossible-date": (Severity.ERROR, "Date does not exist"),
    "future-date": (Severity.ERROR, "Meeting date in the future"),
    "non-numeric-count": (Severity.ERROR, "Count is not a number"),
    "negative-count": (Severity.ERROR, "Count is negative"),
    "not-whole-number": (Severity.ERROR, "Count must be a whole number"),
    "repeat-exceeds-cases": (Severity.ERROR, "More repeat cases than cases discussed"),
    "victims-exceed-cases": (Severity.ERROR, "More victims in a group than cases discussed"),
    "referrals-exceed-cases": (Severity.ERROR, "Referrals add up to more than cases discussed"),
    "referrals-below-cases": (Severity.WARNING, "Referrals add up to fewer than cases discussed"),
    "duplicate-meeting-date": (Severity.WARNING, "Same MARAC and meeting date on two rows"),
    "count-too-large": (Severity.ERROR, "Count too large for one meeting"),
    "return-on-several-sheets": (Severity.ERROR, "Meeting rows on more than one sheet"),
    "already-replaced": (Severity.WARNING, "An older version of a return sent again"),
    "fewer-meetings-than-held": (Severity.WARNING, "Replaces a quarter held with more meetings"),
    "load-failed": (Severity.ERROR, "The file could not be stored"),
    "file-too-large": (Severity.ERROR, "File larger than a quarterly return can be"),
    "too-many-rows": (Severity.ERROR, "More rows than a quarterly return can have"),
    "password-protected": (Severity.ERROR, "Workbook is password-protected"),
    "macro-workbook": (Severity.ERROR, "Workbook contains macros"),
    "workbook-too-large": (Severity.ERROR, "Workbook unpacks to more than a return can hold"),
    "damaged-cell": (Severity.ERROR, "Cell damaged in the workbook"),
    "cell-too-long": (Severity.ERROR, "Cell longer than a spreadsheet cell can be"),
    "formula-without-value": (Severity.ERROR, "Formula without a saved value"),
    "merged-cells": (Severity.ERROR, "Cell is part of merged cells"),
    "not-plain-number": (Severity.ERROR, "Count not written as a plain number"),
    "hidden-character": (Severity.ERROR, "Invisible, control or look-alike character in a cell"),
    "hidden-rows": (Severity.WARNING, "Rows hidden in the workbook are loaded"),
    "hidden-sheet": (Severity.WARNING, "Return read from a hidden sheet"),
    # found by checking a return against what is already held (the upload page and `marac check`)
    "quarter-already-held": (Severity.WARNING, "Quarter already held: this file will replace it"),
    "cases-changed-sharply": (Severity.WARNING, "Cases changed by more than half"),
    "demographics-not-recorded": (Severity.WARNING, "No victim/survivor characteristics recorded"),
    "meeting-outside-quarter": (Severity.WARNING, "Meeting outside the quarter the return is for"),
    # boundary files for the map (`loaders.boundaries`, `marac boundaries load`)
    "not-a-boundary-file": (Severity.ERROR, "Not a boundary file that can be read"),
    "boundary-file-too-large": (Severity.ERROR, "Boundary file too large"),
    "unknown-layer": (Severity.ERROR, "No layer of that name in the file"),
    "several-layers": (Severity.ERROR, "Several layers of shapes: say which to load"),
    "not-polygons": (Severity.ERROR, "Shapes are points or lines, not areas"),
    "no-area-codes": (Severity.ERROR, "No column of local authority codes"),
    "no-crs": (Severity.ERROR, "Coordinates are not longitude/latitude and no coordinate system is given"),
    "unusable-crs": (Severity.ERROR, "Coordinate system cannot be converted to longitude/latitude"),
    "crs-assumed": (Severity.WARNING, "No coordinate system given: longitude/latitude assumed"),
    "outside-england-wales": (Severity.WARNING, "Shapes lie outside England and Wales"),
    "empty-geometry": (Severity.ERROR, "Local authority without a shape"),
    "invalid-geometry-repaired": (Severity.WARNING, "Invalid shapes repaired"),
    "unknown-area-codes": (Severity.WARNING, "Shapes skipped: not England or Wales local authorities"),
    "duplicate-area-code": (Severity.WARNING, "Local authority in several features: shapes joined"),
    # what a file may change (loaders.store): one MARAC, the quarter it names, and not most of a held quarter unasked
    "several-maracs": (Severity.ERROR, "Rows for more than one MARAC"),
    "outside-named-quarter": (Severity.ERROR, "Meetings outside the quarter the file name names"),
    "too-many-columns": (Severity.ERROR, "A row wider than a spreadsheet"),
    "replaces-most-of-quarter": (Severity.ERROR, "Would remove most of a held quarter's meetings"),
    "not-your-marac": (Severity.ERROR, "Return for a MARAC you do not send returns for"),
    # a partnership's registry of MARACs (loaders.registry, `marac registry load`)
    "registry-bad-code": (Severity.ERROR, "MARAC code cannot be used"),
    "registry-bad-name": (Severity.ERROR, "Name could run as markup or a formula"),
    "registry-unknown-area": (Severity.ERROR, "Local authority code not in the Census 2021 set"),
    "registry-duplicate-area": (Severity.ERROR, "Local authority listed twice for one MARAC"),
    "registry-bad-share": (Severity.ERROR, "Share is not a fraction above 0 and at most 1"),
    "registry-share-over-one": (Severity.ERROR, "Shares of one local authority add up to more than 1"),
    "registry-split-without-share": (Severity.ERROR, "Local authority in two MARACs without shares"),
    "registry-two-names": (Severity.ERROR, "One MARAC code with two names"),
    "registry-two-sub-areas": (Severity.ERROR, "One MARAC in two sub-areas"),
    "registry-bad-status": (Severity.ERROR, "Status not recognised"),
    "registry-code-clash": (Severity.ERROR, "Code holds another MARAC's returns"),
    "registry-two-forces": (Severity.WARNING, "MARAC spans two police force areas"),
    "registry-dropped-with-returns": (Severity.WARNING, "MARAC with returns held is left out"),
    "registry-partial-area": (Severity.WARNING, "Part of a local authority covered by no MARAC"),
    "registry-renamed": (Severity.WARNING, "MARAC with returns held is renamed"),
    # a partnership's tile layout (loaders.layout, `marac layout load`)
    "layout-unknown-authority": (Severity.ERROR, "Not a local authority code of England or Wales"),
    "layout-cell-taken": (Severity.ERROR, "Two local authorities in one cell"),
    "layout-authority-twice": (Severity.ERROR, "Local authority placed twice in one layout"),
    "layout-not-whole-number": (Severity.ERROR, "Column or row is not a whole number in range"),
    "layout-bad-shape": (Severity.ERROR, "Tile shape not square or hex"),
    "layout-mixed-shapes": (Severity.ERROR, "Squares and hexagons in one layout"),
    "layout-bad-text": (Severity.ERROR, "Layout name, label or name too long or unprintable"),
}


class Problem(BaseModel):
    """One thing wrong with one place in a file."""

    code: str
    severity: Severity
    file: str
    sheet: str | None = None
    row: int | None = None  # spreadsheet row, header = row 1
    column: str | None = None  # the header as written in the file
    value: str | None = None
    message: str
    expected: str | None = None

    @field_validator("value")
    @classmethod
    def _readable(cls, value: str | None) -> str | None:
        return None if value is None else shorten(visible(value))

    @property
    def title(self) -> str:
        return CATALOGUE[self.code][1]

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def line(self) -> str:
        """One line naming file, sheet, row, column, value and what was expected."""
        text = f"{self.severity.value.upper()} {self.location()}: {self.message}"
        if self.value is not None:
            text += f' (value "{self.value}")'
        if self.expected:
            text += f"; expected {self.expected}"
        return f"{text} [{self.code}]"


def problem(code: str, file: str, message: str, **where: object) -> Problem:
    """Build a problem with the catalogue's severity for its code."""
    severity, _ = CATALOGUE[code]
    return Problem(code=code, severity=severity, file=file, message=message, **where)


class ValidationReport(BaseModel):
    """Everything found in one file; the file loads only if `valid`."""

    file: str
    sha256: str | None = None
    rows: int = 0
    problems: list[Problem] = []

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def flatten(self, fields: list[str]) -> list[list[object]]:
        """Compact table for tests and listings, e.g. ["row", "column", "code"]."""
        return [[getattr(p, f) for f in fields] for p in self.problems]

    def text(self) -> str:
        return "\n".join(p.line() for p in self.problems)
