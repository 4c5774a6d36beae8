"""Local authority boundaries from a file a partnership supplies, checked and kept in the database.

The map page draws MARACs from real shapes, but shapes come in many formats, projections and
geographies (ONS, the GLA, a council's GIS team). This module reads GeoJSON, GeoPackage and
shapefiles (loose or zipped), finds the column of ONS local authority codes itself, brings the
coordinates to longitude/latitude (EPSG:4326), repairs invalid shapes, and reports everything
it did or could not do as `Problem`s, so the CLI and any upload page show the same words.

Shapes are stored as WKB in the `boundary` table, written only through `store.writing` (a copy
swapped in atomically): a running dashboard is never locked out and a refused file leaves every
table but the load log as it was. A new file replaces the current shapes of the codes it covers
and keeps the replaced rows, marked `superseded_by`, as history.
"""

from __future__ import annotations

import getpass
import hashlib
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import duckdb
import geopandas
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely
from pyogrio.errors import CRSError, DataLayerError, DataSourceError, FeatureError, FieldError, GeometryError
from pyproj.exceptions import CRSError as ProjCRSError
from pyproj.exceptions import ProjError

from loaders import load_log, store
from loaders.problems import Problem, ValidationReport, problem

SCHEMA = """
CREATE TABLE IF NOT EXISTS boundary (
    area_code VARCHAR NOT NULL,   -- ONS local authority code, as in the area table
    area_name VARCHAR,
    geometry BLOB NOT NULL,       -- WKB, EPSG:4326 (longitude, latitude), Polygon or MultiPolygon
    source_file VARCHAR,          -- the file name, and its layer when it has several
    sha256 VARCHAR,
    load_id BIGINT NOT NULL,
    superseded_by BIGINT          -- the load whose shape replaced this one; NULL while current
);
"""

MAX_FILE_BYTES = 200 * 1_048_576
WGS84 = "EPSG:4326"

#: suffix -> (what it is called in messages, GDAL drivers that may read it)
FORMATS: dict[str, tuple[str, frozenset[str]]] = {
    ".geojson": ("GeoJSON", frozenset({"GeoJSON"})),
    ".json": ("GeoJSON", frozenset({"GeoJSON", "TopoJSON", "ESRIJSON"})),
    ".gpkg": ("a GeoPackage", frozenset({"GPKG"})),
    ".shp": ("a shapefile (are its .shx and .dbf files beside it?)", frozenset({"ESRI Shapefile"})),
    ".zip": ("a zipped shapefile", frozenset({"ESRI Shapefile"})),
}
SHAPEFILE_PARTS = (".shx", ".dbf", ".prj", ".cpg")
EXPECTED_FILE = (
    "a GeoJSON (.geojson or .json), GeoPackage (.gpkg) or shapefile (.shp with its .shx, .dbf and .prj "
    "beside it, or all of them in a .zip)"
)
EXPECTED_CODES = "a column of ONS local authority codes such as E09000012 (e.g. LAD22CD or gss_code)"
EXPECTED_CRS = "a coordinate reference system in the file, or a .prj file beside a shapefile (e.g. British National Grid, EPSG:27700)"
POLYGONAL = ("Polygon", "MultiPolygon")
_READ_ERRORS = (
    DataSourceError,
    DataLayerError,
    FeatureError,
    FieldError,
    GeometryError,
    CRSError,
    OSError,
    zipfile.BadZipFile,
)
_EXAMPLES = 3  # codes quoted in a warning about many features
_NAMED = 10  # repaired shapes named one by one


# --------------------------------------------------------------------------- reading a file


@dataclass
class _Reading:
    """What reading a file found: the shapes to load (None if refused) and what was done to them."""

    frame: geopandas.GeoDataFrame | None
    report: ValidationReport
    source: str  # file name, with the layer when the file has several
    repaired: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class _Layer:
    name: str
    source: str  # what GDAL opens: the file, or /vsizip/... for a shapefile inside a zip
    gdal_layer: str | None  # None: the only layer of `source`
    geometry_type: str | None


