"""A pack's data-quality page says which returned quarters were nil returns ("no meetings this quarter")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import polars as pl

from loaders import store
from metrics.dataset import NIL_SCHEMA, Dataset
from reporting.packs.build import build_pack

END = date(2021, 3, 31)
Q4 = date(2021, 1, 1)
HACKNEY = "E09000012"


def test_the_quality_rows_count_a_nil_return_as_returned_and_name_it(fixture_db: Path) -> None:
    """Hackney's 2020-21 Q4 meetings taken out and sent instead as a nil return: 4 of 4 quarters returned (3 with
    meetings, 1 nil), none missing; Tower Hamlets, untouched, reads as before."""
    held = Dataset.from_tables(store.read_tables(fixture_db))
    meetings = held.meetings.filter((pl.col("marac_code") != HACKNEY) | (pl.col("quarter_start") != Q4))
    nil = pl.DataFrame({"marac_code": [HACKNEY], "quarter_start": [Q4]}, schema=NIL_SCHEMA)
    data = replace(held, meetings=meetings, nil_quarters=nil)
    pack = build_pack(data, "marac:Hackney", END, made=datetime(2026, 12, 2, 9, 30))
    (row,) = pack.quality
    assert (row.marac, row.returned, row.missing) == ("Hackney", "4 of 4 (1 nil return: 2020-21 Q4)", "none")
    plain = build_pack(held, "marac:Hackney", END, made=datetime(2026, 12, 2, 9, 30))
    assert plain.quality[0].returned == "4 of 4"
