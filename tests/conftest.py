"""Shared fixtures: the hand-worked database of `tests.helpers.fixture_db` (its docstring has the figures), built
through the real loader once per session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loaders import registry_store, store
from loaders.demo import write_return
from tests.helpers.fixture_db import (
    CAMDEN_PLANTED,
    fix_disclosure_key,
    meeting,
    write_fixture_registry,
    write_fixture_returns,
)


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the two MARACs above, loaded through the real loader."""
    directory = tmp_path_factory.mktemp("fixture")
    db = directory / "fixture.duckdb"
    with store.writing(db) as conn:
        fix_disclosure_key(conn)
        registry = registry_store.load_registry(conn, write_fixture_registry(directory / "registry.csv"), who="test")
        assert registry.outcome == "loaded", registry.read.report.text()
        for path in write_fixture_returns(directory / "returns"):
            result = store.load_file(conn, path, who="test")
            assert result.outcome == "loaded", result.report.text()
    return db


@pytest.fixture(scope="session")
def planted_db(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database plus Camden's small quarter."""
    import shutil

    directory = tmp_path_factory.mktemp("planted")
    db = directory / "planted.duckdb"
    shutil.copyfile(fixture_db, db)
    with store.writing(db) as conn:
        result = store.load_file(
            conn, write_return(directory / "camden.csv", [meeting("E09000007", date(2021, 2, 9), **CAMDEN_PLANTED)])
        )
        assert result.outcome == "loaded", result.report.text()
    return db


@pytest.fixture(scope="session")
def users_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small MARAC database with its own four-MARAC registry and no users (tests/helpers/users.py)."""
    from tests.helpers.users import registry_db

    return registry_db(tmp_path_factory.mktemp("users"))


@pytest.fixture
def users_db(users_template: Path, tmp_path: Path) -> Path:
    """A copy of `users_template` a test may change."""
    path = tmp_path / "marac.duckdb"
    path.write_bytes(users_template.read_bytes())
    return path
