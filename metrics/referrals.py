"""Where referrals come from: shares by sector, the top three referrers, and the police share on a year earlier.

SafeLives expects the police to make 60–75% of referrals and to be the top referrer; a MARAC
that hears mostly from the police is missing the partner agencies that see victims the police
never meet. SafeLives lists 14 referring agencies; the page groups them into a few sectors,
and that grouping is reference data (`data/reference/referral_sectors.csv`, carried on
`Dataset.sectors`), not code. Every share is summed referrals of the agencies over summed
referrals_total, never an average of MARAC shares. A case referred by two agencies counts 0.5
to each, so referral counts may be fractional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from metrics.change import share_change

RANKS = (1, 2, 3)


def _keys(frame: pl.DataFrame) -> list[str]:
    """Columns naming a row: the group, and the quarter for a quarterly frame."""
    return ["group_code", "group_name", *(["quarter_start"] if "quarter_start" in frame.columns else [])]


def _agencies(frame: pl.DataFrame) -> list[str]:
    """Agency codes in the frame's column order, which is SafeLives' order."""
    return [
        c.removeprefix("referrals_") for c in frame.columns if c.startswith("referrals_") and c != "referrals_total"
    ]


def sector_mapping(table: pl.DataFrame, agencies: Sequence[str] | None = None) -> dict[str, tuple[str, ...]]:
    """The sectors table (agency, sector, sector_order) as {sector: agencies}, sectors in sector_order.

    Within a sector, agencies follow `agencies` (SafeLives' order) when given, else the table's
    order. Empty for a database written before the sectors file existed (an empty table).
    """
    if table.is_empty():
        return {}
    listed = table["agency"].to_list()
    twice = sorted({a for a in listed if listed.count(a) > 1})
    if twice:
        raise ValueError(
            f"the referral sectors list {', '.join(twice)} more than once; each agency belongs to one sector"
        )
    position = {a: i for i, a in enumerate(agencies if agencies is not None else listed)}
    rows = table.select("agency", "sector", "sector_order").rows()
    rows.sort(key=lambda r: (r[2], position.get(r[0], len(position))))
    mapping: dict[str, tuple[str, ...]] = {}
    for agency, sector, _ in rows:
        mapping[sector] = (*mapping.get(sector, ()), agency)
    return mapping


def sector_shares(frame: pl.DataFrame, sectors: Mapping[str, Sequence[str]] | pl.DataFrame) -> pl.DataFrame:
    """Long form, one row per group and sector in order: group_code, group_name, sector, referrals, share.

    `frame` is a `compute(...)` (or `quarterly(...)`, which adds quarter_start) frame; `sectors`
    is `sector_mapping(dataset.sectors)` or the `Dataset.sectors` table itself. referrals is the
    sum of the sector's agencies' counts and share is that over referrals_total: 0 for a sector
    that referred nothing, null for a group with no returns (no figures, not zeros) or no referrals.
    """
    mapping = sector_mapping(sectors, _agencies(frame)) if isinstance(sectors, pl.DataFrame) else sectors
    keys = _keys(frame)
    unknown = [a for members in mapping.values() for a in members if f"referrals_{a}" not in frame.columns]
    if unknown:
        raise ValueError(f"the sectors name agencies the frame has no referral counts for: {', '.join(unknown)}")
    total = pl.col("referrals_total")
    parts = []
    for order, (sector, members) in enumerate(mapping.items()):
        referrals = pl.when(total.is_null()).then(None).otherwise(pl.sum_horizontal(f"referrals_{a}" for a in members))
        parts.append(
            frame.with_row_index("_row").select(
                "_row",
                *keys,
                pl.lit(order).alias("_order"),
                pl.lit(sector).alias("sector"),
                referrals.cast(pl.Float64).alias("referrals"),
                total.alias("_total"),
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={**frame.select(keys).schema, "sector": pl.String, "referrals": pl.Float64, "share": pl.Float64}
        )
    return (
        pl.concat(parts)
        .sort("_row", "_order")
        .with_columns(
            pl.when(pl.col("_total") > 0).then(pl.col("referrals") / pl.col("_total")).otherwise(None).alias("share")
        )
        .drop("_row", "_order", "_total")
    )


def _ranked(frame: pl.DataFrame, agencies: Sequence[str]) -> pl.DataFrame:
    """(_row, rank, agency, referrals) for each row's agencies with referrals, largest first.

    Ties keep SafeLives' order (the order of `agencies`), the rule `indicators._top_referrers` uses.
    """
    order = pl.DataFrame({"agency": list(agencies), "_order": list(range(len(agencies)))})
    long = (
        frame.with_row_index("_row")
        .select("_row", *(pl.col(f"referrals_{a}").cast(pl.Float64).alias(a) for a in agencies))
        .unpivot(index="_row", variable_name="agency", value_name="referrals")
        .join(order, on="agency")
        .filter(pl.col("referrals") > 0)
        .sort(["_row", "referrals", "_order"], descending=[False, True, False])
    )
    return long.with_columns(pl.int_range(1, pl.len() + 1).over("_row").alias("rank")).drop("_order")


def top_referrers(frame: pl.DataFrame, agencies: Sequence[str], labels: Mapping[str, str]) -> pl.DataFrame:
    """One row per group and rank 1..3: group_code, group_name, rank, agency, agency_label, referrals, share.

    `agencies` in SafeLives' order (`dataset.agencies`), which breaks ties; `labels` their
    display names (`dataset.agency_labels`). share is of referrals_total. Where fewer than three
    agencies referred anyone, the remaining ranks have a null agency, so every group has three rows.
    """
    keys = _keys(frame)
    rows = frame.with_row_index("_row").select("_row", *keys, pl.col("referrals_total").alias("_total"))
    ranks = pl.DataFrame({"rank": list(RANKS)}, schema={"rank": pl.Int64})
    ranked = _ranked(frame, agencies).filter(pl.col("rank") <= len(RANKS)).with_columns(pl.col("rank").cast(pl.Int64))
    label = pl.col("agency").replace_strict(dict(labels), default=pl.col("agency"), return_dtype=pl.String)
    return (
        rows.join(ranks, how="cross")
        .join(ranked, on=["_row", "rank"], how="left")
        .sort("_row", "rank")
        .select(
            *keys,
            "rank",
            "agency",
            label.alias("agency_label"),
            "referrals",
            pl.when(pl.col("_total") > 0).then(pl.col("referrals") / pl.col("_total")).otherwise(None).alias("share"),
        )
    )


def _top(frame: pl.DataFrame) -> pl.Series:
    """Each row's top referrer: `compute`'s top_referrer_1, or worked out the same way if absent."""
    if "top_referrer_1" in frame.columns:
        return frame["top_referrer_1"]
    first = _ranked(frame, _agencies(frame)).filter(pl.col("rank") == 1)
    return frame.with_row_index("_row").join(first, on="_row", how="left").sort("_row")["agency"]


def referral_change(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Per group: the police share now and a year earlier, the change with its 95% interval, and the top referrer then and now.

    `current` and `previous` are `compute(...)` frames for a period and for
    `metrics.periods.year_earlier(period)`, same grouping. Columns: group_code, group_name,
    referrals_police, referrals_total, police_share, referrals_police_previous,
    referrals_total_previous, police_share_previous, police_share_change (now − then, a
    fraction: 0.05 is 5 percentage points), police_share_change_ci95_low/_high (Newcombe's
    hybrid score interval, as for the repeat rate), police_share_change_significant (the
    interval leaves out 0; null where either year has no referrals), top_referrer,
    top_referrer_previous (agency codes). Groups only in `previous` are left out.
    """
    keys = ["group_code", "group_name"]
    now = current.select(*keys, "referrals_police", "referrals_total", "police_share").with_columns(
        _top(current).alias("top_referrer")
    )
    then = previous.select(
        "group_code",
        pl.col("referrals_police").alias("referrals_police_previous"),
        pl.col("referrals_total").alias("referrals_total_previous"),
        pl.col("police_share").alias("police_share_previous"),
    ).with_columns(_top(previous).alias("top_referrer_previous"))
    joined = now.join(then, on="group_code", how="left")
    return joined.with_columns(
        share_change(
            joined,
            "police_share",
            ("referrals_police", "referrals_total"),
            ("referrals_police_previous", "referrals_total_previous"),
        ),
    ).select(
        *keys,
        "referrals_police",
        "referrals_total",
        "police_share",
        "referrals_police_previous",
        "referrals_total_previous",
        "police_share_previous",
        "police_share_change",
        "police_share_change_ci95_low",
        "police_share_change_ci95_high",
        "police_share_change_significant",
        "top_referrer",
        "top_referrer_previous",
    )
