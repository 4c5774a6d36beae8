"""Display tables: metric frames turned into what a page shows (words, symbols, percent).

Formatting lives here, not in metrics: shares stay fractions until this point. Verdict
columns carry a symbol and words as well as a fill colour, and numeric columns stay
numeric so a click on the header sorts them properly. The overview is split in two
(volume and referrals; who the victims/survivors are) so each fits a projected screen.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

from metrics.coverage import INCOMPLETE
from metrics.definitions import INDICATORS, Indicator
from metrics.ranges import Ranges
from metrics.significance import TOO_FEW, TOO_FEW_CASES
from reporting import coverage_words, numbers, sub_areas
from reporting.numbers import decimals_for, pair_beside_verdict
from reporting.verdicts import COMPACT_LEGEND, COMPACT_WORDS, INCOMPLETE_EXPLAINED, NO_RANGE, Verdict
from reporting.verdicts import of_frame as verdicts_of

LOCAL_HEADER = "Local share not White British %"
NO_POPULATION = "– no population"
PER_10K = "Per 10,000 adult females"


class Said(str):
    """Words in a cell that carry their verdict's fill, so a table's colour is never recovered from its text."""

    __slots__ = ("fill",)

    def __new__(cls, text: str, fill: str = "") -> Said:
        said = super().__new__(cls, text)
        said.fill = fill
        return said

    def __reduce__(self) -> tuple[object, ...]:  # copies (st.cache_data, deepcopy) keep the fill
        return Said, (str(self), self.fill)


def said(verdict: Verdict) -> Said:
    """A verdict cell: its label ("▼ below (could be chance)") with its fill."""
    return Said(verdict.label, verdict.fill)


def _fill(cell: object) -> str:
    return f"background-color: {getattr(cell, 'fill', '') or '#ffffff'}"


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def _indicator_columns(
    frame: pl.DataFrame,
    indicators: tuple[Indicator, ...],
    ranges: Ranges,
    columns: dict[str, list[object]],
    decimals: dict[tuple[int, str], int],
) -> None:
    for ind in indicators:
        header = ind.table_header
        values = frame[ind.value].to_list()
        columns[header] = [_pct(v) for v in values]
        verdicts = frame[ind.verdict].to_list() if ind.verdict else [None] * len(values)
        locals_ = frame["local_share_not_white_british"].to_list() if ind.local_share else [None] * len(values)
        item = ranges.get(ind.range_key) if ind.range_key else None
        for row, (value, verdict, local) in enumerate(zip(values, verdicts, locals_, strict=True)):
            d = decimals_for(value, verdict, item, local, least=1)
            if d > 1:
                decimals[(row, header)] = d
                if ind.local_share:  # the share and its local share, printed alike
                    decimals[(row, LOCAL_HEADER)] = d
        if ind.local_share:
            columns[LOCAL_HEADER] = [_pct(v) for v in locals_]
        if ind.verdict:
            labels: list[object] = [said(v) for v in verdicts_of(frame, ind)]
            if ind.key == "volume":  # cases held but no population on this base: say so rather than "no data"
                labels = [
                    NO_POPULATION if v is None and c is not None else lab
                    for v, c, lab in zip(verdicts, frame["cases"].to_list(), labels, strict=True)
                ]
            columns[ind.verdict_header] = labels


def overview_frames(
    frame: pl.DataFrame, ranges: Ranges, *, name_header: str = "MARAC"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(volume, repeats and referrals; victims/survivors), one row per group, ready for `styled`."""
    base: dict[str, list[object]] = {name_header: frame["group_name"].to_list()}
    base |= _sub_area_column(frame)

    volume: dict[str, list[object]] = dict(base)
    volume["Cases"] = frame["cases"].to_list()
    volume[PER_10K] = frame["cases_per_10k"].to_list()
    volume_decimals: dict[tuple[int, str], int] = {}
    _indicator_columns(frame, INDICATORS.of_table("volume"), ranges, volume, volume_decimals)
    _with_coverage(volume, frame)

    victims: dict[str, list[object]] = {name_header: base[name_header], "Cases": frame["cases"].to_list()}
    victim_decimals: dict[tuple[int, str], int] = {}
    _indicator_columns(frame, INDICATORS.of_table("victims"), ranges, victims, victim_decimals)

    out = []
    for columns, decimals in ((volume, volume_decimals), (victims, victim_decimals)):
        table = pd.DataFrame(
            {k: pd.Series(v, dtype="Float64" if _numeric(k) else "object") for k, v in columns.items()}
        )
        table.attrs["decimals"] = {f"{row}\t{column}": d for (row, column), d in decimals.items()}
        out.append(table)
    return out[0], out[1]


