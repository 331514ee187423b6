"""The public job listing and posting pages, served from DynamoDB in this slice."""
import re

from portal.postings.models import CLOSED, DRAFT
from portal.postings.repository import PostingRepository
from tests.factories import make_posting, make_remote_posting


def test_jobs_lists_published_postings_across_pages(app, client, main_table):
    repo = PostingRepository(main_table)
    published = [make_posting() for _ in range(app.config["PAGE_SIZE"] + 5)]
    draft = make_posting(status=DRAFT)
    repo.put_many(published + [draft])
    ids, url = [], "/jobs/"
    while url:
        html = client.get(url).get_data(as_text=True)
        ids += re.findall(r'href="/jobs/([^/"]+)/"', html)
        nxt = re.search(r'href="(/jobs/\?page=[^"]+)" rel="next"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert set(ids) == {p.id for p in published}
    assert draft.id not in ids


def test_a_tampered_page_cursor_is_refused(client):
    assert client.get("/jobs/?page=eyJwayI6IngifQ.bad").status_code == 400


def test_posting_page_shows_the_facts_and_an_apply_button(client, main_table):
    posting = make_remote_posting(remote_states=["OR", "WA"])
    PostingRepository(main_table).put(posting)
    html = client.get(f"/jobs/{posting.id}/").get_data(as_text=True)
    assert posting.title in html
    assert "$18.50–$20.00 an hour" in html
    assert "20–30 hours a week" in html
    assert "OR, WA" in html
    assert "Benefits from 20 hours a week" in html
    assert f'href="/apply/{posting.id}"' in html
    assert "noindex" not in html


def test_closed_posting_page_stays_says_closed_and_is_noindex(client, main_table):
    posting = make_posting(status=CLOSED)
    PostingRepository(main_table).put(posting)
    resp = client.get(f"/jobs/{posting.id}/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "This job is closed" in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'href="/apply/{posting.id}"' not in html


def test_draft_and_unknown_postings_are_404(client, main_table):
    draft = make_posting(status=DRAFT)
    PostingRepository(main_table).put(draft)
    assert client.get(f"/jobs/{draft.id}/").status_code == 404
    assert client.get("/jobs/nothing-here/").status_code == 404
