"""Read and validate the built-in data and users' spreadsheets; every problem is reported, none guessed."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import geopandas as gpd
import pandas as pd

from dashboard.model import LEGAL_FORM_LABELS, CooperationModel, source_text
from dashboard.registry import (
    ALIAS_COLUMNS,
    KOMMUNENUMMER_PATTERN,
    REGISTRY_COLUMNS,
    AmbiguousMunicipality,
    MunicipalityNameError,
    Registry,
    closest_names,
    normalize_name,
)
from geodata import ALIASES_PATH, BOUNDARIES_PATH, GEODATA_DIR, REGISTRY_PATH

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# File names inside any geodata folder (the real one or a test fixture).
REGISTRY_FILE = REGISTRY_PATH.name
ALIASES_FILE = ALIASES_PATH.name
BOUNDARIES_FILE = BOUNDARIES_PATH.name

# Data contract (see data/README.md): required columns per file, in file order.
DATA_COLUMNS: dict[str, tuple[str, ...]] = {
    "arrangements.csv": (
        "id", "name", "sector", "services", "legal_form", "legal_form_basis", "hosts", "host_basis",
        "established", "established_basis", "source_table", "source_row", "participants_printed",
        "members_source", "stated_member_count", "members_complete", "note",
    ),
    "memberships.csv": ("arrangement_id", "kommunenummer", "kommune", "listed_in"),
    "services.csv": ("id", "label", "table_3_1_nr", "table_3_1_count", "main"),
    "sectors.csv": ("id", "label", "source_table"),
    "surveyed.csv": ("kommunenummer", "kommune", "region_id", "innbyggere_2021"),
    "regions.csv": ("id", "name", "kind", "source"),
    "region_members.csv": ("region_id", "kommunenummer"),
}
REGION_KINDS = ("kommuneregion", "delregion", "regionraad", "fylke", "region")
LEGAL_FORMS = ("IKS", "AS", "IPR", "KO", "vertskommune", "§27", "plansamarbeid", "stiftelse", "ukjent")
BOOLEANS = {"true": True, "false": False}
CELL_LIST_SEPARATOR = ";"
ESTABLISHED_PATTERN = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
YEAR_RANGE = (1800, 2100)
SOURCE_LABEL = "NIVI Analyse 2021"

# Users' spreadsheets (issue 5).
USER_COLUMNS = ("navn", "tjeneste", "sektor", "deltakere", "vertskommune", "organisasjonsform", "etablert", "kilde")
USER_REQUIRED = ("navn", "deltakere")
USER_COLUMN_SYNONYMS = {
    "tjenester": "tjeneste",
    "tjenesteområde": "tjeneste",
    "deltaker": "deltakere",
    "deltakerkommuner": "deltakere",
    "kommuner": "deltakere",
    "vertskommuner": "vertskommune",
    "vert": "vertskommune",
    "organisering": "organisasjonsform",
    "år": "etablert",
    "etableringsår": "etablert",
    "etablert år": "etablert",
    "kilder": "kilde",
}
USER_LIST_SPLIT = re.compile(r"[;,\n]")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_ROWS = 5000
# Words people write for a legal form, mapped to the contract's ids.
LEGAL_FORM_SYNONYMS = {
    "interkommunalt selskap": "IKS",
    "aksjeselskap": "AS",
    "vertskommunesamarbeid": "vertskommune",
    "kommunalt oppgavefellesskap": "KO",
    "interkommunalt politisk råd": "IPR",
    "§ 27": "§27",
    "27": "§27",
    "samarbeidsavtale": "avtale",
}
USER_LEGAL_FORMS = (*LEGAL_FORMS, "avtale", "annet")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place; str() is the line a person reads (row as seen in Excel)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»")
        text = f"{', '.join(where)}: {self.message}"
        if self.suggestion:
            text += f". Mente du «{self.suggestion}»?"
        return text


class DataError(Exception):
    """Data that can't be used, with every problem found (never just the first)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def count_text(self) -> str:
        """ "1 problem" / "3 problemer" — for headings above the lines."""
        count = len(self.problems)
        return "1 problem" if count == 1 else f"{count} problemer"

    def __str__(self) -> str:
        return "\n".join([f"{self.count_text()} i dataene:", *(str(problem) for problem in self.problems)])


