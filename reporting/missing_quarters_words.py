"""How the missing-quarters method in use is named beside figures (`metrics.missing_quarters`).

The two methods give different figures for any MARAC with a gap, so a figure read without its method cannot be
reconciled with SafeLives' report or with last month's pack: every caption, title page and export note says which.
"""

from __future__ import annotations

from metrics.missing_quarters import METHODS, POPULATION_TIME, SAFELIVES

#: the label and the one line of method each choice reads as, wherever figures go
_LINES = {
    POPULATION_TIME: "Missing quarters: counted only for the quarters returned (population-time); a quarter returned "
    'as "no meetings" counts with 0 cases.',
    SAFELIVES: "Missing quarters: filled like SafeLives (a missing quarter takes the MARAC's counts for the quarter "
    "before; a MARAC with two missing quarters in a row is left out).",
}


def option_label(method: str) -> str:
    """How a method reads as a choice, e.g. 'Count only the quarters returned (population-time)'."""
    words = METHODS[method]
    return words[0].upper() + words[1:]


def method_line(method: str) -> str:
    """The method in one sentence, for captions, title pages and export notes."""
    return _LINES[method]


#: the method as a chart's or table's source line names it, beside the population base
_SOURCE = {
    POPULATION_TIME: "missing quarters: only the quarters returned count (population-time)",
    SAFELIVES: "missing quarters: filled like SafeLives",
}


def source_note(method: str) -> str:
    """The method in a few words for a source line, e.g. 'missing quarters: filled like SafeLives'."""
    return _SOURCE[method]


def left_out(name: str, when: str) -> str:
    """Why a MARAC that did send returns has no figures under SafeLives' rule: it is not 'no returns'."""
    return (
        f"{name} is left out of {when} under SafeLives' rule for missing quarters (two quarters missing in a row); "
        "count only the quarters returned (population-time) to see the quarters it sent."
    )
