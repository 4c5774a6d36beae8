"""What goes in a board pack, worked out once and drawn twice (PDF and PowerPoint).

A pack covers one scope (a MARAC, a sub-area such as a Met BCU, a region or a police force area) for one period:
a title page, a summary of every indicator, a one-page matrix of its MARACs by indicator, a page of what changed
since last quarter (the dashboard's What changed view on one page), a page per indicator with its chart and a
generated sentence, a data-quality page and a method note. A sub-area or region pack has its
own summary first, then a section for each MARAC. Any of these but the title page may be left out
(`reporting.packs.sections`), and the parts left out are not worked out at all. Every figure in it is worked out
from the rounded counts (`metrics.disclosure`), as every other export is, so no small count leaves in a pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import plotly.graph_objects as go
import polars as pl

from metrics.dataset import SUB_AREA_WORD, Dataset
from metrics.definitions import INDICATORS, Indicator
from metrics.disclosure import published as rounded
from metrics.indicators import COMPLETE_AREA, scoped
from metrics.intervals import EXACT_BELOW
from metrics.missing_quarters import compute, quarterly  # figures under the chosen missing-quarters method
from metrics.national import national_comparator, national_series
from metrics.periods import Period, PeriodError, add_quarters, period, quarter_label
from metrics.quality import quality
from metrics.quarter_change import (
    PREVIOUS_QUARTER,
    YEAR_EARLIER,
    comparison_periods,
    quarter_changes,
    returns_round,
    returns_since,
)
from metrics.shown import AreaSeries
from reporting import change_tables, change_words, charts, coverage_words, numbers, registry_words, sub_areas, tables
from reporting.captions import caption, period_phrase
from reporting.coverage_words import Coverage
from reporting.missing_quarters_words import left_out, method_line
from reporting.packs import layout
from reporting.packs import sections as pack_sections
from reporting.packs.model import (
    ChangesPage,
    IndicatorPage,
    Matrix,
    MatrixCell,
    Pack,
    PackError,
    QualityRow,
    Section,
    SummaryRow,
)
from reporting.spreadsheet import DISCLOSURE_NOTE
from reporting.theme import SYNTHETIC_NOTE
from reporting.verdicts import CERTAINTY_EXPLAINED, INCOMPLETE_EXPLAINED, NO_RANGE, Verdict

SCOPE_KINDS = {"marac": "marac_code", "sub_area": "sub_area", "region": "region", "pfa": "police_force_area"}
#: older names for a scope kind, still understood (the Met's BCUs were the only sub-areas once)
SCOPE_ALIASES = {"bcu": "sub_area", "subarea": "sub_area", "sub-area": "sub_area"}
#: quarters of history drawn on a MARAC's trend pages
TREND_QUARTERS = 12


def resolve_scope(dataset: Dataset, scope: str) -> tuple[str, str, str]:
    """('marac'|'sub_area'|'region'|'pfa', the registry value, a display name); a MARAC may be named by code or name,
    a sub-area as `sub_area:NAME` or `bcu:NAME`."""
    kind, _, name = scope.partition(":")
    kind = SCOPE_ALIASES.get(kind.lower(), kind.lower())
    if kind not in SCOPE_KINDS or not name:
        raise PackError(f'scope "{scope}" is not one of marac:CODE, sub_area:NAME, region:NAME or pfa:NAME')
    maracs = dataset.maracs
    if kind == "marac":
        match = maracs.filter(
            (pl.col("marac_code") == name) | (pl.col("marac_name").str.to_lowercase() == name.lower())
        )
        if not match.height:
            raise PackError(
                f'no MARAC "{name}" in the registry (give its code, e.g. E09000012, or its name, e.g. Hackney)'
            )
        return kind, match["marac_code"][0], match["marac_name"][0]
    column = SCOPE_KINDS[kind]
    known = sorted(maracs[column].drop_nulls().unique().to_list())
    found = next((k for k in known if k.lower() == name.lower()), None)
    if found is None:
        what = sub_areas.word(maracs) if kind == "sub_area" else {"region": "region", "pfa": "police force area"}[kind]
        raise PackError(f'no {what} "{name}" in the registry; known: {", ".join(known)}')
    display = (
        sub_areas.named(found, sub_areas.word(maracs.filter(pl.col(column) == found))) if kind == "sub_area" else found
    )
    return kind, found, display


def build_pack(
    dataset: Dataset,
    scope: str,
    period_end: date,
    window: str = "12m",
    *,
    shown: Dataset | None = None,
    made: datetime | None = None,
    sections: Iterable[str] | None = None,
) -> Pack:
    """Everything a pack says, every figure from `shown` (the rounded counts `metrics.disclosure.published` makes
    of `dataset`; worked out here when not given), data quality included. `dataset` itself gives only the status
    lines (the newest quarter held, when data last went in). `sections` names the parts it holds
    (`reporting.packs.sections`; all that can be made when not given); charts are made only for the parts that show
    them."""
    parts = pack_sections.chosen(sections)
    kind, value, display = resolve_scope(dataset, scope)
    if kind == "marac" and set(parts) <= {"maracs"}:  # a MARAC's own pack is its summary and pages: say so, not blank
        raise PackError(
            f"{display} is one MARAC, so its pack has no section per MARAC: choose summary or indicators for its "
            "figures"
        )
    try:
        chosen = period(period_end, window)
    except PeriodError as exc:
        raise PackError(str(exc)) from exc
    home_kind, home = _home_area(dataset, kind, value)
    published = shown or rounded(dataset)
    area_data = scoped(published, **{SCOPE_KINDS[home_kind]: home})
    maracs, groups, total = (compute(area_data, chosen, g) for g in ("marac", "sub_area", home_kind))
    source = charts.source_line(dataset.ranges.edition, dataset.base_label, dataset.missing_quarters_method)
    national = national_comparator(dataset, chosen.end)

    members = (
        maracs.filter(pl.col("group_code" if kind == "marac" else SCOPE_KINDS[kind]) == value)
        if kind != home_kind
        else maracs
    )
    member_codes = [c for c, cases in zip(members["group_code"], members["cases"], strict=True) if cases is not None]
    if not member_codes:
        if kind == "marac" and members.height and (members["maracs_left_out"].fill_null(0) > 0).any():
            raise PackError(left_out(display, chosen.label))
        raise PackError(f"no returns are held for {display} in {chosen.label}")
    summary, pages = "summary" in parts, "indicators" in parts
    built: list[Section] = []
    # a group's own figures (one row) and the MARACs it holds; a MARAC's pack has none
    own, in_group = (
        (total, maracs)
        if kind in ("region", "pfa")
        else (groups.filter(pl.col("group_code") == value), maracs.filter(pl.col("sub_area") == value))
        if kind == "sub_area"
        else (None, None)
    )
    own_row = own.row(0, named=True) if own is not None else None
    if own_row is not None and (summary or pages):
        built.append(
            _group_section(display, own_row, in_group, dataset, chosen, source, national, summary=summary, pages=pages)
        )
    marac_parts = (summary, pages) if kind == "marac" else ("maracs" in parts,) * 2
    if any(marac_parts):
        trends = _trends(area_data, home_kind, chosen) if marac_parts[1] else None
        for code in member_codes:
            row = maracs.row(maracs["group_code"].to_list().index(code), named=True)
            built.append(
                _marac_section(
                    row,
                    trends,
                    home,
                    dataset,
                    chosen,
                    source,
                    national,
                    summary=marac_parts[0],
                    pages=marac_parts[1],
                    own=kind == "marac",
                )
            )
    matrix = _matrix(display, members, own, in_group, dataset, chosen) if "matrix" in parts else None
    changes = _changes(display, members, area_data, published, chosen) if "changes" in parts else None

    # MARACs that sent nothing belong here most of all; the fields at 0 come from the rounded counts, as a list of
    # truly empty fields would tell a true 0 from a 1-4 published as 0
    checks = quality(published, chosen, members["group_code"].to_list()) if "quality" in parts else None
    rows = (
        [
            QualityRow(
                r["marac_name"],
                f"{r['quarters_returned']} of {r['quarters_in_period']}" + _nil_words(r["nil_quarters"]),
                "all" if not r["quarters_returned"] else ", ".join(r["missing_quarters"]) or "none",
                ", ".join(r["fields_all_zero"]) or "none",
            )
            for r in checks.iter_rows(named=True)
        ]
        if checks is not None
        else []
    )
    title = f"MARAC performance: {display}"
    return Pack(
        coverage=_coverage_lines(display, kind, members, chosen),
        title=title,
        scope=scope_words(kind, display),
        period_label=chosen.label,
        made=made or datetime.now().replace(microsecond=0),
        status=_status(dataset, chosen, members),
        synthetic=dataset.synthetic,
        sections=built,
        quality=rows,
        # what "1 of 4 quarters returned" means, beside the rest
        method=[*_method(dataset), coverage_words.NOTE] if "method" in parts else [],
        source=source,
        notes=[DISCLOSURE_NOTE],
        parts=parts,
        matrix=matrix,
        changes=changes,
    )


#: a scope kind in words, after the scope's name on a title page ("Hackney (MARAC)"); a sub-area's name carries its
#: own word ("Central East BCU")
KIND_WORDS = {"marac": "MARAC", "region": "region", "pfa": "police force area"}


def scope_words(kind: str, display: str) -> str:
    """What a pack covers, by name: "Hackney (MARAC)", "London (region)", "Central East BCU"."""
    return f"{display} ({KIND_WORDS[kind]})" if kind in KIND_WORDS else display


def _matrix(
    display: str,
    members: pl.DataFrame,
    own: pl.DataFrame | None,
    in_group: pl.DataFrame | None,
    dataset: Dataset,
    chosen: Period,
) -> Matrix:
    """The dashboard's matrix (`reporting.tables.matrix`) of the pack's MARACs that sent returns, by name, and in a
    group's pack the group's own row last: a MARAC column, then one column per indicator in the catalogue's order."""
    sent = members.filter(pl.col("cases").is_not_null())
    frame = sent.drop("sub_area", strict=False)
    if own is not None and in_group is not None:
        total = coverage_words.all_complete(own, in_group).drop("sub_area", strict=False)
        frame = pl.concat([frame, total], how="diagonal_relaxed")
    grid = tables.matrix(frame, dataset.ranges)
    header = ["MARAC", *(ind.header for ind in INDICATORS)]
    printed = tables.printed_matrix(grid[header])
    rows = [
        [
            MatrixCell(str(printed.iat[r, c]), getattr(grid[column].iat[r], "fill", "") or "#ffffff")
            for c, column in enumerate(header)
        ]
        for r in range(len(grid))
    ]
    notes = [tables.MATRIX_HELP]
    silent = members.height - sent.height
    if silent:
        notes.append(f"{silent} of the {members.height} MARACs sent no returns for {chosen.label} and are not shown.")
    return Matrix(
        f"{display}: every indicator, MARAC by MARAC · {period_phrase(chosen)}", header, rows, notes, own is not None
    )


