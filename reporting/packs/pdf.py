"""A board pack as a PDF (A4 landscape): text laid out with ReportLab, charts merged in as vectors.

Charts come from the export engine as one-page PDFs (Plotly's own renderer) and are placed
on the pages with pypdf, so they stay sharp at any zoom and a 300-page region pack stays small
enough to email (PNG charts made the same pack 33 MB). Every word is real text (searchable,
and checked by the tests). Liberation Sans is embedded because the verdict symbols (▼ ● ▲)
are not in the PDF base fonts.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reporting.images import CHART_WIDTH, ExportError, figure_height
from reporting.packs.layout import CHANGES_ROW, CHANGES_SPACE, CHANGES_TEXT, CHART_MAX_HEIGHT, MARGIN, PAGE, TEXT_WIDTH
from reporting.packs.model import ChangesPage, Matrix, Pack, Section
from reporting.theme import HEADER_FILL, RULE, SYNTHETIC_BANNER, SYNTHETIC_LINE, SYNTHETIC_MARK
from reporting.theme import INK as INK_HEX
from reporting.theme import MUTED as MUTED_HEX

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
FONT_FILES = (("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"), ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
#: the matrix's cells: as small as the page's charts print (`layout`), no smaller
MATRIX_FONT = 8
MATRIX_PADDING = 3
RED = colors.HexColor(SYNTHETIC_MARK)
INK = colors.HexColor(INK_HEX)
MUTED = colors.HexColor(MUTED_HEX)


def _fonts() -> tuple[str, str]:
    for regular, bold in FONT_FILES:
        for directory in FONT_DIRS:
            if (directory / regular).exists() and (directory / bold).exists():
                pdfmetrics.registerFont(TTFont("PackSans", str(directory / regular)))
                pdfmetrics.registerFont(TTFont("PackSans-Bold", str(directory / bold)))
                return "PackSans", "PackSans-Bold"
    raise ExportError(
        "No font with the verdict symbols was found for the PDF: install Liberation Sans "
        "(Debian: apt-get install fonts-liberation)."
    )


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14, textColor=INK, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=26, leading=32, spaceAfter=8),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=15, leading=20, textColor=MUTED, spaceAfter=14),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=17, leading=22, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=13, leading=17, spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=base, fontSize=11.5, leading=15.5, spaceBefore=6),
        "warning": ParagraphStyle(
            "warning",
            parent=base,
            fontName=bold,
            fontSize=12,
            leading=16,
            textColor=RED,
            borderColor=RED,
            borderWidth=1,
            borderPadding=6,
            spaceBefore=6,
            spaceAfter=12,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=bold, fontSize=9.5, leading=12),
        "matrix": ParagraphStyle("matrix", parent=base, fontSize=MATRIX_FONT, leading=MATRIX_FONT + 1.5),
        "matrix_bold": ParagraphStyle(
            "matrix_bold", parent=base, fontName=bold, fontSize=MATRIX_FONT, leading=MATRIX_FONT + 1.5
        ),
        # the what-changed page's, at the sizes `layout.CHANGES_TEXT` measures them by
        "changes_sentence": ParagraphStyle(
            "changes_sentence",
            parent=base,
            fontSize=CHANGES_TEXT["sentence"][0],
            leading=CHANGES_TEXT["sentence"][1],
            spaceBefore=CHANGES_TEXT["sentence"][2],
        ),
        "changes_h2": ParagraphStyle(
            "changes_h2",
            parent=base,
            fontName=bold,
            fontSize=CHANGES_TEXT["h2"][0],
            leading=CHANGES_TEXT["h2"][1],
            spaceBefore=CHANGES_TEXT["h2"][2],
        ),
        "chart_subtitle": ParagraphStyle(
            "chart_subtitle", parent=base, fontSize=9.5, leading=12, textColor=MUTED, spaceAfter=3
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    verdict_column: int | None = None,
    fills: list[str] | None = None,
) -> Table:
    """A table with a shaded header; `fills` colours the verdict column's cell of each row."""
    data = [[_p(h, styles["cell_bold"]) for h in header]] + [[_p(c, styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if verdict_column is not None and fills is not None:
        for r, fill in enumerate(fills, start=1):
            commands.append(("BACKGROUND", (verdict_column, r), (verdict_column, r), colors.HexColor(fill)))
    table.setStyle(TableStyle(commands))
    return table


def chart_size(figure) -> tuple[float, float]:
    """Where a chart goes on its page, in points: across the whole text block (`layout.TEXT_WIDTH`), so its text
    prints at the size `layout` works out; `build` lays each chart out no taller than `layout.CHART_MAX_HEIGHT` there.
    """
    height = TEXT_WIDTH * figure_height(figure) / CHART_WIDTH
    if height > CHART_MAX_HEIGHT + 1:
        raise ExportError(f"a chart {figure_height(figure):.0f} px tall does not fit a pack page across its width")
    return TEXT_WIDTH, height


class _ChartSlot(Flowable):
    """Room for one chart; remembers where it landed so the vector chart can be laid on top afterwards."""

    def __init__(self, index: int, size: tuple[float, float], landed: list) -> None:
        super().__init__()
        self.index, self.landed = index, landed
        self.width, self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:  # the chart itself is merged in later
        pass

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:
        self.landed.append((canvas.getPageNumber(), x, y, self.width, self.height, self.index))
        super().drawOn(canvas, x, y, _sW)


def _merge_charts(document: bytes, charts: list[bytes], landed: list) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    for page_number, x, y, width, height, index in landed:
        chart = PdfReader(io.BytesIO(charts[index])).pages[0]
        scale = min(width / float(chart.mediabox.width), height / float(chart.mediabox.height))
        writer.pages[page_number - 1].merge_transformed_page(
            chart, Transformation().scale(scale, scale).translate(x, y)
        )
    writer.compress_identical_objects()  # the charts share fonts and styles: 16.4 MB -> 12.7 MB for the London pack
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _summary_page(pack: Pack, section: Section, styles: dict[str, ParagraphStyle], width: float) -> list:
    return [
        _p(section.heading, styles["h1"]),
        _p("Every indicator against the SafeLives expected ranges", styles["h2"]),
        _table(
            ["Indicator", "Value", "95% interval", "Expected range", "Verdict"],
            [[r.indicator, r.value, r.interval, r.expected, r.verdict] for r in section.summary],
            [width * f for f in (0.33, 0.11, 0.17, 0.22, 0.17)],
            styles,
            verdict_column=4,
            fills=[r.fill for r in section.summary],
        ),
        Spacer(1, 3 * mm),
        _p(pack.notes[0] if pack.notes else "", styles["small"]),
        PageBreak(),
    ]


def _matrix_widths(matrix: Matrix, styles: dict[str, ParagraphStyle], width: float) -> list[float]:
    """Each column as wide as its longest cell (a header may wrap at its spaces), so each MARAC is one line and the
    page holds a region's; when they cannot all fit, the widest column (volume, with its coverage) wraps instead."""
    regular, bold = styles["matrix"].fontName, styles["matrix_bold"].fontName

    def wide(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(text, font, MATRIX_FONT)

    natural = [
        max(
            max((wide(word, bold) for word in header.split()), default=0),
            *(
                wide(row[c].text, bold if matrix.total_last and r == len(matrix.rows) - 1 else regular)
                for r, row in enumerate(matrix.rows)
            ),
        )
        + 2 * MATRIX_PADDING
        + 1
        for c, header in enumerate(matrix.header)
    ]
    excess = sum(natural) - width
    if excess > 0:
        widest = natural.index(max(natural))
        natural[widest] = max(natural[widest] - excess, width / len(natural))
        return natural
    return [w - excess / len(natural) for w in natural]  # the room left over shared out


def _matrix_page(matrix: Matrix, styles: dict[str, ParagraphStyle], width: float) -> list:
    """Every MARAC by every indicator, at 8 pt, on one page: the name column wide enough for "Barking and Dagenham",
    the indicators sharing the rest."""
    last = len(matrix.rows) if matrix.total_last else None

    def cell(text: str, row: int) -> Paragraph:
        return _p(text, styles["matrix_bold" if row == 0 or row == last else "matrix"])

    data = [[cell(h, 0) for h in matrix.header]] + [
        [cell(c.text, r) for c in row] for r, row in enumerate(matrix.rows, start=1)
    ]
    table = Table(data, colWidths=_matrix_widths(matrix, styles, width), repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), MATRIX_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), MATRIX_PADDING),
    ]
    if last is not None:
        commands.append(("LINEABOVE", (0, last), (-1, last), 0.8, INK))
    for r, row in enumerate(matrix.rows, start=1):
        for c, value in enumerate(row):
            if value.fill.lower() != "#ffffff":
                commands.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(value.fill)))
    table.setStyle(TableStyle(commands))
    return [
        _p(matrix.heading, styles["h2"]),
        table,
        Spacer(1, 2 * mm),
        *(_p(note, styles["small"]) for note in matrix.notes),
        PageBreak(),
    ]


