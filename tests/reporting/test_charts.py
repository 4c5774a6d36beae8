"""Chart builders, tested at the figure (AppTest cannot read Plotly figures)."""

from __future__ import annotations

from datetime import date

import plotly.io as pio
import polars as pl
import pytest

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import charts
from reporting.theme import SYNTHETIC_NOTE
from reporting.verdicts import VERDICT_STYLE

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "test edition")
LGBT = next(i for i in INDICATORS if i.key == "lgbt")
LGBT_RANGE = Range("lgbt", "floor", 0.025, None, "", "", "test edition")


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "group_code": ["A", "B", "C", "D"],
            "group_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "repeat_rate": [0.45, 0.20, 0.30, None],
            "repeat_verdict": ["above", "below", "within", None],
            "share_lgbt": [0.01, 0.03, 0.05, None],
            "lgbt_verdict": ["below", "within", "within", None],
        }
    )


def test_ranked_bars_order_colour_words_and_band() -> None:
    fig = charts.ranked_bars(
        frame(),
        REPEAT,
        REPEAT_RANGE,
        subtitle="London, 12 months",
        source="Source: test",
        synthetic=True,
        highlight="C",
    )
    bar, labels = fig.data[0], fig.data[-1]
    assert list(bar.y) == ["Beta", "Gamma", "Alpha"]  # sorted by value; Delta has no data and is left out
    assert list(bar.x) == [0.20, 0.30, 0.45]
    assert list(bar.marker.color) == [VERDICT_STYLE[v]["colour"] for v in ("below", "within", "above")]
    assert list(labels.text) == ["20% ▼ below", "30% ● within", "45% ▲ above"]
    assert list(bar.marker.line.width) == [0, 3, 0]  # the chosen MARAC is outlined
    band = fig.layout.shapes[0]
    assert (band.x0, band.x1, band.layer) == (0.28, 0.40, "below")
    texts = [a.text for a in fig.layout.annotations]
    assert "Source: test" in texts and SYNTHETIC_NOTE.upper() in texts
    assert "shaded: expected 28%–40%" in texts
    assert fig.layout.template == pio.templates["marac"]
    assert "London, 12 months" in fig.layout.title.text