class _Problems:
    """Collects problems while reading, so validation can go on after the first one."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        suggestion: str | None = None,
    ) -> None:
        shown = None if value is None else str(value)
        self.items.append(Problem(file, row, column, shown, message, suggestion))

    def municipality(self, file: str, row: int | None, column: str, error: MunicipalityNameError) -> None:
        """Record a name the registry refused, with its best suggestion (none when ambiguous)."""
        suggestion = None if isinstance(error, AmbiguousMunicipality) or not error.choices else error.choices[0]
        self.add(file, row, column, error.value, error.reason, suggestion)

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items)


def excel_row(position: int) -> int:
    """Row number a person sees in Excel for the n-th data row (0-based); the header is row 1."""
    return position + 2


def split_list(cell: str, separator: str = CELL_LIST_SEPARATOR) -> tuple[str, ...]:
    """Items of a list cell ("a;b;c"), stripped, empty items left out."""
    return tuple(item.strip() for item in str(cell).split(separator) if item.strip())


# ---------------------------------------------------------------------------------------
# Built-in data
# ---------------------------------------------------------------------------------------


def _read_table(path: Path, label: str, columns: Sequence[str], problems: _Problems) -> pd.DataFrame | None:
    """A contract CSV as text columns, or None (with a problem) when missing or short of columns."""
    if not path.exists():
        problems.add(label, None, None, None, "filen finnes ikke")
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problems.add(label, None, None, None, f"kan ikke leses som UTF-8 CSV ({type(error).__name__})")
        return None
    frame.columns = [str(column).strip() for column in frame.columns]
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        problems.add(
            label,
            1,
            None,
            ", ".join(missing),
            f"mangler kolonne(r) {', '.join(missing)}. Forventede kolonner: {', '.join(columns)}",
        )
        return None
    return frame.apply(lambda column: column.str.strip())


def _check_unique(frame: pd.DataFrame, column: str, label: str, problems: _Problems) -> None:
    """Report every repeat of a value that must be unique, naming the first row it was on."""
    first_row: dict[str, int] = {}
    for position, value in enumerate(frame[column]):
        if value in first_row:
            problems.add(label, excel_row(position), column, value, f"«{value}» står også på rad {first_row[value]}")
        else:
            first_row[value] = excel_row(position)


def _check_required(frame: pd.DataFrame, column: str, label: str, problems: _Problems) -> None:
    for position, value in enumerate(frame[column]):
        if not value:
            problems.add(label, excel_row(position), column, value, "verdi mangler")


def _check_id_table(frame: pd.DataFrame, name_column: str, label: str, problems: _Problems) -> None:
    """A table of things with ids: every row has an id and a name, and ids are unique."""
    _check_required(frame, "id", label, problems)
    _check_required(frame, name_column, label, problems)
    _check_unique(frame, "id", label, problems)


def _check_known(
    values: Iterable[tuple[int, str]],
    valid: Sequence[str],
    label: str,
    column: str,
    what: str,
    problems: _Problems,
) -> None:
    """Each (row, value) must be one of `valid`; otherwise name it and the closest valid one."""
    valid_set = set(valid)
    choices = {normalize_name(item): item for item in valid}
    for row, value in values:
        if value not in valid_set:
            suggestion = closest_names(value, choices, 1)
            problems.add(label, row, column, value, f"ukjent {what} «{value}»", suggestion[0] if suggestion else None)


def _check_kommunenummer(
    values: Iterable[tuple[int, str]], registry: Registry, label: str, column: str, problems: _Problems
) -> None:
    for row, value in values:
        if not KOMMUNENUMMER_PATTERN.match(value):
            problems.add(label, row, column, value, f"kommunenummer må være fire sifre, ikke «{value}»")
        elif value not in registry and len(registry):  # an unreadable registry is reported once
            problems.add(label, row, column, value, f"kommunenummer «{value}» finnes ikke i kommuneregisteret 2020")


def _check_name_matches(
    frame: pd.DataFrame, label: str, registry: Registry, problems: _Problems
) -> None:
    """A `kommune` column must name the same municipality as its `kommunenummer` (catches typos)."""
    for position, (knr, name) in enumerate(zip(frame["kommunenummer"], frame["kommune"])):
        if knr not in registry:
            continue
        try:
            resolved = registry.resolve(name)
        except AmbiguousMunicipality as error:
            if registry.name_of(knr) in error.choices:
                continue
            problems.municipality(label, excel_row(position), "kommune", error)
            continue
        except MunicipalityNameError as error:
            problems.municipality(label, excel_row(position), "kommune", error)
            continue
        if resolved != knr:
            problems.add(
                label,
                excel_row(position),
                "kommune",
                name,
                f"«{name}» er kommunenummer {resolved}, men raden har {knr} ({registry.name_of(knr)})",
            )


def _check_int(frame: pd.DataFrame, column: str, label: str, problems: _Problems, allow_empty: bool) -> None:
    for position, value in enumerate(frame[column]):
        if value == "" and allow_empty:
            continue
        if not value.isdigit():
            problems.add(label, excel_row(position), column, value, f"må være et heltall, ikke «{value}»")


def _check_bool(frame: pd.DataFrame, column: str, label: str, problems: _Problems) -> None:
    for position, value in enumerate(frame[column]):
        if value not in BOOLEANS:
            problems.add(label, excel_row(position), column, value, f"må være true eller false, ikke «{value}»")


def _rows(frame: pd.DataFrame, column: str) -> list[tuple[int, str]]:
    return [(excel_row(position), value) for position, value in enumerate(frame[column])]


def load_registry(geodata_dir: Path = GEODATA_DIR, problems: _Problems | None = None) -> Registry:
    """The validated municipality registry; bad rows are reported (and left out of the index).

    With `problems` given, problems are collected there and the usable part is returned, so
    load_builtin can report registry and data problems together; alone it raises DataError.
    """
    own = problems is None
    problems = problems or _Problems()
    label = f"{geodata_dir.name}/{REGISTRY_FILE}"
    frame = _read_table(geodata_dir / REGISTRY_FILE, label, REGISTRY_COLUMNS, problems)
    if frame is None:
        frame = pd.DataFrame(columns=list(REGISTRY_COLUMNS))
    bad = pd.Series(False, index=frame.index)
    for position, (knr, name, fylkesnummer) in enumerate(
        zip(frame["kommunenummer"], frame["kommune"], frame["fylkesnummer"])
    ):
        row = excel_row(position)
        if not KOMMUNENUMMER_PATTERN.match(knr):
            problems.add(label, row, "kommunenummer", knr, f"kommunenummer må være fire sifre, ikke «{knr}»")
            bad[position] = True
        if not name:
            problems.add(label, row, "kommune", name, "kommunenavn mangler")
            bad[position] = True
        if not re.fullmatch(r"\d{2}", fylkesnummer) or not knr.startswith(fylkesnummer):
            problems.add(label, row, "fylkesnummer", fylkesnummer, f"fylkesnummer «{fylkesnummer}» passer ikke til {knr}")
    _check_unique(frame, "kommunenummer", label, problems)
    _check_unique(frame, "kommune", label, problems)
    frame = frame.loc[~bad].drop_duplicates("kommunenummer").drop_duplicates("kommune")

    alias_label = f"{geodata_dir.name}/{ALIASES_FILE}"
    aliases = _read_table(geodata_dir / ALIASES_FILE, alias_label, ALIAS_COLUMNS, problems)
    if aliases is None:
        aliases = pd.DataFrame(columns=list(ALIAS_COLUMNS))
    plain = Registry.from_frames(frame)  # names without aliases: an alias must not shadow one
    good_alias = []
    for position, (alias, knr) in enumerate(zip(aliases["alias"], aliases["kommunenummer"])):
        row = excel_row(position)
        ok = True
        if not alias:
            problems.add(alias_label, row, "alias", alias, "alias mangler")
            ok = False
        if knr not in plain:
            problems.add(alias_label, row, "kommunenummer", knr, f"kommunenummer «{knr}» finnes ikke i registeret")
            ok = False
        if ok:
            try:
                other = plain.resolve(alias)
            except AmbiguousMunicipality:
                other = "flere"
            except MunicipalityNameError:
                other = knr  # a new name, as an alias should be
            if other != knr:
                problems.add(alias_label, row, "alias", alias, f"«{alias}» er allerede navnet på kommune {other}")
                ok = False
        good_alias.append(ok)
    aliases = aliases.loc[good_alias] if len(aliases) else aliases
    _check_unique(aliases, "alias", alias_label, problems)
    aliases = aliases.drop_duplicates("alias")

    registry = Registry.from_frames(frame, aliases)
    if own:
        problems.raise_if_any()
    return registry


def _read_boundaries(geodata_dir: Path, registry: Registry, needed: set[str], problems: _Problems) -> gpd.GeoDataFrame:
    """Boundaries joined to the registry by kommunenummer (never by position)."""
    label = f"{geodata_dir.name}/{BOUNDARIES_FILE}"
    columns = ["kommunenummer", "kommune", "fylkesnummer", "fylke", "geometry"]
    empty = gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    path = geodata_dir / BOUNDARIES_FILE
    if not path.exists():
        problems.add(label, None, None, None, "filen finnes ikke")
        return empty
    try:
        raw = gpd.read_file(path, engine="pyogrio")
    except Exception as error:  # pyogrio raises several driver-specific types
        problems.add(label, None, None, None, f"kan ikke leses som GeoJSON ({error})")
        return empty
    if "kommunenummer" not in raw.columns:
        problems.add(label, None, "kommunenummer", None, "mangler egenskapen «kommunenummer»")
        return empty
    if raw.crs is None or raw.crs.to_epsg() != 4326:
        problems.add(label, None, None, str(raw.crs), "koordinatsystemet må være EPSG:4326")
    raw["kommunenummer"] = raw["kommunenummer"].astype(str)
    for position, (knr, geometry) in enumerate(zip(raw["kommunenummer"], raw.geometry)):
        feature = f"objekt {position + 1}"
        if not KOMMUNENUMMER_PATTERN.match(knr):
            problems.add(label, None, "kommunenummer", knr, f"{feature}: kommunenummer må være fire sifre")
        elif knr not in registry:
            problems.add(label, None, "kommunenummer", knr, f"{feature}: kommunenummer finnes ikke i registeret")
        if geometry is None or geometry.is_empty:
            problems.add(label, None, "geometry", knr, f"{feature}: geometrien er tom")
    if "kommune" in raw.columns:
        for position, (knr, name) in enumerate(zip(raw["kommunenummer"], raw["kommune"])):
            if knr in registry and str(name) != registry.name_of(knr):
                problems.add(
                    label, None, "kommune", name,
                    f"objekt {position + 1}: {knr} heter «{registry.name_of(knr)}» i kommuneregisteret",
                )
    repeated = raw.loc[raw["kommunenummer"].duplicated(), "kommunenummer"]
    for knr in repeated:
        problems.add(label, None, "kommunenummer", knr, f"kommunenummer «{knr}» har flere objekter")
    for knr in sorted(needed - set(raw["kommunenummer"])):
        if knr in registry:
            problems.add(label, None, "kommunenummer", knr, f"mangler grense for {registry.name_of(knr)} ({knr})")
    joined = raw.loc[:, ["kommunenummer", "geometry"]].drop_duplicates("kommunenummer").merge(
        registry.municipalities, on="kommunenummer", how="inner", validate="one_to_one"
    )
    return gpd.GeoDataFrame(joined.loc[:, columns], geometry="geometry", crs=raw.crs)


def load_builtin(data_dir: Path = DATA_DIR, geodata_dir: Path = GEODATA_DIR) -> CooperationModel:
    """The survey data of data/ and geodata/, fully validated, as one immutable model.

    Pure function of the files: call once (app start, one CLI run); see load_builtin_cached.
    Raises DataError listing every problem in every file.
    """
    data_dir, geodata_dir = Path(data_dir), Path(geodata_dir)
    problems = _Problems()
    registry = load_registry(geodata_dir, problems)

    def label(name: str) -> str:
        return f"{data_dir.name}/{name}"

    frames = {
        name: _read_table(data_dir / name, label(name), columns, problems) for name, columns in DATA_COLUMNS.items()
    }
    empty = {name: pd.DataFrame(columns=list(columns)) for name, columns in DATA_COLUMNS.items()}
    tables = {name: frame if frame is not None else empty[name] for name, frame in frames.items()}
    # Cross-file checks against an unreadable file would only repeat its one problem per row.
    readable = {name for name, frame in frames.items() if frame is not None}

    services = tables["services.csv"]
    lbl = label("services.csv")
    _check_id_table(services, "label", lbl, problems)
    _check_bool(services, "main", lbl, problems)
    _check_int(services, "table_3_1_nr", lbl, problems, allow_empty=True)
    _check_int(services, "table_3_1_count", lbl, problems, allow_empty=True)

    sectors = tables["sectors.csv"]
    _check_id_table(sectors, "label", label("sectors.csv"), problems)

    regions = tables["regions.csv"]
    lbl = label("regions.csv")
    _check_id_table(regions, "name", lbl, problems)
    _check_known(_rows(regions, "kind"), REGION_KINDS, lbl, "kind", "regiontype", problems)
    region_ids = list(regions["id"])

    region_members = tables["region_members.csv"]
    lbl = label("region_members.csv")
    if "regions.csv" in readable:
        _check_known(_rows(region_members, "region_id"), region_ids, lbl, "region_id", "region", problems)
    _check_kommunenummer(_rows(region_members, "kommunenummer"), registry, lbl, "kommunenummer", problems)
    _check_pairs_unique(region_members, ("region_id", "kommunenummer"), lbl, problems)

    surveyed = tables["surveyed.csv"]
    lbl = label("surveyed.csv")
    _check_kommunenummer(_rows(surveyed, "kommunenummer"), registry, lbl, "kommunenummer", problems)
    _check_unique(surveyed, "kommunenummer", lbl, problems)
    _check_name_matches(surveyed, lbl, registry, problems)
    if "regions.csv" in readable:
        _check_known(_rows(surveyed, "region_id"), region_ids, lbl, "region_id", "region", problems)
    _check_int(surveyed, "innbyggere_2021", lbl, problems, allow_empty=False)

    arrangements = tables["arrangements.csv"]
    lbl = label("arrangements.csv")
    _check_id_table(arrangements, "name", lbl, problems)
    if "sectors.csv" in readable:
        _check_known(_rows(arrangements, "sector"), list(sectors["id"]), lbl, "sector", "sektor", problems)
    if "services.csv" in readable:
        service_rows = [(row, sid) for row, cell in _rows(arrangements, "services") for sid in split_list(cell)]
        _check_known(service_rows, list(services["id"]), lbl, "services", "tjeneste", problems)
    _check_known(_rows(arrangements, "legal_form"), LEGAL_FORMS, lbl, "legal_form", "organisasjonsform", problems)
    host_rows = [(row, knr) for row, cell in _rows(arrangements, "hosts") for knr in split_list(cell)]
    _check_kommunenummer(host_rows, registry, lbl, "hosts", problems)
    for row, value in _rows(arrangements, "established"):
        if value and not _is_year_or_range(value):
            problems.add(lbl, row, "established", value, f"må være et årstall eller «år–år», ikke «{value}»")
    _check_int(arrangements, "source_row", lbl, problems, allow_empty=False)
    _check_int(arrangements, "stated_member_count", lbl, problems, allow_empty=True)
    _check_bool(arrangements, "members_complete", lbl, problems)

    memberships = tables["memberships.csv"]
    lbl = label("memberships.csv")
    arrangement_ids = list(arrangements["id"])
    if "arrangements.csv" in readable:
        _check_known(_rows(memberships, "arrangement_id"), arrangement_ids, lbl, "arrangement_id", "ordning", problems)
    _check_kommunenummer(_rows(memberships, "kommunenummer"), registry, lbl, "kommunenummer", problems)
    _check_name_matches(memberships, lbl, registry, problems)
    _check_pairs_unique(memberships, ("arrangement_id", "kommunenummer"), lbl, problems)

    members: dict[str, set[str]] = {}
    for aid, knr in zip(memberships["arrangement_id"], memberships["kommunenummer"]):
        members.setdefault(aid, set()).add(knr)
    lbl = label("arrangements.csv")
    cross_check = {"arrangements.csv", "memberships.csv"} <= readable
    for position, (aid, hosts) in enumerate(zip(arrangements["id"], arrangements["hosts"])):
        if not cross_check:
            break
        row = excel_row(position)
        if aid and not members.get(aid):
            problems.add(lbl, row, "id", aid, f"ordningen «{aid}» har ingen deltakere i memberships.csv")
        for knr in split_list(hosts):
            if members.get(aid) and knr not in members[aid] and knr in registry:
                problems.add(
                    lbl, row, "hosts", knr, f"vertskommunen {registry.name_of(knr)} ({knr}) er ikke deltaker i «{aid}»"
                )

    needed = set(surveyed["kommunenummer"]) | set(memberships["kommunenummer"]) | set(region_members["kommunenummer"])
    boundaries = _read_boundaries(geodata_dir, registry, needed, problems)
    problems.raise_if_any()

    boundaries = boundaries.assign(surveyed=boundaries["kommunenummer"].isin(set(surveyed["kommunenummer"])))
    return CooperationModel.build(
        registry=registry,
        focus=surveyed["kommunenummer"],
        arrangements=_typed_arrangements(arrangements),
        memberships=memberships,
        regions=regions.loc[:, ["id", "name", "kind"]],
        region_members=region_members,
        boundaries=boundaries,
        source_label=SOURCE_LABEL,
        services=services.assign(main=services["main"].map(BOOLEANS).astype(bool)),
        sectors=sectors,
    )


@lru_cache(maxsize=4)
def _load_builtin_resolved(data_dir: Path, geodata_dir: Path) -> CooperationModel:
    return load_builtin(data_dir, geodata_dir)


def load_builtin_cached(data_dir: Path = DATA_DIR, geodata_dir: Path = GEODATA_DIR) -> CooperationModel:
    """load_builtin once per pair of folders per process (the model is immutable, so sharing is safe)."""
    return _load_builtin_resolved(Path(data_dir).resolve(), Path(geodata_dir).resolve())


def _check_pairs_unique(frame: pd.DataFrame, columns: tuple[str, str], label: str, problems: _Problems) -> None:
    seen: dict[tuple[str, str], int] = {}
    for position, pair in enumerate(zip(frame[columns[0]], frame[columns[1]])):
        if pair in seen:
            problems.add(
                label, excel_row(position), columns[1], pair[1], f"{pair[0]} / {pair[1]} står også på rad {seen[pair]}"
            )
        else:
            seen[pair] = excel_row(position)


def _is_year_or_range(value: str) -> bool:
    match = ESTABLISHED_PATTERN.match(value)
    if not match:
        return False
    years = [int(year) for year in match.groups() if year]
    return all(YEAR_RANGE[0] <= year <= YEAR_RANGE[1] for year in years) and years == sorted(years)


def _typed_arrangements(frame: pd.DataFrame) -> pd.DataFrame:
    """Contract text columns as the model's types: tuples for lists, ints and bools."""
    return frame.assign(
        services=frame["services"].map(split_list),
        hosts=frame["hosts"].map(split_list),
        source_row=frame["source_row"].astype(int),
        # Plain int or None (not pandas' NA, whose truth value raises in ordinary Python code).
        stated_member_count=pd.Series(
            [int(value) if value else None for value in frame["stated_member_count"]], index=frame.index, dtype=object
        ),
        members_complete=frame["members_complete"].map(BOOLEANS).astype(bool),
        source=[source_text(table, row) for table, row in zip(frame["source_table"], frame["source_row"])],
    )


