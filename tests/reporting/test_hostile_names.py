"""A MARAC's name comes from the registry, not from us: every chart hover shows it as typed, never as HTML.

Plotly reads a subset of HTML in hover text (<b>, <a href>, <br>), so a name like "<b>x</b>" would be drawn bold and an
<a href> a link; escaped, it is drawn as the characters typed.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import charts, trend_charts

HOSTILE = '<b>x</b> <a href="https://evil.example">y</a>'
ESCAPED = "&lt;b&gt;x&lt;/b&gt; &lt;a href=&quot;https://evil.example&quot;&gt;y&lt;/a&gt;"
REPEAT = INDICATORS.by_key("repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "e")
QUARTERS = [date(2020, 4, 1), date(2020, 7, 1)]


def series() -> dict[str, pl.DataFrame]:
    return {
        HOSTILE: pl.DataFrame({"quarter_start": QUARTERS, "repeat_rate": [0.2, 0.3], "repeat_rate_12m": [None, 0.25]})
    }


def test_trend_lines_hover_shows_a_hostile_name_as_text() -> None:
    fig = trend_charts.trend_lines(series(), REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src", show="both")
    hovers = [t.hovertemplate for t in fig.data if t.hovertemplate and "%{x}" in t.hovertemplate]
    assert hovers == [
        f"{ESCAPED}, %{{x}}: %{{y:.1%}}<extra></extra>",
        f"{ESCAPED}, 12 months to the end of %{{x}}: %{{y:.1%}}<extra></extra>",
    ]


def test_profile_trend_hover_shows_a_hostile_name_as_text() -> None:
    fig = charts.trend_chart(series(), REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src")
    (line,) = [t for t in fig.data if t.hovertemplate and "%{x}" in t.hovertemplate]
    assert line.hovertemplate == f"{ESCAPED}, %{{x}}: %{{y:.1%}}<extra></extra>"
    assert HOSTILE not in (line.hovertemplate or "")


def test_trend_legends_show_a_hostile_name_as_typed() -> None:
    """Legends read a subset of HTML as hovers do (they carry into pack charts too): the key names it as typed."""
    lines = trend_charts.trend_lines(series(), REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src", show="both")
    profile = charts.trend_chart(series(), REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src")
    named = [t.name for fig in (lines, profile) for t in fig.data if t.name and "evil" in t.name]
    assert named == [f"{ESCAPED}, each quarter", f"{ESCAPED}, 12 months", ESCAPED]
