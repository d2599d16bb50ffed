"""Suite-wide pytest wiring: the Railway emulator's fixtures, and the `integration` marker's skip rule."""

import os

import pytest

pytest_plugins = ["tests.fake_railway.pytest_plugin"]

# Tests that talk to real Railway or GitHub run only when a real token is given for them.
INTEGRATION_TOKENS = ("CARTLY_INTEGRATION_RAILWAY_TOKEN", "CARTLY_INTEGRATION_GITHUB_TOKEN")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if any(os.environ.get(name) for name in INTEGRATION_TOKENS):
        return
    skip = pytest.mark.skip(
        reason="integration: set CARTLY_INTEGRATION_RAILWAY_TOKEN (or _GITHUB_TOKEN) to run it for real"
    )
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)
