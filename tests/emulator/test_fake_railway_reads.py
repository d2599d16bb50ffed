"""Self-tests of the emulator's list reads: pagination, the isEphemeral filter, deployment filters and
the known regions."""

from __future__ import annotations

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

PROJECTS_PAGE = """query Projects($first: Int, $after: String) {
  projects(first: $first, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }"""
ENVIRONMENTS = """query Environments($projectId: String!, $isEphemeral: Boolean) {
  environments(projectId: $projectId, isEphemeral: $isEphemeral) { edges { node { name isEphemeral } } } }"""
ENV_CREATE = (
    "mutation EnvironmentCreate($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { id } }"
)
DEPLOYMENTS = """query Deployments($input: DeploymentListInput!, $first: Int) {
  deployments(input: $input, first: $first) { edges { node { id status } } } }"""
REGIONS = "query Regions { regions { name } }"


def test_projects_page_with_first_and_after(gql: Gql, fake_railway: FakeRailway) -> None:
    for name in ("a", "b", "c"):
        fake_railway.backend.seed_project(name)
    first = gql.data(PROJECTS_PAGE, {"first": 2})["projects"]
    rest = gql.data(PROJECTS_PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]})["projects"]
    assert [e["node"]["name"] for e in first["edges"]] == ["a", "b"]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert [e["node"]["name"] for e in rest["edges"]] == ["c"]


def test_environments_filter_on_is_ephemeral(gql: Gql, fake_railway: FakeRailway) -> None:
    project_id = fake_railway.backend.seed_project("cartly", ("production", "staging"))["project_id"]
    gql.data(ENV_CREATE, {"input": {"projectId": project_id, "name": "pr-9", "ephemeral": True}})
    ephemeral = gql.data(ENVIRONMENTS, {"projectId": project_id, "isEphemeral": True})["environments"][
        "edges"
    ]
    lasting = gql.data(ENVIRONMENTS, {"projectId": project_id, "isEphemeral": False})["environments"]["edges"]
    assert [e["node"]["name"] for e in ephemeral] == ["pr-9"]
    assert [e["node"]["name"] for e in lasting] == ["production", "staging"]


def test_deployments_list_newest_first_filtered_by_service_and_status(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    seeded = fake_railway.backend.seed_project("cartly", ("production",), {"web": "img:1", "worker": "img:1"})
    env_id, web = seeded["environments"]["production"], seeded["services"]["web"]
    backend = fake_railway.backend
    first = backend.deploy(web, env_id, "test")
    backend.tick(3)
    second = backend.deploy(web, env_id, "test")
    backend.deploy(seeded["services"]["worker"], env_id, "test")
    listed = gql.data(DEPLOYMENTS, {"input": {"serviceId": web, "environmentId": env_id}})["deployments"][
        "edges"
    ]
    only = {"serviceId": web, "status": {"in": ["SUCCESS"]}}
    successes = gql.data(DEPLOYMENTS, {"input": only})["deployments"]["edges"]
    assert [e["node"]["id"] for e in listed] == [second.id, first.id]
    assert [e["node"]["id"] for e in successes] == [first.id]


def test_regions_lists_the_four_known_regions(gql: Gql) -> None:
    names = [r["name"] for r in gql.data(REGIONS)["regions"]]
    assert names == ["us-west2", "us-east4-eqdc4a", "europe-west4-drams3a", "asia-southeast1-eqsg3a"]
