"""Where tests/test_railway_assumptions.py runs, and the throwaway project each of its tests works in.

Owns: `RailwayTarget` (how to reach the emulator or real Railway, and how long to wait on each),
`Sandbox` (one project named `cartly-infra-it-<random>`; cleanups run newest first, the project is deleted
last, and every cleanup failure is reported after all of them ran, so one cannot stop the project's
deletion), and the waits: polling a deployment until a terminal status, waiting for deployments to show.
Deliberately does not: assert anything about Railway (the test module states the assumptions), or touch
anything outside its own project. Tokens stay out of reprs (`field(repr=False)`) and out of messages (the
client scrubs them).
"""

from __future__ import annotations

import functools
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from components.railway import operations as ops
from components.railway.client import RailwayClient, TokenKind
from components.railway.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayGraphQLError,
    RailwayMaybeApplied,
    RailwayNotFound,
)
from components.railway.provider_base import paginate

TOKEN_ENV = "CARTLY_INTEGRATION_RAILWAY_TOKEN"
WORKSPACE_ENV = "CARTLY_INTEGRATION_RAILWAY_WORKSPACE_ID"
PROJECT_PREFIX = "cartly-infra-it-"
BASE_ENVIRONMENT = (
    "it-base"  # the default environment's name, as the program names it (defaultEnvironmentName)
)
TERMINAL = frozenset({"SUCCESS", "FAILED", "CRASHED", "REMOVED", "REMOVING", "SKIPPED", "SLEEPING"})
# Creation cool-downs users report (API.md §3, unverified): worth one more try after a pause.
_COOLDOWN_MARKERS = ("per 30 seconds", "every 30s", "try again", "whoa there")
T = TypeVar("T")


@dataclass(frozen=True)
class RailwayTarget:
    """One API to run the suite against, with its waits (all zero for the emulator, which is synchronous)."""

    name: str  # "emulator" or "railway"
    token: str = field(repr=False)
    workspace_id: str
    endpoint: str | None  # None: RAILWAY_API_URL, else Railway's
    poll_seconds: float  # pause between two reads of something Railway does in the background
    appear_seconds: float  # how long a background effect (a deployment starting) may take to show
    quiet_seconds: float  # how long to watch before concluding that nothing started
    deploy_seconds: float  # how long a deployment may take to reach a terminal status
    max_reads: int  # bound on deployment reads (the emulator advances one step per read)
    cooldown_seconds: float  # pause before retrying a create refused by a creation cool-down
    sleep: Callable[[float], None] = field(repr=False, compare=False)

    def client(
        self,
        token: str | None = None,
        token_kind: TokenKind = "workspace",  # noqa: S107 (a kind of token, not a token)
    ) -> RailwayClient:
        return RailwayClient(
            token or self.token, token_kind=token_kind, endpoint=self.endpoint, sleep=self.sleep
        )

    def with_cooldown(self, create: Callable[[], T]) -> T:
        """create(), tried again (up to 3 more times) while Railway refuses it with a creation cool-down."""
        for _ in range(3):
            try:
                return create()
            except RailwayGraphQLError as exc:
                if not any(m in str(exc).lower() for m in _COOLDOWN_MARKERS):
                    raise
                self.sleep(self.cooldown_seconds)
        return create()


def emulator_target(url: str, token: str, workspace_id: str) -> RailwayTarget:
    return RailwayTarget(
        name="emulator",
        token=token,
        workspace_id=workspace_id,
        endpoint=url,
        poll_seconds=0.0,
        appear_seconds=0.0,
        quiet_seconds=0.0,
        deploy_seconds=5.0,
        max_reads=20,
        cooldown_seconds=0.0,
        sleep=lambda _seconds: None,
    )


