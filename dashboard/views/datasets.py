"""Which data a browser session looks at: the one indirection between callbacks and a model.

Callbacks never capture a model. They receive the DATASET store value and ask a resolver for
the `Dataset` (model plus what the views derive from it once: colours, map geometry, valid URL
values). `None` means the built-in survey; an upload feature can pass `lookup` to resolve its
own store values to session-only models.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from dashboard.views.colors import arrangement_colors
from dashboard.views.map_base import MapBase
from dashboard.views.view_state import DEFAULT_SERVICE, AllowedValues

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# Derived views of uploaded models kept per process (each is small: colours and value sets).
MAX_CACHED_DATASETS = 32


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
    )
    colors = arrangement_colors(list(model.arrangements["id"]), list(model.arrangements["services"]))
    return Dataset(model=model, base=base, colors=colors, allowed=allowed)


class DatasetResolver:
    """Store value -> Dataset. `None` (or an unknown value) gives the built-in dataset.

    `lookup(store_value)` may return the model of an uploaded file; its Dataset is derived
    once and kept (bounded), sharing the built-in map geometry (same boundary file).
    """

    def __init__(
        self,
        builtin: Dataset,
        lookup: Callable[[Any], "CooperationModel | None"] | None = None,
    ) -> None:
        self.builtin = builtin
        self._lookup = lookup
        self._cache: OrderedDict[str, Dataset] = OrderedDict()

    def __call__(self, store_value: Any = None) -> Dataset:
        if store_value is None or self._lookup is None:
            return self.builtin
        key = json.dumps(store_value, sort_keys=True, default=str)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        model = self._lookup(store_value)
        if model is None:
            return self.builtin
        dataset = prepare(model, self.builtin.base)
        self._cache[key] = dataset
        while len(self._cache) > MAX_CACHED_DATASETS:
            self._cache.popitem(last=False)
        return dataset

    def resolve_model(self, store_value: Any = None) -> "CooperationModel":
        """Just the model behind a store value (built-in when None)."""
        return self(store_value).model
