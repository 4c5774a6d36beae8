"""Where pages get their figures: cached calls into `metrics`, keyed on small values.

The dataset is read once per database version (the file identity changes whenever a
loader swaps in a new file), so a CLI load while the dashboard is open shows up on the
next interaction, and nothing ever holds the database open between runs. Caches are
keyed on the path, the version and the filters, never on frames.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import shared
from loaders import store
from loaders import users as loaded_users
from loaders.history import SET_UP, USERS, QuarterHistory, SetUpChange, history
from loaders.history import set_up_changes as loaded_set_up_changes
from loaders.upload import BatchCheck, check_uploads, commit_uploads
from metrics import disclosure, missing_quarters
from metrics.dataset import SUB_AREA_WORD, Dataset
from metrics.indicators import COMPLETE_AREA, scoped
from metrics.national import national_comparator
from metrics.national import national_series as metrics_national_series
from metrics.periods import (
    Period,
    is_quarter_end,
    period,
    quarter_end,
    quarter_label,
    quarter_of,
)
from metrics.quarter_change import PREVIOUS_QUARTER, YEAR_EARLIER, comparison_periods, quarter_changes, returns_since
from metrics.ranges import Ranges
from metrics.shown import AreaFigures, AreaSeries
from reporting import sub_areas as sub_area_words
from reporting.benchmarks import england_row


def db_path() -> Path:
    return Path(os.environ.get("MARAC_DB", "data/demo.duckdb"))


def version(path: Path) -> str | None:
    return store.data_version(path)


#: a commit refused by the store (another load went in first, or the database cannot be written)
StoreError = store.StoreError


#: `set_up_changes` of users (for admins' Users page) rather than of the registry, layouts and boundaries
USER_CHANGES = USERS


@st.cache_resource(max_entries=4, show_spinner=False)
def set_up_changes(path: str, data_version: str, outcomes: tuple[str, ...] = SET_UP) -> list[SetUpChange]:
    """Accepted changes to the registry, layouts and boundaries (or, with `history.USERS`, to users), newest first,
    each with the identity that made it: read once per database version."""
    return loaded_set_up_changes(Path(path), outcomes)


def return_history(code: str) -> list[QuarterHistory]:
    """Every version of each quarter held for a MARAC, oldest first (none before a database exists)."""
    path = db_path()
    return history(path, code) if path.exists() else []


def check_returns(
    files: list[tuple[str, bytes]],
    progress: Callable[[int, int], None],
    replace: bool = False,
    allowed: frozenset[str] | None = None,
) -> BatchCheck:
    """Uploaded returns checked against a throwaway copy of the database: nothing is written.

    `replace` is the page's confirmation that quarters losing most of their meetings are meant to; `allowed`, the
    MARACs this person may commit (None: any).
    A database that cannot be used is a StoreError naming it by its file name only: every
    visitor reads the message, and the server's folders are none of theirs.
    """
    try:
        return check_uploads(db_path(), files, progress=progress, replace=replace, allowed=allowed)
    except StoreError as problem:
        raise StoreError(store.without_paths(str(problem))) from None


def commit_returns(
    files: list[tuple[str, bytes]], checked: BatchCheck, who: str, allowed: frozenset[str] | None = None
) -> list[store.LoadResult]:
    """The checked returns loaded (as checked, confirmation included), one transaction each, recorded as by `who`;
    any MARAC outside `allowed` (the committer's, as they are at this run) refused by the loader."""
    try:
        return commit_uploads(db_path(), files, checked, who=who, allowed=allowed)
    except StoreError as problem:
        raise StoreError(store.without_paths(str(problem))) from None


DEFAULT_POPULATION = "census2021:females_16plus"
#: the session-state (and URL) key of the sidebar's missing-quarters choice (`controls.missing_quarters_control`)
MISSING_QUARTERS_KEY = "missing_quarters"


def chosen_method() -> str:
    """The missing-quarters method chosen in the sidebar; population-time unless SafeLives' rule is chosen (a value
    edited into the URL that is no method reads as the default rather than failing every page)."""
    method = st.session_state.get(MISSING_QUARTERS_KEY, missing_quarters.POPULATION_TIME)
    return method if method in missing_quarters.METHODS else missing_quarters.POPULATION_TIME


@st.cache_resource(max_entries=8, show_spinner="Reading the database…")
def _read(path: str, data_version: str, population: str) -> Dataset:
    base, measure = population.split(":")
    return Dataset.from_tables(store.read_tables(path), population_base=base, population_measure=measure)


def dataset(path: str, data_version: str, population: str = DEFAULT_POPULATION, method: str | None = None) -> Dataset:
    """`population` is 'base:measure', e.g. 'mye2023:females_18plus'; the dataset carries the missing-quarters method
    (default: the sidebar's), so every caption, pack and export made from it names the method its figures use."""
    return replace(_read(path, data_version, population), missing_quarters_method=method or chosen_method())


@st.cache_resource(max_entries=8, show_spinner="Rounding the published figures…")
def _published(path: str, data_version: str, population: str) -> Dataset:
    return disclosure.published(_read(path, data_version, population))


def published_dataset(
    path: str, data_version: str, population: str = DEFAULT_POPULATION, method: str | None = None
) -> Dataset:
    """The dataset every download, pack and restricted page is computed from: each MARAC-quarter's counts rounded
    (`metrics.disclosure`), once per database version; carrying the missing-quarters method as `dataset` does."""
    return replace(_published(path, data_version, population), missing_quarters_method=method or chosen_method())


def _source(path: str, data_version: str, population: str, rounded: bool, method: str | None = None) -> Dataset:
    return (published_dataset if rounded else dataset)(path, data_version, population, method)


def current() -> tuple[Dataset, str] | None:
    """The dataset for the configured database, or None if there is none yet.

    The population base and measure are the ones chosen in the sidebar (kept in session state).
    """
    path = db_path()
    v = version(path)
    if v is None:
        return None
    population = f"{st.session_state.get('population_base', 'census2021')}:{st.session_state.get('population_measure', 'females_16plus')}"
    return dataset(str(path), v, population, chosen_method()), v


def period_ends(data: Dataset) -> list[date]:
    """Quarter ends for which returns are held (a nil return is one), newest first; worked out once per dataset."""
    return list(shared.per_dataset(data, "period_ends", _period_ends, tables=HELD_TABLES))


def _period_ends(data: Dataset) -> list[date]:
    quarters = sorted(data.held_quarters["quarter_start"].unique().to_list(), reverse=True)
    return [quarter_end(q) for q in quarters if is_quarter_end(quarter_end(q))]


def status_line(data: Dataset) -> str:
    """What the figures rest on, for the sidebar: newest quarter held and when data last went in."""
    ends = period_ends(data)
    parts = (
        [f"Returns held to {quarter_label(quarter_of(ends[0]))} ({len(data.maracs)} MARACs in the registry)"]
        if ends
        else []
    )
    if data.last_loaded is not None:
        parts.append(f"last loaded {data.last_loaded.strftime('%d %b %Y %H:%M')} UTC")
    return "; ".join(parts) + "."


#: area kinds a steering group may look at, with the metrics grouping that totals one
AREA_KINDS = {"region": ("region", "region"), "pfa": ("police_force_area", "police force area")}


def areas(data: Dataset) -> list[str]:
    """Areas whose totals mean what their names say, as 'kind:name': those holding returns first, then the rest, each
    with regions first and London leading.

    Two areas holding the same MARACs (London and the Metropolitan Police) are offered once. Worked out once per
    dataset (every page asks, on every run).
    """
    return list(shared.per_dataset(data, "areas", _areas, tables=("maracs", "area_coverage", *HELD_TABLES)))


def _areas(data: Dataset) -> list[str]:
    out, seen = [], []
    coverage = {(r["kind"], r["name"]): r["coverage"] for r in data.area_coverage.iter_rows(named=True)}
    for kind, (column, _) in AREA_KINDS.items():
        names = sorted(data.maracs[column].drop_nulls().unique().to_list(), key=lambda r: (r != "London", r))
        for name in names:
            members = set(data.maracs.filter(pl.col(column) == name)["marac_code"])
            if coverage.get((kind, name), 1.0) >= COMPLETE_AREA and members not in seen:
                out.append(f"{kind}:{name}")
                seen.append(members)
    if not out:
        return [f"region:{r}" for r in sorted(data.maracs["region"].drop_nulls().unique())]
    # areas whose MARACs sent returns first: a partnership finds its own at the top, not among fifty empty ones
    held = with_returns(data)
    with_data = {a for a, members in zip(out, seen, strict=True) if members & held}
    return sorted(out, key=lambda a: a not in with_data)


def area_label(area: str) -> str:
    kind, name = area.split(":", 1)
    return f"{name} ({AREA_KINDS[kind][1]})"


def area_name(area: str) -> str:
    return area.split(":", 1)[1]


def area_grouping(area: str) -> str:
    """The metrics grouping whose row is this area's total."""
    return area.split(":", 1)[0]


def scoped_codes(data: Dataset, area: str | None) -> list[str]:
    """The area's MARACs, as `_scope` keeps them (read from the registry alone: the pages ask for every area's
    members on every run, and scoping the meetings too would cost tens of milliseconds each time)."""
    return data.maracs.filter(**_where(area))["marac_code"].to_list()


def _where(area: str | None) -> dict[str, str]:
    """The registry column and value an area is, e.g. {'region': 'London'} ({} for no area: every MARAC)."""
    if not area:
        return {}
    kind, name = area.split(":", 1)
    return {AREA_KINDS[kind][0]: name}


def _scope(data: Dataset, area: str | None) -> Dataset:
    return scoped(data, **_where(area)) if area else data


def figures(
    path: str,
    data_version: str,
    population: str,
    end: date,
    window: str,
    grouping: str,
    area: str | None = None,
    rounded: bool = False,
    method: str | None = None,
) -> pl.DataFrame:
    """Figures for one grouping, within an area given as 'region:London' or 'pfa:Lancashire'; `rounded`: from the
    published (rounded) counts; `method`: how missing quarters are treated (default: the sidebar's choice)."""
    return _figures(path, data_version, population, end, window, grouping, area, rounded, method or chosen_method())


@st.cache_resource(max_entries=128, show_spinner=False)
def _figures(
    path: str,
    data_version: str,
    population: str,
    end: date,
    window: str,
    grouping: str,
    area: str | None,
    rounded: bool,
    method: str,
) -> pl.DataFrame:
    """`figures`, cached with the missing-quarters method in its key: SafeLives' rule and population-time are
    different figures. Shared by every session, not copied for each (a copy per call cost a page run about 1 ms a
    frame): read-only, as every polars frame is unless changed in place, which nothing here does."""
    data = _scope(_source(path, data_version, population, rounded, method), area)
    return missing_quarters.compute(data, period(end, window), grouping, method)


def trend(
    path: str,
    data_version: str,
    population: str,
    grouping: str,
    area: str | None = None,
    rounded: bool = False,
    method: str | None = None,
) -> pl.DataFrame:
    """Each quarter's figures per group, under the missing-quarters method (default: the sidebar's choice)."""
    return _trend(path, data_version, population, grouping, area, rounded, method or chosen_method())


@st.cache_resource(max_entries=128, show_spinner=False)
def _trend(
    path: str, data_version: str, population: str, grouping: str, area: str | None, rounded: bool, method: str
) -> pl.DataFrame:
    data = _scope(_source(path, data_version, population, rounded, method), area)
    return missing_quarters.quarterly(data, grouping, method=method)


#: the tables saying which quarters are held (`Dataset.held_quarters`)
HELD_TABLES = ("meetings", "nil_quarters")


def with_returns(data: Dataset) -> frozenset[str]:
    """MARAC codes holding at least one return (meetings or a nil return): pages open on one of these, not on an empty
    one. Worked out once per dataset."""
    return shared.per_dataset(
        data, "with_returns", lambda d: frozenset(d.held_quarters["marac_code"].to_list()), tables=HELD_TABLES
    )


def home_area(data: Dataset, code: str) -> str:
    """The first offered area (region or force area) that holds this MARAC: its natural comparator."""
    info = data.maracs.filter(pl.col("marac_code") == code).row(0, named=True)
    for area in areas(data):
        kind, name = area.split(":", 1)
        if info[AREA_KINDS[kind][0]] == name:
            return area
    return f"region:{info['region']}"


def comparators(
    path: str, data_version: str, population: str, end: date, window: str, code: str, rounded: bool = False
) -> dict[str, pl.DataFrame]:
    """One MARAC's own row, then its sub-area (a Met BCU), its region or force area, and all MARACs held.

    Each label ends with how many MARACs sent returns to it, e.g. "Central East BCU (2)", or
    "London (2 of 32)" when some did not. Worked out once per choice and shared (a new dict each call; the frames in
    it are shared and read-only).
    """
    return dict(_comparators(path, data_version, population, end, window, code, rounded, chosen_method()))


@st.cache_resource(max_entries=256, show_spinner=False)
def _comparators(
    path: str, data_version: str, population: str, end: date, window: str, code: str, rounded: bool, method: str
) -> dict[str, pl.DataFrame]:
    data = dataset(path, data_version, population, method)
    info = data.maracs.filter(pl.col("marac_code") == code).row(0, named=True)
    region_area, force_area = f"region:{info['region']}", f"pfa:{info['police_force_area']}"
    own = figures(path, data_version, population, end, window, "marac", region_area, rounded, method).filter(
        pl.col("group_code") == code
    )
    out = {info["marac_name"]: own}

    def labelled(label: str, frame: pl.DataFrame, kind: str) -> None:
        if frame.height:
            reporting, total = frame["maracs_reporting"][0], frame["maracs_in_group"][0]
            name = f"{label} ({reporting})" if reporting == total else f"{label} ({reporting} of {total})"
            out[name] = frame.with_columns(pl.lit(kind).alias(COMPARATOR_KIND))

    if info["sub_area"]:
        sub_areas = figures(path, data_version, population, end, window, "sub_area", region_area, rounded, method)
        labelled(
            sub_area_words.named(info["sub_area"], info["sub_area_word"] or SUB_AREA_WORD),
            sub_areas.filter(pl.col("group_code") == info["sub_area"]),
            "sub_area",
        )
    offered = areas(data)
    if region_area in offered:
        labelled(
            info["region"],
            figures(path, data_version, population, end, window, "region", region_area, rounded, method),
            "region",
        )
    if force_area in offered:
        labelled(
            info["police_force_area"],
            figures(path, data_version, population, end, window, "pfa", force_area, rounded, method),
            "pfa",
        )
    labelled("All MARACs", figures(path, data_version, population, end, window, "all", None, rounded, method), "all")
    # England on the MARACs' own base first (like with like), then SafeLives' figures as published: each names its base
    national = _national_comparator(path, data_version, population, end)
    for published in national.iter_slices(1) if national.height else []:
        out[published["group_name"][0]] = published
    return out


#: the column each local comparator's one row carries, saying what kind of area it is ("sub_area", "region", "pfa",
#: "all"), so a page can show them a group at a time (`reporting.screen_tables.profile_columns`)
COMPARATOR_KIND = "comparator_kind"


def comparator_kinds(comparators: dict[str, pl.DataFrame]) -> dict[str, str]:
    """Each comparator's kind by its name: as tagged, "national" for SafeLives' England and UK rows, "own" for the
    MARAC's own row."""
    return {
        name: frame[COMPARATOR_KIND][0]
        if COMPARATOR_KIND in frame.columns and frame.height
        else ("national" if "scope" in frame.columns else "own")
        for name, frame in comparators.items()
    }


@st.cache_resource(max_entries=64, show_spinner=False)
def _national_comparator(path: str, data_version: str, population: str, end: date) -> pl.DataFrame:
    """England's and the UK's figures for a period (`metrics.national.national_comparator`): the same for every MARAC
    of every area, so worked out once per database version, base and period end rather than for each profile."""
    return national_comparator(_read(path, data_version, population), end)


def england(path: str, data_version: str, population: str, end: date) -> tuple[str, dict[str, object]] | None:
    """England on the MARACs' own base for a period, named (`reporting.benchmarks.england_row`), from the cached
    `_national_comparator`: the benchmark every comparison chart draws."""
    return england_row(_national_comparator(path, data_version, population, end), end)


@st.cache_resource(max_entries=8, show_spinner=False)
def national_series(path: str, data_version: str, population: str) -> pl.DataFrame:
    """Every national figure beside the MARACs' (`metrics.national.national_series`), once per database version and
    base: the profile and trends pages draw it on every run. Shared: read-only."""
    return metrics_national_series(_read(path, data_version, population))


def restricted() -> bool:
    """True when this run's person sees only the published figures: a viewer's role, or `marac serve --restricted`
    without sign-in (`dashboard.access` decides, from the server's own records, at every run)."""
    from dashboard import access  # access reads the users through this module

    return access.published_only()


@st.cache_resource(max_entries=4, show_spinner=False)
def users(path: str, data_version: str) -> list[loaded_users.User]:
    """The people given roles in this database, read once per database version (a `marac users` change is a new
    version, so it holds from everyone's next run)."""
    return loaded_users.read_users(Path(path))


def _area_figures(
    path: str, data_version: str, population: str, end: date, window: str, area: str, rounded: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """An area's MARACs, sub-areas and its own row, as computed (`rounded`: from the published counts)."""
    maracs, sub_areas, total = (
        figures(path, data_version, population, end, window, g, area, rounded)
        for g in ("marac", "sub_area", area_grouping(area))
    )
    return maracs, sub_areas, total


def published_area(path: str, data_version: str, population: str, end: date, window: str, area: str) -> AreaFigures:
    """An area's MARACs, sub-areas and total from the rounded counts: what every download and export is made from."""
    return AreaFigures(*_area_figures(path, data_version, population, end, window, area, rounded=True))


def screen_area(path: str, data_version: str, population: str, end: date, window: str, area: str) -> AreaFigures:
    """What this viewer's page shows: the published figures for a restricted viewer, otherwise everything."""
    if restricted():
        return published_area(path, data_version, population, end, window, area)
    return AreaFigures(*_area_figures(path, data_version, population, end, window, area))


def changes(
    path: str, data_version: str, population: str, end: date, window: str, area: str, rounded: bool = False
) -> pl.DataFrame:
    """Each of the area's MARACs and indicators against the previous quarter's period and the same period a year
    earlier, ranked (`metrics.quarter_change.quarter_changes`); `rounded`: from the published counts. Each period's
    figures are the cached `figures`, so the view costs only the comparison."""
    chosen = period(end, window)
    periods = comparison_periods(chosen)

    def of(p: Period) -> pl.DataFrame:
        return figures(path, data_version, population, p.end, p.window, "marac", area, rounded)

    return quarter_changes(of(chosen), of(periods[PREVIOUS_QUARTER]), of(periods[YEAR_EARLIER]))


def screen_changes(path: str, data_version: str, population: str, end: date, window: str, area: str) -> pl.DataFrame:
    """`changes` as this viewer's page shows them: from the published (rounded) counts for a restricted viewer."""
    return changes(path, data_version, population, end, window, area, rounded=restricted())


def returns_in_round(data: Dataset, area: str, chosen: Period) -> pl.DataFrame:
    """The area's MARAC-quarters new, late or replaced in the chosen period's round (`returns_since`): which quarters
    came in and when, no counts."""
    return returns_since(data.versions, chosen, scoped_codes(data, area))


def published_comparators(
    path: str, data_version: str, population: str, end: date, window: str, code: str
) -> dict[str, pl.DataFrame]:
    """`comparators` from the rounded counts (SafeLives' published national figures as they are)."""
    return comparators(path, data_version, population, end, window, code, rounded=True)


def screen_comparators(
    path: str, data_version: str, population: str, end: date, window: str, code: str
) -> dict[str, pl.DataFrame]:
    """`comparators` as this viewer's page shows them (published for a restricted viewer, otherwise as computed)."""
    if restricted():
        return published_comparators(path, data_version, population, end, window, code)
    return comparators(path, data_version, population, end, window, code)


def area_trend(path: str, data_version: str, population: str, area: str, rounded: bool = False) -> AreaSeries:
    """Quarterly MARAC and area series, as computed (`rounded`: from the published counts)."""
    return AreaSeries(
        trend(path, data_version, population, "marac", area, rounded),
        trend(path, data_version, population, area_grouping(area), area, rounded),
    )


def published_trend(path: str, data_version: str, population: str, area: str, end: date, window: str) -> AreaSeries:
    """Quarterly MARAC and area series from the rounded counts: they add up to the period's published figures on the
    other pages, as both are sums of the same rounded quarters. (`end` and `window` no longer change it; kept so
    every published_* call reads alike.)"""
    return area_trend(path, data_version, population, area, rounded=True)


def screen_trend(path: str, data_version: str, population: str, area: str, end: date, window: str) -> AreaSeries:
    """The quarterly series as this viewer's page shows them (published for a restricted viewer)."""
    if restricted():
        return published_trend(path, data_version, population, area, end, window)
    return area_trend(path, data_version, population, area)


def chosen_period(end: date, window: str) -> Period:
    return period(end, window)


# ------------------------------------------------------------------------------------------------ maps

MAP_KINDS = {"tiles": "Tile map (equal squares)", "boundaries": "Boundaries"}
#: how the map choice names a tile map, by its layout's tiles
TILE_MAP_KINDS = {"square": "Tile map (equal squares)", "hex": "Tile map (equal hexagons)"}


@st.cache_resource(max_entries=2, show_spinner=False)
def _shipped_layouts(stamp: str) -> tuple[pl.DataFrame, str | None]:
    """The layouts shipped with the dashboard (read once per version of their files), or why they cannot be used."""
    from loaders.layout import SCHEMA, read_tile_layout
    from loaders.reference import ReferenceError

    try:
        return read_tile_layout(), None
    except (ReferenceError, OSError, pl.exceptions.PolarsError) as problem:
        return pl.DataFrame(schema=SCHEMA), f"The tile layouts shipped with the dashboard cannot be used: {problem}"


@st.cache_resource(max_entries=4, show_spinner=False)
def _map_tables(path: str, data_version: str) -> dict[str, pl.DataFrame | None]:
    """What the map needs of the database, once per version: which authorities each MARAC covers (`marac_area`), the
    local authorities with their region and force (`area`) and the layouts loaded into it (`tile_layout`, if any)."""
    tables = store.read_tables(path)
    return {"marac_area": tables["marac_area"], "area": tables["area"], "tile_layout": tables.get("tile_layout")}


@st.cache_data(max_entries=8, show_spinner=False)
def tile_layout(path: str | None = None, data_version: str | None = None) -> tuple[pl.DataFrame, str | None]:
    """Every tile layout this database can draw, and what is wrong with the shipped ones if they cannot be used.

    The shipped layouts (London Squared; hexes for every authority of England and Wales) and those loaded into the
    database with `marac layout load`, a loaded layout taking the place of a shipped one of the same name. Keyed on
    the data version, so a layout loaded while the dashboard runs shows on the next page run.
    """
    from loaders.layout import COLUMNS, shipped_stamp

    shipped, problem = _shipped_layouts(shipped_stamp())
    loaded = _map_tables(path, data_version)["tile_layout"] if path and data_version else None
    if loaded is None or loaded.is_empty():
        return shipped, problem
    loaded = loaded.select(COLUMNS).cast({"col": pl.Int64, "row": pl.Int64})
    kept = shipped.filter(~pl.col("layout").is_in(loaded["layout"].unique().implode()))
    return pl.concat([kept, loaded]), problem


@st.cache_resource(max_entries=4, show_spinner="Reading the boundaries…")
def _boundaries(path: str, data_version: str) -> tuple[object, pl.DataFrame]:
    """The loaded local authority boundaries and which authorities each MARAC covers (once per database version)."""
    from loaders.boundaries import read_boundaries

    return read_boundaries(Path(path)), _map_tables(path, data_version)["marac_area"]


def _covering(path: str, data_version: str, codes: list[str]) -> pl.DataFrame:
    """The registry's rows (marac_code, lad_code, share) for these MARACs."""
    return _map_tables(path, data_version)["marac_area"].filter(pl.col("marac_code").is_in(codes))


def _context(path: str, data_version: str, area: str | None, lads: list[str]) -> tuple[list[str], list[str]]:
    """The local authorities drawn as outlines, for orientation, where no MARAC of the area covers them: those of the
    area's region or force (all of England and Wales for no area), and, for a force, those of its region that sit
    among its tiles (the City of London among the Metropolitan Police's boroughs)."""
    authorities = _map_tables(path, data_version)["area"]
    if not area:
        return authorities["lad_code"].to_list(), []
    column = {"region": "region_code", "pfa": "pfa_code"}.get(area.split(":", 1)[0])
    if column is None or column not in authorities.columns:
        return [], []

    def sharing(key: str) -> list[str]:
        keys = authorities.filter(pl.col("lad_code").is_in(lads))[key].unique().implode()
        return authorities.filter(pl.col(key).is_in(keys))["lad_code"].to_list()

    return sharing(column), sharing("region_code") if column != "region_code" else []


def map_layout(path: str, data_version: str, codes: list[str]) -> dict[str, str] | None:
    """The tile layout drawn for these MARACs (the one placing most of their authorities): its layout name, its
    tiles' shape ('square' or 'hex'), its source and whether it is shipped ('yes') or loaded into the database ('');
    None if no layout places any of them."""
    from reporting.maps import choose_layout

    layouts = tile_layout(path, data_version)[0]
    chosen = choose_layout(layouts, _covering(path, data_version, codes)["lad_code"].to_list())
    if chosen is None:
        return None
    first = layouts.filter(pl.col("layout") == chosen).row(0, named=True)
    loaded = _map_tables(path, data_version)["tile_layout"]
    shipped = loaded is None or chosen not in set(loaded["layout"])
    return {"layout": chosen, "shape": first["shape"], "source": first["source"] or "", "shipped": "yes" * shipped}


def map_kinds(data: Dataset, path: str, data_version: str, area: str | None) -> list[str]:
    """The maps this area can have, the default first: a tile map wherever a layout places its MARACs' authorities
    (every authority of England and Wales has a hex); then its loaded boundaries, if any."""
    codes = scoped_codes(data, area)
    kinds = ["tiles"] if map_layout(path, data_version, codes) else []
    boundaries, marac_areas = _boundaries(path, data_version)
    held = set(boundaries["area_code"]) if len(boundaries) else set()
    if held and held & set(marac_areas.filter(pl.col("marac_code").is_in(codes))["lad_code"]):
        kinds.append("boundaries")
    return kinds


@st.cache_resource(max_entries=16, show_spinner="Drawing the map…")
def map_shapes(
    path: str, data_version: str, population: str, area: str | None, kind: str
) -> tuple[object, list[str], dict[str, str]]:
    """(shapes with marac_code, name and geometry; names of the area's MARACs not drawn; short labels by code).

    A tile map draws each MARAC as the union of its authorities' tiles (`reporting.maps.marac_tiles`), with the
    rest of its region or force in outline. Geometry is built once per database version and area, not on every
    click; a layout or registry loaded while the dashboard runs is a new version, so it shows on the next run.
    """
    from reporting.maps import boundary_shapes, marac_tiles

    members = _scope(dataset(path, data_version, population), area).maracs
    codes = members["marac_code"].to_list()
    if kind == "tiles":
        chosen = map_layout(path, data_version, codes)
        layouts = tile_layout(path, data_version)[0]
        cells = layouts.filter(pl.col("layout") == chosen["layout"]) if chosen else layouts.clear()
        covering = _covering(path, data_version, codes)
        context, nearby = _context(path, data_version, area, covering["lad_code"].to_list())
        drawn = marac_tiles(cells, covering, members, context, nearby)
        return drawn.shapes, drawn.missing, drawn.labels
    boundaries, marac_areas = _boundaries(path, data_version)
    shapes, missing = boundary_shapes(boundaries, marac_areas, members)
    return shapes, missing, {}


# ------------------------------------------------------------------------------------------------ trends


def rolling_trend(
    path: str,
    data_version: str,
    population: str,
    grouping: str,
    area: str | None = None,
    rounded: bool = False,
    method: str | None = None,
) -> pl.DataFrame:
    """Each quarter's figures per group with the rolling 12 months to that quarter (`<value>_12m`), under the
    missing-quarters method (default: the sidebar's choice)."""
    return _rolling_trend(path, data_version, population, grouping, area, rounded, method or chosen_method())


@st.cache_resource(max_entries=64, show_spinner=False)
def _rolling_trend(
    path: str, data_version: str, population: str, grouping: str, area: str | None, rounded: bool, method: str
) -> pl.DataFrame:
    data = _scope(_source(path, data_version, population, rounded, method), area)
    return missing_quarters.rolling(data, grouping, data.ranges.value("recommended_cases_per_10k"), method)


def published_rolling(path: str, data_version: str, population: str, area: str, end: date, window: str) -> AreaSeries:
    """MARAC and area series with their rolling 12 months, from the rounded counts."""
    return AreaSeries(
        rolling_trend(path, data_version, population, "marac", area, rounded=True),
        rolling_trend(path, data_version, population, area_grouping(area), area, rounded=True),
    )


def screen_rolling(path: str, data_version: str, population: str, area: str, end: date, window: str) -> AreaSeries:
    """The MARAC and area rolling series as this viewer's page shows them (published for a restricted viewer)."""
    if restricted():
        return published_rolling(path, data_version, population, area, end, window)
    return AreaSeries(
        rolling_trend(path, data_version, population, "marac", area),
        rolling_trend(path, data_version, population, area_grouping(area), area),
    )


# ------------------------------------------------------------------------------------------------ national picture
# SafeLives' published MARAC figures by police force area (real, public data): the National picture page and the Data
# quality page's reconciliation. They are published already, so nothing here is rounded for disclosure; only the
# reconciliation's held returns are, for a restricted viewer, like every other figure from the returns.


@st.cache_data(max_entries=4, show_spinner="Reading SafeLives' published figures…")
def national_tables(path: str, data_version: str) -> dict[str, pl.DataFrame]:
    """The published figures, areas, population bases and ranges, from the database; one written before the published
    table existed reads it from the shipped reference data until its next write adds it."""
    from loaders.reference import read_reference

    tables = store.read_tables(path)
    if "safelives_published" not in tables:
        tables = {**tables, "safelives_published": read_reference()["safelives_published"]}
    return {name: tables[name] for name in ("safelives_published", "area", "population", "safelives_range")}


def national_bases(path: str, data_version: str) -> list[str]:
    """The bases a published figure can be shown on: the database's population bases, then SafeLives' own."""
    from metrics.published import BASES, SAFELIVES_BASE

    held = set(national_tables(path, data_version)["population"]["base"].unique().to_list())
    return [b for b in BASES if b in held] + [SAFELIVES_BASE]


def national_ranges(path: str, data_version: str) -> Ranges:
    return Ranges.from_frame(national_tables(path, data_version)["safelives_range"])


@st.cache_data(max_entries=16, show_spinner=False)
def national_figures(path: str, data_version: str, base: str, measure: str = "females_16plus") -> pl.DataFrame:
    """Every force and year on `base`, with the same on SafeLives' own base beside it (`metrics.published.side_by_side`)."""
    from metrics.published import side_by_side

    tables = national_tables(path, data_version)
    return side_by_side(
        tables["safelives_published"],
        tables["area"],
        tables["population"],
        national_ranges(path, data_version),
        base=base,
        measure=measure,
    )


@st.cache_data(show_spinner=False)
def force_tiles() -> tuple[pl.DataFrame, str | None]:
    """The force tile layout shipped with the dashboard, or, if it cannot be used, an empty one and what to do."""
    from loaders.layout import FORCE_SCHEMA, read_force_tiles
    from loaders.reference import ReferenceError

    try:
        return read_force_tiles(), None
    except ReferenceError as problem:
        return pl.DataFrame(schema=FORCE_SCHEMA), f"{problem}: the dashboard's own files are damaged; reinstall it."


def published_reconciliation(
    path: str, data_version: str, rounded: bool, method: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the registry's MARAC count per force beside SafeLives', the held returns' cases per force and year beside
    SafeLives' published cases); `rounded`: from the published (rounded) returns, as a restricted viewer sees them;
    `method` (default: the sidebar's): under SafeLives' rule the held cases are filled as SafeLives fills its own."""
    return _published_reconciliation(path, data_version, rounded, method or chosen_method())


@st.cache_data(max_entries=8, show_spinner=False)
def _published_reconciliation(
    path: str, data_version: str, rounded: bool, method: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    from metrics.published import registry_counts, returns_against_published

    held = (published_dataset if rounded else dataset)(path, data_version, DEFAULT_POPULATION, method)
    if method == missing_quarters.SAFELIVES:
        held = missing_quarters.by_financial_year(held)
    published = national_tables(path, data_version)["safelives_published"]
    return registry_counts(held, published), returns_against_published(held, published)
