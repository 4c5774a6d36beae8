"""What pages and packs say about the registry behind the figures, word for word."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from loaders.demo import write_return
from reporting import registry_words
from tests.helpers.fixture_db import meeting

MARACS = pl.DataFrame(
    {
        "marac_code": ["E08000035", "E08000036", "WY-CK"],
        "marac_name": ["Leeds", "Wakefield", "Calderdale and Kirklees"],
        "grouping_status": ["assumed", "assumed", ""],
        "note": ["one per authority", "one per authority", None],
    }
)


def test_assumed_maracs_are_named_with_how_to_set_up_your_own() -> None:
    assert registry_words.assumed_note(MARACS) == (
        "2 of these 3 MARACs (Leeds, Wakefield) cover local authorities the registry only assumes (the shipped "
        "registry's one MARAC per authority, or a grouping no source publishes), not a partnership's confirmed "
        "set-up: a partnership sets up its own MARACs with `marac registry load FILE --db PATH`."
    )
    assert registry_words.assumed_note(MARACS.filter(pl.col("grouping_status") == "")) is None
    one = registry_words.assumed_note(MARACS.head(1))  # a profile quotes the registry's own reason
    assert one == "The local authorities Leeds covers are assumed, not confirmed by its partnership: one per authority"


def test_a_base_without_an_authority_names_both() -> None:
    gaps = pl.DataFrame(
        {"marac_code": ["WY-CK"], "marac_name": ["Calderdale and Kirklees"], "lad_codes": [["E08000034"]]}
    )
    assert registry_words.population_note(gaps, ["WY-CK", "E08000035"], "ONS mid-2023 estimates, females aged 16+") == (
        "ONS mid-2023 estimates, females aged 16+ has no population for E08000034, so Calderdale and Kirklees has no "
        "volume figure on this base (choose another base in the sidebar)."
    )
    assert registry_words.population_note(gaps, ["E08000035"], "any") is None  # not a MARAC of this page


def test_returns_kept_for_a_dropped_marac_and_the_registry_in_use() -> None:
    dropped = pl.DataFrame({"marac_code": ["WY-WAK", "OLD"], "quarters": [4, 1]})
    assert registry_words.unregistered_note(dropped) == (
        "Returns are held for WY-WAK (4 quarters), OLD (1 quarter), which the registry in use leaves out: they are "
        "kept, but counted nowhere until a registry holds the MARAC again (`marac registry history` lists the versions)."
    )
    versions = pl.DataFrame(
        {
            "version": [1, 2],
            "loaded_at": [datetime(2026, 11, 1, 9), datetime(2026, 12, 2, 10)],
            "loaded_by": [None, "analyst"],
            "file_name": ["registry.csv", "west-yorkshire.xlsx"],
            "maracs": [327, 5],
            "source": ["shipped", "loaded"],
        }
    )
    assert registry_words.registry_line(versions) == (
        "Registry in use: version 2, 5 MARACs, from west-yorkshire.xlsx, 02 Dec 2026 by analyst."
    )
    assert registry_words.registry_line(versions.head(1)) == (
        "Registry in use: version 1, 327 MARACs, from the shipped default, 01 Nov 2026."
    )


def test_on_the_shipped_default_a_page_says_its_maracs_are_assumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "default.duckdb"
    with store.writing(db) as conn:  # a partnership that has not loaded its registry yet: Leeds's return alone
        leeds = [meeting("E08000035", date(2021, 2, 9), cases_discussed=40, referrals_police=40)]
        assert store.load_file(conn, write_return(tmp_path / "leeds.csv", leeds)).outcome == "loaded"
    monkeypatch.setenv("MARAC_DB", str(db))
    app = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
    at = AppTest.from_file(app, default_timeout=120).run()
    assert not at.exception
    assert at.selectbox(key="area").value == "pfa:West Yorkshire"
    captions = [c.value for c in at.caption]
    assert (
        "Every MARAC here (Bradford, Calderdale, Kirklees, Leeds and 1 more) covers local authorities the registry only "
        "assumes (the shipped registry's one MARAC per authority, or a grouping no source publishes), not a "
        "partnership's confirmed set-up: a partnership sets up its own MARACs with `marac registry load FILE --db PATH`."
    ) in captions, captions


def test_names_in_a_page_s_sentence_are_escaped_but_the_command_is_not() -> None:
    from reporting.markup import escape_markdown

    hostile = MARACS.with_columns(pl.lit("*Leeds* [x](http://e.vil)").alias("marac_name")).head(2)
    note = registry_words.assumed_note(hostile, escape_markdown)
    assert "*Leeds*" not in note and "](http" not in note and "`marac registry load FILE --db PATH`" in note
