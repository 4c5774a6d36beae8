"""Maps of MARACs drawn from our own geometry: a tile map, or true boundaries a user loaded.

Plotly's geo and tile-map traces fetch outlines or map tiles from the internet, which a
council network may block and which breaks exports; so every shape here is a filled polygon
(`go.Scatter(fill="toself")`) built with geopandas. Hover and click live on one marker per
MARAC at its centre, so a click anywhere near a borough's middle opens its profile.
"""

from __future__ import annotations

import math
from html import escape

import geopandas as gpd
import plotly.graph_objects as go
import polars as pl
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from metrics.definitions import Indicator
from metrics.ranges import VERDICTS, Range
from reporting import numbers
from reporting.charts import framed
from reporting.numbers import pair_beside_verdict
from reporting.theme import INK, MUTED, text_colour
from reporting.verdicts import COMPACT_KEY, VERDICT_STYLE, Verdict
from reporting.verdicts import label as verdict_label

TILE = 0.92  # side of a square tile; cells are 1 apart, leaving a gap
BRITISH_NATIONAL_GRID = 27700  # metres, so shapes keep their true proportions on screen
#: sequential single-hue blues (ColorBrewer Blues), safe for colour-blind readers; darker is higher
VALUE_COLOURS = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"]
NO_DATA_FILL = "#f3f2f1"
OUTLINE_ONLY = "not a MARAC in this registry"


def tile_shapes(layout: pl.DataFrame) -> gpd.GeoDataFrame:
    """One square per layout cell, centred on (col, −row) so row 0 is at the top."""
    return gpd.GeoDataFrame(
        {
            "marac_code": layout["marac_code"].to_list(),
            "name": layout["name"].to_list(),
            "abbreviation": layout["abbreviation"].to_list(),
        },
        geometry=[
            box(c - TILE / 2, -r - TILE / 2, c + TILE / 2, -r + TILE / 2)
            for c, r in zip(layout["col"].to_list(), layout["row"].to_list(), strict=True)
        ],
    )


def choose_layout(layout: pl.DataFrame, codes: list[str]) -> str | None:
    """The tile layout placing most of these MARACs (None if none places any)."""
    wanted = set(codes)
    counts = {
        name: len(wanted & set(part["marac_code"].to_list()))
        for (name,), part in layout.partition_by("layout", as_dict=True).items()
    }
    best = max(counts, key=lambda name: counts[name], default=None)
    return best if best is not None and counts[best] else None


