"""The awkward-return corpus: every bad or odd file gives its expected report, and the database never changes.

Files are in tests/data/bad (one per loader problem code) and tests/data/corpus (awkward
workbooks, refusals and the checks beside held data; see make_corpus.py). `expected.txt`
holds, for each, the outcome, the exact report lines a coordinator sees on the upload
page and from `marac check` ({loaded_at} stands for when the held quarter went in), and for
a loadable file what it loads ("LOADS ..." lines, read back from the database). Each file
is checked against a database holding Hackney's 2020-21 Q3 (3 meetings, 6 cases): the check
must leave that file byte for byte as it was, and a refused file's load must leave every
figure as it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from loaders import store
from loaders.upload import check_uploads
from metrics.periods import quarter_label
from tests.helpers.returns import BAD, COLUMNS, DATA, TODAY, write_csv

CORPUS = DATA / "corpus"
EXPECTED = CORPUS / "expected.txt"


def _expected() -> dict[str, tuple[str, list[str]]]:
    """`== name (outcome)` headers, each followed by its report lines."""
    out: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        header = re.fullmatch(r"== (.+) \((would load|refused|unchanged)\)", line)
        if header:
            name = header.group(1)
            out[name] = (header.group(2), [])
        elif line.strip() and name is not None:
            out[name][1].append(line)
    return out


def corpus_files() -> list[Path]:
    return sorted([*BAD.iterdir(), *(p for p in CORPUS.iterdir() if p.name not in {"expected.txt", "make_corpus.py"})])


@pytest.fixture(scope="module")
def held_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hackney 2020-21 Q3 held: the same rows make_corpus.BASE_Q3 describes."""
    from tests.data.corpus.make_corpus import BASE_Q3

    folder = tmp_path_factory.mktemp("held")
    db = folder / "held.duckdb"
    with store.writing(db) as conn:
        result = store.load_file(conn, write_csv(folder / "hackney-2020-21-q3.csv", BASE_Q3), who="base", today=TODAY)
    assert result.outcome == "loaded"
    return db


def _loaded_at(db: Path) -> str:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        when = conn.execute("SELECT finished_at FROM load_log WHERE outcome = 'loaded'").fetchall()[0][0]
    finally:
        conn.close()
    return when.strftime("%d %b %Y %H:%M")


def _loads(db: Path, quarters: list) -> list[str]:
    """What a load put in, as the expected file words it."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        rows = conn.execute(
            "SELECT marac_code, quarter_start, count(*), sum(cases_discussed), sum(children_in_household), "
            "sum(referrals_police) FROM meeting_current GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        conn.close()
    return [
        f"LOADS {m} {quarter_label(q)}: {n} meeting(s), {cases} cases, {children} children, {police:g} police referrals"
        for m, q, n, cases, children, police in rows
        if (m, q) in set(quarters)
    ]


def _figures(db: Path) -> list[tuple]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT marac_code, quarter_start, count(*), sum(cases_discussed), sum(repeat_cases), "
            "sum(victims_male) FROM meeting_current GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        conn.close()


def test_the_corpus_has_thirty_files_and_every_one_is_expected() -> None:
    files = {p.name for p in corpus_files()}
    assert len(files) >= 30
    assert files == set(_expected()), "every corpus file needs an entry in expected.txt, and only those"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_gives_its_report_and_changes_nothing(path: Path, held_db: Path, tmp_path: Path) -> None:
    outcome, lines = _expected()[path.name]
    before = hashlib.sha256(held_db.read_bytes()).hexdigest()
    checked = check_uploads(held_db, [(path.name, path.read_bytes())], today=TODAY)
    assert hashlib.sha256(held_db.read_bytes()).hexdigest() == before  # a check writes nothing
    (found,) = checked.files
    assert found.outcome == outcome
    report = [line for line in lines if not line.startswith("LOADS ")]
    assert found.report.text().splitlines() == [line.replace("{loaded_at}", _loaded_at(held_db)) for line in report]

    # the same file through the loader itself: refused files leave every figure as it was
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(held_db, db)
    figures = _figures(db)
    with store.writing(db) as conn:
        loaded = store.load_file(conn, path, today=TODAY)
    assert (loaded.outcome == "loaded") == (outcome == "would load")
    if outcome != "would load":
        assert _figures(db) == figures
    else:
        assert _loads(db, loaded.quarters) == [line for line in lines if line.startswith("LOADS ")]


def test_files_too_large_or_too_long_are_refused_before_reading(held_db: Path, tmp_path: Path) -> None:
    # made here rather than committed: 10 MB and 50,001 rows would bloat the repository
    big = b"marac_code,meeting_date\n" + b"E09000012,14/01/2021" + b" " * (10 * 1_048_576)
    row = ",".join(["E09000012", "14/01/2021", *["0"] * (len(COLUMNS) - 2)])
    long = ("\n".join([",".join(COLUMNS), *[row] * 50_001]) + "\n").encode()
    before = _figures(held_db)
    checked = check_uploads(held_db, [("huge.csv", big), ("long.csv", long)], today=TODAY)
    assert [f.report.text() for f in checked.files] == [
        (
            "ERROR huge.csv: the file is 10.0 MB; expected a return of at most 10 MB (one quarter of one MARAC is a few KB) "
            "[file-too-large]"
        ),
        "ERROR long.csv: more than 50,000 meeting rows (reading stopped at row 50,002); expected at most 50,000 rows "
        "(a quarter's meetings) [too-many-rows]",
    ]
    assert [f.outcome for f in checked.files] == ["refused", "refused"]
    assert _figures(held_db) == before