def test_bar_labels_never_contradict_their_verdict() -> None:
    # 27.96% rounds to "28%", which would sit inside a 28-40% range beside "below"; 40.04% rounds to "40%"
    data = frame().with_columns(pl.Series("repeat_rate", [0.4004, 0.2796, 0.30, None]))
    labels = charts.ranked_bars(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src").data[-1]
    assert list(labels.text) == ["27.96% ▼ below", "30% ● within", "40.04% ▲ above"]


def test_local_share_marks_and_labels_do_not_overlap() -> None:
    minoritised = next(i for i in INDICATORS if i.key == "racially_minoritised")
    item = Range("racially_minoritised", "local_share", None, None, "", "", "e")
    data = pl.DataFrame(
        {
            "group_code": ["A", "B"],
            "group_name": ["Alpha", "Beta"],
            "share_racially_minoritised": [0.30, 0.50],
            "racially_minoritised_verdict": ["below", "within"],
            "local_share_not_white_british": [0.45, 0.40],
        }
    )
    fig = charts.ranked_bars(data, minoritised, item, subtitle="s", source="src")
    bar, marks, labels = fig.data
    assert marks.name == "local share not White British" and list(marks.x) == [0.45, 0.40]
    assert bar.showlegend is False  # the legend explains the marks only, not a single bar colour
    assert list(labels.x) == [0.45, 0.50]  # each label starts beyond the bar and the mark, whichever is further
    assert list(labels.text) == ["30% ▼ not met", "50% ● met"]


def test_small_shares_get_a_decimal_on_the_axis() -> None:
    fig = charts.ranked_bars(frame(), LGBT, LGBT_RANGE, subtitle="s", source="src")
    assert fig.layout.xaxis.tickformat == ".1%"
    assert list(fig.data[-1].text) == ["1.0% ▼ not met", "3.0% ● met", "5.0% ● met"]


def test_a_floor_is_an_open_region_to_the_axis_edge_and_no_synthetic_mark_for_real_data() -> None:
    fig = charts.ranked_bars(frame(), LGBT, LGBT_RANGE, subtitle="s", source="src", synthetic=False)
    band = fig.layout.shapes[0]
    # "2.5% or above" has no upper bound: shaded from 2.5% to the axis's end, 1.25 x the largest figure (5%)
    assert (band.x0, band.x1) == (0.025, pytest.approx(0.05 * 1.25)) and band.x1 == fig.layout.xaxis.range[1]
    texts = [a.text for a in fig.layout.annotations]
    assert "shaded: meets: 2.5% or above" in texts and not any("expected" in t for t in texts)
    assert SYNTHETIC_NOTE.upper() not in texts


def test_trend_chart_marks_the_chosen_period_and_local_share() -> None:
    minoritised = next(i for i in INDICATORS if i.key == "racially_minoritised")
    item = Range("racially_minoritised", "local_share", None, None, "", "", "e")
    quarters = [date(2020, 4, 1), date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1), date(2021, 4, 1)]
    own = pl.DataFrame({"quarter_start": quarters, "share_racially_minoritised": [0.3, 0.32, 0.31, 0.35, 0.33]})
    fig = charts.trend_chart(
        {"Hackney": own},
        minoritised,
        item,
        title="t",
        subtitle="s",
        source="src",
        period=quarters[1:5],
        local_share=0.6385,
    )
    shapes = {(s.type, s.x0, s.x1, s.y0, s.y1) for s in fig.layout.shapes}
    assert ("rect", 0.5, 4.5, 0, 1) in shapes  # 2020-21 Q2 to 2021-22 Q1 shaded
    assert ("line", 0, 1, 0.6385, 0.6385) in shapes
    # "at least the local share" is open above: shaded from 63.85% to the top of an axis fixed at 1.1 x 63.85%
    # (the key prints it as the line's label does: 0.6385 is stored a hair under, so 63.8%)
    assert fig.layout.yaxis.range == pytest.approx((0, 0.6385 * 1.1))
    assert ("rect", 0, 1, 0.6385, fig.layout.yaxis.range[1]) in shapes
    assert "shaded: meets: at least the local share not White British (63.8%)" in [
        a.text for a in fig.layout.annotations
    ]
    assert list(fig.layout.xaxis.tickvals) == ["2020-21 Q1", "2020-21 Q3", "2021-22 Q1"]  # counted back from the newest


def test_trend_chart_one_line_per_series_with_quarter_labels() -> None:
    own = pl.DataFrame({"quarter_start": [date(2020, 7, 1), date(2020, 4, 1)], "repeat_rate": [0.3, 0.25]})
    region = pl.DataFrame({"quarter_start": [date(2020, 4, 1), date(2020, 7, 1)], "repeat_rate": [0.27, 0.29]})
    fig = charts.trend_chart(
        {"Hackney": own, "Region: London": region},
        REPEAT,
        REPEAT_RANGE,
        title="Hackney: Repeat cases",
        subtitle="s",
        source="src",
    )
    assert [t.name for t in fig.data] == ["Hackney", "Region: London"]
    assert list(fig.data[0].x) == ["2020-21 Q1", "2020-21 Q2"]  # sorted by quarter
    assert list(fig.data[0].y) == [0.25, 0.3]
    assert fig.data[0].line.width == 3 and fig.data[1].line.dash == "dot"
    band = fig.layout.shapes[0]
    assert (band.y0, band.y1) == (0.28, 0.40)


