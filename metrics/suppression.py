"""Statistical disclosure control for anything that leaves the dashboard.

A count of 1 to 4 victims/survivors in one MARAC and quarter can identify someone, so in an
export it is shown as "<5" and every figure computed from it (a share, its interval, its
verdict) is withheld. Hiding one cell is not enough when totals are published: a BCU total
minus the other MARACs gives the hidden count back, and referral shares add up to 100%. So
secondary suppression hides one more cell in every published sum that would otherwise have
exactly one hidden part (UK practice; see domain.md "Disclosure control"). Zero is shown.

Pure functions over Polars frames: the caller says which rows add up to which (MARACs to
their BCU, BCUs to the area) and gets back the frame with hidden cells set to null and the
label each hidden cell should show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from metrics.definitions import INDICATORS

DEFAULT_THRESHOLD = 5
SMALL = "<5"
WITHHELD = "withheld"

#: counts of people (or of referrals about them) that are protected; everything else is derived from these
PROTECTED_PREFIXES = ("victims_", "referrals_")
PROTECTED = (
    "cases",
    "repeat_cases",
    "children_in_household",
    "perpetrators_under_18",
    "cases_previous",
    "repeat_cases_previous",
)
#: referral sources add up to all referrals, so their shares are one published sum
REFERRAL_TOTAL = "referrals_total"


def small_label(threshold: int) -> str:
    return f"<{threshold}"


@dataclass(frozen=True)
class Suppressed:
    """A frame with hidden cells set to null, and what each hidden cell shows instead."""

    frame: pl.DataFrame
    #: (row position, column) -> "<5" for a small count, "withheld" for anything hidden because of one
    labels: dict[tuple[int, str], str] = field(default_factory=dict)

    def label(self, row: int, column: str) -> str | None:
        return self.labels.get((row, column))

    def hidden_rows(self, column: str) -> set[int]:
        return {r for (r, c) in self.labels if c == column}

    def names_hiding(self, prefixes: tuple[str, ...]) -> list[str]:
        """Groups with any hidden cell in a column starting with one of `prefixes`, in row order: for a view that must
        leave such a group out whole, as a 100% bar of referral sources (its parts add up to its total) must."""
        rows = sorted({row for (row, column) in self.labels if column.startswith(prefixes)})
        return [self.frame["group_name"][row] for row in rows]

    def withheld_names(self, column: str, rows: list[int] | None = None) -> list[str]:
        """The groups (of `rows`, or all) whose `column` is hidden, by name, in row order: what a chart says it left out."""
        names = self.frame["group_name"].to_list()
        hidden = self.hidden_rows(column)
        return [names[r] for r in (range(len(names)) if rows is None else rows) if r in hidden]


def protected_columns(columns: Sequence[str]) -> list[str]:
    """The counts of people among `columns`: the return's own, and every indicator's numerator (so a new indicator's
    count is protected by its definition alone)."""
    numerators = {ind.numerator for ind in INDICATORS}
    return [
        c
        for c in columns
        if (c in PROTECTED or c in numerators or c.startswith(PROTECTED_PREFIXES)) and c != REFERRAL_TOTAL
    ]


#: last year's counts, joined beside this year's for the change on a year earlier
PREVIOUS = "_previous"


def _family(name: str, columns: Sequence[str]) -> list[str]:
    """A derived column and the columns built on it (`{name}_ci95_low`, `{name}_12m` …), but not last year's
    (`{name}_previous`), which derive from last year's count."""
    return [name, *(c for c in columns if c.startswith(f"{name}_") and not c.endswith(PREVIOUS))]


def derived_columns(count: str, columns: Sequence[str]) -> list[str]:
    """Every column of `columns` that would let someone work `count` back out.

    Read from the definitions: for each indicator with `count` on top, its figure and every `{figure}_*` column,
    its verdict and the columns it `derives`; for last year's count (`{numerator}_previous`), what it
    `derives_from_previous`. An agency's referrals also give back its share of referrals.
    """
    names: list[str] = []
    this_year = count.removesuffix(PREVIOUS)
    for ind in INDICATORS:
        if count == ind.numerator:
            names += [ind.value, *(c for c in columns if c.startswith(f"{ind.value}_"))]
            if ind.verdict:
                names.append(ind.verdict)
            names += [c for d in ind.derives for c in _family(d, columns)]
        elif count.endswith(PREVIOUS) and this_year == ind.numerator:
            names += [c for d in ind.derives_from_previous for c in _family(d, columns)]
    if count.startswith("referrals_"):
        share = "share_" + count
        names += [c for c in columns if c == share or c.startswith(f"{share}_")]
    present = set(columns)
    return list(dict.fromkeys(n for n in names if n in present and n != count))


