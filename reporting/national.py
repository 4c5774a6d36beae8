"""The National picture: SafeLives' published MARAC figures for every police force area, ranked, mapped and by year,
and the words that set a registry's own returns beside them.

These are real, public figures, not the synthetic demo: charts carry SafeLives as their source and no synthetic mark.
Two rules hold everywhere. A `missing` year is never drawn (no bar, no point, no zero): it is a gap, named as such.
A `partial` year (a footnoted undercount, or an apparent partial submission) is drawn apart from the complete years,
hollow or hatched, with its caveat on hover, and is never joined to them by a line, so an undercount cannot read as a
fall. Rates on SafeLives' own base and on the chosen base are drawn side by side, never mixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd
import plotly.graph_objects as go
import polars as pl

from metrics.definitions import INDICATORS
from metrics.published import COMPLETE, MISSING, PARTIAL, SAFELIVES_BASE
from metrics.ranges import VERDICTS, Range, Ranges
from reporting import numbers
from reporting.charts import framed, shade_range
from reporting.maps import NO_DATA_FILL
from reporting.theme import INK, MUTED, SERIES, text_colour
from reporting.verdicts import COMPACT_KEY, VERDICT_STYLE, Verdict, certainty_of

#: said at the top of the page and of every download: these are not the demo's made-up figures
REAL_DATA_NOTE = "SafeLives' published figures: real data, not the synthetic demo"
SOURCE = "Source: SafeLives Marac data, published by police force area"
#: what the National picture's download buttons say: its figures are public already, so nothing is rounded
CHART_HELP = "The chart for a board paper: SafeLives' published figures, as published"
TABLE_HELP = "The table as shown: SafeLives' published figures, as published"
STATUS_WORDS = {COMPLETE: "complete", PARTIAL: "◐ partial", MISSING: "✗ missing"}
NOT_ZERO = "no figures published (missing, not zero)"
NO_BASE = "no population on this base"
RECONCILIATION_NOTE = (
    "The returns held here are the synthetic demo's, made up to show how the dashboard works: this sets made-up "
    "returns beside SafeLives' real published figures, so the differences say nothing about any real MARAC."
)

VOLUME = INDICATORS.by_key("volume")
REPEAT = INDICATORS.by_key("repeat_rate")


@dataclass(frozen=True)
class Measure:
    """What the page can rank and map: cases per 10,000 adult females (judged as volume) or the repeat rate."""

    key: str
    label: str
    short: str
    #: column of the figure on the chosen base, and of the same on SafeLives' own base ('' where it has no base)
    value: str
    own_value: str
    verdict: str
    own_verdict: str
    significance: str
    own_significance: str
    share: bool


MEASURES = {
    "cases_per_10k": Measure(
        "cases_per_10k",
        "Cases a year per 10,000 adult females",
        "Cases per 10,000",
        "cases_per_10k",
        "safelives_cases_per_10k",
        "volume_verdict",
        "safelives_volume_verdict",
        "pct_of_recommended_significance",
        "safelives_pct_of_recommended_significance",
        False,
    ),
    "repeat_rate": Measure(
        "repeat_rate",
        "Repeat rate",
        "Repeat rate",
        "repeat_rate",
        "",
        "repeat_verdict",
        "",
        "repeat_rate_significance",
        "",
        True,
    ),
}


def source_line(base_label: str | None = None) -> str:
    """The charts' source: SafeLives, and the base a recomputed rate uses."""
    base = f"; recomputed rates: {base_label}" if base_label and base_label != "SafeLives' own base" else ""
    return f"{SOURCE} (SafeLives' rates on its own adult female base{base})."


def band(measure: Measure, ranges: Ranges) -> tuple[float, float] | None:
    """The expected range in the measure's own units: 80–100% of 40 per 10,000 is 32–40; 28–40% for repeats."""
    if measure.key == "cases_per_10k":
        volume, per_10k = ranges["volume"], ranges.value("recommended_cases_per_10k")
        return volume.lower * per_10k, volume.upper * per_10k
    low, high = ranges["repeat_rate"].bounds()
    return (low, high) if low is not None and high is not None else None


def shown(value: float | None, measure: Measure, verdict: str | None, ranges: Ranges) -> str:
    """A figure as printed: one decimal per 10,000, or a percent with enough decimals to sit beside its verdict."""
    if value is None:
        return numbers.DASH
    if measure.share:
        return numbers.percent_beside_verdict(value, verdict, ranges["repeat_rate"], least=1)
    return numbers.number(value, 1)


