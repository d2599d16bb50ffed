"""The project's config keys: name, type, default, description, and whether the value is a secret.

`Pulumi.yaml`'s `config:` block mirrors this table (a test proves it); validation is `settings.load`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

NAMESPACE = "cartly-infra"

KeyType = Literal["string", "integer", "boolean", "array"]
# Preview stacks: pr-<N> for an app pull request, infra-pr-<N> for one of this repository (never the same).
PREVIEW_STACK = re.compile(r"(?:infra-)?pr-([1-9][0-9]{0,8})")


def is_preview_stack(stack: str) -> bool:
    return PREVIEW_STACK.fullmatch(stack) is not None


@dataclass(frozen=True)
class Key:
    """One project config key.

    Secrets default to "" and are not declared `secret: true` in Pulumi.yaml: the CLI treats a key without a
    default as required in every stack, and preview stacks set no secret of their own (theirs come from the
    staging stack). `components.settings.load` enforces presence per stack and that the value is encrypted.
    """

    name: str
    type: KeyType
    default: str | int | bool | list[str]
    description: str
    secret: bool = False
    # Secrets only: which stacks must set it (both long-lived stacks, production alone, or none). "github":
    # both long-lived stacks, for their GitHub environment only (previews never receive it from staging).
    required_in: Literal["long-lived", "production", "github", "never"] = "never"
    # Integers only: the accepted range, and why the upper bound is what it is.
    minimum: int = 0
    maximum: int | None = None
    bound_reason: str = ""

    @property
    def qualified(self) -> str:
        return f"{NAMESPACE}:{self.name}"


# A guard against a typo that would bill a thousand replicas; raise it here if Cartly ever needs more.
_REPLICAS: dict[str, Any] = {"minimum": 1, "maximum": 50, "bound_reason": "a guard against typos"}
_PACING: dict[str, Any] = {"maximum": 60, "bound_reason": "a minute: a slower look misses the deploy window"}


def _secret(
    name: str, description: str, required_in: Literal["long-lived", "production", "github", "never"]
) -> Key:
    return Key(name, "string", "", description, secret=True, required_in=required_in)


KEYS: tuple[Key, ...] = (
    # Railway project and environment.
    Key(
        "railwayWorkspaceId",
        "string",
        "",
        "Railway workspace the project is created in (empty: the token's).",
    ),
    Key("railwayProjectId", "string", "", "Adopt this existing Railway project instead of creating one."),
    Key("projectName", "string", "", "Railway project name (empty: cartly-<stack>)."),
    Key(
        "environmentName",
        "string",
        "",
        "Environment of a long-lived stack (empty: the stack's name); an adopted project must have it.",
    ),
    Key("region", "string", "us-west2", "Railway region of both services."),
    Key("webReplicas", "integer", 1, "Replicas of the web service (>= 1).", **_REPLICAS),
    Key("workerReplicas", "integer", 1, "Replicas of the worker service (>= 1).", **_REPLICAS),
    Key("restartPolicy", "string", "ON_FAILURE", "Restart policy: ALWAYS, ON_FAILURE or NEVER."),
    Key(
        "restartMaxRetries",
        "integer",
        10,
        "Restarts before giving up (ON_FAILURE only).",
        maximum=100,
        bound_reason="a crash loop is not worth more retries",
    ),
    Key(
        "healthcheckTimeout",
        "integer",
        300,
        "Seconds Railway waits for /health before keeping the old deploy.",
        minimum=1,
        maximum=3600,
        bound_reason="Railway's limit",
    ),
    Key(
        "deployTimeoutSeconds",
        "integer",
        600,
        "Seconds a deployment may take before it is rolled back.",
        minimum=1,
        maximum=7200,
        bound_reason="two hours: a longer deploy is stuck",
    ),
    # How a deploy is waited on: Railway is polled and the health gate retried at these intervals; a new
    # domain gets the grace before a failing health check counts. The local sandbox sets them to 0.
    Key("deployPollSeconds", "integer", 5, "Seconds between reads of a deployment's status.", **_PACING),
    Key("healthGateIntervalSeconds", "integer", 5, "Seconds between health-gate attempts.", **_PACING),
    Key(
        "healthGateGraceSeconds",
        "integer",
        120,
        "Seconds after a deploy in which a failing health check is not counted (a new domain coming up).",
        maximum=600,
        bound_reason="ten minutes: a domain that long down is down",
    ),
    Key("preDeployCommand", "string", "npx prisma migrate deploy", "Web pre-deploy command (migrations)."),
    Key("nodeEnv", "string", "production", "NODE_ENV of both services."),
    # Domains.
    Key(
        "domain",
        "string",
        "",
        "Custom domain of the web service (empty on previews: <stack>.<previewDomain>).",
    ),
    Key("previewDomain", "string", "cartly.io", "Parent domain of preview stacks' [infra-]pr-<N> domains."),
    Key(
        "previewSeedCommand",
        "string",
        "",
        "App previews: command run once after the first deploy, on the preview's own database (empty: none).",
    ),
    # Image.
    Key("image", "string", "ghcr.io/cartly-app/cartly", "GHCR repository of the app image, without tag."),
    Key("imageTag", "string", "", "Tag to deploy (empty: main, staging, or pr-<N> after the stack)."),
    Key(
        "imageDigest",
        "string",
        "",
        "Deploy exactly this digest (sha256:...) of image, not imageTag's (set by the dispatch).",
    ),
    Key(
        "imageBuildContext", "string", "", "Build and push from this directory instead of resolving the tag."
    ),
    Key("imageDockerfile", "string", "Dockerfile", "Dockerfile, relative to imageBuildContext."),
    Key("ghcrUsername", "string", "cartly-bot", "GHCR user for pushing and for Railway's image pulls."),
    Key(
        "releaseDigest",
        "string",
        "",
        "Digest a release deploys (sha256:...): set for one run by tools/release.py, never in a stack file.",
    ),
    # GitHub.
    Key("githubRepository", "string", "cartly", "Repository (under github:owner) whose Actions are wired."),
    Key(
        "githubInfraRepository",
        "string",
        "cartly-infra",
        "This repository (under github:owner): production declares its environments and their rules.",
    ),
    Key("githubReviewers", "array", [], "GitHub logins that must approve production deploys."),
    Key("githubReviewerTeams", "array", [], "GitHub team slugs that may approve production deploys."),
    Key("requiredStatusChecks", "array", ["test"], "Status checks main's branch protection requires."),
    Key("slackChannel", "string", "#deploys", "Slack channel that hears every release of this stack."),
    # Previews.
    Key("stagingStackRef", "string", "organization/cartly-infra/staging", "Staging stack previews read."),
    # Secrets.
    _secret("railwayToken", "Railway workspace token (else env RAILWAY_API_TOKEN).", "never"),
    _secret(
        "ghcrToken", "GHCR token (read:packages, write:packages to build) for pushes and pulls.", "long-lived"
    ),
    _secret("databaseUrl", "PostgreSQL 16 connection URL (DATABASE_URL).", "long-lived"),
    _secret("redisUrl", "Redis connection URL (REDIS_URL).", "long-lived"),
    _secret("jwtSecret", "Secret that signs session JWTs (JWT_SECRET).", "long-lived"),
    _secret("openrouterApiKey", "OpenRouter API key (OPENROUTER_API_KEY).", "long-lived"),
    _secret("sentryDsn", "Sentry DSN (SENTRY_DSN).", "long-lived"),
    _secret("b2AccessKey", "Backblaze B2 key id (B2_ACCESS_KEY).", "long-lived"),
    _secret("b2SecretKey", "Backblaze B2 application key (B2_SECRET_KEY).", "long-lived"),
    _secret("previewB2AccessKey", "B2 key id app previews get (staging only; empty: none).", "never"),
    _secret(
        "previewB2SecretKey", "B2 application key app previews get (staging only; empty: none).", "never"
    ),
    _secret(
        "slackBotToken",
        "Slack bot token: this repository's production and staging environments get it as SLACK_BOT_TOKEN.",
        "production",
    ),
    _secret("testDatabaseUrl", "Database URL CI's tests use (repository secret).", "production"),
    # Post-deploy checks (components/settings/checks.py; README "Post-deploy checks").
    Key(
        "smokeSteps",
        "array",
        [],
        'Smoke steps after each web deploy: JSON objects {"method", "path", "body", "headers", '
        '"expectStatus", "expectFragment" or "expectField", "save"}; "{{secret:smokeUserPassword}}" inserts '
        "the secret.",
    ),
    _secret(
        "smokeUserPassword", "Password of the smoke-test user, for {{secret:smokeUserPassword}}.", "never"
    ),
    Key(
        "bakeWindowSeconds",
        "string",
        "",
        "Seconds to watch error rate, memory and health after a deploy (empty: 180 on production, else 0).",
    ),
    Key("bakeIntervalSeconds", "integer", 15, "Seconds between two looks during the bake window.", minimum=1),
    Key(
        "errorRateThresholdPercent",
        "string",
        "1",
        "Share of 5xx (%) after a deploy that rolls it back (SEV-2).",
    ),
    Key(
        "errorRateMinRequests",
        "integer",
        50,
        "Requests the new deployment must serve before its 5xx share counts.",
        minimum=1,
    ),
    Key(
        "memoryThresholdPercent",
        "string",
        "85",
        "Memory use (% of the limit) after a deploy that alerts (SEV-3).",
    ),
    Key(
        "healthCheckFailureThreshold",
        "integer",
        3,
        "Failed health probes in the bake window tolerated (SEV-2).",
    ),
    Key("sentryUrl", "string", "https://sentry.io", "Sentry's address, for the post-deploy Sentry check."),
    Key("sentryOrganization", "string", "", "Sentry organization slug (empty: no Sentry check)."),
    Key("sentryProject", "string", "", "Sentry project slug (empty: no Sentry check)."),
    Key(
        "sentryMaxNewIssues",
        "integer",
        0,
        "New Sentry issues tolerated in a release's window (SEV-2 beyond).",
    ),
    _secret(
        "sentryAuthToken", "Sentry auth token (project:read) for the Sentry check; none: skipped.", "never"
    ),
    _secret(
        "releaseDispatchToken",
        "Token that can only start cartly-infra's release workflow (app environment secret).",
        "github",
    ),
)

KEYS_BY_NAME: dict[str, Key] = {key.name: key for key in KEYS}


# The keys the preview driver sets on a preview stack; every other key runs on the project default.
DRIVER_KEYS = ("imageTag", "imageDigest")


def default_text(key: Key) -> str:
    """The default as Pulumi hands config to the program: strings as is, arrays as JSON, numbers as text."""
    if isinstance(key.default, list):
        return json.dumps(key.default)
    if isinstance(key.default, bool):
        return "true" if key.default else "false"
    return str(key.default)


def set_command(key: Key, stack: str, example: str | None = None, index: int = 0) -> str:
    """The exact command that sets `key` on `stack` (an array's item `index`). Secrets are prompted for, never
    put on a command line. A preview stack's file holds only imageTag and imageDigest (the driver writes them
    afresh each run; load refuses any other key there), so for previews the fix is Pulumi.yaml's default."""
    if is_preview_stack(stack) and key.name not in DRIVER_KEYS:
        return (
            f"change the default of {key.name} in Pulumi.yaml (preview stacks run on the project's defaults: "
            "their stack file holds only imageTag and imageDigest, which the preview driver writes)"
        )
    if key.secret:
        return f"pulumi config set --secret {key.qualified} --stack {stack}"
    value = example if example is not None else "<value>"
    if key.type == "array":
        return f"pulumi config set --path '{key.qualified}[{index}]' {value} --stack {stack}"
    return f"pulumi config set {key.qualified} {value} --stack {stack}"


def required_secrets(stack: str) -> tuple[Key, ...]:
    """The secrets `stack` must hold: every long-lived one and the release token (`github`) on staging and
    production, production's own on production, none on a preview (`[infra-]pr-<N>` reads staging's). What
    scripts/init-stack prompts for, and what the offline plan and the mocks treat as set (the committed stack
    files hold no ciphertext)."""
    if PREVIEW_STACK.fullmatch(stack):
        return ()
    wanted = {"long-lived", "github", "production"} if stack == "production" else {"long-lived", "github"}
    return tuple(key for key in KEYS if key.secret and key.required_in in wanted)
