"""Exports: real files from the real renderer, checked for size and for the credits a report needs.

One kaleido session (one headless Chromium) serves every render in this module; pure parts
(sizes, names, print decoration, argument checks) are tested without a browser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import plotly.graph_objects as go
import pytest
from fixtures import DATA, GEODATA, REPO

from dashboard.cli.export_commands import link_values
from dashboard.cli.main import main
from dashboard.output import export
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import COVERAGE_COLUMNS
from dashboard.views.view_state import ViewState

DATE = dt.date(2026, 11, 22)
FIXTURE_DIRS = ["--data-dir", str(DATA), "--geodata-dir", str(GEODATA)]
CREDITS = ("Kilde: NIVI Analyse 2021", "Kartgrunnlag: © Kartverket", "Dato: 22.11.2026")
SMALL = export.ImageSize(900, 636)


# ----- file checks (shared with test_factsheet) -------------------------------------------


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def svg_root(content: bytes) -> ElementTree.Element:
    root = ElementTree.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def svg_text(root: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text"))


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's key: value lines (poppler-utils)."""
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


def pdf_page_points(path: Path) -> tuple[float, float]:
    width, height = re.match(r"([\d.]+) x ([\d.]+) pts", pdf_info(path)["Page size"]).groups()
    return float(width), float(height)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def expected_points(size: export.ImageSize) -> tuple[float, float]:
    return size.width * 72 / export.PRINT_DPI, size.height * 72 / export.PRINT_DPI


# ----- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer():
    with export.Renderer() as session:
        yield session


@pytest.fixture(scope="module")
def fixture_base(fixture_model) -> MapBase:
    return MapBase.from_boundaries(fixture_model.boundaries)


# ----- sizes and names (no browser) -------------------------------------------------------


def test_exp001_default_size_is_a4_landscape_at_300_dpi() -> None:
    size = export.resolve_size()
    assert (size.width, size.height) == (3508, 2480)
    assert size.width >= 2400
    assert export.resolve_size("A3") == export.ImageSize(4961, 3508)
    assert export.resolve_size("16:9") == export.ImageSize(3840, 2160)


def test_exp002_width_or_height_alone_keeps_the_preset_ratio() -> None:
    assert export.resolve_size(width=1200) == export.ImageSize(1200, 848)
    assert export.resolve_size("16:9", height=1080) == export.ImageSize(1920, 1080)
    assert export.resolve_size(width=1000, height=500) == export.ImageSize(1000, 500)


@pytest.mark.parametrize("kwargs", [{"preset": "a5"}, {"width": 50}, {"width": 1000, "height": 99999}])
def test_exp003_bad_sizes_are_refused_with_a_message(kwargs) -> None:
    with pytest.raises(export.ExportError, match="størrelse|piksler"):
        export.resolve_size(**kwargs)


def test_exp004_scale_makes_the_asked_pixels_and_page() -> None:
    size = export.ImageSize(3508, 2480)
    png = size.kaleido_options("png")
    assert png["width"] * png["scale"] == pytest.approx(3508)
    assert png["height"] * png["scale"] == pytest.approx(2480)
    pdf = size.kaleido_options("pdf")
    # Chromium prints CSS pixels at 96 per inch: the page is A4 at 300 dpi.
    assert pdf["width"] * pdf["scale"] / 96 * 72 == pytest.approx(3508 * 72 / 300)


def test_exp005_file_name_says_service_region_and_date() -> None:
    assert export.export_filename("legevakt", "hallingdal", "png", DATE) == "legevakt-hallingdal-2026-11-22.png"
    assert export.export_filename("ppt", None, "pdf", DATE) == "ppt-alle-2026-11-22.pdf"
    assert export.slug("Øvre Hallingdal / Ål") == "ovre-hallingdal-al"
    assert export.view_filename(ViewState(view="nettverk", region="hallingdal"), "svg", DATE) == (
        "nettverk-hallingdal-2026-11-22.svg"
    )


