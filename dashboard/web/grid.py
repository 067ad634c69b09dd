"""The table view's grids (dash-ag-grid): keyboard-accessible, sortable and filterable, in Norwegian.

dash_table.DataTable is deprecated in Dash and trapped keyboard focus; AG Grid follows the ARIA
grid pattern instead. Each grid is one Tab stop: arrow keys move between header, filter and
body cells, Enter sorts a column (Shift+Enter adds a second sort key), and Tab leaves the grid
(`tabToNextCell` returns false). Every row is in the DOM in order (autoHeight, ensureDomOrder),
so screen readers and the browser's own search see the whole table.

Functions below are dash-ag-grid's `{"function": …}` strings, which it interprets from a parse
tree (no eval, so the Content-Security-Policy holds).

The grids load on first use, not with the page (~550 KB compressed): `serve_grid_on_demand()`
keeps dash-ag-grid's main script out of the page's script tags, `assets/table_grids.js` loads it
when «Tabell» is first opened, and only then does a callback send the grids (`table_grids`).
"""

from __future__ import annotations

import os
from typing import Any, Iterable

import dash_ag_grid as dag
from dash.fingerprint import build_fingerprint

GRID_SCRIPT = "dash_ag_grid.min.js"

# AG Grid's own texts, in Norwegian bokmål (the keys are AG Grid's localeText names).
GRID_LOCALE = {
    "noRowsToShow": "Ingen rader å vise",
    "loadingOoo": "Laster …",
    "filterOoo": "Filtrer …",
    "searchOoo": "Søk …",
    "blanks": "(Tomme)",
    "selectAll": "(Velg alle)",
    "equals": "Er lik",
    "notEqual": "Er ikke lik",
    "blank": "Tom",
    "notBlank": "Ikke tom",
    "empty": "Velg en",
    "lessThan": "Mindre enn",
    "greaterThan": "Større enn",
    "lessThanOrEqual": "Mindre enn eller lik",
    "greaterThanOrEqual": "Større enn eller lik",
    "inRange": "Mellom",
    "inRangeStart": "Fra",
    "inRangeEnd": "Til",
    "contains": "Inneholder",
    "notContains": "Inneholder ikke",
    "startsWith": "Begynner med",
    "endsWith": "Slutter med",
    "andCondition": "OG",
    "orCondition": "ELLER",
    "applyFilter": "Bruk",
    "resetFilter": "Nullstill",
    "clearFilter": "Tøm",
    "cancelFilter": "Avbryt",
    "textFilter": "Tekstfilter",
    "numberFilter": "Tallfilter",
    "filters": "Filtre",
    "columns": "Kolonner",
    "sortAscending": "Sorter stigende",
    "sortDescending": "Sorter synkende",
    "sortUnSort": "Fjern sortering",
    "page": "Side",
    "pageSizeSelectorLabel": "Rader per side:",
    "firstPage": "Første side",
    "previousPage": "Forrige side",
    "nextPage": "Neste side",
    "lastPage": "Siste side",
    "to": "til",
    "of": "av",
    "more": "flere",
    "ariaChecked": "avkrysset",
    "ariaUnchecked": "ikke avkrysset",
    "ariaIndeterminate": "delvis",
    "ariaColumn": "Kolonne",
    "ariaColumnGroup": "Kolonnegruppe",
    "ariaColumnFiltered": "Kolonnen er filtrert",
    "ariaFilterColumn": "Trykk Ctrl+Enter for å åpne filteret",
    "ariaFilterColumnsInput": "Filtrer kolonner",
    "ariaFilterFromValue": "Filtrer fra verdi",
    "ariaFilterInput": "Filterfelt",
    "ariaFilterList": "Filterliste",
    "ariaFilterToValue": "Filtrer til verdi",
    "ariaFilterValue": "Filterverdi",
    "ariaFilterMenuOpen": "Åpne filtermenyen",
    "ariaFilteringOperator": "Filtervalg",
    "ariaHidden": "skjult",
    "ariaVisible": "synlig",
    "ariaSearch": "Søk",
    "ariaSearchFilterValues": "Søk i filterverdier",
    "ariaSortableColumn": "Trykk Enter for å sortere",
    "ariaMenuColumn": "Trykk Alt+pil ned for å åpne kolonnemenyen",
    "ariaLabelColumnMenu": "Kolonnemeny",
    "ariaLabelColumnFilter": "Kolonnefilter",
    "ariaLabelDialog": "Dialog",
    "ariaLabelSelectField": "Velg felt",
    "ariaLabelTooltip": "Verktøytips",
    "ariaRowSelect": "Trykk Mellomrom for å velge raden",
    "ariaRowDeselect": "Trykk Mellomrom for å fjerne valget av raden",
    "ariaSkeletonCellLoading": "Raden lastes",
    "ariaSkeletonCellLoadingFailed": "Raden kunne ikke lastes",
    "ariaDefaultListName": "Liste",
    "ariaDropZoneColumnComponentSortAscending": "stigende",
    "ariaDropZoneColumnComponentSortDescending": "synkende",
    "ariaPageSizeSelectorLabel": "Sidestørrelse",
}

