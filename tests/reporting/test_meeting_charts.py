"""Chart builders of the meeting pages, checked at the figure (AppTest cannot read Plotly figures)."""

from __future__ import annotations

from datetime import date

import plotly.io as pio
import polars as pl
import pytest

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import trend_charts
from reporting.equality_charts import meeting_ranges, parity_scatter
from reporting.referral_charts import police_change, sector_bars
from reporting.theme import SYNTHETIC_NOTE
from reporting.verdicts import VERDICT_STYLE, Verdict

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "e")
POLICE = Range("police_share", "range", 0.60, 0.75, "", "", "e")
QUARTERS = [
    date(2019, 10, 1),
    date(2020, 1, 1),
    date(2020, 4, 1),
    date(2020, 7, 1),
    date(2020, 10, 1),
    date(2021, 1, 1),
    date(2021, 4, 1),
]
EVENTS = pl.DataFrame(
    {
        "event": ["all", "first"],
        "label": ["2020–21 lockdown period", "First national lockdown"],
        "start": [date(2020, 3, 23), date(2020, 3, 23)],
        "end": [date(2021, 3, 29), date(2020, 6, 1)],
    }
)


def test_event_positions_are_days_into_their_quarter() -> None:
    labels = ["2019-20 Q3", "2019-20 Q4", "2020-21 Q1"]
    # 23 March 2020 is day 82 of the 91-day quarter starting 1 January (index 1): 1 - 0.5 + 82/91
    assert trend_charts.event_position(date(2020, 3, 23), labels) == pytest.approx(0.5 + 82 / 91)
    assert trend_charts.event_position(date(2019, 1, 1), labels) == -0.5  # before the axis: held at its start
    assert trend_charts.event_position(date(2021, 3, 29), labels) == 2.5  # after it: held at its end


def test_trend_lines_draw_12_months_thick_quarters_dotted_and_shade_the_lockdowns() -> None:
    series = {
        "London": pl.DataFrame(
            {
                "quarter_start": QUARTERS,
                "repeat_rate": [0.2, 0.3, 0.25, 0.35, 0.3, 0.28, 0.31],
                "repeat_rate_12m": [None, None, None, 0.275, 0.30, 0.295, 0.31],
            }
        )
    }
    national = pl.DataFrame({"scope": ["England"], "period_end": [date(2021, 3, 31)], "repeat_rate": [0.3208]})
    fig = trend_charts.trend_lines(
        series,
        REPEAT,
        REPEAT_RANGE,
        title="Repeat rate: trend",
        subtitle="s",
        source="src",
        synthetic=True,
        national=national,
        events=EVENTS,
        last=date(2021, 3, 31),
    )
    quarter_line, year_line, england = fig.data
    assert quarter_line.name == "London, each quarter" and quarter_line.line.dash == "dot"
    assert year_line.name == "London, 12 months" and year_line.line.width == 3
    assert list(year_line.x) == [
        "2019-20 Q3",
        "2019-20 Q4",
        "2020-21 Q1",
        "2020-21 Q2",
        "2020-21 Q3",
        "2020-21 Q4",
    ]  # to March 2021
    assert list(england.x) == ["2020-21 Q4"] and england.y[0] == pytest.approx(0.3208)
    shaded = next(s for s in fig.layout.shapes if s.fillcolor == trend_charts.EVENT_FILL)
    # from 23 March 2020 (82 days into 2019-20 Q4, index 1) to 29 March 2021 (87 days into the 90 of 2020-21 Q4, index 5)
    assert (shaded.x0, shaded.x1) == pytest.approx((0.5 + 82 / 91, 4.5 + 87 / 90))
    # the first lockdown, to 1 June 2020 (61 days into 2020-21 Q1)
    strip = next(s for s in fig.layout.shapes if s.y1 == 0.025)
    assert (strip.x0, strip.x1) == pytest.approx((0.5 + 82 / 91, 1.5 + 61 / 91))
    texts = [a.text for a in fig.layout.annotations]
    assert (
        "shaded: 2020–21 lockdown period" in texts
        and "shaded: expected 28%–40%" in texts
        and SYNTHETIC_NOTE.upper() in texts
    )
    assert fig.layout.template == pio.templates["marac"]


