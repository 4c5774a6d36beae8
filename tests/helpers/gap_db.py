"""A database like the fixture's (tests/helpers/fixture_db.py) but with a gap: Hackney sent nothing for 2020-21 Q3,
Tower Hamlets all four quarters. Built through the real loader.

12 months to 31 March 2021:
  population-time: Hackney 300 cases over three quarters of 110,780 females 16+ (83,085 population-years), Tower
    Hamlets 600 over 126,304: recommended 40 x (83,085 + 126,304) / 10,000 = 837.556; 900 / 837.556 = 107.46%.
    Hackney alone: 300 / (40 x 8.3085) = 300 / 332.34 = 90.27%.
  SafeLives' rule: Hackney's Q3 takes Q2's 100 cases, so 400 over a full year of 110,780: 400 / 443.12 = 90.27%
    (the same share, as every quarter holds 100), and London 1,000 / 948.336 = 105.45%.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers.fixture_db import HACKNEY, QUARTER_MEETINGS, TOWER_HAMLETS, meeting

HACKNEY_CODE, TOWER_HAMLETS_CODE = "E09000012", "E09000030"


def write_gap_db(directory: Path) -> Path:
    from loaders import store
    from loaders.demo import write_return

    db = directory / "gap.duckdb"
    with store.writing(db) as conn:
        for n, day in enumerate(QUARTER_MEETINGS, start=1):
            returns = [(TOWER_HAMLETS_CODE, TOWER_HAMLETS)] + ([(HACKNEY_CODE, HACKNEY)] if n != 3 else [])
            for code, counts in returns:
                path = write_return(directory / f"{code}_q{n}.csv", [meeting(code, day, **counts)])
                result = store.load_file(conn, path, today=date(2026, 1, 1))
                assert result.outcome == "loaded", result.report.text()
    return db
