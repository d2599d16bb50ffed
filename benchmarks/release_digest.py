"""Benchmark scenarios of a release: the whole program (the engine-like mock) releasing a digest to staging.

After staging's first deploy (not measured): "release a new digest" (the physical minimum is one settings
write and one deploy per service), and "release a digest whose health gate fails" (the deploy, its
rollback, and pinning the previous digest again). Counted like benchmarks/railway_calls.py's scenarios."""

from __future__ import annotations

from typing import Any

from benchmarks.railway_calls import Measured, measuring
from testkit.release_engine import EngineStacks

NEW_DIGEST = "sha256:" + "1" * 64
BAD_DIGEST = "sha256:" + "2" * 64
UNCOUNTED = ("ServiceInstance", "Deployment", "ProjectToken", "ImagePin")  # Terraform has none of these


def terraform_resources(stacks: EngineStacks) -> int:
    """Terraform's resources for the program's Railway state (one per variable; see railway_calls)."""
    count = 0
    for stored in stacks.engine("staging").state.values():
        if not stored.type.startswith("pulumi-python:dynamic/railway:"):
            continue
        if stored.type.endswith(":Variables"):
            count += len(stored.outputs.get("managed_keys") or [])
        elif not stored.type.endswith(UNCOUNTED):
            count += 1
    return count


def run_release_scenarios(backend: Any, token: str) -> list[Measured]:
    """Both release scenarios on one staging stack (the failing one starts from the first's result)."""
    stacks = EngineStacks(token)
    first = stacks.infra_up("staging")
    if not first.ok:
        raise RuntimeError(f"staging's first deploy failed: {first.errors}")
    results = []
    with measuring(backend, "release a new digest", terraform_resources(stacks)) as measured:
        outcome = stacks.up("staging", NEW_DIGEST)
    if not outcome.ok:
        raise RuntimeError(f"the release failed: {outcome.error}")
    results.append(measured)
    domain = stacks.engine("staging").outputs["healthDomain"]
    backend.set_health(domain, False)
    try:
        scenario = "release a digest whose health gate fails (rolled back, previous pinned again)"
        with measuring(backend, scenario, terraform_resources(stacks)) as measured:
            failed = stacks.up("staging", BAD_DIGEST)
            restored = stacks.up("staging", NEW_DIGEST)
    finally:
        backend.set_health(domain, True)
    if failed.ok or not restored.ok:
        raise RuntimeError("the failing release did not fail and restore as expected")
    results.append(measured)
    return results