# ---------------------------------------------------------------------------------------
# Users' own spreadsheets ("bring your own data", issue 5)
# ---------------------------------------------------------------------------------------

_Rows = list[tuple[int, list[str]]]


def read_user_file(
    content: bytes, filename: str, registry: Registry, base: CooperationModel | None = None
) -> CooperationModel:
    """A secretariat's spreadsheet as a model of its own, or DataError with every problem.

    CSV (`,` or `;`; UTF-8 with or without BOM, or Windows-1252) or XLSX (first sheet).
    Vocabulary (services, sectors), regions and boundaries come from `base` (the built-in
    model; loaded once via load_builtin_cached when not given), so no geometry is re-read.
    Pure: it writes nothing, and raises nothing but DataError.
    """
    label = Path(str(filename or "opplastet fil")).name
    try:
        rows = _user_rows(content, label)
        if base is None:
            base = load_builtin_cached()
        return _user_model(rows, label, registry, base)
    except DataError:
        raise
    except Exception as error:  # last line of defence: a user's file must never show a traceback
        raise DataError([Problem(label, None, None, None, f"filen kunne ikke leses ({type(error).__name__})")]) from error


def _user_rows(content: bytes, label: str) -> _Rows:
    """(Excel row number, cells) for the header and each non-blank row, within the limits."""
    if len(content) > MAX_UPLOAD_BYTES:
        size = len(content) / (1024 * 1024)
        raise DataError([Problem(label, None, None, None, f"filen er {size:.1f} MB; grensen er 5 MB")])
    if not content.strip():
        raise DataError([Problem(label, None, None, None, "filen er tom")])
    suffix = Path(label).suffix.casefold()
    if content.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(content, label)
    elif suffix == ".xls" or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError([Problem(label, None, None, None, "gammelt Excel-format (.xls) støttes ikke; lagre som .xlsx eller CSV")])
    elif suffix in ("", ".csv", ".txt"):
        rows = _csv_rows(content, label)
    else:
        raise DataError([Problem(label, None, None, suffix, f"filtypen «{suffix}» støttes ikke; bruk .xlsx eller .csv")])
    if not rows:
        raise DataError([Problem(label, None, None, None, "filen er tom")])
    return rows


