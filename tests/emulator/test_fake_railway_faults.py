"""Self-tests of the emulator's fault injection and rate limits: each scripted fault answers as planned
(and is or is not applied), and both kinds of 429 look as Railway's do."""

from __future__ import annotations

import pytest
import requests

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

PROJECT_CREATE = "mutation ProjectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { id } }"
PROJECTS = "query Projects { projects { edges { node { id name } } } }"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def create(gql: Gql, name: str = "p") -> requests.Response:
    return gql.post(PROJECT_CREATE, {"input": {"name": name}})


def live_projects(fake_railway: FakeRailway) -> list[str]:
    return [p.name for p in fake_railway.backend.projects.values() if p.live]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_scripted_server_error_answers_that_status_and_applies_nothing(
    gql: Gql, fake_railway: FakeRailway, status: int
) -> None:
    fake_railway.backend.faults.http_status(status)
    assert create(gql).status_code == status
    assert live_projects(fake_railway) == []


def test_a_fault_answers_exactly_the_next_n_requests(gql: Gql, fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.http_status(503, count=2)
    statuses = [gql.post(PROJECTS).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_a_fault_for_one_operation_leaves_other_operations_alone(gql: Gql, fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.http_status(502, operation="ProjectCreate")
    assert gql.post(PROJECTS).status_code == 200
    assert create(gql).status_code == 502


def test_a_scripted_html_429_is_cloudflares_page_without_rate_limit_headers(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    fake_railway.backend.faults.html_429()
    response = create(gql)
    assert (response.status_code, response.text) == (429, "error code: 1015")
    assert response.headers["Content-Type"].startswith("text/html")
    assert [h for h in RATE_HEADERS if h in response.headers] == []
    assert live_projects(fake_railway) == []


def test_a_scripted_rate_limit_answers_429_with_retry_after(gql: Gql, fake_railway: FakeRailway) -> None:
    fake_railway.backend.faults.rate_limited(retry_after=7)
    response = create(gql)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert live_projects(fake_railway) == []


def test_a_scripted_problem_processing_request_is_a_graphql_error_and_not_applied(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    fake_railway.backend.faults.problem_processing()
    response = create(gql)
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [{"message": "Problem processing request", "path": ["projectCreate"]}],
    }
    assert live_projects(fake_railway) == []


def test_a_connection_reset_after_apply_applies_the_mutation_but_never_answers(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    fake_railway.backend.faults.reset_after_apply(operation="ProjectCreate")
    with pytest.raises(requests.ConnectionError):
        create(gql, "applied")
    assert live_projects(fake_railway) == ["applied"]
    assert fake_railway.backend.requests[-1].status == 0


def test_a_slow_answer_outlasts_the_clients_timeout_after_applying(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    fake_railway.backend.faults.slow(0.4)
    with pytest.raises(requests.ReadTimeout):
        gql.post(PROJECT_CREATE, {"input": {"name": "slow"}}, timeout=0.1)
    assert live_projects(fake_railway) == ["slow"]


def test_an_unknown_fault_kind_is_refused_with_the_kinds_named(fake_railway: FakeRailway) -> None:
    with pytest.raises(ValueError, match="Unknown fault kind 'teapot': use one of status, html_429"):
        fake_railway.backend.faults.add("teapot")


def test_every_answer_carries_the_rate_limit_headers(gql: Gql) -> None:
    response = gql.post(PROJECTS)
    assert [h for h in RATE_HEADERS if h in response.headers] == list(RATE_HEADERS)
    assert response.headers["X-RateLimit-Limit"] == "10000"


def test_a_token_over_its_budget_gets_429_with_retry_after_until_the_window_resets(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    fake_railway.backend.freeze_time()
    fake_railway.backend.set_rate_limit(2, window_seconds=60)
    statuses = [gql.post(PROJECTS).status_code for _ in range(3)]
    refused = gql.post(PROJECTS)
    fake_railway.backend.advance_time(60)
    assert statuses == [200, 200, 429]
    assert (refused.headers["Retry-After"], refused.headers["X-RateLimit-Remaining"]) == ("60", "0")
    assert gql.post(PROJECTS).status_code == 200


def test_requests_without_a_query_string_beyond_ten_a_second_get_cloudflares_429(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    fake_railway.backend.freeze_time()
    statuses = [gql.post(PROJECTS, source=False).status_code for _ in range(11)]
    with_source = gql.post(PROJECTS).status_code
    edge = gql.post(PROJECTS, source=False)
    assert (statuses[:10], statuses[10], with_source) == ([200] * 10, 429, 200)
    assert (edge.status_code, edge.text, "Retry-After" in edge.headers) == (429, "error code: 1015", False)


def test_the_request_log_records_operation_token_kind_and_mutation(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    create(gql, "logged")
    gql.post(PROJECTS)
    log = fake_railway.backend.requests
    assert len(log) == 2
    assert [(e.operation_name, e.token_kind, e.is_mutation) for e in log] == [
        ("ProjectCreate", "workspace", True),
        ("Projects", "workspace", False),
    ]
    assert (fake_railway.backend.count("ProjectCreate"), len(fake_railway.backend.mutations())) == (1, 1)
    assert "logged" not in repr(log[0])