def read_boundary_file(
    path: Path, area_codes: dict[str, str], *, layer: str | None = None
) -> tuple[geopandas.GeoDataFrame | None, ValidationReport]:
    """Shapes for the known local authority codes in a boundary file, in EPSG:4326, and what was found.

    `area_codes` maps ONS code -> name (the reference `area` table). The frame has one row per
    known code (area_code, area_name, geometry) and is None when the file has any error.
    """
    reading = _read(Path(path), area_codes, layer)
    return reading.frame, reading.report


def _read(path: Path, area_codes: dict[str, str], layer: str | None) -> _Reading:
    report = ValidationReport(file=path.name)
    refuse = _refuser(report, path.name)
    found = _check_file(path)
    if found:
        return refuse([found])
    layers = _layers(path)
    if isinstance(layers, Problem):
        return refuse([layers])
    chosen = _choose_layer(path, layers, layer)
    if isinstance(chosen, Problem):
        return refuse([chosen])
    frame = _read_layer(path, chosen)
    if isinstance(frame, Problem):
        return refuse([frame])
    source = path.name if len(layers) == 1 else f"{path.name}, layer {chosen.name}"
    return _shapes(frame, path, area_codes, report, source)


def _refuser(report: ValidationReport, source: str) -> Callable[[list[Problem]], _Reading]:
    """Refusing: the problems so far go into the report, and no shapes come back."""

    def refuse(problems: list[Problem]) -> _Reading:
        report.problems.extend(problems)
        return _Reading(None, report, source)

    return refuse


def _check_file(path: Path) -> Problem | None:
    """Refuse what is missing, of an unknown type or too large before GDAL sees it."""
    file = path.name
    if not path.is_file():
        return problem("not-a-boundary-file", file, "there is no file at this path", expected=EXPECTED_FILE)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        said = f'the file name ends in "{path.suffix}"' if path.suffix else "the file name has no extension"
        return problem(
            "not-a-boundary-file", file, f"{said}, which is not a boundary file type read here", expected=EXPECTED_FILE
        )
    size = sum(p.stat().st_size for p in _parts(path))
    what = "file"
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return problem(
                "not-a-boundary-file", file, "the file is not a readable zip archive", expected=EXPECTED_FILE
            )
        if unpacked > size:
            size, what = unpacked, "zip's content"
    if size > MAX_FILE_BYTES:
        return problem(
            "boundary-file-too-large",
            file,
            f"the {what} is {size / 1_048_576:.1f} MB",
            expected=f"a boundary file of at most {MAX_FILE_BYTES // 1_048_576} MB "
            "(all UK local authorities, generalised, are 1-10 MB)",
        )
    return None


def _parts(path: Path) -> list[Path]:
    """The file and, for a shapefile, the files beside it that belong to it."""
    if path.suffix.lower() != ".shp":
        return [path]
    beside = (
        next((p for p in (path.with_suffix(s), path.with_suffix(s.upper())) if p.is_file()), None)
        for s in SHAPEFILE_PARTS
    )
    return [path, *(p for p in beside if p is not None)]


def _layers(path: Path) -> list[_Layer] | Problem:
    """Every layer in the file (each shapefile in a zip is one), or why the file cannot be opened."""
    suffix = path.suffix.lower()
    kind, drivers = FORMATS[suffix]
    unreadable = problem(
        "not-a-boundary-file", path.name, f"the file could not be read as {kind}", expected=EXPECTED_FILE
    )
    try:
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [
                    n for n in archive.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX/")
                ]
            if not members:
                return problem(
                    "not-a-boundary-file", path.name, "the zip holds no shapefile (.shp)", expected=EXPECTED_FILE
                )
            sources = [(PurePosixPath(m).stem, f"/vsizip/{path.resolve()}/{m}") for m in members]
            layers = [_Layer(name, source, None, _only_layer_type(source)) for name, source in sources]
        else:
            layers = [
                _Layer(str(name), str(path), str(name), None if shapes is None else str(shapes))
                for name, shapes in pyogrio.list_layers(path)
            ]
        if not layers:
            return unreadable
        driver = pyogrio.read_info(layers[0].source, layer=layers[0].gdal_layer)["driver"]
    except _READ_ERRORS:
        return unreadable
    if driver not in drivers:
        return problem(
            "not-a-boundary-file",
            path.name,
            f"the file could not be read as {kind} (it holds {driver} data)",
            expected=EXPECTED_FILE,
        )
    return layers


