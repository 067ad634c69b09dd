"""Figures to PNG, SVG and PDF files ready for a report, and the report pack of the headline services.

Rendering runs in a local headless Chromium through kaleido v1. Nothing is fetched from the
network: MathJax is off, the plotly.js bundled with plotly.py is used, geo subplots read the
topojson committed under assets/topojson/, and the browser is started with a proxy that refuses
every connection, so a forgotten remote resource fails at once instead of leaking or hanging.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import os
import re
import shutil
import textwrap
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import plotly.graph_objects as go

from dashboard.data.alignment import default_services
from dashboard.output.safe_csv import to_safe_csv
from dashboard.views import alignment_figures, figures
from dashboard.views import labels as label_sizes
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import (
    coverage_rows,
    with_number_2024,
    intensity_summary,
    municipality_counts,
    network_summary,
    partner_edges,
    service_map_data,
    service_summary,
)
from dashboard.views.view_state import (
    VIEW_ALIGNMENT,
    VIEW_INTENSITY,
    VIEW_NETWORK,
    ViewState,
)

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

REPO_ROOT = Path(__file__).resolve().parents[2]
TOPOJSON_DIR = REPO_ROOT / "assets" / "topojson"

FORMATS = ("png", "svg", "pdf")
PRINT_DPI = 300
CSS_DPI = 96
# Every export is laid out at this width in CSS pixels and scaled to the asked size, so text and
# legend keep the proportions a reader sees on screen whatever the resolution.
LAYOUT_WIDTH = 1200
MIN_SIDE, MAX_SIDE = 200, 12000

# Chromium is told to send any http(s) request to this closed port: offline by construction.
REFUSING_PROXY = "http://127.0.0.1:9"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_ENV = "BROWSER_PATH"  # the variable choreographer (kaleido's browser driver) reads
RENDER_TIMEOUT_SECONDS = 120
CLOSE_TIMEOUT_SECONDS = 10
INSTALL_HINT = "Installer Chromium med «sudo apt-get install chromium» (Debian/Ubuntu)"

ATTRIBUTION = "Kartgrunnlag: © Kartverket"
SOURCE_DETAILS = {"NIVI Analyse 2021": "NIVI Analyse 2021: Interkommunalt samarbeid i tidligere Buskerud"}
ALL_REGIONS_SLUG = "alle"
ALL_SURVEYED = "alle kartlagte kommuner"
# The report pack: the six headline services of the issue, in this order.
PACK_SERVICES = ("legevakt", "barnevernvakt", "ppt", "nav", "ikt", "krisesenter")
# Excel opens UTF-8 CSV with æøå correctly only when the file starts with a byte-order mark.
CSV_BOM = "\ufeff"
# On-screen hints that mean nothing on paper ("Klikk på en ordning i tegnforklaringen …").
INTERACTIVE_HINT_PREFIXES = ("Klikk",)
# On landscape pages the legend sits right of the map, from this share of the width.
LEGEND_SIDE_START = 0.71
LANDSCAPE_RATIO = 1.2


# Municipality names sized for the map part of an A4 page (see dashboard/views/labels.py).
A4_LABELS = label_sizes.A4


class ExportError(Exception):
    """An export that can't be made; the message is one Norwegian sentence for the user."""


class BrowserMissing(ExportError):
    """No usable Chromium/Chrome for rendering; the message says how to install one."""


# ----- sizes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageSize:
    """Output size in pixels at 300 dpi: PNG pixels, SVG width/height, PDF page (px/300 inch)."""

    width: int
    height: int
    layout_width: int = LAYOUT_WIDTH  # narrower = larger text relative to the page

    def __post_init__(self) -> None:
        for side in (self.width, self.height):
            if not MIN_SIDE <= side <= MAX_SIDE:
                raise ExportError(f"bildestørrelsen må være mellom {MIN_SIDE} og {MAX_SIDE} piksler (fikk {side})")

    @property
    def is_landscape(self) -> bool:
        """Wide enough to put the legend beside the map."""
        return self.width >= LANDSCAPE_RATIO * self.height

    @property
    def layout_height(self) -> float:
        """Height in CSS pixels of the layout that scales to this size."""
        return self.height * self.layout_width / self.width

    def kaleido_options(self, fmt: str) -> dict:
        """kaleido opts: the layout size, scaled to the output size (PDF: to the page at 300 dpi)."""
        scale = self.width / self.layout_width
        if fmt == "pdf":
            scale *= CSS_DPI / PRINT_DPI
        return {"format": fmt, "width": self.layout_width, "height": self.layout_height, "scale": scale}

    def describe(self) -> str:
        mm = (round(self.width / PRINT_DPI * 25.4), round(self.height / PRINT_DPI * 25.4))
        return f"{self.width}×{self.height} px, {mm[0]}×{mm[1]} mm ved {PRINT_DPI} dpi"


