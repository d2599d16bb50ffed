"""`RailwayEnvironment`: the Railway side of one stack, as one component.

Project and environment (long-lived stacks own a project and adopt its default environment; previews fork
staging's environment and create no service), each service's settings, variables and health-gated
Deployment, the domains and the environment's project token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.settings.values import HEALTH_PATH, SECRET_VARIABLES, ServiceSettings, Settings
from pulumi_railway.resources.custom_domain import CustomDomain, CustomDomainArgs
from pulumi_railway.resources.deployment import Deployment, DeploymentArgs
from pulumi_railway.resources.environment import Environment, EnvironmentArgs
from pulumi_railway.resources.project import Project, ProjectArgs
from pulumi_railway.resources.project_token import ProjectToken, ProjectTokenArgs
from pulumi_railway.resources.service import Service, ServiceArgs
from pulumi_railway.resources.service_domain import ServiceDomain, ServiceDomainArgs
from pulumi_railway.resources.service_instance import ServiceInstance, ServiceInstanceArgs
from pulumi_railway.resources.variables import Variables, VariablesArgs

SecretSource = Callable[[str], pulumi.Output[str]]  # config key -> its value, as a secret Output


@dataclass(frozen=True)
class Place:
    """Where a stack's services live: the Railway project and environment ids."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]


@dataclass(frozen=True)
class StagingView:
    """What a preview takes from the staging stack's outputs."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    service_ids: Mapping[str, pulumi.Output[str]]
    secret: SecretSource


@dataclass(frozen=True)
class Wiring:
    """Everything a service's declarations need besides the service itself."""

    name: str  # resource name prefix
    settings: Settings
    place: Place
    image_ref: pulumi.Output[str]
    secret: SecretSource
    parent: pulumi.Resource
    aliases: list[pulumi.Alias]  # where the resources stood before RailwayEnvironment held them

    def opts(
        self, *, protect: bool = False, depends_on: list[pulumi.Resource] | None = None
    ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=self.parent, protect=protect, depends_on=depends_on, aliases=self.aliases
        )


def declare_place(
    name: str, s: Settings, child: pulumi.ResourceOptions, staging: StagingView | None
) -> tuple[Place, Environment]:
    """The project and environment: forked from staging for a preview; otherwise the project (created, or
    adopted by id) and its default environment, adopted by the stack's environment name."""
    if staging is not None:
        env = Environment(
            f"{name}-environment",
            EnvironmentArgs(
                project_id=staging.project_id,
                name=s.environment_name,
                source_environment_id=staging.environment_id,
                ephemeral=True,
            ),
            child,
        )
        return Place(staging.project_id, env.environment_id), env
    project = Project(
        f"{name}-project",
        ProjectArgs(
            name=s.project_name,
            workspace_id=s.workspace_id,
            description=f"Cartly {s.stack}, managed by cartly-infra (pulumi stack {s.stack})",
            project_id=s.project_id,
            # A created project starts with the stack's environment; an adopted one already has its own.
            default_environment_name=None if s.project_id else s.environment_name,
        ),
        child,
    )
    env = Environment(
        f"{name}-environment",
        EnvironmentArgs(project_id=project.project_id, name=s.environment_name, adopt=True),
        child,
    )
    return Place(project.project_id, env.environment_id), env


def app_variables(w: Wiring, service: ServiceSettings) -> pulumi.Output[dict[str, str]]:
    """The service's variables: its secrets from the stack, plus NODE_ENV, PORT and APP_URL. Secret."""
    values: dict[str, pulumi.Input[str]] = {
        variable: w.secret(SECRET_VARIABLES[variable]) for variable in service.secret_variables
    }
    values.update(NODE_ENV=w.settings.node_env, PORT=str(service.port), APP_URL=w.settings.app_url)
    return pulumi.Output.secret(pulumi.Output.all(**values))


def declare_services(w: Wiring) -> dict[str, pulumi.Output[str]]:
    """Services web and worker (long-lived stacks), created with image and variables; ids by role.

    In an adopted project they are adopted by name: an existing `web` is taken over, never duplicated."""
    ids: dict[str, pulumi.Output[str]] = {}
    for service in (w.settings.web, w.settings.worker):
        created = Service(
            f"{w.name}-{service.name}-service",
            ServiceArgs(
                project_id=w.place.project_id,
                environment_id=w.place.environment_id,
                name=service.name,
                image=w.image_ref,
                variables=app_variables(w, service),
                adopt=w.settings.project_id is not None,
            ),
            w.opts(protect=w.settings.protect),
        )
        ids[service.name] = created.service_id
    return ids


def instance_settings(s: Settings, service: ServiceSettings) -> dict[str, Any]:
    """The per-environment settings this program manages for `service` (None = left to Railway)."""
    return {
        "pre_deploy_command": service.pre_deploy_command,
        "healthcheck_path": HEALTH_PATH,
        "healthcheck_timeout": s.healthcheck_timeout,
        "num_replicas": service.replicas,
        "region": s.region,
        "restart_policy_type": s.restart_policy,
        "restart_policy_max_retries": s.restart_max_retries,
    }


