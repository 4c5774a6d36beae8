"""Board packs: open the PDF and PowerPoint files made from the fixture database and check what they say.

The London pack of the fixture (Hackney 400 cases, Tower Hamlets 600; see tests/helpers/fixture_db.py) must repeat
the figures `marac metrics --published` prints (counts rounded, every figure from them), and a pack with a planted
small MARAC (Camden, 3 cases) must not carry any figure that gives its count away.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from loaders import store
from metrics.dataset import Dataset
from reporting.images import Engine
from reporting.packs.build import build_pack
from reporting.packs.render import render_pack

pypdf = pytest.importorskip("pypdf")
pptx = pytest.importorskip("pptx")
pytestmark = pytest.mark.skipif(
    not Path(shutil.which("chromium") or "/usr/bin/chromium").exists(), reason="Debian chromium is not installed"
)
END = date(2021, 3, 31)
MADE = datetime(2026, 11, 23, 9, 30)
# Camden's planted quarter (fixture_db.CAMDEN_PLANTED): 3 cases; 1 of 3 LGBT+ and repeat (33.3%), 2 of 3 police (66.7%)
PLANTED = [r"33\.3%", r"66\.7%", r"(?<![\d,])3 cases"]  # (London's 1,003 cases is its published total)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    e = Engine()
    yield e
    e.close()


@pytest.fixture(scope="module")
def london(fixture_db: Path) -> Dataset:
    return Dataset.from_tables(store.read_tables(fixture_db))


@pytest.fixture(scope="module")
def planted(planted_db: Path) -> Dataset:
    return Dataset.from_tables(store.read_tables(planted_db))


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def _pptx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(
            re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8"))
            for n in z.namelist()
            if n.startswith("ppt/slides/slide") and n.endswith(".xml")
        )


def test_london_pdf_repeats_the_metrics_and_has_every_page(london: Dataset, engine: Engine) -> None:
    pack = build_pack(london, "region:London", END, made=MADE)
    # London's summary, then Hackney and Tower Hamlets (the two MARACs with returns): 8 indicators each
    assert [s.name for s in pack.sections] == ["London", "Hackney", "Tower Hamlets"]
    assert len(pack.figures) == 24
    pages, text = _pdf_text(render_pack(pack, "pdf", engine))
    # title, then per section a summary page and 8 indicator pages (London's matrix and what changed after its
    # summary), then data quality (all 32 London MARACs, two pages) and method
    assert pages == 1 + 3 * 9 + 1 + 1 + 2 + 1
    assert "MARAC performance: London" in text[0] and "12 months to 31 March 2021" in text[0]
    assert "Made 23 November 2026 at 09:30. Scope: London (region)." in text[0]
    # and how complete: 32 x 4 = 128 MARAC-quarters, Hackney's and Tower Hamlets' 4 each returned
    whole = "2 of 32 MARACs sent all 4 quarters; 8 of 128 MARAC-quarters returned"
    cover = re.sub(r"\s+", " ", text[0])
    assert f"London: {whole}" in cover
    assert f"2 of the 32 MARACs in this pack sent returns for the period ({whole})." in cover
    assert "SYNTHETIC" not in " ".join(text)  # the fixture is not demo data

    summary = text[1]
    assert "London: the year to March 2021 · 8 of 128 MARAC-quarters returned" in summary
    # London: 1,000 cases on 948.336 recommended = 105.4%; 300 repeats = 30.0% (Wilson 27.2%-32.9%); police 620 = 62.0%
    assert re.search(r"Cases as % of recommended volume\s+105\.4%", summary)
    assert re.search(r"Repeat rate\s+30\.0%\s+27\.2%–32\.9%\s+28%–40%\s+● within \(could be chance\)", summary)
    assert re.search(
        r"Police share of referrals\s+62\.0%\s+59\.0%–65\.0%\s+60%–75%\s+● within \(could be chance\)", summary
    )
    assert "What changed since last quarter: London, 12 months to 31 March 2021" in text[3]
    hackney = text[1 + 1 + 1 + 9]
    assert "Hackney (Central East BCU, London): the year to March 2021" in hackney
    assert re.search(r"Cases as % of recommended volume\s+90\.3%", hackney)  # 400 / 443.12
    assert re.search(r"Police share of referrals\s+50\.0%\s+45\.1%–54\.9%\s+60%–75%\s+▼ below", hackney)
    # each indicator page carries its generated sentence
    assert (
        # the figure as the summary table beside it prints it (90.3%)
        "Hackney heard 400 cases in the year to March 2021, 90.3% of the recommended volume; within the expected range"
        in text[13]
    )
    quality = text[-3] + text[-2]
    assert "Data quality" in quality and re.search(r"Hackney\s+4 of 4\s+none\s+none", quality)
    # a MARAC that sent nothing is listed with every quarter missing
    assert re.search(r"Camden\s+0 of 4\s+all\s+none", quality)
    assert "Wilson score intervals" in text[-1]


def test_summary_equals_marac_metrics_output(fixture_db: Path, london: Dataset) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "marac_cli.main",
            "metrics",
            "--db",
            str(fixture_db),
            "--period-end",
            str(END),
            "--group",
            "marac",
            "--format",
            "json",
            "--region",
            "London",
            "--published",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {r["group_name"]: r for r in json.loads(done.stdout)}
    assert "Published figures: counts rounded" in done.stderr
    pack = build_pack(london, "region:London", END, made=MADE)
    tower = next(s for s in pack.sections if s.name == "Tower Hamlets")
    shown = {r.indicator: r for r in tower.summary}
    metrics = rows["Tower Hamlets"]
    assert shown["Cases as % of recommended volume"].value == f"{metrics['pct_of_recommended']:.1%}"  # 118.8%
    assert shown["Repeat rate"].value == f"{metrics['repeat_rate']:.1%}"
    assert shown["Police share of referrals"].value == f"{metrics['police_share']:.1%}"
    assert metrics["victims_male"] % 5 == 0 and metrics["cases"] % 5 == 0
    assert shown["Victims/survivors male"].value == f"{metrics['victims_male'] / metrics['cases']:.1%}"
    assert shown["Victims/survivors male"].interval == (
        f"{metrics['share_male_ci95_low']:.1%}–{metrics['share_male_ci95_high']:.1%}"
    )
    assert shown["Victims/survivors male"].verdict.startswith(
        {"above": "▲ above", "within": "● within", "below": "▼ below"}[metrics["male_verdict"]]
    )


def test_pptx_is_editable_slides_with_native_tables(london: Dataset, engine: Engine) -> None:
    pack = build_pack(london, "marac:E09000012", END, made=MADE)
    deck = pptx.Presentation(io.BytesIO(render_pack(pack, "pptx", engine)))
    slides = list(deck.slides)
    # cover, summary, matrix, what changed, 8 indicators, data quality, method
    assert len(slides) == 1 + 1 + 1 + 1 + 8 + 1 + 1
    summary = slides[1]
    table = next(shape.table for shape in summary.shapes if shape.has_table)
    assert [table.cell(0, c).text for c in range(5)] == [
        "Indicator",
        "Value",
        "95% interval",
        "Expected range",
        "Verdict",
    ]
    assert [table.cell(2, c).text for c in range(5)] == [
        "Repeat rate",
        "30.0%",
        "25.7%–34.7%",
        "28%–40%",
        "● within (could be chance)",
    ]
    pictures = [shape for slide in slides for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 8
    assert pictures[0].image.size[0] == 2200  # 1,100 px drawn at 2x
    texts = [shape.text_frame.text for shape in slides[4].shapes if shape.has_text_frame]
    assert any(t.startswith("Hackney heard 400 cases in the year to March 2021") for t in texts)


def test_no_planted_small_count_leaves_in_any_pack(planted: Dataset, engine: Engine) -> None:
    pack = build_pack(planted, "region:London", END, made=MADE)
    assert "Camden" in [s.name for s in pack.sections]
    _, text = _pdf_text(render_pack(pack, "pdf", engine))
    slides = _pptx_text(render_pack(pack, "pptx", engine))
    for planted_text in PLANTED:
        assert not re.search(planted_text, " ".join(text)), planted_text
        assert not re.search(planted_text, slides), planted_text
    # its 3 cases are published rounded, as 0 or 5, and the sentence says so
    assert re.search(r"Camden heard [05] cases in the year to March 2021", " ".join(text))


def test_export_command_writes_the_file_or_nothing(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "hackney.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "marac_cli.main",
            "export",
            "--db",
            str(fixture_db),
            "--scope",
            "marac:Hackney",
            "--period-end",
            str(END),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:5] == b"%PDF-" and "Wrote" in done.stderr
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "marac_cli.main",
            "export",
            "--db",
            str(fixture_db),
            "--scope",
            "bcu:Nowhere",
            "--period-end",
            str(END),
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert 'no BCU "Nowhere" in the registry; known: Central East,' in bad.stderr
    assert not (tmp_path / "x.pdf").exists() and list(tmp_path.glob(".*partial")) == []


def test_the_data_quality_page_reads_the_rounded_counts(planted: Dataset) -> None:
    """A list of truly empty fields would tell a true 0 from a 1-4 published as 0: Camden's quarter (3 cases, none
    aged 16-17) is published as 0 cases, so the pack lists no field for it, as for any MARAC with no cases."""
    from metrics.disclosure import published
    from metrics.periods import period
    from metrics.quality import quality

    year = period(END, "12m")
    held = quality(planted, year, ["E09000007"]).row(0, named=True)
    assert "aged 16–17" in " ".join(held["fields_all_zero"])
    rounded = quality(published(planted), year, ["E09000007"]).row(0, named=True)
    assert rounded["fields_all_zero"] == []
    pack = build_pack(planted, "region:London", END, made=MADE)
    camden = next(q for q in pack.quality if q.marac == "Camden")
    assert (camden.returned, camden.not_recorded) == ("1 of 4", "none")


VOCABULARY = "summary, matrix, changes, indicators, maracs, quality, method"


def test_a_pack_holds_only_the_sections_asked_for(london: Dataset, engine: Engine) -> None:
    pack = build_pack(london, "region:London", END, made=MADE, sections=["indicators", "summary", "matrix"])
    assert pack.parts == ("summary", "matrix", "indicators")  # in print order, whatever order they were asked in
    # London's own summary and its 8 ranked charts; no section per MARAC, no data quality, no method
    assert [s.name for s in pack.sections] == ["London"]
    assert (len(pack.sections[0].summary), len(pack.figures)) == (8, 8)
    assert pack.quality == [] and pack.method == []
    pages, text = _pdf_text(render_pack(pack, "pdf", engine))
    assert pages == 1 + 1 + 1 + 8  # the title page always comes
    assert "MARAC performance: London" in text[0]
    assert "London: the year to March 2021" in text[1] and "every indicator, MARAC by MARAC" in text[2]
    assert all("Hackney (Central East BCU, London)" not in t for t in text)
    assert not any(t.lstrip().startswith(("Data quality", "Method")) for t in text)
    assert "Wilson score intervals" not in " ".join(text)

    marac_only = build_pack(london, "region:London", END, made=MADE, sections=["maracs"])
    assert [s.name for s in marac_only.sections] == ["Hackney", "Tower Hamlets"]
    assert len(marac_only.figures) == 16 and marac_only.matrix is None

    summary_only = build_pack(london, "region:London", END, made=MADE, sections=["summary"])
    assert summary_only.figures == [] and [s.name for s in summary_only.sections] == ["London"]
    assert _pdf_text(render_pack(summary_only, "pdf", engine))[0] == 2


def test_an_unknown_section_is_refused_and_every_section_is_made(london: Dataset) -> None:
    from reporting.packs.model import PackError
    from reporting.packs.sections import AVAILABLE

    with pytest.raises(PackError) as refused:
        build_pack(london, "region:London", END, sections=["summary", "sumary"])
    assert str(refused.value) == f'unknown section "sumary": choose from {VOCABULARY}'
    # what changed is made now: asked for, it comes, and a pack of every part holds it, after the matrix
    asked = build_pack(london, "region:London", END, sections=["changes", "summary"])
    assert asked.parts == ("summary", "changes") and asked.changes is not None and asked.matrix is None
    assert ", ".join(AVAILABLE) == VOCABULARY
    whole = build_pack(london, "region:London", END)
    assert whole.parts == AVAILABLE and whole.changes is not None
    # a MARAC's pack has no section per MARAC: asked for that alone, it says so rather than making a title page only
    with pytest.raises(PackError) as blank:
        build_pack(london, "marac:Hackney", END, sections=["maracs"])
    assert str(blank.value) == (
        "Hackney is one MARAC, so its pack has no section per MARAC: choose summary or indicators for its figures"
    )


def _export(db: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "marac_cli.main", "export", "--db", str(db), "--scope", "region:London"]
    command += ["--period-end", str(END), "--out", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_export_sections_option(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "london.pdf"
    done = _export(fixture_db, out, "--sections", "summary,matrix")
    assert done.returncode == 0, done.stderr
    assert "1 section(s), 0 charts" in done.stderr
    assert len(pypdf.PdfReader(out).pages) == 3  # title, London's summary, the matrix
    bad = tmp_path / "bad.pdf"
    refused = _export(fixture_db, bad, "--sections", "summary,charts")
    assert refused.returncode == 2
    assert f'--sections: unknown section "charts": choose from {VOCABULARY}' in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not bad.exists() and list(tmp_path.glob(".*partial")) == []
    changes = tmp_path / "changes.pdf"
    made = _export(fixture_db, changes, "--sections", "changes")
    assert made.returncode == 0, made.stderr
    assert "0 section(s), 0 charts" in made.stderr
    pages = [page.extract_text() for page in pypdf.PdfReader(changes).pages]
    assert len(pages) == 2 and "What changed since last quarter: London" in pages[1]


def test_the_matrix_page_is_every_marac_by_every_indicator(london: Dataset, engine: Engine) -> None:
    from metrics.definitions import INDICATORS
    from reporting.verdicts import VERDICT_STYLE

    pack = build_pack(london, "region:London", END, made=MADE, sections=["matrix"])
    matrix = pack.matrix
    assert matrix is not None and pack.sections == []
    assert matrix.header == ["MARAC", *(ind.header for ind in INDICATORS)]
    rows = {row[0].text: [c.text for c in row] for row in matrix.rows}
    assert list(rows) == ["Hackney", "Tower Hamlets", "London"]  # by name; the 30 that sent nothing left out
    # fixture_db: Hackney 400 cases on 443.12 recommended = 90.3%; 120 repeats of 400 = 30.0% (Wilson 25.7%-34.7%
    # reaches 28%: could be chance); police 200 of 400 referrals = 50.0% (45.1%-54.9%, wholly under 60%); 240 of 400
    # racially minoritised = 60.0% against a local share of 66.1%
    assert rows["Hackney"][1:5] == ["90.3% ● within", "30.0% ● within*", "50.0% ▼ below", "60.0% ▼ not met"]
    # Tower Hamlets: 600 on 505.216 = 118.8%; 180 of 600 = 30.0%; police 420 of 600 = 70.0%
    assert rows["Tower Hamlets"][1:4] == ["118.8% ▲ above", "30.0% ● within*", "70.0% ● within"]
    # London: 1,000 on 948.336 = 105.4%, from 8 of its 128 MARAC-quarters (not judged); police 620 of 1,000 = 62.0%
    assert rows["London"][1:4] == ["105.4% ◌ incomplete · 8/128 MARAC-qtrs", "30.0% ● within*", "62.0% ● within*"]
    assert matrix.rows[0][3].fill == VERDICT_STYLE["below"]["fill"] and matrix.total_last
    assert "30 of the 32 MARACs sent no returns" in matrix.notes[-1]
    pages, text = _pdf_text(render_pack(pack, "pdf", engine))
    assert pages == 2  # the title page and the matrix, on one page
    flat = re.sub(r"\s+", " ", text[1])
    assert "Tower Hamlets 118.8% ▲ above 30.0% ● within* 70.0% ● within" in flat


def test_subtitles_say_what_each_chart_plots(london: Dataset) -> None:
    pack = build_pack(london, "region:London", END, made=MADE, sections=["indicators", "maracs"])
    london_pages = {p.title: p.subtitle for p in pack.sections[0].pages}
    hackney = {p.title: p.subtitle for p in pack.sections[1].pages}
    assert london_pages["London: Repeat rate"] == (
        "MARACs in London, 12 months to 31 March 2021: repeat cases as a share of cases discussed."
    )
    assert hackney["Hackney: Repeat rate"] == (
        "Quarter by quarter against London: repeat cases as a share of cases discussed. "
        "Shaded: 12 months to 31 March 2021."
    )
    assert hackney["Hackney: Police share of referrals"].startswith(
        "Quarter by quarter against London: referrals by the police as a share of all referrals."
    )
    # only volume is a yearly rate
    assert [t for t, sub in hackney.items() if "yearly rate" in sub] == ["Hackney: Cases as % of recommended volume"]


def test_the_title_page_names_the_scope(london: Dataset, engine: Engine) -> None:
    pack = build_pack(london, "marac:E09000012", END, made=MADE, sections=["summary"])
    assert pack.scope == "Hackney (MARAC)"
    _, text = _pdf_text(render_pack(pack, "pdf", engine))
    assert "Scope: Hackney (MARAC)." in text[0] and "E09000012" not in text[0]


def _font_sizes(node: object) -> list[float]:
    """Every font size a figure's JSON sets (title, ticks, annotations, text labels)."""
    if isinstance(node, dict):
        fonts = [node.get(key) or {} for key in ("font", "textfont", "tickfont")]
        found = [font["size"] for font in fonts if isinstance(font.get("size"), int | float)]
        return found + [s for value in node.values() for s in _font_sizes(value)]
    if isinstance(node, list):
        return [s for value in node for s in _font_sizes(value)]
    return []


