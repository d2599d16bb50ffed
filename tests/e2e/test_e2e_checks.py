"""End to end: a production deploy runs its post-deploy checks (smoke, bake window over the emulator's logs
and metrics, health probes, Sentry absent, duration) and shows every one in the stack's `deployChecks`; a 5xx
share over the threshold fails the run, rolls back, and the error carries the summary a Slack alert reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_railway.toolkit.check_summary import Summary
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine
from tests.e2e.conftest import first_up

PASSWORD = "e2e-smoke-pass-51c0"
STEP = {
    "name": "health",
    "method": "GET",
    "path": "/check/{{secret:smokeUserPassword}}",
    "expectField": "status",
}
CHECKS = {
    "smokeSteps": json.dumps([json.dumps(STEP)])
}  # production's bake: 180 s, on the engine's fake clock


@pytest.fixture
def production(fake_railway: FakeRailway) -> Engine:
    return first_up(fake_railway, "production")


def redeploy(engine: Engine, fake_railway: FakeRailway, share_5xx: float) -> Any:
    web, env = engine.outputs["railwayServiceIds"]["web"], engine.outputs["railwayEnvironmentId"]
    fake_railway.backend.script_traffic(web, requests_per_read=40, share_5xx=share_5xx)
    fake_railway.backend.script_memory(web, env, [0.25, 0.40], limit_gb=1.0)
    # A release (a new digest): a moved tag no longer changes what a long-lived stack runs (ImagePin).
    release = {"releaseDigest": "sha256:" + "2" * 64}
    return engine.up(config={**CHECKS, **release}, secrets={"smokeUserPassword": PASSWORD})


def test_a_production_deploy_shows_every_check_in_its_summary(
    production: Engine, fake_railway: FakeRailway
) -> None:
    result = redeploy(production, fake_railway, share_5xx=0.0)
    assert result.ok, result.errors
    checks = production.outputs["deployChecks"]
    assert sorted(checks) == ["web", "worker"]
    web = Summary.from_output(checks["web"])
    assert len(web.outcomes) == 6
    assert {o.name: o.status for o in web.outcomes} == {
        "duration": "passed",
        "smoke": "passed",
        "error rate": "passed",
        "memory": "passed",
        "health checks": "passed",
        "sentry": "skipped",
    }
    worker = {o.name: o.status for o in Summary.from_output(checks["worker"]).outcomes}
    assert (worker["smoke"], worker["error rate"], worker["health checks"]) == (
        "skipped",
        "not judged",
        "skipped",
    )
    assert PASSWORD not in json.dumps(production.outputs, default=str)
    web_logs = [
        e
        for e in fake_railway.backend.requests
        if e.operation_name == "HttpLogs"
        and e.variables["deploymentId"] == production.outputs["deploymentIds"]["web"]
    ]
    assert len(web_logs) >= 2  # the engine's one fake clock is shared by both services' bakes: no exact count


def test_a_5xx_share_over_the_threshold_fails_the_run_and_rolls_back(
    production: Engine, fake_railway: FakeRailway
) -> None:
    good = production.outputs["deploymentIds"]["web"]
    result = redeploy(production, fake_railway, share_5xx=0.1)
    assert not result.ok
    assert len(result.errors) == 1
    summary = Summary.from_error(result.errors[0])
    assert summary is not None and summary.rolled_back and summary.rolled_back_to == good
    assert [(o.name, o.severity) for o in summary.breaches] == [("error rate", "SEV-2")]
    assert PASSWORD not in result.errors[0]
    web, env = production.outputs["railwayServiceIds"]["web"], production.outputs["railwayEnvironmentId"]
    # Railway's rollback is a new deployment of the good one (the strict emulator), not the good one itself.
    active = fake_railway.backend.active_deployment(web, env)
    assert active is not None and (active.meta.get("reason"), active.meta.get("rollbackFrom")) == (
        "rollback",
        good,
    )
