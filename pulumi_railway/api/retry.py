"""When the Railway client tries again, and how long it waits first.

RetryPolicy (attempts, total time, exponential backoff with full jitter), the per-operation budget, and
Railway's own hints. Which failures are retryable is client.py's call; nothing here sleeps by itself: the
client's injected `sleep` does, so tests never really wait."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

_EPOCH_CUTOFF = 1e9  # X-RateLimit-Reset above this is a Unix time; below, a number of seconds to wait


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: at most `max_attempts` requests, and no sleep ending past `max_total_seconds`.
    A cool-down ("… too quickly") waits at least `cooldown_delay` (they clear after seconds)."""

    max_attempts: int = 6
    max_total_seconds: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 20.0
    cooldown_delay: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be at least 1, not {self.max_attempts}")
        for name in ("max_total_seconds", "base_delay", "max_delay", "cooldown_delay"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise ValueError(f"RetryPolicy.{name} must be a finite number >= 0, not {value!r}")

    def backoff(self, attempt: int, uniform: Callable[[float, float], float] = random.uniform) -> float:
        """Full jitter: a random wait between 0 and base·2^(attempt-1), capped at max_delay."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(attempt - 1, 60))
        return uniform(0.0, ceiling)

    def cooldown(self, attempt: int, uniform: Callable[[float, float], float] = random.uniform) -> float:
        """The wait after a cool-down: `cooldown_delay` doubling per attempt, jittered up, capped."""
        floor = min(self.max_delay, self.cooldown_delay * 2.0 ** min(attempt - 1, 60))
        return floor + uniform(0.0, floor / 4)


class RetryBudget:
    """Time spent on one operation: real time, except that sleeps count as asked (tests inject fake sleep)."""

    def __init__(self, limit: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._clock = clock
        self._start = clock()
        self._slept_real = 0.0
        self._slept_asked = 0.0

    def spent(self) -> float:
        return self._clock() - self._start - self._slept_real + self._slept_asked

    def allows(self, delay: float) -> bool:
        return self.spent() + delay <= self._limit

    def sleep(self, delay: float, sleep: Callable[[float], None]) -> None:
        started = self._clock()
        sleep(delay)
        self._slept_real += self._clock() - started
        self._slept_asked += delay


# `Retry-After` as seconds or an HTTP-date; `X-RateLimit-Reset` as epoch seconds or an ISO date.
def retry_after_seconds(headers: Mapping[str, str], now: float, *, use_reset: bool) -> float | None:
    """Seconds Railway asks us to wait: `Retry-After`, else (a 429's) `X-RateLimit-Reset`; None if neither."""
    retry_after = headers.get("Retry-After")
    if retry_after:
        seconds = _number(retry_after)
        if seconds is None:
            seconds = _until(_http_date(retry_after), now)
        if seconds is not None:
            return seconds
    reset = headers.get("X-RateLimit-Reset") if use_reset else None
    if reset:
        number = _number(reset)
        if number is not None:
            return max(0.0, number - now) if number > _EPOCH_CUTOFF else number
        return _until(_iso_date(reset), now)
    return None


def describe_wait(seconds: float | None, now: float) -> str:
    """Tells a person when to try again."""
    if seconds is None:
        return "Railway gave no Retry-After or X-RateLimit-Reset: wait a minute before trying again"
    at = datetime.fromtimestamp(now + seconds, UTC).strftime("%H:%M:%S UTC")
    return f"Railway asks to wait {seconds:.0f} s: retry after {at}"


def _number(value: str) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return max(0.0, number) if math.isfinite(number) else None


def _http_date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None


def _iso_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _until(moment: datetime | None, now: float) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # HTTP-dates are GMT; an ISO date without offset is taken as UTC
    return max(0.0, moment.timestamp() - now)


class Waits(Protocol):
    """How a caller waits: `REAL_TIME` by default; tests pass a clock whose `sleep` only advances it."""

    def sleep(self, seconds: float) -> None: ...

    def clock(self) -> float: ...


class _RealTime:
    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def clock(self) -> float:
        return time.monotonic()


REAL_TIME: Waits = _RealTime()
