"""`user add`: an editor account for one register, with the password from a prompt or standard input."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.cli.common import (
    EXIT_OK,
    UsageError,
    known_register,
    load_base,
    open_store,
)
from dashboard.store.accounts import Accounts
from dashboard.store.registers import RegisterError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `user …` to the command line."""
    parser = subparsers.add_parser("user", help="redaktørkontoer for et register")
    actions = parser.add_subparsers(dest="action", metavar="HANDLING", required=True)
    adding = actions.add_parser(
        "add",
        parents=[common],
        help="ny redaktør for ett register",
        description="Passordet leses fra en ledetekst (to ganger), eller fra standard inn med --password-stdin.",
    )
    adding.add_argument("--email", required=True, metavar="E-POST")
    adding.add_argument("--password-stdin", action="store_true", help="les passordet fra første linje på standard inn")
    adding.set_defaults(handler=_add)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("Passord: ")
        second = getpass.getpass("Gjenta passordet: ")
    except EOFError as error:
        raise UsageError("Ingen ledetekst å spørre i; bruk --password-stdin.") from error
    if first != second:
        raise UsageError("Passordene er ikke like.")
    return first


def _add(args: argparse.Namespace) -> int:
    if not args.register:
        raise UsageError("Si hvilket register kontoen gjelder: --register LENKENAVN")
    store = open_store(args, load_base(args))
    slug = known_register(store, args.register)
    try:
        editor = Accounts(store.engine).add(slug, args.email, _password(args))
    except RegisterError as error:
        raise UsageError(f"Kan ikke lage kontoen: {error}.") from error
    print(f"{editor.email} er redaktør for /r/{slug}. Logg inn på /r/{slug}/logg-inn.")
    return EXIT_OK
