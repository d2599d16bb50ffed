"""Self-tests of the Railway emulator's core: auth, schema validation, reset isolation, projects,
environments (source copy, fork semantics), service instances, variables, soft deletion."""

from __future__ import annotations

from typing import Any

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

PROJECT_CREATE = """mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { id name environments { edges { node { id name } } } } }"""
PROJECT = "query Project($id: String!) { project(id: $id) { id name deletedAt } }"
PROJECTS = "query Projects { projects { edges { node { id } } } }"
ENV_CREATE = """mutation EnvironmentCreate($input: EnvironmentCreateInput!) {
  environmentCreate(input: $input) { id name isEphemeral sourceEnvironment { id } } }"""
ENVIRONMENTS = """query Environments($projectId: String!) {
  environments(projectId: $projectId) { edges { node { id name } } } }"""
SERVICE_CREATE = (
    """mutation ServiceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id name } }"""
)
SERVICE = "query Service($id: String!) { service(id: $id) { id name } }"
SERVICE_DELETE = "mutation ServiceDelete($id: String!) { serviceDelete(id: $id) }"
INSTANCE = """query ServiceInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    startCommand numReplicas region restartPolicyType restartPolicyMaxRetries healthcheckTimeout
    sleepApplication builder watchPatterns source { image } } }"""
INSTANCE_UPDATE = """mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String,
  $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input) }"""
VARIABLES = """query Variables($projectId: String!, $environmentId: String!, $serviceId: String,
  $unrendered: Boolean) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId,
            unrendered: $unrendered) }"""
COLLECTION_UPSERT = """mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input) }"""
VARIABLE_DELETE = "mutation VariableDelete($input: VariableDeleteInput!) { variableDelete(input: $input) }"
DEPLOYMENTS = """query Deployments($input: DeploymentListInput!) {
  deployments(input: $input) { edges { node { id status } } } }"""


def create_project(gql: Gql, name: str = "cartly") -> tuple[str, str]:
    project = gql.data(PROJECT_CREATE, {"input": {"name": name}})["projectCreate"]
    return project["id"], project["environments"]["edges"][0]["node"]["id"]


def create_service(gql: Gql, project_id: str, environment_id: str | None, **extra: Any) -> str:
    service_input = {"projectId": project_id, "environmentId": environment_id, "name": "web", **extra}
    service_id: str = gql.data(SERVICE_CREATE, {"input": service_input})["serviceCreate"]["id"]
    return service_id


def test_a_request_without_a_token_is_refused_with_not_authorized(fake_railway: FakeRailway) -> None:
    assert Gql(fake_railway.url).errors(PROJECTS) == ["Not Authorized"]


def test_a_request_with_an_unknown_token_is_refused_with_not_authorized(fake_railway: FakeRailway) -> None:
    assert Gql(fake_railway.url, "not-a-real-token").errors(PROJECTS) == ["Not Authorized"]


def test_a_not_found_error_is_a_graphql_error_with_http_200_and_null_data(gql: Gql) -> None:
    response = gql.post(SERVICE, {"id": "missing"})
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert [(e["message"], e["path"]) for e in response.json()["errors"]] == [
        ("Service not found", ["service"])
    ]