def test_exp006_for_print_adds_title_and_one_credit_line() -> None:
    screen = go.Figure(
        go.Scatter(x=[1], y=[1]),
        layout={
            "annotations": [
                {"text": "Kilde: NIVI Analyse 2021   ·   Kartgrunnlag: © Kartverket"},
                {"text": "Klikk på en ordning i tegnforklaringen for å vise bare den"},
                {"text": "Lysere farge: medlem utenfor"},
            ]
        },
    )
    printed = export.for_print(screen, "Legevakt – Hallingdal", "3 ordninger <i>", "NIVI Analyse 2021", DATE)
    texts = [annotation.text for annotation in printed.layout.annotations]
    assert sum("Kilde:" in text for text in texts) == 1
    footer = next(text for text in texts if "Kilde:" in text)
    assert all(credit in footer for credit in CREDITS)
    assert "Interkommunalt samarbeid i tidligere Buskerud" in footer
    assert not any(text.startswith("Klikk") for text in texts), "screen-only hint must not be printed"
    assert "Lysere farge: medlem utenfor" in texts
    assert "Legevakt – Hallingdal" in printed.layout.title.text
    assert "&lt;i&gt;" in printed.layout.title.text, "data text is shown as text, not markup"
    assert len(screen.layout.annotations) == 3, "the screen figure is not changed"


def test_exp008_the_footer_sits_under_the_figures_notes_at_any_size() -> None:
    """The notes are placed in pixels under the plot; the footer goes below the lowest of them."""
    from dashboard.views import figures

    base = MapBase(geojson="/geo.json", anchors={"0301": (10.7, 59.9)}, bboxes={"0301": (10.6, 59.8, 10.8, 60.0)})
    notes = ["Linjene viser samarbeid.", "Mange kommuner i kartet: viser de 300 parene med flest felles ordninger."]
    screen = go.Figure({"data": [], "layout": figures.map_layout(base, ["0301"], "NIVI Analyse 2021", "Tittel", "", notes)})
    for height in (660, 2480):
        printed = export.for_print(screen.update_layout(height=height), "Tittel", "Undertittel", "NIVI Analyse 2021", DATE)
        kept_notes = [a for a in printed.layout.annotations if a.text in notes]
        footer = next(a for a in printed.layout.annotations if a.name == "export-footer")
        lowest_note_px = max(-a.yshift + 1.4 * a.font.size for a in kept_notes)
        footer_top_px = -footer.yshift - 1.4 * footer.font.size
        assert len(kept_notes) == 2 and footer_top_px > lowest_note_px, (height, footer_top_px, lowest_note_px)
        assert printed.layout.margin.b >= -footer.yshift + 10


def test_exp007_upload_source_is_credited_by_its_file_name() -> None:
    assert export.full_source("ordninger.xlsx") == "Kilde: ordninger.xlsx"


def test_exp008_a_link_from_the_app_gives_the_view() -> None:
    link = "http://127.0.0.1:8050/?visning=kart&tjeneste=ppt&region=hallingdal&nettverk=1&ukjent=x"
    assert link_values(link) == {"view": "kart", "service": "ppt", "region": "hallingdal", "network": "1"}
    assert link_values("?sektor=helse") == {"sector": "helse"}


# ----- the browser ------------------------------------------------------------------------


def test_exp010_missing_browser_path_says_how_to_install() -> None:
    with pytest.raises(export.BrowserMissing, match="apt-get install chromium"):
        export.find_browser({"BROWSER_PATH": "/nonexistent/chromium", "PATH": os.defpath})
    with pytest.raises(export.BrowserMissing, match="apt-get install chromium"):
        export.find_browser({"PATH": "/nonexistent"})
    assert export.find_browser({"PATH": "/usr/bin"}).name == "chromium"


