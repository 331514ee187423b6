"""New applications through the handler, fed Lambda-shaped events from the table's stream: scored, routed, counted, once."""
import copy

import pytest
from boto3.dynamodb.conditions import Key
from botocore.awsrequest import AWSResponse

from portal import keys
from portal.accounts.repository import AccountRepository
from portal.pipeline.repository import PipelineRepository
from tests.factories import make_answers, make_posting, make_remote_posting
from tests.helpers import sent_mail


def _app(table, application_id):
    return table.get_item(Key=keys.application(application_id), ConsistentRead=True)["Item"]


def _counters(table, scope):
    return PipelineRepository(table, 0).counters(scope)


def _load(table, team):
    return {m["email"]: int(m["open_count"]) for m in AccountRepository(table).list_members(team) if m.get("active")}


def _history(table, application_id):
    return table.query(KeyConditionExpression=Key("pk").eq(f"APP#{application_id}")
                       & Key("sk").begins_with(keys.HISTORY_PREFIX), ConsistentRead=True)["Items"]


def test_a_new_application_is_scored_with_reasons_routed_and_counted(main_table, stream, handle, posting,
                                                                      recruiters, submit, team):
    [application_id] = submit([posting])
    assert handle(stream.event()) == {"batchItemFailures": []}

    item = _app(main_table, application_id)
    assert item["stage"] == "screened" and item["moved_by"] == "pipeline" and int(item["version"]) == 2
    assert 0 <= int(item["score"]) <= 100
    assert "all 30 hours" in item["fit_reasons"] and "days match; not weekends" in item["fit_reasons"]
    assert item["assignee"] == recruiters[0]
    assert item["gsi3pk"] == keys.assignee_partition(recruiters[0])
    assert item["gsi4pk"] == keys.team_fit_partition(team, "screened")
    assert _counters(main_table, f"POSTING#{posting.id}") == {"total": 1, "stage_applied": 0, "stage_screened": 1}
    assert _counters(main_table, f"TEAM#{team}")["stage_screened"] == 1
    assert _counters(main_table, f"MEMBER#{team}#{recruiters[0]}") == {"total": 1, "stage_screened": 1}
    assert _load(main_table, team) == {recruiters[0]: 1, recruiters[1]: 0}


def test_applications_go_to_the_least_loaded_active_recruiter(main_table, stream, handle, posting, recruiters, submit,
                                                              team):
    ids = submit([posting]) + submit([posting]) + submit([posting])
    assert handle(stream.event())["batchItemFailures"] == []
    assignees = [_app(main_table, i)["assignee"] for i in ids]
    assert assignees == [recruiters[0], recruiters[1], recruiters[0]]
    assert _load(main_table, team) == {recruiters[0]: 2, recruiters[1]: 1}


def test_a_remote_applicant_from_a_state_not_accepted_is_put_on_hold_not_rejected(main_table, stream, handle, team,
                                                                                   recruiters, submit):
    remote = make_remote_posting(team=team, remote_states=["TX", "OR"])
    from portal.postings.repository import PostingRepository
    PostingRepository(main_table).put(remote)
    [application_id] = submit([remote])  # the factory's applicant lives in WA
    handle(stream.event())
    item = _app(main_table, application_id)
    assert item["stage"] == "on_hold"
    assert "OR, TX" in item["hold_reason"] and item["stage_reason"] == item["hold_reason"]
    assert "lives in WA, outside the states this remote role accepts" in item["fit_reasons"]
    assert item["gsi2pk"] == keys.team_stage_partition(team, "on_hold")


def test_handling_the_same_batch_twice_changes_nothing(main_table, stream, handle, posting, recruiters, submit, team):
    ids = submit([posting]) + submit([posting])
    event = stream.event()
    handle(event)
    before = ([_app(main_table, i) for i in ids], _counters(main_table, f"POSTING#{posting.id}"), _load(main_table, team),
              [_history(main_table, i) for i in ids])
    assert handle(copy.deepcopy(event)) == {"batchItemFailures": []}
    # The screening moves produced MODIFY records; they find their transitions recorded already.
    assert handle(stream.event()) == {"batchItemFailures": []}
    after = ([_app(main_table, i) for i in ids], _counters(main_table, f"POSTING#{posting.id}"), _load(main_table, team),
             [_history(main_table, i) for i in ids])
    assert after == before
    assert before[1] == {"total": 2, "stage_applied": 0, "stage_screened": 2}
    assert [[h["to_stage"] for h in history] for history in before[3]] == [["applied", "screened"]] * 2


def test_records_of_different_items_are_handled_in_either_order(main_table, stream, handle, posting, recruiters,
                                                                submit, team):
    ids = submit([posting]) + submit([posting])
    records = stream.records()
    handle({"Records": list(reversed(records))})
    assert {_app(main_table, i)["stage"] for i in ids} == {"screened"}
    assert _counters(main_table, f"POSTING#{posting.id}")["stage_screened"] == 2
    assert sorted(_load(main_table, team).values()) == [1, 1]


