"""Browser fixtures: the app on a real port, Debian's headless Chromium driven by Playwright, and axe-core."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portal.local.serving import site_dispatcher
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 375, "height": 812}  # the narrowest phone we design for
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def live_server(app):
    """One origin on loopback, as `make run` serves it: the site bucket at its paths, the dynamic paths from the app.

    Tests publish what they browse (portal.site.publish_posting or build_site). Stopped when the module ends.
    """
    server = make_server("127.0.0.1", free_port(), site_dispatcher(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def refused_by_policy(page) -> list[str]:
    """The page's Content-Security-Policy refusals from now on (Chromium reports each on the console): a page
    of ours that needs one would be broken in production."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    refused = refused_by_policy(opened)
    yield opened
    context.close()
    assert refused == []


def _tab_until(page, expression: str, expected: str, what: str, limit: int) -> None:
    """Press Tab, as a keyboard user would, until `expression` (about document.activeElement) gives `expected`."""
    for presses in range(limit + 1):
        if page.evaluate(expression) == expected:
            return
        if presses < limit:
            page.keyboard.press("Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {what}")


def tab_to(page, element_id: str, limit: int = 120) -> None:
    _tab_until(page, "document.activeElement && document.activeElement.id", element_id, f"#{element_id}", limit)


def tab_to_text(page, text: str, limit: int = 120) -> None:
    """Tab to the link or button whose text this is."""
    _tab_until(page, "document.activeElement && document.activeElement.textContent.trim()", text, repr(text), limit)


def scrolls_sideways(page) -> bool:
    """Whether the page as it is now is wider than the window (a table may scroll inside its own region)."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA rules and best practices)."""
    # Evaluated, not added as a script tag: the portal's policy refuses inline scripts, as it should.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
