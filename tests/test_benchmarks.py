"""Every benchmark's imports still resolve (they are run by hand, so nothing else would notice a module they use
moving): each `from X import Y` of ours names a module that imports and a name it holds."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))
OURS = ("dashboard", "loaders", "metrics", "reporting", "marac_cli", "tests")


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_benchmark_imports_resolve(script: Path) -> None:
    wanted = [
        (node.module, alias.name)
        for node in ast.walk(ast.parse(script.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OURS
        for alias in node.names
    ]
    assert wanted, script.name  # every benchmark measures something of ours
    for module, name in wanted:
        imported = importlib.import_module(module)
        assert hasattr(imported, name) or importlib.util.find_spec(f"{module}.{name}"), f"{module}.{name}"
