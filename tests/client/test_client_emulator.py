"""RailwayClient against the Railway emulator: the same rules, proven over HTTP with Railway's answers.

Rules protected: the client's requests are ones Railway would accept (query string, auth header per token
kind, named operations from operations.py); the emulator's imitations of Railway's failures (unknown token,
missing object, invalid field, Cloudflare's HTML 429, a 429 with Retry-After, a 500) land on the right
error class or retry; and a create whose answer is lost after Railway applied it is applied exactly once.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient, RetryPolicy
from pulumi_railway.api.errors import (
    RailwayAuthError,
    RailwayCooldown,
    RailwayGraphQLError,
    RailwayMaybeApplied,
    RailwayNotFound,
)
from testkit.fake_railway.pytest_plugin import FakeRailway


def make_client(
    fake: FakeRailway, sleeps: list[float], token: str | None = None, **kwargs: Any
) -> RailwayClient:
    return RailwayClient(token or fake.token, endpoint=fake.url, sleep=sleeps.append, **kwargs)


def create_project(client: RailwayClient, fake: FakeRailway) -> dict[str, Any]:
    data = client.execute(
        ops.PROJECT_CREATE, {"input": {"name": "cartly-staging", "workspaceId": fake.workspace_id}}
    )
    project: dict[str, Any] = data["projectCreate"]
    return project


def test_a_created_project_reads_back_through_the_client(fake_railway: FakeRailway) -> None:
    client = make_client(fake_railway, [])
    created = create_project(client, fake_railway)

    read = client.execute(ops.PROJECT, {"id": created["id"]})["project"]

    assert read["id"] == created["id"]
    assert read["name"] == "cartly-staging"


def test_every_request_reaches_the_emulator_with_the_source_query_string(fake_railway: FakeRailway) -> None:
    client = make_client(fake_railway, [])
    create_project(client, fake_railway)
    client.execute(ops.PROJECTS, {"workspaceId": fake_railway.workspace_id})

    entries = list(fake_railway.backend.requests)

    assert len(entries) == 2
    assert all("source=cartly-infra" in entry.query_string for entry in entries)
    assert [entry.operation_name for entry in entries] == ["ProjectCreate", "Projects"]


def test_a_token_the_emulator_does_not_know_raises_auth_error_once(fake_railway: FakeRailway) -> None:
    client = make_client(fake_railway, [], token="not-a-real-token-123")

    with pytest.raises(RailwayAuthError, match="Not Authorized"):
        client.execute(ops.PROJECTS, {"workspaceId": fake_railway.workspace_id})

    assert fake_railway.backend.count("Projects") == 1


def test_a_missing_project_raises_not_found(fake_railway: FakeRailway) -> None:
    with pytest.raises(RailwayNotFound) as caught:
        make_client(fake_railway, []).execute(ops.PROJECT, {"id": "no-such-project"})

    assert caught.value.operation_name == "Project"
    assert caught.value.paths == [["project"]]


def test_a_field_railway_does_not_have_is_a_graphql_error_and_not_retried(fake_railway: FakeRailway) -> None:
    with pytest.raises(RailwayGraphQLError, match="Cannot query field 'nope'"):
        make_client(fake_railway, []).execute('query Bad { project(id: "x") { nope } }')

    assert fake_railway.backend.count("Bad") == 1


def test_a_project_token_authenticates_with_its_own_header(fake_railway: FakeRailway) -> None:
    client = make_client(fake_railway, [])
    project = create_project(client, fake_railway)
    environment_id = project["environments"]["edges"][0]["node"]["id"]
    token = client.execute(
        ops.PROJECT_TOKEN_CREATE,
        {"input": {"projectId": project["id"], "environmentId": environment_id, "name": "ci"}},
    )["projectTokenCreate"]

    data = make_client(fake_railway, [], token=token, token_kind="project").execute(ops.PROJECT_TOKEN)

    assert data["projectToken"]["projectId"] == project["id"]
    assert fake_railway.backend.requests[-1].token_kind == "project"


# --- The emulator's faults --------------------------------------------------------------------------------


def test_the_emulators_cloudflare_html_429_is_retried(fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.html_429()
    sleeps: list[float] = []

    make_client(fake_railway, sleeps).execute(ops.PROJECTS, {"workspaceId": fake_railway.workspace_id})

    assert fake_railway.backend.count("Projects") == 2
    assert len(sleeps) == 1


def test_the_emulators_retry_after_is_the_wait(fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.rate_limited(retry_after=7)
    sleeps: list[float] = []

    make_client(fake_railway, sleeps).execute(ops.PROJECTS, {"workspaceId": fake_railway.workspace_id})

    assert sleeps == [7.0]


def test_a_query_answered_500_by_the_emulator_is_retried(fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.http_status(500)

    make_client(fake_railway, []).execute(ops.PROJECTS, {"workspaceId": fake_railway.workspace_id})

    assert fake_railway.backend.count("Projects") == 2


def test_a_create_whose_connection_resets_after_applying_is_applied_once(fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.reset_after_apply(operation="ProjectCreate")

    with pytest.raises(RailwayMaybeApplied):
        create_project(make_client(fake_railway, []), fake_railway)

    assert fake_railway.backend.count("ProjectCreate") == 1
    assert len(fake_railway.backend.projects) == 1


def test_a_create_answered_too_late_is_applied_once(fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.slow(1.0, operation="ProjectCreate")

    with pytest.raises(RailwayMaybeApplied, match=r"no answer within the 0\.3 s timeout"):
        create_project(make_client(fake_railway, [], timeout=0.3), fake_railway)

    assert fake_railway.backend.count("ProjectCreate") == 1
    assert len(fake_railway.backend.projects) == 1


def test_a_create_refused_by_a_cool_down_is_sent_again_after_a_wait_and_applied_once(
    fake_railway: FakeRailway,
) -> None:
    backend = fake_railway.backend
    backend.freeze_time()
    backend.set_cooldown("projectCreate", 8)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the emulator's clock moves as the client waits
        waits.append(seconds)
        backend.advance_time(seconds)

    client = RailwayClient(fake_railway.token, endpoint=fake_railway.url, sleep=sleep)
    create_project(client, fake_railway)
    create_project(client, fake_railway)

    assert len([p for p in backend.projects.values() if p.live]) == 2
    assert backend.count("ProjectCreate") == 2 + len(waits)
    assert len(waits) >= 1
    assert all(wait >= 5.0 for wait in waits)  # a cool-down waits longer than a transient failure


def test_a_cool_down_that_outlasts_the_retry_budget_raises_it_named(fake_railway: FakeRailway) -> None:
    backend = fake_railway.backend
    backend.freeze_time()
    backend.set_cooldown("projectCreate", 3600)
    client = make_client(fake_railway, [], retry=RetryPolicy(max_total_seconds=30))
    create_project(client, fake_railway)

    with pytest.raises(RailwayCooldown, match=r"too quickly.*gave up after"):
        create_project(client, fake_railway)

    assert len([p for p in backend.projects.values() if p.live]) == 1
