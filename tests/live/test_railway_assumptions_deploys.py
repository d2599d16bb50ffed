"""Live conformance, deploys: which writes start a deployment (instance updates, variables with and without
skipDeploys, variable deletes), unrendered variables, deployV2, rollback as a new deployment, and placement.
Runs on the emulator and, marked `integration`, on real Railway (README.md beside it)."""

from __future__ import annotations

from pulumi_railway.api import deployments as deploy_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.toolkit import instance_settings
from tests.support.railway_sandbox import Sandbox
from tests.support.railway_sandbox import sandbox_fixture as sandbox_fixture  # a fixture, used by name
from tests.support.railway_target import TERMINAL, wait_until
from tests.support.railway_target import target_fixture as target_fixture  # a fixture, used by name

IMAGE = "nginx:alpine"  # a tiny public image real Railway can pull (the emulator takes any reference)
DEPLOYMENT_STATUSES = TERMINAL | {
    "BUILDING",
    "DEPLOYING",
    "INITIALIZING",
    "NEEDS_APPROVAL",
    "QUEUED",
    "WAITING",
}


# --- instance settings -------------------------------------------------------------------------------------


def test_service_instance_update_starts_no_deployment(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")

    sandbox.update_instance(
        service_id,
        sandbox.base_environment_id,
        {"source": {"image": IMAGE}, "startCommand": "nginx -g 'daemon off;'"},
    )
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert sandbox.deployment_ids(service_id) == []


def test_service_create_with_an_image_deploys_at_once_and_without_a_source_does_not(
    sandbox: Sandbox,
) -> None:
    """Why Service creates without a source (API.md §8): with one, Railway deploys before credentials."""
    with_image = sandbox.create_service("it-web", image=IMAGE)
    without = sandbox.create_service("it-worker")

    started = wait_until(sandbox.target, lambda: sandbox.deployment_ids(with_image), bool)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(started) >= 1
    assert sandbox.deployment_ids(without) == []


def test_registry_credentials_are_accepted_on_pro_or_refused_naming_the_pro_plan(sandbox: Sandbox) -> None:
    """What ServiceInstance's Hobby message relies on: a refusal names the Pro plan (schema description)."""
    refused = sandbox.registry_credentials_refusal()

    assert refused == "" or "pro plan" in refused.lower(), refused


# --- variables ---------------------------------------------------------------------------------------------


def _deployed_service(box: Sandbox, variables: dict[str, str] | None = None) -> tuple[str, int]:
    """A service created with an image (as the provider creates them); its deployment count once settled."""
    service_id = box.create_service("it-web", image=IMAGE, variables=variables)
    box.target.sleep(box.target.quiet_seconds)
    return service_id, len(box.deployment_ids(service_id))


def test_variable_collection_upsert_with_skip_deploys_starts_no_deployment(sandbox: Sandbox) -> None:
    service_id, before = _deployed_service(sandbox)

    sandbox.upsert_variables(service_id, {"IT_QUIET": "1"}, skip_deploys=True)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(sandbox.deployment_ids(service_id)) == before


def test_variable_collection_upsert_without_skip_deploys_starts_one_deployment(sandbox: Sandbox) -> None:
    service_id, before = _deployed_service(sandbox)

    sandbox.upsert_variables(service_id, {"IT_LOUD": "1"}, skip_deploys=False)
    wait_until(sandbox.target, lambda: sandbox.deployment_ids(service_id), lambda ids: len(ids) > before)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(sandbox.deployment_ids(service_id)) == before + 1


def test_variable_delete_starts_one_deployment(sandbox: Sandbox) -> None:
    service_id, before = _deployed_service(sandbox, {"IT_DOOMED": "1"})
    scope = sandbox.scope()

    sandbox.client.execute(
        ops.VARIABLE_DELETE, {"input": {**scope, "serviceId": service_id, "name": "IT_DOOMED"}}
    )
    wait_until(sandbox.target, lambda: sandbox.deployment_ids(service_id), lambda ids: len(ids) > before)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(sandbox.deployment_ids(service_id)) == before + 1


def test_variables_unrendered_keeps_references_a_rendered_read_resolves(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")
    sandbox.upsert_variables(None, {"IT_TARGET": "hello"}, skip_deploys=True)
    sandbox.upsert_variables(service_id, {"IT_REF": "${{shared.IT_TARGET}}"}, skip_deploys=True)

    unrendered = sandbox.variables(service_id, unrendered=True)
    rendered = sandbox.variables(service_id)

    assert unrendered.get("IT_REF") == "${{shared.IT_TARGET}}"
    assert rendered.get("IT_REF") == "hello"


# --- deployments (each costs a tiny deployment on real Railway) ---------------------------------------------


def _service_with_image(box: Sandbox) -> str:
    service_id = box.create_service("it-web")
    box.update_instance(service_id, box.base_environment_id, {"source": {"image": IMAGE}})
    return service_id


def test_service_instance_deploy_v2_returns_a_deployment_id_whose_status_reaches_success(
    sandbox: Sandbox,
) -> None:
    deployment_id = sandbox.deploy(_service_with_image(sandbox))

    seen = sandbox.wait_for_terminal(deployment_id)

    assert set(seen) <= DEPLOYMENT_STATUSES
    assert seen[-1] in TERMINAL, f"no terminal status within the limit: {seen}"
    assert seen[-1] == "SUCCESS"


def test_deployment_rollback_is_a_new_deployment_that_restores_the_old_deployments_variables(
    sandbox: Sandbox,
) -> None:
    """Railway's docs (guides/roll-back-bad-deploy.md); what deploy_gate's rollback and restore rely on."""
    service_id = _service_with_image(sandbox)
    sandbox.upsert_variables(service_id, {"IT_RELEASE": "1"}, skip_deploys=True)
    first = sandbox.deploy(service_id)
    assert sandbox.wait_for_terminal(first)[-1] == "SUCCESS"
    sandbox.upsert_variables(service_id, {"IT_RELEASE": "2"}, skip_deploys=True)
    second = sandbox.deploy(service_id)
    assert sandbox.wait_for_terminal(second)[-1] == "SUCCESS"
    replaced = sandbox.deployment(first)
    assert (replaced["status"], replaced["canRollback"]) == ("REMOVED", True)
    before = sandbox.deployment_ids(service_id)

    sandbox.client.execute(deploy_ops.DEPLOYMENT_ROLLBACK, {"id": first})
    after = wait_until(
        sandbox.target, lambda: sandbox.deployment_ids(service_id), lambda ids: len(ids) > len(before)
    )

    new = [deployment_id for deployment_id in after if deployment_id not in before]
    assert len(new) == 1
    assert sandbox.wait_for_terminal(new[0])[-1] == "SUCCESS"
    assert sandbox.deployment(first)["status"] == "REMOVED"
    assert sandbox.variables(service_id, unrendered=True).get("IT_RELEASE") == "1"


def test_region_reads_back_null_and_the_deployment_records_the_multi_region_config_it_placed(
    sandbox: Sandbox,
) -> None:
    """What ServiceInstance's refresh relies on (API.md §8, Terraform provider 93853d5)."""
    service_id = _service_with_image(sandbox)
    env = sandbox.base_environment_id
    sandbox.update_instance(service_id, env, {"multiRegionConfig": {"us-west2": {"numReplicas": 1}}})
    assert sandbox.wait_for_terminal(sandbox.deploy(service_id))[-1] == "SUCCESS"

    instance = sandbox.instance(service_id, env)

    assert instance["region"] is None
    assert instance_settings.placement(instance) == {"us-west2": 1}