def _decode(content: bytes, label: str) -> str:
    """Text of a CSV: BOMs honoured; plain bytes are UTF-8 if they decode, else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DataError(
            [Problem(label, None, None, None, "ukjent tegnkoding; lagre filen som UTF-8 eller Windows-1252 (Excel: «CSV (semikolondelt)»)")]
        ) from error


def _csv_rows(content: bytes, label: str) -> _Rows:
    text = _decode(content, label)
    lines = text.splitlines()
    if lines and lines[0].strip().casefold().startswith("sep="):
        # Excel's own hint line ("sep=;"): honour it, it is not the header.
        delimiter = lines[0].strip()[4:5] or ";"
        first_row = 2
        text = "\n".join(lines[1:])
    else:
        header_line = next((line for line in lines if line.strip()), "")
        delimiter = max((";", ",", "\t"), key=header_line.count)
        first_row = 1
    rows: _Rows = []
    try:
        for offset, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
            _append_row(rows, first_row + offset, [cell.strip() for cell in cells], label)
    except csv.Error as error:
        raise DataError([Problem(label, None, None, None, f"CSV-filen kan ikke leses ({error})")]) from error
    return rows


def _xlsx_rows(content: bytes, label: str) -> _Rows:
    from openpyxl import load_workbook  # imported here: only uploads need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own types alike
        raise DataError([Problem(label, None, None, None, "filen kan ikke leses som Excel-fil (.xlsx)")]) from error
    try:
        sheet = workbook.worksheets[0]
        rows: _Rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            _append_row(rows, number, [_cell_text(cell) for cell in cells], label)
        return rows
    finally:
        workbook.close()


def _append_row(rows: _Rows, number: int, cells: list[str], label: str) -> None:
    """Keep non-blank rows; refuse once the data rows pass the limit (the header is not counted)."""
    if not any(cells):
        return
    if len(rows) > MAX_UPLOAD_ROWS:
        raise DataError([Problem(label, None, None, None, f"filen har mer enn {MAX_UPLOAD_ROWS} rader; del den opp")])
    rows.append((number, cells))


def _cell_text(cell: object) -> str:
    """An Excel cell as the text a person sees (2015, not 2015.0)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "sann" if cell else "usann"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell).strip()


