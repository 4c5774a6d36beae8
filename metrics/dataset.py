"""Everything the metrics need, as in-memory frames, built from the database's tables.

MARAC populations are derived here, once: a MARAC's adult female population is the sum,
over the local authorities it covers, of each authority's population times the share the
MARAC covers; its local share not White British is weighted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from metrics.ranges import Ranges

#: population measures a user can choose, with the words shown beside every rate
POPULATION_MEASURES: dict[str, str] = {
    "females_16plus": "females aged 16+",
    "females_18plus": "females aged 18+",
}
#: what a sub-area is called where the registry does not say (the Met says BCU; Lancashire, division)
SUB_AREA_WORD = "sub-area"
BASE_LABELS: dict[str, str] = {"census2021": "Census 2021", "mye2023": "ONS mid-2023 estimates"}
#: the columns of `Dataset.nil_quarters`
NIL_SCHEMA: dict[str, pl.DataType] = {"marac_code": pl.String(), "quarter_start": pl.Date()}


@dataclass(frozen=True)
class Dataset:
    meetings: pl.DataFrame  # current meeting rows (one per meeting)
    maracs: pl.DataFrame  # one row per MARAC with geography and population
    ranges: Ranges
    population_base: str = "census2021"
    population_measure: str = "females_16plus"
    ethnicity_year: int | None = None
    synthetic: bool = False
    agency_labels: dict[str, str] = field(default_factory=dict)
    last_loaded: datetime | None = None  # when the newest return went in (UTC)
    available_bases: tuple[str, ...] = ("census2021",)
    #: estimated cost of the MARAC process per case (GBP) and where that figure comes from
    cost_per_case: float | None = None
    cost_source: str = ""
    #: SafeLives' published national figures (UK, rolling 12 months), for comparison only
    national: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: SafeLives' published figures by police force and year (the safelives_published table), every local authority
    #: with its force and country (the area table) and every authority's population on the chosen base: from these
    #: `metrics.national` recomputes England on the MARACs' own base; empty for a database without the table
    published_forces: pl.DataFrame = field(default_factory=pl.DataFrame)
    areas: pl.DataFrame = field(default_factory=pl.DataFrame)
    lad_population: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: per region and police force area: local authorities in it and how many the registry's MARACs cover
    area_coverage: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: every version of every MARAC-quarter ever loaded (marac_code, quarter_start, load_id, loaded_at,
    #: loaded_by, meetings, cases, current): the submission history
    versions: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: dated events to shade on trend charts (event, label, start, end, source): the 2020-21 lockdowns;
    #: empty for a database written before data/reference/events.csv existed
    events: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: referring agencies grouped into display sectors (agency, sector, sector_order, source);
    #: empty for a database written before data/reference/referral_sectors.csv existed
    sectors: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: the database's secret for disclosure control's rounding (`metrics.disclosure`); never shown or exported;
    #: empty for a database written before secrets existed, which publishes nothing until its next write adds one
    disclosure_key: bytes = field(default=b"", repr=False)
    #: True for the published dataset: every count already rounded (`metrics.disclosure.published`)
    rounded: bool = False
    #: returns held for MARAC codes the registry in use leaves out (marac_code, quarters): kept, never deleted, and
    #: not counted anywhere until a registry holds them again
    unregistered: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: every registry version (version, loaded_at, loaded_by, file_name, maracs, areas, source), newest last; empty
    #: for a database written before registries were loaded
    registry_versions: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: MARACs the chosen population base lacks an authority of (marac_code, marac_name, lad_codes): no rate for them
    population_gaps: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: quarters a MARAC returned as "no meetings this quarter" (marac_code, quarter_start): they count the quarter's
    #: population-time with 0 cases, where a quarter with no return at all counts nothing
    nil_quarters: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=NIL_SCHEMA))
    #: how period figures treat a quarter a MARAC did not return (`metrics.missing_quarters.METHODS`)
    missing_quarters_method: str = "population_time"

    @property
    def held_quarters(self) -> pl.DataFrame:
        """Every MARAC-quarter returned (marac_code, quarter_start), with meetings or as a nil return: what every
        "which quarters are held" question asks, since a nil return is a return."""
        frames = [
            f.select(pl.col("marac_code").cast(pl.String), pl.col("quarter_start").cast(pl.Date))
            for f in (self.meetings, self.nil_quarters)
            if f.height
        ]
        return pl.concat(frames).unique() if frames else pl.DataFrame(schema=NIL_SCHEMA)

    @property
    def population_key(self) -> str:
        """Base and measure in one short string, e.g. 'census2021:females_16plus' (a cache key)."""
        return f"{self.population_base}:{self.population_measure}"

    @property
    def base_label(self) -> str:
        """Which population a rate uses, e.g. 'Census 2021, females aged 16+'."""
        return f"{BASE_LABELS.get(self.population_base, self.population_base)}, {POPULATION_MEASURES[self.population_measure]}"

    @property
    def agencies(self) -> list[str]:
        return [c.removeprefix("referrals_") for c in self.meetings.columns if c.startswith("referrals_")]

    @classmethod
    def from_tables(
        cls,
        tables: dict[str, pl.DataFrame],
        *,
        agency_labels: dict[str, str] | None = None,
        population_base: str | None = None,
        population_measure: str = "females_16plus",
    ) -> Dataset:
        meta = dict(tables["meta"].iter_rows()) if "meta" in tables else {}
        base = population_base or meta.get("population_base", "census2021")
        if population_measure not in POPULATION_MEASURES:
            raise ValueError(
                f"population measure {population_measure!r} is not one of {', '.join(POPULATION_MEASURES)}"
            )
        population = tables["population"].filter(pl.col("base") == base)
        if population.is_empty():
            raise ValueError(f"population base {base!r} is not in the reference data")
        ethnicity = tables["ethnicity"]
        areas = (
            tables["marac_area"]
            .join(tables["area"], on="lad_code", how="left")
            .join(
                population.select("lad_code", pl.col(population_measure).alias("adult_pop")), on="lad_code", how="left"
            )
            .join(ethnicity.select("lad_code", "persons", "persons_white_british"), on="lad_code", how="left")
        )
        gaps = (
            areas.filter(pl.col("adult_pop").is_null())
            .group_by("marac_code")
            .agg(pl.col("lad_code").sort().alias("lad_codes"))
            .join(tables["marac"].select("marac_code", "marac_name"), on="marac_code", how="left")
            .select("marac_code", "marac_name", "lad_codes")
            .sort("marac_name")
        )
        per_marac = areas.group_by("marac_code").agg(
            pl.col("region_name").first().alias("region"),
            pl.col("pfa_name").first().alias("police_force_area_ons"),
            pl.col("pfa_code").first().alias("pfa_code"),
            (pl.col("adult_pop") * pl.col("share")).sum().alias("adult_female_population"),
            pl.col("adult_pop").is_null().any().alias("population_missing"),
            (pl.col("persons") * pl.col("share")).sum().alias("ethnicity_persons"),
            ((pl.col("persons") - pl.col("persons_white_british")) * pl.col("share"))
            .sum()
            .alias("ethnicity_not_white_british"),
            pl.col("persons").is_null().any().alias("ethnicity_missing"),
        )
        maracs = (
            _with_sub_areas(tables["marac"], areas)
            .join(per_marac, on="marac_code", how="left")
            .with_columns(
                pl.when(pl.col("population_missing"))
                .then(None)
                .otherwise(pl.col("adult_female_population"))
                .alias("adult_female_population"),
                pl.when(pl.col("ethnicity_missing"))
                .then(None)
                .otherwise(pl.col("ethnicity_persons"))
                .alias("ethnicity_persons"),
                pl.when(pl.col("ethnicity_missing"))
                .then(None)
                .otherwise(pl.col("ethnicity_not_white_british"))
                .alias("ethnicity_not_white_british"),
            )
            .with_columns(
                (pl.col("ethnicity_not_white_british") / pl.col("ethnicity_persons")).alias(
                    "local_share_not_white_british"
                )
            )
            .drop("population_missing", "ethnicity_missing", "police_force_area_ons")
            .sort("marac_code")
        )
        covered = tables["marac_area"]["lad_code"].unique().implode()
        area_coverage = pl.concat(
            [
                tables["area"]
                .group_by(pl.col(column).alias("name"))
                .agg(
                    pl.len().alias("lads_total"),
                    pl.col("lad_code").is_in(covered).sum().alias("lads_covered"),
                )
                .with_columns(pl.lit(kind).alias("kind"))
                for kind, column in (("region", "region_name"), ("pfa", "pfa_name"))
            ]
        ).select(
            "kind",
            "name",
            "lads_total",
            "lads_covered",
            (pl.col("lads_covered") / pl.col("lads_total")).alias("coverage"),
        )
        log = tables.get("load_log")
        loaded = log.filter(pl.col("outcome") == "loaded")["finished_at"] if log is not None and log.height else None
        years = ethnicity["census_year"].unique().to_list() if "census_year" in ethnicity.columns else []
        meetings = tables["meeting"]
        registered = meetings["marac_code"].is_in(tables["marac"]["marac_code"].implode())
        unregistered = (
            meetings.filter(~registered)
            .group_by("marac_code")
            .agg(pl.col("quarter_start").n_unique().alias("quarters"))
            .sort("marac_code")
        )
        # a database written before nil returns existed holds none (`loaders.store.read_tables` gives an empty frame)
        nil = tables.get("nil_quarter")
        nil_quarters = (
            nil.select(pl.col("marac_code").cast(pl.String), pl.col("quarter_start").cast(pl.Date))
            .filter(pl.col("marac_code").is_in(tables["marac"]["marac_code"].implode()))
            .unique()
            .sort("marac_code", "quarter_start")
            if nil is not None and nil.height
            else pl.DataFrame(schema=NIL_SCHEMA)
        )
        return cls(
            meetings=meetings.filter(registered),
            nil_quarters=nil_quarters,
            unregistered=unregistered,
            registry_versions=tables.get("registry_version", pl.DataFrame()),
            population_gaps=gaps,
            maracs=maracs,
            ranges=Ranges.from_frame(tables["safelives_range"]),
            population_base=base,
            population_measure=population_measure,
            ethnicity_year=int(years[0]) if len(years) == 1 else None,
            synthetic=meta.get("synthetic", "false") == "true",
            agency_labels=agency_labels or (dict(tables["agency"].iter_rows()) if "agency" in tables else {}),
            last_loaded=loaded.max() if loaded is not None and loaded.len() else None,
            available_bases=tuple(sorted(tables["population"]["base"].unique().to_list())),
            area_coverage=area_coverage,
            **_cost(tables.get("cost")),
            national=tables.get("national", pl.DataFrame()),
            published_forces=tables.get("safelives_published", pl.DataFrame()),
            areas=tables["area"],
            lad_population=population,
            versions=tables.get("quarter_version", pl.DataFrame()),
            events=tables.get("event", pl.DataFrame()),
            sectors=tables.get("referral_sector", pl.DataFrame()),
            disclosure_key=bytes.fromhex(meta.get("disclosure_key", "")),
        )


def _with_sub_areas(marac: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """The registry's sub-area of each MARAC and the word its partnership uses for one (BCU for the Met).

    A database written before registries were loaded kept its BCUs in the area table; they read the same way.
    """
    if "sub_area" not in marac.columns:
        sub = (
            areas.group_by("marac_code").agg(pl.col("bcu").drop_nulls().first().alias("sub_area"))
            if "bcu" in areas.columns
            else marac.select("marac_code", pl.lit(None, pl.String).alias("sub_area"))
        )
        marac = marac.join(sub, on="marac_code", how="left").with_columns(
            pl.when(pl.col("sub_area").is_not_null()).then(pl.lit("BCU")).alias("sub_area_word")
        )
    return marac.with_columns(
        pl.col("sub_area").cast(pl.String),
        pl.when(pl.col("sub_area").is_not_null())
        .then(pl.col("sub_area_word").cast(pl.String).fill_null(SUB_AREA_WORD))
        .alias("sub_area_word"),
    )


def _cost(frame: pl.DataFrame | None) -> dict[str, object]:
    """The per-case cost row of costs.csv, if the database holds one (older databases do not)."""
    if frame is None or frame.is_empty():
        return {}
    row = frame.filter(pl.col("item") == "marac_cost_per_case")
    if row.is_empty():
        return {}
    return {"cost_per_case": float(row["value"][0]), "cost_source": str(row["source"][0])}
