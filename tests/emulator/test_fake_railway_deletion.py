"""Self-tests of the emulator's soft deletion: deleted objects keep deletedAt in the backend, answer
"<Type> not found", and leave the lists; a service deleted in a fork stays elsewhere."""

from __future__ import annotations

import pytest

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

ENVIRONMENT = "query Environment($id: String!) { environment(id: $id) { id } }"
ENVIRONMENTS = """query Environments($projectId: String!) {
  environments(projectId: $projectId) { edges { node { name } } } }"""
ENV_DELETE = "mutation EnvironmentDelete($id: String!) { environmentDelete(id: $id) }"
ENV_CREATE = (
    "mutation EnvironmentCreate($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { id } }"
)
SERVICE = "query Service($id: String!) { service(id: $id) { id } }"
SERVICE_DELETE = """mutation ServiceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId) }"""
INSTANCE = """query ServiceInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { id } }"""
DEPLOYMENT = "query Deployment($id: String!) { deployment(id: $id) { id } }"


@pytest.fixture
def seeded(fake_railway: FakeRailway) -> dict[str, str]:
    ids = fake_railway.backend.seed_project("cartly", ("production", "staging"), {"web": "img:1"})
    return {
        "projectId": ids["project_id"],
        "production": ids["environments"]["production"],
        "staging": ids["environments"]["staging"],
        "serviceId": ids["services"]["web"],
    }


def test_a_deleted_environment_answers_not_found_and_leaves_the_list(
    gql: Gql, seeded: dict[str, str], fake_railway: FakeRailway
) -> None:
    gql.data(ENV_DELETE, {"id": seeded["staging"]})
    assert gql.errors(ENVIRONMENT, {"id": seeded["staging"]}) == ["Environment not found"]
    names = [e["node"]["name"] for e in gql.data(ENVIRONMENTS, seeded)["environments"]["edges"]]
    assert names == ["production"]
    assert fake_railway.backend.environments[seeded["staging"]].deleted_at is not None


def test_a_deployment_deleted_out_of_band_answers_not_found(
    gql: Gql, seeded: dict[str, str], fake_railway: FakeRailway
) -> None:
    deployment = fake_railway.backend.deploy(seeded["serviceId"], seeded["production"], "test")
    fake_railway.backend.delete_out_of_band("deployment", deployment.id)
    assert gql.errors(DEPLOYMENT, {"id": deployment.id}) == ["Deployment not found"]


def test_a_test_can_make_deleted_objects_answer_not_authorized_as_railway_also_does(
    gql: Gql, seeded: dict[str, str], fake_railway: FakeRailway
) -> None:
    gql.data(ENV_DELETE, {"id": seeded["staging"]})
    fake_railway.backend.deleted_answer_not_authorized = True
    assert gql.errors(ENVIRONMENT, {"id": seeded["staging"]}) == ["Not Authorized"]
    assert gql.errors(ENVIRONMENT, {"id": "never-existed"}) == ["Environment not found"]


def test_a_service_deleted_in_a_fork_stays_in_the_other_environments(
    gql: Gql, seeded: dict[str, str]
) -> None:
    fork_input = {"projectId": seeded["projectId"], "name": "pr-3", "sourceEnvironmentId": seeded["staging"]}
    fork_id = gql.data(ENV_CREATE, {"input": fork_input})["environmentCreate"]["id"]
    gql.data(SERVICE_DELETE, {"id": seeded["serviceId"], "environmentId": fork_id})
    gone = gql.errors(INSTANCE, {"serviceId": seeded["serviceId"], "environmentId": fork_id})
    kept = gql.data(INSTANCE, {"serviceId": seeded["serviceId"], "environmentId": seeded["staging"]})
    assert (gone, bool(kept["serviceInstance"]["id"])) == (["ServiceInstance not found"], True)


def test_a_service_deleted_naming_a_non_fork_environment_is_gone_everywhere(
    gql: Gql, seeded: dict[str, str]
) -> None:
    gql.data(SERVICE_DELETE, {"id": seeded["serviceId"], "environmentId": seeded["production"]})
    staging = gql.errors(INSTANCE, {"serviceId": seeded["serviceId"], "environmentId": seeded["staging"]})
    assert (staging, gql.errors(SERVICE, {"id": seeded["serviceId"]})) == (
        ["Service not found"],
        ["Service not found"],
    )


def test_deleting_out_of_band_an_unknown_kind_says_which_kinds_exist(fake_railway: FakeRailway) -> None:
    with pytest.raises(KeyError, match="kind is one of project, environment, service, deployment"):
        fake_railway.backend.delete_out_of_band("bucket", "x")
