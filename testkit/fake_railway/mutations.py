"""Root Mutation resolvers: authorisation (project tokens may only write variables and deploy in their own
environment) and the call into the backend's rules. Returns what Railway returns (often just true)."""

from __future__ import annotations

from typing import Any

from testkit.fake_railway import views as v
from testkit.fake_railway.queries import Info, RootBase
from testkit.fake_railway.state import NotAuthorized


class Mutations(RootBase):
    # --- projects and environments ---------------------------------------------------------------------
    def projectCreate(self, info: Info, input: dict[str, Any]) -> v.View:
        self.authenticated()
        if self.caller.kind != "workspace":
            raise NotAuthorized()
        return v.project(self.b, self.b.create_project(input, self.caller.workspace_id))

    def projectUpdate(self, info: Info, id: str, input: dict[str, Any]) -> v.View:
        self.allow(self.project_of(id))
        return v.project(self.b, self.b.update_project(id, input))

    def projectDelete(self, info: Info, id: str) -> bool:
        self.allow(self.project_of(id))
        self.b.delete_project(id)
        return True

    def environmentCreate(self, info: Info, input: dict[str, Any]) -> v.View:
        self.allow(self.project_of(input["projectId"]))
        return v.environment(self.b, self.b.create_environment(input))

    def environmentRename(self, info: Info, id: str, input: dict[str, Any]) -> v.View:
        self.authenticated()
        env = self.b.environment(id)
        self.allow(self.b.project(env.project_id))
        return v.environment(self.b, self.b.rename_environment(id, input["name"]))

    def environmentDelete(self, info: Info, id: str) -> bool:
        self.authenticated()
        env = self.b.environment(id)
        self.allow(self.b.project(env.project_id))
        self.b.delete_environment(id)
        return True

    # --- services and instances ------------------------------------------------------------------------
    def serviceCreate(self, info: Info, input: dict[str, Any]) -> v.View:
        self.allow(self.project_of(input["projectId"]))
        return v.service(self.b, self.b.create_service(input))

    def serviceUpdate(self, info: Info, id: str, input: dict[str, Any]) -> v.View:
        self.allow_service(id)
        return v.service(self.b, self.b.update_service(id, input))

    def serviceDelete(self, info: Info, id: str, environmentId: str | None = None) -> bool:
        self.allow_service(id)
        self.b.delete_service(id, environmentId)
        return True

    def serviceInstanceUpdate(
        self, info: Info, serviceId: str, input: dict[str, Any], environmentId: str | None = None
    ) -> bool:
        self.allow_service(serviceId)
        self.b.update_instance(serviceId, environmentId, input)
        return True

    def serviceInstanceDeployV2(self, info: Info, serviceId: str, environmentId: str, **args: Any) -> str:
        self.allow_service(serviceId, environmentId)
        return self.b.deploy(serviceId, environmentId, "deploy").id

    def serviceInstanceRedeploy(self, info: Info, serviceId: str, environmentId: str) -> bool:
        self.allow_service(serviceId, environmentId)
        self.b.deploy(serviceId, environmentId, "redeploy")
        return True

    def allow_service(self, service_id: str, environment_id: str | None = None) -> None:
        """Authorise a service mutation; with environment_id, one a project token may do in its own
        environment."""
        self.authenticated()
        service = self.b.service(service_id)
        project = self.b.project(service.project_id)
        if environment_id is not None:
            self.env_in(environment_id, project.id)
        self.allow(project, environment_id, project_token=environment_id is not None)

    # --- variables -------------------------------------------------------------------------------------
    def variableUpsert(self, info: Info, input: dict[str, Any]) -> bool:
        self.allow_variables(input)
        self.b.upsert_variables(input, {input["name"]: input["value"]})
        return True

    def variableCollectionUpsert(self, info: Info, input: dict[str, Any]) -> bool:
        self.allow_variables(input)
        self.b.upsert_variables(input, dict(input["variables"] or {}), replace=bool(input.get("replace")))
        return True

    def variableDelete(self, info: Info, input: dict[str, Any]) -> bool:
        self.allow_variables(input)
        self.b.delete_variable(input)
        return True

    def allow_variables(self, input: dict[str, Any]) -> None:
        project = self.project_of(input["projectId"])
        self.allow(project, input["environmentId"], project_token=True)

    # --- domains ---------------------------------------------------------------------------------------
    def customDomainCreate(self, info: Info, input: dict[str, Any]) -> v.View:
        self.allow(self.project_of(input["projectId"]))
        return v.custom_domain(self.b, self.b.create_custom_domain(input))

    def customDomainUpdate(
        self, info: Info, environmentId: str, id: str, targetPort: int | None = None
    ) -> bool:
        self.authenticated()
        domain = self.b.custom_domain(id)
        self.allow(self.b.project(domain.project_id))
        self.b.update_custom_domain(id, environmentId, targetPort)
        return True

    def customDomainDelete(self, info: Info, id: str) -> bool:
        self.authenticated()
        domain = self.b.custom_domain(id)
        self.allow(self.b.project(domain.project_id))
        self.b.soft_delete(domain)
        return True

    def serviceDomainCreate(self, info: Info, input: dict[str, Any]) -> v.View:
        self.allow_service(input["serviceId"])
        return v.service_domain(self.b, self.b.create_service_domain(input))

    def serviceDomainUpdate(self, info: Info, input: dict[str, Any]) -> bool:
        self.allow_service(input["serviceId"])
        self.b.update_service_domain(input)
        return True

    def serviceDomainDelete(self, info: Info, id: str) -> bool:
        self.authenticated()
        domain = self.b.service_domain(id)
        self.allow_service(domain.service_id)
        self.b.soft_delete(domain)
        return True

    # --- project tokens --------------------------------------------------------------------------------
    def projectTokenCreate(self, info: Info, input: dict[str, Any]) -> str:
        self.allow(self.project_of(input["projectId"]))
        return self.b.create_project_token(input)

    def projectTokenDelete(self, info: Info, id: str) -> bool:
        self.authenticated()
        token = self.b.project_token(id)
        self.allow(self.b.project(token.project_id))
        self.b.soft_delete(token)
        return True

    # --- deployments -----------------------------------------------------------------------------------
    def deploymentRollback(self, info: Info, id: str) -> bool:
        self.allow_deployment(id)
        self.b.rollback(id)
        return True

    def deploymentRedeploy(self, info: Info, id: str, **args: Any) -> v.View:
        self.allow_deployment(id)
        return v.deployment(self.b, self.b.redeploy(id))

    def deploymentCancel(self, info: Info, id: str) -> bool:
        self.allow_deployment(id)
        self.b.cancel(id)
        return True

    def allow_deployment(self, deployment_id: str) -> None:
        self.authenticated()
        dep = self.b.deployment(deployment_id)
        self.allow(self.b.project(dep.project_id), dep.environment_id, project_token=True)
