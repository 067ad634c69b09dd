"""The app under its real Content-Security-Policy: every view, a profile, slides, a register, login.

This context does not bypass CSP, so it waits on selectors only (Playwright's string predicates
are themselves eval). Any violation the page reports, or any console error, fails the test.
"""

from __future__ import annotations

import pytest
from conftest import (  # noqa: F401
    CHROMIUM_ARGS,
    HOST,
    STATE_TIMEOUT_MS,
    VIEWPORT,
    LiveApp,
    screenshot,
)

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
POLYGONS = "#map path.choroplethlocation >> nth=355"


def test_csp001_no_view_violates_the_content_security_policy(browser, live_app: LiveApp) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.set_default_timeout(STATE_TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    violations: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))

        def collect() -> None:
            violations.extend(page.evaluate("window.__cspViolations || []"))

        response = page.goto(live_app.url + "/")
        assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
        assert "unsafe-eval" not in response.headers["content-security-policy"]
        page.wait_for_selector(POLYGONS, state="attached")
        page.click("#municipality")
        page.fill(".dash-dropdown-content .dash-dropdown-search", "Hol" if live_app.real else "Gol")  # the list shows the first few
        page.get_by_role("option", name="Hol" if live_app.real else "Gol", exact=True).click()
        page.wait_for_selector("#profile h2")
        for label, ready in (("Nettverk", POLYGONS), ("Antall ordninger", POLYGONS), ("Tabell", "#coverage-table .ag-cell"), ("Samsvar", "#samsvar-matrix td")):
            page.click(f"#view label:has-text('{label}')")
            page.wait_for_selector(ready, state="attached")
        page.click("#view label:has-text('Tjenestekart')")
        page.wait_for_selector(POLYGONS, state="attached")
        collect()
        page.goto(live_app.url + "/?visning=presentasjon&tjenester=legevakt,ppt")
        page.wait_for_selector("#presentation-map path.choroplethlocation >> nth=355", state="attached")
        page.keyboard.press("ArrowRight")
        page.wait_for_selector("#presentation-counter:has-text('2 / 2')")
        collect()
        for path in ("/registre", "/r/finnes-ikke", "/r/nivi-2021/logg-inn"):
            page.goto(live_app.url + path)
            page.wait_for_selector("h1")
            collect()
        errors[:] = [error for error in errors if "status of 404" not in error]
        assert violations == [], violations
        assert errors == [], errors
    finally:
        context.close()
