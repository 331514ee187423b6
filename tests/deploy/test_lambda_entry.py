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
