"""SafeLives expected ranges, read from the reference table, and the verdicts they give.

The figures live in `data/reference/safelives_ranges.csv` with their source and edition;
this module only knows the four kinds of rule they use.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

VERDICTS = ("below", "within", "above")


@dataclass(frozen=True)
class Range:
    indicator: str
    rule: str  # range | floor | local_share | value | none
    lower: float | None
    upper: float | None
    wording: str
    source: str
    edition: str

    def bounds(self, local: float | None = None) -> tuple[float | None, float | None]:
        """(lower, upper) a value is judged against; a floor has no upper, a local-share rule uses `local`."""
        if self.rule == "range":
            return self.lower, self.upper
        if self.rule == "floor":
            return self.lower, None
        if self.rule == "local_share":
            return local, None
        return None, None

    def describe(self) -> str:
        """Short text for screens, e.g. '28%–40%' or '2.5% or above'."""
        if self.rule == "range":
            return (
                f"{self.lower:.0%}–{self.upper:.0%}"
                if self.indicator != "volume"
                else f"{self.lower:.0%}–{self.upper:.0%} of recommended"
            )
        if self.rule == "floor":
            return f"{self.lower:.1%} or above".replace(".0%", "%")
        if self.rule == "local_share":
            return "at least the local share not White British"
        return "no range"


class Ranges(dict[str, Range]):
    """Ranges by indicator name, as in the reference file."""

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> Ranges:
        ranges = cls()
        repeated = frame.group_by("indicator").len().filter(pl.col("len") > 1)["indicator"].to_list()
        if repeated:
            raise ValueError(
                f"the ranges table lists {', '.join(sorted(repeated))} more than once; keep one edition at a time"
            )
        for row in frame.iter_rows(named=True):
            ranges[row["indicator"]] = Range(
                row["indicator"], row["rule"], row["lower"], row["upper"], row["wording"], row["source"], row["edition"]
            )
        return ranges

    def value(self, indicator: str) -> float:
        """A single figure such as recommended cases per 10,000 (rule 'value')."""
        item = self[indicator]
        if item.rule != "value" or item.lower is None:
            raise KeyError(f"{indicator} is not a single-value benchmark")
        return item.lower

    @property
    def edition(self) -> str:
        editions = sorted({r.edition for r in self.values()})
        return "; ".join(editions)


def verdict(value: pl.Expr, item: Range, local: pl.Expr | None = None) -> pl.Expr:
    """below / within / above for a value against one range; null where the value is null."""
    if item.rule == "range":
        out = (
            pl.when(value < item.lower)
            .then(pl.lit("below"))
            .when(value > item.upper)
            .then(pl.lit("above"))
            .otherwise(pl.lit("within"))
        )
    elif item.rule == "floor":
        out = pl.when(value < item.lower).then(pl.lit("below")).otherwise(pl.lit("within"))
    elif item.rule == "local_share":
        if local is None:
            raise ValueError(f"{item.indicator} is judged against a local share; pass it")
        out = (
            pl.when(local.is_null())
            .then(pl.lit(None, dtype=pl.String))
            .when(value < local)
            .then(pl.lit("below"))
            .otherwise(pl.lit("within"))
        )
    else:
        return pl.lit(None, dtype=pl.String)
    return pl.when(value.is_null() | value.is_nan()).then(pl.lit(None, dtype=pl.String)).otherwise(out)