def test_charts_span_the_text_block_with_one_title_and_stamp(london: Dataset, engine: Engine) -> None:
    from dataclasses import replace

    from reporting.packs import layout
    from reporting.packs.pdf import chart_size

    # A4 landscape, 297 mm less two 14 mm margins and ReportLab's 6 pt frame padding each side
    assert round(layout.TEXT_WIDTH, 2) == 750.52  # (297 - 2 x 14) mm x 72 / 25.4 - 12
    demo = replace(london, synthetic=True)
    pack = build_pack(demo, "region:London", END, made=MADE, sections=["indicators", "maracs"])
    for figure in pack.figures:
        width, height = chart_size(figure)
        assert width == layout.TEXT_WIDTH and height <= layout.CHART_MAX_HEIGHT
        # the chart's smallest text, laid out at 1,100 px and placed 750.5 pt wide, prints at 8 pt or more
        smallest = min(_font_sizes(figure.to_dict()))
        assert smallest * width / 1100 >= 8, smallest
        assert not (figure.layout.title.text or "")
        assert all("SYNTHETIC" not in (a.text or "").upper() for a in figure.layout.annotations)
        assert all(not (a.text or "").startswith("Source:") for a in figure.layout.annotations)
    data = render_pack(pack, "pdf", engine)
    reader = pypdf.PdfReader(io.BytesIO(data))
    for number in (1, 10):  # London's first ranked chart; Hackney's first trend, after its summary
        page = reader.pages[number]
        text = page.extract_text()
        assert text.count("SYNTHETIC DEMO DATA") == 1, text
        title = (pack.sections[0] if number == 1 else pack.sections[1]).pages[0].title
        assert text.count(title) == 1
        # the chart's PDF (1,100 px at 0.75 pt a pixel: 825 pt wide) is laid on the page scaled to 750.5 pt, at the
        # frame's left edge (14 mm + 6 pt)
        placed = re.findall(
            rb"([\d.]+) 0(?:\.0)? 0(?:\.0)? ([\d.]+) ([\d.]+) [\d.]+ cm", page.get_contents().get_data()
        )
        assert any(
            float(a) * 825 == pytest.approx(750.52, abs=0.2) and float(x) == pytest.approx(45.685, abs=0.01)
            for a, _, x in placed
        ), placed


