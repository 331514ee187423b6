"""The public job listing and posting pages, as a visitor gets them: pre-rendered into the site bucket and served."""
import pytest

from portal.postings.models import CLOSED, DRAFT
from tests.factories import make_posting, make_remote_posting
from tests.helpers import Site


@pytest.fixture(scope="module")
def site(app, stack) -> Site:
    return Site(app, stack)


def test_jobs_lists_published_postings_across_pages(app, site):
    published = [make_posting() for _ in range(app.extensions["portal"].settings.page_size + 5)]
    draft = make_posting(status=DRAFT)
    site.put(*published, draft)
    site.build()
    ids = site.listing_ids("/jobs/")
    assert set(ids) == {p.id for p in published}
    assert draft.id not in ids


def test_posting_page_shows_the_facts_and_an_apply_button(site):
    posting = make_remote_posting(remote_states=["OR", "WA"], programmes=["tuition"])
    site.put(posting)
    site.publish(posting.id)
    html = site.html(f"/jobs/{posting.id}/")
    assert posting.title in html
    assert "$18.50–$20.00 an hour" in html
    assert "20–30 hours a week" in html
    assert "Day, Night" in html
    assert "OR, WA" in html
    assert "Benefits from 20 hours a week" in html
    assert "Tuition assistance" in html
    assert f'href="/apply/{posting.id}"' in html
    assert "noindex" not in html


def test_closed_posting_page_stays_says_closed_and_is_noindex(site):
    posting = make_posting()
    site.put(posting)
    site.publish(posting.id)
    posting.status = CLOSED
    site.put(posting)
    site.publish(posting.id)
    resp = site.get(f"/jobs/{posting.id}/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "This job is closed" in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'href="/apply/{posting.id}"' not in html


def test_draft_and_unknown_postings_are_404(site):
    draft = make_posting(status=DRAFT)
    site.put(draft)
    site.publish(draft.id)
    assert site.get(f"/jobs/{draft.id}/").status_code == 404
    assert site.get("/jobs/nothing-here/").status_code == 404
