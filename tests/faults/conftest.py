"""Fault injection for tests/faults, written once: AWS errors answered in the emulator's place, lost answers, crashes,
and retries that record their backoff instead of sleeping through it.

Every fault is a hook on one botocore client's events (``before-send`` answers for the emulator, ``after-call``
sees an answer arrive), so the code under test runs unchanged, retry configuration included; each hook is removed
when the test ends.
"""
from __future__ import annotations

import dataclasses
import json
import types
import uuid

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from botocore.httpsession import URLLib3Session

from portal.local import infra
from portal.runtime import Runtime
from tests.conftest import settings_for
# The pipeline tests' fixtures, shared: the handler on the module's runtime, the table's stream, and SES's verified
# sender (autouse: the emulator's SES sends only from a verified address).
from tests.pipeline.conftest import handle, stream, verified_sender  # noqa: F401


class _Body:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


def _json_error(code: str, status: int, message: str) -> AWSResponse:
    """An error as the JSON protocol answers it (DynamoDB, its streams)."""
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}).encode()
    return AWSResponse("https://aws", status, {"Content-Type": "application/x-amz-json-1.0",
                                               "x-amzn-ErrorType": code}, _Body(body))


def _xml_error(code: str, status: int, message: str, query: bool) -> AWSResponse:
    """An error as the query protocol (SES) or the REST-XML one (S3) answers it."""
    error = f"<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>" if query else \
        f"<Code>{code}</Code><Message>{message}</Message>"
    body = f"<ErrorResponse><Error>{error}</Error></ErrorResponse>" if query else \
        f'<?xml version="1.0" encoding="UTF-8"?><Error>{error}</Error>'
    return AWSResponse("https://aws", status, {"Content-Type": "text/xml"}, _Body(body.encode()))


# What each service answers when it refuses: (error code, HTTP status) by kind.
ERRORS = {
    "dynamodb": {"throughput": ("ProvisionedThroughputExceededException", 400),
                 "throttling": ("ThrottlingException", 400), "server": ("InternalServerError", 500),
                 "invalid": ("ValidationException", 400)},
    "s3": {"throttling": ("SlowDown", 503), "server": ("InternalError", 500)},
    "ses": {"throttling": ("Throttling", 400), "server": ("InternalFailure", 500)},
}


def refusal(client, kind: str):
    """An answer maker for ``client``'s service: ``kind`` is a key of ERRORS, or "unreachable" (no connection)."""
    service = client.meta.service_model.service_id.hyphenize()
    if kind == "unreachable":
        def unreachable(request):
            raise EndpointConnectionError(endpoint_url=request.url)

        return unreachable
    code, status = ERRORS[service][kind]
    protocol = client.meta.service_model.resolved_protocol
    if protocol == "json":
        return lambda request: _json_error(code, status, "injected fault")
    return lambda request: _xml_error(code, status, "injected fault", query=protocol == "query")


@dataclasses.dataclass
class Attempts:
    """What one hook saw: every attempt of the operation (the SDK's retries included), and how many it refused."""

    seen: int = 0
    refused: int = 0


class Crash(BaseException):
    """The process dies here (a Lambda timeout or out-of-memory): nothing in the portal may catch it."""