def _paper(width_mm: float, height_mm: float) -> ImageSize:
    return ImageSize(round(width_mm / 25.4 * PRINT_DPI), round(height_mm / 25.4 * PRINT_DPI))


SIZE_PRESETS: dict[str, ImageSize] = {
    "a4": _paper(297, 210),  # A4 landscape, 3508×2480: a full-width report figure at print resolution
    "a4-staaende": _paper(210, 297),
    "a3": _paper(420, 297),
    "16:9": ImageSize(3840, 2160),  # a slide at 4K
}
DEFAULT_SIZE = "a4"


def resolve_size(preset: str | None = None, width: int | None = None, height: int | None = None) -> ImageSize:
    """The size asked for: a preset, or width and/or height in pixels (a missing side keeps the preset's ratio)."""
    key = (preset or DEFAULT_SIZE).strip().lower()
    if key not in SIZE_PRESETS:
        raise ExportError(f"ukjent størrelse «{preset}». Gyldige: {', '.join(SIZE_PRESETS)}")
    base = SIZE_PRESETS[key]
    if width is None and height is None:
        return base
    if width is None:
        width = round(height * base.width / base.height)
    if height is None:
        height = round(width * base.height / base.width)
    return ImageSize(int(width), int(height))


# ----- names ------------------------------------------------------------------------------

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def slug(text: str) -> str:
    """File-name-safe lower-case ASCII: "Øvre Hallingdal" -> "ovre-hallingdal".

    >>> slug("Nore og Uvdal / Rollag")
    'nore-og-uvdal-rollag'
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "uten-navn"


def export_filename(service: str, region: str | None, fmt: str, date: dt.date) -> str:
    """What the file is, in its name: `legevakt-hallingdal-2026-11-22.png` (region None -> "alle")."""
    region_part = slug(region) if region else ALL_REGIONS_SLUG
    return f"{slug(service)}-{region_part}-{date.isoformat()}.{fmt}"


def format_from_path(path: Path) -> str | None:
    """The export format a file name asks for, or None when its suffix isn't one we write."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def norwegian_date(date: dt.date) -> str:
    """22.11.2026."""
    return f"{date.day:02d}.{date.month:02d}.{date.year}"


def full_source(source_label: str) -> str:
    """The source credit every export carries, with the report's full title for the built-in data."""
    return f"Kilde: {SOURCE_DETAILS.get(source_label, source_label)}"


# ----- print decoration -------------------------------------------------------------------

_FOOTER_NAME = "export-footer"
_FOOTER_PX = 52  # room for the credit line below the plot, in layout pixels
_CREDIT_LINE_PX = 28  # what a figure's bottom margin keeps for its own credit line (views.figures.map_layout)
_TITLE_PX = 84
_SUBTITLE_LINE_PX = 21
_SUBTITLE_FONT_PX = 15
_SUBTITLE_CHAR_WIDTH = 0.57  # average advance per character, share of the font size
_SIDE_PX = 24


def for_print(
    figure: go.Figure,
    title: str,
    subtitle: str,
    source_label: str,
    date: dt.date,
    layout_width: int = LAYOUT_WIDTH,
) -> go.Figure:
    """A copy of `figure` that stands alone in a report: title, legend, source, attribution and date.

    The figure's own credit annotations ("Kilde: …", "Kartgrunnlag: …") are replaced by one footer
    line so nothing is printed twice; everything else (traces, legend, colours) is kept as on screen.
    """
    printed = go.Figure(figure)
    kept = [
        annotation
        for annotation in printed.layout.annotations
        if not _is_credit_or_hint(annotation.text or "") and annotation.name != _FOOTER_NAME
    ]
    margin = printed.layout.margin
    needed = print_margins(subtitle, layout_width)
    # The footer goes under the figure's own notes: their room is the margin beyond the credit line's.
    bottom = max((margin.b or 0) - _CREDIT_LINE_PX + needed["b"], needed["b"])
    footer = " · ".join((full_source(source_label), ATTRIBUTION, f"Dato: {norwegian_date(date)}"))
    kept.append(
        go.layout.Annotation(
            name=_FOOTER_NAME,
            text=_escape(footer),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
            yshift=-bottom + 10,
            showarrow=False,
            align="left",
            font={"size": 13, "color": "#37474f"},
        )
    )
    subtitle_lines = _subtitle_lines(subtitle, layout_width)
    title_text = f"<b>{_escape(title)}</b>" + "".join(
        f"<br><span style='font-size:{_SUBTITLE_FONT_PX}px'>{_escape(line)}</span>" for line in subtitle_lines
    )
    printed.update_layout(
        annotations=kept,
        title={
            "text": title_text,
            "x": 0.02,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 36},
            "font": {"size": 24},
        },
        margin={
            "t": max(margin.t or 0, needed["t"]),
            "b": bottom,
            "l": max(margin.l or 0, needed["l"]),
            "r": max(margin.r or 0, needed["r"]),
        },
        autosize=False,
        paper_bgcolor="#ffffff",
    )
    return printed


