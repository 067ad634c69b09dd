"""Export timings side by side: our one-browser session vs the naive plotly `write_image` per file.

Measures, on the real survey data: browser start-up, one map (legevakt, all surveyed
municipalities, A4 at 300 dpi) as PNG, SVG and PDF, the report pack (6 maps + CSV, zip) and one
fact sheet. The naive way is what plotly offers out of the box: `plotly.io.write_image`, which
starts a fresh Chromium for every file. Writes bench/export_results.md.

Run: python3 bench/export_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import plotly.io as pio  # noqa: E402

from dashboard.data.loader import load_builtin  # noqa: E402
from dashboard.output import export, factsheet  # noqa: E402
from dashboard.views.map_base import MapBase  # noqa: E402
from dashboard.views.view_state import ViewState  # noqa: E402

RESULTS = REPO / "bench" / "export_results.md"
DATE = dt.date(2026, 11, 22)


def seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_write(figure, path: Path, fmt: str, size: export.ImageSize, browser: Path) -> None:
    """plotly's own way: a new browser per file (kaleido's one-shot sync call)."""
    os.environ["BROWSER_PATH"] = str(browser)
    pio.defaults.topojson = export.TOPOJSON_DIR.resolve().as_uri() + "/"
    options = size.kaleido_options(fmt)
    pio.write_image(figure, path, format=fmt, width=options["width"], height=options["height"], scale=options["scale"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is reported)")
    args = parser.parse_args()
    repeat = args.repeat

    model = load_builtin()
    base = MapBase.from_boundaries(model.boundaries)
    size = export.resolve_size()
    state = ViewState(service="legevakt")
    browser = export.find_browser()
    rows: list[tuple[str, float, float | None, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        start = time.perf_counter()
        renderer = export.Renderer(browser)
        renderer.open()
        startup = time.perf_counter() - start
        try:
            figure = export.print_view(model, state, DATE, base)
            for fmt in export.FORMATS:
                ours = seconds(lambda fmt=fmt: renderer.render(figure, fmt, size), repeat)
                naive = seconds(lambda fmt=fmt: naive_write(figure, out / f"naive.{fmt}", fmt, size, browser), repeat)
                content = renderer.render(figure, fmt, size)
                rows.append((f"One map, {fmt.upper()} ({size.width}×{size.height})", ours, naive, f"{len(content) / 1e6:.2f} MB"))

            def pack() -> None:
                files = export.report_pack(model, renderer, "png", size, None, DATE, lambda _line: None, base)
                export.write_bundle(files, out / "pakke.zip")

            def naive_pack() -> None:
                for service in export.pack_services(model):
                    figure = export.print_view(model, ViewState(service=service), DATE, base)
                    naive_write(figure, out / f"{service}.png", "png", size, browser)

            ours = seconds(pack, repeat)
            pack_size = (out / "pakke.zip").stat().st_size
            naive = seconds(naive_pack, 1)
            rows.append(("Report pack: 6 maps PNG + 6 CSV, zip", ours, naive, f"{pack_size / 1e6:.2f} MB"))

            sheet = factsheet.factsheet_figure(model, "3043", DATE, base)
            ours = seconds(lambda: renderer.render(sheet, "pdf", factsheet.PAGE), repeat)
            content = renderer.render(sheet, "pdf", factsheet.PAGE)
            rows.append(("Fact sheet PDF (Ål, 44 arrangements)", ours, None, f"{len(content) / 1e3:.0f} kB"))
            build = seconds(lambda: factsheet.factsheet_figure(model, "3043", DATE, base), repeat)
            rows.append(("  of which building the figure (Python)", build, None, ""))
            map_build = seconds(lambda: export.print_view(model, state, DATE, base), repeat)
            rows.append(("  one map figure built (Python)", map_build, None, ""))
        finally:
            renderer.close()

    chromium = subprocess.run([str(browser), "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Export timings",
        "",
        f"Measured {dt.date.today().isoformat()} with `python3 bench/export_bench.py --repeat {repeat}` "
        f"(median of {repeat}; the naive pack once). Machine: {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, {chromium}.",
        "",
        "*Ours*: one `export.Renderer` (one headless Chromium through kaleido) for every file. "
        "*Naive*: `plotly.io.write_image` per file, which starts a new browser each time.",
        "",
        f"Browser start-up (once per command): **{startup:.2f} s**.",
        "",
        "| What | Ours (s) | Naive (s) | Output |",
        "| --- | ---: | ---: | --- |",
    ]
    for what, ours, naive, output in rows:
        naive_text = f"{naive:.2f}" if naive is not None else "–"
        lines.append(f"| {what} | {ours:.2f} | {naive_text} | {output} |")
    lines += [
        "",
        "A single export from the command line costs start-up plus one render. The pack and "
        "`factsheet --region` pay start-up once, which is where the shared session wins.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