def _only_layer_type(source: str) -> str | None:
    kind = pyogrio.list_layers(source)[0][1]
    return None if kind is None else str(kind)


def _choose_layer(path: Path, layers: list[_Layer], wanted: str | None) -> _Layer | Problem:
    """The layer asked for, the only layer, or the only layer of polygons; otherwise ask which."""
    names = ", ".join(f'"{layer.name}"' for layer in layers)
    if wanted is not None:
        match = next((layer for layer in layers if layer.name == wanted), None)
        if match is None:
            return problem(
                "unknown-layer",
                path.name,
                f'the file has no layer called "{wanted}"; its layers are {names}',
                expected="--layer with one of those names",
            )
        return match
    if len(layers) == 1:
        return layers[0]
    polygons = [layer for layer in layers if "polygon" in (layer.geometry_type or "").lower()]
    if len(polygons) == 1:
        return polygons[0]
    if not polygons:
        kinds = ", ".join(f'"{layer.name}" ({layer.geometry_type or "no shapes"})' for layer in layers)
        return problem(
            "not-polygons",
            path.name,
            f"none of the file's layers holds polygons: {kinds}",
            expected="a layer of areas (Polygon or MultiPolygon), not points or lines",
        )
    listed = ", ".join(f'"{layer.name}"' for layer in polygons)
    return problem(
        "several-layers",
        path.name,
        f"the file has {len(polygons)} layers of polygons ({listed}) and no layer was chosen",
        expected="--layer NAME saying which one holds the local authority boundaries",
    )


def _read_layer(path: Path, layer: _Layer) -> geopandas.GeoDataFrame | Problem:
    kind = FORMATS[path.suffix.lower()][0]
    try:
        frame = pyogrio.read_dataframe(layer.source, layer=layer.gdal_layer)
    except _READ_ERRORS:
        return problem(
            "not-a-boundary-file", path.name, f"the file could not be read as {kind}", expected=EXPECTED_FILE
        )
    if not isinstance(frame, geopandas.GeoDataFrame):  # a table without shapes
        return problem(
            "not-polygons",
            path.name,
            f'layer "{layer.name}" holds no shapes',
            expected="a layer of areas (Polygon or MultiPolygon)",
        )
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- checking the shapes


def _shapes(
    frame: geopandas.GeoDataFrame, path: Path, area_codes: dict[str, str], report: ValidationReport, source: str
) -> _Reading:
    """Check a layer and turn its known codes' features into one valid shape per code, in EPSG:4326."""
    refuse = _refuser(report, source)
    code_column, problems = _layer_problems(frame, path, area_codes)
    if code_column is None:
        return refuse(problems)
    codes = frame[code_column].astype("string").str.strip().str.upper()
    known = codes.isin(list(area_codes)).fillna(False).astype(bool)
    problems += _feature_problems(frame, codes, known, path.name, code_column)
    if any(p.severity == "error" for p in problems):
        return refuse(problems)
    kept = frame.loc[known].copy()
    kept["area_code"] = codes[known]
    try:
        kept = (kept if kept.crs is not None else kept.set_crs(WGS84)).to_crs(WGS84)
    except (ProjError, ProjCRSError) as exc:
        return refuse(
            [
                *problems,
                problem(
                    "unusable-crs",
                    path.name,
                    f"the coordinates could not be converted from {kept.crs.name} to longitude/latitude ({exc})",
                    expected=EXPECTED_CRS,
                ),
            ]
        )
    kept["geometry"] = shapely.force_2d(kept.geometry.values)
    repaired, found = _repair(kept, path.name, code_column, area_codes)
    problems.extend(
        p
        for p in (found, _duplicates(kept, path.name, code_column), _misplaced(kept, path.name, code_column))
        if p is not None
    )
    problems.extend(
        problem(
            "empty-geometry",
            path.name,
            "this local authority's shape has no area once repaired",
            row=int(i) + 1,
            column=code_column,
            value=kept.at[i, "area_code"],
            expected="a Polygon or MultiPolygon",
        )
        for i in kept.index[kept.geometry.is_empty]
    )
    if any(p.severity == "error" for p in problems):
        return refuse(problems)
    result = _one_per_code(kept, _name_column(frame, code_column), area_codes)
    report.problems.extend(problems)
    report.rows = len(result)
    return _Reading(result, report, source, repaired=repaired, skipped=int((~known).sum()))


