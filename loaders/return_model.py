"""Validation of a quarterly return: one pydantic model per meeting row, then checks across fields.

Cell-level rules live in the model's validators, which raise errors carrying our problem
codes; rules that compare fields (repeats against cases, referral totals) and rows
(duplicate meetings) run afterwards over the rows that parsed, so a file reports every
problem at once rather than stopping at the first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from loaders import nil_return
from loaders.problems import Problem, ValidationReport, problem, shorten, visible
from loaders.raw_table import Cell, RawTable, Unreadable
from loaders.return_layout import BY_NAME, FIELD_NAMES, REFERRAL_FIELDS, VICTIM_FIELDS
from metrics.periods import quarter_label, quarter_of

_WHOLE = "a whole number 0 or more"
_SHARE = "a number 0 or more (halves allowed where a case was referred by two agencies)"
_DATE = "a date as dd/mm/yyyy or yyyy-mm-dd"
#: the first MARACs met in Cardiff in 2003; allow a little margin
EARLIEST_MEETING = date(2000, 1, 1)
#: no MARAC meeting discusses anywhere near this many cases; a larger figure is a typing or export slip
MAX_PER_MEETING = 10_000
# [0-9], never \d: \d also matches Arabic-Indic and other digits, which int() would quietly read
_THOUSANDS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?: 00:00(?::00)?)?$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?$")
#: a count as text: digits 0-9 with a point for halves; "10.0" is 10 (what a database or pandas export writes for a
#: whole column with a gap in it), while 1e1, 1_0, +5, 0x10 and ٣ are read as numbers only by Python, never by Excel
_PLAIN = re.compile(r"^-?([0-9]+(\.[0-9]+)?|\.[0-9]+)$")

#: letters of other scripts that look like Latin ones, as a MARAC code might hold them after a copy from a PDF or email
_LOOK_ALIKES = dict(
    zip(
        "АВЕКМНОРСТХУІЈЅаеорсхуіјѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧοο０１２３４５６７８９",
        "ABEKMHOPCTXYIJSaeopcxyijsABEZHIKMNOPTYXoo0123456789",
        strict=True,
    )
)
#: C0 and C1 controls have no name in the Unicode database: the ones a file is likely to hold
_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LINE FEED", 13: "CARRIAGE RETURN", 27: "ESCAPE", 127: "DELETE"}

#: what a coordinator is told when a code is not in the registry: where the registry is and how to add a MARAC to it
REGISTRY_HINT = (
    "a MARAC code from the registry (e.g. E09000012 for Hackney), or the MARAC added to the registry first "
    "(marac registry export, add its row, marac registry load)"
)


def character_name(ch: str) -> str:
    """How a report names one character: 'ZERO WIDTH SPACE (U+200B)'."""
    code = ord(ch)
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(code, "CONTROL CHARACTER")
    return f"{name} (U+{code:04X})"


def odd_characters(text: str) -> str | None:
    """Words naming the characters a coordinator cannot see or tell apart in a code, date or count, or None.

    Invisible (format, control, private-use and non-ASCII space characters), look-alike letters from other
    scripts, and digits other than 0-9; ordinary accented text is left alone. At most three are named.
    """
    named: list[str] = []
    for position, ch in enumerate(text):
        if " " <= ch <= "~":
            continue
        category = unicodedata.category(ch)
        if ch in _LOOK_ALIKES:
            what = f'which looks like "{_LOOK_ALIKES[ch]}"'
        elif category == "Nd":
            what = "not one of the digits 0-9"
        elif category in ("Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"):
            what = "a control character" if category == "Cc" else "an invisible character"
        else:
            continue
        before = visible(text[max(0, position - 10) : position])
        where = f'after "{before}"' if before.strip() else "at the start"
        words = f"{character_name(ch)} {where}, {what}"
        if words not in named:
            named.append(words)
        if len(named) == 3:
            break
    return "; ".join(named) if named else None


def _unreadable(value: Cell) -> None:
    """A cell the reader could not read stops here, with the reader's own words for why."""
    if isinstance(value, Unreadable):
        raise _err(value.code, value.message, value.expected)