def test_ranked_bars_show_95_percent_intervals_as_whiskers() -> None:
    data = frame().with_columns(
        pl.Series("repeat_rate_ci95_low", [0.40, 0.15, 0.25, None]),
        pl.Series("repeat_rate_ci95_high", [0.50, 0.26, 0.36, None]),
    )
    fig = charts.ranked_bars(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src")
    bar, labels = fig.data[0], fig.data[-1]
    # Beta 0.20 (0.15-0.26), Gamma 0.30 (0.25-0.36), Alpha 0.45 (0.40-0.50)
    assert list(bar.error_x.array) == pytest.approx([0.06, 0.06, 0.05])
    assert list(bar.error_x.arrayminus) == pytest.approx([0.05, 0.05, 0.05])
    assert list(labels.x) == pytest.approx([0.26, 0.36, 0.50])  # labels start beyond the whiskers


def test_trend_chart_marks_safelives_national_figures() -> None:
    quarters = [date(2019, 1, 1), date(2019, 4, 1), date(2019, 7, 1)]
    own = pl.DataFrame({"quarter_start": quarters, "repeat_rate": [0.25, 0.27, 0.26]})
    national = pl.DataFrame({"period_end": [date(2019, 6, 30), date(2023, 6, 30)], "repeat_rate": [0.30, 0.32]})
    fig = charts.trend_chart(
        {"Hackney": own}, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src", national=national
    )
    marks = fig.data[-1]
    # only the snapshot inside the plotted quarters is drawn, at the quarter its 12 months end in
    assert (list(marks.x), list(marks.y)) == (["2019-20 Q1"], [0.30])


def test_trend_chart_marks_each_national_scope_apart() -> None:
    quarters = [date(2019, 1, 1), date(2019, 4, 1), date(2019, 7, 1)]
    own = pl.DataFrame({"quarter_start": quarters, "repeat_rate": [0.25, 0.27, 0.26]})
    national = pl.DataFrame(
        {
            "scope": ["UK", "England", "UK"],
            "period_end": [date(2019, 3, 31), date(2019, 3, 31), date(2019, 6, 30)],
            "repeat_rate": [0.29, 0.2982, 0.30],
        }
    )
    fig = charts.trend_chart(
        {"Hackney": own}, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src", national=national
    )
    uk, england = fig.data[-2], fig.data[-1]
    assert (uk.name, list(uk.x), list(uk.y), uk.marker.symbol) == (
        "UK, SafeLives' own base (as published)",
        ["2018-19 Q4", "2019-20 Q1"],
        [0.29, 0.30],
        "diamond",
    )
    assert (england.name, list(england.x), list(england.y), england.marker.symbol) == (
        "England, SafeLives' own base (as published)",
        ["2018-19 Q4"],
        [0.2982],
        "square-open",
    )


def test_funnel_plot_centre_and_limits() -> None:
    data = pl.DataFrame(
        {
            "group_code": ["A", "B", "C"],
            "group_name": ["Alpha", "Beta", "Gamma"],
            "repeat_rate": [0.25, 0.35, 0.30],
            "repeat_verdict": ["below", "within", "within"],
            "cases": [100, 300, 600],
        }
    )
    fig = charts.funnel_plot(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src", highlight="B")
    # centre: (25 + 105 + 180) / 1000 = 0.31
    centre = next(s for s in fig.layout.shapes if s.type == "line")
    assert centre.y0 == pytest.approx(0.31)
    lower95, upper95, lower998, upper998 = fig.data[:4]
    # exact binomial at n = 630 (the last size: 600 x 1.05), p = 0.31 (scipy.stats.binom agrees):
    # lower 95%: r = 173, F(173) = 0.029189, P(X = 173) = 0.0053932, alpha = (0.029189 - 0.025) / 0.0053932 = 0.77674,
    #   (173 - 0.77674) / 630 = 0.27337; upper 95%: r = 218, F = 0.976342, P(X = 218) = 0.0051258, alpha = 0.26176,
    #   (218 - 0.26176) / 630 = 0.34562 (the normal approximation gave 0.27388 to 0.34611)
    assert (lower95.x[-1], lower95.y[-1], upper95.y[-1]) == pytest.approx((630, 0.2733703, 0.3456162), abs=1e-7)
    # 99.8%: r = 160 and 232, alpha = 0.51773 and 0.81241: 0.25315 to 0.36696
    assert (lower998.y[-1], upper998.y[-1]) == pytest.approx((0.2531465, 0.3669644), abs=1e-7)
    assert all(float(x).is_integer() for x in lower95.x)  # the binomial is drawn at whole sizes
    # the y axis reaches the outer funnel at the smallest MARAC (n = 100: r = 46, alpha = 0.71933, 0.45281), x 1.1
    assert fig.layout.yaxis.range == pytest.approx((0, 0.4528067 * 1.1), abs=1e-7)
    sources = [a.text for a in fig.layout.annotations if a.text.startswith("src")]
    assert sources == ["src<br>Funnel limits: exact binomial, 95% and 99.8% (Spiegelhalter 2005)."]
    assert [a.align for a in fig.layout.annotations if a.text.startswith("src")] == ["left"]  # both lines start left
    below, within = fig.data[-2:]  # one trace per verdict, named as the legend reads it
    assert (below.name, list(below.x), list(below.y)) == ("▼ below", [100], [0.25])
    # the chosen MARAC stands out, drawn last in its trace so the legend's marker is the plain one
    assert (within.name, list(within.x), list(within.y)) == ("● within", [600, 300], [0.30, 0.35])
    assert list(within.marker.symbol) == ["circle", "diamond"]
    assert list(within.customdata) == ["C", "B"]


def test_funnel_plot_for_volume_uses_poisson_limits_on_recommended_cases() -> None:
    volume = next(i for i in INDICATORS if i.key == "volume")
    item = Range("volume", "range", 0.8, 1.0, "", "", "e")
    data = pl.DataFrame(
        {
            "group_code": ["A", "B"],
            "group_name": ["Alpha", "Beta"],
            "pct_of_recommended": [1.2, 0.9],
            "volume_verdict": ["above", "within"],
            "recommended_cases": [100.0, 300.0],
        }
    )
    fig = charts.funnel_plot(data, volume, item, subtitle="s", source="src")
    centre = (1.2 * 100 + 0.9 * 300) / 400  # 0.975
    assert next(s for s in fig.layout.shapes if s.type == "line").y0 == pytest.approx(centre)
    # exact Poisson at E = 315 (the last size: 300 x 1.05), mean 0.975 x 315 = 307.125 (scipy.stats.poisson agrees):
    # upper 95%: r = 342, F(342) = 0.976753, P(X = 342) = 0.0031965, alpha = 0.54851, (342 - 0.54851) / 315 = 1.08397
    # lower 95%: r = 273, alpha = 0.25112, (273 - 0.25112) / 315 = 0.86587.
    # (The normal approximation put the upper limit at 0.975 + 1.959964 x sqrt(0.975 / 315) = 1.08404.)
    assert (fig.data[0].x[-1], fig.data[0].y[-1], fig.data[1].y[-1]) == pytest.approx(
        (315, 0.8658695, 1.0839730), abs=1e-7
    )
    sources = [a.text for a in fig.layout.annotations if a.text.startswith("src")]
    assert sources == ["src<br>Funnel limits: exact Poisson on recommended cases, 95% and 99.8% (Spiegelhalter 2005)."]
    band = next(s for s in fig.layout.shapes if s.type == "rect")
    assert (band.y0, band.y1) == (0.8, 1.0)  # a two-sided range stays a band
    assert "shaded: expected 80%–100% of recommended" in [a.text for a in fig.layout.annotations]


def test_funnel_plot_for_a_floor_shades_to_the_top_and_keeps_a_marac_at_6_25_percent_inside() -> None:
    # London LGBT+: centre 2.9% (issue 17); the smallest MARAC has 272 cases and 17 LGBT+ victims/survivors (6.25%)
    data = pl.DataFrame(
        {
            "group_code": ["S", "L"],
            "group_name": ["Small", "Large"],
            "share_lgbt": [17 / 272, (0.029 * 3000 - 17) / 2728],  # (87 - 17) / 2728, so 87 of 3,000 = 2.9% in all
            "lgbt_verdict": ["within", "within"],
            "cases": [272, 2728],
        }
    )
    fig = charts.funnel_plot(data, LGBT, LGBT_RANGE, subtitle="s", source="src")
    upper998 = fig.data[3]
    at = list(upper998.x).index(272)  # round(2864.4 x 19 / 200) = 272, a size the grid draws
    # exact binomial, n = 272, p = 0.029: r = 18, alpha = 0.0305, (18 - 0.0305) / 272 = 6.322% > 6.25%
    assert upper998.y[at] == pytest.approx(0.0632200, abs=1e-7) and upper998.y[at] > 17 / 272
    band = next(s for s in fig.layout.shapes if s.type == "rect")
    assert band.y0 == 0.025 and band.y1 == fig.layout.yaxis.range[1]  # open to the top edge
    assert "shaded: meets: 2.5% or above" in [a.text for a in fig.layout.annotations]


def test_spine_chart_labels_carry_each_verdict_with_its_certainty() -> None:
    """The label beside each line reads the figure, its verdict and, where the interval does not back it, the mark
    the axis note explains."""
    peers = pl.DataFrame({"repeat_rate": [0.20, 0.30, 0.40, 0.50], "share_lgbt": [0.01, 0.02, 0.03, 0.05]})
    own = {
        "repeat_rate": 0.45,
        "repeat_verdict": "above",
        "repeat_rate_significance": "above",
        "share_lgbt": 0.02,
        "lgbt_verdict": "below",
        "share_lgbt_significance": "not distinguishable (lower)",
    }
    fig = charts.spine_chart(
        own, peers, {"repeat_rate": REPEAT_RANGE, "lgbt": LGBT_RANGE}, title="Hackney", subtitle="s", source="src"
    )
    assert list(fig.layout.yaxis.ticktext) == [
        "Repeat rate  45.0% ▲ above",
        "Victims/survivors LGBT+  2.0% ▼ not met*",
    ]
    assert fig.layout.xaxis.title.text.endswith("<br>* could be chance · † too few to judge")
    assert fig.data[1].hovertemplate == (
        "Victims/survivors LGBT+: 2.0%<br>▼ does not meet the expected level, though with this many cases that could "
        "be chance<br>peers 1.0% to 5.0%<extra></extra>"
    )


def test_spine_chart_scales_each_line_to_the_peers_and_colours_by_significance() -> None:
    peers = pl.DataFrame({"repeat_rate": [0.20, 0.30, 0.40, 0.50, None], "share_lgbt": [0.01, 0.02, 0.03, 0.05, 0.04]})
    own = {
        "repeat_rate": 0.45,
        "repeat_rate_significance": "above",
        "share_lgbt": 0.02,
        "share_lgbt_significance": "not distinguishable (lower)",
    }
    ranges = {"repeat_rate": REPEAT_RANGE, "lgbt": LGBT_RANGE}
    fig = charts.spine_chart(own, peers, ranges, title="Hackney", subtitle="s", source="src")
    repeat, lgbt, *key = fig.data
    assert [k.name for k in key] == [  # the legend: one entry for each look the markers take, in words
        "▲ above the expected range (95% interval)",
        "◆ could be chance: the 95% interval reaches across a bound",
    ]
    assert repeat.x[0] == pytest.approx((0.45 - 0.20) / (0.50 - 0.20))  # 0.833 along the peers' span
    assert repeat.marker.color == VERDICT_STYLE["above"]["colour"] and repeat.marker.symbol == "circle"
    assert lgbt.x[0] == pytest.approx(0.25)  # (0.02 - 0.01) / 0.04
    assert lgbt.marker.symbol == "diamond"  # not distinguishable from the 2.5% floor
    assert list(fig.layout.yaxis.ticktext) == ["Repeat rate  45.0%", "Victims/survivors LGBT+  2.0%"]
    # repeat rate: peers' middle half 0.275-0.425 -> 0.25-0.75; the 28-40% range -> 0.267-0.667
    shapes = [(s.x0, s.x1) for s in fig.layout.shapes if s.y0 < 0.5 and s.y1 > -0.5]
    assert shapes[1] == pytest.approx((0.25, 0.75)) and shapes[2] == pytest.approx((0.08 / 0.3, 0.2 / 0.3))


def test_a_funnel_point_s_hover_says_what_it_rests_on() -> None:
    # Small sent 1 of the 4 quarters of the 12 months: its hover says so; Large sent all 4 and says nothing more
    data = pl.DataFrame(
        {
            "group_code": ["S", "L"],
            "group_name": ["Small", "Large"],
            "share_lgbt": [0.02, 0.03],
            "lgbt_verdict": ["below", "within"],
            "cases": [100, 900],
            "quarters_with_data": [1, 4],
            "maracs_in_group": [1, 1],
            "window": ["12m", "12m"],
        }
    )
    fig = charts.funnel_plot(data, LGBT, LGBT_RANGE, subtitle="s", source="src")
    (small,) = next(t for t in fig.data if t.name == "▼ does not meet").hovertext
    (large,) = next(t for t in fig.data if t.name == "● meets").hovertext
    assert small.startswith("Small: ") and large.startswith("Large: ")
    assert small.endswith("<br>1 of 4 quarters returned: one quarter's rate shown as a year's")
    assert "quarters returned" not in large
