"""Disclosure control for everything that leaves the dashboard: counts rounded once, where they are collected.

Hiding a small count in one export does not protect it when exports are published every quarter: twelve months to
this quarter, minus twelve months to the last, plus the quarter a year ago, gives the quarter back. So nothing is
hidden; every count is rounded instead, once, in the smallest cell anything is published for (one MARAC's quarter),
and every published figure (a year, a financial year, a BCU, a region, a share, a rate, an interval, a verdict, last
year's figure) is worked out from those rounded cells alone. However many exports someone holds, and however they
add and subtract them, the most they can get back is the rounded cells (see docs/disclosure-control.md).

Rounding is random and unbiased (random rounding to base 5, a standard disclosure-control method): a count of 7
becomes 5 with probability 3/5 and 10 with probability 2/5, so totals are right on average and a published 5 may
stand for anything from 1 to 9.
The random draws come from a keyed hash of the cell (a secret held in the database, never published): the same
cell rounds the same way in every export and every session, so asking twice gives nothing more.

A quarter's referral sources and the cases with no recorded source add up to its cases, and an attacker may assume
they do; so they are rounded together (controlled rounding by systematic sampling): each part is rounded up or down,
the rounded parts add up exactly to the rounded cases, and no part can be pinned down from its neighbours.

Pure: frames in, frames out.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from metrics.dataset import Dataset

#: every published count is a multiple of this
BASE = 5
#: the count whose parts are the referral sources and the cases with no recorded source
TOTAL = "cases_discussed"
#: meeting columns that are not counts of people
_NOT_COUNTS = ("load_id", "source_row", "marac_code", "quarter_start", "meeting_date")


#: a draw is a whole number in [0, DRAWS): the chance of an event is worked as draw < p * DRAWS, exactly
DRAWS = 2**64
Draw = tuple[int, int]  # a number in [0, 1) as (numerator, denominator), compared exactly


def _draw(key: bytes, cell: bytes) -> Draw:
    """A number in [0, 1) fixed by the secret key and the cell (named "MARAC|quarter|what", e.g.
    "E09000012|2020-04-01|victims_lgbt"): random to anyone without the key, the same every time. Named, never
    numbered, so a column added to the returns one day leaves every other cell's rounding as it was."""
    digest = hashlib.blake2b(cell, key=key[:64], digest_size=8).digest()
    return int.from_bytes(digest, "big"), DRAWS


def _exact(draw: float | Draw) -> Draw:
    return draw if isinstance(draw, tuple) else Fraction(draw).as_integer_ratio()


def _scale(values: list[float]) -> int:
    """The least whole number that makes every value whole: 1 for counts, 2 where SafeLives split a referral in
    halves, so the arithmetic below stays in whole numbers and a point on a boundary falls the same way every time."""
    scale = 1
    for value in values:
        if not float(value * scale).is_integer():
            scale = math.lcm(scale, Fraction(value).denominator)
    return scale


def random_round(value: float, draw: float | Draw) -> int:
    """`value` rounded down or up to a multiple of BASE, up with probability (remainder / BASE): unbiased."""
    scale = _scale([value])
    low, rest = divmod(round(value * scale), BASE * scale)  # rest / (BASE * scale) of one more BASE
    n, d = _exact(draw)
    return BASE * (low + (n * BASE * scale < rest * d))


