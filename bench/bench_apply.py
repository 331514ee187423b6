"""Figures of applying: DynamoDB calls for one submission, in-process latency, and throughput under gunicorn; and of
the application's steps: the largest step's HTML, items read to show any step, the first step's time against
/healthz's, and the questions an applicant must answer for an on-site job.

apply_rps_ratio is the apply POST's requests per second divided by /healthz's, on the same gunicorn server in
the same run (wrk on loopback), so the shared machine's speed cancels out. Skipped with a message without wrk.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests

from bench.common import DynamoCallCounter, free_port

ROOT = Path(__file__).resolve().parent.parent
NO_SPAM_LIMITS = {"APPLY_MIN_FILL_SECONDS": 0, "APPLY_LIMIT_PER_IP_HOUR": 10**9, "APPLY_LIMIT_PER_EMAIL_DAY": 10**9}

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = %(cookie)s
local base = %(body)s
local n = 0
init = function(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end
request = function()
  n = n + 1
  local token = string.format("%%d-%%d", math.random(1, 1000000000), n)
  return wrk.format(nil, nil, nil, base .. "&submission_token=" .. token .. "&email=w" .. token .. "%%40example.com")
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk_rps(url: str, script: str | None = None) -> float:
    cmd = ["wrk", "-t2", "-c16", "-d5s", "--latency"] + (["-s", script] if script else []) + [url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _rps_ratio(stack, posting, apply_form, hidden_fields) -> float | None:
    if shutil.which("wrk") is None:
        print("apply_rps_ratio skipped: wrk is not installed (make debian-deps installs Debian's wrk)", file=sys.stderr)
        return None
    port = free_port()
    env = {**os.environ, "PORTAL_SECRET_KEY": "bench", "PORTAL_STACK_NAME": stack["StackName"],
           **{f"PORTAL_{k}": str(v) for k, v in NO_SPAM_LIMITS.items()}}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level",
                               "warning", "portal.wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        session = requests.Session()
        page = session.get(f"{base}/apply/{posting.id}", timeout=10)
        fields = {k: v for k, v in hidden_fields(page.text).items() if k != "submission_token"}
        answers = {k: v for k, v in apply_form().items() if k != "email"}
        body = urllib.parse.urlencode({**fields, **answers}, doseq=True)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        # The session cookie is Secure (as deployed), so requests keeps it back over plain http: send it by hand,
        # as the wrk script does.
        probe = requests.post(f"{base}/apply/{posting.id}", data=body + "&submission_token=probe-1&email=probe%40example.com",
                              headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
                              allow_redirects=False, timeout=10)
        assert probe.status_code == 303, probe.status_code
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT % {"cookie": _lua_string(cookie), "body": _lua_string(body)})
        health = _wrk_rps(f"{base}/healthz")
        applying = _wrk_rps(f"{base}/apply/{posting.id}", script.name)
        os.unlink(script.name)
        print(f"apply POST {applying:.0f} req/s, /healthz {health:.0f} req/s", file=sys.stderr)
        return round(applying / health, 3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _step_figures(env, apply_form, make_posting, hidden_fields) -> dict:
    """Walk the steps of one on-site job among 100 open ones (the site built, so "more jobs" has listings to read)."""
    from werkzeug.datastructures import MultiDict

    from portal.site import build_site
    from portal.web.forms import AtLeastOne, ApplyForm
    from tests.helpers import APPLY_STEPS, step_answers
    from wtforms.validators import DataRequired, InputRequired

    stack = env.new_stack()
    app = env.new_app(stack, **NO_SPAM_LIMITS)
    runtime = app.extensions["portal"]
    postings = [make_posting(shifts=["day", "weekend"]) for _ in range(100)]
    runtime.postings.put_many(postings)
    build_site(runtime)
    posting = postings[0]
    client = app.test_client()
    counter = DynamoCallCounter(app)
    answers = apply_form()
    sizes, reads, pages = [], [], {}
    for step in (*APPLY_STEPS, "review"):
        url = f"/apply/{posting.id}" if step == "contact" else f"/apply/{posting.id}/{step}"
        with counter.counting():
            page = client.get(url)
        assert page.status_code == 200, (step, page.status_code)
        html = page.get_data(as_text=True)
        pages[step] = html
        sizes.append(len(page.data) / 1024)
        reads.append(counter.items_read)
        print(f"step {step}: {len(page.data) / 1024:.1f} KB, {counter.items_read} items read, "
              f"{counter.calls} calls", file=sys.stderr)
        if step != "review":
            resp = client.post(f"/apply/{posting.id}/{step}",
                               data={**hidden_fields(html), **step_answers(step, answers)})
            assert resp.status_code == 303, (step, resp.status_code)

    fresh = app.test_client()

    def median_ms(url: str) -> float:
        times = []
        for _ in range(30):
            start = time.perf_counter()
            assert fresh.get(url).status_code == 200
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    health, first = median_ms("/healthz"), median_ms(f"/apply/{posting.id}")
    print(f"first step {first:.1f} ms, /healthz {health:.1f} ms (medians of 30, in-process)", file=sys.stderr)

    # Must be answered: a required check, and nothing chosen for the applicant already (the job's workplace and
    # "contact me by e-mail" come chosen); only the questions a page of this job really shows.
    with app.test_request_context():
        form = ApplyForm(formdata=MultiDict({"workplace": posting.workplace}), meta={"csrf": False})
        shown = "".join(pages.values())
        required = [f.name for f in form if f.data in (None, "", [], False)
                    and any(isinstance(v, (DataRequired, InputRequired, AtLeastOne)) for v in f.validators)
                    and f'name="{f.name}"' in shown]
    print(f"questions an applicant must answer: {', '.join(required)}", file=sys.stderr)
    return {"apply_page_kb": round(max(sizes), 1), "apply_page_items_read": max(reads),
            "apply_page_ms_ratio": round(first / health, 2), "apply_questions_required": len(required)}


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.factories import apply_form, make_posting
    from tests.helpers import hidden_fields

    stack = env.new_stack()
    app = env.new_app(stack, **NO_SPAM_LIMITS)
    posting = make_posting()
    app.extensions["portal"].postings.put(posting)
    client = app.test_client()
    counter = DynamoCallCounter(app)

    form = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))
    with counter.counting():
        resp = client.post(f"/apply/{posting.id}", data={**form, **apply_form(email="count@example.com")})
    assert resp.status_code == 303, resp.status_code
    calls = counter.calls

    times = []
    for n in range(30):
        form = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))
        start = time.perf_counter()
        resp = client.post(f"/apply/{posting.id}", data={**form, **apply_form(email=f"p50.{n}@example.com")})
        times.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 303, resp.status_code

    result = {"apply_ddb_calls": calls, "apply_p50_ms": round(statistics.median(times), 1),
              **_step_figures(env, apply_form, make_posting, hidden_fields)}
    ratio = _rps_ratio(stack, posting, apply_form, hidden_fields)
    if ratio is not None:
        result["apply_rps_ratio"] = ratio
    return result
