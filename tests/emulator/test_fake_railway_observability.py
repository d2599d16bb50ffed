"""Self-tests of the emulator's httpLogs and metrics: scripted traffic reaches only the active deployment,
logs page by afterDate and limit, memory samples follow the script, and reading either needs the same
rights as reading the deployment or service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pulumi_railway.api import observability as obs
from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.emulator.test_fake_railway_deployments import deploy, deploy_to_success

START = "2026-12-04T17:00:00.000Z"


@pytest.fixture
def ids(fake_railway: FakeRailway) -> dict[str, str]:
    seeded = fake_railway.backend.seed_project("cartly", ("production",), {"web": "ghcr.io/cartly/web:1"})
    return {"serviceId": seeded["services"]["web"], "environmentId": seeded["environments"]["production"]}


def logs(gql: Gql, deployment_id: str, **args: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = gql.data(obs.HTTP_LOGS, {"deploymentId": deployment_id, **args})["httpLogs"]
    return found


def metrics(gql: Gql, ids: dict[str, str], rate: int = 30) -> dict[str, list[dict[str, Any]]]:
    variables = {**ids, "measurements": ["MEMORY_USAGE_GB", "MEMORY_LIMIT_GB"], "startDate": START}
    data = gql.data(obs.METRICS, {**variables, "sampleRateSeconds": rate})["metrics"]
    return {r["measurement"]: r["values"] for r in data}


def test_scripted_traffic_serves_its_share_of_5xx_to_the_active_deployment(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    deployment_id = deploy_to_success(gql, ids)
    fake_railway.backend.script_traffic(ids["serviceId"], requests_per_read=20, share_5xx=0.25)
    first = logs(gql, deployment_id, limit=100)
    assert len(first) == 20
    assert sorted(log["httpStatus"] for log in first).count(503) == 5
    assert len({log["requestId"] for log in first}) == 20


def test_logs_page_after_a_date_and_up_to_a_limit(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    deployment_id = deploy_to_success(gql, ids)
    fake_railway.backend.freeze_time()  # equal instants: timestamps must still order the requests
    fake_railway.backend.script_traffic(ids["serviceId"], requests_per_read=10)
    first = logs(gql, deployment_id, limit=4)
    assert len(first) == 4
    rest = logs(gql, deployment_id, afterDate=first[-1]["timestamp"], limit=1000)
    assert len(rest) == 6  # the next page: what the first read served, no new traffic
    newer = logs(gql, deployment_id, afterDate=rest[-1]["timestamp"], limit=1000)
    assert len(newer) == 10  # caught up: the app served ten more since
    request_ids = [log["requestId"] for log in first + rest + newer]
    assert len(set(request_ids)) == 20


def test_a_deployment_that_is_not_active_gets_no_traffic(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.script_traffic(ids["serviceId"], requests_per_read=10)
    building = deploy(gql, ids)
    assert logs(gql, building) == []


def test_a_limit_outside_1_to_1000_and_an_unknown_deployment_are_refused(
    gql: Gql, ids: dict[str, str]
) -> None:
    deployment_id = deploy_to_success(gql, ids)
    assert gql.errors(obs.HTTP_LOGS, {"deploymentId": deployment_id, "limit": 5000}) == [
        "limit must be between 1 and 1000"
    ]
    assert gql.errors(obs.HTTP_LOGS, {"deploymentId": "nope"}) == ["Deployment not found"]


def test_memory_samples_follow_the_script_from_the_start_date(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fake_railway.backend.script_memory(ids["serviceId"], ids["environmentId"], [0.2, 0.9], limit_gb=1.0)
    series = metrics(gql, ids)
    assert sorted(series) == ["MEMORY_LIMIT_GB", "MEMORY_USAGE_GB"]
    start = int(datetime(2026, 12, 4, 17, tzinfo=UTC).timestamp())
    assert series["MEMORY_USAGE_GB"] == [{"ts": start, "value": 0.2}, {"ts": start + 30, "value": 0.9}]
    assert [v["value"] for v in series["MEMORY_LIMIT_GB"]] == [1.0, 1.0]


def test_an_unscripted_service_has_no_samples(gql: Gql, ids: dict[str, str]) -> None:
    assert metrics(gql, ids) == {}


def test_reading_signals_needs_a_token(fake_railway: FakeRailway, gql: Gql, ids: dict[str, str]) -> None:
    deployment_id = deploy_to_success(gql, ids)
    anonymous = Gql(fake_railway.url)
    assert anonymous.errors(obs.HTTP_LOGS, {"deploymentId": deployment_id}) == ["Not Authorized"]
    variables = {**ids, "measurements": ["MEMORY_USAGE_GB"], "startDate": START}
    assert anonymous.errors(obs.METRICS, variables) == ["Not Authorized"]
