"""Shared fixtures: moto as a server on loopback, a stack per test module deployed from infra/, and on it a runtime
built as production builds it (settings, then the runtime, then the app on that runtime) and the app's clients.

A test module changes settings by overriding the ``settings_overrides`` fixture."""
from __future__ import annotations

import os
import re
import socket
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from portal.local import infra
from portal.local.emulator import fix_streams_in_transactions
from portal.runtime import Runtime
from portal.settings import Settings
from portal.web import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def aws_endpoint():
    """One emulator for the whole run, started before any boto3 client exists."""
    fix_streams_in_transactions()  # as in local mode: see portal/emulator.py
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    saved = dict(os.environ)
    os.environ.update(
        AWS_ENDPOINT_URL=url,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "PORTAL_SECRET_KEY", "PORTAL_LOCAL_MODE", "PORTAL_STACK_NAME"):
        os.environ.pop(name, None)
    yield url
    server.stop()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def stack(request) -> dict:
    """A fresh stack from infra/template.yaml for this test module; returns its outputs plus its name."""
    name = "t-" + re.sub(r"[^a-z0-9]+", "-", request.module.__name__.split(".")[-1].lower())[:30] + "-" + uuid.uuid4().hex[:6]
    outputs = infra.deploy_stack(boto3.client("cloudformation"), name)
    return {"StackName": name, **outputs}


@pytest.fixture(scope="module")
def main_table(runtime):
    return runtime.main_table


@pytest.fixture(scope="module")
def settings_overrides() -> dict:
    """Settings this module changes (names as in portal/settings.py)."""
    return {}


def settings_for(stack: dict, **overrides) -> Settings:
    # No minimum fill time: tests send forms at machine speed (tests/web/apply/test_spam.py checks the real one).
    return Settings.load({"testing": True, "secret_key": "test-secret", "stack_name": stack["StackName"],
                          "local_mode": True, "apply_min_fill_seconds": 0, **overrides})


@pytest.fixture(scope="module")
def runtime(stack, settings_overrides) -> Runtime:
    return Runtime(settings_for(stack, **settings_overrides))


@pytest.fixture(scope="module")
def app(runtime):
    return create_app(runtime=runtime)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
