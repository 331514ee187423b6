"""Fixtures of the pipeline tests: the handler on this module's runtime, its stream, teams, postings, submissions."""
from __future__ import annotations

import itertools
import uuid

import pytest

from portal import pipeline
from portal.accounts.repository import AccountRepository
from portal.applications.services import submit_application
from portal.mail import verify_sender
from portal.postings.repository import PostingRepository
from tests.factories import make_account, make_answers, make_posting
from tests.helpers import StreamTail

_tokens = itertools.count(1)


@pytest.fixture(scope="module", autouse=True)
def verified_sender(runtime):
    verify_sender(runtime.client("ses"), runtime.settings.mail_from)


@pytest.fixture
def stream(main_table):
    return StreamTail(main_table.name)


@pytest.fixture
def handle(runtime):
    def run(event: dict) -> dict:
        return pipeline.handle_batch(runtime, event)

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
def submit(runtime):
    """Submit applications through the apply service (the real write path, without a status page); returns their ids."""
    def run(postings, answers=None) -> list[str]:
        result = submit_application(runtime, postings, answers or make_answers(),
                                    token=f"pipeline-{next(_tokens)}-{uuid.uuid4().hex[:6]}", status_page=False)
        return result.application_ids

    return run
