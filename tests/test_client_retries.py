"""RailwayClient's retries: which failures are tried again, how long it waits, and when it stops.

Rules protected: 429, 502, 503, Cloudflare's HTML 1015 page and failed connections are retried for queries
and mutations alike (Railway never acted on them); 500, 504 and "Problem processing request" are retried
for queries; the wait honours Retry-After (seconds or HTTP-date), else X-RateLimit-Reset, else exponential
backoff with full jitter; retries stop at max_attempts and before a sleep would pass max_total_seconds;
auth and not-found errors are never retried. The injected sleep records every wait: nothing really sleeps.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import formatdate

import pytest
import requests
import responses
import urllib3

from components.railway.client import RailwayClient, RetryPolicy
from components.railway.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayHTTPError,
    RailwayNotFound,
    RailwayRateLimited,
)
from components.railway.retry import RetryBudget

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


def within_backoff(sleeps: list[float], policy: RetryPolicy) -> bool:
    return all(
        0 <= delay <= min(policy.max_delay, policy.base_delay * 2**attempt)
        for attempt, delay in enumerate(sleeps)
    )


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


# --- How long it waits ------------------------------------------------------------------------------------


def test_retry_after_in_seconds_is_the_wait() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(
            URL, status=429, json={"errors": [{"message": "rate limited"}]}, headers={"Retry-After": "7"}
        )
        api.post(URL, status=429, body=CLOUDFLARE_1015, headers={"Retry-After": "3"})
        api.post(URL, json=OK)

        make_client(sleeps).execute(QUERY, {"id": "p1"})

    assert sleeps == [7.0, 3.0]


def test_retry_after_as_an_http_date_waits_until_then() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, headers={"Retry-After": formatdate(time.time() + 30, usegmt=True)})
        api.post(URL, json=OK)

        make_client(sleeps).execute(QUERY, {"id": "p1"})

    assert len(sleeps) == 1
    assert 28.0 <= sleeps[0] <= 30.0


def test_a_503_with_retry_after_waits_as_asked() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=503, headers={"Retry-After": "11"})
        api.post(URL, json=OK)

        make_client(sleeps).execute(QUERY, {"id": "p1"})

    assert sleeps == [11.0]


def test_x_ratelimit_reset_in_epoch_seconds_is_honoured_without_retry_after() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, headers={"X-RateLimit-Reset": str(int(time.time()) + 20)})
        api.post(URL, json=OK)

        make_client(sleeps).execute(QUERY, {"id": "p1"})

    assert len(sleeps) == 1
    assert 18.0 <= sleeps[0] <= 20.0


def test_x_ratelimit_reset_as_an_iso_date_is_honoured() -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=15)).isoformat()
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, headers={"X-RateLimit-Reset": reset})
        api.post(URL, json=OK)

        make_client(sleeps).execute(QUERY, {"id": "p1"})

    assert len(sleeps) == 1
    assert 13.0 <= sleeps[0] <= 15.0


def test_retry_after_wins_over_x_ratelimit_reset() -> None:
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        headers = {"Retry-After": "2", "X-RateLimit-Reset": str(int(time.time()) + 50)}
        api.post(URL, status=429, headers=headers)
        api.post(URL, json=OK)

        make_client(sleeps).execute(QUERY, {"id": "p1"})

    assert sleeps == [2.0]


def test_without_a_hint_the_waits_are_jittered_exponential_backoff() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=2.0)
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        for _ in range(5):
            api.post(URL, status=429, body=CLOUDFLARE_1015)
        api.post(URL, json=OK)

        RailwayClient(TOKEN, endpoint=URL, retry=policy, sleep=sleeps.append).execute(QUERY, {"id": "p1"})

    assert len(sleeps) == 5
    assert within_backoff(sleeps, policy)


def test_an_unreadable_retry_after_falls_back_to_backoff() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=2.0)
    sleeps: list[float] = []
    with responses.RequestsMock() as api:
        api.post(URL, status=429, headers={"Retry-After": "soon"})
        api.post(URL, json=OK)

        RailwayClient(TOKEN, endpoint=URL, retry=policy, sleep=sleeps.append).execute(QUERY, {"id": "p1"})

    assert len(sleeps) == 1
    assert within_backoff(sleeps, policy)


def test_backoff_doubles_from_base_delay_up_to_max_delay() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)

    ceilings = [policy.backoff(attempt, uniform=lambda low, high: high) for attempt in range(1, 7)]

    assert ceilings == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_backoff_draws_full_jitter_from_zero() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)

    assert policy.backoff(4, uniform=lambda low, high: low) == 0.0


@pytest.mark.parametrize(
    ("field", "value"), [("max_attempts", 0), ("max_total_seconds", -1.0), ("base_delay", float("nan"))]
)
def test_a_retry_policy_with_impossible_bounds_is_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"RetryPolicy.{field} must be"):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


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
