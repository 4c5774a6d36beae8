"""A partnership outside London and Lancashire, set up from its own registry file, sees its MARACs on every page.

West Yorkshire (`tests.helpers.partnership`) with returns for four of its five MARACs in 2020-21: Wakefield sent
none, so every page also shows a MARAC without returns, which must read as "no returns", never as "None".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.partnership import CASES, west_yorkshire_db
from tests.helpers.shown import printed

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
# every page but Users, which a server offers only with sign-in (tests/dashboard/test_access.py opens it)
PAGES = sorted(p.stem for p in (Path(APP).parents[1] / "pages").glob("*.py") if p.stem != "users")
HELD = [code for code in CASES if code != "WY-WAK"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return west_yorkshire_db(tmp_path_factory.mktemp("partnership"), HELD)


def _texts(at: AppTest) -> list[str]:
    """Every piece of text a page put on screen: words, numbers, table cells."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        table = frame.value
        texts += [str(c) for c in table.columns]
        # a missing number is drawn as the table's placeholder; Streamlit's own is the word "None"
        shown = table.astype(object).where(table.notna(), frame.proto.placeholder or "None")
        texts += [str(v) for v in shown.to_numpy().ravel()]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_partnership_and_never_prints_none(
    db: Path, page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    if page != "regional_overview":
        at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    printed = [t for t in texts if re.search(r"\bNone\b|\bnan\b|<NA>", t)]
    assert not printed, printed
    if page in ("regional_overview", "regional_comparison", "equality", "referrer_mix", "map"):
        assert at.selectbox(key="area").value == "pfa:West Yorkshire"


def test_the_overview_names_the_partnership_s_maracs_sub_areas_and_totals(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120).run()
    table = at.dataframe[0].value.set_index("MARAC")
    assert sorted(table.index) == ["Bradford", "Calderdale and Kirklees", "Leeds North", "Leeds South", "Wakefield"]
    assert table.loc["Leeds South", "District"] == "East"  # the partnership's own word for a sub-area
    assert table.loc["Leeds South", "Cases"] == 400
    assert table.loc["Leeds South", "Per 10,000 adult females"] == pytest.approx(400 / (0.4 * 340_795) * 10_000)
    assert printed(at.dataframe[0], "MARAC").loc["Wakefield", "Volume %"] == "–"  # no returns
    assert "District and West Yorkshire totals" in [s.value for s in at.subheader]
    # West Yorkshire as a whole: 800 + 1,000 + 600 + 400 = 2,800 cases of the MARACs that sent returns
    assert {m.label: m.value for m in at.metric}["Cases discussed"] == "2,800"


def test_a_pack_for_one_of_the_partnership_s_sub_areas(db: Path) -> None:
    from datetime import date

    from loaders import store
    from metrics.dataset import Dataset
    from reporting.packs.build import build_pack

    dataset = Dataset.from_tables(store.read_tables(db))
    pack = build_pack(dataset, "sub_area:east", date(2021, 3, 31), "fy")  # a sub-area named as typed, any case
    assert pack.title == "MARAC performance: East district"
    assert [s.name for s in pack.sections] == ["East district", "Leeds North", "Leeds South"]  # Wakefield sent none
    assert pack.sections[1].heading == "Leeds North (East district, West Yorkshire): financial year 2020-21"
    assert [q.marac for q in pack.quality] == ["Leeds North", "Leeds South", "Wakefield"]
    assert [q.returned for q in pack.quality] == ["4 of 4", "4 of 4", "0 of 4"]
    old_name = build_pack(dataset, "bcu:East", date(2021, 3, 31), "fy")  # the Met's word still names a sub-area
    assert old_name.title == pack.title


def test_a_hostile_marac_name_prints_as_typed_in_every_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loaders import registry_store, store
    from tests.helpers.partnership import WEST_YORKSHIRE, registry_file, returns

    hostile = "*Evil* [map](http://e.vil) :red[x] $x$"  # Calderdale and Kirklees's name: the highest on volume
    rows = [[r[0], hostile if r[0] == "WY-CK" else r[1], *r[2:]] for r in WEST_YORKSHIRE]
    db = tmp_path / "hostile.duckdb"
    with store.writing(db) as conn:
        assert registry_store.load_registry(conn, registry_file(tmp_path / "hostile.csv", rows)).outcome == "loaded"
        for path in returns(tmp_path / "returns", HELD):
            assert store.load_file(conn, path).outcome == "loaded"
    monkeypatch.setenv("MARAC_DB", str(db))
    for page in ("regional_comparison", "equality", "trends", "borough_profile"):
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.switch_page(f"../pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        said = [m.value for m in [*at.markdown, *at.caption, *at.info]]
        naming = [m for m in said if "Evil" in m]
        for markdown in naming:  # every sentence naming it escapes it: no emphasis, link, colour or formula
            assert "*Evil*" not in markdown and "](http" not in markdown and ":red[" not in markdown, markdown
        if page == "regional_comparison":
            assert naming, said  # the key finding names the highest or lowest MARAC
