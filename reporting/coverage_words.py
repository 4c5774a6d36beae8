"""How much of a period a figure rests on, in words: the one place coverage words are made.

A MARAC that sent one return of four has a rate (population-time counts only the quarter it sent), but it is one
quarter's rate shown as a year's, and "Camden heard 30 cases in the year to March 2025" reads as a year's cases. So
every period figure (tile, table cell, chart label, sentence, pack, spreadsheet) carries its coverage from here, in the
same place: "1 of 4 quarters returned: one quarter's rate shown as a year's" for a MARAC, "29 of 32 MARACs sent all 4
quarters; 120 of 128 MARAC-quarters returned" for a group, "1/4 qtrs" where space is short, and nothing when complete.

A nil return ("no meetings this quarter") is a returned quarter with 0 cases, so it counts as returned. Under
SafeLives' rule (`metrics.missing_quarters`) a missing quarter is filled from the MARAC's previous quarter and a MARAC
with two missing quarters in a row is left out; the words then say how many quarters were filled and who was left out,
and name the method, so a figure reconciled with SafeLives' report says it was made their way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from metrics.coverage import COMPLETE_ENOUGH

#: the method names `metrics.missing_quarters` writes in `missing_quarters_method` (absent: population-time)
SAFELIVES = "safelives"
POPULATION_TIME = "population_time"
#: the header of the coverage column beside volume in tables and spreadsheets
HEADER = "Quarters returned"
#: what travels with a table or spreadsheet that has the coverage column
NOTE = (
    f"{HEADER}: the quarterly returns each figure rests on; a nil return ('no meetings this quarter') counts as "
    "returned, with 0 cases. Volume counts only the quarters returned, against the population for that time, so a "
    "MARAC that sent 1 of 4 shows one quarter's rate as a year's; below "
    f"{COMPLETE_ENOUGH:.0%} of the period's population-time (3 of 4 quarters for one MARAC; for a group, weighted by "
    "each MARAC's population) its volume is not judged ('incomplete')."
)
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def quarters_in_window(window: str | None) -> int:
    """Quarters a window holds: 1 for a quarter, 4 for 12 months or a financial year."""
    return 1 if window == "quarter" else 4


def _whole(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


@dataclass(frozen=True)
class Coverage:
    """What a figure rests on: quarters returned out of those the window expects, and how gaps were treated."""

    #: MARAC-quarters returned (nil returns included; quarters SafeLives' rule filled are not)
    returned: int
    #: MARACs in the group (1 for a MARAC)
    maracs: int
    #: quarters in the window
    window: int
    #: MARACs that sent every quarter, for a group; None when not worked out
    maracs_complete: int | None = None
    #: MARAC-quarters filled from the previous quarter (SafeLives' rule)
    filled: int = 0
    #: MARACs left out after two missing quarters in a row (SafeLives' rule)
    left_out: int = 0
    method: str = POPULATION_TIME
    #: False for a row that does not carry `quarters_with_data` (a published comparator): nothing is said
    known: bool = True
    #: the share of the period's population-time the returns cover (`volume_coverage`), which decides whether volume
    #: is judged; None where the row does not carry it (then the share of MARAC-quarters stands in)
    population_share: float | None = None

    @classmethod
    def of(
        cls, row: Mapping[str, object], *, window: int | None = None, members: pl.DataFrame | None = None
    ) -> Coverage:
        """The coverage of a metrics row. `window` defaults to the row's own; `members` (the group's MARAC rows)
        says how many MARACs sent every quarter when the row itself does not carry `maracs_complete`."""
        quarters = window or quarters_in_window(row.get("window"))  # type: ignore[arg-type]
        filled = _whole(row.get("quarters_filled"))
        method = str(row.get("missing_quarters_method") or POPULATION_TIME)
        # the filled quarters are rows in the rewritten data, so `quarters_with_data` counts them: take them off
        returned = max(_whole(row.get("quarters_with_data")) - filled, 0)
        maracs = _whole(row.get("maracs_in_group")) or 1
        complete = row.get("maracs_complete")
        if complete is None and members is not None and members.height and "quarters_with_data" in members.columns:
            own = members["quarters_with_data"].fill_null(0)
            if "quarters_filled" in members.columns:
                own = own - members["quarters_filled"].fill_null(0)
            complete = int((own >= quarters).sum())
        return cls(
            returned=returned,
            maracs=maracs,
            window=quarters,
            maracs_complete=None if complete is None else int(complete),  # type: ignore[call-overload]
            filled=filled,
            left_out=_whole(row.get("maracs_left_out")),
            method=method,
            known=row.get("quarters_with_data") is not None,
            population_share=share if isinstance(share := row.get("volume_coverage"), int | float) else None,
        )

    @property
    def expected(self) -> int:
        return self.maracs * self.window

    @property
    def share(self) -> float:
        return self.returned / self.expected if self.expected else 0.0

    @property
    def complete(self) -> bool:
        return self.returned >= self.expected

    @property
    def enough(self) -> bool:
        """Enough for a volume verdict: at least `metrics.coverage.COMPLETE_ENOUGH` of the population-time, as the
        metrics decide it (of the MARAC-quarters where the row does not say)."""
        judged_on = self.share if self.population_share is None else self.population_share
        return judged_on >= COMPLETE_ENOUGH

    @property
    def _safelives(self) -> bool:
        return self.method == SAFELIVES

    def _method_words(self) -> str:
        """ "; 1 filled from the previous quarter (SafeLives' method)", or "" under population-time."""
        if not self._safelives or not (self.filled or self.left_out):
            return ""
        parts = []
        if self.filled:
            parts.append(f"{self.filled} filled from the previous quarter")
        if self.left_out and self.maracs > 1:
            parts.append(f"{_plural(self.left_out, 'MARAC')} left out after two missing quarters in a row")
        return "; " + ", ".join(parts) + " (SafeLives' method)" if parts else ""

    @property
    def words(self) -> str:
        """The full words, "" when complete: "1 of 4 quarters returned: one quarter's rate shown as a year's"."""
        if not self.known:
            return ""
        if self.maracs == 1:
            return self._marac_words()
        if self.complete:
            return ""
        sent_all = (
            f"{self.maracs_complete} of {self.maracs} MARACs sent all {self.window} quarters; "
            if self.maracs_complete is not None and self.window > 1
            else ""
        )
        return f"{sent_all}{self.returned} of {self.expected} MARAC-quarters returned{self._method_words()}"

    def _marac_words(self) -> str:
        if self._safelives and self.left_out:
            return "left out: two quarters missing in a row (SafeLives' method)"
        if self.complete:
            return ""
        if not self.returned:
            return "no quarters returned" if self.window > 1 else "no return for the quarter"
        said = f"{self.returned} of {self.window} quarters returned"
        if self._safelives and self.filled:
            return said + self._method_words()
        return said + (f": {self.rate_shown}" if self.rate_shown else "")

    @property
    def rate_shown(self) -> str:
        """What too few quarters make of a rate, "" when there are enough: "one quarter's rate shown as a year's"."""
        if self.enough or not self.returned or self.window == 1:
            return ""
        part = _NUMBER_WORDS.get(self.returned, str(self.returned))
        whose = "quarter's" if self.returned == 1 else "quarters'"
        return f"{part} {whose} rate shown as a year's"

    @property
    def status(self) -> str:
        """The words wherever coverage is always stated (a pack's title page): the full words, or "all 4 quarters
        returned" / "all 32 MARACs sent all 4 quarters" when complete."""
        if not self.known:
            return ""
        if self.words:
            return self.words
        if self.maracs == 1:
            return f"all {self.window} quarters returned" if self.window > 1 else "the quarter returned"
        return f"all {self.maracs} MARACs sent all {self.window} quarters"

    @property
    def cell(self) -> str:
        """A table's coverage cell: the full words, or "all 4 quarters" (a group: "all 32 MARACs sent all 4
        quarters") when complete; "" when not known."""
        if self.known and self.maracs == 1 and not self.words:
            return f"all {self.window} quarters" if self.window > 1 else "the quarter"
        return self.status

    @property
    def short(self) -> str:
        """For a sentence or a table beside the figure: "1 of 4 quarters returned", "" when complete."""
        if not self.known:
            return ""
        if self.complete and not (self._safelives and self.left_out):
            return ""
        if self.maracs == 1:
            if self._safelives and self.left_out:
                return "left out (SafeLives' method)"
            return f"{self.returned} of {self.window} quarters returned"
        return f"{self.returned} of {self.expected} MARAC-quarters returned"

    @property
    def compact(self) -> str:
        """Where space is short (a chart label, a matrix cell): "1/4 qtrs", "120/128 MARAC-qtrs"; "" when complete."""
        if not self.short:
            return ""
        if self.maracs == 1:
            if self._safelives and self.left_out:
                return "left out"
            filled = f" +{self.filled} filled" if self._safelives and self.filled else ""
            return f"{self.returned}/{self.window} qtrs{filled}"
        return f"{self.returned}/{self.expected} MARAC-qtrs"

    @property
    def narrow(self) -> str:
        """A narrow column's cell (half a matrix on a screen): a MARAC's `compact` ("3/4 qtrs"), or "all 4 qtrs"; a
        group's MARACs that sent every quarter ("2/32 MARACs all 4 qtrs", its MARAC-quarters beside its volume); ""
        when not known. The downloads keep `cell`'s words."""
        if not self.known:
            return ""
        if self.maracs > 1 and self.maracs_complete is not None and self.window > 1:
            return f"{self.maracs_complete}/{self.maracs} MARACs all {self.window} qtrs"
        if self.compact:
            return self.compact
        if self.maracs == 1:
            return f"all {self.window} qtrs" if self.window > 1 else "the quarter"
        return f"all {self.expected} MARAC-qtrs"


def of(row: Mapping[str, object], **kwargs: object) -> Coverage:
    """`Coverage.of`, for brevity at the call site."""
    return Coverage.of(row, **kwargs)  # type: ignore[arg-type]


def of_frame(frame: pl.DataFrame) -> list[Coverage]:
    """Each row's coverage, reading only the columns coverage needs (a metrics frame has a few hundred)."""
    wanted = [
        c
        for c in (
            "window",
            "quarters_with_data",
            "maracs_in_group",
            "maracs_complete",
            "quarters_filled",
            "maracs_left_out",
            "missing_quarters_method",
            "volume_coverage",
        )
        if c in frame.columns
    ]
    if "quarters_with_data" not in wanted:
        return [Coverage.of({}) for _ in range(frame.height)]
    return [Coverage.of(row) for row in frame.select(wanted).iter_rows(named=True)]


def beside(figure: str, coverage: Coverage) -> str:
    """A figure with its compact coverage after it: "32.0% · 1/4 qtrs" (unchanged when complete)."""
    return f"{figure} · {coverage.compact}" if coverage.compact else figure


def with_complete(groups: pl.DataFrame, maracs: pl.DataFrame, column: str) -> pl.DataFrame:
    """`groups` with `maracs_complete`: how many of each group's MARACs (`maracs`, grouped by `column`, e.g. "sub_area")
    sent every quarter of the window, for "29 of 32 MARACs sent all 4 quarters"."""
    if "maracs_complete" in groups.columns or not maracs.height or column not in maracs.columns:
        return groups
    quarters = quarters_in_window(maracs["window"][0] if "window" in maracs.columns else None)
    own = pl.col("quarters_with_data").fill_null(0)
    if "quarters_filled" in maracs.columns:
        own = own - pl.col("quarters_filled").fill_null(0)
    counts = maracs.group_by(column).agg((own >= quarters).sum().cast(pl.Int64).alias("maracs_complete"))
    return groups.join(counts.rename({column: "group_code"}), on="group_code", how="left")


def all_complete(groups: pl.DataFrame, maracs: pl.DataFrame) -> pl.DataFrame:
    """A one-row group frame (an area's total) with `maracs_complete` counted over all of `maracs`."""
    if "maracs_complete" in groups.columns or not maracs.height:
        return groups
    quarters = quarters_in_window(maracs["window"][0] if "window" in maracs.columns else None)
    own = maracs["quarters_with_data"].fill_null(0)
    if "quarters_filled" in maracs.columns:
        own = own - maracs["quarters_filled"].fill_null(0)
    return groups.with_columns(pl.lit(int((own >= quarters).sum()), dtype=pl.Int64).alias("maracs_complete"))
