"""Benchmarks on the comparison charts (issue 19): the area's and England's figures drawn where a MARAC is compared,
outliers named on the funnel, a legend for every colour, and hovers that carry the interval, the counts and the
verdict with its certainty. Tested at the figure, as tests/reporting/test_charts.py does."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import benchmarks, charts
from reporting.benchmarks import Benchmark, Profile
from reporting.theme import contrast_ratio
from reporting.verdicts import VERDICT_STYLE

REPEAT = INDICATORS.by_key("repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "test edition")
HOSTILE = "<b>x</b>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt;"
LONDON = Benchmark("London", 0.312, compared=True)
ENGLAND = Benchmark("England", 0.298, "dash")


def maracs() -> pl.DataFrame:
    """Three MARACs with their counts and 95% intervals (intervals chosen by hand, not computed)."""
    return pl.DataFrame(
        {
            "group_code": ["A", "B", "C"],
            "group_name": ["Alpha", "Bexley", "Gamma"],
            "repeat_rate": [0.45, 0.14, 0.30],
            "repeat_rate_ci95_low": [0.40, 0.098, 0.25],
            "repeat_rate_ci95_high": [0.50, 0.196, 0.36],
            "repeat_verdict": ["above", "below", "within"],
            "repeat_rate_significance": ["above", "not distinguishable (lower)", "within"],
            "repeat_cases": [90, 21, 60],
            "cases": [200, 150, 200],
        }
    )


def test_benchmark_lines_cross_the_bars_at_their_figures_and_are_named_in_the_key() -> None:
    fig = charts.ranked_bars(maracs(), REPEAT, REPEAT_RANGE, subtitle="s", source="src", benchmarks=(LONDON, ENGLAND))
    lines = [(s.x0, s.x1, s.line.dash) for s in fig.layout.shapes if s.type == "line"]
    assert lines == [(0.312, 0.312, "solid"), (0.298, 0.298, "dash")]
    keys = [(t.name, t.line.dash) for t in fig.data if getattr(t, "mode", None) == "lines"]
    assert keys == [("London 31.2%", "solid"), ("England 29.8%", "dash")]
    assert fig.data[-1].mode == "text"  # the bars' own labels stay last, beyond the bars
    assert fig.layout.legend.x > 1 and fig.layout.legend.xanchor == "left"  # the key beside the plot, not over it


def test_benchmarks_come_from_the_area_row_and_same_base_england() -> None:
    national = pl.DataFrame(
        {
            "scope": ["England", "England", "UK"],
            "same_base": [True, False, False],
            "period_end": [date(2020, 3, 31)] * 3,
            "repeat_rate": [0.298, 0.27, 0.28],
        }
    )
    # the latest national figure ends a year before the period: its label says which 12 months it is
    england = benchmarks.england_row(national, date(2021, 3, 31))
    assert england is not None and england[0] == "England, 12 months to Mar 2020"
    assert benchmarks.england_row(national, date(2020, 3, 31))[0] == "England"  # type: ignore[index]
    lines = benchmarks.for_indicator(REPEAT, ("London", {"repeat_rate": 0.312}), ("England", england[1]))
    assert lines == (Benchmark("London", 0.312, "solid", compared=True), Benchmark("England", 0.298, "dash"))
    assert benchmarks.for_indicator(REPEAT, ("London", {"repeat_rate": None}), None) == ()


def test_every_hover_gives_the_interval_the_counts_and_the_verdict_with_its_certainty() -> None:
    data = maracs()
    bexley = (
        "Bexley: 14.0% (95% interval 9.8%–19.6%), 21 of 150 cases<br>"
        "▼ below the expected range, though with this many cases that could be chance"
    )
    bars = charts.ranked_bars(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src")
    assert bars.data[0].hovertext[0] == bexley
    assert bars.data[0].hovertext[2] == (
        "Alpha: 45.0% (95% interval 40.0%–50.0%), 90 of 200 cases<br>▲ above the expected range"
    )
    funnel = charts.funnel_plot(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src")
    assert list(next(t for t in funnel.data if t.name == "▼ below").hovertext) == [bexley]
    peers = data.select("repeat_rate")
    spine = charts.spine_chart(
        data.row(1, named=True), peers, {"repeat_rate": REPEAT_RANGE}, title="t", subtitle="s", source="src"
    )
    assert spine.data[0].hovertemplate == bexley.replace("Bexley", "Repeat rate") + (
        "<br>peers 14.0% to 45.0%<extra></extra>"
    )


def test_significance_colouring_compares_each_interval_with_the_area() -> None:
    fig = charts.ranked_bars(
        maracs(), REPEAT, REPEAT_RANGE, subtitle="s", source="src", colour_by="significance", benchmarks=(LONDON,)
    )
    bars = {t.name: list(t.y) for t in fig.data if t.type == "bar"}
    # Alpha 40-50% lies wholly above 31.2%; Bexley 9.8-19.6% wholly below; Gamma 25-36% reaches across it
    assert bars == {
        "higher than London (95%)": ["Alpha"],
        "similar to London": ["Gamma"],
        "lower than London (95%)": ["Bexley"],
    }
    higher = next(t for t in fig.data if t.name == "higher than London (95%)")
    assert higher.marker.color not in {s["colour"] for s in VERDICT_STYLE.values()}  # not a verdict's colour
    assert higher.hovertext[0].endswith("<br>higher than London (95%)")


def test_twelve_sub_areas_get_twelve_distinct_fills_none_white_and_a_legend_beside_the_plot() -> None:
    data = pl.DataFrame(
        {
            "group_code": [f"M{i:02}" for i in range(12)],
            "group_name": [f"MARAC {i:02}" for i in range(12)],
            "repeat_rate": [0.2 + i / 100 for i in range(12)],
            "repeat_verdict": ["below"] * 12,
            "sub_area": [f"BCU {i:02}" for i in range(12)],
        }
    )
    fig = charts.ranked_bars(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src", colour_by="sub_area")
    bars = [t for t in fig.data if t.type == "bar"]
    fills = [t.marker.color for t in bars]
    assert len(bars) == 12 and len(set(fills)) == 12
    assert all(contrast_ratio(f, "#ffffff") >= 3 for f in fills)  # none white, none too pale to see
    # a hatch is drawn over the bar's own fill, never in place of it (Plotly's "replace" made hatched bars white)
    assert all(t.marker.pattern.fillmode == "overlay" for t in bars if t.marker.pattern.shape)
    assert fig.layout.legend.x > 1 and fig.layout.legend.yanchor == "top"  # beside the plot, clear of the subtitle


def test_spine_chart_marks_the_area_and_england_and_keys_them() -> None:
    peers = pl.DataFrame({"repeat_rate": [0.20, 0.30, 0.40, 0.50]})
    own = {"repeat_rate": 0.45, "repeat_verdict": "above", "repeat_rate_significance": "above"}
    marks = (
        Profile("London", (("repeat_rate", 0.33),), "line-ns"),
        Profile("England", (("repeat_rate", 0.55),), "square-open"),
    )
    fig = charts.spine_chart(
        own, peers, {"repeat_rate": REPEAT_RANGE}, title="t", subtitle="s", source="src", benchmarks=marks
    )
    drawn = {t.name: (t.x[0], t.marker.symbol) for t in fig.data if t.name in ("London", "England")}
    # England at 55% lies beyond the peers: the line runs 20%-55%, so London's 33% sits at 0.13 / 0.35
    assert drawn["London"] == (pytest.approx(0.13 / 0.35), "line-ns")
    assert drawn["England"] == (pytest.approx(1.0), "square-open")
    assert fig.data[0].x[0] == pytest.approx(0.25 / 0.35)  # the MARAC on the same widened scale
    grey = fig.layout.shapes[0]
    assert (grey.x0, grey.x1) == (0, pytest.approx(0.30 / 0.35))  # the peers' own span, not the widened one
    key = [t.name for t in fig.data if t.showlegend]
    assert key == ["London", "England", "▲ above the expected range (95% interval)"]


def test_funnel_names_only_the_maracs_outside_its_limits_escaped() -> None:
    data = pl.DataFrame(
        {
            "group_code": ["A", "B", "C", "D", "E"],
            "group_name": ["Alpha", HOSTILE, "Gamma", "Delta", "Echo"],
            # centre: (30 + 60 + 90 + 30 + 60) / 1000 = 0.27. At 100 cases the 95% limits are about 18%-36%, at 300
            # about 22%-32%: Alpha, Gamma and Echo (30%) lie inside, the hostile name (60% of 100) and Delta (10% of
            # 300) far outside
            "repeat_rate": [0.30, 0.60, 0.30, 0.10, 0.30],
            "repeat_verdict": ["within", "above", "within", "below", "within"],
            "cases": [100, 100, 300, 300, 200],
        }
    )
    fig = charts.funnel_plot(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src")
    named = [(a.text, a.x, a.y, a.ay < 0) for a in fig.layout.annotations if a.showarrow]
    # the high one labelled above its point (ay < 0 points up), the low one below; Alpha, Gamma and Echo not at all
    assert named == [(ESCAPED, 100, 0.60, True), ("Delta", 300, 0.10, False)]
    assert all(HOSTILE not in (a.text or "") for a in fig.layout.annotations)
    legend = [t.name for t in fig.data if t.mode == "markers"]
    assert legend == ["● within", "▲ above", "▼ below"]  # one entry per verdict present, in its own colour
    colours = [t.marker.color for t in fig.data if t.mode == "markers"]
    assert colours == [VERDICT_STYLE[v]["colour"] for v in ("within", "above", "below")]


def test_funnel_labels_close_together_are_stepped_apart() -> None:
    data = pl.DataFrame(
        {
            "group_code": ["A", "B", "C", "D"],
            "group_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "repeat_rate": [0.70, 0.71, 0.30, 0.30],
            "repeat_verdict": ["above", "above", "within", "within"],
            "cases": [100, 102, 2000, 2000],
        }
    )
    fig = charts.funnel_plot(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src")
    offsets = {a.text: a.ay for a in fig.layout.annotations if a.showarrow}
    assert offsets == {"Alpha": -22, "Beta": -40}  # the second of two neighbours steps further out, clear of the first


def test_names_in_legends_and_labels_are_shown_as_typed() -> None:
    data = maracs().with_columns(pl.Series("sub_area", [HOSTILE, "East", "East"]))
    fig = charts.ranked_bars(data, REPEAT, REPEAT_RANGE, subtitle="s", source="src", colour_by="sub_area")
    assert sorted(t.name for t in fig.data if t.type == "bar") == [ESCAPED, "East"]  # "&" sorts before "E"
    assert fig.data[-1].text[2].endswith(f"· {ESCAPED}")  # Alpha, the highest, is last
    area = Benchmark(HOSTILE, 0.312, compared=True)
    fig = charts.ranked_bars(
        maracs(), REPEAT, REPEAT_RANGE, subtitle="s", source="src", colour_by="significance", benchmarks=(area,)
    )
    names = [t.name for t in fig.data if t.showlegend]
    assert names == [
        f"higher than {ESCAPED} (95%)",
        "similar to " + ESCAPED,
        f"lower than {ESCAPED} (95%)",
        ESCAPED + " 31.2%",
    ]
    assert all(HOSTILE not in h for t in fig.data if t.type == "bar" for h in t.hovertext)


def test_without_the_area_s_figure_bars_keep_their_verdicts_rather_than_meet_england_under_its_name() -> None:
    """Colouring 'against the area' compared with whichever line came first: with no area figure that was England,
    while the choice still read 'Against the area'. Now there is nothing to compare with, and bars keep their verdicts."""
    plain = charts.ranked_bars(maracs(), REPEAT, REPEAT_RANGE, subtitle="s", source="src")
    fig = charts.ranked_bars(
        maracs(), REPEAT, REPEAT_RANGE, subtitle="s", source="src", colour_by="significance", benchmarks=(ENGLAND,)
    )
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.marker.color for b in bars] == [b.marker.color for b in plain.data if b.type == "bar"]
    assert not any("England (95%)" in (b.name or "") for b in bars)
