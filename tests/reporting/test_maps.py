"""Map geometry and the map figure: tiles from the layouts, each MARAC the union of its authorities' tiles (or of their
loaded boundaries), a split authority shared in strips, colours and words."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import polars as pl
import pytest
from shapely.geometry import Point, box

from loaders.layout import HEXES, LONDON, read_tile_layout
from loaders.reference import REFERENCE_DIR
from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import maps
from reporting.theme import INK, contrast_ratio
from reporting.verdicts import VERDICT_STYLE

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "test edition")
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "boundaries"
LONDON_BOROUGHS = 32
AREAS = pl.read_csv(REFERENCE_DIR / "areas.csv", infer_schema_length=0)
HEX_AREA = math.sqrt(3) / 2  # a regular hexagon 1 across its flat sides


@pytest.fixture(scope="module")
def layout() -> pl.DataFrame:
    return read_tile_layout()


def test_tiles_are_equal_squares_in_their_layout_cells(layout: pl.DataFrame) -> None:
    london = layout.filter(pl.col("layout") == LONDON)
    tiles = maps.tile_shapes(london)
    assert len(tiles) == 33  # the 32 boroughs and the City of London
    hackney = tiles[tiles["lad_code"] == "E09000012"].geometry.iloc[0]
    # Hackney is column 5, row 2 of London Squared: centred on (5, -2), 0.92 a side
    assert hackney.bounds == pytest.approx((5 - 0.46, -2 - 0.46, 5 + 0.46, -2 + 0.46))
    assert {round(t.area, 4) for t in tiles.geometry} == {round(maps.TILE**2, 4)}
    assert not any(a.intersects(b) for i, a in enumerate(tiles.geometry) for b in tiles.geometry[i + 1 :])


def test_hexes_are_odd_r_neighbours_sharing_whole_edges() -> None:
    here = maps.cell_polygon(3, 4, "hex")
    assert here.area == pytest.approx(HEX_AREA)
    assert maps.cell_centre(3, 5, "hex") == pytest.approx((3.5, -5 * math.sqrt(3) / 2))  # odd rows half a tile east
    edge = 1 / math.sqrt(3)
    # an even row's neighbours below are the cell beneath-left and beneath (odd-r); east and west, the same row
    for col, row in ((2, 5), (3, 5), (2, 4), (4, 4), (2, 3), (3, 3)):
        assert here.intersection(maps.cell_polygon(col, row, "hex")).length == pytest.approx(edge), (col, row)
    assert here.intersection(maps.cell_polygon(4, 5, "hex")).area == 0
    assert here.distance(maps.cell_polygon(4, 5, "hex")) > 0  # not a neighbour: apart, not touching


def test_the_layout_chosen_is_the_one_placing_most_of_the_area_s_authorities(layout: pl.DataFrame) -> None:
    london = AREAS.filter(pl.col("region_name") == "London")["lad_code"].to_list()
    lancashire = AREAS.filter(pl.col("pfa_name") == "Lancashire")["lad_code"].to_list()
    # London Squared and the hexes both place all 33: the tie goes to the more local layout
    assert maps.choose_layout(layout, london) == LONDON
    assert maps.choose_layout(layout, lancashire) == HEXES
    assert maps.choose_layout(layout, ["E08000001"]) == HEXES  # Bolton: every authority has a hex now
    assert maps.choose_layout(layout, ["W99999999"]) is None and maps.choose_layout(layout, []) is None
    own = pl.DataFrame(
        {"layout": "lancs", "lad_code": lancashire, "col": range(14), "row": [0] * 14, "shape": "square"}
    )
    assert maps.choose_layout(pl.concat([layout.select(own.columns), own]), lancashire) == "lancs"


def _cells(placed: dict[str, tuple[int, int]], shape: str = "square", names: dict[str, str] | None = None):
    return pl.DataFrame(
        {
            "lad_code": list(placed),
            "col": [c for c, _ in placed.values()],
            "row": [r for _, r in placed.values()],
            "shape": shape,
            "abbreviation": [None] * len(placed),
            "name": [(names or {}).get(code, code) for code in placed],
        },
        schema_overrides={"abbreviation": pl.String},
    )


def _registry(rows: list[tuple[str, str, float]], names: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    areas = pl.DataFrame(rows, schema=["marac_code", "lad_code", "share"], orient="row")
    maracs = pl.DataFrame({"marac_code": list(names), "marac_name": list(names.values())})
    return areas, maracs


def _shape(drawn: maps.TileMap, code: str):
    return drawn.shapes[drawn.shapes["marac_code"] == code].geometry.iloc[0]


def test_a_marac_covering_two_authorities_is_one_shape_labelled_once() -> None:
    cells = _cells({"L1": (0, 0), "L2": (1, 0), "L3": (0, 1)}, names={"L1": "Burnley", "L2": "Pendle", "L3": "Hynd"})
    areas, maracs = _registry(
        [("BP", "L1", 1.0), ("BP", "L2", 1.0), ("H", "L3", 1.0)], {"BP": "Burnley and Pendle", "H": "Hyndburn"}
    )
    drawn = maps.marac_tiles(cells, areas, maracs)
    assert list(drawn.shapes["marac_code"]) == ["BP", "H"] and drawn.missing == []
    both = _shape(drawn, "BP")
    assert both.geom_type == "Polygon"  # one shape, not two squares side by side
    # the two tiles, and the gap they no longer leave between them: (2 - 0.08) x 0.92
    assert both.area == pytest.approx(2 * maps.TILE**2 + maps.GAP * maps.TILE)
    assert both.bounds == pytest.approx((-0.46, -0.46, 1.46, 0.46))
    assert drawn.labels == {"BP": "B&P", "H": "HYN"}
    assert drawn.shapes.set_index("marac_code").loc["BP", "note"] == "Covers Burnley and Pendle"
    frame = pl.DataFrame({"group_code": ["BP", "H"], "group_name": ["Burnley and Pendle", "Hyndburn"],
                          "repeat_rate": [0.3, 0.2], "repeat_verdict": ["within", "below"]})  # fmt: skip
    fig = maps.map_figure(drawn.shapes, frame, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="s",
                          labels=drawn.labels)  # fmt: skip
    markers = fig.data[-1]
    assert list(markers.customdata) == ["BP", "H"] and list(markers.text) == ["B&P<br>● 30.0%", "HYN<br>▼ 20.0%"]
    assert both.contains(Point(markers.x[0], markers.y[0]))  # its one label sits inside it
    assert "Covers Burnley and Pendle" in markers.hovertext[0]


def test_two_hexes_of_one_marac_merge_into_one_shape(layout: pl.DataFrame) -> None:
    hexes = layout.filter(pl.col("layout") == HEXES)
    areas, maracs = _registry([("LAN-BP", "E07000117", 1.0), ("LAN-BP", "E07000122", 1.0)],
                              {"LAN-BP": "Burnley and Pendle"})  # fmt: skip
    drawn = maps.marac_tiles(hexes, areas, maracs)
    shape = _shape(drawn, "LAN-BP")
    assert shape.geom_type == "Polygon"  # Burnley and Pendle are neighbours on the hex map
    inset_hex = HEX_AREA * maps.TILE**2
    assert 2 * inset_hex < shape.area < 2 * HEX_AREA
    assert drawn.labels == {"LAN-BP": "B&P"}


def test_an_authority_split_between_two_maracs_is_cut_in_proportion_west_to_east() -> None:
    cells = _cells({"W": (0, 0), "M": (1, 0), "E": (2, 0)}, names={"W": "Westshire", "M": "Middleton", "E": "Eastby"})
    areas, maracs = _registry(
        [("EAST", "E", 1.0), ("EAST", "M", 0.4), ("WEST", "W", 1.0), ("WEST", "M", 0.6)],
        {"WEST": "West and Middleton North", "EAST": "East and Middleton South"},
    )
    drawn = maps.marac_tiles(cells, areas, maracs)
    west, east = _shape(drawn, "WEST"), _shape(drawn, "EAST")
    # Middleton's square (x 0.5 to 1.5) cut at 1.1: 60% to the MARAC whose other tile lies west; each shape inset 0.04
    assert west.bounds == pytest.approx((-0.46, -0.46, 1.06, 0.46))
    assert east.bounds == pytest.approx((1.14, -0.46, 2.46, 0.46))
    assert west.area == pytest.approx(1.52 * 0.92) and east.area == pytest.approx(1.32 * 0.92)
    notes = drawn.shapes.set_index("marac_code")["note"]
    assert notes["WEST"] == "Covers Westshire and part of Middleton (60%, drawn as that share of its tile)"
    assert not drawn.shapes["outline"].any()  # Middleton wholly shared out


def test_a_share_no_marac_of_the_area_holds_is_left_as_an_outline() -> None:
    cells = _cells({"W": (0, 0), "M": (1, 0), "E": (2, 0)})
    areas, maracs = _registry([("WEST", "W", 1.0), ("WEST", "M", 0.5), ("EAST", "E", 1.0), ("EAST", "M", 0.3)],
                              {"WEST": "West", "EAST": "East"})  # fmt: skip
    drawn = maps.marac_tiles(cells, areas, maracs)
    rest = _shape(drawn, "outline:M")
    assert rest.bounds == pytest.approx((1.3 + 0.04, -0.46, 1.46, 0.46))  # the east fifth of Middleton's square
    assert drawn.shapes.set_index("marac_code").loc["outline:M", "outline"]


def test_a_hex_is_split_by_area_not_by_width() -> None:
    hexagon = maps.cell_polygon(0, 0, "hex")
    parts = maps.split_cell(hexagon, [0.25, 0.5])
    assert [p.area / hexagon.area for p in parts] == pytest.approx([0.25, 0.5, 0.25], abs=1e-6)
    assert parts[0].bounds[2] < parts[1].bounds[2] < parts[2].bounds[2]  # west to east


def test_outlines_for_orientation_and_maracs_the_layout_cannot_place() -> None:
    cells = _cells({"A": (0, 0), "B": (1, 0), "CITY": (0, 1)}).with_columns(
        pl.when(pl.col("lad_code") == "CITY").then(pl.lit("CTY")).alias("abbreviation")
    )
    areas, maracs = _registry(
        [("A", "A", 1.0), ("B", "B", 1.0), ("FAR", "B", 0.0), ("AWAY", "A", 0.5), ("AWAY", "NOWHERE", 1.0)],
        {"A": "Alpha", "B": "Beta", "AWAY": "Away"},
    )
    drawn = maps.marac_tiles(cells, areas, maracs, context=["A", "B", "CITY", "NOT-IN-LAYOUT"])
    assert drawn.missing == ["Away"]  # it covers an authority with no place in the layout: not drawn part-way
    assert list(drawn.shapes["marac_code"]) == ["A", "B", "outline:CITY"]
    assert list(drawn.shapes["outline"]) == [False, False, True]
    assert drawn.labels["outline:CITY"] == "CTY"  # the layout's own abbreviation, kept


def test_a_tile_map_s_key_spells_out_each_short_label_and_the_dotted_tiles() -> None:
    """'BwD', 'HMS' or a dotted 'CTY' tile were unexplained on screen: the key under the map names each, MARACs first
    (by label), then the outlines; a label that is the whole name needs no key, and names are readied for Markdown."""
    cells = _cells(
        {"BD": (0, 0), "HF": (1, 0), "ZED": (2, 0), "CITY": (0, 1)},
        names={"BD": "Blackburn with Darwen", "HF": "Hammersmith and Fulham", "ZED": "Zed", "CITY": "City of London"},
    ).with_columns(pl.when(pl.col("lad_code") == "CITY").then(pl.lit("CTY")).alias("abbreviation"))
    areas, maracs = _registry(
        [("BD", "BD", 1.0), ("HF", "HF", 1.0), ("ZED", "ZED", 1.0)],
        {"BD": "Blackburn with Darwen", "HF": "Hammersmith *and* Fulham", "ZED": "Zed"},
    )
    drawn = maps.marac_tiles(cells, areas, maracs, context=["CITY"])
    assert drawn.labels == {"BD": "BwD", "HF": "H*F", "ZED": "ZED", "outline:CITY": "CTY"}
    assert maps.label_key(drawn.shapes, drawn.labels, lambda s: s.replace("*", "\\*")) == (
        "Labels: BwD Blackburn with Darwen; H\\*F Hammersmith \\*and\\* Fulham; ZED Zed. "
        "Dotted (not covered by this area's MARACs): CTY City of London."
    )
    whole = {code: name for code, name in zip(drawn.shapes["marac_code"], drawn.shapes["name"], strict=True)}
    assert maps.label_key(drawn.shapes, whole) == ""  # every label its name: nothing to explain


def test_a_force_s_map_outlines_the_region_s_authorities_only_where_they_sit_among_its_tiles() -> None:
    # the Metropolitan Police's boroughs around the City of London, another force in the same region
    cells = _cells({"W": (0, 0), "CITY": (1, 0), "E": (2, 0), "FAR": (5, 5)})
    areas, maracs = _registry([("W", "W", 1.0), ("E", "E", 1.0)], {"W": "West", "E": "East"})
    drawn = maps.marac_tiles(cells, areas, maracs, context=["W", "E"], nearby=["W", "CITY", "E", "FAR"])
    assert list(drawn.shapes["marac_code"]) == ["E", "W", "outline:CITY"]  # FAR lies outside the force's tiles


def test_a_west_yorkshire_like_registry_gets_a_tile_map_from_the_shipped_hexes(layout: pl.DataFrame) -> None:
    west_yorkshire = AREAS.filter(pl.col("pfa_name") == "West Yorkshire")
    assert west_yorkshire.height == 5
    names = dict(west_yorkshire.select("lad_code", "lad_name").iter_rows())
    # three MARACs built here: Leeds alone, Bradford with Calderdale, Kirklees with Wakefield
    areas, maracs = _registry(
        [("WY-L", "E08000035", 1.0), ("WY-BC", "E08000032", 1.0), ("WY-BC", "E08000033", 1.0),
         ("WY-KW", "E08000034", 1.0), ("WY-KW", "E08000036", 1.0)],
        {"WY-L": "Leeds", "WY-BC": "Bradford and Calderdale", "WY-KW": "Kirklees and Wakefield"},
    )  # fmt: skip
    hexes = layout.filter(pl.col("layout") == maps.choose_layout(layout, list(names)))
    region = AREAS.filter(pl.col("region_name") == "Yorkshire and The Humber")["lad_code"].to_list()
    drawn = maps.marac_tiles(hexes, areas, maracs, context=region)
    maracs_drawn = drawn.shapes[~drawn.shapes["outline"]]
    assert set(maracs_drawn["marac_code"]) == {"WY-L", "WY-BC", "WY-KW"} and drawn.missing == []
    assert drawn.shapes["outline"].sum() == len(region) - 5  # the rest of the region, for orientation
    assert {drawn.labels[c] for c in ("WY-L", "WY-BC", "WY-KW")} == {"LEE", "B&C", "K&W"}
    for code, shape in zip(maracs_drawn["marac_code"], maracs_drawn.geometry, strict=True):
        assert not any(shape.intersects(other) for other in drawn.shapes.geometry if other is not shape), code
    assert maps.tile_label_size(drawn.shapes) == 13  # a force's hexes are big enough to label


def test_all_of_england_draws_one_shape_per_marac_and_is_read_by_hover(layout: pl.DataFrame) -> None:
    england = AREAS.filter(pl.col("country_name") == "England")
    areas = england.select(pl.col("lad_code").alias("marac_code"), "lad_code", pl.lit(1.0).alias("share"))
    maracs = england.select(pl.col("lad_code").alias("marac_code"), pl.col("lad_name").alias("marac_name"))
    drawn = maps.marac_tiles(layout.filter(pl.col("layout") == HEXES), areas, maracs)
    assert len(drawn.shapes) == 309 and drawn.missing == []
    assert len(set(drawn.labels.values())) == 309  # every label on one map its own
    assert maps.tile_label_size(drawn.shapes) is None  # too small to label: hover tells


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Burnley", "BUR"),
        ("Burnley and Pendle", "B&P"),
        ("Blackburn with Darwen", "BwD"),
        ("North East Lincolnshire", "NEL"),
        ("Kingston upon Hull, City of", "KuH"),
        ("St. Helens", "StH"),
        ("Stoke-on-Trent", "SoT"),
        ("Chorley and South Ribble", "C&SR"),
    ],
)
def test_short_labels_read_as_the_names_they_stand_for(name: str, label: str) -> None:
    assert maps.short_label(name) == label


def test_short_labels_on_one_map_are_told_apart() -> None:
    labels = maps.short_labels({"a": "South Hams", "b": "South Holland", "c": "Barnet", "d": "Barnsley"}, {"x": "BAR"})
    assert labels["x"] == "BAR" and len(set(labels.values())) == 5
    assert labels["a"] == "SH" and labels["b"].startswith("SH") and labels["c"] != "BAR"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 14.0%..43.4%: 29.4 points in at most 7 classes is 4.2 a class, so 5% steps from 10%
        (
            [0.140, 0.434],
            [(0.10, 0.15), (0.15, 0.20), (0.20, 0.25), (0.25, 0.30), (0.30, 0.35), (0.35, 0.40), (0.40, 0.45)],
        ),
        # 20%..30%: 2% steps; 30% sits on a bound, so it needs the class above it
        ([0.20, 0.30], [(0.20, 0.22), (0.22, 0.24), (0.24, 0.26), (0.26, 0.28), (0.28, 0.30), (0.30, 0.32)]),
        ([0.25, 0.25], [(0.25, 0.25)]),  # all alike: one class
    ],
)
def test_value_classes_are_round_and_cover_every_value(
    values: list[float], expected: list[tuple[float, float]]
) -> None:
    classes = maps.value_classes(values)
    assert classes == [pytest.approx(c) for c in expected]
    assert len(classes) <= len(maps.VALUE_COLOURS)


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "group_code": ["A", "B", "C", "D"],
            "group_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "repeat_rate": [0.45, 0.20, 0.30, None],
            "repeat_verdict": ["above", "below", "within", None],
            "repeat_rate_ci95_low": [0.40, 0.15, 0.25, None],
            "repeat_rate_ci95_high": [0.50, 0.26, 0.35, None],
            "cases": [400, 100, 250, None],
        }
    )


def _tiles() -> gpd.GeoDataFrame:
    cells = pl.DataFrame(
        {
            "layout": "t",
            "lad_code": ["A", "B", "C", "D", "X"],
            "abbreviation": ["ALP", "BET", "GAM", "DEL", "XXX"],
            "col": [0, 1, 2, 0, 1],
            "row": [0, 0, 0, 1, 1],
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Nowhere"],
        }
    )
    return maps.tile_shapes(cells)


def test_map_colours_by_verdict_with_symbols_and_counts() -> None:
    labels = {"A": "ALP", "B": "BET", "C": "GAM", "D": "DEL", "X": "XXX"}
    fig = maps.map_figure(
        _tiles(), _frame(), REPEAT, REPEAT_RANGE, title="Repeat rate", subtitle="s", source="src", labels=labels
    )
    fills = [t for t in fig.data if t.fill == "toself"]
    # below, within, above, then no data, then the outline-only cell (not in the legend)
    assert [t.name for t in fills] == [
        "▼ below the expected range (1)",
        "● within the expected range (1)",
        "▲ above the expected range (1)",
        "no figures for this period (1)",
        "not covered by this area's MARACs (1)",
    ]
    assert [t.fillcolor for t in fills[:3]] == [VERDICT_STYLE[v]["colour"] for v in ("below", "within", "above")]
    assert fills[-1].showlegend is False
    markers = fig.data[-1]
    assert list(markers.customdata) == ["A", "B", "C", "D"]  # the City-like cell "X" has nothing to click
    assert list(markers.text) == ["ALP<br>▲ 45.0%", "BET<br>▼ 20.0%", "GAM<br>● 30.0%", "DEL<br>no data"]
    assert "95% interval 40.0%–50.0%" in markers.hovertext[0] and "400 cases" in markers.hovertext[0]
    for colour, fill in zip(markers.textfont.color, ("#6a3d9a", "#0072B2", "#00703c", maps.NO_DATA_FILL), strict=True):
        assert contrast_ratio(colour, fill) >= 4.5  # every label readable on its tile (WCAG AA)
    assert [a.text for a in fig.layout.annotations if a.text == "XXX"] == [
        "XXX"
    ]  # the outline cell keeps its quiet label


def test_a_tile_s_hover_says_what_its_figure_rests_on() -> None:
    # Beta sent 1 of 4 quarters of the 12 months, Alpha all 4: only Beta's hover says so
    frame = _frame().with_columns(
        pl.Series("quarters_with_data", [4, 1, 4, None]),
        pl.Series("maracs_in_group", [1, 1, 1, 1]),
        pl.lit("12m").alias("window"),
    )
    fig = maps.map_figure(_tiles(), frame, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src")
    hover = dict(zip(fig.data[-1].customdata, fig.data[-1].hovertext, strict=True))
    assert "1 of 4 quarters returned: one quarter's rate shown as a year's" in hover["B"]
    assert "quarters returned" not in hover["A"]


def test_a_withheld_verdict_has_a_tile_of_its_own_not_the_no_data_one() -> None:
    frame = _frame().with_columns(pl.Series("repeat_verdict", ["above", "incomplete", "within", None]))
    fig = maps.map_figure(_tiles(), frame, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src")
    fills = {t.name: t.fillcolor for t in fig.data if t.fill == "toself"}
    assert fills["◌ not judged: too little data (1)"] == maps.INCOMPLETE_FILL != maps.NO_DATA_FILL
    assert fills["no figures for this period (1)"] == maps.NO_DATA_FILL


def test_map_by_value() -> None:
    fig = maps.map_figure(
        _tiles(), _frame(), REPEAT, REPEAT_RANGE, colour_by="value", title="t", subtitle="s", source="src"
    )
    names = [t.name for t in fig.data if t.fill == "toself" and t.showlegend is not False]
    # 20%, 30% and 45%: 25 points in at most 7 classes is 3.6 a class, so 5% steps from 20% to 50%; three used
    assert names == [
        "20% to under 25% (1)",
        "30% to under 35% (1)",
        "45% to under 50% (1)",
        "no figures for this period (1)",
    ]
    hover = dict(zip(fig.data[-1].customdata, fig.data[-1].hovertext, strict=True))
    assert "Repeat rate: 20.0%" in hover["B"]


def _squares_4326() -> gpd.GeoDataFrame:
    """Burnley and Pendle as two adjoining 2 km squares in British National Grid, given in WGS84 as a boundary file would be."""
    shapes = gpd.GeoDataFrame(
        {"area_code": ["E07000117", "E07000122"], "area_name": ["Burnley", "Pendle"]},
        geometry=[box(384000, 430000, 386000, 432000), box(386000, 430000, 388000, 432000)],
        crs=27700,
    )
    return shapes.to_crs(4326)


def test_boundary_shapes_join_a_marac_s_authorities_and_name_those_missing() -> None:
    marac_areas = pl.DataFrame(
        {
            "marac_code": ["LAN-BP", "LAN-BP", "LAN-CSR", "LAN-CSR"],
            "lad_code": ["E07000117", "E07000122", "E07000118", "E07000126"],
            "share": [1.0] * 4,
        }
    )
    maracs = pl.DataFrame(
        {"marac_code": ["LAN-BP", "LAN-CSR"], "marac_name": ["Burnley and Pendle", "Chorley and South Ribble"]}
    )
    shapes, missing = maps.boundary_shapes(_squares_4326(), marac_areas, maracs)
    assert list(shapes["marac_code"]) == ["LAN-BP"] and missing == [
        "Chorley and South Ribble"
    ]  # no Chorley shape loaded
    burnley_pendle = shapes.geometry.iloc[0]
    assert burnley_pendle.geom_type == "Polygon"  # the two squares are one shape, not two
    assert burnley_pendle.area == pytest.approx(8_000_000, rel=1e-3)  # 2 x 4 km² back in metres
    assert burnley_pendle.bounds == pytest.approx((384000, 430000, 388000, 432000), abs=5)


@pytest.mark.skipif(
    not (SHARED / "london_boroughs_gla_simplified.geojson").exists(), reason="shared boundary files not present"
)
def test_london_boundaries_make_32_borough_shapes() -> None:
    gla = gpd.read_file(SHARED / "london_boroughs_gla_simplified.geojson").rename(
        columns={"gss_code": "area_code", "name": "area_name"}
    )
    # a registry built here: one MARAC per borough, and Burnley and Pendle, which this file has no shapes for
    boroughs = AREAS.filter(pl.col("region_name") == "London", pl.col("lad_code") != "E09000001")
    marac_areas = pl.concat(
        [
            boroughs.select(pl.col("lad_code").alias("marac_code"), "lad_code", pl.lit(1.0).alias("share")),
            pl.DataFrame({"marac_code": ["LAN-BP"] * 2, "lad_code": ["E07000117", "E07000122"], "share": [1.0] * 2}),
        ]
    )
    maracs = pl.concat(
        [
            boroughs.select(pl.col("lad_code").alias("marac_code"), pl.col("lad_name").alias("marac_name")),
            pl.DataFrame({"marac_code": ["LAN-BP"], "marac_name": ["Burnley and Pendle"]}),
        ]
    )
    shapes, missing = maps.boundary_shapes(
        gla.set_crs(4326, allow_override=True)[["area_code", "area_name", "geometry"]], marac_areas, maracs
    )
    london = shapes[shapes["marac_code"].str.startswith("E09")]
    assert len(london) == LONDON_BOROUGHS
    assert missing == ["Burnley and Pendle"]  # no Lancashire boundaries in this file
    # the file's boroughs add up to 1,594.72 km² with the City; the 32 boroughs a little under, after simplification
    assert 1_585 < london.geometry.area.sum() / 1e6 < 1_595
    fig = maps.map_figure(
        london,
        pl.DataFrame(
            {
                "group_code": list(london["marac_code"]),
                "group_name": list(london["name"]),
                "repeat_rate": [0.3] * 32,
                "repeat_verdict": ["within"] * 32,
            }
        ),
        REPEAT,
        REPEAT_RANGE,
        title="t",
        subtitle="s",
        source="src",
    )
    markers = fig.data[-1]
    assert len(markers.customdata) == LONDON_BOROUGHS
    for code, x, y in zip(
        markers.customdata, markers.x, markers.y, strict=True
    ):  # every click point inside its borough
        assert london[london["marac_code"] == code].geometry.iloc[0].contains(Point(x, y))
    assert fig.layout.yaxis.scaleanchor == "x"  # metres both ways: shapes keep their proportions
    assert INK in {t.line.color for t in fig.data if t.fill == "toself"}


def test_a_figure_with_nothing_to_judge_it_against_says_no_verdict() -> None:
    minoritised = next(i for i in INDICATORS if i.key == "racially_minoritised")
    item = Range("racially_minoritised", "local_share", None, None, "", "", "e")
    frame = pl.DataFrame(
        {
            "group_code": ["A"],
            "group_name": ["Alpha"],
            "share_racially_minoritised": [0.4],
            "racially_minoritised_verdict": [None],
            "local_share_not_white_british": [None],
        },
        schema_overrides={"racially_minoritised_verdict": pl.String, "local_share_not_white_british": pl.Float64},
    )
    fig = maps.map_figure(
        _tiles().head(1), frame, minoritised, item, title="t", subtitle="s", source="src", labels={"A": "ALP"}
    )
    assert [t.name for t in fig.data if t.fill == "toself"] == [
        "no verdict (1)"
    ]  # no local population share to judge by
    assert list(fig.data[-1].text) == ["ALP<br>40.0%"]


def test_a_one_percent_share_of_a_tile_is_still_drawn_and_labelled() -> None:
    """An authority split 99%/1% leaves a strip narrower than the gap between tiles: it keeps its width, not vanish
    (and a page drawing it no longer fails on an empty shape)."""
    cells = pl.DataFrame(
        {"layout": ["t"] * 2, "lad_code": ["E09000012", "E09000030"], "col": [0, 1], "row": [0, 0],
         "shape": ["square"] * 2, "abbreviation": ["HAC", "TOW"], "name": ["Hackney", "Tower Hamlets"], "source": [""] * 2}
    )  # fmt: skip
    marac_areas = pl.DataFrame(
        {"marac_code": ["BIG", "SLIVER", "E09000030"], "lad_code": ["E09000012", "E09000012", "E09000030"],
         "share": [0.99, 0.01, 1.0]}
    )  # fmt: skip
    maracs = pl.DataFrame(
        {"marac_code": ["BIG", "SLIVER", "E09000030"], "marac_name": ["Big", "Sliver", "Tower Hamlets"]}
    )
    drawn = maps.marac_tiles(cells, marac_areas, maracs)
    sliver = drawn.shapes[drawn.shapes["marac_code"] == "SLIVER"].geometry.iloc[0]
    assert not sliver.is_empty and sliver.area == pytest.approx(0.01 * maps.cell_polygon(0, 0, "square").area, rel=0.05)
    assert not maps.label_point(sliver).is_empty