def test_a_poison_record_fails_alone_and_succeeds_once_its_cause_is_fixed(main_table, stream, handle, team,
                                                                          recruiters, submit):
    from portal.postings.repository import PostingRepository

    good, missing = make_posting(team=team), make_posting(team=team)
    PostingRepository(main_table).put(good)
    first = submit([good])
    [poison] = submit([missing])  # its posting is not in the table (yet)
    last = submit([good])
    event = stream.event()
    poison_seq = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]
                  if r["dynamodb"]["Keys"]["pk"]["S"] == f"APP#{poison}"]
    result = handle(event)
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == poison_seq
    assert [_app(main_table, i)["stage"] for i in first + last] == ["screened", "screened"]
    assert _app(main_table, poison)["stage"] == "applied"

    PostingRepository(main_table).put(missing)
    assert handle(event) == {"batchItemFailures": []}  # Lambda retries; the others are no-ops now
    assert _app(main_table, poison)["stage"] == "screened"
    total = sum(_counters(main_table, f"POSTING#{p.id}")["total"] for p in (good, missing))
    assert total == 3
    assert sum(_load(main_table, team).values()) == 3


def _throttle(runtime, operation: str, times: int):
    """Make the next ``times`` calls of a DynamoDB operation answer ProvisionedThroughputExceededException."""
    events = runtime.aws.dynamodb.meta.client.meta.events
    left = {"n": times}

    def refuse(request, **kwargs):
        if left["n"] <= 0:
            return None
        left["n"] -= 1
        body = b'{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",' \
               b'"message":"Rate of requests exceeds the allowed throughput."}'
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(body))

    events.register(f"before-send.dynamodb.{operation}", refuse)
    return lambda: events.unregister(f"before-send.dynamodb.{operation}", refuse)


class _Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


@pytest.mark.parametrize("times", [2, 50], ids=["retried", "reported"])
def test_a_throttled_write_is_retried_or_reported_without_losing_or_double_counting(runtime, main_table, stream, handle,
                                                                                   posting, recruiters, submit, team,
                                                                                   times):
    [application_id] = submit([posting])
    event = stream.event()
    stop = _throttle(runtime, "TransactWriteItems", times)
    try:
        result = handle(event)
    finally:
        stop()
    if times == 2:  # within the client's retries: nobody notices
        assert result == {"batchItemFailures": []}
    else:
        [insert] = [r["dynamodb"]["SequenceNumber"] for r in event["Records"] if r["dynamodb"]["Keys"]["sk"]["S"] == "APP"]
        assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == [insert]
        # The screening move went through; its counting did not, all of it: nothing is counted yet.
        assert _counters(main_table, f"POSTING#{posting.id}") == {}
        assert handle(event) == {"batchItemFailures": []}  # Lambda's retry
    handle(stream.event())
    assert _app(main_table, application_id)["stage"] == "screened"
    assert _counters(main_table, f"POSTING#{posting.id}") == {"total": 1, "stage_applied": 0, "stage_screened": 1}
    assert sum(_load(main_table, team).values()) == 1


def test_foreign_and_malformed_records_are_skipped_without_failing_the_batch(main_table, stream, handle, posting,
                                                                            recruiters, submit, caplog):
    [application_id] = submit([posting])
    [real] = [r for r in stream.records() if r["dynamodb"]["Keys"]["sk"]["S"] == "APP"]
    other_table = copy.deepcopy(real)
    other_table["eventSourceARN"] = real["eventSourceARN"].replace(f"table/{main_table.name}/", "table/other/")
    foreign = {**copy.deepcopy(real), "eventSource": "aws:kinesis"}
    no_sequence = copy.deepcopy(real)
    del no_sequence["dynamodb"]["SequenceNumber"]
    bad_image = copy.deepcopy(real)
    bad_image["dynamodb"]["NewImage"] = {"pk": {"X": "?"}}
    unknown_shape = copy.deepcopy(real)
    del unknown_shape["dynamodb"]["NewImage"]["posting_id"]
    batch = [other_table, foreign, "not a record", no_sequence, bad_image, {"eventName": "INSERT"}, unknown_shape,
             real]
    assert handle({"Records": batch}) == {"batchItemFailures": []}
    assert _app(main_table, application_id)["stage"] == "screened"
    skipped = [r for r in caplog.records if "skipped record" in r.getMessage()]
    assert len(skipped) == 7
    assert not any(application_id in r.getMessage() or "sam." in r.getMessage() for r in caplog.records)
    assert handle({"Nothing": []}) == {"batchItemFailures": []}


def test_no_mail_is_sent_for_screening(main_table, stream, handle, posting, recruiters, submit):
    answers = make_answers()
    submit([posting], answers)
    handle(stream.event())
    handle(stream.event())
    assert sent_mail(answers.contact.email) == []


def test_on_lambda_the_handler_builds_its_runtime_once_from_the_environment(monkeypatch, stack, main_table, stream,
                                                                            posting, recruiters, submit):
    import portal.pipeline
    from portal.runtime import process_runtime

    monkeypatch.setenv("PORTAL_STACK_NAME", stack["StackName"])
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)  # no step of screening signs anything
    process_runtime.cache_clear()
    try:
        [application_id] = submit([posting])
        assert portal.pipeline.handle(stream.event(), None) == {"batchItemFailures": []}
        built = process_runtime()
        assert built.settings.main_table == main_table.name
        assert portal.pipeline.handle(stream.event(), None) == {"batchItemFailures": []}
        assert process_runtime() is built
        assert "secret_key" not in vars(built), "screening and routing never read the web secret"
    finally:
        process_runtime.cache_clear()
    assert _app(main_table, application_id)["stage"] == "screened"
