"""Command line for scripts and reports: `python -m dashboard coverage|totals|validate|validate-data`.

Each command is registered by its own function `register(subparsers, common)`, so a command can
live in another module. Extra command modules are listed in PLUGIN_MODULES and registered when
they exist: `dashboard/cli_export.py` defines `register(subparsers, common)` for `export`.
A handler takes the parsed arguments and returns an exit code: 0 ok, 1 bad data, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Callable, Sequence

from dashboard.loader import DATA_DIR, GEODATA_DIR, DataError, load_builtin, read_user_file
from dashboard.model import CooperationModel
from dashboard.registry import closest_names, normalize_name, quote_list
from dashboard.safe_csv import to_safe_csv

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
PROG = "python -m dashboard"
# Optional command modules, each with `register(subparsers, common)`; absent ones are skipped.
PLUGIN_MODULES = ("dashboard.cli_export",)

Registrar = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]


class UsageError(Exception):
    """The command was asked for something that doesn't exist (exit 2, no traceback)."""


def load_model(args: argparse.Namespace) -> CooperationModel:
    """The built-in model from the folders given on the command line (loaded once per run)."""
    return load_builtin(Path(args.data_dir), Path(args.geodata_dir))


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


# ----- commands ---------------------------------------------------------------------------


def _coverage(args: argparse.Namespace) -> int:
    model = load_model(args)
    service = resolve_service(model, args.service)
    table = model.coverage(service).loc[:, ["kommunenummer", "kommune", "arrangementer"]]
    sys.stdout.write(to_safe_csv(table))
    return EXIT_OK


def register_coverage(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "coverage",
        parents=[common],
        help="hvilke ordninger hver kartlagte kommune har for en tjeneste (CSV)",
        description="Skriver CSV: kommunenummer,kommune,arrangementer — én rad per kartlagt kommune.",
    )
    parser.add_argument("service", metavar="TJENESTE", help="tjeneste-id eller navn, f.eks. legevakt eller IKT")
    parser.set_defaults(handler=_coverage)


def _totals(args: argparse.Namespace) -> int:
    model = load_model(args)
    sys.stdout.write(to_safe_csv(model.totals()))
    return EXIT_OK


def register_totals(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "totals",
        parents=[common],
        help="antall ordninger per kartlagt kommune (CSV)",
        description="Skriver CSV: kommunenummer,kommune,ordninger.",
    )
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
    base = load_model(args)
    try:
        upload = read_user_file(content, path.name, base.registry, base)
    except DataError as error:
        print(f"{path.name}: {error.count_text()} — ingenting er lest inn.")
        for problem in error.problems:
            print(problem)
        return EXIT_PROBLEMS
    regions = touched_regions(upload)
    fylker = [name for _rid, name, kind in regions if kind == "fylke"]
    others = [name for _rid, name, kind in regions if kind != "fylke"]
    print(f"{path.name} er gyldig.")
    print(f"Ordninger: {len(upload.arrangements)}")
    print(f"Kommuner: {len(upload.focus)} ({', '.join(name for _knr, name in upload.municipality_options())})")
    print(f"Fylker: {len(fylker)} ({', '.join(fylker)})")
    print(f"Regioner: {len(others)}" + (f" ({', '.join(others)})" if others else ""))
    return EXIT_OK


def register_validate(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate",
        parents=[common],
        help="sjekk et eget regneark (CSV eller XLSX) før opplasting",
        description="Sjekker et regneark etter malen. Gyldig fil: sammendrag og kode 0. "
        "Feil: én linje per problem og kode 1.",
    )
    parser.add_argument("file", metavar="FIL", help="CSV- eller XLSX-fil")
    parser.set_defaults(handler=_validate)


def _validate_data(args: argparse.Namespace) -> int:
    model = load_model(args)
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


BUILTIN_COMMANDS: tuple[Registrar, ...] = (register_coverage, register_totals, register_validate, register_validate_data)


# ----- wiring -----------------------------------------------------------------------------


def common_options() -> argparse.ArgumentParser:
    """Options every command shares (given after the command name)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=str(DATA_DIR), help="mappe med data (standard: data/)")
    common.add_argument("--geodata-dir", default=str(GEODATA_DIR), help="mappe med geodata (standard: geodata/)")
    return common


def _plugin_registrars(modules: Sequence[str]) -> list[Registrar]:
    """`register` of each plug-in module that exists; a broken one is reported, not fatal."""
    registrars = []
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                continue
            registrars.append(importlib.import_module(name).register)
        except Exception as error:  # a broken optional command must not break the others
            print(f"Advarsel: kommandoen i {name} kunne ikke lastes ({type(error).__name__}: {error})", file=sys.stderr)
    return registrars


def build_parser(plugins: Sequence[str] = PLUGIN_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Samarbeidskartet: interkommunalt samarbeid fra kommandolinjen. Kilde: NIVI Analyse 2021.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    common = common_options()
    for register in (*BUILTIN_COMMANDS, *_plugin_registrars(plugins)):
        register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors become messages and exit codes, never tracebacks."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except DataError as error:
        print(str(error), file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:  # `… | head` closed the pipe; nothing left to say
        return EXIT_OK
    except OSError as error:
        print(f"Feil ved lesing eller skriving: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as error:  # a bug must still reach the user as a message, not a traceback
        print(f"Uventet feil ({type(error).__name__}: {error}). Meld gjerne fra om dette.", file=sys.stderr)
        return EXIT_PROBLEMS
