"""The other side of adopting after a crash: what someone else made is refused, naming it; and a rollback
goes only to a deployment this program saw pass its gate, saying which and why."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.deployment import DeploymentProvider
from pulumi_railway.resources.project import ProjectProvider
from pulumi_railway.resources.service import ServiceProvider
from pulumi_railway.toolkit.deploy_gate import DeploymentFailed
from testkit.fake_railway.inventory import inventory
from tests.support.railway_world import WEB_IMAGE, World, configured, seed_world
from tests.support.stack_inventory import add_web_domain

OWNER = "cartly-infra/staging/cartly-staging-project"
DOMAIN = "staging.cartly.io"


@pytest.fixture
def world(fake_railway: Any) -> World:
    return seed_world(fake_railway)


def test_a_project_someone_else_named_the_same_is_refused_with_its_id(world: World) -> None:
    provider = configured(ProjectProvider(), world.fake.token, world.time)
    theirs = world.backend.seed_project(name="cartly-staging")["project_id"]
    with pytest.raises(RailwayError) as caught:
        provider.create({"name": "cartly-staging", "owner": OWNER})
    assert theirs in str(caught.value)
    assert "did not make it" in str(caught.value)
    assert len([row for row in inventory(world.backend).of("project") if row.name == "cartly-staging"]) == 1


def test_the_owner_marker_stays_out_of_outputs_and_diffs(world: World) -> None:
    provider = configured(ProjectProvider(), world.fake.token, world.time)
    props = {"name": "cartly-staging", "description": "Cartly staging", "owner": OWNER}
    made = provider.create(dict(props))
    assert world.backend.projects[made.id].description == f"Cartly staging\npulumi-owner: {OWNER}"
    read = provider.read(made.id, {**props, **(made.outs or {})})
    assert read.outs is not None
    assert read.outs["description"] == "Cartly staging"
    assert provider.diff(made.id, read.outs, props).changes is False
    provider.update(made.id, read.outs, {**props, "description": "Cartly staging (EU)"})
    assert world.backend.projects[made.id].description == f"Cartly staging (EU)\npulumi-owner: {OWNER}"


def test_a_service_in_a_project_this_stack_did_not_make_is_refused(world: World) -> None:
    provider = configured(ServiceProvider(), world.fake.token, world.time)
    props = {
        "project_id": world.project_id,  # seeded by hand: no marker
        "environment_id": world.environment_id,
        "name": "web",
        "image": WEB_IMAGE,
        "owner": "cartly-infra/staging/web-service",
    }
    with pytest.raises(RailwayError) as caught:
        provider.create(props)
    assert world.web_id in str(caught.value)
    assert "adopt=True" in str(caught.value)


def deployed(world: World, provider: DeploymentProvider, revision: str, state: dict[str, Any] | None) -> dict:
    props = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "revision": revision,
        "health_domain": DOMAIN,
        "gate_attempts": 1,
    }
    if state is None:
        result = provider.create(props)
        return {**props, **(result.outs or {})}
    updated = provider.update(state["deployment_id"], state, props)
    return {**props, **(updated.outs or {})}


@pytest.fixture
def web_domain(world: World) -> None:
    add_web_domain(world, DOMAIN)


@pytest.mark.usefixtures("web_domain")
def test_when_the_recorded_deployment_is_gone_the_rollback_takes_an_earlier_gated_one(world: World) -> None:
    provider = configured(DeploymentProvider(), world.fake.token, world.time)
    first = deployed(world, provider, "rev-1", None)
    second = deployed(world, provider, "rev-2", first)
    assert second["gated"] == [second["deployment_id"], first["deployment_id"]]
    world.backend.delete_out_of_band("deployment", second["deployment_id"])
    world.backend.script_next_unhealthy(world.web_id)

    with pytest.raises(DeploymentFailed) as caught:
        deployed(world, provider, "rev-3", second)

    assert caught.value.rolled_back_to == first["deployment_id"]
    assert "the newest earlier deployment that passed this program's health gate" in str(caught.value)
    active = world.backend.active_deployment(world.web_id, world.environment_id)
    assert active.meta.get("rollbackFrom") == first["deployment_id"]  # Railway's rollback: a new deployment


@pytest.mark.usefixtures("web_domain")
def test_with_no_gated_deployment_left_the_error_says_none_can_be_trusted(world: World) -> None:
    provider = configured(DeploymentProvider(), world.fake.token, world.time)
    first = deployed(world, provider, "rev-1", None)
    world.backend.delete_out_of_band("deployment", first["deployment_id"])
    world.backend.script_next_unhealthy(world.web_id)
    mark = world.mark()

    with pytest.raises(DeploymentFailed, match="none can be trusted and nothing was rolled back") as caught:
        deployed(world, provider, "rev-2", first)

    assert caught.value.rolled_back_to is None
    assert first["deployment_id"] in str(caught.value)
    assert world.operations_since(mark).count("DeploymentRollback") == 0


def test_a_project_made_before_owner_markers_gets_its_marker_by_an_update(world: World) -> None:
    provider = configured(ProjectProvider(), world.fake.token, world.time)
    legacy = provider.create({"name": "cartly-staging", "description": "Cartly staging"})
    state = {"name": "cartly-staging", "description": "Cartly staging", **(legacy.outs or {})}
    news = {"name": "cartly-staging", "description": "Cartly staging", "owner": OWNER}

    diff = provider.diff(legacy.id, state, news)
    assert (diff.changes, diff.replaces) == (True, [])
    updated = provider.update(legacy.id, state, news)

    assert world.backend.projects[legacy.id].description == f"Cartly staging\npulumi-owner: {OWNER}"
    assert updated.outs is not None
    assert provider.diff(legacy.id, {**news, **updated.outs}, news).changes is False
