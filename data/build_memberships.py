"""Derive data/memberships.csv from the participant lists as printed in the report.

Why a script: the report's participant cells are transcribed verbatim (arrangements.csv,
sources/full_lists.csv) so they can be checked against the PDF line by line; turning names
into kommunenummer is mechanical and must not be done by hand. Run it after editing either file:

    python3 data/build_memberships.py          # rewrite data/memberships.csv
    python3 data/build_memberships.py --check  # exit 1 if memberships.csv is stale
"""
from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REGISTRY = ROOT / "geodata" / "kommuner-2020.csv"
ALIASES = ROOT / "geodata" / "aliases.csv"

# Cells that only summarise ("Eid av 23 kommuner inkl. A, B") keep just the named part.
SUMMARY_PREFIX = re.compile(r"^(?:Eid av )?\d+ kommuner.*?inkl\.\s*")

# Plain "Våler" is ambiguous in 2020 (3018 in Viken, 3419 in Innlandet). The report writes the
# Innlandet one as "Våler (Innlandet)"; the two lists below name it among Østfold municipalities
# (Fredrikstad, Halden, Hvaler, Moss, Råde, Sarpsborg), so they mean Våler in Viken (Østfold).
CONTEXT_RESOLUTIONS = {
    ("nivi-5.7-14", "Våler"): "3018",
    ("nivi-4.1-31", "Våler"): "3018",
}


class UnknownName(ValueError):
    """A participant name that matches no municipality of 2020."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def name_index() -> dict[str, list[str]]:
    """Map every accepted spelling (display name, plain name, alias) to kommunenummer."""
    index: dict[str, list[str]] = {}
    for row in _read_csv(REGISTRY):
        number = row["kommunenummer"]
        display = row["kommune"]
        plain = re.sub(r"\s*\(.*\)$", "", display)
        for key in {display, plain}:
            index.setdefault(key, [])
            if number not in index[key]:
                index[key].append(number)
    for row in _read_csv(ALIASES):
        index.setdefault(row["alias"], [])
        if row["kommunenummer"] not in index[row["alias"]]:
            index[row["alias"]].append(row["kommunenummer"])
    return index


def split_names(cell: str) -> list[str]:
    """Names in a participant cell, in printed order."""
    named = SUMMARY_PREFIX.sub("", cell.strip())
    return [part.strip() for part in named.split(",") if part.strip()]


def participant_cell(arrangement: dict[str, str], full_lists: dict[str, str]) -> str:
    """The cell the members come from: the full list where one was used, else the row's own."""
    source = arrangement["members_source"]
    if source in full_lists:
        return full_lists[source]
    return arrangement["participants_printed"]


def build_rows() -> list[dict[str, str]]:
    index = name_index()
    registry_names = {row["kommunenummer"]: row["kommune"] for row in _read_csv(REGISTRY)}
    full_lists = {row["source"]: row["participants_printed"] for row in _read_csv(DATA / "sources" / "full_lists.csv")}
    rows: list[dict[str, str]] = []
    for arrangement in _read_csv(DATA / "arrangements.csv"):
        seen: set[str] = set()
        for name in split_names(participant_cell(arrangement, full_lists)):
            context = (arrangement["id"], name)
            if context in CONTEXT_RESOLUTIONS:
                number = CONTEXT_RESOLUTIONS[context]
            else:
                matches = index.get(name, [])
                if len(matches) != 1:
                    why = "ambiguous" if matches else "unknown"
                    raise UnknownName(f"{arrangement['id']}: {why} municipality name {name!r}")
                number = matches[0]
            if number in seen:
                raise UnknownName(f"{arrangement['id']}: {name!r} listed twice")
            seen.add(number)
            rows.append(
                {
                    "arrangement_id": arrangement["id"],
                    "kommunenummer": number,
                    "kommune": registry_names[number],
                    "listed_in": arrangement["members_source"],
                }
            )
    return rows


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["arrangement_id", "kommunenummer", "kommune", "listed_in"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    target = DATA / "memberships.csv"
    try:
        text = render(build_rows())
    except UnknownName as error:
        print(f"build_memberships: {error}", file=sys.stderr)
        return 1
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print("data/memberships.csv is stale: run python3 data/build_memberships.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