def _err(code: str, message: str, expected: str) -> PydanticCustomError:
    return PydanticCustomError(code, message, {"expected": expected})


def _number(value: Cell, expected: str) -> float:
    if type(value) is int and 0 <= value <= MAX_PER_MEETING:  # most cells: a spreadsheet's whole number
        return float(value)
    _unreadable(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _err("missing-value", "the cell is empty", f"{expected} (enter 0 if none)")
    if isinstance(value, bool | date | datetime):
        raise _err("non-numeric-count", "the cell is not a number", expected)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = value.strip()
        if _THOUSANDS.match(text):  # 1,234 -> 1234; a comma anywhere else is not ours to guess
            text = text.replace(",", "")
        elif "," in text:
            raise _err(
                "non-numeric-count",
                "the cell has a comma that is not a thousands separator",
                f"{expected}, with a point for decimals (0.5)",
            )
        if not _PLAIN.match(text):
            raise _not_plain(text, expected)
        number = float(text)
    if not math.isfinite(number):
        raise _err("non-numeric-count", "the cell is not a finite number", expected)
    if number < 0:
        raise _err("negative-count", "a count cannot be negative", expected)
    if number > MAX_PER_MEETING:
        raise _err(
            "count-too-large",
            f"more than {MAX_PER_MEETING:,} in one meeting",
            f"{expected}, at most {MAX_PER_MEETING:,} for one meeting",
        )
    return number


def _not_plain(text: str, expected: str) -> PydanticCustomError:
    """Why text is not a plain number: named where Python would have read it as one, so nothing is read quietly."""
    odd = odd_characters(text)
    if odd:
        code = "hidden-character" if any(unicodedata.category(c)[0] in "CZM" for c in text if c > "~") else None
        if code:
            return _err(code, f"the cell is not a plain number: it holds {odd}", expected)
        return _err(
            "not-plain-number", f"the cell is not a plain number: it holds {odd}", f"{expected}, digits 0-9 only"
        )
    plain = _PLAIN.match
    reasons = [
        ("e" in text.lower() and _is_float(text), "it is written in scientific notation (write the number out)"),
        ("_" in text and plain(text.replace("_", "")), "it has an underscore in it"),
        (" " in text and plain(text.replace(" ", "")), "it has a space inside it"),
        (text.startswith("+") and plain(text[1:]), "it has a plus sign"),
        (
            re.fullmatch(r"0[xob][0-9a-f]+", text.lower()),
            "it is written in another base (hexadecimal, octal or binary)",
        ),
        (text.endswith(".") and plain(text[:-1]), "it ends in a point"),
    ]
    for applies, reason in reasons:
        if applies:
            return _err("not-plain-number", f"the cell is not a plain number: {reason}", f"{expected}, digits 0-9 only")
    return _err("non-numeric-count", "the cell is not a number", expected)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _whole(value: Cell) -> int:
    number = _number(value, _WHOLE)
    if number != int(number):
        raise _err("not-whole-number", "this count must be a whole number", _WHOLE)
    return int(number)


def _share(value: Cell) -> float:
    return _number(value, _SHARE)


def _meeting_date(value: Cell) -> date:
    _unreadable(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _err("missing-value", "the cell is empty", _DATE)
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _err(
            "bad-date",
            f"the cell holds the number {value:g}, not a date (perhaps a date cell formatted as a number)",
            f"{_DATE}, or the column formatted as a date",
        )
    if not isinstance(value, str):
        raise _err("bad-date", "the cell is not a date", _DATE)
    text = value.strip()
    uk, iso = _UK_DATE.match(text), _ISO_DATE.match(text)
    if uk:
        day, month, year = (int(g) for g in uk.groups())
    elif iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        odd = odd_characters(text)
        if odd:
            raise _err("hidden-character", f"the date is not in a recognised form: it holds {odd}", _DATE)
        raise _err("bad-date", "the date is not in a recognised form", _DATE)
    try:
        day_value = date(year, month, day)
    except ValueError:
        raise _err("impossible-date", "there is no such day", "a real calendar date") from None
    return _plausible(day_value)


def _plausible(day: date) -> date:
    """MARACs began in 2003; an earlier date is a typing slip (or Excel's zero date, 1899-12-30)."""
    if day < EARLIEST_MEETING:
        raise _err(
            "impossible-date",
            f"MARACs did not meet before {EARLIEST_MEETING.year}",
            f"a date from {EARLIEST_MEETING.strftime('%d/%m/%Y')} onwards",
        )
    return day


def _registered_code(value: Any, info: ValidationInfo) -> str:
    """A MARAC code as the registry holds it (upper case, trimmed), or an error naming why it is not one."""
    _unreadable(value)
    if value is None or not str(value).strip():
        raise _err("missing-value", "the cell is empty", "a MARAC code from the registry")
    code = str(value).strip().upper()
    known: set[str] = (info.context or {}).get("maracs", set())
    if known and code not in known:
        odd = odd_characters(code)
        if odd:
            raise _err(
                "hidden-character",
                f"this MARAC code is not in the registry: it holds {odd}",
                "a MARAC code from the registry typed in plain letters and digits (e.g. E09000012 for Hackney)",
            )
        raise _err(
            "unknown-marac",
            "this MARAC code is not in the registry",
            REGISTRY_HINT,
        )
    return code


def _not_after_today(value: date, info: ValidationInfo) -> date:
    today: date = (info.context or {}).get("today", date.today())
    if value > today:
        raise _err("future-date", "the meeting date is after today", f"a date on or before {today.isoformat()}")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
Share = Annotated[float, BeforeValidator(_share)]


class MeetingRow(BaseModel):
    """One MARAC meeting as the return reports it."""

    marac_code: str
    meeting_date: Annotated[date, BeforeValidator(_meeting_date)]
    cases_discussed: Whole
    repeat_cases: Whole
    children_in_household: Whole
    referrals_police: Share
    referrals_idva: Share
    referrals_childrens_social_care: Share
    referrals_adult_social_care: Share
    referrals_primary_care: Share
    referrals_secondary_care: Share
    referrals_mental_health: Share
    referrals_substance_misuse: Share
    referrals_probation: Share
    referrals_voluntary_sector: Share
    referrals_mash: Share
    referrals_education: Share
    referrals_housing: Share
    referrals_other: Share
    victims_racially_minoritised: Whole
    victims_lgbt: Whole
    victims_disabled: Whole
    victims_male: Whole
    victims_aged_16_17: Whole
    perpetrators_under_18: Whole

    @field_validator("marac_code", mode="before")
    @classmethod
    def _known_marac(cls, value: Any, info: ValidationInfo) -> str:
        return _registered_code(value, info)

    @field_validator("meeting_date")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        return _not_after_today(value, info)

    @property
    def referral_total(self) -> float:
        return sum(getattr(self, f) for f in REFERRAL_FIELDS)


class NilRow(BaseModel):
    """A nil return: the MARAC had no meetings in the quarter holding `meeting_date` (`loaders.nil_return`)."""

    marac_code: str
    meeting_date: Annotated[date, BeforeValidator(_meeting_date)]

    @field_validator("marac_code", mode="before")
    @classmethod
    def _known_marac(cls, value: Any, info: ValidationInfo) -> str:
        return _registered_code(value, info)

    @field_validator("meeting_date")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        return _not_after_today(value, info)

    @property
    def quarter_start(self) -> date:
        return quarter_of(self.meeting_date)


@dataclass
class ParsedReturn:
    report: ValidationReport
    rows: list[tuple[int, MeetingRow]]
    #: the nil-return rows that parsed: quarters the MARAC says it held no meetings in
    nil: list[tuple[int, NilRow]] = field(default_factory=list)


def cell_text(value: Cell) -> str | None:
    """A cell as a report or preview shows it, cut to a readable length."""
    if value is None or (isinstance(value, Unreadable) and value.text is None):
        return None
    if isinstance(value, str):
        return shorten(value)
    if isinstance(value, datetime):  # as a coordinator wrote it: a UK date, with the time only where there is one
        return value.strftime("%d/%m/%Y" if value.time() == datetime.min.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return shorten(str(value))


def _fmt(number: float) -> str:
    return f"{number:g}"


def validate_table(table: RawTable, known_maracs: set[str], today: date | None = None) -> ParsedReturn:
    """Every problem in the table, and the rows that parsed (usable only if the report is valid)."""
    report = ValidationReport(file=table.file)
    where = {"sheet": table.sheet}
    # a file of nil returns alone needs only the columns a nil row fills in (the code, a date and NIL)
    optional = set(nil_return.OTHER_COUNTS) if nil_return.only_nil(table) else set()
    for name in FIELD_NAMES:
        if name not in table.headers and name not in optional:
            message = f'the column "{name}" is missing'
            if table.unheaded:  # merged header cells keep their text in the first cell only
                message += (
                    f"; column {', '.join(table.unheaded)} holds values under a blank header cell "
                    "(merged header cells keep their text in the first column only: unmerge them and name each column)"
                )
            report.problems.append(
                problem(
                    "missing-column",
                    table.file,
                    message,
                    column=BY_NAME[name].header,
                    expected=f'a column headed "{name}" or "{BY_NAME[name].header}"',
                    row=table.header_row,
                    **where,
                )
            )
    if report.errors:
        return ParsedReturn(report, [])
    if not table.rows:
        report.problems.append(
            problem(
                "no-rows",
                table.file,
                "the return has a header but no meeting rows (a MARAC that held no meetings in the quarter sends a "
                "nil return, not an empty file)",
                expected=f"one row per MARAC meeting, or for a quarter without meetings a nil return: {nil_return.NIL_FORM}",
                **where,
            )
        )
        return ParsedReturn(report, [])

    context = {"maracs": known_maracs, "today": today or date.today()}
    parsed: list[tuple[int, MeetingRow]] = []
    nil: list[tuple[int, NilRow]] = []
    for row_number, cells in table.rows:
        is_nil = nil_return.is_nil(cells.get("cases_discussed"))
        try:
            if is_nil:
                report.problems.extend(nil_return.counts_on_nil_row(table, row_number, cells, cell_text))
                nil.append((row_number, NilRow.model_validate(cells, context=context)))
            else:
                parsed.append((row_number, MeetingRow.model_validate(cells, context=context)))
        except ValidationError as exc:
            for e in exc.errors():
                name = str(e["loc"][0])
                report.problems.append(
                    problem(
                        e["type"],
                        table.file,
                        e["msg"],
                        row=row_number,
                        column=table.headers[name],
                        value=cell_text(cells.get(name)),
                        expected=_expected(e, is_nil and name == "meeting_date"),
                        **where,
                    )
                )
    report.rows = len(table.rows)
    report.problems.extend(_cross_checks(table, dict(parsed)))
    report.problems.extend(_nil_beside_meetings(table, parsed, nil))
    report.problems.sort(
        key=lambda p: (
            p.row or 0,
            FIELD_NAMES.index(_canonical(table, p.column)) if _canonical(table, p.column) else 99,
        )
    )
    return ParsedReturn(report, parsed, nil)


def _expected(error: Any, nil_date: bool) -> str | None:
    """What a cell should hold; a nil return's date is any day of the quarter it is for."""
    expected = (error.get("ctx") or {}).get("expected")
    if nil_date and expected and error["type"] in ("missing-value", "bad-date"):
        return f"{expected}: on a nil return, any day of the quarter it is for"
    return expected


def _nil_beside_meetings(
    table: RawTable, parsed: list[tuple[int, MeetingRow]], nil: list[tuple[int, NilRow]]
) -> list[Problem]:
    """A nil return for a quarter the same file also has meetings for says two things at once: an error on it."""
    meetings: dict[tuple[str, date], list[int]] = {}
    for row_number, row in parsed:
        meetings.setdefault((row.marac_code, quarter_of(row.meeting_date)), []).append(row_number)
    cells = dict(table.rows)
    return [
        nil_return.nil_with_meetings(
            table,
            row_number,
            row.marac_code,
            quarter_label(row.quarter_start),
            meetings[(row.marac_code, row.quarter_start)],
            cell_text(cells[row_number].get("cases_discussed")),
        )
        for row_number, row in nil
        if (row.marac_code, row.quarter_start) in meetings
    ]


def _canonical(table: RawTable, column: str | None) -> str | None:
    for name, header in table.headers.items():
        if header == column:
            return name
    return None


def _value_of(
    model: MeetingRow | None, cells: dict[str, Cell], name: str, parse: Callable[[Cell], float]
) -> float | None:
    """A count from the row's model if it parsed (50,000 rows are not read twice), else its cell if that one reads."""
    if model is not None:
        return float(getattr(model, name))
    try:
        return parse(cells.get(name))
    except PydanticCustomError:
        return None


def _cross_checks(table: RawTable, parsed: dict[int, MeetingRow]) -> list[Problem]:
    """Rules across fields and rows, applied to whichever cells of a row could be read.

    A row that parsed is read from its model; in one that did not, cells are re-read one by one so a row with one
    bad cell still has its other rules checked.
    """
    found: list[Problem] = []
    where = {"sheet": table.sheet}
    seen: dict[tuple[str, date], int] = {}
    for row_number, cells in table.rows:
        if nil_return.is_nil(cells.get("cases_discussed")):
            continue  # a nil return has no counts to compare (`nil_return.counts_on_nil_row` checks it has none)
        model = parsed.get(row_number)
        cases_value = _value_of(model, cells, "cases_discussed", _whole)
        if cases_value is not None:
            cases = int(cases_value)
            repeats = _value_of(model, cells, "repeat_cases", _whole)
            if repeats is not None and repeats > cases:
                found.append(
                    problem(
                        "repeat-exceeds-cases",
                        table.file,
                        f"{int(repeats)} repeat cases but only {cases} cases discussed",
                        row=row_number,
                        column=table.headers["repeat_cases"],
                        value=str(int(repeats)),
                        expected=f"at most {cases} (the cases discussed)",
                        **where,
                    )
                )
            for name in VICTIM_FIELDS:
                count = _value_of(model, cells, name, _whole)
                if count is not None and count > cases:
                    found.append(
                        problem(
                            "victims-exceed-cases",
                            table.file,
                            f"{int(count)} victims/survivors in this group but only {cases} cases discussed",
                            row=row_number,
                            column=table.headers[name],
                            value=str(int(count)),
                            expected=f"at most {cases} (the cases discussed)",
                            **where,
                        )
                    )
            referrals = [_value_of(model, cells, name, _share) for name in REFERRAL_FIELDS]
            if all(r is not None for r in referrals):
                total = sum(r for r in referrals if r is not None)
                column = "referrals (total of the 14 referral columns)"
                if total > cases + 1e-9:
                    found.append(
                        problem(
                            "referrals-exceed-cases",
                            table.file,
                            f"referrals add up to {_fmt(total)} but only {cases} cases were discussed",
                            row=row_number,
                            column=column,
                            value=_fmt(total),
                            expected=f"a total of at most {cases}",
                            **where,
                        )
                    )
                elif total < cases - 1e-9:
                    found.append(
                        problem(
                            "referrals-below-cases",
                            table.file,
                            f"referrals add up to {_fmt(total)} for {cases} cases discussed: {_fmt(cases - total)} case(s) have no referring agency recorded",
                            row=row_number,
                            column=column,
                            value=_fmt(total),
                            expected=f"a total of {cases}",
                            **where,
                        )
                    )
        try:
            key = (
                (model.marac_code, model.meeting_date)
                if model is not None
                else (str(cells.get("marac_code") or "").strip().upper(), _meeting_date(cells.get("meeting_date")))
            )
        except PydanticCustomError:
            continue
        if key in seen:
            found.append(
                problem(
                    "duplicate-meeting-date",
                    table.file,
                    f"{key[0]} already has a meeting on {key[1].isoformat()} at row {seen[key]}",
                    row=row_number,
                    column=table.headers["meeting_date"],
                    value=key[1].isoformat(),
                    expected="one row per meeting (add the cases together if it was one meeting)",
                    **where,
                )
            )
        else:
            seen[key] = row_number
    return found