def _user_header(header: tuple[int, list[str]], label: str, problems: _Problems) -> dict[str, int]:
    """Column name -> position; reports missing required, repeated and misspelt columns."""
    number, cells = header
    positions: dict[str, int] = {}
    expected = ", ".join(USER_COLUMNS)
    choices = {column: column for column in USER_COLUMNS}
    for position, cell in enumerate(cells):
        key = normalize_name(cell)
        column = key if key in USER_COLUMNS else USER_COLUMN_SYNONYMS.get(key)
        if column is None:
            if not key:
                continue
            suggestion = closest_names(key, choices, 1)
            if suggestion:
                problems.add(label, number, cell, cell, f"ukjent kolonne «{cell}». Forventede kolonner: {expected}", suggestion[0])
            continue
        if column in positions:
            problems.add(label, number, cell, cell, f"kolonnen «{column}» finnes to ganger")
            continue
        positions[column] = position
    for column in USER_REQUIRED:
        if column not in positions:
            problems.add(label, number, None, column, f"mangler kolonnen «{column}». Forventede kolonner: {expected}")
    return positions


class _Vocabulary:
    """Case- and space-insensitive look-up of ids and labels (services, sectors, legal forms)."""

    def __init__(self, pairs: Iterable[tuple[str, str]], synonyms: dict[str, str] | None = None) -> None:
        self.by_key: dict[str, str] = {}
        self.display: dict[str, str] = {}
        for value, text in pairs:
            for word in (value, text):
                self.by_key.setdefault(normalize_name(word), value)
            self.display[normalize_name(text)] = text
            self.display.setdefault(normalize_name(value), text)
        for word, value in (synonyms or {}).items():
            self.by_key.setdefault(normalize_name(word), value)

    def find(self, word: str) -> str | None:
        return self.by_key.get(normalize_name(word))

    def closest(self, word: str) -> str | None:
        found = closest_names(word, self.display, 1)
        return found[0] if found else None


