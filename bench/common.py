"""Shared bench harness: moto on loopback, a stack from infra/, a runtime and an app on it, and a DynamoDB call counter."""
from __future__ import annotations

import contextlib
import os
import socket
import uuid

import boto3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BenchEnvironment:
    """moto as a server for the whole bench run, with throwaway credentials; stacks are made per figure."""

    def __enter__(self):
        import logging

        from moto.server import ThreadedMotoServer

        from portal.local.emulator import fix_streams_in_transactions

        fix_streams_in_transactions()  # as in local mode: see portal/emulator.py

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request lines

        self.port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        os.environ.update(
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{self.port}",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
        )
        return self

    def __exit__(self, *exc):
        self.server.stop()
        return False

    def new_stack(self) -> dict:
        from portal.local import infra

        name = "bench-" + uuid.uuid4().hex[:8]
        return {"StackName": name, **infra.deploy_stack(boto3.client("cloudformation"), name)}

    def new_runtime(self, stack: dict, **settings):
        """A runtime on the stack, as production builds one (settings named as in portal/settings.py)."""
        from portal.runtime import Runtime

        return Runtime.from_environment({"testing": True, "secret_key": "bench", "stack_name": stack["StackName"],
                                         "local_mode": True, **settings})

    def new_app(self, stack: dict, **settings):
        from portal.web import create_app

        return create_app(runtime=self.new_runtime(stack, **settings))


class DynamoCallCounter:
    """Counts DynamoDB API calls made through one runtime's client (an app's, or one given), and the items each
    read (ScannedCount or Count)."""

    def __init__(self, app_or_runtime):
        runtime = app_or_runtime.extensions["portal"] if hasattr(app_or_runtime, "extensions") else app_or_runtime
        self.events = runtime.aws.dynamodb.meta.client.meta.events
        self.calls = 0
        self.items_read = 0

    def _before(self, **kwargs):
        self.calls += 1

    def _after(self, parsed=None, **kwargs):
        if isinstance(parsed, dict):
            batch = sum(len(items) for items in (parsed.get("Responses") or {}).values())
            self.items_read += parsed.get("ScannedCount", parsed.get("Count", 1 if "Item" in parsed else batch))

    @contextlib.contextmanager
    def counting(self):
        self.calls = self.items_read = 0
        self.events.register("before-call.dynamodb", self._before)
        self.events.register("after-call.dynamodb", self._after)
        try:
            yield self
        finally:
            self.events.unregister("before-call.dynamodb", self._before)
            self.events.unregister("after-call.dynamodb", self._after)
