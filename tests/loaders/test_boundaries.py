"""Boundary files: reading any format and projection, refusing bad files, storing shapes with history, the CLI.

Small files are written in each test, so the suite runs without ../shared. Two 1 km squares in
British National Grid (EPSG:27700), south-west corners:
  City of London E09000001: E 532000, N 181000      Hackney E09000012: E 534000, N 184000
Their corners in WGS84 longitude/latitude are worked out below with Ordnance Survey's own formulas
(transverse Mercator on the Airy 1830 ellipsoid, then the 7-parameter Helmert transformation to WGS84),
independently of PROJ; e.g. E 532000, N 181000 -> -0.099181, 51.512514 (a few metres from the OSTN15
grid result, so within 1e-6 degrees of PROJ only where PROJ has no OSTN15 grid and uses Helmert too).

The real public files (../shared/data/boundaries, skipped when absent):
  london_boroughs_gla_simplified.geojson  33 London codes, E09000001-E09000033, no crs member (RFC 7946: WGS84);
                                          their areas add up to 1,594.72 km2 in EPSG:27700 (PROVENANCE.md).
  lad_dec2022_uk_buc.geojson              374 features: 309 England + 22 Wales = 331 loaded; 32 Scotland +
                                          11 Northern Ireland = 43 skipped; North Somerset (E06000024, feature 24)
                                          and East Hampshire (E07000085, feature 111) self-intersect: repaired.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from math import atan2, cos, degrees, radians, sin, sqrt, tan
from pathlib import Path

import duckdb
import geopandas
import pytest
import shapely
from pyproj import Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry import Point, Polygon, box

from loaders import reference, store
from loaders.boundaries import (
    BoundaryLoad,
    boundary_status,
    load_boundaries,
    load_boundaries_into,
    read_boundaries,
    read_boundary_file,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "boundaries"
LONDON = SHARED / "london_boroughs_gla_simplified.geojson"
ONS = SHARED / "lad_dec2022_uk_buc.geojson"

CITY, HACKNEY, TOWER_HAMLETS = "E09000001", "E09000012", "E09000030"
CORNERS = {CITY: (532000, 181000), HACKNEY: (534000, 184000), TOWER_HAMLETS: (535000, 180000)}
EXPECTED_FILE = (
    "a GeoJSON (.geojson or .json), GeoPackage (.gpkg) or shapefile (.shp with its .shx, .dbf and .prj beside it, "
    "or all of them in a .zip)"
)
EXPECTED_CRS = (
    "a coordinate reference system in the file, or a .prj file beside a shapefile "
    "(e.g. British National Grid, EPSG:27700)"
)


# --------------------------------------------------------------------------- OS formulas, written out


def osgb_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid -> WGS84 (longitude, latitude), by Ordnance Survey's published formulas.

    "A guide to coordinate systems in Great Britain": inverse transverse Mercator (Airy 1830, F0 =
    0.9996012717, true origin 49N 2W, false origin -100 km N, 400 km E), then Helmert from OSGB36 to
    WGS84 (the guide's WGS84 -> OSGB36 parameters with their signs reversed). Accurate to a few metres.
    """
    a, b, f0 = 6377563.396, 6356256.909, 0.9996012717
    lat0, lon0, n0, e0 = radians(49), radians(-2), -100_000, 400_000
    e2, n = 1 - b * b / (a * a), (a - b) / (a + b)

    def meridian(lat: float) -> float:
        d, s = lat - lat0, lat + lat0
        return (
            b
            * f0
            * (
                (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * d
                - (3 * n + 3 * n**2 + 21 / 8 * n**3) * sin(d) * cos(s)
                + (15 / 8 * n**2 + 15 / 8 * n**3) * sin(2 * d) * cos(2 * s)
                - 35 / 24 * n**3 * sin(3 * d) * cos(3 * s)
            )
        )

    lat = lat0 + (northing - n0) / (a * f0)
    while abs(northing - n0 - meridian(lat)) >= 1e-5:
        lat += (northing - n0 - meridian(lat)) / (a * f0)
    nu = a * f0 / sqrt(1 - e2 * sin(lat) ** 2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin(lat) ** 2) ** 1.5
    eta2, t, sec, de = nu / rho - 1, tan(lat), 1 / cos(lat), easting - e0
    lat_osgb = (
        lat
        - t / (2 * rho * nu) * de**2
        + t / (24 * rho * nu**3) * (5 + 3 * t * t + eta2 - 9 * t * t * eta2) * de**4
        - t / (720 * rho * nu**5) * (61 + 90 * t * t + 45 * t**4) * de**6
    )
    lon_osgb = (
        lon0
        + sec / nu * de
        - sec / (6 * nu**3) * (nu / rho + 2 * t * t) * de**3
        + sec / (120 * nu**5) * (5 + 28 * t * t + 24 * t**4) * de**5
        - sec / (5040 * nu**7) * (61 + 662 * t * t + 1320 * t**4 + 720 * t**6) * de**7
    )
    # OSGB36 geodetic -> cartesian -> Helmert -> WGS84 cartesian -> geodetic
    nu = a / sqrt(1 - e2 * sin(lat_osgb) ** 2)
    x, y, z = nu * cos(lat_osgb) * cos(lon_osgb), nu * cos(lat_osgb) * sin(lon_osgb), (1 - e2) * nu * sin(lat_osgb)
    tx, ty, tz, scale = 446.448, -125.157, 542.060, -20.4894e-6
    rx, ry, rz = (radians(seconds / 3600) for seconds in (0.1502, 0.2470, 0.8421))
    x, y, z = (
        tx + (1 + scale) * x - rz * y + ry * z,
        ty + rz * x + (1 + scale) * y - rx * z,
        tz - ry * x + rx * y + (1 + scale) * z,
    )
    a, b = 6378137.0, 6356752.314245
    e2, p = 1 - b * b / (a * a), sqrt(x * x + y * y)
    lat = atan2(z, p * (1 - e2))
    for _ in range(10):
        lat = atan2(z + e2 * a / sqrt(1 - e2 * sin(lat) ** 2) * sin(lat), p)
    return degrees(atan2(y, x)), degrees(lat)


def proj_uses_helmert() -> bool:
    """PROJ uses the same Helmert as the guide unless the OSTN15 grid (about 3 m better) is installed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return not TransformerGroup("EPSG:27700", "EPSG:4326", always_xy=True).best_available


@pytest.mark.parametrize(
    ("easting", "northing"), [(532000, 181000), (0, 0), (651409.903, 313177.270), (326000, 673000)]
)
def test_os_formulas_agree_with_proj(easting, northing):
    # the helper and PROJ implement the same published method separately: Fleet Street, the grid's false
    # origin (about 49.77N 7.56W), the guide's worked example point in Norfolk, Edinburgh
    tolerance = 1e-6 if proj_uses_helmert() else 1e-4
    expected = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(easting, northing)
    assert osgb_to_wgs84(easting, northing) == pytest.approx(expected, abs=tolerance)


# --------------------------------------------------------------------------- files written in the tests


def square(code: str) -> Polygon:
    x, y = CORNERS[code]
    return box(x, y, x + 1000, y + 1000)


def bng_frame(*codes: str, names: dict[str, str] | None = None) -> geopandas.GeoDataFrame:
    names = names or {CITY: "City of London", HACKNEY: "Hackney", TOWER_HAMLETS: "Tower Hamlets"}
    return geopandas.GeoDataFrame(
        {"LAD22CD": list(codes), "LAD22NM": [names[c] for c in codes]},
        geometry=[square(c) for c in codes],
        crs="EPSG:27700",
    )


def write_geojson(
    path: Path, features: list[tuple[dict[str, object], dict[str, object] | None]], *, crs: str | None = None
) -> Path:
    """A GeoJSON written out by hand, so the test shows exactly what the file holds."""
    collection: dict[str, object] = {"type": "FeatureCollection"}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    collection["features"] = [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]
    path.write_text(json.dumps(collection))
    return path


def polygon(shape: Polygon) -> dict[str, object]:
    return json.loads(shapely.to_geojson(shape))


def bng_geojson(tmp_path: Path, *codes: str, name: str = "squares.geojson") -> Path:
    features = [
        (
            {"LAD22CD": c, "LAD22NM": {CITY: "City of London", HACKNEY: "Hackney", TOWER_HAMLETS: "Tower Hamlets"}[c]},
            polygon(square(c)),
        )
        for c in codes
    ]
    return write_geojson(tmp_path / name, features, crs="urn:ogc:def:crs:EPSG::27700")


def corners(frame: geopandas.GeoDataFrame, code: str) -> list[tuple[float, float]]:
    shape = frame.loc[frame["area_code"] == code, "geometry"].iloc[0]
    return [tuple(c) for c in shapely.get_coordinates(shape)]


def assert_reprojected_squares(frame: geopandas.GeoDataFrame, *codes: str) -> None:
    """Every corner where OS's formulas put it (1e-6 degrees, ~0.1 m) and exactly where PROJ does.

    Corners are compared as a set: a shapefile stores rings clockwise, so the order may differ.
    """
    tolerance = 1e-6 if proj_uses_helmert() else 1e-4
    proj = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    assert list(frame["area_code"]) == sorted(codes)
    assert frame.crs.to_epsg() == 4326
    for code in codes:
        got = set(corners(frame, code))
        bng = {tuple(c) for c in shapely.get_coordinates(square(code))}
        assert len(got) == len(bng) == 4
        for e, n in bng:
            lon, lat = min(got, key=lambda c: abs(c[0] - proj.transform(e, n)[0]) + abs(c[1] - proj.transform(e, n)[1]))
            assert (lon, lat) == pytest.approx(proj.transform(e, n), abs=1e-9)
            os_lon, os_lat = osgb_to_wgs84(e, n)
            assert abs(lon - os_lon) < tolerance and abs(lat - os_lat) < tolerance, (code, e, n)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("boundaries") / "template.duckdb"
    with store.writing(db):
        pass  # schema and reference tables only
    return db


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "marac.duckdb"
    shutil.copyfile(template_db, copy)
    return copy


@pytest.fixture(scope="module")
def area_codes() -> dict[str, str]:
    return dict(reference.read_reference()["area"].select("lad_code", "lad_name").iter_rows())


def boundary_rows(db: Path) -> list[tuple]:
    """Every row of `boundary`, superseded ones included, read straight from the file."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT area_code, area_name, source_file, load_id, superseded_by FROM boundary ORDER BY load_id, area_code"
        ).fetchall()
    finally:
        conn.close()


