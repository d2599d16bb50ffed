"""Root Query resolvers: authorisation (who may read what) and the lookup, over the backend and views.
`RootBase` holds what query and mutation resolvers share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from testkit.fake_railway import records as r
from testkit.fake_railway import views as v
from testkit.fake_railway.state import GraphQLFailure, NotAuthorized
from testkit.fake_railway.tokens import Caller

if TYPE_CHECKING:
    from testkit.fake_railway.backend import FakeRailwayBackend

Info = Any  # graphql.GraphQLResolveInfo; resolvers ignore it


class RootBase:
    """The root value of one request: the backend and the authenticated caller."""

    def __init__(self, backend: FakeRailwayBackend, caller: Caller) -> None:
        self.b = backend
        self.caller = caller

    def allow(
        self, project: r.Project, environment_id: str | None = None, *, project_token: bool = False
    ) -> None:
        if not self.caller.authenticated:
            raise NotAuthorized()
        self.caller.require(project, environment_id, project_token=project_token)

    def authenticated(self) -> None:
        if not self.caller.authenticated:
            raise NotAuthorized()

    def project_of(self, project_id: str | None) -> r.Project:
        self.authenticated()
        return self.b.project(project_id)

    def env_in(self, environment_id: str | None, project_id: str) -> r.Environment:
        env = self.b.environment(environment_id)
        if env.project_id != project_id:
            raise GraphQLFailure("Environment not found")
        return env


class Queries(RootBase):
    def project(self, info: Info, id: str) -> v.View:
        p = self.project_of(id)
        self.allow(p, project_token=True)
        return v.project(self.b, p)

    def projects(self, info: Info, **args: Any) -> v.View:
        self.authenticated()
        if self.caller.kind != "workspace" or args.get("workspaceId") not in (None, self.caller.workspace_id):
            raise NotAuthorized()
        projects = [p for p in self.b.projects.values() if p.workspace_id == self.caller.workspace_id]
        projects = [p for p in projects if p.live or args.get("includeDeleted")]
        return v.connection(projects, lambda p: v.project(self.b, p), args)

    def environment(self, info: Info, id: str, projectId: str | None = None) -> v.View:
        self.authenticated()
        env = self.b.environment(id)
        if projectId is not None and env.project_id != projectId:
            raise GraphQLFailure("Environment not found")
        self.allow(self.b.project(env.project_id), env.id, project_token=True)
        return v.environment(self.b, env)

    def environments(self, info: Info, projectId: str, **args: Any) -> v.View:
        p = self.project_of(projectId)
        self.allow(p)
        envs = [
            e for e in self.b.live_environments(p.id) if args.get("isEphemeral") in (None, e.is_ephemeral)
        ]
        return v.connection(envs, lambda e: v.environment(self.b, e), args)

    def service(self, info: Info, id: str) -> v.View:
        self.authenticated()
        s = self.b.service(id)
        self.allow(self.b.project(s.project_id), project_token=True)
        return v.service(self.b, s)

    def serviceInstance(self, info: Info, serviceId: str, environmentId: str) -> v.View:
        self.authenticated()
        s = self.b.service(serviceId)
        env = self.env_in(environmentId, s.project_id)
        self.allow(self.b.project(s.project_id), env.id, project_token=True)
        return v.instance(self.b, self.b.instance(s.id, env.id))

    def variables(self, info: Info, projectId: str, environmentId: str, **args: Any) -> dict[str, str]:
        p = self.project_of(projectId)
        self.allow(p, environmentId, project_token=True)
        return self.b.read_variables(
            p.id, environmentId, args.get("serviceId"), unrendered=bool(args.get("unrendered"))
        )

    def domains(self, info: Info, projectId: str, environmentId: str, serviceId: str) -> v.View:
        p = self.project_of(projectId)
        self.allow(p, environmentId, project_token=True)
        inst = self.b.instance_scope(p.id, environmentId, serviceId)
        return v.all_domains(self.b, self.b.instance_domains(inst.service_id, inst.environment_id))

    def customDomain(self, info: Info, id: str, projectId: str) -> v.View:
        self.authenticated()
        d = self.b.custom_domain(id)
        if d.project_id != projectId:
            raise GraphQLFailure("CustomDomain not found")
        self.allow(self.b.project(d.project_id), d.environment_id, project_token=True)
        return v.custom_domain(self.b, d)

    def deployment(self, info: Info, id: str) -> v.View:
        self.authenticated()
        d = self.b.deployment(id)
        self.allow(self.b.project(d.project_id), d.environment_id, project_token=True)
        return v.deployment(self.b, self.b.read_deployment(d.id))

    def deployments(self, info: Info, input: dict[str, Any], **args: Any) -> v.View:
        self.authenticated()
        if self.caller.kind == "project" and input.get("environmentId") != self.caller.environment_id:
            raise NotAuthorized()
        wanted = {"projectId": "project_id", "environmentId": "environment_id", "serviceId": "service_id"}
        deps = [d for d in self.b.deployments.values() if d.live or input.get("includeDeleted")]
        for key, attr in wanted.items():
            if input.get(key) is not None:
                deps = [d for d in deps if getattr(d, attr) == input[key]]
        status = input.get("status") or {}
        deps = [d for d in deps if d.status in (status.get("in") or [d.status])]
        deps = [d for d in deps if d.status not in (status.get("notIn") or [])]
        for project_id in {d.project_id for d in deps}:
            self.allow(self.b.projects[project_id], input.get("environmentId"), project_token=True)
        deps.sort(key=lambda d: d.seq, reverse=True)
        return v.connection(self.b.listed(deps), lambda d: v.deployment(self.b, d), args)

    def projectToken(self, info: Info) -> v.View:
        if self.caller.kind != "project" or self.caller.token_id is None:
            raise GraphQLFailure("Project Token not found")
        try:
            token = self.b.project_token(self.caller.token_id)
        except GraphQLFailure:
            raise GraphQLFailure("Project Token not found") from None
        return v.project_token(self.b, token)

    def projectTokens(self, info: Info, projectId: str, **args: Any) -> v.View:
        p = self.project_of(projectId)
        self.allow(p)
        tokens = [t for t in self.b.project_tokens.values() if t.live and t.project_id == p.id]
        return v.connection(tokens, lambda t: v.project_token(self.b, t), args)

    def regions(self, info: Info, projectId: str | None = None) -> list[v.View]:
        self.authenticated()
        return [v.region(name) for name in r.REGIONS]
