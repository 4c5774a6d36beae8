"""Which parts a board pack holds: one vocabulary for `marac export --sections` and the Board pack page's choice.

An analyst sends a pack as it comes, so a steering group that wants only the summary and the matrix gets a pack of
only those, rather than 300 pages to cut down by hand. The title page always comes: it says what the figures rest on.
"""

from __future__ import annotations

from collections.abc import Iterable

from reporting.packs.model import PackError

#: every part a pack can hold, in the order a pack prints them, with its name in words (the Board pack page's labels)
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "matrix": "One-page matrix",
    "changes": "What changed",
    "indicators": "A page per indicator",
    "maracs": "A section per MARAC",
    "quality": "Data quality",
    "method": "Method",
}
#: parts named in the vocabulary but not made yet, with why a pack asking for one is refused (none at present)
UNAVAILABLE: dict[str, str] = {}
#: what a pack holds when no parts are named: every part that can be made
AVAILABLE: tuple[str, ...] = tuple(name for name in SECTIONS if name not in UNAVAILABLE)


def chosen(names: Iterable[str] | None) -> tuple[str, ...]:
    """The parts asked for, in print order (every available part when `names` is None); an unknown or unavailable
    name is refused with the vocabulary, so a typo never quietly drops a part."""
    if names is None:
        return AVAILABLE
    asked = [name.strip().lower() for name in names if name.strip()]
    unknown = [name for name in asked if name not in SECTIONS]
    if unknown:
        named = ", ".join(f'"{name}"' for name in unknown)
        raise PackError(f"unknown section{'s' if len(unknown) > 1 else ''} {named}: choose from {', '.join(SECTIONS)}")
    if not asked:
        raise PackError(f"no sections named: choose from {', '.join(SECTIONS)}")
    for name in asked:
        if name in UNAVAILABLE:
            raise PackError(UNAVAILABLE[name])
    return tuple(name for name in SECTIONS if name in asked)


def parse(text: str | None) -> tuple[str, ...]:
    """`--sections summary,matrix,indicators` as the parts it names (every available part when not given)."""
    return chosen(None if text is None else text.split(","))
