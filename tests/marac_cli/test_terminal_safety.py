"""What the `marac` command prints of users' strings.

File names, cell values and names are the users' own: Rich markup in one must not stop a
command (MarkupError), and control characters must not reach the terminal raw. Where `marac serve`
agrees to serve is tests/marac_cli/test_serve_command.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import marac_cli.main as cli
from loaders import store
from tests.helpers.returns import TODAY, meeting, write_csv

NASTY = "[/red][bold]x\x1b]0;owned\x07\x1b[31m\u202e.csv"
SHOWN = "[/red][bold]x\\x1b]0;owned\\x07\\x1b[31m\\u202e.csv"


def test_control_characters_are_written_out() -> None:
    assert cli.terminal_text("a\x1b[2Jb\nc\td\x9b\u202ee") == "a\\x1b[2Jb\\x0ac\\x09d\\x9b\\u202ee"
    assert cli.terminal_text("Hackney 2021/22 Q1 [final].csv") == "Hackney 2021/22 Q1 [final].csv"


@pytest.fixture
def logged_db(tmp_path: Path) -> Path:
    """A refused load whose file name, loader name and cell value all hold markup and control characters."""
    db = tmp_path / "marac.duckdb"
    content = write_csv(tmp_path / "x.csv", [meeting(meeting_date="[/bold]\x1b[31m")]).read_bytes()
    with store.writing(db) as conn:
        result = store.load_file(conn, NASTY, name=NASTY, content=content, who="[link=http://x]eve\x1b[0m", today=TODAY)
    assert result.refused
    return db


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for every table cell whole, so the test reads what was printed rather than Rich's cut of it."""
    monkeypatch.setattr(cli.out, "width", 3000)
    monkeypatch.setattr(cli.err, "width", 3000)


def test_marac_log_prints_markup_and_escapes_as_text(logged_db: Path, wide: None) -> None:
    done = CliRunner().invoke(cli.app, ["log", "--db", str(logged_db)])
    assert done.exit_code == 0, done.output  # not MarkupError
    assert "\x1b" not in done.output and "\x07" not in done.output and "\u202e" not in done.output
    assert SHOWN in done.output
    assert "[link=http://x]eve\\x1b[0m" in done.output
    assert "refused: " in done.output and "[/bold]" in done.output  # the cell's value, as text


def test_marac_load_prints_a_problem_line_with_its_escapes_visible(tmp_path: Path, wide: None) -> None:
    path = tmp_path / "bad [bold]\x1b[2J.csv"
    write_csv(path, [meeting(meeting_date="[/bold]")])
    done = CliRunner().invoke(cli.app, ["load", str(path), "--db", str(tmp_path / "m.duckdb")])
    assert done.exit_code == 1, done.output
    assert "\x1b" not in done.output
    assert (
        'ERROR bad [bold]\\x1b[2J.csv, row 2, column "meeting_date": the date is not in a recognised form '
        '(value "[/bold]")'
    ) in done.output


def test_marac_history_prints_names_as_text(tmp_path: Path, wide: None) -> None:
    db = tmp_path / "marac.duckdb"
    content = write_csv(tmp_path / "x.csv", [meeting(meeting_date="14/01/2021")]).read_bytes()
    with store.writing(db) as conn:
        store.load_file(conn, NASTY, name=NASTY, content=content, who="[bold]eve\x1b[0m", today=TODAY)
    done = CliRunner().invoke(cli.app, ["history", "--db", str(db), "--marac", "E09000012"])
    assert done.exit_code == 0, done.output
    assert "\x1b" not in done.output
    assert f"by [bold]eve\\x1b[0m  {SHOWN}  1 meeting(s), 4 cases  (current)" in done.output
