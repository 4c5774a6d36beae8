"""What every `marac` subcommand prints through: the two consoles, safe terminal text and the --db option.

In a module of its own so that subcommands kept in their own modules (`registry`, `published`, `layout`) share them
without importing `marac_cli.main`, which imports them in turn.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from loaders.problems import Problem

# Nothing printed is read as Rich markup or emoji codes: file names, cell values and names are the users' own, and
# "[/x]" in one would stop a command with MarkupError (styles are given as `style=`, never inline).
out = Console(markup=False, emoji=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)  # whole lines, to grep
DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file", dir_okay=False)]

#: bidirectional overrides and isolates: they reorder what a terminal shows (a file name could read as another)
_BIDI = {"\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def terminal_text(text: object) -> str:
    """`text` with every control character written out (ESC as \\x1b), so a user's string cannot drive the terminal.

    A file name, cell value or name holding ESC could recolour, move the cursor or retitle the
    window, and a newline could forge a line of the report; each is shown as its escape instead.
    """
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if unicodedata.category(c) == "Cc" or c in _BIDI
        else c
        for c in str(text)
    )


def problem_line(p: Problem) -> str:
    return terminal_text(p.line())