def test_an_unknown_field_is_rejected_with_graphql_cores_validation_message(gql: Gql) -> None:
    response = gql.post("query Project($id: String!) { project(id: $id) { id colour } }", {"id": "x"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert errors[0]["message"] == "Cannot query field 'colour' on type 'Project'."


def test_state_from_one_test_is_gone_in_the_next_part_one(gql: Gql, fake_railway: FakeRailway) -> None:
    create_project(gql, "left-behind")
    assert len(gql.data(PROJECTS)["projects"]["edges"]) == 1
    fake_railway.backend.faults.http_status(503, count=5)  # left pending on purpose


def test_state_from_one_test_is_gone_in_the_next_part_two(gql: Gql, fake_railway: FakeRailway) -> None:
    assert fake_railway.backend.count() == 0
    assert fake_railway.backend.faults.pending() == 0
    assert gql.data(PROJECTS)["projects"]["edges"] == []


def test_the_fixture_points_the_environment_at_the_emulator(fake_railway: FakeRailway) -> None:
    import os

    assert os.environ["RAILWAY_API_URL"] == fake_railway.url
    assert os.environ["RAILWAY_API_TOKEN"] == fake_railway.token
    assert os.environ["RAILWAY_HEALTH_URL_TEMPLATE"].format(domain="a.b", path="/health") == (
        f"{fake_railway.base_url}/apps/a.b/health"
    )


def test_a_new_project_has_one_default_environment_named_production(gql: Gql) -> None:
    project_id, _ = create_project(gql)
    edges = gql.data(ENVIRONMENTS, {"projectId": project_id})["environments"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["production"]


def test_a_service_instance_reads_railways_defaults_for_unset_settings(gql: Gql) -> None:
    project_id, env_id = create_project(gql)
    service_id = create_service(gql, project_id, env_id)
    instance = gql.data(INSTANCE, {"serviceId": service_id, "environmentId": env_id})["serviceInstance"]
    assert instance == {
        "startCommand": None,
        "numReplicas": 1,
        "region": "us-west2",
        "restartPolicyType": "ON_FAILURE",
        "restartPolicyMaxRetries": 10,
        "healthcheckTimeout": None,
        "sleepApplication": False,
        "builder": "RAILPACK",
        "watchPatterns": [],
        "source": None,
    }


def test_an_omitted_setting_is_kept_and_a_null_one_is_unset(gql: Gql) -> None:
    project_id, env_id = create_project(gql)
    service_id = create_service(gql, project_id, env_id)
    ids = {"serviceId": service_id, "environmentId": env_id}
    gql.data(INSTANCE_UPDATE, {**ids, "input": {"startCommand": "serve", "numReplicas": 3}})
    gql.data(INSTANCE_UPDATE, {**ids, "input": {"numReplicas": None}})
    instance = gql.data(INSTANCE, ids)["serviceInstance"]
    assert (instance["startCommand"], instance["numReplicas"]) == ("serve", 1)


def test_an_environment_copied_from_a_source_gets_its_services_settings_and_variables(gql: Gql) -> None:
    project_id, prod_id = create_project(gql)
    service_id = create_service(gql, project_id, prod_id, source={"image": "img:1"}, variables={"A": "1"})
    gql.data(
        INSTANCE_UPDATE, {"serviceId": service_id, "environmentId": prod_id, "input": {"startCommand": "go"}}
    )
    copy_input = {"projectId": project_id, "name": "pr-7", "sourceEnvironmentId": prod_id, "ephemeral": True}
    copy = gql.data(ENV_CREATE, {"input": copy_input})["environmentCreate"]
    assert (copy["isEphemeral"], copy["sourceEnvironment"]) == (True, {"id": prod_id})
    instance = gql.data(INSTANCE, {"serviceId": service_id, "environmentId": copy["id"]})["serviceInstance"]
    assert (instance["startCommand"], instance["source"]) == ("go", {"image": "img:1"})
    ids = {"projectId": project_id, "environmentId": copy["id"], "serviceId": service_id, "unrendered": True}
    assert gql.data(VARIABLES, ids)["variables"]["A"] == "1"


def test_a_settings_change_in_a_fork_stays_in_the_fork(gql: Gql) -> None:
    project_id, prod_id = create_project(gql)
    service_id = create_service(gql, project_id, prod_id)
    fork_input = {"projectId": project_id, "name": "pr-1", "sourceEnvironmentId": prod_id}
    fork_id = gql.data(ENV_CREATE, {"input": fork_input})["environmentCreate"]["id"]
    gql.data(
        INSTANCE_UPDATE, {"serviceId": service_id, "environmentId": fork_id, "input": {"numReplicas": 4}}
    )
    prod = gql.data(INSTANCE, {"serviceId": service_id, "environmentId": prod_id})["serviceInstance"]
    fork = gql.data(INSTANCE, {"serviceId": service_id, "environmentId": fork_id})["serviceInstance"]
    assert (prod["numReplicas"], fork["numReplicas"]) == (1, 4)


def test_a_settings_change_naming_a_non_fork_environment_applies_to_every_non_fork_one(gql: Gql) -> None:
    project_id, prod_id = create_project(gql)
    staging_id = gql.data(ENV_CREATE, {"input": {"projectId": project_id, "name": "staging"}})[
        "environmentCreate"
    ]["id"]
    service_id = create_service(gql, project_id, None)
    gql.data(
        INSTANCE_UPDATE, {"serviceId": service_id, "environmentId": prod_id, "input": {"numReplicas": 2}}
    )
    staging = gql.data(INSTANCE, {"serviceId": service_id, "environmentId": staging_id})["serviceInstance"]
    assert staging["numReplicas"] == 2


def test_a_service_created_in_a_fork_exists_only_in_the_fork(gql: Gql) -> None:
    project_id, prod_id = create_project(gql)
    fork_input = {"projectId": project_id, "name": "pr-2", "sourceEnvironmentId": prod_id}
    fork_id = gql.data(ENV_CREATE, {"input": fork_input})["environmentCreate"]["id"]
    service_id = create_service(gql, project_id, fork_id)
    assert gql.errors(INSTANCE, {"serviceId": service_id, "environmentId": prod_id}) == [
        "ServiceInstance not found"
    ]


def test_variables_read_unrendered_keep_references_and_rendered_resolve_them(gql: Gql) -> None:
    project_id, env_id = create_project(gql)
    service_id = create_service(gql, project_id, env_id)
    values = {"HOST": "db.internal", "URL": "postgres://${{HOST}}/app", "SHARED": "${{shared.REGION}}"}
    base = {"projectId": project_id, "environmentId": env_id}
    gql.data(COLLECTION_UPSERT, {"input": {**base, "variables": {"REGION": "eu"}}})
    gql.data(COLLECTION_UPSERT, {"input": {**base, "serviceId": service_id, "variables": values}})
    raw = gql.data(VARIABLES, {**base, "serviceId": service_id, "unrendered": True})["variables"]
    rendered = gql.data(VARIABLES, {**base, "serviceId": service_id})["variables"]
    assert (raw["URL"], raw["SHARED"]) == ("postgres://${{HOST}}/app", "${{shared.REGION}}")
    assert (rendered["URL"], rendered["SHARED"]) == ("postgres://db.internal/app", "eu")


def test_a_collection_upsert_with_replace_removes_the_variables_it_does_not_name(gql: Gql) -> None:
    project_id, env_id = create_project(gql)
    base = {"projectId": project_id, "environmentId": env_id}
    gql.data(COLLECTION_UPSERT, {"input": {**base, "variables": {"OLD": "1", "KEEP": "1"}}})
    gql.data(COLLECTION_UPSERT, {"input": {**base, "variables": {"KEEP": "2"}, "replace": True}})
    assert gql.data(VARIABLES, base)["variables"] == {"KEEP": "2"}


def test_a_variable_write_deploys_the_service_unless_skip_deploys(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    project_id, env_id = create_project(gql)
    service_id = create_service(gql, project_id, env_id, source={"image": "img:1"})
    base = {"projectId": project_id, "environmentId": env_id, "serviceId": service_id}
    before = len(fake_railway.backend.instance_deployments(service_id, env_id))
    gql.data(COLLECTION_UPSERT, {"input": {**base, "variables": {"A": "1"}, "skipDeploys": True}})
    after_skip = len(fake_railway.backend.instance_deployments(service_id, env_id))
    gql.data(COLLECTION_UPSERT, {"input": {**base, "variables": {"A": "2"}}})
    after_deploy = len(fake_railway.backend.instance_deployments(service_id, env_id))
    assert (before, after_skip, after_deploy) == (1, 1, 2)


def test_a_variable_delete_always_deploys(gql: Gql, fake_railway: FakeRailway) -> None:
    project_id, env_id = create_project(gql)
    service_id = create_service(gql, project_id, env_id, source={"image": "img:1"}, variables={"A": "1"})
    base = {"projectId": project_id, "environmentId": env_id, "serviceId": service_id}
    gql.data(VARIABLE_DELETE, {"input": {**base, "name": "A"}})
    assert len(fake_railway.backend.instance_deployments(service_id, env_id)) == 2


def test_a_deleted_service_answers_not_found(gql: Gql) -> None:
    project_id, env_id = create_project(gql)
    service_id = create_service(gql, project_id, env_id)
    gql.data(SERVICE_DELETE, {"id": service_id})
    assert gql.errors(SERVICE, {"id": service_id}) == ["Service not found"]


def test_a_project_deleted_out_of_band_answers_not_found_and_leaves_the_list(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    seeded = fake_railway.backend.seed_project("adopt-me", ("production", "staging"), {"web": "img:1"})
    fake_railway.backend.delete_out_of_band("project", seeded["project_id"])
    assert gql.errors(PROJECT, {"id": seeded["project_id"]}) == ["Project not found"]
    assert gql.data(PROJECTS)["projects"]["edges"] == []
