"""The data commands: `coverage`, `totals`, `validate` (a user's sheet) and `validate-data` (data/ and geodata/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    add_structure_option,
    load_base,
    load_model,
    resolve_service,
    structures_of,
    with_both_numbers,
)
from dashboard.data.model import CooperationModel
from dashboard.data.problems import DataError
from dashboard.data.sheets import read_in_either_structure
from dashboard.data.structures import DEFAULT_STRUCTURE, STRUCTURE_LABELS
from dashboard.output.safe_csv import to_safe_csv


# What the number columns of every survey CSV mean (shown in --help).
NUMBERS_HELP = (
    "kommunenummer er fra kommunestrukturen som skrives ut, kommunenummer_2024 er dagens (for å koble med "
    "SSB og KOSTRA); med --struktur 2024 kommer også kommunenummer_2020, kildens egne numre."
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the data commands to the command line."""
    for add in (register_coverage, register_totals, register_validate, register_validate_data):
        add(subparsers, common)


def _coverage(args: argparse.Namespace) -> int:
    model = load_model(args)
    service = resolve_service(model, args.service)
    table = model.coverage(service).loc[:, ["kommunenummer", "kommune", "arrangementer"]]
    sys.stdout.write(to_safe_csv(with_both_numbers(table, model)))
    return EXIT_OK


def register_coverage(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "coverage",
        parents=[common],
        help="hvilke ordninger hver kartlagte kommune har for en tjeneste (CSV)",
        description="Skriver CSV: kommunenummer,kommunenummer_2024,kommune,arrangementer — én rad per kartlagt "
        f"kommune. {NUMBERS_HELP}",
    )
    parser.add_argument("service", metavar="TJENESTE", help="tjeneste-id eller navn, f.eks. legevakt eller IKT")
    add_structure_option(parser, "kommunenummer og -navn fra denne kommunestrukturen (standard: registerets egen)")
    parser.set_defaults(handler=_coverage)


def _totals(args: argparse.Namespace) -> int:
    model = load_model(args)
    sys.stdout.write(to_safe_csv(with_both_numbers(model.totals(), model)))
    return EXIT_OK


def register_totals(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "totals",
        parents=[common],
        help="antall ordninger per kartlagt kommune (CSV)",
        description=f"Skriver CSV: kommunenummer,kommunenummer_2024,kommune,ordninger. {NUMBERS_HELP}",
    )
    add_structure_option(parser, "kommunenummer og -navn fra denne kommunestrukturen (standard: registerets egen)")
    parser.set_defaults(handler=_totals)


def touched_regions(model: CooperationModel) -> list[tuple[str, str, str]]:
    """(id, name, kind) of every region with at least one focus municipality, in option order."""
    focus = set(model.focus)
    return [
        option for option in model.region_options() if not focus.isdisjoint(model.region_municipalities(option[0]))
    ]


def _validate(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise UsageError(f"Kan ikke lese «{path}»: {error.strerror or error}") from error
    bases = structures_of(args, load_base(args))
    structure = args.struktur or (DEFAULT_STRUCTURE if DEFAULT_STRUCTURE in bases else min(bases))
    if structure not in bases:
        raise UsageError(f"Kommunestrukturen {structure} finnes ikke i {args.geodata_dir}")
    structure_line = f"Kommunestruktur: {STRUCTURE_LABELS[structure]}"
    # Without --struktur as a new register: 2024, or 2020 where only that reads the file.
    order = [bases[structure]] if args.struktur else sorted(bases.values(), key=lambda base: base.structure != structure)
    try:
        upload = read_in_either_structure(content, path.name, order)
    except DataError as error:
        print(f"{path.name}: {error.count_text()} — ingenting er lest inn.")
        for problem in error.problems:
            print(problem)
        print(structure_line)
        return EXIT_PROBLEMS
    regions = touched_regions(upload)
    fylker = [name for _rid, name, kind in regions if kind == "fylke"]
    others = [name for _rid, name, kind in regions if kind != "fylke"]
    print(f"{path.name} er gyldig.")
    print(f"Kommunestruktur: {STRUCTURE_LABELS[upload.structure]}")
    print(f"Ordninger: {len(upload.arrangements)}")
    print(f"Kommuner: {len(upload.focus)} ({short_list([name for _knr, name in upload.municipality_options()])})")
    print(f"Fylker: {len(fylker)} ({short_list(fylker)})")
    print(f"Regioner: {len(others)}" + (f" ({short_list(others)})" if others else ""))
    for notice in upload.notices:
        print(f"Merknad: {notice}")
    return EXIT_OK


# The validate summary names at most this many per line; a national file has 356 municipalities.
SUMMARY_NAMES = 12


def short_list(names: list[str], limit: int = SUMMARY_NAMES) -> str:
    """Names for one summary line: all when few, else the first ones and how many more.

    >>> short_list(["Gol", "Hol"]), short_list([str(n) for n in range(20)], 3)
    ('Gol, Hol', '0, 1, 2 og 17 andre')
    """
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" og {len(names) - limit} andre"


def register_validate(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate",
        parents=[common],
        help="sjekk et eget regneark (CSV eller XLSX) før opplasting",
        description="Sjekker et regneark etter malen. Gyldig fil: sammendrag og kode 0. "
        "Feil: én linje per problem og kode 1.",
    )
    parser.add_argument("file", metavar="FIL", help="CSV- eller XLSX-fil")
    add_structure_option(parser, "kommunestrukturen filen skal leses i (standard: 2024, som nye registre)")
    parser.set_defaults(handler=_validate)


def _validate_data(args: argparse.Namespace) -> int:
    model = load_base(args)
    print(
        f"Dataene er gyldige: {len(model.arrangements)} ordninger, {len(model.memberships)} medlemskap, "
        f"{len(model.focus)} kartlagte kommuner, {len(model.regions)} regioner, "
        f"{len(model.boundaries)} kommunegrenser."
    )
    return EXIT_OK


def register_validate_data(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate-data",
        parents=[common],
        help="sjekk de innebygde dataene (data/ og geodata/)",
        description="Leser og sjekker data/ og geodata/; skriver alle problemer, én per linje.",
    )
    parser.set_defaults(handler=_validate_data)
