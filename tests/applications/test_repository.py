"""ApplicationRepository and submit_application on tables from infra/: one write per token, team listings."""
from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from tests.factories import make_answers, make_posting


def test_submission_creates_one_application_per_posting(runtime, main_table):
    repo = ApplicationRepository(main_table)
    postings = [make_posting(team="fulfillment-west"), make_posting(team="seasonal")]
    result = submit_application(runtime, postings, make_answers(), token="tok-two-postings")
    assert not result.duplicate
    assert len(result.application_ids) == 2
    stored = [repo.get(i) for i in result.application_ids]
    assert {a.posting_id for a in stored} == {p.id for p in postings}
    assert {a.submission_id for a in stored} == {result.reference}
    assert all(a.stage == "applied" and a.version == 1 for a in stored)


def test_the_same_token_twice_gives_the_first_submission_and_writes_nothing_new(runtime, main_table):
    repo = ApplicationRepository(main_table)
    posting = make_posting(team="team-dup")
    answers = make_answers()
    first = submit_application(runtime, [posting], answers, token="tok-dup")
    again = submit_application(runtime, [posting], answers, token="tok-dup")  # a retry sends what it sent before
    assert again.duplicate
    assert (again.reference, again.application_ids) == (first.reference, first.application_ids)
    assert [a.id for a in repo.list_for_team("team-dup", 50).items] == first.application_ids


def test_team_listing_is_newest_first_and_paged(runtime, main_table):
    repo = ApplicationRepository(main_table)
    posting = make_posting(team="team-paging")
    ids = [submit_application(runtime, [posting], make_answers(), token=f"tok-page-{n}").application_ids[0] for n in range(5)]
    page1 = repo.list_for_team("team-paging", 3)
    page2 = repo.list_for_team("team-paging", 3, page1.next_key)
    assert [a.id for a in page1.items + page2.items] == list(reversed(ids))
    assert page2.next_key is None
