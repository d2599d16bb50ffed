"""The end-to-end layer's shared fixture: staging brought up from nothing by the engine-like mock."""

from __future__ import annotations

import pytest

from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine


@pytest.fixture
def staging(fake_railway: FakeRailway) -> Engine:
    engine = Engine("staging", railway_token=fake_railway.token)
    first = engine.up()
    assert first.ok, first.errors
    return engine
