"""The installed package carries its reference data: an install reads populations, geography, ranges and the default
registry from inside the package, with no clone beside it (a partnership installs, it does not fork)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# run with the wheel's copy first on the path and the editable install (this checkout) taken away
_PROBE = """
import sys
sys.meta_path = [m for m in sys.meta_path if "editable" not in repr(m).lower()]
sys.path = [sys.argv[1]] + [p for p in sys.path if not p.startswith(sys.argv[2])]
from loaders import reference
from loaders.registry import read_registry
tables = reference.read_reference()
rows = read_registry(reference.REFERENCE_DIR / "registry.csv", tables["area"]).rows
print(reference.REFERENCE_DIR)
print(tables["area"].height, len({r.marac_code for r in rows}), tables["population"]["base"].n_unique())
"""


def test_an_installed_package_reads_its_reference_data_without_the_checkout(tmp_path: Path) -> None:
    # built from a copy, so the build leaves nothing (build/, *.egg-info) in the checkout
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", "build", "*.egg-info", "__pycache__", "*.duckdb*", "test-artifacts", "data/demo*"
        ),
    )
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "wheel"), str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "wheel").glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"marac_reference/areas.csv", "marac_reference/registry.csv", "dashboard/app.py"} <= names
    assert "dashboard/pages/regional_overview.py" in names  # Streamlit runs the pages by path, so they must travel
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(target), str(ROOT.parent)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    folder, counts = probe.stdout.split("\n")[:2]
    assert Path(folder) == target / "marac_reference"
    areas, maracs, bases = map(int, counts.split())
    assert areas == 331 and maracs > 0 and bases == 2  # every authority of England and Wales; Census 2021 and mid-2023
