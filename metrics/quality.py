"""Data quality for a period: which quarterly returns are missing and which fields look unrecorded.

The Pan-London review found disability and sexual orientation badly recorded: a MARAC whose
return says 0 LGBT+ victims/survivors across a whole period of cases has more likely not
recorded it than seen none. Board packs say so beside the figures.
"""

from __future__ import annotations

import polars as pl

from metrics.dataset import Dataset
from metrics.periods import Period, quarter_label

#: the demographic fields whose zeros are checked, with the words used for them
RECORDED_FIELDS = {
    "victims_racially_minoritised": "racially minoritised",
    "victims_lgbt": "LGBT+",
    "victims_disabled": "disabled",
    "victims_male": "male",
    "victims_aged_16_17": "aged 16–17",
}


def quality(dataset: Dataset, period: Period, codes: list[str] | None = None) -> pl.DataFrame:
    """One row per MARAC: quarters returned of those in the period, the missing ones, and fields recorded as all zero.

    A field counts as "not recorded?" only when the MARAC heard cases in the period, so an
    empty return is reported as missing rather than as unrecorded.
    """
    maracs = dataset.maracs if codes is None else dataset.maracs.filter(pl.col("marac_code").is_in(codes))
    quarters = period.quarters
    held = dataset.meetings.filter(pl.col("quarter_start").is_in(quarters))
    sums = held.group_by("marac_code").agg(
        pl.col("quarter_start").unique().alias("returned"),
        pl.col("cases_discussed").sum().alias("cases"),
        *(pl.col(f).sum() for f in RECORDED_FIELDS),
    )
    rows = []
    for marac in maracs.select("marac_code", "marac_name").iter_rows(named=True):
        found = sums.filter(pl.col("marac_code") == marac["marac_code"])
        record = found.row(0, named=True) if found.height else None
        returned = set(record["returned"]) if record else set()
        zero = [words for field, words in RECORDED_FIELDS.items() if record and record["cases"] and not record[field]]
        rows.append({
            "marac_code": marac["marac_code"], "marac_name": marac["marac_name"],
            "quarters_in_period": len(quarters), "quarters_returned": len(returned & set(quarters)),
            "missing_quarters": [quarter_label(q) for q in quarters if q not in returned],
            "fields_all_zero": zero,
        })
    return pl.DataFrame(rows, schema={"marac_code": pl.String, "marac_name": pl.String, "quarters_in_period": pl.Int64,
                                      "quarters_returned": pl.Int64, "missing_quarters": pl.List(pl.String),
                                      "fields_all_zero": pl.List(pl.String)}).sort("marac_name")
