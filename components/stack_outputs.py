"""The names of the stack outputs, and the part of staging's outputs that preview stacks read.

Owns the contract between the staging stack and its previews (which outputs exist, which are secret) so the
program, the mocks and the PR tooling spell them the same way, and the error a preview raises when staging
does not export a value it needs. It declares no resource and reads no stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.settings.keys import KEYS

APP_URL = "appUrl"
DOMAIN = "domain"
DNS_RECORDS = "dnsRecords"  # the records to create at the DNS host, including TXT verification
IMAGE = "image"  # ghcr.io/<owner>/<repo>@sha256:... : what Railway runs
IMAGE_DIGEST = "imageDigest"
PROJECT_ID = "railwayProjectId"
ENVIRONMENT_ID = "railwayEnvironmentId"
SERVICE_IDS = "railwayServiceIds"  # {"web": id, "worker": id}
DEPLOYMENT_IDS = "deploymentIds"  # {"web": id, "worker": id}
DEPLOY_CHECKS = "deployChecks"  # {"web": summary, "worker": summary} of the last deploy's post-deploy checks
HEALTH_DOMAIN = "healthDomain"  # Railway-generated domain the web deploy is health-gated on
PROJECT_TOKEN = "railwayProjectToken"  # noqa: S105 (an output name) the environment-scoped token, secret
PREVIEW_SECRETS = "previewSecrets"  # staging only: the secret config values previews reuse, secret

# Config keys whose staging values previews reuse: the secrets every long-lived stack must have (app
# variables and the registry token), so a secret added for staging reaches previews too.
PREVIEW_SECRET_KEYS = tuple(key.name for key in KEYS if key.secret and key.required_in == "long-lived")

# Secrets staging may hold for app previews alone (never used by staging itself); exported as "" when unset.
APP_PREVIEW_ONLY_KEYS = ("previewB2AccessKey", "previewB2SecretKey")

SECRET_OUTPUTS = frozenset({PROJECT_TOKEN, PREVIEW_SECRETS})


class StagingOutputError(LookupError):
    """Staging's outputs lack something a preview needs: staging was last updated by an older program."""


def preview_secret(exported: Any, key: str, staging_stack: str) -> str:
    """`key` of staging's previewSecrets output; a missing key names itself, the stack and the fix."""
    if not isinstance(exported, Mapping) or key not in exported:
        # Key names only: the values present are secrets.
        raise StagingOutputError(
            f"Unable to read secret '{key}' from the {PREVIEW_SECRETS} output of staging stack "
            f"'{staging_stack}': staging does not export it. Fix: run `pulumi up --stack staging` so staging "
            "exports it, then run the preview again."
        )
    return str(exported[key])


def optional_preview_secret(exported: Any, key: str) -> str:
    """`key` of staging's previewSecrets output, "" when staging does not hold it (it is optional)."""
    return str(exported.get(key) or "") if isinstance(exported, Mapping) else ""


def staging_reference_outputs(
    *,
    project_id: str,
    environment_id: str,
    web_service_id: str,
    worker_service_id: str,
    secrets: Mapping[str, str],
) -> dict[str, Any]:
    """The staging outputs a preview needs, shaped as staging exports them (for test doubles)."""
    return {
        PROJECT_ID: project_id,
        ENVIRONMENT_ID: environment_id,
        SERVICE_IDS: {"web": web_service_id, "worker": worker_service_id},
        PREVIEW_SECRETS: dict(secrets),
    }