def _layer_problems(
    frame: geopandas.GeoDataFrame, path: Path, area_codes: dict[str, str]
) -> tuple[str | None, list[Problem]]:
    """The code column (None if the layer is refused) and what is wrong with the layer as a whole."""
    if frame.empty:
        return None, [problem("no-area-codes", path.name, "the file holds no features", expected=EXPECTED_CODES)]
    problems = [p for p in (_not_polygons(frame, path.name), _crs_problem(frame, path)) if p is not None]
    code_column = _code_column(frame, area_codes, path.name)
    if isinstance(code_column, Problem):
        return None, [*problems, code_column]
    return (None if any(p.severity == "error" for p in problems) else code_column), problems


def _feature_problems(
    frame: geopandas.GeoDataFrame, codes: pd.Series, known: pd.Series, file: str, column: str
) -> list[Problem]:
    """A known code without a shape is an error (its MARAC would vanish from the map); unknown codes are skipped."""
    empty = frame.geometry.isna() | frame.geometry.is_empty
    problems = [
        problem(
            "empty-geometry",
            file,
            "this local authority's feature has no shape",
            row=int(i) + 1,
            column=column,
            value=codes[i],
            expected="a Polygon or MultiPolygon",
        )
        for i in frame.index[known & empty]
    ]
    skipped = _skipped(frame[column], known, file, column)
    return problems + ([skipped] if skipped else [])


#: longitude and latitude around England and Wales (Scilly to Berwick, Anglesey to Lowestoft), with a margin
ENGLAND_WALES = (-7.0, 49.5, 2.5, 56.0)


def _misplaced(kept: geopandas.GeoDataFrame, file: str, column: str) -> Problem | None:
    """Shapes whose middle lies outside England and Wales: almost always a wrong .prj or CRS, which would draw the map
    somewhere else without any error. Loaded (the user may know better), but said."""
    west, south, east, north = ENGLAND_WALES
    middles = kept.geometry.representative_point()
    away = ~middles.x.between(west, east) | ~middles.y.between(south, north)
    if not away.any():
        return None
    first = away.to_numpy().nonzero()[0][0]
    point = middles.iloc[first]
    return problem(
        "outside-england-wales",
        file,
        f"{int(away.sum())} of {len(kept)} shape(s) lie outside England and Wales once converted to longitude/"
        f"latitude, e.g. {kept['area_code'].iloc[first]} at {point.x:.4f}, {point.y:.4f}",
        row=int(kept.index[first]) + 1,
        column=column,
        value=str(kept["area_code"].iloc[first]),
        expected="the file's own coordinate system (is its .prj or CRS right?)",
    )


