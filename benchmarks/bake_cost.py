"""Benchmark: what production's post-deploy bake window (180 s, looked at every 15 s) costs in Railway
requests per deploy, for web (domain, health probes) and worker, under three traffic levels on a fake clock.

Run `venv/bin/python -m benchmarks.bake_cost`: the bake's requests (`HttpLogs`, `Metrics`) beside the deploy's
own, and the health GETs (not Railway requests)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from benchmarks._common import against_emulator
from pulumi_railway.resources.deployment import DeploymentProvider
from testkit.fake_time import FakeTime

DOMAIN = "bench.cartly.io"
BAKE = {"bake_window_seconds": 180, "bake_interval_seconds": 15}
TRAFFIC = (0, 40, 1100)  # requests the app serves per interval
BAKE_OPERATIONS = ("HttpLogs", "Metrics")


@dataclass
class BakeCost:
    service: str
    traffic: int
    by_operation: Counter[str] = field(default_factory=Counter)
    health_gets: int = 0

    @property
    def bake_requests(self) -> int:
        return sum(self.by_operation[name] for name in BAKE_OPERATIONS)

    @property
    def deploy_requests(self) -> int:
        return sum(self.by_operation.values()) - self.bake_requests


def measure(backend: Any, token: str, service: str, traffic: int) -> BakeCost:
    """One deploy of `service` with production's bake window while the app serves `traffic` per interval."""
    backend.reset()
    seeded = backend.seed_project("bench", ("production",), {service: "ghcr.io/cartly/app:1"})
    env_id, service_id = seeded["environments"]["production"], seeded["services"][service]
    public = service == "web"
    if public:
        backend.create_custom_domain(
            {
                "projectId": seeded["project_id"],
                "environmentId": env_id,
                "serviceId": service_id,
                "domain": DOMAIN,
                "targetPort": 3000,
            }
        )
    backend.script_traffic(service_id, requests_per_read=traffic)
    provider = DeploymentProvider(waits=FakeTime())
    provider.configure(ConfigureRequest(Config({"cartly-infra:railwayToken": token}, "cartly-infra")))
    mark, probes = len(backend.requests), len(backend.health_checks)
    provider.create(
        {
            "project_id": seeded["project_id"],
            "environment_id": env_id,
            "service_id": service_id,
            "revision": "bench-1",
            "health_domain": DOMAIN if public else None,
            "post_deploy": BAKE,
        }
    )
    cost = BakeCost(service, traffic)
    cost.by_operation.update(str(e.operation_name) for e in list(backend.requests)[mark:])
    cost.health_gets = len(backend.health_checks) - probes
    return cost


def run(backend: Any, token: str, traffic: tuple[int, ...] = TRAFFIC) -> list[BakeCost]:
    return [measure(backend, token, service, n) for service in ("web", "worker") for n in traffic]


def report(costs: list[BakeCost]) -> str:
    lines = ["service  traffic/interval  bake requests (HttpLogs+Metrics)  deploy requests  health GETs"]
    for c in costs:
        split = f"{c.bake_requests} ({c.by_operation['HttpLogs']}+{c.by_operation['Metrics']})"
        lines.append(f"{c.service:8} {c.traffic:16} {split:>32} {c.deploy_requests:16} {c.health_gets:12}")
    return "\n".join(lines)


def main() -> None:
    print(report(against_emulator(run)))


if __name__ == "__main__":
    main()
