"""The `export` and `factsheet` commands: maps and fact sheets as files, from the command line.

Registered by dashboard.cli.main (`register(subparsers, common)`). Every
argument is checked before the browser starts, so a typo costs no start-up time. Exit codes:
0 ok, 1 export failed, 2 bad usage, 3 no browser to render with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

from dashboard.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    add_structure_option,
    load_model,
    resolve_service,
)
from dashboard.data.model import CooperationModel
from dashboard.data.registry import (
    MunicipalityNameError,
    closest_names,
    normalize_name,
    quote_list,
)
from dashboard.data.structures import check_structure
from dashboard.output import export, factsheet
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import focus_in
from dashboard.views.view_state import (
    QUERY_KEYS,
    VIEW_ALIGNMENT,
    VIEW_INTENSITY,
    VIEW_NETWORK,
    VIEW_SERVICE_MAP,
    VIEW_TABLE,
    VIEWS,
    ViewState,
)

EXIT_NO_BROWSER = 3
MAP_VIEWS = (VIEW_SERVICE_MAP, VIEW_NETWORK, VIEW_INTENSITY, VIEW_ALIGNMENT)
FACTSHEET_FORMATS = ("pdf", "png")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `export` and `factsheet` to the command line."""
    register_export(subparsers, common)
    register_factsheet(subparsers, common)


# ----- argument checking ------------------------------------------------------------------


def resolve_region(model: CooperationModel, text: str | None) -> str | None:
    """Region id from an id or name in any case/spacing; None for none or "alle"."""
    if text is None or normalize_name(text) in ("", export.ALL_REGIONS_SLUG):
        return None
    choices: dict[str, str] = {}
    for region_id, name, _kind in model.region_options():
        choices.setdefault(normalize_name(region_id), region_id)
        choices.setdefault(normalize_name(name), region_id)
    found = choices.get(normalize_name(text))
    if found is not None:
        return found
    region_names = dict(zip(model.regions["id"], model.regions["name"]))
    closest = closest_names(text, {key: region_names[region_id] for key, region_id in choices.items()})
    hint = f" Mente du {quote_list(closest)}?" if closest else ""
    valid = ", ".join(region_id for region_id, _name, kind in model.region_options() if kind == "kommuneregion")
    raise UsageError(f"Ukjent region «{text}».{hint}\nKommuneregioner: {valid} (alle regioner: se regions.csv)")


def resolve_surveyed(model: CooperationModel, text: str) -> str:
    """Kommunenummer of a surveyed municipality from a name, alias or number."""
    try:
        number = model.registry.resolve(text)
    except MunicipalityNameError as error:
        message = _sentence(str(error))
        surveyed = {normalize_name(model.name_of(knr)): model.name_of(knr) for knr in model.focus}
        closest = closest_names(text, surveyed)
        if closest and not error.choices:
            message += f". Mente du {quote_list(closest)}?"
        raise UsageError(message) from None
    if number not in model.focus:
        names = ", ".join(name for _knr, name in model.municipality_options())
        raise UsageError(
            f"{model.name_of(number)} ({number}) er ikke blant de kartlagte kommunene, så et faktaark ville "
            f"vært ufullstendig.\nKartlagte kommuner: {names}"
        )
    return number


def resolve_choice(text: str | None, options: list[tuple[str, str]], what: str) -> str | None:
    """Id from an id or label (sector, legal form); None when not given."""
    if text is None:
        return None
    choices: dict[str, str] = {}
    for option_id, label in options:
        choices.setdefault(normalize_name(option_id), option_id)
        choices.setdefault(normalize_name(label), option_id)
    found = choices.get(normalize_name(text))
    if found is not None:
        return found
    closest = closest_names(text, choices)
    hint = f" Mente du {quote_list(closest)}?" if closest else ""
    raise UsageError(f"Ukjent {what} «{text}».{hint}\nGyldige: {', '.join(option_id for option_id, _ in options)}")


def link_values(link: str | None) -> dict[str, str]:
    """Field -> value from a link copied from the app (?visning=kart&tjeneste=legevakt…)."""
    if not link:
        return {}
    query = urlsplit(link).query if "?" in link or "://" in link else link
    by_key = {key: field for field, key in QUERY_KEYS.items()}
    return {by_key[key]: value for key, value in parse_qsl(query) if key in by_key}


@dataclass(frozen=True)
class OutputTarget:
    """Where an export goes: a file, or a folder/zip for several files."""

    path: Path
    fmt: str

    @property
    def is_bundle(self) -> bool:
        return self.path.suffix.lower() == ".zip" or export.format_from_path(self.path) is None


