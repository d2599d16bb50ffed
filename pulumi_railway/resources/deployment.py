"""Deployment: one per service per environment; deploys when its `revision` changes, health-gated.

`revision` digests what should cause a deploy (image digest, settings, hashed variable values); gate
settings alone never deploy. A failed deploy raises after its rollback (deploy_gate.py does the work)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from pulumi_railway.api import deployments as deploy_ops
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.toolkit import deploy_gate, post_deploy
from pulumi_railway.toolkit.checks import (
    check_domain,
    check_id,
    check_int,
    check_seconds,
    failure,
    is_unknown,
)
from pulumi_railway.toolkit.provider import RailwayProvider, fail, health_url, project_probe

DEPLOY_KEYS = ("project_id", "environment_id", "service_id", "revision")
GATE_KEYS = (
    "health_domain",
    "health_path",
    "timeout_seconds",
    "poll_interval_seconds",
    "gate_attempts",
    "gate_interval_seconds",
    post_deploy.INPUT,
    post_deploy.SECRETS_INPUT,
    "gate_grace_seconds",
)
OUTPUT_KEYS = ("deployment_id", "status", "url", "rolled_back_to", "gated", "checks")
# `gated` keeps the last few deployments that passed the gate (newest first): with `deployment_id`, what a
# rollback may return to.
GATED_KEPT = 5  # deployments that passed the gate, kept as rollback targets
GRACE_SECONDS = 120.0  # a fresh *.up.railway.app may answer 404 for a while after the deploy succeeds


@dataclass(frozen=True, kw_only=True)
class DeploymentArgs:
    project_id: pulumi.Input[str]
    environment_id: pulumi.Input[str]
    service_id: pulumi.Input[str]
    revision: pulumi.Input[str]
    health_domain: pulumi.Input[str] | None = None  # None: the worker, gated on SUCCESS alone
    health_path: pulumi.Input[str] = "/health"
    timeout_seconds: pulumi.Input[float] = 600
    poll_interval_seconds: pulumi.Input[float] = 5
    gate_attempts: pulumi.Input[int] = 5
    gate_interval_seconds: pulumi.Input[float] = 5
    post_deploy: pulumi.Input[Mapping[str, Any]] | None = None  # checks after the gate: post_deploy.py
    post_deploy_secrets: pulumi.Input[Mapping[str, Any]] | None = field(default=None, repr=False)
    gate_grace_seconds: pulumi.Input[float] = GRACE_SECONDS
    """How long after the deploy a failing health check is not counted: a new domain may not answer yet."""


@dataclass(frozen=True)
class _Props:
    target: deploy_gate.Target
    revision: str
    health_domain: str | None
    health_path: str
    gate: deploy_gate.Gate
    inputs: dict[str, Any]

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        domain = props.get("health_domain") or None
        path = str(props.get("health_path") or "/health")
        gate = deploy_gate.Gate(
            timeout_seconds=_number(props.get("timeout_seconds"), 600),
            poll_interval_seconds=_number(props.get("poll_interval_seconds"), 5),
            gate_attempts=int(_number(props.get("gate_attempts"), 5)),
            gate_interval_seconds=_number(props.get("gate_interval_seconds"), 5),
            health_url=health_url(domain, path) if domain else None,
            grace_seconds=_number(props.get("gate_grace_seconds"), GRACE_SECONDS),
        )
        target = deploy_gate.Target(
            str(props["project_id"]), str(props["environment_id"]), str(props["service_id"])
        )
        inputs = {key: props.get(key) for key in (*DEPLOY_KEYS, *GATE_KEYS)}
        return cls(target, str(props["revision"]), domain, path, gate, inputs)

    def outputs(self, node: Mapping[str, Any], gated: Sequence[str] = ()) -> dict[str, Any]:
        url = f"https://{self.health_domain}" if self.health_domain else node.get("url")
        if not url and node.get("staticUrl"):
            url = f"https://{node['staticUrl']}"
        return {
            **self.inputs,
            "deployment_id": str(node["id"]),
            "status": node.get("status"),
            "url": url,
            "rolled_back_to": None,
            "gated": list(gated)[:GATED_KEPT],
            "checks": node.get("checks"),
        }


def _number(value: Any, default: float) -> float:
    """An input number, or its default when left out (None is dropped from inputs, not sent)."""
    return default if value is None else float(value)


def check_deployment(news: Mapping[str, Any]) -> list[CheckFailure]:
    failures = [
        *check_id(news, "project_id"),
        *check_id(news, "environment_id"),
        *check_id(news, "service_id"),
    ]
    revision = news.get("revision")
    if not is_unknown(revision) and (not isinstance(revision, str) or not revision.strip()):
        failures.append(
            failure(
                "revision",
                "revision must be a non-empty digest of what should cause a deploy "
                "(image digest, settings, hashed variable values)",
            )
        )
    failures += check_domain(news, "health_domain", required=False)
    path = news.get("health_path")
    if path is not None and not is_unknown(path) and (not isinstance(path, str) or not path.startswith("/")):
        failures.append(
            failure("health_path", f"health_path must start with '/' (e.g. /health); got {path!r}")
        )
    attempts = news.get("gate_attempts")
    if isinstance(attempts, float) and attempts.is_integer():
        attempts = int(attempts)  # numbers cross the engine's gRPC boundary as floats
    failures += check_int({"gate_attempts": attempts}, "gate_attempts", minimum=1, maximum=100)
    failures += check_seconds(news, "timeout_seconds", positive=True)
    failures += check_seconds(news, "poll_interval_seconds", positive=False)
    failures += check_seconds(news, "gate_interval_seconds", positive=False)
    failures += check_seconds(news, "gate_grace_seconds", positive=False)
    return failures + post_deploy.check_post_deploy(news)


class DeploymentProvider(RailwayProvider):
    """Dynamic provider for `Deployment`; holds no state."""

    keys = (
        *DEPLOY_KEYS,
        *GATE_KEYS,
    )  # nothing replaces a Deployment: a new revision is an update, which deploys

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return check_deployment(news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        new = _Props.parse(props)
        node = self._deploy(new, previous_id=None, trusted=[], verb="deploy")
        return CreateResult(str(node["id"]), new.outputs(node, [str(node["id"])]))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = _Props.parse(news)
        if all(olds.get(key) == news.get(key) for key in DEPLOY_KEYS):
            # Only gate settings changed: record them, deploy nothing.
            kept = {key: olds.get(key) for key in OUTPUT_KEYS}
            if new.health_domain:
                kept["url"] = f"https://{new.health_domain}"
            return UpdateResult({**new.inputs, **kept})
        trusted = _trusted(olds)
        node = self._deploy(new, previous_id=olds.get("deployment_id"), trusted=trusted, verb="redeploy")
        return UpdateResult(new.outputs(node, [str(node["id"]), *trusted]))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = _Props.parse(props)
        deployment_id = str(props.get("deployment_id") or id_)
        node = self.read_live(
            lambda client: client.execute(deploy_ops.DEPLOYMENT, {"id": deployment_id})["deployment"],
            f"deployment {deployment_id} of {current.target.what}",
            probe=project_probe(current.target.project_id),
        )
        if node is None:
            return ReadResult("", {})
        outputs = current.outputs(node, _trusted(props))
        return ReadResult(id_, {**outputs, "checks": props.get("checks")})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: a deployment is history on Railway; the service's delete stops it."""

    def _deploy(
        self, new: _Props, *, previous_id: str | None, trusted: list[str], verb: str
    ) -> dict[str, Any]:
        try:
            with self.client() as client:
                run = post_deploy.Run(client, new.inputs, self.waits, **_check_urls(new))
                node = deploy_gate.deploy(
                    client,
                    new.target,
                    new.gate,
                    previous_id=previous_id,
                    waits=self.waits,
                    trusted=trusted,
                    verify=run.verify,
                )
                return {**node, "checks": run.output()}
        except deploy_gate.DeploymentFailed as exc:
            raise run.failed(exc) from None
        except RailwayError as exc:
            raise fail(verb, new.target.what, exc) from exc


