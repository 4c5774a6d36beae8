"""A board pack as editable PowerPoint slides (python-pptx).

Analysts edit packs before a meeting, so tables are native PowerPoint tables and captions are
text boxes; only the charts are pictures (print-resolution PNGs from the export engine).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from reporting import theme
from reporting.packs import layout
from reporting.packs.model import ChangesPage, Matrix, Pack, Section

WIDE, HIGH = Inches(13.333), Inches(7.5)
LEFT = Inches(0.5)
INK, MUTED, RED = (
    RGBColor.from_string(theme.INK[1:]),
    RGBColor.from_string(theme.MUTED[1:]),
    RGBColor.from_string(theme.SYNTHETIC_MARK[1:]),
)
HEADER_FILL = RGBColor.from_string(theme.HEADER_FILL[1:])
WHITE = RGBColor.from_string("FFFFFF")
QUALITY_ROWS_PER_SLIDE = 12
FONT = "Arial"
ROW_HEIGHT = Inches(0.4)


def _text(slide, text: str, left, top, width, height, *, size: float = 14, bold: bool = False, colour: RGBColor = INK):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    lines = text.split("\n")
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = colour
    return box


def _slide(deck, pack: Pack, title: str | None = None):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    if title:
        _text(slide, title, LEFT, Inches(0.3), WIDE - 2 * LEFT, Inches(0.7), size=24, bold=True)
    _text(
        slide,
        f"{pack.title} · {pack.period_label} · {pack.source}",
        LEFT,
        HIGH - Inches(0.45),
        WIDE - 2 * LEFT,
        Inches(0.35),
        size=9,
        colour=MUTED,
    )
    if pack.synthetic:
        _text(
            slide,
            theme.SYNTHETIC_BANNER,
            WIDE - Inches(5.3),
            Inches(0.05),
            Inches(4.9),
            Inches(0.3),
            size=10,
            bold=True,
            colour=RED,
        )
    return slide


def _table(
    slide,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    top,
    *,
    verdict_column: int | None = None,
    fills: list[str] | None = None,
    fills_by_cell: list[list[str]] | None = None,
    size: int = 12,
    row_height: int = ROW_HEIGHT,
    margin: int | None = None,
) -> None:
    """A native table; `fills` colours the verdict column's cell of each row, `fills_by_cell` every cell."""
    shape = slide.shapes.add_table(len(rows) + 1, len(header), LEFT, top, WIDE - 2 * LEFT, row_height * (len(rows) + 1))
    table = shape.table
    total = sum(widths)
    for i, w in enumerate(widths):
        table.columns[i].width = Emu(int((WIDE - 2 * LEFT) * w / total))
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            if margin is not None:  # a dense table: PowerPoint grows a row to its text and margins
                cell.margin_top = cell.margin_bottom = margin
                cell.margin_left = cell.margin_right = margin * 2
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.name, run.font.bold = Pt(size), FONT, r == 0
                    run.font.color.rgb = INK
            cell.fill.solid()
            verdict_fill = fills[r - 1] if fills is not None and r > 0 and c == verdict_column else None
            if fills_by_cell is not None and r > 0 and fills_by_cell[r - 1][c].lower() != "#ffffff":
                verdict_fill = fills_by_cell[r - 1][c]
            fill = HEADER_FILL if r == 0 else RGBColor.from_string(verdict_fill[1:]) if verdict_fill else None
            cell.fill.fore_color.rgb = fill or WHITE


def _picture(slide, png: bytes, top, max_height) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(png), LEFT, top)
    ratio = min((WIDE - 2 * LEFT) / picture.width, max_height / picture.height)
    picture.width, picture.height = int(picture.width * ratio), int(picture.height * ratio)
    picture.left = int((WIDE - picture.width) / 2)


