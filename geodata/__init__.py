"""Paths of the municipality registry and boundary files (2020 structure); nothing is read here."""

from pathlib import Path

GEODATA_DIR = Path(__file__).resolve().parent

BOUNDARIES_PATH = GEODATA_DIR / "kommuner-2020.geojson"
LABELS_PATH = GEODATA_DIR / "kommuner-2020-labels.csv"
# The names an A4 export of the survey area shows, with their boxes (build_labels.py --boxes).
LABEL_BOXES_A4_PATH = GEODATA_DIR / "kommuner-2020-label-boxes-a4.csv"
REGISTRY_PATH = GEODATA_DIR / "kommuner-2020.csv"
ALIASES_PATH = GEODATA_DIR / "aliases.csv"
FYLKER_PATH = GEODATA_DIR / "fylker-2020.csv"
NEIGHBOURS_PATH = GEODATA_DIR / "source_neighbours.csv"
NUMBER_CHANGES_2024_PATH = GEODATA_DIR / "kommunenummer-2020-2024.csv"
METADATA_PATH = GEODATA_DIR / "datasets.json"
RAW_DIR = GEODATA_DIR / "raw"

__all__ = [
    "ALIASES_PATH",
    "BOUNDARIES_PATH",
    "FYLKER_PATH",
    "GEODATA_DIR",
    "LABELS_PATH",
    "LABEL_BOXES_A4_PATH",
    "METADATA_PATH",
    "NEIGHBOURS_PATH",
    "NUMBER_CHANGES_2024_PATH",
    "RAW_DIR",
    "REGISTRY_PATH",
]