def print_margins(subtitle: str, layout_width: int = LAYOUT_WIDTH) -> dict[str, int]:
    """Least margins (layout px) for_print needs: title and wrapped subtitle on top, credit line below."""
    lines = len(_subtitle_lines(subtitle, layout_width))
    return {"t": _TITLE_PX + _SUBTITLE_LINE_PX * lines, "b": _FOOTER_PX, "l": _SIDE_PX, "r": _SIDE_PX}


def _subtitle_lines(subtitle: str, layout_width: int) -> list[str]:
    usable = layout_width - 2 * _SIDE_PX
    return textwrap.wrap(subtitle, int(usable / (_SUBTITLE_FONT_PX * _SUBTITLE_CHAR_WIDTH)))


def _is_credit_or_hint(text: str) -> bool:
    plain = re.sub(r"<[^>]+>", "", text).strip()
    return "Kilde:" in plain or "Kartgrunnlag:" in plain or plain.startswith(INTERACTIVE_HINT_PREFIXES)


def _escape(text: str) -> str:
    """User and data text shown as text: plotly renders a small HTML subset in labels."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ----- the browser ------------------------------------------------------------------------


def find_browser(environ: dict[str, str] | None = None) -> Path:
    """The Chromium/Chrome to render with: $BROWSER_PATH if set, else the first on PATH.

    Never downloads one; raises BrowserMissing with the install command instead.
    """
    env = os.environ if environ is None else environ
    configured = env.get(BROWSER_ENV)
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise BrowserMissing(
            f"{BROWSER_ENV}={configured} peker ikke på en kjørbar nettleser. "
            f"Rett {BROWSER_ENV}, eller fjern den og {INSTALL_HINT[0].lower()}{INSTALL_HINT[1:]}."
        )
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=env.get("PATH", os.defpath))
        if found:
            return Path(found)
    raise BrowserMissing(
        "Fant ikke Chromium, som trengs for å lage PNG, SVG og PDF. "
        f"{INSTALL_HINT}, eller sett {BROWSER_ENV} til en Chrome/Chromium-fil."
    )


class Renderer:
    """One headless Chromium kept open for many exports (start-up ~2 s, a map ~1 s; bench/).

    Use as a context manager, or create one per process and let the first render start it
    (an app's download button). Thread-safe: renders are serialised on one private event loop
    running in a background thread, so callers may be sync code, Flask threads or async code.
    """

    def __init__(self, browser: Path | None = None, topojson_dir: Path = TOPOJSON_DIR, timeout: float = RENDER_TIMEOUT_SECONDS):
        self._browser = browser
        self._topojson_url = topojson_dir.resolve().as_uri() + "/"
        self._timeout = timeout
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    def __enter__(self) -> "Renderer":
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def open(self) -> None:
        """Start the browser (once); BrowserMissing when there is none or it won't start."""
        with self._lock:
            if self._kaleido is None:
                self._start()

    def _start(self) -> None:
        import kaleido  # heavy import, and only needed when something is rendered

        browser = self._browser or find_browser()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido-renderer", daemon=True)
        self._thread.start()

        async def start() -> object:
            instance = kaleido.Kaleido(
                path=str(browser), mathjax=False, proxy_server=REFUSING_PROXY, timeout=self._timeout
            )
            await instance.open()
            return instance

        try:
            self._kaleido = self._call(start())
        except Exception as error:  # choreographer raises several types for a browser that won't run
            self._stop()
            raise BrowserMissing(
                f"Kunne ikke starte nettleseren {browser} for å lage bilder ({type(error).__name__}: {error}). "
                f"{INSTALL_HINT}."
            ) from None

    def render(self, figure: go.Figure | dict, fmt: str, size: ImageSize) -> bytes:
        """The figure as `fmt` bytes at `size`."""
        if fmt not in FORMATS:
            raise ExportError(f"ukjent format «{fmt}». Gyldige: {', '.join(FORMATS)}")
        options = size.kaleido_options(fmt)
        with self._lock:
            self.open()
            try:
                return self._call(self._kaleido.calc_fig(figure, opts=options, topojson=self._topojson_url), self._timeout)
            except concurrent.futures.TimeoutError:
                self._stop()  # a hung browser: the next render starts a fresh one
                raise ExportError(f"det tok for lang tid å lage {fmt.upper()} (over {self._timeout:.0f} s); prøv igjen") from None
            except Exception as error:  # kaleido wraps JS and devtools failures in several types
                # The browser may have died: drop it, so the next render starts a fresh one.
                self._stop()
                raise ExportError(f"klarte ikke å lage {fmt.upper()} ({type(error).__name__}: {error})") from None

    def close(self) -> None:
        """Stop the browser and the loop; safe to call twice."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._kaleido is not None and self._loop is not None:
            try:
                self._call(self._kaleido.close(), CLOSE_TIMEOUT_SECONDS)
            except Exception:  # closing a browser that already died (or hangs) is not the user's problem
                pass
        self._kaleido = None
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._loop.close()
        self._loop = None
        self._thread = None

    def _call(self, coroutine, timeout: float | None = None):
        """Run `coroutine` on the renderer's loop; concurrent.futures.TimeoutError after `timeout` s."""
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=timeout if timeout is not None else self._timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise


# ----- writing files ----------------------------------------------------------------------


def write_bundle(files: Iterable[tuple[str, bytes]], out: Path) -> Path:
    """Write named files into folder `out`, or into a zip when `out` ends in .zip.

    The zip is written to a temporary name first, so a failed export never leaves half a pack.
    """
    out = Path(out)
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".tmp")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name, content in files:
                    archive.writestr(name, content)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        (out / name).write_bytes(content)
    return out


