"""Trend lines for several MARACs and groups at once: rolling 12 months, each quarter, and what was going on.

One quarter's figure jumps about, so the line to read is the rolling 12 months (which is also
how SafeLives publishes its national figures). England is drawn beside it on the MARACs' own
population base (recomputed from SafeLives' force figures), with SafeLives' published figure on its
own base dotted beside that, each named with its base; each quarter's own figure is a faint dotted
line behind the MARAC's. The 2020–21 COVID-19 lockdowns are shaded, since
they moved referrals everywhere and would otherwise read as a local change.
"""

from __future__ import annotations

from datetime import date
from html import escape

import plotly.graph_objects as go
import polars as pl

from metrics.definitions import Indicator
from metrics.periods import quarter_end, quarter_label, quarter_of
from metrics.ranges import Range
from reporting import rolling_coverage
from reporting.charts import add_range_band, framed, tick_format
from reporting.coverage_words import Coverage
from reporting.national_marks import add_national
from reporting.theme import MUTED, SERIES

SHOW = {"both": "Both", "rolling": "12 months", "quarterly": "Quarters"}
#: what the lines drawn are, by the trends page's Lines choice (a `SHOW` key), said under the chart
LINES_SAID = {
    "rolling": "Lines: the 12 months to the end of each quarter (how SafeLives publishes its national figures); "
    "choose Quarters or Both under Lines for each quarter on its own.",
    "quarterly": "Lines: each quarter on its own, annualised for volume.",
    "both": "Thick lines: the 12 months to the end of each quarter (how SafeLives publishes its national figures). "
    "Dotted: each quarter on its own, annualised for volume.",
}
EVENT_FILL = "rgba(80, 90, 95, 0.10)"


def event_position(day: date, labels: list[str]) -> float:
    """Where a day falls on a quarter axis: its quarter's position plus how far into it (a quarter spans −0.5 to +0.5),
    held to the axis's ends when the day lies before the first quarter shown or after the last."""
    quarters = [_quarter_start(label) for label in labels]
    start = quarter_of(day)
    if start < quarters[0]:
        return -0.5
    if start > quarters[-1]:
        return len(labels) - 0.5
    length = (quarter_end(start) - start).days + 1
    return quarters.index(start) - 0.5 + (day - start).days / length


def _quarter_start(label: str) -> date:
    """'2020-21 Q1' -> 2020-04-01 (the inverse of quarter_label)."""
    year, number = int(label[:4]), int(label[-1])
    month = 3 * number + 1
    return date(year + (month > 12), (month - 1) % 12 + 1, 1)