def log(db: Path) -> list[dict]:
    return [r for r in store.read_tables(db)["load_log"].iter_rows(named=True) if r["outcome"] != "reference"]


def everything_but_the_log(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows (shapes as WKB) except the load log, which records each attempt, refused ones too."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables if t != "load_log"}
    finally:
        conn.close()


# --------------------------------------------------------------------------- formats and projections


def test_british_national_grid_geojson_is_reprojected_to_longitude_latitude(tmp_path, area_codes):
    frame, report = read_boundary_file(bng_geojson(tmp_path, HACKNEY, CITY), area_codes)
    assert report.problems == [] and report.rows == 2
    assert list(frame.columns) == ["area_code", "area_name", "geometry"]
    assert list(frame["area_name"]) == ["City of London", "Hackney"]  # from LAD22NM, sorted by code
    assert_reprojected_squares(frame, CITY, HACKNEY)
    # the City square's south-west corner, E 532000 N 181000 (a box's ring runs SE, NE, NW, SW, SE)
    assert corners(frame, CITY)[3] == pytest.approx((-0.099181, 51.512514), abs=1e-6 if proj_uses_helmert() else 1e-4)


def test_a_wrong_coordinate_system_that_puts_shapes_abroad_is_said(tmp_path, area_codes):
    # Hackney's British National Grid square declared as Web Mercator (a wrong .prj): its middle, 534,500 m and 184,500 m,
    # read as Mercator metres is 534,500 / 6,378,137 radians = 4.8015 E and gd(184,500 / 6,378,137) = 1.6572 N, in the Gulf
    # of Guinea. It loads (the user may mean it), with a warning
    features = [({"LAD22CD": HACKNEY}, polygon(square(HACKNEY)))]
    path = write_geojson(tmp_path / "mercator.geojson", features, crs="urn:ogc:def:crs:EPSG::3857")
    frame, report = read_boundary_file(path, area_codes)
    assert report.valid and len(frame) == 1
    assert [p.line() for p in report.problems] == [
        'WARNING mercator.geojson, row 1, column "LAD22CD": 1 of 1 shape(s) lie outside England and Wales once converted to '
        'longitude/latitude, e.g. E09000012 at 4.8015, 1.6572 (value "E09000012"); expected the file\'s own coordinate system '
        "(is its .prj or CRS right?) [outside-england-wales]"
    ]


def test_shapefile_with_its_sidecar_files_and_zipped(tmp_path, area_codes):
    folder = tmp_path / "shp"
    folder.mkdir()
    bng_frame(CITY, HACKNEY).to_file(folder / "squares.shp")
    assert sorted(p.suffix for p in folder.iterdir()) == [".cpg", ".dbf", ".prj", ".shp", ".shx"]
    loose, report = read_boundary_file(folder / "squares.shp", area_codes)
    assert report.problems == []
    assert_reprojected_squares(loose, CITY, HACKNEY)

    # zipped inside a folder, as downloads often are
    archive = tmp_path / "squares.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in sorted(folder.iterdir()):
            z.write(part, f"Squares_2022/{part.name}")
    zipped, report = read_boundary_file(archive, area_codes)
    assert report.problems == []
    assert_reprojected_squares(zipped, CITY, HACKNEY)


def test_geopackage_with_two_polygon_layers_needs_a_layer(tmp_path, db, area_codes):
    gpkg = tmp_path / "london.gpkg"
    bng_frame(CITY, HACKNEY).to_file(gpkg, layer="boroughs_2022")
    bng_frame(TOWER_HAMLETS).to_file(gpkg, layer="boroughs_2019")
    geopandas.GeoDataFrame({"name": ["Town Hall"]}, geometry=[Point(533000, 182000)], crs="EPSG:27700").to_file(
        gpkg, layer="offices"
    )

    frame, report = read_boundary_file(gpkg, area_codes)
    assert frame is None
    assert report.text() == (
        'ERROR london.gpkg: the file has 2 layers of polygons ("boroughs_2022", "boroughs_2019") and no layer was chosen; '
        "expected --layer NAME saying which one holds the local authority boundaries [several-layers]"
    )
    frame, report = read_boundary_file(gpkg, area_codes, layer="wards")
    assert report.text() == (
        'ERROR london.gpkg: the file has no layer called "wards"; its layers are "boroughs_2022", "boroughs_2019", "offices"; '
        "expected --layer with one of those names [unknown-layer]"
    )

    result = load_boundaries(db, gpkg, layer="boroughs_2022", who="gis.team")
    assert (result.outcome, result.loaded, result.replaced) == ("loaded", 2, 0)
    assert_reprojected_squares(read_boundaries(db), CITY, HACKNEY)
    assert [r[:3] for r in boundary_rows(db)] == [
        (CITY, "City of London", "london.gpkg, layer boroughs_2022"),
        (HACKNEY, "Hackney", "london.gpkg, layer boroughs_2022"),
    ]
    assert log(db)[-1]["message"] == "loaded 2 local authority boundaries from london.gpkg, layer boroughs_2022"


def test_longitude_latitude_without_a_crs_is_assumed_with_a_warning(tmp_path, area_codes):
    wgs84 = bng_frame(CITY, HACKNEY).to_crs("EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyogrio warns that the file will have no .prj: that is the point
        wgs84.set_crs(None, allow_override=True).to_file(tmp_path / "no_prj.shp")
    assert not (tmp_path / "no_prj.prj").exists()
    frame, report = read_boundary_file(tmp_path / "no_prj.shp", area_codes)
    assert report.text() == (
        "WARNING no_prj.shp: the file does not say which coordinate reference system it uses; every coordinate is a possible "
        f"longitude/latitude, so WGS84 (EPSG:4326) was assumed; expected {EXPECTED_CRS} [crs-assumed]"
    )
    assert_reprojected_squares(frame, CITY, HACKNEY)


def test_code_column_is_the_one_matching_most_codes_and_names_fall_back_to_the_reference(tmp_path, area_codes):
    # "ref" holds one known code by chance; "gss" holds two; there is no name column
    path = write_geojson(
        tmp_path / "codes.geojson",
        [
            ({"ref": "E09000012", "gss": CITY, "hectares": 314.9}, polygon(box(-0.10, 51.51, -0.09, 51.52))),
            ({"ref": "X1", "gss": HACKNEY, "hectares": 1905.0}, polygon(box(-0.07, 51.54, -0.06, 51.55))),
        ],
    )
    frame, report = read_boundary_file(path, area_codes)
    assert report.problems == []
    assert frame[["area_code", "area_name"]].values.tolist() == [[CITY, "City of London"], [HACKNEY, "Hackney"]]


# --------------------------------------------------------------------------- repaired, skipped, joined


def test_invalid_shapes_are_repaired_unknown_codes_skipped_and_repeated_codes_joined(tmp_path, area_codes):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[-0.10, 51.51], [-0.08, 51.53], [-0.08, 51.51], [-0.10, 51.53], [-0.10, 51.51]]],
    }
    path = write_geojson(
        tmp_path / "mixed.geojson",
        [
            ({"code": CITY, "name": "City"}, bow_tie),  # row 1: self-intersects
            ({"code": "S12000033", "name": "Aberdeen City"}, polygon(box(-2.2, 57.1, -2.1, 57.2))),  # row 2: Scotland
            ({"code": HACKNEY, "name": "Hackney"}, polygon(box(-0.07, 51.54, -0.06, 51.55))),  # row 3
            ({"code": " ", "name": "Lake"}, polygon(box(-0.05, 51.54, -0.04, 51.55))),  # row 4: blank code
            ({"code": HACKNEY, "name": "Hackney"}, polygon(box(-0.06, 51.54, -0.05, 51.55))),  # row 5: Hackney again
            ({"code": "N09000003", "name": "Belfast"}, polygon(box(-6.0, 54.5, -5.9, 54.6))),  # row 6: Northern Ireland
            ({"code": "S12000036", "name": "Edinburgh"}, polygon(box(-3.3, 55.9, -3.1, 56.0))),  # row 7: Scotland
        ],
    )
    frame, report = read_boundary_file(path, area_codes)
    assert report.text().splitlines() == [
        'WARNING mixed.geojson, column "code": 4 feature(s) skipped: their codes are not England or Wales local authorities '
        "in the reference list (e.g. S12000033, (blank), N09000003 and 1 more); expected ONS local authority codes as in "
        "data/reference/areas.csv [unknown-area-codes]",
        'WARNING mixed.geojson, column "code": 1 shape(s) were not valid and were repaired (shapely make_valid, polygonal '
        "parts kept): E09000001 City of London (row 1: Self-intersection) [invalid-geometry-repaired]",
        'WARNING mixed.geojson, column "code": 1 local authority code(s) appear in more than one feature and their shapes '
        "were joined into one: E09000012 (rows 3, 5) [duplicate-area-code]",
    ]
    assert frame[["area_code", "area_name"]].values.tolist() == [[CITY, "City"], [HACKNEY, "Hackney"]]
    city, hackney = frame.geometry
    # the bow tie becomes its two triangles, each half of 0.02 x 0.01 degrees
    assert city.is_valid and city.geom_type == "MultiPolygon" and city.area == pytest.approx(0.0002)
    # two 0.01-degree squares side by side, joined into one rectangle
    assert hackney.geom_type == "Polygon" and hackney.equals(box(-0.07, 51.54, -0.05, 51.55))


