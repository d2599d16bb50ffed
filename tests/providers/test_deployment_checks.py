"""Post-deploy checks run by the Deployment against the emulator: each check passing, each breaching alone
(SEV-2 rolls back, SEV-3 only reports), too few requests to judge, Sentry absent or breaching, a timeout as a
SEV-2 duration breach, and a smoke step whose secret appears in no output, error or log."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import responses

from pulumi_railway.resources.deployment import DeploymentProvider
from pulumi_railway.toolkit.check_summary import Summary
from pulumi_railway.toolkit.deploy_gate import DeploymentFailed
from testkit.fake_time import FakeTime
from tests.support.railway_world import World, configured, deployment_inputs, seed_world
from tests.support.smoke_steps import LOGIN_STEP

DOMAIN = "staging.cartly.io"
PASSWORD = "smoke-pass-7f3a9c"
SENTRY = "https://sentry.example.test"
HEALTH_STEP = {"name": "health", "method": "GET", "path": "/health", "expectField": "status"}


@pytest.fixture
def world(fake_railway: Any) -> World:
    return seed_world(fake_railway, custom_domain=DOMAIN)


def provider(world: World, waits: Any = None) -> DeploymentProvider:
    return configured(DeploymentProvider(), world.fake.token, waits or world.time)


def props(world: World, revision: str = "rev-1", **checks: Any) -> dict[str, Any]:
    post_deploy = {
        "smoke_steps": [HEALTH_STEP],
        "bake_window_seconds": 60,
        "bake_interval_seconds": 15,
        "error_rate_percent": 1,
        "min_requests": 50,
        "memory_percent": 85,
        "health_check_failures": 3,
        **checks,
    }
    return deployment_inputs(
        world,
        revision=revision,
        health_domain=DOMAIN,
        timeout_seconds=600,
        post_deploy=post_deploy,
        post_deploy_secrets={"smoke": {"smokeUserPassword": PASSWORD}},
    )


def healthy_signals(world: World) -> None:
    world.backend.script_traffic(world.web_id, requests_per_read=30, share_5xx=0.0)
    world.backend.script_memory(world.web_id, world.environment_id, [0.30, 0.45, 0.50], limit_gb=1.0)


def statuses(summary: dict[str, Any]) -> dict[str, str]:
    return {o["name"]: o["status"] for o in summary["outcomes"]}


def deploy_twice(world: World, p: DeploymentProvider, **checks: Any) -> tuple[str, DeploymentFailed]:
    """rev-1 goes live with quiet signals; rev-2 is deployed with `checks`; (rev-1's id, rev-2's error)."""
    first = p.create(props(world, bake_window_seconds=0))
    state = {**props(world, bake_window_seconds=0), **(first.outs or {})}
    with pytest.raises(DeploymentFailed) as caught:
        p.update(str(first.id), state, props(world, "rev-2", **checks))
    return str(first.id), caught.value


def test_every_check_passing_keeps_the_deploy_and_reports_each_outcome(world: World) -> None:
    healthy_signals(world)
    result = provider(world).create(props(world))
    summary = (result.outs or {})["checks"]
    assert len(summary["outcomes"]) == 6
    assert statuses(summary) == {
        "duration": "passed",
        "smoke": "passed",
        "error rate": "passed",
        "memory": "passed",
        "health checks": "passed",
        "sentry": "skipped",
    }
    assert summary["rolled_back"] is False
    assert "no Sentry auth token or project configured" in summary["text"]
    assert world.active_deployment_id(world.web_id) == result.id


def test_the_bake_reads_logs_once_per_interval_and_metrics_once(world: World) -> None:
    healthy_signals(world)
    mark = world.mark()
    provider(world).create(props(world))
    ops = world.operations_since(mark)
    assert ops.count("HttpLogs") == 4  # a 60 s window read every 15 s
    assert ops.count("Metrics") == 1


def test_a_5xx_share_over_the_threshold_rolls_back_as_a_sev2_breach(world: World) -> None:
    p = provider(world)
    world.backend.script_memory(world.web_id, world.environment_id, [0.3], limit_gb=1.0)
    first_id = p.create(props(world, bake_window_seconds=0)).id
    world.backend.script_traffic(world.web_id, requests_per_read=100, share_5xx=0.05)
    state = {**props(world, bake_window_seconds=0), "deployment_id": first_id}
    with pytest.raises(DeploymentFailed) as caught:
        p.update(str(first_id), state, props(world, "rev-2"))
    summary = Summary.from_error(str(caught.value))
    assert summary is not None and len(summary.breaches) == 1
    assert (summary.breaches[0].name, summary.breaches[0].severity) == ("error rate", "SEV-2")
    assert "5.00% (5/100 5xx)" in summary.breaches[0].measured
    assert summary.rolled_back and summary.rolled_back_to == first_id
    # Railway's rollback is a new deployment of the good one (the strict emulator), not the good one itself.
    active = world.backend.active_deployment(world.web_id, world.environment_id)
    assert active is not None and (active.meta.get("reason"), active.meta.get("rollbackFrom")) == (
        "rollback",
        first_id,
    )
    assert world.backend.count("HttpLogs") == 1  # judged and stopped at the first read


def test_too_few_requests_are_not_judged_and_do_not_roll_back(world: World) -> None:
    world.backend.script_traffic(world.web_id, requests_per_read=5, share_5xx=1.0)
    result = provider(world).create(props(world))
    outcome = next(o for o in (result.outs or {})["checks"]["outcomes"] if o["name"] == "error rate")
    assert outcome["status"] == "not judged"
    assert "too few requests to judge (20 < 50)" in outcome["detail"]
    assert world.active_deployment_id(world.web_id) == result.id


def test_memory_over_the_threshold_alerts_as_sev3_without_rolling_back(world: World) -> None:
    world.backend.script_memory(world.web_id, world.environment_id, [0.5, 0.92, 0.7], limit_gb=1.0)
    result = provider(world).create(props(world))
    summary = Summary.from_output((result.outs or {})["checks"])
    assert [(o.name, o.severity) for o in summary.breaches] == [("memory", "SEV-3")]
    assert summary.breaches[0].measured == "peak 92.0%"
    assert not summary.rolled_back and "live with an alert" in summary.headline()
    assert world.active_deployment_id(world.web_id) == result.id


def test_more_than_three_failed_health_probes_roll_back(world: World) -> None:
    class AppBreaksOnceBaking(FakeTime):
        def sleep(self, seconds: float) -> None:  # after the bake's first look, the app answers 503
            super().sleep(seconds)
            if world.backend.count("HttpLogs"):
                world.backend.set_health(DOMAIN, False)

    p = provider(world, AppBreaksOnceBaking())
    first_id, error = deploy_twice(world, p, bake_window_seconds=120, bake_interval_seconds=10)
    summary = Summary.from_error(str(error))
    assert summary is not None and [o.name for o in summary.breaches] == ["health checks"]
    assert summary.breaches[0].measured == "4 of 5 failed"
    assert error.rolled_back_to == first_id


def test_a_failing_smoke_step_rolls_back_and_never_shows_its_secret(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first_id, error = deploy_twice(world, provider(world), smoke_steps=[HEALTH_STEP, LOGIN_STEP])
    summary = Summary.from_error(str(error))
    assert summary is not None and [o.name for o in summary.breaches] == ["smoke"]
    assert "step 'login' (POST /api/auth/login): HTTP 404, expected 200" in summary.breaches[0].measured
    assert error.rolled_back_to == first_id
    assert world.backend.count("HttpLogs") == 0  # the bake never started
    assert PASSWORD not in str(error) and PASSWORD not in repr(error.args)
    assert PASSWORD not in caplog.text


def test_the_secret_reaches_the_app_yet_no_output_holds_it(world: World) -> None:
    step = {"method": "GET", "path": "/check/{{secret:smokeUserPassword}}", "expectField": "status"}
    result = provider(world).create(props(world, smoke_steps=[step], bake_window_seconds=0))
    outs = dict(result.outs or {})
    assert [path for _d, path, _s in world.backend.health_checks if PASSWORD in path] != []
    assert outs.pop("post_deploy_secrets") == {"smoke": {"smokeUserPassword": PASSWORD}}  # a secret input
    assert PASSWORD not in repr(outs)


def test_a_timeout_is_a_sev2_duration_breach_and_rolls_back(world: World) -> None:
    p = provider(world)
    first = p.create(props(world, bake_window_seconds=0))
    world.backend.script_next_deploy(world.web_id, "HANG")
    state = {**props(world, bake_window_seconds=0), **(first.outs or {})}
    with pytest.raises(DeploymentFailed) as caught:
        p.update(str(first.id), state, {**props(world, "rev-2"), "timeout_seconds": 60})
    summary = Summary.from_error(str(caught.value))
    assert summary is not None
    duration = next(o for o in summary.outcomes if o.name == "duration")
    assert (duration.status, duration.severity, duration.threshold) == ("breached", "SEV-2", "60s")
    assert "did not finish within 60s" in str(caught.value)


@responses.activate
def test_new_sentry_issues_in_the_release_window_roll_back(world: World) -> None:
    responses.add_passthru(re.compile(r"http://127\.0\.0\.1"))
    issues = responses.get(
        f"{SENTRY}/api/0/projects/cartly/web/issues/",
        json=[
            {"id": "1", "shortId": "WEB-1", "firstSeen": "2099-01-01T00:00:00Z"},
            {"id": "2", "shortId": "WEB-OLD", "firstSeen": "2000-01-01T00:00:00Z"},
        ],
    )
    p = provider(world)
    sentry = {"url": SENTRY, "organization": "cartly", "project": "web", "max_new_issues": 0}
    first = p.create(props(world, bake_window_seconds=0))
    state = {**props(world, bake_window_seconds=0), **(first.outs or {})}
    news = props(world, "rev-2", bake_window_seconds=0, sentry=sentry)
    news["post_deploy_secrets"] = {"smoke": {"smokeUserPassword": PASSWORD}, "sentry_token": "sntrys_tok"}
    with pytest.raises(DeploymentFailed) as caught:
        p.update(str(first.id), state, news)
    summary = Summary.from_error(str(caught.value))
    assert summary is not None and [o.measured for o in summary.breaches] == ["1 new issue(s) (WEB-1)"]
    assert issues.call_count == 1
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer sntrys_tok"
    assert "sntrys_tok" not in str(caught.value)


def test_check_refuses_bad_post_deploy_settings_naming_each(world: World) -> None:
    bad = props(
        world,
        smoke_steps=[
            {"method": "FETCH", "path": "/x"},
            {"method": "GET"},
            {"method": "GET", "path": "/{{secret:nope}}"},
        ],
        error_rate_percent=150,
        bake_window_seconds=900,
    )
    reasons = [f.reason for f in provider(world).check({}, bad).failures]
    assert len(reasons) == 5
    assert any("method 'FETCH' is not one of GET, POST" in r for r in reasons)
    assert any("step 2: path is missing" in r for r in reasons)
    assert any("error_rate_percent must be a percentage between 0 and 100; got 150" in r for r in reasons)
    assert any("bake_window_seconds (900) must not exceed timeout_seconds (600)" in r for r in reasons)
    assert any("{{secret:nope}}" in r for r in reasons)