def _natural_widths(header: list[str], rows: list[list[str]], styles: dict[str, ParagraphStyle], width: float):
    """Each column as wide as its longest cell (a header may wrap at its spaces), the room left over shared out, so
    each row is one line; when they cannot all fit, the widest column wraps instead."""
    regular, bold = styles["matrix"].fontName, styles["matrix_bold"].fontName

    def wide(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(text, font, MATRIX_FONT)

    natural = [
        max(max((wide(word, bold) for word in name.split()), default=0), *(wide(row[c], regular) for row in rows))
        + 2 * MATRIX_PADDING
        + 1
        for c, name in enumerate(header)
    ]
    excess = sum(natural) - width
    if excess > 0:
        widest = natural.index(max(natural))
        natural[widest] = max(natural[widest] - excess, width / len(natural))
        return natural
    return [w - excess / len(natural) for w in natural]


def _small_table(header: list[str], rows: list[list[str]], styles: dict[str, ParagraphStyle], width: float) -> Table:
    """A table at 8 pt, a line a row (`layout.CHANGES_ROW` tall), its header shaded."""
    data = [[_p(h, styles["matrix_bold"]) for h in header]] + [[_p(c, styles["matrix"]) for c in row] for row in rows]
    table = Table(data, colWidths=_natural_widths(header, rows, styles, width), repeatRows=1)
    padding = (CHANGES_ROW - styles["matrix"].leading) / 2
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
                ("TOPPADDING", (0, 0), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
                ("LEFTPADDING", (0, 0), (-1, -1), MATRIX_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), MATRIX_PADDING),
            ]
        )
    )
    return table


