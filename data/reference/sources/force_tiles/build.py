#!/usr/bin/env python3
"""Rebuild data/reference/force_tile_layout.csv: one square per police force area of England and Wales (43).

Why this exists: the National picture page maps every force as an equal square, so the City of London is as visible
as Dyfed-Powys. No force-level tile layout was found, so this one is made from Open Innovations' hex layout of local
authority districts (`shared/data/layout/uk-local-authority-districts-2021.hexjson`, MIT licence: its notice is
`LICENSE` beside this script and must stay with the layout), which places every Census 2021 district in one hex.
The method is written down here so the layout can be checked and redone:

1. each district's hex centre: hexjson is "odd-r" (odd rows shifted right by half a hex), so x = q + 0.5 on odd rows
   and y = r × √3/2; hexjson's `r` increases northwards;
2. each force's position is the mean of its districts' centres (districts to forces from `areas.csv`);
3. positions are scaled by `SCALE` (England and Wales then span about 7 × 7 cells) and turned so row 0 is the top;
4. forces are snapped to cells nearest first (the closest force-cell pair anywhere goes first, and so on), then
   forces are swapped or moved to an empty cell while that lowers the total squared distance between each force and
   its position, so no two forces share a cell and neighbours stay near each other.

Abbreviations are ours (`ABBREVIATIONS`). Standard library only; output UTF-8, LF, header row, sorted by code; it
reproduces the shipped file byte for byte. Usage (from the repository root):
    python data/reference/sources/force_tiles/build.py [--shared ../shared/data] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REFERENCE.parents[2] / "shared" / "data"
DEFAULT_OUT = REFERENCE / "force_tile_layout.csv"
HEXJSON = Path("layout") / "uk-local-authority-districts-2021.hexjson"
SCALE = 0.35
SOURCE = (
    "made for this dashboard from the mean hex position of each force's districts in Open Innovations' "
    "uk-local-authority-districts-2021.hexjson (MIT), snapped to a grid by data/reference/sources/force_tiles/build.py"
)

ABBREVIATIONS = {
    "E23000001": "MET",
    "E23000002": "CUM",
    "E23000003": "LAN",
    "E23000004": "MER",
    "E23000005": "GMP",
    "E23000006": "CHE",
    "E23000007": "NBR",
    "E23000008": "DUR",
    "E23000009": "NYO",
    "E23000010": "WYO",
    "E23000011": "SYO",
    "E23000012": "HUM",
    "E23000013": "CLE",
    "E23000014": "WMD",
    "E23000015": "STA",
    "E23000016": "WMC",
    "E23000017": "WAR",
    "E23000018": "DER",
    "E23000019": "NOT",
    "E23000020": "LIN",
    "E23000021": "LEI",
    "E23000022": "NTH",
    "E23000023": "CAM",
    "E23000024": "NFK",
    "E23000025": "SFK",
    "E23000026": "BED",
    "E23000027": "HER",
    "E23000028": "ESX",
    "E23000029": "TVP",
    "E23000030": "HAM",
    "E23000031": "SUR",
    "E23000032": "KEN",
    "E23000033": "SSX",
    "E23000034": "COL",
    "E23000035": "D&C",
    "E23000036": "A&S",
    "E23000037": "GLO",
    "E23000038": "WIL",
    "E23000039": "DOR",
    "W15000001": "NWA",
    "W15000002": "GWE",
    "W15000003": "SWA",
    "W15000004": "DPP",
}


def positions(reference: Path, shared: Path) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Each force's mean district position (x east, y north, in hex widths) and its ONS name."""
    hexes = json.loads((shared / HEXJSON).read_text(encoding="utf-8"))["hexes"]
    with (reference / "areas.csv").open(encoding="utf-8", newline="") as f:
        areas = list(csv.DictReader(f))
    missing = [a["lad_code"] for a in areas if a["lad_code"] not in hexes]
    if missing:
        raise SystemExit(f"{HEXJSON} has no hex for {', '.join(missing)}")
    points: dict[str, list[tuple[float, float]]] = {}
    names: dict[str, str] = {}
    for a in areas:
        q, r = hexes[a["lad_code"]]["q"], hexes[a["lad_code"]]["r"]
        points.setdefault(a["pfa_code"], []).append((q + (0.5 if r % 2 else 0.0), r * math.sqrt(3) / 2))
        names[a["pfa_code"]] = a["pfa_name"]
    if set(points) != set(ABBREVIATIONS):
        raise SystemExit("areas.csv and ABBREVIATIONS name different forces")
    mean = {code: (sum(x for x, _ in p) / len(p), sum(y for _, y in p) / len(p)) for code, p in points.items()}
    return mean, names


def snap(mean: dict[str, tuple[float, float]], scale: float = SCALE) -> dict[str, tuple[int, int]]:
    """(col, row) per force, row 0 at the top, no two forces in one cell, each as near its position as the rest allow."""
    west, north = min(x for x, _ in mean.values()), max(y for _, y in mean.values())
    wanted = {code: ((x - west) * scale, (north - y) * scale) for code, (x, y) in mean.items()}
    width = math.ceil(max(x for x, _ in wanted.values())) + 1
    height = math.ceil(max(y for _, y in wanted.values())) + 1
    cells = [(c, r) for r in range(height + 1) for c in range(width + 1)]

    def cost(code: str, cell: tuple[int, int]) -> float:
        return (wanted[code][0] - cell[0]) ** 2 + (wanted[code][1] - cell[1]) ** 2

    placed: dict[str, tuple[int, int]] = {}
    used: set[tuple[int, int]] = set()
    for _, code, cell in sorted((cost(code, cell), code, cell) for code in sorted(wanted) for cell in cells):
        if code not in placed and cell not in used:
            placed[code] = cell
            used.add(cell)
    better = True
    while better:
        better = False
        for a, b in itertools.combinations(sorted(placed), 2):
            if cost(a, placed[b]) + cost(b, placed[a]) < cost(a, placed[a]) + cost(b, placed[b]) - 1e-12:
                placed[a], placed[b] = placed[b], placed[a]
                better = True
        for code in sorted(placed):
            for cell in cells:
                if cell not in used and cost(code, cell) < cost(code, placed[code]) - 1e-12:
                    used.discard(placed[code])
                    placed[code] = cell
                    used.add(cell)
                    better = True
    left, top = min(c for c, _ in placed.values()), min(r for _, r in placed.values())
    return {code: (c - left, r - top) for code, (c, r) in placed.items()}


def build(reference: Path, shared: Path) -> list[list[str]]:
    mean, names = positions(reference, shared)
    cells = snap(mean)
    return [
        [code, ABBREVIATIONS[code], str(cells[code][0]), str(cells[code][1]), names[code], SOURCE]
        for code in sorted(cells)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help=f"default: {DEFAULT_SHARED}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["pfa_code", "abbreviation", "col", "row", "name", "source"])
        writer.writerows(build(REFERENCE, args.shared))


if __name__ == "__main__":
    main()