def _small(value: float | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def suppress(
    frame: pl.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_sums: Sequence[tuple[Sequence[int], int | None]] = (),
    hidden_sums: Sequence[tuple[Sequence[int], str]] = (),
) -> Suppressed:
    """Hide small counts and what derives from them, then whatever would let them be worked back.

    `row_sums` lists published sums down the rows: (the rows that add up, the row holding their
    total, or None when the total is published elsewhere). `hidden_sums` lists (rows, column)
    whose total another publication hides: were every one of those rows shown, they would add
    back up to it, so at least one is hidden. Referral sources are a sum across columns within
    every row.
    """
    counts = protected_columns(frame.columns)
    values = {c: frame[c].to_list() for c in counts}
    hidden: dict[str, set[int]] = {c: {i for i, v in enumerate(values[c]) if _small(v, threshold)} for c in counts}
    primary = {c: set(rows) for c, rows in hidden.items()}
    referral_columns = [c for c in counts if c.startswith("referrals_")]

    def settle(cells: list[tuple[int, str]], hidden_elsewhere: int = 0) -> bool:
        """If exactly one cell of a sum is hidden (counting a total hidden elsewhere), hide the smallest other
        (a non-zero one if any)."""
        shut = [(r, c) for r, c in cells if r in hidden[c]]
        open_ = [(r, c) for r, c in cells if r not in hidden[c] and values[c][r] is not None]
        if len(shut) + hidden_elsewhere != 1 or not open_:
            return False
        r, c = min(open_, key=lambda rc: (values[rc[1]][rc[0]] == 0, values[rc[1]][rc[0]]))
        hidden[c].add(r)
        return True

    # a sum whose total is hidden elsewhere is not also a published one: one hidden part already protects it
    elsewhere = {(tuple(members), column) for members, column in hidden_sums}
    changed = True
    while changed:
        changed = False
        for column in counts:
            for members, total in row_sums:
                if total is None and (tuple(members), column) in elsewhere:
                    continue
                cells = [(r, column) for r in members] + ([(total, column)] if total is not None else [])
                changed |= settle(cells)
        for members, column in hidden_sums:
            if column in hidden:
                changed |= settle([(r, column) for r in members], hidden_elsewhere=1)
        for row in range(frame.height):
            changed |= settle([(row, c) for c in referral_columns])

    labels: dict[tuple[int, str], str] = {}
    for column in counts:
        derived = derived_columns(column, frame.columns)
        for row in hidden[column]:
            labels[(row, column)] = small_label(threshold) if row in primary[column] else WITHHELD
            for other in derived:
                labels.setdefault((row, other), WITHHELD)
    nulled = frame.with_row_index("_row")
    for column in {c for _, c in labels}:
        rows = sorted(r for r, c in labels if c == column)
        nulled = nulled.with_columns(
            pl.when(pl.col("_row").is_in(rows)).then(None).otherwise(pl.col(column)).alias(column)
        )
    return Suppressed(nulled.drop("_row"), labels)


def suppress_area(
    maracs: pl.DataFrame, bcus: pl.DataFrame, total: pl.DataFrame, threshold: int = DEFAULT_THRESHOLD
) -> tuple[Suppressed, Suppressed, Suppressed]:
    """An area's MARAC rows, its BCU rows and its own row, suppressed together because they add up.

    MARACs add up to their BCU and to the area; BCUs (and MARACs outside any BCU) add up to the
    area. Each part comes back with its own row numbers.
    """
    frames = [maracs, bcus.drop("bcu", strict=False), total.drop("bcu", strict=False)]
    both = pl.concat(frames, how="diagonal_relaxed")
    first_bcu, area_row = maracs.height, maracs.height + bcus.height
    bcu_rows = {name: first_bcu + i for i, name in enumerate(bcus["group_code"].to_list())} if bcus.height else {}
    sums: list[tuple[list[int], int | None]] = []
    member_bcus = maracs["bcu"].to_list() if "bcu" in maracs.columns else [None] * maracs.height
    for name, row in bcu_rows.items():
        sums.append(([i for i, b in enumerate(member_bcus) if b == name], row))
    area = area_row if total.height else None
    sums.append((list(range(maracs.height)), area))
    outside = [i for i, b in enumerate(member_bcus) if b not in bcu_rows]
    sums.append((list(bcu_rows.values()) + outside, area))
    out = suppress(both, threshold=threshold, row_sums=sums)
    parts = []
    for start, frame in zip((0, first_bcu, area_row), frames, strict=True):
        rows = range(start, start + frame.height)
        labels = {(r - start, c): label for (r, c), label in out.labels.items() if r in rows}
        parts.append(Suppressed(out.frame.slice(start, frame.height).select(frame.columns), labels))
    return parts[0], parts[1], parts[2]


def suppress_series(
    maracs: pl.DataFrame,
    area: pl.DataFrame,
    period_quarters: Sequence[object],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    period: Suppressed | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarterly rows (`quarterly` output) of an area's MARACs and of the area itself, suppressed together.

    Each quarter's MARACs add up to the area's quarter, and each MARAC's quarters in the chosen
    period add up to its published figure for the period, so both sums are protected. `period` is
    the period's MARAC figures as `suppress_area` left them: where it hid a MARAC's count (perhaps
    only to protect a neighbour's, through their BCU's total), one of that MARAC's quarters is
    hidden too, or the quarters would add back up to it. Hidden cells come back as nulls (a trend
    line simply breaks there).
    """
    both = pl.concat([maracs, area], how="diagonal_relaxed").with_row_index("_row")
    area_rows = {
        q: r for q, r in zip(both["quarter_start"][maracs.height :], both["_row"][maracs.height :], strict=True)
    }
    sums: list[tuple[list[int], int | None]] = []
    for (quarter,), part in both.head(maracs.height).group_by("quarter_start", maintain_order=True):
        sums.append((part["_row"].to_list(), area_rows.get(quarter)))
    chosen = set(period_quarters)
    hidden_totals: dict[str, set[str]] = {}
    if period is not None:
        codes = period.frame["group_code"].to_list()
        for row, column in period.labels:
            hidden_totals.setdefault(codes[row], set()).add(column)
    hidden_sums: list[tuple[list[int], str]] = []
    for (code,), part in (
        both.head(maracs.height)
        .filter(pl.col("quarter_start").is_in(list(chosen)))
        .group_by("group_code", maintain_order=True)
    ):
        rows = part["_row"].to_list()
        sums.append((rows, None))
        hidden_sums += [(rows, column) for column in sorted(hidden_totals.get(code, ()))]
    out = suppress(both.drop("_row"), threshold=threshold, row_sums=sums, hidden_sums=hidden_sums).frame
    return out.head(maracs.height).select(maracs.columns), out.slice(maracs.height).select(area.columns)