def _check_urls(new: _Props) -> dict[str, Any]:
    """Where post-deploy checks send smoke steps and health probes (nowhere without a domain)."""
    domain = new.health_domain
    return {
        "url_for": (lambda path: health_url(domain, path)) if domain else None,
        "health_url": new.gate.health_url,
    }


def _trusted(olds: Mapping[str, Any]) -> list[str]:
    """Rollback targets, newest first: the deployment the state recorded, then the others that passed."""
    recorded = [str(olds["deployment_id"])] if olds.get("deployment_id") else []
    earlier = [str(i) for i in olds.get("gated") or [] if str(i) not in recorded]
    return recorded + earlier


class Deployment(pulumi.dynamic.Resource, module="railway", name="Deployment"):
    """A health-gated deploy of one service in one environment, redone when `revision` changes."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    service_id: pulumi.Output[str]
    revision: pulumi.Output[str]
    health_domain: pulumi.Output[str | None]
    health_path: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    poll_interval_seconds: pulumi.Output[float]
    gate_attempts: pulumi.Output[int]
    gate_interval_seconds: pulumi.Output[float]
    gate_grace_seconds: pulumi.Output[float]
    deployment_id: pulumi.Output[str]
    status: pulumi.Output[str]
    url: pulumi.Output[str | None]
    rolled_back_to: pulumi.Output[str | None]
    gated: pulumi.Output[list[str]]
    checks: pulumi.Output[dict[str, Any] | None]  # the post-deploy checks' summary (check_summary.Summary)

    def __init__(
        self, resource_name: str, args: DeploymentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {
            "project_id": args.project_id,
            "environment_id": args.environment_id,
            "service_id": args.service_id,
            "revision": args.revision,
            "health_domain": args.health_domain,
            "health_path": args.health_path,
            "timeout_seconds": args.timeout_seconds,
            "poll_interval_seconds": args.poll_interval_seconds,
            "gate_attempts": args.gate_attempts,
            "gate_interval_seconds": args.gate_interval_seconds,
            "post_deploy": args.post_deploy,
            "post_deploy_secrets": pulumi.Output.secret(args.post_deploy_secrets or {}),
            "gate_grace_seconds": args.gate_grace_seconds,
            **dict.fromkeys(OUTPUT_KEYS),
        }
        super().__init__(DeploymentProvider(), resource_name, props, opts)
