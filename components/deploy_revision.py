"""What a service's deploy is of: the per-environment settings this program manages, and the revision that
changes whenever the image, those settings or the variables do (a new revision deploys)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from components.settings.values import HEALTH_PATH, ServiceSettings, Settings


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