def _judged(row: dict[str, object], measure: Measure, own: bool) -> Verdict:
    verdict = row.get(measure.own_verdict if own and measure.own_verdict else measure.verdict)
    significance = row.get(measure.own_significance if own and measure.own_significance else measure.significance)
    return Verdict(verdict, certainty_of(verdict, significance))  # type: ignore[arg-type]


def _value(row: dict[str, object], measure: Measure, own: bool) -> float | None:
    return row.get(measure.own_value if own and measure.own_value else measure.value)  # type: ignore[return-value]


def _status_line(row: dict[str, object]) -> str:
    if row["status"] == COMPLETE:
        return ""
    return f"<br><i>{STATUS_WORDS[row['status']]}: {escape(str(row['caveat'] or ''))}</i>"


def _two_bases(measure: Measure, base: str) -> bool:
    return bool(measure.own_value) and base != SAFELIVES_BASE


def _reference_band(fig: go.Figure, measure: Measure, ranges: Ranges, *, across: bool) -> str:
    """The expected range shaded (down a ranked chart, or across a trend); returns the words saying so, for the
    subtitle (an annotation there would sit on the legend)."""
    bounds = band(measure, ranges)
    if bounds is None:
        return ""
    # the one helper every chart draws its range with (here a two-sided band, in the measure's own units)
    shade_range(fig, Range(measure.key, "range", bounds[0], bounds[1], "", "", ""), across=not across)
    if measure.key == "cases_per_10k":
        return f"shaded: expected {ranges['volume'].describe()} ({bounds[0]:g}–{bounds[1]:g} per 10,000)"
    return f"shaded: expected {ranges['repeat_rate'].describe()}"


def _subtitle(*parts: str) -> str:
    return "<br>".join(p for p in parts if p)


# ------------------------------------------------------------------------------------------------ ranked


def ranked_forces(
    frame: pl.DataFrame,
    measure: Measure,
    ranges: Ranges,
    *,
    year: str,
    base: str,
    base_label: str,
    subtitle: str = "",
) -> go.Figure:
    """Every force in one financial year, ranked by `measure` on the chosen base, with SafeLives' own base beside it.

    `frame` is `metrics.published.side_by_side` output. A missing force is listed at the foot with no bar; a force
    the chosen base has no population for keeps its SafeLives bar and says so; a partial year's bars are hatched.
    """
    rows = frame.filter(pl.col("financial_year") == year).to_dicts()
    two = _two_bases(measure, base)
    # bottom to top: no figures; SafeLives' figures only (no population on the chosen base), ranked on its base;
    # then every force with a figure on the chosen base, ranked on it, highest at the top
    absent = sorted((r for r in rows if r["status"] == MISSING), key=lambda r: str(r["force"]), reverse=True)
    held = [r for r in rows if r["status"] != MISSING]
    chosen = sorted(
        (r for r in held if _value(r, measure, False) is not None),
        key=lambda r: (_value(r, measure, False), str(r["force"])),
    )
    own_only = sorted(
        (r for r in held if _value(r, measure, False) is None),
        key=lambda r: (_value(r, measure, True) or 0.0, str(r["force"])),
    )
    ranked = absent + own_only + chosen
    names = [str(r["force"]) for r in ranked]
    fig = go.Figure()
    series = [("SafeLives' own base", True, SERIES[6])] if two else []
    series.append((base_label if measure.own_value else "SafeLives' published counts", False, SERIES[0]))
    for label, own, colour in series:
        values = [_value(r, measure, own) for r in ranked]
        judged = [_judged(r, measure, own) for r in ranked]
        text = []
        hover = []
        for r, v, j in zip(ranked, values, judged, strict=True):
            if r["status"] == MISSING:
                text.append("")
                hover.append(f"<b>{escape(str(r['force']))}</b>, {year}: {NOT_ZERO}{_status_line(r)}")
                continue
            if v is None:
                missing = r.get("authorities_missing") or []
                text.append(NO_BASE if not own else "")
                hover.append(
                    f"<b>{escape(str(r['force']))}</b>, {year}: {NO_BASE} "
                    f"({len(missing)} of {r.get('authorities')} local authorities missing)"
                )
                continue
            figure = shown(v, measure, j.verdict, ranges)
            text.append(f"{figure} {j.compact}".strip() + (" ◐" if r["status"] == PARTIAL else ""))
            hover.append(
                f"<b>{escape(str(r['force']))}</b>, {year} ({escape(label)}): {figure}"
                + (f", {j.phrase}" if j.verdict else "")
                + _status_line(r)
            )
        fig.add_trace(
            go.Bar(
                x=values,
                y=names,
                orientation="h",
                name=label,
                text=text,
                textposition="outside",
                cliponaxis=False,
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                marker=dict(
                    color=colour,
                    line=dict(color=INK, width=0.6),
                    pattern=dict(
                        shape=["/" if r["status"] == PARTIAL else "" for r in ranked],
                        fgcolor="#ffffff",
                        size=6,
                        fillmode="overlay",
                    ),
                ),
            )
        )
    missing_names = [str(r["force"]) for r in absent]
    for name in missing_names:
        # named where the bar would be, in words, as a note on the chart rather than a point: nothing is drawn at zero
        fig.add_annotation(
            x=0.005,
            xref="paper",
            y=name,
            yref="y",
            xanchor="left",
            showarrow=False,
            text=f"– {NOT_ZERO}",
            font=dict(color=MUTED, size=12),
        )
    shaded = _reference_band(fig, measure, ranges, across=False)
    highest = max([v for trace in fig.data if isinstance(trace, go.Bar) for v in trace.x if v is not None] or [1.0])
    bounds = band(measure, ranges)
    top = max(highest, bounds[1] if bounds else 0) * 1.3
    fig.update_xaxes(title=measure.label, range=[0, top], tickformat=".0%" if measure.share else ",.0f")
    fig.update_yaxes(categoryorder="array", categoryarray=names, automargin=True)
    fig.update_layout(
        barmode="group",
        bargap=0.2,
        height=max(420, (34 if two else 24) * len(names) + 240),
        margin=dict(l=190, r=40, t=130, b=100),
    )
    title = f"{measure.label}, {year}: every police force area"
    note = f"hatched ◐: partial year (an undercount) · {shaded} · {COMPACT_KEY}"
    return framed(fig, title, _subtitle(subtitle, note), source_line(base_label), synthetic=False)


