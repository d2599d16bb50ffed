"""What a deployment did after it went live, as the emulator tells it: `httpLogs` and `metrics`, scripted
per service. Unscripted services have no traffic and no samples: empty lists, as a silent service has on
Railway. Deliberately not imitated: `filter`, before/anchor paging, CPU and network figures, averaging
windows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from testkit.fake_railway.queries import Info, RootBase
from testkit.fake_railway.state import GraphQLFailure, State

DEFAULT_LOG_LIMIT = 100
MAX_LOG_LIMIT = 1000
DEFAULT_SAMPLE_RATE = 60


@dataclass
class Traffic:
    requests_per_read: int
    share_5xx: float
    path: str = "/"


@dataclass
class MemoryCurve:
    usage_gb: list[float]
    limit_gb: float


@dataclass
class ServedLogs:
    entries: list[dict[str, Any]] = field(default_factory=list)
    last_ms: int = 0


class ObservabilityRules(State):
    """The scripts and the logs served so far, keyed by service (traffic, memory) and deployment (logs)."""

    traffic: dict[str, Traffic]
    memory: dict[tuple[str, str], MemoryCurve]
    served: dict[str, ServedLogs]
    active_deployment: Callable[[str, str], Any]  # from DeploymentRules, mixed in beside this one

    def clear_observability(self) -> None:
        self.traffic, self.memory, self.served = {}, {}, {}

    def script_traffic(
        self, service_id: str, *, requests_per_read: int, share_5xx: float = 0.0, path: str = "/"
    ) -> None:
        """From now on each httpLogs read of the service's active deployment serves this many requests,
        `share_5xx` of them (rounded) answered 503."""
        if requests_per_read < 0 or not 0.0 <= share_5xx <= 1.0:
            raise ValueError("requests_per_read must be >= 0 and share_5xx between 0 and 1")
        self.traffic[service_id] = Traffic(requests_per_read, share_5xx, path)

    def script_memory(
        self, service_id: str, environment_id: str, usage_gb: list[float], limit_gb: float
    ) -> None:
        """The service's memory samples (GB, oldest first) and its limit, as `metrics` will answer them."""
        self.memory[(service_id, environment_id)] = MemoryCurve(list(usage_gb), limit_gb)

    def http_logs(self, deployment_id: str, after: str | None, limit: int | None) -> list[dict[str, Any]]:
        """Traffic reaches only the service's active deployment, as on Railway: a read that has caught up (no
        `afterDate`, or the newest log's) first serves the scripted requests (stamped after every earlier
        one), then answers the logs after `afterDate`, oldest first, at most `limit` (100; at most 1000)."""
        dep = self.deployment(deployment_id)
        if limit is not None and not 1 <= limit <= MAX_LOG_LIMIT:
            raise GraphQLFailure(f"limit must be between 1 and {MAX_LOG_LIMIT}")
        served = self.served.setdefault(dep.id, ServedLogs())
        traffic = self.traffic.get(dep.service_id)
        active = self.active_deployment(dep.service_id, dep.environment_id)
        after_ms = _millis(after) if after else -1
        caught_up = not served.entries or after_ms >= served.last_ms  # a next page sees no new traffic
        if traffic is not None and active is not None and active.id == dep.id and caught_up:
            self._serve(dep.id, served, traffic)
        newer = [e for e in served.entries if _millis(e["timestamp"]) > after_ms]
        return newer[: limit or DEFAULT_LOG_LIMIT]

    def _serve(self, deployment_id: str, served: ServedLogs, traffic: Traffic) -> None:
        failing = round(traffic.requests_per_read * traffic.share_5xx)
        for i in range(traffic.requests_per_read):
            served.last_ms = max(int(self.now() * 1000), served.last_ms + 1)
            stamp = datetime.fromtimestamp(served.last_ms / 1000, UTC).isoformat(timespec="milliseconds")
            served.entries.append(
                {
                    "deploymentId": deployment_id,
                    "host": "app.internal",
                    "httpStatus": 503 if i < failing else 200,
                    "method": "GET",
                    "path": traffic.path,
                    "requestId": str(uuid.uuid4()),
                    "timestamp": stamp.replace("+00:00", "Z"),
                    "totalDuration": 12,
                }
            )

    def memory_samples(
        self, service_id: str, environment_id: str, start: str, rate: int | None
    ) -> dict[str, list[dict[str, Any]]]:
        """The scripted samples from `start` on, one every `rate` seconds (default 60)."""
        curve = self.memory.get((service_id, environment_id))
        if curve is None:
            return {}
        first, step = int(_millis(start) / 1000), rate or DEFAULT_SAMPLE_RATE
        usage = [{"ts": first + i * step, "value": v} for i, v in enumerate(curve.usage_gb)]
        limit = [{"ts": point["ts"], "value": curve.limit_gb} for point in usage]
        return {"MEMORY_USAGE_GB": usage, "MEMORY_LIMIT_GB": limit}


def _millis(text: str) -> int:
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        raise GraphQLFailure(f"Invalid date {text[:40]!r}: expected an ISO 8601 date-time") from None


class ObservabilityQueries(RootBase):
    """Root resolvers `httpLogs` and `metrics`: readable by whoever may read the deployment or service."""

    b: Any  # the backend, with ObservabilityRules mixed in

    def httpLogs(self, info: Info, deploymentId: str, **args: Any) -> list[dict[str, Any]]:
        self.authenticated()
        dep = self.b.deployment(deploymentId)
        self.allow(self.b.project(dep.project_id), dep.environment_id, project_token=True)
        return list(self.b.http_logs(dep.id, args.get("afterDate"), args.get("limit")))

    def metrics(self, info: Info, measurements: list[str], startDate: str, **args: Any) -> list[Any]:
        self.authenticated()
        service_id, environment_id = args.get("serviceId"), args.get("environmentId")
        if service_id is None or environment_id is None:
            raise GraphQLFailure("The emulator answers metrics for one service in one environment only")
        service = self.b.service(service_id)
        env = self.env_in(environment_id, service.project_id)
        self.allow(self.b.project(service.project_id), env.id, project_token=True)
        samples = self.b.memory_samples(service.id, env.id, startDate, args.get("sampleRateSeconds"))
        tags = {"serviceId": service.id, "environmentId": env.id, "projectId": service.project_id}
        return [{"measurement": m, "tags": tags, "values": samples[m]} for m in measurements if m in samples]