def run_with_progress(
    tasks: Sequence[tuple[str, Callable[[], Sequence[tuple[str, bytes]]]]],
    report: Callable[[str], None],
) -> Iterable[tuple[str, bytes]]:
    """Run labelled tasks one by one, reporting "[3/6] ppt … ok" after each, yielding their files."""
    total = len(tasks)
    for position, (label, task) in enumerate(tasks, start=1):
        try:
            files = task()
        except ExportError as error:
            report(f"[{position}/{total}] {label} … feilet: {error}")
            raise
        report(f"[{position}/{total}] {label} … ok")
        yield from files


# ----- views of the dashboard -------------------------------------------------------------


def map_view(
    model: "CooperationModel",
    state: ViewState,
    base: MapBase,
    colors: dict[str, str] | None = None,
    labels: bool = True,
) -> tuple[go.Figure, str, str]:
    """The figure the page shows for `state` (built by dashboard.views.figures), its title and summary line.

    The table view exports its service map. The summary is the sentence the page shows above the map.
    On paper the names fit an A4 page (`labels=False`: no names), and the service map's legend
    lists each arrangement's members.
    """
    label_size = A4_LABELS if labels else None
    where = dict(zip(model.regions["id"], model.regions["name"])).get(state.region, state.region) if state.region else ALL_SURVEYED
    region, sector, legal_form = state.region, state.sector, state.legal_form
    if state.view == VIEW_ALIGNMENT:
        services = state.services or default_services(model)
        spec = alignment_figures.constellation_map_spec(model, base, services, region, state.municipality, labels=label_size)
        title = f"Samsvar: konstellasjoner per kommune – {where}"
        return go.Figure(spec), title, alignment_figures.constellation_summary(model, services, region)
    if state.view == VIEW_NETWORK:
        edges = partner_edges(model, sector=sector, legal_form=legal_form, region=region)
        figure = figures.network_figure(
            model, sector, legal_form, region, base=base, municipality=state.municipality, edges=edges, labels=label_size
        )
        return figure, f"Samarbeidsnettverk – {where}", network_summary(model, edges, region, sector, legal_form)
    if state.view == VIEW_INTENSITY:
        counts = municipality_counts(model, sector=sector, legal_form=legal_form)
        figure = figures.intensity_figure(
            model, sector, legal_form, region, base=base, municipality=state.municipality, counts=counts, labels=label_size
        )
        title = f"Antall interkommunale ordninger – {where}"
        return figure, title, intensity_summary(model, counts, region, sector, legal_form)
    data = service_map_data(model, state.service, region=region, sector=sector, legal_form=legal_form)
    figure = figures.service_map_figure(
        model,
        state.service,
        region,
        sector,
        legal_form,
        base=base,
        colors=colors,
        show_network=state.network,
        municipality=state.municipality,
        data=data,
        labels=label_size,
        members_in_legend=True,
    )
    title = f"{data.service_label} – {where}"
    # On paper there is no «Tabell» to point to: the pack's CSV has every name.
    return figure, title, service_summary(model, data, region, sector, legal_form, rest="")


