"""Norwegian text for plotly.js's own UI (modebar tooltips, messages) and number format,
and for the texts Dash's dropdowns draw themselves.

Strings from plotly.js 4.1.1 `lib/locales/no.js` (MIT licence), limited to what a map or bar
chart shows and with a few fixes of wording; given to plotly through the `locales` config, so
no extra script is loaded.
"""

from __future__ import annotations

from typing import Any

LOCALE_NAME = "nb"

# Dash's dropdowns in Norwegian (their own defaults are English, e.g. the search box's «Search»).
DROPDOWN_LABELS = {
    "select_all": "Velg alle",
    "deselect_all": "Fjern alle",
    "selected_count": "{num_selected} valgt",
    "search": "Søk",
    "clear_search": "Tøm søket",
    "clear_selection": "Fjern valget",
    "no_options_found": "Ingen treff",
}

DICTIONARY = {
    "Autoscale": "Autoskaler",
    "Box Select": "Velg rektangel",
    "Double-click on legend to isolate one trace": "Dobbelklikk på forklaringen for å vise bare én serie",
    "Double-click to zoom back out": "Dobbelklikk for å zoome ut igjen",
    "Download plot": "Last ned figur",
    "Download plot as a PNG": "Last ned figur som PNG",
    "Image download succeeded": "Bildet er lastet ned",
    "Lasso Select": "Velg med lasso",
    "Pan": "Panorer",
    "Preparing image - this may take a few seconds": "Forbereder bilde – dette kan ta noen sekunder",
    "Produced with Plotly": "Laget med Plotly",
    "Reset": "Nullstill",
    "Reset axes": "Nullstill akser",
    "Reset view": "Nullstill visning",
    "Reset views": "Nullstill visninger",
    "Show closest data on hover": "Vis nærmeste verdi når musepekeren holdes over",
    "Compare data on hover": "Sammenlign data når musepekeren holdes over",
    "Sorry, there was a problem downloading your image!": "Beklager, noe gikk galt under nedlasting av bildet!",
    "Zoom": "Zoom",
    "Zoom in": "Zoom inn",
    "Zoom out": "Zoom ut",
    "trace": "serie",
}

FORMAT = {"decimal": ",", "thousands": "\u00a0", "date": "%d.%m.%Y"}


def plotly_locale_config() -> dict[str, Any]:
    """The `locale` and `locales` entries of a dcc.Graph config."""
    return {"locale": LOCALE_NAME, "locales": {LOCALE_NAME: {"dictionary": DICTIONARY, "format": FORMAT}}}
