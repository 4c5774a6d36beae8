"""The region's data-quality views as tables: submission grid, recording completeness, outliers.

Each cell says its state in words or a symbol as well as a fill, so the grid reads on a
projector and in a black-and-white board paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import pandas as pd
import polars as pl

from metrics.quality import MISSING, NIL, OUTLIER_Z, REPLACED, SUBMITTED

#: a nil return ("no meetings this quarter") is returned, with 0 cases: its own word, never mistaken for missing
STATUS_WORDS = {SUBMITTED: "✓ submitted", MISSING: "✗ missing", REPLACED: "↻ replaced", NIL: "○ nil return"}
#: what each symbol means, for the grid's legend (the page and a download's notes)
STATUS_LEGEND = (
    '"✓ submitted": one version held. "↻ replaced": a later version took the first one\'s place, dated when the '
    'version held now went in; every earlier version is kept (History tab). "○ nil return": the MARAC returned that it '
    'held no meetings in the quarter, which counts as returned with 0 cases. "✗ missing": no return held, so the '
    "quarter counts nothing."
)
STATUS_FILL = {MISSING: "#f6d3d3", REPLACED: "#fde9b5"}
ALWAYS_ZERO = "always 0"


def submission_table(grid: pl.DataFrame) -> pd.DataFrame:
    """MARACs down the side, quarters across; a replaced quarter says when its current version went in."""
    cells = grid.with_columns(
        pl.when(pl.col("status") == REPLACED)
        .then(pl.lit(STATUS_WORDS[REPLACED] + " ") + pl.col("loaded_at").dt.strftime("%d %b %Y"))
        .otherwise(pl.col("status").replace_strict(STATUS_WORDS))
        .alias("cell")
    )
    quarters = cells.sort("quarter_start")["quarter"].unique(maintain_order=True).to_list()
    wide = cells.pivot(on="quarter", index="marac_name", values="cell", aggregate_function="first").sort("marac_name")
    return wide.select("marac_name", *quarters).rename({"marac_name": "MARAC"}).to_pandas()


def submission_counts(grid: pl.DataFrame) -> dict[str, int]:
    counts = dict(grid.group_by("status").len().iter_rows())
    return {s: int(counts.get(s, 0)) for s in (SUBMITTED, REPLACED, NIL, MISSING)}


def completeness_table(frame: pl.DataFrame) -> pd.DataFrame:
    """Per MARAC, each field's share of meetings with anything recorded; "always 0" where it never is."""
    cells = frame.with_columns(
        pl.when(pl.col("meetings") == 0)
        .then(pl.lit("no meetings"))
        .otherwise((pl.col("share_recorded") * 100).round(0).cast(pl.Int64).cast(pl.String) + pl.lit("%"))
        .alias("cell")
    ).with_columns(
        pl.when(pl.col("always_zero"))
        .then(pl.lit(f"⚠ {ALWAYS_ZERO} in ") + pl.col("meetings").cast(pl.String) + pl.lit(" meetings"))
        .otherwise(pl.col("cell"))
        .alias("cell")
    )
    fields = frame["field_label"].unique(maintain_order=True).to_list()
    wide = cells.pivot(on="field_label", index=["marac_name", "meetings"], values="cell", aggregate_function="first")
    return (
        wide.select("marac_name", "meetings", *fields)
        .sort("marac_name")
        .rename({"marac_name": "MARAC", "meetings": "Meetings"})
        .to_pandas()
    )


def completeness_summary(frame: pl.DataFrame) -> pd.DataFrame:
    """Per field, across the area: MARACs recording it at least once, and meetings recording it."""
    held = frame.filter(pl.col("meetings") > 0)
    summary = held.group_by("field_label", maintain_order=True).agg(
        (~pl.col("always_zero")).sum().alias("recording"),
        pl.len().alias("maracs"),
        pl.col("meetings_recorded").sum().alias("recorded"),
        pl.col("meetings").sum().alias("meetings"),
    )
    return pd.DataFrame(
        {
            "Victims/survivors": summary["field_label"].to_list(),
            "MARACs recording any": [f"{r} of {m}" for r, m in summary.select("recording", "maracs").iter_rows()],
            "Meetings with any recorded": [
                f"{r / m:.0%}" if m else "–" for r, m in summary.select("recorded", "meetings").iter_rows()
            ],
        }
    )


def outlier_table(frame: pl.DataFrame) -> pd.DataFrame:
    """Quarters to check, newest first: the figure, the MARAC's usual level and how far off it is."""
    out = pd.DataFrame(
        {
            "MARAC": frame["marac_name"].to_list(),
            "Quarter": frame["quarter"].to_list(),
            "Measure": frame["measure"].to_list(),
            "Direction": ["higher than usual" if z > 0 else "lower than usual" for z in frame["robust_z"].to_list()],
        }
    )
    out["This quarter"] = [f"{v:g}" for v in frame["value"].to_list()]
    out["Usual (median)"] = [f"{v:g}" for v in frame["median"].to_list()]
    out["Robust z"] = [f"{z:+.1f}" for z in frame["robust_z"].to_list()]
    out["Quarters of history"] = frame["quarters_of_history"].to_list()
    return out


OUTLIER_NOTE = (
    f"A quarter is listed when its robust z-score is beyond ±{OUTLIER_Z:g}: 0.6745 × (value − the MARAC's median "
    "quarter) ÷ the median absolute deviation (Iglewicz and Hoaglin). Each MARAC is compared with its own "
    "history up to the period's end, so a large MARAC is not an outlier for being large. A listed quarter is "
    "not wrong: it is worth checking for a missing or doubled meeting, or a typing slip."
)


class _Change(Protocol):
    at: datetime
    by: str
    kind: str
    file_name: str
    message: str


#: what each kind of set-up change is called in a table
CHANGE_KINDS = {"registry": "Registry", "layout": "Tile layout", "boundaries": "Boundaries", "users": "Users"}


def set_up_change_table(changes: Sequence[_Change]) -> pd.DataFrame:
    """Accepted changes to what a partnership has set up (`loaders.history.set_up_changes`), newest first: when, who
    (the signed-in identity, or on the command line its --who), what and from which file."""
    return pd.DataFrame(
        {
            "When (UTC)": [c.at.strftime("%d %b %Y %H:%M") for c in changes],
            "By": [c.by or "unknown" for c in changes],
            "What": [CHANGE_KINDS.get(c.kind, c.kind) for c in changes],
            "File": [c.file_name for c in changes],
            "Change": [c.message for c in changes],
        }
    )
