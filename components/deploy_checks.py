"""What each of Cartly's Deployments checks after its health gate: the stack's post-deploy settings, with
smoke steps, their secrets and the Sentry check given to the web service only (the worker has no public
address; one Sentry look per release is enough). The secrets travel as one Pulumi secret, so state, outputs
and previews show them encrypted."""

from __future__ import annotations

from typing import Any

import pulumi

from components.settings.values import ServiceSettings, Settings


def deployment_checks(s: Settings, service: ServiceSettings) -> dict[str, Any]:
    """The Deployment's `post_deploy` and `post_deploy_secrets` arguments for `service`."""
    public = service.name == "web"
    smoke = {
        name: s.secrets[name].reveal() for name in s.checks.smoke_secrets if public and name in s.secrets
    }
    secrets: dict[str, Any] = {"smoke": smoke}
    if public and s.checks.sentry is not None and "sentryAuthToken" in s.secrets:
        secrets["sentry_token"] = s.secrets["sentryAuthToken"].reveal()
    return {
        "post_deploy": s.checks.post_deploy(public=public),
        "post_deploy_secrets": pulumi.Output.secret(secrets),
    }