# --------------------------------------------------------------------------- refused files


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (file, the exact problem lines)."""
    csv = tmp_path / "returns.geojson"
    csv.write_text("marac_code,meeting_date\nE09000012,2021-01-14\n")
    points = write_geojson(
        tmp_path / "town_halls.geojson",
        [
            ({"code": CITY}, {"type": "Point", "coordinates": [-0.0919, 51.5155]}),
            ({"code": HACKNEY}, {"type": "Point", "coordinates": [-0.0553, 51.5450]}),
        ],
    )
    no_codes = write_geojson(
        tmp_path / "no_codes.geojson",
        [({"borough": "Hackney", "population": 259956}, polygon(box(-0.07, 51.54, -0.06, 51.55)))],
    )
    projected = write_geojson(
        tmp_path / "projected.geojson",
        [({"gss_code": CITY}, polygon(square(CITY))), ({"gss_code": HACKNEY}, polygon(square(HACKNEY)))],
    )  # no crs member
    shp_folder = tmp_path / "no_prj"
    shp_folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bng_frame(HACKNEY).set_crs(None, allow_override=True).to_file(shp_folder / "squares.shp")
    empty = write_geojson(
        tmp_path / "empty.geojson",
        [
            ({"code": CITY}, polygon(box(-0.10, 51.51, -0.09, 51.52))),
            ({"code": HACKNEY}, None),
            ({"code": TOWER_HAMLETS}, {"type": "Polygon", "coordinates": []}),
        ],
    )
    kml = tmp_path / "boroughs.kml"
    kml.write_text("<kml/>")
    big = tmp_path / "big.geojson"
    with open(big, "wb") as handle:
        handle.truncate(201 * 1_048_576)  # sparse: takes no disk space
    not_zip = tmp_path / "boroughs.zip"
    with zipfile.ZipFile(not_zip, "w") as z:
        z.writestr("boroughs.geojson", projected.read_text())
    return {
        "csv renamed": (
            csv,
            [
                f"ERROR returns.geojson: the file could not be read as GeoJSON; expected {EXPECTED_FILE} [not-a-boundary-file]"
            ],
        ),
        "points": (
            points,
            [
                "ERROR town_halls.geojson, row 1: 2 of 2 shape(s) are not polygons (Point); expected areas "
                "(Polygon or MultiPolygon), not points or lines [not-polygons]"
            ],
        ),
        "no code column": (
            no_codes,
            [
                "ERROR no_codes.geojson: no column holds an England or Wales local authority code; the "
                'columns are "borough", "population"; expected a column of ONS local authority codes such '
                "as E09000012 (e.g. LAD22CD or gss_code) [no-area-codes]"
            ],
        ),
        "projected, no crs": (
            projected,
            [
                "ERROR projected.geojson, row 1: coordinates such as (533000, 181000) are not "
                "longitude/latitude, and the file does not say which coordinate reference system they "
                f"are in; expected {EXPECTED_CRS} [no-crs]"
            ],
        ),
        "shapefile, no prj": (
            shp_folder / "squares.shp",
            [
                "ERROR squares.shp, row 1: coordinates such as (535000, 184000) are not longitude/latitude, and the file does not "
                f"say which coordinate reference system they are in; expected {EXPECTED_CRS} [no-crs]"
            ],
        ),
        "empty geometry": (
            empty,
            [
                f'ERROR empty.geojson, row 2, column "code": this local authority\'s feature has no shape (value "{HACKNEY}"); '
                "expected a Polygon or MultiPolygon [empty-geometry]",
                f'ERROR empty.geojson, row 3, column "code": this local authority\'s feature has no shape (value "{TOWER_HAMLETS}"); '
                "expected a Polygon or MultiPolygon [empty-geometry]",
            ],
        ),
        "other format": (
            kml,
            [
                'ERROR boroughs.kml: the file name ends in ".kml", which is not a boundary file type read here; '
                f"expected {EXPECTED_FILE} [not-a-boundary-file]"
            ],
        ),
        "too large": (
            big,
            [
                "ERROR big.geojson: the file is 201.0 MB; expected a boundary file of at most 200 MB (all UK local "
                "authorities, generalised, are 1-10 MB) [boundary-file-too-large]"
            ],
        ),
        "zip without shapefile": (
            not_zip,
            [f"ERROR boroughs.zip: the zip holds no shapefile (.shp); expected {EXPECTED_FILE} [not-a-boundary-file]"],
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "csv renamed",
        "points",
        "no code column",
        "projected, no crs",
        "shapefile, no prj",
        "empty geometry",
        "other format",
        "too large",
        "zip without shapefile",
    ],
)
def test_bad_file_is_refused_with_exact_problems_and_changes_only_the_log(case, tmp_path, db):
    load_boundaries(db, bng_geojson(tmp_path, CITY, TOWER_HAMLETS), who="setup")  # something to keep
    path, lines = _bad_files(tmp_path)[case]
    before, log_before = everything_but_the_log(db), log(db)

    result = load_boundaries(db, path, who="a.coordinator")

    assert (result.outcome, result.loaded, result.replaced) == ("refused", 0, 0) and result.refused
    assert [p.line() for p in result.report.problems] == lines
    assert everything_but_the_log(db) == before  # shapes, reference tables, meta: all as they were
    entries = log(db)
    assert entries[:-1] == log_before
    refused = entries[-1]
    assert (refused["file_name"], refused["outcome"], refused["rows"], refused["loaded_by"], refused["load_id"]) == (
        path.name,
        "refused",
        0,
        "a.coordinator",
        result.load_id,
    )
    assert refused["message"] == f"refused: {len(lines)} error(s); first: {lines[0]}"
    conn = duckdb.connect(str(db), read_only=True)
    try:
        (problems,) = conn.execute("SELECT problems FROM load_log WHERE load_id = ?", [result.load_id]).fetchone()
    finally:
        conn.close()
    assert [p.line() for p in store.problems_from_json(problems)] == lines


def test_refused_file_leaves_no_boundary_table_behind(tmp_path, db):
    result = load_boundaries(db, _bad_files(tmp_path)["points"][0])
    assert result.refused
    assert "boundary" not in everything_but_the_log(db)
    assert read_boundaries(db).empty


# --------------------------------------------------------------------------- storing: replacement, history, unchanged


def test_second_file_replaces_only_its_codes_and_keeps_the_old_rows(tmp_path, db):
    first = load_boundaries(db, bng_geojson(tmp_path, CITY, HACKNEY, name="first.geojson"), who="gis.team")
    second = load_boundaries(db, bng_geojson(tmp_path, HACKNEY, TOWER_HAMLETS, name="second.geojson"), who="gis.team")

    assert (first.outcome, first.loaded, first.replaced) == ("loaded", 2, 0)
    assert (second.outcome, second.loaded, second.replaced) == ("loaded", 2, 1)  # Hackney only
    assert boundary_rows(db) == [
        (CITY, "City of London", "first.geojson", first.load_id, None),
        (HACKNEY, "Hackney", "first.geojson", first.load_id, second.load_id),
        (HACKNEY, "Hackney", "second.geojson", second.load_id, None),
        (TOWER_HAMLETS, "Tower Hamlets", "second.geojson", second.load_id, None),
    ]
    current = read_boundaries(db)
    assert list(current["area_code"]) == [CITY, HACKNEY, TOWER_HAMLETS]
    assert_reprojected_squares(current, CITY, HACKNEY, TOWER_HAMLETS)
    status = boundary_status(db)
    assert (status.shapes, status.superseded) == (3, 1)
    assert [(s.source_file, s.load_id, s.loaded_by, s.shapes) for s in status.sources] == [
        ("first.geojson", first.load_id, "gis.team", 1),
        ("second.geojson", second.load_id, "gis.team", 2),
    ]
    entries = log(db)
    assert [(e["file_name"], e["outcome"], e["rows"], e["rows_superseded"]) for e in entries] == [
        ("first.geojson", "boundaries", 2, 0),
        ("second.geojson", "boundaries", 2, 1),
    ]
    assert entries[1]["message"] == "loaded 2 local authority boundaries; replaced 1 earlier, kept as history"
    assert entries[1]["sha256"] == hashlib.sha256((tmp_path / "second.geojson").read_bytes()).hexdigest()


def test_identical_bytes_again_change_nothing(tmp_path, db):
    path = bng_geojson(tmp_path, CITY, HACKNEY)
    first = load_boundaries(db, path)
    before = everything_but_the_log(db)
    again = load_boundaries(db, path)

    assert (again.outcome, again.loaded, again.replaced, again.same_as) == ("unchanged", 0, 0, first.load_id)
    assert everything_but_the_log(db) == before
    entry = log(db)[-1]
    assert (entry["outcome"], entry["rows"]) == ("unchanged", 2)
    assert (
        entry["message"] == f"identical to load {first.load_id}, whose 2 boundaries are still current; nothing changed"
    )


def test_an_older_file_loaded_again_becomes_current_again(tmp_path, db):
    # unlike a return, a boundary file is chosen on purpose: loading an older one again means "use these shapes"
    old = bng_geojson(tmp_path, CITY, HACKNEY, name="old.geojson")
    first = load_boundaries(db, old)
    newer = load_boundaries(db, bng_geojson(tmp_path, HACKNEY, name="new.geojson"))
    again = load_boundaries(db, old)
    assert (again.outcome, again.replaced) == ("loaded", 2)  # City from the first load, Hackney from the newer one
    assert [r[3:] for r in boundary_rows(db)] == [
        (first.load_id, again.load_id),
        (first.load_id, newer.load_id),
        (newer.load_id, again.load_id),
        (again.load_id, None),
        (again.load_id, None),
    ]


def test_dashboard_reads_the_old_shapes_while_a_load_is_under_way(tmp_path, db):
    load_boundaries(db, bng_geojson(tmp_path, CITY, name="first.geojson"))
    with store.writing(db) as conn:
        assert load_boundaries_into(conn, bng_geojson(tmp_path, HACKNEY, name="second.geojson")).outcome == "loaded"
        assert read_boundaries(db)["area_code"].tolist() == [CITY]  # the live file, not locked, not half-written
    assert read_boundaries(db)["area_code"].tolist() == [CITY, HACKNEY]


def test_read_boundaries_before_any_load_is_an_empty_frame(db):
    frame = read_boundaries(db)
    assert frame.empty and list(frame.columns) == ["area_code", "area_name", "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert boundary_status(db).shapes == 0 and boundary_status(db).sources == []


def test_missing_database_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^no database at "):
        load_boundaries(tmp_path / "none.duckdb", bng_geojson(tmp_path, CITY))
    assert not (tmp_path / "none.duckdb").exists()


def test_shapes_read_back_are_the_shapes_loaded(tmp_path, db, area_codes):
    path = bng_geojson(tmp_path, CITY, HACKNEY)
    frame, _ = read_boundary_file(path, area_codes)
    load_boundaries(db, path)
    back = read_boundaries(db)
    assert back["area_code"].tolist() == frame["area_code"].tolist()
    assert all(a.equals_exact(b, 0) for a, b in zip(back.geometry, frame.geometry, strict=True))


# --------------------------------------------------------------------------- the real public files


@pytest.mark.skipif(not LONDON.exists(), reason="../shared/data/boundaries is not next to this checkout")
def test_gla_london_boroughs(db, area_codes):
    frame, report = read_boundary_file(LONDON, area_codes)
    assert report.problems == []  # no crs member is standard GeoJSON (RFC 7946: WGS84), so no warning
    assert frame["area_code"].tolist() == [f"E090000{n:02d}" for n in range(1, 34)]
    assert frame.loc[0, "area_name"] == "City of London" and frame.geometry.is_valid.all()
    assert frame.to_crs("EPSG:27700").area.sum() / 1e6 == pytest.approx(1594.72, abs=0.05)
    result = load_boundaries(db, LONDON)
    assert (result.outcome, result.loaded) == ("loaded", 33)


@pytest.fixture(scope="module")
def ons_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BoundaryLoad, float]:
    if not ONS.exists():
        pytest.skip("../shared/data/boundaries is not next to this checkout")
    db = tmp_path_factory.mktemp("ons") / "marac.duckdb"
    shutil.copyfile(template_db, db)
    started = time.perf_counter()
    result = load_boundaries(db, ONS, who="ons.test")
    return db, result, time.perf_counter() - started


def test_ons_december_2022_file_loads_england_and_wales(ons_db):
    db, result, _ = ons_db
    assert (result.outcome, result.loaded, result.replaced, result.repaired, result.skipped) == (
        "loaded",
        331,
        0,
        2,
        43,
    )
    assert result.report.text().splitlines() == [
        'WARNING lad_dec2022_uk_buc.geojson, column "LAD22CD": 43 feature(s) skipped: their codes are not England or Wales '
        "local authorities in the reference list (e.g. N09000001, N09000002, N09000003 and 40 more); expected ONS local "
        "authority codes as in data/reference/areas.csv [unknown-area-codes]",
        'WARNING lad_dec2022_uk_buc.geojson, column "LAD22CD": 2 shape(s) were not valid and were repaired (shapely '
        "make_valid, polygonal parts kept): E06000024 North Somerset (row 24: Ring Self-intersection); E07000085 East "
        "Hampshire (row 111: Ring Self-intersection) [invalid-geometry-repaired]",
    ]
    frame = read_boundaries(db)
    assert len(frame) == 331 and frame.geometry.is_valid.all()
    assert frame["area_code"].str[0].value_counts().to_dict() == {"E": 309, "W": 22}
    assert frame.set_index("area_code").loc["E09000012", "area_name"] == "Hackney"
    minx, miny, maxx, maxy = frame.total_bounds  # England and Wales, Scilly to Berwick
    assert -6.5 < minx < -6.0 and 49.8 < miny < 50.0 and 1.7 < maxx < 1.8 and 55.7 < maxy < 55.9
    assert log(db)[-1]["message"] == "loaded 331 local authority boundaries; 2 warning(s)"


def test_ons_shapes_read_back_well_under_half_a_second(ons_db):
    db, _, _ = ons_db
    read_boundaries(db)  # first read pays for imports and the file cache
    started = time.perf_counter()
    frame = read_boundaries(db)
    assert time.perf_counter() - started < 0.5
    assert len(frame) == 331


# --------------------------------------------------------------------------- the CLI


def _cli(tmp_path: Path, *args: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "MARAC_PROGRESS")}
    return subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "boundaries", *map(str, args)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_loads_refuses_and_lists(tmp_path, db):
    good = bng_geojson(tmp_path, CITY, HACKNEY)
    done = _cli(tmp_path, "load", good, "--db", db, "--who", "cli.test")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == ["Loaded 2 local authority boundaries from squares.geojson."]

    replacing = bng_geojson(tmp_path, HACKNEY, name="hackney.geojson")
    done = _cli(tmp_path, "load", replacing, "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "Loaded 1 local authority boundary from hackney.geojson (1 replacing earlier ones, kept as history)."
    ]

    bad, lines = _bad_files(tmp_path)["points"]
    done = _cli(tmp_path, "load", bad, "--db", db)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [*lines, "Refused town_halls.geojson: 1 error; no boundaries were changed."]

    done = _cli(tmp_path, "load", good, "--db", db)
    assert done.returncode == 0
    assert "squares.geojson is identical to load" not in done.stderr  # Hackney was replaced since: a real load
    assert done.stderr.splitlines() == [
        "Loaded 2 local authority boundaries from squares.geojson (2 replacing earlier ones, kept as history)."
    ]

    done = _cli(tmp_path, "list", "--db", db)
    assert done.returncode == 0, done.stderr
    assert (
        "squares.geojson" in done.stdout and "hackney.geojson" not in done.stdout
    )  # every Hackney shape is from squares now
    # history: City and Hackney from the first load, Hackney from hackney.geojson
    assert done.stderr.splitlines() == ["2 local authority boundaries held; 3 earlier kept as history."]
    assert log(db)[0]["loaded_by"] == "cli.test"


def test_cli_missing_database_or_file_exits_2(tmp_path, db):
    done = _cli(tmp_path, "load", bng_geojson(tmp_path, CITY), "--db", tmp_path / "none.duckdb")
    assert done.returncode == 2
    assert "No database at" in done.stderr and not (tmp_path / "none.duckdb").exists()
    done = _cli(tmp_path, "load", tmp_path / "missing.geojson", "--db", db)
    assert done.returncode == 2
    assert done.stderr.strip() == f"No file at {tmp_path / 'missing.geojson'}."
    assert log(db) == []


def test_cli_gpkg_asks_for_a_layer(tmp_path, db):
    gpkg = tmp_path / "london.gpkg"
    bng_frame(CITY).to_file(gpkg, layer="a")
    bng_frame(HACKNEY).to_file(gpkg, layer="b")
    done = _cli(tmp_path, "load", gpkg, "--db", db)
    assert done.returncode == 1
    assert 'the file has 2 layers of polygons ("a", "b") and no layer was chosen' in done.stderr
    done = _cli(tmp_path, "load", gpkg, "--db", db, "--layer", "b")
    assert done.returncode == 0, done.stderr
    assert read_boundaries(db)["area_code"].tolist() == [HACKNEY]
