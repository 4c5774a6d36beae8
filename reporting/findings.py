"""The key finding of each chart, in one or two plain sentences.

A chart on a projected screen, or read by a screen reader, needs its message in words: how
many MARACs sit below, within or above the range, who is highest and lowest, where the area
stands. Words follow SafeLives usage ("below/within/above the expected range") and never say
good or bad; figures are printed with enough decimals never to contradict their verdict.
"""

from __future__ import annotations

import polars as pl

from metrics.coverage import INCOMPLETE, REFERRAL_GAP_LIMIT
from metrics.definitions import INDICATORS, Indicator
from metrics.national import AS_PUBLISHED, BASED_COLUMNS
from metrics.ranges import Range
from reporting import coverage_words, numbers
from reporting.coverage_words import Coverage
from reporting.numbers import pair_beside_verdict, percent_beside_verdict
from reporting.verdicts import Verdict, certainty_breakdown, tally
from reporting.verdicts import of_frame as verdicts_of


def _counted(n: int, word: str = "MARAC") -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counted_verdicts(frame: pl.DataFrame, indicator: Indicator) -> tuple[dict[str, int], dict[str, str]]:
    """How many groups have each verdict, and each count's certainty words (" (17 clearly, 3 could be chance)")."""
    judged = tally(verdicts_of(frame, indicator))
    return {v: c["all"] for v, c in judged.items()}, {v: certainty_breakdown(c) for v, c in judged.items()}


def _range_phrase(frame: pl.DataFrame, indicator: Indicator, item: Range) -> str:
    """How many are below, within and above, each count saying how sure its verdicts are: "20 are below (17 clearly,
    3 could be chance), 9 within (3 clearly, 6 could be chance) and 3 above (all could be chance) the expected range
    for repeat rate (28%–40%)"."""
    label = indicator.in_sentence
    n, sure = _counted_verdicts(frame, indicator)
    are = "is" if n["below"] == 1 else "are"
    if item.rule == "local_share":
        return (
            f"{n['below']} {are} below their local population share not White British{sure['below']} "
            f"and {n['within']} at or above it{sure['within']}"
        )
    if item.rule == "floor":
        return (
            f"{n['below']} {are} below the expected {item.describe()} for {label}{sure['below']} "
            f"and {n['within']} at or above it{sure['within']}"
        )
    return (
        f"{n['below']} {are} below{sure['below']}, {n['within']} within{sure['within']} and "
        f"{n['above']} above{sure['above']} the expected range for {label} ({item.describe()})"
    )


def spread(
    frame: pl.DataFrame,
    indicator: Indicator,
    item: Range | None,
    *,
    area: str,
    period: str,
    total: dict[str, object] | None = None,
) -> str:
    """Where an area's MARACs sit on one indicator, e.g. for the ranked chart and the map.

    "12 months to 30 September 2025: of the 32 London MARACs with figures, 20 are below, 9 within and 3
    above the expected range for repeat rate (28%–40%). Highest Westminster 43.4%, lowest Bexley 14.0%;
    London as a whole 25.1%."
    """
    data = frame.filter(pl.col(indicator.value).is_not_null()).sort(indicator.value)
    if data.is_empty():
        return f"{period}: no {area} MARAC has a figure for {indicator.in_sentence}."

    def shown(row: dict[str, object]) -> str:
        local = numbers.local_of(row, indicator)
        verdict = row.get(indicator.verdict) if indicator.verdict else None
        figure = percent_beside_verdict(row[indicator.value], verdict, item, local, least=1)
        covered = Coverage.of(row).short  # a figure from fewer quarters than the period says so beside it
        return f"{figure} ({covered})" if covered else figure

    n = data.height
    sentence = f"{period}: of the {_counted(n, f'{area} MARAC')} with figures, "
    if indicator.verdict and item is not None:
        withheld = data.filter(pl.col(indicator.verdict) == INCOMPLETE).height
        sentence += _range_phrase(data, indicator, item)
        sentence += f"; {withheld} not judged (incomplete)." if withheld else "."
    else:
        sentence = f"{period}: {indicator.in_sentence} across {_counted(n, f'{area} MARAC')} with figures (no SafeLives range)."
    sentence += _short_of_the_period(data)
    if n > 1:
        low, high = data.row(0, named=True), data.row(n - 1, named=True)
        sentence += f" Highest {high['group_name']} {shown(high)}, lowest {low['group_name']} {shown(low)}"
        sentence += f"; {area} as a whole {shown(total)}." if total and total.get(indicator.value) is not None else "."
    return sentence


