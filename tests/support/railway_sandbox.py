"""The throwaway project each live-conformance test (tests/live) works in: `Sandbox`, the operations the
tests share, the `sandbox` fixture and throwaway custom domain names; where it runs is railway_target.py's.
It asserts nothing about Railway and touches nothing outside its own project."""

from __future__ import annotations

import functools
import os
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_railway.api import deployments as deploy_ops
from pulumi_railway.api import domains as domain_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.api.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayGraphQLError,
    RailwayMaybeApplied,
    RailwayNotFound,
)
from pulumi_railway.toolkit.provider import paginate
from tests.support.railway_target import BASE_ENVIRONMENT, PROJECT_PREFIX, TERMINAL, RailwayTarget


class Sandbox:
    """A throwaway project `cartly-infra-it-<random>` for one test, with the operations the tests share.
    `close()` deletes it all: cleanups run newest first, the project last, and every cleanup failure is
    reported after all of them ran, so one cannot stop the project's deletion."""

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
            answer = self.client.execute(ops.PROJECT_CREATE, {"input": payload})  # cool-downs: retried
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
        created = self.client.execute(ops.ENVIRONMENT_CREATE, {"input": payload})  # cool-downs: retried
        env: dict[str, Any] = created["environmentCreate"]
        return env

    def update_instance(self, service_id: str, environment_id: str, settings: dict[str, Any]) -> None:
        variables = {"serviceId": service_id, "environmentId": environment_id, "input": settings}
        self.client.execute(ops.SERVICE_INSTANCE_UPDATE, variables)

    def registry_credentials_refusal(self) -> str:
        """Set registry credentials on a new service `it-web`: Railway's refusal, or "" when accepted."""
        service_id = self.create_service("it-web")
        creds = {"username": "it-user", "password": "it-not-a-real-password"}
        try:
            self.update_instance(service_id, self.base_environment_id, {"registryCredentials": creds})
        except RailwayGraphQLError as exc:
            return str(exc)
        return ""

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
            deploy_ops.DEPLOYMENTS, {"input": {**self.scope(), "serviceId": service_id}, "first": 100}
        )
        ids = [str(edge["node"]["id"]) for edge in answer["deployments"]["edges"]]
        assert len(ids) < 100, "more deployments than one page: this count would be wrong"
        return ids

    def deploy(self, service_id: str) -> str:
        ids = {"serviceId": service_id, "environmentId": self.base_environment_id}
        return str(self.client.execute(deploy_ops.SERVICE_INSTANCE_DEPLOY_V2, ids)["serviceInstanceDeployV2"])

    def deployment(self, deployment_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.execute(deploy_ops.DEPLOYMENT, {"id": deployment_id})[
            "deployment"
        ]
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
        created: dict[str, Any] = self.client.execute(domain_ops.CUSTOM_DOMAIN_CREATE, {"input": payload})[
            "customDomainCreate"
        ]
        domain_id = str(created["id"])
        self.defer(
            f"custom domain {domain}",
            lambda: self.client.execute(domain_ops.CUSTOM_DOMAIN_DELETE, {"id": domain_id}),
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


@pytest.fixture(name="sandbox")
def sandbox_fixture(target: RailwayTarget) -> Iterator[Sandbox]:
    """Import it (as `sandbox_fixture`, beside `target_fixture`) into a module whose tests use a project."""
    box = Sandbox(target).open()
    try:
        yield box
    finally:
        box.close()  # its own error is reported beside the test's, never instead of it


def domain_name() -> str:
    """A throwaway custom domain in CARTLY_INTEGRATION_RAILWAY_DOMAIN_ZONE (default example.com)."""
    zone = os.environ.get("CARTLY_INTEGRATION_RAILWAY_DOMAIN_ZONE", "").strip() or "example.com"
    return f"it-{secrets.token_hex(4)}.{zone}"
