"""Maps of MARACs drawn from our own geometry: a tile map, or true boundaries a user loaded.

Plotly's geo and tile-map traces fetch outlines or map tiles from the internet, which a
council network may block and which breaks exports; so every shape here is a filled polygon
(`go.Scatter(fill="toself")`) built with shapely and geopandas. Hover and click live on one
marker per MARAC at its label point, so a click anywhere near a MARAC's middle opens its profile.

A tile layout places local authorities (`loaders.layout`); a MARAC is the union of the tiles of
the authorities it covers (`marac_tiles`), inset so neighbouring MARACs stay apart, and labelled
once. An authority split between MARACs (shares below 1 in the registry) is cut into upright
strips, one per MARAC, each strip's area in proportion to that MARAC's share, ordered west to
east by where each MARAC's other tiles lie; any share no MARAC of the area holds is left as an
outline. Every MARAC is then on the map, however small its part.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import geopandas as gpd
import plotly.graph_objects as go
import polars as pl
import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.ops import polylabel

from metrics.definitions import Indicator
from metrics.ranges import VERDICTS, Range
from reporting import numbers
from reporting.charts import framed
from reporting.coverage_words import Coverage
from reporting.numbers import pair_beside_verdict
from reporting.theme import INK, MUTED, text_colour
from reporting.verdicts import COMPACT_KEY, Verdict

GAP = 0.08  # between neighbouring tiles: cells are 1 apart, so a square tile is 0.92 a side
TILE = 1 - GAP
HEX_RISE = math.sqrt(3) / 2  # rows of pointy-topped hexagons 1 wide are this far apart
HEX_RADIUS = 1 / math.sqrt(3)
SNAP = 1e-9  # tile corners on a common grid, so neighbouring tiles share their edges exactly and merge cleanly
BRITISH_NATIONAL_GRID = 27700  # metres, so shapes keep their true proportions on screen
#: sequential single-hue blues (ColorBrewer Blues), safe for colour-blind readers; darker is higher
VALUE_COLOURS = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"]
NO_DATA_FILL = "#f3f2f1"
#: a figure whose verdict is withheld (too few quarters returned): a darker grey than "no figures", so a tile with a
#: figure nobody could judge never reads as a tile with nothing
INCOMPLETE_FILL = "#c9c5bd"
OUTLINE_ONLY = "not covered by this area's MARACs"  # outlines, for orientation: never in the legend
#: the smallest label worth printing: below it a map is labelled by hover only (all of England)
MIN_LABEL_SIZE = 8


# --------------------------------------------------------------------------- tiles


def cell_centre(col: int, row: int, shape: str = "square") -> tuple[float, float]:
    """Where a cell's tile is centred: x east, y north (row 0 at the top); hex rows odd-r, half a tile east when odd."""
    if shape == "hex":
        return col + 0.5 * (row % 2), -row * HEX_RISE
    return float(col), float(-row)


def cell_polygon(col: int, row: int, shape: str = "square") -> Polygon:
    """The whole cell (1 across), touching its neighbours; tiles are drawn inset from it by GAP / 2."""
    x, y = cell_centre(col, row, shape)
    if shape == "hex":
        corners = [
            (x + HEX_RADIUS * math.cos(math.radians(a)), y + HEX_RADIUS * math.sin(math.radians(a)))
            for a in (30, 90, 150, 210, 270, 330)
        ]
        return shapely.set_precision(Polygon(corners), SNAP)
    return shapely.set_precision(box(x - 0.5, y - 0.5, x + 0.5, y + 0.5), SNAP)


def _inset(shape: shapely.Geometry) -> shapely.Geometry:
    """The shape drawn a little inside its cells, so neighbours keep a gap; a strip narrower than the gap (a MARAC's
    1% of a tile) keeps its full width rather than vanish from the map."""
    inset = shape.buffer(-GAP / 2, join_style="mitre")
    return inset if not inset.is_empty else shape


