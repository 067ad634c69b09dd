"""Benchmark: a register of 3,000 arrangements over all 356 municipalities, served by two gunicorn workers.

Measures time to first map (HTTP and a real Chromium visit), the callback median over HTTP,
request and response sizes, and memory per worker, beside the naive way this replaces: the
whole file in the browser's store, sent and re-read with every callback. Not a test: numbers
vary by machine. `python3 bench/register_bench.py` writes bench/register_results.md.
"""

from __future__ import annotations

import base64
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import CHROMIUM, CHROMIUM_ARGS, free_port, kb, map_request, ms  # noqa: E402
from dashboard.data.loader import load_builtin_cached  # noqa: E402
from dashboard.data.sheets import USER_COLUMNS, read_user_file  # noqa: E402
from dashboard.store.database import open_database  # noqa: E402
from dashboard.store.registers import RegisterStore  # noqa: E402
from dashboard.views.view_state import ViewState  # noqa: E402
from dashboard.web import ids  # noqa: E402

RESULTS = ROOT / "bench" / "register_results.md"
ARRANGEMENTS = 3000
SLUG = "stor-region"
WORKERS = 2
REPEATS = 5
SERVICES = ("legevakt", "barnevernvakt", "ppt", "nav", "ikt", "krisesenter")
TARGET_CALLBACK_MS = 100
TARGET_MEMORY_MB = 50
ACCEPT = {"Accept-Encoding": "br, gzip", "Content-Type": "application/json"}


