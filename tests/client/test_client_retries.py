"""RailwayClient's retries: which failures are tried again, and when it stops.

Rules protected: 408, 429, 502, 503, Cloudflare's HTML 1015 page and failed connections are retried for
queries and mutations alike (Railway never acted on them); 500, 504, a non-JSON 200 and "Problem processing
request" are retried for queries; auth and not-found errors and HTML 4xx pages are never retried; retries
stop at max_attempts, and before a sleep would pass max_total_seconds (test_client_waits.py: how long each
wait is). The injected sleep records every wait: nothing really sleeps.
"""

from __future__ import annotations

import socket

import pytest
import requests
import responses
import urllib3

from pulumi_railway.api.client import RailwayClient, RetryPolicy
from pulumi_railway.api.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayHTTPError,
    RailwayNotFound,
    RailwayRateLimited,
)
from pulumi_railway.api.retry import RetryBudget

URL = "https://railway.test/graphql/v2"
TOKEN = "tok-0123456789abcdef"
QUERY = "query Project($id: String!) { project(id: $id) { id } }"
MUTATION = "mutation ProjectDelete($id: String!) { projectDelete(id: $id) }"
OK = {"data": {"project": {"id": "p1"}}}
CLOUDFLARE_1015 = "error code: 1015"
REFUSED = requests.exceptions.ConnectionError(
    urllib3.exceptions.MaxRetryError(
        None,  # type: ignore[arg-type]
        URL,
        urllib3.exceptions.NewConnectionError(None, "Connection refused"),  # type: ignore[arg-type]
    )
)


def make_client(sleeps: list[float], **policy: float) -> RailwayClient:
    return RailwayClient(TOKEN, endpoint=URL, retry=RetryPolicy(**policy), sleep=sleeps.append)  # type: ignore[arg-type]


# --- Each retry cause, then success -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [(429, CLOUDFLARE_1015), (502, "Bad Gateway"), (503, "Service Unavailable"), (408, "Request Timeout")],
)
@pytest.mark.parametrize("document", [QUERY, MUTATION], ids=["query", "mutation"])
def test_answers_railway_never_acted_on_are_retried_for_queries_and_mutations(
    status: int, body: str, document: str
) -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=status, body=body)
        api.post(URL, json={"data": {"project": {"id": "p1"}, "projectDelete": True}})

        make_client(sleeps).execute(document, {"id": "p1"})

        assert len(api.calls) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("failure", [REFUSED, requests.exceptions.ConnectTimeout("connect timed out")])
@pytest.mark.parametrize("document", [QUERY, MUTATION], ids=["query", "mutation"])
def test_a_connection_that_never_opened_is_retried_for_queries_and_mutations(
    failure: Exception, document: str
) -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, body=failure)
        api.post(URL, json={"data": {"project": {"id": "p1"}, "projectDelete": True}})

        make_client(sleeps).execute(document, {"id": "p1"})

        assert len(api.calls) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "body": "Internal Server Error"},
        {"status": 504, "body": "Gateway Timeout"},
        {"status": 200, "body": "<html>not json</html>"},
        {"status": 200, "json": {"data": None, "errors": [{"message": "Problem processing request"}]}},
    ],
    ids=["500", "504", "non-json-200", "problem-processing-request"],
)
def test_answers_lost_after_railway_got_the_request_are_retried_for_queries(
    answer: dict[str, object],
) -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, **answer)
        api.post(URL, json=OK)

        data = make_client(sleeps).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 2
    assert data == OK["data"]


def test_a_query_that_never_gets_through_fails_naming_the_endpoint_and_attempts() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    sleeps: list[float] = []
    client = RailwayClient(
        TOKEN,
        endpoint=f"http://127.0.0.1:{port}/graphql/v2",
        retry=RetryPolicy(max_attempts=3),
        sleep=sleeps.append,
    )

    with pytest.raises(RailwayError, match=f"Unable to reach Railway at http://127.0.0.1:{port}/") as caught:
        client.execute(QUERY, {"id": "p1"})

    assert len(sleeps) == 2
    assert "query 'Project'" in str(caught.value)
    assert "gave up after 3 attempt(s)" in str(caught.value)
    assert client.request_count() == 0


# --- Errors that are never retried ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "error"),
    [("Not Authorized", RailwayAuthError), ("Project not found", RailwayNotFound)],
)
def test_auth_and_not_found_errors_are_not_retried(message: str, error: type[Exception]) -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, json={"data": None, "errors": [{"message": message, "path": ["project"]}]})

        with pytest.raises(error):
            make_client(sleeps).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 1
    assert sleeps == []


def test_an_html_4xx_page_is_not_retried() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=404, body="<html>Not Found</html>")

        with pytest.raises(RailwayHTTPError, match="HTTP 404") as caught:
            make_client(sleeps).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 1
    assert caught.value.status == 404


# --- When it stops ----------------------------------------------------------------------------------------


def test_retries_stop_after_max_attempts() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.post(URL, status=502, body="Bad Gateway")

        with pytest.raises(RailwayHTTPError, match="gave up after 3 attempt") as caught:
            make_client(sleeps, max_attempts=3).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 3
    assert len(sleeps) == 2
    assert caught.value.status == 502


def test_retries_stop_before_a_wait_would_pass_max_total_seconds() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, headers={"Retry-After": "4"})

        with pytest.raises(RailwayRateLimited):
            make_client(sleeps, max_attempts=10, max_total_seconds=10).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 3
    assert sleeps == [4.0, 4.0]


def test_time_spent_waiting_for_answers_counts_against_the_budget() -> None:
    now = [0.0]
    budget = RetryBudget(120.0, clock=lambda: now[0])

    now[0] += 100.0  # two slow answers

    assert budget.allows(20.0)
    assert not budget.allows(21.0)


def test_a_fake_sleep_counts_as_the_time_it_was_asked_for() -> None:
    budget = RetryBudget(120.0, clock=lambda: 0.0)

    budget.sleep(90.0, lambda _: None)

    assert budget.spent() == 90.0


def test_a_retry_after_longer_than_the_budget_fails_at_once_saying_when_to_retry() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, headers={"Retry-After": "3600"})

        with pytest.raises(
            RailwayRateLimited, match=r"asks to wait 3600 s: retry after \d\d:\d\d:\d\d UTC"
        ) as caught:
            make_client(sleeps).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 1
    assert sleeps == []
    assert caught.value.retry_after == 3600.0
    assert caught.value.status == 429


def test_exhausted_rate_limiting_without_a_hint_says_to_wait_before_trying_again() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, body=CLOUDFLARE_1015)

        with pytest.raises(RailwayRateLimited, match="wait a minute before trying again") as caught:
            make_client(sleeps, max_attempts=2).execute(QUERY, {"id": "p1"})

        assert len(api.calls) == 2
    assert caught.value.retry_after is None
    assert caught.value.body == CLOUDFLARE_1015
