"""Who the victims/survivors are: racially minoritised victims against the local population, and how many MARACs meet each range.

SafeLives expects racially minoritised victims/survivors in line with the local population share
not White British; the scatter sets each MARAC against its own population, so the line of parity
is the expectation. The summary is the Pan-London review's "% of boroughs meeting each range".
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
import polars as pl

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting.charts import framed, key_above
from reporting.numbers import pair_beside_verdict
from reporting.theme import INK, RANGE_FILL
from reporting.verdicts import VERDICT_STYLE, Verdict
from reporting.verdicts import label as verdict_label
from reporting.verdicts import of_frame as verdicts_of

#: marker shapes beside colour, so a verdict never rests on colour alone
VERDICT_SYMBOLS = {"below": "triangle-down", "within": "circle", "above": "triangle-up", None: "circle-open"}


#: names printed beside the points furthest from parity; the rest show theirs on hover (32 names would overlap)
NAMED = 8
#: the comparison the scatter draws: each MARAC against its own local share (no fixed bounds), for printing the two
#: shares with enough decimals that the verdict between them shows
LOCAL_RULE = Range("racially_minoritised", "local_share", None, None, "", "", "")


def parity_scatter(
    frame: pl.DataFrame,
    *,
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    height: int = 620,
) -> go.Figure:
    """Each MARAC's share of victims/survivors racially minoritised (up) against its local share not White British (across).

    On or above the dashed line of parity is "within" (in line with the local population or
    more); below it, "below". Whiskers are each share's 95% Wilson interval; a click opens the MARAC.
    """
    data = frame.filter(
        pl.col("share_racially_minoritised").is_not_null() & pl.col("local_share_not_white_british").is_not_null()
    )
    x, y = data["local_share_not_white_british"].to_list(), data["share_racially_minoritised"].to_list()
    verdicts = data["racially_minoritised_verdict"].to_list()
    judged = verdicts_of(data, INDICATORS.by_key("racially_minoritised"))
    top = max([*x, *y, 0.1]) * 1.08
    furthest = _spaced(x, y, top)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, top],
            y=[0, top],
            mode="lines",
            name="parity: victims/survivors match the local population",
            line=dict(color=INK, width=1.5, dash="dash"),
            hoverinfo="skip",
        )
    )
    low, high = "share_racially_minoritised_ci95_low", "share_racially_minoritised_ci95_high"
    error = None
    if low in data.columns and high in data.columns:
        error = dict(
            type="data",
            symmetric=False,
            color="#505a5f",
            thickness=1,
            width=2,
            array=[h - v if h is not None else 0 for v, h in zip(y, data[high].to_list(), strict=True)],
            arrayminus=[v - lo if lo is not None else 0 for v, lo in zip(y, data[low].to_list(), strict=True)],
        )
    for verdict in ("below", "within", "above"):
        rows = [i for i, v in enumerate(verdicts) if v == verdict]
        if not rows:
            continue
        part_error = (
            None
            if error is None
            else {
                **error,
                "array": [error["array"][i] for i in rows],
                "arrayminus": [error["arrayminus"][i] for i in rows],
            }
        )
        names = [data["group_name"][i] for i in rows]
        fig.add_trace(
            go.Scatter(
                x=[x[i] for i in rows],
                y=[y[i] for i in rows],
                customdata=[data["group_code"][i] for i in rows],
                hovertext=[_parity_hover(names[n], data.row(i, named=True), judged[i]) for n, i in enumerate(rows)],
                text=[names[n] if i in furthest else "" for n, i in enumerate(rows)],
                mode="markers+text",
                textposition="middle right",
                textfont=dict(size=11, color=INK),
                error_y=part_error,
                name=PARITY_LEGEND.get(verdict, verdict_label(verdict)),
                marker=dict(
                    symbol=VERDICT_SYMBOLS[verdict],
                    size=11,
                    color=VERDICT_STYLE[verdict]["colour"],
                    line=dict(color=INK, width=1),
                ),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    add_meets_region(fig, top)
    fig.update_xaxes(range=[0, top], tickformat=".0%", title="local population share not White British (Census)")
    fig.update_yaxes(range=[0, top], tickformat=".0%", title="victims/survivors racially minoritised")
    fig.update_layout(
        height=height,
        margin=dict(l=80, r=30, t=120, b=100),
        legend=dict(orientation="v", x=0.01, xanchor="left", y=0.99, yanchor="top", bgcolor="rgba(255,255,255,0.9)"),
    )
    return framed(fig, title, subtitle, source, synthetic)


#: the scatter's legend: "at least the local share" is one-sided, so a MARAC meets it or does not
PARITY_LEGEND = {
    "below": f"{Verdict('below', one_sided=True).label}: below their local share",
    "within": f"{Verdict('within', one_sided=True).label}: at or above their local share",
}
#: the key for the region on or above parity
MEETS_KEY = "shaded: meets: at least the local share not White British (on or above the line)"


def add_meets_region(fig: go.Figure, top: float) -> None:
    """Shade where a MARAC meets its local share: on or above the line of parity, up to the plot's top and left
    edges (both axes run from 0 to `top`). "At least the local share" has no upper bound, so, as a floor is drawn
    elsewhere (`reporting.charts.shade_range`), it is an open region, not a band."""
    fig.add_shape(
        type="path",
        path=f"M 0,0 L {top},{top} L 0,{top} Z",
        xref="x",
        yref="y",
        fillcolor=RANGE_FILL,
        line_width=0,
        layer="below",
    )
    key_above(fig, MEETS_KEY)


def _parity_hover(name: str, row: dict[str, object], judged: Verdict) -> str:
    """ "Hackney (▼ below): 60.0% of victims/survivors racially minoritised; local share 66.1%", the two shares
    printed alike so the verdict between them shows."""
    share, local = pair_beside_verdict(
        row["share_racially_minoritised"],
        judged.verdict,
        LOCAL_RULE,
        row["local_share_not_white_british"],
        least=1,
    )
    return f"{escape(name)} ({judged.label}): {share} of victims/survivors racially minoritised; local share {local}"


def _spaced(x: list[float], y: list[float], span: float) -> set[int]:
    """The points furthest from parity, skipping any too close to one already named (their names would overlap)."""
    named: list[int] = []
    for i in sorted(range(len(x)), key=lambda i: abs(y[i] - x[i]), reverse=True):
        if all(abs(x[i] - x[j]) > span * 0.12 or abs(y[i] - y[j]) > span * 0.04 for j in named):
            named.append(i)
        if len(named) == NAMED:
            break
    return set(named)


#: the summary's legend: its rows mix two-sided ranges (within) with one-sided ones (2.5% or above: met or not)
MEETING_LEGEND = {
    "below": f"{verdict_label('below')} the expected range, or does not meet a minimum",
    "within": f"{verdict_label('within')} the expected range, or meets a minimum",
    "above": f"{verdict_label('above')} the expected range",
}


def meeting_ranges(
    summary: pl.DataFrame, *, title: str, subtitle: str, source: str, synthetic: bool = False
) -> go.Figure:
    """For each indicator, the share of MARACs below, within and above its range (`metrics.summary.range_summary`)."""
    data = summary.filter(pl.col("maracs_with_figure") > 0)
    labels = data["label"].to_list()
    fig = go.Figure()
    for verdict in ("below", "within", "above"):
        counts = data[verdict].to_list()
        shares = [c / n for c, n in zip(counts, data["maracs_with_figure"].to_list(), strict=True)]
        fig.add_trace(
            go.Bar(
                x=shares,
                y=labels,
                orientation="h",
                name=MEETING_LEGEND[verdict],
                marker=dict(color=VERDICT_STYLE[verdict]["colour"], line=dict(color="#ffffff", width=1)),
                text=[f"{c} ({s:.0%})" if c else "" for c, s in zip(counts, shares, strict=True)],
                textposition="inside",
                insidetextanchor="middle",
                textfont=dict(color="#ffffff", size=12),
                hovertext=[
                    f"{label}: {c} ({s:.0%}) of MARACs {verdict}"
                    + (f", {b} of them clearly" if verdict == "within" and b is not None and b != c else "")
                    for label, c, s, b in zip(
                        labels,
                        counts,
                        shares,
                        data["within_backed"] if "within_backed" in data.columns else [None] * len(labels),
                        strict=True,
                    )
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="share of MARACs with figures")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    fig.update_layout(
        barmode="stack",
        height=120 + 48 * max(len(labels), 1) + 100,
        bargap=0.3,
        margin=dict(l=290, r=30, t=120, b=100),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, traceorder="normal"),
    )
    return framed(fig, title, subtitle, source, synthetic)
