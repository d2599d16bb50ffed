"""Live conformance, post-deploy signals: what the bake window reads, `httpLogs` (each request's id, time
and status, to the exact arguments the provider sends: afterDate, a limit of 1,000) and `metrics` (memory
usage and limit series from a start date). Runs on the emulator and, marked `integration`, on real Railway
(README.md beside it)."""

from __future__ import annotations

from typing import Any

from pulumi_railway.api import observability as obs
from tests.live.test_railway_assumptions_deploys import _service_with_image
from tests.support.railway_sandbox import Sandbox
from tests.support.railway_sandbox import sandbox_fixture as sandbox_fixture  # a fixture, used by name
from tests.support.railway_target import target_fixture as target_fixture  # a fixture, used by name


def _live(box: Sandbox) -> tuple[str, dict[str, Any]]:
    service_id = _service_with_image(box)
    deployment_id = box.deploy(service_id)
    assert box.wait_for_terminal(deployment_id)[-1] == "SUCCESS"
    return service_id, box.deployment(deployment_id)


def test_http_logs_of_a_live_deployment_answer_the_providers_arguments(sandbox: Sandbox) -> None:
    _service_id, deployment = _live(sandbox)
    variables = {"deploymentId": deployment["id"], "afterDate": deployment["createdAt"], "limit": 1000}

    logs = sandbox.client.execute(obs.HTTP_LOGS, variables, operation_name="HttpLogs")["httpLogs"]

    assert isinstance(logs, list)
    assert all(isinstance(log["httpStatus"], int) and log["requestId"] and log["timestamp"] for log in logs)


def test_memory_metrics_of_a_service_answer_series_of_samples(sandbox: Sandbox) -> None:
    service_id, deployment = _live(sandbox)
    variables = {
        "environmentId": sandbox.base_environment_id,
        "serviceId": service_id,
        "measurements": ["MEMORY_USAGE_GB", "MEMORY_LIMIT_GB"],
        "startDate": deployment["createdAt"],
        "sampleRateSeconds": 15,
    }

    results = sandbox.client.execute(obs.METRICS, variables, operation_name="Metrics")["metrics"]

    assert isinstance(results, list)
    assert {r["measurement"] for r in results} <= {"MEMORY_USAGE_GB", "MEMORY_LIMIT_GB"}
    assert all(
        isinstance(v["ts"], int) and isinstance(v["value"], int | float) for r in results for v in r["values"]
    )
