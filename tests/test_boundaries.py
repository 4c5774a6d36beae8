"""Data flows one way: metrics and loaders never pull in the UI, and pages never open the database."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("package", ["metrics", "loaders"])
def test_package_imports_no_ui(package: str) -> None:
    modules = [f"{package}.{p.stem}" for p in (ROOT / package).glob("*.py") if p.stem != "__init__"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert len(modules) >= 3
    assert loaded == ""


def test_metrics_do_no_file_or_database_io() -> None:
    for path in (ROOT / "metrics").glob("*.py"):
        imported = _imports(path)
        assert not imported & {"duckdb", "streamlit", "plotly", "loaders", "dashboard"}, path.name


def test_pages_never_import_duckdb() -> None:
    pages = list((ROOT / "dashboard" / "pages").glob("*.py"))
    assert len(pages) >= 2
    for path in pages:
        assert "duckdb" not in _imports(path), path.name


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names