#: the what-changed page's title, as the dashboard's page is titled
CHANGES_TITLE = "What changed since last quarter"
RETURNS_TITLE = "Returns new, late or replaced since last quarter"
#: the fewest returns rows the what-changed page keeps room for when there are more
RETURNS_LEAST = 3


def _changes(
    display: str, members: pl.DataFrame, area_data: Dataset, published: Dataset, chosen: Period
) -> ChangesPage:
    """The dashboard's What changed view for the pack's MARACs on one page, from the rounded counts: the sentence,
    the changes (beyond chance first, `metrics.quarter_change.ranked`) and the returns in the period's round, each
    table cut to the rows the page holds at 8 pt (`layout.CHANGES_ROOM`), with a note of how many are left out."""
    periods = comparison_periods(chosen)
    codes = members["group_code"].to_list()
    mine = pl.col("group_code").is_in(codes)
    # the pack's own figures for the chosen period, and the same MARACs' for each comparison, within the same area
    previous, before = (compute(area_data, periods[c], "marac").filter(mine) for c in (PREVIOUS_QUARTER, YEAR_EARLIER))
    frame = quarter_changes(members, previous, before)
    compared = frame.filter(pl.col("change").is_not_null())
    beyond = int(compared["beyond_chance"].fill_null(False).sum())
    table = change_tables.change_frame(frame)  # the periods line names each comparison's period
    returns = returns_since(published.versions, chosen, codes)
    names = dict(published.maracs.select("marac_code", "marac_name").iter_rows())
    listed = change_tables.returns_frame(returns, names)
    held = returns_round(chosen)
    sentence = change_words.changes_sentence(frame, display)
    returns_said = change_words.returns_sentence(returns)
    returns_notes = [
        change_words.RETURNS_EXPLAINED.format(
            since=held.since.strftime("%d %b %Y"), until=held.until.strftime("%d %b %Y")
        )
        + " "
        + change_words.NOT_HELD
    ]
    # the room the words take, with the longest notes of rows left out; the tables' rows share what is left
    words = [
        (sentence, "sentence"),
        (change_words.periods_line(periods), "small"),
        (change_words.TABLE_NOTE, "small"),
        (_rows_left_out(len(table), len(table), beyond), "small"),
        (RETURNS_TITLE, "h2"),
        (returns_said, "body"),
        (returns_notes[0], "small"),
    ]
    if len(listed):
        words.append((_returns_left_out(len(listed), len(listed)), "small"))
    heading = f"{CHANGES_TITLE}: {display}, {chosen.label}"
    used = sum(layout.text_height(text, kind) for text, kind in words) + 4 * layout.CHANGES_SPACE
    used += layout.text_height(heading, "h1") - layout.CHANGES_TEXT["h1"][1]  # a heading longer than a line
    headers = 1 + (1 if len(listed) else 0)
    rows = int((layout.CHANGES_ROOM - used) // layout.CHANGES_ROW) - headers
    returns_kept = min(len(listed), max(RETURNS_LEAST, rows // 3))
    changes_kept = max(0, min(len(table), rows - returns_kept))
    notes = [change_words.TABLE_NOTE]
    if changes_kept < len(table):
        kept_beyond = min(beyond, changes_kept)
        notes.append(_rows_left_out(len(table) - changes_kept, len(table), beyond - kept_beyond))
    if returns_kept < len(listed):
        returns_notes.append(_returns_left_out(len(listed) - returns_kept, len(listed)))
    return ChangesPage(
        heading=heading,
        sentence=sentence,
        periods=change_words.periods_line(periods),
        header=list(table.columns),
        rows=[[str(cell) for cell in row] for row in table.head(changes_kept).itertuples(index=False)],
        notes=notes,
        returns_heading=RETURNS_TITLE,
        returns_sentence=returns_said,
        returns_header=list(listed.columns),
        returns_rows=[[str(cell) for cell in row] for row in listed.head(returns_kept).itertuples(index=False)],
        returns_notes=returns_notes,
    )


def _rows_left_out(left: int, total: int, beyond: int) -> str:
    """How many changes the page leaves out and which: the rows after those it keeps, in the table's order."""
    which = (
        f"the {beyond} least clear beyond chance and every change chance could explain"
        if beyond
        else "the moves chance could explain most easily, and any not judged"
    )
    return (
        f"{left} of the {total} changes {'is' if left == 1 else 'are'} left out to keep this to one page ({which}); "
        "the dashboard's "
        f"{CHANGES_TITLE} page lists them all."
    )


def _returns_left_out(left: int, total: int) -> str:
    return (
        f"{left} of the {total} MARAC-quarters are left out to keep this to one page; the dashboard's "
        f"{CHANGES_TITLE} page lists them all."
    )


def _nil_words(quarters: list[str]) -> str:
    """ " (1 nil return: 2020-21 Q4)" after the quarters returned: a nil return ("no meetings this quarter") counts as
    returned, so the data-quality page says which returned quarters had no meetings rather than hide them in the count.
    """
    if not quarters:
        return ""
    return f" ({len(quarters)} nil return{'' if len(quarters) == 1 else 's'}: {', '.join(quarters)})"


def _members_coverage(members: pl.DataFrame, chosen: Period) -> Coverage:
    """The pack's MARACs together: how many sent every quarter, how many MARAC-quarters came in."""
    rows = members.to_dicts()
    if len(rows) == 1:
        return Coverage.of(rows[0], window=len(chosen.quarters))
    total = {
        "quarters_with_data": sum(int(r["quarters_with_data"] or 0) for r in rows),
        "maracs_in_group": len(rows),
        "quarters_filled": sum(int(r.get("quarters_filled") or 0) for r in rows),
        "maracs_left_out": sum(int(r.get("maracs_left_out") or 0) for r in rows),
        "missing_quarters_method": rows[0].get("missing_quarters_method") if rows else None,
    }
    return Coverage.of(total, window=len(chosen.quarters), members=members)


def _coverage_lines(display: str, kind: str, members: pl.DataFrame, chosen: Period) -> list[str]:
    """The title page's coverage: the pack's own ("Camden: 1 of 4 quarters returned: ..."), then, in a group's pack,
    each MARAC that sent some but not all of the period's quarters (those that sent none are in the count)."""
    window = len(chosen.quarters)
    lines = [f"{display}: {_members_coverage(members, chosen).status}"]
    if kind != "marac":
        short = [
            f"{r['group_name']} {Coverage.of(r, window=window).short}"
            for r in members.iter_rows(named=True)
            if r["quarters_with_data"] and Coverage.of(r, window=window).short
        ]
        if short:
            lines.append("Short of the full period: " + "; ".join(short) + ".")
    return lines


def _home_area(dataset: Dataset, kind: str, value: str) -> tuple[str, str]:
    """The region (or, for a force-area pack, the force area) a pack's figures are worked out within and compared with."""
    if kind in ("region", "pfa"):
        return kind, value
    row = dataset.maracs.filter(pl.col(SCOPE_KINDS[kind]) == value).row(0, named=True)
    coverage = dataset.area_coverage
    covered = (
        coverage.filter((pl.col("kind") == "region") & (pl.col("name") == row["region"]))["coverage"]
        if coverage.height
        else None
    )
    # a region the registry only partly covers (the North West, by Lancashire alone) would misname the comparison
    if covered is not None and covered.len() and covered[0] < COMPLETE_AREA and row["police_force_area"]:
        return "pfa", row["police_force_area"]
    return "region", row["region"]


def _summary(row: dict[str, object], dataset: Dataset, coverage: Coverage | None = None) -> list[SummaryRow]:
    """Every indicator's row of a pack's summary table, printed as the screen's tables print it; the volume figure
    with its coverage beside it ("103.0% (1 of 4 quarters returned)")."""
    out = []
    ranges = dataset.ranges
    covered = coverage.short if coverage is not None else ""
    for ind in INDICATORS:
        item = numbers.range_of(ind, ranges)
        judged = Verdict.of(row, ind)
        value = numbers.figure(row, ind, ranges, least=1)
        if ind.key == "volume" and covered and value != numbers.DASH:
            value = f"{value} ({covered})"
        out.append(
            SummaryRow(
                ind.label,
                value,
                numbers.figure_interval(row, ind, ranges),
                _expected(ind, item, row),
                judged.label,
                judged.fill,
            )
        )
    return out


def _expected(ind: Indicator, item, row: dict[str, object]) -> str:
    if item is None or item.rule == "none":
        return NO_RANGE["short"]
    local = numbers.local_of(row, ind)
    if local is not None:
        verdict = row.get(ind.verdict) if ind.verdict else None
        _, local_shown = numbers.pair_beside_verdict(row.get(ind.value), verdict, item, local, least=1)
        return f"at least {local_shown} (local share)"
    return item.describe()


def _national_value(national: pl.DataFrame, ind: Indicator) -> float | None:
    """The first comparator holding the indicator (same-base England first, then as published: England, the UK)."""
    if national.is_empty() or ind.value not in national.columns:
        return None
    held = national[ind.value].drop_nulls()
    return held[0] if held.len() else None


def _group_section(
    name: str,
    row: dict[str, object],
    members: pl.DataFrame,
    dataset: Dataset,
    chosen: Period,
    source: str,
    national: pl.DataFrame,
    *,
    summary: bool = True,
    pages: bool = True,
) -> Section:
    """A sub-area's or area's own summary (`row`), then a ranked chart of its MARACs (`members`) per indicator."""
    drawn = []
    for ind in INDICATORS if pages else ():
        subtitle = f"MARACs in {name}, {chosen.label}: {measure(ind)}."
        figure = charts.ranked_bars(
            members,
            ind,
            dataset.ranges[ind.range_key],
            subtitle=subtitle,
            source=source,
            height=_ranked_height(members, ind),
        )
        figure.update_yaxes(dtick=1)  # every MARAC named, however many (Plotly skips some when rows are close)
        text = caption(
            name,
            row,
            ind,
            dataset.ranges,
            chosen,
            national=_national_value(national, ind),
        )
        drawn.append(IndicatorPage(f"{name}: {ind.label}", for_page(figure, source), text, subtitle, source))
    coverage = Coverage.of(row, window=len(chosen.quarters), members=members)
    return Section(
        name,
        _heading(f"{name}: {period_phrase(chosen)}", coverage),
        _summary(row, dataset, coverage) if summary else [],
        drawn,
        own=True,
    )


def measure(ind: Indicator) -> str:
    """What a chart of `ind` plots, for its subtitle: "repeat cases as a share of cases discussed"; volume, the one
    rate, "cases discussed as a yearly rate, as a share of the recommended cases"."""
    shared = f"as a share of {ind.denominator_words or ind.denominator}"
    if ind.key == "volume":
        return f"{ind.numerator_words or ind.numerator} as a yearly rate, {shared}"
    return f"{ind.numerator_words or ind.numerator} {shared}"


def _ranked_height(members: pl.DataFrame, ind: Indicator) -> int:
    """A ranked chart's height in pixels: a row a MARAC, no taller than a pack page holds (`layout`)."""
    bars = members[ind.value].drop_nulls().len() if ind.value in members.columns else members.height
    return min(layout.CHART_MAX_HEIGHT_PX, max(260, 22 * bars + 100))


def for_page(figure: go.Figure, source: str) -> go.Figure:
    """A chart as a pack page shows it: without its own title, source line and synthetic stamp, which the page prints
    once as text (a stamp and title on the chart as well made two of each on every page), with the room they took
    given back to the plot and its smallest text `layout.SMALLEST_FONT_PX`, legible once placed across the page."""
    figure.update_layout(title=None, font_size=layout.SMALLEST_FONT_PX)
    legend = figure.layout.showlegend is not False and sum(t.showlegend is not False for t in figure.data) > 1
    kept = []
    for note in figure.layout.annotations:
        if note.text in (source, SYNTHETIC_NOTE.upper()):
            continue
        if legend and note.xref == "paper" and note.x == 1 and note.y == 1 and note.yanchor == "bottom":
            note.yshift = 20  # the range's key, in a row of its own above the legend's
        kept.append(note)
    figure.layout.annotations = kept
    rotated = figure.layout.xaxis.tickangle not in (None, 0)
    figure.update_layout(margin=dict(t=60 if legend else 35, b=75 if rotated else 55))
    return figure


def _heading(heading: str, coverage: Coverage) -> str:
    """A section's heading with what its figures rest on, when short of the full period."""
    return f"{heading} · {coverage.short}" if coverage.short else heading


def _trends(area_data: Dataset, home_kind: str, chosen: Period) -> AreaSeries:
    """Quarterly series for the trend charts (from the same rounded counts as the pack's period figures)."""
    quarters = _last_quarters(chosen)
    marac_q = quarterly(area_data, "marac", quarters[0], chosen.end)
    area_q = quarterly(area_data, home_kind, quarters[0], chosen.end)
    return AreaSeries(marac_q, area_q)


def _last_quarters(chosen: Period) -> list[date]:
    last = chosen.quarters[-1]
    return [add_quarters(last, -i) for i in range(TREND_QUARTERS - 1, -1, -1)]


def _marac_section(
    row: dict[str, object],
    trends: AreaSeries | None,
    home: str,
    dataset: Dataset,
    chosen: Period,
    source: str,
    national: pl.DataFrame,
    *,
    summary: bool = True,
    pages: bool = True,
    own: bool = False,
) -> Section:
    name, code = row["group_name"], row["group_code"]
    drawn = []
    if pages and trends is not None:
        marac_q = trends.maracs
        own_q = marac_q.filter(pl.col("group_code") == code) if marac_q.height else marac_q
        series = {name: own_q, home: trends.area}
        national_all = national_series(dataset)
        for ind in INDICATORS:
            subtitle = f"Quarter by quarter against {home}: {measure(ind)}. Shaded: {chosen.label}."
            figure = charts.trend_chart(
                series,
                ind,
                dataset.ranges[ind.range_key],
                title=f"{name}: {ind.label}",
                subtitle=subtitle,
                source=source,
                period=chosen.quarters,
                local_share=row.get("local_share_not_white_british"),
                national=national_all,
            )
            text = caption(
                name,
                row,
                ind,
                dataset.ranges,
                chosen,
                national=_national_value(national, ind),
            )
            drawn.append(IndicatorPage(f"{name}: {ind.label}", for_page(figure, source), text, subtitle, source))
    coverage = Coverage.of(row, window=len(chosen.quarters))
    return Section(
        name,
        _heading(f"{name} ({_where(row, home)}): {period_phrase(chosen)}", coverage),
        _summary(row, dataset, coverage) if summary else [],
        drawn,
        own=own,
    )


def _where(row: dict[str, object], home: str) -> str:
    """'Central East BCU, London', 'London', and 'authorities assumed' for a MARAC whose grouping the registry
    only assumes (one MARAC per authority, or a grouping no source publishes)."""
    parts = (
        [sub_areas.named(str(row["sub_area"]), str(row.get("sub_area_word") or SUB_AREA_WORD))]
        if row.get("sub_area")
        else []
    )
    parts.append(home)
    if row.get("grouping_status") == "assumed":
        parts.append("authorities covered assumed")
    return ", ".join(parts)


def _status(dataset: Dataset, chosen: Period, members: pl.DataFrame) -> list[str]:
    held = dataset.meetings["quarter_start"].max() if not dataset.meetings.is_empty() else None
    reporting = int(members["cases"].is_not_null().sum())
    lines = [
        f"Period: {chosen.label} ({chosen.start:%d %B %Y} to {chosen.end:%d %B %Y}).",
        f"{reporting} of the {members.height} MARACs in this pack sent returns for the period "
        f"({_members_coverage(members, chosen).status}).",
        f"Returns held up to {quarter_label(held)}." if held else "No returns held.",
        f"Population base: {dataset.base_label}.",
        method_line(dataset.missing_quarters_method),
        f"SafeLives ranges: {dataset.ranges.edition}.",
    ]
    codes = members["group_code"].to_list()
    lines += [
        note
        for note in (
            registry_words.registry_line(dataset.registry_versions),
            registry_words.assumed_note(dataset.maracs.filter(pl.col("marac_code").is_in(codes))),
            registry_words.population_note(dataset.population_gaps, codes, dataset.base_label),
        )
        if note
    ]
    if dataset.last_loaded:
        loaded = dataset.last_loaded
        lines.append(
            f"Data last loaded {loaded:%d %B %Y, %H:%M} UTC."
            if isinstance(loaded, datetime)
            else f"Data last loaded {loaded}."
        )
    if dataset.synthetic:
        lines.insert(0, SYNTHETIC_NOTE + ". Every figure in this pack is made up to show how the dashboard works.")
    return lines


def _method(dataset: Dataset) -> list[str]:
    per_10k = dataset.ranges.value("recommended_cases_per_10k")
    return [
        method_line(dataset.missing_quarters_method),
        f"Volume is cases discussed a year per 10,000 adult females ({dataset.base_label}), compared with SafeLives' "
        f"recommended {per_10k:g}; a MARAC's volume counts only the quarters it returned, against the population for that time.",
        "Shares are counts over cases (referral shares over all referrals); totals add counts before dividing, so an area's "
        "figure is not an average of its MARACs' figures.",
        f"Verdicts compare each figure with the SafeLives expected ranges ({dataset.ranges.edition}): below, within or above. "
        "A higher volume is not a failure. Racially minoritised victims/survivors are compared with the local population "
        "share not White British (Census 2021).",
        f"95% intervals: Wilson score intervals for shares, Byar's approximation (exact Poisson below {EXACT_BELOW} cases) for volume.",
        CERTAINTY_EXPLAINED,
        INCOMPLETE_EXPLAINED,
        DISCLOSURE_NOTE + " See docs/disclosure-control.md.",
        f"National figures: England on this pack's base ({dataset.base_label}), recomputed from SafeLives' published "
        "cases for the English police force areas that reported each financial year over those forces' adult females "
        "(a force SafeLives marks partial counts as published; one with no figures is left out), drawn solid as the "
        "like-with-like comparison; beside it, SafeLives' England and UK figures as published, on SafeLives' own "
        "(older, smaller) adult female base, which puts England's volume higher. Shares need no base.",
    ]
