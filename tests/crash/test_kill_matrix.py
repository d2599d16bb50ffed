"""The kill matrix, fast tier (issue 11): for each mutation kind, the run is killed right after Railway
applied it, and the next run converges: exactly one of each object and every service on a healthy
deployment, the one the state records. Asserted through the emulator's inventory.

The program runs under the engine-like mock (testkit/mock_engine.py), whose state after a failed run is
what Pulumi would have saved: every finished step, and nothing of the step in flight (a pending create
is not a recorded resource). The emulator's kill fault applies the mutation, drops its answer and refuses
everything the dead run sends afterwards; `revive()` is the next run starting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from testkit.fake_railway.inventory import inventory
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine, UpResult

ONE_STACK = {
    "project": 1,
    "environment": 1,
    "service": 2,
    "instance": 2,
    "custom_domain": 1,
    "service_domain": 1,
    "project_token": 1,
}
WITH_PREVIEW = {**ONE_STACK, "environment": 2, "instance": 4, "custom_domain": 2, "service_domain": 2}
WITH_PREVIEW["project_token"] = 2


def kill_after(fake_railway: FakeRailway, operation: str, run: Any) -> Any:
    """`run()`, killed right after Railway applies `operation`; then the next run may start."""
    faults = fake_railway.backend.faults
    faults.kill(operation)
    try:
        result = run()
    except Exception as exc:  # a destroy raises where an up reports
        result = exc
    assert faults.pending() == 0, f"the run never sent {operation}"
    assert faults.dead
    faults.revive()
    return result


def assert_converged(fake_railway: FakeRailway, *engines: Engine, counts: Mapping[str, int]) -> None:
    """One of each object; each service on a healthy deployment, the one its stack's state records."""
    found = inventory(fake_railway.backend)
    assert found.counts() == dict(counts)
    assert found.duplicates() == []
    for engine in engines:
        env = engine.outputs["railwayEnvironmentId"]
        for role, service_id in engine.outputs["railwayServiceIds"].items():
            active = found.active(service_id, env)
            assert active is not None, f"{engine.stack} {role} has no active deployment"
            assert active.healthy
            assert active.id == engine.outputs["deploymentIds"][role]
        assert fake_railway.backend.health_status(engine.outputs["healthDomain"]) == 200


def up(engine: Engine, **kwargs: Any) -> UpResult:
    result = engine.up(**kwargs)
    assert result.ok, result.errors
    return result


@pytest.fixture
def staging(fake_railway: FakeRailway) -> Engine:
    engine = Engine("staging", railway_token=fake_railway.token)
    up(engine)
    return engine


# --- creates (and the settings, variable writes and deploy a first run makes) -------------------------------

FIRST_UP = [
    "ProjectCreate",
    "ProjectTokenCreate",
    "ServiceCreate",
    "ServiceInstanceUpdate",
    "VariableCollectionUpsert",
    "CustomDomainCreate",
    "ServiceDomainCreate",
    "ServiceInstanceDeployV2",
]


@pytest.mark.parametrize("operation", FIRST_UP)
def test_a_first_up_killed_after_each_mutation_converges_on_the_next(
    fake_railway: FakeRailway, operation: str
) -> None:
    engine = Engine("staging", railway_token=fake_railway.token)
    killed = kill_after(fake_railway, operation, engine.up)
    assert not killed.ok

    up(engine)

    assert_converged(fake_railway, engine, counts=ONE_STACK)


@pytest.mark.parametrize("operation", ["EnvironmentCreate", "ProjectTokenCreate", "CustomDomainCreate"])
def test_a_preview_killed_after_each_create_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine, operation: str
) -> None:
    preview = Engine("pr-42", railway_token=fake_railway.token, staging=staging)
    assert not kill_after(fake_railway, operation, preview.up).ok

    up(preview)

    assert_converged(fake_railway, staging, preview, counts=WITH_PREVIEW)