def write_pptx(pack: Pack, images: list[bytes], progress: Callable[[str], None] | None = None) -> bytes:
    """The pack as PPTX bytes; `images` are the PNGs of `pack.figures`, in order."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE, HIGH
    deck.core_properties.title, deck.core_properties.author = pack.title, "MARAC performance dashboard"

    cover = _slide(deck, pack)
    _text(cover, pack.title, LEFT, Inches(1.4), WIDE - 2 * LEFT, Inches(1), size=36, bold=True)
    _text(cover, pack.period_label, LEFT, Inches(2.4), WIDE - 2 * LEFT, Inches(0.6), size=20, colour=MUTED)
    if pack.synthetic:
        _text(
            cover,
            theme.SYNTHETIC_LINE,
            LEFT,
            Inches(3.0),
            WIDE - 2 * LEFT,
            Inches(0.5),
            size=18,
            bold=True,
            colour=RED,
        )
    _text(
        cover,
        "\n".join(
            [*pack.coverage, f"Made {pack.made:%d %B %Y at %H:%M}. Scope: {pack.scope}.", *pack.status, *pack.notes]
        ),
        LEFT,
        Inches(3.6),
        WIDE - 2 * LEFT,
        Inches(3.2),
        size=13,
    )

    figures = iter(images)
    if pack.matrix_after < 0:
        _after_summary(deck, pack)
    for index, section in enumerate(pack.sections):
        if progress:
            progress(section.name)
        if section.summary:
            _summary_slide(deck, pack, section)
        if index == pack.matrix_after:
            _after_summary(deck, pack)
        for page in section.pages:
            slide = _slide(deck, pack, page.title)
            if page.subtitle:
                _text(slide, page.subtitle, LEFT, Inches(0.85), WIDE - 2 * LEFT, Inches(0.35), size=12, colour=MUTED)
            _picture(slide, next(figures), Inches(1.2), Inches(4.7))
            _text(slide, page.caption, LEFT, Inches(6.0), WIDE - 2 * LEFT, Inches(0.9), size=14)

    rows = [[q.marac, q.returned, q.missing, q.not_recorded] for q in pack.quality]
    for start in range(0, len(rows), QUALITY_ROWS_PER_SLIDE):
        slide = _slide(deck, pack, "Data quality" + (" (continued)" if start else ""))
        _table(
            slide,
            ["MARAC", "Quarters returned", "Missing quarters", "Recorded as zero (not recorded?)"],
            rows[start : start + QUALITY_ROWS_PER_SLIDE],
            [0.28, 0.14, 0.28, 0.30],
            Inches(1.15),
            size=11,
        )
    if pack.method:
        method = _slide(deck, pack, "Method")
        _text(method, "\n".join([*pack.method, pack.source]), LEFT, Inches(1.15), WIDE - 2 * LEFT, Inches(5.5), size=13)

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _summary_slide(deck, pack: Pack, section: Section) -> None:
    summary = _slide(deck, pack, section.heading)
    _table(
        summary,
        ["Indicator", "Value", "95% interval", "Expected range", "Verdict"],
        [[r.indicator, r.value, r.interval, r.expected, r.verdict] for r in section.summary],
        [0.33, 0.11, 0.17, 0.22, 0.17],
        Inches(1.15),
        verdict_column=4,
        fills=[r.fill for r in section.summary],
    )
    _text(
        summary,
        pack.notes[0] if pack.notes else "",
        LEFT,
        HIGH - Inches(1.0),
        WIDE - 2 * LEFT,
        Inches(0.5),
        size=10,
        colour=MUTED,
    )


def _matrix_slide(deck, pack: Pack, matrix: Matrix) -> None:
    """The matrix as a native table, at the size that fits a region's MARACs on one slide."""
    slide = _slide(deck, pack, matrix.heading)
    _table(
        slide,
        matrix.header,
        [[c.text for c in row] for row in matrix.rows],
        # the name, then volume (which may carry its coverage), then the rest alike
        [1.2, 1.5] + [1.38] * (len(matrix.header) - 2),
        Inches(1.0),
        fills_by_cell=[[c.fill for c in row] for row in matrix.rows],
        size=8,
        row_height=Inches(0.16),
        margin=Pt(1),
    )
    _text(
        slide,
        " ".join(matrix.notes),
        LEFT,
        HIGH - Inches(0.85),
        WIDE - 2 * LEFT,
        Inches(0.4),
        size=9,
        colour=MUTED,
    )


def _after_summary(deck, pack: Pack) -> None:
    """The slides after the pack's own summary, or before every section without one: the matrix, then what changed."""
    if pack.matrix is not None:
        _matrix_slide(deck, pack, pack.matrix)
    if pack.changes is not None:
        _changes_slide(deck, pack, pack.changes)


def _changes_slide(deck, pack: Pack, changes: ChangesPage) -> None:
    """What changed since last quarter on one slide, laid out down the slide at the sizes `layout.CHANGES_TEXT`
    measures, in the room `build` cut the tables to (`layout.CHANGES_ROOM`)."""
    slide = _slide(deck, pack)
    _text(slide, changes.heading, LEFT, Inches(0.3), WIDE - 2 * LEFT, Inches(0.6), size=20, bold=True)
    top = Inches(0.95)
    row = Pt(layout.CHANGES_ROW)

    def words(text: str, kind: str, *, bold: bool = False, colour: RGBColor = INK) -> None:
        nonlocal top
        tall = Pt(layout.text_height(text, kind))
        size = layout.CHANGES_TEXT[kind][0]
        _text(slide, text, LEFT, top, WIDE - 2 * LEFT, tall, size=size, bold=bold, colour=colour)
        top += tall

    def table(header: list[str], rows: list[list[str]]) -> None:
        nonlocal top
        widths = [max(len(h), *(len(r[c]) for r in rows)) + 2 for c, h in enumerate(header)]
        _table(slide, header, rows, widths, top, size=8, row_height=row, margin=Pt(1))
        top += row * (len(rows) + 1)

    words(changes.sentence, "sentence")
    words(changes.periods, "small", colour=MUTED)
    top += Pt(layout.CHANGES_SPACE)
    if changes.rows:
        table(changes.header, changes.rows)
    top += Pt(layout.CHANGES_SPACE)
    for note in changes.notes:
        words(note, "small", colour=MUTED)
    top += Pt(layout.CHANGES_SPACE)
    words(changes.returns_heading, "h2", bold=True)
    words(changes.returns_sentence, "body")
    if changes.returns_rows:
        table(changes.returns_header, changes.returns_rows)
        top += Pt(layout.CHANGES_SPACE)
    for note in changes.returns_notes:
        words(note, "small", colour=MUTED)
