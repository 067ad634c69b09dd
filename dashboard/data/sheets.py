"""Users' own spreadsheets ("bring your own data"): CSV or XLSX, within limits, to a model of their own.

Messages come from dashboard.data.problems, the same as the built-in loader's; vocabulary,
regions and boundaries come from the built-in model, so no geometry is read per file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from dashboard.data.loader import (
    DATA_COLUMNS,
    LEGAL_FORMS,
    is_year_or_range,
    load_builtin_cached,
)
from dashboard.data.model import LEGAL_FORM_LABELS, CooperationModel
from dashboard.data.problems import DataError, Problem, Problems
from dashboard.data.registry import (
    MunicipalityNameError,
    Registry,
    closest_names,
    normalize_name,
)

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
# Limits on what a file unpacks to, not only on its size: a 1 MB XLSX can hold a 1 GB part, or
# one cell at XFD1048576 behind a <dimension> of the whole sheet.
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_SHEET_ROWS = MAX_UPLOAD_ROWS + 1000  # blank rows counted too
MAX_COLUMNS = 60
MAX_CELL_CHARS = 1000
MAX_REPORTED = 50
# Control characters (tab, line feed and carriage return are text) break exports and downloads.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

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


def read_in_either_structure(content: bytes, filename: str, bases: Sequence[CooperationModel]) -> CooperationModel:
    """`read_user_file` in the first structure of `bases` that reads the file (new registers and
    uploads: 2024, then 2020), so an old list with Ålesund 1507 is read in 2020 instead of refused.

    The model says in a notice when it was not the first; when none reads it, DataError lists
    the first structure's problems (the default is what the user is told to write).
    """
    first_error: DataError | None = None
    for position, base in enumerate(bases):
        try:
            model = read_user_file(content, filename, base.registry, base)
        except DataError as error:
            first_error = first_error or error
            if not error.problems or error.problems[0].row is None:
                break  # the file itself (size, format, columns): no other structure reads it either
            continue
        if position == 0:
            return model
        assert first_error is not None
        notice = (
            f"{first_error.problems[0].file}: lest med kommunestrukturen {model.structure}, som passer med filen "
            f"(med {bases[0].structure}-strukturen: {first_error.count_text()}, bl.a. {first_error.problems[0]})"
        )
        return replace(model, notices=(notice, *model.notices))
    assert first_error is not None
    raise first_error


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
            _check_shape(first_row + offset, len(cells), cells[MAX_COLUMNS:], label)
            _append_row(rows, first_row + offset, [without_inert_quote(cell.strip()) for cell in cells[:MAX_COLUMNS]], label)
    except csv.Error as error:
        raise DataError([Problem(label, None, None, None, f"CSV-filen kan ikke leses ({error})")]) from error
    return rows


def check_unpacked_size(content: bytes, label: str) -> None:
    """Refuse a zip (XLSX) that unpacks to more than MAX_UNPACKED_BYTES, by its declared sizes first,
    then by actually unpacking it in bounded chunks (a lying header fails its CRC check)."""
    too_big = Problem(label, None, None, None, f"filen pakker seg ut til mer enn {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; den kan ikke leses")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise DataError([Problem(label, None, None, None, f"filen har mer enn {MAX_ZIP_MEMBERS} deler; den kan ikke leses")])
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise DataError([too_big])
        unpacked = 0
        for member in members:
            with archive.open(member) as part:
                while chunk := part.read(1024 * 1024):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise DataError([too_big])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        raise DataError([Problem(label, None, None, None, "filen kan ikke leses som Excel-fil (.xlsx)")]) from error


def _xlsx_rows(content: bytes, label: str) -> _Rows:
    from openpyxl import load_workbook  # imported here: only uploads need it

    check_unpacked_size(content, label)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own types alike
        raise DataError([Problem(label, None, None, None, "filen kan ikke leses som Excel-fil (.xlsx)")]) from error
    try:
        sheet = workbook.worksheets[0]
        # The stated <dimension> may be stale (rows lost in silence) or huge (a far cell): read the
        # rows that are really there, and stop at the limits.
        sheet.reset_dimensions()
        rows: _Rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_shape(number, len(cells), cells[MAX_COLUMNS:], label)
            _append_row(rows, number, [_cell_text(cell) for cell in cells[:MAX_COLUMNS]], label)
        return rows
    finally:
        workbook.close()


def _check_shape(number: int, width: int, beyond: Sequence[object], label: str) -> None:
    """Refuse rows past MAX_SHEET_ROWS (blank ones counted) and values past MAX_COLUMNS."""
    if number > MAX_SHEET_ROWS:
        raise DataError([Problem(label, None, None, None, f"filen har mer enn {MAX_SHEET_ROWS} rader (tomme rader medregnet); del den opp")])
    if width > MAX_COLUMNS and any(value not in (None, "") for value in beyond):
        raise DataError([Problem(label, number, None, None, f"raden har verdier etter kolonne {MAX_COLUMNS}; malen har {len(USER_COLUMNS)} kolonner")])


def _append_row(rows: _Rows, number: int, cells: list[str], label: str) -> None:
    """Keep non-blank rows; refuse once the data rows pass the limit (the header is not counted).

    Every cell is checked first: no control characters, at most MAX_CELL_CHARS characters.
    """
    problems = []
    header = rows[0][1] if rows else []
    for position, cell in enumerate(cells):
        column = (header[position] if position < len(header) and header[position] else f"{position + 1}")
        if len(cell) > MAX_CELL_CHARS:
            problems.append(Problem(label, number, column, f"{cell[:40]}…", f"cellen er lengre enn {MAX_CELL_CHARS} tegn"))
        elif CONTROL_CHARACTERS.search(cell):
            shown = CONTROL_CHARACTERS.sub("�", cell)[:80]
            problems.append(Problem(label, number, column, shown, "cellen har kontrolltegn (usynlige tegn som ikke er tekst); skriv den inn på nytt"))
    if problems:
        raise DataError(problems[:MAX_REPORTED])
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
    return without_inert_quote(str(cell).strip())


def without_inert_quote(text: str) -> str:
    """Undo the quote our formula-safe downloads put before "=", "+", "-" or "@", so they re-import as written.

    >>> without_inert_quote("'-Regionrådet")
    '-Regionrådet'
    """
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _user_header(header: tuple[int, list[str]], label: str, problems: Problems) -> dict[str, int]:
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
    cell: str, row: int, column: str, label: str, registry: Registry, problems: Problems, notices: list[str] | None = None
) -> tuple[str, ...] | None:
    """Kommunenummer for a list of names; None (with problems) if any name fails or repeats.

    A name or number of the other municipality structure is read as ours where it maps one to
    one, with a line in `notices` ("3005" in a 2024 register is Drammen 3301).
    """
    resolved: list[str] = []
    ok = True
    for name in (item.strip() for item in USER_LIST_SPLIT.split(cell)):
        if not name:
            continue
        try:
            knr, notice = registry.resolve_noted(name)
        except MunicipalityNameError as error:
            problems.municipality(label, row, column, error)
            ok = False
            continue
        if notice is not None and notices is not None:
            notices.append(str(Problem(label, row, column, name, notice)))
        if knr in resolved:
            problems.add(label, row, column, name, f"{registry.name_of(knr)} står to ganger")
            ok = False
            continue
        resolved.append(knr)
    return tuple(resolved) if ok else None


def _user_services(cell: str, row: int, label: str, vocabulary: _Vocabulary, problems: Problems) -> tuple[str, ...]:
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


def _user_year(cell: str, row: int, label: str, problems: Problems) -> str:
    if not cell:
        return ""
    if is_year_or_range(cell):
        return re.sub(r"\s*[-–]\s*", "–", cell)
    problems.add(label, row, "etablert", cell, f"«{cell}» er ikke et årstall (skriv for eksempel 2015)")
    return ""


class _UserSheet:
    """Reads one uploaded sheet row by row, collecting problems instead of stopping at one."""

    def __init__(self, header: tuple[int, list[str]], label: str, registry: Registry, base: CooperationModel) -> None:
        self.label = label
        self.registry = registry
        self.problems = Problems()
        self.positions = _user_header(header, label, self.problems)
        self.width = len(header[1])
        self.services = _Vocabulary(zip(base.services["id"], base.services["label"]))
        self.sectors = _Vocabulary(zip(base.sectors["id"], base.sectors["label"]))
        self.legal_forms = _Vocabulary(
            ((form, LEGAL_FORM_LABELS.get(form, form)) for form in USER_LEGAL_FORMS), LEGAL_FORM_SYNONYMS
        )
        self.seen_names: dict[str, int] = {}
        # Sectors that are not standard ones, kept as written (first spelling wins), and the notices about them.
        self.own_sectors: dict[str, str] = {}
        self.notices: list[str] = []

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
        found = _resolve_names(text, row, "deltakere", self.label, self.registry, self.problems, self.notices)
        if "deltakere" in self.positions and found == ():
            self.add(row, "deltakere", text, "ingen deltakere; skriv kommunene skilt med komma")
        return found

    def hosts(self, row: int, text: str, participants: tuple[str, ...] | None) -> tuple[str, ...]:
        """Hosts must be participants (checked only when every participant name was understood)."""
        hosts = _resolve_names(text, row, "vertskommune", self.label, self.registry, self.problems, self.notices) or ()
        for knr in hosts:
            if participants is not None and knr not in participants:
                name = self.registry.name_of(knr)
                self.add(row, "vertskommune", name, f"vertskommunen «{name}» er ikke blant deltakerne")
        return hosts

    def sector(self, row: int, text: str) -> str:
        """A standard sector id, or the text as given: a region's sectors are its own (with a notice)."""
        if not text:
            return ""
        sector = self.sectors.find(text)
        if sector is not None:
            return sector
        key = normalize_name(text)
        if key not in self.own_sectors:
            self.own_sectors[key] = text
            closest = self.sectors.closest(text)
            hint = f"; nærmeste standardsektor er «{closest}»" if closest else ""
            self.notices.append(
                str(Problem(self.label, row, "sektor", text, f"«{text}» er ingen standardsektor og brukes som registerets egen sektor{hint}"))
            )
        return self.own_sectors[key]

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


