"""Data quality for a period: which quarterly returns are missing and which fields look unrecorded.

The Pan-London review found disability and sexual orientation badly recorded: a MARAC whose
return says 0 LGBT+ victims/survivors across a whole period of cases has more likely not
recorded it than seen none. Board packs say so beside the figures.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.periods import Period, quarter_label


def recorded_fields() -> dict[str, str]:
    """Each victim/survivor characteristic's count and its name in a sentence ("LGBT+", "racially minoritised"), from
    the definitions of who the victims/survivors are, so a new characteristic is checked for recording too."""
    return {ind.numerator: _in_words(ind.short) for ind in INDICATORS.of_table("victims")}


def _in_words(short: str) -> str:
    return short if short[:2].isupper() else short[0].lower() + short[1:]


def quality(dataset: Dataset, period: Period, codes: list[str] | None = None) -> pl.DataFrame:
    """One row per MARAC: quarters returned of those in the period, the missing ones, and fields recorded as all zero.

    A field counts as "not recorded?" only when the MARAC heard cases in the period, so an
    empty return is reported as missing rather than as unrecorded. A nil return ("no meetings this quarter") is a
    quarter returned, listed in `nil_quarters`, never a missing one.
    """
    fields = recorded_fields()
    maracs = dataset.maracs if codes is None else dataset.maracs.filter(pl.col("marac_code").is_in(codes))
    quarters = period.quarters
    held = dataset.meetings.filter(pl.col("quarter_start").is_in(quarters))
    sums = held.group_by("marac_code").agg(
        pl.col("quarter_start").unique().alias("returned"),
        pl.col("cases_discussed").sum().alias("cases"),
        *(pl.col(f).sum() for f in fields),
    )
    nil = _nil_held(dataset, quarters)
    rows = []
    for marac in maracs.select("marac_code", "marac_name").iter_rows(named=True):
        found = sums.filter(pl.col("marac_code") == marac["marac_code"])
        record = found.row(0, named=True) if found.height else None
        empty = nil.get(marac["marac_code"], set())
        returned = (set(record["returned"]) if record else set()) | empty
        zero = [words for field, words in fields.items() if record and record["cases"] and not record[field]]
        rows.append(
            {
                "marac_code": marac["marac_code"],
                "marac_name": marac["marac_name"],
                "quarters_in_period": len(quarters),
                "quarters_returned": len(returned & set(quarters)),
                "missing_quarters": [quarter_label(q) for q in quarters if q not in returned],
                "nil_quarters": [quarter_label(q) for q in quarters if q in empty],
                "fields_all_zero": zero,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "marac_code": pl.String,
            "marac_name": pl.String,
            "quarters_in_period": pl.Int64,
            "quarters_returned": pl.Int64,
            "missing_quarters": pl.List(pl.String),
            "nil_quarters": pl.List(pl.String),
            "fields_all_zero": pl.List(pl.String),
        },
    ).sort("marac_name")


def _nil_held(dataset: Dataset, quarters: list[date]) -> dict[str, set[date]]:
    """Per MARAC, the quarters among these it returned as "no meetings"."""
    out: dict[str, set[date]] = {}
    for code, start in dataset.nil_quarters.filter(pl.col("quarter_start").is_in(quarters)).iter_rows():
        out.setdefault(code, set()).add(start)
    return out


#: submission states, as the region's grid shows them; NIL is a nil return held ("no meetings this quarter"), which
#: counts as returned with 0 cases, where MISSING counts nothing
SUBMITTED, MISSING, REPLACED, NIL = "submitted", "missing", "replaced", "nil"


def submission_grid(dataset: Dataset, quarters: list[date], codes: list[str] | None = None) -> pl.DataFrame:
    """One row per MARAC and quarter: submitted, missing, replaced (a later return took the first one's place), or nil
    (the return held says the MARAC had no meetings that quarter, whatever it replaced).

    `versions` counts the loads that brought rows (or a nil return) for the quarter; `loaded_at`/`loaded_by` are
    those of the version held now, so "replaced" says when.
    """
    maracs = _chosen(dataset, codes).select("marac_code", "marac_name")
    grid = maracs.join(pl.DataFrame({"quarter_start": quarters}, schema={"quarter_start": pl.Date}), how="cross")
    versions = dataset.versions
    if versions.is_empty():
        versions = pl.DataFrame(
            schema={
                "marac_code": pl.String,
                "quarter_start": pl.Date,
                "load_id": pl.Int64,
                "loaded_at": pl.Datetime,
                "loaded_by": pl.String,
                "current": pl.Boolean,
            }
        )
    per = versions.group_by("marac_code", "quarter_start").agg(
        pl.len().alias("versions"),
        pl.col("loaded_at").filter(pl.col("current")).first().alias("loaded_at"),
        pl.col("loaded_by").filter(pl.col("current")).first().alias("loaded_by"),
    )
    nil = dataset.nil_quarters.select(
        pl.col("marac_code").cast(pl.String), pl.col("quarter_start").cast(pl.Date), pl.lit(True).alias("nil")
    ).unique()
    return (
        grid.join(per, on=["marac_code", "quarter_start"], how="left")
        .join(nil, on=["marac_code", "quarter_start"], how="left")
        .with_columns(pl.col("versions").fill_null(0).cast(pl.Int64), pl.col("nil").fill_null(False))
        .with_columns(
            pl.when(pl.col("nil"))
            .then(pl.lit(NIL))
            .when(pl.col("versions") == 0)
            .then(pl.lit(MISSING))
            .when(pl.col("versions") == 1)
            .then(pl.lit(SUBMITTED))
            .otherwise(pl.lit(REPLACED))
            .alias("status"),
            pl.col("quarter_start").map_elements(quarter_label, return_dtype=pl.String).alias("quarter"),
        )
        .drop("nil")
        .sort("marac_name", "quarter_start")
    )


def recording_completeness(dataset: Dataset, period: Period, codes: list[str] | None = None) -> pl.DataFrame:
    """Per MARAC and demographic field: the share of its meetings in the period with anything recorded.

    A meeting "records" a field when the count is above zero. A field that is zero at every
    meeting (`always_zero`) is more likely unrecorded than truly absent; the review found
    disability and sexual orientation the worst recorded.
    """
    fields = recorded_fields()
    maracs = _chosen(dataset, codes).select("marac_code", "marac_name")
    held = dataset.meetings.filter(pl.col("quarter_start").is_in(period.quarters))
    per = held.group_by("marac_code").agg(
        pl.len().alias("meetings"),
        pl.col("cases_discussed").sum().alias("cases"),
        *((pl.col(f) > 0).sum().alias(f) for f in fields),
    )
    wide = maracs.join(per, on="marac_code", how="left").with_columns(
        pl.col("meetings").fill_null(0).cast(pl.Int64), pl.col("cases").fill_null(0).cast(pl.Int64)
    )
    long = wide.unpivot(
        index=["marac_code", "marac_name", "meetings", "cases"],
        on=list(fields),
        variable_name="field",
        value_name="meetings_recorded",
    )
    return (
        long.with_columns(
            pl.col("meetings_recorded").fill_null(0).cast(pl.Int64),
            pl.col("field").replace_strict(fields).alias("field_label"),
        )
        .with_columns(
            pl.when(pl.col("meetings") > 0)
            .then(pl.col("meetings_recorded") / pl.col("meetings"))
            .alias("share_recorded"),
            ((pl.col("cases") > 0) & (pl.col("meetings_recorded") == 0)).alias("always_zero"),
        )
        .sort("marac_name", pl.col("field").replace_strict({f: i for i, f in enumerate(fields)}))
    )


#: |robust z| above this marks an outlier (Iglewicz and Hoaglin's 3.5 for the modified z-score)
OUTLIER_Z = 3.5
#: fewer quarters of history than this give no stable median and MAD
OUTLIER_MIN_QUARTERS = 6
#: the quarterly totals checked against their own history
OUTLIER_MEASURES = {"cases_discussed": "cases discussed", "repeat_cases": "repeat cases"}


def robust_z(values: list[float]) -> list[float | None]:
    """Modified z-scores, 0.6745 (x - median) / MAD (Iglewicz & Hoaglin, 1993).

    Median and MAD are not dragged by the outlier itself, as a mean and SD would be. Where more
    than half the values are equal (MAD = 0), the mean absolute deviation stands in, scaled by
    1.2533 so it estimates the same spread; if that is 0 too, every value is the same and no z exists.
    """
    if not values:
        return []
    ordered = sorted(values)
    median = _median(ordered)
    mad = _median(sorted(abs(v - median) for v in values))
    if mad > 0:
        return [0.6745 * (v - median) / mad for v in values]
    mean_ad = sum(abs(v - median) for v in values) / len(values)
    if mean_ad == 0:
        return [None for _ in values]
    return [(v - median) / (1.2533 * mean_ad) for v in values]


def _median(ordered: list[float]) -> float:
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def outliers(
    dataset: Dataset,
    period: Period,
    codes: list[str] | None = None,
    *,
    threshold: float = OUTLIER_Z,
    min_quarters: int = OUTLIER_MIN_QUARTERS,
) -> pl.DataFrame:
    """Quarters in the period whose totals sit far from the MARAC's own history up to the period's end.

    Each MARAC is judged against itself, so a large MARAC is not an outlier for being large:
    only a quarter unlike its usual ones is (a missing meeting, a doubled row, a typing slip).
    """
    maracs = _chosen(dataset, codes).select("marac_code", "marac_name")
    quarterly = (
        dataset.meetings.filter(pl.col("quarter_start") <= period.quarters[-1])
        .join(maracs, on="marac_code")
        .group_by("marac_code", "marac_name", "quarter_start")
        .agg(*(pl.col(m).sum() for m in OUTLIER_MEASURES))
        .sort("marac_code", "quarter_start")
    )
    rows = []
    for (code, name), group in quarterly.group_by("marac_code", "marac_name", maintain_order=True):
        if group.height < min_quarters:
            continue
        quarters = group["quarter_start"].to_list()
        for measure, words in OUTLIER_MEASURES.items():
            values = [float(v) for v in group[measure].to_list()]
            ordered = sorted(values)
            median = _median(ordered)
            for quarter, value, z in zip(quarters, values, robust_z(values), strict=True):
                if z is not None and abs(z) > threshold and quarter in period.quarters:
                    rows.append(
                        {
                            "marac_code": code,
                            "marac_name": name,
                            "quarter_start": quarter,
                            "quarter": quarter_label(quarter),
                            "measure": words,
                            "value": value,
                            "median": median,
                            "robust_z": z,
                            "quarters_of_history": len(values),
                        }
                    )
    schema = {
        "marac_code": pl.String,
        "marac_name": pl.String,
        "quarter_start": pl.Date,
        "quarter": pl.String,
        "measure": pl.String,
        "value": pl.Float64,
        "median": pl.Float64,
        "robust_z": pl.Float64,
        "quarters_of_history": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).sort("quarter_start", "marac_name", descending=[True, False])


def _chosen(dataset: Dataset, codes: list[str] | None) -> pl.DataFrame:
    return dataset.maracs if codes is None else dataset.maracs.filter(pl.col("marac_code").is_in(codes))