def output_target(out: str, fmt: str | None, allowed: tuple[str, ...], default: str | None) -> OutputTarget:
    """The format from --format or the file suffix; they must agree when both are given."""
    path = Path(out)
    from_suffix = export.format_from_path(path)
    if fmt is not None and from_suffix is not None and fmt != from_suffix:
        raise UsageError(f"--format {fmt} passer ikke med filnavnet «{path.name}» (.{from_suffix})")
    chosen = fmt or from_suffix or default
    if chosen is None:
        raise UsageError(f"Oppgi --format ({'|'.join(allowed)}) eller et filnavn som slutter på .{'/.'.join(allowed)}")
    if chosen not in allowed:
        raise UsageError(f"Formatet «{chosen}» støttes ikke her. Gyldige: {', '.join(allowed)}")
    return OutputTarget(path, chosen)


# ----- export -----------------------------------------------------------------------------


def register_export(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="lagre kartet som PNG, SVG eller PDF (eller rapportpakken med --all-services)",
        description="Lagrer kartet slik det vises i appen, med tittel, tegnforklaring, kilde, kartgrunnlag og "
        "dato. Standardstørrelse: A4 liggende ved 300 dpi (3508×2480 piksler). Med --all-services: kartene "
        f"for {', '.join(export.PACK_SERVICES)} og dekningstabellene som CSV, i en mappe eller en .zip.",
    )
    parser.add_argument("--service", metavar="TJENESTE", help="tjeneste-id eller navn, f.eks. legevakt")
    parser.add_argument("--region", metavar="REGION", help="region-id eller navn, f.eks. hallingdal (standard: alle)")
    parser.add_argument("--sector", metavar="SEKTOR", help="bare ordninger i denne sektoren")
    parser.add_argument("--legal-form", metavar="FORM", help="bare ordninger med denne organisasjonsformen, f.eks. IKS")
    parser.add_argument("--view", choices=MAP_VIEWS, help="kart (tjeneste), nettverk, antall eller samsvar (standard: kart)")
    parser.add_argument("--network", action="store_true", help="vis samarbeidslinjene på tjenestekartet")
    parser.add_argument("--kommune", metavar="KOMMUNE", help="marker denne kommunen på kartet")
    parser.add_argument("--link", metavar="LENKE", help="lenke kopiert fra appen; gjenskaper visningen")
    parser.add_argument("--all-services", action="store_true", help="rapportpakke: de seks tjenestene + CSV")
    parser.add_argument("--format", choices=export.FORMATS, help="png, svg eller pdf (standard: fra filnavnet)")
    parser.add_argument("--out", required=True, metavar="STI", help="fil, mappe eller .zip (rapportpakke)")
    parser.add_argument("--size", metavar="STØRRELSE", help=f"{', '.join(export.SIZE_PRESETS)} (standard: a4)")
    parser.add_argument("--width", type=int, metavar="PX", help="bredde i piksler (høyden følger formatet)")
    parser.add_argument("--height", type=int, metavar="PX", help="høyde i piksler")
    parser.add_argument("--no-labels", action="store_true", help="uten kommunenavn på kartet (standard: med)")
    add_structure_option(parser, "kommunenummer, -navn, -grenser og fylker fra denne kommunestrukturen (standard: lenkens, ellers registerets egen)")
    parser.set_defaults(handler=_export)


def export_state(model: CooperationModel, args: argparse.Namespace) -> ViewState:
    """The view to export: the link's values, overridden by explicit options, each one checked."""
    linked = link_values(args.link)
    view = args.view or linked.get("view") or VIEW_SERVICE_MAP
    if view not in VIEWS:
        raise UsageError(f"Ukjent visning «{view}». Gyldige: {', '.join(MAP_VIEWS)}")
    service_text = args.service or linked.get("service")
    if service_text is None and view in (VIEW_SERVICE_MAP, VIEW_TABLE) and not args.all_services:
        raise UsageError("Oppgi --service TJENESTE (f.eks. legevakt), --all-services eller --view nettverk|antall|samsvar")
    municipality = args.kommune or linked.get("municipality")
    return ViewState(
        view=VIEW_SERVICE_MAP if view == VIEW_TABLE else view,
        service=resolve_service(model, service_text) if service_text else export.PACK_SERVICES[0],
        region=resolve_region(model, args.region or linked.get("region")),
        sector=resolve_choice(args.sector or linked.get("sector"), model.sector_options(), "sektor"),
        legal_form=resolve_choice(
            args.legal_form or linked.get("legal_form"), model.legal_form_options(), "organisasjonsform"
        ),
        municipality=model.registry.resolve(municipality) if municipality else None,
        network=args.network or linked.get("network") == "1",
        # «Samsvar»: the link's chosen services (?utvalg=…), each checked like --service.
        services=tuple(dict.fromkeys(resolve_service(model, name) for name in linked.get("services", "").split(",") if name.strip())),
    )


