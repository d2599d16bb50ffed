"""Self-tests of the emulator's project tokens: a minted token authenticates through Project-Access-Token
for one environment of one project, and is refused ("Not Authorized") anywhere else."""

from __future__ import annotations

import pytest

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

TOKEN_CREATE = (
    "mutation ProjectTokenCreate($input: ProjectTokenCreateInput!) { projectTokenCreate(input: $input) }"
)
TOKEN_DELETE = "mutation ProjectTokenDelete($id: String!) { projectTokenDelete(id: $id) }"
PROJECT_TOKEN = "query ProjectToken { projectToken { id projectId environmentId } }"
VARIABLE_UPSERT = "mutation VariableUpsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }"
VARIABLES = """query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId,
            unrendered: true) }"""
DEPLOY = """mutation ServiceInstanceDeployV2($serviceId: String!, $environmentId: String!) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId) }"""
ENV_CREATE = (
    "mutation EnvironmentCreate($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { id } }"
)


@pytest.fixture
def seeded(fake_railway: FakeRailway) -> dict[str, str]:
    ids = fake_railway.backend.seed_project("cartly", ("production", "staging"), {"web": "img:1"})
    return {
        "projectId": ids["project_id"],
        "staging": ids["environments"]["staging"],
        "production": ids["environments"]["production"],
        "serviceId": ids["services"]["web"],
    }


def web_in(seeded: dict[str, str], environment: str) -> dict[str, str]:
    """The GraphQL variables naming the web service in one environment."""
    return {
        "projectId": seeded["projectId"],
        "environmentId": seeded[environment],
        "serviceId": seeded["serviceId"],
    }


@pytest.fixture
def staging_token(fake_railway: FakeRailway, seeded: dict[str, str]) -> str:
    owner = Gql(fake_railway.url, fake_railway.token)
    token_input = {"projectId": seeded["projectId"], "environmentId": seeded["staging"], "name": "ci"}
    token: str = owner.data(TOKEN_CREATE, {"input": token_input})["projectTokenCreate"]
    return token


def test_a_project_token_reads_its_own_id_project_and_environment(
    fake_railway: FakeRailway, seeded: dict[str, str], staging_token: str
) -> None:
    me = Gql(fake_railway.url, project_token=staging_token).data(PROJECT_TOKEN)["projectToken"]
    assert (me["projectId"], me["environmentId"]) == (seeded["projectId"], seeded["staging"])
    assert fake_railway.backend.project_tokens[me["id"]].name == "ci"


def test_a_project_token_writes_variables_and_deploys_in_its_environment(
    fake_railway: FakeRailway, seeded: dict[str, str], staging_token: str
) -> None:
    ci = Gql(fake_railway.url, project_token=staging_token)
    scope = web_in(seeded, "staging")
    ci.data(VARIABLE_UPSERT, {"input": {**scope, "name": "A", "value": "1", "skipDeploys": True}})
    assert ci.data(VARIABLES, scope)["variables"]["A"] == "1"
    assert ci.data(DEPLOY, {"serviceId": seeded["serviceId"], "environmentId": seeded["staging"]})
    assert fake_railway.backend.requests[-1].token_kind == "project"


def test_a_project_token_is_refused_in_another_environment(
    fake_railway: FakeRailway, seeded: dict[str, str], staging_token: str
) -> None:
    ci = Gql(fake_railway.url, project_token=staging_token)
    scope = web_in(seeded, "production")
    assert ci.errors(VARIABLE_UPSERT, {"input": {**scope, "name": "A", "value": "1"}}) == ["Not Authorized"]
    assert ci.errors(DEPLOY, {"serviceId": seeded["serviceId"], "environmentId": seeded["production"]}) == [
        "Not Authorized"
    ]


def test_a_project_token_cannot_create_environments(
    fake_railway: FakeRailway, seeded: dict[str, str], staging_token: str
) -> None:
    ci = Gql(fake_railway.url, project_token=staging_token)
    assert ci.errors(ENV_CREATE, {"input": {"projectId": seeded["projectId"], "name": "pr-1"}}) == [
        "Not Authorized"
    ]


def test_a_deleted_project_token_no_longer_authenticates(
    fake_railway: FakeRailway, seeded: dict[str, str], staging_token: str
) -> None:
    ci = Gql(fake_railway.url, project_token=staging_token)
    token_id = ci.data(PROJECT_TOKEN)["projectToken"]["id"]
    Gql(fake_railway.url, fake_railway.token).data(TOKEN_DELETE, {"id": token_id})
    assert ci.errors(PROJECT_TOKEN) == ["Project Token not found"]
    scope = {"projectId": seeded["projectId"], "environmentId": seeded["staging"]}
    assert ci.errors(VARIABLES, scope) == ["Not Authorized"]


def test_an_unknown_project_token_is_refused(fake_railway: FakeRailway, seeded: dict[str, str]) -> None:
    ci = Gql(fake_railway.url, project_token="not-a-token")
    scope = {"projectId": seeded["projectId"], "environmentId": seeded["staging"]}
    assert ci.errors(VARIABLES, scope) == ["Not Authorized"]
    assert fake_railway.backend.requests[-1].token_kind == "invalid"


def test_the_standalone_token_option_adds_a_workspace_token(
    fake_railway: FakeRailway, seeded: dict[str, str]
) -> None:
    fake_railway.backend.add_workspace_token("my-own-token")
    project = "query Project($id: String!) { project(id: $id) { name } }"
    assert Gql(fake_railway.url, "my-own-token").data(project, {"id": seeded["projectId"]}) == {
        "project": {"name": "cartly"}
    }
