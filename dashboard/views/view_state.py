"""What the user is looking at, as a shareable query string (?visning=kart&tjeneste=legevakt…)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import AbstractSet
from urllib.parse import parse_qsl, urlencode

# View names: a domain fact shared by links, tabs, exports and the deck (?visning=...).
VIEW_SERVICE_MAP = "kart"
VIEW_NETWORK = "nettverk"
VIEW_INTENSITY = "antall"
VIEW_TABLE = "tabell"
# «Samsvar» (?visning=samsvar&utvalg=legevakt,ppt&sammenlign=legevakt,ppt): do partners change
# from service to service? See dashboard.data.alignment.
VIEW_ALIGNMENT = "samsvar"
VIEWS = (VIEW_SERVICE_MAP, VIEW_NETWORK, VIEW_INTENSITY, VIEW_TABLE, VIEW_ALIGNMENT)
# Presentation mode (?visning=presentasjon): a full-screen deck of service maps, not a tab.
VIEW_PRESENTATION = "presentasjon"

DEFAULT_SERVICE = "legevakt"

# Query keys are Norwegian: the URL is part of the UI people copy into e-mails and reports.
QUERY_KEYS = {
    "view": "visning",
    "service": "tjeneste",
    "region": "region",
    "sector": "sektor",
    "legal_form": "form",
    "municipality": "kommune",
    "network": "nettverk",
    "per": "per",
    "services": "utvalg",
    "compare": "sammenlign",
}
# Most services one link may choose for «Samsvar» (dashboard.data.alignment.MAX_SERVICES).
MAX_CHOSEN_SERVICES = 12
# «Per dato» (?per=2019-01-01): the register as it stood that day. Dates outside these years are ignored.
PER_YEARS = (1900, 2100)
# Presentation mode (?visning=presentasjon&tjenester=legevakt,ppt,nav&region=…): the deck's
# services in order; the other keys above give the filters every slide shares.
DECK_KEY = "tjenester"
# «Endringer siden» (?endringer=2025-01-01): opens that panel, and adds its slide to a deck.
CHANGES_KEY = "endringer"


@dataclass(frozen=True)
class ViewState:
    """Everything a link has to carry to reopen the same view. None means "no filter"."""

    view: str = VIEW_SERVICE_MAP
    service: str = DEFAULT_SERVICE
    region: str | None = None
    sector: str | None = None
    legal_form: str | None = None
    municipality: str | None = None
    network: bool = False
    per: str | None = None
    # «Samsvar»: the chosen services (empty: the headline services) and the two compared (empty: the first two).
    services: tuple[str, ...] = ()
    compare: tuple[str, ...] = ()


def valid_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) within PER_YEARS, else None.

    >>> valid_date("2019-01-01"), valid_date("2019-02-30"), valid_date("igår")
    ('2019-01-01', None, None)
    """
    text = str(value or "")
    if len(text) != 10:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text if PER_YEARS[0] <= day.year <= PER_YEARS[1] else None


@dataclass(frozen=True)
class AllowedValues:
    """Valid values per field; a link with anything else falls back to the default."""

    services: AbstractSet[str]
    regions: AbstractSet[str]
    sectors: AbstractSet[str]
    legal_forms: AbstractSet[str]
    municipalities: AbstractSet[str]
    default_service: str = DEFAULT_SERVICE
    # «Samsvar»'s default choice: the headline services the data has, in order.
    default_services: tuple[str, ...] = ()


def default_state(allowed: AllowedValues) -> ViewState:
    """The view a visitor without a query string gets."""
    return ViewState(service=allowed.default_service)


def service_list(text: str | None, valid: AbstractSet[str], limit: int = MAX_CHOSEN_SERVICES) -> tuple[str, ...]:
    """Valid, distinct service ids from a comma-separated list, in order, at most `limit`.

    >>> service_list("ppt,mars,ppt,nav", {"ppt", "nav"})
    ('ppt', 'nav')
    """
    chosen = [part.strip() for part in str(text or "").split(",") if part.strip() in valid]
    return tuple(dict.fromkeys(chosen))[:limit]