def tile_shapes(layout: pl.DataFrame) -> gpd.GeoDataFrame:
    """One tile per layout cell, each authority its own shape (marac_code is its lad_code): a map where every MARAC
    is one authority, as London's are. `marac_tiles` draws any registry."""
    shapes = _shapes_of(layout)
    codes = layout["lad_code"].to_list()
    return gpd.GeoDataFrame(
        {
            "marac_code": codes,
            "lad_code": codes,
            "name": layout["name"].to_list(),
            "abbreviation": layout["abbreviation"].to_list(),
        },
        geometry=[_inset(cell_polygon(c, r, s)) for c, r, s in shapes],
    )


def _shapes_of(cells: pl.DataFrame) -> list[tuple[int, int, str]]:
    shape = cells["shape"].to_list() if "shape" in cells.columns else ["square"] * cells.height
    return list(zip(cells["col"].to_list(), cells["row"].to_list(), shape, strict=True))


def choose_layout(layout: pl.DataFrame, lad_codes: list[str]) -> str | None:
    """The layout placing most of these local authorities (None if none places any).

    A tie goes to the layout with fewer cells, the more local one: London Squared (33 squares) over the hexes of all
    of England and Wales, which place London's 33 boroughs too; a partnership's own layout of its force over both.
    """
    wanted = set(lad_codes)
    if not wanted or layout.is_empty():
        return None
    counts = layout.group_by("layout").agg(
        pl.col("lad_code").is_in(list(wanted)).sum().alias("placed"), pl.len().alias("cells")
    )
    best = counts.filter(pl.col("placed") > 0).sort(["placed", "cells", "layout"], descending=[True, False, False])
    return best["layout"][0] if best.height else None


