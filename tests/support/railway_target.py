"""Where the live-conformance suite (tests/live) runs and how long it waits there: `RailwayTarget`, the
`target` fixture (the emulator always, real Railway marked `integration`) and the waits. It asserts nothing
about Railway; tokens stay out of reprs (`field(repr=False)`) and out of messages (the client scrubs them)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pytest

from pulumi_railway.api.client import RailwayClient, TokenKind
from pulumi_railway.api.retry import RetryPolicy
from testkit.fake_railway.backend import FakeRailwayBackend

TOKEN_ENV = "CARTLY_INTEGRATION_RAILWAY_TOKEN"
WORKSPACE_ENV = "CARTLY_INTEGRATION_RAILWAY_WORKSPACE_ID"
PROJECT_PREFIX = "cartly-infra-it-"
BASE_ENVIRONMENT = (
    "it-base"  # the default environment's name, as the program names it (defaultEnvironmentName)
)
TERMINAL = frozenset({"SUCCESS", "FAILED", "CRASHED", "REMOVED", "REMOVING", "SKIPPED", "SLEEPING"})
T = TypeVar("T")
# Real Railway gets more than the suite's 120 s per test: a deploy may take 10 minutes, a rollback test two.
TARGETS = [
    pytest.param("emulator"),
    pytest.param("railway", marks=[pytest.mark.integration, pytest.mark.timeout(1800)]),
]


@dataclass(frozen=True)
class RailwayTarget:
    """One API to run the suite against, with its waits (all zero for the emulator, which is synchronous)."""

    name: str  # "emulator" or "railway"
    token: str = field(repr=False)
    workspace_id: str
    endpoint: str | None  # None: RAILWAY_API_URL, else Railway's
    poll_seconds: float  # pause between two reads of something Railway does in the background
    appear_seconds: float  # how long a background effect (a deployment starting) may take to show
    quiet_seconds: float  # how long to watch before concluding that nothing started
    deploy_seconds: float  # how long a deployment may take to reach a terminal status
    max_reads: int  # bound on deployment reads (the emulator advances one step per read)
    cooldown_seconds: float  # pause before retrying a create refused by a creation cool-down
    sleep: Callable[[float], None] = field(repr=False, compare=False)
    backend: FakeRailwayBackend | None = field(default=None, repr=False, compare=False)
    health_url_template: str = "https://{domain}{path}"  # where a service domain answers HTTP

    def client(
        self,
        token: str | None = None,
        token_kind: TokenKind = "workspace",  # noqa: S107 (a kind of token, not a token)
        *,
        retry_cooldowns: bool = True,
    ) -> RailwayClient:
        """A client whose own cool-down retry waits the target's pause; without it, one request per call."""
        pause = self.cooldown_seconds
        retry = RetryPolicy(
            cooldown_delay=pause, max_delay=max(20.0, pause), max_total_seconds=4 * pause + 60
        )
        if not retry_cooldowns:
            retry = RetryPolicy(max_attempts=1)
        return RailwayClient(
            token or self.token, token_kind=token_kind, endpoint=self.endpoint, retry=retry, sleep=self.sleep
        )

    def emulate(self, arrange: Callable[[FakeRailwayBackend], object]) -> None:
        """Turn an opt-in emulator behaviour on (arrange(backend)); a no-op on real Railway."""
        if self.backend is not None:
            arrange(self.backend)


def emulator_target(
    url: str,
    token: str,
    workspace_id: str,
    backend: FakeRailwayBackend | None = None,
    health_url_template: str = "https://{domain}{path}",
) -> RailwayTarget:
    return RailwayTarget(
        name="emulator",
        token=token,
        workspace_id=workspace_id,
        endpoint=url,
        poll_seconds=0.0,
        appear_seconds=0.0,
        quiet_seconds=0.0,
        deploy_seconds=5.0,
        max_reads=20,
        cooldown_seconds=0.0,
        sleep=lambda _seconds: None,
        backend=backend,
        health_url_template=health_url_template,
    )


def railway_target_from_env() -> RailwayTarget:
    """Real Railway, from CARTLY_INTEGRATION_RAILWAY_TOKEN (a workspace token) and _WORKSPACE_ID."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        pytest.skip(f"integration: set {TOKEN_ENV} (a Railway workspace token) to run it against Railway")
    workspace_id = os.environ.get(WORKSPACE_ENV, "").strip()
    if not workspace_id:
        pytest.fail(
            f"{WORKSPACE_ENV} is not set: set it to the id of the workspace {TOKEN_ENV} belongs to "
            "(Railway dashboard → workspace settings), where the throwaway projects are created",
            pytrace=False,
        )
    return RailwayTarget(
        name="railway",
        token=token,
        workspace_id=workspace_id,
        endpoint=None,
        poll_seconds=5.0,
        appear_seconds=120.0,
        quiet_seconds=30.0,
        deploy_seconds=600.0,
        max_reads=400,
        cooldown_seconds=35.0,
        sleep=time.sleep,
    )


def record_statuses(client: RailwayClient) -> list[int]:
    """The HTTP status of every answer the client gets from now on (a `requests` response hook)."""
    statuses: list[int] = []
    client._session.hooks["response"].append(
        lambda response, *_a, **_k: statuses.append(response.status_code)
    )
    return statuses


def wait_until(target: RailwayTarget, read: Callable[[], T], done: Callable[[T], bool]) -> T:
    """read() until done(value) or target.appear_seconds passed; the last value either way."""
    deadline = time.monotonic() + target.appear_seconds
    value = read()
    while not done(value) and time.monotonic() < deadline:
        target.sleep(target.poll_seconds)
        value = read()
    return value


@pytest.fixture(name="target", params=TARGETS)
def target_fixture(request: pytest.FixtureRequest) -> RailwayTarget:
    """Import it (as `target_fixture`) into a test module to run its tests once per target."""
    if request.param == "emulator":
        fake = request.getfixturevalue("fake_railway")
        return emulator_target(
            fake.url, fake.token, fake.workspace_id, fake.backend, fake.health_url_template
        )
    return railway_target_from_env()