GRID_KEYS_HELP = (
    "Tastatur: Tab går inn i og ut av tabellen; piltastene flytter mellom celler, Enter på en "
    "kolonneoverskrift sorterer, og pil ned fra overskriften når filterfeltet."
)
# Every other column (Ordninger and the per-sector counts of the count table) holds numbers.
TEXT_COLUMNS = frozenset({"Kommune", "Kommunenummer", "Kartlagt", "Ordning", "Partnere", "Vertskommune", "Organisasjonsform", "Kilde"})
WIDE_COLUMNS = {"Kommune": 140, "Kommunenummer": 150, "Partnere": 260, "Ordning": 200, "Kilde": 200}
NO_ARRANGEMENT_ROW = {
    "styleConditions": [
        {"condition": "params.data && params.data.Ordning === 'Ingen ordning'", "style": {"fontWeight": "600"}},
    ]
}


def column_defs(columns: Iterable[str]) -> list[dict[str, Any]]:
    """One sortable, filterable column per name; numbers filter and sort as numbers."""
    defs = []
    for column in columns:
        numeric = column not in TEXT_COLUMNS
        definition: dict[str, Any] = {
            "field": column,
            "headerName": column,
            "filter": "agNumberColumnFilter" if numeric else "agTextColumnFilter",
            "minWidth": WIDE_COLUMNS.get(column, 135 if numeric else 110),
        }
        if numeric:
            definition["type"] = "numericColumn"
        defs.append(definition)
    return defs


def serve_grid_on_demand() -> None:
    """Mark dash-ag-grid's main script «dynamic» (Dash's own resource flag): still served under
    /_dash-component-suites/, but no longer in every page's script tags. Idempotent."""
    dag._js_dist = [dict(resource, dynamic=True) if resource["relative_package_path"] == GRID_SCRIPT else resource for resource in dag._js_dist]


def grid_script_path() -> str:
    """«dash_ag_grid/<fingerprinted name>»: where, under _dash-component-suites/, the script is, with
    the same fingerprint (version and file time) Dash gives its scripts, so it is cached for good."""
    modified = int(os.stat(os.path.join(os.path.dirname(dag.__file__), GRID_SCRIPT)).st_mtime)
    return f"dash_ag_grid/{build_fingerprint(GRID_SCRIPT, dag.__version__, modified)}"


def table_grid(grid_id: str, columns: Iterable[str], rows: list[dict[str, Any]] | None = None) -> dag.AgGrid:
    """A grid with `columns` and `rows` (later updates only change its rowData)."""
    return dag.AgGrid(
        id=grid_id,
        rowData=rows or [],
        columnDefs=column_defs(columns),
        defaultColDef={
            "sortable": True,
            "filter": True,
            "floatingFilter": True,
            "resizable": True,
            "wrapText": True,
            "autoHeight": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
            "flex": 1,
            "suppressHeaderMenuButton": True,
            "filterParams": {"buttons": ["reset"], "maxNumConditions": 1},
        },
        dashGridOptions={
            "localeText": GRID_LOCALE,
            "domLayout": "autoHeight",
            "ensureDomOrder": True,
            "suppressFieldDotNotation": True,
            "enableCellTextSelection": True,
            "suppressColumnVirtualisation": True,
            "suppressRowVirtualisation": True,
            "tabToNextCell": {"function": "false"},
            "tabToNextHeader": {"function": "false"},
        },
        getRowStyle=NO_ARRANGEMENT_ROW,
        className="table-grid",
        style={"height": None, "width": "100%"},
    )
