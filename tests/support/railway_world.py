"""A seeded Railway world for the tests of Variables, the domains, ProjectToken and Deployment: one project
with a `staging` environment and two image services (`web`, `worker`) made directly in the emulator, a fake
clock that makes every wait instant and measurable, configured providers, and request-log helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi.dynamic import ResourceProvider

from pulumi_railway.api.retry import Waits
from testkit.fake_time import FakeTime
from tests.support.provider_harness import configured as harness_configured

P = TypeVar("P", bound=ResourceProvider)
WEB_IMAGE = "ghcr.io/cartly/web@sha256:" + "ab" * 32
WORKER_IMAGE = "ghcr.io/cartly/worker@sha256:" + "cd" * 32


# Every transport fault a mutation can meet, by name: (fault plan, operation) -> schedules one.
FAULTS: dict[str, Callable[[Any, str], object]] = {
    "429 with Retry-After": lambda plan, op: plan.rate_limited(retry_after=1, operation=op),
    "HTML 429": lambda plan, op: plan.html_429(operation=op),
    "503": lambda plan, op: plan.http_status(503, operation=op),
    "500": lambda plan, op: plan.http_status(500, operation=op),
    "connection reset after apply": lambda plan, op: plan.reset_after_apply(operation=op),
    "Problem processing request": lambda plan, op: plan.problem_processing(operation=op),
}


@dataclass
class World:
    fake: Any  # the fake_railway fixture
    time: FakeTime
    project_id: str
    environment_id: str
    web_id: str
    worker_id: str

    @property
    def backend(self) -> Any:
        return self.fake.backend

    def mark(self) -> int:
        """A position in the request log; `since(mark)` is what was asked after it."""
        return len(self.backend.requests)

    def since(self, mark: int) -> list[Any]:
        return list(self.backend.requests[mark:])

    def operations_since(self, mark: int) -> list[str | None]:
        return [entry.operation_name for entry in self.since(mark)]

    def inject(self, fault: str, operation: str) -> None:
        """Answer the next request of `operation` with the fault named `fault` (a key of FAULTS)."""
        FAULTS[fault](self.backend.faults, operation)

    def stored_variables(self, service_id: str | None) -> dict[str, str]:
        return dict(self.backend.variables.get((self.project_id, self.environment_id, service_id), {}))

    def live_deployments(self, service_id: str) -> list[Any]:
        return self.backend.instance_deployments(service_id, self.environment_id)

    def active_deployment_id(self, service_id: str) -> str | None:
        active = self.backend.active_deployment(service_id, self.environment_id)
        return None if active is None else str(active.id)


def seed_world(fake_railway: Any, custom_domain: str | None = None) -> World:
    """The project, environment and services; instant waits; person-set variable PERSON_SET on web; and, when
    given, `custom_domain` routed to web's port 3000."""
    clock = FakeTime()
    ids = fake_railway.backend.seed_project(
        name="cartly",
        environments=("staging",),
        services={"web": WEB_IMAGE, "worker": WORKER_IMAGE},
        variables={"web": {"PERSON_SET": "set by hand in the dashboard"}},
    )
    world = World(
        fake=fake_railway,
        time=clock,
        project_id=ids["project_id"],
        environment_id=ids["environments"]["staging"],
        web_id=ids["services"]["web"],
        worker_id=ids["services"]["worker"],
    )
    if custom_domain is not None:
        world.backend.create_custom_domain(
            {
                "projectId": world.project_id,
                "environmentId": world.environment_id,
                "serviceId": world.web_id,
                "domain": custom_domain,
                "targetPort": 3000,
            }
        )
    return world


def deployment_inputs(world: World, **more: Any) -> dict[str, Any]:
    """A Deployment of web that polls every 5 s and gates with three attempts 5 s apart; `more` adds inputs
    (its revision, health domain...) or overrides these."""
    return {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "poll_interval_seconds": 5,
        "gate_attempts": 3,
        "gate_interval_seconds": 5,
        **more,
    }


def configured(provider: P, token: str, waits: Waits | None = None) -> P:
    """The provider after the engine's configure() with `cartly-infra:railwayToken` set to token."""
    return harness_configured(provider, token, waits)


def failures(provider: ResourceProvider, news: Mapping[str, Any]) -> dict[str, str]:
    """check()'s failures as {property: reason}."""
    result = provider.check({}, dict(news))
    return {f.property: f.reason for f in result.failures}
