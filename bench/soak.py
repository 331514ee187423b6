"""`make soak`: many applicants and a few recruiters at once on gunicorn and moto, then proof that no submission was lost.

What runs, and where:
- this process: the stack from infra/, the demo data, the site build and the stream poller, as `make run` sets
  them up; after the load, the drain and the checks in DynamoDB.
- moto as a server on a free loopback port, with local mode's fix (portal/local/emulator.py, which patches moto in
  its own process), in a child process (`--emulator PORT`): it is the busiest part of the soak, and on its own it
  has a core to itself instead of sharing one interpreter lock with the pipeline.
- gunicorn with two workers on 127.0.0.1, serving `portal.wsgi:app` as Zappa would, configured by environment
  (`PORTAL_*`) like any deployment.
- the load, in another child (`--load CONFIG OUT`): locust as a library, with SOAK_USERS applicants (default 200)
  and SOAK_RECRUITERS recruiters (default 4) for SOAK_SECONDS (default 60). Locust patches the standard library
  for gevent when it is imported, which must not happen to the poller's thread, so it never runs in this process.

Applicants open a job's apply form, take as long as the form's minimum fill time asks (the spam defence stays on,
at its configured value), and send it through the real form with its CSRF token and a unique e-mail address; one
in four also picks a second job from the form's list. Recruiters sign in with the demo accounts, read their queues
and move applications through the real stage forms. The per-IP and sign-in limits are raised: everyone is 127.0.0.1.

Afterwards: the load stops gracefully (requests in flight finish), gunicorn stops, the poller drains the stream (a
deadline, SOAK_DRAIN_SECONDS), and every submission that got a 2xx or 3xx must be stored exactly once per job
chosen, each of its applications in exactly one team queue (gsi2, one partition per stage). The figures
load_apply_rps, load_apply_p99_ms, load_5xx, load_lost and load_duplicates are merged into bench/results.json and
printed; the exit status is non-zero if any of the last three is not 0, or if nothing was accepted at all.
"""
from __future__ import annotations

import collections
import json
import math
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"

