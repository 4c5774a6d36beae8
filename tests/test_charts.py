"""Chart builders, tested at the figure (AppTest cannot read Plotly figures)."""

from __future__ import annotations

from datetime import date

import plotly.io as pio
import polars as pl

from dashboard import charts
from dashboard.theme import SYNTHETIC_NOTE, VERDICT_STYLE
from metrics.indicators import INDICATORS
from metrics.ranges import Range

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "test edition")
LGBT = next(i for i in INDICATORS if i.key == "lgbt")
LGBT_RANGE = Range("lgbt", "floor", 0.025, None, "", "", "test edition")


def frame() -> pl.DataFrame:
    return pl.DataFrame({
        "group_code": ["A", "B", "C", "D"],
        "group_name": ["Alpha", "Beta", "Gamma", "Delta"],
        "repeat_rate": [0.45, 0.20, 0.30, None],
        "repeat_verdict": ["above", "below", "within", None],
        "share_lgbt": [0.01, 0.03, 0.05, None],
        "lgbt_verdict": ["below", "within", "within", None],
    })


def test_ranked_bars_order_colour_words_and_band() -> None:
    fig = charts.ranked_bars(frame(), REPEAT, REPEAT_RANGE, subtitle="London, 12 months", source="Source: test", synthetic=True, highlight="C")
    bar = fig.data[0]
    assert list(bar.y) == ["Beta", "Gamma", "Alpha"]  # sorted by value; Delta has no data and is left out
    assert list(bar.x) == [0.20, 0.30, 0.45]
    assert list(bar.marker.color) == [VERDICT_STYLE[v]["colour"] for v in ("below", "within", "above")]
    assert list(bar.text) == ["20% ▼ below", "30% ● within", "45% ▲ above"]
    assert list(bar.marker.line.width) == [0, 3, 0]  # the chosen MARAC is outlined
    band = fig.layout.shapes[0]
    assert (band.x0, band.x1, band.layer) == (0.28, 0.40, "below")
    texts = [a.text for a in fig.layout.annotations]
    assert "Source: test" in texts and SYNTHETIC_NOTE.upper() in texts
    assert "shaded: expected 28%–40%" in texts
    assert fig.layout.template == pio.templates["marac"]
    assert "London, 12 months" in fig.layout.title.text


def test_floor_band_runs_past_the_largest_value_and_no_synthetic_mark_for_real_data() -> None:
    fig = charts.ranked_bars(frame(), LGBT, LGBT_RANGE, subtitle="s", source="src", synthetic=False)
    band = fig.layout.shapes[0]
    assert band.x0 == 0.025 and band.x1 == 0.05 * 1.15
    assert SYNTHETIC_NOTE.upper() not in [a.text for a in fig.layout.annotations]


def test_trend_chart_one_line_per_series_with_quarter_labels() -> None:
    own = pl.DataFrame({"quarter_start": [date(2020, 7, 1), date(2020, 4, 1)], "repeat_rate": [0.3, 0.25]})
    region = pl.DataFrame({"quarter_start": [date(2020, 4, 1), date(2020, 7, 1)], "repeat_rate": [0.27, 0.29]})
    fig = charts.trend_chart({"Hackney": own, "Region: London": region}, REPEAT, REPEAT_RANGE,
                             title="Hackney: Repeat cases", subtitle="s", source="src")
    assert [t.name for t in fig.data] == ["Hackney", "Region: London"]
    assert list(fig.data[0].x) == ["2020-21 Q1", "2020-21 Q2"]  # sorted by quarter
    assert list(fig.data[0].y) == [0.25, 0.3]
    assert fig.data[0].line.width == 3 and fig.data[1].line.dash == "dot"
    band = fig.layout.shapes[0]
    assert (band.y0, band.y1) == (0.28, 0.40)
