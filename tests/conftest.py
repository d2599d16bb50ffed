"""Suite-wide pytest wiring: the Railway emulator's fixtures, the `integration` marker's skip rule, and
undoing the Pulumi SDK's pickler patch after each test."""

import os
import pickle
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(autouse=True)
def _pickler_restored() -> Iterator[None]:
    """Pulumi's dynamic.Resource wraps `pickle._Pickler._batch_setitems` anew on every construction and never
    restores it, so about 900 dynamic resources in one process (a real run is one process per deployment)
    nest the wrappers past Python's recursion limit. Each test starts from the pickler as it was."""
    pickler: Any = pickle._Pickler
    saved = (pickler._batch_setitems, pickler.save_dict)
    yield
    pickler._batch_setitems, pickler.save_dict = saved