def _with_coverage(columns: dict[str, list[object]], frame: pl.DataFrame) -> None:
    """The coverage words (`reporting.coverage_words`) in the column right after the volume verdict, so a volume read
    from 1 of 4 quarters says so beside it: "1 of 4 quarters returned: one quarter's rate shown as a year's"."""
    said = [c.cell for c in coverage_words.of_frame(frame)]
    if not any(said):
        return
    volume = INDICATORS.by_key("volume")
    after = volume.verdict_header if volume.verdict_header in columns else next(reversed(columns))
    items = list(columns.items())
    at = [k for k, _ in items].index(after) + 1
    columns.clear()
    columns.update(items[:at])
    columns[coverage_words.HEADER] = said
    columns.update(items[at:])


def decimals_of(table: pd.DataFrame) -> dict[tuple[int, str], int]:
    """The per-cell decimals `overview_frames` worked out, for exports that must print what the screen prints."""
    return {(int(key.split("\t")[0]), key.split("\t")[1]): d for key, d in table.attrs.get("decimals", {}).items()}


def _numeric(header: str) -> bool:
    return "%" in header or header in ("Cases", PER_10K)


def _sub_area_column(frame: pl.DataFrame) -> dict[str, list[object]]:
    """Each MARAC's sub-area under the partnership's word for it ('BCU', 'Division'), if any MARAC here has one."""
    if "sub_area" not in frame.columns or frame["sub_area"].drop_nulls().is_empty():
        return {}
    return {sub_areas.heading(sub_areas.word(frame)): [b or "–" for b in frame["sub_area"].to_list()]}


