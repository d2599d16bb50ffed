"""The emulator's state store: the dicts of stored objects, ids, the fake clock and lookups.

Owns storage and "<Type> not found". It deliberately holds no rules: the rule mixins (projects.py,
services.py, variables.py, deployments.py, domains.py, tokens.py) build on it, and backend.py composes them.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from testkit.fake_railway import records as r

WORKSPACE_ID = "3f1c2b8e-7d6a-4c1e-9b3f-000000000001"
WORKSPACE_TOKEN = "test-workspace-token"

T = TypeVar("T", bound=r.Record)
VarKey = tuple[str, str, str | None]  # (projectId, environmentId, serviceId or None for shared)


class GraphQLFailure(Exception):
    """An error Railway reports inside GraphQL `errors` (HTTP 200), e.g. "Service not found"."""


class NotAuthorized(GraphQLFailure):
    def __init__(self) -> None:
        super().__init__("Not Authorized")


class State:
    """Stored objects keyed by id, the variables store, and the clock every timestamp comes from."""

    # Set by a test: deleted objects answer "Not Authorized" instead of "<Type> not found" (API.md §4).
    deleted_answer_not_authorized: bool = False
    # Set by a test: serviceInstanceUpdate deploys an instance with a source (reported of Railway, API.md §8).
    instance_update_deploys: bool = False

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock_offset = 0.0
        self.frozen_at: float | None = None
        self.clear_state()

    def clear_state(self) -> None:
        self.sequence = itertools.count(1)
        self.workspace_id = WORKSPACE_ID
        self.workspace_tokens: dict[str, str] = {WORKSPACE_TOKEN: WORKSPACE_ID}
        self.projects: dict[str, r.Project] = {}
        self.environments: dict[str, r.Environment] = {}
        self.services: dict[str, r.Service] = {}
        self.instances: dict[str, r.Instance] = {}
        self.deployments: dict[str, r.Deployment] = {}
        self.custom_domains: dict[str, r.CustomDomain] = {}
        self.service_domains: dict[str, r.ServiceDomain] = {}
        self.project_tokens: dict[str, r.ProjectToken] = {}
        self.variables: dict[VarKey, dict[str, str]] = {}

    # --- clock and ids -------------------------------------------------------------------------
    def now(self) -> float:
        """Seconds since the epoch (or the frozen instant), shifted by advance_time()."""
        return (time.time() if self.frozen_at is None else self.frozen_at) + self.clock_offset

    def advance_time(self, seconds: float) -> None:
        """Move the emulator's clock forward (rate-limit windows, timestamps) without sleeping."""
        self.clock_offset += seconds

    def freeze_time(self, at: float | None = None) -> None:
        """Stop the emulator's clock (at `at`, default now); advance_time() still moves it."""
        self.frozen_at = time.time() if at is None else at

    def now_iso(self) -> str:
        return (
            datetime.fromtimestamp(self.now(), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        )

    def stamp(self) -> dict[str, Any]:
        """The id and timestamps of a new record."""
        now = self.now_iso()
        return {"id": str(uuid.uuid4()), "created_at": now, "updated_at": now, "seq": next(self.sequence)}

    @staticmethod
    def random_suffix(n: int = 4) -> str:
        return secrets.token_hex(n)[:n]

    # --- lookups -------------------------------------------------------------------------------
    def get(self, table: dict[str, T], type_name: str, obj_id: str | None) -> T:
        """The live object with that id, else GraphQLFailure("<Type> not found"), or "Not Authorized" for a
        deleted one when `deleted_answer_not_authorized` is set (API.md §4: Railway answers that too)."""
        obj = table.get(obj_id or "")
        if obj is not None and not obj.live and self.deleted_answer_not_authorized:
            raise NotAuthorized()
        if obj is None or not obj.live:
            raise GraphQLFailure(f"{type_name} not found")
        return obj

    def project(self, project_id: str | None) -> r.Project:
        return self.get(self.projects, "Project", project_id)

    def environment(self, environment_id: str | None) -> r.Environment:
        return self.get(self.environments, "Environment", environment_id)

    def service(self, service_id: str | None) -> r.Service:
        return self.get(self.services, "Service", service_id)

    def deployment(self, deployment_id: str | None) -> r.Deployment:
        return self.get(self.deployments, "Deployment", deployment_id)

    def instance(self, service_id: str, environment_id: str) -> r.Instance:
        for inst in self.instances.values():
            if inst.live and inst.service_id == service_id and inst.environment_id == environment_id:
                return inst
        raise GraphQLFailure("ServiceInstance not found")

    def find_instance(self, service_id: str, environment_id: str) -> r.Instance | None:
        try:
            return self.instance(service_id, environment_id)
        except GraphQLFailure:
            return None

    def live_environments(self, project_id: str) -> list[r.Environment]:
        return [e for e in self.environments.values() if e.live and e.project_id == project_id]

    def live_instances(
        self, *, service_id: str | None = None, environment_id: str | None = None
    ) -> list[r.Instance]:
        return [
            i
            for i in self.instances.values()
            if i.live
            and (service_id is None or i.service_id == service_id)
            and (environment_id is None or i.environment_id == environment_id)
        ]

    def soft_delete(self, obj: r.Record) -> None:
        if obj.live:
            obj.deleted_at = obj.updated_at = self.now_iso()

    def soft_delete_where(self, table: Mapping[str, r.Record], attr: str, value: str) -> None:
        """Soft-delete every live object of table whose `attr` equals value."""
        for obj in list(table.values()):
            if getattr(obj, attr) == value:
                self.soft_delete(obj)

    # --- cross-rule hooks (implemented by the deployments mixin) --------------------------------
    def deploy(
        self, service_id: str, environment_id: str, reason: str, *, scripted: bool = True
    ) -> r.Deployment:
        raise NotImplementedError

    def progress_copy(self, env: r.Environment) -> None:  # implemented by the projects mixin
        raise NotImplementedError

    def placement(self, inst: r.Instance) -> dict[str, Any]:  # implemented by the services mixin
        raise NotImplementedError

    def deploy_affected(
        self, project_id: str, environment_id: str, service_id: str | None, reason: str
    ) -> None:
        raise NotImplementedError
