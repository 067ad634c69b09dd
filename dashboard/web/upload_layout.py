"""Pure component tree of "bring your own data": the dataset banner and the upload panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from dash import dcc, html

from dashboard.web import ids
from dashboard.web.upload import dataset_summary

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# A file with hundreds of problems shows the first ones; fixing those usually fixes a pattern.
MAX_PROBLEM_LINES = 50


def dataset_bar(model: "CooperationModel") -> html.Div:
    """Which dataset the page shows, and the way back to the built-in survey (hidden until an upload)."""
    return html.Div(
        [
            html.P(dataset_summary(model), id=ids.DATASET_LABEL, className="dataset-label", role="status", **{"aria-live": "polite"}),
            html.Button(f"Tilbake til {model.source_label}", id=ids.DATASET_RESET, className="button", hidden=True),
        ],
        className="dataset-bar",
    )


def upload_panel() -> html.Details:
    """Template downloads, the upload area and the place its problems appear."""
    from dashboard.data.sheets import (  # here: importing the app loads no data code
        MAX_UPLOAD_BYTES,
        MAX_UPLOAD_ROWS,
    )

    megabytes = MAX_UPLOAD_BYTES // (1024 * 1024)
    return html.Details(
        [
            html.Summary("Bruk egne data (Excel eller CSV)", id=ids.UPLOAD_SUMMARY),
            html.Div(
                [
                    html.Div(
                        [
                            html.P("1. Last ned malen og fyll inn én rad per samarbeidsordning.", className="upload-step"),
                            html.Div(
                                [
                                    html.Button("Last ned mal (Excel)", id=ids.TEMPLATE_XLSX_BUTTON, className="button"),
                                    html.Button("Last ned mal (CSV)", id=ids.TEMPLATE_CSV_BUTTON, className="button"),
                                ],
                                className="upload-buttons",
                            ),
                            dcc.Download(id=ids.TEMPLATE_XLSX_DOWNLOAD),
                            dcc.Download(id=ids.TEMPLATE_CSV_DOWNLOAD),
                        ],
                        className="upload-column",
                    ),
                    html.Div(
                        [
                            html.P("2. Last opp den utfylte filen.", className="upload-step"),
                            # The wrapper tells assets/upload_limit.js the limit and where to report a
                            # refused file: dcc.Upload drops files over max_size without a word. The
                            # upload area itself comes when the panel is first opened (`upload_zone`).
                            html.Div(
                                id=ids.UPLOAD_HOLDER,
                                **{
                                    "data-max-bytes": str(MAX_UPLOAD_BYTES),
                                    "data-rejected-store": ids.UPLOAD_REJECTED,
                                    "data-file-label": "Last opp den utfylte filen (.xlsx eller .csv)",
                                },
                            ),
                            html.P(
                                f".xlsx eller .csv (komma eller semikolon), høyst {megabytes} MB og {MAX_UPLOAD_ROWS} rader. "
                                "Filen blir bare i denne nettleserfanen; ingen andre ser den.",
                                className="field-hint",
                            ),
                            dcc.Store(id=ids.UPLOAD_REJECTED),
                        ],
                        className="upload-column",
                    ),
                ],
                className="upload-body",
            ),
            html.Div(id=ids.UPLOAD_PROBLEMS, className="upload-problems", role="alert", **{"aria-live": "assertive"}),
        ],
        id=ids.UPLOAD_PANEL,
        className="upload-panel",
    )


def upload_area(component_id: str, **limit: int) -> dcc.Upload:
    """A drop zone with its file field. Sent into its holder when first needed, so pages do not
    load dcc.Upload's code (9 KB) for panels most visits never open."""
    return dcc.Upload(
        html.Div(["Dra filen hit, eller ", html.Span("velg fil", className="upload-link")]),
        id=component_id,
        multiple=False,
        className="upload-zone",
        className_active="upload-zone upload-zone-active",
        **limit,
    )


def upload_zone() -> dcc.Upload:
    """The upload panel's drop zone, sent when the panel is first opened."""
    from dashboard.data.sheets import MAX_UPLOAD_BYTES  # here: importing the app loads no data code

    return upload_area(ids.UPLOAD, max_size=MAX_UPLOAD_BYTES)


def problem_list(filename: str, count_text: str, lines: Sequence[str]) -> html.Div:
    """The problems of a refused file, one line each, as text (never markup)."""
    shown = list(lines[:MAX_PROBLEM_LINES])
    items = [html.Li(line) for line in shown]
    if len(lines) > len(shown):
        items.append(html.Li(f"… og {len(lines) - len(shown)} til.", className="upload-more"))
    return html.Div(
        [
            html.P(f"«{filename}» ble ikke tatt i bruk ({count_text}). Kartet viser det samme som før.", className="upload-problems-title"),
            html.Ul(items),
        ]
    )
