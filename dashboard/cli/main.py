"""Command line for scripts and reports: `python -m dashboard KOMMANDO …`.

Each command group is a module with `register(subparsers, common)`; COMMAND_GROUPS lists them.
A handler takes the parsed arguments and returns an exit code: 0 ok, 1 bad data, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from dashboard.cli import (
    alignment_commands,
    data_commands,
    export_commands,
    register_commands,
    user_commands,
)
from dashboard.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    PROG,
    Registrar,
    UsageError,
    common_options,
)
from dashboard.data.problems import DataError

COMMAND_GROUPS: tuple[Registrar, ...] = (
    data_commands.register,
    export_commands.register,
    register_commands.register,
    user_commands.register,
    alignment_commands.register,
)


def build_parser(groups: Sequence[Registrar] = COMMAND_GROUPS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Samarbeidskartet: interkommunalt samarbeid fra kommandolinjen. Kilde: NIVI Analyse 2021.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    common = common_options()
    for register in groups:
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
