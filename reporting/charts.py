"""Plotly figure builders: pure functions of metric frames, shared by pages and (later) exports.

Each figure carries its own title, subtitle, source line and, for demo data, a visible
synthetic mark, so a chart pasted into a board paper still says what it is.
"""

from __future__ import annotations

import math
from datetime import date
from html import escape

import plotly.graph_objects as go
import polars as pl

from metrics.definitions import INDICATORS, Indicator
from metrics.intervals import funnel_limits
from metrics.periods import quarter_label
from metrics.ranges import Range, Ranges
from metrics.significance import TOO_FEW
from reporting import coverage_words, numbers
from reporting.missing_quarters_words import source_note as missing_quarters_note
from reporting.national_marks import add_national  # drawn here on the profile trend, as on the Trends page
from reporting.numbers import pair_beside_verdict
from reporting.sub_areas import word as sub_area_word
from reporting.theme import (
    MUTED,
    RANGE_FILL,
    SERIES,
    SYNTHETIC_MARK,
    SYNTHETIC_NOTE,
    TEMPLATE,
)
from reporting.verdicts import COMPACT_KEY, VERDICT_STYLE, Verdict
from reporting.verdicts import of_frame as verdicts_of


def framed(fig: go.Figure, title: str, subtitle: str, source: str, synthetic: bool) -> go.Figure:
    """Title, subtitle, source line and the synthetic mark: what a chart carries wherever it goes."""
    fig.update_layout(template=TEMPLATE, title=dict(text=f"{title}<br><sup>{subtitle}</sup>"))
    bottom = fig.layout.margin.b or 60
    fig.add_annotation(
        text=source,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom - 18),
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        align="left",  # a second line (the funnel's method) starts under the first
        font=dict(size=11, color=MUTED),
    )
    if synthetic:
        fig.add_annotation(
            text=SYNTHETIC_NOTE.upper(),
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            yshift=58,
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font=dict(size=12, color=SYNTHETIC_MARK),
            bordercolor=SYNTHETIC_MARK,
            borderwidth=1,
        )
    return fig


def source_line(range_edition: str, base_label: str, missing_quarters: str | None = None) -> str:
    """Where a figure comes from; with `missing_quarters` (a `metrics.missing_quarters` method), how unreturned
    quarters were treated, since the two methods give different figures for the same returns."""
    method = f"; {missing_quarters_note(missing_quarters)}" if missing_quarters else ""
    return f"Source: MARAC quarterly returns; SafeLives ranges ({range_edition}); population: {base_label}{method}."


def tick_format(values: list[float | None]) -> str:
    """Whole percents, or one decimal when every value is small (aged 16-17, LGBT+), so ticks don't repeat."""
    present = [v for v in values if v is not None]
    return ".1%" if present and max(present) < 0.1 else ".0%"


#: fills for colouring by sub-area: the house series (Okabe-Ito hues, each 3:1 or more on white); each bar is outlined
#: in ink, and later rounds of sub-areas get a hatch, so no two sub-areas share a look and colour is never the only clue
SUB_AREA_COLOURS = SERIES
SUB_AREA_PATTERNS = ["", "/", "x"]