# ------------------------------------------------------------------------------------------------ tile map

TILE = 0.92


def force_tile_map(
    frame: pl.DataFrame,
    tiles: pl.DataFrame,
    measure: Measure,
    ranges: Ranges,
    *,
    year: str,
    own: bool,
    base_label: str,
    subtitle: str = "",
    height: int = 620,
) -> go.Figure:
    """One square per force (`tiles`: pfa_code, abbreviation, col, row) coloured by the verdict of `measure` in `year`,
    on SafeLives' own base (`own`) or the chosen one. Missing: a pale dotted square saying so; partial: a dashed
    outline and ◐; no population on the chosen base: grey, said."""
    figures = {r["pfa_code"]: r for r in frame.filter(pl.col("financial_year") == year).iter_rows(named=True)}
    groups: dict[str, dict[str, object]] = {}
    labels: list[tuple[float, float, str, str, str]] = []
    for cell in tiles.sort("pfa_code").iter_rows(named=True):
        row = figures.get(cell["pfa_code"])
        x, y = float(cell["col"]), -float(cell["row"])
        if row is None:
            continue
        value = _value(row, measure, own)
        judged = _judged(row, measure, own)
        name = escape(str(row["force"]))
        if row["status"] == MISSING:
            key, fill, order, dash, figure = NOT_ZERO, "#ffffff", 20, "dot", "✗"
        elif value is None:
            key, fill, order, dash, figure = NO_BASE, NO_DATA_FILL, 15, "solid", "–"
        else:
            figure = shown(value, measure, judged.verdict, ranges)
            if judged.verdict:
                key, fill = f"{judged.symbol} {VERDICT_STYLE[judged.verdict]['words']}", judged.colour
                order = VERDICTS.index(judged.verdict)
            else:
                key, fill, order = "no verdict", MUTED, 10
            dash = "dash" if row["status"] == PARTIAL else "solid"
        group = groups.setdefault(key, {"fill": fill, "order": order, "paths": {"solid": [], "dash": [], "dot": []}})
        group["paths"][dash].append((x, y))  # type: ignore[index]
        mark = " ◐" if row["status"] == PARTIAL else ""
        symbol = judged.symbol if value is not None and judged.verdict and row["status"] != MISSING else ""
        text = f"<b>{escape(cell['abbreviation'])}</b><br>{symbol} {figure}{judged.mark if symbol else ''}{mark}"
        lines = [f"<b>{name}</b>, {year}"]
        if row["status"] == MISSING:
            lines.append(NOT_ZERO)
        elif value is None:
            missing = row.get("authorities_missing") or []
            lines.append(f"{NO_BASE}: {len(missing)} of {row.get('authorities')} local authorities have no figure")
        else:
            lines.append(f"{measure.label}: {figure}" + (f", {judged.phrase}" if judged.verdict else ""))
            if row.get("cases") is not None:
                lines.append(f"{row['cases']:,.0f} cases at {row['maracs']:,.0f} MARACs (SafeLives)")
        if row["status"] != COMPLETE:
            lines.append(f"<i>{STATUS_WORDS[row['status']]}: {escape(str(row['caveat'] or ''))}</i>")
        colour = text_colour(fill) if row["status"] != MISSING else MUTED
        labels.append((x, y, text.replace("<br> ", "<br>"), "<br>".join(lines), colour))
    fig = go.Figure()
    half = TILE / 2
    for key, group in sorted(groups.items(), key=lambda kv: kv[1]["order"]):  # type: ignore[index]
        first = True
        for dash, cells in group["paths"].items():  # type: ignore[union-attr]
            if not cells:
                continue
            xs: list[float | None] = []
            ys: list[float | None] = []
            for x, y in cells:
                xs += [x - half, x + half, x + half, x - half, x - half, None]
                ys += [y - half, y - half, y + half, y + half, y - half, None]
            count = sum(len(c) for c in group["paths"].values())  # type: ignore[union-attr]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    fill="toself",
                    fillcolor=group["fill"],
                    line=dict(color=MUTED if dash == "dot" else INK, width=1.5 if dash != "solid" else 1, dash=dash),
                    name=f"{key} ({count})",
                    legendgroup=key,
                    showlegend=first,
                    hoverinfo="skip",
                )
            )
            first = False
    fig.add_trace(
        go.Scatter(
            x=[c[0] for c in labels],
            y=[c[1] for c in labels],
            mode="markers+text",
            text=[c[2] for c in labels],
            textposition="middle center",
            textfont=dict(size=11, color=[c[4] for c in labels]),
            hovertext=[c[3] for c in labels],
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(size=34, color="rgba(0,0,0,0)", symbol="square"),
            showlegend=False,
            name="forces",
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        height=height,
        hovermode="closest",
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="top"),
        margin=dict(l=10, r=10, t=120, b=150),
    )
    # short enough for half a page: the base in the title, what is drawn beneath it
    which = "SafeLives' own base" if own or not measure.own_value else base_label
    title = which if measure.own_value else f"{measure.short}, {year}"
    drawn = f"{measure.short}, {year}" if measure.own_value else ""
    note = "dashed ◐: partial year · dotted ✗: no figures published"
    return framed(fig, title, _subtitle(subtitle, drawn, note, COMPACT_KEY), source_line(base_label), synthetic=False)


