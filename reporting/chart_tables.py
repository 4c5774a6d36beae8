"""A chart's figures as a table, a click away beside it: the accessible alternative screen-reader users ask for, and
what an analyst copies into a paper.

Built from the chart itself (each point's hover words, which carry its value, interval, counts and verdict with its
certainty), so the table can never say other than the chart does.
"""

from __future__ import annotations

import math
import re
from html import unescape

import pandas as pd
import plotly.graph_objects as go

#: what the fold under every chart on a page says
AS_TABLE = "The chart's figures as a table"
#: what it says for a chart whose points carry no words (none does today: a guard, not a state a page reaches)
NO_TABLE = "This chart's figures are in the table beside it on this page."

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Hover words as plain text: line breaks as "; ", Plotly's HTML tags dropped, escaped names read as typed."""
    return unescape(_TAG.sub("", re.sub(r"<br\s*/?>", "; ", text))).strip()


_FIELD = re.compile(r"%\{(\w+)(?:\[(\d+)\])?(?::([^}]*))?\}")


def _listed(value: object) -> bool:
    """Whether a trace's field holds a value per point (a list, tuple or array), not one for every point."""
    return value is not None and not isinstance(value, str | bytes) and hasattr(value, "__len__")


def _points(trace: object) -> list[str]:
    """What a trace's hover says at each of its points: its own words (`hovertext`), or its `hovertemplate` filled in
    as Plotly fills it (`%{x}`, `%{y:.1%}`, `%{customdata[0]}`); a point with no figure (a gap in a line) says
    nothing."""
    words = getattr(trace, "hovertext", None)
    template = getattr(trace, "hovertemplate", None)
    if words is not None and (template is None or "%{hovertext}" in template):
        return [str(w) for w in ([words] if isinstance(words, str) else words) if w]
    if not isinstance(template, str):
        return []
    template = template.replace("<extra></extra>", "")
    count = max((len(v) for v in (trace.x, trace.y) if _listed(v)), default=1)
    said = []
    for i in range(count):

        def fill(match: re.Match[str], i: int = i) -> str:
            field, index, form = match.groups()
            values = getattr(trace, field, None)
            value = values[i] if _listed(values) and i < len(values) else values
            if index is not None and _listed(value):
                value = value[int(index)]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                raise LookupError(field)
            return format(value, form) if form else str(value)

        try:
            said.append(_FIELD.sub(fill, template))
        except (LookupError, ValueError, TypeError):  # a gap, or a value its format does not fit: no row
            continue
    return said


def figures_table(fig: go.Figure) -> pd.DataFrame:
    """One row per point a hover describes, in the chart's order: the series it belongs to (its key's words, where
    the chart keys it) and what its hover says. Points without words of their own (a range's shading, a label) are
    left out, as are repeats."""
    rows: list[tuple[str, str]] = []
    for trace in fig.data:
        if getattr(trace, "hoverinfo", None) == "skip":
            continue
        series = plain(trace.name or "") if trace.showlegend is not False else ""
        rows += [(series, plain(said)) for said in _points(trace)]
    unique = list(dict.fromkeys(rows))
    table = pd.DataFrame(unique, columns=["Series", "Figures"])
    return table if table["Series"].ne("").any() else table.drop(columns="Series")