def _resolve_names(
    cell: str, row: int, column: str, label: str, registry: Registry, problems: _Problems
) -> tuple[str, ...] | None:
    """Kommunenummer for a list of names; None (with problems) if any name fails or repeats."""
    resolved: list[str] = []
    ok = True
    for name in (item.strip() for item in USER_LIST_SPLIT.split(cell)):
        if not name:
            continue
        try:
            knr = registry.resolve(name)
        except MunicipalityNameError as error:
            problems.municipality(label, row, column, error)
            ok = False
            continue
        if knr in resolved:
            problems.add(label, row, column, name, f"{registry.name_of(knr)} står to ganger")
            ok = False
            continue
        resolved.append(knr)
    return tuple(resolved) if ok else None


def _user_services(cell: str, row: int, label: str, vocabulary: _Vocabulary, problems: _Problems) -> tuple[str, ...]:
    """Service ids: the whole cell if it is one label (labels may hold commas), else a list."""
    whole = vocabulary.find(cell)
    if whole is not None:
        return (whole,)
    found: list[str] = []
    for word in (item.strip() for item in USER_LIST_SPLIT.split(cell)):
        if not word:
            continue
        service = vocabulary.find(word)
        if service is None:
            problems.add(label, row, "tjeneste", word, f"ukjent tjeneste «{word}»", vocabulary.closest(word))
        elif service not in found:
            found.append(service)
    return tuple(found)


