"""Self-tests of the emulator's limits as Railway applies them: creation cool-downs (HTTP 200 GraphQL errors,
nothing applied) and the Hobby plan's budgets (1,000 requests an hour, 10 a second, per token)."""

from __future__ import annotations

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

PROJECT_CREATE = "mutation ProjectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { id } }"
PROJECTS = "query Projects { projects { edges { node { id } } } }"


def live_projects(fake_railway: FakeRailway) -> list[str]:
    return [p.name for p in fake_railway.backend.projects.values() if p.live]


def test_a_create_within_its_cool_down_is_a_graphql_error_with_http_200_and_applies_nothing(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    backend = fake_railway.backend
    backend.freeze_time()
    backend.set_cooldown("projectCreate", 30)
    gql.data(PROJECT_CREATE, {"input": {"name": "a"}})

    errors = gql.errors(PROJECT_CREATE, {"input": {"name": "b"}})

    assert len(errors) == 1
    assert "too quickly" in errors[0]
    assert live_projects(fake_railway) == ["a"]
    backend.advance_time(30)
    gql.data(PROJECT_CREATE, {"input": {"name": "b"}})
    assert live_projects(fake_railway) == ["a", "b"]


def test_hobby_allows_ten_requests_a_second_per_token_then_429_with_retry_after(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    backend = fake_railway.backend
    backend.freeze_time()
    backend.set_plan("HOBBY")

    statuses = [gql.post(PROJECTS).status_code for _ in range(11)]

    assert statuses.count(200) == 10
    refused = gql.post(PROJECTS)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "1")
    backend.advance_time(1.0)
    assert gql.post(PROJECTS).status_code == 200


def test_hobby_allows_a_thousand_requests_an_hour(gql: Gql, fake_railway: FakeRailway) -> None:
    backend = fake_railway.backend
    backend.freeze_time()
    backend.set_plan("HOBBY")
    first = gql.post(PROJECTS)
    assert first.headers["X-RateLimit-Limit"] == "1000"
    backend.budget.used = {k: (start, 1000) for k, (start, _used) in backend.budget.used.items()}

    refused = gql.post(PROJECTS)

    assert refused.status_code == 429
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600


INSTANCE_UPDATE = """mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String,
  $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input) }"""


def test_hobby_refuses_registry_credentials_and_stores_nothing(gql: Gql, fake_railway: FakeRailway) -> None:
    backend = fake_railway.backend
    seeded = backend.seed_project("cartly", ("production",), {"web": "ghcr.io/cartly-app/cartly:1"})
    backend.set_plan("HOBBY")
    ids = {"serviceId": seeded["services"]["web"], "environmentId": seeded["environments"]["production"]}
    creds = {"username": "bot", "password": "secret-value"}

    errors = gql.errors(INSTANCE_UPDATE, {**ids, "input": {"registryCredentials": creds}})

    assert len(errors) == 1
    assert "Pro plan" in errors[0]
    assert backend.instance(ids["serviceId"], ids["environmentId"]).registry_credentials is None
