"""Fixtures for the static site: the site of the module's app and stack (the Site helper is in tests/helpers.py)."""
from __future__ import annotations

import pytest

from tests.helpers import Site


@pytest.fixture(scope="module")
def site(app, stack) -> Site:
    return Site(app, stack)
