"""WCAG 2 AA contrast for the house colours, and verdicts never carried by colour alone.

AA asks 4.5:1 for text and 3:1 for graphics needed to read a chart. Checked on the colours the
charts and tables actually use, so a palette change that makes a label unreadable fails here.
"""

from __future__ import annotations

import pytest

from reporting import maps, referral_charts
from reporting.charts import SUB_AREA_COLOURS
from reporting.theme import INK, MUTED, SERIES, SYNTHETIC_MARK, contrast_ratio, text_colour
from reporting.verdicts import VERDICT_STYLE

WHITE = "#ffffff"


def test_contrast_ratio_matches_the_wcag_definition() -> None:
    assert contrast_ratio("#000000", WHITE) == pytest.approx(21.0)
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


@pytest.mark.parametrize("verdict", ["below", "within", "above", None])
def test_verdict_colours_read_as_text_and_as_fills(verdict: str | None) -> None:
    style = VERDICT_STYLE[verdict]
    assert contrast_ratio(style["colour"], WHITE) >= 4.5  # bars and tiles on white; white labels on them
    assert contrast_ratio(INK, style["fill"]) >= 4.5  # table cells: ink text on the pale fill
    assert style["symbol"] and style["words"]  # never colour alone


def test_chart_text_lines_and_fills() -> None:
    assert contrast_ratio(MUTED, WHITE) >= 4.5  # captions, sources and range notes
    assert contrast_ratio(SYNTHETIC_MARK, WHITE) >= 4.5  # the synthetic-data mark
    # trend lines, BCU bars and referral sectors against the white background (the map's pale value classes are the
    # exception: each tile carries an ink outline, checked in test_maps)
    for colour in [*SERIES, *SUB_AREA_COLOURS, *referral_charts.SECTOR_COLOURS]:
        assert contrast_ratio(colour, WHITE) >= 3.0, colour


@pytest.mark.parametrize(
    "fill", [*maps.VALUE_COLOURS, *referral_charts.SECTOR_COLOURS, *SUB_AREA_COLOURS, maps.NO_DATA_FILL]
)
def test_labels_printed_on_a_fill_read_on_it(fill: str) -> None:
    assert contrast_ratio(text_colour(fill), fill) >= 4.5
