"""How soon after a load the server has every page warm again, on the national-scale database.

`marac serve` looks at the database file every 2 s and, once a change has held still for one
look, runs every page again (dashboard/launch/warm_up.py). This starts a server on a copy of the
database, waits for its start-up warm-up, loads one synthetic return (Camden, a new quarter)
the way `marac load` does, and prints how long until the server logs its second warm-up.
Prints figures; asserts nothing. Run: `python benchmarks/rewarm_after_load.py [--db PATH]`.
Results go in docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from national_scale import build_national  # noqa: E402

from loaders import store  # noqa: E402
from loaders.demo import write_return  # noqa: E402
from tests.helpers.browser import serving, warm_up_line  # noqa: E402
from tests.helpers.fixture_db import meeting  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a national database built before (default: build one, about 15 s)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="marac-rewarm-"))
    db = work / "live.duckdb"
    shutil.copyfile(args.db or build_national(work, whole_region="London").db, db)
    with serving(db, work / "server.log") as server:
        first = warm_up_line(server)
        print(f"start-up warm-up: {first.group(1)} pages in {first.group(2)} s")
        camden = write_return(work / "camden.csv", [meeting("E09000007", date(2025, 11, 4), cases_discussed=12)])
        began = time.monotonic()
        with store.writing(db) as conn:
            outcome = store.load_file(conn, camden, who="benchmark").outcome
        loaded = time.monotonic()
        again = warm_up_line(server, nth=2)
        logged = time.monotonic()
    print(f"load ({outcome}): {loaded - began:.2f} s")
    print(
        f"second warm-up logged {logged - loaded:.2f} s after the load ended; "
        f"the warm-up itself {again.group(2)} s, so {logged - loaded - float(again.group(2)):.2f} s to notice the change "
        f"and see it hold (looks every 2 s)"
    )
    print(f"(server log: {work / 'server.log'})")


if __name__ == "__main__":
    main()