def model_from_rows(
    rows: _Rows, label: str, registry: Registry, base: CooperationModel, origins: Mapping[int, str] | None = None
) -> CooperationModel:
    """A model from rows already in the sheet's columns (a stored register), validated like a file.

    `origins` maps a row number to where its values came from ("fil.xlsx, rad 7"), which then
    stands as the arrangement's source instead of the row of `label`. A register may have no
    active arrangement (all ended): that is an empty model, not a problem.
    """
    if not rows:
        raise DataError([Problem(label, None, None, None, "ingen rader")])
    checked: _Rows = []
    for number, cells in rows:  # the same cell limits as a file: length, control characters
        _append_row(checked, number, cells, label)
    return _user_model(checked or rows[:1], label, registry, base, origins, allow_empty=True)


def _user_model(
    rows: _Rows,
    label: str,
    registry: Registry,
    base: CooperationModel,
    origins: Mapping[int, str] | None = None,
    allow_empty: bool = False,
) -> CooperationModel:
    sheet = _UserSheet(rows[0], label, registry, base)
    if len(rows) == 1 and not allow_empty:
        sheet.add(None, None, None, "filen er tom: den har ingen rader under overskriftene")
    records = []
    memberships = []
    for number, cells in rows[1:]:
        record, participants = sheet.record(number, cells)
        if origins and number in origins:
            kilde = record["note"]
            record["source"] = origins[number] + (f" ({kilde})" if kilde else "")
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
        sectors=_with_own_sectors(base.sectors, sheet.own_sectors.values()),
        notices=tuple(sheet.notices),
    )


def _with_own_sectors(sectors: pd.DataFrame, own: Iterable[str]) -> pd.DataFrame:
    """The standard sectors plus a register's own ones (id and label are the text as written)."""
    extra = pd.DataFrame([{"id": text, "label": text, "source_table": "egen"} for text in own], columns=list(sectors.columns))
    return pd.concat([sectors, extra], ignore_index=True) if len(extra) else sectors


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
