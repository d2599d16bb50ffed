"""End to end (layer 4): the production program adopting the Railway project Cartly already runs on.

The emulator is seeded with `cartly-production` running `web` and `worker` (as today, deployed by hand);
`cartly-infra:railwayProjectId` points the stack at it. The run must take those services over, not add a
second `web` and `worker`, and still deploy both healthy."""

from __future__ import annotations

from typing import Any

import pytest

from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine, UpResult
from tests.support.provider_harness import live

RUNNING_IMAGE = "ghcr.io/cartly-app/cartly:hand-deployed"


@pytest.fixture
def existing(fake_railway: FakeRailway) -> dict[str, Any]:
    return fake_railway.backend.seed_project(
        name="cartly-production",
        environments=("production",),
        services={"web": RUNNING_IMAGE, "worker": RUNNING_IMAGE},
    )


@pytest.fixture
def adopted(fake_railway: FakeRailway, existing: dict[str, Any]) -> tuple[Engine, UpResult]:
    engine = Engine("production", railway_token=fake_railway.token)
    return engine, engine.up(config={"railwayProjectId": existing["project_id"]})


def succeeded(adopted: tuple[Engine, UpResult]) -> Engine:
    """The adopting run's engine; the run must have succeeded."""
    engine, result = adopted
    assert result.ok, result.errors
    return engine


def project_services(fake_railway: FakeRailway, project_id: str) -> list[Any]:
    return [s for s in live(fake_railway.backend.services) if s.project_id == project_id]


def test_the_run_succeeds_and_takes_over_the_existing_project(
    adopted: tuple[Engine, UpResult], existing: dict[str, Any], fake_railway: FakeRailway
) -> None:
    engine = succeeded(adopted)
    assert engine.outputs["railwayProjectId"] == existing["project_id"]
    assert engine.outputs["railwayEnvironmentId"] == existing["environments"]["production"]
    assert fake_railway.backend.count("ProjectCreate") == 0


def test_the_project_still_has_exactly_its_two_services_and_none_was_created(
    adopted: tuple[Engine, UpResult], existing: dict[str, Any], fake_railway: FakeRailway
) -> None:
    engine = succeeded(adopted)
    found = project_services(fake_railway, existing["project_id"])
    assert len(found) == 2
    assert {s.name: s.id for s in found} == existing["services"]
    assert engine.outputs["railwayServiceIds"] == existing["services"]
    assert fake_railway.backend.count("ServiceCreate") == 0


def test_both_adopted_services_are_deployed_healthy_from_the_new_image(
    adopted: tuple[Engine, UpResult], existing: dict[str, Any], fake_railway: FakeRailway
) -> None:
    engine = succeeded(adopted)
    backend, env = fake_railway.backend, existing["environments"]["production"]
    deployments = engine.outputs["deploymentIds"]
    assert set(deployments) == {"web", "worker"}
    for role, service_id in existing["services"].items():
        active = backend.active_deployment(service_id, env)
        assert active is not None and active.id == deployments[role]
    assert backend.health_status(engine.outputs["healthDomain"]) == 200
    assert engine.outputs["image"].startswith("ghcr.io/cartly-app/cartly@sha256:")


def test_a_second_run_changes_nothing(
    adopted: tuple[Engine, UpResult], existing: dict[str, Any], fake_railway: FakeRailway
) -> None:
    engine, first = adopted
    assert first.ok, first.errors
    start = len(fake_railway.backend.requests)
    again = engine.up(config={"railwayProjectId": existing["project_id"]})
    assert again.ok, again.errors
    assert len(again.operations) == len(first.operations)
    assert again.ops("same") == sorted(name for _, name in again.operations)
    assert [e for e in list(fake_railway.backend.requests)[start:] if e.is_mutation] == []
