"""Self-tests of the emulator's deployments: the state machine driven by polling, scripted outcomes,
rollback, and the health endpoint of what a domain serves."""

from __future__ import annotations

import pytest
import requests

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

DEPLOY = """mutation ServiceInstanceDeployV2($serviceId: String!, $environmentId: String!) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId) }"""
DEPLOYMENT = "query Deployment($id: String!) { deployment(id: $id) { id status canRollback url } }"
ROLLBACK = "mutation DeploymentRollback($id: String!) { deploymentRollback(id: $id) }"
SERVICE_DOMAIN_CREATE = """mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { id domain } }"""


@pytest.fixture
def ids(fake_railway: FakeRailway) -> dict[str, str]:
    seeded = fake_railway.backend.seed_project("cartly", ("production",), {"web": "ghcr.io/cartly/web:1"})
    return {"serviceId": seeded["services"]["web"], "environmentId": seeded["environments"]["production"]}


def deploy(gql: Gql, ids: dict[str, str]) -> str:
    deployment_id: str = gql.data(DEPLOY, ids)["serviceInstanceDeployV2"]
    return deployment_id


def poll(gql: Gql, deployment_id: str, times: int) -> list[str]:
    return [gql.data(DEPLOYMENT, {"id": deployment_id})["deployment"]["status"] for _ in range(times)]


def deploy_to_success(gql: Gql, ids: dict[str, str]) -> str:
    deployment_id = deploy(gql, ids)
    assert poll(gql, deployment_id, 3)[-1] == "SUCCESS"
    return deployment_id


def test_a_deployment_advances_one_step_per_read_to_success(gql: Gql, ids: dict[str, str]) -> None:
    deployment_id = deploy(gql, ids)
    assert poll(gql, deployment_id, 4) == ["BUILDING", "DEPLOYING", "SUCCESS", "SUCCESS"]


