"""«Last ned kart» without a browser page: request -> file name and bytes, and the no-Chromium fallback."""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct

from dash import no_update
from plotly.utils import PlotlyJSONEncoder

from dashboard.output import export
from dashboard.views.datasets import Dataset
from dashboard.views.view_state import ViewState
from dashboard.web.download import MapDownloads, browser_fallback, checked_choice
from dashboard.web.presentation_callbacks import download_outputs

DATE = dt.date(2026, 11, 23)
TOPOJSON = "/assets/topojson/"
HALLINGDAL_LEGEVAKT = ViewState(service="legevakt", region="hallingdal")


class RecordingRenderer:
    """Stands in for export.Renderer: records what it was asked and returns fixed bytes."""

    def __init__(self, content: bytes = b"\x89PNG fake") -> None:
        self.content = content
        self.calls: list[tuple[str, export.ImageSize, dict]] = []

    def render(self, figure, fmt: str, size: export.ImageSize) -> bytes:
        self.calls.append((fmt, size, figure.to_plotly_json()))
        return self.content


class NoBrowser:
    """A renderer on a machine without Chromium: the error export raises there."""

    def render(self, figure, fmt: str, size: export.ImageSize) -> bytes:
        raise export.BrowserMissing("Fant ikke Chromium, som trengs for å lage PNG, SVG og PDF.")


class BrokenRender:
    def render(self, figure, fmt: str, size: export.ImageSize) -> bytes:
        raise export.ExportError("klarte ikke å lage PNG (TimeoutError: for treg)")


def downloads(renderer) -> MapDownloads:
    return MapDownloads(renderer, TOPOJSON, today=lambda: DATE)


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def test_dl001_request_gives_the_export_file_name_type_and_bytes(fixture_dataset: Dataset) -> None:
    renderer = RecordingRenderer(b"%PDF-1.7 fake")
    result = downloads(renderer)(fixture_dataset, HALLINGDAL_LEGEVAKT, "pdf", "a3")
    assert result.file["filename"] == "legevakt-hallingdal-2026-11-23.pdf"
    assert result.file["type"] == "application/pdf" and result.file["base64"] is True
    assert base64.b64decode(result.file["content"]) == b"%PDF-1.7 fake"
    assert result.browser_render is None
    assert result.message == f"Lastet ned legevakt-hallingdal-2026-11-23.pdf ({export.SIZE_PRESETS['a3'].describe()})."
    fmt, size, figure = renderer.calls[0]
    assert (fmt, size) == ("pdf", export.SIZE_PRESETS["a3"])
    text = json.dumps(figure, ensure_ascii=False)
    assert "Kilde: NIVI Analyse 2021" in text and "Kartgrunnlag: © Kartverket" in text and "Dato: 23.11.2026" in text
    assert "coordinates" in text, "kaleido's browser cannot fetch the app's boundary URL: polygons go inline"


def test_dl002_defaults_are_png_and_a4_of_at_least_2400_px(fixture_dataset: Dataset) -> None:
    renderer = RecordingRenderer()
    result = downloads(renderer)(fixture_dataset, ViewState(service="ikt"), None, None)
    fmt, size, _figure = renderer.calls[0]
    assert fmt == "png" and size.width >= 2400 and size.width > size.height
    assert result.file["filename"] == "ikt-alle-2026-11-23.png" and result.file["type"] == "image/png"


def test_dl003_other_views_are_named_after_the_view(fixture_dataset: Dataset) -> None:
    result = downloads(RecordingRenderer())(fixture_dataset, ViewState(view="nettverk", region="hallingdal"), "svg", "16:9")
    assert result.file["filename"] == "nettverk-hallingdal-2026-11-23.svg" and result.file["type"] == "image/svg+xml"


def test_dl004_inline_geometry_is_made_once_per_boundary_set(fixture_dataset: Dataset) -> None:
    service = downloads(RecordingRenderer())
    first = service.inline_base(fixture_dataset.model.boundaries)
    assert first.inline and service.inline_base(fixture_dataset.model.boundaries) is first


