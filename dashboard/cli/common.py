"""What every command shares: exit codes, the usage error, common options and the model it loads."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Callable

import pandas as pd

from dashboard.data.loader import DATA_DIR, GEODATA_DIR, load_builtin, load_structures
from dashboard.data.model import CooperationModel
from dashboard.data.registry import closest_names, normalize_name, quote_list
from dashboard.data.structures import (
    STRUCTURE_2020,
    STRUCTURE_2024,
    STRUCTURE_LABELS,
    STRUCTURES,
    in_structure,
)
from dashboard.store import SURVEY_SLUG
from dashboard.store.database import open_database
from dashboard.store.registers import RegisterStore
from dashboard.views.view_data import with_number_in
from dashboard.views.view_state import valid_date

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
PROG = "python -m dashboard"

Registrar = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]


class UsageError(Exception):
    """The command was asked for something that doesn't exist (exit 2, no traceback)."""


def load_base(args: argparse.Namespace) -> CooperationModel:
    """The built-in model from the folders given on the command line (loaded once per run)."""
    return load_builtin(Path(args.data_dir), Path(args.geodata_dir))


def structures_of(args: argparse.Namespace, base: CooperationModel) -> dict[str, CooperationModel]:
    """The survey in every municipality structure the geodata folder has ({"2020": …, "2024": …})."""
    return load_structures(base, Path(args.geodata_dir))


def open_store(args: argparse.Namespace, base: CooperationModel) -> RegisterStore:
    """The register database (--database-url, else $DATABASE_URL, else instance/), migrated, survey seeded."""
    store = RegisterStore(open_database(getattr(args, "database_url", None)), base, structures_of(args, base))
    store.ensure_survey()
    return store


def add_structure_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """--struktur 2020|2024 (the municipality structure), the same on every command that has it."""
    parser.add_argument("--struktur", choices=STRUCTURES, metavar="ÅR", help=f"{help_text} ({' eller '.join(STRUCTURES)})")


def shown_in(model: CooperationModel, structure: str | None, bases: dict[str, CooperationModel]) -> CooperationModel:
    """`model` in the structure --struktur asks for; UsageError where it has no such form (2024 data in 2020)."""
    if not structure or structure == model.structure:
        return model
    try:
        return in_structure(model, structure, bases)
    except ValueError as error:
        raise UsageError(
            f"Kan ikke vise dataene i kommunestrukturen {structure}: de er registrert i {STRUCTURE_LABELS[model.structure]}, "
            f"og kommunene fra {model.structure} kan ikke føres tilbake til {structure} (Haram ble skilt ut fra Ålesund i 2024). "
            f"Bruk --struktur {model.structure} eller utelat --struktur."
        ) from error


def with_both_numbers(frame: pd.DataFrame, model: CooperationModel) -> pd.DataFrame:
    """A CSV table with `kommunenummer` (the structure printed) followed by `kommunenummer_2024`
    (today's, to join with SSB and KOSTRA) and, printed in 2024, `kommunenummer_2020` (the
    survey's own, to join back to the published source; Haram and Ålesund 1508 give Ålesund 1507).
    """
    frame = with_number_in(frame, model, STRUCTURE_2024, "kommunenummer_2024", "kommunenummer")
    if model.structure == STRUCTURE_2024:
        frame = with_number_in(frame, model, STRUCTURE_2020, "kommunenummer_2020", "kommunenummer_2024")
    return frame


def known_register(store: RegisterStore, slug: str) -> str:
    """`slug` if the register exists; UsageError naming the closest ones otherwise."""
    if store.info(slug) is not None:
        return slug
    slugs = [info.slug for info in store.registers(include_unlisted=True)]
    closest = closest_names(slug, {normalize_name(s): s for s in slugs})
    hint = f" Mente du {quote_list(closest)}?" if closest else ""
    raise UsageError(f"Ukjent register «{slug}».{hint}\nRegistre: {', '.join(slugs)}")


def load_model(args: argparse.Namespace) -> CooperationModel:
    """The model a command works on: the register of --register, or the built-in survey."""
    base = load_base(args)
    slug = getattr(args, "register", None)
    per = parse_per(getattr(args, "per", None))
    structure = getattr(args, "struktur", None)
    if not slug or slug == SURVEY_SLUG:
        model = base if per is None else base.in_force_on(per)
        return shown_in(model, structure, structures_of(args, base)) if structure else model
    store = open_store(args, base)
    return shown_in(store.model(known_register(store, slug), per), structure, store.bases)


def parse_per(text: str | None) -> dt.date | None:
    """--per as a date; UsageError naming the format for anything else."""
    if not text:
        return None
    if valid_date(text) is None:
        raise UsageError(f"Ugyldig dato «{text}»: skriv ÅÅÅÅ-MM-DD, f.eks. 2011-06-01")
    return dt.date.fromisoformat(text)


def resolve_service(model: CooperationModel, text: str) -> str:
    """Service id from an id or label in any case/spacing; UsageError naming the valid ones."""
    by_key = {}
    for service_id, label in zip(model.services["id"], model.services["label"]):
        by_key.setdefault(normalize_name(service_id), service_id)
        by_key.setdefault(normalize_name(label), service_id)
    found = by_key.get(normalize_name(text))
    if found is not None:
        return found
    valid = ", ".join(service_id for service_id, _label in model.service_options())
    choices = {normalize_name(sid): sid for sid in model.services["id"]}
    choices.update({normalize_name(label): sid for sid, label in zip(model.services["id"], model.services["label"])})
    closest = closest_names(text, choices)
    hint = f" Mente du {quote_list(closest)}?" if closest else ""
    raise UsageError(f"Ukjent tjeneste «{text}».{hint}\nGyldige tjenester: {valid}")


def common_options() -> argparse.ArgumentParser:
    """Options every command shares (given after the command name)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=str(DATA_DIR), help="mappe med data (standard: data/)")
    common.add_argument("--geodata-dir", default=str(GEODATA_DIR), help="mappe med geodata (standard: geodata/)")
    common.add_argument("--register", metavar="LENKENAVN", help=f"registeret kommandoen gjelder (standard: {SURVEY_SLUG}, kartleggingen)")
    common.add_argument("--per", metavar="ÅÅÅÅ-MM-DD", help="registeret slik det var denne dagen (etablerte, ikke avsluttede ordninger)")
    common.add_argument("--database-url", help="database (standard: $DATABASE_URL, ellers instance/samarbeidskartet.sqlite)")
    return common
