"""Staging's life with the real engine (layer 4): first use, up from nothing, no-op, a rotated secret, a
failing health gate, an object deleted out of band. One emulator and one backend for the module; the tests
run in order and each leaves the stack converged for the next.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pulumi import automation as auto

from tests.engine.conftest import Ops, Tier, resource_id, resources

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]  # a module's first test brings its stack up

STACK = "staging"
DEPLOY = "serviceInstanceDeployV2"
UPSERT = "variableCollectionUpsert"
# What staging declares: 24 resources (the stack, its components, 13 Railway, the image pin, the docker
# provider, 4 GitHub: the environment, its branch policy, its release token secret and its APP_URL).
RAILWAY = [
    "cartly-environment",
    "cartly-project",
    "cartly-token",
    "cartly-web-deployment",
    "cartly-web-domain",
    "cartly-web-railway-domain",
    "cartly-web-service",
    "cartly-web-settings",
    "cartly-web-variables",
    "cartly-worker-deployment",
    "cartly-worker-service",
    "cartly-worker-settings",
    "cartly-worker-variables",
]


@pytest.fixture(scope="module")
def staging(tier: Tier) -> auto.Stack:
    return tier.engine.stack(STACK)


def test_init_stack_creates_the_stack_and_stores_every_secret_encrypted_with_the_passphrase(
    tier: Tier,
) -> None:
    done = tier.init_stack(STACK)
    assert done.returncode == 0, done.stderr
    stack_file = tier.engine.stack_file(STACK)
    data = yaml.safe_load(stack_file.read_text())
    secure = {key: value["secure"] for key, value in data["config"].items() if isinstance(value, dict)}
    assert len(secure) == 9  # the 8 long-lived secrets and the release token
    assert sorted(secure) == sorted(tier.given[STACK])
    assert all(value.startswith("v1:") for value in secure.values())
    assert str(data["encryptionsalt"]).startswith("v1:")
    text = stack_file.read_text()
    assert [s for s in tier.sentinels() if s in text] == []


def test_init_stack_run_again_changes_nothing(tier: Tier) -> None:
    before = tier.engine.stack_file(STACK).read_text()
    done = tier.init_stack(STACK, values={})
    assert done.returncode == 0, done.stderr
    assert "every secret already set" in done.stdout
    assert tier.engine.stack_file(STACK).read_text() == before


def test_a_preview_of_the_new_stack_plans_every_resource_and_sends_railway_no_mutation(
    tier: Tier, staging: auto.Stack
) -> None:
    start = tier.mark()
    ops = Ops()
    result = staging.preview(on_event=ops)
    assert result.change_summary == {auto.OpType.CREATE: 24}
    assert len(ops.named("create")) == 24
    assert set(RAILWAY) <= set(ops.named("create"))
    assert tier.mutations_since(start) == []


def test_up_of_staging_from_nothing_creates_every_resource_and_deploys_by_digest(
    tier: Tier, staging: auto.Stack
) -> None:
    ops = Ops()
    result = staging.up(on_event=ops)
    assert result.summary.result == "succeeded"
    assert result.summary.resource_changes == {"create": 24}
    assert set(RAILWAY) <= set(ops.named("create"))
    backend = tier.railway.backend
    outputs = result.outputs
    web, env = outputs["railwayServiceIds"].value["web"], outputs["railwayEnvironmentId"].value
    active = backend.active_deployment(web, env)
    assert active is not None and active.id == outputs["deploymentIds"].value["web"]
    assert outputs["image"].value.startswith("ghcr.io/cartly-app/cartly@sha256:")
    assert outputs["previewSecrets"].secret and outputs["railwayProjectToken"].secret


def test_a_preview_right_after_expects_no_changes_and_passes(tier: Tier, staging: auto.Stack) -> None:
    start = tier.mark()
    result = staging.preview(expect_no_changes=True)
    assert result.change_summary == {auto.OpType.SAME: 24}
    assert tier.mutations_since(start) == []


def test_one_secret_changed_updates_exactly_the_web_variables_and_the_web_deployment(
    tier: Tier, staging: auto.Stack
) -> None:
    tier.engine.set_secret(STACK, "cartly-infra:jwtSecret", "sentinel-staging-jwt-rotated-7c1d")
    tier.given[STACK]["rotated"] = "sentinel-staging-jwt-rotated-7c1d"
    start = tier.mark()
    ops = Ops()
    result = staging.up(on_event=ops)
    assert result.summary.result == "succeeded"
    assert ops.changed() == {"update": ["cartly-web-deployment", "cartly-web-variables"]}
    sent = tier.mutations_since(start)
    assert len(sent) == 2
    assert sorted(f for entry in sent for f in entry.root_fields) == [DEPLOY, UPSERT]
    upsert = next(entry.variables["input"] for entry in sent if UPSERT in entry.root_fields)
    assert upsert["variables"] == {"JWT_SECRET": "sentinel-staging-jwt-rotated-7c1d"}


def test_a_failing_health_gate_fails_the_run_keeps_the_previous_deployment_and_the_next_up_converges(
    tier: Tier, staging: auto.Stack
) -> None:
    backend = tier.railway.backend
    before = staging.outputs()
    web, env = before["railwayServiceIds"].value["web"], before["railwayEnvironmentId"].value
    good = before["deploymentIds"].value["web"]
    health_domain = before["healthDomain"].value
    tier.engine.set_secret(STACK, "cartly-infra:jwtSecret", "sentinel-staging-jwt-gate-3b9e")
    tier.given[STACK]["gate"] = "sentinel-staging-jwt-gate-3b9e"
    backend.set_health(health_domain, False)
    try:
        with pytest.raises(auto.CommandError) as failed:
            staging.up()
    finally:
        backend.set_health(health_domain, True)
    message = str(failed.value)
    assert "cartly-web-deployment" in message
    assert good in message and "rolled back" in message.lower()
    # Railway's rollback is a new deployment of the good one's image and variables (the strict emulator).
    active = backend.active_deployment(web, env)
    assert active is not None and (active.meta.get("reason"), active.meta.get("rollbackFrom")) == (
        "rollback",
        good,
    )
    ops = Ops()
    again = staging.up(on_event=ops)
    assert again.summary.result == "succeeded"
    assert ops.changed() == {"update": ["cartly-web-deployment"]}
    now_active = backend.active_deployment(web, env)
    assert now_active is not None
    assert now_active.id == again.outputs["deploymentIds"].value["web"] != good
    assert staging.preview(expect_no_changes=True).change_summary == {auto.OpType.SAME: 24}


def test_an_object_deleted_out_of_band_is_dropped_by_refresh_and_recreated_by_the_next_up(
    tier: Tier, staging: auto.Stack
) -> None:
    export = tier.engine.export(STACK)
    domain_id = resource_id(export, "cartly-web-domain")
    tier.railway.backend.delete_out_of_band("custom_domain", domain_id)
    refreshed = staging.refresh()
    assert refreshed.summary.resource_changes is not None
    assert refreshed.summary.resource_changes.get(auto.OpType.DELETE) == 1
    assert "cartly-web-domain" not in [r["urn"].split("::")[-1] for r in _resources(tier)]
    ops = Ops()
    result = staging.up(on_event=ops)
    assert ops.changed() == {"create": ["cartly-web-domain"]}
    assert resource_id(tier.engine.export(STACK), "cartly-web-domain") != domain_id
    assert result.summary.result == "succeeded"


def _resources(tier: Tier) -> list[dict[str, Any]]:
    return resources(tier.engine.export(STACK))
