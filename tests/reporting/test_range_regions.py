"""How every chart shades a SafeLives range: a band between two bounds, an open region to the plot's edge for a
one-sided rule ("2.5% or above", "at least the local share"), all through one helper (`charts.shade_range`)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from loaders.reference import read_reference
from metrics.definitions import INDICATORS
from metrics.published import side_by_side
from metrics.ranges import Range, Ranges
from reporting import charts, national, trend_charts
from reporting.equality_charts import MEETS_KEY, parity_scatter
from reporting.referral_charts import police_change
from reporting.theme import RANGE_FILL

LGBT = next(i for i in INDICATORS if i.key == "lgbt")
LGBT_RANGE = Range("lgbt", "floor", 0.025, None, "", "", "e")
DISABLED_RANGE = Range("disabled", "floor", 0.19, None, "", "", "e")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "e")
LOCAL_RULE = Range("racially_minoritised", "local_share", None, None, "", "", "e")
POLICE = Range("police_share", "range", 0.60, 0.75, "", "", "e")


def _rects(fig: go.Figure) -> list[go.layout.Shape]:
    return [s for s in fig.layout.shapes if s.fillcolor == RANGE_FILL]


def test_keys_say_expected_for_a_band_and_meets_for_an_open_region() -> None:
    assert charts.range_key(REPEAT_RANGE) == "shaded: expected 28%–40%"
    assert charts.range_key(LGBT_RANGE) == "shaded: meets: 2.5% or above"
    assert charts.range_key(DISABLED_RANGE) == "shaded: meets: 19% or above"
    assert charts.range_key(LOCAL_RULE, 0.42) == "shaded: meets: at least the local share not White British (42.0%)"
    assert charts.range_key(LOCAL_RULE) is None  # no local share, nothing to shade


def test_a_floor_reaches_the_axis_edge_whatever_the_data() -> None:
    # values up to 7.2% with a whisker to 9.0%: the axis runs to 1.1 x 9.0% = 9.9%, and the region from 2.5% to there
    fig = go.Figure(go.Scatter(y=[0.01, 0.072], error_y=dict(type="data", array=[0.005, 0.018])))
    key = charts.shade_range(fig, LGBT_RANGE)
    [region] = _rects(fig)
    assert fig.layout.yaxis.range == pytest.approx((0, 0.099))
    assert (region.y0, region.y1) == (0.025, fig.layout.yaxis.range[1])
    assert (region.xref, region.x0, region.x1) == ("x domain", 0, 1)  # the whole width
    assert key == "shaded: meets: 2.5% or above"
    # every value under the floor: the axis still reaches past the floor (1.1 x 2.5%), so the region shows
    fig = go.Figure(go.Scatter(y=[0.01, 0.02]))
    charts.shade_range(fig, LGBT_RANGE)
    assert fig.layout.yaxis.range == pytest.approx((0, 0.0275)) and _rects(fig)[0].y1 == fig.layout.yaxis.range[1]


def test_a_two_sided_range_stays_a_band_and_leaves_the_axis_alone() -> None:
    fig = go.Figure(go.Scatter(y=[0.2, 0.5]))
    key = charts.shade_range(fig, REPEAT_RANGE)
    [band] = _rects(fig)
    assert (band.y0, band.y1, fig.layout.yaxis.range) == (0.28, 0.40, None)
    assert key == "shaded: expected 28%–40%"


def test_trend_lines_shade_a_floor_to_the_top_of_the_plot() -> None:
    quarters = [date(2020, 4, 1), date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1)]
    series = {
        "London": pl.DataFrame(
            {"quarter_start": quarters, "share_lgbt": [0.02, 0.03, 0.04, 0.03], "share_lgbt_12m": [None] * 3 + [0.03]}
        )
    }
    fig = trend_charts.trend_lines(series, LGBT, LGBT_RANGE, title="t", subtitle="s", source="src")
    [region] = _rects(fig)
    # the highest value drawn is 4%: the axis runs to 4.4%, and the region from 2.5% to the axis's top
    assert fig.layout.yaxis.range == pytest.approx((0, 0.044))
    assert (region.y0, region.y1) == (0.025, fig.layout.yaxis.range[1])
    texts = [a.text for a in fig.layout.annotations]
    assert "shaded: meets: 2.5% or above" in texts and not any(t.startswith("shaded: expected") for t in texts)


def test_parity_scatter_shades_on_or_above_parity_to_the_top_and_left_edges() -> None:
    data = pl.DataFrame(
        {
            "group_code": ["A", "B"],
            "group_name": ["Alpha", "Beta"],
            "share_racially_minoritised": [0.3, 0.6],
            "local_share_not_white_british": [0.4, 0.5],
            "racially_minoritised_verdict": ["below", "within"],
        }
    )
    fig = parity_scatter(data, title="t", subtitle="s", source="src")
    [region] = _rects(fig)
    top = 0.6 * 1.08  # both axes run 0 to 8% past the largest figure
    assert fig.layout.xaxis.range == fig.layout.yaxis.range == pytest.approx((0, top))
    # the triangle (0, 0), (top, top), (0, top): above the line of parity, reaching the top and left edges
    assert region.path == f"M 0,0 L {top},{top} L 0,{top} Z" and (region.xref, region.yref) == ("x", "y")
    assert MEETS_KEY in [a.text for a in fig.layout.annotations]
    # the legend words a one-sided comparison as met or not, never "within"
    assert [t.name for t in fig.data[1:]] == [
        "▼ does not meet: below their local share",
        "● meets: at or above their local share",
    ]


def test_police_change_draws_its_range_through_the_same_helper() -> None:
    change = pl.DataFrame(
        {
            "group_code": ["A"],
            "group_name": ["Alpha"],
            "police_share": [0.65],
            "police_share_previous": [0.50],
            "police_share_change": [0.15],
            "police_share_change_significant": [True],
        }
    )
    fig = police_change(change, {}, POLICE, title="t", subtitle="s", source="src")
    [band] = _rects(fig)
    assert (band.x0, band.x1) == (0.60, 0.75)
    assert "shaded: expected 60%–75%" in [a.text for a in fig.layout.annotations]


def test_national_charts_draw_their_band_through_the_same_helper() -> None:
    reference = read_reference()
    ranges = Ranges.from_frame(reference["safelives_range"])
    frame = side_by_side(
        reference["safelives_published"], reference["area"], reference["population"], ranges, base="census2021"
    )
    ranked = national.ranked_forces(
        frame, national.MEASURES["cases_per_10k"], ranges, year="2023-24", base="census2021", base_label="Census 2021"
    )
    # 80-100% of 40 cases per 10,000 is 32-40 per 10,000, down the ranked chart (along x)
    [band] = _rects(ranked)
    assert (band.x0, band.x1, band.yref) == (32, 40, "y domain")
    trend = national.force_trend(
        frame, "E23000001", national.MEASURES["repeat_rate"], ranges, base="census2021", base_label="Census 2021"
    )
    [band] = _rects(trend)  # 28-40% of cases repeats, across the trend (along y)
    assert (band.y0, band.y1, band.xref) == (0.28, 0.40, "x domain")