def _short_of_the_period(data: pl.DataFrame) -> str:
    """ " 2 of them returned fewer than all 4 quarters." when any figure rests on part of the period, else ""."""
    covered = coverage_words.of_frame(data)
    short = sum(1 for c in covered if c.short)
    if not short:
        return ""
    window = covered[0].window
    if short == data.height == 1:
        return f" It returned fewer than all {window} quarters."
    if short == data.height:
        return f" None of them returned all {window} quarters."
    return f" {short} of them returned fewer than all {window} quarters."


def trend(
    series: dict[str, pl.DataFrame],
    indicator: Indicator,
    item: Range | None,
    *,
    last_quarter: object,
    national: pl.DataFrame | None = None,
) -> str:
    """Each series' rolling 12 months now against a year before, e.g. "London: 27.3% in the 12 months to
    September 2025, against 25.9% a year earlier." (at most four series, then the national figure).

    A figure resting on fewer quarters than its 12 months says so beside it: "Hackney: 27.3% in the 12 months to
    September 2025 (2 of 4 quarters returned), against 25.9% a year earlier (3 of 4 quarters returned)"."""
    from metrics.periods import add_quarters, quarter_end
    from reporting import rolling_coverage

    column = f"{indicator.value}_12m"
    before = add_quarters(last_quarter, -4)
    parts = []
    for name, frame in list(series.items())[:4]:
        if column not in frame.columns:
            continue
        values = dict(zip(frame["quarter_start"].to_list(), frame[column].to_list(), strict=True))
        now, then = values.get(last_quarter), values.get(before)
        if now is None:
            parts.append(f"{name}: no 12-month figure to {quarter_end(last_quarter):%B %Y}")
            continue
        now_rests, then_rests = (_rests(rolling_coverage.short(frame, q)) for q in (last_quarter, before))
        text = f"{name}: {now:.1%} in the 12 months to {quarter_end(last_quarter):%B %Y}{now_rests}"
        parts.append(text + (f", against {then:.1%} a year earlier{then_rests}" if then is not None else ""))
    sentence = ". ".join(parts) + "." if parts else "No series chosen."
    if national is not None and not national.is_empty() and indicator.value in national.columns:
        held = national.filter(pl.col("period_end") <= quarter_end(last_quarter)).drop_nulls(indicator.value)
        sentence += _national_phrase(held, indicator.value)
    if item is not None and item.bounds()[0] is not None:
        sentence += f" Expected: {item.describe()}."
    return sentence


def _rests(said: str) -> str:
    """ " (2 of 4 quarters returned)" after a figure, "" when it rests on every quarter."""
    return f" ({said})" if said else ""


def _national_phrase(held: pl.DataFrame, column: str) -> str:
    """The national figure a trend sentence quotes, with its base: for volume, England on the MARACs' own base first
    ("England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures): 104.1% (12 months to March
    2021)") and SafeLives' published figure after it, each named with its base; a share (the repeat rate, the police
    share) is the same on any base and says so. `held` is `metrics.national.national_series` rows to the quarter."""
    if held.is_empty():
        return ""
    held = held.with_columns(
        *(() if "scope" in held.columns else (pl.lit("UK").alias("scope"),)),
        *(() if "same_base" in held.columns else (pl.lit(False).alias("same_base"),)),
    )
    if "comparator" not in held.columns:
        held = held.with_columns(pl.format("{}, {}", pl.col("scope"), pl.lit(AS_PUBLISHED)).alias("comparator"))
    # newest first; at the same end, the same-base row before the published one
    rows = held.sort(["period_end", "same_base"], descending=[True, True]).to_dicts()

    def when(row: dict[str, object]) -> str:
        return f"12 months to {row['period_end']:%B %Y}"

    if column not in BASED_COLUMNS:
        latest = rows[0]
        return (
            f" SafeLives' {latest['scope']} figure: {latest[column]:.1%} ({when(latest)}; a share, the same on any "
            "population base)."
        )
    same = next((r for r in rows if r["same_base"]), None)
    if same is None:
        latest = rows[0]
        return f" {latest['comparator']}: {latest[column]:.1%} ({when(latest)})."
    published = next((r for r in rows if not r["same_base"] and r["scope"] == same["scope"]), None)
    text = f" {same['comparator']}: {same[column]:.1%} ({when(same)})"
    if published is not None:
        text += f"; {published['comparator']}: {published[column]:.1%}" + (
            "" if published["period_end"] == same["period_end"] else f" ({when(published)})"
        )
    return text + "."


#: why a referral verdict is withheld, from the limit that withholds it (metrics.coverage.REFERRAL_GAP_LIMIT)
WITHHELD_FOR_SOURCES = f"no source recorded for more than {REFERRAL_GAP_LIMIT:.0%} of cases"