def totals_frames(
    groups: pl.DataFrame, total: pl.DataFrame, ranges: Ranges, maracs: pl.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sub-area rows followed by the area's own row, in the overview's two tables; with the area's `maracs`, each
    row's coverage also says how many of its MARACs sent every quarter."""
    return overview_frames(_stacked(groups, total, maracs), ranges, name_header="Area")


def _stacked(groups: pl.DataFrame, total: pl.DataFrame, maracs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Group rows then the total's row in one frame (with `maracs_complete` where the MARAC rows are given)."""
    if maracs is not None and maracs.height:
        groups = coverage_words.with_complete(groups, maracs, "sub_area")
        total = coverage_words.all_complete(total, maracs)
    return pl.concat(
        [groups.drop("sub_area", strict=False), total.drop("sub_area", strict=False)], how="diagonal_relaxed"
    )


#: columns of counts, printed whole ("438"): a Float64 column unformatted prints as "438.000000"
COUNT_COLUMNS = ("Cases", "Referrals")


def styled(table: pd.DataFrame, *, bold_last: bool = False) -> pd.io.formats.style.Styler:
    """Verdict cells filled with their colour (the words stay in the cell); shares with one decimal,
    or more where one decimal would put the figure on the wrong side of its range."""
    verdict_cols = [c for c in table.columns if c.endswith("verdict")]
    share_cols = [c for c in table.columns if "%" in c]
    style = (
        table.style.map(_fill, subset=verdict_cols)
        .format(_shown("{:.1f}%"), subset=share_cols, na_rep="–")
        .format(_shown("{:,.0f}"), subset=[c for c in COUNT_COLUMNS if c in table.columns], na_rep="–")
        .format(_shown("{:.1f}"), subset=[c for c in (PER_10K,) if c in table.columns], na_rep="–")
    )
    for key, d in table.attrs.pop("decimals", {}).items():
        row, column = key.split("\t")
        style = style.format(
            _shown(f"{{:.{d}f}}%"), subset=pd.IndexSlice[[table.index[int(row)]], [column]], na_rep="–"
        )
    if bold_last and len(table):
        style = style.apply(lambda r: ["font-weight: bold" if r.name == table.index[-1] else "" for _ in r], axis=1)
    return style


def _shown(pattern: str):
    """A cell formatter that prints numbers with `pattern` and leaves words (an interval's text) as they are."""
    return lambda v: v if isinstance(v, str) else pattern.format(v)


#: the matrix's cells mark certainty with a sign: what the signs mean, on hover of each indicator's header
MATRIX_HELP = f"Against the SafeLives expected range ({COMPACT_WORDS}). {COMPACT_LEGEND}. {INCOMPLETE_EXPLAINED}"


def profile_frame(comparators: dict[str, pl.DataFrame], ranges: Ranges, *, compact: bool = False) -> pd.DataFrame:
    """Indicators down the side; the MARAC, its verdict and range, then each comparator with its verdict.

    Each comparator is one row of figures, the MARAC's own first. `compact` (a screen, where the table must fit 1280
    px) names each indicator by its table header ("Repeat rate %"), words the verdict in its compact form ("● met*",
    the marks explained beside the table) and the local share's range without its source (the caption names it);
    downloads keep the full words.
    """
    rows = comparators
    names = list(rows)
    own = rows[names[0]]
    out: dict[str, list[object]] = {"Indicator": [], "Value": [], "Verdict": [], "Expected range": []}
    for name in names[1:]:
        out[name] = []
    for ind in INDICATORS:
        item = ranges[ind.range_key] if ind.range_key else None
        out["Indicator"].append(ind.table_header if compact else ind.label)
        value, verdict, local = _cell(own, ind)
        shown, local_shown = pair_beside_verdict(value, verdict, item, local, least=1)
        if ind.key == "volume" and own.height and value is not None:
            covered = coverage_words.of(own.row(0, named=True)).short
            shown = f"{shown} ({covered})" if covered else shown
        out["Value"].append(shown)
        judged = Verdict.of(own.row(0, named=True), ind) if own.height else Verdict(None)
        if not ind.verdict:
            out["Verdict"].append(NO_RANGE["short"])
        else:
            out["Verdict"].append(Said(judged.cell, judged.fill) if compact else said(judged))
        if ind.local_share and local is not None:
            source = "" if compact else f", {own['local_share_source'][0]}"
            out["Expected range"].append(f"at least {local_shown} (local share{source})")
        else:
            out["Expected range"].append(item.describe() if item else "")
        for name in names[1:]:
            value, verdict, local = _cell(rows[name], ind)
            text, local_text = pair_beside_verdict(value, verdict, item, local, least=1)
            if ind.local_share and local is not None and value is not None:
                text = f"{text} of {local_text}"  # each comparator is judged against its own local share
            if value is None and "scope" in rows[name].columns:
                text = "not published"  # SafeLives' England rows carry volume and repeat rate only
            if verdict and value is not None:  # the symbol and its certainty mark, explained by the table's key
                judged = Verdict.of(rows[name].row(0, named=True), ind)
                text = f"{text} {judged.symbol}{judged.mark}"
            if ind.key == "volume" and value is not None and rows[name].height:
                text = coverage_words.beside(text, coverage_words.of(rows[name].row(0, named=True)))
            out[name].append(text)
    return pd.DataFrame(out)


def _cell(frame: pl.DataFrame, ind: Indicator) -> tuple[float | None, str | None, float | None]:
    if not frame.height:
        return None, None, None

    def first(column: str | None) -> object:
        return frame[column][0] if column and column in frame.columns else None

    # a published comparator (SafeLives national) has values but no verdicts or local share
    return (
        first(ind.value),
        first(ind.verdict),
        first("local_share_not_white_british") if ind.local_share else None,
    )


SIGNIFICANCE_WORDS = {
    "below": "below the range",
    "within": "within the range",
    "above": "above the range",
    "not distinguishable (lower)": "not distinguishable from the lower bound",
    "not distinguishable (upper)": "not distinguishable from the upper bound",
    "not distinguishable (lower and upper)": "not distinguishable from either bound",
    TOO_FEW: "too few to judge",
    INCOMPLETE: "not judged: too little data",
}


def certainty_frame(own: pl.DataFrame, ranges: Ranges, *, compact: bool = False) -> pd.DataFrame:
    """How sure each of one MARAC's verdicts is: the 95% and 99.8% intervals and what the 95% interval supports.

    The explanation reads like Fingertips: "95% interval 0.7%–5.7%, range starts at 2.5%: not
    distinguishable from the lower bound". `own` is the MARAC's one row.
    """
    row = own.row(0, named=True) if own.height else {}
    return pd.DataFrame(
        [
            {"Indicator": ind.table_header if compact else ind.label, **_certainty(row, ind, ranges, compact)}
            for ind in INDICATORS
        ],
        columns=["Indicator", *(COMPACT_CERTAINTY_COLUMNS if compact else CERTAINTY_COLUMNS)],
    )


def certainty_by_group(
    frame: pl.DataFrame, ind: Indicator, ranges: Ranges, *, name_header: str = "MARAC", compact: bool = False
) -> pd.DataFrame:
    """The same explanation for one indicator across every MARAC of an area (the overview's hover text, as a table).

    `compact` (a screen, where the table must fit 1280 px): the range or level each interval is set against
    ("Against") in place of the sentence ("Why") that repeats the interval around it; downloads keep the sentence."""
    rows = [
        {name_header: row["group_name"], **_certainty(row, ind, ranges, compact)} for row in frame.iter_rows(named=True)
    ]
    return pd.DataFrame(rows, columns=[name_header, *(COMPACT_CERTAINTY_COLUMNS if compact else CERTAINTY_COLUMNS)])


CERTAINTY_COLUMNS = ["Value", "95% interval", "99.8% interval", "What the 95% interval supports", "Why"]
COMPACT_CERTAINTY_COLUMNS = ["Value", "95% interval", "99.8% interval", "Against", "What the 95% interval supports"]


def _certainty(row: dict[str, object], ind: Indicator, ranges: Ranges, compact: bool = False) -> dict[str, str]:
    item = numbers.range_of(ind, ranges)
    local = numbers.local_of(row, ind)
    supported = row.get(f"{ind.value}_significance")
    interval = numbers.figure_interval(row, ind, ranges)
    verdict = row.get(ind.verdict) if ind.verdict else None
    _, local_shown = pair_beside_verdict(row.get(ind.value), verdict, item, local, least=1)
    return {
        "Value": _with_compact_coverage(numbers.figure(row, ind, ranges, least=1), row, ind),
        "95% interval": interval,
        "99.8% interval": numbers.figure_interval(row, ind, ranges, "ci998"),
        "What the 95% interval supports": _supports(supported, ind)
        or ("no range" if item is None or item.rule == "none" else "–"),
        **(
            {"Against": _against(supported, item, local_shown, Verdict.of(row, ind))}
            if compact
            else {"Why": _why(interval, supported, item, local_shown, Verdict.of(row, ind))}
        ),
    }


def _with_compact_coverage(figure: str, row: dict[str, object], ind: Indicator) -> str:
    """A volume figure with its compact coverage beside it ("103.0% · 1/4 qtrs"); other figures as they are."""
    if ind.key != "volume" or figure == numbers.DASH:
        return figure
    return coverage_words.beside(figure, coverage_words.of(row))


#: a one-sided range (a floor, the local share) is met or not met: what its interval supports, in those words
ONE_SIDED_SIGNIFICANCE_WORDS = {
    "below": "does not meet the level",
    "within": "meets the level",
    "not distinguishable (lower)": "not distinguishable from the level",
}


def _supports(supported: str | None, ind: Indicator) -> str | None:
    if ind.one_sided and supported in ONE_SIDED_SIGNIFICANCE_WORDS:
        return ONE_SIDED_SIGNIFICANCE_WORDS[supported]
    return SIGNIFICANCE_WORDS.get(supported) if supported else None


def _why(interval: str, supported: str | None, item, local_shown: str, judged: Verdict) -> str:
    if supported is None:
        return ""
    if supported == INCOMPLETE:
        return judged.phrase
    if supported == TOO_FEW:
        return f"95% interval {interval} reaches across a bound, with fewer than {TOO_FEW_CASES} {judged.counted_words}"
    words = ONE_SIDED_SIGNIFICANCE_WORDS.get(supported) if judged.one_sided else None
    return (
        f"95% interval {interval}, {_bound(item, local_shown, sentence=True)}: {words or SIGNIFICANCE_WORDS[supported]}"
    )


def _against(supported: str | None, item, local_shown: str, judged: Verdict) -> str:
    """A compact "how sure" row's range or level; for a verdict withheld, why ("not judged: only 1 of 4 quarters
    returned"), which the row would otherwise not say."""
    if supported == INCOMPLETE:
        return judged.phrase
    return _bound(item, local_shown) if supported is not None and item is not None else ""


def _bound(item, local_shown: str, *, sentence: bool = False) -> str:
    """What an interval is set against: "range 80%–100%", "the level is 2.5% or above" ("level 2.5% or above" in a
    cell), "the local share is 63.0%" ("local share 63.0%")."""
    if item.rule == "local_share":
        return f"the local share is {local_shown}" if sentence else f"local share {local_shown}"
    if item.rule == "floor":
        return f"the level is {item.describe()}" if sentence else f"level {item.describe()}"
    return f"range {item.describe()}"


def styled_profile(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    return table.style.map(_fill, subset=["Verdict"])


class Labelled(float):
    """A number that sorts as itself but prints as its words ("30.0% ● within"), with its cell colour.

    st.dataframe sorts a column on the numbers it receives and shows what the Styler prints, so a
    matrix cell can read as value-and-verdict while a click on its header still sorts by value.
    """

    __slots__ = ("fill", "label")

    def __new__(cls, value: float, label: str, fill: str = "") -> Labelled:
        number = super().__new__(cls, value)
        number.label, number.fill = label, fill
        return number

    def __reduce__(self) -> tuple[object, ...]:  # copies (st.cache_data, deepcopy) keep the words
        return Labelled, (float(self), self.label, self.fill)


#: the matrix's two halves on a screen (`matrix(part=...)`), as the overview's tables split them: each fits 1280 px
PARTS = {"volume": "Volume, repeats and referrals", "victims": "Victims/survivors"}


def matrix(frame: pl.DataFrame, ranges: Ranges, *, name_header: str = "MARAC", part: str | None = None) -> pd.DataFrame:
    """Every group × every indicator in one table: each cell the value and its verdict in words ("30.0% ● within").

    Cells are `Labelled` numbers (percent × 100), so a click on a header sorts by value while the
    cell reads as words; `styled_matrix` prints them and fills the verdict colour. Certainty is the verdict's
    compact mark ("▼ below*": could be chance; "†": too few cases), explained by `MATRIX_HELP`.

    A `part` ("volume" or "victims", `PARTS`) keeps that half's indicators only, so a screen shows every column without
    scrolling across: the volume half with each MARAC's sub-area, rate per 10,000 and quarters returned (as the whole
    matrix has them), the victims/survivors half without them (their shares do not rest on a population).
    """
    columns: dict[str, list[object]] = {name_header: frame["group_name"].to_list()}
    if part != "victims":
        columns |= _sub_area_column(frame)
    columns["Cases"] = frame["cases"].to_list()
    if part != "victims":
        columns[PER_10K] = frame["cases_per_10k"].to_list()
    covered = coverage_words.of_frame(frame)
    if part != "victims" and any(c.cell for c in covered):  # a screen's half has room for the compact words only
        columns[coverage_words.HEADER] = [c.narrow if part else c.cell for c in covered]
    records = frame.to_dicts()  # once: a metrics frame has a few hundred columns
    for ind in INDICATORS.of_table(part) if part else INDICATORS:
        locals_ = frame["local_share_not_white_british"].to_list() if ind.local_share else []
        cells: list[object] = []
        for record in records:
            value = record[ind.value]
            if value is None and ind.key == "volume" and record.get("cases") is not None:
                # cases held but no population on this base: say so rather than "no data", sorted after every figure
                cells.append(Labelled(float("-inf"), NO_POPULATION))
                continue
            if value is None:
                cells.append(None)
                continue
            label = numbers.figure(record, ind, ranges, least=1)
            judged = Verdict.of(record, ind)
            if judged.verdict:
                label += f" {judged.cell}"
            if ind.key == "volume":  # an annualised rate from fewer quarters says so in its own cell
                label = coverage_words.beside(label, coverage_words.of(record))
            cells.append(Labelled(value * 100, label, judged.fill if judged.verdict else ""))
        columns[ind.header] = cells
        if ind.local_share:  # printed to the share's own decimals, so the two never read alike beside "not met"
            item = numbers.range_of(ind, ranges)
            columns[LOCAL_HEADER] = [
                None
                if local is None
                else Labelled(
                    local * 100,
                    pair_beside_verdict(record[ind.value], record.get(ind.verdict), item, local, least=1)[1],
                )
                for record, local in zip(records, locals_, strict=True)
            ]
    return pd.DataFrame(
        {
            header: pd.Series(cells, dtype="Float64" if header in ("Cases", PER_10K) else "object")
            for header, cells in columns.items()
        }
    )


def matrix_totals(
    groups: pl.DataFrame,
    total: pl.DataFrame,
    ranges: Ranges,
    maracs: pl.DataFrame | None = None,
    *,
    part: str | None = None,
) -> pd.DataFrame:
    """Sub-area rows then the area's own row, as a matrix (coverage as in `totals_frames`; `part` as in `matrix`)."""
    return matrix(_stacked(groups, total, maracs), ranges, name_header="Area", part=part)


def printed_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """The matrix as text, every cell as the screen prints it: what a CSV or XLSX download holds."""
    return pd.DataFrame({c: [_matrix_text(v, c) for v in table[c]] for c in table.columns})


def _matrix_text(cell: object, header: str) -> str:
    if isinstance(cell, Labelled):
        return cell.label
    if isinstance(cell, str):
        return cell
    if cell is None or cell is pd.NA or (isinstance(cell, float) and pd.isna(cell)):  # Float64 columns hold pd.NA
        return "–"
    if header == PER_10K:
        return f"{cell:.1f}"
    return f"{cell:,.0f}" if header == "Cases" else f"{cell:.1f}%"


def styled_matrix(table: pd.DataFrame, *, bold_last: bool = False) -> pd.io.formats.style.Styler:
    """The matrix as it reads on screen: each cell's value and verdict, filled with the verdict's colour."""

    def shown(value: object) -> object:
        return value.label if isinstance(value, Labelled) else value

    numeric = [c for c in table.columns if c in ("Cases", PER_10K)]
    style = (
        table.style.format(shown, na_rep="–")
        .format(_shown("{:,.0f}"), subset=[c for c in numeric if c == "Cases"], na_rep="–")
        .format(_shown("{:.1f}"), subset=[c for c in numeric if c == PER_10K], na_rep="–")
        .map(lambda v: f"background-color: {v.fill}" if isinstance(v, Labelled) and v.fill else "")
    )
    if bold_last and len(table):
        style = style.apply(lambda r: ["font-weight: bold" if r.name == table.index[-1] else "" for _ in r], axis=1)
    return style


def trend_table(series: dict[str, pl.DataFrame], ind: Indicator, *, last: object = None) -> pd.DataFrame:
    """One row per quarter, newest first: each series' 12 months to that quarter and the quarter on its own (percent).

    A series whose 12 months anywhere rest on fewer quarters than the window has a column after its 12-month figure
    saying what each rests on ("2 of 4 quarters returned", "120 of 128 MARAC-quarters returned"; "all 4 quarters"
    where complete); a series complete throughout has none, so its table is as before."""
    from metrics.periods import quarter_label, quarter_of
    from reporting import rolling_coverage

    quarters = sorted(
        {
            q
            for frame in series.values()
            for q in frame["quarter_start"].to_list()
            if last is None or q <= quarter_of(last)
        },
        reverse=True,
    )
    columns: dict[str, list[object]] = {"Quarter": [quarter_label(q) for q in quarters]}
    texts: dict[str, None] = {}
    for name, frame in series.items():
        for column, words in ((f"{ind.value}_12m", "12 months"), (ind.value, "quarter")):
            if column not in frame.columns:
                continue
            values = dict(zip(frame["quarter_start"].to_list(), frame[column].to_list(), strict=True))
            columns[f"{name}, {words} %"] = [_pct(values.get(q)) for q in quarters]
            covered = rolling_coverage.by_quarter(frame) if words == "12 months" else {}
            shown = [covered.get(q) for q in quarters]
            if any(c is not None and c.short for c in shown):
                header = f"{name}, 12 months: {coverage_words.HEADER.lower()}"
                texts[header] = None
                columns[header] = [(c.short or c.cell or None) if c is not None else None for c in shown]
    return pd.DataFrame(
        {k: pd.Series(v, dtype="object" if k == "Quarter" or k in texts else "Float64") for k, v in columns.items()}
    )


def top_three_table(frame: pl.DataFrame, agencies: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """Each MARAC's three largest referring agencies with their share of its referrals, e.g. "Police (50.0%)".

    The shares are of recorded referrals: where any MARAC's fall short of its cases, a last column says how many
    cases have no source ("40 of 80 cases (police share not judged)"), `reporting.referral_gaps` words."""
    from metrics.referrals import top_referrers
    from reporting import referral_gaps

    columns = ["MARAC", "Top referrer", "Second", "Third"]
    if frame.is_empty():
        return pd.DataFrame(columns=columns)
    ranked = top_referrers(frame, agencies, labels)
    out: dict[str, list[object]] = {"MARAC": frame["group_name"].to_list()}
    for rank, heading in zip((1, 2, 3), columns[1:], strict=True):
        part = ranked.filter(pl.col("rank") == rank)
        out[heading] = [
            f"{a} ({s:.1%})" if a is not None and s is not None else "–"
            for a, s in zip(part["agency_label"].to_list(), part["share"].to_list(), strict=True)
        ]
    gaps = referral_gaps.column(frame)
    if gaps is not None:
        out[referral_gaps.HEADER] = gaps  # type: ignore[assignment]
        columns.append(referral_gaps.HEADER)
    return pd.DataFrame(out, columns=columns)


REFERRAL_CHANGE_COLUMNS = [
    "MARAC",
    "A year earlier %",
    "Now %",
    "Change (points)",
    "95% interval (points)",
    "Beyond chance?",
    "Top referrer a year earlier",
    "Top referrer now",
]


def referral_change_table(change: pl.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The police share a year earlier and now, the change in points with its 95% interval, and the top referrer then and now."""
    rows = []
    for r in change.iter_rows(named=True):
        low, high, diff = (
            r["police_share_change_ci95_low"],
            r["police_share_change_ci95_high"],
            r["police_share_change"],
        )
        rows.append(
            [
                r["group_name"],
                _pct(r["police_share_previous"]),
                _pct(r["police_share"]),
                "–" if diff is None else f"{diff * 100:+.1f}",
                "–" if low is None else f"{low * 100:+.1f} to {high * 100:+.1f}",
                {True: "yes", False: "no: could be chance", None: "–"}[r["police_share_change_significant"]],
                labels.get(r["top_referrer_previous"], "–"),
                labels.get(r["top_referrer"], "–"),
            ]
        )
    return pd.DataFrame(rows, columns=REFERRAL_CHANGE_COLUMNS).astype(
        {"A year earlier %": "Float64", "Now %": "Float64"}
    )


def agency_share_table(frame: pl.DataFrame, agencies: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """Every SafeLives agency's share of each MARAC's recorded referrals (percent), and, where any MARAC's recorded
    referrals fall short of its cases, how many cases have no source (after "Referrals")."""
    from reporting import referral_gaps

    out: dict[str, list[object]] = {
        "MARAC": frame["group_name"].to_list(),
        "Referrals": frame["referrals_total"].to_list(),
    }
    gaps = referral_gaps.column(frame)
    if gaps is not None:
        out[referral_gaps.HEADER] = gaps  # type: ignore[assignment]
    for agency in agencies:
        out[f"{labels.get(agency, agency)} %"] = [_pct(v) for v in frame[f"share_referrals_{agency}"].to_list()]
    words = ("MARAC", referral_gaps.HEADER)
    return pd.DataFrame({k: pd.Series(v, dtype="object" if k in words else "Float64") for k, v in out.items()})


def agencies_by_share(total: pl.DataFrame, agencies: list[str]) -> list[str]:
    """The agencies in the order of their share of the area's referrals, largest first (those with none last, in
    SafeLives' order): a screen shows the largest few of sixteen, and the reader adds the rest."""
    row = total.row(0, named=True) if total.height else {}
    return sorted(agencies, key=lambda a: -(row.get(f"share_referrals_{a}") or 0.0))


def range_summary_table(summary: pl.DataFrame, ranges: Ranges, *, compact: bool = False) -> pd.DataFrame:
    """The Pan-London review's summary as a table: of the MARACs with a figure, how many are below, within and above
    each range. `compact` (a screen, where it must fit 1280 px): each indicator by its table header, and the local
    share's range as "at least the local share"."""
    keys = summary["indicator"].to_list()

    def expected(key: str) -> str:
        item = ranges[INDICATORS.by_key(key).range_key]
        return "at least the local share" if compact and item.rule == "local_share" else item.describe()

    return pd.DataFrame(
        {
            "Indicator": [INDICATORS.by_key(k).table_header for k in keys] if compact else summary["label"].to_list(),
            "Expected": [expected(k) for k in keys],
            "MARACs with figures": summary["maracs_with_figure"].to_list(),
            "Below": summary["below"].to_list(),
            "Within": summary["within"].to_list(),
            "Above": summary["above"].to_list(),
            "Meeting the range %": [_pct(s) for s in summary["share_within"].to_list()],
            "Within, and the 95% interval agrees": summary["within_backed"].to_list(),
            "Not judged (incomplete)": summary["incomplete"].to_list(),
        }
    ).astype({"Meeting the range %": "Float64"})