def _changes_page(changes: ChangesPage, styles: dict[str, ParagraphStyle], width: float) -> list:
    """What changed since last quarter on one page: the sentence, the changes, the returns in the round, each table
    cut by `build` to what the page holds."""
    story = [
        _p(changes.heading, styles["h1"]),
        _p(changes.sentence, styles["changes_sentence"]),
        _p(changes.periods, styles["small"]),
        Spacer(1, CHANGES_SPACE),
    ]
    if changes.rows:
        story.append(_small_table(changes.header, changes.rows, styles, width))
    story += [Spacer(1, CHANGES_SPACE), *(_p(note, styles["small"]) for note in changes.notes)]
    story += [Spacer(1, CHANGES_SPACE), _p(changes.returns_heading, styles["changes_h2"])]
    story.append(_p(changes.returns_sentence, styles["body"]))
    if changes.returns_rows:
        story += [_small_table(changes.returns_header, changes.returns_rows, styles, width), Spacer(1, CHANGES_SPACE)]
    story += [*(_p(note, styles["small"]) for note in changes.returns_notes), PageBreak()]
    return story


def _chart_pages(section: Section, first: int, styles: dict[str, ParagraphStyle], landed: list, lead: list) -> list:
    """A page per chart: its title, subtitle, the chart across the page, its sentence and source; `lead` (the
    section's heading, when its summary is left out) goes on the first."""
    story: list = []
    for offset, page in enumerate(section.pages):
        story.append(
            KeepTogether(
                [
                    *(lead if offset == 0 else []),
                    _p(page.title, styles["h2"]),
                    *([_p(page.subtitle, styles["chart_subtitle"])] if page.subtitle else []),
                    _ChartSlot(first + offset, chart_size(page.figure), landed),
                    _p(page.caption, styles["caption"]),
                    *([_p(page.source, styles["small"])] if page.source else []),
                ]
            )
        )
        story.append(PageBreak())
    return story


