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
from reporting.numbers import count, percent, percent_beside_verdict
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


#: a change's label starts this far (in share) beyond the further of its two points, clear of both markers (13px
#: wide at most, 0.04 is 14px or more on any plot 350px or wider across the 0-100% axis) and of the line between them
LABEL_GAP = 0.04
#: room kept right of the furthest label's start for its words ("+15.0 points (could be chance)")
LABEL_ROOM = 0.38
#: "now" is a filled diamond: no verdict's symbol (`VERDICT_SYMBOLS`), so it is not read as one; its colour is the verdict's
NOW_SYMBOL = "diamond"


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
    """Each MARAC's police share a year earlier (open circle) and now (a filled diamond in its verdict's colour).

    A change the 95% interval supports is drawn solid and wider and labelled in bold; one chance could explain is
    dotted. Each label starts beyond the further right of the two points, so no marker or line covers its sign and
    no line strikes it through. `change` is `metrics.referrals.referral_change` output; `verdicts` maps group codes
    to the current police verdict (a `Verdict`, so its certainty shows on hover).
    """
    # names escaped once, here: Plotly reads a subset of HTML in category labels and in hovers
    data = _escaped(change.filter(pl.col("police_share").is_not_null()).sort("police_share"))
    rows = list(data.iter_rows(named=True))
    names = data["group_name"].to_list()
    fig = go.Figure()
    ends = [_label_x(r) for r in rows]
    end = max([1.0, *(x + LABEL_ROOM for x in ends)])
    shaded = shade_range(fig, police, across=True, end=end)  # the one way every chart draws a range
    if shaded:
        key_above(fig, shaded)
    for row in rows:
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
                    line=dict(color=INK if sure else MUTED, width=3 if sure else 1.2, dash="solid" if sure else "dot"),
                )
            )
    for sure in (True, False):  # bold for a change beyond chance; each label clear of its points (`_label_x`)
        picked = [i for i, r in enumerate(rows) if bool(r["police_share_change_significant"]) is sure]
        if picked:
            fig.add_trace(
                go.Scatter(
                    x=[ends[i] for i in picked],
                    y=[names[i] for i in picked],
                    mode="text",
                    text=[_change_text(rows[i]) for i in picked],
                    textposition="middle right",
                    textfont=dict(color=INK, size=13 if sure else 12, weight="bold" if sure else "normal"),
                    cliponaxis=False,
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    judged = [verdicts.get(c, Verdict(None)) for c in data["group_code"].to_list()]
    verdict = [j.verdict for j in judged]
    fig.add_trace(  # the key's "now" in grey: the first MARAC's verdict colour there would read as every MARAC's
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="now (in its verdict's colour, named beside the MARAC)",
            marker=dict(symbol=NOW_SYMBOL, size=13, color=MUTED, line=dict(color=INK, width=1)),
            hoverinfo="skip",
            legendrank=2,  # after "a year earlier" in the key
        )
    )
    fig.add_trace(
        go.Scatter(
            x=data["police_share_previous"].to_list(),
            y=names,
            mode="markers",
            name="a year earlier",
            legendrank=1,
            marker=dict(symbol="circle-open", size=10, color=MUTED, line=dict(width=2)),
            hovertext=[
                f"{r['group_name']}: {percent(r['police_share_previous'], 1)} a year earlier"
                + _of_referrals(r, "_previous")
                for r in rows
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=data["police_share"].to_list(),
            y=names,
            customdata=data["group_code"].to_list(),
            mode="markers",
            name="now",
            showlegend=False,
            marker=dict(
                symbol=NOW_SYMBOL,
                size=13,
                color=[VERDICT_STYLE[v]["colour"] if v else MUTED for v in verdict],
                line=dict(color=INK, width=1),
            ),
            hovertext=[
                f"{r['group_name']}: {percent_beside_verdict(r['police_share'], j.verdict, police, None, 1)} now"
                + f"{_of_referrals(r, '')}, {j.phrase}"
                for r, j in zip(rows, judged, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_xaxes(
        tickformat=".0%",
        tickvals=[i / 5 for i in range(6)],  # 0-100%: the room to the right holds the labels, not shares
        range=[0, end],
        title="police share of referrals",
    )
    # lowest share at the bottom, lines drawn or not; each name carries its verdict's symbol and words, so the verdict
    # is never told by the marker's colour alone
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=names,
        tickmode="array",
        tickvals=names,
        ticktext=[f"{n}  {j.compact}" if j.verdict else n for n, j in zip(names, judged, strict=True)],
    )
    fig.update_layout(height=max(320, 26 * data.height + 220), margin=dict(l=200, r=40, t=120, b=100))
    return framed(fig, title, subtitle, source, synthetic)


def _label_x(row: dict[str, object]) -> float:
    """Where a change's label starts: `LABEL_GAP` beyond whichever of the two points is further right."""
    shares = [s for s in (row.get("police_share"), row.get("police_share_previous")) if isinstance(s, int | float)]
    return max(shares) + LABEL_GAP


def _of_referrals(row: dict[str, object], year: str) -> str:
    """ "(438 of 674 recorded referrals)" for a hover, counts as whole numbers; "" where the frame has no counts."""
    police, total = row.get(f"referrals_police{year}"), row.get(f"referrals_total{year}")
    if not isinstance(police, int | float) or not isinstance(total, int | float):
        return ""
    return f" ({count(police)} of {count(total)} recorded referrals)"


def _change_text(row: dict[str, object]) -> str:
    """ "-2.6 points", "+15.0 points": the sign always first, as `reporting.numbers` prints every change in points."""
    change = row.get("police_share_change")
    if change is None:
        return "no figure a year earlier"
    points = f"{change * 100:+.1f} points"  # type: ignore[operator]
    return points if row.get("police_share_change_significant") else f"{points} (could be chance)"
