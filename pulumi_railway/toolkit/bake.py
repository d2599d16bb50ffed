"""The bake window: for a while after a deployment goes live, watch Railway's own signals and judge them.

Three outcomes: error rate (SEV-2), memory (SEV-3) and health-check failures (SEV-2). Time comes from the
Waits it is given (the provider's: real time, or a test's clock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from pulumi_railway.api import observability as obs
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.api.retry import Waits
from pulumi_railway.toolkit.check_summary import Outcome

LOG_PAGE = 1000
MAX_PAGES_PER_READ = 5
HTTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class BakeSettings:
    window_seconds: float = 0  # no bake unless asked: the program passes its configured window
    interval_seconds: float = 15
    error_rate_percent: float = 1.0
    min_requests: int = 50
    memory_percent: float = 85.0
    health_failures: int = 3


@dataclass(frozen=True)
class Where:
    environment_id: str
    service_id: str
    deployment_id: str
    since: str  # ISO 8601: the deployment's createdAt, Railway's clock


@dataclass
class _Seen:
    ids: set[str] = field(default_factory=set)
    failed: int = 0
    after: str | None = None
    unreadable: str | None = None

    @property
    def total(self) -> int:
        return len(self.ids)

    def rate(self) -> float:
        return 100.0 * self.failed / self.total if self.total else 0.0


# Every interval until the window ends: probe the health URL and read the deployment's new `httpLogs`; stop
# early on a SEV-2 breach; one `metrics` read at the end. Error rate: the share of 5xx among the deployment's
# requests, judged only from a minimum request count. Memory: the peak of MEMORY_USAGE_GB / MEMORY_LIMIT_GB
# over the window. Health: more failures than the threshold. Cost per window: one `httpLogs` read per interval
# (more only past 1,000 requests per interval), one `metrics` read, and one health GET per interval.
def bake(
    client: RailwayClient, where: Where, health_url: str | None, settings: BakeSettings, waits: Waits
) -> list[Outcome]:
    """Watch the window (or until a SEV-2 breach); return the error-rate, memory and health outcomes."""
    if settings.window_seconds <= 0:
        why = "no bake window is configured (0 s)"
        return [Outcome(name, "skipped", detail=why) for name in ("error rate", "memory", "health checks")]
    seen, probes, failures = _Seen(), 0, 0
    deadline = waits.clock() + settings.window_seconds
    while True:
        waits.sleep(max(0.0, min(settings.interval_seconds, deadline - waits.clock())))
        if health_url is not None:
            probes += 1
            failures += 0 if _healthy(health_url) else 1
        _read_logs(client, where.deployment_id, seen)
        judged = seen.total >= settings.min_requests
        if failures > settings.health_failures or (judged and seen.rate() > settings.error_rate_percent):
            break
        if waits.clock() >= deadline:
            break
    return [
        _error_rate(seen, settings),
        _memory(client, where, settings),
        _health(probes, failures, settings),
    ]


def _read_logs(client: RailwayClient, deployment_id: str, seen: _Seen) -> None:
    for _ in range(MAX_PAGES_PER_READ):
        try:
            data = client.execute(
                obs.HTTP_LOGS,
                {"deploymentId": deployment_id, "afterDate": seen.after, "limit": LOG_PAGE},
            )
        except RailwayError as exc:
            seen.unreadable = type(exc).__name__
            return
        logs = data["httpLogs"]
        for log in logs:
            if log["requestId"] not in seen.ids:
                seen.ids.add(log["requestId"])
                seen.failed += int(log["httpStatus"]) >= 500
        if logs:
            seen.after = max(str(log["timestamp"]) for log in logs)
        if len(logs) < LOG_PAGE:
            return


def _healthy(url: str) -> bool:
    try:
        return requests.get(url, timeout=HTTP_TIMEOUT_SECONDS).status_code == 200
    except requests.RequestException:
        return False


def _error_rate(seen: _Seen, s: BakeSettings) -> Outcome:
    threshold = f"{s.error_rate_percent:g}% 5xx (from {s.min_requests} requests)"
    if seen.total < s.min_requests:
        why = f"too few requests to judge ({seen.total} < {s.min_requests})"
        if seen.unreadable:
            why += f"; httpLogs unreadable ({seen.unreadable})"
        return Outcome("error rate", "not judged", f"{seen.failed}/{seen.total} 5xx", threshold, detail=why)
    measured = f"{seen.rate():.2f}% ({seen.failed}/{seen.total} 5xx)"
    if seen.rate() > s.error_rate_percent:
        return Outcome("error rate", "breached", measured, threshold, "SEV-2")
    return Outcome("error rate", "passed", measured, threshold)


def _memory(client: RailwayClient, where: Where, s: BakeSettings) -> Outcome:
    threshold = f"{s.memory_percent:g}% of the limit"
    try:
        data = client.execute(
            obs.METRICS,
            {
                "environmentId": where.environment_id,
                "serviceId": where.service_id,
                "measurements": ["MEMORY_USAGE_GB", "MEMORY_LIMIT_GB"],
                "startDate": where.since,
                "sampleRateSeconds": max(1, int(s.interval_seconds)),
            },
        )
    except RailwayError as exc:
        why = f"metrics unreadable ({type(exc).__name__})"
        return Outcome("memory", "not judged", threshold=threshold, detail=why)
    peak = _peak_ratio(data["metrics"])
    if peak is None:
        return Outcome(
            "memory", "not judged", threshold=threshold, detail="Railway reported no memory samples"
        )
    measured = f"peak {peak:.1f}%"
    if peak > s.memory_percent:
        return Outcome("memory", "breached", measured, threshold, "SEV-3")
    return Outcome("memory", "passed", measured, threshold)


def _peak_ratio(results: list[dict[str, Any]]) -> float | None:
    """The highest usage/limit (in %) over samples taken at the same instant, or None without any."""
    series = {r["measurement"]: {v["ts"]: float(v["value"]) for v in r["values"]} for r in results}
    usage, limit = series.get("MEMORY_USAGE_GB", {}), series.get("MEMORY_LIMIT_GB", {})
    ratios = [100.0 * used / limit[ts] for ts, used in usage.items() if limit.get(ts)]
    return max(ratios) if ratios else None


def _health(probes: int, failures: int, s: BakeSettings) -> Outcome:
    threshold = f"at most {s.health_failures} failure(s)"
    if probes == 0:
        return Outcome("health checks", "skipped", threshold=threshold, detail="no public health URL")
    measured = f"{failures} of {probes} failed"
    if failures > s.health_failures:
        return Outcome("health checks", "breached", measured, threshold, "SEV-2")
    return Outcome("health checks", "passed", measured, threshold)
