"""Map: an area's MARACs coloured by an indicator's verdict or value; a click on a MARAC opens its profile.

Every area opens on a tile map: each local authority an equal tile in roughly its place (London Squared for London,
Open Innovations' hexagons everywhere else, or a layout the partnership loaded with `marac layout load FILE --db
PATH`), each MARAC the tiles of the authorities it covers joined into one shape. Where boundaries have been loaded
(`marac boundaries load FILE --db PATH`) the true map is offered too. Every shape is drawn from our own geometry:
nothing is fetched from the internet, so the map works offline and exports cleanly.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, downloads, shared
from dashboard.area_view import area_view
from loaders.layout import HEXES, LONDON
from reporting import maps
from reporting.markup import escape_markdown

COLOUR_BY = {"verdict": "Verdict", "value": "Value"}


def map_choices(column, dataset, area) -> dict[str, str]:
    path, version = str(data.db_path()), data.current()[1]
    kinds = data.map_kinds(dataset, path, version, area)
    layout = data.map_layout(path, version, data.scoped_codes(dataset, area))
    named = {**data.MAP_KINDS, **({"tiles": data.TILE_MAP_KINDS[layout["shape"]]} if layout else {})}
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
                format_func=named.get,
                key="map_kind",
                default=kinds[0],
                required=True,
                bind="query-params",
            )
            if len(kinds) > 1
            else (kinds[0] if kinds else None)
        )
    return {
        "colour_by": colour or "verdict",
        "kind": kind if kind in kinds else (kinds[0] if kinds else None),
        "layout": layout,
    }


view = area_view("Map", more=map_choices)
choice, kind, layout = view.indicator, view.extra["kind"], view.extra["layout"]
#: how an admin adds a layout, named without the server's paths (the README says how, and where the database is)
load_layout = "`marac layout load`"
layout_problem = data.tile_layout(view.path, view.version)[1]
if layout_problem:
    st.error(
        f"{escape_markdown(layout_problem)}. Until they are reinstalled with the dashboard, only layouts loaded into "
        f"this database (with {load_layout}) and loaded boundaries can be mapped."
    )
if kind is None:
    st.info(
        f"There is no tile layout for {view.name} and no boundaries are loaded for its MARACs. Load a tile layout that "
        f"places its local authorities (a CSV or XLSX with columns layout, lad_code, col and row) with {load_layout}, "
        "or local authority boundaries (GeoJSON, GeoPackage or shapefile, e.g. ONS's) with `marac boundaries load` (the README says how)."
    )
    st.stop()
shapes, missing, labels = data.map_shapes(view.path, view.version, view.population, view.area, kind)
item = view.dataset.ranges[choice.range_key]
label_size = maps.tile_label_size(shapes) if kind == "tiles" else None


def drawn(frame: pl.DataFrame):
    colour = "by verdict" if view.extra["colour_by"] == "verdict" else "by value (darker: higher)"
    return shared.figure(
        maps.map_figure,
        shapes,
        frame,
        choice,
        item,
        colour_by=view.extra["colour_by"],
        title=f"{choice.label}: {colour}",
        subtitle=view.subtitle,
        source=view.source,
        synthetic=view.dataset.synthetic,
        labels=labels if label_size else None,
        label_size=label_size or 13,
    )  # presentation mode scales it like every lead chart


def how_drawn() -> str:
    """What the shapes are, in the words of the layout drawn."""
    if kind != "tiles":
        return (
            "Each shape is one MARAC: the local authorities it covers, from the boundaries loaded into this database."
        )
    tile = "hexagon" if layout and layout["shape"] == "hex" else "square"
    shipped = bool(layout and layout["shipped"])
    if shipped and layout["layout"] == LONDON:
        words = (
            "Each square is a local authority in roughly its place on the map (After the Flood's London Squared "
            "layout for London), so small boroughs are as visible as large ones"
        )
    elif shipped and layout["layout"] == HEXES:
        words = (
            "Each hexagon is a local authority in roughly its place on the map (Open Innovations' hex map of local "
            "authorities, MIT licence), so small authorities are as visible as large ones"
        )
    else:
        name = escape_markdown(layout["layout"] if layout else "")
        words = f'Each {tile} is a local authority, placed as the layout "{name}" loaded into this database places it'
    notes = shapes["note"].tolist() if "note" in shapes.columns else []
    words += f"; a MARAC covering several is their {tile}s joined into one shape, labelled once" if any(notes) else ""
    if any("part of" in note for note in notes):
        words += (
            f". An authority shared by MARACs is cut into strips, one for each, its share of the {tile} as its share "
            "of the authority (hover for each MARAC's part)"
        )
    if "outline" in shapes.columns and shapes["outline"].any():
        words += ". Dotted outlines are the area's other local authorities, which these MARACs do not cover"
    if label_size is None:
        words += ". The tiles are too small to label at this size: hover over one for its name and figures"
    return words + "."


view.lead(
    view.spread(),
    drawn,
    key="map_pick",
    stem=f"{view.stem}-{downloads.slug(choice.key)}-map-{kind}",
    caption=f"{how_drawn()} Hover over a MARAC for its figures; click it to open its profile. Colours are never the "
    "only clue: each label carries the verdict's symbol (▼ below, ● within, ▲ above the expected range).",
)
key = maps.label_key(shapes, labels, escape_markdown) if label_size else ""
if key:
    st.caption(key)
if missing:
    st.caption(
        f"Not on this map: {escape_markdown(', '.join(missing))} ("
        + (
            "a local authority they cover has no place in the tile layout; load a layout that places it with "
            f"{load_layout})."
            if kind == "tiles"
            else "a local authority they cover has no boundary loaded)."
        )
    )