def test_dl010_without_chromium_the_browser_draws_the_same_report_figure(fixture_dataset: Dataset) -> None:
    result = downloads(NoBrowser())(fixture_dataset, HALLINGDAL_LEGEVAKT, "png", "a4")
    assert result.file is None
    assert result.message == "Serveren har ingen nettleser til å lage bilder, så kartet lages i nettleseren din i stedet …"
    request = result.browser_render
    assert request["filename"] == "legevakt-hallingdal-2026-11-23" and request["format"] == "png"
    a4 = export.SIZE_PRESETS["a4"]
    assert round(request["width"] * request["scale"]) == a4.width and round(request["height"] * request["scale"]) == a4.height
    assert request["config"] == {"topojsonURL": TOPOJSON}
    assert request["done"] == (
        "Lastet ned legevakt-hallingdal-2026-11-23.png (3508×2480 px), laget i nettleseren din fordi serveren "
        "ikke har en nettleser til å lage bilder."
    )
    figure = json.dumps(request["figure"], cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert "Legevakt – Hallingdal" in figure
    assert "Kilde: NIVI Analyse 2021" in figure and "Kartgrunnlag: © Kartverket" in figure and "Dato: 23.11.2026" in figure
    assert "coordinates" not in figure and "/_geo/test.json" in figure, "the browser reuses the app's boundary file"
    assert len(figure) < 100_000


def test_dl011_pdf_without_chromium_falls_back_to_png_and_says_so(fixture_dataset: Dataset) -> None:
    result = downloads(NoBrowser())(fixture_dataset, HALLINGDAL_LEGEVAKT, "pdf", "a4")
    assert result.browser_render["format"] == "png"
    assert result.message.endswith("PDF kan bare lages på serveren, så du får PNG.")
    assert result.browser_render["done"].endswith("PDF kan bare lages på serveren, så du får PNG.")


def test_dl012_real_renderer_without_chromium_takes_the_fallback(fixture_dataset: Dataset, monkeypatch, tmp_path) -> None:
    """The real export.Renderer on a machine without Chromium (the path it would use does not exist)."""
    monkeypatch.setenv(export.BROWSER_ENV, str(tmp_path / "no-chromium"))
    renderer = export.Renderer()
    try:
        result = downloads(renderer)(fixture_dataset, HALLINGDAL_LEGEVAKT, "svg", "a3")
    finally:
        renderer.close()
    assert result.file is None and result.browser_render["format"] == "svg"
    assert result.message.startswith("Serveren har ingen nettleser")


def test_dl013_other_render_failures_are_told_not_hidden(fixture_dataset: Dataset) -> None:
    result = downloads(BrokenRender())(fixture_dataset, HALLINGDAL_LEGEVAKT, "png", "a4")
    assert (result.file, result.browser_render) == (None, None)
    assert result.message == "Kunne ikke lage kartet: klarte ikke å lage PNG (TimeoutError: for treg)."


def test_dl014_unknown_choices_get_a_message_with_the_valid_ones(fixture_dataset: Dataset) -> None:
    result = downloads(RecordingRenderer())(fixture_dataset, HALLINGDAL_LEGEVAKT, "gif", "a4")
    assert result.file is None and result.message == "Kunne ikke lage kartet: ukjent format «gif». Gyldige: png, svg, pdf."
    result = downloads(RecordingRenderer())(fixture_dataset, HALLINGDAL_LEGEVAKT, "png", "a5")
    assert "ukjent størrelse «a5»" in result.message
    assert checked_choice("PNG", "A3") == ("png", "a3")


def test_dl015_callback_outputs_leave_unused_outputs_alone(fixture_dataset: Dataset) -> None:
    file, message, fallback = download_outputs(downloads(RecordingRenderer()), fixture_dataset, HALLINGDAL_LEGEVAKT, "png", "a4")
    assert file["filename"].endswith(".png") and message.startswith("Lastet ned") and fallback is no_update
    file, message, fallback = download_outputs(downloads(NoBrowser()), fixture_dataset, HALLINGDAL_LEGEVAKT, "png", "a4")
    assert file is no_update and fallback["format"] == "png"


def test_dl016_browser_request_for_a_portrait_size_keeps_the_legend_below(fixture_dataset: Dataset) -> None:
    portrait = browser_fallback(fixture_dataset, HALLINGDAL_LEGEVAKT, "png", export.resolve_size("a4-staaende"), DATE, TOPOJSON)
    landscape = browser_fallback(fixture_dataset, HALLINGDAL_LEGEVAKT, "png", export.resolve_size("a4"), DATE, TOPOJSON)
    assert "domain" not in portrait.browser_render["figure"]["layout"]["geo"], "legend beside the map only on landscape pages"
    assert "domain" in landscape.browser_render["figure"]["layout"]["geo"]


def test_dl020_real_render_is_an_a4_png_of_3508_px(fixture_dataset: Dataset) -> None:
    with export.Renderer() as renderer:
        result = downloads(renderer)(fixture_dataset, HALLINGDAL_LEGEVAKT, "png", "a4")
    content = base64.b64decode(result.file["content"])
    assert result.file["filename"] == "legevakt-hallingdal-2026-11-23.png"
    assert png_size(content) == (3508, 2480)
