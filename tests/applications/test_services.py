"""Applying, called directly on the moto stack: postings per submission, idempotency, rate limits, hostile answers."""
import dataclasses
import datetime
import uuid

import pytest

from portal import clock
from portal.applications import services, status
from portal.applications.repository import DuplicateSubmission
from portal.applications.services import NotStored, RateLimited, TooManyPostings, submit_application
from portal.postings.models import CLOSED, DRAFT
from tests.factories import make_answers, make_posting, make_remote_posting
from tests.helpers import with_settings

NOW = datetime.datetime(2026, 11, 20, 10, 30, tzinfo=datetime.timezone.utc)
TODAY = NOW.date()


def _team() -> str:
    return f"svc-{uuid.uuid4().hex[:8]}"


def _token() -> str:
    return f"tok-{uuid.uuid4().hex}"


def _team_ids(runtime, team) -> list[str]:
    return [a.id for a in runtime.applications.list_for_team(team, 50).items]


@pytest.fixture
def fixed_clock(monkeypatch):
    """The rate-limit windows (hour, day) come from clock.now(): pinned, so no test straddles a window."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


def test_a_submission_writes_ranked_applications_with_distances_and_a_status_item(runtime):
    team = _team()
    onsite, remote = make_posting(team=team), make_remote_posting(team=team)
    answers = make_answers()
    result = submit_application(runtime, [remote, onsite], answers, token=_token(), resume_key="resumes/x/y")
    found = runtime.applications.get_many(result.application_ids, consistent=True)
    stored = [found[i] for i in result.application_ids]
    assert [(a.posting_id, a.rank) for a in stored] == [(remote.id, 1), (onsite.id, 2)]
    assert stored[0].distance_miles is None, "no distance to a remote role"
    assert 10 <= stored[1].distance_miles <= 20, "Seattle 98101 to the Kent site is about 14 miles"
    assert {a.resume_key for a in stored} == {"resumes/x/y"}
    view = status.load(runtime, result.status_token)
    assert view.submission_id == result.reference
    assert view.item["contact_email"] == answers.contact.email
    assert view.item["posting_titles"] == [remote.title, onsite.title]
    assert view.item["teams"] == [team]
    assert view.item["resume_key"] == "resumes/x/y"


@pytest.mark.parametrize("how_many, twice, message", [
    (0, False, "Choose from 1 to 5 jobs."),
    (6, False, "Choose from 1 to 5 jobs."),
    (2, True, "Each job can be chosen once."),
])
def test_a_submission_needs_one_to_five_different_postings_and_nothing_is_written_otherwise(
        runtime, how_many, twice, message):
    team = _team()
    postings = [make_posting(team=team) for _ in range(how_many)]
    if twice:
        postings[1] = postings[0]
    token = _token()
    with pytest.raises(TooManyPostings) as refused:
        submit_application(runtime, postings, make_answers(), token=token)
    assert str(refused.value) == message
    assert runtime.applications.get_submission(token) is None
    assert _team_ids(runtime, team) == []


def test_the_same_key_and_answers_again_give_the_first_submission_and_write_nothing_new(runtime):
    team = _team()
    posting, answers, token = make_posting(team=team), make_answers(), _token()
    first = submit_application(runtime, [posting], answers, token=token)
    again = submit_application(runtime, [posting], dataclasses.replace(answers), token=token)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert (again.reference, again.application_ids, again.status_token) == \
        (first.reference, first.application_ids, first.status_token)
    assert _team_ids(runtime, team) == first.application_ids


def test_the_same_key_with_other_answers_never_hands_back_the_first_applicants_submission(runtime):
    team = _team()
    posting, token = make_posting(team=team), _token()
    first_answers = make_answers(name="First Applicant")
    first = submit_application(runtime, [posting], first_answers, token=token)
    for other in ([posting], make_answers(name="Someone Else")), ([make_posting(team=team)], first_answers):
        with pytest.raises(services.TokenReused):
            submit_application(runtime, other[0], other[1], token=token)
    with pytest.raises(services.TokenReused):  # the same answers with another résumé are another submission too
        submit_application(runtime, [posting], first_answers, token=token, resume_key="resumes/other/key")
    assert _team_ids(runtime, team) == first.application_ids
    stored = runtime.applications.get_many(first.application_ids, consistent=True)[first.application_ids[0]]
    assert stored.contact.name == "First Applicant"


def test_over_a_rate_limit_nothing_is_written_a_retry_finds_the_first_and_no_address_is_stored(runtime, fixed_clock):
    team = _team()
    ip = f"198.51.100.7-{uuid.uuid4().hex[:6]}"
    limited = with_settings(runtime, apply_limit_per_email_day=1, apply_limit_per_ip_hour=2)
    limits = services.rate_limits(limited, ip)
    answers, token, posting = make_answers(), _token(), make_posting(team=team)
    first = submit_application(limited, [posting], answers, token=token, limits=limits)

    with pytest.raises(RateLimited) as per_email:
        submit_application(limited, [make_posting(team=team)], answers, token=_token(), limits=limits)
    assert per_email.value.kind == "EMAIL"
    retry = submit_application(limited, [posting], answers, token=token, limits=limits)
    assert retry.duplicate and retry.application_ids == first.application_ids, "a double click is not over a limit"

    submit_application(limited, [make_posting(team=team)], make_answers(), token=_token(), limits=limits)
    refused_token = _token()
    with pytest.raises(RateLimited) as per_ip:
        submit_application(limited, [make_posting(team=team)], make_answers(), token=refused_token, limits=limits)
    assert per_ip.value.kind == "IP"
    assert runtime.applications.get_submission(refused_token) is None
    assert len(_team_ids(runtime, team)) == 2
    for counter in limits.counters(answers.contact.email, NOW):  # keyed hashes: neither address is stored
        item = runtime.main_table.get_item(Key=counter.key, ConsistentRead=True)["Item"]
        assert int(item["n"]) == {"EMAIL": 1, "IP": 2}[counter.kind]
        assert ip not in str(item) and answers.contact.email not in str(item)
    assert services.rate_limits(runtime, "").client_ip == "unknown"


def test_hostile_text_in_the_answers_is_stored_as_given_and_never_interpreted(runtime):
    team = _team()
    name = '<script>alert(1)</script> =HYPERLINK("x") \x00\x07\u202e'
    answers = make_answers(name=name)
    result = submit_application(runtime, [make_posting(team=team)], answers, token=_token())
    stored = runtime.applications.get(result.application_ids[0])
    assert stored.contact.name == name
    assert status.load(runtime, result.status_token).item["contact_name"] == name


def test_an_answer_too_large_for_the_store_is_refused_whole(runtime):
    team = _team()
    token = _token()
    answers = make_answers(name="x" * 420_000)  # beyond DynamoDB's 400 KB item
    with pytest.raises(NotStored):
        submit_application(runtime, [make_posting(team=team)], answers, token=token)
    assert runtime.applications.get_submission(token) is None
    assert _team_ids(runtime, team) == []


def test_remote_postings_name_the_states_they_take_and_benefit_thresholds_are_notes():
    remote = make_remote_posting(title="Remote Agent", remote_states=["WA", "OR"])
    anywhere = make_remote_posting(title="Anywhere Agent", remote_states=[])
    onsite = make_posting(title="Kent Picker", benefits_hours=25)
    assert services.location_problems([remote, anywhere, onsite], "CA") == [
        "Remote Agent is open only to people living in WA, OR; your ZIP code is in California."]
    assert services.location_problems([remote], "OR") == []
    assert services.benefits_notes([onsite, remote], 20) == [
        "Kent Picker: benefits start from 25 hours a week, and you chose at most 20."]
    assert services.benefits_notes([onsite], 25) == []


def test_further_choices_are_taken_once_in_order_and_each_unavailable_one_is_explained(runtime):
    team = _team()
    first, second, third = (make_posting(team=team, valid_through="2026-12-31") for _ in range(3))
    expired = make_posting(team=team, valid_through="2026-11-19")
    draft = make_posting(team=team, status=DRAFT, valid_through="2026-12-31")
    runtime.postings.put_many([first, second, third, expired, draft])
    ids = [third.id, first.id, second.id, third.id, expired.id, draft.id, "no-such-posting"]
    chosen, problems = services.more_postings(runtime, ids, first, TODAY)
    assert [p.id for p in chosen] == [third.id, second.id]
    assert sorted(problems) == [4, 5, 6]
    assert set(problems.values()) == {"That job no longer takes applications. Choose another, or none."}


def test_other_open_postings_leave_out_the_first_and_those_not_open(runtime):
    team = _team()
    first, other = make_posting(team=team, valid_through="2026-12-31"), make_posting(team=team, valid_through="")
    expired = make_posting(team=team, valid_through="2026-11-19")
    closed = make_posting(team=team, status=CLOSED, valid_through="2026-12-31")
    runtime.postings.put_many([first, other, expired, closed])
    offered = {p.id for p in services.other_open_postings(runtime, first, TODAY)}
    assert other.id in offered
    assert not offered & {first.id, expired.id, closed.id}
