"""What every area page starts with: title, area and period (and indicator) choices, and the area's figures.

The comparison, map, referrer, equality and trend pages all look at one area for one period.
This sets them up alike: the choices in the URL, tucked under a button in presentation mode,
and the area's figures twice, each one `AreaFigures` value: `screen` (what this viewer sees, the
published figures for a restricted viewer) and `published` (from the rounded counts: what every download is made
from).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import chart_display, controls, data, downloads, presentation
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS, Indicator
from metrics.periods import Period
from metrics.shown import AreaFigures
from reporting import benchmarks, charts, findings, sub_areas, verdicts
from reporting.benchmarks import Benchmark
from reporting.markup import escape_markdown
from reporting.spreadsheet import DISCLOSURE_NOTE, TableFile


@dataclass
class AreaView:
    dataset: Dataset
    version: str
    area: str  # 'region:London'
    end: date
    window: str
    chosen: Period
    indicator: Indicator | None
    #: MARACs, sub-areas and the area total as this viewer's page shows them (published for a restricted viewer)
    screen: AreaFigures
    #: the same from the rounded counts (`metrics.disclosure`): what every download and export is made from
    published: AreaFigures
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return str(data.db_path())

    @property
    def population(self) -> str:
        return self.dataset.population_key

    @property
    def name(self) -> str:
        return data.area_name(self.area)

    @property
    def grouped(self) -> str:
        """'BCU and London' where this area's MARACs have sub-areas, else 'London' (as in '… subtotals')."""
        return sub_areas.with_area(self.screen.maracs, self.name)

    @property
    def restricted(self) -> bool:
        return data.restricted()

    @property
    def source(self) -> str:
        return charts.source_line(
            self.dataset.ranges.edition, self.dataset.base_label, self.dataset.missing_quarters_method
        )

    @property
    def subtitle(self) -> str:
        return f"{self.name}, {self.chosen.label}"

    @property
    def stem(self) -> str:
        return downloads.slug(self.name, self.chosen.end)

    def table_file(self, title: str, table: Any, decimals: dict[tuple[int, str], int] | None = None) -> TableFile:
        notes = [
            f"{self.name}, {self.chosen.label}.",
            self.source,
            DISCLOSURE_NOTE,
            verdicts.NOTE,
        ]
        return TableFile(title, table, notes, self.dataset.synthetic, decimals or {})

    @property
    def period_words(self) -> str:
        """The period as a sentence starts, e.g. "12 months to 31 March 2021"."""
        return self.chosen.label[0].upper() + self.chosen.label[1:]

    def benchmarks(self, frame: pl.DataFrame, indicator: Indicator | None = None) -> tuple[Benchmark, ...]:
        """The area's own figure and England's on the same base, as lines across a chart drawn from `frame`. The area's
        comes from the same figures as the frame (the published ones for a download), so a line never rests on exact
        counts the bars do not."""
        figures = self.published if frame is self.published.maracs else self.screen
        return benchmarks.for_indicator(
            indicator or self.indicator,  # type: ignore[arg-type]
            (self.name, figures.total_row()),
            data.england(self.path, self.version, self.population, self.end),
        )

    def require_returns(self) -> dict[str, object]:
        """The area's own row; the page stops with a plain message when the area sent nothing for the period."""
        headline = self.screen.total_row()
        if headline is None or headline["maracs_reporting"] == 0:
            st.info(f"No returns are held for {self.name} in this period.")
            st.stop()
        return headline

    def spread(self) -> str:
        """Where the area's MARACs sit on the chosen indicator, in a sentence (`findings.spread`)."""
        item = self.dataset.ranges[self.indicator.range_key]
        return findings.spread(
            self.screen.maracs,
            self.indicator,
            item,
            area=self.name,
            period=self.period_words,
            total=self.screen.total_row(),
        )

    def lead(
        self,
        finding: str,
        draw: Callable[[pl.DataFrame], go.Figure],
        *,
        key: str,
        caption: str,
        stem: str,
        open_as: Indicator | None = None,
        with_finding: bool = True,
    ) -> None:
        """The page's main chart under its key finding: a click opens the MARAC's profile; in presentation mode the page ends
        here, otherwise a caption and downloads follow.

        `draw(frame)` builds the chart from the `screen` figures or, for a download, from the `published` ones. The
        finding is still the chart's alt text when the page has already printed it (`with_finding=False`).
        """
        if with_finding:
            st.markdown(f"**{escape_markdown(finding)}**")
        figure = draw(self.screen.maracs)
        event = chart_display.chart(
            figure,
            on_select="rerun",
            selection_mode="points",
            key=key,
            alt=finding,
        )
        picked = controls.clicked_code(event)
        if picked:
            controls.open_profile(self.dataset, picked, open_as or self.indicator)
        if presentation.presenting():
            st.stop()
        st.caption(caption)
        controls.definition_link(open_as or self.indicator)
        downloads.chart_buttons(lambda: draw(self.published.maracs), key=key, stem=stem)

    def views(
        self,
        finding: str,
        draw: Callable[[pl.DataFrame], go.Figure],
        labels: list[str],
        *,
        tabs_key: str,
        **lead: Any,
    ) -> list[Any]:
        """The key finding, then the page's views as tabs kept in the URL, the first holding the lead chart (`lead`'s
        arguments); the other tabs are returned for the page to fill when open. In presentation mode: the lead chart alone.

        Only the open tab is laid out: each chart or styled table costs the browser a few tenths of a second on a first
        view, drawn or not (docs/performance.md).
        """
        st.markdown(f"**{escape_markdown(finding)}**")
        if presentation.presenting():
            self.lead(finding, draw, with_finding=False, **lead)  # stops the page
        tabs = controls.view_tabs(labels, tabs_key)
        if tabs[0].open:
            with tabs[0]:
                self.lead(finding, draw, with_finding=False, **lead)
        return list(tabs[1:])


