"""One health-gated deploy of one service in one environment, rolled back when it fails.

Owns: triggering `serviceInstanceDeployV2` (a trigger that may have applied is looked up among the service's
newest deployments before it is sent again), polling `deployment(id)` every poll interval (backing off on
transient errors) until a terminal status or the timeout, the health gate (GET the health URL up to N times,
expecting 200 and JSON `{"status": "ok"}`; a service without a public domain is gated on SUCCESS alone),
and on failure the rollback to a deployment this program trusts (`trusted`, newest first: the one the
state recorded as healthy, then earlier ones that passed this program's gate), then an error that says what
failed, the deployment id, and what it rolled back to and why that one (or why it could not).
Terminal statuses: SUCCESS and SLEEPING are healthy; FAILED and CRASHED (and the timeout, and a failed
gate) roll back; REMOVED, REMOVING and SKIPPED mean Railway replaced or skipped this deployment, so the
error says so and nothing is rolled back (rolling back would undo whoever replaced it).
Deliberately not here: when to deploy (deployment.py decides from the revision), Pulumi.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError, RailwayHTTPError, RailwayNotFound, RailwayTransientError
from pulumi_railway.api.retry import Waits
from pulumi_railway.toolkit.provider import create_or_adopt

HEALTHY = frozenset({"SUCCESS", "SLEEPING"})
BROKEN = frozenset({"FAILED", "CRASHED"})
REPLACED = frozenset({"REMOVED", "REMOVING", "SKIPPED"})
MAX_BACKOFF_SECONDS = 60.0
CLOCK_SLACK_SECONDS = 10.0  # how far Railway's clock may be behind ours when adopting a trigger
HTTP_TIMEOUT_SECONDS = 10.0


class DeploymentFailed(RailwayError):
    """A deploy failed (status, timeout or health gate); says whether and to what it rolled back."""

    def __init__(self, message: str, *, deployment_id: str, rolled_back_to: str | None) -> None:
        super().__init__(message)
        self.deployment_id = deployment_id
        self.rolled_back_to = rolled_back_to


@dataclass(frozen=True)
class Target:
    project_id: str
    environment_id: str
    service_id: str

    @property
    def what(self) -> str:
        return f"service '{self.service_id}' in environment '{self.environment_id}'"


@dataclass(frozen=True)
class Gate:
    timeout_seconds: float
    poll_interval_seconds: float
    gate_attempts: int
    gate_interval_seconds: float
    health_url: str | None  # None: gated on Railway's own SUCCESS (the worker)


class _Problem(Exception):
    def __init__(self, reason: str, *, roll_back: bool = True, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.roll_back = roll_back
        self.timed_out = timed_out


def deploy(
    client: RailwayClient,
    target: Target,
    gate: Gate,
    *,
    previous_id: str | None,
    waits: Waits,
    trusted: Sequence[str] = (),
) -> dict[str, Any]:
    """Deploy, wait, gate; return the healthy deployment node, or roll back and raise DeploymentFailed.

    `trusted`: deployments that passed this program's gate, newest first (the state's first)."""
    deployment_id = _trigger(client, target, previous_id)
    node: dict[str, Any] = {"id": deployment_id}
    try:
        node = _wait(client, deployment_id, gate, waits)
        if gate.health_url is not None:
            _health_gate(gate, waits)
    except _Problem as problem:
        if problem.timed_out:
            _cancel(client, deployment_id)
        rolled_to, outcome = (None, "nothing was rolled back")
        if problem.roll_back:
            rolled_to, outcome = _roll_back(client, target, trusted)
        raise DeploymentFailed(
            f"Deployment {deployment_id} of {target.what} failed: {problem.reason}; {outcome}",
            deployment_id=deployment_id,
            rolled_back_to=rolled_to,
        ) from None
    return node


def _trigger(client: RailwayClient, target: Target, previous_id: str | None) -> str:
    started = time.time()

    def send() -> str:
        data = client.execute(
            ops.SERVICE_INSTANCE_DEPLOY_V2,
            {"serviceId": target.service_id, "environmentId": target.environment_id},
            operation_name="ServiceInstanceDeployV2",
        )
        return str(data["serviceInstanceDeployV2"])

    def lookup() -> str | None:
        for node in _deployments(client, target, statuses=None, first=5):
            created = _timestamp(node.get("createdAt"))
            if node["id"] != previous_id and created is not None and created >= started - CLOCK_SLACK_SECONDS:
                return str(node["id"])
        return None

    return create_or_adopt(lookup, send, f"a deployment of {target.what}")


def _wait(client: RailwayClient, deployment_id: str, gate: Gate, waits: Waits) -> dict[str, Any]:
    """Poll until a terminal status; transient errors back off (doubling) without ending the wait."""
    deadline = waits.clock() + gate.timeout_seconds
    delay = gate.poll_interval_seconds
    status = "not read yet"
    while True:
        waits.sleep(max(0.0, min(delay, deadline - waits.clock())))
        try:
            node = _deployment(client, deployment_id)
        except (RailwayTransientError, RailwayHTTPError) as exc:
            delay = min(max(delay, 0.01) * 2, MAX_BACKOFF_SECONDS)
            status = f"unreadable ({type(exc).__name__})"
        else:
            delay = gate.poll_interval_seconds
            status = str(node["status"])
            if status in HEALTHY:
                return node
            if status in BROKEN:
                raise _Problem(f"Railway reports it {status}")
            if status in REPLACED:
                raise _Problem(
                    f"Railway reports it {status}: another deployment replaced it or Railway skipped it",
                    roll_back=False,
                )
        if waits.clock() >= deadline:
            raise _Problem(
                f"it did not finish within {gate.timeout_seconds:g}s (last status {status}), "
                "so it was cancelled",
                timed_out=True,
            )


def _health_gate(gate: Gate, waits: Waits) -> None:
    url = str(gate.health_url)
    last = "not tried"
    for attempt in range(gate.gate_attempts):
        if attempt:
            waits.sleep(gate.gate_interval_seconds)
        try:
            response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            last = f"no answer ({type(exc).__name__})"
            continue
        if response.status_code != 200:
            last = f"HTTP {response.status_code}"
            continue
        try:
            body = response.json()
        except ValueError:
            last = "HTTP 200 with a body that is not JSON"
            continue
        status = body.get("status") if isinstance(body, dict) else None
        if status == "ok":
            return
        last = f'HTTP 200 with JSON status {str(status)[:40]!r}, not "ok"'
    raise _Problem(f"the health check {url} failed {gate.gate_attempts} time(s) (last: {last})")


def _roll_back(client: RailwayClient, target: Target, trusted: Sequence[str]) -> tuple[str | None, str]:
    """Return to the deployment `_rollback_target` picks: (the id rolled back to, or None; what happened).

    When that deployment is still active (a FAILED/CRASHED/hung deploy never took traffic), Railway kept
    it serving and there is nothing to roll back; when it was replaced (`canRollback`), roll back to it.
    """
    try:
        previous, why = _rollback_target(client, trusted)
        if previous is None:
            return None, why
        chosen = str(previous["id"])
        if not previous.get("canRollback"):
            return None, f"the previous deployment {chosen} ({why}) is still active (Railway kept it serving)"

        def send() -> str:
            client.execute(ops.DEPLOYMENT_ROLLBACK, {"id": chosen}, operation_name="DeploymentRollback")
            return chosen

        def applied() -> str | None:  # a rollback whose answer was lost: is that deployment active now?
            return chosen if _deployment(client, chosen).get("status") in HEALTHY else None

        # Not simply re-sent: once active, the deployment can no longer be rolled back to.
        create_or_adopt(applied, send, f"a rollback of {target.what} to deployment {chosen}")
    except RailwayError as exc:
        return None, f"the rollback failed, so check the service by hand: {exc}"
    return chosen, f"rolled back to deployment {chosen} ({why})"


def _rollback_target(client: RailwayClient, trusted: Sequence[str]) -> tuple[dict[str, Any] | None, str]:
    """The deployment to return to, and why that one: the first of `trusted` still active or rollbackable.

    Only deployments this program saw pass its gate: the newest deployment Railway calls successful may
    be the broken one a killed run left live, which its gate never got to check."""
    for index, deployment_id in enumerate(trusted):
        try:
            node = _deployment(client, deployment_id)
        except RailwayNotFound:
            continue
        if node.get("canRollback") or node.get("status") in HEALTHY:
            why = (
                "the deployment the state recorded as healthy"
                if index == 0
                else "the newest earlier deployment that passed this program's health gate"
            )
            return node, why
    if not trusted:
        return None, (
            "no deployment of this service has passed this program's health gate yet, so none can be trusted "
            "and nothing was rolled back"
        )
    return None, (
        f"none of the deployments that passed this program's health gate ({', '.join(trusted)}) can be "
        "rolled back to any more, so none can be trusted and nothing was rolled back; fix the cause and "
        "deploy again"
    )


def _cancel(client: RailwayClient, deployment_id: str) -> None:
    """Best effort: a hung deployment that finished later would replace the rollback."""
    # The rollback and the error still follow; a cancel that failed changes neither.
    with contextlib.suppress(RailwayError):
        client.execute(ops.DEPLOYMENT_CANCEL, {"id": deployment_id}, operation_name="DeploymentCancel")


def _deployment(client: RailwayClient, deployment_id: str) -> dict[str, Any]:
    return dict(
        client.execute(ops.DEPLOYMENT, {"id": deployment_id}, operation_name="Deployment")["deployment"]
    )


def _deployments(
    client: RailwayClient, target: Target, *, statuses: list[str] | None, first: int
) -> list[dict[str, Any]]:
    where: dict[str, Any] = {
        "projectId": target.project_id,
        "environmentId": target.environment_id,
        "serviceId": target.service_id,
    }
    if statuses is not None:
        where["status"] = {"in": statuses}
    data = client.execute(ops.DEPLOYMENTS, {"input": where, "first": first}, operation_name="Deployments")
    return [dict(edge["node"]) for edge in data["deployments"]["edges"]]


def _timestamp(value: Any) -> float | None:
    """Seconds since the epoch of an ISO 8601 time (Railway's `createdAt`), or None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
