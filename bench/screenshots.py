"""`make screenshots`: full-page PNGs of the main pages at 375 and 1280 px, under build/screenshots/, for review.

Starts the portal as `make run` does (bench/portal_process.py: python -m portal.local on free ports, its own
emulator, the demo data), drives Debian's Chromium with Playwright, and stops the portal at the end, also on a
failure. Files are named <page>-<width>.png (home-375.png, admin-queue-1280.png, ...); the list is printed.

Pages: /, /jobs/, one facet listing, a posting (the first posting linked from /jobs/), /benefits/ and /military/
when they answer 200, the first apply step (the posting page's apply link) and each step after it as an applicant
answers them (a step with its problems shown, then the page after sending and the status page its e-mailed link
opens), the admin sign-in page, and signed in as the demo recruiter: the team queue, one application in it, the
team's dashboard.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal_process import posting_and_apply_paths, running_portal, wait_until  # noqa: E402

OUT = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
WIDTHS = {375: 812, 1280: 900}  # width: viewport height (full-page shots are taller)
RECRUITER = "recruiter@example.com"  # portal/local/demo.py: DEMO_ACCOUNTS, DEMO_PASSWORD
TEAM = "customer-service"  # one of the demo recruiter's teams
FACET = "/jobs/remote/"
OPTIONAL = ("/benefits/", "/military/")  # being added (issue 14): shot only when they answer 200
QUEUE_DEADLINE_S = 60  # the stream poller screens and routes the demo applications just after start


def _hrefs(page, prefix: str) -> list[str]:
    return page.eval_on_selector_all(f'a[href^="{prefix}"]', "els => els.map(e => e.getAttribute('href'))")


class Shooter:
    def __init__(self, browser, base: str, width: int):
        self.base, self.width = base, width
        self.context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.files: list[Path] = []
        # Assets that fail to load make a misleading shot (unstyled, or without its script): most often a CSS or
        # JS file edited after the portal pre-rendered the site under the old content hash.
        self.failed: list[str] = []
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                     if r.url.startswith(base + "/static/") and r.status >= 400 else None)
        self.page.on("requestfailed", lambda r: self.failed.append(f"failed {r.url}")
                     if r.url.startswith(base + "/static/") else None)

    def shot(self, name: str, path: str | None = None, required: bool = True) -> bool:
        """Open path (or stay on the page as it is) and save <name>-<width>.png. A required page must answer 200."""
        if path is not None:
            resp = self.page.goto(self.base + path, wait_until="networkidle")
            status = resp.status if resp else None
            if status != 200:
                if required:
                    raise RuntimeError(f"{path} answered {status}")
                print(f"skipped {name}: {path} answered {status}", file=sys.stderr)
                return False
        if self.failed:
            raise RuntimeError(f"{name}: assets did not load ({self.failed}); if static/ was edited since the portal "
                               "started, run again")
        out = OUT / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(out), full_page=True)
        self.files.append(out)
        return True

    def sign_in(self, email: str, password: str) -> None:
        self.page.goto(self.base + "/admin/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.click("form button[type=submit]")
        if "/admin/login" in self.page.url:
            raise RuntimeError(f"signing in as {email} failed")


def _fill_if_there(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    if field.count():
        field.first.fill(value)


def walk_the_apply_steps(s: Shooter) -> None:
    """From the first step (open), as an applicant answers: a step re-shown with its problems, then each step,
    the page after sending and the status page its e-mailed link opens (read from /dev/outbox)."""
    page = s.page
    page.get_by_role("button", name="Continue").click()
    page.locator(".error-summary, [role=alert]").first.wait_for()
    s.shot("apply-problems")
    email = f"screenshots-{s.width}@example.com"
    _fill_if_there(page, "Full name", "Rosa Díaz")
    _fill_if_there(page, "E-mail address", email)
    _fill_if_there(page, "Phone number", "206 555 0143")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("ZIP code").wait_for()
    page.get_by_label("ZIP code").fill("98032")
    page.get_by_label("ZIP code").blur()
    s.shot("apply-home")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Fewest hours a week").wait_for()
    _fill_if_there(page, "Fewest hours a week", "20")
    _fill_if_there(page, "Most hours a week", "30")
    shifts = page.locator("fieldset:has(legend:text-matches('shift', 'i')) input[type=checkbox]")
    if shifts.count():
        shifts.first.check()
    s.shot("apply-availability")
    for step, heading in (("apply-about", "About you"), ("apply-jobs", "More jobs"),
                          ("apply-review", "Check and send")):
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name=heading).wait_for()
        s.shot(step)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send application").click()
    page.get_by_role("heading", name="Thank you: your application is in").wait_for()
    s.shot("apply-received")

    def status_link():
        page.goto(s.base + "/dev/outbox", wait_until="networkidle")
        return page.evaluate("""email => {
            const text = document.body.innerText, at = text.indexOf(email);
            const m = at < 0 ? null : text.slice(at).match(/https?:\\/\\/[^\\s]*\\/applications\\/[A-Za-z0-9_-]+/);
            return m && m[0];
        }""", email)

    link = wait_until(status_link, QUEUE_DEADLINE_S, "the confirmation e-mail in /dev/outbox")
    s.shot("status", link.replace(link.split("/applications/")[0], ""))


def take(browser, base: str, width: int, posting: str, apply_path: str) -> list[Path]:
    from portal.local.demo import DEMO_PASSWORD

    s = Shooter(browser, base, width)
    try:
        s.shot("home", "/")
        s.shot("jobs", "/jobs/")
        s.shot("facet-" + FACET.strip("/").split("/")[-1], FACET)
        s.shot("posting", posting)
        for path in OPTIONAL:
            s.shot(path.strip("/"), path, required=False)
        s.shot("apply", apply_path)
        walk_the_apply_steps(s)
        s.shot("admin-login", "/admin/login")
        s.sign_in(RECRUITER, DEMO_PASSWORD)
        queue = f"/admin/queues/{TEAM}/"

        def queue_has_work():
            s.page.goto(base + queue, wait_until="networkidle")
            return _hrefs(s.page, "/admin/applications/")

        applications = wait_until(queue_has_work, QUEUE_DEADLINE_S, f"an application in {queue}")
        s.shot("admin-queue")
        s.shot("admin-application", applications[0])
        s.shot("admin-dashboard", f"/admin/teams/{TEAM}/dashboard")
    finally:
        s.context.close()
    return s.files


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    files: list[Path] = []
    with running_portal("screenshots-portal") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            posting, apply_path = posting_and_apply_paths(base)
            for width in WIDTHS:
                files += take(browser, base, width, posting, apply_path)
        finally:
            browser.close()
    print(f"{len(files)} screenshots in {OUT.relative_to(ROOT)}/:")
    for f in files:
        print(f"  {f.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
