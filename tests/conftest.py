"""Suite-wide pytest wiring: the Railway emulator's fixtures, the `integration` marker's skip rule, and
undoing a Pulumi SDK patch that would otherwise nest across tests."""

import os
import pickle
from collections.abc import Iterator

import pytest

pytest_plugins = ["testkit.fake_railway.pytest_plugin"]

# pulumi.dynamic's serialize_provider wraps pickle._Pickler._batch_setitems in a sorting wrapper on every
# call and never unwraps it, so each dynamic resource constructed in a process adds a level: after about a
# thousand (a real `pulumi up` constructs a few dozen) pickling hits RecursionError. A test process builds
# many programs, so each test starts from the original method.
_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _unwrap_pulumis_pickler_patch() -> Iterator[None]:
    pickle._Pickler._batch_setitems = _BATCH_SETITEMS  # type: ignore[attr-defined]
    yield
    pickle._Pickler._batch_setitems = _BATCH_SETITEMS  # type: ignore[attr-defined]


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
def _unnest_pulumis_pickler_patch() -> Iterator[None]:
    """Undo pulumi.dynamic's pickler patch after each test.

    `serialize_provider` wraps `pickle._Pickler._batch_setitems` on every call and never unwraps it: one
    program run is fine, but a test process that registers about a thousand dynamic resources nests the
    wrappers past the recursion limit ("maximum recursion depth exceeded" from an unrelated resource).
    """
    pickler = pickle._Pickler
    original = getattr(pickler, "_batch_setitems")  # noqa: B009 (private: typeshed does not declare it)
    yield
    setattr(pickler, "_batch_setitems", original)  # noqa: B010
