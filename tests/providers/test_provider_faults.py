"""Transport faults during the creates, updates and deletes of Project, Environment, Service and
ServiceInstance: whatever the fault, the end state is right and nothing is duplicated or orphaned. 429 with
Retry-After, 503 and HTML 429 are never applied (the client retries); after 500 or "Problem processing
request" the provider looks the object up before re-sending; a reset after apply is found and adopted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_railway.resources.project import ProjectProvider
from pulumi_railway.resources.service import ServiceProvider
from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.faults import FaultPlan
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.fake_time import FakeTime
from tests.support.provider_harness import IMAGE, configured, live

Inject = Callable[[FaultPlan, str], Any]

FAULTS: dict[str, Inject] = {
    "429-retry-after": lambda plan, op: plan.rate_limited(retry_after=1, operation=op),
    "503": lambda plan, op: plan.http_status(503, operation=op),
    "500": lambda plan, op: plan.http_status(500, operation=op),
    "html-429": lambda plan, op: plan.html_429(operation=op),
    "reset-after-apply": lambda plan, op: plan.reset_after_apply(operation=op),
    "problem-processing": lambda plan, op: plan.problem_processing(operation=op),
}
each_fault = pytest.mark.parametrize("fault", list(FAULTS))


@pytest.fixture
def seeded(fake_railway: FakeRailway) -> dict[str, Any]:
    return fake_railway.backend.seed_project(
        name="cartly-staging", environments=("staging",), services={"worker": "ghcr.io/cartly/worker:1"}
    )


def inject(fake_railway: FakeRailway, fault: str, operation: str) -> None:
    FAULTS[fault](fake_railway.backend.faults, operation)


def all_faults_used(fake_railway: FakeRailway) -> bool:
    return fake_railway.backend.faults.pending() == 0


# --- Project ---------------------------------------------------------------------------------------------


def test_project_create_does_not_adopt_an_older_project_of_the_same_name(fake_railway: FakeRailway) -> None:
    older = fake_railway.backend.seed_project(name="cartly-staging")["project_id"]
    provider = configured(ProjectProvider(), fake_railway.token)
    inject(fake_railway, "reset-after-apply", "ProjectCreate")
    created = provider.create({"name": "cartly-staging"})
    assert len(live(fake_railway.backend.projects)) == 2
    assert created.id != older


@pytest.mark.parametrize(
    ("fault", "sends"), [("reset-after-apply", 1), ("500", 2), ("problem-processing", 2)]
)
def test_a_lost_create_is_sent_again_only_when_the_lookup_finds_nothing(
    fake_railway: FakeRailway, seeded: dict[str, Any], fault: str, sends: int
) -> None:
    provider = configured(ServiceProvider(), fake_railway.token)
    inject(fake_railway, fault, "ServiceCreate")
    provider.create(service_inputs(seeded))
    assert fake_railway.backend.count("ServiceCreate") == sends
    assert fake_railway.backend.count("ProjectServices") == 1


def test_a_429_waits_as_long_as_retry_after_says(fake_railway: FakeRailway) -> None:
    time = FakeTime()
    provider = configured(ProjectProvider(), fake_railway.token, time)
    inject(fake_railway, "429-retry-after", "ProjectCreate")
    provider.create({"name": "cartly-staging"})
    assert len(time.slept) == 1
    assert time.slept[0] >= 1


# --- Environment -----------------------------------------------------------------------------------------


def service_inputs(seeded: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    env = seeded["environments"]["staging"]
    return {
        "project_id": seeded["project_id"],
        "environment_id": env,
        "name": "web",
        "image": IMAGE,
        **overrides,
    }


def instance_inputs(seeded: dict[str, Any], **settings: Any) -> dict[str, Any]:
    ids = {"service_id": seeded["services"]["worker"], "environment_id": seeded["environments"]["staging"]}
    return {**ids, "image": IMAGE, **settings}


@each_fault
def test_service_instance_create_survives(
    fake_railway: FakeRailway, seeded: dict[str, Any], fault: str
) -> None:
    provider = configured(ServiceInstanceProvider(), fake_railway.token)
    inject(fake_railway, fault, "ServiceInstanceUpdate")
    news = instance_inputs(seeded, num_replicas=2)
    created = provider.create(news)
    inst = fake_railway.backend.instance(news["service_id"], news["environment_id"])
    assert (created.id, inst.settings["numReplicas"]) == (inst.id, 2)
    assert len(live(fake_railway.backend.instances)) == 1
    assert all_faults_used(fake_railway)


@each_fault
def test_service_instance_update_survives(
    fake_railway: FakeRailway, seeded: dict[str, Any], fault: str
) -> None:
    provider = configured(ServiceInstanceProvider(), fake_railway.token)
    created = provider.create(instance_inputs(seeded, num_replicas=2, start_command="node worker.js"))
    assert created.outs is not None
    inject(fake_railway, fault, "ServiceInstanceUpdate")
    news = instance_inputs(seeded, num_replicas=3)
    provider.update(created.id, created.outs, news)
    inst = fake_railway.backend.instance(news["service_id"], news["environment_id"])
    assert inst.settings["numReplicas"] == 3
    assert "startCommand" not in inst.settings
    assert all_faults_used(fake_railway)
