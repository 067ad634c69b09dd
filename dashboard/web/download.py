"""The «Last ned kart» button: the view on screen as a report-ready PNG, SVG or PDF.

The server renders with the shared export.Renderer (headless Chromium through kaleido), exactly
as `python -m dashboard export` does: same title, legend, source line, attribution and date.
When the server has no Chromium, the answer tells the browser to draw the very same figure
itself with plotly.js (PNG or SVG) and says so in Norwegian; nothing fails silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from dash import dcc

from dashboard.output import export
from dashboard.views.map_base import MapBase

if TYPE_CHECKING:
    import geopandas as gpd

    from dashboard.views.datasets import Dataset
    from dashboard.views.view_state import ViewState

FORMAT_OPTIONS = (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF"))
SIZE_OPTIONS = (("a4", "A4"), ("a3", "A3"), ("16:9", "16:9 (lysbilde)"))
DEFAULT_FORMAT = "png"
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
# What plotly.js can write in the user's own browser (no PDF there).
BROWSER_FORMATS = ("png", "svg")
# Inline boundary sets kept for rendering (one per boundary file; uploads share the built-in one).
MAX_INLINE_BASES = 4


@dataclass(frozen=True)
class DownloadResult:
    """One button press: a file for dcc.Download, or a figure for the browser to draw; and what to tell the user."""

    file: dict[str, Any] | None
    message: str
    browser_render: dict[str, Any] | None = None


def checked_choice(fmt: str | None, size: str | None) -> tuple[str, str]:
    """Format and size key from the radio buttons (defaults for missing ones; ExportError for unknown)."""
    fmt = (fmt or DEFAULT_FORMAT).lower()
    if fmt not in export.FORMATS:
        raise export.ExportError(f"ukjent format «{fmt}». Gyldige: {', '.join(export.FORMATS)}")
    size = (size or export.DEFAULT_SIZE).lower()
    export.resolve_size(size)
    return fmt, size


def browser_fallback(
    dataset: "Dataset", state: "ViewState", asked: str, size: export.ImageSize, date: dt.date, topojson_url: str
) -> DownloadResult:
    """The answer when the server has no Chromium: the same report figure, for the user's browser to draw.

    The figure is export.print_view's (title, legend, credit line, date) with the boundaries
    referenced by the app's own URL, so it stays small and the browser reuses its cached copy.
    plotly.js writes PNG and SVG; a PDF request gets a PNG, and the user is told.
    """
    used = asked if asked in BROWSER_FORMATS else BROWSER_FORMATS[0]
    figure = export.print_view(
        dataset.model, state, date, base=dataset.base, colors=dataset.colors, legend_beside=size.is_landscape
    )
    options = size.kaleido_options(used)
    name = export.view_filename(state, used, date)
    swap = f" {asked.upper()} kan bare lages på serveren, så du får {used.upper()}." if asked != used else ""
    request = {
        "figure": figure.to_plotly_json(),
        "config": {"topojsonURL": topojson_url},
        "filename": name.rsplit(".", 1)[0],
        "format": used,
        "width": options["width"],
        "height": options["height"],
        "scale": options["scale"],
        "done": f"Lastet ned {name} ({size.width}×{size.height} px), laget i nettleseren din fordi serveren "
        f"ikke har en nettleser til å lage bilder.{swap}",
        "failed": "Serveren har ingen nettleser til å lage bilder, og nettleseren din klarte det heller ikke",
    }
    message = f"Serveren har ingen nettleser til å lage bilder, så kartet lages i nettleseren din i stedet …{swap}"
    return DownloadResult(None, message, request)


class MapDownloads:
    """The download button's service: one shared Renderer and the inline geometry it needs.

    Kaleido's browser cannot fetch the app's boundary URL, so renders use a MapBase with the
    polygons inline, made once per boundary set and kept.
    """

    def __init__(
        self, renderer: export.Renderer, topojson_url: str, today: Callable[[], dt.date] = dt.date.today
    ) -> None:
        self.renderer = renderer
        self.topojson_url = topojson_url
        self._today = today
        self._inline: list[tuple["gpd.GeoDataFrame", MapBase]] = []

    def __call__(self, dataset: "Dataset", state: "ViewState", fmt: str | None, size_key: str | None) -> DownloadResult:
        """Render the view; fall back to the user's browser when the server has no Chromium."""
        try:
            fmt, size_key = checked_choice(fmt, size_key)
        except export.ExportError as error:
            return DownloadResult(None, f"Kunne ikke lage kartet: {error}.")
        size = export.resolve_size(size_key)
        date = self._today()
        try:
            name, content = export.export_view(
                dataset.model, state, fmt, size, self.renderer, date, self.inline_base(dataset.model.boundaries)
            )
        except export.BrowserMissing:
            return browser_fallback(dataset, state, fmt, size, date, self.topojson_url)
        except export.ExportError as error:
            return DownloadResult(None, f"Kunne ikke lage kartet: {error}.")
        file = dcc.send_bytes(content, name, type=MIME_TYPES[fmt])
        return DownloadResult(file, f"Lastet ned {name} ({size.describe()}).")

    def inline_base(self, boundaries: "gpd.GeoDataFrame") -> MapBase:
        """The polygons inline for `boundaries` (matched by identity: the app shares one boundary frame)."""
        for known, base in self._inline:
            if known is boundaries:
                return base
        base = MapBase.from_boundaries(boundaries)
        self._inline = [(boundaries, base), *self._inline][:MAX_INLINE_BASES]
        return base
