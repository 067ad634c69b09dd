"""Paths of the municipality registry and boundary files (2020 and 2024 structures); nothing is read here."""

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

# The 2024 structure (357 municipalities, 15 counties), built by the same script (--edition 2024).
BOUNDARIES_2024_PATH = GEODATA_DIR / "kommuner-2024.geojson"
REGISTRY_2024_PATH = GEODATA_DIR / "kommuner-2024.csv"
ALIASES_2024_PATH = GEODATA_DIR / "aliases-2024.csv"
FYLKER_2024_PATH = GEODATA_DIR / "fylker-2024.csv"
NEIGHBOURS_2024_PATH = GEODATA_DIR / "source_neighbours-2024.csv"
LABELS_2024_PATH = GEODATA_DIR / "kommuner-2024-labels.csv"
# Kartverket 2024 via robhop/fylker-og-kommuner, kept outside the repository (see README).
SOURCE_2024_DIR = GEODATA_DIR.parents[1] / "shared" / "geodata-2024"

__all__ = [
    "ALIASES_2024_PATH",
    "ALIASES_PATH",
    "BOUNDARIES_2024_PATH",
    "BOUNDARIES_PATH",
    "FYLKER_2024_PATH",
    "FYLKER_PATH",
    "GEODATA_DIR",
    "LABELS_2024_PATH",
    "LABELS_PATH",
    "LABEL_BOXES_A4_PATH",
    "METADATA_PATH",
    "NEIGHBOURS_2024_PATH",
    "NEIGHBOURS_PATH",
    "NUMBER_CHANGES_2024_PATH",
    "RAW_DIR",
    "REGISTRY_2024_PATH",
    "REGISTRY_PATH",
    "SOURCE_2024_DIR",
]
