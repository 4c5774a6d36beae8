"""Map: an area's MARACs coloured by an indicator's verdict or value; a click on a borough opens its profile.

London opens on a tile map (every borough an equal square in its familiar place, so Kensington
and Chelsea is as visible as Bromley). Where boundaries have been loaded (`marac boundaries
load FILE --db PATH`) the true map is offered too. Every shape is drawn from our own geometry:
nothing is fetched from the internet, so the map works offline and exports cleanly.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, downloads
from dashboard.area_view import area_view
from reporting import maps

COLOUR_BY = {"verdict": "Verdict", "value": "Value"}


def map_choices(column, dataset, area) -> dict[str, str]:
    version = data.current()[1]
    kinds = data.map_kinds(dataset, str(data.db_path()), version, area)
    with column:
        left, right = st.columns(2)
        colour = left.segmented_control(
            "Colour by",
            list(COLOUR_BY),
            format_func=COLOUR_BY.get,
            key="map_colour",
            default="verdict",
            required=True,
            bind="query-params",
        )
        kind = (
            right.segmented_control(
                "Map",
                kinds,
                format_func=data.MAP_KINDS.get,
                key="map_kind",
                default=kinds[0],
                required=True,
                bind="query-params",
            )
            if len(kinds) > 1
            else (kinds[0] if kinds else None)
        )
    return {"colour_by": colour or "verdict", "kind": kind if kind in kinds else (kinds[0] if kinds else None)}


view = area_view("Map", more=map_choices)
choice, kind = view.indicator, view.extra["kind"]
layout_problem = data.tile_layout()[1]
if layout_problem:
    st.error(
        f"{layout_problem}. Correct data/reference/tile_layout.csv; meanwhile only loaded boundaries can be mapped."
    )
if kind is None:
    st.info(
        f"There is no tile layout for {view.name} and no boundaries are loaded for its MARACs. Load local authority "
        f"boundaries (GeoJSON, GeoPackage or shapefile, e.g. ONS's) with `marac boundaries load FILE --db {data.db_path()}`, "
        "or add the area's MARACs to data/reference/tile_layout.csv."
    )
    st.stop()
shapes, missing, labels = data.map_shapes(view.path, view.version, view.population, view.area, kind)
item = view.dataset.ranges[choice.range_key]


def drawn(frame: pl.DataFrame):
    colour = "by verdict" if view.extra["colour_by"] == "verdict" else "by value (darker: higher)"
    return maps.map_figure(
        shapes,
        frame,
        choice,
        item,
        colour_by=view.extra["colour_by"],
        title=f"{choice.label}: {colour}",
        subtitle=view.subtitle,
        source=view.source,
        synthetic=view.dataset.synthetic,
        labels=labels,
    )  # presentation mode scales it like every lead chart


how = (
    "Each square is one MARAC, in roughly its place on the map (After the Flood's London Squared layout for London), so "
    "small boroughs are as visible as large ones."
    if kind == "tiles"
    else "Each shape is one MARAC: the local authorities it covers, from the boundaries loaded into this database."
)
view.lead(
    view.spread(),
    drawn,
    key="map_pick",
    stem=f"{view.stem}-{downloads.slug(choice.key)}-map-{kind}",
    caption=f"{how} Hover over a MARAC for its figures; click it to open its profile. Colours are never the only clue: "
    "each label carries the verdict's symbol (▼ below, ● within, ▲ above the expected range).",
)
if missing:
    st.caption(
        f"Not on this map: {', '.join(missing)} ("
        + (
            "no place in the tile layout; add one to data/reference/tile_layout.csv)."
            if kind == "tiles"
            else "a local authority they cover has no boundary loaded)."
        )
    )
