"""A model and what every view derives from it once: colours, map geometry, valid link values.

Callbacks never capture a model. They ask a resolver (dashboard.web.registers.PageDatasets) for
the `Dataset` of the page's register or draft; `prepare` derives it once per model version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from dashboard.data.alignment import default_services
from dashboard.views.colors import arrangement_colors
from dashboard.views.map_base import MapBase
from dashboard.views.view_state import DEFAULT_SERVICE, AllowedValues

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

@dataclass(frozen=True, eq=False)
class Dataset:
    """A model and what every view derives from it once."""

    model: "CooperationModel"
    base: MapBase
    colors: dict[str, str]
    allowed: AllowedValues


def prepare(model: "CooperationModel", base: MapBase) -> Dataset:
    """Derive colours and valid URL values for `model`; `base` is the shared map geometry."""
    services = [service_id for service_id, _label in model.service_options()]
    default_service = DEFAULT_SERVICE if DEFAULT_SERVICE in services else (services[0] if services else DEFAULT_SERVICE)
    members = set(model.memberships["kommunenummer"]) | set(model.focus)
    allowed = AllowedValues(
        services=frozenset(services),
        regions=frozenset(model.regions["id"]),
        sectors=frozenset(sector_id for sector_id, _label in model.sector_options()),
        legal_forms=frozenset(form for form, _label in model.legal_form_options()),
        municipalities=frozenset(members),
        default_service=default_service,
        default_services=default_services(model),
    )
    colors = arrangement_colors(list(model.arrangements["id"]), list(model.arrangements["services"]))
    return Dataset(model=model, base=base, colors=colors, allowed=allowed)


# What callbacks ask for data: resolve(DATASET store value, per=None) -> Dataset, where `per` is
# a «per dato» (ISO date). dashboard.web.registers.PageDatasets is the app's.
Resolver = Callable[..., Dataset]
