"""The end-to-end layer's shared set-up: a stack brought up from nothing by the engine-like mock."""

from __future__ import annotations

import pytest

from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine


def first_up(fake_railway: FakeRailway, stack: str) -> Engine:
    """`stack` brought up from nothing on the emulator; the run must succeed."""
    engine = Engine(stack, railway_token=fake_railway.token)
    first = engine.up()
    assert first.ok, first.errors
    return engine


@pytest.fixture
def staging(fake_railway: FakeRailway) -> Engine:
    return first_up(fake_railway, "staging")
