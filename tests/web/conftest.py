"""Fixtures of the web tests: postings of each kind to apply to."""
from __future__ import annotations

import pytest

from portal.postings.repository import PostingRepository
from tests.factories import make_posting, make_remote_posting


@pytest.fixture(scope="module")
def three_postings(main_table):
    """An on-site picker in Kent WA, a remote role for WA/OR/TX, and a second on-site role."""
    postings = [make_posting(title="Kent Picker", team="fulfillment-west"),
                make_remote_posting(title="Remote Support Agent", team="customer-service", benefits_hours=25),
                make_posting(title="Kent Packer", team="fulfillment-west")]
    PostingRepository(main_table).put_many(postings)
    return postings
