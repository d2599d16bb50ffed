"""Pytest fixtures for the Railway emulator (loaded by tests/conftest.py through `pytest_plugins`).

- `fake_railway_server` (session): one emulator on 127.0.0.1:<free port> for the whole session.
- `fake_railway` (function): that server, reset to empty before the test, with RAILWAY_API_URL,
  RAILWAY_API_TOKEN and RAILWAY_HEALTH_URL_TEMPLATE pointing at it for the test's duration.
- `gql` (function): a bare `requests` caller on that server with the workspace token, for the emulator's
  own tests (which must not depend on the project's client).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from testkit.fake_railway.backend import FakeRailwayBackend
from testkit.fake_railway.gql import Gql
from testkit.fake_railway.server import FakeRailwayServer
from testkit.fake_railway.state import WORKSPACE_ID, WORKSPACE_TOKEN


@dataclass(frozen=True)
class FakeRailway:
    """What a test gets from the `fake_railway` fixture."""

    url: str  # http://127.0.0.1:<port>/graphql/v2
    base_url: str  # http://127.0.0.1:<port>
    token: str  # a valid workspace token
    workspace_id: str
    backend: FakeRailwayBackend
    server: FakeRailwayServer

    @property
    def health_url_template(self) -> str:
        return f"{self.base_url}/apps/{{domain}}{{path}}"

    def health_url(self, domain: str, path: str = "/health") -> str:
        return self.health_url_template.format(domain=domain, path=path)


@pytest.fixture(scope="session")
def fake_railway_server() -> Iterator[FakeRailwayServer]:
    server = FakeRailwayServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_railway(fake_railway_server: FakeRailwayServer, monkeypatch: pytest.MonkeyPatch) -> FakeRailway:
    server = fake_railway_server
    server.backend.reset()
    fake = FakeRailway(
        url=server.url,
        base_url=server.base_url,
        token=WORKSPACE_TOKEN,
        workspace_id=WORKSPACE_ID,
        backend=server.backend,
        server=server,
    )
    monkeypatch.setenv("RAILWAY_API_URL", fake.url)
    monkeypatch.setenv("RAILWAY_API_TOKEN", fake.token)
    monkeypatch.setenv("RAILWAY_HEALTH_URL_TEMPLATE", fake.health_url_template)
    return fake


@pytest.fixture
def gql(fake_railway: FakeRailway) -> Gql:
    return Gql(fake_railway.url, fake_railway.token)