def _not_polygons(frame: geopandas.GeoDataFrame, file: str) -> Problem | None:
    """Points and lines are not areas: a layer holding any is refused, naming the first."""
    kinds = frame.geometry.geom_type
    bad = kinds.notna() & ~kinds.isin(POLYGONAL) & ~frame.geometry.is_empty
    if not bad.any():
        return None
    first = int(bad.to_numpy().nonzero()[0][0])
    found = ", ".join(sorted(kinds[bad].unique()))
    return problem(
        "not-polygons",
        file,
        f"{int(bad.sum())} of {len(frame)} shape(s) are not polygons ({found})",
        row=first + 1,
        expected="areas (Polygon or MultiPolygon), not points or lines",
    )


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series)


def _code_column(frame: geopandas.GeoDataFrame, area_codes: dict[str, str], file: str) -> str | Problem:
    """The text column whose values match the most known codes (LAD22CD, gss_code, code, ...)."""
    best, best_hits = None, 0
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for column in columns:
        if not _is_text(frame[column]):
            continue
        values = frame[column].dropna().astype("string").str.strip().str.upper()
        hits = int(values.isin(list(area_codes)).sum())
        if hits > best_hits:
            best, best_hits = column, hits
    if best is not None:
        return best
    seen = ", ".join(f'"{c}"' for c in columns) if columns else "none"
    return problem(
        "no-area-codes",
        file,
        f"no column holds an England or Wales local authority code; the columns are {seen}",
        expected=EXPECTED_CODES,
    )


def _name_column(frame: geopandas.GeoDataFrame, code_column: str) -> str | None:
    """The names beside the codes: LAD22CD's LAD22NM, gss_code's gss_name, else the nearest "name" column."""
    text = [c for c in frame.columns if c not in (code_column, frame.geometry.name) and _is_text(frame[c])]
    for ending, named in (("CD", "NM"), ("cd", "nm"), ("CODE", "NAME"), ("Code", "Name"), ("code", "name")):
        if code_column.endswith(ending) and code_column[: -len(ending)] + named in text:
            return code_column[: -len(ending)] + named
    names = [c for c in text if c.lower() == "name" or c.lower().endswith(("nm", "name"))]
    position = list(frame.columns).index(code_column)
    return min(names, key=lambda c: abs(list(frame.columns).index(c) - position), default=None)


def _crs_problem(frame: geopandas.GeoDataFrame, path: Path) -> Problem | None:
    """No CRS is fine for longitude/latitude (assumed, with a warning); projected coordinates need one."""
    shapes = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
    coords, index = shapely.get_coordinates(shapes.values, return_index=True)
    outside = (abs(coords[:, 0]) > 180) | (abs(coords[:, 1]) > 90)
    if frame.crs is not None and not (frame.crs.is_geographic and outside.any()):
        return None
    if not outside.any():
        return problem(
            "crs-assumed",
            path.name,
            "the file does not say which coordinate reference system it uses; every "
            "coordinate is a possible longitude/latitude, so WGS84 (EPSG:4326) was assumed",
            expected=EXPECTED_CRS,
        )
    at = int(outside.nonzero()[0][0])
    x, y = coords[at]
    row = int(shapes.index[index[at]]) + 1
    return problem(
        "no-crs",
        path.name,
        f"coordinates such as ({x:.10g}, {y:.10g}) are not longitude/latitude, and the file "
        "does not say which coordinate reference system they are in",
        row=row,
        expected=EXPECTED_CRS,
    )


def _examples(values: list[str]) -> str:
    shown = ", ".join(values[:_EXAMPLES])
    return shown + (f" and {len(values) - _EXAMPLES} more" if len(values) > _EXAMPLES else "")


def _skipped(raw: pd.Series, known: pd.Series, file: str, column: str) -> Problem | None:
    """One warning for every feature whose code is not a known local authority (Scotland, wards, ...)."""
    if known.all():
        return None
    values = [(str(v).strip() or "(blank)") if pd.notna(v) else "(blank)" for v in raw[~known]]
    distinct = list(dict.fromkeys(values))
    return problem(
        "unknown-area-codes",
        file,
        f"{len(values)} feature(s) skipped: their codes are not England or Wales local "
        f"authorities in the reference list (e.g. {_examples(distinct)})",
        column=column,
        expected="ONS local authority codes as in data/reference/areas.csv",
    )


