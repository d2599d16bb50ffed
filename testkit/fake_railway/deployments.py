"""Rules for deployments: the state machine, scripted outcomes, the active deployment, rollback, and the
health of what a domain serves. Deliberately not imitated: builds, logs, healthcheck-gated traffic switching
(the old deployment keeps serving only when a deploy FAILS/CRASHES), image retention limits on rollback,
approvals, sleeping."""

from __future__ import annotations

from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.state import GraphQLFailure, State

NEXT_STATUS = {"QUEUED": "BUILDING", "BUILDING": "DEPLOYING", "DEPLOYING": "SUCCESS"}
MANIFEST_KEYS = (
    "startCommand",
    "preDeployCommand",
    "healthcheckPath",
    "healthcheckTimeout",
    "numReplicas",
    "restartPolicyType",
    "restartPolicyMaxRetries",
    "sleepApplication",
    "overlapSeconds",
    "drainingSeconds",
)


class DeploymentRules(State):
    deploy_outcomes: list[r.ScriptedDeploy]
    health_overrides: dict[str, bool]

    def clear_deploy_script(self) -> None:
        self.deploy_outcomes = []
        self.health_overrides = {}
        self.domain_warmup = 0
        self.warming: dict[str, int] = {}  # domain -> health requests still answered 404
        self.read_lag = 0
        self.private_registries: list[str] = []
        self.instance_update_deploys = False

    def set_private_registry(self, prefix: str) -> None:
        """Images starting with `prefix` (e.g. "ghcr.io/cartly-app/") are private: a deploy of one by an
        instance without registry credentials fails to pull (FAILED after BUILDING), as Railway's does
        (docs guides/private-container-registry.md)."""
        self.private_registries.append(prefix)

    def cannot_pull(self, inst: r.Instance) -> bool:
        image = str(inst.settings.get("source", {}).get("image") or "")
        private = any(image.startswith(prefix) for prefix in self.private_registries)
        return private and not inst.registry_credentials

    def set_read_lag(self, reads: int) -> None:
        """Reads lag writes (API.md §8): a new deployment is missing from the next `reads` list reads
        (`deployments`, an instance's `latestDeployment`), so the previous one still reads as the latest.
        Reading it by id works at once (the id came back from the write)."""
        self.read_lag = reads

    def listed(self, deps: list[r.Deployment]) -> list[r.Deployment]:
        """The deployments a list read shows now; each one still lagging is counted down."""
        shown = []
        for dep in deps:
            if dep.unlisted_reads > 0:
                dep.unlisted_reads -= 1
            else:
                shown.append(dep)
        return shown

    def set_domain_warmup(self, requests: int) -> None:
        """A fresh domain (one that has never served) answers its first `requests` health requests with 404
        "Application not found" once a deployment is active behind it, as a new `*.up.railway.app` does
        for a while after the deploy succeeds (issue 12, risk 7). Counted like deployment reads, not timed."""
        self.domain_warmup = requests

    def script_next_deploy(
        self, service_id: str | None = None, outcome: str = "SUCCESS", *, healthy: bool = True
    ) -> None:
        """Make the next deployment (of service_id, or of any service) end as outcome; healthy=False makes
        it serve 503 on its health endpoint once active (a rollback to an earlier deployment restores 200)."""
        if outcome not in r.OUTCOMES:
            raise ValueError(f"Unknown deploy outcome {outcome!r}: use one of {', '.join(r.OUTCOMES)}")
        self.deploy_outcomes.append(r.ScriptedDeploy(outcome=outcome, service_id=service_id, healthy=healthy))

    def script_next_unhealthy(self, service_id: str | None = None) -> None:
        """Shorthand: the next deployment succeeds but its app answers 503 on every path."""
        self.script_next_deploy(service_id, "SUCCESS", healthy=False)

    def take_script(self, service_id: str) -> r.ScriptedDeploy:
        for i, scripted in enumerate(self.deploy_outcomes):
            if scripted.service_id in (None, service_id):
                return self.deploy_outcomes.pop(i)
        return r.ScriptedDeploy()

    def deploy(
        self, service_id: str, environment_id: str, reason: str, *, scripted: bool = True
    ) -> r.Deployment:
        """A new deployment of the instance; it supersedes (REMOVED) the instance's ones in progress."""
        inst = self.instance(service_id, environment_id)
        env = self.environment(environment_id)
        for dep in self.instance_deployments(service_id, environment_id):
            if dep.status not in r.FINAL_STATUSES:
                self.set_status(dep, "REMOVED")
        script = self.take_script(service_id) if scripted else r.ScriptedDeploy()
        if self.cannot_pull(inst):
            script = r.ScriptedDeploy(outcome="FAILED")
        manifest = {k: inst.settings[k] for k in MANIFEST_KEYS if k in inst.settings}
        manifest["multiRegionConfig"] = self.placement(inst)  # where the Terraform provider reads placement
        meta: dict[str, Any] = {"reason": reason, "serviceManifest": {"deploy": manifest}}
        if inst.settings.get("source", {}).get("image"):
            meta["image"] = inst.settings["source"]["image"]
        dep = r.Deployment(
            **self.stamp(),
            project_id=env.project_id,
            environment_id=env.id,
            service_id=service_id,
            outcome=script.outcome,
            healthy=script.healthy,
            meta=meta,
        )
        dep.status_updated_at = dep.created_at
        dep.variables = dict(self.variables.get((env.project_id, env.id, service_id), {}))
        dep.unlisted_reads = self.read_lag
        self.deployments[dep.id] = dep
        return dep

    def deploy_affected(
        self, project_id: str, environment_id: str, service_id: str | None, reason: str
    ) -> None:
        """Deploy what a variable change affects: the service, or every service of the environment."""
        for inst in self.live_instances(service_id=service_id, environment_id=environment_id):
            if inst.settings.get("source"):
                self.deploy(inst.service_id, environment_id, reason)

    def instance_deployments(self, service_id: str, environment_id: str) -> list[r.Deployment]:
        """Live deployments of one service instance, newest first."""
        deps = [
            d
            for d in self.deployments.values()
            if d.live and d.service_id == service_id and d.environment_id == environment_id
        ]
        return sorted(deps, key=lambda d: d.seq, reverse=True)

    def active_deployment(self, service_id: str, environment_id: str) -> r.Deployment | None:
        return next(
            (d for d in self.instance_deployments(service_id, environment_id) if d.status == "SUCCESS"), None
        )

    def set_status(self, dep: r.Deployment, status: str) -> None:
        dep.status = status
        dep.status_updated_at = dep.updated_at = self.now_iso()

    def advance(self, dep: r.Deployment) -> None:
        """One step of QUEUED → BUILDING → DEPLOYING → SUCCESS (nothing for a finished deployment), taken per
        `deployment(id)` read or `tick()`, so polling drives it and nothing waits on a wall clock. A scripted
        outcome ends it FAILED (after BUILDING), CRASHED (after DEPLOYING) or leaves it BUILDING (HANG)."""
        if dep.status in r.FINAL_STATUSES or not dep.live:
            return
        status = NEXT_STATUS.get(dep.status, "BUILDING")
        if dep.outcome == "HANG" and dep.status == "BUILDING":
            return
        if dep.outcome == "FAILED" and dep.status == "BUILDING":
            status = "FAILED"
        if dep.outcome == "CRASHED" and dep.status == "DEPLOYING":
            status = "CRASHED"
        if status == "SUCCESS":
            self.activate(dep)
        else:
            self.set_status(dep, status)

    def activate(self, dep: r.Deployment) -> None:
        """On SUCCESS: the active one; the previous active one becomes REMOVED (can be rolled back to)."""
        previous = self.active_deployment(dep.service_id, dep.environment_id)
        if previous is not None and previous.id != dep.id:
            self.set_status(previous, "REMOVED")
        self.set_status(dep, "SUCCESS")
        dep.was_active = True

    def tick(self, steps: int = 1) -> None:
        """Advance every deployment in progress by `steps` steps, as if each had been polled."""
        for _ in range(steps):
            for dep in list(self.deployments.values()):
                self.advance(dep)

    def read_deployment(self, deployment_id: str) -> r.Deployment:
        dep = self.deployment(deployment_id)
        self.advance(dep)
        return dep

    @staticmethod
    def can_rollback(dep: r.Deployment) -> bool:
        return dep.live and dep.was_active and dep.status == "REMOVED"

    def rollback(self, deployment_id: str) -> r.Deployment:
        """Railway's rollback (docs guides/roll-back-bad-deploy.md): a NEW deployment of the old one's image
        and variables, which become the service's live variables again; the old one stays REMOVED (not made
        active in place)."""
        old = self.deployment(deployment_id)
        if not self.can_rollback(old):
            raise GraphQLFailure("Deployment cannot be rolled back")
        env = self.environment(old.environment_id)
        self.variables[(env.project_id, env.id, old.service_id)] = dict(old.variables)
        new = self.deploy(old.service_id, old.environment_id, "rollback", scripted=False)
        new.meta = {**old.meta, "reason": "rollback", "rollbackFrom": old.id}
        new.healthy = old.healthy
        return new

    def redeploy(self, deployment_id: str) -> r.Deployment:
        dep = self.deployment(deployment_id)
        return self.deploy(dep.service_id, dep.environment_id, "redeploy")

    def cancel(self, deployment_id: str) -> None:
        dep = self.deployment(deployment_id)
        if dep.status not in r.FINAL_STATUSES:
            self.set_status(dep, "REMOVED")

    def set_health(self, domain: str, healthy: bool) -> None:
        """Make the app behind domain answer 503 (False) or as its active deployment does (True)."""
        self.health_overrides[domain] = healthy

    def health_status(self, domain: str) -> int:
        """The HTTP status GET https://<domain>/<any path> answers with: 404 unknown domain, 200, or 503."""
        owner = self.domain_owner(domain)
        if owner is None:
            return 404
        active = self.active_deployment(*owner)
        if active is not None and self.still_warming(domain):
            return 404
        healthy = active is not None and active.healthy and self.health_overrides.get(domain, True)
        return 200 if healthy else 503

    def still_warming(self, domain: str) -> bool:
        """Count one health request against the domain's warm-up; True while it lasts."""
        left = self.warming.setdefault(domain, self.domain_warmup)
        if left <= 0:
            return False
        self.warming[domain] = left - 1
        return True

    def domain_owner(self, domain: str) -> tuple[str, str] | None:
        """(serviceId, environmentId) of the live custom or service domain named domain."""
        for table in (self.custom_domains, self.service_domains):
            for d in table.values():
                if d.live and d.domain == domain:
                    return d.service_id, d.environment_id
        return None