# --- settings and variable writes, and the deploy they cause ------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "change"),
    [
        ("VariableCollectionUpsert", {"secrets": {"jwtSecret": "rotated"}}),
        ("ServiceInstanceDeployV2", {"secrets": {"jwtSecret": "rotated"}}),
        ("ServiceInstanceUpdate", {"config": {"webReplicas": "2"}}),
        ("ServiceInstanceDeployV2", {"config": {"webReplicas": "2"}}),
    ],
)
def test_an_update_killed_after_each_write_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine, operation: str, change: dict[str, Any]
) -> None:
    before = dict(staging.outputs["deploymentIds"])
    assert not kill_after(fake_railway, operation, lambda: staging.up(**change)).ok

    up(staging, **change)

    assert_converged(fake_railway, staging, counts=ONE_STACK)
    assert staging.outputs["deploymentIds"]["web"] != before["web"]  # the change was deployed


# --- rollback, and the deploy killed before its gate --------------------------------------------------------


def test_a_run_killed_after_its_rollback_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine
) -> None:
    backend = fake_railway.backend
    backend.script_next_unhealthy(staging.outputs["railwayServiceIds"]["web"])
    assert not kill_after(
        fake_railway, "DeploymentRollback", lambda: staging.up(secrets={"jwtSecret": "r"})
    ).ok

    up(staging, secrets={"jwtSecret": "r"})  # the release was fine after all: it deploys and passes

    assert_converged(fake_railway, staging, counts=ONE_STACK)


def test_a_broken_release_killed_before_its_gate_is_rolled_back_to_what_state_recorded(
    fake_railway: FakeRailway, staging: Engine
) -> None:
    backend = fake_railway.backend
    web = staging.outputs["railwayServiceIds"]["web"]
    recorded = staging.outputs["deploymentIds"]["web"]
    backend.script_next_unhealthy(web)
    killed = kill_after(
        fake_railway, "ServiceInstanceDeployV2", lambda: staging.up(secrets={"jwtSecret": "broken"})
    )
    assert not killed.ok
    backend.tick(10)  # the killed run's deployment went live on Railway: broken, never gated
    assert backend.health_status(staging.outputs["healthDomain"]) == 503

    backend.script_next_unhealthy(web)
    still_broken = staging.up(secrets={"jwtSecret": "broken"})

    assert not still_broken.ok
    assert len(still_broken.errors) == 1
    assert (
        f"rolled back to deployment {recorded} (the deployment the state recorded as healthy)"
        in (still_broken.errors[0])
    )
    assert_converged(fake_railway, staging, counts=ONE_STACK)  # serving what the state recorded
    up(staging, secrets={"jwtSecret": "fixed"})
    assert_converged(fake_railway, staging, counts=ONE_STACK)


# --- deletes ------------------------------------------------------------------------------------------------

STAGING_DESTROY = [
    "ServiceDomainDelete",
    "CustomDomainDelete",
    "VariableDelete",
    "ProjectTokenDelete",
    "ServiceDelete",
    "ProjectDelete",
]


@pytest.mark.parametrize("operation", STAGING_DESTROY)
def test_a_destroy_killed_after_each_delete_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine, operation: str
) -> None:
    assert isinstance(kill_after(fake_railway, operation, staging.destroy), Exception)

    staging.destroy()

    assert staging.state == {}
    assert inventory(fake_railway.backend).counts() == {}


@pytest.mark.parametrize("operation", ["EnvironmentDelete", "ProjectTokenDelete", "VariableDelete"])
def test_a_preview_destroy_killed_after_each_delete_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine, operation: str
) -> None:
    preview = Engine("pr-42", railway_token=fake_railway.token, staging=staging)
    up(preview)
    assert isinstance(kill_after(fake_railway, operation, preview.destroy), Exception)

    preview.destroy()

    assert preview.state == {}
    assert_converged(fake_railway, staging, counts=ONE_STACK)