def shaded_events(events: pl.DataFrame) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(outer events, shaded; events lying inside another, marked as strips): the 2020–21 period, and its three lockdowns."""
    rows = events.to_dicts() if events is not None and not events.is_empty() else []
    inner = [r for r in rows if any(o is not r and o["start"] <= r["start"] and r["end"] <= o["end"] for o in rows)]
    return [r for r in rows if r not in inner], inner


def _hover(text: str, frame: pl.DataFrame, column: str, covered: dict[date, Coverage]) -> dict[str, object]:
    """A trace's hover: `text`, and after it what each point rests on ("2 of 4 quarters returned") wherever a point
    rests on fewer quarters than its window; the plain hover, unchanged, when every point is complete."""
    words = [
        covered[q].short if q in covered and value is not None else ""
        for q, value in zip(frame["quarter_start"].to_list(), frame[column].to_list(), strict=True)
    ]
    if not any(words):
        return {"hovertemplate": f"{text}<extra></extra>"}
    return {
        "customdata": [f" ({w})" if w else "" for w in words],
        "hovertemplate": f"{text}%{{customdata}}<extra></extra>",
    }


def trend_lines(
    series: dict[str, pl.DataFrame],
    indicator: Indicator,
    item: Range,
    *,
    title: str,
    subtitle: str,
    source: str,
    show: str = "both",
    synthetic: bool = False,
    national: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    last: date | None = None,
) -> go.Figure:
    """Each named series (rows per quarter with `<value>` and `<value>_12m`) as lines, up to the quarter of `last`.

    Shaded: the expected range (across) and the lockdowns (down, each lockdown a darker strip along the foot).
    """
    fig = go.Figure()
    frames = {
        name: (frame.filter(pl.col("quarter_start") <= quarter_of(last)) if last else frame).sort("quarter_start")
        for name, frame in series.items()
    }
    labels = sorted({quarter_label(q) for frame in frames.values() for q in frame["quarter_start"].to_list()})
    rolling, each = f"{indicator.value}_12m", indicator.value
    for i, (name, frame) in enumerate(frames.items()):
        colour = SERIES[i % len(SERIES)]
        x = [quarter_label(q) for q in frame["quarter_start"].to_list()]
        if show in ("both", "quarterly") and each in frame.columns:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=frame[each].to_list(),
                    mode="lines+markers",
                    name=f"{escape(name)}, each quarter",  # a legend reads HTML too
                    legendgroup=name,
                    line=dict(color=colour, width=1.2, dash="dot"),
                    marker=dict(size=5, color=colour),
                    opacity=0.75 if show == "both" else 1.0,
                    **_hover(f"{escape(name)}, %{{x}}: %{{y:.1%}}", frame, each, rolling_coverage.each_quarter(frame)),
                )
            )
        if show in ("both", "rolling") and rolling in frame.columns:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=frame[rolling].to_list(),
                    mode="lines",
                    name=f"{escape(name)}, 12 months",
                    legendgroup=name,
                    line=dict(color=colour, width=3),
                    connectgaps=False,
                    **_hover(
                        f"{escape(name)}, 12 months to the end of %{{x}}: %{{y:.1%}}",  # a name as typed
                        frame,
                        rolling,
                        rolling_coverage.by_quarter(frame),
                    ),
                )
            )
    add_national(fig, national, indicator, labels)
    add_range_band(fig, item)
    outer, inner = shaded_events(events)
    if labels:
        first, last_day = _quarter_start(labels[0]), quarter_end(_quarter_start(labels[-1]))
        outer = [
            e for e in outer if e["end"] >= first and e["start"] <= last_day
        ]  # only what the axis shows, cut to it
        inner = [e for e in inner if e["end"] >= first and e["start"] <= last_day]
    for event in outer:
        x0, x1 = event_position(event["start"], labels), event_position(event["end"], labels)
        fig.add_vrect(x0=x0, x1=x1, fillcolor=EVENT_FILL, line_width=0, layer="below")
        fig.add_annotation(
            x=(x0 + x1) / 2,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"shaded: {event['label']}",
            font=dict(size=12, color=MUTED),
        )
    for event in inner:
        fig.add_shape(
            type="rect",
            x0=event_position(event["start"], labels),
            x1=event_position(event["end"], labels),
            y0=0,
            y1=0.025,
            xref="x",
            yref="paper",
            fillcolor=MUTED,
            line_width=0,
        )
    values = [v for trace in fig.data for v in (trace.y or []) if v is not None]
    fig.update_yaxes(tickformat=tick_format(values), title=indicator.label, rangemode="tozero")
    fig.update_xaxes(
        tickangle=-45,
        categoryorder="array",
        categoryarray=labels,
        tickmode="array",
        tickvals=labels[::-2][::-1],
        range=[-0.5, len(labels) - 0.5],
    )
    fig.update_layout(
        height=560,
        margin=dict(t=120, b=140, r=20),
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1.0, yanchor="top", font=dict(size=12)),
    )
    if inner:
        fig.add_annotation(
            text="dark strips along the foot: " + "; ".join(str(e["label"]) for e in inner),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-118,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            font=dict(size=11, color=MUTED),
        )
    return framed(fig, title, subtitle, source, synthetic)