def _user_year(cell: str, row: int, label: str, problems: _Problems) -> str:
    if not cell:
        return ""
    if _is_year_or_range(cell):
        return re.sub(r"\s*[-–]\s*", "–", cell)
    problems.add(label, row, "etablert", cell, f"«{cell}» er ikke et årstall (skriv for eksempel 2015)")
    return ""


class _UserSheet:
    """Reads one uploaded sheet row by row, collecting problems instead of stopping at one."""

    def __init__(self, header: tuple[int, list[str]], label: str, registry: Registry, base: CooperationModel) -> None:
        self.label = label
        self.registry = registry
        self.problems = _Problems()
        self.positions = _user_header(header, label, self.problems)
        self.width = len(header[1])
        self.services = _Vocabulary(zip(base.services["id"], base.services["label"]))
        self.sectors = _Vocabulary(zip(base.sectors["id"], base.sectors["label"]))
        self.legal_forms = _Vocabulary(
            ((form, LEGAL_FORM_LABELS.get(form, form)) for form in USER_LEGAL_FORMS), LEGAL_FORM_SYNONYMS
        )
        self.seen_names: dict[str, int] = {}

    def cell(self, cells: list[str], column: str) -> str:
        position = self.positions.get(column)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    def add(self, row: int, column: str | None, value: object, message: str, suggestion: str | None = None) -> None:
        self.problems.add(self.label, row, column, value, message, suggestion)

    def name(self, row: int, name: str) -> None:
        """Names are required and unique (compared the way municipality names are)."""
        key = normalize_name(name)
        if "navn" not in self.positions:
            return  # reported once, as a missing column
        if not name:
            self.add(row, "navn", name, "navn mangler")
        elif key in self.seen_names:
            self.add(row, "navn", name, f"navnet «{name}» står også på rad {self.seen_names[key]}")
        else:
            self.seen_names[key] = row

    def participants(self, row: int, text: str) -> tuple[str, ...] | None:
        found = _resolve_names(text, row, "deltakere", self.label, self.registry, self.problems)
        if "deltakere" in self.positions and found == ():
            self.add(row, "deltakere", text, "ingen deltakere; skriv kommunene skilt med komma")
        return found

    def hosts(self, row: int, text: str, participants: tuple[str, ...] | None) -> tuple[str, ...]:
        """Hosts must be participants (checked only when every participant name was understood)."""
        hosts = _resolve_names(text, row, "vertskommune", self.label, self.registry, self.problems) or ()
        for knr in hosts:
            if participants is not None and knr not in participants:
                name = self.registry.name_of(knr)
                self.add(row, "vertskommune", name, f"vertskommunen «{name}» er ikke blant deltakerne")
        return hosts

    def sector(self, row: int, text: str) -> str:
        sector = self.sectors.find(text) if text else ""
        if sector is None:
            self.add(row, "sektor", text, f"ukjent sektor «{text}»", self.sectors.closest(text))
        return sector or ""

    def legal_form(self, row: int, text: str) -> str:
        form = self.legal_forms.find(text) if text else "ukjent"
        if form is None:
            self.add(row, "organisasjonsform", text, f"ukjent organisasjonsform «{text}»", self.legal_forms.closest(text))
        return form or ""

    def record(self, row: int, cells: list[str]) -> tuple[dict, tuple[str, ...]]:
        """One arrangement in the contract's columns, and its members."""
        if any(cells[self.width :]):
            self.add(row, None, None, "raden har verdier i en kolonne uten overskrift")
        # Checked in column order, so the problem lines read left to right like the sheet.
        name = self.cell(cells, "navn")
        self.name(row, name)
        service_text = self.cell(cells, "tjeneste")
        services = _user_services(service_text, row, self.label, self.services, self.problems) if service_text else ()
        sector = self.sector(row, self.cell(cells, "sektor"))
        participants_text = self.cell(cells, "deltakere")
        participants = self.participants(row, participants_text)
        hosts = self.hosts(row, self.cell(cells, "vertskommune"), participants)
        form_text = self.cell(cells, "organisasjonsform")
        legal_form = self.legal_form(row, form_text)
        established = _user_year(self.cell(cells, "etablert"), row, self.label, self.problems)
        kilde = self.cell(cells, "kilde")
        record = {
            "id": f"rad-{row}",
            "name": name,
            "sector": sector,
            "services": services,
            "legal_form": legal_form,
            "legal_form_basis": "fil" if form_text else "",
            "hosts": hosts,
            "host_basis": "fil" if hosts else "",
            "established": established,
            "established_basis": "fil" if established else "",
            "source_table": self.label,
            "source_row": row,
            "participants_printed": participants_text,
            "members_source": f"{self.label} rad {row}",
            "stated_member_count": None,
            "members_complete": True,
            "note": kilde,
            "source": f"{self.label}, rad {row}" + (f" ({kilde})" if kilde else ""),
        }
        return record, participants or ()


