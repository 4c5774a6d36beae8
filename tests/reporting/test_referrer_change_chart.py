"""The police-share change chart: every label clear of its markers and line, its sign shown, "now" not a verdict.

The hand-made frame, counts as `metrics.referrals.referral_change` gives them (floats: a shared referral counts half):
Camden 360 of 500 police referrals a year earlier (72.0%), 438 of 710 now (61.69%): -10.3 points, beyond chance.
Barnet 200 of 300 (66.67%) to 250 of 390 (64.10%): -2.6 points, could be chance.
Ealing 100 of 200 (50.0%) to 128 of 250 (51.2%): +1.2 points, could be chance.
"""

from __future__ import annotations

import polars as pl
import pytest

from metrics.ranges import Range
from reporting import tables
from reporting.equality_charts import VERDICT_SYMBOLS
from reporting.referral_charts import police_change
from reporting.verdicts import COULD_BE_CHANCE, Verdict

POLICE = Range("police_share", "range", 0.60, 0.75, "", "", "e")
NOW = {"Camden": (438.0, 710.0), "Barnet": (250.0, 390.0), "Ealing": (128.0, 250.0)}
THEN = {"Camden": (360.0, 500.0), "Barnet": (200.0, 300.0), "Ealing": (100.0, 200.0)}
SURE = {"Camden": True, "Barnet": False, "Ealing": False}


def change() -> pl.DataFrame:
    names = list(NOW)
    now = [NOW[n][0] / NOW[n][1] for n in names]
    then = [THEN[n][0] / THEN[n][1] for n in names]
    return pl.DataFrame(
        {
            "group_code": [n[0] for n in names],
            "group_name": names,
            "referrals_police": [NOW[n][0] for n in names],
            "referrals_total": [NOW[n][1] for n in names],
            "police_share": now,
            "referrals_police_previous": [THEN[n][0] for n in names],
            "referrals_total_previous": [THEN[n][1] for n in names],
            "police_share_previous": then,
            "police_share_change": [a - b for a, b in zip(now, then, strict=True)],
            "police_share_change_significant": [SURE[n] for n in names],
        }
    )


VERDICTS = {
    "C": Verdict("within", "clear"),
    "B": Verdict("within", "clear"),
    "E": Verdict("below", COULD_BE_CHANCE, counted_words="recorded referrals"),
}


@pytest.fixture
def fig():
    return police_change(change(), VERDICTS, POLICE, title="t", subtitle="s", source="src")


def _labels(fig) -> dict[str, tuple[float, str, object]]:
    """Each MARAC's change label: (x where it starts, its text, its font weight), from every trace that prints text."""
    out = {}
    for trace in fig.data:
        if trace.text is None:
            continue
        for x, y, text in zip(trace.x, trace.y, trace.text, strict=True):
            out[y] = (x, text, trace.textfont.weight)
    return out


def _lines(fig) -> dict[str, object]:
    return {t.y[0]: t for t in fig.data if t.mode == "lines"}


def test_a_falling_share_is_labelled_beyond_both_its_points(fig) -> None:
    labels = _labels(fig)
    assert list(fig.layout.yaxis.categoryarray) == ["Ealing", "Camden", "Barnet"]  # lowest share now at the bottom
    for name in ("Camden", "Barnet"):  # the earlier circle is right of the now marker: the label starts past it
        then = THEN[name][0] / THEN[name][1]
        assert labels[name][0] >= then + 0.04
    ealing = labels["Ealing"][0]
    assert ealing >= 128 / 250 + 0.04  # rising: past the now marker
    assert fig.layout.xaxis.range[1] >= max(x for x, _, _ in labels.values()) + 0.3  # room for the words


def test_every_label_starts_with_its_sign(fig) -> None:
    labels = _labels(fig)
    assert labels["Camden"][1] == "-10.3 points"  # 61.69% - 72.0%
    assert labels["Barnet"][1] == "-2.6 points (could be chance)"  # 64.10% - 66.67%
    assert labels["Ealing"][1] == "+1.2 points (could be chance)"  # 51.2% - 50.0%


def test_a_change_beyond_chance_is_bold_on_a_wider_solid_line_and_never_struck_through(fig) -> None:
    labels, lines = _labels(fig), _lines(fig)
    assert labels["Camden"][2] == "bold" and labels["Barnet"][2] != "bold" and labels["Ealing"][2] != "bold"
    assert lines["Camden"].line.dash == "solid" and lines["Barnet"].line.dash == "dot"
    assert lines["Camden"].line.width > lines["Barnet"].line.width
    for name, line in lines.items():  # the label starts right of where its line ends
        assert labels[name][0] > max(line.x)


def test_now_is_no_verdict_symbol_and_the_verdict_with_its_certainty_is_in_the_hover(fig) -> None:
    marks = [t for t in fig.data if t.name and t.name.startswith("now")]  # the markers and their key
    symbols = {s for t in marks for s in ([t.marker.symbol] if isinstance(t.marker.symbol, str) else t.marker.symbol)}
    assert len(marks) >= 1 and symbols and not symbols & set(VERDICT_SYMBOLS.values())
    now = next(t for t in marks if t.name == "now")
    assert list(now.hovertext) == [
        "Ealing: 51.2% now (128 of 250 recorded referrals), below the expected range, though with this many "
        "recorded referrals that could be chance",
        "Camden: 61.7% now (438 of 710 recorded referrals), within the expected range",
        "Barnet: 64.1% now (250 of 390 recorded referrals), within the expected range",
    ]


def test_each_name_carries_its_verdict_so_colour_is_never_the_only_clue(fig) -> None:
    """The "now" diamond is coloured by its verdict; its symbol and word stand beside the MARAC's name too."""
    assert list(fig.layout.yaxis.ticktext) == ["Ealing  ▼ below*", "Camden  ● within", "Barnet  ● within"]
    assert list(fig.layout.yaxis.tickvals) == ["Ealing", "Camden", "Barnet"]


def test_counts_print_whole_in_the_hover(fig) -> None:
    earlier = next(t for t in fig.data if t.name == "a year earlier")
    assert list(earlier.hovertext)[1] == "Camden: 72.0% a year earlier (360 of 500 recorded referrals)"


def test_the_every_agency_table_prints_referrals_whole() -> None:
    frame = pl.DataFrame(
        {
            "group_name": ["Camden"],
            "referrals_total": [438.0],
            "cases": [438],
            "referrals_unrecorded": [0.0],
            "share_referrals_police": [0.6169],
        }
    )
    html = tables.styled(tables.agency_share_table(frame, ["police"], {"police": "Police"})).to_html()
    assert ">438</td>" in html and "438.0" not in html
