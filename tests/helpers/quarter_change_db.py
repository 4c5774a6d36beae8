"""A two-MARAC database for "what changed since last quarter", loaded through the real loader, each load dated.

Hackney (E09000012, 110,780 females 16+) and Tower Hamlets (E09000030, 126,304), one meeting a quarter. Chosen
period: one quarter, January to March 2021 (ending 31 March 2021); previous quarter October to December 2020; a year
earlier January to March 2020. Its returns round is 1 April to 30 June 2021 (loaded after 31 March 2021, by 30 June).

    quarter        MARAC          cases repeats police idva  rm lgbt dis male 16-17   loaded
    Jan-Mar 2020   Hackney          120    30     60    60   72   2   24   10   1    20 Apr 2020
    Oct-Dec 2020   Hackney          100    30     50    50   60   2   20    8   1    15 Jan 2021
    Jan-Mar 2021   Hackney          150    62     75    75   90   3   30   12   2    15 Apr 2021  new
    Apr-Jun 2021   Hackney          100    30     50    50   60   2   20    8   1    10 Jul 2021  (next round)
    Jan-Mar 2020   Tower Hamlets    150    45    105    45  120   6   15   18   3    20 May 2021  late
    Oct-Dec 2020   Tower Hamlets    140    42    100    40  110   6   14   17   3    12 Jan 2021
      corrected                     150    45    105    45  120   6   15   18   3     5 May 2021  replaced
    Jan-Mar 2021   Tower Hamlets    150    45    105    45  120   6   15   40   3    10 Apr 2021  new
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from loaders import registry_store, store
from loaders.demo import write_return
from tests.helpers.fixture_db import fix_disclosure_key, meeting, write_fixture_registry

HACKNEY, TOWER_HAMLETS = "E09000012", "E09000030"
_COLUMNS = (
    "cases_discussed",
    "repeat_cases",
    "referrals_police",
    "referrals_idva",
    "victims_racially_minoritised",
    "victims_lgbt",
    "victims_disabled",
    "victims_male",
    "victims_aged_16_17",
)
#: (file, MARAC, meeting date, counts in `_COLUMNS` order, when the load finished), in loading order
LOADS = [
    ("h-2020-q4.csv", HACKNEY, date(2020, 2, 11), (120, 30, 60, 60, 72, 2, 24, 10, 1), datetime(2020, 4, 20, 9)),
    ("h-2020-q3.csv", HACKNEY, date(2020, 11, 10), (100, 30, 50, 50, 60, 2, 20, 8, 1), datetime(2021, 1, 15, 9)),
    (
        "t-2020-q3.csv",
        TOWER_HAMLETS,
        date(2020, 11, 10),
        (140, 42, 100, 40, 110, 6, 14, 17, 3),
        datetime(2021, 1, 12, 9),
    ),
    ("t-2021-q4.csv", TOWER_HAMLETS, date(2021, 2, 9), (150, 45, 105, 45, 120, 6, 15, 40, 3), datetime(2021, 4, 10, 9)),
    ("h-2021-q4.csv", HACKNEY, date(2021, 2, 9), (150, 62, 75, 75, 90, 3, 30, 12, 2), datetime(2021, 4, 15, 9)),
    (
        "t-2020-fix.csv",
        TOWER_HAMLETS,
        date(2020, 11, 10),
        (150, 45, 105, 45, 120, 6, 15, 18, 3),
        datetime(2021, 5, 5, 9),
    ),
    (
        "t-2019-q4.csv",
        TOWER_HAMLETS,
        date(2020, 2, 11),
        (150, 45, 105, 45, 120, 6, 15, 18, 3),
        datetime(2021, 5, 20, 9),
    ),
    ("h-2022-q1.csv", HACKNEY, date(2021, 5, 11), (100, 30, 50, 50, 60, 2, 20, 8, 1), datetime(2021, 7, 10, 9)),
]


def quarter_change_db(directory: Path) -> Path:
    """The database above, each load's finish time set to its date in the table."""
    db = directory / "changes.duckdb"
    with store.writing(db) as conn:
        fix_disclosure_key(conn)
        registry = registry_store.load_registry(conn, write_fixture_registry(directory / "registry.csv"), who="test")
        assert registry.outcome == "loaded", registry.read.report.text()
        for file, code, day, counts, loaded in LOADS:
            path = write_return(directory / file, [meeting(code, day, **dict(zip(_COLUMNS, counts, strict=True)))])
            result = store.load_file(conn, path, who="test")
            assert result.outcome == "loaded", result.report.text()
            conn.execute(
                "UPDATE load_log SET started_at = ?, finished_at = ? WHERE load_id = ?",
                [loaded, loaded, result.load_id],
            )
    return db
