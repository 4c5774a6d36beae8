"""Plotly figure builders: pure functions of metric frames, shared by pages and (later) exports.

Each figure carries its own title, subtitle, source line and, for demo data, a visible
synthetic mark, so a chart pasted into a board paper still says what it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from html import escape

import plotly.graph_objects as go
import polars as pl

from metrics.coverage import INCOMPLETE
from metrics.definitions import INDICATORS, Indicator
from metrics.intervals import funnel_limits
from metrics.periods import quarter_label
from metrics.ranges import Range, Ranges
from metrics.significance import TOO_FEW
from reporting import coverage_words, numbers
from reporting.benchmarks import (
    COMPARED_COLOURS,
    HIGHER,
    LOWER,
    NOT_COMPARED,
    SIMILAR,
    Benchmark,
    Profile,
    compared,
    compared_words,
)
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
from reporting.verdicts import COMPACT_KEY, COULD_BE_CHANCE, NO_RANGE, TOO_FEW_TO_JUDGE, VERDICT_STYLE, Verdict
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


#: fills for colouring by sub-area: twelve distinct hues (the house series, then darker ones), none white and each 3:1
#: or more on white; each bar is outlined in ink, and the later half of every twelve get a hatch drawn over their own
#: fill, so no two of a dozen sub-areas share a look and colour is never the only clue
SUB_AREA_COLOURS = [*SERIES, "#a6192e", "#1d6d75", "#7f5539", "#3a6b00", "#5a2d82"]
SUB_AREA_PATTERNS = ["", "/", "x"]
_HATCHED_AFTER = len(SUB_AREA_COLOURS) // 2


def sub_area_look(n: int) -> tuple[str, str]:
    """The `n`th sub-area's fill and hatch: a colour of its own among twelve, a hatch on the later half of them."""
    return SUB_AREA_COLOURS[n % len(SUB_AREA_COLOURS)], SUB_AREA_PATTERNS[
        (n // _HATCHED_AFTER) % len(SUB_AREA_PATTERNS)
    ]


#: a legend to the right of the plot, clear of the title and subtitle above it however many entries it has
LEGEND_RIGHT = dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top")
LEGEND_MARGIN = 250


def _hover_columns(indicator: Indicator) -> tuple[str, ...]:
    value = indicator.value
    return (
        "group_name",
        value,
        f"{value}_ci95_low",
        f"{value}_ci95_high",
        indicator.numerator_column or indicator.numerator,
        indicator.denominator,
        "local_share_not_white_british",
    )


def _counts(row: Mapping[str, object], indicator: Indicator) -> str:
    """ "21 of 150 cases" (the counts the figure divides), or "123 cases discussed against 117 recommended cases"
    for volume, whose cases can exceed what is recommended; "" when the row does not carry them."""
    top, bottom = row.get(indicator.numerator_column or indicator.numerator), row.get(indicator.denominator)
    if not isinstance(top, int | float) or not isinstance(bottom, int | float):
        return ""
    if indicator.key == "volume":
        return (
            f"{numbers.count(top)} {indicator.numerator_words} against "
            f"{numbers.number(bottom)} {indicator.denominator_words}"
        )
    return f"{numbers.count(top)} of {numbers.count(bottom)} {indicator.counted_words}"


def described(
    row: Mapping[str, object], indicator: Indicator, item: Range | None, judged: Verdict, least: int = 1
) -> str:
    """What a hover says of a figure: "14.0% (95% interval 9.8%–19.6%), 21 of 150 cases", then on a second line the
    verdict in words with its certainty ("▼ below the expected range, though with this many cases that could be
    chance"). Every hover on a ranked chart, a funnel and a spine chart says it alike."""
    value = row.get(indicator.value)
    local = numbers.local_of(row, indicator)
    shown, local_shown = numbers.pair_beside_verdict(value, judged.verdict, item, local, least)  # type: ignore[arg-type]
    low, high = row.get(f"{indicator.value}_ci95_low"), row.get(f"{indicator.value}_ci95_high")
    if isinstance(low, int | float) and isinstance(high, int | float):
        shown += f" (95% interval {numbers.interval(low, high, numbers.bounds_of(item, local))})"
    counts = _counts(row, indicator)
    verdict = f"{judged.symbol} {judged.phrase}".strip()
    if local is not None:
        verdict += f" (local share not White British {local_shown})"
    return f"{shown}{', ' if counts else ''}{counts}<br>{verdict}"


def hovers(
    data: pl.DataFrame, indicator: Indicator, item: Range | None, judged: list[Verdict], least: int = 1
) -> list[str]:
    """Each MARAC's hover: its escaped name (hovers read HTML), `described`, and what the figure rests on."""
    wanted = [c for c in dict.fromkeys(_hover_columns(indicator)) if c in data.columns]
    rows = data.select(wanted).iter_rows(named=True)
    return [
        f"{escape(row['group_name'])}: {described(row, indicator, item, j, least)}"
        # our own words, not user-supplied; a verdict withheld for its coverage has said it already
        + (f"<br>{c.words}" if c.words and not (j.verdict == INCOMPLETE and j.reason) else "")
        for row, j, c in zip(rows, judged, coverage_words.of_frame(data), strict=True)
    ]


def _key_trace(name: str, **style: object) -> go.Scatter:
    """A legend entry alone (nothing drawn): what a line, a marker or a colour on the chart means."""
    return go.Scatter(x=[None], y=[None], name=name, hoverinfo="skip", showlegend=True, **style)


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
    benchmarks: tuple[Benchmark, ...] = (),
) -> go.Figure:
    """Groups ranked by one indicator, coloured by verdict (by sub-area, or by significance against the area) and
    labelled by verdict, with the expected range shaded and any `benchmarks` drawn across the bars.

    Labels carry just enough decimals to sit on the verdict's side of the range, and are
    placed beyond both the bar and any local-share mark so the two never overlap. Each bar
    carries its group code as `customdata`, so a click on it can open that MARAC. `benchmarks` (the area's own
    figure, England's on the same base) are vertical lines named in the legend; with `colour_by="significance"` each
    bar is coloured by whether its 95% interval lies wholly above, across or wholly below the first of them.
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
        + (f"  · {escape(b)}" if by_sub_area else "")
        for (shown, _), b, j, c in zip(pairs, groups, judged, covered, strict=True)
    ]
    # on hover, at least one decimal (the labels follow the axis's whole percents where they can)
    hover = hovers(data, indicator, item, judged)
    low_col, high_col = f"{indicator.value}_ci95_low", f"{indicator.value}_ci95_high"
    lows = highs = None
    tops = values
    if low_col in data.columns and high_col in data.columns:  # 95% intervals as whiskers, so chance is visible
        lows, highs = data[low_col].to_list(), data[high_col].to_list()
        tops = [max(v, h) if h is not None else v for v, h in zip(values, highs, strict=True)]
    against = next((b for b in benchmarks if b.compared), None) if colour_by == "significance" else None
    outcomes = [None] * len(values)
    if against is not None:
        outcomes = [
            compared(lo, hi, against.value)
            for lo, hi in zip(lows or [None] * len(values), highs or [None] * len(values), strict=True)
        ]
        hover = [f"{h}<br>{escape(compared_words(o, against))}" for h, o in zip(hover, outcomes, strict=True)]
    keyed = by_sub_area or against is not None

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
            showlegend=keyed,
            marker=dict(
                color=colour,
                # overlay: the hatch is drawn over the bar's own fill (in "replace" mode it would replace it with white)
                pattern=dict(shape=pattern, fgcolor="#ffffff", size=7, fillmode="overlay"),
                line=dict(color="#0b0c0c", width=[3 if codes[i] == highlight else outline for i in rows]),
            ),
        )

    fig = go.Figure()
    if by_sub_area:
        for n, group in enumerate(sorted(set(groups))):
            rows = [i for i, b in enumerate(groups) if b == group]
            fill, hatch = sub_area_look(n)
            fig.add_trace(bars(rows, fill, escape(group), hatch, 0.8))  # legends read HTML: names as typed
    elif against is not None:
        for outcome in (HIGHER, SIMILAR, LOWER, NOT_COMPARED):
            rows = [i for i, o in enumerate(outcomes) if o == outcome]
            if rows:
                name = escape(compared_words(outcome, against))
                fig.add_trace(bars(rows, COMPARED_COLOURS[outcome], name, outline=0.8))
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
    for benchmark in benchmarks:  # across the bars, named in the legend (clear of the bars' own labels)
        fig.add_vline(x=benchmark.value, line=dict(color=benchmark.colour, dash=benchmark.dash, width=2))
        fig.add_trace(
            _key_trace(
                escape(benchmark.key), mode="lines", line=dict(color=benchmark.colour, dash=benchmark.dash, width=2)
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
    drawn = [*ends, *(b.value for b in benchmarks), high or 0, low or 0]
    top = max(drawn) * (1.45 if by_sub_area else 1.25) or 0.01  # all zeros still get an axis
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
    right = keyed or bool(benchmarks)  # a legend that can run to many entries goes beside the plot, not above it
    fig.update_layout(
        height=height or max(300, 26 * len(names) + 220),
        showlegend=local or right,
        bargap=0.25,
        barmode="overlay",
        margin=dict(l=200, r=LEGEND_MARGIN if right else 40, t=120, b=100),
        **(dict(legend=LEGEND_RIGHT) if right else {}),
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
                name=escape(name),  # a legend reads HTML too
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
    codes = data["group_code"].to_list()
    names = data["group_name"].to_list()
    hover = hovers(data, indicator, item, judged)
    # one trace per verdict present (certainty aside: it does not change the colour), named as the verdict, so the
    # legend says what each colour is
    present = list(dict.fromkeys(j.verdict for j in judged))
    for verdict in present:
        # the chosen MARAC last: a legend entry is drawn with its trace's first marker, which must be the plain one
        rows = sorted((i for i, j in enumerate(judged) if j.verdict == verdict), key=lambda i: codes[i] == highlight)
        shown = Verdict(verdict, one_sided=indicator.one_sided).label if indicator.verdict else ""
        fig.add_trace(
            go.Scatter(
                x=[n[i] for i in rows],
                y=[values[i] for i in rows],
                mode="markers",
                name=shown or "MARACs (no expected range)",
                customdata=[codes[i] for i in rows],
                marker=dict(
                    size=[14 if codes[i] == highlight else 9 for i in rows],
                    color=judged[rows[0]].colour if indicator.verdict else SERIES[0],
                    line=dict(color="#0b0c0c", width=[2 if codes[i] == highlight else 0.5 for i in rows]),
                    symbol=["diamond" if codes[i] == highlight else "circle" for i in rows],
                ),
                hovertext=[hover[i] for i in rows],
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
    label_outliers(fig, centre, n, values, names, poisson=poisson, x_end=top, y_end=end)
    add_range_band(fig, item, end=end)
    fig.update_layout(height=520, margin=dict(t=120, b=125, r=LEGEND_MARGIN), legend=LEGEND_RIGHT)
    return framed(fig, f"{indicator.label}: funnel plot", subtitle, f"{source}<br>{funnel_method(poisson)}", synthetic)


def outside_limits(centre: float, n: list[float], values: list[float], *, poisson: bool) -> list[int]:
    """Which MARACs lie outside the 95% funnel at their own size: those chance alone would rarely carry so far."""
    lower, upper = funnel_limits(centre, n, 0.95, poisson=poisson)
    return [i for i, (v, lo, hi) in enumerate(zip(values, lower, upper, strict=True)) if v < lo or v > hi]


#: the funnel's plotting area in pixels as a page draws it (520 high less its margins; a wide column less the
#: legend), and a label's size per character: enough to keep outliers' names from printing over one another
_FUNNEL_PLOT_PX = (780.0, 275.0)
_LABEL_PX = (7.0, 16.0)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Two (left, right, bottom, top) boxes overlap."""
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def label_outliers(
    fig: go.Figure,
    centre: float,
    n: list[float],
    values: list[float],
    names: list[str],
    *,
    poisson: bool,
    x_end: float,
    y_end: float,
) -> None:
    """Name each MARAC outside the 95% limits beside its point (escaped: names are the registry's, not ours): above
    it when it lies above the funnel, below when below. Each label takes the first place, of a few stepped further
    out or to either side, where it does not print over a label already placed (or below the axis)."""
    width, height = _FUNNEL_PLOT_PX
    placed: list[tuple[float, float, float, float]] = []
    for i in sorted(outside_limits(centre, n, values, poisson=poisson), key=lambda i: (values[i] < centre, n[i])):
        x, y = n[i] / (x_end or 1) * width, values[i] / (y_end or 1) * height
        w, h = _LABEL_PX[0] * len(names[i]) + 6, _LABEL_PX[1]
        up = 1 if values[i] >= centre else -1
        tries = [(0, up * 22), (0, up * 40), (w / 2 + 10, 0), (-w / 2 - 10, 0), (0, up * 58), (0, up * 76)]
        boxes = [(x + dx - w / 2, x + dx + w / 2, y + dy - h / 2, y + dy + h / 2) for dx, dy in tries]
        free = [k for k, box in enumerate(boxes) if box[2] >= 0 and not any(_overlaps(box, o) for o in placed)]
        k = free[0] if free else 0
        placed.append(boxes[k])
        fig.add_annotation(
            x=n[i],
            y=values[i],
            text=escape(names[i]),
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=MUTED,
            ax=tries[k][0],
            ay=-tries[k][1],  # Plotly measures ay downwards
            font=dict(size=12, color="#0b0c0c"),
            bgcolor="rgba(255, 255, 255, 0.8)",
            name="outside the 95% limits",
        )


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
#: what each of the MARAC's marker looks means, for the spine chart's legend: the verdict its 95% interval settles,
#: or the certainty when it settles none (words from `reporting.verdicts`)
_SPINE_KEY = {
    "below": f"{VERDICT_STYLE['below']['symbol']} {VERDICT_STYLE['below']['words']} (95% interval)",
    "within": f"{VERDICT_STYLE['within']['symbol']} {VERDICT_STYLE['within']['words']} (95% interval)",
    "above": f"{VERDICT_STYLE['above']['symbol']} {VERDICT_STYLE['above']['words']} (95% interval)",
    TOO_FEW: TOO_FEW_TO_JUDGE,
    "unsure": f"◆ {COULD_BE_CHANCE}: the 95% interval reaches across a bound",
    "none": NO_RANGE["words"],
}


