"""What a page says about the registry behind its figures: MARACs whose authorities are only assumed, MARACs a
population base cannot give a rate for, and returns held for MARACs the registry in use leaves out.

Said the same way on every page, pack and export that carries them, so an assumed grouping never passes for a
partnership's own.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

#: how a user-supplied string (a MARAC's name or code, a file name) is written into a sentence: as it is in a pack or
#: a terminal, through `reporting.markup.escape_markdown` on a page
Quote = Callable[[str], str]

#: how a partnership replaces an assumed grouping (said wherever one is shown)
SET_UP = "a partnership sets up its own MARACs with `marac registry load FILE --db PATH`"
#: what a coordinator is told beside a return whose MARAC code the registry does not hold
ADD_A_MARAC = (
    "A MARAC code in these files is not in this database's registry. If it is a MARAC the registry should hold, an "
    "administrator adds it: `marac registry export --db PATH --out registry.xlsx`, add a row for each local "
    "authority it covers (its code, its name, the authority's ONS code), then `marac registry load registry.xlsx "
    '--db PATH` (README, "Set up your own partnership"). Otherwise, correct the code in the file.'
)


def _names(names: list[str], most: int = 4, quote: Quote = str) -> str:
    shown = [quote(n) for n in names[:most]]
    rest = len(names) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def assumed_note(maracs: pl.DataFrame, quote: Quote = str) -> str | None:
    """One sentence when any of these MARACs (registry rows) cover authorities the registry only assumes."""
    if "grouping_status" not in maracs.columns:
        return None
    rows = maracs.filter(pl.col("grouping_status") == "assumed").sort("marac_name")
    assumed = rows["marac_name"].to_list()
    if not assumed:
        return None
    if maracs.height == 1:  # one MARAC (its profile): the registry's own reason, where it gives one
        note = rows["note"][0] if "note" in rows.columns else None
        return f"The local authorities {assumed[0]} covers are assumed, not confirmed by its partnership" + (
            f": {note}" if note else f"; {SET_UP}."
        )
    which = "Every MARAC here" if len(assumed) == maracs.height else f"{len(assumed)} of these {maracs.height} MARACs"
    verb = "covers" if which == "Every MARAC here" or len(assumed) == 1 else "cover"
    return (
        f"{which} ({_names(assumed, quote=quote)}) {verb} local authorities the registry only assumes (the shipped registry's one "
        f"MARAC per authority, or a grouping no source publishes), not a partnership's confirmed set-up: {SET_UP}."
    )


def population_note(gaps: pl.DataFrame, codes: list[str], base_label: str, quote: Quote = str) -> str | None:
    """One sentence naming MARACs the chosen base cannot give a rate for, and the authorities it lacks."""
    if gaps.is_empty():
        return None
    here = gaps.filter(pl.col("marac_code").is_in(codes))
    if here.is_empty():
        return None
    lads = sorted({lad for row in here["lad_codes"].to_list() for lad in row})
    names = here["marac_name"].to_list()
    return (
        f"{base_label} has no population for {_names(lads, quote=quote)}, so {_names(names, quote=quote)} "
        f"{'has' if len(names) == 1 else 'have'} no volume figure on this base (choose another base in the sidebar)."
    )


def unregistered_note(unregistered: pl.DataFrame, quote: Quote = str) -> str | None:
    """One sentence naming returns held for MARAC codes the registry in use does not hold: kept, not counted."""
    if unregistered.is_empty():
        return None
    parts = [
        f"{quote(code)} ({quarters} quarter{'s' if quarters != 1 else ''})" for code, quarters in unregistered.rows()
    ]
    return (
        f"Returns are held for {_names(parts, 6)}, which the registry in use leaves out: they are kept, but counted "
        "nowhere until a registry holds the MARAC again (`marac registry history` lists the versions)."
    )


def registry_line(versions: pl.DataFrame, quote: Quote = str) -> str | None:
    """Which registry the figures use: its version, where it came from, when and by whom."""
    if versions.is_empty():
        return None
    row = versions.sort("version").row(-1, named=True)
    origin = {
        "shipped": "the shipped default",
        "carried over": "the MARACs this database held before registries were loaded",
    }.get(row["source"], quote(row["file_name"]))
    who = f" by {quote(row['loaded_by'])}" if row.get("loaded_by") else ""
    return (
        f"Registry in use: version {row['version']}, {row['maracs']} MARACs, from {origin}, "
        f"{row['loaded_at']:%d %b %Y}{who}."
    )
