"""Numbers as people read them, one formatter for every place: so a figure never seems to contradict its verdict.

A repeat rate of 27.96% rounds to "28%" yet sits below a 28–40% range; shown as "28% ▼ below" it reads as a mistake.
Shares are therefore printed with just enough decimals to put the figure on the same side of the boundary as its
verdict, and an interval with enough to put each end on its true side of every bound. Tables, charts, sentences,
packs and spreadsheets all print through here, so a sentence's interval is the table's.
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.coverage import COMPLETE_ENOUGH
from metrics.definitions import Indicator
from metrics.ranges import Range, Ranges
from reporting.coverage_words import Coverage

DASH = "–"


def percent(value: float | None, decimals: int = 0) -> str:
    """A share as a percent for screen text; a dash where there is nothing to divide by."""
    return "–" if value is None else f"{value:.{decimals}%}"


def number(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"


def count(value: float | None) -> str:
    """A count as a person reads it: whole where it is whole, a half where a shared referral makes one."""
    if value is None:
        return DASH
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def decimals_for(
    value: float | None,
    verdict: str | None,
    item: Range | None,
    local: float | None = None,
    least: int = 0,
    most: int = 3,
) -> int:
    """Fewest decimals (from `least`) at which the rounded percent sits on the verdict's side of the range."""
    lower, upper = item.bounds(local) if item is not None else (None, None)
    if value is None or verdict is None or (lower is None and upper is None):
        return least
    for d in range(least, most + 1):
        shown = round(value * 100, d) / 100
        if item is not None and item.rule == "local_share" and lower is not None:
            lower = round(local * 100, d) / 100  # the local share is printed too: compare the two as printed
        if verdict == "below" and lower is not None and shown >= lower:
            continue
        if verdict == "above" and upper is not None and shown <= upper:
            continue
        if verdict == "within" and ((lower is not None and shown < lower) or (upper is not None and shown > upper)):
            continue
        return d
    return most


def pair_beside_verdict(
    value: float | None, verdict: str | None, item: Range | None, local: float | None, least: int = 0
) -> tuple[str, str]:
    """A share and the local share it is judged against, printed so the verdict between them shows."""
    d = decimals_for(value, verdict, item, local, least)
    return percent(value, d), percent(local, d)


def percent_beside_verdict(
    value: float | None, verdict: str | None, item: Range | None, local: float | None = None, least: int = 0
) -> str:
    return percent(value, decimals_for(value, verdict, item, local, least))


def _years_covered(row: Mapping[str, object]) -> tuple[Coverage, Coverage]:
    """What this year's and the year-earlier figures each rest on (`quarters_with_data`, `*_previous`)."""
    now = Coverage.of(row)
    then = Coverage.of(
        {
            "quarters_with_data": row.get("quarters_with_data_previous"),
            "maracs_in_group": row.get("maracs_in_group"),
            "window": row.get("window"),
            "missing_quarters_method": row.get("missing_quarters_method"),
        }
    )
    return now, then


def _enough(coverage: Coverage, volume_coverage: object) -> bool:
    """Enough of the year for its volume to be judged: the population-time share the volume verdict uses
    (`volume_coverage`), or the MARAC-quarters returned where a row does not carry it."""
    if not coverage.known:
        return True
    if isinstance(volume_coverage, int | float):
        return volume_coverage >= COMPLETE_ENOUGH
    return coverage.enough


def _rests_on(now: Coverage, then: Coverage) -> str:
    """ "this year 1 of 4 quarters returned; a year earlier 3 of 4 quarters returned", "" when both are complete."""
    parts = [f"{year} {c.short}" for year, c in (("this year", now), ("a year earlier", then)) if c.short]
    return "; ".join(parts)


def _too_few(year: str, coverage: Coverage) -> str:
    """Why a year's volume cannot carry a change: "this year 1 of 4 quarters returned (one quarter's rate shown as a
    year's)"; a group says its MARAC-quarters."""
    shown = f" ({coverage.rate_shown})" if coverage.maracs == 1 and coverage.rate_shown else ""
    return f"{year} {coverage.short}{shown}"


