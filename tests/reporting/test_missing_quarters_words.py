"""How the missing-quarters method is named beside figures (reporting/missing_quarters_words.py, charts.source_line)."""

from __future__ import annotations

import pytest

from reporting import charts, missing_quarters_words


def test_each_method_reads_as_a_choice_and_as_a_line() -> None:
    assert (
        missing_quarters_words.option_label("population_time") == "Count only the quarters returned (population-time)"
    )
    assert missing_quarters_words.option_label("safelives") == "Fill like SafeLives"
    assert missing_quarters_words.method_line("safelives").startswith(
        "Missing quarters: filled like SafeLives (a missing quarter takes the MARAC's counts for the quarter before"
    )
    with pytest.raises(KeyError):
        missing_quarters_words.method_line("carry")


def test_the_source_line_names_the_method_beside_the_base() -> None:
    assert charts.source_line("2021", "Census 2021, females aged 16+", "safelives") == (
        "Source: MARAC quarterly returns; SafeLives ranges (2021); population: Census 2021, females aged 16+; "
        "missing quarters: filled like SafeLives."
    )
    # without a method (the national charts, which show SafeLives' published figures) the line is as before
    assert charts.source_line("2021", "Census 2021").endswith("population: Census 2021.")
