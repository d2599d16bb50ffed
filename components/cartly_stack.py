"""`CartlyStack`: one stack of Cartly (production, staging or a preview, pr-<N> or infra-pr-<N>), end to end.

Settings → image digest → the Railway environment → GitHub wiring → outputs. A preview reads the staging
stack through a StackReference and declares nothing in GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components import stack_outputs as out
from components.github_actions import GithubActions, GithubActionsArgs
from components.image import GhcrImage, GhcrImageArgs
from components.infra_environments import InfraEnvironments, InfraEnvironmentsArgs
from components.railway_environment import (
    RailwayEnvironment,
    RailwayEnvironmentArgs,
    SecretSource,
    StagingView,
)
from components.settings.values import Settings


@dataclass(frozen=True)
class CartlyStackArgs:
    settings: Settings


class CartlyStack(pulumi.ComponentResource):
    """Everything one stack deploys; `outputs` holds what the program exports."""

    outputs: dict[str, Any]

    def __init__(self, name: str, args: CartlyStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        s = args.settings
        # Its type token before the token followed the module name: existing stacks update in place.
        renamed = [pulumi.Alias(type_="cartly:stack:CartlyStack")]
        # Production protects everything it declares (children inherit protect from this component): the
        # real engine's `destroy` deletes every unprotected resource before it refuses on a protected one,
        # so protecting only the project, environment and services would still wipe production's variables,
        # domains, deployments, token and GitHub secrets.
        own = pulumi.ResourceOptions(aliases=renamed, protect=True if s.protect else None)
        opts = pulumi.ResourceOptions.merge(opts, own)
        super().__init__("cartly:cartly_stack:CartlyStack", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        staging = self._staging_view(name, s) if s.is_preview else None
        secret = staging.secret if staging is not None else _config_secrets(s)
        image = GhcrImage(
            f"{name}-image", GhcrImageArgs(s.image, secret("ghcrToken"), remember=not s.is_preview), child
        )
        railway = RailwayEnvironment(
            f"{name}-railway",
            RailwayEnvironmentArgs(name, s, image.ref, secret, staging, moved_from=self),
            child,
        )
        if s.github is not None:
            GithubActions(f"{name}-github", _github_args(s, secret), child)
        if s.github is not None and s.kind == "production":
            # Production owns repository-level things: this repository's environments among them.
            infra = InfraEnvironmentsArgs(settings=s.github, slack_bot_token=secret("slackBotToken"))
            InfraEnvironments(f"{name}-infra-environments", infra, child)
        self.outputs = _outputs(s, image, railway)
        if s.kind == "staging":
            handed = {key: secret(key) for key in out.PREVIEW_SECRET_KEYS}
            for key in out.APP_PREVIEW_ONLY_KEYS:  # optional: "" when staging holds none
                handed[key] = pulumi.Output.secret(s.secrets[key].reveal() if key in s.secrets else "")
            self.outputs[out.PREVIEW_SECRETS] = pulumi.Output.secret(handed)
        self.register_outputs(self.outputs)

    def _staging_view(self, name: str, s: Settings) -> StagingView:
        ref = pulumi.StackReference(
            f"{name}-staging", stack_name=s.staging_stack_ref, opts=pulumi.ResourceOptions(parent=self)
        )
        services = ref.require_output(out.SERVICE_IDS)
        secrets = ref.require_output(out.PREVIEW_SECRETS)

        def secret(key: str) -> pulumi.Output[str]:
            value: pulumi.Output[str] = secrets.apply(
                lambda values: out.preview_secret(values, key, s.staging_stack_ref)
            )
            return pulumi.Output.secret(value)

        def optional_secret(key: str) -> pulumi.Output[str]:
            value: pulumi.Output[str] = secrets.apply(lambda values: out.optional_preview_secret(values, key))
            return pulumi.Output.secret(value)

        return StagingView(
            project_id=ref.require_output(out.PROJECT_ID).apply(str),
            environment_id=ref.require_output(out.ENVIRONMENT_ID).apply(str),
            service_ids={role: _pick(services, role) for role in ("web", "worker")},
            secret=secret,
            optional_secret=optional_secret,
        )


def _github_args(s: Settings, secret: SecretSource) -> GithubActionsArgs:
    """What the stack's GitHub wiring needs: only what the adopted app pipeline reads (app-pipeline/)."""
    assert s.github is not None
    production = s.kind == "production"
    return GithubActionsArgs(
        settings=s.github,
        production=production,
        release_token=secret("releaseDispatchToken"),
        app_url=s.app_url,
        test_database_url=secret("testDatabaseUrl") if production else None,
    )


def _outputs(s: Settings, image: GhcrImage, railway: RailwayEnvironment) -> dict[str, Any]:
    return {
        out.APP_URL: s.app_url,
        out.DOMAIN: s.domain,
        out.DNS_RECORDS: railway.custom_domain.dns_records,  # the TXT record in the CLI's form
        out.IMAGE: image.ref,
        out.IMAGE_DIGEST: image.digest,
        out.PROJECT_ID: railway.place.project_id,
        out.ENVIRONMENT_ID: railway.place.environment_id,
        out.SERVICE_IDS: railway.service_ids,
        out.DEPLOYMENT_IDS: {role: d.deployment_id for role, d in railway.deployments.items()},
        out.DEPLOY_CHECKS: {role: d.checks for role, d in railway.deployments.items()},
        out.HEALTH_DOMAIN: railway.railway_domain.domain,
        out.PROJECT_TOKEN: pulumi.Output.secret(railway.token.token),
    }


def _pick(ids: pulumi.Output[Any], role: str) -> pulumi.Output[str]:
    picked: pulumi.Output[str] = ids.apply(lambda values: str(values[role]))
    return picked


def _config_secrets(s: Settings) -> SecretSource:
    def secret(key: str) -> pulumi.Output[str]:
        if key not in s.secrets:
            raise ValueError(f"Unable to read secret cartly-infra:{key} of stack '{s.stack}': it is not set")
        return pulumi.Output.secret(s.secrets[key].reveal())

    return secret
