"""`samsvar`: tjenester and konstellasjoner per municipality, or the district agreement matrix (CSV)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from dashboard.cli.common import (
    EXIT_OK,
    UsageError,
    add_structure_option,
    load_model,
    resolve_service,
    with_both_numbers,
)
from dashboard.cli.export_commands import resolve_region
from dashboard.data import alignment
from dashboard.data.model import CooperationModel
from dashboard.output.safe_csv import to_safe_csv


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `samsvar` to the command line."""
    definitions = " ".join(f"{term}: {text}" for term, text in alignment.DEFINITIONS)
    parser = subparsers.add_parser(
        "samsvar",
        parents=[common],
        help="er partnerne de samme fra tjeneste til tjeneste? (CSV)",
        description="Skriver CSV: kommunenummer,kommunenummer_2024,kommune,tjenester,konstellasjoner — én rad per kartlagt "
        "kommune som deltar i minst én av tjenestene. Med --matrix: distriktssamsvaret mellom hvert par "
        f"av tjenestene (andel fra 0 til 1; tomt der ingen par deltar i begge). {definitions}",
    )
    parser.add_argument(
        "--services",
        metavar="TJENESTER",
        help="kommaseparerte tjenester, f.eks. legevakt,barnevernvakt,ppt,nav,ikt,krisesenter "
        f"(standard: hovedtjenestene; høyst {alignment.MAX_SERVICES})",
    )
    parser.add_argument("--region", metavar="REGION", help="bare kartlagte kommuner i regionen, f.eks. hallingdal")
    parser.add_argument("--matrix", action="store_true", help="skriv tjeneste × tjeneste-matrisen i stedet")
    add_structure_option(parser, "kommunenummer, -navn og fylker fra denne kommunestrukturen (standard: registerets egen)")
    parser.set_defaults(handler=_samsvar)


def chosen_services(model: CooperationModel, text: str | None) -> tuple[str, ...]:
    """Service ids from a comma-separated list of ids or labels; the headline services without one."""
    if not text:
        return alignment.default_services(model)
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise UsageError("--services er tom: skriv minst én tjeneste, f.eks. --services legevakt,ppt")
    try:
        return alignment.check_services(model, [resolve_service(model, name) for name in names])
    except ValueError as error:
        raise UsageError(f"For mange tjenester: {error}") from error


def constellation_frame(model: CooperationModel, services, region: str | None) -> pd.DataFrame:
    rows = alignment.constellations(model, services, region)
    return pd.DataFrame(
        [(row.kommunenummer, row.kommune, row.services, row.constellations) for row in rows],
        columns=["kommunenummer", "kommune", "tjenester", "konstellasjoner"],
    )


def matrix_frame(model: CooperationModel, services, region: str | None) -> pd.DataFrame:
    """One row per service, one column per service: the agreement as a share with three decimals."""
    matrix = alignment.agreement_matrix(model, services, region)
    rows = [
        [first, *("" if matrix[(first, second)][0] is None else f"{matrix[(first, second)][0]:.3f}" for second in services)]
        for first in services
    ]
    return pd.DataFrame(rows, columns=["tjeneste", *services])


def _samsvar(args: argparse.Namespace) -> int:
    model = load_model(args)
    services = chosen_services(model, args.services)
    region = resolve_region(model, args.region)
    frame = matrix_frame(model, services, region) if args.matrix else with_both_numbers(constellation_frame(model, services, region), model)
    sys.stdout.write(to_safe_csv(frame))
    return EXIT_OK
