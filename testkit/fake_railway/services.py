"""Rules for services (project-scoped) and their per-environment instances, with Railway's fork semantics.
Owns instance settings: an omitted key leaves a setting unchanged, null unsets it, and reads fill in
Railway's defaults. Deliberately not imitated: repo sources and builds, volumes, cron, resource limits."""

from __future__ import annotations

from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.state import GraphQLFailure, State

# What an instance reads as when a setting was never set (or was unset with null).
INSTANCE_DEFAULTS: dict[str, Any] = {
    "restartPolicyType": "ON_FAILURE",
    "restartPolicyMaxRetries": 10,
    "healthcheckTimeout": None,
    "numReplicas": 1,
    "region": None,  # legacy: reads back null whatever was written (API.md §8, Terraform provider 93853d5)
    "sleepApplication": False,
    "builder": "RAILPACK",
    "watchPatterns": [],
}
DEFAULT_REGION = "us-west2"
# Every setting ServiceInstance reads back (registryCredentials and multiRegionConfig are write-only).
READ_SETTINGS = (
    *INSTANCE_DEFAULTS,
    "buildCommand",
    "cronSchedule",
    "dockerfilePath",
    "drainingSeconds",
    "healthcheckPath",
    "ipv6EgressEnabled",
    "nixpacksPlan",
    "overlapSeconds",
    "preDeployCommand",
    "railwayConfigFile",
    "rootDirectory",
    "startCommand",
)


# Our wording: the schema says registry credentials are "Only available for Pro plan deployments".
PRO_ONLY_CREDENTIALS = "Private registry credentials are only available on the Pro plan"


class ServiceRules(State):
    plan: str = "PRO"

    def refuse_credentials_off_pro(self, input: dict[str, Any]) -> None:
        if input.get("registryCredentials") is not None and self.plan != "PRO":
            raise GraphQLFailure(PRO_ONLY_CREDENTIALS)

    def target_environments(self, project_id: str, environment_id: str | None) -> list[r.Environment]:
        """The environments a service mutation with this environmentId affects (fork semantics, API.md §6,
        unverified): a fork (an environment created from a source) that environment only; a non-fork or
        null environmentId every non-fork environment of the project."""
        if environment_id:
            env = self.environment(environment_id)
            if env.project_id != project_id:
                raise GraphQLFailure("Environment not found")
            if env.is_fork:
                return [env]
        return [e for e in self.live_environments(project_id) if not e.is_fork]

    def create_service(self, input: dict[str, Any]) -> r.Service:
        project = self.project(input.get("projectId"))
        self.refuse_credentials_off_pro(input)
        targets = self.target_environments(project.id, input.get("environmentId"))
        name = input.get("name") or f"service-{self.random_suffix()}"
        if any(s.live and s.project_id == project.id and s.name == name for s in self.services.values()):
            raise GraphQLFailure(f"Service with name {name} already exists")
        service = r.Service(**self.stamp(), project_id=project.id, name=name, icon=input.get("icon"))
        self.services[service.id] = service
        settings: dict[str, Any] = {}
        if input.get("source"):
            settings["source"] = {k: v for k, v in input["source"].items() if v is not None}
        for env in targets:
            inst = r.Instance(
                **self.stamp(),
                service_id=service.id,
                environment_id=env.id,
                settings=dict(settings),
                registry_credentials=input.get("registryCredentials"),
            )
            self.instances[inst.id] = inst
            if input.get("variables"):
                self.variables[(project.id, env.id, service.id)] = {
                    str(k): str(v) for k, v in input["variables"].items()
                }
            if settings.get("source"):
                self.deploy(service.id, env.id, "serviceCreate")
        return service

    def update_service(self, service_id: str, input: dict[str, Any]) -> r.Service:
        service = self.service(service_id)
        if "name" in input and input["name"] is not None:
            service.name = input["name"]
        if "icon" in input:
            service.icon = input["icon"]
        service.updated_at = self.now_iso()
        return service

    def delete_service(self, service_id: str, environment_id: str | None) -> None:
        service = self.service(service_id)
        for env in self.target_environments(service.project_id, environment_id):
            inst = self.find_instance(service.id, env.id)
            if inst is not None:
                self.soft_delete(inst)
                self.remove_service_from_environment(service.id, env.id)
        if not self.live_instances(service_id=service.id):
            self.soft_delete(service)

    def remove_service_from_environment(self, service_id: str, environment_id: str) -> None:
        tables: tuple[dict[str, Any], ...] = (self.custom_domains, self.service_domains, self.deployments)
        for table in tables:
            for obj in table.values():
                if obj.service_id == service_id and obj.environment_id == environment_id:
                    self.soft_delete(obj)
        self.variables = {k: v for k, v in self.variables.items() if k[1:] != (environment_id, service_id)}

    def update_instance(self, service_id: str, environment_id: str | None, input: dict[str, Any]) -> None:
        service = self.service(service_id)
        self.refuse_credentials_off_pro(input)
        region = input.get("region")
        if region is not None and region not in r.REGIONS:
            raise GraphQLFailure(f"Invalid region {region}")
        updated = 0
        for env in self.target_environments(service.project_id, environment_id):
            inst = self.find_instance(service.id, env.id)
            if inst is None:
                continue
            updated += 1
            for key, value in input.items():
                if key == "registryCredentials":
                    inst.registry_credentials = dict(value) if value is not None else None
                elif value is None:
                    inst.settings.pop(key, None)
                else:
                    inst.settings[key] = value
            inst.updated_at = self.now_iso()
            if self.instance_update_deploys and inst.settings.get("source"):
                self.deploy(inst.service_id, inst.environment_id, "serviceInstanceUpdate")
        if not updated:
            raise GraphQLFailure("ServiceInstance not found")

    def instance_setting(self, inst: r.Instance, key: str) -> Any:
        """A setting as Railway reads it back: the stored value, else Railway's default; never `region`."""
        if key == "region":
            return None
        return inst.settings.get(key, INSTANCE_DEFAULTS.get(key))

    def placement(self, inst: r.Instance) -> dict[str, Any]:
        """Where a deploy places replicas: `multiRegionConfig` as written, else the default region with
        `numReplicas`. The legacy `region` field places nothing."""
        written = inst.settings.get("multiRegionConfig")
        if written:
            return {region: dict(value) for region, value in written.items()}
        return {DEFAULT_REGION: {"numReplicas": inst.settings.get("numReplicas", 1)}}