def _spine_look(supported: str | None) -> tuple[str, str, str]:
    """The MARAC's marker on one line of the spine chart: (its key in `_SPINE_KEY`, colour, symbol)."""
    if not supported:
        return "none", MUTED, "circle"  # no range: neutral, never a verdict colour
    if supported in SIGNIFICANCE_COLOURS:
        return supported, SIGNIFICANCE_COLOURS[supported], "circle"
    return "unsure", _UNSURE, "diamond" if supported.startswith("not") else "circle"


def spine_chart(
    own: dict[str, object],
    peers: pl.DataFrame,
    ranges: Ranges,
    *,
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    benchmarks: tuple[Profile, ...] = (),
) -> go.Figure:
    """Fingertips-style spine chart: one line per indicator, scaled to the peers' lowest..highest.

    Light grey spans the peers' range, darker grey their middle half (25th-75th percentile),
    green the SafeLives range where it falls inside, and the MARAC's marker is coloured by
    what its 95% interval supports (grey: not distinguishable from a boundary). `benchmarks` (the area's own
    figures, England's on the same base) are marked on every line they have a figure for; a line widens to take in
    one beyond the peers. The legend says what each colour and mark means.
    """
    fig = go.Figure()
    labels: list[str] = []
    row = 0
    unsure = False
    looks: dict[str, tuple[str, str]] = {}  # the marker looks drawn, for the legend
    marked: set[str] = set()  # the benchmarks drawn
    for ind in INDICATORS:
        values = [v for v in peers[ind.value].to_list() if v is not None] if ind.value in peers.columns else []
        value = own.get(ind.value)
        if not values or value is None:
            continue
        others = [(b, b.value(ind.value)) for b in benchmarks]
        others = [(b, v) for b, v in others if v is not None]
        lo, hi = min([*values, value]), max([*values, value])
        wide_lo, wide_hi = min([lo, *(v for _, v in others)]), max([hi, *(v for _, v in others)])

        def x(v: float, lo: float = wide_lo, hi: float = wide_hi) -> float:
            return 0.5 if hi == lo else min(max((v - lo) / (hi - lo), 0.0), 1.0)

        q25, q75 = (float(pl.Series(values).quantile(q, interpolation="linear")) for q in (0.25, 0.75))
        y = -row
        fig.add_shape(
            type="rect", x0=x(lo), x1=x(hi), y0=y - 0.3, y1=y + 0.3, fillcolor="#e8e9ea", line_width=0, layer="below"
        )
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
        look, colour, symbol = _spine_look(supported)  # type: ignore[arg-type]
        looks[look] = (colour, symbol)
        beside = "".join(f"; {b.label} {numbers.percent(v, 1)}" for b, v in others)
        fig.add_trace(
            go.Scatter(
                x=[x(value)],
                y=[y],
                mode="markers",
                showlegend=False,
                marker=dict(size=16, color=colour, line=dict(color="#0b0c0c", width=1.5), symbol=symbol),
                hovertemplate=f"{escape(ind.label)}: {described(own, ind, item, judged, ind.least_decimals)}"
                f"<br>peers {lo:.1%} to {hi:.1%}{escape(beside)}<extra></extra>",
            )
        )
        for b, v in others:
            fig.add_trace(
                go.Scatter(
                    x=[x(v)],
                    y=[y],
                    mode="markers",
                    name=escape(b.label),
                    legendgroup=b.label,
                    showlegend=b.label not in marked,
                    marker=dict(size=18, color="#0b0c0c", symbol=b.symbol, line=dict(color="#0b0c0c", width=2.5)),
                    hovertemplate=f"{escape(ind.label)}: {escape(b.label)} {numbers.percent(v, 1)}<extra></extra>",
                )
            )
            marked.add(b.label)
        labels.append(f"{ind.label}  {shown} {judged.compact}" if judged.verdict else f"{ind.label}  {shown}")
        row += 1
    for look in _SPINE_KEY:  # the key: one entry for each look the MARAC's markers take here
        if look in looks:
            colour, symbol = looks[look]
            fig.add_trace(
                _key_trace(
                    _SPINE_KEY[look],
                    mode="markers",
                    marker=dict(size=12, color=colour, symbol=symbol, line=dict(color="#0b0c0c", width=1.5)),
                )
            )
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
    fig.update_layout(
        height=max(120 + 48 * max(row, 1), 360),
        margin=dict(l=330, r=LEGEND_MARGIN + 60, t=120, b=100),
        showlegend=True,
        legend=LEGEND_RIGHT,
    )
    return framed(fig, title, subtitle, source, synthetic)
