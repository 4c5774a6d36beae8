"""Which views the warm-up runs besides every page's default one (`server.earlier_periods`)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

#: quarter ends before the newest warmed: the dropdown's next choices, where a meeting steps back first
EARLIER_QUARTERS = 3
#: the pages whose figures every other page shares: the overview (an area's MARACs, sub-areas and total) and a profile
#: (sub-area, region, force area, all MARACs and England beside one MARAC)
PAGES = ("", "borough_profile")


def earlier_views(ends: list[date]) -> list[tuple[str, str]]:
    """(page, query string) for each page at each of the quarter ends just before the newest of `ends` (newest first),
    as the period choice names them in a link."""
    from dashboard.controls import end_label

    return [
        (page, urlencode({"period_end": end_label(end)})) for end in ends[1 : 1 + EARLIER_QUARTERS] for page in PAGES
    ]
