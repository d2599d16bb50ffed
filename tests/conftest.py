"""Suite-wide pytest wiring: the Railway emulator's fixtures, and the `integration` marker's skip rule."""

import os

import pytest

pytest_plugins = ["testkit.fake_railway.pytest_plugin"]

# Tests that talk to real Railway run only when a real token is given for them.
INTEGRATION_TOKEN = "CARTLY_INTEGRATION_RAILWAY_TOKEN"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(INTEGRATION_TOKEN):
        return
    skip = pytest.mark.skip(reason=f"integration: set {INTEGRATION_TOKEN} to run it against real Railway")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)
