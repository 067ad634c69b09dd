"""Dash components with the app's accessibility defaults: Norwegian texts inside them.

Dash 4's dropdown has English texts of its own («Search», «No options found» …); every
dropdown of the app is made here so none of them shows English. Their keyboard entry point and
accessible name are repaired in the browser (assets/a11y.js), where Dash draws them.
"""

from __future__ import annotations

from typing import Any

from dash import dcc

DROPDOWN_LABELS = {
    "select_all": "Velg alle",
    "deselect_all": "Fjern alle",
    "selected_count": "{num_selected} valgt",
    "search": "Søk …",
    "clear_search": "Tøm søket",
    "clear_selection": "Fjern valget",
    "no_options_found": "Ingen treff",
}
DEFAULT_PLACEHOLDER = "Velg …"


def dropdown(component_id: str, options: list[dict[str, Any]], **props: Any) -> dcc.Dropdown:
    """A dcc.Dropdown with Norwegian texts (search field, counts, «no match») and placeholder."""
    props.setdefault("placeholder", DEFAULT_PLACEHOLDER)
    return dcc.Dropdown(id=component_id, options=options, labels=DROPDOWN_LABELS, **props)
