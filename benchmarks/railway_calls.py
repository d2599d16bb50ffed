"""Benchmark: Railway API requests, mutations and deploys per scenario, against the emulator.

Run `venv/bin/python -m benchmarks.railway_calls`. Providers are stepped by testkit/resource_engine.py (the
end-to-end tests' engine) through five scenarios; then the whole program releases a digest, and one whose
health gate fails (benchmarks/release_digest.py); beside each, the Terraform provider's modelled cost."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from benchmarks._common import against_emulator
from pulumi_railway.api.retry import Waits
from pulumi_railway.resources.custom_domain import CustomDomainProvider
from pulumi_railway.resources.deployment import DeploymentProvider
from pulumi_railway.resources.environment import EnvironmentProvider
from pulumi_railway.resources.project import ProjectProvider
from pulumi_railway.resources.project_token import ProjectTokenProvider
from pulumi_railway.resources.service import ServiceProvider
from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from pulumi_railway.resources.variables import VariablesProvider
from testkit.resource_engine import PROVIDER_KEY, ResourceEngine, pickled

SERVICES = ("web", "worker")
DOMAIN = "staging.cartly.io"
DEPLOY_TRIGGERS = (
    "ServiceInstanceDeployV2",
    "ServiceInstanceRedeploy",
    "DeploymentRollback",
    "DeploymentCancel",
)
VARIABLE_WRITES = ("VariableCollectionUpsert", "VariableUpsert", "VariableDelete")


def _image(name: str, release: int) -> str:
    digest = hashlib.sha256(f"{name}-{release}".encode()).hexdigest()
    return f"ghcr.io/cartly/{name}@sha256:{digest}"


@dataclass(frozen=True)
class Release:
    """The desired state the scenarios vary: images, replicas and variables per service."""

    images: Mapping[str, str]
    replicas: Mapping[str, int]
    variables: Mapping[str, Mapping[str, str]]


def first_release() -> Release:
    shared = {"NODE_ENV": "production", "LOG_LEVEL": "info", "REDIS_URL": "redis://redis.internal:6379"}
    return Release(
        images={name: _image(name, 1) for name in SERVICES},
        replicas={"web": 1, "worker": 1},
        variables={
            "web": {
                **shared,
                "PORT": "3000",
                "DATABASE_URL": "postgres://cartly:bench-secret@db.internal:5432/cartly",
                "SESSION_SECRET": "bench-session-secret",
                "PUBLIC_URL": f"https://{DOMAIN}",
                "FEATURE_CHECKOUT_V2": "false",
            },
            "worker": {**shared, "PORT": "3001", "QUEUE_CONCURRENCY": "4"},
        },
    )


class Engine(ResourceEngine):
    """The shared resource engine, fed resources by name instead of by a program run."""

    def __init__(self, token: str, waits: Waits | None = None) -> None:
        super().__init__({"cartly-infra:railwayToken": token}, "cartly-infra", waits)

    def apply(self, name: str, provider: Any, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Bring resource `name` to `inputs` as `pulumi up` would (None inputs dropped); its outputs."""
        news = {k: v for k, v in inputs.items() if v is not None}
        news[PROVIDER_KEY] = pickled(provider)
        _operation, _id, outputs = self.step(type(provider).__name__, name, news)
        return outputs


OWNER = "cartly-infra/bench"