def ranked_bars(
    frame: pl.DataFrame,
    indicator: Indicator,
    item: Range,
    *,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    highlight: str | None = None,
    colour_by: str = "verdict",
    height: int | None = None,
) -> go.Figure:
    """Groups ranked by one indicator, coloured by verdict (or by sub-area) and labelled by verdict, with the expected range shaded.

    Labels carry just enough decimals to sit on the verdict's side of the range, and are
    placed beyond both the bar and any local-share mark so the two never overlap. Each bar
    carries its group code as `customdata`, so a click on it can open that MARAC.
    """
    data = frame.filter(pl.col(indicator.value).is_not_null()).sort(indicator.value)
    values = data[indicator.value].to_list()
    names = data["group_name"].to_list()
    codes = data["group_code"].to_list()
    verdicts = data[indicator.verdict].to_list() if indicator.verdict else [None] * len(values)
    local = indicator.local_share and "local_share_not_white_british" in data.columns
    locals_ = data["local_share_not_white_british"].to_list() if local else [None] * len(values)
    by_sub_area = colour_by == "sub_area" and "sub_area" in data.columns
    term = sub_area_word(data)
    groups = [b or f"no {term}" for b in data["sub_area"].to_list()] if by_sub_area else [None] * len(values)
    least = 1 if tick_format(values) == ".1%" else 0
    judged = verdicts_of(data, indicator)
    # each figure and the local share it is judged against, printed alike so the verdict between them shows
    pairs = [pair_beside_verdict(v, d, item, loc, least) for v, d, loc in zip(values, verdicts, locals_, strict=True)]
    # a figure from fewer quarters than the period says so on its own bar: "1/4 qtrs" on the label, in full on hover
    covered = coverage_words.of_frame(data)
    text = [
        coverage_words.beside(f"{shown} {j.compact if indicator.verdict else ''}".strip(), c)
        + (f"  · {b}" if by_sub_area else "")
        for (shown, _), b, j, c in zip(pairs, groups, judged, covered, strict=True)
    ]
    # on hover, at least one decimal (the labels follow the axis's whole percents where they can)
    exact = [pair_beside_verdict(v, d, item, loc, 1) for v, d, loc in zip(values, verdicts, locals_, strict=True)]
    hover = [
        f"{escape(name)}: {shown}"
        + (f" {j.label}" if indicator.verdict else "")
        + (f"<br>{c.words}" if c.words else "")  # our own words, not user-supplied
        for name, (shown, _), j, c in zip(names, exact, judged, covered, strict=True)
    ]
    low_col, high_col = f"{indicator.value}_ci95_low", f"{indicator.value}_ci95_high"
    lows = highs = None
    tops = values
    if low_col in data.columns and high_col in data.columns:  # 95% intervals as whiskers, so chance is visible
        lows, highs = data[low_col].to_list(), data[high_col].to_list()
        tops = [max(v, h) if h is not None else v for v, h in zip(values, highs, strict=True)]

    def bars(rows: list[int], colour: list[str] | str, name: str, pattern: str = "", outline: float = 0.0) -> go.Bar:
        error = None
        if lows is not None and highs is not None:
            error = dict(
                type="data",
                symmetric=False,
                color="#505a5f",
                thickness=1.2,
                width=3,
                array=[highs[i] - values[i] if highs[i] is not None else 0 for i in rows],
                arrayminus=[values[i] - lows[i] if lows[i] is not None else 0 for i in rows],
            )
        return go.Bar(
            x=[values[i] for i in rows],
            y=[names[i] for i in rows],
            customdata=[codes[i] for i in rows],
            hovertext=[hover[i] for i in rows],
            orientation="h",
            name=name,
            error_x=error,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=by_sub_area,
            marker=dict(
                color=colour,
                pattern=dict(shape=pattern, fgcolor="#ffffff", size=7),
                line=dict(color="#0b0c0c", width=[3 if codes[i] == highlight else outline for i in rows]),
            ),
        )

    fig = go.Figure()
    if by_sub_area:
        for n, group in enumerate(sorted(set(groups))):
            rows = [i for i, b in enumerate(groups) if b == group]
            fig.add_trace(
                bars(
                    rows,
                    SUB_AREA_COLOURS[n % len(SUB_AREA_COLOURS)],
                    group,
                    SUB_AREA_PATTERNS[n // len(SUB_AREA_COLOURS) % len(SUB_AREA_PATTERNS)],
                    0.8,
                )
            )
    else:
        colours = [VERDICT_STYLE[v]["colour"] if indicator.verdict else SERIES[0] for v in verdicts]
        fig.add_trace(bars(list(range(len(values))), colours, indicator.label))
    if local:
        fig.add_trace(
            go.Scatter(
                x=locals_,
                y=names,
                mode="markers",
                marker=dict(symbol="line-ns", size=14, line=dict(width=2, color="#0b0c0c")),
                name="local share not White British",
                hovertext=[
                    f"{escape(name)}: local share {local}" for name, (_, local) in zip(names, pairs, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    ends = [max(t, loc) if loc is not None else t for t, loc in zip(tops, locals_, strict=True)]
    fig.add_trace(
        go.Scatter(
            x=ends,
            y=names,
            mode="text",
            text=text,
            texttemplate="  %{text}",
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    low, high = item.bounds()
    unsure = any(j.unsure for j in judged)
    top = max([*ends, high or 0, low or 0]) * (1.45 if by_sub_area else 1.25) or 0.01  # all zeros still get an axis
    # the range's key, and the certainty marks' wherever a label carries one (a local-share rule has no band)
    shaded = shade_range(fig, item, across=True, end=top)
    key = [shaded] if shaded else []
    key += [COMPACT_KEY] if unsure else []
    if key:
        fig.add_annotation(
            text=" · ".join(key),
            xref="paper",
            yref="paper",
            x=1,
            y=1.0,
            yanchor="bottom",
            xanchor="right",
            showarrow=False,
            font=dict(size=12, color=MUTED),
        )
    fig.update_xaxes(tickformat=tick_format(values), title=indicator.label, range=[0, top])
    fig.update_yaxes(categoryorder="array", categoryarray=names)
    fig.update_layout(
        height=height or max(300, 26 * len(names) + 220),
        showlegend=local or by_sub_area,
        bargap=0.25,
        barmode="overlay",
        margin=dict(l=200, r=40, t=120, b=100),
    )
    return framed(fig, indicator.label, subtitle, source, synthetic)


def trend_chart(
    series: dict[str, pl.DataFrame],
    indicator: Indicator,
    item: Range,
    *,
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    period: list[date] | None = None,
    local_share: float | None = None,
    national: pl.DataFrame | None = None,
) -> go.Figure:
    """Quarterly trend of one indicator for a MARAC and its comparators, with the expected range shaded.

    The chosen period is shaded too, every other quarter is labelled counting back from the
    newest (so the latest is always named), and for racially minoritised victims/survivors
    the MARAC's local share is drawn, as that is what the verdict compares with.
    """
    fig = go.Figure()
    labels: list[str] = []
    for i, (name, frame) in enumerate(series.items()):
        data = frame.sort("quarter_start")
        x = [quarter_label(q) for q in data["quarter_start"].to_list()]
        labels = sorted(set(labels) | set(x))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=data[indicator.value].to_list(),
                mode="lines+markers" if i == 0 else "lines",
                name=name,
                line=dict(color=SERIES[i % len(SERIES)], width=3 if i == 0 else 1.5, dash="solid" if i == 0 else "dot"),
                hovertemplate=f"{escape(name)}, %{{x}}: %{{y:.1%}}<extra></extra>",  # hovers read HTML: a name as typed
            )
        )
    add_national(fig, national, indicator, labels)
    local = local_share if indicator.local_share else None
    add_range_band(fig, item, local=local)
    if local is not None:
        fig.add_hline(
            y=local,
            line=dict(color="#0b0c0c", width=1.5, dash="dash"),
            annotation_text=f"local share not White British {local:.1%}",
            annotation_position="bottom left",
        )
    chosen = [quarter_label(q) for q in (period or []) if quarter_label(q) in labels]
    if chosen:
        fig.add_vrect(
            x0=labels.index(chosen[0]) - 0.5,
            x1=labels.index(chosen[-1]) + 0.5,
            fillcolor="rgba(80, 90, 95, 0.08)",
            line_width=0,
            layer="below",
        )
    values = [v for trace in fig.data for v in (trace.y or []) if v is not None]
    fig.update_yaxes(tickformat=tick_format(values), title=indicator.label, rangemode="tozero")
    fig.update_xaxes(
        tickangle=-45, categoryorder="array", categoryarray=labels, tickmode="array", tickvals=labels[::-2][::-1]
    )
    fig.update_layout(height=480, margin=dict(t=120, b=130))
    return framed(fig, title, subtitle, source, synthetic)


def range_key(item: Range, local: float | None = None) -> str | None:
    """What the shading means, for the key above a chart: a two-sided range is "expected"; a one-sided one (a floor,
    at least the local share) is met by anything in its open region, so it reads "meets", as the verdicts do."""
    if item.rule == "range":
        return f"shaded: expected {item.describe()}"
    if item.rule == "floor":
        return f"shaded: meets: {item.describe()}"
    if item.rule == "local_share" and local is not None:
        return f"shaded: meets: at least the local share not White British ({local:.1%})"
    return None


def drawn_end(fig: go.Figure, axis: str = "y") -> float:
    """The largest value drawn along an axis so far, whiskers included (0 when nothing is)."""
    ends = [0.0]
    for trace in fig.data:
        values = list(getattr(trace, axis, None) or ())
        error = getattr(trace, f"error_{axis}", None)
        above = list(error.array) if error is not None and error.array is not None else []
        above += [0] * (len(values) - len(above))
        ends += [float(v) + float(e or 0) for v, e in zip(values, above, strict=False) if _is_number(v)]
    return max(ends)


def _is_number(value: object) -> bool:
    """A finite number (not None, NaN or a category's name), as a drawn value."""
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def shade_range(
    fig: go.Figure, item: Range, *, across: bool = False, end: float | None = None, local: float | None = None
) -> str | None:
    """Shade the SafeLives range behind a chart (values up the y axis, or along x when `across`); returns its key.

    Every chart draws its range here, so a range looks and reads the same everywhere. A two-sided range is a band
    between its bounds. A one-sided range (a floor such as "2.5% or above", or at least the local share `local`)
    has no upper bound, so it is an open region from the bound to the far edge of the plot: the axis is fixed to
    run from 0 to `end` (or to a tenth above everything drawn so far, so call this once the traces are drawn), and
    the region ends exactly there, whatever the data.
    """
    low, high = item.bounds(local)
    if low is None:
        return None
    axis = "x" if across else "y"
    if high is None:
        high = end if end is not None else (max(drawn_end(fig, axis), low) * 1.1 or 0.01)
        (fig.update_xaxes if across else fig.update_yaxes)(range=[0, high])
    shade = fig.add_vrect if across else fig.add_hrect
    shade(**{f"{axis}0": low, f"{axis}1": high}, fillcolor=RANGE_FILL, line_width=0, layer="below")
    return range_key(item, local)


def key_above(fig: go.Figure, text: str) -> None:
    """What a shaded range means, in words at the chart's top right (every chart keys its range the same way)."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=1,
        y=1.0,
        yanchor="bottom",
        xanchor="right",
        showarrow=False,
        font=dict(size=12, color=MUTED),
    )


def add_range_band(fig: go.Figure, item: Range, *, end: float | None = None, local: float | None = None) -> None:
    """The range shaded across a chart with values up the y axis (`shade_range`), and said in words above it."""
    key = shade_range(fig, item, end=end, local=local)
    if key is not None:
        key_above(fig, key)


def funnel_plot(
    frame: pl.DataFrame,
    indicator: Indicator,
    item: Range,
    *,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    highlight: str | None = None,
) -> go.Figure:
    """Funnel plot (Spiegelhalter 2005): each MARAC against the size of its denominator.

    The centre line is the area's own figure (summed numerators over summed denominators) and
    the 95% and 99.8% control limits (`metrics.intervals.funnel_limits`) show how far chance
    alone could carry a MARAC of that size: points outside the outer funnel differ from the
    area by more than chance. The limits are exact (binomial for shares, Poisson for volume), as
    the chart's note says; the y axis reaches the outer funnel at the smallest MARAC, so the
    funnel is legible where MARACs lie while its mouth at tiny sizes runs off the top. The
    SafeLives range is shaded behind (`shade_range`).
    """
    denominator = indicator.denominator
    data = frame.filter(pl.col(indicator.value).is_not_null() & (pl.col(denominator) > 0))
    n = data[denominator].to_list()
    values = data[indicator.value].to_list()
    fig = go.Figure()
    if not n:
        fig.add_annotation(
            text="No MARAC has figures for this period", xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False
        )
        return framed(fig, f"{indicator.label}: funnel plot", subtitle, source, synthetic)
    centre = sum(v * d for v, d in zip(values, n, strict=True)) / sum(n)
    poisson = indicator.key == "volume"
    top = max(n) * 1.05
    grid = [top * i / 200 for i in range(1, 201)]
    # the binomial is exact at whole sizes: a share's funnel is drawn at the whole sizes the grid rounds to
    xs = grid if poisson else sorted({max(1, round(x)) for x in grid})
    widest = 0.0  # the outer funnel's top at the smallest MARAC: the axis shows the funnel where MARACs are
    for confidence, label, dash in ((0.95, "95%", "dash"), (0.998, "99.8%", "dot")):
        lower, upper = funnel_limits(centre, xs, confidence, poisson=poisson)
        widest = max(widest, float(funnel_limits(centre, [min(n)], confidence, poisson=poisson)[1][0]))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=list(lower),
                mode="lines",
                name=f"{label} limits",
                line=dict(color=MUTED, dash=dash, width=1.2),
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=list(upper),
                mode="lines",
                showlegend=False,
                line=dict(color=MUTED, dash=dash, width=1.2),
                hoverinfo="skip",
            )
        )
    fig.add_hline(
        y=centre,
        line=dict(color="#0b0c0c", width=1.5),
        annotation_text=f"area figure {centre:.1%}",
        annotation_position="top right",
    )
    judged = verdicts_of(data, indicator)
    local = indicator.local_share and "local_share_not_white_british" in data.columns
    locals_ = data["local_share_not_white_british"].to_list() if local else [None] * data.height
    codes = data["group_code"].to_list()
    fig.add_trace(
        go.Scatter(
            x=n,
            y=values,
            mode="markers",
            name="MARACs",
            text=[
                f"{name} ({j.label})" if indicator.verdict else name
                for name, j in zip(data["group_name"], judged, strict=True)
            ],
            marker=dict(
                size=[14 if c == highlight else 9 for c in codes],
                color=[j.colour if indicator.verdict else SERIES[0] for j in judged],
                line=dict(color="#0b0c0c", width=[2 if c == highlight else 0.5 for c in codes]),
                symbol=["diamond" if c == highlight else "circle" for c in codes],
            ),
            hovertext=[
                f"{escape(name)}: {numbers.percent_beside_verdict(v, j.verdict, item, local, 1)} "
                f"of {d:,.0f}"
                + (f" ({j.label})" if indicator.verdict else "")
                + (f"<br>{c.words}" if c.words else "")  # what the point rests on, in our own words
                for name, v, d, j, local, c in zip(
                    data["group_name"], values, n, judged, locals_, coverage_words.of_frame(data), strict=True
                )
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    axis = (
        "recommended cases in the period"
        if indicator.key == "volume"
        else f"{denominator.replace('_', ' ')} in the period"
    )
    fig.update_xaxes(title=axis, rangemode="tozero")
    # up to the outer funnel at the smallest MARAC, every MARAC and the range; narrower sizes' limits run off the top
    low, high = item.bounds()
    end = max([*values, widest, centre, low or 0, high or 0]) * 1.1 or 0.01
    fig.update_yaxes(title=indicator.label, tickformat=tick_format(values), range=[0, end])
    add_range_band(fig, item, end=end)
    fig.update_layout(height=520, margin=dict(t=120, b=125))
    return framed(fig, f"{indicator.label}: funnel plot", subtitle, f"{source}<br>{funnel_method(poisson)}", synthetic)


def funnel_method(poisson: bool) -> str:
    """The funnel's method, named in its note so a reader can check the limits."""
    exact = "exact Poisson on recommended cases" if poisson else "exact binomial"
    return f"Funnel limits: {exact}, 95% and 99.8% (Spiegelhalter 2005)."


SIGNIFICANCE_COLOURS = {
    "below": VERDICT_STYLE["below"]["colour"],
    "within": VERDICT_STYLE["within"]["colour"],
    "above": VERDICT_STYLE["above"]["colour"],
    TOO_FEW: "#ffffff",
}
_UNSURE = "#b1b4b6"  # not distinguishable from a boundary


def spine_chart(
    own: dict[str, object],
    peers: pl.DataFrame,
    ranges: Ranges,
    *,
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
) -> go.Figure:
    """Fingertips-style spine chart: one line per indicator, scaled to the peers' lowest..highest.

    Light grey spans the peers' range, darker grey their middle half (25th-75th percentile),
    green the SafeLives range where it falls inside, and the MARAC's marker is coloured by
    what its 95% interval supports (grey: not distinguishable from a boundary).
    """
    fig = go.Figure()
    labels: list[str] = []
    row = 0
    unsure = False
    for ind in INDICATORS:
        values = [v for v in peers[ind.value].to_list() if v is not None] if ind.value in peers.columns else []
        value = own.get(ind.value)
        if not values or value is None:
            continue
        lo, hi = min([*values, value]), max([*values, value])

        def x(v: float, lo: float = lo, hi: float = hi) -> float:
            return 0.5 if hi == lo else min(max((v - lo) / (hi - lo), 0.0), 1.0)

        q25, q75 = (float(pl.Series(values).quantile(q, interpolation="linear")) for q in (0.25, 0.75))
        y = -row
        fig.add_shape(type="rect", x0=0, x1=1, y0=y - 0.3, y1=y + 0.3, fillcolor="#e8e9ea", line_width=0, layer="below")
        fig.add_shape(
            type="rect", x0=x(q25), x1=x(q75), y0=y - 0.3, y1=y + 0.3, fillcolor="#b1b4b6", line_width=0, layer="below"
        )
        item = ranges.get(ind.range_key) if ind.range_key else None
        low, high = item.bounds(own.get("local_share_not_white_british")) if item else (None, None)
        if low is not None:
            fig.add_shape(
                type="rect",
                x0=x(low),
                x1=x(high) if high is not None else 1,
                y0=y - 0.12,
                y1=y + 0.12,
                fillcolor="rgba(0, 112, 60, 0.35)",
                line_width=0,
                layer="below",
            )
        supported = own.get(f"{ind.value}_significance")
        judged, shown = Verdict.of(own, ind), numbers.figure(own, ind, ranges)
        unsure |= judged.unsure
        colour = (
            SIGNIFICANCE_COLOURS.get(supported, _UNSURE) if supported else MUTED
        )  # no range: neutral, never a verdict colour
        fig.add_trace(
            go.Scatter(
                x=[x(value)],
                y=[y],
                mode="markers",
                showlegend=False,
                marker=dict(
                    size=16,
                    color=colour,
                    line=dict(color="#0b0c0c", width=1.5),
                    symbol="diamond" if supported and supported.startswith("not") else "circle",
                ),
                hovertemplate=f"{ind.label}: {shown} ({judged.label if judged.verdict else 'no range'}); "
                f"peers {lo:.1%} to {hi:.1%}<extra></extra>",
            )
        )
        labels.append(f"{ind.label}  {shown} {judged.compact}" if judged.verdict else f"{ind.label}  {shown}")
        row += 1
    fig.update_yaxes(
        tickvals=[-i for i in range(row)], ticktext=labels, showgrid=False, zeroline=False, range=[-row + 0.4, 0.6]
    )
    fig.update_xaxes(
        range=[-0.02, 1.02],
        showticklabels=False,
        showgrid=False,
        zeroline=False,
        title="each line runs from the lowest to the highest MARAC among the comparators"
        + (f"<br>{COMPACT_KEY}" if unsure else ""),
    )
    fig.update_layout(height=120 + 48 * max(row, 1), margin=dict(l=330, r=30, t=120, b=100))
    return framed(fig, title, subtitle, source, synthetic)
