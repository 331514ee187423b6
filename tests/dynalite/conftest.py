"""The data-layer tests on dynalite: one server for the session, tables from infra/template.yaml per test module."""
from __future__ import annotations

import re
import uuid

import pytest

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
def main_table(dynalite, dynalite_tables):
    """Overrides the moto table of tests/conftest.py, so the repository tests imported here run on dynalite."""
    return dynalite.resource().Table(dynalite_tables["MainTable"])