def synthetic_register(seed: int = 2021) -> bytes:
    """3,000 arrangements: each among 2–8 municipalities that lie close in number order (mostly one
    county), over every municipality and service, as a secretariat's CSV would have them."""
    model = load_builtin_cached()
    rng = random.Random(seed)
    numbers = sorted(model.registry.municipalities["kommunenummer"])
    services = list(model.services["id"])
    forms = ["IKS", "AS", "vertskommune", "KO", "avtale", ""]
    lines = [";".join(USER_COLUMNS)]
    for index in range(ARRANGEMENTS):
        start = index % len(numbers) if index < len(numbers) else rng.randrange(len(numbers))
        size = rng.randint(2, 8)
        members = [numbers[(start + offset) % len(numbers)] for offset in range(size)]
        service = SERVICES[index % len(SERVICES)] if index % 3 == 0 else rng.choice(services)
        host = members[0] if rng.random() < 0.5 else ""
        lines.append(";".join([f"Ordning {index + 1}", service, "", ", ".join(members), host, rng.choice(forms), str(rng.randint(1990, 2024)), ""]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def http(base: str, path: str, body: dict | None = None) -> tuple[int, int, float, bytes]:
    """(raw bytes, bytes on the wire, seconds, body) of one request; the body decoded if compressed."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=ACCEPT)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        wire = response.read()
        seconds = time.perf_counter() - start
        encoding = response.headers.get("Content-Encoding", "")
    if encoding == "br":
        import brotli

        raw = brotli.decompress(wire)
    elif encoding == "gzip":
        import gzip

        raw = gzip.decompress(wire)
    else:
        raw = wire
    return len(raw), len(wire), seconds, raw


def warm(base: str, prefix: str, rounds: int) -> None:
    """Enough requests that both workers have served the page (the kernel spreads them)."""
    for _ in range(rounds):
        http(base, f"{prefix}_dash-layout")
        http(base, f"{prefix}_dash-update-component", map_request(ViewState(service="ppt"), ids.SERVICE))


def browser_first_map(url: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The page's CSP forbids eval, which playwright's wait_for_function uses (as the browser tests, bypass it).
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function("document.querySelectorAll('#map path.choroplethlocation').length >= 356", timeout=120_000)
            return time.perf_counter() - start
        finally:
            browser.close()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="register-bench-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'registre.sqlite'}"
    content = synthetic_register()
    base_model = load_builtin_cached()
    store = RegisterStore(open_database(database_url), base_model)
    store.ensure_survey()
    start = time.perf_counter()
    plan = store.plan_import(content, "stor-region.csv", name="Stor region (syntetisk)", slug=SLUG)
    store.apply_import(plan, "bench")
    import_seconds = time.perf_counter() - start
    municipalities = len(plan.model.focus)

    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "120", "app:server"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                http(base, "/registre")
                break
            except OSError:
                time.sleep(0.3)
        warm(base, "/", 20)
        workers = worker_pids(master.pid)
        survey_rss = {pid: rss_mb(pid) for pid in workers}

        # Time to first map: the page, then its layout (with the first figure). Cold: the worker
        # builds the register's model and colours; warm: from the cache keyed by version.
        page_raw, page_wire, page_seconds, _ = http(base, f"/r/{SLUG}")
        cold_raw, cold_wire, cold_seconds, _ = http(base, f"/r/{SLUG}/_dash-layout")
        warm_times = [http(base, f"/r/{SLUG}/_dash-layout")[2] for _ in range(REPEATS)]
        warm(base, f"/r/{SLUG}/", 20)
        register_rss = {pid: rss_mb(pid) for pid in workers}

        states = [ViewState(service=service) for service in SERVICES]
        states += [ViewState(service="legevakt", region=region) for region in ("fylke-34", "fylke-30", "fylke-18")]
        states += [ViewState(view="nettverk", service="legevakt"), ViewState(view="antall")]
        rows = []
        for state in states:
            body = map_request(state, ids.SERVICE)
            results = [http(base, f"/r/{SLUG}/_dash-update-component", body) for _ in range(REPEATS)]
            label = state.view if state.view != "kart" else f"{state.service}{' / ' + state.region if state.region else ''}"
            rows.append((label, len(json.dumps(body)), results[0][0], results[0][1], statistics.median(r[2] for r in results)))
        callback_median = statistics.median(row[4] for row in rows)
        request_max = max(row[1] for row in rows)

        chromium_seconds = browser_first_map(f"{base}/r/{SLUG}") if Path(CHROMIUM).exists() else None
    finally:
        master.terminate()
        master.wait(timeout=30)

    # The naive way (before registers): the browser's store held the whole file, zlib + base64,
    # and every callback carried it; a worker whose cache missed re-read and re-validated it.
    naive_store = len(json.dumps({"v": 1, "name": "stor-region.csv", "zlib": base64.b64encode(zlib.compress(content, 9)).decode()}))
    revalidate = statistics.median(
        _timed(lambda: read_user_file(content, "stor-region.csv", base_model.registry, base_model)) for _ in range(3)
    )
    ours_store = len(json.dumps({"draft": "x" * 32, "register": SLUG}))
    version_query = statistics.median(_timed(lambda: store.version(SLUG)) for _ in range(20))

    growth = {pid: register_rss[pid] - survey_rss[pid] for pid in workers}
    lines = [
        "# Benchmark: a register of 3,000 arrangements",
        "",
        f"Generated by `python3 bench/register_bench.py` on {time.strftime('%Y-%m-%d')}: {ARRANGEMENTS} synthetic arrangements over "
        f"{municipalities} municipalities, {WORKERS} gunicorn workers on {database_url.split(':')[0]}, medians of {REPEATS}. "
        "Not a test: numbers vary by machine.",
        "",
        f"Import of the file into the register (read, validate, diff, write): {import_seconds:.2f} s; file {kb(len(content))}.",
        "",
        "## Time to first map",
        "",
        "| | time | raw | transferred |",
        "|---|---|---|---|",
        f"| `GET /r/{SLUG}` (page) | {ms(page_seconds)} | {kb(page_raw)} | {kb(page_wire)} |",
        f"| layout with first map, cold (builds the register's dataset) | {ms(cold_seconds)} | {kb(cold_raw)} | {kb(cold_wire)} |",
        f"| layout with first map, warm (cached by version) | {ms(statistics.median(warm_times))} | {kb(cold_raw)} | {kb(cold_wire)} |",
    ]
    if chromium_seconds is not None:
        lines.append(f"| headless Chromium: `goto` until all 356 polygons are drawn | {chromium_seconds:.2f} s | | |")
    lines += [
        "",
        "## Callbacks over HTTP",
        "",
        "| change | request | response raw | response transferred | median |",
        "|---|---|---|---|---|",
        *[f"| {label} | {kb(request)} | {kb(raw)} | {kb(wire)} | {ms(seconds)} |" for label, request, raw, wire, seconds in rows],
        f"| **median / largest request** | **{kb(request_max)}** | | | **{ms(callback_median)}** (target ≤ {TARGET_CALLBACK_MS} ms) |",
        "",
        "## Memory per worker",
        "",
        "| worker | after the survey | after the survey and this register | growth |",
        "|---|---|---|---|",
        *[f"| {n + 1} | {survey_rss[pid]:.0f} MB | {register_rss[pid]:.0f} MB | {growth[pid]:+.1f} MB |" for n, pid in enumerate(workers)],
        f"| **largest growth** | | | **{max(growth.values()):+.1f} MB** (target ≤ {TARGET_MEMORY_MB} MB) |",
        "",
        "## Beside the naive way",
        "",
        "| | ours (draft id, register by path) | naive (whole file in the browser's store) |",
        "|---|---|---|",
        f"| what every callback carries to name the data | {ours_store} B | {kb(naive_store)} |",
        f"| server work to find the data on a cache miss | version query {ms(version_query)} (then the cached dataset) | re-read and re-validate the file: {ms(revalidate)} |",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
