"""An app preview's own data: PostgreSQL 16 and Redis inside the preview's Railway environment, and its seed.

Per data service: a service created in the preview environment only, its volume, its generated password
and one deployment once the volume is mounted; connection URLs over Railway's private network. Images are
pinned by tag (no registry here to read a digest from: README, "App previews").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from components.generated_secret import GeneratedSecret, GeneratedSecretArgs
from components.settings.values import Settings
from pulumi_railway.resources.deployment import Deployment, DeploymentArgs
from pulumi_railway.resources.environment import Environment
from pulumi_railway.resources.service import Service, ServiceArgs
from pulumi_railway.resources.service_instance import ServiceInstance, ServiceInstanceArgs
from pulumi_railway.resources.volume import Volume, VolumeArgs

if TYPE_CHECKING:  # railway_environment imports this module
    from components.railway_environment import SecretSource, StagingView, Wiring


@dataclass(frozen=True)
class DataService:
    """One data service as Railway's own templates run it: image, volume mount, port, fixed variables."""

    role: str
    image: str
    mount_path: str
    port: int
    password_variable: str
    variables: tuple[tuple[str, str], ...]

    def url(self, host: str, password: str) -> str:
        if self.role == "postgres":
            return f"postgresql://postgres:{password}@{host}:{self.port}/railway"
        return f"redis://default:{password}@{host}:{self.port}"


POSTGRES = DataService(
    role="postgres",
    image="ghcr.io/railwayapp-templates/postgres-ssl:16",
    mount_path="/var/lib/postgresql/data",
    port=5432,
    password_variable="POSTGRES_PASSWORD",  # noqa: S106 (a variable name)
    # PGDATA below the mount: a fresh volume holds lost+found, and initdb refuses a non-empty directory.
    variables=(
        ("POSTGRES_USER", "postgres"),
        ("POSTGRES_DB", "railway"),
        ("PGDATA", "/var/lib/postgresql/data/pgdata"),
    ),
)
REDIS = DataService(
    role="redis",
    image="railwayapp/redis:8.2",
    mount_path="/bitnami",
    port=6379,
    password_variable="REDIS_PASSWORD",  # noqa: S106 (a variable name)
    variables=(),
)

# Where each app secret of an app preview comes from (README, "App previews"): its own, generated here;
# staging's, because it reaches no data of staging's; or the preview-only key staging holds for previews.
OWN = ("databaseUrl", "redisUrl", "jwtSecret")
FROM_STAGING = ("ghcrToken", "openrouterApiKey", "sentryDsn")
PREVIEW_ONLY = {"b2AccessKey": "previewB2AccessKey", "b2SecretKey": "previewB2SecretKey"}


@dataclass(frozen=True)
class PreviewDataArgs:
    settings: Settings
    project_id: pulumi.Input[str]
    environment: Environment