def area_view(
    title: str,
    *,
    indicators: tuple[Indicator, ...] | None = INDICATORS,
    indicator_key: str = "indicator",
    indicator_label: str = "Indicator",
    more: Callable[[Any, Dataset, str], dict[str, Any]] | None = None,
) -> AreaView:
    """Lay out the page's title and choices and fetch the area's figures.

    `more` draws any further choices into the given column (for the chosen area) and returns them (kept on `extra`).
    In presentation mode the choices sit under a "Choices" button, and ← / → step through the indicators.
    """
    dataset, version = data.current()
    presenting = presentation.presenting()  # (app.py has applied its styles and placed the way out in the corner)
    if presenting:  # one line: the title, ← and → through the indicators, the choices tucked under a button
        header = st.container(key=presentation.HEADER, horizontal=True, vertical_alignment="center")
        header.markdown(f"### {title}", width="content", anchors=False)
        steps = header.container(horizontal=True, width="content", gap="small")
        box = header.popover("Choices", icon=":material/tune:")
    else:
        st.title(title)
        box = st.container()
    with box:
        row = st.columns([1, 1, 1, 1.2] if indicators else [1, 1, 1])
        area = controls.area_control(dataset, row[0])
        end, window = controls.period_controls(dataset, row[1:3])
        indicator = (
            controls.indicator_control(row[3], indicators, indicator_key, indicator_label) if indicators else None
        )
        extra = more(st.container(), dataset, area) if more else {}
    if presenting and indicators:
        presentation.stepper(list(indicators), indicator_key, [steps, steps], describe=lambda i: i.label)
    chosen = data.chosen_period(end, window)
    if not presenting:
        st.caption(controls.period_caption(chosen, dataset))
        controls.registry_notes(dataset, data.scoped_codes(dataset, area))
    path, population = str(data.db_path()), dataset.population_key
    screen = data.screen_area(path, version, population, end, window, area)
    published = data.published_area(path, version, population, end, window, area)
    return AreaView(dataset, version, area, end, window, chosen, indicator, screen, published, extra)