def test_trend_lines_can_show_only_the_12_months() -> None:
    series = {
        "A": pl.DataFrame({"quarter_start": QUARTERS[:2], "repeat_rate": [0.2, 0.3], "repeat_rate_12m": [None, 0.25]})
    }
    fig = trend_charts.trend_lines(series, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src", show="rolling")
    assert [t.name for t in fig.data] == ["A, 12 months"]


def test_sector_bars_stack_to_100_percent_police_first_with_the_range_marked() -> None:
    shares = pl.DataFrame(
        {
            "group_code": ["A", "A", "B", "B", "C", "C"],
            "group_name": ["Alpha", "Alpha", "Beta", "Beta", "Gamma", "Gamma"],
            "sector": ["Police", "IDVA"] * 3,
            "referrals": [50.0, 50.0, 70.0, 30.0, None, None],
            "share": [0.5, 0.5, 0.7, 0.3, None, None],
        }
    )
    fig = sector_bars(shares, POLICE, title="Who refers", subtitle="s", source="src")
    police, idva = fig.data
    assert (police.name, idva.name) == ("Police", "IDVA")
    assert list(police.y) == ["Alpha", "Beta"]  # Gamma has no referrals: left out
    assert list(fig.layout.yaxis.categoryarray) == ["Alpha", "Beta"]  # highest police share drawn at the top
    assert list(police.text) == ["50%", "70%"] and list(police.customdata) == ["A", "B"]
    assert fig.layout.barmode == "stack"
    dashed = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert sorted(s.x0 for s in dashed) == [0.60, 0.75]  # each on a white line, to show on dark segments too
    assert sorted(s.x0 for s in fig.layout.shapes if s.line.color == "#ffffff") == [0.60, 0.75]


def test_police_change_marks_changes_beyond_chance() -> None:
    change = pl.DataFrame(
        {
            "group_code": ["A", "B"],
            "group_name": ["Alpha", "Beta"],
            "police_share": [0.65, 0.55],
            "police_share_previous": [0.50, 0.53],
            "police_share_change": [0.15, 0.02],
            "police_share_change_significant": [True, False],
        }
    )
    fig = police_change(
        change, {"A": Verdict("within"), "B": Verdict("below")}, POLICE, title="t", subtitle="s", source="src"
    )
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [line.line.dash for line in lines] == ["dot", "solid"]  # Beta (sorted first) could be chance; Alpha is not
    labels = [t for t in fig.data if t.mode == "text"]
    assert [(list(t.y), list(t.text), t.textfont.weight) for t in labels] == [
        (["Alpha"], ["+15.0 points"], "bold"),
        (["Beta"], ["+2.0 points (could be chance)"], "normal"),
    ]
    now = fig.data[-1]
    assert now.marker.symbol == "diamond"  # no verdict's symbol: the verdict is its colour, and in its hover
    assert list(now.marker.color) == [VERDICT_STYLE["below"]["colour"], VERDICT_STYLE["within"]["colour"]]


def test_parity_scatter_sets_each_marac_against_its_own_population() -> None:
    data = pl.DataFrame(
        {
            "group_code": ["A", "B"],
            "group_name": ["Alpha", "Beta"],
            "share_racially_minoritised": [0.3, 0.6],
            "local_share_not_white_british": [0.4, 0.5],
            "racially_minoritised_verdict": ["below", "within"],
            "share_racially_minoritised_ci95_low": [0.25, 0.55],
            "share_racially_minoritised_ci95_high": [0.35, 0.65],
        }
    )
    fig = parity_scatter(data, title="t", subtitle="s", source="src")
    parity, below, within = fig.data
    assert list(parity.x) == list(parity.y) == [0, pytest.approx(0.648)]  # y = x up to 8% past the largest figure
    assert (
        list(below.hovertext)
        == [  # a one-sided comparison: met or not met, not "below"
            "Alpha (▼ does not meet): 30.0% of victims/survivors racially minoritised; local share 40.0%"
        ]
        and list(below.x) == [0.4]
        and below.marker.symbol == "triangle-down"
    )
    assert list(within.customdata) == ["B"] and list(within.error_y.array) == pytest.approx([0.05])


def test_meeting_ranges_stacks_below_within_above_with_counts() -> None:
    summary = pl.DataFrame(
        {
            "indicator": ["repeat_rate"],
            "label": ["Repeat rate"],
            "maracs_with_figure": [32],
            "below": [20],
            "within": [9],
            "above": [3],
        }
    )
    fig = meeting_ranges(summary, title="t", subtitle="s", source="src")
    assert [t.name for t in fig.data] == [
        "▼ below the expected range, or does not meet a minimum",  # the rows mix ranges with floors (2.5% or above)
        "● within the expected range, or meets a minimum",
        "▲ above the expected range",
    ]
    assert [t.text[0] for t in fig.data] == ["20 (62%)", "9 (28%)", "3 (9%)"]
    assert fig.data[1].x[0] == pytest.approx(9 / 32)


def test_presentation_size_keeps_every_ranked_name_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import presentation
    from reporting import charts

    monkeypatch.setattr(presentation, "presenting", lambda: True)
    names = [f"MARAC {n}" for n in range(32)]
    frame = pl.DataFrame(
        {
            "group_code": names,
            "group_name": names,
            "repeat_rate": [0.2 + n / 200 for n in range(32)],
            "repeat_verdict": ["within"] * 32,
        }
    )
    built = charts.ranked_bars(frame, REPEAT, REPEAT_RANGE, subtitle="s", source="Source: test")
    shown = presentation.screen_figure(built)
    # 32 rows in the 560 px a 1280x720 screen leaves the chart, less its own 120 px title margin, 100 px below and a
    # 14 px line for the small print: (560 - 120 - 100 - 14) / 32 x 0.75 = 7.6 px a name, so the rows take the 8 px
    # floor and every name is kept (dtick 1); the name margin shrinks no further than 0.8 x 200; the title 18 x 1.2
    assert shown.layout.height == 560 and shown.layout.font.size == 8 and shown.layout.yaxis.dtick == 1
    assert shown.layout.title.font.size == 22 and shown.layout.margin.t == 120 and shown.layout.margin.l == 160
    assert (shown.layout.title.text, shown.layout.title.subtitle.text) == ("Repeat rate", "s")  # Plotly's subtitle
    few = presentation.screen_figure(
        charts.ranked_bars(frame.head(8), REPEAT, REPEAT_RANGE, subtitle="s", source="Source: test")
    )
    # 8 rows: (560 - 120 - 100 - 14) / 8 x 0.75 = 30.6 px is room to spare, so type grows the full 14 x 1.45 = 20 px,
    # the name margin with it
    assert few.layout.font.size == 20 and few.layout.margin.l == 290 and few.layout.margin.b == 114
    source = next(a for a in few.layout.annotations if a.text == "Source: test")
    built8 = charts.ranked_bars(frame.head(8), REPEAT, REPEAT_RANGE, subtitle="s", source="Source: test")
    # the source line keeps its place under the axis, its second line (if any) in the 14 px added below
    assert source.yshift == next(a for a in built8.layout.annotations if a.text == "Source: test").yshift - 14
    assert built.layout.height == 26 * 32 + 220 and built.layout.font.size is None  # the export is untouched


def test_presentation_size_scales_the_maps_own_labels_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import presentation
    from loaders.layout import read_tile_layout
    from reporting import maps

    monkeypatch.setattr(presentation, "presenting", lambda: True)
    cells = read_tile_layout().filter(pl.col("layout") == "london")
    frame = pl.DataFrame(
        {"group_code": ["E09000012"], "group_name": ["Hackney"], "repeat_rate": [0.3], "repeat_verdict": ["within"]}
    )
    labels = dict(zip(cells["lad_code"], cells["abbreviation"], strict=True))
    built = maps.map_figure(
        maps.tile_shapes(cells), frame, REPEAT, REPEAT_RANGE, title="t", subtitle="s", source="src", labels=labels
    )
    shown = presentation.screen_figure(built)
    # no ranked rows, but an equal-aspect map draws its tiles smaller in a shorter chart: sized for 760 px less its
    # 120 + 90 px margins (550 px), drawn in 560 less 120 + 90 + 14 (336 px), its labels shrink with them, 13 x 336 / 550
    # = 7.9, to the 8 px floor: the tile labels (the marker trace's own text) and the City of London's outline label
    # (an annotation), once each
    assert built.data[-1].textfont.size == 13 and shown.data[-1].textfont.size == 8
    city = next(a for a in shown.layout.annotations if a.text == "CTY")
    assert city.font.size == 8 and shown.layout.height == presentation.SCREEN_HEIGHT
