"""Issue 11's table: a create Railway applied but Pulumi never recorded (the process was killed right after),
then the next run's create of the same resource. And the deploy killed before its health gate ran.

"Killed" is the emulator's kill fault: the mutation is applied, its answer lost, and nothing else the
process sends reaches Railway; `revive()` is the next run starting from state without the create."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi.dynamic import CreateResult, ResourceProvider

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.custom_domain import CustomDomainProvider
from pulumi_railway.resources.deployment import DeploymentProvider
from pulumi_railway.resources.environment import EnvironmentProvider
from pulumi_railway.resources.project import ProjectProvider
from pulumi_railway.resources.project_token import ProjectTokenProvider
from pulumi_railway.resources.service import ServiceProvider
from pulumi_railway.resources.service_domain import ServiceDomainProvider
from pulumi_railway.toolkit.deploy_gate import DeploymentFailed
from testkit.fake_railway.inventory import inventory
from tests.support.railway_world import World, configured, seed_world
from tests.support.stack_inventory import add_web_domain

STACK = "cartly-infra/staging"
IMAGE = "ghcr.io/cartly/web@sha256:" + "ab" * 32
DOMAIN = "staging.cartly.io"


@pytest.fixture
def world(fake_railway: Any) -> World:
    return seed_world(fake_railway)


def killed_after(world: World, operation: str, run: Callable[[], object]) -> None:
    """Run `run` with the process killed right after Railway applies `operation`; then the next run starts."""
    world.backend.faults.kill(operation)
    with pytest.raises(RailwayError):
        run()
    assert world.backend.faults.pending() == 0, f"{operation} was never sent"
    world.backend.faults.revive()


def replayed_create(
    world: World,
    provider: ResourceProvider,
    operation: str,
    props: dict[str, Any],
    kind: str,
    mine: Callable[[Any], bool] = lambda row: True,
) -> CreateResult:
    """The create killed right after Railway applied `operation`, then the next run's create of the same:
    one `kind` in the emulator's inventory (of the rows `mine` keeps), the one the replay returned."""
    killed_after(world, operation, lambda: provider.create(dict(props)))
    again = provider.create(dict(props))
    rows = [row for row in inventory(world.backend).of(kind) if mine(row)]
    assert len(rows) == 1
    assert again.id == rows[0].id
    return again


def our_project(world: World) -> str:
    """A project this stack made (so what is inside it is this stack's), as ProjectProvider creates it."""
    provider = configured(ProjectProvider(), world.fake.token, world.time)
    return provider.create({"name": "cartly-staging", "owner": f"{STACK}/cartly-staging-project"}).id


def test_a_replayed_project_create_adopts_the_project_it_made(world: World) -> None:
    provider = configured(ProjectProvider(), world.fake.token, world.time)
    props = {"name": "cartly-staging", "description": "Cartly staging", "owner": f"{STACK}/p"}
    killed_after(world, "ProjectCreate", lambda: provider.create(dict(props)))
    made = [row for row in inventory(world.backend).of("project") if row.name == "cartly-staging"]
    assert len(made) == 1

    again = provider.create(dict(props))

    named = [row for row in inventory(world.backend).of("project") if row.name == "cartly-staging"]
    assert len(named) == 1
    assert again.id == made[0].id
    assert again.outs is not None
    assert again.outs["description"] == "Cartly staging"


def test_a_replayed_service_create_adopts_the_service_it_made(world: World) -> None:
    project_id = our_project(world)
    environment_id = world.backend.projects[project_id].base_environment_id
    provider = configured(ServiceProvider(), world.fake.token, world.time)
    props = {
        "project_id": project_id,
        "environment_id": environment_id,
        "name": "web",
        "image": IMAGE,
        "variables": {"PORT": "3000"},
        "owner": f"{STACK}/web-service",
    }
    again = replayed_create(
        world, provider, "ServiceCreate", props, "service", lambda row: row.project_id == project_id
    )

    assert again.outs is not None
    assert again.outs["adopted"] is False  # made by this stack: deleted with it


def test_a_replayed_custom_domain_create_adopts_the_domain_it_made(world: World) -> None:
    provider = configured(CustomDomainProvider(), world.fake.token, world.time)
    props = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "domain": DOMAIN,
        "target_port": 3000,
    }
    replayed_create(world, provider, "CustomDomainCreate", props, "custom_domain")


def test_a_replayed_project_token_create_leaves_only_the_recorded_token(world: World) -> None:
    provider = configured(ProjectTokenProvider(), world.fake.token, world.time)
    props = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "name": "cartly-infra-staging",
        "owner": f"{STACK}/cartly-staging-token",
    }
    replayed_create(world, provider, "ProjectTokenCreate", props, "project_token")


def test_a_deploy_killed_before_its_gate_rolls_back_to_the_deployment_state_recorded(
    world: World,
) -> None:
    add_web_domain(world, DOMAIN)
    provider = configured(DeploymentProvider(), world.fake.token, world.time)
    props = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "revision": "rev-1",
        "health_domain": DOMAIN,
        "gate_attempts": 2,
    }
    first = provider.create(dict(props))
    state = {**props, **(first.outs or {})}
    # The killed run: rev-2's deployment went live (SUCCESS, but its app answers 503); no gate, no record.
    world.backend.script_next_unhealthy(world.web_id)
    broken = world.backend.deploy(world.web_id, world.environment_id, "killed run")
    world.backend.tick(3)
    assert world.active_deployment_id(world.web_id) == broken.id

    # The next run: still rev-2 (still broken), from the state that recorded rev-1's deployment.
    world.backend.script_next_unhealthy(world.web_id)
    with pytest.raises(DeploymentFailed) as caught:
        provider.update(first.id, state, {**props, "revision": "rev-2"})

    assert caught.value.rolled_back_to == first.id
    active = world.backend.active_deployment(world.web_id, world.environment_id)
    assert active.meta.get("rollbackFrom") == first.id  # Railway's rollback: a new deployment
    assert world.backend.health_status(DOMAIN) == 200
    assert f"rolled back to deployment {first.id}" in str(caught.value)
    assert "the state recorded as healthy" in str(caught.value)


def test_a_replayed_environment_create_adopts_the_fork_it_made(world: World) -> None:
    provider = configured(EnvironmentProvider(), world.fake.token, world.time)
    props = {
        "project_id": world.project_id,
        "name": "pr-42",
        "source_environment_id": world.environment_id,
        "ephemeral": True,
    }
    again = replayed_create(
        world, provider, "EnvironmentCreate", props, "environment", lambda row: row.name == "pr-42"
    )

    assert again.outs is not None
    assert again.outs["adopted"] is False  # made by this stack: deleted with it


def test_an_environment_of_that_name_but_another_shape_is_refused(world: World) -> None:
    provider = configured(EnvironmentProvider(), world.fake.token, world.time)
    theirs = world.backend.create_environment({"projectId": world.project_id, "name": "pr-42"}).id
    props = {
        "project_id": world.project_id,
        "name": "pr-42",
        "source_environment_id": world.environment_id,
        "ephemeral": True,
    }
    with pytest.raises(RailwayError) as caught:
        provider.create(props)
    assert theirs in str(caught.value)
    assert "adopt=True" in str(caught.value)


def test_a_replayed_service_domain_create_adopts_the_domain_it_made(world: World) -> None:
    provider = configured(ServiceDomainProvider(), world.fake.token, world.time)
    props = {"environment_id": world.environment_id, "service_id": world.web_id, "target_port": 3000}
    replayed_create(world, provider, "ServiceDomainCreate", props, "service_domain")