def test_a_deployment_scripted_to_fail_ends_failed_after_building(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.script_next_deploy(outcome="FAILED")
    assert poll(gql, deploy(gql, ids), 3) == ["BUILDING", "FAILED", "FAILED"]


def test_a_deployment_scripted_to_crash_ends_crashed_after_deploying(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.script_next_deploy(ids["serviceId"], "CRASHED")
    assert poll(gql, deploy(gql, ids), 3) == ["BUILDING", "DEPLOYING", "CRASHED"]


def test_a_deployment_scripted_to_hang_stays_building(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.script_next_deploy(outcome="HANG")
    assert poll(gql, deploy(gql, ids), 5) == ["BUILDING"] * 5


def test_a_script_for_another_service_leaves_this_deployment_alone(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.script_next_deploy("some-other-service", "FAILED")
    assert poll(gql, deploy(gql, ids), 3)[-1] == "SUCCESS"
    assert len(fake_railway.backend.deploy_outcomes) == 1


def test_tick_advances_deployments_without_reads(ids: dict[str, str], fake_railway: FakeRailway) -> None:
    backend = fake_railway.backend
    deployment = backend.deploy(ids["serviceId"], ids["environmentId"], "test")
    backend.tick(3)
    assert (deployment.status, backend.count()) == ("SUCCESS", 0)


def test_a_new_success_replaces_the_active_one_which_can_then_be_rolled_back_to(
    gql: Gql, ids: dict[str, str]
) -> None:
    first = deploy_to_success(gql, ids)
    second = deploy_to_success(gql, ids)
    old = gql.data(DEPLOYMENT, {"id": first})["deployment"]
    new = gql.data(DEPLOYMENT, {"id": second})["deployment"]
    assert (old["status"], old["canRollback"]) == ("REMOVED", True)
    assert (new["status"], new["canRollback"]) == ("SUCCESS", False)


def test_rollback_is_a_new_deployment_that_restores_the_old_ones_variables(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    backend = fake_railway.backend
    key = (backend.services[ids["serviceId"]].project_id, ids["environmentId"], ids["serviceId"])
    backend.variables[key] = {"RELEASE": "1"}
    first = deploy_to_success(gql, ids)
    backend.variables[key] = {"RELEASE": "2", "ADDED": "yes"}
    second = deploy_to_success(gql, ids)

    assert gql.data(ROLLBACK, {"id": first}) == {"deploymentRollback": True}

    deployments = backend.instance_deployments(ids["serviceId"], ids["environmentId"])
    assert len(deployments) == 3
    rollback = deployments[0]
    assert rollback.id not in (first, second)
    assert backend.variables[key] == {"RELEASE": "1"}
    assert poll(gql, rollback.id, 3)[-1] == "SUCCESS"
    assert gql.data(DEPLOYMENT, {"id": first})["deployment"]["status"] == "REMOVED"
    assert gql.data(DEPLOYMENT, {"id": second})["deployment"]["status"] == "REMOVED"


def test_rollback_to_a_deployment_that_never_succeeded_is_refused(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    deploy_to_success(gql, ids)
    fake_railway.backend.script_next_deploy(outcome="FAILED")
    failed = deploy(gql, ids)
    poll(gql, failed, 2)
    assert gql.errors(ROLLBACK, {"id": failed}) == ["Deployment cannot be rolled back"]


def test_a_new_deployment_supersedes_one_still_in_progress(gql: Gql, ids: dict[str, str]) -> None:
    first = deploy(gql, ids)
    deploy(gql, ids)
    assert gql.data(DEPLOYMENT, {"id": first})["deployment"]["status"] == "REMOVED"


def health(fake_railway: FakeRailway, domain: str) -> requests.Response:
    return requests.get(fake_railway.health_url(domain), timeout=5)


def service_domain(gql: Gql, ids: dict[str, str]) -> str:
    created = gql.data(SERVICE_DOMAIN_CREATE, {"input": {**ids, "targetPort": 3000}})["serviceDomainCreate"]
    domain: str = created["domain"]
    return domain


def test_the_health_endpoint_answers_ok_once_a_deployment_is_active(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    domain = service_domain(gql, ids)
    before = health(fake_railway, domain).status_code
    deploy_to_success(gql, ids)
    after = health(fake_railway, domain)
    assert (before, after.status_code, after.json()) == (503, 200, {"status": "ok"})


def test_a_fresh_domain_answers_404_for_its_warm_up_after_the_deploy_succeeds(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.set_domain_warmup(2)
    domain = service_domain(gql, ids)
    deploy_to_success(gql, ids)
    statuses = [health(fake_railway, domain).status_code for _ in range(4)]
    assert statuses == [404, 404, 200, 200]


def test_the_health_endpoint_answers_503_when_a_test_sets_the_domain_unhealthy(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    domain = service_domain(gql, ids)
    deploy_to_success(gql, ids)
    fake_railway.backend.set_health(domain, False)
    assert health(fake_railway, domain).status_code == 503


def test_an_unhealthy_deployment_is_cured_by_rolling_back(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    domain = service_domain(gql, ids)
    good = deploy_to_success(gql, ids)
    fake_railway.backend.script_next_unhealthy(ids["serviceId"])
    deploy_to_success(gql, ids)
    unhealthy = health(fake_railway, domain).status_code
    gql.data(ROLLBACK, {"id": good})
    fake_railway.backend.tick(3)
    assert (unhealthy, health(fake_railway, domain).status_code) == (503, 200)


def test_the_health_endpoint_answers_404_for_an_unknown_domain(fake_railway: FakeRailway) -> None:
    assert health(fake_railway, "nobody.example.com").status_code == 404


def test_the_deployment_url_is_the_services_domain(gql: Gql, ids: dict[str, str]) -> None:
    domain = service_domain(gql, ids)
    deployment_id = deploy(gql, ids)
    assert gql.data(DEPLOYMENT, {"id": deployment_id})["deployment"]["url"] == f"https://{domain}"


INSTANCE_UPDATE = """mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String,
  $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input) }"""
PLACEMENT = """query ServiceInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    region latestDeployment { meta } } }"""


def placement(gql: Gql, ids: dict[str, str]) -> tuple[str | None, dict[str, object]]:
    node = gql.data(PLACEMENT, ids)["serviceInstance"]
    return node["region"], node["latestDeployment"]["meta"]["serviceManifest"]["deploy"]["multiRegionConfig"]


def test_region_reads_back_null_and_placement_is_the_deployments_multi_region_config(
    gql: Gql, ids: dict[str, str]
) -> None:
    regions = {"europe-west4-drams3a": {"numReplicas": 2}}
    gql.data(INSTANCE_UPDATE, {**ids, "input": {"multiRegionConfig": regions}})
    deploy_to_success(gql, ids)
    assert placement(gql, ids) == (None, regions)


def test_the_legacy_region_field_places_nothing(gql: Gql, ids: dict[str, str]) -> None:
    gql.data(INSTANCE_UPDATE, {**ids, "input": {"region": "europe-west4-drams3a"}})
    deploy_to_success(gql, ids)
    assert placement(gql, ids) == (None, {"us-west2": {"numReplicas": 1}})


DEPLOYMENTS = """query Deployments($input: DeploymentListInput!) {
  deployments(input: $input, first: 5) { edges { node { id } } } }"""


def test_right_after_a_trigger_the_previous_deployment_still_reads_as_the_latest(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    first = deploy_to_success(gql, ids)
    fake_railway.backend.set_read_lag(2)
    second = deploy(gql, ids)

    def newest() -> str:
        return str(gql.data(DEPLOYMENTS, {"input": ids})["deployments"]["edges"][0]["node"]["id"])

    assert [newest(), newest(), newest()] == [first, first, second]
    assert gql.data(DEPLOYMENT, {"id": second})["deployment"]["id"] == second  # by id: at once


SERVICE_CREATE = (
    """mutation ServiceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id } }"""
)


def test_service_create_with_a_private_image_deploys_at_once_and_fails_to_pull(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    backend = fake_railway.backend
    backend.set_private_registry("ghcr.io/cartly-app/")
    project_id = backend.services[ids["serviceId"]].project_id
    source = {"image": "ghcr.io/cartly-app/cartly:1"}
    created = gql.data(SERVICE_CREATE, {"input": {"projectId": project_id, "name": "api", "source": source}})

    [doomed] = backend.instance_deployments(created["serviceCreate"]["id"], ids["environmentId"])
    assert poll(gql, doomed.id, 3)[-1] == "FAILED"


def test_a_private_image_pulls_once_the_instance_has_registry_credentials(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.set_private_registry("ghcr.io/cartly/")
    creds = {"username": "bot", "password": "pw"}
    gql.data(INSTANCE_UPDATE, {**ids, "input": {"registryCredentials": creds}})
    assert poll(gql, deploy(gql, ids), 3)[-1] == "SUCCESS"


def test_a_service_created_without_a_source_does_not_deploy(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    backend = fake_railway.backend
    project_id = backend.services[ids["serviceId"]].project_id
    created = gql.data(SERVICE_CREATE, {"input": {"projectId": project_id, "name": "api"}})
    assert backend.instance_deployments(created["serviceCreate"]["id"], ids["environmentId"]) == []


def test_an_instance_update_can_be_made_to_deploy(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.set_instance_update_deploys()
    gql.data(INSTANCE_UPDATE, {**ids, "input": {"numReplicas": 2}})
    assert len(fake_railway.backend.instance_deployments(ids["serviceId"], ids["environmentId"])) == 1