def railway_target_from_env() -> RailwayTarget:
    """Real Railway, from CARTLY_INTEGRATION_RAILWAY_TOKEN (a workspace token) and _WORKSPACE_ID."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        pytest.skip(f"integration: set {TOKEN_ENV} (a Railway workspace token) to run it against Railway")
    workspace_id = os.environ.get(WORKSPACE_ENV, "").strip()
    if not workspace_id:
        pytest.fail(
            f"{WORKSPACE_ENV} is not set: set it to the id of the workspace {TOKEN_ENV} belongs to "
            "(Railway dashboard → workspace settings), where the throwaway projects are created",
            pytrace=False,
        )
    return RailwayTarget(
        name="railway",
        token=token,
        workspace_id=workspace_id,
        endpoint=None,
        poll_seconds=5.0,
        appear_seconds=120.0,
        quiet_seconds=30.0,
        deploy_seconds=600.0,
        max_reads=400,
        cooldown_seconds=35.0,
        sleep=time.sleep,
    )


def record_statuses(client: RailwayClient) -> list[int]:
    """The HTTP status of every answer the client gets from now on (a `requests` response hook)."""
    statuses: list[int] = []
    client._session.hooks["response"].append(
        lambda response, *_a, **_k: statuses.append(response.status_code)
    )
    return statuses


def wait_until(target: RailwayTarget, read: Callable[[], T], done: Callable[[T], bool]) -> T:
    """read() until done(value) or target.appear_seconds passed; the last value either way."""
    deadline = time.monotonic() + target.appear_seconds
    value = read()
    while not done(value) and time.monotonic() < deadline:
        target.sleep(target.poll_seconds)
        value = read()
    return value


class Sandbox:
    """A throwaway project for one test, with the operations the tests share. `close()` deletes it all."""

    def __init__(self, target: RailwayTarget) -> None:
        self.target = target
        self.client = target.client()
        self.name = PROJECT_PREFIX + secrets.token_hex(4)
        self.project: dict[str, Any] = {}
        self._cleanups: list[tuple[str, Callable[[], object]]] = []

    def __repr__(self) -> str:
        return f"Sandbox({self.target.name}, {self.name!r})"

    @property
    def project_id(self) -> str:
        return str(self.project["id"])

    @functools.cached_property
    def base_environment_id(self) -> str:
        """The default environment: from projectCreate's answer, else listed (a test checks they agree)."""
        envs = [e["node"] for e in self.project["environments"]["edges"]]
        if not any(e["name"] == BASE_ENVIRONMENT for e in envs):
            envs = paginate(self.client, ops.ENVIRONMENTS, {"projectId": self.project_id}, "environments")
        named = [str(e["id"]) for e in envs if e["name"] == BASE_ENVIRONMENT]
        if len(named) != 1:
            raise AssertionError(
                f"project {self.name} has {len(named)} environment(s) named {BASE_ENVIRONMENT}"
            )
        return named[0]

    def open(self) -> Sandbox:
        """Create the project; if that fails, delete whatever project of this name Railway did create."""
        payload = {
            "name": self.name,
            "workspaceId": self.target.workspace_id,
            "defaultEnvironmentName": BASE_ENVIRONMENT,
            "description": "cartly-infra live-conformance test: safe to delete",
        }
        try:
            answer = self.target.with_cooldown(
                lambda: self.client.execute(ops.PROJECT_CREATE, {"input": payload})
            )
        except RailwayError as exc:
            try:  # a create whose answer was lost may have applied: leave no orphan behind
                for orphan in self._projects_named():
                    self._delete_project(orphan)
            except RailwayError as cleanup:
                exc.add_note(f"Unable to look for (and delete) a project named {self.name}: {cleanup}")
            raise
        self.project = answer["projectCreate"]
        return self

    def defer(self, what: str, undo: Callable[[], object]) -> None:
        """Run undo() at close, before the project is deleted (newest first); a gone object is fine."""
        self._cleanups.append((what, undo))

    def close(self) -> None:
        failures: list[str] = []
        while self._cleanups:
            what, undo = self._cleanups.pop()
            try:
                undo()
            except (RailwayNotFound, RailwayAuthError):
                pass  # already gone (or, for a deleted object, Railway's "Not Authorized")
            except Exception as exc:
                failures.append(f"{what}: {exc}")
        if self.project:
            try:
                self._delete_project(self.project_id)
            except Exception as exc:
                failures.append(f"project {self.name} ({self.project_id}), delete it by hand: {exc}")
        self.client.close()
        if failures:
            raise RailwayError(f"Unable to clean up sandbox {self.name}: " + "; ".join(failures))

    def _projects_named(self) -> list[str]:
        nodes = paginate(self.client, ops.PROJECTS, {"workspaceId": self.target.workspace_id}, "projects")
        return [str(n["id"]) for n in nodes if n["name"] == self.name and not n.get("deletedAt")]

    def _delete_project(self, project_id: str) -> None:
        try:
            self.client.execute(ops.PROJECT_DELETE, {"id": project_id})
        except RailwayNotFound:
            return
        except RailwayMaybeApplied:
            try:  # the answer was lost: deleted if it no longer reads (or reads as deleted)
                read = self.client.execute(ops.PROJECT, {"id": project_id})["project"]
            except (RailwayNotFound, RailwayAuthError):
                return
            if not read.get("deletedAt"):
                raise

    # --- what the tests share ------------------------------------------------------------------------
    def create_service(
        self, name: str, image: str | None = None, variables: dict[str, str] | None = None
    ) -> str:
        payload: dict[str, Any] = {**self.scope(), "name": name}
        if image:
            payload["source"] = {"image": image}
        if variables:
            payload["variables"] = variables
        return str(self.client.execute(ops.SERVICE_CREATE, {"input": payload})["serviceCreate"]["id"])

    def create_environment(self, name: str, **extra: Any) -> dict[str, Any]:
        payload = {"projectId": self.project_id, "name": name, **extra}
        created = self.target.with_cooldown(
            lambda: self.client.execute(ops.ENVIRONMENT_CREATE, {"input": payload})
        )
        env: dict[str, Any] = created["environmentCreate"]
        return env

    def update_instance(self, service_id: str, environment_id: str, settings: dict[str, Any]) -> None:
        variables = {"serviceId": service_id, "environmentId": environment_id, "input": settings}
        self.client.execute(ops.SERVICE_INSTANCE_UPDATE, variables)

    def instance(self, service_id: str, environment_id: str) -> dict[str, Any]:
        variables = {"serviceId": service_id, "environmentId": environment_id}
        instance: dict[str, Any] = self.client.execute(ops.SERVICE_INSTANCE, variables)["serviceInstance"]
        return instance

    def scope(self, environment_id: str = "") -> dict[str, str]:
        """projectId and environmentId (the base environment unless given), as most inputs take them."""
        return {"projectId": self.project_id, "environmentId": environment_id or self.base_environment_id}

    def upsert_variables(self, service_id: str | None, values: dict[str, str], *, skip_deploys: bool) -> None:
        payload = {**self.scope(), "serviceId": service_id, "variables": values}
        self.client.execute(
            ops.VARIABLE_COLLECTION_UPSERT, {"input": {**payload, "skipDeploys": skip_deploys}}
        )

    def variables(
        self, service_id: str | None, environment_id: str = "", *, unrendered: bool = False
    ) -> dict[str, str]:
        scope = {**self.scope(environment_id), "serviceId": service_id, "unrendered": unrendered}
        return dict(self.client.execute(ops.VARIABLES, scope)["variables"])

    def deployment_ids(self, service_id: str) -> list[str]:
        """The service's deployments in the base environment (a throwaway project never has 100)."""
        answer = self.client.execute(
            ops.DEPLOYMENTS, {"input": {**self.scope(), "serviceId": service_id}, "first": 100}
        )
        ids = [str(edge["node"]["id"]) for edge in answer["deployments"]["edges"]]
        assert len(ids) < 100, "more deployments than one page: this count would be wrong"
        return ids

    def deploy(self, service_id: str) -> str:
        ids = {"serviceId": service_id, "environmentId": self.base_environment_id}
        return str(self.client.execute(ops.SERVICE_INSTANCE_DEPLOY_V2, ids)["serviceInstanceDeployV2"])

    def deployment(self, deployment_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.execute(ops.DEPLOYMENT, {"id": deployment_id})["deployment"]
        return answer

    def wait_for_terminal(self, deployment_id: str) -> list[str]:
        """Every status read until a terminal one (the last), within the target's time and read limits."""
        deadline = time.monotonic() + self.target.deploy_seconds
        seen: list[str] = []
        for _ in range(self.target.max_reads):
            seen.append(str(self.deployment(deployment_id)["status"]))
            if seen[-1] in TERMINAL or time.monotonic() > deadline:
                break
            self.target.sleep(self.target.poll_seconds)
        return seen

    def create_custom_domain(self, service_id: str, domain: str) -> dict[str, Any]:
        payload = {**self.scope(), "serviceId": service_id, "domain": domain, "targetPort": 8080}
        created: dict[str, Any] = self.client.execute(ops.CUSTOM_DOMAIN_CREATE, {"input": payload})[
            "customDomainCreate"
        ]
        domain_id = str(created["id"])
        self.defer(
            f"custom domain {domain}",
            lambda: self.client.execute(ops.CUSTOM_DOMAIN_DELETE, {"id": domain_id}),
        )
        return created

    def mint_project_token(self, environment_id: str) -> tuple[str, dict[str, Any]]:
        """A new project token for environment_id, and what `projectToken` answers when asked with it."""
        payload = {"projectId": self.project_id, "environmentId": environment_id, "name": self.name}
        token = str(self.client.execute(ops.PROJECT_TOKEN_CREATE, {"input": payload})["projectTokenCreate"])
        with self.target.client(token, token_kind="project") as as_token:
            about: dict[str, Any] = as_token.execute(ops.PROJECT_TOKEN)["projectToken"]
        token_id = str(about["id"])
        self.defer("project token", lambda: self.client.execute(ops.PROJECT_TOKEN_DELETE, {"id": token_id}))
        return token, about
