"""Plotly figure builders: pure functions of metric frames, shared by pages and (later) exports.

Each figure carries its own title, subtitle, source line and, for demo data, a visible
synthetic mark, so a chart pasted into a board paper still says what it is.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.theme import MUTED, RANGE_FILL, SERIES, SYNTHETIC_NOTE, TEMPLATE, VERDICT_STYLE, verdict_label
from metrics.indicators import Indicator
from metrics.periods import quarter_label
from metrics.ranges import Range


def _frame_text(fig: go.Figure, title: str, subtitle: str, source: str, synthetic: bool) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=dict(text=f"{title}<br><sup>{subtitle}</sup>"))
    bottom = fig.layout.margin.b or 60
    fig.add_annotation(text=source, xref="paper", yref="paper", x=0, y=0, yshift=-(bottom - 18), showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(size=11, color=MUTED))
    if synthetic:
        fig.add_annotation(text=SYNTHETIC_NOTE.upper(), xref="paper", yref="paper", x=1, y=1, yshift=58, showarrow=False,
                           xanchor="right", yanchor="bottom", font=dict(size=12, color="#b10e1e"),
                           bordercolor="#b10e1e", borderwidth=1)
    return fig


def source_line(range_edition: str, base_label: str) -> str:
    return f"Source: MARAC quarterly returns; SafeLives ranges ({range_edition}); population: {base_label}."


def _band_bounds(item: Range) -> tuple[float | None, float | None]:
    if item.rule == "range":
        return item.lower, item.upper
    if item.rule == "floor":
        return item.lower, None
    return None, None


def ranked_bars(frame: pl.DataFrame, indicator: Indicator, item: Range, *, subtitle: str, source: str,
                synthetic: bool = False, highlight: str | None = None) -> go.Figure:
    """Groups ranked by one indicator, coloured and labelled by verdict, with the expected range shaded."""
    data = frame.filter(pl.col(indicator.value).is_not_null()).sort(indicator.value)
    values = data[indicator.value].to_list()
    names = data["group_name"].to_list()
    verdicts = data[indicator.verdict].to_list() if indicator.verdict else [None] * len(values)
    colours = [VERDICT_STYLE[v]["colour"] if indicator.verdict else SERIES[0] for v in verdicts]
    widths = [3 if code == highlight else 0 for code in data["group_code"].to_list()]
    text = [f"{v:.0%} {verdict_label(d) if indicator.verdict else ''}".strip() for v, d in zip(values, verdicts, strict=True)]
    fig = go.Figure(go.Bar(
        x=values, y=names, orientation="h", marker=dict(color=colours, line=dict(color="#0b0c0c", width=widths)),
        text=text, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1%}<extra></extra>", name=indicator.label,
    ))
    low, high = _band_bounds(item)
    if low is not None:
        fig.add_vrect(x0=low, x1=high if high is not None else max([*values, low]) * 1.15, fillcolor=RANGE_FILL, layer="below",
                      line_width=0)
        fig.add_annotation(text=f"shaded: expected {item.describe()}", xref="paper", yref="paper", x=1, y=1.0,
                           yanchor="bottom", xanchor="right", showarrow=False, font=dict(size=12, color=MUTED))
    if indicator.key == "racially_minoritised" and "local_share_not_white_british" in data.columns:
        fig.add_trace(go.Scatter(x=data["local_share_not_white_british"].to_list(), y=names, mode="markers",
                                 marker=dict(symbol="line-ns", size=14, line=dict(width=2, color="#0b0c0c")),
                                 name="local share not White British", hovertemplate="%{y}: local share %{x:.1%}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", title=indicator.label)
    fig.update_layout(height=max(360, 26 * len(names) + 200), showlegend=indicator.key == "racially_minoritised",
                      margin=dict(l=200, r=90, t=120, b=100))
    return _frame_text(fig, indicator.label, subtitle, source, synthetic)


def trend_chart(series: dict[str, pl.DataFrame], indicator: Indicator, item: Range, *, title: str, subtitle: str,
                source: str, synthetic: bool = False) -> go.Figure:
    """Quarterly trend of one indicator for a MARAC and its comparators, with the expected range shaded."""
    fig = go.Figure()
    for i, (name, frame) in enumerate(series.items()):
        data = frame.sort("quarter_start")
        fig.add_trace(go.Scatter(
            x=[quarter_label(q) for q in data["quarter_start"].to_list()], y=data[indicator.value].to_list(),
            mode="lines+markers" if i == 0 else "lines", name=name,
            line=dict(color=SERIES[i % len(SERIES)], width=3 if i == 0 else 1.5, dash="solid" if i == 0 else "dot"),
            hovertemplate=f"{name}, %{{x}}: %{{y:.1%}}<extra></extra>",
        ))
    low, high = _band_bounds(item)
    if low is not None:
        fig.add_hrect(y0=low, y1=high if high is not None else low * 2.5, fillcolor=RANGE_FILL, line_width=0, layer="below")
        fig.add_annotation(text=f"shaded: expected {item.describe()}", xref="paper", yref="paper", x=1, y=1.0,
                           yanchor="bottom", xanchor="right", showarrow=False, font=dict(size=12, color=MUTED))
    fig.update_yaxes(tickformat=".0%", title=indicator.label, rangemode="tozero")
    fig.update_xaxes(tickangle=-45, nticks=12)
    fig.update_layout(height=480, margin=dict(t=120, b=130))
    return _frame_text(fig, title, subtitle, source, synthetic)