USERS = int(os.environ.get("SOAK_USERS", "200"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
RECRUITERS = int(os.environ.get("SOAK_RECRUITERS", "4"))
# moto slows down as its tables grow, so the pipeline may still be behind when the load stops.
DRAIN_SECONDS = float(os.environ.get("SOAK_DRAIN_SECONDS", "900"))
# Every request that was started when the time is up may finish: an abandoned request could still be stored by the
# server after the client gave up, and would then be neither counted as accepted nor checked.
STOP_SECONDS = 600.0
SECOND_CHOICE_SHARE = 0.25
RAISED_LIMIT = 1_000_000


# --- the load (child process; locust and gevent live only here) -----------------------------------------------


def run_load(config_path: str, out_path: str) -> int:
    import gevent
    from gevent.event import Event
    from locust import HttpUser, between, task
    from locust.env import Environment

    sys.path.insert(0, str(ROOT))
    from tests.helpers import hidden_fields  # the hidden inputs of a page or one form, as a browser sends them

    cfg = json.loads(Path(config_path).read_text())
    postings = cfg["postings"]
    non_remote = {p["id"] for p in postings if p["workplace"] != "remote"}
    accounts = cfg["recruiter_accounts"]
    closing = Event()  # set when the time is up: nobody starts another form, whatever they were doing
    # The recruiters sign in before the applicants arrive, so they are at work during the load and not queued
    # behind 200 applicants for their sign-in; the load's time starts when they are in.
    recruiters_in = Event()
    recruiters_done = [0]
    if not cfg["recruiters"]:
        recruiters_in.set()
    applications: list[dict] = []  # one per POST of an apply form
    moves = collections.Counter()
    tally = collections.Counter()  # (request name, status class) -> count
    five_hundreds = collections.Counter()
    serial = iter(range(1, 10**9))
    recruiter_turn = iter(range(10**9))

    def on_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
        status = getattr(response, "status_code", 0) or 0
        tally[(f"{request_type} {name}", f"{status // 100}xx" if status else "no answer")] += 1
        if status >= 500:
            five_hundreds[f"{request_type} {name} {status}"] += 1

    class Applicant(HttpUser):
        # Reading the next job before starting another application.
        wait_time = between(1, 3)

        def on_start(self):
            recruiters_in.wait(120)

        @task
        def apply(self):
            if closing.is_set():
                return
            posting = random.choice(postings)
            form = self.client.get(f"/apply/{posting['id']}", name="/apply/[id] form")
            if form.status_code != 200:
                return
            n = next(serial)
            email = f"soak.{cfg['run']}.{n}@example.com"
            chosen = [posting["id"]]
            data = {
                **hidden_fields(form.text),
                "name": f"Soak Applicant {n}",
                "email": email,
                "phone": "(206) 555-0147",
                "preferred_contact": "email",
                "zip": posting["zip"],
                "hours_min": str(posting["hours"][0]),
                "hours_max": str(posting["hours"][1]),
                "shifts": random.sample(posting["shifts"], random.randint(1, len(posting["shifts"]))),
                "workplace": posting["workplace"],
                "consent": "y",
            }
            if random.random() < SECOND_CHOICE_SHARE:
                # Only on-site and hybrid jobs: a remote one may not take applicants from this ZIP code's state.
                offered = re.search(r'<select[^>]*name="choice_2".*?</select>', form.text, re.S)
                options = [v for v in re.findall(r'<option[^>]*value="([^"]+)"', offered.group(0) if offered else "")
                           if v in non_remote]
                if options:
                    data["choice_2"] = random.choice(options)
                    chosen.append(data["choice_2"])
            # Filling in the form: a person takes at least the minimum fill time, and so must this one. gevent's
            # sleep, not wait(): a user stopped while filling in finishes the task (and here gives up below).
            gevent.sleep(cfg["min_fill_seconds"] + random.uniform(0.5, 3.0))
            if closing.is_set():
                return  # the tab is closed: the time is up
            started = time.perf_counter()
            sent = self.client.post(f"/apply/{posting['id']}", data=data, allow_redirects=False,
                                    name="/apply/[id] submit")
            applications.append({"email": email, "postings": chosen, "status": sent.status_code,
                                 "ms": (time.perf_counter() - started) * 1000, "done": time.time()})
            if sent.status_code == 303:
                self.client.get(sent.headers["Location"], name="/apply/received")

    class Recruiter(HttpUser):
        fixed_count = cfg["recruiters"]
        wait_time = between(2, 5)  # reading an application takes a person a while

        def on_start(self):
            account = accounts[next(recruiter_turn) % len(accounts)]
            self.teams = account["teams"]
            page = self.client.get("/admin/login", name="/admin/login")
            answer = self.client.post("/admin/login", allow_redirects=False, name="/admin/login sign in",
                                      data={**hidden_fields(page.text), "email": account["email"],
                                            "password": account["password"]})
            self.signed_in = answer.status_code == 303
            recruiters_done[0] += 1  # signed in or refused: either way, nothing more to wait for
            if recruiters_done[0] == cfg["recruiters"]:
                recruiters_in.set()

        @task
        def triage(self):
            if not self.signed_in:
                return
            team = random.choice(self.teams)
            stage = random.choice(["applied", "screened", "screened", "interview", "offer", "on_hold"])
            url, name = ((f"/admin/queues/{team}/?stage={stage}", "/admin/queues/[team]/")
                         if random.random() < 0.75 else ("/admin/my-queue/", "/admin/my-queue/"))
            queue = self.client.get(url, name=name)
            ids = re.findall(r'href="/admin/applications/([0-9A-Za-z]+)"', queue.text)
            if queue.status_code != 200 or not ids:
                return
            page = self.client.get(f"/admin/applications/{random.choice(ids)}", name="/admin/applications/[id]")
            forms = re.findall(r'<form method="post" action="([^"]+/move)" class="move"[^>]*>(.*?)</form>', page.text,
                               re.S)
            if page.status_code != 200 or not forms:
                return
            action, body = random.choice(forms)
            data = hidden_fields(body)
            if 'name="reason"' in body:
                data["reason"] = "Soak test: moved by a simulated recruiter."
            moved = self.client.post(action, data=data, allow_redirects=False,
                                     name="/admin/applications/[id]/move")
            moves[moved.status_code] += 1
            if moved.status_code == 303:
                self.client.get(moved.headers["Location"], name="/admin/applications/[id]")

    # A class with fixed_count 0 would be weighted like the applicants instead: leave it out.
    classes = [Applicant, Recruiter] if cfg["recruiters"] else [Applicant]
    env = Environment(user_classes=classes, host=cfg["base"], stop_timeout=STOP_SECONDS)
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(cfg["users"] + cfg["recruiters"], spawn_rate=100)
    recruiters_in.wait(120)
    began = time.time()
    gevent.sleep(cfg["seconds"])
    closing.set()
    stopping = time.time()
    runner.stop()  # waits for the users in the middle of a request (stop_timeout)
    stopped = time.time()
    runner.quit()
    entries = {f"{e.method} {e.name}": {"requests": e.num_requests, "failures": e.num_failures,
                                         "median_ms": e.median_response_time,
                                         "p99_ms": e.get_response_time_percentile(0.99)}
               for e in env.stats.entries.values()}
    Path(out_path).write_text(json.dumps({
        "began": began, "stopping": stopping, "stopped": stopped, "applications": applications,
        "moves": {str(k): v for k, v in moves.items()}, "five_hundreds": dict(five_hundreds),
        "tally": [[name, status, count] for (name, status), count in sorted(tally.items())], "entries": entries,
    }))
    return 0


# --- this process: the emulator, the stack, the poller, gunicorn, the checks -----------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure(moto_port: int, web_port: int) -> None:
    """Environment for this process and gunicorn's workers: the emulator, a stack of the soak's own, local mode (the
    demo accounts sign in only there), one secret shared by both workers (local mode would otherwise make one per
    process, and a form signed by one worker would fail in the other), and limits no applicant on 127.0.0.1 meets."""
    from portal.local.__main__ import configure_environment

    os.environ.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",  # this soak's emulator, never another endpoint
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="soak",
        AWS_SECRET_ACCESS_KEY="soak",
        PORTAL_LOCAL_MODE="true",
        PORTAL_STACK_NAME="portal-soak",
        PORTAL_SECRET_KEY=secrets.token_hex(32),
        PORTAL_PUBLIC_BASE_URL=f"http://127.0.0.1:{web_port}",
        PORTAL_APPLY_LIMIT_PER_IP_HOUR=str(RAISED_LIMIT),
        PORTAL_APPLY_LIMIT_PER_EMAIL_DAY=str(RAISED_LIMIT),
        PORTAL_LOGIN_LIMIT_PER_ACCOUNT=str(RAISED_LIMIT),
        PORTAL_LOGIN_LIMIT_PER_IP=str(RAISED_LIMIT),
    )
    configure_environment(moto_port)


def pending_records(runtime, poller) -> int:
    """Records of the stream the poller has not yet handled (at most one counted per shard: enough to say "not yet").

    The poller moves a shard's position only after the pipeline handled the batch, and what the pipeline wrote
    meanwhile lies after that position, so nothing pending and nothing in hand means the pipeline is done."""
    from portal.pipeline.streams import read_after, shard_ids, stream_arn

    streams = runtime.client("dynamodbstreams")
    arn = stream_arn(runtime.client("dynamodb"), runtime.settings.main_table)
    return sum(len(read_after(streams, arn, shard, poller.positions.get(shard), 1))
               for shard in shard_ids(streams, arn))


def drain(runtime, poller, deadline_seconds: float) -> float | None:
    """Poll until the poller has handled every record; the seconds it took, or None past the deadline."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_seconds:
        if not pending_records(runtime, poller):
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def open_postings(runtime) -> list[dict]:
    """Every open published posting, with answers that fit it: a ZIP code it takes, its hours and shifts."""
    import zipcodes

    from portal import clock
    from portal.postings.services import is_open

    today, found, key = clock.now().date(), [], None
    while True:
        page = runtime.postings.list_published(100, key)
        found += [p for p in page.items if is_open(p, today)]
        key = page.next_key
        if not key:
            break
    state_zip: dict[str, str] = {}
    for z in zipcodes.list_all():
        if z["zip_code_type"] == "STANDARD":
            state_zip.setdefault(z["state"], z["zip_code"])
    rng, out = random.Random(13), []
    for p in found:
        if p.address is not None:
            zip_code = p.address.zip
        else:  # a remote role: someone living in one of the states it takes
            zip_code = state_zip[rng.choice(p.remote_states) if p.remote_states else "WA"]
        out.append({"id": p.id, "zip": zip_code, "workplace": p.workplace, "shifts": list(p.shifts),
                    "hours": [p.hours_min, p.hours_max]})
    return out


def start_gunicorn(port: int, log) -> subprocess.Popen:
    """Two sync workers on loopback, the module-level app of portal/wsgi.py; ready when /healthz answers."""
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "portal.wsgi:app"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} (see {log.name})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen, seconds: float = 60) -> None:
    """SIGTERM (gunicorn finishes the requests in hand), then SIGKILL past ``seconds``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stored_by_email(runtime, teams: list[str], prefix: str) -> dict[str, list]:
    """Every application of the soak in DynamoDB, by applicant e-mail (the gsi1 list of each team)."""
    found = collections.defaultdict(list)
    for team in teams:
        key = None
        while True:
            page = runtime.applications.list_for_team(team, 1000, key)
            for application in page.items:
                if application.contact.email.startswith(prefix):
                    found[application.contact.email].append(application)
            key = page.next_key
            if not key:
                break
    return found


def queue_appearances(runtime, teams: list[str]) -> collections.Counter:
    """How many times each application id sits in a team's stage queues (gsi2: one partition per team and stage)."""
    from boto3.dynamodb.conditions import Key

    from portal import keys
    from portal.applications.models import STAGE_LABELS

    seen = collections.Counter()
    for team in teams:
        for stage in STAGE_LABELS:
            key = None
            while True:
                items, key, _ = runtime.applications.query_index(
                    "gsi2", Key("gsi2pk").eq(keys.team_stage_partition(team, stage)), None, 1000, key, True)
                seen.update(item["id"] for item in items)
                if not key:
                    break
    return seen


def check(runtime, teams: list[str], run: str, sent: list[dict]) -> dict:
    """Lost: an accepted submission with a chosen job not stored, or an application in no queue. Duplicate: any
    submission of the soak (accepted or not) with a job stored twice, an application in two queues, or a job stored
    that was not chosen."""
    stored = stored_by_email(runtime, teams, f"soak.{run}.")
    queued = queue_appearances(runtime, teams)
    accepted = {s["email"]: s for s in sent if 200 <= s["status"] < 400}
    chosen = {s["email"]: s["postings"] for s in sent}
    lost = duplicates = 0
    for email, submission in accepted.items():
        apps = stored.get(email, [])
        if any(not any(a.posting_id == p for a in apps) for p in submission["postings"]) \
                or any(queued[a.id] == 0 for a in apps):
            lost += 1
    for email, apps in stored.items():
        per_job = collections.Counter(a.posting_id for a in apps)
        # A job stored that was not chosen is a submission written twice over; an e-mail never sent (a request
        # cut off past the stop timeout) has nothing to compare with.
        unchosen = email in chosen and set(per_job) - set(chosen[email])
        if any(n > 1 for n in per_job.values()) or unchosen or any(queued[a.id] > 1 for a in apps):
            duplicates += 1
    every = [a for apps in stored.values() for a in apps]
    return {
        "lost": lost, "duplicates": duplicates, "stored_submissions": len(stored),
        "stored_applications": len(every),
        "stored_without_2xx": len(set(stored) - set(accepted)),
        "still_applied": sum(1 for a in every if a.stage == "applied"),  # the pipeline never screened them
        "stages": dict(collections.Counter(a.stage for a in every)),
    }


def dead_letters(runtime) -> int:
    attributes = runtime.client("sqs").get_queue_attributes(QueueUrl=runtime.dead_letter_queue_url,
                                                            AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value that ``share`` of the values are at or below."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def server_errors(log_path: str, limit: int = 3) -> tuple[int, list[str]]:
    """How many requests the app logged as failed, and the first few tracebacks, from gunicorn's log."""
    text = Path(log_path).read_text(errors="replace")
    blocks = re.findall(r"^.*(?:Exception on|Traceback \(most recent call last\)|WORKER TIMEOUT).*$(?:\n(?!\[\d{4}-).*)*",
                        text, re.M)
    return len(re.findall(r"Exception on |WORKER TIMEOUT", text)), blocks[:limit]


def say(message: str) -> None:
    print(f"soak: {message}", file=sys.stderr, flush=True)


def run_emulator(port: int) -> int:
    """moto with local mode's fix, until this process's standard input closes: the soak ended, however it ended."""
    import logging

    sys.path.insert(0, str(ROOT))
    from portal.local.__main__ import exit_now, start_emulator

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's line per request
    start_emulator(port)
    sys.stdin.read()
    exit_now(0)  # its tables are many objects: freeing them one by one is slower than the rest of the exit
    return 0


def start_emulator_process(port: int) -> subprocess.Popen:
    """moto in a process of its own: its work and the pipeline's Python then hold a core each, not one GIL."""
    import socket

    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--emulator", str(port)],
                               stdin=subprocess.PIPE, cwd=ROOT)
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the emulator did not listen within 60 s")


def main() -> int:
    import logging

    sys.path.insert(0, str(ROOT))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    began = time.monotonic()
    moto_port, web_port = free_port(), free_port()
    configure(moto_port, web_port)
    emulator = start_emulator_process(moto_port)  # before any boto3 client
    try:
        code = soak(web_port)
    finally:
        emulator.stdin.close()
        try:
            emulator.wait(30)
        except subprocess.TimeoutExpired:
            emulator.kill()
    say(f"total {time.monotonic() - began:.0f} s")
    return code


def soak(web_port: int) -> int:
    from portal import mail
    from portal.local.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, TEAMS, seed_demo
    from portal.local.infra import deploy_stack
    from portal.local.poller import StreamPoller
    from portal.runtime import Runtime
    from portal.site import build_site, close_expired_postings

    began = time.monotonic()
    runtime = Runtime.from_environment()
    cfg = runtime.settings
    deploy_stack(runtime.client("cloudformation"), cfg.stack_name)
    mail.verify_sender(runtime.client("ses"), cfg.mail_from)
    seed_demo(runtime)
    close_expired_postings(runtime)
    # As `make run` does: the full build publishes every posting, so the pipeline need not publish each again.
    build_started = time.time()
    build_site(runtime)
    for service in ("dynamodb", "dynamodbstreams", "sqs"):  # made here once, not by two threads at first use
        runtime.client(service)
    poller = StreamPoller(runtime, cfg.pipeline_poll_seconds, cfg.pipeline_max_retry_attempts,
                          site_built_at=build_started).start()
    # The demo's own backlog first, so what the drain waits for afterwards is the soak's.
    if drain(runtime, poller, DRAIN_SECONDS) is None:
        say("the demo data's stream records were not handled in time")
        return 1
    teams = [t.id for t in TEAMS]
    run = secrets.token_hex(4)
    config = {
        "base": f"http://127.0.0.1:{web_port}", "users": USERS, "recruiters": RECRUITERS, "seconds": SECONDS,
        "min_fill_seconds": cfg.apply_min_fill_seconds, "run": run, "postings": open_postings(runtime),
        "recruiter_accounts": [{"email": email, "password": DEMO_PASSWORD, "teams": account_teams or teams}
                               for email, _, _, account_teams in DEMO_ACCOUNTS],
    }
    say(f"ready after {time.monotonic() - began:.0f} s: {USERS} applicants and {RECRUITERS} recruiters for "
        f"{SECONDS:g} s on {config['base']} ({len(config['postings'])} open postings)")

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    (work / "config.json").write_text(json.dumps(config))
    with open(work / "gunicorn.log", "w") as gunicorn_log:
        gunicorn = start_gunicorn(web_port, gunicorn_log)
        try:
            load = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--load", str(work / "config.json"),
                                   str(work / "load.json")], cwd=ROOT, timeout=SECONDS + STOP_SECONDS + 180)
        finally:
            stop(gunicorn)
    if load.returncode != 0:
        say(f"the load process failed ({load.returncode})")
        return 1
    result = json.loads((work / "load.json").read_text())
    say(f"load stopped {result['stopped'] - result['stopping']:.1f} s after the time was up; draining the stream")
    drained_in = drain(runtime, poller, DRAIN_SECONDS)
    poller.stop()
    if drained_in is None:
        say(f"the pipeline did not drain within {DRAIN_SECONDS:g} s: the checks below may count work still pending")
    found = check(runtime, teams, run, result["applications"])

    sent = result["applications"]
    accepted = [s for s in sent if 200 <= s["status"] < 400]
    # Throughput over the whole time submissions were being answered, tail included.
    span = max([result["stopping"], *(s["done"] for s in sent)]) - result["began"]
    figures = {
        "load_apply_rps": round(len(accepted) / span, 2),
        "load_apply_p99_ms": round(percentile([s["ms"] for s in sent], 0.99), 1),
        "load_5xx": sum(result["five_hundreds"].values()),
        "load_lost": found["lost"],
        "load_duplicates": found["duplicates"],
    }
    merged = {**(json.loads(RESULTS.read_text()) if RESULTS.exists() else {}), **figures}
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")

    for name, entry in sorted(result["entries"].items()):
        say(f"{name}: {entry['requests']} requests, {entry['failures']} failed, median {entry['median_ms']:.0f} ms, "
            f"p99 {entry['p99_ms']:.0f} ms")
    say("answers by request: " + "; ".join(f"{name} {status}: {count}" for name, status, count in result["tally"]))
    say(f"apply submissions: {len(sent)} sent, {len(accepted)} accepted; by status "
        f"{dict(collections.Counter(s['status'] for s in sent))}; recruiter moves by status {result['moves']}")
    say(f"stored: {found['stored_submissions']} submissions, {found['stored_applications']} applications, "
        f"{found['stored_without_2xx']} without a 2xx/3xx answer; stages {found['stages']}; still applied after "
        f"the drain: {found['still_applied']}; dead letters: {dead_letters(runtime)}; drained in "
        + (f"{drained_in:.1f} s" if drained_in is not None else "(deadline passed)"))
    failed_requests, tracebacks = server_errors(gunicorn_log.name)
    if failed_requests:
        say(f"the app logged {failed_requests} failed requests; first tracebacks (full log: {gunicorn_log.name}):")
        for block in tracebacks:
            print(block, file=sys.stderr)
    if result["five_hundreds"]:
        say(f"5xx answers: {result['five_hundreds']}")
    print(json.dumps(figures, indent=2, sort_keys=True), flush=True)
    failed = (figures["load_5xx"] or figures["load_lost"] or figures["load_duplicates"] or not accepted
              or drained_in is None)
    if failed or failed_requests:
        say(f"kept for a look: {work} (the load's config and answers, gunicorn's log)")
    else:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        sys.exit(run_load(sys.argv[2], sys.argv[3]))
    if sys.argv[1:2] == ["--emulator"]:
        sys.exit(run_emulator(int(sys.argv[2])))
    sys.exit(main())
