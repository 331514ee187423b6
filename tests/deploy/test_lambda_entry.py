"""portal.lambda_entry: stream batches go to the pipeline, everything else to Zappa, with the viewer's Host from CloudFront."""
import sys
import types

import pytest

from portal import lambda_entry
from tests.deploy.lambda_package import api_gateway_event


@pytest.fixture
def calls(monkeypatch):
    """Stand-ins recording what each side receives (the packaged test in test_package.py runs the real ones)."""
    seen = {"pipeline": [], "zappa": []}
    pipeline = types.ModuleType("portal.pipeline")
    pipeline.handle = lambda event, context: seen["pipeline"].append(event) or {"batchItemFailures": []}
    monkeypatch.setitem(sys.modules, "portal.pipeline", pipeline)
    import portal

    monkeypatch.setattr(portal, "pipeline", pipeline, raising=False)
    import zappa.handler

    monkeypatch.setattr(zappa.handler, "lambda_handler", lambda event, context: seen["zappa"].append(event) or "zappa")
    return seen


def test_a_dynamodb_stream_batch_goes_to_the_pipeline(calls):
    event = {"Records": [{"eventSource": "aws:dynamodb", "eventName": "INSERT", "dynamodb": {}}]}
    assert lambda_entry.handler(event, None) == {"batchItemFailures": []}
    assert calls == {"pipeline": [event], "zappa": []}


@pytest.mark.parametrize("event", [
    api_gateway_event("GET", "/healthz"),
    {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]},
    {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "{}"}}]},
    {"detail-type": "Scheduled Event", "resources": ["arn:aws:events:us-east-1:123456789012:rule/x"]},
    {"Records": []},
])
def test_everything_else_goes_to_zappa(calls, event):
    assert lambda_entry.handler(event, None) == "zappa"
    assert calls["pipeline"] == []


def test_through_cloudfront_the_app_sees_the_viewers_host():
    event = api_gateway_event("GET", "/apply/p-1", headers={"x-viewer-host": "jobs.example.com"})
    seen = lambda_entry._as_the_viewer_sent_it(event)
    assert seen["headers"]["Host"] == "jobs.example.com"
    assert seen["multiValueHeaders"]["Host"] == ["jobs.example.com"]
    assert event["headers"]["Host"].endswith(".amazonaws.com")  # the caller's event is left as it was


def test_straight_to_api_gateway_the_event_is_unchanged():
    event = api_gateway_event("GET", "/apply/p-1")
    assert lambda_entry._as_the_viewer_sent_it(event) is event


def _scheduled_event(function: str, lambda_name: str = "flexwork-portal-dev-pipeline") -> dict:
    """The EventBridge event of the rule `zappa schedule` makes for ``function`` (named by Zappa's own code)."""
    from zappa.core import Zappa

    rule = Zappa.__new__(Zappa).get_scheduled_event_name({"function": function}, function, lambda_name)
    return {"version": "0", "id": "5e0c2a56-0000-0000-0000-000000000001", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": "2026-11-23T10:00:00Z", "region": "us-east-1",
            "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{rule}"], "detail": {}}


class _Context:
    def __init__(self, remaining_ms: int):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.mark.parametrize("lambda_name", ["flexwork-portal-dev-pipeline", "flexwork-portal-prod-pipeline"])
def test_the_retention_rule_runs_the_retention_schedule_without_zappa(runtime, monkeypatch, lambda_name):
    import portal.runtime
    from portal import clock
    from portal.applications.retention import last_run, months_before
    from portal.applications.services import submit_application
    from portal.applications.stages import move_stage
    from tests.factories import make_answers, make_posting

    monkeypatch.setattr(portal.runtime, "process_runtime", lambda: runtime)
    ended = clock.iso(months_before(clock.now(), runtime.settings.retention_months + 1))
    submitted = submit_application(runtime, [make_posting()], make_answers(), token=f"tok-retention-{lambda_name}")
    application = runtime.applications.get(submitted.application_ids[0])
    move_stage(runtime.applications, application, "withdrawn", by="applicant", at=ended)
    event = _scheduled_event("portal.lambda_entry.erase_expired_applications", lambda_name)

    # Too little time left to start: the run stops at once and says there is more.
    assert lambda_entry.handler(event, _Context(5_000)) == {"erased": 0, "failed": 0, "more": True}
    assert lambda_entry.handler(event, _Context(110_000)) == {"erased": 1, "failed": 0, "more": False}
    assert runtime.applications.get(application.id) is None
    assert last_run(runtime).erased == 1
