"""What a board pack holds, as plain data: built by `build`, drawn by `pdf` and `pptx`, none of which import each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import plotly.graph_objects as go


class PackError(ValueError):
    """A pack cannot be made as asked; the message says what was asked and what would work."""


@dataclass(frozen=True)
class SummaryRow:
    indicator: str
    value: str
    interval: str
    expected: str
    verdict: str
    #: the verdict cell's fill (`reporting.verdicts`), carried with the words rather than recovered from them
    fill: str = "#ffffff"


@dataclass(frozen=True)
class IndicatorPage:
    title: str
    figure: go.Figure
    caption: str


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    summary: list[SummaryRow]
    pages: list[IndicatorPage]


@dataclass(frozen=True)
class QualityRow:
    marac: str
    returned: str
    missing: str
    not_recorded: str


@dataclass(frozen=True)
class Pack:
    title: str
    scope: str
    period_label: str
    made: datetime
    status: list[str]
    synthetic: bool
    sections: list[Section]
    quality: list[QualityRow]
    method: list[str]
    source: str
    notes: list[str] = field(default_factory=list)
    #: what the pack's figures rest on, for its title page: "Camden: 1 of 4 quarters returned: one quarter's rate
    #: shown as a year's" (`reporting.coverage_words`)
    coverage: list[str] = field(default_factory=list)

    @property
    def figures(self) -> list[go.Figure]:
        return [page.figure for section in self.sections for page in section.pages]
