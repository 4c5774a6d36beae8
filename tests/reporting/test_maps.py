"""Map geometry and the map figure: tiles from the layout table, MARAC shapes from boundaries, colours and words."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import polars as pl
import pytest
from shapely.geometry import box

from loaders.layout import read_tile_layout
from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import maps
from reporting.theme import INK, contrast_ratio
from reporting.verdicts import VERDICT_STYLE

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "test edition")
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "boundaries"
LONDON_BOROUGHS = 32


@pytest.fixture(scope="module")
def layout() -> pl.DataFrame:
    return read_tile_layout()


def test_tiles_are_equal_squares_in_their_layout_cells(layout: pl.DataFrame) -> None:
    london = layout.filter(pl.col("layout") == "london")
    tiles = maps.tile_shapes(london)
    assert len(tiles) == 33  # the 32 boroughs and the City of London
    hackney = tiles[tiles["marac_code"] == "E09000012"].geometry.iloc[0]
    # Hackney is column 5, row 2 of London Squared: centred on (5, -2), 0.92 a side
    assert hackney.bounds == pytest.approx((5 - 0.46, -2 - 0.46, 5 + 0.46, -2 + 0.46))
    assert {round(t.area, 4) for t in tiles.geometry} == {round(maps.TILE**2, 4)}
    assert not any(a.intersects(b) for i, a in enumerate(tiles.geometry) for b in tiles.geometry[i + 1 :])


def test_the_layout_chosen_is_the_one_placing_the_area(layout: pl.DataFrame) -> None:
    assert maps.choose_layout(layout, ["E09000012", "E09000030"]) == "london"
    assert maps.choose_layout(layout, ["LAN-BP", "E06000009"]) == "lancashire"
    assert maps.choose_layout(layout, ["E08000001"]) is None  # Bolton: no tile layout


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
            "marac_code": ["A", "B", "C", "D", "X"],
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
        "not a MARAC in this registry (1)",
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
    from loaders.reference import read_reference

    gla = gpd.read_file(SHARED / "london_boroughs_gla_simplified.geojson").rename(
        columns={"gss_code": "area_code", "name": "area_name"}
    )
    tables = read_reference()
    shapes, missing = maps.boundary_shapes(
        gla.set_crs(4326, allow_override=True)[["area_code", "area_name", "geometry"]],
        tables["marac_area"],
        tables["marac"],
    )
    london = shapes[shapes["marac_code"].str.startswith("E09")]
    assert len(london) == LONDON_BOROUGHS
    assert len(missing) == 10  # Lancashire's MARACs: no Lancashire boundaries in this file
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
        from shapely.geometry import Point

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
