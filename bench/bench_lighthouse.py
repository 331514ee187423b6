"""Lighthouse's four categories (performance, accessibility, best-practices, seo; 0-100) on `/`, `/jobs/`, a
posting and the first apply step, against the portal as `make run` serves it (bench/portal_process.py).

lighthouse_min_score is the lowest of the four categories over the four pages and both form factors:
  - mobile: Lighthouse's default emulation (a Moto G Power-sized screen, 412x823 at DPR 1.75, simulated slow 4G
    and 4x CPU slowdown, Lantern's simulated throttling: the scores come from the trace, not from a slowed run);
  - desktop: Lighthouse's `--preset=desktop` (1350x940, no CPU slowdown, fast network).
Per page: lighthouse_<page>_<category>_<mobile|desktop> (pages home, jobs, posting, apply; category names with
underscores) and lighthouse_mobile_min_score, lighthouse_desktop_min_score.

Lighthouse 12.2.3 from npm (package.json; later ones want Node 22), Debian's chromium (CHROME_PATH), headless.
With Chromium 156 a few trace-based audits error on "frame_sequence" (layout-shifts, render-blocking-resources,
the LCP-element audits); they carry no category weight, so the category scores still compute. The local server
sends no compression (CloudFront does), so `uses-text-compression` fails here; it is an unweighted opportunity.

The JSON and HTML reports are kept in build/lighthouse/ (<page>-<form factor>.report.json/.html); the audits
that cost each category points are printed to stderr. LIGHTHOUSE_RUNS=N runs each page N times and takes the
median of each category (Lighthouse's own advice against variance; the default is one run).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = ROOT / "build" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = {"mobile": [], "desktop": ["--preset=desktop"]}
RUN_TIMEOUT_S = 180


def run_lighthouse(url: str, form_factor: str, out_base: Path) -> dict:
    """One Lighthouse run; returns its JSON report (also written to out_base.report.json and .report.html)."""
    cmd = ["node", str(LIGHTHOUSE), url, "--output=json", "--output=html", f"--output-path={out_base}",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}", "--quiet",
           *FORM_FACTORS[form_factor]]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    report_path = Path(f"{out_base}.report.json")
    if done.returncode != 0 or not report_path.exists():
        raise RuntimeError(f"lighthouse failed on {url} ({form_factor}), exit {done.returncode}:\n{done.stderr[-3000:]}")
    report = json.loads(report_path.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not measure {url}: {report['runtimeError']}")
    failed = failed_requests(report, url)
    if failed:
        # The site is pre-rendered when the portal starts, naming each asset by its content hash; a CSS or JS
        # file edited since then is served under a new name only, so the page loads unstyled or without its
        # script and the scores measure that instead. Better no figure than a wrong one.
        raise RuntimeError(f"{url}: requests of the portal's own failed, {failed}; if static/ was edited while the "
                           "bench ran (the pages name the hashes of the files as they were at start), run it again")
    return report


def failed_requests(report: dict, url: str) -> list[str]:
    """The page's requests to its own origin that failed or answered 4xx/5xx, as 'status url'."""
    origin = "/".join(url.split("/")[:3]) + "/"
    items = ((report["audits"].get("network-requests") or {}).get("details") or {}).get("items", [])
    return [f"{i.get('statusCode')} {i['url']}" for i in items
            if i.get("url", "").startswith(origin) and not 200 <= (i.get("statusCode") or 0) < 400]


def category_scores(report: dict) -> dict[str, int]:
    scores = {}
    for name in CATEGORIES:
        score = report["categories"][name]["score"]
        if score is None:
            raise RuntimeError(f"{report['finalDisplayedUrl']}: category {name} has no score")
        scores[name] = round(score * 100)
    return scores


def costly_audits(report: dict) -> dict[str, list[tuple[str, float, str]]]:
    """Per category: (audit id, points it costs the category, its display value or title) for each weighted audit
    that did not pass, largest cost first. An audit costs weight * (1 - score) / total weight * 100 points."""
    found = {}
    for name in CATEGORIES:
        refs = report["categories"][name]["auditRefs"]
        total = sum(r["weight"] for r in refs) or 1
        costs = []
        for ref in refs:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
                costs.append((ref["id"], round(ref["weight"] * (1 - audit["score"]) / total * 100, 1),
                              audit.get("displayValue") or audit["title"]))
        found[name] = sorted(costs, key=lambda c: -c[1])
    return found


KNOWN_ERRORS = ("frame_sequence", "RootCauses", "TraceElements")  # Chromium 156's traces; see the docstring


