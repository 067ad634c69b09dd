"""National scale, side by side: the service map and «Samsvar» on the register of 3,000 arrangements,
as this tree builds them and as the build before issue 13's speed-up did; writes
bench/national_map_results.md.

Run: `python3 bench/national_map_bench.py [--before REV]` (part of `make bench`). Takes a few minutes.
Not a test: numbers vary with the machine and its load; targets are reported, never asserted.

Measured in-process on the callback bodies the app runs for a page of that register (the HTTP
round trip, workers and memory are bench/register_bench.py's): time (wall clock and this process's
CPU time, medians) and the size of what the callback answers, raw and brotli at the app's level.
The "before" column runs the same measurement in `git archive REV` (one trace per arrangement,
pandas rows looked up one by one), each tree in a process of its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "national_map_results.md"
# The last commit before the national-scale service map (issue 13's follow-up).
BEFORE_REV = "87d177755657925dc6de4c08a233d141c6d19e96"
REPEATS = 5
BROTLI_LEVEL = 6  # app.py COMPRESSION
TARGETS = {"samsvar_ms": 1000, "map_ms": 200, "map_kb": 1024}


def measure(tree: Path) -> dict[str, Any]:
    """The callback bodies of `tree` on the 3,000 register: {case: {wall, cpu, raw, brotli}}."""
    sys.path.insert(0, str(tree))
    import brotli
    from dash._utils import to_json

    from bench.register_bench import synthetic_register
    from dashboard.data.loader import load_builtin_cached
    from dashboard.data.sheets import read_user_file
    from dashboard.views.datasets import prepare
    from dashboard.views.map_base import MapBase
    from dashboard.views.view_state import ViewState
    from dashboard.web import ids
    from dashboard.web.callbacks import map_update
    from dashboard.web.samsvar_callbacks import samsvar_content

    survey = load_builtin_cached()
    model = read_user_file(synthetic_register(), "stor-region.csv", survey.registry, survey)
    dataset = prepare(model, MapBase.from_boundaries(model.boundaries, geojson_url="/_geo/kommuner.json"))
    samsvar = ViewState(view="samsvar")
    cases: dict[str, Callable[[], Any]] = {
        "legevakt": lambda: map_update(dataset, ViewState(service="legevakt"), ids.SERVICE),
        "nav": lambda: map_update(dataset, ViewState(service="nav"), ids.SERVICE),
        "samsvar": lambda: samsvar_content(dataset, samsvar, ids.VIEW),
        "samsvar, another pair": lambda: samsvar_content(dataset, ViewState(view="samsvar", compare=("legevakt", "nav")), ids.SAMSVAR_COMPARE_SECOND),
        "samsvar, a municipality": lambda: samsvar_content(dataset, ViewState(view="samsvar", municipality="3044"), ids.MUNICIPALITY),
    }
    results = {}
    for name, case in cases.items():
        case()  # warm: caches, imports
        walls, cpus = [], []
        for _ in range(REPEATS):
            wall, cpu = time.perf_counter(), time.process_time()
            answer = case()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        body = to_json([part.to_plotly_json() if hasattr(part, "to_plotly_json") else part for part in answer]).encode()
        results[name] = {
            "wall": statistics.median(walls),
            "cpu": statistics.median(cpus),
            "raw": len(body),
            "brotli": len(brotli.compress(body, quality=BROTLI_LEVEL)),
        }
    return results


def measured(tree: Path) -> dict[str, Any]:
    """`measure(tree)` in a fresh process (its own imports of its own `dashboard`)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(tree)]
    output = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=BEFORE_REV)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.measure)))
        return
    sys.path.insert(0, str(ROOT))
    from bench.first_load_bench import before_tree

    with tempfile.TemporaryDirectory(prefix="national-map-bench-") as folder:
        before = measured(before_tree(options.before, Path(folder)))
    ours = measured(ROOT)
    rows = []
    for case in ours:
        a, b = ours[case], before[case]
        rows.append(
            f"| {case} | {a['wall'] * 1000:.0f} ms (CPU {a['cpu'] * 1000:.0f} ms) | {b['wall'] * 1000:.0f} ms (CPU {b['cpu'] * 1000:.0f} ms) "
            f"| {a['raw'] / 1024:,.0f} KB / {a['brotli'] / 1024:,.1f} KB | {b['raw'] / 1024:,.0f} KB / {b['brotli'] / 1024:,.1f} KB |"
        )
    met = lambda ok: "met" if ok else "not met"  # noqa: E731
    lines = [
        "# Benchmark: maps of a national register (3,000 arrangements)",
        "",
        f"Generated by `python3 bench/national_map_bench.py` on {time.strftime('%Y-%m-%d')}: the register of "
        "bench/register_bench.py (3,000 synthetic arrangements over all 356 municipalities), callback bodies run "
        f"in-process, medians of {REPEATS} after one warm-up. Before: `git archive {options.before[:10]}` (one trace "
        "per arrangement, arrangement rows read as pandas rows). Sizes: the callback's answer as Dash serialises it, "
        f"raw / brotli level {BROTLI_LEVEL} (as app.py compresses). A 2-core machine shared with other work: wall "
        "clock varies with the load; CPU time less so. Not a test.",
        "",
        "| callback | time, ours | time, before | answer, ours (raw / brotli) | answer, before |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "«samsvar» is opening the view: the partner grid, matrix, table and both compare maps; «another pair» "
        "redraws the two compare maps; «a municipality» moves the ring and re-places the names on them.",
        "",
        "## Targets",
        "",
        f"- Samsvar panel under {TARGETS['samsvar_ms']} ms: {ours['samsvar']['wall'] * 1000:.0f} ms, {met(ours['samsvar']['wall'] * 1000 < TARGETS['samsvar_ms'])}.",
        f"- Legevakt map callback under {TARGETS['map_ms']} ms and {TARGETS['map_kb']} KB raw: "
        f"{ours['legevakt']['wall'] * 1000:.0f} ms, {ours['legevakt']['raw'] / 1024:,.0f} KB, "
        f"{met(ours['legevakt']['wall'] * 1000 < TARGETS['map_ms'] and ours['legevakt']['raw'] < TARGETS['map_kb'] * 1024)}.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