@dataclass
class TileMap:
    """What `marac_tiles` drew: one row per MARAC and per outline (marac_code, name, note, outline, geometry), the
    names of MARACs it could not place, and the short label printed on each shape (by marac_code)."""

    shapes: gpd.GeoDataFrame
    missing: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def marac_tiles(
    cells: pl.DataFrame,
    marac_areas: pl.DataFrame,
    maracs: pl.DataFrame,
    context: list[str] | tuple[str, ...] = (),
    nearby: list[str] | tuple[str, ...] = (),
) -> TileMap:
    """Each MARAC as the union of its local authorities' tiles in one layout, and outlines for orientation.

    `cells` are one layout's (lad_code, col, row, shape, abbreviation, name); `marac_areas` the registry's
    (marac_code, lad_code, share); `maracs` the MARACs to draw (marac_code, marac_name). `context` names the
    authorities of the area's region or force: those no MARAC drawn here covers are outlines (the City of London on
    London's map); those in `nearby` (the rest of a force's region) are outlines only where they sit among the
    area's tiles, within the box they span (the City of London on the Metropolitan Police's map), so the map shows
    no holes. A MARAC covering an authority the layout does not place is left off and named in `missing`, as a
    part-drawn MARAC would look smaller than it is. A split authority is cut as the module's note says.
    """
    names = dict(maracs.select("marac_code", "marac_name").iter_rows())
    covering = marac_areas.filter(pl.col("marac_code").is_in(list(names)) & (pl.col("share") > 0))
    placed = {r["lad_code"]: r for r in cells.iter_rows(named=True)}
    by_marac: dict[str, list[tuple[str, float]]] = {}
    for code, lad, share in covering.select("marac_code", "lad_code", "share").iter_rows():
        by_marac.setdefault(code, []).append((lad, float(share)))
    drawn = {c: areas for c, areas in by_marac.items() if all(lad in placed for lad, _ in areas)}
    missing = sorted(names[c] for c in names if c not in drawn)
    sharers: dict[str, list[tuple[str, float]]] = {}
    for code, areas in drawn.items():
        for lad, share in areas:
            sharers.setdefault(lad, []).append((code, share))

    def centre(lad: str) -> tuple[float, float]:
        cell = placed[lad]
        return cell_centre(cell["col"], cell["row"], cell.get("shape") or "square")

    pieces: dict[str, list[shapely.Geometry]] = {code: [] for code in drawn}
    outlines: list[tuple[str, str, shapely.Geometry]] = []  # (lad, name, shape)
    for lad, sharing in sharers.items():
        cell = placed[lad]
        whole = cell_polygon(cell["col"], cell["row"], cell.get("shape") or "square")
        if len(sharing) == 1 and sharing[0][1] >= 1:
            pieces[sharing[0][0]].append(whole)
            continue

        def west_to_east(item: tuple[str, float], lad: str = lad) -> tuple[float, str]:
            others = [centre(other)[0] for other, _ in drawn[item[0]] if other != lad]
            return (sum(others) / len(others) if others else centre(lad)[0], item[0])

        ordered = sorted(sharing, key=west_to_east)
        total = sum(share for _, share in ordered)
        fractions = [share / max(total, 1.0) for _, share in ordered]
        parts = split_cell(whole, fractions)
        for (code, _), part in zip(ordered, parts, strict=False):
            pieces[code].append(part)
        if len(parts) > len(ordered):  # a share no MARAC here holds
            outlines.append((lad, cell["name"], parts[-1]))
    spanned = [centre(lad) for lad in sharers]
    if spanned and nearby:
        xs, ys = [x for x, _ in spanned], [y for _, y in spanned]
        inside = [
            lad
            for lad in nearby
            if lad in placed and min(xs) <= centre(lad)[0] <= max(xs) and min(ys) <= centre(lad)[1] <= max(ys)
        ]
        context = list(dict.fromkeys([*context, *inside]))
    for lad in context:
        if lad in placed and lad not in sharers:
            outlines.append((lad, placed[lad]["name"], cell_polygon(placed[lad]["col"], placed[lad]["row"],
                                                                    placed[lad].get("shape") or "square")))  # fmt: skip

    codes = sorted(drawn, key=lambda c: names[c])
    rows: list[dict[str, object]] = []
    geometry: list[shapely.Geometry] = []
    for code in codes:
        rows.append({"marac_code": code, "name": names[code], "note": _covers(drawn[code], placed), "outline": False})
        geometry.append(_inset(shapely.union_all(pieces[code])))
    for lad, name, shape in sorted(outlines, key=lambda o: o[0]):
        rows.append({"marac_code": f"outline:{lad}", "name": name, "note": "", "outline": True})
        geometry.append(_inset(shape))
    shapes = gpd.GeoDataFrame(
        {k: [r[k] for r in rows] for k in ("marac_code", "name", "note", "outline")},
        geometry=geometry,
    )
    fixed, wanted = {}, {}
    for code in codes:
        areas = drawn[code]
        own = placed[areas[0][0]]["abbreviation"] if len(areas) == 1 and areas[0][1] >= 1 else None
        (fixed if own else wanted)[code] = own or names[code]
    for lad, name, _ in outlines:
        if lad in context and lad not in sharers:
            abbreviation = placed[lad]["abbreviation"]
            (fixed if abbreviation else wanted)[f"outline:{lad}"] = abbreviation or name
    return TileMap(shapes, missing, short_labels(wanted, fixed))


def split_cell(cell: Polygon, fractions: list[float]) -> list[shapely.Geometry]:
    """The cell cut by upright lines into strips of these fractions of its area, west to east, and the rest after."""
    minx, miny, maxx, maxy = cell.bounds
    area, cuts, done = cell.area, [minx], 0.0
    for fraction in fractions:
        done += fraction
        if done >= 1 - 1e-9:
            cuts.append(maxx)
            break
        low, high = cuts[-1], maxx
        for _ in range(50):  # bisection: the area west of a line grows with the line
            middle = (low + high) / 2
            if cell.intersection(box(minx - 1, miny - 1, middle, maxy + 1)).area < done * area:
                low = middle
            else:
                high = middle
        cuts.append((low + high) / 2)
    if cuts[-1] < maxx:
        cuts.append(maxx)
    return [
        shapely.set_precision(cell.intersection(box(a, miny - 1, b, maxy + 1)), SNAP)
        for a, b in itertools.pairwise(cuts)
    ]


def _covers(areas: list[tuple[str, float]], placed: dict[str, dict[str, object]]) -> str:
    """The hover's line on what a MARAC covers, when it is more than one whole authority."""
    if len(areas) == 1 and areas[0][1] >= 1:
        return ""
    areas = sorted(areas, key=lambda area: (area[1] < 1, str(placed[area[0]]["name"])))  # whole ones first, by name
    parts = [
        str(placed[lad]["name"])
        if share >= 1
        else f"part of {placed[lad]['name']} ({share:.0%}, drawn as that share of its tile)"
        for lad, share in areas
    ]
    return "Covers " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])


