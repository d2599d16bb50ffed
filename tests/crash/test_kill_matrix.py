"""The kill matrix, fast tier (issue 11): for each mutation kind, the run is killed right after Railway
applied it (the emulator's kill fault; `revive()` is the next run starting), and the next run converges:
one of each object, every service on the healthy deployment its state records (the emulator's inventory).
The engine-like mock (testkit/mock_engine.py) saves what Pulumi would: every finished step, not the one
in flight."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from testkit.fake_railway.inventory import inventory
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine, UpResult
from tests.support.stack_inventory import ONE_STACK

WITH_PREVIEW = {**ONE_STACK, "environment": 2, "instance": 4, "custom_domain": 2, "service_domain": 2}
WITH_PREVIEW["project_token"] = 2
# An app preview adds its own PostgreSQL and Redis: a service, an instance and a volume each.
WITH_APP_PREVIEW = {**WITH_PREVIEW, "service": 4, "instance": 6, "volume": 2}


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


def assert_converged(
    fake_railway: FakeRailway, *engines: Engine, counts: Mapping[str, int], recorded: bool = True
) -> None:
    """One of each object; each service on a healthy deployment, the one its stack's state records
    (`recorded=False` after a rollback: Railway may serve the recorded deployment as a new one)."""
    found = inventory(fake_railway.backend)
    assert found.counts() == dict(counts)
    assert found.duplicates() == []
    for engine in engines:
        env = engine.outputs["railwayEnvironmentId"]
        for role, service_id in engine.outputs["railwayServiceIds"].items():
            active = found.active(service_id, env)
            assert active is not None, f"{engine.stack} {role} has no active deployment"
            assert active.healthy
            if recorded:
                want = engine.outputs["deploymentIds"][role]
                # Or Railway's rollback to it: a new deployment of the recorded one's image and variables.
                assert want in (active.id, active.rollback_from)
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


# An infra preview (infra-pr-<N>) and an app preview (pr-<N>): the creates each kills, what each converges to.
PREVIEW_CREATES = {
    "infra-pr-42": ["EnvironmentCreate", "ProjectTokenCreate", "CustomDomainCreate"],
    "pr-42": ["EnvironmentCreate", "ServiceCreate", "VolumeCreate", "CustomDomainCreate"],
}
PREVIEW_COUNTS = {"infra-pr-42": WITH_PREVIEW, "pr-42": WITH_APP_PREVIEW}


@pytest.mark.parametrize(
    ("stack", "operation"), [(stack, op) for stack, ops in PREVIEW_CREATES.items() for op in ops]
)
def test_a_preview_killed_after_each_create_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine, stack: str, operation: str
) -> None:
    preview = Engine(stack, railway_token=fake_railway.token, staging=staging)
    assert not kill_after(fake_railway, operation, preview.up).ok

    up(preview)

    assert_converged(fake_railway, staging, preview, counts=PREVIEW_COUNTS[stack])


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
    assert_converged(fake_railway, staging, counts=ONE_STACK, recorded=False)  # healthy again
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


@pytest.mark.parametrize(
    ("stack", "operation"),
    [
        # The rest of a preview goes with its environment (deleted_with): no other delete is sent.
        ("infra-pr-42", "EnvironmentDelete"),
        ("pr-42", "ServiceDelete"),
        ("pr-42", "EnvironmentDelete"),
    ],
)
def test_a_preview_destroy_killed_after_each_delete_converges_on_the_next(
    fake_railway: FakeRailway, staging: Engine, stack: str, operation: str
) -> None:
    preview = Engine(stack, railway_token=fake_railway.token, staging=staging)
    up(preview)
    assert isinstance(kill_after(fake_railway, operation, preview.destroy), Exception)

    preview.destroy()

    assert preview.state == {}
    assert_converged(fake_railway, staging, counts=ONE_STACK)
