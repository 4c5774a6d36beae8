"""Numbers as words on screen, so a figure never seems to contradict its verdict.

A repeat rate of 27.96% rounds to "28%" yet sits below a 28–40% range; shown as "28%
▼ below" it reads as a mistake. Shares are therefore shown with just enough decimals to
put the printed figure on the same side of the boundary as the verdict.
"""

from __future__ import annotations

from metrics.ranges import Range


def percent(value: float | None, decimals: int = 0) -> str:
    """A share as a percent for screen text; a dash where there is nothing to divide by."""
    return "–" if value is None else f"{value:.{decimals}%}"


def number(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"


def decimals_for(value: float | None, verdict: str | None, item: Range | None, local: float | None = None,
                 least: int = 0, most: int = 3) -> int:
    """Fewest decimals (from `least`) at which the rounded percent sits on the verdict's side of the range."""
    lower, upper = item.bounds(local) if item is not None else (None, None)
    if value is None or verdict is None or (lower is None and upper is None):
        return least
    for d in range(least, most + 1):
        shown = round(value * 100, d) / 100
        if item is not None and item.rule == "local_share" and lower is not None:
            lower = round(local * 100, d) / 100  # the local share is printed too: compare the two as printed
        if verdict == "below" and lower is not None and shown >= lower:
            continue
        if verdict == "above" and upper is not None and shown <= upper:
            continue
        if verdict == "within" and ((lower is not None and shown < lower) or (upper is not None and shown > upper)):
            continue
        return d
    return most


def pair_beside_verdict(value: float | None, verdict: str | None, item: Range | None,
                        local: float | None, least: int = 0) -> tuple[str, str]:
    """A share and the local share it is judged against, printed so the verdict between them shows."""
    d = decimals_for(value, verdict, item, local, least)
    return percent(value, d), percent(local, d)


def percent_beside_verdict(value: float | None, verdict: str | None, item: Range | None, local: float | None = None,
                           least: int = 0) -> str:
    return percent(value, decimals_for(value, verdict, item, local, least))
