"""Rules for variables: service and shared (serviceId null) variables per environment; upsert one, upsert a
collection (optionally replacing everything), delete; reads rendered or unrendered; deploys after writes.
Deliberately not imitated: sealed variables, references to databases/plugins, reference validation errors."""

from __future__ import annotations

import re
from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.state import GraphQLFailure, State

REFERENCE = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


class VariableRules(State):
    # When True, service-level reads include the RAILWAY_* variables Railway provides to every service.
    system_variables: bool = True

    def variable_scope(self, project_id: str, environment_id: str, service_id: str | None) -> None:
        """Check the (project, environment, service) triple names live objects of one project."""
        project = self.project(project_id)
        env = self.environment(environment_id)
        if env.project_id != project.id:
            raise GraphQLFailure("Environment not found")
        if service_id is not None:
            service = self.service(service_id)
            if service.project_id != project.id:
                raise GraphQLFailure("Service not found")

    def upsert_variables(
        self, input: dict[str, Any], values: dict[str, Any], *, replace: bool = False
    ) -> None:
        key = (input["projectId"], input["environmentId"], input.get("serviceId"))
        self.variable_scope(*key)
        current = {} if replace else dict(self.variables.get(key, {}))
        current.update({str(k): "" if v is None else str(v) for k, v in values.items()})
        self.variables[key] = current
        if not input.get("skipDeploys"):
            self.deploy_affected(*key, reason="variableChange")

    def delete_variable(self, input: dict[str, Any]) -> None:
        key = (input["projectId"], input["environmentId"], input.get("serviceId"))
        self.variable_scope(*key)
        stored = self.variables.get(key, {})
        if input["name"] not in stored:
            raise GraphQLFailure(f"Variable {input['name']} not found")
        del stored[input["name"]]
        self.deploy_affected(*key, reason="variableChange")

    def read_variables(
        self, project_id: str, environment_id: str, service_id: str | None, *, unrendered: bool = False
    ) -> dict[str, str]:
        self.variable_scope(project_id, environment_id, service_id)
        values = dict(self.variables.get((project_id, environment_id, service_id), {}))
        if service_id is not None and self.system_variables:
            values = {**self.provided_variables(environment_id, service_id), **values}
        if unrendered:
            return values
        return {name: self.render(value, environment_id, service_id) for name, value in values.items()}

    def provided_variables(self, environment_id: str, service_id: str) -> dict[str, str]:
        """The RAILWAY_* variables Railway gives a service instance."""
        env = self.environment(environment_id)
        service = self.service(service_id)
        project = self.project(service.project_id)
        provided = {
            "RAILWAY_ENVIRONMENT_ID": env.id,
            "RAILWAY_ENVIRONMENT_NAME": env.name,
            "RAILWAY_PROJECT_ID": project.id,
            "RAILWAY_PROJECT_NAME": project.name,
            "RAILWAY_SERVICE_ID": service.id,
            "RAILWAY_SERVICE_NAME": service.name,
            "RAILWAY_PRIVATE_DOMAIN": f"{service.name}.railway.internal",
        }
        domains = [d for d in self.service_domains.values() if d.live and d.service_id == service.id]
        domains = [d for d in domains if d.environment_id == env.id]
        if domains:
            provided["RAILWAY_PUBLIC_DOMAIN"] = domains[0].domain
        return provided

    def render(self, value: str, environment_id: str, service_id: str | None, depth: int = 0) -> str:
        """Resolve `${{shared.NAME}}`, `${{<service name>.NAME}}` and `${{NAME}}` (same service) references,
        the RAILWAY_* variables Railway provides included; an unresolvable reference renders as ""."""

        def lookup(match: re.Match[str]) -> str:
            ref = match.group(1)
            owner, _, name = ref.rpartition(".")
            target = self.reference_owner(owner, environment_id, service_id)
            if target is None or depth > 5:
                return ""
            owner_id = target or None
            env = self.environment(environment_id)
            stored = self.variables.get((env.project_id, environment_id, owner_id), {})
            if owner_id and self.system_variables:
                stored = {**self.provided_variables(environment_id, owner_id), **stored}
            if name not in stored:
                return ""
            return self.render(stored[name], environment_id, owner_id, depth + 1)

        return REFERENCE.sub(lookup, value)

    def reference_owner(self, owner: str, environment_id: str, service_id: str | None) -> str | None:
        """The service id a reference's owner names ("" for shared), or None when nothing matches."""
        if owner == "shared":
            return ""
        if owner == "":
            return service_id or ""
        env = self.environment(environment_id)
        for service in self.services.values():
            if service.live and service.project_id == env.project_id and service.name == owner:
                return service.id
        return None

    def instance_variables(self, inst: r.Instance) -> dict[str, str]:
        env = self.environment(inst.environment_id)
        return self.read_variables(env.project_id, env.id, inst.service_id)