def referrals(
    frame: pl.DataFrame,
    police: Range,
    labels: dict[str, str],
    *,
    area: str,
    period: str,
    total: dict[str, object] | None = None,
) -> str:
    """The police share against its range and who the top referrer is, e.g. "12 months to 30 September 2025: the police
    made 62.0% of referrals across London. Of 32 MARACs, 18 are below, 12 within and 2 above the expected 60%–75%.
    Top referrer: the police in 23 MARACs, IDVA in 7, MASH in 2."

    The shares are over recorded referrals, so a MARAC whose verdict is withheld for missing sources is counted and
    named as not judged, and the area's own shortfall is said beside its share ("no source recorded for 6 of 40
    cases"): a share over half the cases must not read as one over all of them."""
    data = frame.filter(pl.col("police_share").is_not_null())
    if data.is_empty():
        return f"{period}: no {area} MARAC recorded any referrals."
    sentence = f"{period}: "
    indicator = INDICATORS.by_key("police_share")
    if total and total.get("police_share") is not None:
        shown = numbers.percent_beside_verdict(total["police_share"], total.get("police_verdict"), police, least=1)
        shortfall = Verdict.of(total, indicator).shortfall
        beside = "; ".join(
            w for w in (Coverage.of(total).short, shortfall and f"no source recorded for {shortfall}") if w
        )
        sentence += f"the police made {shown} of referrals across {area}{f' ({beside})' if beside else ''}. "
    n, sure = _counted_verdicts(data, indicator)
    withheld = data.filter(pl.col(indicator.verdict) == INCOMPLETE).height if indicator.verdict in data.columns else 0
    sentence += (
        f"Of {_counted(data.height)}, {n['below']} {'is' if n['below'] == 1 else 'are'} below{sure['below']}, "
        f"{n['within']} within{sure['within']} and {n['above']} above{sure['above']} the expected {police.describe()}"
        + (f"; {withheld} not judged ({WITHHELD_FOR_SOURCES})" if withheld else "")
        + ". "
    )
    tops = data["top_referrer_1"].drop_nulls().value_counts(sort=True).rows()
    named = [
        f"{'the police' if agency == 'police' else labels.get(agency, agency)} in {_counted(n)}" for agency, n in tops
    ]
    return sentence + ("Top referrer: " + ", ".join(named) + "." if named else "")


def parity(frame: pl.DataFrame, item: Range, *, area: str, total: dict[str, object] | None = None) -> str:
    """Racially minoritised victims/survivors against each MARAC's own population, e.g. "21 of 32 London MARACs see
    racially minoritised victims/survivors at or above their local population share; 11 below. London as a whole:
    41.2% against a local share of 53.4%." """
    data = frame.filter(pl.col("racially_minoritised_verdict").is_not_null())
    if data.is_empty():
        return f"No {area} MARAC has both a figure and a local population share to compare."
    n, sure = _counted_verdicts(data, INDICATORS.by_key("racially_minoritised"))
    sentence = (
        f"{n['within']} of {_counted(data.height, f'{area} MARAC')} "
        f"{'sees' if data.height == 1 else 'see'} racially minoritised "
        f"victims/survivors at or above their local population share not White British{sure['within']}; "
        f"{n['below']} below{sure['below']}."
    )
    if (
        total
        and total.get("share_racially_minoritised") is not None
        and total.get("local_share_not_white_british") is not None
    ):
        # printed alike, with enough decimals that 72.0% "below" never sits beside a local share also shown as 72.0%
        share, local = pair_beside_verdict(
            total["share_racially_minoritised"],
            total.get("racially_minoritised_verdict"),
            item,
            total["local_share_not_white_british"],
            least=1,
        )
        sentence += f" {area} as a whole: {share} against a local share of {local}."
    return sentence


def ranges_met(summary: pl.DataFrame, *, area: str) -> str:
    """The review's summary in a sentence, saying how many of those within are clearly so: "Of London's MARACs with
    figures, the expected range is met for volume by 4 of 32 (12%; 1 clearly); repeat rate by 9 of 32 (28%; 3
    clearly); …" """

    def sure(row: dict[str, object]) -> str:
        backed = row.get("within_backed")
        return "" if backed is None or backed == row["within"] else f"; {backed or 'none'} clearly"

    def withheld(row: dict[str, object]) -> str:
        count = row.get("incomplete") or 0
        return f", {count} more not judged" if count else ""

    parts = [
        f"{INDICATORS.by_key(row['indicator']).in_sentence} by {row['within']} of {row['maracs_with_figure']} "
        f"({row['within'] / row['maracs_with_figure']:.0%}{sure(row)}){withheld(row)}"
        for row in summary.iter_rows(named=True)
        if row["maracs_with_figure"]
    ]
    if not parts:
        return f"No {area} MARAC has figures for this period."
    return f"Of {area}'s MARACs with figures, the expected range is met for " + "; ".join(parts) + "."