# ------------------------------------------------------------------------------------------------ trend


def force_trend(
    frame: pl.DataFrame,
    pfa_code: str,
    measure: Measure,
    ranges: Ranges,
    *,
    base: str,
    base_label: str,
    subtitle: str = "",
) -> go.Figure:
    """One force's figure by financial year, on SafeLives' own base and the chosen one.

    Complete years are joined by a line. A partial year is a hollow marker on its own (its caveat on hover), never
    joined to the line, so an undercount does not read as a fall; a missing year is a gap with "no figures" under
    its label, never a point at zero.
    """
    rows = frame.filter(pl.col("pfa_code") == pfa_code).sort("financial_year").to_dicts()
    years = [str(r["financial_year"]) for r in rows]
    force = str(rows[0]["force"]) if rows else pfa_code
    fig = go.Figure()
    series = [("SafeLives' own base", True, SERIES[6], "dot")] if _two_bases(measure, base) else []
    series.append((base_label if measure.own_value else "SafeLives' published counts", False, SERIES[0], "solid"))
    for label, own, colour, dash in series:
        values = [_value(r, measure, own) for r in rows]
        judged = [_judged(r, measure, own) for r in rows]
        complete = [v if r["status"] == COMPLETE else None for r, v in zip(rows, values, strict=True)]
        hover = [
            f"{escape(force)}, {y} ({escape(label)}): {shown(v, measure, j.verdict, ranges)}"
            + (f", {j.phrase}" if j.verdict and v is not None else "")
            + _status_line(r)
            for y, r, v, j in zip(years, rows, values, judged, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=complete,
                mode="lines+markers",
                name=label,
                connectgaps=False,
                line=dict(color=colour, width=3 if not own else 2, dash=dash),
                marker=dict(size=9, color=colour, symbol="circle"),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        partial = [i for i, r in enumerate(rows) if r["status"] == PARTIAL and values[i] is not None]
        if partial:
            fig.add_trace(
                go.Scatter(
                    x=[years[i] for i in partial],
                    y=[values[i] for i in partial],
                    mode="markers",
                    name=f"{label}: partial year (undercount)",
                    marker=dict(size=12, symbol="circle-open", color=colour, line=dict(width=2.5, color=colour)),
                    hovertext=[hover[i] for i in partial],
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    shaded = _reference_band(fig, measure, ranges, across=True)
    ticks = [f"{y}<br>no figures" if r["status"] == MISSING else y for y, r in zip(years, rows, strict=True)]
    fig.update_xaxes(categoryorder="array", categoryarray=years, tickmode="array", tickvals=years, ticktext=ticks)
    fig.update_yaxes(title=measure.label, rangemode="tozero", tickformat=".0%" if measure.share else ",.0f")
    fig.update_layout(height=480, margin=dict(t=160, b=110))
    note = f"hollow: partial year (an undercount), not joined to the line; a gap: no figures published · {shaded}"
    return framed(
        fig,
        f"{force}: {measure.label.lower() if measure.share else measure.label} by financial year",
        _subtitle(subtitle, note),
        source_line(base_label),
        synthetic=False,
    )


# ------------------------------------------------------------------------------------------------ tables


def national_table(frame: pl.DataFrame, ranges: Ranges, *, base: str, base_label: str) -> pd.DataFrame:
    """Every force and year of a `side_by_side` frame as people read it: figures numeric (percents × 100), verdicts and
    statuses in words, the caveat beside each partial or missing year."""
    two = base != SAFELIVES_BASE
    columns: dict[str, list[object]] = {
        "Force": frame["force"].to_list(),
        "Year": frame["financial_year"].to_list(),
        "Status": [STATUS_WORDS.get(s, s) for s in frame["status"].to_list()],
        "MARACs": frame["maracs"].to_list(),
        "Cases": frame["cases"].to_list(),
        "Repeat cases": frame["repeat_cases"].to_list(),
        "SafeLives rate per 10,000 (its base)": frame["safelives_rate_per_10k"].to_list(),
        "SafeLives % of recommended": [_pct(v) for v in frame["safelives_pct_of_recommended"].to_list()],
    }
    rows = frame.to_dicts()
    if two:
        columns[f"Rate per 10,000 ({base_label})"] = frame["cases_per_10k"].to_list()
        columns[f"% of recommended ({base_label})"] = [_pct(v) for v in frame["pct_of_recommended"].to_list()]
    columns[f"Volume verdict ({base_label if two else 'SafeLives base'})"] = [_volume_label(r) for r in rows]
    columns["Repeat rate %"] = [_pct(v) for v in frame["repeat_rate"].to_list()]
    columns["Repeat verdict"] = [
        Verdict(r["repeat_verdict"], certainty_of(r["repeat_verdict"], r["repeat_rate_significance"])).label
        if r["status"] != MISSING
        else numbers.DASH
        for r in rows
    ]
    columns["Why partial or missing"] = [r["caveat"] or "" for r in rows]
    return pd.DataFrame(columns)


#: the national table a group of columns at a time on a screen (all fourteen do not fit 1280 px); downloads hold all
TABLE_PARTS = {"volume": "Volume", "published": "As SafeLives published", "repeats": "Repeats"}
_ALWAYS = ("Force", "Year", "Status")


def table_part(table: pd.DataFrame, part: str) -> list[str]:
    """The columns a screen shows for `part` (`TABLE_PARTS`): the force, year and status, then that part's: volume on
    the chosen base with its counts (on SafeLives' own base, its published rate), SafeLives' figures as published, or
    repeats. Why a year is partial or missing is said under the table (`caveats_said`): a sentence is no cell."""
    recomputed = any(c.startswith("Rate per 10,000 (") for c in table.columns)

    def wanted(column: str) -> bool:
        if part == "published":
            return column.startswith("SafeLives ")
        if part == "repeats":
            return column in ("Cases", "Repeat cases", "Repeat rate %", "Repeat verdict")
        mine = column.startswith(("Rate per 10,000 (", "% of recommended (")) or (
            not recomputed and column.startswith("SafeLives ")
        )
        return column in ("MARACs", "Cases") or mine or column.startswith("Volume verdict")

    return [*_ALWAYS, *(c for c in table.columns if c not in _ALWAYS and wanted(c))]


def caveats_said(table: pd.DataFrame) -> list[str]:
    """Each reason a year is partial or missing once, after the forces and years it covers: "Dyfed-Powys 2024-25,
    Gwent 2024-25: Not in the transcription of SafeLives' workbooks: …"."""
    by_reason: dict[str, list[str]] = {}
    for force, year, why in zip(table["Force"], table["Year"], table["Why partial or missing"], strict=True):
        if why:
            by_reason.setdefault(why, []).append(f"{force} {year}")
    return [f"{', '.join(where)}: {why}" for why, where in by_reason.items()]


def short_header(column: str) -> str:
    """A national table header short enough for a screen, the base said once in the caption: "Rate per 10,000
    (Census 2021, females aged 16+)" -> "Per 10,000"; "SafeLives rate per 10,000 (its base)" -> "Per 10,000 (its
    base)"."""
    if column.startswith("Rate per 10,000 ("):
        return "Per 10,000"
    if column.startswith("% of recommended ("):
        return "% of recommended"
    if column.startswith("Volume verdict ("):
        return "Volume verdict"
    if column == "SafeLives rate per 10,000 (its base)":
        return "Per 10,000 (its base)"
    return column


def _volume_label(row: dict[str, object]) -> str:
    if row["status"] == MISSING:
        return STATUS_WORDS[MISSING]
    if row["pct_of_recommended"] is None:
        return f"– {NO_BASE}"
    verdict = row["volume_verdict"]
    return Verdict(verdict, certainty_of(verdict, row["pct_of_recommended_significance"])).label  # type: ignore[arg-type]


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def missing_forces(frame: pl.DataFrame, year: str) -> list[str]:
    """The forces with no figures published for `year`, by name."""
    return sorted(frame.filter((pl.col("financial_year") == year) & (pl.col("status") == MISSING))["force"].to_list())


def partial_forces(frame: pl.DataFrame, year: str) -> list[tuple[str, str]]:
    """(force, caveat) for each force whose `year` is partial."""
    part = frame.filter((pl.col("financial_year") == year) & (pl.col("status") == PARTIAL)).sort("force")
    return list(zip(part["force"].to_list(), part["caveat"].fill_null("").to_list(), strict=True))


def no_base_forces(frame: pl.DataFrame, year: str) -> list[str]:
    """Forces with published cases but no population on the chosen base (some of their authorities lack a figure)."""
    rows = frame.filter(
        (pl.col("financial_year") == year) & (pl.col("status") != MISSING) & pl.col("cases_per_10k").is_null()
    )
    return sorted(rows["force"].to_list())


def year_notes(frame: pl.DataFrame, year: str, *, base: str, base_label: str) -> list[str]:
    """What a year's figures leave out, one sentence each: forces with none, partial years with their caveats, and
    forces the chosen base has no population for. Plain words: escape them for Markdown."""
    notes = []
    missing = missing_forces(frame, year)
    if missing:
        notes.append(f"No figures published for {year}: {', '.join(missing)}.")
    notes += [f"{force} {year} is partial: {caveat}." for force, caveat in partial_forces(frame, year)]
    lacking = no_base_forces(frame, year) if base != SAFELIVES_BASE else []
    if lacking:
        notes.append(
            f"No rate on {base_label} for {', '.join(lacking)}: a local authority of theirs has no figure on that "
            "base (a sum over the rest would understate the population)."
        )
    return notes


def headline(frame: pl.DataFrame, year: str, ranges: Ranges, *, base: str, base_label: str) -> str:
    """One sentence on the year: how many forces published, and how many are below, within or above the range on each
    base (SafeLives' own, and the chosen one)."""
    rows = frame.filter((pl.col("financial_year") == year) & (pl.col("status") != MISSING))
    published = rows.height
    total = frame.filter(pl.col("financial_year") == year).height
    # a partial year undercounts its force: it is no finding about volume, so it is left out of the tally and named
    whole = rows.filter(pl.col("status") != PARTIAL)
    partial = rows.height - whole.height

    def tally(column: str) -> str:
        counts = {v: whole.filter(pl.col(column) == v).height for v in ("below", "within", "above")}
        return ", ".join(f"{n} {VERDICT_STYLE[v]['short']}" for v, n in counts.items())

    own = f"on SafeLives' own base {tally('safelives_volume_verdict')}"
    chosen = f"; on {base_label} {tally('volume_verdict')}" if base != SAFELIVES_BASE else ""
    judged = whole.filter(pl.col("volume_verdict").is_not_null()).height if base != SAFELIVES_BASE else whole.height
    unjudged = f" ({whole.height - judged} without a population on {base_label})" if judged < whole.height else ""
    left_out = (
        f" {partial} force{'s' if partial != 1 else ''} published only part of the year and {'are' if partial != 1 else 'is'} "
        "not judged."
        if partial
        else ""
    )
    return (
        f"In {year}, SafeLives published figures for {published} of the {total} police force areas. Against the "
        f"recommended volume ({ranges['volume'].describe()}), {own}{chosen}{unjudged}.{left_out}"
    )


# ------------------------------------------------------------------------------------------------ reconciliation


def registry_sentences(counts: pl.DataFrame) -> list[str]:
    """One sentence per force the registry covers, from `metrics.published.registry_counts`: where SafeLives' count of
    MARACs differs from the registry's, it says so ('SafeLives counts 7 MARACs in Avon and Somerset (2024-25); the
    registry has 6'). Plain words: escape them for Markdown."""
    out = []
    for r in counts.iter_rows(named=True):
        mine = _plural(r["registry_maracs"])
        if r["safelives_maracs"] is None:
            out.append(
                f"SafeLives publishes no complete year for {r['force']}, so its count of MARACs cannot be set beside "
                f"the registry's {mine}."
            )
        elif r["differs"]:
            out.append(
                f"SafeLives counts {_plural(r['safelives_maracs'])} in {r['force']} ({r['safelives_year']}); "
                f"the registry has {r['registry_maracs']:,.0f}."
            )
        else:
            out.append(
                f"SafeLives counts {_plural(r['safelives_maracs'])} in {r['force']} ({r['safelives_year']}), as the "
                "registry does."
            )
    return out


def _plural(count: float) -> str:
    return f"{count:,.0f} MARAC" + ("" if count == 1 else "s")


def coverage_words(row: dict[str, object]) -> str:
    """How much of the force the held returns cover in a year, e.g. 'all 32 MARACs sent all four quarters' or
    '2 of 32 sent returns, 1 all four quarters'."""
    registry, sent, full = row["registry_maracs"], row["maracs_with_returns"], row["maracs_all_quarters"]
    if not sent:
        return "no returns held"
    if full == registry:
        words = f"all {registry} MARACs sent all four quarters" if registry != 1 else "its MARAC sent all four quarters"
    else:
        words = f"{sent} of {registry} MARACs sent returns, {full} all four quarters"
    share = row.get("area_share_covered")
    if share is not None and share < 1:
        words += f"; the registry covers {share:.0%} of the force's local authorities"
    return words


def reconciliation_table(frame: pl.DataFrame) -> pd.DataFrame:
    """`metrics.published.returns_against_published` as a page shows it: the held returns' cases beside SafeLives'
    published cases for each force and year, with how complete the held returns are and SafeLives' own status."""
    rows = frame.to_dicts()
    return pd.DataFrame(
        {
            "Force": [r["force"] for r in rows],
            "Year": [r["financial_year"] for r in rows],
            "Cases in returns held": [r["held_cases"] for r in rows],
            "SafeLives' published cases": [r["safelives_cases"] for r in rows],
            "Difference": [r["difference"] for r in rows],
            "Held as % of published": [_pct(r["held_share"]) for r in rows],
            "Returns held": [
                ("✓ " if r["all_quarters"] else "⚠ ") + coverage_words(r) if r["maracs_with_returns"] else "✗ none"
                for r in rows
            ],
            "SafeLives MARACs": [r["safelives_maracs"] for r in rows],
            "SafeLives status": [
                STATUS_WORDS.get(r["status"], r["status"]) + (f": {r['caveat']}" if r["caveat"] else "") for r in rows
            ],
        }
    )
