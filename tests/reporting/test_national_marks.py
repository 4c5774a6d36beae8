"""National comparators on trend charts: England on the MARACs' own base drawn solid and named with its base,
SafeLives' published figure dotted beside it and named with its own; a share drawn once."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import charts
from reporting.trend_charts import trend_lines

VOLUME_RANGE = Range("volume", "range", 0.8, 1.2, "", "", "test edition")
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "test edition")
SAME = "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures)"
PUBLISHED = "England, SafeLives' own base (as published)"
UK = "UK, SafeLives' own base (as published)"
BY_KEY = {i.key: i for i in INDICATORS}


def _national() -> pl.DataFrame:
    """`national_series`-shaped rows: England on Census 2021 2019-20 and 2020-21 (85,840 and 93,815 cases over
    22,534,839 females 16+ = 95.2% and 104.1% of 40 per 10,000), as published (41.28 and 44.92 per 10,000 = 103.2%
    and 112.3%), and a UK snapshot to June 2020."""
    ends = [date(2020, 3, 31), date(2021, 3, 31)]
    return pl.DataFrame(
        {
            "scope": ["England", "England", "England", "England", "UK"],
            "comparator": [SAME, SAME, PUBLISHED, PUBLISHED, UK],
            "same_base": [True, True, False, False, False],
            "period_end": [*ends, *ends, date(2020, 6, 30)],
            "pct_of_recommended": [
                85_840 / 22_534_839 * 10_000 / 40,
                93_815 / 22_534_839 * 10_000 / 40,
                41.28 / 40,
                44.92 / 40,
                42 / 40,
            ],
            "repeat_rate": [26_241 / 85_840, 30_095.5 / 93_815, 0.3057, 0.3208, 0.31],
        }
    )


def _quarters() -> dict[str, pl.DataFrame]:
    quarters = [date(2019, 4, 1), date(2019, 7, 1), date(2019, 10, 1), date(2020, 1, 1), date(2020, 4, 1)]
    quarters += [date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1)]
    return {
        "Hackney": pl.DataFrame(
            {
                "quarter_start": quarters,
                "pct_of_recommended": [0.9] * 8,
                "pct_of_recommended_12m": [0.9] * 8,
                "repeat_rate": [0.3] * 8,
                "repeat_rate_12m": [0.3] * 8,
            }
        )
    }


def test_trends_draw_england_on_the_same_base_solid_and_as_published_dotted_each_named_with_its_base() -> None:
    fig = trend_lines(
        _quarters(), BY_KEY["volume"], VOLUME_RANGE, title="t", subtitle="s", source="src", national=_national()
    )
    national = {t.name: t for t in fig.data if not t.name.startswith("Hackney")}
    assert list(national) == [SAME, PUBLISHED, UK]  # like with like first
    same, published, uk = national.values()
    assert list(same.x) == ["2019-20 Q4", "2020-21 Q4"]  # each financial year at the quarter it ends
    assert [round(v, 3) for v in same.y] == [0.952, 1.041]
    assert (same.marker.symbol, same.line.dash) == ("square", "solid")
    assert [round(v, 3) for v in published.y] == [1.032, 1.123]
    assert (published.marker.symbol, published.line.dash, published.mode) == ("square-open", "dot", "lines+markers")
    assert (list(uk.x), uk.mode, uk.marker.symbol) == (["2020-21 Q1"], "markers", "diamond")
    assert same.hovertemplate.startswith(f"{SAME}, 12 months to the end of %{{x}}")


def test_a_share_is_drawn_once_for_england_from_the_same_base_row() -> None:
    """The repeat rate is the same on any base (30,095.5 / 93,815 = 32.08% against SafeLives' 32.08%): England is
    drawn once, from the same-base row, and its hover says why there is no second England series."""
    fig = charts.trend_chart(
        {"Hackney": _quarters()["Hackney"]},
        BY_KEY["repeat_rate"],
        REPEAT_RANGE,
        title="t",
        subtitle="s",
        source="src",
        national=_national(),
    )
    names = [t.name for t in fig.data]
    assert names == ["Hackney", SAME, UK]
    same = fig.data[1]
    assert [round(v, 4) for v in same.y] == [0.3057, 0.3208]
    assert "(a share: the same on any population base)" in same.hovertemplate
