"""First load, side by side: the build before issue 12 and this one; writes bench/first_load_results.md.

Run: `python3 bench/first_load_bench.py [--before REV] [--no-lighthouse]` (part of `make bench`).
Takes a few minutes. Not a test: numbers depend on the machine; targets are reported, never asserted.

Both builds run as real servers (`python3 app.py`, the "before" one from `git archive REV`) and are
visited by headless Chromium (Debian's /usr/bin/chromium) through the DevTools protocol:
- bytes transferred (encoded, with headers) on a first visit with an empty cache, and on a repeat
  visit with the cache of the first;
- on a throttled connection (1.6 Mbps down, 750 kbps up, 150 ms latency, cache off): when the
  loading note «Laster kart …» shows, and when the map has drawn every municipality;
- Lighthouse 12 (npm registry, installed on first use under ~/.cache) in its default mobile mode
  (simulated 150 ms / 1.6 Mbps, 4× slower CPU), `--lighthouse-runs` times (default 3): median and
  every run of the performance and accessibility scores and their metrics, the largest contentful
  paint's element and the scripts with the most main-thread time. If it cannot run, the report
  says why.

The servers are measured warm: one visit before the measured ones, then a pause, so the files a
server compresses at its best in the background (boundaries, plotly.js, static scripts) are served
as every visitor after the first gets them.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "first_load_results.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The last commit before issue 12's light first load: Dash's full plotly.min.js, no loading state.
BEFORE_REV = "ff8b879fb4924055c7aba5089f7a8d4dc4996ca9"
SLOW_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
THROTTLED_RUNS = 3
LIGHTHOUSE_RUNS = 3
# After the warm-up visit: time for the background brotli of the files it asked for.
WARM_UP_PAUSE_SECONDS = 15
LIGHTHOUSE_VERSION = "12"
LIGHTHOUSE_HOME = Path.home() / ".cache" / "samarbeidskartet-bench"
TARGETS = {"first_visit_kb": 900, "map_seconds": 6.0, "performance": 90, "accessibility": 100}
# Recorded in the page from navigation start: loading note shown, map drawn (performance.now()).
TIMING_SCRIPT = """
(() => {
  const marks = window.__firstLoad = {loading: null, map: null};
  const check = () => {
    const note = document.getElementById('map-loading');
    if (marks.loading === null && note && note.offsetParent !== null && !note.classList.contains('is-loaded')) marks.loading = performance.now();
    if (marks.map === null && document.querySelectorAll('#map path.choroplethlocation').length >= 356) { marks.map = performance.now(); observer.disconnect(); }
  };
  const observer = new MutationObserver(check);
  document.addEventListener('DOMContentLoaded', () => { check(); observer.observe(document.documentElement, {childList: true, subtree: true, attributes: true}); });
})();
"""


@dataclass
class Visit:
    bytes: int = 0
    requests: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Build:
    name: str
    first: Visit
    repeat: Visit
    loading_seconds: list[float | None]
    map_seconds: list[float]
    lighthouse: dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python3 app.py` of one build on a free port, with a database of its own."""

    def __init__(self, folder: Path, database: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
        self.process = subprocess.Popen([sys.executable, "app.py", "--port", str(self.port)], cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"{folder} did not start within 120 s")
        self._wait_for_brotli()

    def _wait_for_brotli(self) -> None:
        """Large files get brotli from a background thread after start; measure them as served then."""
        with urllib.request.urlopen(self.url + "_dash-layout", timeout=10) as response:
            text = json.dumps(json.loads(response.read().decode("utf-8")))
        geo = text[text.index("/_geo/"):].split('"')[0]
        for path in (geo, "_dash-component-suites/plotly/package_data/plotly.min.js"):
            deadline = time.time() + 60
            while time.time() < deadline:
                # As a browser asks: the app answers gzip until its best brotli is ready.
                request = urllib.request.Request(self.url + path.lstrip("/"), headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.headers.get("Content-Encoding") == "br":
                        break
                time.sleep(0.5)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def visit(context, url: str) -> tuple[Visit, Any]:
    """One navigation until the map is drawn and the network is idle; bytes as Chromium counts them."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    session.on("Network.responseReceived", lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]))
    session.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])))
    page.goto(url)
    page.wait_for_function("window.__firstLoad && window.__firstLoad.map !== null", timeout=180_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    largest = sorted(((urls.get(key, key), size) for key, size in sizes.items()), key=lambda row: -row[1])
    return Visit(sum(sizes.values()), len(sizes), largest[:8]), page


def throttled_run(browser, url: str) -> tuple[float | None, float]:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
    context.add_init_script(TIMING_SCRIPT)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    session.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.__firstLoad && window.__firstLoad.map !== null", timeout=180_000)
    marks = page.evaluate("window.__firstLoad")
    context.close()
    loading = marks["loading"] / 1000 if marks["loading"] is not None else None
    return loading, marks["map"] / 1000


def lighthouse(url: str) -> dict[str, Any]:
    """Lighthouse's mobile run, or {"error": why}."""
    cli = LIGHTHOUSE_HOME / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        LIGHTHOUSE_HOME.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_HOME), f"lighthouse@{LIGHTHOUSE_VERSION}"],
            capture_output=True, text=True, timeout=600,
        )
        if install.returncode != 0 or not cli.exists():
            return {"error": f"npm install lighthouse@{LIGHTHOUSE_VERSION} failed: {install.stderr.strip()[-300:]}"}
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        run = subprocess.run(
            ["node", str(cli), url, "--quiet", "--only-categories=performance,accessibility", "--output=json", f"--output-path={report}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu", "--max-wait-for-load=90000"],
            capture_output=True, text=True, timeout=600, env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
        if not report.exists():
            return {"error": f"lighthouse exited {run.returncode}: {(run.stderr or run.stdout).strip()[-300:]}"}
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    result: dict[str, Any] = {
        "version": data.get("lighthouseVersion"),
        "performance": round(100 * (data["categories"]["performance"]["score"] or 0)),
        "accessibility": round(100 * (data["categories"]["accessibility"]["score"] or 0)),
    }
    for key in METRICS:
        result[key] = audits[key]["displayValue"]
    weights = {ref["id"]: ref.get("weight", 0) for ref in data["categories"]["performance"]["auditRefs"]}
    # Per metric: its score (0-1) and weight in the performance score, i.e. the points it costs.
    result["metric scores"] = {key: (audits[key].get("score") or 0, weights.get(key, 0)) for key in METRICS}
    element = audits.get("largest-contentful-paint-element", {}).get("details", {}).get("items", [])
    nodes = [row.get("node", {}) for table in element if table.get("type") == "table" for row in table.get("items", []) if "node" in row]
    # Not named when the element had left the page by the end of the run (the index's static
    # first paint, which Dash replaces).
    result["lcp element"] = nodes[0].get("selector", "?") if nodes else None
    result["bootup"] = [
        (row["url"].split("127.0.0.1:", 1)[-1].split("/", 1)[-1].split("?")[0][-70:] or "(page)", round(row["total"]))
        for row in audits.get("bootup-time", {}).get("details", {}).get("items", [])[:6]
    ]
    result["failed accessibility audits"] = sorted(
        audit["id"] for audit in audits.values()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0 and audit["id"] in {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"]}
    )
    return result


METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")


def lighthouse_runs(url: str, runs: int) -> dict[str, Any]:
    """`runs` Lighthouse runs: the median run's numbers (by performance), plus every run's."""
    results = []
    for _ in range(runs):
        result = lighthouse(url)
        if "error" in result:
            return result
        results.append(result)
    median = sorted(results, key=lambda result: result["performance"])[len(results) // 2]
    return {**median, "runs": results}


def measure(name: str, folder: Path, run_lighthouse: bool, lighthouse_count: int = LIGHTHOUSE_RUNS) -> Build:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        server = Server(folder, Path(scratch) / "registre.sqlite")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                warm_up = browser.new_context(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
                warm_up.add_init_script(TIMING_SCRIPT)
                visit(warm_up, server.url)
                warm_up.close()
                time.sleep(WARM_UP_PAUSE_SECONDS)
                context = browser.new_context(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
                context.add_init_script(TIMING_SCRIPT)
                first, page = visit(context, server.url)
                page.close()
                repeat, page = visit(context, server.url)
                context.close()
                timings = [throttled_run(browser, server.url) for _ in range(THROTTLED_RUNS)]
                browser.close()
            scores = lighthouse_runs(server.url, lighthouse_count) if run_lighthouse else {"error": "skipped (--no-lighthouse)"}
        finally:
            server.stop()
    return Build(name, first, repeat, [loading for loading, _ in timings], [drawn for _, drawn in timings], scores)


def before_tree(rev: str, into: Path) -> Path:
    """The source of `rev` (git archive), with this tree's boundaries if that build has none of its own."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=True).stdout
    folder = into / "before"
    folder.mkdir()
    archive_path = into / "before.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(folder, filter="data")
    return folder


def kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB".replace(",", " ")


def seconds(values: list[float | None]) -> str:
    known = [value for value in values if value is not None]
    if not known:
        return "none shown"
    return f"{statistics.median(known):.1f} s (runs: {', '.join(f'{value:.1f}' for value in known)})"


def lcp_element(scores: dict[str, Any]) -> str:
    element = scores.get("lcp element")
    return f"`{element}`" if element else "an element no longer in the page at the end of the run (not named by Lighthouse)"


def with_runs(scores: dict[str, Any], key: str) -> str:
    """The median run's value, and every run's when there were several."""
    value = scores.get(key, "–")
    runs = scores.get("runs", [])
    if len(runs) < 2:
        return str(value)
    return f"{value} (runs: {', '.join(str(run[key]) for run in runs)})"


def performance_gap(scores: dict[str, Any]) -> list[str]:
    """Where the median run's performance score was lost: points per metric (score × weight)."""
    metrics = scores.get("metric scores")
    if not metrics or scores.get("performance", 100) >= TARGETS["performance"]:
        return []
    lines = ["", f"## Where Lighthouse performance loses its points (after, median run: {scores['performance']})", "",
             "| metric | value | metric score | weight | points lost |", "|---|---|---|---|---|"]
    for key, (score, weight) in sorted(metrics.items(), key=lambda item: -(1 - item[1][0]) * item[1][1]):
        lines.append(f"| {key.replace('-', ' ')} | {scores.get(key, '–')} | {score:.2f} | {weight} | {(1 - score) * weight:.0f} |")
    return lines


def report(before: Build, after: Build, rev: str) -> str:
    lines = [
        "# First load: before and after issue 12",
        "",
        f"Generated by `python3 bench/first_load_bench.py`. Before: `git archive {rev[:10]}` (Dash's full plotly.js). "
        f"After: this tree. Machine: {os.cpu_count()} cores (shared). Not a test: numbers vary by machine and load.",
        "",
        "| | before | after | target |",
        "|---|---|---|---|",
        f"| first visit, transferred | {kb(before.first.bytes)} ({before.first.requests} requests) | {kb(after.first.bytes)} ({after.first.requests} requests) | ≤ {TARGETS['first_visit_kb']} KB |",
        f"| repeat visit, transferred | {kb(before.repeat.bytes)} | {kb(after.repeat.bytes)} | |",
        f"| throttled 1.6 Mbps / 150 ms: «Laster kart …» shown | {seconds(before.loading_seconds)} | {seconds(after.loading_seconds)} | before the map |",
        f"| throttled 1.6 Mbps / 150 ms: map drawn | {seconds(before.map_seconds)} | {seconds(after.map_seconds)} | ≤ {TARGETS['map_seconds']:.0f} s |",
    ]
    for key, label in (("performance", "Lighthouse mobile performance"), ("accessibility", "Lighthouse mobile accessibility")):
        target = f"≥ {TARGETS[key]}" if key == "performance" else f"{TARGETS[key]}"
        lines.append(f"| {label} | {with_runs(before.lighthouse, key)} | {with_runs(after.lighthouse, key)} | {target} |")
    for key in METRICS:
        lines.append(f"| Lighthouse {key.replace('-', ' ')} | {with_runs(before.lighthouse, key)} | {with_runs(after.lighthouse, key)} | |")
    lines += ["", "## Targets (after)", "", "| target | after | met |", "|---|---|---|"]
    map_median = statistics.median(after.map_seconds)
    loading_first = all(loading is not None and loading < drawn for loading, drawn in zip(after.loading_seconds, after.map_seconds))
    checks = [
        (f"first visit ≤ {TARGETS['first_visit_kb']} KB", kb(after.first.bytes), after.first.bytes / 1024 <= TARGETS["first_visit_kb"]),
        (f"map within {TARGETS['map_seconds']:.0f} s throttled", f"{map_median:.1f} s", map_median <= TARGETS["map_seconds"]),
        ("loading state visible before the map", seconds(after.loading_seconds), loading_first),
    ]
    if "error" in after.lighthouse:
        checks.append(("Lighthouse", f"could not run: {after.lighthouse['error']}", False))
    else:
        checks.append((f"Lighthouse performance ≥ {TARGETS['performance']}", str(after.lighthouse["performance"]), after.lighthouse["performance"] >= TARGETS["performance"]))
        checks.append((f"Lighthouse accessibility {TARGETS['accessibility']}", str(after.lighthouse["accessibility"]), after.lighthouse["accessibility"] >= TARGETS["accessibility"]))
    lines += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in checks]
    lines += performance_gap(after.lighthouse)
    for build in (before, after):
        lines += ["", f"## Largest transfers of the first visit ({build.name})", "", "| URL | transferred |", "|---|---|"]
        lines += [f"| `{url.split('127.0.0.1:', 1)[-1].split('/', 1)[-1][:90]}` | {kb(size)} |" for url, size in build.first.largest]
        failed = build.lighthouse.get("failed accessibility audits")
        if failed:
            lines += ["", f"Lighthouse accessibility audits failed ({build.name}): {', '.join(failed)}."]
        if "error" in build.lighthouse:
            lines += ["", f"Lighthouse ({build.name}) could not run: {build.lighthouse['error']}"]
        elif build.lighthouse.get("version"):
            lines += ["", f"Lighthouse {build.lighthouse['version']} ({build.name}), median run of {len(build.lighthouse.get('runs', [1]))}: "
                      f"largest contentful paint is {lcp_element(build.lighthouse)}; main-thread time by script (4× slowed CPU):", ""]
            lines += ["| script | main-thread time |", "|---|---|"]
            lines += [f"| `{url}` | {ms:,} ms |" for url, ms in build.lighthouse.get("bootup", [])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE_REV, help="git revision measured as «before» (default: the last one before issue 12)")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse runs")
    parser.add_argument("--lighthouse-runs", type=int, default=LIGHTHOUSE_RUNS, help="Lighthouse runs per build (the median is reported)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        before = measure("before", before_tree(args.before, Path(scratch)), not args.no_lighthouse, args.lighthouse_runs)
    after = measure("after", ROOT, not args.no_lighthouse, args.lighthouse_runs)
    text = report(before, after, args.before)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