# tests/helpers/quarter_change_db.py, published: every count there is a multiple of 5 but Hackney's 62 repeats in
# January-March 2021, rounded to 65, and its male victims/survivors 12 and 8 (rounded to 10); Tower Hamlets' 18 male
# victims/survivors round to 20 (October-December 2020, corrected) and 15 (January-March 2020).
QUARTER = date(2021, 3, 31)


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    from tests.helpers.quarter_change_db import quarter_change_db

    return Dataset.from_tables(store.read_tables(quarter_change_db(tmp_path_factory.mktemp("changes"))))


def test_the_changes_page_says_what_moved_since_last_quarter(dated: Dataset, engine: Engine) -> None:
    """Hackney's pack for the quarter January-March 2021, from the rounded counts.

    Repeat rate against a year earlier: 65/150 = 43.333% against 30/120 = 25.000%, up 18.333 points. Wilson (z^2 =
    3.841459): 65/150 -> centre (0.433333 + 0.012805) / 1.025610 = 0.435003, half 0.078321 -> 0.356682 to 0.513324;
    30/120 -> centre (0.25 + 0.016006) / 1.032012 = 0.257757, half 0.076656 -> 0.181101 to 0.334413. Newcombe:
    0.183333 - sqrt(0.076651^2 + 0.084413^2) = 0.069 to 0.183333 + sqrt(0.079991^2 + 0.068899^2) = 0.289: +6.9 to
    +28.9 points, beyond chance, and the clearest move, 18.333 / ((28.9 - 6.9) / 2) = 1.67 half-widths from no change
    (so first).
    Volume against the previous quarter: 150 and 100 cases on 27,695 female-years, 54.161 against 36.108 per 10,000,
    ratio 1.5 (+50%), interval 1.5 x exp(-/+ 1.959964 x sqrt(1/150 + 1/100)) = 1.165 to 1.932 (+16% to +93%), beyond
    chance; ln 1.5 / ((ln 1.932 - ln 1.165) / 2) = 1.60, second. Repeat rate against the previous quarter: 30/100 =
    30.0% to 43.3%, up 13.3 points in +1.1 to +24.7, beyond chance too (13.3 / 11.8 = 1.13, third).
    """
    pack = build_pack(dated, "marac:Hackney", QUARTER, "quarter", made=MADE, sections=["changes"])
    assert pack.parts == ("changes",) and pack.sections == [] and pack.figures == []
    changes = pack.changes
    assert changes is not None
    assert changes.sentence == (
        "In Hackney, against the previous quarter, 2 changes are beyond what chance explains, the clearest being "
        "volume at Hackney, up 50% (36.1 → 54.2 cases a year per 10,000 adult females) and repeat rate at Hackney, up "
        "13.3 points (30.0% → 43.3%); against the same period a year earlier, 1 change is beyond what chance explains: "
        "repeat rate at Hackney, up 18.3 points (25.0% → 43.3%)."
    )
    assert changes.rows[0] == [
        "Hackney",
        "Repeat rate",
        "A year earlier",
        "25.0%",
        "43.3%",
        "+18.3 points",
        "+6.9 to +28.9 points",
        "yes",
    ]
    assert changes.rows[1] == [
        "Hackney",
        "Cases as % of recommended volume",
        "Previous quarter",
        "36.1",
        "54.2",
        "+50%",
        "+16% to +93%",
        "yes",
    ]
    # Hackney's 8 indicators against both comparisons less one fit beside the returns: the one left out is the change
    # chance explains most easily, and a note says so
    assert len(changes.rows) == 15 and changes.notes[-1].startswith("1 of the 16 changes is left out")
    # its January-March 2021 return came in during the round (loaded 15 April 2021): new
    assert changes.returns_sentence == "Returns loaded in this period's round: 1 new (1 MARAC-quarter)."
    assert changes.returns_rows == [["Hackney", "2020-21 Q4", "new", "15 Apr 2021", "1"]]
    assert "holds no due dates" in changes.returns_notes[0]

    pages, text = _pdf_text(render_pack(pack, "pdf", engine))
    assert pages == 2  # the title page and the changes, on one page
    flat = re.sub(r"\s+", " ", text[1])
    assert "What changed since last quarter: Hackney, 2020-21 Q4" in flat
    assert "In Hackney, against the previous quarter, 2 changes are beyond what chance explains" in flat
    assert "Hackney Repeat rate A year earlier 25.0% 43.3% +18.3 points +6.9 to +28.9 points yes" in flat
    assert "Hackney 2020-21 Q4 new 15 Apr 2021 1" in flat
    deck = pptx.Presentation(io.BytesIO(render_pack(pack, "pptx", engine)))
    assert len(deck.slides) == 2
    slide = deck.slides[1]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    assert [table.cell(1, c).text for c in range(8)] == changes.rows[0]
    assert any(s.text_frame.text == changes.sentence for s in slide.shapes if s.has_text_frame)