def boundary_shapes(
    boundaries: gpd.GeoDataFrame,
    marac_areas: pl.DataFrame,
    maracs: pl.DataFrame,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Each MARAC's shape, the union of its local authorities' boundaries, in British National Grid metres.

    Returns the shapes and the names of MARACs left out because a local authority they cover has
    no boundary loaded (a part-drawn MARAC would look smaller than it is). Shapes are simplified to
    about 1/1000 of the map's width: invisible on screen, and a far lighter page.
    """
    names = dict(maracs.select("marac_code", "marac_name").iter_rows())
    covering = marac_areas.filter(pl.col("marac_code").is_in(list(names)) & (pl.col("share") > 0))
    held = set(boundaries["area_code"]) if len(boundaries) else set()
    lads = covering.group_by("marac_code", maintain_order=True).agg(pl.col("lad_code"))
    complete = {code: list(areas) for code, areas in lads.iter_rows() if set(areas) <= held}
    missing = sorted(names[c] for c in names if c not in complete)
    if not complete:
        return gpd.GeoDataFrame({"marac_code": [], "name": []}, geometry=[], crs=BRITISH_NATIONAL_GRID), missing
    projected = boundaries.to_crs(BRITISH_NATIONAL_GRID).set_index("area_code").geometry
    codes = sorted(complete, key=lambda c: names[c])
    shapes = [shapely.union_all([projected[lad] for lad in complete[c]]) for c in codes]
    minx, _, maxx, _ = shapely.total_bounds(shapes)
    tolerance = max((maxx - minx) / 1000, 1.0)
    return gpd.GeoDataFrame(
        {"marac_code": codes, "name": [names[c] for c in codes]},
        geometry=[s.simplify(tolerance, preserve_topology=True) for s in shapes],
        crs=BRITISH_NATIONAL_GRID,
    ), missing


def _rings(shape: Polygon | MultiPolygon) -> tuple[list[float | None], list[float | None]]:
    """Outer rings as one path, parts separated by None, as `fill="toself"` draws them."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    parts = shape.geoms if isinstance(shape, MultiPolygon) else [shape]
    for part in parts:
        if isinstance(part, Polygon) and not part.is_empty:
            x, y = part.exterior.xy
            xs += [*x, None]
            ys += [*y, None]
    return xs, ys


def value_classes(values: list[float], n: int = len(VALUE_COLOURS)) -> list[tuple[float, float]]:
    """At most `n` equal classes on a round step (0.5%, 1%, 2%, 2.5%, 5%…), together spanning every value.

    Each class runs from its lower bound up to, not including, the next, so the highest value
    needs a class above it when it falls exactly on a bound.
    """
    low, high = min(values), max(values)
    if high - low < 1e-9:  # every MARAC on the same figure: one class, named by that figure
        return [(low, low)]
    magnitude = 10 ** math.floor(math.log10((high - low) / n))
    for step in (m * magnitude * scale for scale in (1, 10, 100) for m in (1, 2, 2.5, 5)):
        start = math.floor(low / step + 1e-9) * step
        count = math.floor((high - start) / step + 1e-9) + 1
        if count <= n:
            return [(start + i * step, start + (i + 1) * step) for i in range(count)]
    return [(low, high)]


def class_colour(index: int, count: int) -> str:
    """Colours spread over the whole scale, so three classes still run from light to dark."""
    last = len(VALUE_COLOURS) - 1
    return VALUE_COLOURS[round(index * last / (count - 1)) if count > 1 else last // 2]


def _class_label(low: float, high: float, step: float) -> str:
    if high == low:
        return f"{low:.1%}"
    decimals = 0 if abs(step * 100 - round(step * 100)) < 1e-9 else 1  # 2.5% steps need their decimal
    return f"{low:.{decimals}%} to under {high:.{decimals}%}"


def map_figure(
    shapes: gpd.GeoDataFrame,
    frame: pl.DataFrame,
    indicator: Indicator,
    item: Range | None,
    *,
    colour_by: str = "verdict",
    title: str,
    subtitle: str,
    source: str,
    synthetic: bool = False,
    labels: dict[str, str] | None = None,
    height: int = 760,
    label_size: int = 13,
) -> go.Figure:
    """MARACs coloured by their verdict (with its symbol) or by their value in round classes.

    `shapes` holds marac_code, name and geometry (tiles or projected boundaries); rows whose
    code has no row in `frame` (the City of London's tile) are drawn as an outline for
    orientation only. `labels` are short names printed on each shape (tiles' abbreviations).
    """
    figures = {row["group_code"]: row for row in frame.iter_rows(named=True)}
    values = [
        figures[c][indicator.value]
        for c in shapes["marac_code"]
        if c in figures and figures[c][indicator.value] is not None
    ]
    by_value = colour_by == "value" and bool(values)
    classes = value_classes(values) if by_value else []
    step = classes[0][1] - classes[0][0] if classes else 0.0

    def klass(value: float) -> int:
        return next((i for i, (_, hi) in enumerate(classes) if value < hi - 1e-12), len(classes) - 1)

    groups: dict[str, dict[str, object]] = {}  # legend entry -> fill, paths and members
    centres: list[tuple[float, float, str, str, str, str]] = []  # x, y, code, hover, label text, label colour
    unsure = False  # any label marked * or †: the legend then says what the marks mean
    for code, name, shape in zip(shapes["marac_code"], shapes["name"], shapes.geometry, strict=True):
        row = figures.get(code)
        point = shape.centroid if shape.geom_type == "Polygon" and shape.area else shape.representative_point()
        short = (labels or {}).get(code, "")
        if row is None:  # a layout cell with no MARAC in the registry (the City of London)
            _add(groups, OUTLINE_ONLY, "#ffffff", shape, order=99, dash="dot")
            if short:
                centres.append((point.x, point.y, "", "", short, MUTED))
            continue
        value, verdict = row[indicator.value], row[indicator.verdict] if indicator.verdict else None
        judged = Verdict.of(row, indicator)
        shown, local_shown = pair_beside_verdict(value, verdict, item, numbers.local_of(row, indicator), least=1)
        if value is None:
            key, fill, order, shown = "no figures for this period", NO_DATA_FILL, 11, "no data"
        elif by_value:
            order = klass(value)
            key, fill = _class_label(*classes[order], step), class_colour(order, len(classes))
        elif indicator.verdict and verdict:
            key, fill, order = (
                f"{verdict_label(verdict)} the expected range",
                VERDICT_STYLE[verdict]["colour"],
                VERDICTS.index(verdict),
            )
        else:  # no range (aged 16-17), or nothing to judge against (no local population share)
            key, fill, order = "no verdict" if indicator.verdict else "no expected range", VALUE_COLOURS[3], 10
        _add(groups, key, fill, shape, order=order)
        judged_here = verdict and shown != "no data"
        symbol = judged.symbol if judged_here else ""
        unsure |= bool(judged_here and judged.unsure)
        text = (
            f"{short}<br>{symbol} {shown}{judged.mark if judged_here else ''}".replace("<br> ", "<br>") if short else ""
        )
        centres.append(
            (
                point.x,
                point.y,
                code,
                _hover(name, row, indicator, item, (shown, local_shown), judged),
                text,
                text_colour(fill),
            )
        )

    fig = go.Figure()
    for key, group in sorted(groups.items(), key=lambda kv: kv[1]["order"]):
        fig.add_trace(
            go.Scatter(
                x=group["x"],
                y=group["y"],
                mode="lines",
                fill="toself",
                fillcolor=group["fill"],
                name=f"{key} ({group['count']})",
                line=dict(color=INK if group["dash"] == "solid" else MUTED, width=1, dash=group["dash"]),
                hoverinfo="skip",
                showlegend=key != OUTLINE_ONLY,
            )
        )
    # labels are the marker trace's own text (an annotation on top would swallow the click meant for the MARAC)
    clickable = [c for c in centres if c[2]]
    fig.add_trace(
        go.Scatter(
            x=[c[0] for c in clickable],
            y=[c[1] for c in clickable],
            customdata=[c[2] for c in clickable],
            hovertext=[c[3] for c in clickable],
            hovertemplate="%{hovertext}<extra></extra>",
            mode="markers+text" if labels else "markers",
            text=[c[4] for c in clickable],
            textposition="middle center",
            textfont=dict(size=label_size, color=[c[5] for c in clickable]),
            marker=dict(
                size=30 if labels else 9,
                color="rgba(0,0,0,0)" if labels else INK,
                symbol="square" if labels else "circle",
            ),
            name="MARACs",
            showlegend=False,
        )
    )
    for x, y, code, _, text, colour in centres:
        if text and not code:  # outline-only cells: a quiet label, nothing to click
            fig.add_annotation(x=x, y=y, text=text, showarrow=False, font=dict(size=label_size, color=colour))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        height=height,
        hovermode="closest",
        hoverdistance=40,
        clickmode="event+select",
        legend=dict(
            orientation="v",
            x=1.0,
            xanchor="left",
            y=1.0,
            yanchor="top",
            title=dict(text=COMPACT_KEY.replace(" · ", "<br>") if unsure else ""),
        ),
        margin=dict(l=20, r=20, t=120, b=90),
    )
    return framed(fig, title, subtitle, source, synthetic)


def _add(groups: dict[str, dict[str, object]], key: str, fill: str, shape, *, order: int, dash: str = "solid") -> None:
    group = groups.setdefault(key, {"fill": fill, "x": [], "y": [], "count": 0, "dash": dash, "order": order})
    xs, ys = _rings(shape)
    group["x"] += xs
    group["y"] += ys
    group["count"] += 1


def _hover(
    name: str,
    row: dict[str, object],
    indicator: Indicator,
    item: Range | None,
    printed: tuple[str, str],
    judged: Verdict,
) -> str:
    """The tile's figures on hover: the figure, its verdict with its certainty, its interval and the local share, each
    printed as the tables print them."""
    name = escape(name)
    shown, local_shown = printed
    lines = [f"<b>{name}</b>", f"{indicator.label}: {shown}"]
    if indicator.verdict and judged.verdict:
        lines.append(judged.phrase)
    low, high = row.get(f"{indicator.value}_ci95_low"), row.get(f"{indicator.value}_ci95_high")
    if low is not None and high is not None:
        bounds = numbers.bounds_of(item, numbers.local_of(row, indicator))
        lines.append(f"95% interval {numbers.interval(low, high, bounds)}")
    if indicator.local_share and row.get("local_share_not_white_british") is not None:
        lines.append(f"local share not White British {local_shown}")
    if row.get("cases") is not None:
        lines.append(f"{row['cases']:,.0f} cases")
    lines.append("Click to open the profile")
    return "<br>".join(lines)