def volume_change(row: Mapping[str, object]) -> tuple[str | None, str]:
    """(a delta to show only when the change is beyond chance, the sentence explaining it) for cases per 10,000.

    A rise in volume is not good or bad in itself, so the words say "up"/"down", never better/worse. A year resting
    on fewer quarters than its window says so; below `COMPLETE_ENOUGH` of either year (3 of 4 quarters for one MARAC)
    the change is not judged, as the volume verdict is not: "more than chance" of one quarter's rate shown as a
    year's would be a verdict on a season.
    """
    ratio, low, high = (
        row.get("volume_rate_ratio"),
        row.get("volume_rate_ratio_ci95_low"),
        row.get("volume_rate_ratio_ci95_high"),
    )
    now, then = row.get("cases_per_10k"), row.get("cases_per_10k_previous")
    if ratio is None or low is None or high is None:
        return None, "No figures for the same period a year earlier to compare with."
    rates = f"{then:.1f} → {now:.1f} cases a year per 10,000 adult females"
    covered_now, covered_then = _years_covered(row)
    now_enough = _enough(covered_now, row.get("volume_coverage"))
    then_enough = _enough(covered_then, row.get("volume_coverage_previous"))
    if not (now_enough and then_enough):
        reasons = "; ".join(
            _too_few(year, c)
            for year, c, ok in (("this year", covered_now, now_enough), ("a year earlier", covered_then, then_enough))
            if not ok
        )
        return (
            None,
            f"Change on the same period a year earlier not judged: {reasons}. {rates} (rate ratio {ratio:.2f}).",
        )
    ratio_text = f"rate ratio {ratio:.2f}, 95% interval {low:.2f}–{high:.2f}"
    return _change(
        bool(row.get("volume_change_significant")),
        ratio > 1,
        f"{ratio - 1:+.0%} on a year earlier",
        rates,
        ratio_text,
        _rests_on(covered_now, covered_then),
    )


def repeat_change(row: dict[str, object]) -> tuple[str | None, str]:
    """The same for the repeat rate, as a difference in percentage points."""
    change, low, high = (
        row.get("repeat_rate_change"),
        row.get("repeat_rate_change_ci95_low"),
        row.get("repeat_rate_change_ci95_high"),
    )
    now, then = row.get("repeat_rate"), row.get("repeat_rate_previous")
    if change is None or low is None or high is None:
        return None, "No repeat rate for the same period a year earlier to compare with."
    rates = f"{then:.1%} → {now:.1%}"
    points = f"{change * 100:+.1f} points, 95% interval {low * 100:+.1f} to {high * 100:+.1f}"
    return _change(
        bool(row.get("repeat_rate_change_significant")),
        change > 0,
        f"{change * 100:+.1f} points on a year earlier",
        rates,
        points,
        _rests_on(*_years_covered(row)),
    )


def _change(
    significant: bool, up: bool, delta: str, rates: str, detail: str, rests: str = ""
) -> tuple[str | None, str]:
    """The sentence for a change judged on its interval; `rests` says what each year rests on when not complete."""
    after = f"; {rests}" if rests else ""
    if significant:
        return (
            delta,
            f"{'Up' if up else 'Down'} on the same period a year earlier, by more than chance explains: {rates} "
            f"({detail}{after}).",
        )
    return (
        None,
        f"No clear change on the same period a year earlier: {rates} ({detail}, which includes no change{after}).",
    )


def money(value: float | None, *, pence: bool = False) -> str:
    """Pounds: "£130,512", or "£245.82" with `pence`; a dash for nothing."""
    return DASH if value is None else f"£{value:,.{2 if pence else 0}f}"


def bounds_of(item: Range | None, local: float | None = None) -> list[float]:
    """The bounds a figure is judged against: the range's, or the local share for a local-share rule."""
    if item is None:
        return []
    if item.rule == "local_share":
        return [local] if local is not None else []
    return [b for b in item.bounds() if b is not None]


def interval(low: float | None, high: float | None, bounds: list[float], least: int = 1) -> str:
    """ "0.7%–5.7%", with more decimals where fewer would round an end onto the other side of a range bound."""
    if low is None or high is None:
        return DASH
    for decimals in range(least, least + 4):
        if all(
            (round(end, decimals + 2) - bound) * (end - bound) > 0 or end == bound
            for end in (low, high)
            for bound in bounds
        ):
            break
    return f"{low:.{decimals}%}–{high:.{decimals}%}"


def local_of(row: Mapping[str, object], indicator: Indicator) -> float | None:
    """The local population share a row's figure is judged against (racially minoritised), else None."""
    return row.get("local_share_not_white_british") if indicator.local_share else None  # type: ignore[return-value]


def range_of(indicator: Indicator, ranges: Ranges) -> Range | None:
    return ranges.get(indicator.range_key) if indicator.range_key else None


def figure(row: Mapping[str, object], indicator: Indicator, ranges: Ranges, least: int | None = None) -> str:
    """An indicator's figure from a metrics row, printed beside its verdict without contradicting it."""
    verdict = row.get(indicator.verdict) if indicator.verdict else None
    return percent_beside_verdict(
        row.get(indicator.value),  # type: ignore[arg-type]
        verdict,  # type: ignore[arg-type]
        range_of(indicator, ranges),
        local_of(row, indicator),
        indicator.least_decimals if least is None else least,
    )


def figure_interval(row: Mapping[str, object], indicator: Indicator, ranges: Ranges, confidence: str = "ci95") -> str:
    """The figure's interval (`ci95` or `ci998`) printed with the decimals every table and sentence uses."""
    bounds = bounds_of(range_of(indicator, ranges), local_of(row, indicator))
    return interval(
        row.get(f"{indicator.value}_{confidence}_low"),  # type: ignore[arg-type]
        row.get(f"{indicator.value}_{confidence}_high"),  # type: ignore[arg-type]
        bounds,
    )
