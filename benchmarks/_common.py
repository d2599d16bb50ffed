"""What the in-process benchmarks share: running one against the Railway emulator, with the environment that
points the providers at it."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def against_emulator(run: Callable[[Any, str], T]) -> T:
    """Start the emulator, point RAILWAY_API_URL and the health URL at it, and run `run(backend, token)`."""
    from testkit.fake_railway.server import FakeRailwayServer
    from testkit.fake_railway.state import WORKSPACE_TOKEN

    server = FakeRailwayServer().start()
    try:
        os.environ.update(
            RAILWAY_API_URL=server.url,
            RAILWAY_HEALTH_URL_TEMPLATE=f"{server.base_url}/apps/{{domain}}{{path}}",
        )
        return run(server.backend, WORKSPACE_TOKEN)
    finally:
        server.stop()