def structure_from_link(args: argparse.Namespace) -> None:
    """--struktur from the link (?struktur=2024) when not given itself: the view as it was shown."""
    linked = link_values(getattr(args, "link", None)).get("structure")
    if linked and not args.struktur:
        try:
            args.struktur = check_structure(linked)
        except ValueError as error:
            raise UsageError(f"Lenken har {error}") from None


def _export(args: argparse.Namespace) -> int:
    structure_from_link(args)
    model = load_model(args)
    try:
        size = export.resolve_size(args.size, args.width, args.height)
        state = export_state(model, args)
    except (export.ExportError, MunicipalityNameError) as error:
        raise UsageError(_sentence(str(error))) from None
    target = output_target(args.out, args.format, export.FORMATS, "png" if args.all_services else None)
    if args.all_services and not target.is_bundle:
        raise UsageError("Med --all-services må --out være en mappe eller en .zip-fil")
    today = dt.date.today()
    base = MapBase.from_boundaries(model.boundaries)

    def work(renderer: export.Renderer) -> str:
        if args.all_services:
            files = export.report_pack(
                model, renderer, target.fmt, size, state.region, today, _progress, base, labels=not args.no_labels
            )
            written = export.write_bundle(files, target.path)
            return f"Skrev rapportpakken ({len(export.pack_services(model))} kart + CSV) til {written}"
        name, content = export.export_view(model, state, target.fmt, size, renderer, today, base, labels=not args.no_labels)
        path = target.path / name if target.is_bundle else target.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return f"Skrev {path} ({size.describe()})" if target.fmt != "svg" else f"Skrev {path}"

    return _with_renderer(work)


# ----- fact sheets ------------------------------------------------------------------------


def register_factsheet(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "factsheet",
        parents=[common],
        help="faktaark (én A4-side PDF) for en kommune, eller for hver kommune i en region",
        description="Én side per kommune: kart over samarbeidspartnerne (farget etter antall felles ordninger), "
        "antall ordninger mot snittet i regionen, og alle ordningene etter sektor med vertskommune og "
        "organisasjonsform. Til vedlegg i eierskapsmeldinger.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--kommune", metavar="NAVN|NR", help="kommunenavn eller kommunenummer, f.eks. Ål eller 3043")
    which.add_argument("--region", metavar="REGION", help="ett faktaark per kartlagt kommune i regionen")
    parser.add_argument("--format", choices=FACTSHEET_FORMATS, help="pdf (standard) eller png")
    parser.add_argument("--out", required=True, metavar="STI", help="fil (--kommune), mappe eller .zip (--region)")
    add_structure_option(parser, "kommunenummer, -navn, -grenser og fylker fra denne kommunestrukturen (standard: registerets egen)")
    parser.set_defaults(handler=_factsheet)


def _factsheet(args: argparse.Namespace) -> int:
    model = load_model(args)
    if args.kommune:
        numbers: tuple[str, ...] = (resolve_surveyed(model, args.kommune),)
    else:
        region = resolve_region(model, args.region)
        numbers = focus_in(model, region)
        if not numbers:
            raise UsageError(f"Ingen kartlagte kommuner i regionen «{args.region}»")
    target = output_target(args.out, args.format, FACTSHEET_FORMATS, "pdf")
    if len(numbers) > 1 and not target.is_bundle:
        raise UsageError("Med --region må --out være en mappe eller en .zip-fil")
    today = dt.date.today()
    base = MapBase.from_boundaries(model.boundaries)

    def work(renderer: export.Renderer) -> str:
        def sheet(number: str) -> list[tuple[str, bytes]]:
            figure = factsheet.factsheet_figure(model, number, today, base)
            name = factsheet.factsheet_filename(model, number, target.fmt, today)
            return [(name, renderer.render(figure, target.fmt, factsheet.PAGE))]

        if target.is_bundle and (len(numbers) > 1 or args.region):
            tasks = [(model.name_of(number), (lambda number=number: sheet(number))) for number in numbers]
            written = export.write_bundle(export.run_with_progress(tasks, _progress), target.path)
            return f"Skrev {len(numbers)} faktaark til {written}"
        ((name, content),) = sheet(numbers[0])
        path = target.path / name if target.is_bundle else target.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return f"Skrev {path}"

    return _with_renderer(work)


# ----- shared -----------------------------------------------------------------------------


def _with_renderer(work: Callable[[export.Renderer], str]) -> int:
    """Start the browser, do the work, and turn export failures into a message and exit code."""
    try:
        with export.Renderer() as renderer:
            print(work(renderer))
    except export.BrowserMissing as error:
        print(str(error), file=sys.stderr)
        return EXIT_NO_BROWSER
    except export.ExportError as error:
        print(f"Eksporten feilet: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
