"""Read and validate the built-in data (data/ and geodata/); every problem is reported, none guessed."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import geopandas as gpd
import pandas as pd

from dashboard.data.model import CooperationModel, source_text
from dashboard.data.problems import Problems, excel_row
from dashboard.data.registry import (
    ALIAS_COLUMNS,
    KOMMUNENUMMER_PATTERN,
    REGISTRY_COLUMNS,
    AmbiguousMunicipality,
    MunicipalityNameError,
    Registry,
    closest_names,
    normalize_name,
)
from geodata import (
    ALIASES_PATH,
    BOUNDARIES_PATH,
    GEODATA_DIR,
    LABELS_PATH,
    REGISTRY_PATH,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
# File names inside any geodata folder (the real one or a test fixture).
REGISTRY_FILE = REGISTRY_PATH.name
ALIASES_FILE = ALIASES_PATH.name
BOUNDARIES_FILE = BOUNDARIES_PATH.name
LABELS_FILE = LABELS_PATH.name
LABEL_COLUMNS = ["label_lon", "label_lat", "label_radius_m"]

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
LEGAL_FORMS = ("IKS", "AS", "IPR", "KO", "vertskommune", "§27", "plansamarbeid", "stiftelse", "avtale", "ukjent")
BOOLEANS = {"true": True, "false": False}
CELL_LIST_SEPARATOR = ";"
ESTABLISHED_PATTERN = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
YEAR_RANGE = (1800, 2100)
SOURCE_LABEL = "NIVI Analyse 2021"


def split_list(cell: str, separator: str = CELL_LIST_SEPARATOR) -> tuple[str, ...]:
    """Items of a list cell ("a;b;c"), stripped, empty items left out."""
    return tuple(item.strip() for item in str(cell).split(separator) if item.strip())


def _read_table(path: Path, label: str, columns: Sequence[str], problems: Problems) -> pd.DataFrame | None:
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


def _check_unique(frame: pd.DataFrame, column: str, label: str, problems: Problems) -> None:
    """Report every repeat of a value that must be unique, naming the first row it was on."""
    first_row: dict[str, int] = {}
    for position, value in enumerate(frame[column]):
        if value in first_row:
            problems.add(label, excel_row(position), column, value, f"«{value}» står også på rad {first_row[value]}")
        else:
            first_row[value] = excel_row(position)


def _check_required(frame: pd.DataFrame, column: str, label: str, problems: Problems) -> None:
    for position, value in enumerate(frame[column]):
        if not value:
            problems.add(label, excel_row(position), column, value, "verdi mangler")


def _check_id_table(frame: pd.DataFrame, name_column: str, label: str, problems: Problems) -> None:
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
    problems: Problems,
) -> None:
    """Each (row, value) must be one of `valid`; otherwise name it and the closest valid one."""
    valid_set = set(valid)
    choices = {normalize_name(item): item for item in valid}
    for row, value in values:
        if value not in valid_set:
            suggestion = closest_names(value, choices, 1)
            problems.add(label, row, column, value, f"ukjent {what} «{value}»", suggestion[0] if suggestion else None)


def _check_kommunenummer(
    values: Iterable[tuple[int, str]], registry: Registry, label: str, column: str, problems: Problems
) -> None:
    for row, value in values:
        if not KOMMUNENUMMER_PATTERN.match(value):
            problems.add(label, row, column, value, f"kommunenummer må være fire sifre, ikke «{value}»")
        elif value not in registry and len(registry):  # an unreadable registry is reported once
            problems.add(label, row, column, value, f"kommunenummer «{value}» finnes ikke i kommuneregisteret 2020")


def _check_name_matches(
    frame: pd.DataFrame, label: str, registry: Registry, problems: Problems
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


def _check_int(frame: pd.DataFrame, column: str, label: str, problems: Problems, allow_empty: bool) -> None:
    for position, value in enumerate(frame[column]):
        if value == "" and allow_empty:
            continue
        if not value.isdigit():
            problems.add(label, excel_row(position), column, value, f"må være et heltall, ikke «{value}»")


def _check_bool(frame: pd.DataFrame, column: str, label: str, problems: Problems) -> None:
    for position, value in enumerate(frame[column]):
        if value not in BOOLEANS:
            problems.add(label, excel_row(position), column, value, f"må være true eller false, ikke «{value}»")


def _rows(frame: pd.DataFrame, column: str) -> list[tuple[int, str]]:
    return [(excel_row(position), value) for position, value in enumerate(frame[column])]


def load_registry(geodata_dir: Path = GEODATA_DIR, problems: Problems | None = None) -> Registry:
    """The validated municipality registry; bad rows are reported (and left out of the index).

    With `problems` given, problems are collected there and the usable part is returned, so
    load_builtin can report registry and data problems together; alone it raises DataError.
    """
    own = problems is None
    problems = problems or Problems()
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


def _read_boundaries(geodata_dir: Path, registry: Registry, needed: set[str], problems: Problems) -> gpd.GeoDataFrame:
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
    labels = _read_label_points(geodata_dir, set(joined["kommunenummer"]), problems)
    if labels is not None:
        joined = joined.merge(labels, on="kommunenummer", how="left", validate="one_to_one")
        columns = columns[:-1] + LABEL_COLUMNS + ["geometry"]
    return gpd.GeoDataFrame(joined.loc[:, columns], geometry="geometry", crs=raw.crs)


def _read_label_points(geodata_dir: Path, numbers: set[str], problems: Problems) -> pd.DataFrame | None:
    """Build-time label points (geodata/build_labels.py), or None when the folder has none.

    Without them maps fall back to a point computed from the polygon (MapBase); a file that is
    there must cover every boundary and hold numbers, or it is reported like any other problem.
    """
    path = geodata_dir / LABELS_FILE
    if not path.exists():
        return None
    label = f"{geodata_dir.name}/{LABELS_FILE}"
    frame = pd.read_csv(path, dtype={"kommunenummer": str}, keep_default_na=False)
    missing = [name for name in ("kommunenummer", "lon", "lat", "radius_m") if name not in frame.columns]
    if missing:
        problems.add(label, None, missing[0], None, f"mangler kolonnen «{missing[0]}»")
        return None
    values = frame.loc[:, ["lon", "lat", "radius_m"]].apply(pd.to_numeric, errors="coerce")
    for position in frame.index[values.isna().any(axis=1)]:
        problems.add(label, excel_row(position), None, ",".join(map(str, frame.loc[position, ["lon", "lat"]])), "ugyldig tall")
    for knr in sorted(numbers - set(frame["kommunenummer"])):
        problems.add(label, None, "kommunenummer", knr, "mangler etikettpunkt")
    return pd.DataFrame(
        {"kommunenummer": frame["kommunenummer"], "label_lon": values["lon"], "label_lat": values["lat"],
         "label_radius_m": values["radius_m"]}
    ).drop_duplicates("kommunenummer")


def load_builtin(data_dir: Path = DATA_DIR, geodata_dir: Path = GEODATA_DIR) -> CooperationModel:
    """The survey data of data/ and geodata/, fully validated, as one immutable model.

    Pure function of the files: call once (app start, one CLI run); see load_builtin_cached.
    Raises DataError listing every problem in every file.
    """
    data_dir, geodata_dir = Path(data_dir), Path(geodata_dir)
    problems = Problems()
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
        if value and not is_year_or_range(value):
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


def _check_pairs_unique(frame: pd.DataFrame, columns: tuple[str, str], label: str, problems: Problems) -> None:
    seen: dict[tuple[str, str], int] = {}
    for position, pair in enumerate(zip(frame[columns[0]], frame[columns[1]])):
        if pair in seen:
            problems.add(
                label, excel_row(position), columns[1], pair[1], f"{pair[0]} / {pair[1]} står også på rad {seen[pair]}"
            )
        else:
            seen[pair] = excel_row(position)


def is_year_or_range(value: str) -> bool:
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
