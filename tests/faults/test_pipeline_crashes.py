"""The pipeline dying or refused at any call of a five-record batch: after the replays, every effect made once."""
import collections
import dataclasses
import functools
import itertools
import uuid

import pytest
from boto3.dynamodb.conditions import Key

from portal import clock, keys, pipeline
from portal.accounts.repository import AccountRepository
from portal.applications.models import INTERVIEW
from portal.applications.services import submit_application
from portal.applications.stages import move_stage
from portal.postings.repository import PostingRepository
from tests.factories import make_account, make_answers, make_posting
from tests.faults.conftest import Crash, Faults, dynamodb_client, failed
from tests.helpers import StreamTail, sent_mail

_tokens = itertools.count(1)


@dataclasses.dataclass
class Scenario:
    """One team's state just before the batch: a candidate moved to interview, and a new submission for two jobs."""

    team: str
    recruiters: list
    postings: list
    candidate: str  # application id, moved to interview by a recruiter
    candidate_email: str
    applicant_email: str
    applications: list  # the new submission's application ids, by rank
    event: dict


def drain(stream, handle) -> None:
    """Handle what the pipeline's own writes put on the stream until it is quiet (as Lambda would)."""
    for _ in range(10):
        event = stream.event()
        if not event["Records"]:
            return
        assert failed(handle(event)) == []
    raise AssertionError("the stream never went quiet")


def scenario(runtime, stream, handle) -> Scenario:
    team = f"crash-{uuid.uuid4().hex[:8]}"
    recruiters = [f"ana.{team}@example.com", f"ben.{team}@example.com"]
    for email in recruiters:
        AccountRepository(runtime.main_table).put(make_account(email, teams=[team]))
    postings = [make_posting(team=team, title=f"Crash Picker {team}"), make_posting(team=team, title="Crash Packer")]
    PostingRepository(runtime.main_table).put_many(postings)
    stream.records()  # the postings' own records publish the site: not what this test is about
    candidate_answers = make_answers()
    [candidate] = submit_application(runtime, postings[:1], candidate_answers, token=f"crash-{next(_tokens)}",
                                     status_page=False).application_ids
    drain(stream, handle)
    move_stage(runtime.applications, runtime.applications.get(candidate), INTERVIEW, by=recruiters[0],
               at=clock.iso(clock.now()))
    answers = make_answers()
    submitted = submit_application(runtime, postings, answers, token=f"crash-{next(_tokens)}")
    event = stream.event()
    assert len(event["Records"]) == 5, "the interview move, the submission marker, two applications, the status item"
    return Scenario(team, recruiters, postings, candidate, candidate_answers.contact.email, answers.contact.email,
                    submitted.application_ids, event)


def _subject(message) -> str:
    """A message's subject without what differs between runs (a reference, a job title)."""
    return message.subject.split(" (")[0].split(" for ")[0]


def outcome(runtime, s: Scenario) -> dict:
    """What the batch's effects leave, by role rather than id (to compare runs of different teams): stages, stage
    history, e-mail, and every counter and recruiter load that disagrees with the applications as they stand.

    Routing may differ between runs (a crash before a recruiter's load was counted sends the next application to
    them too), so counters are checked against the applications, not against fixed numbers."""
    table = runtime.main_table
    roles = {"candidate": s.candidate, "first": s.applications[0], "second": s.applications[1]}
    apps = {role: runtime.applications.get(i) for role, i in roles.items()}

    def history(application_id):
        items = table.query(KeyConditionExpression=Key("pk").eq(f"APP#{application_id}")
                            & Key("sk").begins_with(keys.HISTORY_PREFIX), ConsistentRead=True)["Items"]
        return [(i["from_stage"], i["to_stage"], int(i["version"])) for i in items]

    counted = collections.defaultdict(collections.Counter)
    load = collections.Counter({email: 0 for email in s.recruiters})
    for a in apps.values():
        for scope in (f"POSTING#{a.posting_id}", f"TEAM#{a.team}", f"MEMBER#{a.team}#{a.assignee}"):
            counted[scope].update({"total": 1, f"stage_{a.stage}": 1})
        load[a.assignee] += a.stage in keys.OPEN_STAGES
    scopes = ([f"POSTING#{p.id}" for p in s.postings] + [f"TEAM#{s.team}"]
              + [f"MEMBER#{s.team}#{e}" for e in s.recruiters])
    stored = {scope: {k: v for k, v in runtime.pipeline_effects.counters(scope).items() if v} for scope in scopes}
    loads = {m["email"]: int(m["open_count"]) for m in AccountRepository(table).list_members(s.team)}
    return {
        "stages": {role: (a.stage, a.version) for role, a in apps.items()},
        "unrouted": sorted(role for role, a in apps.items() if a.assignee not in s.recruiters),
        "history": {role: history(i) for role, i in roles.items()},
        "miscounted": {scope: (stored[scope], dict(counted[scope])) for scope in scopes
                       if stored[scope] != dict(counted[scope])},
        "misloaded": {email: (loads.get(email), n) for email, n in load.items() if loads.get(email) != n},
        "mail": {"applicant": [_subject(m) for m in sent_mail(s.applicant_email)],
                 "candidate": [_subject(m) for m in sent_mail(s.candidate_email)]},
    }