def view_filename(state: ViewState, fmt: str, date: dt.date) -> str:
    """`legevakt-hallingdal-2026-11-22.png`; the network and count views are named after the view."""
    subject = state.view if state.view in (VIEW_NETWORK, VIEW_INTENSITY, VIEW_ALIGNMENT) else state.service
    return export_filename(subject, state.region, fmt, date)


def print_view(
    model: "CooperationModel",
    state: ViewState,
    date: dt.date,
    base: MapBase | None = None,
    colors: dict[str, str] | None = None,
    legend_beside: bool = True,
    labels: bool = True,
) -> go.Figure:
    """The page's figure for `state`, dressed for a report (see for_print)."""
    base = base or MapBase.from_boundaries(model.boundaries)
    figure, title, summary = map_view(model, state, base, colors, labels)
    printed = for_print(figure, title, summary, model.source_label, date)
    if legend_beside and any(trace.showlegend is not False for trace in printed.data):
        # On a wide page the map leaves room at the side: put the legend there instead of over the map.
        printed.update_layout(
            geo={"domain": {"x": [0.0, LEGEND_SIDE_START - 0.01], "y": [0.0, 1.0]}},
            legend={"x": LEGEND_SIDE_START, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        )
    return printed


def export_view(
    model: "CooperationModel",
    state: ViewState,
    fmt: str,
    size: ImageSize,
    renderer: Renderer,
    date: dt.date,
    base: MapBase | None = None,
    labels: bool = True,
) -> tuple[str, bytes]:
    """(file name, content) of the view as the user sees it, e.g. for a download button."""
    figure = print_view(model, state, date, base, legend_beside=size.is_landscape, labels=labels)
    return view_filename(state, fmt, date), renderer.render(figure, fmt, size)


def coverage_csv(model: "CooperationModel", service: str, region: str | None, date: dt.date) -> tuple[str, bytes]:
    """The service's coverage table as the app's CSV download makes it: formula-safe, BOM for Excel,
    the 2024 number beside the number shown."""
    frame = with_number_2024(coverage_rows(model, service, region), model)
    name = f"ordninger-{export_filename(service, region, 'csv', date)}"
    return name, (CSV_BOM + to_safe_csv(frame)).encode("utf-8")


def pack_services(model: "CooperationModel") -> tuple[str, ...]:
    """The headline services present in `model` (an uploaded dataset may lack some)."""
    present = {service_id for service_id, _label in model.service_options()}
    return tuple(service_id for service_id in PACK_SERVICES if service_id in present)


def report_pack(
    model: "CooperationModel",
    renderer: Renderer,
    fmt: str,
    size: ImageSize,
    region: str | None,
    date: dt.date,
    report: Callable[[str], None],
    base: MapBase | None = None,
    labels: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """Map and coverage CSV of each headline service, one service at a time with progress."""
    services = pack_services(model)
    if not services:
        raise ExportError(f"ingen av tjenestene {', '.join(PACK_SERVICES)} finnes i dataene")
    base = base or MapBase.from_boundaries(model.boundaries)
    colors = figures.model_colors(model)

    def service_files(service: str) -> list[tuple[str, bytes]]:
        state = ViewState(service=service, region=region)
        figure = print_view(model, state, date, base, colors, legend_beside=size.is_landscape, labels=labels)
        image = (view_filename(state, fmt, date), renderer.render(figure, fmt, size))
        return [image, coverage_csv(model, service, region, date)]

    tasks = [(service, (lambda service=service: service_files(service))) for service in services]
    return iter(run_with_progress(tasks, report))
