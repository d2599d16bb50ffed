"""The emulator's backend: Railway's state and rules (composed from the rule mixins), the request log, the
fault plan and the rate limits. Pure Python, no HTTP: server.py turns requests into calls on it, and tests
script and inspect it directly (`fake_railway.backend`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.deployments import DeploymentRules
from testkit.fake_railway.domains import DomainRules
from testkit.fake_railway.faults import FaultPlan
from testkit.fake_railway.observability import ObservabilityRules
from testkit.fake_railway.projects import ProjectRules
from testkit.fake_railway.ratelimit import PLAN_BUDGETS, EdgeLimit, TokenBudget
from testkit.fake_railway.requestlog import LoggedRequest, RequestLog
from testkit.fake_railway.services import ServiceRules
from testkit.fake_railway.tokens import TokenRules
from testkit.fake_railway.variables import VariableRules
from testkit.fake_railway.volumes import VolumeRules


class FakeRailwayBackend(
    VolumeRules,
    ProjectRules,
    ServiceRules,
    VariableRules,
    DeploymentRules,
    DomainRules,
    TokenRules,
    ObservabilityRules,
):
    # VolumeRules first: its environment and service deletions cascade to volumes, then defer to the rest.
    """All of the emulator's state. `reset()` returns it to empty (one workspace, one workspace token)."""

    def __init__(self) -> None:
        super().__init__()
        self.faults = FaultPlan()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.clear_state()
            self.clear_deploy_script()
            self.clear_observability()
            self.clock_offset = 0.0
            self.frozen_at = None
            self.system_variables = True
            # API.md §4: Railway may answer "Not Authorized" (not "<Type> not found") for deleted objects.
            self.deleted_answer_not_authorized = False
            self.requests = RequestLog()
            self.health_checks: list[tuple[str, str, int]] = []  # (domain, path, status)
            self.faults.clear()
            self.budget = TokenBudget()
            self.edge = EdgeLimit()
            self.plan = "PRO"
            self.request_seconds = 0.0  # each request moves the clock this far (a frozen-clock benchmark)
            self.copy_lag = 0
            self.cooldowns: dict[str, float] = {}  # mutation root field -> seconds between two of them
            self.last_sent: dict[tuple[str, str], float] = {}

    # --- request log -----------------------------------------------------------------------------
    def log(self, entry: LoggedRequest) -> None:
        with self.lock:
            self.requests.append(entry)

    def mutations(self) -> list[LoggedRequest]:
        """Logged requests that were mutations, in order."""
        return self.requests.mutations()

    def count(self, operation_name: str | None = None) -> int:
        """Logged requests with that operation name (all when None)."""
        return self.requests.count(operation_name)

    def set_rate_limit(self, limit: int, window_seconds: float = 3600.0) -> None:
        """Give every token a budget of `limit` requests per window (default: 10,000 per hour)."""
        self.budget = TokenBudget(limit=limit, window_seconds=window_seconds)

    def set_plan(self, plan: str) -> None:
        """The workspace's plan: HOBBY (1,000 requests/hour, 10/second, no registry credentials) or PRO."""
        if plan not in PLAN_BUDGETS:
            raise ValueError(f"Unknown plan {plan!r}: use one of {', '.join(PLAN_BUDGETS)}")
        hourly, per_second = PLAN_BUDGETS[plan]
        self.plan = plan
        self.budget = TokenBudget(limit=hourly, per_second=per_second)

    def set_instance_update_deploys(self, deploys: bool = True) -> None:
        """serviceInstanceUpdate starts a deployment of an instance with a source (reported of Railway,
        API.md §8); by default it does not, as tests/live's test_service_instance_update_starts_no_deployment
        states."""
        self.instance_update_deploys = deploys

    def set_cooldown(self, root_field: str, seconds: float) -> None:
        """Refuse a second `root_field` mutation (e.g. serviceCreate) by the same token within `seconds`,
        with Railway's HTTP 200 GraphQL error "... too quickly" (API.md §3, §8)."""
        self.cooldowns[root_field] = seconds

    def cooldown_refusal(self, token: str, root_fields: tuple[str, ...], is_mutation: bool) -> str | None:
        """The cool-down message for this request, or None (and the request counts as sent)."""
        if not is_mutation:
            return None
        now = self.now()
        for root in root_fields:
            wait = self.cooldowns.get(root)
            last = self.last_sent.get((token, root))
            if wait is not None and last is not None and now < last + wait:
                noun = root.removesuffix("Create").lower() or root
                return f"You are creating {noun}s too quickly. Please try again in a few seconds"
        for root in root_fields:
            self.last_sent[(token, root)] = now
        return None

    # --- direct state manipulation for tests ---------------------------------------------------------
    def seed_project(
        self,
        name: str = "cartly",
        environments: tuple[str, ...] = ("production",),
        services: Mapping[str, str | None] | None = None,
        variables: Mapping[str, Mapping[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Create a project directly (no request logged, no deployment): its environments (the first is the
        default), services (name → image or None) with an instance in every environment, and service
        variables (service name → values, in every environment). Returns the ids:
        {"project_id", "environments": {name: id}, "services": {name: id}}."""
        with self.lock:
            project = self.create_project({"name": name, "defaultEnvironmentName": environments[0]})
            envs = {environments[0]: project.base_environment_id or ""}
            for env_name in environments[1:]:
                envs[env_name] = self.create_environment({"projectId": project.id, "name": env_name}).id
            ids: dict[str, str] = {}
            for service_name, image in (services or {}).items():
                service = r.Service(**self.stamp(), project_id=project.id, name=service_name)
                self.services[service.id] = service
                ids[service_name] = service.id
                for env_id in envs.values():
                    settings = {"source": {"image": image}} if image else {}
                    inst = r.Instance(
                        **self.stamp(), service_id=service.id, environment_id=env_id, settings=settings
                    )
                    self.instances[inst.id] = inst
                    values = dict((variables or {}).get(service_name, {}))
                    if values:
                        self.variables[(project.id, env_id, service.id)] = values
            return {"project_id": project.id, "environments": envs, "services": ids}

    def delete_out_of_band(self, kind: str, obj_id: str) -> None:
        """Soft-delete an object as if someone deleted it in Railway's dashboard. kind: project,
        environment, volume, service, deployment, custom_domain, service_domain or project_token."""
        with self.lock:
            if kind == "project":
                self.delete_project(obj_id)
            elif kind == "environment":
                self.delete_environment(obj_id)
            elif kind == "volume":
                self.delete_volume(obj_id)
            elif kind == "service":
                service = self.service(obj_id)
                for inst in self.live_instances(service_id=service.id):
                    self.soft_delete(inst)
                    self.remove_service_from_environment(service.id, inst.environment_id)
                self.soft_delete(service)
            else:
                tables: dict[str, Mapping[str, r.Record]] = {
                    "deployment": self.deployments,
                    "custom_domain": self.custom_domains,
                    "service_domain": self.service_domains,
                    "project_token": self.project_tokens,
                }
                if kind not in tables or obj_id not in tables[kind]:
                    raise KeyError(
                        f"No {kind} {obj_id!r} to delete: kind is one of project, environment, "
                        f"service, {', '.join(tables)}, volume"
                    )
                self.soft_delete(tables[kind][obj_id])