EXPECTED = {
    "stages": {"candidate": ("interview", 3), "first": ("screened", 2), "second": ("screened", 2)},
    "unrouted": [],
    "history": {"candidate": [("", "applied", 1), ("applied", "screened", 2), ("screened", "interview", 3)],
                "first": [("", "applied", 1), ("applied", "screened", 2)],
                "second": [("", "applied", 1), ("applied", "screened", 2)]},
    "miscounted": {},
    "misloaded": {},
    "mail": {"applicant": ["We received your application"], "candidate": ["Next step: an interview"]},
}


def replay_until_done(s: Scenario, handle) -> None:
    """Lambda sends the batch again until it succeeds: here the whole batch each time, the strictest redelivery."""
    for _ in range(3):
        if not failed(handle(s.event)):
            return
    raise AssertionError("the batch kept failing after the fault was gone")


@pytest.fixture(scope="module")
def clients(runtime):
    """Every client the pipeline calls for these records: the tables' and SES's."""
    return [dynamodb_client(runtime), runtime.mailer.ses]


@pytest.fixture(scope="module")
def tail(main_table):
    """One reader of the stream for the module: a new one reads the whole shard from its start."""
    return StreamTail(main_table.name)


def run(runtime, stream, handle, faults, clients, call: int, fault: str = "crash"):
    """A fresh scenario, its batch handled with the fault at ``call`` (0: none), then replayed until it succeeds;
    returns the fault's note (with every operation it counted) and the outcome."""
    s = scenario(runtime, stream, handle)
    note = faults.at_call(clients, call, fault)
    try:
        handle(s.event)
    except Crash:
        pass
    finally:
        faults.clear()
    replay_until_done(s, handle)
    drain(stream, handle)
    return note, outcome(runtime, s)


@pytest.fixture(scope="module")
def calls(runtime, tail, clients, verified_sender) -> tuple[list[str], dict]:
    """The operations the batch calls, in order, when nothing goes wrong (the outcome is checked by the test)."""
    note, found = run(runtime, tail, functools.partial(pipeline.handle_batch, runtime), Faults(), clients, 0)
    return note["ops"], found


def test_without_faults_each_effect_happens_once_and_a_redelivery_changes_nothing(calls):
    ops, found = calls
    assert found == EXPECTED, "after the batch, a redelivery of it, and the records its own writes made"
    assert ops.count("SendEmail") == 2 and ops.count("TransactWriteItems") == 3, ops


@pytest.mark.parametrize("fault", ["crash", "throttling"])
def test_a_fault_at_any_call_of_the_batch_leaves_every_effect_once_after_the_replays(runtime, tail, handle, faults,
                                                                                    clients, calls, fault):
    """"crash": the process dies before the call (so also just after the one before it: a crash after the last
    call is the test below); "throttling": the call is refused after the SDK's retries, the record reported failed.

    The one place an effect may be missing: a crash after an e-mail was claimed, before it was sent (the claim
    makes it at most once; see the strict xfail below)."""
    ops, _ = calls
    for call in range(1, len(ops) + 1):
        note, found = run(runtime, tail, handle, faults, clients, call, fault)
        assert note["hit"] == ops[call - 1], "the batch made the same calls"
        if fault == "crash" and ops[call - 1] == "SendEmail":
            assert all(len(sent) <= 1 for sent in found["mail"].values()), (call, "an e-mail sent twice")
            found["mail"] = EXPECTED["mail"]  # the one it had claimed may be missing
        assert found == EXPECTED, (call, ops[call - 1])


def test_a_crash_after_the_last_call_of_the_batch_changes_nothing_on_the_replay(runtime, tail, handle, faults, clients,
                                                                                calls):
    ops, _ = calls
    note, found = run(runtime, tail, handle, faults, clients, len(ops), "crash-after")
    assert note["hit"] == ops[-1] == "SendEmail"
    assert found == EXPECTED


@pytest.mark.xfail(strict=True, reason="known: an e-mail is claimed before it is sent (at most once), so a process "
                                       "that dies between the claim and SES's answer never sends it")
def test_a_crash_between_claiming_an_e_mail_and_sending_it_still_sends_it(runtime, tail, handle, faults, clients,
                                                                          calls):
    ops, _ = calls
    first_send = ops.index("SendEmail") + 1
    _, found = run(runtime, tail, handle, faults, clients, first_send, "crash")
    assert found["mail"] == EXPECTED["mail"]
