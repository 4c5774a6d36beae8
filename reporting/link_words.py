"""What a page says when a link asks for a choice it does not offer (`?marac=Nowhere`): named, with what is shown
instead, rather than silently opening the first MARAC as if that were what the link meant."""

from __future__ import annotations

from reporting.markup import escape_markdown

#: the longest part of a link quoted back: a crafted URL can be kilobytes long
QUOTED = 80
#: what a standing link carries instead of a quarter end to open the newest quarter held (`?period_end=latest`)
LATEST = "latest"
#: how each choice is named when a link asks for one it does not offer, by its key in the URL; any other choice is
#: named by its label ("No characteristic called …")
NOUNS = {"window": "period", "period_end": "period ending", "area": "area called", "marac": "MARAC called"}


def noun(key: str, label: str) -> str:
    """How `unknown_choice` names the choice kept in the URL under `key`, with the label its box shows."""
    return NOUNS.get(key, f"{label.lower()} called")


def unknown_choice(noun: str, asked: str, shown: str) -> str:
    """e.g. "No MARAC called “Nowhere”: showing Barking and Dagenham." (Markdown: both values escaped)."""
    quoted = asked if len(asked) <= QUOTED else asked[: QUOTED - 1] + "…"
    return f"No {noun} “{escape_markdown(quoted)}”: showing {escape_markdown(shown)}."