def controlled_round(parts: list[float], draws: list[float], start: float | Draw) -> list[int]:
    """`parts` each rounded down or up to a multiple of BASE so that they add up to their total randomly rounded.

    Systematic sampling: part i is rounded up with probability (remainder_i / BASE), the parts taken in the order of
    `draws` (a keyed shuffle) along one line, a part rounded up wherever a point `start`, `start` + 1, … falls in it.
    So each part is unbiased, the number rounded up is fixed by the total's remainder, and the rounded parts sum
    to `random_round(sum(parts), start)`. Parts may be negative (more sources than cases): floor division keeps it.
    """
    scale = _scale(parts)
    unit = BASE * scale  # one BASE, in the whole units the parts are counted in
    n, d = _exact(start)
    order = sorted(range(len(parts)), key=lambda i: draws[i])
    out = [0] * len(parts)
    reach = 0
    for i in order:
        low, rest = divmod(round(parts[i] * scale), unit)
        before, reach = reach, reach + rest
        # how many of start, start + 1, … lie in [before, reach) (in units, times d): at most one, as rest < unit
        up = -((n * unit - reach * d) // (unit * d)) - -((n * unit - before * d) // (unit * d))
        out[i] = BASE * (low + up)
    return out


def rounded_quarters(quarters: pl.DataFrame, key: bytes, agencies: list[str]) -> pl.DataFrame:
    """One row per MARAC and quarter (summed meeting counts) with every count rounded as the module says.

    A count no meeting of the quarter recorded stays null. Referral sources and the unrecorded remainder are rounded
    together so that they add up to the rounded cases; every other count on its own.
    """
    counts = [c for c in quarters.columns if c not in (*_NOT_COUNTS, "meetings")]
    sources = [f"referrals_{a}" for a in agencies if f"referrals_{a}" in quarters.columns]
    alone = [c.encode() for c in counts if c not in sources and c != TOTAL]
    order = {n: f"order|{n}".encode() for n in [*sources, "unrecorded"]}
    rows = []
    for row in quarters.iter_rows(named=True):
        cell = f"{row['marac_code']}|{row['quarter_start']}|".encode()
        out = dict(row)
        for name in alone:
            column = name.decode()
            if row[column] is not None:
                out[column] = random_round(row[column], _draw(key, cell + name))
        held = [s for s in sources if row[s] is not None]
        if row[TOTAL] is not None:
            parts = [row[s] for s in held]
            parts.append(row[TOTAL] - sum(parts))  # cases with no recorded source (negative: more sources)
            draws = [_draw(key, cell + order[n]) for n in [*held, "unrecorded"]]
            rounded = controlled_round(parts, draws, _draw(key, cell + b"start"))
            out.update(zip(held, rounded[:-1], strict=True))
            out[TOTAL] = sum(rounded)
        rows.append(out)
    return pl.DataFrame(rows, schema=quarters.schema) if rows else quarters


class NoSecret(ValueError):
    """The database holds no rounding secret (it was written before secrets existed): nothing may be published."""


def published(dataset: Dataset, key: bytes | None = None) -> Dataset:
    """The dataset every export is computed from: each MARAC-quarter's counts rounded (see the module's docstring).

    The rounded quarter sits on the quarter's first meeting and its other meetings hold 0 (or null where nothing was
    recorded), so meeting counts, dates, periods and population-time are exactly as held, and `metrics.indicators`
    needs no second path: every sum it makes over these rows is a sum of rounded cells.
    """
    meetings = dataset.meetings
    key = dataset.disclosure_key if key is None else key
    if dataset.rounded:
        return dataset
    if not key:
        # a secret worked out from the data would be guessable, and one made later would round every cell a second
        # way: publish nothing until the database's next write gives it a random one (loaders.store.initialise)
        raise NoSecret(
            "this database holds no secret for rounding published figures (it was written before they existed), so "
            "nothing can be published from it yet: any write adds one, e.g. `marac reference --db PATH`"
        )
    # the exact cases of every version of every quarter must not travel with the published figures
    versions = dataset.versions.drop("cases", "meetings", strict=False)
    if meetings.is_empty():
        return replace(dataset, versions=versions, rounded=True)
    counts = [c for c in meetings.columns if c not in _NOT_COUNTS]
    keys = ["marac_code", "quarter_start"]
    # a count some meeting recorded sums over the quarter; one no meeting recorded stays null
    totals = meetings.group_by(keys).agg(
        *(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).otherwise(None).alias(c) for c in counts)
    )
    agencies = [c.removeprefix("referrals_") for c in counts if c.startswith("referrals_")]
    rounded = rounded_quarters(totals, key, agencies)
    ordered = meetings.with_row_index("_row").sort([*keys, "meeting_date", "_row"])
    first = ordered.group_by(keys, maintain_order=True).agg(pl.col("_row").first().alias("_first"))
    joined = (
        ordered.join(first, on=keys, how="left")
        .join(rounded.rename({c: f"_r_{c}" for c in counts}), on=keys, how="left")
        .with_columns(
            pl.when(pl.col("_row") == pl.col("_first"))
            .then(pl.col(f"_r_{c}"))
            .otherwise(pl.when(pl.col(f"_r_{c}").is_null()).then(None).otherwise(pl.lit(0)))
            .cast(meetings.schema[c])
            .alias(c)
            for c in counts
        )
        .sort("_row")
        .select(meetings.columns)
    )
    return replace(dataset, meetings=joined, versions=versions, rounded=True)
