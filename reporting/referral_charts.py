"""Who refers cases to each MARAC: 100% stacked bars by sector, and the police share's change on a year earlier.

SafeLives expects the police to make 60–75% of referrals and to be the top referrer; a MARAC
relying on the police alone misses victims/survivors known to health, housing or children's
services. The police segment starts every bar, so where it ends reads against the range lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import plotly.graph_objects as go
import polars as pl

from metrics.ranges import Range
from reporting import referral_gaps
from reporting.charts import framed, key_above, shade_range
from reporting.equality_charts import VERDICT_SYMBOLS
from reporting.numbers import percent_beside_verdict
from reporting.theme import INK, MUTED, SERIES, text_colour
from reporting.verdicts import VERDICT_STYLE, Verdict

#: one colour per sector, in the sectors' order: the house series (Okabe-Ito hues, each 3:1 or more on white, grey last
#: for the remainder); segments are parted by white lines, and every share is in its hover and the "Every agency" tab
SECTOR_COLOURS = SERIES
LABEL_FROM = 0.07  # segments at least this wide print their share inside


def sector_bars(
    shares: pl.DataFrame,
    police: Range,
    *,
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    height: int | None = None,
    verdicts: Mapping[str, Verdict] | None = None,
) -> go.Figure:
    """One 100% bar per MARAC (highest police share at the top), a segment per sector in the sectors' order.

    `shares` is `metrics.referrals.sector_shares` output (group_code, group_name, sector, referrals, share);
    groups whose shares are all missing (no returns) are left out. The shares are of recorded referrals: `verdicts`
    (group code to police `Verdict`, `reporting.referral_gaps.by_group`) lets a bar whose recorded referrals fall
    short of its cases say so under its name and in its hover ("no source for 40 of 80 cases"). Names are escaped:
    Plotly reads a subset of HTML in category labels and hovers, and a MARAC's name is the registry's, not ours.
    """
    data = _escaped(shares.filter(pl.col("share").is_not_null()))
    gaps = {code: referral_gaps.words(v) for code, v in (verdicts or {}).items()}
    sectors = data["sector"].unique(maintain_order=True).to_list()
    police_first = data.filter(pl.col("sector") == sectors[0]) if sectors else data
    order = police_first.sort("share")["group_name"].to_list()  # plotly draws the first category at the bottom
    codes = dict(zip(police_first["group_name"], police_first["group_code"], strict=True))
    fig = go.Figure()
    for i, sector in enumerate(sectors):
        part = data.filter(pl.col("sector") == sector)
        colour = SECTOR_COLOURS[i % len(SECTOR_COLOURS)]
        shares_ = part["share"].to_list()
        fig.add_trace(
            go.Bar(
                x=shares_,
                y=part["group_name"].to_list(),
                customdata=part["group_code"].to_list(),
                orientation="h",
                name=sector,
                marker=dict(color=colour, line=dict(color="#ffffff", width=1)),
                text=[f"{s:.0%}" if s >= LABEL_FROM else "" for s in shares_],
                textposition="inside",
                insidetextanchor="middle",
                textfont=dict(color=text_colour(colour), size=12),
                hovertext=[
                    f"{name}: {escape(sector)} {s:.1%} of recorded referrals"
                    + (f" ({gaps[code]})" if gaps.get(code) else "")
                    for name, code, s in zip(part["group_name"], part["group_code"], shares_, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    ticks = [f"{name}<br><sub>{gaps[codes[name]]}</sub>" if gaps.get(codes[name]) else name for name in order]
    low, high = police.bounds()
    if low is not None and high is not None:
        for bound in (low, high):  # a white line under the dashes, so they show on the dark segments too
            fig.add_vline(x=bound, line=dict(color="#ffffff", width=4), layer="above")
            fig.add_vline(x=bound, line=dict(color=INK, width=2, dash="dash"), layer="above")
        fig.add_annotation(
            text=f"dashed: police expected to make {police.describe()} of referrals (where the first segment ends)",
            xref="paper",
            yref="paper",
            x=1,
            y=1.0,
            yanchor="bottom",
            xanchor="right",
            showarrow=False,
            font=dict(size=12, color=MUTED),
        )
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title="share of referrals")
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    if ticks != order:  # a bar short of its cases says so under its name
        fig.update_yaxes(tickmode="array", tickvals=order, ticktext=ticks)
    fig.update_layout(
        barmode="stack",
        height=height or max(320, 26 * len(order) + 240),
        bargap=0.2,
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1.0, yanchor="top", traceorder="normal"),
        margin=dict(l=200, r=30, t=120, b=100),
    )
    return framed(fig, title, subtitle, source, synthetic)


def _escaped(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its MARAC names HTML-escaped, so a name like "<b>x</b>" reads as typed on an axis and in a hover."""
    return frame.with_columns(pl.col("group_name").map_elements(escape, return_dtype=pl.String))


