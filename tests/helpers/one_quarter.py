"""The hand-worked fixture database plus a MARAC that returned 1 of 4 quarters (issue 17: coverage travels with
every figure).

Islington sends one return for 2020-21 (Q4, 9 February 2021), every count a multiple of 5 so the rounded figures
the dashboard and packs print are the counts as sent: 100 cases, 30 repeats, 60 police referrals of 100. Its 97,070
adult females count for the one quarter returned: 97,070 x 0.25 = 24,267.5 female-years, so recommended 40 x 2.42675
= 97.07 cases and 100 / 97.07 = 103.0% of the recommended volume: one quarter's rate shown as a year's, not judged
(1 of 4 = 25%, under the 75% judged). The 100 cases are 100 / 388.28 = 25.8% of a year's recommended 40 x 9.707.
London then holds Hackney 4 + Tower Hamlets 4 + Islington 1 = 9 of 32 x 4 = 128 MARAC-quarters.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from loaders import store
from loaders.demo import write_return
from tests.helpers.fixture_db import meeting

ISLINGTON_CODE = "E09000019"
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


def one_quarter_db(fixture_db: Path, directory: Path) -> Path:
    """A copy of `fixture_db` with Islington's one quarter loaded through the real loader."""
    db = directory / "one_quarter.duckdb"
    shutil.copyfile(fixture_db, db)
    with store.writing(db) as conn:
        path = write_return(directory / "islington.csv", [meeting(ISLINGTON_CODE, date(2021, 2, 9), **ISLINGTON)])
        result = store.load_file(conn, path, who="test")
        assert result.outcome == "loaded", result.report.text()
    return db