def _user_model(rows: _Rows, label: str, registry: Registry, base: CooperationModel) -> CooperationModel:
    sheet = _UserSheet(rows[0], label, registry, base)
    if len(rows) == 1:
        sheet.add(None, None, None, "filen er tom: den har ingen rader under overskriftene")
    records = []
    memberships = []
    for number, cells in rows[1:]:
        record, participants = sheet.record(number, cells)
        records.append(record)
        memberships.extend((record["id"], knr) for knr in participants)
    sheet.problems.raise_if_any()

    arrangements = pd.DataFrame(records, columns=[*DATA_COLUMNS["arrangements.csv"], "source"])
    arrangements = arrangements.astype({"source_row": int, "members_complete": bool})
    arrangements["stated_member_count"] = arrangements["stated_member_count"].astype(object)
    membership_frame = pd.DataFrame(memberships, columns=["arrangement_id", "kommunenummer"])
    regions, region_members = _regions_with_fylker(base, registry)
    return CooperationModel.build(
        registry=registry,
        focus=membership_frame["kommunenummer"],
        arrangements=arrangements,
        memberships=membership_frame,
        regions=regions,
        region_members=region_members,
        boundaries=base.boundaries,
        source_label=label,
        services=base.services,
        sectors=base.sectors,
    )


def _regions_with_fylker(base: CooperationModel, registry: Registry) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The built-in regions plus every fylke of the registry the built-in data doesn't have yet."""
    regions = base.regions.loc[:, ["id", "name", "kind"]]
    have = set(regions["id"]) | set(regions.loc[regions["kind"] == "fylke", "name"])
    fylker = registry.municipalities.drop_duplicates("fylkesnummer")
    extra = [
        (f"fylke-{number}", name, "fylke")
        for number, name in zip(fylker["fylkesnummer"], fylker["fylke"])
        if f"fylke-{number}" not in have and name not in have
    ]
    extra_ids = {rid for rid, _name, _kind in extra}
    extra_members = [
        (f"fylke-{number}", knr)
        for number, knr in zip(registry.municipalities["fylkesnummer"], registry.municipalities["kommunenummer"])
        if f"fylke-{number}" in extra_ids
    ]
    regions = pd.concat([regions, pd.DataFrame(extra, columns=["id", "name", "kind"])], ignore_index=True)
    members = pd.concat(
        [base.region_members.loc[:, ["region_id", "kommunenummer"]], pd.DataFrame(extra_members, columns=["region_id", "kommunenummer"])],
        ignore_index=True,
    )
    return regions, members