# --------------------------------------------------------------------------- short labels

_SMALL = {"and": "&", "with": "w", "upon": "u", "on": "o", "in": "i", "under": "u", "of": "o", "the": "", "by": "b"}
_DROPPED = re.compile(r",\s*(city|county) of$", re.IGNORECASE)


def short_label(name: str) -> str:
    """A tile's label made from a name: "BUR" for Burnley, "B&P" for Burnley and Pendle, "BwD" for Blackburn with
    Darwen, "NEL" for North East Lincolnshire, "StH" for St. Helens; the full name is in the hover."""
    return _candidates(name)[0]


def _candidates(name: str) -> list[str]:
    """Labels for a name, the shortest readable first, then longer ones to tell two alike names apart."""
    cleaned = _DROPPED.sub("", name.strip()).replace(".", "")
    words = [w for w in re.split(r"[\s\-,/]+", cleaned) if w]
    letters = [c for c in "".join(words) if c.isalnum()]
    if not letters:
        return ["?"]
    big = [w for w in words if w.lower() not in _SMALL]
    if len(big) <= 1 and len(words) == 1:
        word = "".join(c for c in words[0] if c.isalnum()).upper()
        picks = [word[:3]]
        picks += [word[0] + word[i] + word[j] for i in range(1, len(word)) for j in range(i + 1, len(word))]
        return list(dict.fromkeys([*picks, word]))
    initials = ""
    for word in words:
        small = _SMALL.get(word.lower())
        if small is not None:
            initials += small
        elif word.lower() == "st":
            initials += "St"
        else:
            initials += word[0].upper()
    if len(initials) > 5:  # a long name: its main words only
        initials = "".join(w[0].upper() for w in big)[:5]
    last = big[-1] if big else words[-1]
    return list(dict.fromkeys([initials, *(initials + last[1:i].lower() for i in range(2, len(last) + 1)), cleaned]))


def short_labels(wanted: dict[str, str], fixed: dict[str, str] | None = None) -> dict[str, str]:
    """A label for each key: `fixed` as given (a layout's own abbreviations), `wanted` made from each name by
    `short_label`, lengthened where two on one map would read alike."""
    out = dict(fixed or {})
    taken = set(out.values())
    options = {key: _candidates(name) for key, name in wanted.items()}
    for key in sorted(options, key=lambda k: (options[k][0], wanted[k])):
        label = next((c for c in options[key] if c not in taken), options[key][-1])
        out[key] = label
        taken.add(label)
    return out


def label_key(shapes: gpd.GeoDataFrame, labels: dict[str, str], ready: Callable[[str], str] = str) -> str:
    """The key under a tile map, so "BwD", "HMS" or a dotted "CTY" tile reads without hovering over it: each label
    that is not its shape's whole name, with that name ("" when every label is a whole name). `ready` readies a
    name for where the key is shown (Markdown on a page)."""
    key = sorted(
        {
            (bool(outline), labels[code].lower(), labels[code], name)
            for code, name, outline in zip(shapes["marac_code"], shapes["name"], shapes["outline"], strict=True)
            if labels.get(code) and labels[code] != name
        }
    )
    drawn = [f"{ready(label)} {ready(name)}" for outline, _, label, name in key if not outline]
    dotted = [f"{ready(label)} {ready(name)}" for outline, _, label, name in key if outline]
    said = [
        f"Labels: {'; '.join(drawn)}." if drawn else "",
        f"Dotted ({OUTLINE_ONLY}): {'; '.join(dotted)}." if dotted else "",
    ]
    return " ".join(part for part in said if part)


def tile_label_size(shapes: gpd.GeoDataFrame, height: int = 760, width: int = 1100) -> int | None:
    """The label size a tile map has room for at this chart size (13 px at most), or None when its tiles are too
    small to carry a label (the whole of England): the map is then read by hover."""
    if shapes.empty:
        return None
    minx, miny, maxx, maxy = shapes.total_bounds
    across = min((height - 210) / max(maxy - miny, 1.0), (width - 320) / max(maxx - minx, 1.0))
    size = min(13, int(across / 5))
    return size if size >= MIN_LABEL_SIZE else None


