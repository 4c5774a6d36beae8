"""A pack for a MARAC with 1 of 4 quarters says so on its title page and beside each volume figure (issue 17).

Islington sends one return for 2020-21 (Q4, 9 February 2021), every count a multiple of 5 so the rounded figures
the pack prints are the counts as sent: 100 cases, 30 repeats, 60 police referrals of 100. Its 97,070 adult females
count for the one quarter returned: 97,070 x 0.25 = 24,267.5 female-years, so recommended 40 x 2.42675 = 97.07 cases
and 100 / 97.07 = 103.0% of the recommended volume: one quarter's rate shown as a year's, not judged (1 of 4 = 25%,
under the 75% judged). The 100 cases are 100 / 388.28 = 25.8% of a year's recommended 40 x 9.707 = 388.28.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from loaders import store
from loaders.demo import write_return
from metrics.dataset import Dataset
from reporting.packs.build import build_pack
from tests.helpers.fixture_db import meeting

END = date(2021, 3, 31)
MADE = datetime(2026, 12, 2, 9, 30)
ISLINGTON = dict(
    cases_discussed=100,
    repeat_cases=30,
    referrals_police=60,
    referrals_idva=40,
    victims_racially_minoritised=50,
    victims_lgbt=5,
    victims_disabled=20,
    victims_male=5,
)
ONE_OF_FOUR = "1 of 4 quarters returned: one quarter's rate shown as a year's"


@pytest.fixture(scope="module")
def one_quarter(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The fixture database (Hackney and Tower Hamlets, 4 of 4) plus Islington's one quarter."""
    directory = tmp_path_factory.mktemp("one_quarter")
    db = directory / "one_quarter.duckdb"
    shutil.copyfile(fixture_db, db)
    with store.writing(db) as conn:
        path = write_return(directory / "islington.csv", [meeting("E09000019", date(2021, 2, 9), **ISLINGTON)])
        result = store.load_file(conn, path, who="test")
        assert result.outcome == "loaded", result.report.text()
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
