"""Authentication and project tokens: who a request's headers say the caller is, and what a caller may do.
Deliberately not imitated: account tokens and `me`, OAuth, two-factor prompts, team roles."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.state import GraphQLFailure, NotAuthorized, State


@dataclass(frozen=True)
class Caller:
    """Who sent a request. kind: "workspace", "project", "invalid" (unknown token) or None (no token)."""

    kind: str | None
    workspace_id: str | None = None
    project_id: str | None = None
    environment_id: str | None = None
    token_id: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.kind in ("workspace", "project")

    def require(
        self, project: r.Project, environment_id: str | None = None, *, project_token: bool = False
    ) -> None:
        """Raise "Not Authorized" unless this caller may act on project (and environment_id, if given).
        project_token: whether a project token may do this at all."""
        if self.kind == "workspace" and project.workspace_id == self.workspace_id:
            return
        in_scope = environment_id is None or environment_id == self.environment_id
        if self.kind == "project" and project_token and project.id == self.project_id and in_scope:
            return
        raise NotAuthorized()


class TokenRules(State):
    def authenticate(self, authorization: str | None, project_access_token: str | None) -> Caller:
        """A workspace token (`Authorization: Bearer`) reaches every project of its workspace. A project token
        (`Project-Access-Token`, minted by projectTokenCreate) reaches one environment of one project: it may
        read that project, and read, write variables and deploy in that environment; else "Not Authorized"."""
        if project_access_token is not None:
            for token in self.project_tokens.values():
                if token.live and secrets.compare_digest(token.token, project_access_token):
                    return Caller("project", None, token.project_id, token.environment_id, token.id)
            return Caller("invalid")
        if authorization is None:
            return Caller(None)
        scheme, _, value = authorization.partition(" ")
        workspace = self.workspace_tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        return Caller("workspace", workspace) if workspace else Caller("invalid")

    def add_workspace_token(self, token: str) -> None:
        """Accept another token as a workspace token of the emulator's one workspace."""
        self.workspace_tokens[token] = self.workspace_id

    def create_project_token(self, input: dict[str, Any]) -> str:
        project = self.project(input["projectId"])
        env = self.environment(input["environmentId"])
        if env.project_id != project.id:
            raise GraphQLFailure("Environment not found")
        token = r.ProjectToken(
            **self.stamp(),
            project_id=project.id,
            environment_id=env.id,
            name=input["name"],
            token=secrets.token_hex(16),
        )
        self.project_tokens[token.id] = token
        return token.token

    def project_token(self, token_id: str | None) -> r.ProjectToken:
        """The live token with that id, else "ProjectToken not found" (the <Type> pattern of get-by-id;
        "Project Token not found" is what an unknown Project-Access-Token header gets)."""
        return self.get(self.project_tokens, "ProjectToken", token_id)
