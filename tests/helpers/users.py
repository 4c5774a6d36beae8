"""A small database for the users tests: a registry of four London MARACs of its own (so no test depends on how many
MARACs the shipped default holds), and no users yet. Tests build it once and copy it for each test, far quicker than
a new database."""

from __future__ import annotations

from pathlib import Path

from loaders import registry_store, store
from tests.helpers.partnership import registry_file

REGISTRY = [
    ["E09000012", "Hackney", "E09000012", "", "Central East", "BCU"],
    ["E09000013", "Hammersmith and Fulham", "E09000013", "", "Central West", "BCU"],
    ["E09000019", "Islington", "E09000019", "", "Central North", "BCU"],
    ["E09000030", "Tower Hamlets", "E09000030", "", "Central East", "BCU"],
]


def registry_db(directory: Path) -> Path:
    db = directory / "users.duckdb"
    with store.writing(db) as conn:
        loaded = registry_store.load_registry(conn, registry_file(directory / "registry.csv", REGISTRY), who="test")
        assert loaded.outcome == "loaded", loaded.read.report.text()
    return db


def leftovers(db: Path) -> list[str]:
    """Files a writer left beside the database other than its lock: a refused change must leave none."""
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}."))
