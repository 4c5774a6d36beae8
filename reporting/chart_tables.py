"""A chart's figures as a table, a click away beside it: the accessible alternative screen-reader users ask for, and
what an analyst copies into a paper.

Built from the chart itself (each point's hover words, which carry its value, interval, counts and verdict with its
certainty), so the table can never say other than the chart does.
"""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import plotly.graph_objects as go

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Hover words as plain text: line breaks as "; ", Plotly's HTML tags dropped, escaped names read as typed."""
    return unescape(_TAG.sub("", re.sub(r"<br\s*/?>", "; ", text))).strip()


def figures_table(fig: go.Figure) -> pd.DataFrame:
    """One row per point a hover describes, in the chart's order: the series it belongs to (its key's words, where
    the chart keys it) and what its hover says. Points without words of their own (a range's shading, a label) are
    left out, as are repeats."""
    rows: list[tuple[str, str]] = []
    for trace in fig.data:
        words = getattr(trace, "hovertext", None)
        if words is None or getattr(trace, "hoverinfo", None) == "skip":
            continue
        series = plain(trace.name or "") if trace.showlegend is not False else ""
        for said in [words] if isinstance(words, str) else list(words):
            if said:
                rows.append((series, plain(str(said))))
    unique = list(dict.fromkeys(rows))
    table = pd.DataFrame(unique, columns=["Series", "Figures"])
    return table if table["Series"].ne("").any() else table.drop(columns="Series")
