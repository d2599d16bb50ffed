"""Benchmark: an app pull request's preview (pr-42, a dispatched digest) from nothing, and its destroy.

Run `venv/bin/python -m benchmarks.app_preview`: staging comes up first (not counted), then the whole program
runs through the engine-like mock (testkit/mock_engine.py) against the emulator; budgets: UP_BUDGET requests
besides status waits, DESTROY_BUDGET mutations. The time is the program's own overhead, not Railway's."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from benchmarks._common import against_emulator

STATUS_WAITS = ("Deployment",)  # a deployment's status, polled while it builds and starts
DIGEST = "sha256:" + "a1" * 32
UP_BUDGET, DESTROY_BUDGET = 40, 4


@dataclass
class Cost:
    scenario: str
    seconds: float = 0.0
    by_operation: Counter[str] = field(default_factory=Counter)
    mutations: int = 0
    deploys: int = 0

    @property
    def requests(self) -> int:
        return sum(self.by_operation.values())

    @property
    def besides_waits(self) -> int:
        return self.requests - sum(self.by_operation[name] for name in STATUS_WAITS)


def measure(backend: Any, scenario: str, step: Any) -> Cost:
    mark, before, started = len(backend.requests), set(backend.deployments), time.perf_counter()
    step()
    cost = Cost(scenario, seconds=time.perf_counter() - started)
    for entry in list(backend.requests)[mark:]:
        cost.by_operation[str(entry.operation_name)] += 1
        cost.mutations += int(entry.is_mutation)
    cost.deploys = len(set(backend.deployments) - before)
    return cost


def run(backend: Any, token: str) -> list[Cost]:
    from testkit.mock_engine import Engine

    staging = Engine("staging", railway_token=token)
    if not staging.up().ok:
        raise RuntimeError("staging did not come up")
    preview = Engine("pr-42", railway_token=token, staging=staging)

    def up() -> None:
        result = preview.up(config={"imageDigest": DIGEST})
        if not result.ok:
            raise RuntimeError(f"the preview did not come up: {result.errors}")

    return [
        measure(backend, "preview of an app PR from nothing", up),
        measure(backend, "destroy it", preview.destroy),
    ]


def report(costs: list[Cost]) -> str:
    lines = []
    for c in costs:
        ops = ", ".join(f"{name} {n}" for name, n in sorted(c.by_operation.items()))
        lines += [
            f"== {c.scenario}",
            f"   {c.requests} requests ({c.besides_waits} besides status waits), {c.mutations} mutations, "
            f"{c.deploys} deploys, {c.seconds:.1f} s against the emulator",
            f"   by operation: {ops}",
        ]
    lines.append(
        f"Budgets: up <= {UP_BUDGET} requests besides status waits; destroy <= {DESTROY_BUDGET} mutations."
    )
    return "\n".join(lines)


def main() -> None:
    print(report(against_emulator(run)))


if __name__ == "__main__":
    main()
