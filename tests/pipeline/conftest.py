"""Fixtures of the pipeline tests: the handler in an app on this module's stack, its stream, teams, sent mail."""
from __future__ import annotations

import itertools
import uuid

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from portal import pipeline
from portal.accounts.repository import AccountRepository
from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from portal.mail import verify_sender
from portal.pipeline.streams import lambda_record, read_after, shard_ids, stream_arn
from portal.postings.repository import PostingRepository
from tests.factories import make_account, make_answers, make_posting

_tokens = itertools.count(1)


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


@pytest.fixture(scope="module", autouse=True)
def verified_sender(app):
    verify_sender(boto3.client("ses"), app.config["MAIL_FROM"])


@pytest.fixture
def stream(main_table):
    return StreamTail(main_table.name)


@pytest.fixture
def handle(app):
    def run(event: dict) -> dict:
        with app.app_context():
            return pipeline.handle(event, None)

    return run


@pytest.fixture
def team():
    """A team of its own for each test, with two active recruiters and one inactive."""
    return f"team-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def recruiters(main_table, team):
    accounts = AccountRepository(main_table)
    emails = [f"ana.{team}@example.com", f"ben.{team}@example.com"]
    for email in emails:
        accounts.put(make_account(email, teams=[team]))
    accounts.put(make_account(f"old.{team}@example.com", teams=[team], active=False))
    return emails


@pytest.fixture
def posting(main_table, team):
    found = make_posting(team=team, hours_min=20, hours_max=30, shifts=["day", "weekend"])
    PostingRepository(main_table).put(found)
    return found


@pytest.fixture
def submit(main_table):
    """Submit applications through the apply service (the real write path); returns their ids."""
    def run(postings, answers=None) -> list[str]:
        result = submit_application(ApplicationRepository(main_table), postings, answers or make_answers(),
                                    token=f"pipeline-{next(_tokens)}-{uuid.uuid4().hex[:6]}")
        return result.application_ids

    return run


def sent_mail(to: str) -> list:
    """What the emulator's SES accepted for this address (the emulator runs in this process)."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [m for m in backend.sent_messages if to in getattr(m, "destinations", {}).get("ToAddresses", [])]
