"""Posting rules called directly on the moto stack: what is open, what the public sees, team checks, team lists, expiry."""
import dataclasses
import datetime
import uuid

from portal import clock, keys
from portal.accounts.models import Team
from portal.postings import services
from portal.postings.models import CLOSED, DRAFT, PUBLISHED
from tests.factories import make_account, make_posting

# close_expired reads the whole published index of this module's table: only its own tests date postings this early;
# every other posting here has no closing date, so no test's postings are closed by another's expiry run.
EXPIRY_NOW = datetime.datetime(2001, 3, 15, 9, 30, tzinfo=datetime.timezone.utc)


def _team() -> str:
    return f"svc-{uuid.uuid4().hex[:8]}"


def _posting(**overrides):
    """A posting with fixed dates (the factory's defaults follow the wall clock)."""
    return make_posting(**{"date_posted": "2030-05-01", "valid_through": "", **overrides})


def _item(runtime, posting_id: str) -> dict:
    return runtime.main_table.get_item(Key=keys.posting(posting_id))["Item"]


def test_a_posting_is_open_while_published_up_to_and_including_its_last_day():
    today = datetime.date(2030, 6, 14)
    assert services.is_open(_posting(valid_through="2030-06-14"), today)
    assert services.is_open(_posting(valid_through="2030-06-15"), today)
    assert services.is_open(_posting(valid_through=""), today), "no closing date: open until closed"
    assert not services.is_open(_posting(valid_through="2030-06-13"), today)
    assert not services.is_open(_posting(status=DRAFT), today)
    assert not services.is_open(_posting(status=CLOSED, valid_through="2030-12-31"), today)


def test_the_public_sees_published_and_closed_postings_but_never_a_draft(runtime):
    team = _team()
    published, closed, draft = (_posting(team=team, status=s) for s in (PUBLISHED, CLOSED, DRAFT))
    runtime.postings.put_many([published, closed, draft])
    assert services.get_public_posting(runtime, published.id) == published
    assert services.get_public_posting(runtime, closed.id) == closed, "a closed job's page stays"
    assert services.get_public_posting(runtime, draft.id) is None
    assert services.get_public_posting(runtime, "no-such-posting") is None


def test_another_teams_posting_looks_like_a_missing_one_except_to_an_admin(runtime):
    mine, theirs = _team(), _team()
    own, other = _posting(team=mine), _posting(team=theirs, status=DRAFT)
    runtime.postings.put_many([own, other])
    recruiter = make_account(f"{mine}@example.com", teams=[mine])
    assert services.posting_for(runtime, recruiter, own.id) == own
    assert services.posting_for(runtime, recruiter, other.id) is None
    assert services.posting_for(runtime, recruiter, "no-such-posting") is None
    admin = make_account(f"admin-{mine}@example.com", role="admin", teams=[])
    assert services.posting_for(runtime, admin, other.id) == other


def test_postings_of_teams_merges_only_those_teams_newest_first_and_keeps_to_the_limit(runtime):
    a, b, elsewhere = _team(), _team(), _team()
    a_new = _posting(team=a, date_posted="2030-05-03")
    a_old = _posting(team=a, date_posted="2030-05-01", status=CLOSED)
    b_mid = _posting(team=b, date_posted="2030-05-02")
    # A draft has no date_posted yet: it is placed by when it was created.
    b_draft = _posting(team=b, status=DRAFT, date_posted="", created_at="2030-05-04T09:00:00Z")
    runtime.postings.put_many([a_old, b_mid, a_new, b_draft, _posting(team=elsewhere, date_posted="2030-05-09")])
    teams = [Team(a, "A"), Team(b, "B")]
    assert [p.id for p in services.postings_of_teams(runtime, teams)] == [b_draft.id, a_new.id, b_mid.id, a_old.id]
    assert [p.id for p in services.postings_of_teams(runtime, teams, limit=2)] == [b_draft.id, a_new.id]
    assert [p.id for p in services.team_postings(runtime, a)] == [a_new.id, a_old.id]


def test_close_expired_closes_only_published_postings_past_their_last_day(runtime):
    team = _team()
    expired = _posting(team=team, date_posted="2001-02-01", valid_through="2001-03-14")
    last_day = _posting(team=team, date_posted="2001-02-01", valid_through="2001-03-15")
    open_ended = _posting(team=team, date_posted="2001-02-01", valid_through="")
    draft = _posting(team=team, status=DRAFT, date_posted="", created_at="2001-01-01T00:00:00Z",
                     valid_through="2001-03-01")
    runtime.postings.put_many([expired, last_day, open_ended, draft])
    mine = {expired.id, last_day.id, open_ended.id, draft.id}

    closed = services.close_expired(runtime, EXPIRY_NOW)

    assert mine & set(closed) == {expired.id}
    assert runtime.postings.get(expired.id) == dataclasses.replace(expired, status=CLOSED,
                                                                   updated_at=clock.iso(EXPIRY_NOW))
    assert "gsi1pk" not in _item(runtime, expired.id), "a closed posting leaves the public listing"
    assert expired.id in {p.id for p in services.team_postings(runtime, team)}, "but stays in its team's list"
    assert [runtime.postings.get(p.id).status for p in (last_day, open_ended, draft)] == [PUBLISHED, PUBLISHED, DRAFT]
    assert services.close_expired(runtime, EXPIRY_NOW) == [], "a second run finds nothing left to close"


def test_close_expired_leaves_a_posting_changed_after_it_was_listed(runtime, monkeypatch):
    team = _team()
    extended = _posting(team=team, date_posted="2001-02-01", valid_through="2001-03-10")
    closed_by_hand = _posting(team=team, date_posted="2001-02-01", valid_through="2001-03-11")
    runtime.postings.put_many([extended, closed_by_hand])
    repo = runtime.postings
    listed_ids: list[str] = []
    list_expired = repo.published_expired_before

    def listed_then_changed(day):
        listed_ids.extend(list_expired(day))
        # A recruiter moves one closing date on and closes the other between the listing and the closes.
        repo.put(dataclasses.replace(extended, valid_through="2001-04-30", updated_at="2001-03-15T09:29:00Z"))
        repo.put(dataclasses.replace(closed_by_hand, status=CLOSED, updated_at="2001-03-15T09:29:00Z"))
        return listed_ids

    monkeypatch.setattr(repo, "published_expired_before", listed_then_changed)
    closed = services.close_expired(runtime, EXPIRY_NOW)

    assert {extended.id, closed_by_hand.id} <= set(listed_ids), "both were listed as expired"
    assert not {extended.id, closed_by_hand.id} & set(closed)
    kept = repo.get(extended.id)
    assert (kept.status, kept.valid_through, kept.updated_at) == (PUBLISHED, "2001-04-30", "2001-03-15T09:29:00Z")
    assert repo.get(closed_by_hand.id).updated_at == "2001-03-15T09:29:00Z", "not closed a second time"