def run_program(engine: Engine, release: Release) -> None:
    """The environment as the program declares it, in dependency order."""
    # `owner` as the resources set it from the stack: the lookups it makes a create do are counted.
    project = engine.apply(
        "project", ProjectProvider(), {"name": "cartly-bench", "owner": f"{OWNER}/project"}
    )
    env = engine.apply(
        "environment",
        EnvironmentProvider(),
        {"project_id": project["project_id"], "name": "production", "adopt": True},
    )
    ids = {"project_id": project["project_id"], "environment_id": env["environment_id"]}
    hashes = {}
    for name in SERVICES:
        service = engine.apply(
            f"{name}-service",
            ServiceProvider(),
            {
                **ids,
                "name": name,
                "image": release.images[name],
                "variables": dict(release.variables[name]),
                "owner": f"{OWNER}/{name}-service",
            },
        )
        settings = {
            "image": release.images[name],
            "num_replicas": release.replicas[name],
            "healthcheck_path": "/health" if name == "web" else None,
            "region": "us-west2",
            "restart_policy_type": "ON_FAILURE",
        }
        engine.apply(
            f"{name}-instance",
            ServiceInstanceProvider(),
            {"service_id": service["service_id"], "environment_id": ids["environment_id"], **settings},
        )
        variables = engine.apply(
            f"{name}-variables",
            VariablesProvider(),
            {**ids, "service_id": service["service_id"], "variables": dict(release.variables[name])},
        )
        # The revision: everything that should cause a deploy, with the variable values only as a digest.
        revision = {"settings": settings, "variables": variables["values_sha256"]}
        hashes[name] = (service["service_id"], hashlib.sha256(json.dumps(revision, sort_keys=True).encode()))
    web_id = hashes["web"][0]
    domain = {**ids, "service_id": web_id, "domain": DOMAIN, "target_port": 3000}
    engine.apply("web-domain", CustomDomainProvider(), domain)
    engine.apply(
        "ci-token", ProjectTokenProvider(), {**ids, "name": "ci-production", "owner": f"{OWNER}/ci-token"}
    )
    for name, (service_id, digest) in hashes.items():
        engine.apply(
            f"{name}-deployment",
            DeploymentProvider(),
            {
                **ids,
                "service_id": service_id,
                "revision": digest.hexdigest(),
                "health_domain": DOMAIN if name == "web" else None,
            },
        )


@dataclass
class Measured:
    """What one scenario sent and caused, and the size of the state it started from."""

    scenario: str
    terraform_resources: int  # resources Terraform would refresh: one per variable, no instances/deploys
    by_operation: Counter[str] = field(default_factory=Counter)
    mutations: int = 0
    deploys_by_reason: Counter[str] = field(default_factory=Counter)
    deploys_by_service: Counter[str] = field(default_factory=Counter)
    variables_written: int = 0  # keys upserted + keys deleted
    environments: int = 1

    @property
    def requests(self) -> int:
        return sum(self.by_operation.values())

    @property
    def deploys(self) -> int:
        return sum(self.deploys_by_reason.values())

    @property
    def settings_writes(self) -> int:
        return self.by_operation["ServiceInstanceUpdate"]

    @property
    def variable_writes(self) -> int:
        return sum(self.by_operation[name] for name in VARIABLE_WRITES)


def terraform_resources(engine: Engine) -> int:
    """Terraform's resources for the same state: ours without instances, deployments and the token (it has
    none of those), with one resource per variable instead of one per service."""
    count = 0
    for (_type, name), stored in engine.state.items():
        if name.endswith("-variables"):
            count += len(stored.outputs.get("managed_keys") or [])
        elif not name.endswith(("-instance", "-deployment", "-token")):
            count += 1
    return count


@contextmanager
def measuring(backend: Any, scenario: str, terraform: int) -> Iterator[Measured]:
    """Count what the backend saw while the block ran (`terraform`: Terraform's resources at the start)."""
    mark, before = len(backend.requests), set(backend.deployments)
    measured = Measured(scenario, terraform_resources=terraform)
    yield measured
    for entry in list(backend.requests)[mark:]:
        measured.by_operation[str(entry.operation_name)] += 1
        measured.mutations += int(entry.is_mutation)
        if entry.operation_name == "VariableCollectionUpsert":
            measured.variables_written += len(entry.variables["input"]["variables"])
        elif entry.operation_name in ("VariableUpsert", "VariableDelete"):
            measured.variables_written += 1
    new = [dep for dep_id, dep in backend.deployments.items() if dep_id not in before]
    measured.deploys_by_reason = Counter(str(dep.meta.get("reason", "?")) for dep in new)
    measured.deploys_by_service = Counter(str(dep.service_id) for dep in new)
    projects = {p.id for p in backend.projects.values() if p.live}
    measured.environments = sum(
        1 for e in backend.environments.values() if e.live and e.project_id in projects
    )


