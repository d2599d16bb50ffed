"""Rules for projects and environments: creation with a default environment, environment copies from a
source environment, renames and soft deletion (cascading to what the project or environment holds).

Deliberately not imitated: creation cool-downs, project transfer, scheduled (48 h) deletion, volumes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.state import GraphQLFailure, NotAuthorized, State


class ProjectRules(State):
    copy_lag: int = 0

    def set_copy_lag(self, reads: int) -> None:
        """An environment copy takes `reads` reads of the copy's service instances to complete."""
        self.copy_lag = reads

    def create_project(self, input: dict[str, Any], workspace_id: str | None = None) -> r.Project:
        workspace = input.get("workspaceId") or workspace_id or self.workspace_id
        if workspace != self.workspace_id:
            raise NotAuthorized()
        project = r.Project(
            **self.stamp(),
            name=input.get("name") or f"project-{self.random_suffix()}",
            workspace_id=workspace,
            description=input.get("description"),
            is_public=bool(input.get("isPublic")),
            pr_deploys=bool(input.get("prDeploys")),
        )
        self.projects[project.id] = project
        env = self.create_environment({"projectId": project.id, "name": input.get("defaultEnvironmentName")})
        project.base_environment_id = env.id
        return project

    def update_project(self, project_id: str, input: dict[str, Any]) -> r.Project:
        project = self.project(project_id)
        fields = {
            "name": "name",
            "description": "description",
            "isPublic": "is_public",
            "prDeploys": "pr_deploys",
            "botPrEnvironments": "bot_pr_environments",
            "focusedPrEnvironments": "focused_pr_environments",
            "baseEnvironmentId": "base_environment_id",
        }
        for key, attr in fields.items():
            if key in input:
                setattr(project, attr, input[key])
        project.updated_at = self.now_iso()
        return project

    def delete_project(self, project_id: str) -> None:
        project = self.project(project_id)
        for env in self.live_environments(project.id):
            self.delete_environment(env.id)
        self.soft_delete_where(self.services, "project_id", project.id)
        self.soft_delete_where(self.project_tokens, "project_id", project.id)
        self.soft_delete(project)

    def create_environment(self, input: dict[str, Any]) -> r.Environment:
        project = self.project(input.get("projectId"))
        name = input.get("name") or "production"
        if any(e.name == name for e in self.live_environments(project.id)):
            raise GraphQLFailure(f"Environment with name {name} already exists")
        source_id = input.get("sourceEnvironmentId")
        source = self.environment(source_id) if source_id else None
        if source is not None and source.project_id != project.id:
            raise GraphQLFailure("Environment not found")
        env = r.Environment(
            **self.stamp(),
            project_id=project.id,
            name=name,
            is_ephemeral=bool(input.get("ephemeral")),
            source_environment_id=source.id if source else None,
        )
        self.environments[env.id] = env
        if source is not None:
            env.copy_deploys = not input.get("skipInitialDeploys")
            env.copy_pending = self.copy_lag
            if not self.copy_lag:
                self.progress_copy(env)
        return env

    def progress_copy(self, env: r.Environment) -> None:
        """Copies are slow (API.md §8: more than 30 s, past clients' timeouts): a copy completes only after
        `copy_lag` reads of the new environment's service instances; until then it has none."""
        if env.source_environment_id is None or env.copy_pending < 0:
            return
        if env.copy_pending > 0:
            env.copy_pending -= 1
            return
        env.copy_pending = -1  # done
        self.copy_environment(self.environments[env.source_environment_id], env, deploy=env.copy_deploys)

    def copy_environment(self, source: r.Environment, target: r.Environment, *, deploy: bool) -> None:
        """Give target every service instance (settings, credentials) and variable of source."""
        for inst in self.live_instances(environment_id=source.id):
            copy = r.Instance(
                **self.stamp(),
                service_id=inst.service_id,
                environment_id=target.id,
                settings=dict(inst.settings),
                registry_credentials=dict(inst.registry_credentials) if inst.registry_credentials else None,
            )
            self.instances[copy.id] = copy
        for (project_id, env_id, service_id), values in list(self.variables.items()):
            if env_id == source.id:
                self.variables[(project_id, target.id, service_id)] = dict(values)
        if deploy:
            for inst in self.live_instances(environment_id=target.id):
                if inst.settings.get("source"):
                    self.deploy(inst.service_id, target.id, "environmentCreate")

    def rename_environment(self, environment_id: str, name: str) -> r.Environment:
        env = self.environment(environment_id)
        if any(e.name == name and e.id != env.id for e in self.live_environments(env.project_id)):
            raise GraphQLFailure(f"Environment with name {name} already exists")
        env.name = name
        env.updated_at = self.now_iso()
        return env

    def delete_environment(self, environment_id: str) -> None:
        env = self.environment(environment_id)
        tables: tuple[Mapping[str, r.Record], ...] = (
            self.instances,
            self.deployments,
            self.custom_domains,
            self.service_domains,
        )
        for table in tables:
            self.soft_delete_where(table, "environment_id", env.id)
        self.soft_delete_where(self.project_tokens, "environment_id", env.id)
        for key in [k for k in self.variables if k[1] == env.id]:
            del self.variables[key]
        self.soft_delete(env)
