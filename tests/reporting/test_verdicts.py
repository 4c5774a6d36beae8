"""One verdict vocabulary: the word, its symbol and its certainty always together, in every length of text."""

from __future__ import annotations

import pytest

from metrics.definitions import INDICATORS
from reporting import verdicts
from reporting.verdicts import Verdict

REPEAT = INDICATORS.by_key("repeat_rate")
AGED = INDICATORS.by_key("aged_16_17")


@pytest.mark.parametrize(
    ("verdict", "significance", "label", "compact", "phrase"),
    [
        ("below", "below", "▼ below", "▼ below", "below the expected range"),
        (
            "below",
            "not distinguishable (lower)",
            "▼ below (could be chance)",
            "▼ below*",
            "below the expected range, though with this many cases that could be chance",
        ),
        (
            "within",
            "not distinguishable (lower and upper)",
            "● within (could be chance)",
            "● within*",
            "within the expected range, though with this many cases that could be chance",
        ),
        (
            "above",
            "too few to judge",
            "▲ above (too few to judge)",
            "▲ above†",
            "above the expected range, though with fewer than 10 cases that is too few to judge",
        ),
        # withheld: the symbol and word say so, and the sentence why (the row has no quarter counts here)
        (
            "incomplete",
            "incomplete",
            "◌ incomplete",
            "◌ incomplete",
            "not judged: too few of the period's quarters returned",
        ),
        ("above", None, "▲ above", "▲ above", "above the expected range"),  # no interval worked out: nothing to add
        (None, None, "– no data", "– no data", "no data for this period"),
    ],
)
def test_every_form_of_a_verdict_carries_its_certainty(verdict, significance, label, compact, phrase) -> None:
    row = {"repeat_verdict": verdict, "repeat_rate_significance": significance}
    judged = Verdict.of(row, REPEAT)
    assert (judged.label, judged.compact, judged.phrase) == (label, compact, phrase)
    assert judged.unsure == (label.endswith(")") and verdict is not None)


def test_an_indicator_without_a_range_has_no_verdict_colour() -> None:
    judged = Verdict.of({"share_aged_16_17": 0.02}, AGED)
    assert (judged.label, judged.fill, judged.unsure) == ("no range", "#ffffff", False)


def test_the_compact_marks_are_explained_by_the_key() -> None:
    assert verdicts.COMPACT_KEY == "* could be chance · † too few to judge"
    assert set(verdicts.COMPACT_MARK.values()) == {"*", "†"}
    assert "?" not in verdicts.COMPACT_KEY + "".join(verdicts.COMPACT_MARK.values())


def test_colour_and_fill_are_the_verdict_s_own() -> None:
    chance = Verdict("below", "could be chance")
    assert (chance.colour, chance.fill) == (Verdict("below", "clear").colour, "#d6e8f5")
    assert Verdict("above").colour == "#6a3d9a"  # purple: above the range is not a failure


def test_tally_and_breakdown() -> None:
    judged = [
        Verdict("below", "clear"),
        Verdict("below", "could be chance"),
        Verdict("below", "could be chance"),
        Verdict("within", "clear"),
        Verdict("above", "too few to judge"),
        Verdict("incomplete"),
        Verdict(None),
    ]
    counts = verdicts.tally(judged)
    assert {v: c["all"] for v, c in counts.items()} == {"below": 3, "within": 1, "above": 1}
    assert verdicts.certainty_breakdown(counts["below"]) == " (1 clearly, 2 could be chance)"
    assert verdicts.certainty_breakdown(counts["within"]) == ""  # every one backed
    assert (
        verdicts.certainty_breakdown(counts["above"]) == " (too few to judge)"
    )  # the one above; incomplete not counted
    two_unsure = verdicts.tally([Verdict("above", "could be chance"), Verdict("above", "could be chance")])
    assert verdicts.certainty_breakdown(two_unsure["above"]) == " (all could be chance)"


def test_a_frame_s_verdicts_keep_their_shortfall_count_and_reason() -> None:
    """Tables and charts read verdicts a frame at a time: they must say what one row's verdict says."""
    import polars as pl

    police, volume = INDICATORS.by_key("police_share"), INDICATORS.by_key("volume")
    frame = pl.DataFrame(
        {
            "police_verdict": ["above", "incomplete", "within"],
            "police_share_significance": ["not distinguishable (upper)", "incomplete", "too few to judge"],
            "referrals_total": [34.0, 5.0, 9.0],
            "referrals_unrecorded": [6.0, 55.0, 2.0],
            "cases": [40, 60, 11],
            "volume_verdict": ["within", "incomplete", "within"],
            "pct_of_recommended_significance": ["within", "incomplete", "within"],
            "quarters_with_data": [4, 1, 4],
            "coverage": [1.0, 0.25, 1.0],
            "maracs_in_group": [1, 1, 1],
            "other_column": [1, 2, 3],
        }
    )
    assert [v.label for v in verdicts.of_frame(frame, police)] == [
        "▲ above (could be chance); no source for 6 of 40 cases",
        "◌ incomplete",
        "● within (too few to judge); no source for 2 of 11 cases",
    ]
    assert verdicts.of_frame(frame, police)[1].phrase == "not judged: no source recorded for 55 of 60 cases"
    assert verdicts.of_frame(frame, police)[2].certainty_phrase == (
        ", though with only 9 recorded referrals that is too few to judge"
    )
    assert verdicts.of_frame(frame, volume)[1].phrase == (
        "not judged: only 1 of 4 quarters returned (one quarter's rate shown as a year's)"
    )