def failed_unweighted(report: dict) -> tuple[list[str], list[str]]:
    """Audits that failed or errored but carry no weight (opportunities, diagnostics): worth a look, cost nothing.
    Returns (those, the ids of the known "frame_sequence" errors, listed apart)."""
    weighted = {r["id"] for name in CATEGORIES for r in report["categories"][name]["auditRefs"] if r["weight"]}
    out, known = [], []
    for audit_id, audit in report["audits"].items():
        if audit_id in weighted:
            continue
        if audit.get("scoreDisplayMode") == "error":
            message = audit.get("errorMessage", "")
            if any(k in message for k in KNOWN_ERRORS):
                known.append(audit_id)
            else:
                out.append(f"{audit_id} (error: {message[:100]})")
        elif audit.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric") and audit.get("score") is not None \
                and audit["score"] < 0.9:
            out.append(f"{audit_id} ({audit.get('displayValue') or audit['title']})")
    return out, known


def _report(page: str, form_factor: str, scores: dict, report: dict) -> None:
    line = ", ".join(f"{k} {v}" for k, v in scores.items())
    print(f"lighthouse {page} ({form_factor}): {line}", file=sys.stderr)
    for name, costs in costly_audits(report).items():
        if costs:
            print(f"  {name}: " + "; ".join(f"{a} -{c} ({v})" for a, c, v in costs), file=sys.stderr)
    console = report["audits"].get("errors-in-console", {})
    for item in (console.get("details") or {}).get("items", [])[:3] if console.get("score") == 0 else []:
        print(f"  console: {item.get('description', '').splitlines()[0][:160]}"
              f" ({(item.get('sourceLocation') or {}).get('url', item.get('source', ''))})", file=sys.stderr)
    extra, known = failed_unweighted(report)
    if extra:
        print("  unweighted: " + "; ".join(extra), file=sys.stderr)
    if known:
        print(f"  known frame_sequence errors (no weight): {', '.join(known)}", file=sys.stderr)


def warm_up(base: str, pages: dict[str, str]) -> None:
    """Fetch each page and every file it names once before measuring. Lantern takes each request's server time
    from the run it observes, and the first request for a file in a fresh process (the app's first request,
    the emulator's first read of a bucket) is many times slower than the next; in production a CDN's edge
    answers these, so that first-request cost is not what a visitor waits for."""
    import re
    import urllib.request

    for path in pages.values():
        with urllib.request.urlopen(base + path, timeout=30) as resp:
            html = resp.read().decode("utf-8", "replace")
        for asset in dict.fromkeys(re.findall(r'(?:href|src)="(/static/[^"]+)"', html)):
            with urllib.request.urlopen(base + asset, timeout=30) as resp:
                resp.read()


def measure(base: str, pages: dict[str, str], runs: int = 1) -> dict:
    REPORTS.mkdir(parents=True, exist_ok=True)
    warm_up(base, pages)
    figures: dict[str, float] = {}
    for form_factor in FORM_FACTORS:
        for page, path in pages.items():
            per_run = []
            for n in range(runs):
                suffix = f"-{n + 1}" if runs > 1 else ""
                report = run_lighthouse(base + path, form_factor, REPORTS / f"{page}-{form_factor}{suffix}")
                per_run.append(category_scores(report))
                _report(page + suffix, form_factor, per_run[-1], report)
            for name in CATEGORIES:
                figures[f"lighthouse_{page}_{name.replace('-', '_')}_{form_factor}"] = \
                    round(statistics.median(r[name] for r in per_run))
        figures[f"lighthouse_{form_factor}_min_score"] = min(
            v for k, v in figures.items() if k.endswith(f"_{form_factor}") and not k.endswith("min_score"))
    figures["lighthouse_min_score"] = min(figures[f"lighthouse_{ff}_min_score"] for ff in FORM_FACTORS)
    return figures


def figures(env) -> dict:
    """env (bench/common.py) serves nothing over HTTP, and Lighthouse needs a browser's view of the one origin
    (site bucket and app): the portal is started as `make run` starts it, on its own emulator and free ports."""
    sys.path.insert(0, str(ROOT))
    from bench.portal_process import posting_and_apply_paths, running_portal

    if not LIGHTHOUSE.exists():
        raise RuntimeError("node_modules/lighthouse is missing: run `npm ci` (make bench does)")
    runs = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))
    with running_portal("lighthouse-portal") as base:
        posting, apply_path = posting_and_apply_paths(base)
        pages = {"home": "/", "jobs": "/jobs/", "posting": posting, "apply": apply_path}
        print(f"lighthouse pages: {pages}", file=sys.stderr)
        return measure(base, pages, runs)
