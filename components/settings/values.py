"""The settings a stack runs with: frozen values, already validated (by `components.settings.load`).

Owns the shapes the rest of the program reads (`Settings` and its parts), the fixed facts of the app (ports,
health path, which variable comes from which secret) and `Secret`, which keeps values out of reprs. It reads
no config and validates nothing: `components.settings.load` builds these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from components.settings.checks import ChecksSettings

StackKind = Literal["production", "staging", "preview"]

HEALTH_PATH = "/health"
WEB_PORT = 3000
WORKER_PORT = 3001

# Which app variable comes from which secret, and which service reads it (the worker signs no JWTs).
SECRET_VARIABLES: Mapping[str, str] = MappingProxyType(
    {
        "DATABASE_URL": "databaseUrl",
        "REDIS_URL": "redisUrl",
        "JWT_SECRET": "jwtSecret",
        "OPENROUTER_API_KEY": "openrouterApiKey",
        "SENTRY_DSN": "sentryDsn",
        "B2_ACCESS_KEY": "b2AccessKey",
        "B2_SECRET_KEY": "b2SecretKey",
    }
)
WORKER_SECRET_VARIABLES = tuple(name for name in SECRET_VARIABLES if name != "JWT_SECRET")


class Secret:
    """A secret config value: never shown by repr/str; `reveal()` only where it becomes a pulumi secret."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class DeployPacing:
    """How patiently a deploy is waited on, in seconds: status reads, gate attempts, a new domain's grace."""

    poll: int
    gate_interval: int
    gate_grace: int


@dataclass(frozen=True)
class ServiceSettings:
    name: str
    port: int
    replicas: int
    pre_deploy_command: str | None
    secret_variables: tuple[str, ...]  # app variable names whose values come from secrets


@dataclass(frozen=True)
class ImageSettings:
    repository: str  # ghcr.io/<owner>/<repo>
    tag: str
    build_context: str | None  # None: resolve the already-pushed tag to its digest
    dockerfile: str
    registry_username: str
    digest: str | None = None  # sha256:...: deploy exactly this, no tag lookup
    release_digest: str | None = None  # sha256:...: a release pins this digest for one run (no tag lookup)

    @property
    def registry(self) -> str:
        return self.repository.split("/", 1)[0]

    @property
    def tagged(self) -> str:
        return f"{self.repository}:{self.tag}"


@dataclass(frozen=True)
class GithubSettings:
    repository: str
    environment: str  # the GitHub environment: the stack's name
    branch: str  # the only branch that may deploy to it
    reviewers: tuple[str, ...]
    reviewer_teams: tuple[str, ...]
    required_checks: tuple[str, ...]
    # This repository, whose environments (production, staging, previews) production declares; else None.
    infra_repository: str | None = None


@dataclass(frozen=True)
class AppPreviewSettings:
    """What only an app preview (pr-<N>) has: its own data services, and a seed run once."""

    seed_command: str | None


@dataclass(frozen=True)
class Settings:
    stack: str
    kind: StackKind
    pr_number: int | None
    project_name: str
    project_id: str | None  # adopt this Railway project
    workspace_id: str | None
    # Previews create pr-<N>. Long-lived stacks adopt the project's default environment: a created project
    # is given this name (default: the stack's), an adopted project must already have it.
    environment_name: str
    domain: str
    region: str
    restart_policy: str
    restart_max_retries: int
    healthcheck_timeout: int
    deploy_timeout: int
    pacing: DeployPacing
    node_env: str
    web: ServiceSettings
    worker: ServiceSettings
    image: ImageSettings
    github: GithubSettings | None  # None on previews: they own nothing in GitHub
    staging_stack_ref: str
    # Config key -> value; empty on previews (their secrets come from the staging stack).
    secrets: Mapping[str, Secret] = field(default_factory=dict, repr=False)
    checks: ChecksSettings = field(default_factory=ChecksSettings)  # post-deploy checks
    app_preview: AppPreviewSettings | None = None  # pr-<N> only: a preview of an app pull request

    @property
    def is_app_preview(self) -> bool:
        return self.app_preview is not None

    @property
    def app_url(self) -> str:
        return f"https://{self.domain}"

    @property
    def is_preview(self) -> bool:
        return self.kind == "preview"

    @property
    def protect(self) -> bool:
        return self.kind == "production"