def _repair(
    kept: geopandas.GeoDataFrame, file: str, column: str, area_codes: dict[str, str]
) -> tuple[int, Problem | None]:
    """Make invalid shapes valid (their polygonal parts), so areas and overlays work; one warning names them."""
    invalid = ~kept.geometry.is_valid
    if not invalid.any():
        return 0, None
    named = []
    for i in kept.index[invalid]:
        reason = shapely.is_valid_reason(kept.geometry[i]).split("[")[0]
        named.append(f"{kept.at[i, 'area_code']} {area_codes[kept.at[i, 'area_code']]} (row {i + 1}: {reason})")
        kept.at[i, "geometry"] = _polygonal(shapely.make_valid(kept.geometry[i]))
    listed = "; ".join(named[:_NAMED]) + (f"; and {len(named) - _NAMED} more" if len(named) > _NAMED else "")
    return len(named), problem(
        "invalid-geometry-repaired",
        file,
        f"{len(named)} shape(s) were not valid and were repaired (shapely make_valid, polygonal parts kept): {listed}",
        column=column,
    )


def _polygonal(shape: shapely.Geometry) -> shapely.Geometry:
    """The polygonal parts of what make_valid returned (it may add stray lines or points)."""
    if shape.geom_type in POLYGONAL:
        return shape
    parts = [p for p in shapely.get_parts(shape) if p.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _duplicates(kept: geopandas.GeoDataFrame, file: str, column: str) -> Problem | None:
    """Several features for one code (islands drawn apart, say) are joined; one warning says which."""
    counts = kept["area_code"].value_counts(sort=False)
    repeated = [code for code in dict.fromkeys(kept["area_code"]) if counts[code] > 1]
    if not repeated:
        return None
    listed = [
        f"{code} (rows {', '.join(str(i + 1) for i in kept.index[kept['area_code'] == code])})" for code in repeated
    ]
    return problem(
        "duplicate-area-code",
        file,
        f"{len(repeated)} local authority code(s) appear in more than one feature and "
        f"their shapes were joined into one: {_examples(listed)}",
        column=column,
    )


def _one_per_code(
    kept: geopandas.GeoDataFrame, name_column: str | None, area_codes: dict[str, str]
) -> geopandas.GeoDataFrame:
    """One row per code, sorted, named from the file where it names them, else from the reference table."""
    codes = kept["area_code"].astype(str)
    names = (
        kept[name_column].astype("string").str.strip()
        if name_column
        else pd.Series(pd.NA, index=kept.index, dtype="string")
    )
    names = names.mask(names == "").fillna(codes.map(area_codes)).astype(str)
    shapes = pd.Series(kept.geometry.values, index=kept.index, dtype=object)
    for code in codes[codes.duplicated()].unique():  # the few codes drawn as several features
        parts = codes == code
        shapes[parts.idxmax()] = _polygonal(shapely.union_all(kept.geometry[parts].values))
    first = ~codes.duplicated()
    frame = geopandas.GeoDataFrame(
        {"area_code": codes[first].to_numpy(), "area_name": names[first].to_numpy()},
        geometry=list(shapes[first]),
        crs=WGS84,
    )
    return frame.sort_values("area_code", ignore_index=True)


# --------------------------------------------------------------------------- storing


@dataclass
class BoundaryLoad:
    """What one load attempt did; `loaded` shapes went in, `replaced` earlier ones were kept as history."""

    file: str
    outcome: str  # loaded | unchanged | refused
    report: ValidationReport
    load_id: int | None = None
    loaded: int = 0
    replaced: int = 0
    repaired: int = 0
    skipped: int = 0  # features whose codes are not known local authorities
    same_as: int | None = None  # for "unchanged": the earlier load whose shapes are current

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"


def load_boundaries(db_path: Path, path: Path, *, who: str | None = None, layer: str | None = None) -> BoundaryLoad:
    """Check a boundary file and, if it has no errors, make its shapes the current ones for its codes.

    Writes through `store.writing` (a copy swapped in), so readers are never locked out and a
    refusal changes nothing but one load-log row. The database must exist already.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(
            f"no database at {db_path}: run `marac demo --db {db_path}` or `marac load FILE --db {db_path}`"
        )
    with store.writing(db_path) as conn:
        return load_boundaries_into(conn, Path(path), who=who, layer=layer)


def load_boundaries_into(
    conn: duckdb.DuckDBPyConnection, path: Path, *, who: str | None = None, layer: str | None = None
) -> BoundaryLoad:
    """The load itself, on a connection from `store.writing`; one transaction, one load-log row."""
    started, who = load_log.now(), who or getpass.getuser()
    reading = _read(path, _area_codes(conn), layer)
    report = reading.report
    report.sha256 = _sha256(path)
    result = BoundaryLoad(path.name, "refused", report, repaired=reading.repaired, skipped=reading.skipped)
    if reading.frame is None:
        errors = report.errors
        result.load_id = load_log.record(
            conn, report, started, "refused", f"refused: {len(errors)} error(s); first: {errors[0].line()}", who
        )
        return result
    earlier = _current_load_of(conn, report.sha256, reading.source)
    if earlier is not None:
        same_as, count = earlier
        message = f"identical to load {same_as}, whose {count} boundaries are still current; nothing changed"
        result.outcome, result.same_as = "unchanged", same_as
        result.load_id = load_log.record(conn, report, started, "unchanged", message, who)
        return result
    conn.begin()
    try:
        result.load_id, result.replaced = _store(conn, reading, report, started, who)
        conn.commit()
    except duckdb.Error as exc:  # a storage fault: recorded, nothing of the file kept
        _rollback(conn)
        report.problems.append(
            problem(
                "load-failed",
                path.name,
                f"the file passed every check but could not be stored "
                f"({type(exc).__name__}: {exc}); nothing from it was loaded",
                expected="a successful load; please report this",
            )
        )
        result.load_id = load_log.record(conn, report, started, "refused", f"refused: {report.errors[-1].line()}", who)
        return result
    except BaseException:
        _rollback(conn)
        raise
    result.outcome, result.loaded = "loaded", len(reading.frame)
    return result


def _store(
    conn: duckdb.DuckDBPyConnection, reading: _Reading, report: ValidationReport, started: datetime, who: str
) -> tuple[int, int]:
    """Supersede the current shapes of the file's codes and insert its own; returns (load id, replaced)."""
    frame = reading.frame
    assert frame is not None
    conn.execute(SCHEMA)
    load_id = _next_id(conn)
    incoming = pa.table(
        {
            "area_code": pa.array(frame["area_code"].tolist(), pa.string()),
            "area_name": pa.array(frame["area_name"].tolist(), pa.string()),
            "geometry": pa.array(shapely.to_wkb(frame.geometry.values).tolist(), pa.binary()),
        }
    )
    conn.register("incoming_boundaries", incoming)
    try:
        replaced = int(
            conn.execute(
                "UPDATE boundary SET superseded_by = ? WHERE superseded_by IS NULL "
                "AND area_code IN (SELECT area_code FROM incoming_boundaries)",
                [load_id],
            ).fetchall()[0][0]
        )
        conn.execute(
            "INSERT INTO boundary (area_code, area_name, geometry, source_file, sha256, load_id) "
            "SELECT area_code, area_name, geometry, ?, ?, ? FROM incoming_boundaries",
            [reading.source, report.sha256, load_id],
        )
    finally:
        conn.unregister("incoming_boundaries")
    message = f"loaded {len(frame)} local authority boundaries"
    if reading.source != report.file:
        message += f" from {reading.source}"
    if replaced:
        message += f"; replaced {replaced} earlier, kept as history"
    if report.warnings:
        message += f"; {len(report.warnings)} warning(s)"
    load_log.record(conn, report, started, "boundaries", message, who, load_id=load_id, superseded=replaced)
    return load_id, replaced


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back, accepting that a failed commit may already have ended the transaction."""
    with suppress(duckdb.Error):
        conn.rollback()


def _next_id(conn: duckdb.DuckDBPyConnection) -> int:
    return int(conn.execute("SELECT nextval('load_id_seq')").fetchall()[0][0])


def _area_codes(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(conn.execute("SELECT lad_code, lad_name FROM area").fetchall())


def _sha256(path: Path) -> str | None:
    """The file's sha256; for a shapefile, over the .shp and the files beside it, so a new .dbf is a new file."""
    digest = hashlib.sha256()
    try:
        if sum(p.stat().st_size for p in _parts(path)) > MAX_FILE_BYTES:
            return None  # refused unread, and not read to hash it either
        for part in _parts(path):
            with open(part, "rb") as handle:
                while block := handle.read(1_048_576):
                    digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _has_table(conn: duckdb.DuckDBPyConnection) -> bool:
    return bool(conn.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'boundary'").fetchall()[0][0])


def _current_load_of(conn: duckdb.DuckDBPyConnection, sha256: str | None, source: str) -> tuple[int, int] | None:
    """(load id, shapes) of an earlier load of the same bytes and layer whose shapes are all still current."""
    if not sha256 or not _has_table(conn):
        return None
    found = conn.execute(
        "SELECT load_id, count(*), bool_and(superseded_by IS NULL) FROM boundary WHERE sha256 = ? AND source_file = ? "
        "GROUP BY load_id ORDER BY load_id DESC LIMIT 1",
        [sha256, source],
    ).fetchall()
    if not found or not found[0][2]:
        return None
    return int(found[0][0]), int(found[0][1])


# --------------------------------------------------------------------------- reading back


def read_boundaries(db_path: Path) -> geopandas.GeoDataFrame:
    """The current shapes (area_code, area_name, geometry in EPSG:4326), read in one short read-only session.

    Empty, with those columns, when no boundaries have been loaded yet.
    """
    conn = store.open_read_only(Path(db_path))
    try:
        rows = (
            conn.execute(
                "SELECT area_code, area_name, geometry FROM boundary WHERE superseded_by IS NULL ORDER BY area_code"
            ).fetchall()
            if _has_table(conn)
            else []
        )
    finally:
        conn.close()
    codes, names, shapes = zip(*rows, strict=True) if rows else ((), (), ())
    return geopandas.GeoDataFrame(
        {"area_code": pd.Series(codes, dtype=str), "area_name": pd.Series(names, dtype=str)},
        geometry=shapely.from_wkb(list(shapes)),
        crs=WGS84,
    )


@dataclass
class BoundarySource:
    """One load whose shapes are (partly) current."""

    source_file: str
    load_id: int
    loaded_at: datetime
    loaded_by: str | None
    shapes: int


@dataclass
class BoundaryStatus:
    shapes: int = 0  # current shapes, one per local authority
    superseded: int = 0  # earlier shapes kept as history
    sources: list[BoundarySource] = field(default_factory=list)


def boundary_status(db_path: Path) -> BoundaryStatus:
    """How many shapes are held, from which file(s), loaded when and by whom: for `marac boundaries list`."""
    conn = store.open_read_only(Path(db_path))
    try:
        if not _has_table(conn):
            return BoundaryStatus()
        sources = conn.execute(
            "SELECT b.source_file, b.load_id, l.finished_at, l.loaded_by, count(*) FROM boundary b JOIN load_log l USING (load_id) "
            "WHERE b.superseded_by IS NULL GROUP BY ALL ORDER BY b.load_id"
        ).fetchall()
        (superseded,) = conn.execute("SELECT count(*) FROM boundary WHERE superseded_by IS NOT NULL").fetchall()[0]
    finally:
        conn.close()
    held = [BoundarySource(*row) for row in sources]
    return BoundaryStatus(sum(s.shapes for s in held), int(superseded), held)