def write_pdf(pack: Pack, charts: list[bytes], progress: Callable[[str], None] | None = None) -> bytes:
    """The pack as PDF bytes; `charts` are one-page PDFs of `pack.figures`, in order. The title page always comes;
    the rest is the parts `pack.parts` names, each left out when empty."""
    regular, bold = _fonts()
    styles = _styles(regular, bold)
    width = PAGE[0] - 2 * MARGIN
    story: list = [Spacer(1, 30 * mm), _p(pack.title, styles["title"]), _p(pack.period_label, styles["subtitle"])]
    if pack.synthetic:
        story.append(_p(SYNTHETIC_LINE, styles["warning"]))
    # what the figures rest on, under the title, before anything is read
    story += [_p(line, styles["h2"]) for line in pack.coverage]
    story.append(_p(f"Made {pack.made:%d %B %Y at %H:%M}. Scope: {pack.scope}.", styles["body"]))
    story += [Spacer(1, 4 * mm), _p("Data status", styles["h2"])] + [_p(line, styles["body"]) for line in pack.status]
    story += [Spacer(1, 4 * mm)] + [_p(note, styles["small"]) for note in pack.notes]
    story.append(PageBreak())

    landed: list = []
    matrix = _matrix_page(pack.matrix, styles, TEXT_WIDTH) if pack.matrix is not None else []
    if pack.changes is not None:  # after the matrix, wherever it goes
        matrix += _changes_page(pack.changes, styles, TEXT_WIDTH)
    if pack.matrix_after < 0:
        story += matrix
    first = 0
    for index, section in enumerate(pack.sections):
        if progress:
            progress(section.name)
        if section.summary:
            story += _summary_page(pack, section, styles, width)
        if index == pack.matrix_after:
            story += matrix
        lead = [] if section.summary else [_p(section.heading, styles["h1"])]
        story += _chart_pages(section, first, styles, landed, lead)
        first += len(section.pages)

    if pack.quality:
        story.append(_p("Data quality", styles["h1"]))
        story.append(
            _p(
                "Quarterly returns held for the period, and demographic fields at zero across all of a MARAC's cases "
                "once counts are rounded to protect the people counted (more likely not recorded than truly none).",
                styles["body"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(
            _table(
                ["MARAC", "Quarters returned", "Missing quarters", "Recorded as zero (not recorded?)"],
                [[q.marac, q.returned, q.missing, q.not_recorded] for q in pack.quality],
                [width * f for f in (0.28, 0.14, 0.28, 0.30)],
                styles,
            )
        )
        story.append(PageBreak())
    if pack.method:
        story += [_p("Method", styles["h1"])] + [_p(line, styles["body"]) for line in pack.method]
        story += [Spacer(1, 3 * mm), _p(pack.source, styles["small"])]
    while story and isinstance(story[-1], PageBreak):  # no blank page at the end
        story.pop()

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 8 * mm, f"{pack.title} · {pack.period_label}")
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, f"Page {doc.page}")
        if pack.synthetic:
            canvas.setFont(bold, 9)
            canvas.setFillColor(RED)
            canvas.drawRightString(PAGE[0] - MARGIN, PAGE[1] - 9 * mm, SYNTHETIC_BANNER)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=pack.title,
        author="MARAC performance dashboard",
        subject=pack.period_label,
        creator="MARAC performance dashboard",
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return _merge_charts(buffer.getvalue(), charts, landed)
