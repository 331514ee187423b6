"""PostingRepository on a table created from infra/: round trips, the sparse published index, paging."""
from portal.postings.models import CLOSED, DRAFT, Posting
from portal.postings.repository import PostingRepository
from tests.factories import make_posting, make_remote_posting


def test_round_trip_keeps_every_field(main_table):
    repo = PostingRepository(main_table)
    for posting in (make_posting(), make_remote_posting(employment_types=["FULL_TIME", "PART_TIME"])):
        repo.put(posting)
        assert repo.get(posting.id) == posting


def test_missing_posting_is_none(main_table):
    assert PostingRepository(main_table).get("no-such-posting") is None


def test_only_published_postings_are_listed_newest_first_and_paged(main_table):
    repo = PostingRepository(main_table)
    published = [make_posting(date_posted=f"2026-10-{day:02d}") for day in range(1, 8)]
    repo.put_many(published + [make_posting(status=DRAFT), make_posting(status=CLOSED)])
    seen: list[Posting] = []
    start = None
    while True:
        page = repo.list_published(3, start)
        assert len(page.items) <= 3
        seen += page.items
        if page.next_key is None:
            break
        start = page.next_key
    ids = [p.id for p in seen]
    assert set(ids) >= {p.id for p in published}
    assert all(p.status == "published" for p in seen)
    dates = [p.date_posted for p in seen]
    assert dates == sorted(dates, reverse=True)
