"""Fixtures of the apply tests: postings of each kind, and a helper that applies through the form."""
from __future__ import annotations

import re

import pytest

from portal.postings.repository import PostingRepository
from tests.factories import apply_form, make_posting, make_remote_posting
from tests.helpers import hidden_fields


@pytest.fixture(scope="module")
def three_postings(main_table):
    """An on-site picker in Kent WA, a remote role for WA/OR/TX, and a second on-site role."""
    postings = [make_posting(title="Kent Picker", team="fulfillment-west"),
                make_remote_posting(title="Remote Support Agent", team="customer-service", benefits_hours=25),
                make_posting(title="Kent Packer", team="fulfillment-west")]
    PostingRepository(main_table).put_many(postings)
    return postings


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
