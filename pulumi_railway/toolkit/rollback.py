"""Railway's rollback as it really is: a NEW deployment of an earlier one's image that also restores that
deployment's variables (docs guides/roll-back-bad-deploy.md), not the old deployment made active in place.

Which deployment to roll back to, and waiting on the new one, are deploy_gate.py's."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from pulumi_railway.api import deployments as deploy_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.api.retry import Waits
from pulumi_railway.toolkit.provider import create_or_adopt, resend_idempotent

LAG_READS = 5  # list reads, poll interval apart, before concluding a new deployment did not appear
PROVIDED_PREFIX = "RAILWAY_"  # variables Railway provides to every service: never written back


def listed_ids(client: RailwayClient, where: dict[str, str]) -> list[str]:
    """The ids of the service's newest deployments, newest first."""
    data = client.execute(deploy_ops.DEPLOYMENTS, {"input": where, "first": 10})
    return [str(edge["node"]["id"]) for edge in data["deployments"]["edges"]]


def appeared(
    read: Callable[[], list[str]], known: Collection[str], waits: Waits, poll_seconds: float
) -> str | None:
    """The newest listed deployment not in `known`, read up to LAG_READS times; None if none shows."""
    for attempt in range(LAG_READS):
        if attempt:
            waits.sleep(poll_seconds)
        fresh = [deployment_id for deployment_id in read() if deployment_id not in known]
        if fresh:
            return fresh[0]
    return None


def live_variables(client: RailwayClient, where: dict[str, str]) -> dict[str, str]:
    """The service's own variables as set now (unrendered: references stay references)."""
    data = client.execute(ops.VARIABLES, {**where, "unrendered": True})
    values: dict[str, Any] = data["variables"] or {}
    return {name: str(value) for name, value in values.items() if not name.startswith(PROVIDED_PREFIX)}


# Sent once: a rollback whose answer was lost is recognised as the deployment that appeared after it (found
# through read lag: the list can lag the write), never sent twice. Then the service's variables are put back
# as they were before the rollback, so what the stack manages stays true in Railway (skipDeploys: the rollback
# keeps running the old values; the next deploy takes these).
def roll_back_to(
    client: RailwayClient,
    where: dict[str, str],
    chosen: str,
    known: Collection[str],
    waits: Waits,
    poll_seconds: float,
) -> str:
    """Send `deploymentRollback(chosen)` once; the id of the new deployment it made."""

    def found() -> str | None:
        return appeared(lambda: listed_ids(client, where), known, waits, poll_seconds)

    def send() -> str:
        client.execute(deploy_ops.DEPLOYMENT_ROLLBACK, {"id": chosen})
        new_id = found()
        if new_id is None:
            raise RailwayError(
                f"Railway accepted the rollback to deployment {chosen}, but no new deployment appeared "
                f"after {LAG_READS} reads"
            )
        return new_id

    return create_or_adopt(found, send, f"a rollback to deployment {chosen}")


def restore_variables(client: RailwayClient, where: dict[str, str], values: dict[str, str]) -> None:
    """Set the service's variables back to `values` exactly (replace), without deploying."""
    variables = {"input": {**where, "variables": values, "replace": True, "skipDeploys": True}}
    resend_idempotent(lambda: client.execute(ops.VARIABLE_COLLECTION_UPSERT, variables))