def police_change(
    change: pl.DataFrame,
    verdicts: dict[str, Verdict],
    police: Range,
    *,
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
) -> go.Figure:
    """Each MARAC's police share a year earlier (open circle) and now (filled, in its verdict's colour and shape).

    A change the 95% interval supports is drawn solid and labelled in bold; one chance could explain is dotted.
    `change` is `metrics.referrals.referral_change` output; `verdicts` maps group codes to the current police verdict (a `Verdict`, so its certainty shows on hover).
    """
    # names escaped once, here: Plotly reads a subset of HTML in category labels and in hovers ("%{y}")
    data = _escaped(change.filter(pl.col("police_share").is_not_null()).sort("police_share"))
    fig = go.Figure()
    shaded = shade_range(fig, police, across=True, end=1.12)  # the one way every chart draws a range
    if shaded:
        key_above(fig, shaded)
    for row in data.iter_rows(named=True):
        then, now, name = row["police_share_previous"], row["police_share"], row["group_name"]
        sure = bool(row["police_share_change_significant"])
        if then is not None:
            fig.add_trace(
                go.Scatter(
                    x=[then, now],
                    y=[name, name],
                    mode="lines",
                    showlegend=False,
                    hoverinfo="skip",
                    line=dict(
                        color=INK if sure else MUTED, width=2.5 if sure else 1.2, dash="solid" if sure else "dot"
                    ),
                )
            )
    judged = [verdicts.get(c, Verdict(None)) for c in data["group_code"].to_list()]
    verdict = [j.verdict for j in judged]
    fig.add_trace(
        go.Scatter(
            x=data["police_share_previous"].to_list(),
            y=data["group_name"].to_list(),
            mode="markers",
            name="a year earlier",
            marker=dict(symbol="circle-open", size=10, color=MUTED, line=dict(width=2)),
            hovertemplate="%{y}: %{x:.1%} a year earlier<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=data["police_share"].to_list(),
            y=data["group_name"].to_list(),
            customdata=data["group_code"].to_list(),
            mode="markers+text",
            name="now",
            text=[_change_text(r) for r in data.iter_rows(named=True)],
            textposition="middle right",
            marker=dict(
                symbol=[VERDICT_SYMBOLS.get(v, "circle") for v in verdict],
                size=13,
                color=[VERDICT_STYLE[v]["colour"] if v else MUTED for v in verdict],
                line=dict(color=INK, width=1),
            ),
            hovertext=[
                f"{name}: {percent_beside_verdict(share, j.verdict, police, None, 1)} now, {j.phrase}"
                for name, share, j in zip(data["group_name"], data["police_share"], judged, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1.12], title="police share of referrals")
    fig.update_layout(height=max(320, 26 * data.height + 220), margin=dict(l=200, r=40, t=120, b=100))
    return framed(fig, title, subtitle, source, synthetic)


def _change_text(row: dict[str, object]) -> str:
    change = row.get("police_share_change")
    if change is None:
        return "  no figure a year earlier"
    points = f"{change * 100:+.1f} points"
    return f"  <b>{points}</b>" if row.get("police_share_change_significant") else f"  {points} (could be chance)"