def revision(image_ref: str, settings: Mapping[str, Any], values_sha256: str) -> str:
    """What a deploy is of: sha256 over the image digest, the settings and the variables' hash."""
    material = json.dumps(
        {"image": image_ref, "settings": settings, "variables": values_sha256}, sort_keys=True
    )
    return hashlib.sha256(material.encode()).hexdigest()


def declare_service(
    w: Wiring,
    service: ServiceSettings,
    service_id: pulumi.Input[str],
    health_domain: pulumi.Input[str] | None,
) -> Deployment:
    """One service's settings and variables in the environment, and its health-gated Deployment."""
    settings = instance_settings(w.settings, service)
    credentials: dict[str, pulumi.Input[str]] = {
        "username": w.settings.image.registry_username,
        "password": w.secret("ghcrToken"),
    }
    instance = ServiceInstance(
        f"{w.name}-{service.name}-settings",
        ServiceInstanceArgs(
            service_id=service_id,
            environment_id=w.place.environment_id,
            image=w.image_ref,
            registry_credentials=pulumi.Output.secret(credentials),
            **settings,
        ),
        w.opts(),
    )
    variables = Variables(
        f"{w.name}-{service.name}-variables",
        VariablesArgs(
            project_id=w.place.project_id,
            environment_id=w.place.environment_id,
            service_id=service_id,
            variables=app_variables(w, service),
        ),
        w.opts(),
    )
    rev = pulumi.Output.all(w.image_ref, variables.values_sha256).apply(
        lambda parts: revision(parts[0], settings, parts[1])
    )
    return Deployment(
        f"{w.name}-{service.name}-deployment",
        DeploymentArgs(
            project_id=w.place.project_id,
            environment_id=w.place.environment_id,
            service_id=service_id,
            revision=rev,
            health_domain=health_domain,
            health_path=HEALTH_PATH,
            timeout_seconds=w.settings.deploy_timeout,
        ),
        w.opts(depends_on=[instance, variables]),
    )


def declare_domains(w: Wiring, web_id: pulumi.Input[str]) -> tuple[CustomDomain, ServiceDomain]:
    """The custom domain (DNS records to create) and a Railway domain the deploy gate can reach before DNS."""
    custom = CustomDomain(
        f"{w.name}-web-domain",
        CustomDomainArgs(
            project_id=w.place.project_id,
            environment_id=w.place.environment_id,
            service_id=web_id,
            domain=w.settings.domain,
            target_port=w.settings.web.port,
        ),
        w.opts(),
    )
    generated = ServiceDomain(
        f"{w.name}-web-railway-domain",
        ServiceDomainArgs(
            environment_id=w.place.environment_id, service_id=web_id, target_port=w.settings.web.port
        ),
        w.opts(),
    )
    return custom, generated


def declare_token(w: Wiring) -> ProjectToken:
    """A project token scoped to this environment, for the environment's CI."""
    return ProjectToken(
        f"{w.name}-token",
        ProjectTokenArgs(
            project_id=w.place.project_id,
            environment_id=w.place.environment_id,
            name=f"cartly-infra-{w.settings.stack}",
        ),
        w.opts(),
    )


@dataclass(frozen=True)
class RailwayEnvironmentArgs:
    prefix: str  # resource name prefix (the stack component's name)
    settings: Settings
    image_ref: pulumi.Output[str]
    secret: SecretSource
    staging: StagingView | None  # a preview's view of staging; None for a long-lived stack
    moved_from: pulumi.Resource  # the parent the resources had before this component held them


class RailwayEnvironment(pulumi.ComponentResource):
    """One stack's Railway project, environment, services, domains, deployments and project token."""

    def __init__(
        self, name: str, args: RailwayEnvironmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cartly:railway_environment:RailwayEnvironment", name, None, opts)
        s, prefix, aliases = args.settings, args.prefix, [pulumi.Alias(parent=args.moved_from)]
        child = pulumi.ResourceOptions(parent=self, protect=s.protect, aliases=aliases)
        self.place, self.environment = declare_place(prefix, s, child, args.staging)
        w = Wiring(prefix, s, self.place, args.image_ref, args.secret, self, aliases)
        staging = args.staging
        self.service_ids = dict(staging.service_ids) if staging is not None else declare_services(w)
        self.custom_domain, self.railway_domain = declare_domains(w, self.service_ids["web"])
        self.deployments = {
            "web": declare_service(w, s.web, self.service_ids["web"], self.railway_domain.domain),
            "worker": declare_service(w, s.worker, self.service_ids["worker"], None),
        }
        self.token = declare_token(w)
        self.register_outputs(
            {"project_id": self.place.project_id, "environment_id": self.place.environment_id}
        )