class PreviewData(pulumi.ComponentResource):
    """The preview's PostgreSQL and Redis; `secrets` maps OWN keys to their (secret) values."""

    secrets: dict[str, pulumi.Output[str]]
    deployments: list[Deployment]

    def __init__(self, name: str, args: PreviewDataArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cartly:preview:PreviewData", name, None, opts)
        self._args = args
        env = args.environment
        # deleted_with: the environment takes them along; the services themselves are deleted explicitly
        # (Railway may keep a service whose only environment is gone: see README).
        self._inside = pulumi.ResourceOptions(parent=self, deleted_with=env)
        keepers = env.environment_id.apply(lambda env_id: {"environment_id": env_id})
        jwt = GeneratedSecret(
            f"{name}-jwt-secret", GeneratedSecretArgs(length=48, keepers=keepers), self._inside
        )
        self.deployments = []
        urls = {
            key: self._service(name, spec, keepers)
            for key, spec in (("databaseUrl", POSTGRES), ("redisUrl", REDIS))
        }
        self.secrets = {**urls, "jwtSecret": pulumi.Output.secret(jwt.value)}
        self.register_outputs({})

    def _service(
        self, name: str, spec: DataService, keepers: pulumi.Output[dict[str, str]]
    ) -> pulumi.Output[str]:
        a = self._args
        password = GeneratedSecret(
            f"{name}-{spec.role}-password", GeneratedSecretArgs(length=32, keepers=keepers), self._inside
        )
        host_name = f"{spec.role}-{a.settings.stack}"
        variables = pulumi.Output.all(password.value).apply(
            lambda parts: {spec.password_variable: parts[0], **dict(spec.variables)}
        )
        service = Service(
            f"{name}-{spec.role}-service",
            ServiceArgs(
                project_id=a.project_id,
                environment_id=a.environment.environment_id,
                name=host_name,
                image=spec.image,
                variables=pulumi.Output.secret(variables),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        # The Service provider sends no source at creation (a private image's create-time deploy would fail
        # to pull): the image is set here, and the one deploy below runs it once the volume is mounted.
        instance = ServiceInstance(
            f"{name}-{spec.role}-settings",
            ServiceInstanceArgs(
                service_id=service.service_id,
                environment_id=a.environment.environment_id,
                image=spec.image,
                image_by_tag=True,  # Railway's template images, by tag
            ),
            self._inside,
        )
        volume = Volume(
            f"{name}-{spec.role}-volume",
            VolumeArgs(
                project_id=a.project_id,
                environment_id=a.environment.environment_id,
                service_id=service.service_id,
                mount_path=spec.mount_path,
            ),
            self._inside,
        )
        revision = volume.volume_id.apply(lambda vid: _revision(spec.image, vid))
        self.deployments.append(
            Deployment(
                f"{name}-{spec.role}-deployment",
                DeploymentArgs(
                    project_id=a.project_id,
                    environment_id=a.environment.environment_id,
                    service_id=service.service_id,
                    revision=revision,
                    timeout_seconds=a.settings.deploy_timeout,
                    poll_interval_seconds=a.settings.pacing.poll,
                ),
                pulumi.ResourceOptions.merge(self._inside, pulumi.ResourceOptions(depends_on=[instance])),
            )
        )
        host = f"{host_name}.railway.internal"
        return pulumi.Output.secret(password.value.apply(lambda pw: spec.url(host, pw)))


def _revision(image: str, volume_id: str) -> str:
    """Deploy once the volume is mounted (the create-time deploy ran without it), and again if it changes."""
    return hashlib.sha256(f"{image}|{volume_id}".encode()).hexdigest()


def declare_seed(w: Wiring, variables: pulumi.Output[dict[str, str]], after: Deployment) -> Deployment:
    """The seed: a service running `command` once, after the web's first deploy (migrations done).

    Its deployment's revision never changes, so it runs once; later pushes leave its settings as they are
    (a settings write may start a deploy on Railway, which would seed again). Deleted explicitly on destroy,
    like the data services."""
    s, env_id = w.settings, w.place.environment_id
    assert s.app_preview is not None and s.app_preview.seed_command
    command = s.app_preview.seed_command
    service = Service(
        f"{w.name}-seed-service",
        ServiceArgs(
            project_id=w.place.project_id,
            environment_id=env_id,
            name=f"seed-{s.stack}",
            image=w.image_ref,
            variables=variables,
        ),
        pulumi.ResourceOptions(parent=w.parent),
    )
    credentials: dict[str, pulumi.Input[str]] = {
        "username": s.image.registry_username,
        "password": w.secret("ghcrToken"),
    }
    settings = ServiceInstance(
        f"{w.name}-seed-settings",
        ServiceInstanceArgs(
            service_id=service.service_id,
            environment_id=env_id,
            image=w.image_ref,
            registry_credentials=pulumi.Output.secret(credentials),
            start_command=command,
            restart_policy_type="NEVER",
        ),
        pulumi.ResourceOptions.merge(
            w.opts(),
            pulumi.ResourceOptions(ignore_changes=["image", "registry_credentials", "start_command"]),
        ),
    )
    return Deployment(
        f"{w.name}-seed-deployment",
        DeploymentArgs(
            project_id=w.place.project_id,
            environment_id=env_id,
            service_id=service.service_id,
            revision="seed-once",
            timeout_seconds=s.deploy_timeout,
        ),
        w.opts(depends_on=[settings, after]),
    )


def preview_secrets(own: dict[str, pulumi.Output[str]], staging: StagingView) -> SecretSource:
    """An app preview's secret source: its own values, staging's shareable ones, the preview-only B2 key."""

    def secret(key: str) -> pulumi.Output[str]:
        if key in own:
            return own[key]
        if key in PREVIEW_ONLY:
            return staging.optional_secret(PREVIEW_ONLY[key])
        return staging.secret(key)

    return secret