class Faults:
    """Hooks on clients' events, removed at teardown (the ``faults`` fixture)."""

    def __init__(self):
        self._hooks: list[tuple] = []

    def _register(self, client, event: str, hook) -> None:
        client.meta.events.register(event, hook)
        self._hooks.append((client, event, hook))

    def refuse(self, client, operation: str, kind: str = "throttling", *, times: int | None = None,
               when=None) -> Attempts:
        """Answer ``operation`` (e.g. "TransactWriteItems") with a refusal instead of the emulator, ``times``
        attempts (None: all), only for calls whose parameters ``when(params)`` accepts (None: all)."""
        answer, attempts = refusal(client, kind), Attempts()
        service = client.meta.service_model.service_id.hyphenize()
        mark = f"fault-{uuid.uuid4().hex}"  # in the call's context: this hook chose the call

        def note(params, context, **kwargs):
            context[mark] = when is None or when(params)

        def hook(request, **kwargs):
            if not (request.context or {}).get(mark):
                return None
            attempts.seen += 1
            if times is not None and attempts.refused >= times:
                return None
            attempts.refused += 1
            return answer(request)

        self._register(client, f"before-parameter-build.{service}.{operation}", note)
        self._register(client, f"before-send.{service}.{operation}", hook)
        return attempts

    def lose_answer(self, client, operation: str, times: int = 1) -> Attempts:
        """Let ``operation`` reach the emulator (its effect happens) but answer a 500 in its place, ``times``
        times: what a dropped connection after the commit looks like to the caller."""
        attempts, service = Attempts(), client.meta.service_model.service_id.hyphenize()
        server_error = refusal(client, "server")
        http = URLLib3Session()

        def hook(request, **kwargs):
            attempts.seen += 1
            if attempts.refused >= times:
                return None
            http.send(request)
            attempts.refused += 1
            return server_error(request)

        self._register(client, f"before-send.{service}.{operation}", hook)
        return attempts

    def at_call(self, clients, call: int, fault: str) -> dict:
        """A fault at the ``call``-th API call made through ``clients`` (1-based, counted across them, the SDK's
        retries not counted): "crash" raises Crash before it is sent, "crash-after" once its answer arrived (its
        effect happened, nobody saw it); a kind of ``refusal`` refuses every attempt of that call. Returns what
        it saw: {"calls": how many, "ops": their operations in order, "hit": the operation it struck, once it did}."""
        note = {"calls": 0, "ops": []}
        mark = f"fault-{uuid.uuid4().hex}"

        def before(model, context, **kwargs):
            note["calls"] += 1
            note["ops"].append(model.name)
            if note["calls"] != call:
                return
            note["hit"] = model.name
            if fault == "crash":
                raise Crash(model.name)
            context[mark] = fault

        def after_call(model, context, **kwargs):
            if context.get(mark) == "crash-after":
                raise Crash(model.name)

        for client in clients:
            service = client.meta.service_model.service_id.hyphenize()
            answer = refusal(client, fault) if fault not in ("crash", "crash-after") else None

            def send(request, answer=answer, **kwargs):
                return answer(request) if answer and (request.context or {}).get(mark) else None

            self._register(client, f"before-call.{service}", before)
            self._register(client, f"before-send.{service}", send)
            self._register(client, f"after-call.{service}", after_call)
        return note

    def clear(self) -> None:
        while self._hooks:
            client, event, hook = self._hooks.pop()
            client.meta.events.unregister(event, hook)


@pytest.fixture
def faults():
    found = Faults()
    yield found
    found.clear()


@pytest.fixture(autouse=True)
def backoff(monkeypatch) -> list[float]:
    """The delays botocore's retries asked for, in order, recorded instead of slept: the product's retry policy
    runs as configured, and a test of five throttled attempts takes no seconds."""
    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=delays.append))
    return delays


def dynamodb_client(runtime):
    """The client behind the runtime's tables (every repository's calls go through it)."""
    return runtime.aws.dynamodb.meta.client


def fresh_runtime(label: str, **overrides) -> Runtime:
    """A runtime on a stack of its own (tables, buckets, queues from infra/), for a test that needs a clean slate."""
    name = f"t-faults-{label}-{uuid.uuid4().hex[:6]}"
    outputs = infra.deploy_stack(boto3.client("cloudformation"), name)
    return Runtime(settings_for({"StackName": name, **outputs}, **overrides))


# --- the stream pipeline, fed Lambda-shaped batches from the table's stream ---------------------------------------


def failed(result: dict) -> list[str]:
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def retried_part(event: dict, result: dict) -> dict:
    """What Lambda sends again after a partial failure: the batch from its first failed record on."""
    sequence = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
    first = min(sequence.index(s) for s in failed(result))
    return {"Records": event["Records"][first:]}