TERRAFORM_MODEL = (
    "Terraform model (computed from each scenario's own counts, not measured): `terraform plan` first "
    "refreshes each of its resources (one read each; it has one resource per variable); each variable is "
    "one variableUpsert, and Railway redeploys the service for each; service settings are project-wide, so "
    "a settings write redeploys the service in every environment of the project (here 1; each open PR "
    "preview adds one); creating an image service deploys it (cartly-infra creates services without a "
    "source, so it does not); project, environment, service, domain and token creation cost the same."
)


def terraform_model(m: Measured) -> dict[str, int]:
    """What the Terraform provider's approach would cost for the same change (see TERRAFORM_MODEL)."""
    ours_only = m.variable_writes + m.settings_writes + sum(m.by_operation[n] for n in DEPLOY_TRIGGERS)
    mutations = m.mutations - ours_only + m.variables_written + m.settings_writes
    deploys = m.by_operation["ServiceCreate"] + m.variables_written + m.settings_writes * m.environments
    return {"requests": m.terraform_resources + mutations, "mutations": mutations, "deploys": deploys}


SCENARIOS: tuple[tuple[str, Any], ...] = (
    ("create a two-service environment from nothing", lambda r: r),
    ("the same inputs again", lambda r: r),
    (
        "change one variable",
        lambda r: replace(r, variables={**r.variables, "web": {**r.variables["web"], "LOG_LEVEL": "debug"}}),
    ),
    (
        "change five variables and the replica count",
        lambda r: replace(
            r,
            replicas={**r.replicas, "web": 2},
            variables={
                **r.variables,
                "web": {
                    **r.variables["web"],
                    "LOG_LEVEL": "warn",
                    "FEATURE_CHECKOUT_V2": "true",
                    "SESSION_SECRET": "bench-session-secret-2",
                    "PUBLIC_URL": f"https://www.{DOMAIN}",
                    "NODE_ENV": "staging",
                },
            },
        ),
    ),
    ("change the image", lambda r: replace(r, images={name: _image(name, 2) for name in SERVICES})),
)


def run_scenarios(backend: Any, token: str) -> list[Measured]:
    """Every scenario in order on one engine (each starts from the state the previous one left)."""
    engine = Engine(token)
    release = first_release()
    results = []
    for scenario, change in SCENARIOS:
        release = change(release)
        with measuring(backend, scenario, terraform_resources(engine)) as measured:
            run_program(engine, release)
        results.append(measured)
    return results


def report(results: list[Measured]) -> str:
    lines = []
    for m in results:
        tf = terraform_model(m)
        reasons = ", ".join(f"{n} by {reason}" for reason, n in sorted(m.deploys_by_reason.items())) or "none"
        ops = ", ".join(f"{name} {n}" for name, n in sorted(m.by_operation.items())) or "none"
        lines += [
            f"== {m.scenario}",
            f"   cartly-infra:    {m.requests:3} requests, {m.mutations:2} mutations, {m.deploys:2} deploys"
            f" ({reasons}); variable writes {m.variable_writes} ({m.variables_written} keys), "
            f"settings writes {m.settings_writes}",
            f"                    by operation: {ops}",
            f"   Terraform model: {tf['requests']:3} requests, {tf['mutations']:2} mutations, "
            f"{tf['deploys']:2} deploys",
        ]
    return "\n".join([*lines, "", TERRAFORM_MODEL])


def run_all(backend: Any, token: str) -> list[Measured]:
    from benchmarks.release_digest import run_release_scenarios

    results = run_scenarios(backend, token)
    backend.reset()  # the release scenarios run the whole program on an empty Railway
    return results + run_release_scenarios(backend, token)


def main() -> None:
    print(report(against_emulator(run_all)))


if __name__ == "__main__":
    main()
