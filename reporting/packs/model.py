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
    """One chart's page. The page prints the title, subtitle and source once as text (and the synthetic stamp in its
    banner), so the figure carries none of them."""

    title: str
    figure: go.Figure
    caption: str
    subtitle: str = ""
    source: str = ""


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    #: empty when the pack leaves the summary out
    summary: list[SummaryRow]
    pages: list[IndicatorPage]
    #: the pack's own scope (its region, sub-area or MARAC), not one of the MARACs a group pack has a section for
    own: bool = False


@dataclass(frozen=True)
class MatrixCell:
    text: str
    #: the verdict's fill (`reporting.verdicts`), white where there is no verdict
    fill: str = "#ffffff"


@dataclass(frozen=True)
class Matrix:
    """Every MARAC by every indicator on one page: each cell its value and verdict ("30.0% ● within*")."""

    heading: str
    header: list[str]
    rows: list[list[MatrixCell]]
    #: what the compact marks mean, and which MARACs are not in it
    notes: list[str]
    #: the last row is the area's own (bold), after its MARACs
    total_last: bool = False


@dataclass(frozen=True)
class ChangesPage:
    """What changed since last quarter, on one page: the sentence heading the dashboard's view, its table of changes
    (cut to the rows a page holds, beyond chance first) and the returns new, late or replaced in the period's round.
    Every cell is words (`reporting.change_tables`); the renderers escape them for their format."""

    heading: str
    sentence: str
    #: what the chosen period is set against (`reporting.change_words.periods_line`)
    periods: str
    header: list[str]
    rows: list[list[str]]
    #: what the columns mean, and how many rows are left out
    notes: list[str]
    returns_heading: str
    returns_sentence: str
    returns_header: list[str]
    returns_rows: list[list[str]]
    #: what new, late and replaced mean, what the database does not hold, and any returns left out
    returns_notes: list[str]


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
    #: the parts this pack holds (`reporting.packs.sections`), in print order
    parts: tuple[str, ...] = ()
    matrix: Matrix | None = None
    #: the what-changed page, printed after the matrix
    changes: ChangesPage | None = None

    @property
    def matrix_after(self) -> int:
        """The index of the section whose summary page the matrix follows (the pack's own), or -1: before them all."""
        first = self.sections[0] if self.sections else None
        return 0 if first is not None and first.own and first.summary else -1

    @property
    def figures(self) -> list[go.Figure]:
        return [page.figure for section in self.sections for page in section.pages]
