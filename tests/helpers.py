"""Helpers of the tests: forms through the Flask test client, applying, the table's stream, the mail SES received."""
from __future__ import annotations

import json
import re

import boto3
import html5lib
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from werkzeug.test import Client

from portal.local.serving import site_dispatcher
from portal.pipeline.streams import lambda_record, read_after, shard_ids, stream_arn
from portal.postings.repository import PostingRepository
from portal.site import build_site, publish_posting, rebuild_feeds
from tests.factories import apply_form


def hidden_fields(html: str) -> dict:
    """The hidden inputs of a page (CSRF token, submission token), by name."""
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def login(client, email: str, password: str):
    page = client.get("/admin/login")
    return client.post("/admin/login", data={**hidden_fields(page.get_data(as_text=True)), "email": email,
                                              "password": password})


def csrf_token(client) -> str:
    return hidden_fields(client.get("/admin/").get_data(as_text=True))["csrf_token"]


def send_application(client, first, more=(), **overrides):
    """Apply through the form for ``first`` (and ``more``, ranked); returns the response of the POST."""
    hidden = hidden_fields(client.get(f"/apply/{first.id}").get_data(as_text=True))
    choices = {f"choice_{n}": p.id for n, p in enumerate(more, start=2)}
    return client.post(f"/apply/{first.id}", data={**hidden, **choices, **apply_form(**overrides)})


def status_token_of(client) -> str:
    """The status link's token, as the confirmation page shows it."""
    html = client.get("/apply/received").get_data(as_text=True)
    return re.search(r'href="/applications/([A-Za-z0-9_-]+)"', html).group(1)


def applications_in_order(main_table, status: dict) -> list:
    """The applications of a status item, in the applicant's order of preference."""
    from portal.applications.repository import ApplicationRepository

    found = ApplicationRepository(main_table).get_many(list(status["application_ids"]))
    return [found[i] for i in status["application_ids"] if i in found]


class StreamTail:
    """Reads what was written to the table's real (emulated) stream since the last read, as Lambda events."""

    def __init__(self, table_name: str):
        self.streams = boto3.client("dynamodbstreams")
        self.arn = stream_arn(boto3.client("dynamodb"), table_name)
        self.shard = shard_ids(self.streams, self.arn)[-1]
        self.position = None
        self.records()  # start from now: what earlier tests wrote is theirs

    def records(self) -> list[dict]:
        found = []
        while batch := read_after(self.streams, self.arn, self.shard, self.position, limit=1000):
            found.extend(batch)
            self.position = batch[-1]["dynamodb"]["SequenceNumber"]
        return [lambda_record(r, self.arn) for r in found]

    def event(self) -> dict:
        return {"Records": self.records()}


def sent_mail(to: str) -> list:
    """What the emulator's SES accepted for this address (the emulator runs in this process)."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [m for m in backend.sent_messages if to in getattr(m, "destinations", {}).get("ToAddresses", [])]


def with_settings(runtime, **changes):
    """A runtime like ``runtime`` (the same clients and tables) with some settings changed."""
    import dataclasses

    from portal.runtime import Runtime

    return Runtime(dataclasses.replace(runtime.settings, **changes), aws=runtime.aws)


# --- the static site -----------------------------------------------------------------------------------------


class Site:
    """The built site as a visitor and as the bucket see it."""

    def __init__(self, app, stack):
        self.app = app
        self.runtime = app.extensions["portal"]
        self.bucket = stack["SiteBucketName"]
        self.s3 = boto3.client("s3")
        self.client = Client(site_dispatcher(app))
        self.repo = PostingRepository(boto3.resource("dynamodb").Table(stack["MainTableName"]))

    def build(self) -> int:
        return build_site(self.runtime)

    def publish(self, posting_id: str) -> int:
        return publish_posting(self.runtime, posting_id)

    def rebuild_feeds(self) -> int:
        """What the schedule does every 15 minutes: Indeed's feed again, if there were publishes since."""
        return rebuild_feeds(self.runtime)

    def put(self, *postings) -> None:
        self.repo.put_many(list(postings))

    def get(self, path: str):
        return self.client.get(path)

    def html(self, path: str) -> str:
        resp = self.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def keys(self) -> set[str]:
        found, token = set(), None
        while True:
            kwargs = {"Bucket": self.bucket, **({"ContinuationToken": token} if token else {})}
            resp = self.s3.list_objects_v2(**kwargs)
            found |= {o["Key"] for o in resp.get("Contents", [])}
            if not resp.get("IsTruncated"):
                return found
            token = resp["NextContinuationToken"]

    def search_ids(self) -> set[str]:
        manifest = json.loads(self.html("/jobs/search.json"))
        return {record["i"] for url in manifest["chunks"] for record in json.loads(self.html(url))}

    def listing_ids(self, path: str = "/jobs/") -> list[str]:
        """Every posting id on a listing, following "Older jobs" links from its front page."""
        ids, url = [], path
        while url:
            html = self.html(url)
            ids += card_ids(html)
            older = re.search(r'href="([^"]+)" rel="next"', html)
            url = older.group(1) if older else None
        return ids


def card_ids(html: str) -> list[str]:
    return re.findall(r'<li class="card">\s*<h2><a href="/jobs/([^/"]+)/"', html)


def jsonld_blocks(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def parse_errors(html: str) -> list:
    """WHATWG parse errors (html5lib): unclosed or misnested elements, bad attributes, a missing doctype."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(html)
    return parser.errors


# --- the stepped apply -----------------------------------------------------------------------------------------

APPLY_STEPS = ("contact", "home", "availability", "about", "jobs")


def step_answers(step: str, answers: dict) -> dict:
    """The part of a whole application's answers (tests.factories.apply_form) that ``step`` asks."""
    from portal.web.forms import ApplyForm

    fields = next(s.fields for s in ApplyForm.STEPS if s.name == step)
    return {k: v for k, v in answers.items() if k in fields}


def error_messages(html: str) -> list[str]:
    """The messages next to fields on a page."""
    return [m.strip() for m in re.findall(r'<p class="error"[^>]*><span class="visually-hidden">Error:</span>([^<]*)',
                                          html)]


def answer_step(client, posting_id: str, step: str, answers: dict, go: str = "next"):
    """GET the step (the first one at /apply/<id>) and POST ``answers`` with its hidden fields."""
    page = client.get(f"/apply/{posting_id}" if step == "contact" else f"/apply/{posting_id}/{step}")
    assert page.status_code == 200, (step, page.status_code, page.headers.get("Location"))
    return client.post(f"/apply/{posting_id}/{step}",
                       data={**hidden_fields(page.get_data(as_text=True)), **answers, "go": go})


def apply_in_steps(client, posting, *, send: bool = True, **overrides):
    """Every step of the application as a careful applicant answers it, then (``send``) check and send."""
    answers = apply_form(**overrides)
    for step in APPLY_STEPS:
        resp = answer_step(client, posting.id, step, step_answers(step, answers))
        assert resp.status_code == 303, (step, resp.status_code, error_messages(resp.get_data(as_text=True)))
    if not send:
        return resp
    page = client.get(f"/apply/{posting.id}/review")
    assert page.status_code == 200
    return client.post(f"/apply/{posting.id}", data={**hidden_fields(page.get_data(as_text=True)),
                                                     **step_answers("review", answers)})
