"""Data flows one way: metrics, loaders, reporting and the CLI never pull in Streamlit, and pages never open the database."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[str]:
    return [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in sorted((ROOT / package).rglob("*.py"))
        if p.stem != "__init__"
    ]


def _loaded_by(modules: list[str], roots: tuple[str, ...]) -> str:
    """Which of `roots` importing every one of `modules` in a fresh interpreter pulls in."""
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + (f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(roots)!r})))")
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize("package", ["metrics", "loaders"])
def test_package_imports_no_ui(package: str) -> None:
    modules = _modules(package)
    assert len(modules) >= 3
    assert _loaded_by(modules, ("streamlit", "plotly", "reporting", "dashboard")) == ""


@pytest.mark.parametrize("package", ["reporting", "marac_cli"])
def test_reporting_and_the_cli_never_import_streamlit(package: str) -> None:
    """Pages and the `marac` command share `reporting`; the command never reaches into the Streamlit app."""
    modules = _modules(package)
    assert len(modules) >= 1
    assert _loaded_by(modules, ("streamlit", "dashboard")) == ""


def test_loaders_and_the_cli_import_no_ui_even_inside_functions() -> None:
    """The runtime checks above see only module-level imports; a command's lazy import is read from the source."""
    for package, banned in (
        ("loaders", {"streamlit", "plotly", "reporting", "dashboard"}),
        ("marac_cli", {"dashboard", "streamlit"}),
    ):
        files = list((ROOT / package).rglob("*.py"))
        assert files, package
        for path in files:
            assert not _imports(path) & banned, path.name


def test_reporting_never_imports_the_app_or_the_database() -> None:
    """It may name the loaders' data (a problem, a raw table) but never reads or writes the database itself."""
    for path in (ROOT / "reporting").rglob("*.py"):
        imported = _imports(path, whole=True)
        assert not {i.split(".")[0] for i in imported} & {"streamlit", "dashboard", "duckdb"}, path.name
        assert not imported & {"loaders.store", "loaders.history", "loaders.upload"}, path.name


def test_metrics_do_no_file_or_database_io() -> None:
    for path in (ROOT / "metrics").glob("*.py"):
        imported = _imports(path)
        assert not imported & {"duckdb", "streamlit", "plotly", "loaders", "reporting", "dashboard"}, path.name


def test_pages_never_open_the_database() -> None:
    """Pages read through `dashboard.data` (cached, keyed on the data version); only it calls the loaders that read or
    write the database."""
    pages = list((ROOT / "dashboard" / "pages").glob("*.py"))
    assert len(pages) >= 2
    for path in pages:
        assert not _imports(path, whole=True) & {
            "duckdb",
            "loaders.store",
            "loaders.history",
            "loaders.upload",
            "loaders.boundaries",
            "loaders.reference",
        }, path.name


def test_no_import_cycles() -> None:
    """Project modules import one another in one direction only (a module-level import graph with no loop)."""
    graph = {
        m: {i for i in _imports(ROOT / (m.replace(".", "/") + ".py"), whole=True, top_level=True) if i in MODULES}
        for m in MODULES
    }
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            assert seen.get(nxt) != 1, " -> ".join([*path, node, nxt])
            if nxt not in seen:
                visit(nxt, [*path, node])
        seen[node] = 2

    for module in sorted(graph):
        if module not in seen:
            visit(module, [])


def _imports(path: Path, *, whole: bool = False, top_level: bool = False) -> set[str]:
    """Modules `path` imports: their first part, or (`whole`) their dotted names and those of `from X import Y` too;
    `top_level`: only imports run when the module loads (not those inside functions)."""
    names: set[str] = set()
    tree = ast.parse(path.read_text())
    for node in tree.body if top_level else ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name if whole else a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module if whole else node.module.split(".")[0])
            if whole:
                names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for package in ("metrics", "loaders", "reporting", "dashboard", "marac_cli")
    for p in (ROOT / package).rglob("*.py")
    if p.stem != "__init__"
)
