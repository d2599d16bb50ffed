"""RailwayClient's waits between attempts: Railway's own hints first, else jittered exponential backoff.

Rules protected: Retry-After is honoured as seconds or an HTTP-date (on a 429 or a 503), else a 429's
X-RateLimit-Reset as epoch seconds or an ISO date; without a usable hint the wait is full jitter between 0
and base_delay·2^(attempt-1), capped at max_delay; an impossible RetryPolicy is refused. The injected sleep
records every wait, so the durations are asserted and nothing really sleeps.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import formatdate

import pytest
import responses

from pulumi_railway.api.client import RailwayClient, RetryPolicy

URL = "https://railway.test/graphql/v2"
TOKEN = "tok-0123456789abcdef"
QUERY = "query Project($id: String!) { project(id: $id) { id } }"
OK = {"data": {"project": {"id": "p1"}}}
CLOUDFLARE_1015 = "error code: 1015"


def make_client(sleeps: list[float]) -> RailwayClient:
    return RailwayClient(TOKEN, endpoint=URL, sleep=sleeps.append)


def within_backoff(sleeps: list[float], policy: RetryPolicy) -> bool:
    return all(
        0 <= delay <= min(policy.max_delay, policy.base_delay * 2**attempt)
        for attempt, delay in enumerate(sleeps)
    )


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
