"""Fixtures of the local-mode tests: the static site of the module's app, as the local origin serves it."""
from __future__ import annotations

import pytest

from tests.helpers import Site


@pytest.fixture(scope="module")
def site(app, stack) -> Site:
    return Site(app, stack)
