"""The data-layer tests on dynalite: one server for the session, tables from infra/template.yaml per test module."""
from __future__ import annotations

import re
import uuid

import pytest

from portal.aws import AwsClients
from portal.runtime import Runtime
from portal.settings import Settings
from tests.dynalite.server import Dynalite


@pytest.fixture(scope="session")
def dynalite():
    with Dynalite() as server:
        yield server


@pytest.fixture(scope="module")
def dynalite_tables(dynalite, request) -> dict[str, str]:
    name = "d-" + re.sub(r"[^a-z0-9]+", "-", request.module.__name__.split(".")[-1].lower())[:30] + "-" + uuid.uuid4().hex[:6]
    return dynalite.create_tables(name)


@pytest.fixture(scope="module")
def runtime(dynalite, dynalite_tables):
    """Overrides the moto runtime of tests/conftest.py: the same settings, its tables on dynalite."""
    settings = Settings.load({"testing": True, "secret_key": "test-secret", "local_mode": True,
                              "main_table": dynalite_tables["MainTable"]})
    return Runtime(settings, aws=AwsClients("us-east-1", endpoint_url=dynalite.endpoint_url))


@pytest.fixture(scope="module")
def main_table(runtime):
    """Overrides the moto table of tests/conftest.py, so the repository tests imported here run on dynalite."""
    return runtime.main_table
