"""`register list|import|export|history`: publish a region's sheet as a register and keep it current."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dashboard.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    add_structure_option,
    known_register,
    load_base,
    open_store,
)
from dashboard.data.problems import DataError
from dashboard.data.sheets import MAX_UPLOAD_BYTES
from dashboard.output.safe_csv import to_safe_csv, to_safe_xlsx
from dashboard.store.registers import RegisterError, cli_actor
from dashboard.store.schema import stored_time

EXPORT_FORMATS = (".xlsx", ".csv")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `register …` to the command line."""
    parser = subparsers.add_parser(
        "register",
        help="registre: list, importer, eksporter og se historikken",
        description="Registre er navngitte, lagrede datasett av ordninger, publisert på /r/LENKENAVN.",
    )
    actions = parser.add_subparsers(dest="action", metavar="HANDLING", required=True)

    listing = actions.add_parser("list", parents=[common], help="alle registre")
    listing.set_defaults(handler=_list)

    importing = actions.add_parser(
        "import",
        parents=[common],
        help="importer et regneark til et register (nytt, eller ny versjon av et eksisterende)",
        description="Leser og sjekker filen som `validate`. Finnes registeret, vises forskjellene "
        "(nye, endrede felt, og ordninger som mangler og avsluttes) før noe lagres.",
    )
    importing.add_argument("file", metavar="FIL", help="CSV- eller XLSX-fil etter malen")
    importing.add_argument("--name", help="registerets navn, f.eks. «Kongsvingerregionen»")
    importing.add_argument("--slug", help="lenkenavnet i /r/LENKENAVN (standard: laget av navnet)")
    importing.add_argument("--yes", action="store_true", help="lagre uten å spørre")
    add_structure_option(importing, "kommunestrukturen til et nytt register (standard: 2024; et eksisterende beholder sin)")
    importing.set_defaults(handler=_import)

    exporting = actions.add_parser("export", parents=[common], help="skriv registerets aktive ordninger som XLSX eller CSV")
    exporting.add_argument("slug", metavar="LENKENAVN")
    exporting.add_argument("--out", required=True, metavar="FIL", help="fil.xlsx eller fil.csv")
    exporting.add_argument("--at", metavar="TIDSPUNKT", help="registeret slik det sto da, f.eks. 2026-01-15 eller «2026-01-15 14:30» (norsk tid)")
    exporting.set_defaults(handler=_export)

    listing_flag = actions.add_parser("set", parents=[common], help="vis eller skjul registeret i listen over registre")
    listing_flag.add_argument("slug", metavar="LENKENAVN")
    shown = listing_flag.add_mutually_exclusive_group(required=True)
    shown.add_argument("--listed", dest="listed", action="store_true", help="oppført på /registre")
    shown.add_argument("--unlisted", dest="listed", action="store_false", help="bare lenken viser det")
    listing_flag.set_defaults(handler=_set_listed)

    history = actions.add_parser("history", parents=[common], help="hver registrerte endring, én per linje")
    history.add_argument("slug", metavar="LENKENAVN")
    history.set_defaults(handler=_history)


def _list(args: argparse.Namespace) -> int:
    store = open_store(args, load_base(args))
    for info in store.registers(include_unlisted=True):
        listed = "" if info.listed else "  (ikke oppført)"
        print(
            f"{info.slug}\t{info.name}\t{info.arrangements} ordninger\tversjon {info.version}\t"
            f"kommunestruktur {info.structure}\t/r/{info.slug}{listed}"
        )
    return EXIT_OK


def _read_file(path: Path) -> bytes:
    """At most one byte more than an upload may be, so a huge file is refused without reading it all."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as error:
        raise UsageError(f"Kan ikke lese «{path}»: {error.strerror or error}") from error


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [j/N] ")
    except EOFError:
        return False
    return answer.strip().casefold() in ("j", "ja", "y", "yes")


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    content = _read_file(path)
    store = open_store(args, load_base(args))
    try:
        plan = store.plan_import(content, path.name, name=args.name, slug=args.slug, structure=args.struktur)
    except DataError as error:
        print(f"{path.name}: {error.count_text()} — ingenting er importert.")
        for problem in error.problems:
            print(problem)
        return EXIT_PROBLEMS
    except RegisterError as error:
        raise UsageError(f"{path.name}: {error}") from error
    for notice in plan.model.notices:
        print(f"Merknad: {notice}")
    if plan.exists:
        print(f"Registeret «{plan.name}» (/r/{plan.slug}) finnes. Forskjeller fra {path.name}: {plan.diff.summary()}.")
        for line in plan.lines():
            print(f"  {line}")
        if plan.diff.empty:
            print("Ingenting å lagre.")
            return EXIT_OK
        if not args.yes and not _confirm("Lagre endringene?"):
            print("Avbrutt; ingenting er lagret. (Bruk --yes for å lagre uten å spørre.)")
            return EXIT_PROBLEMS
    entry = store.apply_import(plan, cli_actor())
    print(
        f"Lagret «{plan.name}» på /r/{plan.slug}: {entry.added} nye, {entry.changed} endret, {entry.ended} avsluttet "
        f"({len(plan.records)} aktive ordninger)."
    )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.casefold() not in EXPORT_FORMATS:
        raise UsageError(f"Ukjent filtype «{out.suffix}»: bruk .xlsx eller .csv")
    store = open_store(args, load_base(args))
    frame = store.export_frame(known_register(store, args.slug), parse_moment(args.at) if args.at else None)
    if out.suffix.casefold() == ".xlsx":
        out.write_bytes(to_safe_xlsx(frame, sheet_name="Ordninger"))
    else:
        out.write_text(to_safe_csv(frame), encoding="utf-8-sig")
    print(f"Skrev {len(frame)} ordninger til {out}", file=sys.stderr)
    return EXIT_OK


def parse_moment(text: str) -> dt.datetime:
    """«2026-01-15» (end of that day) or «2026-01-15 14:30», Norwegian time, as the stored UTC time."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UsageError(f"Ugyldig tidspunkt «{text}»: skriv ÅÅÅÅ-MM-DD eller «ÅÅÅÅ-MM-DD TT:MM»") from error
    if len(text.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return stored_time(moment)


def _set_listed(args: argparse.Namespace) -> int:
    store = open_store(args, load_base(args))
    slug = known_register(store, args.slug)
    try:
        store.set_listed(slug, args.listed)
    except RegisterError as error:
        raise UsageError(str(error)) from error
    print(f"/r/{slug} er nå {'oppført på /registre' if args.listed else 'skjult fra /registre (bare lenken viser det)'}.")
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    store = open_store(args, load_base(args))
    for line in store.history(known_register(store, args.slug)):
        print(line)
    return EXIT_OK
