"""One health-gated deploy of one service in one environment, rolled back when it fails.

Triggers `serviceInstanceDeployV2`, polls the deployment to a terminal status, runs the health gate
(health_gate.py), and on failure rolls back (rollback.py) to a deployment this program trusts. When to
deploy is deployment.py's call."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_railway.api import deployments as deploy_ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError, RailwayHTTPError, RailwayNotFound, RailwayTransientError
from pulumi_railway.api.retry import Waits
from pulumi_railway.toolkit import health_gate, rollback
from pulumi_railway.toolkit.provider import create_or_adopt

HEALTHY = frozenset({"SUCCESS", "SLEEPING"})
BROKEN = frozenset({"FAILED", "CRASHED"})
REPLACED = frozenset({"REMOVED", "REMOVING", "SKIPPED"})
MAX_BACKOFF_SECONDS = 60.0
MAX_POLL_SECONDS = 30.0  # the longest pause between two reads of a deployment whose status holds
POLL_GROWTH = 1.5
MAX_FOLLOWED = 2  # deployments we did not start that may replace ours before the wait gives up


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

    def where(self) -> dict[str, str]:
        return {
            "projectId": self.project_id,
            "environmentId": self.environment_id,
            "serviceId": self.service_id,
        }


@dataclass(frozen=True)
class Gate:
    timeout_seconds: float
    poll_interval_seconds: float
    gate_attempts: int
    gate_interval_seconds: float
    health_url: str | None  # None: gated on Railway's own SUCCESS (the worker)
    grace_seconds: float = 0.0  # how long a fresh domain may fail before failures count


class _Problem(Exception):
    def __init__(
        self, reason: str, *, roll_back: bool = True, timed_out: bool = False, replaced: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.roll_back = roll_back
        self.timed_out = timed_out
        self.replaced = replaced


# A trigger that may have applied is looked up among the deployments not listed before it, through read lag,
# before it is sent again; deployments Railway started without us are never taken for ours, and one that
# replaces ours is waited out. Polling: every poll interval after a status change, then half as long again
# each read up to MAX_POLL_SECONDS (backing off on transient errors), until a terminal status or the timeout.
# HEALTHY passes; BROKEN (and the timeout, and a failed gate) roll back; REPLACED means Railway replaced or
# skipped this deployment: a newer one we did not start is waited out, else the error says so and nothing is
# rolled back. The rollback target is the first of `trusted` that can be (newest first: the one the state
# recorded as healthy, then earlier ones that passed this program's gate); the error says what failed, the
# deployment id, and what it rolled back to and why that one (or why it could not).
def deploy(
    client: RailwayClient,
    target: Target,
    gate: Gate,
    *,
    previous_id: str | None,
    waits: Waits,
    trusted: Sequence[str] = (),
    verify: Callable[[dict[str, Any]], str | None] | None = None,
) -> dict[str, Any]:
    """Deploy, wait, gate, then `verify` (post-deploy checks: a reason to roll back, or None); return the
    healthy deployment node, or roll back and raise DeploymentFailed.

    `trusted`: deployments that passed this program's gate, newest first (the state's first)."""
    # Deployments Railway started without us (serviceCreate, an environment copy, a variable write): never
    # mistaken for ours, whether a lost answer is being looked up or ours is replaced.
    known = {*rollback.listed_ids(client, target.where()), *([previous_id] if previous_id else [])}
    deployment_id = _trigger(client, target, known, gate, waits)
    node: dict[str, Any] = {"id": deployment_id}
    try:
        node = _wait_out(client, target, deployment_id, known, gate, waits)
        if gate.health_url is not None:
            _health_gate(gate, waits)
        breach = verify(node) if verify is not None else None
        if breach is not None:
            raise _Problem(f"a post-deploy check breached its SEV-2 threshold ({breach})")
    except _Problem as problem:
        if problem.timed_out:
            _cancel(client, deployment_id)
        rolled_to, outcome = (None, "nothing was rolled back")
        if problem.roll_back:
            rolled_to, outcome = _roll_back(client, target, trusted, node, gate, waits)
        raise DeploymentFailed(
            f"Deployment {deployment_id} of {target.what} failed: {problem.reason}; {outcome}",
            deployment_id=deployment_id,
            rolled_back_to=rolled_to,
        ) from None
    return node


def _trigger(client: RailwayClient, target: Target, known: set[str], gate: Gate, waits: Waits) -> str:
    def send() -> str:
        data = client.execute(
            deploy_ops.SERVICE_INSTANCE_DEPLOY_V2,
            {"serviceId": target.service_id, "environmentId": target.environment_id},
        )
        return str(data["serviceInstanceDeployV2"])

    def listed() -> list[str]:
        return rollback.listed_ids(client, target.where())

    def lookup() -> str | None:  # a trigger whose answer was lost: the deployment that appeared since
        return rollback.appeared(listed, known, waits, gate.poll_interval_seconds)

    return create_or_adopt(lookup, send, f"a deployment of {target.what}")


def _wait_out(
    client: RailwayClient, target: Target, deployment_id: str, known: set[str], gate: Gate, waits: Waits
) -> dict[str, Any]:
    """Wait on ours; when a newer deployment we did not start replaced it (REMOVED/SKIPPED), wait that one
    out instead: it deploys the same source and variables. Never more than MAX_FOLLOWED of them."""
    mine = {deployment_id}
    while True:
        try:
            return _wait(client, deployment_id, gate, waits)
        except _Problem as problem:
            if not problem.replaced or len(mine) > MAX_FOLLOWED:
                raise
            ids = rollback.listed_ids(client, target.where())
            newer = next((i for i in ids if i not in known and i not in mine), None)
            if newer is None:
                raise
            mine.add(newer)
            deployment_id = newer


def next_poll(delay: float, base: float, changed: bool) -> float:
    """Adaptive polling, to spend less of Railway's hourly budget on long builds: back to `base` when the
    status changed, else half as long again, capped at MAX_POLL_SECONDS (or `base`, if that is longer)."""
    return base if changed else min(max(delay * POLL_GROWTH, base), max(MAX_POLL_SECONDS, base))


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
            delay = next_poll(delay, gate.poll_interval_seconds, changed=str(node["status"]) != status)
            status = str(node["status"])
            if status in HEALTHY:
                return node
            if status in BROKEN:
                raise _Problem(f"Railway reports it {status}")
            if status in REPLACED:
                raise _Problem(
                    f"Railway reports it {status}: another deployment replaced it or Railway skipped it",
                    roll_back=False,
                    replaced=True,
                )
        if waits.clock() >= deadline:
            raise _Problem(
                f"it did not finish within {gate.timeout_seconds:g}s (last status {status}), "
                "so it was cancelled",
                timed_out=True,
            )


def _health_gate(gate: Gate, waits: Waits) -> None:
    failure = health_gate.check(
        str(gate.health_url), gate.gate_attempts, gate.gate_interval_seconds, gate.grace_seconds, waits
    )
    if failure:
        raise _Problem(failure)


def _roll_back(
    client: RailwayClient,
    target: Target,
    trusted: Sequence[str],
    failed: dict[str, Any],
    gate: Gate,
    waits: Waits,
) -> tuple[str | None, str]:
    """Return to the deployment `_rollback_target` picks: (the id rolled back to, or None; what happened).

    When that deployment is still active (a FAILED/CRASHED/hung deploy never took traffic), Railway kept
    it serving and there is nothing to roll back; when it was replaced (`canRollback`), roll back to it:
    Railway makes a new deployment with its image and variables (rollback.py), which is waited on, then
    the variables the stack had set are put back.
    """
    try:
        previous, why = _rollback_target(client, trusted)
        if previous is None:
            return None, why
        chosen = str(previous["id"])
        if not previous.get("canRollback"):
            return None, f"the previous deployment {chosen} ({why}) is still active (Railway kept it serving)"
        where = target.where()
        known = {*rollback.listed_ids(client, where), str(failed["id"]), chosen}
        managed = rollback.live_variables(client, where)
        new_id = rollback.roll_back_to(client, where, chosen, known, waits, gate.poll_interval_seconds)
        try:
            _wait(client, new_id, gate, waits)
        finally:
            rollback.restore_variables(client, where, managed)
    except _Problem as problem:
        return None, f"the rollback to {chosen} failed ({problem.reason}), so check the service by hand"
    except RailwayError as exc:
        return None, f"the rollback failed, so check the service by hand: {exc}"
    return chosen, (
        f"rolled back to deployment {chosen} ({why}) as Railway's new deployment {new_id}, with that "
        "deployment's variables; the variables the stack set were put back for the next deploy"
    )


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
        client.execute(deploy_ops.DEPLOYMENT_CANCEL, {"id": deployment_id})


def _deployment(client: RailwayClient, deployment_id: str) -> dict[str, Any]:
    return dict(client.execute(deploy_ops.DEPLOYMENT, {"id": deployment_id})["deployment"])
