"""A pack for a MARAC with 1 of 4 quarters says so on its title page and beside each volume figure (issue 17).

Islington's one quarter (tests/helpers/one_quarter.py has the figures): 100 cases on 97.07 recommended for the quarter
= 103.0%, not judged.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from loaders import store
from metrics.dataset import Dataset
from reporting.packs.build import build_pack
from tests.helpers.one_quarter import ONE_OF_FOUR, one_quarter_db

END = date(2021, 3, 31)
MADE = datetime(2026, 12, 2, 9, 30)


@pytest.fixture(scope="module")
def one_quarter(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The fixture database (Hackney and Tower Hamlets, 4 of 4) plus Islington's one quarter."""
    db = one_quarter_db(fixture_db, tmp_path_factory.mktemp("one_quarter"))
    return Dataset.from_tables(store.read_tables(db))


def test_the_title_page_and_summary_say_one_of_four(one_quarter: Dataset) -> None:
    pack = build_pack(one_quarter, "marac:Islington", END, made=MADE)
    assert pack.coverage == [f"Islington: {ONE_OF_FOUR}"]
    assert f"1 of the 1 MARACs in this pack sent returns for the period ({ONE_OF_FOUR})." in pack.status
    (section,) = pack.sections
    assert section.heading.endswith("the year to March 2021 · 1 of 4 quarters returned")
    volume = next(r for r in section.summary if r.indicator == "Cases as % of recommended volume")
    # 100 / 97.07 = 103.0%, withheld as incomplete
    assert (volume.value, volume.verdict) == ("103.0% (1 of 4 quarters returned)", "◌ incomplete")
    # the other figures are not annualised, so they carry no coverage of their own (the heading has it)
    repeat = next(r for r in section.summary if r.indicator == "Repeat rate")
    assert repeat.value == "30.0%"


def test_each_volume_sentence_says_one_quarter_is_shown_as_a_year(one_quarter: Dataset) -> None:
    pack = build_pack(one_quarter, "marac:Islington", END, made=MADE)
    captions = {page.title: page.caption for page in pack.sections[0].pages}
    assert captions["Islington: Cases as % of recommended volume"] == (
        f"Islington heard 100 cases in the year to March 2021, 103.0% of the recommended volume ({ONE_OF_FOUR}); "
        "too little of the period returned to judge against the expected range."
    )
    # 30 repeats of 100 = 30.0%, within 28%-40%; the sentence says it rests on one quarter
    assert captions["Islington: Repeat rate"].startswith(
        "In the year to March 2021, 30.0% of Islington's cases were repeats (1 of 4 quarters returned); within"
    )


def test_a_complete_marac_s_pack_says_all_four(one_quarter: Dataset) -> None:
    pack = build_pack(one_quarter, "marac:Hackney", END, made=MADE)
    assert pack.coverage == ["Hackney: all 4 quarters returned"]
    volume = next(r for r in pack.sections[0].summary if r.indicator == "Cases as % of recommended volume")
    assert volume.value == "90.3%"  # 400 / 443.12, nothing beside it
    assert "quarters returned" not in pack.sections[0].pages[0].caption


def test_a_region_pack_counts_maracs_and_marac_quarters(one_quarter: Dataset) -> None:
    pack = build_pack(one_quarter, "region:London", END, made=MADE)
    # 32 London MARACs x 4 = 128 MARAC-quarters; Hackney 4 + Tower Hamlets 4 + Islington 1 = 9; two sent all 4
    whole = "2 of 32 MARACs sent all 4 quarters; 9 of 128 MARAC-quarters returned"
    assert pack.coverage == [f"London: {whole}", "Short of the full period: Islington 1 of 4 quarters returned."]
    assert f"3 of the 32 MARACs in this pack sent returns for the period ({whole})." in pack.status
    london = pack.sections[0]
    assert london.heading == "London: the year to March 2021 · 9 of 128 MARAC-quarters returned"


pypdf = pytest.importorskip("pypdf")


@pytest.mark.skipif(
    not Path(shutil.which("chromium") or "/usr/bin/chromium").exists(), reason="Debian chromium is not installed"
)
def test_the_pdf_and_slides_say_so_on_the_title_page_and_beside_the_volume_figure(one_quarter: Dataset) -> None:
    from reporting.images import Engine
    from reporting.packs.render import render_pack

    pack = build_pack(one_quarter, "marac:Islington", END, made=MADE)
    engine = Engine()
    try:
        pdf = render_pack(pack, "pdf", engine)
        slides = render_pack(pack, "pptx", engine)
    finally:
        engine.close()
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]

    def flat(text: str) -> str:
        return re.sub(r"\s+", " ", text)

    assert f"Islington: {ONE_OF_FOUR}" in flat(pages[0])
    assert re.search(r"Cases as % of recommended volume 103\.0% \(1 of 4 quarters returned\)", flat(pages[1]))
    volume_page = next(p for p in pages if "Islington heard 100 cases" in p)
    assert f"103.0% of the recommended volume ({ONE_OF_FOUR})" in flat(volume_page)
    pptx = pytest.importorskip("pptx")
    deck = pptx.Presentation(io.BytesIO(slides))
    cover = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert f"Islington: {ONE_OF_FOUR}" in cover


def test_the_method_page_says_what_quarters_returned_means(one_quarter: Dataset) -> None:
    from reporting import coverage_words

    pack = build_pack(one_quarter, "marac:Islington", END, made=MADE)
    assert coverage_words.NOTE in pack.method
    assert "a nil return ('no meetings this quarter') counts as returned" in coverage_words.NOTE