def chosen_services(state: ViewState, allowed: AllowedValues) -> tuple[str, ...]:
    """The services «Samsvar» shows: the state's valid choice (at most MAX_CHOSEN_SERVICES), else the defaults."""
    valid = tuple(service for service in state.services if service in allowed.services)[:MAX_CHOSEN_SERVICES]
    return valid or allowed.default_services


def compared_services(state: ViewState, allowed: AllowedValues) -> tuple[str, ...]:
    """The two services compared side by side: the state's pair, else the first two chosen (fewer if fewer exist)."""
    if len(state.compare) == 2 and all(service in allowed.services for service in state.compare):
        return state.compare
    return chosen_services(state, allowed)[:2]


def parse_query(search: str | None, allowed: AllowedValues) -> ViewState:
    """State from a query string; unknown keys are ignored, invalid values fall back to defaults.

    >>> allowed = AllowedValues({"legevakt", "ppt"}, {"hallingdal"}, set(), set(), {"3042"})
    >>> parse_query("?visning=tabell&tjeneste=ppt&region=mars&kommune=3042", allowed)
    ViewState(view='tabell', service='ppt', region=None, sector=None, legal_form=None, municipality='3042', network=False, per=None, services=(), compare=())
    """
    values = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))
    state = default_state(allowed)

    def pick(key: str, valid: AbstractSet[str]) -> str | None:
        value = values.get(QUERY_KEYS[key])
        return value if value in valid else None

    view = pick("view", set(VIEWS))
    service = pick("service", allowed.services)
    return replace(
        state,
        view=view or state.view,
        service=service or state.service,
        region=pick("region", allowed.regions),
        sector=pick("sector", allowed.sectors),
        legal_form=pick("legal_form", allowed.legal_forms),
        municipality=pick("municipality", allowed.municipalities),
        network=values.get(QUERY_KEYS["network"]) == "1",
        per=valid_date(values.get(QUERY_KEYS["per"])),
        services=service_list(values.get(QUERY_KEYS["services"]), allowed.services),
        compare=_pair(service_list(values.get(QUERY_KEYS["compare"]), allowed.services)),
    )


def _pair(services: tuple[str, ...]) -> tuple[str, ...]:
    return services if len(services) == 2 else ()


def to_query(state: ViewState, default_service: str = DEFAULT_SERVICE, default_services: tuple[str, ...] = ()) -> str:
    """Query string for a state, leaving out defaults so plain links stay short ("" for the default).

    >>> to_query(ViewState(view="tabell", region="hallingdal"))
    '?visning=tabell&region=hallingdal'
    >>> to_query(ViewState(view="samsvar", services=("legevakt", "ppt"), compare=("legevakt", "ppt")), default_services=("legevakt", "ppt"))
    '?visning=samsvar'
    >>> to_query(ViewState(view="samsvar", services=("ppt", "nav"), compare=("legevakt", "ppt")), default_services=("legevakt", "ppt"))
    '?visning=samsvar&utvalg=ppt,nav&sammenlign=legevakt,ppt'
    """
    defaults = ViewState(service=default_service)
    # «Samsvar»: the headline services, and a compared pair that is the first two shown, are defaults.
    shown = state.services or tuple(default_services)
    omitted = {"services": (tuple(default_services),), "compare": (tuple(shown[:2]),)}
    pairs = []
    for field in fields(ViewState):
        value = getattr(state, field.name)
        if value == getattr(defaults, field.name) or value is None or value in omitted.get(field.name, ()):
            continue
        text = ",".join(value) if isinstance(value, tuple) else ("1" if value is True else str(value))
        pairs.append((QUERY_KEYS[field.name], text))
    return "?" + urlencode(pairs, safe=",") if pairs else ""