def export_in_subprocess(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m dashboard export …` as a user runs it, with the given environment."""
    command = [sys.executable, "-m", "dashboard", "export", "--service", "legevakt", "--out", str(tmp_path / "x.png")]
    return subprocess.run(
        [*command, *FIXTURE_DIRS], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_exp011_cli_without_browser_exits_3_with_the_install_command(tmp_path) -> None:
    result = export_in_subprocess(tmp_path, {**os.environ, "BROWSER_PATH": str(tmp_path / "no-chromium")})
    assert result.returncode == 3, result.stderr
    assert "apt-get install chromium" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_exp012_cli_with_no_chromium_on_path_exits_3(tmp_path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "BROWSER_PATH"}
    env["PATH"] = str(tmp_path)  # python is started by absolute path; nothing else is found
    result = export_in_subprocess(tmp_path, env)
    assert result.returncode == 3, result.stderr
    assert "Fant ikke Chromium" in result.stderr and "apt-get install chromium" in result.stderr


def test_exp013_nothing_leaves_the_machine(renderer) -> None:
    """A figure that needs a remote file fails at once (the browser's proxy refuses), never fetches."""
    remote = go.Figure(go.Scatter(x=[1], y=[1]), layout={"images": [{"source": "https://example.com/x.png"}]})
    geo = go.Figure(go.Scattergeo(lon=[10], lat=[60]), layout={"geo": {"scope": "europe"}})
    # The remote image is simply not drawn; rendering still succeeds without network.
    assert png_size(renderer.render(remote, "png", SMALL)) == (900, 636)
    # Geo subplots read the local topojson copy committed under assets/ ...
    assert png_size(renderer.render(geo, "png", SMALL)) == (900, 636)
    # ... and without it they fail with a message instead of reaching for the CDN.
    with export.Renderer(topojson_dir=REPO / "no-such-dir") as offline:
        with pytest.raises(export.ExportError, match="topojson"):
            offline.render(geo, "png", SMALL)


def test_exp014_app_renderer_starts_on_first_use_and_serves_threads() -> None:
    """How an app uses it: one Renderer per process, opened by the first download, shared by threads."""
    from concurrent.futures import ThreadPoolExecutor

    shared = export.Renderer()
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            results = list(pool.map(lambda fmt: shared.render(figure, fmt, SMALL), ["png", "svg", "png"]))
    finally:
        shared.close()
        shared.close()
    assert png_size(results[0]) == png_size(results[2]) == (900, 636)
    assert svg_root(results[1]).get("width") == "900"


def chromium_children() -> set[int]:
    """The main Chromium processes kaleido started for this test process.

    choreographer runs Chromium under a small Python wrapper of its own, so the browser is a
    grandchild; Playwright's Chromium hangs under its Node driver instead and is left alone.
    """
    import os

    processes = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
                processes[int(entry)] = (stat[stat.index("(") + 1 : stat.rindex(")")], int(stat[stat.rindex(")") + 2 :].split()[1]))
            except (OSError, ValueError):
                continue
    wrappers = {pid for pid, (comm, ppid) in processes.items() if ppid == os.getpid() and comm.startswith("python")}
    return {pid for pid, (comm, ppid) in processes.items() if ppid in wrappers and comm.startswith("chrom")}


def test_exp015_a_killed_browser_is_replaced_and_the_next_export_works() -> None:
    import os
    import signal
    import time

    before = chromium_children()
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    renderer = export.Renderer(timeout=30)
    try:
        assert png_size(renderer.render(figure, "png", SMALL)) == (900, 636)
        ours = chromium_children() - before
        assert ours, "the renderer's Chromium runs as a child of this process"
        for pid in ours:
            os.kill(pid, signal.SIGKILL)
        start = time.perf_counter()
        try:
            renderer.render(figure, "png", SMALL)  # may fail once, with a message, within the timeout
        except export.ExportError as error:
            assert "klarte ikke" in str(error) or "for lang tid" in str(error)
        assert time.perf_counter() - start < 40
        assert png_size(renderer.render(figure, "png", SMALL)) == (900, 636), "healed: a fresh browser"
    finally:
        renderer.close()


# ----- real exports -----------------------------------------------------------------------


def test_exp020_png_has_the_asked_pixels(renderer, fixture_model, fixture_base) -> None:
    state = ViewState(service="legevakt", region="hallingdal")
    for size in (export.resolve_size(), export.ImageSize(1200, 700)):
        name, content = export.export_view(fixture_model, state, "png", size, renderer, DATE, fixture_base)
        assert name == "legevakt-hallingdal-2026-11-22.png"
        assert png_size(content) == (size.width, size.height)


def test_exp021_svg_has_size_title_and_credits(renderer, fixture_model, fixture_base) -> None:
    state = ViewState(service="legevakt", region="hallingdal")
    _name, content = export.export_view(fixture_model, state, "svg", export.resolve_size(), renderer, DATE, fixture_base)
    root = svg_root(content)
    assert (root.get("width"), root.get("height")) == ("3508", "2480")
    text = svg_text(root)
    assert "Legevakt – Hallingdal" in text
    assert all(credit in text for credit in CREDITS)
    assert "Hallingdal legevakt" in text, "the legend is in the file"


def test_exp022_pdf_is_one_a4_page_with_title_and_credits(renderer, fixture_model, fixture_base, tmp_path) -> None:
    state = ViewState(service="legevakt", region="hallingdal", network=True, municipality="3043")
    _name, content = export.export_view(fixture_model, state, "pdf", export.resolve_size(), renderer, DATE, fixture_base)
    assert content.startswith(b"%PDF-")
    path = tmp_path / "kart.pdf"
    path.write_bytes(content)
    assert pdf_info(path)["Pages"] == "1"
    assert pdf_page_points(path) == pytest.approx((841.89, 595.28), abs=1.0)  # A4 landscape
    text = pdf_text(path)
    assert "Legevakt – Hallingdal" in text
    assert all(credit in text for credit in CREDITS)


def test_exp023_other_views_and_sizes(renderer, fixture_model, fixture_base, tmp_path) -> None:
    cases = [
        (ViewState(view="nettverk"), "Samarbeidsnettverk – alle kartlagte kommuner", export.resolve_size("a4-staaende")),
        (ViewState(view="antall", sector="helse"), "Antall interkommunale ordninger", export.resolve_size("16:9")),
    ]
    for state, title, size in cases:
        _name, content = export.export_view(fixture_model, state, "pdf", size, renderer, DATE, fixture_base)
        path = tmp_path / "view.pdf"
        path.write_bytes(content)
        assert pdf_page_points(path) == pytest.approx(expected_points(size), abs=1.0)
        text = pdf_text(path)
        assert title in text and "Kilde: NIVI Analyse 2021" in text


def test_exp030_report_pack_zip_has_six_maps_and_their_tables(renderer, real_model, tmp_path) -> None:
    progress: list[str] = []
    files = export.report_pack(real_model, renderer, "png", SMALL, "hallingdal", DATE, progress.append)
    out = export.write_bundle(files, tmp_path / "rapportpakke.zip")
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        images = [name for name in names if name.endswith(".png")]
        tables = [name for name in names if name.endswith(".csv")]
        assert sorted(images) == sorted(f"{service}-hallingdal-2026-11-22.png" for service in export.PACK_SERVICES)
        assert sorted(tables) == sorted(f"ordninger-{service}-hallingdal-2026-11-22.csv" for service in export.PACK_SERVICES)
        for image in images:
            assert png_size(archive.read(image)) == (900, 636)
        legevakt = archive.read("ordninger-legevakt-hallingdal-2026-11-22.csv").decode("utf-8")
    assert legevakt.startswith(export.CSV_BOM)
    table = list(csv.reader(io.StringIO(legevakt.lstrip(export.CSV_BOM))))
    assert table[0] == [*COVERAGE_COLUMNS[:2], "Kommunenummer 2024", *COVERAGE_COLUMNS[2:]], "as the app's download: both numbers"
    assert ["Hol", "3044", "3330"] in [row[:3] for row in table]
    assert {"Hol", "Ål", "Gol", "Hemsedal", "Flå", "Nesbyen"} <= {row[0] for row in table[1:]}
    assert progress == [f"[{n}/6] {service} … ok" for n, service in enumerate(export.PACK_SERVICES, start=1)]
    assert not (tmp_path / "rapportpakke.zip.tmp").exists()


def test_exp031_pack_csv_cells_cannot_run_formulas(real_model) -> None:
    _name, content = export.coverage_csv(real_model, "legevakt", None, DATE)
    for row in csv.reader(io.StringIO(content.decode("utf-8").lstrip(export.CSV_BOM))):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)


# ----- the command line -------------------------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "legevkat", "--out", "x.png"], "Mente du «legevakt»?"),
        (["--service", "legevakt", "--region", "halingdal", "--out", "x.png"], "Mente du «Hallingdal»?"),
        (["--service", "legevakt", "--format", "svg", "--out", "x.png"], "passer ikke"),
        (["--service", "legevakt", "--out", "x.jpg"], "Oppgi --format"),
        (["--service", "legevakt", "--size", "a5", "--out", "x.png"], "Ukjent størrelse «a5»"),
        (["--out", "x.png"], "Oppgi --service"),
        (["--all-services", "--out", "x.png"], "mappe eller en .zip"),
        (["--service", "legevakt", "--sector", "helsa", "--out", "x.png"], "Ukjent sektor «helsa»"),
    ],
)
def test_exp040_bad_arguments_exit_2_with_a_hint(capsys, tmp_path, args, message) -> None:
    out = [str(tmp_path / arg) if arg.startswith("x.") else arg for arg in args]
    code, _out, err = run_cli(capsys, *out, *FIXTURE_DIRS)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir()), "nothing is written for a bad command"


def test_exp041_cli_writes_the_named_file_into_a_folder(capsys, tmp_path) -> None:
    code, out, err = run_cli(
        capsys, "--service", "Legevakt", "--region", "Hallingdal", "--format", "png", "--width", "1000", "--out", str(tmp_path), *FIXTURE_DIRS
    )
    assert code == 0, err
    written = tmp_path / f"legevakt-hallingdal-{dt.date.today().isoformat()}.png"
    assert png_size(written.read_bytes()) == (1000, 707)
    assert str(written) in out


def test_exp043_cli_export_in_2024_from_a_link_and_struktur(capsys, tmp_path) -> None:
    link = "http://127.0.0.1:8050/?tjeneste=legevakt&region=fylke-33&struktur=2024"
    code, out, err = run_cli(capsys, "--link", link, "--format", "svg", "--width", "1000", "--out", str(tmp_path), *FIXTURE_DIRS)
    assert code == 0, err
    text = svg_text(svg_root((tmp_path / f"legevakt-fylke-33-{dt.date.today().isoformat()}.svg").read_bytes()))
    assert "Legevakt – Buskerud" in text, "the county of 2024 from the link: the export is in 2024"
    assert "Kilde: NIVI Analyse 2021" in text and "Kartgrunnlag: © Kartverket" in text
    code, _out, err = run_cli(capsys, "--service", "legevakt", "--region", "Buskerud", "--out", str(tmp_path / "x.png"), *FIXTURE_DIRS)
    assert code == 2 and "Ukjent region «Buskerud»" in err, "Buskerud is no county of 2020, the survey's own"
    code, _out, err = run_cli(capsys, "--link", "?struktur=1999", "--service", "legevakt", "--out", str(tmp_path / "x.png"), *FIXTURE_DIRS)
    assert code == 2 and "ukjent kommunestruktur «1999»" in err and "Traceback" not in err


def test_exp042_cli_report_pack_folder_with_progress(capsys, tmp_path) -> None:
    code, out, err = run_cli(capsys, "--all-services", "--format", "svg", "--width", "800", "--out", str(tmp_path / "pakke"), *FIXTURE_DIRS)
    assert code == 0, err
    services = [line.split()[1] for line in err.splitlines() if line.endswith("… ok")]
    assert services == ["legevakt", "barnevernvakt", "ikt"], "the fixture has three of the six; the pack says so"
    files = sorted(path.name for path in (tmp_path / "pakke").iterdir())
    assert len(files) == 6 and sum(name.endswith(".svg") for name in files) == 3
    assert "rapportpakken" in out


def test_exp024_samsvar_view_exports_its_map_with_the_numbers(renderer, real_model, tmp_path) -> None:
    base = MapBase.from_boundaries(real_model.boundaries)
    state = ViewState(view="samsvar", municipality="3045")
    name, content = export.export_view(real_model, state, "svg", export.resolve_size(), renderer, DATE, base)
    assert name == "samsvar-alle-2026-11-22.svg"
    text = svg_text(svg_root(content))
    assert "Samsvar: konstellasjoner per kommune – alle kartlagte kommuner" in text
    assert "5 konstellasjoner" in text and "Samsvar for legevakt, barnevernvakt" in text
    assert all(credit in text for credit in CREDITS)
    # One number per surveyed municipality is drawn on the map.
    numbers = [t.text for t in svg_root(content).iter("{http://www.w3.org/2000/svg}text") if t.text and t.text.isdigit()]
    assert sum(1 for value in numbers if value in "2345") >= 25


def test_exp025_samsvar_from_a_link_on_the_command_line(real_model, tmp_path) -> None:
    from dashboard.cli.export_commands import export_state
    from dashboard.cli.main import build_parser

    parsed = build_parser().parse_args(["export", "--link", "/?visning=samsvar&utvalg=legevakt,PPT", "--out", str(tmp_path / "s.png")])
    state = export_state(real_model, parsed)
    assert (state.view, state.services) == ("samsvar", ("legevakt", "ppt"))


# ----- names on the map and members beside the legend (issue 11) ----------------------------


def _svg_texts(content: bytes) -> list[str]:
    """Every text node of an SVG, tags stripped (plotly splits styled labels into tspans)."""
    svg = content.decode("utf-8")
    return [re.sub(r"<[^>]+>", "", match) for match in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]


def test_exp050_svg_of_legevakt_in_kongsbergregionen_names_its_members_as_text(renderer, real_model) -> None:
    state = ViewState(service="legevakt", region="kongsbergregionen")
    base = MapBase.from_boundaries(real_model.boundaries)
    _name, content = export.export_view(real_model, state, "svg", export.resolve_size(), renderer, DATE, base)
    texts = _svg_texts(content)
    from dashboard.views.view_data import service_map_data

    data = service_map_data(real_model, "legevakt", region="kongsbergregionen")
    region = set(real_model.region_municipalities("kongsbergregionen"))
    members = {real_model.name_of(number) for number in data.memberships["kommunenummer"] if number in region}
    assert {"Kongsberg", "Flesberg", "Rollag"} <= members
    for name in members:
        assert name in texts, f"{name} is a label on the map"
    legend = " ".join(text for text in texts if "legevakt" in text.lower() or "," in text)
    assert "Flesberg" in legend and "Kongsberg" in legend, "the legend lists the members"
    assert not [text for text in texts if "span" in text or "&lt;" in text or "<b>" in text], "markup is drawn, not shown"


def test_exp051_no_labels_leaves_the_names_out(renderer, real_model) -> None:
    state = ViewState(service="legevakt", region="kongsbergregionen")
    base = MapBase.from_boundaries(real_model.boundaries)
    _name, content = export.export_view(real_model, state, "svg", export.resolve_size(), renderer, DATE, base, labels=False)
    texts = _svg_texts(content)
    assert "Rollag" not in texts and "Sigdal" not in texts


def test_exp052_cli_no_labels_flag(capsys, tmp_path) -> None:
    code, _out, err = run_cli(
        capsys, "--service", "legevakt", "--format", "svg", "--width", "800", "--no-labels", "--out", str(tmp_path / "k.svg"), *FIXTURE_DIRS
    )
    assert code == 0, err
    with_names = tmp_path / "n.svg"
    code, _out, err = run_cli(capsys, "--service", "legevakt", "--format", "svg", "--width", "800", "--out", str(with_names), *FIXTURE_DIRS)
    assert code == 0, err
    assert len(_svg_texts(with_names.read_bytes())) > len(_svg_texts((tmp_path / "k.svg").read_bytes()))