def test_the_changes_page_keeps_to_one_page_and_says_what_it_leaves_out(dated: Dataset, engine: Engine) -> None:
    """London's two MARACs: 32 changes (8 indicators, 2 MARACs, 2 comparisons, each with figures both times) and 4
    MARAC-quarters in the round; not all fit one page at 8 pt, so the changes beyond chance come first and the note
    counts the rest."""
    pack = build_pack(dated, "region:London", QUARTER, "quarter", made=MADE, sections=["changes"])
    changes = pack.changes
    assert changes is not None
    # 7 changes beyond chance (4 at Tower Hamlets, 3 at Hackney, as the sentence counts them), all kept, first
    assert "4 changes are beyond" in changes.sentence and "3 changes are beyond" in changes.sentence
    kept = len(changes.rows)
    assert 7 < kept < 32
    assert [row[-1] for row in changes.rows[:7]] == ["yes"] * 7 and changes.rows[7][-1] != "yes"
    assert changes.notes[-1] == (
        f"{32 - kept} of the 32 changes are left out to keep this to one page (the moves chance could explain most "
        "easily, and any not judged); the dashboard's What changed since last quarter page lists them all."
    )
    # Tower Hamlets' January-March 2020 return loaded 20 May 2021: late; its October-December 2020 return corrected
    # on 5 May 2021: replaced; Hackney's and Tower Hamlets' January-March 2021 returns: new
    assert (
        changes.returns_sentence
        == "Returns loaded in this period's round: 2 new, 1 late and 1 replaced (4 MARAC-quarters)."
    )
    pages, text = _pdf_text(render_pack(pack, "pdf", engine))
    assert pages == 2
    flat = re.sub(r"\s+", " ", text[1])
    assert "the dashboard's What changed since last quarter page lists them all" in flat
    assert "Returns new, late or replaced since last quarter" in flat and "holds no due dates" in flat
    # and on one slide: everything on it ends above the footer line (7.05 in down a 7.5 in slide)
    deck = pptx.Presentation(io.BytesIO(render_pack(pack, "pptx", engine)))
    assert len(deck.slides) == 2
    footer = pptx.util.Inches(7.05)
    placed = [(shape.top, shape.top + shape.height) for shape in deck.slides[1].shapes]
    assert all(bottom <= footer for top, bottom in placed if top < footer), placed
    assert sum(shape.has_table for shape in deck.slides[1].shapes) == 2  # the changes and the returns
