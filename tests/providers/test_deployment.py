"""Deployment against the emulator: deploy on a new revision, wait, health-gate, roll back on failure."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_railway.resources.deployment import DeploymentProvider
from pulumi_railway.toolkit.deploy_gate import DeploymentFailed
from tests.support.railway_world import FAULTS, World, configured, deployment_inputs, failures, seed_world

DOMAIN = "staging.cartly.io"


@pytest.fixture
def world(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    return seed_world(fake_railway, custom_domain=DOMAIN)


@pytest.fixture
def provider(world: World) -> DeploymentProvider:
    return configured(DeploymentProvider(), world.fake.token, world.time)


def props(world: World, revision: Any = "rev-1", **changes: Any) -> dict[str, Any]:
    return deployment_inputs(
        world,
        **{
            "revision": revision,
            "health_domain": DOMAIN,
            "health_path": "/health",
            "timeout_seconds": 60,
            **changes,
        },
    )


def created(provider: DeploymentProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = provider.create(news)
    return result.id, {**news, **(result.outs or {})}


def serving_a_rollback_of(world: World) -> str | None:
    """The deployment the active one rolled back to (Railway's rollback is a new deployment), else None."""
    active = world.backend.active_deployment(world.web_id, world.environment_id)
    return None if active is None else active.meta.get("rollbackFrom")


def redeploy_failing(
    world: World, provider: Any, outcome: str, **changes: Any
) -> tuple[str, DeploymentFailed]:
    """Deploy rev-1 successfully, then rev-2 scripted to `outcome`; (first deployment id, the error)."""
    id_, state = created(provider, props(world))
    if outcome == "UNHEALTHY":
        world.backend.script_next_unhealthy(world.web_id)
    else:
        world.backend.script_next_deploy(world.web_id, outcome)
    with pytest.raises(DeploymentFailed) as caught:
        provider.update(id_, state, props(world, "rev-2", **changes))
    return state["deployment_id"], caught.value


# --- success and no-change ----------------------------------------------------------------------------------


def test_create_deploys_once_waits_for_success_and_passes_the_gate(world: World, provider: Any) -> None:
    mark = world.mark()
    id_, outs = created(provider, props(world))
    assert world.operations_since(mark).count("ServiceInstanceDeployV2") == 1
    assert len(world.live_deployments(world.web_id)) == 1
    assert outs["deployment_id"] == id_ == world.active_deployment_id(world.web_id)
    assert outs["status"] == "SUCCESS"
    assert outs["url"] == f"https://{DOMAIN}"
    assert outs["rolled_back_to"] is None
    assert [(d, s) for d, _, s in world.backend.health_checks] == [(DOMAIN, 200)]


def test_polls_are_poll_interval_apart(world: World, provider: Any) -> None:
    created(provider, props(world, poll_interval_seconds=7))
    assert world.time.slept
    assert set(world.time.slept) == {7}


def test_a_long_build_is_polled_less_and_less_often_to_spare_the_hourly_budget(
    world: World, provider: Any
) -> None:
    mark = world.mark()
    redeploy_failing(world, provider, "HANG", timeout_seconds=300)
    reads = world.operations_since(mark).count("Deployment")
    assert reads <= 20  # both deploys; a fixed 5 s poll would read the hung one 60 times in 300 s
    assert max(world.time.slept) == 30.0


def test_a_new_revision_deploys_again_and_replaces_the_old_deployment(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    mark = world.mark()
    outs = provider.update(id_, state, props(world, "rev-2")).outs
    assert world.operations_since(mark).count("ServiceInstanceDeployV2") == 1
    assert outs["deployment_id"] != state["deployment_id"]
    assert world.active_deployment_id(world.web_id) == outs["deployment_id"]


def test_an_unchanged_revision_reports_no_change_and_deploys_nothing(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    mark = world.mark()
    result = provider.diff(id_, state, props(world))
    assert (result.changes, result.replaces) == (False, [])
    assert world.since(mark) == []


def test_changing_only_intervals_records_them_without_a_deploy(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    news = props(world, timeout_seconds=900, poll_interval_seconds=2, gate_interval_seconds=1)
    result = provider.diff(id_, state, news)
    assert (result.changes, result.replaces) == (True, [])
    mark = world.mark()
    outs = provider.update(id_, state, news).outs
    assert world.since(mark) == []
    assert outs["timeout_seconds"] == 900
    assert outs["deployment_id"] == state["deployment_id"]
    assert outs["status"] == "SUCCESS"


def test_a_worker_without_a_domain_is_gated_on_success_alone(world: World, provider: Any) -> None:
    _, outs = created(provider, props(world, service_id=world.worker_id, health_domain=None))
    assert outs["status"] == "SUCCESS"
    assert world.backend.health_checks == []


# --- failures and rollback ----------------------------------------------------------------------------------


def test_a_failed_deploy_leaves_the_previous_deployment_serving_and_says_so(
    world: World, provider: Any
) -> None:
    first, error = redeploy_failing(world, provider, "FAILED")
    assert "Railway reports it FAILED" in str(error)
    assert error.deployment_id in str(error)
    assert (
        f"previous deployment {first} (the deployment the state recorded as healthy) is still active"
        in str(error)
    )
    assert world.active_deployment_id(world.web_id) == first


def test_a_crashed_deploy_leaves_the_previous_deployment_serving_and_says_so(
    world: World, provider: Any
) -> None:
    first, error = redeploy_failing(world, provider, "CRASHED")
    assert "Railway reports it CRASHED" in str(error)
    assert first in str(error)
    assert world.active_deployment_id(world.web_id) == first


def test_a_deploy_past_its_timeout_is_cancelled_and_the_error_says_so(world: World, provider: Any) -> None:
    first, error = redeploy_failing(world, provider, "HANG", timeout_seconds=30)
    hung = world.backend.deployments[error.deployment_id]
    assert "did not finish within 30s" in str(error)
    assert hung.status == "REMOVED"
    assert world.active_deployment_id(world.web_id) == first


def test_a_failing_health_gate_rolls_back_to_the_previous_deployment(world: World, provider: Any) -> None:
    mark = world.mark()
    first, error = redeploy_failing(world, provider, "UNHEALTHY")
    assert world.operations_since(mark).count("DeploymentRollback") == 1
    assert serving_a_rollback_of(world) == first
    assert error.rolled_back_to == first
    assert f"rolled back to deployment {first}" in str(error)
    assert "health check" in str(error)
    assert "failed 3 time(s) (last: HTTP 503)" in str(error)


def test_a_new_domain_that_answers_404_for_a_while_passes_the_gate_within_the_grace(
    world: World, provider: Any
) -> None:
    world.backend.set_domain_warmup(6)  # 6 probes 5 s apart: past 3 attempts, within a 60 s grace
    _id, outs = created(provider, props(world, gate_grace_seconds=60))
    assert outs["status"] == "SUCCESS"
    assert world.backend.count("DeploymentRollback") == 0
    assert [s for _, _, s in world.backend.health_checks] == [404] * 6 + [200]


def test_the_grace_is_bounded_an_unhealthy_deploy_still_rolls_back_after_it(
    world: World, provider: Any
) -> None:
    first, error = redeploy_failing(world, provider, "UNHEALTHY", gate_grace_seconds=20)
    assert serving_a_rollback_of(world) == first
    assert "failed 3 time(s) (last: HTTP 503), after a grace of 20s" in str(error)
    assert len(world.backend.health_checks) == 1 + 4 + 3  # the first deploy's; 20 s of uncounted; 3 counted


def test_after_a_rollback_the_variables_the_stack_set_are_put_back_for_the_next_deploy(
    world: World, provider: Any
) -> None:
    key = (world.project_id, world.environment_id, world.web_id)
    world.backend.variables[key] = {"RELEASE": "1"}
    id_, state = created(provider, props(world))
    world.backend.variables[key] = {"RELEASE": "2", "ADDED": "by the stack"}  # as Variables writes them
    world.backend.script_next_unhealthy(world.web_id)
    with pytest.raises(DeploymentFailed) as caught:
        provider.update(id_, state, props(world, "rev-2"))

    active = world.backend.active_deployment(world.web_id, world.environment_id)
    assert active is not None
    assert active.meta.get("rollbackFrom") == state["deployment_id"]
    assert active.variables == {"RELEASE": "1"}  # Railway's rollback ran with the old deployment's values
    assert world.backend.variables[key] == {"RELEASE": "2", "ADDED": "by the stack"}
    assert "variables the stack set were put back" in str(caught.value)


def test_read_lag_after_the_rollback_does_not_make_it_send_twice(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    world.backend.set_read_lag(2)
    world.backend.script_next_unhealthy(world.web_id)
    with pytest.raises(DeploymentFailed):
        provider.update(id_, state, props(world, "rev-2"))
    assert world.backend.count("DeploymentRollback") == 1
    assert serving_a_rollback_of(world) == state["deployment_id"]


def test_a_first_deploy_that_fails_has_nothing_to_roll_back_to(world: World, provider: Any) -> None:
    world.backend.script_next_deploy(world.web_id, "FAILED")
    mark = world.mark()
    with pytest.raises(DeploymentFailed, match="none can be trusted and nothing was rolled back") as caught:
        provider.create(props(world))
    assert world.operations_since(mark).count("DeploymentRollback") == 0
    assert caught.value.rolled_back_to is None


# --- transport faults --------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_on_the_trigger_still_makes_exactly_one_deployment(
    world: World, provider: Any, fault: str
) -> None:
    world.inject(fault, "ServiceInstanceDeployV2")
    id_, outs = created(provider, props(world))
    assert [d.id for d in world.live_deployments(world.web_id)] == [id_]
    assert outs["status"] == "SUCCESS"
    assert world.backend.faults.pending() == 0  # the fault did happen


def test_a_lost_trigger_answer_under_read_lag_never_adopts_a_deployment_railway_started_on_its_own(
    world: World, provider: Any
) -> None:
    theirs = world.backend.deploy(world.web_id, world.environment_id, "serviceCreate")  # just before ours
    world.backend.set_read_lag(1)
    world.inject("connection reset after apply", "ServiceInstanceDeployV2")

    _id, outs = created(provider, props(world))

    ours = [d for d in world.live_deployments(world.web_id) if d.meta.get("reason") == "deploy"]
    assert len(ours) == 1
    assert outs["deployment_id"] == ours[0].id != theirs.id
    assert world.backend.count("ServiceInstanceDeployV2") == 1


def test_a_deployment_railway_starts_after_ours_is_waited_out_not_taken_for_a_failure(
    world: World, provider: Any
) -> None:
    id_, state = created(provider, props(world))
    sleep = world.time.sleep

    def railway_deploys_too(seconds: float) -> None:  # e.g. an instance update that deploys (API.md §8)
        if not [d for d in world.live_deployments(world.web_id) if d.meta.get("reason") == "instanceUpdate"]:
            world.backend.deploy(world.web_id, world.environment_id, "instanceUpdate")
        sleep(seconds)

    world.time.sleep = railway_deploys_too  # type: ignore[method-assign]
    outs = provider.update(id_, state, props(world, "rev-2")).outs

    theirs = [d for d in world.live_deployments(world.web_id) if d.meta.get("reason") == "instanceUpdate"]
    assert len(theirs) == 1
    assert outs["deployment_id"] == theirs[0].id == world.active_deployment_id(world.web_id)
    assert outs["status"] == "SUCCESS"
    assert world.backend.count("DeploymentRollback") == 0


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_on_the_rollback_still_rolls_back(world: World, provider: Any, fault: str) -> None:
    world.inject(fault, "DeploymentRollback")
    first, error = redeploy_failing(world, provider, "UNHEALTHY")
    rollbacks = [d for d in world.live_deployments(world.web_id) if d.meta.get("rollbackFrom")]
    assert len(rollbacks) == 1  # a rollback whose answer was lost is recognised, never sent twice
    assert serving_a_rollback_of(world) == first
    assert f"rolled back to deployment {first}" in str(error)
    assert world.backend.faults.pending() == 0  # the fault did happen


def test_errors_while_polling_back_off_and_the_wait_goes_on(world: World, provider: Any) -> None:
    world.backend.faults.http_status(503, count=40, operation="Deployment")
    _, outs = created(provider, props(world, poll_interval_seconds=5, timeout_seconds=3600))
    assert outs["status"] == "SUCCESS"
    assert {10, 20} <= set(world.time.slept)
    assert world.backend.faults.pending() == 0  # the fault did happen


# --- refresh, delete, check ------------------------------------------------------------------------------


def test_read_reports_the_deployment_status(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    created(provider, props(world, "rev-2"))
    result = provider.read(id_, state)
    assert result.id == id_
    assert result.outs["status"] == "REMOVED"


def test_read_after_an_out_of_band_delete_returns_an_empty_id(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    world.backend.delete_out_of_band("deployment", id_)
    assert provider.read(id_, state).id == ""


def test_delete_sends_nothing_and_succeeds_twice(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    mark = world.mark()
    provider.delete(id_, state)
    provider.delete(id_, state)
    assert world.since(mark) == []
    assert world.active_deployment_id(world.web_id) == id_


def test_check_names_each_bad_input_and_the_fix(provider: Any, world: World) -> None:
    found = failures(provider, props(world, revision="", health_path="health", gate_attempts=0))
    assert sorted(found) == ["gate_attempts", "health_path", "revision"]
    assert "must start with '/'" in found["health_path"]


def test_check_tolerates_an_unknown_revision_at_preview(provider: Any, world: World) -> None:
    assert failures(provider, props(world, revision=pulumi.output.Unknown())) == {}


def test_gate_inputs_left_out_fall_back_to_their_defaults(world: World, provider: Any) -> None:
    bare = {k: v for k, v in props(world).items() if not k.endswith(("_seconds", "_attempts"))}
    id_, state = created(provider, bare)
    assert state["status"] == "SUCCESS"
    assert state["timeout_seconds"] is None
    assert provider.read(id_, state).outs["status"] == "SUCCESS"
    assert set(world.time.slept) == {5}