# --------------------------------------------------------------------------- boundaries


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


def label_point(shape: shapely.Geometry) -> shapely.Point:
    """Where a shape's label and click point go: the point of its largest part farthest from the edge (polylabel), so
    a merged MARAC's one label sits inside it however it bends."""
    parts = [p for p in getattr(shape, "geoms", [shape]) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return shape.representative_point()
    part = max(parts, key=lambda p: p.area)
    try:
        point = polylabel(part, tolerance=max(math.sqrt(part.area) / 100, 1e-6))
    except shapely.errors.GEOSException:  # a sliver (a 1% share of a tile) can defeat polylabel
        point = None
    return point if point is not None and not point.is_empty else part.representative_point()


def _other_pieces(shape: shapely.Geometry) -> list[shapely.Point]:
    """A hover point in each piece of a shape but its largest (pieces under 1% of it, such as islets, left out)."""
    parts = sorted(
        (p for p in getattr(shape, "geoms", []) if isinstance(p, Polygon) and not p.is_empty),
        key=lambda p: p.area,
        reverse=True,
    )
    return [label_point(p) for p in parts[1:] if p.area >= shape.area / 100]


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

    `shapes` holds marac_code, name and geometry (tiles or projected boundaries), and may hold
    `note` (a line for the hover, such as what a merged MARAC covers) and `outline`; rows marked
    as outlines, or whose code has no row in `frame` (the City of London's tile), are drawn as an
    outline for orientation only. `labels` are short names printed once on each shape, at its
    label point (`label_point`).
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
    extra: list[tuple[float, float, str, str, str, str]] = []  # hover points on a MARAC's other pieces
    notes = shapes["note"] if "note" in shapes.columns else [""] * len(shapes)
    outlines = shapes["outline"] if "outline" in shapes.columns else [False] * len(shapes)
    for code, name, shape, note, outline in zip(
        shapes["marac_code"], shapes["name"], shapes.geometry, notes, outlines, strict=True
    ):
        if shape is None or shape.is_empty:  # a strip too thin to survive drawing: nothing to draw or label
            continue
        row = None if outline else figures.get(code)
        point = label_point(shape)
        short = (labels or {}).get(code, "")
        if row is None:  # a layout cell with no MARAC of this area (the City of London)
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
            # the legend names the verdict as the tile's own words do ("● meets the expected level" for a floor);
            # a withheld verdict ("◌ not judged") sorts after the three
            plain = Verdict(verdict, one_sided=indicator.one_sided)
            key, fill, order = (
                f"{plain.symbol} {plain.words}",
                plain.colour if verdict in VERDICTS else INCOMPLETE_FILL,
                VERDICTS.index(verdict) if verdict in VERDICTS else 9,
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
        hover = _hover(name, row, indicator, item, (shown, local_shown), judged, note or "")
        centres.append((point.x, point.y, code, hover, text, text_colour(fill)))
        extra += [(p.x, p.y, code, hover, "", text_colour(fill)) for p in _other_pieces(shape)]

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
    # labels are the marker trace's own text (an annotation on top would swallow the click meant for the MARAC); a
    # MARAC in several pieces (authorities apart on the layout, a strip of a shared one) is labelled once, on its
    # largest, and hovers and clicks on every other piece too
    clickable = [c for c in centres if c[2]] + extra
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
    note: str = "",
) -> str:
    """The tile's figures on hover: the figure, its verdict with its certainty, its interval and the local share, each
    printed as the tables print them."""
    name = escape(name)
    shown, local_shown = printed
    lines = [f"<b>{name}</b>", *([escape(note)] if note else []), f"{indicator.label}: {shown}"]
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
    covered = Coverage.of(row).words  # "1 of 4 quarters returned: ...", "" when every quarter came in
    if covered:
        lines.append(covered)  # our own words, never user-supplied
    lines.append("Click to open the profile")
    return "<br>".join(lines)
